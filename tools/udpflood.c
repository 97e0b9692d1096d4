/* udpflood - small-packet UDP load for `make bench`.
 *
 *   udpflood send -d ADDR [-d ADDR...] [-p PORT] [-t SECONDS] [-l PAYLOAD]
 *                 [-f FLOWS] [-b BATCH]
 *       sendmmsg() as fast as one thread can for SECONDS (default 5) to the
 *       given IPv4 addresses in turn, from FLOWS sockets (default 16, each
 *       its own source port, so that the load spreads over connections and
 *       RSS queues like many clients would).  PAYLOAD defaults to 18 bytes:
 *       14 Ethernet + 20 IP + 8 UDP + 18 = 60 bytes, a 64-byte frame with
 *       the FCS, the classic minimum-size packet.  Prints
 *       "sent N seconds S pps P".
 *   udpflood recv [-p PORT] [-t SECONDS]
 *       a sink: drains PORT with recvmmsg() until SECONDS of silence after
 *       the first packet (default 2) or SIGTERM; prints "received N".
 *       The harness counts delivery from the RS's UDP MIB rather than from
 *       this, so that a slow sink does not look like a slow director.
 *
 * Send errors such as ENOBUFS/ECONNREFUSED are counted, not fatal: under
 * overload the kernel pushes back and that is part of the measurement.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_DEST 16
#define MAX_FLOWS 256
#define MAX_BATCH 256

static volatile sig_atomic_t stop_flag;
static void on_signal(int sig) { (void)sig; stop_flag = 1; }

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int usage(void)
{
	fprintf(stderr, "usage: udpflood send -d ADDR [-d ADDR...] [-p PORT] [-t SECONDS] [-l PAYLOAD] [-f FLOWS] [-b BATCH]\n"
			"       udpflood recv [-p PORT] [-t IDLE_SECONDS]\n");
	return 2;
}

static int parse_num(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int do_send(int argc, char **argv)
{
	struct sockaddr_in dst[MAX_DEST];
	int ndst = 0, opt;
	long port = 9, secs = 5, payload = 18, flows = 16, batch = 64;
	static char buf[1500];
	int fds[MAX_FLOWS];

	while ((opt = getopt(argc, argv, "d:p:t:l:f:b:")) != -1) {
		long *target = NULL, lo = 1, hi = 0;
		switch (opt) {
		case 'd':
			if (ndst == MAX_DEST)
				return usage();
			memset(&dst[ndst], 0, sizeof(dst[ndst]));
			dst[ndst].sin_family = AF_INET;
			if (inet_pton(AF_INET, optarg, &dst[ndst].sin_addr) != 1) {
				fprintf(stderr, "udpflood: bad address '%s'\n", optarg);
				return 2;
			}
			ndst++;
			continue;
		case 'p': target = &port; hi = 65535; break;
		case 't': target = &secs; hi = 3600; break;
		case 'l': target = &payload; lo = 0; hi = 1472; break;
		case 'f': target = &flows; hi = MAX_FLOWS; break;
		case 'b': target = &batch; hi = MAX_BATCH; break;
		default: return usage();
		}
		if (parse_num(optarg, lo, hi, target)) {
			fprintf(stderr, "udpflood: bad value '%s' for -%c\n", optarg, opt);
			return 2;
		}
	}
	if (!ndst)
		return usage();
	for (int i = 0; i < ndst; i++)
		dst[i].sin_port = htons((uint16_t)port);
	for (long f = 0; f < flows; f++) {
		fds[f] = socket(AF_INET, SOCK_DGRAM, 0);
		if (fds[f] < 0) {
			perror("udpflood: socket");
			return 1;
		}
	}
	memset(buf, 'x', sizeof(buf));

	struct mmsghdr msgs[MAX_BATCH];
	struct iovec iov[MAX_BATCH];
	unsigned long long sent = 0, errors = 0;
	double t0 = now_s(), end = t0 + (double)secs, t = t0;
	long f = 0;
	int di = 0;

	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	while (!stop_flag && t < end) {
		for (long k = 0; k < batch; k++) {
			iov[k].iov_base = buf;
			iov[k].iov_len = (size_t)payload;
			memset(&msgs[k].msg_hdr, 0, sizeof(msgs[k].msg_hdr));
			msgs[k].msg_hdr.msg_iov = &iov[k];
			msgs[k].msg_hdr.msg_iovlen = 1;
			msgs[k].msg_hdr.msg_name = &dst[di];
			msgs[k].msg_hdr.msg_namelen = sizeof(dst[di]);
			di = (di + 1) % ndst;
		}
		int r = sendmmsg(fds[f], msgs, (unsigned)batch, MSG_DONTWAIT);
		if (r > 0)
			sent += (unsigned)r;
		else
			errors++;
		f = (f + 1) % flows;
		t = now_s();
	}
	double dt = t - t0;
	printf("sent %llu seconds %.3f pps %.0f send_errors %llu\n", sent, dt, dt > 0 ? (double)sent / dt : 0.0,
	       errors);
	return 0;
}

static int do_recv(int argc, char **argv)
{
	long port = 9, idle = 2;
	int opt;

	while ((opt = getopt(argc, argv, "p:t:")) != -1) {
		long *target = opt == 'p' ? &port : opt == 't' ? &idle : NULL;
		if (!target || parse_num(optarg, 1, opt == 'p' ? 65535 : 3600, target))
			return usage();
	}
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int rcvbuf = 4 << 20;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		perror("udpflood: bind");
		return 1;
	}
	struct timeval tv = { .tv_sec = 0, .tv_usec = 200000 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);

	static char bufs[MAX_BATCH][64];
	struct mmsghdr msgs[MAX_BATCH];
	struct iovec iov[MAX_BATCH];
	unsigned long long got = 0;
	double last = 0;

	for (int k = 0; k < MAX_BATCH; k++) {
		iov[k].iov_base = bufs[k];
		iov[k].iov_len = sizeof(bufs[k]);
		memset(&msgs[k], 0, sizeof(msgs[k]));
		msgs[k].msg_hdr.msg_iov = &iov[k];
		msgs[k].msg_hdr.msg_iovlen = 1;
	}
	printf("ready\n");
	fflush(stdout);
	while (!stop_flag) {
		int r = recvmmsg(fd, msgs, MAX_BATCH, 0, NULL);
		double t = now_s();
		if (r > 0) {
			got += (unsigned)r;
			last = t;
		} else if (got && t - last > (double)idle) {
			break;
		}
	}
	printf("received %llu\n", got);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage();
	if (!strcmp(argv[1], "send"))
		return do_send(argc - 1, argv + 1);
	if (!strcmp(argv[1], "recv"))
		return do_recv(argc - 1, argv + 1);
	return usage();
}
