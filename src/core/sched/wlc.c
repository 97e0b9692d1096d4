/* wlc.c - weighted least connection (ip_vs_wlc.c), the default scheduler:
 * minimal (active*256 + inactive)/weight, first in list order on ties.
 * The pick is lvs_sched_wlc_pick (common.c), shared with lblc(r). */
#include "core/sched.h"

const struct lvs_sched_ops lvs_sched_wlc = {
	.name = "wlc",
	.pick = lvs_sched_wlc_pick,
};
