/* ovf.c - weighted overflow (ip_vs_ovf.c): as fo, among the dests that also
 * have no more active connections than their weight, so traffic stays on
 * the heaviest server until it is "full", then overflows to the next.  The
 * pick is lvs_sched_heaviest (common.c), shared with fo. */
#include "core/sched.h"

static struct lvs_dest *ovf_pick(struct lvs_service *svc)
{
	return lvs_sched_heaviest(svc, 1);
}

const struct lvs_sched_ops lvs_sched_ovf = {
	.name = "ovf",
	.pick = ovf_pick,
};
