/* nq.c - never queue (ip_vs_nq.c): the first usable dest (not OVERLOADed,
 * weight != 0) with no active connection is taken at once; otherwise the
 * sed choice (minimal (active+1)/weight, first wins ties).  Weights are
 * never negative (the table refuses them), so the sed pick sees the same
 * usable dests and the same ties as the kernel's single loop. */
#include "core/sched.h"

static struct lvs_dest *nq_pick(struct lvs_service *svc)
{
	const struct lvs_dest_vec *v = lvs_sched_dests(svc);
	unsigned n = lvs_sched_ndests(v);

	for (unsigned i = 0; i < n; i++) {
		struct lvs_dest *d = v->d[i];

		if (!lvs_dest_is_overloaded(d) && d->weight != 0 && d->activeconns == 0)
			return d; /* idle: never queue behind others */
	}
	return lvs_sched_sed_pick(svc);
}

const struct lvs_sched_ops lvs_sched_nq = {
	.name = "nq",
	.pick = nq_pick,
};
