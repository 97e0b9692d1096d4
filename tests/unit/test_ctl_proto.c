/* test_ctl_proto.c - the control protocol's encoders and bounds-checked
 * decoders: exact wire layout, round trips, truncation and garbage. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <arpa/inet.h>

#include "fixture.h"
#include "ctl/proto.h"

static struct lvs_service_conf sample_svc(void)
{
	struct lvs_service_conf s;
	memset(&s, 0xAA, sizeof(s)); /* padding garbage must not reach the wire */
	s.af = AF_INET6;
	s.protocol = IPPROTO_UDP;
	inet_pton(AF_INET6, "2001:db8::1", &s.addr);
	s.port = 53;
	s.fwmark = 0;
	snprintf(s.sched_name, sizeof(s.sched_name), "mh");
	s.flags = LVS_SVC_F_PERSISTENT | LVS_SVC_F_SCHED1;
	s.timeout = 360;
	s.netmask = 64;
	snprintf(s.pe_name, sizeof(s.pe_name), "sip");
	return s;
}

static void wire_layout(void **state)
{
	(void)state;
	struct lvs_service_conf s;
	memset(&s, 0x55, sizeof(s));
	s.af = AF_INET;
	s.protocol = IPPROTO_TCP;
	s.addr.ip = htonl(0x0a010203);
	s.port = 0x1234;
	s.fwmark = 0x01020304;
	memset(s.sched_name, 0, sizeof(s.sched_name));
	strcpy(s.sched_name, "wlc");
	s.flags = 1;
	s.timeout = 0x100;
	s.netmask = 0xffffffff;
	memset(s.pe_name, 0, sizeof(s.pe_name));
	struct lvsp_buf b = { 0 };
	lvsp_put_svc(&b, &s);
	assert_int_equal(b.len, LVSP_SVC_SIZE);
	const uint8_t want[] = {
		2, 0,                   /* af, LE */
		10, 1, 2, 3,            /* IPv4, network order */
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* the rest of the 16 zeroed */
		6, 0,                   /* protocol */
		0x34, 0x12,             /* port, host value LE */
		4, 3, 2, 1,             /* fwmark */
		'w', 'l', 'c', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		1, 0, 0, 0,             /* flags */
		0, 1, 0, 0,             /* timeout */
		0xff, 0xff, 0xff, 0xff, /* netmask */
	};
	assert_memory_equal(b.data, want, sizeof(want));
	lvsp_buf_free(&b);

	struct lvsp_hdr h = { LVSP_MAGIC, LVSP_VERSION, LVSP_OP_ADD_DEST, LVSP_F_REPLY, 7, 300 };
	uint8_t hb[LVSP_HDR_LEN];
	lvsp_hdr_encode(hb, &h);
	const uint8_t hwant[LVSP_HDR_LEN] = { 'L', 'V', 'S', 'D', 1, 0, LVSP_OP_ADD_DEST, 0, 1, 0, 0, 0,
					      7, 0, 0, 0, 0x2c, 1, 0, 0 };
	assert_memory_equal(hb, hwant, sizeof(hwant));
	struct lvsp_hdr g;
	lvsp_hdr_decode(hb, &g);
	assert_int_equal(g.op, LVSP_OP_ADD_DEST);
	assert_int_equal(g.seq, 7);
	assert_int_equal(g.len, 300);
	assert_int_equal(lvsp_hdr_check(&g, 1000), 0);
	assert_int_equal(lvsp_hdr_check(&g, 299), -EMSGSIZE);
	g.magic ^= 1;
	assert_int_equal(lvsp_hdr_check(&g, 1000), -EPROTO);
	g.magic ^= 1;
	g.version = 2;
	assert_int_equal(lvsp_hdr_check(&g, 1000), -EPROTO);
}

static void round_trips(void **state)
{
	(void)state;
	struct lvs_service_conf s = sample_svc(), s2;
	struct lvs_dest_conf d, d2;
	memset(&d, 0, sizeof(d));
	d.af = AF_INET;
	d.addr.ip = htonl(0xc0a80001);
	d.port = 8080;
	d.conn_flags = LVS_CONN_F_TUNNEL;
	d.weight = -1;
	d.u_threshold = 100;
	d.l_threshold = 50;
	d.tun_type = LVS_TUN_TYPE_GUE;
	d.tun_port = 6080;
	d.tun_flags = LVS_TUN_F_CSUM;
	struct lvs_daemon_conf m, m2;
	memset(&m, 0, sizeof(m));
	m.state = LVS_DAEMON_BACKUP;
	strcpy(m.mcast_ifn, "eth0");
	m.syncid = 9;
	m.sync_maxlen = 1472;
	m.mcast_af = AF_INET;
	m.mcast_group.ip = htonl(0xe0000051);
	m.mcast_port = 8848;
	m.mcast_ttl = 1;
	struct lvs_timeouts t, t2;
	for (int i = 0; i < LVS_TCP_S_LAST; i++)
		t.tcp[i] = 100 + (uint32_t)i;
	t.udp = 300;

	struct lvsp_buf b = { 0 };
	lvsp_put_svc(&b, &s);
	lvsp_put_dest(&b, &d);
	lvsp_put_daemon(&b, &m);
	lvsp_put_timeouts(&b, &t);
	lvsp_put_str(&b, "ip_vs_conn");
	assert_false(b.oom);

	struct lvsp_reader r;
	lvsp_reader_init(&r, b.data, b.len);
	lvsp_get_svc(&r, &s2);
	lvsp_get_dest(&r, &d2);
	lvsp_get_daemon(&r, &m2);
	lvsp_get_timeouts(&r, &t2);
	char *str = lvsp_get_str(&r, 100);
	assert_int_equal(r.err, 0);
	assert_int_equal(lvsp_remaining(&r), 0);

	assert_int_equal(s2.af, AF_INET6);
	assert_int_equal(s2.protocol, IPPROTO_UDP);
	assert_memory_equal(&s2.addr.in6, &s.addr.in6, 16);
	assert_int_equal(s2.port, 53);
	assert_string_equal(s2.sched_name, "mh");
	assert_string_equal(s2.pe_name, "sip");
	assert_int_equal(s2.flags, s.flags);
	assert_int_equal(s2.timeout, 360);
	assert_int_equal(s2.netmask, 64);
	assert_int_equal(d2.af, AF_INET);
	assert_int_equal(d2.addr.ip, d.addr.ip);
	assert_int_equal(d2.port, 8080);
	assert_int_equal(d2.conn_flags, LVS_CONN_F_TUNNEL);
	assert_int_equal(d2.weight, -1);
	assert_int_equal(d2.u_threshold, 100);
	assert_int_equal(d2.l_threshold, 50);
	assert_int_equal(d2.tun_type, LVS_TUN_TYPE_GUE);
	assert_int_equal(d2.tun_port, 6080);
	assert_int_equal(d2.tun_flags, LVS_TUN_F_CSUM);
	assert_int_equal(m2.state, LVS_DAEMON_BACKUP);
	assert_string_equal(m2.mcast_ifn, "eth0");
	assert_int_equal(m2.syncid, 9);
	assert_int_equal(m2.sync_maxlen, 1472);
	assert_int_equal(m2.mcast_group.ip, m.mcast_group.ip);
	assert_int_equal(m2.mcast_port, 8848);
	assert_int_equal(m2.mcast_ttl, 1);
	assert_memory_equal(&t2, &t, sizeof(t));
	assert_string_equal(str, "ip_vs_conn");
	free(str);
	lvsp_buf_free(&b);
}

static void encode_entry(struct lvsp_buf *b, int ndests)
{
	struct lvs_service_conf s = sample_svc();
	struct lvs_stats_view v = { { 1, 2, 3, 4, 5 }, { 6, 7, 8, 9, 10 } };
	lvsp_put_svc(b, &s);
	lvsp_put_u32(b, (uint32_t)ndests);
	lvsp_put_stats(b, &v);
	for (int i = 0; i < ndests; i++) {
		struct lvs_dest_entry e;
		memset(&e, 0, sizeof(e));
		e.conf.af = AF_INET;
		e.conf.addr.ip = htonl(0x0a000000u + (uint32_t)i);
		e.conf.weight = i;
		e.activeconns = (uint32_t)i * 10;
		e.inactconns = 2;
		e.persistconns = 3;
		e.stats.c.inbytes = 1ull << 40;
		lvsp_put_dest_entry(b, &e);
	}
}

static void service_entry(void **state)
{
	(void)state;
	struct lvsp_buf b = { 0 };
	encode_entry(&b, 3);
	struct lvsp_reader r;
	struct lvs_service_entry e;
	lvsp_reader_init(&r, b.data, b.len);
	lvsp_get_service_entry(&r, &e);
	assert_int_equal(r.err, 0);
	assert_int_equal(lvsp_remaining(&r), 0);
	assert_int_equal(e.num_dests, 3);
	assert_int_equal(e.stats.c.conns, 1);
	assert_int_equal(e.stats.r.outbps, 10);
	assert_int_equal(e.dests[2].conf.weight, 2);
	assert_int_equal(e.dests[2].activeconns, 20);
	assert_int_equal(e.dests[1].conf.addr.ip, htonl(0x0a000001));
	assert_true(e.dests[0].stats.c.inbytes == 1ull << 40);
	free(e.dests);

	/* every truncation is an error, never a crash or a leak */
	for (size_t cut = 0; cut < b.len; cut++) {
		lvsp_reader_init(&r, b.data, cut);
		lvsp_get_service_entry(&r, &e);
		assert_int_equal(r.err, -EPROTO);
		free(e.dests);
	}
	lvsp_buf_free(&b);

	/* a dest count the payload cannot hold allocates nothing */
	encode_entry(&b, 0);
	lvsp_patch_u32(&b, LVSP_SVC_SIZE, 0xffffffffu);
	lvsp_reader_init(&r, b.data, b.len);
	lvsp_get_service_entry(&r, &e);
	assert_int_equal(r.err, -EPROTO);
	assert_null(e.dests);
	lvsp_buf_free(&b);
}

static void strings(void **state)
{
	(void)state;
	struct lvsp_buf b = { 0 };
	lvsp_put_u32(&b, 3);
	lvsp_put_bytes(&b, "a\0b", 3);
	struct lvsp_reader r;
	lvsp_reader_init(&r, b.data, b.len);
	assert_null(lvsp_get_str(&r, 100));
	assert_int_equal(r.err, -EINVAL);
	lvsp_buf_free(&b);

	lvsp_put_str(&b, "too long");
	lvsp_reader_init(&r, b.data, b.len);
	assert_null(lvsp_get_str(&r, 4));
	assert_int_equal(r.err, -EINVAL);
	lvsp_buf_free(&b);

	lvsp_put_u32(&b, 0xffffffffu); /* claims 4 GiB */
	lvsp_reader_init(&r, b.data, b.len);
	assert_null(lvsp_get_str(&r, 0xffffffffu));
	assert_int_equal(r.err, -EPROTO);
	lvsp_buf_free(&b);

	/* fixed-width names are always terminated after decoding */
	uint8_t raw[LVSP_SVC_SIZE];
	memset(raw, 'x', sizeof(raw));
	struct lvs_service_conf s;
	lvsp_reader_init(&r, raw, sizeof(raw));
	lvsp_get_svc(&r, &s);
	assert_int_equal(r.err, 0);
	assert_int_equal(strlen(s.sched_name), LVS_SCHEDNAME_MAXLEN - 1);
	assert_int_equal(strlen(s.pe_name), LVS_PENAME_MAXLEN - 1);
}

static void sticky_errors(void **state)
{
	(void)state;
	uint8_t two[2] = { 1, 2 };
	struct lvsp_reader r;
	lvsp_reader_init(&r, two, sizeof(two));
	assert_int_equal(lvsp_get_u32(&r), 0);
	assert_int_equal(r.err, -EPROTO);
	/* later reads that would fit still fail: the error is sticky */
	assert_int_equal(lvsp_get_u8(&r), 0);
	assert_int_equal(r.err, -EPROTO);
	lvsp_reader_init(&r, NULL, 100);
	assert_int_equal(lvsp_get_u8(&r), 0);
	assert_int_equal(r.err, -EPROTO);
}

/* random bytes through every decoder: errors are fine, crashes are not
 * (run under ASan/UBSan by `make test`) */
static void fuzz(void **state)
{
	(void)state;
	uint8_t buf[600];
	srand(12345);
	for (int iter = 0; iter < 20000; iter++) {
		size_t n = (size_t)rand() % sizeof(buf);
		for (size_t i = 0; i < n; i++)
			buf[i] = (uint8_t)rand();
		if (iter & 1 && n >= LVSP_SVC_SIZE + 4) /* plausible small dest counts */
			buf[LVSP_SVC_SIZE] = (uint8_t)(rand() % 5), buf[LVSP_SVC_SIZE + 1] = 0,
			buf[LVSP_SVC_SIZE + 2] = 0, buf[LVSP_SVC_SIZE + 3] = 0;
		struct lvsp_reader r;
		struct lvs_service_entry e;
		lvsp_reader_init(&r, buf, n);
		lvsp_get_service_entry(&r, &e);
		free(e.dests);
		struct lvs_timeouts t;
		lvsp_reader_init(&r, buf, n);
		lvsp_get_timeouts(&r, &t);
		struct lvs_daemon_conf m;
		lvsp_reader_init(&r, buf, n);
		lvsp_get_daemon(&r, &m);
		lvsp_reader_init(&r, buf, n);
		free(lvsp_get_str(&r, 1000));
		if (n >= LVSP_HDR_LEN) {
			struct lvsp_hdr h;
			lvsp_hdr_decode(buf, &h);
			(void)lvsp_hdr_check(&h, LVSP_MAX_REQUEST);
		}
	}
}

static void varints(void **state)
{
	(void)state;
	const uint64_t vals[] = { 0, 1, 127, 128, 300, 1ull << 32, UINT64_MAX };
	struct lvsp_buf b = { 0 };
	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++)
		lvsp_put_varint(&b, vals[i]);
	assert_int_equal(b.data[0], 0);
	assert_int_equal(b.data[3], 0x80);
	assert_int_equal(b.data[4], 0x01);
	struct lvsp_reader r;
	lvsp_reader_init(&r, b.data, b.len);
	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++)
		assert_true(lvsp_get_varint(&r) == vals[i]);
	assert_int_equal(r.err, 0);
	assert_int_equal(lvsp_remaining(&r), 0);
	lvsp_buf_free(&b);

	/* eleven continuation bytes, or a 10th byte that overflows: refused */
	uint8_t bad[11];
	memset(bad, 0xff, sizeof(bad));
	lvsp_reader_init(&r, bad, sizeof(bad));
	lvsp_get_varint(&r);
	assert_int_equal(r.err, -EPROTO);
	memset(bad, 0x80, 9);
	bad[9] = 0x02;
	lvsp_reader_init(&r, bad, 10);
	lvsp_get_varint(&r);
	assert_int_equal(r.err, -EPROTO);
	lvsp_reader_init(&r, bad, 3); /* unterminated */
	lvsp_get_varint(&r);
	assert_int_equal(r.err, -EPROTO);
}

static void mutation_ops(void **state)
{
	(void)state;
	assert_true(lvsp_op_is_mutation(LVSP_OP_ADD_DEST));
	assert_true(lvsp_op_is_mutation(LVSP_OP_STOP_DAEMON));
	assert_false(lvsp_op_is_mutation(LVSP_OP_GET_SERVICES));
	assert_false(lvsp_op_is_mutation(LVSP_OP_BATCH)); /* no nesting */
	assert_false(lvsp_op_is_mutation(0xffff));
	assert_string_equal(lvsp_op_name(LVSP_OP_BATCH), "batch");
	assert_string_equal(lvsp_op_name(999), "unknown");
}

UNIT_TESTS(cmocka_unit_test(wire_layout),
	   cmocka_unit_test(round_trips),
	   cmocka_unit_test(service_entry),
	   cmocka_unit_test(strings),
	   cmocka_unit_test(sticky_errors),
	   cmocka_unit_test(fuzz),
	   cmocka_unit_test(varints),
	   cmocka_unit_test(mutation_ops))
