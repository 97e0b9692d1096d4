/* conn.c - the connection table: preallocated 64-byte entries indexed by
 * 32-bit ids, one hash chain per entry keyed on (protocol, client address,
 * client port) like the kernel, 8-byte buckets (chain head + its second
 * entry, for prefetching; about one bucket per entry), striped
 * spinlocks shared by groups of LVS_CONN_GROUP consecutive buckets,
 * per-worker free-id caches, expiry by an incremental sweep
 * (lvs_core_tick) that visits every group once a second but only locks
 * and walks its chains when the group's expiry bound says something in it
 * may be due (no per-entry timers: a packet just stores the new expiry
 * time, and lowers the bound if needed).
 *
 * Locking rules (see pkt.h for the caller's side):
 *  - an entry's fields are changed under its bucket's stripe lock, except
 *    n_control, expires and a template's state, which other entries'
 *    operations touch with atomics (a template lives in another bucket and
 *    we never hold two stripe locks: no lock-order problems);
 *  - the caller's table lock may be taken BEFORE a stripe lock, never after:
 *    entries are unlinked under the stripe lock and their dest reference is
 *    dropped afterwards under the table lock;
 *  - an entry that controls others (n_control > 0) is never freed, so a
 *    conn may always touch its template through cp->control.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "conn.h"
#include "table.h"

#define LVS_STRIPES_MAX 1024

_Static_assert(sizeof(struct lvs_conn) == 64, "an IPv4 connection entry is one cache line");

/* ---- addresses ---- */

int lvs_conn_af(const struct lvs_conn *cp)
{
	return (cp->fam & LVS_CONN_FAM_V6) ? AF_INET6 : AF_INET;
}

int lvs_conn_daf(const struct lvs_conn *cp)
{
	return (cp->fam & LVS_CONN_FAM_DV6) ? AF_INET6 : AF_INET;
}

void lvs_conn_addrs(const struct lvs_core *core, const struct lvs_conn *cp,
		    union lvs_addr *caddr, union lvs_addr *vaddr, union lvs_addr *daddr)
{
	if (cp->ext) {
		const struct lvs_conn_ext *x = &core->ext[cp->ext];
		if (caddr)
			*caddr = x->caddr;
		if (vaddr)
			*vaddr = x->vaddr;
		if (daddr)
			*daddr = x->daddr;
		return;
	}
	if (caddr) {
		memset(caddr, 0, sizeof(*caddr));
		caddr->ip = cp->caddr;
	}
	if (vaddr) {
		memset(vaddr, 0, sizeof(*vaddr));
		vaddr->ip = cp->vaddr;
	}
	if (daddr) {
		memset(daddr, 0, sizeof(*daddr));
		daddr->ip = cp->daddr;
	}
}

static int addr_eq(int af, const union lvs_addr *a, const union lvs_addr *b)
{
	return lvs_addr_equal(af, a, b);
}

/* ---- hashing (lvs_conn_bucket and the stripe locks are inline in conn.h) ---- */

/* after the chain of b changed below its head (lock held) */
static void bucket_fix_second(struct lvs_core *core, uint32_t b)
{
	uint32_t h = core->buckets[b].head;

	__atomic_store_n(&core->buckets[b].second, h ? core->conns[h].hnext : 0, __ATOMIC_RELAXED);
}

/* lower the expiry bound of bucket's group to e if needed (lock held) */
static void group_note_expiry(struct lvs_core *core, uint32_t bucket, uint32_t e)
{
	uint32_t *min = &core->group_min[bucket >> LVS_CONN_GROUP_SHIFT];

	if ((int32_t)(e - *min) < 0)
		__atomic_store_n(min, e, __ATOMIC_RELAXED);
}

static uint32_t conn_bucket_of(const struct lvs_core *core, const struct lvs_conn *cp)
{
	union lvs_addr c;

	lvs_conn_addrs(core, cp, &c, NULL, NULL);
	return lvs_conn_bucket(core, lvs_conn_af(cp), cp->protocol, &c, cp->cport);
}

/* an entry is visible while its time is not up, or while it controls
 * others (the sweep will re-arm it for 60 s, as the kernel's timer does) */
static int conn_alive(const struct lvs_conn *cp, uint32_t jnow)
{
	if (!lvs_j_reached(jnow, __atomic_load_n(&cp->expires, __ATOMIC_RELAXED)))
		return 1;
	return __atomic_load_n(&cp->n_control, __ATOMIC_RELAXED) != 0;
}

/* IPv4 entries compare inline; anything else through the extension */
static int conn_match_key(const struct lvs_core *core, const struct lvs_conn *cp, int af,
			  const union lvs_addr *caddr, const union lvs_addr *vaddr, uint16_t vport)
{
	if (cp->vport != vport || lvs_conn_af(cp) != af)
		return 0;
	if (!cp->ext)
		return cp->caddr == caddr->ip && cp->vaddr == vaddr->ip;
	return addr_eq(af, &core->ext[cp->ext].caddr, caddr) &&
	       addr_eq(cp->protocol == IPPROTO_IP ? AF_INET : af, &core->ext[cp->ext].vaddr, vaddr);
}

struct lvs_conn *lvs_conn_find_in_locked(struct lvs_core *core, uint32_t bucket, int af, uint8_t protocol,
					 const union lvs_addr *caddr, uint16_t cport,
					 const union lvs_addr *vaddr, uint16_t vport, uint32_t jnow)
{
	for (uint32_t id = core->buckets[bucket].head; id; id = core->conns[id].hnext) {
		struct lvs_conn *cp = &core->conns[id];

		if (cp->cport != cport || cp->protocol != protocol ||
		    (cp->flags & LVS_CONN_F_TEMPLATE))
			continue;
		if (conn_match_key(core, cp, af, caddr, vaddr, vport) && conn_alive(cp, jnow))
			return cp;
	}
	return NULL;
}

struct lvs_conn *lvs_conn_find_out_locked(struct lvs_core *core, uint32_t bucket, int af, uint8_t protocol,
					  const union lvs_addr *caddr, uint16_t cport,
					  const union lvs_addr *raddr, uint16_t rport, uint32_t jnow)
{
	for (uint32_t id = core->buckets[bucket].head; id; id = core->conns[id].hnext) {
		struct lvs_conn *cp = &core->conns[id];

		if (cp->cport != cport || cp->dport != rport || cp->protocol != protocol ||
		    (cp->flags & LVS_CONN_F_TEMPLATE) || lvs_conn_af(cp) != af || lvs_conn_daf(cp) != af)
			continue;
		if (!cp->ext) {
			if (cp->caddr != caddr->ip || cp->daddr != raddr->ip)
				continue;
		} else if (!addr_eq(af, &core->ext[cp->ext].caddr, caddr) ||
			   !addr_eq(af, &core->ext[cp->ext].daddr, raddr)) {
			continue;
		}
		if (conn_alive(cp, jnow))
			return cp;
	}
	return NULL;
}

struct lvs_conn *lvs_conn_find_tmpl_locked(struct lvs_core *core, uint32_t bucket, int af, uint8_t protocol,
					   const union lvs_addr *caddr, const union lvs_addr *vaddr,
					   uint16_t vport, uint32_t jnow)
{
	for (uint32_t id = core->buckets[bucket].head; id; id = core->conns[id].hnext) {
		struct lvs_conn *cp = &core->conns[id];

		if (!(cp->flags & LVS_CONN_F_TEMPLATE) || cp->protocol != protocol || cp->cport != 0)
			continue;
		if (conn_match_key(core, cp, af, caddr, vaddr, vport) && conn_alive(cp, jnow))
			return cp;
	}
	return NULL;
}

/* ---- allocation ---- */

/* pool_lock held: one id from the free list or never-used ids */
static uint32_t pool_take(struct lvs_core *core)
{
	uint32_t id = core->free_head;

	if (id) {
		core->free_head = core->conns[id].hnext;
		return id;
	}
	if (core->next_fresh <= core->cap)
		return core->next_fresh++;
	return 0;
}

static uint32_t ext_take(struct lvs_core *core)
{
	uint32_t id = core->ext_free_head;

	if (id) {
		core->ext_free_head = core->ext[id].next_free;
		return id;
	}
	if (core->ext_next_fresh <= core->ext_cap)
		return core->ext_next_fresh++;
	return 0;
}

static uint32_t id_alloc(struct lvs_core *core, unsigned worker)
{
	uint32_t id = 0;

	if (worker < core->nworkers) {
		struct lvs_core_worker *w = &core->workers[worker];

		if (w->nfree)
			return w->free_ids[--w->nfree];
		/* refill half the cache in one go to keep the mutex cold */
		pthread_mutex_lock(&core->pool_lock);
		while (w->nfree < LVS_WCACHE_MAX / 2) {
			uint32_t got = pool_take(core);
			if (!got)
				break;
			w->free_ids[w->nfree++] = got;
		}
		pthread_mutex_unlock(&core->pool_lock);
		return w->nfree ? w->free_ids[--w->nfree] : 0;
	}
	pthread_mutex_lock(&core->pool_lock);
	id = pool_take(core);
	pthread_mutex_unlock(&core->pool_lock);
	return id;
}

static void id_free(struct lvs_core *core, unsigned worker, uint32_t id)
{
	struct lvs_conn *cp = &core->conns[id];

	cp->fam = LVS_CONN_FAM_FREE;
	if (cp->ext) {
		pthread_mutex_lock(&core->pool_lock);
		core->ext[cp->ext].next_free = core->ext_free_head;
		core->ext_free_head = cp->ext;
		pthread_mutex_unlock(&core->pool_lock);
		cp->ext = 0;
	}
	if (worker < core->nworkers) {
		struct lvs_core_worker *w = &core->workers[worker];

		if (w->nfree < LVS_WCACHE_MAX) {
			w->free_ids[w->nfree++] = id;
			return;
		}
	}
	pthread_mutex_lock(&core->pool_lock);
	cp->hnext = core->free_head;
	core->free_head = id;
	pthread_mutex_unlock(&core->pool_lock);
}

struct lvs_conn *lvs_conn_new(struct lvs_core *core, unsigned worker, int af, int daf, uint8_t protocol,
			      const union lvs_addr *caddr, uint16_t cport,
			      const union lvs_addr *vaddr, uint16_t vport,
			      const union lvs_addr *daddr, uint16_t dport, uint32_t flags, uint32_t fwmark)
{
	uint32_t id = id_alloc(core, worker);
	uint32_t ext = 0;
	struct lvs_conn *cp;

	if (!id)
		return NULL;
	if (af == AF_INET6 || daf == AF_INET6) {
		pthread_mutex_lock(&core->pool_lock);
		ext = ext_take(core);
		pthread_mutex_unlock(&core->pool_lock);
		if (!ext) {
			id_free(core, worker, id);
			return NULL;
		}
	}
	cp = &core->conns[id];
	memset(cp, 0, sizeof(*cp));
	cp->protocol = protocol;
	cp->cport = cport;
	cp->vport = vport;
	cp->dport = dport;
	cp->flags = (uint16_t)flags;
	cp->fwmark = fwmark;
	cp->fam = (af == AF_INET6 ? LVS_CONN_FAM_V6 : 0) | (daf == AF_INET6 ? LVS_CONN_FAM_DV6 : 0);
	cp->timeout = 3000;  /* replaced by the first state transition */
	cp->ext = ext;
	if (ext) {
		struct lvs_conn_ext *x = &core->ext[ext];
		memset(x, 0, sizeof(*x));
		if (af == AF_INET6) {
			x->caddr = *caddr;
			/* an fwmark template's "address" is the mark in the first word */
			if (protocol == IPPROTO_IP)
				x->vaddr.ip = vaddr->ip;
			else
				x->vaddr = *vaddr;
		} else {
			x->caddr.ip = caddr->ip;
			x->vaddr.ip = vaddr->ip;
		}
		if (daf == AF_INET6)
			x->daddr = *daddr;
		else
			x->daddr.ip = daddr->ip;
	} else {
		cp->caddr = caddr->ip;
		cp->vaddr = vaddr->ip;
		cp->daddr = daddr->ip;
	}
	__atomic_add_fetch(&core->count, 1, __ATOMIC_RELAXED);
	return cp;
}

/* ---- dest binding, the kernel's ip_vs_bind_dest / ip_vs_unbind_dest ---- */

void lvs_conn_bind_dest(struct lvs_conn *cp, struct lvs_dest *dest)
{
	uint32_t method;

	if (!dest)
		return;
	lvs_dest_hold(dest);
	method = dest->conn_flags & LVS_CONN_F_FWD_MASK;
	if (cp->fam & LVS_CONN_FAM_SYNC) {
		/* synced entries keep their activity flag, inherit the method */
		cp->flags &= (uint16_t)~(LVS_CONN_F_FWD_MASK | LVS_CONN_F_NOOUTPUT);
	} else {
		cp->flags |= LVS_CONN_F_INACTIVE;
	}
	cp->flags |= (uint16_t)method;
	if (method != LVS_CONN_F_MASQ)
		cp->flags |= LVS_CONN_F_NOOUTPUT;
	cp->dest = dest;

	if (!(cp->flags & LVS_CONN_F_TEMPLATE)) {
		if (cp->flags & LVS_CONN_F_INACTIVE)
			__atomic_add_fetch(&dest->inactconns, 1, __ATOMIC_RELAXED);
		else
			__atomic_add_fetch(&dest->activeconns, 1, __ATOMIC_RELAXED);
	} else {
		__atomic_add_fetch(&dest->persistconns, 1, __ATOMIC_RELAXED);
	}
	lvs_dest_conn_bound(dest);  /* OVERLOAD (table.c, classic rules) */
}

static void conn_unbind_dest_counters(struct lvs_conn *cp)
{
	struct lvs_dest *dest = cp->dest;

	if (!dest)
		return;
	if (!(cp->flags & LVS_CONN_F_TEMPLATE)) {
		if (cp->flags & LVS_CONN_F_INACTIVE)
			__atomic_sub_fetch(&dest->inactconns, 1, __ATOMIC_RELAXED);
		else
			__atomic_sub_fetch(&dest->activeconns, 1, __ATOMIC_RELAXED);
	} else {
		__atomic_sub_fetch(&dest->persistconns, 1, __ATOMIC_RELAXED);
	}
	lvs_dest_conn_unbound(dest);
}

void lvs_conn_set_active(struct lvs_conn *cp, int active)
{
	struct lvs_dest *dest = cp->dest;

	if (active && (cp->flags & LVS_CONN_F_INACTIVE)) {
		cp->flags &= (uint16_t)~LVS_CONN_F_INACTIVE;
		if (dest) {
			__atomic_add_fetch(&dest->activeconns, 1, __ATOMIC_RELAXED);
			__atomic_sub_fetch(&dest->inactconns, 1, __ATOMIC_RELAXED);
		}
	} else if (!active && !(cp->flags & LVS_CONN_F_INACTIVE)) {
		cp->flags |= LVS_CONN_F_INACTIVE;
		if (dest) {
			__atomic_sub_fetch(&dest->activeconns, 1, __ATOMIC_RELAXED);
			__atomic_add_fetch(&dest->inactconns, 1, __ATOMIC_RELAXED);
		}
	}
}

void lvs_conn_assure_control(struct lvs_core *core, struct lvs_conn *cp)
{
	struct lvs_conn *ct;

	if (!cp->control)
		return;
	ct = &core->conns[cp->control];
	if (ct->flags & LVS_CONN_F_TEMPLATE)
		__atomic_store_n(&ct->state, LVS_CTPL_S_ASSURED, __ATOMIC_RELAXED);
}

/* ---- hashing in and out ---- */

void lvs_conn_hash(struct lvs_core *core, struct lvs_conn *cp)
{
	uint32_t b = conn_bucket_of(core, cp);

	lvs_conn_lock_bucket(core, b);
	group_note_expiry(core, b, cp->expires);
	cp->hnext = core->buckets[b].head;
	__atomic_store_n(&core->buckets[b].second, cp->hnext, __ATOMIC_RELAXED);
	__atomic_store_n(&core->buckets[b].head, lvs_conn_id(core, cp), __ATOMIC_RELEASE);
	cp->flags |= LVS_CONN_F_HASHED;
	lvs_conn_unlock_bucket(core, b);
}

void lvs_conn_unhash_locked(struct lvs_core *core, uint32_t bucket, struct lvs_conn *cp)
{
	uint32_t id = lvs_conn_id(core, cp);
	uint32_t *pp = &core->buckets[bucket].head;

	while (*pp && *pp != id)
		pp = &core->conns[*pp].hnext;
	if (*pp == id)
		__atomic_store_n(pp, cp->hnext, __ATOMIC_RELAXED);
	bucket_fix_second(core, bucket);
	cp->hnext = 0;
	cp->flags &= (uint16_t)~LVS_CONN_F_HASHED;
}

struct lvs_dest *lvs_conn_release_nodest(struct lvs_core *core, unsigned worker, struct lvs_conn *cp)
{
	struct lvs_dest *dest = cp->dest;

	if (cp->control) {
		struct lvs_conn *ct = &core->conns[cp->control];
		__atomic_sub_fetch(&ct->n_control, 1, __ATOMIC_RELAXED);
		cp->control = 0;
	}
	conn_unbind_dest_counters(cp);
	cp->dest = NULL;
	__atomic_sub_fetch(&core->count, 1, __ATOMIC_RELAXED);
	id_free(core, worker, lvs_conn_id(core, cp));
	return dest;
}

void lvs_conn_release(struct lvs_core *core, unsigned worker, struct lvs_conn *cp, int table_locked)
{
	struct lvs_dest *dest = lvs_conn_release_nodest(core, worker, cp);

	if (!dest)
		return;
	if (!table_locked && core->lock.lock)
		core->lock.lock(core->lock.arg);
	lvs_dest_put(core->table, dest);
	if (!table_locked && core->lock.unlock)
		core->lock.unlock(core->lock.arg);
}

/* ---- expiry sweep ---- */

#define SWEEP_BATCH 256
#define SWEEP_PERIOD_MS 1000  /* a full pass over the buckets per second */

/* release a batch of unlinked entries: dest puts under one table lock */
static void release_batch(struct lvs_core *core, struct lvs_conn **batch, unsigned n)
{
	struct lvs_dest *dests[SWEEP_BATCH];
	unsigned nd = 0;

	for (unsigned i = 0; i < n; i++) {
		struct lvs_dest *d = lvs_conn_release_nodest(core, (unsigned)-1, batch[i]);
		if (d)
			dests[nd++] = d;
	}
	if (!nd)
		return;
	if (core->lock.lock)
		core->lock.lock(core->lock.arg);
	for (unsigned i = 0; i < nd; i++)
		lvs_dest_put(core->table, dests[i]);
	if (core->lock.unlock)
		core->lock.unlock(core->lock.arg);
}

/* walk one bucket of a locked group: unlink what is due into batch[],
 * re-arm templates that still control conns, lower *next_min to the
 * earliest expiry left.  Returns 1 when the batch filled up (the bucket
 * may hold more). */
static int sweep_bucket(struct lvs_core *core, uint32_t b, uint32_t jnow, struct lvs_conn **batch, unsigned *nb,
			uint32_t *next_min)
{
	uint32_t *pp = &core->buckets[b].head;

	while (*pp) {
		struct lvs_conn *cp = &core->conns[*pp];
		uint32_t e = __atomic_load_n(&cp->expires, __ATOMIC_RELAXED);

		if (!lvs_j_reached(jnow, e)) {
			if ((int32_t)(e - *next_min) < 0)
				*next_min = e;
			pp = &cp->hnext;
			continue;
		}
		if (__atomic_load_n(&cp->n_control, __ATOMIC_RELAXED)) {
			/* still controls live conns: look again in 60 s */
			cp->timeout = 60000;
			lvs_conn_arm(core, LVS_NO_BUCKET, cp, jnow);
			if ((int32_t)(cp->expires - *next_min) < 0)
				*next_min = cp->expires;
			pp = &cp->hnext;
			continue;
		}
		__atomic_store_n(pp, cp->hnext, __ATOMIC_RELAXED);
		cp->hnext = 0;
		cp->flags &= (uint16_t)~LVS_CONN_F_HASHED;
		batch[(*nb)++] = cp;
		if (*nb == SWEEP_BATCH) {
			bucket_fix_second(core, b);
			return 1;
		}
	}
	bucket_fix_second(core, b);
	return 0;
}

/* sweep groups [from, from+n) */
static void sweep(struct lvs_core *core, uint32_t from, uint32_t n, uint32_t jnow)
{
	struct lvs_conn *batch[SWEEP_BATCH];
	uint32_t group_mask = core->bucket_mask >> LVS_CONN_GROUP_SHIFT;
	unsigned nb = 0;

	for (uint32_t i = 0; i < n; i++) {
		uint32_t g = (from + i) & group_mask, first = g << LVS_CONN_GROUP_SHIFT;
		uint32_t *min = &core->group_min[g];

		/* nothing due yet: no need to lock or walk */
		if (!lvs_j_reached(jnow, __atomic_load_n(min, __ATOMIC_RELAXED)))
			continue;
		lvs_conn_lock_bucket(core, first);
		uint32_t next_min = jnow + 0x40000000u;  /* far ahead: nothing left */

		for (uint32_t b = first; b < first + LVS_CONN_GROUP;) {
			if (!sweep_bucket(core, b, jnow, batch, &nb, &next_min)) {
				b++;
				continue;
			}
			/* batch full: release it unlocked (the bound must stay
			 * conservative meanwhile), then walk this group again */
			__atomic_store_n(min, jnow, __ATOMIC_RELAXED);
			lvs_conn_unlock_bucket(core, first);
			release_batch(core, batch, nb);
			__atomic_add_fetch(&core->tick_expired, nb, __ATOMIC_RELAXED);
			nb = 0;
			lvs_conn_lock_bucket(core, first);
			next_min = jnow + 0x40000000u;
			b = first;
		}
		__atomic_store_n(min, next_min, __ATOMIC_RELAXED);
		lvs_conn_unlock_bucket(core, first);
	}
	if (nb) {
		release_batch(core, batch, nb);
		__atomic_add_fetch(&core->tick_expired, nb, __ATOMIC_RELAXED);
	}
}

/* make a template due now (its bucket lock taken here, nothing else held) */
static void make_due(struct lvs_core *core, uint32_t id, uint32_t jnow)
{
	struct lvs_conn *ct = &core->conns[id];
	uint32_t b = conn_bucket_of(core, ct);

	lvs_conn_lock_bucket(core, b);
	__atomic_store_n(&ct->expires, jnow, __ATOMIC_RELAXED);
	group_note_expiry(core, b, jnow);
	lvs_conn_unlock_bucket(core, b);
}

static void nodest_release(struct lvs_core *core, struct lvs_conn **batch, const uint32_t *tmpls, unsigned nb,
			   uint32_t jnow)
{
	/* the templates cannot go before their conns are released */
	for (unsigned i = 0; i < nb; i++)
		if (tmpls[i])
			make_due(core, tmpls[i], jnow);
	if (!nb)
		return;
	release_batch(core, batch, nb);
	__atomic_add_fetch(&core->tick_expired, nb, __ATOMIC_RELAXED);
}

void lvs_core_expire_nodest(struct lvs_core *core, uint64_t now_ms)
{
	struct lvs_conn *batch[SWEEP_BATCH];
	uint32_t tmpls[SWEEP_BATCH];
	uint32_t jnow = lvs_jiffies(now_ms);
	unsigned nb = 0;

	for (uint32_t b = 0; b <= core->bucket_mask; b++) {
		uint32_t *pp;

		if (!__atomic_load_n(&core->buckets[b].head, __ATOMIC_RELAXED))
			continue;
		lvs_conn_lock_bucket(core, b);
		pp = &core->buckets[b].head;
		while (*pp) {
			struct lvs_conn *cp = &core->conns[*pp];
			struct lvs_dest *d = cp->dest;

			if (!d || (__atomic_load_n(&d->flags, __ATOMIC_RELAXED) & LVS_DEST_F_AVAILABLE) ||
			    __atomic_load_n(&cp->n_control, __ATOMIC_RELAXED)) {
				pp = &cp->hnext;
				continue;
			}
			/* its template goes too once nobody else uses it: made
			 * due below, the sweep checks n_control */
			tmpls[nb] = cp->control;
			__atomic_store_n(pp, cp->hnext, __ATOMIC_RELAXED);
			cp->hnext = 0;
			cp->flags &= (uint16_t)~LVS_CONN_F_HASHED;
			batch[nb++] = cp;
			if (nb == SWEEP_BATCH)
				break;
		}
		bucket_fix_second(core, b);
		lvs_conn_unlock_bucket(core, b);
		if (nb == SWEEP_BATCH) {
			nodest_release(core, batch, tmpls, nb, jnow);
			nb = 0;
			b--;  /* this bucket may hold more (wraps fine at 0) */
		}
	}
	nodest_release(core, batch, tmpls, nb, jnow);
}

void lvs_core_tick(struct lvs_core *core, uint64_t now_ms)
{
	uint32_t ngroups = (core->bucket_mask >> LVS_CONN_GROUP_SHIFT) + 1;
	uint64_t n;

	if (!core->ticked || now_ms < core->last_tick_ms) {
		n = ngroups;
	} else {
		n = (now_ms - core->last_tick_ms) * ngroups / SWEEP_PERIOD_MS;
		if (n > ngroups)
			n = ngroups;
		if (n == 0)
			return;  /* keep last_tick_ms so short ticks accumulate */
	}
	core->ticked = 1;
	core->last_tick_ms = now_ms;
	sweep(core, core->sweep_pos, (uint32_t)n, lvs_jiffies(now_ms));
	core->sweep_pos = (core->sweep_pos + (uint32_t)n) & (ngroups - 1);
}

void lvs_core_conn_flush(struct lvs_core *core)
{
	/* everything goes, templates included: links to templates are cut
	 * first so that no entry touches an already freed template */
	struct lvs_conn *batch[SWEEP_BATCH];
	unsigned nb = 0;

	for (uint32_t b = 0; b <= core->bucket_mask; b++) {
		lvs_conn_lock_bucket(core, b);
		while (core->buckets[b].head) {
			struct lvs_conn *cp = &core->conns[core->buckets[b].head];
			__atomic_store_n(&core->buckets[b].head, cp->hnext, __ATOMIC_RELAXED);
			cp->hnext = 0;
			cp->flags &= (uint16_t)~LVS_CONN_F_HASHED;
			cp->control = 0;  /* the template goes too */
			batch[nb++] = cp;
			if (nb == SWEEP_BATCH) {
				bucket_fix_second(core, b);
				lvs_conn_unlock_bucket(core, b);
				release_batch(core, batch, nb);
				__atomic_add_fetch(&core->tick_expired, nb, __ATOMIC_RELAXED);
				nb = 0;
				lvs_conn_lock_bucket(core, b);
			}
		}
		bucket_fix_second(core, b);
		lvs_conn_unlock_bucket(core, b);
	}
	if (nb) {
		release_batch(core, batch, nb);
		__atomic_add_fetch(&core->tick_expired, nb, __ATOMIC_RELAXED);
	}
}

/* ---- creation and teardown of the table ---- */

/* Big zeroed arrays come straight from mmap: pages are mapped lazily (an
 * unused id costs nothing) and, where the kernel allows, backed by huge
 * pages, because a random lookup in a table of millions is dominated by
 * TLB misses otherwise. */
static void *big_zalloc(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
#ifdef MADV_HUGEPAGE
	if (size >= (2u << 20))
		madvise(p, size, MADV_HUGEPAGE);
#endif
	return p;
}

static void big_free(void *p, size_t size)
{
	if (p)
		munmap(p, size);
}

/* the bucket hash's seed, different per table */
static uint64_t splitmix64(uint64_t z)
{
	z += 0x9E3779B97F4A7C15ull;
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static uint32_t pow2_at_least(uint64_t v, uint32_t min, uint32_t max)
{
	uint32_t p = min;

	while (p < v && p < max)
		p <<= 1;
	return p;
}

int lvs_conn_table_init(struct lvs_core *core, size_t max_conns)
{
	uint32_t nb, ngroups;

	if (max_conns < 16)
		max_conns = 16;
	if (max_conns > 0x7ffffff0u)
		return -EINVAL;
	core->cap = (uint32_t)max_conns;
	core->conns = big_zalloc(((size_t)core->cap + 1) * sizeof(struct lvs_conn));
	core->ext_cap = core->cap / 4 < 256 ? 256 : core->cap / 4;
	core->ext = big_zalloc(((size_t)core->ext_cap + 1) * sizeof(struct lvs_conn_ext));
	/* about one entry per bucket at most: 3/4 of the capacity rounded up
	 * to a power of two (load 0.67..1.33 when full, 8 bytes a bucket) */
	nb = pow2_at_least((uint64_t)core->cap * 3 / 4, 1024, 1u << 27);
	ngroups = nb >> LVS_CONN_GROUP_SHIFT;
	core->buckets = big_zalloc((size_t)nb * sizeof(struct lvs_conn_bucket));
	core->bucket_mask = nb - 1;
	core->bucket_shift = 64 - (unsigned)__builtin_ctz(nb);
	/* bound 0: every group is due at the first tick, which then computes
	 * the real bounds (a group's chains are empty until then anyway) */
	core->group_min = big_zalloc((size_t)ngroups * sizeof(uint32_t));
	core->stripe_mask = (ngroups < LVS_STRIPES_MAX ? ngroups : LVS_STRIPES_MAX) - 1;
	core->stripes = aligned_alloc(64, sizeof(struct lvs_core_stripe) * (core->stripe_mask + 1));
	if (!core->conns || !core->ext || !core->buckets || !core->group_min || !core->stripes)
		return -ENOMEM;
	for (uint32_t i = 0; i <= core->stripe_mask; i++)
		core->stripes[i].lock = 0;
	pthread_mutex_init(&core->pool_lock, NULL);
	core->next_fresh = 1;
	core->ext_next_fresh = 1;
	core->hash_seed = splitmix64(0x5bd1e995u ^ (uint64_t)(uintptr_t)core);
	return 0;
}

void lvs_conn_table_destroy(struct lvs_core *core)
{
	if (core->stripes)
		pthread_mutex_destroy(&core->pool_lock);
	free(core->stripes);
	if (core->cap) {
		big_free(core->buckets, ((size_t)core->bucket_mask + 1) * sizeof(struct lvs_conn_bucket));
		big_free(core->group_min, (((size_t)core->bucket_mask + 1) >> LVS_CONN_GROUP_SHIFT) * sizeof(uint32_t));
		big_free(core->ext, ((size_t)core->ext_cap + 1) * sizeof(struct lvs_conn_ext));
		big_free(core->conns, ((size_t)core->cap + 1) * sizeof(struct lvs_conn));
	}
}

size_t lvs_core_conn_count(const struct lvs_core *core)
{
	return __atomic_load_n(&core->count, __ATOMIC_RELAXED);
}
