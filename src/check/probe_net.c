/* probe_net.c - TCP connect, UDP request/reply (plain and DNS) and ICMP
 * echo probes.
 * Each uses one non-blocking socket registered in the engine's epoll; the
 * engine enforces the timeout.  DNS: the query is built when the
 * configuration is parsed (config/dns.h); each run sends it over UDP with
 * a fresh id, and dns_check_reply() judges the answer.  Always UDP, no TCP
 * fallback for truncated answers: a health check asks small questions. */
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

static socklen_t sockaddr_of(int af, const union lvs_addr *a, uint16_t port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (af == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_addr = a->in6;
		s6->sin6_port = htons(port);
		return sizeof(*s6);
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

	s4->sin_family = AF_INET;
	s4->sin_addr.s_addr = a->ip;
	s4->sin_port = htons(port);
	return sizeof(*s4);
}

/* p->fd: a non-blocking socket bound to the check's source, if any.
 * 0 or -errno (reported) */
static int open_socket(struct chk_engine *e, struct chk_probe *p, int type, int proto)
{
	struct sockaddr_storage ss;
	int fd = socket(p->k.af, type | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);

	if (fd < 0) {
		int err = errno;

		chk_probe_done(e, p, 0, "socket: %s", strerror(err));
		return -err;
	}
	p->fd = fd;   /* closed by chk_probe_done from here on */
	if (p->k.has_src && bind(fd, (struct sockaddr *)&ss, sockaddr_of(p->k.af, &p->k.src, 0, &ss))) {
		int err = errno;

		chk_probe_done(e, p, 0, "bind to source: %s", strerror(err));
		return -err;
	}
	return 0;
}

/* connect p->fd to the target (port: that of the check, or 0) and send
 * msg; ready runs when an answer (or an error) can be read.  Connected,
 * an ICMP port unreachable comes back as ECONNREFUSED.  0 or -errno
 * (reported) */
static int send_request(struct chk_engine *e, struct chk_probe *p, uint16_t port, const void *msg, size_t len,
			chk_watch_fn ready)
{
	struct sockaddr_storage ss;
	socklen_t sl = sockaddr_of(p->k.af, &p->k.addr, port, &ss);

	if (connect(p->fd, (struct sockaddr *)&ss, sl) || send(p->fd, msg, len, 0) < 0) {
		int err = errno;

		chk_probe_done(e, p, 0, "send: %s", strerror(err));
		return -err;
	}
	return chk_probe_watch(e, p, EPOLLIN, ready);
}

/* recv into buf: its length, or -errno; a failure other than "nothing
 * yet" (-EAGAIN) is reported */
static ssize_t recv_reply(struct chk_engine *e, struct chk_probe *p, void *buf, size_t len)
{
	ssize_t n = recv(p->fd, buf, len, 0);

	if (n >= 0)
		return n;
	n = -errno;
	if (n != -EAGAIN)
		chk_probe_done(e, p, 0, "recv: %s", strerror((int)-n));
	return n;
}

/* ---------------------------------------------------------------- TCP */

/* the connect finished: report a failure, else hand over to the kind */
static void tcp_ready(struct chk_engine *e, struct chk_watch *w, uint32_t events)
{
	struct chk_probe *p = chk_probe_of(w);
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

int chk_tcp_connect(struct chk_engine *e, struct chk_probe *p,
		    void (*connected)(struct chk_engine *, struct chk_probe *))
{
	struct sockaddr_storage ss;
	socklen_t sl = sockaddr_of(p->k.af, &p->k.addr, p->k.port, &ss);
	int ret = open_socket(e, p, SOCK_STREAM, 0);

	if (ret)
		return ret;
	if (connect(p->fd, (struct sockaddr *)&ss, sl) && errno != EINPROGRESS) {
		ret = -errno;
		chk_probe_done(e, p, 0, "connect: %s", strerror(-ret));
		return ret;
	}
	p->connected = connected;
	return chk_probe_watch(e, p, EPOLLOUT, tcp_ready);
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
	struct chk_probe *p = chk_probe_of(w);
	char buf[2048];
	ssize_t n = recv_reply(e, p, buf, sizeof(buf));

	(void)events;
	if (n >= 0)
		chk_probe_done(e, p, 1, "reply of %zd bytes", n);
}

void chk_udp_start(struct chk_engine *e, struct chk_probe *p)
{
	static const uint8_t nl = '\n';

	if (open_socket(e, p, SOCK_DGRAM, 0))
		return;
	if (p->k.payload_len)
		send_request(e, p, p->k.port, p->k.payload, p->k.payload_len, udp_ready);
	else
		send_request(e, p, p->k.port, &nl, 1, udp_ready);
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
	struct chk_probe *p = chk_probe_of(w);
	uint8_t buf[4096], query[DNS_MAX_QUERY];
	char msg[160];
	regex_t re;
	ssize_t n;
	int r;

	(void)events;
	dns_query(p, query);
	if (p->k.receive && chk_probe_regcomp(e, p, &re, p->k.receive))
		return;
	while ((n = recv_reply(e, p, buf, sizeof(buf))) >= 0) {
		r = dns_check_reply(query, p->k.payload_len, buf, (size_t)n, p->k.receive ? &re : NULL,
				    msg, sizeof(msg));
		if (r >= 0) {
			chk_probe_done(e, p, r, "%s", msg);
			break;
		}
	}
	if (p->k.receive)
		regfree(&re);
}

void chk_dns_start(struct chk_engine *e, struct chk_probe *p)
{
	uint8_t query[DNS_MAX_QUERY];

	if (p->k.payload_len > sizeof(query) || p->k.payload_len < 12) {
		chk_probe_done(e, p, 0, "no query");
		return;
	}
	if (open_socket(e, p, SOCK_DGRAM, 0))
		return;
	/* a different id every run: the run counter mixed with the probe */
	p->ping_id = (uint16_t)(p->runs * 40503u ^ ((uintptr_t)p >> 4) ^ (uint16_t)getpid());
	dns_query(p, query);
	send_request(e, p, p->k.port, query, p->k.payload_len, dns_ready);
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

/* is this datagram the echo reply the probe waits for? */
static int icmp_is_reply(const struct chk_probe *p, const uint8_t *buf, size_t len)
{
	uint8_t want = p->k.af == AF_INET6 ? ICMP6_ECHO_REPLY : ICMP_ECHOREPLY;
	uint16_t id, seq;

	/* raw IPv4 sockets deliver the IP header */
	if (p->k.af == AF_INET && len > 0 && (buf[0] >> 4) == 4) {
		size_t ihl = (size_t)(buf[0] & 15) * 4;

		if (ihl > len)
			return 0;
		buf += ihl;
		len -= ihl;
	}
	if (len < 8)
		return 0;
	memcpy(&id, buf + 4, 2);
	memcpy(&seq, buf + 6, 2);
	if (buf[0] != want || ntohs(seq) != p->ping_seq)
		return 0;
	/* a ping socket rewrites the id; a raw socket sees everyone's */
	return !p->ping_id || ntohs(id) == p->ping_id;
}

static void icmp_ready(struct chk_engine *e, struct chk_watch *w, uint32_t events)
{
	struct chk_probe *p = chk_probe_of(w);
	uint8_t buf[1500];
	ssize_t n;

	(void)events;
	while ((n = recv_reply(e, p, buf, sizeof(buf))) >= 0) {
		if (icmp_is_reply(p, buf, (size_t)n)) {
			chk_probe_done(e, p, 1, "echo reply");
			return;
		}
	}
}

/* p->fd: an unprivileged ping socket, or a raw one where those are not
 * allowed.  0 or -errno (reported) */
static int icmp_socket(struct chk_engine *e, struct chk_probe *p, int proto)
{
	if (!icmp_raw) {
		int fd = socket(p->k.af, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);

		if (fd >= 0) {
			p->fd = fd;
			p->ping_id = 0;
			return 0;
		}
		if (errno != EACCES && errno != EPERM && errno != EPROTONOSUPPORT) {
			int err = errno;

			chk_probe_done(e, p, 0, "socket: %s", strerror(err));
			return -err;
		}
		icmp_raw = 1;
	}
	p->ping_id = (uint16_t)(((uintptr_t)p >> 4) ^ (uint16_t)getpid());
	return open_socket(e, p, SOCK_RAW, proto);
}

void chk_icmp_start(struct chk_engine *e, struct chk_probe *p)
{
	int proto = p->k.af == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
	uint8_t pkt[16];
	uint16_t id, seq;

	if (icmp_socket(e, p, proto))
		return;
	p->ping_seq++;
	memset(pkt, 0, sizeof(pkt));
	pkt[0] = p->k.af == AF_INET6 ? ICMP6_ECHO_REQUEST : ICMP_ECHO;
	id = htons(p->ping_id);
	seq = htons(p->ping_seq);
	memcpy(pkt + 4, &id, 2);
	memcpy(pkt + 6, &seq, 2);
	memcpy(pkt + 8, "lvsd-hc", 7);
	if (p->k.af == AF_INET) {
		uint16_t c = csum16(pkt, sizeof(pkt));

		memcpy(pkt + 2, &c, 2);
	} /* ICMPv6: the kernel fills the checksum */
	send_request(e, p, 0, pkt, sizeof(pkt), icmp_ready);
}
