/* test_config_keywords.c - the keyword tables of both parsers: an unknown
 * keyword and a keyword in the wrong block fail (or warn) with file:line
 * as before, the form checks (block, argument count) speak, every table
 * is reached (a keyword of each has its effect on the model), and the
 * error convention: 0, -EINVAL for a bad file, -errno of reading it, err
 * and warn may be NULL. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "config/config.h"
#include "config/dns.h"

#define KA CFG_FMT_KEEPALIVED
#define LD CFG_FMT_LDIRECTORD

static uint32_t ip(const char *s)
{
	uint32_t a;

	inet_pton(AF_INET, s, &a);
	return a;
}

/* parse; the result must be consistent whatever it is */
static int parse(const char *text, enum cfg_format fmt, struct cfg **c, struct strbuf *err, struct strbuf *warn)
{
	int ret = cfg_parse_text("t.cf", text, fmt, c, err, warn);

	assert_true(ret == 0 ? *c != NULL : *c == NULL);
	return ret;
}

static void expect_error(enum cfg_format fmt, const char *text, const char *msg)
{
	struct strbuf err = STRBUF_INIT, warn = STRBUF_INIT;
	struct cfg *c = NULL;
	int ret = parse(text, fmt, &c, &err, &warn);

	if (ret != -EINVAL || !err.buf || strcmp(err.buf, msg))
		fail_msg("expected -EINVAL and '%s', got %d '%s'", msg, ret, err.buf ? err.buf : "(none)");
	sb_free(&err);
	sb_free(&warn);
}

static struct cfg *expect_ok(enum cfg_format fmt, const char *text, struct strbuf *warn)
{
	struct strbuf err = STRBUF_INIT;
	struct cfg *c = NULL;

	if (parse(text, fmt, &c, &err, warn))
		fail_msg("unexpected error: %s", err.buf);
	sb_free(&err);
	return c;
}

static void expect_warning(const struct strbuf *warn, const char *line)
{
	if (!warn->buf || !strstr(warn->buf, line))
		fail_msg("expected warning '%s' in '%s'", line, warn->buf ? warn->buf : "(none)");
}

/* a virtual_server with one real server holding `inner` */
static char *ka_real(const char *inner)
{
	char *t;

	assert_true(asprintf(&t, "virtual_server 10.0.0.1 80 {\n lvs_sched rr\n lvs_method NAT\n protocol TCP\n"
			     " real_server 10.0.0.2 80 {\n%s }\n}\n", inner) > 0);
	return t;
}

/* ---------------------------------------------------------- keepalived */

static void test_ka_unknown_keyword(void **state)
{
	static const char *const checkers[] = {
		"TCP_CHECK", "HTTP_GET", "SSL_GET", "MISC_CHECK", "PING_CHECK", "UDP_CHECK", "SMTP_CHECK", "DNS_CHECK",
	};
	struct strbuf warn = STRBUF_INIT;
	struct cfg *c;
	char *t, msg[128];

	(void)state;
	expect_error(KA, "virtual_server 10.0.0.1 80 {\n protocol TCP\n bogus 1\n}\n",
		     "t.cf:3: unknown keyword 'bogus' in virtual_server");
	t = ka_real("  weight 1\n  bogus\n");
	expect_error(KA, t, "t.cf:7: unknown keyword 'bogus' in real_server");
	free(t);
	for (size_t i = 0; i < sizeof(checkers) / sizeof(checkers[0]); i++) {
		char inner[128];

		snprintf(inner, sizeof(inner), "  %s {\n   connect_timeout 1\n   bogus 2\n  }\n", checkers[i]);
		t = ka_real(inner);
		snprintf(msg, sizeof(msg), "t.cf:8: unknown keyword 'bogus' in %s", checkers[i]);
		expect_error(KA, t, msg);
		free(t);
	}
	t = ka_real("  HTTP_GET {\n   url {\n    path /\n    bogus\n   }\n  }\n");
	expect_error(KA, t, "t.cf:9: unknown keyword 'bogus' in url");
	free(t);
	/* the top level skips what it does not know, with a warning */
	c = expect_ok(KA, "bogus_block {\n x 1\n}\nvirtual_server 10.0.0.1 80 {\n protocol TCP\n}\n", &warn);
	expect_warning(&warn, "t.cf:1: warning: unknown top-level keyword 'bogus_block' skipped\n");
	assert_int_equal(c->nsvcs, 1);
	cfg_free(c);
	sb_free(&warn);
}

static void test_ka_wrong_block(void **state)
{
	static const struct {
		const char *inner, *msg;
	} cases[] = {
		{ "  TCP_CHECK {\n   url {\n    path /\n   }\n  }\n", "t.cf:7: unknown keyword 'url' in TCP_CHECK" },
		{ "  TCP_CHECK {\n   misc_path /bin/true\n  }\n", "t.cf:7: unknown keyword 'misc_path' in TCP_CHECK" },
		{ "  PING_CHECK {\n   payload 00\n  }\n", "t.cf:7: unknown keyword 'payload' in PING_CHECK" },
		{ "  DNS_CHECK {\n   helo_name x\n  }\n", "t.cf:7: unknown keyword 'helo_name' in DNS_CHECK" },
		{ "  SMTP_CHECK {\n   type A\n  }\n", "t.cf:7: unknown keyword 'type' in SMTP_CHECK" },
		{ "  HTTP_GET {\n   url {\n    path /\n    weight 2\n   }\n  }\n",
		  "t.cf:9: unknown keyword 'weight' in url" },
		{ "  lvs_sched rr\n", "t.cf:6: unknown keyword 'lvs_sched' in real_server" },
		{ "  connect_ip 10.0.0.3\n", "t.cf:6: unknown keyword 'connect_ip' in real_server" },
		{ "  path /\n", "t.cf:6: unknown keyword 'path' in real_server" },
	};
	struct strbuf warn = STRBUF_INIT;
	struct cfg *c;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *t = ka_real(cases[i].inner);

		expect_error(KA, t, cases[i].msg);
		free(t);
	}
	expect_error(KA, "virtual_server 10.0.0.1 80 {\n TCP_CHECK {\n }\n}\n",
		     "t.cf:2: unknown keyword 'TCP_CHECK' in virtual_server");
	expect_error(KA, "virtual_server 10.0.0.1 80 {\n real_server 10.0.0.2 80 {\n  delay_loop 1\n"
		     "  TCP_CHECK {\n   lvs_method DR\n  }\n }\n}\n",
		     "t.cf:5: unknown keyword 'lvs_method' in TCP_CHECK");
	/* a real_server at the top level is a block lvsd does not know there */
	c = expect_ok(KA, "real_server 10.0.0.2 80 {\n weight 1\n}\n", &warn);
	expect_warning(&warn, "t.cf:1: warning: unknown top-level keyword 'real_server' skipped\n");
	assert_int_equal(c->nsvcs, 0);
	cfg_free(c);
	sb_free(&warn);
}

static void test_ka_form(void **state)
{
	char *t;

	(void)state;
	expect_error(KA, "virtual_server 10.0.0.1 80\n", "t.cf:1: virtual_server needs a { } block");
	expect_error(KA, "virtual_server {\n}\n", "t.cf:1: virtual_server: missing value");
	expect_error(KA, "virtual_server 10.0.0.1 80 {\n real_server {\n }\n}\n", "t.cf:2: real_server: missing value");
	expect_error(KA, "virtual_server_group G\n", "t.cf:1: virtual_server_group: expected NAME { ... }");
	t = ka_real("  weight\n");
	expect_error(KA, t, "t.cf:6: weight: missing value");
	free(t);
	t = ka_real("  HTTP_GET {\n   url {\n    path\n   }\n  }\n");
	expect_error(KA, t, "t.cf:8: path: missing value");
	free(t);
	t = ka_real("  UDP_CHECK {\n   payload\n  }\n");
	expect_error(KA, t, "t.cf:7: payload: missing value");
	free(t);
	t = ka_real("  UDP_CHECK {\n   payload 0g\n  }\n");
	expect_error(KA, t, "t.cf:7: payload: expected hex bytes");
	free(t);
}

/* one keyword of every keepalived table, each with its effect */
static void test_ka_tables_reachable(void **state)
{
	static const char text[] =
		"global_defs {\n router_id X\n}\n"                       /* top: skipped */
		"vrrp_instance VI {\n state MASTER\n}\n"                  /* top: vrrp_ prefix */
		"include /etc/keepalived/other.conf\n"                    /* 7: top: a warning */
		"virtual_server_group G {\n 10.1.0.1 80\n fwmark 9\n}\n"  /* top: group */
		"virtual_server group G {\n"                              /* 12 */
		" lvs_sched sh\n lb_kind DR\n protocol TCP\n sh-port\n"   /* virtual_server */
		" omega\n"                                                /* 17: vs ignored */
		" real_server 10.1.0.2 80 {\n weight 4\n }\n"
		"}\n"
		"virtual_server 10.0.0.1 80 {\n"                          /* 22 */
		" lvs_sched rr\n lvs_method NAT\n protocol TCP\n quorum 2\n"
		" real_server 10.0.0.2 8080 {\n"                          /* 27: real_server */
		"  uthreshold 100\n  notify_up /bin/up\n  smtp_alert\n"   /* 30: rs ignored */
		"  BFD_CHECK {\n  }\n"                                    /* 31: unsupported */
		"  TCP_CHECK {\n   connect_port 81\n   connect_timeout 2\n   retry 4\n"
		"   delay_loop 3\n   delay_before_retry 5\n   warmup 1\n  }\n" /* 39: checker ignored */
		"  HTTP_GET {\n   url {\n    path /a\n    digest 640205B7B0FC66C1EA91C463FAC6334D\n"
		"    status_code 200-204\n    virtualhost v.example\n    regex ok\n    regex_no_match\n"
		"    regex_max_offset 10\n   }\n  }\n"                    /* 49: url prefix */
		"  SSL_GET {\n   url {\n    path /s\n   }\n  }\n"
		"  MISC_CHECK {\n   misc_path \"/bin/check x\"\n   misc_timeout 7\n  }\n"
		"  PING_CHECK {\n   bindto 10.0.0.1\n  }\n"
		"  UDP_CHECK {\n   payload 0a0b\n   require_reply\n  }\n"
		"  SMTP_CHECK {\n   helo_name mail.example\n  }\n"
		"  DNS_CHECK {\n   type MX\n   name example.com\n  }\n"
		" }\n"
		"}\n";
	static const char helo[] = "SHELO mail.example\r\n";
	struct strbuf warn = STRBUF_INIT;
	struct cfg *c = expect_ok(KA, text, &warn);
	const struct cfg_real *r;
	const struct cfg_check *k;
	uint8_t q[DNS_MAX_QUERY];
	int qlen = dns_build_query("example.com", DNS_T_MX, q, sizeof(q));

	(void)state;
	expect_warning(&warn, "t.cf:7: warning: include: no file matches '/etc/keepalived/other.conf'");
	expect_warning(&warn, "t.cf:17: warning: omega is ignored\n");
	expect_warning(&warn, "t.cf:30: warning: smtp_alert is ignored\n");
	expect_warning(&warn, "t.cf:31: warning: BFD_CHECK is not supported; this checker is ignored\n");
	expect_warning(&warn, "t.cf:39: warning: warmup is ignored\n");
	expect_warning(&warn, "t.cf:49: warning: regex_max_offset is ignored\n");
	assert_null(strstr(warn.buf, "VI"));
	assert_null(strstr(warn.buf, "global_defs"));
	/* the group: one service per entry, each with the real server */
	assert_int_equal(c->nsvcs, 3);
	assert_int_equal(c->svcs[0].s.addr.ip, ip("10.1.0.1"));
	assert_int_equal(c->svcs[1].s.fwmark, 9);
	assert_string_equal(c->svcs[1].s.sched_name, "sh");
	assert_int_equal(c->svcs[1].s.flags & LVS_SVC_F_SCHED2, LVS_SVC_F_SCHED2);
	assert_int_equal(c->svcs[1].reals[0].d.weight, 4);
	assert_int_equal(c->svcs[1].reals[0].d.conn_flags, LVS_CONN_F_DROUTE);
	/* the real server and its checkers, in order */
	assert_int_equal(c->svcs[2].quorum, 2);
	r = &c->svcs[2].reals[0];
	assert_int_equal(r->d.u_threshold, 100);
	assert_string_equal(r->notify_up, "/bin/up");
	assert_int_equal(r->nchecks, 8);
	k = &r->checks[0];
	assert_int_equal(k->kind, CFG_CHK_TCP);
	assert_int_equal(k->port, 81);
	assert_int_equal(k->timeout_ms, 2000);
	assert_int_equal(k->fall, 5);
	assert_int_equal(k->interval_ms, 3000);
	assert_int_equal(k->retry_delay_ms, 5000);
	k = &r->checks[1];
	assert_int_equal(k->kind, CFG_CHK_HTTP);
	assert_int_equal(k->https, 0);
	assert_int_equal(k->port, 8080);
	assert_string_equal(k->path, "/a");
	assert_string_equal(k->digest, "640205b7b0fc66c1ea91c463fac6334d");
	assert_int_equal(k->nstatus, 1);
	assert_int_equal(k->status_hi[0], 204);
	assert_string_equal(k->host, "v.example");
	assert_string_equal(k->receive, "ok");
	assert_int_equal(k->receive_no_match, 1);
	assert_int_equal(k->retry_delay_ms, 3000);
	k = &r->checks[2];
	assert_int_equal(k->kind, CFG_CHK_HTTP);
	assert_int_equal(k->https, 1);
	assert_string_equal(k->path, "/s");
	k = &r->checks[3];
	assert_int_equal(k->kind, CFG_CHK_EXTERNAL);
	assert_string_equal(k->command, "/bin/check x");
	assert_int_equal(k->timeout_ms, 7000);
	assert_int_equal(k->fall, 1);
	k = &r->checks[4];
	assert_int_equal(k->kind, CFG_CHK_PING);
	assert_int_equal(k->has_src, 1);
	assert_int_equal(k->src.ip, ip("10.0.0.1"));
	k = &r->checks[5];
	assert_int_equal(k->kind, CFG_CHK_UDP);
	assert_int_equal(k->payload_len, 2);
	assert_memory_equal(k->payload, "\x0a\x0b", 2);
	k = &r->checks[6];
	assert_int_equal(k->kind, CFG_CHK_DIALOG);
	assert_non_null(memmem(k->payload, k->payload_len, helo, sizeof(helo)));
	k = &r->checks[7];
	assert_int_equal(k->kind, CFG_CHK_DNS);
	assert_int_equal(k->fall, 4);
	assert_int_equal(k->payload_len, qlen);
	assert_memory_equal(k->payload, q, (size_t)qlen);
	cfg_free(c);
	sb_free(&warn);
}

/* --------------------------------------------------------- ldirectord */

static void test_ld_unknown_and_sections(void **state)
{
	struct strbuf warn = STRBUF_INIT;
	struct cfg *c;

	(void)state;
	expect_error(LD, "checkinterval=1\nbogus=2\n", "t.cf:2: unknown directive 'bogus'");
	expect_error(LD, "virtual=10.0.0.1:80\n\tbogus=2\n", "t.cf:2: unknown directive 'bogus'");
	/* virtual-only directives before any virtual= */
	expect_error(LD, "request=/x\nvirtual=10.0.0.1:80\n", "t.cf:1: 'request' is only valid inside a virtual= section");
	expect_error(LD, "real=10.0.0.2 gate\n", "t.cf:1: 'real' is only valid inside a virtual= section");
	expect_error(LD, "servicename=x\n", "t.cf:1: 'servicename' is only valid inside a virtual= section");
	expect_error(LD, "virtual=10.0.0.1:80\n\ttimeout=3\n",
		     "t.cf:2: 'timeout' is deprecated and not supported; use checktimeout/negotiatetimeout");
	/* a global-only directive inside a virtual stays global */
	c = expect_ok(LD, "virtual=10.0.0.1:80\n\treal=10.0.0.2 gate\n\tlogfile=/var/log/x\n\tautoreload=yes\n", &warn);
	expect_warning(&warn, "t.cf:3: warning: 'logfile' is a global directive; applied globally\n");
	assert_string_equal(c->logfile, "/var/log/x");
	assert_int_equal(c->autoreload, 1);
	assert_int_equal(c->syslog_facility, 0);
	cfg_free(c);
	sb_free(&warn);
	/* logfile= naming a syslog facility, as ldirectord reads it */
	c = expect_ok(LD, "logfile=\"local0\"\nvirtual=10.0.0.1:80\n\treal=10.0.0.2 gate\n", &warn);
	assert_null(warn.buf);
	assert_null(c->logfile);
	assert_int_equal(c->syslog_facility, LOG_LOCAL0);
	cfg_free(c);
	sb_free(&warn);
	c = expect_ok(LD, "logfile=daemon\nvirtual=10.0.0.1:80\n\treal=10.0.0.2 gate\n", &warn);
	assert_int_equal(c->syslog_facility, LOG_DAEMON);
	cfg_free(c);
	sb_free(&warn);
}

/* every phase, checktype value and negotiate service */
static void test_ld_tables_reachable(void **state)
{
	static const char text[] =
		"autoreload=yes\n"
		"maintenancedir=/var/m\n"
		"checkcount=3\n"                                        /* 3: ignored */
		"connecttimeout=4\n"                                    /* 4: -> checktimeout */
		"virtual=10.0.0.1:80\n"                                 /* svcs[0] */
		"\treal=10.0.0.2:80 masq 2 \"/alive\" \"yes\"\n"
		"\tscheduler=sh\n\tpersistent=60\n\tnetmask=255.255.0.0\n\tschedflags=flag-1\n"
		"\tquiescent=yes\n\tfallback=10.0.0.9:80 masq\n\tfallbackcommand=/bin/fb\n\tinitialstate=up\n"
		"\tcheckinterval=2\n\tfailurecount=3\n\tsuccesscount=2\n\tcheckport=8080\n"
		"\tservice=http\n\thttpmethod=HEAD\n\tvirtualhost=www.x\n"
		"virtual=10.0.0.1:443\n\treal=10.0.0.2:443 masq\n\tservice=https\n"                 /* [1] */
		"virtual=10.0.0.1:3128\n\treal=10.0.0.2:3128 masq\n\tservice=http_proxy\n"          /* [2] */
		"virtual=10.0.0.1:1\n\treal=10.0.0.2:1 masq\n\tservice=none\n"                      /* [3] */
		"virtual=10.0.0.1:53\n\treal=10.0.0.2:53 masq\n\tprotocol=udp\n\tops=yes\n"
		"\tservice=dns\n\trequest=www.example.com\n"                                        /* [4] */
		"virtual=10.0.0.1:110\n\treal=10.0.0.2:110 masq\n\tlogin=u\n\tpasswd=p\n"           /* [5] */
		"virtual=10.0.0.1:3306\n\treal=10.0.0.2:3306 masq\n"                                /* [6] */
		"virtual=10.0.0.1:2\n\treal=10.0.0.2:2 masq\n\tchecktype=off\n"                     /* [7] */
		"virtual=10.0.0.1:3\n\treal=10.0.0.2:3 masq\n\tchecktype=on\n"                      /* [8] */
		"virtual=10.0.0.1:4\n\treal=10.0.0.2:4 masq\n\tchecktype=connect\n"                 /* [9] */
		"virtual=10.0.0.1:5\n\treal=10.0.0.2:5 masq\n\tchecktype=ping\n"                    /* [10] */
		"virtual=10.0.0.1:6\n\treal=10.0.0.2:6 masq\n\tchecktype=external\n"
		"\tcheckcommand=/bin/chk\n"                                                         /* [11] */
		"virtual=10.0.0.1:7\n\treal=10.0.0.2:7 masq\n\tchecktype=5\n\tservice=none\n"       /* [12] */
		"virtual6=[2001:db8::1]:80\n\treal6=[2001:db8::2]:80 masq\n\tfallback6=[2001:db8::9]:80 masq\n"
		"\tchecktype=connect\n\tnegotiatetimeout=9\n";                                      /* [13] */
	struct strbuf warn = STRBUF_INIT;
	struct cfg *c = expect_ok(LD, text, &warn);
	const struct cfg_service *s;
	const struct cfg_check *k;

	(void)state;
	expect_warning(&warn, "t.cf:3: warning: 'checkcount' is not supported by lvsd and is ignored\n");
	expect_warning(&warn, "t.cf:4: warning: 'connecttimeout' is deprecated; treated as checktimeout\n");
	assert_int_equal(c->autoreload, 1);
	assert_string_equal(c->maintenancedir, "/var/m");
	assert_int_equal(c->nsvcs, 14);
	s = &c->svcs[0];
	assert_string_equal(s->s.sched_name, "sh");
	assert_int_equal(s->s.timeout, 60);
	assert_int_equal(s->s.netmask, ip("255.255.0.0"));
	assert_int_equal(s->s.flags & LVS_SVC_F_SCHED1, LVS_SVC_F_SCHED1);
	assert_int_equal(s->reals[0].quiesce, 1);
	assert_int_equal(s->reals[0].start_up, 1);
	assert_int_equal(s->sorry.addr.ip, ip("10.0.0.9"));
	assert_string_equal(s->quorum_down, "/bin/fb start 10.0.0.1:80 tcp");
	k = &s->reals[0].checks[0];
	assert_int_equal(k->kind, CFG_CHK_HTTP);
	assert_int_equal(k->interval_ms, 2000);
	assert_int_equal(k->timeout_ms, 4000);      /* connecttimeout stands for both */
	assert_int_equal(k->fall, 3);
	assert_int_equal(k->rise, 2);
	assert_int_equal(k->port, 8080);
	assert_int_equal(k->head, 1);
	assert_string_equal(k->host, "www.x");
	assert_string_equal(k->path, "/alive");
	assert_string_equal(k->receive, "yes");
	assert_int_equal(c->svcs[1].reals[0].checks[0].https, 1);
	assert_int_equal(c->svcs[2].reals[0].checks[0].kind, CFG_CHK_HTTP);
	assert_int_equal(c->svcs[3].reals[0].checks[0].kind, CFG_CHK_ON);
	s = &c->svcs[4];
	assert_int_equal(s->s.protocol, IPPROTO_UDP);
	assert_int_equal(s->s.flags & LVS_SVC_F_ONEPACKET, LVS_SVC_F_ONEPACKET);
	assert_int_equal(s->reals[0].checks[0].kind, CFG_CHK_DNS);
	k = &c->svcs[5].reals[0].checks[0];
	assert_int_equal(k->kind, CFG_CHK_DIALOG);
	assert_string_equal(k->service, "pop");
	assert_non_null(memmem(k->payload, k->payload_len, "SUSER u\r\n", 10));
	assert_int_equal(c->svcs[6].reals[0].checks[0].kind, CFG_CHK_TCP);
	expect_warning(&warn, "warning: negotiate checks for service=mysql are not implemented; using a TCP connect check\n");
	assert_int_equal(c->svcs[7].reals[0].checks[0].kind, CFG_CHK_OFF);
	assert_int_equal(c->svcs[7].never_sorry, 1);
	assert_int_equal(c->svcs[8].reals[0].checks[0].kind, CFG_CHK_ON);
	assert_int_equal(c->svcs[9].reals[0].checks[0].kind, CFG_CHK_TCP);
	assert_int_equal(c->svcs[10].reals[0].checks[0].kind, CFG_CHK_PING);
	assert_string_equal(c->svcs[11].reals[0].checks[0].command, "/bin/chk");
	assert_int_equal(c->svcs[12].reals[0].checks[0].kind, CFG_CHK_ON);
	expect_warning(&warn, "warning: checktype=5 (combined connect/negotiate) runs the negotiate check every time\n");
	s = &c->svcs[13];
	assert_int_equal(s->s.af, AF_INET6);
	assert_int_equal(s->sorry.af, AF_INET6);
	/* a connect check times out after checktimeout (global here), not
	 * the virtual's negotiatetimeout */
	assert_int_equal(s->reals[0].checks[0].timeout_ms, 4000);
	cfg_free(c);
	sb_free(&warn);
	expect_error(LD, "virtual=10.0.0.1:80\n\treal=10.0.0.2 gate\n\tchecktype=external-perl\n",
		     "t.cf:3: checktype=external-perl is not supported (lvsd has no Perl); use checktype=external");
	expect_error(LD, "virtual=10.0.0.1:80\n\treal=10.0.0.2 gate\n\tchecktype=sometimes\n",
		     "t.cf:3: checktype: expected connect, negotiate, ping, external, off, on or a number, got 'sometimes'");
	/* without checktype=, check messages name checkport='s line, else the virtual's */
	expect_error(LD, "virtual=10.0.0.1:53\n\treal=10.0.0.2 masq\n\tcheckport=53\n\tservice=dns\n",
		     "t.cf:3: service=dns needs request=<name to look up>");
	expect_error(LD, "virtual=10.0.0.1:53\n\treal=10.0.0.2 masq\n\tservice=dns\n",
		     "t.cf:1: service=dns needs request=<name to look up>");
}

/* ----------------------------------------------------- error convention */

static void test_error_codes(void **state)
{
	char dir[] = "/tmp/test_config_kw.XXXXXX", path[64];
	struct strbuf err = STRBUF_INIT, warn = STRBUF_INIT;
	struct cfg *c = (struct cfg *)1;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/none.cf", dir);
	assert_int_equal(cfg_parse_file(path, CFG_FMT_AUTO, &c, &err, &warn), -ENOENT);
	assert_null(c);
	assert_non_null(strstr(err.buf, "none.cf: No such file or directory"));
	sb_free(&err);
	assert_int_equal(cfg_parse_file(dir, CFG_FMT_AUTO, &c, &err, &warn), -EINVAL);
	assert_non_null(strstr(err.buf, "not a regular file"));
	sb_free(&err);
	snprintf(path, sizeof(path), "%s/nul.cf", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fwrite("virtual=1\0x\n", 1, 12, f);
	fclose(f);
	assert_int_equal(cfg_parse_file(path, CFG_FMT_AUTO, &c, &err, &warn), -EINVAL);
	assert_non_null(strstr(err.buf, "binary data (NUL byte)"));
	sb_free(&err);
	/* a forced format; a bad file names its line */
	snprintf(path, sizeof(path), "%s/ka.cf", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("virtual_server 10.0.0.1 80 {\n protocol TCP\n bogus\n}\n", f);
	fclose(f);
	{
		char forced[96];

		snprintf(forced, sizeof(forced), "keepalived:%s", path);
		assert_int_equal(cfg_parse_file(forced, CFG_FMT_LDIRECTORD, &c, &err, &warn), -EINVAL);
		assert_non_null(strstr(err.buf, "ka.cf:3: unknown keyword 'bogus' in virtual_server"));
		sb_free(&err);
	}
	/* err and warn may be NULL */
	assert_int_equal(cfg_parse_file(path, CFG_FMT_AUTO, &c, NULL, NULL), -EINVAL);
	assert_null(c);
	assert_int_equal(cfg_parse_text("t.cf", "virtual=10.0.0.1:80\n\tbogus=1\n", CFG_FMT_AUTO, &c, NULL, NULL),
			 -EINVAL);
	assert_int_equal(cfg_parse_text("t.cf", "virtual=10.0.0.1:80\n\treal=10.0.0.2 gate\n", CFG_FMT_AUTO, &c,
					NULL, NULL), 0);
	cfg_free(c);
	unlink(path);
	snprintf(path, sizeof(path), "%s/nul.cf", dir);
	unlink(path);
	rmdir(dir);
	sb_free(&warn);
}

/* only the first error is kept: the cause, not its consequences */
static void test_first_error_only(void **state)
{
	(void)state;
	expect_error(KA, "virtual_server 10.0.0.1 80 {\n delay_loop x\n bogus\n}\n",
		     "t.cf:2: delay_loop: expected seconds, got 'x'");
	expect_error(LD, "virtual=10.0.0.1:80\n\tscheduler=BAD\n\tpersistent=0\n", "t.cf:2: scheduler: bad name 'BAD'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ka_unknown_keyword),
		cmocka_unit_test(test_ka_wrong_block),
		cmocka_unit_test(test_ka_form),
		cmocka_unit_test(test_ka_tables_reachable),
		cmocka_unit_test(test_ld_unknown_and_sections),
		cmocka_unit_test(test_ld_tables_reachable),
		cmocka_unit_test(test_error_codes),
		cmocka_unit_test(test_first_error_only),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
