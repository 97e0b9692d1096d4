/* test_lib_err.c - lvs_err() (src/lib/err.c): the one-line reason of the
 * error convention. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "lib/err.h"
#include "lib/strbuf.h"

static void reason_written_and_errno_returned(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	errno = EINTR;
	assert_int_equal(lvs_err(&sb, -ENOENT, "map %s: %m", "lvsd_vips"), -ENOENT);
	assert_string_equal(sb.buf, "map lvsd_vips: No such file or directory");
	assert_int_equal(errno, EINTR);         /* untouched */
	sb_free(&sb);
}

static void no_sink_still_returns(void **state)
{
	(void)state;
	assert_int_equal(lvs_err(NULL, -EPERM, "bind: %m"), -EPERM);
}

static void long_reason_cut_to_one_bounded_line(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	char big[2000];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	assert_int_equal(lvs_err(&sb, -EINVAL, "%s", big), -EINVAL);
	assert_true(sb.len > 0 && sb.len < 512);
	sb_free(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reason_written_and_errno_returned),
		cmocka_unit_test(no_sink_still_returns),
		cmocka_unit_test(long_reason_cut_to_one_bounded_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
