/* random.c - the deterministic PRNG behind twos (sched.h).
 *
 * splitmix64: tiny, full-period, good enough for "pick two at random", and
 * reproducible from a seed so tests can pin the sequence.  Callers hold the
 * table lock (schedulers run under it), so plain state is fine.
 */
#include "sched.h"

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

void lvs_random_seed(uint64_t seed)
{
	rng_state = seed;
}

uint32_t lvs_random_u32(void)
{
	uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	z ^= z >> 31;
	return (uint32_t)(z >> 32);
}
