/* strbuf.h - a growable string for building text replies and views.
 *
 * Contract: sb_printf/sb_append never fail silently: on allocation failure
 * the buffer is marked (sb->oom) and further appends are ignored, so callers
 * check once at the end.  sb->buf is always NUL-terminated when non-NULL.
 */
#ifndef LVS_STRBUF_H
#define LVS_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
	char *buf;
	size_t len, cap;
	int oom;
};

#define STRBUF_INIT { NULL, 0, 0, 0 }

void sb_append(struct strbuf *sb, const char *s, size_t n);
void sb_puts(struct strbuf *sb, const char *s);
void sb_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vprintf(struct strbuf *sb, const char *fmt, va_list ap);
void sb_free(struct strbuf *sb);
/* hand the buffer over (caller frees); the strbuf is reset */
char *sb_detach(struct strbuf *sb);

#endif
