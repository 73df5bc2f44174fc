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
	/* All but the files' names (none yet). */
	memset(s, 0, offsetof(struct wer_settings, file));
	for (int i = 0; i < WER_SET_COUNT; i++) {
		s->number[i] = table[i].def;
		if (table[i].text_def)
			snprintf(s->text[i], sizeof(s->text[i]), "%s",
				 table[i].text_def);
	}
}

/* The index of file origin in s->file, named there if new. */
static unsigned char file_index(struct wer_settings *s, const char *origin)
{
	int i;

	for (i = 0; i < s->file_count; i++)
		if (!strcmp(s->file[i], origin))
			return (unsigned char)i;
	if (s->file_count < WER_SETTINGS_FILES)
		s->file_count++;
	i = s->file_count - 1;
	snprintf(s->file[i], sizeof(s->file[i]), "%s", origin);
	return (unsigned char)i;
}

const char *wer_settings_source(const struct wer_settings *s,
				enum wer_setting i, char *buf, size_t size)
{
	const struct wer_setting_source *f = &s->from[i];

	switch (f->from) {
	case WER_FROM_FILE:
	case WER_FROM_POLICY:
		snprintf(buf, size, "%s:%d%s",
			 f->file < s->file_count ? s->file[f->file] : "?",
			 f->line,
			 f->from == WER_FROM_POLICY ? " [policy]" : "");
		break;
	case WER_FROM_ENV:
		snprintf(buf, size, "environment %s", table[i].env);
		break;
	case WER_FROM_CODE:
		snprintf(buf, size, "the application (wer_set_report_setting)");
		break;
	case WER_FROM_URL_FILE:
		snprintf(buf, size, "UploadURLFile");
		break;
	default:
		snprintf(buf, size, "default");
	}
	return buf;
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
		for (const char *c = value; i == WER_SET_UPLOAD_URL && *c; c++)
			if ((unsigned char)*c <= ' ' || *c == 0x7f)
				return "a URL has no space or control "
				       "character";
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

/* Which lines of a file parse_parts applies (every line is checked). */
enum {
	PART_TOP = 1,	    /* lines before any section */
	PART_APP = 2,	    /* those of [app NAME] when NAME is the app */
	PART_POLICY = 4,    /* those of [policy] */
	PART_NO_POLICY = 8, /* a [policy] section is an error here */
};

static int parse_parts(struct wer_settings *s, const char *text, size_t len,
		       const char *origin, const char *app, int parts,
		       char *err, size_t err_size)
{
	/* A section not applied now is checked into other. */
	static struct wer_settings other;
	struct wer_settings next = *s;
	struct wer_settings *into = parts & PART_TOP ? &next : &other;
	int policy = 0;
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
			policy = !strcmp(name, "[policy]");
			if (policy && (parts & PART_NO_POLICY)) {
				snprintf(err, err_size,
					 "%s:%d: [policy] belongs in "
					 "%s alone",
					 origin, line_no,
					 WER_SETTINGS_SYSTEM_FILE);
				return -EINVAL;
			}
			if (policy) {
				into = parts & PART_POLICY ? &next : &other;
				continue;
			}
			if (strncmp(name, "[app ", 5) || !close ||
			    close[1] != '\0') {
				snprintf(err, err_size,
					 "%s:%d: expected [app NAME] or "
					 "[policy]",
					 origin, line_no);
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
			into = (parts & PART_APP) && app && !strcmp(name, app)
				   ? &next
				   : &other;
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
		into->from[i] = (struct wer_setting_source){
		    policy ? WER_FROM_POLICY : WER_FROM_FILE,
		    file_index(into, origin), line_no};
	}
	*s = next;
	return 0;
}

int wer_settings_parse_app(struct wer_settings *s, const char *text, size_t len,
			   const char *origin, const char *app, char *err,
			   size_t err_size)
{
	return parse_parts(s, text, len, origin, app,
			   PART_TOP | PART_APP | PART_POLICY, err, err_size);
}

/* ---- what the application sets in code -------------------------------- */

const char *wer_code_setting_set(struct wer_code_settings *c, const char *name,
				 const char *value)
{
	int unset = !value || !value[0];
	long number = 0;
	const char *why;

	if (!name)
		return "no setting named";
	if (!strcasecmp(name, "Store")) {
		size_t n = unset ? 0 : strlen(value);

		if (unset) {
			c->store[0] = '\0';
			return NULL;
		}
		if (value[0] != '/')
			return "an absolute path";
		if (n >= sizeof(c->store))
			return "too long";
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)value[i] < ' ' || value[i] == 0x7f)
				return "a path has no control character";
		memcpy(c->store, value, n + 1);
		return NULL;
	}
	if (!strcasecmp(name, table[WER_SET_UPLOAD_URL].name)) {
		if (unset) {
			c->upload_url[0] = '\0';
			return NULL;
		}
		return parse_value(WER_SET_UPLOAD_URL, value, NULL,
				   c->upload_url);
	}
	if (!strcasecmp(name, table[WER_SET_CONSENT].name) ||
	    !strcasecmp(name, table[WER_SET_DUMP_TYPE].name)) {
		int i = !strcasecmp(name, table[WER_SET_CONSENT].name)
			    ? WER_SET_CONSENT
			    : WER_SET_DUMP_TYPE;
		long *at = i == WER_SET_CONSENT ? &c->consent : &c->dump_type;

		if (unset) {
			*at = 0;
			return NULL;
		}
		if ((why = parse_value(i, value, &number, NULL)))
			return why;
		*at = number;
		return NULL;
	}
	return "not a setting an application sets in code (UploadURL, "
	       "ConsentLevel, DumpType, Store)";
}

int wer_code_settings_empty(const struct wer_code_settings *c)
{
	return !c->consent && !c->dump_type && !c->upload_url[0] &&
	       !c->store[0];
}

size_t wer_code_settings_format(const struct wer_code_settings *c, char *buf,
				size_t size)
{
	size_t n = 0;
	int w;

	buf[0] = '\0';
	if (c->upload_url[0] &&
	    (w = snprintf(buf + n, size - n, "UploadURL=%s\n", c->upload_url)) >
		0)
		n += (size_t)w < size - n ? (size_t)w : 0;
	if (c->consent && (w = snprintf(buf + n, size - n, "ConsentLevel=%ld\n",
					c->consent)) > 0)
		n += (size_t)w < size - n ? (size_t)w : 0;
	if (c->dump_type && (w = snprintf(buf + n, size - n, "DumpType=%ld\n",
					  c->dump_type)) > 0)
		n += (size_t)w < size - n ? (size_t)w : 0;
	if (c->store[0] &&
	    (w = snprintf(buf + n, size - n, "Store=%s\n", c->store)) > 0)
		n += (size_t)w < size - n ? (size_t)w : 0;
	buf[n] = '\0';
	return n;
}

int wer_code_settings_parse(struct wer_code_settings *c, const char *text,
			    size_t len, char *err, size_t err_size)
{
	const char *line;
	long line_len;
	size_t at = 0;
	int line_no = 0;

	memset(c, 0, sizeof(*c));
	while ((line_len = wer_text_line(text, len, &at, &line)) >= 0) {
		char buf[WER_CODE_SETTINGS_MAX + 1], *eq;
		size_t n = (size_t)line_len;
		const char *why;

		line_no++;
		if (!n)
			continue;
		if (n >= sizeof(buf) || memchr(line, '\0', n)) {
			snprintf(err, err_size, "line %d: too long or a NUL",
				 line_no);
			goto bad;
		}
		memcpy(buf, line, n);
		buf[n] = '\0';
		if (!(eq = strchr(buf, '='))) {
			snprintf(err, err_size, "line %d: expected Name=Value",
				 line_no);
			goto bad;
		}
		*eq = '\0';
		if ((why = wer_code_setting_set(c, buf, eq + 1))) {
			snprintf(err, err_size, "line %d: %.32s: %s", line_no,
				 buf, why);
			goto bad;
		}
	}
	return 0;
bad:
	memset(c, 0, sizeof(*c));
	return -EINVAL;
}

/* A settings file's text, read whole (NULL when there is none, or with
 * *ret_err set when it is larger than a settings file may be). */
static char *read_file(const char *path, size_t *ret_len, int *ret_err,
		       char *err, size_t err_size)
{
	char *text = malloc(WER_SETTINGS_FILE_MAX);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	ssize_t len = 0, n;

	*ret_err = 0;
	if (fd < 0 || !text) {
		if (fd >= 0)
			close(fd);
		free(text);
		return NULL;
	}
	while (len < WER_SETTINGS_FILE_MAX &&
	       ((n = read(fd, text + len,
			  (size_t)(WER_SETTINGS_FILE_MAX - len))) > 0 ||
		(n < 0 && errno == EINTR)))
		len += n > 0 ? n : 0;
	close(fd);
	if (len == WER_SETTINGS_FILE_MAX) {
		snprintf(err, err_size, "%s: larger than %d bytes", path,
			 WER_SETTINGS_FILE_MAX);
		*ret_err = -EINVAL;
		free(text);
		return NULL;
	}
	*ret_len = (size_t)len;
	return text;
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
	s->from[WER_SET_UPLOAD_URL] =
	    (struct wer_setting_source){WER_FROM_URL_FILE, 0, 0};
	return 0;
}

int wer_settings_load(struct wer_settings *s, int system_only, char *err,
		      size_t err_size)
{
	return wer_settings_load_app(s, system_only, NULL, err, err_size);
}

/* One settings file, read once and applied in parts. A malformed file is
 * refused whole: after its first error none of its parts applies. */
struct settings_file {
	const char *path;
	char *text;
	size_t len;
	int parts_ok; /* 0 once refused */
};

/* Keeps the first error: into err, its errno into *r. */
static void keep_error(int *r, int e, char *err, size_t err_size,
		       const char *this_err)
{
	if (e < 0 && !*r) {
		snprintf(err, err_size, "%s", this_err);
		*r = e;
	}
}

static void apply_part(struct wer_settings *s, struct settings_file *f,
		       const char *app, int parts, int *r, char *err,
		       size_t err_size)
{
	char this_err[512];
	int e;

	if (!f->text || !f->parts_ok)
		return;
	e = parse_parts(s, f->text, f->len, f->path, app, parts, this_err,
			sizeof(this_err));
	if (e < 0) {
		f->parts_ok = 0;
		keep_error(r, e, err, err_size, this_err);
	}
}

static void apply_code(struct wer_settings *s,
		       const struct wer_code_settings *c)
{
	static const struct wer_setting_source code = {WER_FROM_CODE, 0, 0};

	if (c->consent) {
		s->number[WER_SET_CONSENT] = c->consent;
		s->from[WER_SET_CONSENT] = code;
	}
	if (c->dump_type) {
		s->number[WER_SET_DUMP_TYPE] = c->dump_type;
		s->from[WER_SET_DUMP_TYPE] = code;
	}
	if (c->upload_url[0]) {
		snprintf(s->text[WER_SET_UPLOAD_URL],
			 sizeof(s->text[WER_SET_UPLOAD_URL]), "%s",
			 c->upload_url);
		s->from[WER_SET_UPLOAD_URL] = code;
		/* The application's URL over a file's UploadURLFile of the
		 * same rank (the top of a file): a section, the environment
		 * or a policy naming a key file later still wins. */
		s->text[WER_SET_UPLOAD_URL_FILE][0] = '\0';
		s->from[WER_SET_UPLOAD_URL_FILE] = code;
	}
}

int wer__settings_load_from(struct wer_settings *s, const char *system_path,
			    const char *user_path, const char *app,
			    const struct wer_code_settings *code, char *err,
			    size_t err_size)
{
	char this_err[512];
	struct settings_file sys = {system_path, NULL, 0, 1},
			     usr = {user_path, NULL, 0, 1};
	int system_only = !user_path, r = 0, e;

	wer_settings_defaults(s);
	err[0] = '\0';
	sys.text =
	    read_file(sys.path, &sys.len, &e, this_err, sizeof(this_err));
	keep_error(&r, e, err, err_size, this_err);
	if (user_path) {
		usr.text = read_file(user_path, &usr.len, &e, this_err,
				     sizeof(this_err));
		keep_error(&r, e, err, err_size, this_err);
	}
	/* docs/settings.md, "Precedence": the files' tops, the
	 * application's own call, the files' [app NAME] sections, the
	 * environment, and the administrator's [policy] over all. */
	apply_part(s, &sys, app, PART_TOP, &r, err, err_size);
	apply_part(s, &usr, app, PART_TOP | PART_NO_POLICY, &r, err, err_size);
	if (code)
		apply_code(s, code);
	apply_part(s, &sys, app, PART_APP, &r, err, err_size);
	apply_part(s, &usr, app, PART_APP | PART_NO_POLICY, &r, err, err_size);
	for (int i = 0; !system_only && i < WER_SET_COUNT; i++) {
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
		s->from[i] = (struct wer_setting_source){WER_FROM_ENV, 0, 0};
	}
	apply_part(s, &sys, app, PART_POLICY, &r, err, err_size);
	free(sys.text);
	free(usr.text);
	return r;
}

int wer_settings_load_code(struct wer_settings *s, int system_only,
			   const char *app,
			   const struct wer_code_settings *code, char *err,
			   size_t err_size)
{
	const char *xdg = secure_getenv("XDG_CONFIG_HOME");
	const char *home = secure_getenv("HOME");
	char user[PATH_MAX];

	user[0] = '\0';
	if (system_only)
		;
	else if (xdg && xdg[0] == '/')
		snprintf(user, sizeof(user), "%s/openwer/wer.conf", xdg);
	else if (home && home[0] == '/')
		snprintf(user, sizeof(user), "%s/.config/openwer/wer.conf",
			 home);
	/* Without a user file the environment still counts: "" is a user
	 * file that does not exist. */
	return wer__settings_load_from(s, WER_SETTINGS_SYSTEM_FILE,
				       system_only ? NULL : user, app, code,
				       err, err_size);
}

int wer_settings_load_app(struct wer_settings *s, int system_only,
			  const char *app, char *err, size_t err_size)
{
	return wer_settings_load_code(s, system_only, app, NULL, err, err_size);
}
