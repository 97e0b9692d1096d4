/* test_check_dns.c - the DNS health check's messages (src/config/dns.c)
 * and how both configuration formats ask for it: exact query bytes,
 * invalid names, replies judged up/down/ignored (ids, questions, rcodes,
 * compression, CNAME chains, receive, malformed and looping answers),
 * reverse names, keepalived DNS_CHECK defaults, ldirectord service=dns. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include "fixture.h"
#include "config/dns.h"

static void test_query_bytes(void **state)
{
	(void)state;
	uint8_t q[DNS_MAX_QUERY];
	static const uint8_t want[] = {
		0, 0, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,           /* id 0, RD, 1 question */
		3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
		0, 1, 0, 1,                                         /* A, IN */
	};
	static const uint8_t root_soa[] = { 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 6, 0, 1 };
	char big[300];

	assert_int_equal(dns_build_query("www.example.com", DNS_T_A, q, sizeof(q)), sizeof(want));
	assert_memory_equal(q, want, sizeof(want));
	assert_int_equal(dns_build_query("www.example.com.", DNS_T_A, q, sizeof(q)), sizeof(want));
	assert_memory_equal(q, want, sizeof(want));
	assert_int_equal(dns_build_query(".", DNS_T_SOA, q, sizeof(q)), sizeof(root_soa));
	assert_memory_equal(q, root_soa, sizeof(root_soa));
	dns_set_id(q, 0xbeef);
	assert_int_equal(q[0], 0xbe);
	assert_int_equal(q[1], 0xef);
	/* invalid names */
	assert_int_equal(dns_build_query("a..b", DNS_T_A, q, sizeof(q)), -EINVAL);
	assert_int_equal(dns_build_query(".a", DNS_T_A, q, sizeof(q)), -EINVAL);
	assert_int_equal(dns_build_query("a..", DNS_T_A, q, sizeof(q)), -EINVAL);
	memset(big, 'x', 64);
	big[64] = 0;
	assert_int_equal(dns_build_query(big, DNS_T_A, q, sizeof(q)), -EINVAL);   /* label of 64 */
	big[63] = 0;
	assert_true(dns_build_query(big, DNS_T_A, q, sizeof(q)) > 0);
	for (int i = 0; i < 299; i++)
		big[i] = (i % 2) ? '.' : 'a';
	big[299] = 0;
	assert_int_equal(dns_build_query(big, DNS_T_A, q, sizeof(q)), -EINVAL);  /* over 255 */
	assert_int_equal(dns_build_query("www.example.com", DNS_T_A, q, 20), -EINVAL);
}

/* a reply to the query for www.example.com A: header, the question, then
 * `answers` (raw bytes, names may point at offset 12, the question's) */
static size_t reply(uint8_t *r, const uint8_t *q, size_t qlen, uint8_t flags3, uint16_t ancount,
		    const uint8_t *answers, size_t alen)
{
	memcpy(r, q, qlen);
	r[2] = 0x81;                  /* QR, RD */
	r[3] = flags3;                /* RA + rcode */
	r[6] = (uint8_t)(ancount >> 8);
	r[7] = (uint8_t)ancount;
	if (alen)
		memcpy(r + qlen, answers, alen);
	return qlen + alen;
}

static int judge(const uint8_t *q, size_t qlen, const uint8_t *r, size_t rlen, const char *rx, char *msg)
{
	regex_t re;
	int ret;

	if (!rx)
		return dns_check_reply(q, qlen, r, rlen, NULL, msg, 160);
	assert_int_equal(regcomp(&re, rx, REG_EXTENDED | REG_NOSUB), 0);
	ret = dns_check_reply(q, qlen, r, rlen, &re, msg, 160);
	regfree(&re);
	return ret;
}

static void test_replies(void **state)
{
	(void)state;
	uint8_t q[DNS_MAX_QUERY], r[1024];
	char msg[160];
	size_t qlen = (size_t)dns_build_query("www.example.com", DNS_T_A, q, sizeof(q)), rlen;
	/* www.example.com CNAME web.example.com (pointer to "example.com" at 16),
	 * then web.example.com A 192.0.2.7 and A 192.0.2.8 */
	static const uint8_t chain[] = {
		0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 60, 0, 6, 3, 'w', 'e', 'b', 0xc0, 16,
		0xc0, 33, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 7,
		0xc0, 33, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 8,
	};

	dns_set_id(q, 0x1234);
	rlen = reply(r, q, qlen, 0x80, 3, chain, sizeof(chain));
	assert_int_equal(judge(q, qlen, r, rlen, NULL, msg), 1);
	assert_string_equal(msg, "2 answers, 192.0.2.7");
	assert_int_equal(judge(q, qlen, r, rlen, "^192\\.0\\.2\\.8$", msg), 1);
	assert_string_equal(msg, "answer 192.0.2.8");
	assert_int_equal(judge(q, qlen, r, rlen, "^10\\.", msg), 0);
	assert_string_equal(msg, "no answer matches (first: 192.0.2.7)");

	/* not ours: other id, a query (QR clear), another question */
	r[1] = 0x35;
	assert_int_equal(judge(q, qlen, r, rlen, NULL, msg), -EINVAL);
	r[1] = 0x34;
	r[2] = 0x01;
	assert_int_equal(judge(q, qlen, r, rlen, NULL, msg), -EINVAL);
	r[2] = 0x81;
	r[13] = 'x';
	assert_int_equal(judge(q, qlen, r, rlen, NULL, msg), -EINVAL);
	r[13] = 'W';                  /* the name's case does not matter */
	assert_int_equal(judge(q, qlen, r, rlen, NULL, msg), 1);
	assert_int_equal(judge(q, qlen, r, 11, NULL, msg), -EINVAL);

	/* NXDOMAIN, truncated */
	rlen = reply(r, q, qlen, 0x83, 0, NULL, 0);
	assert_int_equal(judge(q, qlen, r, rlen, NULL, msg), 0);
	assert_string_equal(msg, "NXDOMAIN (rcode 3)");
	rlen = reply(r, q, qlen, 0x80, 3, chain, sizeof(chain));
	r[2] |= 0x02;
	assert_int_equal(judge(q, qlen, r, rlen, NULL, msg), 0);
	assert_string_equal(msg, "truncated reply");

	/* only the CNAME: no answer of type A */
	rlen = reply(r, q, qlen, 0x80, 1, chain, 18);
	assert_int_equal(judge(q, qlen, r, rlen, NULL, msg), 0);
	assert_string_equal(msg, "no answer of the query's type (1 answers)");
	/* ancount says 4, the data holds 3: malformed */
	rlen = reply(r, q, qlen, 0x80, 4, chain, sizeof(chain));
	assert_int_equal(judge(q, qlen, r, rlen, "^10\\.", msg), 0);
	assert_string_equal(msg, "malformed answer 4");
	/* an rdlength past the end */
	rlen = reply(r, q, qlen, 0x80, 1, chain + 18, 16);
	r[rlen - 5] = 40;
	assert_int_equal(judge(q, qlen, r, rlen, NULL, msg), 0);
	assert_string_equal(msg, "malformed answer 1");
	/* an A record of 5 bytes */
	{
		static const uint8_t a5[] = { 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 5, 1, 2, 3, 4, 5 };
		rlen = reply(r, q, qlen, 0x80, 1, a5, sizeof(a5));
		assert_int_equal(judge(q, qlen, r, rlen, NULL, msg), 0);
	}
	/* a compression pointer to itself */
	{
		size_t self = qlen;
		uint8_t loop[] = { 0xc0, (uint8_t)self, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 1, 2, 3, 4 };
		rlen = reply(r, q, qlen, 0x80, 1, loop, sizeof(loop));
		assert_int_equal(judge(q, qlen, r, rlen, NULL, msg), 0);
		assert_string_equal(msg, "malformed answer 1");
	}
}

static void test_ptr_and_aaaa(void **state)
{
	(void)state;
	uint8_t q[DNS_MAX_QUERY], r[1024];
	char msg[160], name[80];
	size_t qlen, rlen;

	assert_int_equal(dns_reverse_name("192.168.1.16", name, sizeof(name)), 0);
	assert_string_equal(name, "16.1.168.192.in-addr.arpa");
	assert_int_equal(dns_reverse_name("2001:db8::1", name, sizeof(name)), 0);
	assert_string_equal(name, "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
	assert_int_equal(dns_reverse_name("www.example.com", name, sizeof(name)), -EINVAL);

	assert_int_equal(dns_reverse_name("192.0.2.7", name, sizeof(name)), 0);
	qlen = (size_t)dns_build_query(name, DNS_T_PTR, q, sizeof(q));
	{
		static const uint8_t ptr[] = {
			0xc0, 12, 0, 12, 0, 1, 0, 0, 0, 60, 0, 17,
			3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
		};
		rlen = reply(r, q, qlen, 0x80, 1, ptr, sizeof(ptr));
		assert_int_equal(judge(q, qlen, r, rlen, "^www\\.example\\.com$", msg), 1);
	}
	qlen = (size_t)dns_build_query("v6.example.com", DNS_T_AAAA, q, sizeof(q));
	{
		static const uint8_t aaaa[] = {
			0xc0, 12, 0, 28, 0, 1, 0, 0, 0, 60, 0, 16,
			0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x24,
		};
		rlen = reply(r, q, qlen, 0x80, 1, aaaa, sizeof(aaaa));
		assert_int_equal(judge(q, qlen, r, rlen, "^2001:db8::24$", msg), 1);
	}
	assert_int_equal(dns_qtype("soa"), DNS_T_SOA);
	assert_int_equal(dns_qtype("AAAA"), DNS_T_AAAA);
	assert_int_equal(dns_qtype("ANY"), 0);
}

static void test_config(void **state)
{
	(void)state;
	struct strbuf err = STRBUF_INIT;
	uint8_t q[DNS_MAX_QUERY];
	int qlen;
	struct cfg *c = parse_cfg("virtual_server 10.0.0.100 53 {\n protocol UDP\n delay_loop 7\n"
			      " real_server 10.0.0.1 53 {\n  DNS_CHECK {\n  }\n }\n"
			      " real_server 10.0.0.2 53 {\n  DNS_CHECK {\n   type a\n   name www.example.com\n"
			      "   retry 1\n   delay_before_retry 2\n  }\n }\n}\n",
			      CFG_FMT_KEEPALIVED, &err, NULL);
	const struct cfg_check *k;

	assert_non_null(c);
	/* defaults: root SOA, retry 3 (down after 4), retried after delay_loop */
	k = &c->svcs[0].reals[0].checks[0];
	assert_int_equal(k->kind, CFG_CHK_DNS);
	assert_int_equal(k->port, 53);
	assert_int_equal(k->fall, 4);
	assert_int_equal(k->retry_delay_ms, 7000);
	qlen = dns_build_query(".", DNS_T_SOA, q, sizeof(q));
	assert_int_equal(k->payload_len, qlen);
	assert_memory_equal(k->payload, q, (size_t)qlen);
	k = &c->svcs[0].reals[1].checks[0];
	assert_int_equal(k->fall, 2);
	assert_int_equal(k->retry_delay_ms, 2000);
	qlen = dns_build_query("www.example.com", DNS_T_A, q, sizeof(q));
	assert_memory_equal(k->payload, q, (size_t)qlen);
	cfg_free(c);

	c = parse_cfg("virtual_server 10.0.0.100 53 {\n real_server 10.0.0.1 53 {\n  DNS_CHECK {\n   type ANY\n"
		  "  }\n }\n}\n", CFG_FMT_KEEPALIVED, &err, NULL);
	assert_null(c);
	assert_non_null(strstr(err.buf, "t.cf:4: type: expected A, NS"));
	sb_free(&err);

	/* ldirectord: a name by A, an address by PTR, receive kept */
	c = parse_cfg("virtual=10.0.0.100:53\n\treal=10.0.0.1:53 masq\n\tprotocol=udp\n\tservice=dns\n"
		  "\trequest=\"www.example.com\"\n\treceive=\"192.0.2.7\"\n"
		  "virtual=10.0.0.101:53\n\treal=10.0.0.1:53 masq\n\tprotocol=tcp\n"
		  "\trequest=\"192.0.2.7\"\n\treceive=\"^www\"\n", CFG_FMT_LDIRECTORD, &err, NULL);
	assert_non_null(c);
	k = &c->svcs[0].reals[0].checks[0];
	assert_int_equal(k->kind, CFG_CHK_DNS);
	assert_string_equal(k->receive, "192.0.2.7");
	qlen = dns_build_query("www.example.com", DNS_T_A, q, sizeof(q));
	assert_memory_equal(k->payload, q, (size_t)qlen);
	k = &c->svcs[1].reals[0].checks[0];        /* port 53: service dns by default */
	assert_int_equal(k->kind, CFG_CHK_DNS);
	qlen = dns_build_query("7.2.0.192.in-addr.arpa", DNS_T_PTR, q, sizeof(q));
	assert_memory_equal(k->payload, q, (size_t)qlen);
	cfg_free(c);
	c = parse_cfg("virtual=10.0.0.100:53\n\treal=10.0.0.1:53 masq\n\tservice=dns\n", CFG_FMT_LDIRECTORD, &err, NULL);
	assert_null(c);
	assert_non_null(strstr(err.buf, "service=dns needs request="));
	sb_free(&err);
}

UNIT_TESTS(cmocka_unit_test(test_query_bytes),
	   cmocka_unit_test(test_replies),
	   cmocka_unit_test(test_ptr_and_aaaa),
	   cmocka_unit_test(test_config))
