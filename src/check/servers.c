/* servers.c - the state of real servers and what follows from it: a real
 * server is up when all its checks are and it is not in maintenance
 * (ldirectord's maintenancedir); the table is made to follow
 * (config/apply.h), and keepalived's notify_up/down and quorum_up/down
 * scripts run on the changes.
 *
 * Scripts run as `sh -c`, not waited for (the engine loop reaps them) and
 * each logged.  notify_up/notify_down run when a real server's combined
 * state changes, never for its start state; one that survives a reload
 * keeps its state.  quorum_up/quorum_down run when the sorry-server logic
 * gains or loses quorum; an unknown start counts as having quorum, as
 * keepalived assumes.  ldirectord's fallbackcommand is the same
 * mechanism (the parser turns it into quorum scripts), so it runs with
 * "start" at start-up, before the first check, as ldirectord does.
 *
 * maintenancedir: a file named "RIP:port" or "RIP" in it takes that real
 * server down until the file goes (addresses only, no host names).  The
 * directory is read every POLL_FILES_MS and at every (re)load, before the
 * first table sync, so such a server never shows up. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/stat.h>

#include "check-int.h"
#include "config/apply.h"
#include "lib/spawn.h"

int chk_real_up(const struct chk_engine *e, size_t si, size_t ri)
{
	const struct cfg_real *r = &e->cfg->svcs[si].reals[ri];

	if (e->rt[si].maint[ri])
		return 0;
	for (size_t k = 0; k < r->nchecks; k++) {
		if (r->checks[k].kind == CFG_CHK_OFF)
			return 0;
		if (r->checks[k].kind == CFG_CHK_ON)
			continue;
		if (!e->rt[si].rp[ri][k] || !e->rt[si].rp[ri][k]->h.up)
			return 0;
	}
	return 1;
}

void chk_mark_dirty(struct chk_engine *e, size_t si)
{
	if (e->dirty)
		e->dirty[si] = 1;
	e->any_dirty = 1;
}

/* ---------------------------------------------------------------- scripts */

/*
 * Whom scripts run as follows keepalived: global_defs' script_user USER
 * [GROUP], else the user keepalived_script when it exists, else root;
 * ldirectord runs its scripts as root, and so does lvsd for its files.
 * With enable_script_security a script that would run with root's powers
 * must live in root-only paths (lvs_script_secure); keepalived disables
 * such a script, lvsd refuses each run of it with the reason logged.
 */
int chk_spawn_script(struct chk_engine *e, const char *cmd, int quiet, pid_t *pid, int *pidfd,
		     struct strbuf *err)
{
	const struct cfg *c = e->cfg;
	struct lvs_cred cred;
	int have_cred = 0, ret;

	if (c && c->script_user) {
		if ((ret = lvs_cred_lookup(c->script_user, c->script_group, &cred, err)))
			return ret;
		have_cred = 1;
	} else if (c && c->format == CFG_FMT_KEEPALIVED &&
		   lvs_cred_lookup("keepalived_script", NULL, &cred, NULL) == 0) {
		have_cred = 1;
	}
	if (c && c->script_security && (ret = lvs_script_secure(cmd, have_cred ? &cred : NULL, err)))
		goto out;

	char *argv[] = { "sh", "-c", (char *)cmd, NULL };
	struct lvs_spawn sp = {
		.prog = "/bin/sh", .argv = argv,
		.fd = { LVS_SPAWN_NULL, quiet ? LVS_SPAWN_NULL : LVS_SPAWN_INHERIT,
			quiet ? LVS_SPAWN_NULL : LVS_SPAWN_INHERIT },
		.cred = have_cred ? &cred : NULL, .pidfd = pidfd,
	};
	ret = lvs_spawn(&sp, pid);
	if (ret)
		sb_printf(err, "%s", strerror(-ret));
out:
	if (have_cred)
		lvs_cred_free(&cred);
	return ret;
}

/* `sh -c cmd`, not waited for (reaped by the loop), never killed */
static void run_script(struct chk_engine *e, const char *what, const char *name, const char *cmd)
{
	struct strbuf why = STRBUF_INIT;
	pid_t pid;

	if (chk_spawn_script(e, cmd, 0, &pid, NULL, &why)) {
		chk_log(e, LOG_ERR, "%s of %s: cannot run '%s': %s", what, name, cmd, why.buf ? why.buf : "?");
		sb_free(&why);
		return;
	}
	chk_log(e, LOG_INFO, "%s of %s: running '%s' (pid %d)", what, name, cmd, (int)pid);
	if (chk_reap_later(e, pid, -1))
		chk_log(e, LOG_ERR, "out of memory: pid %d will stay a zombie", (int)pid);
}

/* notify_up/notify_down of the real servers of service si whose state
 * changed; up[] is their state now */
static void notify_reals(struct chk_engine *e, size_t si, const uint8_t *up)
{
	const struct cfg_service *cs = &e->cfg->svcs[si];
	struct chk_svc_rt *rt = &e->rt[si];

	for (size_t r = 0; r < cs->nreals; r++) {
		const struct cfg_real *cr = &cs->reals[r];
		const char *cmd = up[r] ? cr->notify_up : cr->notify_down;
		char hp[64];

		if (up[r] == rt->real_up[r])
			continue;
		rt->real_up[r] = up[r];
		if (!cmd)
			continue;
		cfg_hostport_str(cr->d.af, &cr->d.addr, cr->d.port, hp, sizeof(hp));
		run_script(e, up[r] ? "notify_up" : "notify_down", hp, cmd);
	}
}

/* ---------------------------------------------------------------- the table */

/* the scripts that follow a sync of service si: notify_up/down for the
 * real servers in up[] that changed, quorum_up/down when the quorum did */
static void run_scripts(struct chk_engine *e, size_t si, const uint8_t *up, int had_quorum)
{
	const struct cfg_service *cs = &e->cfg->svcs[si];
	struct chk_svc_rt *rt = &e->rt[si];

	notify_reals(e, si, up);
	if (had_quorum && rt->sorry_on == 1 && cs->quorum_down)
		run_script(e, "quorum_down", cs->name, cs->quorum_down);
	else if (!had_quorum && rt->sorry_on == 0 && cs->quorum_up)
		run_script(e, "quorum_up", cs->name, cs->quorum_up);
}

/* sync one service; the caller holds the table lock.  In a transaction
 * (txn) the scripts wait for its commit: up[] (the caller's, nreals + 1)
 * and *had_quorum are kept for it. */
static void sync_service(struct chk_engine *e, size_t si, struct lvs_table *t, struct cfg_txn *txn,
			 uint8_t *up, int *had_quorum)
{
	const struct cfg_service *cs = &e->cfg->svcs[si];
	struct chk_svc_rt *rt = &e->rt[si];

	*had_quorum = rt->sorry_on != 1;   /* unknown counts as "had it" */
	for (size_t r = 0; r < cs->nreals; r++)
		up[r] = (uint8_t)chk_real_up(e, si, r);
	cfg_sync_service_txn(t, cs, up, &rt->sorry_on, chk_cfg_log, e, txn);
	if (!txn)
		run_scripts(e, si, up, *had_quorum);
}

/* Under the table lock: remove the services of `old` (may be NULL) that
 * left the configuration, then sync those marked in dirty (NULL: all,
 * as one transaction: all or nothing, see config/apply.h).  0, or -errno
 * with the table as it was and the reasons in err. */
static int sync_table(struct chk_engine *e, const struct cfg *old, const uint8_t *dirty, struct strbuf *err)
{
	size_t n = e->cfg->nsvcs;
	struct cfg_txn *txn = dirty ? NULL : cfg_txn_new(e->cfg);
	uint8_t **ups = calloc(n + 1, sizeof(*ups));
	int *had = calloc(n + 1, sizeof(*had));
	struct lvs_table *t;
	int ret = -ENOMEM;

	if (!ups || !had || (!dirty && !txn))
		goto out;
	for (size_t i = 0; i < n; i++)
		if (!(ups[i] = calloc(e->cfg->svcs[i].nreals + 1, 1)))
			goto out;
	e->host.lock(e->host.arg);
	t = e->host.table(e->host.arg);
	for (size_t i = 0; old && i < old->nsvcs; i++)
		if (cfg_find_service(e->cfg, &old->svcs[i].s) < 0)
			cfg_remove_service_txn(t, &old->svcs[i], chk_cfg_log, e, txn);
	for (size_t i = 0; i < n; i++)
		if (!dirty || dirty[i])
			sync_service(e, i, t, txn, ups[i], &had[i]);
	ret = txn ? cfg_txn_end(txn, t, chk_cfg_log, e, err) : 0;
	txn = NULL;
	e->host.unlock(e->host.arg);
	if (e->host.changed)
		e->host.changed(e->host.arg);
	for (size_t i = 0; !ret && !dirty && i < n; i++)
		run_scripts(e, i, ups[i], had[i]);
out:
	if (ret == -ENOMEM) {
		chk_log(e, LOG_ERR, "out of memory syncing the table");
		if (err)
			sb_puts(err, "out of memory syncing the table");
	}
	if (txn)
		cfg_txn_end(txn, NULL, NULL, NULL, NULL);
	for (size_t i = 0; ups && i < n; i++)
		free(ups[i]);
	free(ups);
	free(had);
	return ret;
}

int chk_sync_all(struct chk_engine *e, const struct cfg *old, struct strbuf *err)
{
	e->any_dirty = 0;
	if (e->dirty)
		memset(e->dirty, 0, e->cfg->nsvcs + 1);
	return sync_table(e, old, NULL, err);
}

void chk_flush_dirty(struct chk_engine *e)
{
	if (!e->any_dirty)
		return;
	e->any_dirty = 0;
	sync_table(e, NULL, e->dirty, NULL);
	if (e->dirty)
		memset(e->dirty, 0, e->cfg->nsvcs + 1);
}

/* ---------------------------------------------------------------- maintenance */

/* a file named "RIP:port" or "RIP" in dir takes that real server down (and
 * out of the table, or to weight 0 when quiescent) until it is removed */
static int in_maintenance(const char *dir, const struct cfg_real *r)
{
	char hp[64], ip[INET6_ADDRSTRLEN], path[PATH_MAX];
	struct stat st;

	cfg_hostport_str(r->d.af, &r->d.addr, r->d.port, hp, sizeof(hp));
	inet_ntop(r->d.af, &r->d.addr, ip, sizeof(ip));
	if (snprintf(path, sizeof(path), "%s/%s", dir, hp) < (int)sizeof(path) && stat(path, &st) == 0)
		return 1;
	return snprintf(path, sizeof(path), "%s/%s", dir, ip) < (int)sizeof(path) && stat(path, &st) == 0;
}

void chk_poll_maintenance(struct chk_engine *e)
{
	const char *dir = e->cfg ? e->cfg->maintenancedir : NULL;

	if (!dir)
		return;
	for (size_t si = 0; si < e->cfg->nsvcs; si++) {
		const struct cfg_service *cs = &e->cfg->svcs[si];

		for (size_t ri = 0; ri < cs->nreals; ri++) {
			const struct cfg_real *r = &cs->reals[ri];
			uint8_t m = (uint8_t)in_maintenance(dir, r);
			char hp[64];

			if (m == e->rt[si].maint[ri])
				continue;
			e->rt[si].maint[ri] = m;
			cfg_hostport_str(r->d.af, &r->d.addr, r->d.port, hp, sizeof(hp));
			chk_log(e, LOG_NOTICE, "Real server %s of %s: %s maintenance (%s)", hp, cs->name,
				m ? "entering" : "leaving", dir);
			chk_mark_dirty(e, si);
		}
	}
}
