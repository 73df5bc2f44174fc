/* SPDX-License-Identifier: MIT */
/*
 * settings.c - reading openwer's settings files and environment.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "settings.h"
#include "store.h"

static const struct {
	const char *name, *env;
	long def, min, max;
	const char *text_def; /* a text setting's default; NULL: a number */
} table[WER_SET_COUNT] = {
    [WER_SET_MAX_QUEUE_COUNT] = {"MaxQueueCount", "WER_MAX_QUEUE_COUNT", 50, 0,
				 100000, NULL},
    [WER_SET_MAX_ARCHIVE_COUNT] = {"MaxArchiveCount", "WER_MAX_ARCHIVE_COUNT",
				   1000, 0, 1000000, NULL},
    [WER_SET_CONSENT] = {"ConsentLevel", "WER_CONSENT", 1, 1, 4, NULL},
    [WER_SET_DUMP_TYPE] = {"DumpType", "WER_DUMP_TYPE", 1, 1, 2, NULL},
    [WER_SET_DUMP_COUNT] = {"DumpCount", "WER_DUMP_COUNT", 10, 0, 100000, NULL},
    [WER_SET_DISABLED] = {"Disabled", "WER_DISABLE", 0, 0, 1, NULL},
    [WER_SET_UPLOAD_URL] = {"UploadURL", "WER_UPLOAD_URL", 0, 0, 0, ""},
    [WER_SET_REPORT_ENV] = {"ReportEnvironment", "WER_REPORT_ENVIRONMENT", 0, 0,
			    1, NULL},
    [WER_SET_ENV_ALLOW] = {"EnvironmentAllowList", "WER_ENVIRONMENT_ALLOW", 0,
			   0, 0, WER_ENV_ALLOW_DEFAULT},
    [WER_SET_SECRET_WORDS] = {"SecretWords", "WER_SECRET_WORDS", 0, 0, 0,
			      WER_SECRET_WORDS_DEFAULT},
    [WER_SET_RESTART_UPTIME] = {"RestartMinUptime", "WER_RESTART_MIN_UPTIME_S",
				60, 0, 365L * 24 * 3600, NULL},
    [WER_SET_UNWIND_TIMEOUT] = {"UnwindTimeoutMs", "WER_UNWIND_TIMEOUT_MS",
				20000, 1, 600000, NULL},
    [WER_SET_UNWIND_MEMORY] = {"UnwindMemoryMB", "WER_UNWIND_MEMORY_MB", 256, 1,
			       65536, NULL},
    [WER_SET_DEBUGINFOD] = {"Debuginfod", "WER_DEBUGINFOD", 0, 0, 1, NULL},
    [WER_SET_MAX_QUEUE_PER_APP] = {"MaxQueueCountPerApp",
				   "WER_MAX_QUEUE_COUNT_PER_APP", 0, 0, 100000,
				   NULL},
    [WER_SET_REGISTRATION_ONLY] = {"RegistrationOnly", "WER_REGISTRATION_ONLY",
				   0, 0, 1, NULL},
    [WER_SET_RETRY_BACKOFF] = {"UploadRetrySeconds", "WER_UPLOAD_RETRY_S", 300,
			       0, 86400, NULL},
};

const char *wer_setting_name(enum wer_setting s)
{
	return table[s].name;
}

const char *wer_setting_env(enum wer_setting s)
{
	return table[s].env;
}

int wer_setting_is_text(enum wer_setting s)
{
	return table[s].text_def != NULL;
}

void wer_settings_defaults(struct wer_settings *s)
{
	memset(s, 0, sizeof(*s));
	for (int i = 0; i < WER_SET_COUNT; i++) {
		s->number[i] = table[i].def;
		if (table[i].text_def)
			snprintf(s->text[i], sizeof(s->text[i]), "%s",
				 table[i].text_def);
		snprintf(s->source[i], sizeof(s->source[i]), "default");
	}
}

/* Parses value for setting i into *ret_number, or text (a text
 * setting's buffer). NULL, or a reason. */
static const char *parse_value(int i, const char *value, long *ret_number,
			       char *text)
{
	char *end;
	long v;

	if (table[i].text_def) {
		if (strlen(value) >= WER_SETTING_TEXT_MAX)
			return "too long";
		if (i == WER_SET_UPLOAD_URL && value[0] &&
		    strncmp(value, "http://", 7) &&
		    strncmp(value, "https://", 8))
			return "URL must begin with http:// or https://";
		if (i != WER_SET_UPLOAD_URL &&
		    value[strspn(value, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijkl"
					"mnopqrstuvwxyz0123456789_-.*,")])
			return "a list of names separated by commas";
		snprintf(text, WER_SETTING_TEXT_MAX, "%s", value);
		return NULL;
	}
	if (i == WER_SET_DUMP_TYPE && !strcasecmp(value, "mini"))
		value = "1";
	else if (i == WER_SET_DUMP_TYPE && !strcasecmp(value, "full"))
		value = "2";
	else if (i == WER_SET_REPORT_ENV && !strcasecmp(value, "scrubbed"))
		value = "0";
	else if (i == WER_SET_REPORT_ENV && !strcasecmp(value, "full"))
		value = "1";
	errno = 0;
	v = strtol(value, &end, 10);
	if (!value[0] || *end || errno)
		return "not a number";
	if (v < table[i].min || v > table[i].max)
		return "out of range";
	*ret_number = v;
	return NULL;
}

int wer_settings_parse(struct wer_settings *s, const char *text, size_t len,
		       const char *origin, char *err, size_t err_size)
{
	struct wer_settings next = *s;
	size_t at = 0;
	int line_no = 0;

	const char *line;
	long line_len;

	while ((line_len = wer_text_line(text, len, &at, &line)) >= 0) {
		size_t n = (size_t)line_len;
		char buf[1200], *name, *value, *eq, *p;
		const char *why = NULL;
		int i;

		line_no++;
		if (n >= sizeof(buf)) {
			snprintf(err, err_size, "%s:%d: line too long", origin,
				 line_no);
			return -EINVAL;
		}
		memcpy(buf, line, n);
		buf[n] = '\0';
		if (memchr(line, '\0', n)) {
			snprintf(err, err_size, "%s:%d: a NUL byte", origin,
				 line_no);
			return -EINVAL;
		}
		name = buf + strspn(buf, " \t\r");
		if (!*name || *name == '#')
			continue;
		if (!(eq = strchr(name, '='))) {
			snprintf(err, err_size, "%s:%d: expected Name=Value",
				 origin, line_no);
			return -EINVAL;
		}
		value = eq + 1;
		for (p = eq; p > name && strchr(" \t", p[-1]); p--)
			;
		*p = '\0';
		value += strspn(value, " \t");
		for (p = value + strlen(value);
		     p > value && strchr(" \t\r", p[-1]); p--)
			;
		*p = '\0';
		for (i = 0; i < WER_SET_COUNT; i++)
			if (!strcasecmp(name, table[i].name))
				break;
		if (i == WER_SET_COUNT) {
			snprintf(err, err_size,
				 "%s:%d: unknown setting '%.64s'", origin,
				 line_no, name);
			return -EINVAL;
		}
		why = parse_value(i, value, &next.number[i], next.text[i]);
		if (why) {
			snprintf(err, err_size, "%s:%d: %s: %s", origin,
				 line_no, table[i].name, why);
			return -EINVAL;
		}
		snprintf(next.source[i], sizeof(next.source[i]), "%s:%d",
			 origin, line_no);
	}
	*s = next;
	return 0;
}

static int load_file(struct wer_settings *s, const char *path, char *err,
		     size_t err_size)
{
	char *text = malloc(WER_SETTINGS_FILE_MAX);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	ssize_t len = 0, n;
	int r = 0;

	if (fd >= 0 && text) {
		while (len < WER_SETTINGS_FILE_MAX &&
		       (n = read(fd, text + len,
				 (size_t)(WER_SETTINGS_FILE_MAX - len))) > 0)
			len += n;
		if (len == WER_SETTINGS_FILE_MAX) {
			snprintf(err, err_size, "%s: larger than %d bytes",
				 path, WER_SETTINGS_FILE_MAX);
			r = -EINVAL;
		} else {
			r = wer_settings_parse(s, text, (size_t)len, path, err,
					       err_size);
		}
	}
	if (fd >= 0)
		close(fd);
	free(text);
	return r;
}

int wer_settings_load(struct wer_settings *s, int system_only, char *err,
		      size_t err_size)
{
	const char *xdg = secure_getenv("XDG_CONFIG_HOME");
	const char *home = secure_getenv("HOME");
	char user[PATH_MAX];
	int r = 0, e;

	wer_settings_defaults(s);
	err[0] = '\0';
	if ((e = load_file(s, WER_SETTINGS_SYSTEM_FILE, err, err_size)) < 0)
		r = e;
	if (system_only)
		return r;
	if (xdg && xdg[0] == '/')
		snprintf(user, sizeof(user), "%s/openwer/wer.conf", xdg);
	else if (home && home[0] == '/')
		snprintf(user, sizeof(user), "%s/.config/openwer/wer.conf",
			 home);
	else
		user[0] = '\0';
	if (user[0]) {
		char user_err[512];

		if ((e = load_file(s, user, user_err, sizeof(user_err))) < 0 &&
		    !r) {
			snprintf(err, err_size, "%s", user_err);
			r = e;
		}
	}
	for (int i = 0; i < WER_SET_COUNT; i++) {
		const char *v = secure_getenv(table[i].env);
		const char *why;

		if (!v)
			continue;
		why = parse_value(i, v, &s->number[i], s->text[i]);
		if (why) {
			if (!r)
				snprintf(err, err_size,
					 "environment %s=%.64s: %s (ignored)",
					 table[i].env, v, why);
			r = r ? r : -EINVAL;
			continue;
		}
		snprintf(s->source[i], sizeof(s->source[i]), "environment %s",
			 table[i].env);
	}
	return r;
}
