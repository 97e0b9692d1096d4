/* lvsd_fast.bpf.c - the fast path for established flows (fastpath.h).
 *
 *   lvsd_tc_fast     TC ingress on every served interface: a TCP segment of
 *                    an offloaded flow (lvsd_flows) gets its NAT rewrite
 *                    (address, port, TTL, checksums; DR: the TTL only), is
 *                    counted in the
 *                    connection's slot (lvsd_flow_ctr) and is redirected to
 *                    the egress interface's next hop.  It works on the skb,
 *                    not an XDP frame, so checksum offload state
 *                    (CHECKSUM_PARTIAL from a veth peer) and GSO survive:
 *                    the csum helpers update either kind correctly.
 *   lvsd_tap_filter  socket filter of the AF_PACKET receive sockets: taps
 *                    run before tc, so without it the workers would also
 *                    handle (and send a second time) what TC forwards.
 * Both apply the same test (lvsd_fast_ok); what fails it continues to the
 * workers (AF_PACKET: the tap keeps it, the nftables guard stops the
 * kernel's copy; AF_XDP: the XDP program never passed it here).
 *
 * Maps (filled by fastpath.c): lvsd_flows (flow key -> rewrite),
 * lvsd_flow_ctr (per connection, mmapped by lvsd), lvsd_fast_stats.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "flows_map.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, LVSD_FLOW_SLOTS);
	__uint(map_flags, BPF_F_MMAPABLE);     /* lvsd reads the counters in place */
	__type(key, __u32);
	__type(value, struct lvsd_flow_ctr);
} lvsd_flow_ctr SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, LVSD_FAST_STAT_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} lvsd_fast_stats SEC(".maps");

static __always_inline void count(__u32 what)
{
	__u64 *c = bpf_map_lookup_elem(&lvsd_fast_stats, &what);
	if (c)
		*c += 1;
}

#define ETH_HLEN_     14
#define IP_CSUM_OFF   (ETH_HLEN_ + 10)
#define IP_TTL_OFF    (ETH_HLEN_ + 8)
#define IP_SRC_OFF    (ETH_HLEN_ + 12)
#define IP_DST_OFF    (ETH_HLEN_ + 16)
#define TCP_OFF       (ETH_HLEN_ + 20)
#define TCP_CSUM_OFF  (TCP_OFF + 16)

/* the 54 header bytes both programs look at, copied out of the skb */
struct hdrs {
	__u8 eth[ETH_HLEN_];
	struct iphdr ip;
	__be16 sport, dport;
	__u8 tcp_rest[16];      /* seq, ack, doff, flags (tcp_rest[9]), ... */
} __attribute__((packed));     /* as on the wire: no hole after the 14-byte eth */

/* the offloaded flow of this skb, or NULL (not IPv4/TCP without options,
 * a fragment, not offloaded, or a segment the workers must see) */
static __always_inline struct lvsd_flow *lookup(struct __sk_buff *skb, struct hdrs *h)
{
	if (bpf_skb_load_bytes(skb, 0, h, sizeof(*h)) < 0)
		return 0;
	if (h->eth[12] != 0x08 || h->eth[13] != 0x00 || h->ip.version != 4 || h->ip.ihl != 5 ||
	    h->ip.protocol != IPPROTO_TCP || (h->ip.frag_off & bpf_htons(0x3fff)))
		return 0;
	struct lvsd_flow_key k = {
		.saddr = h->ip.saddr, .daddr = h->ip.daddr,
		.sport = h->sport, .dport = h->dport, .proto = IPPROTO_TCP,
	};
	struct lvsd_flow *fl = bpf_map_lookup_elem(&lvsd_flows, &k);
	if (!fl || !lvsd_fast_ok(h->tcp_rest[9], h->ip.ttl, bpf_ntohs(h->ip.tot_len), skb->gso_size, fl->mtu))
		return 0;
	return fl;
}

SEC("tc")
int lvsd_tc_fast(struct __sk_buff *skb)
{
	struct hdrs h;
	struct lvsd_flow *fl = lookup(skb, &h);
	if (!fl)
		return TC_ACT_OK;
	__u32 nad = fl->addr;
	__be16 npt = fl->port;
	int action = fl->action, src = action == LVSD_FLOW_SNAT;
	__u32 oad = src ? h.ip.saddr : h.ip.daddr;
	__be16 opt = src ? h.sport : h.dport;

	/* TTL, as a router does: the checksum word is (ttl, protocol) */
	__be16 old_word = bpf_htons((__u16)(h.ip.ttl << 8 | h.ip.protocol));
	__u8 ttl = h.ip.ttl - 1;
	__be16 new_word = bpf_htons((__u16)(ttl << 8 | h.ip.protocol));
	bpf_skb_store_bytes(skb, IP_TTL_OFF, &ttl, 1, 0);
	bpf_l3_csum_replace(skb, IP_CSUM_OFF, old_word, new_word, 2);

	/* NAT: the address (IP header + TCP pseudo-header), then the port;
	 * DR keeps both (the next hop is the real server itself) */
	if (action != LVSD_FLOW_DR) {
		bpf_l3_csum_replace(skb, IP_CSUM_OFF, oad, nad, 4);
		bpf_l4_csum_replace(skb, TCP_CSUM_OFF, oad, nad, BPF_F_PSEUDO_HDR | 4);
		bpf_skb_store_bytes(skb, src ? IP_SRC_OFF : IP_DST_OFF, &nad, 4, 0);
		bpf_l4_csum_replace(skb, TCP_CSUM_OFF, opt, npt, 2);
		bpf_skb_store_bytes(skb, src ? TCP_OFF : TCP_OFF + 2, &npt, 2, 0);
	}

	/* IPVS counts IP bytes, a GSO skb as one packet (it sees them so) */
	__u32 bytes = skb->len - ETH_HLEN_;
	__u32 slot = fl->slot;
	struct lvsd_flow_ctr *c = bpf_map_lookup_elem(&lvsd_flow_ctr, &slot);
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
	struct bpf_redir_neigh nh = { .nh_family = 2 /* AF_INET */, .ipv4_nh = fl->nexthop };
	return bpf_redirect_neigh(fl->ifindex, &nh, sizeof(nh), 0);
}

SEC("socket")
int lvsd_tap_filter(struct __sk_buff *skb)
{
	struct hdrs h;
	if (lookup(skb, &h)) {
		count(LVSD_FAST_STAT_TAP_SKIP);
		return 0;               /* lvsd_tc_fast forwards it */
	}
	return -1;                      /* the whole frame to the worker */
}

char _license[] SEC("license") = "GPL";
