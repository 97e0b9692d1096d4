/* locality.c - the destination-address cache of lblc and lblcr (locality.h). */
#include <errno.h>
#include <stdlib.h>
#include "core/sched/locality.h"
#include "core/table.h"

#define LOC_TAB_MASK (LVS_LOC_TAB_SIZE - 1)
#define LOC_MAX_SIZE (LVS_LOC_TAB_SIZE * 16)
#define LOC_HARD_CAP (LOC_MAX_SIZE * 3 / 2)

#define CHECK_EXPIRE_INTERVAL_MS (60 * 1000ULL)
#define ENTRY_TIMEOUT_MS (6 * 60 * 1000ULL)
#define COUNT_FOR_FULL_EXPIRATION 30

void lvs_loc_set_expiration(uint64_t *slot, uint64_t ms)
{
	if (ms > LVS_LBLC_EXPIRATION_MAX_MS)
		ms = LVS_LBLC_EXPIRATION_MAX_MS;
	__atomic_store_n(slot, ms, __ATOMIC_RELAXED);
}

void lvs_loc_dest_put(struct lvs_dest *d)
{
	__atomic_sub_fetch(&d->refcnt, 1, __ATOMIC_RELAXED);
}

static unsigned loc_hashkey(int af, const union lvs_addr *addr)
{
	return lvs_hash_32(lvs_addr_fold(af, addr), LVS_LOC_TAB_BITS);
}

static struct lvs_loc_entry *loc_get(struct lvs_loc_table *tbl, int af, const union lvs_addr *addr)
{
	for (struct lvs_loc_entry *en = tbl->bucket[loc_hashkey(af, addr)]; en; en = en->next)
		if (lvs_addr_equal(af, &en->addr, addr))
			return en;
	return NULL;
}

/* 1 when no new entry may be made (the bound on a cache that faces
 * arbitrary destination addresses) */
static int loc_full(const struct lvs_loc_table *tbl)
{
	return tbl->entries >= LOC_HARD_CAP;
}

static void loc_link(struct lvs_loc_table *tbl, int af, struct lvs_loc_entry *en,
		     const union lvs_addr *addr, uint64_t now_ms)
{
	unsigned h = loc_hashkey(af, addr);

	en->addr = *addr;
	en->lastuse_ms = now_ms;
	en->next = tbl->bucket[h];
	tbl->bucket[h] = en;
	tbl->entries++;
}

static void loc_free_entry(struct lvs_loc_table *tbl, struct lvs_loc_entry *en)
{
	tbl->ops->free_entry(en);
	tbl->entries--;
}

/* drop the entries of one bucket idle for at least idle_ms; returns how many */
static int loc_expire_bucket(struct lvs_loc_table *tbl, int j, uint64_t now_ms, uint64_t idle_ms)
{
	struct lvs_loc_entry **pp = &tbl->bucket[j];
	int n = 0;

	while (*pp) {
		struct lvs_loc_entry *en = *pp;
		if (now_ms < en->lastuse_ms + idle_ms) {
			pp = &en->next;
			continue;
		}
		*pp = en->next;
		loc_free_entry(tbl, en);
		n++;
	}
	return n;
}

static void loc_check_expire(struct lvs_loc_table *tbl, uint64_t now_ms)
{
	int i, j = tbl->rover;

	if (tbl->counter % COUNT_FOR_FULL_EXPIRATION == 0) {
		uint64_t exp = tbl->ops->expiration_ms();
		for (i = 0; i < LVS_LOC_TAB_SIZE; i++) {
			j = (j + 1) & LOC_TAB_MASK;
			loc_expire_bucket(tbl, j, now_ms, exp);
		}
		tbl->rover = j;
		tbl->counter = 1;
		return;
	}
	if (tbl->entries <= LOC_MAX_SIZE) {
		tbl->counter++;
		return;
	}
	int goal = (tbl->entries - LOC_MAX_SIZE) * 4 / 3;
	if (goal > LOC_MAX_SIZE / 2)
		goal = LOC_MAX_SIZE / 2;
	for (i = 0; i < LVS_LOC_TAB_SIZE; i++) {
		j = (j + 1) & LOC_TAB_MASK;
		goal -= loc_expire_bucket(tbl, j, now_ms, ENTRY_TIMEOUT_MS);
		if (goal <= 0)
			break;
	}
	tbl->rover = j;
}

int lvs_loc_init_service(struct lvs_service *svc, const struct lvs_loc_ops *ops)
{
	struct lvs_loc_table *tbl = calloc(1, sizeof(*tbl));
	if (!tbl)
		return -ENOMEM;
	tbl->counter = 1;
	tbl->ops = ops;
	svc->sched_data = tbl;
	return 0;
}

void lvs_loc_done_service(struct lvs_service *svc)
{
	struct lvs_loc_table *tbl = svc->sched_data;

	if (!tbl)
		return;
	for (int i = 0; i < LVS_LOC_TAB_SIZE; i++) {
		while (tbl->bucket[i]) {
			struct lvs_loc_entry *en = tbl->bucket[i];
			tbl->bucket[i] = en->next;
			loc_free_entry(tbl, en);
		}
	}
	free(tbl);
	svc->sched_data = NULL;
}

void lvs_loc_tick(struct lvs_service *svc, uint64_t now_ms)
{
	struct lvs_loc_table *tbl = svc->sched_data;

	if (!tbl)
		return;
	/* the kernel arms its 60 s timer at bind time; we learn the clock here */
	if (!tbl->timer_armed) {
		tbl->timer_armed = 1;
		tbl->next_check_ms = now_ms + CHECK_EXPIRE_INTERVAL_MS;
		return;
	}
	if (now_ms < tbl->next_check_ms)
		return;
	loc_check_expire(tbl, now_ms);
	tbl->next_check_ms = now_ms + CHECK_EXPIRE_INTERVAL_MS;
}

int lvs_loc_entries(const struct lvs_service *svc, const struct lvs_sched_ops *ops)
{
	const struct lvs_loc_table *tbl = svc->sched_data;
	return svc->sched == ops && tbl ? tbl->entries : 0;
}

/* activeconns > weight while some dest of svc has activeconns*2 < weight */
static int loc_is_overloaded(const struct lvs_dest *dest, struct lvs_service *svc)
{
	struct lvs_dest *d;

	if (__atomic_load_n(&dest->activeconns, __ATOMIC_RELAXED) <= dest->weight)
		return 0;
	lvs_list_for_each_entry(d, &svc->destinations, n_list)
		if (__atomic_load_n(&d->activeconns, __ATOMIC_RELAXED) * 2 < d->weight)
			return 1;
	return 0;
}

struct lvs_dest *lvs_loc_schedule(struct lvs_service *svc, const struct lvs_sched_pkt *pkt, uint64_t now_ms)
{
	struct lvs_loc_table *tbl = svc->sched_data;
	struct lvs_loc_entry *en;
	struct lvs_dest *dest;

	if (!tbl)
		return NULL;
	en = loc_get(tbl, svc->af, &pkt->daddr);
	if (en) {
		en->lastuse_ms = now_ms;
		dest = tbl->ops->hit(en, now_ms);
		if (dest && !loc_is_overloaded(dest, svc))
			return dest;
	}
	dest = lvs_sched_wlc_pick(svc);
	if (!dest)
		return NULL;
	if (en)
		tbl->ops->add(en, dest, now_ms);
	else if (!loc_full(tbl) && (en = tbl->ops->add(NULL, dest, now_ms)))
		loc_link(tbl, svc->af, en, &pkt->daddr, now_ms);
	return dest;
}
