/* SPDX-License-Identifier: MIT */
/*
 * test_api.c - the public registration family, wide (werapi.h) and UTF-8
 * (wer/wer.h): every return code of every function, every limit at its
 * boundary, and the rules the two APIs share.
 *
 * Each test starts from an empty registry (wer__registry_reset) in the
 * running state. HRESULTs are compared as exact 32-bit values.
 */
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

/* ---- helpers ------------------------------------------------------------ */

/* Memory whose addresses are registered. Nothing here reads it: the
 * registry only records address and size. */
static char blocks[WER_MAX_REGISTERED_ENTRIES + 16];
static char block64k[WER_MAX_MEM_BLOCK_SIZE + 1];
static char block1m[1 << 20];

/* Writes s into out with every byte outside printable ASCII as \xNN, so a
 * failure message shows exactly which string was being tested. */
static const char *describe(char *out, size_t size, const char *s)
{
	size_t n = 0;

	if (!s)
		return "(null)";
	for (; *s && n + 5 < size; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c > 0x7E || c == '\\')
			n += (size_t)snprintf(out + n, size - n, "\\x%02X", c);
		else
			out[n++] = (char)c;
	}
	out[n] = '\0';
	return out;
}

static void hr_equal(HRESULT actual, HRESULT expected, const char *call,
		     const char *what, const char *file, int line)
{
	if (actual == expected)
		return;
	print_error(
	    "%s%s%s returned 0x%08" PRIX32 ", expected 0x%08" PRIX32 "\n", what,
	    *what ? ": " : "", call, (uint32_t)actual, (uint32_t)expected);
	_fail(file, line);
}

#define assert_hr(call, expected)                                              \
	hr_equal((call), (expected), #call, "", __FILE__, __LINE__)
/* With a description of the case, in a loop; _at in helpers that report
 * their caller's file and line. */
#define assert_hr_msg(what, call, expected)                                    \
	hr_equal((call), (expected), #call, (what), __FILE__, __LINE__)
#define assert_hr_at(what, call, expected)                                     \
	hr_equal((call), (expected), #call, (what), file, line)

/* n copies of unit, NUL terminated, into buf. */
static char *repeat(char *buf, const char *unit, size_t n)
{
	size_t len = strlen(unit);

	for (size_t i = 0; i < n; i++)
		memcpy(buf + i * len, unit, len);
	buf[n * len] = '\0';
	return buf;
}

static wchar_t *wrepeat(wchar_t *buf, wchar_t c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = c;
	buf[n] = L'\0';
	return buf;
}

/* Decodes the test's own valid UTF-8 literals into a wide string. */
static wchar_t *widen(wchar_t *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;

	while (*p) {
		uint32_t c = *p++;
		int more = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;

		if (more)
			c &= 0x3Fu >> more;
		while (more--)
			c = (c << 6) | (*p++ & 0x3Fu);
		out[n++] = (wchar_t)c;
	}
	out[n] = L'\0';
	return out;
}

/* Each byte of s as one wide character (U+0000..U+00FF). */
static wchar_t *widen_bytes(wchar_t *out, const char *s)
{
	size_t n = 0;

	for (; s[n]; n++)
		out[n] = (wchar_t)(unsigned char)s[n];
	out[n] = L'\0';
	return out;
}

static void string_equal_at(const char *what, const char *actual,
			    const char *expected, const char *file, int line)
{
	if (strcmp(actual, expected) == 0)
		return;
	print_error("%s: read back \"%s\", expected \"%s\"\n", what, actual,
		    expected);
	_fail(file, line);
}

static void registry_empty_at(const char *file, int line)
{
	if (wer_registered_metadata_count() != 0 ||
	    wer_registered_entry_count() != 0) {
		print_error("registry not empty: %zu metadata, %zu entries\n",
			    wer_registered_metadata_count(),
			    wer_registered_entry_count());
		_fail(file, line);
	}
}
#define assert_registry_empty() registry_empty_at(__FILE__, __LINE__)

/* key (valid UTF-8) is accepted by both APIs: it registers, reads back,
 * and unregisters, through the UTF-8 and through the wide functions. */
static void key_accepted_at(const char *key, const char *file, int line)
{
	wchar_t wkey[4 * WER_METADATA_KEY_MAX_BYTES];
	char what[4 * WER_METADATA_KEY_MAX_BYTES + 16];
	char value[WER_METADATA_VALUE_MAX_BYTES + 1];

	describe(what, sizeof(what), key);
	assert_hr_at(what, wer_register_custom_metadata(key, "utf8"), S_OK);
	assert_hr_at(what, wer_get_custom_metadata(key, value, sizeof(value)),
		     S_OK);
	string_equal_at(what, value, "utf8", file, line);
	assert_hr_at(what, wer_unregister_custom_metadata(key), S_OK);

	widen(wkey, key);
	assert_hr_at(what, WerRegisterCustomMetadata(wkey, L"wide"), S_OK);
	assert_hr_at(what, wer_get_custom_metadata(key, value, sizeof(value)),
		     S_OK);
	string_equal_at(what, value, "wide", file, line);
	assert_hr_at(what, WerUnregisterCustomMetadata(wkey), S_OK);
	registry_empty_at(file, line);
}
#define key_accepted(key) key_accepted_at((key), __FILE__, __LINE__)

/* key is refused by every UTF-8 function that takes a key. */
static void utf8_key_refused_at(const char *key, const char *file, int line)
{
	char what[4 * WER_METADATA_KEY_MAX_BYTES + 16];
	char value[WER_METADATA_VALUE_MAX_BYTES + 1];

	describe(what, sizeof(what), key);
	assert_hr_at(what, wer_register_custom_metadata(key, "v"),
		     E_INVALIDARG);
	assert_hr_at(what, wer_unregister_custom_metadata(key), E_INVALIDARG);
	assert_hr_at(what, wer_get_custom_metadata(key, value, sizeof(value)),
		     E_INVALIDARG);
	registry_empty_at(file, line);
}
#define utf8_key_refused(key) utf8_key_refused_at((key), __FILE__, __LINE__)

static void wide_key_refused_at(const wchar_t *key, const char *what,
				const char *file, int line)
{
	assert_hr_at(what, WerRegisterCustomMetadata(key, L"v"), E_INVALIDARG);
	assert_hr_at(what, WerUnregisterCustomMetadata(key), E_INVALIDARG);
	registry_empty_at(file, line);
}
#define wide_key_refused(key)                                                  \
	wide_key_refused_at((key), #key, __FILE__, __LINE__)

/* key (valid UTF-8) is refused by both APIs. */
static void key_refused_at(const char *key, const char *file, int line)
{
	wchar_t wkey[4 * WER_METADATA_KEY_MAX_BYTES];
	char what[4 * WER_METADATA_KEY_MAX_BYTES + 16];

	utf8_key_refused_at(key, file, line);
	describe(what, sizeof(what), key);
	wide_key_refused_at(widen(wkey, key), what, file, line);
}
#define key_refused(key) key_refused_at((key), __FILE__, __LINE__)

/* value is refused by both APIs (each byte a wide character for the wide
 * one), and a refused value leaves the registry untouched. */
static void value_refused_at(const char *value, const char *file, int line)
{
	wchar_t wvalue[2 * WER_METADATA_VALUE_MAX_BYTES];
	char what[8 * WER_METADATA_VALUE_MAX_BYTES];

	describe(what, sizeof(what), value);
	assert_hr_at(what, wer_register_custom_metadata("k", value),
		     E_INVALIDARG);
	assert_hr_at(
	    what, WerRegisterCustomMetadata(L"k", widen_bytes(wvalue, value)),
	    E_INVALIDARG);
	registry_empty_at(file, line);
}
#define value_refused(value) value_refused_at((value), __FILE__, __LINE__)

static int setup(void **state)
{
	(void)state;
	wer__registry_reset();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	wer__registry_reset();
	return 0;
}

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

/* ---- metadata: arguments ------------------------------------------------- */

static void test_meta_null_arguments(void **state)
{
	char value[8];

	(void)state;
	assert_hr(WerRegisterCustomMetadata(NULL, L"v"), E_INVALIDARG);
	assert_hr(WerRegisterCustomMetadata(L"k", NULL), E_INVALIDARG);
	assert_hr(WerRegisterCustomMetadata(NULL, NULL), E_INVALIDARG);
	assert_hr(WerUnregisterCustomMetadata(NULL), E_INVALIDARG);
	assert_hr(wer_register_custom_metadata(NULL, "v"), E_INVALIDARG);
	assert_hr(wer_register_custom_metadata("k", NULL), E_INVALIDARG);
	assert_hr(wer_register_custom_metadata(NULL, NULL), E_INVALIDARG);
	assert_hr(wer_unregister_custom_metadata(NULL), E_INVALIDARG);
	assert_hr(wer_get_custom_metadata(NULL, value, sizeof(value)),
		  E_INVALIDARG);
	assert_registry_empty();
}

static void test_meta_empty_key_refused(void **state)
{
	(void)state;
	assert_hr(WerRegisterCustomMetadata(L"", L"v"), E_INVALIDARG);
	assert_hr(WerUnregisterCustomMetadata(L""), E_INVALIDARG);
	assert_hr(wer_register_custom_metadata("", "v"), E_INVALIDARG);
	assert_hr(wer_unregister_custom_metadata(""), E_INVALIDARG);
	assert_registry_empty();
}

static void test_meta_empty_value_accepted(void **state)
{
	char value[8] = "junk";

	(void)state;
	assert_hr(wer_register_custom_metadata("a", ""), S_OK);
	assert_hr(WerRegisterCustomMetadata(L"b", L""), S_OK);
	assert_int_equal(wer_registered_metadata_count(), 2);
	assert_hr(wer_get_custom_metadata("a", value, sizeof(value)), S_OK);
	assert_string_equal(value, "");
	strcpy(value, "junk");
	/* An empty value needs one byte, for its NUL. */
	assert_hr(wer_get_custom_metadata("b", value, 1), S_OK);
	assert_string_equal(value, "");
	assert_hr(wer_get_custom_metadata("b", value, 0), E_INVALIDARG);
}

static void test_meta_key_length_ascii(void **state)
{
	char key[80];
	wchar_t wkey[80];

	(void)state;
	key_accepted(repeat(key, "k", WER_METADATA_KEY_MAX_LENGTH));
	key_refused(repeat(key, "k", WER_METADATA_KEY_MAX_LENGTH + 1));
	wide_key_refused(wrepeat(wkey, L'k', WER_METADATA_KEY_MAX_LENGTH + 1));
	/* Far too long: still refused, not read to the end as a key. */
	key_refused(repeat(key, "k", 79));
}

static void test_meta_key_length_two_byte(void **state)
{
	char key[2 * 65 + 1];

	(void)state;
	/* U+00E9 (é): 64 characters in 128 bytes is a valid key. */
	key_accepted(repeat(key, "\xC3\xA9", WER_METADATA_KEY_MAX_LENGTH));
	key_refused(repeat(key, "\xC3\xA9", WER_METADATA_KEY_MAX_LENGTH + 1));
}

static void test_meta_key_length_three_byte(void **state)
{
	char key[3 * 65 + 1];

	(void)state;
	/* U+65E5 (日): 64 characters in 192 bytes. */
	key_accepted(repeat(key, "\xE6\x97\xA5", WER_METADATA_KEY_MAX_LENGTH));
	key_refused(
	    repeat(key, "\xE6\x97\xA5", WER_METADATA_KEY_MAX_LENGTH + 1));
}

static void test_meta_key_length_four_byte(void **state)
{
	char key[4 * 65 + 1], value[8];
	wchar_t wkey[66];
	wer_metadata_pair_t pairs[1];

	(void)state;
	/* U+10400 is a NameStartChar ([#x10000-#xEFFFF]): 64 of them are 256
	 * UTF-8 bytes, the longest key there is. */
	repeat(key, "\xF0\x90\x90\x80", WER_METADATA_KEY_MAX_LENGTH);
	assert_int_equal(strlen(key), WER_METADATA_KEY_MAX_BYTES);
	key_accepted(key);

	wrepeat(wkey, (wchar_t)0x10400, WER_METADATA_KEY_MAX_LENGTH);
	assert_hr(WerRegisterCustomMetadata(wkey, L"w"), S_OK);
	assert_hr(wer_get_custom_metadata(key, value, sizeof(value)), S_OK);
	assert_string_equal(value, "w");
	assert_int_equal(wer_list_custom_metadata(pairs, 1), 1);
	assert_string_equal(pairs[0].key, key);
	assert_hr(wer_unregister_custom_metadata(key), S_OK);

	/* 65 of them: 260 bytes, refused whichever limit catches it. */
	key_refused(
	    repeat(key, "\xF0\x90\x90\x80", WER_METADATA_KEY_MAX_LENGTH + 1));
	wide_key_refused(
	    wrepeat(wkey, (wchar_t)0x10400, WER_METADATA_KEY_MAX_LENGTH + 1));
}

static void test_meta_value_length(void **state)
{
	char value[WER_METADATA_VALUE_MAX_LENGTH + 2];
	char back[WER_METADATA_VALUE_MAX_BYTES + 1];
	wchar_t wvalue[WER_METADATA_VALUE_MAX_LENGTH + 2];

	(void)state;
	repeat(value, "v", WER_METADATA_VALUE_MAX_LENGTH);
	assert_hr(wer_register_custom_metadata("a", value), S_OK);
	assert_hr(wer_get_custom_metadata("a", back, sizeof(back)), S_OK);
	assert_string_equal(back, value);
	assert_hr(
	    WerRegisterCustomMetadata(
		L"b", wrepeat(wvalue, L'w', WER_METADATA_VALUE_MAX_LENGTH)),
	    S_OK);
	assert_hr(wer_get_custom_metadata("b", back, sizeof(back)), S_OK);
	assert_int_equal(strlen(back), WER_METADATA_VALUE_MAX_LENGTH);

	assert_hr(
	    wer_register_custom_metadata(
		"c", repeat(value, "v", WER_METADATA_VALUE_MAX_LENGTH + 1)),
	    E_INVALIDARG);
	assert_hr(
	    WerRegisterCustomMetadata(
		L"c", wrepeat(wvalue, L'w', WER_METADATA_VALUE_MAX_LENGTH + 1)),
	    E_INVALIDARG);
	assert_int_equal(wer_registered_metadata_count(), 2);
}

static void test_meta_value_control_characters_refused(void **state)
{
	static const char bad[] = {0x1F,       0x7F,	   '\t',
				   '\n',       '\r',	   0x01,
				   (char)0x80, (char)0xC3, (char)0xFF};
	/* Positions 0 and 15 fall in the first 16 bytes, 16 and 127 past
	 * them: every way the value scan can be split. */
	static const size_t at[] = {0, 1, 15, 16, 17, 31, 64, 127};
	char value[WER_METADATA_VALUE_MAX_LENGTH + 1];

	(void)state;
	for (size_t i = 0; i < sizeof(bad); i++) {
		for (size_t j = 0; j < sizeof(at) / sizeof(at[0]); j++) {
			repeat(value, "v", WER_METADATA_VALUE_MAX_LENGTH);
			value[at[j]] = bad[i];
			value_refused(value);
			value[at[j] + 1] = '\0';
			value_refused(value);
		}
	}
	/* Two-byte UTF-8 as one wide character: U+00E9 is not ASCII. */
	assert_hr(WerRegisterCustomMetadata(L"k", L"caf\u00e9"), E_INVALIDARG);
	assert_hr(wer_register_custom_metadata("k", "caf\xC3\xA9"),
		  E_INVALIDARG);
	assert_hr(WerRegisterCustomMetadata(L"k", L"\U0001F600"), E_INVALIDARG);
	assert_registry_empty();
}

static void test_meta_value_all_printable_accepted(void **state)
{
	char value[0x7F - 0x20 + 1], back[WER_METADATA_VALUE_MAX_BYTES + 1];
	wchar_t wvalue[0x7F - 0x20 + 1];

	(void)state;
	for (int c = 0x20; c <= 0x7E; c++)
		value[c - 0x20] = (char)c;
	value[0x7F - 0x20] = '\0';
	assert_hr(wer_register_custom_metadata("a", value), S_OK);
	assert_hr(wer_get_custom_metadata("a", back, sizeof(back)), S_OK);
	assert_string_equal(back, value);
	assert_hr(WerRegisterCustomMetadata(L"b", widen_bytes(wvalue, value)),
		  S_OK);
	assert_hr(wer_get_custom_metadata("b", back, sizeof(back)), S_OK);
	assert_string_equal(back, value);
}

static void test_meta_value_xml_specials_read_back(void **state)
{
	char back[16];

	(void)state;
	assert_hr(wer_register_custom_metadata("a", "<&\"'>"), S_OK);
	assert_hr(wer_get_custom_metadata("a", back, sizeof(back)), S_OK);
	assert_string_equal(back, "<&\"'>");
	assert_hr(WerRegisterCustomMetadata(L"b", L"<&\"'>"), S_OK);
	assert_hr(wer_get_custom_metadata("b", back, sizeof(back)), S_OK);
	assert_string_equal(back, "<&\"'>");
}

/* The validators scan in 16-byte blocks: every length and every alignment
 * of the string relative to those blocks must give the same answers. */
static void test_meta_value_every_length_and_alignment(void **state)
{
	_Alignas(16) char buf[16 + WER_METADATA_VALUE_MAX_LENGTH + 8];
	char back[WER_METADATA_VALUE_MAX_BYTES + 1];

	(void)state;
	for (size_t align = 0; align < 16; align++) {
		for (size_t len = 0; len <= WER_METADATA_VALUE_MAX_LENGTH + 3;
		     len++) {
			char *value = buf + align;
			char what[64];

			/* Printable garbage after the NUL must not count. */
			memset(buf, 'g', sizeof(buf));
			repeat(value, "v", len);
			snprintf(what, sizeof(what), "align %zu, length %zu",
				 align, len);
			if (len <= WER_METADATA_VALUE_MAX_LENGTH) {
				assert_hr_msg(
				    what,
				    wer_register_custom_metadata("k", value),
				    S_OK);
				assert_hr_msg(what,
					      wer_get_custom_metadata(
						  "k", back, sizeof(back)),
					      S_OK);
				assert_int_equal(strlen(back), len);
			} else {
				assert_hr_msg(
				    what,
				    wer_register_custom_metadata("k", value),
				    E_INVALIDARG);
			}
		}
	}
}

static void test_meta_value_bad_byte_every_position(void **state)
{
	static const unsigned char bad[] = {0x01, 0x1F, 0x7F, 0x80,
					    0xC3, 0xFF, '\t', '\n'};
	_Alignas(16) char buf[16 + WER_METADATA_VALUE_MAX_LENGTH + 8];

	(void)state;
	for (size_t b = 0; b < sizeof(bad); b++) {
		for (size_t align = 0; align < 16; align += 5) {
			for (size_t at = 0; at < WER_METADATA_VALUE_MAX_LENGTH;
			     at++) {
				char *value = buf + align;
				char what[64];

				repeat(value, "v",
				       WER_METADATA_VALUE_MAX_LENGTH);
				value[at] = (char)bad[b];
				snprintf(what, sizeof(what),
					 "byte 0x%02X at %zu, align %zu",
					 bad[b], at, align);
				assert_hr_msg(
				    what,
				    wer_register_custom_metadata("k", value),
				    E_INVALIDARG);
			}
		}
	}
	assert_registry_empty();
}

static void test_meta_value_wide_bad_char_every_position(void **state)
{
	/* Some look like ASCII in their low byte: 0x161 ('a' + 0x100),
	 * 0x110041, 0x80000041 (negative), 0xD841. */
	static const uint32_t bad[] = {
	    0x1F,   0x7F,     0x80,    0xE9,	    0x161,
	    0xD841, 0x110041, 0x10041, 0x80000041u, 0xFFFFFFFFu};
	wchar_t value[WER_METADATA_VALUE_MAX_LENGTH + 1];

	(void)state;
	for (size_t b = 0; b < sizeof(bad) / sizeof(bad[0]); b++) {
		for (size_t at = 0; at < WER_METADATA_VALUE_MAX_LENGTH; at++) {
			char what[64];

			wrepeat(value, L'v', WER_METADATA_VALUE_MAX_LENGTH);
			value[at] = (wchar_t)bad[b];
			snprintf(what, sizeof(what), "U+%04" PRIX32 " at %zu",
				 bad[b], at);
			assert_hr_msg(what,
				      WerRegisterCustomMetadata(L"k", value),
				      E_INVALIDARG);
		}
	}
	/* Every wide length at the boundary. */
	for (size_t len = 0; len <= WER_METADATA_VALUE_MAX_LENGTH + 2; len++) {
		wchar_t v[WER_METADATA_VALUE_MAX_LENGTH + 3];
		char what[32];

		snprintf(what, sizeof(what), "length %zu", len);
		assert_hr_msg(
		    what,
		    WerRegisterCustomMetadata(L"k", wrepeat(v, L'~', len)),
		    len <= WER_METADATA_VALUE_MAX_LENGTH ? S_OK : E_INVALIDARG);
	}
	assert_int_equal(wer_registered_metadata_count(), 1);
}

static void test_meta_key_every_length_and_alignment(void **state)
{
	_Alignas(16) char buf[16 + 80 + 16];
	wchar_t wkey[80];

	(void)state;
	for (size_t align = 0; align < 16; align++) {
		for (size_t len = 1; len <= WER_METADATA_KEY_MAX_LENGTH + 3;
		     len++) {
			char *key = buf + align;
			char what[64];
			HRESULT want = len <= WER_METADATA_KEY_MAX_LENGTH
					   ? S_OK
					   : E_INVALIDARG;

			/* Name characters after the NUL must not count. */
			memset(buf, 'g', sizeof(buf));
			repeat(key, "k", len);
			snprintf(what, sizeof(what), "align %zu, length %zu",
				 align, len);
			assert_hr_msg(
			    what, wer_register_custom_metadata(key, "v"), want);
			assert_hr_msg(what, wer_unregister_custom_metadata(key),
				      want == S_OK ? S_OK : E_INVALIDARG);
			if (align == 0) {
				wrepeat(wkey, L'k', len);
				assert_hr_msg(
				    what, WerRegisterCustomMetadata(wkey, L"v"),
				    want);
				assert_hr_msg(
				    what, WerUnregisterCustomMetadata(wkey),
				    want == S_OK ? S_OK : E_INVALIDARG);
			}
		}
	}
	assert_registry_empty();
}

static void test_meta_key_bad_char_every_position(void **state)
{
	static const unsigned char bad[] = {' ', ':',  '/',  '@',  '[', '`',
					    '{', 0x01, 0x7F, 0x80, 0xFF};
	_Alignas(16) char buf[16 + WER_METADATA_KEY_MAX_LENGTH + 8];

	(void)state;
	for (size_t b = 0; b < sizeof(bad); b++) {
		for (size_t align = 0; align < 16; align += 3) {
			for (size_t at = 0; at < WER_METADATA_KEY_MAX_LENGTH;
			     at++) {
				char *key = buf + align;
				char what[64];

				repeat(key, "k", WER_METADATA_KEY_MAX_LENGTH);
				key[at] = (char)bad[b];
				snprintf(what, sizeof(what),
					 "byte 0x%02X at %zu, align %zu",
					 bad[b], at, align);
				assert_hr_msg(
				    what,
				    wer_register_custom_metadata(key, "v"),
				    E_INVALIDARG);
			}
		}
	}
	/* A NameChar that is not a NameStartChar, first, at each alignment. */
	for (size_t align = 0; align < 16; align++) {
		char what[32];

		memset(buf, 0, sizeof(buf));
		repeat(buf + align, "k", 40);
		buf[align] = '7';
		snprintf(what, sizeof(what), "align %zu", align);
		assert_hr_msg(what,
			      wer_register_custom_metadata(buf + align, "v"),
			      E_INVALIDARG);
		buf[align] = '-';
		assert_hr_msg(what,
			      wer_register_custom_metadata(buf + align, "v"),
			      E_INVALIDARG);
	}
	assert_registry_empty();
}

static void test_meta_key_wide_bad_char_every_position(void **state)
{
	/* 0xD861, 0x110061 and 0x80000061 have 'a' in their low byte. */
	static const uint32_t bad[] = {' ',	    ':',	 0x7F,
				       0xD7,	    0xD861,	 0x110061,
				       0x80000061u, 0xFFFFFFFFu, 0x37E};
	wchar_t key[WER_METADATA_KEY_MAX_LENGTH + 1];

	(void)state;
	for (size_t b = 0; b < sizeof(bad) / sizeof(bad[0]); b++) {
		for (size_t at = 0; at < WER_METADATA_KEY_MAX_LENGTH; at++) {
			char what[64];

			wrepeat(key, L'k', WER_METADATA_KEY_MAX_LENGTH);
			key[at] = (wchar_t)bad[b];
			snprintf(what, sizeof(what), "U+%04" PRIX32 " at %zu",
				 bad[b], at);
			assert_hr_msg(what,
				      WerRegisterCustomMetadata(key, L"v"),
				      E_INVALIDARG);
			assert_hr_msg(what, WerUnregisterCustomMetadata(key),
				      E_INVALIDARG);
		}
	}
	/* A valid non-ASCII character anywhere, and the key reads back. */
	for (size_t at = 0; at < WER_METADATA_KEY_MAX_LENGTH; at++) {
		char utf8[WER_METADATA_KEY_MAX_LENGTH + 2];
		char back[4];
		char what[32];

		wrepeat(key, L'k', WER_METADATA_KEY_MAX_LENGTH);
		key[at] = (wchar_t)0xE9;
		repeat(utf8, "k", at);
		strcat(utf8, "\xC3\xA9");
		repeat(utf8 + at + 2, "k",
		       WER_METADATA_KEY_MAX_LENGTH - at - 1);
		snprintf(what, sizeof(what), "U+00E9 at %zu", at);
		assert_hr_msg(what, WerRegisterCustomMetadata(key, L"v"), S_OK);
		assert_hr_msg(what,
			      wer_get_custom_metadata(utf8, back, sizeof(back)),
			      S_OK);
		assert_hr_msg(what, wer_unregister_custom_metadata(utf8), S_OK);
	}
	assert_registry_empty();
}

/* ---- metadata: keys as XML names ----------------------------------------- */

static void test_meta_key_first_char_not_name_start(void **state)
{
	(void)state;
	key_refused("1");
	key_refused("9abc");
	key_refused("-a");
	key_refused(".a");
	key_refused("-");
	key_refused(".");
	/* ...but the same characters are fine after the first. */
	key_accepted("a1");
	key_accepted("a-");
	key_accepted("a.");
}

static void test_meta_key_punctuation_refused(void **state)
{
	static const char bad[] = " <>&/=\"';,():!?#$%*+@[]\\^`{|}~\t\x01\x7F";
	char key[4];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) - 1; i++) {
		/* First, middle and last position. */
		snprintf(key, sizeof(key), "%cb", bad[i]);
		key_refused(key);
		snprintf(key, sizeof(key), "a%cb", bad[i]);
		key_refused(key);
		snprintf(key, sizeof(key), "a%c", bad[i]);
		key_refused(key);
	}
}

static void test_meta_key_colon_refused(void **state)
{
	(void)state;
	/* ':' is a NameStartChar in XML 1.0; openwer refuses it by choice
	 * (namespace prefixes). */
	key_refused(":");
	key_refused(":a");
	key_refused("a:b");
	key_refused("ns:key");
}

static void test_meta_key_valid_names(void **state)
{
	(void)state;
	key_accepted("_x");
	key_accepted("_");
	key_accepted("a");
	key_accepted("Z");
	key_accepted("a-b.c9");
	key_accepted("xmlFoo");
	key_accepted("XMLthing");
	key_accepted("xml");
	key_accepted("\xC3\xA9");		  /* é */
	key_accepted("\xE6\x97\xA5\xE6\x9C\xAC"); /* 日本 */
	key_accepted("\xC3\x9C"
		     "bersetzung");	  /* Übersetzung */
	key_accepted("\xF0\x90\x90\x80"); /* U+10400 */
}

static void test_meta_key_combining_mark(void **state)
{
	(void)state;
	/* U+0301 COMBINING ACUTE ACCENT: a NameChar, not a NameStartChar. */
	key_refused("\xCC\x81");
	key_refused("\xCC\x81"
		    "a");
	key_accepted("a\xCC\x81");
	key_accepted("e\xCC\x81t\xCC\x81");
}

static void test_meta_key_middle_dot(void **state)
{
	(void)state;
	/* U+00B7 MIDDLE DOT: a NameChar, not a NameStartChar. */
	key_refused("\xC2\xB7");
	key_refused("\xC2\xB7"
		    "a");
	key_accepted("a\xC2\xB7");
	key_accepted("a\xC2\xB7"
		     "b");
}

static void test_meta_key_unicode_range_edges(void **state)
{
	(void)state;
	key_refused("\xC3\x97"); /* U+00D7 multiplication sign */
	key_refused("a\xC3\x97");
	key_refused("\xC3\xB7"); /* U+00F7 division sign */
	key_refused("a\xC3\xB7");
	key_accepted("\xC3\x80"); /* U+00C0 first NameStartChar above ASCII */
	key_accepted("\xC3\xB6"); /* U+00F6 */
	key_accepted("\xC3\xB8"); /* U+00F8 */
	key_refused("\xC2\xA0");  /* U+00A0 no-break space */
	key_refused("\xCD\xBE");  /* U+037E Greek question mark */
	key_accepted("\xCD\xBF"); /* U+037F */
	key_refused("\xE2\x80\xBF"); /* U+203F undertie: NameChar only */
	key_accepted("a\xE2\x80\xBF");
	key_refused("\xEF\xBF\xBF");	  /* U+FFFF */
	key_accepted("\xEF\xBF\xBD");	  /* U+FFFD */
	key_accepted("\xF3\xAF\xBF\xBF"); /* U+EFFFF last NameStartChar */
	key_refused("\xF3\xB0\x80\x80");  /* U+F0000 */
	key_refused("a\xF3\xB0\x80\x80");
	key_refused("\xF4\x8F\xBF\xBF"); /* U+10FFFF */
}

static void test_meta_key_invalid_utf8(void **state)
{
	(void)state;
	utf8_key_refused("\x80"); /* lone continuation byte */
	utf8_key_refused("a\x80");
	utf8_key_refused("\xC0\xAF");	      /* overlong '/' */
	utf8_key_refused("\xC1\x81");	      /* overlong 'A' */
	utf8_key_refused("\xE0\x80\xAF");     /* overlong, three bytes */
	utf8_key_refused("\xF0\x80\x80\xAF"); /* overlong, four bytes */
	utf8_key_refused("\xE6\x97");	      /* truncated 日 */
	utf8_key_refused("a\xE6\x97");
	utf8_key_refused("\xE6\x97"
			 "a");		      /* continuation missing */
	utf8_key_refused("\xC3");	      /* truncated é */
	utf8_key_refused("\xED\xA0\x80");     /* surrogate U+D800 */
	utf8_key_refused("a\xED\xBF\xBF");    /* surrogate U+DFFF */
	utf8_key_refused("\xF4\x90\x80\x80"); /* U+110000 */
	utf8_key_refused("\xF5\x80\x80\x80");
	utf8_key_refused("\xF8\x88\x80\x80\x80"); /* five-byte form */
	utf8_key_refused("\xFE");
	utf8_key_refused("\xFF");
}

static void test_meta_wide_invalid_code_points(void **state)
{
	wchar_t key[4] = {L'a', 0, 0, 0};
	wchar_t value[4] = {L'v', 0, 0, 0};

	(void)state;
	key[0] = (wchar_t)0xD800;
	wide_key_refused(key);
	key[0] = L'a';
	key[1] = (wchar_t)0xDFFF;
	wide_key_refused(key);
	key[1] = (wchar_t)0xD801; /* a UTF-16 pair is two surrogates here */
	key[2] = (wchar_t)0xDC00;
	wide_key_refused(key);
	key[1] = (wchar_t)0x110000;
	key[2] = 0;
	wide_key_refused(key);
	key[1] = (wchar_t)-1;
	wide_key_refused(key);

	value[1] = (wchar_t)0xD800;
	assert_hr(WerRegisterCustomMetadata(L"k", value), E_INVALIDARG);
	value[1] = (wchar_t)0x110000;
	assert_hr(WerRegisterCustomMetadata(L"k", value), E_INVALIDARG);
	value[1] = (wchar_t)-1;
	assert_hr(WerRegisterCustomMetadata(L"k", value), E_INVALIDARG);
	value[1] = (wchar_t)(0x100 + 'a'); /* not truncated to 'a' */
	assert_hr(WerRegisterCustomMetadata(L"k", value), E_INVALIDARG);
	assert_registry_empty();
}

/* ---- metadata: registry behaviour ---------------------------------------- */

static void test_meta_refused_call_changes_nothing(void **state)
{
	char back[16];

	(void)state;
	assert_hr(wer_register_custom_metadata("k", "old"), S_OK);
	assert_hr(wer_register_custom_metadata("k", "bad\n"), E_INVALIDARG);
	assert_hr(WerRegisterCustomMetadata(L"k", L"bad\t"), E_INVALIDARG);
	assert_hr(WerRegisterCustomMetadata(L"k", NULL), E_INVALIDARG);
	assert_hr(wer_get_custom_metadata("k", back, sizeof(back)), S_OK);
	assert_string_equal(back, "old");
	assert_int_equal(wer_registered_metadata_count(), 1);
	assert_int_equal(wer_registered_entry_count(), 1);
}

static void test_meta_replace_in_place(void **state)
{
	char back[16];

	(void)state;
	assert_hr(wer_register_custom_metadata("k", "one"), S_OK);
	assert_hr(wer_register_custom_metadata("other", "x"), S_OK);
	assert_int_equal(wer_registered_metadata_count(), 2);
	assert_int_equal(wer_registered_entry_count(), 2);
	for (int i = 0; i < 5; i++) {
		snprintf(back, sizeof(back), "v%d", i);
		assert_hr(wer_register_custom_metadata("k", back), S_OK);
	}
	assert_int_equal(wer_registered_metadata_count(), 2);
	assert_int_equal(wer_registered_entry_count(), 2);
	assert_hr(wer_get_custom_metadata("k", back, sizeof(back)), S_OK);
	assert_string_equal(back, "v4");
	assert_hr(wer_get_custom_metadata("other", back, sizeof(back)), S_OK);
	assert_string_equal(back, "x");

	/* Keys are compared exactly: case matters. */
	assert_hr(wer_register_custom_metadata("K", "upper"), S_OK);
	assert_int_equal(wer_registered_metadata_count(), 3);
	assert_hr(wer_get_custom_metadata("k", back, sizeof(back)), S_OK);
	assert_string_equal(back, "v4");
}

static void test_meta_replace_across_apis(void **state)
{
	char back[16];

	(void)state;
	/* Wide in, UTF-8 replaces and unregisters. */
	assert_hr(WerRegisterCustomMetadata(L"Build", L"wide"), S_OK);
	assert_hr(wer_register_custom_metadata("Build", "utf8"), S_OK);
	assert_int_equal(wer_registered_metadata_count(), 1);
	assert_int_equal(wer_registered_entry_count(), 1);
	assert_hr(wer_get_custom_metadata("Build", back, sizeof(back)), S_OK);
	assert_string_equal(back, "utf8");
	assert_hr(wer_unregister_custom_metadata("Build"), S_OK);
	assert_hr(WerUnregisterCustomMetadata(L"Build"), WER_E_NOT_FOUND);
	assert_registry_empty();

	/* UTF-8 in, wide replaces and unregisters; a non-ASCII key. */
	assert_hr(wer_register_custom_metadata("\xC3\x9C"
					       "bersetzung",
					       "de"),
		  S_OK);
	assert_hr(WerRegisterCustomMetadata(L"\u00DCbersetzung", L"fr"), S_OK);
	assert_int_equal(wer_registered_metadata_count(), 1);
	assert_int_equal(wer_registered_entry_count(), 1);
	assert_hr(wer_get_custom_metadata("\xC3\x9C"
					  "bersetzung",
					  back, sizeof(back)),
		  S_OK);
	assert_string_equal(back, "fr");
	assert_hr(WerUnregisterCustomMetadata(L"\u00DCbersetzung"), S_OK);
	assert_hr(wer_unregister_custom_metadata("\xC3\x9C"
						 "bersetzung"),
		  WER_E_NOT_FOUND);
	assert_registry_empty();
}

static void test_meta_limit_eight_pairs(void **state)
{
	char key[16], back[16];

	(void)state;
	for (int i = 0; i < WER_MAX_REGISTERED_METADATA; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		assert_hr(wer_register_custom_metadata(key, "v"), S_OK);
	}
	assert_int_equal(wer_registered_metadata_count(), 8);
	assert_int_equal(wer_registered_entry_count(), 8);

	assert_hr(wer_register_custom_metadata("k8", "v"),
		  WER_E_INSUFFICIENT_BUFFER);
	assert_hr(WerRegisterCustomMetadata(L"k8", L"v"),
		  WER_E_INSUFFICIENT_BUFFER);
	assert_hr(wer_get_custom_metadata("k8", back, sizeof(back)),
		  WER_E_NOT_FOUND);
	assert_int_equal(wer_registered_metadata_count(), 8);
	assert_int_equal(wer_registered_entry_count(), 8);

	/* Replacing one of the eight needs no new slot. */
	assert_hr(wer_register_custom_metadata("k3", "new"), S_OK);
	assert_hr(WerRegisterCustomMetadata(L"k7", L"wide"), S_OK);
	assert_hr(wer_get_custom_metadata("k3", back, sizeof(back)), S_OK);
	assert_string_equal(back, "new");
	assert_int_equal(wer_registered_metadata_count(), 8);

	/* Other kinds are not limited by the metadata count. */
	assert_hr(WerRegisterMemoryBlock(blocks, 1), S_OK);
	assert_int_equal(wer_registered_entry_count(), 9);

	assert_hr(wer_unregister_custom_metadata("k5"), S_OK);
	assert_int_equal(wer_registered_metadata_count(), 7);
	assert_hr(wer_register_custom_metadata("k8", "v8"), S_OK);
	assert_int_equal(wer_registered_metadata_count(), 8);
	assert_hr(WerRegisterCustomMetadata(L"k9", L"v"),
		  WER_E_INSUFFICIENT_BUFFER);
	assert_hr(wer_get_custom_metadata("k8", back, sizeof(back)), S_OK);
	assert_string_equal(back, "v8");
	assert_hr(wer_get_custom_metadata("k5", back, sizeof(back)),
		  WER_E_NOT_FOUND);
}

static void test_meta_unregister_unknown(void **state)
{
	(void)state;
	assert_hr(wer_unregister_custom_metadata("nope"), WER_E_NOT_FOUND);
	assert_hr(WerUnregisterCustomMetadata(L"nope"), WER_E_NOT_FOUND);

	assert_hr(wer_register_custom_metadata("k", "v"), S_OK);
	assert_hr(wer_unregister_custom_metadata("kk"), WER_E_NOT_FOUND);
	assert_hr(wer_unregister_custom_metadata("K"), WER_E_NOT_FOUND);
	assert_int_equal(wer_registered_metadata_count(), 1);
	assert_hr(wer_unregister_custom_metadata("k"), S_OK);
	assert_hr(wer_unregister_custom_metadata("k"), WER_E_NOT_FOUND);
	assert_hr(WerUnregisterCustomMetadata(L"k"), WER_E_NOT_FOUND);

	assert_hr(WerRegisterCustomMetadata(L"w", L"v"), S_OK);
	assert_hr(WerUnregisterCustomMetadata(L"w"), S_OK);
	assert_hr(WerUnregisterCustomMetadata(L"w"), WER_E_NOT_FOUND);
	assert_registry_empty();
}

static void test_meta_list(void **state)
{
	wer_metadata_pair_t pairs[WER_MAX_REGISTERED_METADATA];
	wer_metadata_pair_t untouched;

	(void)state;
	assert_int_equal(wer_list_custom_metadata(pairs, 8), 0);
	assert_int_equal(wer_list_custom_metadata(NULL, 0), 0);

	assert_hr(wer_register_custom_metadata("a", "1"), S_OK);
	assert_hr(WerRegisterCustomMetadata(L"b", L"2"), S_OK);
	assert_hr(wer_register_custom_metadata("c", "3"), S_OK);
	assert_hr(WerRegisterMemoryBlock(blocks, 1), S_OK);

	memset(pairs, 0x5A, sizeof(pairs));
	memset(&untouched, 0x5A, sizeof(untouched));
	assert_int_equal(wer_list_custom_metadata(pairs, 2), 3);
	assert_string_equal(pairs[0].key, "a");
	assert_string_equal(pairs[0].value, "1");
	assert_string_equal(pairs[1].key, "b");
	assert_string_equal(pairs[1].value, "2");
	assert_memory_equal(&pairs[2], &untouched, sizeof(untouched));

	assert_int_equal(wer_list_custom_metadata(pairs, 0), 3);
	assert_int_equal(wer_list_custom_metadata(NULL, 0), 3);
	assert_int_equal(wer_list_custom_metadata(NULL, 8), 3);

	assert_int_equal(wer_list_custom_metadata(pairs, 8), 3);
	assert_string_equal(pairs[2].key, "c");
	assert_string_equal(pairs[2].value, "3");
	assert_memory_equal(&pairs[3], &untouched, sizeof(untouched));
}

static void test_meta_get(void **state)
{
	char back[8];

	(void)state;
	assert_hr(wer_get_custom_metadata("k", back, sizeof(back)),
		  WER_E_NOT_FOUND);
	assert_hr(wer_register_custom_metadata("k", "12345"), S_OK);

	/* Room for five characters and the NUL, no less. */
	assert_hr(wer_get_custom_metadata("k", back, 6), S_OK);
	assert_string_equal(back, "12345");
	memset(back, 'x', sizeof(back));
	assert_hr(wer_get_custom_metadata("k", back, 5), E_INVALIDARG);
	assert_hr(wer_get_custom_metadata("k", back, 1), E_INVALIDARG);
	assert_hr(wer_get_custom_metadata("k", back, 0), E_INVALIDARG);
	assert_hr(wer_get_custom_metadata("k", NULL, 0), E_INVALIDARG);
	assert_hr(wer_get_custom_metadata("k", NULL, 100), E_INVALIDARG);

	assert_hr(wer_get_custom_metadata("unknown", back, sizeof(back)),
		  WER_E_NOT_FOUND);
	assert_hr(wer_get_custom_metadata("1bad", back, sizeof(back)),
		  E_INVALIDARG);
	assert_hr(wer_get_custom_metadata("", back, sizeof(back)),
		  E_INVALIDARG);
	assert_hr(wer_get_custom_metadata(NULL, back, sizeof(back)),
		  E_INVALIDARG);
	assert_hr(wer_get_custom_metadata("\xC0\xAF", back, sizeof(back)),
		  E_INVALIDARG);
}

/* ---- the shared pool of 512 entries ---------------------------------------
 */

static void test_pool_full_refuses_every_kind(void **state)
{
	char key[16], back[16];
	int blocks_n = WER_MAX_REGISTERED_ENTRIES - WER_MAX_REGISTERED_METADATA;

	(void)state;
	for (int i = 0; i < blocks_n; i++)
		assert_hr(WerRegisterMemoryBlock(&blocks[i], 1), S_OK);
	for (int i = 0; i < WER_MAX_REGISTERED_METADATA; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		assert_hr(wer_register_custom_metadata(key, "v"), S_OK);
	}
	assert_int_equal(wer_registered_entry_count(), 512);
	assert_int_equal(wer_registered_metadata_count(), 8);

	assert_hr(WerRegisterMemoryBlock(&blocks[blocks_n], 1),
		  WER_E_INSUFFICIENT_BUFFER);
	assert_hr(WerRegisterExcludedMemoryBlock(&blocks[blocks_n], 1),
		  WER_E_INSUFFICIENT_BUFFER);
	assert_hr(WerRegisterExcludedMemoryBlock(&blocks[0], 1),
		  WER_E_INSUFFICIENT_BUFFER);
	assert_hr(WerRegisterFile(L"/tmp/full", WerRegFileTypeOther, 0),
		  WER_E_INSUFFICIENT_BUFFER);
	assert_hr(wer_register_file("/tmp/full", WerRegFileTypeOther, 0),
		  WER_E_INSUFFICIENT_BUFFER);
	assert_hr(WerRegisterAdditionalProcess(1234, 0),
		  WER_E_INSUFFICIENT_BUFFER);
	assert_hr(wer_register_custom_metadata("k8", "v"),
		  WER_E_INSUFFICIENT_BUFFER);
	assert_hr(WerRegisterCustomMetadata(L"k8", L"v"),
		  WER_E_INSUFFICIENT_BUFFER);
	assert_int_equal(wer_registered_entry_count(), 512);

	/* What is already registered can still be replaced. */
	assert_hr(WerRegisterMemoryBlock(&blocks[0], 2), S_OK);
	assert_hr(wer_register_custom_metadata("k0", "new"), S_OK);
	assert_hr(WerRegisterCustomMetadata(L"k1", L"new"), S_OK);
	assert_hr(wer_get_custom_metadata("k0", back, sizeof(back)), S_OK);
	assert_string_equal(back, "new");
	assert_int_equal(wer_registered_entry_count(), 512);

	/* One entry freed, one new entry of another kind fits. */
	assert_hr(WerUnregisterMemoryBlock(&blocks[0]), S_OK);
	assert_int_equal(wer_registered_entry_count(), 511);
	assert_hr(wer_register_file("/tmp/full", WerRegFileTypeOther, 0), S_OK);
	assert_int_equal(wer_registered_entry_count(), 512);
	assert_hr(WerRegisterMemoryBlock(&blocks[0], 1),
		  WER_E_INSUFFICIENT_BUFFER);
	assert_hr(wer_register_file("/tmp/full", WerRegFileTypeUserDocument,
				    WER_FILE_DELETE_WHEN_DONE),
		  S_OK);
	assert_hr(WerUnregisterFile(L"/tmp/full"), S_OK);
	assert_hr(WerRegisterAdditionalProcess(1234, 0), S_OK);
	assert_hr(WerRegisterAdditionalProcess(1234, 5), S_OK);
	assert_hr(WerRegisterAdditionalProcess(1235, 0),
		  WER_E_INSUFFICIENT_BUFFER);
	assert_int_equal(wer_registered_entry_count(), 512);
}

static void test_pool_full_refuses_metadata_below_its_limit(void **state)
{
	char key[16];
	int blocks_n =
	    WER_MAX_REGISTERED_ENTRIES - (WER_MAX_REGISTERED_METADATA - 1);

	(void)state;
	/* 505 blocks + 7 pairs: the pool, not the metadata limit, is full. */
	for (int i = 0; i < blocks_n; i++)
		assert_hr(WerRegisterMemoryBlock(&blocks[i], 1), S_OK);
	for (int i = 0; i < WER_MAX_REGISTERED_METADATA - 1; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		assert_hr(wer_register_custom_metadata(key, "v"), S_OK);
	}
	assert_int_equal(wer_registered_entry_count(), 512);
	assert_int_equal(wer_registered_metadata_count(), 7);
	assert_hr(wer_register_custom_metadata("k7", "v"),
		  WER_E_INSUFFICIENT_BUFFER);
	assert_hr(WerRegisterCustomMetadata(L"k7", L"v"),
		  WER_E_INSUFFICIENT_BUFFER);
	assert_int_equal(wer_registered_metadata_count(), 7);

	assert_hr(WerUnregisterMemoryBlock(&blocks[10]), S_OK);
	assert_hr(WerRegisterCustomMetadata(L"k7", L"v"), S_OK);
	assert_int_equal(wer_registered_metadata_count(), 8);
	assert_int_equal(wer_registered_entry_count(), 512);
}

static void test_pool_memory_blocks_only(void **state)
{
	(void)state;
	for (int i = 0; i < WER_MAX_REGISTERED_ENTRIES; i++)
		assert_hr(WerRegisterMemoryBlock(&blocks[i], 1), S_OK);
	assert_int_equal(wer_registered_entry_count(), 512);
	assert_int_equal(wer_registered_metadata_count(), 0);
	assert_hr(WerRegisterMemoryBlock(&blocks[512], 1),
		  WER_E_INSUFFICIENT_BUFFER);
	assert_hr(wer_register_custom_metadata("k", "v"),
		  WER_E_INSUFFICIENT_BUFFER);
	assert_int_equal(wer_registered_metadata_count(), 0);

	/* Unregister everything: the pool is whole again. */
	for (int i = 0; i < WER_MAX_REGISTERED_ENTRIES; i++)
		assert_hr(WerUnregisterMemoryBlock(&blocks[i]), S_OK);
	assert_registry_empty();
	for (int i = 0; i < WER_MAX_REGISTERED_ENTRIES; i++)
		assert_hr(WerRegisterExcludedMemoryBlock(&blocks[i + 1], 1),
			  S_OK);
	assert_hr(WerRegisterExcludedMemoryBlock(&blocks[0], 1),
		  WER_E_INSUFFICIENT_BUFFER);
}

static void test_pool_files_only(void **state)
{
	char path[32];
	wchar_t wpath[32];

	(void)state;
	for (int i = 0; i < WER_MAX_REGISTERED_ENTRIES; i++) {
		snprintf(path, sizeof(path), "/tmp/f%d", i);
		if (i % 2)
			assert_hr(
			    wer_register_file(path, WerRegFileTypeOther, 0),
			    S_OK);
		else
			assert_hr(WerRegisterFile(widen(wpath, path),
						  WerRegFileTypeOther, 0),
				  S_OK);
	}
	assert_int_equal(wer_registered_entry_count(), 512);
	assert_hr(wer_register_file("/tmp/f512", WerRegFileTypeOther, 0),
		  WER_E_INSUFFICIENT_BUFFER);
	assert_hr(WerRegisterFile(L"/tmp/f512", WerRegFileTypeOther, 0),
		  WER_E_INSUFFICIENT_BUFFER);
	assert_hr(wer_register_file("/tmp/f7", WerRegFileTypeUserDocument,
				    WER_FILE_ANONYMOUS_DATA),
		  S_OK);
	assert_hr(WerRegisterMemoryBlock(blocks, 1), WER_E_INSUFFICIENT_BUFFER);
	assert_hr(wer_unregister_file("/tmp/f511"), S_OK);
	assert_hr(WerRegisterFile(L"/tmp/f512", WerRegFileTypeOther, 0), S_OK);
	assert_int_equal(wer_registered_entry_count(), 512);
}

/* ---- memory blocks --------------------------------------------------------
 */

static void test_memory_block_arguments(void **state)
{
	(void)state;
	assert_hr(WerRegisterMemoryBlock(NULL, 1), E_INVALIDARG);
	assert_hr(WerRegisterMemoryBlock(NULL, 0), E_INVALIDARG);
	assert_hr(WerRegisterMemoryBlock(block64k, 0), E_INVALIDARG);
	assert_hr(WerRegisterMemoryBlock(block64k, WER_MAX_MEM_BLOCK_SIZE + 1),
		  E_INVALIDARG);
	assert_hr(WerRegisterMemoryBlock(block64k, UINT32_MAX), E_INVALIDARG);
	/* A block that wraps the address space. */
	assert_hr(WerRegisterMemoryBlock((void *)(UINTPTR_MAX - 9), 100),
		  E_INVALIDARG);
	assert_registry_empty();
	/* One that ends on the last byte does not wrap. */
	assert_hr(WerRegisterMemoryBlock((void *)(UINTPTR_MAX - 99), 99), S_OK);
	assert_hr(WerUnregisterMemoryBlock((void *)(UINTPTR_MAX - 99)), S_OK);
	assert_hr(WerRegisterMemoryBlock(block64k, WER_MAX_MEM_BLOCK_SIZE),
		  S_OK);
	assert_hr(WerRegisterMemoryBlock(&block64k[1], 1), S_OK);
	assert_int_equal(wer_registered_entry_count(), 2);
	assert_int_equal(wer_registered_metadata_count(), 0);
}

static void test_memory_block_same_address_one_entry(void **state)
{
	(void)state;
	assert_hr(WerRegisterMemoryBlock(blocks, 8), S_OK);
	assert_hr(WerRegisterMemoryBlock(blocks, 8), S_OK);
	assert_hr(WerRegisterMemoryBlock(blocks, 16), S_OK);
	assert_int_equal(wer_registered_entry_count(), 1);
	/* A refused re-registration keeps the entry. */
	assert_hr(WerRegisterMemoryBlock(blocks, 0), E_INVALIDARG);
	assert_int_equal(wer_registered_entry_count(), 1);
	assert_hr(WerUnregisterMemoryBlock(blocks), S_OK);
	assert_hr(WerUnregisterMemoryBlock(blocks), WER_E_NOT_FOUND);
	assert_registry_empty();
}

static void test_memory_block_unregister(void **state)
{
	(void)state;
	assert_hr(WerUnregisterMemoryBlock(NULL), E_INVALIDARG);
	assert_hr(WerUnregisterMemoryBlock(blocks), WER_E_NOT_FOUND);
	assert_hr(WerRegisterMemoryBlock(blocks, 4), S_OK);
	/* Only the registered start address identifies the block. */
	assert_hr(WerUnregisterMemoryBlock(&blocks[1]), WER_E_NOT_FOUND);
	assert_hr(WerUnregisterExcludedMemoryBlock(blocks), WER_E_NOT_FOUND);
	assert_int_equal(wer_registered_entry_count(), 1);
	assert_hr(WerUnregisterMemoryBlock(blocks), S_OK);
	assert_hr(WerUnregisterMemoryBlock(blocks), WER_E_NOT_FOUND);
	assert_registry_empty();
}

static void test_excluded_block_arguments(void **state)
{
	(void)state;
	assert_hr(WerRegisterExcludedMemoryBlock(NULL, 1), E_INVALIDARG);
	assert_hr(WerRegisterExcludedMemoryBlock(NULL, 0), E_INVALIDARG);
	assert_hr(WerRegisterExcludedMemoryBlock(block1m, 0), E_INVALIDARG);
	assert_hr(
	    WerRegisterExcludedMemoryBlock((void *)(UINTPTR_MAX - 9), 0x100000),
	    E_INVALIDARG);
	assert_registry_empty();
	/* No upper bound, unlike WerRegisterMemoryBlock. */
	assert_hr(WerRegisterExcludedMemoryBlock(block1m, sizeof(block1m)),
		  S_OK);
	assert_hr(WerRegisterExcludedMemoryBlock(block64k,
						 WER_MAX_MEM_BLOCK_SIZE + 1),
		  S_OK);
	assert_hr(WerRegisterExcludedMemoryBlock(blocks, 1), S_OK);
	assert_int_equal(wer_registered_entry_count(), 3);
	/* Same address again: replaced, one entry. */
	assert_hr(WerRegisterExcludedMemoryBlock(blocks, 2), S_OK);
	assert_int_equal(wer_registered_entry_count(), 3);
}

static void test_excluded_block_unregister(void **state)
{
	(void)state;
	assert_hr(WerUnregisterExcludedMemoryBlock(NULL), E_INVALIDARG);
	assert_hr(WerUnregisterExcludedMemoryBlock(block1m), WER_E_NOT_FOUND);
	assert_hr(WerRegisterExcludedMemoryBlock(block1m, sizeof(block1m)),
		  S_OK);
	assert_hr(WerUnregisterMemoryBlock(block1m), WER_E_NOT_FOUND);
	assert_hr(WerUnregisterExcludedMemoryBlock(block1m), S_OK);
	assert_hr(WerUnregisterExcludedMemoryBlock(block1m), WER_E_NOT_FOUND);
	assert_registry_empty();
}

static void test_memory_and_excluded_are_separate(void **state)
{
	(void)state;
	assert_hr(WerRegisterMemoryBlock(blocks, 8), S_OK);
	assert_hr(WerRegisterExcludedMemoryBlock(blocks, 8), S_OK);
	assert_int_equal(wer_registered_entry_count(), 2);
	assert_hr(WerUnregisterMemoryBlock(blocks), S_OK);
	assert_int_equal(wer_registered_entry_count(), 1);
	assert_hr(WerUnregisterMemoryBlock(blocks), WER_E_NOT_FOUND);
	assert_hr(WerUnregisterExcludedMemoryBlock(blocks), S_OK);
	assert_registry_empty();
}

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

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_constants_hresults),
	    T(test_constants_hresult_from_win32),
	    T(test_constants_wer_error_codes),
	    T(test_constants_limits),
	    T(test_constants_flags_and_types),

	    T(test_meta_null_arguments),
	    T(test_meta_empty_key_refused),
	    T(test_meta_empty_value_accepted),
	    T(test_meta_key_length_ascii),
	    T(test_meta_key_length_two_byte),
	    T(test_meta_key_length_three_byte),
	    T(test_meta_key_length_four_byte),
	    T(test_meta_value_length),
	    T(test_meta_value_control_characters_refused),
	    T(test_meta_value_all_printable_accepted),
	    T(test_meta_value_xml_specials_read_back),
	    T(test_meta_value_every_length_and_alignment),
	    T(test_meta_value_bad_byte_every_position),
	    T(test_meta_value_wide_bad_char_every_position),
	    T(test_meta_key_every_length_and_alignment),
	    T(test_meta_key_bad_char_every_position),
	    T(test_meta_key_wide_bad_char_every_position),
	    T(test_meta_key_first_char_not_name_start),
	    T(test_meta_key_punctuation_refused),
	    T(test_meta_key_colon_refused),
	    T(test_meta_key_valid_names),
	    T(test_meta_key_combining_mark),
	    T(test_meta_key_middle_dot),
	    T(test_meta_key_unicode_range_edges),
	    T(test_meta_key_invalid_utf8),
	    T(test_meta_wide_invalid_code_points),
	    T(test_meta_refused_call_changes_nothing),
	    T(test_meta_replace_in_place),
	    T(test_meta_replace_across_apis),
	    T(test_meta_limit_eight_pairs),
	    T(test_meta_unregister_unknown),
	    T(test_meta_list),
	    T(test_meta_get),

	    T(test_pool_full_refuses_every_kind),
	    T(test_pool_full_refuses_metadata_below_its_limit),
	    T(test_pool_memory_blocks_only),
	    T(test_pool_files_only),

	    T(test_memory_block_arguments),
	    T(test_memory_block_same_address_one_entry),
	    T(test_memory_block_unregister),
	    T(test_excluded_block_arguments),
	    T(test_excluded_block_unregister),
	    T(test_memory_and_excluded_are_separate),

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

	    T(test_flags_set_get),
	    T(test_flags_unknown_bits_refused),
	    T(test_flags_get_arguments),

	    T(test_process_pid_zero),
	    T(test_process_limit_four),
	    T(test_process_unregister_unknown),

	    T(test_recovery_refuses_valid_calls),
	    T(test_recovery_refuses_invalid_arguments),
	    T(test_recovery_get_flags_works),
	    T(test_recovery_left_restores_everything),

	    T(test_recovery_callback_arguments),
	    T(test_recovery_in_progress_outside_recovery),
	    T(test_recovery_ping_moves_deadline),
	    T(test_recovery_mode_refuses_recovery_and_restart),
	    T(test_restart_arguments),
	    T(test_report_create_arguments),
	    T(test_report_handle_checks),
	    T(test_report_now_arguments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
