/* test_persist.c - persistence templates through the full inbound path:
 * PPC, PCC (port 0), PFWM (fwmark, IPPROTO_IP templates), netmask
 * granularity, template re-arm and expiry while controlling, ASSURED,
 * quiescent dests with expire_quiescent_template, deleted dests,
 * one-packet + persistence, the operator's drain and maint, and the /proc
 * lines of templates. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "fixture.h"
#include "core/conn.h"
#include "lib/strbuf.h"

#define VIP "172.20.0.26"

/* a persistent rr service, VIP:port of proto or fwmark (then port 0),
 * with nrs real servers RS1, RS2, ... of weight 1 (NAT) on port */
static void env_init(struct core_fx *e, uint16_t proto, uint16_t port, uint32_t fwmark, uint32_t timeout, int nrs)
{
	static const char *const rs[] = { RS1, RS2, RS3 };

	core_fx_init(e, 1, 4096, NULL);
	e->svc = fwmark ? fwm_conf(AF_INET, fwmark, "rr") : svc_conf(VIP, port, "rr");
	e->svc.protocol = proto;
	e->svc.flags = LVS_SVC_F_PERSISTENT;
	e->svc.timeout = timeout;
	add_svc(e->t, &e->svc);
	for (int i = 0; i < nrs; i++)
		add_dest(e->t, &e->svc, rs[i], port, 1, LVS_CONN_F_MASQ);
	e->now = 5000000;
}

/* src:sport -> VIP:dport with a fwmark (0: none) */
static enum lvs_verdict pkt(struct core_fx *e, uint8_t proto, const char *src, uint16_t sport, uint16_t dport,
			    uint8_t flags, uint32_t mark, struct lvs_conn_ref *r)
{
	struct lvs_pkt p = pkt_make(proto, src, sport, VIP, dport, flags);
	struct lvs_conn_ref tmp;

	p.mark = mark;
	return lvs_core_inbound(e->core, 0, &p, e->now, r ? r : &tmp);
}

/* a new TCP connection src:sport -> VIP:dport is forwarded: to which
 * real server (r holds the rest) */
static const char *syn_rs(struct core_fx *e, const char *src, uint16_t sport, uint16_t dport, struct lvs_conn_ref *r)
{
	assert_int_equal(pkt(e, IPPROTO_TCP, src, sport, dport, LVS_TCPF_SYN, 0, r), LVS_FORWARD);
	return rs_name(&r->daddr);
}

/* the template, as lvs_core_conn_find sees it */
static int tmpl(struct core_fx *e, uint8_t proto, const char *snet, const union lvs_addr *v, uint16_t vport,
		struct lvs_conn_sync *s)
{
	union lvs_addr c = ip4(snet);

	return lvs_core_conn_find(e->core, AF_INET, proto, &c, 0, v, vport, LVS_CONN_F_TEMPLATE, e->now, s);
}

/* the /proc line that contains `needle` (or "" if none) */
static char *proc_line(struct core_fx *e, const char *needle)
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
	struct core_fx e;
	struct lvs_conn_ref r;
	struct lvs_conn_sync s;
	union lvs_addr v = ip4(VIP);
	struct lvs_dest *d3;

	(void)state;
	env_init(&e, IPPROTO_TCP, 80, 0, 60, 3);
	d3 = find_dest(e.t, &e.svc, RS3, 80);
	for (int i = 0; i < 8; i++) {
		assert_int_equal(pkt(&e, IPPROTO_TCP, CIP, (uint16_t)(32948 + i), 80, LVS_TCPF_SYN, 0, &r), LVS_FORWARD);
		assert_string_equal(rs_name(&r.daddr), "rs3");
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
	assert_string_equal(syn_rs(&e, "172.20.0.101", 1000, 80, &r), "rs2");
	core_fx_done(&e);
}

static void test_template_lifetime(void **state)
{
	struct core_fx e;
	struct lvs_conn_ref r;
	struct lvs_conn_sync s;
	union lvs_addr v = ip4(VIP);

	(void)state;
	env_init(&e, IPPROTO_TCP, 80, 0, 60, 1);
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
	assert_int_equal(find_dest(e.t, &e.svc, RS1, 80)->persistconns, 0);
	core_fx_done(&e);
}

static void test_netmask(void **state)
{
	struct core_fx e;
	struct lvs_conn_ref r;
	struct lvs_conn_sync s;
	union lvs_addr v = ip4(VIP);

	(void)state;
	env_init(&e, IPPROTO_TCP, 80, 0, 300, 2);
	e.svc.netmask = htonl(0xffffff00);
	assert_int_equal(lvs_edit_service(e.t, &e.svc), 0);
	assert_string_equal(syn_rs(&e, "10.1.2.3", 1000, 80, &r), "rs2");
	assert_string_equal(syn_rs(&e, "10.1.2.77", 1000, 80, &r), "rs2");
	assert_string_equal(syn_rs(&e, "10.1.3.77", 1000, 80, &r), "rs1");
	assert_true(tmpl(&e, IPPROTO_TCP, "10.1.2.0", &v, 80, &s));
	assert_false(tmpl(&e, IPPROTO_TCP, "10.1.2.3", &v, 80, &s));
	core_fx_done(&e);
}

static void test_pcc_port_zero(void **state)
{
	struct core_fx e;
	struct lvs_conn_ref r;
	struct lvs_conn_sync s;
	union lvs_addr v = ip4(VIP);

	(void)state;
	env_init(&e, IPPROTO_TCP, 0, 0, 300, 2);
	assert_string_equal(syn_rs(&e, CIP, 1000, 443, &r), "rs2");
	assert_int_equal(r.dport, 443);
	assert_string_equal(syn_rs(&e, CIP, 1001, 80, &r), "rs2");
	assert_int_equal(r.dport, 80);
	assert_true(tmpl(&e, IPPROTO_TCP, CIP, &v, 0, &s));
	assert_int_equal(s.dport, 0);
	assert_string_equal(proc_line(&e, "0000 AC14001A 0000"),
			    "TCP AC140064 0000 AC14001A 0000 C0A80108 0000 NONE            300");
	/* a NON-persistent port-0 service cannot schedule: port unreachable */
	e.svc.flags = 0;
	assert_int_equal(lvs_edit_service(e.t, &e.svc), 0);
	assert_int_equal(pkt(&e, IPPROTO_TCP, "1.2.3.4", 1001, 80, LVS_TCPF_SYN, 0, &r), LVS_REJECT);
	core_fx_done(&e);
}

static void test_pfwm(void **state)
{
	struct core_fx e;
	struct lvs_conn_ref r;
	struct lvs_conn_sync s;
	union lvs_addr m;

	(void)state;
	env_init(&e, IPPROTO_TCP, 0, 1, 300, 2);
	assert_int_equal(pkt(&e, IPPROTO_TCP, CIP, 1000, 80, LVS_TCPF_SYN, 1, &r), LVS_FORWARD);
	assert_string_equal(rs_name(&r.daddr), "rs2");
	/* UDP and another port share the IPPROTO_IP template of mark 1 */
	assert_int_equal(pkt(&e, IPPROTO_UDP, CIP, 1000, 53, 0, 1, &r), LVS_FORWARD);
	assert_string_equal(rs_name(&r.daddr), "rs2");
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
	core_fx_done(&e);
}

static void test_quiescent_and_deleted(void **state)
{
	struct core_fx e;
	struct lvs_conn_ref r;
	struct lvs_core_settings st;
	struct lvs_core_counters c;

	(void)state;
	env_init(&e, IPPROTO_TCP, 80, 0, 300, 2);
	assert_string_equal(syn_rs(&e, CIP, 1000, 80, &r), "rs2");
	/* weight 0: persistence wins by default */
	edit_dest(e.t, &e.svc, RS2, 80, 0, LVS_CONN_F_MASQ);
	assert_string_equal(syn_rs(&e, CIP, 1001, 80, &r), "rs2");
	/* expire_quiescent_template=1: the template is invalidated */
	lvs_core_get_settings(e.core, &st);
	st.expire_quiescent_template = 1;
	lvs_core_set_settings(e.core, &st);
	assert_string_equal(syn_rs(&e, CIP, 1002, 80, &r), "rs1");
	assert_string_equal(syn_rs(&e, CIP, 1003, 80, &r), "rs1");
	lvs_core_counters(e.core, &c);
	assert_int_equal(c.tmpl_invalidated, 1);
	assert_int_equal(c.tmpl_created, 2);
	/* the invalidated template shows vport/dport FFFF until it times out */
	assert_string_not_equal(proc_line(&e, "AC14001A FFFF C0A80108 FFFF NONE"), "");
	/* deleting the dest invalidates too */
	del_dest(e.t, &e.svc, RS1, 80);
	edit_dest(e.t, &e.svc, RS2, 80, 1, LVS_CONN_F_MASQ);
	assert_string_equal(syn_rs(&e, CIP, 1004, 80, &r), "rs2");
	core_fx_done(&e);
}

static void test_udp_assured_and_ops(void **state)
{
	struct core_fx e;
	struct lvs_conn_ref r;
	struct lvs_pkt p;
	struct lvs_conn_sync s;
	union lvs_addr v = ip4(VIP);

	(void)state;
	env_init(&e, IPPROTO_UDP, 53, 0, 120, 2);
	assert_int_equal(pkt(&e, IPPROTO_UDP, CIP, 1000, 53, 0, 0, &r), LVS_FORWARD);
	assert_true(tmpl(&e, IPPROTO_UDP, CIP, &v, 53, &s));
	assert_string_equal(lvs_conn_state_name(s.protocol, s.flags, (uint8_t)s.state), "NONE");
	/* a reply, from the dest the request went to, assures the template */
	p = pkt_make(IPPROTO_UDP, CIP, 53, CIP, 1000, 0);
	p.saddr = r.daddr;
	assert_int_equal(lvs_core_outbound(e.core, 0, &p, e.now, &r), LVS_FORWARD);
	assert_true(tmpl(&e, IPPROTO_UDP, CIP, &v, 53, &s));
	assert_string_equal(lvs_conn_state_name(s.protocol, s.flags, (uint8_t)s.state), "ASSURED");

	/* ops + persistence: conns are one-packet, the template persists */
	e.svc.flags |= LVS_SVC_F_ONEPACKET;
	assert_int_equal(lvs_edit_service(e.t, &e.svc), 0);
	assert_int_equal(pkt(&e, IPPROTO_UDP, "10.9.9.9", 7, 53, 0, 0, &r), LVS_FORWARD);
	const char *first = rs_name(&r.daddr);
	char want[8];
	snprintf(want, sizeof(want), "%s", first);
	size_t n = lvs_core_conn_count(e.core);
	for (int i = 0; i < 5; i++) {
		assert_int_equal(pkt(&e, IPPROTO_UDP, "10.9.9.9", 7, 53, 0, 0, &r), LVS_FORWARD);
		assert_true(r.flags & LVS_CONN_F_ONE_PACKET);
		assert_string_equal(rs_name(&r.daddr), want);
	}
	assert_int_equal(lvs_core_conn_count(e.core), n);
	assert_true(tmpl(&e, IPPROTO_UDP, "10.9.9.9", &v, 53, &s));
	core_fx_done(&e);
}

static void test_expire_nodest_flush(void **state)
{
	struct core_fx e;
	struct lvs_conn_ref r;
	struct lvs_conn_sync s;
	union lvs_addr v = ip4(VIP);

	(void)state;
	env_init(&e, IPPROTO_TCP, 80, 0, 300, 2);
	assert_string_equal(syn_rs(&e, CIP, 1000, 80, &r), "rs2");
	assert_string_equal(syn_rs(&e, "10.7.7.7", 1000, 80, &r), "rs1");
	assert_int_equal(lvs_core_conn_count(e.core), 4);
	del_dest(e.t, &e.svc, RS2, 80);
	lvs_core_expire_nodest(e.core, e.now);
	/* the conn to rs2 is gone at once, its template at the next tick */
	assert_int_equal(lvs_core_conn_count(e.core), 3);
	assert_false(tmpl(&e, IPPROTO_TCP, CIP, &v, 80, &s));
	lvs_core_tick(e.core, e.now);
	assert_int_equal(lvs_core_conn_count(e.core), 2);
	assert_true(tmpl(&e, IPPROTO_TCP, "10.7.7.7", &v, 80, &s));
	core_fx_done(&e);
}

/* an operator's admin state (lvs_admin_set): drain keeps established
 * connections but its templates stop pulling clients, whatever
 * expire_quiescent_template says; it outlasts edits and a delete + re-add;
 * ready restores the configured weight; maint drops and expires the
 * server's connections; the records go with the service */
static void test_admin_states(void **state)
{
	struct core_fx e;
	struct lvs_conn_ref r;
	struct lvs_admin_rec rec;
	struct lvs_service *svc;
	struct lvs_dest *d2, *d1;
	union lvs_addr a2 = ip4(RS2), a1 = ip4(RS1);

	(void)state;
	env_init(&e, IPPROTO_TCP, 80, 0, 300, 2);
	svc = lvs_svc_get(e.t, &e.svc);
	assert_string_equal(syn_rs(&e, CIP, 1000, 80, &r), "rs2");
	assert_int_equal(lvs_admin_set(e.t, svc, AF_INET, &a2, 80, LVS_ADMIN_DRAIN), 0);
	d2 = find_dest(e.t, &e.svc, RS2, 80);
	assert_int_equal(d2->admin, LVS_ADMIN_DRAIN);
	assert_int_equal(d2->weight, 0);
	assert_int_equal(d2->conf_weight, 1);
	/* the open connection carries on, the client's next one moves */
	assert_int_equal(pkt(&e, IPPROTO_TCP, CIP, 1000, 80, LVS_TCPF_ACK, 0, &r), LVS_FORWARD);
	assert_string_equal(rs_name(&r.daddr), "rs2");
	assert_string_equal(syn_rs(&e, CIP, 1001, 80, &r), "rs1");
	assert_string_equal(syn_rs(&e, "10.9.9.9", 1000, 80, &r), "rs1");
	/* an edit (ipvsadm -e, a check, a reload) sets the configured weight only */
	edit_dest(e.t, &e.svc, RS2, 80, 5, LVS_CONN_F_MASQ);
	assert_int_equal(d2->weight, 0);
	assert_int_equal(d2->conf_weight, 5);
	/* removed and added again (a health check): still drained */
	del_dest(e.t, &e.svc, RS2, 80);
	d2 = add_dest(e.t, &e.svc, RS2, 80, 2, LVS_CONN_F_MASQ);
	assert_int_equal(d2->admin, LVS_ADMIN_DRAIN);
	assert_int_equal(d2->weight, 0);
	assert_string_equal(syn_rs(&e, "10.9.9.8", 1000, 80, &r), "rs1");
	assert_int_equal(lvs_admin_get(e.t, svc, AF_INET, &a2, 80), LVS_ADMIN_DRAIN);
	assert_int_equal(lvs_admin_set(e.t, svc, AF_INET, &a2, 80, LVS_ADMIN_READY), 0);
	assert_int_equal(d2->weight, 2);
	assert_int_equal(lvs_admin_record(e.t, 0, &rec), -ENOENT);

	/* maint: not available, the connections' packets are dropped and
	 * the entries go at once */
	d1 = find_dest(e.t, &e.svc, RS1, 80);
	size_t n = lvs_core_conn_count(e.core);
	assert_int_equal(lvs_admin_set(e.t, svc, AF_INET, &a1, 80, LVS_ADMIN_MAINT), 0);
	assert_int_equal(d1->weight, 0);
	assert_false(d1->flags & LVS_DEST_F_AVAILABLE);
	assert_int_equal(pkt(&e, IPPROTO_TCP, CIP, 1001, 80, LVS_TCPF_ACK, 0, &r), LVS_DROP);
	lvs_core_expire_dest(e.core, d1, e.now);
	assert_true(lvs_core_conn_count(e.core) < n);
	assert_int_equal(d1->activeconns + d1->inactconns, 0);
	assert_string_equal(syn_rs(&e, "10.9.9.7", 1000, 80, &r), "rs2");
	/* the record goes with its service */
	assert_int_equal(lvs_admin_record(e.t, 0, &rec), 0);
	assert_int_equal(rec.admin, LVS_ADMIN_MAINT);
	assert_int_equal(lvs_del_service(e.t, &e.svc), 0);
	assert_int_equal(lvs_admin_record(e.t, 0, &rec), -ENOENT);
	core_fx_done(&e);
}

static void test_ipv6_prefix(void **state)
{
	struct core_fx e;
	struct lvs_pkt p;
	struct lvs_conn_ref r;
	struct lvs_conn_sync s;
	union lvs_addr snet = ip6("2001:db8:1::");
	struct strbuf sb = STRBUF_INIT;
	char rip[3][64];

	(void)state;
	core_fx_init(&e, 1, 1024, NULL);
	e.svc = svc_conf("2001:db8::80", 443, "rr");
	e.svc.flags = LVS_SVC_F_PERSISTENT;
	e.svc.timeout = 600;
	e.svc.netmask = 64;
	add_svc(e.t, &e.svc);
	add_dest(e.t, &e.svc, "2001:db8:9::1", 443, 1, LVS_CONN_F_DROUTE);
	add_dest(e.t, &e.svc, "2001:db8:9::2", 443, 1, LVS_CONN_F_DROUTE);
	for (int i = 0; i < 3; i++) {
		p = pkt_make(IPPROTO_TCP, i == 2 ? "2001:db8:2::5" : i ? "2001:db8:1::ffff:1" : "2001:db8:1::7",
			     (uint16_t)(5000 + i), "2001:db8::80", 443, LVS_TCPF_SYN);
		assert_int_equal(lvs_core_inbound(e.core, 0, &p, 1000, &r), LVS_FORWARD);
		assert_int_equal(r.daf, AF_INET6);
		inet_ntop(AF_INET6, &r.daddr.in6, rip[i], sizeof(rip[i]));
	}
	/* the two clients of 2001:db8:1::/64 share one template and one RS,
	 * the other prefix gets the next rr pick */
	assert_string_equal(rip[0], "2001:db8:9::2");
	assert_string_equal(rip[1], "2001:db8:9::2");
	assert_string_equal(rip[2], "2001:db8:9::1");
	assert_true(lvs_core_conn_find(e.core, AF_INET6, IPPROTO_TCP, &snet, 0, &e.svc.addr, 443, LVS_CONN_F_TEMPLATE,
				       1000, &s));
	assert_int_equal(lvs_core_conn_count(e.core), 5);
	lvs_core_conn_proc(e.core, &sb, 1000);
	assert_non_null(strstr(sb.buf, "TCP 2001:0db8:0001:0000:0000:0000:0000:0000 0000 "
				   "2001:0db8:0000:0000:0000:0000:0000:0080 01BB "
				   "2001:0db8:0009:0000:0000:0000:0000:0002 01BB NONE            600\n"));
	sb_free(&sb);
	core_fx_done(&e);
}

UNIT_TESTS(cmocka_unit_test(test_ppc),
	   cmocka_unit_test(test_template_lifetime),
	   cmocka_unit_test(test_netmask),
	   cmocka_unit_test(test_pcc_port_zero),
	   cmocka_unit_test(test_pfwm),
	   cmocka_unit_test(test_quiescent_and_deleted),
	   cmocka_unit_test(test_udp_assured_and_ops),
	   cmocka_unit_test(test_expire_nodest_flush),
	   cmocka_unit_test(test_admin_states),
	   cmocka_unit_test(test_ipv6_prefix))
