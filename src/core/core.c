/* core.c - the packet decisions (the kernel's ip_vs_in / ip_vs_out /
 * ip_vs_schedule / ip_vs_leave / ip_vs_in_icmp minus packet mangling).
 * See pkt.h for the contract and conn.c for the locking rules; creating
 * the core and its settings and counters are in core_setup.c.  The
 * per-packet path stays in this one file so that its helpers inline.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "conn.h"
#include "table.h"
#include "sched.h"
#include "stats.h"

#define FTPPORT 21
#define FTPDATA 20

void lvs_core_ref_put(struct lvs_core *core, unsigned worker, struct lvs_conn_ref *ref)
{
	/* the ref is a snapshot: nothing is held (see pkt.h) */
	(void)core;
	(void)worker;
	(void)ref;
}

static int prefetch_bucket(const struct lvs_core *core, const struct lvs_pkt *pkt, int outbound, uint32_t *b)
{
	if (!core || !pkt || (pkt->af != AF_INET && pkt->af != AF_INET6) || pkt->icmp_error)
		return 0;
	if (outbound)
		*b = lvs_conn_bucket(core, pkt->af, pkt->protocol, &pkt->daddr, pkt->dport);
	else
		*b = lvs_conn_bucket(core, pkt->af, pkt->protocol, &pkt->saddr, pkt->sport);
	return 1;
}

void lvs_core_prefetch(const struct lvs_core *core, const struct lvs_pkt *pkt, int outbound)
{
	uint32_t b;

	if (prefetch_bucket(core, pkt, outbound, &b))
		lvs_conn_prefetch_bucket(core, b);
}

void lvs_core_prefetch2(const struct lvs_core *core, const struct lvs_pkt *pkt, int outbound)
{
	uint32_t b;

	if (prefetch_bucket(core, pkt, outbound, &b))
		lvs_conn_prefetch_chain(core, b);
}

static void caller_lock(struct lvs_core *core)
{
	if (core->lock.lock)
		core->lock.lock(core->lock.arg);
}

static void caller_unlock(struct lvs_core *core)
{
	if (core->lock.unlock)
		core->lock.unlock(core->lock.arg);
}

/* ---- stats (the kernel's ip_vs_in_stats/ip_vs_out_stats): counted only
 * while the dest is AVAILABLE ---- */

/* A slot has one writer (its worker) and is read by the estimator: a
 * relaxed load + store is enough (no lock prefix) and never tears. */
static inline void slot_add(uint64_t *v, uint64_t n)
{
	__atomic_store_n(v, __atomic_load_n(v, __ATOMIC_RELAXED) + n, __ATOMIC_RELAXED);
}

/* callers checked worker < core->nslots */
static void add_counts(struct lvs_stats *st, unsigned worker, int out, uint64_t pkts, uint64_t bytes)
{
	struct lvs_counters *c;

	if (!st->slots)
		return;
	c = lvs_stats_slot(st, worker);
	if (out) {
		slot_add(&c->outpkts, pkts);
		slot_add(&c->outbytes, bytes);
	} else {
		slot_add(&c->inpkts, pkts);
		slot_add(&c->inbytes, bytes);
	}
}

/* pkts packets of bytes bytes in one direction (offloaded flows report
 * many at once, see lvs_core_offload_touch) */
static void count_packets(struct lvs_core *core, unsigned worker, struct lvs_conn *cp, int out,
			  uint64_t pkts, uint64_t bytes)
{
	struct lvs_dest *dest = lvs_conn_dest(core, cp);
	struct lvs_service *svc;

	if (!dest || worker >= core->nslots ||
	    !(__atomic_load_n(&dest->flags, __ATOMIC_RELAXED) & LVS_DEST_F_AVAILABLE))
		return;
	add_counts(&dest->stats, worker, out, pkts, bytes);
	svc = __atomic_load_n(&dest->svc, __ATOMIC_ACQUIRE);
	if (svc)
		add_counts(&svc->stats, worker, out, pkts, bytes);
	add_counts(core->global_stats, worker, out, pkts, bytes);
}

static void count_packet(struct lvs_core *core, unsigned worker, struct lvs_conn *cp, int out, uint32_t len)
{
	count_packets(core, worker, cp, out, 1, len);
}

/* a new connection: dest, service and global conns++ */
static void count_conn(struct lvs_core *core, unsigned worker, struct lvs_service *svc, struct lvs_dest *dest)
{
	struct lvs_stats *sts[3] = { &dest->stats, &svc->stats, core->global_stats };

	if (worker >= core->nslots)
		return;
	for (int i = 0; i < 3; i++)
		if (sts[i] && sts[i]->slots)
			slot_add(&lvs_stats_slot(sts[i], worker)->conns, 1);
}

/* ---- the answer ---- */

static void fill_ref(const struct lvs_core *core, const struct lvs_conn *cp, struct lvs_conn_ref *out)
{
	memset(out, 0, sizeof(*out));
	out->id = lvs_conn_id(core, cp);
	out->flags = cp->flags;
	out->protocol = cp->protocol;
	out->state = cp->state;
	out->af = lvs_conn_af(cp);
	out->daf = lvs_conn_daf(cp);
	lvs_conn_addrs(core, cp, &out->caddr, &out->vaddr, &out->daddr);
	out->cport = cp->cport;
	out->vport = cp->vport;
	out->dport = cp->dport;
	out->dest = lvs_conn_dest(core, cp);
	if (out->dest) {
		/* a dest edit may change these under the table lock while we
		 * read: each field is read whole, never torn */
		out->dest_datapath = __atomic_load_n(&out->dest->datapath, __ATOMIC_ACQUIRE);
		out->tun_type = __atomic_load_n(&out->dest->tun_type, __ATOMIC_RELAXED);
		out->tun_port = __atomic_load_n(&out->dest->tun_port, __ATOMIC_RELAXED);
		out->tun_flags = __atomic_load_n(&out->dest->tun_flags, __ATOMIC_RELAXED);
	}
}

/* ---- flow offload (pkt.h) ---- */

/* the states in which a connection offloaded from its SYN (setup
 * offload) stays with the fast path: the handshake, the data and the
 * closing exchange.  TIME_WAIT and CLOSE hand it back, so the flow-map
 * entries last as long as the connection carries traffic, not the two
 * minutes the entry lingers afterwards. */
static int setup_state(const struct lvs_conn *cp)
{
	uint8_t state = cp->state;

	if (state == LVS_TCP_S_SYN_RECV || state == LVS_TCP_S_ESTABLISHED)
		return 1;
	/* DR: the director sees the client's side only, and the kernel's
	 * input-only table leaves it in FIN_WAIT for the whole timeout after
	 * the client's FIN; nothing is left to offload by then */
	if ((cp->flags & LVS_CONN_F_FWD_MASK) == LVS_CONN_F_DROUTE)
		return 0;
	return state == LVS_TCP_S_FIN_WAIT || state == LVS_TCP_S_CLOSE_WAIT || state == LVS_TCP_S_LAST_ACK;
}

/* may the datapath forward this entry's packets without asking us?  Only
 * where nothing per packet is left to decide: an ESTABLISHED TCP NAT or DR
 * connection whose non-SYN/FIN/RST segments change nothing but the timer
 * and the counters (setup offload: also the handshake and the closing
 * exchange, whose control segments the datapath reports back one by one).
 * Not while a sync master wants to see the packets, and not to a dest
 * local to the director: its packets go into the local stack and its NAT
 * replies come back out of it, neither of which the fast path can do. */
static int offload_eligible(const struct lvs_core *core, const struct lvs_conn *cp)
{
	const struct lvs_dest *d = lvs_conn_dest(core, cp);
	int state_ok = (cp->fam & LVS_CONN_FAM_SETUP) ? setup_state(cp)
						       : cp->state == LVS_TCP_S_ESTABLISHED;

	return core->set.offload_min_pkts > 0 && cp->protocol == IPPROTO_TCP && state_ok &&
	       ((cp->flags & LVS_CONN_F_FWD_MASK) == LVS_CONN_F_MASQ ||
		(cp->flags & LVS_CONN_F_FWD_MASK) == LVS_CONN_F_DROUTE) &&
	       !(cp->flags & (LVS_CONN_F_TEMPLATE | LVS_CONN_F_ONE_PACKET)) &&
	       !(cp->fam & (LVS_CONN_FAM_V6 | LVS_CONN_FAM_DV6)) && d &&
	       (__atomic_load_n(&d->flags, __ATOMIC_RELAXED) & (LVS_DEST_F_AVAILABLE | LVS_DEST_F_LOCAL)) ==
		       LVS_DEST_F_AVAILABLE &&
	       !__atomic_load_n(&core->sync_hook, __ATOMIC_ACQUIRE);
}

/* after a packet of an existing entry (bucket lock held): hand the flow to
 * the datapath's fast path once it has carried offload_min_pkts inbound
 * packets (short connections are not worth installing), take it back
 * when it stops being eligible (FIN/RST/SYN went through us) */
static void offload_decide(struct lvs_core *core, struct lvs_conn *cp, struct lvs_conn_ref *out)
{
	int ok = offload_eligible(core, cp);

	if (cp->fam & LVS_CONN_FAM_OFFLOAD) {
		if (!ok) {
			cp->fam &= (uint8_t)~(LVS_CONN_FAM_OFFLOAD | LVS_CONN_FAM_SETUP);
			out->offload = LVS_OFFLOAD_STOP;
		}
	} else if (ok && cp->in_pkts + 1 >= core->set.offload_min_pkts) {
		cp->fam &= (uint8_t)~LVS_CONN_FAM_SETUP;
		cp->fam |= LVS_CONN_FAM_OFFLOAD;
		out->offload = LVS_OFFLOAD_START;
	}
}

/* a SYN just created this entry (still private): with offload_setup the
 * fast path takes the whole connection from here (pkt.h, setup offload) */
static void offload_new(struct lvs_core *core, struct lvs_conn *cp, const struct lvs_pkt *pkt,
			struct lvs_conn_ref *out)
{
	if (!core->set.offload_setup || pkt->protocol != IPPROTO_TCP ||
	    (pkt->tcp_flags & (LVS_TCPF_SYN | LVS_TCPF_ACK | LVS_TCPF_FIN | LVS_TCPF_RST)) != LVS_TCPF_SYN)
		return;
	cp->fam |= LVS_CONN_FAM_SETUP;
	if (!offload_eligible(core, cp)) {
		cp->fam &= (uint8_t)~LVS_CONN_FAM_SETUP;
		return;
	}
	cp->fam |= LVS_CONN_FAM_OFFLOAD;
	out->offload = LVS_OFFLOAD_START_SETUP;
}

int lvs_core_offload_touch(struct lvs_core *core, unsigned worker, const struct lvs_offload_report *r,
			   uint64_t now_ms)
{
	uint32_t jnow = lvs_jiffies(now_ms);
	struct lvs_conn *cp;
	uint32_t b;
	int still = 0;

	if (!core || !r || worker >= core->nworkers || (r->af != AF_INET && r->af != AF_INET6))
		return 0;
	b = lvs_conn_bucket(core, r->af, r->protocol, &r->caddr, r->cport);
	lvs_conn_lock_bucket(core, b);
	cp = lvs_conn_find_in_locked(core, b, r->af, r->protocol, &r->caddr, r->cport, &r->vaddr, r->vport, jnow);
	if (cp) {
		/* counted even when the entry was just taken back (STOP): the
		 * fast path carried these before the FIN came through us */
		if (r->in_pkts)
			count_packets(core, worker, cp, 0, r->in_pkts, r->in_bytes);
		if (r->out_pkts)
			count_packets(core, worker, cp, 1, r->out_pkts, r->out_bytes);
		/* what after_in() does per packet, minus the sync hook
		 * (offloaded flows never have one) */
		cp->in_pkts += (uint32_t)r->in_pkts;
	}
	if (cp && (cp->fam & LVS_CONN_FAM_OFFLOAD)) {
		if (offload_eligible(core, cp)) {
			if (r->in_pkts || r->out_pkts)
				lvs_conn_arm(core, b, cp, jnow);   /* the packets refreshed the timer */
			still = 1;
		} else {
			cp->fam &= (uint8_t)~(LVS_CONN_FAM_OFFLOAD | LVS_CONN_FAM_SETUP);
		}
	}
	lvs_conn_unlock_bucket(core, b);
	return still;
}

/* ---- sync: what ip_vs_sync_conn() would send, when sync_threshold /
 * sync_period say so ---- */

static int sync_needed(const struct lvs_core *core, const struct lvs_conn *cp, uint32_t pkts)
{
	uint32_t thr = (uint32_t)core->set.sync_threshold, period = (uint32_t)core->set.sync_period;

	if (cp->flags & LVS_CONN_F_ONE_PACKET)
		return 0;
	if (cp->flags & LVS_CONN_F_TEMPLATE)
		/* templates have no state condition and skip the packet test */
		return period > 0 ? 1 : pkts == thr;
	if (core->set.sync_persist_mode && cp->control)
		return 0;
	if (cp->protocol == IPPROTO_TCP) {
		unsigned m = (1u << LVS_TCP_S_ESTABLISHED) | (1u << LVS_TCP_S_FIN_WAIT) | (1u << LVS_TCP_S_CLOSE) |
			     (1u << LVS_TCP_S_CLOSE_WAIT) | (1u << LVS_TCP_S_TIME_WAIT);
		if (cp->state >= 32 || !((1u << cp->state) & m))
			return 0;
		/* moving to a closing state is sent at once */
		if (cp->state != cp->old_state && cp->state != LVS_TCP_S_ESTABLISHED)
			return 1;
	} else if (cp->protocol == IPPROTO_SCTP) {
		unsigned m = (1u << LVS_SCTP_S_ESTABLISHED) | (1u << LVS_SCTP_S_SHUTDOWN_SENT) |
			     (1u << LVS_SCTP_S_SHUTDOWN_RECEIVED) | (1u << LVS_SCTP_S_SHUTDOWN_ACK_SENT) |
			     (1u << LVS_SCTP_S_CLOSED);
		if (cp->state >= 32 || !((1u << cp->state) & m))
			return 0;
		if (cp->state != cp->old_state && cp->state != LVS_SCTP_S_ESTABLISHED)
			return 1;
	}
	if (period > 0)
		return pkts % period == thr;
	return pkts == thr;
}

/* ---- existing connection processing (bucket lock held) ---- */

/* bucket: the entry's bucket (locked), or LVS_NO_BUCKET if not hashed yet */
static void process_in(struct lvs_core *core, unsigned worker, struct lvs_conn *cp, uint32_t bucket,
		       const struct lvs_pkt *pkt, uint32_t jnow, int dir)
{
	count_packet(core, worker, cp, dir == LVS_DIR_OUTPUT, pkt->len);
	if (cp->protocol == IPPROTO_TCP)
		lvs_tcp_transition(core, cp, dir, pkt->tcp_flags);
	else if (cp->protocol == IPPROTO_SCTP)
		lvs_sctp_transition(core, cp, dir, pkt->sctp_chunk);
	else
		lvs_udp_transition(core, cp, dir);
	if (cp->flags & LVS_CONN_F_ONE_PACKET)
		cp->timeout = 0;
	lvs_conn_arm(core, bucket, cp, jnow);
}

/* after the packet: in_pkts and the sync hook (called without locks) */
static void after_in(struct lvs_core *core, unsigned worker, struct lvs_conn *cp, uint64_t now_ms,
		     struct lvs_conn_sync *se, int *want_sync, struct lvs_conn_sync *te, int *want_tsync)
{
	void (*hook)(void *, unsigned, const struct lvs_conn_sync *) =
		__atomic_load_n(&core->sync_hook, __ATOMIC_ACQUIRE);
	uint32_t pkts;

	*want_sync = *want_tsync = 0;
	if (cp->flags & LVS_CONN_F_ONE_PACKET) {
		pkts = (uint32_t)core->set.sync_threshold;
	} else {
		pkts = ++cp->in_pkts;
	}
	if (!hook)
		return;
	if (sync_needed(core, cp, pkts)) {
		lvs_conn_export(core, cp, now_ms, se);
		*want_sync = 1;
	}
	if (cp->control) {
		/* the template is in another bucket: a racy but harmless read
		 * (it cannot be freed while this conn is linked to it) */
		struct lvs_conn *ct = lvs_conn_get(core, cp->control);
		uint32_t tp = __atomic_add_fetch(&ct->in_pkts, 1, __ATOMIC_RELAXED);
		if (sync_needed(core, ct, tp)) {
			lvs_conn_export(core, ct, now_ms, te);
			*want_tsync = 1;
		}
	}
	(void)worker;
}

static void run_sync_hook(struct lvs_core *core, unsigned worker, const struct lvs_conn_sync *se, int want_sync,
			  const struct lvs_conn_sync *te, int want_tsync)
{
	void (*hook)(void *, unsigned, const struct lvs_conn_sync *) =
		__atomic_load_n(&core->sync_hook, __ATOMIC_ACQUIRE);

	if (!hook)
		return;
	if (want_sync)
		hook(core->sync_arg, worker, se);
	if (want_tsync)
		hook(core->sync_arg, worker, te);
}

/* ---- packet validation ---- */

static int pkt_sane(const struct lvs_core *core, unsigned worker, const struct lvs_pkt *pkt)
{
	return pkt && worker < core->nworkers && (pkt->af == AF_INET || pkt->af == AF_INET6);
}

static int proto_handled(uint8_t p)
{
	return p == IPPROTO_TCP || p == IPPROTO_UDP || p == IPPROTO_SCTP;
}

/* ICMP types relayed to a connection (ip_vs_in_icmp/_v6): IPv4 dest
 * unreachable, source quench, time exceeded; IPv6 every error type */
static int icmp_is_error(int af, uint8_t type)
{
	if (af == AF_INET6)
		return type < 128;
	return type == 3 || type == 4 || type == 11;
}

/* ---- scheduling a new connection (the kernel's ip_vs_schedule + leave) ---- */

enum sched_result { SCHED_OK, SCHED_NO_DEST, SCHED_IGNORE, SCHED_DROP };

struct lvs_dest *lvs_sched_pick_pkt(struct lvs_service *svc, const struct lvs_pkt *pkt, uint64_t now_ms)
{
	const struct lvs_sched_pkt sp = {
		.af = pkt->af, .protocol = pkt->protocol, .saddr = pkt->saddr, .daddr = pkt->daddr,
		.sport = pkt->sport, .dport = pkt->dport, .mark = pkt->mark,
	};

	return lvs_sched_schedule(svc, &sp, now_ms);
}

static enum sched_result schedule_nonpersist(struct lvs_core *core, unsigned worker, struct lvs_service *svc,
					     const struct lvs_pkt *pkt, uint64_t now_ms, struct lvs_conn **out)
{
	struct lvs_dest *dest;
	struct lvs_conn *cp;
	uint32_t flags;

	*out = NULL;
	/* a non-persistent service only takes its own port (port-0 services
	 * need persistence; the FTP fallback needs the ftp helper) */
	if (!svc->fwmark && pkt->dport != svc->port)
		return SCHED_NO_DEST;
	dest = lvs_sched_pick_pkt(svc, pkt, now_ms);
	if (!dest)
		return SCHED_NO_DEST;
	flags = (svc->flags & LVS_SVC_F_ONEPACKET) && pkt->protocol == IPPROTO_UDP ? LVS_CONN_F_ONE_PACKET : 0;
	cp = lvs_conn_new(core, worker, pkt->af, dest->af, pkt->protocol, &pkt->saddr, pkt->sport,
			  &pkt->daddr, pkt->dport, &dest->addr, dest->port ? dest->port : pkt->dport, flags,
			  pkt->mark);
	if (!cp)
		return SCHED_DROP;
	lvs_conn_bind_dest(core, cp, dest);
	*out = cp;
	return SCHED_OK;
}

/* no dest (ip_vs_leave): bypass, pass (ftp), or port unreachable */
static enum lvs_verdict leave(struct lvs_core *core, unsigned worker, struct lvs_service *svc,
			      const struct lvs_pkt *pkt, uint32_t jnow, struct lvs_conn_ref *out)
{
	struct lvs_core_counters *ctr = &core->workers[worker].ctr;

	if (core->set.cache_bypass && svc->fwmark) {
		uint32_t flags = LVS_CONN_F_BYPASS |
				 ((svc->flags & LVS_SVC_F_ONEPACKET) && pkt->protocol == IPPROTO_UDP ?
				  LVS_CONN_F_ONE_PACKET : 0);
		struct lvs_conn *cp = lvs_conn_new(core, worker, pkt->af, pkt->af, pkt->protocol, &pkt->saddr,
						   pkt->sport, &pkt->daddr, pkt->dport, &pkt->daddr, 0, flags,
						   pkt->mark);
		if (!cp) {
			ctr->drop_table_full++;
			return LVS_DROP;
		}
		process_in(core, worker, cp, LVS_NO_BUCKET, pkt, jnow, LVS_DIR_INPUT);
		fill_ref(core, cp, out);
		if (flags & LVS_CONN_F_ONE_PACKET) {
			lvs_conn_release(core, worker, cp, 1);
			out->id = 0;
		} else {
			cp->in_pkts++;
			lvs_conn_hash(core, cp);
		}
		return LVS_FORWARD;
	}
	if (svc->port == FTPPORT && pkt->dport != FTPPORT) {
		ctr->pass_ftp_data++;
		return LVS_PASS;
	}
	ctr->reject_no_dest++;
	return LVS_REJECT;
}

/* is this packet allowed to create a connection? */
static int may_create(const struct lvs_core *core, const struct lvs_pkt *pkt)
{
	if (pkt->protocol == IPPROTO_TCP)
		return ((pkt->tcp_flags & LVS_TCPF_SYN) || core->set.sloppy_tcp) &&
		       !(pkt->tcp_flags & LVS_TCPF_RST);
	if (pkt->protocol == IPPROTO_SCTP)
		return pkt->sctp_chunk != LVS_SCTP_CID_ABORT &&
		       (pkt->sctp_chunk == LVS_SCTP_CID_INIT || core->set.sloppy_sctp);
	return pkt->protocol == IPPROTO_UDP;
}

static enum lvs_verdict schedule_new(struct lvs_core *core, unsigned worker, const struct lvs_pkt *pkt,
				     uint64_t now_ms, struct lvs_conn_ref *out)
{
	struct lvs_core_counters *ctr = &core->workers[worker].ctr;
	uint32_t jnow = lvs_jiffies(now_ms);
	struct lvs_service *svc;
	struct lvs_conn *cp = NULL;
	enum sched_result r;
	enum lvs_verdict v;
	struct lvs_conn_sync se, te;
	int ws, wts;

	if (!may_create(core, pkt)) {
		ctr->pass_no_conn++;
		return LVS_PASS;
	}
	caller_lock(core);
	svc = lvs_svc_find(core->table, pkt->af, pkt->mark, pkt->protocol, &pkt->daddr, pkt->dport);
	if (!svc) {
		caller_unlock(core);
		ctr->pass_not_vs++;
		return LVS_PASS;
	}
	/* never schedule FTP data from the client side (active FTP) */
	if (pkt->sport == FTPDATA) {
		caller_unlock(core);
		ctr->pass_no_conn++;
		return LVS_PASS;
	}
	if (svc->flags & LVS_SVC_F_PERSISTENT) {
		int rc = lvs_persist_schedule(core, worker, svc, pkt, now_ms, &cp);
		r = rc == 0 ? SCHED_OK : rc > 0 ? SCHED_NO_DEST : SCHED_DROP;
	} else {
		r = schedule_nonpersist(core, worker, svc, pkt, now_ms, &cp);
	}
	if (r == SCHED_NO_DEST) {
		v = leave(core, worker, svc, pkt, jnow, out);
		caller_unlock(core);
		return v;
	}
	if (r == SCHED_DROP) {
		caller_unlock(core);
		ctr->drop_table_full++;
		return LVS_DROP;
	}
	count_conn(core, worker, svc, lvs_conn_dest(core, cp));
	ctr->conn_created++;
	/* the entry is still private: process the packet before publishing it */
	process_in(core, worker, cp, LVS_NO_BUCKET, pkt, jnow, LVS_DIR_INPUT);
	fill_ref(core, cp, out);
	offload_new(core, cp, pkt, out);
	after_in(core, worker, cp, now_ms, &se, &ws, &te, &wts);
	if (cp->flags & LVS_CONN_F_ONE_PACKET) {
		/* one-packet scheduling: never hashed, freed right away */
		lvs_conn_release(core, worker, cp, 1);
		out->id = 0;
	} else {
		lvs_conn_hash(core, cp);
	}
	caller_unlock(core);
	run_sync_hook(core, worker, &se, ws, &te, wts);
	return LVS_FORWARD;
}

/* ---- inbound ---- */

/* a packet that opens a connection: TCP SYN, SCTP INIT */
static int is_new_conn(const struct lvs_pkt *pkt)
{
	if (pkt->protocol == IPPROTO_TCP)
		return (pkt->tcp_flags & LVS_TCPF_SYN) != 0;
	if (pkt->protocol == IPPROTO_SCTP)
		return pkt->sctp_chunk == LVS_SCTP_CID_INIT;
	return 0;
}

static int is_new_conn_expected(const struct lvs_core *core, const struct lvs_conn *cp)
{
	if (cp->control)
		return 0;
	if (cp->protocol == IPPROTO_SCTP)
		return cp->state == LVS_SCTP_S_CLOSED;
	if (cp->protocol != IPPROTO_TCP)
		return 0;
	return cp->state == LVS_TCP_S_TIME_WAIT || cp->state == LVS_TCP_S_CLOSE ||
	       ((core->set.conn_reuse_mode & 2) && cp->state == LVS_TCP_S_FIN_WAIT &&
		(cp->flags & LVS_CONN_F_NOOUTPUT));
}

/* An ICMP error about a packet of one of our connections.  From the client
 * side (outbound 0) the quoted packet is one of our replies, VIP -> client,
 * so the client is its destination; from the real-server side (outbound 1)
 * it is one we sent, client -> RS, so the client is its source. */
static enum lvs_verdict icmp_related(struct lvs_core *core, unsigned worker, const struct lvs_pkt *pkt,
				     uint64_t now_ms, struct lvs_conn_ref *out, int outbound)
{
	const struct lvs_pkt_inner *in = &pkt->inner;
	uint32_t jnow = lvs_jiffies(now_ms);
	struct lvs_conn *cp;
	uint32_t b;

	if (!icmp_is_error(pkt->af, pkt->icmp_type) || !proto_handled(in->protocol)) {
		core->workers[worker].ctr.pass_icmp_no_conn++;
		return LVS_PASS;
	}
	if (outbound) {
		b = lvs_conn_bucket(core, pkt->af, in->protocol, &in->saddr, in->sport);
		lvs_conn_lock_bucket(core, b);
		cp = lvs_conn_find_out_locked(core, b, pkt->af, in->protocol, &in->saddr, in->sport,
					      &in->daddr, in->dport, jnow);
	} else {
		b = lvs_conn_bucket(core, pkt->af, in->protocol, &in->daddr, in->dport);
		lvs_conn_lock_bucket(core, b);
		cp = lvs_conn_find_in_locked(core, b, pkt->af, in->protocol, &in->daddr, in->dport,
					     &in->saddr, in->sport, jnow);
	}
	if (!cp) {
		lvs_conn_unlock_bucket(core, b);
		core->workers[worker].ctr.pass_icmp_no_conn++;
		return LVS_PASS;
	}
	count_packet(core, worker, cp, outbound, pkt->len);
	fill_ref(core, cp, out);
	lvs_conn_unlock_bucket(core, b);
	return LVS_FORWARD;
}

/* What both directions do first: clear *out, drop what is malformed, hand
 * ICMP errors to icmp_related and pass protocols IPVS does not handle.
 * Returns 1 with the verdict in *v when the packet is done with. */
static int entry_checks(struct lvs_core *core, unsigned worker, const struct lvs_pkt *pkt, uint64_t now_ms,
			struct lvs_conn_ref *out, int outbound, enum lvs_verdict *v)
{
	*v = LVS_DROP;
	if (!core || !out)
		return 1;
	out->id = 0;
	out->dest = NULL;
	out->dest_datapath = NULL;
	out->offload = LVS_OFFLOAD_NONE;
	if (!pkt_sane(core, worker, pkt)) {
		if (worker < core->nworkers)
			core->workers[worker].ctr.drop_invalid++;
		return 1;
	}
	if (pkt->icmp_error) {
		*v = icmp_related(core, worker, pkt, now_ms, out, outbound);
		return 1;
	}
	if (!proto_handled(pkt->protocol)) {
		core->workers[worker].ctr.pass_not_vs++;
		*v = LVS_PASS;
		return 1;
	}
	return 0;
}

/* the entry of pkt in direction dir (LVS_DIR_INPUT: keyed by the client
 * side, else by the real server side), with its bucket *b locked */
static struct lvs_conn *conn_lookup(struct lvs_core *core, const struct lvs_pkt *pkt, int dir, uint32_t jnow,
				    uint32_t *b)
{
	if (dir == LVS_DIR_INPUT) {
		*b = lvs_conn_bucket(core, pkt->af, pkt->protocol, &pkt->saddr, pkt->sport);
		lvs_conn_lock_bucket(core, *b);
		return lvs_conn_find_in_locked(core, *b, pkt->af, pkt->protocol, &pkt->saddr, pkt->sport,
					       &pkt->daddr, pkt->dport, jnow);
	}
	*b = lvs_conn_bucket(core, pkt->af, pkt->protocol, &pkt->daddr, pkt->dport);
	lvs_conn_lock_bucket(core, *b);
	return lvs_conn_find_out_locked(core, *b, pkt->af, pkt->protocol, &pkt->daddr, pkt->dport, &pkt->saddr,
					pkt->sport, jnow);
}

/* a packet of a known connection: state, then what the caller forwards */
static void conn_hit(struct lvs_core *core, unsigned worker, struct lvs_conn *cp, uint32_t b,
		     const struct lvs_pkt *pkt, uint32_t jnow, int dir, struct lvs_conn_ref *out)
{
	process_in(core, worker, cp, b, pkt, jnow, dir);
	fill_ref(core, cp, out);
	offload_decide(core, cp, out);
}

enum lvs_verdict lvs_core_inbound(struct lvs_core *core, unsigned worker, const struct lvs_pkt *pkt,
				  uint64_t now_ms, struct lvs_conn_ref *out)
{
	uint32_t jnow = lvs_jiffies(now_ms);
	struct lvs_conn *cp, *dead = NULL;
	struct lvs_conn_sync se, te;
	struct lvs_core_counters *ctr;
	int ws, wts;
	enum lvs_verdict v;
	uint32_t b;

	if (entry_checks(core, worker, pkt, now_ms, out, 0, &v))
		return v;
	ctr = &core->workers[worker].ctr;
	cp = conn_lookup(core, pkt, LVS_DIR_INPUT, jnow, &b);
	if (cp && core->set.conn_reuse_mode && is_new_conn(pkt)) {
		/* port reuse: a SYN on a finished entry (or one whose dest is
		 * quiescent with expire_nodest_conn) starts a new connection */
		int resched = 0;

		if (core->set.expire_nodest_conn && lvs_conn_dest(core, cp) &&
		    __atomic_load_n(&lvs_conn_dest(core, cp)->weight, __ATOMIC_RELAXED) == 0)
			resched = 1;
		else if (is_new_conn_expected(core, cp))
			resched = 1;
		if (resched) {
			if (!__atomic_load_n(&cp->n_control, __ATOMIC_RELAXED)) {
				lvs_conn_unhash_locked(core, b, cp);
				dead = cp;
			}
			ctr->conn_reused++;
			cp = NULL;
		}
	}
	if (cp && lvs_conn_dest(core, cp) &&
	    !(__atomic_load_n(&lvs_conn_dest(core, cp)->flags, __ATOMIC_RELAXED) & LVS_DEST_F_AVAILABLE)) {
		if (core->set.expire_nodest_conn && !__atomic_load_n(&cp->n_control, __ATOMIC_RELAXED)) {
			lvs_conn_unhash_locked(core, b, cp);
			dead = cp;
			cp = NULL;
			ctr->conn_reused++;
		} else {
			lvs_conn_unlock_bucket(core, b);
			ctr->drop_dest_unavailable++;
			return LVS_DROP;
		}
	}
	if (cp) {
		conn_hit(core, worker, cp, b, pkt, jnow, LVS_DIR_INPUT, out);
		after_in(core, worker, cp, now_ms, &se, &ws, &te, &wts);
		lvs_conn_unlock_bucket(core, b);
		run_sync_hook(core, worker, &se, ws, &te, wts);
		return LVS_FORWARD;
	}
	lvs_conn_unlock_bucket(core, b);
	if (dead)
		lvs_conn_release(core, worker, dead, 0);
	return schedule_new(core, worker, pkt, now_ms, out);
}

/* ---- outbound ---- */

/* nat_icmp_send: does the source belong to a NAT real server? (table lock held) */
static int is_nat_real_server(struct lvs_core *core, int af, uint8_t protocol, const union lvs_addr *a, uint16_t port)
{
	for (struct lvs_service *svc = lvs_svc_first(core->table); svc; svc = lvs_svc_next(core->table, svc)) {
		struct lvs_dest *d;

		if (!svc->fwmark && svc->protocol != protocol)
			continue;
		lvs_list_for_each_entry(d, &svc->destinations, n_list) {
			if (d->af == af && (d->conn_flags & LVS_CONN_F_FWD_MASK) == LVS_CONN_F_MASQ &&
			    d->port == port && lvs_addr_equal(af, &d->addr, a))
				return 1;
		}
	}
	return 0;
}

enum lvs_verdict lvs_core_outbound(struct lvs_core *core, unsigned worker, const struct lvs_pkt *pkt,
				   uint64_t now_ms, struct lvs_conn_ref *out)
{
	uint32_t jnow = lvs_jiffies(now_ms), b;
	struct lvs_conn *cp;
	enum lvs_verdict v;

	if (entry_checks(core, worker, pkt, now_ms, out, 1, &v))
		return v;
	cp = conn_lookup(core, pkt, LVS_DIR_OUTPUT, jnow, &b);
	if (cp) {
		conn_hit(core, worker, cp, b, pkt, jnow, LVS_DIR_OUTPUT, out);
		lvs_conn_unlock_bucket(core, b);
		return LVS_FORWARD;
	}
	lvs_conn_unlock_bucket(core, b);

	if (core->set.nat_icmp_send &&
	    !(pkt->protocol == IPPROTO_TCP && (pkt->tcp_flags & LVS_TCPF_RST)) &&
	    !(pkt->protocol == IPPROTO_SCTP && pkt->sctp_chunk == LVS_SCTP_CID_ABORT)) {
		int rs;

		caller_lock(core);
		rs = is_nat_real_server(core, pkt->af, pkt->protocol, &pkt->saddr, pkt->sport);
		caller_unlock(core);
		if (rs) {
			core->workers[worker].ctr.drop_nat_icmp++;
			return LVS_REJECT;
		}
	}
	core->workers[worker].ctr.pass_no_conn++;
	return LVS_PASS;
}
