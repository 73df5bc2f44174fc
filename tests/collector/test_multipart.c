/* SPDX-License-Identifier: MIT */
/*
 * test_multipart - the collector's upload parsing (src/collector/
 * multipart.c) and escapes (escape.c): Crashpad's and curl's bodies, the
 * shapes clients get wrong, every cap, gzip and its inflation cap.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include <cmocka.h>

#include "escape.h"
#include "multipart.h"

static struct wer_mp_part parts[WER_MP_PARTS_MAX];

static int parse(const char *body, const char *boundary)
{
	char err[128];

	return wer__mp_parse((const uint8_t *)body, strlen(body), boundary,
			     parts, WER_MP_PARTS_MAX, err, sizeof(err));
}

static void test_boundary(void **state)
{
	char b[WER_MP_BOUNDARY_MAX + 1];

	(void)state;
	assert_int_equal(
	    wer__mp_boundary("multipart/form-data; boundary=abc", b, sizeof(b)),
	    0);
	assert_string_equal(b, "abc");
	assert_int_equal(wer__mp_boundary("Multipart/Form-Data; charset=x; "
					  "boundary=\"a b;c\"",
					  b, sizeof(b)),
			 0);
	assert_string_equal(b, "a b;c");
	assert_int_equal(
	    wer__mp_boundary("application/x-www-form-urlencoded", b, sizeof(b)),
	    -EINVAL);
	assert_int_equal(wer__mp_boundary("multipart/form-data", b, sizeof(b)),
			 -EINVAL);
	assert_int_equal(
	    wer__mp_boundary("multipart/form-data; boundary=", b, sizeof(b)),
	    -EINVAL);
	assert_int_equal(wer__mp_boundary(NULL, b, sizeof(b)), -EINVAL);
}

static void test_crashpad_body(void **state)
{
	const char *body =
	    "--B\r\n"
	    "Content-Disposition: form-data; name=\"prod\"\r\n\r\n"
	    "app\r\n"
	    "--B\r\n"
	    "Content-Disposition: form-data; name=\"upload_file_minidump\"; "
	    "filename=\"x.dmp\"\r\n"
	    "Content-Type: application/octet-stream\r\n\r\n"
	    "MDMP\r\n--Bx\r\n"
	    "--B\r\n"
	    "content-disposition: form-data; name=\"a\\\"q\"\r\n\r\n"
	    "\r\n"
	    "--B--\r\n";

	(void)state;
	assert_int_equal(parse(body, "B"), 3);
	assert_string_equal(parts[0].name, "prod");
	assert_false(parts[0].is_file);
	assert_int_equal(parts[0].size, 3);
	assert_memory_equal(parts[0].data, "app", 3);
	assert_string_equal(parts[1].name, "upload_file_minidump");
	assert_true(parts[1].is_file);
	assert_string_equal(parts[1].filename, "x.dmp");
	assert_string_equal(parts[1].content_type, "application/octet-stream");
	/* A delimiter-like line inside the data is data. */
	assert_int_equal(parts[1].size, 10);
	assert_memory_equal(parts[1].data, "MDMP\r\n--Bx", 10);
	assert_string_equal(parts[2].name, "a\"q");
	assert_int_equal(parts[2].size, 0);
}

static void test_lf_and_preamble(void **state)
{
	(void)state;
	assert_int_equal(parse("preamble\n--B\nContent-Disposition: form-data; "
			       "name=k\n\nv\n--B--",
			       "B"),
			 1);
	assert_string_equal(parts[0].name, "k");
	assert_int_equal(parts[0].size, 1);
}

static void test_malformed(void **state)
{
	(void)state;
	assert_int_equal(parse("no boundary at all", "B"), -EBADMSG);
	assert_int_equal(parse("--B\r\nContent-Disposition: form-data; "
			       "name=\"k\"\r\n\r\nvalue without an end",
			       "B"),
			 -EBADMSG);
	assert_int_equal(parse("--B\r\nContent-Type: text/plain\r\n\r\nv\r\n"
			       "--B--",
			       "B"),
			 -EBADMSG); /* no Content-Disposition */
	assert_int_equal(parse("--B\r\nContent-Disposition: form-data\r\n\r\n"
			       "v\r\n--B--",
			       "B"),
			 -EBADMSG); /* no name */
	assert_int_equal(parse("--B\r\nContent-Disposition: attachment; "
			       "name=k\r\n\r\nv\r\n--B--",
			       "B"),
			 -EBADMSG);
	assert_int_equal(
	    parse("--B\r\nContent-Disposition: form-data; name=k", "B"),
	    -EBADMSG); /* headers never end */
	assert_int_equal(parse("--B", "B"), -EBADMSG);
	assert_int_equal(parse("--B--\r\n", "B"), 0);
}

static void test_caps(void **state)
{
	struct wer_buf b;
	char name[WER_MP_NAME_MAX + 10];

	(void)state;
	/* Too many parts. */
	wer_buf_init(&b, 1 << 24);
	for (int i = 0; i <= WER_MP_PARTS_MAX; i++)
		wer_buf_printf(&b,
			       "--B\r\nContent-Disposition: form-data; "
			       "name=\"f%d\"\r\n\r\nv\r\n",
			       i);
	wer_buf_str(&b, "--B--\r\n");
	assert_int_equal(parse(b.data, "B"), -E2BIG);
	wer_buf_free(&b);
	/* A field over WER_MP_FIELD_MAX (a file may be larger). */
	wer_buf_init(&b, 1 << 24);
	wer_buf_str(&b, "--B\r\nContent-Disposition: form-data; "
			"name=\"f\"\r\n\r\n");
	for (int i = 0; i <= WER_MP_FIELD_MAX; i++)
		wer_buf_add(&b, "x", 1);
	wer_buf_str(&b, "\r\n--B--\r\n");
	assert_int_equal(parse(b.data, "B"), -E2BIG);
	wer_buf_free(&b);
	/* A name over WER_MP_NAME_MAX. */
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	wer_buf_init(&b, 1 << 24);
	wer_buf_printf(&b,
		       "--B\r\nContent-Disposition: form-data; "
		       "name=\"%s\"\r\n\r\nv\r\n--B--\r\n",
		       name);
	assert_int_equal(parse(b.data, "B"), -E2BIG);
	wer_buf_free(&b);
	/* A header block over WER_MP_HEADER_MAX. */
	wer_buf_init(&b, 1 << 24);
	wer_buf_str(&b, "--B\r\nContent-Disposition: form-data; name=k\r\n");
	for (int i = 0; i < 200; i++)
		wer_buf_str(&b, "X-Padding: 0123456789abcdef\r\n");
	wer_buf_str(&b, "\r\nv\r\n--B--\r\n");
	assert_true(parse(b.data, "B") < 0);
	wer_buf_free(&b);
}

static size_t gzip_bytes(const void *in, size_t len, uint8_t *out, size_t size)
{
	z_stream z;

	memset(&z, 0, sizeof(z));
	assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 9,
				      Z_DEFAULT_STRATEGY),
			 Z_OK);
	z.next_in = (Bytef *)in;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)size;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	deflateEnd(&z);
	return size - z.avail_out;
}

static void test_gzip(void **state)
{
	static uint8_t zeros[4 << 20], packed[1 << 20];
	const char text[] = "hello, collector";
	uint8_t *out;
	size_t n, out_len;

	(void)state;
	n = gzip_bytes(text, sizeof(text), packed, sizeof(packed));
	assert_int_equal(wer__gunzip(packed, n, 1024, &out, &out_len), 0);
	assert_int_equal(out_len, sizeof(text));
	assert_memory_equal(out, text, sizeof(text));
	free(out);
	/* Truncated. */
	assert_int_equal(wer__gunzip(packed, n - 6, 1024, &out, &out_len),
			 -EBADMSG);
	/* Not gzip. */
	assert_int_equal(wer__gunzip((const uint8_t *)text, sizeof(text), 1024,
				     &out, &out_len),
			 -EBADMSG);
	/* A bomb: 4 MiB of zeros in a few KiB, over a 1 MiB cap. */
	n = gzip_bytes(zeros, sizeof(zeros), packed, sizeof(packed));
	assert_true(n < 64 * 1024);
	assert_int_equal(wer__gunzip(packed, n, 1 << 20, &out, &out_len),
			 -EFBIG);
	assert_int_equal(wer__gunzip(packed, n, 4 << 20, &out, &out_len), 0);
	assert_int_equal(out_len, sizeof(zeros));
	free(out);
}

static void test_escapes(void **state)
{
	struct wer_buf b;

	(void)state;
	wer_buf_init(&b, 4096);
	wer__buf_html(&b, "<script>\"'&\xff");
	assert_string_equal(b.data,
			    "&lt;script&gt;&quot;&#39;&amp;\xef\xbf\xbd");
	b.len = 0;
	wer__buf_url(&b, "a b&c=d/é");
	assert_string_equal(b.data, "a%20b%26c%3Dd%2F%C3%A9");
	wer_buf_free(&b);
}

/* Triage and retention forms: decoding, absent fields, and refusals. */
static void test_form(void **state)
{
	static const char body[] = "state=resolved&version=1.10&note=a+b%3Cc%3E"
				   "%0A&bad=%zz&nul=x%00y&empty=&long=abcdefgh";
	char out[8];
	char note[32];

	(void)state;
	assert_int_equal(
	    wer__form_field(body, strlen(body), "state", note, sizeof(note)),
	    1);
	assert_string_equal(note, "resolved");
	assert_int_equal(
	    wer__form_field(body, strlen(body), "note", note, sizeof(note)), 1);
	assert_string_equal(note, "a b<c>\n");
	assert_int_equal(
	    wer__form_field(body, strlen(body), "empty", out, sizeof(out)), 1);
	assert_string_equal(out, "");
	/* A prefix of a name is not the name; absent is 0. */
	assert_int_equal(
	    wer__form_field(body, strlen(body), "stat", out, sizeof(out)), 0);
	assert_int_equal(
	    wer__form_field(body, strlen(body), "bug", out, sizeof(out)), 0);
	assert_int_equal(
	    wer__form_field(body, strlen(body), "bad", out, sizeof(out)), -1);
	assert_int_equal(
	    wer__form_field(body, strlen(body), "nul", out, sizeof(out)), -1);
	/* 8 bytes do not fit 8 with the NUL. */
	assert_int_equal(
	    wer__form_field(body, strlen(body), "long", out, sizeof(out)), -1);
	/* The body's end is its length, not a NUL: a field cut there. */
	assert_int_equal(wer__form_field(body, 9, "state", out, sizeof(out)),
			 1);
	assert_string_equal(out, "res");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_boundary),
	    cmocka_unit_test(test_crashpad_body),
	    cmocka_unit_test(test_lf_and_preamble),
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_caps),
	    cmocka_unit_test(test_gzip),
	    cmocka_unit_test(test_escapes),
	    cmocka_unit_test(test_form),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
