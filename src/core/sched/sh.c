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
#include <errno.h>
#include <stdlib.h>
#include "core/sched.h"

#define SH_TAB_BITS 8
#define SH_TAB_SIZE (1 << SH_TAB_BITS)
#define SH_TAB_MASK (SH_TAB_SIZE - 1)

struct sh_state {
	struct lvs_dest *buckets[SH_TAB_SIZE];
};

static int sh_unavailable(const struct lvs_dest *d)
{
	return d->weight <= 0 || (__atomic_load_n(&d->flags, __ATOMIC_RELAXED) & LVS_DEST_F_OVERLOAD);
}

static unsigned sh_hashkey(int af, const union lvs_addr *addr, uint16_t port, unsigned offset)
{
	return (offset + lvs_hash_32((uint32_t)port + lvs_addr_fold(af, addr), SH_TAB_BITS)) & SH_TAB_MASK;
}

static void sh_reassign(struct sh_state *s, struct lvs_service *svc)
{
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
}

static int sh_init_service(struct lvs_service *svc)
{
	struct sh_state *s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	sh_reassign(s, svc);
	svc->sched_data = s;
	return 0;
}

static void sh_done_service(struct lvs_service *svc)
{
	free(svc->sched_data);
	svc->sched_data = NULL;
}

static int sh_dest_changed(struct lvs_service *svc, struct lvs_dest *dest)
{
	(void)dest;
	if (svc->sched_data)
		sh_reassign(svc->sched_data, svc);
	return 0;
}

static uint16_t sh_port(const struct lvs_service *svc, const struct lvs_sched_pkt *pkt)
{
	if (!(svc->flags & LVS_SVC_F_SCHED2))
		return 0;
	/* the kernel reads ports only for protocols that have them */
	switch (pkt->protocol) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_SCTP:
		return pkt->sport;
	default:
		return 0;
	}
}

static struct lvs_dest *sh_schedule(struct lvs_service *svc, const struct lvs_sched_pkt *pkt,
				    uint64_t now_ms)
{
	struct sh_state *s = svc->sched_data;
	uint16_t port = sh_port(svc, pkt);
	struct lvs_dest *dest;
	(void)now_ms;

	if (!s)
		return NULL;
	unsigned ihash = sh_hashkey(svc->af, &pkt->saddr, port, 0);
	dest = s->buckets[ihash];
	if (!dest)
		return NULL;
	if (!sh_unavailable(dest))
		return dest;
	if (!(svc->flags & LVS_SVC_F_SCHED1))
		return NULL;

	/* sh-fallback: walk the table from a point derived from the hash */
	for (unsigned offset = 0; offset < SH_TAB_SIZE; offset++) {
		unsigned roffset = (offset + ihash) % SH_TAB_SIZE;
		dest = s->buckets[sh_hashkey(svc->af, &pkt->saddr, port, roffset)];
		if (!dest)
			break;
		if (!sh_unavailable(dest))
			return dest;
	}
	return NULL;
}

const struct lvs_sched_ops lvs_sched_sh = {
	.name = "sh",
	.init_service = sh_init_service,
	.done_service = sh_done_service,
	.add_dest = sh_dest_changed,
	.del_dest = sh_dest_changed,
	.upd_dest = sh_dest_changed,
	.schedule = sh_schedule,
};
