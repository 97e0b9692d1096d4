/* views.c - the registry of text views and commands reachable through
 * lvsc_get_text / lvsc_command, and lvsd's own: "ip_vs", "ip_vs_stats",
 * "status" ("metrics": metrics.c); commands "reload", "help", "version"
 * (and admin.c's). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "daemon.h"
#include "core/procfs.h"

static int add_named(struct lvsd_named **v, size_t *n, const char *name, void *fn, void *arg)
{
	if (!name || !*name || !fn || strchr(name, ' '))
		return -EINVAL;
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*v)[i].name, name))
			return -EEXIST;
	struct lvsd_named *p = realloc(*v, (*n + 1) * sizeof(*p));
	if (!p)
		return -ENOMEM;
	*v = p;
	char *dup = strdup(name);
	if (!dup)
		return -ENOMEM;
	p[(*n)++] = (struct lvsd_named){ dup, fn, arg };
	return 0;
}

static struct lvsd_named *find_named(struct lvsd_named *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].name, name))
			return &v[i];
	return NULL;
}

int lvsd_register_text(struct lvsd *d, const char *name, lvs_host_text_fn fn, void *arg)
{
	return add_named(&d->texts, &d->ntexts, name, (void *)fn, arg);
}

int lvsd_register_commands(struct lvsd *d, const struct lvsd_cmd_def *defs, size_t n)
{
	int err = 0;

	for (size_t i = 0; !err && i < n; i++)
		err = lvsd_register_command(d, defs[i].verb, defs[i].fn, d);
	return err;
}

int lvsd_register_command(struct lvsd *d, const char *verb, lvs_host_cmd_fn fn, void *arg)
{
	return add_named(&d->cmds, &d->ncmds, verb, (void *)fn, arg);
}

int lvsd_text(struct lvsd *d, const char *name, struct strbuf *out)
{
	struct lvsd_named *v = find_named(d->texts, d->ntexts, name);
	if (!v) {
		sb_printf(out, "no such view: %s\n", name);
		return -ENOENT;
	}
	return ((lvs_host_text_fn)v->fn)(v->arg, out);
}

int lvsd_cmd(struct lvsd *d, const char *line, struct strbuf *out)
{
	while (*line == ' ' || *line == '\t')
		line++;
	size_t vl = strcspn(line, " \t");
	char verb[64];
	if (vl == 0 || vl >= sizeof(verb)) {
		sb_puts(out, "empty or overlong command\n");
		return -EINVAL;
	}
	memcpy(verb, line, vl);
	verb[vl] = 0;
	const char *args = line + vl;
	while (*args == ' ' || *args == '\t')
		args++;
	struct lvsd_named *c = find_named(d->cmds, d->ncmds, verb);
	if (!c) {
		sb_printf(out, "unknown command: %s (try \"help\")\n", verb);
		return -EOPNOTSUPP;
	}
	return ((lvs_host_cmd_fn)c->fn)(c->arg, args, out);
}

int lvsd_register_rs_info(struct lvsd *d, lvs_host_rs_info_fn fn, void *arg)
{
	return lvsd_hook_add(&d->rs_listers, (void (*)(void))fn, arg);
}

void lvsd_rs_info(struct lvsd *d, lvs_host_rs_emit_fn emit, void *emit_arg)
{
	for (size_t i = 0; i < d->rs_listers.n; i++)
		LVSD_HOOK_FN(lvs_host_rs_info_fn, d->rs_listers.v[i])(d->rs_listers.v[i].arg, emit, emit_arg);
}

int lvsd_reload(struct lvsd *d, struct strbuf *out)
{
	int res = 0;
	char failed[300] = "";

	lvsd_notify_reloading(d);
	for (int i = 0; i < d->nmodules_started; i++) {
		const struct lvs_module *m = lvsd_modules[i];
		if (!m->reload)
			continue;
		struct strbuf err = STRBUF_INIT;
		int r = m->reload(d->mod_state[i], &err);
		if (r < 0) {
			const char *why = err.buf && err.buf[0] ? err.buf : strerror(-r);
			lvs_log(LOG_ERR, "reload of module %s failed: %s", m->name, why);
			sb_printf(out, "%s: %s\n", m->name, why);
			if (!res) {
				res = r;
				snprintf(failed, sizeof(failed), "%s: %s", m->name, why);
			}
		} else {
			sb_printf(out, "%s: reloaded\n", m->name);
		}
		sb_free(&err);
	}
	lvsd_notify_reloaded(d, res < 0 ? failed : NULL);
	/* for the metrics: how many, and whether the last one worked */
	d->reloads++;
	d->reload_failures += res < 0;
	d->last_reload_ok = res >= 0;
	d->last_reload_wall_ms = lvsd_wall_ms();
	return res;
}

/* one line: the title and the names */
static void put_names(struct strbuf *out, const char *title, const struct lvsd_named *v, size_t n)
{
	sb_puts(out, title);
	for (size_t i = 0; i < n; i++)
		sb_printf(out, " %s", v[i].name);
	sb_puts(out, "\n");
}

/* a /proc/net view of the table, rendered under the lock */
static int table_view(struct lvsd *d, struct strbuf *out, void (*render)(struct lvs_table *, struct strbuf *))
{
	lvsd_lock(d);
	render(d->table, out);
	lvsd_unlock(d);
	return 0;
}

static int view_ip_vs(void *arg, struct strbuf *out)
{
	return table_view(arg, out, lvs_procfs_ip_vs);
}

static int view_ip_vs_stats(void *arg, struct strbuf *out)
{
	return table_view(arg, out, lvs_procfs_ip_vs_stats);
}

static int view_status(void *arg, struct strbuf *out)
{
	struct lvsd *d = arg;

	const struct lvs_host_opts *o = &d->opts;
	uint64_t up = (lvs_now_ms() - d->start_ms) / 1000;
	lvsd_lock(d);
	size_t nsvc = lvs_svc_count(d->table);
	lvsd_unlock(d);
	sb_printf(out, "lvsd %s\n", LVSD_VERSION);
	sb_printf(out, "pid: %d\n", (int)getpid());
	sb_printf(out, "uptime: %llu s\n", (unsigned long long)up);
	sb_printf(out, "socket: %s\n", o->socket_path);
	sb_printf(out, "backend: %s\n", o->backend ? o->backend : "auto");
	sb_printf(out, "interfaces: %s\n", o->interfaces ? o->interfaces : "all");
	sb_printf(out, "workers: %d\n", o->workers);
	sb_printf(out, "config: %s\n", o->config_file ? o->config_file : "-");
	sb_printf(out, "services: %zu\n", nsvc);
	sb_printf(out, "control clients: %zu\n", d->nclients);
	sb_printf(out, "control requests: %llu\n", (unsigned long long)d->requests);
	sb_printf(out, "control bad frames: %llu\n", (unsigned long long)d->bad_frames);
	sb_puts(out, "modules:");
	for (int i = 0; i < d->nmodules_started; i++)
		sb_printf(out, " %s", lvsd_modules[i]->name);
	sb_puts(out, "\n");
	put_names(out, "views:", d->texts, d->ntexts);
	lvsd_admin_status(d, out);
	return 0;
}

static int cmd_reload(void *arg, const char *args, struct strbuf *out)
{
	(void)args;
	return lvsd_reload(arg, out);
}

static int cmd_help(void *arg, const char *args, struct strbuf *out)
{
	struct lvsd *d = arg;

	(void)args;
	put_names(out, "commands:", d->cmds, d->ncmds);
	put_names(out, "views:", d->texts, d->ntexts);
	return 0;
}

static int cmd_version(void *arg, const char *args, struct strbuf *out)
{
	(void)arg; (void)args;
	sb_printf(out, "lvsd %s (IPVS %d.%d.%d)\n", LVSD_VERSION, (LVS_IPVS_VERSION_CODE >> 16) & 0xff,
		  (LVS_IPVS_VERSION_CODE >> 8) & 0xff, LVS_IPVS_VERSION_CODE & 0xff);
	return 0;
}

int lvsd_views_init(struct lvsd *d)
{
	static const struct lvsd_cmd_def cmds[] = {
		{ "reload", cmd_reload }, { "help", cmd_help }, { "version", cmd_version },
	};
	int err = 0;

	err = err ? err : lvsd_register_text(d, "ip_vs", view_ip_vs, d);
	err = err ? err : lvsd_register_text(d, "ip_vs_stats", view_ip_vs_stats, d);
	err = err ? err : lvsd_register_text(d, "status", view_status, d);
	err = err ? err : lvsd_register_commands(d, cmds, sizeof(cmds) / sizeof(cmds[0]));
	err = err ? err : lvsd_admin_init(d);
	err = err ? err : lvsd_metrics_init(d);
	return err;
}

void lvsd_views_fini(struct lvsd *d)
{
	for (size_t i = 0; i < d->ntexts; i++)
		free(d->texts[i].name);
	for (size_t i = 0; i < d->ncmds; i++)
		free(d->cmds[i].name);
	free(d->texts);
	free(d->cmds);
	lvsd_metrics_fini(d);
	lvsd_hooks_free(&d->rs_listers);
	d->texts = d->cmds = NULL;
	d->ntexts = d->ncmds = 0;
}
