/* wlc.c - weighted least connection (ip_vs_wlc.c), the default scheduler,
 * and shortest expected delay (ip_vs_sed.c): like wlc but the cost of a
 * dest is activeconns + 1 (inactive connections ignored); minimal
 * (active+1)/weight wins, compared as cross products, ties keep the
 * earlier dest in list order.  The picks are lvs_sched_wlc_pick and
 * lvs_sched_sed_pick (common.c), shared with lblc(r) and nq. */
#include "core/sched.h"

static struct lvs_dest *wlc_schedule(struct lvs_service *svc, const struct lvs_sched_pkt *pkt, uint64_t now_ms)
{
	(void)pkt;
	(void)now_ms;
	return lvs_sched_wlc_pick(svc);
}

static struct lvs_dest *sed_schedule(struct lvs_service *svc, const struct lvs_sched_pkt *pkt, uint64_t now_ms)
{
	(void)pkt;
	(void)now_ms;
	return lvs_sched_sed_pick(svc);
}

const struct lvs_sched_ops lvs_sched_wlc = {
	.name = "wlc",
	.schedule = wlc_schedule,
};

const struct lvs_sched_ops lvs_sched_sed = {
	.name = "sed",
	.schedule = sed_schedule,
};
