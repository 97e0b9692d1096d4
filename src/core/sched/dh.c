/* dh.c - destination hashing scheduler (the kernel's ip_vs_dh.c).
 *
 * Contract: 256 buckets filled round robin with the dests in list order
 * (newest first), ONE bucket per dest whatever its weight, rebuilt on dest
 * add and delete but not on edit (the kernel has no upd_dest hook here).
 * A packet's bucket is hash_32(ntohl(daddr), 8) (IPv6 XOR-folded); its dest
 * must be AVAILABLE, have weight > 0 and not be OVERLOADed, else there is
 * no destination (dh has no fallback).  Buckets never outlive a dest since
 * del_dest rebuilds without it.
 */
#include <errno.h>
#include <stdlib.h>
#include "core/sched.h"

#define DH_TAB_BITS 8
#define DH_TAB_SIZE (1 << DH_TAB_BITS)

struct dh_state {
	struct lvs_dest *buckets[DH_TAB_SIZE];
};

static void dh_reassign(struct dh_state *s, struct lvs_service *svc)
{
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
}

static int dh_init_service(struct lvs_service *svc)
{
	struct dh_state *s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	dh_reassign(s, svc);
	svc->sched_data = s;
	return 0;
}

static int dh_dest_changed(struct lvs_service *svc, struct lvs_dest *dest)
{
	(void)dest;
	if (svc->sched_data)
		dh_reassign(svc->sched_data, svc);
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
	.init_service = dh_init_service,
	.done_service = lvs_sched_free_data,
	.add_dest = dh_dest_changed,
	.del_dest = dh_dest_changed,
	.schedule = dh_schedule,
};
