/* parse.c - see parse.h.  Every read is bounds-checked against the frame
 * length first; lengths in headers are only believed after that check. */
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include "crc32c.h"
#include "csum.h"
#include "parse.h"

const char *const dp_reason_name[DP_R_COUNT] = {
#define X(n, d) #n,
	DP_REASONS(X)
#undef X
};
const char *const dp_reason_desc[DP_R_COUNT] = {
#define X(n, d) d,
	DP_REASONS(X)
#undef X
};

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* the source and destination ports that start TCP, UDP and SCTP headers;
 * 0 when either is 0 (never valid on the wire) */
static int read_ports(struct lvs_pkt *k, const uint8_t *l4)
{
	k->sport = rd16(l4);
	k->dport = rd16(l4 + 2);
	return k->sport && k->dport;
}

static int ip_options_ok(const uint8_t *opt, unsigned len)
{
	unsigned i = 0;
	while (i < len) {
		uint8_t type = opt[i];
		if (type == 0)          /* end of option list */
			return 1;
		if (type == 1) {        /* no-op */
			i++;
			continue;
		}
		if (i + 1 >= len)
			return 0;
		uint8_t olen = opt[i + 1];
		if (olen < 2 || i + olen > len)
			return 0;
		i += olen;
	}
	return 1;
}

static int martian_src(uint32_t a_be)
{
	uint32_t a = ntohl(a_be);
	return (a >> 24) == 0 || (a >> 24) == 127 || (a >> 28) == 0xe || a == 0xffffffffu;
}

static int martian_dst(uint32_t a_be)
{
	uint32_t a = ntohl(a_be);
	return (a >> 24) == 0 || (a >> 24) == 127;
}

/* verify an L4 checksum over [l4, l4+len) with the IPv4 pseudo-header */
static int l4_csum_ok(const uint8_t *iph, const uint8_t *l4, uint16_t len, uint8_t proto)
{
	uint32_t s, d;
	memcpy(&s, iph + 12, 4);
	memcpy(&d, iph + 16, 4);
	uint32_t sum = csum_partial(l4, len, csum_pseudo4(s, d, proto, len));
	return csum_fold16(sum) == 0xffff;
}

/* the quoted packet inside an ICMP error: needs its IP header and ports */
static enum dp_reason parse_icmp_inner(struct dp_parsed *o, const uint8_t *p, unsigned avail)
{
	struct lvs_pkt *k = &o->pkt;
	if (avail < 20 || (p[0] >> 4) != 4)
		return DP_R_ICMP_INNER_BAD;
	unsigned ihl = (unsigned)(p[0] & 0x0f) * 4;
	if (ihl < 20 || ihl > avail)
		return DP_R_ICMP_INNER_BAD;
	if (rd16(p + 6) & 0x1fff)       /* quoting a non-first fragment: no ports */
		return DP_R_ICMP_INNER_BAD;
	k->inner.protocol = p[9];
	memcpy(&k->inner.saddr.ip, p + 12, 4);
	memcpy(&k->inner.daddr.ip, p + 16, 4);
	if (k->inner.protocol == IPPROTO_TCP || k->inner.protocol == IPPROTO_UDP ||
	    k->inner.protocol == IPPROTO_SCTP) {
		if (avail < ihl + 4)
			return DP_R_ICMP_INNER_BAD;
		k->inner.sport = rd16(p + ihl);
		k->inner.dport = rd16(p + ihl + 2);
	}
	o->in_ihl = (uint16_t)ihl;
	o->in_l4off = (uint16_t)(o->in_l3off + ihl);
	o->in_avail = (uint16_t)avail;
	return DP_R_OK;
}

enum dp_reason dp_parse(const struct dp_frame *f, struct dp_parsed *o)
{
	memset(o, 0, sizeof(*o));
	o->frame = f->data;
	o->flen = f->len;
	if (f->wire_len > f->len)
		return DP_R_CAPTURE_TRUNC;
	if (f->len < 14)
		return DP_R_ETH_SHORT;
	const uint8_t *fr = f->data;
	uint16_t etype = rd16(fr + 12);
	if (f->vlan || etype == 0x8100 || etype == 0x88a8)
		return DP_R_VLAN;
	if (etype != 0x0800)
		return DP_R_NOT_IP;

	o->l3off = 14;
	const uint8_t *ip = fr + 14;
	unsigned avail = f->len - 14;
	if (avail < 20)
		return DP_R_IP_SHORT;
	if ((ip[0] >> 4) != 4)
		return DP_R_IP_VERSION;
	unsigned ihl = (unsigned)(ip[0] & 0x0f) * 4;
	if (ihl < 20 || ihl > avail)
		return DP_R_IP_IHL;
	unsigned totlen = rd16(ip + 2);
	if (totlen < ihl || totlen > avail)
		return DP_R_IP_TOTLEN;
	if (csum_fold16(csum_partial(ip, ihl, 0)) != 0xffff)
		return DP_R_IP_CSUM;
	if (ihl > 20 && !ip_options_ok(ip + 20, ihl - 20))
		return DP_R_IP_OPTIONS_BAD;

	struct lvs_pkt *k = &o->pkt;
	k->af = AF_INET;
	k->protocol = ip[9];
	memcpy(&k->saddr.ip, ip + 12, 4);
	memcpy(&k->daddr.ip, ip + 16, 4);
	k->len = totlen;
	o->ihl = (uint16_t)ihl;
	o->iplen = (uint16_t)totlen;
	o->ttl = ip[8];
	o->l4off = (uint16_t)(14 + ihl);
	o->csum_partial = (f->off.flags & DP_OFF_NEEDS_CSUM) != 0;

	o->local = f->local;
	/* the director's own stack may send from 127.0.0.1 (a local NAT real
	 * server bound there): legitimate inside the director only */
	if (martian_src(k->saddr.ip) && !(f->local && (ntohl(k->saddr.ip) >> 24) == 127))
		return DP_R_IP_SRC_MARTIAN;
	if (martian_dst(k->daddr.ip))
		return DP_R_IP_DST_MARTIAN;
	uint16_t frag = rd16(ip + 6);
	if (frag & 0x1fff)
		return DP_R_FRAG_LATER;
	if (frag & 0x2000)
		return DP_R_FRAG_FIRST;

	const uint8_t *l4 = ip + ihl;
	unsigned l4len = totlen - ihl;
	int verify = !(f->off.flags & (DP_OFF_NEEDS_CSUM | DP_OFF_DATA_VALID)) && !f->off.gso_size;

	if (f->off.gso_size) {
		/* GSO only makes sense for TCP (or UDP_L4) with a partial csum */
		int tcp_gso = (f->off.gso_type & ~DP_GSO_ECN) == DP_GSO_TCPV4 && k->protocol == IPPROTO_TCP;
		int udp_gso = (f->off.gso_type & ~DP_GSO_ECN) == DP_GSO_UDP_L4 && k->protocol == IPPROTO_UDP;
		if (!(tcp_gso || udp_gso) || !o->csum_partial)
			return DP_R_GSO_BAD;
	}
	if (o->csum_partial) {
		/* the csum the kernel will complete must be our L4 header's */
		unsigned want_off = k->protocol == IPPROTO_TCP ? 16 : k->protocol == IPPROTO_UDP ? 6 : 0;
		if (!want_off || f->off.csum_start != o->l4off || f->off.csum_offset != want_off)
			return DP_R_GSO_BAD;
	}

	switch (k->protocol) {
	case IPPROTO_TCP: {
		if (l4len < 20)
			return DP_R_TCP_SHORT;
		unsigned doff = (unsigned)(l4[12] >> 4) * 4;
		if (doff < 20 || doff > l4len)
			return DP_R_TCP_DOFF;
		if (!read_ports(k, l4))
			return DP_R_TCP_PORT0;
		uint8_t fl = l4[13];
		k->tcp_flags = fl & 0x3f;
		if (!(fl & (LVS_TCPF_SYN | LVS_TCPF_RST | LVS_TCPF_ACK)) ||
		    (fl & LVS_TCPF_SYN && fl & (LVS_TCPF_FIN | LVS_TCPF_RST)))
			return DP_R_TCP_FLAGS;
		if (verify && !l4_csum_ok(ip, l4, (uint16_t)l4len, IPPROTO_TCP))
			return DP_R_TCP_CSUM;
		break;
	}
	case IPPROTO_UDP: {
		if (l4len < 8)
			return DP_R_UDP_SHORT;
		unsigned ulen = rd16(l4 + 4);
		if (ulen != l4len && !(f->off.gso_size))
			return DP_R_UDP_LEN;
		if (!read_ports(k, l4))
			return DP_R_UDP_PORT0;
		if (verify && rd16(l4 + 6) && !l4_csum_ok(ip, l4, (uint16_t)l4len, IPPROTO_UDP))
			return DP_R_UDP_CSUM;
		break;
	}
	case IPPROTO_SCTP: {
		/* common header (12) + at least one chunk header (4) */
		if (l4len < 16)
			return DP_R_SCTP_SHORT;
		if (!read_ports(k, l4))
			return DP_R_SCTP_PORT0;
		uint8_t first = l4[12];
		unsigned clen = rd16(l4 + 14);
		if (clen < 4 || 12 + clen > l4len)
			return DP_R_SCTP_SHORT;
		k->sctp_chunk = first;
		/* an ABORT bundled after COOKIE ECHO / COOKIE ACK decides the
		 * state (the kernel's set_sctp_state) */
		if (first == 10 || first == 11) {
			unsigned next = 12 + ((clen + 3) & ~3u);
			if (next + 4 <= l4len && l4[next] == LVS_SCTP_CID_ABORT)
				k->sctp_chunk = LVS_SCTP_CID_ABORT;
		}
		if (!(f->off.flags & DP_OFF_DATA_VALID) && !sctp_checksum_ok(l4, l4len))
			return DP_R_SCTP_CSUM;
		break;
	}
	case IPPROTO_ICMP: {
		if (l4len < 8)
			return DP_R_ICMP_SHORT;
		if (!(f->off.flags & DP_OFF_DATA_VALID) && csum_fold16(csum_partial(l4, l4len, 0)) != 0xffff)
			return DP_R_ICMP_CSUM;
		k->icmp_type = l4[0];
		k->icmp_code = l4[1];
		/* the error types IPVS relays (ip_vs_in_icmp / ip_vs_out_icmp) */
		if (l4[0] == 3 || l4[0] == 4 || l4[0] == 11) {
			k->icmp_error = 1;
			o->in_l3off = (uint16_t)(o->l4off + 8);
			return parse_icmp_inner(o, l4 + 8, l4len - 8);
		}
		break;
	}
	default:
		return DP_R_PROTO_OTHER;
	}
	return DP_R_OK;
}
