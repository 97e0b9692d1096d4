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
};

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
	LVSD_FAST_STAT_COUNT
};

/* the test XDP and TC both apply to a segment of an
 * offloaded flow; SYN/FIN/RST, TTL 1 and too-big packets go through the
 * workers (state machine, ICMP).  gso_size: 0, or the skb's segment size. */
#define LVSD_TCPF_FIN 0x01
#define LVSD_TCPF_SYN 0x02
#define LVSD_TCPF_RST 0x04
static inline int lvsd_fast_ok(__u8 tcp_flags, __u8 ttl, __u32 ip_len, __u32 gso_size, __u32 mtu)
{
	if (tcp_flags & (LVSD_TCPF_FIN | LVSD_TCPF_SYN | LVSD_TCPF_RST))
		return 0;
	if (ttl <= 1)
		return 0;
	return gso_size ? gso_size + 40 <= mtu : ip_len <= mtu;
}

#endif
