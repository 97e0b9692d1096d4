/* common.c - helpers shared by several schedulers (sched.h). */
#include <netinet/in.h>
#include <stdlib.h>
#include "core/sched.h"

/* ip_vs_wlc_schedule (sed 0) and ip_vs_sed_schedule (sed 1): the first
 * usable dest (not OVERLOADed, weight > 0) in list order, then any later
 * non-OVERLOADed dest with a strictly lower cost/weight (compared as 64-bit
 * cross products, so a weight-0 dest can never win).  The cost is the
 * overhead for wlc, activeconns + 1 for sed.  Ties keep the earlier (newer)
 * dest.  The screen skips the dests that cannot beat the current one
 * (sched/screen.c). */
static inline struct lvs_dest *ratio_pick(struct lvs_service *svc, int sed)
{
	const struct lvs_dest_vec *v = lvs_sched_dests(svc);
	unsigned i = 0, n = lvs_sched_ndests(v);
	struct lvs_dest *least = NULL;
	int64_t loh = 0, lw = 0;

	for (; i < n; i++) {
		struct lvs_dest *d = v->d[i];

		if (!lvs_dest_is_overloaded(d) && d->weight > 0) {
			least = d;
			loh = sed ? (int64_t)d->activeconns + 1 : lvs_dest_overhead(d);
			lw = d->weight;
			i++;
			break;
		}
	}
	for (; (i = lvs_sched_next_ratio(v, i, loh, lw, sed)) < n; i++) {
		struct lvs_dest *d = v->d[i];

		if (lvs_dest_is_overloaded(d))
			continue;
		int64_t doh = sed ? (int64_t)d->activeconns + 1 : lvs_dest_overhead(d), w = d->weight;

		if (loh * w > doh * lw) {
			least = d;
			loh = doh;
			lw = w;
		}
	}
	return least;
}

struct lvs_dest *lvs_sched_wlc_pick(struct lvs_service *svc)
{
	return ratio_pick(svc, 0);
}

struct lvs_dest *lvs_sched_sed_pick(struct lvs_service *svc)
{
	return ratio_pick(svc, 1);
}

/* the kernel reads ports only for protocols that have them, and only with
 * the sh-port / mh-port flag */
static uint16_t hash_port(const struct lvs_service *svc, const struct lvs_sched_pkt *pkt)
{
	if (!(svc->flags & LVS_SVC_F_SCHED2))
		return 0;
	switch (pkt->protocol) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_SCTP:
		return pkt->sport;
	default:
		return 0;
	}
}

static int hash_unavailable(const struct lvs_dest *d)
{
	return d->weight <= 0 || (__atomic_load_n(&d->flags, __ATOMIC_RELAXED) & LVS_DEST_F_OVERLOAD);
}

struct lvs_dest *lvs_sched_hash_pick(struct lvs_service *svc, const struct lvs_sched_pkt *pkt,
				     struct lvs_dest *const *tab, unsigned tab_size, lvs_sched_slot_fn slot)
{
	uint16_t port = hash_port(svc, pkt);
	unsigned ihash = slot(svc->af, &pkt->saddr, port, 0);
	struct lvs_dest *dest = tab[ihash];

	if (!dest)
		return NULL;
	if (!hash_unavailable(dest))
		return dest;
	if (!(svc->flags & LVS_SVC_F_SCHED1))
		return NULL;

	/* fallback: re-hash with increasing offsets from the first slot */
	for (unsigned offset = 0; offset < tab_size; offset++) {
		unsigned roffset = (offset + ihash) % tab_size;

		dest = tab[slot(svc->af, &pkt->saddr, port, roffset)];
		if (!dest)
			break;
		if (!hash_unavailable(dest))
			return dest;
	}
	return NULL;
}

static int gcd(int a, int b)
{
	while (b) {
		int t = a % b;

		a = b;
		b = t;
	}
	return a;
}

static int weight_of(const struct lvs_dest *d, int last)
{
	return last ? d->last_weight : d->weight;
}

int lvs_sched_gcd_weight(struct lvs_service *svc, int last)
{
	struct lvs_dest *d;
	int g = 0;

	lvs_list_for_each_entry(d, &svc->destinations, n_list) {
		int w = weight_of(d, last);

		if (w > 0)
			g = g > 0 ? gcd(w, g) : w;
	}
	return g;
}

int lvs_sched_max_weight(struct lvs_service *svc, int last)
{
	struct lvs_dest *d;
	int max = 0;

	lvs_list_for_each_entry(d, &svc->destinations, n_list)
		if (weight_of(d, last) > max)
			max = weight_of(d, last);
	return max;
}

/* ip_vs_fo_schedule (ovf 0): the non-OVERLOADed dest with the highest
 * weight > 0, first in list order on ties; ip_vs_ovf_schedule (ovf 1) also
 * passes over the dests with more active connections than their weight.
 * The screen skips the dests that cannot beat the current one. */
struct lvs_dest *lvs_sched_heaviest(struct lvs_service *svc, int ovf)
{
	const struct lvs_dest_vec *v = lvs_sched_dests(svc);
	unsigned n = lvs_sched_ndests(v);
	struct lvs_dest *best = NULL;
	int bw = 0; /* best->weight; only weights > 0 qualify */

	for (unsigned i = 0; (i = lvs_sched_next_heavier(v, i, bw, ovf)) < n; i++) {
		struct lvs_dest *d = v->d[i];
		int w = d->weight;

		if (lvs_dest_is_overloaded(d) || (ovf && d->activeconns > w))
			continue;
		if (w > bw) {
			best = d;
			bw = w;
		}
	}
	return best;
}

