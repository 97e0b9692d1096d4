/* clock.h - the one clock lvsd reads.  The core never calls it: time is
 * passed into the core as now_ms so that tests can drive it. */
#ifndef LVS_LIB_CLOCK_H
#define LVS_LIB_CLOCK_H

#include <stdint.h>
#include <time.h>

/* CLOCK_MONOTONIC in milliseconds: never jumps with wall-clock changes */
static inline uint64_t lvs_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

#endif
