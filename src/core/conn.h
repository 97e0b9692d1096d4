/* conn.h - the connection table (the kernel's ip_vs_conn.c): inspection,
 * text views, sync export/import.  The packet path is in pkt.h.
 *
 * Contract:
 *  - Everything here may be called from any thread, concurrently with the
 *    workers (bucket locks are taken one at a time; views are therefore a
 *    consistent snapshot per bucket, not of the whole table, like /proc).
 *  - Functions that bind or unbind dests (import, flush) take the caller's
 *    table lock through the callbacks given to lvs_core_new(); the caller
 *    must not hold it.
 *  - Text views follow spec 4.2 byte for byte (expiry = whole seconds left,
 *    truncated).
 */
#ifndef LVS_CONN_H
#define LVS_CONN_H

#include <stddef.h>
#include <stdint.h>
#include "conn-t.h"
#include "pkt.h"

struct strbuf;

/* entries in the table (connections + templates) */
size_t lvs_core_conn_count(const struct lvs_core *core);

/* /proc/net/ip_vs_conn: header line + one line per entry */
void lvs_core_conn_proc(struct lvs_core *core, struct strbuf *sb, uint64_t now_ms);
/* /proc/net/ip_vs_conn_sync: same entries with the Origin column */
void lvs_core_conn_sync_proc(struct lvs_core *core, struct strbuf *sb, uint64_t now_ms);

/* call cb for every entry (flat form, timeout = seconds LEFT); stops when cb
 * returns non-zero (that value is returned) */
int lvs_core_conn_foreach(struct lvs_core *core, uint64_t now_ms,
			  int (*cb)(void *arg, const struct lvs_conn_sync *e), void *arg);

/* flat form of one entry (what the sync hook receives) */
void lvs_conn_export(const struct lvs_core *core, const struct lvs_conn *cp, uint64_t now_ms,
		     struct lvs_conn_sync *out);

/* backup side of sync (spec 8.5): create or update the entry described by
 * e; the dest is found through the service (fwmark or vaddr/vport).
 * 0, or -EINVAL (bad entry), -ENOMEM (table full). */
int lvs_conn_import(struct lvs_core *core, const struct lvs_conn_sync *e, uint64_t now_ms);

/* find an entry by its inbound key (tests, tools); templates: cport 0 and
 * LVS_CONN_F_TEMPLATE in `want_flags`.  Returns 1 and fills *out if found. */
int lvs_core_conn_find(struct lvs_core *core, int af, uint8_t protocol,
		       const union lvs_addr *caddr, uint16_t cport,
		       const union lvs_addr *vaddr, uint16_t vport, uint32_t want_flags,
		       uint64_t now_ms, struct lvs_conn_sync *out);

/* expire every entry now (teardown, tests); dest references are dropped */
void lvs_core_conn_flush(struct lvs_core *core);

/* protocol and state names as /proc shows them */
const char *lvs_proto_name(uint8_t protocol, char buf[8]);
const char *lvs_conn_state_name(uint8_t protocol, uint32_t flags, uint8_t state);

#endif
