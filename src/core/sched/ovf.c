/* ovf.c - weighted overflow (ip_vs_ovf.c): among dests that are not
 * OVERLOADed, have weight > 0 and no more active connections than their
 * weight, the highest weight wins (first in list order on ties).  Traffic
 * stays on the heaviest server until it is "full", then overflows.  The
 * pick is lvs_sched_heaviest (common.c), shared with fo. */
#include "core/sched.h"

static struct lvs_dest *ovf_schedule(struct lvs_service *svc, const struct lvs_sched_pkt *pkt, uint64_t now_ms)
{
	(void)pkt;
	(void)now_ms;
	return lvs_sched_heaviest(svc, 1);
}

const struct lvs_sched_ops lvs_sched_ovf = {
	.name = "ovf",
	.schedule = ovf_schedule,
};
