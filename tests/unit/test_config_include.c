/* test_config_include.c - keepalived's include, read as keepalived reads
 * it (config/include.h): the included lines in place of the include line,
 * globs in sorted order, paths relative to the including file, nesting,
 * loops and depth refused, a missing file a warning, and every line
 * traced back to its file and line. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"
#include "config/config.h"
#include "config/include.h"

static char dir[64];

static void put(const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/lvsd-inc.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	char sub[128];
	snprintf(sub, sizeof(sub), "%s/d", dir);
	return mkdir(sub, 0700);
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* expand the file `name` of dir */
static int expand(const char *name, char **out, struct cfg_src **src, struct strbuf *err, struct strbuf *warn)
{
	char path[256], *text;
	FILE *f;
	long n;
	int ret;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	text = calloc(1, (size_t)n + 1);
	assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	ret = cfg_include_expand(path, text, out, src, err, warn);
	free(text);
	return ret;
}

static void test_expand_in_place(void **state)
{
	struct strbuf err = STRBUF_INIT, warn = STRBUF_INIT;
	struct cfg_src *src;
	char *out, want[512];
	int local;

	(void)state;
	put("main.conf", "a\n  include \"d/*.conf\"   # the glob\nb {\n include d/../one.inc\n}\n");
	put("d/2.conf", "two\n");
	put("d/1.conf", "one\ninclude ../nested.inc\n");   /* relative to d/ */
	put("nested.inc", "deep\n");
	put("one.inc", "x1\nx2");
	put("d/skip.txt", "not matched\n");
	assert_int_equal(expand("main.conf", &out, &src, &err, &warn), 0);
	assert_string_equal(out, "a\n\none\n\ndeep\ntwo\nb {\n\nx1\nx2\n}\n");
	assert_null(warn.buf);
	/* line 5 of the text is "deep": nested.inc line 1 */
	snprintf(want, sizeof(want), "%s/d/../nested.inc", dir);
	assert_string_equal(cfg_src_where(src, "?", 5, &local), want);
	assert_int_equal(local, 1);
	snprintf(want, sizeof(want), "%s/d/1.conf", dir);
	assert_string_equal(cfg_src_where(src, "?", 4, &local), want);
	assert_int_equal(local, 2);
	snprintf(want, sizeof(want), "%s/main.conf", dir);
	assert_string_equal(cfg_src_where(src, "?", 7, &local), want);   /* "b {" */
	assert_int_equal(local, 3);
	assert_int_equal(src->missing, 0);
	free(out);
	cfg_src_free(src);
}

static void test_missing_and_not_include(void **state)
{
	struct strbuf err = STRBUF_INIT, warn = STRBUF_INIT;
	struct cfg_src *src;
	char *out, want[512];

	(void)state;
	put("m.conf", "include nothere*.conf\ninclude a b\ninclude_x y\n");
	assert_int_equal(expand("m.conf", &out, &src, &err, &warn), 0);
	/* two words only: the others stay for the parser */
	assert_string_equal(out, "\ninclude a b\ninclude_x y\n");
	snprintf(want, sizeof(want), "%s/m.conf:1: warning: include: no file matches '%s/nothere*.conf'\n", dir, dir);
	assert_string_equal(warn.buf, want);
	assert_int_equal(src->missing, 1);
	assert_int_equal(src->missing_line, 1);
	free(out);
	sb_free(&warn);
	cfg_src_free(src);
}

static void test_loop_and_depth(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct cfg_src *src = NULL;
	char *out = NULL, want[512];

	(void)state;
	put("l1.conf", "x\ninclude l2.conf\n");
	put("l2.conf", "y\n\ninclude l1.conf\n");
	assert_int_equal(expand("l1.conf", &out, &src, &err, NULL), -EINVAL);
	assert_null(out);
	assert_null(src);
	snprintf(want, sizeof(want), "%s/l2.conf:3: include loop: '%s/l1.conf' is already being read", dir, dir);
	assert_string_equal(err.buf, want);
	sb_free(&err);
	/* a chain deeper than the limit */
	for (int i = 0; i <= CFG_INCLUDE_MAX_DEPTH; i++) {
		char name[32], text[64];

		snprintf(name, sizeof(name), "c%d.conf", i);
		snprintf(text, sizeof(text), "include c%d.conf\n", i + 1);
		put(name, text);
	}
	put("c9.conf", "end\n");
	assert_int_equal(expand("c0.conf", &out, &src, &err, NULL), -EINVAL);
	assert_non_null(strstr(err.buf, "nested more than 8 includes deep"));
	sb_free(&err);
}

/* through the keepalived parser: an error in an included file names it */
static void test_parser_names_included_file(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct cfg *c = NULL;
	char path[256], want[512];

	(void)state;
	put("vs.inc", "virtual_server 10.0.0.1 80 {\n  protocol TCP\n  bogus 1\n}\n");
	put("k.conf", "global_defs {\n}\ninclude vs.inc\n");
	snprintf(path, sizeof(path), "%s/k.conf", dir);
	assert_int_equal(cfg_parse_file(path, CFG_FMT_AUTO, &c, &err, NULL), -EINVAL);
	snprintf(want, sizeof(want), "%s/vs.inc:3: unknown keyword 'bogus' in virtual_server", dir);
	assert_string_equal(err.buf, want);
	sb_free(&err);
	put("vs.inc", "virtual_server 10.0.0.1 80 {\n  protocol TCP\n}\n");
	assert_int_equal(cfg_parse_file(path, CFG_FMT_AUTO, &c, &err, NULL), 0);
	assert_int_equal(c->nsvcs, 1);
	int local;
	snprintf(want, sizeof(want), "%s/vs.inc", dir);
	assert_string_equal(cfg_where(c, c->svcs[0].line, &local), want);
	assert_int_equal(local, 1);
	cfg_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_expand_in_place, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_and_not_include, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loop_and_depth, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parser_names_included_file, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
