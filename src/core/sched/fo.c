/* fo.c - weighted fail-over (ip_vs_fo.c): the non-OVERLOADed dest with the
 * highest weight (> 0); ties go to the first in list order.  The pick is
 * lvs_sched_heaviest (common.c), shared with ovf. */
#include "core/sched.h"

static struct lvs_dest *fo_pick(struct lvs_service *svc)
{
	return lvs_sched_heaviest(svc, 0);
}

const struct lvs_sched_ops lvs_sched_fo = {
	.name = "fo",
	.pick = fo_pick,
};
