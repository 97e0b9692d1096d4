/* http.h - lvs_mod_http: lvsd's read-only HTTP endpoint (--http ADDR:PORT)
 * and the JSON and HTML status views it serves.
 *
 * Every path renders a registered view (host.h), so modules plug pages in
 * by registering views:
 *   /             "status.html"  one-screen status page (auto-refresh)
 *   /status.json  "status.json"  services, real servers, datapath, sync
 *   /metrics      "metrics"      Prometheus text, once a module registers it
 * anything else is 404, any method but GET and HEAD 405.  The views are
 * registered also without --http, so `lvsd --show status --json` works.
 *
 * The server is libmicrohttpd without threads of its own: its epoll fd is
 * a host fd and a timerfd follows MHD_get_timeout(), so every request is
 * answered on lvsd's main loop like a control-socket request.
 */
#ifndef LVS_HTTP_H
#define LVS_HTTP_H

#include <sys/socket.h>
#include "host/host.h"

extern const struct lvs_module lvs_mod_http;

/* "1.2.3.4:80" or "[::1]:8080" into *ss (may be NULL to only check):
 * 0 or -EINVAL */
int lvs_http_addr_parse(const char *s, struct sockaddr_storage *ss);

/* status.c: register "status.json" and "status.html" */
int http_status_views(struct lvs_host *h);

#endif
