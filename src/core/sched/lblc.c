/* lblc.c - locality-based least-connection scheduler (ip_vs_lblc.c).
 *
 * Contract: a per-service cache maps the packet's DESTINATION address to
 * the dest last chosen for it (1024 buckets, hash_32(ntohl(daddr), 10),
 * IPv6 XOR-folded).  A hit refreshes the entry's last use and returns the
 * cached dest if it is AVAILABLE, has weight > 0 and is not
 * "lblc-overloaded" (activeconns > weight while some dest of the service has
 * activeconns*2 < weight; the OVERLOAD flag is not looked at here).
 * Otherwise the wlc choice over the whole service is used and cached.
 *
 * GC runs from tick(): every 60 s (the kernel's timer) either a full scan
 * dropping entries idle for lblc_expiration (every 30th run), or, when the
 * cache holds more than 16384 entries, a partial scan dropping entries idle
 * for 6 min, up to min((entries-16384)*4/3, 8192) of them.  New entries are
 * not created beyond 24576 (a memory bound for a userspace daemon that
 * faces arbitrary destination addresses; the chosen dest is still used).
 *
 * Cache entries keep a reference on their dest (dest->refcnt) like the
 * kernel's ip_vs_dest_hold: a deleted dest stays in the table's trash while
 * an entry still points at it, and its cleared AVAILABLE flag makes a hit
 * fall through to a new choice.  done_service drops every reference.
 */
#include <errno.h>
#include <stdlib.h>
#include "core/sched.h"
#include "core/table.h"

#define LBLC_TAB_BITS 10
#define LBLC_TAB_SIZE (1 << LBLC_TAB_BITS)
#define LBLC_TAB_MASK (LBLC_TAB_SIZE - 1)
#define LBLC_MAX_SIZE (LBLC_TAB_SIZE * 16)
#define LBLC_HARD_CAP (LBLC_MAX_SIZE * 3 / 2)

#define CHECK_EXPIRE_INTERVAL_MS (60 * 1000ULL)
#define ENTRY_TIMEOUT_MS (6 * 60 * 1000ULL)
#define COUNT_FOR_FULL_EXPIRATION 30

static uint64_t lblc_expiration_ms = LVS_LBLC_EXPIRATION_DEFAULT_MS;

void lvs_lblc_set_expiration_ms(uint64_t ms)
{
	if (ms > LVS_LBLC_EXPIRATION_MAX_MS)
		ms = LVS_LBLC_EXPIRATION_MAX_MS;
	__atomic_store_n(&lblc_expiration_ms, ms, __ATOMIC_RELAXED);
}

uint64_t lvs_lblc_get_expiration_ms(void)
{
	return __atomic_load_n(&lblc_expiration_ms, __ATOMIC_RELAXED);
}

struct lblc_entry {
	struct lblc_entry *next;
	union lvs_addr addr;     /* packet destination address */
	struct lvs_dest *dest;   /* holds a reference */
	uint64_t lastuse_ms;
};

struct lblc_table {
	struct lblc_entry *bucket[LBLC_TAB_SIZE];
	int entries;
	int rover;               /* where the last scan stopped */
	int counter;             /* GC runs since the last full scan */
	int timer_armed;
	uint64_t next_check_ms;
};

static void dest_put(struct lvs_dest *d)
{
	/* the kernel's ip_vs_dest_put: never frees, the table's trash reaps */
	__atomic_sub_fetch(&d->refcnt, 1, __ATOMIC_RELAXED);
}

static unsigned lblc_hashkey(int af, const union lvs_addr *addr)
{
	return lvs_hash_32(lvs_addr_fold(af, addr), LBLC_TAB_BITS);
}

static struct lblc_entry *lblc_get(struct lblc_table *tbl, int af, const union lvs_addr *addr)
{
	for (struct lblc_entry *en = tbl->bucket[lblc_hashkey(af, addr)]; en; en = en->next)
		if (lvs_addr_equal(af, &en->addr, addr))
			return en;
	return NULL;
}

static void lblc_free_entry(struct lblc_table *tbl, struct lblc_entry *en)
{
	dest_put(en->dest);
	free(en);
	tbl->entries--;
}

/* cache daddr -> dest: replace a different dest, else create (bounded) */
static void lblc_new(struct lblc_table *tbl, int af, const union lvs_addr *daddr,
		     struct lvs_dest *dest, uint64_t now_ms)
{
	struct lblc_entry *en = lblc_get(tbl, af, daddr);

	if (en) {
		if (en->dest == dest)
			return;
		lvs_dest_hold(dest);
		dest_put(en->dest);
		en->dest = dest;
		en->lastuse_ms = now_ms;
		return;
	}
	if (tbl->entries >= LBLC_HARD_CAP)
		return;
	en = calloc(1, sizeof(*en));
	if (!en)
		return;
	en->addr = *daddr;
	lvs_dest_hold(dest);
	en->dest = dest;
	en->lastuse_ms = now_ms;
	unsigned h = lblc_hashkey(af, daddr);
	en->next = tbl->bucket[h];
	tbl->bucket[h] = en;
	tbl->entries++;
}

/* drop the entries of one bucket idle for at least idle_ms; returns how many */
static int lblc_expire_bucket(struct lblc_table *tbl, int j, uint64_t now_ms, uint64_t idle_ms)
{
	struct lblc_entry **pp = &tbl->bucket[j];
	int n = 0;

	while (*pp) {
		struct lblc_entry *en = *pp;
		if (now_ms < en->lastuse_ms + idle_ms) {
			pp = &en->next;
			continue;
		}
		*pp = en->next;
		lblc_free_entry(tbl, en);
		n++;
	}
	return n;
}

static void lblc_check_expire(struct lblc_table *tbl, uint64_t now_ms)
{
	int i, j = tbl->rover;

	if (tbl->counter % COUNT_FOR_FULL_EXPIRATION == 0) {
		uint64_t exp = lvs_lblc_get_expiration_ms();
		for (i = 0; i < LBLC_TAB_SIZE; i++) {
			j = (j + 1) & LBLC_TAB_MASK;
			lblc_expire_bucket(tbl, j, now_ms, exp);
		}
		tbl->rover = j;
		tbl->counter = 1;
		return;
	}
	if (tbl->entries <= LBLC_MAX_SIZE) {
		tbl->counter++;
		return;
	}
	int goal = (tbl->entries - LBLC_MAX_SIZE) * 4 / 3;
	if (goal > LBLC_MAX_SIZE / 2)
		goal = LBLC_MAX_SIZE / 2;
	for (i = 0; i < LBLC_TAB_SIZE; i++) {
		j = (j + 1) & LBLC_TAB_MASK;
		goal -= lblc_expire_bucket(tbl, j, now_ms, ENTRY_TIMEOUT_MS);
		if (goal <= 0)
			break;
	}
	tbl->rover = j;
}

static int lblc_init_service(struct lvs_service *svc)
{
	struct lblc_table *tbl = calloc(1, sizeof(*tbl));
	if (!tbl)
		return -ENOMEM;
	tbl->counter = 1;
	svc->sched_data = tbl;
	return 0;
}

static void lblc_done_service(struct lvs_service *svc)
{
	struct lblc_table *tbl = svc->sched_data;

	if (!tbl)
		return;
	for (int i = 0; i < LBLC_TAB_SIZE; i++) {
		while (tbl->bucket[i]) {
			struct lblc_entry *en = tbl->bucket[i];
			tbl->bucket[i] = en->next;
			lblc_free_entry(tbl, en);
		}
	}
	free(tbl);
	svc->sched_data = NULL;
}

static void lblc_tick(struct lvs_service *svc, uint64_t now_ms)
{
	struct lblc_table *tbl = svc->sched_data;

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
	lblc_check_expire(tbl, now_ms);
	tbl->next_check_ms = now_ms + CHECK_EXPIRE_INTERVAL_MS;
}

/* overloaded and some other dest is less than half loaded */
static int lblc_is_overloaded(const struct lvs_dest *dest, struct lvs_service *svc)
{
	struct lvs_dest *d;

	if (__atomic_load_n(&dest->activeconns, __ATOMIC_RELAXED) <= dest->weight)
		return 0;
	lvs_list_for_each_entry(d, &svc->destinations, n_list)
		if (__atomic_load_n(&d->activeconns, __ATOMIC_RELAXED) * 2 < d->weight)
			return 1;
	return 0;
}

static struct lvs_dest *lblc_schedule(struct lvs_service *svc, const struct lvs_sched_pkt *pkt,
				      uint64_t now_ms)
{
	struct lblc_table *tbl = svc->sched_data;
	struct lvs_dest *dest;

	if (!tbl)
		return NULL;
	struct lblc_entry *en = lblc_get(tbl, svc->af, &pkt->daddr);
	if (en) {
		en->lastuse_ms = now_ms;
		dest = en->dest;
		if ((__atomic_load_n(&dest->flags, __ATOMIC_RELAXED) & LVS_DEST_F_AVAILABLE) &&
		    dest->weight > 0 && !lblc_is_overloaded(dest, svc))
			return dest;
	}
	dest = lvs_sched_wlc_pick(svc);
	if (!dest)
		return NULL;
	lblc_new(tbl, svc->af, &pkt->daddr, dest, now_ms);
	return dest;
}

extern const struct lvs_sched_ops lvs_sched_lblc;

int lvs_lblc_cache_entries(const struct lvs_service *svc)
{
	const struct lblc_table *tbl = svc->sched_data;
	return svc->sched == &lvs_sched_lblc && tbl ? tbl->entries : 0;
}

const struct lvs_sched_ops lvs_sched_lblc = {
	.name = "lblc",
	.init_service = lblc_init_service,
	.done_service = lblc_done_service,
	.schedule = lblc_schedule,
	.tick = lblc_tick,
};
