/* status.c - the "checks" text view: the configuration, every probe's
 * state and last result, every service's quorum and real servers.  Called
 * from any thread: it reads under e->m, which the engine holds for every
 * change it makes to what is shown.  A real server the operator drained
 * or put in maintenance (lvsd --cmd drain|maint) is marked: its checks
 * go on, but the table keeps it out until `ready`. */
#include <stdio.h>

#include "check-int.h"
#include "core/metrics.h"
#include "lib/prom.h"

static const char *ago(uint64_t now, uint64_t t, char *buf, size_t len)
{
	if (!t)
		return "-";
	snprintf(buf, len, "%.1fs", (double)(now - t) / 1000.0);
	return buf;
}

static void status_probes(struct chk_engine *e, struct strbuf *out, uint64_t now)
{
	char a[32], b[32];

	sb_printf(out, "Checks: %zu, up %u, probes run %llu, late %llu (max %llu ms), transitions %llu, "
		  "reloads %llu (failed %llu)\n", e->nprobes, e->st.nup,
		  (unsigned long long)e->st.probes_run, (unsigned long long)e->st.probes_late,
		  (unsigned long long)e->st.max_late_ms, (unsigned long long)e->st.transitions,
		  (unsigned long long)e->st.reloads, (unsigned long long)e->st.reload_errors);
	sb_printf(out, "%-44s %-5s %-7s %-7s %-9s %-9s %s\n", "CHECK", "STATE", "FAILS", "RUNS", "CHANGED", "RESULT", "LAST");
	for (size_t i = 0; i < e->nprobes; i++) {
		struct chk_probe *p = e->probes[i];
		char f[24];

		snprintf(f, sizeof(f), "%u/%u", p->h.fails < p->k.fall ? p->h.fails : p->k.fall, p->k.fall);
		sb_printf(out, "%-44s %-5s %-7s %-7llu %-9s %-9s %s%s\n", p->label, p->h.up ? "up" : "down", f,
			  (unsigned long long)p->runs,
			  ago(now, p->last_change_ms, a, sizeof(a)), ago(now, p->last_result_ms, b, sizeof(b)),
			  p->last_msg, p->running ? " (running)" : "");
	}
}

/* the operator's drain or maint of a real server, which the table keeps
 * and no check result changes ("" when ready); takes the table lock,
 * inside e->m (the checker never holds both the other way round) */
static const char *admin_note(struct chk_engine *e, const struct cfg_service *cs, const struct cfg_real *r)
{
	struct lvs_service *svc;
	enum lvs_admin a = LVS_ADMIN_READY;

	e->host.lock(e->host.arg);
	svc = lvs_svc_get(e->host.table(e->host.arg), &cs->s);
	if (svc)
		a = lvs_admin_get(e->host.table(e->host.arg), svc, r->d.af, &r->d.addr, r->d.port);
	e->host.unlock(e->host.arg);
	return a == LVS_ADMIN_DRAIN ? " (operator: drain)" : a == LVS_ADMIN_MAINT ? " (operator: maint)" : "";
}

static void status_services(struct chk_engine *e, struct strbuf *out)
{
	char hp[64];

	for (size_t i = 0; i < e->cfg->nsvcs; i++) {
		const struct cfg_service *cs = &e->cfg->svcs[i];

		sb_printf(out, "Service %s: %s", cs->name,
			  e->rt[i].sorry_on == 1 ? "no quorum" : "quorum");
		if (cs->has_sorry)
			sb_printf(out, ", fallback %s %s",
				  cfg_hostport_str(cs->s.af, &cs->sorry.addr, cs->sorry.port, hp, sizeof(hp)),
				  e->rt[i].sorry_on == 1 ? "active" : "inactive");
		sb_puts(out, "\n");
		for (size_t r = 0; r < cs->nreals; r++)
			sb_printf(out, "  -> %-28s %-5s weight %d%s%s\n",
				  cfg_hostport_str(cs->s.af, &cs->reals[r].d.addr, cs->reals[r].d.port, hp, sizeof(hp)),
				  chk_real_up(e, i, r) ? "up" : "down", cs->reals[r].d.weight,
				  cs->reals[r].quiesce ? " (quiescent when down)" : "",
				  admin_note(e, cs, &cs->reals[r]));
	}
}

void chk_engine_status(struct chk_engine *e, struct strbuf *out)
{
	pthread_mutex_lock(&e->m);
	if (!e->cfg) {
		sb_puts(out, "No health-check configuration (start lvsd with -c FILE).\n");
		goto out;
	}
	sb_printf(out, "Configuration %s (%s), autoreload %s\n", e->cfg->path,
		  e->cfg->format == CFG_FMT_KEEPALIVED ? "keepalived" : "ldirectord",
		  e->cfg->autoreload ? "yes" : "no");
	status_probes(e, out, lvs_now_ms());
	status_services(e, out);
out:
	pthread_mutex_unlock(&e->m);
}

/* a real server's labels: its service's, then its own (core/metrics.h) */
static void real_labels(struct strbuf *lbl, const struct cfg_service *cs, const struct cfg_real *r)
{
	lvs_metrics_svc_labels(lbl, cs->s.af, cs->s.protocol, &cs->s.addr, cs->s.port, cs->s.fwmark);
	lvs_metrics_dest_labels(lbl, r->d.af, &r->d.addr, r->d.port);
}

/* one family over every (service, real server), with the check label
 * for the per-check ones (on/off checks have no probe and no sample) */
enum rs_value { RS_UP, RS_CHECK_UP, RS_CHECK_OK, RS_CHECK_DURATION };

static void put_reals(struct chk_engine *e, struct strbuf *out, struct lvs_prom_fam *f, enum rs_value what)
{
	for (size_t si = 0; si < e->cfg->nsvcs; si++) {
		const struct cfg_service *cs = &e->cfg->svcs[si];
		for (size_t ri = 0; ri < cs->nreals; ri++) {
			const struct cfg_real *r = &cs->reals[ri];
			struct strbuf lbl = STRBUF_INIT;

			real_labels(&lbl, cs, r);
			if (what == RS_UP)
				lvs_prom_u64(out, f, lbl.buf, (uint64_t)chk_real_up(e, si, ri));
			for (size_t k = 0; what != RS_UP && k < r->nchecks; k++) {
				const struct chk_probe *p = e->rt[si].rp[ri] ? e->rt[si].rp[ri][k] : NULL;
				struct strbuf cl = STRBUF_INIT;
				if (!p)
					continue;
				sb_puts(&cl, lbl.buf ? lbl.buf : "");
				lvs_prom_label(&cl, "check", p->label);
				if (what == RS_CHECK_UP)
					lvs_prom_u64(out, f, cl.buf, (uint64_t)!!p->h.up);
				else if (what == RS_CHECK_OK && p->last_result_ms)
					lvs_prom_u64(out, f, cl.buf, (uint64_t)(p->h.succs > 0));
				else if (what == RS_CHECK_DURATION && p->last_result_ms)
					lvs_prom_double(out, f, cl.buf, (double)p->last_latency_ms / 1000.0);
				sb_free(&cl);
			}
			sb_free(&lbl);
		}
	}
}

void chk_engine_metrics(struct chk_engine *e, struct strbuf *out)
{
	struct lvs_prom_fam up = LVS_PROM_FAM("lvsd_real_server_up", "gauge",
		"Health of a configured real server: 1 when all its checks pass, 0 when one fails or it is in maintenance.");
	struct lvs_prom_fam cup = LVS_PROM_FAM("lvsd_real_server_check_up", "gauge",
		"State of one check of a real server after its rise/fall counting (1 up, 0 down).");
	struct lvs_prom_fam cok = LVS_PROM_FAM("lvsd_real_server_check_last_success", "gauge",
		"Result of the last run of one check of a real server (1 passed, 0 failed).");
	struct lvs_prom_fam dur = LVS_PROM_FAM("lvsd_real_server_check_duration_seconds", "gauge",
		"How long the last run of one check of a real server took.");
	struct lvs_prom_fam rel = LVS_PROM_FAM("lvsd_check_config_loads_total", "counter",
		"Configuration re-reads by the checker (reload, autoreload), by result.");

	pthread_mutex_lock(&e->m);
	if (!e->cfg)
		goto out;
	put_reals(e, out, &up, RS_UP);
	put_reals(e, out, &cup, RS_CHECK_UP);
	put_reals(e, out, &cok, RS_CHECK_OK);
	put_reals(e, out, &dur, RS_CHECK_DURATION);
	const struct lvs_prom_one st[] = {
		{ "lvsd_check_runs_total", "counter", "Check runs started.", e->st.probes_run },
		{ "lvsd_check_late_runs_total", "counter", "Check runs started more than 100 ms after they were due.",
		  e->st.probes_late },
		{ "lvsd_check_transitions_total", "counter", "Checks that changed state (up to down or down to up).",
		  e->st.transitions },
	};
	LVS_PROM_ONES(out, st);
	lvs_prom_u64(out, &rel, "result=\"success\"", e->st.reloads - e->st.reload_errors);
	lvs_prom_u64(out, &rel, "result=\"failure\"", e->st.reload_errors);
out:
	pthread_mutex_unlock(&e->m);
}

/* the probe that speaks for a real server: the first failing one while it
 * is down, else the one with the latest result */
static struct chk_probe *real_voice(struct chk_engine *e, size_t si, size_t ri)
{
	const struct cfg_real *r = &e->cfg->svcs[si].reals[ri];
	struct chk_probe *best = NULL;

	for (size_t k = 0; k < r->nchecks; k++) {
		struct chk_probe *p = e->rt[si].rp[ri] ? e->rt[si].rp[ri][k] : NULL;

		if (!p)
			continue;
		if (!p->h.up)
			return p;
		if (!best || p->last_result_ms > best->last_result_ms)
			best = p;
	}
	return best;
}

void chk_engine_rs_info(void *arg, lvs_host_rs_emit_fn emit, void *emit_arg)
{
	struct chk_engine *e = arg;
	uint64_t now = lvs_now_ms();

	pthread_mutex_lock(&e->m);
	for (size_t si = 0; e->cfg && si < e->cfg->nsvcs; si++) {
		const struct cfg_service *cs = &e->cfg->svcs[si];

		for (size_t ri = 0; ri < cs->nreals; ri++) {
			struct chk_probe *p = real_voice(e, si, ri);
			int done = p && p->last_result_ms;
			struct lvs_host_rs_info i = {
				.svc = &cs->s,
				.dest = &cs->reals[ri].d,
				.state = e->rt[si].maint[ri] ? "MAINT" : chk_real_up(e, si, ri) ? "UP" : "DOWN",
				.msg = p ? p->last_msg : "",
				.latency_ms = done ? (int64_t)p->last_latency_ms : -1,
				.age_ms = done ? (int64_t)(now - p->last_result_ms) : -1,
			};

			emit(emit_arg, &i);
		}
	}
	pthread_mutex_unlock(&e->m);
}
