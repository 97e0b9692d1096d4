/* test_lib_grow.c - lvs_grow() (src/lib/grow.h): doubling, keeping the
 * contents, and refusing sizes that would overflow. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>
#include "lib/grow.h"

static void doubles_from_first_and_keeps_contents(void **state)
{
	(void)state;
	int *a = NULL;
	size_t cap = 0, n;

	for (n = 0; n < 1000; n++) {
		assert_int_equal(lvs_grow(&a, &cap, n, sizeof(*a), 8), 0);
		assert_true(n < cap);
		a[n] = (int)n * 3;
	}
	assert_int_equal(cap, 1024);    /* 8, 16, ... 1024 */
	for (n = 0; n < 1000; n++)
		assert_int_equal(a[n], (int)n * 3);
	free(a);
}

static void no_change_when_there_is_room(void **state)
{
	(void)state;
	char *a = malloc(4);
	char *was = a;
	size_t cap = 4;

	assert_int_equal(lvs_grow(&a, &cap, 3, 1, 8), 0);
	assert_ptr_equal(a, was);
	assert_int_equal(cap, 4);
	/* a jump past several doublings lands on the first one that holds it */
	assert_int_equal(lvs_grow(&a, &cap, 40, 1, 8), 0);
	assert_int_equal(cap, 64);
	free(a);
}

static void overflow_refused_and_array_kept(void **state)
{
	(void)state;
	long *a = malloc(16 * sizeof(*a));
	size_t cap = 16;

	a[15] = 42;
	assert_int_equal(lvs_grow(&a, &cap, SIZE_MAX / 4, sizeof(*a), 8), -ENOMEM);
	assert_int_equal(lvs_grow(&a, &cap, SIZE_MAX - 1, 1, 8), -ENOMEM);
	assert_int_equal(cap, 16);
	assert_int_equal(a[15], 42);
	free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(doubles_from_first_and_keeps_contents),
		cmocka_unit_test(no_change_when_there_is_room),
		cmocka_unit_test(overflow_refused_and_array_kept),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
