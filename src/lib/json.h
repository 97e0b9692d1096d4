/* json.h - a small streaming JSON writer on a strbuf: objects and arrays
 * nest up to JSON_MAX_DEPTH, commas are placed by the writer, strings are
 * escaped (quotes, backslashes, control characters; bytes that are not
 * valid UTF-8 become U+FFFD so the output always parses).
 *
 * Contract: the writer never fails on its own; a strbuf out of memory is
 * marked as usual (sb->oom).  Nesting deeper than JSON_MAX_DEPTH or a
 * mismatched end is a caller bug: it is recorded in w->bad and the output
 * is then not valid JSON, which json_done() reports as -EINVAL.
 *
 *   struct json_w w; json_init(&w, out);
 *   json_obj(&w); json_key(&w, "n"); json_u64(&w, 1); json_end(&w);
 *   json_done(&w) == 0
 */
#ifndef LVS_JSON_H
#define LVS_JSON_H

#include <stddef.h>
#include <stdint.h>
#include "strbuf.h"

#define JSON_MAX_DEPTH 32

struct json_w {
	struct strbuf *out;
	int depth;
	int bad;
	uint8_t first[JSON_MAX_DEPTH + 1];  /* nothing written yet at this level */
	char close[JSON_MAX_DEPTH + 1];     /* '}' or ']' */
	int after_key;                      /* a key was written: its value comes next */
};

void json_init(struct json_w *w, struct strbuf *out);
void json_obj(struct json_w *w);
void json_arr(struct json_w *w);
void json_end(struct json_w *w);
void json_key(struct json_w *w, const char *key);
void json_str(struct json_w *w, const char *s);
void json_strn(struct json_w *w, const char *s, size_t n);
void json_u64(struct json_w *w, uint64_t v);
void json_i64(struct json_w *w, int64_t v);
void json_bool(struct json_w *w, int v);
void json_null(struct json_w *w);
/* key and value in one call */
void json_kstr(struct json_w *w, const char *key, const char *s);
void json_ku64(struct json_w *w, const char *key, uint64_t v);
void json_ki64(struct json_w *w, const char *key, int64_t v);
void json_kbool(struct json_w *w, const char *key, int v);
/* 0 when every object and array was closed and no misuse happened,
 * -ENOMEM when the strbuf ran out of memory, else -EINVAL */
int json_done(const struct json_w *w);

/* s with the characters special to HTML (& < > " ') as entities */
void html_escape(struct strbuf *out, const char *s);

#endif
