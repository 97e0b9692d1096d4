/* stats.h - counters and the 2-second rate estimator (ip_vs_est.c).
 *
 * Contract: lvs_stats_init allocates one cache-line slot per worker
 * (lvs_stats_nslots(), set once at start by the daemon before any table
 * exists; 1 by default).  Worker w adds to slots[w] only.  The daemon calls
 * lvs_stats_estimate() on every service, dest and the global stats every
 * 2 s; listings read lvs_stats_read().  Pure arithmetic, no clocks.
 */
#ifndef LVS_STATS_H
#define LVS_STATS_H

#include "ipvs-t.h"

void lvs_stats_set_nslots(unsigned n);
unsigned lvs_stats_nslots(void);

int lvs_stats_init(struct lvs_stats *st);      /* 0 or -ENOMEM */
void lvs_stats_destroy(struct lvs_stats *st);

static inline struct lvs_counters *lvs_stats_slot(struct lvs_stats *st, unsigned worker)
{
	return &st->slots[worker].c;
}

/* the 2 s estimator tick: snapshot slots into kstats and update the EWMAs */
void lvs_stats_estimate(struct lvs_stats *st);
/* -Z: kstats0 = kstats, last = kstats, averages = 0 */
void lvs_stats_zero(struct lvs_stats *st);
/* counters since the zero point and descaled rates */
void lvs_stats_read(const struct lvs_stats *st, struct lvs_stats_view *out);

#endif
