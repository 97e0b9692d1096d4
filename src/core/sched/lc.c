/* lc.c - least connection (ip_vs_lc.c): the first dest in list order with
 * the smallest overhead (active*256 + inactive), skipping OVERLOADed and
 * weight-0 dests; the weight value itself does not matter. */
#include "core/sched.h"

static struct lvs_dest *lc_schedule(struct lvs_service *svc, const struct lvs_sched_pkt *pkt, uint64_t now_ms)
{
	struct lvs_dest *d, *least = NULL;
	int loh = 0;

	(void)pkt;
	(void)now_ms;
	lvs_list_for_each_entry(d, &svc->destinations, n_list) {
		if (lvs_dest_is_overloaded(d) || d->weight == 0)
			continue;
		int doh = lvs_dest_overhead(d);

		if (!least || doh < loh) {
			least = d;
			loh = doh;
		}
	}
	return least;
}

const struct lvs_sched_ops lvs_sched_lc = {
	.name = "lc",
	.schedule = lc_schedule,
};
