/* conn_proc.c - text views of the connection table (/proc/net/ip_vs_conn
 * as the kernel's ip_vs_conn_seq_show prints it), the flat export/import
 * used by connection sync (ip_vs_sync.c's entries, ip_vs_proc_conn() on
 * the backup) and lookups for
 * tools and tests.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "conn.h"
#include "lib/strbuf.h"
#include "table.h"

const char *lvs_proto_name(uint8_t protocol, char buf[8])
{
	switch (protocol) {
	case IPPROTO_IP: return "IP";
	case IPPROTO_UDP: return "UDP";
	case IPPROTO_TCP: return "TCP";
	case IPPROTO_SCTP: return "SCTP";
	case IPPROTO_ICMP: return "ICMP";
	case IPPROTO_ICMPV6: return "ICMPv6";
	default:
		snprintf(buf, 8, "IP_%u", protocol);
		return buf;
	}
}

const char *lvs_conn_state_name(uint8_t protocol, uint32_t flags, uint8_t state)
{
	static const char *const tcp[LVS_TCP_S_LAST] = {
		"NONE", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT", "TIME_WAIT",
		"CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "SYNACK",
	};

	if (flags & LVS_CONN_F_TEMPLATE) {
		if (state == LVS_CTPL_S_NONE)
			return "NONE";
		return state == LVS_CTPL_S_ASSURED ? "ASSURED" : "ERR!";
	}
	switch (protocol) {
	case IPPROTO_TCP:
		return state < LVS_TCP_S_LAST ? tcp[state] : "ERR!";
	case IPPROTO_UDP:
		return state == LVS_UDP_S_NORMAL ? "UDP" : "ERR!";
	case IPPROTO_SCTP:
		return lvs_sctp_state_name(state);
	case IPPROTO_IP:
		return "NONE";
	default:
		return "ERR!";
	}
}

/* %pI6: full, uncompressed, lower case */
static void fmt_in6(char *buf, size_t len, const union lvs_addr *a)
{
	const uint8_t *b = a->in6.s6_addr;

	snprintf(buf, len, "%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
		 b[14], b[15]);
}

static void fmt_addr(char *buf, size_t len, int af, const union lvs_addr *a)
{
	if (af == AF_INET6)
		fmt_in6(buf, len, a);
	else
		snprintf(buf, len, "%08X", ntohl(a->ip));
}

/* whole seconds left, truncated (0 once due but not yet swept) */
static unsigned secs_left(const struct lvs_conn *cp, uint32_t jnow)
{
	int32_t d = (int32_t)(__atomic_load_n(&cp->expires, __ATOMIC_RELAXED) - jnow);

	if (d <= 0)
		return 0;
	return (unsigned)((uint64_t)d * LVS_MS_PER_J / 1000);
}

static void proc_line(const struct lvs_core *core, const struct lvs_conn *cp, uint32_t jnow, int sync_view,
		      struct strbuf *sb)
{
	union lvs_addr c, v, d;
	char cb[48], vb[48], db[48], pb[8];
	int af = lvs_conn_af(cp);

	lvs_conn_addrs(core, cp, &c, &v, &d);
	fmt_addr(cb, sizeof(cb), af, &c);
	fmt_addr(vb, sizeof(vb), af, &v);
	fmt_addr(db, sizeof(db), lvs_conn_daf(cp), &d);
	if (sync_view)
		sb_printf(sb, "%-3s %s %04X %s %04X %s %04X %-11s %-6s %7u\n", lvs_proto_name(cp->protocol, pb),
			  cb, cp->cport, vb, cp->vport, db, cp->dport,
			  lvs_conn_state_name(cp->protocol, cp->flags, cp->state),
			  (cp->fam & LVS_CONN_FAM_SYNC) ? "SYNC" : "LOCAL", secs_left(cp, jnow));
	else
		sb_printf(sb, "%-3s %s %04X %s %04X %s %04X %-11s %7u\n", lvs_proto_name(cp->protocol, pb),
			  cb, cp->cport, vb, cp->vport, db, cp->dport,
			  lvs_conn_state_name(cp->protocol, cp->flags, cp->state), secs_left(cp, jnow));
}

static void proc_view(struct lvs_core *core, struct strbuf *sb, uint64_t now_ms, int sync_view)
{
	uint32_t jnow = lvs_jiffies(now_ms);

	if (sync_view)
		sb_puts(sb, "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Origin Expires\n");
	else
		sb_puts(sb, "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\n");
	for (uint32_t b = 0; b < core->nbuckets; b++) {
		if (!__atomic_load_n(&core->conns[b].bucket_head, __ATOMIC_RELAXED))
			continue;
		lvs_conn_lock_bucket(core, b);
		for (uint32_t id = core->conns[b].bucket_head; id; id = core->conns[id].hnext)
			proc_line(core, &core->conns[id], jnow, sync_view, sb);
		lvs_conn_unlock_bucket(core, b);
	}
}

void lvs_core_conn_proc(struct lvs_core *core, struct strbuf *sb, uint64_t now_ms)
{
	proc_view(core, sb, now_ms, 0);
}

void lvs_core_conn_sync_proc(struct lvs_core *core, struct strbuf *sb, uint64_t now_ms)
{
	proc_view(core, sb, now_ms, 1);
}

/* ---- flat form ---- */

void lvs_conn_export(const struct lvs_core *core, const struct lvs_conn *cp, uint64_t now_ms,
		     struct lvs_conn_sync *out)
{
	memset(out, 0, sizeof(*out));
	out->af = lvs_conn_af(cp);
	out->protocol = cp->protocol;
	out->flags = cp->flags & (uint32_t)~LVS_CONN_F_HASHED;
	out->state = cp->state;
	out->cport = cp->cport;
	out->vport = cp->vport;
	out->dport = cp->dport;
	out->fwmark = lvs_conn_fwmark(core, cp);
	/* sync carries the full timeout (cp->timeout / HZ); foreach callers
	 * that want the time left use secs_left */
	out->timeout = cp->timeout / 1000;
	(void)now_ms;
	lvs_conn_addrs(core, cp, &out->caddr, &out->vaddr, &out->daddr);
}

int lvs_core_conn_foreach(struct lvs_core *core, uint64_t now_ms,
			  int (*cb)(void *arg, const struct lvs_conn_sync *e), void *arg)
{
	uint32_t jnow = lvs_jiffies(now_ms);

	for (uint32_t b = 0; b < core->nbuckets; b++) {
		struct lvs_conn_sync e[32];
		unsigned n = 0;
		int rc;

		if (!__atomic_load_n(&core->conns[b].bucket_head, __ATOMIC_RELAXED))
			continue;
		/* copy out under the lock, call back without it; a bucket
		 * longer than 32 is walked again from the start, skipping */
		for (unsigned skip = 0;; skip += n) {
			unsigned i = 0, more = 0;

			n = 0;
			lvs_conn_lock_bucket(core, b);
			for (uint32_t id = core->conns[b].bucket_head; id; id = core->conns[id].hnext, i++) {
				if (i < skip)
					continue;
				if (n == 32) {
					more = 1;
					break;
				}
				lvs_conn_export(core, &core->conns[id], now_ms, &e[n]);
				e[n].timeout = secs_left(&core->conns[id], jnow);
				n++;
			}
			lvs_conn_unlock_bucket(core, b);
			for (unsigned k = 0; k < n; k++)
				if ((rc = cb(arg, &e[k])) != 0)
					return rc;
			if (!more)
				break;
		}
	}
	return 0;
}

int lvs_core_conn_find(struct lvs_core *core, int af, uint8_t protocol,
		       const union lvs_addr *caddr, uint16_t cport,
		       const union lvs_addr *vaddr, uint16_t vport, uint32_t want_flags,
		       uint64_t now_ms, struct lvs_conn_sync *out)
{
	uint32_t jnow = lvs_jiffies(now_ms);
	uint32_t b = lvs_conn_bucket(core, af, protocol, caddr, cport);
	struct lvs_conn *cp;

	lvs_conn_lock_bucket(core, b);
	if (want_flags & LVS_CONN_F_TEMPLATE)
		cp = lvs_conn_find_tmpl_locked(core, b, af, protocol, caddr, vaddr, vport, jnow);
	else
		cp = lvs_conn_find_in_locked(core, b, af, protocol, caddr, cport, vaddr, vport, jnow);
	if (cp && out) {
		lvs_conn_export(core, cp, now_ms, out);
		out->timeout = secs_left(cp, jnow);
	}
	lvs_conn_unlock_bucket(core, b);
	return cp != NULL;
}

uint32_t lvs_core_state_timeout(const struct lvs_core *core, uint8_t protocol, uint8_t state, int is_template)
{
	struct lvs_conn tmp;

	if (is_template)
		return LVS_SYNC_TMPL_TIMEOUT;
	memset(&tmp, 0, sizeof(tmp));
	switch (protocol) {
	case IPPROTO_TCP:
		return lvs_tcp_timeout_ms(core, state) / 1000;
	case IPPROTO_SCTP:
		/* run the machine on a scratch entry from that state with a
		 * DATA chunk, which keeps every state but NONE where it is */
		if (state == LVS_SCTP_S_NONE)
			return 2;
		tmp.state = state;
		lvs_sctp_transition((struct lvs_core *)core, &tmp, LVS_DIR_OUTPUT, LVS_SCTP_CID_DATA);
		return tmp.timeout / 1000;
	default:
		tmp.protocol = IPPROTO_UDP;
		lvs_udp_transition((struct lvs_core *)core, &tmp, LVS_DIR_INPUT);
		return tmp.timeout / 1000;
	}
}

/* ---- backup side of sync (the kernel's ip_vs_proc_conn) ----
 *
 * The kernel (ip_vs_proc_conn and the message walkers before it) checks a
 * received entry's protocol and state, and nothing else: an entry whose
 * service or dest it does not know is created unbound and still forwarded,
 * by the method its flags name, to the address it names, for as long as
 * the timeout it carries (up to MAX_SCHEDULE_TIMEOUT).  Sync is
 * unauthenticated multicast: anyone on that segment could fill the table
 * with month-long entries forwarding anywhere.  lvsd accepts less:
 *  - a connection must belong to a virtual service here (found as a packet
 *    finds it: fwmark, exact, FTP data, port 0) and name one of its dests
 *    (found as the kernel's ip_vs_find_dest finds it), or it is refused;
 *  - a template is taken as the kernel takes it: bound to its dest when
 *    its service has it, unbound otherwise.  An unbound template schedules
 *    nothing (persist.c finds it unusable and schedules afresh), it only
 *    holds an entry until it expires;
 *  - the timeout is at most the one the entry would get here: for a
 *    connection the table's timeout of its protocol state, for a template
 *    its service's persistence timeout (LVS_SYNC_TMPL_TIMEOUT without a
 *    persistent service).  Timeout 0 gets that one, as in the kernel.
 * An update of an existing entry passes the same checks. */

#define SYNC_FLAGS_KEEP (LVS_CONN_F_FWD_MASK | LVS_CONN_F_NOOUTPUT | LVS_CONN_F_INACTIVE | \
			 LVS_CONN_F_SEQ_MASK | LVS_CONN_F_NO_CPORT | LVS_CONN_F_TEMPLATE)

const char *const lvs_sync_import_names[LVS_SYNC_IMPORT_COUNT] = {
	[LVS_SYNC_IMPORT_BAD] = "import_bad",
	[LVS_SYNC_IMPORT_NO_SERVICE] = "import_no_service",
	[LVS_SYNC_IMPORT_NO_DEST] = "import_no_dest",
	[LVS_SYNC_IMPORT_FULL] = "import_table_full",
	[LVS_SYNC_IMPORT_CAPPED] = "import_timeout_capped",
};

void lvs_core_sync_import_counts(const struct lvs_core *core, uint64_t out[LVS_SYNC_IMPORT_COUNT])
{
	for (unsigned i = 0; i < LVS_SYNC_IMPORT_COUNT; i++)
		out[i] = __atomic_load_n(&core->sync_import[i], __ATOMIC_RELAXED);
}

/* a template's dest: templates of PCC/fwmark services carry dport 0 */
static struct lvs_dest *sync_tmpl_dest(struct lvs_service *svc, const struct lvs_conn_sync *e)
{
	struct lvs_dest *d = lvs_dest_lookup(svc, e->af, &e->daddr, e->dport);

	if (d)
		return d;
	lvs_list_for_each_entry(d, &svc->destinations, n_list)
		if (d->af == e->af && lvs_addr_equal(e->af, &d->addr, &e->daddr))
			return d;
	return NULL;
}

/* a connection's dest as ip_vs_find_dest finds it: DR/TUN entries of a
 * fwmark service ignore the port; a dest without port (port-0 service)
 * takes any */
static struct lvs_dest *sync_conn_dest(struct lvs_service *svc, const struct lvs_conn_sync *e)
{
	uint16_t port = e->dport;
	struct lvs_dest *d;

	if (e->fwmark && (e->flags & LVS_CONN_F_FWD_MASK) != LVS_CONN_F_MASQ)
		port = 0;
	d = lvs_dest_lookup(svc, e->af, &e->daddr, port);
	return d ? d : lvs_dest_lookup(svc, e->af, &e->daddr, port ^ e->dport);
}

/* under the table lock: the dest of entry e (a template's may be NULL)
 * and its longest timeout here in seconds; 0, -ENOENT or -EADDRNOTAVAIL */
static int sync_check_locked(struct lvs_core *core, const struct lvs_conn_sync *e, int tmpl,
			     struct lvs_dest **dest, uint32_t *max_s)
{
	struct lvs_service *svc;

	*dest = NULL;
	if (tmpl) {
		svc = e->fwmark ? lvs_svc_lookup_fwmark(core->table, e->af, e->fwmark)
				: lvs_svc_lookup(core->table, e->af, e->protocol, &e->vaddr, e->vport);
		*max_s = LVS_SYNC_TMPL_TIMEOUT;
		if (!svc)
			return 0;
		if ((svc->flags & LVS_SVC_F_PERSISTENT) && svc->timeout)
			*max_s = svc->timeout;
		*dest = sync_tmpl_dest(svc, e);
	} else {
		svc = lvs_svc_find(core->table, e->af, e->fwmark, e->protocol, &e->vaddr, e->vport);
		if (!svc)
			return -ENOENT;
		*dest = sync_conn_dest(svc, e);
		if (!*dest)
			return -EADDRNOTAVAIL;
		*max_s = lvs_core_state_timeout(core, e->protocol, (uint8_t)e->state, 0);
	}
	if (*max_s > LVS_PERSIST_TIMEOUT_MAX)
		*max_s = LVS_PERSIST_TIMEOUT_MAX;
	return 0;
}

/* the entry's timeout in ms: what it carries, at most max_s seconds */
static uint32_t sync_timeout_ms(const struct lvs_conn_sync *e, uint32_t max_s, int *capped)
{
	if (e->timeout > max_s)
		*capped = 1;
	return (e->timeout && e->timeout <= max_s ? e->timeout : max_s) * 1000u;
}

/* an imported entry's state, timeout and packet count, then its timer */
static void sync_refresh(struct lvs_core *core, uint32_t b, struct lvs_conn *cp, const struct lvs_conn_sync *e,
			 uint32_t max_s, int *capped, uint32_t jnow)
{
	cp->state = (uint8_t)e->state;
	cp->timeout = sync_timeout_ms(e, max_s, capped);
	cp->in_pkts = (uint32_t)core->set.sync_threshold;
	lvs_conn_arm(core, b, cp, jnow);
}

/* sync_check_locked under the caller's table lock (which also keeps the
 * dest alive while an entry is bound to it); with cpp, the new entry for
 * e too, bound to its dest (-ENOMEM: the table is full) */
static int sync_check(struct lvs_core *core, const struct lvs_conn_sync *e, uint32_t flags, uint32_t *max_s,
		      struct lvs_conn **cpp)
{
	struct lvs_dest *dest;
	int r;

	if (core->lock.lock)
		core->lock.lock(core->lock.arg);
	r = sync_check_locked(core, e, (flags & LVS_CONN_F_TEMPLATE) != 0, &dest, max_s);
	if (r == 0 && cpp) {
		*cpp = lvs_conn_new(core, (unsigned)-1, e->af, e->af, e->protocol, &e->caddr, e->cport, &e->vaddr,
				    e->vport, &e->daddr, e->dport, flags, e->fwmark);
		if (*cpp) {
			(*cpp)->fam |= LVS_CONN_FAM_SYNC;
			lvs_conn_bind_dest(core, *cpp, dest);
		} else {
			r = -ENOMEM;
		}
	}
	if (core->lock.unlock)
		core->lock.unlock(core->lock.arg);
	return r;
}

/* well-formed as the kernel requires: family, protocol, state, flags */
static int sync_entry_ok(const struct lvs_conn_sync *e)
{
	int tmpl = (e->flags & LVS_CONN_F_TEMPLATE) != 0;

	if (e->af != AF_INET && e->af != AF_INET6)
		return 0;
	if (e->flags & LVS_CONN_F_ONE_PACKET)
		return 0;
	if (tmpl && (e->flags & LVS_CONN_F_NO_CPORT))
		return 0;
	if (!tmpl && e->protocol != IPPROTO_TCP && e->protocol != IPPROTO_UDP && e->protocol != IPPROTO_SCTP)
		return 0;
	return tmpl ? e->state <= LVS_CTPL_S_ASSURED
		    : e->protocol == IPPROTO_TCP ? e->state < LVS_TCP_S_LAST
		    : e->protocol == IPPROTO_SCTP ? e->state < LVS_SCTP_S_LAST : e->state == 0;
}

static int sync_import(struct lvs_core *core, const struct lvs_conn_sync *e, uint64_t now_ms, int *capped)
{
	uint32_t jnow = lvs_jiffies(now_ms);
	uint32_t flags, max_s, b;
	struct lvs_conn *cp;
	int tmpl, r;

	if (!e || !sync_entry_ok(e))
		return -EINVAL;
	tmpl = (e->flags & LVS_CONN_F_TEMPLATE) != 0;
	flags = (e->flags & SYNC_FLAGS_KEEP) | LVS_CONN_F_SYNC;
	if ((r = sync_check(core, e, flags, &max_s, NULL)) < 0)
		return r;

	b = lvs_conn_bucket(core, e->af, e->protocol, &e->caddr, e->cport);
	lvs_conn_lock_bucket(core, b);
	if (tmpl)
		cp = lvs_conn_find_tmpl_locked(core, b, e->af, e->protocol, &e->caddr, &e->vaddr, e->vport, jnow);
	else
		cp = lvs_conn_find_in_locked(core, b, e->af, e->protocol, &e->caddr, e->cport, &e->vaddr,
					     e->vport, jnow);
	if (cp) {
		/* update activity and state in place */
		if (!tmpl)
			lvs_conn_set_active(core, cp, !(flags & LVS_CONN_F_INACTIVE));
		sync_refresh(core, b, cp, e, max_s, capped, jnow);
		lvs_conn_unlock_bucket(core, b);
		return 0;
	}
	lvs_conn_unlock_bucket(core, b);

	/* checked again: the table may have changed in between */
	if ((r = sync_check(core, e, flags, &max_s, &cp)) < 0)
		return r;
	sync_refresh(core, LVS_NO_BUCKET, cp, e, max_s, capped, jnow);
	lvs_conn_hash(core, cp);
	return 0;
}

int lvs_conn_import(struct lvs_core *core, const struct lvs_conn_sync *e, uint64_t now_ms)
{
	int capped = 0;
	int r = sync_import(core, e, now_ms, &capped);
	enum lvs_sync_import_reason why;

	switch (r) {
	case 0:
		if (!capped)
			return 0;
		why = LVS_SYNC_IMPORT_CAPPED;
		break;
	case -ENOENT:
		why = LVS_SYNC_IMPORT_NO_SERVICE;
		break;
	case -EADDRNOTAVAIL:
		why = LVS_SYNC_IMPORT_NO_DEST;
		break;
	case -ENOMEM:
		why = LVS_SYNC_IMPORT_FULL;
		break;
	default:
		why = LVS_SYNC_IMPORT_BAD;
		break;
	}
	__atomic_add_fetch(&core->sync_import[why], 1, __ATOMIC_RELAXED);
	return r;
}
