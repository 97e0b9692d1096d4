/* lvs-decap - real-server side decapsulator for LVS-TUN, for kernels
 * without the ipip / gre / fou modules (like the one lvsd is tested on).
 *
 *   lvs-decap -t ipip|gue|gre [-p UDPPORT] [-d TUNDEV] [-v]
 *
 * It receives the director's tunnelled packets (a raw socket for IP
 * protocol 4 or 47, or a UDP socket on the GUE port), strips the outer
 * headers and writes the inner IPv4/IPv6 packet into a tun device, so the
 * real server's own stack receives it as if it had arrived on that device.
 * Set up the real server as for kernel LVS-TUN: the VIP on lo
 * (`ip addr add VIP/32 dev lo`), arp_ignore=1 / arp_announce=2, and
 * rp_filter=0 on the tun device (the client is not routed through it).
 * Replies leave through the normal default route, straight to the client.
 *
 * Everything read from the network is validated; bad packets are counted
 * and dropped (SIGUSR1 prints the counters).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

enum { T_IPIP, T_GUE, T_GRE };

static volatile sig_atomic_t g_stop, g_dump;
static unsigned long g_ok, g_bad, g_werr;

static void on_sig(int s)
{
	if (s == SIGUSR1)
		g_dump = 1;
	else
		g_stop = 1;
}

static int tun_open(const char *name)
{
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		perror("lvs-decap: /dev/net/tun");
		return -1;
	}
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		perror("lvs-decap: TUNSETIFF");
		close(fd);
		return -1;
	}
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	if (s >= 0) {
		if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
			ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
			if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
				perror("lvs-decap: bring tun up");
		}
		close(s);
	}
	return fd;
}

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

static int csum_ok(const uint8_t *p, size_t n)
{
	uint32_t s = 0;
	for (size_t i = 0; i + 1 < n; i += 2)
		s += rd16(p + i);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s == 0xffff;
}

/* an inner packet must be a whole IPv4 or IPv6 packet */
static ssize_t inner_len(const uint8_t *p, size_t n)
{
	if (n < 1)
		return -1;
	if ((p[0] >> 4) == 4) {
		if (n < 20 || (p[0] & 15) < 5)
			return -1;
		size_t tot = rd16(p + 2);
		return tot >= (size_t)(p[0] & 15) * 4 && tot <= n ? (ssize_t)tot : -1;
	}
	if ((p[0] >> 4) == 6) {
		if (n < 40)
			return -1;
		size_t tot = 40 + (size_t)rd16(p + 4);
		return tot <= n ? (ssize_t)tot : -1;
	}
	return -1;
}

/* strip the tunnel header from what the socket returned; returns the
 * offset of the inner packet or -1 */
static ssize_t strip(int type, const uint8_t *b, size_t n)
{
	size_t off = 0;
	if (type != T_GUE) {   /* raw IPv4 sockets return the outer IP header */
		if (n < 20 || (b[0] >> 4) != 4)
			return -1;
		off = (size_t)(b[0] & 15) * 4;
		if (off < 20 || off > n)
			return -1;
	}
	if (type == T_GRE) {
		if (n < off + 4)
			return -1;
		uint16_t flags = rd16(b + off);
		uint16_t proto = rd16(b + off + 2);
		if ((flags & 0x0007) != 0 || (proto != 0x0800 && proto != 0x86dd))
			return -1;   /* only GRE version 0 carrying IP */
		size_t hl = 4 + ((flags & 0x8000) ? 4 : 0) + ((flags & 0x2000) ? 4 : 0) + ((flags & 0x1000) ? 4 : 0);
		if (n < off + hl)
			return -1;
		if ((flags & 0x8000) && !csum_ok(b + off, n - off))
			return -1;
		off += hl;
	} else if (type == T_GUE) {
		if (n < 1)
			return -1;
		unsigned ver = b[0] >> 6;
		if (ver == 1)           /* GUE v1: the IP packet itself */
			return 0;
		if (ver != 0 || n < 4 || (b[0] & 0x20))
			return -1;      /* control messages are not data */
		size_t hl = 4 + (size_t)(b[0] & 0x1f) * 4;
		if (b[1] != 4 && b[1] != 41)
			return -1;
		if (n < hl)
			return -1;
		off = hl;
	}
	return (ssize_t)off;
}

static void usage(void)
{
	fprintf(stderr, "usage: lvs-decap -t ipip|gue|gre [-p UDPPORT] [-d TUNDEV] [-v]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	int type = -1, port = 0, verbose = 0, c;
	const char *dev = "lvsdecap0";
	while ((c = getopt(argc, argv, "t:p:d:vh")) != -1) {
		switch (c) {
		case 't':
			type = !strcmp(optarg, "ipip") ? T_IPIP : !strcmp(optarg, "gue") ? T_GUE :
			       !strcmp(optarg, "gre") ? T_GRE : -2;
			break;
		case 'p':
			port = atoi(optarg);
			break;
		case 'd':
			dev = optarg;
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			usage();
		}
	}
	if (type < 0 || (type == T_GUE && (port <= 0 || port > 65535)) || strlen(dev) >= IFNAMSIZ)
		usage();

	int tfd = tun_open(dev);
	if (tfd < 0)
		return 1;
	int s;
	if (type == T_GUE) {
		s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
		if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) < 0) {
			perror("lvs-decap: GUE socket");
			return 1;
		}
	} else {
		s = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, type == T_IPIP ? IPPROTO_IPIP : IPPROTO_GRE);
		if (s < 0) {
			perror("lvs-decap: raw socket");
			return 1;
		}
	}
	struct sigaction sa = { .sa_handler = on_sig };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	fprintf(stderr, "lvs-decap: %s -> %s\n", type == T_IPIP ? "ipip" : type == T_GRE ? "gre" : "gue", dev);

	static uint8_t buf[65536 + 64];
	while (!g_stop) {
		if (g_dump) {
			g_dump = 0;
			fprintf(stderr, "lvs-decap: ok %lu bad %lu write_errors %lu\n", g_ok, g_bad, g_werr);
		}
		ssize_t n = recv(s, buf, sizeof(buf), 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("lvs-decap: recv");
			break;
		}
		ssize_t off = strip(type, buf, (size_t)n);
		ssize_t len = off < 0 ? -1 : inner_len(buf + off, (size_t)(n - off));
		if (len < 0) {
			g_bad++;
			if (verbose)
				fprintf(stderr, "lvs-decap: dropped a malformed %zd-byte packet\n", n);
			continue;
		}
		if (write(tfd, buf + off, (size_t)len) != len)
			g_werr++;
		else
			g_ok++;
	}
	fprintf(stderr, "lvs-decap: ok %lu bad %lu write_errors %lu\n", g_ok, g_bad, g_werr);
	return 0;
}
