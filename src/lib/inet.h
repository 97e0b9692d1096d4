/* inet.h - family-agnostic addresses for the core.
 *
 * Contract: every address in the core is a union lvs_addr plus an af
 * (AF_INET / AF_INET6).  IPv4 lives in .ip in NETWORK byte order, exactly as
 * the kernel stores it, so hashes that the kernel computes on ntohl(addr)
 * are reproduced by calling ntohl() here too.  Ports are HOST byte order
 * everywhere in the core (conversion happens at the packet edge).
 */
#ifndef LVS_INET_H
#define LVS_INET_H

#include <stdint.h>
#include <string.h>
#include <netinet/in.h>

union lvs_addr {
	uint32_t ip;          /* IPv4, network byte order */
	struct in6_addr in6;  /* IPv6 */
	uint32_t w[4];        /* IPv6 as four network-order words */
};

static inline int lvs_addr_equal(int af, const union lvs_addr *a, const union lvs_addr *b)
{
	if (af == AF_INET6)
		return memcmp(&a->in6, &b->in6, sizeof(a->in6)) == 0;
	return a->ip == b->ip;
}

/* XOR-fold an address into 32 bits, host order (what IPVS sh/mh/lblc hash) */
static inline uint32_t lvs_addr_fold(int af, const union lvs_addr *a)
{
	if (af == AF_INET6)
		return ntohl(a->w[0] ^ a->w[1] ^ a->w[2] ^ a->w[3]);
	return ntohl(a->ip);
}

/* the kernel's hash_32(): multiplicative hash, top `bits` bits */
static inline uint32_t lvs_hash_32(uint32_t v, unsigned bits)
{
	return (uint32_t)(v * 0x61C88647u) >> (32 - bits);
}

/* apply a persistence netmask: IPv4 mask in network order, IPv6 prefix length */
void lvs_addr_mask(int af, union lvs_addr *out, const union lvs_addr *in, uint32_t netmask);

/* format "a.b.c.d" or compressed IPv6 into buf (INET6_ADDRSTRLEN) */
const char *lvs_addr_str(int af, const union lvs_addr *a, char *buf, size_t len);

#endif
