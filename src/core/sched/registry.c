/* registry.c - every scheduler lvsd knows, looked up by name (sched.h).
 *
 * The order is the kernel's registration order seen in the oracle's dmesg
 * (rr wrr lc wlc lblc lblcr dh sh sed nq fo ovf mh), plus twos (newer
 * kernels).  "none" is not a scheduler: the table handles it. */
#include <string.h>
#include "core/sched.h"

extern const struct lvs_sched_ops lvs_sched_rr;
extern const struct lvs_sched_ops lvs_sched_wrr;
extern const struct lvs_sched_ops lvs_sched_lc;
extern const struct lvs_sched_ops lvs_sched_wlc;
extern const struct lvs_sched_ops lvs_sched_lblc;
extern const struct lvs_sched_ops lvs_sched_lblcr;
extern const struct lvs_sched_ops lvs_sched_dh;
extern const struct lvs_sched_ops lvs_sched_sh;
extern const struct lvs_sched_ops lvs_sched_sed;
extern const struct lvs_sched_ops lvs_sched_nq;
extern const struct lvs_sched_ops lvs_sched_fo;
extern const struct lvs_sched_ops lvs_sched_ovf;
extern const struct lvs_sched_ops lvs_sched_mh;
extern const struct lvs_sched_ops lvs_sched_twos;

const struct lvs_sched_ops *const lvs_schedulers[] = {
	&lvs_sched_rr,  &lvs_sched_wrr, &lvs_sched_lc, &lvs_sched_wlc, &lvs_sched_lblc,
	&lvs_sched_lblcr, &lvs_sched_dh, &lvs_sched_sh, &lvs_sched_sed, &lvs_sched_nq,
	&lvs_sched_fo,  &lvs_sched_ovf, &lvs_sched_mh, &lvs_sched_twos, NULL,
};

const struct lvs_sched_ops *lvs_sched_find(const char *name)
{
	if (!name)
		return NULL;
	for (const struct lvs_sched_ops *const *s = lvs_schedulers; *s; s++)
		if (strcmp((*s)->name, name) == 0)
			return *s;
	return NULL;
}
