/* test_conn.c - the connection table itself: entry size, 1 M
 * insert/lookup/delete, table full, the /proc/net/ip_vs_conn(_sync) text
 * for IPv4 and IPv6, names, export/import (sync), the incremental expiry
 * sweep, flush, and a two-worker concurrency smoke test. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <pthread.h>
#include <arpa/inet.h>

#include "fixture.h"
#include "core/conn.h"
#include "lib/strbuf.h"

static void test_entry_size(void **state)
{
	(void)state;
	assert_int_equal(sizeof(struct lvs_conn), 64);
}

/* the client of entry i of test_million: 256 ports per address */
static uint16_t million_client(uint32_t i, union lvs_addr *c)
{
	*c = ip4h(0x0a000000u | (i >> 8));
	return (uint16_t)(1024 + (i & 0xff));
}

/* 1 M entries: insert, find each by both keys, delete, all accounted */
static void test_million(void **state)
{
	const uint32_t N = 1000000;
	struct core_fx fx;
	union lvs_addr v = ip4("10.0.0.1"), d = ip4("192.168.0.1"), c;
	uint32_t jnow = lvs_jiffies(1000);
	double t0, t1, t2;

	(void)state;
	core_fx_init(&fx, 1, N, NULL);
	struct lvs_core *core = fx.core;

	t0 = clock_seconds(CLOCK_MONOTONIC);
	for (uint32_t i = 0; i < N; i++) {
		uint16_t cport = million_client(i, &c);
		struct lvs_conn *cp = lvs_conn_new(core, 0, AF_INET, AF_INET, IPPROTO_TCP, &c, cport, &v, 80, &d,
						   8080, 0, 0);
		assert_non_null(cp);
		conn_hash_armed(core, cp, 900000, jnow);
	}
	/* the table is full now */
	assert_null(lvs_conn_new(core, 0, AF_INET, AF_INET, IPPROTO_TCP, &v, 1, &v, 80, &d, 80, 0, 0));
	assert_int_equal(lvs_core_conn_count(core), N);
	t1 = clock_seconds(CLOCK_MONOTONIC);
	for (uint32_t i = 0; i < N; i++) {
		uint16_t cport = million_client(i, &c);
		struct lvs_conn *cp = conn_find_in(core, AF_INET, &c, cport, &v, 80, jnow);

		assert_non_null(cp);
		assert_ptr_equal(cp, conn_find_out(core, AF_INET, &c, cport, &d, 8080, jnow));
	}
	t2 = clock_seconds(CLOCK_MONOTONIC);
	printf("# 1M: insert %.0f ns/op, lookup(in+out) %.0f ns/op\n", (t1 - t0) * 1e9 / N, (t2 - t1) * 1e9 / N);
	for (uint32_t i = 0; i < N; i += 2) {
		uint16_t cport = million_client(i, &c);
		struct lvs_conn *cp = conn_find_in(core, AF_INET, &c, cport, &v, 80, jnow);

		assert_non_null(cp);
		conn_drop(core, AF_INET, &c, cport, cp);
	}
	assert_int_equal(lvs_core_conn_count(core), N / 2);
	/* deleted ones are gone, the others remain */
	for (uint32_t i = 0; i < 1000; i++) {
		uint16_t cport = million_client(i, &c);

		assert_int_equal(lvs_core_conn_find(core, AF_INET, IPPROTO_TCP, &c, cport, &v, 80, 0, 1000, NULL),
				 i & 1);
	}
	/* freed ids are reused */
	assert_non_null(lvs_conn_new(core, 0, AF_INET, AF_INET, IPPROTO_TCP, &v, 1, &v, 80, &d, 80, 0, 0));
	core_fx_done(&fx);
}

/* a rr service vip:port whose one dest is rip:port */
static void add_svc_rs(struct core_fx *e, const char *vip, const char *rip, uint16_t port, uint32_t method)
{
	struct lvs_service_conf c = svc_conf(vip, port, "rr");

	add_svc(e->t, &c);
	add_dest(e->t, &c, rip, port, 1, method);
}

static enum lvs_verdict send_pkt(struct core_fx *e, const char *src, uint16_t sport, const char *dst,
				 uint16_t dport, uint8_t flags, uint64_t now)
{
	struct lvs_pkt p = pkt_make(IPPROTO_TCP, src, sport, dst, dport, flags);
	struct lvs_conn_ref r;

	return lvs_core_inbound(e->core, 0, &p, now, &r);
}

static void test_proc_format(void **state)
{
	struct core_fx e;
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	core_fx_init(&e, 1, 1024, NULL);
	add_svc_rs(&e, "192.168.1.100", "10.0.0.1", 80, LVS_CONN_F_MASQ);
	add_svc_rs(&e, "2001:db8::80", "2001:db8::a0", 80, LVS_CONN_F_DROUTE);
	assert_int_equal(send_pkt(&e, "192.168.10.5", 54321, "192.168.1.100", 80, LVS_TCPF_SYN, 100000),
			 LVS_FORWARD);
	assert_int_equal(send_pkt(&e, "192.168.10.5", 54321, "192.168.1.100", 80, LVS_TCPF_ACK, 100000),
			 LVS_FORWARD);
	assert_int_equal(send_pkt(&e, "2001:db8::1", 4660, "2001:db8::80", 80, LVS_TCPF_SYN, 100000),
			 LVS_FORWARD);
	/* 3 s later: whole seconds left, truncated */
	lvs_core_conn_proc(e.core, &sb, 103000 + 500);
	assert_false(sb.oom);
	assert_non_null(strstr(sb.buf, "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\n"));
	assert_ptr_equal(strstr(sb.buf, "Pro "), sb.buf);
	assert_non_null(strstr(sb.buf, "\nTCP C0A80A05 D431 C0A80164 0050 0A000001 0050 ESTABLISHED     896\n"));
	assert_non_null(strstr(sb.buf, "\nTCP 2001:0db8:0000:0000:0000:0000:0000:0001 1234 "
				   "2001:0db8:0000:0000:0000:0000:0000:0080 0050 "
				   "2001:0db8:0000:0000:0000:0000:0000:00a0 0050 SYN_RECV         56\n"));
	sb_free(&sb);
	lvs_core_conn_sync_proc(e.core, &sb, 103000);
	assert_ptr_equal(strstr(sb.buf, "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Origin Expires\n"),
			 sb.buf);
	assert_non_null(strstr(sb.buf, "\nTCP C0A80A05 D431 C0A80164 0050 0A000001 0050 ESTABLISHED LOCAL      897\n"));
	sb_free(&sb);
	core_fx_done(&e);
}

static void test_names(void **state)
{
	char b[8];

	(void)state;
	assert_string_equal(lvs_proto_name(IPPROTO_TCP, b), "TCP");
	assert_string_equal(lvs_proto_name(IPPROTO_UDP, b), "UDP");
	assert_string_equal(lvs_proto_name(IPPROTO_IP, b), "IP");
	assert_string_equal(lvs_proto_name(IPPROTO_SCTP, b), "SCTP");
	assert_string_equal(lvs_proto_name(47, b), "IP_47");
	assert_string_equal(lvs_conn_state_name(IPPROTO_TCP, 0, LVS_TCP_S_SYNACK), "SYNACK");
	assert_string_equal(lvs_conn_state_name(IPPROTO_TCP, 0, 200), "ERR!");
	assert_string_equal(lvs_conn_state_name(IPPROTO_UDP, 0, 0), "UDP");
	assert_string_equal(lvs_conn_state_name(IPPROTO_TCP, LVS_CONN_F_TEMPLATE, 1), "ASSURED");
	assert_string_equal(lvs_conn_state_name(IPPROTO_IP, LVS_CONN_F_TEMPLATE, 0), "NONE");
}

static void test_state_timeouts(void **state)
{
	struct lvs_table *t = lvs_table_new();
	struct lvs_core *core = lvs_core_new(t, 1, 64, NULL);

	(void)state;
	assert_int_equal(lvs_core_state_timeout(core, IPPROTO_TCP, LVS_TCP_S_ESTABLISHED, 0), 900);
	assert_int_equal(lvs_core_state_timeout(core, IPPROTO_TCP, LVS_TCP_S_SYN_RECV, 0), 60);
	assert_int_equal(lvs_core_state_timeout(core, IPPROTO_TCP, LVS_TCP_S_CLOSE, 0), 10);
	assert_int_equal(lvs_core_state_timeout(core, IPPROTO_UDP, 0, 0), 300);
	assert_int_equal(lvs_core_state_timeout(core, IPPROTO_SCTP, LVS_SCTP_S_ESTABLISHED, 0), 900);
	assert_int_equal(lvs_core_state_timeout(core, IPPROTO_SCTP, LVS_SCTP_S_REJECTED, 0), 4);
	assert_int_equal(lvs_core_state_timeout(core, IPPROTO_SCTP, LVS_SCTP_S_CLOSED, 0), 61);
	assert_int_equal(lvs_core_state_timeout(core, IPPROTO_IP, 0, 1), 180);
	assert_int_equal(lvs_set_timeouts(t, 100, 20, 30), 0);
	assert_int_equal(lvs_core_state_timeout(core, IPPROTO_TCP, LVS_TCP_S_ESTABLISHED, 0), 100);
	assert_int_equal(lvs_core_state_timeout(core, IPPROTO_TCP, LVS_TCP_S_FIN_WAIT, 0), 20);
	assert_int_equal(lvs_core_state_timeout(core, IPPROTO_UDP, 0, 0), 30);
	lvs_core_free(core);
	lvs_table_free(t);
}

static int collect(void *arg, const struct lvs_conn_sync *e)
{
	struct lvs_conn_sync *out = arg;

	out[0] = *e;
	out[1].cport++;  /* count */
	return 0;
}

static void test_export_import(void **state)
{
	struct core_fx a, b;
	struct lvs_conn_sync got[2], s;
	struct strbuf sb = STRBUF_INIT;
	union lvs_addr c = ip4("192.168.10.5"), v = ip4("192.168.1.100");

	(void)state;
	core_fx_init(&a, 1, 1024, NULL);
	core_fx_init(&b, 1, 1024, NULL);
	add_svc_rs(&a, "192.168.1.100", "10.0.0.1", 80, LVS_CONN_F_MASQ);
	add_svc_rs(&b, "192.168.1.100", "10.0.0.1", 80, LVS_CONN_F_MASQ);
	send_pkt(&a, "192.168.10.5", 54321, "192.168.1.100", 80, LVS_TCPF_SYN, 1000);
	send_pkt(&a, "192.168.10.5", 54321, "192.168.1.100", 80, LVS_TCPF_ACK, 1000);
	memset(got, 0, sizeof(got));
	assert_int_equal(lvs_core_conn_foreach(a.core, 1000, collect, got), 0);
	assert_int_equal(got[1].cport, 1);
	assert_int_equal(got[0].state, LVS_TCP_S_ESTABLISHED);
	assert_false(got[0].flags & LVS_CONN_F_HASHED);
	assert_false(got[0].flags & LVS_CONN_F_INACTIVE);
	got[0].timeout = 900;
	/* the backup creates it bound to its own dest, Origin SYNC, active */
	assert_int_equal(lvs_conn_import(b.core, &got[0], 5000), 0);
	assert_true(lvs_core_conn_find(b.core, AF_INET, IPPROTO_TCP, &c, 54321, &v, 80, 0, 5000, &s));
	assert_true(s.flags & LVS_CONN_F_SYNC);
	assert_int_equal(s.timeout, 900);
	struct lvs_service_conf sc = svc_conf("192.168.1.100", 80, "rr");
	struct lvs_dest *d = find_dest(b.t, &sc, "10.0.0.1", 80);

	assert_int_equal(d->activeconns, 1);
	lvs_core_conn_sync_proc(b.core, &sb, 5000);
	assert_non_null(strstr(sb.buf, "ESTABLISHED SYNC       900\n"));
	sb_free(&sb);
	/* an update to inactive moves the counter */
	got[0].flags |= LVS_CONN_F_INACTIVE;
	got[0].state = LVS_TCP_S_FIN_WAIT;
	assert_int_equal(lvs_conn_import(b.core, &got[0], 6000), 0);
	assert_int_equal(d->activeconns, 0);
	assert_int_equal(d->inactconns, 1);
	assert_int_equal(lvs_core_conn_count(b.core), 1);
	/* rubbish is refused */
	s = got[0];
	s.state = 99;
	assert_int_equal(lvs_conn_import(b.core, &s, 6000), -EINVAL);
	s = got[0];
	s.af = 7;
	assert_int_equal(lvs_conn_import(b.core, &s, 6000), -EINVAL);
	s = got[0];
	s.flags |= LVS_CONN_F_ONE_PACKET;
	assert_int_equal(lvs_conn_import(b.core, &s, 6000), -EINVAL);
	core_fx_done(&a);
	core_fx_done(&b);
}

static void test_incremental_sweep(void **state)
{
	struct core_fx e;

	(void)state;
	core_fx_init(&e, 1, 50000, NULL);
	add_svc_rs(&e, "192.168.1.100", "10.0.0.1", 80, LVS_CONN_F_MASQ);
	for (int i = 0; i < 2000; i++) {
		char ip[32];
		snprintf(ip, sizeof(ip), "10.9.%d.%d", i / 200, i % 200 + 1);
		assert_int_equal(send_pkt(&e, ip, 1000, "192.168.1.100", 80, LVS_TCPF_SYN, 0), LVS_FORWARD);
	}
	lvs_core_tick(e.core, 0);
	assert_int_equal(lvs_core_conn_count(e.core), 2000);
	/* due at 60 s; small ticks each sweep a slice, a full pass per second */
	e.now = 59900;
	lvs_core_tick(e.core, e.now);
	assert_int_equal(lvs_core_conn_count(e.core), 2000);
	core_fx_advance(&e, 100, 100);
	size_t left = lvs_core_conn_count(e.core);
	assert_true(left > 0 && left < 2000);
	core_fx_advance(&e, 1000, 100);
	assert_int_equal(lvs_core_conn_count(e.core), 0);
	core_fx_done(&e);
}

struct worker_arg {
	struct core_fx *e;
	unsigned w;
	int fwd;
};

static pthread_mutex_t tlock = PTHREAD_MUTEX_INITIALIZER;
static void lk(void *a) { pthread_mutex_lock(a); }
static void ulk(void *a) { pthread_mutex_unlock(a); }

static void *worker(void *p)
{
	struct worker_arg *a = p;

	for (int i = 0; i < 20000; i++) {
		char ip[32];
		snprintf(ip, sizeof(ip), "10.%u.%d.%d", a->w, (i / 250) % 250, i % 250 + 1);
		struct lvs_pkt pk = pkt_make(IPPROTO_TCP, ip, (uint16_t)(1000 + i % 7), "192.168.1.100", 80, LVS_TCPF_SYN);
		struct lvs_conn_ref r;
		a->fwd += lvs_core_inbound(a->e->core, a->w, &pk, (uint64_t)i, &r) == LVS_FORWARD;
		pk.tcp_flags = LVS_TCPF_ACK;
		a->fwd += lvs_core_inbound(a->e->core, a->w, &pk, (uint64_t)i, &r) == LVS_FORWARD;
		lvs_core_ref_put(a->e->core, a->w, &r);
	}
	return NULL;
}

static void test_two_workers(void **state)
{
	struct core_fx e;
	struct lvs_core_lock lock = { lk, ulk, &tlock };
	pthread_t th[2];
	struct worker_arg args[2];

	(void)state;
	core_fx_init(&e, 2, 100000, &lock);
	add_svc_rs(&e, "192.168.1.100", "10.0.0.1", 80, LVS_CONN_F_MASQ);
	for (unsigned i = 0; i < 2; i++) {
		args[i] = (struct worker_arg){ &e, i, 0 };
		pthread_create(&th[i], NULL, worker, &args[i]);
	}
	/* the sweep runs concurrently */
	for (int i = 0; i < 50; i++)
		lvs_core_tick(e.core, (uint64_t)i * 400);
	for (unsigned i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	assert_int_equal(args[0].fwd + args[1].fwd, 80000);
	lvs_core_tick(e.core, 10000000);
	assert_int_equal(lvs_core_conn_count(e.core), 0);
	struct lvs_service_conf c = svc_conf("192.168.1.100", 80, "rr");
	struct lvs_dest *d = find_dest(e.t, &c, "10.0.0.1", 80);

	assert_int_equal(d->activeconns + d->inactconns, 0);
	core_fx_done(&e);
}

/* ---- random traffic + control changes: nothing crashes, counters add up ---- */

static uint64_t rng = 88172645463325252ull;
static uint32_t rnd(void)
{
	return (uint32_t)xorshift64(&rng);
}

struct tally {
	int conns, tmpls;
};

static int count_entries(void *arg, const struct lvs_conn_sync *e)
{
	struct tally *t = arg;

	if (e->flags & LVS_CONN_F_TEMPLATE)
		t->tmpls++;
	else
		t->conns++;
	return 0;
}

static void rand_addr(int af, union lvs_addr *a, const char *const *pool4, const char *const *pool6)
{
	*a = af == AF_INET6 ? ip6(pool6[rnd() % 3]) : ip4(pool4[rnd() % 3]);
}

static void test_fuzz(void **state)
{
	static const char *const vips[] = { "10.0.0.1", "10.0.0.2", "10.0.0.3" };
	static const char *const vips6[] = { "2001:db8::1", "2001:db8::2", "2001:db8::3" };
	static const char *const cips[] = { "172.16.0.1", "172.16.0.2", "172.16.1.3" };
	static const char *const cips6[] = { "2001:db8:1::1", "2001:db8:1::2", "2001:db8:2::3" };
	static const char *const rips[] = { "192.168.0.1", "192.168.0.2", "192.168.0.3" };
	static const char *const rips6[] = { "2001:db8:9::1", "2001:db8:9::2", "2001:db8:9::3" };
	static const char *const scheds[] = { "rr", "wrr", "wlc", "sh", "lblc", "mh", "none" };
	struct lvs_table *t = lvs_table_new();
	struct lvs_core *core = lvs_core_new(t, 2, 3000, NULL);
	uint64_t now = 1000;
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	for (int iter = 0; iter < 60000; iter++) {
		uint32_t op = rnd() % 100;
		int af = rnd() % 5 ? AF_INET : AF_INET6;

		if (op < 6) {
			struct lvs_service_conf c;
			memset(&c, 0, sizeof(c));
			c.af = af;
			c.protocol = rnd() % 2 ? IPPROTO_TCP : IPPROTO_UDP;
			if (rnd() % 4 == 0)
				c.fwmark = 1 + rnd() % 2;
			else
				rand_addr(af, &c.addr, vips, vips6);
			c.port = (uint16_t)(rnd() % 3 == 0 ? 0 : rnd() % 2 ? 80 : 21);
			strcpy(c.sched_name, scheds[rnd() % 7]);
			c.flags = (rnd() % 2 ? LVS_SVC_F_PERSISTENT : 0) | (rnd() % 3 == 0 ? LVS_SVC_F_ONEPACKET : 0);
			c.timeout = 1 + rnd() % 100;
			c.netmask = af == AF_INET6 ? 64 + rnd() % 65 : (rnd() % 2 ? 0xffffffff : htonl(0xffffff00));
			int rc = rnd() % 3 == 0 ? lvs_del_service(t, &c) : lvs_add_service(t, &c);
			(void)rc;
			if (rnd() % 2) {
				struct lvs_dest_conf d;
				memset(&d, 0, sizeof(d));
				d.af = af;
				rand_addr(af, &d.addr, rips, rips6);
				d.port = (uint16_t)(rnd() % 2 ? 80 : 0);
				d.weight = (int)(rnd() % 3);
				d.u_threshold = rnd() % 3 == 0 ? rnd() % 5 : 0;
				d.conn_flags = rnd() % 4;
				switch (rnd() % 3) {
				case 0: rc = lvs_add_dest(t, &c, &d); break;
				case 1: rc = lvs_edit_dest(t, &c, &d); break;
				default: rc = lvs_del_dest(t, &c, &d); break;
				}
			}
			continue;
		}
		if (op < 8) {
			struct lvs_core_settings st;
			lvs_core_get_settings(core, &st);
			st.expire_nodest_conn = rnd() % 2;
			st.expire_quiescent_template = rnd() % 2;
			st.conn_reuse_mode = rnd() % 4;
			st.sloppy_tcp = rnd() % 2;
			st.secure_tcp = rnd() % 2;
			st.nat_icmp_send = rnd() % 2;
			st.cache_bypass = rnd() % 2;
			lvs_core_set_settings(core, &st);
			if (rnd() % 2)
				lvs_core_expire_nodest(core, now);
			continue;
		}
		if (op < 12) {
			now += rnd() % 20000;
			lvs_core_tick(core, now);
			lvs_table_tick(t, now);
			continue;
		}
		struct lvs_pkt p;
		struct lvs_conn_ref r;
		memset(&p, 0, sizeof(p));
		p.af = rnd() % 50 ? af : (int)rnd();
		static const uint8_t protos[] = { IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP, IPPROTO_SCTP, 0, 255 };
		p.protocol = protos[rnd() % 6];
		int outbound = rnd() % 3 == 0;
		if (outbound) {
			rand_addr(af, &p.saddr, rips, rips6);
			rand_addr(af, &p.daddr, cips, cips6);
			p.sport = (uint16_t)(rnd() % 2 ? 80 : rnd());
			p.dport = (uint16_t)(1000 + rnd() % 4);
		} else {
			rand_addr(af, &p.saddr, cips, cips6);
			rand_addr(af, &p.daddr, vips, vips6);
			p.sport = (uint16_t)(1000 + rnd() % 4);
			p.dport = (uint16_t)(rnd() % 2 ? 80 : rnd() % 3 ? 21 : rnd());
		}
		p.tcp_flags = (uint8_t)rnd();
		p.mark = rnd() % 3;
		p.len = rnd() % 1600;
		if (rnd() % 10 == 0) {
			p.icmp_error = 1;
			p.icmp_type = (uint8_t)(rnd() % 13);
			p.inner.protocol = protos[rnd() % 6];
			p.inner.saddr = p.daddr;
			p.inner.daddr = p.saddr;
			p.inner.sport = p.dport;
			p.inner.dport = p.sport;
		}
		lvs_core_prefetch(core, &p, outbound);
		lvs_core_prefetch2(core, &p, outbound);
		unsigned w = rnd() % 40 ? rnd() % 2 : 5;
		enum lvs_verdict v = outbound ? lvs_core_outbound(core, w, &p, now, &r)
					      : lvs_core_inbound(core, w, &p, now, &r);
		assert_true(v <= LVS_REJECT);
		if (v == LVS_FORWARD && !(r.flags & LVS_CONN_F_BYPASS))
			assert_non_null(r.dest);
		lvs_core_ref_put(core, w, &r);
		if (iter % 5000 == 0) {
			lvs_core_conn_proc(core, &sb, now);
			sb_free(&sb);
		}
	}
	struct lvs_core_counters cc;
	lvs_core_counters(core, &cc);
	printf("# fuzz: created %lu tmpl %lu expired %lu reject %lu pass %lu/%lu drop %lu/%lu/%lu reused %lu\n",
	       (unsigned long)cc.conn_created, (unsigned long)cc.tmpl_created, (unsigned long)cc.conn_expired,
	       (unsigned long)cc.reject_no_dest, (unsigned long)cc.pass_not_vs, (unsigned long)cc.pass_no_conn,
	       (unsigned long)cc.drop_invalid, (unsigned long)cc.drop_dest_unavailable,
	       (unsigned long)cc.drop_table_full, (unsigned long)cc.conn_reused);
	lvs_core_prefetch(core, NULL, 0);
	lvs_core_prefetch2(NULL, NULL, 1);
	/* the run did exercise the interesting paths */
	assert_true(cc.conn_created > 1000 && cc.tmpl_created > 10 && cc.conn_expired > 100);
	assert_true(cc.reject_no_dest > 0 && cc.drop_invalid > 0);
	/* every bound conn is counted on exactly one dest counter */
	struct tally tl = { 0, 0 };
	lvs_core_conn_foreach(core, now, count_entries, &tl);
	assert_int_equal((size_t)(tl.conns + tl.tmpls), lvs_core_conn_count(core));
	lvs_core_conn_flush(core);
	assert_int_equal(lvs_core_conn_count(core), 0);
	for (struct lvs_service *svc = lvs_svc_first(t); svc; svc = lvs_svc_next(t, svc)) {
		struct lvs_dest *d;
		lvs_list_for_each_entry(d, &svc->destinations, n_list) {
			assert_int_equal(d->activeconns, 0);
			assert_int_equal(d->inactconns, 0);
			assert_int_equal(d->persistconns, 0);
		}
	}
	lvs_core_free(core);
	lvs_table_free(t);
}

UNIT_TESTS(cmocka_unit_test(test_entry_size),
	   cmocka_unit_test(test_million),
	   cmocka_unit_test(test_proc_format),
	   cmocka_unit_test(test_names),
	   cmocka_unit_test(test_state_timeouts),
	   cmocka_unit_test(test_export_import),
	   cmocka_unit_test(test_incremental_sweep),
	   cmocka_unit_test(test_two_workers),
	   cmocka_unit_test(test_fuzz))
