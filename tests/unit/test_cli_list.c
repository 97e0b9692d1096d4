/* test_cli_list.c - ipvsadm's listing formats without a daemon: list.c is
 * compiled in with the client calls it makes stubbed out, and its stdout
 * is captured.  Expectations are real ipvsadm output (oracle VM or the
 * spec's verified samples). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

/* before cmocka.h, whose fail() macro would clash with cli.h's fail() */
#include "cli/list.c"
#include "cli/errmsg.c"

#include "fixture.h"

struct lvsc *g_ctl;
struct lvs_info g_info = { 0x010201, 4096, 0 };
const char *g_prog = "ipvsadm";

/* ---- stubs for the client calls list.c makes -------------------------- */

static struct lvs_service_entry *stub_svcs;
static size_t stub_nsvcs;
static const char *stub_conn_text;

int lvsc_get_services(struct lvsc *c, struct lvs_service_entry **out, size_t *n)
{
	(void)c;
	*out = stub_svcs;
	*n = stub_nsvcs;
	return 0;
}

int lvsc_get_service(struct lvsc *c, const struct lvs_service_conf *key, struct lvs_service_entry **out)
{
	(void)c;
	(void)key;
	*out = stub_svcs;
	return stub_nsvcs ? 0 : -ESRCH;
}

void lvsc_free_services(struct lvs_service_entry *v, size_t n)
{
	(void)v;
	(void)n;
}

int lvsc_get_timeouts(struct lvsc *c, struct lvs_timeouts *out)
{
	(void)c;
	memset(out, 0, sizeof(*out));
	out->tcp[LVS_TCP_S_ESTABLISHED] = 900;
	out->tcp[LVS_TCP_S_FIN_WAIT] = 120;
	out->udp = 300;
	return 0;
}

int lvsc_get_daemons(struct lvsc *c, struct lvs_daemon_conf out[2])
{
	(void)c;
	memset(out, 0, 2 * sizeof(*out));
	out[0].state = LVS_DAEMON_MASTER;
	strcpy(out[0].mcast_ifn, "eth0");
	out[0].sync_maxlen = 1472;
	out[0].mcast_af = AF_INET;
	inet_pton(AF_INET, "224.0.0.81", &out[0].mcast_group.ip);
	out[0].mcast_port = 8848;
	out[0].mcast_ttl = 1;
	return 1;
}

int lvsc_get_text(struct lvsc *c, const char *name, char **out)
{
	(void)c;
	(void)name;
	*out = strdup(stub_conn_text);
	return 0;
}

/* ---- helpers ------------------------------------------------------------ */

static char captured[16384];

static FILE *capture_begin(int *saved)
{
	FILE *f = tmpfile();
	fflush(stdout);
	*saved = dup(1);
	dup2(fileno(f), 1);
	return f;
}

static const char *capture_end(FILE *f, int saved)
{
	size_t n;
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	rewind(f);
	n = fread(captured, 1, sizeof(captured) - 1, f);
	captured[n] = '\0';
	fclose(f);
	return captured;
}

static struct lvs_service_entry svc_entry(struct lvs_service_conf c)
{
	struct lvs_service_entry e;

	memset(&e, 0, sizeof(e));
	e.conf = c;
	return e;
}

static struct lvs_dest_entry dest_v4(const char *ip, uint16_t port, uint32_t fwd, int weight)
{
	struct lvs_dest_entry d;

	memset(&d, 0, sizeof(d));
	d.conf = dest_conf(ip, port, weight, fwd);
	return d;
}

/* what `ipvsadm -L` with fmt prints for the daemon's n services v */
static const char *listed(int fmt, struct lvs_service_entry *v, size_t n)
{
	int saved;
	FILE *f;

	stub_svcs = v;
	stub_nsvcs = n;
	f = capture_begin(&saved);
	list_all(fmt);
	return capture_end(f, saved);
}

/* ---- tests -------------------------------------------------------------- */

/* the oracle's --nosort order in, ipvsadm's signed-difference merge sort out */
static void test_sort_matches_glibc_msort(void **state)
{
	static const char *kernel_order[] = {
		"10.20.30.40", "255.255.255.254", "127.255.255.255", "10.0.0.100",
		"192.168.1.100", "128.0.0.0", "0.0.0.1", "1.0.0.1", "200.0.0.1",
	};
	struct lvs_service_entry v[9];
	struct lvs_dest_entry d[5] = {
		dest_v4("9.0.0.2", 80, LVS_CONN_F_MASQ, 1), dest_v4("129.0.0.2", 80, LVS_CONN_F_MASQ, 1),
		dest_v4("10.0.0.2", 80, LVS_CONN_F_MASQ, 1), dest_v4("1.0.0.2", 80, LVS_CONN_F_MASQ, 1),
		dest_v4("200.0.0.2", 80, LVS_CONN_F_MASQ, 1),
	};
	(void)state;

	for (int i = 0; i < 9; i++)
		v[i] = svc_entry(svc_conf(kernel_order[i], i == 0 ? 443 : 80, "rr"));
	v[3].dests = d;
	v[3].num_dests = 5;
	assert_string_equal(listed(FMT_NUMERIC, v, 9),
		"IP Virtual Server version 1.2.1 (size=4096)\n"
		"Prot LocalAddress:Port Scheduler Flags\n"
		"  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
		"TCP  128.0.0.0:80 rr\n"
		"TCP  192.168.1.100:80 rr\n"
		"TCP  200.0.0.1:80 rr\n"
		"TCP  255.255.255.254:80 rr\n"
		"TCP  0.0.0.1:80 rr\n"
		"TCP  1.0.0.1:80 rr\n"
		"TCP  10.0.0.100:80 rr\n"
		"  -> 200.0.0.2:80                 Masq    1      0          0         \n"
		"  -> 1.0.0.2:80                   Masq    1      0          0         \n"
		"  -> 9.0.0.2:80                   Masq    1      0          0         \n"
		"  -> 10.0.0.2:80                  Masq    1      0          0         \n"
		"  -> 129.0.0.2:80                 Masq    1      0          0         \n"
		"TCP  10.20.30.40:443 rr\n"
		"TCP  127.255.255.255:80 rr\n");
}

static void test_stats_numbers(void **state)
{
	struct lvs_service_entry v[2];
	struct lvs_dest_entry d = dest_v4("10.0.0.1", 80, LVS_CONN_F_MASQ, 1);
	(void)state;

	v[0] = svc_entry(svc_conf("192.168.1.100", 80, "wlc"));
	v[0].stats.c = (struct lvs_counters){ 1234, 56789, 45678, 12345678, 987654321 };
	d.stats.c = (struct lvs_counters){ 600, 28000, 22000, 6000000, 500000000 };
	v[0].dests = &d;
	v[0].num_dests = 1;
	v[1] = svc_entry(fwm_conf(AF_INET, 1, "rr"));
	v[1].stats.c = (struct lvs_counters){ 99999999ULL, 100000000ULL, 999999999ULL, 1000000000ULL,
					      18446744073709551615ULL };
	assert_string_equal(listed(FMT_NUMERIC | FMT_STATS, v, 2),
		"IP Virtual Server version 1.2.1 (size=4096)\n"
		"Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n"
		"  -> RemoteAddress:Port\n"
		"TCP  192.168.1.100:80                 1234    56789    45678 12345678  987654K\n"
		"  -> 10.0.0.1:80                       600    28000    22000  6000000  500000K\n"
		"FWM  1                            99999999  100000K  999999K    1000M18446744T\n");

	/* --exact widens; dest packet counters are read as 32 bits by ipvsadm */
	d.stats.c = (struct lvs_counters){ 4294967297ULL, 5, 6, 4294967297ULL, 7 };
	assert_string_equal(listed(FMT_NUMERIC | FMT_STATS | FMT_EXACT, v, 2),
		"IP Virtual Server version 1.2.1 (size=4096)\n"
		"Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n"
		"  -> RemoteAddress:Port\n"
		"TCP  192.168.1.100:80                 1234    56789    45678 12345678 987654321\n"
		"  -> 10.0.0.1:80                         1        5        6 4294967297        7\n"
		"FWM  1                            99999999 100000000 999999999 1000000000 18446744073709551615\n");
}

static void test_save_format(void **state)
{
	struct lvs_service_entry v[2];
	struct lvs_dest_entry d[2] = {
		dest_v4("192.168.2.1", 80, LVS_CONN_F_TUNNEL, 1),
		dest_v4("192.168.2.4", 80, LVS_CONN_F_LOCALNODE, 0),
	};
	(void)state;

	d[0].conf.tun_type = LVS_TUN_TYPE_GUE;
	d[0].conf.tun_port = 6080;
	v[0] = svc_entry(svc_conf("172.20.0.31", 80, "lc"));
	v[0].conf.flags = LVS_SVC_F_PERSISTENT;
	v[0].conf.timeout = 120;
	v[0].conf.netmask = htonl(0xffffff00);
	v[0].dests = d;
	v[0].num_dests = 2;
	v[1] = svc_entry(fwm_conf(AF_INET6, 4294967295u, "sh"));
	v[1].conf.flags = LVS_SVC_F_SCHED1 | LVS_SVC_F_SCHED2 | LVS_SVC_F_ONEPACKET;
	/* fwmark 0 - 4294967295 is +1 as a signed int: the mark sorts first */
	assert_string_equal(listed(FMT_NUMERIC | FMT_RULE, v, 2),
		"-A -f -1 -6 -s sh -o -b sh-fallback,sh-port\n"
		"-A -t 172.20.0.31:80 -s lc -p 120 -M 255.255.255.0\n"
		"-a -t 172.20.0.31:80 -r 192.168.2.1:80 -i -w 1 --tun-type gue --tun-port 6080 --tun-nocsum\n"
		"-a -t 172.20.0.31:80 -r 192.168.2.4:80 -g -w 0\n");
}

static void test_connections(void **state)
{
	int saved;
	(void)state;

	stub_conn_text =
		"Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\n"
		"TCP C0A80A05 D431 C0A80164 0050 0A000001 0050 ESTABLISHED     897\n"
		"IP  C0A80A06 0000 00000001 0000 0A000004 0000 NONE            299\n"
		"UDP C0A80A07 0000 C0A80164 13C4 0A000005 13C4 NONE            170 sip 6b1e2c3d@host\n"
		"TCP 2001:0db8:0000:0000:0000:0000:0000:0001 1234 2001:0db8:0000:0000:0000:0000:0000:0080 0050 "
		"2001:0db8:0000:0000:0000:0000:0000:00a0 0050 SYN_RECV         59\n";
	FILE *f = capture_begin(&saved);
	list_conn(FMT_NUMERIC | FMT_PERSISTENTCONN);
	assert_string_equal(capture_end(f, saved),
		"IPVS connection entries\n"
		"pro expire state       source             virtual            destination        pe name          pe_data\n"
		"TCP 14:57  ESTABLISHED 192.168.10.5:54321 192.168.1.100:80   10.0.0.1:80\n"
		"IP  04:59  NONE        192.168.10.6:0     0.0.0.1:0          10.0.0.4:0\n"
		"UDP 02:50  NONE        192.168.10.7:0     192.168.1.100:5060 10.0.0.5:5060    sip                6b1e2c3d@host\n"
		"TCP 00:59  SYN_RECV    [2001:db8::1]:4660 [2001:db8::80]:80  [2001:db8::a0]:80\n");
}

static void test_timeout_daemon_errors(void **state)
{
	int saved;
	(void)state;

	FILE *f = capture_begin(&saved);
	list_timeout();
	list_daemon();
	assert_string_equal(capture_end(f, saved),
		"Timeout (tcp tcpfin udp): 900 120 300\n"
		"master sync daemon (mcast=eth0, syncid=0, maxlen=1472, group=224.0.0.81, port=8848, ttl=1)\n");

	assert_string_equal(cli_strerror(OP_ADD_SERVICE, EEXIST), "Service already exists");
	assert_string_equal(cli_strerror(OP_EDIT_SERVICE, EEXIST), "File exists");
	assert_string_equal(cli_strerror(OP_ADD_SERVICE, ESRCH), "No such process");
	assert_string_equal(cli_strerror(OP_DEL_DEST, ENOENT), "No such destination");
	assert_string_equal(cli_strerror(OP_ADD_DEST, ERANGE), "Numerical result out of range");
	assert_string_equal(cli_strerror(OP_ZERO, EINVAL),
			    "Invalid operation.  Possibly wrong module version, address not unicast, ...");
}

UNIT_TESTS(cmocka_unit_test(test_sort_matches_glibc_msort),
	   cmocka_unit_test(test_stats_numbers),
	   cmocka_unit_test(test_save_format),
	   cmocka_unit_test(test_connections),
	   cmocka_unit_test(test_timeout_daemon_errors))
