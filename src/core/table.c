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
 *    pointer into the bucket, so its order changes from boot to boot; we
 *    use 0 for it, so ours is stable across
 *    restarts (the golden sort cases 151/153 were captured with it).
 *  - dests are in svc->destinations, newest first (list_add at the head),
 *    and the same pointers in svc->dest_vec, an array kept in step with
 *    the list: the lc/wlc/sed/nq/fo/ovf/twos scans iterate it, so their
 *    loads do not depend on each other.  It has free room at its front:
 *    an add stores one pointer, a delete moves the newer ones by one (in
 *    place: the schedulers run under the table lock too, ipvs-t.h); when
 *    the front is full it is replaced by a copy twice as big (so N adds
 *    cost O(N), and the garbage between dests in the heap stays small),
 *    and the replaced array is retired (below).  (table_dest.c)
 *  - removed dests go to a trash (hashed by service key + dest key) and
 *    are revived with their counters when re-added to the same service
 *    key; they are retired once no connection references them and they
 *    have been idle 120 s (IP_VS_DEST_TRASH_PERIOD).  (table_dest.c)
 *  - a deleted service is unhashed at once but only retired: datapath
 *    workers may still be following a dest->svc pointer they read just
 *    before the delete.  Retired objects are freed once every registered
 *    reader has passed a quiescent state after their retirement, the
 *    kernel's RCU grace period (table_retire.c).
 *  - sync-daemon settings: table_daemon.c.
 *
 * Error codes and their ORDER follow ip_vs_genl_set_cmd + ip_vs_add_dest
 * & co. in Linux 6.1 (tests/golden holds what its ipvsadm printed).
 */
#include <errno.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "table-int.h"
#include "sched.h"

#define FTPPORT 21
#define FTPDATA 20

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

/* ---------------------------------------------------------------- hashing */

/* a service's place in svc_tab / fwm_tab */
static uint64_t svc_hash(const void *obj)
{
	const struct lvs_service *s = obj;

	return s->fwmark ? fwm_key_hash(s->af, s->fwmark) : svc_key_hash(s->af, s->protocol, &s->addr, s->port);
}

/* an object's next link (memcpy: the field's type is the object's own
 * pointer type, not void *) */
static void *link_get(const struct htab *h, const void *obj)
{
	void *next;

	memcpy(&next, (const char *)obj + h->link_off, sizeof(next));
	return next;
}

static void link_set(const struct htab *h, void *obj, void *next)
{
	memcpy((char *)obj + h->link_off, &next, sizeof(next));
}

int table_htab_init(struct htab *h, size_t nb, size_t link_off, uint64_t (*hash)(const void *obj))
{
	h->b = calloc(nb, sizeof(void *));
	h->nb = nb;
	h->n = 0;
	h->link_off = link_off;
	h->hash = hash;
	return h->b ? 0 : -ENOMEM;
}

/* grow x2 when the load factor passes 1; allocation failure keeps the old
 * (still correct, just longer-chained) table */
static void htab_grow(struct htab *h)
{
	if (h->n <= h->nb)
		return;
	size_t nb = h->nb * 2;
	void **nbk = calloc(nb, sizeof(void *));

	if (!nbk)
		return;
	for (size_t i = 0; i < h->nb; i++) {
		void *o = h->b[i], *next;

		for (; o; o = next) {
			next = link_get(h, o);
			size_t j = h->hash(o) & (nb - 1);

			link_set(h, o, nbk[j]);
			nbk[j] = o;
		}
	}
	free(h->b);
	h->b = nbk;
	h->nb = nb;
}

void table_htab_link(struct htab *h, void *obj)
{
	size_t i = h->hash(obj) & (h->nb - 1);

	link_set(h, obj, h->b[i]);
	h->b[i] = obj;
	h->n++;
	htab_grow(h);
}

void table_htab_unlink(struct htab *h, void *obj)
{
	size_t i = h->hash(obj) & (h->nb - 1);
	void *prev = NULL;

	for (void *o = h->b[i]; o; prev = o, o = link_get(h, o)) {
		if (o != obj)
			continue;
		if (prev)
			link_set(h, prev, link_get(h, obj));
		else
			h->b[i] = link_get(h, obj);
		link_set(h, obj, NULL);
		h->n--;
		return;
	}
}

static struct htab *svc_htab(struct lvs_table *t, const struct lvs_service *s)
{
	return s->fwmark ? &t->fwm_tab : &t->svc_tab;
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
	if (table_htab_init(&t->svc_tab, 256, offsetof(struct lvs_service, hnext), svc_hash) ||
	    table_htab_init(&t->fwm_tab, 256, offsetof(struct lvs_service, hnext), svc_hash) ||
	    table_trash_init(t) || table_retire_init(t) || lvs_stats_init(&t->global)) {
		free(t->svc_tab.b);
		free(t->fwm_tab.b);
		free(t->trash_tab.b);
		lvs_epoch_free(t->epoch);
		free(t);
		return NULL;
	}
	lvs_list_init(&t->s_list);
	t->timeouts = default_timeouts;
	t->next_serial = 1;
	return t;
}

void lvs_table_free(struct lvs_table *t)
{
	if (!t)
		return;
	lvs_flush(t);
	table_admin_free(t);
	table_trash_free_all(t);
	table_retire_destroy(t);
	free(t->svc_tab.b);
	free(t->fwm_tab.b);
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
 * (`--pe sip` -> "Scheduler or persistence engine not found",
 * tests/golden).  lvsd has no SIP engine either, so every PE name is
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

static int bind_sched(struct lvs_service *svc, const struct lvs_sched_ops *sched)
{
	int ret;

	svc->sched = sched;
	snprintf(svc->sched_name, sizeof(svc->sched_name), "%s", sched ? sched->name : "none");
	ret = lvs_sched_bind(svc);
	if (ret) {
		svc->sched = NULL;
		svc->sched_data = NULL;
		snprintf(svc->sched_name, sizeof(svc->sched_name), "none");
	}
	return ret;
}

static void unbind_sched(struct lvs_service *svc)
{
	lvs_sched_unbind(svc);
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
	table_htab_link(svc_htab(t, svc), svc);
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

/* ------------------------------------------------------- service removal */

static void svc_unlink_all(struct lvs_table *t, struct lvs_service *svc)
{
	/* like __ip_vs_del_service: the scheduler goes first, dests are
	 * unlinked without del_dest callbacks */
	unbind_sched(svc);
	table_dests_unlink_all(t, svc);
}

static void svc_remove(struct lvs_table *t, struct lvs_service *svc)
{
	table_admin_forget_svc(t, svc);
	svc_unlink_all(t, svc);
	if (svc->port == FTPPORT)
		t->ftpsvc--;
	else if (svc->port == 0)
		t->nullsvc--;
	table_htab_unlink(svc_htab(t, svc), svc);
	order_unlink(t, svc);
	t->nsvc--;

	table_retire_svc(t, lvs_container_of(svc, struct svc_impl, s));
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

	lvs_list_for_each_entry(svc, &t->s_list, s_list)
		if (svc->sched && svc->sched->tick)
			svc->sched->tick(svc, now_ms);

	table_trash_expire(t, now_ms);
	table_reclaim(t);
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

