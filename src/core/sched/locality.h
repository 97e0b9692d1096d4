/* locality.h - the destination-address cache lblc and lblcr share: 1024
 * buckets keyed by hash_32 of the (IPv6 XOR-folded) packet destination,
 * bounded growth, and the kernel's 60 s garbage collection (a full scan
 * every 30th run for entries idle longer than the scheduler's expiration,
 * else, above 16384 entries, a partial scan for entries idle 6 min).  Each
 * scheduler embeds struct lvs_loc_entry first in its own entry and says in
 * a struct lvs_loc_ops what an entry holds; the lookup, the wlc fallback
 * and the GC are here. */
#ifndef LVS_CORE_SCHED_LOCALITY_H
#define LVS_CORE_SCHED_LOCALITY_H

#include <stdint.h>
#include "core/sched.h"

#define LVS_LOC_TAB_BITS 10
#define LVS_LOC_TAB_SIZE (1 << LVS_LOC_TAB_BITS)

struct lvs_loc_entry {
	struct lvs_loc_entry *next;
	union lvs_addr addr;      /* packet destination address */
	uint64_t lastuse_ms;
};

/* what one scheduler keeps per destination address */
struct lvs_loc_ops {
	/* drop the entry's dest references and free it */
	void (*free_entry)(struct lvs_loc_entry *en);
	uint64_t (*expiration_ms)(void);
	/* the cached dest to use on a hit (not yet checked for lblc-overload),
	 * or NULL for a new wlc choice */
	struct lvs_dest *(*hit)(struct lvs_loc_entry *en, uint64_t now_ms);
	/* remember the new wlc choice in en, or with en NULL in a new entry
	 * (whose key the cache fills in); returns the entry, NULL when out of
	 * memory */
	struct lvs_loc_entry *(*add)(struct lvs_loc_entry *en, struct lvs_dest *dest, uint64_t now_ms);
};

struct lvs_loc_table {
	struct lvs_loc_entry *bucket[LVS_LOC_TAB_SIZE];
	int entries;
	int rover;                /* where the last scan stopped */
	int counter;              /* GC runs since the last full scan */
	int timer_armed;
	uint64_t next_check_ms;
	const struct lvs_loc_ops *ops;
};

/* store a scheduler's expiration sysctl, capped like the kernel's */
void lvs_loc_set_expiration(uint64_t *slot, uint64_t ms);
/* the kernel's ip_vs_dest_put: never frees, the table's trash reaps */
void lvs_loc_dest_put(struct lvs_dest *d);
/* allocate the table as svc->sched_data; 0 or -ENOMEM */
int lvs_loc_init_service(struct lvs_service *svc, const struct lvs_loc_ops *ops);
/* the schedule hook: on a hit, the entry's dest unless it is
 * lblc-overloaded; otherwise the wlc choice, added to the entry or cached
 * in a new one (none beyond the bound) */
struct lvs_dest *lvs_loc_schedule(struct lvs_service *svc, const struct lvs_sched_pkt *pkt, uint64_t now_ms);
/* free every entry and the table */
void lvs_loc_done_service(struct lvs_service *svc);
/* run the GC when its 60 s period is due */
void lvs_loc_tick(struct lvs_service *svc, uint64_t now_ms);
/* the entries cached for svc when ops is its scheduler, else 0 */
int lvs_loc_entries(const struct lvs_service *svc, const struct lvs_sched_ops *ops);

#endif
