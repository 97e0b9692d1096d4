/* test_config_fuzz.c - robustness of both configuration parsers: every
 * file under tests/ (configs, scripts, sources: anything is input) and
 * the reference .cf files, whole, truncated, with lines dropped and with
 * bytes garbled, in each format.  Nothing may crash (run it in the
 * sanitizer build), and every result keeps the contract: 0 with a model,
 * or -EINVAL/-ENOMEM with no model and one "f:..." message; warnings are
 * "f:LINE: warning: ..." lines.
 *
 * The tree is found through $LVSD_TOP (tests/run.sh sets it), else the
 * current directory; the reference files through $LVSD_SPEC, else the
 * verbatim copies in tests/data/spec. */
#include <errno.h>
#include <ftw.h>
#include <glob.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "config/config.h"

#define MAX_TEXT (256u << 10)

static uint32_t rng = 2463534242u;
static unsigned long nparsed, nfiles;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

static void check_one(const char *text, enum cfg_format fmt)
{
	struct strbuf err = STRBUF_INIT, warn = STRBUF_INIT;
	struct cfg *c = (struct cfg *)1;
	int ret = cfg_parse_text("f", text, fmt, &c, &err, &warn);

	nparsed++;
	if (ret == 0) {
		assert_non_null(c);
		cfg_free(c);
	} else {
		assert_true(ret == -EINVAL || ret == -ENOMEM);
		assert_null(c);
		assert_non_null(err.buf);
		assert_true(!strncmp(err.buf, "f:", 2));
		assert_null(strchr(err.buf, '\n'));
	}
	for (char *l = warn.buf; l && *l;) {
		char *nl = strchr(l, '\n');

		assert_non_null(nl);
		*nl = 0;
		if (strncmp(l, "f:", 2) || !strstr(l, ": warning: "))
			fail_msg("malformed warning '%s'", l);
		l = nl + 1;
	}
	sb_free(&err);
	sb_free(&warn);
}

static void check_text(const char *text)
{
	static const char garble[] = "{}\"=#!\n x:/-[]0\t.,9>";
	size_t n = strlen(text);
	char *buf = malloc(n + 1);

	assert_non_null(buf);
	check_one(text, CFG_FMT_AUTO);
	check_one(text, CFG_FMT_LDIRECTORD);
	check_one(text, CFG_FMT_KEEPALIVED);
	for (int i = 1; n && i <= 16; i++) {        /* truncated */
		memcpy(buf, text, n + 1);
		buf[n * (size_t)i / 17] = 0;
		check_one(buf, CFG_FMT_AUTO);
	}
	for (int i = 0; n && i < 8; i++) {          /* a line dropped */
		char *s = buf, *e;

		memcpy(buf, text, n + 1);
		for (uint32_t skip = rnd() % 40; skip && strchr(s, '\n'); skip--)
			s = strchr(s, '\n') + 1;
		e = strchr(s, '\n');
		memmove(s, e ? e + 1 : s + strlen(s), strlen(e ? e + 1 : s + strlen(s)) + 1);
		check_one(buf, CFG_FMT_AUTO);
	}
	for (int i = 0; n && i < 16; i++) {         /* garbled */
		memcpy(buf, text, n + 1);
		for (uint32_t j = 0; j < 1 + rnd() % 3; j++)
			buf[rnd() % n] = garble[rnd() % (sizeof(garble) - 1)];
		check_one(buf, i % 3 == 0 ? CFG_FMT_AUTO : i % 3 == 1 ? CFG_FMT_LDIRECTORD : CFG_FMT_KEEPALIVED);
	}
	free(buf);
}

static int check_file(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	FILE *f;
	char *text;
	size_t n;

	(void)st, (void)ftw;
	if (type != FTW_F)
		return 0;
	f = fopen(path, "r");
	if (!f)
		return 0;
	text = malloc(MAX_TEXT + 1);
	assert_non_null(text);
	n = fread(text, 1, MAX_TEXT, f);
	fclose(f);
	text[n] = 0;                                /* a NUL ends the text early */
	check_text(text);
	free(text);
	nfiles++;
	return 0;
}

static void test_tests_tree(void **state)
{
	const char *top = getenv("LVSD_TOP");
	char dir[4096];

	(void)state;
	snprintf(dir, sizeof(dir), "%s/tests", top ? top : ".");
	nfiles = nparsed = 0;
	assert_int_equal(nftw(dir, check_file, 16, FTW_PHYS), 0);
	/* the tree holds hundreds of files: a wrong path must not pass */
	if (nfiles < 50)
		fail_msg("only %lu files under %s", nfiles, dir);
	print_message("%lu files, %lu parses\n", nfiles, nparsed);
}

static void test_spec_files(void **state)
{
	const char *spec = getenv("LVSD_SPEC");
	char pattern[4096];
	glob_t g;

	(void)state;
	const char *top = getenv("LVSD_TOP");

	if (spec)
		snprintf(pattern, sizeof(pattern), "%s/*.cf", spec);
	else
		snprintf(pattern, sizeof(pattern), "%s/tests/data/spec/*.cf", top ? top : ".");
	if (glob(pattern, 0, NULL, &g)) {
		skip();
		return;
	}
	nfiles = nparsed = 0;
	for (size_t i = 0; i < g.gl_pathc; i++)
		check_file(g.gl_pathv[i], NULL, FTW_F, NULL);
	globfree(&g);
	print_message("%lu files, %lu parses\n", nfiles, nparsed);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tests_tree),
		cmocka_unit_test(test_spec_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
