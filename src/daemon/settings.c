/* knobs.c - lvsd_mod_knobs: the kernel's net.ipv4.vs.* sysctls that change
 * IPVS decisions, as lvsd settings (issue 5, persistence part).
 *
 *   lvsd --cmd "set expire_nodest_conn 1"     change one (control socket)
 *   lvsd --show settings                      "name value" per line
 *   LVSD_SETTINGS="expire_quiescent_template=1 conn_reuse_mode=0" lvsd ...
 *                                             at start (environment; spaces
 *                                             or commas between pairs)
 *
 * Values and defaults are the kernel's (lvs_core_settings_default());
 * lblc_expiration / lblcr_expiration are in seconds like the sysctls.
 * With expire_nodest_conn=1 the connections of deleted (or otherwise no
 * longer available) dests are expired after every table change, which is
 * when the kernel's dest-deletion work runs (lvs_core_expire_nodest()).
 *
 * Owner: h10.  Registered in src/daemon/modules.c after the datapath (it
 * needs the datapath's core).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/conn.h"
#include "core/pkt.h"
#include "core/sched.h"
#include "host/host.h"
#include "datapath/datapath.h"

enum knob_kind { K_CORE, K_LBLC, K_LBLCR };

struct knob {
	const char *name;
	enum knob_kind kind;
	size_t off;             /* K_CORE: offset of the int in lvs_core_settings */
	long min, max;
};

#define CK(n, lo, hi) { #n, K_CORE, offsetof(struct lvs_core_settings, n), lo, hi }
static const struct knob knobs[] = {
	CK(expire_nodest_conn, 0, 1),
	CK(expire_quiescent_template, 0, 1),
	CK(conn_reuse_mode, 0, 3),
	CK(sloppy_tcp, 0, 1),
	CK(sloppy_sctp, 0, 1),
	CK(secure_tcp, 0, 3),
	CK(nat_icmp_send, 0, 1),
	CK(cache_bypass, 0, 1),
	CK(schedule_icmp, 0, 1),
	CK(sync_threshold, 0, 0x7fffffff),
	CK(sync_period, 0, 0x7fffffff),
	CK(sync_persist_mode, 0, 1),
	{ "lblc_expiration", K_LBLC, 0, 1, (long)(LVS_LBLC_EXPIRATION_MAX_MS / 1000) },
	{ "lblcr_expiration", K_LBLCR, 0, 1, (long)(LVS_LBLC_EXPIRATION_MAX_MS / 1000) },
};
#define NKNOBS (sizeof(knobs) / sizeof(knobs[0]))

static struct lvsd *knob_d;

static const struct knob *find(const char *name, size_t len)
{
	for (size_t i = 0; i < NKNOBS; i++)
		if (strlen(knobs[i].name) == len && !strncmp(knobs[i].name, name, len))
			return &knobs[i];
	return NULL;
}

static long get(const struct knob *k)
{
	struct lvs_core *core = lvsd_datapath_core();
	struct lvs_core_settings s;
	switch (k->kind) {
	case K_LBLC:
		return (long)(lvs_lblc_get_expiration_ms() / 1000);
	case K_LBLCR:
		return (long)(lvs_lblcr_get_expiration_ms() / 1000);
	default:
		if (core)
			lvs_core_get_settings(core, &s);
		else
			lvs_core_settings_default(&s);
		return *(const int *)((const char *)&s + k->off);
	}
}

/* set NAME to the text VALUE; 0 or -EINVAL / -ENOENT / -ENODEV with *why */
static int set(const char *name, size_t nlen, const char *value, const char **why)
{
	const struct knob *k = find(name, nlen);
	if (!k) {
		*why = "unknown setting";
		return -ENOENT;
	}
	char *end;
	errno = 0;
	long v = strtol(value, &end, 10);
	if (errno || end == value || (*end && *end != '\n') || v < k->min || v > k->max) {
		*why = "invalid value";
		return -EINVAL;
	}
	struct lvs_core *core = lvsd_datapath_core();
	switch (k->kind) {
	case K_LBLC:
		lvs_lblc_set_expiration_ms((uint64_t)v * 1000);
		break;
	case K_LBLCR:
		lvs_lblcr_set_expiration_ms((uint64_t)v * 1000);
		break;
	default: {
		if (!core) {
			*why = "no datapath core";
			return -ENODEV;
		}
		struct lvs_core_settings s;
		lvs_core_get_settings(core, &s);
		*(int *)((char *)&s + k->off) = (int)v;
		lvs_core_set_settings(core, &s);
		if (!strcmp(k->name, "expire_nodest_conn") && v)
			lvs_core_expire_nodest(core, lvs_now_ms());
	}
	}
	lvs_log(LOG_INFO, "settings: %s = %ld", k->name, v);
	return 0;
}

static int view_settings(struct lvsd *d, void *arg, struct strbuf *out)
{
	(void)d;
	(void)arg;
	for (size_t i = 0; i < NKNOBS; i++)
		sb_printf(out, "%s %ld\n", knobs[i].name, get(&knobs[i]));
	return 0;
}

/* "set NAME VALUE" (also NAME=VALUE) */
static int cmd_set(struct lvsd *d, void *arg, const char *args, struct strbuf *out)
{
	(void)d;
	(void)arg;
	char buf[128];
	snprintf(buf, sizeof(buf), "%s", args ? args : "");
	char *s = buf;
	while (*s == ' ')
		s++;
	size_t nlen = strcspn(s, " =");
	char *v = s + nlen;
	while (*v == ' ' || *v == '=')
		v++;
	const char *why = "";
	if (!nlen || !*v) {
		sb_puts(out, "usage: set NAME VALUE\n");
		return -EINVAL;
	}
	int r = set(s, nlen, v, &why);
	if (r < 0)
		sb_printf(out, "set %.*s: %s\n", (int)nlen, s, why);
	else
		sb_printf(out, "%.*s %ld\n", (int)nlen, s, get(find(s, nlen)));
	return r;
}

static void on_change(struct lvsd *d, void *arg)
{
	(void)d;
	(void)arg;
	struct lvs_core *core = lvsd_datapath_core();
	if (!core)
		return;
	struct lvs_core_settings s;
	lvs_core_get_settings(core, &s);
	/* the kernel expires the conns of a deleted dest from its work queue
	 * when expire_nodest_conn=1; a table change is where dests go away */
	if (s.expire_nodest_conn)
		lvs_core_expire_nodest(core, lvs_now_ms());
}

static int knobs_start(struct lvsd *d)
{
	knob_d = d;
	const char *env = getenv("LVSD_SETTINGS");
	if (env && *env) {
		char *copy = strdup(env), *save = NULL;
		if (!copy)
			return -ENOMEM;
		for (char *p = strtok_r(copy, " ,", &save); p; p = strtok_r(NULL, " ,", &save)) {
			char *eq = strchr(p, '=');
			const char *why = "missing '='";
			if (!eq || set(p, (size_t)(eq - p), eq + 1, &why) < 0) {
				lvsd_start_failed(d, "LVSD_SETTINGS: %s: %s", p, why);
				free(copy);
				return -EINVAL;
			}
		}
		free(copy);
	}
	lvsd_register_text(d, "settings", view_settings, NULL);
	lvsd_register_command(d, "set", cmd_set, NULL);
	lvsd_on_table_change(d, on_change, NULL);
	return 0;
}

static void knobs_stop(struct lvsd *d)
{
	(void)d;
	knob_d = NULL;
}

const struct lvsd_module lvsd_mod_knobs = {
	.name = "knobs",
	.start = knobs_start,
	.stop = knobs_stop,
	.reload = NULL,
};
