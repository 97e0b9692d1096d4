/* fo.c - weighted fail-over (ip_vs_fo.c): the non-OVERLOADed dest with the
 * highest weight (> 0); ties go to the first in list order. */
#include "core/sched.h"

static struct lvs_dest *fo_schedule(struct lvs_service *svc, const struct lvs_sched_pkt *pkt, uint64_t now_ms)
{
	const struct lvs_dest_vec *v = lvs_sched_dests(svc);
	unsigned n = lvs_sched_ndests(v);
	struct lvs_dest *best = NULL;
	int bw = 0; /* best->weight; only weights > 0 qualify */

	(void)pkt;
	(void)now_ms;
	/* the screen skips the dests that cannot beat bw (sched/screen.c) */
	for (unsigned i = 0; (i = lvs_sched_next_heavier(v, i, bw, 0)) < n; i++) {
		struct lvs_dest *d = v->d[i];
		int w = d->weight;

		if (!lvs_dest_is_overloaded(d) && w > bw) {
			best = d;
			bw = w;
		}
	}
	return best;
}

const struct lvs_sched_ops lvs_sched_fo = {
	.name = "fo",
	.schedule = fo_schedule,
};
