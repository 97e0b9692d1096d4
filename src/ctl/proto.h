/* proto.h - lvsd's control protocol: frames on a SOCK_STREAM unix socket.
 *
 * Contract:
 *  - Every frame is a fixed 20-byte header followed by `len` payload bytes.
 *    All integers are little-endian, written field by field (never a raw
 *    struct, so padding and host layout never reach the wire).
 *
 *      u32 magic  (LVSP_MAGIC)      u16 version (LVSP_VERSION)
 *      u16 op     (enum lvsp_op)    u32 flags   (LVSP_F_REPLY on replies)
 *      u32 seq    (echoed in the reply)         u32 len (payload bytes)
 *
 *  - One reply per request, same op and seq, LVSP_F_REPLY set.  A reply
 *    payload is an i32 result (0/count or a negative errno) followed by the
 *    op's result data (only when the result is >= 0).
 *  - Frames larger than LVSP_MAX_REQUEST are refused (-EMSGSIZE) by the
 *    daemon; replies may be bigger (a dump of a huge table), up to
 *    LVSP_MAX_REPLY.
 *  - Decoders never trust a length: every get checks what remains and a
 *    short buffer sets r->err (sticky), so callers check once at the end.
 *    A payload must be consumed exactly.
 *  - The daemon's answers to bad input: a payload that does not decode
 *    gets -EINVAL and the connection stays usable; an unknown op gets
 *    -EOPNOTSUPP; a header that cannot be trusted (bad magic or version)
 *    gets one -EPROTO reply with op 0 and seq 0, an oversized one
 *    -EMSGSIZE, and then the connection is closed, since a byte stream
 *    cannot be resynchronised.  A batch's parts are all checked for
 *    framing before any is applied: a malformed batch changes nothing.
 *
 * Payload encodings (see the lvsp_put_* / lvsp_get_* pairs):
 *   addr     : u16 af, 16 bytes (IPv4 in the first 4, network order, rest 0)
 *   svc conf : addr, u16 protocol, u16 port, u32 fwmark, sched[16],
 *              u32 flags, u32 timeout, u32 netmask, pe[16]
 *              (names NUL-padded; the decoder forces termination; the af
 *              is passed through unvalidated: the table judges it)
 *   dest conf: af/addr/port/conn_flags/weight/u_thr/l_thr/tun_type/tun_port/
 *              tun_flags
 *   batch    : u32 n, then n x (u16 op, u32 len, payload); the reply is
 *              u32 n, then n x i32 result.
 *   stats    : counters and rates as LEB128 varints (lvsp_put_varint):
 *              most fit one byte, which keeps dumps of large tables small.
 */
#ifndef LVS_CTL_PROTO_H
#define LVS_CTL_PROTO_H

#include <stddef.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include "core/ipvs-t.h"
#include "client.h"

#define LVSP_MAGIC 0x4453564cu /* "LVSD" little-endian */
#define LVSP_VERSION 1
#define LVSP_HDR_LEN 20
#define LVSP_F_REPLY 0x1u
#define LVSP_MAX_REQUEST (64u << 20)   /* 64 MiB per request frame */
#define LVSP_MAX_REPLY (1024u << 20)   /* 1 GiB per reply frame */
#define LVSP_MAX_BATCH 10000000u
#define LVSP_MAX_TEXT (1u << 20)       /* names/commands sent to the daemon */

enum lvsp_op {
	LVSP_OP_NONE = 0,
	LVSP_OP_GET_INFO = 1,
	LVSP_OP_ADD_SERVICE,
	LVSP_OP_EDIT_SERVICE,
	LVSP_OP_DEL_SERVICE,
	LVSP_OP_FLUSH,
	LVSP_OP_ADD_DEST,
	LVSP_OP_EDIT_DEST,
	LVSP_OP_DEL_DEST,
	LVSP_OP_ZERO,           /* u8 has_svc, [svc conf] */
	LVSP_OP_SET_TIMEOUTS,   /* u32 tcp, tcpfin, udp */
	LVSP_OP_GET_TIMEOUTS,   /* reply: u32 n, n x u32 tcp[], u32 udp */
	LVSP_OP_START_DAEMON,   /* daemon conf */
	LVSP_OP_STOP_DAEMON,    /* i32 state */
	LVSP_OP_GET_DAEMONS,    /* reply: result = count, count x daemon conf */
	LVSP_OP_GET_SERVICES,   /* reply: u32 n, n x service entry */
	LVSP_OP_GET_SERVICE,    /* svc conf; reply: one service entry */
	LVSP_OP_GET_TEXT,       /* string name; reply: string */
	LVSP_OP_COMMAND,        /* string command; reply: string */
	LVSP_OP_BATCH,
	LVSP_OP_MAX
};

/* is `op` one of the table mutations that may travel inside a batch? */
int lvsp_op_is_mutation(unsigned op);
const char *lvsp_op_name(unsigned op);
/* 1 when op changes nothing (listings, views): what a read-only client
 * may send */
int lvsp_op_reads_only(unsigned op);

struct lvsp_hdr {
	uint32_t magic;
	uint16_t version;
	uint16_t op;
	uint32_t flags;
	uint32_t seq;
	uint32_t len;
};

/* a growable output buffer; oom is sticky */
struct lvsp_buf {
	uint8_t *data;
	size_t len, cap;
	int oom;
};

/* a bounded reader; err becomes -EPROTO on any overrun and stays set */
struct lvsp_reader {
	const uint8_t *p;
	size_t len, pos;
	int err;
};

void lvsp_buf_free(struct lvsp_buf *b);
int lvsp_buf_reserve(struct lvsp_buf *b, size_t more);
void lvsp_put_bytes(struct lvsp_buf *b, const void *p, size_t n);
/* the integer writers are inline with a no-realloc fast path: a dump of
 * 100,000 dests calls them millions of times */
static inline void lvsp_put_u8(struct lvsp_buf *b, uint8_t v)
{
	if (b->cap - b->len >= 1 && !b->oom)
		b->data[b->len++] = v;
	else
		lvsp_put_bytes(b, &v, 1);
}
static inline void lvsp_put_u16(struct lvsp_buf *b, uint16_t v)
{
	uint8_t x[2] = { (uint8_t)v, (uint8_t)(v >> 8) };
	if (b->cap - b->len >= 2 && !b->oom) {
		b->data[b->len] = x[0];
		b->data[b->len + 1] = x[1];
		b->len += 2;
	} else {
		lvsp_put_bytes(b, x, 2);
	}
}
static inline void lvsp_put_u32(struct lvsp_buf *b, uint32_t v)
{
	uint8_t x[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
	if (b->cap - b->len >= 4 && !b->oom) {
		memcpy(b->data + b->len, x, 4);
		b->len += 4;
	} else {
		lvsp_put_bytes(b, x, 4);
	}
}
static inline void lvsp_put_u64(struct lvsp_buf *b, uint64_t v)
{
	lvsp_put_u32(b, (uint32_t)v);
	lvsp_put_u32(b, (uint32_t)(v >> 32));
}
static inline void lvsp_put_i32(struct lvsp_buf *b, int32_t v) { lvsp_put_u32(b, (uint32_t)v); }
/* LEB128: 1 byte for the small and zero values that dominate counters */
void lvsp_put_varint(struct lvsp_buf *b, uint64_t v);
void lvsp_put_str(struct lvsp_buf *b, const char *s); /* u32 len + bytes */
/* patch a u32 written earlier at offset off */
void lvsp_patch_u32(struct lvsp_buf *b, size_t off, uint32_t v);

void lvsp_reader_init(struct lvsp_reader *r, const void *p, size_t len);
/* a pointer into the buffer (not NUL-terminated) or NULL on error */
static inline const uint8_t *lvsp_get_span(struct lvsp_reader *r, size_t n)
{
	if (r->err || n > r->len - r->pos) {
		r->err = -EPROTO;
		return NULL;
	}
	const uint8_t *p = r->p + r->pos;
	r->pos += n;
	return p;
}
static inline uint8_t lvsp_get_u8(struct lvsp_reader *r)
{
	const uint8_t *p = lvsp_get_span(r, 1);
	return p ? p[0] : 0;
}
static inline uint16_t lvsp_get_u16(struct lvsp_reader *r)
{
	const uint8_t *p = lvsp_get_span(r, 2);
	return p ? (uint16_t)(p[0] | p[1] << 8) : 0;
}
static inline uint32_t lvsp_get_u32(struct lvsp_reader *r)
{
	const uint8_t *p = lvsp_get_span(r, 4);
	return p ? (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24 : 0;
}
static inline uint64_t lvsp_get_u64(struct lvsp_reader *r)
{
	uint64_t lo = lvsp_get_u32(r);
	uint64_t hi = lvsp_get_u32(r);
	return lo | hi << 32;
}
static inline int32_t lvsp_get_i32(struct lvsp_reader *r) { return (int32_t)lvsp_get_u32(r); }
/* at most 10 bytes; an overlong or unterminated varint sets r->err */
uint64_t lvsp_get_varint(struct lvsp_reader *r);
void lvsp_get_bytes(struct lvsp_reader *r, void *out, size_t n);
/* malloc'd NUL-terminated copy of a u32-length string; NULL on error.
 * Strings with embedded NULs are refused. */
char *lvsp_get_str(struct lvsp_reader *r, size_t max);
static inline size_t lvsp_remaining(const struct lvsp_reader *r) { return r->len - r->pos; }

/* header */
void lvsp_put_hdr(struct lvsp_buf *b, const struct lvsp_hdr *h);
void lvsp_hdr_encode(uint8_t out[LVSP_HDR_LEN], const struct lvsp_hdr *h);
void lvsp_hdr_decode(const uint8_t in[LVSP_HDR_LEN], struct lvsp_hdr *h);
/* 0 or -EPROTO (bad magic/version) or -EMSGSIZE (len > max) */
int lvsp_hdr_check(const struct lvsp_hdr *h, uint32_t max_len);

/* objects; the decoders validate what can be validated without the table
 * (af is AF_INET/AF_INET6, names NUL-terminated) and set r->err otherwise */
void lvsp_put_addr(struct lvsp_buf *b, int af, const union lvs_addr *a);
void lvsp_get_addr(struct lvsp_reader *r, int *af, union lvs_addr *a);
void lvsp_put_svc(struct lvsp_buf *b, const struct lvs_service_conf *s);
void lvsp_get_svc(struct lvsp_reader *r, struct lvs_service_conf *s);
void lvsp_put_dest(struct lvsp_buf *b, const struct lvs_dest_conf *d);
void lvsp_get_dest(struct lvsp_reader *r, struct lvs_dest_conf *d);
void lvsp_put_daemon(struct lvsp_buf *b, const struct lvs_daemon_conf *d);
void lvsp_get_daemon(struct lvsp_reader *r, struct lvs_daemon_conf *d);
void lvsp_put_stats(struct lvsp_buf *b, const struct lvs_stats_view *s);
void lvsp_get_stats(struct lvsp_reader *r, struct lvs_stats_view *s);
void lvsp_put_timeouts(struct lvsp_buf *b, const struct lvs_timeouts *t);
void lvsp_get_timeouts(struct lvsp_reader *r, struct lvs_timeouts *t);

/* a service entry: svc conf, u32 num_dests, stats, then num_dests x
 * (dest conf, u32 active, u32 inact, u32 persist, stats).  The get side
 * allocates e->dests (free with lvsc_free_services semantics). */
void lvsp_put_dest_entry(struct lvsp_buf *b, const struct lvs_dest_entry *d);
void lvsp_get_service_entry(struct lvsp_reader *r, struct lvs_service_entry *e);

/* encoded sizes, for preallocating dumps */
#define LVSP_SVC_SIZE (18 + 2 + 2 + 4 + LVS_SCHEDNAME_MAXLEN + 4 + 4 + 4 + LVS_PENAME_MAXLEN)
#define LVSP_DEST_SIZE (18 + 2 + 4 + 4 + 4 + 4 + 1 + 2 + 2)
#define LVSP_STATS_SIZE 10          /* minimum: ten 1-byte varints */
#define LVSP_STATS_MAX (10 * 10)
/* minimum encoded service entry / dest entry, for count sanity checks */
#define LVSP_SVC_ENTRY_MIN (LVSP_SVC_SIZE + 4 + LVSP_STATS_SIZE)
#define LVSP_DEST_ENTRY_MIN (LVSP_DEST_SIZE + 3 + LVSP_STATS_SIZE)

#endif
