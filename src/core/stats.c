/* stats.c - per-worker counter slots and the Linux 6.1 rate estimator.
 *
 * The arithmetic is the kernel's ip_vs_est.c (6.1) exactly: every 2 s the
 * slots are summed into kstats, the per-second rate of the 2 s delta is
 * formed already scaled (<<9 = *1024/2 for conns/packets, <<4 = *32/2 for
 * bytes) and fed to an EWMA with weight 1/4.  Readout rounds with +0x1FF
 * >> 10 and +0xF >> 5.  Listings show kstats - kstats0, so counters only
 * move when the estimator runs, as on the real kernel.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "stats.h"
#include "lib/cacheline.h"

static unsigned nslots = 1;

void lvs_stats_set_nslots(unsigned n)
{
	nslots = n ? n : 1;
}

unsigned lvs_stats_nslots(void)
{
	return nslots;
}

int lvs_stats_init(struct lvs_stats *st)
{
	size_t sz = (size_t)nslots * sizeof(struct lvs_counters_slot);

	memset(st, 0, sizeof(*st));
	st->slots = lvs_cl_alloc(sz);
	return st->slots ? 0 : -ENOMEM;
}

void lvs_stats_destroy(struct lvs_stats *st)
{
	lvs_cl_free(st->slots);
	st->slots = NULL;
}

/* workers add to their slot concurrently: read each word atomically */
static void sum_slots(const struct lvs_stats *st, struct lvs_counters *out)
{
	memset(out, 0, sizeof(*out));
	for (unsigned w = 0; w < nslots; w++) {
		const struct lvs_counters *c = &st->slots[w].c;

		out->conns += __atomic_load_n(&c->conns, __ATOMIC_RELAXED);
		out->inpkts += __atomic_load_n(&c->inpkts, __ATOMIC_RELAXED);
		out->outpkts += __atomic_load_n(&c->outpkts, __ATOMIC_RELAXED);
		out->inbytes += __atomic_load_n(&c->inbytes, __ATOMIC_RELAXED);
		out->outbytes += __atomic_load_n(&c->outbytes, __ATOMIC_RELAXED);
	}
}

/* one EWMA step; signed so a (theoretical) drop cannot wrap */
static void ewma(int64_t *avg, uint64_t now, uint64_t *last, unsigned shift)
{
	int64_t rate = (int64_t)((now - *last) << shift);

	*last = now;
	*avg += (rate - *avg) >> 2;
}

void lvs_stats_estimate(struct lvs_stats *st)
{
	if (!st->slots)
		return;
	sum_slots(st, &st->kstats);
	ewma(&st->cps, st->kstats.conns, &st->last.conns, 9);
	ewma(&st->inpps, st->kstats.inpkts, &st->last.inpkts, 9);
	ewma(&st->outpps, st->kstats.outpkts, &st->last.outpkts, 9);
	ewma(&st->inbps, st->kstats.inbytes, &st->last.inbytes, 4);
	ewma(&st->outbps, st->kstats.outbytes, &st->last.outbytes, 4);
}

void lvs_stats_zero(struct lvs_stats *st)
{
	st->kstats0 = st->kstats;
	st->last = st->kstats;
	st->cps = st->inpps = st->outpps = 0;
	st->inbps = st->outbps = 0;
}

static uint64_t descale(int64_t v, int64_t round, unsigned shift)
{
	return v <= 0 ? 0 : (uint64_t)(v + round) >> shift;
}

void lvs_stats_read(const struct lvs_stats *st, struct lvs_stats_view *out)
{
	out->c.conns = st->kstats.conns - st->kstats0.conns;
	out->c.inpkts = st->kstats.inpkts - st->kstats0.inpkts;
	out->c.outpkts = st->kstats.outpkts - st->kstats0.outpkts;
	out->c.inbytes = st->kstats.inbytes - st->kstats0.inbytes;
	out->c.outbytes = st->kstats.outbytes - st->kstats0.outbytes;
	out->r.cps = descale(st->cps, 0x1FF, 10);
	out->r.inpps = descale(st->inpps, 0x1FF, 10);
	out->r.outpps = descale(st->outpps, 0x1FF, 10);
	out->r.inbps = descale(st->inbps, 0xF, 5);
	out->r.outbps = descale(st->outbps, 0xF, 5);
}
