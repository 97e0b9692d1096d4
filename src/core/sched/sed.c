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
	const struct lvs_dest_vec *v = lvs_sched_dests(svc);
	unsigned i = 0, n = lvs_sched_ndests(v);
	struct lvs_dest *least = NULL;
	int64_t loh = 0, lw = 0;

	(void)pkt;
	(void)now_ms;
	for (; i < n; i++) {
		struct lvs_dest *d = v->d[i];

		if (!lvs_dest_is_overloaded(d) && d->weight > 0) {
			least = d;
			loh = sed_overhead(d);
			lw = d->weight;
			i++;
			break;
		}
	}
	/* the screen skips dests that cannot beat the current one */
	for (; (i = lvs_sched_next_ratio(v, i, loh, lw, 1)) < n; i++) {
		struct lvs_dest *d = v->d[i];

		if (lvs_dest_is_overloaded(d))
			continue;
		int64_t doh = sed_overhead(d), w = d->weight;

		if (loh * w > doh * lw) {
			least = d;
			loh = doh;
			lw = w;
		}
	}
	return least;
}

const struct lvs_sched_ops lvs_sched_sed = {
	.name = "sed",
	.schedule = sed_schedule,
};
