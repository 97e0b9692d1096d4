/* core_setup.c - creating and freeing the packet-decision core (pkt.h),
 * its settings, the sync hook and the summed per-worker counters: what the
 * daemon and the tests call around the per-packet path of core.c.
 */
#include <stdlib.h>
#include <string.h>
#include "conn.h"
#include "table.h"
#include "stats.h"

void lvs_core_settings_default(struct lvs_core_settings *s)
{
	memset(s, 0, sizeof(*s));
	s->conn_reuse_mode = 1;
	s->sync_threshold = 3;
	s->sync_period = 50;
}

struct lvs_core *lvs_core_new(struct lvs_table *t, unsigned nworkers, size_t max_conns,
			      const struct lvs_core_lock *lock)
{
	struct lvs_core *core;

	if (!t || nworkers == 0 || nworkers > 1024)
		return NULL;
	core = calloc(1, sizeof(*core));
	if (!core)
		return NULL;
	core->table = t;
	core->timeouts = lvs_get_timeouts(t);
	core->global_stats = lvs_table_global_stats(t);
	/* the slot count is fixed before any table exists (stats.h) */
	core->nslots = lvs_stats_nslots();
	if (lock)
		core->lock = *lock;
	lvs_core_settings_default(&core->set);
	core->nworkers = nworkers;
	core->workers = aligned_alloc(64, sizeof(struct lvs_core_worker) * nworkers);
	if (!core->workers || lvs_conn_table_init(core, max_conns) < 0) {
		lvs_conn_table_destroy(core);
		free(core->workers);
		free(core);
		return NULL;
	}
	memset(core->workers, 0, sizeof(struct lvs_core_worker) * nworkers);
	return core;
}

void lvs_core_free(struct lvs_core *core)
{
	if (!core)
		return;
	lvs_core_conn_flush(core);
	lvs_conn_table_destroy(core);
	free(core->workers);
	free(core);
}

struct lvs_epoch *lvs_core_epoch(struct lvs_core *core)
{
	return lvs_table_epoch(core->table);
}

void lvs_core_set_settings(struct lvs_core *core, const struct lvs_core_settings *s)
{
	core->set = *s;
}

void lvs_core_get_settings(const struct lvs_core *core, struct lvs_core_settings *s)
{
	*s = core->set;
}

void lvs_core_set_sync_hook(struct lvs_core *core,
			    void (*hook)(void *arg, unsigned worker, const struct lvs_conn_sync *e),
			    void *arg)
{
	core->sync_arg = arg;
	__atomic_store_n(&core->sync_hook, hook, __ATOMIC_RELEASE);
}

void lvs_core_counters(const struct lvs_core *core, struct lvs_core_counters *out)
{
	memset(out, 0, sizeof(*out));
	for (unsigned w = 0; w < core->nworkers; w++) {
		const uint64_t *src = (const uint64_t *)&core->workers[w].ctr;
		uint64_t *dst = (uint64_t *)out;
		for (size_t i = 0; i < sizeof(*out) / sizeof(uint64_t); i++)
			dst[i] += src[i];
	}
	out->conn_expired += __atomic_load_n(&core->tick_expired, __ATOMIC_RELAXED);
}
