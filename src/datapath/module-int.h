/* module-int.h - the datapath module's instance, shared by module.c (start,
 * stop, resync) and views.c (its view and metrics); nothing outside
 * src/datapath includes it. */
#ifndef LVS_DATAPATH_MODULE_INT_H
#define LVS_DATAPATH_MODULE_INT_H

#include <stddef.h>
#include "datapath.h"
#include "datapath/pkt/worker.h"

struct retired { struct dp_owned *o; struct retired *next; };

struct dp_module {
	struct lvs_host *h;
	struct lvs_core *core;          /* the host's */
	struct dp_shared sh;
	struct dp_worker *w;
	unsigned nworkers;
	struct nh_monitor *mon;
	struct nh_ctx *nh;              /* main thread's own netlink context */
	struct dp_steer *steer;
	struct retired *retired;
	unsigned version;
	char backend_desc[384];
	struct dp_fastpath *fp;         /* fastpath.h, or NULL */
	char steer_err[256];
	char **ifnames;                 /* interfaces currently guarded */
	struct fwm_watch *fw;           /* the fwmark classifier the workers consult */
	struct dp_local *local;         /* local real servers (local.h), NULL without a backend */
	char local_err[256];            /* why there is no TUN device ("" = there is one) */
	int local_warned;               /* local_err logged (once, when a local dest shows up) */
	char rules_err[256];            /* last reply-rule failure, logged once */
	size_t nlocal;                  /* dests at a local address */
	int local_mark;                 /* the TUN device is up: mark local NAT replies */
};

/* views.c: registered by dp_start (arg: the struct dp_module) */
int dp_view(void *arg, struct strbuf *out);
int dp_metrics(void *arg, struct strbuf *out);

#endif
