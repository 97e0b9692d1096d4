/* test_core_pkt.c - the packet decision path end to end with synthetic
 * packets and a synthetic clock: NAT and DR handshakes/teardowns, timeouts,
 * expiry, ActiveConn/InActConn, rr/wrr picks through inbound, weight 0,
 * deleted dests, port reuse, UDP and one-packet scheduling, ICMP relay,
 * OVERLOAD thresholds, stats and the drop/exception counters, and the
 * flow offload contract (START/STOP, lvs_core_offload_touch). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "fixture.h"
#include "core/sched.h"
#include "core/conn.h"
#include "lib/strbuf.h"
#include "core/stats.h"

#define VIP "172.20.0.24"

#define S LVS_TCPF_SYN
#define A LVS_TCPF_ACK
#define F LVS_TCPF_FIN
#define R LVS_TCPF_RST

/* a service on VIP:80 of protocol proto, the fake clock at 1000 s */
static void env_init(struct core_fx *e, uint16_t proto, const char *sched)
{
	core_fx_init(e, 1, 4096, NULL);
	e->svc = svc_conf(VIP, 80, sched);
	e->svc.protocol = proto;
	add_svc(e->t, &e->svc);
	e->now = 1000000;
}

static struct lvs_dest *add_rs(struct core_fx *e, const char *ip, int weight, uint32_t method)
{
	return add_dest(e->t, &e->svc, ip, 80, weight, method);
}

/* client -> VIP */
static enum lvs_verdict in(struct core_fx *e, uint16_t cport, uint8_t flags, struct lvs_conn_ref *ref)
{
	struct lvs_pkt p = pkt_make(IPPROTO_TCP, CIP, cport, VIP, 80, flags);
	struct lvs_conn_ref tmp;

	return lvs_core_inbound(e->core, 0, &p, e->now, ref ? ref : &tmp);
}

/* real server -> client */
static enum lvs_verdict out(struct core_fx *e, const char *rs, uint16_t cport, uint8_t flags, struct lvs_conn_ref *ref)
{
	struct lvs_pkt p = pkt_make(IPPROTO_TCP, rs, 80, CIP, cport, flags);
	struct lvs_conn_ref tmp;

	return lvs_core_outbound(e->core, 0, &p, e->now, ref ? ref : &tmp);
}

/* client -> VIP is forwarded: to which real server (ref holds the rest) */
static const char *in_rs(struct core_fx *e, uint16_t cport, uint8_t flags, struct lvs_conn_ref *ref)
{
	assert_int_equal(in(e, cport, flags, ref), LVS_FORWARD);
	return rs_name(&ref->daddr);
}

/* the state name and seconds left of the conn CIP:cport -> VIP:80, as
 * /proc shows them */
static void assert_proto_state(struct core_fx *e, uint8_t proto, uint16_t cport, const char *want,
			       unsigned want_left)
{
	union lvs_addr c = ip4(CIP), v = ip4(VIP);
	struct lvs_conn_sync s;

	assert_true(lvs_core_conn_find(e->core, AF_INET, proto, &c, cport, &v, 80, 0, e->now, &s));
	assert_string_equal(lvs_conn_state_name(s.protocol, s.flags, (uint8_t)s.state), want);
	assert_int_equal(s.timeout, want_left);
}

static void assert_state(struct core_fx *e, uint16_t cport, const char *want, unsigned want_left)
{
	assert_proto_state(e, IPPROTO_TCP, cport, want, want_left);
}

/* the real servers of n new connections from cport, cport + 1, ... */
static const char *inbound_picks(struct core_fx *e, uint16_t cport, int n)
{
	static char seq[128];
	struct lvs_conn_ref r;

	seq[0] = '\0';
	for (int i = 0; i < n; i++) {
		strcat(seq, in_rs(e, (uint16_t)(cport + i), S, &r));
		strcat(seq, " ");
	}
	return seq;
}

/* ---- tests ---- */

static void test_nat_handshake_and_teardown(void **state)
{
	struct core_fx e;
	struct lvs_conn_ref r;
	struct lvs_dest *d;

	(void)state;
	env_init(&e, IPPROTO_TCP, "rr");
	d = add_rs(&e, RS1, 1, LVS_CONN_F_MASQ);
	int ref0 = d->refcnt;

	assert_int_equal(in(&e, 40000, S, &r), LVS_FORWARD);
	assert_int_equal(r.flags & LVS_CONN_F_FWD_MASK, LVS_CONN_F_MASQ);
	assert_false(r.flags & LVS_CONN_F_NOOUTPUT);
	assert_string_equal(rs_name(&r.daddr), "rs1");
	assert_int_equal(r.dport, 80);
	assert_int_equal(r.cport, 40000);
	assert_int_equal(r.vport, 80);
	assert_ptr_equal(r.dest, d);
	assert_int_equal(d->refcnt, ref0 + 1);
	assert_state(&e, 40000, "SYN_RECV", 60);
	/* SYN_RECV is not "active" in IPVS: only ESTABLISHED is */
	assert_int_equal(d->activeconns, 0);
	assert_int_equal(d->inactconns, 1);

	e.now += 10;
	assert_int_equal(out(&e, RS1, 40000, S | A, &r), LVS_FORWARD);
	assert_state(&e, 40000, "SYN_RECV", 60);
	assert_int_equal(in(&e, 40000, A, NULL), LVS_FORWARD);
	assert_state(&e, 40000, "ESTABLISHED", 900);
	assert_int_equal(d->activeconns, 1);
	assert_int_equal(d->inactconns, 0);
	assert_int_equal(in(&e, 40000, A, NULL), LVS_FORWARD);
	assert_int_equal(out(&e, RS1, 40000, A, NULL), LVS_FORWARD);
	/* client closes: CLOSE_WAIT, server FIN: TIME_WAIT */
	assert_int_equal(in(&e, 40000, F | A, NULL), LVS_FORWARD);
	assert_state(&e, 40000, "CLOSE_WAIT", 60);
	assert_int_equal(d->activeconns, 0);
	assert_int_equal(d->inactconns, 1);
	assert_int_equal(out(&e, RS1, 40000, F | A, NULL), LVS_FORWARD);
	assert_state(&e, 40000, "TIME_WAIT", 120);
	assert_int_equal(in(&e, 40000, A, NULL), LVS_FORWARD);
	assert_state(&e, 40000, "TIME_WAIT", 120);

	/* expiry: 120 s after the last packet */
	e.now += 119 * 1000;
	lvs_core_tick(e.core, e.now);
	assert_state(&e, 40000, "TIME_WAIT", 1);
	assert_int_equal(lvs_core_conn_count(e.core), 1);
	e.now += 1000;
	lvs_core_tick(e.core, e.now);
	assert_int_equal(lvs_core_conn_count(e.core), 0);
	assert_int_equal(d->inactconns, 0);
	assert_int_equal(d->refcnt, ref0);
	/* the next non-SYN for that tuple is not ours any more */
	assert_int_equal(in(&e, 40000, A, NULL), LVS_PASS);
	core_fx_done(&e);
}

static void test_dr_input_only(void **state)
{
	struct core_fx e;
	struct lvs_conn_ref r;
	struct lvs_dest *d;

	(void)state;
	env_init(&e, IPPROTO_TCP, "wlc");
	d = add_rs(&e, RS2, 1, LVS_CONN_F_DROUTE);
	assert_int_equal(in(&e, 1234, S, &r), LVS_FORWARD);
	assert_int_equal(r.flags & LVS_CONN_F_FWD_MASK, LVS_CONN_F_DROUTE);
	assert_true(r.flags & LVS_CONN_F_NOOUTPUT);
	assert_true(r.flags & LVS_CONN_F_INACTIVE);
	assert_state(&e, 1234, "SYN_RECV", 60);
	assert_int_equal(in(&e, 1234, A, NULL), LVS_FORWARD);
	assert_state(&e, 1234, "ESTABLISHED", 900);
	assert_int_equal(d->activeconns, 1);
	/* INPUT_ONLY: FIN from ES goes to FIN_WAIT (not CLOSE_WAIT) */
	assert_int_equal(in(&e, 1234, F | A, NULL), LVS_FORWARD);
	assert_state(&e, 1234, "FIN_WAIT", 120);
	assert_int_equal(d->activeconns, 0);
	assert_int_equal(d->inactconns, 1);
	assert_int_equal(in(&e, 1234, A, NULL), LVS_FORWARD);
	assert_state(&e, 1234, "FIN_WAIT", 120);
	/* a packet with none of SYN/FIN/ACK/RST moves to CLOSE */
	assert_int_equal(in(&e, 1234, 0, NULL), LVS_FORWARD);
	assert_state(&e, 1234, "CLOSE", 10);
	/* RST from NONE-ish paths: a fresh conn, RST never creates one */
	assert_int_equal(in(&e, 1235, S | R, NULL), LVS_PASS);
	core_fx_done(&e);
}

static void test_timeouts_set_and_initial(void **state)
{
	struct core_fx e;

	(void)state;
	env_init(&e, IPPROTO_TCP, "rr");
	add_rs(&e, RS1, 1, LVS_CONN_F_MASQ);
	assert_int_equal(lvs_set_timeouts(e.t, 100, 50, 0), 0);
	assert_int_equal(in(&e, 2000, S, NULL), LVS_FORWARD);
	assert_int_equal(in(&e, 2000, A, NULL), LVS_FORWARD);
	assert_state(&e, 2000, "ESTABLISHED", 100);
	/* the new value is picked up at the next packet */
	assert_int_equal(lvs_set_timeouts(e.t, 200, 0, 0), 0);
	e.now += 5000;
	assert_state(&e, 2000, "ESTABLISHED", 95);
	assert_int_equal(in(&e, 2000, A, NULL), LVS_FORWARD);
	assert_state(&e, 2000, "ESTABLISHED", 200);
	/* a conn whose time is up is invisible even before the sweep */
	e.now += 200 * 1000;
	assert_int_equal(in(&e, 2000, A, NULL), LVS_PASS);
	lvs_core_tick(e.core, e.now);
	assert_int_equal(lvs_core_conn_count(e.core), 0);

	/* a shorter timeout after a sweep saw the long one: still swept on time */
	assert_int_equal(in(&e, 2001, S, NULL), LVS_FORWARD);
	assert_int_equal(in(&e, 2001, A, NULL), LVS_FORWARD);
	e.now += 10 * 1000;
	lvs_core_tick(e.core, e.now);
	assert_int_equal(lvs_core_conn_count(e.core), 1);
	assert_int_equal(lvs_set_timeouts(e.t, 20, 0, 0), 0);
	assert_int_equal(in(&e, 2001, A, NULL), LVS_FORWARD);
	e.now += 21 * 1000;
	lvs_core_tick(e.core, e.now);
	assert_int_equal(lvs_core_conn_count(e.core), 0);
	core_fx_done(&e);
}

static void test_rr_through_inbound(void **state)
{
	struct core_fx e;
	struct lvs_conn_ref r;

	(void)state;
	env_init(&e, IPPROTO_TCP, "rr");
	add_rs(&e, RS1, 1, LVS_CONN_F_MASQ);
	add_rs(&e, RS2, 1, LVS_CONN_F_MASQ);
	/* oracle: rr starts at the newest dest */
	assert_string_equal(inbound_picks(&e, 30000, 6), "rs2 rs1 rs2 rs1 rs2 rs1 ");
	/* the same tuple again sticks to its conn */
	assert_string_equal(in_rs(&e, 30000, A, &r), "rs2");
	core_fx_done(&e);
}

static void test_wrr_through_inbound(void **state)
{
	struct core_fx e;

	(void)state;
	env_init(&e, IPPROTO_TCP, "wrr");
	add_rs(&e, RS1, 3, LVS_CONN_F_MASQ);
	add_rs(&e, RS2, 2, LVS_CONN_F_MASQ);
	add_rs(&e, RS3, 1, LVS_CONN_F_MASQ);
	assert_string_equal(inbound_picks(&e, 31000, 12), "rs3 rs2 rs1 rs1 rs2 rs1 rs3 rs2 rs1 rs1 rs2 rs1 ");
	core_fx_done(&e);
}

static void test_no_dest_reject_and_pass(void **state)
{
	struct core_fx e;
	struct lvs_core_counters c;
	struct lvs_pkt p;
	struct lvs_conn_ref r;

	(void)state;
	env_init(&e, IPPROTO_TCP, "rr");
	/* no dest at all: port unreachable, also for TCP */
	assert_int_equal(in(&e, 5000, S, NULL), LVS_REJECT);
	/* weight 0 only: quiescent, still nothing to schedule */
	add_rs(&e, RS1, 0, LVS_CONN_F_MASQ);
	assert_int_equal(in(&e, 5001, S, NULL), LVS_REJECT);
	/* non-SYN without a connection: the local stack's business */
	assert_int_equal(in(&e, 5002, A, NULL), LVS_PASS);
	/* no service on that port */
	p = pkt_make(IPPROTO_TCP, CIP, 5003, VIP, 81, S);
	assert_int_equal(lvs_core_inbound(e.core, 0, &p, e.now, &r), LVS_PASS);
	/* other protocols */
	p = pkt_make(47 /* GRE */, CIP, 5003, VIP, 80, 0);
	assert_int_equal(lvs_core_inbound(e.core, 0, &p, e.now, &r), LVS_PASS);
	/* garbage */
	p.af = 12345;
	assert_int_equal(lvs_core_inbound(e.core, 0, &p, e.now, &r), LVS_DROP);
	p = pkt_make(IPPROTO_TCP, CIP, 5003, VIP, 80, S);
	assert_int_equal(lvs_core_inbound(e.core, 7, &p, e.now, &r), LVS_DROP);
	assert_int_equal(lvs_core_inbound(e.core, 0, NULL, e.now, &r), LVS_DROP);
	lvs_core_counters(e.core, &c);
	assert_int_equal(c.reject_no_dest, 2);
	assert_int_equal(c.pass_no_conn, 1);
	assert_int_equal(c.pass_not_vs, 2);
	assert_int_equal(c.drop_invalid, 2);
	assert_int_equal(lvs_core_conn_count(e.core), 0);
	core_fx_done(&e);
}

static void test_ftp_service_passes_other_ports(void **state)
{
	struct core_fx e;
	struct lvs_service_conf ftp = svc_conf(VIP, 21, "rr");
	struct lvs_pkt p;
	struct lvs_conn_ref r;

	(void)state;
	env_init(&e, IPPROTO_TCP, "rr");
	add_svc(e.t, &ftp);
	add_dest(e.t, &ftp, RS1, 21, 1, LVS_CONN_F_MASQ);
	/* dport 2000 falls back to the port-21 service, which cannot schedule
	 * it without the ftp helper: passed to the local stack, not rejected */
	p = pkt_make(IPPROTO_TCP, CIP, 6000, VIP, 2000, S);
	assert_int_equal(lvs_core_inbound(e.core, 0, &p, e.now, &r), LVS_PASS);
	p = pkt_make(IPPROTO_TCP, CIP, 6000, VIP, 21, S);
	assert_int_equal(lvs_core_inbound(e.core, 0, &p, e.now, &r), LVS_FORWARD);
	/* client source port 20 (active FTP data) is never scheduled */
	p = pkt_make(IPPROTO_TCP, CIP, 20, VIP, 21, S);
	assert_int_equal(lvs_core_inbound(e.core, 0, &p, e.now, &r), LVS_PASS);
	core_fx_done(&e);
}

static void test_deleted_dest(void **state)
{
	struct core_fx e;
	struct lvs_conn_ref r;
	struct lvs_dest_conf d1 = dest_conf(RS1, 80, 1, LVS_CONN_F_MASQ);
	struct lvs_core_settings s;
	struct lvs_core_counters c;

	(void)state;
	env_init(&e, IPPROTO_TCP, "rr");
	add_rs(&e, RS1, 1, LVS_CONN_F_MASQ);
	assert_int_equal(in(&e, 7000, S, NULL), LVS_FORWARD);
	assert_int_equal(in(&e, 7000, A, NULL), LVS_FORWARD);
	assert_int_equal(lvs_del_dest(e.t, &e.svc, &d1), 0);
	/* expire_nodest_conn=0: silently dropped, the conn lives on */
	assert_int_equal(in(&e, 7000, A, NULL), LVS_DROP);
	assert_int_equal(lvs_core_conn_count(e.core), 1);
	lvs_core_counters(e.core, &c);
	assert_int_equal(c.drop_dest_unavailable, 1);
	/* re-adding the dest in time resumes it */
	assert_int_equal(lvs_add_dest(e.t, &e.svc, &d1), 0);
	assert_string_equal(in_rs(&e, 7000, A, &r), "rs1");

	/* expire_nodest_conn=1: the conn is expired, a SYN is rescheduled */
	add_rs(&e, RS2, 1, LVS_CONN_F_MASQ);
	assert_int_equal(lvs_del_dest(e.t, &e.svc, &d1), 0);
	lvs_core_get_settings(e.core, &s);
	s.expire_nodest_conn = 1;
	lvs_core_set_settings(e.core, &s);
	assert_int_equal(in(&e, 7000, A, NULL), LVS_PASS);
	assert_int_equal(lvs_core_conn_count(e.core), 0);
	assert_string_equal(in_rs(&e, 7000, S, &r), "rs2");
	core_fx_done(&e);
}

static void test_weight0_keeps_existing(void **state)
{
	struct core_fx e;
	struct lvs_conn_ref r;
	struct lvs_dest_conf d1 = dest_conf(RS1, 80, 0, LVS_CONN_F_MASQ);
	struct lvs_core_settings s;

	(void)state;
	env_init(&e, IPPROTO_TCP, "rr");
	add_rs(&e, RS1, 1, LVS_CONN_F_MASQ);
	add_rs(&e, RS2, 1, LVS_CONN_F_MASQ);
	assert_string_equal(in_rs(&e, 8000, S, &r), "rs2");
	assert_string_equal(in_rs(&e, 8001, S, &r), "rs1");
	assert_int_equal(lvs_edit_dest(e.t, &e.svc, &d1), 0);
	/* existing conn to the quiescent dest continues */
	assert_string_equal(in_rs(&e, 8001, A, &r), "rs1");
	/* new ones avoid it */
	assert_string_equal(in_rs(&e, 8002, S, &r), "rs2");
	/* expire_nodest_conn=1: a SYN reusing a conn to a weight-0 dest is
	 * rescheduled even if the conn is established */
	lvs_core_get_settings(e.core, &s);
	s.expire_nodest_conn = 1;
	lvs_core_set_settings(e.core, &s);
	assert_string_equal(in_rs(&e, 8001, S, &r), "rs2");
	core_fx_done(&e);
}

static void test_conn_reuse(void **state)
{
	struct core_fx e;
	struct lvs_conn_ref r;
	struct lvs_core_settings s;
	struct lvs_dest *d1, *d2;

	(void)state;
	env_init(&e, IPPROTO_TCP, "rr");
	add_rs(&e, RS1, 1, LVS_CONN_F_MASQ);
	add_rs(&e, RS2, 1, LVS_CONN_F_MASQ);
	d1 = find_dest(e.t, &e.svc, RS1, 80);
	d2 = find_dest(e.t, &e.svc, RS2, 80);
	assert_string_equal(in_rs(&e, 9000, S, &r), "rs2");
	/* a SYN on a live SYN_RECV entry is a retransmission: same conn */
	assert_string_equal(in_rs(&e, 9000, S, &r), "rs2");
	assert_int_equal(lvs_core_conn_count(e.core), 1);
	assert_int_equal(in(&e, 9000, A, NULL), LVS_FORWARD);
	assert_int_equal(in(&e, 9000, F | A, NULL), LVS_FORWARD);
	assert_int_equal(out(&e, RS2, 9000, F | A, NULL), LVS_FORWARD);
	assert_state(&e, 9000, "TIME_WAIT", 120);
	/* conn_reuse_mode=1: a SYN on TIME_WAIT expires it and reschedules */
	assert_string_equal(in_rs(&e, 9000, S, &r), "rs1");
	assert_int_equal(lvs_core_conn_count(e.core), 1);
	assert_int_equal(d2->inactconns + d2->activeconns, 0);
	assert_int_equal(d1->inactconns, 1);
	assert_state(&e, 9000, "SYN_RECV", 60);

	/* conn_reuse_mode=0: the SYN follows the old entry (TIME_WAIT -> SYN_RECV) */
	lvs_core_get_settings(e.core, &s);
	s.conn_reuse_mode = 0;
	lvs_core_set_settings(e.core, &s);
	assert_int_equal(in(&e, 9000, R, NULL), LVS_FORWARD);
	assert_state(&e, 9000, "SYN_RECV", 60); /* RST in SYN_RECV stays */
	assert_int_equal(in(&e, 9000, A, NULL), LVS_FORWARD);
	assert_int_equal(in(&e, 9000, R, NULL), LVS_FORWARD);
	assert_state(&e, 9000, "CLOSE", 10);
	assert_string_equal(in_rs(&e, 9000, S, &r), "rs1");
	assert_state(&e, 9000, "SYN_RECV", 60);
	core_fx_done(&e);
}

static void test_udp_and_ops(void **state)
{
	struct core_fx e;
	struct lvs_conn_ref r;
	struct lvs_pkt p;
	struct lvs_dest *d;
	union lvs_addr c = ip4(CIP), v = ip4(VIP);
	struct lvs_conn_sync s;

	(void)state;
	env_init(&e, IPPROTO_UDP, "rr");
	d = add_rs(&e, RS1, 1, LVS_CONN_F_MASQ);
	p = pkt_make(IPPROTO_UDP, CIP, 5353, VIP, 80, 0);
	assert_int_equal(lvs_core_inbound(e.core, 0, &p, e.now, &r), LVS_FORWARD);
	assert_int_equal(lvs_core_inbound(e.core, 0, &p, e.now, &r), LVS_FORWARD);
	assert_proto_state(&e, IPPROTO_UDP, 5353, "UDP", 300);
	assert_int_equal(d->inactconns, 1);
	assert_int_equal(d->activeconns, 0);
	assert_int_equal(lvs_stats_slot(&d->stats, 0)->conns, 1);
	assert_int_equal(lvs_stats_slot(&d->stats, 0)->inpkts, 2);
	/* the reply */
	p = pkt_make(IPPROTO_UDP, RS1, 80, CIP, 5353, 0);
	assert_int_equal(lvs_core_outbound(e.core, 0, &p, e.now, &r), LVS_FORWARD);
	assert_int_equal(lvs_stats_slot(&d->stats, 0)->outpkts, 1);
	assert_int_equal(lvs_stats_slot(&d->stats, 0)->outbytes, 60);
	/* a reply from some other port is not ours */
	p = pkt_make(IPPROTO_UDP, RS1, 81, CIP, 5353, 0);
	assert_int_equal(lvs_core_outbound(e.core, 0, &p, e.now, &r), LVS_PASS);

	/* one-packet scheduling: every packet is a new conn, nothing stays */
	e.svc.flags |= LVS_SVC_F_ONEPACKET;
	assert_int_equal(lvs_edit_service(e.t, &e.svc), 0);
	add_rs(&e, RS2, 1, LVS_CONN_F_MASQ);
	size_t before = lvs_core_conn_count(e.core);
	char seq[64] = "";
	for (int i = 0; i < 4; i++) {
		p = pkt_make(IPPROTO_UDP, CIP, 6000, VIP, 80, 0);
		assert_int_equal(lvs_core_inbound(e.core, 0, &p, e.now, &r), LVS_FORWARD);
		assert_true(r.flags & LVS_CONN_F_ONE_PACKET);
		assert_int_equal(r.id, 0);
		strcat(seq, rs_name(&r.daddr));
		strcat(seq, " ");
	}
	assert_int_equal(lvs_core_conn_count(e.core), before);
	assert_false(lvs_core_conn_find(e.core, AF_INET, IPPROTO_UDP, &c, 6000, &v, 80, 0, e.now, &s));
	/* rr over two dests: alternates per packet */
	assert_int_not_equal(strncmp(seq, seq + 4, 4), 0);
	core_fx_done(&e);
}

static void test_icmp_relay(void **state)
{
	struct core_fx e;
	struct lvs_conn_ref r;
	struct lvs_pkt p;

	(void)state;
	env_init(&e, IPPROTO_TCP, "rr");
	add_rs(&e, RS1, 1, LVS_CONN_F_MASQ);
	assert_int_equal(in(&e, 4444, S, NULL), LVS_FORWARD);
	/* client reports "frag needed" about our reply VIP:80 -> client:4444 */
	p = pkt_make(IPPROTO_ICMP, CIP, 0, VIP, 0, 0);
	p.icmp_error = 1;
	p.icmp_type = 3;
	p.icmp_code = 4;
	p.len = 56;
	p.inner.protocol = IPPROTO_TCP;
	p.inner.saddr = ip4(VIP);
	p.inner.sport = 80;
	p.inner.daddr = ip4(CIP);
	p.inner.dport = 4444;
	assert_int_equal(lvs_core_inbound(e.core, 0, &p, e.now, &r), LVS_FORWARD);
	assert_string_equal(rs_name(&r.daddr), "rs1");
	/* the real server reports an error about client:4444 -> RS1:80 */
	p.saddr = ip4(RS1);
	p.daddr = ip4(CIP);
	p.inner.saddr = ip4(CIP);
	p.inner.sport = 4444;
	p.inner.daddr = ip4(RS1);
	p.inner.dport = 80;
	assert_int_equal(lvs_core_outbound(e.core, 0, &p, e.now, &r), LVS_FORWARD);
	assert_int_equal(r.cport, 4444);
	/* unrelated error, and a non-error type */
	p.inner.sport = 4445;
	assert_int_equal(lvs_core_outbound(e.core, 0, &p, e.now, &r), LVS_PASS);
	p.inner.sport = 4444;
	p.icmp_type = 8;
	assert_int_equal(lvs_core_outbound(e.core, 0, &p, e.now, &r), LVS_PASS);
	core_fx_done(&e);
}

static void test_overload_threshold(void **state)
{
	struct core_fx e;
	struct lvs_conn_ref r;
	struct lvs_dest_conf dc = dest_conf(RS1, 80, 1, LVS_CONN_F_MASQ);
	struct lvs_dest *d;

	(void)state;
	env_init(&e, IPPROTO_TCP, "rr");
	dc.u_threshold = 2;
	assert_int_equal(lvs_add_dest(e.t, &e.svc, &dc), 0);
	d = find_dest(e.t, &e.svc, RS1, 80);
	assert_int_equal(in(&e, 100, S, NULL), LVS_FORWARD);
	assert_false(d->flags & LVS_DEST_F_OVERLOAD);
	assert_int_equal(in(&e, 101, S, NULL), LVS_FORWARD);
	assert_true(d->flags & LVS_DEST_F_OVERLOAD);
	/* overloaded and alone: nothing to schedule */
	assert_int_equal(in(&e, 102, S, &r), LVS_REJECT);
	/* 3/4 rule: total*4 < u*3 clears it once one conn is gone */
	e.now += 61 * 1000;
	lvs_core_tick(e.core, e.now);
	assert_int_equal(lvs_core_conn_count(e.core), 0);
	assert_false(d->flags & LVS_DEST_F_OVERLOAD);
	core_fx_done(&e);
}

static void test_stats_counted(void **state)
{
	struct core_fx e;
	struct lvs_dest *d;
	struct lvs_service *svc;
	struct lvs_stats *g;

	(void)state;
	env_init(&e, IPPROTO_TCP, "rr");
	d = add_rs(&e, RS1, 1, LVS_CONN_F_MASQ);
	svc = lvs_svc_get(e.t, &e.svc);
	g = lvs_table_global_stats(e.t);
	assert_int_equal(in(&e, 300, S, NULL), LVS_FORWARD);
	assert_int_equal(out(&e, RS1, 300, S | A, NULL), LVS_FORWARD);
	assert_int_equal(in(&e, 300, A, NULL), LVS_FORWARD);
	assert_int_equal(in(&e, 301, S, NULL), LVS_FORWARD);
	for (int i = 0; i < 3; i++) {
		struct lvs_counters *c = lvs_stats_slot(i == 0 ? &d->stats : i == 1 ? &svc->stats : g, 0);
		assert_int_equal(c->conns, 2);
		assert_int_equal(c->inpkts, 3);
		assert_int_equal(c->inbytes, 180);
		assert_int_equal(c->outpkts, 1);
		assert_int_equal(c->outbytes, 60);
	}
	core_fx_done(&e);
}

static void test_nat_icmp_send(void **state)
{
	struct core_fx e;
	struct lvs_conn_ref r;
	struct lvs_core_settings s;

	(void)state;
	env_init(&e, IPPROTO_TCP, "rr");
	add_rs(&e, RS1, 1, LVS_CONN_F_MASQ);
	assert_int_equal(out(&e, RS1, 5555, A, &r), LVS_PASS);
	lvs_core_get_settings(e.core, &s);
	s.nat_icmp_send = 1;
	lvs_core_set_settings(e.core, &s);
	assert_int_equal(out(&e, RS1, 5555, A, &r), LVS_REJECT);
	assert_int_equal(out(&e, RS1, 5555, R, &r), LVS_PASS);
	assert_int_equal(out(&e, RS2, 5555, A, &r), LVS_PASS);
	core_fx_done(&e);
}

/* a lock callback pair is used around scheduling and dest puts */
static int lock_depth, lock_calls;
static void t_lock(void *arg) { (void)arg; assert_int_equal(lock_depth, 0); lock_depth++; lock_calls++; }
static void t_unlock(void *arg) { (void)arg; assert_int_equal(lock_depth, 1); lock_depth--; }

static void test_caller_lock_used(void **state)
{
	struct core_fx e;
	struct lvs_core_lock lk = { t_lock, t_unlock, NULL };
	struct lvs_pkt p = pkt_make(IPPROTO_TCP, CIP, 999, VIP, 80, S);
	struct lvs_conn_ref r;

	(void)state;
	core_fx_init(&e, 2, 1024, &lk);
	struct lvs_core *core = e.core;

	e.svc = svc_conf(VIP, 80, "rr");
	add_svc(e.t, &e.svc);
	add_dest(e.t, &e.svc, RS1, 0, 1, LVS_CONN_F_TUNNEL);
	assert_int_equal(lvs_core_inbound(core, 1, &p, 5000, &r), LVS_FORWARD);
	assert_int_equal(lock_calls, 1);
	/* dest.port 0: the packet's port is used */
	assert_int_equal(r.dport, 80);
	assert_int_equal(r.flags & LVS_CONN_F_FWD_MASK, LVS_CONN_F_TUNNEL);
	p.tcp_flags = A;
	assert_int_equal(lvs_core_inbound(core, 1, &p, 5001, &r), LVS_FORWARD);
	assert_int_equal(lock_calls, 1); /* established flow: no table lock */
	lvs_core_tick(core, 5001 + 900 * 1000);
	assert_int_equal(lvs_core_conn_count(core), 0);
	assert_int_equal(lock_depth, 0);
	core_fx_done(&e);
}

static enum lvs_verdict sctp(struct core_fx *e, int outbound, uint8_t chunk, struct lvs_conn_ref *r)
{
	struct lvs_pkt p = outbound ? pkt_make(IPPROTO_SCTP, RS1, 80, CIP, 3868, 0)
				    : pkt_make(IPPROTO_SCTP, CIP, 3868, VIP, 80, 0);
	struct lvs_conn_ref tmp;

	p.sctp_chunk = chunk;
	return outbound ? lvs_core_outbound(e->core, 0, &p, e->now, r ? r : &tmp)
			: lvs_core_inbound(e->core, 0, &p, e->now, r ? r : &tmp);
}

static void test_sctp(void **state)
{
	struct core_fx e;
	struct lvs_dest *d;

	(void)state;
	env_init(&e, IPPROTO_SCTP, "rr");
	d = add_rs(&e, RS1, 1, LVS_CONN_F_MASQ);
	/* only INIT opens an association; ABORT never */
	assert_int_equal(sctp(&e, 0, LVS_SCTP_CID_DATA, NULL), LVS_PASS);
	assert_int_equal(sctp(&e, 0, LVS_SCTP_CID_ABORT, NULL), LVS_PASS);
	assert_int_equal(sctp(&e, 0, LVS_SCTP_CID_INIT, NULL), LVS_FORWARD);
	assert_proto_state(&e, IPPROTO_SCTP, 3868, "INIT1", 4);
	assert_int_equal(sctp(&e, 1, LVS_SCTP_CID_INIT_ACK, NULL), LVS_FORWARD);
	assert_proto_state(&e, IPPROTO_SCTP, 3868, "C-SENT", 61);
	assert_int_equal(sctp(&e, 0, 10 /* COOKIE ECHO */, NULL), LVS_FORWARD);
	assert_proto_state(&e, IPPROTO_SCTP, 3868, "C-REPLIED", 61);
	assert_int_equal(d->activeconns, 0);
	assert_int_equal(sctp(&e, 1, 11 /* COOKIE ACK */, NULL), LVS_FORWARD);
	assert_proto_state(&e, IPPROTO_SCTP, 3868, "ESTABLISHED", 900);
	assert_int_equal(d->activeconns, 1);
	assert_int_equal(sctp(&e, 0, 3 /* SACK */, NULL), LVS_FORWARD);
	assert_proto_state(&e, IPPROTO_SCTP, 3868, "ESTABLISHED", 900);
	assert_int_equal(sctp(&e, 0, 7 /* SHUTDOWN */, NULL), LVS_FORWARD);
	assert_proto_state(&e, IPPROTO_SCTP, 3868, "S-RECEIVED", 61);
	assert_int_equal(d->activeconns, 0);
	assert_int_equal(sctp(&e, 1, 8 /* SHUTDOWN ACK */, NULL), LVS_FORWARD);
	assert_proto_state(&e, IPPROTO_SCTP, 3868, "S-ACK-SENT", 61);
	assert_int_equal(sctp(&e, 0, 14 /* SHUTDOWN COMPLETE */, NULL), LVS_FORWARD);
	assert_proto_state(&e, IPPROTO_SCTP, 3868, "CLOSED", 61);
	/* INIT on a CLOSED association: expired and scheduled afresh */
	assert_int_equal(sctp(&e, 0, LVS_SCTP_CID_INIT, NULL), LVS_FORWARD);
	assert_proto_state(&e, IPPROTO_SCTP, 3868, "INIT1", 4);
	assert_int_equal(lvs_core_conn_count(e.core), 1);
	assert_int_equal(d->inactconns, 1);
	core_fx_done(&e);
}

static int sync_calls;
static struct lvs_conn_sync sync_last;
static void sync_hook(void *arg, unsigned worker, const struct lvs_conn_sync *e)
{
	(void)arg;
	assert_int_equal(worker, 0);
	sync_calls++;
	sync_last = *e;
}

static void test_sync_hook(void **state)
{
	struct core_fx e;

	(void)state;
	env_init(&e, IPPROTO_TCP, "rr");
	add_rs(&e, RS1, 1, LVS_CONN_F_MASQ);
	lvs_core_set_sync_hook(e.core, sync_hook, NULL);
	assert_int_equal(in(&e, 600, S, NULL), LVS_FORWARD);  /* pkt 1, SYN_RECV: never */
	assert_int_equal(in(&e, 600, A, NULL), LVS_FORWARD);  /* pkt 2, ES */
	assert_int_equal(sync_calls, 0);
	assert_int_equal(in(&e, 600, A, NULL), LVS_FORWARD);  /* pkt 3 = threshold */
	assert_int_equal(sync_calls, 1);
	assert_int_equal(sync_last.state, LVS_TCP_S_ESTABLISHED);
	assert_int_equal(sync_last.cport, 600);
	assert_int_equal(sync_last.timeout, 900);
	for (int i = 4; i <= 52; i++)
		in(&e, 600, A, NULL);
	assert_int_equal(sync_calls, 1);
	in(&e, 600, A, NULL);                                   /* pkt 53 */
	assert_int_equal(sync_calls, 2);
	in(&e, 600, F | A, NULL);                               /* -> CLOSE_WAIT: at once */
	assert_int_equal(sync_calls, 3);
	assert_int_equal(sync_last.state, LVS_TCP_S_CLOSE_WAIT);
	lvs_core_set_sync_hook(e.core, NULL, NULL);
	in(&e, 600, R, NULL);
	assert_int_equal(sync_calls, 3);
	core_fx_done(&e);
}

/* ---- flow offload (pkt.h): the core decides, the datapath follows ---- */

static int touch(struct core_fx *e, uint16_t cport, uint64_t ip, uint64_t ib, uint64_t op, uint64_t ob)
{
	struct lvs_offload_report r;

	memset(&r, 0, sizeof(r));
	r.af = AF_INET;
	r.protocol = IPPROTO_TCP;
	r.caddr = ip4(CIP);
	r.vaddr = ip4(VIP);
	r.cport = cport;
	r.vport = 80;
	r.in_pkts = ip;
	r.in_bytes = ib;
	r.out_pkts = op;
	r.out_bytes = ob;
	return lvs_core_offload_touch(e->core, 0, &r, e->now);
}

/* offload after n inbound packets; setup: from the SYN on (pkt.h) */
static void set_offload(struct core_fx *e, uint32_t n, int setup)
{
	struct lvs_core_settings s;

	lvs_core_get_settings(e->core, &s);
	s.offload_min_pkts = n;
	s.offload_setup = setup;
	lvs_core_set_settings(e->core, &s);
}

static void test_offload(void **state)
{
	struct core_fx e;
	struct lvs_conn_ref r;
	struct lvs_dest *d;
	struct lvs_dest_conf d1 = dest_conf(RS1, 80, 1, LVS_CONN_F_MASQ);

	(void)state;
	env_init(&e, IPPROTO_TCP, "rr");
	d = add_rs(&e, RS1, 1, LVS_CONN_F_MASQ);

	/* off by default: never offered */
	assert_int_equal(in(&e, 500, S, NULL), LVS_FORWARD);
	for (int i = 0; i < 20; i++) {
		assert_int_equal(in(&e, 500, A, &r), LVS_FORWARD);
		assert_int_equal(r.offload, LVS_OFFLOAD_NONE);
	}

	/* after offload_min_pkts inbound packets of an ESTABLISHED conn */
	set_offload(&e, 3, 0);
	assert_int_equal(in(&e, 501, S, &r), LVS_FORWARD);
	assert_int_equal(r.offload, LVS_OFFLOAD_NONE);
	assert_int_equal(out(&e, RS1, 501, S | A, &r), LVS_FORWARD);
	assert_int_equal(r.offload, LVS_OFFLOAD_NONE);               /* SYN_RECV */
	assert_int_equal(in(&e, 501, A, &r), LVS_FORWARD);
	assert_int_equal(r.offload, LVS_OFFLOAD_NONE);               /* 2nd inbound packet */
	assert_int_equal(in(&e, 501, A, &r), LVS_FORWARD);
	assert_int_equal(r.offload, LVS_OFFLOAD_START);              /* 3rd */
	assert_int_equal(out(&e, RS1, 501, A, &r), LVS_FORWARD);
	assert_int_equal(r.offload, LVS_OFFLOAD_NONE);               /* START only once */

	/* the datapath's reports: stats and the timer, as if packet by packet */
	uint64_t in0 = lvs_stats_slot(&d->stats, 0)->inpkts, ob0 = lvs_stats_slot(&d->stats, 0)->outbytes;
	e.now += 800 * 1000;
	assert_int_equal(touch(&e, 501, 10, 1000, 20, 30000), 1);
	assert_int_equal(lvs_stats_slot(&d->stats, 0)->inpkts, in0 + 10);
	assert_int_equal(lvs_stats_slot(&d->stats, 0)->outbytes, ob0 + 30000);
	assert_state(&e, 501, "ESTABLISHED", 900);
	e.now += 800 * 1000;
	assert_int_equal(touch(&e, 501, 0, 0, 0, 0), 1);            /* nothing carried: */
	assert_state(&e, 501, "ESTABLISHED", 100);                   /* the timer runs on */
	assert_int_equal(d->activeconns, 2);

	/* a FIN comes through the workers: STOP, and the state machine ran */
	assert_int_equal(in(&e, 501, F | A, &r), LVS_FORWARD);
	assert_int_equal(r.offload, LVS_OFFLOAD_STOP);
	assert_state(&e, 501, "CLOSE_WAIT", 60);
	/* the last report is still counted; the flow is no longer offloaded */
	assert_int_equal(touch(&e, 501, 2, 100, 0, 0), 0);
	assert_int_equal(lvs_stats_slot(&d->stats, 0)->inpkts, in0 + 1 + 12);
	assert_int_equal(in(&e, 501, A, &r), LVS_FORWARD);
	assert_int_equal(r.offload, LVS_OFFLOAD_NONE);

	/* a deleted dest takes its flows back (its packets are dropped) */
	assert_int_equal(in(&e, 502, S, NULL), LVS_FORWARD);
	for (int i = 0; i < 2; i++)
		in(&e, 502, A, &r);
	assert_int_equal(r.offload, LVS_OFFLOAD_START);
	assert_int_equal(touch(&e, 502, 1, 60, 0, 0), 1);
	assert_int_equal(lvs_del_dest(e.t, &e.svc, &d1), 0);
	assert_int_equal(touch(&e, 502, 0, 0, 0, 0), 0);
	/* a DROP says nothing to install, whatever the ref held before */
	r.offload = LVS_OFFLOAD_START_SETUP;
	assert_int_equal(in(&e, 502, A, &r), LVS_DROP);
	assert_int_equal(r.offload, LVS_OFFLOAD_NONE);
	/* an expired entry: nothing to report to */
	e.now += 1000 * 1000;
	lvs_core_tick(e.core, e.now);
	assert_int_equal(touch(&e, 502, 1, 60, 0, 0), 0);
	core_fx_done(&e);

	/* DR (the director sees the client's side only) once ESTABLISHED;
	 * TUN (encapsulation) and a sync master: never */
	env_init(&e, IPPROTO_TCP, "rr");
	set_offload(&e, 1, 0);
	add_rs(&e, RS1, 1, LVS_CONN_F_DROUTE);
	assert_int_equal(in(&e, 503, S, &r), LVS_FORWARD);
	assert_int_equal(r.offload, LVS_OFFLOAD_NONE);
	assert_int_equal(in(&e, 503, A, &r), LVS_FORWARD);
	assert_int_equal(r.offload, LVS_OFFLOAD_START);
	assert_int_equal(in(&e, 503, R, &r), LVS_FORWARD);
	assert_int_equal(r.offload, LVS_OFFLOAD_STOP);
	core_fx_done(&e);
	env_init(&e, IPPROTO_TCP, "rr");
	set_offload(&e, 1, 0);
	add_rs(&e, RS1, 1, LVS_CONN_F_TUNNEL);
	assert_int_equal(in(&e, 505, S, NULL), LVS_FORWARD);
	for (int i = 0; i < 5; i++) {
		assert_int_equal(in(&e, 505, A, &r), LVS_FORWARD);
		assert_int_equal(r.offload, LVS_OFFLOAD_NONE);
	}
	core_fx_done(&e);
	env_init(&e, IPPROTO_TCP, "rr");
	set_offload(&e, 1, 0);
	add_rs(&e, RS1, 1, LVS_CONN_F_MASQ);
	lvs_core_set_sync_hook(e.core, sync_hook, NULL);
	assert_int_equal(in(&e, 504, S, NULL), LVS_FORWARD);
	for (int i = 0; i < 5; i++) {
		assert_int_equal(in(&e, 504, A, &r), LVS_FORWARD);
		assert_int_equal(r.offload, LVS_OFFLOAD_NONE);
	}
	lvs_core_set_sync_hook(e.core, NULL, NULL);
	assert_int_equal(in(&e, 504, A, &r), LVS_FORWARD);
	assert_int_equal(r.offload, LVS_OFFLOAD_START);
	core_fx_done(&e);
}

/* setup offload: the SYN hands the whole connection over; the datapath
 * replays the control segments it forwarded and reports the rest */
static void test_offload_setup(void **state)
{
	struct core_fx e;
	struct lvs_conn_ref r;
	struct lvs_dest *d;

	(void)state;
	env_init(&e, IPPROTO_TCP, "rr");
	d = add_rs(&e, RS1, 1, LVS_CONN_F_MASQ);
	set_offload(&e, 8, 1);

	/* NAT, the server closes first (HTTP/1.0) */
	assert_int_equal(in(&e, 600, S, &r), LVS_FORWARD);
	assert_int_equal(r.offload, LVS_OFFLOAD_START_SETUP);
	assert_state(&e, 600, "SYN_RECV", 60);
	assert_int_equal(touch(&e, 600, 0, 0, 0, 0), 1);            /* still offloaded in SYN_RECV */
	assert_int_equal(out(&e, RS1, 600, S | A, &r), LVS_FORWARD); /* replays */
	assert_int_equal(r.offload, LVS_OFFLOAD_NONE);
	assert_int_equal(in(&e, 600, A, &r), LVS_FORWARD);
	assert_int_equal(r.offload, LVS_OFFLOAD_NONE);
	assert_state(&e, 600, "ESTABLISHED", 900);
	assert_int_equal(touch(&e, 600, 3, 300, 2, 2000), 1);       /* data, unreported */
	assert_int_equal(out(&e, RS1, 600, F | A, &r), LVS_FORWARD);
	assert_int_equal(r.offload, LVS_OFFLOAD_NONE);               /* FIN_WAIT: still ours */
	assert_state(&e, 600, "FIN_WAIT", 120);
	assert_int_equal(in(&e, 600, A, &r), LVS_FORWARD);
	assert_int_equal(r.offload, LVS_OFFLOAD_NONE);
	assert_int_equal(in(&e, 600, F | A, &r), LVS_FORWARD);
	assert_int_equal(r.offload, LVS_OFFLOAD_STOP);               /* TIME_WAIT: handed back */
	assert_state(&e, 600, "TIME_WAIT", 120);
	assert_int_equal(touch(&e, 600, 0, 0, 0, 0), 0);
	/* 1 SYN + 2 replayed + 3 reported inbound; 2 replayed + 2 reported out */
	assert_int_equal(lvs_stats_slot(&d->stats, 0)->inpkts, 7);
	assert_int_equal(lvs_stats_slot(&d->stats, 0)->outpkts, 4);
	assert_int_equal(lvs_stats_slot(&d->stats, 0)->conns, 1);

	/* a RST ends it at once (in SYN_RECV the kernel's table ignores it) */
	assert_int_equal(in(&e, 601, S, &r), LVS_FORWARD);
	assert_int_equal(r.offload, LVS_OFFLOAD_START_SETUP);
	assert_int_equal(in(&e, 601, R, &r), LVS_FORWARD);
	assert_int_equal(r.offload, LVS_OFFLOAD_NONE);
	assert_state(&e, 601, "SYN_RECV", 60);
	assert_int_equal(in(&e, 601, A, &r), LVS_FORWARD);
	assert_int_equal(in(&e, 601, R, &r), LVS_FORWARD);
	assert_int_equal(r.offload, LVS_OFFLOAD_STOP);

	/* not for a SYN carrying more flags, nor without the setting */
	assert_int_equal(in(&e, 602, S | A, &r), LVS_FORWARD);
	assert_int_equal(r.offload, LVS_OFFLOAD_NONE);
	set_offload(&e, 8, 0);
	assert_int_equal(in(&e, 603, S, &r), LVS_FORWARD);
	assert_int_equal(r.offload, LVS_OFFLOAD_NONE);
	core_fx_done(&e);

	/* DR: input only; TUN: never */
	env_init(&e, IPPROTO_TCP, "rr");
	add_rs(&e, RS1, 1, LVS_CONN_F_DROUTE);
	set_offload(&e, 8, 1);
	assert_int_equal(in(&e, 604, S, &r), LVS_FORWARD);
	assert_int_equal(r.offload, LVS_OFFLOAD_START_SETUP);
	assert_int_equal(in(&e, 604, A, &r), LVS_FORWARD);
	assert_state(&e, 604, "ESTABLISHED", 900);
	assert_int_equal(r.offload, LVS_OFFLOAD_NONE);
	assert_int_equal(in(&e, 604, F | A, &r), LVS_FORWARD);     /* FIN_WAIT for 2 min: handed back */
	assert_state(&e, 604, "FIN_WAIT", 120);
	assert_int_equal(r.offload, LVS_OFFLOAD_STOP);
	core_fx_done(&e);
	env_init(&e, IPPROTO_TCP, "rr");
	add_rs(&e, RS1, 1, LVS_CONN_F_TUNNEL);
	set_offload(&e, 8, 1);
	assert_int_equal(in(&e, 605, S, &r), LVS_FORWARD);
	assert_int_equal(r.offload, LVS_OFFLOAD_NONE);
	core_fx_done(&e);
}

/* a dest the datapath marks local to the director (its connections are
 * delivered into the local stack) is never handed to the fast path, with
 * or without setup offload; the rest of the connection is as usual, NAT
 * replies included (they come back out of the local stack) */
static void test_offload_local_dest(void **state)
{
	struct core_fx e;
	struct lvs_conn_ref r;
	struct lvs_dest *d;

	(void)state;
	for (int setup = 0; setup <= 1; setup++) {
		env_init(&e, IPPROTO_TCP, "rr");
		d = add_rs(&e, RS1, 1, LVS_CONN_F_MASQ);
		__atomic_or_fetch(&d->flags, LVS_DEST_F_LOCAL, __ATOMIC_RELAXED);
		set_offload(&e, 1, setup);
		assert_int_equal(in(&e, 700, S, &r), LVS_FORWARD);
		assert_int_equal(r.offload, LVS_OFFLOAD_NONE);
		assert_int_equal(out(&e, RS1, 700, S | A, &r), LVS_FORWARD);
		assert_int_equal(r.offload, LVS_OFFLOAD_NONE);
		for (int i = 0; i < 10; i++) {
			assert_int_equal(in(&e, 700, A, &r), LVS_FORWARD);
			assert_int_equal(r.offload, LVS_OFFLOAD_NONE);
		}
		assert_state(&e, 700, "ESTABLISHED", 900);
		assert_int_equal(lvs_stats_slot(&d->stats, 0)->inpkts, 11);
		assert_int_equal(lvs_stats_slot(&d->stats, 0)->outpkts, 1);
		/* no longer local (the address went away): offloaded again */
		__atomic_and_fetch(&d->flags, ~(uint32_t)LVS_DEST_F_LOCAL, __ATOMIC_RELAXED);
		assert_int_equal(in(&e, 700, A, &r), LVS_FORWARD);
		assert_int_equal(r.offload, LVS_OFFLOAD_START);
		core_fx_done(&e);
	}
}

UNIT_TESTS(cmocka_unit_test(test_nat_handshake_and_teardown),
	   cmocka_unit_test(test_dr_input_only),
	   cmocka_unit_test(test_timeouts_set_and_initial),
	   cmocka_unit_test(test_rr_through_inbound),
	   cmocka_unit_test(test_wrr_through_inbound),
	   cmocka_unit_test(test_no_dest_reject_and_pass),
	   cmocka_unit_test(test_ftp_service_passes_other_ports),
	   cmocka_unit_test(test_deleted_dest),
	   cmocka_unit_test(test_weight0_keeps_existing),
	   cmocka_unit_test(test_conn_reuse),
	   cmocka_unit_test(test_udp_and_ops),
	   cmocka_unit_test(test_icmp_relay),
	   cmocka_unit_test(test_overload_threshold),
	   cmocka_unit_test(test_stats_counted),
	   cmocka_unit_test(test_nat_icmp_send),
	   cmocka_unit_test(test_caller_lock_used),
	   cmocka_unit_test(test_sync_hook),
	   cmocka_unit_test(test_sctp),
	   cmocka_unit_test(test_offload),
	   cmocka_unit_test(test_offload_setup),
	   cmocka_unit_test(test_offload_local_dest))
