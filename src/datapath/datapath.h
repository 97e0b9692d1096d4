/* datapath.h - the datapath module as the rest of lvsd sees it.
 *
 * lvsd_mod_datapath owns the connection core (struct lvs_core), the
 * backend and its worker threads, the owned-set steering (steer.h) and the
 * next-hop monitor.  Other modules (sync) reach the core through
 * lvsd_datapath_core(); it exists from start() to stop() even when no
 * backend can run (then it only holds connections imported by sync).
 *
 * Text views registered: "ip_vs_conn", "ip_vs_conn_sync" (spec 4.2) and
 * "datapath" (backend, workers, per-reason packet counters).
 */
#ifndef LVS_DP_DATAPATH_H
#define LVS_DP_DATAPATH_H

struct lvs_core;
struct lvsd_module;

extern const struct lvsd_module lvsd_mod_datapath;
struct lvs_core *lvsd_datapath_core(void);

#endif
