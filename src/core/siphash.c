/* siphash.c - SipHash-c-d, and the kernel's hsiphash of one u32 (mh).
 *
 * Contract: lvs_hsiphash_u32(v, k) returns exactly what a 64-bit Linux
 * kernel's hsiphash(&v, 4, {k, k}) returns: SipHash-1-3 over the 4 bytes of
 * v in little-endian order (the kernels lvsd mirrors run on x86/arm64,
 * little-endian; writing the bytes out explicitly keeps it right on any host),
 * 64-bit result truncated to 32 bits.  ip_vs_mh.c builds its Maglev
 * permutations and its lookups from this, so any deviation reshuffles the
 * whole table.
 *
 * lvs_siphash_cd() is the general SipHash with c compression and d
 * finalisation rounds.  It exists so that unit tests can check the core
 * against the reference SipHash-2-4 vectors as well as the kernel's
 * hsiphash vectors (lib/test_siphash.c in the kernel tree); it is not
 * part of sched.h.
 */
#include <stddef.h>
#include <stdint.h>
#include "sched.h"

uint64_t lvs_siphash_cd(const void *data, size_t len, uint64_t k0, uint64_t k1, int c, int d);

static inline uint64_t rotl64(uint64_t x, int b)
{
	return (x << b) | (x >> (64 - b));
}

struct sip_state {
	uint64_t v0, v1, v2, v3;
};

static void sip_round(struct sip_state *s)
{
	s->v0 += s->v1; s->v1 = rotl64(s->v1, 13); s->v1 ^= s->v0; s->v0 = rotl64(s->v0, 32);
	s->v2 += s->v3; s->v3 = rotl64(s->v3, 16); s->v3 ^= s->v2;
	s->v0 += s->v3; s->v3 = rotl64(s->v3, 21); s->v3 ^= s->v0;
	s->v2 += s->v1; s->v1 = rotl64(s->v1, 17); s->v1 ^= s->v2; s->v2 = rotl64(s->v2, 32);
}

/* absorb one 64-bit message word with c rounds */
static void sip_absorb(struct sip_state *s, uint64_t m, int c)
{
	s->v3 ^= m;
	for (int i = 0; i < c; i++)
		sip_round(s);
	s->v0 ^= m;
}

static uint64_t load_le64(const uint8_t *p, size_t n)
{
	uint64_t m = 0;
	for (size_t i = 0; i < n; i++)
		m |= (uint64_t)p[i] << (8 * i);
	return m;
}

uint64_t lvs_siphash_cd(const void *data, size_t len, uint64_t k0, uint64_t k1, int c, int d)
{
	const uint8_t *p = data;
	struct sip_state s = {
		.v0 = 0x736f6d6570736575ULL ^ k0,
		.v1 = 0x646f72616e646f6dULL ^ k1,
		.v2 = 0x6c7967656e657261ULL ^ k0,
		.v3 = 0x7465646279746573ULL ^ k1,
	};
	size_t full = len & ~(size_t)7;

	for (size_t off = 0; off < full; off += 8)
		sip_absorb(&s, load_le64(p + off, 8), c);
	/* last block: the leftover bytes plus the length in the top byte */
	sip_absorb(&s, load_le64(p + full, len - full) | ((uint64_t)len << 56), c);

	s.v2 ^= 0xff;
	for (int i = 0; i < d; i++)
		sip_round(&s);
	return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

uint32_t lvs_hsiphash_u32(uint32_t value, uint64_t key)
{
	uint8_t bytes[4] = {
		(uint8_t)value, (uint8_t)(value >> 8), (uint8_t)(value >> 16), (uint8_t)(value >> 24),
	};
	return (uint32_t)lvs_siphash_cd(bytes, sizeof(bytes), key, key, 1, 3);
}
