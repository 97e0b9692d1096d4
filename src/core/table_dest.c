/* table_dest.c - a service's destinations: the checks and updates of
 * ip_vs_add_dest / ip_vs_edit_dest / ip_vs_del_dest, the OVERLOAD rule,
 * the svc->dest_vec array the scanning schedulers iterate, and the trash
 * that deleted dests wait in to be revived (table.c describes the layout).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "table-int.h"
#include "sched.h"
#include "lib/cacheline.h"

#define TRASH_IDLE_MS (120 * 1000) /* IP_VS_DEST_TRASH_PERIOD */

/* ---------------------------------------------------------- trash hash */

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

/* a trashed dest's place in trash_tab */
static uint64_t trash_hash(const void *obj)
{
	const struct dest_impl *di = obj;

	return trash_key_hash(di->d.af, &di->d.addr, di->d.port, di->svc_af, di->svc_protocol, &di->svc_addr,
			      di->svc_port, di->svc_fwmark);
}

int table_trash_init(struct lvs_table *t)
{
	lvs_list_init(&t->trash);
	return table_htab_init(&t->trash_tab, 256, offsetof(struct dest_impl, t_hnext), trash_hash);
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
		vi->cap = cap;
		vi->v.n = 0;
		vi->v.d = vi->slot + cap;
	}
	return vi;
}

/* the old array may still be read by a reader that loaded the pointer
 * just before the swap: free it only after the grace period */
static void vec_retire(struct lvs_table *t, struct lvs_dest_vec *v)
{
	if (v)
		table_retire_vec(t, lvs_container_of(v, struct vec_impl, v));
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
	__atomic_store_n(&d->svc, NULL, __ATOMIC_RELEASE);
	d->trash_since_ms = 0;
	lvs_list_add(&di->t_list, &t->trash);
	table_htab_link(&t->trash_tab, di);
}

static void trash_take(struct lvs_table *t, struct dest_impl *di)
{
	table_htab_unlink(&t->trash_tab, di);
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
	if (notify)
		lvs_sched_dest_deleted(svc, d);
	trash_put(t, svc, d);
}

void table_dests_unlink_all(struct lvs_table *t, struct lvs_service *svc)
{
	vec_install(t, svc, NULL);
	while (!lvs_list_empty(&svc->destinations)) {
		struct lvs_dest *d = lvs_list_entry(svc->destinations.next, struct lvs_dest, n_list);

		dest_unlink(t, svc, d, 0);
	}
}

/* ---------------------------------------------------------------- dests */

/* Is `a` acceptable as a real server?  IPv4 follows inet_addr_type() over
 * the local table: 0.0.0.0 and 255.255.255.255 are "broadcast", 224/4 is
 * multicast (built in); local-subnet broadcasts need the hook.  (6.1 no
 * longer treats the rest of 0/8 as zeronet: kernel 6.1 accepts 0.1.2.3,
 * and 240.0.0.1.)  IPv6 follows ipv6_addr_type(): unicast and
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
 * 6.1.192, whose behaviour this is): with u = 0 the flag is off; at or
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
	/* an operator's drain or maint outlasts whatever asked for this
	 * weight: it becomes the one `ready` restores */
	if (add)
		__atomic_store_n(&d->admin, table_admin_lookup(t, svc, c->af, &c->addr, c->port), __ATOMIC_RELAXED);
	d->conf_weight = c->weight;
	d->weight = d->admin == LVS_ADMIN_READY ? c->weight : 0;
	d->tun_type = c->tun_type;
	d->tun_port = c->tun_port;
	d->tun_flags = c->tun_flags;
	if (method != LVS_CONN_F_MASQ)
		conn_flags |= LVS_CONN_F_NOOUTPUT;
	d->conn_flags = conn_flags;
	__atomic_store_n(&d->svc, svc, __ATOMIC_RELEASE);
	if (d->admin != LVS_ADMIN_MAINT)
		__atomic_or_fetch(&d->flags, LVS_DEST_F_AVAILABLE, __ATOMIC_RELAXED);
	/* Changed thresholds re-evaluate OVERLOAD against the current
	 * connections.  Kernel 6.1 does this (e.g. `-e -x 2` on a dest
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
		lvs_sched_dest_added(svc, d);
	} else {
		lvs_sched_dest_edited(svc, d);
	}
}

void table_dest_apply_admin(struct lvs_service *svc, struct lvs_dest *d, enum lvs_admin admin)
{
	__atomic_store_n(&d->admin, admin, __ATOMIC_RELAXED);
	__atomic_store_n(&d->weight, admin == LVS_ADMIN_READY ? d->conf_weight : 0, __ATOMIC_RELAXED);
	if (admin == LVS_ADMIN_MAINT)
		__atomic_and_fetch(&d->flags, ~(uint32_t)LVS_DEST_F_AVAILABLE, __ATOMIC_RELAXED);
	else
		__atomic_or_fetch(&d->flags, LVS_DEST_F_AVAILABLE, __ATOMIC_RELAXED);
	if (svc->sched && svc->sched->upd_dest)
		svc->sched->upd_dest(svc, d);
}

/* what add and edit check first, in the kernel's order: the service
 * (-ESRCH), then the dest's settings; *svc is the service on 0 */
static int dest_cmd_check(struct lvs_table *t, const struct lvs_service_conf *key, const struct lvs_dest_conf *c,
			  struct lvs_service **svc)
{
	*svc = lvs_svc_get(t, key);
	if (!*svc)
		return -ESRCH;
	if (!c)
		return -EINVAL;
	return check_dest_conf(t, *svc, c);
}

int lvs_add_dest(struct lvs_table *t, const struct lvs_service_conf *key, const struct lvs_dest_conf *c)
{
	struct lvs_service *svc;
	struct dest_impl *di;
	struct vec_impl *vi;
	struct lvs_dest *d;
	int ret = dest_cmd_check(t, key, c, &svc);

	if (ret)
		return ret;
	if (lvs_dest_lookup(svc, c->af, &c->addr, c->port))
		return -EEXIST;

	/* the only allocation that can fail after a revival: do it first */
	vi = vec_prepare_add(svc, &ret);
	if (ret)
		return ret;

	di = trash_find(t, svc, c->af, &c->addr, c->port);
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
	ret = -EINVAL;
	if (!dest_addr_ok(t, c->af, &c->addr))
		goto fail_vec;
	/* 64-byte aligned: the scheduler-hot fields at the start of struct
	 * lvs_dest then share one cache line */
	ret = -ENOMEM;
	di = lvs_cl_alloc(sizeof(*di));
	if (!di)
		goto fail_vec;
	if (lvs_stats_init(&di->d.stats))
		goto fail_dest;
	d = &di->d;
	d->af = c->af;
	d->addr = c->addr;
	if (c->af == AF_INET)
		memset((char *)&d->addr + sizeof(d->addr.ip), 0, sizeof(d->addr) - sizeof(d->addr.ip));
	d->port = c->port;
	d->refcnt = 1; /* the table's own reference */
	dest_update(t, svc, d, c, 1, vi);
	return 0;

fail_dest:
	lvs_cl_free(di);
fail_vec:
	free(vi);
	return ret;
}

int lvs_edit_dest(struct lvs_table *t, const struct lvs_service_conf *key, const struct lvs_dest_conf *c)
{
	struct lvs_service *svc;
	struct lvs_dest *d;
	int ret = dest_cmd_check(t, key, c, &svc);

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

/* ip_vs_dest_trash_expire: first note when a dest became unreferenced,
 * free it 120 s later if still unreferenced (refcnt 1 = only us) */
void table_trash_expire(struct lvs_table *t, uint64_t now_ms)
{
	struct dest_impl *di, *n;

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
		table_retire_dest(t, di);
	}
}

void table_trash_free_all(struct lvs_table *t)
{
	struct dest_impl *di, *n;

	lvs_list_for_each_entry_safe(di, n, &t->trash, t_list) {
		trash_take(t, di);
		table_retire_dest(t, di);
	}
	free(t->trash_tab.b);
}
