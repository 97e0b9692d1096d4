/* guard.c - see guard.h. */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include "core/conn.h"
#include "core/table.h"
#include "lib/inet.h"
#include "lib/err.h"
#include "lib/nft.h"
#include "lib/strbuf.h"
#include "guard.h"
#include "lib/grow.h"

static uint32_t key_hash(uint32_t addr, uint8_t proto, uint16_t port)
{
	uint32_t h = addr * 0x9e3779b1u ^ ((uint32_t)proto << 16 | port) * 0x85ebca6bu;
	return h ^ (h >> 15);
}

/* append a key; duplicates are removed later by index_build, in one pass,
 * so that snapshotting 100k dests stays linear */
static int keys_add(struct dp_key **arr, size_t *n, size_t *cap, const struct dp_key *k)
{
	if (lvs_grow(arr, cap, *n, sizeof(**arr), 16) < 0)
		return -ENOMEM;
	(*arr)[(*n)++] = *k;
	return 0;
}

static int key_same(const struct dp_key *a, const struct dp_key *b)
{
	return a->addr == b->addr && a->proto == b->proto && a->port == b->port;
}

/* hash the keys (open addressing, index+1, 0 = empty) and drop
 * duplicates in the same pass: the first occurrence of a key is kept and
 * *n shrinks to the number of distinct keys */
static int index_build(struct dp_key *keys, size_t *n, uint32_t **hash, uint32_t *mask)
{
	size_t sz = 16, kept = 0;
	while (sz < *n * 2)
		sz *= 2;
	*hash = calloc(sz, sizeof(**hash));
	if (!*hash)
		return -ENOMEM;
	*mask = (uint32_t)sz - 1;
	for (size_t i = 0; i < *n; i++) {
		uint32_t h = key_hash(keys[i].addr, keys[i].proto, keys[i].port) & *mask;
		int dup = 0;
		while ((*hash)[h] && !(dup = key_same(&keys[(*hash)[h] - 1], &keys[i])))
			h = (h + 1) & *mask;
		if (dup)
			continue;
		keys[kept] = keys[i];
		(*hash)[h] = (uint32_t)++kept;
	}
	*n = kept;
	return 0;
}

/* "TCP [2001:db8::1]:80" or "FWM 5 IPv6", as ipvsadm -L -n names it */
static void svc_name(struct strbuf *sb, const struct lvs_service *svc)
{
	char ip[INET6_ADDRSTRLEN], pb[8];

	if (svc->fwmark) {
		sb_printf(sb, "FWM %u%s", svc->fwmark, svc->af == AF_INET6 ? " IPv6" : "");
		return;
	}
	lvs_addr_str(svc->af, &svc->addr, ip, sizeof(ip));
	sb_printf(sb, svc->af == AF_INET6 ? "%s [%s]:%u" : "%s %s:%u",
		  lvs_proto_name((uint8_t)svc->protocol, pb), ip, svc->port);
}

/* the packet path handles IPv4 only (parse.c, dp_xmit): an IPv6 service is
 * not forwarded at all, and the IPv6 tunnel real servers an IPv4 service may
 * have (the one mixed family the kernel allows) get no packets */
static void note_unforwarded(struct dp_owned *o, const struct lvs_service *svc)
{
	const struct lvs_dest *d;
	char ip[INET6_ADDRSTRLEN];

	if (svc->af != AF_INET) {
		svc_name(&o->unfwd, svc);
		sb_puts(&o->unfwd, ": IPv6 is not forwarded by this datapath yet\n");
		o->nunfwd++;
		return;
	}
	lvs_list_for_each_entry(d, &svc->destinations, n_list) {
		if (d->af == AF_INET)
			continue;
		svc_name(&o->unfwd, svc);
		sb_printf(&o->unfwd, ": real server [%s]:%u is IPv6, not forwarded by this datapath yet\n",
			  lvs_addr_str(d->af, &d->addr, ip, sizeof(ip)), d->port);
		o->nunfwd++;
		return;
	}
}

static uint32_t line_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

void dp_owned_unfwd_new(const struct dp_owned *o, const struct dp_owned *old,
			void (*fn)(const char *line, size_t len, void *arg), void *arg)
{
	const char *p = o->unfwd.buf, *prev = old && old->nunfwd ? old->unfwd.buf : NULL;
	uint32_t *set = NULL, mask = 0;
	size_t sz = 16;

	/* the common rebuild changes nothing here */
	if (!p || (prev && !strcmp(p, prev)))
		return;
	/* the previous lines in a hash set (offset+1, 0 = empty), so that
	 * many unforwarded services are compared in linear time; without
	 * memory every line is reported again, which beats none */
	if (prev) {
		while (sz < old->nunfwd * 2)
			sz *= 2;
		set = calloc(sz, sizeof(*set));
		mask = (uint32_t)sz - 1;
	}
	for (const char *q = prev; set && *q;) {
		size_t ql = strcspn(q, "\n");
		uint32_t h = line_hash(q, ql) & mask;

		while (set[h])
			h = (h + 1) & mask;
		set[h] = (uint32_t)(q - prev) + 1;
		q += ql + (q[ql] == '\n');
	}
	while (*p) {
		size_t len = strcspn(p, "\n");
		int seen = 0;

		for (uint32_t h = set ? line_hash(p, len) & mask : 0; set && set[h] && !seen; h = (h + 1) & mask) {
			const char *c = prev + set[h] - 1;

			seen = strcspn(c, "\n") == len && !memcmp(c, p, len);
		}
		if (!seen)
			fn(p, len, arg);
		p += len + (p[len] == '\n');
	}
	free(set);
}

struct dp_owned *dp_owned_build(struct lvs_table *t)
{
	struct dp_owned *o = calloc(1, sizeof(*o));
	size_t vcap = 0, ncap = 0, lcap = 0;
	if (!o)
		return NULL;
	for (struct lvs_service *svc = lvs_svc_first(t); svc; svc = lvs_svc_next(t, svc)) {
		note_unforwarded(o, svc);
		if (svc->af != AF_INET)
			continue;
		struct dp_key k = { .addr = svc->addr.ip, .port = svc->port, .proto = (uint8_t)svc->protocol };
		/* a fwmark service has no VIP key (its packets are
		 * found by the fwmark classifier), but its NAT real servers'
		 * replies must be owned like any other's */
		if (!svc->fwmark && keys_add(&o->vips, &o->nvips, &vcap, &k) < 0)
			goto oom;
		struct lvs_dest *d;
		lvs_list_for_each_entry(d, &svc->destinations, n_list) {
			if (d->af != AF_INET || (d->conn_flags & LVS_CONN_F_FWD_MASK) != LVS_CONN_F_MASQ)
				continue;
			struct dp_key n = { .addr = d->addr.ip, .port = d->port ? d->port : 0,
					    .proto = (uint8_t)svc->protocol, .method = LVS_CONN_F_MASQ };
			if (keys_add(&o->nat, &o->nnat, &ncap, &n) < 0)
				goto oom;
			/* (loopback ones are routed to lvsd by address: local.h) */
			int local = (__atomic_load_n(&d->flags, __ATOMIC_RELAXED) & LVS_DEST_F_LOCAL) &&
				    (ntohl(d->addr.ip) >> 24) != 127;
			if (local && keys_add(&o->local, &o->nlocal, &lcap, &n) < 0)
				goto oom;
			/* fwmark services: a mark may cover TCP, UDP and SCTP alike,
			 * whatever protocol the fwmark service records */
			static const uint8_t fwm_protos[] = { IPPROTO_TCP, IPPROTO_UDP, IPPROTO_SCTP };
			for (size_t i = 0; svc->fwmark && i < sizeof(fwm_protos); i++) {
				n.proto = fwm_protos[i];
				if (keys_add(&o->nat, &o->nnat, &ncap, &n) < 0 ||
				    (local && keys_add(&o->local, &o->nlocal, &lcap, &n) < 0))
					goto oom;
			}
		}
	}
	if (o->unfwd.oom)
		goto oom;
	if (index_build(o->vips, &o->nvips, &o->vhash, &o->vmask) < 0 ||
	    index_build(o->nat, &o->nnat, &o->nhash, &o->nmask) < 0)
		goto oom;
	return o;
oom:
	dp_owned_free(o);
	return NULL;
}

void dp_owned_free(struct dp_owned *o)
{
	if (!o)
		return;
	free(o->vips);
	free(o->nat);
	free(o->local);
	free(o->vhash);
	free(o->nhash);
	sb_free(&o->unfwd);
	free(o);
}

static int lookup(const struct dp_key *keys, const uint32_t *hash, uint32_t mask,
		  uint32_t addr, uint8_t proto, uint16_t port)
{
	uint32_t h = key_hash(addr, proto, port) & mask;
	while (hash[h]) {
		const struct dp_key *k = &keys[hash[h] - 1];
		if (k->addr == addr && k->proto == proto && k->port == port)
			return 1;
		h = (h + 1) & mask;
	}
	return 0;
}

int dp_owned_is_vip(const struct dp_owned *o, uint32_t addr, uint8_t proto, uint16_t port)
{
	if (!o || !o->nvips)
		return 0;
	return lookup(o->vips, o->vhash, o->vmask, addr, proto, port) ||
	       lookup(o->vips, o->vhash, o->vmask, addr, proto, 0);
}

int dp_owned_is_natrs(const struct dp_owned *o, uint32_t addr, uint8_t proto, uint16_t port)
{
	if (!o || !o->nnat)
		return 0;
	return lookup(o->nat, o->nhash, o->nmask, addr, proto, port) ||
	       lookup(o->nat, o->nhash, o->nmask, addr, proto, 0);
}

/* ---- nftables ---- */

struct dp_steer {
	struct lvs_nft *nft;
	int installed;
	char table[32];         /* "lvsd_<pid>": several lvsd may share a namespace */
	uint32_t local_mark;    /* steer_set_local_mark() */
};

void steer_set_local_mark(struct dp_steer *s, uint32_t mark)
{
	if (s)
		s->local_mark = mark;
}

struct dp_steer *steer_new(void)
{
	struct dp_steer *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	if (lvs_nft_open(&s->nft) < 0) {
		free(s);
		return NULL;
	}
	snprintf(s->table, sizeof(s->table), "lvsd_%d", (int)getpid());
	/* guard tables of lvsd processes killed without cleaning up would
	 * blackhole VIP traffic; "ip": this version's guard, "netdev": older
	 * versions' */
	static const char *const families[] = { "ip", "netdev", NULL };
	(void)lvs_nft_reap_stale(s->nft, "lvsd_", families, NULL);
	return s;
}

static void put_elems(struct strbuf *sb, const struct dp_key *k, size_t n, int with_port)
{
	int first = 1;
	for (size_t i = 0; i < n; i++) {
		if ((k[i].port != 0) != with_port)
			continue;
		char a[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, &k[i].addr, a, sizeof(a));
		if (with_port)
			sb_printf(sb, "%s%s . %u . %u", first ? "" : ", ", a, k[i].proto, k[i].port);
		else
			sb_printf(sb, "%s%s . %u", first ? "" : ", ", a, k[i].proto);
		first = 0;
	}
}

static size_t count_port(const struct dp_key *k, size_t n, int with_port)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += (k[i].port != 0) == with_port;
	return c;
}

static void put_set(struct strbuf *sb, const char *name, const struct dp_key *k, size_t n, int with_port)
{
	sb_printf(sb, "  set %s { type ipv4_addr . inet_proto%s;", name, with_port ? " . inet_service" : "");
	if (count_port(k, n, with_port)) {
		sb_puts(sb, " elements = { ");
		put_elems(sb, k, n, with_port);
		sb_puts(sb, " };");
	}
	sb_puts(sb, " }\n");
}

static int run(struct dp_steer *s, const char *buf, struct strbuf *err)
{
	struct strbuf e = STRBUF_INIT;
	int r = lvs_nft_run(s->nft, buf, NULL, &e);
	if (r < 0 && err)
		sb_printf(err, "nft: %s", e.buf ? e.buf : "failed");
	sb_free(&e);
	return r;
}

int steer_apply(struct dp_steer *s, const struct dp_owned *o, char *const *ifnames, struct strbuf *err)
{
	struct strbuf sb = STRBUF_INIT;
	int nif = 0;
	for (; ifnames && ifnames[nif]; nif++)
		;
	/* create-then-delete makes the delete valid whether or not it exists;
	 * the whole buffer is one atomic transaction */
	sb_printf(&sb, "table ip %s\ndelete table ip %s\n", s->table, s->table);
	int guard = nif && o && (o->nvips || o->nnat);
	int local = s->local_mark && o && o->nlocal;
	if (guard || local)
		sb_printf(&sb, "table ip %s {\n", s->table);
	if (local) {
		/* replies of local NAT real servers: the mark routes them into
		 * lvsd's TUN device (local.h); mangle priority, so the user's
		 * own output rules have seen the packet first */
		put_set(&sb, "localnat", o->local, o->nlocal, 1);
		put_set(&sb, "localnat_anyport", o->local, o->nlocal, 0);
		sb_printf(&sb, "  chain local_out {\n    type route hook output priority -150; policy accept;\n"
			  "    ip saddr . meta l4proto . th sport @localnat meta mark set 0x%08x\n"
			  "    ip saddr . meta l4proto @localnat_anyport meta mark set 0x%08x\n  }\n",
			  s->local_mark, s->local_mark);
	}
	if (guard) {
		put_set(&sb, "vips", o->vips, o->nvips, 1);
		put_set(&sb, "vips_anyport", o->vips, o->nvips, 0);
		put_set(&sb, "natrs", o->nat, o->nnat, 1);
		put_set(&sb, "natrs_anyport", o->nat, o->nnat, 0);
		sb_puts(&sb, "  set served { type ifname; elements = { ");
		for (int i = 0; i < nif; i++)
			sb_printf(&sb, "%s\"%s\"", i ? ", " : "", ifnames[i]);
		sb_puts(&sb, " }; }\n"
			"  chain prerouting {\n    type filter hook prerouting priority -500; policy accept;\n"
			"    iifname != @served accept\n"
			"    ip daddr . meta l4proto . th dport @vips counter drop\n"
			"    ip daddr . meta l4proto @vips_anyport counter drop\n"
			"    ip saddr . meta l4proto . th sport @natrs fib daddr type != local counter drop\n"
			"    ip saddr . meta l4proto @natrs_anyport fib daddr type != local counter drop\n"
			"  }\n");
	}
	if (guard || local)
		sb_puts(&sb, "}\n");
	if (sb.oom) {
		sb_free(&sb);
		return lvs_err(err, -ENOMEM, "out of memory");
	}
	int r = run(s, sb.buf, err);
	sb_free(&sb);
	if (r == 0)
		s->installed = 1;
	return r;
}

void steer_remove(struct dp_steer *s)
{
	char cmd[96];
	if (s && s->installed) {
		snprintf(cmd, sizeof(cmd), "delete table ip %s\n", s->table);
		run(s, cmd, NULL);
		s->installed = 0;
	}
}

void steer_free(struct dp_steer *s)
{
	if (!s)
		return;
	steer_remove(s);
	lvs_nft_close(s->nft);
	free(s);
}
