/* conn-t.h - connection table types (HAProxy-style *-t.h: types only).
 *
 * A connection entry is 64 bytes for IPv4 (one cache line) and lives in a
 * preallocated array indexed by a 32-bit id (id 0 = "none").  Entries with
 * an IPv6 side (client/virtual or dest) keep their three addresses in a
 * separate extension pool; the entry then stores the extension id in `ext`.
 * Hash chains are by id (one chain per entry, keyed like the kernel on
 * (protocol, client address, client port) so that both directions find it:
 * inbound packets carry the client as source, outbound ones as destination).
 */
#ifndef LVS_CONN_T_H
#define LVS_CONN_T_H

#include <pthread.h>
#include <stdint.h>
#include "inet.h"
#include "pkt.h"

struct lvs_dest;

/* entry->fam bits */
#define LVS_CONN_FAM_V6   0x01   /* client/virtual are IPv6 */
#define LVS_CONN_FAM_DV6  0x02   /* dest is IPv6 */
#define LVS_CONN_FAM_SYNC 0x04   /* created by the sync backup (Origin SYNC) */
#define LVS_CONN_FAM_OFFLOAD 0x08 /* the datapath's fast path forwards it (pkt.h) */
#define LVS_CONN_FAM_FREE 0x80   /* on a free list */

/* template states (IP_VS_CTPL_S_*) */
#define LVS_CTPL_S_NONE    0
#define LVS_CTPL_S_ASSURED 1

struct lvs_conn {
	uint32_t hnext;          /* next id in the hash chain / free list */
	uint32_t caddr;          /* IPv4 network order; IPv6: unused (see ext) */
	uint32_t vaddr;          /* IPv4 VIP, or the fwmark (host order) of an IP template */
	uint32_t daddr;
	uint16_t cport, vport, dport;   /* host order */
	uint16_t flags;          /* LVS_CONN_F_* (all fit in 16 bits) */
	uint8_t protocol;        /* IPPROTO_IP for fwmark templates */
	uint8_t state;           /* TCP state / UDP 0 / template NONE|ASSURED */
	uint8_t fam;             /* LVS_CONN_FAM_* */
	uint8_t old_state;       /* state before the last transition (sync) */
	uint32_t expires;        /* core jiffies (ms/4), wrap-safe compare; atomic */
	uint32_t timeout;        /* current timeout in ms */
	uint32_t control;        /* id of the controlling template, 0 if none */
	uint32_t n_control;      /* conns this entry controls; atomic */
	uint32_t in_pkts;        /* inbound packets (sync threshold) */
	uint32_t fwmark;         /* skb mark at creation (sync v1) */
	uint32_t ext;            /* IPv6 extension id (0 for pure IPv4) */
	struct lvs_dest *dest;   /* bound dest (holds a reference), NULL: bypass */
};

/* IPv6 side of an entry */
struct lvs_conn_ext {
	union lvs_addr caddr, vaddr, daddr;
	uint32_t next_free;
};

/* the flat, self-contained form of an entry: what sync v1 carries
 * (spec 8.3) and what lvs_conn_export/import exchange */
struct lvs_conn_sync {
	int af;                  /* AF_INET / AF_INET6 (sync type 0 / 1) */
	uint8_t protocol;        /* 0 for fwmark templates */
	uint32_t flags;          /* LVS_CONN_F_* without HASHED */
	uint16_t state;
	uint16_t cport, vport, dport;   /* host order */
	uint32_t fwmark;
	uint32_t timeout;        /* seconds */
	union lvs_addr caddr, vaddr, daddr;
};

/* ---- the core object (internal to src/core; users see an opaque pointer) ---- */

#define LVS_WCACHE_MAX 64        /* free ids cached per worker */

struct lvs_core_worker {
	uint32_t free_ids[LVS_WCACHE_MAX];
	unsigned nfree;
	struct lvs_core_counters ctr;
} __attribute__((aligned(64)));

/* a hash bucket: the chain head, and a copy of the head entry's hnext so
 * that the prefetch stage can start loading the first two entries of a
 * chain at once instead of one after the other (with about one entry per
 * bucket, a lookup finds its entry first or second nine times out of ten).
 * `second` is only a hint: kept under the bucket lock, read unlocked. */
struct lvs_conn_bucket {
	uint32_t head;
	uint32_t second;
};

/* Buckets come in groups of LVS_CONN_GROUP consecutive ones that share a
 * stripe lock and one lower bound of their entries' expiry times, so the
 * sweep only walks the chains of a group when something in it may be due
 * (a per-bucket bound would cost another 4 bytes per bucket). */
#define LVS_CONN_GROUP_SHIFT 4
#define LVS_CONN_GROUP (1u << LVS_CONN_GROUP_SHIFT)

/* a test-and-test-and-set byte lock, inlined (conn.h): uncontended it is
 * one atomic exchange and one store, without pthread_spin_lock()'s call */
struct lvs_core_stripe {
	uint32_t lock;
} __attribute__((aligned(64)));

struct lvs_core {
	struct lvs_table *table;
	const struct lvs_timeouts *timeouts;
	struct lvs_stats *global_stats;  /* lives as long as the table */
	unsigned nslots;                 /* stats slots per object (>= workers counted) */
	struct lvs_core_lock lock;       /* the caller's table lock */
	struct lvs_core_settings set;
	unsigned nworkers;
	struct lvs_core_worker *workers;

	/* entries: ids 1..cap; never-used ids come from next_fresh */
	struct lvs_conn *conns;
	uint32_t cap;
	struct lvs_conn_ext *ext;        /* ids 1..ext_cap */
	uint32_t ext_cap;

	/* hash: bucket heads by id, striped spinlocks (one per group) */
	struct lvs_conn_bucket *buckets;
	uint32_t bucket_mask;
	unsigned bucket_shift;           /* 64 - log2(number of buckets) */
	uint32_t *group_min;             /* per group: expiry bound, jiffies */
	struct lvs_core_stripe *stripes;
	uint32_t stripe_mask;
	uint64_t hash_seed;              /* per table, mixed into the bucket hash */

	/* global pool (tick frees here, workers refill from here) */
	pthread_mutex_t pool_lock;
	uint32_t free_head;
	uint32_t next_fresh;
	uint32_t ext_free_head;
	uint32_t ext_next_fresh;
	uint32_t count;                  /* live entries; atomic */

	/* expiry sweep (single tick thread) */
	uint32_t sweep_pos;
	uint64_t last_tick_ms;
	int ticked;
	uint64_t tick_expired;           /* counted by the tick thread */

	void (*sync_hook)(void *arg, unsigned worker, const struct lvs_conn_sync *e);
	void *sync_arg;
};

#endif
