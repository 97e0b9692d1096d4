/* afxdp_xsk.h - one AF_XDP socket of the AF_XDP backend (afxdp.h): an
 * (interface, RX queue) pair with its own UMEM and its four rings, in copy
 * mode with need_wakeup (veth has no zero-copy).
 *
 * UMEM layout: XQ_RX_FRAMES frames that only ever cycle between the fill
 * ring and the RX ring, then XQ_TX_FRAMES frames that cycle between a free
 * stack, the TX ring and the completion ring.
 *
 * Contract: the RX and fill rings belong to the worker that owns the
 * socket (q->owner), which uses them directly; any worker may transmit
 * through xq_put()/xq_kick() while holding q->tx_lock (once per flush,
 * never per frame), so TX and RX never contend.
 */
#ifndef LVS_DP_AFXDP_XSK_H
#define LVS_DP_AFXDP_XSK_H

#include <pthread.h>
#include <stdint.h>
#include <sys/uio.h>
#include <xdp/xsk.h>

struct dp_wio;
struct strbuf;

#define XQ_RX_FRAMES  4096          /* UMEM frames that live in the fill/RX rings */
#define XQ_TX_FRAMES  1024          /* UMEM frames after them, for the XSK TX ring */
#define XQ_FRAMES     (XQ_RX_FRAMES + XQ_TX_FRAMES)
#define XQ_FRAME_SZ   XSK_UMEM__DEFAULT_FRAME_SIZE
#define XQ_COMP_SIZE  XQ_TX_FRAMES  /* every TX frame may be in flight at once */

struct xq {
	int ifindex;
	unsigned queue;
	int fd;
	void *area;
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	struct xsk_ring_prod fq;
	struct xsk_ring_cons cq;
	struct xsk_ring_cons rx;
	struct dp_wio *owner;           /* the worker that receives from it */
	int has_tx;
	pthread_mutex_t tx_lock;        /* TX and completion rings, the free stack */
	struct xsk_ring_prod tx;
	unsigned ntx_free;
	uint64_t tx_free[XQ_TX_FRAMES];
};

/* want_tx: also a TX ring (and the UMEM's TX frames in the free stack);
 * 0 or -errno with the reason in err (may be NULL) */
int xq_new(struct xq **out, const char *ifname, int ifindex, unsigned queue, int want_tx,
	   struct strbuf *err);
void xq_free(struct xq *q);
/* the interface's RX queues (ethtool channels), 1..LVSD_XDP_QUEUES */
unsigned xq_rx_queues(const char *ifname);

/* tx_lock held: */
/* copy one frame (iov[0..n-1], len bytes, at most XQ_FRAME_SZ) into a free
 * TX frame and describe it in the TX ring; *reserved counts descriptors
 * not yet submitted.  0, or -ENOBUFS when the ring or the frames are
 * exhausted */
int xq_put(struct xq *q, const struct iovec *iov, int n, uint32_t len, unsigned *reserved);
/* have the kernel transmit what the TX ring holds, then take completed
 * frames back; never waits */
void xq_kick(struct xq *q);
/* completed TX frames back to the free stack */
void xq_reap(struct xq *q);

#endif
