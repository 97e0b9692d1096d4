/* xmit.c - the forwarding methods side by side (the kernel's ip_vs_xmit.c):
 * NAT (both directions, ICMP errors included), DR, TUN (ipip/gue/gre),
 * plus what every method shares: route + neighbour lookup, TTL decrement
 * with ICMP time exceeded, the MTU check with ICMP frag needed, and
 * frames waiting for ARP.
 *
 * Frames are rewritten in place in the receive ring (NAT, DR) or sent as
 * [new outer headers in scratch][inner packet in the ring] (TUN); nothing
 * is copied on the normal path.  Offload metadata: NAT/DR keep the frame's
 * GSO/partial-checksum state (only pseudo-header words are folded into a
 * partial checksum, csum.h) and the kernel segments on transmit; TUN has
 * no virtio GSO type for encapsulated TCP, so GSO frames are segmented here
 * and every tunnelled packet carries complete checksums.
 *
 * A real server whose route is local (127.0.0.1, the VIP, the DIP) gets
 * what ip_vs_xmit.c gives it: the packet goes on into the local stack,
 * unchanged for DR/TUN/LOCALNODE and after the DNAT for NAT, with no TTL
 * decrement and no MTU check (it is not forwarded).  "Into the local
 * stack" is a write into this worker's queue of lvsd's TUN device
 * (local.h).  Packets the local stack sends back through that device
 * (dp_parsed.local) are the stack's own output: no TTL decrement either.
 *
 * One file, past the usual ~800 lines, on purpose: every method takes its
 * output memory from the scratch memory below, and the invariant that
 * keeps queued frames intact is checked by reading all of them together.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/virtio_net.h>
#include <sys/uio.h>
#include <netinet/in.h>
#include <linux/rtnetlink.h>
#include "crc32c.h"
#include "csum.h"
#include "nexthop.h"
#include "worker.h"

#define ETH_HLEN 14

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static void wr16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }

/* ---- scratch memory: the bytes of frames we originate ----
 *
 * tx() queues a frame as iovecs; the backend reads their bytes only when
 * it flushes (both backends, and either may also flush on its own when its
 * batch is full: that sends earlier and reclaims nothing).  A queued frame
 * points into
 *  - the receive ring: valid until rx_release(), which follows the flush;
 *  - w->scratch, one slot per ICMP error, RST or tunnel header;
 *  - w->seg_arena: segments of GSO frames, whole tunnel packets being
 *    fragmented, the headers of fragments.
 *
 * Invariant: the bytes of a queued frame never change before the flush
 * that sends it.  It holds because
 *  - only a flush reclaims scratch and arena (dp_worker_flushed()), and
 *    every flush sends every frame queued so far;
 *  - scratch_get() and arena_get() never flush: out of room, they fail;
 *  - out_room() reserves, before any of it is taken, all that one unit
 *    of output needs (an ICMP error; a packet with all its fragments; a
 *    GSO segment with its tunnel header and fragments).  It may flush,
 *    so it is called only while the caller holds no pointer into scratch
 *    or arena that is not queued yet, and such pointers are derived after
 *    it.  A flush in the middle of a burst is then harmless: what it
 *    reclaims was all sent, and what comes next is built afresh.
 */

#define ARENA_ALIGN(n) (((size_t)(n) + 7) & ~(size_t)7)
#define FRAG_HDR       ARENA_ALIGN(ETH_HLEN + 20)   /* arena bytes of one fragment's headers */

static void flush_now(struct dp_worker *w)
{
	int refused = w->sh->ops->flush(w->io);
	w->reason[DP_R_TX_ERROR] += (uint64_t)refused;
	w->tx_frames -= (uint64_t)refused;
	dp_worker_flushed(w);
}

void dp_worker_flushed(struct dp_worker *w)
{
	w->nscratch = 0;
	w->seg_used = 0;
}

/* room for `slots` scratch slots and `bytes` of arena (each piece counted
 * with ARENA_ALIGN), flushing when they do not fit now; 0, or -1 when
 * they never can */
static int out_room(struct dp_worker *w, unsigned slots, size_t bytes)
{
	if (slots > DP_SCRATCH_N || bytes > DP_SEG_ARENA)
		return -1;
	if (w->nscratch + slots > DP_SCRATCH_N || w->seg_used + bytes > DP_SEG_ARENA)
		flush_now(w);
	return 0;
}

/* a reserved slot of DP_SCRATCH_SZ bytes; NULL if none was */
static uint8_t *scratch_get(struct dp_worker *w)
{
	if (w->nscratch == DP_SCRATCH_N)
		return NULL;
	return w->scratch[w->nscratch++];
}

/* len reserved bytes of the arena; NULL if they were not */
static uint8_t *arena_get(struct dp_worker *w, size_t len)
{
	if (w->seg_used + ARENA_ALIGN(len) > DP_SEG_ARENA)
		return NULL;
	uint8_t *p = w->seg_arena + w->seg_used;
	w->seg_used += ARENA_ALIGN(len);
	return p;
}

/* ---- L2: MACs, neighbour resolution, waiting frames ---- */

static enum dp_reason pending_add(struct dp_worker *w, const struct iovec *iov, int n, int ifindex,
				  uint32_t nexthop, const struct dp_offload *off)
{
	if (w->npending == DP_PENDING_MAX)
		return DP_R_NEIGH_QUEUE_FULL;
	size_t len = 0;
	for (int i = 0; i < n; i++)
		len += iov[i].iov_len;
	uint8_t *buf = malloc(len);
	if (!buf)
		return DP_R_NEIGH_QUEUE_FULL;
	size_t o = 0;
	for (int i = 0; i < n; i++) {
		memcpy(buf + o, iov[i].iov_base, iov[i].iov_len);
		o += iov[i].iov_len;
	}
	struct dp_pending *q = &w->pending[w->npending++];
	q->buf = buf;
	q->len = (uint32_t)len;
	q->ifindex = ifindex;
	q->nexthop = nexthop;
	q->deadline_ms = w->now_ms + DP_PENDING_MS;
	q->off = off ? *off : (struct dp_offload){ 0 };
	return DP_R_OK;
}

/* iov[0] starts with the Ethernet header (writable) */
static enum dp_reason l2_send(struct dp_worker *w, const struct nh_route *rt, const struct dp_offload *off,
			      struct iovec *iov, int n)
{
	struct nh_link l;
	uint8_t mac[6];
	if (nh_link(w->nh, rt->ifindex, &l) < 0)
		return DP_R_NO_ROUTE;
	uint8_t *eth = iov[0].iov_base;
	memcpy(eth + 6, l.mac, 6);
	eth[12] = 0x08;
	eth[13] = 0x00;
	int r = nh_neigh4(w->nh, rt->ifindex, rt->nexthop, mac, w->now_ms);
	if (r < 0)
		return DP_R_NO_ROUTE;
	if (r == 0)
		return pending_add(w, iov, n, rt->ifindex, rt->nexthop, off);
	memcpy(eth, mac, 6);
	if (w->sh->ops->tx(w->io, rt->ifindex, off, iov, n) < 0)
		return DP_R_TX_ERROR;
	w->tx_frames++;
	for (int i = 0; i < n; i++)
		w->tx_bytes += iov[i].iov_len;
	return DP_R_OK;
}

void dp_pending_run(struct dp_worker *w)
{
	unsigned keep = 0;
	for (unsigned i = 0; i < w->npending; i++) {
		struct dp_pending *q = &w->pending[i];
		uint8_t mac[6];
		int r = nh_neigh4(w->nh, q->ifindex, q->nexthop, mac, w->now_ms);
		if (r == 1) {
			memcpy(q->buf, mac, 6);
			struct iovec iov = { q->buf, q->len };
			if (w->sh->ops->tx(w->io, q->ifindex, &q->off, &iov, 1) == 0) {
				w->tx_frames++;
				w->tx_bytes += q->len;
			} else {
				w->reason[DP_R_TX_ERROR]++;
			}
			/* the buffer must live until the flush: flush right away */
			flush_now(w);
			free(q->buf);
			continue;
		}
		if (r < 0 || w->now_ms >= q->deadline_ms) {
			w->reason[DP_R_NEIGH_TIMEOUT]++;
			free(q->buf);
			continue;
		}
		w->pending[keep++] = *q;
	}
	w->npending = keep;
}

/* ---- routes ---- */

static enum dp_reason route_to(struct dp_worker *w, uint32_t daddr, struct nh_route *rt)
{
	if (nh_route4(w->nh, daddr, rt) < 0)
		return DP_R_NO_ROUTE;
	if (rt->type == RTN_LOCAL)
		return DP_R_LOCAL_DEST;
	if (rt->type != RTN_UNICAST)
		return DP_R_NO_ROUTE;
	return DP_R_OK;
}

static uint32_t source_for(struct dp_worker *w, const struct nh_route *rt)
{
	return rt->prefsrc ? rt->prefsrc : nh_ifaddr4(w->nh, rt->ifindex);
}

/* ---- into the local stack (local.h) ---- */

/* the IPv4 packet at ip (len bytes) into this worker's TUN queue; off:
 * its offload state in frame coordinates, l3off bytes before ip */
static enum dp_reason local_write(struct dp_worker *w, const uint8_t *ip, unsigned len,
				  const struct dp_offload *off, unsigned l3off)
{
	if (w->local_fd < 0)
		return DP_R_LOCAL_NO_TUN;
	struct virtio_net_hdr vh;
	memset(&vh, 0, sizeof(vh));
	if (off && (off->flags & DP_OFF_NEEDS_CSUM) && off->csum_start >= l3off) {
		vh.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
		vh.csum_start = (uint16_t)(off->csum_start - l3off);
		vh.csum_offset = off->csum_offset;
	}
	if (off && off->gso_size) {
		vh.gso_type = off->gso_type;
		vh.gso_size = off->gso_size;
		vh.hdr_len = off->hdr_len > l3off ? (uint16_t)(off->hdr_len - l3off) : 0;
	}
	struct iovec iov[2] = { { &vh, sizeof(vh) }, { (void *)ip, len } };
	ssize_t r;
	do
		r = writev(w->local_fd, iov, 2);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return DP_R_TX_ERROR;
	w->local_in++;
	w->local_in_bytes += len;
	return DP_R_OK;
}

/* the parsed packet, as it now is, into the local stack */
static enum dp_reason local_deliver(struct dp_worker *w, const struct dp_parsed *p, const struct dp_frame *f)
{
	return local_write(w, p->frame + p->l3off, p->iplen, &f->off, p->l3off);
}

/* ---- ICMP errors we originate (icmp_send) ---- */

/* like net.ipv4.icmp_msgs_per_sec (1000) and its burst (50): a token
 * bucket per worker, so a flood of TTL=1 or oversized packets cannot make
 * the director an ICMP amplifier */
#define ICMP_RATE_PER_SEC 1000
#define ICMP_BURST        50

static int icmp_allowed(struct dp_worker *w)
{
	uint64_t elapsed = w->now_ms - w->icmp_refill_ms;
	if (elapsed) {
		uint64_t add = elapsed * ICMP_RATE_PER_SEC / 1000;
		if (add) {
			w->icmp_tokens = w->icmp_tokens + add > ICMP_BURST ? ICMP_BURST : (unsigned)(w->icmp_tokens + add);
			w->icmp_refill_ms = w->now_ms;
		}
	}
	if (!w->icmp_tokens) {
		w->icmp_ratelimited++;
		return 0;
	}
	w->icmp_tokens--;
	return 1;
}

/* room for one more output frame and the scratch frame to build it in
 * (its IP header at ETH_HLEN), or NULL */
static uint8_t *reply_frame(struct dp_worker *w)
{
	if (out_room(w, 1, 0) < 0)
		return NULL;
	return scratch_get(w);
}

/* the 20-byte IPv4 header of a packet the director makes itself: TTL 64,
 * no options, DF when asked, checksum set */
static void reply_ip4_hdr(uint8_t *o, unsigned tot, int df, uint8_t proto, const void *src, const void *dst)
{
	memset(o, 0, 20);
	o[0] = 0x45;
	wr16(o + 2, (uint16_t)tot);
	if (df)
		o[6] = 0x40;
	o[8] = 64;
	o[9] = proto;
	memcpy(o + 12, src, 4);
	memcpy(o + 16, dst, 4);
	ip4_csum_set(o, 20);
}

void dp_icmp_send(struct dp_worker *w, const struct dp_parsed *p, uint8_t type, uint8_t code,
		  uint32_t info, int from_vip)
{
	const uint8_t *ip = p->frame + p->l3off;
	if (!icmp_allowed(w))
		return;
	/* never about an ICMP error, a fragment tail, or a martian */
	if (p->pkt.icmp_error || (rd16(ip + 6) & 0x1fff))
		return;
	struct nh_route rt;
	enum dp_reason rr = route_to(w, p->pkt.saddr.ip, &rt);
	/* about a packet of the local stack: the answer goes back into it,
	 * from the packet's destination (as from a router on the way: a
	 * local source address would be a martian on the TUN device) */
	int to_local = rr == DP_R_LOCAL_DEST && p->local;
	if (rr != DP_R_OK && !to_local)
		return;
	uint32_t src = from_vip || to_local ? p->pkt.daddr.ip : source_for(w, &rt);
	if (!src)
		return;
	unsigned quote = p->ihl + 8u;
	if (quote > p->iplen)
		quote = p->iplen;
	uint8_t *f = reply_frame(w);
	if (!f)
		return;
	uint8_t *o = f + ETH_HLEN;
	unsigned tot = 20 + 8 + quote;
	reply_ip4_hdr(o, tot, 0, IPPROTO_ICMP, &src, &p->pkt.saddr.ip);
	uint8_t *ic = o + 20;
	memset(ic, 0, 8);
	ic[0] = type;
	ic[1] = code;
	if (type == 3 && code == 4)
		wr16(ic + 6, (uint16_t)info);   /* next-hop MTU */
	memcpy(ic + 8, ip, quote);
	uint16_t c = csum_buf(ic, 8 + quote, 0);
	memcpy(ic + 2, &c, 2);
	if (to_local) {
		if (local_write(w, o, tot, NULL, 0) == DP_R_OK)
			w->icmp_sent++;
		return;
	}
	struct iovec iov = { f, ETH_HLEN + tot };
	if (l2_send(w, &rt, NULL, &iov, 1) == DP_R_OK)
		w->icmp_sent++;
}

/* the local stack's answer to a segment for a VIP:port with no connection
 * (what the kernel does when IPVS passes it): RST from the VIP.  Only for
 * segments carrying an ACK (seq = their ack), e.g. clients of a restarted
 * director, so they fail fast instead of hanging. */
void dp_tcp_rst(struct dp_worker *w, const struct dp_parsed *p)
{
	const uint8_t *ip = p->frame + p->l3off;
	const uint8_t *th = p->frame + p->l4off;
	if (p->pkt.protocol != IPPROTO_TCP || !(th[13] & LVS_TCPF_ACK) || (th[13] & LVS_TCPF_RST))
		return;
	if (!icmp_allowed(w))   /* the same budget as ICMP errors */
		return;
	struct nh_route rt;
	if (route_to(w, p->pkt.saddr.ip, &rt) != DP_R_OK)
		return;
	uint8_t *f = reply_frame(w);
	if (!f)
		return;
	uint8_t *o = f + ETH_HLEN;
	reply_ip4_hdr(o, 40, 1, IPPROTO_TCP, ip + 16, ip + 12);
	uint8_t *t = o + 20;
	memset(t, 0, 20);
	memcpy(t, th + 2, 2);            /* ports swapped */
	memcpy(t + 2, th, 2);
	memcpy(t + 4, th + 8, 4);        /* seq = their ack */
	t[12] = 0x50;
	t[13] = LVS_TCPF_RST;
	uint32_t sa, da;
	memcpy(&sa, o + 12, 4);
	memcpy(&da, o + 16, 4);
	uint16_t c = csum_buf(t, 20, csum_pseudo4(sa, da, IPPROTO_TCP, 20));
	memcpy(t + 16, &c, 2);
	struct iovec iov = { f, ETH_HLEN + 40 };
	if (l2_send(w, &rt, NULL, &iov, 1) == DP_R_OK)
		w->rst_sent++;
}

/* ---- shared per-packet steps ---- */

/* TTL <= 1: time exceeded; else decrement with an incremental csum */
static enum dp_reason ttl_step(struct dp_worker *w, struct dp_parsed *p, int from_vip)
{
	uint8_t *ip = p->frame + p->l3off;
	if (p->local)           /* the director's own packet: not forwarded */
		return DP_R_OK;
	if (ip[8] <= 1) {
		dp_icmp_send(w, p, 11, 0, 0, from_vip);
		return DP_R_TTL_EXCEEDED;
	}
	uint16_t old = (uint16_t)(ip[8] << 8 | ip[9]);
	ip[8]--;
	uint16_t nw = (uint16_t)(ip[8] << 8 | ip[9]);
	uint16_t sum;
	memcpy(&sum, ip + 10, 2);
	csum_replace2(&sum, htons(old), htons(nw));
	memcpy(ip + 10, &sum, 2);
	return DP_R_OK;
}

/* bytes of the largest IP packet this frame becomes on the wire */
static unsigned wire_ip_len(const struct dp_parsed *p, const struct dp_frame *f)
{
	if (!f->off.gso_size)
		return p->iplen;
	const uint8_t *l4 = p->frame + p->l4off;
	unsigned l4h = p->pkt.protocol == IPPROTO_TCP ? (unsigned)(l4[12] >> 4) * 4 : 8;
	return p->ihl + l4h + f->off.gso_size;
}

static enum dp_reason mtu_step(struct dp_worker *w, struct dp_parsed *p, unsigned len, unsigned mtu, int from_vip)
{
	if (len <= mtu)
		return DP_R_OK;
	const uint8_t *ip = p->frame + p->l3off;
	if ((rd16(ip + 6) & 0x4000) && p->pkt.protocol != IPPROTO_ICMP) {
		dp_icmp_send(w, p, 3, 4, mtu, from_vip);
		return DP_R_TOO_BIG;
	}
	/* not DF: fragmented on transmit, or refused there where it cannot
	 * be (ip_send, tun_send) */
	return DP_R_OK;
}

/* rewrite one IPv4 address (+ port) of a TCP/UDP/SCTP packet with checksums */
static void nat_rewrite(struct dp_parsed *p, int src, uint32_t naddr, uint16_t nport)
{
	uint8_t *ip = p->frame + p->l3off;
	uint8_t *l4 = p->frame + p->l4off;
	uint8_t *aptr = ip + (src ? 12 : 16);
	uint8_t *pptr = l4 + (src ? 0 : 2);
	uint32_t oaddr;
	uint16_t oport, nport_be = htons(nport), ipsum;
	memcpy(&oaddr, aptr, 4);
	memcpy(&oport, pptr, 2);
	memcpy(aptr, &naddr, 4);
	memcpy(pptr, &nport_be, 2);
	memcpy(&ipsum, ip + 10, 2);
	csum_replace4(&ipsum, oaddr, naddr);
	memcpy(ip + 10, &ipsum, 2);

	if (p->pkt.protocol == IPPROTO_SCTP) {
		/* CRC32c covers no pseudo-header but the ports: recompute */
		sctp_checksum_set(l4, (size_t)(p->iplen - p->ihl));
		return;
	}
	unsigned coff = p->pkt.protocol == IPPROTO_TCP ? 16 : 6;
	uint16_t l4sum;
	memcpy(&l4sum, l4 + coff, 2);
	if (p->csum_partial) {
		csum_partial_replace4(&l4sum, oaddr, naddr);
	} else if (p->pkt.protocol == IPPROTO_UDP && l4sum == 0) {
		/* UDP without checksum: IPVS computes a full one */
		uint32_t s, d;
		unsigned l4len = p->iplen - p->ihl;
		memcpy(&s, ip + 12, 4);
		memcpy(&d, ip + 16, 4);
		l4sum = csum_buf(l4, l4len, csum_pseudo4(s, d, IPPROTO_UDP, (uint16_t)l4len));
		if (l4sum == 0)
			l4sum = 0xffff;
	} else {
		csum_replace4(&l4sum, oaddr, naddr);
		csum_replace2(&l4sum, oport, nport_be);
		if (p->pkt.protocol == IPPROTO_UDP && l4sum == 0)
			l4sum = 0xffff;
	}
	memcpy(l4 + coff, &l4sum, 2);
}

/* NAT of an ICMP error: outer address, quoted address + port, checksums
 * (the kernel's ip_vs_nat_icmp) */
static void nat_icmp(struct dp_parsed *p, int outbound, uint32_t naddr, uint16_t nport)
{
	uint8_t *ip = p->frame + p->l3off;
	uint8_t *in = p->frame + p->in_l3off;
	uint32_t o;
	/* outbound (RS -> client): outer source RIP->VIP, quoted dest RIP:dport->VIP:vport.
	 * inbound (client -> RS): outer dest VIP->RIP, quoted source VIP:vport->RIP:dport */
	uint8_t *outer = ip + (outbound ? 12 : 16);
	uint8_t *inner = in + (outbound ? 16 : 12);
	memcpy(&o, outer, 4);
	memcpy(outer, &naddr, 4);
	uint16_t s;
	memcpy(&s, ip + 10, 2);
	csum_replace4(&s, o, naddr);
	memcpy(ip + 10, &s, 2);
	memcpy(inner, &naddr, 4);
	ip4_csum_set(in, p->in_ihl);
	uint8_t proto = in[9];
	if ((proto == IPPROTO_TCP || proto == IPPROTO_UDP || proto == IPPROTO_SCTP) &&
	    p->in_avail >= p->in_ihl + 4u)
		wr16(in + p->in_ihl + (outbound ? 2 : 0), nport);
	uint8_t *ic = p->frame + p->l4off;
	ic[2] = ic[3] = 0;
	uint16_t c = csum_buf(ic, (size_t)(p->iplen - p->ihl), 0);
	memcpy(ic + 2, &c, 2);
}

/* complete a partial L4 checksum in software (skb_checksum_help) */
static void csum_complete_l4(uint8_t *ip, unsigned ihl, unsigned iplen, uint8_t proto)
{
	uint8_t *l4 = ip + ihl;
	unsigned coff = proto == IPPROTO_TCP ? 16 : 6;
	uint16_t c = csum_buf(l4, iplen - ihl, 0);
	if (proto == IPPROTO_UDP && c == 0)
		c = 0xffff;
	memcpy(l4 + coff, &c, 2);
}

/* arena bytes frag_send() takes for a len-byte packet on a route of this
 * MTU (for IHL 5, the only header it fragments) */
static size_t frag_room(unsigned mtu, unsigned len)
{
	if (mtu < 68 || len <= 20)
		return 0;
	unsigned chunk = (mtu - 20) & ~7u;
	return (size_t)((len - 20 + chunk - 1) / chunk) * FRAG_HDR;
}

/* IPv4 fragmentation of a complete packet (no options: IHL 5 only, which
 * is what we originate for tunnels; others are counted TOO_BIG); the
 * caller reserved frag_room() of the arena for the fragments' headers */
static enum dp_reason frag_send(struct dp_worker *w, const struct nh_route *rt, uint8_t *ip, unsigned len)
{
	unsigned ihl = (unsigned)(ip[0] & 15) * 4;
	if (ihl != 20 || (rd16(ip + 6) & 0x4000) || rt->mtu < 68)
		return DP_R_TOO_BIG;
	unsigned chunk = (rt->mtu - ihl) & ~7u;
	unsigned payload = len - ihl;
	uint16_t base = rd16(ip + 6);   /* keep MF/offset if it already was a fragment */
	for (unsigned off = 0; off < payload; off += chunk) {
		unsigned n = payload - off < chunk ? payload - off : chunk;
		int more = off + n < payload;
		uint8_t *f = arena_get(w, ETH_HLEN + ihl);
		if (!f)
			return DP_R_TX_ERROR;
		uint8_t *h = f + ETH_HLEN;
		memcpy(h, ip, ihl);
		wr16(h + 2, (uint16_t)(ihl + n));
		wr16(h + 6, (uint16_t)((base & 0x2000) | (more ? 0x2000 : 0) | ((base & 0x1fff) + off / 8)));
		ip4_csum_set(h, ihl);
		struct iovec iov[2] = { { f, ETH_HLEN + ihl }, { ip + ihl + off, n } };
		enum dp_reason r = l2_send(w, rt, NULL, iov, 2);
		if (r != DP_R_OK)
			return r;
		w->fragments++;
	}
	return DP_R_OK;
}

/* send the packet at p's IP header, fragmenting when it is too big (DF
 * ones mtu_step already refused).  A GSO super-frame leaves whole, for the
 * kernel to cut into segments of wire_ip_len bytes: fragmenting those
 * would have to follow the segmentation, which the kernel's packet socket
 * does not do, so segments too big for the route are refused here rather
 * than sent oversize */
static enum dp_reason ip_send(struct dp_worker *w, const struct nh_route *rt, struct dp_parsed *p,
			      const struct dp_frame *f)
{
	if (f->off.gso_size && wire_ip_len(p, f) > rt->mtu)
		return DP_R_TOO_BIG;
	if (!f->off.gso_size && p->iplen > rt->mtu) {
		/* the packet is in the receive ring: only the headers need room */
		if (out_room(w, 0, frag_room(rt->mtu, p->iplen)) < 0)
			return DP_R_TOO_BIG;
		if (p->csum_partial)   /* fragments cannot carry a partial checksum */
			csum_complete_l4(p->frame + p->l3off, p->ihl, p->iplen, p->pkt.protocol);
		return frag_send(w, rt, p->frame + p->l3off, p->iplen);
	}
	struct iovec iov = { p->frame, ETH_HLEN + p->iplen };
	return l2_send(w, rt, &f->off, &iov, 1);
}

/* ---- methods ---- */

static enum dp_reason xmit_nat(struct dp_worker *w, struct dp_parsed *p, struct dp_frame *f,
			       const struct lvs_conn_ref *ref, int outbound)
{
	struct nh_route rt;
	uint32_t to = outbound ? p->pkt.daddr.ip : ref->daddr.ip;
	enum dp_reason r = route_to(w, to, &rt);
	if (r == DP_R_LOCAL_DEST && !outbound) {
		/* a local real server: DNAT, then into the local stack (also
		 * to 127.0.0.1, which the kernel refuses from the world: the
		 * TUN device has route_localnet) */
		if (p->pkt.icmp_error)
			nat_icmp(p, 0, ref->daddr.ip, ref->dport);
		else
			nat_rewrite(p, 0, ref->daddr.ip, ref->dport);
		return local_deliver(w, p, f);
	}
	if (r != DP_R_OK)
		return r;
	if ((r = ttl_step(w, p, !outbound)) != DP_R_OK)
		return r;
	if ((r = mtu_step(w, p, wire_ip_len(p, f), rt.mtu, !outbound)) != DP_R_OK)
		return r;
	if (p->pkt.icmp_error) {
		if (outbound)
			nat_icmp(p, 1, ref->vaddr.ip, ref->vport);
		else
			nat_icmp(p, 0, ref->daddr.ip, ref->dport);
	} else if (outbound) {
		nat_rewrite(p, 1, ref->vaddr.ip, ref->vport);
	} else {
		nat_rewrite(p, 0, ref->daddr.ip, ref->dport);
	}
	return ip_send(w, &rt, p, f);
}

static enum dp_reason xmit_dr(struct dp_worker *w, struct dp_parsed *p, struct dp_frame *f,
			      const struct lvs_conn_ref *ref)
{
	struct nh_route rt;
	enum dp_reason r = route_to(w, ref->daddr.ip, &rt);
	if (r == DP_R_LOCAL_DEST)       /* the director is the real server */
		return local_deliver(w, p, f);
	if (r != DP_R_OK)
		return r;
	if ((r = ttl_step(w, p, 1)) != DP_R_OK)
		return r;
	if ((r = mtu_step(w, p, wire_ip_len(p, f), rt.mtu, 1)) != DP_R_OK)
		return r;
	/* the real server itself is the next hop: it owns the VIP */
	rt.nexthop = ref->daddr.ip;
	return ip_send(w, &rt, p, f);
}


static uint16_t tun_overhead(const struct lvs_conn_ref *ref)
{
	switch (ref->tun_type) {
	case LVS_TUN_TYPE_GUE: return 20 + 8 + 4;
	case LVS_TUN_TYPE_GRE: return (uint16_t)(20 + ((ref->tun_flags & LVS_TUN_F_CSUM) ? 8 : 4));
	default: return 20;
	}
}

/* the scratch slots and arena bytes tun_send() takes for an inner packet
 * of ilen bytes: a slot for the headers in front of it, or, when the
 * outer packet must be fragmented, all of it and the fragments' headers */
static void tun_room(const struct nh_route *rt, const struct lvs_conn_ref *ref, unsigned ilen,
		     unsigned *slots, size_t *bytes)
{
	unsigned tot = tun_overhead(ref) + ilen;
	*slots = tot > rt->mtu ? 0 : 1;
	*bytes = tot > rt->mtu ? ARENA_ALIGN(tot) + frag_room(rt->mtu, tot) : 0;
}

/* encapsulate one complete inner IPv4 packet and send it; the room
 * tun_room() names is reserved */
static enum dp_reason tun_send(struct dp_worker *w, const struct nh_route *rt, uint32_t src,
			       const struct lvs_conn_ref *ref, uint8_t *inner, unsigned ilen, uint32_t flowhash)
{
	unsigned hl = tun_overhead(ref);
	unsigned tot = hl + ilen;
	int frag = tot > rt->mtu;
	if (tot > 0xffff || (frag && (inner[6] & 0x40)))
		return DP_R_TOO_BIG;
	/* the outer headers go in front of the inner packet where it is, or,
	 * to be fragmented (inner DF clear, like the kernel), in front of a
	 * copy of it in the arena */
	uint8_t *f = frag ? NULL : scratch_get(w);
	uint8_t *o = frag ? arena_get(w, tot) : f ? f + ETH_HLEN : NULL;
	if (!o)
		return DP_R_TX_ERROR;
	static __thread uint16_t ip_id;
	memset(o, 0, hl);
	o[0] = 0x45;
	o[1] = inner[1];                         /* TOS/DSCP+ECN from the inner packet */
	wr16(o + 2, (uint16_t)tot);
	wr16(o + 4, ip_id++);
	o[6] = inner[6] & 0x40;                  /* DF copied (pmtu_disc=1) */
	o[8] = inner[8];                         /* TTL = inner TTL (already decremented) */
	memcpy(o + 12, &src, 4);
	memcpy(o + 16, &ref->daddr.ip, 4);
	uint8_t *t = o + 20;
	uint32_t tsum = 0;
	switch (ref->tun_type) {
	case LVS_TUN_TYPE_GUE: {
		o[9] = IPPROTO_UDP;
		/* udp_flow_src_port: the flow hash mapped into the ephemeral range */
		wr16(t, (uint16_t)(32768 + (uint16_t)(((uint64_t)flowhash * (60999 - 32768 + 1)) >> 32)));
		wr16(t + 2, ref->tun_port);
		wr16(t + 4, (uint16_t)(8 + 4 + ilen));
		t[8] = 0;                            /* GUE v0, C=0, hlen 0 */
		t[9] = (inner[0] >> 4) == 6 ? 41 : 4; /* proto_ctype */
		if (ref->tun_flags & (LVS_TUN_F_CSUM | LVS_TUN_F_REMCSUM)) {
			tsum = csum_partial(t, 12, csum_partial(inner, ilen, 0));
			uint16_t c = (uint16_t)~csum_fold16(csum_add(tsum, csum_pseudo4(src, ref->daddr.ip, IPPROTO_UDP,
											 (uint16_t)(12 + ilen))));
			if (!c)
				c = 0xffff;
			memcpy(t + 6, &c, 2);
		}
		break;
	}
	case LVS_TUN_TYPE_GRE:
		o[9] = IPPROTO_GRE;
		wr16(t + 2, 0x0800);
		if (ref->tun_flags & LVS_TUN_F_CSUM) {
			t[0] = 0x80;                 /* C bit */
			uint16_t c = csum_buf(t, 8, csum_partial(inner, ilen, 0));
			memcpy(t + 4, &c, 2);
		}
		break;
	default:
		o[9] = IPPROTO_IPIP;
		break;
	}
	ip4_csum_set(o, 20);
	if (frag) {
		memcpy(o + hl, inner, ilen);
		return frag_send(w, rt, o, tot);
	}
	struct iovec iov[2] = { { f, ETH_HLEN + hl }, { inner, ilen } };
	return l2_send(w, rt, NULL, iov, 2);
}

static enum dp_reason xmit_tun(struct dp_worker *w, struct dp_parsed *p, struct dp_frame *f,
			       const struct lvs_conn_ref *ref)
{
	struct nh_route rt;
	enum dp_reason r = route_to(w, ref->daddr.ip, &rt);
	if (r == DP_R_LOCAL_DEST)       /* local: no tunnel, unchanged (ip_vs_tunnel_xmit) */
		return local_deliver(w, p, f);
	if (r != DP_R_OK)
		return r;
	if ((r = ttl_step(w, p, 1)) != DP_R_OK)
		return r;
	unsigned over = tun_overhead(ref);
	unsigned mtu = rt.mtu > over + 68 ? rt.mtu - over : 68;
	if ((r = mtu_step(w, p, wire_ip_len(p, f), mtu, 1)) != DP_R_OK)
		return r;
	uint32_t src = source_for(w, &rt);
	if (!src)
		return DP_R_NO_ROUTE;
	uint8_t *ip = p->frame + p->l3off;
	uint32_t flowhash = (p->pkt.saddr.ip * 0x9e3779b1u) ^ ((uint32_t)p->pkt.sport << 16 | p->pkt.dport) * 0x85ebca6bu;
	flowhash ^= flowhash >> 16;

	unsigned slots;
	size_t bytes;
	if (!f->off.gso_size) {
		/* the inner packet stays in the receive ring */
		tun_room(&rt, ref, p->iplen, &slots, &bytes);
		if (out_room(w, slots, bytes) < 0)
			return DP_R_TOO_BIG;
		if (p->csum_partial)
			csum_complete_l4(ip, p->ihl, p->iplen, p->pkt.protocol);
		return tun_send(w, &rt, src, ref, ip, p->iplen, flowhash);
	}
	if (p->pkt.protocol != IPPROTO_TCP)
		return DP_R_UNSUPPORTED;    /* UDP GSO through a tunnel: not yet */

	/* software TCP segmentation of a GSO frame */
	uint8_t *tcp = ip + p->ihl;
	unsigned doff = (unsigned)(tcp[12] >> 4) * 4;
	unsigned hdrs = p->ihl + doff;
	unsigned payload = p->iplen - hdrs;
	unsigned mss = f->off.gso_size;
	uint32_t seq0;
	memcpy(&seq0, tcp + 4, 4);
	seq0 = ntohl(seq0);
	uint16_t id0 = rd16(ip + 4);
	uint8_t flags = tcp[13];
	unsigned nseg = 0;
	for (unsigned off = 0; off < payload || (payload == 0 && nseg == 0); off += mss, nseg++) {
		unsigned seglen = payload - off < mss ? payload - off : mss;
		int last = off + seglen >= payload;
		/* the segment and all its tunnel output, before any of it */
		tun_room(&rt, ref, hdrs + seglen, &slots, &bytes);
		if (out_room(w, slots, ARENA_ALIGN(hdrs + seglen) + bytes) < 0)
			return DP_R_UNSUPPORTED;
		uint8_t *s = arena_get(w, hdrs + seglen);
		if (!s)
			return DP_R_TX_ERROR;
		memcpy(s, ip, hdrs);
		memcpy(s + hdrs, ip + hdrs + off, seglen);
		wr16(s + 2, (uint16_t)(hdrs + seglen));
		wr16(s + 4, (uint16_t)(id0 + nseg));
		ip4_csum_set(s, p->ihl);
		uint8_t *st = s + p->ihl;
		uint32_t seq = htonl(seq0 + off);
		memcpy(st + 4, &seq, 4);
		st[13] = (uint8_t)(flags & ~((last ? 0 : (LVS_TCPF_FIN | LVS_TCPF_PSH)) | (nseg ? 0x80 : 0)));
		st[16] = st[17] = 0;
		uint32_t sa, da;
		memcpy(&sa, s + 12, 4);
		memcpy(&da, s + 16, 4);
		uint16_t c = csum_buf(st, doff + seglen, csum_pseudo4(sa, da, IPPROTO_TCP, (uint16_t)(doff + seglen)));
		memcpy(st + 16, &c, 2);
		r = tun_send(w, &rt, src, ref, s, hdrs + seglen, flowhash);
		if (r != DP_R_OK)
			return r;
		w->segmented++;
		if (payload == 0)
			break;
	}
	return DP_R_OK;
}

enum dp_reason dp_xmit(struct dp_worker *w, struct dp_parsed *p, struct dp_frame *f,
		       const struct lvs_conn_ref *ref, int outbound)
{
	if (ref->af != AF_INET || ref->daf != AF_INET)
		return DP_R_UNSUPPORTED;
	if (outbound)
		return xmit_nat(w, p, f, ref, 1);
	switch (ref->flags & LVS_CONN_F_FWD_MASK) {
	case LVS_CONN_F_MASQ:
		return xmit_nat(w, p, f, ref, 0);
	case LVS_CONN_F_DROUTE:
		return xmit_dr(w, p, f, ref);
	case LVS_CONN_F_TUNNEL:
		return xmit_tun(w, p, f, ref);
	case LVS_CONN_F_LOCALNODE:
		/* ip_vs_null_xmit: on into the local stack, unchanged (a
		 * connection synced from a kernel director may carry it) */
		return local_deliver(w, p, f);
	default:
		/* BYPASS (cache_bypass) is not implemented */
		return DP_R_UNSUPPORTED;
	}
}

enum dp_reason dp_local_passthru(struct dp_worker *w, struct dp_parsed *p, struct dp_frame *f)
{
	/* 127/8 must never leave the director (the kernel itself would
	 * have refused this route but for lvsd's rule) */
	if ((ntohl(p->pkt.saddr.ip) >> 24) == 127)
		return DP_R_LOCAL_MARTIAN;
	struct nh_route rt;
	enum dp_reason r = route_to(w, p->pkt.daddr.ip, &rt);
	if (r != DP_R_OK)
		return r;
	if ((r = mtu_step(w, p, wire_ip_len(p, f), rt.mtu, 0)) != DP_R_OK)
		return r;
	if ((r = ip_send(w, &rt, p, f)) == DP_R_OK)
		w->local_passed++;
	return r;
}
