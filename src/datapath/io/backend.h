/* backend.h - how the datapath gets frames in and out of the machine.
 *
 * A backend (afpacket.c, afxdp.h) hands each worker thread bursts
 * of received Ethernet frames and takes frames to transmit.  The packet
 * logic (parse, core decision, rewrite) is backend-agnostic and lives in
 * worker.c/xmit.c.
 *
 * Contract:
 *  - Functions return 0 (or a count) or -errno; a human reason goes to
 *    the `struct strbuf *err` they take (may be NULL).
 *  - probe() says whether the backend can run here; on failure the reason
 *    ("no CAP_NET_RAW", "kernel lacks AF_XDP", ...) is what the
 *    module logs before falling back to the next backend.  The datapath
 *    module chooses the backend (--backend) and logs which one and why.
 *  - open() creates `nworkers` worker contexts that together receive every
 *    frame of the namespace's interfaces (a backend bound per interface
 *    gets if_add/if_del calls from the main thread as links come and go;
 *    one that taps all links may leave them NULL).  Frames sent by the
 *    backend itself are never received back.
 *  - Each worker context is used by exactly one thread: rx_burst() fills
 *    up to `max` frames (waiting at most timeout_ms); the frames stay valid
 *    and WRITABLE in place until rx_release(), so the worker rewrites
 *    headers in the receive buffer and queues them with tx() without a
 *    copy.  tx() may keep pointers to the iovecs' data until flush(); the
 *    worker always flushes before rx_release().  While rx_burst() blocks
 *    it takes the thread offline for the table's grace periods
 *    (lvs_epoch_thread_offline, lib/epoch.h), so an idle worker delays no
 *    frees.
 *  - Offload metadata travels with the frame (struct dp_offload, the
 *    virtio-net header's meaning): GSO super-frames up to 64 KB and
 *    partial checksums are legal input and legal output; the backend or
 *    the kernel segments / completes them on transmit.
 */
#ifndef LVS_DP_BACKEND_H
#define LVS_DP_BACKEND_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

/* offload state of a frame (virtio_net_hdr semantics) */
struct dp_offload {
	uint8_t flags;          /* DP_OFF_NEEDS_CSUM | DP_OFF_DATA_VALID */
	uint8_t gso_type;       /* DP_GSO_* */
	uint16_t hdr_len;
	uint16_t gso_size;      /* payload bytes per segment, 0 = not GSO */
	uint16_t csum_start;    /* from the start of the frame (MAC header) */
	uint16_t csum_offset;   /* from csum_start */
};
#define DP_OFF_NEEDS_CSUM 1     /* L4 csum field holds the pseudo-header sum only */
#define DP_OFF_DATA_VALID 2     /* checksum already verified by the kernel/NIC */
#define DP_GSO_NONE  0
#define DP_GSO_TCPV4 1
#define DP_GSO_UDP   3
#define DP_GSO_TCPV6 4
#define DP_GSO_UDP_L4 5
#define DP_GSO_ECN   0x80

struct dp_frame {
	uint8_t *data;          /* Ethernet header */
	uint32_t len;           /* bytes of frame */
	uint32_t wire_len;      /* original length (> len: capture truncated) */
	int ifindex;            /* receiving interface */
	int vlan;               /* arrived 802.1Q-tagged (tag stripped by the NIC/veth) */
	int local;              /* sent by the director's own stack into lvsd's TUN
				 * device (local.h), not received from a wire: a
				 * loopback source is legitimate there */
	struct dp_offload off;
};

struct dp_backend;
struct dp_wio;                  /* one worker's I/O context */
struct dp_owned;                /* netfilter/guard.h */

struct dp_fastpath;
struct strbuf;

struct dp_backend_conf {
	unsigned nworkers;
	int want_offload;       /* ask for GSO/partial-csum metadata (vnet header) */
	struct dp_fastpath *fp; /* fastpath.h, or NULL (AF_XDP shares its flow map) */
	int tx_afpacket;        /* AF_XDP: transmit through AF_PACKET only (--xdp-tx afpacket) */
};

struct dp_backend_ops {
	const char *name;
	int (*probe)(struct strbuf *err);
	int (*open)(const struct dp_backend_conf *conf, struct dp_backend **out, struct strbuf *err);
	void (*close)(struct dp_backend *be);
	int (*if_add)(struct dp_backend *be, int ifindex);      /* may be NULL */
	void (*if_del)(struct dp_backend *be, int ifindex);     /* may be NULL */
	struct dp_wio *(*worker)(struct dp_backend *be, unsigned idx);
	/* >= 0 frames, -errno on a fatal error */
	int (*rx_burst)(struct dp_wio *w, struct dp_frame *frames, int max, int timeout_ms);
	void (*rx_release)(struct dp_wio *w);
	/* queue one frame made of iov[0..n-1] on ifindex (a full queue is
	 * flushed first); 0, or -EINVAL for an iovec count the backend cannot
	 * take (counted as a tx drop by the caller) */
	int (*tx)(struct dp_wio *w, int ifindex, const struct dp_offload *off,
		  const struct iovec *iov, int n);
	/* push queued frames; returns frames the kernel refused */
	int (*flush)(struct dp_wio *w);
	/* a one-line description for the datapath view */
	void (*describe)(struct dp_backend *be, char *buf, size_t len);
	/* may be NULL: main thread, on every table or link change, with the
	 * current owned set and served interfaces (AF_XDP: BPF maps, attach) */
	void (*sync)(struct dp_backend *be, const struct dp_owned *o, char *const *ifnames);
	/* may be NULL: before the worker threads start, give worker context w
	 * one more descriptor to wait on: rx_burst() returns (with 0 frames
	 * if none came) as soon as fd is readable, so the worker reads it
	 * without waiting out its timeout (the local-delivery TUN queue) */
	void (*set_wake_fd)(struct dp_wio *w, int fd);
};

extern const struct dp_backend_ops dp_backend_afpacket;

#endif
