/* modules.c - the list of lvsd modules, started in order, stopped in reverse.
 *
 * To add a module, append ONE line between the markers below:
 *     LVSD_MODULE(my_module)
 * where my_module is the module's `const struct lvsd_module`.  This file
 * includes itself twice (first to declare the symbols, then to list them),
 * so that one line is all a module needs.
 */
#ifndef LVSD_MODULES_PASS
#include "host/host.h"

#define LVSD_MODULES_PASS 1
#define LVSD_MODULE(sym) extern const struct lvsd_module sym;
#include "modules.c"
#undef LVSD_MODULE

#define LVSD_MODULE(sym) &sym,
const struct lvsd_module *const lvsd_modules[] = {
#include "modules.c"
	NULL
};
#undef LVSD_MODULE

#else
/* ---- modules: one LVSD_MODULE(symbol) line each, in start order ---- */
LVSD_MODULE(lvsd_mod_datapath)
LVSD_MODULE(lvsd_mod_fwmark)   /* h10: firewall-mark classifier (datapath/fwmark_watch.c) */
LVSD_MODULE(lvsd_mod_knobs)    /* h10: net.ipv4.vs.* settings (datapath/knobs.c) */
LVSD_MODULE(lvsd_mod_check)
LVSD_MODULE(lvsd_mod_sync)     /* --start-daemon master|backup (sync/syncd.c) */
/* ---- end of modules ---- */
#endif
