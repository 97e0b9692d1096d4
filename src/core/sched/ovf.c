/* ovf.c - weighted overflow (ip_vs_ovf.c): among dests that are not
 * OVERLOADed, have weight > 0 and no more active connections than their
 * weight, the highest weight wins (first in list order on ties).  Traffic
 * stays on the heaviest server until it is "full", then overflows. */
#include "core/sched.h"

static struct lvs_dest *ovf_schedule(struct lvs_service *svc, const struct lvs_sched_pkt *pkt, uint64_t now_ms)
{
	struct lvs_dest *d, *best = NULL;

	(void)pkt;
	(void)now_ms;
	lvs_list_for_each_entry(d, &svc->destinations, n_list) {
		int w = d->weight;

		if (lvs_dest_is_overloaded(d) || d->activeconns > w || w == 0)
			continue;
		if (!best || w > best->weight)
			best = d;
	}
	return best;
}

const struct lvs_sched_ops lvs_sched_ovf = {
	.name = "ovf",
	.schedule = ovf_schedule,
};
