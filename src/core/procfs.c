/* procfs.c - /proc/net/ip_vs and /proc/net/ip_vs_stats formatters (the
 * kernel's ip_vs_info_seq_show and ip_vs_stats_show). */
#include <arpa/inet.h>
#include <stdio.h>
#include "conn.h"
#include "procfs.h"
#include "stats.h"

const char *lvs_fwd_name(uint32_t conn_flags)
{
	switch (conn_flags & LVS_CONN_F_FWD_MASK) {
	case LVS_CONN_F_LOCALNODE: return "Local";
	case LVS_CONN_F_TUNNEL: return "Tunnel";
	case LVS_CONN_F_DROUTE: return "Route";
	case LVS_CONN_F_MASQ: return "Masq";
	case LVS_CONN_F_FULLNAT: return "FullNat"; /* lvsd extension */
	default: return "Unknown";
	}
}

void lvs_fmt_in6_full(const struct in6_addr *a, char buf[40])
{
	const uint8_t *b = a->s6_addr;
	snprintf(buf, 40, "%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
		 b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

/* "%08X:%04X" or "[%pI6]:%04X" */
static void put_addr_port(struct strbuf *out, int af, const union lvs_addr *a, uint16_t port)
{
	if (af == AF_INET6) {
		char b6[40];
		lvs_fmt_in6_full(&a->in6, b6);
		sb_printf(out, "[%s]:%04X", b6, port);
	} else {
		sb_printf(out, "%08X:%04X", ntohl(a->ip), port);
	}
}

static void put_service(struct strbuf *out, const struct lvs_service *svc)
{
	char pbuf[16];
	const char *sched = svc->sched_name[0] ? svc->sched_name : "none";
	const char *ops = (svc->flags & LVS_SVC_F_ONEPACKET) ? "ops " : "";

	if (svc->fwmark) {
		sb_printf(out, "FWM  %08X %s %s", svc->fwmark, sched, ops);
	} else {
		sb_printf(out, "%s  ", lvs_proto_name((uint8_t)svc->protocol, pbuf));
		put_addr_port(out, svc->af, &svc->addr, svc->port);
		/* kernel 6.1's IPv6 line has no ops field (ip_vs_info_seq_show) */
		if (svc->af == AF_INET6)
			sb_printf(out, " %s ", sched);
		else
			sb_printf(out, " %s %s ", sched, ops);
	}
	if (svc->flags & LVS_SVC_F_PERSISTENT) {
		/* IPv4: host-order mask; IPv6: the prefix length, which the
		 * kernel byte-swaps with ntohl() */
		uint32_t mask = svc->af == AF_INET6 ? __builtin_bswap32(svc->netmask) : ntohl(svc->netmask);
		sb_printf(out, "persistent %d %08X\n", (int)(svc->timeout * LVS_HZ), mask);
	} else {
		sb_puts(out, "\n");
	}
}

static void put_dest(struct strbuf *out, const struct lvs_dest *d)
{
	sb_puts(out, "  -> ");
	put_addr_port(out, d->af, &d->addr, d->port);
	sb_printf(out, "      %-7s %-6d %-10d %-10d\n", lvs_fwd_name(d->conn_flags),
		  __atomic_load_n(&d->weight, __ATOMIC_RELAXED),
		  __atomic_load_n(&d->activeconns, __ATOMIC_RELAXED),
		  __atomic_load_n(&d->inactconns, __ATOMIC_RELAXED));
}

void lvs_procfs_ip_vs(struct lvs_table *t, struct strbuf *out)
{
	sb_printf(out, "IP Virtual Server version %d.%d.%d (size=%d)\n",
		  (LVS_IPVS_VERSION_CODE >> 16) & 0xff, (LVS_IPVS_VERSION_CODE >> 8) & 0xff,
		  LVS_IPVS_VERSION_CODE & 0xff, LVS_CONN_TAB_SIZE);
	sb_puts(out, "Prot LocalAddress:Port Scheduler Flags\n");
	sb_puts(out, "  -> RemoteAddress:Port Forward Weight ActiveConn InActConn\n");

	/* the kernel lists <proto,addr,port> services before fwmark ones */
	for (int pass = 0; pass < 2; pass++) {
		for (struct lvs_service *svc = lvs_svc_first(t); svc; svc = lvs_svc_next(t, svc)) {
			if ((svc->fwmark != 0) != pass)
				continue;
			put_service(out, svc);
			struct lvs_dest *d;
			lvs_list_for_each_entry(d, &svc->destinations, n_list)
				put_dest(out, d);
		}
	}
}

void lvs_procfs_ip_vs_stats(struct lvs_table *t, struct strbuf *out)
{
	struct lvs_stats_view v;
	lvs_stats_read(lvs_table_global_stats(t), &v);
	sb_puts(out, "   Total Incoming Outgoing         Incoming         Outgoing\n");
	sb_puts(out, "   Conns  Packets  Packets            Bytes            Bytes\n");
	sb_printf(out, "%8llX %8llX %8llX %16llX %16llX\n\n",
		  (unsigned long long)v.c.conns, (unsigned long long)v.c.inpkts,
		  (unsigned long long)v.c.outpkts, (unsigned long long)v.c.inbytes,
		  (unsigned long long)v.c.outbytes);
	sb_puts(out, " Conns/s   Pkts/s   Pkts/s          Bytes/s          Bytes/s\n");
	sb_printf(out, "%8llX %8llX %8llX %16llX %16llX\n",
		  (unsigned long long)v.r.cps, (unsigned long long)v.r.inpps,
		  (unsigned long long)v.r.outpps, (unsigned long long)v.r.inbps,
		  (unsigned long long)v.r.outbps);
}
