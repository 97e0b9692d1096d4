/* afxdp.h - the AF_XDP backend and its XDP steering program
 * (bpf/lvsd_xdp.bpf.c, built into lvsd).  afxdp.c is the backend (workers,
 * interfaces, receive and transmit), afxdp_xsk.c one AF_XDP socket with its
 * UMEM and rings, afxdp_prog.c the program and its maps.
 *
 * Receive: lvsd's own XDP program, attached to every served interface
 * (native mode, generic when the driver refuses), redirects exactly the
 * frames the director owns (guard.h's owned set) to one AF_XDP socket per
 * (interface, RX queue); everything else goes on to the kernel.  Unlike the
 * AF_PACKET tap, the redirected frame is STOLEN: the kernel never sees it,
 * so no guard is needed for it (the nftables guard stays as a backstop for
 * frames that find no socket).  Sockets run in copy mode (veth has no
 * zero-copy), one per RX queue the driver reports (ETHTOOL_GCHANNELS),
 * each with its own UMEM, need_wakeup, frames recycled to the fill ring in
 * batches after each burst; they are dealt to the workers round-robin.
 * libxdp serves only for its xsk helpers, with its own program load
 * inhibited: lvsd loads its program with libbpf and puts the socket fds
 * into its own XSKMAP.  The namespace's local addresses (a NAT real
 * server's reply to the director itself stays with the kernel) are re-read
 * by worker 0 every second and on every sync.  Limits: LVSD_XDP_MAX_IFS
 * interfaces of LVSD_XDP_QUEUES queues each (afxdp_maps.h).
 *
 * The tap beside it: each worker also reads a context of the AF_PACKET
 * backend (afpacket.c), polled between TAP_SLICE_MS slices of the XSK
 * wait, which sees what the XDP program passed to the stack.  IPv4
 * fragments to a VIP are served that way (the fanout's DEFRAG flag
 * reassembles them; XDP sees fragments one by one without their ports),
 * and so are fwmark services, whose marks are computed from the frame;
 * the per-reason counters of frames lvsd does not own read as with the
 * AF_PACKET backend.  A per-worker lock guards the worker's socket list
 * against the main thread's attach/detach; it is held from a burst to its
 * release only.
 *
 * Transmit: through the TX ring of the egress interface's XSK (queue
 * worker % queues; the RX socket itself, since a single-queue veth takes
 * one UMEM per queue), with 1024 TX frames per UMEM after the RX frames.
 * tx() queues; flush() copies each frame into a free TX frame, submits per
 * interface under the socket's tx_lock (once per flush), kicks with
 * sendto(MSG_DONTWAIT) while need_wakeup is set (copy mode moves <= 32
 * descriptors per call) and reaps the completion ring.  Full: dropped and
 * counted (tx_xsk_full), never waited for.  AF_PACKET with the virtio-net
 * header (per worker, as in afpacket.c) carries what an XSK cannot: GSO
 * super-frames and partial checksums from the shared xmit code, frames
 * above one UMEM frame, interfaces whose socket got no TX ring, and
 * everything with LVSD_XDP_TX=afpacket in the environment.
 *
 * Checksums: a veth peer with TX checksum offload hands XDP frames whose
 * TCP/UDP checksum field holds only the pseudo-header sum (the skb's
 * CHECKSUM_PARTIAL state is lost on the way to XDP).  rx_burst verifies
 * every TCP/UDP checksum; a frame whose field equals the pseudo-header sum
 * gets its checksum completed in place; every verified frame is marked
 * DP_OFF_DATA_VALID so the parser does not sum it again.
 *
 * Contract beyond backend.h: the module calls ops->sync() (main thread) on
 * every table and link change with the current owned set and interface
 * list; the backend attaches/detaches per interface and rewrites its BPF
 * maps.  Workers pick up sockets of new interfaces at their next burst.
 */
#ifndef LVS_DP_AFXDP_H
#define LVS_DP_AFXDP_H

#include "backend.h"

struct strbuf;

extern const struct dp_backend_ops dp_backend_afxdp;

/* --backend auto: probe(), and not in the host (init) network namespace,
 * where the served links are physical NICs that native XDP may reset;
 * 0, or -errno with the reason in err (may be NULL) */
int afxdp_auto_ok(struct strbuf *err);

#endif
