/* probe_http.c - HTTP/HTTPS checks through libcurl's multi interface,
 * driven by the engine's epoll (curl_multi_socket_action): thousands of
 * requests in flight on one thread.  Success = status in the configured
 * set (default 2xx) and, when configured, the body matches the POSIX
 * extended regex (ldirectord receive=, keepalived regex) and/or its MD5
 * equals the keepalived digest.  Proxies from the environment are
 * ignored; certificates are not verified (this is a liveness check). */
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <curl/curl.h>
#include <sys/epoll.h>

#include "check-int.h"
#include "md5.h"

#define HTTP_BODY_MAX (1u << 20)

struct chk_http {
	CURLM *multi;
	uint64_t timer_due;     /* 0 = no curl timer */
};

struct http_sock {
	struct chk_watch w;
	curl_socket_t fd;
};

static void check_done(struct chk_engine *e);

static void sock_event(struct chk_engine *e, struct chk_watch *w, uint32_t events)
{
	struct chk_http *st = e->http;
	struct http_sock *hs = (struct http_sock *)w;
	int flags = 0, running;

	if (events & EPOLLIN)
		flags |= CURL_CSELECT_IN;
	if (events & EPOLLOUT)
		flags |= CURL_CSELECT_OUT;
	if (events & (EPOLLERR | EPOLLHUP))
		flags |= CURL_CSELECT_ERR;
	curl_multi_socket_action(st->multi, hs->fd, flags, &running);
	check_done(e);
}

/* libcurl's CURLMOPT_SOCKETFUNCTION: 0, or -1 for an error (its rule) */
static int socket_cb(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp)
{
	struct chk_engine *e = userp;
	struct chk_http *st = e->http;
	struct http_sock *hs = socketp;
	uint32_t ev = 0;

	(void)easy;
	if (what == CURL_POLL_REMOVE) {
		if (hs) {
			chk_unwatch_fd(e, s);
			free(hs);
			curl_multi_assign(st->multi, s, NULL);
		}
		return 0;
	}
	if (what & CURL_POLL_IN)
		ev |= EPOLLIN;
	if (what & CURL_POLL_OUT)
		ev |= EPOLLOUT;
	if (!hs) {
		hs = calloc(1, sizeof(*hs));
		if (!hs)
			return -1;
		hs->w.cb = sock_event;
		hs->fd = s;
		if (chk_watch_fd(e, s, ev, &hs->w)) {
			free(hs);
			return -1;
		}
		curl_multi_assign(st->multi, s, hs);
		return 0;
	}
	return chk_watch_mod(e, s, ev, &hs->w) ? -1 : 0;
}

static int timer_cb(CURLM *multi, long timeout_ms, void *userp)
{
	struct chk_http *st = userp;

	(void)multi;
	st->timer_due = timeout_ms < 0 ? 0 : lvs_now_ms() + (uint64_t)timeout_ms;
	return 0;
}

int chk_http_init(struct chk_engine *e)
{
	struct chk_http *st;
	static int global_done;

	if (!global_done) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT))
			return -ENOMEM;
		global_done = 1;
	}
	st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	st->multi = curl_multi_init();
	if (!st->multi) {
		free(st);
		return -ENOMEM;
	}
	curl_multi_setopt(st->multi, CURLMOPT_SOCKETFUNCTION, socket_cb);
	curl_multi_setopt(st->multi, CURLMOPT_SOCKETDATA, e);
	curl_multi_setopt(st->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
	curl_multi_setopt(st->multi, CURLMOPT_TIMERDATA, st);
	e->http = st;
	return 0;
}

void chk_http_fini(struct chk_engine *e)
{
	struct chk_http *st = e->http;

	if (!st)
		return;
	curl_multi_cleanup(st->multi);
	free(st);
	e->http = NULL;
}

int64_t chk_http_next_ms(struct chk_engine *e, uint64_t now)
{
	struct chk_http *st = e->http;

	if (!st || !st->timer_due)
		return -1;
	return st->timer_due > now ? (int64_t)(st->timer_due - now) : 0;
}

void chk_http_timer(struct chk_engine *e, uint64_t now)
{
	struct chk_http *st = e->http;
	int running;

	if (!st || !st->timer_due || st->timer_due > now)
		return;
	st->timer_due = 0;
	curl_multi_socket_action(st->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	check_done(e);
}

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
	struct chk_probe *p = arg;
	size_t len = size * n, room = HTTP_BODY_MAX - p->body_len;
	char *nb;

	if (len > room)
		len = room;       /* keep the first MB; the rest is read and dropped */
	if (len) {
		nb = realloc(p->body, p->body_len + len + 1);
		if (!nb)
			return 0;
		p->body = nb;
		memcpy(p->body + p->body_len, data, len);
		p->body_len += len;
		p->body[p->body_len] = 0;
	}
	return size * n;
}

static int status_ok(const struct cfg_check *k, long code)
{
	if (!k->nstatus)
		return code >= 200 && code <= 299;
	for (int i = 0; i < k->nstatus; i++)
		if (code >= k->status_lo[i] && code <= k->status_hi[i])
			return 1;
	return 0;
}

static void evaluate(struct chk_engine *e, struct chk_probe *p, CURLcode rc)
{
	long code = 0;
	char hex[33];

	if (rc != CURLE_OK) {
		chk_probe_done(e, p, 0, "%s", curl_easy_strerror(rc));
		return;
	}
	curl_easy_getinfo(p->curl, CURLINFO_RESPONSE_CODE, &code);
	if (!status_ok(&p->k, code)) {
		chk_probe_done(e, p, 0, "HTTP status %ld", code);
		return;
	}
	if (p->k.receive) {
		regex_t re;
		int match;

		if (chk_probe_regcomp(e, p, &re, p->k.receive))
			return;
		/* the body is NUL-terminated; an embedded NUL ends the match text */
		match = regexec(&re, p->body ? p->body : "", 0, NULL, 0) == 0;
		regfree(&re);
		if (match == p->k.receive_no_match) {
			chk_probe_done(e, p, 0, "HTTP %ld, body %s '%s'", code,
				       p->k.receive_no_match ? "matches" : "does not match", p->k.receive);
			return;
		}
	}
	if (p->k.digest[0]) {
		chk_md5_hex(p->body ? p->body : "", p->body_len, hex);
		if (strcmp(hex, p->k.digest)) {
			chk_probe_done(e, p, 0, "HTTP %ld, digest %s != %s", code, hex, p->k.digest);
			return;
		}
	}
	chk_probe_done(e, p, 1, "HTTP %ld", code);
}

static void check_done(struct chk_engine *e)
{
	struct chk_http *st = e->http;
	CURLMsg *m;
	int left;

	while ((m = curl_multi_info_read(st->multi, &left)) != NULL) {
		struct chk_probe *p = NULL;

		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&p);
		if (p && p->curl == m->easy_handle)
			evaluate(e, p, m->data.result);
	}
}

void chk_http_cancel(struct chk_engine *e, struct chk_probe *p)
{
	struct chk_http *st = e->http;

	if (!p->curl)
		return;
	curl_multi_remove_handle(st->multi, p->curl);
	curl_easy_cleanup(p->curl);
	p->curl = NULL;
	curl_slist_free_all(p->curl_list);
	p->curl_list = NULL;
}

void chk_http_start(struct chk_engine *e, struct chk_probe *p)
{
	struct chk_http *st = e->http;
	char ip[INET6_ADDRSTRLEN + 2], url[2048], connect_to[600], iface[INET6_ADDRSTRLEN + 8];
	const char *name = ip;
	struct curl_slist *ct = NULL;
	CURL *c;

	inet_ntop(p->k.af, &p->k.addr, ip + 1, sizeof(ip) - 2);
	if (p->k.af == AF_INET6) {
		ip[0] = '[';
		strcat(ip, "]");
	} else {
		memmove(ip, ip + 1, strlen(ip + 1) + 1);
	}
	c = curl_easy_init();
	if (!c) {
		chk_probe_done(e, p, 0, "curl_easy_init failed");
		return;
	}
	if (p->k.host) {
		/* the name goes into the URL (Host header, SNI); the connection goes to the RS */
		name = p->k.host;
		snprintf(connect_to, sizeof(connect_to), "%s:%u:%s:%u", p->k.host, p->k.port, ip, p->k.port);
		ct = curl_slist_append(NULL, connect_to);
		curl_easy_setopt(c, CURLOPT_CONNECT_TO, ct);
	}
	snprintf(url, sizeof(url), "%s://%s:%u%s", p->k.https ? "https" : "http", name, p->k.port,
		 p->k.path ? p->k.path : "/");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PRIVATE, p);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, p);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);
	curl_easy_setopt(c, CURLOPT_FRESH_CONNECT, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)p->k.timeout_ms);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "lvsd-healthcheck/1.0");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	if (p->k.head)
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	if (p->k.has_src) {
		char s[INET6_ADDRSTRLEN];

		inet_ntop(p->k.af, &p->k.src, s, sizeof(s));
		snprintf(iface, sizeof(iface), "host!%s", s);
		curl_easy_setopt(c, CURLOPT_INTERFACE, iface);
	}
	p->curl = c;
	p->curl_list = ct;   /* curl does not copy slists: freed with the handle */
	if (curl_multi_add_handle(st->multi, c) != CURLM_OK)
		chk_probe_done(e, p, 0, "curl_multi_add_handle failed");
}
