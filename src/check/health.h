/* health.h - the per-check state machine, pure (no I/O, no clock).
 *
 * Contract: a check is up or down.  `fall` consecutive failures take an up
 * check down, `rise` consecutive successes bring a down check up; any
 * other result only moves the counters.  After a result the next probe is
 * due after `interval` - except after a failure that has not (yet) taken
 * an up check down, which is retried after `retry_delay` (keepalived's
 * delay_before_retry; ldirectord configs set it equal to the interval).
 */
#ifndef LVS_CHECK_HEALTH_H
#define LVS_CHECK_HEALTH_H

#include <stdint.h>

struct chk_health {
	uint8_t up;
	uint32_t fails;   /* consecutive failures */
	uint32_t succs;   /* consecutive successes */
};

/* feed one result; returns 1 when the state flipped */
int chk_health_feed(struct chk_health *h, int ok, uint32_t fall, uint32_t rise);

/* delay before the next probe after the result just fed */
uint32_t chk_health_next_delay(const struct chk_health *h, int ok, uint32_t interval_ms,
			       uint32_t retry_delay_ms);

#endif
