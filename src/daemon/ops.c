/* ops.c - control requests: decode, apply to the table under the table
 * lock, encode the reply.  One request frame in, exactly one reply frame
 * out, whatever the payload holds. */
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include "daemon.h"
#include "core/stats.h"

/* reply frame header + i32 result + data */
void lvsd_put_reply_hdr(struct lvsp_buf *out, const struct lvsp_hdr *req, int32_t result,
			const void *data, size_t len)
{
	struct lvsp_hdr h = {
		.magic = LVSP_MAGIC, .version = LVSP_VERSION, .op = req->op,
		.flags = LVSP_F_REPLY, .seq = req->seq, .len = (uint32_t)(4 + len),
	};
	lvsp_put_hdr(out, &h);
	lvsp_put_i32(out, result);
	lvsp_put_bytes(out, data, len);
}

/* a request's payload must be consumed exactly: trailing bytes mean the
 * client and daemon disagree about the layout */
static int decoded(const struct lvsp_reader *r)
{
	if (r->err)
		return r->err == -ENOMEM ? -ENOMEM : -EINVAL;
	return lvsp_remaining(r) ? -EINVAL : 0;
}

static int start_daemon(struct lvsd *d, const struct lvs_daemon_conf *c)
{
	struct lvs_daemon_conf cur[2];
	int err = lvs_start_daemon(d->table, c), n;

	if (err || c->state != LVS_DAEMON_MASTER)
		return err;
	/* the table filled in the defaults; a master that could not open its
	 * socket is not recorded, as in the kernel */
	n = lvs_get_daemons(d->table, cur);
	for (int i = 0; i < n; i++) {
		if (cur[i].state != LVS_DAEMON_MASTER)
			continue;
		err = lvsd_sync_send_probe(&cur[i]);
		if (err)
			lvs_stop_daemon(d->table, LVS_DAEMON_MASTER);
	}
	return err;
}

/* apply one mutation; the caller holds the table lock */
static int apply_mutation(struct lvsd *d, unsigned op, struct lvsp_reader *r)
{
	struct lvs_service_conf s;
	struct lvs_dest_conf dc;
	struct lvs_daemon_conf dmn;
	int err;

	switch (op) {
	case LVSP_OP_ADD_SERVICE:
	case LVSP_OP_EDIT_SERVICE:
	case LVSP_OP_DEL_SERVICE:
		lvsp_get_svc(r, &s);
		if ((err = decoded(r)))
			return err;
		if (op == LVSP_OP_ADD_SERVICE)
			return lvs_add_service(d->table, &s);
		if (op == LVSP_OP_EDIT_SERVICE)
			return lvs_edit_service(d->table, &s);
		return lvs_del_service(d->table, &s);
	case LVSP_OP_FLUSH:
		if ((err = decoded(r)))
			return err;
		return lvs_flush(d->table);
	case LVSP_OP_ADD_DEST:
	case LVSP_OP_EDIT_DEST:
	case LVSP_OP_DEL_DEST:
		lvsp_get_svc(r, &s);
		lvsp_get_dest(r, &dc);
		if ((err = decoded(r)))
			return err;
		if (op == LVSP_OP_ADD_DEST)
			return lvs_add_dest(d->table, &s, &dc);
		if (op == LVSP_OP_EDIT_DEST)
			return lvs_edit_dest(d->table, &s, &dc);
		return lvs_del_dest(d->table, &s, &dc);
	case LVSP_OP_ZERO: {
		uint8_t has = lvsp_get_u8(r);
		if (has)
			lvsp_get_svc(r, &s);
		if ((err = decoded(r)))
			return err;
		if (has > 1)
			return -EINVAL;
		return lvs_zero(d->table, has ? &s : NULL);
	}
	case LVSP_OP_SET_TIMEOUTS: {
		uint32_t tcp = lvsp_get_u32(r), fin = lvsp_get_u32(r), udp = lvsp_get_u32(r);
		if ((err = decoded(r)))
			return err;
		return lvs_set_timeouts(d->table, tcp, fin, udp);
	}
	case LVSP_OP_START_DAEMON:
		lvsp_get_daemon(r, &dmn);
		if ((err = decoded(r)))
			return err;
		return start_daemon(d, &dmn);
	case LVSP_OP_STOP_DAEMON: {
		int32_t state = lvsp_get_i32(r);
		if ((err = decoded(r)))
			return err;
		return lvs_stop_daemon(d->table, state);
	}
	default:
		return -EOPNOTSUPP;
	}
}

static void put_service_entry(struct lvsp_buf *b, struct lvs_service *svc)
{
	struct lvs_service_conf c;
	struct lvs_stats_view v;
	memset(&c, 0, sizeof(c));
	c.af = svc->af;
	c.protocol = svc->protocol;
	c.addr = svc->addr;
	c.port = svc->port;
	c.fwmark = svc->fwmark;
	memcpy(c.sched_name, svc->sched_name, sizeof(c.sched_name));
	c.flags = svc->flags;
	c.timeout = svc->timeout;
	c.netmask = svc->netmask;
	memcpy(c.pe_name, svc->pe_name, sizeof(c.pe_name));
	lvsp_put_svc(b, &c);
	size_t count_at = b->len;
	lvsp_put_u32(b, 0);
	lvs_stats_read(&svc->stats, &v);
	lvsp_put_stats(b, &v);

	uint32_t n = 0;
	struct lvs_dest *dst;
	lvs_list_for_each_entry(dst, &svc->destinations, n_list) {
		struct lvs_dest_entry e;
		memset(&e, 0, sizeof(e));
		e.conf.af = dst->af;
		e.conf.addr = dst->addr;
		e.conf.port = dst->port;
		/* like the kernel's dump: only the forwarding method */
		e.conf.conn_flags = dst->conn_flags & LVS_CONN_F_FWD_MASK;
		e.conf.weight = __atomic_load_n(&dst->weight, __ATOMIC_RELAXED);
		e.conf.u_threshold = dst->u_threshold;
		e.conf.l_threshold = dst->l_threshold;
		e.conf.tun_type = dst->tun_type;
		e.conf.tun_port = dst->tun_port;
		e.conf.tun_flags = dst->tun_flags;
		e.activeconns = (uint32_t)__atomic_load_n(&dst->activeconns, __ATOMIC_RELAXED);
		e.inactconns = (uint32_t)__atomic_load_n(&dst->inactconns, __ATOMIC_RELAXED);
		e.persistconns = (uint32_t)__atomic_load_n(&dst->persistconns, __ATOMIC_RELAXED);
		lvs_stats_read(&dst->stats, &e.stats);
		lvsp_put_dest_entry(b, &e);
		n++;
	}
	lvsp_patch_u32(b, count_at, n);
}

/* a read-only or single request; writes result data after *out's current
 * end and returns the result */
static int handle_one(struct lvsd *d, unsigned op, struct lvsp_reader *r, struct lvsp_buf *data)
{
	int err;
	switch (op) {
	case LVSP_OP_GET_INFO:
		if ((err = decoded(r)))
			return err;
		lvsd_lock(d);
		lvsp_put_u32(data, LVS_IPVS_VERSION_CODE);
		lvsp_put_u32(data, LVS_CONN_TAB_SIZE);
		lvsp_put_u32(data, (uint32_t)lvs_svc_count(d->table));
		lvsd_unlock(d);
		return 0;
	case LVSP_OP_GET_TIMEOUTS:
		if ((err = decoded(r)))
			return err;
		lvsd_lock(d);
		lvsp_put_timeouts(data, lvs_get_timeouts(d->table));
		lvsd_unlock(d);
		return 0;
	case LVSP_OP_GET_DAEMONS: {
		struct lvs_daemon_conf dm[2];
		if ((err = decoded(r)))
			return err;
		lvsd_lock(d);
		int n = lvs_get_daemons(d->table, dm);
		lvsd_unlock(d);
		if (n < 0)
			return n;
		if (n > 2)
			n = 2;
		for (int i = 0; i < n; i++)
			lvsp_put_daemon(data, &dm[i]);
		return n;
	}
	case LVSP_OP_GET_SERVICES: {
		if ((err = decoded(r)))
			return err;
		lvsd_lock(d);
		size_t n = lvs_svc_count(d->table);
		/* one allocation up front for the common case */
		lvsp_buf_reserve(data, 4 + n * LVSP_SVC_ENTRY_MIN);
		size_t count_at = data->len;
		lvsp_put_u32(data, 0);
		uint32_t cnt = 0;
		for (struct lvs_service *svc = lvs_svc_first(d->table); svc; svc = lvs_svc_next(d->table, svc)) {
			put_service_entry(data, svc);
			cnt++;
		}
		lvsd_unlock(d);
		lvsp_patch_u32(data, count_at, cnt);
		return data->oom ? -ENOMEM : 0;
	}
	case LVSP_OP_GET_SERVICE: {
		struct lvs_service_conf key;
		lvsp_get_svc(r, &key);
		if ((err = decoded(r)))
			return err;
		lvsd_lock(d);
		struct lvs_service *svc = lvs_svc_get(d->table, &key);
		if (svc)
			put_service_entry(data, svc);
		lvsd_unlock(d);
		if (!svc)
			return -ESRCH;
		return data->oom ? -ENOMEM : 0;
	}
	case LVSP_OP_GET_TEXT:
	case LVSP_OP_COMMAND: {
		char *arg = lvsp_get_str(r, LVSP_MAX_TEXT);
		if ((err = decoded(r))) {
			free(arg);
			return err;
		}
		struct strbuf sb = STRBUF_INIT;
		/* views and commands run without the table lock: they take it
		 * themselves for as long as they need it */
		int res = op == LVSP_OP_GET_TEXT ? lvsd_text(d, arg, &sb) : lvsd_cmd(d, arg, &sb);
		free(arg);
		if (sb.oom)
			res = -ENOMEM;
		if (sb.len)
			lvsp_put_bytes(data, sb.buf, sb.len);
		sb_free(&sb);
		return res;
	}
	default:
		if (lvsp_op_is_mutation(op)) {
			lvsd_lock(d);
			int res = apply_mutation(d, op, r);
			lvsd_unlock(d);
			if (res == 0)
				lvsd_table_changed(d);
			return res;
		}
		return -EOPNOTSUPP;
	}
}

/* a batch: validate the framing of all parts first, so a malformed batch
 * changes nothing; then apply the parts in order under one lock hold */
static int handle_batch(struct lvsd *d, struct lvsp_reader *r, struct lvsp_buf *data)
{
	uint32_t n = lvsp_get_u32(r);
	if (r->err || n > LVSP_MAX_BATCH || n > lvsp_remaining(r) / 6)
		return -EINVAL;
	size_t start = r->pos;
	for (uint32_t i = 0; i < n; i++) {
		uint16_t op = lvsp_get_u16(r);
		uint32_t len = lvsp_get_u32(r);
		if (!lvsp_get_span(r, len) || !lvsp_op_is_mutation(op))
			return -EINVAL;
	}
	if (lvsp_remaining(r))
		return -EINVAL;
	if (lvsp_buf_reserve(data, 4 + (size_t)n * 4))
		return -ENOMEM;

	r->pos = start;
	int changed = 0;
	lvsp_put_u32(data, n);
	lvsd_lock(d);
	for (uint32_t i = 0; i < n; i++) {
		uint16_t op = lvsp_get_u16(r);
		uint32_t len = lvsp_get_u32(r);
		struct lvsp_reader sub;
		lvsp_reader_init(&sub, lvsp_get_span(r, len), len);
		int res = apply_mutation(d, op, &sub);
		if (res == 0)
			changed = 1;
		lvsp_put_i32(data, res);
	}
	lvsd_unlock(d);
	if (changed)
		lvsd_table_changed(d);
	return 0;
}

void lvsd_handle_request(struct lvsd *d, const struct lvsp_hdr *h, const uint8_t *payload,
			 uid_t uid, struct lvsp_buf *out)
{
	if (uid != 0 && !(d->sock_group_set && lvsp_op_reads_only(h->op))) {
		/* what the kernel answers a process without CAP_NET_ADMIN; a
		 * --socket-group member may only read */
		lvsd_put_reply_hdr(out, h, -EPERM, NULL, 0);
		return;
	}
	struct lvsp_reader r;
	lvsp_reader_init(&r, payload, h->len);

	/* reserve the header and result, fill the data, then patch both */
	size_t hdr_at = out->len;
	lvsd_put_reply_hdr(out, h, 0, NULL, 0);
	if (out->oom)
		return;
	size_t data_at = out->len;
	lvsd_netinfo_request(1);
	int res = h->op == LVSP_OP_BATCH ? handle_batch(d, &r, out) : handle_one(d, h->op, &r, out);
	lvsd_netinfo_request(0);
	if (res == -EINVAL || res == -EOPNOTSUPP)
		lvs_log(LOG_DEBUG, "control request %s (%u): %s", lvsp_op_name(h->op), h->op, strerror(-res));
	size_t dlen = out->len - data_at;
	if (out->oom || dlen > LVSP_MAX_REPLY - 4) {
		out->oom = 0;
		res = -ENOMEM;
		dlen = 0;
	}
	/* errors carry no data, except text replies (an error message) */
	if (res < 0 && h->op != LVSP_OP_GET_TEXT && h->op != LVSP_OP_COMMAND)
		dlen = 0;
	out->len = hdr_at;
	struct lvsp_hdr rh = *h;
	lvsd_put_reply_hdr(out, &rh, res, NULL, 0);
	out->len += dlen; /* the data is still in place right after */
	lvsp_patch_u32(out, hdr_at + 16, (uint32_t)(4 + dlen));
}
