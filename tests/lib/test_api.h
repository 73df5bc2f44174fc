/* SPDX-License-Identifier: MIT */
/*
 * test_api.h - what the test_api_*.c files share: the two public headers
 * and libwer's internal ones, HRESULT assertions that print the call,
 * strings built for the limits, the empty-registry check, memory whose
 * addresses are registered, and each test's setup and teardown (an empty
 * registry in the running state). Defined in test_api_common.c.
 */
#ifndef WER_TEST_API_H
#define WER_TEST_API_H

#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include <cmocka.h>

#include <wer/recovery.h>
#include <wer/wer.h>
#include "crash.h"
#include "wer_internal.h"

/* Memory whose addresses are registered. Nothing here reads it: the
 * registry only records address and size. */
extern char blocks[WER_MAX_REGISTERED_ENTRIES + 16];

/* Fails the test at file:line unless actual == expected, printing the
 * call (and what, a description of the case, unless empty). */
void hr_equal(HRESULT actual, HRESULT expected, const char *call,
	      const char *what, const char *file, int line);

#define assert_hr(call, expected)                                              \
	hr_equal((call), (expected), #call, "", __FILE__, __LINE__)
/* With a description of the case, in a loop; _at in helpers that report
 * their caller's file and line. */
#define assert_hr_msg(what, call, expected)                                    \
	hr_equal((call), (expected), #call, (what), __FILE__, __LINE__)
#define assert_hr_at(what, call, expected)                                     \
	hr_equal((call), (expected), #call, (what), file, line)

/* n copies of unit, NUL terminated, into buf. */
char *repeat(char *buf, const char *unit, size_t n);
/* n copies of c, NUL terminated, into buf. */
wchar_t *wrepeat(wchar_t *buf, wchar_t c, size_t n);
/* Decodes the test's own valid UTF-8 literals into a wide string. */
wchar_t *widen(wchar_t *out, const char *s);

/* Fails the test at file:line unless no metadata and no entry is
 * registered. */
void registry_empty_at(const char *file, int line);
#define assert_registry_empty() registry_empty_at(__FILE__, __LINE__)

/* Every test's: the registry emptied, in the running state. */
int setup(void **state);
int teardown(void **state);
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

#endif
