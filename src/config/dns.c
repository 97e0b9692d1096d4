/* dns.c - build a DNS query, judge its reply (see dns.h; RFC 1035 wire
 * format: big-endian, names as length-prefixed labels, compression
 * pointers in replies). */
#include <errno.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>
#include "dns.h"

#define HDR 12
#define MAX_NAME 255
#define MAX_HOPS 32               /* compression pointers followed per name */

static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

int dns_build_query(const char *name, uint16_t qtype, uint8_t *buf, size_t cap)
{
	size_t at = HDR, nlen = strlen(name);

	if (nlen && name[nlen - 1] == '.')
		nlen--;
	if (cap < HDR + nlen + 2 + 4 || nlen > MAX_NAME - 2)
		return -EINVAL;
	memset(buf, 0, HDR);
	buf[2] = 0x01;                /* RD */
	buf[5] = 1;                   /* QDCOUNT */
	for (size_t i = 0; i < nlen;) {
		size_t j = i;

		while (j < nlen && name[j] != '.')
			j++;
		if (j == i || j - i > 63)
			return -EINVAL;    /* empty or too long label */
		buf[at++] = (uint8_t)(j - i);
		memcpy(buf + at, name + i, j - i);
		at += j - i;
		i = j + 1;
		if (j + 1 == nlen)
			return -EINVAL;    /* "a..": ends in an empty label */
	}
	buf[at++] = 0;
	buf[at++] = (uint8_t)(qtype >> 8);
	buf[at++] = (uint8_t)qtype;
	buf[at++] = 0;
	buf[at++] = 1;                /* class IN */
	return (int)at;
}

void dns_set_id(uint8_t *query, uint16_t id)
{
	query[0] = (uint8_t)(id >> 8);
	query[1] = (uint8_t)id;
}

/* the name at *off (following pointers) as dotted text; *off moves past
 * it in place.  0, or -1 when malformed. */
static int read_name(const uint8_t *m, size_t len, size_t *off, char *out, size_t outlen)
{
	size_t at = *off, o = 0;
	int hops = 0, jumped = 0;

	for (;;) {
		uint8_t l;

		if (at >= len)
			return -EINVAL;
		l = m[at];
		if ((l & 0xc0) == 0xc0) {
			if (at + 1 >= len || ++hops > MAX_HOPS)
				return -EINVAL;
			if (!jumped)
				*off = at + 2;
			jumped = 1;
			at = (size_t)(get16(m + at) & 0x3fff);
			continue;
		}
		if (l & 0xc0)
			return -EINVAL;    /* reserved label types */
		if (!l)
			break;
		if (at + 1 + l > len || o + l + 2 > outlen || o + l + 1 > MAX_NAME)
			return -EINVAL;
		if (o)
			out[o++] = '.';
		memcpy(out + o, m + at + 1, l);
		o += l;
		at += 1 + (size_t)l;
	}
	if (!jumped)
		*off = at + 1;
	if (!o && outlen > 1)
		out[o++] = '.';
	out[o] = 0;
	return 0;
}

/* the query's question section must come back unchanged (name case aside) */
static int same_question(const uint8_t *q, size_t qlen, const uint8_t *r, size_t rlen)
{
	if (get16(r + 4) != 1 || rlen < qlen)
		return 0;
	for (size_t i = HDR; i < qlen; i++)
		if (tolower(q[i]) != tolower(r[i]))
			return 0;
	return 1;
}

static const char *rcode_name(unsigned rc)
{
	static const char *const n[] = { "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED" };
	return rc < sizeof(n) / sizeof(n[0]) ? n[rc] : "rcode";
}

/* the text form of one answer's rdata, "" when it has none */
static int rdata_text(const uint8_t *m, size_t len, uint16_t type, size_t rd, uint16_t rdlen, char *out,
		      size_t outlen)
{
	size_t off = rd;

	out[0] = 0;
	switch (type) {
	case DNS_T_A:
		if (rdlen != 4)
			return -EINVAL;
		inet_ntop(AF_INET, m + rd, out, (socklen_t)outlen);
		return 0;
	case DNS_T_AAAA:
		if (rdlen != 16)
			return -EINVAL;
		inet_ntop(AF_INET6, m + rd, out, (socklen_t)outlen);
		return 0;
	case DNS_T_MX:
		if (rdlen < 3)
			return -EINVAL;
		off += 2;
		/* fall through */
	case DNS_T_NS:
	case DNS_T_CNAME:
	case DNS_T_PTR:
		return read_name(m, len, &off, out, outlen);
	default:
		return 0;
	}
}

int dns_check_reply(const uint8_t *query, size_t qlen, const uint8_t *reply, size_t rlen, const regex_t *receive,
		    char *msg, size_t msglen)
{
	uint16_t qtype, ancount;
	unsigned rcode, typed = 0;
	size_t at;
	char name[MAX_NAME + 2], text[MAX_NAME + 2], first[MAX_NAME + 2] = "";

	if (qlen < HDR + 5 || rlen < HDR || get16(reply) != get16(query) || !(reply[2] & 0x80) ||
	    !same_question(query, qlen, reply, rlen))
		return -EINVAL;
	qtype = get16(query + qlen - 4);
	if (reply[2] & 0x02) {
		snprintf(msg, msglen, "truncated reply");
		return 0;
	}
	rcode = reply[3] & 0x0f;
	if (rcode) {
		snprintf(msg, msglen, "%s (rcode %u)", rcode_name(rcode), rcode);
		return 0;
	}
	ancount = get16(reply + 6);
	at = qlen;                        /* the question is the query's */
	for (unsigned i = 0; i < ancount; i++) {
		uint16_t type, rdlen;

		if (read_name(reply, rlen, &at, name, sizeof(name)) || at + 10 > rlen) {
			snprintf(msg, msglen, "malformed answer %u", i + 1);
			return 0;
		}
		type = get16(reply + at);
		rdlen = get16(reply + at + 8);
		at += 10;
		if (at + rdlen > rlen) {
			snprintf(msg, msglen, "malformed answer %u", i + 1);
			return 0;
		}
		if (type == qtype) {
			if (rdata_text(reply, rlen, type, at, rdlen, text, sizeof(text))) {
				snprintf(msg, msglen, "malformed answer %u", i + 1);
				return 0;
			}
			if (!typed++)
				snprintf(first, sizeof(first), "%s", text);
			if (receive && text[0] && regexec(receive, text, 0, NULL, 0) == 0) {
				snprintf(msg, msglen, "answer %s", text);
				return 1;
			}
		}
		at += rdlen;
	}
	if (!typed) {
		snprintf(msg, msglen, "no answer of the query's type (%u answers)", ancount);
		return 0;
	}
	if (receive) {
		snprintf(msg, msglen, "no answer matches (first: %s)", first[0] ? first : "-");
		return 0;
	}
	snprintf(msg, msglen, "%u answer%s%s%s", typed, typed > 1 ? "s" : "", first[0] ? ", " : "", first);
	return 1;
}

uint16_t dns_qtype(const char *name)
{
	static const struct { const char *n; uint16_t t; } types[] = {
		{ "A", DNS_T_A }, { "NS", DNS_T_NS }, { "CNAME", DNS_T_CNAME }, { "SOA", DNS_T_SOA },
		{ "PTR", DNS_T_PTR }, { "MX", DNS_T_MX }, { "TXT", DNS_T_TXT }, { "AAAA", DNS_T_AAAA },
	};

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcasecmp(name, types[i].n))
			return types[i].t;
	return 0;
}

int dns_reverse_name(const char *addr, char *out, size_t outlen)
{
	uint8_t a[16];
	size_t o = 0;

	if (inet_pton(AF_INET, addr, a) == 1) {
		snprintf(out, outlen, "%u.%u.%u.%u.in-addr.arpa", a[3], a[2], a[1], a[0]);
		return 0;
	}
	if (inet_pton(AF_INET6, addr, a) != 1 || outlen < 16 * 4 + sizeof("ip6.arpa"))
		return -EINVAL;
	for (int i = 15; i >= 0; i--)
		o += (size_t)snprintf(out + o, outlen - o, "%x.%x.", a[i] & 15, a[i] >> 4);
	snprintf(out + o, outlen - o, "ip6.arpa");
	return 0;
}
