/* json.c - see json.h */
#include "json.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

void json_init(struct json_w *w, struct strbuf *out)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
	w->first[0] = 1;
}

/* the separator before a value at the current level */
static void value_start(struct json_w *w)
{
	if (w->after_key) {
		w->after_key = 0;
		return;
	}
	if (w->depth > 0 && w->close[w->depth] == '}')
		w->bad = 1;    /* a value in an object needs a key */
	if (!w->first[w->depth])
		sb_puts(w->out, ",");
	w->first[w->depth] = 0;
}

static void open(struct json_w *w, char c, char close)
{
	value_start(w);
	if (w->depth >= JSON_MAX_DEPTH) {
		w->bad = 1;
		return;
	}
	sb_append(w->out, &c, 1);
	w->depth++;
	w->first[w->depth] = 1;
	w->close[w->depth] = close;
}

void json_obj(struct json_w *w) { open(w, '{', '}'); }
void json_arr(struct json_w *w) { open(w, '[', ']'); }

void json_end(struct json_w *w)
{
	if (w->depth == 0 || w->after_key) {
		w->bad = 1;
		return;
	}
	sb_append(w->out, &w->close[w->depth], 1);
	w->depth--;
}

/* the length of the valid UTF-8 sequence at s (at most n bytes), 0 if
 * there is none */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0)
		len = 2, cp = s[0] & 0x1f;
	else if ((s[0] & 0xf0) == 0xe0)
		len = 3, cp = s[0] & 0x0f;
	else if ((s[0] & 0xf8) == 0xf0)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates and values past U+10FFFF are not UTF-8 */
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

static void put_string(struct strbuf *out, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, run = 0;

	sb_puts(out, "\"");
	while (i < n) {
		size_t l = utf8_len(s + i, n - i);
		const char *esc = NULL;
		char u[8];

		if (l == 1) {
			switch (s[i]) {
			case '"': esc = "\\\""; break;
			case '\\': esc = "\\\\"; break;
			case '\n': esc = "\\n"; break;
			case '\r': esc = "\\r"; break;
			case '\t': esc = "\\t"; break;
			default:
				if (s[i] < 0x20 || s[i] == 0x7f) {
					snprintf(u, sizeof(u), "\\u%04x", s[i]);
					esc = u;
				}
			}
		} else if (l == 0) {
			esc = "\\ufffd";
			l = 1;
		}
		if (esc) {
			sb_append(out, str + i - run, run);
			run = 0;
			sb_puts(out, esc);
		} else {
			run += l;
		}
		i += l;
	}
	sb_append(out, str + n - run, run);
	sb_puts(out, "\"");
}

void json_key(struct json_w *w, const char *key)
{
	if (w->depth == 0 || w->close[w->depth] != '}' || w->after_key) {
		w->bad = 1;
		return;
	}
	if (!w->first[w->depth])
		sb_puts(w->out, ",");
	w->first[w->depth] = 0;
	put_string(w->out, key, strlen(key));
	sb_puts(w->out, ":");
	w->after_key = 1;
}

void json_strn(struct json_w *w, const char *s, size_t n)
{
	value_start(w);
	put_string(w->out, s, n);
}

void json_str(struct json_w *w, const char *s)
{
	if (!s) {
		json_null(w);
		return;
	}
	json_strn(w, s, strlen(s));
}

void json_u64(struct json_w *w, uint64_t v)
{
	value_start(w);
	sb_printf(w->out, "%" PRIu64, v);
}

void json_i64(struct json_w *w, int64_t v)
{
	value_start(w);
	sb_printf(w->out, "%" PRId64, v);
}

void json_bool(struct json_w *w, int v)
{
	value_start(w);
	sb_puts(w->out, v ? "true" : "false");
}

void json_null(struct json_w *w)
{
	value_start(w);
	sb_puts(w->out, "null");
}

void json_kstr(struct json_w *w, const char *key, const char *s) { json_key(w, key); json_str(w, s); }
void json_ku64(struct json_w *w, const char *key, uint64_t v) { json_key(w, key); json_u64(w, v); }
void json_ki64(struct json_w *w, const char *key, int64_t v) { json_key(w, key); json_i64(w, v); }
void json_kbool(struct json_w *w, const char *key, int v) { json_key(w, key); json_bool(w, v); }

int json_done(const struct json_w *w)
{
	if (w->out->oom)
		return -ENOMEM;
	return w->bad || w->depth || w->after_key ? -EINVAL : 0;
}

void html_escape(struct strbuf *out, const char *s)
{
	size_t run = 0;

	for (; *s; s++) {
		const char *e = NULL;

		switch (*s) {
		case '&': e = "&amp;"; break;
		case '<': e = "&lt;"; break;
		case '>': e = "&gt;"; break;
		case '"': e = "&quot;"; break;
		case '\'': e = "&#39;"; break;
		}
		if (!e) {
			run++;
			continue;
		}
		sb_append(out, s - run, run);
		run = 0;
		sb_puts(out, e);
	}
	sb_append(out, s - run, run);
}
