/* ratelimit.h - at most one log line per interval for a repeated event.
 *
 * Why: an event a peer can trigger at will (a refused connection, a bad
 * frame) must not let that peer fill the log.  The first event of an
 * interval is logged; the others are only counted, and the count is handed
 * to the next line that is logged ("... (N more suppressed)").
 *
 * Not locked: one limiter belongs to one thread (or to the caller's lock).
 * Time is passed in, so tests can drive it. */
#ifndef LVS_LIB_RATELIMIT_H
#define LVS_LIB_RATELIMIT_H

#include <stdint.h>

struct lvs_ratelimit {
	uint32_t interval_ms;   /* 0 means 1000 */
	uint32_t suppressed;    /* events skipped since the last logged one */
	uint64_t next_ms;       /* the next event at or after this is logged */
};

#define LVS_RATELIMIT_INIT(ms) { .interval_ms = (ms) }

/* 1: log this event, *suppressed = events skipped before it (then reset);
 * 0: skip it (counted) */
static inline int lvs_ratelimit(struct lvs_ratelimit *rl, uint64_t now_ms, uint32_t *suppressed)
{
	if (now_ms < rl->next_ms) {
		if (rl->suppressed < UINT32_MAX)
			rl->suppressed++;
		return 0;
	}
	rl->next_ms = now_ms + (rl->interval_ms ? rl->interval_ms : 1000);
	*suppressed = rl->suppressed;
	rl->suppressed = 0;
	return 1;
}

#endif
