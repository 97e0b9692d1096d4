/* worker.c - the per-thread packet loop (see worker.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/rtnetlink.h>
#include <linux/virtio_net.h>
#include <net/if.h>
#include <sys/uio.h>
#include "datapath/netfilter/fwmark_watch.h"
#include "lib/clock.h"
#include "lib/epoch.h"
#include "nexthop.h"
#include "worker.h"

#define BURST 64

static int if_allowed(struct dp_worker *w, int ifindex)
{
	char **allow = w->sh->allow_if;
	if (!allow)
		return 1;
	struct nh_link l;
	if (nh_link(w->nh, ifindex, &l) < 0)
		return 0;
	for (; *allow; allow++)
		if (!strcmp(*allow, l.name))
			return 1;
	return 0;
}

static int is_local(struct dp_worker *w, uint32_t addr)
{
	struct nh_route rt;
	return nh_route4(w->nh, addr, &rt) == 0 && rt.type == RTN_LOCAL;
}

/* one frame of a burst between its classification and its decision */
struct job {
	struct dp_frame *f;
	int dir;                /* 1 inbound, 2 outbound */
	struct dp_parsed p;
};

/* parse and classify; returns the direction (1 inbound, 2 outbound), or 0
 * when the frame is done with (counted) */
static int classify(struct dp_worker *w, struct dp_frame *f, struct dp_parsed *p)
{
	w->rx_frames++;
	if (!if_allowed(w, f->ifindex))
		return 0;
	enum dp_reason r = dp_parse(f, p);
	if (r != DP_R_OK) {
		w->reason[r]++;
		return 0;
	}
	const struct lvs_pkt *k = &p->pkt;
	const struct dp_owned *o = w->owned;
	int dir = 0;
	if (k->icmp_error) {
		if (dp_owned_is_vip(o, k->inner.saddr.ip, k->inner.protocol, k->inner.sport))
			dir = 1;
		else if (dp_owned_is_natrs(o, k->inner.daddr.ip, k->inner.protocol, k->inner.dport))
			dir = 2;
	} else if (k->protocol != IPPROTO_ICMP) {
		/* give the packet the mark the user's mangle PREROUTING rules
		 * would give it (fwmark_watch.h); a marked packet goes to the
		 * core, which looks fwmark services up first and falls back to
		 * addr:port, as ip_vs_service_find() does */
		int fw_drop;
		p->pkt.mark = fwm_dp_mark(w->sh->fw, w->nh, k, f->ifindex, &fw_drop);
		if (fw_drop) {
			w->reason[DP_R_NOT_OURS]++;     /* the kernel drops it */
			return 0;
		}
		if (k->mark || dp_owned_is_vip(o, k->daddr.ip, k->protocol, k->dport))
			dir = 1;
		else if (dp_owned_is_natrs(o, k->saddr.ip, k->protocol, k->sport) && !is_local(w, k->daddr.ip))
			dir = 2;
	}
	if (!dir)
		w->reason[DP_R_NOT_OURS]++;
	return dir;
}

/* the core's verdict and what follows from it */
static void decide(struct dp_worker *w, struct job *j)
{
	const struct lvs_pkt *k = &j->p.pkt;
	const struct dp_owned *o = w->owned;
	enum dp_reason r;
	struct lvs_conn_ref ref;
	enum lvs_verdict v = j->dir == 1 ? lvs_core_inbound(w->sh->core, w->idx, k, w->now_ms, &ref)
					 : lvs_core_outbound(w->sh->core, w->idx, k, w->now_ms, &ref);
	switch (v) {
	case LVS_FORWARD:
		if (j->dir == 1)
			w->inbound++;
		else
			w->outbound++;
		r = dp_xmit(w, &j->p, j->f, &ref, j->dir == 2);
		break;
	case LVS_REJECT:
		dp_icmp_send(w, &j->p, 3, 3, 0, j->dir == 1);
		r = DP_R_CORE_REJECT;
		break;
	case LVS_DROP:
		r = DP_R_CORE_DROP;
		break;
	default:
		if (j->p.local) {
			/* the local stack's own traffic from a local NAT real
			 * server's address and port, no lvsd connection */
			r = dp_local_passthru(w, &j->p, j->f);
			break;
		}
		/* the guard keeps the kernel from answering: do it for it */
		if (j->dir == 1 && !k->icmp_error && dp_owned_is_vip(o, k->daddr.ip, k->protocol, k->dport))
			dp_tcp_rst(w, &j->p);
		r = DP_R_CORE_PASS;
		break;
	}
	w->reason[r]++;
	/* the fast path follows the core's word (pkt.h, flow offload); an
	 * install after a failed send is fine: routes, not this frame, count */
	if (ref.offload == LVS_OFFLOAD_START || ref.offload == LVS_OFFLOAD_START_SETUP)
		dp_fp_start(w, &ref);
	else if (ref.offload == LVS_OFFLOAD_STOP)
		dp_fp_stop(w, &ref);
	lvs_core_ref_put(w->sh->core, w->idx, &ref);
}

/* ---- what the local stack routed into the TUN device (local.h) ---- */

/* up to max packets from this worker's queue, each behind a made-up
 * Ethernet header so that parse and transmit see a frame like any other */
static int local_read(struct dp_worker *w, struct dp_frame *frames, int max)
{
	int n = 0;
	while (n < max) {
		uint8_t *slot = w->local_buf + (size_t)n * DP_LOCAL_SLOT;
		struct virtio_net_hdr vh;
		struct iovec iov[2] = { { &vh, sizeof(vh) }, { slot + 14, DP_LOCAL_SLOT - 14 } };
		ssize_t r = readv(w->local_fd, iov, 2);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;          /* EAGAIN: nothing more */
		if ((size_t)r <= sizeof(vh))
			continue;
		size_t len = (size_t)r - sizeof(vh);
		memset(slot, 0, 12);
		slot[12] = 0x08;
		slot[13] = 0x00;
		struct dp_frame *f = &frames[n++];
		memset(f, 0, sizeof(*f));
		f->data = slot;
		f->wire_len = (uint32_t)(14 + len);
		f->len = len > DP_LOCAL_SLOT - 14 ? DP_LOCAL_SLOT : f->wire_len;  /* cut: CAPTURE_TRUNC */
		f->local = 1;
		f->off.flags = vh.flags & (DP_OFF_NEEDS_CSUM | DP_OFF_DATA_VALID);
		f->off.gso_type = vh.gso_type;
		f->off.gso_size = vh.gso_size;
		f->off.hdr_len = (uint16_t)(vh.hdr_len + 14);
		f->off.csum_start = (uint16_t)(vh.csum_start + 14);
		f->off.csum_offset = vh.csum_offset;
		w->local_out++;
	}
	return n;
}

/* local frames: replies of a local NAT real server (un-NATed like any
 * NAT reply, its ICMP errors too); the rest is the stack's own traffic
 * that only shares the address and port, sent on unchanged */
static void local_burst(struct dp_worker *w)
{
	static __thread struct dp_frame frames[DP_LOCAL_BURST];
	static __thread struct job jobs[DP_LOCAL_BURST];
	int n = local_read(w, frames, DP_LOCAL_BURST);
	const struct dp_owned *o = w->owned;
	for (int i = 0; i < n; i++) {
		struct job *j = &jobs[i];
		j->f = &frames[i];
		enum dp_reason r = dp_parse(j->f, &j->p);
		if (r != DP_R_OK) {
			w->reason[r]++;
			continue;
		}
		const struct lvs_pkt *k = &j->p.pkt;
		if (k->icmp_error ? dp_owned_is_natrs(o, k->inner.daddr.ip, k->inner.protocol, k->inner.dport)
				  : k->protocol != IPPROTO_ICMP && dp_owned_is_natrs(o, k->saddr.ip, k->protocol, k->sport)) {
			j->dir = 2;
			decide(w, j);
		} else {
			w->reason[dp_local_passthru(w, &j->p, j->f)]++;
		}
	}
}

/* a burst in three passes so that the connection table's cache misses
 * overlap (pkt.h): classify every frame and start loading its hash bucket,
 * then start loading each bucket's first entry, then decide */
static void handle_burst(struct dp_worker *w, struct dp_frame *frames, int n, struct job *jobs)
{
	int nj = 0;
	for (int i = 0; i < n; i++) {
		struct job *j = &jobs[nj];
		j->f = &frames[i];
		j->dir = classify(w, j->f, &j->p);
		if (j->dir) {
			lvs_core_prefetch(w->sh->core, &j->p.pkt, j->dir == 2);
			nj++;
		}
	}
	for (int i = 0; i < nj; i++)
		lvs_core_prefetch2(w->sh->core, &jobs[i].p.pkt, jobs[i].dir == 2);
	for (int i = 0; i < nj; i++)
		decide(w, &jobs[i]);
}

void *dp_worker_main(void *arg)
{
	struct dp_worker *w = arg;
	const struct dp_backend_ops *ops = w->sh->ops;
	struct dp_frame frames[BURST];
	static __thread struct job jobs[BURST];     /* ~10 KB: off the stack */
	struct lvs_epoch_reader *rd;

	/* what the core hands out stays allocated until this worker reports
	 * a quiescent state (core/table.h); the backend goes offline while it
	 * waits for frames */
	if (lvs_epoch_register(lvs_core_epoch(w->sh->core), &rd) < 0)
		return NULL;
	while (!__atomic_load_n(&w->sh->stop, __ATOMIC_ACQUIRE)) {
		/* pick up the newest owned-set snapshot; publishing the version
		 * tells the main thread older snapshots are no longer in use */
		w->owned = __atomic_load_n(&w->sh->owned, __ATOMIC_ACQUIRE);
		__atomic_store_n(&w->owned_seen, w->owned ? w->owned->version : 0, __ATOMIC_RELEASE);

		int n = ops->rx_burst(w->io, frames, BURST,
				      w->npending ? 20 : dp_fp_busy(w) ? DP_FP_EVENT_MS : 100);
		if (n < 0)
			break;
		w->now_ms = lvs_now_ms();
		/* what the fast path reported happened before anything just
		 * received: the core must see it first (fastpath.h) */
		dp_fp_drain(w);
		handle_burst(w, frames, n, jobs);
		/* the TUN queue: always when a local real server exists;
		 * otherwise nothing is routed there, but a wake-up without
		 * frames may still be a leftover, which must be drained */
		if (w->local_fd >= 0 && (n == 0 || __atomic_load_n(&w->sh->local_active, __ATOMIC_RELAXED)))
			local_burst(w);
		if (w->fpw && w->now_ms >= __atomic_load_n(&w->fp_harvest_ms, __ATOMIC_RELAXED)) {
			__atomic_store_n(&w->fp_harvest_ms, w->now_ms + DP_FP_HARVEST_MS, __ATOMIC_RELAXED);
			dp_fp_harvest(w);
		}
		int refused = ops->flush(w->io);
		w->reason[DP_R_TX_ERROR] += (uint64_t)refused;
		dp_worker_flushed(w);
		ops->rx_release(w->io);
		if (w->npending) {
			unsigned gen = nh_generation();
			/* retry when the kernel told us something changed, or
			 * periodically (the cache re-asks at most every 200 ms) */
			if (gen != w->pending_gen || n == 0) {
				w->pending_gen = gen;
				dp_pending_run(w);
				refused = ops->flush(w->io);
				w->reason[DP_R_TX_ERROR] += (uint64_t)refused;
				dp_worker_flushed(w);
			}
		}
		lvs_epoch_quiescent(rd);        /* the burst holds nothing now */
	}
	lvs_epoch_unregister(rd);
	/* drop frames still waiting */
	for (unsigned i = 0; i < w->npending; i++)
		free(w->pending[i].buf);
	w->npending = 0;
	return NULL;
}
