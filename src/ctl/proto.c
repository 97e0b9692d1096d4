/* proto.c - encoders and bounds-checked decoders for the control protocol
 * (see proto.h for the frame and payload layouts). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "proto.h"

int lvsp_op_is_mutation(unsigned op)
{
	switch (op) {
	case LVSP_OP_ADD_SERVICE:
	case LVSP_OP_EDIT_SERVICE:
	case LVSP_OP_DEL_SERVICE:
	case LVSP_OP_FLUSH:
	case LVSP_OP_ADD_DEST:
	case LVSP_OP_EDIT_DEST:
	case LVSP_OP_DEL_DEST:
	case LVSP_OP_ZERO:
	case LVSP_OP_SET_TIMEOUTS:
	case LVSP_OP_START_DAEMON:
	case LVSP_OP_STOP_DAEMON:
		return 1;
	default:
		return 0;
	}
}

int lvsp_op_reads_only(unsigned op)
{
	switch (op) {
	case LVSP_OP_GET_INFO:
	case LVSP_OP_GET_TIMEOUTS:
	case LVSP_OP_GET_DAEMONS:
	case LVSP_OP_GET_SERVICES:
	case LVSP_OP_GET_SERVICE:
	case LVSP_OP_GET_TEXT:
		return 1;
	default:
		return 0;
	}
}

const char *lvsp_op_name(unsigned op)
{
	static const char *const names[LVSP_OP_MAX] = {
		[LVSP_OP_GET_INFO] = "get-info",         [LVSP_OP_ADD_SERVICE] = "add-service",
		[LVSP_OP_EDIT_SERVICE] = "edit-service", [LVSP_OP_DEL_SERVICE] = "del-service",
		[LVSP_OP_FLUSH] = "flush",               [LVSP_OP_ADD_DEST] = "add-dest",
		[LVSP_OP_EDIT_DEST] = "edit-dest",       [LVSP_OP_DEL_DEST] = "del-dest",
		[LVSP_OP_ZERO] = "zero",                 [LVSP_OP_SET_TIMEOUTS] = "set-timeouts",
		[LVSP_OP_GET_TIMEOUTS] = "get-timeouts", [LVSP_OP_START_DAEMON] = "start-daemon",
		[LVSP_OP_STOP_DAEMON] = "stop-daemon",   [LVSP_OP_GET_DAEMONS] = "get-daemons",
		[LVSP_OP_GET_SERVICES] = "get-services", [LVSP_OP_GET_SERVICE] = "get-service",
		[LVSP_OP_GET_TEXT] = "get-text",         [LVSP_OP_COMMAND] = "command",
		[LVSP_OP_BATCH] = "batch",
	};
	if (op < LVSP_OP_MAX && names[op])
		return names[op];
	return "unknown";
}

/* ---- output buffer ---- */

void lvsp_buf_free(struct lvsp_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->oom = 0;
}

int lvsp_buf_reserve(struct lvsp_buf *b, size_t more)
{
	if (b->oom)
		return -ENOMEM;
	if (more > SIZE_MAX / 2 - b->len) {
		b->oom = 1;
		return -ENOMEM;
	}
	if (b->len + more <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + more)
		cap *= 2;
	uint8_t *p = realloc(b->data, cap);
	if (!p) {
		b->oom = 1;
		return -ENOMEM;
	}
	b->data = p;
	b->cap = cap;
	return 0;
}

void lvsp_put_bytes(struct lvsp_buf *b, const void *p, size_t n)
{
	if (lvsp_buf_reserve(b, n))
		return;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
}

void lvsp_put_varint(struct lvsp_buf *b, uint64_t v)
{
	uint8_t x[10];
	size_t n = 0;
	while (v >= 0x80) {
		x[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	x[n++] = (uint8_t)v;
	if (b->cap - b->len >= n && !b->oom) {
		memcpy(b->data + b->len, x, n);
		b->len += n;
	} else {
		lvsp_put_bytes(b, x, n);
	}
}

void lvsp_put_str(struct lvsp_buf *b, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n > UINT32_MAX) {
		b->oom = 1;
		return;
	}
	lvsp_put_u32(b, (uint32_t)n);
	lvsp_put_bytes(b, s, n);
}

void lvsp_patch_u32(struct lvsp_buf *b, size_t off, uint32_t v)
{
	if (b->oom || off + 4 > b->len)
		return;
	b->data[off] = (uint8_t)v;
	b->data[off + 1] = (uint8_t)(v >> 8);
	b->data[off + 2] = (uint8_t)(v >> 16);
	b->data[off + 3] = (uint8_t)(v >> 24);
}

/* ---- reader ---- */

void lvsp_reader_init(struct lvsp_reader *r, const void *p, size_t len)
{
	r->p = p;
	r->len = p ? len : 0;
	r->pos = 0;
	r->err = 0;
}

void lvsp_get_bytes(struct lvsp_reader *r, void *out, size_t n)
{
	const uint8_t *p = lvsp_get_span(r, n);
	if (p)
		memcpy(out, p, n);
	else
		memset(out, 0, n);
}

uint64_t lvsp_get_varint(struct lvsp_reader *r)
{
	uint64_t v = 0;
	for (unsigned shift = 0; shift < 70; shift += 7) {
		const uint8_t *p = lvsp_get_span(r, 1);
		if (!p)
			return 0;
		if (shift == 63 && *p > 1)
			break; /* would overflow 64 bits */
		v |= (uint64_t)(*p & 0x7f) << shift;
		if (!(*p & 0x80))
			return v;
	}
	r->err = -EPROTO;
	return 0;
}

char *lvsp_get_str(struct lvsp_reader *r, size_t max)
{
	uint32_t n = lvsp_get_u32(r);
	if (r->err)
		return NULL;
	if (n > max) {
		r->err = -EINVAL;
		return NULL;
	}
	const uint8_t *p = lvsp_get_span(r, n);
	if (!p)
		return NULL;
	if (memchr(p, 0, n)) {
		r->err = -EINVAL;
		return NULL;
	}
	char *s = malloc((size_t)n + 1);
	if (!s) {
		r->err = -ENOMEM;
		return NULL;
	}
	memcpy(s, p, n);
	s[n] = 0;
	return s;
}

/* ---- header ---- */

void lvsp_hdr_encode(uint8_t out[LVSP_HDR_LEN], const struct lvsp_hdr *h)
{
	struct lvsp_buf b = { 0 };
	uint8_t tmp[LVSP_HDR_LEN];
	b.data = tmp;
	b.cap = sizeof(tmp);
	lvsp_put_u32(&b, h->magic);
	lvsp_put_u16(&b, h->version);
	lvsp_put_u16(&b, h->op);
	lvsp_put_u32(&b, h->flags);
	lvsp_put_u32(&b, h->seq);
	lvsp_put_u32(&b, h->len);
	memcpy(out, tmp, LVSP_HDR_LEN);
}

void lvsp_put_hdr(struct lvsp_buf *b, const struct lvsp_hdr *h)
{
	uint8_t x[LVSP_HDR_LEN];
	lvsp_hdr_encode(x, h);
	lvsp_put_bytes(b, x, sizeof(x));
}

void lvsp_hdr_decode(const uint8_t in[LVSP_HDR_LEN], struct lvsp_hdr *h)
{
	struct lvsp_reader r;
	lvsp_reader_init(&r, in, LVSP_HDR_LEN);
	h->magic = lvsp_get_u32(&r);
	h->version = lvsp_get_u16(&r);
	h->op = lvsp_get_u16(&r);
	h->flags = lvsp_get_u32(&r);
	h->seq = lvsp_get_u32(&r);
	h->len = lvsp_get_u32(&r);
}

int lvsp_hdr_check(const struct lvsp_hdr *h, uint32_t max_len)
{
	if (h->magic != LVSP_MAGIC || h->version != LVSP_VERSION)
		return -EPROTO;
	if (h->len > max_len)
		return -EMSGSIZE;
	return 0;
}

/* ---- objects ---- */

void lvsp_put_addr(struct lvsp_buf *b, int af, const union lvs_addr *a)
{
	uint8_t raw[16] = { 0 };
	if (af == AF_INET)
		memcpy(raw, &a->ip, 4);
	else
		memcpy(raw, &a->in6, 16);
	lvsp_put_u16(b, (uint16_t)af);
	lvsp_put_bytes(b, raw, 16);
}

void lvsp_get_addr(struct lvsp_reader *r, int *af, union lvs_addr *a)
{
	uint8_t raw[16];
	*af = lvsp_get_u16(r);
	lvsp_get_bytes(r, raw, 16);
	memset(a, 0, sizeof(*a));
	if (*af == AF_INET)
		memcpy(&a->ip, raw, 4);
	else
		memcpy(&a->in6, raw, 16);
}

/* fixed-width NUL-padded name; the decoder forces termination */
static void put_name(struct lvsp_buf *b, const char *s, size_t width)
{
	uint8_t x[32] = { 0 };
	size_t n = strnlen(s, width - 1);
	memcpy(x, s, n);
	lvsp_put_bytes(b, x, width);
}

static void get_name(struct lvsp_reader *r, char *out, size_t width)
{
	lvsp_get_bytes(r, out, width);
	out[width - 1] = 0;
}

void lvsp_put_svc(struct lvsp_buf *b, const struct lvs_service_conf *s)
{
	lvsp_put_addr(b, s->af, &s->addr);
	lvsp_put_u16(b, s->protocol);
	lvsp_put_u16(b, s->port);
	lvsp_put_u32(b, s->fwmark);
	put_name(b, s->sched_name, LVS_SCHEDNAME_MAXLEN);
	lvsp_put_u32(b, s->flags);
	lvsp_put_u32(b, s->timeout);
	lvsp_put_u32(b, s->netmask);
	put_name(b, s->pe_name, LVS_PENAME_MAXLEN);
}

void lvsp_get_svc(struct lvsp_reader *r, struct lvs_service_conf *s)
{
	memset(s, 0, sizeof(*s));
	lvsp_get_addr(r, &s->af, &s->addr);
	s->protocol = lvsp_get_u16(r);
	s->port = lvsp_get_u16(r);
	s->fwmark = lvsp_get_u32(r);
	get_name(r, s->sched_name, LVS_SCHEDNAME_MAXLEN);
	s->flags = lvsp_get_u32(r);
	s->timeout = lvsp_get_u32(r);
	s->netmask = lvsp_get_u32(r);
	get_name(r, s->pe_name, LVS_PENAME_MAXLEN);
}

void lvsp_put_dest(struct lvsp_buf *b, const struct lvs_dest_conf *d)
{
	lvsp_put_addr(b, d->af, &d->addr);
	lvsp_put_u16(b, d->port);
	lvsp_put_u32(b, d->conn_flags);
	lvsp_put_i32(b, d->weight);
	lvsp_put_u32(b, d->u_threshold);
	lvsp_put_u32(b, d->l_threshold);
	lvsp_put_u8(b, d->tun_type);
	lvsp_put_u16(b, d->tun_port);
	lvsp_put_u16(b, d->tun_flags);
}

void lvsp_get_dest(struct lvsp_reader *r, struct lvs_dest_conf *d)
{
	memset(d, 0, sizeof(*d));
	lvsp_get_addr(r, &d->af, &d->addr);
	d->port = lvsp_get_u16(r);
	d->conn_flags = lvsp_get_u32(r);
	d->weight = lvsp_get_i32(r);
	d->u_threshold = lvsp_get_u32(r);
	d->l_threshold = lvsp_get_u32(r);
	d->tun_type = lvsp_get_u8(r);
	d->tun_port = lvsp_get_u16(r);
	d->tun_flags = lvsp_get_u16(r);
}

void lvsp_put_daemon(struct lvsp_buf *b, const struct lvs_daemon_conf *d)
{
	lvsp_put_i32(b, d->state);
	put_name(b, d->mcast_ifn, LVS_IFNAME_MAXLEN);
	lvsp_put_u32(b, d->syncid);
	lvsp_put_u16(b, d->sync_maxlen);
	lvsp_put_addr(b, d->mcast_af, &d->mcast_group);
	lvsp_put_u16(b, d->mcast_port);
	lvsp_put_u8(b, d->mcast_ttl);
}

void lvsp_get_daemon(struct lvsp_reader *r, struct lvs_daemon_conf *d)
{
	memset(d, 0, sizeof(*d));
	d->state = lvsp_get_i32(r);
	get_name(r, d->mcast_ifn, LVS_IFNAME_MAXLEN);
	d->syncid = lvsp_get_u32(r);
	d->sync_maxlen = lvsp_get_u16(r);
	lvsp_get_addr(r, &d->mcast_af, &d->mcast_group);
	d->mcast_port = lvsp_get_u16(r);
	d->mcast_ttl = lvsp_get_u8(r);
}

void lvsp_put_stats(struct lvsp_buf *b, const struct lvs_stats_view *s)
{
	if (lvsp_buf_reserve(b, LVSP_STATS_MAX))
		return;
	lvsp_put_varint(b, s->c.conns);
	lvsp_put_varint(b, s->c.inpkts);
	lvsp_put_varint(b, s->c.outpkts);
	lvsp_put_varint(b, s->c.inbytes);
	lvsp_put_varint(b, s->c.outbytes);
	lvsp_put_varint(b, s->r.cps);
	lvsp_put_varint(b, s->r.inpps);
	lvsp_put_varint(b, s->r.outpps);
	lvsp_put_varint(b, s->r.inbps);
	lvsp_put_varint(b, s->r.outbps);
}

void lvsp_get_stats(struct lvsp_reader *r, struct lvs_stats_view *s)
{
	s->c.conns = lvsp_get_varint(r);
	s->c.inpkts = lvsp_get_varint(r);
	s->c.outpkts = lvsp_get_varint(r);
	s->c.inbytes = lvsp_get_varint(r);
	s->c.outbytes = lvsp_get_varint(r);
	s->r.cps = lvsp_get_varint(r);
	s->r.inpps = lvsp_get_varint(r);
	s->r.outpps = lvsp_get_varint(r);
	s->r.inbps = lvsp_get_varint(r);
	s->r.outbps = lvsp_get_varint(r);
}

void lvsp_put_timeouts(struct lvsp_buf *b, const struct lvs_timeouts *t)
{
	lvsp_put_u32(b, LVS_TCP_S_LAST);
	for (int i = 0; i < LVS_TCP_S_LAST; i++)
		lvsp_put_u32(b, t->tcp[i]);
	lvsp_put_u32(b, t->udp);
}

void lvsp_get_timeouts(struct lvsp_reader *r, struct lvs_timeouts *t)
{
	memset(t, 0, sizeof(*t));
	uint32_t n = lvsp_get_u32(r);
	if (n > 64) {
		r->err = -EPROTO;
		return;
	}
	for (uint32_t i = 0; i < n; i++) {
		uint32_t v = lvsp_get_u32(r);
		if (i < LVS_TCP_S_LAST)
			t->tcp[i] = v;
	}
	t->udp = lvsp_get_u32(r);
}

void lvsp_put_dest_entry(struct lvsp_buf *b, const struct lvs_dest_entry *d)
{
	if (lvsp_buf_reserve(b, LVSP_DEST_SIZE + 3 * 5 + LVSP_STATS_MAX))
		return;
	lvsp_put_dest(b, &d->conf);
	lvsp_put_varint(b, d->activeconns);
	lvsp_put_varint(b, d->inactconns);
	lvsp_put_varint(b, d->persistconns);
	lvsp_put_stats(b, &d->stats);
}

void lvsp_get_service_entry(struct lvsp_reader *r, struct lvs_service_entry *e)
{
	memset(e, 0, sizeof(*e));
	lvsp_get_svc(r, &e->conf);
	uint32_t n = lvsp_get_u32(r);
	lvsp_get_stats(r, &e->stats);
	if (r->err)
		return;
	/* each dest takes at least this many bytes: refuse counts the
	 * remaining payload cannot hold before allocating anything */
	if (n > lvsp_remaining(r) / LVSP_DEST_ENTRY_MIN) {
		r->err = -EPROTO;
		return;
	}
	if (n) {
		e->dests = calloc(n, sizeof(*e->dests));
		if (!e->dests) {
			r->err = -ENOMEM;
			return;
		}
	}
	for (uint32_t i = 0; i < n && !r->err; i++) {
		struct lvs_dest_entry *d = &e->dests[i];
		lvsp_get_dest(r, &d->conf);
		d->activeconns = (uint32_t)lvsp_get_varint(r);
		d->inactconns = (uint32_t)lvsp_get_varint(r);
		d->persistconns = (uint32_t)lvsp_get_varint(r);
		lvsp_get_stats(r, &d->stats);
	}
	e->num_dests = n;
}
