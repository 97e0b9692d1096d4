/* datapath.h - the datapath module as the rest of lvsd sees it.
 *
 * lvs_mod_datapath (one instance, see host/host.h) runs the backend and
 * its worker threads on the host's connection core, the owned-set
 * steering (netfilter/guard.h), the next-hop monitor and the fwmark
 * watcher (netfilter/fwmark_watch.h), which its workers consult.  Options
 * it follows: --backend, --interfaces, --workers, --cpus, --fastpath,
 * --fastpath-min-pkts, --xdp-tx.
 *
 * Text views registered: "datapath" (also "drops": backend, workers, fast
 * path, per-reason packet counters) and "fwmark"; command "fwmark-reload".
 */
#ifndef LVS_DP_DATAPATH_H
#define LVS_DP_DATAPATH_H

#include "host/host.h"

extern const struct lvs_module lvs_mod_datapath;

#endif
