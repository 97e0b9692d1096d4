/* test_xmit.c - the forwarding methods (datapath/pkt/xmit.c) on synthetic
 * frames: NAT both ways, DR, TUN (ipip, gue, gre), local delivery, GSO
 * segmentation and fragmentation for tunnels, ICMP frag needed and time
 * exceeded, frames waiting for ARP, and bursts whose output outgrows the
 * worker's scratch memory.
 *
 * The worker is assembled by hand:
 *  - a capturing backend: tx() keeps the iovecs (as the real backends do,
 *    which read the bytes only when they flush) plus a copy of the bytes
 *    taken at queue time, and queues at most 64 frames before it flushes
 *    itself, like both real backends; flush() gathers every frame from its
 *    iovecs and compares it with its queue-time copy, so a frame whose
 *    memory was reused before it left is caught;
 *  - a next-hop table: the nh_* functions below replace nexthop.c (which
 *    asks the kernel over rtnetlink).  This object comes first on the link
 *    line, so the archive's nexthop.o is never pulled in: xmit.o needs
 *    nothing else from it;
 *  - a socketpair as the worker's local-delivery queue (the TUN device's
 *    queue in lvsd): what xmit writes there is read back whole.
 * Frames are built here with correct checksums; outputs are checked
 * against independently built expectations, re-verified checksums and
 * reassembly.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <linux/virtio_net.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <cmocka.h>
#include "datapath/pkt/csum.h"
#include "datapath/pkt/nexthop.h"
#include "datapath/pkt/parse.h"
#include "datapath/pkt/worker.h"

static uint32_t A(const char *s) { return inet_addr(s); }
#define CIP  A("172.20.0.100")
#define VIP  A("172.20.0.24")
#define DIP  A("192.168.1.1")
#define RIP1 A("192.168.1.16")
#define RIP9 A("10.9.0.5")              /* a real server behind a router */
#define GW   A("192.168.1.254")
#define IF_CLIENT 2                     /* the director's interfaces */
#define IF_LAN    3

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t rd32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }
static void wr16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void wr32(uint8_t *p, uint32_t v) { wr16(p, (uint16_t)(v >> 16)); wr16(p + 2, (uint16_t)v); }

/* ---- the next-hop table (replaces nexthop.c) ---- */

struct nh_ctx {
	struct { uint32_t net, mask; struct nh_route r; } rt[16];
	int nrt;
	uint32_t unresolved;    /* a next hop whose MAC is not known yet (0: none) */
};

int nh_route4(struct nh_ctx *c, uint32_t daddr, struct nh_route *out)
{
	int best = -1;
	for (int i = 0; i < c->nrt; i++)
		if ((daddr & c->rt[i].mask) == c->rt[i].net &&
		    (best < 0 || ntohl(c->rt[i].mask) > ntohl(c->rt[best].mask)))
			best = i;
	if (best < 0)
		return -1;
	*out = c->rt[best].r;
	if (!out->nexthop)
		out->nexthop = daddr;
	return 0;
}

static void link_mac(int ifindex, uint8_t mac[6])
{
	const uint8_t m[6] = { 0x02, 0, 0, 0, 0xd1, (uint8_t)ifindex };
	memcpy(mac, m, 6);
}

static void neigh_mac(uint32_t addr, uint8_t mac[6])
{
	mac[0] = 0x0a;
	mac[1] = 0x00;
	memcpy(mac + 2, &addr, 4);
}

int nh_link(struct nh_ctx *c, int ifindex, struct nh_link *out)
{
	(void)c;
	if (ifindex != IF_CLIENT && ifindex != IF_LAN)
		return -1;
	memset(out, 0, sizeof(*out));
	out->ifindex = ifindex;
	link_mac(ifindex, out->mac);
	out->mtu = 1500;
	snprintf(out->name, sizeof(out->name), "eth%d", ifindex - 2);
	return 0;
}

int nh_neigh4(struct nh_ctx *c, int ifindex, uint32_t addr, uint8_t mac[6], uint64_t now_ms)
{
	(void)now_ms;
	if (ifindex != IF_CLIENT && ifindex != IF_LAN)
		return -1;
	if (c->unresolved && addr == c->unresolved)
		return 0;
	neigh_mac(addr, mac);
	return 1;
}

uint32_t nh_ifaddr4(struct nh_ctx *c, int ifindex)
{
	(void)c;
	return ifindex == IF_CLIENT ? VIP : ifindex == IF_LAN ? DIP : 0;
}

static struct nh_ctx NH;

static void route_add(const char *net, int plen, uint8_t type, int ifindex, uint32_t gw, uint32_t mtu)
{
	int i = NH.nrt++;
	NH.rt[i].mask = plen ? htonl(~0u << (32 - plen)) : 0;
	NH.rt[i].net = A(net) & NH.rt[i].mask;
	NH.rt[i].r = (struct nh_route){ .type = type, .ifindex = ifindex, .nexthop = gw, .mtu = mtu };
}

/* the MTU of the route to net/plen */
static void route_mtu(const char *net, uint32_t mtu)
{
	for (int i = 0; i < NH.nrt; i++)
		if (NH.rt[i].net == A(net))
			NH.rt[i].r.mtu = mtu;
}

/* ---- the capturing backend ---- */

#define BATCH   64              /* frames queued before tx() flushes itself */
#define MAXOUT  4096

struct queued {
	int ifindex;
	int has_off;
	struct dp_offload off;
	struct iovec iov[4];
	int n;
	uint8_t *at_queue;      /* the bytes when tx() was called */
	size_t len;
};

struct sent {
	uint8_t *b;
	size_t len;
	int ifindex;
	int has_off;
	struct dp_offload off;
};

struct dp_wio {
	struct queued q[BATCH];
	int nq;
	struct sent out[MAXOUT];
	int nout;
	int changed;            /* frames whose bytes at flush differed from queue time */
	int first_changed;      /* index in out[] of the first of them, -1 */
	int flushes;
};

static int fake_flush(struct dp_wio *io)
{
	for (int i = 0; i < io->nq; i++) {
		struct queued *q = &io->q[i];
		uint8_t *b = malloc(q->len);
		assert_non_null(b);
		size_t o = 0;
		for (int k = 0; k < q->n; k++) {
			memcpy(b + o, q->iov[k].iov_base, q->iov[k].iov_len);
			o += q->iov[k].iov_len;
		}
		assert_true(io->nout < MAXOUT);
		if (memcmp(b, q->at_queue, q->len)) {
			if (!io->changed)
				io->first_changed = io->nout;
			io->changed++;
		}
		io->out[io->nout++] = (struct sent){ b, q->len, q->ifindex, q->has_off, q->off };
		free(q->at_queue);
	}
	io->nq = 0;
	io->flushes++;
	return 0;
}

static int fake_tx(struct dp_wio *io, int ifindex, const struct dp_offload *off, const struct iovec *iov, int n)
{
	if (n < 1 || n > 4)
		return -1;
	if (io->nq == BATCH)
		fake_flush(io);
	struct queued *q = &io->q[io->nq++];
	q->ifindex = ifindex;
	q->has_off = off != NULL;
	q->off = off ? *off : (struct dp_offload){ 0 };
	q->n = n;
	q->len = 0;
	for (int k = 0; k < n; k++) {
		q->iov[k] = iov[k];
		q->len += iov[k].iov_len;
	}
	q->at_queue = malloc(q->len);
	assert_non_null(q->at_queue);
	size_t o = 0;
	for (int k = 0; k < n; k++) {
		memcpy(q->at_queue + o, iov[k].iov_base, iov[k].iov_len);
		o += iov[k].iov_len;
	}
	return 0;
}

static const struct dp_backend_ops fake_ops = { .name = "capture", .tx = fake_tx, .flush = fake_flush };

/* ---- the worker ---- */

static struct dp_wio IO;
static struct dp_shared SH;
static struct dp_worker *W;
static int LFD[2] = { -1, -1 };        /* [0]: the worker's local queue, [1]: the "stack" */
static uint8_t *BUFS[256];             /* receive "ring": frames live until teardown */
static int NBUFS;

static int setup(void **state)
{
	(void)state;
	memset(&IO, 0, sizeof(IO));
	IO.first_changed = -1;
	memset(&NH, 0, sizeof(NH));
	route_add("172.20.0.24", 32, RTN_LOCAL, IF_CLIENT, 0, 1500);
	route_add("192.168.1.1", 32, RTN_LOCAL, IF_LAN, 0, 1500);
	route_add("127.0.0.0", 8, RTN_LOCAL, 1, 0, 65536);
	route_add("172.20.0.0", 16, RTN_UNICAST, IF_CLIENT, 0, 1500);
	route_add("192.168.1.0", 24, RTN_UNICAST, IF_LAN, 0, 1500);
	route_add("10.9.0.0", 16, RTN_UNICAST, IF_LAN, GW, 1500);
	SH = (struct dp_shared){ .ops = &fake_ops };
	W = calloc(1, sizeof(*W));
	assert_non_null(W);
	W->sh = &SH;
	W->io = &IO;
	W->nh = &NH;
	W->now_ms = 100000;
	W->seg_arena = malloc(DP_SEG_ARENA);
	assert_non_null(W->seg_arena);
	W->local_fd = -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (int i = 0; i < IO.nout; i++)
		free(IO.out[i].b);
	for (int i = 0; i < IO.nq; i++)
		free(IO.q[i].at_queue);
	for (unsigned i = 0; i < W->npending; i++)
		free(W->pending[i].buf);
	for (int i = 0; i < NBUFS; i++)
		free(BUFS[i]);
	NBUFS = 0;
	for (int i = 0; i < 2; i++) {
		if (LFD[i] >= 0)
			close(LFD[i]);
		LFD[i] = -1;
	}
	free(W->seg_arena);
	free(W);
	return 0;
}

static uint8_t *newbuf(void)
{
	assert_true(NBUFS < 256);
	uint8_t *b = calloc(1, 70000);
	assert_non_null(b);
	return BUFS[NBUFS++] = b;
}

/* ---- frames ---- */

struct spec {
	uint8_t proto;
	uint32_t s, d;
	uint16_t sp, dp;
	unsigned plen;          /* payload bytes */
	int df;
	uint8_t ttl;            /* 0: 64 */
	uint32_t seed;          /* payload pattern */
	uint8_t flags;          /* TCP, 0: ACK */
	uint32_t seq;
	uint16_t id;
	int udp_nocsum;         /* UDP checksum 0 */
	int ifindex;            /* arrived on (0: IF_CLIENT) */
};

static void pattern(uint8_t *p, unsigned n, uint32_t seed)
{
	uint32_t x = seed * 2654435761u + 0x9e3779b9u;
	for (unsigned i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = (uint8_t)x;
	}
}

/* Ethernet + IPv4 + TCP/UDP with a pattern payload and correct checksums */
static size_t build(uint8_t *f, const struct spec *k)
{
	unsigned l4h = k->proto == IPPROTO_TCP ? 20 : 8;
	unsigned tot = 20 + l4h + k->plen;
	uint8_t mac[6];
	link_mac(k->ifindex ? k->ifindex : IF_CLIENT, mac);
	memset(f, 0, 14 + 20 + l4h);
	memcpy(f, mac, 6);
	neigh_mac(k->ifindex == IF_LAN ? RIP1 : GW, f + 6);
	f[12] = 0x08;
	uint8_t *ip = f + 14;
	ip[0] = 0x45;
	wr16(ip + 2, (uint16_t)tot);
	wr16(ip + 4, k->id);
	ip[6] = k->df ? 0x40 : 0;
	ip[8] = k->ttl ? k->ttl : 64;
	ip[9] = k->proto;
	memcpy(ip + 12, &k->s, 4);
	memcpy(ip + 16, &k->d, 4);
	ip4_csum_set(ip, 20);
	uint8_t *t = ip + 20;
	wr16(t, k->sp);
	wr16(t + 2, k->dp);
	if (k->proto == IPPROTO_TCP) {
		wr32(t + 4, k->seq);
		wr32(t + 8, 1);
		t[12] = 0x50;
		t[13] = k->flags ? k->flags : LVS_TCPF_ACK;
		wr16(t + 14, 65535);
	} else {
		wr16(t + 4, (uint16_t)(8 + k->plen));
	}
	pattern(t + l4h, k->plen, k->seed);
	if (!(k->proto == IPPROTO_UDP && k->udp_nocsum)) {
		uint16_t c = csum_buf(t, l4h + k->plen, csum_pseudo4(k->s, k->d, k->proto, (uint16_t)(l4h + k->plen)));
		if (k->proto == IPPROTO_UDP && !c)
			c = 0xffff;
		memcpy(t + (k->proto == IPPROTO_TCP ? 16 : 6), &c, 2);
	}
	return 14 + tot;
}

/* turn a built TCP/UDP frame into a partial-checksum one (the veth
 * "needs csum" state), a GSO super-frame when gso_size is set */
static struct dp_offload make_partial(uint8_t *f, uint16_t gso_size)
{
	uint8_t *ip = f + 14;
	uint8_t proto = ip[9];
	unsigned l4len = rd16(ip + 2) - 20u;
	uint32_t s, d;
	memcpy(&s, ip + 12, 4);
	memcpy(&d, ip + 16, 4);
	unsigned coff = proto == IPPROTO_TCP ? 16 : 6;
	uint16_t ps = csum_fold16(csum_pseudo4(s, d, proto, (uint16_t)l4len));
	memcpy(ip + 20 + coff, &ps, 2);
	struct dp_offload off = { .flags = DP_OFF_NEEDS_CSUM, .csum_start = 34, .csum_offset = (uint16_t)coff };
	if (gso_size) {
		off.gso_type = DP_GSO_TCPV4;
		off.gso_size = gso_size;
		off.hdr_len = 14 + 20 + 20;
	}
	return off;
}

/* the IP packet of f with its TTL decremented and the header checksum redone */
static void ttl_dec(uint8_t *ip)
{
	ip[8]--;
	ip4_csum_set(ip, 20);
}

static enum dp_reason xmit_off(uint8_t *f, size_t len, const struct dp_offload *off,
			       const struct lvs_conn_ref *ref, int outbound, int ifindex)
{
	struct dp_frame fr = { .data = f, .len = (uint32_t)len, .wire_len = (uint32_t)len,
			       .ifindex = ifindex ? ifindex : outbound ? IF_LAN : IF_CLIENT };
	if (off)
		fr.off = *off;
	struct dp_parsed p;
	assert_int_equal(dp_parse(&fr, &p), DP_R_OK);
	enum dp_reason r = dp_xmit(W, &p, &fr, ref, outbound);
	W->reason[r]++;
	return r;
}

static enum dp_reason xmit(uint8_t *f, size_t len, const struct lvs_conn_ref *ref, int outbound)
{
	return xmit_off(f, len, NULL, ref, outbound, 0);
}

/* what the worker does after every burst */
static void end_burst(void)
{
	W->reason[DP_R_TX_ERROR] += (uint64_t)SH.ops->flush(W->io);
	dp_worker_flushed(W);
}

static struct lvs_conn_ref conn(uint32_t method, uint8_t proto, uint32_t rip, uint16_t dport)
{
	struct lvs_conn_ref r;
	memset(&r, 0, sizeof(r));
	r.id = 1;
	r.flags = method;
	r.protocol = proto;
	r.af = r.daf = AF_INET;
	r.caddr.ip = CIP;
	r.vaddr.ip = VIP;
	r.daddr.ip = rip;
	r.cport = 40000;
	r.vport = 80;
	r.dport = dport;
	return r;
}

/* ---- output checks ---- */

static void assert_ip_csum(const uint8_t *ip)
{
	assert_int_equal(csum_fold16(csum_partial(ip, (ip[0] & 15) * 4u, 0)), 0xffff);
}

/* the TCP/UDP/ICMP checksum of a complete (unfragmented) packet */
static void assert_l4_csum(const uint8_t *ip)
{
	unsigned ihl = (ip[0] & 15) * 4u, l4len = rd16(ip + 2) - ihl;
	const uint8_t *l4 = ip + ihl;
	uint32_t s, d, sum = 0;
	memcpy(&s, ip + 12, 4);
	memcpy(&d, ip + 16, 4);
	if (ip[9] == IPPROTO_UDP && rd16(l4 + 6) == 0)
		return;
	if (ip[9] != IPPROTO_ICMP)
		sum = csum_pseudo4(s, d, ip[9], (uint16_t)l4len);
	assert_int_equal(csum_fold16(csum_partial(l4, l4len, sum)), 0xffff);
}

/* the MACs of an output frame: ours on ifindex, the next hop's */
static void assert_l2(const struct sent *o, int ifindex, uint32_t nexthop)
{
	uint8_t mac[6];
	assert_int_equal(o->ifindex, ifindex);
	neigh_mac(nexthop, mac);
	assert_memory_equal(o->b, mac, 6);
	link_mac(ifindex, mac);
	assert_memory_equal(o->b + 6, mac, 6);
	assert_int_equal(rd16(o->b + 12), 0x0800);
}

/* the outer IPv4 header of a tunnel packet from DIP to rip */
static void assert_outer(const uint8_t *o, uint8_t proto, uint32_t rip, unsigned tot, uint8_t ttl)
{
	uint32_t a;
	assert_int_equal(o[0], 0x45);
	assert_int_equal(rd16(o + 2), tot);
	assert_int_equal(o[8], ttl);
	assert_int_equal(o[9], proto);
	memcpy(&a, o + 12, 4);
	assert_int_equal(a, DIP);
	memcpy(&a, o + 16, 4);
	assert_int_equal(a, rip);
	assert_ip_csum(o);
}

/* reassemble the IPv4 fragments among out[from..to) that carry IP id;
 * returns the whole packet's length (0: incomplete) */
static size_t reassemble(int from, int to, uint16_t id, uint8_t *pkt)
{
	size_t total = 0, have = 0;
	int nfrag = 0;
	for (int i = from; i < to; i++) {
		const uint8_t *ip = IO.out[i].b + 14;
		if (rd16(ip + 4) != id)
			continue;
		assert_ip_csum(ip);
		unsigned ihl = (ip[0] & 15) * 4u, len = rd16(ip + 2) - ihl;
		unsigned off = (rd16(ip + 6) & 0x1fff) * 8u;
		if (off == 0)
			memcpy(pkt, ip, ihl);
		memcpy(pkt + 20 + off, ip + ihl, len);
		have += len;
		if (!(rd16(ip + 6) & 0x2000))
			total = off + len;
		nfrag++;
	}
	if (!nfrag || !total || have != total)
		return 0;
	wr16(pkt + 2, (uint16_t)(20 + total));
	pkt[6] &= 0x40;
	pkt[7] = 0;
	ip4_csum_set(pkt, 20);
	return 20 + total;
}

/* ---- NAT ---- */

/* k through a NAT connection to RIP1:dport (outbound: k is the real
 * server's reply), with a partial checksum or not; exactly one frame must
 * leave: e with TTL - 1 (its checksum field the pseudo-header sum when
 * partial), from our MAC to the next hop's */
static const struct sent *nat_one(const struct spec *k, struct spec e, int outbound, int partial, uint16_t dport)
{
	uint8_t *f = newbuf(), want[2048];
	size_t n = build(f, k);
	struct dp_offload off = partial ? make_partial(f, 0) : (struct dp_offload){ 0 };
	struct lvs_conn_ref ref = conn(LVS_CONN_F_MASQ, k->proto, RIP1, dport);
	assert_int_equal(xmit_off(f, n, &off, &ref, outbound, 0), DP_R_OK);
	end_burst();
	assert_int_equal(IO.nout, 1);
	assert_l2(&IO.out[0], outbound ? IF_CLIENT : IF_LAN, outbound ? CIP : RIP1);
	e.ttl = 63;
	assert_int_equal(build(want, &e), n);
	if (partial)
		make_partial(want, 0);
	assert_int_equal(IO.out[0].len, n);
	assert_memory_equal(IO.out[0].b + 14, want + 14, n - 14);
	return &IO.out[0];
}

static void test_nat_inbound(void **state)
{
	(void)state;
	/* exactly the packet the client would have sent to RIP:8080 */
	struct spec k = { IPPROTO_TCP, CIP, VIP, 40000, 80, .plen = 100, .df = 1, .seed = 1, .seq = 1000 };
	struct spec e = k;
	e.d = RIP1;
	e.dp = 8080;
	nat_one(&k, e, 0, 0, 8080);
}

static void test_nat_inbound_udp_nocsum(void **state)
{
	(void)state;
	/* UDP without checksum: IPVS gives the rewritten datagram a full one */
	struct spec k = { IPPROTO_UDP, CIP, VIP, 40000, 53, .plen = 200, .seed = 2, .udp_nocsum = 1 };
	struct spec e = k;
	e.d = RIP1;
	e.dp = 5353;
	e.udp_nocsum = 0;
	const struct sent *o = nat_one(&k, e, 0, 0, 5353);
	assert_int_not_equal(rd16(o->b + 34 + 6), 0);
}

static void test_nat_outbound(void **state)
{
	(void)state;
	struct spec k = { IPPROTO_TCP, RIP1, CIP, 8080, 40000, .plen = 300, .df = 1, .seed = 3, .seq = 77,
			  .ifindex = IF_LAN };
	struct spec e = k;
	e.s = VIP;
	e.sp = 80;
	e.ifindex = IF_CLIENT;
	nat_one(&k, e, 1, 0, 8080);
}

static void test_nat_partial_csum(void **state)
{
	(void)state;
	/* a partial checksum stays partial: only the pseudo-header words move,
	 * and the offload metadata goes with the frame */
	struct spec k = { IPPROTO_TCP, CIP, VIP, 40000, 80, .plen = 500, .df = 1, .seed = 4, .seq = 5 };
	struct spec e = k;
	e.d = RIP1;
	e.dp = 8080;
	const struct sent *o = nat_one(&k, e, 0, 1, 8080);
	assert_true(o->has_off);
	assert_int_equal(o->off.flags & DP_OFF_NEEDS_CSUM, DP_OFF_NEEDS_CSUM);
	assert_int_equal(o->off.csum_start, 34);
}

/* ---- DR ---- */

static void test_dr(void **state)
{
	(void)state;
	struct spec k = { IPPROTO_TCP, CIP, VIP, 40000, 80, .plen = 64, .df = 1, .seed = 5, .seq = 9 };
	uint8_t *f = newbuf(), want[256];
	size_t n = build(f, &k);
	memcpy(want, f, n);
	struct lvs_conn_ref ref = conn(LVS_CONN_F_DROUTE, IPPROTO_TCP, RIP1, 80);
	assert_int_equal(xmit(f, n, &ref, 0), DP_R_OK);
	end_burst();
	assert_int_equal(IO.nout, 1);
	/* the real server is the next hop; the packet is unchanged but for TTL */
	assert_l2(&IO.out[0], IF_LAN, RIP1);
	ttl_dec(want + 14);
	assert_memory_equal(IO.out[0].b + 14, want + 14, n - 14);
}

/* ---- TUN ---- */

/* on a fresh worker, one TCP packet through a tunnel of type/flags to rip
 * (next hop nexthop): the output frame, checked up to and including the
 * inner packet (the original with TTL - 1); *ilen: the inner length */
static const struct sent *tun_one(uint8_t type, uint16_t tflags, uint32_t rip, uint32_t nexthop, size_t *ilen)
{
	teardown(NULL);
	setup(NULL);
	struct spec k = { IPPROTO_TCP, CIP, VIP, 40000, 80, .plen = 333, .df = 1, .seed = 6, .seq = 100 };
	uint8_t *f = newbuf(), want[512];
	size_t n = build(f, &k);
	memcpy(want, f, n);
	ttl_dec(want + 14);
	*ilen = n - 14;
	struct lvs_conn_ref ref = conn(LVS_CONN_F_TUNNEL, IPPROTO_TCP, rip, 80);
	ref.tun_type = type;
	ref.tun_flags = tflags;
	ref.tun_port = 6080;
	assert_int_equal(xmit(f, n, &ref, 0), DP_R_OK);
	end_burst();
	assert_int_equal(IO.nout, 1);
	const struct sent *o = &IO.out[0];
	assert_l2(o, IF_LAN, nexthop);
	unsigned hl = type == LVS_TUN_TYPE_GUE ? 32 : type == LVS_TUN_TYPE_GRE ? ((tflags & LVS_TUN_F_CSUM) ? 28 : 24) : 20;
	assert_int_equal(o->len, 14 + hl + *ilen);
	uint8_t proto = type == LVS_TUN_TYPE_GUE ? IPPROTO_UDP : type == LVS_TUN_TYPE_GRE ? IPPROTO_GRE : IPPROTO_IPIP;
	assert_outer(o->b + 14, proto, rip, (unsigned)(hl + *ilen), 63);
	assert_int_equal(o->b[14 + 6] & 0x40, 0x40);   /* DF copied from the inner packet */
	assert_memory_equal(o->b + 14 + hl, want + 14, *ilen);
	return o;
}

static void test_tun_ipip(void **state)
{
	(void)state;
	size_t ilen;
	tun_one(LVS_TUN_TYPE_IPIP, 0, RIP1, RIP1, &ilen);
	tun_one(LVS_TUN_TYPE_IPIP, 0, RIP9, GW, &ilen);        /* behind a router */
}

static void test_tun_gue(void **state)
{
	(void)state;
	for (int csum = 0; csum < 2; csum++) {
		size_t ilen;
		const struct sent *o = tun_one(LVS_TUN_TYPE_GUE, csum ? LVS_TUN_F_CSUM : 0, RIP1, RIP1, &ilen);
		const uint8_t *u = o->b + 34;
		assert_in_range(rd16(u), 32768, 60999);
		assert_int_equal(rd16(u + 2), 6080);
		assert_int_equal(rd16(u + 4), 8 + 4 + ilen);
		assert_int_equal(u[8], 0);             /* GUE version 0, no options */
		assert_int_equal(u[9], 4);             /* carries IPv4 */
		if (csum)
			assert_l4_csum(o->b + 14);
		else
			assert_int_equal(rd16(u + 6), 0);
	}
}

static void test_tun_gre(void **state)
{
	(void)state;
	for (int csum = 0; csum < 2; csum++) {
		size_t ilen;
		const struct sent *o = tun_one(LVS_TUN_TYPE_GRE, csum ? LVS_TUN_F_CSUM : 0, RIP1, RIP1, &ilen);
		const uint8_t *g = o->b + 34;
		assert_int_equal(g[0], csum ? 0x80 : 0);
		assert_int_equal(rd16(g + 2), 0x0800);
		if (csum)   /* over the GRE header and the payload */
			assert_int_equal(csum_fold16(csum_partial(g, 8 + ilen, 0)), 0xffff);
	}
}

static void test_tun_partial_csum_completed(void **state)
{
	(void)state;
	/* a tunnel packet cannot carry a partial checksum: completed here */
	struct spec k = { IPPROTO_UDP, CIP, VIP, 40000, 53, .plen = 700, .df = 1, .seed = 7 };
	uint8_t *f = newbuf(), want[1024];
	size_t n = build(f, &k);
	memcpy(want, f, n);
	ttl_dec(want + 14);
	struct dp_offload off = make_partial(f, 0);
	struct lvs_conn_ref ref = conn(LVS_CONN_F_TUNNEL, IPPROTO_UDP, RIP1, 53);
	assert_int_equal(xmit_off(f, n, &off, &ref, 0, 0), DP_R_OK);
	end_burst();
	assert_int_equal(IO.nout, 1);
	assert_false(IO.out[0].has_off && IO.out[0].off.flags);
	assert_memory_equal(IO.out[0].b + 34, want + 14, n - 14);
}

/* ---- local real servers ---- */

/* read what went into the local stack: vnet header + IPv4 packet */
static size_t local_read(uint8_t *buf, size_t len, struct virtio_net_hdr *vh)
{
	uint8_t tmp[70000];
	ssize_t r = recv(LFD[1], tmp, sizeof(tmp), MSG_DONTWAIT);
	assert_true(r > (ssize_t)sizeof(*vh));
	memcpy(vh, tmp, sizeof(*vh));
	assert_true((size_t)r - sizeof(*vh) <= len);
	memcpy(buf, tmp + sizeof(*vh), (size_t)r - sizeof(*vh));
	return (size_t)r - sizeof(*vh);
}

static void test_local_delivery(void **state)
{
	(void)state;
	struct spec k = { IPPROTO_TCP, CIP, VIP, 40000, 80, .plen = 50, .df = 1, .seed = 8, .seq = 3 };
	uint8_t want[256], got[256];
	struct virtio_net_hdr vh;

	/* without a TUN queue to deliver into: dropped, counted */
	uint8_t *f = newbuf();
	size_t n = build(f, &k);
	struct lvs_conn_ref ref = conn(LVS_CONN_F_MASQ, IPPROTO_TCP, DIP, 8080);
	assert_int_equal(xmit(f, n, &ref, 0), DP_R_LOCAL_NO_TUN);

	/* NAT to the director's own address: DNAT, no TTL decrement */
	assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM, 0, LFD), 0);
	W->local_fd = LFD[0];
	f = newbuf();
	n = build(f, &k);
	assert_int_equal(xmit(f, n, &ref, 0), DP_R_OK);
	struct spec e = k;
	e.d = DIP;
	e.dp = 8080;
	build(want, &e);
	assert_int_equal(local_read(got, sizeof(got), &vh), n - 14);
	assert_memory_equal(got, want + 14, n - 14);

	/* DR, TUN and LOCALNODE: into the stack unchanged */
	const uint32_t methods[] = { LVS_CONN_F_DROUTE, LVS_CONN_F_TUNNEL, LVS_CONN_F_LOCALNODE };
	for (unsigned i = 0; i < 3; i++) {
		f = newbuf();
		n = build(f, &k);
		ref = conn(methods[i], IPPROTO_TCP, DIP, 80);
		assert_int_equal(xmit(f, n, &ref, 0), DP_R_OK);
		assert_int_equal(local_read(got, sizeof(got), &vh), n - 14);
		assert_memory_equal(got, f + 14, n - 14);
		assert_int_equal(got[8], 64);
	}
	end_burst();
	assert_int_equal(IO.nout, 0);
	assert_int_equal(W->local_in, 4);

	/* a partial checksum goes in as one, in IP coordinates */
	f = newbuf();
	n = build(f, &k);
	struct dp_offload off = make_partial(f, 0);
	ref = conn(LVS_CONN_F_DROUTE, IPPROTO_TCP, DIP, 80);
	assert_int_equal(xmit_off(f, n, &off, &ref, 0, 0), DP_R_OK);
	local_read(got, sizeof(got), &vh);
	assert_int_equal(vh.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
	assert_int_equal(vh.csum_start, 20);
	assert_int_equal(vh.csum_offset, 16);
}

static void test_local_passthru(void **state)
{
	(void)state;
	/* the local stack's own packet: on unchanged (no TTL decrement);
	 * from 127/8 never */
	struct spec k = { IPPROTO_TCP, DIP, CIP, 8080, 40000, .plen = 40, .df = 1, .seed = 10 };
	uint8_t *f = newbuf();
	size_t n = build(f, &k);
	uint8_t want[256];
	memcpy(want, f, n);
	struct dp_frame fr = { .data = f, .len = (uint32_t)n, .wire_len = (uint32_t)n, .local = 1 };
	struct dp_parsed p;
	assert_int_equal(dp_parse(&fr, &p), DP_R_OK);
	assert_int_equal(dp_local_passthru(W, &p, &fr), DP_R_OK);
	k.s = A("127.0.0.1");
	f = newbuf();
	n = build(f, &k);
	fr.data = f;
	assert_int_equal(dp_parse(&fr, &p), DP_R_OK);
	assert_int_equal(dp_local_passthru(W, &p, &fr), DP_R_LOCAL_MARTIAN);
	end_burst();
	assert_int_equal(IO.nout, 1);
	assert_l2(&IO.out[0], IF_CLIENT, CIP);
	assert_memory_equal(IO.out[0].b + 14, want + 14, IO.out[0].len - 14);
	assert_int_equal(W->local_passed, 1);
}

/* ---- GSO, fragments, ICMP errors ---- */

/* the inner TCP segments among out[from..to) of the flow starting at seq0:
 * every one checked, their payloads laid out by sequence number into pl;
 * returns how many */
static int tcp_segments(int from, int to, unsigned hl, uint16_t sport, uint32_t seq0, uint8_t *pl, unsigned plen,
			uint16_t mss)
{
	int nseg = 0;
	for (int i = from; i < to; i++) {
		const uint8_t *ip = IO.out[i].b + 14 + hl;
		if (ip[9] != IPPROTO_TCP || rd16(ip + 20) != sport)
			continue;
		assert_ip_csum(ip);
		assert_l4_csum(ip);
		unsigned len = rd16(ip + 2) - 40u;
		uint32_t off = rd32(ip + 24) - seq0;
		assert_true(off + len <= plen);
		assert_true(len <= mss);
		assert_int_equal(IO.out[i].len, 14 + hl + 40 + len);
		memcpy(pl + off, ip + 40, len);
		nseg++;
	}
	return nseg;
}

static void test_tun_gso_segmented(void **state)
{
	(void)state;
	const unsigned mss = 1000, plen = 10 * 1000 + 300;
	struct spec k = { IPPROTO_TCP, CIP, VIP, 40000, 80, .plen = plen, .df = 1, .seed = 11, .seq = 5000,
			  .id = 700, .flags = LVS_TCPF_ACK | LVS_TCPF_PSH | 0x80 /* CWR */ };
	uint8_t *f = newbuf();
	size_t n = build(f, &k);
	struct dp_offload off = make_partial(f, (uint16_t)mss);
	struct lvs_conn_ref ref = conn(LVS_CONN_F_TUNNEL, IPPROTO_TCP, RIP1, 80);
	assert_int_equal(xmit_off(f, n, &off, &ref, 0, 0), DP_R_OK);
	end_burst();
	assert_int_equal(IO.nout, 11);
	assert_int_equal(W->segmented, 11);
	uint8_t want[11000], got[11000];
	pattern(want, plen, 11);
	for (int i = 0; i < 11; i++) {
		const uint8_t *o = IO.out[i].b + 14, *in = o + 20;
		assert_l2(&IO.out[i], IF_LAN, RIP1);
		assert_outer(o, IPPROTO_IPIP, RIP1, rd16(in + 2) + 20u, 63);
		assert_false(IO.out[i].has_off && IO.out[i].off.gso_size);
		assert_int_equal(rd16(in + 4), 700 + i);          /* IP ids follow */
		assert_int_equal(in[8], 63);
		assert_int_equal(rd32(in + 24), 5000 + i * mss);
		uint8_t fl = in[33];
		assert_int_equal(fl & LVS_TCPF_PSH, i == 10 ? LVS_TCPF_PSH : 0);
		assert_int_equal(fl & 0x80, i == 0 ? 0x80 : 0);
		assert_int_equal(fl & LVS_TCPF_ACK, LVS_TCPF_ACK);
	}
	assert_int_equal(tcp_segments(0, IO.nout, 20, 40000, 5000, got, plen, (uint16_t)mss), 11);
	assert_memory_equal(got, want, plen);
}

/* the packet k through an ipip tunnel to RIP1, with the verdict expect;
 * want: the inner packet that must come out of the tunnel (k, TTL - 1);
 * returns its length, *ring (if asked) the receive buffer */
static size_t tun_fwd(const struct spec *k, enum dp_reason expect, uint8_t *want, uint8_t **ring)
{
	uint8_t *f = newbuf();
	size_t n = build(f, k);
	memcpy(want, f + 14, n - 14);
	ttl_dec(want);
	struct lvs_conn_ref ref = conn(LVS_CONN_F_TUNNEL, k->proto, RIP1, k->dp);
	assert_int_equal(xmit(f, n, &ref, 0), expect);
	if (ring)
		*ring = f;
	return n - 14;
}

static void test_tun_fragmented_df_clear(void **state)
{
	(void)state;
	/* 1472 bytes of UDP + 20 of tunnel > 1500: the outer packet is
	 * fragmented, like the kernel does without DF */
	struct spec k = { IPPROTO_UDP, CIP, VIP, 40000, 53, .plen = 1472, .df = 0, .seed = 12 };
	uint8_t want[2000], got[2000];
	size_t n = tun_fwd(&k, DP_R_OK, want, NULL);
	end_burst();
	assert_int_equal(IO.nout, 2);
	assert_int_equal(W->fragments, 2);
	const uint8_t *a = IO.out[0].b + 14, *b = IO.out[1].b + 14;
	assert_l2(&IO.out[0], IF_LAN, RIP1);
	assert_int_equal(rd16(a + 2), 1500);
	assert_int_equal(rd16(a + 6), 0x2000);                 /* MF, offset 0 */
	assert_int_equal(rd16(b + 2), 20 + 20);
	assert_int_equal(rd16(b + 6), 1480 / 8);
	assert_int_equal(rd16(a + 4), rd16(b + 4));
	size_t len = reassemble(0, 2, rd16(a + 4), got);
	assert_int_equal(len, 20 + n);
	assert_outer(got, IPPROTO_IPIP, RIP1, (unsigned)len, 63);
	assert_memory_equal(got + 20, want, n);
}

static void test_nat_fragmented_df_clear(void **state)
{
	(void)state;
	/* NAT onto a smaller MTU: fragmented; a partial checksum is completed
	 * first (fragments cannot carry one) */
	route_mtu("192.168.1.0", 1000);
	struct spec k = { IPPROTO_UDP, CIP, VIP, 40000, 53, .plen = 1400, .df = 0, .seed = 13, .id = 4242 };
	uint8_t *f = newbuf(), want[2000], got[2000];
	size_t n = build(f, &k);
	struct dp_offload off = make_partial(f, 0);
	struct lvs_conn_ref ref = conn(LVS_CONN_F_MASQ, IPPROTO_UDP, RIP1, 5353);
	assert_int_equal(xmit_off(f, n, &off, &ref, 0, 0), DP_R_OK);
	end_burst();
	assert_int_equal(IO.nout, 2);
	assert_int_equal(rd16(IO.out[0].b + 16), 20 + 976);    /* (1000 - 20) & ~7 */
	size_t len = reassemble(0, 2, 4242, got);
	struct spec e = k;
	e.d = RIP1;
	e.dp = 5353;
	e.ttl = 63;
	build(want, &e);
	assert_int_equal(len, n - 14);
	assert_memory_equal(got, want + 14, len);
	assert_l4_csum(got);
}

/* the one ICMP error in the output, checked; returns its ICMP header */
static const uint8_t *icmp_out(uint8_t type, uint8_t code, uint32_t src, const uint8_t *quoted_ip)
{
	assert_int_equal(IO.nout, 1);
	const struct sent *o = &IO.out[0];
	assert_l2(o, IF_CLIENT, CIP);
	const uint8_t *ip = o->b + 14, *ic = ip + 20;
	uint32_t a;
	assert_int_equal(ip[9], IPPROTO_ICMP);
	memcpy(&a, ip + 12, 4);
	assert_int_equal(a, src);
	memcpy(&a, ip + 16, 4);
	assert_int_equal(a, CIP);
	assert_ip_csum(ip);
	assert_l4_csum(ip);
	assert_int_equal(ic[0], type);
	assert_int_equal(ic[1], code);
	assert_int_equal(rd16(ip + 2), 20 + 8 + 28);           /* quote: header + 8 bytes */
	assert_memory_equal(ic + 8 + 12, quoted_ip + 12, 8);    /* its addresses */
	assert_memory_equal(ic + 8 + 20, quoted_ip + 20, 4);    /* its ports */
	return ic;
}

static void test_frag_needed_df_set(void **state)
{
	(void)state;
	struct spec k = { IPPROTO_UDP, CIP, VIP, 40000, 53, .plen = 1472, .df = 1, .seed = 14 };
	uint8_t *f = newbuf(), orig[2000];
	size_t n = build(f, &k);
	memcpy(orig, f, n);
	/* TUN: 1500 - 20 of tunnel */
	struct lvs_conn_ref ref = conn(LVS_CONN_F_TUNNEL, IPPROTO_UDP, RIP1, 53);
	assert_int_equal(xmit(f, n, &ref, 0), DP_R_TOO_BIG);
	end_burst();
	const uint8_t *ic = icmp_out(3, 4, VIP, orig + 14);
	assert_int_equal(rd16(ic + 6), 1480);
	assert_int_equal(W->icmp_sent, 1);
	teardown(NULL);
	setup(NULL);

	/* NAT onto a 1000-byte route: 1000 */
	route_mtu("192.168.1.0", 1000);
	f = newbuf();
	n = build(f, &k);
	ref = conn(LVS_CONN_F_MASQ, IPPROTO_UDP, RIP1, 53);
	assert_int_equal(xmit(f, n, &ref, 0), DP_R_TOO_BIG);
	end_burst();
	ic = icmp_out(3, 4, VIP, orig + 14);
	assert_int_equal(rd16(ic + 6), 1000);
}

static void test_ttl_exceeded(void **state)
{
	(void)state;
	const uint32_t methods[] = { LVS_CONN_F_MASQ, LVS_CONN_F_DROUTE, LVS_CONN_F_TUNNEL };
	for (unsigned i = 0; i < 3; i++) {
		struct spec k = { IPPROTO_TCP, CIP, VIP, 40000, 80, .plen = 20, .df = 1, .ttl = 1, .seed = 15 };
		uint8_t *f = newbuf(), orig[256];
		size_t n = build(f, &k);
		memcpy(orig, f, n);
		struct lvs_conn_ref ref = conn(methods[i], IPPROTO_TCP, RIP1, 80);
		assert_int_equal(xmit(f, n, &ref, 0), DP_R_TTL_EXCEEDED);
		end_burst();
		const uint8_t *ic = icmp_out(11, 0, VIP, orig + 14);
		assert_int_equal(ic[8 + 8], 1);                 /* the quoted TTL */
		teardown(NULL);
		setup(NULL);
	}
}

static void test_neighbour_pending(void **state)
{
	(void)state;
	/* next hop unresolved: the frame waits (a copy), leaves once resolved */
	NH.unresolved = RIP1;
	struct spec k = { IPPROTO_UDP, CIP, VIP, 40000, 53, .plen = 1472, .df = 0, .seed = 16 };
	uint8_t *f, want[2000], got[2000];
	size_t n = tun_fwd(&k, DP_R_OK, want, &f);
	end_burst();
	assert_int_equal(IO.nout, 0);
	assert_int_equal(W->npending, 2);                       /* both fragments */
	memset(f, 0xee, 14 + n);                                /* the ring slot is reused */
	NH.unresolved = 0;
	dp_pending_run(W);
	end_burst();
	assert_int_equal(W->npending, 0);
	assert_int_equal(IO.nout, 2);
	assert_l2(&IO.out[0], IF_LAN, RIP1);
	size_t len = reassemble(0, 2, rd16(IO.out[0].b + 18), got);
	assert_int_equal(len, 20 + n);
	assert_memory_equal(got + 20, want, n);
}

/* ---- bursts whose output outgrows the scratch memory ----
 * Every frame must leave with the bytes it was queued with: a flush in
 * the middle of a burst must never let later packets of the same burst
 * overwrite a frame that is still queued. */

/* no frame changed between queue and flush, each tunnel packet of the
 * output reassembled carries want[the inner IP id] whole (len bytes):
 * seen[id] counts them */
static void burst_check(uint8_t (*want)[1600], size_t len, int n, int *seen)
{
	uint8_t got[1600];
	if (IO.changed)
		print_message("# %d of %d frames changed between queue and flush (first: #%d)\n", IO.changed, IO.nout,
			      IO.first_changed);
	assert_int_equal(IO.changed, 0);
	/* the outer IP ids are the tunnel's own: fragments pair by them */
	for (int i = 0; i < IO.nout; i++) {
		const uint8_t *ip = IO.out[i].b + 14;
		if (ip[9] != IPPROTO_IPIP || (rd16(ip + 6) & 0x1fff))
			continue;
		assert_int_equal(reassemble(0, IO.nout, rd16(ip + 4), got), 20 + len);
		int id = rd16(got + 20 + 4);
		assert_in_range(id, 0, n - 1);
		assert_memory_equal(got + 20, want[id], len);
		seen[id]++;
	}
}

static void test_burst_fragmented_datagrams(void **state)
{
	(void)state;
	/* 64 full-size datagrams without DF (a full receive burst), each
	 * fragmented in two after encapsulation: 128 frames */
	enum { N = 64 };
	uint8_t want[N][1600];
	size_t n = 0;
	for (int i = 0; i < N; i++) {
		/* checksum 0, as with SO_NO_CHECK: nothing but this test would notice */
		struct spec k = { IPPROTO_UDP, CIP, VIP, 40000, 53, .plen = 1472, .df = 0, .seed = 100u + (unsigned)i,
				  .id = (uint16_t)i, .udp_nocsum = 1 };
		n = tun_fwd(&k, DP_R_OK, want[i], NULL);
	}
	end_burst();
	assert_int_equal(IO.nout, 2 * N);
	/* every datagram out whole, exactly once */
	int seen[N] = { 0 };
	burst_check(want, n, N, seen);
	for (int i = 0; i < N; i++)
		assert_int_equal(seen[i], 1);
}

static void test_burst_gso_frames(void **state)
{
	(void)state;
	/* a burst of 20 small tunnelled segments (other clients' ACKs), then
	 * three 64 KB GSO frames segmented for the tunnel: 155 frames */
	enum { SMALL = 20, BIG = 3, MSS = 1440, SEGS = 45 };
	const unsigned plen = MSS * SEGS;
	struct lvs_conn_ref ref = conn(LVS_CONN_F_TUNNEL, IPPROTO_TCP, RIP1, 80);
	for (int i = 0; i < SMALL; i++) {
		struct spec k = { IPPROTO_TCP, CIP, VIP, (uint16_t)(30000 + i), 80, .df = 1, .seq = 1 };
		uint8_t *f = newbuf();
		size_t n = build(f, &k);
		assert_int_equal(xmit(f, n, &ref, 0), DP_R_OK);
	}
	for (int i = 0; i < BIG; i++) {
		struct spec k = { IPPROTO_TCP, CIP, VIP, (uint16_t)(40000 + i), 80, .plen = plen, .df = 1,
				  .seed = 200u + (unsigned)i, .seq = 1000000u * (unsigned)i };
		uint8_t *f = newbuf();
		size_t n = build(f, &k);
		struct dp_offload off = make_partial(f, MSS);
		assert_int_equal(xmit_off(f, n, &off, &ref, 0, 0), DP_R_OK);
	}
	end_burst();
	if (IO.changed)
		print_message("# %d of %d frames changed between queue and flush (first: #%d)\n", IO.changed, IO.nout,
			      IO.first_changed);
	assert_int_equal(IO.changed, 0);
	assert_int_equal(IO.nout, SMALL + BIG * SEGS);
	uint8_t *want = malloc(plen), *got = malloc(plen);
	assert_non_null(want);
	assert_non_null(got);
	for (int i = 0; i < BIG; i++) {
		pattern(want, plen, 200u + (unsigned)i);
		memset(got, 0, plen);
		assert_int_equal(tcp_segments(0, IO.nout, 20, (uint16_t)(40000 + i), 1000000u * (unsigned)i, got, plen, MSS),
				 SEGS);
		assert_memory_equal(got, want, plen);
	}
	free(want);
	free(got);
}

static void test_burst_mixed_icmp(void **state)
{
	(void)state;
	/* frag-needed errors and tunnel fragments interleaved: every ICMP
	 * error and every fragment leaves intact */
	enum { N = 48 };
	uint8_t want[N][1600];
	size_t n = 0;
	for (int i = 0; i < N; i++) {
		struct spec k = { IPPROTO_UDP, CIP, VIP, 40000, 53, .plen = 1472, .df = i & 1, .seed = 300u + (unsigned)i,
				  .id = (uint16_t)i };
		n = tun_fwd(&k, (i & 1) ? DP_R_TOO_BIG : DP_R_OK, want[i], NULL);
	}
	end_burst();
	assert_int_equal(IO.nout, N / 2 * 3);
	int seen[N] = { 0 }, icmp = 0;
	burst_check(want, n, N, seen);
	for (int i = 0; i < N; i++)
		assert_int_equal(seen[i], !(i & 1));
	for (int i = 0; i < IO.nout; i++) {
		const uint8_t *ip = IO.out[i].b + 14;
		if (ip[9] != IPPROTO_ICMP)
			continue;
		assert_l4_csum(ip);
		assert_int_equal(rd16(ip + 20 + 8 + 4) & 1, 1);      /* about an odd (DF) one */
		icmp++;
	}
	assert_int_equal(icmp, N / 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_nat_inbound, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nat_inbound_udp_nocsum, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nat_outbound, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nat_partial_csum, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dr, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tun_ipip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tun_gue, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tun_gre, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tun_partial_csum_completed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_local_delivery, setup, teardown),
		cmocka_unit_test_setup_teardown(test_local_passthru, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tun_gso_segmented, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tun_fragmented_df_clear, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nat_fragmented_df_clear, setup, teardown),
		cmocka_unit_test_setup_teardown(test_frag_needed_df_set, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ttl_exceeded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_neighbour_pending, setup, teardown),
		cmocka_unit_test_setup_teardown(test_burst_fragmented_datagrams, setup, teardown),
		cmocka_unit_test_setup_teardown(test_burst_gso_frames, setup, teardown),
		cmocka_unit_test_setup_teardown(test_burst_mixed_icmp, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
