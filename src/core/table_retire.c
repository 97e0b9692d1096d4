/* table_retire.c - freeing table objects that readers outside the table
 * lock may still be using.
 *
 * Datapath workers follow some table pointers without the lock: a
 * connection's dest (dest->svc, then the service's stats), the dest itself
 * while they forward a packet for it.  So an object that leaves the table
 * is not freed at once: a deleted service (its dests were unlinked and
 * their svc pointers cleared first), a replaced svc->dest_vec array, a
 * trashed dest that expired.  It is retired into the table's epoch domain
 * (lib/epoch.h) and freed by lvs_table_tick() once every reader that is
 * online has passed a quiescent state after the retirement, however long
 * a reader stalls; a reader that stays stalled delays the frees, never
 * makes them early.  The readers (one per datapath worker) register with
 * lvs_table_epoch(); a thread that only touches the table under the table
 * lock does not need to: the retire and free paths run under it too.  A
 * worker reports a quiescent state after every burst and goes offline
 * while its backend waits for frames, so an idle worker delays nothing.
 *
 * Scheduler data (svc->sched_data) is not retired: schedulers run only
 * under the table lock, so done_service may free it at once.
 */
#include <errno.h>
#include <stdlib.h>

#include "table-int.h"
#include "lib/cacheline.h"

#define NODE_OWNER(n, type) lvs_container_of(n, type, retire)

int table_retire_init(struct lvs_table *t)
{
	t->epoch = lvs_epoch_new(LVS_TABLE_MAX_READERS);
	lvs_epoch_list_init(&t->retired);
	return t->epoch ? 0 : -ENOMEM;
}

static void svc_free(struct lvs_epoch_node *n)
{
	struct svc_impl *si = NODE_OWNER(n, struct svc_impl);

	lvs_stats_destroy(&si->s.stats);
	free(si);
}

static void vec_free(struct lvs_epoch_node *n)
{
	free(NODE_OWNER(n, struct vec_impl));
}

static void dest_free(struct lvs_epoch_node *n)
{
	struct dest_impl *di = NODE_OWNER(n, struct dest_impl);

	lvs_stats_destroy(&di->d.stats);
	lvs_cl_free(di);
}

void table_retire_svc(struct lvs_table *t, struct svc_impl *si)
{
	lvs_epoch_retire(t->epoch, &t->retired, &si->retire, svc_free);
}

void table_retire_vec(struct lvs_table *t, struct vec_impl *vi)
{
	lvs_epoch_retire(t->epoch, &t->retired, &vi->retire, vec_free);
}

void table_retire_dest(struct lvs_table *t, struct dest_impl *di)
{
	lvs_epoch_retire(t->epoch, &t->retired, &di->retire, dest_free);
}

void table_reclaim(struct lvs_table *t)
{
	lvs_epoch_reclaim(t->epoch, &t->retired);
}

void table_retire_destroy(struct lvs_table *t)
{
	lvs_epoch_reclaim_all(&t->retired);
	lvs_epoch_free(t->epoch);
	t->epoch = NULL;
}

struct lvs_epoch *lvs_table_epoch(struct lvs_table *t)
{
	return t->epoch;
}

size_t lvs_table_retired(const struct lvs_table *t)
{
	return t->retired.n;
}
