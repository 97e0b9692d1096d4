/* syncd.h - the connection-sync daemon (`ipvsadm --start-daemon
 * master|backup`), lvsd's ip_vs_sync.c.  The module lvs_mod_sync (one
 * instance, see host/host.h), on the host's connection core.
 *
 * Contract:
 *  - What runs follows the table's daemon bookkeeping (lvs_get_daemons):
 *    after every table change the module starts what --start-daemon asked
 *    for and stops what --stop-daemon removed.  A role whose sockets
 *    cannot be opened is logged and removed from the table again, so
 *    `ipvsadm -L --daemon` never lists a daemon that does not run.
 *  - Master: the core's sync hook (pkt.h; it decides WHAT to send and
 *    when, as the kernel's ip_vs_sync_conn() with sync_threshold and
 *    sync_period) appends entries to one pending message of
 *    sync_maxlen bytes (wire.h); the message is sent when full and at the
 *    latest SYNC_FLUSH_MS after its first entry (the kernel waits up to
 *    2 s; a shorter wait loses fewer connections in a fail-over).  UDP to
 *    group:port (default 224.0.0.81:8848) through the interface, TTL as
 *    configured, multicast loop off, DF clear.  While a master runs, the
 *    core keeps every connection in the workers (the fast path would hide
 *    the packets that drive the sync decisions).
 *  - Backup: joins the group on the interface and imports every entry
 *    through lvs_conn_import() (the kernel's ip_vs_proc_conn(): created or
 *    updated, Origin SYNC; stricter than the kernel: entries for unknown
 *    services or dests are refused and timeouts capped, conn.h; v0 entries
 *    get the table's timeout for their state).
 *    Malformed messages are counted and dropped whole.
 *  - `lvsd --show sync` prints the roles and counters.
 */
#ifndef LVSD_SYNC_SYNCD_H
#define LVSD_SYNC_SYNCD_H

#define SYNC_FLUSH_MS 100

#endif
