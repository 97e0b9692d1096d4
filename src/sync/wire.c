/* wire.c - encode and decode IPVS sync messages (see wire.h; the layout is
 * ip_vs_sync.c's: big-endian fields, entries on 4-byte boundaries). */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include "wire.h"
#include "core/ipvs-t.h"

/* v1 entry option types (IPVS_OPT_*) */
#define OPT_SEQ_DATA 1
#define OPT_PE_DATA 2
#define OPT_PE_NAME 3
#define OPT_F_PARAM 0x40          /* optional: skip when unknown */
#define OPT_SEQ_DATA_LEN 24

#define STYPE_INET6 0x01
#define VER_SIZE_MASK 0x0fff

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}
static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static size_t align4(size_t n) { return (n + 3) & ~(size_t)3; }

void sync_msg_init(struct sync_msg *m, uint8_t *buf, size_t maxlen, uint8_t syncid)
{
	m->buf = buf;
	m->cap = maxlen > 65535 ? 65535 : maxlen;
	m->len = SYNC_V1_HEADER_LEN;
	m->nr = 0;
	m->syncid = syncid;
}

int sync_msg_add(struct sync_msg *m, const struct lvs_conn_sync *e)
{
	size_t elen, at;
	uint8_t *p;

	if (e->af == AF_INET)
		elen = SYNC_V1_ENTRY4_LEN;
	else if (e->af == AF_INET6)
		elen = SYNC_V1_ENTRY6_LEN;
	else
		return -EINVAL;
	at = align4(m->len);
	if (m->nr >= SYNC_MAX_CONNS || at + elen > m->cap)
		return -ENOSPC;
	p = m->buf + m->len;
	memset(p, 0, at + elen - m->len);   /* padding and the entry */
	p = m->buf + at;
	p[0] = e->af == AF_INET6 ? STYPE_INET6 : 0;
	p[1] = e->protocol;
	put16(p + 2, (uint16_t)(elen & VER_SIZE_MASK));   /* version 0, no options */
	put32(p + 4, e->flags & ~(uint32_t)LVS_CONN_F_HASHED);
	put16(p + 8, e->state);
	put16(p + 10, e->cport);
	put16(p + 12, e->vport);
	put16(p + 14, e->dport);
	put32(p + 16, e->fwmark);
	put32(p + 20, e->timeout);
	if (e->af == AF_INET) {
		memcpy(p + 24, &e->caddr.ip, 4);
		memcpy(p + 28, &e->vaddr.ip, 4);
		memcpy(p + 32, &e->daddr.ip, 4);
	} else {
		memcpy(p + 24, &e->caddr.in6, 16);
		memcpy(p + 40, &e->vaddr.in6, 16);
		memcpy(p + 56, &e->daddr.in6, 16);
	}
	m->len = at + elen;
	m->nr++;
	return 0;
}

size_t sync_msg_finish(struct sync_msg *m)
{
	uint8_t *h = m->buf;

	if (!m->nr)
		return 0;
	h[0] = 0;                     /* reserved: what makes v0 receivers drop it */
	h[1] = m->syncid;
	put16(h + 2, (uint16_t)m->len);
	h[4] = (uint8_t)m->nr;
	h[5] = 1;                     /* version */
	put16(h + 6, 0);
	return m->len;
}

/* ---- receiving ---- */

/* one v1 entry at p (len bytes, options included).  Fills *e; returns 1 to
 * deliver, 0 to skip it, -EINVAL to reject the whole message. */
static int parse_v1_entry(const uint8_t *p, size_t len, struct lvs_conn_sync *e)
{
	size_t base = (p[0] & STYPE_INET6) ? SYNC_V1_ENTRY6_LEN : SYNC_V1_ENTRY4_LEN;
	unsigned seen = 0;
	int keep = 1;

	if (len < base)
		return -EINVAL;
	memset(e, 0, sizeof(*e));
	e->af = (p[0] & STYPE_INET6) ? AF_INET6 : AF_INET;
	e->protocol = p[1];
	e->flags = get32(p + 4);
	e->state = get16(p + 8);
	e->cport = get16(p + 10);
	e->vport = get16(p + 12);
	e->dport = get16(p + 14);
	e->fwmark = get32(p + 16);
	e->timeout = get32(p + 20);
	if (e->af == AF_INET) {
		memcpy(&e->caddr.ip, p + 24, 4);
		memcpy(&e->vaddr.ip, p + 28, 4);
		memcpy(&e->daddr.ip, p + 32, 4);
	} else {
		memcpy(&e->caddr.in6, p + 24, 16);
		memcpy(&e->vaddr.in6, p + 40, 16);
		memcpy(&e->daddr.in6, p + 56, 16);
	}
	/* options: type(1) len(1) data(len) up to the entry's end */
	for (size_t o = base; o < len;) {
		uint8_t type, olen;

		if (o + 2 > len)
			return -EINVAL;
		type = p[o];
		olen = p[o + 1];
		if (!olen || o + 2 + olen > len)
			return -EINVAL;
		switch (type & ~OPT_F_PARAM) {
		case OPT_SEQ_DATA:
			/* sequence adjustment of an application helper: lvsd has
			 * none, the connection itself is still worth having */
			if (olen != OPT_SEQ_DATA_LEN || (seen & 1u << OPT_SEQ_DATA))
				return -EINVAL;
			seen |= 1u << OPT_SEQ_DATA;
			break;
		case OPT_PE_DATA:
		case OPT_PE_NAME:
			/* a persistence engine's entry (SIP): without the engine
			 * the entry cannot be matched, skip it */
			if (seen & 1u << (type & ~OPT_F_PARAM))
				return -EINVAL;
			seen |= 1u << (type & ~OPT_F_PARAM);
			keep = 0;
			break;
		default:
			if (!(type & OPT_F_PARAM))
				keep = 0;     /* unknown and mandatory */
			break;
		}
		o += 2 + (size_t)olen;
	}
	return keep;
}

/* the v1 entry at *at: 1 = a connection in *e, 0 = one to skip, or
 * -EINVAL; *at moves past it */
static int next_v1(const uint8_t *buf, size_t len, size_t *at, struct lvs_conn_sync *e)
{
	size_t elen;
	int r;

	if (*at + SYNC_V1_ENTRY4_LEN > len)
		return -EINVAL;
	if (get16(buf + *at + 2) >> 12)   /* entry format version */
		return -EINVAL;
	elen = get16(buf + *at + 2) & VER_SIZE_MASK;
	if (*at + elen > len)
		return -EINVAL;
	r = parse_v1_entry(buf + *at, elen, e);
	*at += align4(elen);
	return r;
}

/* the v0 entry at *at, as next_v1 (every v0 entry is a connection) */
static int next_v0(const uint8_t *buf, size_t len, size_t *at, struct lvs_conn_sync *e)
{
	const uint8_t *p = buf + *at;

	if (*at + SYNC_V0_ENTRY_LEN > len)
		return -EINVAL;
	memset(e, 0, sizeof(*e));
	e->af = AF_INET;
	e->protocol = p[1];
	e->cport = get16(p + 2);
	e->vport = get16(p + 4);
	e->dport = get16(p + 6);
	memcpy(&e->caddr.ip, p + 8, 4);
	memcpy(&e->vaddr.ip, p + 12, 4);
	memcpy(&e->daddr.ip, p + 16, 4);
	e->flags = get16(p + 20);
	e->state = get16(p + 22);
	*at += SYNC_V0_ENTRY_LEN;
	if (e->flags & LVS_CONN_F_SEQ_MASK) {
		*at += SYNC_V0_ENTRY_LEN;   /* sequence data, host layout: unused */
		if (*at > len)
			return -EINVAL;
	}
	return 1;
}

/* walk a message; deliver only when `deliver` is set (the first pass
 * validates, so that a malformed message changes nothing) */
static int walk(const uint8_t *buf, size_t len, int v1, sync_deliver_fn deliver, void *arg,
		struct sync_parse_counts *c)
{
	size_t at = v1 ? SYNC_V1_HEADER_LEN : SYNC_V0_HEADER_LEN;
	unsigned nr = v1 ? buf[4] : buf[0];

	for (unsigned i = 0; i < nr; i++) {
		struct lvs_conn_sync e;
		int r = v1 ? next_v1(buf, len, &at, &e) : next_v0(buf, len, &at, &e);

		if (r < 0)
			return r;
		if (!deliver)
			continue;
		if (r) {
			deliver(arg, &e, !v1);
			c->delivered++;
		} else {
			c->skipped++;
		}
	}
	return 0;
}

int sync_msg_parse(const uint8_t *buf, size_t len, uint8_t my_syncid, sync_deliver_fn deliver, void *arg,
		   struct sync_parse_counts *counts)
{
	struct sync_parse_counts dummy;
	struct sync_parse_counts *c = counts ? counts : &dummy;
	int v1, r;
	uint8_t syncid;

	memset(c, 0, sizeof(*c));
	if (!buf || len < SYNC_V0_HEADER_LEN)
		return -EINVAL;
	v1 = len >= SYNC_V1_HEADER_LEN && buf[5] == 1 && buf[0] == 0 && get16(buf + 6) == 0;
	syncid = buf[1];
	if (get16(buf + 2) != len)
		return -EINVAL;
	if (my_syncid && syncid != my_syncid) {
		c->other_syncid = 1;
		return 0;
	}
	r = walk(buf, len, v1, NULL, arg, c);
	if (r < 0)
		return r;
	return walk(buf, len, v1, deliver, arg, c);
}
