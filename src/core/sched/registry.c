/* registry.c - every scheduler lvsd knows, looked up by name (sched.h).
 *
 * The order is kernel 6.1's module registration order (rr wrr lc wlc lblc
 * lblcr dh sh sed nq fo ovf mh, as its dmesg shows), plus twos (newer
 * kernels).  "none" is not a scheduler: the table handles it.  The
 * lvs_sched_bind/unbind/dest_* calls give hooks a scheduler leaves NULL
 * their common behaviour (sched.h). */
#include <errno.h>
#include <stdlib.h>
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

int lvs_sched_bind(struct lvs_service *svc)
{
	const struct lvs_sched_ops *ops = svc->sched;
	int ret = 0;

	svc->sched_data = NULL;
	if (!ops)
		return 0;
	if (ops->init_service)
		return ops->init_service(svc);
	if (!ops->state_size)
		return 0;
	svc->sched_data = calloc(1, ops->state_size);
	if (!svc->sched_data)
		return -ENOMEM;
	if (ops->rebuild)
		ret = ops->rebuild(svc);
	if (ret < 0) {
		free(svc->sched_data);
		svc->sched_data = NULL;
	}
	return ret;
}

void lvs_sched_unbind(struct lvs_service *svc)
{
	const struct lvs_sched_ops *ops = svc->sched;

	if (ops && ops->done_service)
		ops->done_service(svc);
	else if (ops && ops->state_size)
		free(svc->sched_data);
	svc->sched_data = NULL;
}

/* a dest hook, or else the rebuild of a state that exists */
static int dest_changed(struct lvs_service *svc, struct lvs_dest *dest,
			int (*hook)(struct lvs_service *, struct lvs_dest *))
{
	if (hook)
		return hook(svc, dest);
	if (svc->sched->rebuild && svc->sched_data)
		return svc->sched->rebuild(svc);
	return 0;
}

int lvs_sched_dest_added(struct lvs_service *svc, struct lvs_dest *dest)
{
	return svc->sched ? dest_changed(svc, dest, svc->sched->add_dest) : 0;
}

int lvs_sched_dest_deleted(struct lvs_service *svc, struct lvs_dest *dest)
{
	return svc->sched ? dest_changed(svc, dest, svc->sched->del_dest) : 0;
}

int lvs_sched_dest_edited(struct lvs_service *svc, struct lvs_dest *dest)
{
	return svc->sched ? dest_changed(svc, dest, svc->sched->upd_dest) : 0;
}

struct lvs_dest *lvs_sched_schedule(struct lvs_service *svc, const struct lvs_sched_pkt *pkt, uint64_t now_ms)
{
	const struct lvs_sched_ops *s = svc->sched;

	if (!s)
		return NULL;
	if (s->schedule)
		return s->schedule(svc, pkt, now_ms);
	return s->pick ? s->pick(svc) : NULL;
}
