/* client.c - the control-socket client library (client.h).
 *
 * One blocking SOCK_STREAM connection per handle; one request in flight at
 * a time.  Batched mutations are queued into one LVSP_OP_BATCH frame.
 *
 * Never stuck, never tricked into a huge allocation: every wait for the
 * daemon is bounded by the handle's timeout (lvsc_timeout_ms: no bytes
 * moving for that long is -ETIMEDOUT), and a reply's buffer grows with
 * the bytes that actually arrive, not with the length its header
 * announces.  The daemon closes connections that sit idle (see
 * daemon/server.c); a handle left unused for LVSC_REUSE_MS reconnects
 * before its next request rather than race that close. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>
#include "client.h"
#include "proto.h"
#include "lib/clock.h"

#define LVSC_REUSE_MS 5000          /* half of the daemon's idle limit */
#define LVSC_RX_CHUNK (1u << 20)    /* reply buffer grows by at most this ahead of the data */

struct lvsc {
	int fd;
	struct sockaddr_un sun;
	int timeout_ms;          /* 0: wait forever */
	uint64_t last_ms;        /* last exchange with the daemon */
	uint32_t seq;
	int batching;
	size_t batch_n;
	struct lvsp_buf batch;   /* queued sub-requests (after a u32 count) */
	int32_t *early;          /* results of batch parts already sent (a
	                          * query or the size cap forced them out) */
	size_t early_n, early_cap;
	struct lvsp_buf rx;      /* last reply payload */
};

const char *lvsc_socket_path(const char *explicit_path)
{
	if (explicit_path && *explicit_path)
		return explicit_path;
	const char *env = getenv(LVSD_SOCKET_ENV);
	if (env && *env)
		return env;
	return LVSD_SOCKET_DEFAULT;
}

int lvsc_timeout_ms(void)
{
	const char *env = getenv(LVSD_TIMEOUT_ENV);
	if (env && *env) {
		char *end;
		unsigned long v = strtoul(env, &end, 10);
		if (!*end && v <= 86400)
			return (int)v * 1000;
	}
	return LVSC_TIMEOUT_DEFAULT_S * 1000;
}

static int sock_connect(const struct sockaddr_un *sun, int timeout_ms)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* a full backlog blocks connect() too: that wait is bounded as well
	 * (later sends never block: they use MSG_DONTWAIT and poll) */
	struct timeval tv = { .tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000 };
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (const struct sockaddr *)sun, sizeof(*sun)) < 0) {
		int e = errno;
		close(fd);
		if (e == EAGAIN || e == EINPROGRESS)
			return -ETIMEDOUT;
		/* EPERM on connect also means "the socket is root's" */
		return e == EPERM ? -EACCES : -e;
	}
	return fd;
}

int lvsc_open(const char *path, struct lvsc **out)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	path = lvsc_socket_path(path);
	*out = NULL;
	if (strlen(path) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	strcpy(sun.sun_path, path);
	int timeout_ms = lvsc_timeout_ms();
	int fd = sock_connect(&sun, timeout_ms);
	if (fd < 0)
		return fd;
	struct lvsc *c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		return -ENOMEM;
	}
	c->fd = fd;
	c->sun = sun;
	c->timeout_ms = timeout_ms;
	c->last_ms = lvs_now_ms();
	*out = c;
	return 0;
}

void lvsc_close(struct lvsc *c)
{
	if (!c)
		return;
	if (c->batching && c->batch_n)
		lvsc_batch_flush(c, NULL, NULL);
	close(c->fd);
	lvsp_buf_free(&c->batch);
	lvsp_buf_free(&c->rx);
	free(c->early);
	free(c);
}

/* wait until fd is ready for `events`; -ETIMEDOUT after timeout_ms */
static int wait_fd(int fd, short events, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = events };
	uint64_t deadline = lvs_now_ms() + (uint64_t)timeout_ms;
	for (;;) {
		int left = -1;
		if (timeout_ms > 0) {
			uint64_t now = lvs_now_ms();
			if (now >= deadline)
				return -ETIMEDOUT;
			left = (int)(deadline - now);
		}
		int r = poll(&p, 1, left);
		if (r > 0)
			return 0;
		if (r == 0)
			return -ETIMEDOUT;
		if (errno != EINTR)
			return -errno;
	}
}

/* after a send/recv on the non-blocking socket failed: 0 to try again
 * (interrupted, or ready for `events` within the timeout), else -errno */
static int try_again(struct lvsc *c, short events)
{
	if (errno == EINTR)
		return 0;
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		return wait_fd(c->fd, events, c->timeout_ms);
	return -errno;
}

static int write_all(struct lvsc *c, const void *p, size_t n)
{
	const uint8_t *b = p;
	while (n) {
		ssize_t w = send(c->fd, b, n, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0) {
			int err = try_again(c, POLLOUT);
			if (err)
				return err;
			continue;
		}
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

/* n bytes into buf->data + buf->len, growing the buffer only as far as
 * the data already received plus LVSC_RX_CHUNK */
static int read_into(struct lvsc *c, struct lvsp_buf *buf, size_t n)
{
	while (n) {
		size_t room = buf->cap - buf->len;
		if (!room) {
			size_t grow = n < LVSC_RX_CHUNK ? n : LVSC_RX_CHUNK;
			if (grow < buf->len)
				grow = buf->len < n ? buf->len : n; /* double, but not past n */
			if (lvsp_buf_reserve(buf, grow))
				return -ENOMEM;
			room = buf->cap - buf->len;
		}
		size_t want = room < n ? room : n;
		ssize_t r = recv(c->fd, buf->data + buf->len, want, MSG_DONTWAIT);
		if (r < 0) {
			int err = try_again(c, POLLIN);
			if (err)
				return err;
			continue;
		}
		if (r == 0)
			return -ECONNRESET;
		buf->len += (size_t)r;
		n -= (size_t)r;
	}
	return 0;
}

/* a connection unused for long may have been closed by the daemon as
 * idle: open a fresh one first (a request is never resent) */
static int refresh(struct lvsc *c)
{
	if (lvs_now_ms() - c->last_ms < LVSC_REUSE_MS)
		return 0;
	int fd = sock_connect(&c->sun, c->timeout_ms);
	if (fd < 0)
		return fd;
	close(c->fd);
	c->fd = fd;
	return 0;
}

/* send one request and wait for its reply; returns the daemon's i32
 * result (or a transport error) and leaves the result data readable
 * through *r */
static int transact(struct lvsc *c, unsigned op, const struct lvsp_buf *payload, struct lvsp_reader *r)
{
	if (payload && payload->oom)
		return -ENOMEM;
	size_t plen = payload ? payload->len : 0;
	if (plen > LVSP_MAX_REQUEST)
		return -EMSGSIZE;
	struct lvsp_hdr h = {
		.magic = LVSP_MAGIC, .version = LVSP_VERSION, .op = (uint16_t)op,
		.flags = 0, .seq = ++c->seq, .len = (uint32_t)plen,
	};
	uint8_t hb[LVSP_HDR_LEN];
	lvsp_hdr_encode(hb, &h);
	int err = refresh(c);
	if (!err)
		err = write_all(c, hb, sizeof(hb));
	if (!err && plen)
		err = write_all(c, payload->data, plen);
	if (err)
		return err;

	struct lvsp_hdr rh;
	c->rx.len = 0;
	err = read_into(c, &c->rx, LVSP_HDR_LEN);
	if (err)
		return err;
	lvsp_hdr_decode(c->rx.data, &rh);
	if (lvsp_hdr_check(&rh, LVSP_MAX_REPLY) || !(rh.flags & LVSP_F_REPLY) || rh.len < 4)
		return -EPROTO;
	c->rx.len = 0;
	/* a big dump's buffer is not kept for the next small reply */
	if (c->rx.cap > 4 * LVSC_RX_CHUNK && rh.len < LVSC_RX_CHUNK)
		lvsp_buf_free(&c->rx);
	err = read_into(c, &c->rx, rh.len);
	if (err)
		return err;
	c->last_ms = lvs_now_ms();
	/* a daemon that could not parse our frame answers with op 0 / seq 0 */
	if (rh.seq != h.seq && rh.seq != 0)
		return -EPROTO;
	lvsp_reader_init(r, c->rx.data, c->rx.len);
	int32_t res = lvsp_get_i32(r);
	if (r->err)
		return -EPROTO;
	return res;
}

/* send the queued part of a batch now; its results are kept in c->early
 * until lvsc_batch_flush hands them to the caller */
static int batch_send(struct lvsc *c)
{
	if (!c->batch_n)
		return 0;
	lvsp_patch_u32(&c->batch, 0, (uint32_t)c->batch_n);
	size_t n = c->batch_n;
	struct lvsp_reader r;
	int res = transact(c, LVSP_OP_BATCH, &c->batch, &r);
	c->batch.len = 0;
	c->batch.oom = 0;
	c->batch_n = 0;
	if (res < 0)
		return res;
	uint32_t got = lvsp_get_u32(&r);
	if (r.err || got != n)
		return -EPROTO;
	if (c->early_n + n > c->early_cap) {
		size_t cap = (c->early_n + n) * 2;
		int32_t *p = realloc(c->early, cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		c->early = p;
		c->early_cap = cap;
	}
	for (size_t i = 0; i < n; i++) {
		int32_t e = lvsp_get_i32(&r);
		if (r.err)
			return -EPROTO;
		c->early[c->early_n++] = e;
	}
	return 0;
}

/* mutation: queued while batching, else sent at once */
static int mutate(struct lvsc *c, unsigned op, const struct lvsp_buf *payload)
{
	if (payload->oom)
		return -ENOMEM;
	if (c->batching) {
		if (c->batch.len == 0)
			lvsp_put_u32(&c->batch, 0); /* count, patched at flush */
		lvsp_put_u16(&c->batch, (uint16_t)op);
		lvsp_put_u32(&c->batch, (uint32_t)payload->len);
		lvsp_put_bytes(&c->batch, payload->data, payload->len);
		c->batch_n++;
		/* keep each frame under the daemon's cap: ship early */
		if (c->batch.len > LVSP_MAX_REQUEST / 2)
			return batch_send(c);
		return c->batch.oom ? -ENOMEM : 0;
	}
	struct lvsp_reader r;
	return transact(c, op, payload, &r);
}

/* non-mutating calls flush a pending batch first */
static int query(struct lvsc *c, unsigned op, const struct lvsp_buf *payload, struct lvsp_reader *r)
{
	if (c->batching && c->batch_n) {
		int err = batch_send(c);
		if (err < 0)
			return err;
	}
	return transact(c, op, payload, r);
}

void lvsc_batch_begin(struct lvsc *c)
{
	c->batching = 1;
}

int lvsc_batch_flush(struct lvsc *c, void (*cb)(size_t i, int err, void *arg), void *arg)
{
	int err = batch_send(c);
	c->batching = 0;
	if (cb)
		for (size_t i = 0; i < c->early_n; i++)
			cb(i, c->early[i], arg);
	c->early_n = 0;
	return err;
}

int lvsc_get_info(struct lvsc *c, struct lvs_info *out)
{
	struct lvsp_reader r;
	int res = query(c, LVSP_OP_GET_INFO, NULL, &r);
	if (res < 0)
		return res;
	out->version = lvsp_get_u32(&r);
	out->conn_tab_size = lvsp_get_u32(&r);
	out->num_services = lvsp_get_u32(&r);
	return r.err ? -EPROTO : 0;
}

static int svc_op(struct lvsc *c, unsigned op, const struct lvs_service_conf *s)
{
	struct lvsp_buf b = { 0 };
	lvsp_put_svc(&b, s);
	int res = mutate(c, op, &b);
	lvsp_buf_free(&b);
	return res;
}

static int dest_op(struct lvsc *c, unsigned op, const struct lvs_service_conf *s, const struct lvs_dest_conf *d)
{
	struct lvsp_buf b = { 0 };
	lvsp_put_svc(&b, s);
	lvsp_put_dest(&b, d);
	int res = mutate(c, op, &b);
	lvsp_buf_free(&b);
	return res;
}

int lvsc_add_service(struct lvsc *c, const struct lvs_service_conf *s) { return svc_op(c, LVSP_OP_ADD_SERVICE, s); }
int lvsc_edit_service(struct lvsc *c, const struct lvs_service_conf *s) { return svc_op(c, LVSP_OP_EDIT_SERVICE, s); }
int lvsc_del_service(struct lvsc *c, const struct lvs_service_conf *s) { return svc_op(c, LVSP_OP_DEL_SERVICE, s); }

int lvsc_flush(struct lvsc *c)
{
	struct lvsp_buf b = { 0 };
	int res = mutate(c, LVSP_OP_FLUSH, &b);
	lvsp_buf_free(&b);
	return res;
}

int lvsc_add_dest(struct lvsc *c, const struct lvs_service_conf *s, const struct lvs_dest_conf *d)
{
	return dest_op(c, LVSP_OP_ADD_DEST, s, d);
}

int lvsc_edit_dest(struct lvsc *c, const struct lvs_service_conf *s, const struct lvs_dest_conf *d)
{
	return dest_op(c, LVSP_OP_EDIT_DEST, s, d);
}

int lvsc_del_dest(struct lvsc *c, const struct lvs_service_conf *s, const struct lvs_dest_conf *d)
{
	return dest_op(c, LVSP_OP_DEL_DEST, s, d);
}

int lvsc_zero(struct lvsc *c, const struct lvs_service_conf *s)
{
	struct lvsp_buf b = { 0 };
	lvsp_put_u8(&b, s ? 1 : 0);
	if (s)
		lvsp_put_svc(&b, s);
	int res = mutate(c, LVSP_OP_ZERO, &b);
	lvsp_buf_free(&b);
	return res;
}

int lvsc_set_timeouts(struct lvsc *c, uint32_t tcp, uint32_t tcpfin, uint32_t udp)
{
	struct lvsp_buf b = { 0 };
	lvsp_put_u32(&b, tcp);
	lvsp_put_u32(&b, tcpfin);
	lvsp_put_u32(&b, udp);
	int res = mutate(c, LVSP_OP_SET_TIMEOUTS, &b);
	lvsp_buf_free(&b);
	return res;
}

int lvsc_get_timeouts(struct lvsc *c, struct lvs_timeouts *out)
{
	struct lvsp_reader r;
	int res = query(c, LVSP_OP_GET_TIMEOUTS, NULL, &r);
	if (res < 0)
		return res;
	lvsp_get_timeouts(&r, out);
	return r.err ? -EPROTO : 0;
}

int lvsc_start_daemon(struct lvsc *c, const struct lvs_daemon_conf *d)
{
	struct lvsp_buf b = { 0 };
	lvsp_put_daemon(&b, d);
	int res = mutate(c, LVSP_OP_START_DAEMON, &b);
	lvsp_buf_free(&b);
	return res;
}

int lvsc_stop_daemon(struct lvsc *c, int state)
{
	struct lvsp_buf b = { 0 };
	lvsp_put_i32(&b, state);
	int res = mutate(c, LVSP_OP_STOP_DAEMON, &b);
	lvsp_buf_free(&b);
	return res;
}

int lvsc_get_daemons(struct lvsc *c, struct lvs_daemon_conf out[2])
{
	struct lvsp_reader r;
	int res = query(c, LVSP_OP_GET_DAEMONS, NULL, &r);
	if (res < 0)
		return res;
	if (res > 2)
		return -EPROTO;
	for (int i = 0; i < res; i++)
		lvsp_get_daemon(&r, &out[i]);
	return r.err ? -EPROTO : res;
}

void lvsc_free_services(struct lvs_service_entry *v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i].dests);
	free(v);
}

int lvsc_get_services(struct lvsc *c, struct lvs_service_entry **out, size_t *n)
{
	struct lvsp_reader r;
	*out = NULL;
	*n = 0;
	int res = query(c, LVSP_OP_GET_SERVICES, NULL, &r);
	if (res < 0)
		return res;
	uint32_t cnt = lvsp_get_u32(&r);
	if (r.err || cnt > lvsp_remaining(&r) / LVSP_SVC_ENTRY_MIN)
		return -EPROTO;
	struct lvs_service_entry *v = calloc(cnt ? cnt : 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	size_t i;
	for (i = 0; i < cnt; i++) {
		lvsp_get_service_entry(&r, &v[i]);
		if (r.err) {
			lvsc_free_services(v, i + 1);
			return r.err == -ENOMEM ? -ENOMEM : -EPROTO;
		}
	}
	*out = v;
	*n = cnt;
	return 0;
}

int lvsc_get_service(struct lvsc *c, const struct lvs_service_conf *key, struct lvs_service_entry **out)
{
	struct lvsp_reader r;
	struct lvsp_buf b = { 0 };
	*out = NULL;
	lvsp_put_svc(&b, key);
	int res = query(c, LVSP_OP_GET_SERVICE, &b, &r);
	lvsp_buf_free(&b);
	if (res < 0)
		return res;
	struct lvs_service_entry *e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	lvsp_get_service_entry(&r, e);
	if (r.err) {
		lvsc_free_services(e, 1);
		return r.err == -ENOMEM ? -ENOMEM : -EPROTO;
	}
	*out = e;
	return 0;
}

static int text_call(struct lvsc *c, unsigned op, const char *arg, char **out)
{
	struct lvsp_reader r = { 0 };
	struct lvsp_buf b = { 0 };
	if (out)
		*out = NULL;
	lvsp_put_str(&b, arg ? arg : "");
	int res = query(c, op, &b, &r);
	lvsp_buf_free(&b);
	/* the reply text is the rest of the payload; a failed command's
	 * reply carries its error message (e.g. a bad config's file:line),
	 * a transport error leaves the reader empty */
	size_t n = lvsp_remaining(&r);
	if (!out || (res < 0 && n == 0))
		return res;
	char *s = malloc(n + 1);
	if (!s)
		return -ENOMEM;
	memcpy(s, r.p + r.pos, n);
	s[n] = 0;
	*out = s;
	return res;
}

int lvsc_get_text(struct lvsc *c, const char *name, char **out)
{
	return text_call(c, LVSP_OP_GET_TEXT, name, out);
}

int lvsc_command(struct lvsc *c, const char *cmd, char **out)
{
	return text_call(c, LVSP_OP_COMMAND, cmd, out);
}
