// SPDX-License-Identifier: MIT
// cpp_program MODE - a C++ program built with -O2 -g and linked with
// libwer, for report_tests.sh: what reports say of C++ code, optimized.
//
//   inline-null  a NULL read in a function inlined into app::parse_line
//   throw        an uncaught std::runtime_error from app::throw_it(int)
//   assert       a failed assert() in app::check_ratio(int)
#undef NDEBUG // assert() is the point of one mode, whatever the build type
#include <cassert>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include <wer/wer.h>

namespace app {

// Inlined into parse_line at -O2 (always: the test needs it inlined).
__attribute__((always_inline)) static inline int first_digit(const char *s)
{
	return s[0] - '0'; // the NULL read
}

__attribute__((noinline)) int parse_line(const char *s)
{
	int v = first_digit(s); // the call inlined here
	return v * 10;
}

__attribute__((noinline)) void throw_it(int code)
{
	if (code > 0)
		throw std::runtime_error("disk full on /var");
}

__attribute__((noinline)) int check_ratio(int ratio)
{
	assert(ratio < 100 && "ratio is a percentage"); // the assertion
	return ratio;
}

} // namespace app

// Opaque to the optimizer: the input comes from the command line.
static const char *volatile opaque_null;

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	if (wer_register_custom_metadata("Build", "cpp-1") != 0)
		return 3;
	if (!std::strcmp(mode, "inline-null"))
		return app::parse_line(opaque_null);
	if (!std::strcmp(mode, "throw"))
		app::throw_it(argc);
	if (!std::strcmp(mode, "assert"))
		return app::check_ratio(argc * 100);
	std::fprintf(stderr, "cpp_program: unknown mode '%s'\n", mode);
	return 2;
}
