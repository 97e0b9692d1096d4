/* test_sync_wire.c - the sync message format (src/sync/wire.c, ip_vs_sync.c v1 /
 * v0 formats): exact bytes of a v1 message, IPv4/IPv6 round trips with padding,
 * the maxlen and 255-entry limits, and the receiver's rules: size field,
 * syncid filter, options (SEQ_DATA, PE, unknown mandatory / optional),
 * overruns rejecting the whole message, version 0, and random bytes. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "fixture.h"
#include "core/ipvs-t.h"
#include "sync/wire.h"

struct got {
	struct lvs_conn_sync e[300];
	int v0[300];
	unsigned n;
};

static void collect(void *arg, const struct lvs_conn_sync *e, int v0)
{
	struct got *g = arg;
	if (g->n < 300) {
		g->e[g->n] = *e;
		g->v0[g->n] = v0;
	}
	g->n++;
}

/* a connection client c:cport -> virtual v:port -> dest d:port */
static struct lvs_conn_sync entry(const char *c, uint16_t cport, const char *v, const char *d, uint16_t port,
				  uint16_t protocol, uint32_t flags, uint32_t timeout)
{
	struct lvs_conn_sync e;

	memset(&e, 0, sizeof(e));
	e.af = addr_af(c);
	e.protocol = protocol;
	e.flags = flags;
	e.cport = cport;
	e.vport = e.dport = port;
	e.timeout = timeout;
	e.caddr = ip46(c);
	e.vaddr = ip46(v);
	e.daddr = ip46(d);
	return e;
}

static struct lvs_conn_sync entry4(uint16_t cport)
{
	struct lvs_conn_sync e = entry(CIP, cport, "172.20.0.24", RS1, 80, 6,
				       LVS_CONN_F_DROUTE | LVS_CONN_F_HASHED | LVS_CONN_F_INACTIVE, 120);

	e.state = 4;    /* FIN_WAIT */
	e.fwmark = 0x11223344;
	return e;
}

static struct lvs_conn_sync entry6(uint16_t cport)
{
	return entry("2001:db8::100", cport, "2001:db8::24", "2001:db8:1::16", 53, 17, LVS_CONN_F_MASQ, 300);
}

/* These 44 bytes, sent to a real Linux 6.1 IPVS backup (syncid 7, DR
 * service 172.20.0.24:80 -> 192.168.1.16), became a FIN_WAIT entry with
 * 120 s to live, Origin SYNC, bound to the dest (InActConn 1): see
 * tests/golden/sync/kernel-backup.sh and its .expected output. */
static void test_v1_exact_bytes(void **state)
{
	(void)state;
	uint8_t buf[1472];
	struct sync_msg m;
	struct lvs_conn_sync e = entry4(40002);
	static const uint8_t want[] = {
		0x00, 0x07, 0x00, 0x2c, 0x01, 0x01, 0x00, 0x00,   /* reserved, syncid 7, size 44, 1 conn, v1 */
		0x00, 0x06, 0x00, 0x24,                           /* IPv4, TCP, ver 0 size 36 */
		0x00, 0x00, 0x01, 0x03,                           /* flags: INACTIVE | DROUTE, HASHED cleared */
		0x00, 0x04, 0x9c, 0x42, 0x00, 0x50, 0x00, 0x50,   /* state 4, cport 40002, vport 80, dport 80 */
		0x11, 0x22, 0x33, 0x44, 0x00, 0x00, 0x00, 0x78,   /* fwmark, timeout 120 s */
		172, 20, 0, 100, 172, 20, 0, 24, 192, 168, 1, 16,
	};

	sync_msg_init(&m, buf, sizeof(buf), 7);
	assert_int_equal(sync_msg_finish(&m), 0);          /* nothing to send */
	assert_int_equal(sync_msg_add(&m, &e), 0);
	assert_int_equal(sync_msg_finish(&m), sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
}

static void test_round_trip_mixed(void **state)
{
	(void)state;
	uint8_t buf[1472];
	struct sync_msg m;
	struct got g = { .n = 0 };
	struct sync_parse_counts c;
	size_t len;

	sync_msg_init(&m, buf, sizeof(buf), 0);
	for (uint16_t i = 0; i < 6; i++) {
		struct lvs_conn_sync e = (i & 1) ? entry6(1000 + i) : entry4(1000 + i);
		assert_int_equal(sync_msg_add(&m, &e), 0);
	}
	len = sync_msg_finish(&m);
	assert_int_equal(len, 8 + 3 * 36 + 3 * 72);
	assert_int_equal(sync_msg_parse(buf, len, 0, collect, &g, &c), 0);
	assert_int_equal(g.n, 6);
	assert_int_equal(c.delivered, 6);
	for (uint16_t i = 0; i < 6; i++) {
		struct lvs_conn_sync want = (i & 1) ? entry6(1000 + i) : entry4(1000 + i);
		want.flags &= ~(uint32_t)LVS_CONN_F_HASHED;
		assert_int_equal(g.v0[i], 0);
		assert_memory_equal(&g.e[i], &want, sizeof(want));
	}
	/* a backup with another non-zero syncid ignores it; one with 0 takes all */
	g.n = 0;
	assert_int_equal(sync_msg_parse(buf, len, 9, collect, &g, &c), 0);
	assert_int_equal(g.n, 0);
	assert_int_equal(c.other_syncid, 1);
}

static void test_limits(void **state)
{
	(void)state;
	uint8_t buf[65535];
	struct sync_msg m;
	struct lvs_conn_sync e4 = entry4(1), e6 = entry6(1), bad = entry4(1);
	unsigned n = 0;

	/* maxlen 8 + 2 * 36 + 35: the third entry does not fit */
	sync_msg_init(&m, buf, 8 + 2 * 36 + 35, 1);
	while (sync_msg_add(&m, &e4) == 0)
		n++;
	assert_int_equal(n, 2);
	assert_int_equal(sync_msg_add(&m, &e4), -ENOSPC);
	/* an IPv6 entry after an IPv4 one needs 72 more */
	sync_msg_init(&m, buf, 8 + 36 + 71, 1);
	assert_int_equal(sync_msg_add(&m, &e4), 0);
	assert_int_equal(sync_msg_add(&m, &e6), -ENOSPC);
	/* nr_conns is one byte */
	sync_msg_init(&m, buf, sizeof(buf), 1);
	for (n = 0; sync_msg_add(&m, &e4) == 0; n++)
		;
	assert_int_equal(n, 255);
	bad.af = 99;
	sync_msg_init(&m, buf, sizeof(buf), 1);
	assert_int_equal(sync_msg_add(&m, &bad), -EINVAL);
}

/* a v1 message of one IPv4 entry followed by `opts` (entry size grows) */
static size_t msg_with_options(uint8_t *buf, const uint8_t *opts, size_t olen)
{
	struct sync_msg m;
	struct lvs_conn_sync e = entry4(7);
	size_t len;

	sync_msg_init(&m, buf, 1472, 0);
	sync_msg_add(&m, &e);
	len = sync_msg_finish(&m);
	memcpy(buf + len, opts, olen);
	buf[10] = 0;
	buf[11] = (uint8_t)(36 + olen);             /* entry's ver_size */
	len += olen;
	len = (len + 3) & ~(size_t)3;
	buf[2] = (uint8_t)(len >> 8);
	buf[3] = (uint8_t)len;
	return len;
}

static void test_options(void **state)
{
	(void)state;
	uint8_t buf[1600] = { 0 }, seq[26] = { 1, 24 };
	struct got g;
	struct sync_parse_counts c;
	size_t len;

	/* SEQ_DATA (24 bytes): accepted, the connection delivered */
	memset(&g, 0, sizeof(g));
	len = msg_with_options(buf, seq, sizeof(seq));
	assert_int_equal(sync_msg_parse(buf, len, 0, collect, &g, &c), 0);
	assert_int_equal(g.n, 1);
	/* SEQ_DATA of the wrong length: the whole message is rejected */
	seq[1] = 20;
	memset(buf, 0, sizeof(buf));
	len = msg_with_options(buf, seq, 22);
	memset(&g, 0, sizeof(g));
	assert_int_equal(sync_msg_parse(buf, len, 0, collect, &g, &c), -EINVAL);
	assert_int_equal(g.n, 0);
	/* PE name (SIP): skipped, counted */
	{
		uint8_t pe[6] = { 3, 3, 's', 'i', 'p', 0 };
		memset(buf, 0, sizeof(buf));
		len = msg_with_options(buf, pe, 5);
		memset(&g, 0, sizeof(g));
		assert_int_equal(sync_msg_parse(buf, len, 0, collect, &g, &c), 0);
		assert_int_equal(g.n, 0);
		assert_int_equal(c.skipped, 1);
	}
	/* unknown mandatory option: skipped; unknown optional (0x40): kept */
	{
		uint8_t mand[4] = { 9, 2, 0xaa, 0xbb }, opt[4] = { 0x40 | 9, 2, 0xaa, 0xbb };
		memset(buf, 0, sizeof(buf));
		len = msg_with_options(buf, mand, 4);
		memset(&g, 0, sizeof(g));
		assert_int_equal(sync_msg_parse(buf, len, 0, collect, &g, &c), 0);
		assert_int_equal(g.n, 0);
		memset(buf, 0, sizeof(buf));
		len = msg_with_options(buf, opt, 4);
		memset(&g, 0, sizeof(g));
		assert_int_equal(sync_msg_parse(buf, len, 0, collect, &g, &c), 0);
		assert_int_equal(g.n, 1);
	}
	/* zero-length option, and an option running past its entry: rejected */
	{
		uint8_t zero[4] = { 0x40 | 9, 0, 0, 0 }, over[4] = { 0x40 | 9, 9, 0, 0 };
		memset(buf, 0, sizeof(buf));
		len = msg_with_options(buf, zero, 4);
		assert_int_equal(sync_msg_parse(buf, len, 0, collect, &g, &c), -EINVAL);
		memset(buf, 0, sizeof(buf));
		len = msg_with_options(buf, over, 4);
		assert_int_equal(sync_msg_parse(buf, len, 0, collect, &g, &c), -EINVAL);
	}
}

static void test_malformed_changes_nothing(void **state)
{
	(void)state;
	uint8_t buf[1472];
	struct sync_msg m;
	struct got g = { .n = 0 };
	struct sync_parse_counts c;
	struct lvs_conn_sync e = entry4(1);
	size_t len;

	sync_msg_init(&m, buf, sizeof(buf), 0);
	sync_msg_add(&m, &e);
	sync_msg_add(&m, &e);
	len = sync_msg_finish(&m);
	/* size field != length */
	assert_int_equal(sync_msg_parse(buf, len - 1, 0, collect, &g, &c), -EINVAL);
	/* the second entry claims more bytes than the message has: the first,
	 * valid one is not delivered either */
	buf[8 + 36 + 3] = 80;
	assert_int_equal(sync_msg_parse(buf, len, 0, collect, &g, &c), -EINVAL);
	assert_int_equal(g.n, 0);
	/* an entry format version other than 0 */
	buf[8 + 36 + 3] = 36;
	buf[8 + 36 + 2] = 0x10;
	assert_int_equal(sync_msg_parse(buf, len, 0, collect, &g, &c), -EINVAL);
	/* an entry shorter than its address family needs */
	buf[8 + 36 + 2] = 0;
	buf[8 + 36 + 0] = 1;    /* IPv6 in a 36-byte entry */
	assert_int_equal(sync_msg_parse(buf, len, 0, collect, &g, &c), -EINVAL);
	assert_int_equal(g.n, 0);
	/* shorter than any header */
	assert_int_equal(sync_msg_parse(buf, 3, 0, collect, &g, &c), -EINVAL);
	assert_int_equal(sync_msg_parse(NULL, 0, 0, collect, &g, &c), -EINVAL);
}

static void test_v0(void **state)
{
	(void)state;
	uint8_t buf[4 + 24 + 48] = { 0 };
	struct got g = { .n = 0 };
	struct sync_parse_counts c;
	uint8_t *p;

	buf[0] = 2;                 /* nr_conns */
	buf[1] = 3;                 /* syncid */
	buf[3] = sizeof(buf);
	p = buf + 4;                /* plain TCP ESTABLISHED DR entry */
	p[1] = 6;
	p[2] = 0x9c; p[3] = 0x42;   /* cport 40002 */
	p[5] = 80;
	p[7] = 80;
	memcpy(p + 8, (uint8_t[]){ 172, 20, 0, 100, 172, 20, 0, 24, 192, 168, 1, 8 }, 12);
	p[21] = LVS_CONN_F_DROUTE;
	p[23] = 1;
	p = buf + 28;               /* with sequence data: 24 more bytes */
	p[1] = 6;
	p[3] = 7;
	p[20] = LVS_CONN_F_IN_SEQ >> 8;
	assert_int_equal(sync_msg_parse(buf, sizeof(buf), 3, collect, &g, &c), 0);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.v0[0], 1);
	assert_int_equal(g.e[0].af, AF_INET);
	assert_int_equal(g.e[0].cport, 40002);
	assert_int_equal(g.e[0].vport, 80);
	assert_int_equal(g.e[0].flags, LVS_CONN_F_DROUTE);
	assert_int_equal(g.e[0].state, 1);
	assert_int_equal(g.e[0].timeout, 0);
	assert_int_equal(g.e[1].cport, 7);
	/* the sequence data of the second entry is missing: rejected */
	buf[3] = sizeof(buf) - 1;
	g.n = 0;
	assert_int_equal(sync_msg_parse(buf, sizeof(buf) - 1, 3, collect, &g, &c), -EINVAL);
	assert_int_equal(g.n, 0);
}

static void test_random_bytes(void **state)
{
	(void)state;
	uint8_t buf[512];
	struct got g;
	struct sync_parse_counts c;
	unsigned seed = 12345, accepted = 0;

	for (int i = 0; i < 20000; i++) {
		size_t len = (size_t)(rand_r(&seed) % (int)sizeof(buf));
		for (size_t j = 0; j < len; j++)
			buf[j] = (uint8_t)rand_r(&seed);
		if (len >= 4) {         /* make the size field right half the time */
			if (i & 1) {
				buf[2] = (uint8_t)(len >> 8);
				buf[3] = (uint8_t)len;
			}
			if (i & 2) {    /* and look like v1 a quarter of the time */
				buf[0] = 0;
				if (len >= 8) {
					buf[5] = 1;
					buf[6] = buf[7] = 0;
				}
			}
		}
		g.n = 0;
		int r = sync_msg_parse(buf, len, 0, collect, &g, &c);
		assert_true(r == 0 || r == -EINVAL);
		if (r < 0)
			assert_int_equal(g.n, 0);
		accepted += r == 0;
	}
	assert_true(accepted > 0);
}

UNIT_TESTS(cmocka_unit_test(test_v1_exact_bytes),
	   cmocka_unit_test(test_round_trip_mixed),
	   cmocka_unit_test(test_limits),
	   cmocka_unit_test(test_options),
	   cmocka_unit_test(test_malformed_changes_nothing),
	   cmocka_unit_test(test_v0),
	   cmocka_unit_test(test_random_bytes))
