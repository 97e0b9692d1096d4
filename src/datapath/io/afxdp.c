/* afxdp.c - the AF_XDP backend: workers, interfaces, receive and transmit
 * (see afxdp.h for the design). */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include "lib/clock.h"
#include "lib/epoch.h"
#include "lib/err.h"
#include "lib/log.h"
#include "lib/strbuf.h"
#include "afp_tx.h"
#include "afxdp.h"
#include "afxdp_csum.h"
#include "afxdp_maps.h"
#include "afxdp_prog.h"
#include "afxdp_xsk.h"
#include "fastpath.h"

#define WIO_MAX_Q     64
#define HELD_MAX      256           /* frames out to the worker between burst and release */
#define TX_BATCH      64
#define TX_IOV_MAX    4
#define LOCALS_MS     1000          /* local address refresh period (worker 0) */
#define TAP_SLICE_MS  5             /* idle wait slice between the XSKs and the tap */

struct held { struct xq *q; uint64_t addr; };

/* a frame queued for an XSK TX ring until the flush (the iovecs point
 * into receive buffers or worker scratch, valid until then) */
struct xsk_slot {
	int ifindex;
	int n;
	uint32_t len;
	int done;
	struct iovec iov[TX_IOV_MAX];
};

struct dp_wio {
	struct dp_backend *be;
	unsigned idx;
	pthread_mutex_t lock;           /* the queue list; held from a burst to its release */
	int locked;
	struct xq *q[WIO_MAX_Q];
	unsigned nq, next;              /* next: round-robin start among the queues */
	struct held held[HELD_MAX];
	unsigned nheld;
	uint64_t locals_ms;
	struct afp_tx afp;              /* what an XSK cannot carry (afxdp.h) */
	struct xsk_slot xs[TX_BATCH];
	int nxs;
	int refused;                    /* drops of XSK flushes forced by a full batch */
	uint64_t csum_completed;        /* relaxed: read by describe() */
	uint64_t tx_xsk, tx_xsk_full;   /* relaxed: read by describe() */
	struct dp_wio *tap;             /* this worker's AF_PACKET tap context, or NULL */
	int wake_fd;                    /* set_wake_fd(), or -1 */
};

/* one served interface */
struct xif {
	int used;
	int ifindex;
	char name[IF_NAMESIZE];
	uint32_t xdp_mode;              /* XDP_FLAGS_DRV_MODE or XDP_FLAGS_SKB_MODE */
	unsigned nq;
	struct xq *q[LVSD_XDP_QUEUES];
	int published;                  /* in be->txif[] (workers may send through it) */
	int tx_xsk;                     /* every socket has a TX ring */
};

struct dp_backend {
	unsigned nworkers;
	struct dp_wio *w;
	struct afxdp_prog prog;         /* the XDP program and its maps */
	struct dp_fastpath *fp;         /* fastpath.h, or NULL */
	struct xif ifs[LVSD_XDP_MAX_IFS];       /* index i owns XSKMAP slots i*QUEUES.. */
	unsigned next_worker;
	struct dp_backend *tap;         /* AF_PACKET tap for what reaches the stack */
	/* XSK TX: off with LVSD_XDP_TX=afpacket; tx_rw guards the sockets
	 * of every xif against attach/detach while a worker flushes (read
	 * side: once per flush) */
	int xsk_tx;
	pthread_rwlock_t tx_rw;
	struct xif *txif[LVSD_XDP_MAX_IFS];     /* attached interfaces, for the TX lookup */
	unsigned ntxif;
	unsigned tx_ifs_xsk, tx_ifs_afp;        /* of those: with / without XSK TX */
};

/* ---- probe ---- */

static int afx_probe(struct strbuf *err)
{
	int fd = socket(AF_XDP, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return lvs_err(err, -errno, "AF_XDP socket: %m%s",
			       errno == EAFNOSUPPORT ? " (kernel without CONFIG_XDP_SOCKETS)" : "");
	close(fd);
	return 0;
}

int afxdp_auto_ok(struct strbuf *err)
{
	struct stat self, init;
	int host = 0;
	if (stat("/proc/self/ns/net", &self) == 0) {
		if (stat("/proc/1/ns/net", &init) == 0)
			host = self.st_ino == init.st_ino && self.st_dev == init.st_dev;
		else    /* /proc/1 hidden: the init namespace's fixed inode (PROC_NET_INIT_INO) */
			host = self.st_ino == 0xEFFFFFF9u;
	}
	if (host)
		return lvs_err(err, -EPERM, "running in the host network namespace, where attaching XDP to a "
			       "physical NIC may reset it (use --backend xdp to force)");
	return afx_probe(err);
}

/* ---- interfaces ---- */

/* workers see (published) or stop seeing the interface for XSK TX */
static void publish_if(struct dp_backend *be, struct xif *xi, int on)
{
	pthread_rwlock_wrlock(&be->tx_rw);
	if (on && !xi->published && be->ntxif < LVSD_XDP_MAX_IFS) {
		be->txif[be->ntxif++] = xi;
		xi->published = 1;
		if (xi->tx_xsk)
			be->tx_ifs_xsk++;
		else
			be->tx_ifs_afp++;
	} else if (!on && xi->published) {
		for (unsigned i = 0; i < be->ntxif; i++) {
			if (be->txif[i] == xi) {
				be->txif[i] = be->txif[--be->ntxif];
				break;
			}
		}
		xi->published = 0;
		if (xi->tx_xsk)
			be->tx_ifs_xsk--;
		else
			be->tx_ifs_afp--;
	}
	pthread_rwlock_unlock(&be->tx_rw);
}

static void detach_if(struct dp_backend *be, struct xif *xi)
{
	/* after this no flush holds or finds a socket of xi: they may go */
	publish_if(be, xi, 0);
	/* the link may be gone already: errors are expected then */
	afxdp_prog_detach(xi->ifindex, xi->xdp_mode);
	afxdp_prog_set_ifslot(&be->prog, xi->ifindex, -1);
	unsigned base = (unsigned)(xi - be->ifs) * LVSD_XDP_QUEUES;
	for (unsigned i = 0; i < xi->nq; i++) {
		struct xq *q = xi->q[i];
		afxdp_prog_set_xsk(&be->prog, base + i, -1);
		struct dp_wio *w = q->owner;
		if (w) {
			pthread_mutex_lock(&w->lock);
			for (unsigned k = 0; k < w->nq; k++) {
				if (w->q[k] == q) {
					w->q[k] = w->q[--w->nq];
					break;
				}
			}
			w->next = 0;
			pthread_mutex_unlock(&w->lock);
		}
		xq_free(q);
		xi->q[i] = NULL;
	}
	memset(xi, 0, sizeof(*xi));
}

/* a socket per RX queue, each in its XSKMAP slot, then the interface's
 * entry; 0 or -errno (the reason in err) */
static int attach_sockets(struct dp_backend *be, struct xif *xi, struct strbuf *err)
{
	unsigned base = (unsigned)(xi - be->ifs) * LVSD_XDP_QUEUES;
	unsigned nq = xq_rx_queues(xi->name);
	int r;
	for (unsigned i = 0; i < nq; i++) {
		struct xq *q;
		r = xq_new(&q, xi->name, xi->ifindex, i, be->xsk_tx, err);
		if (r < 0 && be->xsk_tx) {
			/* a socket without a TX ring still receives; frames
			 * to this interface then leave through AF_PACKET */
			lvs_log(LOG_WARNING, "datapath: afxdp: %s (retrying without XSK TX)",
				 err->buf ? err->buf : "out of memory");
			sb_free(err);
			r = xq_new(&q, xi->name, xi->ifindex, i, 0, err);
		}
		if (r < 0)
			return r;
		if (!q->has_tx)
			xi->tx_xsk = 0;
		xi->q[xi->nq++] = q;
		r = afxdp_prog_set_xsk(&be->prog, base + i, q->fd);
		if (r < 0)
			return lvs_err(err, r, "XSKMAP update for %s queue %u: %m", xi->name, i);
	}
	r = afxdp_prog_set_ifslot(&be->prog, xi->ifindex, base);
	return r < 0 ? lvs_err(err, r, "interface map update for %s: %m", xi->name) : 0;
}

static int attach_if(struct dp_backend *be, const char *name, int ifindex)
{
	struct strbuf err = STRBUF_INIT;
	struct xif *xi = NULL;
	int r;

	for (unsigned i = 0; i < LVSD_XDP_MAX_IFS && !xi; i++)
		if (!be->ifs[i].used)
			xi = &be->ifs[i];
	if (!xi) {
		lvs_log(LOG_ERR, "datapath: afxdp: more than %d interfaces, %s not served", LVSD_XDP_MAX_IFS, name);
		return -ENOSPC;
	}
	xi->used = 1;
	xi->ifindex = ifindex;
	snprintf(xi->name, sizeof(xi->name), "%s", name);
	xi->tx_xsk = be->xsk_tx;
	if ((r = attach_sockets(be, xi, &err)) < 0 ||
	    (r = afxdp_prog_attach(&be->prog, ifindex, name, &xi->xdp_mode, &err)) < 0)
		goto fail;
	/* sockets go to the workers round-robin: one worker per queue while
	 * there are enough workers */
	for (unsigned i = 0; i < xi->nq; i++) {
		struct dp_wio *w = &be->w[be->next_worker++ % be->nworkers];
		pthread_mutex_lock(&w->lock);
		if (w->nq < WIO_MAX_Q) {
			w->q[w->nq++] = xi->q[i];
			xi->q[i]->owner = w;
		}
		pthread_mutex_unlock(&w->lock);
	}
	publish_if(be, xi, 1);
	lvs_log(LOG_INFO, "datapath: afxdp: %s: %s XDP, %u AF_XDP socket(s) (copy mode), tx=%s", name,
		 xi->xdp_mode == XDP_FLAGS_DRV_MODE ? "native" : "generic", xi->nq,
		 xi->tx_xsk ? "xsk" : "afpacket");
	return 0;
fail:
	lvs_log(LOG_ERR, "datapath: afxdp: %s", err.buf ? err.buf : "out of memory");
	sb_free(&err);
	if (!xi->xdp_mode)
		xi->xdp_mode = XDP_FLAGS_DRV_MODE;
	detach_if(be, xi);
	return r;
}

static void afx_sync(struct dp_backend *be, const struct dp_owned *o, char *const *ifnames)
{
	afxdp_prog_sync_owned(&be->prog, o);
	afxdp_prog_refresh_locals(&be->prog);
	/* interfaces gone (or renumbered) first, then new ones */
	for (unsigned i = 0; i < LVSD_XDP_MAX_IFS; i++) {
		struct xif *xi = &be->ifs[i];
		if (!xi->used)
			continue;
		int keep = 0;
		for (char *const *p = ifnames; p && *p && !keep; p++)
			keep = !strcmp(*p, xi->name) && (int)if_nametoindex(*p) == xi->ifindex;
		if (!keep)
			detach_if(be, xi);
	}
	for (char *const *p = ifnames; p && *p; p++) {
		int ifindex = (int)if_nametoindex(*p);
		if (!ifindex)
			continue;
		int found = 0;
		for (unsigned i = 0; i < LVSD_XDP_MAX_IFS && !found; i++)
			found = be->ifs[i].used && be->ifs[i].ifindex == ifindex;
		if (!found)
			attach_if(be, *p, ifindex);
	}
}

/* ---- open / close ---- */

static void afx_close(struct dp_backend *be)
{
	if (!be)
		return;
	for (unsigned i = 0; i < LVSD_XDP_MAX_IFS; i++)
		if (be->ifs[i].used)
			detach_if(be, &be->ifs[i]);
	for (unsigned i = 0; be->w && i < be->nworkers; i++) {
		afp_tx_close(&be->w[i].afp);
		pthread_mutex_destroy(&be->w[i].lock);
	}
	free(be->w);
	if (be->tap)
		dp_backend_afpacket.close(be->tap);
	afxdp_prog_unload(&be->prog);
	pthread_rwlock_destroy(&be->tx_rw);
	free(be);
}

static int afx_open(const struct dp_backend_conf *conf, struct dp_backend **out, struct strbuf *err)
{
	int r = -ENOMEM;
	struct dp_backend *be = calloc(1, sizeof(*be));
	if (!be)
		return lvs_err(err, r, "out of memory");
	pthread_rwlock_init(&be->tx_rw, NULL);
	/* --xdp-tx afpacket: transmit through AF_PACKET only (tests, and a
	 * way out should an XSK TX path misbehave on some driver) */
	be->xsk_tx = !conf->tx_afpacket;
	be->nworkers = conf->nworkers ? conf->nworkers : 1;
	be->w = calloc(be->nworkers, sizeof(*be->w));
	if (!be->w) {
		lvs_err(err, r, "out of memory");
		goto fail;
	}
	for (unsigned i = 0; i < be->nworkers; i++) {
		struct dp_wio *w = &be->w[i];
		w->be = be;
		w->idx = i;
		pthread_mutex_init(&w->lock, NULL);
		w->afp.fd = w->wake_fd = -1;
	}
	be->fp = conf->fp;
	if ((r = afxdp_prog_load(&be->prog, &be->fp, err)) < 0)
		goto fail;
	for (unsigned i = 0; i < be->nworkers; i++)
		if ((r = afp_tx_open(&be->w[i].afp, 1, err)) < 0)
			goto fail;
	/* an AF_XDP socket must really bind here (copy mode on loopback-free
	 * namespaces cannot be tested without an interface): the first sync
	 * attaches the interfaces and logs per-interface failures */
	/* the tap: frames the XDP program passes on to the stack still reach
	 * the workers through AF_PACKET, above all IPv4 fragments, which its
	 * fanout DEFRAG flag hands over reassembled (XDP sees fragments one by
	 * one and cannot match their ports).  Not fatal: without it fragments
	 * stay with the kernel. */
	/* (the fast path's segments: TC takes them before this tap) */
	struct strbuf terr = STRBUF_INIT;
	if (dp_backend_afpacket.open(conf, &be->tap, &terr) < 0) {
		be->tap = NULL;
		lvs_log(LOG_WARNING, "datapath: afxdp: no AF_PACKET tap (%s): fragments stay with the kernel",
			 terr.buf ? terr.buf : "out of memory");
	}
	sb_free(&terr);
	for (unsigned i = 0; be->tap && i < be->nworkers; i++)
		be->w[i].tap = dp_backend_afpacket.worker(be->tap, i);
	afxdp_prog_refresh_locals(&be->prog);
	*out = be;
	return 0;
fail:
	afx_close(be);
	return r;
}

static struct dp_wio *afx_worker(struct dp_backend *be, unsigned idx)
{
	return idx < be->nworkers ? &be->w[idx] : NULL;
}

/* ---- receive ---- */

/* see afxdp_csum.h; counted for the datapath view */
static void fix_l4_csum(struct dp_wio *w, struct dp_frame *f)
{
	if (afxdp_fix_csum(f) == AFXDP_CSUM_COMPLETED)
		__atomic_store_n(&w->csum_completed, w->csum_completed + 1, __ATOMIC_RELAXED);
}

static int take(struct dp_wio *w, struct dp_frame *frames, int max)
{
	int n = 0;
	for (unsigned k = 0; k < w->nq && n < max; k++) {
		struct xq *q = w->q[(w->next + k) % w->nq];
		unsigned room = (unsigned)(max - n);
		if (room > HELD_MAX - w->nheld)
			room = HELD_MAX - w->nheld;
		uint32_t idx;
		unsigned got = xsk_ring_cons__peek(&q->rx, room, &idx);
		int first = n;
		for (unsigned i = 0; i < got; i++) {
			const struct xdp_desc *desc = xsk_ring_cons__rx_desc(&q->rx, idx + i);
			uint64_t addr = xsk_umem__add_offset_to_addr(desc->addr);
			w->held[w->nheld].q = q;
			w->held[w->nheld++].addr = xsk_umem__extract_addr(desc->addr);
			if (addr + desc->len > (uint64_t)XQ_RX_FRAMES * XQ_FRAME_SZ)
				continue;       /* not a frame of ours: recycled, never read */
			struct dp_frame *f = &frames[n++];
			memset(f, 0, sizeof(*f));
			f->data = xsk_umem__get_data(q->area, addr);
			f->len = f->wire_len = desc->len;
			f->ifindex = q->ifindex;
			/* the kernel wrote the frame on another CPU: start the
			 * cache misses of the whole burst before reading any */
			__builtin_prefetch(f->data);
			__builtin_prefetch((uint8_t *)f->data + 64);
		}
		if (got)
			xsk_ring_cons__release(&q->rx, got);
		for (int i = first; i < n; i++)
			fix_l4_csum(w, &frames[i]);
	}
	if (w->nq)
		w->next = (w->next + 1) % w->nq;
	return n;
}

static int afx_rx_burst(struct dp_wio *w, struct dp_frame *frames, int max, int timeout_ms)
{
	const struct dp_backend_ops *tap = &dp_backend_afpacket;
	if (w->idx == 0) {
		uint64_t now = lvs_now_ms();
		if (now - w->locals_ms >= LOCALS_MS) {
			w->locals_ms = now;
			afxdp_prog_refresh_locals(&w->be->prog);
		}
	}
	pthread_mutex_lock(&w->lock);
	w->locked = 1;
	int n = take(w, frames, max);
	if (w->tap && n < max) {
		int m = tap->rx_burst(w->tap, frames + n, max - n, 0);
		n += m > 0 ? m : 0;
	}
	if (n)
		return n;       /* the lock stays held until rx_release */
	struct pollfd pfd[WIO_MAX_Q + 1];
	unsigned np = w->nq;
	for (unsigned k = 0; k < np; k++)
		pfd[k] = (struct pollfd){ .fd = w->q[k]->fd, .events = POLLIN };
	w->locked = 0;
	pthread_mutex_unlock(&w->lock);
	if (!np) {
		/* no socket yet: the tap alone (it watches the wake fd too),
		 * or wait for the main thread */
		if (w->tap)
			return tap->rx_burst(w->tap, frames, max, timeout_ms);
		struct pollfd wf = { .fd = w->wake_fd, .events = POLLIN };
		lvs_epoch_thread_offline();
		poll(&wf, w->wake_fd >= 0 ? 1 : 0, timeout_ms > 100 ? 100 : timeout_ms);
		lvs_epoch_thread_online();
		return 0;
	}
	if (w->wake_fd >= 0)
		pfd[np++] = (struct pollfd){ .fd = w->wake_fd, .events = POLLIN };
	/* the tap is polled between slices: fragments wait at most a slice.
	 * A socket closed meanwhile (interface gone) may wake us: harmless,
	 * the list is re-read under the lock */
	int slice = w->tap && timeout_ms > TAP_SLICE_MS ? TAP_SLICE_MS : timeout_ms;
	lvs_epoch_thread_offline();
	int r = poll(pfd, np, slice);
	lvs_epoch_thread_online();
	if (r < 0)
		return 0;
	pthread_mutex_lock(&w->lock);
	w->locked = 1;
	n = take(w, frames, max);
	if (w->tap && n < max) {
		int m = tap->rx_burst(w->tap, frames + n, max - n, 0);
		n += m > 0 ? m : 0;
	}
	if (!n) {
		w->locked = 0;
		pthread_mutex_unlock(&w->lock);
	}
	return n;
}

static void afx_rx_release(struct dp_wio *w)
{
	/* frames go back to their fill rings in one batch per socket run */
	unsigned i = 0;
	while (i < w->nheld) {
		struct xq *q = w->held[i].q;
		unsigned j = i;
		while (j < w->nheld && w->held[j].q == q)
			j++;
		uint32_t idx;
		unsigned want = j - i;
		while (xsk_ring_prod__reserve(&q->fq, want, &idx) != want)
			;       /* cannot fail: the ring holds every frame of the UMEM */
		for (unsigned k = 0; k < want; k++)
			*xsk_ring_prod__fill_addr(&q->fq, idx + k) = w->held[i + k].addr;
		xsk_ring_prod__submit(&q->fq, want);
		if (xsk_ring_prod__needs_wakeup(&q->fq))
			recvfrom(q->fd, NULL, 0, MSG_DONTWAIT, NULL, NULL);
		i = j;
	}
	w->nheld = 0;
	if (w->tap)
		dp_backend_afpacket.rx_release(w->tap);
	if (w->locked) {
		w->locked = 0;
		pthread_mutex_unlock(&w->lock);
	}
}

/* ---- transmit (see afxdp.h): XSK TX ring of the egress interface's
 * socket, AF_PACKET with the virtio-net header for the rest ---- */

static void relaxed_add(uint64_t *c, uint64_t n)
{
	__atomic_store_n(c, *c + n, __ATOMIC_RELAXED);  /* one writer: the worker */
}

/* the socket this worker sends through on ifindex, or NULL (no XSK TX
 * there); caller holds tx_rw for reading */
static struct xq *tx_queue(struct dp_backend *be, int ifindex, unsigned widx)
{
	for (unsigned i = 0; i < be->ntxif; i++) {
		struct xif *xi = be->txif[i];
		if (xi->ifindex == ifindex) {
			struct xq *q = xi->nq ? xi->q[widx % xi->nq] : NULL;
			return q && q->has_tx ? q : NULL;
		}
	}
	return NULL;
}

/* send the slots for q's interface from `first` on; returns frames dropped */
static int xq_send(struct dp_wio *w, struct xq *q, int first)
{
	int dropped = 0;
	uint64_t sent = 0;
	unsigned reserved = 0;
	int ifindex = w->xs[first].ifindex;
	pthread_mutex_lock(&q->tx_lock);
	xq_reap(q);
	for (int i = first; i < w->nxs; i++) {
		struct xsk_slot *s = &w->xs[i];
		if (s->done || s->ifindex != ifindex)
			continue;
		s->done = 1;
		if (xq_put(q, s->iov, s->n, s->len, &reserved) < 0) {
			/* full: push what is queued, take back completions, retry once */
			xsk_ring_prod__submit(&q->tx, reserved);
			sent += reserved;
			reserved = 0;
			xq_kick(q);
			if (xq_put(q, s->iov, s->n, s->len, &reserved) < 0) {
				dropped++;
				continue;
			}
		}
	}
	xsk_ring_prod__submit(&q->tx, reserved);
	sent += reserved;
	xq_kick(q);
	pthread_mutex_unlock(&q->tx_lock);
	relaxed_add(&w->tx_xsk, sent);
	if (dropped)
		relaxed_add(&w->tx_xsk_full, (uint64_t)dropped);
	return dropped;
}

/* XSK slots go out per interface (one lock, one kick run each); those of
 * an interface without XSK TX (gone, or no TX ring) join the AF_PACKET batch */
static int xsk_flush(struct dp_wio *w)
{
	int dropped = 0;
	if (!w->nxs)
		return 0;
	pthread_rwlock_rdlock(&w->be->tx_rw);
	for (int i = 0; i < w->nxs; i++) {
		struct xsk_slot *s = &w->xs[i];
		if (s->done)
			continue;
		struct xq *q = tx_queue(w->be, s->ifindex, w->idx);
		if (q) {
			dropped += xq_send(w, q, i);
			continue;
		}
		for (int j = i; j < w->nxs; j++) {
			struct xsk_slot *t = &w->xs[j];
			if (!t->done && t->ifindex == s->ifindex) {
				t->done = 1;
				afp_tx_queue(&w->afp, t->ifindex, NULL, t->iov, t->n);
			}
		}
	}
	pthread_rwlock_unlock(&w->be->tx_rw);
	w->nxs = 0;
	return dropped;
}

static int afx_flush(struct dp_wio *w)
{
	int refused = w->refused;
	w->refused = 0;
	refused += xsk_flush(w);
	refused += afp_tx_flush(&w->afp);
	return refused;
}

static int afx_tx(struct dp_wio *w, int ifindex, const struct dp_offload *off,
		  const struct iovec *iov, int n)
{
	if (n < 1 || n > TX_IOV_MAX)
		return -EINVAL;
	/* an XSK carries plain, complete frames of one UMEM frame at most:
	 * GSO super-frames and partial checksums need AF_PACKET's vnet header */
	int plain = !off || (!off->gso_size && !(off->flags & DP_OFF_NEEDS_CSUM));
	size_t len = 0;
	for (int i = 0; i < n; i++)
		len += iov[i].iov_len;
	if (!w->be->xsk_tx || !plain || len > XQ_FRAME_SZ || len == 0)
		return afp_tx_queue(&w->afp, ifindex, off, iov, n);
	if (w->nxs == TX_BATCH)
		w->refused += xsk_flush(w);
	struct xsk_slot *s = &w->xs[w->nxs++];
	s->ifindex = ifindex;
	s->n = n;
	s->len = (uint32_t)len;
	s->done = 0;
	for (int i = 0; i < n; i++)
		s->iov[i] = iov[i];
	return 0;
}

static uint64_t xdp_stat(struct dp_backend *be, uint32_t what)
{
	return afxdp_prog_stat(&be->prog, what);
}

static void afx_describe(struct dp_backend *be, char *buf, size_t len)
{
	uint64_t fixed = 0, txx = 0, txa = 0, full = 0;
	for (unsigned i = 0; i < be->nworkers; i++) {
		fixed += __atomic_load_n(&be->w[i].csum_completed, __ATOMIC_RELAXED);
		txx += __atomic_load_n(&be->w[i].tx_xsk, __ATOMIC_RELAXED);
		txa += __atomic_load_n(&be->w[i].afp.sent, __ATOMIC_RELAXED);
		full += __atomic_load_n(&be->w[i].tx_xsk_full, __ATOMIC_RELAXED);
	}
	/* tx=: what the served interfaces use (xsk, afpacket, or both when
	 * some interface could not get an XSK TX ring) */
	pthread_rwlock_rdlock(&be->tx_rw);
	const char *mode = !be->xsk_tx ? "afpacket"
			   : be->tx_ifs_afp ? (be->tx_ifs_xsk ? "xsk+afpacket" : "afpacket") : "xsk";
	pthread_rwlock_unlock(&be->tx_rw);
	/* module.c keeps 384 bytes: counters first, they are what tests read */
	snprintf(buf, len, "afxdp xdp_seen=%llu xdp_redirect=%llu xdp_no_socket=%llu csum_completed=%llu "
		 "tx_xsk=%llu tx_afpacket=%llu tx_xsk_full=%llu fast_pass=%llu workers=%u copy-mode tx=%s",
		 (unsigned long long)xdp_stat(be, LVSD_XDP_STAT_SEEN),
		 (unsigned long long)xdp_stat(be, LVSD_XDP_STAT_REDIRECT),
		 (unsigned long long)xdp_stat(be, LVSD_XDP_STAT_NO_SOCKET), (unsigned long long)fixed,
		 (unsigned long long)txx, (unsigned long long)txa, (unsigned long long)full,
		 (unsigned long long)xdp_stat(be, LVSD_XDP_STAT_FAST_PASS),
		 be->nworkers, mode);
}

static void afx_set_wake_fd(struct dp_wio *w, int fd)
{
	w->wake_fd = fd;
	if (w->tap)
		dp_backend_afpacket.set_wake_fd(w->tap, fd);
}

const struct dp_backend_ops dp_backend_afxdp = {
	.name = "xdp",
	.probe = afx_probe,
	.open = afx_open,
	.close = afx_close,
	.worker = afx_worker,
	.rx_burst = afx_rx_burst,
	.rx_release = afx_rx_release,
	.tx = afx_tx,
	.flush = afx_flush,
	.describe = afx_describe,
	.sync = afx_sync,
	.set_wake_fd = afx_set_wake_fd,
};
