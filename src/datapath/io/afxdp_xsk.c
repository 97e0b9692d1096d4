/* afxdp_xsk.c - see afxdp_xsk.h */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/ethtool.h>
#include <linux/if_xdp.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include "lib/err.h"
#include "afxdp_maps.h"
#include "afxdp_xsk.h"

#define XQ_RX_SIZE    2048
#define XQ_FILL_SIZE  4096
#define XQ_TX_SIZE    1024
#define XQ_KICK_MAX   8             /* sendto kicks per flush: copy mode moves <= 32 frames each */

void xq_free(struct xq *q)
{
	if (!q)
		return;
	if (q->xsk)
		xsk_socket__delete(q->xsk);
	if (q->umem)
		xsk_umem__delete(q->umem);
	if (q->area)
		munmap(q->area, (size_t)XQ_FRAMES * XQ_FRAME_SZ);
	pthread_mutex_destroy(&q->tx_lock);
	free(q);
}

int xq_new(struct xq **out, const char *ifname, int ifindex, unsigned queue, int want_tx,
	   struct strbuf *err)
{
	int r;
	struct xq *q = calloc(1, sizeof(*q));
	if (!q)
		return lvs_err(err, -ENOMEM, "out of memory");
	pthread_mutex_init(&q->tx_lock, NULL);
	q->ifindex = ifindex;
	q->queue = queue;
	q->area = mmap(NULL, (size_t)XQ_FRAMES * XQ_FRAME_SZ, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (q->area == MAP_FAILED) {
		q->area = NULL;
		r = lvs_err(err, -errno, "UMEM mmap: %m");
		goto fail;
	}
	struct xsk_umem_config uc = {
		.fill_size = XQ_FILL_SIZE,
		.comp_size = XQ_COMP_SIZE,
		.frame_size = XQ_FRAME_SZ,
		.frame_headroom = 0,
		.flags = 0,
	};
	r = xsk_umem__create(&q->umem, q->area, (uint64_t)XQ_FRAMES * XQ_FRAME_SZ, &q->fq, &q->cq, &uc);
	if (r) {
		q->umem = NULL;
		lvs_err(err, r, "UMEM create on %s: %m", ifname);
		goto fail;
	}
	/* our own XDP program redirects: libxdp must not load its default one */
	struct xsk_socket_config sc = {
		.rx_size = XQ_RX_SIZE,
		.tx_size = want_tx ? XQ_TX_SIZE : 0,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.xdp_flags = 0,
		.bind_flags = XDP_COPY | XDP_USE_NEED_WAKEUP,
	};
	r = xsk_socket__create(&q->xsk, ifname, queue, q->umem, &q->rx, want_tx ? &q->tx : NULL, &sc);
	if (r) {
		q->xsk = NULL;
		lvs_err(err, r, "AF_XDP socket on %s queue %u: %m", ifname, queue);
		goto fail;
	}
	q->fd = xsk_socket__fd(q->xsk);
	/* the RX frames start in the fill ring */
	uint32_t idx;
	unsigned n = xsk_ring_prod__reserve(&q->fq, XQ_RX_FRAMES, &idx);
	for (unsigned i = 0; i < n; i++)
		*xsk_ring_prod__fill_addr(&q->fq, idx + i) = (uint64_t)i * XQ_FRAME_SZ;
	xsk_ring_prod__submit(&q->fq, n);
	q->has_tx = want_tx;
	for (unsigned i = 0; want_tx && i < XQ_TX_FRAMES; i++)
		q->tx_free[q->ntx_free++] = (uint64_t)(XQ_RX_FRAMES + i) * XQ_FRAME_SZ;
	*out = q;
	return 0;
fail:
	xq_free(q);
	return r;
}

unsigned xq_rx_queues(const char *ifname)
{
	struct ethtool_channels ch = { .cmd = ETHTOOL_GCHANNELS };
	struct ifreq ifr;
	unsigned n = 1;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = (void *)&ch;
	if (ioctl(fd, SIOCETHTOOL, &ifr) == 0) {
		unsigned c = ch.rx_count > ch.combined_count ? ch.rx_count : ch.combined_count;
		if (c > 0)
			n = c;
	}
	close(fd);
	return n > LVSD_XDP_QUEUES ? LVSD_XDP_QUEUES : n;
}

void xq_reap(struct xq *q)
{
	uint32_t idx;
	unsigned n = xsk_ring_cons__peek(&q->cq, XQ_COMP_SIZE, &idx);
	for (unsigned i = 0; i < n; i++) {
		uint64_t addr = xsk_umem__extract_addr(*xsk_ring_cons__comp_addr(&q->cq, idx + i));
		/* only our TX frames can complete; never trust more than that */
		if (addr >= (uint64_t)XQ_RX_FRAMES * XQ_FRAME_SZ && addr < (uint64_t)XQ_FRAMES * XQ_FRAME_SZ &&
		    q->ntx_free < XQ_TX_FRAMES)
			q->tx_free[q->ntx_free++] = addr - addr % XQ_FRAME_SZ;
	}
	if (n)
		xsk_ring_cons__release(&q->cq, n);
}

/* descriptors the kernel has not taken from the TX ring yet */
static uint32_t xq_tx_pending(struct xq *q)
{
	return *q->tx.producer - __atomic_load_n(q->tx.consumer, __ATOMIC_ACQUIRE);
}

/* copy mode needs a syscall (need_wakeup stays set) and moves at most 32
 * descriptors per call, so kick until the ring is drained or a bounded
 * number of times */
void xq_kick(struct xq *q)
{
	for (int k = 0; k < XQ_KICK_MAX && xq_tx_pending(q); k++) {
		if (!xsk_ring_prod__needs_wakeup(&q->tx))
			break;
		if (sendto(q->fd, NULL, 0, MSG_DONTWAIT, NULL, 0) < 0 &&
		    errno != EAGAIN && errno != EBUSY && errno != ENOBUFS && errno != EINTR)
			break;
	}
	xq_reap(q);
}

int xq_put(struct xq *q, const struct iovec *iov, int n, uint32_t len, unsigned *reserved)
{
	uint32_t idx;
	if (!q->ntx_free || xsk_ring_prod__reserve(&q->tx, 1, &idx) != 1)
		return -ENOBUFS;
	uint64_t addr = q->tx_free[--q->ntx_free];
	uint8_t *dst = xsk_umem__get_data(q->area, addr);
	for (int i = 0; i < n; i++) {
		memcpy(dst, iov[i].iov_base, iov[i].iov_len);
		dst += iov[i].iov_len;
	}
	struct xdp_desc *d = xsk_ring_prod__tx_desc(&q->tx, idx);
	d->addr = addr;
	d->len = len;
	d->options = 0;
	(*reserved)++;
	return 0;
}
