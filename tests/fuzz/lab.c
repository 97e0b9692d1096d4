/* lab.c - see lab.h */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/pkt.h"
#include "core/table.h"
#include "lab.h"

struct lab_dest {
	const char *rip;
	uint16_t port;
	uint32_t method;
	int weight;
	uint32_t u_thr;
};

struct lab_service {
	int af;
	uint16_t proto;
	const char *vip;                /* NULL: fwmark service */
	uint16_t port;
	uint32_t fwmark;
	const char *sched;
	uint32_t flags, timeout, netmask;
	struct lab_dest dests[5];       /* up to the first without rip */
};

#define NAT LVS_CONN_F_MASQ
#define DR LVS_CONN_F_DROUTE
#define TUN LVS_CONN_F_TUNNEL
#define PERSIST LVS_SVC_F_PERSISTENT

static const struct lab_service lab[] = {
	{ AF_INET, IPPROTO_TCP, "10.0.0.1", 80, 0, "wlc", 0, 0, 0, {
		{ "192.168.1.1", 80, NAT, 1, 0 }, { "192.168.1.2", 8080, NAT, 2, 2 },
		{ "192.168.1.3", 80, DR, 1, 0 }, { "192.168.1.4", 80, NAT, 0, 0 } } },
	{ AF_INET, IPPROTO_TCP, "10.0.0.1", 8000, 0, "wlc", 0, 0, 0, { { "192.168.1.1", 8000, NAT, 1, 0 } } },
	{ AF_INET, IPPROTO_TCP, "10.0.0.1", 443, 0, "wlc", PERSIST, 300, 0, {
		{ "192.168.1.1", 443, NAT, 1, 0 }, { "192.168.1.3", 443, DR, 1, 0 } } },
	{ AF_INET, IPPROTO_UDP, "10.0.0.1", 53, 0, "lc", LVS_SVC_F_ONEPACKET, 0, 0, {
		{ "192.168.1.1", 53, NAT, 1, 0 }, { "192.168.1.2", 53, NAT, 1, 0 } } },
	{ AF_INET, IPPROTO_UDP, "10.0.0.2", 0, 0, "sh", PERSIST, 60, 0xffffff00u, {
		{ "192.168.2.1", 0, TUN, 1, 0 } } },
	{ AF_INET, IPPROTO_SCTP, "10.0.0.1", 5000, 0, "wlc", 0, 0, 0, { { "192.168.1.1", 5000, NAT, 1, 0 } } },
	{ AF_INET, IPPROTO_TCP, NULL, 0, 1, "mh", PERSIST, 120, 0, {
		{ "192.168.1.5", 0, DR, 1, 0 }, { "192.168.1.6", 0, NAT, 3, 0 } } },
	{ AF_INET, IPPROTO_TCP, "10.0.0.1", 21, 0, "wlc", 0, 0, 0, { { "192.168.1.1", 21, NAT, 1, 0 } } },
	{ AF_INET, IPPROTO_TCP, "172.20.0.24", 80, 0, "wlc", 0, 0, 0, { { "192.168.1.16", 80, DR, 1, 0 } } },
	{ AF_INET, IPPROTO_TCP, "10.0.0.3", 80, 0, "lc", 0, 0, 0, { { "127.0.0.1", 8080, NAT, 1, 0 } } },
	{ AF_INET6, IPPROTO_TCP, "2001:db8::1", 80, 0, "dh", 0, 0, 0, {
		{ "2001:db8::10", 80, NAT, 1, 0 }, { "192.168.1.7", 80, TUN, 1, 0 } } },
};

static void must(int rc, const char *what)
{
	if (rc) {
		fprintf(stderr, "fuzz lab: %s: error %d\n", what, rc);
		abort();
	}
}

static union lvs_addr addr(const char *s, int *af)
{
	union lvs_addr a;

	memset(&a, 0, sizeof(a));
	*af = strchr(s, ':') ? AF_INET6 : AF_INET;
	must(inet_pton(*af, s, &a) != 1, s);
	return a;
}

struct lvs_table *fuzz_lab_table(void)
{
	struct lvs_table *t = lvs_table_new();

	if (!t)
		abort();
	for (size_t i = 0; i < sizeof(lab) / sizeof(lab[0]); i++) {
		const struct lab_service *l = &lab[i];
		struct lvs_service_conf s;
		int af;

		memset(&s, 0, sizeof(s));
		s.af = l->af;
		s.protocol = l->proto;
		if (l->vip)
			s.addr = addr(l->vip, &af);
		s.port = l->port;
		s.fwmark = l->fwmark;
		snprintf(s.sched_name, sizeof(s.sched_name), "%s", l->sched);
		s.flags = l->flags;
		s.timeout = l->timeout;
		s.netmask = l->af == AF_INET6 ? 128 : htonl(l->netmask ? l->netmask : 0xffffffffu);
		must(lvs_add_service(t, &s), l->vip ? l->vip : "fwmark");
		for (const struct lab_dest *ld = l->dests; ld < l->dests + 5 && ld->rip; ld++) {
			struct lvs_dest_conf d;

			memset(&d, 0, sizeof(d));
			d.addr = addr(ld->rip, &d.af);
			d.port = ld->port;
			d.conn_flags = ld->method;
			d.weight = ld->weight;
			d.u_threshold = ld->u_thr;
			must(lvs_add_dest(t, &s, &d), ld->rip);
		}
	}
	return t;
}

struct lvs_core *fuzz_lab_core(size_t max_conns)
{
	struct lvs_core *core = lvs_core_new(fuzz_lab_table(), 1, max_conns, NULL);

	if (!core)
		abort();
	return core;
}
