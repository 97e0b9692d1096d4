/* worker.h - one datapath worker thread: receive a burst, parse, ask the
 * core, rewrite and transmit (xmit.c), repeat.
 *
 * Which way a frame goes to the core (the owned set, guard.h): to a VIP
 * key, or carrying a firewall mark (fwmark_watch.h) -> lvs_core_inbound;
 * from a NAT real server's key to a non-local address -> lvs_core_outbound;
 * an ICMP error by the packet it quotes (quoted source a VIP: inbound,
 * quoted destination a NAT real server: outbound).  Everything else is the
 * kernel's.  The guard drops the kernel's copy of an owned tuple, so when
 * the core answers PASS for one (an ACK without a connection, e.g. after a
 * restart) the worker answers as the local stack would: a RST from the
 * VIP, within the rate limit of the ICMP errors lvsd originates.
 *
 * A burst is handled in three passes so that the connection table's cache
 * misses overlap (pkt.h): classify every frame and lvs_core_prefetch() its
 * bucket, lvs_core_prefetch2() every bucket's first entry, then decide.
 * Before a burst is handled the worker drains the fast path's event ring
 * (fastpath.h), after it harvests the fast path's counters when due, and
 * then reports a quiescent state (lib/epoch.h).
 *
 * Contract: a worker touches only its own struct dp_worker (counters,
 * caches, queues) plus the shared read-only owned-set snapshot and the
 * thread-safe core.  Counters are plain per-worker integers summed by the
 * main thread for the "datapath" view (torn reads of a counter are fine).
 */
#ifndef LVS_DP_WORKER_H
#define LVS_DP_WORKER_H

#include <pthread.h>
#include <stdint.h>
#include "core/pkt.h"
#include "datapath/io/backend.h"
#include "datapath/io/fastpath.h"
#include "parse.h"
#include "datapath/netfilter/guard.h"

struct nh_ctx;
struct dp_shared;
struct fwm_watch;

#define DP_PENDING_MAX 256      /* frames waiting for ARP, per worker */
#define DP_PENDING_MS  3000     /* how long they may wait */
#define DP_SCRATCH_N   64       /* small originated frames (ICMP, tunnel headers) per flush */
#define DP_SCRATCH_SZ  640
#define DP_SEG_ARENA   (256 * 1024)  /* software-segmentation output per flush */

struct dp_pending {
	uint8_t *buf;           /* complete frame, dst MAC to fill in */
	uint32_t len;
	int ifindex;
	uint32_t nexthop;
	uint64_t deadline_ms;
	struct dp_offload off;
};

struct dp_worker {
	unsigned idx;
	pthread_t thread;
	int started;
	struct dp_shared *sh;
	struct dp_wio *io;
	struct nh_ctx *nh;
	const struct dp_owned *owned;   /* snapshot used for the current burst */
	unsigned owned_seen;            /* version last observed (grace tracking) */
	uint64_t now_ms;
	uint64_t reason[DP_R_COUNT];
	uint64_t rx_frames, tx_frames, tx_bytes, inbound, outbound, icmp_sent, segmented, fragments;
	struct dp_pending pending[DP_PENDING_MAX];
	unsigned npending;
	unsigned pending_gen;
	unsigned icmp_tokens;            /* ICMP errors we may still originate now */
	uint64_t icmp_refill_ms;
	uint64_t icmp_ratelimited;
	uint64_t rst_sent;
	uint8_t scratch[DP_SCRATCH_N][DP_SCRATCH_SZ];
	unsigned nscratch;
	uint8_t *seg_arena;
	size_t seg_used;
	struct dp_fp_worker *fpw;       /* fast path (fastpath.h), NULL without one */
	uint64_t fp_harvest_ms;         /* next harvest */
	/* local real servers (local.h): this worker's queue of the TUN
	 * device (-1: none), frames read from it, and what went through */
	int local_fd;
	uint8_t *local_buf;
	uint64_t local_in, local_in_bytes;      /* delivered into the local stack */
	uint64_t local_out;                     /* read from it */
	uint64_t local_passed;                  /* of those: no connection, sent on unchanged */
};

#define DP_LOCAL_BURST 32       /* frames read from the TUN queue per round */
#define DP_LOCAL_SLOT  2048     /* one of them: Ethernet header + the device's MTU */

/* state shared by all workers (owned by module.c) */
struct dp_shared {
	struct lvs_core *core;
	const struct dp_backend_ops *ops;
	struct dp_backend *be;
	struct dp_owned *owned;         /* current snapshot (atomic pointer) */
	int stop;                       /* atomic */
	char **allow_if;                /* -i list, NULL = all */
	unsigned nworkers;
	int local_active;               /* atomic: some dest is local (local.h) */
	const struct fwm_watch *fw;     /* fwmark_watch.h, or NULL */
};

void *dp_worker_main(void *arg);

/* xmit.c */
/* rewrite and send one frame the core said FORWARD for; returns DP_R_OK or
 * the reason it was not sent */
enum dp_reason dp_xmit(struct dp_worker *w, struct dp_parsed *p, struct dp_frame *f,
		       const struct lvs_conn_ref *ref, int outbound);
/* originate an ICMP error about the packet in p (quote = its IP header +
 * 8 bytes); from_vip: source it from the packet's destination */
void dp_icmp_send(struct dp_worker *w, const struct dp_parsed *p, uint8_t type, uint8_t code,
		  uint32_t info, int from_vip);
/* answer a segment to an owned VIP:port that has no connection with a RST,
 * as the local stack would */
void dp_tcp_rst(struct dp_worker *w, const struct dp_parsed *p);
/* a frame the local stack sent into the TUN device that belongs to no
 * lvsd connection: on to its destination unchanged (127/8 sources
 * excepted) */
enum dp_reason dp_local_passthru(struct dp_worker *w, struct dp_parsed *p, struct dp_frame *f);
/* retry frames waiting for neighbour resolution */
void dp_pending_run(struct dp_worker *w);
/* scratch buffers are reusable after the backend flushed */
void dp_worker_flushed(struct dp_worker *w);

#endif
