/* sed.c - shortest expected delay (ip_vs_sed.c): like wlc but the cost of
 * a dest is activeconns + 1 (inactive connections ignored); minimal
 * (active+1)/weight wins, compared as cross products, ties keep the
 * earlier dest in list order.  The pick is lvs_sched_sed_pick (common.c),
 * shared with nq. */
#include "core/sched.h"

const struct lvs_sched_ops lvs_sched_sed = {
	.name = "sed",
	.pick = lvs_sched_sed_pick,
};
