/* wire.h - the IPVS connection-sync message format (ip_vs_sync.c's
 * version 1 and version 0 messages), pure: no sockets, no clock, no
 * table.  syncd.c moves the bytes.  The bytes of one encoded entry
 * (test_v1_exact_bytes in tests/unit/test_sync_wire.c) are what a kernel
 * 6.1 backup imports as the same connection (tests/golden/sync/).
 *
 * Contract:
 *  - Sending: version 1 only (what the kernel sends by default).  A
 *    message is built in the caller's buffer of `maxlen` bytes (the
 *    daemon's sync_maxlen, the UDP payload size):
 *      sync_msg_init(&m, buf, maxlen, syncid);
 *      while (sync_msg_add(&m, &entry) == 0) ...;   -ENOSPC: full, send it
 *      len = sync_msg_finish(&m);                   0 when it holds nothing
 *    Entries carry no options (lvsd has no sequence-adjusting helpers and
 *    no SIP persistence engine), start on 4-byte boundaries, and have the
 *    HASHED flag cleared, as the kernel sends them.
 *  - Receiving: sync_msg_parse() accepts version 1 and version 0, with the
 *    kernel's rules: a message whose length differs from its size field,
 *    or (v1) whose entries overrun it or carry a zero-length option, is
 *    rejected whole (a negative errno, nothing delivered); an entry with
 *    an unknown mandatory option, or a PE name (SIP persistence, not
 *    supported), is skipped and counted; the rest are delivered one by
 *    one to `deliver`.  A backup with syncid != 0 ignores messages of
 *    other sync ids (returns 0, counted).  Version-0 entries have no
 *    timeout: they are delivered with timeout 0 and `v0` set, and the
 *    caller fills in the table's timeout for the state.
 *  - Nothing here trusts a byte it has not bounds-checked.
 */
#ifndef LVSD_SYNC_WIRE_H
#define LVSD_SYNC_WIRE_H
#include <stddef.h>
#include <stdint.h>
#include "core/conn-t.h"

#define SYNC_V1_HEADER_LEN 8
#define SYNC_V0_HEADER_LEN 4
#define SYNC_V1_ENTRY4_LEN 36
#define SYNC_V1_ENTRY6_LEN 72
#define SYNC_V0_ENTRY_LEN 24
#define SYNC_MAX_CONNS 255        /* nr_conns is one byte */

struct sync_msg {
	uint8_t *buf;
	size_t cap;                   /* maxlen */
	size_t len;                   /* bytes used, header included */
	unsigned nr;
	uint8_t syncid;
};

void sync_msg_init(struct sync_msg *m, uint8_t *buf, size_t maxlen, uint8_t syncid);
/* 0, or -ENOSPC when the entry does not fit (or 255 are in), -EINVAL for
 * an address family other than IPv4/IPv6 */
int sync_msg_add(struct sync_msg *m, const struct lvs_conn_sync *e);
/* writes the header; returns the message length, 0 if it has no entry */
size_t sync_msg_finish(struct sync_msg *m);

struct sync_parse_counts {
	unsigned delivered;           /* entries handed to deliver() */
	unsigned skipped;             /* entries skipped (unknown option, PE) */
	unsigned other_syncid;        /* 1 if the message was for another sync id */
};

typedef void (*sync_deliver_fn)(void *arg, const struct lvs_conn_sync *e, int v0);

/* parse one received message; 0 or -EINVAL (malformed: nothing delivered) */
int sync_msg_parse(const uint8_t *buf, size_t len, uint8_t my_syncid, sync_deliver_fn deliver, void *arg,
		   struct sync_parse_counts *counts);

#endif
