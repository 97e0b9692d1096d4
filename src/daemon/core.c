/* core.c - the connection core (core/pkt.h), which the daemon owns so that
 * every module reaches the same one through the host: created before the
 * first module starts (with the table lock as its lock and --max-conns
 * entries), expired every 100 ms, freed after the last module stopped.
 * Views: "ip_vs_conn" and "ip_vs_conn_sync", the kernel's /proc files. */
#include <errno.h>
#include "daemon.h"
#include "core/conn.h"
#include "core/pkt.h"

#define CORE_TICK_MS 100

static void core_lock(void *arg) { lvsd_lock(arg); }
static void core_unlock(void *arg) { lvsd_unlock(arg); }

static void on_tick(void *arg)
{
	struct lvsd *d = arg;

	lvs_core_tick(d->core, lvs_now_ms());
}

static int view_conn(void *arg, struct strbuf *out)
{
	struct lvsd *d = arg;

	lvs_core_conn_proc(d->core, out, lvs_now_ms());
	return 0;
}

static int view_conn_sync(void *arg, struct strbuf *out)
{
	struct lvsd *d = arg;

	lvs_core_conn_sync_proc(d->core, out, lvs_now_ms());
	return 0;
}

int lvsd_core_start(struct lvsd *d)
{
	struct lvs_core_lock lock = { core_lock, core_unlock, d };
	int err;

	/* one slot per possible datapath worker, whatever the backend decides */
	d->core = lvs_core_new(d->table, LVS_HOST_MAX_WORKERS, d->opts.max_conns, &lock);
	if (!d->core)
		return -ENOMEM;
	if ((err = lvsd_add_timer(d, CORE_TICK_MS, on_tick, d)) ||
	    (err = lvsd_register_text(d, "ip_vs_conn", view_conn, d)) ||
	    (err = lvsd_register_text(d, "ip_vs_conn_sync", view_conn_sync, d)))
		return err;
	return 0;
}

void lvsd_core_stop(struct lvsd *d)
{
	lvs_core_free(d->core);
	d->core = NULL;
}
