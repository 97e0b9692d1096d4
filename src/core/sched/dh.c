/* dh.c - destination hashing scheduler (the kernel's ip_vs_dh.c).
 *
 * Contract: 256 buckets filled round robin with the dests in list order
 * (newest first), ONE bucket per dest whatever its weight, rebuilt on dest
 * add, delete and edit (the kernel has no upd_dest hook, but the buckets
 * do not depend on weights, so rebuilding after an edit changes nothing).
 * A packet's bucket is hash_32(ntohl(daddr), 8) (IPv6 XOR-folded); its dest
 * must be AVAILABLE, have weight > 0 and not be OVERLOADed, else there is
 * no destination (dh has no fallback).  Buckets never outlive a dest since
 * del_dest rebuilds without it.
 */
#include "core/sched.h"

#define DH_TAB_BITS 8
#define DH_TAB_SIZE (1 << DH_TAB_BITS)

struct dh_state {
	struct lvs_dest *buckets[DH_TAB_SIZE];
};

static int dh_reassign(struct lvs_service *svc)
{
	struct dh_state *s = svc->sched_data;
	struct lvs_list *head = &svc->destinations, *p = head;

	for (int i = 0; i < DH_TAB_SIZE; i++) {
		if (lvs_list_empty(head)) {
			s->buckets[i] = NULL;
			continue;
		}
		if (p == head)
			p = p->next;
		s->buckets[i] = lvs_list_entry(p, struct lvs_dest, n_list);
		p = p->next;
	}
	return 0;
}

static struct lvs_dest *dh_schedule(struct lvs_service *svc, const struct lvs_sched_pkt *pkt,
				    uint64_t now_ms)
{
	struct dh_state *s = svc->sched_data;
	(void)now_ms;

	if (!s)
		return NULL;
	struct lvs_dest *dest = s->buckets[lvs_hash_32(lvs_addr_fold(svc->af, &pkt->daddr), DH_TAB_BITS)];
	if (!dest)
		return NULL;
	uint32_t flags = __atomic_load_n(&dest->flags, __ATOMIC_RELAXED);
	if (!(flags & LVS_DEST_F_AVAILABLE) || dest->weight <= 0 || (flags & LVS_DEST_F_OVERLOAD))
		return NULL;
	return dest;
}

const struct lvs_sched_ops lvs_sched_dh = {
	.name = "dh",
	.state_size = sizeof(struct dh_state),
	.rebuild = dh_reassign,
	.schedule = dh_schedule,
};
