/* SPDX-License-Identifier: MIT */
/*
 * test_api_constants.c - the constants of the two headers: HRESULTs and
 * their Win32 error codes, WER's own codes, the limits, the flags and
 * file types.
 *
 * One of the test_api_*.c files, which test the public registration
 * family, wide (werapi.h) and UTF-8 (wer/wer.h), section by section;
 * test_api.h has what they share. Each test starts from an empty
 * registry (wer__registry_reset) in the running state. HRESULTs are
 * compared as exact 32-bit values.
 */
#include "test_api.h"

/* ---- constants ---------------------------------------------------------- */

static void test_constants_hresults(void **state)
{
	(void)state;
	assert_int_equal(sizeof(HRESULT), 4);
	assert_true((HRESULT)-1 < 0);
	assert_int_equal((uint32_t)S_OK, 0x00000000u);
	assert_int_equal((uint32_t)S_FALSE, 0x00000001u);
	assert_int_equal((uint32_t)E_FAIL, 0x80004005u);
	assert_int_equal((uint32_t)E_INVALIDARG, 0x80070057u);
	assert_int_equal((uint32_t)E_OUTOFMEMORY, 0x8007000Eu);
	assert_int_equal((uint32_t)WER_E_INSUFFICIENT_BUFFER, 0x8007007Au);
	assert_int_equal((uint32_t)WER_E_NOT_FOUND, 0x80070490u);
	assert_int_equal((uint32_t)WER_E_INVALID_STATE, 0x8007139Fu);
	assert_int_equal((uint32_t)WER_E_LENGTH_EXCEEDED, 0x80070503u);
	assert_true(SUCCEEDED(S_OK));
	assert_true(SUCCEEDED(S_FALSE));
	assert_true(FAILED(E_INVALIDARG));
	assert_true(FAILED(WER_E_NOT_FOUND));
}

static void test_constants_hresult_from_win32(void **state)
{
	(void)state;
	assert_int_equal(ERROR_INSUFFICIENT_BUFFER, 122);
	assert_int_equal(ERROR_NOT_FOUND, 1168);
	assert_int_equal(ERROR_INVALID_STATE, 5023);
	assert_hr(HRESULT_FROM_WIN32(ERROR_INSUFFICIENT_BUFFER),
		  WER_E_INSUFFICIENT_BUFFER);
	assert_hr(HRESULT_FROM_WIN32(ERROR_NOT_FOUND), WER_E_NOT_FOUND);
	assert_hr(HRESULT_FROM_WIN32(ERROR_INVALID_STATE), WER_E_INVALID_STATE);
	assert_hr(HRESULT_FROM_WIN32(0), 0);
	/* ERROR_INVALID_PARAMETER (87) gives E_INVALIDARG. */
	assert_hr(HRESULT_FROM_WIN32(87), E_INVALIDARG);
	/* Already an HRESULT (negative): passed through unchanged. */
	assert_hr(HRESULT_FROM_WIN32(E_FAIL), E_FAIL);
}

static void test_constants_wer_error_codes(void **state)
{
	(void)state;
	assert_int_equal((uint32_t)WER_E_CRASH_FAILURE, 0x801B8000u);
	assert_int_equal((uint32_t)WER_E_CANCELED, 0x801B8001u);
	assert_int_equal((uint32_t)WER_E_NETWORK_FAILURE, 0x801B8002u);
	assert_int_equal((uint32_t)WER_E_NOT_INITIALIZED, 0x801B8003u);
	assert_int_equal((uint32_t)WER_E_ALREADY_REPORTING, 0x801B8004u);
	assert_int_equal((uint32_t)WER_E_DUMP_THROTTLED, 0x801B8005u);
	assert_int_equal((uint32_t)WER_E_INSUFFICIENT_CONSENT, 0x801B8006u);
	assert_int_equal((uint32_t)WER_E_TOO_HEAVY, 0x801B8007u);
}

static void test_constants_limits(void **state)
{
	(void)state;
	assert_int_equal(WER_MAX_REGISTERED_ENTRIES, 512);
	assert_int_equal(WER_MAX_REGISTERED_METADATA, 8);
	assert_int_equal(WER_METADATA_KEY_MAX_LENGTH, 64);
	assert_int_equal(WER_METADATA_VALUE_MAX_LENGTH, 128);
	assert_int_equal(WER_MAX_MEM_BLOCK_SIZE, 65536);
	assert_int_equal(WER_MAX_REGISTERED_DUMPCOLLECTION, 4);
	assert_int_equal(WER_MAX_REGISTERED_RUNTIME_EXCEPTION_MODULES, 16);
	assert_int_equal(WER_MAX_PARAM_COUNT, 10);
	assert_int_equal(WER_MAX_PARAM_LENGTH, 260);
	assert_int_equal(WER_MAX_PREFERRED_MODULES, 128);
	assert_int_equal(WER_MAX_PREFERRED_MODULES_BUFFER, 256);
	assert_int_equal(WER_MAX_FILE_PATH_BYTES, 4095);
	assert_int_equal(WER_METADATA_KEY_MAX_BYTES, 256);
	assert_int_equal(WER_METADATA_VALUE_MAX_BYTES, 128);
	assert_int_equal(sizeof(((wer_metadata_pair_t *)0)->key), 257);
	assert_int_equal(sizeof(((wer_metadata_pair_t *)0)->value), 129);
}

static void test_constants_flags_and_types(void **state)
{
	(void)state;
	assert_int_equal(WER_FAULT_REPORTING_FLAG_NOHEAP, 1);
	assert_int_equal(WER_FAULT_REPORTING_FLAG_QUEUE, 2);
	assert_int_equal(WER_FAULT_REPORTING_FLAG_DISABLE_THREAD_SUSPENSION, 4);
	assert_int_equal(WER_FAULT_REPORTING_FLAG_QUEUE_UPLOAD, 8);
	assert_int_equal(WER_FAULT_REPORTING_ALWAYS_SHOW_UI, 16);
	assert_int_equal(WER_FAULT_REPORTING_NO_UI, 32);
	assert_int_equal(WER_FAULT_REPORTING_FLAG_NO_HEAP_ON_QUEUE, 64);
	assert_int_equal(WER_FAULT_REPORTING_DISABLE_SNAPSHOT_CRASH, 128);
	assert_int_equal(WER_FAULT_REPORTING_DISABLE_SNAPSHOT_HANG, 256);
	assert_int_equal(WER_FAULT_REPORTING_CRITICAL, 512);
	assert_int_equal(WER_FAULT_REPORTING_DURABLE, 1024);
	assert_int_equal(WerRegFileTypeUserDocument, 1);
	assert_int_equal(WerRegFileTypeOther, 2);
	assert_int_equal(WerRegFileTypeMax, 3);
	assert_int_equal(WER_FILE_DELETE_WHEN_DONE, 1);
	assert_int_equal(WER_FILE_ANONYMOUS_DATA, 2);
	assert_int_equal(WER_FILE_COMPRESSED, 4);
	assert_true(GetCurrentProcess() == (HANDLE)(intptr_t)-1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_constants_hresults),
	    T(test_constants_hresult_from_win32),
	    T(test_constants_wer_error_codes),
	    T(test_constants_limits),
	    T(test_constants_flags_and_types),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
