/* persist.c - persistence templates (the kernel's ip_vs_sched_persist +
 * ip_vs_check_template).
 *
 * A template is an entry with LVS_CONN_F_TEMPLATE, client port 0, the client
 * address masked by the service netmask, bound to the chosen dest (counted
 * in persistconns).  Key per case:
 *   PPC  (dport == service port, port != 21): <proto, snet, 0, VIP, vport>, dport = dest.port
 *   FTP  (service port 21):                   <TCP,   snet, 0, VIP, 0>,     dport 0
 *   PCC  (port-0 service):                    <proto, snet, 0, VIP, 0>,     dport 0
 *   PFWM (fwmark service):                    <IP,    snet, 0, mark, 0>,    dport 0
 * Every new connection made through a template re-arms the template to its
 * current timeout; the template cannot expire while it controls conns.
 * Runs under the caller's table lock (scheduling); template creation is
 * therefore serialised, lookups still take the template's bucket lock
 * because workers touch entries concurrently.
 */
#include <string.h>
#include "conn.h"
#include "table.h"
#include "sched.h"

#define FTPPORT 21

static void mask_addr(int af, union lvs_addr *out, const union lvs_addr *in, uint32_t netmask)
{
	memset(out, 0, sizeof(*out));
	if (af != AF_INET6) {
		out->ip = in->ip & netmask;
		return;
	}
	unsigned plen = netmask > 128 ? 128 : netmask;
	for (unsigned i = 0; i < 4; i++) {
		unsigned bits = plen > 32 * i ? plen - 32 * i : 0;
		uint32_t m = bits >= 32 ? 0xffffffffu : bits ? ~0u << (32 - bits) : 0;
		out->w[i] = in->w[i] & htonl(m);
	}
}

/* usable unless its dest is gone/unavailable, quiescent with
 * expire_quiescent_template, or drained by the operator */
static int template_usable(const struct lvs_core *core, const struct lvs_conn *ct)
{
	const struct lvs_dest *dest = lvs_conn_dest(core, ct);

	if (!dest || !(__atomic_load_n(&dest->flags, __ATOMIC_RELAXED) & LVS_DEST_F_AVAILABLE))
		return 0;
	if (core->set.expire_quiescent_template && __atomic_load_n(&dest->weight, __ATOMIC_RELAXED) == 0)
		return 0;
	/* an operator's drain: the template must not pull new connections */
	if (__atomic_load_n(&dest->admin, __ATOMIC_RELAXED) != LVS_ADMIN_READY)
		return 0;
	return 1;
}

int lvs_persist_schedule(struct lvs_core *core, unsigned worker, struct lvs_service *svc,
			 const struct lvs_pkt *pkt, uint64_t now_ms, struct lvs_conn **out)
{
	uint32_t jnow = lvs_jiffies(now_ms);
	union lvs_addr snet, tvaddr;
	uint8_t tproto = pkt->protocol;
	uint16_t tvport = 0, dport;
	struct lvs_dest *dest = NULL;
	struct lvs_conn *ct, *cp;
	uint32_t b;
	uint32_t flags;

	*out = NULL;
	mask_addr(svc->af, &snet, &pkt->saddr, svc->netmask);
	tvaddr = pkt->daddr;
	if (pkt->dport == svc->port) {
		if (svc->port != FTPPORT)
			tvport = pkt->dport;
	} else if (svc->fwmark) {
		tproto = IPPROTO_IP;
		memset(&tvaddr, 0, sizeof(tvaddr));
		tvaddr.ip = htonl(svc->fwmark);
	}

	b = lvs_conn_bucket(core, pkt->af, tproto, &snet, 0);
	lvs_conn_lock_bucket(core, b);
	ct = lvs_conn_find_tmpl_locked(core, b, pkt->af, tproto, &snet, &tvaddr, tvport, jnow);
	if (ct && !template_usable(core, ct)) {
		/* invalidate as 6.1 does: vport/dport 0xFFFF never match a
		 * lookup again, and the template simply times out */
		ct->vport = 0xFFFF;
		ct->dport = 0xFFFF;
		core->workers[worker].ctr.tmpl_invalidated++;
		ct = NULL;
	}
	if (ct) {
		/* take the control reference now, under the lock, so the sweep
		 * cannot free it before the conn is linked */
		__atomic_add_fetch(&ct->n_control, 1, __ATOMIC_RELAXED);
		dest = lvs_conn_dest(core, ct);
		/* re-arm with its current timeout (the service's, or 60 s once
		 * it outlived its timer while controlling conns) */
		lvs_conn_arm(core, b, ct, jnow);
	}
	lvs_conn_unlock_bucket(core, b);

	if (!ct) {
		uint16_t tdport = 0;

		dest = lvs_sched_pick_pkt(svc, pkt, now_ms);
		if (!dest)
			return 1;
		if (pkt->dport == svc->port && svc->port != FTPPORT)
			tdport = dest->port;
		ct = lvs_conn_new(core, worker, pkt->af, dest->af, tproto, &snet, 0, &tvaddr, tvport,
				  &dest->addr, tdport, LVS_CONN_F_TEMPLATE, pkt->mark);
		if (!ct)
			return -1;
		lvs_conn_bind_dest(core, ct, dest);
		ct->state = LVS_CTPL_S_NONE;
		ct->n_control = 1;
		ct->timeout = (svc->timeout > LVS_PERSIST_TIMEOUT_MAX ? LVS_PERSIST_TIMEOUT_MAX : svc->timeout) * 1000u;
		lvs_conn_arm(core, LVS_NO_BUCKET, ct, jnow);
		core->workers[worker].ctr.tmpl_created++;
		lvs_conn_hash(core, ct);
	}

	/* the conn keeps the client's port unless it is the service port and
	 * the dest has a port (so PCC/fwmark keep the original port) */
	dport = pkt->dport;
	if (dport == svc->port && dest->port)
		dport = dest->port;
	flags = (svc->flags & LVS_SVC_F_ONEPACKET) && pkt->protocol == IPPROTO_UDP ? LVS_CONN_F_ONE_PACKET : 0;
	cp = lvs_conn_new(core, worker, pkt->af, dest->af, pkt->protocol, &pkt->saddr, pkt->sport,
			  &pkt->daddr, pkt->dport, &dest->addr, dport, flags, pkt->mark);
	if (!cp) {
		__atomic_sub_fetch(&ct->n_control, 1, __ATOMIC_RELAXED);
		return -1;
	}
	lvs_conn_bind_dest(core, cp, dest);
	cp->control = lvs_conn_id(core, ct);
	*out = cp;
	return 0;
}
