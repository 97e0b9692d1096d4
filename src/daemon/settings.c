/* settings.c - the kernel's net.ipv4.vs.* sysctls that change IPVS
 * decisions, as lvsd settings of the connection core the daemon owns.
 *
 *   lvsd --set expire_nodest_conn=1           at start (repeatable)
 *   LVSD_SETTINGS="expire_quiescent_template=1 conn_reuse_mode=0" lvsd ...
 *                                             at start, before the --set
 *                                             options (spaces or commas
 *                                             between pairs)
 *   lvsd --cmd "set expire_nodest_conn 1"     change one (control socket)
 *   lvsd --show settings                      "name value" per line
 *
 * Values and defaults are the kernel's (lvs_core_settings_default());
 * lblc_expiration / lblcr_expiration are in seconds like the sysctls.
 * With expire_nodest_conn=1 the connections of deleted (or otherwise no
 * longer available) dests are expired after every table change, which is
 * when the kernel's dest-deletion work runs (lvs_core_expire_nodest()).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "daemon.h"
#include "core/conn.h"
#include "core/pkt.h"
#include "core/sched.h"

enum setting_kind { K_CORE, K_LBLC, K_LBLCR };

struct setting {
	const char *name;
	enum setting_kind kind;
	size_t off;             /* K_CORE: offset of the int in lvs_core_settings */
	long min, max;
};

#define CK(n, lo, hi) { #n, K_CORE, offsetof(struct lvs_core_settings, n), lo, hi }
static const struct setting settings[] = {
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
#define NSETTINGS (sizeof(settings) / sizeof(settings[0]))

static const struct setting *find(const char *name, size_t len)
{
	for (size_t i = 0; i < NSETTINGS; i++)
		if (strlen(settings[i].name) == len && !strncmp(settings[i].name, name, len))
			return &settings[i];
	return NULL;
}

static long get(const struct lvs_core *core, const struct setting *k)
{
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

/* the setting named by name[0..nlen) and the number in text: 0, or
 * -ENOENT / -EINVAL with the reason in err */
static int parse(const char *name, size_t nlen, const char *text, const struct setting **k, long *v,
		 struct strbuf *err)
{
	char *end;

	*k = find(name, nlen);
	if (!*k) {
		sb_printf(err, "%.*s: unknown setting", (int)nlen, name);
		return -ENOENT;
	}
	errno = 0;
	*v = strtol(text, &end, 10);
	if (errno || end == text || (*end && *end != '\n') || *v < (*k)->min || *v > (*k)->max) {
		sb_printf(err, "%.*s: invalid value (%ld..%ld)", (int)nlen, name, (*k)->min, (*k)->max);
		return -EINVAL;
	}
	return 0;
}

static void set(struct lvs_core *core, const struct setting *k, long v)
{
	struct lvs_core_settings s;

	switch (k->kind) {
	case K_LBLC:
		lvs_lblc_set_expiration_ms((uint64_t)v * 1000);
		break;
	case K_LBLCR:
		lvs_lblcr_set_expiration_ms((uint64_t)v * 1000);
		break;
	default:
		lvs_core_get_settings(core, &s);
		*(int *)((char *)&s + k->off) = (int)v;
		lvs_core_set_settings(core, &s);
		if (!strcmp(k->name, "expire_nodest_conn") && v)
			lvs_core_expire_nodest(core, lvs_now_ms());
	}
	lvs_log(LOG_INFO, "settings: %s = %ld", k->name, v);
}

int lvsd_setting_get(struct lvsd *d, const char *name, long *value)
{
	const struct setting *k = find(name, strlen(name));

	if (!k)
		return -ENOENT;
	*value = get(d->core, k);
	return 0;
}

int lvsd_setting_set(struct lvsd *d, const char *name, long value, struct strbuf *err)
{
	const struct setting *k = find(name, strlen(name));

	if (!k) {
		sb_printf(err, "%s: unknown setting", name);
		return -ENOENT;
	}
	if (value < k->min || value > k->max) {
		sb_printf(err, "%s: invalid value (%ld..%ld)", name, k->min, k->max);
		return -EINVAL;
	}
	set(d->core, k, value);
	return 0;
}

/* "NAME=VALUE" */
int lvsd_setting_check(const char *pair, struct strbuf *err)
{
	const char *eq = strchr(pair, '=');
	const struct setting *k;
	long v;

	if (!eq) {
		sb_printf(err, "%s: missing '='", pair);
		return -EINVAL;
	}
	return parse(pair, (size_t)(eq - pair), eq + 1, &k, &v, err);
}

static int view_settings(void *arg, struct strbuf *out)
{
	struct lvsd *d = arg;

	for (size_t i = 0; i < NSETTINGS; i++)
		sb_printf(out, "%s %ld\n", settings[i].name, get(d->core, &settings[i]));
	return 0;
}

/* "set NAME VALUE" (also NAME=VALUE) */
static int cmd_set(void *arg, const char *args, struct strbuf *out)
{
	struct lvsd *d = arg;
	const struct setting *k;
	char buf[128];
	long v;
	int r;

	snprintf(buf, sizeof(buf), "%s", args ? args : "");
	char *s = buf;
	while (*s == ' ')
		s++;
	size_t nlen = strcspn(s, " =");
	char *val = s + nlen;
	while (*val == ' ' || *val == '=')
		val++;
	if (!nlen || !*val) {
		sb_puts(out, "usage: set NAME VALUE\n");
		return -EINVAL;
	}
	struct strbuf err = STRBUF_INIT;
	r = parse(s, nlen, val, &k, &v, &err);
	if (r < 0) {
		sb_printf(out, "set %s\n", err.buf ? err.buf : "failed");
	} else {
		set(d->core, k, v);
		sb_printf(out, "%s %ld\n", k->name, get(d->core, k));
	}
	sb_free(&err);
	return r;
}

static void on_change(void *arg)
{
	struct lvsd *d = arg;
	struct lvs_core_settings s;

	lvs_core_get_settings(d->core, &s);
	/* the kernel expires the conns of a deleted dest from its work queue
	 * when expire_nodest_conn=1; a table change is where dests go away */
	if (s.expire_nodest_conn)
		lvs_core_expire_nodest(d->core, lvs_now_ms());
}

int lvsd_settings_start(struct lvsd *d)
{
	int err;

	for (size_t i = 0; i < d->nsettings; i++) {
		const char *p = d->settings[i], *eq = strchr(p, '=');
		struct strbuf why = STRBUF_INIT;
		const struct setting *k;
		long v;

		/* checked while parsing the options: this fails only on a bug */
		err = eq ? parse(p, (size_t)(eq - p), eq + 1, &k, &v, &why) : -EINVAL;
		if (err) {
			lvsd_start_failed(d, "settings: %s", why.buf ? why.buf : p);
			sb_free(&why);
			return err;
		}
		set(d->core, k, v);
	}
	if ((err = lvsd_register_text(d, "settings", view_settings, d)) ||
	    (err = lvsd_register_command(d, "set", cmd_set, d)) ||
	    (err = lvsd_on_table_change(d, on_change, d)))
		return err;
	return 0;
}
