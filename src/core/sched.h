/* sched.h - the scheduler ops table (one scheduler per file in sched/).
 *
 * Contract (mirrors struct ip_vs_scheduler):
 *  - init_service: called when the scheduler is bound to a service (add,
 *    or edit with a different scheduler), AFTER the service's existing dests
 *    are in svc->destinations.  Allocates svc->sched_data.  Returns 0 or
 *    -errno.
 *  - done_service: frees svc->sched_data (unbind / service delete).
 *  - add_dest: called after the dest was linked at the list head.
 *  - del_dest: called after the dest was unlinked (dest->n_list.next still
 *    points to its old successor, like list_del_rcu).
 *  - upd_dest: called after an edit changed the dest (weight, thresholds...).
 *  - schedule: returns the chosen dest or NULL ("no destination available").
 *    Called with the table lock held; may update svc->sched_data.
 *  - pick: the same for a scheduler that needs neither the packet nor the
 *    time (wlc, sed, lc, nq, fo, ovf): used when schedule is NULL.
 *  - tick: optional periodic housekeeping (lblc/lblcr cache GC), called
 *    about once a second with the current time.
 *  Any hook may be NULL.  The core never sleeps or does I/O in them; time
 *  comes in as now_ms (a monotonic millisecond clock chosen by the caller,
 *  synthetic in tests).
 *
 * Most schedulers keep one allocation derived from the dest list alone
 * (hash tables, wrr's weights).  They set state_size and rebuild and leave
 * the other hooks NULL: the lvs_sched_* calls below then allocate
 * state_size zeroed bytes as sched_data at bind and call rebuild, call
 * rebuild again after every dest add, delete and edit, and free sched_data
 * at unbind.  A hook that is set replaces its default.  The table calls
 * the hooks only through those functions.
 */
#ifndef LVS_SCHED_H
#define LVS_SCHED_H

#include <stddef.h>
#include <stdint.h>
#include "ipvs-t.h"

struct lvs_sched_ops {
	const char *name;
	int (*init_service)(struct lvs_service *svc);
	void (*done_service)(struct lvs_service *svc);
	int (*add_dest)(struct lvs_service *svc, struct lvs_dest *dest);
	int (*del_dest)(struct lvs_service *svc, struct lvs_dest *dest);
	int (*upd_dest)(struct lvs_service *svc, struct lvs_dest *dest);
	struct lvs_dest *(*schedule)(struct lvs_service *svc, const struct lvs_sched_pkt *pkt,
				     uint64_t now_ms);
	struct lvs_dest *(*pick)(struct lvs_service *svc);
	void (*tick)(struct lvs_service *svc, uint64_t now_ms);
	size_t state_size;
	/* recompute svc->sched_data from svc->destinations; 0 or -errno
	 * (the state stays as it was on failure) */
	int (*rebuild)(struct lvs_service *svc);
};

/* The hooks of svc->sched with the defaults above applied (nothing when
 * svc->sched is NULL).  lvs_sched_bind returns 0 or -errno and leaves
 * sched_data NULL on failure; the dest calls return the hook's result,
 * which the table ignores as the kernel does. */
int lvs_sched_bind(struct lvs_service *svc);
void lvs_sched_unbind(struct lvs_service *svc);
int lvs_sched_dest_added(struct lvs_service *svc, struct lvs_dest *dest);
int lvs_sched_dest_deleted(struct lvs_service *svc, struct lvs_dest *dest);
int lvs_sched_dest_edited(struct lvs_service *svc, struct lvs_dest *dest);
/* svc's scheduler's choice (schedule, else pick), NULL when none */
struct lvs_dest *lvs_sched_schedule(struct lvs_service *svc, const struct lvs_sched_pkt *pkt, uint64_t now_ms);

/* the scheduler called `name`, or NULL (the kernel's ENOENT) */
const struct lvs_sched_ops *lvs_sched_find(const char *name);

/* every scheduler, NULL-terminated, in registration order */
extern const struct lvs_sched_ops *const lvs_schedulers[];

/* Availability for services.  The reference system (Debian's 6.1 kernel)
 * has no ip_vs_twos module, so `-s twos` fails there with ENOENT
 * ("Scheduler or persistence engine not found"); lvsd does the same by
 * default.  twos is still registered (lvs_sched_find finds it); enabling
 * it makes the table accept it.  Returns 0, -ENOENT for an unknown name,
 * -EPERM when trying to disable one of the kernel's own schedulers.
 * Process-wide; call before services use it. */
int lvs_sched_set_available(const char *name, int available);
int lvs_sched_is_available(const struct lvs_sched_ops *ops);

/* The service's dests in list order (newest first) as an array, or NULL
 * when it has none: what the schedulers that look at every dest iterate
 * (independent loads instead of a pointer chase).  The table keeps it in
 * step with svc->destinations; a service assembled by hand (unit tests of
 * the hash schedulers) has none, so only mh/sh/dh/rr/wrr may be used on
 * such a service. */
static inline const struct lvs_dest_vec *lvs_sched_dests(const struct lvs_service *svc)
{
	return __atomic_load_n(&svc->dest_vec, __ATOMIC_ACQUIRE);
}
static inline unsigned lvs_sched_ndests(const struct lvs_dest_vec *v)
{
	return v ? __atomic_load_n(&v->n, __ATOMIC_ACQUIRE) : 0;
}

/* Screens for the scans (sched/screen.c): the index of the first dest of
 * v at or after `from` that MAY beat the current best, or the number of
 * dests if none can; the caller applies its exact test to it (a screen
 * may report a dest that does not beat the best, never skips one that
 * does), so picks stay exactly the kernel's.  Vectorised where the CPU
 * allows (AVX2), scalar elsewhere.
 *  - ratio: not OVERLOADed and loh * weight > cost * lw, cost = overhead
 *    (wlc) or activeconns + 1 (sed = 1);
 *  - lc: not OVERLOADed, weight != 0 and overhead < loh;
 *  - heavier: not OVERLOADed and weight > bw (ovf = 1: and activeconns
 *    <= weight). */
unsigned lvs_sched_next_ratio(const struct lvs_dest_vec *v, unsigned from, int64_t loh, int64_t lw, int sed);
unsigned lvs_sched_next_lc(const struct lvs_dest_vec *v, unsigned from, int loh);
unsigned lvs_sched_next_heavier(const struct lvs_dest_vec *v, unsigned from, int bw, int ovf);
/* twos: the total weight of the usable dests (not OVERLOADed, weight > 0);
 * and, counting *r down by usable weights from dest `from` on, the start
 * of the first block of four in which it may reach <= 0 (whole blocks
 * before it are subtracted from *r), or the number of dests */
int64_t lvs_sched_usable_weight(const struct lvs_dest_vec *v);
unsigned lvs_sched_skip_weight(const struct lvs_dest_vec *v, unsigned from, int64_t *r);
/* tests: 1 = use the scalar screens only, 0 = back to what the CPU offers */
void lvs_sched_screen_force_scalar(int scalar);

/* shared helpers used by several schedulers (sched/common.c) */
static inline int lvs_dest_overhead(const struct lvs_dest *d)
{
	/* Active connections weigh 256 times an inactive one, plus the total:
	 * (active << 8) + active + inactive.  This is ip_vs_dest_conn_overhead
	 * of the reference kernel (Debian 6.1.192 carries the upstream
	 * "totalconns" rework); so kernel 6.1 does: wlc, A weight 256 with
	 * 2 active vs B weight 1 with 2 inactive picks B (514 > 512), where
	 * the classic (active << 8) + inactive would tie and pick A. */
	return (d->activeconns << 8) + d->activeconns + d->inactconns;
}
static inline int lvs_dest_is_overloaded(const struct lvs_dest *d)
{
	return (d->flags & LVS_DEST_F_OVERLOAD) != 0;
}
/* the wlc pick over the whole service (used by wlc, lblc, lblcr) */
struct lvs_dest *lvs_sched_wlc_pick(struct lvs_service *svc);
/* the sed pick over the whole service (used by sed, nq) */
struct lvs_dest *lvs_sched_sed_pick(struct lvs_service *svc);
/* the fo pick (ovf 0) or the ovf pick (ovf 1) over the whole service */
struct lvs_dest *lvs_sched_heaviest(struct lvs_service *svc, int ovf);
/* over svc->destinations, of their weights (last = 0) or last_weights
 * (last = 1): the gcd of those > 0 (0 when none is), and the largest (0
 * when none is > 0) (wrr, mh) */
int lvs_sched_gcd_weight(struct lvs_service *svc, int last);
int lvs_sched_max_weight(struct lvs_service *svc, int last);
/* The source-hashing pick of sh and mh: the dest in tab[slot(.., 0)] of the
 * source address (plus the source port with the sh-port / mh-port flag)
 * unless it has weight <= 0 or is OVERLOADed; with the fallback flag the
 * slots for offsets (ihash + k) % tab_size are tried in turn, up to the
 * first empty one. */
typedef unsigned (*lvs_sched_slot_fn)(int af, const union lvs_addr *addr, uint16_t port, unsigned offset);
struct lvs_dest *lvs_sched_hash_pick(struct lvs_service *svc, const struct lvs_sched_pkt *pkt,
				     struct lvs_dest *const *tab, unsigned tab_size, lvs_sched_slot_fn slot);

/* deterministic PRNG for twos; tests seed it */
void lvs_random_seed(uint64_t seed);
uint32_t lvs_random_u32(void);

/* SipHash-1-3 of one u32 with key (k, k): the kernel's hsiphash on 64-bit (mh) */
uint32_t lvs_hsiphash_u32(uint32_t value, uint64_t key);

/* lblc / lblcr cache expiry: the sysctls net.ipv4.vs.lblc_expiration and
 * lblcr_expiration (seconds there, milliseconds here; process-wide like the
 * kernel's per-netns value).  Default 24 h; clamped to what the kernel's
 * int-jiffies sysctl can hold.  (sched/lblc.c, sched/lblcr.c) */
#define LVS_LBLC_EXPIRATION_DEFAULT_MS (24ULL * 60 * 60 * 1000)
#define LVS_LBLC_EXPIRATION_MAX_MS ((uint64_t)0x7fffffff / LVS_HZ * 1000)
void lvs_lblc_set_expiration_ms(uint64_t ms);
uint64_t lvs_lblc_get_expiration_ms(void);
void lvs_lblcr_set_expiration_ms(uint64_t ms);
uint64_t lvs_lblcr_get_expiration_ms(void);
/* cached destination addresses of an lblc / lblcr service (0 otherwise) */
int lvs_lblc_cache_entries(const struct lvs_service *svc);
int lvs_lblcr_cache_entries(const struct lvs_service *svc);

#endif
