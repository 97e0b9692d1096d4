/* sh.c - source hashing scheduler (the kernel's ip_vs_sh.c).
 *
 * Contract: 256 buckets, rebuilt from scratch on every dest add, delete and
 * edit by walking the dest list (newest first) and giving each dest `weight`
 * consecutive buckets -- at least one, so a weight-0 dest still owns a
 * bucket that then yields "no destination" -- wrapping round the list until
 * all buckets are full.  A packet's bucket is
 * hash_32(sport + ntohl(saddr), 8), sport only with sh-port (SCHED2) and only
 * for TCP/UDP/SCTP, saddr XOR-folded for IPv6.  The bucket's dest must have
 * weight > 0 and not be OVERLOADed; with sh-fallback (SCHED1) the kernel
 * probes further buckets (offset + 2*h) mod 256 until an empty one.
 * The buckets never outlive a dest: del_dest rebuilds without it.
 */
#include "core/sched.h"

#define SH_TAB_BITS 8
#define SH_TAB_SIZE (1 << SH_TAB_BITS)
#define SH_TAB_MASK (SH_TAB_SIZE - 1)

struct sh_state {
	struct lvs_dest *buckets[SH_TAB_SIZE];
};

static unsigned sh_hashkey(int af, const union lvs_addr *addr, uint16_t port, unsigned offset)
{
	return (offset + lvs_hash_32((uint32_t)port + lvs_addr_fold(af, addr), SH_TAB_BITS)) & SH_TAB_MASK;
}

static int sh_reassign(struct lvs_service *svc)
{
	struct sh_state *s = svc->sched_data;
	struct lvs_list *head = &svc->destinations, *p = head;
	int d_count = 0;

	for (int i = 0; i < SH_TAB_SIZE; i++) {
		if (lvs_list_empty(head)) {
			s->buckets[i] = NULL;
			continue;
		}
		if (p == head)
			p = p->next;
		struct lvs_dest *dest = lvs_list_entry(p, struct lvs_dest, n_list);
		s->buckets[i] = dest;
		/* stay on this dest until it has `weight` buckets (>= 1) */
		if (++d_count >= dest->weight) {
			p = p->next;
			d_count = 0;
		}
	}
	return 0;
}

static struct lvs_dest *sh_schedule(struct lvs_service *svc, const struct lvs_sched_pkt *pkt,
				    uint64_t now_ms)
{
	struct sh_state *s = svc->sched_data;
	(void)now_ms;

	if (!s)
		return NULL;
	return lvs_sched_hash_pick(svc, pkt, s->buckets, SH_TAB_SIZE, sh_hashkey);
}

const struct lvs_sched_ops lvs_sched_sh = {
	.name = "sh",
	.state_size = sizeof(struct sh_state),
	.rebuild = sh_reassign,
	.schedule = sh_schedule,
};
