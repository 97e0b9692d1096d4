/* cpulist.c - parse `--cpus LIST` (see cpulist.h). */
#include <errno.h>
#include <ctype.h>
#include <stdlib.h>
#include "cpulist.h"

/* a decimal CPU number at *s; advances *s; -1 when there is none */
static int number(const char **s)
{
	if (!isdigit((unsigned char)**s))
		return -EINVAL;
	long v = 0;
	while (isdigit((unsigned char)**s)) {
		v = v * 10 + (**s - '0');
		if (v >= DP_CPULIST_MAX)
			return -EINVAL;
		(*s)++;
	}
	return (int)v;
}

int dp_cpulist_parse(const char *s, int *out, int max)
{
	int n = 0;
	if (!s || !*s)
		return -EINVAL;
	for (;;) {
		int lo = number(&s), hi = lo;
		if (lo < 0)
			return -EINVAL;
		if (*s == '-') {
			s++;
			hi = number(&s);
			if (hi < lo)
				return -EINVAL;
		}
		for (int c = lo; c <= hi; c++) {
			if (n == max)
				return -EINVAL;
			out[n++] = c;
		}
		if (!*s)
			return n;
		if (*s++ != ',')
			return -EINVAL;
	}
}
