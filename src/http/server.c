/* server.c - lvs_mod_http: libmicrohttpd on lvsd's main loop (http.h).
 *
 * MHD runs with MHD_USE_EPOLL and no thread: its epoll fd is a host fd
 * (readable when a listening or client socket is ready) and a timerfd is
 * armed after every MHD_run() from MHD_get_timeout(), for connection
 * timeouts and for connections MHD still has work on.  A request is thus
 * answered from the main loop, one at a time, like a control request:
 * the views need no locking of their own.
 *
 * Limits against bad clients: a connection's memory (headers included)
 * is capped, an idle or slow connection is closed after a timeout, and
 * connections past the limit wait in the listen backlog; the control
 * socket is served by the same loop between any two MHD_run() calls.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "http.h"

#define HTTP_CONN_LIMIT 64              /* connections at once (bounds one MHD_run); more wait in the backlog */
#define HTTP_BACKLOG 1024
#define HTTP_CONN_TIMEOUT_S 10          /* idle or slow clients are closed after this */
#define HTTP_CONN_MEMORY (32u << 10)    /* per connection: request line and headers must fit */

struct http_route {
	const char *path, *view, *type;
};

/* every path is a view; a view not registered (yet) is a 404 */
static const struct http_route routes[] = {
	{ "/", "status.html", "text/html; charset=utf-8" },
	{ "/status.json", "status.json", "application/json" },
	{ "/metrics", "metrics", "text/plain; version=0.0.4; charset=utf-8" },
};

struct http_mod {
	struct lvs_host *h;
	struct MHD_Daemon *mhd;
	int mhd_fd;                     /* MHD's epoll fd, watched by the host */
	int tfd;                        /* timerfd following MHD_get_timeout() */
	uint64_t requests, not_found, bad_method, failed;
};

int lvs_http_addr_parse(const char *s, struct sockaddr_storage *ss)
{
	struct sockaddr_storage tmp;
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon, *hs;
	size_t hl;
	char *end;
	unsigned long port;

	if (!ss)
		ss = &tmp;
	memset(ss, 0, sizeof(*ss));
	if (!s || !(colon = strrchr(s, ':')))
		return -EINVAL;
	hs = s;
	hl = (size_t)(colon - s);
	if (*s == '[') {
		if (hl < 2 || s[hl - 1] != ']')
			return -EINVAL;
		hs++;
		hl -= 2;
	}
	if (hl == 0 || hl >= sizeof(host))
		return -EINVAL;
	memcpy(host, hs, hl);
	host[hl] = 0;
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (errno || end == colon + 1 || *end || port == 0 || port > 65535)
		return -EINVAL;
	if (*s != '[') {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;

		if (inet_pton(AF_INET, host, &in->sin_addr) != 1)
			return -EINVAL;
		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)port);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

		if (inet_pton(AF_INET6, host, &in6->sin6_addr) != 1)
			return -EINVAL;
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
	}
	return 0;
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *type, struct strbuf *body)
{
	size_t len = body->len;
	char *buf = sb_detach(body);
	struct MHD_Response *r = MHD_create_response_from_buffer(len, buf ? buf : (char *)"",
								  buf ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ret;

	if (!r) {
		free(buf);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
				  const char *version, const char *upload_data, size_t *upload_data_size,
				  void **con_cls)
{
	struct http_mod *m = cls;
	struct strbuf body = STRBUF_INIT;
	const struct http_route *rt = NULL;
	int ret;

	(void)version; (void)upload_data; (void)upload_data_size; (void)con_cls;
	m->requests++;
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD)) {
		m->bad_method++;
		sb_puts(&body, "method not allowed: only GET and HEAD\n");
		return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain; charset=utf-8", &body);
	}
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		if (!strcmp(url, routes[i].path))
			rt = &routes[i];
	if (!rt) {
		m->not_found++;
		sb_puts(&body, "not found\n");
		return reply(c, MHD_HTTP_NOT_FOUND, "text/plain; charset=utf-8", &body);
	}
	ret = lvs_host_render_text(m->h, rt->view, &body);
	if (ret == -ENOENT) {
		m->not_found++;
		sb_free(&body);
		sb_printf(&body, "no view \"%s\" in this lvsd\n", rt->view);
		return reply(c, MHD_HTTP_NOT_FOUND, "text/plain; charset=utf-8", &body);
	}
	if (ret < 0 || body.oom) {
		m->failed++;
		sb_free(&body);
		sb_printf(&body, "view \"%s\" failed: %s\n", rt->view, strerror(ret < 0 ? -ret : ENOMEM));
		return reply(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "text/plain; charset=utf-8", &body);
	}
	return reply(c, MHD_HTTP_OK, rt->type, &body);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[256];

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\n")] = 0;
	lvs_log(LOG_INFO, "http: %s", msg);
}

/* let MHD work, then arm the timer for its next deadline */
static void run(struct http_mod *m)
{
	MHD_UNSIGNED_LONG_LONG ms;
	struct itimerspec its = { 0 };

	MHD_run(m->mhd);
	if (MHD_get_timeout(m->mhd, &ms) == MHD_YES) {
		if (ms == 0)
			ms = 1;  /* work pending: come back right after the other fds */
		its.it_value.tv_sec = (time_t)(ms / 1000);
		its.it_value.tv_nsec = (long)(ms % 1000) * 1000000L;
	}
	timerfd_settime(m->tfd, 0, &its, NULL);
}

static void on_mhd(void *arg, int fd, uint32_t events)
{
	(void)fd; (void)events;
	run(arg);
}

static void on_timer(void *arg, int fd, uint32_t events)
{
	uint64_t n;
	ssize_t r = read(fd, &n, sizeof(n));

	(void)r; (void)events;
	run(arg);
}

static int view_http(void *arg, struct strbuf *out)
{
	struct http_mod *m = arg;

	sb_printf(out, "listen %s\n", lvs_host_opts(m->h)->http ? lvs_host_opts(m->h)->http : "off");
	if (m->mhd) {
		const union MHD_DaemonInfo *i = MHD_get_daemon_info(m->mhd, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);

		sb_printf(out, "connections %u\n", i ? i->num_connections : 0);
	}
	sb_printf(out, "requests %llu\nnot_found %llu\nbad_method %llu\nfailed %llu\n",
		  (unsigned long long)m->requests, (unsigned long long)m->not_found,
		  (unsigned long long)m->bad_method, (unsigned long long)m->failed);
	return 0;
}

static void mod_stop(void *state)
{
	struct http_mod *m = state;

	if (!m)
		return;
	if (m->mhd_fd >= 0)
		lvs_host_del_fd(m->h, m->mhd_fd);
	if (m->tfd >= 0) {
		lvs_host_del_fd(m->h, m->tfd);
		close(m->tfd);
	}
	if (m->mhd)
		MHD_stop_daemon(m->mhd);   /* closes its epoll fd */
	free(m);
}

static int listen_start(struct http_mod *m, const char *addr, struct strbuf *err)
{
	struct sockaddr_storage ss;
	const union MHD_DaemonInfo *info;
	int ret;

	if (lvs_http_addr_parse(addr, &ss) < 0) {
		sb_printf(err, "http: bad address %s (want ADDR:PORT)", addr);
		return -EINVAL;
	}
	m->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (m->tfd < 0) {
		ret = -errno;
		sb_printf(err, "http: timerfd: %s", strerror(-ret));
		return ret;
	}
	m->mhd = MHD_start_daemon(MHD_USE_EPOLL | MHD_USE_ERROR_LOG | (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0),
				  0, NULL, NULL, on_request, m,
				  MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
				  MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
				  MHD_OPTION_CONNECTION_LIMIT, (unsigned)HTTP_CONN_LIMIT,
				  MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)HTTP_BACKLOG,
				  MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)HTTP_CONN_TIMEOUT_S,
				  MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_CONN_MEMORY,
				  MHD_OPTION_END);
	if (!m->mhd) {
		sb_printf(err, "http: cannot listen on %s (address in use or not local?)", addr);
		return -EADDRNOTAVAIL;
	}
	info = MHD_get_daemon_info(m->mhd, MHD_DAEMON_INFO_EPOLL_FD);
	if (!info || info->epoll_fd < 0) {
		sb_puts(err, "http: libmicrohttpd has no epoll fd");
		return -EOPNOTSUPP;
	}
	if ((ret = lvs_host_add_fd(m->h, m->tfd, EPOLLIN, on_timer, m)) < 0) {
		sb_printf(err, "http: %s", strerror(-ret));
		return ret;
	}
	if ((ret = lvs_host_add_fd(m->h, info->epoll_fd, EPOLLIN, on_mhd, m)) < 0) {
		sb_printf(err, "http: %s", strerror(-ret));
		return ret;
	}
	m->mhd_fd = info->epoll_fd;
	lvs_log(LOG_INFO, "http: listening on %s", addr);
	return 0;
}

static int mod_start(struct lvs_host *h, void **state, struct strbuf *err)
{
	struct http_mod *m = calloc(1, sizeof(*m));
	const char *addr = lvs_host_opts(h)->http;
	int ret;

	if (!m)
		return -ENOMEM;
	m->h = h;
	m->mhd_fd = m->tfd = -1;
	if ((ret = http_status_views(h)) < 0 || (ret = lvs_host_register_text(h, "http", view_http, m)) < 0) {
		sb_printf(err, "http: cannot register views: %s", strerror(-ret));
		goto fail;
	}
	if (addr && (ret = listen_start(m, addr, err)) < 0)
		goto fail;
	*state = m;
	return 0;
fail:
	mod_stop(m);
	return ret;
}

const struct lvs_module lvs_mod_http = {
	.name = "http",
	.start = mod_start,
	.stop = mod_stop,
};
