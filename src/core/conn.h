/* conn.h - the connection table (the kernel's ip_vs_conn.c): inspection,
 * text views, sync export/import.  The packet path is in pkt.h.
 *
 * Contract:
 *  - Everything here may be called from any thread, concurrently with the
 *    workers (bucket locks are taken one at a time; views are therefore a
 *    consistent snapshot per bucket, not of the whole table, like /proc).
 *  - Functions that bind or unbind dests (import, flush) take the caller's
 *    table lock through the callbacks given to lvs_core_new(); the caller
 *    must not hold it.
 *  - Text views are /proc/net/ip_vs_conn as ip_vs_conn_seq_show prints it,
 *    byte for byte (expiry = whole seconds left, truncated).
 */
#ifndef LVS_CONN_H
#define LVS_CONN_H

#include <stddef.h>
#include <stdint.h>
#include "conn-t.h"
#include "pkt.h"

struct strbuf;

/* entries in the table (connections + templates) */
size_t lvs_core_conn_count(const struct lvs_core *core);

/* /proc/net/ip_vs_conn: header line + one line per entry */
void lvs_core_conn_proc(struct lvs_core *core, struct strbuf *sb, uint64_t now_ms);
/* /proc/net/ip_vs_conn_sync: same entries with the Origin column */
void lvs_core_conn_sync_proc(struct lvs_core *core, struct strbuf *sb, uint64_t now_ms);

/* call cb for every entry (flat form, timeout = seconds LEFT); stops when cb
 * returns non-zero (that value is returned) */
int lvs_core_conn_foreach(struct lvs_core *core, uint64_t now_ms,
			  int (*cb)(void *arg, const struct lvs_conn_sync *e), void *arg);

/* flat form of one entry (what the sync hook receives) */
void lvs_conn_export(const struct lvs_core *core, const struct lvs_conn *cp, uint64_t now_ms,
		     struct lvs_conn_sync *out);

/* backup side of sync (the kernel's ip_vs_proc_conn, made stricter): create or update the entry described by
 * e, bound to the dest it names in its virtual service.  Stricter than the
 * kernel (conn_proc.c says how): a connection (not a template) naming no
 * service or no dest of its service is refused, and the timeout is at most
 * the one the entry would get here (timeout 0: that one).  0, or -EINVAL
 * (bad entry), -ENOENT (no such service), -EADDRNOTAVAIL (not one of its
 * dests), -ENOMEM (table full); every refusal, and every cut timeout, is
 * counted by reason (lvs_core_sync_import_counts). */
int lvs_conn_import(struct lvs_core *core, const struct lvs_conn_sync *e, uint64_t now_ms);

/* a template's timeout limit when it has no persistent service here: the
 * kernel's timeout for a template a sync v0 message announces */
#define LVS_SYNC_TMPL_TIMEOUT 180

/* lvs_conn_import()'s counts since the core was made, by reason, and the
 * name of each reason for views ("import_no_dest", ...) */
void lvs_core_sync_import_counts(const struct lvs_core *core, uint64_t out[LVS_SYNC_IMPORT_COUNT]);
extern const char *const lvs_sync_import_names[LVS_SYNC_IMPORT_COUNT];

/* the timeout (seconds) of a protocol state as the table is configured now:
 * what a sync v0 entry (which carries no timeout) gets; templates 180 s */
uint32_t lvs_core_state_timeout(const struct lvs_core *core, uint8_t protocol, uint8_t state, int is_template);

/* find an entry by its inbound key (tests, tools); templates: cport 0 and
 * LVS_CONN_F_TEMPLATE in `want_flags`.  Returns 1 and fills *out if found. */
int lvs_core_conn_find(struct lvs_core *core, int af, uint8_t protocol,
		       const union lvs_addr *caddr, uint16_t cport,
		       const union lvs_addr *vaddr, uint16_t vport, uint32_t want_flags,
		       uint64_t now_ms, struct lvs_conn_sync *out);

/* expire_nodest_conn=1 (ip_vs_in() and the kernel's dest-deletion
 * work): after dests were removed, drop every
 * entry bound to a dest that is no longer AVAILABLE (unless it controls
 * others); a template left without conns by this goes at the next tick.
 * The kernel does this from a work queue when a dest is deleted; the
 * daemon calls it after lvs_del_dest/lvs_del_service/lvs_flush. */
void lvs_core_expire_nodest(struct lvs_core *core, uint64_t now_ms);
/* the same for one dest only (an operator's maint, table.h), whatever
 * expire_nodest_conn says; dest is only compared, never followed, so the
 * caller need not hold the table lock */
void lvs_core_expire_dest(struct lvs_core *core, const struct lvs_dest *dest, uint64_t now_ms);

/* expire every entry now (teardown, tests); dest references are dropped */
void lvs_core_conn_flush(struct lvs_core *core);

/* protocol and state names as /proc shows them */
const char *lvs_proto_name(uint8_t protocol, char buf[8]);
const char *lvs_conn_state_name(uint8_t protocol, uint32_t flags, uint8_t state);

/* ==== internal to src/core (conn.c, core.c, persist.c, proto_*.c) ==== */

/* time: the core counts in "jiffies" of 4 ms (HZ 250, like the kernel),
 * 32 bits, compared wrap-safely; timeouts are limited to 31 days */
#define LVS_MS_PER_J 4u
static inline uint32_t lvs_jiffies(uint64_t now_ms) { return (uint32_t)(now_ms / LVS_MS_PER_J); }
static inline int lvs_j_reached(uint32_t jnow, uint32_t when) { return (int32_t)(jnow - when) >= 0; }

static inline struct lvs_conn *lvs_conn_get(const struct lvs_core *core, uint32_t id)
{
	return &core->conns[id];
}
static inline uint32_t lvs_conn_id(const struct lvs_core *core, const struct lvs_conn *cp)
{
	return (uint32_t)(cp - core->conns);
}

/* the conn's addresses (IPv4 inline or through the IPv6 extension) */
int lvs_conn_af(const struct lvs_conn *cp);
int lvs_conn_daf(const struct lvs_conn *cp);
void lvs_conn_addrs(const struct lvs_core *core, const struct lvs_conn *cp,
		    union lvs_addr *caddr, union lvs_addr *vaddr, union lvs_addr *daddr);

/* hash bucket of the key (protocol, client address, client port): one
 * 64x64->128-bit multiply of the seeded key by a constant, high and low
 * halves folded (wyhash's "mum": every key bit reaches every output bit),
 * its top 32 bits scaled onto the bucket count.  Cheap enough that the datapath's three stages
 * (prefetch, prefetch2, lookup) can each recompute it.  IPv6 addresses are
 * folded to 64 bits first by the same step. */
static inline uint64_t lvs_conn_mum(uint64_t a, uint64_t b)
{
	__uint128_t m = (__uint128_t)a * b;

	return (uint64_t)(m >> 64) ^ (uint64_t)m;
}

static inline uint32_t lvs_conn_bucket(const struct lvs_core *core, int af, uint8_t protocol,
				       const union lvs_addr *caddr, uint16_t cport)
{
	uint64_t k = (uint64_t)caddr->ip << 32;

	if (af == AF_INET6)
		k = lvs_conn_mum(((uint64_t)caddr->w[0] << 32 | caddr->w[1]) ^ core->hash_seed,
				 ((uint64_t)caddr->w[2] << 32 | caddr->w[3]) ^ 0xe7037ed1a0b428dbull);
	k ^= (uint64_t)cport << 16 | protocol;
	/* the top 32 bits scaled to [0, nbuckets) (Lemire's fast range) */
	return (uint32_t)(((lvs_conn_mum(k ^ core->hash_seed, 0xa0761d6478bd642full) >> 32) * core->nbuckets) >> 32);
}

/* a whole group shares one stripe lock (so its expiry bound is guarded by
 * it); test-and-test-and-set, inline */
static inline uint32_t *lvs_conn_bucket_lockword(struct lvs_core *core, uint32_t bucket)
{
	return &core->stripes[(bucket >> LVS_CONN_GROUP_SHIFT) & core->stripe_mask].lock;
}

static inline void lvs_conn_lock_bucket(struct lvs_core *core, uint32_t bucket)
{
	uint32_t *l = lvs_conn_bucket_lockword(core, bucket);

	while (__atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE)) {
		while (__atomic_load_n(l, __ATOMIC_RELAXED)) {
#if defined(__x86_64__) || defined(__i386__)
			__builtin_ia32_pause();
#endif
		}
	}
}

static inline void lvs_conn_unlock_bucket(struct lvs_core *core, uint32_t bucket)
{
	__atomic_store_n(lvs_conn_bucket_lockword(core, bucket), 0, __ATOMIC_RELEASE);
}

/* lookups, bucket lock held; entries whose time is up (and which control
 * nothing) are invisible */
struct lvs_conn *lvs_conn_find_in_locked(struct lvs_core *core, uint32_t bucket, int af, uint8_t protocol,
					 const union lvs_addr *caddr, uint16_t cport,
					 const union lvs_addr *vaddr, uint16_t vport, uint32_t jnow);
/* reply direction: packet source = (raddr, rport), destination = client */
struct lvs_conn *lvs_conn_find_out_locked(struct lvs_core *core, uint32_t bucket, int af, uint8_t protocol,
					  const union lvs_addr *caddr, uint16_t cport,
					  const union lvs_addr *raddr, uint16_t rport, uint32_t jnow);
/* templates (an invalidated one has vport 0xFFFF and no longer matches) */
struct lvs_conn *lvs_conn_find_tmpl_locked(struct lvs_core *core, uint32_t bucket, int af, uint8_t protocol,
					   const union lvs_addr *caddr, const union lvs_addr *vaddr,
					   uint16_t vport, uint32_t jnow);

/* a new entry, not hashed, not bound: all fields zero except the key.
 * worker < nworkers uses that worker's free-id cache; (unsigned)-1 = pool.
 * NULL when the table is full. */
struct lvs_conn *lvs_conn_new(struct lvs_core *core, unsigned worker, int af, int daf, uint8_t protocol,
			      const union lvs_addr *caddr, uint16_t cport,
			      const union lvs_addr *vaddr, uint16_t vport,
			      const union lvs_addr *daddr, uint16_t dport, uint32_t flags, uint32_t fwmark);
/* bind to dest: takes a dest reference (call under the table lock), flags
 * |= method | INACTIVE | NOOUTPUT (non-NAT), counters, OVERLOAD */
void lvs_conn_bind_dest(struct lvs_core *core, struct lvs_conn *cp, struct lvs_dest *dest);
/* hash it (takes the bucket lock) */
void lvs_conn_hash(struct lvs_core *core, struct lvs_conn *cp);
/* unlink from its bucket (bucket lock held) */
void lvs_conn_unhash_locked(struct lvs_core *core, uint32_t bucket, struct lvs_conn *cp);
/* final release of an unhashed entry: control--, counters, dest put (takes
 * the table lock unless table_locked), id back to the worker/pool */
void lvs_conn_release(struct lvs_core *core, unsigned worker, struct lvs_conn *cp, int table_locked);
/* the same without the dest put: returns the dest index whose reference
 * the caller must drop with lvs_conn_dest_put() under the table lock (or 0) */
uint32_t lvs_conn_release_nodest(struct lvs_core *core, unsigned worker, struct lvs_conn *cp);
void lvs_conn_dest_put(struct lvs_core *core, uint32_t dest_idx);

/* stage 1 of the datapath's prefetch: bucket b's line */
static inline void lvs_conn_prefetch_bucket(const struct lvs_core *core, uint32_t b)
{
	__builtin_prefetch(&core->conns[b].bucket_head, 0, 3);
}

/* stage 2: start loading the first two entries of bucket b's chain (an
 * unlocked peek: at worst a useless prefetch) */
static inline void lvs_conn_prefetch_chain(const struct lvs_core *core, uint32_t b)
{
	uint32_t id = __atomic_load_n(&core->conns[b].bucket_head, __ATOMIC_RELAXED);
	uint32_t id2 = __atomic_load_n(&core->conns[b].bucket_second, __ATOMIC_RELAXED);

	if (id && id <= core->cap)
		__builtin_prefetch(&core->conns[id], 1, 3);
	if (id2 && id2 <= core->cap)
		__builtin_prefetch(&core->conns[id2], 1, 3);
}

/* bucket b's chain head */
static inline uint32_t *lvs_conn_bucket_head(struct lvs_core *core, uint32_t b)
{
	return &core->conns[b].bucket_head;
}

/* after the chain of b changed below its head (lock held): the copy of
 * the head's successor the prefetch reads */
static inline void lvs_conn_bucket_fix_second(struct lvs_core *core, uint32_t b)
{
	uint32_t h = core->conns[b].bucket_head;

	__atomic_store_n(&core->conns[b].bucket_second, h ? core->conns[h].hnext : 0, __ATOMIC_RELAXED);
}

/* the bucket a hashed entry is in (conn.c) */
uint32_t lvs_conn_bucket_of(const struct lvs_core *core, const struct lvs_conn *cp);

/* the dest an entry is bound to (NULL: none).  The slot cannot change
 * while the entry holds it, so no lock is needed to read it. */
static inline struct lvs_dest *lvs_conn_dest(const struct lvs_core *core, const struct lvs_conn *cp)
{
	uint32_t i = cp->dest_idx;

	if (!i)
		return NULL;
	return core->dslots[i >> LVS_DSLOT_CHUNK_SHIFT][i & ((1u << LVS_DSLOT_CHUNK_SHIFT) - 1)].dest;
}

/* the skb mark the entry was created with (sync v1), 0 if none */
static inline uint32_t lvs_conn_fwmark(const struct lvs_core *core, const struct lvs_conn *cp)
{
	return (cp->fam & LVS_CONN_FAM_MARK) ? core->fwmarks[cp - core->conns] : 0;
}

/* lower the expiry bound of bucket (its lock held) and, if that moved,
 * of its summary (shared by several locks: an atomic minimum) */
static inline void lvs_conn_note_expiry(struct lvs_core *core, uint32_t bucket, uint32_t e)
{
	uint32_t *bmin = &core->conns[bucket].bucket_min;
	uint32_t *smin, cur;

	if ((int32_t)(e - *bmin) >= 0)
		return;
	__atomic_store_n(bmin, e, __ATOMIC_RELAXED);
	smin = &core->summary_min[bucket >> LVS_CONN_SUMMARY_SHIFT];
	cur = __atomic_load_n(smin, __ATOMIC_RELAXED);
	/* release: a sweep that exchanges the summary afterwards sees the
	 * bucket bound stored above */
	while ((int32_t)(e - cur) < 0 &&
	       !__atomic_compare_exchange_n(smin, &cur, e, 1, __ATOMIC_RELEASE, __ATOMIC_RELAXED))
		;
}

/* arm the entry's timer: expires = now + timeout.  bucket = the entry's
 * bucket (its lock held) so that the expiry bounds follow, or
 * LVS_NO_BUCKET for an entry not hashed yet (lvs_conn_hash notes it). */
#define LVS_NO_BUCKET 0xffffffffu
static inline void lvs_conn_arm(struct lvs_core *core, uint32_t bucket, struct lvs_conn *cp, uint32_t jnow)
{
	uint32_t e = jnow + cp->timeout / LVS_MS_PER_J;

	__atomic_store_n(&cp->expires, e, __ATOMIC_RELAXED);
	if (bucket != LVS_NO_BUCKET)
		lvs_conn_note_expiry(core, bucket, e);
}

/* dest counters when a conn moves between active and inactive */
void lvs_conn_set_active(struct lvs_core *core, struct lvs_conn *cp, int active);

/* table setup (conn.c) */
int lvs_conn_table_init(struct lvs_core *core, size_t max_conns);
void lvs_conn_table_destroy(struct lvs_core *core);

/* protocol state machines (proto_tcp.c / proto_udp.c): update cp->state,
 * cp->timeout, active/inactive, template ASSURED.  dir: 0 input, 1 output */
#define LVS_DIR_INPUT  0
#define LVS_DIR_OUTPUT 1
void lvs_tcp_transition(struct lvs_core *core, struct lvs_conn *cp, int dir, uint8_t tcp_flags);
void lvs_udp_transition(struct lvs_core *core, struct lvs_conn *cp, int dir);
uint32_t lvs_tcp_timeout_ms(const struct lvs_core *core, uint8_t state);
void lvs_sctp_transition(struct lvs_core *core, struct lvs_conn *cp, int dir, uint8_t chunk);
const char *lvs_sctp_state_name(uint8_t state);
/* mark the controlling template ASSURED */
void lvs_conn_assure_control(struct lvs_core *core, struct lvs_conn *cp);

/* persistence (persist.c), called under the table lock: schedule a new
 * connection of a persistent service.  0 = *out created (not hashed),
 * 1 = no dest (caller leaves: reject/pass), -1 = drop (table full) */
struct lvs_service;
int lvs_persist_schedule(struct lvs_core *core, unsigned worker, struct lvs_service *svc,
			 const struct lvs_pkt *pkt, uint64_t now_ms, struct lvs_conn **out);
/* the service scheduler's dest for pkt, or NULL (none, or no scheduler) (core.c) */
struct lvs_dest *lvs_sched_pick_pkt(struct lvs_service *svc, const struct lvs_pkt *pkt, uint64_t now_ms);

#endif
