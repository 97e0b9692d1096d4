/* lvsd_fast.bpf.c - the fast path for established flows (fastpath.h).
 *
 *   lvsd_tc_fast     TC ingress on every served interface: a TCP segment of
 *                    an offloaded flow (lvsd_flows) gets its NAT rewrite
 *                    (address, port, TTL, checksums; DR: the TTL only), is
 *                    counted in the connection's slot (lvsd_flow_ctr) and
 *                    is redirected to the egress interface's next hop.  It
 *                    works on the skb, not an XDP frame, so checksum
 *                    offload state (CHECKSUM_PARTIAL from a veth peer) and
 *                    GSO survive: the IP header is rewritten in place (its
 *                    checksum, verified first, recomputed: a valid IP
 *                    header adds nothing to a complete checksum), the TCP
 *                    checksum by the l4 csum helper, which knows a
 *                    partial checksum from a full one.
 * The tests are lvsd_fast_hdr_ok (the workers' header checks: nothing is
 * forwarded that they would drop) and lvsd_fast_ok, both shared with the
 * XDP program, which passes these segments on to here; what fails them
 * continues to the workers (AF_PACKET: its ETH_P_IP sockets run after tc;
 * AF_XDP: the XDP program took it), which drop and count what is malformed.
 * A setup-offload flow (LVSD_FLOW_F_SETUP, installed at its SYN) has its
 * SYN/FIN/RST forwarded too: those, the handshake's last ACK and, once a
 * FIN or RST was seen, every segment are reported in lvsd_events for the
 * workers to replay through the state machine (pkt.h); they are not
 * counted in the slot (the replay counts them).  A full ring: the segment
 * is not forwarded (AF_PACKET: the workers get it, after the events before
 * it; AF_XDP: the XDP program passed it, so the guard drops it and the
 * sender retransmits).
 *
 * Maps (filled by fastpath.c): lvsd_flows (flow key -> rewrite),
 * lvsd_flow_ctr (per connection, mmapped by lvsd), lvsd_fast_stats,
 * lvsd_events (ring buffer, drained by the workers).
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "flows_map.h"
#include "stats_map.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, LVSD_FLOW_SLOTS);
	__uint(map_flags, BPF_F_MMAPABLE);     /* lvsd reads the counters in place */
	__type(key, __u32);
	__type(value, struct lvsd_flow_ctr);
} lvsd_flow_ctr SEC(".maps");

/* lvsd's counters; count(what) adds one */
LVSD_STATS_MAP(lvsd_fast_stats, LVSD_FAST_STAT_COUNT)

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, LVSD_EVENTS_BYTES);
} lvsd_events SEC(".maps");

#define ETH_HLEN_     14
#define TCP_OFF       (ETH_HLEN_ + 20)
#define TCP_CSUM_OFF  (TCP_OFF + 16)
#define HDRS_LEN      (TCP_OFF + 20)   /* eth, IPv4 without options, TCP */

/* IPv4 header checksum of a 20-byte header (its check field zeroed) */
static __always_inline __u16 ip_csum20(const __u16 *w)
{
	__u32 s = 0;
#pragma unroll
	for (int i = 0; i < 10; i++)
		s += w[i];
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (__u16)~s;
}

SEC("tc")
int lvsd_tc_fast(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	if (data + HDRS_LEN > end) {
		/* headers outside the linear part: rare (veth and most
		 * drivers put them there), so pulling costs nothing normally */
		if (skb->len < HDRS_LEN || bpf_skb_pull_data(skb, HDRS_LEN))
			return TC_ACT_OK;
		data = (void *)(long)skb->data;
		end = (void *)(long)skb->data_end;
		if (data + HDRS_LEN > end)
			return TC_ACT_OK;
	}
	struct ethhdr *eth = data;
	struct iphdr *ip = data + ETH_HLEN_;
	__be16 *ports = data + TCP_OFF;
	__u8 *tcp = data + TCP_OFF;
	__u8 tcp_flags = tcp[13];
	if (eth->h_proto != bpf_htons(ETH_P_IP) || ip->version != 4 || ip->ihl != 5 ||
	    ip->protocol != IPPROTO_TCP)
		return TC_ACT_OK;
	struct lvsd_flow_key k = {
		.saddr = ip->saddr, .daddr = ip->daddr,
		.sport = ports[0], .dport = ports[1], .proto = IPPROTO_TCP,
	};
	struct lvsd_flow *fl = bpf_map_lookup_elem(&lvsd_flows, &k);
	if (!fl)
		return TC_ACT_OK;
	/* what the workers' parser would drop goes to them (dropped, counted) */
	if (!lvsd_fast_hdr_ok((const __u8 *)ip, skb->len - ETH_HLEN_))
		return TC_ACT_OK;
	__u32 ff = fl->flags;
	__u32 ip_len = bpf_ntohs(ip->tot_len);
	__u32 wire = lvsd_fast_wire_len(ip_len, skb->gso_size, 20 + (tcp[12] >> 4) * 4);
	if (!lvsd_fast_ok(ff, tcp_flags, ip->ttl, wire, fl->mtu))
		return TC_ACT_OK;

	__u32 nad = fl->addr;
	__be16 npt = fl->port;
	int action = fl->action, src = action == LVSD_FLOW_SNAT;
	int reported = 0;
	if (ff & LVSD_FLOW_F_SETUP) {
		if (tcp_flags & (LVSD_TCPF_FIN | LVSD_TCPF_RST)) {
			/* the closing exchange: both directions report all */
			__sync_fetch_and_or(&fl->flags, LVSD_FLOW_F_REPORT_ALL);
			if (action != LVSD_FLOW_DR) {
				struct lvsd_flow_key rk = { .proto = IPPROTO_TCP };
				if (src) {
					rk.saddr = k.daddr;
					rk.daddr = nad;
					rk.sport = k.dport;
					rk.dport = npt;
				} else {
					rk.saddr = nad;
					rk.daddr = k.saddr;
					rk.sport = npt;
					rk.dport = k.sport;
				}
				struct lvsd_flow *rf = bpf_map_lookup_elem(&lvsd_flows, &rk);
				if (rf)
					__sync_fetch_and_or(&rf->flags, LVSD_FLOW_F_REPORT_ALL);
			}
			reported = 1;
		} else if ((tcp_flags & LVSD_TCPF_SYN) || (ff & LVSD_FLOW_F_REPORT_ALL)) {
			reported = 1;
		} else if (ff & LVSD_FLOW_F_REPORT_ACK) {
			/* exactly one segment completes the handshake's report */
			reported = (__sync_fetch_and_and(&fl->flags, ~(__u32)LVSD_FLOW_F_REPORT_ACK) &
				    LVSD_FLOW_F_REPORT_ACK) != 0;
		}
		if (reported) {
			struct lvsd_flow_event *ev = bpf_ringbuf_reserve(&lvsd_events, sizeof(*ev), 0);
			if (!ev) {
				count(LVSD_FAST_STAT_REPORT_FULL);
				return TC_ACT_OK;
			}
			ev->saddr = k.saddr;
			ev->daddr = k.daddr;
			ev->sport = k.sport;
			ev->dport = k.dport;
			ev->len = ip_len;
			ev->tcp_flags = tcp_flags;
			ev->outbound = src;
			/* no wake-up: the workers drain the ring after every
			 * receive and at least every DP_FP_EVENT_MS */
			bpf_ringbuf_submit(ev, BPF_RB_NO_WAKEUP);
			count(LVSD_FAST_STAT_REPORTED);
		}
	}
	__u32 oad = src ? ip->saddr : ip->daddr;
	__be16 opt = src ? ports[0] : ports[1];

	/* the IP header: TTL as a router does; NAT: the address.  DR keeps
	 * addresses and ports (the next hop is the real server itself) */
	ip->ttl--;
	if (action != LVSD_FLOW_DR) {
		if (src) {
			ip->saddr = nad;
			ports[0] = npt;
		} else {
			ip->daddr = nad;
			ports[1] = npt;
		}
	}
	ip->check = 0;
	ip->check = ip_csum20((const __u16 *)ip);

	/* IPVS counts IP bytes (not a short frame's Ethernet padding), a GSO
	 * skb as one packet (it sees them so) */
	__u32 bytes = ip_len;

	/* TCP: the address is in the pseudo-header, the port in the segment
	 * (the helpers invalidate the packet pointers: nothing reads them after) */
	if (action != LVSD_FLOW_DR) {
		bpf_l4_csum_replace(skb, TCP_CSUM_OFF, oad, nad, BPF_F_PSEUDO_HDR | 4);
		bpf_l4_csum_replace(skb, TCP_CSUM_OFF, opt, npt, 2);
	}

	__u32 slot = fl->slot;
	struct bpf_redir_neigh nh = { .nh_family = 2 /* AF_INET */, .ipv4_nh = fl->nexthop };
	__u32 oif = fl->ifindex;
	struct lvsd_flow_ctr *c = reported ? 0 : bpf_map_lookup_elem(&lvsd_flow_ctr, &slot);
	if (c) {
		if (src) {
			__sync_fetch_and_add(&c->out_pkts, 1);
			__sync_fetch_and_add(&c->out_bytes, bytes);
		} else {
			__sync_fetch_and_add(&c->in_pkts, 1);
			__sync_fetch_and_add(&c->in_bytes, bytes);
		}
	}
	count(LVSD_FAST_STAT_FWD);
	return bpf_redirect_neigh(oif, &nh, sizeof(nh), 0);
}

char _license[] SEC("license") = "GPL";
