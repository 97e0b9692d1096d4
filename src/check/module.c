/* module.c - lvs_mod_check: the health checker and configuration file
 * as an lvsd module.
 *
 *   lvsd -c FILE        load an ldirectord.cf or keepalived.conf (detected
 *                       from the content, or forced with a "ldirectord:" /
 *                       "keepalived:" prefix), apply it, start the checks
 *   SIGHUP / --cmd reload   re-read it; a file with an error, or one the
 *                       table would refuse, is refused with every reason
 *                       ("file:line: message") and the running one stays
 *   lvsd --show checks  every check's state and every service's quorum
 *
 * A bad file at startup makes the module (and so lvsd) fail to start:
 * silently running without the configured services would be worse.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "check.h"
#include "config/apply.h"
#include "host/host.h"

struct check_module {
	struct lvs_host *h;
	struct chk_engine *engine;
	const char *path;               /* -c FILE, NULL: none */
};

static void host_lock(void *arg) { lvs_host_lock(arg); }
static void host_unlock(void *arg) { lvs_host_unlock(arg); }
static struct lvs_table *host_table(void *arg) { return lvs_host_table(arg); }
static void host_changed(void *arg) { lvs_host_changed(arg); }
static void host_log(void *arg, int prio, const char *msg)
{
	(void)arg;
	lvs_log(prio, "check: %s", msg);
}

static int view_checks(void *arg, struct strbuf *out)
{
	struct check_module *m = arg;

	chk_engine_status(m->engine, out);
	return 0;
}

static int metrics_checks(void *arg, struct strbuf *out)
{
	struct check_module *m = arg;

	chk_engine_metrics(m->engine, out);
	return 0;
}

/* the -c file, parsed; warnings logged; 0 or -EINVAL with "config
 * FILE:LINE: message" in err */
static int load(const char *path, struct cfg **c, struct strbuf *err)
{
	struct strbuf why = STRBUF_INIT, warn = STRBUF_INIT;
	int ret = cfg_parse_file(path, CFG_FMT_AUTO, c, &why, &warn);

	if (!ret && (ret = cfg_validate(*c, &why))) {
		cfg_free(*c);
		*c = NULL;
	}
	while (why.len && why.buf[why.len - 1] == '\n')
		why.buf[--why.len] = 0;
	if (warn.buf) {
		char *save = NULL;

		for (char *l = strtok_r(warn.buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
			lvs_log(LOG_WARNING, "check: %s", l);
	}
	if (ret)
		sb_printf(err, "config %s", why.buf ? why.buf : "cannot be loaded");
	sb_free(&why);
	sb_free(&warn);
	return ret ? -EINVAL : 0;
}

static void mod_stop(void *state)
{
	struct check_module *m = state;

	chk_engine_free(m->engine);
	free(m);
}

static int mod_start(struct lvs_host *h, void **state, struct strbuf *err)
{
	struct check_module *m = calloc(1, sizeof(*m));
	struct cfg *c = NULL;
	int ret;

	if (!m)
		return -ENOMEM;
	m->h = h;
	struct chk_host host = {
		.lock = host_lock, .unlock = host_unlock, .table = host_table,
		.changed = host_changed, .log = host_log, .arg = h,
	};
	m->engine = chk_engine_new(&host);
	if (!m->engine) {
		sb_puts(err, "check: cannot create the health-check engine");
		ret = -ENOMEM;
		goto fail;
	}
	if ((ret = lvs_host_register_text(h, "checks", view_checks, m)) < 0 ||
	    (ret = lvs_host_register_metrics(h, metrics_checks, m)) < 0 ||
	    (ret = lvs_host_register_rs_info(h, chk_engine_rs_info, m->engine)) < 0)
		goto fail;
	/* no -c FILE: no thread; the view says so */
	if (lvs_host_opts(h)->config_file) {
		if ((ret = load(lvs_host_opts(h)->config_file, &c, err)) < 0)
			goto fail;
		ret = chk_engine_start(m->engine, lvs_host_opts(h)->config_file, c);
		if (ret) {
			sb_printf(err, "check: cannot start the checker thread: %s", strerror(-ret));
			goto fail;
		}
		m->path = lvs_host_opts(h)->config_file;
	}
	*state = m;
	return 0;
fail:
	mod_stop(m);
	return ret;
}

static int mod_reload(void *state, struct strbuf *err)
{
	struct check_module *m = state;

	if (!m->path)
		return 0;   /* nothing configured: nothing to reload */
	return chk_engine_reload(m->engine, err);
}

const struct lvs_module lvs_mod_check = {
	.name = "check",
	.start = mod_start,
	.stop = mod_stop,
	.reload = mod_reload,
};
