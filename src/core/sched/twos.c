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
	/* the total usable weight (vectorised, sched/screen.c); a usable
	 * dest has weight > 0, so total > 0 means there is one */
	total = lvs_sched_usable_weight(v);
	if (total <= 0)
		return NULL;
	/* +1: the draws are inclusive of the total */
	total += 1;
	if (total > UINT32_MAX)
		total = UINT32_MAX;
	r1 = random_below((uint32_t)total);
	r2 = random_below((uint32_t)total);

	unsigned i = 0;

	while (i < n && (weight1 == -1 || weight2 == -1)) {
		/* skip whole blocks of four in which no pending count-down
		 * reaches 0, then walk one block dest by dest */
		int64_t pend = weight1 == -1 ? r1 : r2;

		if (weight1 == -1 && weight2 == -1 && r2 < pend)
			pend = r2;
		int64_t before = pend;

		i = lvs_sched_skip_weight(v, i, &pend);
		r1 -= before - pend;
		r2 -= before - pend;
		/* one block, or to the end when the screen declined (few left) */
		unsigned stop = i + 4 < n && n - i >= 16 ? i + 4 : n;

		for (; i < stop; i++) {
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
	}
	if (weight1 == -1) {
		/* a dest turned OVERLOADed between the two passes (workers clear
		 * and set the flag without the table lock): the last usable one,
		 * as the kernel's first pass would have left in choice1 */
		for (i = n; i-- > 0;)
			if (usable(v->d[i]))
				return v->d[i];
		return NULL;
	}
	if (choice2 && weight2 * overhead1 > weight1 * overhead2)
		choice1 = choice2;
	return choice1;
}

const struct lvs_sched_ops lvs_sched_twos = {
	.name = "twos",
	.schedule = twos_schedule,
};
