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
#include <stdlib.h>
#include "core/sched.h"
#include "core/sched/locality.h"
#include "core/table.h"

static uint64_t lblc_expiration_ms = LVS_LBLC_EXPIRATION_DEFAULT_MS;

void lvs_lblc_set_expiration_ms(uint64_t ms)
{
	lvs_loc_set_expiration(&lblc_expiration_ms, ms);
}

uint64_t lvs_lblc_get_expiration_ms(void)
{
	return __atomic_load_n(&lblc_expiration_ms, __ATOMIC_RELAXED);
}

struct lblc_entry {
	struct lvs_loc_entry loc; /* first: the cache links these */
	struct lvs_dest *dest;    /* holds a reference */
};

static void lblc_free_entry(struct lvs_loc_entry *loc)
{
	struct lblc_entry *en = (struct lblc_entry *)loc;

	lvs_loc_dest_put(en->dest);
	free(en);
}

static struct lvs_dest *lblc_hit(struct lvs_loc_entry *loc, uint64_t now_ms)
{
	struct lvs_dest *dest = ((struct lblc_entry *)loc)->dest;

	(void)now_ms;
	if ((__atomic_load_n(&dest->flags, __ATOMIC_RELAXED) & LVS_DEST_F_AVAILABLE) && dest->weight > 0)
		return dest;
	return NULL;
}

/* the entry caches dest from now on, in place of any other */
static struct lvs_loc_entry *lblc_set(struct lvs_loc_entry *loc, struct lvs_dest *dest, uint64_t now_ms)
{
	struct lblc_entry *en = loc ? (struct lblc_entry *)loc : calloc(1, sizeof(*en));

	if (!en)
		return NULL;
	if (en->dest != dest) {
		lvs_dest_hold(dest);
		if (en->dest)
			lvs_loc_dest_put(en->dest);
		en->dest = dest;
		en->loc.lastuse_ms = now_ms;
	}
	return &en->loc;
}

static const struct lvs_loc_ops lblc_loc = {
	.free_entry = lblc_free_entry,
	.expiration_ms = lvs_lblc_get_expiration_ms,
	.hit = lblc_hit,
	.add = lblc_set,
};

static int lblc_init_service(struct lvs_service *svc)
{
	return lvs_loc_init_service(svc, &lblc_loc);
}

extern const struct lvs_sched_ops lvs_sched_lblc;

int lvs_lblc_cache_entries(const struct lvs_service *svc)
{
	return lvs_loc_entries(svc, &lvs_sched_lblc);
}

const struct lvs_sched_ops lvs_sched_lblc = {
	.name = "lblc",
	.init_service = lblc_init_service,
	.done_service = lvs_loc_done_service,
	.schedule = lvs_loc_schedule,
	.tick = lvs_loc_tick,
};
