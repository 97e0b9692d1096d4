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
 * are the workers' in every case.  wire_len: the largest IP packet the
 * segment becomes on the wire (lvsd_fast_wire_len). */
static inline __attribute__((always_inline)) int lvsd_fast_size_ok(__u8 ttl, __u32 wire_len, __u32 mtu)
{
	return ttl > 1 && wire_len <= mtu;
}

/* ip_len: the IP total length; gso_size: 0, or the skb's segment size,
 * whose segments each carry the IP and TCP headers (hdr_len) again */
static inline __attribute__((always_inline)) __u32 lvsd_fast_wire_len(__u32 ip_len, __u32 gso_size, __u32 hdr_len)
{
	return gso_size ? hdr_len + gso_size : ip_len;
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
static inline __attribute__((always_inline)) int lvsd_fast_ok(__u32 flow_flags, __u8 tcp_flags, __u8 ttl, __u32 wire_len, __u32 mtu)
{
	if (flow_flags & LVSD_FLOW_F_SETUP) {
		if ((tcp_flags & (LVSD_TCPF_SYN | LVSD_TCPF_ACK)) == LVSD_TCPF_SYN &&
		    (flow_flags & LVSD_FLOW_F_REPORT_ALL))
			return 0;
	} else if (tcp_flags & LVSD_TCPF_CTL) {
		return 0;
	}
	return lvsd_fast_size_ok(ttl, wire_len, mtu);
}

/* The header checks of the workers' parser (pkt/parse.c, dp_parse) for a
 * segment XDP passes on to TC and TC forwards: the fast path forwards
 * nothing the workers would drop, and never launders a bad header (TC
 * writes a fresh IP checksum over what it forwards).  ip: the IPv4 header,
 * 40 bytes readable (IP and TCP without options); ip_avail: the bytes from
 * ip to the end of the frame.  Checked, with the worker's verdict on
 * failure:
 *   IHL 5 (below: IP_IHL; options: the workers handle them), TCP,
 *   not a fragment (FRAG_*), 40 <= total length <= ip_avail (IP_TOTLEN,
 *   TCP_SHORT), the header checksum (IP_CSUM: nothing verified it before
 *   tc ingress, ip_rcv runs later), TCP data offset 5 .. total length - 20
 *   (TCP_DOFF), SYN, ACK or RST and no SYN with FIN or RST (TCP_FLAGS).
 * What fails goes to the workers, which drop it under that reason.
 * Not repeated: the addresses and ports (the flow lookup matched them, and
 * flows are installed from parsed packets) and the TCP checksum, which the
 * rewrite carries incrementally (as the kernel's IPVS does): a wrong one
 * stays wrong, and the real server drops the segment. */
static inline __attribute__((always_inline)) int lvsd_fast_hdr_ok(const __u8 *ip, __u32 ip_avail)
{
	const __u8 *tcp = ip + 20;
	__u32 tot = (__u32)ip[2] << 8 | ip[3];
	__u32 sum = 0, doff;
	__u8 fl = tcp[13];

	if (ip[0] != 0x45 || ip[9] != 6 /* TCP */ || (ip[6] & 0x3f) || ip[7])
		return 0;
	if (tot < 40 || tot > ip_avail)
		return 0;
	for (int i = 0; i < 20; i += 2)
		sum += (__u32)ip[i] << 8 | ip[i + 1];
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	if (sum != 0xffff)
		return 0;
	doff = (__u32)(tcp[12] >> 4) * 4;
	if (doff < 20 || doff > tot - 20)
		return 0;
	if (!(fl & (LVSD_TCPF_SYN | LVSD_TCPF_RST | LVSD_TCPF_ACK)) ||
	    ((fl & LVSD_TCPF_SYN) && (fl & (LVSD_TCPF_FIN | LVSD_TCPF_RST))))
		return 0;
	return 1;
}

#endif
