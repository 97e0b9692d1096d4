/* nl.c - rtnetlink requests over libmnl (nl.h). */
#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <linux/netlink.h>
#include "nl.h"

int lvs_nl_open(struct lvs_nl *n, int timeout_s)
{
	struct timeval tv = { .tv_sec = timeout_s };

	n->buf = malloc(MNL_SOCKET_BUFFER_SIZE);
	n->sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!n->buf || !n->sock || mnl_socket_bind(n->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		int e = errno ? -errno : -ENOMEM;

		lvs_nl_close(n);
		return e;
	}
	n->portid = mnl_socket_get_portid(n->sock);
	n->seq = (unsigned)time(NULL);
	setsockopt(mnl_socket_get_fd(n->sock), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return 0;
}

void lvs_nl_close(struct lvs_nl *n)
{
	if (n->sock)
		mnl_socket_close(n->sock);
	n->sock = NULL;
	free(n->buf);
	n->buf = NULL;
}

struct nlmsghdr *lvs_nl_msg(void *req, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(req);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	return nlh;
}

int lvs_nl_talk(struct lvs_nl *n, struct nlmsghdr *nlh, mnl_cb_t cb, void *arg)
{
	unsigned seq = nlh->nlmsg_seq = ++n->seq;

	if (!cb) /* (NLM_F_DUMP's bits are NLM_F_REPLACE's: test cb, not them) */
		nlh->nlmsg_flags |= NLM_F_ACK;
	if (mnl_socket_sendto(n->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		ssize_t len = mnl_socket_recvfrom(n->sock, n->buf, MNL_SOCKET_BUFFER_SIZE);

		if (len < 0)
			return errno == EINTR ? -EINTR : -errno;
		errno = 0;
		int r = mnl_cb_run(n->buf, (size_t)len, seq, n->portid, cb, arg);

		if (r == MNL_CB_STOP)
			return 0;
		if (r < 0)
			return errno ? -errno : -EIO;
		/* MNL_CB_OK: a non-dump answer without ACK ends here */
		if (!(nlh->nlmsg_flags & (NLM_F_DUMP | NLM_F_ACK)))
			return 0;
	}
}
