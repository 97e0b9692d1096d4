/* wlc.c - weighted least connection (ip_vs_wlc.c), the default scheduler.
 * The pick itself is lvs_sched_wlc_pick (common.c), shared with lblc(r). */
#include "core/sched.h"

static struct lvs_dest *wlc_schedule(struct lvs_service *svc, const struct lvs_sched_pkt *pkt, uint64_t now_ms)
{
	(void)pkt;
	(void)now_ms;
	return lvs_sched_wlc_pick(svc);
}

const struct lvs_sched_ops lvs_sched_wlc = {
	.name = "wlc",
	.schedule = wlc_schedule,
};
