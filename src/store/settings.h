/* SPDX-License-Identifier: MIT */
/*
 * settings.h - openwer's settings, with WER's names where WER has one.
 *
 * Sources, later ones winning (docs/settings.md, "Precedence"): built-in
 * defaults; the tops of /etc/openwer/wer.conf and of
 * $XDG_CONFIG_HOME/openwer/wer.conf (~/.config/openwer/wer.conf); what the
 * application set in code; the files' [app NAME] sections; environment
 * variables; the system file's [policy] section, which nothing overrides. A
 * file is `Name=Value` lines, `#` comments and blank lines; a file with a
 * malformed line is ignored whole, and the error names the file and the line.
 * Format: docs/settings.md.
 */
#ifndef WER_SETTINGS_H
#define WER_SETTINGS_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

#define WER_SETTINGS_FILE_MAX (64 * 1024) /* bytes of a settings file */

enum wer_setting {
	WER_SET_MAX_QUEUE_COUNT,   /* MaxQueueCount, 50 */
	WER_SET_MAX_ARCHIVE_COUNT, /* MaxArchiveCount, 1000 */
	WER_SET_CONSENT,	   /* ConsentLevel, 1..4, 1 */
	WER_SET_DUMP_TYPE,	   /* DumpType, 1 mini or 2 full, 1 */
	WER_SET_DUMP_COUNT,	   /* DumpCount, 10 */
	WER_SET_DISABLED,	   /* Disabled, 0 or 1, 0 */
	WER_SET_UPLOAD_URL,	   /* UploadURL, "" */
	WER_SET_REPORT_ENV,	   /* ReportEnvironment, 0 scrubbed or 1 full */
	WER_SET_ENV_ALLOW,	   /* EnvironmentAllowList: names kept */
	WER_SET_SECRET_WORDS,	   /* SecretWords: what marks a secret */
	WER_SET_RESTART_UPTIME,	   /* RestartMinUptime, seconds, 60 */
	WER_SET_UNWIND_TIMEOUT,	   /* UnwindTimeoutMs, 20000 */
	WER_SET_UNWIND_MEMORY,	   /* UnwindMemoryMB, 256 */
	WER_SET_DEBUGINFOD,	   /* Debuginfod, 0 or 1, 0 */
	WER_SET_MAX_QUEUE_PER_APP, /* MaxQueueCountPerApp, 0 (none) */
	WER_SET_REGISTRATION_ONLY, /* RegistrationOnly, 0 or 1, 0 */
	WER_SET_RETRY_BACKOFF,	   /* UploadRetrySeconds, 300 */
	WER_SET_UPLOAD_URL_FILE,   /* UploadURLFile: UploadURL from a file */
	WER_SET_COUNT
};

#define WER_SETTING_TEXT_MAX 1024

/* The text settings' defaults (docs/settings.md). */
#define WER_ENV_ALLOW_DEFAULT                                                  \
	"PATH,LANG,LANGUAGE,LC_*,TERM,COLORTERM,SHELL,TZ,PWD,SHLVL,DISPLAY,"   \
	"WAYLAND_DISPLAY,XDG_SESSION_TYPE,XDG_CURRENT_DESKTOP,LD_LIBRARY_"     \
	"PATH,"                                                                \
	"LD_PRELOAD,MALLOC_CHECK_"
#define WER_SECRET_WORDS_DEFAULT                                               \
	"password,passwd,passphrase,pwd,secret,token,key,auth,credential,"     \
	"cookie,session,signature,private"

/* Where a setting's value came from (wer_settings_source says it in
 * words). */
enum wer_setting_from {
	WER_FROM_DEFAULT,
	WER_FROM_FILE,	   /* a line of file[file] */
	WER_FROM_POLICY,   /* a line of file[file]'s [policy] */
	WER_FROM_ENV,	   /* its environment variable */
	WER_FROM_CODE,	   /* the application (wer_set_report_setting) */
	WER_FROM_URL_FILE, /* UploadURL: the file UploadURLFile names */
};

struct wer_setting_source {
	unsigned char from; /* enum wer_setting_from */
	unsigned char file; /* WER_FROM_FILE, WER_FROM_POLICY: its index */
	int line;
};

/* The files a struct wer_settings names, each once (a process reads two:
 * the system's and the user's; past that, the last is reused). */
#define WER_SETTINGS_FILES 4

struct wer_settings {
	long number[WER_SET_COUNT];
	/* The value of each text setting (UploadURL, the lists); "" for
	 * number settings. */
	char text[WER_SET_COUNT][WER_SETTING_TEXT_MAX];
	struct wer_setting_source from[WER_SET_COUNT];
	int file_count;
	/* Last, and named once: the pages of a path each are touched only
	 * when a setting comes from a file (werfault, at a crash, pays a
	 * fault a page; 19 paths of PATH_MAX were 23 pages). */
	char file[WER_SETTINGS_FILES][PATH_MAX];
};

/* Where setting i's value came from, in words: "default", "FILE:LINE",
 * "FILE:LINE [policy]", "environment WER_...", the application, or
 * "UploadURLFile". buf (size bytes) holds it; returns buf. */
const char *wer_settings_source(const struct wer_settings *s,
				enum wer_setting i, char *buf, size_t size);

/* The setting's file name ("MaxQueueCount") and environment variable. */
const char *wer_setting_name(enum wer_setting s);
const char *wer_setting_env(enum wer_setting s);
/* Whether the setting is text (UploadURL, the lists), not a number. */
int wer_setting_is_text(enum wer_setting s);

void wer_settings_defaults(struct wer_settings *s);

/* Applies the text of one settings file (len bytes, not NUL-terminated)
 * named origin: its lines before any section, then those of its section
 * "[app NAME]" when NAME is app (the executable's base name; NULL: no
 * section applies, each is still checked). All or nothing: on a malformed
 * line nothing is applied, "ORIGIN:LINE: reason" goes into err, and
 * -EINVAL is returned. */
int wer_settings_parse_app(struct wer_settings *s, const char *text, size_t len,
			   const char *origin, const char *app, char *err,
			   size_t err_size);
int wer_settings_parse(struct wer_settings *s, const char *text, size_t len,
		       const char *origin, char *err, size_t err_size);

/* Whether name can be a section's application name: 1 to 64 of
 * [A-Za-z0-9._+-]. */
int wer_settings_app_name_ok(const char *name);

/* The application name sections use for the program at path exe (its
 * base name, without the kernel's " (deleted)"), from /proc/PID/exe when
 * exe is NULL (PID 0: this process). "" when it is not a name a section
 * could have. */
void wer_settings_app_of(const char *exe, pid_t pid, char *out, size_t size);

#define WER_SETTINGS_SYSTEM_FILE "/etc/openwer/wer.conf"

/* UploadURL from the file UploadURLFile names, when it names one (its
 * first line): a key in the URL stays out of the settings files, which
 * others may read. Only a regular file of this user's (or root's) that no
 * one else may read or write, not through a link. 0 (also without
 * UploadURLFile), or -EINVAL with the reason in err and UploadURL emptied
 * (a URL without its key would only be refused). Called by what uploads
 * (wer submit, wer config, werfault's automatic sending), not by libwer. */
int wer_settings_load_url_file(struct wer_settings *s, char *err,
			       size_t err_size);

/* What an application sets for its own crashes in code
 * (wer_set_report_setting, <wer/wer.h>): 0 or "" where it set nothing.
 * Store is no file's setting: the directory its reports go to. */
struct wer_code_settings {
	long consent;	/* ConsentLevel 1..4 */
	long dump_type; /* DumpType 1..2 */
	char upload_url[WER_SETTING_TEXT_MAX];
	char store[PATH_MAX]; /* absolute */
};

/* The longest text wer_code_settings_format makes. */
#define WER_CODE_SETTINGS_MAX (WER_SETTING_TEXT_MAX + PATH_MAX + 64)

/* Sets one of c's settings by its file name (UploadURL, ConsentLevel,
 * DumpType: checked as in a file; Store: an absolute path without control
 * characters); a NULL or empty value unsets it. NULL, or why the value
 * (or the name) was refused, c unchanged. */
const char *wer_code_setting_set(struct wer_code_settings *c, const char *name,
				 const char *value);
int wer_code_settings_empty(const struct wer_code_settings *c);
/* c as "Name=Value\n" lines (the registry's and AppSettings.wer's form,
 * docs/registry.md); returns its length (< size; size at least
 * WER_CODE_SETTINGS_MAX + 1 holds any). */
size_t wer_code_settings_format(const struct wer_code_settings *c, char *buf,
				size_t size);
/* Those lines back (len bytes of untrusted text): 0, or -EINVAL with c
 * emptied and the reason in err. */
int wer_code_settings_parse(struct wer_code_settings *c, const char *text,
			    size_t len, char *err, size_t err_size);

/* Defaults, both files, the environment (secure_getenv: nothing of it in
 * a set-id program); with system_only, defaults and the system file only
 * (werfault for a crash only root may read). Ranked as the top of this
 * header says, the [app NAME] sections' when app is NAME (docs/
 * settings.md); a [policy] section only in the system file. Returns 0, or
 * -EINVAL with the first error in err (the settings are still usable: defaults
 * where a source was refused). */
int wer_settings_load_app(struct wer_settings *s, int system_only,
			  const char *app, char *err, size_t err_size);
/* The same with what the application set in code (NULL: nothing) at its
 * rank: over the files' tops, under their [app NAME] sections. */
int wer_settings_load_code(struct wer_settings *s, int system_only,
			   const char *app,
			   const struct wer_code_settings *code, char *err,
			   size_t err_size);
int wer_settings_load(struct wer_settings *s, int system_only, char *err,
		      size_t err_size);

/* wer_settings_load_code's work with the files named: system_path's,
 * then user_path's and the environment (NULL user_path: neither, the
 * system_only case). For the tests. */
int wer__settings_load_from(struct wer_settings *s, const char *system_path,
			    const char *user_path, const char *app,
			    const struct wer_code_settings *code, char *err,
			    size_t err_size);

#endif /* WER_SETTINGS_H */
