/* test_sched_hash.c - sh, dh, mh, lblc, lblcr and SipHash.
 *
 * The oracle tables below were captured from the real kernel IPVS (Debian
 * 6.1.0-56 in /work/shared/oracle) on 2026-11-23 by sending TCP SYNs from
 * chosen client addresses (one uid per client + "ip rule uidrange" to pick
 * the source address) to VIPs and fwmark services (marks set with tc
 * skbedit on the director's ingress) and reading `ipvsadm -Lnc`.  Real
 * servers were unreachable (behind a dummy device) so every connection
 * stayed in SYN_RECV, which the 6.1 kernel counts as ACTIVE: the lblc/lblcr
 * replays below therefore bump activeconns after every pick.
 * Scripts (kept outside the tree, in /tmp/h2 on the capture host): hashA.sh
 * (sh/mh/dh), hashB.sh (lblc/lblcr), hashC.sh (IPv6), hashE.sh/hashF.sh
 * (weights, mh-port).  The real tc(8) and the sch_ingress/cls_u32/
 * act_skbedit modules came from the oracle's cached Debian packages.
 *
 * Services are driven through the real table (lvs_add_dest & co.) so the
 * scheduler hooks, last_weight, the trash and AVAILABLE behave as in the
 * daemon; a few tests call the ops directly on hand-built services.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "fixture.h"
#include "core/sched.h"

/* test-only entry of siphash.c: SipHash with c/d rounds */
uint64_t lvs_siphash_cd(const void *data, size_t len, uint64_t k0, uint64_t k1, int c, int d);

extern const struct lvs_sched_ops lvs_sched_sh, lvs_sched_dh, lvs_sched_mh, lvs_sched_lblc,
	lvs_sched_lblcr;

/* ------------------------------------------------------------ helpers */

/* the oracle's services: vip:80 (TCP, the family by the text), or an
 * IPv4 fwmark service when fwmark is not 0 */
static struct lvs_service_conf vip_conf(const char *vip, uint32_t fwmark, const char *sched, uint32_t flags)
{
	struct lvs_service_conf c = fwmark ? fwm_conf(AF_INET, fwmark, sched) : svc_conf(vip, 80, sched);

	c.flags = flags;
	return c;
}

/* real servers are NAT dests */
static void add_rs(struct lvs_table *t, const struct lvs_service_conf *s, const char *ip, uint16_t port, int weight)
{
	add_dest(t, s, ip, port, weight, LVS_CONN_F_MASQ);
}

static void edit_rs(struct lvs_table *t, const struct lvs_service_conf *s, const char *ip, uint16_t port,
		    int weight)
{
	edit_dest(t, s, ip, port, weight, LVS_CONN_F_MASQ);
}

static struct lvs_dest *pick(struct lvs_service *svc, const struct lvs_sched_pkt *p, uint64_t now)
{
	return lvs_sched_schedule(svc, p, now);
}

static const char *addr_of(const struct lvs_dest *d)
{
	static char buf[INET6_ADDRSTRLEN];

	if (!d)
		return "(none)";
	return lvs_addr_str(d->af, &d->addr, buf, sizeof(buf));
}

/* compare a pick with the oracle's answer, naming the case on failure */
static void expect_pick(const struct lvs_dest *got, const char *want, const char *what)
{
	const char *g = addr_of(got);

	if ((want == NULL) != (got == NULL) || (want && strcmp(g, want))) {
		print_error("%s: got %s, the kernel chose %s\n", what, g, want ? want : "(none)");
		fail();
	}
}

/* ------------------------------------------------------------ SipHash */

static void test_siphash24_reference_vectors(void **state)
{
	(void)state;
	/* reference SipHash-2-4 vectors (veorq/SipHash, lib/test_siphash.c):
	 * key 00..0f, message 00 01 02 ... of length i */
	static const uint64_t want[16] = {
		0x726fdb47dd0e0e31ULL, 0x74f839c593dc67fdULL, 0x0d6c8009d9a94f5aULL,
		0x85676696d7fb7e2dULL, 0xcf2794e0277187b7ULL, 0x18765564cd99a68dULL,
		0xcbc9466e58fee3ceULL, 0xab0200f58b01d137ULL, 0x93f5f5799a932462ULL,
		0x9e0082df0ba9e4b0ULL, 0x7a5dbbc594ddb9f3ULL, 0xf4b32f46226bada7ULL,
		0x751e8fbc860ee5fbULL, 0x14ea5627c0843d90ULL, 0xf723ca908e7af2eeULL,
		0xa129ca6149be45e5ULL,
	};
	uint8_t msg[16];

	for (int i = 0; i < 16; i++)
		msg[i] = (uint8_t)i;
	for (int i = 0; i < 16; i++)
		assert_int_equal(lvs_siphash_cd(msg, (size_t)i, 0x0706050403020100ULL,
						0x0f0e0d0c0b0a0908ULL, 2, 4), want[i]);
}

static void test_hsiphash_kernel_vectors(void **state)
{
	(void)state;
	/* the kernel's 64-bit hsiphash (SipHash-1-3, 32-bit result) vectors */
	static const uint32_t want[16] = {
		0x050fc4dcU, 0x7d57ca93U, 0x4dc7d44dU, 0xe7ddf7fbU, 0x88d38328U, 0x49533b67U,
		0xc59f22a7U, 0x9bb11140U, 0x8d299a8eU, 0x6c063de4U, 0x92ff097fU, 0xf94dc352U,
		0x57b4d9a2U, 0x1229ffa7U, 0xc0f95d34U, 0x2a519956U,
	};
	uint8_t msg[16];

	for (int i = 0; i < 16; i++)
		msg[i] = (uint8_t)i;
	for (int i = 0; i < 16; i++)
		assert_int_equal((uint32_t)lvs_siphash_cd(msg, (size_t)i, 0x0706050403020100ULL,
							  0x0f0e0d0c0b0a0908ULL, 1, 3), want[i]);
	/* lvs_hsiphash_u32 is that function on the 4 little-endian bytes, key (k,k) */
	uint8_t le[4] = {0x78, 0x56, 0x34, 0x12};
	assert_int_equal(lvs_hsiphash_u32(0x12345678u, 2654435761u),
			 (uint32_t)lvs_siphash_cd(le, 4, 2654435761u, 2654435761u, 1, 3));
}

static void test_mh_spec_vectors(void **state)
{
	(void)state;
	/* ip_vs_mh.c: permutation offset/skip of dests and lookup indexes */
	const uint32_t k1 = 2654435761u, k2 = 2654446892u;
	struct { const char *ip; unsigned offset, skip; } d[] = {
		{"10.0.0.1", 3167, 700}, {"10.0.0.2", 1231, 3544}, {"10.0.0.3", 1631, 3453},
	};
	for (size_t i = 0; i < 3; i++) {
		uint32_t v = 80 + ntohl(ip4(d[i].ip).ip);
		assert_int_equal(lvs_hsiphash_u32(v, k1) % 4093, d[i].offset);
		assert_int_equal(lvs_hsiphash_u32(v, k2) % 4092 + 1, d[i].skip);
	}
	assert_int_equal(lvs_hsiphash_u32(ntohl(ip4("192.168.10.5").ip), k1) % 4093, 2891);
	assert_int_equal(lvs_hsiphash_u32(ntohl(ip4("1.2.3.4").ip), k1) % 4093, 2197);
}

/* ------------------------------------------------------------ sh */

/* a client address whose sh bucket (no port) is `bucket` */
static const char *client_for_bucket(unsigned bucket)
{
	static char buf[32];

	for (uint32_t x = 0x0a000001;; x++) {
		if (lvs_hash_32(x, 8) == bucket) {
			uint32_t n = htonl(x);
			return inet_ntop(AF_INET, &n, buf, sizeof(buf));
		}
	}
}

static void test_sh_spec_buckets(void **state)
{
	(void)state;
	/* 256 dests of weight 1: bucket i holds the i-th dest in list order
	 * (newest first), so the pick names the bucket */
	struct svc_fx f = svc_fx_new(vip_conf("10.99.0.1", 0, "sh", 0));
	char ip[32];

	for (int i = 0; i < 256; i++) {
		snprintf(ip, sizeof(ip), "10.1.%d.%d", i / 200, i % 200 + 1);
		add_rs(f.t, &f.c, ip, 80, 1);
	}
	struct { const char *client; uint16_t sport; uint32_t flags; unsigned bucket; } v[] = {
		{"192.168.10.5", 0, 0, 28}, {"10.0.0.1", 0, 0, 39}, {"1.2.3.4", 0, 0, 52},
		{"192.168.10.5", 54321, LVS_SVC_F_SCHED2, 227},
		{"192.168.10.5", 54321, 0, 28}, /* the port only counts with sh-port */
	};
	for (size_t k = 0; k < sizeof(v) / sizeof(v[0]); k++) {
		f.s->flags = v[k].flags;
		struct lvs_sched_pkt p = sched_pkt(v[k].client, v[k].sport, "10.99.0.1");
		struct lvs_dest *d = pick(f.s, &p, 0);
		int added = 255 - (int)v[k].bucket; /* list is newest first */
		snprintf(ip, sizeof(ip), "10.1.%d.%d", added / 200, added % 200 + 1);
		expect_pick(d, ip, v[k].client);
	}
	/* sh-port is ignored for protocols without ports */
	f.s->flags = LVS_SVC_F_SCHED2;
	struct lvs_sched_pkt p = sched_pkt("192.168.10.5", 54321, "10.99.0.1");
	p.protocol = IPPROTO_ICMP;
	snprintf(ip, sizeof(ip), "10.1.%d.%d", (255 - 28) / 200, (255 - 28) % 200 + 1);
	expect_pick(pick(f.s, &p, 0), ip, "icmp");
	lvs_table_free(f.t);
}

static void test_sh_weight_layout(void **state)
{
	(void)state;
	/* list A(2), B(1), C(0): buckets A A B C A A B C ... (weight 0 still
	 * owns one bucket, which then answers "no destination") */
	struct svc_fx f = svc_fx_new(vip_conf("10.99.0.1", 0, "sh", 0));
	add_rs(f.t, &f.c, "192.168.1.3", 80, 0);
	add_rs(f.t, &f.c, "192.168.1.2", 80, 1);
	add_rs(f.t, &f.c, "192.168.1.1", 80, 2);
	const char *want[4] = {"192.168.1.1", "192.168.1.1", "192.168.1.2", NULL};

	for (unsigned b = 0; b < 256; b += 7) {
		struct lvs_sched_pkt p = sched_pkt(client_for_bucket(b), 0, "10.99.0.1");
		expect_pick(pick(f.s, &p, 0), want[b % 4], "bucket");
	}
	/* sh-fallback skips the weight-0 bucket: probes (offset + 2h) mod 256 */
	f.s->flags = LVS_SVC_F_SCHED1;
	struct lvs_sched_pkt p = sched_pkt(client_for_bucket(3), 0, "10.99.0.1");
	/* h = 3: probes 6 (B... 6 % 4 = 2 -> B) */
	expect_pick(pick(f.s, &p, 0), "192.168.1.2", "fallback");
	/* editing the weight rebuilds the buckets: C(1) now owns bucket 3 and
	 * A keeps two, B one: A A B C */
	edit_rs(f.t, &f.c, "192.168.1.3", 80, 1);
	f.s->flags = 0;
	expect_pick(pick(f.s, &p, 0), "192.168.1.3", "after edit");
	/* OVERLOAD makes the bucket unusable */
	struct lvs_dest *dc = find_dest(f.t, &f.c, "192.168.1.3", 80);
	assert_non_null(dc);
	dc->flags |= LVS_DEST_F_OVERLOAD;
	expect_pick(pick(f.s, &p, 0), NULL, "overloaded");
	dc->flags &= ~(uint32_t)LVS_DEST_F_OVERLOAD;
	/* no dests: no destination */
	del_dest(f.t, &f.c, "192.168.1.1", 80);
	del_dest(f.t, &f.c, "192.168.1.2", 80);
	del_dest(f.t, &f.c, "192.168.1.3", 80);
	expect_pick(pick(f.s, &p, 0), NULL, "empty");
	lvs_table_free(f.t);
}

/* ------------------------------------------------------------ oracle: sh, mh */

/* captured from the oracle, 2026-11-23 (hashA.sh): service number (VIP
 * 10.99.0.N:80), client address, client port (for sh-port / mh-port
 * services), the real server IPVS chose (NULL: no connection was created,
 * i.e. no destination available) */
static const struct { int svc; const char *client; uint16_t sport; const char *dest; } oracle_src[] = {
	{1, "192.168.10.5", 0, "192.168.1.14"},
	{1, "10.0.0.1", 0, "192.168.1.12"},
	{1, "1.2.3.4", 0, NULL},
	{1, "172.21.0.1", 0, "192.168.1.12"},
	{1, "172.21.0.2", 0, "192.168.1.12"},
	{1, "172.21.0.3", 0, "192.168.1.12"},
	{1, "172.21.0.4", 0, "192.168.1.11"},
	{1, "172.21.0.5", 0, "192.168.1.11"},
	{1, "172.21.0.6", 0, "192.168.1.14"},
	{1, "172.21.0.7", 0, "192.168.1.14"},
	{1, "172.21.0.8", 0, "192.168.1.14"},
	{1, "172.21.0.9", 0, "192.168.1.12"},
	{1, "172.21.0.10", 0, "192.168.1.12"},
	{1, "172.21.0.11", 0, "192.168.1.12"},
	{1, "172.21.0.12", 0, "192.168.1.14"},
	{1, "172.21.0.13", 0, "192.168.1.14"},
	{1, "172.21.0.14", 0, "192.168.1.14"},
	{1, "172.21.0.15", 0, "192.168.1.14"},
	{1, "172.21.0.16", 0, "192.168.1.14"},
	{1, "172.21.0.17", 0, "192.168.1.11"},
	{1, "172.21.0.18", 0, "192.168.1.12"},
	{1, "172.21.0.19", 0, "192.168.1.12"},
	{1, "172.21.0.20", 0, "192.168.1.14"},
	{1, "172.21.0.21", 0, "192.168.1.14"},
	{1, "172.21.0.22", 0, NULL},
	{1, "172.21.0.23", 0, "192.168.1.14"},
	{1, "172.21.0.24", 0, "192.168.1.14"},
	{1, "172.21.0.25", 0, "192.168.1.11"},
	{1, "172.21.0.26", 0, "192.168.1.11"},
	{1, "172.21.0.27", 0, "192.168.1.14"},
	{2, "192.168.10.5", 0, "192.168.1.14"},
	{2, "10.0.0.1", 0, "192.168.1.12"},
	{2, "1.2.3.4", 0, "192.168.1.11"},
	{2, "172.21.0.1", 0, "192.168.1.12"},
	{2, "172.21.0.2", 0, "192.168.1.12"},
	{2, "172.21.0.3", 0, "192.168.1.12"},
	{2, "172.21.0.4", 0, "192.168.1.11"},
	{2, "172.21.0.5", 0, "192.168.1.11"},
	{2, "172.21.0.6", 0, "192.168.1.14"},
	{2, "172.21.0.7", 0, "192.168.1.14"},
	{2, "172.21.0.8", 0, "192.168.1.14"},
	{2, "172.21.0.9", 0, "192.168.1.12"},
	{2, "172.21.0.10", 0, "192.168.1.12"},
	{2, "172.21.0.11", 0, "192.168.1.12"},
	{2, "172.21.0.12", 0, "192.168.1.14"},
	{2, "172.21.0.13", 0, "192.168.1.14"},
	{2, "172.21.0.14", 0, "192.168.1.14"},
	{2, "172.21.0.15", 0, "192.168.1.14"},
	{2, "172.21.0.16", 0, "192.168.1.14"},
	{2, "172.21.0.17", 0, "192.168.1.11"},
	{2, "172.21.0.18", 0, "192.168.1.12"},
	{2, "172.21.0.19", 0, "192.168.1.12"},
	{2, "172.21.0.20", 0, "192.168.1.14"},
	{2, "172.21.0.21", 0, "192.168.1.14"},
	{2, "172.21.0.22", 0, "192.168.1.11"},
	{2, "172.21.0.23", 0, "192.168.1.14"},
	{2, "172.21.0.24", 0, "192.168.1.14"},
	{2, "172.21.0.25", 0, "192.168.1.11"},
	{2, "172.21.0.26", 0, "192.168.1.11"},
	{2, "172.21.0.27", 0, "192.168.1.14"},
	{3, "192.168.10.5", 36528, "192.168.1.11"},
	{3, "10.0.0.1", 53820, "192.168.1.12"},
	{3, "10.0.0.1", 53822, "192.168.1.14"},
	{3, "1.2.3.4", 55648, "192.168.1.14"},
	{3, "1.2.3.4", 55654, "192.168.1.14"},
	{3, "172.21.0.1", 45754, "192.168.1.11"},
	{3, "172.21.0.1", 45762, "192.168.1.11"},
	{3, "172.21.0.2", 36338, "192.168.1.14"},
	{3, "172.21.0.3", 56872, "192.168.1.14"},
	{3, "172.21.0.3", 56878, "192.168.1.11"},
	{3, "172.21.0.4", 44280, "192.168.1.12"},
	{3, "172.21.0.4", 44296, "192.168.1.12"},
	{3, "172.21.0.5", 50464, "192.168.1.11"},
	{3, "172.21.0.5", 50476, "192.168.1.14"},
	{3, "172.21.0.6", 59334, "192.168.1.14"},
	{3, "172.21.0.6", 59342, "192.168.1.14"},
	{3, "172.21.0.7", 50206, "192.168.1.11"},
	{3, "172.21.0.7", 50218, "192.168.1.14"},
	{3, "172.21.0.8", 33184, "192.168.1.14"},
	{3, "172.21.0.9", 47896, "192.168.1.14"},
	{3, "172.21.0.9", 47898, "192.168.1.12"},
	{3, "172.21.0.10", 45980, "192.168.1.14"},
	{3, "172.21.0.10", 45990, "192.168.1.12"},
	{3, "172.21.0.12", 47950, "192.168.1.11"},
	{3, "172.21.0.12", 47960, "192.168.1.14"},
	{3, "172.21.0.13", 45436, "192.168.1.14"},
	{3, "172.21.0.13", 45442, "192.168.1.11"},
	{3, "172.21.0.14", 38192, "192.168.1.14"},
	{3, "172.21.0.14", 38196, "192.168.1.14"},
	{3, "172.21.0.15", 43452, "192.168.1.14"},
	{3, "172.21.0.15", 43464, "192.168.1.11"},
	{3, "172.21.0.16", 39902, "192.168.1.14"},
	{3, "172.21.0.16", 39908, "192.168.1.14"},
	{3, "172.21.0.17", 36958, "192.168.1.14"},
	{3, "172.21.0.17", 36970, "192.168.1.14"},
	{3, "172.21.0.18", 33268, "192.168.1.12"},
	{3, "172.21.0.18", 33272, "192.168.1.14"},
	{3, "172.21.0.19", 55400, "192.168.1.12"},
	{3, "172.21.0.19", 55410, "192.168.1.14"},
	{3, "172.21.0.20", 50256, "192.168.1.14"},
	{3, "172.21.0.20", 50270, "192.168.1.11"},
	{3, "172.21.0.21", 45570, "192.168.1.14"},
	{3, "172.21.0.21", 45574, "192.168.1.11"},
	{3, "172.21.0.22", 37510, "192.168.1.14"},
	{3, "172.21.0.22", 37516, "192.168.1.14"},
	{3, "172.21.0.23", 47408, "192.168.1.14"},
	{3, "172.21.0.24", 44038, "192.168.1.14"},
	{3, "172.21.0.24", 44046, "192.168.1.14"},
	{3, "172.21.0.25", 42188, "192.168.1.11"},
	{3, "172.21.0.25", 42190, "192.168.1.14"},
	{3, "172.21.0.26", 57158, "192.168.1.14"},
	{3, "172.21.0.26", 57162, "192.168.1.12"},
	{3, "172.21.0.27", 52700, "192.168.1.14"},
	{3, "172.21.0.27", 52706, "192.168.1.14"},
	{4, "192.168.10.5", 0, "10.0.0.3"},
	{4, "10.0.0.1", 0, "10.0.0.3"},
	{4, "1.2.3.4", 0, "10.0.0.2"},
	{4, "172.21.0.1", 0, "10.0.0.1"},
	{4, "172.21.0.2", 0, "10.0.0.2"},
	{4, "172.21.0.3", 0, "10.0.0.3"},
	{4, "172.21.0.4", 0, "10.0.0.2"},
	{4, "172.21.0.5", 0, "10.0.0.1"},
	{4, "172.21.0.6", 0, "10.0.0.2"},
	{4, "172.21.0.7", 0, "10.0.0.2"},
	{4, "172.21.0.8", 0, "10.0.0.1"},
	{4, "172.21.0.9", 0, "10.0.0.1"},
	{4, "172.21.0.10", 0, "10.0.0.3"},
	{4, "172.21.0.11", 0, "10.0.0.2"},
	{4, "172.21.0.12", 0, "10.0.0.3"},
	{4, "172.21.0.13", 0, "10.0.0.1"},
	{4, "172.21.0.14", 0, "10.0.0.3"},
	{4, "172.21.0.15", 0, "10.0.0.3"},
	{4, "172.21.0.16", 0, "10.0.0.1"},
	{4, "172.21.0.17", 0, "10.0.0.2"},
	{4, "172.21.0.18", 0, "10.0.0.1"},
	{4, "172.21.0.19", 0, "10.0.0.3"},
	{4, "172.21.0.20", 0, "10.0.0.3"},
	{4, "172.21.0.21", 0, "10.0.0.2"},
	{4, "172.21.0.22", 0, "10.0.0.3"},
	{4, "172.21.0.23", 0, "10.0.0.2"},
	{4, "172.21.0.24", 0, "10.0.0.3"},
	{4, "172.21.0.25", 0, "10.0.0.3"},
	{4, "172.21.0.26", 0, "10.0.0.3"},
	{4, "172.21.0.27", 0, "10.0.0.2"},
	{5, "192.168.10.5", 0, "10.0.0.3"},
	{5, "10.0.0.1", 0, "10.0.0.3"},
	{5, "1.2.3.4", 0, "10.0.0.2"},
	{5, "172.21.0.1", 0, "10.0.0.3"},
	{5, "172.21.0.2", 0, "10.0.0.2"},
	{5, "172.21.0.3", 0, "10.0.0.3"},
	{5, "172.21.0.4", 0, "10.0.0.2"},
	{5, "172.21.0.5", 0, "10.0.0.1"},
	{5, "172.21.0.6", 0, "10.0.0.2"},
	{5, "172.21.0.7", 0, "10.0.0.2"},
	{5, "172.21.0.8", 0, "10.0.0.3"},
	{5, "172.21.0.9", 0, "10.0.0.1"},
	{5, "172.21.0.10", 0, "10.0.0.3"},
	{5, "172.21.0.11", 0, "10.0.0.2"},
	{5, "172.21.0.12", 0, "10.0.0.3"},
	{5, "172.21.0.13", 0, "10.0.0.1"},
	{5, "172.21.0.14", 0, "10.0.0.3"},
	{5, "172.21.0.15", 0, "10.0.0.3"},
	{5, "172.21.0.16", 0, "10.0.0.2"},
	{5, "172.21.0.17", 0, "10.0.0.2"},
	{5, "172.21.0.18", 0, "10.0.0.3"},
	{5, "172.21.0.19", 0, "10.0.0.3"},
	{5, "172.21.0.20", 0, "10.0.0.3"},
	{5, "172.21.0.21", 0, "10.0.0.2"},
	{5, "172.21.0.22", 0, "10.0.0.3"},
	{5, "172.21.0.23", 0, "10.0.0.2"},
	{5, "172.21.0.24", 0, "10.0.0.3"},
	{5, "172.21.0.25", 0, "10.0.0.3"},
	{5, "172.21.0.26", 0, "10.0.0.3"},
	{5, "172.21.0.27", 0, "10.0.0.2"},
	{6, "192.168.10.5", 0, "10.0.0.3"},
	{6, "10.0.0.1", 0, "10.0.0.3"},
	{6, "1.2.3.4", 0, NULL},
	{6, "172.21.0.1", 0, "10.0.0.1"},
	{6, "172.21.0.2", 0, NULL},
	{6, "172.21.0.3", 0, "10.0.0.3"},
	{6, "172.21.0.4", 0, NULL},
	{6, "172.21.0.5", 0, "10.0.0.1"},
	{6, "172.21.0.6", 0, NULL},
	{6, "172.21.0.7", 0, NULL},
	{6, "172.21.0.8", 0, "10.0.0.1"},
	{6, "172.21.0.9", 0, "10.0.0.1"},
	{6, "172.21.0.10", 0, "10.0.0.3"},
	{6, "172.21.0.11", 0, NULL},
	{6, "172.21.0.12", 0, "10.0.0.3"},
	{6, "172.21.0.13", 0, "10.0.0.1"},
	{6, "172.21.0.14", 0, "10.0.0.3"},
	{6, "172.21.0.15", 0, "10.0.0.3"},
	{6, "172.21.0.16", 0, "10.0.0.1"},
	{6, "172.21.0.17", 0, NULL},
	{6, "172.21.0.18", 0, "10.0.0.1"},
	{6, "172.21.0.19", 0, "10.0.0.3"},
	{6, "172.21.0.20", 0, "10.0.0.3"},
	{6, "172.21.0.21", 0, NULL},
	{6, "172.21.0.22", 0, "10.0.0.3"},
	{6, "172.21.0.23", 0, NULL},
	{6, "172.21.0.24", 0, "10.0.0.3"},
	{6, "172.21.0.25", 0, "10.0.0.3"},
	{6, "172.21.0.26", 0, "10.0.0.3"},
	{6, "172.21.0.27", 0, NULL},
	{7, "192.168.10.5", 0, "10.0.0.3"},
	{7, "10.0.0.1", 0, "10.0.0.3"},
	{7, "1.2.3.4", 0, "10.0.0.1"},
	{7, "172.21.0.1", 0, "10.0.0.1"},
	{7, "172.21.0.2", 0, "10.0.0.3"},
	{7, "172.21.0.3", 0, "10.0.0.3"},
	{7, "172.21.0.4", 0, "10.0.0.1"},
	{7, "172.21.0.5", 0, "10.0.0.1"},
	{7, "172.21.0.6", 0, "10.0.0.3"},
	{7, "172.21.0.7", 0, "10.0.0.1"},
	{7, "172.21.0.8", 0, "10.0.0.1"},
	{7, "172.21.0.9", 0, "10.0.0.1"},
	{7, "172.21.0.10", 0, "10.0.0.3"},
	{7, "172.21.0.11", 0, "10.0.0.1"},
	{7, "172.21.0.12", 0, "10.0.0.3"},
	{7, "172.21.0.13", 0, "10.0.0.1"},
	{7, "172.21.0.14", 0, "10.0.0.3"},
	{7, "172.21.0.15", 0, "10.0.0.3"},
	{7, "172.21.0.16", 0, "10.0.0.1"},
	{7, "172.21.0.17", 0, "10.0.0.3"},
	{7, "172.21.0.18", 0, "10.0.0.1"},
	{7, "172.21.0.19", 0, "10.0.0.3"},
	{7, "172.21.0.20", 0, "10.0.0.3"},
	{7, "172.21.0.21", 0, "10.0.0.3"},
	{7, "172.21.0.22", 0, "10.0.0.3"},
	{7, "172.21.0.23", 0, "10.0.0.1"},
	{7, "172.21.0.24", 0, "10.0.0.3"},
	{7, "172.21.0.25", 0, "10.0.0.3"},
	{7, "172.21.0.26", 0, "10.0.0.3"},
	{7, "172.21.0.27", 0, "10.0.0.3"},
	{8, "192.168.10.5", 34052, "10.0.0.2"},
	{8, "192.168.10.5", 34056, "10.0.0.2"},
	{8, "10.0.0.1", 38214, "10.0.0.1"},
	{8, "10.0.0.1", 38220, "10.0.0.2"},
	{8, "1.2.3.4", 44212, "10.0.0.3"},
	{8, "1.2.3.4", 44224, "10.0.0.3"},
	{8, "172.21.0.1", 32932, "10.0.0.2"},
	{8, "172.21.0.1", 32940, "10.0.0.2"},
	{8, "172.21.0.2", 48974, "10.0.0.1"},
	{8, "172.21.0.2", 48988, "10.0.0.2"},
	{8, "172.21.0.3", 41234, "10.0.0.2"},
	{8, "172.21.0.3", 41236, "10.0.0.1"},
	{8, "172.21.0.4", 58112, "10.0.0.2"},
	{8, "172.21.0.4", 58120, "10.0.0.1"},
	{8, "172.21.0.5", 39576, "10.0.0.3"},
	{8, "172.21.0.5", 39588, "10.0.0.3"},
	{8, "172.21.0.6", 45910, "10.0.0.2"},
	{8, "172.21.0.6", 45916, "10.0.0.3"},
	{8, "172.21.0.7", 58278, "10.0.0.3"},
	{8, "172.21.0.7", 58294, "10.0.0.1"},
	{8, "172.21.0.8", 48744, "10.0.0.3"},
	{8, "172.21.0.8", 48748, "10.0.0.1"},
	{8, "172.21.0.9", 34090, "10.0.0.3"},
	{8, "172.21.0.9", 34102, "10.0.0.1"},
	{8, "172.21.0.10", 50632, "10.0.0.1"},
	{8, "172.21.0.10", 50648, "10.0.0.2"},
	{8, "172.21.0.11", 39494, "10.0.0.1"},
	{8, "172.21.0.11", 39502, "10.0.0.3"},
	{8, "172.21.0.12", 42690, "10.0.0.2"},
	{8, "172.21.0.12", 42698, "10.0.0.3"},
	{8, "172.21.0.13", 55930, "10.0.0.1"},
	{8, "172.21.0.13", 55934, "10.0.0.2"},
	{8, "172.21.0.14", 48546, "10.0.0.3"},
	{8, "172.21.0.14", 48558, "10.0.0.1"},
	{8, "172.21.0.15", 51736, "10.0.0.1"},
	{8, "172.21.0.15", 51744, "10.0.0.2"},
	{8, "172.21.0.16", 46194, "10.0.0.2"},
	{8, "172.21.0.16", 46208, "10.0.0.3"},
	{8, "172.21.0.17", 42574, "10.0.0.2"},
	{8, "172.21.0.17", 42586, "10.0.0.1"},
	{8, "172.21.0.18", 44300, "10.0.0.2"},
	{8, "172.21.0.18", 44306, "10.0.0.1"},
	{8, "172.21.0.19", 56984, "10.0.0.3"},
	{8, "172.21.0.19", 56992, "10.0.0.3"},
	{8, "172.21.0.20", 58632, "10.0.0.1"},
	{8, "172.21.0.20", 58648, "10.0.0.1"},
	{8, "172.21.0.21", 45784, "10.0.0.2"},
	{8, "172.21.0.21", 45788, "10.0.0.3"},
	{8, "172.21.0.22", 50796, "10.0.0.3"},
	{8, "172.21.0.22", 50808, "10.0.0.3"},
	{8, "172.21.0.23", 47360, "10.0.0.2"},
	{8, "172.21.0.23", 47374, "10.0.0.2"},
	{8, "172.21.0.24", 48924, "10.0.0.3"},
	{8, "172.21.0.24", 48928, "10.0.0.2"},
	{8, "172.21.0.25", 53584, "10.0.0.3"},
	{8, "172.21.0.25", 53588, "10.0.0.2"},
	{8, "172.21.0.26", 35664, "10.0.0.1"},
	{8, "172.21.0.26", 35676, "10.0.0.3"},
	{8, "172.21.0.27", 42270, "10.0.0.1"},
	{8, "172.21.0.27", 42276, "10.0.0.2"},
	{9, "192.168.10.5", 38670, "192.168.1.12"},
	{9, "10.0.0.1", 33302, "192.168.1.11"},
	{9, "1.2.3.4", 38834, "192.168.1.11"},
	{9, "172.21.0.1", 49006, "192.168.1.12"},
	{9, "172.21.0.2", 58788, "192.168.1.11"},
	{9, "172.21.0.3", 60680, "192.168.1.12"},
	{9, "172.21.0.4", 35224, "192.168.1.12"},
	{9, "172.21.0.5", 39720, "192.168.1.12"},
	{9, "172.21.0.6", 35092, "192.168.1.11"},
	{9, "172.21.0.7", 38126, "192.168.1.13"},
	{9, "172.21.0.8", 56692, "192.168.1.12"},
	{9, "172.21.0.9", 33098, "192.168.1.11"},
	{9, "172.21.0.10", 37666, "192.168.1.12"},
	{9, "172.21.0.11", 50362, "192.168.1.12"},
	{9, "172.21.0.12", 54216, "192.168.1.12"},
	{9, "172.21.0.13", 39564, "192.168.1.12"},
	{9, "172.21.0.14", 35038, "192.168.1.13"},
	{9, "172.21.0.15", 38796, "192.168.1.13"},
	{9, "172.21.0.16", 49840, "192.168.1.12"},
	{9, "172.21.0.17", 35786, "192.168.1.11"},
	{9, "172.21.0.18", 51378, "192.168.1.12"},
	{9, "172.21.0.19", 47890, "192.168.1.12"},
	{9, "172.21.0.20", 36266, "192.168.1.12"},
	{9, "172.21.0.21", 44872, "192.168.1.12"},
	{9, "172.21.0.22", 42534, "192.168.1.11"},
	{9, "172.21.0.23", 33828, "192.168.1.12"},
	{9, "172.21.0.24", 34806, "192.168.1.12"},
	{9, "172.21.0.25", 55766, "192.168.1.12"},
	{9, "172.21.0.26", 37044, "192.168.1.11"},
	{9, "172.21.0.27", 34942, "192.168.1.11"},
};

static void build_oracle_services(struct lvs_table *t, struct lvs_service *svcs[10])
{
	static const uint32_t flags[10] = {
		[2] = LVS_SVC_F_SCHED1, [3] = LVS_SVC_F_SCHED2, [7] = LVS_SVC_F_SCHED1,
		[8] = LVS_SVC_F_SCHED2, [9] = LVS_SVC_F_SCHED2,
	};
	for (int n = 1; n <= 9; n++) {
		char vip[32];
		snprintf(vip, sizeof(vip), "10.99.0.%d", n);
		const char *sched = (n <= 3 || n == 9) ? "sh" : "mh";
		struct lvs_service_conf c = vip_conf(vip, 0, sched, flags[n]);
		svcs[n] = add_svc(t, &c);
		switch (n) {
		case 1: case 2: case 3:
			add_rs(t, &c, "192.168.1.11", 80, 2);
			add_rs(t, &c, "192.168.1.12", 80, 1);
			add_rs(t, &c, "192.168.1.13", 80, 0);
			add_rs(t, &c, "192.168.1.14", 80, 3);
			break;
		case 4: case 6: case 7: case 8:
			add_rs(t, &c, "10.0.0.1", 80, 1);
			add_rs(t, &c, "10.0.0.2", 80, 1);
			add_rs(t, &c, "10.0.0.3", 80, 1);
			if (n == 6 || n == 7) /* quiesced: keeps its slots (last_weight 1) */
				edit_rs(t, &c, "10.0.0.2", 80, 0);
			break;
		case 5:
			add_rs(t, &c, "10.0.0.1", 80, 1);
			add_rs(t, &c, "10.0.0.2", 80, 2);
			add_rs(t, &c, "10.0.0.3", 80, 3);
			add_rs(t, &c, "10.0.0.4", 80, 0); /* never weighted: no slots */
			break;
		case 9: /* delete and re-add: the revived dest goes to the list head */
			add_rs(t, &c, "192.168.1.11", 80, 1);
			add_rs(t, &c, "192.168.1.12", 80, 4);
			add_rs(t, &c, "192.168.1.13", 80, 1);
			del_dest(t, &c, "192.168.1.11", 80);
			add_rs(t, &c, "192.168.1.11", 80, 2);
			break;
		}
	}
}

static void test_sh_mh_oracle(void **state)
{
	(void)state;
	struct lvs_table *t = lvs_table_new();
	struct lvs_service *svcs[10] = {0};
	char what[96];

	build_oracle_services(t, svcs);
	for (size_t i = 0; i < sizeof(oracle_src) / sizeof(oracle_src[0]); i++) {
		char vip[32];
		snprintf(vip, sizeof(vip), "10.99.0.%d", oracle_src[i].svc);
		struct lvs_sched_pkt p = sched_pkt(oracle_src[i].client, oracle_src[i].sport, vip);
		snprintf(what, sizeof(what), "%s %s:%u", vip, oracle_src[i].client, oracle_src[i].sport);
		expect_pick(pick(svcs[oracle_src[i].svc], &p, 0), oracle_src[i].dest, what);
	}
	lvs_table_free(t);
}

/* ------------------------------------------------------------ mh details */

static void test_mh_edit_and_empty(void **state)
{
	(void)state;
	struct svc_fx f = svc_fx_new(vip_conf("10.99.0.4", 0, "mh", 0));
	struct lvs_sched_pkt p = sched_pkt("1.2.3.4", 0, "10.99.0.4");

	expect_pick(pick(f.s, &p, 0), NULL, "no dests");
	add_rs(f.t, &f.c, "10.0.0.1", 80, 0); /* last_weight 0: table stays empty */
	expect_pick(pick(f.s, &p, 0), NULL, "only weight 0");
	edit_rs(f.t, &f.c, "10.0.0.1", 80, 5);
	expect_pick(pick(f.s, &p, 0), "10.0.0.1", "one dest");
	/* huge weights are shifted down (rshift) without changing a lone dest */
	edit_rs(f.t, &f.c, "10.0.0.1", 80, 65535);
	add_rs(f.t, &f.c, "10.0.0.2", 80, 1);
	struct lvs_dest *d = pick(f.s, &p, 0);
	assert_non_null(d);
	/* mh-fallback finds the other dest when the chosen one is quiesced */
	edit_rs(f.t, &f.c, addr_of(d), 80, 0);
	const char *other = strcmp(addr_of(d), "10.0.0.1") ? "10.0.0.1" : "10.0.0.2";
	char want[32];
	snprintf(want, sizeof(want), "%s", other);
	expect_pick(pick(f.s, &p, 0), NULL, "quiesced, no fallback");
	f.s->flags = LVS_SVC_F_SCHED1;
	expect_pick(pick(f.s, &p, 0), want, "quiesced, fallback");
	lvs_table_free(f.t);
}

static void test_mh_too_many_dests(void **state)
{
	(void)state;
	/* more dests than the 4093 slots: init_service and add_dest say EINVAL */
	struct lvs_service svc;
	const int n = 4094;
	struct lvs_dest *d = calloc((size_t)n, sizeof(*d));

	assert_non_null(d);
	memset(&svc, 0, sizeof(svc));
	svc.af = AF_INET;
	svc.sched = &lvs_sched_mh;
	lvs_list_init(&svc.destinations);
	for (int i = 0; i < n - 1; i++) {
		d[i].af = AF_INET;
		d[i].addr.ip = htonl(0x0a000000u + (uint32_t)i);
		d[i].port = 80;
		d[i].weight = d[i].last_weight = 1;
		d[i].flags = LVS_DEST_F_AVAILABLE;
		lvs_list_add(&d[i].n_list, &svc.destinations);
		svc.num_dests++;
	}
	assert_int_equal(lvs_sched_bind(&svc), 0);
	struct lvs_sched_pkt p = sched_pkt("1.2.3.4", 0, "10.99.0.4");
	struct lvs_dest *before = pick(&svc, &p, 0);
	assert_non_null(before);
	d[n - 1] = d[0];
	d[n - 1].addr.ip = htonl(0x0b000000u);
	lvs_list_add(&d[n - 1].n_list, &svc.destinations);
	svc.num_dests++;
	assert_int_equal(lvs_sched_dest_added(&svc, &d[n - 1]), -EINVAL);
	/* the old table stays in force */
	assert_ptr_equal(pick(&svc, &p, 0), before);
	lvs_sched_unbind(&svc);
	svc.sched_data = NULL;
	assert_int_equal(lvs_sched_bind(&svc), -EINVAL);
	assert_null(svc.sched_data);
	free(d);
}

/* ------------------------------------------------------------ dh */

/* captured from the oracle, 2026-11-23 (hashA.sh): FWM 1 dh with dests
 * 192.168.1.11 w1, .12 w1, .13 w0, .14 w1 (added in that order, then .12
 * edited to w5), one SYN to each destination address 10.99.2.N */
static const struct { const char *daddr; const char *dest; } oracle_dh[] = {
	{"10.99.2.1", "192.168.1.12"},
	{"10.99.2.2", "192.168.1.14"},
	{"10.99.2.3", NULL},
	{"10.99.2.4", "192.168.1.11"},
	{"10.99.2.5", NULL},
	{"10.99.2.6", "192.168.1.11"},
	{"10.99.2.7", "192.168.1.14"},
	{"10.99.2.8", "192.168.1.12"},
	{"10.99.2.9", "192.168.1.14"},
	{"10.99.2.10", "192.168.1.12"},
	{"10.99.2.11", "192.168.1.14"},
	{"10.99.2.12", NULL},
	{"10.99.2.13", "192.168.1.11"},
	{"10.99.2.14", NULL},
	{"10.99.2.15", "192.168.1.11"},
	{"10.99.2.16", NULL},
	{"10.99.2.17", "192.168.1.12"},
	{"10.99.2.18", "192.168.1.14"},
	{"10.99.2.19", "192.168.1.12"},
	{"10.99.2.20", "192.168.1.14"},
	{"10.99.2.21", NULL},
	{"10.99.2.22", "192.168.1.11"},
	{"10.99.2.23", NULL},
	{"10.99.2.24", "192.168.1.11"},
	{"10.99.2.25", NULL},
	{"10.99.2.26", "192.168.1.12"},
	{"10.99.2.27", "192.168.1.14"},
	{"10.99.2.28", "192.168.1.12"},
	{"10.99.2.29", "192.168.1.14"},
	{"10.99.2.30", "192.168.1.12"},
	{"10.99.2.31", "192.168.1.11"},
	{"10.99.2.32", NULL},
	{"10.99.2.33", "192.168.1.11"},
	{"10.99.2.34", NULL},
	{"10.99.2.35", "192.168.1.12"},
	{"10.99.2.36", "192.168.1.14"},
	{"10.99.2.37", "192.168.1.12"},
	{"10.99.2.38", "192.168.1.14"},
	{"10.99.2.39", "192.168.1.12"},
	{"10.99.2.40", "192.168.1.11"},
	{"10.99.2.41", NULL},
	{"10.99.2.42", "192.168.1.11"},
	{"10.99.2.43", NULL},
	{"10.99.2.44", "192.168.1.12"},
	{"10.99.2.45", "192.168.1.14"},
	{"10.99.2.46", "192.168.1.12"},
	{"10.99.2.47", "192.168.1.14"},
	{"10.99.2.48", "192.168.1.12"},
	{"10.99.2.49", "192.168.1.11"},
	{"10.99.2.50", NULL},
	{"10.99.2.51", "192.168.1.11"},
	{"10.99.2.52", NULL},
	{"10.99.2.53", "192.168.1.11"},
	{"10.99.2.54", "192.168.1.14"},
	{"10.99.2.55", "192.168.1.12"},
	{"10.99.2.56", "192.168.1.14"},
	{"10.99.2.57", "192.168.1.12"},
	{"10.99.2.58", "192.168.1.11"},
	{"10.99.2.59", NULL},
	{"10.99.2.60", "192.168.1.11"},
};

static void test_dh_oracle(void **state)
{
	(void)state;
	struct svc_fx f = svc_fx_new(vip_conf(NULL, 1, "dh", 0));

	add_rs(f.t, &f.c, "192.168.1.11", 0, 1);
	add_rs(f.t, &f.c, "192.168.1.12", 0, 1);
	add_rs(f.t, &f.c, "192.168.1.13", 0, 0);
	add_rs(f.t, &f.c, "192.168.1.14", 0, 1);
	edit_rs(f.t, &f.c, "192.168.1.12", 0, 5);
	for (size_t i = 0; i < sizeof(oracle_dh) / sizeof(oracle_dh[0]); i++) {
		struct lvs_sched_pkt p = sched_pkt("172.20.0.100", 40000, oracle_dh[i].daddr);
		p.mark = 1;
		expect_pick(pick(f.s, &p, 0), oracle_dh[i].dest, oracle_dh[i].daddr);
	}
	/* the source does not matter */
	struct lvs_sched_pkt p = sched_pkt("1.2.3.4", 1, oracle_dh[0].daddr);
	expect_pick(pick(f.s, &p, 0), oracle_dh[0].dest, "other source");
	lvs_table_free(f.t);
}

static void test_dh_rules(void **state)
{
	(void)state;
	struct svc_fx f = svc_fx_new(vip_conf(NULL, 1, "dh", 0));
	struct lvs_sched_pkt p = sched_pkt("1.2.3.4", 1, "10.99.2.1");

	expect_pick(pick(f.s, &p, 0), NULL, "empty");
	add_rs(f.t, &f.c, "192.168.1.11", 0, 1);
	expect_pick(pick(f.s, &p, 0), "192.168.1.11", "single");
	/* weight 0: no destination, and no fallback to another dest */
	add_rs(f.t, &f.c, "192.168.1.12", 0, 1);
	struct lvs_dest *d = pick(f.s, &p, 0);
	assert_non_null(d);
	char ip[32];
	snprintf(ip, sizeof(ip), "%s", addr_of(d));
	edit_rs(f.t, &f.c, ip, 0, 0);
	expect_pick(pick(f.s, &p, 0), NULL, "weight 0");
	edit_rs(f.t, &f.c, ip, 0, 3);
	expect_pick(pick(f.s, &p, 0), ip, "weight back");
	d->flags |= LVS_DEST_F_OVERLOAD;
	expect_pick(pick(f.s, &p, 0), NULL, "overloaded");
	d->flags &= ~(uint32_t)LVS_DEST_F_OVERLOAD;
	/* a dest that is not AVAILABLE is refused (only reachable by hand:
	 * the table rebuilds on delete) */
	d->flags &= ~(uint32_t)LVS_DEST_F_AVAILABLE;
	expect_pick(pick(f.s, &p, 0), NULL, "unavailable");
	d->flags |= LVS_DEST_F_AVAILABLE;
	lvs_table_free(f.t);
}

/* ------------------------------------------------------------ lblc / lblcr */

/* captured from the oracle, 2026-11-23 (hashB.sh): FWM 2 lblc / FWM 3 lblcr,
 * dests 192.168.1.11 w1, .12 w2, .13 w1 added in that order (list .13 .12
 * .11).  Each row is one new connection (from a new client address) to
 * 10.99.3.N (lblc) / 10.99.4.N (lblcr) and the dest chosen.  Phases:
 * 1: 10 conns; 2: .12 edited to w0, 6 conns; 3: .13 deleted, 6 conns;
 * 4: .13 re-added w1 and .12 edited to w2, 5 conns; 5 (lblcr only):
 * lblcr_expiration = 1 s, sleep 1.3 s, 4 conns, sleep 1.3 s, 4 conns. */
struct seq_row { int daddr; const char *dest; };
static const struct seq_row oracle_lblc[] = {
	{1, "192.168.1.13"},
	{2, "192.168.1.12"},
	{3, "192.168.1.11"},
	{1, "192.168.1.13"},
	{4, "192.168.1.12"},
	{5, "192.168.1.12"},
	{2, "192.168.1.12"},
	{6, "192.168.1.11"},
	{1, "192.168.1.13"},
	{3, "192.168.1.11"},
	{1, "192.168.1.13"},
	{2, "192.168.1.11"},
	{3, "192.168.1.11"},
	{4, "192.168.1.13"},
	{5, "192.168.1.13"},
	{6, "192.168.1.11"},
	{1, "192.168.1.11"},
	{2, "192.168.1.11"},
	{3, "192.168.1.11"},
	{4, "192.168.1.11"},
	{5, "192.168.1.11"},
	{6, "192.168.1.11"},
	{1, "192.168.1.11"},
	{2, "192.168.1.11"},
	{3, "192.168.1.11"},
	{7, "192.168.1.12"},
	{8, "192.168.1.12"},
};
static const struct seq_row oracle_lblcr[] = {
	{1, "192.168.1.13"},
	{2, "192.168.1.12"},
	{3, "192.168.1.11"},
	{1, "192.168.1.13"},
	{4, "192.168.1.12"},
	{5, "192.168.1.12"},
	{2, "192.168.1.12"},
	{6, "192.168.1.11"},
	{1, "192.168.1.13"},
	{3, "192.168.1.11"},
	{1, "192.168.1.13"},
	{2, "192.168.1.11"},
	{3, "192.168.1.11"},
	{4, "192.168.1.13"},
	{5, "192.168.1.13"},
	{6, "192.168.1.11"},
	{1, "192.168.1.11"},
	{2, "192.168.1.11"},
	{3, "192.168.1.11"},
	{4, "192.168.1.11"},
	{5, "192.168.1.11"},
	{6, "192.168.1.11"},
	{1, "192.168.1.13"},
	{2, "192.168.1.12"},
	{3, "192.168.1.11"},
	{7, "192.168.1.12"},
	{8, "192.168.1.12"},
	{1, "192.168.1.13"},
	{2, "192.168.1.12"},
	{3, "192.168.1.11"},
	{4, "192.168.1.12"},
	{1, "192.168.1.13"},
	{2, "192.168.1.12"},
	{3, "192.168.1.11"},
	{4, "192.168.1.12"},
};

static void replay(struct lvs_table *t, const struct lvs_service_conf *c, struct lvs_service *svc,
		   int net, const struct seq_row *rows, size_t nrows, uint64_t *now)
{
	static const int phase_end[] = {10, 16, 22, 27, 31, 35};
	size_t phase = 0;
	char daddr[32], what[64];

	for (size_t i = 0; i < nrows; i++) {
		while (phase < 6 && i == (size_t)phase_end[phase]) {
			phase++;
			switch (phase) {
			case 1: edit_rs(t, c, "192.168.1.12", 0, 0); break;
			case 2: del_dest(t, c, "192.168.1.13", 0); break;
			case 3:
				add_rs(t, c, "192.168.1.13", 0, 1);
				edit_rs(t, c, "192.168.1.12", 0, 2);
				break;
			case 4:
				lvs_lblcr_set_expiration_ms(1000);
				*now += 1300;
				break;
			case 5: *now += 1300; break;
			}
		}
		snprintf(daddr, sizeof(daddr), "10.99.%d.%d", net, rows[i].daddr);
		struct lvs_sched_pkt p = sched_pkt("172.22.0.1", 30000, daddr);
		struct lvs_dest *d = pick(svc, &p, *now);
		snprintf(what, sizeof(what), "conn %zu to %s", i + 1, daddr);
		expect_pick(d, rows[i].dest, what);
		if (d) /* the new connection: SYN_RECV counts as active in 6.1 */
			__atomic_add_fetch(&d->activeconns, 1, __ATOMIC_RELAXED);
		*now += 300; /* about one request every 0.3 s in the capture */
	}
}

/* FWM mark of sched with the capture's three dests, replayed against
 * rows (to 10.99.net.N); entries: its cache size, 8 at the end */
static void replay_oracle(const char *sched, uint32_t mark, int net, const struct seq_row *rows, size_t nrows,
			  int (*entries)(const struct lvs_service *))
{
	struct svc_fx f = svc_fx_new(vip_conf(NULL, mark, sched, 0));
	uint64_t now = 1000;

	add_rs(f.t, &f.c, "192.168.1.11", 0, 1);
	add_rs(f.t, &f.c, "192.168.1.12", 0, 2);
	add_rs(f.t, &f.c, "192.168.1.13", 0, 1);
	replay(f.t, &f.c, f.s, net, rows, nrows, &now);
	assert_int_equal(entries(f.s), 8);
	lvs_lblcr_set_expiration_ms(LVS_LBLC_EXPIRATION_DEFAULT_MS);
	lvs_table_free(f.t);
}

static void test_lblc_oracle(void **state)
{
	(void)state;
	replay_oracle("lblc", 2, 3, oracle_lblc, sizeof(oracle_lblc) / sizeof(oracle_lblc[0]), lvs_lblc_cache_entries);
}

static void test_lblcr_oracle(void **state)
{
	(void)state;
	replay_oracle("lblcr", 3, 4, oracle_lblcr, sizeof(oracle_lblcr) / sizeof(oracle_lblcr[0]),
		      lvs_lblcr_cache_entries);
}

static struct lvs_dest *find_rs(struct lvs_service *svc, const char *ip, uint16_t port)
{
	union lvs_addr a = ip4(ip);
	struct lvs_dest *d = lvs_dest_lookup(svc, AF_INET, &a, port);
	assert_non_null(d);
	return d;
}

static void set_active(struct lvs_dest *d, int n)
{
	__atomic_store_n(&d->activeconns, n, __ATOMIC_RELAXED);
}

static void test_lblc_overload_rule(void **state)
{
	(void)state;
	struct svc_fx f = svc_fx_new(vip_conf(NULL, 2, "lblc", 0));
	add_rs(f.t, &f.c, "192.168.1.2", 0, 4); /* B */
	add_rs(f.t, &f.c, "192.168.1.1", 0, 2); /* A, list head */
	struct lvs_dest *a = find_rs(f.s, "192.168.1.1", 0), *b = find_rs(f.s, "192.168.1.2", 0);
	struct lvs_sched_pkt p = sched_pkt("1.1.1.1", 1, "10.99.3.1");

	expect_pick(pick(f.s, &p, 0), "192.168.1.1", "first: wlc, newest wins ties");
	assert_int_equal(a->refcnt, 2); /* the cache holds A */
	/* A above its weight, but nobody is below half of its weight */
	set_active(a, 3);
	set_active(b, 2); /* 2*2 < 4 is false */
	expect_pick(pick(f.s, &p, 0), "192.168.1.1", "A busy, B not idle enough");
	/* the OVERLOAD flag of the cached dest is not looked at */
	a->flags |= LVS_DEST_F_OVERLOAD;
	expect_pick(pick(f.s, &p, 0), "192.168.1.1", "OVERLOAD flag ignored on a hit");
	a->flags &= ~(uint32_t)LVS_DEST_F_OVERLOAD;
	/* now B has activeconns*2 < weight: A counts as overloaded, wlc picks
	 * B (768*4 > 256*2) and the entry moves to B */
	set_active(b, 1);
	expect_pick(pick(f.s, &p, 0), "192.168.1.2", "A overloaded");
	assert_int_equal(a->refcnt, 1);
	assert_int_equal(b->refcnt, 2);
	set_active(b, 3);
	expect_pick(pick(f.s, &p, 0), "192.168.1.2", "cached B");
	/* weight 0 invalidates the entry; wlc skips weight 0 */
	edit_rs(f.t, &f.c, "192.168.1.2", 0, 0);
	expect_pick(pick(f.s, &p, 0), "192.168.1.1", "B quiesced");
	/* a deleted dest loses AVAILABLE: the entry is not used (but is still
	 * referenced until replaced, keeping the trashed dest alive) */
	edit_rs(f.t, &f.c, "192.168.1.2", 0, 4);
	set_active(a, 0);
	set_active(b, 0);
	struct lvs_sched_pkt q = sched_pkt("1.1.1.1", 1, "10.99.3.2");
	expect_pick(pick(f.s, &q, 0), "192.168.1.1", "new entry -> A");
	del_dest(f.t, &f.c, "192.168.1.1", 0);
	assert_int_equal(a->refcnt, 3); /* table trash + both cache entries */
	expect_pick(pick(f.s, &q, 0), "192.168.1.2", "cached dest deleted");
	assert_int_equal(a->refcnt, 2); /* 10.99.3.1 still points at A */
	/* no usable dest at all: none, and the cache is left alone */
	edit_rs(f.t, &f.c, "192.168.1.2", 0, 0);
	expect_pick(pick(f.s, &q, 0), NULL, "nothing usable");
	assert_int_equal(lvs_lblc_cache_entries(f.s), 2);
	lvs_table_free(f.t);
}

static void test_lblcr_set_rules(void **state)
{
	(void)state;
	struct svc_fx f = svc_fx_new(vip_conf(NULL, 3, "lblcr", 0));
	add_rs(f.t, &f.c, "192.168.1.2", 0, 1); /* B */
	add_rs(f.t, &f.c, "192.168.1.1", 0, 1); /* A, list head */
	struct lvs_dest *a = find_rs(f.s, "192.168.1.1", 0), *b = find_rs(f.s, "192.168.1.2", 0);
	struct lvs_sched_pkt p = sched_pkt("1.1.1.1", 1, "10.99.4.1");

	lvs_lblcr_set_expiration_ms(10000);
	expect_pick(pick(f.s, &p, 1000), "192.168.1.1", "miss -> wlc");
	/* A overloaded (2 > 1 while B has 0*2 < 1): wlc adds B to the set */
	set_active(a, 2);
	expect_pick(pick(f.s, &p, 2000), "192.168.1.2", "A overloaded");
	assert_int_equal(a->refcnt, 2);
	assert_int_equal(b->refcnt, 2);
	/* the set's least loaded member is used */
	set_active(b, 1);
	expect_pick(pick(f.s, &p, 3000), "192.168.1.2", "set min");
	/* set unmodified for exactly the expiration: kept (strictly after) */
	expect_pick(pick(f.s, &p, 12000), "192.168.1.2", "not yet expired");
	assert_int_equal(a->refcnt, 2);
	/* one ms later the most loaded member (A, 512/1) leaves the set; the
	 * pick was made before, from the whole set */
	expect_pick(pick(f.s, &p, 12001), "192.168.1.2", "shrink");
	assert_int_equal(a->refcnt, 1);
	assert_int_equal(b->refcnt, 2);
	/* a one-member set never shrinks */
	expect_pick(pick(f.s, &p, 50000), "192.168.1.2", "single member");
	assert_int_equal(b->refcnt, 2);
	/* a quiesced member is skipped by set_min: wlc adds A back */
	edit_rs(f.t, &f.c, "192.168.1.2", 0, 0);
	set_active(a, 0);
	expect_pick(pick(f.s, &p, 51000), "192.168.1.1", "member quiesced");
	assert_int_equal(a->refcnt, 2);
	/* set_max only considers weight > 0: with B quiesced, A is the one
	 * removed after expiry, and the pick is still A */
	expect_pick(pick(f.s, &p, 62000), "192.168.1.1", "shrink skips weight 0");
	assert_int_equal(a->refcnt, 1);
	assert_int_equal(b->refcnt, 2);
	/* the set is now {B(w0)}: nothing usable in it, wlc adds A again */
	expect_pick(pick(f.s, &p, 63000), "192.168.1.1", "re-added");
	assert_int_equal(lvs_lblcr_cache_entries(f.s), 1);
	lvs_lblcr_set_expiration_ms(LVS_LBLC_EXPIRATION_DEFAULT_MS);
	lvs_table_free(f.t);
}

static void tick_until(struct lvs_service *svc, uint64_t *now, uint64_t until)
{
	for (; *now <= until; *now += 1000)
		svc->sched->tick(svc, *now);
}

static void fill_cache(struct lvs_service *svc, int n, uint64_t now)
{
	for (int i = 0; i < n; i++) {
		char daddr[32];
		snprintf(daddr, sizeof(daddr), "10.%d.%d.%d", 100 + i / 65536, (i / 256) % 256, i % 256);
		struct lvs_sched_pkt p = sched_pkt("1.1.1.1", 1, daddr);
		assert_non_null(pick(svc, &p, now));
	}
}

static void gc_full_expiry(const char *sched, void (*set_exp)(uint64_t),
			   int (*entries)(const struct lvs_service *))
{
	struct svc_fx f = svc_fx_new(vip_conf(NULL, 2, sched, 0));
	uint64_t now = 0;

	add_rs(f.t, &f.c, "192.168.1.1", 0, 1);
	set_exp(10 * 60 * 1000); /* 10 min */
	f.s->sched->tick(f.s, now); /* arms the 60 s timer: checks at 60 s, 120 s, ... */
	fill_cache(f.s, 3, 1000);
	struct lvs_sched_pkt keep = sched_pkt("1.1.1.1", 1, "10.100.0.0");
	/* entries idle longer than the expiration survive until the 30th check */
	tick_until(f.s, &now, 29 * 60000 + 59000);
	assert_int_equal(entries(f.s), 3);
	assert_non_null(pick(f.s, &keep, now)); /* refreshed: survives */
	tick_until(f.s, &now, 30 * 60000);
	assert_int_equal(entries(f.s), 1);
	/* the next full check is 30 checks later */
	tick_until(f.s, &now, 59 * 60000 + 59000);
	assert_int_equal(entries(f.s), 1);
	tick_until(f.s, &now, 60 * 60000);
	assert_int_equal(entries(f.s), 0);
	set_exp(LVS_LBLC_EXPIRATION_DEFAULT_MS);
	lvs_table_free(f.t);
}

static void test_lblc_gc_full_expiry(void **state)
{
	(void)state;
	gc_full_expiry("lblc", lvs_lblc_set_expiration_ms, lvs_lblc_cache_entries);
}

static void test_lblcr_gc_full_expiry(void **state)
{
	(void)state;
	gc_full_expiry("lblcr", lvs_lblcr_set_expiration_ms, lvs_lblcr_cache_entries);
}

static void gc_over_max(const char *sched, int (*entries)(const struct lvs_service *))
{
	struct svc_fx f = svc_fx_new(vip_conf(NULL, 2, sched, 0));
	uint64_t now = 0;

	add_rs(f.t, &f.c, "192.168.1.1", 0, 1);
	f.s->sched->tick(f.s, now);
	/* no entries beyond 24576; the chosen dest is still returned */
	fill_cache(f.s, 30000, 1000);
	assert_int_equal(entries(f.s), 24576);
	/* above 16384: each check drops entries idle >= 6 min, bucket by
	 * bucket, until min((entries - 16384) * 4/3, 8192) are gone */
	tick_until(f.s, &now, 6 * 60000);
	assert_int_equal(entries(f.s), 24576); /* nothing idle 6 min yet */
	tick_until(f.s, &now, 7 * 60000);
	int left = entries(f.s);
	assert_true(left <= 24576 - 8192);
	assert_true(left > 24576 - 8192 - 200);
	tick_until(f.s, &now, 8 * 60000);
	int left2 = entries(f.s);
	int goal = (left - 16384) * 4 / 3;
	assert_true(left2 <= left - goal);
	assert_true(left2 > left - goal - 200);
	/* at or below 16384 the partial scan stops */
	tick_until(f.s, &now, 9 * 60000);
	assert_true(entries(f.s) <= 16384);
	int left3 = entries(f.s);
	tick_until(f.s, &now, 12 * 60000);
	assert_int_equal(entries(f.s), left3);
	lvs_table_free(f.t);
}

static void test_lblc_gc_over_max(void **state)
{
	(void)state;
	gc_over_max("lblc", lvs_lblc_cache_entries);
}

static void test_lblcr_gc_over_max(void **state)
{
	(void)state;
	gc_over_max("lblcr", lvs_lblcr_cache_entries);
}

static void test_expiration_setters(void **state)
{
	(void)state;
	assert_int_equal(lvs_lblc_get_expiration_ms(), LVS_LBLC_EXPIRATION_DEFAULT_MS);
	assert_int_equal(lvs_lblcr_get_expiration_ms(), LVS_LBLC_EXPIRATION_DEFAULT_MS);
	lvs_lblc_set_expiration_ms(UINT64_MAX); /* clamped: no overflow in lastuse + exp */
	assert_int_equal(lvs_lblc_get_expiration_ms(), LVS_LBLC_EXPIRATION_MAX_MS);
	lvs_lblc_set_expiration_ms(LVS_LBLC_EXPIRATION_DEFAULT_MS);
	/* not an lblc service: 0 */
	struct lvs_service svc;
	memset(&svc, 0, sizeof(svc));
	assert_int_equal(lvs_lblc_cache_entries(&svc), 0);
	assert_int_equal(lvs_lblcr_cache_entries(&svc), 0);
}

/* ------------------------------------------------------------ IPv6 */

/* captured from the oracle, 2026-11-23 (hashC.sh): VIP [2001:db8:99::N]:80;
 * 1: sh, dests ::11 w2, ::12 w1, ::13 w0, ::14 w3 (port 80, added in that
 * order); 2: same with sh-fallback,sh-port; 3: mh, ::11 ::12 ::13 w1;
 * 4: mh-port, ::11 w2, ::12 w3, ::13 w4, port 8080 (dests are 2001:db8:1::X) */
static const struct { int svc; const char *client; uint16_t sport; const char *dest; } oracle_v6[] = {
	{1, "2001:db8:21::1", 0, NULL},
	{1, "2001:db8:21::2", 0, NULL},
	{1, "2001:db8:ffff:1234::5678", 0, "2001:db8:1::12"},
	{1, "2001:db8:21::957", 0, "2001:db8:1::14"},
	{1, "2001:db8:21::c74", 0, "2001:db8:1::14"},
	{1, "2001:db8:21::f91", 0, NULL},
	{1, "2001:db8:21::12ae", 0, "2001:db8:1::12"},
	{1, "2001:db8:21::15cb", 0, "2001:db8:1::14"},
	{1, "2001:db8:21::18e8", 0, "2001:db8:1::14"},
	{1, "2001:db8:21::1c05", 0, "2001:db8:1::14"},
	{1, "2001:db8:21::1f22", 0, "2001:db8:1::14"},
	{1, "2001:db8:21::223f", 0, NULL},
	{1, "2001:db8:21::255c", 0, "2001:db8:1::11"},
	{2, "2001:db8:21::12ae", 36630, "2001:db8:1::11"},
	{2, "2001:db8:21::12ae", 36638, "2001:db8:1::11"},
	{2, "2001:db8:21::15cb", 60876, "2001:db8:1::12"},
	{2, "2001:db8:21::15cb", 60884, "2001:db8:1::14"},
	{2, "2001:db8:21::18e8", 41744, "2001:db8:1::12"},
	{2, "2001:db8:21::18e8", 41758, "2001:db8:1::14"},
	{2, "2001:db8:21::1", 58508, "2001:db8:1::11"},
	{2, "2001:db8:21::1", 58512, "2001:db8:1::12"},
	{2, "2001:db8:21::1c05", 56678, "2001:db8:1::12"},
	{2, "2001:db8:21::1c05", 56682, "2001:db8:1::11"},
	{2, "2001:db8:21::1f22", 54880, "2001:db8:1::14"},
	{2, "2001:db8:21::1f22", 54892, "2001:db8:1::11"},
	{2, "2001:db8:21::223f", 37972, "2001:db8:1::11"},
	{2, "2001:db8:21::223f", 37976, "2001:db8:1::14"},
	{2, "2001:db8:21::255c", 59746, "2001:db8:1::11"},
	{2, "2001:db8:21::255c", 59748, "2001:db8:1::12"},
	{2, "2001:db8:21::2", 33352, "2001:db8:1::11"},
	{2, "2001:db8:21::2", 33368, "2001:db8:1::14"},
	{2, "2001:db8:21::957", 50334, "2001:db8:1::14"},
	{2, "2001:db8:21::957", 50338, "2001:db8:1::11"},
	{2, "2001:db8:21::c74", 35740, "2001:db8:1::14"},
	{2, "2001:db8:21::c74", 35756, "2001:db8:1::14"},
	{2, "2001:db8:21::f91", 56244, "2001:db8:1::12"},
	{2, "2001:db8:21::f91", 56256, "2001:db8:1::14"},
	{2, "2001:db8:ffff:1234::5678", 45458, "2001:db8:1::11"},
	{2, "2001:db8:ffff:1234::5678", 45470, "2001:db8:1::11"},
	{3, "2001:db8:21::1", 0, "2001:db8:1::11"},
	{3, "2001:db8:21::2", 0, "2001:db8:1::12"},
	{3, "2001:db8:ffff:1234::5678", 0, "2001:db8:1::13"},
	{3, "2001:db8:21::957", 0, "2001:db8:1::11"},
	{3, "2001:db8:21::c74", 0, "2001:db8:1::12"},
	{3, "2001:db8:21::f91", 0, "2001:db8:1::12"},
	{3, "2001:db8:21::12ae", 0, "2001:db8:1::12"},
	{3, "2001:db8:21::15cb", 0, "2001:db8:1::12"},
	{3, "2001:db8:21::18e8", 0, "2001:db8:1::12"},
	{3, "2001:db8:21::1c05", 0, "2001:db8:1::11"},
	{3, "2001:db8:21::1f22", 0, "2001:db8:1::12"},
	{3, "2001:db8:21::223f", 0, "2001:db8:1::12"},
	{3, "2001:db8:21::255c", 0, "2001:db8:1::12"},
	{4, "2001:db8:21::12ae", 57920, "2001:db8:1::13"},
	{4, "2001:db8:21::12ae", 57928, "2001:db8:1::12"},
	{4, "2001:db8:21::15cb", 48114, "2001:db8:1::13"},
	{4, "2001:db8:21::15cb", 48122, "2001:db8:1::12"},
	{4, "2001:db8:21::18e8", 34400, "2001:db8:1::13"},
	{4, "2001:db8:21::18e8", 34406, "2001:db8:1::12"},
	{4, "2001:db8:21::1", 53020, "2001:db8:1::11"},
	{4, "2001:db8:21::1", 53036, "2001:db8:1::12"},
	{4, "2001:db8:21::1c05", 53674, "2001:db8:1::13"},
	{4, "2001:db8:21::1c05", 53676, "2001:db8:1::11"},
	{4, "2001:db8:21::1f22", 58840, "2001:db8:1::11"},
	{4, "2001:db8:21::1f22", 58846, "2001:db8:1::12"},
	{4, "2001:db8:21::223f", 54480, "2001:db8:1::13"},
	{4, "2001:db8:21::223f", 54496, "2001:db8:1::12"},
	{4, "2001:db8:21::255c", 45874, "2001:db8:1::12"},
	{4, "2001:db8:21::255c", 45890, "2001:db8:1::12"},
	{4, "2001:db8:21::2", 35522, "2001:db8:1::13"},
	{4, "2001:db8:21::2", 35524, "2001:db8:1::13"},
	{4, "2001:db8:21::957", 48432, "2001:db8:1::11"},
	{4, "2001:db8:21::957", 48448, "2001:db8:1::13"},
	{4, "2001:db8:21::c74", 35754, "2001:db8:1::12"},
	{4, "2001:db8:21::c74", 35766, "2001:db8:1::13"},
	{4, "2001:db8:21::f91", 42002, "2001:db8:1::12"},
	{4, "2001:db8:21::f91", 42012, "2001:db8:1::13"},
	{4, "2001:db8:ffff:1234::5678", 48804, "2001:db8:1::13"},
	{4, "2001:db8:ffff:1234::5678", 48820, "2001:db8:1::12"},
};
/* FWM 4 IPv6 dh, dests 2001:db8:1::11 .. ::15 w1 added in that order */
static const struct { const char *daddr; const char *dest; } oracle_v6_dh[] = {
	{"2001:db8:98::1", "2001:db8:1::11"},
	{"2001:db8:98::2", "2001:db8:1::15"},
	{"2001:db8:98::3", "2001:db8:1::12"},
	{"2001:db8:98::4", "2001:db8:1::15"},
	{"2001:db8:98::5", "2001:db8:1::12"},
	{"2001:db8:98::6", "2001:db8:1::14"},
	{"2001:db8:98::7", "2001:db8:1::13"},
	{"2001:db8:98::8", "2001:db8:1::13"},
	{"2001:db8:98::9", "2001:db8:1::11"},
	{"2001:db8:98::10", "2001:db8:1::13"},
	{"2001:db8:98::11", "2001:db8:1::15"},
	{"2001:db8:98::12", "2001:db8:1::13"},
	{"2001:db8:98::13", "2001:db8:1::15"},
	{"2001:db8:98::14", "2001:db8:1::14"},
	{"2001:db8:98::15", "2001:db8:1::11"},
	{"2001:db8:98::16", "2001:db8:1::13"},
	{"2001:db8:98::17", "2001:db8:1::11"},
	{"2001:db8:98::18", "2001:db8:1::12"},
	{"2001:db8:98::19", "2001:db8:1::14"},
	{"2001:db8:98::20", "2001:db8:1::11"},
	{"2001:db8:98::21", "2001:db8:1::13"},
	{"2001:db8:98::22", "2001:db8:1::12"},
	{"2001:db8:98::23", "2001:db8:1::14"},
	{"2001:db8:98::24", "2001:db8:1::11"},
	{"2001:db8:98::25", "2001:db8:1::14"},
	{"2001:db8:98::26", "2001:db8:1::11"},
	{"2001:db8:98::27", "2001:db8:1::15"},
	{"2001:db8:98::28", "2001:db8:1::15"},
	{"2001:db8:98::29", "2001:db8:1::13"},
	{"2001:db8:98::30", "2001:db8:1::15"},
};

static void test_ipv6_oracle(void **state)
{
	(void)state;
	struct lvs_table *t = lvs_table_new();
	struct lvs_service *svcs[5];
	static const char *sched[5] = {NULL, "sh", "sh", "mh", "mh"};
	static const uint32_t flags[5] = {0, 0, LVS_SVC_F_SCHED1 | LVS_SVC_F_SCHED2, 0, LVS_SVC_F_SCHED2};
	char vip[64], what[128];

	for (int n = 1; n <= 4; n++) {
		snprintf(vip, sizeof(vip), "2001:db8:99::%d", n);
		struct lvs_service_conf c = vip_conf(vip, 0, sched[n], flags[n]);
		svcs[n] = add_svc(t, &c);
		if (n <= 2) {
			add_rs(t, &c, "2001:db8:1::11", 80, 2);
			add_rs(t, &c, "2001:db8:1::12", 80, 1);
			add_rs(t, &c, "2001:db8:1::13", 80, 0);
			add_rs(t, &c, "2001:db8:1::14", 80, 3);
		} else {
			for (int r = 11; r <= 13; r++) {
				char ip[64];
				snprintf(ip, sizeof(ip), "2001:db8:1::%d", r);
				add_rs(t, &c, ip, n == 3 ? 80 : 8080, n == 3 ? 1 : r - 9);
			}
		}
	}
	for (size_t i = 0; i < sizeof(oracle_v6) / sizeof(oracle_v6[0]); i++) {
		snprintf(vip, sizeof(vip), "2001:db8:99::%d", oracle_v6[i].svc);
		struct lvs_sched_pkt p = sched_pkt(oracle_v6[i].client, oracle_v6[i].sport, vip);
		snprintf(what, sizeof(what), "%s %s:%u", vip, oracle_v6[i].client, oracle_v6[i].sport);
		expect_pick(pick(svcs[oracle_v6[i].svc], &p, 0), oracle_v6[i].dest, what);
	}

	struct lvs_service_conf c = fwm_conf(AF_INET6, 4, "dh");
	struct lvs_service *dh = add_svc(t, &c);
	for (int r = 11; r <= 15; r++) {
		char ip[64];
		snprintf(ip, sizeof(ip), "2001:db8:1::%d", r);
		add_rs(t, &c, ip, 0, 1);
	}
	for (size_t i = 0; i < sizeof(oracle_v6_dh) / sizeof(oracle_v6_dh[0]); i++) {
		struct lvs_sched_pkt p = sched_pkt("2001:db8::100", 40000, oracle_v6_dh[i].daddr);
		expect_pick(pick(dh, &p, 0), oracle_v6_dh[i].dest, oracle_v6_dh[i].daddr);
	}
	lvs_table_free(t);
}

static void test_lblc_ipv6_entries(void **state)
{
	(void)state;
	/* addresses that fold to the same bucket are still distinct entries */
	struct svc_fx f = svc_fx_new(fwm_conf(AF_INET6, 5, "lblc"));
	add_rs(f.t, &f.c, "2001:db8:1::12", 0, 1);
	add_rs(f.t, &f.c, "2001:db8:1::11", 0, 1);
	struct lvs_sched_pkt p1 = sched_pkt("2001:db8::100", 1, "2001:db8:97::1");
	struct lvs_sched_pkt p2 = sched_pkt("2001:db8::100", 1, "2001:db8:97:0:0:1::"); /* same XOR fold */

	assert_int_equal(lvs_addr_fold(AF_INET6, &p1.daddr), lvs_addr_fold(AF_INET6, &p2.daddr));
	struct lvs_dest *d1 = pick(f.s, &p1, 0);
	expect_pick(d1, "2001:db8:1::11", "first");
	__atomic_add_fetch(&d1->activeconns, 1, __ATOMIC_RELAXED);
	expect_pick(pick(f.s, &p2, 0), "2001:db8:1::12", "second address, wlc");
	assert_int_equal(lvs_lblc_cache_entries(f.s), 2);
	expect_pick(pick(f.s, &p1, 0), "2001:db8:1::11", "first again, cached");
	lvs_table_free(f.t);
}

static void test_scheduler_switch(void **state)
{
	(void)state;
	/* -E to a hashing scheduler builds its table from the existing dests,
	 * exactly as if they had been added one by one */
	struct lvs_table *t = lvs_table_new();
	struct lvs_service *svcs[10] = {0};
	build_oracle_services(t, svcs);
	struct lvs_service_conf c = vip_conf("10.99.0.20", 0, "rr", 0);
	struct lvs_service *svc = add_svc(t, &c);
	add_rs(t, &c, "10.0.0.1", 80, 1);
	add_rs(t, &c, "10.0.0.2", 80, 2);
	add_rs(t, &c, "10.0.0.3", 80, 3);
	add_rs(t, &c, "10.0.0.4", 80, 0);
	snprintf(c.sched_name, sizeof(c.sched_name), "mh");
	assert_int_equal(lvs_edit_service(t, &c), 0);
	assert_ptr_equal(svc->sched, &lvs_sched_mh);
	for (size_t i = 0; i < sizeof(oracle_src) / sizeof(oracle_src[0]); i++) {
		if (oracle_src[i].svc != 5) /* the same dests as service 5 */
			continue;
		struct lvs_sched_pkt p = sched_pkt(oracle_src[i].client, 0, "10.99.0.20");
		expect_pick(pick(svc, &p, 0), oracle_src[i].dest, oracle_src[i].client);
	}
	/* leaving lblc drops the cache and its dest references */
	snprintf(c.sched_name, sizeof(c.sched_name), "lblc");
	assert_int_equal(lvs_edit_service(t, &c), 0);
	struct lvs_sched_pkt p = sched_pkt("1.1.1.1", 1, "10.99.0.20");
	struct lvs_dest *d = pick(svc, &p, 0);
	assert_non_null(d);
	assert_int_equal(d->refcnt, 2);
	snprintf(c.sched_name, sizeof(c.sched_name), "lblcr");
	assert_int_equal(lvs_edit_service(t, &c), 0);
	assert_int_equal(d->refcnt, 1);
	assert_ptr_equal(pick(svc, &p, 0), d);
	assert_int_equal(d->refcnt, 2);
	snprintf(c.sched_name, sizeof(c.sched_name), "sh");
	assert_int_equal(lvs_edit_service(t, &c), 0);
	assert_int_equal(d->refcnt, 1);
	lvs_table_free(t);
}

/* captured from the oracle, 2026-11-23 (hashE.sh): VIP 10.99.0.N:80;
 * 1: mh, 10.0.0.1 w100, .2 w1000, .3 w7 (rshift 4: turns 6, 62, 1);
 * 2: mh, 10.0.0.1:81 w6, .2:82 w9, .3:83 w65535 then edited to w3 (gcd 3);
 * 3: sh, 10.0.0.1 w1, .2 w300 (the newest dest fills all 256 buckets);
 * 4: mh-fallback, 10.0.0.1..5 w1..5, then .5 and .4 edited to w0 and .1
 * deleted */
static const struct { int svc; const char *client; const char *dest; } oracle_weights[] = {
	{1, "172.23.37.101", "10.0.0.2"},
	{1, "172.23.74.202", "10.0.0.2"},
	{1, "172.23.111.47", "10.0.0.2"},
	{1, "172.23.148.148", "10.0.0.2"},
	{1, "172.23.185.249", "10.0.0.1"},
	{1, "172.23.222.94", "10.0.0.2"},
	{1, "172.23.3.195", "10.0.0.2"},
	{1, "172.23.40.40", "10.0.0.2"},
	{1, "172.23.77.141", "10.0.0.2"},
	{1, "172.23.114.242", "10.0.0.2"},
	{1, "172.23.151.87", "10.0.0.2"},
	{1, "172.23.188.188", "10.0.0.2"},
	{1, "172.23.225.33", "10.0.0.2"},
	{1, "172.23.6.134", "10.0.0.2"},
	{1, "172.23.43.235", "10.0.0.2"},
	{1, "172.23.80.80", "10.0.0.2"},
	{1, "172.23.117.181", "10.0.0.2"},
	{1, "172.23.154.26", "10.0.0.2"},
	{1, "172.23.191.127", "10.0.0.2"},
	{1, "172.23.228.228", "10.0.0.2"},
	{1, "172.23.9.73", "10.0.0.2"},
	{1, "172.23.46.174", "10.0.0.1"},
	{1, "172.23.83.19", "10.0.0.2"},
	{1, "172.23.120.120", "10.0.0.2"},
	{1, "172.23.157.221", "10.0.0.2"},
	{1, "172.23.194.66", "10.0.0.1"},
	{1, "172.23.231.167", "10.0.0.2"},
	{1, "172.23.12.12", "10.0.0.2"},
	{1, "172.23.49.113", "10.0.0.2"},
	{1, "172.23.86.214", "10.0.0.2"},
	{2, "172.23.37.101", "10.0.0.3"},
	{2, "172.23.74.202", "10.0.0.2"},
	{2, "172.23.111.47", "10.0.0.1"},
	{2, "172.23.148.148", "10.0.0.1"},
	{2, "172.23.185.249", "10.0.0.3"},
	{2, "172.23.222.94", "10.0.0.3"},
	{2, "172.23.3.195", "10.0.0.1"},
	{2, "172.23.40.40", "10.0.0.3"},
	{2, "172.23.77.141", "10.0.0.1"},
	{2, "172.23.114.242", "10.0.0.2"},
	{2, "172.23.151.87", "10.0.0.1"},
	{2, "172.23.188.188", "10.0.0.2"},
	{2, "172.23.225.33", "10.0.0.2"},
	{2, "172.23.6.134", "10.0.0.3"},
	{2, "172.23.43.235", "10.0.0.3"},
	{2, "172.23.80.80", "10.0.0.1"},
	{2, "172.23.117.181", "10.0.0.2"},
	{2, "172.23.154.26", "10.0.0.2"},
	{2, "172.23.191.127", "10.0.0.2"},
	{2, "172.23.228.228", "10.0.0.1"},
	{2, "172.23.9.73", "10.0.0.2"},
	{2, "172.23.46.174", "10.0.0.1"},
	{2, "172.23.83.19", "10.0.0.2"},
	{2, "172.23.120.120", "10.0.0.2"},
	{2, "172.23.157.221", "10.0.0.2"},
	{2, "172.23.194.66", "10.0.0.2"},
	{2, "172.23.231.167", "10.0.0.2"},
	{2, "172.23.12.12", "10.0.0.1"},
	{2, "172.23.49.113", "10.0.0.1"},
	{2, "172.23.86.214", "10.0.0.2"},
	{3, "172.23.37.101", "10.0.0.2"},
	{3, "172.23.74.202", "10.0.0.2"},
	{3, "172.23.111.47", "10.0.0.2"},
	{3, "172.23.148.148", "10.0.0.2"},
	{3, "172.23.185.249", "10.0.0.2"},
	{3, "172.23.222.94", "10.0.0.2"},
	{3, "172.23.3.195", "10.0.0.2"},
	{3, "172.23.40.40", "10.0.0.2"},
	{3, "172.23.77.141", "10.0.0.2"},
	{3, "172.23.114.242", "10.0.0.2"},
	{3, "172.23.151.87", "10.0.0.2"},
	{3, "172.23.188.188", "10.0.0.2"},
	{3, "172.23.225.33", "10.0.0.2"},
	{3, "172.23.6.134", "10.0.0.2"},
	{3, "172.23.43.235", "10.0.0.2"},
	{3, "172.23.80.80", "10.0.0.2"},
	{3, "172.23.117.181", "10.0.0.2"},
	{3, "172.23.154.26", "10.0.0.2"},
	{3, "172.23.191.127", "10.0.0.2"},
	{3, "172.23.228.228", "10.0.0.2"},
	{3, "172.23.9.73", "10.0.0.2"},
	{3, "172.23.46.174", "10.0.0.2"},
	{3, "172.23.83.19", "10.0.0.2"},
	{3, "172.23.120.120", "10.0.0.2"},
	{3, "172.23.157.221", "10.0.0.2"},
	{3, "172.23.194.66", "10.0.0.2"},
	{3, "172.23.231.167", "10.0.0.2"},
	{3, "172.23.12.12", "10.0.0.2"},
	{3, "172.23.49.113", "10.0.0.2"},
	{3, "172.23.86.214", "10.0.0.2"},
	{4, "172.23.37.101", "10.0.0.3"},
	{4, "172.23.74.202", "10.0.0.3"},
	{4, "172.23.111.47", "10.0.0.3"},
	{4, "172.23.148.148", "10.0.0.2"},
	{4, "172.23.185.249", "10.0.0.2"},
	{4, "172.23.222.94", "10.0.0.3"},
	{4, "172.23.3.195", "10.0.0.2"},
	{4, "172.23.40.40", "10.0.0.2"},
	{4, "172.23.77.141", "10.0.0.2"},
	{4, "172.23.114.242", "10.0.0.2"},
	{4, "172.23.151.87", "10.0.0.2"},
	{4, "172.23.188.188", "10.0.0.3"},
	{4, "172.23.225.33", "10.0.0.3"},
	{4, "172.23.6.134", "10.0.0.2"},
	{4, "172.23.43.235", "10.0.0.3"},
	{4, "172.23.80.80", "10.0.0.2"},
	{4, "172.23.117.181", "10.0.0.2"},
	{4, "172.23.154.26", "10.0.0.2"},
	{4, "172.23.191.127", "10.0.0.2"},
	{4, "172.23.228.228", "10.0.0.2"},
	{4, "172.23.9.73", "10.0.0.3"},
	{4, "172.23.46.174", "10.0.0.3"},
	{4, "172.23.83.19", "10.0.0.3"},
	{4, "172.23.120.120", "10.0.0.3"},
	{4, "172.23.157.221", "10.0.0.2"},
	{4, "172.23.194.66", "10.0.0.3"},
	{4, "172.23.231.167", "10.0.0.2"},
	{4, "172.23.12.12", "10.0.0.2"},
	{4, "172.23.49.113", "10.0.0.2"},
	{4, "172.23.86.214", "10.0.0.2"},
};

static void test_weights_oracle(void **state)
{
	(void)state;
	struct lvs_table *t = lvs_table_new();
	struct lvs_service *svcs[5];
	char vip[32], ip[32];

	for (int n = 1; n <= 4; n++) {
		snprintf(vip, sizeof(vip), "10.99.0.%d", n);
		struct lvs_service_conf c = vip_conf(vip, 0, n == 3 ? "sh" : "mh",
						     n == 4 ? LVS_SVC_F_SCHED1 : 0);
		svcs[n] = add_svc(t, &c);
		switch (n) {
		case 1:
			add_rs(t, &c, "10.0.0.1", 80, 100);
			add_rs(t, &c, "10.0.0.2", 80, 1000);
			add_rs(t, &c, "10.0.0.3", 80, 7);
			break;
		case 2:
			add_rs(t, &c, "10.0.0.1", 81, 6);
			add_rs(t, &c, "10.0.0.2", 82, 9);
			add_rs(t, &c, "10.0.0.3", 83, 65535);
			edit_rs(t, &c, "10.0.0.3", 83, 3);
			break;
		case 3:
			add_rs(t, &c, "10.0.0.1", 80, 1);
			add_rs(t, &c, "10.0.0.2", 80, 300);
			break;
		case 4:
			for (int r = 1; r <= 5; r++) {
				snprintf(ip, sizeof(ip), "10.0.0.%d", r);
				add_rs(t, &c, ip, 80, r);
			}
			edit_rs(t, &c, "10.0.0.5", 80, 0);
			edit_rs(t, &c, "10.0.0.4", 80, 0);
			del_dest(t, &c, "10.0.0.1", 80);
			break;
		}
	}
	for (size_t i = 0; i < sizeof(oracle_weights) / sizeof(oracle_weights[0]); i++) {
		snprintf(vip, sizeof(vip), "10.99.0.%d", oracle_weights[i].svc);
		struct lvs_sched_pkt p = sched_pkt(oracle_weights[i].client, 12345, vip);
		char what[64];
		snprintf(what, sizeof(what), "%s %s", vip, oracle_weights[i].client);
		expect_pick(pick(svcs[oracle_weights[i].svc], &p, 0), oracle_weights[i].dest, what);
	}
	lvs_table_free(t);
}

/* captured from the oracle, 2026-11-23 (hashF.sh): mh-port services, 30
 * clients x 8 (or 6) connections each, so 660 lookups that depend on the
 * exact populate order; VIP 10.99.0.N:80:
 * 1: 10.0.0.1 w100, .2 w1000, .3 w7 (rshift 4: turns 6, 62, 1);
 * 2: 10.0.0.1:81 w6, .2:82 w9, .3:83 w65535 edited to w3 (gcd 3, rshift 0
 *    after the edit); 3: 10.0.0.1 w5, .2 w1.
 * {service, client, client port, last octet of the chosen 10.0.0.X} */
static const struct { int svc; const char *client; uint16_t sport; int dest; } oracle_mh_port[] = {
	{1, "172.23.111.47", 40922, 2}, {1, "172.23.111.47", 40934, 2}, {1, "172.23.111.47", 40942, 2},
	{1, "172.23.111.47", 40950, 2}, {1, "172.23.111.47", 40960, 2}, {1, "172.23.111.47", 40966, 2},
	{1, "172.23.111.47", 40968, 2}, {1, "172.23.111.47", 40970, 2}, {1, "172.23.114.242", 58028, 2},
	{1, "172.23.114.242", 58036, 1}, {1, "172.23.114.242", 58052, 2}, {1, "172.23.114.242", 58062, 2},
	{1, "172.23.114.242", 58072, 2}, {1, "172.23.114.242", 58084, 2}, {1, "172.23.114.242", 58092, 2},
	{1, "172.23.114.242", 58094, 2}, {1, "172.23.117.181", 49280, 2}, {1, "172.23.117.181", 49286, 2},
	{1, "172.23.117.181", 49290, 2}, {1, "172.23.117.181", 49298, 2}, {1, "172.23.117.181", 49300, 2},
	{1, "172.23.117.181", 49314, 2}, {1, "172.23.117.181", 49326, 2}, {1, "172.23.117.181", 49334, 2},
	{1, "172.23.12.12", 37516, 2}, {1, "172.23.12.12", 37532, 2}, {1, "172.23.12.12", 37538, 1},
	{1, "172.23.12.12", 37554, 2}, {1, "172.23.12.12", 37568, 2}, {1, "172.23.12.12", 37578, 2},
	{1, "172.23.12.12", 37594, 2}, {1, "172.23.12.12", 37598, 2}, {1, "172.23.120.120", 45194, 2},
	{1, "172.23.120.120", 45202, 2}, {1, "172.23.120.120", 45218, 2}, {1, "172.23.120.120", 45226, 2},
	{1, "172.23.120.120", 45240, 2}, {1, "172.23.120.120", 45242, 2}, {1, "172.23.120.120", 45244, 2},
	{1, "172.23.120.120", 45246, 2}, {1, "172.23.148.148", 37374, 2}, {1, "172.23.148.148", 37376, 2},
	{1, "172.23.148.148", 37380, 2}, {1, "172.23.148.148", 37384, 1}, {1, "172.23.148.148", 37398, 2},
	{1, "172.23.148.148", 37406, 1}, {1, "172.23.148.148", 37412, 2}, {1, "172.23.148.148", 37428, 2},
	{1, "172.23.151.87", 54364, 2}, {1, "172.23.151.87", 54380, 2}, {1, "172.23.151.87", 54382, 2},
	{1, "172.23.151.87", 54398, 2}, {1, "172.23.151.87", 54406, 2}, {1, "172.23.151.87", 54418, 2},
	{1, "172.23.151.87", 54428, 2}, {1, "172.23.151.87", 54444, 2}, {1, "172.23.154.26", 50110, 2},
	{1, "172.23.154.26", 50124, 2}, {1, "172.23.154.26", 50140, 2}, {1, "172.23.154.26", 50154, 2},
	{1, "172.23.154.26", 50170, 2}, {1, "172.23.154.26", 50174, 2}, {1, "172.23.154.26", 50178, 2},
	{1, "172.23.154.26", 50186, 2}, {1, "172.23.157.221", 52620, 2}, {1, "172.23.157.221", 52626, 2},
	{1, "172.23.157.221", 52632, 2}, {1, "172.23.157.221", 52642, 2}, {1, "172.23.157.221", 52654, 2},
	{1, "172.23.157.221", 52670, 2}, {1, "172.23.157.221", 52680, 2}, {1, "172.23.157.221", 52686, 2},
	{1, "172.23.185.249", 48556, 2}, {1, "172.23.185.249", 48566, 1}, {1, "172.23.185.249", 48582, 2},
	{1, "172.23.185.249", 48596, 1}, {1, "172.23.185.249", 48612, 2}, {1, "172.23.185.249", 48626, 2},
	{1, "172.23.185.249", 48642, 2}, {1, "172.23.185.249", 48656, 2}, {1, "172.23.188.188", 32982, 2},
	{1, "172.23.188.188", 32996, 2}, {1, "172.23.188.188", 33002, 2}, {1, "172.23.188.188", 33010, 2},
	{1, "172.23.188.188", 33014, 2}, {1, "172.23.188.188", 33020, 2}, {1, "172.23.188.188", 33024, 1},
	{1, "172.23.188.188", 33040, 2}, {1, "172.23.191.127", 56150, 2}, {1, "172.23.191.127", 56164, 1},
	{1, "172.23.191.127", 56170, 1}, {1, "172.23.191.127", 56176, 2}, {1, "172.23.191.127", 56180, 2},
	{1, "172.23.191.127", 56182, 1}, {1, "172.23.191.127", 56188, 2}, {1, "172.23.191.127", 56198, 2},
	{1, "172.23.194.66", 37532, 2}, {1, "172.23.194.66", 37542, 2}, {1, "172.23.194.66", 37548, 2},
	{1, "172.23.194.66", 37558, 2}, {1, "172.23.194.66", 37574, 2}, {1, "172.23.194.66", 37588, 2},
	{1, "172.23.194.66", 37592, 1}, {1, "172.23.194.66", 37594, 1}, {1, "172.23.222.94", 40152, 2},
	{1, "172.23.222.94", 40160, 2}, {1, "172.23.222.94", 40168, 2}, {1, "172.23.222.94", 40182, 2},
	{1, "172.23.222.94", 40188, 2}, {1, "172.23.222.94", 40190, 2}, {1, "172.23.222.94", 40200, 2},
	{1, "172.23.222.94", 40202, 2}, {1, "172.23.225.33", 38348, 2}, {1, "172.23.225.33", 38350, 2},
	{1, "172.23.225.33", 38362, 2}, {1, "172.23.225.33", 38378, 2}, {1, "172.23.225.33", 38390, 2},
	{1, "172.23.225.33", 38400, 2}, {1, "172.23.225.33", 38416, 2}, {1, "172.23.225.33", 38432, 2},
	{1, "172.23.228.228", 34556, 2}, {1, "172.23.228.228", 34564, 2}, {1, "172.23.228.228", 34578, 2},
	{1, "172.23.228.228", 34590, 1}, {1, "172.23.228.228", 34600, 2}, {1, "172.23.228.228", 34610, 2},
	{1, "172.23.228.228", 34618, 2}, {1, "172.23.228.228", 34632, 2}, {1, "172.23.231.167", 48828, 2},
	{1, "172.23.231.167", 48844, 2}, {1, "172.23.231.167", 48854, 2}, {1, "172.23.231.167", 48858, 2},
	{1, "172.23.231.167", 48870, 2}, {1, "172.23.231.167", 48876, 1}, {1, "172.23.231.167", 48892, 2},
	{1, "172.23.231.167", 48902, 2}, {1, "172.23.3.195", 39954, 2}, {1, "172.23.3.195", 39964, 2},
	{1, "172.23.3.195", 39972, 2}, {1, "172.23.3.195", 39988, 2}, {1, "172.23.3.195", 39994, 2},
	{1, "172.23.3.195", 40006, 2}, {1, "172.23.3.195", 40022, 2}, {1, "172.23.3.195", 40024, 2},
	{1, "172.23.37.101", 45518, 2}, {1, "172.23.37.101", 45528, 2}, {1, "172.23.37.101", 45536, 2},
	{1, "172.23.37.101", 45540, 2}, {1, "172.23.37.101", 45548, 2}, {1, "172.23.37.101", 45554, 2},
	{1, "172.23.37.101", 45568, 2}, {1, "172.23.37.101", 45582, 2}, {1, "172.23.40.40", 36306, 2},
	{1, "172.23.40.40", 36320, 3}, {1, "172.23.40.40", 36332, 2}, {1, "172.23.40.40", 36338, 2},
	{1, "172.23.40.40", 36354, 2}, {1, "172.23.40.40", 36358, 2}, {1, "172.23.40.40", 36370, 2},
	{1, "172.23.40.40", 36372, 2}, {1, "172.23.43.235", 56234, 2}, {1, "172.23.43.235", 56244, 2},
	{1, "172.23.43.235", 56258, 2}, {1, "172.23.43.235", 56272, 2}, {1, "172.23.43.235", 56276, 2},
	{1, "172.23.43.235", 56290, 2}, {1, "172.23.43.235", 56304, 2}, {1, "172.23.43.235", 56318, 2},
	{1, "172.23.46.174", 55232, 3}, {1, "172.23.46.174", 55244, 2}, {1, "172.23.46.174", 55252, 2},
	{1, "172.23.46.174", 55264, 2}, {1, "172.23.46.174", 55280, 2}, {1, "172.23.46.174", 55286, 2},
	{1, "172.23.46.174", 55300, 1}, {1, "172.23.46.174", 55310, 2}, {1, "172.23.49.113", 59658, 2},
	{1, "172.23.49.113", 59660, 2}, {1, "172.23.49.113", 59664, 2}, {1, "172.23.49.113", 59670, 2},
	{1, "172.23.49.113", 59686, 2}, {1, "172.23.49.113", 59688, 2}, {1, "172.23.49.113", 59696, 2},
	{1, "172.23.49.113", 59698, 2}, {1, "172.23.6.134", 36494, 2}, {1, "172.23.6.134", 36502, 2},
	{1, "172.23.6.134", 36504, 2}, {1, "172.23.6.134", 36506, 2}, {1, "172.23.6.134", 36516, 2},
	{1, "172.23.6.134", 36524, 2}, {1, "172.23.6.134", 36536, 2}, {1, "172.23.6.134", 36548, 1},
	{1, "172.23.74.202", 55868, 2}, {1, "172.23.74.202", 55872, 2}, {1, "172.23.74.202", 55886, 2},
	{1, "172.23.74.202", 55898, 2}, {1, "172.23.74.202", 55908, 2}, {1, "172.23.74.202", 55916, 2},
	{1, "172.23.74.202", 55932, 1}, {1, "172.23.74.202", 55942, 2}, {1, "172.23.77.141", 45704, 1},
	{1, "172.23.77.141", 45712, 2}, {1, "172.23.77.141", 45714, 2}, {1, "172.23.77.141", 45724, 2},
	{1, "172.23.77.141", 45740, 2}, {1, "172.23.77.141", 45752, 2}, {1, "172.23.77.141", 45754, 1},
	{1, "172.23.77.141", 45764, 2}, {1, "172.23.80.80", 34688, 2}, {1, "172.23.80.80", 34698, 2},
	{1, "172.23.80.80", 34706, 2}, {1, "172.23.80.80", 34718, 2}, {1, "172.23.80.80", 34730, 2},
	{1, "172.23.80.80", 34744, 2}, {1, "172.23.80.80", 34756, 2}, {1, "172.23.80.80", 34768, 2},
	{1, "172.23.83.19", 58196, 2}, {1, "172.23.83.19", 58200, 2}, {1, "172.23.83.19", 58214, 1},
	{1, "172.23.83.19", 58224, 2}, {1, "172.23.83.19", 58234, 2}, {1, "172.23.83.19", 58238, 2},
	{1, "172.23.83.19", 58252, 2}, {1, "172.23.83.19", 58258, 2}, {1, "172.23.86.214", 46466, 2},
	{1, "172.23.86.214", 46470, 2}, {1, "172.23.86.214", 46484, 3}, {1, "172.23.86.214", 46498, 2},
	{1, "172.23.86.214", 46506, 1}, {1, "172.23.86.214", 46522, 2}, {1, "172.23.86.214", 46526, 2},
	{1, "172.23.86.214", 46536, 2}, {1, "172.23.9.73", 44158, 2}, {1, "172.23.9.73", 44164, 1},
	{1, "172.23.9.73", 44180, 2}, {1, "172.23.9.73", 44184, 2}, {1, "172.23.9.73", 44198, 2},
	{1, "172.23.9.73", 44204, 2}, {1, "172.23.9.73", 44212, 2}, {1, "172.23.9.73", 44218, 2},
	{2, "172.23.111.47", 34238, 2}, {2, "172.23.111.47", 34248, 3}, {2, "172.23.111.47", 34260, 2},
	{2, "172.23.111.47", 34272, 1}, {2, "172.23.111.47", 34288, 1}, {2, "172.23.111.47", 34298, 2},
	{2, "172.23.111.47", 34310, 2}, {2, "172.23.111.47", 34312, 1}, {2, "172.23.114.242", 50914, 1},
	{2, "172.23.114.242", 50918, 2}, {2, "172.23.114.242", 50932, 2}, {2, "172.23.114.242", 50938, 1},
	{2, "172.23.114.242", 50944, 2}, {2, "172.23.114.242", 50960, 2}, {2, "172.23.114.242", 50970, 2},
	{2, "172.23.114.242", 50978, 1}, {2, "172.23.117.181", 35480, 2}, {2, "172.23.117.181", 35492, 2},
	{2, "172.23.117.181", 35502, 3}, {2, "172.23.117.181", 35514, 2}, {2, "172.23.117.181", 35522, 3},
	{2, "172.23.117.181", 35528, 2}, {2, "172.23.117.181", 35532, 2}, {2, "172.23.117.181", 35542, 1},
	{2, "172.23.12.12", 47192, 1}, {2, "172.23.12.12", 47196, 3}, {2, "172.23.12.12", 47210, 1},
	{2, "172.23.12.12", 47218, 2}, {2, "172.23.12.12", 47226, 2}, {2, "172.23.12.12", 47240, 3},
	{2, "172.23.12.12", 47248, 3}, {2, "172.23.12.12", 47252, 2}, {2, "172.23.120.120", 44000, 3},
	{2, "172.23.120.120", 44004, 3}, {2, "172.23.120.120", 44016, 2}, {2, "172.23.120.120", 44018, 2},
	{2, "172.23.120.120", 44022, 2}, {2, "172.23.120.120", 44028, 3}, {2, "172.23.120.120", 44030, 2},
	{2, "172.23.120.120", 44034, 3}, {2, "172.23.148.148", 50936, 3}, {2, "172.23.148.148", 50938, 1},
	{2, "172.23.148.148", 50954, 2}, {2, "172.23.148.148", 50970, 1}, {2, "172.23.148.148", 50980, 2},
	{2, "172.23.148.148", 50992, 2}, {2, "172.23.148.148", 51004, 2}, {2, "172.23.148.148", 51018, 1},
	{2, "172.23.151.87", 33142, 2}, {2, "172.23.151.87", 33156, 3}, {2, "172.23.151.87", 33166, 3},
	{2, "172.23.151.87", 33172, 1}, {2, "172.23.151.87", 33174, 2}, {2, "172.23.151.87", 33190, 2},
	{2, "172.23.151.87", 33198, 3}, {2, "172.23.151.87", 33204, 2}, {2, "172.23.154.26", 58734, 3},
	{2, "172.23.154.26", 58748, 1}, {2, "172.23.154.26", 58752, 2}, {2, "172.23.154.26", 58768, 1},
	{2, "172.23.154.26", 58782, 1}, {2, "172.23.154.26", 58798, 2}, {2, "172.23.154.26", 58802, 1},
	{2, "172.23.154.26", 58810, 3}, {2, "172.23.157.221", 53936, 1}, {2, "172.23.157.221", 53938, 2},
	{2, "172.23.157.221", 53950, 3}, {2, "172.23.157.221", 53956, 1}, {2, "172.23.157.221", 53958, 1},
	{2, "172.23.157.221", 53962, 1}, {2, "172.23.157.221", 53968, 2}, {2, "172.23.157.221", 53976, 1},
	{2, "172.23.185.249", 44524, 2}, {2, "172.23.185.249", 44540, 2}, {2, "172.23.185.249", 44542, 2},
	{2, "172.23.185.249", 44554, 2}, {2, "172.23.185.249", 44568, 2}, {2, "172.23.185.249", 44574, 1},
	{2, "172.23.185.249", 44576, 2}, {2, "172.23.185.249", 44584, 2}, {2, "172.23.188.188", 38124, 3},
	{2, "172.23.188.188", 38134, 1}, {2, "172.23.188.188", 38146, 1}, {2, "172.23.188.188", 38160, 1},
	{2, "172.23.188.188", 38164, 2}, {2, "172.23.188.188", 38172, 1}, {2, "172.23.188.188", 38176, 2},
	{2, "172.23.188.188", 38190, 1}, {2, "172.23.191.127", 40602, 1}, {2, "172.23.191.127", 40612, 1},
	{2, "172.23.191.127", 40614, 2}, {2, "172.23.191.127", 40628, 2}, {2, "172.23.191.127", 40636, 3},
	{2, "172.23.191.127", 40638, 2}, {2, "172.23.191.127", 40646, 1}, {2, "172.23.191.127", 40662, 1},
	{2, "172.23.194.66", 38426, 2}, {2, "172.23.194.66", 38438, 1}, {2, "172.23.194.66", 38444, 1},
	{2, "172.23.194.66", 38458, 2}, {2, "172.23.194.66", 38462, 1}, {2, "172.23.194.66", 38468, 1},
	{2, "172.23.194.66", 38476, 2}, {2, "172.23.194.66", 38478, 1}, {2, "172.23.222.94", 52792, 1},
	{2, "172.23.222.94", 52802, 1}, {2, "172.23.222.94", 52806, 1}, {2, "172.23.222.94", 52816, 3},
	{2, "172.23.222.94", 52824, 1}, {2, "172.23.222.94", 52838, 1}, {2, "172.23.222.94", 52848, 2},
	{2, "172.23.222.94", 52854, 1}, {2, "172.23.225.33", 32838, 1}, {2, "172.23.225.33", 32854, 2},
	{2, "172.23.225.33", 32862, 3}, {2, "172.23.225.33", 32870, 1}, {2, "172.23.225.33", 32880, 2},
	{2, "172.23.225.33", 32888, 2}, {2, "172.23.225.33", 32894, 2}, {2, "172.23.225.33", 32898, 2},
	{2, "172.23.228.228", 52202, 2}, {2, "172.23.228.228", 52204, 3}, {2, "172.23.228.228", 52216, 1},
	{2, "172.23.228.228", 52218, 2}, {2, "172.23.228.228", 52230, 3}, {2, "172.23.228.228", 52242, 2},
	{2, "172.23.228.228", 52244, 2}, {2, "172.23.228.228", 52250, 2}, {2, "172.23.231.167", 60564, 3},
	{2, "172.23.231.167", 60566, 3}, {2, "172.23.231.167", 60578, 1}, {2, "172.23.231.167", 60584, 1},
	{2, "172.23.231.167", 60586, 2}, {2, "172.23.231.167", 60596, 1}, {2, "172.23.231.167", 60602, 2},
	{2, "172.23.231.167", 60614, 3}, {2, "172.23.3.195", 42872, 2}, {2, "172.23.3.195", 42882, 2},
	{2, "172.23.3.195", 42884, 3}, {2, "172.23.3.195", 42894, 2}, {2, "172.23.3.195", 42908, 1},
	{2, "172.23.3.195", 42918, 3}, {2, "172.23.3.195", 42920, 1}, {2, "172.23.3.195", 42932, 2},
	{2, "172.23.37.101", 38376, 1}, {2, "172.23.37.101", 38390, 1}, {2, "172.23.37.101", 38402, 2},
	{2, "172.23.37.101", 38412, 2}, {2, "172.23.37.101", 38418, 2}, {2, "172.23.37.101", 38432, 2},
	{2, "172.23.37.101", 38442, 2}, {2, "172.23.37.101", 38448, 2}, {2, "172.23.40.40", 54992, 2},
	{2, "172.23.40.40", 55002, 2}, {2, "172.23.40.40", 55004, 2}, {2, "172.23.40.40", 55006, 3},
	{2, "172.23.40.40", 55016, 3}, {2, "172.23.40.40", 55020, 2}, {2, "172.23.40.40", 55034, 2},
	{2, "172.23.40.40", 55036, 2}, {2, "172.23.43.235", 60690, 2}, {2, "172.23.43.235", 60692, 2},
	{2, "172.23.43.235", 60704, 2}, {2, "172.23.43.235", 60708, 2}, {2, "172.23.43.235", 60722, 2},
	{2, "172.23.43.235", 60736, 3}, {2, "172.23.43.235", 60750, 2}, {2, "172.23.43.235", 60764, 2},
	{2, "172.23.46.174", 56674, 1}, {2, "172.23.46.174", 56690, 1}, {2, "172.23.46.174", 56706, 1},
	{2, "172.23.46.174", 56708, 1}, {2, "172.23.46.174", 56722, 2}, {2, "172.23.46.174", 56734, 1},
	{2, "172.23.46.174", 56746, 1}, {2, "172.23.46.174", 56758, 1}, {2, "172.23.49.113", 43132, 2},
	{2, "172.23.49.113", 43142, 1}, {2, "172.23.49.113", 43152, 1}, {2, "172.23.49.113", 43164, 3},
	{2, "172.23.49.113", 43166, 1}, {2, "172.23.49.113", 43176, 2}, {2, "172.23.49.113", 43184, 2},
	{2, "172.23.49.113", 43194, 3}, {2, "172.23.6.134", 49140, 1}, {2, "172.23.6.134", 49156, 2},
	{2, "172.23.6.134", 49158, 2}, {2, "172.23.6.134", 49162, 2}, {2, "172.23.6.134", 49176, 2},
	{2, "172.23.6.134", 49178, 1}, {2, "172.23.6.134", 49180, 2}, {2, "172.23.6.134", 49190, 2},
	{2, "172.23.74.202", 48474, 3}, {2, "172.23.74.202", 48484, 2}, {2, "172.23.74.202", 48486, 2},
	{2, "172.23.74.202", 48502, 2}, {2, "172.23.74.202", 48510, 2}, {2, "172.23.74.202", 48526, 2},
	{2, "172.23.74.202", 48538, 2}, {2, "172.23.74.202", 48544, 2}, {2, "172.23.77.141", 34830, 3},
	{2, "172.23.77.141", 34842, 1}, {2, "172.23.77.141", 34846, 2}, {2, "172.23.77.141", 34854, 3},
	{2, "172.23.77.141", 34860, 1}, {2, "172.23.77.141", 34868, 2}, {2, "172.23.77.141", 34882, 3},
	{2, "172.23.77.141", 34888, 2}, {2, "172.23.80.80", 36346, 2}, {2, "172.23.80.80", 36352, 1},
	{2, "172.23.80.80", 36366, 3}, {2, "172.23.80.80", 36368, 2}, {2, "172.23.80.80", 36380, 3},
	{2, "172.23.80.80", 36396, 3}, {2, "172.23.80.80", 36406, 2}, {2, "172.23.80.80", 36420, 3},
	{2, "172.23.83.19", 53416, 2}, {2, "172.23.83.19", 53424, 2}, {2, "172.23.83.19", 53436, 1},
	{2, "172.23.83.19", 53444, 2}, {2, "172.23.83.19", 53454, 2}, {2, "172.23.83.19", 53458, 1},
	{2, "172.23.83.19", 53474, 1}, {2, "172.23.83.19", 53478, 2}, {2, "172.23.86.214", 38556, 2},
	{2, "172.23.86.214", 38570, 2}, {2, "172.23.86.214", 38572, 2}, {2, "172.23.86.214", 38578, 2},
	{2, "172.23.86.214", 38594, 2}, {2, "172.23.86.214", 38602, 2}, {2, "172.23.86.214", 38610, 3},
	{2, "172.23.86.214", 38626, 3}, {2, "172.23.9.73", 50576, 1}, {2, "172.23.9.73", 50588, 3},
	{2, "172.23.9.73", 50596, 2}, {2, "172.23.9.73", 50602, 2}, {2, "172.23.9.73", 50610, 2},
	{2, "172.23.9.73", 50616, 1}, {2, "172.23.9.73", 50618, 1}, {2, "172.23.9.73", 50620, 2},
	{3, "172.23.111.47", 49522, 1}, {3, "172.23.111.47", 49534, 1}, {3, "172.23.111.47", 49550, 1},
	{3, "172.23.111.47", 49558, 1}, {3, "172.23.111.47", 49562, 1}, {3, "172.23.111.47", 49570, 1},
	{3, "172.23.114.242", 38160, 1}, {3, "172.23.114.242", 38172, 1}, {3, "172.23.114.242", 38182, 1},
	{3, "172.23.114.242", 38184, 1}, {3, "172.23.114.242", 38194, 1}, {3, "172.23.114.242", 38196, 1},
	{3, "172.23.117.181", 54772, 1}, {3, "172.23.117.181", 54788, 1}, {3, "172.23.117.181", 54798, 1},
	{3, "172.23.117.181", 54806, 1}, {3, "172.23.117.181", 54812, 1}, {3, "172.23.117.181", 54826, 1},
	{3, "172.23.12.12", 34158, 2}, {3, "172.23.12.12", 34174, 1}, {3, "172.23.12.12", 34184, 1},
	{3, "172.23.12.12", 34198, 1}, {3, "172.23.12.12", 34208, 1}, {3, "172.23.12.12", 34210, 1},
	{3, "172.23.120.120", 53804, 1}, {3, "172.23.120.120", 53816, 1}, {3, "172.23.120.120", 53832, 1},
	{3, "172.23.120.120", 53846, 1}, {3, "172.23.120.120", 53856, 1}, {3, "172.23.120.120", 53870, 1},
	{3, "172.23.148.148", 45716, 1}, {3, "172.23.148.148", 45720, 1}, {3, "172.23.148.148", 45726, 1},
	{3, "172.23.148.148", 45736, 2}, {3, "172.23.148.148", 45748, 1}, {3, "172.23.148.148", 45762, 2},
	{3, "172.23.151.87", 36840, 1}, {3, "172.23.151.87", 36852, 1}, {3, "172.23.151.87", 36866, 1},
	{3, "172.23.151.87", 36874, 1}, {3, "172.23.151.87", 36882, 2}, {3, "172.23.151.87", 36898, 1},
	{3, "172.23.154.26", 47274, 1}, {3, "172.23.154.26", 47290, 1}, {3, "172.23.154.26", 47294, 1},
	{3, "172.23.154.26", 47310, 1}, {3, "172.23.154.26", 47324, 1}, {3, "172.23.154.26", 47328, 2},
	{3, "172.23.157.221", 40694, 2}, {3, "172.23.157.221", 40704, 1}, {3, "172.23.157.221", 40706, 1},
	{3, "172.23.157.221", 40720, 1}, {3, "172.23.157.221", 40728, 1}, {3, "172.23.157.221", 40740, 1},
	{3, "172.23.185.249", 57364, 1}, {3, "172.23.185.249", 57380, 1}, {3, "172.23.185.249", 57396, 2},
	{3, "172.23.185.249", 57402, 1}, {3, "172.23.185.249", 57406, 1}, {3, "172.23.185.249", 57408, 1},
	{3, "172.23.188.188", 50510, 1}, {3, "172.23.188.188", 50526, 1}, {3, "172.23.188.188", 50536, 1},
	{3, "172.23.188.188", 50552, 1}, {3, "172.23.188.188", 50568, 1}, {3, "172.23.188.188", 50578, 1},
	{3, "172.23.191.127", 35210, 1}, {3, "172.23.191.127", 35212, 1}, {3, "172.23.191.127", 35226, 1},
	{3, "172.23.191.127", 35230, 2}, {3, "172.23.191.127", 35232, 1}, {3, "172.23.191.127", 35240, 1},
	{3, "172.23.194.66", 39186, 1}, {3, "172.23.194.66", 39192, 1}, {3, "172.23.194.66", 39204, 1},
	{3, "172.23.194.66", 39214, 2}, {3, "172.23.194.66", 39216, 1}, {3, "172.23.194.66", 39230, 1},
	{3, "172.23.222.94", 56470, 1}, {3, "172.23.222.94", 56486, 1}, {3, "172.23.222.94", 56490, 1},
	{3, "172.23.222.94", 56502, 1}, {3, "172.23.222.94", 56506, 1}, {3, "172.23.222.94", 56512, 1},
	{3, "172.23.225.33", 50608, 1}, {3, "172.23.225.33", 50616, 1}, {3, "172.23.225.33", 50618, 2},
	{3, "172.23.225.33", 50632, 1}, {3, "172.23.225.33", 50646, 1}, {3, "172.23.225.33", 50658, 1},
	{3, "172.23.228.228", 55154, 1}, {3, "172.23.228.228", 55164, 1}, {3, "172.23.228.228", 55166, 1},
	{3, "172.23.228.228", 55172, 1}, {3, "172.23.228.228", 55176, 1}, {3, "172.23.228.228", 55186, 1},
	{3, "172.23.231.167", 40248, 1}, {3, "172.23.231.167", 40260, 1}, {3, "172.23.231.167", 40266, 1},
	{3, "172.23.231.167", 40270, 2}, {3, "172.23.231.167", 40272, 1}, {3, "172.23.231.167", 40278, 1},
	{3, "172.23.3.195", 47324, 2}, {3, "172.23.3.195", 47334, 2}, {3, "172.23.3.195", 47350, 1},
	{3, "172.23.3.195", 47366, 1}, {3, "172.23.3.195", 47382, 2}, {3, "172.23.3.195", 47390, 1},
	{3, "172.23.37.101", 42796, 1}, {3, "172.23.37.101", 42802, 1}, {3, "172.23.37.101", 42814, 1},
	{3, "172.23.37.101", 42820, 1}, {3, "172.23.37.101", 42836, 1}, {3, "172.23.37.101", 42850, 1},
	{3, "172.23.40.40", 43712, 1}, {3, "172.23.40.40", 43722, 1}, {3, "172.23.40.40", 43732, 1},
	{3, "172.23.40.40", 43734, 1}, {3, "172.23.40.40", 43744, 2}, {3, "172.23.40.40", 43754, 1},
	{3, "172.23.43.235", 39170, 1}, {3, "172.23.43.235", 39186, 2}, {3, "172.23.43.235", 39192, 1},
	{3, "172.23.43.235", 39194, 1}, {3, "172.23.43.235", 39208, 1}, {3, "172.23.43.235", 39212, 1},
	{3, "172.23.46.174", 56032, 1}, {3, "172.23.46.174", 56046, 1}, {3, "172.23.46.174", 56056, 2},
	{3, "172.23.46.174", 56062, 2}, {3, "172.23.46.174", 56076, 2}, {3, "172.23.46.174", 56084, 1},
	{3, "172.23.49.113", 52014, 1}, {3, "172.23.49.113", 52028, 1}, {3, "172.23.49.113", 52042, 1},
	{3, "172.23.49.113", 52056, 1}, {3, "172.23.49.113", 52072, 1}, {3, "172.23.49.113", 52082, 2},
	{3, "172.23.6.134", 36980, 1}, {3, "172.23.6.134", 36982, 1}, {3, "172.23.6.134", 36986, 1},
	{3, "172.23.6.134", 37000, 1}, {3, "172.23.6.134", 37010, 1}, {3, "172.23.6.134", 37024, 1},
	{3, "172.23.74.202", 37792, 2}, {3, "172.23.74.202", 37800, 1}, {3, "172.23.74.202", 37816, 1},
	{3, "172.23.74.202", 37830, 1}, {3, "172.23.74.202", 37836, 1}, {3, "172.23.74.202", 37838, 1},
	{3, "172.23.77.141", 53780, 1}, {3, "172.23.77.141", 53796, 1}, {3, "172.23.77.141", 53798, 1},
	{3, "172.23.77.141", 53804, 2}, {3, "172.23.77.141", 53810, 1}, {3, "172.23.77.141", 53812, 1},
	{3, "172.23.80.80", 50074, 1}, {3, "172.23.80.80", 50084, 2}, {3, "172.23.80.80", 50096, 1},
	{3, "172.23.80.80", 50108, 1}, {3, "172.23.80.80", 50122, 1}, {3, "172.23.80.80", 50128, 1},
	{3, "172.23.83.19", 55854, 2}, {3, "172.23.83.19", 55868, 1}, {3, "172.23.83.19", 55870, 1},
	{3, "172.23.83.19", 55876, 1}, {3, "172.23.83.19", 55880, 1}, {3, "172.23.83.19", 55884, 1},
	{3, "172.23.86.214", 33578, 1}, {3, "172.23.86.214", 33594, 1}, {3, "172.23.86.214", 33600, 2},
	{3, "172.23.86.214", 33612, 2}, {3, "172.23.86.214", 33628, 1}, {3, "172.23.86.214", 33632, 2},
	{3, "172.23.9.73", 55424, 1}, {3, "172.23.9.73", 55430, 1}, {3, "172.23.9.73", 55442, 1},
	{3, "172.23.9.73", 55446, 1}, {3, "172.23.9.73", 55454, 1}, {3, "172.23.9.73", 55462, 1},
};

static void test_mh_port_oracle(void **state)
{
	(void)state;
	struct lvs_table *t = lvs_table_new();
	struct lvs_service *svcs[4];
	char vip[32], want[32], what[64];

	for (int n = 1; n <= 3; n++) {
		snprintf(vip, sizeof(vip), "10.99.0.%d", n);
		struct lvs_service_conf c = vip_conf(vip, 0, "mh", LVS_SVC_F_SCHED2);
		svcs[n] = add_svc(t, &c);
		if (n == 1) {
			add_rs(t, &c, "10.0.0.1", 80, 100);
			add_rs(t, &c, "10.0.0.2", 80, 1000);
			add_rs(t, &c, "10.0.0.3", 80, 7);
		} else if (n == 2) {
			add_rs(t, &c, "10.0.0.1", 81, 6);
			add_rs(t, &c, "10.0.0.2", 82, 9);
			add_rs(t, &c, "10.0.0.3", 83, 65535);
			edit_rs(t, &c, "10.0.0.3", 83, 3);
		} else {
			add_rs(t, &c, "10.0.0.1", 80, 5);
			add_rs(t, &c, "10.0.0.2", 80, 1);
		}
	}
	for (size_t i = 0; i < sizeof(oracle_mh_port) / sizeof(oracle_mh_port[0]); i++) {
		snprintf(vip, sizeof(vip), "10.99.0.%d", oracle_mh_port[i].svc);
		snprintf(want, sizeof(want), "10.0.0.%d", oracle_mh_port[i].dest);
		snprintf(what, sizeof(what), "%s %s:%u", vip, oracle_mh_port[i].client, oracle_mh_port[i].sport);
		struct lvs_sched_pkt p = sched_pkt(oracle_mh_port[i].client, oracle_mh_port[i].sport, vip);
		expect_pick(pick(svcs[oracle_mh_port[i].svc], &p, 0), want, what);
	}
	lvs_table_free(t);
}

UNIT_TESTS(cmocka_unit_test(test_siphash24_reference_vectors),
	   cmocka_unit_test(test_hsiphash_kernel_vectors),
	   cmocka_unit_test(test_mh_spec_vectors),
	   cmocka_unit_test(test_sh_spec_buckets),
	   cmocka_unit_test(test_sh_weight_layout),
	   cmocka_unit_test(test_sh_mh_oracle),
	   cmocka_unit_test(test_mh_edit_and_empty),
	   cmocka_unit_test(test_mh_too_many_dests),
	   cmocka_unit_test(test_dh_oracle),
	   cmocka_unit_test(test_dh_rules),
	   cmocka_unit_test(test_lblc_oracle),
	   cmocka_unit_test(test_lblcr_oracle),
	   cmocka_unit_test(test_lblc_overload_rule),
	   cmocka_unit_test(test_lblcr_set_rules),
	   cmocka_unit_test(test_lblc_gc_full_expiry),
	   cmocka_unit_test(test_lblcr_gc_full_expiry),
	   cmocka_unit_test(test_lblc_gc_over_max),
	   cmocka_unit_test(test_lblcr_gc_over_max),
	   cmocka_unit_test(test_expiration_setters),
	   cmocka_unit_test(test_ipv6_oracle),
	   cmocka_unit_test(test_lblc_ipv6_entries),
	   cmocka_unit_test(test_scheduler_switch),
	   cmocka_unit_test(test_weights_oracle),
	   cmocka_unit_test(test_mh_port_oracle))
