/* afpacket.c - the AF_PACKET backend: one TPACKET_V3 RX ring per worker,
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
 *    only sees what TC let through.  The nftables guard (steer.h) therefore
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
 *  - Block retire timeout 1 ms: a TPACKET_V3 block is handed over when full
 *    or after the timeout; 1 ms bounds the added latency at low rates.
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
#include <sys/mman.h>
#include <sys/socket.h>
#include "backend.h"

#define RING_BLOCK_SIZE (1u << 20)   /* holds several 64 KB GSO frames */
#define RING_BLOCKS     16
#define RING_FRAME_SIZE 2048         /* unused by V3 but must divide the block */
#define TX_BATCH        64
#define TX_IOV_MAX      4

#ifndef PACKET_FANOUT_FLAG_IGNORE_OUTGOING
#define PACKET_FANOUT_FLAG_IGNORE_OUTGOING 0x4000   /* linux 6.9 */
#endif

struct tx_slot {
	struct virtio_net_hdr vh;
	struct sockaddr_ll sll;
	struct iovec iov[TX_IOV_MAX + 1];
};

struct dp_wio {
	int rx_fd, tx_fd;
	uint8_t *ring;
	size_t ring_len;
	unsigned block;                 /* current block index */
	struct tpacket3_hdr *next_pkt;  /* next frame inside the current block */
	uint32_t left;                  /* frames left in the current block */
	int block_open;                 /* current block is ours until released */
	int has_vnet;
	struct tx_slot tx[TX_BATCH];
	struct mmsghdr msgs[TX_BATCH];
	int ntx;
};

struct dp_backend {
	unsigned nworkers;
	int fanout_id;
	int vnet;
	int outgoing_in_kernel;         /* PACKET_FANOUT_FLAG_IGNORE_OUTGOING took */
	struct dp_wio *w;
};

static int afp_probe(char *reason, size_t len)
{
	int fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0) {
		snprintf(reason, len, "AF_PACKET socket: %s%s", strerror(errno),
			 errno == EPERM ? " (needs CAP_NET_RAW)" : "");
		return -1;
	}
	int v = TPACKET_V3;
	if (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &v, sizeof(v)) < 0) {
		snprintf(reason, len, "TPACKET_V3 unsupported: %s", strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	snprintf(reason, len, "AF_PACKET TPACKET_V3 available");
	return 0;
}

static void wio_close(struct dp_wio *w)
{
	if (w->ring && w->ring != MAP_FAILED)
		munmap(w->ring, w->ring_len);
	if (w->rx_fd >= 0)
		close(w->rx_fd);
	if (w->tx_fd >= 0)
		close(w->tx_fd);
	w->ring = NULL;
	w->rx_fd = w->tx_fd = -1;
}

static int wio_open(struct dp_backend *be, struct dp_wio *w, char *err, size_t errlen)
{
	int one = 1, v;
	w->rx_fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_IP));
	w->tx_fd = socket(AF_PACKET, SOCK_RAW, 0);   /* protocol 0: never receives */
	if (w->rx_fd < 0 || w->tx_fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	v = TPACKET_V3;
	if (setsockopt(w->rx_fd, SOL_PACKET, PACKET_VERSION, &v, sizeof(v)) < 0) {
		snprintf(err, errlen, "PACKET_VERSION: %s", strerror(errno));
		return -1;
	}
	if (be->vnet) {
		if (setsockopt(w->rx_fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof(one)) < 0 ||
		    setsockopt(w->tx_fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof(one)) < 0) {
			snprintf(err, errlen, "PACKET_VNET_HDR: %s", strerror(errno));
			return -1;
		}
		w->has_vnet = 1;
	}
	if (setsockopt(w->rx_fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one)) < 0) {
		snprintf(err, errlen, "PACKET_IGNORE_OUTGOING: %s", strerror(errno));
		return -1;
	}
	/* before bind, so that no other frame is ever queued */
	static struct sock_filter host_only[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, SKF_AD_OFF + SKF_AD_PKTTYPE),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PACKET_HOST, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0xffffffffu),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = { .len = sizeof(host_only) / sizeof(host_only[0]), .filter = host_only };
	if (setsockopt(w->rx_fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0) {
		snprintf(err, errlen, "SO_ATTACH_FILTER: %s", strerror(errno));
		return -1;
	}
	/* best effort: bypass is an optimisation only */
	(void)setsockopt(w->tx_fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));

	struct tpacket_req3 req = {
		.tp_block_size = RING_BLOCK_SIZE,
		.tp_block_nr = RING_BLOCKS,
		.tp_frame_size = RING_FRAME_SIZE,
		.tp_frame_nr = RING_BLOCK_SIZE / RING_FRAME_SIZE * RING_BLOCKS,
		.tp_retire_blk_tov = 1,
		.tp_feature_req_word = 0,
	};
	if (setsockopt(w->rx_fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req)) < 0) {
		snprintf(err, errlen, "PACKET_RX_RING: %s", strerror(errno));
		return -1;
	}
	w->ring_len = (size_t)RING_BLOCK_SIZE * RING_BLOCKS;
	w->ring = mmap(NULL, w->ring_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_LOCKED, w->rx_fd, 0);
	if (w->ring == MAP_FAILED) /* MAP_LOCKED may exceed RLIMIT_MEMLOCK: retry without */
		w->ring = mmap(NULL, w->ring_len, PROT_READ | PROT_WRITE, MAP_SHARED, w->rx_fd, 0);
	if (w->ring == MAP_FAILED) {
		w->ring = NULL;
		snprintf(err, errlen, "mmap ring: %s", strerror(errno));
		return -1;
	}
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP) };
	if (bind(w->rx_fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		snprintf(err, errlen, "bind: %s", strerror(errno));
		return -1;
	}
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
	v = (int)((unsigned)be->fanout_id | type << 16);   /* older kernel: the filter does it */
	if (errno != EINVAL || setsockopt(w->rx_fd, SOL_PACKET, PACKET_FANOUT, &v, sizeof(v)) < 0) {
		snprintf(err, errlen, "PACKET_FANOUT: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static struct dp_backend *afp_open(const struct dp_backend_conf *conf, char *err, size_t errlen)
{
	struct dp_backend *be = calloc(1, sizeof(*be));
	if (!be) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	be->nworkers = conf->nworkers ? conf->nworkers : 1;
	be->vnet = conf->want_offload;
	be->fanout_id = (getpid() ^ (int)(uintptr_t)be) & 0xffff;
	be->w = calloc(be->nworkers, sizeof(*be->w));
	if (!be->w) {
		free(be);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	for (unsigned i = 0; i < be->nworkers; i++)
		be->w[i].rx_fd = be->w[i].tx_fd = -1;
	for (unsigned i = 0; i < be->nworkers; i++) {
		if (wio_open(be, &be->w[i], err, errlen) < 0) {
			for (unsigned j = 0; j <= i; j++)
				wio_close(&be->w[j]);
			free(be->w);
			free(be);
			return NULL;
		}
	}
	return be;
}

static void afp_close(struct dp_backend *be)
{
	if (!be)
		return;
	for (unsigned i = 0; i < be->nworkers; i++)
		wio_close(&be->w[i]);
	free(be->w);
	free(be);
}

static struct dp_wio *afp_worker(struct dp_backend *be, unsigned idx)
{
	return idx < be->nworkers ? &be->w[idx] : NULL;
}

static struct tpacket_block_desc *block_at(struct dp_wio *w, unsigned i)
{
	return (struct tpacket_block_desc *)(w->ring + (size_t)i * RING_BLOCK_SIZE);
}

static int afp_rx_burst(struct dp_wio *w, struct dp_frame *frames, int max, int timeout_ms)
{
	struct tpacket_block_desc *bd = block_at(w, w->block);
	if (!w->block_open) {
		if (!(__atomic_load_n(&bd->hdr.bh1.block_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER)) {
			/* a non-blocking look (the AF_XDP backend's tap, every
			 * burst) needs no syscall: the block status says it all */
			if (timeout_ms == 0)
				return 0;
			struct pollfd p = { .fd = w->rx_fd, .events = POLLIN };
			int r = poll(&p, 1, timeout_ms);
			if (r < 0)
				return errno == EINTR ? 0 : -1;
			if (!(__atomic_load_n(&bd->hdr.bh1.block_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER))
				return 0;
		}
		w->block_open = 1;
		w->left = bd->hdr.bh1.num_pkts;
		w->next_pkt = (struct tpacket3_hdr *)((uint8_t *)bd + bd->hdr.bh1.offset_to_first_pkt);
	}
	int n = 0;
	uint8_t *block_end = (uint8_t *)bd + RING_BLOCK_SIZE;
	while (n < max && w->left) {
		struct tpacket3_hdr *h = w->next_pkt;
		uint8_t *mac = (uint8_t *)h + h->tp_mac;
		struct dp_frame *f = &frames[n];
		memset(f, 0, sizeof(*f));
		if (mac + h->tp_snaplen <= block_end) {
			f->data = mac;
			f->len = h->tp_snaplen;
			f->wire_len = h->tp_len;
			struct sockaddr_ll *sll = (struct sockaddr_ll *)((uint8_t *)h + TPACKET_ALIGN(sizeof(*h)));
			f->ifindex = sll->sll_ifindex;
			/* accelerated VLAN: the tag is in the header, not the frame */
			f->vlan = (h->tp_status & TP_STATUS_VLAN_VALID) != 0;
			if (w->has_vnet && h->tp_mac >= sizeof(struct virtio_net_hdr)) {
				struct virtio_net_hdr vh;
				memcpy(&vh, mac - sizeof(vh), sizeof(vh));
				f->off.flags = vh.flags;
				f->off.gso_type = vh.gso_type;
				f->off.hdr_len = vh.hdr_len;
				f->off.gso_size = vh.gso_size;
				f->off.csum_start = vh.csum_start;
				f->off.csum_offset = vh.csum_offset;
			}
			/* only unicast frames addressed to this host: a VIP is
			 * never broadcast/multicast, and promiscuous taps see
			 * other hosts' frames (PACKET_OTHERHOST) we must not touch */
			if (sll->sll_pkttype == PACKET_HOST)
				n++;
		}
		w->left--;
		if (w->left)
			w->next_pkt = (struct tpacket3_hdr *)((uint8_t *)h + h->tp_next_offset);
	}
	return n;
}

static void afp_rx_release(struct dp_wio *w)
{
	if (!w->block_open || w->left)
		return;
	struct tpacket_block_desc *bd = block_at(w, w->block);
	__atomic_store_n(&bd->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
	w->block_open = 0;
	w->block = (w->block + 1) % RING_BLOCKS;
}

static int afp_flush(struct dp_wio *w)
{
	int refused = 0, done = 0;
	while (done < w->ntx) {
		int r = sendmmsg(w->tx_fd, w->msgs + done, (unsigned)(w->ntx - done), MSG_DONTWAIT);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			/* the first remaining frame is refused (EMSGSIZE, ENXIO, ENOBUFS...) */
			refused++;
			done++;
			continue;
		}
		done += r;
	}
	w->ntx = 0;
	return refused;
}

static int afp_tx(struct dp_wio *w, int ifindex, const struct dp_offload *off,
		  const struct iovec *iov, int n)
{
	if (n < 1 || n > TX_IOV_MAX)
		return -1;
	if (w->ntx == TX_BATCH)
		afp_flush(w);
	struct tx_slot *s = &w->tx[w->ntx];
	struct mmsghdr *m = &w->msgs[w->ntx];
	int k = 0;
	memset(&s->sll, 0, sizeof(s->sll));
	s->sll.sll_family = AF_PACKET;
	s->sll.sll_ifindex = ifindex;
	s->sll.sll_protocol = htons(ETH_P_IP);
	if (w->has_vnet) {
		memset(&s->vh, 0, sizeof(s->vh));
		if (off) {
			s->vh.flags = off->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM;
			s->vh.gso_type = off->gso_size ? off->gso_type : VIRTIO_NET_HDR_GSO_NONE;
			s->vh.hdr_len = off->hdr_len;
			s->vh.gso_size = off->gso_size;
			s->vh.csum_start = off->csum_start;
			s->vh.csum_offset = off->csum_offset;
		}
		s->iov[k].iov_base = &s->vh;
		s->iov[k++].iov_len = sizeof(s->vh);
	}
	for (int i = 0; i < n; i++)
		s->iov[k++] = iov[i];
	memset(m, 0, sizeof(*m));
	m->msg_hdr.msg_name = &s->sll;
	m->msg_hdr.msg_namelen = sizeof(s->sll);
	m->msg_hdr.msg_iov = s->iov;
	m->msg_hdr.msg_iovlen = (size_t)k;
	w->ntx++;
	return 0;
}

static void afp_describe(struct dp_backend *be, char *buf, size_t len)
{
	snprintf(buf, len, "afpacket TPACKET_V3 fanout=0x%04x(%s) workers=%u ring=%ux%uKB vnet_hdr=%s",
		 be->fanout_id, be->outgoing_in_kernel ? "ignore_outgoing" : "outgoing filtered",
		 be->nworkers, RING_BLOCKS, RING_BLOCK_SIZE / 1024, be->vnet ? "on" : "off");
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
};
