/* screen.c - fast pre-screening for the schedulers that scan every dest
 * (sched.h: lvs_sched_next_*).
 *
 * A scan (lc, wlc, sed, fo, ovf) replaces its current best only rarely:
 * most dests cannot beat it.  These helpers skip, four dests at a time,
 * the dests that certainly cannot, and return the index of the next one
 * that may; the scheduler then applies its exact test to that dest, in
 * list order, so the pick is exactly the kernel's.  A screen may say "may"
 * too often (that only costs time), never too rarely: it evaluates the
 * same formula on the same values as the exact test, and flags anything
 * it cannot evaluate exactly.  (A dest that cannot beat the best at the
 * start of a block cannot beat a better one later in it either.)
 *
 * With AVX2 (checked at run time) a block of four dests is four 16-byte
 * loads of the hot fields (flags, weight, activeconns, inactconns, which
 * struct lvs_dest keeps together for this), a 4x4 transpose and a few
 * vector operations, about a third of the instructions of the scalar
 * test.  Elsewhere the screen is the exact scalar test itself.
 */
#include <limits.h>
#include <stddef.h>
#include "core/sched.h"

/* below this many dests left, the plain loop is faster than setting up
 * the vector screen (measured: wlc at 10 dests) */
#define SCREEN_MIN 16

_Static_assert(offsetof(struct lvs_dest, weight) == offsetof(struct lvs_dest, flags) + 4 &&
		       offsetof(struct lvs_dest, activeconns) == offsetof(struct lvs_dest, flags) + 8 &&
		       offsetof(struct lvs_dest, inactconns) == offsetof(struct lvs_dest, flags) + 12,
	       "the screen loads flags, weight, activeconns, inactconns as one 16-byte block");

/* ---- the exact tests (also the portable screens) ---- */

static int64_t ratio_cost(const struct lvs_dest *d, int sed)
{
	return sed ? (int64_t)d->activeconns + 1 : (int64_t)lvs_dest_overhead(d);
}

static int beats_ratio(const struct lvs_dest *d, int64_t loh, int64_t lw, int sed)
{
	return !lvs_dest_is_overloaded(d) && loh * d->weight > ratio_cost(d, sed) * lw;
}

static int beats_lc(const struct lvs_dest *d, int loh)
{
	return !lvs_dest_is_overloaded(d) && d->weight != 0 && lvs_dest_overhead(d) < loh;
}

/* twos' usable dests: not OVERLOADed, weight > 0 */
static int64_t usable_weight(const struct lvs_dest *d)
{
	return !lvs_dest_is_overloaded(d) && d->weight > 0 ? d->weight : 0;
}

static int beats_heavier(const struct lvs_dest *d, int bw, int ovf)
{
	int w = d->weight;

	if (lvs_dest_is_overloaded(d) || w <= bw)
		return 0;
	return !ovf || d->activeconns <= w;
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define HAVE_SCREEN_AVX2 1

static int use_avx2;

__attribute__((constructor)) static void screen_detect(void)
{
	__builtin_cpu_init();
	use_avx2 = __builtin_cpu_supports("avx2");
}

/* the hot fields of d[0..3]: F(lags), W(eight), A(ctive), I(nactive) */
struct hot4 {
	__m128i f, w, a, i;
};

__attribute__((target("avx2"))) static inline struct hot4 load_hot4(struct lvs_dest *const *d)
{
	__m128i r0 = _mm_loadu_si128((const __m128i *)(const void *)&d[0]->flags);
	__m128i r1 = _mm_loadu_si128((const __m128i *)(const void *)&d[1]->flags);
	__m128i r2 = _mm_loadu_si128((const __m128i *)(const void *)&d[2]->flags);
	__m128i r3 = _mm_loadu_si128((const __m128i *)(const void *)&d[3]->flags);
	__m128i t0 = _mm_unpacklo_epi32(r0, r1), t1 = _mm_unpacklo_epi32(r2, r3);
	__m128i t2 = _mm_unpackhi_epi32(r0, r1), t3 = _mm_unpackhi_epi32(r2, r3);
	struct hot4 h = {
		_mm_unpacklo_epi64(t0, t1), _mm_unpackhi_epi64(t0, t1),
		_mm_unpacklo_epi64(t2, t3), _mm_unpackhi_epi64(t2, t3),
	};
	return h;
}

/* lanes without OVERLOAD, as 32-bit all-ones */
__attribute__((target("avx2"))) static inline __m128i not_overloaded(__m128i f)
{
	const __m128i ov = _mm_set1_epi32(LVS_DEST_F_OVERLOAD);

	return _mm_cmpeq_epi32(_mm_and_si128(f, ov), _mm_setzero_si128());
}

__attribute__((target("avx2"))) static unsigned next_ratio_avx2(struct lvs_dest *const *d, unsigned i, unsigned n,
								 int64_t loh, int64_t lw, int sed)
{
	/* _mm256_mul_epi32 multiplies the low signed 32 bits of each lane:
	 * exact for 32-bit operands, which the costs and weights are (the
	 * caller checked loh and lw) */
	const __m256i lohv = _mm256_set1_epi64x(loh), lwv = _mm256_set1_epi64x(lw);
	const __m128i k257 = _mm_set1_epi32(257), one = _mm_set1_epi32(1), imax = _mm_set1_epi32(INT_MAX);

	for (; i + 4 <= n; i += 4) {
		struct hot4 h = load_hot4(&d[i]);
		/* the cost as the scalar test computes it (32-bit, wrapping like
		 * the int arithmetic of lvs_dest_overhead); sed's active + 1 is
		 * 64-bit there, so an active of INT_MAX is simply flagged */
		__m128i cost = sed ? _mm_add_epi32(h.a, one) : _mm_add_epi32(_mm_mullo_epi32(h.a, k257), h.i);
		__m256i lhs = _mm256_mul_epi32(lohv, _mm256_cvtepi32_epi64(h.w));
		__m256i rhs = _mm256_mul_epi32(_mm256_cvtepi32_epi64(cost), lwv);
		__m256i may = _mm256_and_si256(_mm256_cmpgt_epi64(lhs, rhs), _mm256_cvtepi32_epi64(not_overloaded(h.f)));

		if (sed)
			may = _mm256_or_si256(may, _mm256_cvtepi32_epi64(_mm_cmpeq_epi32(h.a, imax)));
		unsigned mask = (unsigned)_mm256_movemask_pd(_mm256_castsi256_pd(may));

		if (mask)
			return i + (unsigned)__builtin_ctz(mask);
	}
	for (; i < n; i++)
		if (beats_ratio(d[i], loh, lw, sed))
			return i;
	return n;
}

__attribute__((target("avx2"))) static unsigned next_lc_avx2(struct lvs_dest *const *d, unsigned i, unsigned n, int loh)
{
	const __m128i lohv = _mm_set1_epi32(loh), k257 = _mm_set1_epi32(257);

	for (; i + 4 <= n; i += 4) {
		struct hot4 h = load_hot4(&d[i]);
		__m128i cost = _mm_add_epi32(_mm_mullo_epi32(h.a, k257), h.i);
		__m128i may = _mm_and_si128(_mm_cmpgt_epi32(lohv, cost), not_overloaded(h.f));

		may = _mm_andnot_si128(_mm_cmpeq_epi32(h.w, _mm_setzero_si128()), may);
		unsigned mask = (unsigned)_mm_movemask_ps(_mm_castsi128_ps(may));

		if (mask)
			return i + (unsigned)__builtin_ctz(mask);
	}
	for (; i < n; i++)
		if (beats_lc(d[i], loh))
			return i;
	return n;
}

__attribute__((target("avx2"))) static unsigned next_heavier_avx2(struct lvs_dest *const *d, unsigned i, unsigned n,
								   int bw, int ovf)
{
	const __m128i bwv = _mm_set1_epi32(bw);

	for (; i + 4 <= n; i += 4) {
		struct hot4 h = load_hot4(&d[i]);
		__m128i may = _mm_and_si128(_mm_cmpgt_epi32(h.w, bwv), not_overloaded(h.f));

		if (ovf) /* active <= weight */
			may = _mm_andnot_si128(_mm_cmpgt_epi32(h.a, h.w), may);
		unsigned mask = (unsigned)_mm_movemask_ps(_mm_castsi128_ps(may));

		if (mask)
			return i + (unsigned)__builtin_ctz(mask);
	}
	for (; i < n; i++)
		if (beats_heavier(d[i], bw, ovf))
			return i;
	return n;
}

/* the usable weight of d[0..3] */
__attribute__((target("avx2"))) static int64_t weight4_avx2(struct lvs_dest *const *d)
{
	struct hot4 h = load_hot4(d);
	__m128i use = _mm_and_si128(not_overloaded(h.f), _mm_cmpgt_epi32(h.w, _mm_setzero_si128()));
	__m256i w = _mm256_cvtepi32_epi64(_mm_and_si128(h.w, use));
	__m128i s = _mm_add_epi64(_mm256_castsi256_si128(w), _mm256_extracti128_si256(w, 1));

	return _mm_cvtsi128_si64(s) + _mm_extract_epi64(s, 1);
}
#endif

/* the usable weight of the block d[i..i+3] */
static int64_t weight4(struct lvs_dest *const *d)
{
#ifdef HAVE_SCREEN_AVX2
	if (use_avx2)
		return weight4_avx2(d);
#endif
	return usable_weight(d[0]) + usable_weight(d[1]) + usable_weight(d[2]) + usable_weight(d[3]);
}

int64_t lvs_sched_usable_weight(const struct lvs_dest_vec *v)
{
	unsigned i = 0, n = lvs_sched_ndests(v);
	int64_t sum = 0;

	if (n >= SCREEN_MIN)
		for (; i + 4 <= n; i += 4)
			sum += weight4(&v->d[i]);
	for (; i < n; i++)
		sum += usable_weight(v->d[i]);
	return sum;
}

unsigned lvs_sched_skip_weight(const struct lvs_dest_vec *v, unsigned i, int64_t *r)
{
	unsigned n = lvs_sched_ndests(v);

	if (n - i < SCREEN_MIN)
		return i < n ? i : n;
	for (; i + 4 <= n; i += 4) {
		int64_t w = weight4(&v->d[i]);

		if (*r - w <= 0)
			break; /* the count-down may end inside this block */
		*r -= w;
	}
	return i < n ? i : n;
}

unsigned lvs_sched_next_ratio(const struct lvs_dest_vec *v, unsigned i, int64_t loh, int64_t lw, int sed)
{
	unsigned n = lvs_sched_ndests(v);

	if (i >= n)
		return n; /* also: no array at all */
#ifdef HAVE_SCREEN_AVX2
	if (use_avx2 && n - i >= SCREEN_MIN && loh >= INT_MIN && loh <= INT_MAX && lw >= INT_MIN && lw <= INT_MAX)
		return next_ratio_avx2(v->d, i, n, loh, lw, sed);
#endif
	for (; i < n; i++)
		if (beats_ratio(v->d[i], loh, lw, sed))
			return i;
	return n;
}

unsigned lvs_sched_next_lc(const struct lvs_dest_vec *v, unsigned i, int loh)
{
	unsigned n = lvs_sched_ndests(v);

	if (i >= n)
		return n; /* also: no array at all */
#ifdef HAVE_SCREEN_AVX2
	if (use_avx2 && n - i >= SCREEN_MIN)
		return next_lc_avx2(v->d, i, n, loh);
#endif
	for (; i < n; i++)
		if (beats_lc(v->d[i], loh))
			return i;
	return n;
}

unsigned lvs_sched_next_heavier(const struct lvs_dest_vec *v, unsigned i, int bw, int ovf)
{
	unsigned n = lvs_sched_ndests(v);

	if (i >= n)
		return n; /* also: no array at all */
#ifdef HAVE_SCREEN_AVX2
	if (use_avx2 && n - i >= SCREEN_MIN)
		return next_heavier_avx2(v->d, i, n, bw, ovf);
#endif
	for (; i < n; i++)
		if (beats_heavier(v->d[i], bw, ovf))
			return i;
	return n;
}

void lvs_sched_screen_force_scalar(int scalar)
{
#ifdef HAVE_SCREEN_AVX2
	if (scalar)
		use_avx2 = 0;
	else
		screen_detect();
#else
	(void)scalar;
#endif
}
