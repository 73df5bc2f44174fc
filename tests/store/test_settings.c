/* SPDX-License-Identifier: MIT */
/*
 * test_settings.c - the settings' precedence (docs/settings.md,
 * "Precedence"): the files' tops, then what the application set in code,
 * then the files' [app NAME] sections, the environment, and the system
 * file's [policy] over everything; [policy] refused in a user's file; a
 * malformed file refused whole; what an application sets in code checked
 * as a file's value, and its text form read back the same.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "settings.h"

static char dir[] = "/tmp/wer-settings-XXXXXX";
static char sys_path[64], user_path[64];

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(sys_path, sizeof(sys_path), "%s/system.conf", dir);
	snprintf(user_path, sizeof(user_path), "%s/user.conf", dir);
	unsetenv("WER_CONSENT");
	unsetenv("WER_UPLOAD_URL");
	unsetenv("WER_DUMP_TYPE");
	unsetenv("WER_UPLOAD_URL_FILE");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(sys_path);
	unlink(user_path);
	return rmdir(dir);
}

static struct wer_code_settings code_of(long consent, long dump_type,
					const char *url)
{
	struct wer_code_settings c;

	memset(&c, 0, sizeof(c));
	c.consent = consent;
	c.dump_type = dump_type;
	snprintf(c.upload_url, sizeof(c.upload_url), "%s", url);
	return c;
}

static const char sys_text[] = "ConsentLevel=2\n"
			       "UploadURL=http://sys-top/\n"
			       "[app prog]\n"
			       "DumpType=2\n"
			       "[policy]\n"
			       "MaxQueueCount=7\n";
static const char user_text[] = "UploadURL=http://user-top/\n"
				"ConsentLevel=3\n"
				"[app prog]\n"
				"ConsentLevel=4\n";

static void ranks(void **state)
{
	static struct wer_settings s;
	struct wer_code_settings c = code_of(1, 1, "http://code/");
	char err[512], from[PATH_MAX + 32];

	(void)state;
	write_file(sys_path, sys_text);
	write_file(user_path, user_text);
	assert_int_equal(wer__settings_load_from(&s, sys_path, user_path,
						 "prog", &c, err, sizeof(err)),
			 0);
	/* The code over both files' tops. */
	assert_string_equal(s.text[WER_SET_UPLOAD_URL], "http://code/");
	assert_non_null(strstr(
	    wer_settings_source(&s, WER_SET_UPLOAD_URL, from, sizeof(from)),
	    "application"));
	/* Sections over the code: the user's and the system's. */
	assert_int_equal(s.number[WER_SET_CONSENT], 4);
	assert_int_equal(s.number[WER_SET_DUMP_TYPE], 2);
	assert_non_null(strstr(
	    wer_settings_source(&s, WER_SET_DUMP_TYPE, from, sizeof(from)),
	    "system.conf:4"));
	/* The policy, marked as one. */
	assert_int_equal(s.number[WER_SET_MAX_QUEUE_COUNT], 7);
	assert_non_null(strstr(wer_settings_source(&s, WER_SET_MAX_QUEUE_COUNT,
						   from, sizeof(from)),
			       "[policy]"));
	/* Each source in full: the file and the line, both files named. */
	{
		char want[PATH_MAX + 32];

		snprintf(want, sizeof(want), "%s:4", user_path);
		assert_string_equal(wer_settings_source(&s, WER_SET_CONSENT,
							from, sizeof(from)),
				    want);
		snprintf(want, sizeof(want), "%s:4", sys_path);
		assert_string_equal(wer_settings_source(&s, WER_SET_DUMP_TYPE,
							from, sizeof(from)),
				    want);
		snprintf(want, sizeof(want), "%s:6 [policy]", sys_path);
		assert_string_equal(wer_settings_source(&s,
							WER_SET_MAX_QUEUE_COUNT,
							from, sizeof(from)),
				    want);
		assert_string_equal(wer_settings_source(&s, WER_SET_DUMP_COUNT,
							from, sizeof(from)),
				    "default");
		assert_int_equal(s.file_count, 2);
	}

	/* Another program: no section, the code over the tops. */
	assert_int_equal(wer__settings_load_from(&s, sys_path, user_path,
						 "other", &c, err, sizeof(err)),
			 0);
	assert_int_equal(s.number[WER_SET_CONSENT], 1);
	assert_int_equal(s.number[WER_SET_DUMP_TYPE], 1);
	/* Without code: the user's top over the system's. */
	assert_int_equal(wer__settings_load_from(&s, sys_path, user_path,
						 "other", NULL, err,
						 sizeof(err)),
			 0);
	assert_int_equal(s.number[WER_SET_CONSENT], 3);
	assert_string_equal(s.text[WER_SET_UPLOAD_URL], "http://user-top/");
	/* Without a user file (system_only): no environment either. */
	setenv("WER_CONSENT", "4", 1);
	assert_int_equal(wer__settings_load_from(&s, sys_path, NULL, "other",
						 &c, err, sizeof(err)),
			 0);
	assert_int_equal(s.number[WER_SET_CONSENT], 1);
	unsetenv("WER_CONSENT");
}

static void environment_then_policy(void **state)
{
	static struct wer_settings s;
	struct wer_code_settings c = code_of(1, 0, "");
	char err[512], from[PATH_MAX + 32];

	(void)state;
	write_file(user_path, user_text);
	write_file(sys_path, "[policy]\nConsentLevel=1\n");
	setenv("WER_CONSENT", "4", 1);
	setenv("WER_UPLOAD_URL", "http://env/", 1);
	assert_int_equal(wer__settings_load_from(&s, sys_path, user_path,
						 "prog", &c, err, sizeof(err)),
			 0);
	/* The environment over the sections... */
	assert_string_equal(s.text[WER_SET_UPLOAD_URL], "http://env/");
	assert_string_equal(
	    wer_settings_source(&s, WER_SET_UPLOAD_URL, from, sizeof(from)),
	    "environment WER_UPLOAD_URL");
	/* ...and the administrator's policy over everything. */
	assert_int_equal(s.number[WER_SET_CONSENT], 1);
	assert_non_null(
	    strstr(wer_settings_source(&s, WER_SET_CONSENT, from, sizeof(from)),
		   "[policy]"));
	unsetenv("WER_CONSENT");
	unsetenv("WER_UPLOAD_URL");
}

static void policy_refused_in_user_file(void **state)
{
	static struct wer_settings s;
	char err[512];

	(void)state;
	write_file(sys_path, "ConsentLevel=2\n");
	write_file(user_path, "UploadURL=http://user-top/\n"
			      "[policy]\n"
			      "ConsentLevel=4\n");
	assert_int_equal(wer__settings_load_from(&s, sys_path, user_path,
						 "prog", NULL, err,
						 sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "user.conf:2: [policy] belongs in"));
	/* Refused whole: not even its top line. */
	assert_string_equal(s.text[WER_SET_UPLOAD_URL], "");
	assert_int_equal(s.number[WER_SET_CONSENT], 2);
}

static void malformed_file_refused_whole(void **state)
{
	static struct wer_settings s;
	struct wer_code_settings c = code_of(3, 0, "");
	char err[512];

	(void)state;
	/* Its error is in the section: its top does not apply either. */
	write_file(sys_path, "DumpType=2\n[app prog]\nConsentLevel=9\n");
	write_file(user_path, "");
	assert_int_equal(wer__settings_load_from(&s, sys_path, user_path,
						 "prog", &c, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "system.conf:3: ConsentLevel"));
	assert_int_equal(s.number[WER_SET_DUMP_TYPE], 1);
	assert_int_equal(s.number[WER_SET_CONSENT], 3);
}

static void code_url_over_top_url_file(void **state)
{
	static struct wer_settings s;
	struct wer_code_settings c = code_of(0, 0, "http://code/");
	char err[512];

	(void)state;
	write_file(sys_path, "");
	write_file(user_path, "UploadURLFile=/nonexistent/key\n");
	assert_int_equal(wer__settings_load_from(&s, sys_path, user_path,
						 "prog", &c, err, sizeof(err)),
			 0);
	assert_string_equal(s.text[WER_SET_UPLOAD_URL_FILE], "");
	assert_int_equal(wer_settings_load_url_file(&s, err, sizeof(err)), 0);
	assert_string_equal(s.text[WER_SET_UPLOAD_URL], "http://code/");
	/* A section's key file still outranks the code. */
	write_file(user_path, "[app prog]\nUploadURLFile=/nonexistent/key\n");
	assert_int_equal(wer__settings_load_from(&s, sys_path, user_path,
						 "prog", &c, err, sizeof(err)),
			 0);
	assert_string_equal(s.text[WER_SET_UPLOAD_URL_FILE],
			    "/nonexistent/key");
}

static void code_settings_checked(void **state)
{
	static struct wer_code_settings c, back;
	static char text[WER_CODE_SETTINGS_MAX + 1];
	static const char *const refused[][2] = {
	    {"UploadURL", "ftp://x/"},	 {"UploadURL", "http://a b/"},
	    {"UploadURL", "http://a\n"}, {"ConsentLevel", "5"},
	    {"ConsentLevel", "x"},	 {"DumpType", "3"},
	    {"Store", "relative/dir"},	 {"Store", "/a\nb"},
	    {"MaxQueueCount", "3"},	 {NULL, "1"},
	};
	char err[128];
	size_t len;

	(void)state;
	memset(&c, 0, sizeof(c));
	assert_null(wer_code_setting_set(&c, "uploadurl", "https://h/p?k=1"));
	assert_null(wer_code_setting_set(&c, "ConsentLevel", "3"));
	assert_null(wer_code_setting_set(&c, "DumpType", "full"));
	assert_null(wer_code_setting_set(&c, "Store", "/var/tmp/s"));
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		back = c;
		assert_non_null(
		    wer_code_setting_set(&c, refused[i][0], refused[i][1]));
		assert_memory_equal(&back, &c, sizeof(c));
	}
	len = wer_code_settings_format(&c, text, sizeof(text));
	assert_string_equal(text, "UploadURL=https://h/p?k=1\n"
				  "ConsentLevel=3\n"
				  "DumpType=2\n"
				  "Store=/var/tmp/s\n");
	assert_int_equal(
	    wer_code_settings_parse(&back, text, len, err, sizeof(err)), 0);
	assert_memory_equal(&back, &c, sizeof(c));
	/* Unset one by one, to empty. */
	assert_null(wer_code_setting_set(&c, "UploadURL", NULL));
	assert_null(wer_code_setting_set(&c, "ConsentLevel", ""));
	assert_null(wer_code_setting_set(&c, "DumpType", NULL));
	assert_false(wer_code_settings_empty(&c));
	assert_null(wer_code_setting_set(&c, "Store", NULL));
	assert_true(wer_code_settings_empty(&c));
	/* Text that is not such lines: refused, emptied. */
	assert_int_equal(
	    wer_code_settings_parse(&back, "Store=rel\n", 10, err, sizeof(err)),
	    -EINVAL);
	assert_true(wer_code_settings_empty(&back));
	assert_int_equal(
	    wer_code_settings_parse(&back, "x", 1, err, sizeof(err)), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(ranks),
	    cmocka_unit_test(environment_then_policy),
	    cmocka_unit_test(policy_refused_in_user_file),
	    cmocka_unit_test(malformed_file_refused_whole),
	    cmocka_unit_test(code_url_over_top_url_file),
	    cmocka_unit_test(code_settings_checked),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
