/* fastpath.h - the in-kernel fast path for TCP connections (established
 * flows, and with setup offload whole connections after their SYN).
 *
 * Every packet through either backend costs a copy into userspace, a
 * worker wake-up and a copy out.  Once the core says a connection is plain
 * ESTABLISHED TCP NAT or DR over IPv4 (pkt.h, "flow offload"), and it has
 * carried DP_FP_MIN_PKTS inbound packets (worker.h), nothing per packet is left
 * to decide but the rewrite, the timer and the counters: the worker then
 * installs the rewrite of each direction in a BPF hash (lvsd_flows,
 * afxdp_maps.h).  The XDP program leaves such segments to the kernel and
 * the TC ingress program lvsd_tc_fast rewrites them (addresses, ports, TTL,
 * checksums: on the skb, so offloaded checksums and GSO stay intact) and
 * redirects them to the egress interface's neighbour.  For such flows
 * SYN, FIN, RST, TTL 1, too-big packets and IP options still come to
 * userspace, so the state machine and the ICMP logic stay where they are;
 * the core answers STOP on the packet that ends the flow and the worker
 * removes both directions at once.  (Setup offload, below, forwards the
 * control segments too and reports them instead; TTL 1, too-big packets
 * and IP options still come to userspace.)
 *
 * Counting: each connection has a counter slot (lvsd_flow_ctr, a BPF array
 * mapped into lvsd); the worker that installed it reports the increments to
 * the core every DP_FP_HARVEST_MS (lvs_core_offload_touch: stats and the
 * connection timer), and removes the flow when the core no longer has it
 * offloaded (expired, taken back, dest deleted or quiesced out) unless
 * another worker re-installed the key for a newer connection.  A table
 * change makes every worker harvest at once, so a deleted dest's flows
 * come back (and their packets are dropped by the core) without delay.
 *
 * Setup offload (pkt.h): when the core answers START_SETUP on the SYN
 * that creates a connection, the worker installs both directions at once
 * with LVSD_FLOW_F_SETUP: the TC program then forwards the whole
 * connection, handshake and FIN/RST included, and reports the segments
 * the state machine must see in the lvsd_events ring buffer.  Every worker
 * drains that ring (dp_fp_drain, under a lock: one consumer at a time)
 * right after each receive and before handling what it received, so the
 * core sees a connection's segments in the order they were sent, whichever
 * path each took; the replay is lvs_core_inbound/outbound on the reported
 * headers.  The install is one batched map update (the reply direction
 * first: the SYN is already on its way).  A setup flow stays installed
 * through the closing exchange (pkt.h); after the core's STOP it keeps
 * reporting every segment until its owner's next harvest deletes it, with
 * all other released flows, in one batched delete.  A new SYN on such a
 * flow goes to the workers (lvsd_fast_ok), since the core may schedule the
 * reused port elsewhere.  With setup flows active a worker waits at most
 * DP_FP_EVENT_MS for frames, so states lag little even without slow-path
 * traffic.  A short connection then costs the workers its SYN, a handful
 * of 16-byte events and its share of two batched map updates, instead of
 * every segment.  The datapath module turns setup offload on when the
 * event ring loads; LVSD_FASTPATH=established keeps the established-only
 * mode, LVSD_FASTPATH=off disables the fast path.
 *
 * Not carried: TUN (the encapsulation stays in xmit.c), UDP, IPv6, dests
 * local to the director (local.h), connections while a sync master runs
 * (it must see the packets), and more than LVSD_FLOW_SLOTS connections at
 * once (the rest simply stay in the workers).  Per-connection counters
 * lag by at most DP_FP_HARVEST_MS.  With native XDP on veth the kernel
 * copies every frame into a page for XDP and disables GSO on the peer, so
 * established TCP is cheapest with the AF_PACKET backend and this fast
 * path (see bench/results/).
 *
 * Contract:
 *  - The datapath module opens it (both backends use it: AF_XDP shares
 *    lvsd_flows with its XDP program, which passes these segments on to
 *    the stack; the AF_PACKET sockets take ETH_P_IP, a protocol handler
 *    that runs after tc, so they never see what TC redirects); it is
 *    enabled only while every served interface has the TC program: a
 *    failed attach turns it off for good and takes every flow back.  A
 *    flow removed between the XDP program's look and TC's is not
 *    forwarded by TC: it meets the nftables guard like any owned packet.
 *  - One struct dp_fp_worker per worker thread; slots are partitioned
 *    between workers, so no locks.  Installs and removals are map syscalls
 *    on flow boundaries only, never per forwarded packet.
 *  - Failing to install is always safe: the packets keep coming through
 *    userspace and are handled there.
 */
#ifndef LVS_DP_FASTPATH_H
#define LVS_DP_FASTPATH_H

#include <pthread.h>
#include <stdint.h>
#include "core/pkt.h"

struct bpf_object;
struct dp_worker;
struct dp_fp_tc;
struct lvsd_flow_ctr;
struct ring_buffer;
struct strbuf;

#define DP_FP_HARVEST_MS 500

/* the BPF side (lvsd_fast.bpf.c), owned by the datapath module */
struct dp_fastpath {
	struct bpf_object *obj;
	int flows_fd;                   /* lvsd_flows */
	int tc_fd, stats_fd;
	volatile struct lvsd_flow_ctr *ctr;     /* lvsd_flow_ctr, mmapped */
	size_t ctr_len;
	unsigned nslots;
	int enabled;                    /* atomic: 0 once an interface lacks the TC program */
	struct dp_fp_tc *tc;            /* interfaces with our TC filter */
	unsigned ntc;
	struct ring_buffer *events;     /* lvsd_events (setup offload), NULL if unusable */
	pthread_mutex_t events_lock;    /* one consumer at a time */
	struct dp_worker *events_worker;        /* the drainer, under events_lock */
};

/* load the programs and maps; 0, or -errno with the reason in `why` (may
 * be NULL) when this kernel cannot */
int dp_fastpath_open(struct dp_fastpath **out, struct strbuf *why);
/* detaches every TC filter, frees everything */
void dp_fastpath_close(struct dp_fastpath *fp);
/* TC filter on exactly these interfaces (main thread, on link changes);
 * a failure turns the fast path off for good (logged) */
void dp_fastpath_sync_ifs(struct dp_fastpath *fp, char *const *ifnames);
/* off for good: every flow taken back (their packets reach the workers) */
void dp_fastpath_disable(struct dp_fastpath *fp, const char *why);
/* LVSD_FAST_STAT_* summed over CPUs */
uint64_t dp_fastpath_stat(const struct dp_fastpath *fp, unsigned what);
/* a per-CPU array's __u64 counter at key, summed over CPUs (0 on error) */
uint64_t dp_bpf_percpu_sum(int fd, uint32_t key);

struct dp_fp_worker;

struct dp_fp_worker *dp_fp_worker_new(const struct dp_fastpath *fp, unsigned idx, unsigned nworkers);
void dp_fp_worker_free(struct dp_fp_worker *f);

/* the ring may wait this long for a drain when nothing is received */
#define DP_FP_EVENT_MS 20

/* ref->offload said START / START_SETUP / STOP for the packet just forwarded */
void dp_fp_start(struct dp_worker *w, const struct lvs_conn_ref *ref);
void dp_fp_stop(struct dp_worker *w, const struct lvs_conn_ref *ref);

/* report what the fast path carried, drop what the core took back */
void dp_fp_harvest(struct dp_worker *w);
/* replay the segments the TC program reported (setup offload) */
void dp_fp_drain(struct dp_worker *w);
/* does the fast path hold setup flows waiting on events? (poll timeout) */
int dp_fp_busy(const struct dp_worker *w);

/* counters for the datapath view */
struct dp_fp_counts {
	uint64_t installed, install_failed, stopped, released, active;
	uint64_t setup, replayed;
};
void dp_fp_counts(const struct dp_fp_worker *f, struct dp_fp_counts *out);

#endif
