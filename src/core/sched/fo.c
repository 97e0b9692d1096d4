/* fo.c - weighted fail-over (ip_vs_fo.c) and weighted overflow
 * (ip_vs_ovf.c), two variants of one pick.
 *
 * fo: the non-OVERLOADed dest with the highest weight (> 0); ties go to
 * the first in list order.
 * ovf: the same among the dests that also have no more active connections
 * than their weight: traffic stays on the heaviest server until it is
 * "full", then overflows. */
#include "core/sched.h"

/* ip_vs_fo_schedule (ovf 0): the non-OVERLOADed dest with the highest
 * weight > 0, first in list order on ties; ip_vs_ovf_schedule (ovf 1) also
 * passes over the dests with more active connections than their weight.
 * The screen skips the dests that cannot beat the current one. */
static struct lvs_dest *heaviest(struct lvs_service *svc, int ovf)
{
	const struct lvs_dest_vec *v = lvs_sched_dests(svc);
	unsigned n = lvs_sched_ndests(v);
	struct lvs_dest *best = NULL;
	int bw = 0; /* best->weight; only weights > 0 qualify */

	for (unsigned i = 0; (i = lvs_sched_next_heavier(v, i, bw, ovf)) < n; i++) {
		struct lvs_dest *d = v->d[i];
		int w = d->weight;

		if (lvs_dest_is_overloaded(d) || (ovf && d->activeconns > w))
			continue;
		if (w > bw) {
			best = d;
			bw = w;
		}
	}
	return best;
}

static struct lvs_dest *fo_schedule(struct lvs_service *svc, const struct lvs_sched_pkt *pkt, uint64_t now_ms)
{
	(void)pkt;
	(void)now_ms;
	return heaviest(svc, 0);
}

static struct lvs_dest *ovf_schedule(struct lvs_service *svc, const struct lvs_sched_pkt *pkt, uint64_t now_ms)
{
	(void)pkt;
	(void)now_ms;
	return heaviest(svc, 1);
}

const struct lvs_sched_ops lvs_sched_fo = {
	.name = "fo",
	.schedule = fo_schedule,
};

const struct lvs_sched_ops lvs_sched_ovf = {
	.name = "ovf",
	.schedule = ovf_schedule,
};
