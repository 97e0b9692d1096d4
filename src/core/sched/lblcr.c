/* lblcr.c - locality-based least-connection with replication (ip_vs_lblcr.c).
 *
 * Contract: a per-service cache maps the packet's DESTINATION address to a
 * SET of dests (1024 buckets, hash_32(ntohl(daddr), 10)).  A hit refreshes
 * the entry's last use and takes the weighted-least-connection member of
 * the set (AVAILABLE, weight > 0, not OVERLOADed; members in insertion
 * order, newest first, first wins ties).  If the set has more than one
 * member and was last modified more than lblcr_expiration ago, its MOST
 * loaded member (weight > 0) is removed.  If the chosen member exists and
 * is not "lblc-overloaded" (activeconns > weight while some dest of the
 * service has activeconns*2 < weight) it is used; otherwise the wlc choice
 * over the whole service is used and added to the set.  A miss creates an
 * entry whose set holds the wlc choice.
 *
 * GC from tick() exactly as lblc (60 s period, full scan every 30th run for
 * entries idle lblcr_expiration, partial 6 min scan above 16384 entries,
 * no new entries beyond 24576).  Set members hold a dest reference
 * (dest->refcnt), dropped when they leave the set or the service unbinds.
 */
#include <stdlib.h>
#include "core/sched.h"
#include "core/sched/locality.h"
#include "core/table.h"

static uint64_t lblcr_expiration_ms = LVS_LBLC_EXPIRATION_DEFAULT_MS;

void lvs_lblcr_set_expiration_ms(uint64_t ms)
{
	lvs_loc_set_expiration(&lblcr_expiration_ms, ms);
}

uint64_t lvs_lblcr_get_expiration_ms(void)
{
	return __atomic_load_n(&lblcr_expiration_ms, __ATOMIC_RELAXED);
}

struct dest_set_elem {
	struct dest_set_elem *next;
	struct lvs_dest *dest;    /* holds a reference */
};

struct dest_set {
	struct dest_set_elem *head; /* newest first, like list_add_rcu */
	int size;
	uint64_t lastmod_ms;
};

struct lblcr_entry {
	struct lvs_loc_entry loc; /* first: the cache links these */
	struct dest_set set;
};

static int dest_active(const struct lvs_dest *d)
{
	return __atomic_load_n(&d->activeconns, __ATOMIC_RELAXED);
}

static int dest_overhead(const struct lvs_dest *d)
{
	return (dest_active(d) << 8) + __atomic_load_n(&d->inactconns, __ATOMIC_RELAXED);
}

static uint32_t dest_flags(const struct lvs_dest *d)
{
	return __atomic_load_n(&d->flags, __ATOMIC_RELAXED);
}

static void set_insert(struct dest_set *set, struct lvs_dest *dest, uint64_t now_ms)
{
	for (struct dest_set_elem *e = set->head; e; e = e->next)
		if (e->dest == dest)
			return;
	struct dest_set_elem *e = calloc(1, sizeof(*e));
	if (!e)
		return;
	lvs_dest_hold(dest);
	e->dest = dest;
	e->next = set->head;
	set->head = e;
	set->size++;
	set->lastmod_ms = now_ms;
}

static void set_erase(struct dest_set *set, struct lvs_dest *dest, uint64_t now_ms)
{
	for (struct dest_set_elem **pp = &set->head; *pp; pp = &(*pp)->next) {
		struct dest_set_elem *e = *pp;
		if (e->dest != dest)
			continue;
		*pp = e->next;
		set->size--;
		set->lastmod_ms = now_ms;
		lvs_loc_dest_put(e->dest);
		free(e);
		return;
	}
}

static void set_erase_all(struct dest_set *set)
{
	while (set->head) {
		struct dest_set_elem *e = set->head;
		set->head = e->next;
		lvs_loc_dest_put(e->dest);
		free(e);
	}
	set->size = 0;
}

/* weighted least-connection member (AVAILABLE, weight > 0, not OVERLOADed) */
static struct lvs_dest *set_min(const struct dest_set *set)
{
	const struct dest_set_elem *e;
	struct lvs_dest *least = NULL;
	int loh = 0;

	for (e = set->head; e; e = e->next) {
		struct lvs_dest *d = e->dest;
		if (dest_flags(d) & LVS_DEST_F_OVERLOAD)
			continue;
		if (d->weight > 0 && (dest_flags(d) & LVS_DEST_F_AVAILABLE)) {
			least = d;
			loh = dest_overhead(d);
			break;
		}
	}
	if (!least)
		return NULL;
	for (e = e->next; e; e = e->next) {
		struct lvs_dest *d = e->dest;
		if (dest_flags(d) & LVS_DEST_F_OVERLOAD)
			continue;
		int doh = dest_overhead(d);
		if ((int64_t)loh * d->weight > (int64_t)doh * least->weight &&
		    (dest_flags(d) & LVS_DEST_F_AVAILABLE)) {
			least = d;
			loh = doh;
		}
	}
	return least;
}

/* weighted most-connection member among those with weight > 0 */
static struct lvs_dest *set_max(const struct dest_set *set)
{
	const struct dest_set_elem *e;
	struct lvs_dest *most = NULL;
	int moh = 0;

	for (e = set->head; e; e = e->next) {
		if (e->dest->weight > 0) {
			most = e->dest;
			moh = dest_overhead(most);
			break;
		}
	}
	if (!most)
		return NULL;
	for (e = e->next; e; e = e->next) {
		struct lvs_dest *d = e->dest;
		int doh = dest_overhead(d);
		if ((int64_t)moh * d->weight < (int64_t)doh * most->weight && d->weight > 0) {
			most = d;
			moh = doh;
		}
	}
	return most;
}

static void lblcr_free_entry(struct lvs_loc_entry *loc)
{
	struct lblcr_entry *en = (struct lblcr_entry *)loc;

	set_erase_all(&en->set);
	free(en);
}

/* the set's least loaded member; first, a replicated set that has been
 * stable long enough loses its most loaded one */
static struct lvs_dest *lblcr_hit(struct lvs_loc_entry *loc, uint64_t now_ms)
{
	struct dest_set *set = &((struct lblcr_entry *)loc)->set;
	struct lvs_dest *dest = set_min(set);

	if (set->size > 1 && now_ms > set->lastmod_ms + lvs_lblcr_get_expiration_ms()) {
		struct lvs_dest *m = set_max(set);
		if (m)
			set_erase(set, m, now_ms);
	}
	return dest;
}

/* dest joins the entry's set (a new entry's set holds just dest) */
static struct lvs_loc_entry *lblcr_add(struct lvs_loc_entry *loc, struct lvs_dest *dest, uint64_t now_ms)
{
	struct lblcr_entry *en = loc ? (struct lblcr_entry *)loc : calloc(1, sizeof(*en));

	if (!en)
		return NULL;
	set_insert(&en->set, dest, now_ms);
	return &en->loc;
}

static const struct lvs_loc_ops lblcr_loc = {
	.free_entry = lblcr_free_entry,
	.expiration_ms = lvs_lblcr_get_expiration_ms,
	.hit = lblcr_hit,
	.add = lblcr_add,
};

static int lblcr_init_service(struct lvs_service *svc)
{
	return lvs_loc_init_service(svc, &lblcr_loc);
}

extern const struct lvs_sched_ops lvs_sched_lblcr;

int lvs_lblcr_cache_entries(const struct lvs_service *svc)
{
	return lvs_loc_entries(svc, &lvs_sched_lblcr);
}

const struct lvs_sched_ops lvs_sched_lblcr = {
	.name = "lblcr",
	.init_service = lblcr_init_service,
	.done_service = lvs_loc_done_service,
	.schedule = lvs_loc_schedule,
	.tick = lvs_loc_tick,
};
