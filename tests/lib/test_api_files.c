/* SPDX-License-Identifier: MIT */
/*
 * test_api_files.c - registered files, wide (WerRegisterFile) and UTF-8
 * (wer_register_file): type, flags, one entry per path, relative paths
 * made absolute, path lengths in UTF-8 bytes, invalid encodings.
 *
 * One of the test_api_*.c files, which test the public registration
 * family, wide (werapi.h) and UTF-8 (wer/wer.h), section by section;
 * test_api.h has what they share. Each test starts from an empty
 * registry (wer__registry_reset) in the running state. HRESULTs are
 * compared as exact 32-bit values.
 */
#include "test_api.h"

/* ---- files ----------------------------------------------------------------
 */

static void test_file_null_and_empty(void **state)
{
	(void)state;
	assert_hr(WerRegisterFile(NULL, WerRegFileTypeOther, 0), E_INVALIDARG);
	assert_hr(WerRegisterFile(L"", WerRegFileTypeOther, 0), E_INVALIDARG);
	assert_hr(WerUnregisterFile(NULL), E_INVALIDARG);
	assert_hr(WerUnregisterFile(L""), E_INVALIDARG);
	assert_hr(wer_register_file(NULL, WerRegFileTypeOther, 0),
		  E_INVALIDARG);
	assert_hr(wer_register_file("", WerRegFileTypeOther, 0), E_INVALIDARG);
	assert_hr(wer_unregister_file(NULL), E_INVALIDARG);
	assert_hr(wer_unregister_file(""), E_INVALIDARG);
	assert_registry_empty();
}

static void test_file_type(void **state)
{
	(void)state;
	assert_hr(WerRegisterFile(L"/tmp/a", (WER_REGISTER_FILE_TYPE)0, 0),
		  E_INVALIDARG);
	assert_hr(WerRegisterFile(L"/tmp/a", WerRegFileTypeMax, 0),
		  E_INVALIDARG);
	assert_hr(WerRegisterFile(L"/tmp/a", (WER_REGISTER_FILE_TYPE)-1, 0),
		  E_INVALIDARG);
	assert_hr(wer_register_file("/tmp/a", (WER_REGISTER_FILE_TYPE)0, 0),
		  E_INVALIDARG);
	assert_hr(wer_register_file("/tmp/a", WerRegFileTypeMax, 0),
		  E_INVALIDARG);
	assert_registry_empty();
	assert_hr(WerRegisterFile(L"/tmp/a", WerRegFileTypeUserDocument, 0),
		  S_OK);
	assert_hr(wer_register_file("/tmp/b", WerRegFileTypeOther, 0), S_OK);
	assert_int_equal(wer_registered_entry_count(), 2);
}

static void test_file_flags(void **state)
{
	(void)state;
	assert_hr(WerRegisterFile(L"/tmp/a", WerRegFileTypeOther,
				  WER_FILE_COMPRESSED),
		  E_INVALIDARG);
	assert_hr(WerRegisterFile(L"/tmp/a", WerRegFileTypeOther, 0x100),
		  E_INVALIDARG);
	assert_hr(wer_register_file("/tmp/a", WerRegFileTypeOther,
				    WER_FILE_COMPRESSED),
		  E_INVALIDARG);
	assert_hr(wer_register_file("/tmp/a", WerRegFileTypeOther, 0x100),
		  E_INVALIDARG);
	assert_hr(
	    wer_register_file("/tmp/a", WerRegFileTypeOther,
			      WER_FILE_DELETE_WHEN_DONE | WER_FILE_COMPRESSED),
	    E_INVALIDARG);
	assert_registry_empty();
	assert_hr(WerRegisterFile(L"/tmp/a", WerRegFileTypeOther,
				  WER_FILE_DELETE_WHEN_DONE |
				      WER_FILE_ANONYMOUS_DATA),
		  S_OK);
	assert_hr(wer_register_file("/tmp/b", WerRegFileTypeOther,
				    WER_FILE_DELETE_WHEN_DONE |
					WER_FILE_ANONYMOUS_DATA),
		  S_OK);
	assert_hr(wer_register_file("/tmp/c", WerRegFileTypeOther,
				    WER_FILE_DELETE_WHEN_DONE),
		  S_OK);
	assert_hr(wer_register_file("/tmp/d", WerRegFileTypeOther,
				    WER_FILE_ANONYMOUS_DATA),
		  S_OK);
	assert_int_equal(wer_registered_entry_count(), 4);
}

static void test_file_same_path_one_entry(void **state)
{
	(void)state;
	assert_hr(wer_register_file("/tmp/same", WerRegFileTypeOther, 0), S_OK);
	assert_hr(wer_register_file("/tmp/same", WerRegFileTypeUserDocument,
				    WER_FILE_DELETE_WHEN_DONE),
		  S_OK);
	assert_hr(WerRegisterFile(L"/tmp/same", WerRegFileTypeOther, 0), S_OK);
	assert_int_equal(wer_registered_entry_count(), 1);
	/* Registered through one API, unregistered through the other. */
	assert_hr(WerUnregisterFile(L"/tmp/same"), S_OK);
	assert_hr(wer_unregister_file("/tmp/same"), WER_E_NOT_FOUND);
	assert_registry_empty();

	assert_hr(
	    WerRegisterFile(L"/tmp/\u00e9t\u00e9", WerRegFileTypeOther, 0),
	    S_OK);
	assert_hr(
	    wer_register_file("/tmp/\xC3\xA9t\xC3\xA9", WerRegFileTypeOther, 0),
	    S_OK);
	assert_int_equal(wer_registered_entry_count(), 1);
	assert_hr(wer_unregister_file("/tmp/\xC3\xA9t\xC3\xA9"), S_OK);
	assert_hr(WerUnregisterFile(L"/tmp/\u00e9t\u00e9"), WER_E_NOT_FOUND);
	assert_registry_empty();
}

static void test_file_relative_path_is_made_absolute(void **state)
{
	char cwd[WER_MAX_FILE_PATH_BYTES + 1];
	char abs[WER_MAX_FILE_PATH_BYTES + 64];
	wchar_t wabs[WER_MAX_FILE_PATH_BYTES + 64];

	(void)state;
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	snprintf(abs, sizeof(abs), "%s/test_api-relative.txt", cwd);

	assert_hr(
	    wer_register_file("test_api-relative.txt", WerRegFileTypeOther, 0),
	    S_OK);
	assert_hr(wer_unregister_file(abs), S_OK);
	assert_registry_empty();

	assert_hr(
	    WerRegisterFile(L"test_api-relative.txt", WerRegFileTypeOther, 0),
	    S_OK);
	assert_hr(wer_register_file(abs, WerRegFileTypeOther, 0), S_OK);
	assert_int_equal(wer_registered_entry_count(), 1);
	assert_hr(WerUnregisterFile(widen(wabs, abs)), S_OK);
	assert_registry_empty();

	/* Absolute in, relative out. */
	assert_hr(wer_register_file(abs, WerRegFileTypeOther, 0), S_OK);
	assert_hr(WerUnregisterFile(L"test_api-relative.txt"), S_OK);
	assert_registry_empty();
}

static void test_file_path_length(void **state)
{
	char path[WER_MAX_FILE_PATH_BYTES + 2];
	wchar_t wpath[WER_MAX_FILE_PATH_BYTES + 2];

	(void)state;
	/* "/" and 4094 'a': 4095 bytes, the longest path. */
	path[0] = '/';
	repeat(path + 1, "a", WER_MAX_FILE_PATH_BYTES - 1);
	assert_int_equal(strlen(path), 4095);
	assert_hr(wer_register_file(path, WerRegFileTypeOther, 0), S_OK);
	assert_hr(WerUnregisterFile(widen(wpath, path)), S_OK);
	assert_hr(WerRegisterFile(wpath, WerRegFileTypeOther, 0), S_OK);
	assert_hr(wer_unregister_file(path), S_OK);
	assert_registry_empty();

	repeat(path + 1, "a", WER_MAX_FILE_PATH_BYTES);
	assert_int_equal(strlen(path), 4096);
	assert_hr(wer_register_file(path, WerRegFileTypeOther, 0),
		  E_INVALIDARG);
	assert_hr(wer_unregister_file(path), E_INVALIDARG);
	assert_hr(WerRegisterFile(widen(wpath, path), WerRegFileTypeOther, 0),
		  E_INVALIDARG);
	assert_hr(WerUnregisterFile(wpath), E_INVALIDARG);
	assert_registry_empty();
}

static void test_file_wide_path_length_counts_utf8_bytes(void **state)
{
	wchar_t wpath[WER_MAX_FILE_PATH_BYTES + 2];

	(void)state;
	/* "/" and 2047 U+00E9: 4095 UTF-8 bytes, fits. */
	wpath[0] = L'/';
	wrepeat(wpath + 1, (wchar_t)0xE9, 2047);
	assert_hr(WerRegisterFile(wpath, WerRegFileTypeOther, 0), S_OK);
	assert_hr(WerUnregisterFile(wpath), S_OK);
	/* 2048 of them: 2049 characters but 4097 bytes. */
	wrepeat(wpath + 1, (wchar_t)0xE9, 2048);
	assert_hr(WerRegisterFile(wpath, WerRegFileTypeOther, 0), E_INVALIDARG);
	/* "/" and 1023 U+10400 and "ab": 4095 bytes; one more 'a' is 4096. */
	wrepeat(wpath + 1, (wchar_t)0x10400, 1023);
	wcscpy(wpath + 1024, L"ab");
	assert_hr(WerRegisterFile(wpath, WerRegFileTypeOther, 0), S_OK);
	wcscpy(wpath + 1024, L"abc");
	assert_hr(WerRegisterFile(wpath, WerRegFileTypeOther, 0), E_INVALIDARG);
	assert_int_equal(wer_registered_entry_count(), 1);
}

static void test_file_relative_path_length(void **state)
{
	char cwd[WER_MAX_FILE_PATH_BYTES + 1];
	char rel[WER_MAX_FILE_PATH_BYTES + 2];
	size_t room;

	(void)state;
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	/* The limit applies to the absolute path: cwd + "/" + rel. */
	room = WER_MAX_FILE_PATH_BYTES - strlen(cwd) - 1;
	repeat(rel, "r", room);
	assert_hr(wer_register_file(rel, WerRegFileTypeOther, 0), S_OK);
	assert_hr(wer_unregister_file(rel), S_OK);
	repeat(rel, "r", room + 1);
	assert_hr(wer_register_file(rel, WerRegFileTypeOther, 0), E_INVALIDARG);
	assert_hr(wer_unregister_file(rel), E_INVALIDARG);
	assert_registry_empty();
}

static void test_file_unregister_unknown(void **state)
{
	(void)state;
	assert_hr(wer_unregister_file("/tmp/unknown"), WER_E_NOT_FOUND);
	assert_hr(WerUnregisterFile(L"/tmp/unknown"), WER_E_NOT_FOUND);
	assert_hr(wer_register_file("/tmp/known", WerRegFileTypeOther, 0),
		  S_OK);
	assert_hr(wer_unregister_file("/tmp/know"), WER_E_NOT_FOUND);
	assert_hr(wer_unregister_file("/tmp/known2"), WER_E_NOT_FOUND);
	assert_hr(wer_unregister_file("/tmp/known"), S_OK);
	assert_hr(wer_unregister_file("/tmp/known"), WER_E_NOT_FOUND);
	assert_hr(WerUnregisterFile(L"/tmp/known"), WER_E_NOT_FOUND);
	assert_registry_empty();
}

static void test_file_invalid_encoding(void **state)
{
	wchar_t wpath[8] = {L'/', L't', 0, 0};

	(void)state;
	assert_hr(wer_register_file("/tmp/\x80", WerRegFileTypeOther, 0),
		  E_INVALIDARG);
	assert_hr(wer_register_file("/tmp/\xC0\xAF", WerRegFileTypeOther, 0),
		  E_INVALIDARG);
	assert_hr(
	    wer_register_file("/tmp/\xED\xA0\x80", WerRegFileTypeOther, 0),
	    E_INVALIDARG);
	assert_hr(wer_register_file("/tmp/\xE6\x97", WerRegFileTypeOther, 0),
		  E_INVALIDARG);
	assert_hr(wer_unregister_file("/tmp/\xF4\x90\x80\x80"), E_INVALIDARG);
	wpath[2] = (wchar_t)0xD800;
	assert_hr(WerRegisterFile(wpath, WerRegFileTypeOther, 0), E_INVALIDARG);
	assert_hr(WerUnregisterFile(wpath), E_INVALIDARG);
	wpath[2] = (wchar_t)0x110000;
	assert_hr(WerRegisterFile(wpath, WerRegFileTypeOther, 0), E_INVALIDARG);
	assert_hr(WerUnregisterFile(wpath), E_INVALIDARG);
	assert_registry_empty();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_file_null_and_empty),
	    T(test_file_type),
	    T(test_file_flags),
	    T(test_file_same_path_one_entry),
	    T(test_file_relative_path_is_made_absolute),
	    T(test_file_path_length),
	    T(test_file_wide_path_length_counts_utf8_bytes),
	    T(test_file_relative_path_length),
	    T(test_file_unregister_unknown),
	    T(test_file_invalid_encoding),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
