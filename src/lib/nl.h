/* nl.h - rtnetlink requests over libmnl, one at a time: the socket, its
 * sequence numbers and the loop that reads an answer (the datapath's local
 * delivery device and its next-hop cache each keep one). */
#ifndef LVS_LIB_NL_H
#define LVS_LIB_NL_H

#include <stdint.h>
#include <libmnl/libmnl.h>

struct lvs_nl {
	struct mnl_socket *sock;
	unsigned portid, seq;
	char *buf; /* MNL_SOCKET_BUFFER_SIZE bytes for the answers */
};

/* open and bind a NETLINK_ROUTE socket (close-on-exec) whose receives give
 * up after timeout_s seconds, so that a lost answer cannot hang the
 * caller; 0 or -errno (n is then closed) */
int lvs_nl_open(struct lvs_nl *n, int timeout_s);
/* close n; harmless on a zeroed or already closed one */
void lvs_nl_close(struct lvs_nl *n);
/* start a request of type and flags in the buffer req */
struct nlmsghdr *lvs_nl_msg(void *req, uint16_t type, uint16_t flags);
/* Send nlh and run cb over the answer until it ends: an ACK is asked for
 * when there is no cb; a request that is neither a dump nor ACKed ends
 * with the first batch.  0 or -errno (the kernel's error for a request it
 * refused). */
int lvs_nl_talk(struct lvs_nl *n, struct nlmsghdr *nlh, mnl_cb_t cb, void *arg);

#endif
