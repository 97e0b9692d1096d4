/* common.c - helpers shared by several schedulers (sched.h). */
#include "core/sched.h"

/* ip_vs_wlc_schedule: the first usable dest (not OVERLOADed, weight > 0)
 * in list order, then any later non-OVERLOADed dest with a strictly lower
 * overhead/weight (compared as 64-bit cross products, so a weight-0 dest
 * can never win).  Ties keep the earlier (newer) dest.  The screen skips
 * the dests that cannot beat the current one (sched/screen.c). */
struct lvs_dest *lvs_sched_wlc_pick(struct lvs_service *svc)
{
	const struct lvs_dest_vec *v = lvs_sched_dests(svc);
	unsigned i = 0, n = lvs_sched_ndests(v);
	struct lvs_dest *least = NULL;
	int64_t loh = 0, lw = 0;

	for (; i < n; i++) {
		struct lvs_dest *d = v->d[i];

		if (!lvs_dest_is_overloaded(d) && d->weight > 0) {
			least = d;
			loh = lvs_dest_overhead(d);
			lw = d->weight;
			i++;
			break;
		}
	}
	for (; (i = lvs_sched_next_ratio(v, i, loh, lw, 0)) < n; i++) {
		struct lvs_dest *d = v->d[i];

		if (lvs_dest_is_overloaded(d))
			continue;
		int64_t doh = lvs_dest_overhead(d), w = d->weight;

		if (loh * w > doh * lw) {
			least = d;
			loh = doh;
			lw = w;
		}
	}
	return least;
}
