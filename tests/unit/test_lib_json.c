/* test_lib_json.c - the JSON writer and the HTML escaper (src/lib/json.c):
 * commas and nesting, escaping of quotes, control characters and bytes
 * that are not UTF-8, and misuse reported by json_done(). */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "lib/json.h"

static void nesting_and_commas(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct json_w w;

	(void)state;
	json_init(&w, &sb);
	json_obj(&w);
	json_ku64(&w, "a", 18446744073709551615ull);
	json_key(&w, "b");
	json_arr(&w);
	json_i64(&w, -5);
	json_bool(&w, 1);
	json_null(&w);
	json_obj(&w);
	json_end(&w);
	json_end(&w);
	json_kstr(&w, "c", NULL);
	json_end(&w);
	assert_int_equal(json_done(&w), 0);
	assert_string_equal(sb.buf, "{\"a\":18446744073709551615,\"b\":[-5,true,null,{}],\"c\":null}");
	sb_free(&sb);
}

static void strings_escaped(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct json_w w;

	(void)state;
	json_init(&w, &sb);
	json_arr(&w);
	json_str(&w, "q\"b\\n\n\t\x01\x7f");
	json_str(&w, "caf\xc3\xa9 \xe2\x82\xac");        /* valid UTF-8 stays */
	json_str(&w, "bad\xff\xc3(\xed\xa0\x80" "end"); /* invalid byte, truncated pair, surrogate */
	json_strn(&w, "a\0b", 3);
	json_end(&w);
	assert_int_equal(json_done(&w), 0);
	assert_string_equal(sb.buf, "[\"q\\\"b\\\\n\\n\\t\\u0001\\u007f\",\"caf\xc3\xa9 \xe2\x82\xac\","
				    "\"bad\\ufffd\\ufffd(\\ufffd\\ufffd\\ufffdend\",\"a\\u0000b\"]");
	sb_free(&sb);
}

static void misuse_reported(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct json_w w;

	(void)state;
	json_init(&w, &sb);
	json_obj(&w);
	json_u64(&w, 1);                /* a value without a key */
	json_end(&w);
	assert_int_equal(json_done(&w), -EINVAL);
	sb_free(&sb);

	json_init(&w, &sb);
	json_arr(&w);                   /* never closed */
	assert_int_equal(json_done(&w), -EINVAL);
	sb_free(&sb);

	json_init(&w, &sb);
	json_end(&w);                   /* nothing to close */
	assert_int_equal(json_done(&w), -EINVAL);
	sb_free(&sb);

	json_init(&w, &sb);
	for (int i = 0; i < JSON_MAX_DEPTH + 3; i++)
		json_arr(&w);
	for (int i = 0; i < JSON_MAX_DEPTH + 3; i++)
		json_end(&w);
	assert_int_equal(json_done(&w), -EINVAL);
	sb_free(&sb);
}

static void html_escaped(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	html_escape(&sb, "<a href=\"x\">'&'</a>");
	assert_string_equal(sb.buf, "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
	sb_free(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nesting_and_commas),
		cmocka_unit_test(strings_escaped),
		cmocka_unit_test(misuse_reported),
		cmocka_unit_test(html_escaped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
