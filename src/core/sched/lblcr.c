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
#include <errno.h>
#include <stdlib.h>
#include "core/sched.h"
#include "core/table.h"

#define LBLCR_TAB_BITS 10
#define LBLCR_TAB_SIZE (1 << LBLCR_TAB_BITS)
#define LBLCR_TAB_MASK (LBLCR_TAB_SIZE - 1)
#define LBLCR_MAX_SIZE (LBLCR_TAB_SIZE * 16)
#define LBLCR_HARD_CAP (LBLCR_MAX_SIZE * 3 / 2)

#define CHECK_EXPIRE_INTERVAL_MS (60 * 1000ULL)
#define ENTRY_TIMEOUT_MS (6 * 60 * 1000ULL)
#define COUNT_FOR_FULL_EXPIRATION 30

static uint64_t lblcr_expiration_ms = LVS_LBLC_EXPIRATION_DEFAULT_MS;

void lvs_lblcr_set_expiration_ms(uint64_t ms)
{
	if (ms > LVS_LBLC_EXPIRATION_MAX_MS)
		ms = LVS_LBLC_EXPIRATION_MAX_MS;
	__atomic_store_n(&lblcr_expiration_ms, ms, __ATOMIC_RELAXED);
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
	struct lblcr_entry *next;
	union lvs_addr addr;      /* packet destination address */
	struct dest_set set;
	uint64_t lastuse_ms;
};

struct lblcr_table {
	struct lblcr_entry *bucket[LBLCR_TAB_SIZE];
	int entries;
	int rover;
	int counter;
	int timer_armed;
	uint64_t next_check_ms;
};

static void dest_put(struct lvs_dest *d)
{
	/* the kernel's ip_vs_dest_put: never frees, the table's trash reaps */
	__atomic_sub_fetch(&d->refcnt, 1, __ATOMIC_RELAXED);
}

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

static void set_insert(struct dest_set *set, struct lvs_dest *dest, int check, uint64_t now_ms)
{
	if (check)
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
		dest_put(e->dest);
		free(e);
		return;
	}
}

static void set_erase_all(struct dest_set *set)
{
	while (set->head) {
		struct dest_set_elem *e = set->head;
		set->head = e->next;
		dest_put(e->dest);
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

static unsigned lblcr_hashkey(int af, const union lvs_addr *addr)
{
	return lvs_hash_32(lvs_addr_fold(af, addr), LBLCR_TAB_BITS);
}

static struct lblcr_entry *lblcr_get(struct lblcr_table *tbl, int af, const union lvs_addr *addr)
{
	for (struct lblcr_entry *en = tbl->bucket[lblcr_hashkey(af, addr)]; en; en = en->next)
		if (lvs_addr_equal(af, &en->addr, addr))
			return en;
	return NULL;
}

static void lblcr_free_entry(struct lblcr_table *tbl, struct lblcr_entry *en)
{
	set_erase_all(&en->set);
	free(en);
	tbl->entries--;
}

static void lblcr_new(struct lblcr_table *tbl, int af, const union lvs_addr *daddr,
		      struct lvs_dest *dest, uint64_t now_ms)
{
	struct lblcr_entry *en = lblcr_get(tbl, af, daddr);

	if (en) {
		set_insert(&en->set, dest, 1, now_ms);
		return;
	}
	if (tbl->entries >= LBLCR_HARD_CAP)
		return;
	en = calloc(1, sizeof(*en));
	if (!en)
		return;
	en->addr = *daddr;
	en->lastuse_ms = now_ms;
	set_insert(&en->set, dest, 0, now_ms);
	unsigned h = lblcr_hashkey(af, daddr);
	en->next = tbl->bucket[h];
	tbl->bucket[h] = en;
	tbl->entries++;
}

static int lblcr_expire_bucket(struct lblcr_table *tbl, int j, uint64_t now_ms, uint64_t idle_ms)
{
	struct lblcr_entry **pp = &tbl->bucket[j];
	int n = 0;

	while (*pp) {
		struct lblcr_entry *en = *pp;
		if (now_ms < en->lastuse_ms + idle_ms) {
			pp = &en->next;
			continue;
		}
		*pp = en->next;
		lblcr_free_entry(tbl, en);
		n++;
	}
	return n;
}

static void lblcr_check_expire(struct lblcr_table *tbl, uint64_t now_ms)
{
	int i, j = tbl->rover;

	if (tbl->counter % COUNT_FOR_FULL_EXPIRATION == 0) {
		uint64_t exp = lvs_lblcr_get_expiration_ms();
		for (i = 0; i < LBLCR_TAB_SIZE; i++) {
			j = (j + 1) & LBLCR_TAB_MASK;
			lblcr_expire_bucket(tbl, j, now_ms, exp);
		}
		tbl->rover = j;
		tbl->counter = 1;
		return;
	}
	if (tbl->entries <= LBLCR_MAX_SIZE) {
		tbl->counter++;
		return;
	}
	int goal = (tbl->entries - LBLCR_MAX_SIZE) * 4 / 3;
	if (goal > LBLCR_MAX_SIZE / 2)
		goal = LBLCR_MAX_SIZE / 2;
	for (i = 0; i < LBLCR_TAB_SIZE; i++) {
		j = (j + 1) & LBLCR_TAB_MASK;
		goal -= lblcr_expire_bucket(tbl, j, now_ms, ENTRY_TIMEOUT_MS);
		if (goal <= 0)
			break;
	}
	tbl->rover = j;
}

static int lblcr_init_service(struct lvs_service *svc)
{
	struct lblcr_table *tbl = calloc(1, sizeof(*tbl));
	if (!tbl)
		return -ENOMEM;
	tbl->counter = 1;
	svc->sched_data = tbl;
	return 0;
}

static void lblcr_done_service(struct lvs_service *svc)
{
	struct lblcr_table *tbl = svc->sched_data;

	if (!tbl)
		return;
	for (int i = 0; i < LBLCR_TAB_SIZE; i++) {
		while (tbl->bucket[i]) {
			struct lblcr_entry *en = tbl->bucket[i];
			tbl->bucket[i] = en->next;
			lblcr_free_entry(tbl, en);
		}
	}
	free(tbl);
	svc->sched_data = NULL;
}

static void lblcr_tick(struct lvs_service *svc, uint64_t now_ms)
{
	struct lblcr_table *tbl = svc->sched_data;

	if (!tbl)
		return;
	if (!tbl->timer_armed) {
		tbl->timer_armed = 1;
		tbl->next_check_ms = now_ms + CHECK_EXPIRE_INTERVAL_MS;
		return;
	}
	if (now_ms < tbl->next_check_ms)
		return;
	lblcr_check_expire(tbl, now_ms);
	tbl->next_check_ms = now_ms + CHECK_EXPIRE_INTERVAL_MS;
}

static int lblcr_is_overloaded(const struct lvs_dest *dest, struct lvs_service *svc)
{
	struct lvs_dest *d;

	if (dest_active(dest) <= dest->weight)
		return 0;
	lvs_list_for_each_entry(d, &svc->destinations, n_list)
		if (dest_active(d) * 2 < d->weight)
			return 1;
	return 0;
}

static struct lvs_dest *lblcr_schedule(struct lvs_service *svc, const struct lvs_sched_pkt *pkt,
				       uint64_t now_ms)
{
	struct lblcr_table *tbl = svc->sched_data;
	struct lvs_dest *dest;

	if (!tbl)
		return NULL;
	struct lblcr_entry *en = lblcr_get(tbl, svc->af, &pkt->daddr);
	if (en) {
		en->lastuse_ms = now_ms;
		dest = set_min(&en->set);

		/* shrink a replicated set that has been stable long enough */
		if (en->set.size > 1 && now_ms > en->set.lastmod_ms + lvs_lblcr_get_expiration_ms()) {
			struct lvs_dest *m = set_max(&en->set);
			if (m)
				set_erase(&en->set, m, now_ms);
		}
		if (dest && !lblcr_is_overloaded(dest, svc))
			return dest;

		dest = lvs_sched_wlc_pick(svc);
		if (!dest)
			return NULL;
		set_insert(&en->set, dest, 1, now_ms);
		return dest;
	}
	dest = lvs_sched_wlc_pick(svc);
	if (!dest)
		return NULL;
	lblcr_new(tbl, svc->af, &pkt->daddr, dest, now_ms);
	return dest;
}

extern const struct lvs_sched_ops lvs_sched_lblcr;

int lvs_lblcr_cache_entries(const struct lvs_service *svc)
{
	const struct lblcr_table *tbl = svc->sched_data;
	return svc->sched == &lvs_sched_lblcr && tbl ? tbl->entries : 0;
}

const struct lvs_sched_ops lvs_sched_lblcr = {
	.name = "lblcr",
	.init_service = lblcr_init_service,
	.done_service = lblcr_done_service,
	.schedule = lblcr_schedule,
	.tick = lblcr_tick,
};
