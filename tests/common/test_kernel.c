/* SPDX-License-Identifier: MIT */
/*
 * test_kernel.c - the running kernel's version (src/common/kernel.h):
 * true up to the version /proc/sys/kernel/osrelease names, false past it
 * in the minor and in the major number.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "kernel.h"

static void against_osrelease(void **state)
{
	FILE *f = fopen("/proc/sys/kernel/osrelease", "r");
	unsigned major = 0, minor = 0;

	(void)state;
	assert_non_null(f);
	assert_int_equal(fscanf(f, "%u.%u", &major, &minor), 2);
	fclose(f);
	assert_true(major >= 3);
	assert_true(wer_kernel_at_least(major, minor));
	assert_true(wer_kernel_at_least(major, 0));
	assert_true(wer_kernel_at_least(major - 1, minor + 100));
	assert_false(wer_kernel_at_least(major, minor + 1));
	assert_false(wer_kernel_at_least(major + 1, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(against_osrelease),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
