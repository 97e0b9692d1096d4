/* test_check_engine.c - the checker thread end to end on loopback: TCP
 * checks against a real listener, a shared probe, fallback in/out,
 * external commands (exit code, killed at the timeout), a reload that
 * leaves an unchanged service untouched, and the status view; reloading
 * the file: refused with its message when it has an error (the running
 * configuration stays), applied when it is good. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "fixture.h"
#include "check/check.h"

static pthread_mutex_t tlock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t loglock = PTHREAD_MUTEX_INITIALIZER;
static struct lvs_table *table;
static struct strbuf logbuf = STRBUF_INIT;

static void h_lock(void *a) { (void)a; pthread_mutex_lock(&tlock); }
static void h_unlock(void *a) { (void)a; pthread_mutex_unlock(&tlock); }
static struct lvs_table *h_table(void *a) { (void)a; return table; }
static void h_log(void *a, int prio, const char *msg)
{
	(void)a;
	(void)prio;
	pthread_mutex_lock(&loglock);
	sb_printf(&logbuf, "%s\n", msg);
	pthread_mutex_unlock(&loglock);
}

static int log_has(const char *s)
{
	int r;

	pthread_mutex_lock(&loglock);
	r = logbuf.buf && strstr(logbuf.buf, s) != NULL;
	pthread_mutex_unlock(&loglock);
	return r;
}

static int log_count(const char *s)
{
	int n = 0;

	pthread_mutex_lock(&loglock);
	for (const char *p = logbuf.buf; p && (p = strstr(p, s)) != NULL; p++)
		n++;
	pthread_mutex_unlock(&loglock);
	return n;
}

static int listener(uint16_t *port)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;

	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons(*port);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 64))
		fail_msg("listener");
	getsockname(fd, (struct sockaddr *)&sa, &sl);
	*port = ntohs(sa.sin_port);
	return fd;
}

/* weight of ip:port in service vip:vport, -1 if absent */
static int weight(const char *vip, const char *ip, uint16_t port)
{
	struct lvs_service *s;
	union lvs_addr v = ip4(vip), a = ip4(ip);
	struct lvs_dest *d;
	int w = -1;

	pthread_mutex_lock(&tlock);
	s = lvs_svc_lookup(table, AF_INET, IPPROTO_TCP, &v, 80);
	d = s ? lvs_dest_lookup(s, AF_INET, &a, port) : NULL;
	if (d)
		w = d->weight;
	pthread_mutex_unlock(&tlock);
	return w;
}

static int svc_exists(const char *vip)
{
	union lvs_addr v = ip4(vip);
	int r;

	pthread_mutex_lock(&tlock);
	r = lvs_svc_lookup(table, AF_INET, IPPROTO_TCP, &v, 80) != NULL;
	pthread_mutex_unlock(&tlock);
	return r;
}

#define WAIT_FOR(cond, ms)                                                     \
	do {                                                                   \
		int _i;                                                        \
		for (_i = 0; _i < (ms) / 20 && !(cond); _i++)                  \
			usleep(20000);                                         \
		if (!(cond))                                                   \
			fail_msg("timed out waiting for %s; log:\n%s", #cond, \
				 logbuf.buf ? logbuf.buf : "");                \
	} while (0)

static void test_engine(void **state)
{
	struct chk_host host = { h_lock, h_unlock, h_table, NULL, h_log, NULL };
	struct chk_engine *e;
	struct chk_stats st;
	uint16_t p1 = 0;
	int l1 = listener(&p1);
	char text[2048], text2[2048];
	struct strbuf view = STRBUF_INIT;

	(void)state;
	/* ldirectord passes VIP VPORT RIP RPORT to the command */
	char script[] = "/tmp/lvsd-hc-check.XXXXXX";
	int sfd = mkstemp(script);
	const char body[] = "#!/bin/sh\n[ $# = 4 ] && [ \"$1\" = 10.0.0.3 ] && [ \"$3\" = 127.0.0.1 ]\n";

	assert_true(sfd >= 0);
	assert_int_equal(write(sfd, body, sizeof(body) - 1), (ssize_t)sizeof(body) - 1);
	fchmod(sfd, 0755);
	close(sfd);
	table = lvs_table_new();
	snprintf(text, sizeof(text),
		 "checkinterval=0.1\nchecktimeout=0.3\nfailurecount=2\n"
		 "virtual=10.0.0.1:80\n\treal=127.0.0.1:%u masq 2\n\treal=127.0.0.1:1 masq 1\n"
		 "\tfallback=127.0.0.1:9 masq\n\tchecktype=connect\n"
		 "virtual=10.0.0.2:80\n\treal=127.0.0.1:%u masq 1\n\tchecktype=connect\n"
		 "virtual=10.0.0.3:80\n\treal=127.0.0.1:80 masq 1\n\tchecktype=external\n\tcheckcommand=\"%s\"\n"
		 "virtual=10.0.0.4:80\n\treal=127.0.0.1:80 masq 1\n\tchecktype=external\n\tcheckcommand=\"sleep 5; :\"\n",
		 p1, p1, script);
	e = chk_engine_new(&host);
	assert_non_null(e);
	assert_int_equal(chk_engine_start(e, NULL, load_cfg(text, CFG_FMT_LDIRECTORD)), 0);
	/* at start (ldirectord: down until checked) the fallback went in
	 * (synchronously, before any check could bring a server up) */
	assert_int_equal(log_count("Added fallback server 127.0.0.1:9 to tcp:10.0.0.1:80"), 1);

	WAIT_FOR(weight("10.0.0.1", "127.0.0.1", p1) == 2, 2000);
	WAIT_FOR(weight("10.0.0.1", "127.0.0.1", 9) == -1, 500);
	WAIT_FOR(weight("10.0.0.2", "127.0.0.1", p1) == 1, 500);
	WAIT_FOR(weight("10.0.0.3", "127.0.0.1", 80) == 1, 2000);
	assert_int_equal(weight("10.0.0.1", "127.0.0.1", 1), -1);
	/* four checks: the two services share 127.0.0.1:p1 */
	chk_engine_stats(e, &st);
	assert_int_equal(st.nprobes, 4);
	WAIT_FOR(log_has("timeout after 300 ms"), 2000);
	assert_int_equal(weight("10.0.0.4", "127.0.0.1", 80), -1);

	/* the server goes away: down after 2 failures, fallback back in */
	close(l1);
	WAIT_FOR(weight("10.0.0.1", "127.0.0.1", p1) == -1, 1500);
	WAIT_FOR(weight("10.0.0.1", "127.0.0.1", 9) == 1, 200);
	WAIT_FOR(weight("10.0.0.2", "127.0.0.1", p1) == -1, 200);
	char needle[100];

	snprintf(needle, sizeof(needle), "Check tcp 127.0.0.1:%u is DOWN", p1);
	assert_true(log_has(needle));
	assert_int_equal(log_count("Added fallback server 127.0.0.1:9 to tcp:10.0.0.1:80"), 2);

	/* reload: 10.0.0.4 leaves, 10.0.0.3 is untouched (same dest object) */
	struct lvs_service *s3;
	union lvs_addr v3 = ip4("10.0.0.3");

	pthread_mutex_lock(&tlock);
	s3 = lvs_svc_lookup(table, AF_INET, IPPROTO_TCP, &v3, 80);
	pthread_mutex_unlock(&tlock);
	snprintf(text2, sizeof(text2),
		 "checkinterval=0.1\nchecktimeout=0.3\nfailurecount=2\n"
		 "virtual=10.0.0.1:80\n\treal=127.0.0.1:%u masq 2\n\treal=127.0.0.1:1 masq 1\n"
		 "\tfallback=127.0.0.1:9 masq\n\tchecktype=connect\n"
		 "virtual=10.0.0.3:80\n\treal=127.0.0.1:80 masq 1\n\tchecktype=external\n\tcheckcommand=\"%s\"\n",
		 p1, script);
	assert_int_equal(chk_engine_set_config(e, load_cfg(text2, CFG_FMT_LDIRECTORD), NULL), 0);
	WAIT_FOR(!svc_exists("10.0.0.4"), 1000);
	WAIT_FOR(!svc_exists("10.0.0.2"), 1000);
	pthread_mutex_lock(&tlock);
	assert_ptr_equal(lvs_svc_lookup(table, AF_INET, IPPROTO_TCP, &v3, 80), s3);
	pthread_mutex_unlock(&tlock);
	assert_int_equal(weight("10.0.0.3", "127.0.0.1", 80), 1);   /* state kept: no flap */
	chk_engine_stats(e, &st);
	assert_int_equal(st.nprobes, 3);

	/* the server returns: restored, fallback removed */
	l1 = listener(&p1);
	WAIT_FOR(weight("10.0.0.1", "127.0.0.1", p1) == 2, 1500);
	WAIT_FOR(weight("10.0.0.1", "127.0.0.1", 9) == -1, 200);

	chk_engine_status(e, &view);
	assert_non_null(strstr(view.buf, "Service tcp:10.0.0.1:80: quorum, fallback 127.0.0.1:9 inactive"));
	assert_non_null(strstr(view.buf, "exec '/tmp/lvsd-hc-check."));
	unlink(script);
	chk_engine_stats(e, &st);
	assert_true(st.probes_run > 10);
	chk_engine_free(e);
	close(l1);
	sb_free(&view);
	lvs_table_free(table);
	sb_free(&logbuf);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static void test_reload(void **state)
{
	struct chk_host host = { h_lock, h_unlock, h_table, NULL, h_log, NULL };
	struct strbuf err = STRBUF_INIT, perr = STRBUF_INIT;
	char path[] = "/tmp/lvsd-hc-reload.XXXXXX";
	struct chk_engine *e;
	struct chk_stats st;
	struct cfg *c = NULL;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	table = lvs_table_new();

	/* an engine without a file: nothing to reload, and it says why */
	e = chk_engine_new(&host);
	assert_non_null(e);
	assert_int_equal(chk_engine_reload(e, &err), -ENOENT);
	assert_non_null(err.buf);
	assert_non_null(strstr(err.buf, "no configuration file"));
	assert_int_equal(chk_engine_reload(e, NULL), -ENOENT);
	chk_engine_free(e);
	sb_free(&err);

	write_file(path, "checkinterval=1\nvirtual=10.0.1.1:80\n\treal=127.0.0.1:80 masq 1\n\tchecktype=on\n");
	assert_int_equal(cfg_parse_file(path, CFG_FMT_LDIRECTORD, &c, &perr, NULL), 0);
	e = chk_engine_new(&host);
	assert_non_null(e);
	assert_int_equal(chk_engine_start(e, path, c), 0);
	assert_true(svc_exists("10.0.1.1"));

	/* an error: refused with "file:line: message", the running one stays */
	write_file(path, "checkinterval=1\nvirtual=10.0.1.2:80\n\treal=no-such-address masq 1\n");
	assert_int_equal(chk_engine_reload(e, &err), -EINVAL);
	assert_non_null(err.buf);
	assert_non_null(strstr(err.buf, path));
	assert_non_null(strstr(err.buf, ":3:"));
	WAIT_FOR(log_has("keeping the running configuration"), 1000);
	assert_int_equal(chk_engine_reload(e, NULL), -EINVAL);
	chk_engine_stats(e, &st);
	assert_int_equal(st.reloads, 2);
	assert_int_equal(st.reload_errors, 2);
	assert_true(svc_exists("10.0.1.1"));
	assert_false(svc_exists("10.0.1.2"));

	/* a good file: applied by the engine thread */
	sb_free(&err);
	write_file(path, "checkinterval=1\nvirtual=10.0.1.2:80\n\treal=127.0.0.1:80 masq 1\n\tchecktype=on\n");
	assert_int_equal(chk_engine_reload(e, &err), 0);
	assert_null(err.buf);
	WAIT_FOR(svc_exists("10.0.1.2"), 1000);
	WAIT_FOR(!svc_exists("10.0.1.1"), 1000);
	chk_engine_stats(e, &st);
	assert_int_equal(st.reloads, 3);
	assert_int_equal(st.reload_errors, 2);

	chk_engine_free(e);
	unlink(path);
	sb_free(&perr);
	lvs_table_free(table);
	sb_free(&logbuf);
}

UNIT_TESTS(cmocka_unit_test(test_engine),
	   cmocka_unit_test(test_reload))
