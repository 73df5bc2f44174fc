/* SPDX-License-Identifier: MIT */
/*
 * test_api_flags.c - WerSetFlags and WerGetFlags: set replaces, unknown
 * bits are refused, GetFlags' arguments.
 *
 * One of the test_api_*.c files, which test the public registration
 * family, wide (werapi.h) and UTF-8 (wer/wer.h), section by section;
 * test_api.h has what they share. Each test starts from an empty
 * registry (wer__registry_reset) in the running state. HRESULTs are
 * compared as exact 32-bit values.
 */
#include "test_api.h"

/* ---- flags ------------------------------------------------------------------
 */

static void test_flags_set_get(void **state)
{
	DWORD f = 0xDEADBEEF;

	(void)state;
	assert_hr(WerGetFlags(GetCurrentProcess(), &f), S_OK);
	assert_int_equal(f, 0);
	assert_hr(WerSetFlags(WER_FAULT_REPORTING_FLAG_NOHEAP |
			      WER_FAULT_REPORTING_DURABLE),
		  S_OK);
	assert_hr(WerGetFlags(GetCurrentProcess(), &f), S_OK);
	assert_int_equal(f, WER_FAULT_REPORTING_FLAG_NOHEAP |
				WER_FAULT_REPORTING_DURABLE);
	/* Set replaces, it does not add. */
	assert_hr(WerSetFlags(WER_FAULT_REPORTING_NO_UI), S_OK);
	assert_hr(WerGetFlags(GetCurrentProcess(), &f), S_OK);
	assert_int_equal(f, WER_FAULT_REPORTING_NO_UI);
	assert_hr(WerSetFlags(0x7FF), S_OK);
	assert_hr(WerGetFlags(GetCurrentProcess(), &f), S_OK);
	assert_int_equal(f, 0x7FF);
	assert_hr(WerSetFlags(0), S_OK);
	assert_hr(WerGetFlags(GetCurrentProcess(), &f), S_OK);
	assert_int_equal(f, 0);
	/* Flags are not a registration: no entry used. */
	assert_registry_empty();
}

static void test_flags_unknown_bits_refused(void **state)
{
	DWORD f;

	(void)state;
	assert_hr(WerSetFlags(WER_FAULT_REPORTING_CRITICAL), S_OK);
	assert_hr(WerSetFlags(0x800), E_INVALIDARG);
	assert_hr(WerSetFlags(0x800 | WER_FAULT_REPORTING_FLAG_NOHEAP),
		  E_INVALIDARG);
	assert_hr(WerSetFlags(0x80000000u), E_INVALIDARG);
	assert_hr(WerSetFlags(0xFFFFFFFFu), E_INVALIDARG);
	assert_hr(WerGetFlags(GetCurrentProcess(), &f), S_OK);
	assert_int_equal(f, WER_FAULT_REPORTING_CRITICAL);
}

static void test_flags_get_arguments(void **state)
{
	DWORD f;

	(void)state;
	assert_hr(WerGetFlags(GetCurrentProcess(), NULL), E_INVALIDARG);
	assert_hr(WerGetFlags((HANDLE)0, &f), E_INVALIDARG);
	assert_hr(WerGetFlags((HANDLE)0, NULL), E_INVALIDARG);
	assert_hr(WerGetFlags((HANDLE)(intptr_t)getpid(), &f), E_INVALIDARG);
	assert_hr(WerGetFlags((HANDLE)(intptr_t)-2, &f), E_INVALIDARG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_flags_set_get),
	    T(test_flags_unknown_bits_refused),
	    T(test_flags_get_arguments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
