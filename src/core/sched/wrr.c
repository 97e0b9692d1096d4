/* wrr.c - weighted round robin (ip_vs_wrr.c, Linux 6.1).
 *
 * Passes with a falling current weight cw: each pass returns, in list
 * order, the dests with weight >= cw; cw drops by di (gcd of the weights)
 * after each pass and wraps to mw = max - (di - 1).  Every add/edit/delete
 * resets the cursor to the head and recomputes di/mw, but keeps cw unless
 * it is 0 or above mw.  Hence the add HISTORY matters: a service whose
 * first dest was added alone starts with cw = that weight / itself = 1, and
 * the first sweep takes every dest once.  Kernel 6.1 does exactly this:
 * dests of weight 3, 2, 1 added in that order (list order 1, 2, 3) are
 * picked by weight 1 2 3 3 2 3, 1 2 3 3 2 3, ... */
#include "core/sched.h"

struct wrr_state {
	struct lvs_list *cl; /* current dest's n_list, or the list head */
	int cw;              /* current weight */
	int mw;              /* max weight - (di - 1) */
	int di;              /* gcd of positive weights */
};

/* bind (cw 0 in the zeroed state, so cw = mw) and every dest change */
static int wrr_reset(struct lvs_service *svc)
{
	struct wrr_state *m = svc->sched_data;

	m->cl = &svc->destinations;
	m->di = lvs_sched_gcd_weight(svc, 0);
	if (!m->di)
		m->di = 1;
	m->mw = lvs_sched_max_weight(svc, 0) - (m->di - 1);
	if (m->cw > m->mw || !m->cw)
		m->cw = m->mw;
	else if (m->di > 1)
		m->cw = (m->cw / m->di) * m->di + 1;
	return 0;
}

static struct lvs_dest *wrr_schedule(struct lvs_service *svc, const struct lvs_sched_pkt *pkt, uint64_t now_ms)
{
	struct wrr_state *m = svc->sched_data;
	struct lvs_list *head = &svc->destinations;
	struct lvs_list *e = m->cl, *last = e, *stop = NULL;
	int last_pass = 0, restarted = 0;

	(void)pkt;
	(void)now_ms;
	if (m->mw == 0) {
		m->cl = e;
		return NULL;
	}
	for (;;) {
		for (e = e->next; e != head; e = e->next) {
			struct lvs_dest *d = lvs_list_entry(e, struct lvs_dest, n_list);

			if (!lvs_dest_is_overloaded(d) && d->weight >= m->cw) {
				m->cl = e;
				return d;
			}
			if (e == stop)
				goto overloaded;
		}
		/* e is the head again: next pass with a lower weight */
		m->cw -= m->di;
		if (m->cw <= 0) {
			m->cw = m->mw;
			/* stop once every dest was checked for weight >= 1 */
			if (last_pass || last == head)
				goto overloaded;
			restarted = 1;
		}
		last_pass = m->cw <= m->di;
		if (last_pass && restarted && last != head)
			/* the w >= 1 pass only covered dests after `last`: now
			 * cover the ones up to it */
			stop = last;
	}
overloaded:
	m->cl = e;
	return NULL;
}

const struct lvs_sched_ops lvs_sched_wrr = {
	.name = "wrr",
	.state_size = sizeof(struct wrr_state),
	.rebuild = wrr_reset,
	.schedule = wrr_schedule,
};
