/* SPDX-License-Identifier: MIT */
/*
 * test_api_recovery.c - application recovery mode (every registration call
 * refused with WER_E_INVALID_STATE, readers still answering, everything
 * back on leaving it), and the recovery and restart API of
 * <wer/recovery.h>: the callback's arguments, pings, restart command
 * lines.
 *
 * One of the test_api_*.c files, which test the public registration
 * family, wide (werapi.h) and UTF-8 (wer/wer.h), section by section;
 * test_api.h has what they share. Each test starts from an empty
 * registry (wer__registry_reset) in the running state. HRESULTs are
 * compared as exact 32-bit values.
 */
#include "test_api.h"

/* ---- application recovery mode ---------------------------------------------
 */

/* Registers one of each kind; checks they are all still there. */
static void register_one_of_each(void)
{
	assert_hr(wer_register_custom_metadata("kept", "value"), S_OK);
	assert_hr(WerRegisterCustomMetadata(L"wkept", L"wvalue"), S_OK);
	assert_hr(WerRegisterMemoryBlock(blocks, 8), S_OK);
	assert_hr(WerRegisterExcludedMemoryBlock(&blocks[8], 8), S_OK);
	assert_hr(wer_register_file("/tmp/kept", WerRegFileTypeOther, 0), S_OK);
	assert_hr(WerRegisterFile(L"/tmp/wkept", WerRegFileTypeOther, 0), S_OK);
	assert_hr(WerRegisterAdditionalProcess(100, 0), S_OK);
	assert_hr(WerSetFlags(WER_FAULT_REPORTING_FLAG_QUEUE), S_OK);
	assert_int_equal(wer_registered_metadata_count(), 2);
	assert_int_equal(wer_registered_entry_count(), 7);
}

static void assert_one_of_each_kept(void)
{
	char back[16];
	DWORD f;

	assert_int_equal(wer_registered_metadata_count(), 2);
	assert_int_equal(wer_registered_entry_count(), 7);
	assert_hr(wer_get_custom_metadata("kept", back, sizeof(back)), S_OK);
	assert_string_equal(back, "value");
	assert_hr(wer_get_custom_metadata("wkept", back, sizeof(back)), S_OK);
	assert_string_equal(back, "wvalue");
	assert_hr(WerGetFlags(GetCurrentProcess(), &f), S_OK);
	assert_int_equal(f, WER_FAULT_REPORTING_FLAG_QUEUE);
}

static void test_recovery_refuses_valid_calls(void **state)
{
	char back[16];

	(void)state;
	register_one_of_each();
	wer__registry_set_state(WER_REG_STATE_RECOVERY);
	assert_int_equal(wer__registry_state(), WER_REG_STATE_RECOVERY);

	/* New registrations. */
	assert_hr(WerRegisterCustomMetadata(L"new", L"v"), WER_E_INVALID_STATE);
	assert_hr(wer_register_custom_metadata("new", "v"),
		  WER_E_INVALID_STATE);
	assert_hr(WerRegisterMemoryBlock(&blocks[16], 1), WER_E_INVALID_STATE);
	assert_hr(WerRegisterExcludedMemoryBlock(&blocks[16], 1),
		  WER_E_INVALID_STATE);
	assert_hr(WerRegisterFile(L"/tmp/new", WerRegFileTypeOther, 0),
		  WER_E_INVALID_STATE);
	assert_hr(wer_register_file("/tmp/new", WerRegFileTypeOther, 0),
		  WER_E_INVALID_STATE);
	assert_hr(WerRegisterAdditionalProcess(200, 0), WER_E_INVALID_STATE);
	assert_hr(WerSetFlags(WER_FAULT_REPORTING_FLAG_NOHEAP),
		  WER_E_INVALID_STATE);

	/* Replacing what is registered. */
	assert_hr(WerRegisterCustomMetadata(L"kept", L"x"),
		  WER_E_INVALID_STATE);
	assert_hr(wer_register_custom_metadata("kept", "x"),
		  WER_E_INVALID_STATE);
	assert_hr(WerRegisterMemoryBlock(blocks, 4), WER_E_INVALID_STATE);
	assert_hr(WerRegisterExcludedMemoryBlock(&blocks[8], 4),
		  WER_E_INVALID_STATE);
	assert_hr(wer_register_file("/tmp/kept", WerRegFileTypeUserDocument, 0),
		  WER_E_INVALID_STATE);
	assert_hr(WerRegisterFile(L"/tmp/wkept", WerRegFileTypeUserDocument, 0),
		  WER_E_INVALID_STATE);
	assert_hr(WerRegisterAdditionalProcess(100, 1), WER_E_INVALID_STATE);
	assert_hr(WerSetFlags(WER_FAULT_REPORTING_FLAG_QUEUE),
		  WER_E_INVALID_STATE);

	/* Unregistering what is registered. */
	assert_hr(WerUnregisterCustomMetadata(L"wkept"), WER_E_INVALID_STATE);
	assert_hr(wer_unregister_custom_metadata("kept"), WER_E_INVALID_STATE);
	assert_hr(WerUnregisterMemoryBlock(blocks), WER_E_INVALID_STATE);
	assert_hr(WerUnregisterExcludedMemoryBlock(&blocks[8]),
		  WER_E_INVALID_STATE);
	assert_hr(wer_unregister_file("/tmp/kept"), WER_E_INVALID_STATE);
	assert_hr(WerUnregisterFile(L"/tmp/wkept"), WER_E_INVALID_STATE);
	assert_hr(WerUnregisterAdditionalProcess(100), WER_E_INVALID_STATE);

	/* Unregistering what is not registered. */
	assert_hr(WerUnregisterCustomMetadata(L"unknown"), WER_E_INVALID_STATE);
	assert_hr(wer_unregister_custom_metadata("unknown"),
		  WER_E_INVALID_STATE);
	assert_hr(WerUnregisterMemoryBlock(&blocks[16]), WER_E_INVALID_STATE);
	assert_hr(WerUnregisterExcludedMemoryBlock(&blocks[16]),
		  WER_E_INVALID_STATE);
	assert_hr(wer_unregister_file("/tmp/unknown"), WER_E_INVALID_STATE);
	assert_hr(WerUnregisterFile(L"/tmp/unknown"), WER_E_INVALID_STATE);
	assert_hr(WerUnregisterAdditionalProcess(999), WER_E_INVALID_STATE);

	/* Readers still answer, and nothing changed. */
	assert_one_of_each_kept();
	assert_hr(wer_get_custom_metadata("new", back, sizeof(back)),
		  WER_E_NOT_FOUND);
}

static void test_recovery_refuses_invalid_arguments(void **state)
{
	char key[16], value[WER_METADATA_VALUE_MAX_LENGTH + 2];
	wchar_t wkey[WER_METADATA_KEY_MAX_LENGTH + 2];

	(void)state;
	wer__registry_set_state(WER_REG_STATE_RECOVERY);

	assert_hr(WerRegisterCustomMetadata(NULL, NULL), WER_E_INVALID_STATE);
	assert_hr(WerRegisterCustomMetadata(L"", L"v"), WER_E_INVALID_STATE);
	assert_hr(
	    WerRegisterCustomMetadata(
		wrepeat(wkey, L'k', WER_METADATA_KEY_MAX_LENGTH + 1), L"v"),
	    WER_E_INVALID_STATE);
	assert_hr(WerUnregisterCustomMetadata(NULL), WER_E_INVALID_STATE);
	assert_hr(WerUnregisterCustomMetadata(L"1bad"), WER_E_INVALID_STATE);
	assert_hr(wer_register_custom_metadata(NULL, NULL),
		  WER_E_INVALID_STATE);
	assert_hr(wer_register_custom_metadata("1bad", "\n"),
		  WER_E_INVALID_STATE);
	assert_hr(
	    wer_register_custom_metadata(
		"k", repeat(value, "v", WER_METADATA_VALUE_MAX_LENGTH + 1)),
	    WER_E_INVALID_STATE);
	assert_hr(wer_register_custom_metadata("\xC0\xAF", "v"),
		  WER_E_INVALID_STATE);
	assert_hr(wer_unregister_custom_metadata(NULL), WER_E_INVALID_STATE);
	assert_hr(wer_unregister_custom_metadata(""), WER_E_INVALID_STATE);

	assert_hr(WerRegisterMemoryBlock(NULL, 0), WER_E_INVALID_STATE);
	assert_hr(WerRegisterMemoryBlock(blocks, WER_MAX_MEM_BLOCK_SIZE + 1),
		  WER_E_INVALID_STATE);
	assert_hr(WerUnregisterMemoryBlock(NULL), WER_E_INVALID_STATE);
	assert_hr(WerRegisterExcludedMemoryBlock(NULL, 0), WER_E_INVALID_STATE);
	assert_hr(WerUnregisterExcludedMemoryBlock(NULL), WER_E_INVALID_STATE);

	assert_hr(WerRegisterFile(NULL, (WER_REGISTER_FILE_TYPE)0, 0x100),
		  WER_E_INVALID_STATE);
	assert_hr(WerRegisterFile(L"", WerRegFileTypeMax, WER_FILE_COMPRESSED),
		  WER_E_INVALID_STATE);
	assert_hr(WerUnregisterFile(NULL), WER_E_INVALID_STATE);
	assert_hr(WerUnregisterFile(L""), WER_E_INVALID_STATE);
	assert_hr(wer_register_file(NULL, (WER_REGISTER_FILE_TYPE)0, 0x100),
		  WER_E_INVALID_STATE);
	assert_hr(wer_register_file("/tmp/\x80", WerRegFileTypeOther, 0),
		  WER_E_INVALID_STATE);
	assert_hr(wer_unregister_file(NULL), WER_E_INVALID_STATE);
	assert_hr(wer_unregister_file(""), WER_E_INVALID_STATE);

	assert_hr(WerSetFlags(0x800), WER_E_INVALID_STATE);
	assert_hr(WerRegisterAdditionalProcess(0, 0), WER_E_INVALID_STATE);
	assert_hr(WerUnregisterAdditionalProcess(0), WER_E_INVALID_STATE);

	/* Calls that would fail for lack of room fail for the state. */
	wer__registry_set_state(WER_REG_STATE_RUNNING);
	for (int i = 0; i < WER_MAX_REGISTERED_METADATA; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		assert_hr(wer_register_custom_metadata(key, "v"), S_OK);
	}
	for (DWORD pid = 1; pid <= WER_MAX_REGISTERED_DUMPCOLLECTION; pid++)
		assert_hr(WerRegisterAdditionalProcess(pid, 0), S_OK);
	wer__registry_set_state(WER_REG_STATE_RECOVERY);
	assert_hr(wer_register_custom_metadata("k8", "v"), WER_E_INVALID_STATE);
	assert_hr(WerRegisterCustomMetadata(L"k8", L"v"), WER_E_INVALID_STATE);
	assert_hr(WerRegisterAdditionalProcess(5, 0), WER_E_INVALID_STATE);
	assert_int_equal(wer_registered_metadata_count(), 8);
	assert_int_equal(wer_registered_entry_count(), 12);
}

static void test_recovery_get_flags_works(void **state)
{
	DWORD f = 0;

	(void)state;
	assert_hr(WerSetFlags(WER_FAULT_REPORTING_FLAG_NOHEAP |
			      WER_FAULT_REPORTING_DURABLE),
		  S_OK);
	wer__registry_set_state(WER_REG_STATE_RECOVERY);
	assert_hr(WerGetFlags(GetCurrentProcess(), &f), S_OK);
	assert_int_equal(f, WER_FAULT_REPORTING_FLAG_NOHEAP |
				WER_FAULT_REPORTING_DURABLE);
	/* Its own argument checks are unchanged. */
	assert_hr(WerGetFlags(GetCurrentProcess(), NULL), E_INVALIDARG);
	assert_hr(WerGetFlags((HANDLE)0, &f), E_INVALIDARG);
}

static void test_recovery_left_restores_everything(void **state)
{
	(void)state;
	register_one_of_each();
	wer__registry_set_state(WER_REG_STATE_RECOVERY);
	assert_hr(wer_register_custom_metadata("new", "v"),
		  WER_E_INVALID_STATE);
	assert_hr(WerUnregisterMemoryBlock(blocks), WER_E_INVALID_STATE);
	wer__registry_set_state(WER_REG_STATE_RUNNING);
	assert_int_equal(wer__registry_state(), WER_REG_STATE_RUNNING);

	assert_one_of_each_kept();
	/* Everything registered before recovery is still there to remove... */
	assert_hr(wer_unregister_custom_metadata("kept"), S_OK);
	assert_hr(WerUnregisterCustomMetadata(L"wkept"), S_OK);
	assert_hr(WerUnregisterMemoryBlock(blocks), S_OK);
	assert_hr(WerUnregisterExcludedMemoryBlock(&blocks[8]), S_OK);
	assert_hr(WerUnregisterFile(L"/tmp/kept"), S_OK);
	assert_hr(wer_unregister_file("/tmp/wkept"), S_OK);
	assert_hr(WerUnregisterAdditionalProcess(100), S_OK);
	assert_registry_empty();
	/* ...and every function behaves normally again. */
	assert_hr(wer_register_custom_metadata("new", "v"), S_OK);
	assert_hr(wer_register_custom_metadata("1bad", "v"), E_INVALIDARG);
	assert_hr(WerUnregisterMemoryBlock(blocks), WER_E_NOT_FOUND);
	assert_hr(WerSetFlags(0x800), E_INVALIDARG);
	assert_hr(WerSetFlags(0), S_OK);
}

/* ---- application recovery and restart (wer/recovery.h) ----------------- */

static DWORD WINAPI recovery_callback(PVOID param)
{
	(void)param;
	return 0;
}

static void test_recovery_callback_arguments(void **state)
{
	(void)state;
	assert_hr(RegisterApplicationRecoveryCallback(NULL, NULL, 0, 0),
		  E_INVALIDARG);
	assert_hr(
	    RegisterApplicationRecoveryCallback(
		recovery_callback, NULL, RECOVERY_MAX_PING_INTERVAL + 1, 0),
	    E_INVALIDARG);
	assert_hr(
	    RegisterApplicationRecoveryCallback(recovery_callback, NULL, 0, 1),
	    E_INVALIDARG);
	assert_hr(RegisterApplicationRecoveryCallback(
		      recovery_callback, NULL, RECOVERY_MAX_PING_INTERVAL, 0),
		  S_OK);
	assert_int_equal(wer__recovery.ping_ms, RECOVERY_MAX_PING_INTERVAL);
	/* 0 is the default interval. */
	assert_hr(
	    RegisterApplicationRecoveryCallback(recovery_callback, NULL, 0, 0),
	    S_OK);
	assert_int_equal(wer__recovery.ping_ms, RECOVERY_DEFAULT_PING_INTERVAL);
	assert_int_equal(RECOVERY_DEFAULT_PING_INTERVAL, 5000);
	assert_int_equal(RECOVERY_MAX_PING_INTERVAL, 300000);
	assert_true(wer__recovery.thread_ready);
	assert_ptr_equal(wer__recovery.callback, (void *)recovery_callback);
	assert_hr(UnregisterApplicationRecoveryCallback(), S_OK);
	assert_null(wer__recovery.callback);
	assert_hr(UnregisterApplicationRecoveryCallback(), S_OK);
}

static void test_recovery_in_progress_outside_recovery(void **state)
{
	BOOL cancelled = TRUE;

	(void)state;
	assert_hr(ApplicationRecoveryInProgress(&cancelled), E_FAIL);
	assert_hr(ApplicationRecoveryInProgress(NULL), E_FAIL);
	assert_int_equal(cancelled, TRUE); /* untouched */
	/* Outside recovery, Finished does nothing and returns. */
	ApplicationRecoveryFinished(TRUE);
	assert_hr(ApplicationRecoveryInProgress(&cancelled), E_FAIL);
}

/* The watchdog's side, without a crash: phase RUNNING as the crash path
 * sets it; a ping moves the deadline one interval from now. */
static void test_recovery_ping_moves_deadline(void **state)
{
	BOOL cancelled = TRUE;
	int64_t now;

	(void)state;
	wer__recovery.ping_ms = 1234;
	wer__recovery.deadline_ms = 0;
	wer__recovery.phase = WER_RECOVERY_RUNNING;
	now = wer__monotonic_ms();
	assert_hr(ApplicationRecoveryInProgress(&cancelled), S_OK);
	assert_int_equal(cancelled, FALSE);
	assert_true(wer__recovery.deadline_ms >= now + 1234);
	assert_true(wer__recovery.deadline_ms <= wer__monotonic_ms() + 1234);
	assert_hr(ApplicationRecoveryInProgress(NULL), E_INVALIDARG);
	wer__recovery.phase = WER_RECOVERY_TIMED_OUT;
	assert_hr(ApplicationRecoveryInProgress(&cancelled), E_FAIL);
	wer__recovery.phase = WER_RECOVERY_IDLE;
}

static void test_recovery_mode_refuses_recovery_and_restart(void **state)
{
	(void)state;
	wer__registry_set_state(WER_REG_STATE_RECOVERY);
	assert_hr(
	    RegisterApplicationRecoveryCallback(recovery_callback, NULL, 0, 0),
	    WER_E_INVALID_STATE);
	assert_hr(RegisterApplicationRecoveryCallback(NULL, NULL, 0, 0),
		  WER_E_INVALID_STATE);
	assert_hr(UnregisterApplicationRecoveryCallback(), WER_E_INVALID_STATE);
	assert_hr(RegisterApplicationRestart(L"x", 0), WER_E_INVALID_STATE);
	assert_hr(wer_register_application_restart("x", 0),
		  WER_E_INVALID_STATE);
	assert_hr(UnregisterApplicationRestart(), WER_E_INVALID_STATE);
	wer__registry_set_state(WER_REG_STATE_RUNNING);
	assert_hr(RegisterApplicationRestart(L"x", 0), S_OK);
}

static void test_restart_arguments(void **state)
{
	static wchar_t line[RESTART_MAX_CMD_LINE + 2];
	static char utf8[4 * RESTART_MAX_CMD_LINE + 8];
	char got[WER_REG_CMDLINE_BYTES + 1];
	uint32_t flags = 99;

	(void)state;
	assert_int_equal(RESTART_MAX_CMD_LINE, 1024);
	assert_hr(wer__registry_get_restart(got, sizeof(got), &flags),
		  WER_E_NOT_FOUND);
	assert_hr(RegisterApplicationRestart(NULL, 0), S_OK);
	assert_hr(wer__registry_get_restart(got, sizeof(got), &flags), S_OK);
	assert_string_equal(got, "");
	assert_int_equal(flags, 0);
	for (int f = 0; f <= 15; f++)
		assert_hr(RegisterApplicationRestart(L"-a", (DWORD)f), S_OK);
	assert_hr(RegisterApplicationRestart(L"-a", 16), E_INVALIDARG);
	/* 1024 characters of 4 UTF-8 bytes each fit; 1025 do not. */
	for (int i = 0; i < RESTART_MAX_CMD_LINE + 1; i++)
		line[i] = 0x1F600;
	line[RESTART_MAX_CMD_LINE + 1] = 0;
	assert_hr(RegisterApplicationRestart(line, RESTART_NO_PATCH),
		  E_INVALIDARG);
	line[RESTART_MAX_CMD_LINE] = 0;
	assert_hr(RegisterApplicationRestart(line, RESTART_NO_PATCH), S_OK);
	assert_hr(wer__registry_get_restart(got, sizeof(got), &flags), S_OK);
	assert_int_equal(strlen(got), 4 * RESTART_MAX_CMD_LINE);
	assert_int_equal(flags, RESTART_NO_PATCH);
	line[0] = 0xD800; /* a surrogate is no character */
	line[1] = 0;
	assert_hr(RegisterApplicationRestart(line, 0), E_INVALIDARG);
	memset(utf8, 'a', RESTART_MAX_CMD_LINE);
	utf8[RESTART_MAX_CMD_LINE] = '\0';
	assert_hr(wer_register_application_restart(utf8, 0), S_OK);
	utf8[RESTART_MAX_CMD_LINE] = 'a';
	assert_hr(wer_register_application_restart(utf8, 0), E_INVALIDARG);
	assert_hr(wer_register_application_restart("\xc3(", 0), E_INVALIDARG);
	/* The restart does not take an entry of the shared pool. */
	assert_int_equal(wer_registered_entry_count(), 0);
	assert_hr(UnregisterApplicationRestart(), S_OK);
	assert_hr(wer__registry_get_restart(got, sizeof(got), &flags),
		  WER_E_NOT_FOUND);
	assert_hr(UnregisterApplicationRestart(), S_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_recovery_refuses_valid_calls),
	    T(test_recovery_refuses_invalid_arguments),
	    T(test_recovery_get_flags_works),
	    T(test_recovery_left_restores_everything),

	    T(test_recovery_callback_arguments),
	    T(test_recovery_in_progress_outside_recovery),
	    T(test_recovery_ping_moves_deadline),
	    T(test_recovery_mode_refuses_recovery_and_restart),
	    T(test_restart_arguments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
