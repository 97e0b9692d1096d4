/* grow.h - room in a heap array that grows by doubling.
 *
 * Every list lvsd builds while it walks something (netlink dumps, the
 * table, a config) is an array plus a count and a capacity; this is the
 * one place that enlarges such an array.
 */
#ifndef LVS_LIB_GROW_H
#define LVS_LIB_GROW_H

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

/* Make room for element number n (0-based) in *arrp, an array of
 * elements of `size` bytes with capacity *cap: when n < *cap nothing
 * happens; otherwise the capacity doubles (starting at `first`) until it
 * holds n.  Returns 0, or -ENOMEM with *arrp and *cap unchanged. */
static inline int lvs_grow(void *arrp, size_t *cap, size_t n, size_t size, size_t first)
{
	void **arr = arrp;
	size_t nc = *cap ? *cap : first;
	void *na;

	if (n < *cap)
		return 0;
	while (nc <= n) {
		if (nc > SIZE_MAX / 2)
			return -ENOMEM;
		nc *= 2;
	}
	if (nc > SIZE_MAX / size)
		return -ENOMEM;
	na = realloc(*arr, nc * size);
	if (!na)
		return -ENOMEM;
	*arr = na;
	*cap = nc;
	return 0;
}

#endif
