/* test_metrics.c - the table's Prometheus families (core/metrics.h) and
 * the text format helpers (lib/prom.h): label values as node_exporter's
 * ipvs collector derives them, escaping, one header per family, equal
 * label sets summed. */
#include <stdio.h>
#include <string.h>

#include "fixture.h"
#include "core/metrics.h"
#include "lib/prom.h"

/* the remote_address label of addr, as text (kept until the next call) */
static const char *remote(const char *addr)
{
	static char text[256];
	struct strbuf sb = STRBUF_INIT;
	union lvs_addr a = ip46(addr);

	lvs_metrics_dest_labels(&sb, addr_af(addr), &a, 8080);
	assert_false(sb.oom);
	snprintf(text, sizeof(text), "%s", sb.buf);
	sb_free(&sb);
	return text;
}

static void address_labels_as_go_prints_them(void **state)
{
	(void)state;
	assert_string_equal(remote("192.168.1.16"), "remote_address=\"192.168.1.16\",remote_port=\"8080\"");
	assert_string_equal(remote("2001:db8::10"), "remote_address=\"2001:db8::10\",remote_port=\"8080\"");
	/* the first of two equally long zero runs becomes "::" */
	assert_string_equal(remote("2001:db8:0:0:1:0:0:10"),
			    "remote_address=\"2001:db8::1:0:0:10\",remote_port=\"8080\"");
	/* a single zero group stays */
	assert_string_equal(remote("2001:db8:0:1:1:1:1:1"),
			    "remote_address=\"2001:db8:0:1:1:1:1:1\",remote_port=\"8080\"");
	assert_string_equal(remote("::"), "remote_address=\"::\",remote_port=\"8080\"");
	assert_string_equal(remote("::1"), "remote_address=\"::1\",remote_port=\"8080\"");
	assert_string_equal(remote("fe80::"), "remote_address=\"fe80::\",remote_port=\"8080\"");
	/* IPv4-mapped: dotted, as Go's net.IP; IPv4-compatible: hex groups */
	assert_string_equal(remote("::ffff:10.0.0.7"), "remote_address=\"10.0.0.7\",remote_port=\"8080\"");
	assert_string_equal(remote("::10.0.0.7"), "remote_address=\"::a00:7\",remote_port=\"8080\"");
}

static void service_labels(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	union lvs_addr vip = ip4("172.20.0.24"), none = { 0 };

	(void)state;
	lvs_metrics_svc_labels(&sb, AF_INET, IPPROTO_UDP, &vip, 53, 0);
	assert_string_equal(sb.buf, "local_address=\"172.20.0.24\",local_mark=\"\",local_port=\"53\",proto=\"UDP\"");
	sb_free(&sb);
	/* a firewall mark: the /proc line's hex, no address, port 0 */
	lvs_metrics_svc_labels(&sb, AF_INET6, IPPROTO_TCP, &none, 0, 0x1a);
	assert_string_equal(sb.buf, "local_address=\"\",local_mark=\"0000001A\",local_port=\"0\",proto=\"FWM\"");
	sb_free(&sb);
}

static void escaping_and_headers(void **state)
{
	struct strbuf lbl = STRBUF_INIT, out = STRBUF_INIT;
	struct lvs_prom_fam f = LVS_PROM_FAM("lvsd_x_total", "counter", "A \\ help\nline.");

	(void)state;
	lvs_prom_label(&lbl, "check", "http \"a\\b\"\n");
	assert_string_equal(lbl.buf, "check=\"http \\\"a\\\\b\\\"\\n\"");
	lvs_prom_u64(&out, &f, lbl.buf, 18446744073709551615ull);
	lvs_prom_u64(&out, &f, NULL, 0);
	lvs_prom_double(&out, &f, "", 0.25);
	assert_string_equal(out.buf, "# HELP lvsd_x_total A \\\\ help\\nline.\n"
				     "# TYPE lvsd_x_total counter\n"
				     "lvsd_x_total{check=\"http \\\"a\\\\b\\\"\\n\"} 18446744073709551615\n"
				     "lvsd_x_total 0\n"
				     "lvsd_x_total 0.250\n");
	sb_free(&lbl);
	sb_free(&out);
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

static void table_families(void **state)
{
	struct lvs_table *t = lvs_table_new();
	struct strbuf out = STRBUF_INIT;

	(void)state;
	assert_non_null(t);
	/* an empty table: the global counters, no backend families */
	assert_int_equal(lvs_metrics_table(t, &out), 0);
	assert_non_null(strstr(out.buf, "# HELP node_ipvs_connections_total The total number of connections made.\n"
					"# TYPE node_ipvs_connections_total counter\n"
					"node_ipvs_connections_total 0\n"));
	assert_null(strstr(out.buf, "node_ipvs_backend"));
	assert_null(strstr(out.buf, "lvsd_real_server"));
	sb_free(&out);

	struct lvs_service_conf a = svc_conf("172.20.0.24", 80, "wrr");
	add_svc(t, &a);
	add_dest(t, &a, RS1, 80, 3, LVS_CONN_F_MASQ);
	add_dest(t, &a, RS2, 80, 1, LVS_CONN_F_MASQ);
	/* a mark served in both families, by one IPv4 server (tunnelled from
	 * the IPv6 service): the collector cannot tell them apart and sums them */
	struct lvs_service_conf f4 = fwm_conf(AF_INET, 7, "wlc"), f6 = fwm_conf(AF_INET6, 7, "wlc");
	add_svc(t, &f4);
	add_svc(t, &f6);
	add_dest(t, &f4, "10.0.0.7", 0, 1, LVS_CONN_F_DROUTE);
	add_dest(t, &f6, "10.0.0.7", 0, 2, LVS_CONN_F_TUNNEL);

	assert_int_equal(lvs_metrics_table(t, &out), 0);
	assert_non_null(strstr(out.buf,
		"# HELP node_ipvs_backend_weight The current backend weight by local and remote address.\n"
		"# TYPE node_ipvs_backend_weight gauge\n"
		"node_ipvs_backend_weight{local_address=\"\",local_mark=\"00000007\",local_port=\"0\",proto=\"FWM\","
		"remote_address=\"10.0.0.7\",remote_port=\"0\"} 3\n"
		"node_ipvs_backend_weight{local_address=\"172.20.0.24\",local_mark=\"\",local_port=\"80\",proto=\"TCP\","
		"remote_address=\"192.168.1.16\",remote_port=\"80\"} 3\n"
		"node_ipvs_backend_weight{local_address=\"172.20.0.24\",local_mark=\"\",local_port=\"80\",proto=\"TCP\","
		"remote_address=\"192.168.1.8\",remote_port=\"80\"} 1\n"));
	assert_int_equal(count(out.buf, "# TYPE node_ipvs_backend_connections_active gauge\n"), 1);
	assert_int_equal(count(out.buf, "\nnode_ipvs_backend_connections_inactive{"), 3);
	assert_int_equal(count(out.buf, "\nlvsd_service_connections_total{"), 2);
	assert_non_null(strstr(out.buf, "\nlvsd_real_server_weight{local_address=\"172.20.0.24\",local_mark=\"\","
					"local_port=\"80\",proto=\"TCP\",remote_address=\"192.168.1.8\","
					"remote_port=\"80\"} 1\n"));
	assert_false(out.oom);
	sb_free(&out);
	lvs_table_free(t);
}

UNIT_TESTS(cmocka_unit_test(address_labels_as_go_prints_them), cmocka_unit_test(service_labels),
	   cmocka_unit_test(escaping_and_headers), cmocka_unit_test(table_families))
