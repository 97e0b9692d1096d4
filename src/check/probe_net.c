/* probe_net.c - TCP connect, UDP request/reply (plain and DNS) and ICMP
 * echo probes.
 * Each uses one non-blocking socket registered in the engine's epoll; the
 * engine enforces the timeout. */
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/icmp6.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <sys/epoll.h>

#include "check-int.h"
#include "config/dns.h"

#define probe_of(w) lvs_container_of(w, struct chk_probe, w)

static int open_socket(struct chk_engine *e, struct chk_probe *p, int type, int proto)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd = socket(p->k.af, type | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);

	if (fd < 0) {
		chk_probe_done(e, p, 0, "socket: %s", strerror(errno));
		return -1;
	}
	if (p->k.has_src) {
		sl = chk_sockaddr(p->k.af, &p->k.src, 0, &ss);
		if (bind(fd, (struct sockaddr *)&ss, sl)) {
			chk_probe_done(e, p, 0, "bind to source: %s", strerror(errno));
			close(fd);
			return -1;
		}
	}
	p->fd = fd;
	return fd;
}

/* ---------------------------------------------------------------- TCP */

/* the connect finished: report a failure, else hand over to the kind */
static void tcp_ready(struct chk_engine *e, struct chk_watch *w, uint32_t events)
{
	struct chk_probe *p = probe_of(w);
	int err = 0;
	socklen_t len = sizeof(err);

	(void)events;
	if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &len))
		err = errno;
	if (err)
		chk_probe_done(e, p, 0, "connect: %s", strerror(err));
	else
		p->connected(e, p);
}

/* start a non-blocking connect; `connected` runs once it succeeds (a
 * failure is reported here or in tcp_ready).  0 in flight, -1 failed */
int chk_tcp_connect(struct chk_engine *e, struct chk_probe *p,
		    void (*connected)(struct chk_engine *, struct chk_probe *))
{
	struct sockaddr_storage ss;
	socklen_t sl = chk_sockaddr(p->k.af, &p->k.addr, p->k.port, &ss);

	if (open_socket(e, p, SOCK_STREAM, 0) < 0)
		return -1;
	if (connect(p->fd, (struct sockaddr *)&ss, sl) && errno != EINPROGRESS) {
		chk_probe_done(e, p, 0, "connect: %s", strerror(errno));
		return -1;
	}
	p->connected = connected;
	p->w.cb = tcp_ready;
	if (chk_watch_fd(e, p->fd, EPOLLOUT, &p->w)) {
		chk_probe_done(e, p, 0, "epoll: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static void tcp_connected(struct chk_engine *e, struct chk_probe *p)
{
	chk_probe_done(e, p, 1, "connected");
}

void chk_tcp_start(struct chk_engine *e, struct chk_probe *p)
{
	chk_tcp_connect(e, p, tcp_connected);
}

/* ---------------------------------------------------------------- UDP */

static void udp_ready(struct chk_engine *e, struct chk_watch *w, uint32_t events)
{
	struct chk_probe *p = probe_of(w);
	char buf[2048];
	ssize_t n = recv(p->fd, buf, sizeof(buf), 0);

	(void)events;
	if (n >= 0)
		chk_probe_done(e, p, 1, "reply of %zd bytes", n);
	else if (errno != EAGAIN)
		chk_probe_done(e, p, 0, "recv: %s", strerror(errno));
}

void chk_udp_start(struct chk_engine *e, struct chk_probe *p)
{
	struct sockaddr_storage ss;
	socklen_t sl = chk_sockaddr(p->k.af, &p->k.addr, p->k.port, &ss);
	static const uint8_t nl = '\n';

	if (open_socket(e, p, SOCK_DGRAM, 0) < 0)
		return;
	/* connected: an ICMP port unreachable comes back as ECONNREFUSED */
	if (connect(p->fd, (struct sockaddr *)&ss, sl) ||
	    send(p->fd, p->k.payload_len ? p->k.payload : &nl, p->k.payload_len ? p->k.payload_len : 1, 0) < 0) {
		chk_probe_done(e, p, 0, "send: %s", strerror(errno));
		return;
	}
	p->w.cb = udp_ready;
	if (chk_watch_fd(e, p->fd, EPOLLIN, &p->w))
		chk_probe_done(e, p, 0, "epoll: %s", strerror(errno));
}

/* ---------------------------------------------------------------- DNS */

/* The query is in p->k.payload with id 0 (the config built it); each run
 * sends it with a fresh id in p->ping_id, and replies to anything else
 * (a late answer to the previous run, a spoofed packet) are ignored.
 * This run's query: chk_dns_start checked that the payload fits. */
static void dns_query(const struct chk_probe *p, uint8_t query[DNS_MAX_QUERY])
{
	memcpy(query, p->k.payload, p->k.payload_len);
	dns_set_id(query, p->ping_id);
}

static void dns_ready(struct chk_engine *e, struct chk_watch *w, uint32_t events)
{
	struct chk_probe *p = probe_of(w);
	uint8_t buf[4096], query[DNS_MAX_QUERY];
	char msg[160];
	regex_t re;
	int r, have_re = 0;

	(void)events;
	dns_query(p, query);
	if (p->k.receive) {
		if (regcomp(&re, p->k.receive, REG_EXTENDED | REG_NOSUB)) {
			chk_probe_done(e, p, 0, "bad receive regex");
			return;
		}
		have_re = 1;
	}
	for (;;) {
		ssize_t n = recv(p->fd, buf, sizeof(buf), 0);

		if (n < 0) {
			if (errno != EAGAIN)
				chk_probe_done(e, p, 0, "recv: %s", strerror(errno));
			break;
		}
		r = dns_check_reply(query, p->k.payload_len, buf, (size_t)n, have_re ? &re : NULL, msg, sizeof(msg));
		if (r >= 0) {
			chk_probe_done(e, p, r, "%s", msg);
			break;
		}
	}
	if (have_re)
		regfree(&re);
}

void chk_dns_start(struct chk_engine *e, struct chk_probe *p)
{
	struct sockaddr_storage ss;
	socklen_t sl = chk_sockaddr(p->k.af, &p->k.addr, p->k.port, &ss);
	uint8_t query[DNS_MAX_QUERY];

	if (p->k.payload_len > sizeof(query) || p->k.payload_len < 12) {
		chk_probe_done(e, p, 0, "no query");
		return;
	}
	if (open_socket(e, p, SOCK_DGRAM, 0) < 0)
		return;
	/* a different id every run: the run counter mixed with the probe */
	p->ping_id = (uint16_t)(p->runs * 40503u ^ ((uintptr_t)p >> 4) ^ (uint16_t)getpid());
	dns_query(p, query);
	if (connect(p->fd, (struct sockaddr *)&ss, sl) || send(p->fd, query, p->k.payload_len, 0) < 0) {
		chk_probe_done(e, p, 0, "send: %s", strerror(errno));
		return;
	}
	p->w.cb = dns_ready;
	if (chk_watch_fd(e, p->fd, EPOLLIN, &p->w))
		chk_probe_done(e, p, 0, "epoll: %s", strerror(errno));
}

/* ---------------------------------------------------------------- ICMP */

static uint16_t csum16(const void *data, size_t len)
{
	const uint8_t *b = data;
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (len & 1)
		sum += (uint32_t)b[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

static int icmp_raw; /* engine-thread only: 1 once the ping socket was refused */

static void icmp_ready(struct chk_engine *e, struct chk_watch *w, uint32_t events)
{
	struct chk_probe *p = probe_of(w);
	uint8_t buf[1500];
	struct sockaddr_storage from;
	socklen_t fl = sizeof(from);

	(void)events;
	for (;;) {
		ssize_t n = recvfrom(p->fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
		const uint8_t *icmp = buf;
		size_t len;

		if (n < 0) {
			if (errno != EAGAIN)
				chk_probe_done(e, p, 0, "recv: %s", strerror(errno));
			return;
		}
		len = (size_t)n;
		/* raw IPv4 sockets deliver the IP header */
		if (p->k.af == AF_INET && len > 0 && (buf[0] >> 4) == 4) {
			size_t ihl = (size_t)(buf[0] & 15) * 4;

			if (ihl > len)
				continue;
			icmp += ihl;
			len -= ihl;
		}
		if (len < 8)
			continue;
		uint8_t reply = p->k.af == AF_INET6 ? ICMP6_ECHO_REPLY : ICMP_ECHOREPLY;
		uint16_t id, seq;

		memcpy(&id, icmp + 4, 2);
		memcpy(&seq, icmp + 6, 2);
		if (icmp[0] != reply || ntohs(seq) != p->ping_seq)
			continue;
		/* a ping socket rewrites the id; a raw socket sees everyone's */
		if (p->ping_id && ntohs(id) != p->ping_id)
			continue;
		chk_probe_done(e, p, 1, "echo reply");
		return;
	}
}

void chk_icmp_start(struct chk_engine *e, struct chk_probe *p)
{
	struct sockaddr_storage ss;
	socklen_t sl = chk_sockaddr(p->k.af, &p->k.addr, 0, &ss);
	int proto = p->k.af == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
	uint8_t pkt[16];
	int fd = -1;

	if (!icmp_raw) {
		fd = socket(p->k.af, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
		if (fd < 0 && (errno == EACCES || errno == EPERM || errno == EPROTONOSUPPORT))
			icmp_raw = 1;
		else if (fd < 0) {
			chk_probe_done(e, p, 0, "socket: %s", strerror(errno));
			return;
		}
	}
	if (fd >= 0) {
		p->fd = fd;
		p->ping_id = 0;
	} else {
		if (open_socket(e, p, SOCK_RAW, proto) < 0)
			return;
		p->ping_id = (uint16_t)(((uintptr_t)p >> 4) ^ (uint16_t)getpid());
	}
	p->ping_seq++;
	memset(pkt, 0, sizeof(pkt));
	pkt[0] = p->k.af == AF_INET6 ? ICMP6_ECHO_REQUEST : ICMP_ECHO;
	uint16_t id = htons(p->ping_id), seq = htons(p->ping_seq);

	memcpy(pkt + 4, &id, 2);
	memcpy(pkt + 6, &seq, 2);
	memcpy(pkt + 8, "lvsd-hc", 7);
	if (p->k.af == AF_INET) {
		uint16_t c = csum16(pkt, sizeof(pkt));

		memcpy(pkt + 2, &c, 2);
	} /* ICMPv6: the kernel fills the checksum */
	if (connect(p->fd, (struct sockaddr *)&ss, sl) || send(p->fd, pkt, sizeof(pkt), 0) < 0) {
		chk_probe_done(e, p, 0, "send: %s", strerror(errno));
		return;
	}
	p->w.cb = icmp_ready;
	if (chk_watch_fd(e, p->fd, EPOLLIN, &p->w))
		chk_probe_done(e, p, 0, "epoll: %s", strerror(errno));
}
