/* log.c - lvs_log(): formats the line and hands it to the installed sink. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
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

int lvs_syslog_facility(const char *name)
{
	static const struct { const char *name; int fac; } tab[] = {
		{ "auth", LOG_AUTH }, { "authpriv", LOG_AUTHPRIV }, { "cron", LOG_CRON },
		{ "daemon", LOG_DAEMON }, { "ftp", LOG_FTP }, { "lpr", LOG_LPR }, { "mail", LOG_MAIL },
		{ "news", LOG_NEWS }, { "syslog", LOG_SYSLOG }, { "user", LOG_USER }, { "uucp", LOG_UUCP },
		{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 }, { "local2", LOG_LOCAL2 },
		{ "local3", LOG_LOCAL3 }, { "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
		{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
	};

	for (size_t i = 0; name && i < sizeof(tab) / sizeof(tab[0]); i++)
		if (!strcmp(name, tab[i].name))
			return tab[i].fac;
	return -EINVAL;
}
