/* test_datapath.c - the datapath's pure parts: checksum update rules
 * (complete vs CHECKSUM_PARTIAL), the validating parser and the owned
 * set's list of what it cannot forward. */
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "fixture.h"
#include "datapath/pkt/crc32c.h"
#include "datapath/pkt/csum.h"
#include "datapath/pkt/parse.h"
#include "datapath/netfilter/guard.h"

/* a frame of length len as it arrives on ifindex 2 */
static struct dp_frame frame(uint8_t *f, size_t len)
{
	struct dp_frame fr = { .data = f, .len = (uint32_t)len, .wire_len = (uint32_t)len, .ifindex = 2 };
	return fr;
}

/* client 172.20.0.100:sp -> VIP 172.20.0.24:dp, a TCP SYN or UDP with
 * payload, every checksum correct */
static struct dp_frame vip_frame(uint8_t *f, uint8_t proto, uint16_t sp, uint16_t dp, const char *payload)
{
	return frame(f, frame_ip4(f, proto, inet_addr("172.20.0.100"), inet_addr("172.20.0.24"), sp, dp,
				  LVS_TCPF_SYN, payload));
}

static void test_csum_complete_update(void **state)
{
	(void)state;
	uint8_t f[128], g[128];
	uint32_t vip = inet_addr("172.20.0.24"), rip = inet_addr("192.168.1.16"), cip = inet_addr("172.20.0.100");
	frame_ip4(f, IPPROTO_TCP, cip, vip, 40000, 80, LVS_TCPF_SYN, "hello");
	frame_ip4(g, IPPROTO_TCP, cip, rip, 40000, 8080, LVS_TCPF_SYN, "hello");
	/* incremental DNAT of f must give exactly g's checksums */
	uint16_t ipsum, tsum, op = htons(80), np = htons(8080);
	memcpy(&ipsum, f + 24, 2);
	memcpy(&tsum, f + 34 + 16, 2);
	csum_replace4(&ipsum, vip, rip);
	csum_replace4(&tsum, vip, rip);
	csum_replace2(&tsum, op, np);
	assert_memory_equal(&ipsum, g + 24, 2);
	assert_memory_equal(&tsum, g + 34 + 16, 2);
}

static void test_csum_partial_update(void **state)
{
	(void)state;
	uint32_t a = inet_addr("172.20.0.24"), b = inet_addr("192.168.1.8"), c = inet_addr("172.20.0.100");
	/* a CHECKSUM_PARTIAL field holds the folded, NOT complemented pseudo sum */
	uint16_t field = csum_fold16(csum_pseudo4(c, a, IPPROTO_TCP, 1480));
	uint16_t want = csum_fold16(csum_pseudo4(c, b, IPPROTO_TCP, 1480));
	csum_partial_replace4(&field, a, b);
	/* ones' complement has two zeros: compare modulo 0xffff */
	assert_int_equal(field % 0xffff, want % 0xffff);
}

static void test_parse_good_tcp_udp(void **state)
{
	(void)state;
	uint8_t f[128];
	struct dp_frame fr = vip_frame(f, IPPROTO_TCP, 40000, 80, "");
	struct dp_parsed p;
	assert_int_equal(dp_parse(&fr, &p), DP_R_OK);
	assert_int_equal(p.pkt.protocol, IPPROTO_TCP);
	assert_int_equal(p.pkt.sport, 40000);
	assert_int_equal(p.pkt.dport, 80);
	assert_int_equal(p.pkt.tcp_flags, LVS_TCPF_SYN);
	assert_int_equal(p.pkt.len, 40);
	assert_int_equal(p.l4off, 34);

	fr = vip_frame(f, IPPROTO_UDP, 5353, 53, "query");
	assert_int_equal(dp_parse(&fr, &p), DP_R_OK);
	/* UDP checksum 0 means "none" and is valid */
	f[34 + 6] = f[34 + 7] = 0;
	assert_int_equal(dp_parse(&fr, &p), DP_R_OK);
}

static void test_parse_checksums(void **state)
{
	(void)state;
	uint8_t f[128];
	struct dp_frame fr = vip_frame(f, IPPROTO_TCP, 40000, 80, "abc");
	struct dp_parsed p;
	f[34 + 16] ^= 0x55;
	assert_int_equal(dp_parse(&fr, &p), DP_R_TCP_CSUM);
	fr.off.flags = DP_OFF_DATA_VALID;   /* the kernel already checked it */
	assert_int_equal(dp_parse(&fr, &p), DP_R_OK);
	fr.off.flags = 0;
	f[34 + 16] ^= 0x55;
	f[24] ^= 1;
	assert_int_equal(dp_parse(&fr, &p), DP_R_IP_CSUM);
	f[24] ^= 1;
	fr = vip_frame(f, IPPROTO_UDP, 5353, 53, "q");
	f[40] ^= 0x10;
	assert_int_equal(dp_parse(&fr, &p), DP_R_UDP_CSUM);
}

static void test_parse_malformed(void **state)
{
	(void)state;
	uint8_t f[128], g[128];
	struct dp_frame fr = vip_frame(f, IPPROTO_TCP, 40000, 80, "");
	size_t n = fr.len;
	struct dp_parsed p;
	for (size_t cut = 0; cut < n; cut++) {    /* every truncation is rejected, never read past */
		fr = frame(f, cut);
		assert_int_not_equal(dp_parse(&fr, &p), DP_R_OK);
	}
#define CASE(off, val, reason) do { memcpy(g, f, n); g[off] = (val); ip4_csum_set(g + 14, 20); \
		fr = frame(g, n); assert_int_equal(dp_parse(&fr, &p), reason); } while (0)
	CASE(14, 0x55, DP_R_IP_VERSION);
	CASE(14, 0x44, DP_R_IP_IHL);
	CASE(17, 10, DP_R_IP_TOTLEN);           /* total length 10 < IHL */
	CASE(20, 0x20, DP_R_FRAG_FIRST);        /* MF */
	CASE(21, 0x08, DP_R_FRAG_LATER);        /* offset 8 */
	CASE(23, 47, DP_R_PROTO_OTHER);
	CASE(46, 0x20, DP_R_TCP_DOFF);
	CASE(47, 0x03, DP_R_TCP_FLAGS);         /* SYN+FIN */
	CASE(47, 0x00, DP_R_TCP_FLAGS);
	CASE(26, 127, DP_R_IP_SRC_MARTIAN);
	CASE(30, 0, DP_R_IP_DST_MARTIAN);
	memcpy(g, f, n);
	g[12] = 0x86;
	g[13] = 0xdd;
	fr = frame(g, n);
	assert_int_equal(dp_parse(&fr, &p), DP_R_NOT_IP);
	fr = frame(f, n);
	fr.vlan = 1;
	assert_int_equal(dp_parse(&fr, &p), DP_R_VLAN);
	fr = frame(f, n);
	fr.wire_len = (uint32_t)n + 100;
	assert_int_equal(dp_parse(&fr, &p), DP_R_CAPTURE_TRUNC);
	/* GSO metadata must describe our TCP checksum */
	fr = frame(f, n);
	fr.off.gso_size = 1448;
	fr.off.gso_type = DP_GSO_TCPV4;
	fr.off.flags = DP_OFF_NEEDS_CSUM;
	fr.off.csum_start = 34;
	fr.off.csum_offset = 16;
	assert_int_equal(dp_parse(&fr, &p), DP_R_OK);
	fr.off.csum_offset = 6;
	assert_int_equal(dp_parse(&fr, &p), DP_R_GSO_BAD);
	fr.off.csum_offset = 16;
	fr.off.gso_type = DP_GSO_UDP_L4;
	assert_int_equal(dp_parse(&fr, &p), DP_R_GSO_BAD);
}

/* frames the director's own stack sent into lvsd's TUN device (a local
 * NAT real server on 127.0.0.1 answering): a loopback source is theirs to
 * use, never a wire frame's; every other check stays */
static void test_parse_local_frame(void **state)
{
	(void)state;
	uint8_t f[128];
	size_t n = frame_ip4(f, IPPROTO_TCP, inet_addr("127.0.0.1"), inet_addr("172.20.0.100"), 8080, 41000,
			     LVS_TCPF_SYN, "x");
	struct dp_frame fr = frame(f, n);
	struct dp_parsed p;
	assert_int_equal(dp_parse(&fr, &p), DP_R_IP_SRC_MARTIAN);
	fr.local = 1;
	assert_int_equal(dp_parse(&fr, &p), DP_R_OK);
	assert_int_equal(p.local, 1);
	assert_int_equal(p.pkt.sport, 8080);
	assert_int_equal(p.pkt.saddr.ip, inet_addr("127.0.0.1"));
	f[14 + 12] = 0;                 /* 0.0.0.1: still a martian */
	ip4_csum_set(f + 14, 20);
	assert_int_equal(dp_parse(&fr, &p), DP_R_IP_SRC_MARTIAN);
	f[14 + 12] = 127;
	ip4_csum_set(f + 14, 20);
	f[14 + 20 + 16] ^= 0x11;        /* and the checksums are verified */
	assert_int_equal(dp_parse(&fr, &p), DP_R_TCP_CSUM);
	f[14 + 20 + 16] ^= 0x11;
	uint32_t lo = inet_addr("127.0.0.1");
	memcpy(f + 14 + 16, &lo, 4);    /* to a loopback destination: never */
	ip4_csum_set(f + 14, 20);
	assert_int_equal(dp_parse(&fr, &p), DP_R_IP_DST_MARTIAN);
}

static void test_parse_icmp_error(void **state)
{
	(void)state;
	uint8_t f[160], inner[64];
	/* quoted: our reply VIP:80 -> client:41000 */
	frame_ip4(inner, IPPROTO_TCP, inet_addr("172.20.0.24"), inet_addr("172.20.0.100"), 80, 41000, LVS_TCPF_SYN, "");
	uint32_t s = inet_addr("172.20.0.100"), d = inet_addr("172.20.0.24");
	uint8_t *ic = frame_ip4_hdr(f, IPPROTO_ICMP, s, d, 8 + 28), *ip = f + 14;
	ic[0] = 3;
	ic[1] = 4;
	memcpy(ic + 8, inner + 14, 28);
	uint16_t c = csum_buf(ic, 36, 0);
	memcpy(ic + 2, &c, 2);
	struct dp_frame fr = frame(f, 14 + 56);
	struct dp_parsed p;
	assert_int_equal(dp_parse(&fr, &p), DP_R_OK);
	assert_true(p.pkt.icmp_error);
	assert_int_equal(p.pkt.inner.protocol, IPPROTO_TCP);
	assert_int_equal(p.pkt.inner.saddr.ip, d);
	assert_int_equal(p.pkt.inner.sport, 80);
	assert_int_equal(p.pkt.inner.dport, 41000);
	/* a quote cut inside the ports is rejected */
	ip[3] = 20 + 8 + 22;
	ip4_csum_set(ip, 20);
	c = 0;
	memcpy(ic + 2, &c, 2);
	c = csum_buf(ic, 30, 0);
	memcpy(ic + 2, &c, 2);
	fr = frame(f, 14 + 50);
	assert_int_equal(dp_parse(&fr, &p), DP_R_ICMP_INNER_BAD);
	/* bad ICMP checksum */
	ic[2] ^= 1;
	assert_int_equal(dp_parse(&fr, &p), DP_R_ICMP_CSUM);
}

static void test_crc32c_and_sctp(void **state)
{
	(void)state;
	/* the standard check value of CRC32c */
	assert_int_equal(~crc32c(~0u, "123456789", 9), 0xe3069283u);
	uint8_t f[128];
	uint8_t *sc = frame_ip4_hdr(f, IPPROTO_SCTP, inet_addr("172.20.0.100"), inet_addr("172.20.0.24"), 12 + 20);
	sc[0] = 0x9c; sc[1] = 0x40;             /* 40000 */
	sc[2] = 0x27; sc[3] = 0x0f;             /* 9999 */
	sc[12] = LVS_SCTP_CID_INIT;
	sc[15] = 20;                            /* chunk length */
	sctp_checksum_set(sc, 32);
	assert_true(sctp_checksum_ok(sc, 32));
	struct dp_frame fr = frame(f, 14 + 52);
	struct dp_parsed p;
	assert_int_equal(dp_parse(&fr, &p), DP_R_OK);
	assert_int_equal(p.pkt.sctp_chunk, LVS_SCTP_CID_INIT);
	assert_int_equal(p.pkt.dport, 9999);
	sc[20] ^= 1;
	assert_int_equal(dp_parse(&fr, &p), DP_R_SCTP_CSUM);
	sc[20] ^= 1;
	/* COOKIE ECHO followed by ABORT reads as ABORT */
	sc[12] = 10;
	sc[15] = 8;
	sc[20] = LVS_SCTP_CID_ABORT;
	sc[23] = 4;
	sctp_checksum_set(sc, 32);
	assert_int_equal(dp_parse(&fr, &p), DP_R_OK);
	assert_int_equal(p.pkt.sctp_chunk, LVS_SCTP_CID_ABORT);
	/* chunk longer than the packet */
	sc[12] = 1;
	sc[15] = 200;
	assert_int_equal(dp_parse(&fr, &p), DP_R_SCTP_SHORT);
}

/* the SSE4.2 crc32 path and the table agree on random buffers of every
 * length up to 300 bytes, at every alignment, from random start values */
static void test_crc32c_hw_matches_table(void **state)
{
	(void)state;
	assert_int_equal(~crc32c_sw(~0u, "123456789", 9), 0xe3069283u);
	if (!crc32c_hw_available())
		skip();
	assert_int_equal(~crc32c_hw(~0u, "123456789", 9), 0xe3069283u);
	uint8_t buf[320];
	uint32_t seed = 0x2545f491u;
	for (int round = 0; round < 20; round++) {
		for (size_t i = 0; i < sizeof(buf); i++) {
			seed = seed * 1664525u + 1013904223u;
			buf[i] = (uint8_t)(seed >> 24);
		}
		for (size_t off = 0; off < 8; off++)
			for (size_t len = 0; len + off <= 300; len++) {
				uint32_t start = seed ^ (uint32_t)(len * 2654435761u);
				assert_int_equal(crc32c_hw(start, buf + off, len), crc32c_sw(start, buf + off, len));
			}
	}
	/* crc32c() itself takes the instruction here */
	assert_int_equal(crc32c(~0u, buf, 300), crc32c_sw(~0u, buf, 300));
}

static void collect(const char *line, size_t len, void *arg)
{
	sb_printf(arg, "%.*s|", (int)len, line);
}

/* every service the IPv4-only packet path skips is listed with its
 * reason; a rebuild reports only the ones new since the previous set */
static void test_owned_unforwarded(void **state)
{
	struct lvs_table *t = lvs_table_new();
	struct lvs_service_conf v4 = svc_conf("10.0.0.1", 80, "rr"), v6 = svc_conf("2001:db8::1", 80, "rr");
	struct lvs_service_conf v4t = svc_conf("10.0.0.2", 80, "rr"), f6 = fwm_conf(AF_INET6, 5, "rr");
	struct strbuf seen = STRBUF_INIT;
	struct dp_owned *a, *b;

	(void)state;
	add_svc(t, &v4);
	add_dest(t, &v4, "10.0.1.1", 80, 1, LVS_CONN_F_MASQ);
	add_svc(t, &v6);
	add_dest(t, &v6, "2001:db8::10", 80, 1, LVS_CONN_F_MASQ);
	a = dp_owned_build(t);
	assert_non_null(a);
	assert_int_equal(a->nvips, 1);
	assert_int_equal(a->nnat, 1);
	assert_int_equal(a->nunfwd, 1);
	assert_string_equal(a->unfwd.buf, "TCP [2001:db8::1]:80: IPv6 is not forwarded by this datapath yet\n");
	dp_owned_unfwd_new(a, NULL, collect, &seen);
	assert_string_equal(seen.buf, "TCP [2001:db8::1]:80: IPv6 is not forwarded by this datapath yet|");

	v6.protocol = IPPROTO_UDP;
	add_svc(t, &v6);
	add_svc(t, &v4t);
	add_dest(t, &v4t, "10.0.1.2", 80, 1, LVS_CONN_F_TUNNEL);
	add_dest(t, &v4t, "2001:db8::20", 80, 1, LVS_CONN_F_TUNNEL);
	add_svc(t, &f6);
	b = dp_owned_build(t);
	assert_non_null(b);
	assert_int_equal(b->nvips, 2);
	assert_int_equal(b->nunfwd, 4);
	assert_non_null(strstr(b->unfwd.buf, "UDP [2001:db8::1]:80: IPv6 is not forwarded by this datapath yet\n"));
	assert_non_null(strstr(b->unfwd.buf, "FWM 5 IPv6: IPv6 is not forwarded by this datapath yet\n"));
	assert_non_null(strstr(b->unfwd.buf, "TCP 10.0.0.2:80: real server [2001:db8::20]:80 is IPv6, "
					     "not forwarded by this datapath yet\n"));
	sb_free(&seen);
	seen = (struct strbuf)STRBUF_INIT;
	dp_owned_unfwd_new(b, a, collect, &seen);
	/* three new lines, the TCP IPv6 service not again */
	assert_null(strstr(seen.buf, "TCP [2001:db8::1]"));
	assert_non_null(strstr(seen.buf, "UDP [2001:db8::1]:80"));
	assert_non_null(strstr(seen.buf, "FWM 5 IPv6"));
	assert_non_null(strstr(seen.buf, "TCP 10.0.0.2:80"));
	sb_free(&seen);
	seen = (struct strbuf)STRBUF_INIT;
	dp_owned_unfwd_new(b, b, collect, &seen);
	assert_null(seen.buf);
	sb_free(&seen);
	dp_owned_free(a);
	dp_owned_free(b);
	lvs_table_free(t);
}

static void count_lines(const char *line, size_t len, void *arg)
{
	(void)line;
	(void)len;
	(*(size_t *)arg)++;
}

/* many unforwarded services: one more is one new line, whatever the order */
static void test_owned_unforwarded_many(void **state)
{
	struct lvs_table *t = lvs_table_new();
	struct dp_owned *a, *b;
	size_t n = 0;
	char vip[64];

	(void)state;
	for (int i = 0; i < 3000; i++) {
		snprintf(vip, sizeof(vip), "2001:db8::%x:%x", i / 256, i % 256);
		struct lvs_service_conf c = svc_conf(vip, 80, "rr");
		add_svc(t, &c);
	}
	a = dp_owned_build(t);
	assert_non_null(a);
	assert_int_equal(a->nunfwd, 3000);
	dp_owned_unfwd_new(a, NULL, count_lines, &n);
	assert_int_equal(n, 3000);
	struct lvs_service_conf c = svc_conf("2001:db8::ffff", 443, "rr");
	add_svc(t, &c);
	b = dp_owned_build(t);
	assert_non_null(b);
	n = 0;
	dp_owned_unfwd_new(b, a, count_lines, &n);
	assert_int_equal(n, 1);
	n = 0;
	dp_owned_unfwd_new(a, b, count_lines, &n);
	assert_int_equal(n, 0);
	dp_owned_free(a);
	dp_owned_free(b);
	lvs_table_free(t);
}

UNIT_TESTS(cmocka_unit_test(test_csum_complete_update),
	   cmocka_unit_test(test_csum_partial_update),
	   cmocka_unit_test(test_parse_good_tcp_udp),
	   cmocka_unit_test(test_parse_checksums),
	   cmocka_unit_test(test_parse_malformed),
	   cmocka_unit_test(test_parse_local_frame),
	   cmocka_unit_test(test_parse_icmp_error),
	   cmocka_unit_test(test_crc32c_and_sctp),
	   cmocka_unit_test(test_crc32c_hw_matches_table),
	   cmocka_unit_test(test_owned_unforwarded),
	   cmocka_unit_test(test_owned_unforwarded_many))
