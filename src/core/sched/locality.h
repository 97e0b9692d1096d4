/* locality.h - the destination-address cache lblc and lblcr share: 1024
 * buckets keyed by hash_32 of the (IPv6 XOR-folded) packet destination,
 * bounded growth, and the kernel's 60 s garbage collection (a full scan
 * every 30th run for entries idle longer than the scheduler's expiration,
 * else, above 16384 entries, a partial scan for entries idle 6 min).  Each
 * scheduler embeds struct lvs_loc_entry first in its own entry and says how
 * to free one and which expiration applies. */
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

struct lvs_loc_table {
	struct lvs_loc_entry *bucket[LVS_LOC_TAB_SIZE];
	int entries;
	int rover;                /* where the last scan stopped */
	int counter;              /* GC runs since the last full scan */
	int timer_armed;
	uint64_t next_check_ms;
	void (*free_entry)(struct lvs_loc_entry *en); /* drops its references */
	uint64_t (*expiration_ms)(void);
};

/* store a scheduler's expiration sysctl, capped like the kernel's */
void lvs_loc_set_expiration(uint64_t *slot, uint64_t ms);
/* the kernel's ip_vs_dest_put: never frees, the table's trash reaps */
void lvs_loc_dest_put(struct lvs_dest *d);
/* allocate the table as svc->sched_data; 0 or -ENOMEM */
int lvs_loc_init_service(struct lvs_service *svc, void (*free_entry)(struct lvs_loc_entry *),
			 uint64_t (*expiration_ms)(void));
/* free every entry and the table */
void lvs_loc_done_service(struct lvs_service *svc);
/* run the GC when its 60 s period is due */
void lvs_loc_tick(struct lvs_service *svc, uint64_t now_ms);
struct lvs_loc_entry *lvs_loc_get(struct lvs_loc_table *tbl, int af, const union lvs_addr *addr);
/* 1 when no new entry may be made (the bound on a cache that faces
 * arbitrary destination addresses) */
int lvs_loc_full(const struct lvs_loc_table *tbl);
/* link a new entry for addr (the caller filled the rest) */
void lvs_loc_link(struct lvs_loc_table *tbl, int af, struct lvs_loc_entry *en,
		  const union lvs_addr *addr, uint64_t now_ms);
/* the entries cached for svc when ops is its scheduler, else 0 */
int lvs_loc_entries(const struct lvs_service *svc, const struct lvs_sched_ops *ops);
/* activeconns > weight while some dest of svc has activeconns*2 < weight */
int lvs_loc_is_overloaded(const struct lvs_dest *dest, struct lvs_service *svc);

#endif
