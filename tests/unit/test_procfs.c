/* test_procfs.c - /proc/net/ip_vs and ip_vs_stats text, byte for byte
 * against the oracle sample (spec/oracle-samples.md, "cat /proc/net/ip_vs"). */
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include "fixture.h"
#include "core/procfs.h"
#include "core/table.h"
#include "core/stats.h"

/* /proc/net/ip_vs of t, as the text of one read (kept until the next call) */
static const char *ip_vs(struct lvs_table *t)
{
	static char text[4096];
	struct strbuf sb = STRBUF_INIT;

	lvs_procfs_ip_vs(t, &sb);
	assert_false(sb.oom);
	assert_true(sb.len < sizeof(text));
	memcpy(text, sb.buf, sb.len + 1);
	sb_free(&sb);
	return text;
}

static void oracle_ip_vs(void **state)
{
	(void)state;
	struct lvs_table *t = lvs_table_new();
	assert_non_null(t);

	struct lvs_service_conf a = svc_conf("172.20.0.24", 80, "wrr");
	a.flags = LVS_SVC_F_PERSISTENT;
	a.timeout = 360;
	add_svc(t, &a);
	add_dest(t, &a, "192.168.1.16", 80, 3, LVS_CONN_F_MASQ);
	add_dest(t, &a, "192.168.1.8", 80, 1, LVS_CONN_F_MASQ);

	struct lvs_service_conf f = fwm_conf(AF_INET, 7, "wlc");
	f.flags = LVS_SVC_F_PERSISTENT;
	f.timeout = 3600;
	add_svc(t, &f);
	add_dest(t, &f, "10.0.0.7", 0, 1, LVS_CONN_F_DROUTE);

	struct lvs_service_conf b = svc_conf("10.0.0.1", 53, "sh");
	b.protocol = IPPROTO_UDP;
	b.flags = LVS_SVC_F_SCHED2;
	add_svc(t, &b);

	struct lvs_service_conf c = svc_conf("2001:db8::1", 443, "mh");
	c.flags = LVS_SVC_F_SCHED1 | LVS_SVC_F_SCHED2;
	add_svc(t, &c);
	add_dest(t, &c, "2001:db8::10", 8443, 1, LVS_CONN_F_MASQ);

	/* Every line is the oracle's.  The service order is the kernel's dump
	 * order (hash buckets, fwmark services last) with lvsd's fixed zero in
	 * place of the kernel's per-boot netns term: buckets IPv6 :443 -> 5,
	 * UDP 10.0.0.1:53 -> 37, TCP 172.20.0.24:80 -> 78 (see table.c). */
	assert_string_equal(ip_vs(t),
		"IP Virtual Server version 1.2.1 (size=4096)\n"
		"Prot LocalAddress:Port Scheduler Flags\n"
		"  -> RemoteAddress:Port Forward Weight ActiveConn InActConn\n"
		"TCP  [2001:0db8:0000:0000:0000:0000:0000:0001]:01BB mh \n"
		"  -> [2001:0db8:0000:0000:0000:0000:0000:0010]:20FB      Masq    1      0          0         \n"
		"UDP  0A000001:0035 sh  \n"
		"TCP  AC140018:0050 wrr  persistent 90000 FFFFFFFF\n"
		"  -> C0A80108:0050      Masq    1      0          0         \n"
		"  -> C0A80110:0050      Masq    3      0          0         \n"
		"FWM  00000007 wlc persistent 900000 FFFFFFFF\n"
		"  -> 0A000007:0000      Route   1      0          0         \n");
	lvs_table_free(t);
}

static void ops_and_masks(void **state)
{
	(void)state;
	struct lvs_table *t = lvs_table_new();
	struct lvs_service_conf a = svc_conf("192.168.1.100", 53, "rr");
	a.protocol = IPPROTO_UDP;
	a.flags = LVS_SVC_F_ONEPACKET | LVS_SVC_F_PERSISTENT;
	a.timeout = 360;
	a.netmask = htonl(0xffffff00);
	add_svc(t, &a);
	struct lvs_service_conf f = fwm_conf(AF_INET, 0x1234, "rr");
	f.flags = LVS_SVC_F_ONEPACKET;
	add_svc(t, &f);
	struct lvs_service_conf c = svc_conf("::1", 80, "wlc");
	c.flags = LVS_SVC_F_PERSISTENT;
	c.timeout = 10;
	c.netmask = 64;
	add_svc(t, &c);
	add_dest(t, &a, "10.0.0.1", 80, 0, LVS_CONN_F_TUNNEL);
	add_dest(t, &a, "10.0.0.2", 80, 65535, LVS_CONN_F_LOCALNODE);

	const char *text = ip_vs(t), *body = strstr(text, "InActConn\n") + strlen("InActConn\n");
	assert_string_equal(body,
		"UDP  C0A80164:0035 rr ops  persistent 90000 FFFFFF00\n"
		"  -> 0A000002:0050      Local   65535  0          0         \n"
		"  -> 0A000001:0050      Tunnel  0      0          0         \n"
		"TCP  [0000:0000:0000:0000:0000:0000:0000:0001]:0050 wlc persistent 2500 40000000\n"
		"FWM  00001234 rr ops \n");
	lvs_table_free(t);
}

static void stats_view(void **state)
{
	(void)state;
	struct lvs_table *t = lvs_table_new();
	struct lvs_stats *g = lvs_table_global_stats(t);
	struct lvs_counters *c = lvs_stats_slot(g, 0);
	c->conns = 0x4d2;
	c->inpkts = 0xddd5;
	c->outpkts = 0xb26e;
	c->inbytes = 0xbc614e;
	c->outbytes = 0x3ade68b1;
	lvs_table_estimate(t);
	struct strbuf sb = STRBUF_INIT;
	lvs_procfs_ip_vs_stats(t, &sb);
	const char *want_head =
		"   Total Incoming Outgoing         Incoming         Outgoing\n"
		"   Conns  Packets  Packets            Bytes            Bytes\n"
		"     4D2     DDD5     B26E           BC614E         3ADE68B1\n"
		"\n"
		" Conns/s   Pkts/s   Pkts/s          Bytes/s          Bytes/s\n";
	assert_memory_equal(sb.buf, want_head, strlen(want_head));
	/* the rate row: five hex fields of the widths 8 8 8 16 16 */
	const char *rates = sb.buf + strlen(want_head);
	assert_int_equal(strlen(rates), 8 + 1 + 8 + 1 + 8 + 1 + 16 + 1 + 16 + 1);
	sb_free(&sb);

	/* -Z without a service zeroes the global counters */
	assert_int_equal(lvs_zero(t, NULL), 0);
	lvs_procfs_ip_vs_stats(t, &sb);
	assert_non_null(strstr(sb.buf, "       0        0        0                0                0\n\n"));
	sb_free(&sb);
	lvs_table_free(t);
}

static void names(void **state)
{
	(void)state;
	assert_string_equal(lvs_fwd_name(LVS_CONN_F_DROUTE | LVS_CONN_F_INACTIVE), "Route");
	assert_string_equal(lvs_fwd_name(7), "Unknown");
}

UNIT_TESTS(cmocka_unit_test(oracle_ip_vs),
	   cmocka_unit_test(ops_and_masks),
	   cmocka_unit_test(stats_view),
	   cmocka_unit_test(names))
