/* metrics.c - the table's Prometheus families (see metrics.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "conn.h"
#include "metrics.h"
#include "stats.h"
#include "lib/prom.h"

/* an address as Go's net.IP.String() prints it: IPv4-mapped IPv6 as
 * dotted IPv4; otherwise RFC 5952 (the longest run of two or more zero
 * groups, the first of equal runs, as "::"; no embedded dotted IPv4) */
static void go_ip_str(int af, const union lvs_addr *a, char buf[INET6_ADDRSTRLEN])
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	const uint8_t *b = a->in6.s6_addr;
	int best = -1, bestlen = 0;
	char *p = buf;

	if (af != AF_INET6) {
		inet_ntop(AF_INET, &a->ip, buf, INET6_ADDRSTRLEN);
		return;
	}
	if (!memcmp(b, mapped, sizeof(mapped))) {
		inet_ntop(AF_INET, b + 12, buf, INET6_ADDRSTRLEN);
		return;
	}
	for (int i = 0; i < 8;) {
		int j = i;
		while (j < 8 && !b[2 * j] && !b[2 * j + 1])
			j++;
		if (j - i >= 2 && j - i > bestlen) {
			best = i;
			bestlen = j - i;
		}
		i = j > i ? j : i + 1;
	}
	for (int i = 0; i < 8; i++) {
		if (i == best) {
			p += sprintf(p, "::");
			i += bestlen - 1;
			continue;
		}
		if (i > 0 && i != best + bestlen)
			*p++ = ':';
		p += sprintf(p, "%x", (unsigned)(b[2 * i] << 8 | b[2 * i + 1]));
	}
	*p = 0;
}

void lvs_metrics_svc_labels(struct strbuf *lbl, int af, uint16_t protocol, const union lvs_addr *addr,
			    uint16_t port, uint32_t fwmark)
{
	char a[INET6_ADDRSTRLEN] = "", mark[16] = "", pb[16], pn[8];

	if (!fwmark)
		go_ip_str(af, addr, a);
	else
		snprintf(mark, sizeof(mark), "%08X", fwmark);
	snprintf(pb, sizeof(pb), "%u", fwmark ? 0u : port);
	lvs_prom_label(lbl, "local_address", a);
	lvs_prom_label(lbl, "local_mark", mark);
	lvs_prom_label(lbl, "local_port", pb);
	lvs_prom_label(lbl, "proto", fwmark ? "FWM" : lvs_proto_name((uint8_t)protocol, pn));
}

void lvs_metrics_dest_labels(struct strbuf *lbl, int af, const union lvs_addr *addr, uint16_t port)
{
	char a[INET6_ADDRSTRLEN], pb[16];

	go_ip_str(af, addr, a);
	snprintf(pb, sizeof(pb), "%u", port);
	lvs_prom_label(lbl, "remote_address", a);
	lvs_prom_label(lbl, "remote_port", pb);
}

enum field {
	F_CONNS, F_INPKTS, F_OUTPKTS, F_INBYTES, F_OUTBYTES,
	F_CPS, F_INPPS, F_OUTPPS, F_INBPS, F_OUTBPS,
	F_WEIGHT, F_ACTIVE, F_INACTIVE, F_PERSIST, F_DRAINED, F_MAINT,
	F_COUNT
};

struct famdef {
	const char *name, *type, *help;
	enum field field;
};

/* one service or real server: its labels and values, read once */
struct entry {
	char *lbl;
	uint64_t val[F_COUNT];
};

#define STAT_FAMS(obj, what) \
	{ obj "_connections_total", "counter", "Connections scheduled to this " what ".", F_CONNS }, \
	{ obj "_incoming_packets_total", "counter", "Packets from clients to this " what ".", F_INPKTS }, \
	{ obj "_outgoing_packets_total", "counter", "Packets from this " what " to clients.", F_OUTPKTS }, \
	{ obj "_incoming_bytes_total", "counter", "Bytes from clients to this " what ".", F_INBYTES }, \
	{ obj "_outgoing_bytes_total", "counter", "Bytes from this " what " to clients.", F_OUTBYTES }, \
	{ obj "_connections_per_second", "gauge", "Connection rate of this " what " (2 s estimator).", F_CPS }, \
	{ obj "_incoming_packets_per_second", "gauge", "Incoming packet rate of this " what " (2 s estimator).", F_INPPS }, \
	{ obj "_outgoing_packets_per_second", "gauge", "Outgoing packet rate of this " what " (2 s estimator).", F_OUTPPS }, \
	{ obj "_incoming_bytes_per_second", "gauge", "Incoming byte rate of this " what " (2 s estimator).", F_INBPS }, \
	{ obj "_outgoing_bytes_per_second", "gauge", "Outgoing byte rate of this " what " (2 s estimator).", F_OUTBPS }

static const struct famdef svc_fams[] = {
	STAT_FAMS("lvsd_service", "virtual service"),
};

static const struct famdef dest_fams[] = {
	{ "node_ipvs_backend_connections_active", "gauge",
	  "The current active connections by local and remote address.", F_ACTIVE },
	{ "node_ipvs_backend_connections_inactive", "gauge",
	  "The current inactive connections by local and remote address.", F_INACTIVE },
	{ "node_ipvs_backend_weight", "gauge", "The current backend weight by local and remote address.", F_WEIGHT },
	{ "lvsd_real_server_weight", "gauge", "Current weight of the real server (0: quiesced).", F_WEIGHT },
	{ "lvsd_real_server_connections_active", "gauge", "Active connections to the real server.", F_ACTIVE },
	{ "lvsd_real_server_connections_inactive", "gauge", "Inactive connections to the real server.", F_INACTIVE },
	{ "lvsd_real_server_connections_persistent", "gauge",
	  "Persistence templates pointing at the real server.", F_PERSIST },
	{ "lvsd_real_server_drained", "gauge",
	  "1 while the operator holds the real server out of rotation (lvsd --cmd drain or maint).", F_DRAINED },
	{ "lvsd_real_server_maintenance", "gauge",
	  "1 while the real server is in maintenance (lvsd --cmd maint): no traffic at all.", F_MAINT },
	STAT_FAMS("lvsd_real_server", "real server"),
};

static void read_stats(const struct lvs_stats *st, uint64_t *val)
{
	struct lvs_stats_view v;

	lvs_stats_read(st, &v);
	val[F_CONNS] = v.c.conns;
	val[F_INPKTS] = v.c.inpkts;
	val[F_OUTPKTS] = v.c.outpkts;
	val[F_INBYTES] = v.c.inbytes;
	val[F_OUTBYTES] = v.c.outbytes;
	val[F_CPS] = v.r.cps;
	val[F_INPPS] = v.r.inpps;
	val[F_OUTPPS] = v.r.outpps;
	val[F_INBPS] = v.r.inbps;
	val[F_OUTBPS] = v.r.outbps;
}

static uint64_t nonneg(int v)
{
	return v > 0 ? (uint64_t)v : 0;
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->lbl, ((const struct entry *)b)->lbl);
}

/* every family of defs over the entries sorted by labels, equal labels summed */
static void put_families(struct strbuf *out, struct entry *e, size_t n, const struct famdef *defs, size_t ndefs)
{
	qsort(e, n, sizeof(*e), cmp_entry);
	for (size_t k = 0; k < ndefs; k++) {
		struct lvs_prom_fam f = LVS_PROM_FAM(defs[k].name, defs[k].type, defs[k].help);
		for (size_t i = 0; i < n; i++) {
			uint64_t sum = e[i].val[defs[k].field];
			while (i + 1 < n && !strcmp(e[i].lbl, e[i + 1].lbl))
				sum += e[++i].val[defs[k].field];
			lvs_prom_u64(out, &f, e[i].lbl, sum);
		}
	}
}

static void free_entries(struct entry *e, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(e[i].lbl);
	free(e);
}

static void put_global(struct lvs_table *t, struct strbuf *out)
{
	static const struct famdef g[] = {
		{ "node_ipvs_connections_total", "counter", "The total number of connections made.", F_CONNS },
		{ "node_ipvs_incoming_packets_total", "counter", "The total number of incoming packets.", F_INPKTS },
		{ "node_ipvs_outgoing_packets_total", "counter", "The total number of outgoing packets.", F_OUTPKTS },
		{ "node_ipvs_incoming_bytes_total", "counter", "The total amount of incoming data.", F_INBYTES },
		{ "node_ipvs_outgoing_bytes_total", "counter", "The total amount of outgoing data.", F_OUTBYTES },
	};
	uint64_t val[F_COUNT];

	read_stats(lvs_table_global_stats(t), val);
	for (size_t k = 0; k < sizeof(g) / sizeof(g[0]); k++) {
		struct lvs_prom_fam f = LVS_PROM_FAM(g[k].name, g[k].type, g[k].help);
		lvs_prom_u64(out, &f, NULL, val[g[k].field]);
	}
}

int lvs_metrics_table(struct lvs_table *t, struct strbuf *out)
{
	size_t nsvc = 0, ndest = 0, is = 0, id = 0;
	struct entry *se = NULL, *de = NULL;
	int err = -ENOMEM;

	put_global(t, out);
	for (struct lvs_service *svc = lvs_svc_first(t); svc; svc = lvs_svc_next(t, svc)) {
		struct lvs_dest *d;
		nsvc++;
		lvs_list_for_each_entry(d, &svc->destinations, n_list)
			ndest++;
	}
	se = calloc(nsvc ? nsvc : 1, sizeof(*se));
	de = calloc(ndest ? ndest : 1, sizeof(*de));
	if (!se || !de)
		goto out;
	for (struct lvs_service *svc = lvs_svc_first(t); svc && is < nsvc; svc = lvs_svc_next(t, svc)) {
		struct strbuf lbl = STRBUF_INIT;
		struct lvs_dest *d;

		lvs_metrics_svc_labels(&lbl, svc->af, svc->protocol, &svc->addr, svc->port, svc->fwmark);
		if (lbl.oom || !lbl.buf) {
			sb_free(&lbl);
			goto out;
		}
		read_stats(&svc->stats, se[is].val);
		lvs_list_for_each_entry(d, &svc->destinations, n_list) {
			struct strbuf dl = STRBUF_INIT;
			if (id == ndest)
				break;
			sb_puts(&dl, lbl.buf);
			lvs_metrics_dest_labels(&dl, d->af, &d->addr, d->port);
			if (dl.oom) {
				sb_free(&dl);
				sb_free(&lbl);
				goto out;
			}
			de[id].lbl = sb_detach(&dl);
			read_stats(&d->stats, de[id].val);
			de[id].val[F_WEIGHT] = nonneg(__atomic_load_n(&d->weight, __ATOMIC_RELAXED));
			de[id].val[F_ACTIVE] = nonneg(__atomic_load_n(&d->activeconns, __ATOMIC_RELAXED));
			de[id].val[F_INACTIVE] = nonneg(__atomic_load_n(&d->inactconns, __ATOMIC_RELAXED));
			de[id].val[F_PERSIST] = nonneg(__atomic_load_n(&d->persistconns, __ATOMIC_RELAXED));
			enum lvs_admin adm = __atomic_load_n(&d->admin, __ATOMIC_RELAXED);
			de[id].val[F_DRAINED] = adm != LVS_ADMIN_READY;
			de[id].val[F_MAINT] = adm == LVS_ADMIN_MAINT;
			id++;
		}
		se[is++].lbl = sb_detach(&lbl);
	}
	put_families(out, de, id, dest_fams, sizeof(dest_fams) / sizeof(dest_fams[0]));
	put_families(out, se, is, svc_fams, sizeof(svc_fams) / sizeof(svc_fams[0]));
	err = 0;
out:
	if (se)
		free_entries(se, is);
	if (de)
		free_entries(de, id);
	if (err)
		out->oom = 1;
	return err;
}
