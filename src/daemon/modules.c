/* modules.c - the list of lvsd modules, started in order, stopped in reverse.
 *
 * To add a module, append ONE line between the markers below:
 *     LVSD_MODULE(my_module)
 * where my_module is the module's `const struct lvs_module` (host/host.h).
 * This file includes itself twice (first to declare the symbols, then to
 * list them), so that one line is all a module needs.
 */
#ifndef LVSD_MODULES_PASS
#include "daemon.h"

#define LVSD_MODULES_PASS 1
#define LVSD_MODULE(sym) extern const struct lvs_module sym;
#include "modules.c"
#undef LVSD_MODULE

#define LVSD_MODULE(sym) &sym,
const struct lvs_module *const lvsd_modules[] = {
#include "modules.c"
	NULL
};
#undef LVSD_MODULE

#else
/* ---- modules: one LVSD_MODULE(symbol) line each, in start order ----
 * The datapath comes last, so that it stops first: its workers call hooks
 * other modules set on the core (sync's master hook), and they must be
 * joined before those modules free their state. */
LVSD_MODULE(lvs_mod_check)     /* -c FILE: health checks (check/module.c) */
LVSD_MODULE(lvs_mod_sync)      /* --start-daemon master|backup (sync/syncd.h) */
LVSD_MODULE(lvs_mod_http)      /* --http ADDR:PORT, JSON and HTML views (http/http.h) */
LVSD_MODULE(lvs_mod_datapath)  /* backend, workers, guard, fwmark classifier (datapath/datapath.h) */
/* ---- end of modules ---- */
#endif
