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
#include <sys/stat.h>
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
    [WER_SET_UPLOAD_URL_FILE] = {"UploadURLFile", "WER_UPLOAD_URL_FILE", 0, 0,
				 0, ""},
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
		if (i == WER_SET_UPLOAD_URL_FILE && value[0] &&
		    (value[0] != '/' || strpbrk(value, "\n\r")))
			return "an absolute path";
		if (i != WER_SET_UPLOAD_URL && i != WER_SET_UPLOAD_URL_FILE &&
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

int wer_settings_app_name_ok(const char *name)
{
	size_t n = strlen(name);

	return n > 0 && n <= 64 &&
	       strspn(name,
		      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		      "0123456789._+-") == n;
}

void wer_settings_app_of(const char *exe, pid_t pid, char *out, size_t size)
{
	char link[PATH_MAX], path[64];
	const char *base;
	size_t n;

	out[0] = '\0';
	if (!exe) {
		ssize_t len;

		if (pid > 0)
			snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
		else
			snprintf(path, sizeof(path), "/proc/self/exe");
		len = readlink(path, link, sizeof(link) - 1);
		if (len <= 0)
			return;
		link[len] = '\0';
		exe = link;
	}
	base = strrchr(exe, '/');
	base = base ? base + 1 : exe;
	n = strlen(base);
	if (n > 10 && !strcmp(base + n - 10, " (deleted)"))
		n -= 10;
	if (n >= size)
		return;
	memcpy(out, base, n);
	out[n] = '\0';
	if (!wer_settings_app_name_ok(out))
		out[0] = '\0';
}

int wer_settings_parse(struct wer_settings *s, const char *text, size_t len,
		       const char *origin, char *err, size_t err_size)
{
	return wer_settings_parse_app(s, text, len, origin, NULL, err,
				      err_size);
}

int wer_settings_parse_app(struct wer_settings *s, const char *text, size_t len,
			   const char *origin, const char *app, char *err,
			   size_t err_size)
{
	/* A section of another application is checked into other. */
	static struct wer_settings other;
	struct wer_settings next = *s, *into = &next;
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
		if (*name == '[') {
			/* "[app NAME]": the lines after it, up to the next
			 * section, are NAME's alone. */
			char *close = strchr(name, ']');

			for (p = name + strlen(name);
			     p > name && strchr(" \t\r", p[-1]); p--)
				;
			*p = '\0';
			if (strncmp(name, "[app ", 5) || !close ||
			    close[1] != '\0') {
				snprintf(err, err_size,
					 "%s:%d: expected [app NAME]", origin,
					 line_no);
				return -EINVAL;
			}
			*close = '\0';
			name += 5 + strspn(name + 5, " \t");
			for (p = close; p > name && strchr(" \t", p[-1]); p--)
				;
			*p = '\0';
			if (!wer_settings_app_name_ok(name)) {
				snprintf(err, err_size,
					 "%s:%d: [app NAME]: NAME is 1 to 64 "
					 "of A-Z a-z 0-9 . _ + -",
					 origin, line_no);
				return -EINVAL;
			}
			into = app && !strcmp(name, app) ? &next : &other;
			continue;
		}
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
		why = parse_value(i, value, &into->number[i], into->text[i]);
		if (why) {
			snprintf(err, err_size, "%s:%d: %s: %s", origin,
				 line_no, table[i].name, why);
			return -EINVAL;
		}
		snprintf(into->source[i], sizeof(into->source[i]), "%s:%d",
			 origin, line_no);
	}
	*s = next;
	return 0;
}

static int load_file(struct wer_settings *s, const char *path, const char *app,
		     char *err, size_t err_size)
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
			r = wer_settings_parse_app(s, text, (size_t)len, path,
						   app, err, err_size);
		}
	}
	if (fd >= 0)
		close(fd);
	free(text);
	return r;
}

int wer_settings_load_url_file(struct wer_settings *s, char *err,
			       size_t err_size)
{
	const char *path = s->text[WER_SET_UPLOAD_URL_FILE];
	char text[WER_SETTING_TEXT_MAX + 1], *line;
	const char *why = NULL;
	struct stat st;
	size_t len;
	int fd;

	if (!path[0])
		return 0;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		why = strerror(errno);
	} else if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		why = "not a regular file";
	} else if (st.st_uid != geteuid() && st.st_uid != 0) {
		why = "another user's file";
	} else if (st.st_mode & 077) {
		why = "others may read or write it (chmod 600 it)";
	} else {
		ssize_t got;

		len = 0;
		while (
		    len < sizeof(text) - 1 &&
		    ((got = read(fd, text + len, sizeof(text) - 1 - len)) > 0 ||
		     (got < 0 && errno == EINTR)))
			len += got > 0 ? (size_t)got : 0;
		text[len] = '\0';
		line = text + strspn(text, " \t\r\n");
		line[strcspn(line, "\r\n")] = '\0';
		for (size_t n = strlen(line);
		     n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t'); n--)
			line[n - 1] = '\0';
		if (!line[0])
			why = "empty";
		else
			why = parse_value(WER_SET_UPLOAD_URL, line, NULL,
					  s->text[WER_SET_UPLOAD_URL]);
	}
	if (fd >= 0)
		close(fd);
	if (why) {
		s->text[WER_SET_UPLOAD_URL][0] = '\0';
		snprintf(err, err_size,
			 "UploadURLFile %.256s: %s (no UploadURL)", path, why);
		return -EINVAL;
	}
	snprintf(s->source[WER_SET_UPLOAD_URL],
		 sizeof(s->source[WER_SET_UPLOAD_URL]), "UploadURLFile");
	return 0;
}

int wer_settings_load(struct wer_settings *s, int system_only, char *err,
		      size_t err_size)
{
	return wer_settings_load_app(s, system_only, NULL, err, err_size);
}

int wer_settings_load_app(struct wer_settings *s, int system_only,
			  const char *app, char *err, size_t err_size)
{
	const char *xdg = secure_getenv("XDG_CONFIG_HOME");
	const char *home = secure_getenv("HOME");
	char user[PATH_MAX];
	int r = 0, e;

	wer_settings_defaults(s);
	err[0] = '\0';
	if ((e = load_file(s, WER_SETTINGS_SYSTEM_FILE, app, err, err_size)) <
	    0)
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

		if ((e = load_file(s, user, app, user_err, sizeof(user_err))) <
			0 &&
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
