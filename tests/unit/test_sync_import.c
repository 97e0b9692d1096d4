/* test_sync_import.c - what the sync backup takes from a message
 * (lvs_conn_import): connections only for a virtual service here and one
 * of its dests, templates as the kernel takes them (unbound ones schedule
 * nothing), timeouts no longer than the entry would get here, and every
 * refusal counted by reason. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "core/table.h"
#include "core/pkt.h"
#include "core/conn.h"

#define MONTH (31u * 86400)

static union lvs_addr ip4(const char *s)
{
	union lvs_addr a;

	memset(&a, 0, sizeof(a));
	inet_pton(AF_INET, s, &a.ip);
	return a;
}

struct env {
	struct lvs_table *t;
	struct lvs_core *core;
};

static void env_new(struct env *e, size_t max_conns)
{
	e->t = lvs_table_new();
	e->core = lvs_core_new(e->t, 1, max_conns, NULL);
	assert_non_null(e->core);
}

static void env_free(struct env *e)
{
	lvs_core_free(e->core);
	lvs_table_free(e->t);
}

/* service vip:port (or fwmark) with one dest rip:rport */
static struct lvs_service_conf add_svc(struct env *e, const char *vip, uint16_t port, uint32_t fwmark,
				       uint32_t persist_s, const char *rip, uint16_t rport, uint32_t method)
{
	struct lvs_service_conf c;
	struct lvs_dest_conf d;

	memset(&c, 0, sizeof(c));
	c.af = AF_INET;
	c.protocol = IPPROTO_TCP;
	if (fwmark)
		c.fwmark = fwmark;
	else
		c.addr = ip4(vip);
	c.port = port;
	strcpy(c.sched_name, "rr");
	c.netmask = 0xffffffff;
	if (persist_s) {
		c.flags = LVS_SVC_F_PERSISTENT;
		c.timeout = persist_s;
	}
	assert_int_equal(lvs_add_service(e->t, &c), 0);
	memset(&d, 0, sizeof(d));
	d.af = AF_INET;
	d.addr = ip4(rip);
	d.port = rport;
	d.weight = 1;
	d.conn_flags = method;
	assert_int_equal(lvs_add_dest(e->t, &c, &d), 0);
	return c;
}

/* an ESTABLISHED TCP connection entry as a master sends it */
static struct lvs_conn_sync conn(const char *cip, uint16_t cport, const char *vip, uint16_t vport,
				 const char *dip, uint16_t dport, uint32_t timeout)
{
	struct lvs_conn_sync s;

	memset(&s, 0, sizeof(s));
	s.af = AF_INET;
	s.protocol = IPPROTO_TCP;
	s.state = LVS_TCP_S_ESTABLISHED;
	s.caddr = ip4(cip);
	s.cport = cport;
	s.vaddr = ip4(vip);
	s.vport = vport;
	s.daddr = ip4(dip);
	s.dport = dport;
	s.timeout = timeout;
	return s;
}

/* the entry's timeout as the table holds it (seconds), -1 if absent */
static long held(struct env *e, const struct lvs_conn_sync *s, struct lvs_conn_sync *out)
{
	struct lvs_conn_sync got;

	if (!lvs_core_conn_find(e->core, s->af, s->protocol, &s->caddr, s->cport, &s->vaddr, s->vport,
				s->flags & LVS_CONN_F_TEMPLATE, 1000, &got))
		return -1;
	if (out)
		*out = got;
	/* the entry was armed at t = 1000 ms: the full timeout is left */
	return (long)got.timeout;
}

static uint64_t count(struct env *e, enum lvs_sync_import_reason why)
{
	uint64_t c[LVS_SYNC_IMPORT_COUNT];

	lvs_core_sync_import_counts(e->core, c);
	return c[why];
}

/* the forged entries of the attack: any address, a month */
static void test_refused_connections(void **state)
{
	struct env e;
	struct lvs_conn_sync s;

	(void)state;
	env_new(&e, 1024);
	struct lvs_service_conf key = add_svc(&e, "192.168.1.100", 80, 0, 0, "10.0.0.1", 80, LVS_CONN_F_MASQ);

	s = conn("203.0.113.5", 40000, "192.168.1.100", 80, "198.51.100.66", 80, MONTH);
	assert_int_equal(lvs_conn_import(e.core, &s, 1000), -EADDRNOTAVAIL);
	assert_int_equal(held(&e, &s, NULL), -1);
	/* the real server's address, another port */
	s = conn("203.0.113.5", 40001, "192.168.1.100", 80, "10.0.0.1", 22, 60);
	assert_int_equal(lvs_conn_import(e.core, &s, 1000), -EADDRNOTAVAIL);
	assert_int_equal(count(&e, LVS_SYNC_IMPORT_NO_DEST), 2);
	/* no such service: another port, another VIP, another protocol */
	s = conn("203.0.113.5", 40002, "192.168.1.100", 81, "10.0.0.1", 80, 60);
	assert_int_equal(lvs_conn_import(e.core, &s, 1000), -ENOENT);
	s = conn("203.0.113.5", 40003, "192.168.1.101", 80, "10.0.0.1", 80, 60);
	assert_int_equal(lvs_conn_import(e.core, &s, 1000), -ENOENT);
	s.vaddr = ip4("192.168.1.100");
	s.protocol = IPPROTO_UDP;
	s.state = 0;
	assert_int_equal(lvs_conn_import(e.core, &s, 1000), -ENOENT);
	assert_int_equal(count(&e, LVS_SYNC_IMPORT_NO_SERVICE), 3);
	assert_int_equal(lvs_core_conn_count(e.core), 0);

	/* malformed ones are counted too */
	s = conn("203.0.113.5", 40004, "192.168.1.100", 80, "10.0.0.1", 80, 60);
	s.state = 99;
	assert_int_equal(lvs_conn_import(e.core, &s, 1000), -EINVAL);
	assert_int_equal(lvs_conn_import(e.core, NULL, 1000), -EINVAL);
	assert_int_equal(count(&e, LVS_SYNC_IMPORT_BAD), 2);

	/* the right dest is taken, bound (counted active at the dest) */
	s = conn("203.0.113.5", 40005, "192.168.1.100", 80, "10.0.0.1", 80, 60);
	assert_int_equal(lvs_conn_import(e.core, &s, 1000), 0);
	assert_int_equal(held(&e, &s, NULL), 60);
	union lvs_addr vip = ip4("192.168.1.100"), rip = ip4("10.0.0.1");
	struct lvs_dest *d = lvs_dest_lookup(lvs_svc_lookup(e.t, AF_INET, IPPROTO_TCP, &vip, 80), AF_INET, &rip, 80);
	assert_int_equal(d->activeconns, 1);
	/* an update naming another dest is refused and changes nothing */
	s.daddr = ip4("198.51.100.66");
	s.timeout = 600;
	assert_int_equal(lvs_conn_import(e.core, &s, 1000), -EADDRNOTAVAIL);
	assert_int_equal(held(&e, &s, NULL), 60);
	/* so is every entry once the dest is gone from the service */
	struct lvs_dest_conf dk;
	memset(&dk, 0, sizeof(dk));
	dk.af = AF_INET;
	dk.addr = rip;
	dk.port = 80;
	assert_int_equal(lvs_del_dest(e.t, &key, &dk), 0);
	s = conn("203.0.113.5", 40006, "192.168.1.100", 80, "10.0.0.1", 80, 60);
	assert_int_equal(lvs_conn_import(e.core, &s, 1000), -EADDRNOTAVAIL);
	assert_int_equal(count(&e, LVS_SYNC_IMPORT_NO_DEST), 4);
	env_free(&e);
}

/* timeouts: at most the table's timeout of the protocol state */
static void test_timeout_caps(void **state)
{
	struct env e;
	struct lvs_conn_sync s;

	(void)state;
	env_new(&e, 1024);
	add_svc(&e, "192.168.1.100", 80, 0, 0, "10.0.0.1", 80, LVS_CONN_F_MASQ);

	s = conn("203.0.113.5", 40000, "192.168.1.100", 80, "10.0.0.1", 80, MONTH);
	assert_int_equal(lvs_conn_import(e.core, &s, 1000), 0);
	assert_int_equal(held(&e, &s, NULL), 900);
	assert_int_equal(count(&e, LVS_SYNC_IMPORT_CAPPED), 1);
	/* shorter ones are kept as sent, 0 gets the state's timeout */
	s = conn("203.0.113.5", 40001, "192.168.1.100", 80, "10.0.0.1", 80, 300);
	assert_int_equal(lvs_conn_import(e.core, &s, 1000), 0);
	assert_int_equal(held(&e, &s, NULL), 300);
	s = conn("203.0.113.5", 40002, "192.168.1.100", 80, "10.0.0.1", 80, 0);
	assert_int_equal(lvs_conn_import(e.core, &s, 1000), 0);
	assert_int_equal(held(&e, &s, NULL), 900);
	assert_int_equal(count(&e, LVS_SYNC_IMPORT_CAPPED), 1);
	/* per state, as configured now */
	s = conn("203.0.113.5", 40003, "192.168.1.100", 80, "10.0.0.1", 80, MONTH);
	s.state = LVS_TCP_S_FIN_WAIT;
	assert_int_equal(lvs_conn_import(e.core, &s, 1000), 0);
	assert_int_equal(held(&e, &s, NULL), 120);
	s = conn("203.0.113.5", 40004, "192.168.1.100", 80, "10.0.0.1", 80, MONTH);
	s.state = LVS_TCP_S_SYN_RECV;
	assert_int_equal(lvs_conn_import(e.core, &s, 1000), 0);
	assert_int_equal(held(&e, &s, NULL), 60);
	assert_int_equal(lvs_set_timeouts(e.t, 100, 20, 30), 0);
	s = conn("203.0.113.5", 40005, "192.168.1.100", 80, "10.0.0.1", 80, MONTH);
	assert_int_equal(lvs_conn_import(e.core, &s, 1000), 0);
	assert_int_equal(held(&e, &s, NULL), 100);
	/* an update is capped as well */
	s = conn("203.0.113.5", 40001, "192.168.1.100", 80, "10.0.0.1", 80, MONTH);
	assert_int_equal(lvs_conn_import(e.core, &s, 1000), 0);
	assert_int_equal(held(&e, &s, NULL), 100);
	assert_int_equal(count(&e, LVS_SYNC_IMPORT_CAPPED), 5);
	assert_int_equal(lvs_core_conn_count(e.core), 6);
	env_free(&e);
}

/* templates: taken like the kernel takes them, bound to their dest when
 * the service has it; an unbound one schedules nothing */
static void test_templates(void **state)
{
	struct env e;
	struct lvs_conn_sync s, got;
	struct lvs_pkt p;
	struct lvs_conn_ref r;

	(void)state;
	env_new(&e, 1024);
	add_svc(&e, "192.168.1.100", 80, 0, 600, "10.0.0.1", 80, LVS_CONN_F_MASQ);

	/* PPC template for the real dest: bound, persistence timeout at most */
	s = conn("203.0.113.5", 0, "192.168.1.100", 80, "10.0.0.1", 80, MONTH);
	s.flags = LVS_CONN_F_TEMPLATE;
	s.state = LVS_CTPL_S_NONE;
	assert_int_equal(lvs_conn_import(e.core, &s, 1000), 0);
	assert_int_equal(held(&e, &s, NULL), 600);
	union lvs_addr vip = ip4("192.168.1.100"), rip = ip4("10.0.0.1");
	struct lvs_dest *d = lvs_dest_lookup(lvs_svc_lookup(e.t, AF_INET, IPPROTO_TCP, &vip, 80), AF_INET, &rip, 80);
	assert_int_equal(d->persistconns, 1);

	/* a template naming a stranger is held (the kernel takes it) but
	 * unbound: the client's next connection goes to a real dest */
	s = conn("203.0.113.6", 0, "192.168.1.100", 80, "198.51.100.66", 80, MONTH);
	s.flags = LVS_CONN_F_TEMPLATE;
	assert_int_equal(lvs_conn_import(e.core, &s, 1000), 0);
	assert_int_equal(held(&e, &s, NULL), 600);
	assert_int_equal(d->persistconns, 1);
	memset(&p, 0, sizeof(p));
	p.af = AF_INET;
	p.protocol = IPPROTO_TCP;
	p.saddr = ip4("203.0.113.6");
	p.daddr = vip;
	p.sport = 41000;
	p.dport = 80;
	p.tcp_flags = LVS_TCPF_SYN;
	assert_int_equal(lvs_core_inbound(e.core, 0, &p, 1000, &r), LVS_FORWARD);
	assert_int_equal(r.daddr.ip, rip.ip);
	s = conn("203.0.113.6", 41000, "192.168.1.100", 80, "0.0.0.0", 0, 0);
	assert_int_equal(held(&e, &s, &got) > 0, 1);
	assert_int_equal(got.daddr.ip, rip.ip);

	/* a template of no service here: held, unbound, the template default */
	s = conn("203.0.113.7", 0, "192.168.1.200", 443, "198.51.100.66", 443, MONTH);
	s.flags = LVS_CONN_F_TEMPLATE;
	assert_int_equal(lvs_conn_import(e.core, &s, 1000), 0);
	assert_int_equal(held(&e, &s, NULL), LVS_SYNC_TMPL_TIMEOUT);
	assert_int_equal(count(&e, LVS_SYNC_IMPORT_CAPPED), 3);
	assert_int_equal(count(&e, LVS_SYNC_IMPORT_NO_DEST) + count(&e, LVS_SYNC_IMPORT_NO_SERVICE), 0);
	env_free(&e);
}

/* dests found as the kernel's ip_vs_find_dest finds them: a port-0
 * service's connections carry the client's port, DR/TUN entries of a
 * fwmark service ignore the port */
static void test_dest_lookup(void **state)
{
	struct env e;
	struct lvs_conn_sync s;

	(void)state;
	env_new(&e, 1024);
	add_svc(&e, "192.168.1.100", 0, 0, 300, "10.0.0.1", 0, LVS_CONN_F_DROUTE);
	add_svc(&e, NULL, 0, 7, 300, "10.0.0.2", 0, LVS_CONN_F_DROUTE);
	add_svc(&e, NULL, 0, 8, 300, "10.0.0.3", 8080, LVS_CONN_F_MASQ);

	s = conn("203.0.113.5", 40000, "192.168.1.100", 443, "10.0.0.1", 443, 60);
	assert_int_equal(lvs_conn_import(e.core, &s, 1000), 0);
	s = conn("203.0.113.5", 40001, "192.168.1.100", 443, "10.0.0.9", 443, 60);
	assert_int_equal(lvs_conn_import(e.core, &s, 1000), -EADDRNOTAVAIL);

	s = conn("203.0.113.5", 40002, "192.168.1.50", 25, "10.0.0.2", 25, 60);
	s.fwmark = 7;
	s.flags = LVS_CONN_F_DROUTE;
	assert_int_equal(lvs_conn_import(e.core, &s, 1000), 0);
	s.cport++;
	s.daddr = ip4("10.0.0.3");
	assert_int_equal(lvs_conn_import(e.core, &s, 1000), -EADDRNOTAVAIL);
	/* NAT keeps the port: the dest's own */
	s = conn("203.0.113.5", 40004, "192.168.1.50", 25, "10.0.0.3", 8080, 60);
	s.fwmark = 8;
	assert_int_equal(lvs_conn_import(e.core, &s, 1000), 0);
	s.cport++;
	s.dport = 25;
	assert_int_equal(lvs_conn_import(e.core, &s, 1000), -EADDRNOTAVAIL);
	/* the mark alone names the service: unknown mark, unknown VIP */
	s = conn("203.0.113.5", 40006, "192.168.1.50", 25, "10.0.0.2", 25, 60);
	s.fwmark = 9;
	s.flags = LVS_CONN_F_DROUTE;
	assert_int_equal(lvs_conn_import(e.core, &s, 1000), -ENOENT);
	assert_int_equal(lvs_core_conn_count(e.core), 3);
	env_free(&e);
}

/* a full table is counted, and the names are there for the view */
static void test_full_and_names(void **state)
{
	struct env e;
	struct lvs_conn_sync s;
	uint16_t i;
	int r = 0;

	(void)state;
	env_new(&e, 16);
	add_svc(&e, "192.168.1.100", 80, 0, 0, "10.0.0.1", 80, LVS_CONN_F_MASQ);
	for (i = 0; i < 1000 && r == 0; i++) {
		s = conn("203.0.113.5", (uint16_t)(40000 + i), "192.168.1.100", 80, "10.0.0.1", 80, 60);
		r = lvs_conn_import(e.core, &s, 1000);
	}
	assert_int_equal(r, -ENOMEM);
	assert_true(i > 1 && lvs_core_conn_count(e.core) == i - 1u);
	assert_int_equal(count(&e, LVS_SYNC_IMPORT_FULL), 1);
	for (unsigned k = 0; k < LVS_SYNC_IMPORT_COUNT; k++) {
		assert_non_null(lvs_sync_import_names[k]);
		for (unsigned j = 0; j < k; j++)
			assert_string_not_equal(lvs_sync_import_names[k], lvs_sync_import_names[j]);
	}
	env_free(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refused_connections),
		cmocka_unit_test(test_timeout_caps),
		cmocka_unit_test(test_templates),
		cmocka_unit_test(test_dest_lookup),
		cmocka_unit_test(test_full_and_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
