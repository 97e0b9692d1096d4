/* health.c - see health.h */
#include "health.h"

int chk_health_feed(struct chk_health *h, int ok, uint32_t fall, uint32_t rise)
{
	if (fall == 0)
		fall = 1;
	if (rise == 0)
		rise = 1;
	if (ok) {
		h->fails = 0;
		if (h->succs < UINT32_MAX)
			h->succs++;
		if (!h->up && h->succs >= rise) {
			h->up = 1;
			return 1;
		}
	} else {
		h->succs = 0;
		if (h->fails < UINT32_MAX)
			h->fails++;
		if (h->up && h->fails >= fall) {
			h->up = 0;
			return 1;
		}
	}
	return 0;
}

uint32_t chk_health_next_delay(const struct chk_health *h, int ok, uint32_t interval_ms,
			       uint32_t retry_delay_ms)
{
	/* a soft failure of an up check is confirmed sooner */
	if (!ok && h->up && h->fails > 0 && retry_delay_ms)
		return retry_delay_ms;
	return interval_ms;
}
