/* metrics.c - the "metrics" view: everything lvsd counts, in the
 * Prometheus text exposition format 0.0.4 (`lvsd --show metrics`, or an
 * HTTP endpoint serving the view).  lvsd's own families first (build,
 * start time, control socket, reloads, the connection core), then the
 * table's (core/metrics.h: node_exporter's node_ipvs_* and lvsd's per
 * service and per real server families), then whatever each module
 * registered through lvs_host_register_metrics() (datapath, sync,
 * checker). */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include "daemon.h"
#include "core/conn.h"
#include "core/metrics.h"
#include "lib/prom.h"

uint64_t lvsd_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int lvsd_register_metrics(struct lvsd *d, lvs_host_metrics_fn fn, void *arg)
{
	return lvsd_hook_add(&d->msrcs, (void (*)(void))fn, arg);
}

static void put_daemon(struct lvsd *d, struct strbuf *out)
{
	struct lvs_prom_fam build = LVS_PROM_FAM("lvsd_build_info", "gauge", "lvsd's version; the value is always 1.");
	struct lvs_prom_fam start = LVS_PROM_FAM("lvsd_start_time_seconds", "gauge",
						 "When lvsd started, in seconds since the epoch.");
	struct lvs_prom_fam rel = LVS_PROM_FAM("lvsd_reloads_total", "counter",
					       "Reloads (SIGHUP, reload command) by result.");
	struct lvs_prom_fam rel_t = LVS_PROM_FAM("lvsd_last_reload_time_seconds", "gauge",
						 "When the last reload ran, in seconds since the epoch.");
	const struct lvs_prom_one ctl[] = {
		{ "lvsd_control_clients", "gauge", "Clients connected to the control socket.", d->nclients },
		{ "lvsd_control_requests_total", "counter", "Requests received on the control socket.", d->requests },
		{ "lvsd_control_bad_frames_total", "counter", "Malformed frames received on the control socket.",
		  d->bad_frames },
		{ "lvsd_control_refused_total", "counter", "Control connections refused (too many clients).",
		  d->refused },
	};
	const struct lvs_prom_one last_ok = { "lvsd_last_reload_success", "gauge",
				     "Whether the last reload succeeded (1) or failed (0); absent before the first.",
				     (uint64_t)d->last_reload_ok };
	struct strbuf lbl = STRBUF_INIT;

	lvs_prom_label(&lbl, "version", LVSD_VERSION);
	lvs_prom_u64(out, &build, lbl.buf, 1);
	sb_free(&lbl);
	lvs_prom_double(out, &start, NULL, (double)d->start_wall_ms / 1000.0);
	LVS_PROM_ONES(out, ctl);
	lvs_prom_u64(out, &rel, "result=\"success\"", d->reloads - d->reload_failures);
	lvs_prom_u64(out, &rel, "result=\"failure\"", d->reload_failures);
	if (d->last_reload_wall_ms) {
		lvs_prom_ones(out, &last_ok, 1);
		lvs_prom_double(out, &rel_t, NULL, (double)d->last_reload_wall_ms / 1000.0);
	}
}

/* the connection core's counters (the ones `lvsd --show datapath` ends
 * with) and its table size: the daemon owns the core */
static void put_core(struct lvsd *d, struct strbuf *out)
{
	static const struct { const char *name, *help; size_t off; } defs[] = {
#define C(f, h) { "lvsd_core_" #f "_total", h, offsetof(struct lvs_core_counters, f) }
		C(conn_created, "Connections (not templates) created."),
		C(conn_expired, "Connection entries (templates included) freed."),
		C(conn_reused, "Connections rescheduled (conn_reuse_mode, expire_nodest_conn)."),
		C(tmpl_created, "Persistence templates created."),
		C(tmpl_invalidated, "Persistence templates invalidated."),
		C(pass_not_vs, "Packets passed on: no virtual service, or a protocol not handled."),
		C(pass_no_conn, "Packets passed on: no connection (e.g. TCP other than SYN)."),
		C(pass_icmp_no_conn, "ICMP errors passed on: related to no connection."),
		C(pass_ftp_data, "Packets to a port-21 service without a real server, passed to the local stack."),
		C(drop_dest_unavailable, "Packets dropped: their connection's real server is gone."),
		C(drop_table_full, "Packets dropped: the connection table is full."),
		C(drop_invalid, "Packets dropped: malformed for the core."),
		C(drop_nat_icmp, "ICMP replies of NAT real servers dropped: no connection."),
		C(reject_no_dest, "Packets rejected: the scheduler found no real server."),
#undef C
	};
	struct lvs_prom_one o = { "lvsd_connections", "gauge",
			 "Entries in the connection table (persistence templates included).", 0 };
	struct lvs_core_counters c;

	if (!d->core)
		return;
	lvs_core_counters(d->core, &c);
	o.v = lvs_core_conn_count(d->core);
	lvs_prom_ones(out, &o, 1);
	for (size_t i = 0; i < sizeof(defs) / sizeof(defs[0]); i++) {
		struct lvs_prom_one ci = { defs[i].name, "counter", defs[i].help,
				  *(const uint64_t *)((const char *)&c + defs[i].off) };
		lvs_prom_ones(out, &ci, 1);
	}
}

static int view_metrics(void *arg, struct strbuf *out)
{
	struct lvsd *d = arg;
	int err;

	put_daemon(d, out);
	put_core(d, out);
	lvsd_lock(d);
	err = lvs_metrics_table(d->table, out);
	lvsd_unlock(d);
	for (size_t i = 0; !err && i < d->msrcs.n; i++)
		err = LVSD_HOOK_FN(lvs_host_metrics_fn, d->msrcs.v[i])(d->msrcs.v[i].arg, out);
	return err < 0 ? err : out->oom ? -ENOMEM : 0;
}

int lvsd_metrics_init(struct lvsd *d)
{
	d->start_wall_ms = lvsd_wall_ms();
	return lvsd_register_text(d, "metrics", view_metrics, d);
}

void lvsd_metrics_fini(struct lvsd *d)
{
	lvsd_hooks_free(&d->msrcs);
}
