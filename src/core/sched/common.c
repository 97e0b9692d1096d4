/* common.c - helpers shared by several schedulers (sched.h). */
#include "core/sched.h"

/* ip_vs_wlc_schedule: the first usable dest (not OVERLOADed, weight > 0)
 * in list order, then any later non-OVERLOADed dest with a strictly lower
 * overhead/weight (compared as 64-bit cross products, so a weight-0 dest
 * can never win).  Ties keep the earlier (newer) dest. */
struct lvs_dest *lvs_sched_wlc_pick(struct lvs_service *svc)
{
	struct lvs_dest *d, *least = NULL;
	int64_t loh = 0;

	lvs_list_for_each_entry(d, &svc->destinations, n_list) {
		if (least == NULL) {
			if (!lvs_dest_is_overloaded(d) && d->weight > 0) {
				least = d;
				loh = lvs_dest_overhead(d);
			}
			continue;
		}
		if (lvs_dest_is_overloaded(d))
			continue;
		int64_t doh = lvs_dest_overhead(d);

		if (loh * d->weight > doh * least->weight) {
			least = d;
			loh = doh;
		}
	}
	return least;
}
