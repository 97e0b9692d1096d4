/* table-int.h - what the files of the virtual-server table share:
 * table.c (services, lookups, order, the table's life), table_dest.c
 * (dests, their array, the trash), table_retire.c (freeing what readers
 * outside the table lock may still hold), table_daemon.c (sync-daemon
 * settings).  Not for use outside them: the rest of lvsd sees table.h.
 */
#ifndef LVS_TABLE_INT_H
#define LVS_TABLE_INT_H

#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "table.h"
#include "stats.h"
#include "lib/epoch.h"

/* a service as the table allocates it: the public part + a serial that
 * tells a re-created service (same key, new object) from the old one */
struct svc_impl {
	struct lvs_service s;
	uint64_t serial;
	struct lvs_epoch_node retire; /* deleted, waiting for its grace period */
};

/* a dest as the table allocates it; the trash bookkeeping stays private */
struct dest_impl {
	struct lvs_dest d;
	/* trash state (valid while in_trash) */
	int in_trash;
	union {
		struct {
			struct dest_impl *t_hnext;  /* trash hash chain */
			struct lvs_list t_list;     /* trash list, newest first */
		};
		/* reaped from the trash (so out of its chain and list),
		 * waiting for its grace period: no room taken */
		struct lvs_epoch_node retire;
	};
	uint64_t svc_serial;        /* service it was removed from */
	int svc_af;                 /* ... and that service's key */
	uint16_t svc_protocol;
	union lvs_addr svc_addr;
	uint16_t svc_port;
	uint32_t svc_fwmark;
	uint64_t idle_since_ms;     /* 0 = not yet seen unreferenced */
};

/* an svc->dest_vec array: v.d points into slot[], whose free room is at
 * the front, so that adding a dest (at the list head) is a store, not a
 * copy; when the front is full the array is replaced by one twice as big */
struct vec_impl {
	struct lvs_epoch_node retire; /* replaced, waiting for its grace period */
	size_t cap;              /* entries in slot[] */
	struct lvs_dest_vec v;
	struct lvs_dest *slot[];
};

#define VEC_MIN_CAP 16

#define ORDER_BUCKETS 256

/* a chained hash table of objects that carry their own next link (at
 * link_off) and are hashed by hash() (table_htab_*, table.c) */
struct htab {
	void **b;
	size_t nb;   /* power of two */
	size_t n;
	size_t link_off;
	uint64_t (*hash)(const void *obj);
};

struct lvs_table {
	struct htab svc_tab;  /* by proto/addr/port */
	struct htab fwm_tab;  /* by fwmark */
	struct lvs_list s_list;
	/* first (newest) service of each dump-order bucket, or NULL */
	struct lvs_service *order_first[2 * ORDER_BUCKETS];
	size_t nsvc;
	uint64_t next_serial;
	unsigned ftpsvc, nullsvc; /* enable lvs_svc_find's port 21 / port 0 fallbacks */
	unsigned mixed_af_dests;  /* linked dests whose af differs from the svc */

	struct htab trash_tab;
	struct lvs_list trash;
	/* unreachable objects readers may still hold (table_retire.c) */
	struct lvs_epoch *epoch;
	struct lvs_epoch_list retired;

	struct lvs_timeouts timeouts;
	struct lvs_daemon_conf daemons[2]; /* [0] master, [1] backup */
	int daemon_running[2];

	/* administrative states by (service, server) (table_admin.c) */
	struct lvs_admin_rec *admin;
	size_t nadmin, admin_cap;

	struct lvs_stats global;
	enum lvs_addr_type (*addr_type)(int af, const union lvs_addr *a, void *arg);
	void *addr_type_arg;
	int (*ifmtu)(const char *ifname, void *arg);
	void *ifmtu_arg;
};

/* ---- hashing (shared by the service and trash tables) */

static inline uint64_t mix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h;
}

static inline uint64_t addr_hash(int af, const union lvs_addr *a)
{
	if (af == AF_INET6)
		return mix64(((uint64_t)a->w[0] << 32 | a->w[1]) ^ mix64((uint64_t)a->w[2] << 32 | a->w[3]));
	return mix64(a->ip);
}

static inline uint64_t svc_key_hash(int af, uint16_t protocol, const union lvs_addr *addr, uint16_t port)
{
	return mix64(addr_hash(af, addr) ^ ((uint64_t)af << 40) ^ ((uint64_t)protocol << 16) ^ port);
}

static inline uint64_t fwm_key_hash(int af, uint32_t mark)
{
	return mix64(((uint64_t)af << 32) ^ mark ^ 0x5bd1e995ull);
}

int table_htab_init(struct htab *h, size_t nb, size_t link_off, uint64_t (*hash)(const void *obj));
void table_htab_link(struct htab *h, void *obj);
void table_htab_unlink(struct htab *h, void *obj);

/* ---- checks shared by services, dests and daemons */

/* a fixed-size name field holds a terminated string */
static inline int name_ok(const char *name, size_t max)
{
	return memchr(name, '\0', max) != NULL;
}

static inline int key_af_ok(int af)
{
	return af == AF_INET || af == AF_INET6;
}

/* ---- table_dest.c */

/* the trash list and hash of an empty table: 0 or -ENOMEM */
int table_trash_init(struct lvs_table *t);
/* unlink every dest of a service being deleted (no del_dest callbacks,
 * its scheduler is already unbound) and drop its dest array */
void table_dests_unlink_all(struct lvs_table *t, struct lvs_service *svc);
/* free trashed dests unreferenced for IP_VS_DEST_TRASH_PERIOD */
void table_trash_expire(struct lvs_table *t, uint64_t now_ms);
/* table teardown: retire every trashed dest */
void table_trash_free_all(struct lvs_table *t);

/* ---- table_admin.c */

/* a dest being added to svc takes the state recorded for it */
enum lvs_admin table_admin_lookup(const struct lvs_table *t, const struct lvs_service *svc, int af,
				  const union lvs_addr *addr, uint16_t port);
/* the service is leaving the table: its records go */
void table_admin_forget_svc(struct lvs_table *t, const struct lvs_service *svc);
/* table teardown */
void table_admin_free(struct lvs_table *t);
/* table_dest.c: put a linked dest in state admin (weight, AVAILABLE,
 * its scheduler told) */
void table_dest_apply_admin(struct lvs_service *svc, struct lvs_dest *d, enum lvs_admin admin);

/* ---- table_retire.c: each object must already be unreachable from the
 * table (unlinked, pointer swapped); it is freed once no reader can hold it */

int table_retire_init(struct lvs_table *t);
void table_retire_svc(struct lvs_table *t, struct svc_impl *si);
void table_retire_vec(struct lvs_table *t, struct vec_impl *vi);
void table_retire_dest(struct lvs_table *t, struct dest_impl *di);
/* free what no reader can hold any more */
void table_reclaim(struct lvs_table *t);
/* teardown (no reader left): free everything retired, then the domain */
void table_retire_destroy(struct lvs_table *t);

#endif
