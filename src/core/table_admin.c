/* table_admin.c - the operator's administrative states of real servers
 * (drain, maint; table.h: lvs_admin_set).  They are kept in a small array
 * beside the services, keyed by (service, server), not in the dests alone:
 * a health check or a configuration reload may remove a dest and add it
 * again later, and the new dest must come back in the state the operator
 * left it in.  A service's records go with the service, so a service
 * pointer in a record is always a live one.  Few servers are ever drained
 * at once: linear scans.
 */
#include <errno.h>
#include <stdlib.h>

#include "table-int.h"

static long rec_find(const struct lvs_table *t, const struct lvs_service *svc, int af, const union lvs_addr *addr,
		     uint16_t port)
{
	for (size_t i = 0; i < t->nadmin; i++) {
		const struct lvs_admin_rec *r = &t->admin[i];

		if (r->svc == svc && r->af == af && r->port == port && lvs_addr_equal(af, &r->addr, addr))
			return (long)i;
	}
	return -1;
}

static void rec_remove(struct lvs_table *t, size_t i)
{
	t->admin[i] = t->admin[--t->nadmin];
}

enum lvs_admin table_admin_lookup(const struct lvs_table *t, const struct lvs_service *svc, int af,
				  const union lvs_addr *addr, uint16_t port)
{
	long i = rec_find(t, svc, af, addr, port);

	return i < 0 ? LVS_ADMIN_READY : t->admin[i].admin;
}

enum lvs_admin lvs_admin_get(const struct lvs_table *t, const struct lvs_service *svc, int af,
			     const union lvs_addr *addr, uint16_t port)
{
	return table_admin_lookup(t, svc, af, addr, port);
}

int lvs_admin_set(struct lvs_table *t, struct lvs_service *svc, int af, const union lvs_addr *addr,
		  uint16_t port, enum lvs_admin admin)
{
	long i = rec_find(t, svc, af, addr, port);
	struct lvs_dest *d;

	if (admin == LVS_ADMIN_READY) {
		if (i >= 0)
			rec_remove(t, (size_t)i);
	} else if (i >= 0) {
		t->admin[i].admin = admin;
	} else {
		struct lvs_admin_rec *r;

		if (t->nadmin == t->admin_cap) {
			size_t cap = t->admin_cap ? 2 * t->admin_cap : 8;

			r = realloc(t->admin, cap * sizeof(*r));
			if (!r)
				return -ENOMEM;
			t->admin = r;
			t->admin_cap = cap;
		}
		r = &t->admin[t->nadmin++];
		memset(r, 0, sizeof(*r));
		r->svc = svc;
		r->af = af;
		r->addr = *addr;
		r->port = port;
		r->admin = admin;
	}
	d = lvs_dest_lookup(svc, af, addr, port);
	if (d)
		table_dest_apply_admin(svc, d, admin);
	return 0;
}

int lvs_admin_record(const struct lvs_table *t, size_t i, struct lvs_admin_rec *out)
{
	if (i >= t->nadmin)
		return -ENOENT;
	*out = t->admin[i];
	return 0;
}

const char *lvs_admin_name(enum lvs_admin admin)
{
	switch (admin) {
	case LVS_ADMIN_READY: return "ready";
	case LVS_ADMIN_DRAIN: return "drain";
	case LVS_ADMIN_MAINT: return "maint";
	}
	return "?";
}

void table_admin_forget_svc(struct lvs_table *t, const struct lvs_service *svc)
{
	for (size_t i = 0; i < t->nadmin;) {
		if (t->admin[i].svc == svc)
			rec_remove(t, i);
		else
			i++;
	}
}

void table_admin_free(struct lvs_table *t)
{
	free(t->admin);
	t->admin = NULL;
	t->nadmin = t->admin_cap = 0;
}
