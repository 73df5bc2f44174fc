/* SPDX-License-Identifier: MIT */
/*
 * test_api_metadata.c - custom metadata, wide (WerRegisterCustomMetadata)
 * and UTF-8 (wer_register_custom_metadata): arguments, every length and
 * alignment of keys and values, keys as XML names, and the registry's
 * behaviour (replacing, the limit of eight pairs, listing, reading back).
 *
 * One of the test_api_*.c files, which test the public registration
 * family, wide (werapi.h) and UTF-8 (wer/wer.h), section by section;
 * test_api.h has what they share. Each test starts from an empty
 * registry (wer__registry_reset) in the running state. HRESULTs are
 * compared as exact 32-bit values.
 */
#include <sys/mman.h>

#include "test_api.h"

/* ---- helpers of the metadata tests ------------------------------------- */

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
	char key[4 * 65 + 1];
	wchar_t wkey[66];

	(void)state;
	/* U+10400 is a NameStartChar of XML 1.0's fifth edition only
	 * ([#x10000-#xEFFFF]): parsers of the earlier rules (expat) refuse
	 * an element so named, so such a key is refused, one or 64. */
	key_refused(repeat(key, "\xF0\x90\x90\x80", 1));
	key_refused(
	    repeat(key, "\xF0\x90\x90\x80", WER_METADATA_KEY_MAX_LENGTH));
	key_refused(repeat(key, "a\xF0\x90\x90\x80", 1));
	wide_key_refused(wrepeat(wkey, (wchar_t)0x10400, 1));
	wide_key_refused(
	    wrepeat(wkey, (wchar_t)0x10400, WER_METADATA_KEY_MAX_LENGTH));
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

/* An update of a registered key (checked and copied 16 bytes at a time,
 * the key compared with the registered one) reads nothing past the page
 * its strings end on: values and keys ending at a page followed by an
 * inaccessible one, at every length; a refused update leaves the old
 * value whole. */
static void test_meta_update_at_page_end(void **state)
{
	long page = sysconf(_SC_PAGESIZE);
	char *map = mmap(NULL, (size_t)page * 2, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *end, back[WER_METADATA_VALUE_MAX_BYTES + 1], what[64];

	(void)state;
	assert_true(map != MAP_FAILED);
	assert_int_equal(mprotect(map + page, (size_t)page, PROT_NONE), 0);
	end = map + page;
	assert_hr(wer_register_custom_metadata("Key", "first"), S_OK);
	for (size_t len = 0; len <= WER_METADATA_VALUE_MAX_LENGTH; len++) {
		char *value = end - len - 1;

		snprintf(what, sizeof(what), "length %zu", len);
		memset(value, 'a' + (int)(len % 26), len);
		value[len] = '\0';
		assert_hr_msg(what, wer_register_custom_metadata("Key", value),
			      S_OK);
		assert_hr_msg(
		    what, wer_get_custom_metadata("Key", back, sizeof(back)),
		    S_OK);
		assert_int_equal(strlen(back), len);
		assert_memory_equal(back, value, len + 1);
		/* A bad last byte: refused, the value just set kept. */
		if (len > 0) {
			value[len - 1] = '\t';
			assert_hr_msg(
			    what, wer_register_custom_metadata("Key", value),
			    E_INVALIDARG);
			assert_hr(
			    wer_get_custom_metadata("Key", back, sizeof(back)),
			    S_OK);
			assert_int_equal(strlen(back), len);
		}
	}
	/* A value with no NUL before the inaccessible page is longer than
	 * 128 characters: refused without a fault. */
	memset(end - 200, 'z', 200);
	assert_hr(wer_register_custom_metadata("Key", end - 129), E_INVALIDARG);
	/* Keys ending at the page: the registered one is found (no second
	 * pair); a longer or a shorter one is another key. */
	memcpy(end - 4, "Key", 4);
	assert_hr(wer_register_custom_metadata(end - 4, "again"), S_OK);
	assert_int_equal(wer_registered_metadata_count(), 1);
	memcpy(end - 5, "KeyX", 5);
	assert_hr(wer_register_custom_metadata(end - 5, "x"), S_OK);
	memcpy(end - 3, "Ke", 3);
	assert_hr(wer_register_custom_metadata(end - 3, "y"), S_OK);
	assert_int_equal(wer_registered_metadata_count(), 3);
	assert_hr(wer_get_custom_metadata("Key", back, sizeof(back)), S_OK);
	assert_string_equal(back, "again");
	/* A registered key of 64 characters, updated from the page's end. */
	repeat(end - 65, "L", 64);
	assert_hr(wer_register_custom_metadata(end - 65, "long"), S_OK);
	assert_hr(wer_register_custom_metadata(end - 65, "longer"), S_OK);
	assert_int_equal(wer_registered_metadata_count(), 4);
	assert_hr(wer_get_custom_metadata(end - 65, back, sizeof(back)), S_OK);
	assert_string_equal(back, "longer");
	munmap(map, (size_t)page * 2);
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
		     "bersetzung"); /* Übersetzung */
	/* U+10400: a NameStartChar of XML's fifth edition only (below). */
	key_refused("\xF0\x90\x90\x80");
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
	key_refused("\xEF\xBF\xBF");  /* U+FFFF */
	key_accepted("\xEF\xBF\xBD"); /* U+FFFD */
	/* The fifth edition's #x10000-#xEFFFF: refused (expat refuses
	 * such names in the XML report). */
	key_refused("\xF0\x90\x80\x80"); /* U+10000 */
	key_refused("\xF3\xAF\xBF\xBF"); /* U+EFFFF */
	key_refused("\xF3\xB0\x80\x80"); /* U+F0000 */
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
	uint32_t seq[2], cur;
	char back[16];

	(void)state;
	assert_hr(wer_register_custom_metadata("k", "old"), S_OK);
	memcpy(seq, wer__registry.meta_ctl[0].seq, sizeof(seq));
	assert_hr(wer_register_custom_metadata("k", "bad\n"), E_INVALIDARG);
	/* For a reader outside: the current copy untouched, the other one
	 * written and given up (its sequence even again: moved by 2). */
	cur = wer__registry.meta_ctl[0].current;
	assert_int_equal(cur, 1);
	assert_int_equal(wer__registry.meta_ctl[0].seq[0], seq[0]);
	assert_int_equal(wer__registry.meta_ctl[0].seq[1] - seq[1], 2);
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

/* ---- the native table (wer_set_metadata) -------------------------------- */

/* A value of len bytes of UTF-8: "u-umlaut" pairs, an 'x' when len is
 * odd. */
static char *utf8_value(char *buf, size_t len)
{
	size_t i = 0;

	for (; i + 2 <= len; i += 2)
		memcpy(buf + i, "\xc3\xbc", 2);
	if (i < len)
		buf[i++] = 'x';
	buf[i] = '\0';
	return buf;
}

static void test_native_limits(void **state)
{
	char v[WER_NATIVE_METADATA_VALUE_MAX_BYTES + 2], back[300], key[16];

	(void)state;
	/* 256 bytes of UTF-8: taken; 257 (or a character cut): refused. */
	assert_hr(wer_set_metadata("Long", utf8_value(v, 256)), S_OK);
	assert_hr(wer_get_custom_metadata("Long", back, sizeof(back)), S_OK);
	assert_string_equal(back, v);
	assert_hr(wer_get_custom_metadata("Long", back, 256), E_INVALIDARG);
	assert_hr(wer_set_metadata("Long", utf8_value(v, 257)), E_INVALIDARG);
	v[255] = '\0'; /* half a character */
	assert_hr(wer_set_metadata("Long", v), E_INVALIDARG);
	assert_hr(wer_set_metadata("Ctl", "a\nb"), E_INVALIDARG);
	assert_hr(wer_set_metadata("Ctl", "a\x7f"), E_INVALIDARG);
	assert_hr(wer_set_metadata("Ctl", "\xc2\x85"), E_INVALIDARG); /* C1 */
	assert_hr(wer_set_metadata("Ctl", "\xed\xa0\x80"), E_INVALIDARG);
	assert_hr(wer_set_metadata("1bad", "v"), E_INVALIDARG);
	assert_hr(wer_set_metadata("a:b", "v"), E_INVALIDARG);
	assert_hr(wer_set_metadata(NULL, "v"), E_INVALIDARG);
	assert_hr(wer_set_metadata("Tabs", "a\tb"), E_INVALIDARG);
	assert_hr(wer_set_metadata("Empty", ""), S_OK);
	/* A C1 control (U+0085), a bad continuation, or a DEL at any place of
	 * a long two-byte or ASCII value: refused, whatever the 16-byte
	 * block it falls in. */
	for (size_t at = 0; at + 2 <= 200; at++) {
		static const char *const bad[] = {"\xc2\x85", "\xc3\x41",
						  "a\x7f"};

		for (size_t k = 0; k < 3; k++) {
			utf8_value(v, 200);
			if (at & 1)
				memset(v, 'a', 200);
			memcpy(v + at, bad[k], 2);
			assert_hr_msg(bad[k], wer_set_metadata("Bad", v),
				      E_INVALIDARG);
		}
	}
	assert_hr(wer_get_custom_metadata("Long", back, sizeof(back)), S_OK);
	assert_string_equal(back, utf8_value(v, 256));

	/* 64 pairs, then no more; WER's eight are still there. */
	for (int i = 2; i < WER_NATIVE_METADATA_MAX; i++) {
		snprintf(key, sizeof(key), "n%d", i);
		assert_hr(wer_set_metadata(key, v), S_OK);
	}
	assert_hr(wer_set_metadata("one_more", "v"), WER_E_INSUFFICIENT_BUFFER);
	assert_hr(wer_set_metadata("n7", "replaced"), S_OK);
	assert_int_equal(wer_registered_metadata_count(), 0);
	assert_int_equal(wer_registered_entry_count(), 0);
	for (int i = 0; i < WER_MAX_REGISTERED_METADATA; i++) {
		snprintf(key, sizeof(key), "w%d", i);
		assert_hr(wer_register_custom_metadata(key, "v"), S_OK);
	}
	assert_hr(WerRegisterCustomMetadata(L"w8", L"v"),
		  WER_E_INSUFFICIENT_BUFFER);
	assert_int_equal(wer_registered_metadata_count(), 8);
	assert_int_equal(wer_metadata_count(), 72);
	/* Removing through either family. */
	assert_hr(wer_set_metadata("n7", NULL), S_OK);
	assert_hr(wer_unregister_custom_metadata("n8"), S_OK);
	assert_hr(wer_set_metadata("w0", NULL), S_OK);
	assert_hr(wer_set_metadata("nope", NULL), WER_E_NOT_FOUND);
	assert_int_equal(wer_registered_metadata_count(), 7);
	assert_int_equal(wer_metadata_count(), 69);
}

/* One namespace: a key set through either family moves to its table;
 * WER's count follows. */
static void test_native_moves(void **state)
{
	char back[300];
	wer_metadata_pair_t pairs[8];

	(void)state;
	assert_hr(wer_register_custom_metadata("Build", "nightly-42"), S_OK);
	assert_int_equal(wer_registered_metadata_count(), 1);
	assert_hr(wer_set_metadata("Build", "nightly-42 \xe2\x9c\x93"), S_OK);
	assert_int_equal(wer_registered_metadata_count(), 0);
	assert_int_equal(wer_registered_entry_count(), 0);
	assert_int_equal(wer_metadata_count(), 1);
	assert_int_equal(wer_list_custom_metadata(pairs, 8), 0);
	assert_hr(wer_get_custom_metadata("Build", back, sizeof(back)), S_OK);
	assert_string_equal(back, "nightly-42 \xe2\x9c\x93");
	/* Back through WER's call (its value rules). */
	assert_hr(WerRegisterCustomMetadata(L"Build", L"nightly-43"), S_OK);
	assert_int_equal(wer_registered_metadata_count(), 1);
	assert_int_equal(wer_metadata_count(), 1);
	assert_hr(wer_get_custom_metadata("Build", back, sizeof(back)), S_OK);
	assert_string_equal(back, "nightly-43");
	assert_int_equal(wer_list_custom_metadata(pairs, 8), 1);
	/* Native again, then WER's unregister removes it. */
	assert_hr(wer_set_metadata("Build", "x"), S_OK);
	assert_hr(WerUnregisterCustomMetadata(L"Build"), S_OK);
	assert_hr(wer_get_custom_metadata("Build", back, sizeof(back)),
		  WER_E_NOT_FOUND);
	assert_int_equal(wer_metadata_count(), 0);
	assert_registry_empty();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
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
	    T(test_meta_update_at_page_end),
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
	    T(test_native_limits),
	    T(test_native_moves),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
