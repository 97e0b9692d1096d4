/* afp_tx.h - a batch of frames for AF_PACKET transmit: queued with their
 * offload state, sent with one sendmmsg() per flush.
 *
 * Both backends use it: the AF_PACKET backend for everything it sends, the
 * AF_XDP backend for what an XSK cannot carry (GSO super-frames, partial
 * checksums, interfaces without an XSK TX ring).  With `vnet` the socket
 * takes the virtio-net header, so the kernel segments GSO frames and
 * completes partial checksums on the way out.
 *
 * Contract: one worker thread owns a batch.  The iovecs' data must stay
 * valid until the next afp_tx_flush() (a full batch flushes by itself
 * first).  Functions return 0 (or a count) or -errno; afp_tx_open() says
 * why in `err` (may be NULL).
 */
#ifndef LVS_DP_AFP_TX_H
#define LVS_DP_AFP_TX_H

#include <stdint.h>
#include <linux/if_packet.h>
#include <linux/virtio_net.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include "backend.h"

struct strbuf;

#define AFP_TX_BATCH   64
#define AFP_TX_IOV_MAX 4        /* iovecs of one frame, the vnet header not counted */

struct afp_tx_slot {
	struct virtio_net_hdr vh;
	struct sockaddr_ll sll;
	struct iovec iov[AFP_TX_IOV_MAX + 1];
};

struct afp_tx {
	int fd;                         /* -1: closed */
	int vnet;                       /* the socket takes the virtio-net header */
	int n;                          /* frames queued */
	int refused;                    /* of flushes forced by a full batch, reported by the next flush */
	uint64_t sent;                  /* frames the kernel took (relaxed: a describe() may read it) */
	struct afp_tx_slot slot[AFP_TX_BATCH];
	struct mmsghdr msgs[AFP_TX_BATCH];
};

/* a sending-only socket (protocol 0: it never receives) */
int afp_tx_open(struct afp_tx *t, int vnet, struct strbuf *err);
void afp_tx_close(struct afp_tx *t);
/* queue one frame made of iov[0..n-1] for ifindex; off may be NULL (a
 * plain, complete frame).  0, or -EINVAL for n outside 1..AFP_TX_IOV_MAX */
int afp_tx_queue(struct afp_tx *t, int ifindex, const struct dp_offload *off, const struct iovec *iov, int n);
/* send what is queued; returns the frames the kernel refused since the
 * last flush (forced flushes included) */
int afp_tx_flush(struct afp_tx *t);

#endif
