/* SPDX-License-Identifier: MIT */
/*
 * test_api_processes.c - WerRegisterAdditionalProcess and its
 * unregistering: pid 0, the limit of four, unknown pids.
 *
 * One of the test_api_*.c files, which test the public registration
 * family, wide (werapi.h) and UTF-8 (wer/wer.h), section by section;
 * test_api.h has what they share. Each test starts from an empty
 * registry (wer__registry_reset) in the running state. HRESULTs are
 * compared as exact 32-bit values.
 */
#include "test_api.h"

/* ---- additional processes -------------------------------------------------
 */

static void test_process_pid_zero(void **state)
{
	(void)state;
	assert_hr(WerRegisterAdditionalProcess(0, 0), E_INVALIDARG);
	assert_hr(WerRegisterAdditionalProcess(0, 42), E_INVALIDARG);
	assert_hr(WerUnregisterAdditionalProcess(0), E_INVALIDARG);
	assert_registry_empty();
	/* tid 0 is "no particular thread". */
	assert_hr(WerRegisterAdditionalProcess(100, 0), S_OK);
	assert_int_equal(wer_registered_entry_count(), 1);
}

static void test_process_limit_four(void **state)
{
	(void)state;
	for (DWORD pid = 100; pid < 100 + WER_MAX_REGISTERED_DUMPCOLLECTION;
	     pid++)
		assert_hr(WerRegisterAdditionalProcess(pid, pid + 1), S_OK);
	assert_int_equal(wer_registered_entry_count(), 4);
	assert_hr(WerRegisterAdditionalProcess(104, 0),
		  WER_E_INSUFFICIENT_BUFFER);
	/* Same pid again: replaced, not a fifth. */
	assert_hr(WerRegisterAdditionalProcess(101, 7), S_OK);
	assert_int_equal(wer_registered_entry_count(), 4);
	/* Memory blocks do not count against the four. */
	assert_hr(WerRegisterMemoryBlock(blocks, 1), S_OK);
	assert_hr(WerRegisterAdditionalProcess(104, 0),
		  WER_E_INSUFFICIENT_BUFFER);
	assert_hr(WerUnregisterAdditionalProcess(102), S_OK);
	assert_hr(WerRegisterAdditionalProcess(104, 0), S_OK);
	assert_hr(WerRegisterAdditionalProcess(105, 0),
		  WER_E_INSUFFICIENT_BUFFER);
	assert_int_equal(wer_registered_entry_count(), 5);
}

static void test_process_unregister_unknown(void **state)
{
	(void)state;
	assert_hr(WerUnregisterAdditionalProcess(100), WER_E_NOT_FOUND);
	assert_hr(WerRegisterAdditionalProcess(100, 0), S_OK);
	assert_hr(WerUnregisterAdditionalProcess(101), WER_E_NOT_FOUND);
	assert_hr(WerUnregisterAdditionalProcess(100), S_OK);
	assert_hr(WerUnregisterAdditionalProcess(100), WER_E_NOT_FOUND);
	assert_registry_empty();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_process_pid_zero),
	    T(test_process_limit_four),
	    T(test_process_unregister_unknown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
