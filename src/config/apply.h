/* apply.h - make the table match a configured service and the health of
 * its real servers.
 *
 * Contract: every function compares the wanted state with what is in the
 * table and changes ONLY what differs (a service whose settings and
 * servers did not change sees no call at all, so its connections and
 * counters live on).  A configured service owns its destinations: one that
 * is neither a wanted real server nor the sorry server is removed (as
 * ldirectord purges unknown real servers).  Caller holds the table lock.
 * Every change is reported through `log` (may be NULL).  Pure: no I/O.
 *
 * Wanted state for a service:
 *   real up, quorum held     -> present with its configured weight
 *   real up, quorum lost     -> removed (weight 0 if quiesce), as keepalived
 *   real down                -> weight 0 if quiesce, else removed
 *   sorry server             -> present (weight 1) iff quorum is lost
 * Quorum (keepalived): live = sum of live weights (ldirectord: number of
 * live servers, quorum 1); lost when live < quorum - hysteresis or live is
 * 0, regained when live >= quorum + hysteresis.
 */
#ifndef LVS_CONFIG_APPLY_H
#define LVS_CONFIG_APPLY_H

#include <stdint.h>
#include "config.h"
#include "core/table.h"

typedef void (*cfg_log_fn)(void *arg, int prio, const char *msg);

/* real_up[i] for cs->reals[i]; *sorry_on is the quorum state in and out:
 * -1 = not decided yet (first call), 0 = quorum held, 1 = sorry active.
 * Returns the number of table changes, or -errno if the service itself
 * could not be created/edited. */
int cfg_sync_service(struct lvs_table *t, const struct cfg_service *cs, const uint8_t *real_up,
		     int *sorry_on, cfg_log_fn log, void *arg);

/* delete the service (if present) */
int cfg_remove_service(struct lvs_table *t, const struct cfg_service *cs, cfg_log_fn log, void *arg);

/* A reload's changes as one transaction (apply.c's header says how):
 * cfg_txn_new() (NULL: out of memory), then the _txn variants of the
 * calls above under one hold of the table lock, then cfg_txn_end(): with
 * every step done it commits (the deletions happen then) and returns 0;
 * after any failure it undoes every change, appends each failure as
 * "file:line: message" lines to err and returns -EINVAL.  It frees x. */
struct cfg_txn;
struct cfg_txn *cfg_txn_new(const struct cfg *c);
int cfg_sync_service_txn(struct lvs_table *t, const struct cfg_service *cs, const uint8_t *real_up,
			 int *sorry_on, cfg_log_fn log, void *arg, struct cfg_txn *txn);
int cfg_remove_service_txn(struct lvs_table *t, const struct cfg_service *cs, cfg_log_fn log, void *arg,
			   struct cfg_txn *txn);
int cfg_txn_end(struct cfg_txn *x, struct lvs_table *t, cfg_log_fn log, void *arg, struct strbuf *err);

/* Can every service of c, and every real and sorry server of it, go
 * into a table?  Tried on a scratch table (the live one is not touched),
 * whatever the servers' health, so that a reload is refused before any
 * change rather than half applied.  0, or -EINVAL with one "file:line:
 * message" line in err for EACH failure (-ENOMEM: out of memory). */
int cfg_validate(const struct cfg *c, struct strbuf *err);

/* index of the service in `c` with the same key, or -1 */
int cfg_find_service(const struct cfg *c, const struct lvs_service_conf *key);

#endif
