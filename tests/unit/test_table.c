/* test_table.c - the virtual-server table: every error code the kernel
 * returns (what ipvsadm prints for each errno; the address cases as kernel 6.1 answers them),
 * newest-first dests, trash revival and reaping, OVERLOAD rules, lookups
 * (ip_vs_service_find()), timeouts, sync-daemon bookkeeping, zeroing, scale. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>

#include "fixture.h"
#include "lib/epoch.h"
#include "core/sched.h"
#include "core/stats.h"

/* ------------------------------------------------------------- services */

static void test_service_add_get_errors(void **state)
{
	(void)state;
	struct lvs_table *t = lvs_table_new();
	struct lvs_service_conf a = svc_conf("10.1.1.1", 80, "rr");

	assert_int_equal(lvs_add_service(t, &a), 0);
	assert_int_equal(lvs_add_service(t, &a), -EEXIST);
	/* EEXIST is checked before the scheduler (oracle: -A existing -s nosuch) */
	struct lvs_service_conf bad = a;

	snprintf(bad.sched_name, sizeof(bad.sched_name), "nosuch");
	assert_int_equal(lvs_add_service(t, &bad), -EEXIST);
	/* ESRCH is checked before the scheduler too (oracle: -E missing -s nosuch) */
	bad.port = 81;
	assert_int_equal(lvs_edit_service(t, &bad), -ESRCH);
	assert_int_equal(lvs_add_service(t, &bad), -ENOENT);
	/* persistence engines: none available (oracle: --pe sip and --pe foo) */
	struct lvs_service_conf pe = svc_conf("10.1.1.2", 80, "rr");

	snprintf(pe.pe_name, sizeof(pe.pe_name), "sip");
	assert_int_equal(lvs_add_service(t, &pe), -ENOENT);
	snprintf(pe.pe_name, sizeof(pe.pe_name), "foo");
	assert_int_equal(lvs_add_service(t, &pe), -ENOENT);
	snprintf(pe.pe_name, sizeof(pe.pe_name), "sip");
	assert_int_equal(lvs_edit_service(t, &(struct lvs_service_conf){ .af = AF_INET, .protocol = IPPROTO_TCP,
					     .addr = a.addr, .port = 80, .sched_name = "rr", .pe_name = "sip" }),
			 -ENOENT);
	/* bad family */
	struct lvs_service_conf af = a;

	af.af = AF_UNIX;
	assert_int_equal(lvs_add_service(t, &af), -EAFNOSUPPORT);
	/* unterminated scheduler name */
	struct lvs_service_conf longname = svc_conf("10.1.1.3", 80, "rr");

	memset(longname.sched_name, 'x', sizeof(longname.sched_name));
	assert_int_equal(lvs_add_service(t, &longname), -ENOENT);

	/* same address, other protocol or port: different services */
	struct lvs_service_conf u = a;

	u.protocol = IPPROTO_UDP;
	assert_int_equal(lvs_add_service(t, &u), 0);
	assert_int_equal(lvs_del_service(t, &u), 0);
	assert_int_equal(lvs_del_service(t, &u), -ESRCH);
	assert_int_equal(lvs_svc_count(t), 1);

	struct lvs_service *s = lvs_svc_get(t, &a);

	assert_non_null(s);
	assert_string_equal(s->sched_name, "rr");
	assert_ptr_equal(s->sched, lvs_sched_find("rr"));
	assert_true(s->flags & LVS_SVC_F_HASHED);
	assert_ptr_equal(lvs_svc_lookup(t, AF_INET, IPPROTO_TCP, &a.addr, 80), s);
	assert_null(lvs_svc_lookup(t, AF_INET, IPPROTO_UDP, &a.addr, 80));
	lvs_table_free(t);
}

static void test_service_ipv6_netmask_and_fwmark(void **state)
{
	(void)state;
	struct lvs_table *t = lvs_table_new();
	struct lvs_service_conf v6 = svc_conf("2001:db8::200", 80, "rr");

	v6.flags = LVS_SVC_F_PERSISTENT;
	v6.netmask = 0;
	assert_int_equal(lvs_add_service(t, &v6), -EINVAL);
	v6.netmask = 129;
	assert_int_equal(lvs_add_service(t, &v6), -EINVAL);
	v6.netmask = 128;
	assert_int_equal(lvs_add_service(t, &v6), 0);
	v6.netmask = 0;
	assert_int_equal(lvs_edit_service(t, &v6), -EINVAL);
	v6.netmask = 64;
	assert_int_equal(lvs_edit_service(t, &v6), 0);
	assert_int_equal(lvs_svc_get(t, &v6)->netmask, 64);

	/* fwmark services: keyed by (af, mark); stored as TCP, port 0 */
	struct lvs_service_conf f4 = fwm_conf(AF_INET, 5, "rr"), f6 = fwm_conf(AF_INET6, 5, "rr");

	assert_int_equal(lvs_add_service(t, &f4), 0);
	assert_int_equal(lvs_add_service(t, &f6), 0);
	assert_int_equal(lvs_add_service(t, &f4), -EEXIST);
	struct lvs_service *s = lvs_svc_lookup_fwmark(t, AF_INET, 5);

	assert_non_null(s);
	assert_int_equal(s->protocol, IPPROTO_TCP);
	assert_int_equal(s->port, 0);
	assert_ptr_equal(lvs_svc_get(t, &f4), s);
	assert_ptr_not_equal(lvs_svc_lookup_fwmark(t, AF_INET6, 5), s);
	assert_null(lvs_svc_lookup_fwmark(t, AF_INET, 6));
	lvs_table_free(t);
}

static void test_service_edit_replaces_everything(void **state)
{
	(void)state;
	struct lvs_table *t = lvs_table_new();
	struct lvs_service_conf a = svc_conf("10.1.1.1", 80, "rr");

	a.flags = LVS_SVC_F_PERSISTENT;
	a.timeout = 360;
	a.netmask = htonl(0xffffff00);
	assert_int_equal(lvs_add_service(t, &a), 0);
	struct lvs_service *s = lvs_svc_get(t, &a);
	struct lvs_dest_conf d1 = dest_conf("192.168.1.1", 80, 1, LVS_CONN_F_MASQ);
	struct lvs_dest_conf d2 = dest_conf("192.168.1.2", 80, 1, LVS_CONN_F_MASQ);

	assert_int_equal(lvs_add_dest(t, &a, &d1), 0);
	assert_int_equal(lvs_add_dest(t, &a, &d2), 0);
	/* advance rr: .2 picked, cursor on .2 */
	assert_ptr_equal(lvs_sched_schedule(s, NULL, 0), find_dest(t, &a, "192.168.1.2", 80));

	/* same scheduler: state kept; flags/timeout/netmask replaced */
	struct lvs_service_conf e = svc_conf("10.1.1.1", 80, "rr");

	assert_int_equal(lvs_edit_service(t, &e), 0);
	assert_int_equal(s->flags, LVS_SVC_F_HASHED);
	assert_int_equal(s->timeout, 0);
	assert_int_equal(s->netmask, 0xffffffff);
	assert_ptr_equal(lvs_sched_schedule(s, NULL, 0), find_dest(t, &a, "192.168.1.1", 80));
	assert_int_equal(s->num_dests, 2);

	/* a different scheduler is initialised afresh; back to rr restarts at the head */
	e = svc_conf("10.1.1.1", 80, "wlc");
	assert_int_equal(lvs_edit_service(t, &e), 0);
	assert_string_equal(s->sched_name, "wlc");
	e = svc_conf("10.1.1.1", 80, "rr");
	assert_int_equal(lvs_edit_service(t, &e), 0);
	assert_ptr_equal(lvs_sched_schedule(s, NULL, 0), find_dest(t, &a, "192.168.1.2", 80));
	e = svc_conf("10.1.1.1", 80, "none");
	assert_int_equal(lvs_edit_service(t, &e), 0);
	assert_null(s->sched);
	assert_null(s->sched_data);
	assert_string_equal(s->sched_name, "none");
	/* unknown scheduler on edit: ENOENT, service unchanged */
	e = svc_conf("10.1.1.1", 80, "nosuch");
	assert_int_equal(lvs_edit_service(t, &e), -ENOENT);
	assert_string_equal(s->sched_name, "none");
	lvs_table_free(t);

	/* init_service on bind, done_service on unbind */
	t = lvs_table_new();
	a = svc_conf("10.1.1.1", 80, "wrr");
	assert_int_equal(lvs_add_service(t, &a), 0);
	s = lvs_svc_get(t, &a);
	assert_non_null(s->sched_data); /* wrr allocated its state */
	e = svc_conf("10.1.1.1", 80, "lc");
	assert_int_equal(lvs_edit_service(t, &e), 0);
	assert_null(s->sched_data); /* wrr's state was released */
	lvs_table_free(t);
}

/* ------------------------------------------------------------------ dests */

static void test_dest_errors(void **state)
{
	(void)state;
	struct lvs_table *t = lvs_table_new();
	struct lvs_service_conf a = svc_conf("10.1.1.1", 80, "wlc");
	struct lvs_service_conf missing = svc_conf("10.1.1.99", 80, "wlc");
	struct lvs_dest_conf d = dest_conf("10.2.0.1", 80, 1, LVS_CONN_F_DROUTE);

	assert_int_equal(lvs_add_service(t, &a), 0);
	assert_int_equal(lvs_add_dest(t, &missing, &d), -ESRCH);
	assert_int_equal(lvs_edit_dest(t, &missing, &d), -ESRCH);
	assert_int_equal(lvs_del_dest(t, &missing, &d), -ESRCH);
	assert_int_equal(lvs_edit_dest(t, &a, &d), -ENOENT);
	assert_int_equal(lvs_del_dest(t, &a, &d), -ENOENT);

	struct lvs_dest_conf x = d;

	x.weight = -1;
	assert_int_equal(lvs_add_dest(t, &a, &x), -ERANGE);
	x = d;
	x.l_threshold = 20; /* -y 20 without -x */
	assert_int_equal(lvs_add_dest(t, &a, &x), -ERANGE);
	x.u_threshold = 10;
	assert_int_equal(lvs_add_dest(t, &a, &x), -ERANGE);
	x = d;
	x.u_threshold = (uint32_t)INT_MAX + 1;
	assert_int_equal(lvs_add_dest(t, &a, &x), -EINVAL);
	x.u_threshold = INT_MAX;
	x.tun_type = LVS_TUN_TYPE_GUE;
	x.conn_flags = LVS_CONN_F_TUNNEL;
	assert_int_equal(lvs_add_dest(t, &a, &x), -EINVAL); /* GUE needs a port */
	x.tun_port = 6080;
	assert_int_equal(lvs_add_dest(t, &a, &x), 0);
	assert_int_equal(lvs_add_dest(t, &a, &x), -EEXIST);
	/* same errors on edit, before the lookup */
	x.weight = -5;
	assert_int_equal(lvs_edit_dest(t, &a, &x), -ERANGE);
	x.weight = 1;
	x.tun_port = 0;
	assert_int_equal(lvs_edit_dest(t, &a, &x), -EINVAL);
	/* a different port is a different dest */
	struct lvs_dest_conf p = d;

	assert_int_equal(lvs_add_dest(t, &a, &p), -EEXIST);
	p.port = 8080;
	assert_int_equal(lvs_add_dest(t, &a, &p), 0);
	assert_int_equal(lvs_svc_get(t, &a)->num_dests, 2);
	lvs_table_free(t);
}

static enum lvs_addr_type fake_addr_type(int af, const union lvs_addr *a, void *arg)
{
	(void)arg;
	char buf[64];

	lvs_addr_str(af, a, buf, sizeof(buf));
	if (!strcmp(buf, "10.9.0.255"))
		return LVS_ADDR_BROADCAST;
	if (!strcmp(buf, "10.9.0.1") || !strcmp(buf, "fe80::5"))
		return LVS_ADDR_LOCAL;
	return LVS_ADDR_UNICAST;
}

/* address validity, exactly the accept/reject pattern seen on the oracle */
static void test_dest_address_types(void **state)
{
	(void)state;
	struct lvs_table *t = lvs_table_new();
	struct lvs_service_conf a = svc_conf("10.1.1.1", 80, "rr");
	struct lvs_service_conf b = svc_conf("2001:db8::100", 80, "rr");
	static const struct { const char *ip; int rc; } cases4[] = {
		{ "0.0.0.0", -EINVAL }, { "255.255.255.255", -EINVAL }, { "224.0.0.1", -EINVAL },
		{ "239.255.255.255", -EINVAL }, { "10.9.0.255", -EINVAL }, /* hook: broadcast */
		{ "0.1.2.3", 0 }, { "240.0.0.1", 0 }, { "127.0.0.1", 0 }, { "10.9.0.1", 0 }, { "10.9.0.0", 0 },
	};
	static const struct { const char *ip; int rc; } cases6[] = {
		{ "::", -EINVAL }, { "fe80::1", -EINVAL }, { "ff02::1", -EINVAL }, { "::ffff:1.2.3.4", -EINVAL },
		{ "::1", 0 }, { "fec0::1", 0 }, { "::1.2.3.4", 0 }, { "fc00::1", 0 }, { "2001:db8::1", 0 },
		{ "100::1", 0 }, { "fe80::5", 0 }, /* link-local but local (hook) */
	};

	lvs_table_set_addr_type_hook(t, fake_addr_type, NULL);
	assert_int_equal(lvs_add_service(t, &a), 0);
	assert_int_equal(lvs_add_service(t, &b), 0);
	for (size_t i = 0; i < sizeof(cases4) / sizeof(cases4[0]); i++) {
		struct lvs_dest_conf d = dest_conf(cases4[i].ip, 80, 1, LVS_CONN_F_DROUTE);

		if (lvs_add_dest(t, &a, &d) != cases4[i].rc)
			fail_msg("%s: expected %d", cases4[i].ip, cases4[i].rc);
	}
	for (size_t i = 0; i < sizeof(cases6) / sizeof(cases6[0]); i++) {
		struct lvs_dest_conf d = dest_conf(cases6[i].ip, 80, 1, LVS_CONN_F_DROUTE);

		if (lvs_add_dest(t, &b, &d) != cases6[i].rc)
			fail_msg("%s: expected %d", cases6[i].ip, cases6[i].rc);
	}
	/* without a hook nothing is local: fe80:: rejected, 10.9.0.255 accepted */
	lvs_table_set_addr_type_hook(t, NULL, NULL);
	struct lvs_dest_conf ll = dest_conf("fe80::6", 80, 1, LVS_CONN_F_DROUTE);
	struct lvs_dest_conf bc = dest_conf("10.9.0.255", 80, 1, LVS_CONN_F_DROUTE);

	assert_int_equal(lvs_add_dest(t, &b, &ll), -EINVAL);
	assert_int_equal(lvs_add_dest(t, &a, &bc), 0);
	lvs_table_free(t);
}

static void test_dest_mixed_af_and_flags(void **state)
{
	(void)state;
	struct lvs_table *t = lvs_table_new();
	struct lvs_service_conf a = svc_conf("10.1.1.1", 80, "rr");
	struct lvs_service_conf b = svc_conf("2001:db8::100", 80, "rr");

	assert_int_equal(lvs_add_service(t, &a), 0);
	assert_int_equal(lvs_add_service(t, &b), 0);

	/* oracle: mixed family only for tunnels */
	struct lvs_dest_conf v6nat = dest_conf("2001:db8::6", 80, 1, LVS_CONN_F_MASQ);
	struct lvs_dest_conf v6dr = dest_conf("2001:db8::6", 80, 1, LVS_CONN_F_DROUTE);
	struct lvs_dest_conf v6tun = dest_conf("2001:db8::5", 80, 1, LVS_CONN_F_TUNNEL);
	struct lvs_dest_conf v4tun = dest_conf("10.2.0.5", 80, 1, LVS_CONN_F_TUNNEL);

	assert_int_equal(lvs_add_dest(t, &a, &v6nat), -EINVAL);
	assert_int_equal(lvs_add_dest(t, &a, &v6dr), -EINVAL);
	assert_int_equal(lvs_add_dest(t, &a, &v6tun), 0);
	/* the other way round, and an edit away from TUN, alike */
	struct lvs_dest_conf v4nat = dest_conf("10.2.0.6", 80, 1, LVS_CONN_F_MASQ);
	struct lvs_dest_conf v6tun_nat = v6tun;

	v6tun_nat.conn_flags = LVS_CONN_F_MASQ;
	assert_int_equal(lvs_add_dest(t, &b, &v4nat), -EINVAL);
	assert_int_equal(lvs_edit_dest(t, &a, &v6tun_nat), -EINVAL);

	/* a sync daemon cannot start with mixed-family dests (oracle: EINVAL) */
	struct lvs_daemon_conf dc;

	memset(&dc, 0, sizeof(dc));
	dc.state = LVS_DAEMON_MASTER;
	snprintf(dc.mcast_ifn, sizeof(dc.mcast_ifn), "eth0");
	assert_int_equal(lvs_start_daemon(t, &dc), -EINVAL);
	assert_int_equal(lvs_del_dest(t, &a, &v6tun), 0);
	assert_int_equal(lvs_start_daemon(t, &dc), 0);
	/* ... and no mixed dest while it runs (oracle) */
	assert_int_equal(lvs_add_dest(t, &b, &v4tun), -EINVAL);
	assert_int_equal(lvs_stop_daemon(t, LVS_DAEMON_MASTER), 0);
	assert_int_equal(lvs_add_dest(t, &b, &v4tun), 0);

	/* conn_flags: method | INACTIVE, NOOUTPUT for everything but NAT */
	struct lvs_dest_conf nat = dest_conf("192.168.1.1", 8080, 1, LVS_CONN_F_MASQ);
	struct lvs_dest_conf dr = dest_conf("192.168.1.2", 80, 1, LVS_CONN_F_DROUTE);

	assert_int_equal(lvs_add_dest(t, &a, &nat), 0);
	assert_int_equal(lvs_add_dest(t, &a, &dr), 0);
	struct lvs_dest *dn = find_dest(t, &a, "192.168.1.1", 8080), *dd = find_dest(t, &a, "192.168.1.2", 80);

	assert_int_equal(dn->conn_flags, LVS_CONN_F_MASQ | LVS_CONN_F_INACTIVE);
	assert_int_equal(dd->conn_flags, LVS_CONN_F_DROUTE | LVS_CONN_F_INACTIVE | LVS_CONN_F_NOOUTPUT);
	assert_int_equal(dn->flags, LVS_DEST_F_AVAILABLE);
	assert_ptr_equal(dn->svc, lvs_svc_get(t, &a));
	assert_int_equal(dn->refcnt, 1);
	/* edit switches the method (and the flags with it) */
	nat.conn_flags = LVS_CONN_F_TUNNEL;
	assert_int_equal(lvs_edit_dest(t, &a, &nat), 0);
	assert_int_equal(dn->conn_flags, LVS_CONN_F_TUNNEL | LVS_CONN_F_INACTIVE | LVS_CONN_F_NOOUTPUT);
	lvs_table_free(t);
}

static void test_dest_order_and_last_weight(void **state)
{
	(void)state;
	struct lvs_table *t = lvs_table_new();
	struct lvs_service_conf a = svc_conf("10.1.1.1", 80, "wlc");
	const char *ips[] = { "192.168.1.16", "192.168.1.8", "192.168.1.24" };

	assert_int_equal(lvs_add_service(t, &a), 0);
	for (int i = 0; i < 3; i++) {
		struct lvs_dest_conf d = dest_conf(ips[i], 80, 5, LVS_CONN_F_MASQ);

		assert_int_equal(lvs_add_dest(t, &a, &d), 0);
	}
	/* newest first: .24 .8 .16 (the kernel's list_add) */
	struct lvs_service *s = lvs_svc_get(t, &a);
	struct lvs_dest *d;
	int i = 2;

	lvs_list_for_each_entry(d, &s->destinations, n_list) {
		char buf[64];

		assert_string_equal(lvs_addr_str(AF_INET, &d->addr, buf, sizeof(buf)), ips[i]);
		i--;
	}
	assert_int_equal(i, -1);
	/* weight 0 keeps last_weight (mh uses it) */
	struct lvs_dest_conf e = dest_conf(ips[0], 80, 0, LVS_CONN_F_MASQ);

	assert_int_equal(lvs_edit_dest(t, &a, &e), 0);
	d = find_dest(t, &a, ips[0], 80);
	assert_int_equal(d->weight, 0);
	assert_int_equal(d->last_weight, 5);
	e.weight = 7;
	assert_int_equal(lvs_edit_dest(t, &a, &e), 0);
	assert_int_equal(d->last_weight, 7);
	lvs_table_free(t);
}

/* ------------------------------------------------------------------ trash */

static void test_trash_revive_and_reap(void **state)
{
	(void)state;
	struct lvs_table *t = lvs_table_new();
	struct lvs_service_conf a = svc_conf("10.1.1.1", 80, "rr");
	struct lvs_dest_conf dc = dest_conf("192.168.1.1", 80, 3, LVS_CONN_F_MASQ);

	assert_int_equal(lvs_add_service(t, &a), 0);
	assert_int_equal(lvs_add_dest(t, &a, &dc), 0);
	struct lvs_dest *d = find_dest(t, &a, "192.168.1.1", 80);

	/* a connection holds it and traffic was counted */
	lvs_dest_hold(d);
	d->inactconns = 1;
	lvs_stats_slot(&d->stats, 0)->conns = 7;
	lvs_stats_estimate(&d->stats);

	assert_int_equal(lvs_del_dest(t, &a, &dc), 0);
	assert_false(d->flags & LVS_DEST_F_AVAILABLE);
	assert_null(d->svc);
	assert_int_equal(lvs_svc_get(t, &a)->num_dests, 0);

	/* referenced: never reaped */
	lvs_table_tick(t, 1000);
	lvs_table_tick(t, 10 * 3600 * 1000);
	/* re-added: the very same object, counters and stats intact */
	dc.weight = 2;
	assert_int_equal(lvs_add_dest(t, &a, &dc), 0);
	assert_ptr_equal(find_dest(t, &a, "192.168.1.1", 80), d);
	assert_true(d->flags & LVS_DEST_F_AVAILABLE);
	assert_int_equal(d->weight, 2);
	assert_int_equal(d->inactconns, 1);
	struct lvs_stats_view v;

	lvs_stats_read(&d->stats, &v);
	assert_int_equal(v.c.conns, 7);

	/* service deleted and re-created: revived, but its stats start over */
	assert_int_equal(lvs_del_service(t, &a), 0);
	assert_null(d->svc);
	assert_int_equal(lvs_add_service(t, &a), 0);
	assert_int_equal(lvs_add_dest(t, &a, &dc), 0);
	assert_ptr_equal(find_dest(t, &a, "192.168.1.1", 80), d);
	assert_int_equal(d->inactconns, 1);
	lvs_stats_read(&d->stats, &v);
	assert_int_equal(v.c.conns, 0);

	/* a dest of another service key is not revived: fresh object */
	struct lvs_service_conf b = svc_conf("10.1.1.2", 80, "rr");

	assert_int_equal(lvs_add_service(t, &b), 0);
	assert_int_equal(lvs_del_dest(t, &a, &dc), 0);
	assert_int_equal(lvs_add_dest(t, &b, &dc), 0);
	struct lvs_dest *other = find_dest(t, &b, "192.168.1.1", 80);

	assert_ptr_not_equal(other, d);
	assert_int_equal(other->inactconns, 0);
	assert_int_equal(lvs_del_dest(t, &b, &dc), 0);

	/* unreferenced: first tick notes it, freed 120 s later */
	d->inactconns = 0;
	lvs_dest_put(t, d);
	assert_int_equal(d->refcnt, 1);
	lvs_table_tick(t, 5000);
	lvs_table_tick(t, 5000 + 119999);
	assert_int_equal(lvs_add_dest(t, &a, &dc), 0);
	assert_ptr_equal(find_dest(t, &a, "192.168.1.1", 80), d); /* still revivable */
	assert_int_equal(lvs_del_dest(t, &a, &dc), 0);
	lvs_table_tick(t, 200000);
	lvs_table_tick(t, 200000 + 120000); /* d and `other` are freed now */
	assert_int_equal(lvs_add_dest(t, &a, &dc), 0);
	d = find_dest(t, &a, "192.168.1.1", 80);
	assert_int_equal(d->refcnt, 1);
	lvs_table_free(t); /* ASan: nothing leaks from the trash */
}

/* a deleted service stays readable/writable while a worker that may
 * still follow dest->svc (a registered reader, online) has not passed a
 * quiescent state, however many ticks go by; freed at the first tick after
 * it did.  Under ASan an early free fails this test. */
static void test_deleted_service_grace_period(void **state)
{
	(void)state;
	struct lvs_table *t = lvs_table_new();
	struct lvs_service_conf a = svc_conf("10.1.1.1", 80, "wrr");
	struct lvs_dest_conf dc = dest_conf("192.168.1.1", 80, 1, LVS_CONN_F_MASQ);
	struct lvs_epoch_reader *worker;

	assert_int_equal(lvs_epoch_register(lvs_table_epoch(t), &worker), 0);
	assert_int_equal(lvs_add_service(t, &a), 0);
	assert_int_equal(lvs_add_dest(t, &a, &dc), 0);
	struct lvs_service *s = lvs_svc_get(t, &a);

	assert_int_equal(lvs_del_service(t, &a), 0);
	assert_null(lvs_svc_get(t, &a));
	assert_int_equal(lvs_svc_count(t), 0);
	assert_int_equal(lvs_table_retired(t), 2); /* the service, its dest array */
	lvs_stats_slot(&s->stats, 0)->conns++; /* a late worker */
	for (uint64_t now = 1000; now <= 10 * 1000; now += 1000)
		lvs_table_tick(t, now);
	lvs_stats_slot(&s->stats, 0)->inpkts++;
	assert_int_equal(s->num_dests, 0);
	assert_null(s->sched_data); /* the scheduler was unbound at delete */
	assert_int_equal(lvs_table_retired(t), 2);
	lvs_epoch_quiescent(worker);
	lvs_table_tick(t, 11000); /* freed now */
	assert_int_equal(lvs_table_retired(t), 0);
	/* re-creating works and is a new object */
	assert_int_equal(lvs_add_service(t, &a), 0);
	assert_int_equal(lvs_flush(t), 0);
	lvs_epoch_unregister(worker);
	lvs_table_free(t); /* frees what is still retired (ASan leak check) */
}

/* --------------------------------------------------------------- overload */

static void test_overload_rules(void **state)
{
	(void)state;
	struct lvs_table *t = lvs_table_new();
	struct lvs_service_conf a = svc_conf("10.1.1.1", 80, "rr");
	struct lvs_dest_conf dc = dest_conf("192.168.1.1", 80, 1, LVS_CONN_F_MASQ);

	dc.u_threshold = 4;
	assert_int_equal(lvs_add_service(t, &a), 0);
	assert_int_equal(lvs_add_dest(t, &a, &dc), 0);
	struct lvs_dest *d = find_dest(t, &a, "192.168.1.1", 80);
	struct lvs_service *s = lvs_svc_get(t, &a);

	for (int i = 0; i < 3; i++) {
		d->inactconns++;
		lvs_dest_conn_bound(d);
		assert_false(d->flags & LVS_DEST_F_OVERLOAD);
	}
	d->activeconns++;
	lvs_dest_conn_bound(d); /* total 4 >= u */
	assert_true(d->flags & LVS_DEST_F_OVERLOAD);
	assert_null(lvs_sched_schedule(s, NULL, 0));
	/* no l: clear below u - u/4 = 3 (= classic total*4 < u*3) */
	d->inactconns--;
	lvs_dest_conn_unbound(d); /* 3 */
	assert_true(d->flags & LVS_DEST_F_OVERLOAD);
	d->inactconns--;
	lvs_dest_conn_unbound(d); /* 2 */
	assert_false(d->flags & LVS_DEST_F_OVERLOAD);
	assert_ptr_equal(lvs_sched_schedule(s, NULL, 0), d);

	/* with l = 1: clear only below 1 */
	dc.l_threshold = 1;
	assert_int_equal(lvs_edit_dest(t, &a, &dc), 0);
	d->inactconns += 2;
	lvs_dest_conn_bound(d); /* 4 */
	assert_true(d->flags & LVS_DEST_F_OVERLOAD);
	d->inactconns = 0;
	lvs_dest_conn_unbound(d); /* 1: not < 1 */
	assert_true(d->flags & LVS_DEST_F_OVERLOAD);
	/* editing with the same thresholds keeps OVERLOAD ... */
	assert_int_equal(lvs_edit_dest(t, &a, &dc), 0);
	assert_true(d->flags & LVS_DEST_F_OVERLOAD);
	/* ... changed thresholds re-evaluate: total 1 is not below l = 1, so
	 * it stays on even for a higher u (the classic rule would clear it) */
	dc.u_threshold = 3;
	assert_int_equal(lvs_edit_dest(t, &a, &dc), 0);
	assert_true(d->flags & LVS_DEST_F_OVERLOAD);
	dc.u_threshold = 10;
	assert_int_equal(lvs_edit_dest(t, &a, &dc), 0);
	assert_true(d->flags & LVS_DEST_F_OVERLOAD);
	dc.l_threshold = 2; /* total 1 < 2: off */
	assert_int_equal(lvs_edit_dest(t, &a, &dc), 0);
	assert_false(d->flags & LVS_DEST_F_OVERLOAD);
	/* a lower u at or under the current total sets it at once */
	dc.l_threshold = 0;
	dc.u_threshold = 1;
	assert_int_equal(lvs_edit_dest(t, &a, &dc), 0);
	assert_true(d->flags & LVS_DEST_F_OVERLOAD);
	/* u = 0 clears, and without thresholds unbinding always clears */
	d->flags |= LVS_DEST_F_OVERLOAD;
	dc.u_threshold = 0;
	dc.l_threshold = 0;
	assert_int_equal(lvs_edit_dest(t, &a, &dc), 0);
	assert_false(d->flags & LVS_DEST_F_OVERLOAD);
	d->activeconns = 1000;
	lvs_dest_conn_bound(d);
	assert_false(d->flags & LVS_DEST_F_OVERLOAD);
	d->flags |= LVS_DEST_F_OVERLOAD;
	lvs_dest_conn_unbound(d);
	assert_false(d->flags & LVS_DEST_F_OVERLOAD);
	lvs_table_free(t);
}

/* Captured on the oracle (real IPVS, Debian 6.1.192, NAT traffic, one TCP
 * connection per request; finished connections stay in TIME_WAIT, i.e.
 * InActConn): rr over rs1 (.16) then rs2 (.8), thresholds edited on rs1
 * between batches.  Simulated with inactconns++ + lvs_dest_conn_bound(). */
static const char *rr_batch(struct lvs_table *t, const struct lvs_service_conf *c, int n)
{
	static char out[256];
	struct lvs_service *s = lvs_svc_get(t, c);

	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		struct lvs_dest *d = lvs_sched_schedule(s, NULL, 0);

		assert_non_null(d);
		strcat(out, i ? " " : "");
		strcat(out, rs_name(&d->addr));
		d->inactconns++;
		lvs_dest_conn_bound(d);
	}
	return out;
}

static void test_overload_oracle_sequences(void **state)
{
	(void)state;
	struct lvs_table *t = lvs_table_new();
	struct lvs_service_conf a = svc_conf("172.20.0.24", 80, "rr");
	struct lvs_dest_conf rs1 = dest_conf("192.168.1.16", 80, 1, LVS_CONN_F_MASQ);
	struct lvs_dest_conf rs2 = dest_conf("192.168.1.8", 80, 1, LVS_CONN_F_MASQ);

	assert_int_equal(lvs_add_service(t, &a), 0);
	assert_int_equal(lvs_add_dest(t, &a, &rs1), 0);
	assert_int_equal(lvs_add_dest(t, &a, &rs2), 0);
	assert_string_equal(rr_batch(t, &a, 6), "rs2 rs1 rs2 rs1 rs2 rs1");
	rs1.u_threshold = 2; /* -x 2 with 3 conns: overloaded at once */
	assert_int_equal(lvs_edit_dest(t, &a, &rs1), 0);
	assert_string_equal(rr_batch(t, &a, 2), "rs2 rs2");
	rs1.u_threshold = 3; /* raised, but 3 >= 3: still overloaded */
	assert_int_equal(lvs_edit_dest(t, &a, &rs1), 0);
	assert_string_equal(rr_batch(t, &a, 3), "rs2 rs2 rs2");
	rs1.weight = 2; /* thresholds unchanged */
	assert_int_equal(lvs_edit_dest(t, &a, &rs1), 0);
	assert_string_equal(rr_batch(t, &a, 2), "rs2 rs2");
	rs1.u_threshold = 10; /* 3 < 10 - 2: cleared */
	assert_int_equal(lvs_edit_dest(t, &a, &rs1), 0);
	assert_string_equal(rr_batch(t, &a, 4), "rs1 rs2 rs1 rs2");
	rs1.l_threshold = 9;
	assert_int_equal(lvs_edit_dest(t, &a, &rs1), 0);
	assert_string_equal(rr_batch(t, &a, 2), "rs1 rs2");
	assert_int_equal(find_dest(t, &a, "192.168.1.16", 80)->inactconns, 6);
	assert_int_equal(find_dest(t, &a, "192.168.1.8", 80)->inactconns, 13);
	lvs_table_free(t);

	/* first run: -x 2 after 4 requests (2 conns each) */
	t = lvs_table_new();
	rs1 = dest_conf("192.168.1.16", 80, 1, LVS_CONN_F_MASQ);
	assert_int_equal(lvs_add_service(t, &a), 0);
	assert_int_equal(lvs_add_dest(t, &a, &rs1), 0);
	assert_int_equal(lvs_add_dest(t, &a, &rs2), 0);
	assert_string_equal(rr_batch(t, &a, 4), "rs2 rs1 rs2 rs1");
	rs1.u_threshold = 2;
	assert_int_equal(lvs_edit_dest(t, &a, &rs1), 0);
	assert_string_equal(rr_batch(t, &a, 5), "rs2 rs2 rs2 rs2 rs2");
	lvs_table_free(t);
}

/* ---------------------------------------------------------------- lookups */

static void test_svc_find(void **state)
{
	(void)state;
	struct lvs_table *t = lvs_table_new();
	struct lvs_service_conf web = svc_conf("10.1.1.1", 80, "rr");
	struct lvs_service_conf ftp = svc_conf("10.1.1.2", 21, "rr");
	struct lvs_service_conf any = svc_conf("10.1.1.3", 0, "rr");
	struct lvs_service_conf mark = fwm_conf(AF_INET, 9, "rr");
	union lvs_addr v1 = web.addr, v2 = ftp.addr, v3 = any.addr;

	any.flags = LVS_SVC_F_PERSISTENT;
	assert_int_equal(lvs_add_service(t, &web), 0);
	struct lvs_service *sweb = lvs_svc_get(t, &web);

	assert_ptr_equal(lvs_svc_find(t, AF_INET, 0, IPPROTO_TCP, &v1, 80), sweb);
	assert_null(lvs_svc_find(t, AF_INET, 0, IPPROTO_TCP, &v1, 81));
	assert_null(lvs_svc_find(t, AF_INET, 0, IPPROTO_UDP, &v1, 80));
	/* no ftp service yet: no fallback for v2 */
	assert_null(lvs_svc_find(t, AF_INET, 0, IPPROTO_TCP, &v2, 2000));
	assert_int_equal(lvs_add_service(t, &ftp), 0);
	struct lvs_service *sftp = lvs_svc_get(t, &ftp);

	assert_ptr_equal(lvs_svc_find(t, AF_INET, 0, IPPROTO_TCP, &v2, 20), sftp);
	assert_ptr_equal(lvs_svc_find(t, AF_INET, 0, IPPROTO_TCP, &v2, 1024), sftp);
	assert_ptr_equal(lvs_svc_find(t, AF_INET, 0, IPPROTO_TCP, &v2, 65535), sftp);
	assert_null(lvs_svc_find(t, AF_INET, 0, IPPROTO_TCP, &v2, 1023));
	assert_null(lvs_svc_find(t, AF_INET, 0, IPPROTO_UDP, &v2, 2000));
	/* port-zero catch-all */
	assert_null(lvs_svc_find(t, AF_INET, 0, IPPROTO_TCP, &v3, 443));
	assert_int_equal(lvs_add_service(t, &any), 0);
	struct lvs_service *sany = lvs_svc_get(t, &any);

	assert_ptr_equal(lvs_svc_find(t, AF_INET, 0, IPPROTO_TCP, &v3, 443), sany);
	assert_null(lvs_svc_find(t, AF_INET, 0, IPPROTO_UDP, &v3, 443));
	/* fwmark first when the packet has a mark; other marks fall through */
	assert_int_equal(lvs_add_service(t, &mark), 0);
	struct lvs_service *smark = lvs_svc_get(t, &mark);

	assert_ptr_equal(lvs_svc_find(t, AF_INET, 9, IPPROTO_TCP, &v1, 80), smark);
	assert_ptr_equal(lvs_svc_find(t, AF_INET, 8, IPPROTO_TCP, &v1, 80), sweb);
	assert_null(lvs_svc_find(t, AF_INET6, 9, IPPROTO_TCP, &v1, 80));
	/* deleting the ftp service turns the fallback off again */
	assert_int_equal(lvs_del_service(t, &ftp), 0);
	assert_null(lvs_svc_find(t, AF_INET, 0, IPPROTO_TCP, &v2, 2000));
	lvs_table_free(t);
}

/* the table order as "addr" / "FWM n" words joined by spaces */
static void order_str(struct lvs_table *t, char *out, size_t len)
{
	size_t n = 0;

	out[0] = 0;
	for (struct lvs_service *s = lvs_svc_first(t); s; s = lvs_svc_next(t, s)) {
		char buf[64];

		if (s->fwmark)
			snprintf(buf, sizeof(buf), "FWM%u", s->fwmark);
		else
			lvs_addr_str(AF_INET, &s->addr, buf, sizeof(buf));
		n += (size_t)snprintf(out + n, len - n, "%s%s", n ? " " : "", buf);
	}
}

/* Table order is the kernel's dump order: the 256 buckets of
 * ip_vs_svc_hashkey (proto ^ ntohl(addr) ^ (port >> 8) ^ port, low byte)
 * in index order, newest first inside a bucket, then the fwmark buckets.
 * For TCP port 80 the bucket of a.b.c.d is d ^ 6 ^ 80 = d ^ 86:
 * .9 -> 95, .1 -> 87, .5 -> 83; FWM 300 -> 44, FWM 1 -> 1. */
static void test_iteration_order(void **state)
{
	(void)state;
	struct lvs_table *t = lvs_table_new();
	const char *ips[] = { "10.0.0.9", "10.0.0.1", "10.0.0.5" };
	char got[256];

	assert_null(lvs_svc_first(t));
	for (int i = 0; i < 3; i++) {
		struct lvs_service_conf c = svc_conf(ips[i], 80, "wlc");

		assert_int_equal(lvs_add_service(t, &c), 0);
	}
	struct lvs_service_conf f300 = fwm_conf(AF_INET, 300, "wlc"), f1 = fwm_conf(AF_INET, 1, "wlc");
	struct lvs_service_conf same = svc_conf("10.0.1.1", 80, "wlc"); /* bucket 87 too */

	assert_int_equal(lvs_add_service(t, &f300), 0);
	assert_int_equal(lvs_add_service(t, &f1), 0);
	assert_int_equal(lvs_add_service(t, &same), 0);
	order_str(t, got, sizeof(got));
	assert_string_equal(got, "10.0.0.5 10.0.1.1 10.0.0.1 10.0.0.9 FWM1 FWM300");

	/* a re-added service becomes the newest of its bucket */
	struct lvs_service_conf one = svc_conf("10.0.0.1", 80, "wlc");

	assert_int_equal(lvs_del_service(t, &one), 0);
	assert_int_equal(lvs_add_service(t, &one), 0);
	order_str(t, got, sizeof(got));
	assert_string_equal(got, "10.0.0.5 10.0.0.1 10.0.1.1 10.0.0.9 FWM1 FWM300");

	/* deleting a bucket's first hands the bucket to the next one */
	struct lvs_service_conf two = svc_conf("10.0.2.1", 80, "wlc");

	assert_int_equal(lvs_del_service(t, &one), 0);
	assert_int_equal(lvs_add_service(t, &two), 0);
	order_str(t, got, sizeof(got));
	assert_string_equal(got, "10.0.0.5 10.0.2.1 10.0.1.1 10.0.0.9 FWM1 FWM300");

	/* emptying a bucket, then refilling it */
	assert_int_equal(lvs_del_service(t, &two), 0);
	assert_int_equal(lvs_del_service(t, &same), 0);
	order_str(t, got, sizeof(got));
	assert_string_equal(got, "10.0.0.5 10.0.0.9 FWM1 FWM300");
	assert_int_equal(lvs_add_service(t, &same), 0);
	order_str(t, got, sizeof(got));
	assert_string_equal(got, "10.0.0.5 10.0.1.1 10.0.0.9 FWM1 FWM300");

	assert_int_equal(lvs_svc_count(t), 5);
	assert_int_equal(lvs_flush(t), 0);
	assert_int_equal(lvs_svc_count(t), 0);
	assert_null(lvs_svc_first(t));
	lvs_table_free(t);
}

/* ------------------------------------------------------ timeouts, daemons */

static void test_timeouts(void **state)
{
	(void)state;
	struct lvs_table *t = lvs_table_new();
	const struct lvs_timeouts *to = lvs_get_timeouts(t);
	static const uint32_t want[LVS_TCP_S_LAST] = { 2, 900, 120, 60, 120, 120, 10, 60, 30, 120, 120 };

	for (int i = 0; i < LVS_TCP_S_LAST; i++)
		assert_int_equal(to->tcp[i], want[i]);
	assert_int_equal(to->udp, 300);
	assert_int_equal(lvs_set_timeouts(t, 0, 0, 0), 0); /* 0 = unchanged */
	assert_int_equal(to->tcp[LVS_TCP_S_ESTABLISHED], 900);
	assert_int_equal(lvs_set_timeouts(t, 100, 20, 30), 0);
	assert_int_equal(to->tcp[LVS_TCP_S_ESTABLISHED], 100);
	assert_int_equal(to->tcp[LVS_TCP_S_FIN_WAIT], 20);
	assert_int_equal(to->udp, 30);
	assert_int_equal(to->tcp[LVS_TCP_S_TIME_WAIT], 120);
	/* INT_MAX / HZ (250) = 8589934 is the largest */
	assert_int_equal(lvs_set_timeouts(t, 8589935, 0, 0), -EINVAL);
	assert_int_equal(lvs_set_timeouts(t, 0, 8589935, 0), -EINVAL);
	assert_int_equal(lvs_set_timeouts(t, 0, 0, UINT32_MAX), -EINVAL);
	assert_int_equal(to->tcp[LVS_TCP_S_ESTABLISHED], 100);
	assert_int_equal(lvs_set_timeouts(t, 8589934, 0, 0), 0);
	assert_int_equal(to->tcp[LVS_TCP_S_ESTABLISHED], 8589934);
	lvs_table_free(t);
}

static void test_daemons(void **state)
{
	(void)state;
	struct lvs_table *t = lvs_table_new();
	struct lvs_daemon_conf m, b, out[2];

	memset(&m, 0, sizeof(m));
	m.state = LVS_DAEMON_MASTER;
	snprintf(m.mcast_ifn, sizeof(m.mcast_ifn), "d0");
	b = m;
	b.state = LVS_DAEMON_BACKUP;
	b.syncid = 5;

	assert_int_equal(lvs_stop_daemon(t, LVS_DAEMON_MASTER), -ESRCH);
	assert_int_equal(lvs_stop_daemon(t, LVS_DAEMON_BACKUP), -ESRCH);
	assert_int_equal(lvs_get_daemons(t, out), 0);
	assert_int_equal(lvs_start_daemon(t, &b), 0);
	assert_int_equal(lvs_start_daemon(t, &m), 0);
	assert_int_equal(lvs_start_daemon(t, &m), -EEXIST);
	assert_int_equal(lvs_start_daemon(t, &b), -EEXIST);
	/* oracle: maxlen=1472, group=224.0.0.81, port=8848, ttl=1; master first */
	assert_int_equal(lvs_get_daemons(t, out), 2);
	assert_int_equal(out[0].state, LVS_DAEMON_MASTER);
	assert_int_equal(out[1].state, LVS_DAEMON_BACKUP);
	assert_int_equal(out[1].syncid, 5);
	assert_int_equal(out[0].sync_maxlen, 1472);
	assert_int_equal(out[0].mcast_af, AF_INET);
	assert_int_equal(out[0].mcast_group.ip, htonl(0xE0000051));
	assert_int_equal(out[0].mcast_port, 8848);
	assert_int_equal(out[0].mcast_ttl, 1);
	assert_string_equal(out[0].mcast_ifn, "d0");
	assert_int_equal(lvs_stop_daemon(t, LVS_DAEMON_MASTER), 0);
	assert_int_equal(lvs_stop_daemon(t, LVS_DAEMON_MASTER), -ESRCH);
	assert_int_equal(lvs_get_daemons(t, out), 1);
	assert_int_equal(out[0].state, LVS_DAEMON_BACKUP);
	assert_int_equal(lvs_stop_daemon(t, LVS_DAEMON_BACKUP), 0);
	assert_int_equal(lvs_stop_daemon(t, 3), -EINVAL);

	/* oracle: IPv6 group -> maxlen 1452; backup maxlen clamped up to 1024;
	 * master maxlen 100 kept */
	b.syncid = 0;
	b.mcast_af = AF_INET6;
	inet_pton(AF_INET6, "ff02::81", &b.mcast_group.in6);
	assert_int_equal(lvs_start_daemon(t, &b), 0);
	assert_int_equal(lvs_get_daemons(t, out), 1);
	assert_int_equal(out[0].sync_maxlen, 1452);
	assert_int_equal(lvs_stop_daemon(t, LVS_DAEMON_BACKUP), 0);
	b.mcast_af = 0;
	b.sync_maxlen = 10;
	assert_int_equal(lvs_start_daemon(t, &b), 0);
	lvs_get_daemons(t, out);
	assert_int_equal(out[0].sync_maxlen, 1024);
	m.sync_maxlen = 100;
	m.mcast_af = AF_INET;
	inet_pton(AF_INET, "239.1.1.1", &m.mcast_group.ip);
	m.mcast_port = 9000;
	m.mcast_ttl = 3;
	assert_int_equal(lvs_start_daemon(t, &m), 0);
	assert_int_equal(lvs_get_daemons(t, out), 2);
	assert_int_equal(out[0].sync_maxlen, 100);
	assert_int_equal(out[0].mcast_port, 9000);
	assert_int_equal(out[0].mcast_ttl, 3);
	assert_int_equal(out[0].mcast_group.ip, m.mcast_group.ip);
	assert_int_equal(lvs_stop_daemon(t, LVS_DAEMON_MASTER), 0);
	/* a group that is not multicast */
	inet_pton(AF_INET, "10.0.0.1", &m.mcast_group.ip);
	assert_int_equal(lvs_start_daemon(t, &m), -EINVAL);
	m.state = 0;
	m.mcast_af = 0;
	assert_int_equal(lvs_start_daemon(t, &m), -EINVAL);
	lvs_table_free(t);
}

static int fake_mtu(const char *ifname, void *arg)
{
	(void)arg;
	if (!strcmp(ifname, "lo"))
		return 65536;
	if (!strcmp(ifname, "eth0"))
		return 1500;
	if (!strcmp(ifname, "tiny"))
		return 1280;
	return -ENODEV;
}

/* with the interface hook: 6.1 start_sync_thread order and MTU-derived
 * maxlen (golden cases 170, 171, 174 captured on the oracle) */
static void test_daemons_interface_hook(void **state)
{
	(void)state;
	struct lvs_table *t = lvs_table_new();
	struct lvs_daemon_conf m, b, out[2];

	lvs_table_set_ifmtu_hook(t, fake_mtu, NULL);
	memset(&m, 0, sizeof(m));
	m.state = LVS_DAEMON_MASTER;
	snprintf(m.mcast_ifn, sizeof(m.mcast_ifn), "lo");
	b = m;
	b.state = LVS_DAEMON_BACKUP;

	assert_int_equal(lvs_start_daemon(t, &b), 0);
	assert_int_equal(lvs_start_daemon(t, &m), 0);
	assert_int_equal(lvs_get_daemons(t, out), 2);
	assert_int_equal(out[0].sync_maxlen, 1472);  /* master: always 1500 */
	assert_int_equal(out[1].sync_maxlen, 65507); /* backup on lo: 65535 - 28 */
	/* the device is checked before EEXIST */
	snprintf(m.mcast_ifn, sizeof(m.mcast_ifn), "nosuch");
	assert_int_equal(lvs_start_daemon(t, &m), -ENODEV);
	snprintf(m.mcast_ifn, sizeof(m.mcast_ifn), "eth0");
	assert_int_equal(lvs_start_daemon(t, &m), -EEXIST);
	assert_int_equal(lvs_stop_daemon(t, LVS_DAEMON_MASTER), 0);
	assert_int_equal(lvs_stop_daemon(t, LVS_DAEMON_BACKUP), 0);

	/* IPv6 group on lo: 65535 - 48 */
	b.mcast_af = AF_INET6;
	inet_pton(AF_INET6, "ff15::1234", &b.mcast_group.in6);
	b.mcast_port = 9999;
	assert_int_equal(lvs_start_daemon(t, &b), 0);
	lvs_get_daemons(t, out);
	assert_int_equal(out[0].sync_maxlen, 65487);
	assert_int_equal(out[0].mcast_port, 9999);
	assert_int_equal(lvs_stop_daemon(t, LVS_DAEMON_BACKUP), 0);
	/* a backup on a small-MTU device still gets 1500 - 28; an explicit
	 * maxlen is only capped at 65535 - 28 (golden 173: master 65507) */
	b.mcast_af = 0;
	snprintf(b.mcast_ifn, sizeof(b.mcast_ifn), "tiny");
	assert_int_equal(lvs_start_daemon(t, &b), 0);
	m.sync_maxlen = 65535;
	assert_int_equal(lvs_start_daemon(t, &m), 0);
	assert_int_equal(lvs_get_daemons(t, out), 2);
	assert_int_equal(out[0].sync_maxlen, 65507);
	assert_int_equal(out[1].sync_maxlen, 1472);
	assert_int_equal(lvs_stop_daemon(t, LVS_DAEMON_MASTER), 0);
	m.sync_maxlen = 9000;
	assert_int_equal(lvs_start_daemon(t, &m), 0);
	lvs_get_daemons(t, out);
	assert_int_equal(out[0].sync_maxlen, 9000);
	lvs_table_free(t);
}

/* ------------------------------------------------------------------ zero */

static void test_zero_and_estimate(void **state)
{
	(void)state;
	struct lvs_table *t = lvs_table_new();
	struct lvs_service_conf a = svc_conf("10.1.1.1", 80, "rr");
	struct lvs_service_conf b = svc_conf("10.1.1.2", 80, "rr");
	struct lvs_service_conf missing = svc_conf("10.1.1.99", 80, "rr");
	struct lvs_dest_conf dc = dest_conf("192.168.1.1", 80, 1, LVS_CONN_F_MASQ);
	struct lvs_stats_view v;

	assert_int_equal(lvs_add_service(t, &a), 0);
	assert_int_equal(lvs_add_service(t, &b), 0);
	assert_int_equal(lvs_add_dest(t, &a, &dc), 0);
	struct lvs_service *sa = lvs_svc_get(t, &a), *sb = lvs_svc_get(t, &b);
	struct lvs_dest *d = find_dest(t, &a, "192.168.1.1", 80);

	lvs_stats_slot(&sa->stats, 0)->conns = 10;
	lvs_stats_slot(&sb->stats, 0)->conns = 20;
	lvs_stats_slot(&d->stats, 0)->conns = 10;
	lvs_stats_slot(lvs_table_global_stats(t), 0)->conns = 30;
	/* counters only show after the estimator ran (6.1 behaviour) */
	lvs_stats_read(&sa->stats, &v);
	assert_int_equal(v.c.conns, 0);
	lvs_table_estimate(t);
	lvs_stats_read(&sa->stats, &v);
	assert_int_equal(v.c.conns, 10);
	assert_true(v.r.cps > 0);
	lvs_stats_read(&d->stats, &v);
	assert_int_equal(v.c.conns, 10);
	lvs_stats_read(lvs_table_global_stats(t), &v);
	assert_int_equal(v.c.conns, 30);

	assert_int_equal(lvs_zero(t, &missing), -ESRCH);
	assert_int_equal(lvs_zero(t, &a), 0);
	lvs_stats_read(&sa->stats, &v);
	assert_int_equal(v.c.conns, 0);
	assert_int_equal(v.r.cps, 0);
	lvs_stats_read(&d->stats, &v);
	assert_int_equal(v.c.conns, 0);
	lvs_stats_read(&sb->stats, &v);
	assert_int_equal(v.c.conns, 20); /* other service untouched */
	lvs_stats_read(lvs_table_global_stats(t), &v);
	assert_int_equal(v.c.conns, 30); /* global only with zero-all */
	assert_int_equal(lvs_zero(t, NULL), 0);
	lvs_stats_read(&sb->stats, &v);
	assert_int_equal(v.c.conns, 0);
	lvs_stats_read(lvs_table_global_stats(t), &v);
	assert_int_equal(v.c.conns, 0);
	lvs_table_free(t);
}

/* ---------------------------------------------------------------- inet.c */

static void test_inet_helpers(void **state)
{
	(void)state;
	union lvs_addr a, m;
	char buf[64];

	a = ip4("192.168.10.77");
	lvs_addr_mask(AF_INET, &m, &a, htonl(0xffffff00));
	assert_string_equal(lvs_addr_str(AF_INET, &m, buf, sizeof(buf)), "192.168.10.0");
	a = ip6("2001:db8:1:2:3:4:5:6");
	lvs_addr_mask(AF_INET6, &m, &a, 64);
	assert_string_equal(lvs_addr_str(AF_INET6, &m, buf, sizeof(buf)), "2001:db8:1:2::");
	lvs_addr_mask(AF_INET6, &m, &a, 52);
	assert_string_equal(lvs_addr_str(AF_INET6, &m, buf, sizeof(buf)), "2001:db8:1::");
	lvs_addr_mask(AF_INET6, &m, &a, 128);
	assert_string_equal(lvs_addr_str(AF_INET6, &m, buf, sizeof(buf)), "2001:db8:1:2:3:4:5:6");
	lvs_addr_mask(AF_INET6, &m, &a, 0);
	assert_string_equal(lvs_addr_str(AF_INET6, &m, buf, sizeof(buf)), "::");
}

/* ------------------------------------------------------------ random ops */

static uint64_t rnd_state = 88172645463325252ull;
static uint32_t rnd(uint32_t n)
{
	return (uint32_t)(xorshift64(&rnd_state) % n);
}

/* the structural invariants after every operation */
static void check_invariants(struct lvs_table *t)
{
	size_t n = 0;

	for (struct lvs_service *s = lvs_svc_first(t); s; s = lvs_svc_next(t, s), n++) {
		struct lvs_dest *d;
		int nd = 0;

		if (s->fwmark)
			assert_ptr_equal(lvs_svc_lookup_fwmark(t, s->af, s->fwmark), s);
		else
			assert_ptr_equal(lvs_svc_lookup(t, s->af, s->protocol, &s->addr, s->port), s);
		lvs_list_for_each_entry(d, &s->destinations, n_list) {
			assert_ptr_equal(d->svc, s);
			assert_true(d->flags & LVS_DEST_F_AVAILABLE);
			assert_true(d->refcnt >= 1);
			assert_ptr_equal(lvs_dest_lookup(s, d->af, &d->addr, d->port), d);
			nd++;
		}
		assert_int_equal(nd, s->num_dests);
		/* whatever the scheduler picks is a live, usable dest of s */
		if (s->sched) {
			struct lvs_sched_pkt pkt;

			memset(&pkt, 0, sizeof(pkt));
			pkt.af = s->af;
			pkt.protocol = (uint8_t)s->protocol;
			pkt.saddr.ip = htonl(0x0A000000u + rnd(1000));
			pkt.daddr = s->addr;
			pkt.sport = (uint16_t)(1024 + rnd(60000));
			pkt.dport = s->port;
			for (int k = 0; k < 3; k++) {
				struct lvs_dest *p = lvs_sched_schedule(s, &pkt, 1000), *q;
				int found = 0;

				if (!p)
					continue;
				lvs_list_for_each_entry(q, &s->destinations, n_list)
					found |= q == p;
				assert_true(found);
				assert_true(p->weight > 0);
				p->activeconns += rnd(2);
			}
		}
	}
	assert_int_equal(n, lvs_svc_count(t));
}

/* thousands of random control operations over every scheduler: under
 * ASan/UBSan this is where a dangling cursor or cache would show up */
static void test_random_operations(void **state)
{
	(void)state;
	static const char *scheds[] = { "rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh",
					"sh", "sed", "nq", "fo", "ovf", "mh", "twos", "none" };
	struct lvs_table *t = lvs_table_new();
	uint64_t now = 1;

	assert_int_equal(lvs_sched_set_available("twos", 1), 0);
	for (int op = 0; op < 20000; op++) {
		struct lvs_service_conf c = svc_conf("10.0.0.1", 80, scheds[rnd(15)]);
		struct lvs_dest_conf d = dest_conf("192.168.0.1", 80, (int)rnd(4), rnd(2) ? LVS_CONN_F_MASQ : LVS_CONN_F_DROUTE);
		int rc;

		c.addr.ip = htonl(0x0A000001u + rnd(3));
		if (rnd(8) == 0) {
			c = fwm_conf(AF_INET, 1 + rnd(3), scheds[rnd(15)]);
		}
		if (rnd(4) == 0)
			c.flags = LVS_SVC_F_SCHED1 | LVS_SVC_F_SCHED2;
		d.addr.ip = htonl(0xC0A80001u + rnd(5));
		d.u_threshold = rnd(3) ? 0 : rnd(5);
		switch (rnd(12)) {
		case 0: case 1:
			rc = lvs_add_service(t, &c);
			assert_true(rc == 0 || rc == -EEXIST);
			break;
		case 2:
			rc = lvs_edit_service(t, &c);
			assert_true(rc == 0 || rc == -ESRCH);
			break;
		case 3:
			rc = lvs_del_service(t, &c);
			assert_true(rc == 0 || rc == -ESRCH);
			break;
		case 4: case 5: case 6:
			rc = lvs_add_dest(t, &c, &d);
			assert_true(rc == 0 || rc == -EEXIST || rc == -ESRCH);
			break;
		case 7: case 8:
			rc = lvs_edit_dest(t, &c, &d);
			assert_true(rc == 0 || rc == -ENOENT || rc == -ESRCH);
			break;
		case 9:
			rc = lvs_del_dest(t, &c, &d);
			assert_true(rc == 0 || rc == -ENOENT || rc == -ESRCH);
			break;
		case 10:
			now += 61000; /* trash reaped after two of these */
			lvs_table_tick(t, now);
			lvs_table_estimate(t);
			break;
		default:
			if (rnd(50) == 0)
				assert_int_equal(lvs_flush(t), 0);
			break;
		}
		check_invariants(t);
	}
	lvs_table_free(t);
	assert_int_equal(lvs_sched_set_available("twos", 0), 0);
}

/* ----------------------------------------------------------------- scale */

/* 10,000 services x 10 dests, then flush and restore again (the restore
 * path revives every dest from the trash).  The time bound only catches a
 * quadratic path (seconds of CPU per round, far beyond it); how fast the
 * table really is belongs to bench/micro, not to a test that a loaded
 * machine or the sanitizers can slow down several times over. */
static void test_scale_10k_services(void **state)
{
	(void)state;
	struct lvs_table *t = lvs_table_new();

	for (int round = 0; round < 2; round++) {
		double t0 = clock_seconds(CLOCK_PROCESS_CPUTIME_ID);

		for (int i = 0; i < 10000; i++) {
			struct lvs_service_conf c = svc_conf("10.0.0.0", 80, "wlc");

			c.addr.ip = htonl(0x0A000000u + (uint32_t)i);
			assert_int_equal(lvs_add_service(t, &c), 0);
			for (int j = 0; j < 10; j++) {
				struct lvs_dest_conf d = dest_conf("192.168.0.0", 80, 1, LVS_CONN_F_MASQ);

				d.addr.ip = htonl(0xC0A80000u + (uint32_t)j + 1);
				assert_int_equal(lvs_add_dest(t, &c, &d), 0);
			}
		}
		double dt = clock_seconds(CLOCK_PROCESS_CPUTIME_ID) - t0;

		print_message("# round %d: 10000 services x 10 dests in %.3f s\n", round, dt);
		assert_true(dt < 10.0);
		assert_int_equal(lvs_svc_count(t), 10000);
		union lvs_addr k;

		memset(&k, 0, sizeof(k));
		k.ip = htonl(0x0A000000u + 4321);
		assert_non_null(lvs_svc_lookup(t, AF_INET, IPPROTO_TCP, &k, 80));
		assert_int_equal(lvs_svc_lookup(t, AF_INET, IPPROTO_TCP, &k, 80)->num_dests, 10);
		t0 = clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
		assert_int_equal(lvs_flush(t), 0);
		assert_true(clock_seconds(CLOCK_PROCESS_CPUTIME_ID) - t0 < 10.0);
	}
	lvs_table_free(t);
}

UNIT_TESTS(cmocka_unit_test(test_service_add_get_errors),
	   cmocka_unit_test(test_service_ipv6_netmask_and_fwmark),
	   cmocka_unit_test(test_service_edit_replaces_everything),
	   cmocka_unit_test(test_dest_errors),
	   cmocka_unit_test(test_dest_address_types),
	   cmocka_unit_test(test_dest_mixed_af_and_flags),
	   cmocka_unit_test(test_dest_order_and_last_weight),
	   cmocka_unit_test(test_trash_revive_and_reap),
	   cmocka_unit_test(test_deleted_service_grace_period),
	   cmocka_unit_test(test_overload_rules),
	   cmocka_unit_test(test_overload_oracle_sequences),
	   cmocka_unit_test(test_svc_find),
	   cmocka_unit_test(test_iteration_order),
	   cmocka_unit_test(test_timeouts),
	   cmocka_unit_test(test_daemons),
	   cmocka_unit_test(test_daemons_interface_hook),
	   cmocka_unit_test(test_zero_and_estimate),
	   cmocka_unit_test(test_inet_helpers),
	   cmocka_unit_test(test_random_operations),
	   cmocka_unit_test(test_scale_10k_services))
