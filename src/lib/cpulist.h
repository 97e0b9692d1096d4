/* cpulist.h - `lvsd --cpus LIST`: which CPU each datapath worker runs on.
 *
 * LIST is the taskset/cpuset syntax: comma-separated CPU numbers and
 * ranges ("0", "0,1", "2-3,0").  Worker i is pinned to the i-th CPU of the
 * list in the order written (i modulo the list's length when there are
 * more workers than entries).  Pure parsing, no I/O.
 */
#ifndef LVS_DP_CPULIST_H
#define LVS_DP_CPULIST_H

#define DP_CPULIST_MAX 1024     /* entries kept, and the highest CPU number + 1 */

/* parse `s` into out[0..max-1]; returns the number of entries (>= 1), or
 * -EINVAL on a syntax error, an empty list, a CPU >= DP_CPULIST_MAX or more
 * than `max` entries */
int dp_cpulist_parse(const char *s, int *out, int max);

#endif
