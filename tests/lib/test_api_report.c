/* SPDX-License-Identifier: MIT */
/*
 * test_api_report.c - reports without a crash: WerReportCreate, the
 * report handle's checks, wer_report_now's arguments.
 *
 * One of the test_api_*.c files, which test the public registration
 * family, wide (werapi.h) and UTF-8 (wer/wer.h), section by section;
 * test_api.h has what they share. Each test starts from an empty
 * registry (wer__registry_reset) in the running state. HRESULTs are
 * compared as exact 32-bit values.
 */
#include "test_api.h"

/* ---- reports without a crash (werapi.h) --------------------------------- */

static void test_report_create_arguments(void **state)
{
	static wchar_t ev[WER_MAX_EVENT_NAME_LENGTH + 2];
	WER_REPORT_INFORMATION info;
	HREPORT h = NULL;

	(void)state;
	assert_hr(WerReportCreate(NULL, WerReportNonCritical, NULL, &h),
		  E_INVALIDARG);
	assert_hr(WerReportCreate(L"", WerReportNonCritical, NULL, &h),
		  E_INVALIDARG);
	assert_hr(WerReportCreate(L"has space", WerReportNonCritical, NULL, &h),
		  E_INVALIDARG);
	assert_hr(WerReportCreate(L"Ev", WerReportInvalid, NULL, &h),
		  E_INVALIDARG);
	assert_hr(WerReportCreate(L"Ev", WerReportNonCritical, NULL, NULL),
		  E_INVALIDARG);
	assert_null(h);
	for (int i = 0; i < WER_MAX_EVENT_NAME_LENGTH + 1; i++)
		ev[i] = L'E';
	assert_hr(WerReportCreate(ev, WerReportNonCritical, NULL, &h),
		  E_INVALIDARG);
	ev[WER_MAX_EVENT_NAME_LENGTH] = 0;
	assert_hr(WerReportCreate(ev, WerReportNonCritical, NULL, &h), S_OK);
	assert_non_null(h);
	assert_hr(WerReportCloseHandle(h), S_OK);
	memset(&info, 0, sizeof(info));
	info.dwSize = sizeof(info) - 1;
	assert_hr(WerReportCreate(L"Ev", WerReportCritical, &info, &h),
		  E_INVALIDARG);
	info.dwSize = sizeof(info);
	wcscpy(info.wzDescription, L"described");
	assert_hr(WerReportCreate(L"Ev", WerReportApplicationHang, &info, &h),
		  S_OK);
	assert_hr(WerReportCloseHandle(h), S_OK);
}

static void test_report_handle_checks(void **state)
{
	static wchar_t value[WER_MAX_PARAM_LENGTH + 2];
	int not_a_report;
	HREPORT h = NULL;
	WER_SUBMIT_RESULT result = 0;

	(void)state;
	assert_hr(WerReportSetParameter(NULL, 0, L"a", L"b"), E_INVALIDARG);
	assert_hr(WerReportAddFile(NULL, L"/tmp/x", WerFileTypeOther, 0),
		  E_INVALIDARG);
	assert_hr(WerReportAddDump(NULL, GetCurrentProcess(), NULL,
				   WerDumpTypeMiniDump, NULL, NULL, 0),
		  E_INVALIDARG);
	assert_hr(WerReportSubmit(NULL, WerConsentApproved, 0, &result),
		  E_INVALIDARG);
	assert_hr(WerReportCloseHandle(NULL), E_INVALIDARG);
	assert_hr(WerReportCloseHandle(&not_a_report), E_INVALIDARG);
	assert_hr(WerReportSetParameter(&not_a_report, 0, L"a", L"b"),
		  E_INVALIDARG);

	assert_hr(WerReportCreate(L"Ev", WerReportNonCritical, NULL, &h), S_OK);
	assert_hr(WerReportSetParameter(h, WER_MAX_PARAM_COUNT, L"a", L"b"),
		  E_INVALIDARG);
	assert_hr(WerReportSetParameter(h, WER_MAX_PARAM_COUNT - 1, L"a", L"b"),
		  S_OK);
	assert_hr(WerReportSetParameter(h, 0, NULL, L"b"), S_OK);
	assert_hr(WerReportSetParameter(h, 0, L"a", NULL), E_INVALIDARG);
	assert_hr(WerReportSetParameter(h, 0, L"", L"b"), E_INVALIDARG);
	for (int i = 0; i < WER_MAX_PARAM_LENGTH + 1; i++)
		value[i] = L'v';
	assert_hr(WerReportSetParameter(h, 1, L"a", value), E_INVALIDARG);
	value[WER_MAX_PARAM_LENGTH] = 0;
	assert_hr(WerReportSetParameter(h, 1, L"a", value), S_OK);

	assert_hr(WerReportAddFile(h, NULL, WerFileTypeOther, 0), E_INVALIDARG);
	assert_hr(WerReportAddFile(h, L"", WerFileTypeOther, 0), E_INVALIDARG);
	assert_hr(WerReportAddFile(h, L"/tmp/x", 0, 0), E_INVALIDARG);
	assert_hr(WerReportAddFile(h, L"/tmp/x", WerFileTypeMax, 0),
		  E_INVALIDARG);
	assert_hr(WerReportAddFile(h, L"/tmp/x", WerFileTypeOther, 8),
		  E_INVALIDARG);
	for (int i = 0; i < WER_MAX_REPORT_FILES; i++)
		assert_hr(WerReportAddFile(h, L"/tmp/x", WerFileTypeOther,
					   WER_FILE_ANONYMOUS_DATA),
			  S_OK);
	assert_hr(WerReportAddFile(h, L"/tmp/x", WerFileTypeOther, 0),
		  WER_E_INSUFFICIENT_BUFFER);

	assert_hr(WerReportAddDump(h, (HANDLE)(intptr_t)getpid(), NULL,
				   WerDumpTypeMiniDump, NULL, NULL, 0),
		  E_INVALIDARG);
	assert_hr(WerReportAddDump(h, GetCurrentProcess(), (HANDLE)1,
				   WerDumpTypeMiniDump, NULL, NULL, 0),
		  E_INVALIDARG);
	assert_hr(WerReportAddDump(h, GetCurrentProcess(), NULL,
				   WerDumpTypeNone, NULL, NULL, 0),
		  E_INVALIDARG);
	assert_hr(WerReportAddDump(h, GetCurrentProcess(), NULL, WerDumpTypeMax,
				   NULL, NULL, 0),
		  E_INVALIDARG);
	assert_hr(WerReportAddDump(h, GetCurrentProcess(), NULL,
				   WerDumpTypeMiniDump, NULL, NULL, 4),
		  E_INVALIDARG);
	assert_hr(WerReportAddDump(h, GetCurrentProcess(), GetCurrentThread(),
				   WerDumpTypeTriageDump, NULL, NULL,
				   WER_DUMP_AUXILIARY),
		  S_OK);

	assert_hr(WerReportSubmit(h, 0, 0, &result), E_INVALIDARG);
	assert_hr(WerReportSubmit(h, WerConsentMax, 0, &result), E_INVALIDARG);
	assert_hr(WerReportSubmit(h, WerConsentApproved, 0x10000, &result),
		  E_INVALIDARG);
	/* Consent denied: nothing is written, werfault is not started. */
	assert_hr(WerReportSubmit(h, WerConsentDenied, 0, &result), S_OK);
	assert_int_equal(result, WerDisabled);
	assert_hr(WerReportCloseHandle(h), S_OK);
	assert_hr(WerReportCloseHandle(h), E_INVALIDARG);
	assert_hr(WerReportSetParameter(h, 0, L"a", L"b"), E_INVALIDARG);
}

static void test_report_now_arguments(void **state)
{
	char message[WER_MAX_PARAM_LENGTH + 2];

	(void)state;
	assert_hr(wer_report_now(NULL, NULL, 0), E_INVALIDARG);
	assert_hr(wer_report_now("", NULL, 0), E_INVALIDARG);
	assert_hr(wer_report_now("a b", NULL, 0), E_INVALIDARG);
	assert_hr(wer_report_now("Ev", NULL, 2), E_INVALIDARG);
	memset(message, 'm', WER_MAX_PARAM_LENGTH + 1);
	message[WER_MAX_PARAM_LENGTH + 1] = '\0';
	assert_hr(wer_report_now("Ev", message, 0), E_INVALIDARG);
	assert_hr(wer_report_now("Ev", "\xff", 0), E_INVALIDARG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_report_create_arguments),
	    T(test_report_handle_checks),
	    T(test_report_now_arguments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
