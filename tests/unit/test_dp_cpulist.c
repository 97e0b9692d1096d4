/* test_dp_cpulist.c - `lvsd --cpus LIST` parsing (src/lib/cpulist.c). */

#include <errno.h>
#include "fixture.h"
#include "lib/cpulist.h"

static void lists_in_written_order(void **state)
{
	(void)state;
	int v[8];
	assert_int_equal(dp_cpulist_parse("0", v, 8), 1);
	assert_int_equal(v[0], 0);
	assert_int_equal(dp_cpulist_parse("1,0", v, 8), 2);
	assert_int_equal(v[0], 1);
	assert_int_equal(v[1], 0);
	assert_int_equal(dp_cpulist_parse("2-4,0", v, 8), 4);
	assert_int_equal(v[0], 2);
	assert_int_equal(v[2], 4);
	assert_int_equal(v[3], 0);
	assert_int_equal(dp_cpulist_parse("1023", v, 8), 1);
	assert_int_equal(v[0], 1023);
}

static void bad_lists_refused(void **state)
{
	(void)state;
	int v[4];
	const char *bad[] = { "", ",", "0,", ",0", "a", "1-", "-1", "3-1", "0,,1", "1024", "0 1",
			      "99999999999999999999", "0-7" /* more than 4 entries */ };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(dp_cpulist_parse(bad[i], v, 4), -EINVAL);
	assert_int_equal(dp_cpulist_parse(NULL, v, 4), -EINVAL);
}

UNIT_TESTS(cmocka_unit_test(lists_in_written_order),
	   cmocka_unit_test(bad_lists_refused))
