/* fastpath_maps.h - the map layout shared by the fast path's BPF programs
 * (bpf/lvsd_fast.bpf.c, and the XDP program's lookup in bpf/lvsd_xdp.bpf.c)
 * and lvsd (fastpath.c, afxdp.c).  Fixed-width kernel types only. */
#ifndef LVS_DP_FASTPATH_MAPS_H
#define LVS_DP_FASTPATH_MAPS_H

#include <linux/types.h>

/* the fast path (fastpath.h): one entry per direction of an offloaded
 * connection, keyed by the packet's own 5-tuple as it arrives */
struct lvsd_flow_key {
	__u32 saddr, daddr;     /* network order */
	__u16 sport, dport;     /* network order */
	__u8 proto;
	__u8 pad[3];            /* always 0: part of the hash key */
};

struct lvsd_flow {
	__u32 addr;             /* the new address (network order) ... */
	__u16 port;             /* ... and port (network order) */
	__u8 action;            /* LVSD_FLOW_DNAT / _SNAT / _DR */
	__u8 pad;
	__u32 ifindex;          /* egress interface */
	__u32 nexthop;          /* IPv4 next hop there (network order) */
	__u32 slot;             /* the connection's counters: lvsd_flow_ctr[slot] */
	__u32 mtu;              /* route MTU: bigger packets go to userspace */
	__u32 flags;            /* LVSD_FLOW_F_* (setup offload), changed atomically */
};

/* setup offload (pkt.h): the flow was installed at its SYN; the TC program
 * forwards every segment, SYN/FIN/RST included, and reports those the
 * state machine must see as a struct lvsd_flow_event in lvsd_events */
#define LVSD_FLOW_F_SETUP      0x1
#define LVSD_FLOW_F_REPORT_ACK 0x2      /* report the next segment without SYN
					 * (the handshake's last ACK), then clear */
#define LVSD_FLOW_F_REPORT_ALL 0x4      /* report every segment: a FIN or RST
					 * was seen (the closing exchange) */

/* one reported segment, as it arrived (before the rewrite) */
struct lvsd_flow_event {
	__u32 saddr, daddr;     /* network order */
	__u16 sport, dport;     /* network order */
	__u16 len;              /* IP total length (a GSO skb: its IP bytes) */
	__u8 tcp_flags;
	__u8 outbound;          /* 0: client -> RS (DNAT, DR); 1: RS -> client (SNAT) */
};

#define LVSD_EVENTS_BYTES   (4u << 20)  /* ring buffer: ~170k events */

#define LVSD_FLOW_DNAT 0        /* NAT, client -> RS: destination rewritten */
#define LVSD_FLOW_SNAT 1        /* NAT, RS -> client: source rewritten */
#define LVSD_FLOW_DR   2        /* DR, client -> RS: addresses kept, sent to the RS's MAC */

/* what the fast path carried for one connection (both directions) */
struct lvsd_flow_ctr {
	__u64 in_pkts, in_bytes;        /* client -> RS */
	__u64 out_pkts, out_bytes;      /* RS -> client */
};

#define LVSD_FLOW_SLOTS     65536        /* offloaded connections at once */
#define LVSD_FLOW_MAX       (2 * LVSD_FLOW_SLOTS)

enum {
	LVSD_FAST_STAT_FWD,             /* TC: rewritten and redirected */
	LVSD_FAST_STAT_REPORTED,        /* ... and reported to the workers (setup offload) */
	LVSD_FAST_STAT_REPORT_FULL,     /* not forwarded: the event ring was full */
	LVSD_FAST_STAT_COUNT
};

/* TTL 1 (ICMP time exceeded) and too-big packets (fragmentation needed)
 * are the workers' in every case.  gso_size: 0, or the skb's segment size. */
static inline __attribute__((always_inline)) int lvsd_fast_size_ok(__u8 ttl, __u32 ip_len, __u32 gso_size, __u32 mtu)
{
	if (ttl <= 1)
		return 0;
	return gso_size ? gso_size + 40 <= mtu : ip_len <= mtu;
}

#define LVSD_TCPF_FIN 0x01
#define LVSD_TCPF_SYN 0x02
#define LVSD_TCPF_RST 0x04
#define LVSD_TCPF_ACK 0x10
#define LVSD_TCPF_CTL (LVSD_TCPF_FIN | LVSD_TCPF_SYN | LVSD_TCPF_RST)

/* the test XDP and TC both apply to a segment of an offloaded flow:
 * SYN/FIN/RST go through the workers (state machine) unless the flow is a
 * setup-offload one (it reports them instead).  Even then a new SYN on a
 * closing flow goes to the workers: the core may schedule the new
 * connection elsewhere (port reuse), and the flow may be gone any moment */
static inline __attribute__((always_inline)) int lvsd_fast_ok(__u32 flow_flags, __u8 tcp_flags, __u8 ttl, __u32 ip_len, __u32 gso_size, __u32 mtu)
{
	if (flow_flags & LVSD_FLOW_F_SETUP) {
		if ((tcp_flags & (LVSD_TCPF_SYN | LVSD_TCPF_ACK)) == LVSD_TCPF_SYN &&
		    (flow_flags & LVSD_FLOW_F_REPORT_ALL))
			return 0;
	} else if (tcp_flags & LVSD_TCPF_CTL) {
		return 0;
	}
	return lvsd_fast_size_ok(ttl, ip_len, gso_size, mtu);
}

#endif
