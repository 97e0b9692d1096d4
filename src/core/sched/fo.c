/* fo.c - weighted fail-over (ip_vs_fo.c): the non-OVERLOADed dest with the
 * highest weight (> 0); ties go to the first in list order. */
#include "core/sched.h"

static struct lvs_dest *fo_schedule(struct lvs_service *svc, const struct lvs_sched_pkt *pkt, uint64_t now_ms)
{
	struct lvs_dest *d, *best = NULL;

	(void)pkt;
	(void)now_ms;
	lvs_list_for_each_entry(d, &svc->destinations, n_list)
		if (!lvs_dest_is_overloaded(d) && d->weight > 0 && (!best || d->weight > best->weight))
			best = d;
	return best;
}

const struct lvs_sched_ops lvs_sched_fo = {
	.name = "fo",
	.schedule = fo_schedule,
};
