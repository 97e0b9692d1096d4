/* err.c - see err.h */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include "err.h"
#include "strbuf.h"

int lvs_err(struct strbuf *err, int r, const char *fmt, ...)
{
	char line[512];         /* one line of reason; longer is cut */
	int saved = errno;
	va_list ap;

	if (!err)
		return r;
	va_start(ap, fmt);
	errno = -r;             /* what %m prints */
	vsnprintf(line, sizeof(line), fmt, ap);
	errno = saved;
	va_end(ap);
	sb_puts(err, line);
	return r;
}
