/* ovf.c - weighted overflow (ip_vs_ovf.c): among dests that are not
 * OVERLOADed, have weight > 0 and no more active connections than their
 * weight, the highest weight wins (first in list order on ties).  Traffic
 * stays on the heaviest server until it is "full", then overflows. */
#include "core/sched.h"

static struct lvs_dest *ovf_schedule(struct lvs_service *svc, const struct lvs_sched_pkt *pkt, uint64_t now_ms)
{
	const struct lvs_dest_vec *v = lvs_sched_dests(svc);
	unsigned n = lvs_sched_ndests(v);
	struct lvs_dest *best = NULL;
	int bw = 0; /* best->weight; only weights > 0 qualify */

	(void)pkt;
	(void)now_ms;
	/* the screen skips the dests that cannot beat bw (sched/screen.c) */
	for (unsigned i = 0; (i = lvs_sched_next_heavier(v, i, bw, 1)) < n; i++) {
		struct lvs_dest *d = v->d[i];
		int w = d->weight;

		if (lvs_dest_is_overloaded(d) || d->activeconns > w || w == 0)
			continue;
		if (w > bw) {
			best = d;
			bw = w;
		}
	}
	return best;
}

const struct lvs_sched_ops lvs_sched_ovf = {
	.name = "ovf",
	.schedule = ovf_schedule,
};
