/* keepalived_lvs.c - virtual_server (and the virtual_server_group it may
 * name) and real_server blocks of keepalived.conf: their keyword tables
 * and handlers (keepalived.h).
 *
 * A virtual_server's real_server blocks are read after all its other
 * statements (KA_LATER), whatever the order in the file, since a real
 * server inherits the virtual's settings; likewise a real server's
 * checkers inherit the real's.  A virtual_server naming a group becomes
 * one service per group entry, each with the same real servers.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "keepalived.h"
#include "lib/grow.h"

/* a virtual_server_group becomes this many services at most: a whole
 * IPv6 range (its last 16 bits) */
#define KA_MAX_GROUP 65536

/* ---------------------------------------------------------- real_server */

static int rs_weight(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	struct ka_real_ctx *x = ctx;
	uint32_t v;
	int ret = ka_arg_uint(p, n, 65535, &v);

	if (!ret)
		x->r->d.weight = (int)v;
	return ret;
}

static int rs_method(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	return ka_arg_method(p, n, &((struct ka_real_ctx *)ctx)->r->d.conn_flags);
}

static int rs_uthreshold(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	return ka_arg_uint(p, n, 0x7fffffff, &((struct ka_real_ctx *)ctx)->r->d.u_threshold);
}

static int rs_lthreshold(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	return ka_arg_uint(p, n, 0x7fffffff, &((struct ka_real_ctx *)ctx)->r->d.l_threshold);
}

static int rs_inhibit(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	return ka_arg_bool(p, n, &((struct ka_real_ctx *)ctx)->d.inhibit);
}

static int rs_alpha(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	return ka_arg_bool(p, n, &((struct ka_real_ctx *)ctx)->d.alpha);
}

static int rs_retry(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	struct ka_real_ctx *x = ctx;

	x->d.has_retry = 1;
	return ka_arg_uint(p, n, 1000, &x->d.retry);
}

static int rs_delay_before_retry(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	struct ka_real_ctx *x = ctx;

	x->d.has_dbr = 1;
	return ka_arg_secs(p, n, &x->d.delay_before_retry_ms);
}

static int rs_connect_timeout(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	return ka_arg_secs(p, n, &((struct ka_real_ctx *)ctx)->d.connect_timeout_ms);
}

static int rs_delay_loop(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	return ka_arg_secs(p, n, &((struct ka_real_ctx *)ctx)->d.delay_loop_ms);
}

static int rs_notify_up(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	return ka_arg_strdup(p, n, &((struct ka_real_ctx *)ctx)->r->notify_up);
}

static int rs_notify_down(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	return ka_arg_strdup(p, n, &((struct ka_real_ctx *)ctx)->r->notify_down);
}

/* ctx: struct ka_real_ctx */
static const struct ka_kw rs_kw[] = {
	{ "weight", rs_weight, 0, 1 },
	{ "lvs_method", rs_method, 0, 1 },
	{ "lb_kind", rs_method, 0, 1 },
	{ "uthreshold", rs_uthreshold, 0, 1 },
	{ "lthreshold", rs_lthreshold, 0, 1 },
	{ "inhibit_on_failure", rs_inhibit, 0, 0 },
	{ "alpha", rs_alpha, 0, 0 },
	{ "retry", rs_retry, 0, 1 },
	{ "nb_get_retry", rs_retry, 0, 1 },
	{ "delay_before_retry", rs_delay_before_retry, 0, 1 },
	{ "connect_timeout", rs_connect_timeout, 0, 1 },
	{ "delay_loop", rs_delay_loop, 0, 1 },
	{ "notify_up", rs_notify_up, 0, 1 },
	{ "notify_down", rs_notify_down, 0, 1 },
	{ 0 }
};

static const char *const rs_ignored[] = { "smtp_alert", "snmp_name", "warmup", "virtualhost", NULL };

static const struct ka_block rs_block = { "real_server", { rs_kw, ka_checker_kw }, 0, rs_ignored, NULL };

static int parse_real_server(struct ka_parser *p, const struct ka_node *n, const struct ka_defaults *vd,
			     struct cfg_service *cs)
{
	struct ka_real_ctx x = { *vd, cs, NULL };
	struct cfg_real *r;
	int af, ret;

	r = x.r = cfg_add_real(cs);
	if (!r)
		return cfg_nomem(&p->d, n->line);
	r->line = n->line;
	if (cfg_parse_addr(n->argv[1], 0, &af, &r->d.addr))
		return cfg_error(&p->d, n->line, -EINVAL, "real_server: bad address '%s'", n->argv[1]);
	r->d.af = af;
	if (n->argc > 2) {
		if (cfg_parse_port(n->argv[2], cs->s.protocol == IPPROTO_UDP ? "udp" : "tcp", &r->d.port))
			return cfg_error(&p->d, n->line, -EINVAL, "real_server: bad port '%s'", n->argv[2]);
	} else if (!cs->s.fwmark) {
		r->d.port = cs->s.port;
	}
	r->d.weight = (int)vd->weight;
	r->d.conn_flags = vd->fwd;
	if ((ret = ka_dispatch(p, n->child, &rs_block, &x)))
		return ret;
	/* the kernel crosses families for tunnels only (ip_vs_genl_set_cmd:
	 * EINVAL otherwise): the method is the real's own, if it has one */
	if (af != cs->s.af && (r->d.conn_flags & LVS_CONN_F_FWD_MASK) != LVS_CONN_F_TUNNEL)
		return cfg_error(&p->d, n->line, -EINVAL,
				 "real_server: %s is %s but the virtual_server is %s; only lvs_method TUN mixes them",
				 n->argv[1], af == AF_INET6 ? "IPv6" : "IPv4", af == AF_INET6 ? "IPv4" : "IPv6");
	r->quiesce = x.d.inhibit;
	r->start_up = !x.d.alpha;
	if (cs->s.fwmark == 0 && r->d.conn_flags != LVS_CONN_F_MASQ && r->d.port != cs->s.port) {
		cfg_warning(&p->d, n->line, "real_server port %u is replaced by the virtual port %u for DR/TUN",
			    r->d.port, cs->s.port);
		r->d.port = cs->s.port;
	}
	if ((ret = ka_dispatch_later(p, n->child, &rs_block, &x)))
		return ret;
	for (size_t i = 0; i + 1 < cs->nreals; i++)
		if (cs->reals[i].d.port == r->d.port && lvs_addr_equal(af, &cs->reals[i].d.addr, &r->d.addr))
			return cfg_error(&p->d, n->line, -EINVAL, "real_server %s %u is already defined at line %d",
					 n->argv[1], r->d.port, cs->reals[i].line);
	return 0;
}

/* ------------------------------------------------------- virtual_server */

/* the state of one virtual_server block while its statements are read */
struct ka_vs_ctx {
	struct ka_defaults d;
	struct lvs_service_conf s;
	int has_proto, has_sched, has_method;
	uint32_t quorum, hyst;
	const char *quorum_up, *quorum_down;
	const struct ka_node *sorry;     /* the sorry_server statement, if any */
	int sorry_af;
	union lvs_addr sorry_addr;
	uint16_t sorry_port;
	int sorry_has_fwd;
	uint32_t sorry_fwd;
	struct cfg_service *cs;          /* the service its real_server blocks join */
};

static int vs_delay_loop(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	return ka_arg_secs(p, n, &((struct ka_vs_ctx *)ctx)->d.delay_loop_ms);
}

static int vs_sched(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	struct ka_vs_ctx *x = ctx;

	if (strlen(n->argv[1]) >= LVS_SCHEDNAME_MAXLEN)
		return cfg_error(&p->d, n->line, -EINVAL, "%s: bad scheduler '%s'", n->argv[0], n->argv[1]);
	snprintf(x->s.sched_name, sizeof(x->s.sched_name), "%s", n->argv[1]);
	x->has_sched = 1;
	return 0;
}

static int vs_method(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	struct ka_vs_ctx *x = ctx;

	x->has_method = 1;
	return ka_arg_method(p, n, &x->d.fwd);
}

static int vs_persistence_timeout(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	struct ka_vs_ctx *x = ctx;
	int ret;

	x->s.flags |= LVS_SVC_F_PERSISTENT;
	x->s.timeout = LVS_PERSIST_TIMEOUT_DEFAULT;
	if (n->argc > 1) {
		if ((ret = ka_arg_uint(p, n, LVS_PERSIST_TIMEOUT_MAX, &x->s.timeout)))
			return ret;
		if (!x->s.timeout)
			x->s.timeout = LVS_PERSIST_TIMEOUT_DEFAULT;
	}
	return 0;
}

static int vs_persistence_granularity(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	struct ka_vs_ctx *x = ctx;

	if (strchr(n->argv[1], '.')) {
		if (inet_pton(AF_INET, n->argv[1], &x->s.netmask) != 1)
			return cfg_error(&p->d, n->line, -EINVAL, "persistence_granularity: bad mask '%s'", n->argv[1]);
	} else if (cfg_parse_uint(n->argv[1], 128, &x->s.netmask)) {
		return cfg_error(&p->d, n->line, -EINVAL, "persistence_granularity: bad value '%s'", n->argv[1]);
	}
	return 0;
}

static int vs_protocol(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	struct ka_vs_ctx *x = ctx;

	if (!strcasecmp(n->argv[1], "TCP"))
		x->s.protocol = IPPROTO_TCP;
	else if (!strcasecmp(n->argv[1], "UDP"))
		x->s.protocol = IPPROTO_UDP;
	else if (!strcasecmp(n->argv[1], "SCTP"))
		x->s.protocol = IPPROTO_SCTP;
	else
		return cfg_error(&p->d, n->line, -EINVAL, "protocol: expected TCP, UDP or SCTP, got '%s'", n->argv[1]);
	x->has_proto = 1;
	return 0;
}

static int vs_sorry_server(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	struct ka_vs_ctx *x = ctx;

	if (cfg_parse_addr(n->argv[1], 0, &x->sorry_af, &x->sorry_addr))
		return cfg_error(&p->d, n->line, -EINVAL, "sorry_server: bad address '%s'", n->argv[1]);
	if (n->argc > 2 && cfg_parse_port(n->argv[2], "tcp", &x->sorry_port))
		return cfg_error(&p->d, n->line, -EINVAL, "sorry_server: bad port '%s'", n->argv[2]);
	x->sorry = n;
	return 0;
}

static int vs_sorry_method(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	struct ka_vs_ctx *x = ctx;

	x->sorry_has_fwd = 1;
	return ka_arg_method(p, n, &x->sorry_fwd);
}

static int vs_quorum(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	return ka_arg_uint(p, n, 0x7fffffff, &((struct ka_vs_ctx *)ctx)->quorum);
}

static int vs_hysteresis(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	return ka_arg_uint(p, n, 0x7fffffff, &((struct ka_vs_ctx *)ctx)->hyst);
}

static int vs_quorum_up(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	(void)p;
	((struct ka_vs_ctx *)ctx)->quorum_up = n->argv[1];
	return 0;
}

static int vs_quorum_down(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	(void)p;
	((struct ka_vs_ctx *)ctx)->quorum_down = n->argv[1];
	return 0;
}

static int vs_inhibit(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	return ka_arg_bool(p, n, &((struct ka_vs_ctx *)ctx)->d.inhibit);
}

static int vs_alpha(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	return ka_arg_bool(p, n, &((struct ka_vs_ctx *)ctx)->d.alpha);
}

static int vs_connect_timeout(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	return ka_arg_secs(p, n, &((struct ka_vs_ctx *)ctx)->d.connect_timeout_ms);
}

static int vs_delay_before_retry(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	struct ka_vs_ctx *x = ctx;

	x->d.has_dbr = 1;
	return ka_arg_secs(p, n, &x->d.delay_before_retry_ms);
}

static int vs_retry(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	struct ka_vs_ctx *x = ctx;

	x->d.has_retry = 1;
	return ka_arg_uint(p, n, 1000, &x->d.retry);
}

static int vs_weight(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	return ka_arg_uint(p, n, 65535, &((struct ka_vs_ctx *)ctx)->d.weight);
}

static int vs_virtualhost(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	(void)p;
	((struct ka_vs_ctx *)ctx)->d.virtualhost = n->argv[1];
	return 0;
}

static int vs_ops(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	(void)p, (void)n;
	((struct ka_vs_ctx *)ctx)->s.flags |= LVS_SVC_F_ONEPACKET;
	return 0;
}

static int vs_sched_flag1(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	(void)p, (void)n;
	((struct ka_vs_ctx *)ctx)->s.flags |= LVS_SVC_F_SCHED1;
	return 0;
}

static int vs_sched_flag2(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	(void)p, (void)n;
	((struct ka_vs_ctx *)ctx)->s.flags |= LVS_SVC_F_SCHED2;
	return 0;
}

static int vs_sched_flag3(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	(void)p, (void)n;
	((struct ka_vs_ctx *)ctx)->s.flags |= LVS_SVC_F_SCHED3;
	return 0;
}

static int vs_real_server(struct ka_parser *p, const struct ka_node *n, void *ctx)
{
	struct ka_vs_ctx *x = ctx;

	return parse_real_server(p, n, &x->d, x->cs);
}

/* ctx: struct ka_vs_ctx */
static const struct ka_kw vs_kw[] = {
	{ "delay_loop", vs_delay_loop, 0, 1 },
	{ "lvs_sched", vs_sched, 0, 1 },
	{ "lb_algo", vs_sched, 0, 1 },
	{ "lvs_method", vs_method, 0, 1 },
	{ "lb_kind", vs_method, 0, 1 },
	{ "persistence_timeout", vs_persistence_timeout, 0, 0 },
	{ "persistence_granularity", vs_persistence_granularity, 0, 1 },
	{ "protocol", vs_protocol, 0, 1 },
	{ "sorry_server", vs_sorry_server, 0, 1 },
	{ "sorry_server_lvs_method", vs_sorry_method, 0, 1 },
	{ "quorum", vs_quorum, 0, 1 },
	{ "hysteresis", vs_hysteresis, 0, 1 },
	{ "quorum_up", vs_quorum_up, 0, 1 },
	{ "quorum_down", vs_quorum_down, 0, 1 },
	{ "inhibit_on_failure", vs_inhibit, 0, 0 },
	{ "alpha", vs_alpha, 0, 0 },
	{ "connect_timeout", vs_connect_timeout, 0, 1 },
	{ "delay_before_retry", vs_delay_before_retry, 0, 1 },
	{ "retry", vs_retry, 0, 1 },
	{ "weight", vs_weight, 0, 1 },
	{ "virtualhost", vs_virtualhost, 0, 1 },
	{ "ops", vs_ops, 0, 0 },
	{ "flag-1", vs_sched_flag1, 0, 0 },
	{ "sh-fallback", vs_sched_flag1, 0, 0 },
	{ "mh-fallback", vs_sched_flag1, 0, 0 },
	{ "flag-2", vs_sched_flag2, 0, 0 },
	{ "sh-port", vs_sched_flag2, 0, 0 },
	{ "mh-port", vs_sched_flag2, 0, 0 },
	{ "flag-3", vs_sched_flag3, 0, 0 },
	{ "hashed", NULL, 0, 0 },          /* implied */
	{ "ip_family", NULL, 0, 0 },       /* implied by the addresses */
	{ "real_server", vs_real_server, KA_LATER, 1 },
	{ 0 }
};

static const char *const vs_ignored[] = {
	"omega", "smtp_alert", "snmp_name", "ha_suspend", "warmup", "persistence_engine", "sorry_server_inhibit",
	NULL
};

static const struct ka_block vs_block = { "virtual_server", { vs_kw }, 0, vs_ignored, NULL };

/* the service keys of a virtual_server line (one, or one per group entry
 * and address of a range) */
struct ka_key {
	struct lvs_service_conf s;
	int line;
};

struct ka_keys {
	struct ka_key *k;
	size_t n, cap;
};

/* *out: a fresh, zeroed key of a TCP service at the end of ks */
static int key_new(struct ka_parser *p, struct ka_keys *ks, int line, struct ka_key **out)
{
	struct ka_key *k;

	if (ks->n == KA_MAX_GROUP)
		return cfg_error(&p->d, line, -EINVAL, "too many entries in virtual_server_group");
	if (lvs_grow(&ks->k, &ks->cap, ks->n, sizeof(*ks->k), 4) < 0)
		return cfg_nomem(&p->d, line);
	k = *out = &ks->k[ks->n++];
	memset(k, 0, sizeof(*k));
	k->line = line;
	k->s.protocol = IPPROTO_TCP;
	return 0;
}

/* keepalived's "<IPADDR RANGE> <PORT>": a.b.c.d-N (N decimal, the last
 * octet) or an IPv6 address -N (N hex, the last 16 bits), both ends
 * included; one key per address */
static int group_range(struct ka_parser *p, const struct ka_node *e, struct ka_keys *ks)
{
	const char *dash = strchr(e->argv[0], '-');
	char addr[INET6_ADDRSTRLEN], *end;
	union lvs_addr a;
	unsigned long last;
	uint16_t port = 0;
	uint32_t first;
	int af;

	if ((size_t)(dash - e->argv[0]) >= sizeof(addr))
		return cfg_error(&p->d, e->line, -EINVAL, "bad address range '%s'", e->argv[0]);
	memcpy(addr, e->argv[0], (size_t)(dash - e->argv[0]));
	addr[dash - e->argv[0]] = 0;
	if (cfg_parse_addr(addr, 0, &af, &a))
		return cfg_error(&p->d, e->line, -EINVAL, "bad address '%s' in range '%s'", addr, e->argv[0]);
	errno = 0;
	last = strtoul(dash + 1, &end, af == AF_INET6 ? 16 : 10);
	first = af == AF_INET6 ? (uint32_t)a.in6.s6_addr[14] << 8 | a.in6.s6_addr[15] : ntohl(a.ip) & 0xff;
	if (!dash[1] || *end || errno || dash[1] == '-' || dash[1] == '+' ||
	    last > (af == AF_INET6 ? 0xffffu : 0xffu))
		return cfg_error(&p->d, e->line, -EINVAL, "bad range end '%s' (%s)", dash + 1,
				 af == AF_INET6 ? "hex, at most ffff" : "at most 255");
	if (last < first)
		return cfg_error(&p->d, e->line, -EINVAL, "range '%s' ends below its start", e->argv[0]);
	if (e->argc > 1 && cfg_parse_port(e->argv[1], "tcp", &port))
		return cfg_error(&p->d, e->line, -EINVAL, "bad port '%s'", e->argv[1]);
	for (uint32_t i = first; i <= last; i++) {
		struct ka_key *k;
		int ret = key_new(p, ks, e->line, &k);

		if (ret)
			return ret;
		k->s.af = af;
		k->s.addr = a;
		k->s.port = port;
		if (af == AF_INET6) {
			k->s.addr.in6.s6_addr[14] = (uint8_t)(i >> 8);
			k->s.addr.in6.s6_addr[15] = (uint8_t)i;
		} else {
			k->s.addr.ip = htonl((ntohl(a.ip) & ~0xffu) | i);
		}
	}
	return 0;
}

static int group_keys(struct ka_parser *p, const struct ka_node *vs, struct ka_keys *ks)
{
	const struct ka_node *g;

	if (vs->argc < 3)
		return cfg_error(&p->d, vs->line, -EINVAL, "virtual_server group: missing group name");
	for (g = p->groups; g; g = g->next)
		if (!strcmp(g->argv[0], "virtual_server_group") && g->argc > 1 && !strcmp(g->argv[1], vs->argv[2]))
			break;
	if (!g)
		return cfg_error(&p->d, vs->line, -EINVAL, "virtual_server group '%s' is not defined (define it first)",
				 vs->argv[2]);
	for (const struct ka_node *e = g->child; e; e = e->next) {
		struct ka_key *k;
		uint32_t v;
		int ret;

		if (strchr(e->argv[0], '-')) {
			if ((ret = group_range(p, e, ks)))
				return ret;
			continue;
		}
		if ((ret = key_new(p, ks, e->line, &k)))
			return ret;
		if (!strcmp(e->argv[0], "fwmark")) {
			if (e->argc < 2 || cfg_parse_uint(e->argv[1], 0xffffffffu, &v) || !v)
				return cfg_error(&p->d, e->line, -EINVAL, "fwmark: expected a non-zero mark");
			k->s.af = e->argc > 2 && !strcmp(e->argv[2], "inet6") ? AF_INET6 : AF_INET;
			k->s.fwmark = v;
		} else {
			if (strchr(e->argv[0], '/'))
				return cfg_error(&p->d, e->line, -EINVAL,
						 "address prefixes in virtual_server_group are not supported "
						 "(a range is: 10.0.0.1-10, 2001:db8::1-1f)");
			if (cfg_parse_addr(e->argv[0], 0, &k->s.af, &k->s.addr))
				return cfg_error(&p->d, e->line, -EINVAL, "bad address '%s'", e->argv[0]);
			if (e->argc > 1 && cfg_parse_port(e->argv[1], "tcp", &k->s.port))
				return cfg_error(&p->d, e->line, -EINVAL, "bad port '%s'", e->argv[1]);
		}
	}
	return 0;
}

static int vs_keys(struct ka_parser *p, const struct ka_node *vs, struct ka_keys *ks)
{
	struct ka_key *k;
	int ret;

	if (!strcmp(vs->argv[1], "group"))
		return group_keys(p, vs, ks);
	if ((ret = key_new(p, ks, vs->line, &k)))
		return ret;
	if (!strcmp(vs->argv[1], "fwmark")) {
		uint32_t mark;

		if (vs->argc < 3 || cfg_parse_uint(vs->argv[2], 0xffffffffu, &mark) || !mark)
			return cfg_error(&p->d, vs->line, -EINVAL, "virtual_server fwmark: expected a non-zero mark");
		k->s.af = AF_INET;
		k->s.fwmark = mark;
	} else {
		if (cfg_parse_addr(vs->argv[1], 0, &k->s.af, &k->s.addr))
			return cfg_error(&p->d, vs->line, -EINVAL, "virtual_server: bad address '%s'", vs->argv[1]);
		if (vs->argc > 2 && cfg_parse_port(vs->argv[2], "tcp", &k->s.port))
			return cfg_error(&p->d, vs->line, -EINVAL, "virtual_server: bad port '%s'", vs->argv[2]);
	}
	return 0;
}

/* one service of the virtual_server (its key: k), with its real servers */
static int add_service(struct ka_parser *p, struct cfg *c, const struct ka_node *vs, struct ka_vs_ctx *x,
		       const struct ka_key *k)
{
	struct cfg_service *cs = cfg_add_service(c);

	if (!cs)
		return cfg_nomem(&p->d, vs->line);
	cs->s = x->s;
	cs->s.af = k->s.af;
	cs->s.addr = k->s.addr;
	cs->s.port = k->s.port;
	cs->s.fwmark = k->s.fwmark;
	if (cs->s.fwmark)
		cs->s.protocol = IPPROTO_TCP;
	if (!(cs->s.flags & LVS_SVC_F_PERSISTENT))
		cs->s.netmask = 0;
	if (!cs->s.netmask)
		cs->s.netmask = cs->s.af == AF_INET6 ? 128 : 0xffffffffu;
	cs->line = k->line;
	cs->quorum = x->quorum;
	cs->hysteresis = x->hyst;
	if ((x->quorum_up && !(cs->quorum_up = strdup(x->quorum_up))) ||
	    (x->quorum_down && !(cs->quorum_down = strdup(x->quorum_down))))
		return cfg_nomem(&p->d, vs->line);
	cfg_service_name(cs);
	for (size_t j = 0; j + 1 < c->nsvcs; j++)
		if (cfg_svc_key_equal(&c->svcs[j].s, &cs->s))
			return cfg_error(&p->d, vs->line, -EINVAL, "virtual_server %s is already defined at line %d",
					 cs->name, c->svcs[j].line);
	if (x->sorry) {
		if (x->sorry_af != cs->s.af)
			return cfg_error(&p->d, x->sorry->line, -EINVAL,
					 "sorry_server: address family differs from the virtual's");
		cs->has_sorry = 1;
		cs->sorry.af = x->sorry_af;
		cs->sorry.addr = x->sorry_addr;
		cs->sorry.port = x->sorry_port ? x->sorry_port : cs->s.port;
		cs->sorry.conn_flags = x->sorry_has_fwd ? x->sorry_fwd : x->d.fwd;
		cs->sorry.weight = 1;
		if (!cs->s.fwmark && cs->sorry.conn_flags != LVS_CONN_F_MASQ)
			cs->sorry.port = cs->s.port;
	}
	x->cs = cs;
	return ka_dispatch_later(p, vs->child, &vs_block, x);
}

int ka_virtual_server(struct ka_parser *p, const struct ka_node *vs, void *cfg)
{
	struct ka_vs_ctx x;
	struct ka_keys ks = { 0 };
	int ret;

	if ((ret = vs_keys(p, vs, &ks)))
		goto out;
	memset(&x, 0, sizeof(x));
	x.d.delay_loop_ms = 60000;
	x.d.connect_timeout_ms = 5000;
	x.d.retry = 1;
	x.d.delay_before_retry_ms = 1000;
	x.d.fwd = LVS_CONN_F_MASQ;
	x.d.weight = 1;
	x.quorum = 1;
	snprintf(x.s.sched_name, sizeof(x.s.sched_name), "wlc");
	x.s.protocol = IPPROTO_UDP;
	if ((ret = ka_dispatch(p, vs->child, &vs_block, &x)))
		goto out;
	if (!x.has_sched)
		cfg_warning(&p->d, vs->line, "virtual_server: no lvs_sched, using wlc");
	if (!x.has_method)
		cfg_warning(&p->d, vs->line, "virtual_server: no lvs_method, using NAT");
	/* an empty group has no key: its warnings are those of an address */
	if (!x.has_proto && !(ks.n && ks.k[0].s.fwmark))
		cfg_warning(&p->d, vs->line, "virtual_server: no protocol, using UDP as keepalived does");
	for (size_t i = 0; i < ks.n; i++)
		if ((ret = add_service(p, cfg, vs, &x, &ks.k[i])))
			goto out;
out:
	free(ks.k);
	return ret;
}
