/* diag.c - parser diagnostics (see diag.h). */
#include <errno.h>
#include <stdarg.h>

#include "diag.h"
#include "include.h"

int cfg_error(struct cfg_diag *d, int line, int ret, const char *fmt, ...)
{
	const char *name;
	va_list ap;

	if (d->failed)
		return ret;
	d->failed = 1;
	if (!d->err)
		return ret;
	name = cfg_src_where(d->src, d->name, line, &line);
	sb_printf(d->err, "%s:%d: ", name, line);
	va_start(ap, fmt);
	sb_vprintf(d->err, fmt, ap);
	va_end(ap);
	return ret;
}

int cfg_nomem(struct cfg_diag *d, int line)
{
	return cfg_error(d, line, -ENOMEM, "out of memory");
}

void cfg_warning(struct cfg_diag *d, int line, const char *fmt, ...)
{
	const char *name;
	va_list ap;

	if (!d->warn)
		return;
	name = cfg_src_where(d->src, d->name, line, &line);
	sb_printf(d->warn, "%s:%d: warning: ", name, line);
	va_start(ap, fmt);
	sb_vprintf(d->warn, fmt, ap);
	va_end(ap);
	sb_puts(d->warn, "\n");
}

int cfg_diag_done(struct cfg_diag *d, int ret)
{
	if (ret && !d->failed) {
		d->failed = 1;
		if (d->err)
			sb_printf(d->err, "%s: parse error", d->name);
	}
	return ret;
}
