/* module.c - lvsd_mod_check: the health checker and configuration file
 * as an lvsd module.
 *
 *   lvsd -c FILE        load an ldirectord.cf or keepalived.conf (detected
 *                       from the content, or forced with a "ldirectord:" /
 *                       "keepalived:" prefix), apply it, start the checks
 *   SIGHUP / --cmd reload   re-read it; a file with an error is refused
 *                       ("file:line: message") and the running one stays
 *   lvsd --show checks  every check's state and every service's quorum
 *
 * A bad file at startup makes the module (and so lvsd) fail to start:
 * silently running without the configured services would be worse.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "check.h"
#include "host/host.h"

static struct chk_engine *engine;

static void host_lock(void *arg) { lvsd_lock(arg); }
static void host_unlock(void *arg) { lvsd_unlock(arg); }
static struct lvs_table *host_table(void *arg) { return lvsd_table(arg); }
static void host_changed(void *arg) { lvsd_table_changed(arg); }
static void host_log(void *arg, int prio, const char *msg)
{
	(void)arg;
	lvs_log(prio, "check: %s", msg);
}

static int view_checks(struct lvsd *d, void *arg, struct strbuf *out)
{
	(void)d;
	(void)arg;
	if (engine)
		chk_engine_status(engine, out);
	else
		sb_puts(out, "health checker not running\n");
	return 0;
}

static int mod_start(struct lvsd *d)
{
	const struct lvsd_opts *o = lvsd_opts(d);
	const char *path = o ? o->config_file : NULL;
	struct chk_host host = {
		.lock = host_lock, .unlock = host_unlock, .table = host_table,
		.changed = host_changed, .log = host_log, .arg = d,
	};
	struct cfg *c = NULL;
	int ret;

	engine = chk_engine_new(&host);
	if (!engine) {
		lvsd_start_failed(d, "check: cannot create the health-check engine");
		return -ENOMEM;
	}
	lvsd_register_text(d, "checks", view_checks, NULL);
	if (!path)
		return 0;   /* no -c FILE: no thread; the view says so */
	{
		struct strbuf err = STRBUF_INIT, warn = STRBUF_INIT;

		ret = cfg_parse_file(path, CFG_FMT_AUTO, &c, &err, &warn);
		if (warn.buf) {
			char *save = NULL;

			for (char *l = strtok_r(warn.buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
				lvs_log(LOG_WARNING, "check: %s", l);
		}
		if (ret) {
			lvsd_start_failed(d, "config %s", err.buf ? err.buf : "cannot be loaded");
			sb_free(&err);
			sb_free(&warn);
			chk_engine_free(engine);
			engine = NULL;
			return -EINVAL;
		}
		sb_free(&err);
		sb_free(&warn);
	}
	ret = chk_engine_start(engine, path, c);
	if (ret) {
		lvsd_start_failed(d, "check: cannot start the checker thread: %s", strerror(-ret));
		chk_engine_free(engine);
		engine = NULL;
	}
	return ret;
}

static void mod_stop(struct lvsd *d)
{
	(void)d;
	chk_engine_free(engine);
	engine = NULL;
}

static int mod_reload(struct lvsd *d, char *err, size_t errlen)
{
	const struct lvsd_opts *o = lvsd_opts(d);
	struct strbuf sb = STRBUF_INIT;
	int ret;

	if (!engine || !o || !o->config_file)
		return 0;   /* nothing configured: nothing to reload */
	ret = chk_engine_reload(engine, &sb);
	if (sb.buf)
		snprintf(err, errlen, "%s", sb.buf);
	sb_free(&sb);
	return ret;
}

const struct lvsd_module lvsd_mod_check = {
	.name = "check",
	.start = mod_start,
	.stop = mod_stop,
	.reload = mod_reload,
};
