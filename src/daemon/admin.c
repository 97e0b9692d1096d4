/* admin.c - the operator's commands on real servers (lvsd --cmd):
 *
 *   drain SERVICE [SERVER]  weight 0 until `ready`: no new connections, and
 *                           persistence templates stop pulling clients to
 *                           it; existing connections carry on
 *   maint SERVICE [SERVER]  no traffic at all: as drain, and its existing
 *                           connections are expired now (their packets
 *                           dropped), as the kernel does for a deleted dest
 *                           with expire_nodest_conn=1
 *   ready SERVICE [SERVER]  back to the configured (or check-decided) weight
 *   wait SERVICE [SERVER]   succeeds when the servers have no connections
 *                           left (active + inactive), else -EBUSY saying
 *                           how many; `lvsd --wait` repeats it
 *
 * SERVICE is ipvsadm's: -t|-u|--sctp-service VIP:PORT or -f MARK, or the
 * same as tcp:VIP:PORT, udp:, sctp:, fwm:MARK; a bare VIP:PORT names
 * every protocol's service on it.  SERVER is RIP:PORT, or RIP for every
 * port of that address; without SERVER, every real server of the service.
 * Addresses are numeric ([v6]:port for IPv6).  The state is the table's
 * (table.h: lvs_admin_set), so health checks and reloads keep it.  A
 * command that names nothing that exists changes nothing and fails.
 *
 * Client side: `lvsd --cmd "drain|maint|wait ..." --wait [SECONDS]` sends
 * the command, then `wait` with the same arguments every WAIT_POLL_MS
 * until it succeeds (exit 0) or SECONDS pass (exit 1). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "daemon.h"
#include "ctl/client.h"
#include "config/config.h"
#include "core/conn.h"

#define MAX_ARGS 4
#define MAX_SVCS 4   /* one address and port: tcp, udp, sctp */

struct svc_sel {
	char text[80];            /* as given, for messages */
	int fwmark;               /* 1: by mark */
	uint32_t mark;
	uint16_t protocol;        /* 0: every protocol */
	int af;
	union lvs_addr addr;
	uint16_t port;
};

struct rs_sel {
	char text[80];
	int any;                  /* no SERVER given */
	int af;
	union lvs_addr addr;
	uint16_t port;
	int any_port;             /* RIP without a port (or port 0) */
};

/* a target: a server of a service, present or only recorded */
struct target {
	struct lvs_service *svc;
	int af;
	union lvs_addr addr;
	uint16_t port;
};

/* only characters of numeric addresses: no name goes to the resolver
 * (a command runs on the main loop, which must not block) */
static int numeric(const char *s)
{
	return *s && strspn(s, "0123456789abcdefABCDEF.:[]") == strlen(s);
}

static const char *proto_name(uint16_t p)
{
	return p == IPPROTO_UDP ? "udp" : p == IPPROTO_SCTP ? "sctp" : "tcp";
}

static int parse_service(const char *flag, const char *s, struct svc_sel *sel, struct strbuf *out)
{
	static const struct { const char *name; uint16_t proto; int fwmark; } forms[] = {
		{ "-t", IPPROTO_TCP, 0 }, { "--tcp-service", IPPROTO_TCP, 0 }, { "tcp:", IPPROTO_TCP, 0 },
		{ "-u", IPPROTO_UDP, 0 }, { "--udp-service", IPPROTO_UDP, 0 }, { "udp:", IPPROTO_UDP, 0 },
		{ "--sctp-service", IPPROTO_SCTP, 0 }, { "sctp:", IPPROTO_SCTP, 0 },
		{ "-f", 0, 1 }, { "--fwmark-service", 0, 1 }, { "fwm:", 0, 1 },
	};
	const char *what = s;

	memset(sel, 0, sizeof(*sel));
	snprintf(sel->text, sizeof(sel->text), "%s%s%s", flag ? flag : "", flag ? " " : "", s);
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		size_t n = strlen(forms[i].name);

		if (flag ? !strcmp(flag, forms[i].name)
			 : forms[i].name[n - 1] == ':' && !strncmp(s, forms[i].name, n)) {
			sel->protocol = forms[i].proto;
			sel->fwmark = forms[i].fwmark;
			if (!flag)
				s += n;
			break;
		}
		if (flag && i + 1 == sizeof(forms) / sizeof(forms[0])) {
			sb_printf(out, "unknown service option %s (-t, -u, --sctp-service, -f)\n", flag);
			return -EINVAL;
		}
	}
	if (sel->fwmark) {
		if (cfg_parse_uint(s, UINT32_MAX, &sel->mark) || sel->mark == 0) {
			sb_printf(out, "bad firewall mark '%s'\n", what);
			return -EINVAL;
		}
		return 0;
	}
	if (!numeric(s) || cfg_parse_hostport(s, proto_name(sel->protocol), &sel->af, &sel->addr, &sel->port)) {
		sb_printf(out, "bad service '%s': want [tcp:|udp:|sctp:]VIP:PORT or fwm:MARK\n", what);
		return -EINVAL;
	}
	return 0;
}

static int parse_server(const char *s, struct rs_sel *sel, struct strbuf *out)
{
	memset(sel, 0, sizeof(*sel));
	snprintf(sel->text, sizeof(sel->text), "%s", s);
	if (!numeric(s) || cfg_parse_hostport(s, "tcp", &sel->af, &sel->addr, &sel->port)) {
		sb_printf(out, "bad real server '%s': want RIP:PORT or RIP\n", s);
		return -EINVAL;
	}
	sel->any_port = sel->port == 0;
	return 0;
}

/* "SERVICE [SERVER]" in any of the forms above */
static int parse_args(const char *args, struct svc_sel *svc, struct rs_sel *rs, struct strbuf *out)
{
	char buf[512], *tok[MAX_ARGS + 1], *save = NULL;
	size_t n = 0, i = 0;
	const char *flag = NULL;
	int err;

	if (strlen(args) >= sizeof(buf)) {
		sb_puts(out, "arguments too long\n");
		return -EINVAL;
	}
	strcpy(buf, args);
	for (char *p = strtok_r(buf, " \t", &save); p; p = strtok_r(NULL, " \t", &save)) {
		if (n == MAX_ARGS) {
			sb_puts(out, "too many arguments: want SERVICE [SERVER]\n");
			return -EINVAL;
		}
		tok[n++] = p;
	}
	if (n && tok[0][0] == '-')
		flag = tok[i++];
	if (i == n || n - i > 2) {
		sb_puts(out, n - i > 2 ? "too many arguments: want SERVICE [SERVER]\n"
				       : "missing service: want SERVICE [SERVER] (e.g. tcp:VIP:PORT RIP:PORT)\n");
		return -EINVAL;
	}
	if ((err = parse_service(flag, tok[i], svc, out)))
		return err;
	rs->any = i + 1 == n;
	return rs->any ? 0 : parse_server(tok[i + 1], rs, out);
}

static int svc_matches(const struct lvs_service *s, const struct svc_sel *sel)
{
	if (sel->fwmark)
		return s->fwmark == sel->mark;
	return !s->fwmark && s->af == sel->af && s->port == sel->port &&
	       (!sel->protocol || s->protocol == sel->protocol) && lvs_addr_equal(s->af, &s->addr, &sel->addr);
}

static int rs_matches(const struct rs_sel *sel, int af, const union lvs_addr *addr, uint16_t port)
{
	return sel->any || (af == sel->af && (sel->any_port || port == sel->port) &&
			    lvs_addr_equal(af, addr, &sel->addr));
}

static int add_target(struct target **v, size_t *n, struct lvs_service *svc, int af, const union lvs_addr *addr,
		      uint16_t port)
{
	struct target *p;

	for (size_t i = 0; i < *n; i++)
		if ((*v)[i].svc == svc && (*v)[i].af == af && (*v)[i].port == port &&
		    lvs_addr_equal(af, &(*v)[i].addr, addr))
			return 0;
	p = realloc(*v, (*n + 1) * sizeof(*p));
	if (!p)
		return -ENOMEM;
	*v = p;
	p[(*n)++] = (struct target){ svc, af, *addr, port };
	return 0;
}

/* Under the table lock: the servers the selection names, in table order,
 * then those only recorded (absent from their service now) when
 * `recorded`.  0, -ESRCH (no such service), -ENOENT (no such server) with
 * a message, -ENOMEM. */
static int find_targets(struct lvsd *d, const struct svc_sel *ss, const struct rs_sel *rs, int recorded,
			struct target **v, size_t *n, struct strbuf *out)
{
	struct lvs_service *svcs[MAX_SVCS];
	size_t nsvc = 0;
	struct lvs_admin_rec r;
	struct lvs_dest *dst;
	int err = 0;

	for (struct lvs_service *s = lvs_svc_first(d->table); s && nsvc < MAX_SVCS; s = lvs_svc_next(d->table, s))
		if (svc_matches(s, ss))
			svcs[nsvc++] = s;
	if (!nsvc) {
		sb_printf(out, "no such service: %s\n", ss->text);
		return -ESRCH;
	}
	for (size_t i = 0; i < nsvc && !err; i++)
		lvs_list_for_each_entry(dst, &svcs[i]->destinations, n_list)
			if (!err && rs_matches(rs, dst->af, &dst->addr, dst->port))
				err = add_target(v, n, svcs[i], dst->af, &dst->addr, dst->port);
	for (size_t k = 0; recorded && !err && lvs_admin_record(d->table, k, &r) == 0; k++)
		for (size_t i = 0; i < nsvc && !err; i++)
			if (r.svc == svcs[i] && rs_matches(rs, r.af, &r.addr, r.port))
				err = add_target(v, n, r.svc, r.af, &r.addr, r.port);
	if (!err && !*n) {
		if (rs->any)
			sb_printf(out, "service %s has no real servers\n", ss->text);
		else
			sb_printf(out, "no such real server in %s: %s\n", ss->text, rs->text);
		return -ENOENT;
	}
	return err;
}

/* "TCP  VIP:PORT  RIP:PORT" as ipvsadm -L -n names them */
static void put_names(struct strbuf *out, const struct target *t)
{
	char a[64], b[64];
	const struct lvs_service *s = t->svc;

	if (s->fwmark)
		sb_printf(out, "FWM  %u", s->fwmark);
	else
		sb_printf(out, "%s  %s", s->protocol == IPPROTO_UDP ? "UDP" : s->protocol == IPPROTO_SCTP ? "SCTP" : "TCP",
			  cfg_hostport_str(s->af, &s->addr, s->port, a, sizeof(a)));
	sb_printf(out, "  %s", cfg_hostport_str(t->af, &t->addr, t->port, b, sizeof(b)));
}

/* the state and connections of one target, under the table lock; *conns
 * gets active + inactive (0 when the server is absent) */
static void put_state(struct lvsd *d, struct strbuf *out, const struct target *t, long *conns)
{
	struct lvs_dest *dst = lvs_dest_lookup(t->svc, t->af, &t->addr, t->port);
	enum lvs_admin a = lvs_admin_get(d->table, t->svc, t->af, &t->addr, t->port);

	*conns = 0;
	if (!dst) {
		sb_printf(out, "  %s (not in the service now)\n", lvs_admin_name(a));
		return;
	}
	int act = __atomic_load_n(&dst->activeconns, __ATOMIC_RELAXED);
	int inact = __atomic_load_n(&dst->inactconns, __ATOMIC_RELAXED);

	*conns = (long)act + inact;
	sb_printf(out, "  %s  weight %d (configured %d)  %d active %d inactive\n", lvs_admin_name(a),
		  __atomic_load_n(&dst->weight, __ATOMIC_RELAXED), dst->conf_weight, act, inact);
}

static int set_admin(struct lvsd *d, const char *args, enum lvs_admin admin, struct strbuf *out)
{
	struct svc_sel ss;
	struct rs_sel rs;
	struct target *v = NULL;
	const struct lvs_dest **gone = NULL;
	size_t n = 0, ngone = 0;
	long conns;
	int err = parse_args(args, &ss, &rs, out);

	if (err)
		return err;
	lvsd_lock(d);
	err = find_targets(d, &ss, &rs, admin == LVS_ADMIN_READY, &v, &n, out);
	if (!err && admin == LVS_ADMIN_MAINT && !(gone = calloc(n, sizeof(*gone))))
		err = -ENOMEM;
	for (size_t i = 0; i < n && !err; i++) {
		const struct target *t = &v[i];
		enum lvs_admin was = lvs_admin_get(d->table, t->svc, t->af, &t->addr, t->port);
		struct strbuf nb = STRBUF_INIT;

		err = lvs_admin_set(d->table, t->svc, t->af, &t->addr, t->port, admin);
		if (err) {
			sb_printf(out, "out of memory after %zu of %zu servers\n", i, n);
			break;
		}
		if (admin == LVS_ADMIN_MAINT) {
			const struct lvs_dest *dst = lvs_dest_lookup(t->svc, t->af, &t->addr, t->port);

			if (dst)
				gone[ngone++] = dst;
		}
		put_names(out, t);
		put_state(d, out, t, &conns);
		if (was != admin) {
			put_names(&nb, t);
			lvs_log(LOG_NOTICE, "real server %s: %s (was %s)", nb.buf ? nb.buf : "?",
				lvs_admin_name(admin), lvs_admin_name(was));
			sb_free(&nb);
		}
	}
	lvsd_unlock(d);
	if (n)
		lvsd_table_changed(d);
	/* after the lock: the expiry takes it itself to drop dest references */
	for (size_t i = 0; i < ngone; i++)
		lvs_core_expire_dest(d->core, gone[i], lvs_now_ms());
	free(gone);
	free(v);
	return err;
}

static int cmd_drain(void *arg, const char *args, struct strbuf *out)
{
	return set_admin(arg, args, LVS_ADMIN_DRAIN, out);
}

static int cmd_maint(void *arg, const char *args, struct strbuf *out)
{
	return set_admin(arg, args, LVS_ADMIN_MAINT, out);
}

static int cmd_ready(void *arg, const char *args, struct strbuf *out)
{
	return set_admin(arg, args, LVS_ADMIN_READY, out);
}

static int cmd_wait(void *arg, const char *args, struct strbuf *out)
{
	struct lvsd *d = arg;
	struct svc_sel ss;
	struct rs_sel rs;
	struct target *v = NULL;
	size_t n = 0;
	long conns, total = 0;
	int err = parse_args(args, &ss, &rs, out);

	if (err)
		return err;
	lvsd_lock(d);
	err = find_targets(d, &ss, &rs, 1, &v, &n, out);
	for (size_t i = 0; i < n && !err; i++) {
		put_names(out, &v[i]);
		put_state(d, out, &v[i], &conns);
		total += conns;
	}
	lvsd_unlock(d);
	free(v);
	if (err)
		return err;
	sb_printf(out, "%ld connection%s left\n", total, total == 1 ? "" : "s");
	return total ? -EBUSY : 0;
}

void lvsd_admin_status(struct lvsd *d, struct strbuf *out)
{
	struct lvs_admin_rec r;
	long conns;
	size_t k;

	lvsd_lock(d);
	for (k = 0; lvs_admin_record(d->table, k, &r) == 0; k++) {
		struct target t = { r.svc, r.af, r.addr, r.port };

		if (!k)
			sb_puts(out, "real servers out of rotation (lvsd --cmd ready ... to undo):\n");
		sb_puts(out, "  ");
		put_names(out, &t);
		put_state(d, out, &t, &conns);
	}
	if (!k)
		sb_puts(out, "real servers out of rotation: none\n");
	lvsd_unlock(d);
}

int lvsd_admin_init(struct lvsd *d)
{
	static const struct lvsd_cmd_def cmds[] = {
		{ "drain", cmd_drain }, { "maint", cmd_maint }, { "ready", cmd_ready }, { "wait", cmd_wait },
	};

	return lvsd_register_commands(d, cmds, sizeof(cmds) / sizeof(cmds[0]));
}

/* ---------------------------------------------------------- client side */

const char *lvsd_wait_args(const char *cmd, int *is_wait)
{
	static const char *const verbs[] = { "drain", "maint", "wait" };

	cmd += strspn(cmd, " \t");
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		size_t n = strlen(verbs[i]);

		if (!strncmp(cmd, verbs[i], n) && (cmd[n] == ' ' || cmd[n] == '\t')) {
			if (is_wait)
				*is_wait = i == 2;
			return cmd + n + strspn(cmd + n, " \t");
		}
	}
	return NULL;
}

#define WAIT_POLL_MS 500

int lvsd_client_wait(const char *sock, const char *cmd, long secs)
{
	uint64_t end = secs ? lvs_now_ms() + (uint64_t)secs * 1000 : 0;
	struct strbuf line = STRBUF_INIT;
	const char *args = lvsd_wait_args(cmd, NULL);
	int rc = 1;

	sb_printf(&line, "wait %s", args ? args : "");
	if (!args || line.oom)
		goto out;
	for (;;) {
		struct lvsc *c;
		char *text = NULL;
		int err = lvsc_open(sock, &c);

		if (err) {
			fprintf(stderr, "lvsd: cannot connect to %s: %s\n", lvsc_socket_path(sock), strerror(-err));
			goto out;
		}
		err = lvsc_command(c, line.buf, &text);
		lvsc_close(c);
		if (err == -EBUSY && (!end || lvs_now_ms() < end)) {
			free(text);
			usleep(WAIT_POLL_MS * 1000);
			continue;
		}
		if (err == -EBUSY)
			fprintf(stderr, "lvsd: connections left after %ld s:\n", secs);
		if (text)
			fputs(text, err < 0 ? stderr : stdout);
		else if (err < 0)
			fprintf(stderr, "lvsd: %s\n", strerror(-err));
		free(text);
		rc = err < 0;
		goto out;
	}
out:
	sb_free(&line);
	return rc;
}
