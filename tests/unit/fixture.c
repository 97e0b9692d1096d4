/* fixture.c - the shared helpers of the unit tests (fixture.h) */
#include "fixture.h"

#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include "core/conn.h"
#include "datapath/pkt/csum.h"

/* ---- addresses ---------------------------------------------------------- */

int addr_af(const char *s)
{
	return strchr(s, ':') ? AF_INET6 : AF_INET;
}

/* both members of the union start at its first byte */
static union lvs_addr parse_addr(int af, const char *s)
{
	union lvs_addr a;

	memset(&a, 0, sizeof(a));
	if (inet_pton(af, s, &a) != 1)
		fail_msg("not an IPv%d address: %s", af == AF_INET6 ? 6 : 4, s);
	return a;
}

union lvs_addr ip4(const char *s)
{
	return parse_addr(AF_INET, s);
}

union lvs_addr ip6(const char *s)
{
	return parse_addr(AF_INET6, s);
}

union lvs_addr ip46(const char *s)
{
	return parse_addr(addr_af(s), s);
}

union lvs_addr ip4h(uint32_t host)
{
	union lvs_addr a;

	memset(&a, 0, sizeof(a));
	a.ip = htonl(host);
	return a;
}

const char *rs_name(const union lvs_addr *a)
{
	static const char *const rs[] = { RS1, RS2, RS3 };
	static char buf[INET6_ADDRSTRLEN];

	if (!a)
		return "-";
	lvs_addr_str(AF_INET, a, buf, sizeof(buf));
	for (unsigned i = 0; i < 3; i++) {
		if (!strcmp(buf, rs[i])) {
			snprintf(buf, sizeof(buf), "rs%u", i + 1);
			break;
		}
	}
	return buf;
}

/* ---- table -------------------------------------------------------------- */

static uint32_t full_netmask(int af)
{
	return af == AF_INET6 ? 128 : 0xffffffff;
}

struct lvs_service_conf svc_conf(const char *vip, uint16_t port, const char *sched)
{
	struct lvs_service_conf c;

	memset(&c, 0, sizeof(c));
	c.af = addr_af(vip);
	c.protocol = IPPROTO_TCP;
	c.addr = ip46(vip);
	c.port = port;
	snprintf(c.sched_name, sizeof(c.sched_name), "%s", sched);
	c.netmask = full_netmask(c.af);
	return c;
}

struct lvs_service_conf fwm_conf(int af, uint32_t mark, const char *sched)
{
	struct lvs_service_conf c;

	memset(&c, 0, sizeof(c));
	c.af = af;
	c.fwmark = mark;
	snprintf(c.sched_name, sizeof(c.sched_name), "%s", sched);
	c.netmask = full_netmask(af);
	return c;
}

struct lvs_dest_conf dest_conf(const char *ip, uint16_t port, int weight, uint32_t method)
{
	struct lvs_dest_conf d;

	memset(&d, 0, sizeof(d));
	d.af = addr_af(ip);
	d.addr = ip46(ip);
	d.port = port;
	d.weight = weight;
	d.conn_flags = method;
	return d;
}

struct lvs_service *add_svc(struct lvs_table *t, const struct lvs_service_conf *c)
{
	struct lvs_service *s;

	assert_int_equal(lvs_add_service(t, c), 0);
	s = lvs_svc_get(t, c);
	assert_non_null(s);
	return s;
}

struct lvs_dest *add_dest(struct lvs_table *t, const struct lvs_service_conf *c, const char *ip, uint16_t port,
			  int weight, uint32_t method)
{
	struct lvs_dest_conf d = dest_conf(ip, port, weight, method);

	assert_int_equal(lvs_add_dest(t, c, &d), 0);
	return find_dest(t, c, ip, port);
}

void edit_dest(struct lvs_table *t, const struct lvs_service_conf *c, const char *ip, uint16_t port, int weight,
	       uint32_t method)
{
	struct lvs_dest_conf d = dest_conf(ip, port, weight, method);

	assert_int_equal(lvs_edit_dest(t, c, &d), 0);
}

void del_dest(struct lvs_table *t, const struct lvs_service_conf *c, const char *ip, uint16_t port)
{
	struct lvs_dest_conf d = dest_conf(ip, port, 0, 0);

	assert_int_equal(lvs_del_dest(t, c, &d), 0);
}

struct lvs_dest *find_dest(struct lvs_table *t, const struct lvs_service_conf *c, const char *ip, uint16_t port)
{
	struct lvs_service *s = lvs_svc_get(t, c);
	union lvs_addr a = ip46(ip);

	assert_non_null(s);
	return lvs_dest_lookup(s, addr_af(ip), &a, port);
}

struct svc_fx svc_fx_new(struct lvs_service_conf c)
{
	struct svc_fx f;

	f.t = lvs_table_new();
	assert_non_null(f.t);
	f.c = c;
	f.s = add_svc(f.t, &f.c);
	return f;
}

/* ---- core and the fake clock -------------------------------------------- */

void core_fx_init(struct core_fx *e, unsigned nworkers, size_t max_conns, const struct lvs_core_lock *lock)
{
	memset(e, 0, sizeof(*e));
	e->t = lvs_table_new();
	assert_non_null(e->t);
	e->core = lvs_core_new(e->t, nworkers, max_conns, lock);
	assert_non_null(e->core);
}

void core_fx_done(struct core_fx *e)
{
	lvs_core_free(e->core);
	lvs_table_free(e->t);
}

void core_fx_advance(struct core_fx *e, uint64_t ms, uint64_t step)
{
	tick_core(e->core, e->now + step, e->now + ms, step);
	e->now += ms;
}

void tick_core(struct lvs_core *core, uint64_t from, uint64_t to, uint64_t step)
{
	for (uint64_t ms = from; ms <= to; ms += step)
		lvs_core_tick(core, ms);
}

/* ---- synthetic packets -------------------------------------------------- */

struct lvs_pkt pkt_make(uint8_t proto, const char *src, uint16_t sport, const char *dst, uint16_t dport,
			uint8_t tcp_flags)
{
	struct lvs_pkt p;

	memset(&p, 0, sizeof(p));
	p.af = addr_af(src);
	p.protocol = proto;
	p.saddr = ip46(src);
	p.daddr = ip46(dst);
	p.sport = sport;
	p.dport = dport;
	p.tcp_flags = tcp_flags;
	p.len = 60;
	return p;
}

struct lvs_sched_pkt sched_pkt(const char *saddr, uint16_t sport, const char *daddr)
{
	return (struct lvs_sched_pkt){ .af = addr_af(saddr), .protocol = IPPROTO_TCP, .saddr = ip46(saddr),
				       .daddr = ip46(daddr), .sport = sport, .dport = 80 };
}

/* ---- connection table entries -------------------------------------------- */

void conn_hash_armed(struct lvs_core *core, struct lvs_conn *cp, uint32_t timeout_ms, uint32_t jnow)
{
	cp->timeout = timeout_ms;
	lvs_conn_arm(core, LVS_NO_BUCKET, cp, jnow);
	lvs_conn_hash(core, cp);
}

/* the TCP entry of client c:cport and, by out, virtual or dest x:xport */
static struct lvs_conn *conn_find(struct lvs_core *core, int af, const union lvs_addr *c, uint16_t cport,
				  const union lvs_addr *x, uint16_t xport, uint32_t jnow, int out)
{
	uint32_t b = lvs_conn_bucket(core, af, IPPROTO_TCP, c, cport);
	struct lvs_conn *cp;

	lvs_conn_lock_bucket(core, b);
	if (out)
		cp = lvs_conn_find_out_locked(core, b, af, IPPROTO_TCP, c, cport, x, xport, jnow);
	else
		cp = lvs_conn_find_in_locked(core, b, af, IPPROTO_TCP, c, cport, x, xport, jnow);
	lvs_conn_unlock_bucket(core, b);
	return cp;
}

struct lvs_conn *conn_find_in(struct lvs_core *core, int af, const union lvs_addr *c, uint16_t cport,
			      const union lvs_addr *v, uint16_t vport, uint32_t jnow)
{
	return conn_find(core, af, c, cport, v, vport, jnow, 0);
}

struct lvs_conn *conn_find_out(struct lvs_core *core, int af, const union lvs_addr *c, uint16_t cport,
			       const union lvs_addr *d, uint16_t dport, uint32_t jnow)
{
	return conn_find(core, af, c, cport, d, dport, jnow, 1);
}

void conn_drop(struct lvs_core *core, int af, const union lvs_addr *c, uint16_t cport, struct lvs_conn *cp)
{
	uint32_t b = lvs_conn_bucket(core, af, IPPROTO_TCP, c, cport);

	lvs_conn_lock_bucket(core, b);
	lvs_conn_unhash_locked(core, b, cp);
	lvs_conn_unlock_bucket(core, b);
	lvs_conn_release(core, 0, cp, 0);
}

void assert_buckets_sane(struct lvs_core *core)
{
	size_t n = 0;

	assert_int_equal(core->nbuckets, core->cap + 1);
	for (uint32_t b = 0; b < core->nbuckets; b++) {
		uint32_t h = core->conns[b].bucket_head;

		assert_int_equal(core->conns[b].bucket_second, h ? core->conns[h].hnext : 0);
		for (uint32_t id = h; id; id = core->conns[id].hnext) {
			assert_true(id <= core->cap);
			assert_false(core->conns[id].fam & LVS_CONN_FAM_FREE);
			n++;
		}
	}
	assert_int_equal(n, lvs_core_conn_count(core));
}

/* ---- synthetic frames --------------------------------------------------- */

static const uint8_t frame_macs[12] = { 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2 };

uint8_t *frame_ip4_hdr(uint8_t *f, uint8_t proto, uint32_t s, uint32_t d, size_t l4len)
{
	uint8_t *ip = f + 14;
	uint16_t tot = htons((uint16_t)(20 + l4len));

	memset(f, 0, 14 + 20 + l4len);
	memcpy(f, frame_macs, sizeof(frame_macs));
	f[12] = 0x08;
	ip[0] = 0x45;
	memcpy(ip + 2, &tot, 2);
	ip[8] = 64;
	ip[9] = proto;
	memcpy(ip + 12, &s, 4);
	memcpy(ip + 16, &d, 4);
	ip4_csum_set(ip, 20);
	return ip + 20;
}

size_t frame_ip4(uint8_t *f, uint8_t proto, uint32_t s, uint32_t d, uint16_t sport, uint16_t dport,
		 uint8_t tcp_flags, const char *payload)
{
	size_t pl = strlen(payload), l4 = proto == IPPROTO_TCP ? 20 : 8;
	uint8_t *t = frame_ip4_hdr(f, proto, s, d, l4 + pl);
	uint16_t v = htons(sport), c;

	memcpy(t, &v, 2);
	v = htons(dport);
	memcpy(t + 2, &v, 2);
	if (proto == IPPROTO_TCP) {
		t[12] = 0x50;
		t[13] = tcp_flags;
	} else {
		v = htons((uint16_t)(8 + pl));
		memcpy(t + 4, &v, 2);
	}
	memcpy(t + l4, payload, pl);
	c = csum_buf(t, l4 + pl, csum_pseudo4(s, d, proto, (uint16_t)(l4 + pl)));
	/* a UDP sum of 0 is sent as 0xffff: 0 means "no checksum" */
	if (proto == IPPROTO_UDP && !c)
		c = 0xffff;
	memcpy(t + (proto == IPPROTO_TCP ? 16 : 6), &c, 2);
	return 14 + 20 + l4 + pl;
}

/* ---- config ------------------------------------------------------------- */

struct cfg *parse_cfg(const char *text, enum cfg_format fmt, struct strbuf *err, struct strbuf *warn)
{
	struct strbuf dropped = STRBUF_INIT;
	struct cfg *c = NULL;

	cfg_parse_text("t.cf", text, fmt, &c, err, warn ? warn : &dropped);
	sb_free(&dropped);
	return c;
}

struct cfg *load_cfg(const char *text, enum cfg_format fmt)
{
	struct strbuf err = STRBUF_INIT;
	struct cfg *c = parse_cfg(text, fmt, &err, NULL);

	if (!c)
		fail_msg("parse: %s", err.buf);
	sb_free(&err);
	return c;
}

/* ---- odds and ends ------------------------------------------------------ */

uint64_t xorshift64(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

double clock_seconds(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}
