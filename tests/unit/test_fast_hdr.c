/* test_fast_hdr.c - the fast path's header test (lvsd_fast_hdr_ok, shared by
 * the TC and XDP programs) against the workers' parser (dp_parse): a
 * segment the fast path would forward is one the parser accepts, and every
 * plain TCP segment the parser accepts the fast path takes too.  Checked on
 * the malformed kinds one by one, then on a large number of randomly
 * damaged segments. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <cmocka.h>
#include "datapath/io/fastpath_maps.h"
#include "datapath/pkt/csum.h"
#include "datapath/pkt/parse.h"

#define BUF 256

/* Ethernet + IPv4 + TCP ACK|PSH with `pl` payload bytes, checksums right */
static size_t build(uint8_t *f, size_t pl)
{
	uint32_t s = inet_addr("172.20.0.100"), d = inet_addr("172.20.0.24");
	uint8_t *ip = f + 14, *t = ip + 20;
	uint16_t v;

	memset(f, 0, BUF);
	f[12] = 0x08;
	ip[0] = 0x45;
	v = htons((uint16_t)(40 + pl));
	memcpy(ip + 2, &v, 2);
	ip[6] = 0x40;                   /* DF */
	ip[8] = 64;
	ip[9] = IPPROTO_TCP;
	memcpy(ip + 12, &s, 4);
	memcpy(ip + 16, &d, 4);
	ip4_csum_set(ip, 20);
	v = htons(40000);
	memcpy(t, &v, 2);
	v = htons(80);
	memcpy(t + 2, &v, 2);
	t[12] = 0x50;
	t[13] = LVS_TCPF_ACK | 0x08;
	for (size_t i = 0; i < pl; i++)
		t[20 + i] = (uint8_t)('a' + i % 26);
	v = csum_buf(t, 20 + pl, csum_pseudo4(s, d, IPPROTO_TCP, (uint16_t)(20 + pl)));
	memcpy(t + 16, &v, 2);
	return 14 + 40 + pl;
}

/* the parser's verdict; the TCP checksum is left out (the kernel verified
 * it, as the fast path assumes: its rewrite carries a wrong one along) */
static enum dp_reason parse(uint8_t *f, size_t len)
{
	struct dp_frame fr = { .data = f, .len = (uint32_t)len, .wire_len = (uint32_t)len, .ifindex = 2 };
	struct dp_parsed p;

	fr.off.flags = DP_OFF_DATA_VALID;
	return dp_parse(&fr, &p);
}

static int fast(const uint8_t *f, size_t len)
{
	return lvsd_fast_hdr_ok(f + 14, (uint32_t)(len - 14));
}

static void set16(uint8_t *f, unsigned off, unsigned val)
{
	f[off] = (uint8_t)(val >> 8);
	f[off + 1] = (uint8_t)val;
}

static void test_kinds(void **state)
{
	uint8_t f[BUF];
	size_t n;

	(void)state;
	n = build(f, 20);
	assert_int_equal(parse(f, n), DP_R_OK);
	assert_true(fast(f, n));
	/* a short frame's Ethernet padding after the IP packet is fine */
	assert_true(fast(f, n + 6));

	n = build(f, 20);
	f[24] ^= 0x40;                                  /* header checksum */
	assert_int_equal(parse(f, n), DP_R_IP_CSUM);
	assert_false(fast(f, n));

	n = build(f, 20);
	set16(f, 16, (unsigned)(n - 14 + 1));           /* one byte beyond the frame */
	ip4_csum_set(f + 14, 20);
	assert_int_equal(parse(f, n), DP_R_IP_TOTLEN);
	assert_false(fast(f, n));

	n = build(f, 20);
	set16(f, 16, 12);                               /* shorter than the IP header */
	ip4_csum_set(f + 14, 20);
	assert_int_equal(parse(f, n), DP_R_IP_TOTLEN);
	assert_false(fast(f, n));

	n = build(f, 20);
	set16(f, 16, 30);                               /* shorter than IP + TCP headers */
	ip4_csum_set(f + 14, 20);
	assert_int_equal(parse(f, n), DP_R_TCP_SHORT);
	assert_false(fast(f, n));

	n = build(f, 20);
	f[14] = 0x44;                                   /* IHL 4 */
	f[24] = f[25] = 0;
	assert_int_equal(parse(f, n), DP_R_IP_IHL);
	assert_false(fast(f, n));

	n = build(f, 20);
	f[20] |= 0x20;                                  /* MF */
	ip4_csum_set(f + 14, 20);
	assert_int_equal(parse(f, n), DP_R_FRAG_FIRST);
	assert_false(fast(f, n));
	f[20] &= (uint8_t)~0x20;
	f[21] = 8;                                      /* offset 64 */
	ip4_csum_set(f + 14, 20);
	assert_int_equal(parse(f, n), DP_R_FRAG_LATER);
	assert_false(fast(f, n));

	n = build(f, 20);
	f[34 + 12] = 0x20;                              /* data offset 2 */
	assert_int_equal(parse(f, n), DP_R_TCP_DOFF);
	assert_false(fast(f, n));
	f[34 + 12] = 0xf0;                              /* 60 > 40 bytes of segment */
	assert_int_equal(parse(f, n), DP_R_TCP_DOFF);
	assert_false(fast(f, n));
	f[34 + 12] = 0xa0;                              /* 40: options filling it */
	assert_int_equal(parse(f, n), DP_R_OK);
	assert_true(fast(f, n));

	n = build(f, 20);
	f[34 + 13] = 0x08;                              /* PSH alone */
	assert_int_equal(parse(f, n), DP_R_TCP_FLAGS);
	assert_false(fast(f, n));
	f[34 + 13] = LVS_TCPF_SYN | LVS_TCPF_FIN;
	assert_int_equal(parse(f, n), DP_R_TCP_FLAGS);
	assert_false(fast(f, n));
	f[34 + 13] = LVS_TCPF_SYN | LVS_TCPF_RST | LVS_TCPF_ACK;
	assert_int_equal(parse(f, n), DP_R_TCP_FLAGS);
	assert_false(fast(f, n));

	/* IP options are valid, but the workers' (the rewrite assumes 20 bytes) */
	n = build(f, 20);
	f[14] = 0x46;
	ip4_csum_set(f + 14, 24);
	assert_false(fast(f, n));
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

/* damage random header bytes (or the lengths, or the frame's end), fix the
 * IP checksum most of the time so the later checks are reached too */
static void test_random_damage(void **state)
{
	static const enum dp_reason header_reasons[] = {
		DP_R_IP_VERSION, DP_R_IP_IHL, DP_R_IP_TOTLEN, DP_R_IP_CSUM, DP_R_FRAG_FIRST,
		DP_R_FRAG_LATER, DP_R_TCP_SHORT, DP_R_TCP_DOFF, DP_R_TCP_FLAGS,
	};
	unsigned seen[DP_R_COUNT] = { 0 }, accepted = 0;
	uint8_t f[BUF];

	(void)state;
	for (unsigned iter = 0; iter < 300000; iter++) {
		size_t n = build(f, rnd() % 64);
		unsigned hits = 1 + rnd() % 3;

		for (unsigned h = 0; h < hits; h++) {
			switch (rnd() % 4) {
			case 0:         /* total length, near the truth */
				set16(f, 16, (unsigned)((int)(n - 14) + (int)(rnd() % 81) - 60) & 0xffff);
				break;
			case 1:         /* the frame's length */
				n = 54 + rnd() % (BUF - 54);
				break;
			case 2:         /* one bit of the IP or TCP header */
				f[14 + rnd() % 40] ^= (uint8_t)(1u << (rnd() % 8));
				break;
			default:        /* version/IHL, flags/offset, data offset, TCP flags */
				f[(const unsigned[]){ 14, 20, 21, 46, 47 }[rnd() % 5]] = (uint8_t)rnd();
				break;
			}
		}
		if (rnd() % 8) {
			unsigned ihl = (f[14] & 15u) * 4;
			f[24] = f[25] = 0;
			if (ihl >= 20 && 14 + ihl <= n)
				ip4_csum_set(f + 14, ihl);
		}
		enum dp_reason r = parse(f, n);
		int ok = fast(f, n);
		/* what the fast path forwards, the parser accepts (addresses
		 * and ports: the flow lookup matched those) */
		if (ok) {
			accepted++;
			if (r != DP_R_OK && r != DP_R_IP_SRC_MARTIAN && r != DP_R_IP_DST_MARTIAN && r != DP_R_TCP_PORT0)
				fail_msg("iteration %u: the fast path takes what the parser drops (%s)", iter,
					 dp_reason_name[r]);
		} else {
			seen[r]++;
			/* and every plain (IHL 5) TCP segment the parser takes */
			if (r == DP_R_OK && f[14] == 0x45 && f[23] == IPPROTO_TCP)
				fail_msg("iteration %u: a valid segment is refused", iter);
		}
	}
	/* the damage reached every check, and valid segments remained */
	for (size_t i = 0; i < sizeof(header_reasons) / sizeof(header_reasons[0]); i++)
		if (!seen[header_reasons[i]])
			fail_msg("no damaged segment was refused as %s", dp_reason_name[header_reasons[i]]);
	assert_true(accepted > 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_random_damage),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
