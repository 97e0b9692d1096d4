/* steps.h - two test threads taking turns: each waits for the step the
 * other sets (a shared atomic counter).  A wait gives up after 30 s so
 * that a thread that failed cannot hang the suite. */
#ifndef LVS_TEST_STEPS_H
#define LVS_TEST_STEPS_H

#include <sched.h>
#include <stdatomic.h>
#include <time.h>

/* 1 once *s >= want, 0 after 30 s */
static inline int wait_step(_Atomic int *s, int want)
{
	time_t end = time(NULL) + 30;

	while (atomic_load(s) < want)
		if (time(NULL) > end)
			return 0;
		else
			sched_yield();
	return 1;
}

#endif
