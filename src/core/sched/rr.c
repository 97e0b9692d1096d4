/* rr.c - round robin (ip_vs_rr.c).
 *
 * State: a cursor into svc->destinations, initially the list head, so the
 * first pick is the newest dest, as kernel 6.1 does (dests added .16 then
 * .8 are picked .8, .16, .8, ...).  Each pick walks on from
 * the cursor (wrapping once) to the first dest with weight > 0 that is not
 * OVERLOADed.  When the dest under the cursor is deleted the cursor steps
 * back to its predecessor, so the rotation continues where it was. */
#include "core/sched.h"

static int rr_init(struct lvs_service *svc)
{
	svc->sched_data = &svc->destinations;
	return 0;
}

static int rr_del_dest(struct lvs_service *svc, struct lvs_dest *dest)
{
	struct lvs_list *p = svc->sched_data;

	/* dest is unlinked: its next is still valid and next->prev is now
	 * its old predecessor */
	if (p == &dest->n_list)
		svc->sched_data = p->next->prev;
	return 0;
}

static struct lvs_dest *rr_schedule(struct lvs_service *svc, const struct lvs_sched_pkt *pkt, uint64_t now_ms)
{
	struct lvs_list *head = &svc->destinations;
	struct lvs_list *p = svc->sched_data, *last = p, *e = p;
	int pass = 0;

	(void)pkt;
	(void)now_ms;
	if (!p)
		return NULL;
	do {
		for (e = e->next; e != head; e = e->next) {
			struct lvs_dest *d = lvs_list_entry(e, struct lvs_dest, n_list);

			if (!lvs_dest_is_overloaded(d) && d->weight > 0) {
				svc->sched_data = e;
				return d;
			}
			if (e == last)
				return NULL;
		}
		pass++;
		/* starting at the head needs no second pass */
	} while (pass < 2 && p != head);
	return NULL;
}

const struct lvs_sched_ops lvs_sched_rr = {
	.name = "rr",
	.init_service = rr_init,
	.del_dest = rr_del_dest,
	.schedule = rr_schedule,
};
