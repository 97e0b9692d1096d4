/* lc.c - least connection (ip_vs_lc.c): the first dest in list order with
 * the smallest overhead (active*256 + inactive), skipping OVERLOADed and
 * weight-0 dests; the weight value itself does not matter. */
#include "core/sched.h"

static struct lvs_dest *lc_pick(struct lvs_service *svc)
{
	const struct lvs_dest_vec *v = lvs_sched_dests(svc);
	unsigned n = lvs_sched_ndests(v);
	struct lvs_dest *least = NULL;
	int loh = 0;

	for (unsigned i = 0; i < n; i++) {
		struct lvs_dest *d = v->d[i];

		if (lvs_dest_is_overloaded(d) || d->weight == 0)
			continue;
		int doh = lvs_dest_overhead(d);

		if (!least || doh < loh) {
			least = d;
			loh = doh;
			/* from here on the screen skips the dests that cannot
			 * beat it (sched/screen.c), then we test exactly */
			i = lvs_sched_next_lc(v, i + 1, loh) - 1;
		}
	}
	return least;
}

const struct lvs_sched_ops lvs_sched_lc = {
	.name = "lc",
	.pick = lc_pick,
};
