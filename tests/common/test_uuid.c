/* SPDX-License-Identifier: MIT */
/*
 * test_uuid.c - src/common/uuid.c: version 4 UUIDs in their text form
 * (8-4-4-4-12 lowercase hex, version 4, variant 10xx), each new.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "uuid.h"

#define COUNT 1000

static int compare(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void uuid4_form(void **state)
{
	static char ids[COUNT][WER_UUID_SIZE];

	(void)state;
	for (size_t i = 0; i < COUNT; i++) {
		const char *id = ids[i];

		assert_int_equal(wer_uuid4(ids[i]), 0);
		assert_int_equal(strlen(id), 36);
		for (size_t k = 0; k < 36; k++) {
			if (k == 8 || k == 13 || k == 18 || k == 23)
				assert_int_equal(id[k], '-');
			else
				assert_non_null(
				    strchr("0123456789abcdef", id[k]));
		}
		/* Bytes left unmasked would miss these within a thousand. */
		assert_int_equal(id[14], '4');
		assert_non_null(strchr("89ab", id[19]));
	}
	qsort(ids, COUNT, sizeof(ids[0]), compare);
	for (size_t i = 1; i < COUNT; i++)
		assert_string_not_equal(ids[i - 1], ids[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(uuid4_form),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
