/* SPDX-License-Identifier: MIT */
/*
 * store.h - the report store: where it is, and reading what it holds.
 * Every file read from the store is capped and parsed defensively: a
 * report directory may be truncated, hand-edited or planted.
 */
#ifndef WER_STORE_H
#define WER_STORE_H

#include <dirent.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include "io.h"

#define WER_STORE_REPORT_WER_MAX (1024 * 1024) /* bytes of Report.wer read */
#define WER_STORE_VALUE_MAX	 260	/* bytes of a value kept, NUL in */
#define WER_STORE_TEXT_MAX	 1024	/* of a message (AbortMessage) */
#define WER_STORE_META_MAX	 72	/* pairs kept: WER 8, native 64 */
#define WER_STORE_REPORTS_MAX	 100000 /* reports listed */
/* A report's AppSettings.wer (wer_set_report_setting's, kept for the
 * uploads that come later; never uploaded itself). */
#define WER_APP_SETTINGS_FILE "AppSettings.wer"
#define WER_STORE_UPLOAD_MAX  (64 * 1024) /* bytes of Upload.wer read */

/* The store's areas: reports not yet sent, and reports sent. */
#define WER_STORE_QUEUE	  "ReportQueue"
#define WER_STORE_ARCHIVE "ReportArchive"

/* The next line of text[*at..len), which need not be NUL-terminated:
 * stores its start, returns its length without the newline and moves *at
 * past it; returns -1 at the end of the text. */
static inline long wer_text_line(const char *text, size_t len, size_t *at,
				 const char **ret_line)
{
	const char *line = text + *at, *nl;
	size_t n;

	if (*at >= len)
		return -1;
	nl = (const char *)memchr(line, '\n', len - *at);
	n = nl ? (size_t)(nl - line) : len - *at;
	*at += n + 1;
	*ret_line = line;
	return (long)n;
}

/* The store: the effective user's (wer__store_default_path: the
 * environment's choice, else the home's, else a fallback), or the
 * root-only system store once wer_store_use_system was called. 0 or a
 * negative errno (-EINVAL: a relative WER_REPORT_DIR). */
int wer_store_path(char *buf, size_t size);

/* From now on, this program's store is the root-only system store
 * (WER_SYSTEM_STORE): werfault for a crash only root may read
 * (docs/security.md). */
void wer_store_use_system(void);
/* From now on, this program's store is path (absolute): the Store an
 * application set for its own crashes (wer_set_report_setting). The
 * system store still wins; "" forgets it. 0 or -EINVAL. */
int wer_store_use_path(const char *path);

struct wer_report_info {
	char id[256];
	char dir[PATH_MAX]; /* the report directory */
	int damaged;	    /* Report.wer missing or malformed */
	char problem[128];  /* why, when damaged */
	char event_time[64];
	char event_type[64];
	char sig_name[10][64];
	char sig_value[10][WER_STORE_VALUE_MAX];
	size_t meta_count;
	char meta_key[WER_STORE_META_MAX][WER_STORE_VALUE_MAX];
	char meta_value[WER_STORE_META_MAX][WER_STORE_VALUE_MAX];
	long pid, tid, thread_count;
	char command_line[WER_STORE_VALUE_MAX];
	char application_path[WER_STORE_VALUE_MAX];
	int dump_full; /* DumpType=full: the minidump holds all memory */
	int degraded;  /* Degraded=: the capture was partial, or the crash
			* path wrote the report itself */
	char degraded_why[WER_STORE_VALUE_MAX];
	/* What killed it, in words: "" when the report does not say. */
	char abort_message[WER_STORE_TEXT_MAX];
	char exception_type[WER_STORE_VALUE_MAX];
	char exception_message[WER_STORE_TEXT_MAX];
	/* ReRaised=: the signal a handler of the program's own raised after
	 * it caught the fault this report describes. */
	char reraised[16];
	int archived; /* in ReportArchive: sent */
	/* From Upload.wer, in archived reports: the upload's answer. */
	char upload_time[64];
	long upload_status;
	char upload_answer[WER_STORE_VALUE_MAX];
	/* From Upload.wer, in queued reports `wer submit` failed to send
	 * (docs/upload.md): how many tries failed, the last one's time (as
	 * written, and in seconds since the epoch) and why, and when the next
	 * automatic try was due by the settings of the last (0: unknown). */
	long upload_failures;
	char upload_last_try[64];
	long long upload_last_try_s;
	char upload_error[WER_STORE_VALUE_MAX];
	long long upload_next;
};

/* Parses Report.wer's text (size bytes, not NUL-terminated) into ret,
 * which must start zeroed (what the text does not say stays as it is).
 * Returns 0, or -EBADMSG when it is not a report (ret->damaged says so,
 * with a reason; what was read stays). */
int wer_report_parse(const char *text, size_t size,
		     struct wer_report_info *ret);

/* ---- The store on disk ----------------------------------------------------
 * Every level is opened by descriptor and checked (store_dir.c): a
 * directory, never reached through a symbolic link, owned by the
 * effective user, writable by no group or other. Files are opened with
 * O_NOFOLLOW and O_NONBLOCK, taken only when regular, and read capped: a
 * link, a FIFO or a device planted in a report is refused, never followed
 * or waited on (docs/security.md). */

struct wer_store {
	int fd;		     /* the store directory */
	char path[PATH_MAX]; /* for messages */
};

/* A listing of the directory fd, which stays open and the caller's (a
 * DIR over a duplicate of it; closedir it). NULL with errno set. */
DIR *wer_dir_list(int fd);

/* Opens the store (wer_store_path's), creating it when create is set.
 * 0, or a negative errno: -EPERM when it is not the user's alone,
 * -ENOENT when it does not exist (and create is not set), -EINVAL for a
 * relative WER_REPORT_DIR. ret->path is set either way, for the message.
 * Close with wer_store_close. */
int wer_store_open(int create, struct wer_store *ret);
void wer_store_close(struct wer_store *s);

/* One of the store's levels (WER_STORE_QUEUE, WER_STORE_ARCHIVE,
 * ".staging", "Throttle"), checked like the store: its fd or a negative
 * errno. */
int wer_store_area(const struct wer_store *s, const char *area, int create);

/* The directory of report id in area_fd, checked like the store (a link,
 * a file, another owner's: refused). Its fd or a negative errno; -EINVAL
 * for what is not a report id (a '/', hidden, empty). */
int wer_report_dir(int area_fd, const char *id);

/* A file of a report: opened without following a link or blocking on a
 * FIFO, and only when it is a regular file (-EINVAL otherwise). Its fd
 * (blocking again) or a negative errno. */
int wer_report_file(int dir_fd, const char *name);

/* Reads at most cap bytes of dir_fd/name (wer_report_file's rules) into a
 * new buffer (the caller frees it). The length or a negative errno. */
ssize_t wer_report_file_read(int dir_fd, const char *name, size_t cap,
			     char **ret_text);

/* Reads report id of area (WER_STORE_QUEUE or WER_STORE_ARCHIVE, whose fd
 * is area_fd) of store s: Report.wer and Upload.wer, capped. Always fills
 * ret->id, ret->dir (the path, for people) and ret->archived; 0 or a
 * negative errno (ret->damaged set). */
int wer_report_read(const struct wer_store *s, int area_fd, const char *area,
		    const char *id, struct wer_report_info *ret);

/* The directory of a report read by wer_report_read: its fd or a negative
 * errno (-ENOENT when it left meanwhile). */
int wer_report_reopen(const struct wer_store *s,
		      const struct wer_report_info *r);

/* Keeps at most max reports in the store's area (WER_STORE_QUEUE or
 * WER_STORE_ARCHIVE), removing the oldest (by EventTime, damaged ones
 * first) but never keep_id; with keep_id and max_app > 0, first the
 * oldest of keep_id's application's beyond max_app (one program's crash
 * loop does not push the others' reports out). Each report removed leaves a
 * line in the store's Trimmed.log (docs/report.md). The caller holds the
 * store's lock exclusively. Returns how many were removed, or a negative errno.
 */
long wer_store_trim(const struct wer_store *s, const char *area, long max,
		    const char *keep_id, long max_app);

/* Appends line (its small record, newline-terminated) to the store's
 * Trimmed.log, which becomes Trimmed.log.1 past 1 MiB. Best effort: a
 * record that cannot be written is not. */
void wer_store_record(const struct wer_store *s, const char *line);

/* A field of such a record: in copied with spaces and control characters
 * as '_' (the fields are space-separated), "-" when empty. */
void wer_store_record_word(char *out, size_t size, const char *in);

/* The store's lock (<store>/.lock, a regular file):
 * held exclusively by whoever adds, moves or removes reports (werfault
 * renaming a new report in, `wer rm`, `wer purge`, `wer submit`
 * archiving), shared by readers that must not see a report half removed.
 * Blocks until it is granted. Returns the lock's fd (close it to
 * unlock), or a negative errno. */
int wer_store_lock(const struct wer_store *s, int exclusive);
/* The same with another lock file of the store's (name, made when
 * missing): `wer submit`'s .submit.lock. */
int wer_store_lock_file(const struct wer_store *s, const char *name,
			int exclusive);

/* Finds report id in the queue, then the archive: its directory's fd,
 * and its area's name in *ret_area. -EINVAL for what is not a report id,
 * or -ENOENT. */
int wer_store_find(const struct wer_store *s, const char *id,
		   const char **ret_area);

/* Moves queued report id into the archive, first adding Upload.wer (text,
 * len bytes: the upload's answer) to it, then keeps MaxArchiveCount
 * (max_archive) reports there. Takes the store's lock. 0 or a negative
 * errno (-ENOENT when the report left the queue meanwhile). */
int wer_store_archive(const struct wer_store *s, const char *id,
		      const char *text, size_t len, long max_archive);

/* Writes Upload.wer (text, len bytes: a failed upload's record) into
 * queued report id, replacing the one before, under the store's lock. 0
 * or a negative errno (-ENOENT when the report left the queue). */
int wer_store_note_upload(const struct wer_store *s, const char *id,
			  const char *text, size_t len);

/* Parses Upload.wer's text into ret's upload_* fields. */
void wer_upload_parse(const char *text, size_t size,
		      struct wer_report_info *ret);

/* Removes report id of area_fd: every entry in it (none followed), then
 * the directory. 0 or a negative errno. */
int wer_report_remove(int area_fd, const char *id);

/* The value of signature parameter NAME ("Application Name", ...) or "". */
const char *wer_report_sig(const struct wer_report_info *r, const char *name);

/* The application's name: the signature's, else (reports without a crash,
 * whose signature is the application's own parameters) the base name of
 * ApplicationPath. */
const char *wer_report_app(const struct wer_report_info *r);

#endif /* WER_STORE_H */
