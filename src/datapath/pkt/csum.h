/* csum.h - Internet checksum helpers for the datapath (RFC 1071/1624).
 *
 * Contract: every value is handled in NETWORK byte order exactly as it sits
 * in the packet; a ones-complement sum does not care about byte order as
 * long as all words are taken the same way.  Two update flavours exist
 * because a packet can arrive in two checksum states:
 *  - complete: the field holds the final (complemented) checksum, and every
 *    changed word (addresses, ports) is folded in (RFC 1624);
 *  - partial (CHECKSUM_PARTIAL, veth/virtio "needs csum"): the field holds
 *    only the NON-complemented pseudo-header sum that the NIC or the
 *    kernel's GSO code completes later, so only pseudo-header words
 *    (addresses, length) are folded in and ports are left alone, which is
 *    what the kernel's inet_proto_csum_replace*() does.
 */
#ifndef LVS_DP_CSUM_H
#define LVS_DP_CSUM_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>

static inline uint32_t csum_add(uint32_t a, uint32_t b)
{
	a += b;
	return a + (a < b);
}

/* fold to 16 bits, NOT complemented */
static inline uint16_t csum_fold16(uint32_t s)
{
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* raw ones-complement sum of a buffer (network order words), plus `sum` */
static inline uint32_t csum_partial(const void *buf, size_t len, uint32_t sum)
{
	const uint8_t *p = buf;
	uint64_t acc = sum;
	while (len >= 4) {
		uint32_t w;
		memcpy(&w, p, 4);
		acc += w;
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		uint16_t w;
		memcpy(&w, p, 2);
		acc += w;
		p += 2;
		len -= 2;
	}
	if (len) {
		uint16_t w = 0;
		memcpy(&w, p, 1);   /* trailing byte is the high-order byte in network order */
		acc += w;
	}
	acc = (acc & 0xffffffffu) + (acc >> 32);
	acc = (acc & 0xffffffffu) + (acc >> 32);
	return (uint32_t)acc;
}

/* final checksum of a buffer (what goes into the header) */
static inline uint16_t csum_buf(const void *buf, size_t len, uint32_t sum)
{
	return (uint16_t)~csum_fold16(csum_partial(buf, len, sum));
}

/* IPv4 pseudo-header sum (addresses network order, proto, L4 length host) */
static inline uint32_t csum_pseudo4(uint32_t saddr, uint32_t daddr, uint8_t proto, uint16_t l4len)
{
	uint32_t s = csum_add(saddr, daddr);
	uint16_t w[2] = { htons(proto), htons(l4len) };
	uint32_t pw;
	memcpy(&pw, w, 4);
	return csum_add(s, pw);
}

/* complete checksum: replace a 32-bit / 16-bit word */
static inline void csum_replace4(uint16_t *sum, uint32_t from, uint32_t to)
{
	uint32_t s = csum_add(csum_add((uint16_t)~*sum, ~from), to);
	*sum = (uint16_t)~csum_fold16(s);
}
static inline void csum_replace2(uint16_t *sum, uint16_t from, uint16_t to)
{
	uint32_t s = csum_add(csum_add((uint16_t)~*sum, (uint16_t)~from), to);
	*sum = (uint16_t)~csum_fold16(s);
}

/* partial checksum (pseudo-header sum only): replace a pseudo-header word */
static inline void csum_partial_replace4(uint16_t *sum, uint32_t from, uint32_t to)
{
	uint32_t s = csum_add(csum_add(*sum, ~from), to);
	*sum = csum_fold16(s);
}
static inline void csum_partial_replace2(uint16_t *sum, uint16_t from, uint16_t to)
{
	uint32_t s = csum_add(csum_add(*sum, (uint16_t)~from), to);
	*sum = csum_fold16(s);
}

/* IPv4 header checksum from scratch */
static inline void ip4_csum_set(void *iph, unsigned ihl_bytes)
{
	uint8_t *h = iph;
	h[10] = h[11] = 0;
	uint16_t c = csum_buf(h, ihl_bytes, 0);
	memcpy(h + 10, &c, 2);
}

#endif
