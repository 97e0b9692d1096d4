/* table.c - the virtual-server table (the kernel's ip_vs_ctl.c, no sockets).
 *
 * Layout:
 *  - services live in two growable hash tables, one keyed by
 *    (af, protocol, addr, port), one by (af, fwmark), chained through
 *    svc->hnext; plus one list in the KERNEL's dump order, which is the
 *    table order (lvs_svc_first/next: what `--nosort` and /proc show, and
 *    the input order of ipvsadm's sort, whose comparator is not transitive
 *    for far-apart addresses, so the sorted output depends on it): the 256
 *    buckets of ip_vs_svc_hashkey() in index order, then the 256 fwmark
 *    buckets, newest first inside a bucket.  The kernel also XORs a netns
 *    pointer into the bucket, so its order changes from boot to boot (two
 *    oracle boots differ); we use 0 for it, so ours is stable across
 *    restarts (the golden sort cases 151/153 were captured with it).
 *  - dests are in svc->destinations, newest first (list_add at the head),
 *    and the same pointers in svc->dest_vec, an array kept in step with
 *    the list: the lc/wlc/sed/nq/fo/ovf/twos scans iterate it, so their
 *    loads do not depend on each other.  It has free room at its front:
 *    an add stores one pointer, a delete moves the newer ones by one (in
 *    place: the schedulers run under the table lock too, ipvs-t.h); when
 *    the front is full it is replaced by a copy twice as big (so N adds
 *    cost O(N), and the garbage between dests in the heap stays small),
 *    and the replaced array is freed after two lvs_table_tick() calls, the
 *    same grace period as deleted services (below).
 *  - removed dests go to a trash (hashed by service key + dest key) and
 *    are revived with their counters when re-added to the same service
 *    key; they are freed once no connection references them and they have
 *    been idle 120 s (IP_VS_DEST_TRASH_PERIOD).
 *  - a deleted service is unhashed at once but freed only after two
 *    lvs_table_tick() calls: datapath workers may still be following a
 *    dest->svc pointer they read just before the delete (the kernel uses
 *    RCU plus a refcount for this).  Workers take well under a tick per
 *    packet, so two ticks are a safe grace period.
 *
 * Error codes and their ORDER follow ip_vs_genl_set_cmd + ip_vs_add_dest
 * & co. in Linux 6.1 (checked against the oracle VM where observable).
 */
#include <errno.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include "table.h"
#include "sched.h"
#include "stats.h"
#include "lib/cacheline.h"

#define TRASH_IDLE_MS (120 * 1000) /* IP_VS_DEST_TRASH_PERIOD */
#define FTPPORT 21
#define FTPDATA 20

/* a service as the table allocates it: the public part + a serial that
 * tells a re-created service (same key, new object) from the old one */
struct svc_impl {
	struct lvs_service s;
	uint64_t serial;
	struct svc_impl *grave_next; /* deleted, waiting for its grace period */
	unsigned grave_ticks;
};

/* a dest as the table allocates it; the trash bookkeeping stays private */
struct dest_impl {
	struct lvs_dest d;
	/* trash state (valid while in_trash) */
	int in_trash;
	struct dest_impl *t_hnext;  /* trash hash chain */
	struct lvs_list t_list;     /* trash list, newest first */
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
	struct vec_impl *retired_next;
	unsigned retired_ticks;
	size_t cap;              /* entries in slot[] */
	struct lvs_dest_vec v;
	struct lvs_dest *slot[];
};

#define VEC_MIN_CAP 16

#define ORDER_BUCKETS 256

/* the kernel's service hash bucket (ip_vs_svc_hashkey / ip_vs_svc_fwm_hashkey
 * with a zero netns pointer); fwmark services come after all others */
static unsigned svc_order_bucket(const struct lvs_service *svc)
{
	if (svc->fwmark)
		return ORDER_BUCKETS + (svc->fwmark & (ORDER_BUCKETS - 1));
	uint32_t porth = svc->port;
	uint32_t ahash = lvs_addr_fold(svc->af, &svc->addr);
	return (svc->protocol ^ ahash ^ (porth >> 8) ^ porth) & (ORDER_BUCKETS - 1);
}

/* a chained hash table of pointers with a caller-supplied next-link offset */
struct htab {
	void **b;
	size_t nb;   /* power of two */
	size_t n;
};

struct lvs_table {
	struct htab svc_tab;  /* by proto/addr/port */
	struct htab fwm_tab;  /* by fwmark */
	struct lvs_list s_list;
	/* first (newest) service of each dump-order bucket, or NULL */
	struct lvs_service *order_first[2 * ORDER_BUCKETS];
	size_t nsvc;
	uint64_t next_serial;
	unsigned ftpsvc, nullsvc; /* enable the lookup fallbacks (spec 5.3) */
	unsigned mixed_af_dests;  /* linked dests whose af differs from the svc */

	struct htab trash_tab;
	struct lvs_list trash;
	struct svc_impl *graveyard;   /* deleted services (see top) */
	struct vec_impl *retired_vecs; /* replaced svc->dest_vec arrays (see top) */

	struct lvs_timeouts timeouts;
	struct lvs_daemon_conf daemons[2]; /* [0] master, [1] backup */
	int daemon_running[2];

	struct lvs_stats global;
	enum lvs_addr_type (*addr_type)(int af, const union lvs_addr *a, void *arg);
	void *addr_type_arg;
	int (*ifmtu)(const char *ifname, void *arg);
	void *ifmtu_arg;
};

/* ---------------------------------------------------------------- hashing */

static uint64_t mix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h;
}

static uint64_t addr_hash(int af, const union lvs_addr *a)
{
	if (af == AF_INET6)
		return mix64(((uint64_t)a->w[0] << 32 | a->w[1]) ^ mix64((uint64_t)a->w[2] << 32 | a->w[3]));
	return mix64(a->ip);
}

static uint64_t svc_key_hash(int af, uint16_t protocol, const union lvs_addr *addr, uint16_t port)
{
	return mix64(addr_hash(af, addr) ^ ((uint64_t)af << 40) ^ ((uint64_t)protocol << 16) ^ port);
}

static uint64_t fwm_key_hash(int af, uint32_t mark)
{
	return mix64(((uint64_t)af << 32) ^ mark ^ 0x5bd1e995ull);
}

static int htab_init(struct htab *h, size_t nb)
{
	h->b = calloc(nb, sizeof(void *));
	h->nb = nb;
	h->n = 0;
	return h->b ? 0 : -ENOMEM;
}

/* Link accessors: services chain through svc->hnext, trash through t_hnext. */
static struct lvs_service **svc_link(void *p) { return &((struct lvs_service *)p)->hnext; }
static struct dest_impl **trash_link(void *p) { return &((struct dest_impl *)p)->t_hnext; }

static uint64_t svc_hash_of(const struct lvs_service *s)
{
	return s->fwmark ? fwm_key_hash(s->af, s->fwmark) : svc_key_hash(s->af, s->protocol, &s->addr, s->port);
}

static uint64_t trash_key_hash(int daf, const union lvs_addr *daddr, uint16_t dport, int saf, uint16_t sproto,
			       const union lvs_addr *saddr, uint16_t sport, uint32_t fwmark)
{
	uint64_t h = addr_hash(daf, daddr) ^ ((uint64_t)dport << 48);

	if (fwmark)
		h ^= fwm_key_hash(saf, fwmark);
	else
		h ^= svc_key_hash(saf, sproto, saddr, sport) * 31;
	return mix64(h);
}

static uint64_t trash_hash_of(const struct dest_impl *di)
{
	return trash_key_hash(di->d.af, &di->d.addr, di->d.port, di->svc_af, di->svc_protocol, &di->svc_addr,
			      di->svc_port, di->svc_fwmark);
}

/* grow x2 when the load factor passes 1; allocation failure keeps the old
 * (still correct, just longer-chained) table */
static void svc_htab_grow(struct htab *h)
{
	if (h->n <= h->nb)
		return;
	size_t nb = h->nb * 2;
	void **nbk = calloc(nb, sizeof(void *));

	if (!nbk)
		return;
	for (size_t i = 0; i < h->nb; i++) {
		struct lvs_service *s = h->b[i], *next;

		for (; s; s = next) {
			next = s->hnext;
			size_t j = svc_hash_of(s) & (nb - 1);

			s->hnext = nbk[j];
			nbk[j] = s;
		}
	}
	free(h->b);
	h->b = nbk;
	h->nb = nb;
}

static void trash_htab_grow(struct htab *h)
{
	if (h->n <= h->nb)
		return;
	size_t nb = h->nb * 2;
	void **nbk = calloc(nb, sizeof(void *));

	if (!nbk)
		return;
	for (size_t i = 0; i < h->nb; i++) {
		struct dest_impl *d = h->b[i], *next;

		for (; d; d = next) {
			next = d->t_hnext;
			size_t j = trash_hash_of(d) & (nb - 1);

			d->t_hnext = nbk[j];
			nbk[j] = d;
		}
	}
	free(h->b);
	h->b = nbk;
	h->nb = nb;
}

static void svc_hash_link(struct lvs_table *t, struct lvs_service *s)
{
	struct htab *h = s->fwmark ? &t->fwm_tab : &t->svc_tab;
	size_t i = svc_hash_of(s) & (h->nb - 1);

	s->hnext = h->b[i];
	h->b[i] = s;
	h->n++;
	svc_htab_grow(h);
}

static void svc_hash_unlink(struct lvs_table *t, struct lvs_service *s)
{
	struct htab *h = s->fwmark ? &t->fwm_tab : &t->svc_tab;
	struct lvs_service **pp = (struct lvs_service **)&h->b[svc_hash_of(s) & (h->nb - 1)];

	for (; *pp; pp = svc_link(*pp)) {
		if (*pp == s) {
			*pp = s->hnext;
			s->hnext = NULL;
			h->n--;
			return;
		}
	}
}

static void trash_hash_link(struct lvs_table *t, struct dest_impl *di)
{
	struct htab *h = &t->trash_tab;
	size_t i = trash_hash_of(di) & (h->nb - 1);

	di->t_hnext = h->b[i];
	h->b[i] = di;
	h->n++;
	trash_htab_grow(h);
}

static void trash_hash_unlink(struct lvs_table *t, struct dest_impl *di)
{
	struct htab *h = &t->trash_tab;
	struct dest_impl **pp = (struct dest_impl **)&h->b[trash_hash_of(di) & (h->nb - 1)];

	for (; *pp; pp = trash_link(*pp)) {
		if (*pp == di) {
			*pp = di->t_hnext;
			di->t_hnext = NULL;
			h->n--;
			return;
		}
	}
}

/* ------------------------------------------------------------ life cycle */

static const struct lvs_timeouts default_timeouts = {
	.tcp = {
		[LVS_TCP_S_NONE] = 2,
		[LVS_TCP_S_ESTABLISHED] = 15 * 60,
		[LVS_TCP_S_SYN_SENT] = 2 * 60,
		[LVS_TCP_S_SYN_RECV] = 1 * 60,
		[LVS_TCP_S_FIN_WAIT] = 2 * 60,
		[LVS_TCP_S_TIME_WAIT] = 2 * 60,
		[LVS_TCP_S_CLOSE] = 10,
		[LVS_TCP_S_CLOSE_WAIT] = 60,
		[LVS_TCP_S_LAST_ACK] = 30,
		[LVS_TCP_S_LISTEN] = 2 * 60,
		[LVS_TCP_S_SYNACK] = 2 * 60,
	},
	.udp = 5 * 60,
};

struct lvs_table *lvs_table_new(void)
{
	struct lvs_table *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	if (htab_init(&t->svc_tab, 256) || htab_init(&t->fwm_tab, 256) || htab_init(&t->trash_tab, 256) ||
	    lvs_stats_init(&t->global)) {
		free(t->svc_tab.b);
		free(t->fwm_tab.b);
		free(t->trash_tab.b);
		free(t);
		return NULL;
	}
	lvs_list_init(&t->s_list);
	lvs_list_init(&t->trash);
	t->timeouts = default_timeouts;
	t->next_serial = 1;
	return t;
}

static void dest_free(struct lvs_dest *d)
{
	lvs_stats_destroy(&d->stats);
	lvs_cl_free(lvs_container_of(d, struct dest_impl, d));
}

/* ---------------------------------------------------------- dest vectors */

/* an empty array with room for cap dests, or NULL */
static struct vec_impl *vec_alloc(size_t cap)
{
	struct vec_impl *vi;

	if (cap > (SIZE_MAX - sizeof(*vi)) / sizeof(vi->slot[0]))
		return NULL;
	vi = malloc(sizeof(*vi) + cap * sizeof(vi->slot[0]));
	if (vi) {
		vi->retired_next = NULL;
		vi->retired_ticks = 0;
		vi->cap = cap;
		vi->v.n = 0;
		vi->v.d = vi->slot + cap;
	}
	return vi;
}

/* the old array may still be read by a scheduler that loaded the pointer
 * just before the swap: free it only after the grace period */
static void vec_retire(struct lvs_table *t, struct lvs_dest_vec *v)
{
	if (!v)
		return;
	struct vec_impl *vi = lvs_container_of(v, struct vec_impl, v);

	vi->retired_ticks = 0;
	vi->retired_next = t->retired_vecs;
	t->retired_vecs = vi;
}

/* fill vi (room for svc->num_dests, or NULL when there are none) from the
 * list, at the end of its slots, and make it the service's array */
static void vec_install(struct lvs_table *t, struct lvs_service *svc, struct vec_impl *vi)
{
	struct lvs_dest_vec *old = svc->dest_vec;
	struct lvs_dest *d;

	if (vi) {
		unsigned n = 0;

		vi->v.d = vi->slot + vi->cap - (size_t)svc->num_dests;
		lvs_list_for_each_entry(d, &svc->destinations, n_list)
			vi->v.d[n++] = d;
		vi->v.n = n;
	}
	__atomic_store_n(&svc->dest_vec, vi ? &vi->v : NULL, __ATOMIC_RELEASE);
	vec_retire(t, old);
}

/* Before adding a dest: NULL with *err = 0 when the current array has
 * room at its front, else a new array twice the size (for vec_add), or
 * NULL with *err = -ENOMEM. */
static struct vec_impl *vec_prepare_add(const struct lvs_service *svc, int *err)
{
	const struct lvs_dest_vec *v = svc->dest_vec;
	size_t cap = VEC_MIN_CAP;
	struct vec_impl *vi;

	*err = 0;
	if (v && v->d > lvs_container_of(v, struct vec_impl, v)->slot)
		return NULL;
	while (cap < 2 * ((size_t)svc->num_dests + 1))
		cap *= 2;
	vi = vec_alloc(cap);
	if (!vi)
		*err = -ENOMEM;
	return vi;
}

/* after d was linked at the list head; vi from vec_prepare_add */
static void vec_add(struct lvs_table *t, struct lvs_service *svc, struct lvs_dest *d, struct vec_impl *vi)
{
	struct lvs_dest_vec *v = svc->dest_vec;

	if (vi || !v) {
		vec_install(t, svc, vi);
		return;
	}
	v->d[-1] = d;
	__atomic_store_n(&v->d, v->d - 1, __ATOMIC_RELEASE);
	__atomic_store_n(&v->n, v->n + 1, __ATOMIC_RELEASE);
}

/* after an unlink: the newer dests move up by one, in place (no memory
 * needed, so a delete never fails); an emptied service drops its array */
static void vec_remove(struct lvs_table *t, struct lvs_service *svc, struct lvs_dest *gone)
{
	struct lvs_dest_vec *v = svc->dest_vec;
	unsigned i;

	if (!v)
		return;
	if (svc->num_dests <= 0) {
		vec_install(t, svc, NULL);
		return;
	}
	for (i = 0; i < v->n && v->d[i] != gone; i++)
		;
	if (i == v->n)
		return; /* not there: nothing to do */
	memmove(&v->d[1], &v->d[0], i * sizeof(v->d[0]));
	__atomic_store_n(&v->d, v->d + 1, __ATOMIC_RELEASE);
	__atomic_store_n(&v->n, v->n - 1, __ATOMIC_RELEASE);
}

static void vec_reap(struct lvs_table *t, int all)
{
	for (struct vec_impl **pp = &t->retired_vecs; *pp;) {
		struct vec_impl *vi = *pp;

		if (all || ++vi->retired_ticks >= 2) {
			*pp = vi->retired_next;
			free(vi);
		} else {
			pp = &vi->retired_next;
		}
	}
}

static void svc_free(struct lvs_service *svc);

void lvs_table_free(struct lvs_table *t)
{
	if (!t)
		return;
	lvs_flush(t);
	struct dest_impl *di, *n;

	lvs_list_for_each_entry_safe(di, n, &t->trash, t_list)
		dest_free(&di->d);
	while (t->graveyard) {
		struct svc_impl *si = t->graveyard;

		t->graveyard = si->grave_next;
		svc_free(&si->s);
	}
	vec_reap(t, 1);
	free(t->svc_tab.b);
	free(t->fwm_tab.b);
	free(t->trash_tab.b);
	lvs_stats_destroy(&t->global);
	free(t);
}

void lvs_table_set_addr_type_hook(struct lvs_table *t,
				  enum lvs_addr_type (*hook)(int af, const union lvs_addr *a, void *arg), void *arg)
{
	t->addr_type = hook;
	t->addr_type_arg = arg;
}

void lvs_table_set_ifmtu_hook(struct lvs_table *t, int (*hook)(const char *ifname, void *arg), void *arg)
{
	t->ifmtu = hook;
	t->ifmtu_arg = arg;
}

/* -------------------------------------------------------------- lookups */

struct lvs_service *lvs_svc_lookup(struct lvs_table *t, int af, uint16_t protocol, const union lvs_addr *addr,
				   uint16_t port)
{
	struct htab *h = &t->svc_tab;
	struct lvs_service *s = h->b[svc_key_hash(af, protocol, addr, port) & (h->nb - 1)];

	for (; s; s = s->hnext)
		if (s->af == af && s->protocol == protocol && s->port == port && lvs_addr_equal(af, &s->addr, addr))
			return s;
	return NULL;
}

struct lvs_service *lvs_svc_lookup_fwmark(struct lvs_table *t, int af, uint32_t mark)
{
	struct htab *h = &t->fwm_tab;
	struct lvs_service *s = h->b[fwm_key_hash(af, mark) & (h->nb - 1)];

	for (; s; s = s->hnext)
		if (s->af == af && s->fwmark == mark)
			return s;
	return NULL;
}

struct lvs_service *lvs_svc_get(struct lvs_table *t, const struct lvs_service_conf *key)
{
	if (!key)
		return NULL;
	if (key->fwmark)
		return lvs_svc_lookup_fwmark(t, key->af, key->fwmark);
	return lvs_svc_lookup(t, key->af, key->protocol, &key->addr, key->port);
}

struct lvs_service *lvs_svc_find(struct lvs_table *t, int af, uint32_t mark, uint16_t protocol,
				 const union lvs_addr *daddr, uint16_t dport)
{
	struct lvs_service *s = NULL;

	if (mark) {
		s = lvs_svc_lookup_fwmark(t, af, mark);
		if (s)
			return s;
	}
	s = lvs_svc_lookup(t, af, protocol, daddr, dport);
	/* FTP data: port 20 or an unprivileged port may belong to a port-21
	 * service (ip_local_reserved/unprivileged start = 1024 by default) */
	if (!s && protocol == IPPROTO_TCP && t->ftpsvc && (dport == FTPDATA || dport >= 1024))
		s = lvs_svc_lookup(t, af, protocol, daddr, FTPPORT);
	if (!s && t->nullsvc)
		s = lvs_svc_lookup(t, af, protocol, daddr, 0);
	return s;
}

struct lvs_dest *lvs_dest_lookup(struct lvs_service *svc, int af, const union lvs_addr *addr, uint16_t port)
{
	struct lvs_dest *d;

	lvs_list_for_each_entry(d, &svc->destinations, n_list)
		if (d->af == af && d->port == port && lvs_addr_equal(af, &d->addr, addr))
			return d;
	return NULL;
}

/* link at the head of its bucket: before the bucket's current first, or
 * before the first service of the next non-empty bucket */
static void order_link(struct lvs_table *t, struct lvs_service *svc)
{
	unsigned b = svc_order_bucket(svc);
	struct lvs_list *before = &t->s_list;

	for (unsigned i = b; i < 2 * ORDER_BUCKETS; i++)
		if (t->order_first[i]) {
			before = &t->order_first[i]->s_list;
			break;
		}
	lvs_list_add_tail(&svc->s_list, before);
	t->order_first[b] = svc;
}

static void order_unlink(struct lvs_table *t, struct lvs_service *svc)
{
	unsigned b = svc_order_bucket(svc);

	if (t->order_first[b] == svc) {
		struct lvs_list *n = svc->s_list.next;
		struct lvs_service *next = n == &t->s_list ? NULL : lvs_list_entry(n, struct lvs_service, s_list);

		t->order_first[b] = next && svc_order_bucket(next) == b ? next : NULL;
	}
	lvs_list_del(&svc->s_list);
}

struct lvs_service *lvs_svc_first(struct lvs_table *t)
{
	if (lvs_list_empty(&t->s_list))
		return NULL;
	return lvs_list_entry(t->s_list.next, struct lvs_service, s_list);
}

struct lvs_service *lvs_svc_next(struct lvs_table *t, struct lvs_service *svc)
{
	if (!svc || svc->s_list.next == &t->s_list)
		return NULL;
	return lvs_list_entry(svc->s_list.next, struct lvs_service, s_list);
}

size_t lvs_svc_count(const struct lvs_table *t)
{
	return t->nsvc;
}

struct lvs_stats *lvs_table_global_stats(struct lvs_table *t)
{
	return &t->global;
}

/* ------------------------------------------------------------- services */

/* copy a possibly unterminated fixed-size name; 0 if it fits */
static int name_ok(const char *name, size_t max)
{
	return memchr(name, '\0', max) != NULL;
}

/* resolve the scheduler: "none" = no scheduler, unknown = ENOENT */
static int resolve_sched(const char *name, const struct lvs_sched_ops **out)
{
	*out = NULL;
	if (!name_ok(name, LVS_SCHEDNAME_MAXLEN))
		return -ENOENT;
	if (strcmp(name, "none") == 0)
		return 0;
	*out = lvs_sched_find(name);
	if (*out && !lvs_sched_is_available(*out))
		*out = NULL; /* e.g. twos: not in the reference kernel */
	return *out ? 0 : -ENOENT;
}

/* Persistence engines: the kernel only knows "sip", from the module
 * ip_vs_pe_sip, which the reference 6.1 system does not have loaded
 * (`--pe sip` -> "Scheduler or persistence engine not found", checked on
 * the oracle).  lvsd has no SIP engine either, so every PE name is
 * ENOENT; an empty name means "no engine". */
static int resolve_pe(const char *name)
{
	if (!name_ok(name, LVS_PENAME_MAXLEN))
		return -ENOENT;
	return name[0] ? -ENOENT : 0;
}

/* the checks ip_vs_add_service/ip_vs_edit_service make, in their order */
static int check_service_conf(const struct lvs_service_conf *c, const struct lvs_sched_ops **sched)
{
	int ret = resolve_sched(c->sched_name, sched);

	if (ret)
		return ret;
	ret = resolve_pe(c->pe_name);
	if (ret)
		return ret;
	if (c->af == AF_INET6 && (c->netmask < 1 || c->netmask > 128))
		return -EINVAL;
	return 0;
}

static int key_af_ok(int af)
{
	return af == AF_INET || af == AF_INET6;
}

static int bind_sched(struct lvs_service *svc, const struct lvs_sched_ops *sched)
{
	svc->sched = sched;
	svc->sched_data = NULL;
	snprintf(svc->sched_name, sizeof(svc->sched_name), "%s", sched ? sched->name : "none");
	if (sched && sched->init_service) {
		int ret = sched->init_service(svc);

		if (ret) {
			svc->sched = NULL;
			svc->sched_data = NULL;
			snprintf(svc->sched_name, sizeof(svc->sched_name), "none");
			return ret;
		}
	}
	return 0;
}

static void unbind_sched(struct lvs_service *svc)
{
	if (svc->sched && svc->sched->done_service)
		svc->sched->done_service(svc);
	svc->sched = NULL;
	svc->sched_data = NULL;
}

static void svc_set_params(struct lvs_service *svc, const struct lvs_service_conf *c)
{
	/* the kernel keeps its internal HASHED bit set on every live service */
	svc->flags = c->flags | LVS_SVC_F_HASHED;
	svc->timeout = c->timeout;
	svc->netmask = c->netmask;
	memset(svc->pe_name, 0, sizeof(svc->pe_name));
	memcpy(svc->pe_name, c->pe_name, strnlen(c->pe_name, LVS_PENAME_MAXLEN - 1));
}

int lvs_add_service(struct lvs_table *t, const struct lvs_service_conf *c)
{
	const struct lvs_sched_ops *sched;
	int ret;

	if (!c || !key_af_ok(c->af))
		return -EAFNOSUPPORT;
	if (lvs_svc_get(t, c))
		return -EEXIST;
	ret = check_service_conf(c, &sched);
	if (ret)
		return ret;

	struct svc_impl *si = calloc(1, sizeof(*si));

	if (!si)
		return -ENOMEM;
	struct lvs_service *svc = &si->s;

	if (lvs_stats_init(&svc->stats)) {
		free(si);
		return -ENOMEM;
	}
	si->serial = t->next_serial++;
	svc->af = c->af;
	svc->fwmark = c->fwmark;
	if (c->fwmark) {
		/* the kernel stores fwmark services as TCP, address 0, port 0 */
		svc->protocol = IPPROTO_TCP;
	} else {
		svc->protocol = c->protocol;
		svc->addr = c->addr;
		if (c->af == AF_INET)
			memset((char *)&svc->addr + sizeof(svc->addr.ip), 0, sizeof(svc->addr) - sizeof(svc->addr.ip));
		svc->port = c->port;
	}
	lvs_list_init(&svc->destinations);
	svc_set_params(svc, c);
	ret = bind_sched(svc, sched);
	if (ret) {
		lvs_stats_destroy(&svc->stats);
		free(si);
		return ret;
	}
	/* the kernel counts fwmark services (port 0) as null-port ones too */
	if (svc->port == FTPPORT)
		t->ftpsvc++;
	else if (svc->port == 0)
		t->nullsvc++;
	svc_hash_link(t, svc);
	order_link(t, svc);
	t->nsvc++;
	return 0;
}

int lvs_edit_service(struct lvs_table *t, const struct lvs_service_conf *c)
{
	const struct lvs_sched_ops *sched;
	struct lvs_service *svc;
	int ret;

	if (!c || !key_af_ok(c->af))
		return -EAFNOSUPPORT;
	svc = lvs_svc_get(t, c);
	if (!svc)
		return -ESRCH;
	ret = check_service_conf(c, &sched);
	if (ret)
		return ret;
	if (sched != svc->sched) {
		/* a different scheduler starts from scratch (rr/wrr position...) */
		unbind_sched(svc);
		ret = bind_sched(svc, sched);
		if (ret)
			return ret;
	}
	svc_set_params(svc, c);
	return 0;
}

/* ---------------------------------------------------------------- trash */

static void trash_put(struct lvs_table *t, struct lvs_service *svc, struct lvs_dest *d)
{
	struct dest_impl *di = lvs_container_of(d, struct dest_impl, d);

	di->in_trash = 1;
	di->svc_serial = lvs_container_of(svc, struct svc_impl, s)->serial;
	di->svc_af = svc->af;
	di->svc_protocol = svc->protocol;
	di->svc_addr = svc->addr;
	di->svc_port = svc->port;
	di->svc_fwmark = svc->fwmark;
	di->idle_since_ms = 0;
	d->svc = NULL;
	d->trash_since_ms = 0;
	lvs_list_add(&di->t_list, &t->trash);
	trash_hash_link(t, di);
}

static void trash_take(struct lvs_table *t, struct dest_impl *di)
{
	trash_hash_unlink(t, di);
	lvs_list_del(&di->t_list);
	di->in_trash = 0;
}

/* ip_vs_trash_get_dest: same dest key, removed from a service with the same key */
static struct dest_impl *trash_find(struct lvs_table *t, const struct lvs_service *svc, int af,
				    const union lvs_addr *addr, uint16_t port)
{
	struct htab *h = &t->trash_tab;
	uint64_t hv = trash_key_hash(af, addr, port, svc->af, svc->protocol, &svc->addr, svc->port, svc->fwmark);
	struct dest_impl *di = h->b[hv & (h->nb - 1)];

	for (; di; di = di->t_hnext) {
		if (di->d.af != af || di->d.port != port || !lvs_addr_equal(af, &di->d.addr, addr))
			continue;
		if (di->svc_fwmark != svc->fwmark || di->svc_protocol != svc->protocol || di->svc_af != svc->af)
			continue;
		if (!svc->fwmark && (di->svc_port != svc->port || !lvs_addr_equal(svc->af, &di->svc_addr, &svc->addr)))
			continue;
		return di;
	}
	return NULL;
}

/* unlink from the service (AVAILABLE cleared) and move to the trash */
static void dest_unlink(struct lvs_table *t, struct lvs_service *svc, struct lvs_dest *d, int notify)
{
	__atomic_and_fetch(&d->flags, ~(uint32_t)LVS_DEST_F_AVAILABLE, __ATOMIC_RELAXED);
	lvs_list_del(&d->n_list);
	svc->num_dests--;
	if (notify)
		vec_remove(t, svc, d);
	if (d->af != svc->af && t->mixed_af_dests)
		t->mixed_af_dests--;
	if (notify && svc->sched && svc->sched->del_dest)
		svc->sched->del_dest(svc, d);
	trash_put(t, svc, d);
}

static void svc_unlink_all(struct lvs_table *t, struct lvs_service *svc)
{
	/* like __ip_vs_del_service: the scheduler goes first, dests are
	 * unlinked without del_dest callbacks */
	unbind_sched(svc);
	vec_install(t, svc, NULL);
	while (!lvs_list_empty(&svc->destinations)) {
		struct lvs_dest *d = lvs_list_entry(svc->destinations.next, struct lvs_dest, n_list);

		dest_unlink(t, svc, d, 0);
	}
}

static void svc_free(struct lvs_service *svc)
{
	lvs_stats_destroy(&svc->stats);
	free(lvs_container_of(svc, struct svc_impl, s));
}

static void svc_remove(struct lvs_table *t, struct lvs_service *svc)
{
	svc_unlink_all(t, svc);
	if (svc->port == FTPPORT)
		t->ftpsvc--;
	else if (svc->port == 0)
		t->nullsvc--;
	svc_hash_unlink(t, svc);
	order_unlink(t, svc);
	t->nsvc--;

	struct svc_impl *si = lvs_container_of(svc, struct svc_impl, s);

	si->grave_ticks = 0;
	si->grave_next = t->graveyard;
	t->graveyard = si;
}

int lvs_del_service(struct lvs_table *t, const struct lvs_service_conf *key)
{
	struct lvs_service *svc = lvs_svc_get(t, key);

	if (!svc)
		return -ESRCH;
	svc_remove(t, svc);
	return 0;
}

int lvs_flush(struct lvs_table *t)
{
	while (!lvs_list_empty(&t->s_list))
		svc_remove(t, lvs_list_entry(t->s_list.next, struct lvs_service, s_list));
	return 0;
}

/* ---------------------------------------------------------------- dests */

/* Is `a` acceptable as a real server?  IPv4 follows inet_addr_type() over
 * the local table: 0.0.0.0 and 255.255.255.255 are "broadcast", 224/4 is
 * multicast (built in); local-subnet broadcasts need the hook.  (6.1 no
 * longer treats the rest of 0/8 as zeronet: 0.1.2.3 is accepted on the
 * oracle, so is 240.0.0.1.)  IPv6 follows ipv6_addr_type(): unicast and
 * not link-local, or a local address. */
static int dest_addr_ok(struct lvs_table *t, int af, const union lvs_addr *a)
{
	enum lvs_addr_type type = LVS_ADDR_UNICAST;

	if (af == AF_INET6) {
		uint32_t w0 = ntohl(a->w[0]);
		int unicast = 1, linklocal = 0;

		if ((w0 & 0xE0000000u) != 0 && (w0 & 0xE0000000u) != 0xE0000000u)
			unicast = 1; /* global unicast 2000::/3 etc. */
		else if ((w0 & 0xFF000000u) == 0xFF000000u)
			unicast = 0; /* multicast */
		else if ((w0 & 0xFFC00000u) == 0xFE800000u)
			linklocal = 1;
		else if ((w0 & 0xFFC00000u) == 0xFEC00000u || (w0 & 0xFE000000u) == 0xFC000000u)
			unicast = 1; /* site-local, unique local */
		else if ((a->w[0] | a->w[1]) == 0) {
			if (a->w[2] == 0)
				unicast = a->w[3] != 0; /* :: is "any"; ::1 and ::a.b.c.d are unicast */
			else if (a->w[2] == htonl(0x0000ffff))
				unicast = 0; /* v4-mapped */
		}
		if (unicast && !linklocal)
			return 1;
		return t->addr_type && t->addr_type(af, a, t->addr_type_arg) == LVS_ADDR_LOCAL;
	}

	uint32_t h = ntohl(a->ip);

	if (h == 0 || h == 0xFFFFFFFFu)
		return 0;
	if ((h & 0xF0000000u) == 0xE0000000u)
		return 0;
	if (t->addr_type)
		type = t->addr_type(af, a, t->addr_type_arg);
	return type == LVS_ADDR_UNICAST || type == LVS_ADDR_LOCAL;
}

/* ip_vs_genl_set_cmd's checks for dest commands, then ip_vs_add/edit_dest's */
static int check_dest_conf(struct lvs_table *t, const struct lvs_service *svc, const struct lvs_dest_conf *d)
{
	if (!key_af_ok(d->af))
		return -EAFNOSUPPORT;
	if (d->af != svc->af) {
		/* sync cannot carry mixed families; only tunnels can cross them */
		if (t->daemon_running[0] || t->daemon_running[1])
			return -EINVAL;
		if ((d->conn_flags & LVS_CONN_F_FWD_MASK) != LVS_CONN_F_TUNNEL)
			return -EINVAL;
	}
	if (d->weight < 0)
		return -ERANGE;
	if (d->l_threshold > d->u_threshold)
		return -ERANGE;
	if (d->u_threshold > INT_MAX)
		return -EINVAL;
	if (d->tun_type == LVS_TUN_TYPE_GUE && d->tun_port == 0)
		return -EINVAL;
	return 0;
}

/* ip_vs_dest_update_overload (the threshold fix backported into Debian's
 * 6.1.192, verified on the oracle): with u = 0 the flag is off; at or
 * above u it is on; below l (0 = u - u/4, i.e. 75 % rounded up) it is
 * off; in between it stays as it is (hysteresis). */
static void dest_update_overload(struct lvs_dest *d)
{
	uint32_t u = __atomic_load_n(&d->u_threshold, __ATOMIC_RELAXED);
	uint32_t l = __atomic_load_n(&d->l_threshold, __ATOMIC_RELAXED);
	int conns = __atomic_load_n(&d->activeconns, __ATOMIC_RELAXED) +
		    __atomic_load_n(&d->inactconns, __ATOMIC_RELAXED);
	uint32_t total = conns > 0 ? (uint32_t)conns : 0;

	if (u != 0) {
		if (total >= u) {
			__atomic_or_fetch(&d->flags, LVS_DEST_F_OVERLOAD, __ATOMIC_RELAXED);
			return;
		}
		if (!l)
			l = u - (u >> 2);
		if (total >= l)
			return;
	}
	__atomic_and_fetch(&d->flags, ~(uint32_t)LVS_DEST_F_OVERLOAD, __ATOMIC_RELAXED);
}

/* __ip_vs_update_dest: replace everything the user controls */
/* add: vi is from vec_prepare_add (NULL: the array has room) */
static void dest_update(struct lvs_table *t, struct lvs_service *svc, struct lvs_dest *d,
			const struct lvs_dest_conf *c, int add, struct vec_impl *vi)
{
	uint32_t method = c->conn_flags & LVS_CONN_F_FWD_MASK;
	uint32_t conn_flags = method | LVS_CONN_F_INACTIVE;

	if (add && c->af != svc->af)
		t->mixed_af_dests++;
	/* mh wants the latest non-zero weight */
	if (add || c->weight != 0)
		d->last_weight = c->weight;
	d->weight = c->weight;
	d->tun_type = c->tun_type;
	d->tun_port = c->tun_port;
	d->tun_flags = c->tun_flags;
	if (method != LVS_CONN_F_MASQ)
		conn_flags |= LVS_CONN_F_NOOUTPUT;
	d->conn_flags = conn_flags;
	d->svc = svc;
	__atomic_or_fetch(&d->flags, LVS_DEST_F_AVAILABLE, __ATOMIC_RELAXED);
	/* Changed thresholds re-evaluate OVERLOAD against the current
	 * connections.  The oracle kernel does this (e.g. `-e -x 2` on a dest
	 * with 3 connections overloads it at once, and raising u to 3 keeps
	 * it overloaded); the classic rule "a raised or zeroed u clears it"
	 * is what older kernels did. */
	if (d->u_threshold != c->u_threshold || d->l_threshold != c->l_threshold) {
		__atomic_store_n(&d->u_threshold, c->u_threshold, __ATOMIC_RELAXED);
		__atomic_store_n(&d->l_threshold, c->l_threshold, __ATOMIC_RELAXED);
		dest_update_overload(d);
	}
	d->af = c->af;
	if (add) {
		lvs_list_add(&d->n_list, &svc->destinations);
		svc->num_dests++;
		vec_add(t, svc, d, vi);
		if (svc->sched && svc->sched->add_dest)
			svc->sched->add_dest(svc, d);
	} else if (svc->sched && svc->sched->upd_dest) {
		svc->sched->upd_dest(svc, d);
	}
}

int lvs_add_dest(struct lvs_table *t, const struct lvs_service_conf *key, const struct lvs_dest_conf *c)
{
	struct lvs_service *svc = lvs_svc_get(t, key);
	int ret;

	if (!svc)
		return -ESRCH;
	if (!c)
		return -EINVAL;
	ret = check_dest_conf(t, svc, c);
	if (ret)
		return ret;
	if (lvs_dest_lookup(svc, c->af, &c->addr, c->port))
		return -EEXIST;

	/* the only allocation that can fail after a revival: do it first */
	struct vec_impl *vi = vec_prepare_add(svc, &ret);

	if (ret)
		return ret;

	struct dest_impl *di = trash_find(t, svc, c->af, &c->addr, c->port);

	if (di) {
		/* revived: counters and connections carry on; statistics only
		 * survive if it is the very same service (not a re-created one) */
		trash_take(t, di);
		di->d.trash_since_ms = 0;
		if (di->svc_serial != lvs_container_of(svc, struct svc_impl, s)->serial)
			lvs_stats_zero(&di->d.stats);
		dest_update(t, svc, &di->d, c, 1, vi);
		return 0;
	}
	if (!dest_addr_ok(t, c->af, &c->addr)) {
		free(vi);
		return -EINVAL;
	}
	/* 64-byte aligned: the scheduler-hot fields at the start of struct
	 * lvs_dest then share one cache line */
	di = lvs_cl_alloc(sizeof(*di));
	if (!di) {
		free(vi);
		return -ENOMEM;
	}
	if (lvs_stats_init(&di->d.stats)) {
		lvs_cl_free(di);
		free(vi);
		return -ENOMEM;
	}
	struct lvs_dest *d = &di->d;

	d->af = c->af;
	d->addr = c->addr;
	if (c->af == AF_INET)
		memset((char *)&d->addr + sizeof(d->addr.ip), 0, sizeof(d->addr) - sizeof(d->addr.ip));
	d->port = c->port;
	d->refcnt = 1; /* the table's own reference */
	dest_update(t, svc, d, c, 1, vi);
	return 0;
}

int lvs_edit_dest(struct lvs_table *t, const struct lvs_service_conf *key, const struct lvs_dest_conf *c)
{
	struct lvs_service *svc = lvs_svc_get(t, key);
	struct lvs_dest *d;
	int ret;

	if (!svc)
		return -ESRCH;
	if (!c)
		return -EINVAL;
	ret = check_dest_conf(t, svc, c);
	if (ret)
		return ret;
	d = lvs_dest_lookup(svc, c->af, &c->addr, c->port);
	if (!d)
		return -ENOENT;
	dest_update(t, svc, d, c, 0, NULL);
	return 0;
}

int lvs_del_dest(struct lvs_table *t, const struct lvs_service_conf *key, const struct lvs_dest_conf *c)
{
	struct lvs_service *svc = lvs_svc_get(t, key);
	struct lvs_dest *d;

	if (!svc)
		return -ESRCH;
	if (!c)
		return -EINVAL;
	if (!key_af_ok(c->af))
		return -EAFNOSUPPORT;
	d = lvs_dest_lookup(svc, c->af, &c->addr, c->port);
	if (!d)
		return -ENOENT;
	dest_unlink(t, svc, d, 1);
	return 0;
}

void lvs_dest_put(struct lvs_table *t, struct lvs_dest *dest)
{
	(void)t;
	/* Never frees here: like the kernel, a trashed dest is reaped by the
	 * periodic scan (lvs_table_tick) after 120 s without references, so
	 * a dest re-added meanwhile gets its counters back. */
	__atomic_sub_fetch(&dest->refcnt, 1, __ATOMIC_RELAXED);
}

/* ip_vs_bind_dest / ip_vs_unbind_dest with the backported threshold fix:
 * bind always re-evaluates, unbind only while the flag is set.  For
 * unbinding this equals the classic rule (below l, or below 3/4 u). */
void lvs_dest_conn_bound(struct lvs_dest *d)
{
	dest_update_overload(d);
}

void lvs_dest_conn_unbound(struct lvs_dest *d)
{
	if (__atomic_load_n(&d->flags, __ATOMIC_RELAXED) & LVS_DEST_F_OVERLOAD)
		dest_update_overload(d);
}

/* ---------------------------------------------------------------- stats */

static void zero_service(struct lvs_service *svc)
{
	struct lvs_dest *d;

	lvs_list_for_each_entry(d, &svc->destinations, n_list)
		lvs_stats_zero(&d->stats);
	lvs_stats_zero(&svc->stats);
}

int lvs_zero(struct lvs_table *t, const struct lvs_service_conf *key)
{
	if (key) {
		struct lvs_service *svc = lvs_svc_get(t, key);

		if (!svc)
			return -ESRCH;
		zero_service(svc);
		return 0;
	}
	struct lvs_service *svc;

	lvs_list_for_each_entry(svc, &t->s_list, s_list)
		zero_service(svc);
	lvs_stats_zero(&t->global);
	return 0;
}

void lvs_table_estimate(struct lvs_table *t)
{
	struct lvs_service *svc;
	struct lvs_dest *d;

	lvs_list_for_each_entry(svc, &t->s_list, s_list) {
		lvs_stats_estimate(&svc->stats);
		lvs_list_for_each_entry(d, &svc->destinations, n_list)
			lvs_stats_estimate(&d->stats);
	}
	lvs_stats_estimate(&t->global);
}

void lvs_table_tick(struct lvs_table *t, uint64_t now_ms)
{
	struct lvs_service *svc;
	struct dest_impl *di, *n;

	lvs_list_for_each_entry(svc, &t->s_list, s_list)
		if (svc->sched && svc->sched->tick)
			svc->sched->tick(svc, now_ms);

	vec_reap(t, 0);
	for (struct svc_impl **pp = &t->graveyard; *pp;) {
		struct svc_impl *si = *pp;

		if (++si->grave_ticks >= 2) {
			*pp = si->grave_next;
			svc_free(&si->s);
		} else {
			pp = &si->grave_next;
		}
	}

	/* ip_vs_dest_trash_expire: first note when a dest became unreferenced,
	 * free it 120 s later if still unreferenced (refcnt 1 = only us) */
	lvs_list_for_each_entry_safe(di, n, &t->trash, t_list) {
		if (__atomic_load_n(&di->d.refcnt, __ATOMIC_RELAXED) > 1)
			continue;
		if (!di->idle_since_ms) {
			di->idle_since_ms = now_ms ? now_ms : 1;
			di->d.trash_since_ms = di->idle_since_ms;
			continue;
		}
		if (now_ms - di->idle_since_ms < TRASH_IDLE_MS)
			continue;
		trash_take(t, di);
		dest_free(&di->d);
	}
}

/* ------------------------------------------------------------- timeouts */

int lvs_set_timeouts(struct lvs_table *t, uint32_t tcp, uint32_t tcpfin, uint32_t udp)
{
	const uint32_t max = INT_MAX / LVS_HZ;

	if (tcp > max || tcpfin > max || udp > max)
		return -EINVAL;
	if (tcp)
		t->timeouts.tcp[LVS_TCP_S_ESTABLISHED] = tcp;
	if (tcpfin)
		t->timeouts.tcp[LVS_TCP_S_FIN_WAIT] = tcpfin;
	if (udp)
		t->timeouts.udp = udp;
	return 0;
}

const struct lvs_timeouts *lvs_get_timeouts(const struct lvs_table *t)
{
	return &t->timeouts;
}

/* -------------------------------------------------------------- daemons */

#define SYNC_GROUP_V4 0xE0000051u /* 224.0.0.81 */
#define SYNC_PORT 8848
#define SYNC_MTU 1500              /* a master's mtu, a backup's minimum */

static int is_mcast(int af, const union lvs_addr *a)
{
	if (af == AF_INET6)
		return (ntohl(a->w[0]) & 0xFF000000u) == 0xFF000000u;
	return (ntohl(a->ip) & 0xF0000000u) == 0xE0000000u;
}

int lvs_start_daemon(struct lvs_table *t, const struct lvs_daemon_conf *c)
{
	struct lvs_daemon_conf d;
	int slot, mtu = SYNC_MTU;

	if (!c)
		return -EINVAL;
	d = *c;
	/* ip_vs_genl_new_daemon: mcast_af 0 = no group given */
	if (d.mcast_af == AF_INET || d.mcast_af == AF_INET6) {
		if (!is_mcast(d.mcast_af, &d.mcast_group))
			return -EINVAL;
	} else if (d.mcast_af != 0) {
		return -EAFNOSUPPORT;
	}
	/* the sync protocol cannot carry mixed-family services */
	if (t->mixed_af_dests > 0)
		return -EINVAL;

	/* start_sync_thread (6.1): defaults, device, maxlen, then the role */
	if (d.mcast_af == 0) {
		d.mcast_af = AF_INET;
		memset(&d.mcast_group, 0, sizeof(d.mcast_group));
		d.mcast_group.ip = htonl(SYNC_GROUP_V4);
	}
	if (!d.mcast_port)
		d.mcast_port = SYNC_PORT;
	if (!d.mcast_ttl)
		d.mcast_ttl = 1;
	if (!name_ok(d.mcast_ifn, LVS_IFNAME_MAXLEN))
		return -ENODEV;
	if (t->ifmtu) {
		int r = t->ifmtu(d.mcast_ifn, t->ifmtu_arg);

		if (r < 0)
			return r;
		if (d.state == LVS_DAEMON_BACKUP)
			mtu = r < SYNC_MTU ? SYNC_MTU : r > 65535 ? 65535 : r;
	}

	/* a given maxlen is clamped to [1 (master) / 1024 (backup), 65535 -
	 * headers] (golden 173: master 65507 kept); the default follows the
	 * mtu (golden 170: backup on lo 65507) */
	unsigned hlen = d.mcast_af == AF_INET6 ? 40 + 8 : 20 + 8;
	unsigned min_len = d.state == LVS_DAEMON_BACKUP ? 1024 : 1;

	if (d.sync_maxlen) {
		unsigned v = d.sync_maxlen;

		if (v < min_len)
			v = min_len;
		if (v > 65535 - hlen)
			v = 65535 - hlen;
		d.sync_maxlen = (uint16_t)v;
	} else {
		d.sync_maxlen = (uint16_t)((unsigned)mtu - hlen);
	}

	if (d.state == LVS_DAEMON_MASTER)
		slot = 0;
	else if (d.state == LVS_DAEMON_BACKUP)
		slot = 1;
	else
		return -EINVAL;
	if (t->daemon_running[slot])
		return -EEXIST;
	t->daemons[slot] = d;
	t->daemon_running[slot] = 1;
	return 0;
}

int lvs_stop_daemon(struct lvs_table *t, int state)
{
	int slot;

	if (state == LVS_DAEMON_MASTER)
		slot = 0;
	else if (state == LVS_DAEMON_BACKUP)
		slot = 1;
	else
		return -EINVAL;
	if (!t->daemon_running[slot])
		return -ESRCH;
	t->daemon_running[slot] = 0;
	memset(&t->daemons[slot], 0, sizeof(t->daemons[slot]));
	return 0;
}

int lvs_get_daemons(const struct lvs_table *t, struct lvs_daemon_conf out[2])
{
	int n = 0;

	for (int i = 0; i < 2; i++)
		if (t->daemon_running[i])
			out[n++] = t->daemons[i];
	return n;
}
