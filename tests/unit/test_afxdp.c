/* test_afxdp.c - the AF_XDP backend's pure part: telling a veth peer's
 * pseudo-header-only checksum (offload metadata lost on the way to XDP)
 * from a complete or a corrupted one, and completing it in place. */
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "fixture.h"
#include "datapath/io/afxdp_csum.h"
#include "datapath/pkt/csum.h"

#define L4OFF (14 + 20)

/* 172.20.0.100:40001 -> 172.20.0.24:80, TCP PSH|ACK or UDP, with payload
 * and complete checksums; returns the length */
static uint32_t build(uint8_t *f, uint8_t proto, const char *payload)
{
	return (uint32_t)frame_ip4(f, proto, inet_addr("172.20.0.100"), inet_addr("172.20.0.24"), 40001, 80,
				   LVS_TCPF_PSH | LVS_TCPF_ACK, payload);
}

/* what a CHECKSUM_PARTIAL sender leaves in the field */
static void make_partial(uint8_t *f, uint8_t proto)
{
	uint8_t *ip = f + 14;
	unsigned l4len = (unsigned)(ip[2] << 8 | ip[3]) - 20;
	uint32_t s, d;
	memcpy(&s, ip + 12, 4);
	memcpy(&d, ip + 16, 4);
	uint16_t ph = csum_fold16(csum_pseudo4(s, d, proto, (uint16_t)l4len));
	memcpy(f + L4OFF + (proto == IPPROTO_TCP ? 16 : 6), &ph, 2);
}

static void check_proto(uint8_t proto)
{
	uint8_t good[256], f[256];
	uint32_t len = build(good, proto, "GET / HTTP/1.0\r\n\r\nodd");
	unsigned off = L4OFF + (proto == IPPROTO_TCP ? 16 : 6);

	/* complete: verified, untouched */
	memcpy(f, good, len);
	struct dp_frame fr = { .data = f, .len = len };
	assert_int_equal(afxdp_fix_csum(&fr), AFXDP_CSUM_VALID);
	assert_true(fr.off.flags & DP_OFF_DATA_VALID);
	assert_memory_equal(f, good, len);

	/* pseudo-header only: completed to exactly the right checksum */
	memcpy(f, good, len);
	make_partial(f, proto);
	assert_memory_not_equal(f + off, good + off, 2);
	memset(&fr, 0, sizeof(fr));
	fr.data = f;
	fr.len = len;
	assert_int_equal(afxdp_fix_csum(&fr), AFXDP_CSUM_COMPLETED);
	assert_true(fr.off.flags & DP_OFF_DATA_VALID);
	assert_memory_equal(f, good, len);

	/* corrupted payload: left alone, not marked valid */
	memcpy(f, good, len);
	f[len - 1] ^= 0x5a;
	memset(&fr, 0, sizeof(fr));
	fr.data = f;
	fr.len = len;
	assert_int_equal(afxdp_fix_csum(&fr), AFXDP_CSUM_UNTOUCHED);
	assert_false(fr.off.flags & DP_OFF_DATA_VALID);
	assert_int_equal(f[len - 1], good[len - 1] ^ 0x5a);

	/* partial checksum but the IP total length claims more than captured */
	memcpy(f, good, len);
	make_partial(f, proto);
	memset(&fr, 0, sizeof(fr));
	fr.data = f;
	fr.len = len - 1;
	assert_int_equal(afxdp_fix_csum(&fr), AFXDP_CSUM_UNTOUCHED);
	assert_false(fr.off.flags & DP_OFF_DATA_VALID);

	/* fragment: never touched (no complete transport segment) */
	memcpy(f, good, len);
	make_partial(f, proto);
	f[14 + 6] = 0x20;       /* MF */
	ip4_csum_set(f + 14, 20);
	memset(&fr, 0, sizeof(fr));
	fr.data = f;
	fr.len = len;
	assert_int_equal(afxdp_fix_csum(&fr), AFXDP_CSUM_UNTOUCHED);
}

static void test_tcp(void **state) { (void)state; check_proto(IPPROTO_TCP); }
static void test_udp(void **state) { (void)state; check_proto(IPPROTO_UDP); }

static void test_udp_no_checksum(void **state)
{
	(void)state;
	uint8_t f[128];
	uint32_t len = build(f, IPPROTO_UDP, "hello");
	f[L4OFF + 6] = f[L4OFF + 7] = 0;
	struct dp_frame fr = { .data = f, .len = len };
	assert_int_equal(afxdp_fix_csum(&fr), AFXDP_CSUM_UNTOUCHED);
	assert_int_equal(f[L4OFF + 6] | f[L4OFF + 7], 0);
}

static void test_not_ip_and_short(void **state)
{
	(void)state;
	uint8_t f[128];
	uint32_t len = build(f, IPPROTO_TCP, "x");
	struct dp_frame fr = { .data = f, .len = 20 };
	assert_int_equal(afxdp_fix_csum(&fr), AFXDP_CSUM_UNTOUCHED);
	f[13] = 0xdd;           /* 0x08dd: not IPv4 */
	fr.len = len;
	assert_int_equal(afxdp_fix_csum(&fr), AFXDP_CSUM_UNTOUCHED);
	f[13] = 0;
	f[14] = 0x44;           /* IHL 4 */
	assert_int_equal(afxdp_fix_csum(&fr), AFXDP_CSUM_UNTOUCHED);
	fr.data = NULL;
	assert_int_equal(afxdp_fix_csum(&fr), AFXDP_CSUM_UNTOUCHED);
}

UNIT_TESTS(cmocka_unit_test(test_tcp),
	   cmocka_unit_test(test_udp),
	   cmocka_unit_test(test_udp_no_checksum),
	   cmocka_unit_test(test_not_ip_and_short))
