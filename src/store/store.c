/* SPDX-License-Identifier: MIT */
/*
 * store.c - the store's location and the Report.wer parser.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "report_format.h"
#include "io.h"
#include "store.h"
#include "store_dir.h"

static int use_system_store;
static char use_path[4096];

void wer_store_use_system(void)
{
	use_system_store = 1;
}

int wer_store_use_path(const char *path)
{
	if (!path[0]) {
		use_path[0] = '\0';
		return 0;
	}
	if (path[0] != '/' || strlen(path) >= sizeof(use_path))
		return -EINVAL;
	memcpy(use_path, path, strlen(path) + 1);
	return 0;
}

int wer_store_path(char *buf, size_t size)
{
	if (use_system_store)
		return (size_t)snprintf(buf, size, "%s", WER_SYSTEM_STORE) <
			       size
			   ? 0
			   : -ENAMETOOLONG;
	if (use_path[0])
		return (size_t)snprintf(buf, size, "%s", use_path) < size
			   ? 0
			   : -ENAMETOOLONG;
	return wer__store_default_path(buf, size);
}

static void copy_bounded(char *dst, size_t size, const char *src, size_t len)
{
	/* Cut, never in the middle of a UTF-8 sequence. */
	if (len >= size) {
		len = size - 1;
		while (len && ((unsigned char)src[len] & 0xc0) == 0x80)
			len--;
	}
	memcpy(dst, src, len);
	dst[len] = '\0';
}

/* A decimal number from a value that is not NUL-terminated. */
static long number(const char *value, size_t len)
{
	char buf[24];

	copy_bounded(buf, sizeof(buf), value, len);
	return strtol(buf, NULL, 10);
}

/* "Sig[3].Name" -> 3 and ".Name"; -1 when name is not NAME[n]SUFFIX. */
static int indexed(const char *name, size_t len, const char *prefix,
		   const char **ret_suffix)
{
	size_t p = strlen(prefix);
	long v = 0;
	size_t i;

	if (len <= p + 2 || memcmp(name, prefix, p) || name[p] != '[')
		return -1;
	for (i = p + 1;
	     i < len && name[i] >= '0' && name[i] <= '9' && i < p + 7; i++)
		v = v * 10 + (name[i] - '0');
	if (i == p + 1 || i >= len || name[i] != ']')
		return -1;
	*ret_suffix = name + i + 1;
	return (int)v;
}

int wer_report_parse(const char *text, size_t size, struct wer_report_info *r)
{
	size_t at = 0;
	int have_version = 0;

	const char *line;
	long len;

	while ((len = wer_text_line(text, size, &at, &line)) >= 0) {
		size_t n = (size_t)len;
		const char *eq = memchr(line, '=', n), *value, *suffix;
		size_t name_len, value_len;
		char name[64];
		int i;

		if (!eq)
			continue;
		name_len = (size_t)(eq - line);
		value = eq + 1;
		value_len = n - name_len - 1;
		copy_bounded(name, sizeof(name), line, name_len);
		if (name_len >= sizeof(name) || memchr(value, '\0', value_len))
			continue;
		if (!strcmp(name, WER_RW_VERSION))
			have_version = value_len == 1 && value[0] == '1';
		else if (!strcmp(name, WER_RW_EVENT_TYPE))
			copy_bounded(r->event_type, sizeof(r->event_type),
				     value, value_len);
		else if (!strcmp(name, WER_RW_EVENT_TIME))
			copy_bounded(r->event_time, sizeof(r->event_time),
				     value, value_len);
		else if (!strcmp(name, WER_RW_PROCESS_ID))
			r->pid = number(value, value_len);
		else if (!strcmp(name, WER_RW_THREAD_ID))
			r->tid = number(value, value_len);
		else if (!strcmp(name, WER_RW_THREAD_COUNT))
			r->thread_count = number(value, value_len);
		else if (!strcmp(name, WER_RW_APPLICATION_PATH))
			copy_bounded(r->application_path,
				     sizeof(r->application_path), value,
				     value_len);
		else if (!strcmp(name, WER_RW_DEGRADED)) {
			r->degraded = 1;
			copy_bounded(r->degraded_why, sizeof(r->degraded_why),
				     value, value_len);
		} else if (!strcmp(name, WER_RW_ABORT_MESSAGE)) {
			copy_bounded(r->abort_message, sizeof(r->abort_message),
				     value, value_len);
		} else if (!strcmp(name, WER_RW_EXCEPTION_TYPE)) {
			copy_bounded(r->exception_type,
				     sizeof(r->exception_type), value,
				     value_len);
		} else if (!strcmp(name, WER_RW_EXCEPTION_MESSAGE)) {
			copy_bounded(r->exception_message,
				     sizeof(r->exception_message), value,
				     value_len);
		} else if (!strcmp(name, WER_RW_RERAISED)) {
			copy_bounded(r->reraised, sizeof(r->reraised), value,
				     value_len);
		} else if (!strcmp(name, WER_RW_DUMP_TYPE))
			r->dump_full =
			    value_len == 4 && !memcmp(value, "full", 4);
		else if (!strcmp(name, WER_RW_COMMAND_LINE))
			copy_bounded(r->command_line, sizeof(r->command_line),
				     value, value_len);
		else if ((i = indexed(name, name_len, WER_RW_SIG, &suffix)) >=
			     0 &&
			 i < 10 && !strcmp(suffix, ".Name"))
			copy_bounded(r->sig_name[i], sizeof(r->sig_name[i]),
				     value, value_len);
		else if (i >= 0 && i < 10 && !strcmp(suffix, ".Value"))
			copy_bounded(r->sig_value[i], sizeof(r->sig_value[i]),
				     value, value_len);
		else if ((i = indexed(name, name_len, WER_RW_META, &suffix)) >=
			     0 &&
			 i < WER_STORE_META_MAX) {
			if (!strcmp(suffix, ".Key"))
				copy_bounded(r->meta_key[i],
					     sizeof(r->meta_key[i]), value,
					     value_len);
			else if (!strcmp(suffix, ".Value"))
				copy_bounded(r->meta_value[i],
					     sizeof(r->meta_value[i]), value,
					     value_len);
			if ((size_t)i + 1 > r->meta_count)
				r->meta_count = (size_t)i + 1;
		}
	}
	if (!have_version || !r->event_type[0]) {
		r->damaged = 1;
		snprintf(r->problem, sizeof(r->problem),
			 "Report.wer has no Version=1 or EventType");
		return -EBADMSG;
	}
	return 0;
}

/* "YYYY-MM-DDTHH:MM:SSZ" (wer_time_iso's, whole seconds) as seconds since
 * the epoch; 0 for anything else. */
static long long iso_seconds(const char *value, size_t len)
{
	char text[32];
	struct tm tm = {0};
	int n = 0;

	if (len != 20)
		return 0;
	memcpy(text, value, len);
	text[len] = '\0';
	if (sscanf(text, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &tm.tm_year, &tm.tm_mon,
		   &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6 ||
	    n != 20 || tm.tm_year < 1970 || tm.tm_mon < 1 || tm.tm_mon > 12 ||
	    tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
	    tm.tm_min > 59 || tm.tm_sec > 60)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (long long)timegm(&tm);
}

void wer_upload_parse(const char *text, size_t size, struct wer_report_info *r)
{
	size_t at = 0;
	const char *line;
	long len;

	while ((len = wer_text_line(text, size, &at, &line)) >= 0) {
		const char *eq = memchr(line, '=', (size_t)len);
		size_t name_len, value_len;

		if (!eq)
			continue;
		name_len = (size_t)(eq - line);
		value_len = (size_t)len - name_len - 1;
		if (memchr(eq + 1, '\0', value_len))
			continue;
		if (name_len == 10 && !memcmp(line, "UploadTime", 10))
			copy_bounded(r->upload_time, sizeof(r->upload_time),
				     eq + 1, value_len);
		else if (name_len == 10 && !memcmp(line, "HttpStatus", 10))
			r->upload_status = number(eq + 1, value_len);
		else if (name_len == 12 && !memcmp(line, "ServerAnswer", 12))
			copy_bounded(r->upload_answer, sizeof(r->upload_answer),
				     eq + 1, value_len);
		else if (name_len == 14 && !memcmp(line, "FailedAttempts", 14))
			r->upload_failures = number(eq + 1, value_len);
		else if (name_len == 11 && !memcmp(line, "LastAttempt", 11)) {
			copy_bounded(r->upload_last_try,
				     sizeof(r->upload_last_try), eq + 1,
				     value_len);
			r->upload_last_try_s = iso_seconds(eq + 1, value_len);
		} else if (name_len == 9 && !memcmp(line, "LastError", 9))
			copy_bounded(r->upload_error, sizeof(r->upload_error),
				     eq + 1, value_len);
		else if (name_len == 11 && !memcmp(line, "NextAttempt", 11))
			r->upload_next = iso_seconds(eq + 1, value_len);
	}
}

const char *wer_report_sig(const struct wer_report_info *r, const char *name)
{
	for (int i = 0; i < 10; i++)
		if (!strcmp(r->sig_name[i], name))
			return r->sig_value[i];
	return "";
}

const char *wer_report_app(const struct wer_report_info *r)
{
	const char *name = wer_report_sig(r, WER_SIG_NAME_APP_NAME);
	const char *slash = strrchr(r->application_path, '/');

	if (name[0])
		return name;
	return slash ? slash + 1 : r->application_path;
}

/* ---- the store on disk --------------------------------------------------- */

DIR *wer_dir_list(int fd)
{
	int copy = dup(fd);
	DIR *d = copy >= 0 ? fdopendir(copy) : NULL;

	if (!d && copy >= 0) {
		int err = errno;

		close(copy);
		errno = err;
	}
	return d;
}

int wer_store_open(int create, struct wer_store *ret)
{
	int err = wer_store_path(ret->path, sizeof(ret->path));

	ret->fd = -1;
	if (err < 0)
		return err;
	ret->fd = wer__store_dir_open(ret->path, create);
	return ret->fd < 0 ? ret->fd : 0;
}

void wer_store_close(struct wer_store *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

int wer_store_area(const struct wer_store *s, const char *area, int create)
{
	return wer__store_dir_at(s->fd, area, create);
}

static int is_report_id(const char *id)
{
	return id[0] && id[0] != '.' && !strchr(id, '/');
}

int wer_report_dir(int area_fd, const char *id)
{
	return is_report_id(id) ? wer__store_dir_at(area_fd, id, 0) : -EINVAL;
}

int wer_report_file(int dir_fd, const char *name)
{
	struct stat st;
	int fd =
	    openat(dir_fd, name,
		   O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}

ssize_t wer_report_file_read(int dir_fd, const char *name, size_t cap,
			     char **ret_text)
{
	char *text;
	size_t len;
	int fd = wer_report_file(dir_fd, name);

	if (fd < 0)
		return fd;
	if (!(text = malloc(cap ? cap : 1))) {
		close(fd);
		return -ENOMEM;
	}
	len = wer_read_fd_capped(fd, text, cap);
	close(fd);
	*ret_text = text;
	return (ssize_t)len;
}

int wer_report_read(const struct wer_store *s, int area_fd, const char *area,
		    const char *id, struct wer_report_info *r)
{
	char *text = NULL;
	ssize_t len;
	int err, dir;

	memset(r, 0, sizeof(*r));
	if ((size_t)snprintf(r->dir, sizeof(r->dir), "%s/%s/%s", s->path, area,
			     id) >= sizeof(r->dir))
		r->dir[0] = '\0'; /* for people only: none rather than cut */
	snprintf(r->id, sizeof(r->id), "%s", id);
	r->archived = !strcmp(area, WER_STORE_ARCHIVE);
	if ((dir = wer_report_dir(area_fd, id)) < 0) {
		r->damaged = 1;
		snprintf(r->problem, sizeof(r->problem), "not a report (%s)",
			 strerror(-dir));
		return dir;
	}
	len = wer_report_file_read(dir, "Report.wer", WER_STORE_REPORT_WER_MAX,
				   &text);
	if (len < 0) {
		close(dir);
		r->damaged = 1;
		snprintf(r->problem, sizeof(r->problem), "no Report.wer (%s)",
			 strerror((int)-len));
		return (int)len;
	}
	err = wer_report_parse(text, (size_t)len, r);
	free(text);
	if ((len = wer_report_file_read(dir, "Upload.wer", WER_STORE_UPLOAD_MAX,
					&text)) >= 0) {
		wer_upload_parse(text, (size_t)len, r);
		free(text);
	}
	close(dir);
	return err;
}

int wer_report_reopen(const struct wer_store *s,
		      const struct wer_report_info *r)
{
	int area = wer_store_area(
	    s, r->archived ? WER_STORE_ARCHIVE : WER_STORE_QUEUE, 0);
	int fd;

	if (area < 0)
		return area;
	fd = wer_report_dir(area, r->id);
	close(area);
	return fd;
}

int wer_report_remove(int area_fd, const char *id)
{
	int fd = wer_report_dir(area_fd, id);
	DIR *d;
	struct dirent *e;

	if (fd < 0)
		return fd;
	if (!(d = wer_dir_list(fd))) {
		close(fd);
		return -errno;
	}
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			unlinkat(fd, e->d_name,
				 e->d_type == DT_DIR ? AT_REMOVEDIR : 0);
	closedir(d);
	close(fd);
	return unlinkat(area_fd, id, AT_REMOVEDIR) < 0 ? -errno : 0;
}

struct aged {
	char time[64];
	char id[256];
	char app[WER_STORE_VALUE_MAX];
	char record[1024]; /* its line in Trimmed.log */
	int gone;
};

static int by_age(const void *a, const void *b)
{
	const struct aged *x = a, *y = b;
	int c = strcmp(x->time, y->time);

	return c ? c : strcmp(x->id, y->id);
}

/* Trimmed.log: a line for every report the queue's caps removed (its
 * small record: time, application, signal, fault module and offset, the
 * id), so that a crash loop leaves a count even where its reports went.
 * Past 1 MiB the file becomes Trimmed.log.1 and a new one starts. */
#define TRIMMED_LOG "Trimmed.log"
#define TRIMMED_MAX (1024 * 1024)

void wer_store_record(const struct wer_store *s, const char *line)
{
	struct stat st;
	int fd = openat(s->fd, TRIMMED_LOG,
			O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW |
			    O_NONBLOCK,
			0600);

	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_size > TRIMMED_MAX) {
		close(fd);
		renameat(s->fd, TRIMMED_LOG, s->fd, TRIMMED_LOG ".1");
		fd = openat(s->fd, TRIMMED_LOG,
			    O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC |
				O_NOFOLLOW | O_NONBLOCK,
			    0600);
	}
	if (fd < 0)
		return;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		(void)!write(fd, line, strlen(line));
	close(fd);
}

void wer_store_record_word(char *out, size_t size, const char *in)
{
	size_t n = 0;

	for (; *in && n + 1 < size; in++)
		out[n++] = (unsigned char)*in <= ' ' || *in == 0x7f ? '_' : *in;
	out[n] = '\0';
	if (!n && size > 1)
		out[0] = '-', out[1] = '\0';
}

static int trim_one(const struct wer_store *s, int area_fd, struct aged *a,
		    const char *keep_id)
{
	if (a->gone || (keep_id && !strcmp(a->id, keep_id)) ||
	    wer_report_remove(area_fd, a->id) < 0)
		return 0;
	a->gone = 1;
	wer_store_record(s, a->record);
	return 1;
}

/* Whether the area holds at most cap reports (dot entries aside); the
 * listing is left at its start for the next reader of fd. */
static int within(int area_fd, long cap)
{
	DIR *d = wer_dir_list(area_fd);
	struct dirent *e;
	long n = 0;

	if (!d)
		return 0;
	while (n <= cap && (e = readdir(d)))
		n += e->d_name[0] != '.';
	rewinddir(d);
	closedir(d);
	return n <= cap;
}

long wer_store_trim(const struct wer_store *s, const char *area, long max,
		    const char *keep_id, long max_app)
{
	const char *app = NULL;
	struct wer_report_info *info;
	struct aged *v = NULL;
	long n = 0, cap = 0, removed = 0, of_app = 0;
	int area_fd = wer_store_area(s, area, 0);
	struct dirent *e;
	DIR *d = NULL;

	/* Within both caps, nothing goes: the reports are not read, nor
	 * their reader's memory taken (werfault calls this after every
	 * report it writes). */
	if (area_fd >= 0 && max >= 0 &&
	    within(area_fd, max_app > 0 && max_app < max ? max_app : max)) {
		close(area_fd);
		return 0;
	}
	info = malloc(sizeof(*info));
	if (!info || area_fd < 0 || !(d = wer_dir_list(area_fd))) {
		int err = !info ? -ENOMEM : area_fd < 0 ? area_fd : -errno;

		free(info);
		if (area_fd >= 0)
			close(area_fd);
		return err;
	}
	while ((e = readdir(d)) && n < WER_STORE_REPORTS_MAX) {
		char words[5][128];

		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			long c2 = cap ? cap * 2 : 64;
			struct aged *v2 = realloc(v, (size_t)c2 * sizeof(*v));

			if (!v2)
				break;
			v = v2;
			cap = c2;
		}
		memset(info, 0, sizeof(*info));
		wer_report_read(s, area_fd, area, e->d_name, info);
		snprintf(v[n].time, sizeof(v[n].time), "%s",
			 info->damaged ? "" : info->event_time);
		snprintf(v[n].id, sizeof(v[n].id), "%s", e->d_name);
		snprintf(v[n].app, sizeof(v[n].app), "%s",
			 info->damaged ? "" : wer_report_app(info));
		wer_store_record_word(words[0], sizeof(words[0]), v[n].time);
		wer_store_record_word(words[1], sizeof(words[1]), v[n].app);
		wer_store_record_word(words[2], sizeof(words[2]),
				      info->sig_value[5]);
		wer_store_record_word(words[3], sizeof(words[3]),
				      info->sig_value[3]);
		wer_store_record_word(words[4], sizeof(words[4]),
				      info->sig_value[8]);
		snprintf(v[n].record, sizeof(v[n].record),
			 "time=%s app=%s signal=%s module=%s offset=%s id=%s\n",
			 words[0], words[1], words[2], words[3], words[4],
			 e->d_name);
		v[n].gone = 0;
		n++;
	}
	closedir(d);
	free(info);
	qsort(v, (size_t)n, sizeof(*v), by_age);
	for (long i = 0; keep_id && i < n; i++)
		if (!strcmp(v[i].id, keep_id) && v[i].app[0])
			app = v[i].app;
	for (long i = 0; app && i < n; i++)
		of_app += !strcmp(v[i].app, app);
	/* One application's crash loop takes its own oldest reports, not
	 * the others'. */
	for (long i = 0; app && max_app > 0 && i < n && of_app > max_app; i++)
		if (!strcmp(v[i].app, app) &&
		    trim_one(s, area_fd, &v[i], keep_id))
			removed++, of_app--;
	for (long i = 0; i < n && n - removed > max; i++)
		removed += trim_one(s, area_fd, &v[i], keep_id);
	free(v);
	close(area_fd);
	return removed;
}

int wer_store_lock(const struct wer_store *s, int exclusive)
{
	return wer_store_lock_file(s, ".lock", exclusive);
}

int wer_store_lock_file(const struct wer_store *s, const char *name,
			int exclusive)
{
	struct stat st;
	int fd = openat(s->fd, name,
			O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK,
			0600);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	while (flock(fd, exclusive ? LOCK_EX : LOCK_SH) < 0)
		if (errno != EINTR) {
			int err = -errno;

			close(fd);
			return err;
		}
	return fd;
}

int wer_store_find(const struct wer_store *s, const char *id,
		   const char **ret_area)
{
	static const char *const areas[] = {WER_STORE_QUEUE, WER_STORE_ARCHIVE};

	if (!is_report_id(id))
		return -EINVAL;
	for (size_t i = 0; i < 2; i++) {
		int area = wer_store_area(s, areas[i], 0), fd;

		if (area < 0)
			continue;
		fd = wer_report_dir(area, id);
		close(area);
		if (fd >= 0) {
			*ret_area = areas[i];
			return fd;
		}
	}
	return -ENOENT;
}

int wer_store_note_upload(const struct wer_store *s, const char *id,
			  const char *text, size_t len)
{
	int lock, queue, dir, err;

	if (!is_report_id(id))
		return -EINVAL;
	if ((lock = wer_store_lock(s, 1)) < 0)
		return lock;
	if ((queue = err = wer_store_area(s, WER_STORE_QUEUE, 0)) >= 0 &&
	    (dir = err = wer_report_dir(queue, id)) >= 0) {
		err = wer_write_file_at(dir, "Upload.wer", text, len);
		close(dir);
	}
	if (queue >= 0)
		close(queue);
	close(lock);
	return err;
}

int wer_store_archive(const struct wer_store *s, const char *id,
		      const char *text, size_t len, long max_archive)
{
	int lock, queue = -1, archive = -1, dir = -1, err;

	if (!is_report_id(id))
		return -EINVAL;
	if ((lock = wer_store_lock(s, 1)) < 0)
		return lock;
	if ((queue = err = wer_store_area(s, WER_STORE_QUEUE, 0)) < 0 ||
	    (archive = err = wer_store_area(s, WER_STORE_ARCHIVE, 1)) < 0 ||
	    (dir = err = wer_report_dir(queue, id)) < 0)
		goto out;
	err = wer_write_file_at(dir, "Upload.wer", text, len);
	if (!err && renameat(queue, id, archive, id) < 0)
		err = -errno;
	if (!err)
		wer_store_trim(s, WER_STORE_ARCHIVE, max_archive, id, 0);
out:
	if (dir >= 0)
		close(dir);
	if (archive >= 0)
		close(archive);
	if (queue >= 0)
		close(queue);
	close(lock);
	return err;
}
