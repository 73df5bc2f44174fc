/* SPDX-License-Identifier: MIT */
/*
 * test_text.c - src/common/text.c: UTF-8 validity, terminal-safe text and
 * the JSON string policy, byte for byte.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

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
	    {"\xc3\xbc", 2},		/* ü */
	    {"\xe2\x82\xac", 3},	/* € */
	    {"\xf0\x9f\x98\x80", 4},	/* 😀 */
	    {"\xc2\x9b", 2},		/* U+009B: valid, a C1 control */
	    {"\x80", 0},		/* a continuation byte alone */
	    {"\xc0\xaf", 0},		/* overlong '/' */
	    {"\xe0\x80\xaf", 0},	/* overlong, three bytes */
	    {"\xed\xa0\x80", 0},	/* a surrogate */
	    {"\xf4\x90\x80\x80", 0},	/* beyond U+10FFFF */
	    {"\xe2\x82", 0},		/* cut short */
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
	assert_string_equal(safe("\xc2\x9b" "2J", 4, ""), "\\xc2\\x9b2J");
	assert_string_equal(safe("\xc3\xbc\xe2\x82\xac", 5, ""),
			    "\xc3\xbc\xe2\x82\xac");
	assert_string_equal(safe("x\xff\xe2\x82", 4, ""), "x\\xff\\xe2\\x82");
	assert_string_equal(safe("a\0b", 3, ""), "a\\x00b");
}

static void json_policy(void **state)
{
	(void)state;
	assert_string_equal(json("plain"), "\"plain\"");
	assert_string_equal(json("q\"b\\"), "\"q\\\"b\\\\\"");
	assert_string_equal(json("\x1b[2J\n"), "\"\\u001b[2J\\u000a\"");
	assert_string_equal(json("\x7f"), "\"\\u007f\"");
	assert_string_equal(json("\xc2\x9b"), "\"\\u009b\"");
	assert_string_equal(json("\xc3\xbc"), "\"\xc3\xbc\"");
	assert_string_equal(json("a\xff" "b\xe2\x82"), "\"a\\ufffdb\\ufffd\\ufffd\"");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(utf8_lengths),
	    cmocka_unit_test(terminal_safe),
	    cmocka_unit_test(json_policy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
