/* afpacket.c - the AF_PACKET backend: one TPACKET_V2 RX ring per worker,
 * all workers in one PACKET_FANOUT group (flow hash), batched transmit with
 * sendmmsg() on a separate raw socket.
 *
 * Why these choices:
 *  - The RX sockets are bound to no interface (ifindex 0): they tap every
 *    link of the namespace, including ones that appear later, so following
 *    links needs no rebinding; the worker filters by interface.
 *  - They take ETH_P_IP, not ETH_P_ALL: ETH_P_ALL taps run before tc
 *    ingress (__netif_receive_skb_core: ptype_all, tc, nf ingress, then the
 *    protocol handlers), so every segment the fast path's TC program
 *    forwards would first be handed to the tap (fanout, filter) for
 *    nothing.  An ETH_P_IP socket is a protocol handler like ip_rcv: it
 *    only sees what TC let through.  The nftables guard (guard.h) therefore
 *    sits in the IP prerouting hook, which the kernel's copy passes and the
 *    tap's does not.  Other ethertypes (ARP, IPv6, unknown VLANs) never
 *    reach the workers; they were never lvsd's to forward.
 *  - PACKET_VNET_HDR on both sides keeps offload metadata: veth hands us
 *    64 KB GSO frames and partial checksums, and on transmit the kernel
 *    segments GSO frames and completes partial checksums itself.
 *  - Only frames that arrive for this host: a VIP is never broadcast or
 *    multicast, and what the kernel transmits (the fast path's redirects,
 *    its own output) must not be copied into the ring.  A socket's
 *    PACKET_IGNORE_OUTGOING does not apply inside a fanout group (the group
 *    has its own hook), so the group is created with
 *    PACKET_FANOUT_FLAG_IGNORE_OUTGOING where the kernel has it (6.9+: the
 *    kernel then does not even clone outgoing frames for the tap), and a
 *    socket filter keeps only PACKET_HOST frames on every kernel.
 *  - PACKET_QDISC_BYPASS on the TX socket: the director forwards, so the
 *    local qdisc adds only latency (veth's default is noqueue anyway).
 *  - TPACKET_V2, not V3: a V3 block is handed to user space only when it
 *    is full or its retire timer fires, and that timer counts in jiffies
 *    (4 ms at HZ=250): at connection-setup rates every packet waited for
 *    it.  V2 hands over, and wakes the
 *    worker, frame by frame.  Its slots are fixed-size (2 KB: an MTU frame
 *    with its headers); a larger frame (a GSO super-frame from veth, up to
 *    64 KB) gets PACKET_COPY_THRESH treatment: the slot says
 *    TP_STATUS_COPY and the whole frame waits on the socket's receive
 *    queue, read with recvmsg() into the worker's own 64 KB buffer (one
 *    such frame per burst).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <linux/virtio_net.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include "lib/err.h"
#include "afp_tx.h"
#include "backend.h"
#include "lib/epoch.h"

#define RING_BLOCK_SIZE (1u << 20)
#define RING_BLOCKS     16
#define RING_FRAME_SIZE 2048         /* one slot: MTU-sized frame + headers */
#define RING_FRAMES     (RING_BLOCK_SIZE / RING_FRAME_SIZE * RING_BLOCKS)
#define BIG_FRAME_MAX   (65536 + 512) /* GSO super-frame + vnet header, via recvmsg */
#define COPY_RCVBUF     (8 << 20)    /* room for queued super-frames */

#ifndef PACKET_FANOUT_FLAG_IGNORE_OUTGOING
#define PACKET_FANOUT_FLAG_IGNORE_OUTGOING 0x4000   /* linux 6.9 */
#endif

struct dp_wio {
	int rx_fd;
	uint8_t *ring;
	size_t ring_len;
	unsigned head;                  /* next slot to look at */
	unsigned taken;                 /* slots handed out, not yet released */
	uint8_t *big;                   /* a frame larger than a slot (recvmsg) */
	int big_used;                   /* big holds a frame of the current burst */
	uint64_t copied;                /* frames taken with recvmsg (relaxed: describe reads it) */
	int has_vnet;
	int wake_fd;                    /* set_wake_fd(), or -1 */
	struct afp_tx tx;               /* transmit: its own socket, batched */
};

struct dp_backend {
	unsigned nworkers;
	int fanout_id;
	int vnet;
	int outgoing_in_kernel;         /* PACKET_FANOUT_FLAG_IGNORE_OUTGOING took */
	struct dp_wio *w;
};

static int afp_probe(struct strbuf *err)
{
	int r = 0, v = TPACKET_V2;
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return lvs_err(err, -errno, "AF_PACKET socket: %m%s", errno == EPERM ? " (needs CAP_NET_RAW)" : "");
	if (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &v, sizeof(v)) < 0)
		r = lvs_err(err, -errno, "TPACKET_V2 unsupported: %m");
	close(fd);
	return r;
}

static void wio_close(struct dp_wio *w)
{
	if (w->ring && w->ring != MAP_FAILED)
		munmap(w->ring, w->ring_len);
	if (w->rx_fd >= 0)
		close(w->rx_fd);
	afp_tx_close(&w->tx);
	free(w->big);
	w->big = NULL;
	w->ring = NULL;
	w->rx_fd = -1;
}

/* a setsockopt that must take; 0 or -errno with the option's name in err */
static int must_set(int fd, int level, int opt, const char *name, const void *v, socklen_t len,
		    struct strbuf *err)
{
	if (setsockopt(fd, level, opt, v, len) == 0)
		return 0;
	return lvs_err(err, -errno, "%s: %m", name);
}

static int wio_open(struct dp_backend *be, struct dp_wio *w, struct strbuf *err)
{
	int one = 1, v, r;
	w->rx_fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_IP));
	if (w->rx_fd < 0)
		return lvs_err(err, -errno, "socket: %m");
	if ((r = afp_tx_open(&w->tx, be->vnet, err)) < 0)
		return r;
	v = TPACKET_V2;
	if ((r = must_set(w->rx_fd, SOL_PACKET, PACKET_VERSION, "PACKET_VERSION", &v, sizeof(v), err)) < 0)
		return r;
	/* frames larger than a slot: whole on the receive queue (see top) */
	w->big = malloc(BIG_FRAME_MAX);
	if (!w->big)
		return lvs_err(err, -ENOMEM, "out of memory");
	if ((r = must_set(w->rx_fd, SOL_PACKET, PACKET_COPY_THRESH, "PACKET_COPY_THRESH", &one, sizeof(one),
			  err)) < 0)
		return r;
	v = COPY_RCVBUF;
	if (setsockopt(w->rx_fd, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof(v)) < 0)
		(void)setsockopt(w->rx_fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v));  /* capped by rmem_max */
	if (be->vnet) {
		if ((r = must_set(w->rx_fd, SOL_PACKET, PACKET_VNET_HDR, "PACKET_VNET_HDR", &one, sizeof(one),
				  err)) < 0)
			return r;
		w->has_vnet = 1;
	}
	/* (no per-socket PACKET_IGNORE_OUTGOING: a fanout member's own hook is
	 * never registered, the group's flag below is what counts) */
	/* before bind, so that no other frame is ever queued.  Ethernet links
	 * only: loopback (the director talking to itself) and lvsd's own TUN
	 * device (local.h: what the workers deliver into the local stack,
	 * which has no link-layer header) are never served */
	static struct sock_filter host_only[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, SKF_AD_OFF + SKF_AD_PKTTYPE),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PACKET_HOST, 0, 3),
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, SKF_AD_OFF + SKF_AD_HATYPE),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARPHRD_ETHER, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0xffffffffu),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = { .len = sizeof(host_only) / sizeof(host_only[0]), .filter = host_only };
	if ((r = must_set(w->rx_fd, SOL_SOCKET, SO_ATTACH_FILTER, "SO_ATTACH_FILTER", &prog, sizeof(prog), err)) < 0)
		return r;
	struct tpacket_req req = {
		.tp_block_size = RING_BLOCK_SIZE,
		.tp_block_nr = RING_BLOCKS,
		.tp_frame_size = RING_FRAME_SIZE,
		.tp_frame_nr = RING_FRAMES,
	};
	if ((r = must_set(w->rx_fd, SOL_PACKET, PACKET_RX_RING, "PACKET_RX_RING", &req, sizeof(req), err)) < 0)
		return r;
	w->ring_len = (size_t)RING_BLOCK_SIZE * RING_BLOCKS;
	w->ring = mmap(NULL, w->ring_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_LOCKED, w->rx_fd, 0);
	if (w->ring == MAP_FAILED) /* MAP_LOCKED may exceed RLIMIT_MEMLOCK: retry without */
		w->ring = mmap(NULL, w->ring_len, PROT_READ | PROT_WRITE, MAP_SHARED, w->rx_fd, 0);
	if (w->ring == MAP_FAILED) {
		w->ring = NULL;
		return lvs_err(err, -errno, "mmap ring: %m");
	}
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP) };
	if (bind(w->rx_fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		return lvs_err(err, -errno, "bind: %m");
	/* a fanout group even with one worker: its DEFRAG flag makes the kernel
	 * reassemble IPv4 fragments (on a clone; the stack still gets the
	 * originals) before they reach the ring, so the datapath forwards
	 * whole datagrams as IPVS does after the kernel's defrag.  One worker
	 * needs no flow hash (the kernel would dissect every frame for it):
	 * FANOUT_CPU picks member 0 for nothing */
	unsigned type = (be->nworkers > 1 ? PACKET_FANOUT_HASH : PACKET_FANOUT_CPU) | PACKET_FANOUT_FLAG_DEFRAG;
	v = (int)((unsigned)be->fanout_id | (type | PACKET_FANOUT_FLAG_IGNORE_OUTGOING) << 16);
	if (setsockopt(w->rx_fd, SOL_PACKET, PACKET_FANOUT, &v, sizeof(v)) == 0) {
		be->outgoing_in_kernel = 1;
		return 0;
	}
	if (errno != EINVAL)
		return lvs_err(err, -errno, "PACKET_FANOUT: %m");
	v = (int)((unsigned)be->fanout_id | type << 16);   /* older kernel: the filter does it */
	return must_set(w->rx_fd, SOL_PACKET, PACKET_FANOUT, "PACKET_FANOUT", &v, sizeof(v), err);
}

static void afp_close(struct dp_backend *be)
{
	if (!be)
		return;
	for (unsigned i = 0; be->w && i < be->nworkers; i++)
		wio_close(&be->w[i]);
	free(be->w);
	free(be);
}

static int afp_open(const struct dp_backend_conf *conf, struct dp_backend **out, struct strbuf *err)
{
	int r = -ENOMEM;
	struct dp_backend *be = calloc(1, sizeof(*be));
	if (!be)
		return lvs_err(err, r, "out of memory");
	be->nworkers = conf->nworkers ? conf->nworkers : 1;
	be->vnet = conf->want_offload;
	be->fanout_id = (getpid() ^ (int)(uintptr_t)be) & 0xffff;
	be->w = calloc(be->nworkers, sizeof(*be->w));
	if (!be->w) {
		lvs_err(err, r, "out of memory");
		goto fail;
	}
	for (unsigned i = 0; i < be->nworkers; i++)
		be->w[i].rx_fd = be->w[i].tx.fd = be->w[i].wake_fd = -1;
	for (unsigned i = 0; i < be->nworkers; i++)
		if ((r = wio_open(be, &be->w[i], err)) < 0)
			goto fail;
	*out = be;
	return 0;
fail:
	afp_close(be);
	return r;
}

static struct dp_wio *afp_worker(struct dp_backend *be, unsigned idx)
{
	return idx < be->nworkers ? &be->w[idx] : NULL;
}

static struct tpacket2_hdr *slot_at(struct dp_wio *w, unsigned i)
{
	return (struct tpacket2_hdr *)(w->ring + (size_t)i * RING_FRAME_SIZE);
}

static uint32_t slot_status(struct dp_wio *w, unsigned i)
{
	return __atomic_load_n(&slot_at(w, i)->tp_status, __ATOMIC_ACQUIRE);
}

static void take_offload(struct dp_frame *f, const uint8_t *vnet)
{
	struct virtio_net_hdr vh;
	memcpy(&vh, vnet, sizeof(vh));
	f->off.flags = vh.flags;
	f->off.gso_type = vh.gso_type;
	f->off.hdr_len = vh.hdr_len;
	f->off.gso_size = vh.gso_size;
	f->off.csum_start = vh.csum_start;
	f->off.csum_offset = vh.csum_offset;
}

/* the whole frame of a TP_STATUS_COPY slot, from the receive queue (its
 * skbs are queued in slot order); 0 when there is none to deliver */
static int take_copy(struct dp_wio *w, struct dp_frame *f)
{
	struct sockaddr_ll sll;
	struct iovec iov = { .iov_base = w->big, .iov_len = BIG_FRAME_MAX };
	struct msghdr m = { .msg_name = &sll, .msg_namelen = sizeof(sll), .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t r = recvmsg(w->rx_fd, &m, MSG_DONTWAIT | MSG_TRUNC);
	size_t vlen = w->has_vnet ? sizeof(struct virtio_net_hdr) : 0;
	if (r < 0 || (size_t)r <= vlen || sll.sll_pkttype != PACKET_HOST)
		return 0;
	f->data = w->big + vlen;
	f->wire_len = (uint32_t)((size_t)r - vlen);
	f->len = (size_t)r > BIG_FRAME_MAX ? (uint32_t)(BIG_FRAME_MAX - vlen) : f->wire_len;
	f->ifindex = sll.sll_ifindex;
	if (vlen)
		take_offload(f, w->big);
	w->big_used = 1;
	__atomic_store_n(&w->copied, w->copied + 1, __ATOMIC_RELAXED);
	return 1;
}

static int afp_rx_burst(struct dp_wio *w, struct dp_frame *frames, int max, int timeout_ms)
{
	if (!(slot_status(w, w->head) & TP_STATUS_USER)) {
		/* a non-blocking look (the AF_XDP backend's tap, every
		 * burst) needs no syscall: the slot status says it all */
		if (timeout_ms == 0)
			return 0;
		struct pollfd p[2] = { { .fd = w->rx_fd, .events = POLLIN }, { .fd = w->wake_fd, .events = POLLIN } };
		lvs_epoch_thread_offline();
		int r = poll(p, w->wake_fd >= 0 ? 2 : 1, timeout_ms);
		lvs_epoch_thread_online();
		if (r < 0)
			return errno == EINTR ? 0 : -errno;
	}
	int n = 0;
	while (n < max && w->taken < RING_FRAMES) {
		uint32_t st = slot_status(w, w->head);
		if (!(st & TP_STATUS_USER) || ((st & TP_STATUS_COPY) && w->big_used))
			break;          /* not filled yet / one super-frame per burst */
		struct tpacket2_hdr *h = slot_at(w, w->head);
		w->head = (w->head + 1) % RING_FRAMES;
		w->taken++;
		struct dp_frame *f = &frames[n];
		memset(f, 0, sizeof(*f));
		/* accelerated VLAN: the tag is in the header, not the frame */
		f->vlan = (st & TP_STATUS_VLAN_VALID) != 0;
		if (st & TP_STATUS_COPY) {
			n += take_copy(w, f);
			continue;
		}
		struct sockaddr_ll *sll = (struct sockaddr_ll *)((uint8_t *)h + TPACKET_ALIGN(sizeof(*h)));
		/* only unicast frames addressed to this host (the socket filter
		 * already says so): a VIP is never broadcast/multicast */
		if (sll->sll_pkttype != PACKET_HOST || (size_t)h->tp_mac + h->tp_snaplen > RING_FRAME_SIZE)
			continue;
		uint8_t *mac = (uint8_t *)h + h->tp_mac;
		f->data = mac;
		f->len = h->tp_snaplen;
		f->wire_len = h->tp_len;       /* > len: truncated (no room to copy), parse drops it */
		f->ifindex = sll->sll_ifindex;
		if (w->has_vnet && h->tp_mac >= sizeof(struct virtio_net_hdr))
			take_offload(f, mac - sizeof(struct virtio_net_hdr));
		n++;
	}
	return n;
}

static void afp_rx_release(struct dp_wio *w)
{
	unsigned i = (w->head + RING_FRAMES - w->taken) % RING_FRAMES;
	for (; w->taken; w->taken--, i = (i + 1) % RING_FRAMES)
		__atomic_store_n(&slot_at(w, i)->tp_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
	w->big_used = 0;
}

static int afp_flush(struct dp_wio *w)
{
	return afp_tx_flush(&w->tx);
}

static int afp_tx(struct dp_wio *w, int ifindex, const struct dp_offload *off,
		  const struct iovec *iov, int n)
{
	return afp_tx_queue(&w->tx, ifindex, off, iov, n);
}

static void afp_set_wake_fd(struct dp_wio *w, int fd)
{
	w->wake_fd = fd;
}

static void afp_describe(struct dp_backend *be, char *buf, size_t len)
{
	uint64_t copied = 0;
	for (unsigned i = 0; i < be->nworkers; i++)
		copied += __atomic_load_n(&be->w[i].copied, __ATOMIC_RELAXED);
	snprintf(buf, len, "afpacket TPACKET_V2 fanout=0x%04x(%s) workers=%u ring=%ux%uB vnet_hdr=%s copied=%llu",
		 be->fanout_id, be->outgoing_in_kernel ? "ignore_outgoing" : "outgoing filtered",
		 be->nworkers, RING_FRAMES, RING_FRAME_SIZE, be->vnet ? "on" : "off", (unsigned long long)copied);
}

const struct dp_backend_ops dp_backend_afpacket = {
	.name = "afpacket",
	.probe = afp_probe,
	.open = afp_open,
	.close = afp_close,
	.worker = afp_worker,
	.rx_burst = afp_rx_burst,
	.rx_release = afp_rx_release,
	.tx = afp_tx,
	.flush = afp_flush,
	.describe = afp_describe,
	.set_wake_fd = afp_set_wake_fd,
};
