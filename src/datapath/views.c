/* views.c - the datapath module's text view ("datapath", also "drops")
 * and its Prometheus families: the workers' counters summed, the owned
 * set, what is not forwarded and why, the backend and the fast path. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "host/host.h"
#include "lib/prom.h"
#include "datapath.h"
#include "module-int.h"
#include "datapath/io/local.h"
#include "datapath/io/fastpath_maps.h"
#include "datapath/pkt/worker.h"
#include "datapath/netfilter/guard.h"
#include "datapath/netfilter/fwmark_watch.h"

/* the workers' counters summed: what the view and the metrics show */
struct dp_totals {
	uint64_t reason[DP_R_COUNT];
	uint64_t rx, tx, txb, in, outb, icmp, seg, frags, icmp_rl, rst;
	uint64_t lin, linb, lout, lpass;
	struct dp_fp_counts fc;
};

static void dp_totals(const struct dp_module *dp, struct dp_totals *t)
{
	memset(t, 0, sizeof(*t));
	for (unsigned i = 0; i < dp->nworkers; i++) {
		struct dp_worker *w = &dp->w[i];
		struct dp_fp_counts c1;
		for (int r = 0; r < DP_R_COUNT; r++)
			t->reason[r] += __atomic_load_n(&w->reason[r], __ATOMIC_RELAXED);
		t->rx += w->rx_frames;
		t->tx += w->tx_frames;
		t->txb += w->tx_bytes;
		t->in += w->inbound;
		t->outb += w->outbound;
		t->icmp += w->icmp_sent;
		t->seg += w->segmented;
		t->frags += w->fragments;
		t->icmp_rl += w->icmp_ratelimited;
		t->rst += w->rst_sent;
		t->lin += w->local_in;
		t->linb += w->local_in_bytes;
		t->lout += w->local_out;
		t->lpass += w->local_passed;
		dp_fp_counts(w->fpw, &c1);
		t->fc.installed += c1.installed;
		t->fc.install_failed += c1.install_failed;
		t->fc.stopped += c1.stopped;
		t->fc.released += c1.released;
		t->fc.active += c1.active;
		t->fc.setup += c1.setup;
		t->fc.replayed += c1.replayed;
	}
}

int dp_view(void *arg, struct strbuf *out)
{
	struct dp_module *dp = arg;
	struct dp_totals t;
	dp_totals(dp, &t);
	if (dp->sh.be)    /* live counters some backends show in their description */
		dp->sh.ops->describe(dp->sh.be, dp->backend_desc, sizeof(dp->backend_desc));
	sb_printf(out, "backend: %s\n", dp->backend_desc[0] ? dp->backend_desc : "none");
	sb_printf(out, "workers: %u\n", dp->nworkers);
	sb_puts(out, "interfaces:");
	for (char **p = dp->ifnames; p && *p; p++)
		sb_printf(out, " %s", *p);
	sb_puts(out, "\n");
	sb_printf(out, "guard: %s%s\n", dp->steer ? "nftables table ip lvsd_<pid> (prerouting)" : "none",
		  dp->steer_err[0] ? " (ERROR)" : "");
	if (dp->steer_err[0])
		sb_printf(out, "guard_error: %s\n", dp->steer_err);
	const struct dp_owned *o = dp->sh.owned;
	sb_printf(out, "owned: %zu virtual services, %zu NAT real servers\n", o ? o->nvips : 0, o ? o->nnat : 0);
	sb_printf(out, "unforwarded: %zu virtual services\n", o ? o->nunfwd : 0);
	/* indented under their count, as lists in text views are (and so
	 * out of the JSON status, which takes "key: value" lines) */
	for (const char *l = o ? o->unfwd.buf : NULL, *nl; l && *l; l = nl + 1) {
		nl = strchr(l, '\n');
		sb_printf(out, "  %.*s\n", (int)(nl - l), l);
	}
	sb_printf(out, "rx_frames %llu\ntx_frames %llu\ntx_bytes %llu\n", (unsigned long long)t.rx,
		  (unsigned long long)t.tx, (unsigned long long)t.txb);
	sb_printf(out, "inbound %llu\noutbound %llu\nicmp_sent %llu\nicmp_ratelimited %llu\ntso_segments %llu\nfragments %llu\n",
		  (unsigned long long)t.in, (unsigned long long)t.outb, (unsigned long long)t.icmp,
		  (unsigned long long)t.icmp_rl, (unsigned long long)t.seg, (unsigned long long)t.frags);
	sb_printf(out, "rst_sent %llu\n", (unsigned long long)t.rst);
	if (!dp->local)
		sb_puts(out, "local: none\n");
	else if (dp->local_err[0])
		sb_printf(out, "local: unavailable (%s): packets to local real servers are dropped (LOCAL_NO_TUN)\n",
			  dp->local_err);
	else
		sb_printf(out, "local: tun %s, %u queues, %zu local real servers, %zu loopback reply rules, "
			  "output mark 0x%08x; their connections stay in the workers (no fast path)\n",
			  dp_local_ifname(dp->local), dp->nworkers, dp->nlocal, dp_local_nrules(dp->local),
			  LVSD_LOCAL_MARK);
	if (dp->rules_err[0])
		sb_printf(out, "local_error: %s\n", dp->rules_err);
	sb_printf(out, "local_delivered %llu\nlocal_delivered_bytes %llu\nlocal_received %llu\nlocal_passed %llu\n",
		  (unsigned long long)t.lin, (unsigned long long)t.linb, (unsigned long long)t.lout,
		  (unsigned long long)t.lpass);
	const struct dp_fp_counts fc = t.fc;
	sb_printf(out, "fastpath %s\n", !dp->fp ? "none" : __atomic_load_n(&dp->fp->enabled, __ATOMIC_RELAXED) ? "tc" : "off");
	struct lvs_core_settings cs;
	lvs_core_get_settings(dp->core, &cs);
	/* what the fast path takes (--fastpath) and when (--fastpath-min-pkts) */
	sb_printf(out, "fastpath_takes %s\nfastpath_min_pkts %u\n",
		  !dp->fp ? "nothing" : cs.offload_setup ? "setup" : "established", (unsigned)cs.offload_min_pkts);
	sb_printf(out, "fastpath_forwarded %llu\n", (unsigned long long)dp_fastpath_stat(dp->fp, LVSD_FAST_STAT_FWD));
	sb_printf(out, "fastpath_flows %llu\nfastpath_installed %llu\nfastpath_install_failed %llu\n"
		  "fastpath_stopped %llu\nfastpath_released %llu\n", (unsigned long long)fc.active,
		  (unsigned long long)fc.installed, (unsigned long long)fc.install_failed,
		  (unsigned long long)fc.stopped, (unsigned long long)fc.released);
	sb_printf(out, "fastpath_setup %llu\nfastpath_reported %llu\nfastpath_replayed %llu\nfastpath_report_full %llu\n",
		  (unsigned long long)fc.setup, (unsigned long long)dp_fastpath_stat(dp->fp, LVSD_FAST_STAT_REPORTED),
		  (unsigned long long)fc.replayed, (unsigned long long)dp_fastpath_stat(dp->fp, LVSD_FAST_STAT_REPORT_FULL));
	sb_puts(out, "reasons:\n");
	for (int r = 0; r < DP_R_COUNT; r++)
		sb_printf(out, "  %-16s %10llu  %s\n", dp_reason_name[r], (unsigned long long)t.reason[r],
			  dp_reason_desc[r]);
	struct lvs_core_counters c;
	lvs_core_counters(dp->core, &c);
	sb_printf(out, "core: conn_created %llu conn_expired %llu pass_not_vs %llu pass_no_conn %llu "
		  "pass_icmp_no_conn %llu drop_dest_unavailable %llu drop_table_full %llu reject_no_dest %llu\n",
		  (unsigned long long)c.conn_created, (unsigned long long)c.conn_expired,
		  (unsigned long long)c.pass_not_vs, (unsigned long long)c.pass_no_conn,
		  (unsigned long long)c.pass_icmp_no_conn, (unsigned long long)c.drop_dest_unavailable,
		  (unsigned long long)c.drop_table_full, (unsigned long long)c.reject_no_dest);
	return 0;
}

/* the view's numbers as Prometheus families: packets by outcome, frames,
 * ICMP/RST sent, local delivery and the TC fast path */
int dp_metrics(void *arg, struct strbuf *out)
{
	struct dp_module *dp = arg;
	struct dp_totals t;
	dp_totals(dp, &t);
	const struct lvs_prom_one ctr[] = {
		{ "lvsd_datapath_rx_frames_total", "counter", "Frames the workers received.", t.rx },
		{ "lvsd_datapath_tx_frames_total", "counter", "Frames the workers sent.", t.tx },
		{ "lvsd_datapath_tx_bytes_total", "counter", "Bytes the workers sent.", t.txb },
		{ "lvsd_datapath_inbound_total", "counter", "Packets handled from clients to virtual services.", t.in },
		{ "lvsd_datapath_outbound_total", "counter", "Packets handled from real servers to clients.", t.outb },
		{ "lvsd_datapath_icmp_sent_total", "counter", "ICMP errors lvsd originated.", t.icmp },
		{ "lvsd_datapath_icmp_ratelimited_total", "counter", "ICMP errors not sent: rate limit.", t.icmp_rl },
		{ "lvsd_datapath_rst_sent_total", "counter", "TCP resets sent for owned ports without a connection.", t.rst },
		{ "lvsd_datapath_tso_segments_total", "counter", "Segments cut from oversized (GSO) frames.", t.seg },
		{ "lvsd_datapath_fragments_total", "counter", "Fragments sent.", t.frags },
		{ "lvsd_datapath_local_delivered_total", "counter", "Packets delivered to real servers on the director.", t.lin },
		{ "lvsd_datapath_local_delivered_bytes_total", "counter", "Bytes delivered to real servers on the director.", t.linb },
		{ "lvsd_datapath_local_received_total", "counter", "Packets received from real servers on the director.", t.lout },
		{ "lvsd_datapath_local_passed_total", "counter", "Local-stack packets passed on unchanged.", t.lpass },
		{ "lvsd_fastpath_installed_total", "counter", "Flows installed into the TC fast path.", t.fc.installed },
		{ "lvsd_fastpath_install_failed_total", "counter", "Flows the fast path could not take.", t.fc.install_failed },
		{ "lvsd_fastpath_stopped_total", "counter", "Flows taken back from the fast path.", t.fc.stopped },
		{ "lvsd_fastpath_released_total", "counter", "Flows removed from the fast path at their end.", t.fc.released },
		{ "lvsd_fastpath_setup_total", "counter", "Connections offloaded from their SYN on.", t.fc.setup },
		{ "lvsd_fastpath_replayed_total", "counter", "Fast-path reports replayed to the core.", t.fc.replayed },
	};
	const struct lvs_prom_one fst[] = {
		{ "lvsd_fastpath_flows", "gauge", "Flows in the TC fast path now.", t.fc.active },
		{ "lvsd_fastpath_forwarded_total", "counter", "Packets the TC fast path forwarded.",
		  dp_fastpath_stat(dp->fp, LVSD_FAST_STAT_FWD) },
		{ "lvsd_fastpath_reported_total", "counter", "Fast-path packets reported to the workers.",
		  dp_fastpath_stat(dp->fp, LVSD_FAST_STAT_REPORTED) },
		{ "lvsd_fastpath_report_full_total", "counter", "Fast-path packets not forwarded: report ring full.",
		  dp_fastpath_stat(dp->fp, LVSD_FAST_STAT_REPORT_FULL) },
		{ "lvsd_datapath_workers", "gauge", "Datapath worker threads.", dp->nworkers },
	};
	struct lvs_prom_fam pk = LVS_PROM_FAM("lvsd_datapath_packets_total", "counter",
					      "Packets the workers handled, by outcome (any reason but OK: not forwarded).");

	for (int r = 0; r < DP_R_COUNT; r++) {
		struct strbuf lbl = STRBUF_INIT;
		lvs_prom_label(&lbl, "reason", dp_reason_name[r]);
		lvs_prom_u64(out, &pk, lbl.buf, t.reason[r]);
		sb_free(&lbl);
	}
	LVS_PROM_ONES(out, ctr);
	LVS_PROM_ONES(out, fst);
	return 0;
}

