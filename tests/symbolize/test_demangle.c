/* SPDX-License-Identifier: MIT */
/*
 * test_demangle.c - C++ names demangled (src/symbolize/demangle.c), as
 * c++filt shows them; C names, malformed and overlong names left alone.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "demangle.h"

static void expect(const char *mangled, const char *readable)
{
	char *out = wer__demangle(mangled);

	assert_non_null(out);
	assert_string_equal(out, readable);
	free(out);
}

static void cxx_names(void **state)
{
	(void)state;
	expect("_Z8throw_iti", "throw_it(int)");
	expect("_ZN3app10parse_lineEPKc", "app::parse_line(char const*)");
	expect("_ZNSt6vectorIiSaIiEE9push_backERKi",
	       "std::vector<int, std::allocator<int> >::push_back(int const&)");
	expect("_ZN3app8throw_itEi.cold", "app::throw_it(int) [clone .cold]");
}

static void left_alone(void **state)
{
	char *long_name = malloc(WER_DEMANGLE_INPUT_MAX + 2);

	(void)state;
	assert_null(wer__demangle(NULL));
	assert_null(wer__demangle("main"));
	assert_null(wer__demangle("__libc_start_main"));
	assert_null(wer__demangle("_Z"));
	assert_null(wer__demangle("_Zx9garbage"));
	/* A valid name made too long: not handed to the demangler. */
	assert_non_null(long_name);
	memset(long_name, '1', WER_DEMANGLE_INPUT_MAX + 1);
	memcpy(long_name, "_Z4mainv", 8);
	long_name[WER_DEMANGLE_INPUT_MAX + 1] = '\0';
	assert_null(wer__demangle(long_name));
	free(long_name);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(cxx_names),
	    cmocka_unit_test(left_alone),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
