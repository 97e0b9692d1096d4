/* conn-t.h - connection table types (HAProxy-style *-t.h: types only).
 *
 * One 64-byte cache line per id (id 0 = "none") in a preallocated array:
 * the first 52 bytes are the connection entry with that id, the last 12
 * belong to the hash table: the head of bucket `id`, a copy of its
 * second entry (for prefetching) and a lower bound of the expiry times in
 * its chain.  There is no separate bucket array, so the table costs 64
 * bytes per connection, plus 4 bytes per LVS_CONN_SUMMARY buckets.
 *
 * Entries with an IPv6 side (client/virtual or dest) keep their three
 * addresses in a separate extension pool; the entry then stores the
 * extension id where an IPv4 entry keeps the client address.  The bound
 * dest is a 32-bit index into a small per-table registry (conn.c), read
 * through lvs_conn_dest().  The rarely set fwmark lives in a side array
 * (lazily mapped: it costs memory only where marks are used).
 * Hash chains are by id (one chain per entry, keyed like the kernel on
 * (protocol, client address, client port) so that both directions find it:
 * inbound packets carry the client as source, outbound ones as destination).
 */
#ifndef LVS_CONN_T_H
#define LVS_CONN_T_H

#include <pthread.h>
#include <stdint.h>
#include "lib/inet.h"
#include "pkt.h"

struct lvs_dest;

/* entry->fam bits */
#define LVS_CONN_FAM_V6   0x01   /* client/virtual are IPv6 */
#define LVS_CONN_FAM_DV6  0x02   /* dest is IPv6 */
#define LVS_CONN_FAM_SYNC 0x04   /* created by the sync backup (Origin SYNC) */
#define LVS_CONN_FAM_OFFLOAD 0x08 /* the datapath's fast path forwards it (pkt.h) */
#define LVS_CONN_FAM_SETUP 0x10  /* ... from its SYN on (pkt.h, setup offload) */
#define LVS_CONN_FAM_MARK 0x40   /* has a fwmark (in core->fwmarks[id]) */
#define LVS_CONN_FAM_FREE 0x80   /* on a free list */

/* template states (IP_VS_CTPL_S_*) */
#define LVS_CTPL_S_NONE    0
#define LVS_CTPL_S_ASSURED 1

struct lvs_conn {
	uint32_t hnext;          /* next id in the hash chain / free list */
	union {
		uint32_t caddr;  /* IPv4 client, network order */
		uint32_t ext;    /* with an IPv6 side (fam & V6|DV6): extension id */
	};
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
	uint32_t dest_idx;       /* bound dest (holds a reference), 0: bypass; lvs_conn_dest() */

	/* not part of the entry: bucket `id` of the hash table.  Its chain
	 * head; a copy of the head entry's hnext so that the prefetch stage
	 * can start loading the first two entries of a chain at once (a hint:
	 * kept under the bucket lock, read unlocked); and a lower bound of the
	 * expiry times in the chain (jiffies; lowered under the bucket lock,
	 * recomputed by the sweep), so that the sweep only walks chains with
	 * something due. */
	uint32_t bucket_head;
	uint32_t bucket_second;
	uint32_t bucket_min;
};

/* the bytes of the line that are the entry (lvs_conn_new clears these) */
#define LVS_CONN_ENTRY_BYTES 52

/* IPv6 side of an entry */
struct lvs_conn_ext {
	union lvs_addr caddr, vaddr, daddr;
	uint32_t next_free;
};

/* the flat, self-contained form of an entry: what a sync v1 message
 * carries (ip_vs_sync.c) and what lvs_conn_export/import exchange */
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

/* what lvs_conn_import() refused or changed, counted by reason (conn.h) */
enum lvs_sync_import_reason {
	LVS_SYNC_IMPORT_BAD,            /* malformed entry (-EINVAL) */
	LVS_SYNC_IMPORT_NO_SERVICE,     /* a connection of no virtual service here (-ENOENT) */
	LVS_SYNC_IMPORT_NO_DEST,        /* naming no dest of its service (-EADDRNOTAVAIL) */
	LVS_SYNC_IMPORT_FULL,           /* the table is full (-ENOMEM) */
	LVS_SYNC_IMPORT_CAPPED,         /* imported with its timeout cut to the local maximum */
	LVS_SYNC_IMPORT_COUNT
};

/* a registered dest: its pointer and how many entries are bound to it */
struct lvs_dest_slot {
	struct lvs_dest *dest;
	uint32_t refs;           /* entries of this table bound to it */
	uint32_t next_free;
};
#define LVS_DSLOT_CHUNK_SHIFT 12                  /* 4096 slots a chunk */
#define LVS_DSLOT_CHUNKS 4096                     /* up to 16 M dests */

/* ---- the core object (internal to src/core; users see an opaque pointer) ---- */

#define LVS_WCACHE_MAX 64        /* free ids cached per worker */

struct lvs_core_worker {
	uint32_t free_ids[LVS_WCACHE_MAX];
	unsigned nfree;
	struct lvs_core_counters ctr;
} __attribute__((aligned(64)));

/* Buckets come in groups of LVS_CONN_GROUP consecutive ones that share a
 * stripe lock.  LVS_CONN_SUMMARY consecutive buckets share a summary
 * bound (<= their buckets' bounds) in a small separate array, so that the
 * sweep's once-a-second pass reads that array and only the bucket bounds
 * of summaries with something due (4 bytes per 256 buckets: 0.016 bytes
 * per connection; a due summary costs reading 256 consecutive lines). */
#define LVS_CONN_GROUP_SHIFT 4
#define LVS_CONN_GROUP (1u << LVS_CONN_GROUP_SHIFT)
#define LVS_CONN_SUMMARY_SHIFT 8
#define LVS_CONN_SUMMARY (1u << LVS_CONN_SUMMARY_SHIFT)

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

	/* entries: ids 1..cap; never-used ids come from next_fresh; the
	 * lines 0..cap also hold buckets 0..cap (nbuckets = cap + 1) */
	struct lvs_conn *conns;
	uint32_t cap;
	uint32_t nbuckets;
	uint32_t nsummaries;             /* ceil(nbuckets / LVS_CONN_SUMMARY) */
	uint32_t *summary_min;           /* per summary: expiry bound, atomic min */
	struct lvs_conn_ext *ext;        /* ids 1..ext_cap */
	uint32_t ext_cap;
	uint32_t *fwmarks;               /* by id, valid where fam & LVS_CONN_FAM_MARK */

	/* bound dests by index (conn.c): slots in chunks that never move,
	 * so workers read them without the table lock; the map from dest
	 * to index and the slot reference counts change under it */
	struct lvs_dest_slot **dslots;   /* LVS_DSLOT_CHUNKS chunk pointers */
	uint32_t dslot_next_fresh;
	uint32_t dslot_free_head;
	uint32_t *dmap;                  /* open addressing: dest pointer -> slot index */
	uint32_t dmap_mask;
	uint32_t dmap_used;

	/* striped spinlocks (one per group of buckets) */
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
	uint64_t sync_import[LVS_SYNC_IMPORT_COUNT];     /* by reason; atomic */
};

#endif
