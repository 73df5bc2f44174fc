/* SPDX-License-Identifier: MIT */
/*
 * test_buf.c - src/common/buf.c: the cap holds (exactly max bytes, never
 * one more, and a failure sticks), growth is what the collector's memory
 * budget counts, printf formats and is capped, and no max (SIZE_MAX)
 * overflows.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"

static void growth(void **state)
{
	struct wer_buf b;

	(void)state;
	wer_buf_init(&b, 1000);
	assert_int_equal(wer_buf_growth(&b, 10), 256);
	assert_int_equal(wer_buf_add(&b, "0123456789", 10), 0);
	assert_int_equal(b.cap, 256);
	assert_int_equal(wer_buf_growth(&b, 200), 0);
	assert_int_equal(wer_buf_growth(&b, 300), 256);
	/* Never past max + 1 (its NUL): 1001, not 1024. */
	assert_int_equal(wer_buf_growth(&b, 990), 1001 - 256);
	assert_int_equal(wer_buf_growth(&b, 991), SIZE_MAX); /* past max */
	assert_int_equal(wer_buf_add(&b, "x", 1), 0);
	assert_int_equal(wer_buf_growth(&b, 989), 1001 - 256);
	wer_buf_free(&b);
	/* A small buffer is allocated at its size, not 256. */
	wer_buf_init(&b, 8);
	assert_int_equal(wer_buf_growth(&b, 1), 9);
	wer_buf_free(&b);
}

static void cap_holds(void **state)
{
	struct wer_buf b;

	(void)state;
	wer_buf_init(&b, 8);
	assert_int_equal(wer_buf_str(&b, "1234"), 0);
	assert_int_equal(wer_buf_add(&b, "5678", 4), 0);
	assert_int_equal(b.len, 8);
	assert_string_equal(b.data, "12345678");
	assert_true(b.cap <= 9);
	assert_int_equal(wer_buf_str(&b, "9"), -EFBIG);
	assert_true(b.failed);
	assert_int_equal(b.len, 8);
	assert_string_equal(b.data, "12345678");
	/* A failure sticks: nothing more is added, even what would fit. */
	b.len = 0;
	assert_int_equal(wer_buf_str(&b, "a"), -ENOMEM);
	assert_int_equal(b.len, 0);
	wer_buf_free(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
}

static void printf_capped(void **state)
{
	struct wer_buf b;

	(void)state;
	wer_buf_init(&b, 16);
	assert_int_equal(wer_buf_printf(&b, "%s=%d;", "n", 42), 0);
	assert_string_equal(b.data, "n=42;");
	/* Past the cap: nothing of it is written. */
	assert_int_equal(wer_buf_printf(&b, "%020d", 7), -EFBIG);
	assert_string_equal(b.data, "n=42;");
	assert_int_equal(b.len, 5);
	wer_buf_free(&b);
}

static void no_overflow(void **state)
{
	struct wer_buf b;

	(void)state;
	wer_buf_init(&b, SIZE_MAX);
	assert_int_equal(wer_buf_str(&b, "abc"), 0);
	assert_string_equal(b.data, "abc");
	/* No allocation of these sizes could be: they are refused, and
	 * their sum with what b holds does not wrap. */
	assert_int_equal(wer_buf_growth(&b, SIZE_MAX), SIZE_MAX);
	assert_int_equal(wer_buf_growth(&b, SIZE_MAX - 3), SIZE_MAX);
	assert_int_equal(wer_buf_add(&b, "", SIZE_MAX - 2), -EFBIG);
	assert_int_equal(b.len, 3);
	wer_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(growth),
	    cmocka_unit_test(cap_holds),
	    cmocka_unit_test(printf_capped),
	    cmocka_unit_test(no_overflow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
