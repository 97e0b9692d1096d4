/* test_lib_ratelimit.c - lvs_ratelimit() (src/lib/ratelimit.h): one event
 * per interval passes, the others are counted and handed to the next one
 * that passes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "lib/ratelimit.h"

static void first_passes_rest_counted(void **state)
{
	(void)state;
	struct lvs_ratelimit rl = LVS_RATELIMIT_INIT(1000);
	uint32_t skipped = 99;
	assert_int_equal(lvs_ratelimit(&rl, 5000, &skipped), 1);
	assert_int_equal(skipped, 0);
	for (int i = 0; i < 300; i++)
		assert_int_equal(lvs_ratelimit(&rl, 5000 + (uint64_t)i, &skipped), 0);
	assert_int_equal(lvs_ratelimit(&rl, 5999, &skipped), 0);
	assert_int_equal(lvs_ratelimit(&rl, 6000, &skipped), 1);
	assert_int_equal(skipped, 301);
	assert_int_equal(lvs_ratelimit(&rl, 7500, &skipped), 1);
	assert_int_equal(skipped, 0);
}

static void zero_interval_means_one_second(void **state)
{
	(void)state;
	struct lvs_ratelimit rl = { 0 };
	uint32_t skipped;
	assert_int_equal(lvs_ratelimit(&rl, 0, &skipped), 1);
	assert_int_equal(lvs_ratelimit(&rl, 999, &skipped), 0);
	assert_int_equal(lvs_ratelimit(&rl, 1000, &skipped), 1);
	assert_int_equal(skipped, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(first_passes_rest_counted),
		cmocka_unit_test(zero_interval_means_one_second),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
