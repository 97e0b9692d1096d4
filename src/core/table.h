/* table.h - the virtual-server table: services, destinations, timeouts,
 * sync-daemon settings.  The kernel's ip_vs_ctl.c without the sockets.
 *
 * Contract: every mutator returns 0 or a NEGATIVE errno chosen exactly as
 * the kernel chooses it (EEXIST, ESRCH, ENOENT, EINVAL, ERANGE, ...), so the
 * ipvsadm front end can map it to ipvsadm's message.  Semantics are
 * ip_vs_ctl.c's: -E/-e are full replacements, dests are added at the list head,
 * deleted dests go to a trash list and are revived (with counters) if
 * re-added, schedulers are notified through their ops.  Not thread-safe:
 * the owner serialises access (see ipvs-t.h).  No I/O; the only outside
 * facts it needs (is an address one of ours / a broadcast) come through
 * the optional addr_type hook.
 */
#ifndef LVS_TABLE_H
#define LVS_TABLE_H

#include <stddef.h>
#include "ipvs-t.h"

enum lvs_addr_type { LVS_ADDR_UNICAST, LVS_ADDR_LOCAL, LVS_ADDR_BROADCAST, LVS_ADDR_MULTICAST };

struct lvs_table;

struct lvs_table *lvs_table_new(void);
void lvs_table_free(struct lvs_table *t);

/* optional: classify an address as the kernel's inet_addr_type would */
void lvs_table_set_addr_type_hook(struct lvs_table *t,
				  enum lvs_addr_type (*hook)(int af, const union lvs_addr *a, void *arg),
				  void *arg);

/* optional: the MTU of a network interface, or -ENODEV if it does not
 * exist.  lvs_start_daemon uses it where the kernel looks at the device:
 * unknown interface -> -ENODEV (checked before EEXIST, as in 6.1), and a
 * backup's sync_maxlen follows the MTU (lo: 65535 - 28 = 65507).  Without
 * the hook every interface exists with MTU 1500. */
void lvs_table_set_ifmtu_hook(struct lvs_table *t, int (*hook)(const char *ifname, void *arg), void *arg);

int lvs_add_service(struct lvs_table *t, const struct lvs_service_conf *c);
int lvs_edit_service(struct lvs_table *t, const struct lvs_service_conf *c);
int lvs_del_service(struct lvs_table *t, const struct lvs_service_conf *key);
int lvs_flush(struct lvs_table *t);

int lvs_add_dest(struct lvs_table *t, const struct lvs_service_conf *key, const struct lvs_dest_conf *d);
int lvs_edit_dest(struct lvs_table *t, const struct lvs_service_conf *key, const struct lvs_dest_conf *d);
int lvs_del_dest(struct lvs_table *t, const struct lvs_service_conf *key, const struct lvs_dest_conf *d);

/* key == NULL: zero everything including the global stats */
int lvs_zero(struct lvs_table *t, const struct lvs_service_conf *key);

/* --set tcp tcpfin udp (seconds, 0 = unchanged) */
int lvs_set_timeouts(struct lvs_table *t, uint32_t tcp, uint32_t tcpfin, uint32_t udp);
const struct lvs_timeouts *lvs_get_timeouts(const struct lvs_table *t);

/* --start-daemon / --stop-daemon bookkeeping (the sync engine reads it) */
int lvs_start_daemon(struct lvs_table *t, const struct lvs_daemon_conf *c);
int lvs_stop_daemon(struct lvs_table *t, int state);
/* fills up to 2 entries (master first), returns the count */
int lvs_get_daemons(const struct lvs_table *t, struct lvs_daemon_conf out[2]);

/* lookups */
struct lvs_service *lvs_svc_get(struct lvs_table *t, const struct lvs_service_conf *key);
struct lvs_service *lvs_svc_lookup(struct lvs_table *t, int af, uint16_t protocol,
				   const union lvs_addr *addr, uint16_t port);
struct lvs_service *lvs_svc_lookup_fwmark(struct lvs_table *t, int af, uint32_t mark);
/* the datapath's lookup for a new packet, ip_vs_service_find(): fwmark,
 * exact, ftp, port 0 */
struct lvs_service *lvs_svc_find(struct lvs_table *t, int af, uint32_t mark, uint16_t protocol,
				 const union lvs_addr *daddr, uint16_t dport);
struct lvs_dest *lvs_dest_lookup(struct lvs_service *svc, int af, const union lvs_addr *addr,
				 uint16_t port);

/* iteration in table order (stable, deterministic: this is --nosort and
 * /proc order): the kernel's dump order, i.e. its service hash buckets in
 * index order (newest first inside a bucket), then the fwmark buckets, with
 * lvsd's fixed 0 where the kernel mixes in a per-boot netns pointer.  Edits
 * keep a service's place. */
struct lvs_service *lvs_svc_first(struct lvs_table *t);
struct lvs_service *lvs_svc_next(struct lvs_table *t, struct lvs_service *svc);
size_t lvs_svc_count(const struct lvs_table *t);

/* global totals (/proc/net/ip_vs_stats) */
struct lvs_stats *lvs_table_global_stats(struct lvs_table *t);

/* run the estimator over every object (call every 2 s) */
void lvs_table_estimate(struct lvs_table *t);
/* scheduler ticks, trash reaping, and freeing retired objects no reader
 * holds any more (call about once a second) */
void lvs_table_tick(struct lvs_table *t, uint64_t now_ms);

/* Readers outside the table lock.  A thread that follows table pointers
 * without holding the lock (a datapath worker: dest->svc, the service's
 * stats, a connection's dest) registers a reader with this domain
 * (lib/epoch.h), reports a quiescent state whenever it holds no such
 * pointer (between bursts), goes offline while it blocks, and unregisters
 * before it exits.  Objects that leave the table (deleted services,
 * replaced dest arrays, reaped dests) are freed by lvs_table_tick() only
 * once every online reader has passed a quiescent state after they left,
 * however long that takes.  Room for LVS_TABLE_MAX_READERS readers. */
#define LVS_TABLE_MAX_READERS 256
struct lvs_epoch *lvs_table_epoch(struct lvs_table *t);
/* objects left the table but not yet freed */
size_t lvs_table_retired(const struct lvs_table *t);

/* drop a reference a connection held on a dest (may free a trashed dest) */
void lvs_dest_put(struct lvs_table *t, struct lvs_dest *dest);
static inline void lvs_dest_hold(struct lvs_dest *dest)
{
	__atomic_add_fetch(&dest->refcnt, 1, __ATOMIC_RELAXED);
}

/* Administrative state (enum lvs_admin, ipvs-t.h) of the real server
 * af/addr/port of svc.  It is recorded per (service, server), apart from
 * the dest itself, so that it survives the server leaving the service
 * and coming back (a health check removing and re-adding it, a
 * configuration reload): a dest added to svc takes its recorded state.
 * The record goes with `ready` or with the service.  Setting it on a
 * present dest changes its effective weight (0 unless READY) and, for
 * MAINT, clears AVAILABLE (the caller then expires its connections);
 * adds and edits only change conf_weight while it is not READY.
 * 0 or -ENOMEM (nothing changed). */
int lvs_admin_set(struct lvs_table *t, struct lvs_service *svc, int af, const union lvs_addr *addr,
		  uint16_t port, enum lvs_admin admin);
/* the recorded state (READY when none), the dest present or not */
enum lvs_admin lvs_admin_get(const struct lvs_table *t, const struct lvs_service *svc, int af,
			     const union lvs_addr *addr, uint16_t port);
/* the records one by one (i from 0), for views that also show servers
 * absent from their service now: 0, or -ENOENT past the last */
struct lvs_admin_rec {
	struct lvs_service *svc;
	int af;
	union lvs_addr addr;
	uint16_t port;
	enum lvs_admin admin;
};
int lvs_admin_record(const struct lvs_table *t, size_t i, struct lvs_admin_rec *out);
/* "ready", "drain", "maint" */
const char *lvs_admin_name(enum lvs_admin admin);

/* OVERLOAD bookkeeping (the u/l thresholds of ip_vs_dest) as the reference
 * kernel (Debian 6.1.192, which carries the upstream fix "ipvs: properly
 * update the overload flag on dest edit") does it.  With total =
 * active + inactive: u == 0 -> off; total >= u -> on; total < l (l == 0:
 * u - u/4) -> off; otherwise unchanged.  The connection layer updates
 * activeconns/inactconns/persistconns itself, then calls:
 *  - lvs_dest_conn_bound() after binding a connection (or template):
 *    always evaluates (so it sets OVERLOAD at total >= u, as classic);
 *  - lvs_dest_conn_unbound() after unbinding: evaluates only while the
 *    flag is set (= classic: clear below l, or below 3/4 u, or u == 0).
 * lvs_edit_dest() evaluates when u or l changed (classic kernels instead
 * cleared the flag when u was raised or zeroed).  Safe from worker
 * threads (flags are updated atomically). */
void lvs_dest_conn_bound(struct lvs_dest *dest);
void lvs_dest_conn_unbound(struct lvs_dest *dest);

/* Notes on lvs_start_daemon(), in the kernel's order: the group, if
 * given (mcast_af != 0), must be multicast (-EINVAL); no mixed-family
 * dests (-EINVAL); defaults 224.0.0.81:8848 ttl 1; interface via the
 * ifmtu hook (-ENODEV); sync_maxlen: 0 = mtu - IP/UDP headers (mtu is
 * 1500 for a master, clamp(device MTU, 1500, 65535) for a backup), else
 * clamped to [1 (master) / 1024 (backup), 65535 - headers]; then
 * -EEXIST if that role already runs, -EINVAL for an unknown state.  A sync
 * engine that then fails to open its sockets must lvs_stop_daemon() again
 * (the kernel records nothing in that case). */

/* the conn table size reported as "size=" by ipvsadm (buckets) */
#define LVS_CONN_TAB_SIZE 4096

#endif
