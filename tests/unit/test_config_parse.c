/* test_config_parse.c - ldirectord.cf and keepalived.conf parsers: the
 * seeds' two blog configs load as an operator would expect, defaults and
 * inheritance, and bad input fails with "file:line: message". */
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include "fixture.h"

/* seed-ldirectord-1.cf, verbatim */
static const char seed1[] =
	"checktimeout=3\n"
	"checkinterval=1\n"
	"autoreload=yes #\350\207\252\345\212\250\345\212\240\350\275\275\345\267\262\347\273\217\346\233\264\346\224\271\347\232\204\351\205\215\347\275\256\n"
	"logfile=\"/var/log/ldirectord.log\" #\346\227\245\345\277\227\346\226\207\344\273\266\n"
	"quiescent=no #down\346\227\266yes\346\235\203\351\207\215\344\270\2720,no\344\270\272\345\210\240\351\231\244\n"
	"virtual=172.20.0.24:80 #\346\214\207\345\256\232VS\347\232\204FWM\346\210\226IP:port\n"
	"real=172.16.0.7 gate 2 #gate(DR\346\250\241\345\236\213) 1(\346\235\203\351\207\215)\n"
	"real=172.16.0.8 gate 1\n"
	"fallback=127.0.0.1 gate #sorry server\n"
	"service=http\n"
	"scheduler=wrr\n"
	"protocol=fwm\n"
	"checktype=negotiate #\346\265\213\350\257\225\347\232\204\347\261\273\345\236\213(\345\201\245\345\272\267\346\200\247\346\243\200\346\237\245\347\232\204\346\226\271\345\274\217)\n"
	"checkport=80\n"
	"request=\"index.html\" #\350\246\201\346\216\242\346\265\213\347\232\204\351\241\265\351\235\242(\345\207\206\345\244\207\344\270\200\344\270\252\346\265\213\350\257\225\351\241\265\346\257\224\350\276\203\345\245\275)\n"
	"receive=\"Test Ldirectord\"\n";

/* seed-ldirectord-2.cf, verbatim */
static const char seed2[] =
	"# Sample for an http virtual service\n"
	"virtual=172.20.0.24:80\n"
	"real=192.168.1.16 gate 1 \344\270\215\347\224\250\345\206\231\347\253\257\345\217\243\345\217\267\n"
	"real=192.168.1.8 gate 3 \344\270\215\347\224\250\345\206\231\347\253\257\345\217\243\345\217\267\n"
	"# fallback=127.0.0.1:80 gate\n"
	"service=http\n"
	"scheduler=wrr\n"
	"#persistent=600 \346\214\201\344\271\205\350\277\236\346\216\245,\345\220\257\347\224\250\345\220\216\345\260\261\344\274\232\344\270\200\347\233\264\345\276\200\344\270\200\344\270\252\346\234\215\345\212\241\345\231\250\344\270\212\350\260\203\345\272\246\344\272\206\n"
	"#netmask=255.255.255.255\n"
	"protocol=fwm #\350\277\231\344\270\252\345\212\240\344\270\215\345\212\240\351\203\275\345\217\257\344\273\245\n"
	"checktype=negotiate\n"
	"checkport=80\n"
	"request=\"index.html\"\n"
	"receive=\"test\"\n"
	"# virtualhost=www.x.y.z\n";

static uint32_t ip(const char *s)
{
	return ip4(s).ip;
}

/* one parse: the config (NULL on error) and the parser's messages */
struct parsed {
	struct cfg *c;
	struct strbuf err, warn;
};

static struct cfg *parse(struct parsed *pr, const char *text, enum cfg_format fmt)
{
	pr->err = (struct strbuf)STRBUF_INIT;
	pr->warn = (struct strbuf)STRBUF_INIT;
	pr->c = parse_cfg(text, fmt, &pr->err, &pr->warn);
	return pr->c;
}

static void parsed_free(struct parsed *pr)
{
	cfg_free(pr->c);
	sb_free(&pr->err);
	sb_free(&pr->warn);
}

static void test_seed1(void **state)
{
	struct parsed pr;
	struct cfg *c = parse(&pr, seed1, CFG_FMT_AUTO);

	(void)state;
	assert_non_null(c);
	assert_int_equal(c->format, CFG_FMT_LDIRECTORD);
	assert_int_equal(c->autoreload, 1);
	assert_string_equal(c->logfile, "/var/log/ldirectord.log");
	assert_int_equal(c->nsvcs, 1);
	struct cfg_service *s = &c->svcs[0];

	assert_int_equal(s->s.protocol, IPPROTO_TCP);  /* fwm beside ip:port: tcp, warned */
	assert_int_equal(s->s.fwmark, 0);
	assert_int_equal(s->s.addr.ip, ip("172.20.0.24"));
	assert_int_equal(s->s.port, 80);
	assert_string_equal(s->s.sched_name, "wrr");
	assert_int_equal(s->nreals, 2);
	assert_int_equal(s->reals[0].d.addr.ip, ip("172.16.0.7"));
	assert_int_equal(s->reals[0].d.port, 80);
	assert_int_equal(s->reals[0].d.weight, 2);
	assert_int_equal(s->reals[0].d.conn_flags, LVS_CONN_F_DROUTE);
	assert_int_equal(s->reals[0].quiesce, 0);
	assert_int_equal(s->reals[0].start_up, 0);
	assert_int_equal(s->reals[1].d.weight, 1);
	assert_true(s->has_sorry);
	assert_int_equal(s->sorry.addr.ip, ip("127.0.0.1"));
	assert_int_equal(s->sorry.port, 80);
	assert_int_equal(s->sorry.weight, 1);
	struct cfg_check *k = &s->reals[0].checks[0];

	assert_int_equal(s->reals[0].nchecks, 1);
	assert_int_equal(k->kind, CFG_CHK_HTTP);
	assert_int_equal(k->port, 80);
	assert_int_equal(k->addr.ip, ip("172.16.0.7"));
	assert_string_equal(k->path, "/index.html");
	assert_string_equal(k->receive, "Test Ldirectord");
	assert_int_equal(k->interval_ms, 1000);
	assert_int_equal(k->timeout_ms, 3000);  /* checktimeout only: negotiate uses it */
	assert_int_equal(k->fall, 1);
	assert_int_equal(k->rise, 1);
	assert_non_null(strstr(pr.warn.buf, "protocol=fwm"));
	assert_non_null(strstr(pr.warn.buf, "t.cf:12:"));
	assert_non_null(strstr(pr.warn.buf, "not indented"));
	parsed_free(&pr);
}

static void test_seed2(void **state)
{
	struct parsed pr;
	struct cfg *c = parse(&pr, seed2, CFG_FMT_AUTO);

	(void)state;
	assert_non_null(c);
	assert_int_equal(c->nsvcs, 1);
	struct cfg_service *s = &c->svcs[0];

	assert_int_equal(s->nreals, 2);
	assert_int_equal(s->reals[1].d.addr.ip, ip("192.168.1.8"));
	assert_int_equal(s->reals[1].d.weight, 3);
	assert_false(s->has_sorry);
	assert_int_equal(s->reals[1].checks[0].timeout_ms, 30000);
	assert_int_equal(s->reals[1].checks[0].interval_ms, 10000);
	assert_string_equal(s->reals[1].checks[0].receive, "test");
	/* the trailing note on both real= lines is ignored with a warning */
	assert_non_null(strstr(pr.warn.buf, "t.cf:3: warning: real: ignoring trailing text"));
	assert_non_null(strstr(pr.warn.buf, "t.cf:4: warning: real: ignoring trailing text"));
	parsed_free(&pr);
}

static void expect_error(const char *text, enum cfg_format fmt, const char *msg)
{
	struct parsed pr;
	struct cfg *c = parse(&pr, text, fmt);

	if (c || !pr.err.buf || !strstr(pr.err.buf, msg))
		fail_msg("expected error '%s', got '%s'", msg, pr.err.buf ? pr.err.buf : "(none)");
	parsed_free(&pr);
}

static void test_ld_errors(void **state)
{
	(void)state;
	expect_error("checkinterval=1\nfoo=bar\n", CFG_FMT_LDIRECTORD, "t.cf:2: unknown directive 'foo'");
	expect_error("real=1.2.3.4 gate\n", CFG_FMT_LDIRECTORD, "t.cf:1: 'real' is only valid inside");
	expect_error("virtual=1.2.3.4:80\n\treal=1.2.3.5 bogus 1\n", CFG_FMT_LDIRECTORD,
		     "t.cf:2: real: forwarding method must be gate, masq or ipip");
	expect_error("virtual=1.2.3.4\n", CFG_FMT_LDIRECTORD, "t.cf:1: virtual: expected IP:port");
	expect_error("checkinterval=abc\nvirtual=1.2.3.4:80\n", CFG_FMT_LDIRECTORD, "t.cf:1: checkinterval");
	expect_error("virtual=1.2.3.4:80\n\tchecktype=bogus\n", CFG_FMT_LDIRECTORD, "t.cf:2: checktype");
	expect_error("virtual=1.2.3.4:80\n\tprotocol=sctp\n", CFG_FMT_LDIRECTORD, "t.cf:2: protocol");
	expect_error("virtual=1.2.3.4:80\nvirtual=1.2.3.4:80\n", CFG_FMT_LDIRECTORD, "t.cf:2: virtual tcp:1.2.3.4:80 is already defined");
	expect_error("virtual=1.2.3.4:80\n\treal=1.2.3.5 gate\n\treal=1.2.3.5 gate\n", CFG_FMT_LDIRECTORD, "t.cf:3: real server");
	expect_error("virtual=1.2.3.4:80\n\tfailurecount=0\n", CFG_FMT_LDIRECTORD, "t.cf:2: failurecount");
	expect_error("garbage line\n", CFG_FMT_LDIRECTORD, "t.cf:1: syntax error");
	expect_error("virtual=1.2.3.4:80\n\ttimeout=3\n", CFG_FMT_LDIRECTORD, "t.cf:2: 'timeout' is deprecated");
	expect_error("virtual=1.2.3.4:80\n\tinitialstate=maybe\n", CFG_FMT_LDIRECTORD, "t.cf:2: initialstate");
}

static void test_ld_features(void **state)
{
	struct parsed pr;
	const char *text =
		"checkinterval=2\n"
		"failurecount=3\n"
		"quiescent=yes\n"
		"emailalert=root@x\n"
		"virtual=100\n"
		"\treal=10.0.0.1->10.0.0.3 gate 5\n"
		"\tchecktype=connect\n"
		"\tchecktimeout=1.5\n"
		"\tscheduler=sh\n"
		"\tpersistent=60\n"
		"\tnetmask=255.255.255.0\n"
		"virtual=10.0.0.100:53\n"
		"\treal=10.0.0.1:53 masq 2 l:5 u:10\n"
		"\tchecktype=external\n"
		"\tcheckcommand=\"/bin/check it\"\n"
		"\tquiescent=no\n"
		"\tfallback=10.0.0.9:5353 masq\n"
		"virtual=10.0.0.100:8080\n"
		"\treal=10.0.0.1:8080 masq 1 \"/alive\", \"yes\"\n"
		"\tservice=http\n"
		"\thttpmethod=HEAD\n"
		"\tvirtualhost=www.example.com\n"
		"\tsuccesscount=2\n"
		"\tinitialstate=up\n"
		"virtual6=[2001:db8::1]:443\n"
		"\treal6=[2001:db8::2]:8443 masq\n"
		"\tchecktype=off\n";
	struct cfg *c = parse(&pr, text, CFG_FMT_AUTO);

	(void)state;
	if (!c)
		fail_msg("%s", pr.err.buf);
	assert_int_equal(c->nsvcs, 4);
	struct cfg_service *s = &c->svcs[0];

	assert_int_equal(s->s.fwmark, 100);
	assert_int_equal(s->nreals, 3);
	assert_int_equal(s->reals[2].d.addr.ip, ip("10.0.0.3"));
	assert_int_equal(s->reals[2].d.port, 0);
	assert_int_equal(s->reals[2].d.weight, 5);
	assert_int_equal(s->reals[2].quiesce, 1);
	assert_int_equal(s->reals[2].checks[0].kind, CFG_CHK_TCP);
	assert_int_equal(s->reals[2].checks[0].timeout_ms, 1500);
	assert_int_equal(s->reals[2].checks[0].interval_ms, 2000);
	assert_int_equal(s->reals[2].checks[0].fall, 3);
	assert_int_equal(s->s.flags & LVS_SVC_F_PERSISTENT, LVS_SVC_F_PERSISTENT);
	assert_int_equal(s->s.timeout, 60);
	assert_int_equal(s->s.netmask, ip("255.255.255.0"));
	assert_string_equal(s->s.sched_name, "sh");

	s = &c->svcs[1];
	assert_int_equal(s->s.protocol, IPPROTO_UDP);  /* port 53 */
	assert_int_equal(s->reals[0].d.l_threshold, 5);
	assert_int_equal(s->reals[0].d.u_threshold, 10);
	assert_int_equal(s->reals[0].quiesce, 0);
	assert_int_equal(s->reals[0].checks[0].kind, CFG_CHK_EXTERNAL);
	assert_string_equal(s->reals[0].checks[0].command, "/bin/check it");
	assert_int_equal(s->sorry.port, 5353);
	assert_int_equal(s->sorry.conn_flags, LVS_CONN_F_MASQ);

	s = &c->svcs[2];
	assert_int_equal(s->reals[0].checks[0].kind, CFG_CHK_HTTP);
	assert_string_equal(s->reals[0].checks[0].path, "/alive");
	assert_string_equal(s->reals[0].checks[0].receive, "yes");
	assert_string_equal(s->reals[0].checks[0].host, "www.example.com");
	assert_int_equal(s->reals[0].checks[0].head, 1);
	assert_int_equal(s->reals[0].checks[0].rise, 2);
	assert_int_equal(s->reals[0].start_up, 1);
	assert_int_equal(c->svcs[1].reals[0].checks[0].rise, 1);
	assert_int_equal(c->svcs[1].reals[0].start_up, 0);

	s = &c->svcs[3];
	assert_int_equal(s->s.af, AF_INET6);
	assert_int_equal(s->reals[0].d.port, 8443);
	assert_int_equal(s->reals[0].checks[0].kind, CFG_CHK_OFF);
	assert_int_equal(s->never_sorry, 1);
	assert_non_null(strstr(pr.warn.buf, "t.cf:4: warning: 'emailalert' is not supported"));
	parsed_free(&pr);
}

static const char ka_text[] =
	"! Configuration File for keepalived\n"
	"global_defs {\n"
	"   router_id LVS_DEVEL\n"
	"}\n"
	"vrrp_instance VI_1 {\n"
	"    state MASTER\n"
	"    interface eth0\n"
	"    virtual_ipaddress {\n"
	"        192.168.200.16\n"
	"    }\n"
	"}\n"
	"virtual_server 10.10.10.2 1358 {\n"
	"    delay_loop 6\n"
	"    lb_algo rr\n"
	"    lb_kind NAT\n"
	"    persistence_timeout 50\n"
	"    protocol TCP\n"
	"    sorry_server 192.168.200.200 1358\n"
	"    quorum 3\n"
	"    hysteresis 1\n"
	"    real_server 192.168.200.2 1358 {\n"
	"        weight 2\n"
	"        inhibit_on_failure\n"
	"        HTTP_GET {\n"
	"            url {\n"
	"              path /testurl/test.jsp\n"
	"              digest 640205b7b0fc66c1ea91c463fac6334d\n"
	"            }\n"
	"            url {\n"
	"              path /testurl2/test.jsp\n"
	"              status_code 200 301-302\n"
	"            }\n"
	"            connect_timeout 3\n"
	"            retry 3\n"
	"            delay_before_retry 3\n"
	"        }\n"
	"    }\n"
	"    real_server 192.168.200.3 1358 {\n"
	"        weight 1\n"
	"        TCP_CHECK { connect_timeout 2\n"
	"                    connect_port 80 }\n"
	"        MISC_CHECK {\n"
	"            misc_path \"/bin/check.sh 192.168.200.3\"\n"
	"        }\n"
	"    }\n"
	"}\n"
	"virtual_server fwmark 7\n"
	"{\n"
	"    lvs_sched wlc\n"
	"    lvs_method DR\n"
	"    alpha\n"
	"    real_server 192.168.201.5 {\n"
	"        PING_CHECK {}\n"
	"    }\n"
	"}\n";

/* negotiate for line protocols becomes a dialogue script; protocols with
 * no dialogue fall back to a connect check, with a warning */
static void test_ld_negotiate_dialogues(void **state)
{
	struct parsed pr;
	const char *text =
		"virtual=10.0.0.100:110\n"
		"\treal=10.0.0.1:110 masq\n"
		"\tservice=pop\n"
		"\tlogin=\"alice\"\n"
		"\tpasswd=\"s3cret\"\n"
		"virtual=10.0.0.100:25\n"
		"\treal=10.0.0.1:25 masq\n"
		"virtual=10.0.0.100:7\n"
		"\treal=10.0.0.1:7 masq\n"
		"\tservice=simpletcp\n"
		"\trequest=\"ping\\n\"\n"
		"\treceive=\"^pong\"\n"
		"virtual=10.0.0.100:3306\n"
		"\treal=10.0.0.1:3306 masq\n";
	struct cfg *c = parse(&pr, text, CFG_FMT_LDIRECTORD);

	(void)state;
	assert_non_null(c);
	assert_int_equal(c->nsvcs, 4);
	const struct cfg_check *pop = &c->svcs[0].reals[0].checks[0];
	static const char pop_script[] = "E^\\+OK\0F^-ERR\0SUSER alice\r\n\0E^\\+OK\0F^-ERR\0"
					 "SPASS s3cret\r\n\0E^\\+OK\0F^-ERR\0SQUIT\r\n";
	assert_int_equal(pop->kind, CFG_CHK_DIALOG);
	assert_string_equal(pop->service, "pop");
	assert_int_equal(pop->payload_len, sizeof(pop_script));
	assert_memory_equal(pop->payload, pop_script, sizeof(pop_script));
	/* port 25 means smtp when service= is absent */
	const struct cfg_check *smtp = &c->svcs[1].reals[0].checks[0];
	assert_int_equal(smtp->kind, CFG_CHK_DIALOG);
	assert_string_equal(smtp->service, "smtp");
	/* simpletcp: "\n" in the request is a newline */
	const struct cfg_check *st = &c->svcs[2].reals[0].checks[0];
	static const char st_script[] = "Sping\n\0E^pong";
	assert_int_equal(st->kind, CFG_CHK_DIALOG);
	assert_int_equal(st->payload_len, sizeof(st_script));
	assert_memory_equal(st->payload, st_script, sizeof(st_script));
	/* mysql (port 3306) has no dialogue: TCP connect, and a warning */
	assert_int_equal(c->svcs[3].reals[0].checks[0].kind, CFG_CHK_TCP);
	assert_non_null(strstr(pr.warn.buf, "service=mysql are not implemented"));
	/* copies keep the script and the name */
	struct cfg_check copy;
	assert_int_equal(cfg_check_copy(&copy, pop), 0);
	assert_string_equal(copy.service, "pop");
	assert_memory_equal(copy.payload, pop_script, sizeof(pop_script));
	cfg_check_free(&copy);
	parsed_free(&pr);
}

static void test_keepalived(void **state)
{
	struct parsed pr;
	struct cfg *c = parse(&pr, ka_text, CFG_FMT_AUTO);

	(void)state;
	if (!c)
		fail_msg("%s", pr.err.buf);
	assert_int_equal(c->format, CFG_FMT_KEEPALIVED);
	assert_int_equal(c->nsvcs, 2);
	struct cfg_service *s = &c->svcs[0];

	assert_int_equal(s->s.protocol, IPPROTO_TCP);
	assert_int_equal(s->s.port, 1358);
	assert_string_equal(s->s.sched_name, "rr");
	assert_int_equal(s->s.timeout, 50);
	assert_int_equal(s->quorum, 3);
	assert_int_equal(s->hysteresis, 1);
	assert_int_equal(s->quorum_by_count, 0);
	assert_true(s->has_sorry);
	assert_int_equal(s->sorry.addr.ip, ip("192.168.200.200"));
	assert_int_equal(s->sorry.conn_flags, LVS_CONN_F_MASQ);
	assert_int_equal(s->nreals, 2);
	struct cfg_real *r = &s->reals[0];

	assert_int_equal(r->d.weight, 2);
	assert_int_equal(r->quiesce, 1);
	assert_int_equal(r->start_up, 1);
	assert_int_equal(r->nchecks, 2);
	assert_int_equal(r->checks[0].kind, CFG_CHK_HTTP);
	assert_string_equal(r->checks[0].path, "/testurl/test.jsp");
	assert_string_equal(r->checks[0].digest, "640205b7b0fc66c1ea91c463fac6334d");
	assert_int_equal(r->checks[0].fall, 4);
	assert_int_equal(r->checks[0].timeout_ms, 3000);
	assert_int_equal(r->checks[0].interval_ms, 6000);
	assert_int_equal(r->checks[0].retry_delay_ms, 3000);
	assert_int_equal(r->checks[1].nstatus, 2);
	assert_int_equal(r->checks[1].status_lo[1], 301);
	assert_int_equal(r->checks[1].status_hi[1], 302);
	r = &s->reals[1];
	assert_int_equal(r->nchecks, 2);
	assert_int_equal(r->checks[0].kind, CFG_CHK_TCP);
	assert_int_equal(r->checks[0].port, 80);
	assert_int_equal(r->checks[0].timeout_ms, 2000);
	assert_int_equal(r->checks[0].fall, 2);
	assert_int_equal(r->checks[1].kind, CFG_CHK_EXTERNAL);
	assert_int_equal(r->checks[1].fall, 1);
	assert_string_equal(r->checks[1].command, "/bin/check.sh 192.168.200.3");

	s = &c->svcs[1];
	assert_int_equal(s->s.fwmark, 7);
	assert_int_equal(s->reals[0].d.conn_flags, LVS_CONN_F_DROUTE);
	assert_int_equal(s->reals[0].d.port, 0);
	assert_int_equal(s->reals[0].start_up, 0);
	assert_int_equal(s->reals[0].checks[0].kind, CFG_CHK_PING);
	parsed_free(&pr);
}

/* global_defs: the script settings are kept, keepalived's others skipped
 * silently (nested blocks too) */
static void test_ka_script_user(void **state)
{
	struct parsed pr;
	(void)state;
	struct cfg *c = parse(&pr,
			      "global_defs {\n"
			      "  notification_email {\n    a@example.test\n  }\n"
			      "  router_id X\n"
			      "  script_user nobody nogroup\n"
			      "  enable_script_security\n"
			      "}\n"
			      "virtual_server 10.0.0.1 80 {\n  protocol TCP\n}\n",
			      CFG_FMT_KEEPALIVED);
	assert_non_null(c);
	assert_string_equal(c->script_user, "nobody");
	assert_string_equal(c->script_group, "nogroup");
	assert_int_equal(c->script_security, 1);
	assert_null(pr.warn.buf ? strstr(pr.warn.buf, "router_id") : NULL);
	parsed_free(&pr);

	c = parse(&pr, "global_defs {\n  script_user\n}\n", CFG_FMT_KEEPALIVED);
	assert_null(c);
	assert_non_null(strstr(pr.err.buf, "script_user: missing value"));
	parsed_free(&pr);

	c = parse(&pr, "virtual_server 10.0.0.1 80 {\n  protocol TCP\n}\n", CFG_FMT_KEEPALIVED);
	assert_non_null(c);
	assert_null(c->script_user);
	assert_int_equal(c->script_security, 0);
	parsed_free(&pr);
}

static void test_ka_errors(void **state)
{
	(void)state;
	expect_error("virtual_server 1.2.3.4 80 {\n  lvs_sched rr\n  bogus 1\n}\n", CFG_FMT_KEEPALIVED,
		     "t.cf:3: unknown keyword 'bogus' in virtual_server");
	expect_error("virtual_server 1.2.3.4 80 {\n  real_server 1.2.3.5 80 {\n", CFG_FMT_KEEPALIVED,
		     "t.cf:2: '{' is never closed");
	expect_error("virtual_server 1.2.3.4 80 {\n}\n}\n", CFG_FMT_KEEPALIVED, "t.cf:3: unexpected '}'");
	expect_error("virtual_server 1.2.3.4 80 {\n  delay_loop x\n}\n", CFG_FMT_KEEPALIVED,
		     "t.cf:2: delay_loop: expected seconds");
	expect_error("virtual_server 1.2.3.4 80 {\n real_server 1.2.3.5 80 {\n  HTTP_GET {\n  }\n }\n}\n",
		     CFG_FMT_KEEPALIVED, "t.cf:3: HTTP_GET: needs at least one url");
	expect_error("virtual_server group G1 {\n}\n", CFG_FMT_KEEPALIVED, "group 'G1' is not defined");
	expect_error("virtual_server 1.2.3.4 25 {\n real_server 1.2.3.5 25 {\n  SMTP_CHECK {\n"
		     "   host {\n    connect_ip 1.2.3.5\n   }\n  }\n }\n}\n",
		     CFG_FMT_KEEPALIVED, "t.cf:4: SMTP_CHECK: host { } blocks are not supported");
	expect_error("virtual_server 1.2.3.4 25 {\n quorum_up\n}\n", CFG_FMT_KEEPALIVED, "t.cf:2: quorum_up: missing value");
}

/* IPv6 in both grammars: the directives ldirectord itself takes, keepalived's
 * virtual_server_group ranges, and the families the kernel lets meet */
static void assert_in6(const union lvs_addr *a, const char *want)
{
	union lvs_addr w = ip6(want);

	assert_memory_equal(&a->in6, &w.in6, 16);
}

static void test_ipv6_configs(void **state)
{
	struct parsed pr;
	struct cfg *c;

	(void)state;
	c = parse(&pr, "virtual6=[2001:db8::1]:80\n\treal6=[2001:db8::10]:80 masq\n"
		       "\treal6=[2001:db8::11]:80 gate 3\n\tchecktype=ping\n", CFG_FMT_LDIRECTORD);
	if (!c)
		fail_msg("%s", pr.err.buf);
	assert_int_equal(c->nsvcs, 1);
	assert_int_equal(c->svcs[0].s.af, AF_INET6);
	assert_in6(&c->svcs[0].s.addr, "2001:db8::1");
	assert_int_equal(c->svcs[0].nreals, 2);
	assert_int_equal(c->svcs[0].reals[0].d.af, AF_INET6);
	assert_in6(&c->svcs[0].reals[1].d.addr, "2001:db8::11");
	assert_int_equal(c->svcs[0].reals[0].d.conn_flags & LVS_CONN_F_FWD_MASK, LVS_CONN_F_MASQ);
	assert_int_equal(c->svcs[0].reals[1].d.weight, 3);
	assert_int_equal(c->svcs[0].reals[0].checks[0].kind, CFG_CHK_PING);
	parsed_free(&pr);
	/* ldirectord refuses an IPv6 address in virtual= and real= */
	expect_error("virtual=[2001:db8::1]:80\n", CFG_FMT_LDIRECTORD,
		     "t.cf:1: virtual: cannot specify an IPv6 address here, use virtual6 instead");
	expect_error("virtual6=[2001:db8::1]:80\n\treal=[2001:db8::10]:80 masq\n", CFG_FMT_LDIRECTORD,
		     "t.cf:2: real: cannot specify an IPv6 address here, use real6 instead");
	expect_error("virtual6=10.0.0.1:80\n", CFG_FMT_LDIRECTORD,
		     "t.cf:1: virtual6: cannot specify an IPv4 address here, use virtual instead");
	expect_error("virtual=10.0.0.1:80\n\treal6=[2001:db8::10]:80 ipip\n", CFG_FMT_LDIRECTORD,
		     "t.cf:2: real6: cannot be used under virtual, use real instead");

	c = parse(&pr, "virtual_server_group G {\n 2001:db8::1 80\n 2001:db8::1e-20 80\n 10.0.0.250-252 81\n"
		       " fwmark 7 inet6\n}\n"
		       "virtual_server group G {\n protocol TCP\n lvs_method TUN\n"
		       " real_server 2001:db8::10 80 {\n }\n}\n"
		       "virtual_server 2001:db8::1 443 {\n protocol TCP\n lvs_method NAT\n"
		       " real_server 2001:db8::10 8443 {\n  TCP_CHECK {\n  }\n }\n}\n", CFG_FMT_KEEPALIVED);
	if (!c)
		fail_msg("%s", pr.err.buf);
	assert_int_equal(c->nsvcs, 9);
	static const char *const want6[] = { "2001:db8::1", "2001:db8::1e", "2001:db8::1f", "2001:db8::20" };
	for (int i = 0; i < 4; i++) {
		assert_int_equal(c->svcs[i].s.af, AF_INET6);
		assert_in6(&c->svcs[i].s.addr, want6[i]);
		assert_int_equal(c->svcs[i].s.port, 80);
		assert_int_equal(c->svcs[i].nreals, 1);
	}
	for (int i = 0; i < 3; i++) {
		/* IPv4 services with an IPv6 tunnel real server: the one mix
		 * the kernel allows */
		assert_int_equal(c->svcs[4 + i].s.af, AF_INET);
		assert_int_equal(c->svcs[4 + i].s.addr.ip, htonl(ntohl(ip("10.0.0.250")) + (uint32_t)i));
		assert_int_equal(c->svcs[4 + i].s.port, 81);
		assert_int_equal(c->svcs[4 + i].reals[0].d.af, AF_INET6);
	}
	assert_int_equal(c->svcs[7].s.fwmark, 7);
	assert_int_equal(c->svcs[7].s.af, AF_INET6);
	assert_int_equal(c->svcs[8].s.port, 443);
	assert_int_equal(c->svcs[8].reals[0].d.port, 8443);
	assert_int_equal(c->svcs[8].reals[0].checks[0].kind, CFG_CHK_TCP);
	parsed_free(&pr);

	expect_error("virtual_server 2001:db8::1 80 {\n lvs_method NAT\n real_server 10.0.0.10 80 {\n }\n}\n",
		     CFG_FMT_KEEPALIVED,
		     "t.cf:3: real_server: 10.0.0.10 is IPv4 but the virtual_server is IPv6; only lvs_method TUN");
	/* the real's own lvs_method decides */
	expect_error("virtual_server 2001:db8::1 80 {\n lvs_method TUN\n real_server 10.0.0.10 80 {\n"
		     "  lvs_method NAT\n }\n}\n", CFG_FMT_KEEPALIVED, "t.cf:3: real_server: 10.0.0.10 is IPv4");
	c = parse(&pr, "virtual_server 2001:db8::1 80 {\n protocol TCP\n lvs_method NAT\n"
		       " real_server 10.0.0.10 80 {\n  lvs_method TUN\n }\n}\n", CFG_FMT_KEEPALIVED);
	if (!c)
		fail_msg("%s", pr.err.buf);
	assert_int_equal(c->svcs[0].reals[0].d.af, AF_INET);
	assert_int_equal(c->svcs[0].reals[0].d.conn_flags & LVS_CONN_F_FWD_MASK, LVS_CONN_F_TUNNEL);
	parsed_free(&pr);
	expect_error("virtual_server_group G {\n 10.0.0.5-4 80\n}\nvirtual_server group G {\n}\n",
		     CFG_FMT_KEEPALIVED, "t.cf:2: range '10.0.0.5-4' ends below its start");
	expect_error("virtual_server_group G {\n 10.0.0.5-256 80\n}\nvirtual_server group G {\n}\n",
		     CFG_FMT_KEEPALIVED, "t.cf:2: bad range end '256'");
	expect_error("virtual_server_group G {\n 2001:db8::1-1g 80\n}\nvirtual_server group G {\n}\n",
		     CFG_FMT_KEEPALIVED, "t.cf:2: bad range end '1g'");
	expect_error("virtual_server_group G {\n 2001:db8::1-10000 80\n}\nvirtual_server group G {\n}\n",
		     CFG_FMT_KEEPALIVED, "t.cf:2: bad range end");
	expect_error("virtual_server_group G {\n 10.0.0.1- 80\n}\nvirtual_server group G {\n}\n",
		     CFG_FMT_KEEPALIVED, "t.cf:2: bad range end");
	expect_error("virtual_server_group G {\n 10.0.0.1-x-3 80\n}\nvirtual_server group G {\n}\n",
		     CFG_FMT_KEEPALIVED, "t.cf:2: bad range end");
	expect_error("virtual_server_group G {\n 10.0.0.0/24 80\n}\nvirtual_server group G {\n}\n",
		     CFG_FMT_KEEPALIVED, "t.cf:2: address prefixes in virtual_server_group are not supported");
}

static void test_fuzz_no_crash(void **state)
{
	/* truncations and byte flips of both grammars must never crash */
	const char *srcs[] = { seed1, ka_text };
	char buf[sizeof(ka_text) + 1];

	(void)state;
	for (int s = 0; s < 2; s++) {
		size_t n = strlen(srcs[s]);

		for (size_t cut = 0; cut < n; cut += 7) {
			struct parsed pr;

			memcpy(buf, srcs[s], n + 1);
			buf[cut] = "{}\"=#\n x"[cut % 8];
			buf[(cut * 31) % n] = 0;
			assert_true(parse(&pr, buf, CFG_FMT_AUTO) != NULL || pr.err.len > 0);
			parsed_free(&pr);
		}
	}
}

UNIT_TESTS(cmocka_unit_test(test_seed1),
	   cmocka_unit_test(test_seed2),
	   cmocka_unit_test(test_ld_errors),
	   cmocka_unit_test(test_ld_features),
	   cmocka_unit_test(test_ld_negotiate_dialogues),
	   cmocka_unit_test(test_keepalived),
	   cmocka_unit_test(test_ka_script_user),
	   cmocka_unit_test(test_ka_errors),
	   cmocka_unit_test(test_ipv6_configs),
	   cmocka_unit_test(test_fuzz_no_crash))
