/* conn.c - the connection table: preallocated 64-byte lines indexed by
 * 32-bit ids, each holding the entry with that id and the bucket with that
 * number (chain head + its second entry, for prefetching; one bucket per
 * entry, conn-t.h), one hash chain per entry keyed on (protocol, client
 * address, client port) like the kernel, striped
 * spinlocks shared by groups of LVS_CONN_GROUP consecutive buckets,
 * per-worker free-id caches, expiry by an incremental sweep
 * (lvs_core_tick, conn_expire.c) that visits every summary of LVS_CONN_SUMMARY buckets
 * once a second but only reads its bucket bounds when the summary bound
 * says something may be due, and only locks and walks the chains whose
 * own bound is due (no per-entry timers: a packet just stores the new
 * expiry time, and lowers the bucket's bound if needed).
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

_Static_assert(sizeof(struct lvs_conn) == 64, "an entry and its bucket are one cache line");
_Static_assert(offsetof(struct lvs_conn, bucket_head) == LVS_CONN_ENTRY_BYTES, "entry bytes end where the bucket starts");

static int conn_has_ext(const struct lvs_conn *cp)
{
	return (cp->fam & (LVS_CONN_FAM_V6 | LVS_CONN_FAM_DV6)) != 0;
}

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
	if (conn_has_ext(cp)) {
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

/* ---- hashing (lvs_conn_bucket, bucket heads and the stripe locks are inline in conn.h) ---- */

uint32_t lvs_conn_bucket_of(const struct lvs_core *core, const struct lvs_conn *cp)
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
	if (!conn_has_ext(cp))
		return cp->caddr == caddr->ip && cp->vaddr == vaddr->ip;
	return addr_eq(af, &core->ext[cp->ext].caddr, caddr) &&
	       addr_eq(cp->protocol == IPPROTO_IP ? AF_INET : af, &core->ext[cp->ext].vaddr, vaddr);
}

struct lvs_conn *lvs_conn_find_in_locked(struct lvs_core *core, uint32_t bucket, int af, uint8_t protocol,
					 const union lvs_addr *caddr, uint16_t cport,
					 const union lvs_addr *vaddr, uint16_t vport, uint32_t jnow)
{
	for (uint32_t id = core->conns[bucket].bucket_head; id; id = core->conns[id].hnext) {
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
	for (uint32_t id = core->conns[bucket].bucket_head; id; id = core->conns[id].hnext) {
		struct lvs_conn *cp = &core->conns[id];

		if (cp->cport != cport || cp->dport != rport || cp->protocol != protocol ||
		    (cp->flags & LVS_CONN_F_TEMPLATE) || lvs_conn_af(cp) != af || lvs_conn_daf(cp) != af)
			continue;
		if (!conn_has_ext(cp)) {
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
	for (uint32_t id = core->conns[bucket].bucket_head; id; id = core->conns[id].hnext) {
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

	if (conn_has_ext(cp)) {
		pthread_mutex_lock(&core->pool_lock);
		core->ext[cp->ext].next_free = core->ext_free_head;
		core->ext_free_head = cp->ext;
		pthread_mutex_unlock(&core->pool_lock);
		cp->ext = 0;
	}
	cp->fam = LVS_CONN_FAM_FREE;
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
	/* the entry only: the rest of the line is bucket `id`, whatever chain
	 * it heads (see conn-t.h) */
	memset(cp, 0, LVS_CONN_ENTRY_BYTES);
	cp->protocol = protocol;
	cp->cport = cport;
	cp->vport = vport;
	cp->dport = dport;
	cp->flags = (uint16_t)flags;
	cp->fam = (af == AF_INET6 ? LVS_CONN_FAM_V6 : 0) | (daf == AF_INET6 ? LVS_CONN_FAM_DV6 : 0);
	if (fwmark) {
		/* only entries with a mark touch the side array's pages */
		core->fwmarks[id] = fwmark;
		cp->fam |= LVS_CONN_FAM_MARK;
	}
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

/* ---- the dest registry: 32-bit dest indexes instead of pointers ----
 *
 * Changed only under the caller's table lock (bind and the final put are
 * there already); read by anyone through lvs_conn_dest().  A slot lives as
 * long as entries are bound to its dest, and each of them holds a dest
 * reference, so the pointer in a slot is always valid while read. */

static struct lvs_dest_slot *dslot(const struct lvs_core *core, uint32_t i)
{
	return &core->dslots[i >> LVS_DSLOT_CHUNK_SHIFT][i & ((1u << LVS_DSLOT_CHUNK_SHIFT) - 1)];
}

static uint32_t dmap_pos(const struct lvs_core *core, const struct lvs_dest *d)
{
	return (uint32_t)lvs_conn_mum((uint64_t)(uintptr_t)d, 0x9E3779B97F4A7C15ull) & core->dmap_mask;
}

/* the map's position holding dest d, or the empty one where it would go */
static uint32_t *dmap_find(const struct lvs_core *core, const struct lvs_dest *d)
{
	uint32_t p = dmap_pos(core, d);

	while (core->dmap[p] && dslot(core, core->dmap[p])->dest != d)
		p = (p + 1) & core->dmap_mask;
	return &core->dmap[p];
}

/* keep the map at most half full (doubles; fails only on ENOMEM) */
static int dmap_reserve(struct lvs_core *core)
{
	uint32_t *old = core->dmap, old_mask = core->dmap_mask;
	uint32_t n = old ? (old_mask + 1) * 2 : 256;

	if (old && (core->dmap_used + 1) * 2 <= old_mask + 1)
		return 0;
	core->dmap = calloc(n, sizeof(uint32_t));
	if (!core->dmap) {
		core->dmap = old;
		return -1;
	}
	core->dmap_mask = n - 1;
	for (uint32_t i = 0; old && i <= old_mask; i++)
		if (old[i])
			*dmap_find(core, dslot(core, old[i])->dest) = old[i];
	free(old);
	return 0;
}

/* linear probing removal: shift back the entries that probed past p */
static void dmap_remove(struct lvs_core *core, uint32_t *at)
{
	uint32_t p = (uint32_t)(at - core->dmap);

	core->dmap[p] = 0;
	for (uint32_t q = (p + 1) & core->dmap_mask; core->dmap[q]; q = (q + 1) & core->dmap_mask) {
		uint32_t home = dmap_pos(core, dslot(core, core->dmap[q])->dest);

		/* may the entry at q move to the hole at p?  Yes unless its
		 * home lies cyclically in (p, q] */
		if (((q - home) & core->dmap_mask) >= ((q - p) & core->dmap_mask)) {
			core->dmap[p] = core->dmap[q];
			core->dmap[q] = 0;
			p = q;
		}
	}
	core->dmap_used--;
}

/* the index of dest d with one more entry bound to it; 0 on ENOMEM */
static uint32_t dest_index_get(struct lvs_core *core, struct lvs_dest *d)
{
	uint32_t *at, i;

	if (dmap_reserve(core) < 0)
		return 0;
	at = dmap_find(core, d);
	if (*at) {
		dslot(core, *at)->refs++;
		return *at;
	}
	i = core->dslot_free_head;
	if (i) {
		core->dslot_free_head = dslot(core, i)->next_free;
	} else {
		i = core->dslot_next_fresh;
		if ((i >> LVS_DSLOT_CHUNK_SHIFT) >= LVS_DSLOT_CHUNKS)
			return 0;
		if (!core->dslots[i >> LVS_DSLOT_CHUNK_SHIFT]) {
			core->dslots[i >> LVS_DSLOT_CHUNK_SHIFT] =
				calloc(1u << LVS_DSLOT_CHUNK_SHIFT, sizeof(struct lvs_dest_slot));
			if (!core->dslots[i >> LVS_DSLOT_CHUNK_SHIFT])
				return 0;
		}
		core->dslot_next_fresh++;
	}
	dslot(core, i)->dest = d;
	dslot(core, i)->refs = 1;
	*at = i;
	core->dmap_used++;
	return i;
}

/* one entry less bound to slot i (table lock held) */
static void dest_index_put(struct lvs_core *core, uint32_t i)
{
	struct lvs_dest_slot *s = dslot(core, i);

	if (--s->refs)
		return;
	dmap_remove(core, dmap_find(core, s->dest));
	s->dest = NULL;
	s->next_free = core->dslot_free_head;
	core->dslot_free_head = i;
}

void lvs_conn_dest_put(struct lvs_core *core, uint32_t dest_idx)
{
	struct lvs_dest *dest;

	if (!dest_idx)
		return;
	dest = dslot(core, dest_idx)->dest;
	dest_index_put(core, dest_idx);
	lvs_dest_put(core->table, dest);
}

/* ---- dest binding, the kernel's ip_vs_bind_dest / ip_vs_unbind_dest ---- */

void lvs_conn_bind_dest(struct lvs_core *core, struct lvs_conn *cp, struct lvs_dest *dest)
{
	uint32_t method, idx;

	if (!dest)
		return;
	/* 0 only if the registry cannot grow (out of memory): the entry
	 * then stays unbound, as if its dest were gone */
	idx = dest_index_get(core, dest);
	if (!idx)
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
	cp->dest_idx = idx;

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

static void conn_unbind_dest_counters(struct lvs_core *core, struct lvs_conn *cp)
{
	struct lvs_dest *dest = lvs_conn_dest(core, cp);

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

void lvs_conn_set_active(struct lvs_core *core, struct lvs_conn *cp, int active)
{
	struct lvs_dest *dest = lvs_conn_dest(core, cp);

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
	uint32_t b = lvs_conn_bucket_of(core, cp);

	lvs_conn_lock_bucket(core, b);
	lvs_conn_note_expiry(core, b, cp->expires);
	cp->hnext = core->conns[b].bucket_head;
	__atomic_store_n(&core->conns[b].bucket_second, cp->hnext, __ATOMIC_RELAXED);
	__atomic_store_n(&core->conns[b].bucket_head, lvs_conn_id(core, cp), __ATOMIC_RELEASE);
	cp->flags |= LVS_CONN_F_HASHED;
	lvs_conn_unlock_bucket(core, b);
}

void lvs_conn_unhash_locked(struct lvs_core *core, uint32_t bucket, struct lvs_conn *cp)
{
	uint32_t id = lvs_conn_id(core, cp);
	uint32_t *pp = lvs_conn_bucket_head(core, bucket);

	while (*pp && *pp != id)
		pp = &core->conns[*pp].hnext;
	if (*pp == id)
		__atomic_store_n(pp, cp->hnext, __ATOMIC_RELAXED);
	lvs_conn_bucket_fix_second(core, bucket);
	cp->hnext = 0;
	cp->flags &= (uint16_t)~LVS_CONN_F_HASHED;
}

uint32_t lvs_conn_release_nodest(struct lvs_core *core, unsigned worker, struct lvs_conn *cp)
{
	uint32_t dest_idx = cp->dest_idx;

	if (cp->control) {
		struct lvs_conn *ct = &core->conns[cp->control];
		__atomic_sub_fetch(&ct->n_control, 1, __ATOMIC_RELAXED);
		cp->control = 0;
	}
	conn_unbind_dest_counters(core, cp);
	cp->dest_idx = 0;
	__atomic_sub_fetch(&core->count, 1, __ATOMIC_RELAXED);
	id_free(core, worker, lvs_conn_id(core, cp));
	return dest_idx;
}

void lvs_conn_release(struct lvs_core *core, unsigned worker, struct lvs_conn *cp, int table_locked)
{
	uint32_t dest_idx = lvs_conn_release_nodest(core, worker, cp);

	if (!dest_idx)
		return;
	if (!table_locked && core->lock.lock)
		core->lock.lock(core->lock.arg);
	lvs_conn_dest_put(core, dest_idx);
	if (!table_locked && core->lock.unlock)
		core->lock.unlock(core->lock.arg);
}

/* ---- creation and teardown of the table ---- */

/* Big zeroed arrays come straight from mmap: pages are mapped lazily (an
 * unused id costs nothing) and, where the kernel allows, backed by huge
 * pages, because a random lookup in a table of millions is dominated by
 * TLB misses otherwise.  The start is aligned to a huge page so that all
 * of the array but its tail can be one (the tail stays in small pages:
 * resident memory is the array's size, not rounded up to 2 MB). */
#define BIG_ALIGN (2u << 20)

static void *big_zalloc(size_t size)
{
	size_t len = size >= BIG_ALIGN ? size + BIG_ALIGN : size;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if (len != size) {
		char *a = (char *)(((uintptr_t)p + BIG_ALIGN - 1) & ~(uintptr_t)(BIG_ALIGN - 1));
		size_t tail = (size_t)((p + len) - (a + size));

		if (a > p)
			munmap(p, (size_t)(a - p));
		if (tail)
			munmap(a + size, tail);
		p = a;
#ifdef MADV_HUGEPAGE
		madvise(p, size, MADV_HUGEPAGE);
#endif
	}
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
	size_t lines;

	if (max_conns < 16)
		max_conns = 16;
	if (max_conns > 0x7ffffff0u)
		return -EINVAL;
	core->cap = (uint32_t)max_conns;
	lines = (size_t)core->cap + 1;
	core->conns = big_zalloc(lines * sizeof(struct lvs_conn));
	core->fwmarks = big_zalloc(lines * sizeof(uint32_t));
	core->ext_cap = core->cap / 4 < 256 ? 256 : core->cap / 4;
	core->ext = big_zalloc(((size_t)core->ext_cap + 1) * sizeof(struct lvs_conn_ext));
	/* one bucket per line: load <= 1 when full (lvs_conn_bucket maps the
	 * hash onto any count, no power of two needed).  Expiry bounds start
	 * at 0: everything is due at the first tick, which then computes the
	 * real bounds (the chains are empty until then anyway). */
	core->nbuckets = (uint32_t)lines;
	core->nsummaries = (core->nbuckets + LVS_CONN_SUMMARY - 1) >> LVS_CONN_SUMMARY_SHIFT;
	core->summary_min = big_zalloc((size_t)core->nsummaries * sizeof(uint32_t));
	core->stripe_mask = pow2_at_least((core->nbuckets + LVS_CONN_GROUP - 1) >> LVS_CONN_GROUP_SHIFT, 1,
					  LVS_STRIPES_MAX) - 1;
	core->stripes = aligned_alloc(64, sizeof(struct lvs_core_stripe) * (core->stripe_mask + 1));
	core->dslots = calloc(LVS_DSLOT_CHUNKS, sizeof(*core->dslots));
	if (!core->conns || !core->fwmarks || !core->ext || !core->summary_min || !core->stripes || !core->dslots)
		return -ENOMEM;
	for (uint32_t i = 0; i <= core->stripe_mask; i++)
		core->stripes[i].lock = 0;
	pthread_mutex_init(&core->pool_lock, NULL);
	core->next_fresh = 1;
	core->ext_next_fresh = 1;
	core->dslot_next_fresh = 1;  /* index 0 = no dest */
	core->hash_seed = splitmix64(0x5bd1e995u ^ (uint64_t)(uintptr_t)core);
	return 0;
}

void lvs_conn_table_destroy(struct lvs_core *core)
{
	if (core->stripes)
		pthread_mutex_destroy(&core->pool_lock);
	free(core->stripes);
	if (core->dslots) {
		for (uint32_t i = 0; i < LVS_DSLOT_CHUNKS; i++)
			free(core->dslots[i]);
		free(core->dslots);
	}
	free(core->dmap);
	if (core->cap) {
		big_free(core->summary_min, (size_t)core->nsummaries * sizeof(uint32_t));
		big_free(core->ext, ((size_t)core->ext_cap + 1) * sizeof(struct lvs_conn_ext));
		big_free(core->fwmarks, ((size_t)core->cap + 1) * sizeof(uint32_t));
		big_free(core->conns, ((size_t)core->cap + 1) * sizeof(struct lvs_conn));
	}
}

size_t lvs_core_conn_count(const struct lvs_core *core)
{
	return __atomic_load_n(&core->count, __ATOMIC_RELAXED);
}
