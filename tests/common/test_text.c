/* SPDX-License-Identifier: MIT */
/*
 * test_text.c - src/common/text.c: UTF-8 validity, terminal-safe text and
 * the JSON string policy, byte for byte, to a FILE and to a buffer.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "text.h"

static char *safe(const char *s, size_t len, const char *keep)
{
	static char buf[512];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	assert_non_null(f);
	wer_text_put_safe(f, s, len, keep);
	fclose(f);
	return buf;
}

static char *json(const char *s)
{
	static char buf[512];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	assert_non_null(f);
	wer_json_put_string(f, s);
	fclose(f);
	return buf;
}

static void utf8_lengths(void **state)
{
	static const struct {
		const char *bytes;
		size_t want;
	} cases[] = {
	    {"a", 1},
	    {"\xc3\xbc", 2},	     /* ü */
	    {"\xe2\x82\xac", 3},     /* € */
	    {"\xf0\x9f\x98\x80", 4}, /* 😀 */
	    {"\xc2\x9b", 2},	     /* U+009B: valid, a C1 control */
	    {"\x80", 0},	     /* a continuation byte alone */
	    {"\xc0\xaf", 0},	     /* overlong '/' */
	    {"\xe0\x80\xaf", 0},     /* overlong, three bytes */
	    {"\xed\xa0\x80", 0},     /* a surrogate */
	    {"\xf4\x90\x80\x80", 0}, /* beyond U+10FFFF */
	    {"\xe2\x82", 0},	     /* cut short */
	    {"\xff", 0},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(
		    wer_utf8_char_len((const unsigned char *)cases[i].bytes,
				      strlen(cases[i].bytes)),
		    cases[i].want);
}

static void terminal_safe(void **state)
{
	(void)state;
	assert_string_equal(safe("plain text", 10, ""), "plain text");
	assert_string_equal(safe("\x1b]0;t\x07", 6, ""), "\\x1b]0;t\\x07");
	assert_string_equal(safe("a\nb\tc", 5, "\n\t"), "a\nb\tc");
	assert_string_equal(safe("a\nb", 3, ""), "a\\x0ab");
	assert_string_equal(safe("\x7f", 1, ""), "\\x7f");
	assert_string_equal(safe("\xc2\x9b"
				 "2J",
				 4, ""),
			    "\\xc2\\x9b2J");
	assert_string_equal(safe("\xc3\xbc\xe2\x82\xac", 5, ""),
			    "\xc3\xbc\xe2\x82\xac");
	assert_string_equal(safe("x\xff\xe2\x82", 4, ""), "x\\xff\\xe2\\x82");
	assert_string_equal(safe("a\0b", 3, ""), "a\\x00b");
}

/* The policy's cases, each written by both writers: byte for byte the
 * same, to a FILE and to a buffer. */
static const struct {
	const char *in, *want;
} json_cases[] = {
    {"plain", "\"plain\""},
    {"", "\"\""},
    {"q\"b\\", "\"q\\\"b\\\\\""},
    {"\x1b[2J\n", "\"\\u001b[2J\\u000a\""},
    {"\x7f", "\"\\u007f\""},
    {"\xc2\x9b", "\"\\u009b\""},
    {"\xc3\xbc", "\"\xc3\xbc\""},
    {"a\xff"
     "b\xe2\x82",
     "\"a\\ufffdb\\ufffd\\ufffd\""},
    {"<script>", "\"<script>\""},
    {"x\xc3\xbc\x01y\xe2\x82\xac", "\"x\xc3\xbc\\u0001y\xe2\x82\xac\""},
};
#define JSON_CASES (sizeof(json_cases) / sizeof(json_cases[0]))

static void json_policy(void **state)
{
	(void)state;
	for (size_t i = 0; i < JSON_CASES; i++)
		assert_string_equal(json(json_cases[i].in), json_cases[i].want);
}

static void json_buffer(void **state)
{
	struct wer_buf b;

	(void)state;
	for (size_t i = 0; i < JSON_CASES; i++) {
		wer_buf_init(&b, 512);
		assert_int_equal(wer_json_add_string(&b, json_cases[i].in), 0);
		assert_string_equal(b.data, json_cases[i].want);
		wer_buf_free(&b);
	}
	/* After what the buffer holds. */
	wer_buf_init(&b, 512);
	wer_buf_str(&b, "{\"k\":");
	assert_int_equal(wer_json_add_string(&b, "v\n"), 0);
	assert_string_equal(b.data, "{\"k\":\"v\\u000a\"");
	wer_buf_free(&b);
	/* The buffer's cap holds: what does not fit fails, and sticks. */
	wer_buf_init(&b, 8);
	assert_int_equal(wer_json_add_string(&b, "\x01\x02"), -EFBIG);
	assert_true(b.failed);
	assert_true(b.len <= 8);
	wer_buf_free(&b);
}

/* Hex text back into bytes: both cases, stopping at a bad pair, at an odd
 * last digit, and at the output's size. */
static void hex_decode(void **state)
{
	unsigned char out[4];

	(void)state;
	assert_int_equal(wer_hex_decode("00fFa9", 6, out, sizeof(out)), 3);
	assert_memory_equal(out, "\x00\xff\xa9", 3);
	assert_int_equal(wer_hex_decode("0a0g11", 6, out, sizeof(out)), 1);
	assert_int_equal(out[0], 0x0a);
	assert_int_equal(wer_hex_decode("12345", 5, out, sizeof(out)), 2);
	assert_int_equal(wer_hex_decode("0102030405", 10, out, sizeof(out)), 4);
	assert_memory_equal(out, "\x01\x02\x03\x04", 4);
	assert_int_equal(wer_hex_decode("", 0, out, sizeof(out)), 0);
	assert_int_equal(wer_hex_decode(" 1", 2, out, sizeof(out)), 0);
}

/* Bytes as lowercase hex, NUL-terminated, and back. */
static void hex_encode(void **state)
{
	const unsigned char in[] = {0x00, 0x0f, 0xa9, 0xff};
	unsigned char back[4];
	char hex[2 * sizeof(in) + 1];

	(void)state;
	memset(hex, 'x', sizeof(hex));
	wer_hex_encode(in, sizeof(in), hex);
	assert_string_equal(hex, "000fa9ff");
	assert_int_equal(wer_hex_decode(hex, strlen(hex), back, sizeof(back)),
			 4);
	assert_memory_equal(back, in, 4);
	wer_hex_encode(in, 0, hex);
	assert_string_equal(hex, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(utf8_lengths), cmocka_unit_test(terminal_safe),
	    cmocka_unit_test(json_policy),  cmocka_unit_test(json_buffer),
	    cmocka_unit_test(hex_decode),   cmocka_unit_test(hex_encode),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
