/* registry.c - every scheduler lvsd knows, looked up by name (sched.h).
 *
 * The order is kernel 6.1's module registration order (rr wrr lc wlc lblc
 * lblcr dh sh sed nq fo ovf mh, as its dmesg shows), plus twos (newer
 * kernels).  "none" is not a scheduler: the table handles it. */
#include <errno.h>
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

/* schedulers a service may use only once enabled (see sched.h) */
static const struct lvs_sched_ops *const optional[] = { &lvs_sched_twos };
static int optional_on[sizeof(optional) / sizeof(optional[0])];

int lvs_sched_set_available(const char *name, int available)
{
	const struct lvs_sched_ops *ops = lvs_sched_find(name);

	if (!ops)
		return -ENOENT;
	for (size_t i = 0; i < sizeof(optional) / sizeof(optional[0]); i++) {
		if (optional[i] == ops) {
			optional_on[i] = available != 0;
			return 0;
		}
	}
	/* the reference kernel's own schedulers are always there */
	return available ? 0 : -EPERM;
}

int lvs_sched_is_available(const struct lvs_sched_ops *ops)
{
	if (!ops)
		return 0;
	for (size_t i = 0; i < sizeof(optional) / sizeof(optional[0]); i++)
		if (optional[i] == ops)
			return optional_on[i];
	return 1;
}

const struct lvs_sched_ops *lvs_sched_find(const char *name)
{
	if (!name)
		return NULL;
	for (const struct lvs_sched_ops *const *s = lvs_schedulers; *s; s++)
		if (strcmp((*s)->name, name) == 0)
			return *s;
	return NULL;
}
