/* twos.c - power of two choices (mainline ip_vs_twos.c).
 *
 * Two weighted random draws r1, r2 in [0, sum of usable weights] pick two
 * dests by walking the list and subtracting weights (the first dest where
 * the remainder reaches <= 0); the one with the lower overhead/weight
 * wins, choice 1 on ties.  Randomness: lvs_random_u32 (seedable). */
#include "core/sched.h"

/* uniform-enough integer in [0, n): multiply-shift like get_random_u32_below */
static uint32_t random_below(uint32_t n)
{
	return (uint32_t)(((uint64_t)lvs_random_u32() * n) >> 32);
}

static int usable(const struct lvs_dest *d)
{
	return !lvs_dest_is_overloaded(d) && d->weight > 0;
}

static struct lvs_dest *twos_schedule(struct lvs_service *svc, const struct lvs_sched_pkt *pkt, uint64_t now_ms)
{
	const struct lvs_dest_vec *v = lvs_sched_dests(svc);
	unsigned n = lvs_sched_ndests(v);
	struct lvs_dest *choice1 = NULL, *choice2 = NULL;
	int64_t total = 0, r1, r2, weight1 = -1, weight2 = -1, overhead1 = 0, overhead2 = 0;

	(void)pkt;
	(void)now_ms;
	for (unsigned i = 0; i < n; i++) {
		struct lvs_dest *d = v->d[i];

		if (usable(d)) {
			total += d->weight;
			choice1 = d;
		}
	}
	if (!choice1)
		return NULL;
	/* +1: the draws are inclusive of the total */
	total += 1;
	if (total > UINT32_MAX)
		total = UINT32_MAX;
	r1 = random_below((uint32_t)total);
	r2 = random_below((uint32_t)total);

	for (unsigned i = 0; i < n; i++) {
		struct lvs_dest *d = v->d[i];

		if (!usable(d))
			continue;
		r1 -= d->weight;
		r2 -= d->weight;
		if (r1 <= 0 && weight1 == -1) {
			choice1 = d;
			weight1 = d->weight;
			overhead1 = lvs_dest_overhead(d);
		}
		if (r2 <= 0 && weight2 == -1) {
			choice2 = d;
			weight2 = d->weight;
			overhead2 = lvs_dest_overhead(d);
		}
		if (weight1 != -1 && weight2 != -1)
			break;
	}
	if (choice2 && weight2 * overhead1 > weight1 * overhead2)
		choice1 = choice2;
	return choice1;
}

const struct lvs_sched_ops lvs_sched_twos = {
	.name = "twos",
	.schedule = twos_schedule,
};
