/* client.h - talking to lvsd's control socket (what libipvs is to ipvsadm).
 *
 * Contract: every call returns 0 (or a count) on success and a NEGATIVE
 * errno on failure.  Errors the table returns (see core/table.h) come back
 * unchanged, so a front end maps them exactly as ipvsadm maps the kernel's.
 * Transport failures are -ECONNREFUSED/-ENOENT (no daemon), -EPROTO
 * (garbage reply), -EACCES (not root), -ETIMEDOUT (the daemon did not
 * answer in time), -ECONNRESET (it closed mid-reply).
 *
 * Socket path: explicit argument, else $LVSD_SOCKET, else LVSD_SOCKET_DEFAULT.
 *
 * Batching: between lvsc_batch_begin() and lvsc_batch_flush() mutating
 * calls are queued and return 0 at once; flush sends them in one message,
 * the daemon applies them in order under one lock hold, and per-call
 * results are handed to the callback in order.  ipvsadm -R uses it so that
 * N lines do not cost N round trips.  A queue that grows past half of
 * LVSP_MAX_REQUEST is sent early (its results are kept for the flush), so
 * no frame exceeds the daemon's cap.  Any non-mutating call flushes first.
 */
#ifndef LVS_CTL_CLIENT_H
#define LVS_CTL_CLIENT_H

#include <stddef.h>
#include <stdint.h>
#include "core/ipvs-t.h"

#define LVSD_SOCKET_DEFAULT "/run/lvsd/lvsd.sock"
#define LVSD_SOCKET_ENV "LVSD_SOCKET"
/* seconds a call waits for the daemon with no bytes moving before it
 * fails with -ETIMEDOUT; $LVSD_TIMEOUT overrides (0: wait forever) */
#define LVSD_TIMEOUT_ENV "LVSD_TIMEOUT"
#define LVSC_TIMEOUT_DEFAULT_S 10

struct lvsc;

/* the path that lvsc_open(NULL) would use */
const char *lvsc_socket_path(const char *explicit_path);
int lvsc_open(const char *path, struct lvsc **out);
/* the timeout new handles use, in ms (0: none) */
int lvsc_timeout_ms(void);
void lvsc_close(struct lvsc *c);

struct lvs_info {
	uint32_t version;        /* LVS_IPVS_VERSION_CODE */
	uint32_t conn_tab_size;  /* "size=" */
	uint32_t num_services;
};

struct lvs_dest_entry {
	struct lvs_dest_conf conf;
	uint32_t activeconns, inactconns, persistconns;
	struct lvs_stats_view stats;
};

struct lvs_service_entry {
	struct lvs_service_conf conf;
	uint32_t num_dests;
	struct lvs_stats_view stats;
	struct lvs_dest_entry *dests; /* table (kernel) order: newest first */
};

int lvsc_get_info(struct lvsc *c, struct lvs_info *out);

int lvsc_add_service(struct lvsc *c, const struct lvs_service_conf *s);
int lvsc_edit_service(struct lvsc *c, const struct lvs_service_conf *s);
int lvsc_del_service(struct lvsc *c, const struct lvs_service_conf *s);
int lvsc_flush(struct lvsc *c);
int lvsc_add_dest(struct lvsc *c, const struct lvs_service_conf *s, const struct lvs_dest_conf *d);
int lvsc_edit_dest(struct lvsc *c, const struct lvs_service_conf *s, const struct lvs_dest_conf *d);
int lvsc_del_dest(struct lvsc *c, const struct lvs_service_conf *s, const struct lvs_dest_conf *d);
int lvsc_zero(struct lvsc *c, const struct lvs_service_conf *s /* NULL = all */);
int lvsc_set_timeouts(struct lvsc *c, uint32_t tcp, uint32_t tcpfin, uint32_t udp);
int lvsc_get_timeouts(struct lvsc *c, struct lvs_timeouts *out);
int lvsc_start_daemon(struct lvsc *c, const struct lvs_daemon_conf *d);
int lvsc_stop_daemon(struct lvsc *c, int state);
int lvsc_get_daemons(struct lvsc *c, struct lvs_daemon_conf out[2]); /* returns count */

/* every service with its dests, in table order; free with lvsc_free_services */
int lvsc_get_services(struct lvsc *c, struct lvs_service_entry **out, size_t *n);
/* one service (dests included); -ESRCH if none */
int lvsc_get_service(struct lvsc *c, const struct lvs_service_conf *key, struct lvs_service_entry **out);
void lvsc_free_services(struct lvs_service_entry *v, size_t n);

/* text views: "ip_vs", "ip_vs_stats", "ip_vs_conn", "ip_vs_conn_sync",
 * "status", "checks", ... (the /proc/net equivalents and lvsd's own reports);
 * *out is malloc'd and NUL-terminated */
int lvsc_get_text(struct lvsc *c, const char *name, char **out);

/* lvsd-specific requests with a text argument and text reply (on failure
 * *out may hold the daemon's error message, e.g. a bad config's file:line), e.g.
 * "reload", "set expire_nodest_conn 1"; *out may be NULL */
int lvsc_command(struct lvsc *c, const char *cmd, char **out);

void lvsc_batch_begin(struct lvsc *c);
/* cb(i, err, arg) for each queued call in order; returns 0 or transport error */
int lvsc_batch_flush(struct lvsc *c, void (*cb)(size_t i, int err, void *arg), void *arg);

#endif
