/* test_persist.c - persistence templates through the full inbound path:
 * PPC, PCC (port 0), PFWM (fwmark, IPPROTO_IP templates), netmask
 * granularity, template re-arm and expiry while controlling, ASSURED,
 * quiescent dests with expire_quiescent_template, deleted dests,
 * one-packet + persistence, and the /proc lines of templates. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "core/table.h"
#include "core/pkt.h"
#include "core/conn.h"
#include "lib/strbuf.h"

#define VIP "172.20.0.26"
#define CIP "172.20.0.100"
#define RS1 "192.168.1.16"
#define RS2 "192.168.1.8"
#define RS3 "192.168.1.24"

struct env {
	struct lvs_table *t;
	struct lvs_core *core;
	struct lvs_service_conf svc;
	uint64_t now;
};

static union lvs_addr ip4(const char *s)
{
	union lvs_addr a;

	memset(&a, 0, sizeof(a));
	inet_pton(AF_INET, s, &a.ip);
	return a;
}

static void env_init(struct env *e, uint16_t proto, uint16_t port, uint32_t fwmark, uint32_t timeout)
{
	memset(e, 0, sizeof(*e));
	e->t = lvs_table_new();
	e->core = lvs_core_new(e->t, 1, 4096, NULL);
	assert_non_null(e->core);
	e->svc.af = AF_INET;
	e->svc.protocol = proto;
	if (!fwmark)
		e->svc.addr = ip4(VIP);
	e->svc.port = port;
	e->svc.fwmark = fwmark;
	strcpy(e->svc.sched_name, "rr");
	e->svc.flags = LVS_SVC_F_PERSISTENT;
	e->svc.timeout = timeout;
	e->svc.netmask = 0xffffffff;
	assert_int_equal(lvs_add_service(e->t, &e->svc), 0);
	e->now = 5000000;
}

static void env_done(struct env *e)
{
	lvs_core_free(e->core);
	lvs_table_free(e->t);
}

static void add_dest(struct env *e, const char *ip, uint16_t port, int weight)
{
	struct lvs_dest_conf d;

	memset(&d, 0, sizeof(d));
	d.af = AF_INET;
	d.addr = ip4(ip);
	d.port = port;
	d.weight = weight;
	d.conn_flags = LVS_CONN_F_MASQ;
	assert_int_equal(lvs_add_dest(e->t, &e->svc, &d), 0);
}

static struct lvs_dest *dest_of(struct env *e, const char *ip, uint16_t port)
{
	union lvs_addr a = ip4(ip);

	return lvs_dest_lookup(lvs_svc_get(e->t, &e->svc), AF_INET, &a, port);
}

static enum lvs_verdict pkt(struct env *e, uint8_t proto, const char *src, uint16_t sport, uint16_t dport,
			    uint8_t flags, uint32_t mark, struct lvs_conn_ref *r)
{
	struct lvs_pkt p;
	struct lvs_conn_ref tmp;

	memset(&p, 0, sizeof(p));
	p.af = AF_INET;
	p.protocol = proto;
	p.saddr = ip4(src);
	p.daddr = ip4(VIP);
	p.sport = sport;
	p.dport = dport;
	p.tcp_flags = flags;
	p.mark = mark;
	p.len = 40;
	return lvs_core_inbound(e->core, 0, &p, e->now, r ? r : &tmp);
}

static const char *rs(const struct lvs_conn_ref *r)
{
	static char buf[32];

	inet_ntop(AF_INET, &r->daddr.ip, buf, sizeof(buf));
	return !strcmp(buf, RS1) ? "rs1" : !strcmp(buf, RS2) ? "rs2" : !strcmp(buf, RS3) ? "rs3" : buf;
}

/* the template, as lvs_core_conn_find sees it */
static int tmpl(struct env *e, uint8_t proto, const char *snet, const union lvs_addr *v, uint16_t vport,
		struct lvs_conn_sync *s)
{
	union lvs_addr c = ip4(snet);

	return lvs_core_conn_find(e->core, AF_INET, proto, &c, 0, v, vport, LVS_CONN_F_TEMPLATE, e->now, s);
}

/* the /proc line that contains `needle` (or "" if none) */
static char *proc_line(struct env *e, const char *needle)
{
	static char line[256];
	struct strbuf sb = STRBUF_INIT;
	char *p, *end;

	lvs_core_conn_proc(e->core, &sb, e->now);
	line[0] = 0;
	p = sb.buf ? strstr(sb.buf, needle) : NULL;
	if (p) {
		while (p > sb.buf && p[-1] != '\n')
			p--;
		end = strchr(p, '\n');
		snprintf(line, sizeof(line), "%.*s", (int)(end - p), p);
	}
	sb_free(&sb);
	return line;
}

static void test_ppc(void **state)
{
	struct env e;
	struct lvs_conn_ref r;
	struct lvs_conn_sync s;
	union lvs_addr v = ip4(VIP);
	struct lvs_dest *d3;

	(void)state;
	env_init(&e, IPPROTO_TCP, 80, 0, 60);
	add_dest(&e, RS1, 80, 1);
	add_dest(&e, RS2, 80, 1);
	add_dest(&e, RS3, 80, 1);
	d3 = dest_of(&e, RS3, 80);
	for (int i = 0; i < 8; i++) {
		assert_int_equal(pkt(&e, IPPROTO_TCP, CIP, (uint16_t)(32948 + i), 80, LVS_TCPF_SYN, 0, &r), LVS_FORWARD);
		assert_string_equal(rs(&r), "rs3");
		assert_int_equal(pkt(&e, IPPROTO_TCP, CIP, (uint16_t)(32948 + i), 80, LVS_TCPF_ACK, 0, &r), LVS_FORWARD);
		e.now += 100;
	}
	assert_int_equal(d3->persistconns, 1);
	assert_int_equal(d3->activeconns, 8);
	assert_true(tmpl(&e, IPPROTO_TCP, CIP, &v, 80, &s));
	assert_int_equal(s.dport, 80);
	assert_int_equal(s.cport, 0);
	/* ESTABLISHED conns make the template ASSURED; the oracle's line */
	assert_string_equal(proc_line(&e, "0000 AC14001A"),
			    "TCP AC140064 0000 AC14001A 0050 C0A80118 0050 ASSURED          59");
	assert_int_equal(lvs_core_conn_count(e.core), 9);
	/* another client gets its own template, the next rr pick */
	assert_int_equal(pkt(&e, IPPROTO_TCP, "172.20.0.101", 1000, 80, LVS_TCPF_SYN, 0, &r), LVS_FORWARD);
	assert_string_equal(rs(&r), "rs2");
	env_done(&e);
}

static void test_template_lifetime(void **state)
{
	struct env e;
	struct lvs_conn_ref r;
	struct lvs_conn_sync s;
	union lvs_addr v = ip4(VIP);

	(void)state;
	env_init(&e, IPPROTO_TCP, 80, 0, 60);
	add_dest(&e, RS1, 80, 1);
	assert_int_equal(pkt(&e, IPPROTO_TCP, CIP, 1000, 80, LVS_TCPF_SYN, 0, &r), LVS_FORWARD);
	assert_int_equal(pkt(&e, IPPROTO_TCP, CIP, 1000, 80, LVS_TCPF_ACK, 0, &r), LVS_FORWARD);
	/* packets of existing conns do not refresh it; new conns do */
	e.now += 30 * 1000;
	assert_int_equal(pkt(&e, IPPROTO_TCP, CIP, 1000, 80, LVS_TCPF_ACK, 0, &r), LVS_FORWARD);
	assert_true(tmpl(&e, IPPROTO_TCP, CIP, &v, 80, &s));
	assert_int_equal(s.timeout, 30);
	assert_int_equal(pkt(&e, IPPROTO_TCP, CIP, 1001, 80, LVS_TCPF_SYN, 0, &r), LVS_FORWARD);
	assert_true(tmpl(&e, IPPROTO_TCP, CIP, &v, 80, &s));
	assert_int_equal(s.timeout, 60);
	/* its time is up while it controls live conns: kept, re-armed 60 s */
	e.now += 60 * 1000;
	lvs_core_tick(e.core, e.now);
	assert_true(tmpl(&e, IPPROTO_TCP, CIP, &v, 80, &s));
	assert_int_equal(s.timeout, 60);
	/* conn 1001 is SYN_RECV (60 s) and gone now; conn 1000 (ES) lives */
	assert_int_equal(lvs_core_conn_count(e.core), 2);
	/* once the last controlled conn is gone, the template expires at its
	 * own time (not with the conn) */
	e.now += 900 * 1000;
	lvs_core_tick(e.core, e.now);
	assert_int_equal(lvs_core_conn_count(e.core), 1);
	assert_true(tmpl(&e, IPPROTO_TCP, CIP, &v, 80, &s));
	e.now += 61 * 1000;
	lvs_core_tick(e.core, e.now);
	assert_int_equal(lvs_core_conn_count(e.core), 0);
	assert_int_equal(dest_of(&e, RS1, 80)->persistconns, 0);
	env_done(&e);
}

static void test_netmask(void **state)
{
	struct env e;
	struct lvs_conn_ref r;
	struct lvs_conn_sync s;
	union lvs_addr v = ip4(VIP);

	(void)state;
	env_init(&e, IPPROTO_TCP, 80, 0, 300);
	e.svc.netmask = htonl(0xffffff00);
	assert_int_equal(lvs_edit_service(e.t, &e.svc), 0);
	add_dest(&e, RS1, 80, 1);
	add_dest(&e, RS2, 80, 1);
	assert_int_equal(pkt(&e, IPPROTO_TCP, "10.1.2.3", 1000, 80, LVS_TCPF_SYN, 0, &r), LVS_FORWARD);
	assert_string_equal(rs(&r), "rs2");
	assert_int_equal(pkt(&e, IPPROTO_TCP, "10.1.2.77", 1000, 80, LVS_TCPF_SYN, 0, &r), LVS_FORWARD);
	assert_string_equal(rs(&r), "rs2");
	assert_int_equal(pkt(&e, IPPROTO_TCP, "10.1.3.77", 1000, 80, LVS_TCPF_SYN, 0, &r), LVS_FORWARD);
	assert_string_equal(rs(&r), "rs1");
	assert_true(tmpl(&e, IPPROTO_TCP, "10.1.2.0", &v, 80, &s));
	assert_false(tmpl(&e, IPPROTO_TCP, "10.1.2.3", &v, 80, &s));
	env_done(&e);
}

static void test_pcc_port_zero(void **state)
{
	struct env e;
	struct lvs_conn_ref r;
	struct lvs_conn_sync s;
	union lvs_addr v = ip4(VIP);

	(void)state;
	env_init(&e, IPPROTO_TCP, 0, 0, 300);
	add_dest(&e, RS1, 0, 1);
	add_dest(&e, RS2, 0, 1);
	assert_int_equal(pkt(&e, IPPROTO_TCP, CIP, 1000, 443, LVS_TCPF_SYN, 0, &r), LVS_FORWARD);
	assert_string_equal(rs(&r), "rs2");
	assert_int_equal(r.dport, 443);
	assert_int_equal(pkt(&e, IPPROTO_TCP, CIP, 1001, 80, LVS_TCPF_SYN, 0, &r), LVS_FORWARD);
	assert_string_equal(rs(&r), "rs2");
	assert_int_equal(r.dport, 80);
	assert_true(tmpl(&e, IPPROTO_TCP, CIP, &v, 0, &s));
	assert_int_equal(s.dport, 0);
	assert_string_equal(proc_line(&e, "0000 AC14001A 0000"),
			    "TCP AC140064 0000 AC14001A 0000 C0A80108 0000 NONE            300");
	/* a NON-persistent port-0 service cannot schedule: port unreachable */
	e.svc.flags = 0;
	assert_int_equal(lvs_edit_service(e.t, &e.svc), 0);
	assert_int_equal(pkt(&e, IPPROTO_TCP, "1.2.3.4", 1001, 80, LVS_TCPF_SYN, 0, &r), LVS_REJECT);
	env_done(&e);
}

static void test_pfwm(void **state)
{
	struct env e;
	struct lvs_conn_ref r;
	struct lvs_conn_sync s;
	union lvs_addr m;

	(void)state;
	env_init(&e, IPPROTO_TCP, 0, 1, 300);
	add_dest(&e, RS1, 0, 1);
	add_dest(&e, RS2, 0, 1);
	assert_int_equal(pkt(&e, IPPROTO_TCP, CIP, 1000, 80, LVS_TCPF_SYN, 1, &r), LVS_FORWARD);
	assert_string_equal(rs(&r), "rs2");
	/* UDP and another port share the IPPROTO_IP template of mark 1 */
	assert_int_equal(pkt(&e, IPPROTO_UDP, CIP, 1000, 53, 0, 1, &r), LVS_FORWARD);
	assert_string_equal(rs(&r), "rs2");
	assert_int_equal(r.dport, 53);
	assert_int_equal(r.protocol, IPPROTO_UDP);
	memset(&m, 0, sizeof(m));
	m.ip = htonl(1);
	assert_true(tmpl(&e, IPPROTO_IP, CIP, &m, 0, &s));
	assert_int_equal(s.protocol, IPPROTO_IP);
	assert_int_equal(s.fwmark, 1);
	assert_string_equal(proc_line(&e, "00000001 0000"),
			    "IP  AC140064 0000 00000001 0000 C0A80108 0000 NONE            300");
	/* without the mark it is not this service */
	assert_int_equal(pkt(&e, IPPROTO_TCP, CIP, 1002, 80, LVS_TCPF_SYN, 0, &r), LVS_PASS);
	env_done(&e);
}

static void test_quiescent_and_deleted(void **state)
{
	struct env e;
	struct lvs_conn_ref r;
	struct lvs_dest_conf d;
	struct lvs_core_settings st;
	struct lvs_core_counters c;

	(void)state;
	env_init(&e, IPPROTO_TCP, 80, 0, 300);
	add_dest(&e, RS1, 80, 1);
	add_dest(&e, RS2, 80, 1);
	assert_int_equal(pkt(&e, IPPROTO_TCP, CIP, 1000, 80, LVS_TCPF_SYN, 0, &r), LVS_FORWARD);
	assert_string_equal(rs(&r), "rs2");
	/* weight 0: persistence wins by default */
	memset(&d, 0, sizeof(d));
	d.af = AF_INET;
	d.addr = ip4(RS2);
	d.port = 80;
	d.weight = 0;
	d.conn_flags = LVS_CONN_F_MASQ;
	assert_int_equal(lvs_edit_dest(e.t, &e.svc, &d), 0);
	assert_int_equal(pkt(&e, IPPROTO_TCP, CIP, 1001, 80, LVS_TCPF_SYN, 0, &r), LVS_FORWARD);
	assert_string_equal(rs(&r), "rs2");
	/* expire_quiescent_template=1: the template is invalidated */
	lvs_core_get_settings(e.core, &st);
	st.expire_quiescent_template = 1;
	lvs_core_set_settings(e.core, &st);
	assert_int_equal(pkt(&e, IPPROTO_TCP, CIP, 1002, 80, LVS_TCPF_SYN, 0, &r), LVS_FORWARD);
	assert_string_equal(rs(&r), "rs1");
	assert_int_equal(pkt(&e, IPPROTO_TCP, CIP, 1003, 80, LVS_TCPF_SYN, 0, &r), LVS_FORWARD);
	assert_string_equal(rs(&r), "rs1");
	lvs_core_counters(e.core, &c);
	assert_int_equal(c.tmpl_invalidated, 1);
	assert_int_equal(c.tmpl_created, 2);
	/* the invalidated template shows vport/dport FFFF until it times out */
	assert_string_not_equal(proc_line(&e, "AC14001A FFFF C0A80108 FFFF NONE"), "");
	/* deleting the dest invalidates too */
	d.addr = ip4(RS1);
	assert_int_equal(lvs_del_dest(e.t, &e.svc, &d), 0);
	d.addr = ip4(RS2);
	d.weight = 1;
	assert_int_equal(lvs_edit_dest(e.t, &e.svc, &d), 0);
	assert_int_equal(pkt(&e, IPPROTO_TCP, CIP, 1004, 80, LVS_TCPF_SYN, 0, &r), LVS_FORWARD);
	assert_string_equal(rs(&r), "rs2");
	env_done(&e);
}

static void test_udp_assured_and_ops(void **state)
{
	struct env e;
	struct lvs_conn_ref r;
	struct lvs_pkt p;
	struct lvs_conn_sync s;
	union lvs_addr v = ip4(VIP);

	(void)state;
	env_init(&e, IPPROTO_UDP, 53, 0, 120);
	add_dest(&e, RS1, 53, 1);
	add_dest(&e, RS2, 53, 1);
	assert_int_equal(pkt(&e, IPPROTO_UDP, CIP, 1000, 53, 0, 0, &r), LVS_FORWARD);
	assert_true(tmpl(&e, IPPROTO_UDP, CIP, &v, 53, &s));
	assert_string_equal(lvs_conn_state_name(s.protocol, s.flags, (uint8_t)s.state), "NONE");
	/* a reply assures the template */
	memset(&p, 0, sizeof(p));
	p.af = AF_INET;
	p.protocol = IPPROTO_UDP;
	p.saddr = r.daddr;
	p.sport = 53;
	p.daddr = ip4(CIP);
	p.dport = 1000;
	assert_int_equal(lvs_core_outbound(e.core, 0, &p, e.now, &r), LVS_FORWARD);
	assert_true(tmpl(&e, IPPROTO_UDP, CIP, &v, 53, &s));
	assert_string_equal(lvs_conn_state_name(s.protocol, s.flags, (uint8_t)s.state), "ASSURED");

	/* ops + persistence: conns are one-packet, the template persists */
	e.svc.flags |= LVS_SVC_F_ONEPACKET;
	assert_int_equal(lvs_edit_service(e.t, &e.svc), 0);
	assert_int_equal(pkt(&e, IPPROTO_UDP, "10.9.9.9", 7, 53, 0, 0, &r), LVS_FORWARD);
	const char *first = rs(&r);
	char want[8];
	snprintf(want, sizeof(want), "%s", first);
	size_t n = lvs_core_conn_count(e.core);
	for (int i = 0; i < 5; i++) {
		assert_int_equal(pkt(&e, IPPROTO_UDP, "10.9.9.9", 7, 53, 0, 0, &r), LVS_FORWARD);
		assert_true(r.flags & LVS_CONN_F_ONE_PACKET);
		assert_string_equal(rs(&r), want);
	}
	assert_int_equal(lvs_core_conn_count(e.core), n);
	assert_true(tmpl(&e, IPPROTO_UDP, "10.9.9.9", &v, 53, &s));
	env_done(&e);
}

static void test_expire_nodest_flush(void **state)
{
	struct env e;
	struct lvs_conn_ref r;
	struct lvs_dest_conf d;
	struct lvs_conn_sync s;
	union lvs_addr v = ip4(VIP);

	(void)state;
	env_init(&e, IPPROTO_TCP, 80, 0, 300);
	add_dest(&e, RS1, 80, 1);
	add_dest(&e, RS2, 80, 1);
	assert_int_equal(pkt(&e, IPPROTO_TCP, CIP, 1000, 80, LVS_TCPF_SYN, 0, &r), LVS_FORWARD);
	assert_string_equal(rs(&r), "rs2");
	assert_int_equal(pkt(&e, IPPROTO_TCP, "10.7.7.7", 1000, 80, LVS_TCPF_SYN, 0, &r), LVS_FORWARD);
	assert_string_equal(rs(&r), "rs1");
	assert_int_equal(lvs_core_conn_count(e.core), 4);
	memset(&d, 0, sizeof(d));
	d.af = AF_INET;
	d.addr = ip4(RS2);
	d.port = 80;
	assert_int_equal(lvs_del_dest(e.t, &e.svc, &d), 0);
	lvs_core_expire_nodest(e.core, e.now);
	/* the conn to rs2 is gone at once, its template at the next tick */
	assert_int_equal(lvs_core_conn_count(e.core), 3);
	assert_false(tmpl(&e, IPPROTO_TCP, CIP, &v, 80, &s));
	lvs_core_tick(e.core, e.now);
	assert_int_equal(lvs_core_conn_count(e.core), 2);
	assert_true(tmpl(&e, IPPROTO_TCP, "10.7.7.7", &v, 80, &s));
	env_done(&e);
}

static void test_ipv6_prefix(void **state)
{
	struct lvs_table *t = lvs_table_new();
	struct lvs_core *core = lvs_core_new(t, 1, 1024, NULL);
	struct lvs_service_conf c;
	struct lvs_dest_conf d;
	struct lvs_pkt p;
	struct lvs_conn_ref r;
	struct lvs_conn_sync s;
	union lvs_addr snet;
	struct strbuf sb = STRBUF_INIT;
	char rip[3][64];

	(void)state;
	memset(&c, 0, sizeof(c));
	c.af = AF_INET6;
	c.protocol = IPPROTO_TCP;
	inet_pton(AF_INET6, "2001:db8::80", &c.addr.in6);
	c.port = 443;
	strcpy(c.sched_name, "rr");
	c.flags = LVS_SVC_F_PERSISTENT;
	c.timeout = 600;
	c.netmask = 64;
	assert_int_equal(lvs_add_service(t, &c), 0);
	for (int i = 0; i < 2; i++) {
		memset(&d, 0, sizeof(d));
		d.af = AF_INET6;
		inet_pton(AF_INET6, i ? "2001:db8:9::2" : "2001:db8:9::1", &d.addr.in6);
		d.port = 443;
		d.weight = 1;
		d.conn_flags = LVS_CONN_F_DROUTE;
		assert_int_equal(lvs_add_dest(t, &c, &d), 0);
	}
	for (int i = 0; i < 3; i++) {
		memset(&p, 0, sizeof(p));
		p.af = AF_INET6;
		p.protocol = IPPROTO_TCP;
		inet_pton(AF_INET6, i == 2 ? "2001:db8:2::5" : i ? "2001:db8:1::ffff:1" : "2001:db8:1::7", &p.saddr.in6);
		p.daddr = c.addr;
		p.sport = (uint16_t)(5000 + i);
		p.dport = 443;
		p.tcp_flags = LVS_TCPF_SYN;
		assert_int_equal(lvs_core_inbound(core, 0, &p, 1000, &r), LVS_FORWARD);
		assert_int_equal(r.daf, AF_INET6);
		inet_ntop(AF_INET6, &r.daddr.in6, rip[i], sizeof(rip[i]));
	}
	/* the two clients of 2001:db8:1::/64 share one template and one RS,
	 * the other prefix gets the next rr pick */
	assert_string_equal(rip[0], "2001:db8:9::2");
	assert_string_equal(rip[1], "2001:db8:9::2");
	assert_string_equal(rip[2], "2001:db8:9::1");
	memset(&snet, 0, sizeof(snet));
	inet_pton(AF_INET6, "2001:db8:1::", &snet.in6);
	assert_true(lvs_core_conn_find(core, AF_INET6, IPPROTO_TCP, &snet, 0, &c.addr, 443, LVS_CONN_F_TEMPLATE, 1000, &s));
	assert_int_equal(lvs_core_conn_count(core), 5);
	lvs_core_conn_proc(core, &sb, 1000);
	assert_non_null(strstr(sb.buf, "TCP 2001:0db8:0001:0000:0000:0000:0000:0000 0000 "
				   "2001:0db8:0000:0000:0000:0000:0000:0080 01BB "
				   "2001:0db8:0009:0000:0000:0000:0000:0002 01BB NONE            600\n"));
	sb_free(&sb);
	lvs_core_free(core);
	lvs_table_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ppc),
		cmocka_unit_test(test_template_lifetime),
		cmocka_unit_test(test_netmask),
		cmocka_unit_test(test_pcc_port_zero),
		cmocka_unit_test(test_pfwm),
		cmocka_unit_test(test_quiescent_and_deleted),
		cmocka_unit_test(test_udp_assured_and_ops),
		cmocka_unit_test(test_expire_nodest_flush),
		cmocka_unit_test(test_ipv6_prefix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
