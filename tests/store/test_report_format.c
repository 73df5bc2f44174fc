/* SPDX-License-Identifier: MIT */
/*
 * test_report_format.c - Report.wer's one writer (report_format.c) and one
 * reader (store.c's wer_report_parse): what is written parses back to the
 * same fields, every signature slot by its name, metadata byte for byte,
 * and what the writer escapes stays escaped (one way to read it).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <errno.h>

#include <cmocka.h>

#include "report_format.h"
#include "store.h"

static void round_trip(void **state)
{
	static const char *const values[WER_SIG_COUNT] = {
	    "app",	    "2.4.1", "0011aabb", "libfix.so.1", "ccdd",
	    "SIGSEGV (11)", "1",     "0x10",	 "0x1234"};
	struct wer_report_info *r = calloc(1, sizeof(*r));
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	assert_non_null(r);
	assert_non_null(f);
	wer_rw_header(f, WER_RW_APPCRASH, "2026-12-01T00:00:00.000000000Z",
		      "AppCrash_app_20261201T000000_42");
	for (size_t i = 0; i < WER_SIG_COUNT; i++)
		wer_rw_sig(f, i, wer_sig_names[i], values[i]);
	wer_rw_meta(f, 0, "Build", "nightly-42");
	wer_rw_meta(f, 1,
		    "\xc3\x9c"
		    "bersetzung",
		    "<a & \"b\"> C:\\Temp");
	wer_rw_line(f, WER_RW_APPLICATION_PATH, "/opt/jos\xc3\xa9/app\x1b");
	fprintf(f, WER_RW_PROCESS_ID "=42\n" WER_RW_THREAD_ID "=43\n");
	wer_rw_line(f, WER_RW_DEGRADED, "ptrace refused");
	assert_int_equal(fclose(f), 0);

	assert_int_equal(wer_report_parse(text, len, r), 0);
	assert_string_equal(r->event_type, WER_RW_APPCRASH);
	assert_string_equal(r->event_time, "2026-12-01T00:00:00.000000000Z");
	for (size_t i = 0; i < WER_SIG_COUNT; i++) {
		assert_string_equal(r->sig_name[i], wer_sig_names[i]);
		assert_string_equal(wer_report_sig(r, wer_sig_names[i]),
				    values[i]);
	}
	assert_int_equal(r->meta_count, 2);
	assert_string_equal(r->meta_key[1], "\xc3\x9c"
					    "bersetzung");
	assert_string_equal(r->meta_value[1], "<a & \"b\"> C:\\Temp");
	/* Escaped on the way out, kept escaped on the way in. */
	assert_string_equal(r->application_path, "/opt/jos\\xc3\\xa9/app\\x1b");
	assert_int_equal(r->pid, 42);
	assert_int_equal(r->tid, 43);
	assert_true(r->degraded);
	assert_string_equal(r->degraded_why, "ptrace refused");
	assert_string_equal(wer_report_app(r), "app");
	free(text);
	free(r);
}

/* The longest key (64 characters of three bytes, 192 bytes) is kept
 * whole; what is longer than a field is cut before a character, never in
 * one. The reasons a process died round-trip too. */
static void at_the_limits(void **state)
{
	struct wer_report_info *r = calloc(1, sizeof(*r));
	char key[3 * 64 + 1] = "", value[2 * 200 + 1] = "";
	char *text = NULL;
	size_t len = 0, kept;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	assert_non_null(r);
	assert_non_null(f);
	for (int i = 0; i < 64; i++)
		strcat(key, "\xe6\x97\xa5"); /* U+65E5 */
	for (int i = 0; i < 200; i++)
		strcat(value, "\xc3\xa9"); /* U+00E9 */
	wer_rw_header(f, WER_RW_APPCRASH, "2026-12-01T00:00:00Z", "x");
	wer_rw_meta(f, 0, key, value);
	fprintf(f, WER_RW_ABORT_MESSAGE
		"=free(): invalid pointer\n" WER_RW_EXCEPTION_TYPE
		"=std::runtime_error\n" WER_RW_EXCEPTION_MESSAGE
		"=disk full\n");
	assert_int_equal(fclose(f), 0);
	assert_int_equal(wer_report_parse(text, len, r), 0);
	assert_string_equal(r->meta_key[0], key);
	/* 400 bytes into 259: 129 characters, not 129 and a half. */
	kept = strlen(r->meta_value[0]);
	assert_int_equal(kept, 258);
	assert_memory_equal(r->meta_value[0], value, kept);
	assert_string_equal(r->abort_message, "free(): invalid pointer");
	assert_string_equal(r->exception_type, "std::runtime_error");
	assert_string_equal(r->exception_message, "disk full");
	free(text);
	free(r);
}

static void not_a_report(void **state)
{
	struct wer_report_info r;
	const char text[] = "EventType=APPCRASH\nSig[0].Name=x\n";

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_int_equal(wer_report_parse(text, sizeof(text) - 1, &r),
			 -EBADMSG);
	assert_true(r.damaged);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(round_trip),
	    cmocka_unit_test(at_the_limits),
	    cmocka_unit_test(not_a_report),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
