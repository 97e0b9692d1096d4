/* afxdp.c - the AF_XDP backend (see afxdp.h for the design). */
#include <errno.h>
#include <ifaddrs.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/ethtool.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>
#include <linux/if_xdp.h>
#include <linux/sockios.h>
#include <linux/virtio_net.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/xsk.h>
#include "lib/clock.h"
#include "lib/log.h"
#include "lib/strbuf.h"
#include "afp_tx.h"
#include "afxdp.h"
#include "afxdp_csum.h"
#include "afxdp_maps.h"
#include "fastpath.h"
#include "datapath/netfilter/guard.h"

/* the compiled XDP program, embedded at build time (module.mk) */
#ifndef LVSD_XDP_OBJ
#error "LVSD_XDP_OBJ must name the compiled bpf/lvsd_xdp.bpf.o"
#endif
__asm__(".pushsection .rodata\n"
	".balign 8\n"
	".hidden lvsd_xdp_obj_start\n"
	".hidden lvsd_xdp_obj_end\n"
	"lvsd_xdp_obj_start:\n"
	".incbin \"" LVSD_XDP_OBJ "\"\n"
	"lvsd_xdp_obj_end:\n"
	".popsection\n");
extern const unsigned char lvsd_xdp_obj_start[], lvsd_xdp_obj_end[];

#define XQ_RX_FRAMES  4096          /* UMEM frames that live in the fill/RX rings */
#define XQ_TX_FRAMES  1024          /* UMEM frames after them, for the XSK TX ring */
#define XQ_FRAMES     (XQ_RX_FRAMES + XQ_TX_FRAMES)
#define XQ_FRAME_SZ   XSK_UMEM__DEFAULT_FRAME_SIZE
#define XQ_RX_SIZE    2048
#define XQ_FILL_SIZE  4096
#define XQ_TX_SIZE    1024
#define XQ_COMP_SIZE  XQ_TX_FRAMES  /* every TX frame may be in flight at once */
#define XQ_KICK_MAX   8             /* sendto kicks per flush: copy mode moves <= 32 frames each */
#define WIO_MAX_Q     64
#define HELD_MAX      256           /* frames out to the worker between burst and release */
#define TX_BATCH      64
#define TX_IOV_MAX    4
#define LOCALS_MS     1000          /* local address refresh period (worker 0) */
#define TAP_SLICE_MS  5             /* idle wait slice between the XSKs and the tap */

/* one AF_XDP socket: (interface, RX queue), its own UMEM */
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
	struct dp_wio *owner;
	/* XSK TX (has_tx): any worker may send through this socket; tx_lock
	 * serialises the TX and completion rings and the free frame stack,
	 * and is taken once per flush, never per frame.  The RX and fill
	 * rings stay with the owner worker, so TX and RX never contend. */
	int has_tx;
	pthread_mutex_t tx_lock;
	struct xsk_ring_prod tx;
	unsigned ntx_free;
	uint64_t tx_free[XQ_TX_FRAMES];
};

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
	struct bpf_object *obj;
	int prog_fd, vips_fd, natrs_fd, locals_fd, ifslot_fd, xsks_fd, stats_fd;
	struct dp_fastpath *fp;         /* fastpath.h, or NULL */
	struct xif ifs[LVSD_XDP_MAX_IFS];       /* index i owns XSKMAP slots i*QUEUES.. */
	unsigned next_worker;
	struct dp_backend *tap;         /* AF_PACKET tap for what reaches the stack */
	pthread_mutex_t locals_lock;
	uint32_t *locals;               /* addresses currently in lvsd_locals */
	size_t nlocals;
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

static int afx_probe(char *reason, size_t len)
{
	int fd = socket(AF_XDP, SOCK_RAW, 0);
	if (fd < 0) {
		snprintf(reason, len, "AF_XDP socket: %s%s", strerror(errno),
			 errno == EAFNOSUPPORT ? " (kernel without CONFIG_XDP_SOCKETS)" : "");
		return -1;
	}
	close(fd);
	snprintf(reason, len, "AF_XDP available");
	return 0;
}

int afxdp_auto_ok(char *reason, size_t len)
{
	struct stat self, init;
	int host = 0;
	if (stat("/proc/self/ns/net", &self) == 0) {
		if (stat("/proc/1/ns/net", &init) == 0)
			host = self.st_ino == init.st_ino && self.st_dev == init.st_dev;
		else    /* /proc/1 hidden: the init namespace's fixed inode (PROC_NET_INIT_INO) */
			host = self.st_ino == 0xEFFFFFF9u;
	}
	if (host) {
		snprintf(reason, len, "running in the host network namespace, where attaching XDP to a "
			 "physical NIC may reset it (use --backend xdp to force)");
		return -1;
	}
	return afx_probe(reason, len);
}

/* ---- local addresses: NAT replies to these stay with the kernel ---- */

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static int has_u32(const uint32_t *v, size_t n, uint32_t x)
{
	return n && bsearch(&x, v, n, sizeof(*v), cmp_u32) != NULL;   /* bsearch(NULL, 0) is UB */
}

static void refresh_locals(struct dp_backend *be)
{
	struct ifaddrs *ifa;
	if (getifaddrs(&ifa) < 0)
		return;
	size_t n = 0, cap = 16;
	uint32_t *v = malloc(cap * sizeof(*v));
	for (struct ifaddrs *p = ifa; v && p; p = p->ifa_next) {
		if (!p->ifa_addr || p->ifa_addr->sa_family != AF_INET)
			continue;
		if (n == cap) {
			uint32_t *nv = realloc(v, 2 * cap * sizeof(*v));
			if (!nv)
				break;
			v = nv;
			cap *= 2;
		}
		v[n++] = ((struct sockaddr_in *)p->ifa_addr)->sin_addr.s_addr;
	}
	freeifaddrs(ifa);
	if (!v)
		return;
	qsort(v, n, sizeof(*v), cmp_u32);
	pthread_mutex_lock(&be->locals_lock);
	uint8_t one = 1;
	for (size_t i = 0; i < n; i++)
		if (!has_u32(be->locals, be->nlocals, v[i]))
			bpf_map_update_elem(be->locals_fd, &v[i], &one, BPF_ANY);
	for (size_t i = 0; i < be->nlocals; i++)
		if (!has_u32(v, n, be->locals[i]))
			bpf_map_delete_elem(be->locals_fd, &be->locals[i]);
	free(be->locals);
	be->locals = v;
	be->nlocals = n;
	pthread_mutex_unlock(&be->locals_lock);
}

/* ---- sockets ---- */

static void xq_free(struct xq *q)
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

/* want_tx: also a TX ring (and the TX frames of the UMEM in the free stack) */
static struct xq *xq_new(const char *ifname, int ifindex, unsigned queue, int want_tx,
			 char *err, size_t errlen)
{
	struct xq *q = calloc(1, sizeof(*q));
	if (!q) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&q->tx_lock, NULL);
	q->ifindex = ifindex;
	q->queue = queue;
	q->area = mmap(NULL, (size_t)XQ_FRAMES * XQ_FRAME_SZ, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (q->area == MAP_FAILED) {
		q->area = NULL;
		snprintf(err, errlen, "UMEM mmap: %s", strerror(errno));
		goto fail;
	}
	struct xsk_umem_config uc = {
		.fill_size = XQ_FILL_SIZE,
		.comp_size = XQ_COMP_SIZE,
		.frame_size = XQ_FRAME_SZ,
		.frame_headroom = 0,
		.flags = 0,
	};
	int r = xsk_umem__create(&q->umem, q->area, (uint64_t)XQ_FRAMES * XQ_FRAME_SZ, &q->fq, &q->cq, &uc);
	if (r) {
		q->umem = NULL;
		snprintf(err, errlen, "UMEM create on %s: %s", ifname, strerror(-r));
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
		snprintf(err, errlen, "AF_XDP socket on %s queue %u: %s", ifname, queue, strerror(-r));
		goto fail;
	}
	q->fd = xsk_socket__fd(q->xsk);
	/* the RX frames start in the fill ring and only ever cycle between it
	 * and the RX ring; the TX frames cycle between the free stack, the TX
	 * ring and the completion ring */
	uint32_t idx;
	unsigned n = xsk_ring_prod__reserve(&q->fq, XQ_RX_FRAMES, &idx);
	for (unsigned i = 0; i < n; i++)
		*xsk_ring_prod__fill_addr(&q->fq, idx + i) = (uint64_t)i * XQ_FRAME_SZ;
	xsk_ring_prod__submit(&q->fq, n);
	q->has_tx = want_tx;
	for (unsigned i = 0; want_tx && i < XQ_TX_FRAMES; i++)
		q->tx_free[q->ntx_free++] = (uint64_t)(XQ_RX_FRAMES + i) * XQ_FRAME_SZ;
	return q;
fail:
	xq_free(q);
	return NULL;
}

static unsigned rx_queues(const char *ifname)
{
	struct ethtool_channels ch = { .cmd = ETHTOOL_GCHANNELS };
	struct ifreq ifr;
	unsigned n = 1;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
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
	uint32_t key = (uint32_t)xi->ifindex;
	/* after this no flush holds or finds a socket of xi: they may go */
	publish_if(be, xi, 0);
	/* the link may be gone already: errors are expected then */
	bpf_xdp_detach(xi->ifindex, xi->xdp_mode, NULL);
	bpf_map_delete_elem(be->ifslot_fd, &key);
	unsigned base = (unsigned)(xi - be->ifs) * LVSD_XDP_QUEUES;
	for (unsigned i = 0; i < xi->nq; i++) {
		struct xq *q = xi->q[i];
		uint32_t slot = base + i;
		bpf_map_delete_elem(be->xsks_fd, &slot);
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

static int attach_if(struct dp_backend *be, const char *name, int ifindex)
{
	struct xif *xi = NULL;
	for (unsigned i = 0; i < LVSD_XDP_MAX_IFS && !xi; i++)
		if (!be->ifs[i].used)
			xi = &be->ifs[i];
	if (!xi) {
		lvs_log(LOG_ERR, "datapath: afxdp: more than %d interfaces, %s not served", LVSD_XDP_MAX_IFS, name);
		return -1;
	}
	char err[256];
	unsigned base = (unsigned)(xi - be->ifs) * LVSD_XDP_QUEUES;
	unsigned nq = rx_queues(name);
	xi->used = 1;
	xi->ifindex = ifindex;
	snprintf(xi->name, sizeof(xi->name), "%s", name);
	xi->tx_xsk = be->xsk_tx;
	for (unsigned i = 0; i < nq; i++) {
		struct xq *q = xq_new(name, ifindex, i, be->xsk_tx, err, sizeof(err));
		if (!q && be->xsk_tx) {
			/* a socket without a TX ring still receives; frames
			 * to this interface then leave through AF_PACKET */
			lvs_log(LOG_WARNING, "datapath: afxdp: %s (retrying without XSK TX)", err);
			q = xq_new(name, ifindex, i, 0, err, sizeof(err));
		}
		if (!q) {
			lvs_log(LOG_ERR, "datapath: afxdp: %s", err);
			goto fail;
		}
		if (!q->has_tx)
			xi->tx_xsk = 0;
		xi->q[xi->nq++] = q;
		uint32_t slot = base + i;
		int fd = q->fd;
		if (bpf_map_update_elem(be->xsks_fd, &slot, &fd, BPF_ANY) < 0) {
			lvs_log(LOG_ERR, "datapath: afxdp: XSKMAP update for %s queue %u: %s", name, i, strerror(errno));
			goto fail;
		}
	}
	uint32_t key = (uint32_t)ifindex, val = base;
	if (bpf_map_update_elem(be->ifslot_fd, &key, &val, BPF_ANY) < 0) {
		lvs_log(LOG_ERR, "datapath: afxdp: interface map update for %s: %s", name, strerror(errno));
		goto fail;
	}
	/* native first (veth supports it); generic works on any driver */
	xi->xdp_mode = XDP_FLAGS_DRV_MODE;
	int r = bpf_xdp_attach(ifindex, be->prog_fd, XDP_FLAGS_DRV_MODE, NULL);
	if (r < 0) {
		xi->xdp_mode = XDP_FLAGS_SKB_MODE;
		int r2 = bpf_xdp_attach(ifindex, be->prog_fd, XDP_FLAGS_SKB_MODE, NULL);
		if (r2 < 0) {
			lvs_log(LOG_ERR, "datapath: afxdp: cannot attach XDP to %s (native: %s, generic: %s)",
				 name, strerror(-r), strerror(-r2));
			xi->xdp_mode = 0;
			goto fail;
		}
		lvs_log(LOG_WARNING, "datapath: afxdp: %s: native XDP refused (%s), using generic XDP",
			 name, strerror(-r));
	}
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
	if (!xi->xdp_mode)
		xi->xdp_mode = XDP_FLAGS_DRV_MODE;
	detach_if(be, xi);
	return -1;
}

/* ---- maps from the owned set ---- */

static void map_key(struct lvsd_xdp_key *k, const struct dp_key *d)
{
	memset(k, 0, sizeof(*k));
	k->addr = d->addr;
	k->port = htons(d->port);
	k->proto = d->proto;
}

/* make `fd` hold exactly the keys of v[0..n-1]: stale ones out, new ones in */
static void sync_keys(int fd, const struct dp_key *v, size_t n, const struct dp_owned *o, int natrs)
{
	struct lvsd_xdp_key cur, next;
	int have = bpf_map_get_next_key(fd, NULL, &cur) == 0;
	while (have) {
		have = bpf_map_get_next_key(fd, &cur, &next) == 0;
		uint16_t port = ntohs(cur.port);
		int keep = natrs ? dp_owned_is_natrs(o, cur.addr, cur.proto, port)
				 : dp_owned_is_vip(o, cur.addr, cur.proto, port);
		if (!keep)
			bpf_map_delete_elem(fd, &cur);
		cur = next;
	}
	uint8_t one = 1;
	for (size_t i = 0; i < n; i++) {
		struct lvsd_xdp_key k;
		map_key(&k, &v[i]);
		bpf_map_update_elem(fd, &k, &one, BPF_ANY);
	}
}

static void afx_sync(struct dp_backend *be, const struct dp_owned *o, char *const *ifnames)
{
	if (o) {
		sync_keys(be->vips_fd, o->vips, o->nvips, o, 0);
		sync_keys(be->natrs_fd, o->nat, o->nnat, o, 1);
	}
	refresh_locals(be);
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

static int find_map(struct dp_backend *be, const char *name, char *err, size_t errlen)
{
	struct bpf_map *m = bpf_object__find_map_by_name(be->obj, name);
	int fd = m ? bpf_map__fd(m) : -1;
	if (fd < 0)
		snprintf(err, errlen, "XDP object has no map %s", name);
	return fd;
}

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
	if (be->obj)
		bpf_object__close(be->obj);
	free(be->locals);
	pthread_mutex_destroy(&be->locals_lock);
	pthread_rwlock_destroy(&be->tx_rw);
	free(be);
}

static struct dp_backend *afx_open(const struct dp_backend_conf *conf, char *err, size_t errlen)
{
	struct dp_backend *be = calloc(1, sizeof(*be));
	if (!be) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&be->locals_lock, NULL);
	pthread_rwlock_init(&be->tx_rw, NULL);
	/* LVSD_XDP_TX=afpacket: transmit through AF_PACKET only (tests, and
	 * a way out should an XSK TX path misbehave on some driver) */
	const char *txenv = getenv("LVSD_XDP_TX");
	be->xsk_tx = !(txenv && !strcmp(txenv, "afpacket"));
	be->nworkers = conf->nworkers ? conf->nworkers : 1;
	be->w = calloc(be->nworkers, sizeof(*be->w));
	if (!be->w) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	for (unsigned i = 0; i < be->nworkers; i++) {
		struct dp_wio *w = &be->w[i];
		w->be = be;
		w->idx = i;
		pthread_mutex_init(&w->lock, NULL);
		w->afp.fd = -1;
	}
	LIBBPF_OPTS(bpf_object_open_opts, oo, .object_name = "lvsd_xdp");
	be->obj = bpf_object__open_mem(lvsd_xdp_obj_start, (size_t)(lvsd_xdp_obj_end - lvsd_xdp_obj_start), &oo);
	if (!be->obj) {
		snprintf(err, errlen, "cannot open the XDP object: %s", strerror(errno));
		goto fail;
	}
	/* the fast path's flows: the XDP program passes their segments on to
	 * the TC program, so both must see the same map */
	be->fp = conf->fp;
	struct bpf_map *flows = bpf_object__find_map_by_name(be->obj, "lvsd_flows");
	if (be->fp && (!flows || bpf_map__reuse_fd(flows, be->fp->flows_fd))) {
		dp_fastpath_disable(be->fp, "the XDP program cannot share its flow map");
		be->fp = NULL;
	}
	int r = bpf_object__load(be->obj);
	if (r) {
		snprintf(err, errlen, "cannot load the XDP program: %s", strerror(-r));
		goto fail;
	}
	struct bpf_program *prog = bpf_object__find_program_by_name(be->obj, "lvsd_xdp_steer");
	be->prog_fd = prog ? bpf_program__fd(prog) : -1;
	if (be->prog_fd < 0) {
		snprintf(err, errlen, "XDP object has no program lvsd_xdp_steer");
		goto fail;
	}
	if ((be->vips_fd = find_map(be, "lvsd_vips", err, errlen)) < 0 ||
	    (be->natrs_fd = find_map(be, "lvsd_natrs", err, errlen)) < 0 ||
	    (be->locals_fd = find_map(be, "lvsd_locals", err, errlen)) < 0 ||
	    (be->ifslot_fd = find_map(be, "lvsd_ifslot", err, errlen)) < 0 ||
	    (be->xsks_fd = find_map(be, "lvsd_xsks", err, errlen)) < 0 ||
	    (be->stats_fd = find_map(be, "lvsd_stats", err, errlen)) < 0)
		goto fail;
	for (unsigned i = 0; i < be->nworkers; i++) {
		struct strbuf terr = STRBUF_INIT;
		if (afp_tx_open(&be->w[i].afp, 1, &terr) < 0) {
			snprintf(err, errlen, "%s", terr.buf ? terr.buf : "out of memory");
			sb_free(&terr);
			goto fail;
		}
	}
	/* an AF_XDP socket must really bind here (copy mode on loopback-free
	 * namespaces cannot be tested without an interface): the first sync
	 * attaches the interfaces and logs per-interface failures */
	/* the tap: frames the XDP program passes on to the stack still reach
	 * the workers through AF_PACKET, above all IPv4 fragments, which its
	 * fanout DEFRAG flag hands over reassembled (XDP sees fragments one by
	 * one and cannot match their ports).  Not fatal: without it fragments
	 * stay with the kernel. */
	char terr[256];
	/* (the fast path's segments: TC takes them before this tap) */
	be->tap = dp_backend_afpacket.open(conf, terr, sizeof(terr));
	if (!be->tap)
		lvs_log(LOG_WARNING, "datapath: afxdp: no AF_PACKET tap (%s): fragments stay with the kernel", terr);
	for (unsigned i = 0; be->tap && i < be->nworkers; i++)
		be->w[i].tap = dp_backend_afpacket.worker(be->tap, i);
	refresh_locals(be);
	return be;
fail:
	afx_close(be);
	return NULL;
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
			refresh_locals(w->be);
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
	struct pollfd pfd[WIO_MAX_Q];
	unsigned np = w->nq;
	for (unsigned k = 0; k < np; k++)
		pfd[k] = (struct pollfd){ .fd = w->q[k]->fd, .events = POLLIN };
	w->locked = 0;
	pthread_mutex_unlock(&w->lock);
	if (!np) {
		/* no socket yet: the tap alone, or wait for the main thread */
		if (w->tap)
			return tap->rx_burst(w->tap, frames, max, timeout_ms);
		struct timespec ts = { 0, (long)(timeout_ms > 100 ? 100 : timeout_ms) * 1000000L };
		nanosleep(&ts, NULL);
		return 0;
	}
	/* the tap is polled between slices: fragments wait at most a slice.
	 * A socket closed meanwhile (interface gone) may wake us: harmless,
	 * the list is re-read under the lock */
	int slice = w->tap && timeout_ms > TAP_SLICE_MS ? TAP_SLICE_MS : timeout_ms;
	if (poll(pfd, np, slice) < 0)
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

/* completed TX frames back to the free stack; tx_lock held */
static void xq_reap(struct xq *q)
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

/* have the kernel transmit what the TX ring holds.  Copy mode needs a
 * syscall (need_wakeup stays set) and moves at most 32 descriptors per
 * call, so kick until the ring is drained or a bounded number of times:
 * never wait. */
static void xq_kick(struct xq *q)
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

/* copy one queued frame into a free TX frame and describe it; 0, or -1
 * when the ring or the frames are exhausted; tx_lock held */
static int xq_put(struct xq *q, const struct xsk_slot *s, unsigned *reserved)
{
	uint32_t idx;
	if (!q->ntx_free || xsk_ring_prod__reserve(&q->tx, 1, &idx) != 1)
		return -1;
	uint64_t addr = q->tx_free[--q->ntx_free];
	uint8_t *dst = xsk_umem__get_data(q->area, addr);
	for (int i = 0; i < s->n; i++) {
		memcpy(dst, s->iov[i].iov_base, s->iov[i].iov_len);
		dst += s->iov[i].iov_len;
	}
	struct xdp_desc *d = xsk_ring_prod__tx_desc(&q->tx, idx);
	d->addr = addr;
	d->len = s->len;
	d->options = 0;
	(*reserved)++;
	return 0;
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
		if (xq_put(q, s, &reserved) < 0) {
			/* full: push what is queued, take back completions, retry once */
			xsk_ring_prod__submit(&q->tx, reserved);
			sent += reserved;
			reserved = 0;
			xq_kick(q);
			if (xq_put(q, s, &reserved) < 0) {
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
		return -1;
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
	return dp_bpf_percpu_sum(be->stats_fd, what);
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
};
