/* SPDX-License-Identifier: MIT */
/*
 * test_scrub - what the privacy scrubbers (src/handler/scrub.c) take out
 * of an environment block and a command line, and what they leave.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "scrub.h"
#include "settings.h"

#define M WER_SCRUB_MARKER

/* Scrubs in (sizeof-1 bytes, NULs inside) and compares with want. */
static void expect(int cmdline, const char *in, size_t in_len, const char *want,
		   size_t want_len, size_t spans)
{
	struct wer_scrubbed s;
	int r =
	    cmdline
		? wer__scrub_cmdline(in, in_len, WER_SECRET_WORDS_DEFAULT, &s)
		: wer__scrub_environ(in, in_len, WER_ENV_ALLOW_DEFAULT, &s);

	assert_int_equal(r, 0);
	assert_int_equal(s.len, want_len);
	assert_memory_equal(s.text, want, want_len);
	assert_int_equal(s.count, spans);
	wer__scrubbed_free(&s);
}

#define EXPECT(cmdline, in, want, spans)                                       \
	expect(cmdline, in, sizeof(in) - 1, want, sizeof(want) - 1, spans)

static void environ_values_go_names_stay(void **state)
{
	(void)state;
	EXPECT(0,
	       "PATH=/usr/bin\0AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI\0LC_ALL=C\0"
	       "LANG=de_DE.UTF-8\0HOME=/home/me\0",
	       "PATH=/usr/bin\0AWS_SECRET_ACCESS_KEY=" M "\0LC_ALL=C\0"
	       "LANG=de_DE.UTF-8\0HOME=" M "\0",
	       2);
}

static void environ_odd_entries(void **state)
{
	(void)state;
	/* No '=': all of it; an empty value stays empty; no final NUL. */
	EXPECT(0, "justtext\0EMPTY=\0TERM=xterm\0TOKEN=abc",
	       M "\0EMPTY=\0TERM=xterm\0TOKEN=" M, 2);
	EXPECT(0, "", "", 0);
	/* LC_* is a prefix; LC alone is not on the list. */
	EXPECT(0, "LC=1\0LC_X=2\0", "LC=" M "\0LC_X=2\0", 1);
}

static void cmdline_secrets(void **state)
{
	(void)state;
	EXPECT(1,
	       "prog\0--password=hunter2\0--token\0abc123\0api_key=xyz\0"
	       "--verbose\0file.txt\0",
	       "prog\0--password=" M "\0--token\0" M "\0api_key=" M
	       "\0--verbose\0file.txt\0",
	       3);
	/* Case does not matter; a single dash counts. */
	EXPECT(1, "p\0-PassWord\0hunter2\0--Secret=s\0",
	       "p\0-PassWord\0" M "\0--Secret=" M "\0", 2);
	/* A word flag at the end has nothing after it. */
	EXPECT(1, "p\0--token", "p\0--token", 0);
}

static void cmdline_urls(void **state)
{
	(void)state;
	EXPECT(1,
	       "curl\0https://bob:pa55w0rd@example.com/x?y=1\0"
	       "--url=ftp://a:b@c\0http://user@host/\0http://host/a:b@c\0",
	       "curl\0https://bob:" M "@example.com/x?y=1\0--url=ftp://a:" M
	       "@c\0http://user@host/\0http://host/a:b@c\0",
	       2);
}

static void cmdline_harmless_kept(void **state)
{
	(void)state;
	EXPECT(1, "make\0-j4\0CFLAGS=-O2\0--prefix=/usr\0x=1\0",
	       "make\0-j4\0CFLAGS=-O2\0--prefix=/usr\0x=1\0", 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(environ_values_go_names_stay),
	    cmocka_unit_test(environ_odd_entries),
	    cmocka_unit_test(cmdline_secrets),
	    cmocka_unit_test(cmdline_urls),
	    cmocka_unit_test(cmdline_harmless_kept),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
