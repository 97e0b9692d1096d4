/* fuzz_ctl.c - the control protocol from both ends.
 *
 * Byte 0, bit 0 clear: daemon side.  The rest is the byte stream a client
 * sends on its connection to a real lvsd control plane running in this
 * process (inproc.h): framing, payload decoding, batches, mutations,
 * dumps, text views and commands.  The stream ends with the connection's
 * write side closed; the daemon must answer every frame it took with one
 * well-formed reply frame and then close.
 *
 * Bit 0 set: client side.  The rest is what the "daemon" answers: the
 * bytes are written into a real connection made by lvsc_open() and the
 * client library (src/ctl/client.c) issues one call of each kind, every
 * call reading its reply frame from the stream (a reply may carry seq 0,
 * as the daemon's answer to an unparsable frame does).
 *
 * Every input starts from an empty table with the default timeouts and
 * no sync daemon. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "ctl/client.h"
#include "ctl/proto.h"
#include "inproc.h"

static char sock_path[108];
static int listen_fd = -1;

static void remove_socket(void)
{
	if (sock_path[0])
		unlink(sock_path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };

	(void)argc;
	(void)argv;
	fuzz_lvsd_start();
	/* the client side's "daemon": a socket this harness answers itself */
	snprintf(sock_path, sizeof(sock_path), "/tmp/lvsd-fuzz-ctl.%d.sock", (int)getpid());
	unlink(sock_path);
	memcpy(sun.sun_path, sock_path, strlen(sock_path) + 1);
	listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (listen_fd < 0 || bind(listen_fd, (struct sockaddr *)&sun, sizeof(sun)) ||
	    listen(listen_fd, 4)) {
		perror("fuzz_ctl: control socket");
		abort();
	}
	atexit(remove_socket);
	return 0;
}

/* the reply stream: whole frames, each with an i32 result, and no more
 * replies than requests (a framing error ends the stream early) */
static void check_replies(const uint8_t *p, size_t len, size_t sent)
{
	size_t off = 0, n = 0;

	while (off < len) {
		struct lvsp_hdr h;

		if (len - off < LVSP_HDR_LEN + 4)
			goto bad;
		lvsp_hdr_decode(p + off, &h);
		if (lvsp_hdr_check(&h, LVSP_MAX_REPLY) || !(h.flags & LVSP_F_REPLY) || h.len < 4 ||
		    h.len > len - off - LVSP_HDR_LEN)
			goto bad;
		off += LVSP_HDR_LEN + h.len;
		n++;
	}
	/* every frame costs at least a header; a stream cut mid-frame gets
	 * one more reply (-EPROTO) */
	if (n <= sent / LVSP_HDR_LEN + 1)
		return;
bad:
	fprintf(stderr, "fuzz_ctl: malformed reply stream (%zu replies, %zu bytes, %zu sent)\n", n, len, sent);
	abort();
}

static void daemon_side(const uint8_t *data, size_t size)
{
	size_t sent = 0, got = 0, cap = 0;
	uint8_t *in = NULL;
	int fd = fuzz_lvsd_connect();

	if (fd < 0)
		return;
	fcntl(fd, F_SETFL, O_NONBLOCK);
	if (!size)
		shutdown(fd, SHUT_WR);
	/* send the stream while reading the replies, until the daemon closes */
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN | (sent < size ? POLLOUT : 0) };
		ssize_t r;

		if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
			break;
		if (sent < size && (pfd.revents & POLLOUT)) {
			r = send(fd, data + sent, size - sent, MSG_NOSIGNAL);
			if (r > 0 && (sent += (size_t)r) == size)
				shutdown(fd, SHUT_WR);
			if (r < 0 && errno != EAGAIN)
				sent = size;    /* the daemon hung up: read what it said */
		}
		if (!(pfd.revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		if (got == cap) {
			size_t ncap = cap ? 2 * cap : 4096;
			uint8_t *n = realloc(in, ncap);
			if (!n)
				break;
			in = n;
			cap = ncap;
		}
		r = recv(fd, in + got, cap - got, 0);
		if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR))
			break;
		if (r > 0)
			got += (size_t)r;
	}
	close(fd);
	check_replies(in, got, sent);
	free(in);
	fuzz_lvsd_reset();
}

/* one call of each kind; each reads its reply frame from the stream */
static void client_calls(struct lvsc *c)
{
	struct lvs_service_conf svc;
	struct lvs_dest_conf dest;
	struct lvs_daemon_conf dm[2];
	struct lvs_service_entry *entries = NULL, *one = NULL;
	struct lvs_timeouts to;
	struct lvs_info info;
	char *text = NULL;
	size_t n = 0;

	memset(&svc, 0, sizeof(svc));
	svc.af = AF_INET;
	svc.protocol = 6;
	svc.port = 80;
	svc.netmask = 0xffffffffu;
	strcpy(svc.sched_name, "rr");
	memset(&dest, 0, sizeof(dest));
	dest.af = AF_INET;
	dest.port = 80;
	dest.weight = 1;

	lvsc_get_info(c, &info);
	if (lvsc_get_services(c, &entries, &n) == 0)
		lvsc_free_services(entries, n);
	if (lvsc_get_service(c, &svc, &one) == 0)
		lvsc_free_services(one, 1);
	lvsc_get_timeouts(c, &to);
	lvsc_get_daemons(c, dm);
	/* on failure too, *out may hold the daemon's message */
	lvsc_get_text(c, "ip_vs", &text);
	free(text);
	text = NULL;
	lvsc_command(c, "version", &text);
	free(text);
	lvsc_add_service(c, &svc);
	lvsc_batch_begin(c);
	lvsc_add_dest(c, &svc, &dest);
	lvsc_edit_dest(c, &svc, &dest);
	lvsc_del_service(c, &svc);
	lvsc_batch_flush(c, NULL, NULL);
}

/* A reply header may announce up to LVSP_MAX_REPLY (1 GiB) and the client
 * allocates that much before it reads the payload.  Where the stream ends
 * sooner, the client can only fail with ECONNRESET whatever was announced;
 * announcing one byte more than the stream holds keeps that path and
 * spares every such input a 1 GiB allocation (ASan poisons 128 MiB of
 * shadow for it).  The walk follows what transact() reads. */
static uint8_t *clamp_lengths(const uint8_t *data, size_t size)
{
	uint8_t *s = malloc(size ? size : 1);
	size_t off = 0;

	if (!s)
		return NULL;
	memcpy(s, data, size);
	while (size - off >= LVSP_HDR_LEN) {
		struct lvsp_hdr h;
		size_t left;

		lvsp_hdr_decode(s + off, &h);
		off += LVSP_HDR_LEN;
		if (lvsp_hdr_check(&h, LVSP_MAX_REPLY) || !(h.flags & LVSP_F_REPLY) || h.len < 4)
			continue;
		left = size - off;
		if (h.len > left + 1) {
			h.len = (uint32_t)left + 1;
			lvsp_hdr_encode(s + off - LVSP_HDR_LEN, &h);
		}
		off += h.len > left ? left : h.len;
	}
	return s;
}

static void client_side(const uint8_t *data, size_t size)
{
	struct lvsc *c;
	uint8_t *stream;
	int fd;

	stream = clamp_lengths(data, size);
	if (!stream)
		return;
	data = stream;
	if (lvsc_open(sock_path, &c)) {
		free(stream);
		return;
	}
	fd = accept(listen_fd, NULL, NULL);
	if (fd < 0) {
		lvsc_close(c);
		free(stream);
		return;
	}
	/* the whole answer is queued before the client asks: it fits in the
	 * socket buffer (inputs are far smaller); whatever does not fit is
	 * simply not sent */
	fcntl(fd, F_SETFL, O_NONBLOCK);
	while (size) {
		ssize_t w = send(fd, data, size, MSG_NOSIGNAL);

		if (w <= 0)
			break;
		data += w;
		size -= (size_t)w;
	}
	/* end of stream: a call finding no more reply gets ECONNRESET; no
	 * call may wait for bytes that never come */
	shutdown(fd, SHUT_WR);
	client_calls(c);
	lvsc_close(c);
	close(fd);
	free(stream);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] & 1)
		client_side(data + 1, size - 1);
	else
		daemon_side(data + 1, size - 1);
	return 0;
}
