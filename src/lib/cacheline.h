/* cacheline.h - 64-byte aligned blocks from plain malloc.
 *
 * Contract: lvs_cl_alloc(size) returns zeroed memory aligned to 64 bytes,
 * or NULL; it is released with lvs_cl_free() and nothing else.
 *
 * Why not aligned_alloc(): glibc's memalign carves the aligned block out of
 * a larger chunk and frees the leading and trailing pieces, and the small
 * free chunks it leaves make every later malloc scan them, which
 * dominates a large `ipvsadm -R` (two aligned objects per destination:
 * the dest and its statistics slots).  Over-allocating by one line and keeping the original
 * pointer just before the aligned block costs at most 64 + 8 bytes per
 * object and no fragmentation.
 */
#ifndef LVS_CORE_CACHELINE_H
#define LVS_CORE_CACHELINE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define LVS_CACHELINE 64

static inline void *lvs_cl_alloc(size_t size)
{
	if (size > SIZE_MAX - LVS_CACHELINE - sizeof(void *))
		return NULL;
	char *raw = malloc(size + LVS_CACHELINE + sizeof(void *));
	if (!raw)
		return NULL;
	uintptr_t p = ((uintptr_t)raw + sizeof(void *) + LVS_CACHELINE - 1) & ~(uintptr_t)(LVS_CACHELINE - 1);
	((void **)p)[-1] = raw;
	memset((void *)p, 0, size);
	return (void *)p;
}

static inline void lvs_cl_free(void *p)
{
	if (p)
		free(((void **)p)[-1]);
}

#endif
