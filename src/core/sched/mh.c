/* mh.c - Maglev hashing scheduler (the kernel's ip_vs_mh.c).
 *
 * Contract: a lookup table of M = 4093 slots (CONFIG_IP_VS_MH_TAB_INDEX 12)
 * is rebuilt on every dest add, delete and edit.  Each dest gets a
 * permutation from hsiphash (SipHash-1-3, keys (k1,k1) and (k2,k2)) of
 * port + ntohl(addr): offset = h1 % M, skip = h2 % (M-1) + 1.  Dests take
 * slots round by round in list order, `turns` slots per round, where turns
 * comes from last_weight (the latest non-zero weight, kept by the table)
 * divided by the gcd and shifted so the largest fits in 6 bits; a dest
 * whose last_weight is 0 gets no slots.  A packet's slot is
 * h1(sport + ntohl(saddr)) % M (sport only with mh-port = SCHED2 and only
 * for TCP/UDP/SCTP).  The slot's dest must have weight > 0 and not be
 * OVERLOADed (so a dest edited to weight 0 keeps its slots but gets
 * nothing); mh-fallback (SCHED1) re-hashes with offsets until a usable
 * dest or an empty slot.  More dests than M: add_dest/init return -EINVAL
 * and the table is left as it was (the kernel ignores add_dest's result).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "core/sched.h"

#define MH_TAB_BITS 6    /* CONFIG_IP_VS_MH_TAB_INDEX / 2 */
#define MH_TAB_SIZE 4093 /* primes[CONFIG_IP_VS_MH_TAB_INDEX - 8] */

#define MH_KEY1 2654435761u
#define MH_KEY2 2654446892u

struct mh_dest_setup {
	unsigned offset, skip, perm;
	int turns;
};

struct mh_state {
	struct lvs_dest *lookup[MH_TAB_SIZE];
	int gcd;
	int rshift;
};

static unsigned mh_hashkey(int af, const union lvs_addr *addr, uint16_t port, uint64_t key,
			   unsigned offset)
{
	/* unsigned arithmetic wraps exactly like the kernel's unsigned int */
	uint32_t v = offset + (uint32_t)port + lvs_addr_fold(af, addr);
	return lvs_hsiphash_u32(v, key);
}

static int fls_int(unsigned x)
{
	return x ? 32 - __builtin_clz(x) : 0;
}

/* keep the largest turns count within MH_TAB_BITS bits */
static int mh_shift_weight(struct lvs_service *svc, int gcd)
{
	if (gcd < 1)
		return 0;
	int weight = lvs_sched_max_weight(svc, 1);
	int shift = fls_int((unsigned)(weight / gcd)) - MH_TAB_BITS;
	return shift >= 0 ? shift : 0;
}

static void mh_permutate(struct mh_state *s, struct lvs_service *svc, struct mh_dest_setup *ds)
{
	struct lvs_dest *dest;

	lvs_list_for_each_entry(dest, &svc->destinations, n_list) {
		ds->offset = mh_hashkey(svc->af, &dest->addr, dest->port, MH_KEY1, 0) % MH_TAB_SIZE;
		ds->skip = mh_hashkey(svc->af, &dest->addr, dest->port, MH_KEY2, 0) % (MH_TAB_SIZE - 1) + 1;
		ds->perm = ds->offset;
		int lw = dest->last_weight;
		int turns = (lw / s->gcd) >> s->rshift;
		ds->turns = turns ? turns : (lw != 0);
		ds++;
	}
}

static int mh_populate(struct mh_state *s, struct lvs_service *svc, struct mh_dest_setup *setup)
{
	struct lvs_list *head = &svc->destinations, *p = head;
	uint8_t *taken = calloc(MH_TAB_SIZE, 1);
	int n = 0, dt_count = 0;

	if (!taken)
		return -ENOMEM;
	while (n < MH_TAB_SIZE) {
		if (p == head)
			p = p->next;
		struct mh_dest_setup *ds = setup;
		while (p != head) {
			if (ds->turns < 1) { /* never had a non-zero weight */
				p = p->next;
				ds++;
				continue;
			}
			unsigned c = ds->perm;
			while (taken[c]) {
				ds->perm += ds->skip;
				if (ds->perm >= MH_TAB_SIZE)
					ds->perm -= MH_TAB_SIZE;
				c = ds->perm;
			}
			taken[c] = 1;
			s->lookup[c] = lvs_list_entry(p, struct lvs_dest, n_list);
			if (++n == MH_TAB_SIZE)
				goto out;
			if (++dt_count >= ds->turns) {
				dt_count = 0;
				p = p->next;
				ds++;
			}
		}
	}
out:
	free(taken);
	return 0;
}

static int mh_reassign(struct lvs_service *svc)
{
	struct mh_state *s = svc->sched_data;
	struct lvs_list *pos;
	int ndests = 0;

	lvs_list_for_each(pos, &svc->destinations)
		ndests++;
	if (ndests > MH_TAB_SIZE)
		return -EINVAL;

	s->gcd = lvs_sched_gcd_weight(svc, 1);
	s->rshift = mh_shift_weight(svc, s->gcd);
	if (s->gcd < 1) { /* no dest ever had a weight: empty table */
		memset(s->lookup, 0, sizeof(s->lookup));
		return 0;
	}
	struct mh_dest_setup *setup = calloc((size_t)ndests, sizeof(*setup));
	if (!setup)
		return -ENOMEM;
	mh_permutate(s, svc, setup);
	int ret = mh_populate(s, svc, setup);
	free(setup);
	return ret;
}

static unsigned mh_slot(int af, const union lvs_addr *addr, uint16_t port, unsigned offset)
{
	return mh_hashkey(af, addr, port, MH_KEY1, offset) % MH_TAB_SIZE;
}

static struct lvs_dest *mh_schedule(struct lvs_service *svc, const struct lvs_sched_pkt *pkt,
				    uint64_t now_ms)
{
	struct mh_state *s = svc->sched_data;
	(void)now_ms;

	if (!s)
		return NULL;
	return lvs_sched_hash_pick(svc, pkt, s->lookup, MH_TAB_SIZE, mh_slot);
}

const struct lvs_sched_ops lvs_sched_mh = {
	.name = "mh",
	.state_size = sizeof(struct mh_state),
	.rebuild = mh_reassign,
	.schedule = mh_schedule,
};
