/* log.c - lvs_log(): formats the line and hands it to the installed sink. */
#include <stdarg.h>
#include <stdio.h>
#include "log.h"

static lvs_log_sink_fn sink_fn;
static void *sink_arg;

/* Set before any thread logs (start-up), so no lock is needed to read it. */
void lvs_log_set_sink(lvs_log_sink_fn fn, void *arg)
{
	sink_fn = fn;
	sink_arg = arg;
}

void lvs_log(int prio, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (sink_fn)
		sink_fn(sink_arg, prio, msg);
	else
		fprintf(stderr, "%s\n", msg);
}
