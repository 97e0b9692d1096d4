/* inproc.h - a real lvsd control plane inside a fuzz harness: the table,
 * the main loop (src/daemon/loop.c) and the control socket server
 * (src/daemon/server.c, ops.c, views.c) run in a thread of the harness's
 * process, listening on a private socket; no module is started (no
 * datapath, checker or sync daemon).  The harness talks to it like any
 * client: through ctl/client.h (ipvsadm) or raw bytes on a connection. */
#ifndef LVS_FUZZ_INPROC_H
#define LVS_FUZZ_INPROC_H

/* starts the daemon thread once (later calls return at once); returns the
 * socket path, also exported as $LVSD_SOCKET.  Aborts if it cannot. */
const char *fuzz_lvsd_start(void);

/* back to an empty table with the default timeouts and no sync daemon,
 * with the deferred frees of deleted services and dests done, so that an
 * input leaves nothing behind */
void fuzz_lvsd_reset(void);

/* a new connection to the daemon (a blocking socket), or -1 */
int fuzz_lvsd_connect(void);

#endif
