/* lvsd_xdp.bpf.c - lvsd's XDP steering program (AF_XDP backend, afxdp.c).
 *
 * Katran-style split: this program only CLASSIFIES; every policy decision
 * (scheduling, connection state, rewriting) stays in userspace.  A frame
 * is redirected to the AF_XDP socket of its (interface, RX queue) when the
 * director owns it, exactly the owned set of guard.h:
 *   - TCP/UDP to (VIP, proto, port) of a virtual service (port 0 = any);
 *   - TCP/UDP from (RIP, proto, port or 0 = any) of a NAT destination whose
 *     destination is NOT a local address (health-check replies to the
 *     director stay with the kernel);
 *   - ICMP errors (unreachable, source quench, time exceeded) quoting
 *     such a packet: quoted source = VIP, or quoted destination = NAT RIP.
 * Everything else (ARP, IPv6, fragments, the director's own traffic) is
 * XDP_PASSed to the kernel.  A missing socket also falls back to PASS
 * (bpf_redirect_map's default action), never to a drop.
 *
 * Maps (filled by afxdp.c, kept in sync with the table):
 *   lvsd_vips, lvsd_natrs: struct lvsd_xdp_key -> 1
 *   lvsd_locals:           IPv4 address (network order) -> 1
 *   lvsd_ifslot:           ifindex -> first XSKMAP slot of that interface
 *   lvsd_xsks:             slot + rx_queue_index -> AF_XDP socket
 *   lvsd_stats:            per-CPU counters (LVSD_XDP_STAT_*)
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "../afxdp_maps.h"
#include "flows_map.h"      /* shared with lvsd_fast.bpf.c (fastpath.h) */
#include "stats_map.h"

/* linux/icmp.h drags in libc headers: the 8 bytes we read, spelled out */
struct lvsd_icmp { __u8 type, code; __u16 csum; __u32 rest; };
#define ICMP_DEST_UNREACH   3
#define ICMP_SOURCE_QUENCH  4
#define ICMP_TIME_EXCEEDED  11

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LVSD_XDP_MAX_KEYS);
	__type(key, struct lvsd_xdp_key);
	__type(value, __u8);
} lvsd_vips SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LVSD_XDP_MAX_KEYS);
	__type(key, struct lvsd_xdp_key);
	__type(value, __u8);
} lvsd_natrs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LVSD_XDP_MAX_LOCALS);
	__type(key, __u32);
	__type(value, __u8);
} lvsd_locals SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LVSD_XDP_MAX_IFS);
	__type(key, __u32);
	__type(value, __u32);
} lvsd_ifslot SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, LVSD_XDP_MAX_XSKS);
	__type(key, __u32);
	__type(value, __u32);
} lvsd_xsks SEC(".maps");

/* lvsd's counters; count(what) adds one */
LVSD_STATS_MAP(lvsd_stats, LVSD_XDP_STAT_COUNT)

static __always_inline int is_vip(__u32 addr, __u8 proto, __u16 port)
{
	struct lvsd_xdp_key k = { .addr = addr, .port = port, .proto = proto };
	if (bpf_map_lookup_elem(&lvsd_vips, &k))
		return 1;
	k.port = 0;
	return bpf_map_lookup_elem(&lvsd_vips, &k) != NULL;
}

static __always_inline int is_natrs(__u32 addr, __u8 proto, __u16 port)
{
	struct lvsd_xdp_key k = { .addr = addr, .port = port, .proto = proto };
	if (bpf_map_lookup_elem(&lvsd_natrs, &k))
		return 1;
	k.port = 0;     /* a destination without a port (any-port service) */
	return bpf_map_lookup_elem(&lvsd_natrs, &k) != NULL;
}

static __always_inline int to_socket(struct xdp_md *ctx)
{
	__u32 ifindex = ctx->ingress_ifindex;
	__u32 *slot = bpf_map_lookup_elem(&lvsd_ifslot, &ifindex);
	if (!slot) {
		count(LVSD_XDP_STAT_NO_SOCKET);
		return XDP_PASS;
	}
	count(LVSD_XDP_STAT_REDIRECT);
	return bpf_redirect_map(&lvsd_xsks, *slot + ctx->rx_queue_index, XDP_PASS);
}

/* a non-fragment IPv4 header at `ip`; returns its length or 0 */
static __always_inline __u32 ip_hdr_ok(struct iphdr *ip, void *end)
{
	if ((void *)(ip + 1) > end || ip->version != 4 || ip->ihl < 5)
		return 0;
	/* fragments carry no (or only the first) transport header: kernel */
	if (ip->frag_off & bpf_htons(0x3fff))
		return 0;
	return ip->ihl * 4;
}

static __always_inline void flow_key(struct lvsd_flow_key *k, const struct iphdr *ip, const __be16 *ports)
{
	__builtin_memset(k, 0, sizeof(*k));
	k->saddr = ip->saddr;
	k->daddr = ip->daddr;
	k->sport = ports[0];
	k->dport = ports[1];
	k->proto = ip->protocol;
}

/* may the TC program (lvsd_fast.bpf.c) forward this TCP segment?  An
 * offloaded flow, headers the workers would accept (lvsd_fast_hdr_ok: what
 * fails goes to the socket, where the workers drop and count it), nothing
 * the workers must see (lvsd_fast_ok; an XDP frame is one packet on the
 * wire, never GSO).  ip_avail: bytes from ip to the end of the frame */
static __always_inline int fast_path_ok(struct iphdr *ip, __u32 ihl, void *l4, void *end, __u32 ip_avail)
{
	__u8 *tcp = l4;
	if (ihl != 20 || (void *)(tcp + 20) > end)
		return 0;
	/* a segment the workers must see anyway: spare the lookup */
	if (!lvsd_fast_size_ok(ip->ttl, 0, 0))
		return 0;
	struct lvsd_flow_key k;
	flow_key(&k, ip, l4);
	struct lvsd_flow *fl = bpf_map_lookup_elem(&lvsd_flows, &k);
	/* lvsd_fast_hdr_ok reads 40 bytes from ip: prove it on ip itself (the
	 * check on tcp above went through l4, a register the verifier does not
	 * relate to ip) */
	if ((void *)((__u8 *)ip + 40) > end)
		return 0;
	if (!fl || !lvsd_fast_hdr_ok((const __u8 *)ip, ip_avail) ||
	    !lvsd_fast_ok(fl->flags, tcp[13], ip->ttl, bpf_ntohs(ip->tot_len), fl->mtu))
		return 0;
	count(LVSD_XDP_STAT_FAST_PASS);
	return 1;
}

SEC("xdp")
int lvsd_xdp_steer(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;

	count(LVSD_XDP_STAT_SEEN);
	if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	struct iphdr *ip = (void *)(eth + 1);
	__u32 ihl = ip_hdr_ok(ip, end);
	if (!ihl)
		return XDP_PASS;
	void *l4 = (void *)ip + ihl;

	if (ip->protocol == IPPROTO_TCP || ip->protocol == IPPROTO_UDP) {
		__be16 *ports = l4;    /* source, destination: same place in both */
		if ((void *)(ports + 2) > end)
			return XDP_PASS;
		if (ip->protocol == IPPROTO_TCP &&
		    fast_path_ok(ip, ihl, l4, end, (__u32)bpf_xdp_get_buff_len(ctx) - ETH_HLEN))
			return XDP_PASS;       /* lvsd_tc_fast forwards it */
		if (is_vip(ip->daddr, ip->protocol, ports[1]))
			return to_socket(ctx);
		if (is_natrs(ip->saddr, ip->protocol, ports[0])) {
			__u32 daddr = ip->daddr;
			if (bpf_map_lookup_elem(&lvsd_locals, &daddr))
				return XDP_PASS;
			return to_socket(ctx);
		}
		return XDP_PASS;
	}
	if (ip->protocol == IPPROTO_ICMP) {
		struct lvsd_icmp *ic = l4;
		if ((void *)(ic + 1) > end)
			return XDP_PASS;
		if (ic->type != ICMP_DEST_UNREACH && ic->type != ICMP_SOURCE_QUENCH &&
		    ic->type != ICMP_TIME_EXCEEDED)
			return XDP_PASS;
		struct iphdr *q = (void *)(ic + 1);
		if ((void *)(q + 1) > end || q->version != 4 || q->ihl != 5)
			return XDP_PASS;   /* quoted options: let the kernel have it */
		if (q->protocol != IPPROTO_TCP && q->protocol != IPPROTO_UDP)
			return XDP_PASS;
		__be16 *qports = (void *)(q + 1);
		if ((void *)(qports + 2) > end)
			return XDP_PASS;
		if (is_vip(q->saddr, q->protocol, qports[0]) || is_natrs(q->daddr, q->protocol, qports[1]))
			return to_socket(ctx);
	}
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
