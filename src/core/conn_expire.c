/* conn_expire.c - expiry of the connection table (conn.c describes its
 * layout and locking rules): the incremental sweep lvs_core_tick() runs,
 * expire_nodest_conn, and the flush.  Entries are unlinked under their
 * stripe lock in batches; the batch's dest references are dropped under
 * one table lock afterwards.
 */
#include "conn.h"

/* ---- expiry sweep ---- */

#define SWEEP_BATCH 256
#define SWEEP_PERIOD_MS 1000  /* a full pass over the buckets per second */

/* release a batch of unlinked entries: dest puts under one table lock */
static void release_batch(struct lvs_core *core, struct lvs_conn **batch, unsigned n)
{
	uint32_t dests[SWEEP_BATCH];
	unsigned nd = 0;

	for (unsigned i = 0; i < n; i++) {
		uint32_t d = lvs_conn_release_nodest(core, (unsigned)-1, batch[i]);
		if (d)
			dests[nd++] = d;
	}
	if (!nd)
		return;
	if (core->lock.lock)
		core->lock.lock(core->lock.arg);
	for (unsigned i = 0; i < nd; i++)
		lvs_conn_dest_put(core, dests[i]);
	if (core->lock.unlock)
		core->lock.unlock(core->lock.arg);
}

/* walk one locked bucket: unlink what is due into batch[],
 * re-arm templates that still control conns, lower *next_min to the
 * earliest expiry left.  Returns 1 when the batch filled up (the bucket
 * may hold more). */
static int sweep_bucket(struct lvs_core *core, uint32_t b, uint32_t jnow, struct lvs_conn **batch, unsigned *nb,
			uint32_t *next_min)
{
	uint32_t *pp = lvs_conn_bucket_head(core, b);

	while (*pp) {
		struct lvs_conn *cp = &core->conns[*pp];
		uint32_t e = __atomic_load_n(&cp->expires, __ATOMIC_RELAXED);

		if (!lvs_j_reached(jnow, e)) {
			if ((int32_t)(e - *next_min) < 0)
				*next_min = e;
			pp = &cp->hnext;
			continue;
		}
		if (__atomic_load_n(&cp->n_control, __ATOMIC_RELAXED)) {
			/* still controls live conns: look again in 60 s */
			cp->timeout = 60000;
			lvs_conn_arm(core, LVS_NO_BUCKET, cp, jnow);
			if ((int32_t)(cp->expires - *next_min) < 0)
				*next_min = cp->expires;
			pp = &cp->hnext;
			continue;
		}
		__atomic_store_n(pp, cp->hnext, __ATOMIC_RELAXED);
		cp->hnext = 0;
		cp->flags &= (uint16_t)~LVS_CONN_F_HASHED;
		batch[(*nb)++] = cp;
		if (*nb == SWEEP_BATCH) {
			lvs_conn_bucket_fix_second(core, b);
			return 1;
		}
	}
	lvs_conn_bucket_fix_second(core, b);
	return 0;
}

#define SWEEP_FAR 0x40000000u  /* jiffies ahead: "nothing due" */

static void min_into(uint32_t *m, uint32_t e)
{
	if ((int32_t)(e - *m) < 0)
		*m = e;
}

/* sweep summaries [from, from+n) */
static void sweep(struct lvs_core *core, uint32_t from, uint32_t n, uint32_t jnow)
{
	struct lvs_conn *batch[SWEEP_BATCH];
	unsigned nb = 0;

	for (uint32_t i = 0; i < n; i++) {
		uint32_t s = (from + i) % core->nsummaries, first = s << LVS_CONN_SUMMARY_SHIFT;
		uint32_t end = first + LVS_CONN_SUMMARY < core->nbuckets ? first + LVS_CONN_SUMMARY : core->nbuckets;
		uint32_t *smin = &core->summary_min[s], next = jnow + SWEEP_FAR, cur;

		/* nothing due yet: no need to look at the buckets */
		if (!lvs_j_reached(jnow, __atomic_load_n(smin, __ATOMIC_RELAXED)))
			continue;
		/* Start the summary afresh: from here on, workers lowering a
		 * bucket bound lower it too (lvs_conn_note_expiry), and what we
		 * find in the buckets is folded in at the end.  A worker's
		 * lowering before this exchange is in its bucket's bound, which
		 * the exchange (acquiring the worker's release) makes visible. */
		__atomic_exchange_n(smin, jnow + SWEEP_FAR, __ATOMIC_ACQ_REL);
		for (uint32_t b = first; b < end; b++) {
			uint32_t *bmin = &core->conns[b].bucket_min, left;

			if (!lvs_j_reached(jnow, __atomic_load_n(bmin, __ATOMIC_RELAXED))) {
				min_into(&next, __atomic_load_n(bmin, __ATOMIC_RELAXED));
				continue;
			}
			lvs_conn_lock_bucket(core, b);
			for (;;) {
				left = jnow + SWEEP_FAR;
				if (!sweep_bucket(core, b, jnow, batch, &nb, &left))
					break;
				/* batch full: release it unlocked (the bucket
				 * stays due meanwhile), then walk it again */
				__atomic_store_n(bmin, jnow, __ATOMIC_RELAXED);
				lvs_conn_unlock_bucket(core, b);
				release_batch(core, batch, nb);
				__atomic_add_fetch(&core->tick_expired, nb, __ATOMIC_RELAXED);
				nb = 0;
				lvs_conn_lock_bucket(core, b);
			}
			__atomic_store_n(bmin, left, __ATOMIC_RELAXED);
			lvs_conn_unlock_bucket(core, b);
			min_into(&next, left);
		}
		cur = __atomic_load_n(smin, __ATOMIC_RELAXED);
		while ((int32_t)(next - cur) < 0 &&
		       !__atomic_compare_exchange_n(smin, &cur, next, 1, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
			;
	}
	if (nb) {
		release_batch(core, batch, nb);
		__atomic_add_fetch(&core->tick_expired, nb, __ATOMIC_RELAXED);
	}
}

/* make a template due now (its bucket lock taken here, nothing else held) */
static void make_due(struct lvs_core *core, uint32_t id, uint32_t jnow)
{
	struct lvs_conn *ct = &core->conns[id];
	uint32_t b = lvs_conn_bucket_of(core, ct);

	lvs_conn_lock_bucket(core, b);
	__atomic_store_n(&ct->expires, jnow, __ATOMIC_RELAXED);
	lvs_conn_note_expiry(core, b, jnow);
	lvs_conn_unlock_bucket(core, b);
}

static void nodest_release(struct lvs_core *core, struct lvs_conn **batch, const uint32_t *tmpls, unsigned nb,
			   uint32_t jnow)
{
	/* the templates cannot go before their conns are released */
	for (unsigned i = 0; i < nb; i++)
		if (tmpls[i])
			make_due(core, tmpls[i], jnow);
	if (!nb)
		return;
	release_batch(core, batch, nb);
	__atomic_add_fetch(&core->tick_expired, nb, __ATOMIC_RELAXED);
}

/* only: NULL = every unavailable dest, else that one (if unavailable) */
static void expire_unavailable(struct lvs_core *core, const struct lvs_dest *only, uint64_t now_ms)
{
	struct lvs_conn *batch[SWEEP_BATCH];
	uint32_t tmpls[SWEEP_BATCH];
	uint32_t jnow = lvs_jiffies(now_ms);
	unsigned nb = 0;

	for (uint32_t b = 0; b < core->nbuckets; b++) {
		uint32_t *pp;

		if (!__atomic_load_n(lvs_conn_bucket_head(core, b), __ATOMIC_RELAXED))
			continue;
		lvs_conn_lock_bucket(core, b);
		pp = lvs_conn_bucket_head(core, b);
		while (*pp) {
			struct lvs_conn *cp = &core->conns[*pp];
			struct lvs_dest *d = lvs_conn_dest(core, cp);

			if (!d || (only && d != only) ||
			    (__atomic_load_n(&d->flags, __ATOMIC_RELAXED) & LVS_DEST_F_AVAILABLE) ||
			    __atomic_load_n(&cp->n_control, __ATOMIC_RELAXED)) {
				pp = &cp->hnext;
				continue;
			}
			/* its template goes too once nobody else uses it: made
			 * due below, the sweep checks n_control */
			tmpls[nb] = cp->control;
			__atomic_store_n(pp, cp->hnext, __ATOMIC_RELAXED);
			cp->hnext = 0;
			cp->flags &= (uint16_t)~LVS_CONN_F_HASHED;
			batch[nb++] = cp;
			if (nb == SWEEP_BATCH)
				break;
		}
		lvs_conn_bucket_fix_second(core, b);
		lvs_conn_unlock_bucket(core, b);
		if (nb == SWEEP_BATCH) {
			nodest_release(core, batch, tmpls, nb, jnow);
			nb = 0;
			b--;  /* this bucket may hold more (wraps fine at 0) */
		}
	}
	nodest_release(core, batch, tmpls, nb, jnow);
}

void lvs_core_expire_nodest(struct lvs_core *core, uint64_t now_ms)
{
	expire_unavailable(core, NULL, now_ms);
}

void lvs_core_expire_dest(struct lvs_core *core, const struct lvs_dest *dest, uint64_t now_ms)
{
	expire_unavailable(core, dest, now_ms);
}

void lvs_core_tick(struct lvs_core *core, uint64_t now_ms)
{
	uint32_t ngroups = core->nsummaries;  /* swept in SWEEP_PERIOD_MS */
	uint64_t n;

	if (!core->ticked || now_ms < core->last_tick_ms) {
		n = ngroups;
	} else {
		n = (now_ms - core->last_tick_ms) * ngroups / SWEEP_PERIOD_MS;
		if (n > ngroups)
			n = ngroups;
		if (n == 0)
			return;  /* keep last_tick_ms so short ticks accumulate */
	}
	core->ticked = 1;
	core->last_tick_ms = now_ms;
	sweep(core, core->sweep_pos, (uint32_t)n, lvs_jiffies(now_ms));
	core->sweep_pos = (uint32_t)((core->sweep_pos + n) % ngroups);
}

void lvs_core_conn_flush(struct lvs_core *core)
{
	/* everything goes, templates included: links to templates are cut
	 * first so that no entry touches an already freed template */
	struct lvs_conn *batch[SWEEP_BATCH];
	unsigned nb = 0;

	for (uint32_t b = 0; b < core->nbuckets; b++) {
		lvs_conn_lock_bucket(core, b);
		while (*lvs_conn_bucket_head(core, b)) {
			struct lvs_conn *cp = &core->conns[*lvs_conn_bucket_head(core, b)];
			__atomic_store_n(lvs_conn_bucket_head(core, b), cp->hnext, __ATOMIC_RELAXED);
			cp->hnext = 0;
			cp->flags &= (uint16_t)~LVS_CONN_F_HASHED;
			cp->control = 0;  /* the template goes too */
			batch[nb++] = cp;
			if (nb == SWEEP_BATCH) {
				lvs_conn_bucket_fix_second(core, b);
				lvs_conn_unlock_bucket(core, b);
				release_batch(core, batch, nb);
				__atomic_add_fetch(&core->tick_expired, nb, __ATOMIC_RELAXED);
				nb = 0;
				lvs_conn_lock_bucket(core, b);
			}
		}
		lvs_conn_bucket_fix_second(core, b);
		lvs_conn_unlock_bucket(core, b);
	}
	if (nb) {
		release_batch(core, batch, nb);
		__atomic_add_fetch(&core->tick_expired, nb, __ATOMIC_RELAXED);
	}
}
