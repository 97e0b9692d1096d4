/* sed.c - shortest expected delay (ip_vs_sed.c): like wlc but the cost of
 * a dest is activeconns + 1 (inactive connections ignored); minimal
 * (active+1)/weight wins, compared as cross products, ties keep the
 * earlier dest in list order. */
#include "core/sched.h"

static int64_t sed_overhead(const struct lvs_dest *d)
{
	return (int64_t)d->activeconns + 1;
}

static struct lvs_dest *sed_schedule(struct lvs_service *svc, const struct lvs_sched_pkt *pkt, uint64_t now_ms)
{
	struct lvs_dest *d, *least = NULL;
	int64_t loh = 0;

	(void)pkt;
	(void)now_ms;
	lvs_list_for_each_entry(d, &svc->destinations, n_list) {
		if (!least) {
			if (!lvs_dest_is_overloaded(d) && d->weight > 0) {
				least = d;
				loh = sed_overhead(d);
			}
			continue;
		}
		if (lvs_dest_is_overloaded(d))
			continue;
		int64_t doh = sed_overhead(d);

		if (loh * d->weight > doh * least->weight) {
			least = d;
			loh = doh;
		}
	}
	return least;
}

const struct lvs_sched_ops lvs_sched_sed = {
	.name = "sed",
	.schedule = sed_schedule,
};
