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
#include <unistd.h>

#include "store.h"
#include "store_dir.h"

static int use_system_store;

void wer_store_use_system(void)
{
	use_system_store = 1;
}

int wer_store_path(char *buf, size_t size)
{
	if (use_system_store)
		return (size_t)snprintf(buf, size, "%s", WER_SYSTEM_STORE) <
			       size
			   ? 0
			   : -ENAMETOOLONG;
	return wer__store_default_path(buf, size);
}

static void copy_bounded(char *dst, size_t size, const char *src, size_t len)
{
	if (len >= size)
		len = size - 1;
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
		if (!strcmp(name, "Version"))
			have_version = value_len == 1 && value[0] == '1';
		else if (!strcmp(name, "EventType"))
			copy_bounded(r->event_type, sizeof(r->event_type),
				     value, value_len);
		else if (!strcmp(name, "EventTime"))
			copy_bounded(r->event_time, sizeof(r->event_time),
				     value, value_len);
		else if (!strcmp(name, "ProcessId"))
			r->pid = number(value, value_len);
		else if (!strcmp(name, "ThreadId"))
			r->tid = number(value, value_len);
		else if (!strcmp(name, "ThreadCount"))
			r->thread_count = number(value, value_len);
		else if (!strcmp(name, "ApplicationPath"))
			copy_bounded(r->application_path,
				     sizeof(r->application_path), value,
				     value_len);
		else if (!strcmp(name, "Degraded")) {
			r->degraded = 1;
			copy_bounded(r->degraded_why, sizeof(r->degraded_why),
				     value, value_len);
		} else if (!strcmp(name, "DumpType"))
			r->dump_full =
			    value_len == 4 && !memcmp(value, "full", 4);
		else if (!strcmp(name, "CommandLine"))
			copy_bounded(r->command_line, sizeof(r->command_line),
				     value, value_len);
		else if ((i = indexed(name, name_len, "Sig", &suffix)) >= 0 &&
			 i < 10 && !strcmp(suffix, ".Name"))
			copy_bounded(r->sig_name[i], sizeof(r->sig_name[i]),
				     value, value_len);
		else if (i >= 0 && i < 10 && !strcmp(suffix, ".Value"))
			copy_bounded(r->sig_value[i], sizeof(r->sig_value[i]),
				     value, value_len);
		else if ((i = indexed(name, name_len, "CustomMetadata",
				      &suffix)) >= 0 &&
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

size_t wer_read_fd_capped(int fd, char *buf, size_t max)
{
	size_t len = 0;

	while (len < max) {
		ssize_t n = read(fd, buf + len, max - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	return len;
}

/* Reads at most cap bytes of dir/name into a new buffer (the caller
 * frees it; nothing is followed). Returns the length or a negative
 * errno. */
static ssize_t read_small_file(const char *dir, const char *name, size_t cap,
			       char **ret_text)
{
	char path[PATH_MAX + 32], *text;
	size_t len = 0;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (!(text = malloc(cap))) {
		close(fd);
		return -ENOMEM;
	}
	len = wer_read_fd_capped(fd, text, cap);
	close(fd);
	*ret_text = text;
	return (ssize_t)len;
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
	}
}

int wer_report_read(const char *dir, struct wer_report_info *r)
{
	const char *slash = strrchr(dir, '/');
	char *text = NULL;
	ssize_t len;
	int err;

	memset(r, 0, sizeof(*r));
	snprintf(r->dir, sizeof(r->dir), "%s", dir);
	snprintf(r->id, sizeof(r->id), "%s", slash ? slash + 1 : dir);
	len =
	    read_small_file(dir, "Report.wer", WER_STORE_REPORT_WER_MAX, &text);
	if (len < 0) {
		r->damaged = 1;
		snprintf(r->problem, sizeof(r->problem), "no Report.wer (%s)",
			 strerror((int)-len));
		return (int)len;
	}
	err = wer_report_parse(text, (size_t)len, r);
	free(text);
	if ((len = read_small_file(dir, "Upload.wer", WER_STORE_UPLOAD_MAX,
				   &text)) >= 0) {
		wer_upload_parse(text, (size_t)len, r);
		free(text);
	}
	return err;
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
	const char *name = wer_report_sig(r, "Application Name");
	const char *slash = strrchr(r->application_path, '/');

	if (name[0])
		return name;
	return slash ? slash + 1 : r->application_path;
}

int wer_store_remove_report(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	DIR *d;
	struct dirent *e;

	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -errno;
	}
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			unlinkat(fd, e->d_name, 0);
	closedir(d);
	return rmdir(dir) < 0 ? -errno : 0;
}

struct aged {
	char time[64];
	char id[256];
};

static int by_age(const void *a, const void *b)
{
	const struct aged *x = a, *y = b;
	int c = strcmp(x->time, y->time);

	return c ? c : strcmp(x->id, y->id);
}

long wer_store_trim(const char *store, const char *area, long max,
		    const char *keep_id)
{
	char queue[PATH_MAX + 16];
	struct wer_report_info *info = malloc(sizeof(*info));
	struct aged *v = NULL;
	long n = 0, cap = 0, removed = 0;
	struct dirent *e;
	DIR *d;

	snprintf(queue, sizeof(queue), "%s/%s", store, area);
	if (!info || !(d = opendir(queue))) {
		free(info);
		return -errno;
	}
	while ((e = readdir(d)) && n < WER_STORE_REPORTS_MAX) {
		char dir[PATH_MAX + 300];

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
		snprintf(dir, sizeof(dir), "%s/%s", queue, e->d_name);
		wer_report_read(dir, info);
		snprintf(v[n].time, sizeof(v[n].time), "%s",
			 info->damaged ? "" : info->event_time);
		snprintf(v[n].id, sizeof(v[n].id), "%s", e->d_name);
		n++;
	}
	closedir(d);
	free(info);
	qsort(v, (size_t)n, sizeof(*v), by_age);
	for (long i = 0; i < n && n - removed > max; i++) {
		char dir[PATH_MAX + 300];

		if (keep_id && !strcmp(v[i].id, keep_id))
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", queue, v[i].id);
		if (wer_store_remove_report(dir) == 0)
			removed++;
	}
	free(v);
	return removed;
}

int wer_store_lock(const char *store, int exclusive)
{
	char path[PATH_MAX + 16];
	int fd;

	if (exclusive && mkdir(store, 0700) < 0 && errno != EEXIST)
		return -errno;
	snprintf(path, sizeof(path), "%s/.lock", store);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	while (flock(fd, exclusive ? LOCK_EX : LOCK_SH) < 0)
		if (errno != EINTR) {
			int err = -errno;

			close(fd);
			return err;
		}
	return fd;
}

int wer_store_find(const char *store, const char *id, char *dir, size_t size)
{
	static const char *const areas[] = {WER_STORE_QUEUE, WER_STORE_ARCHIVE};
	struct stat st;

	if (!id[0] || id[0] == '.' || strchr(id, '/'))
		return -EINVAL;
	for (size_t i = 0; i < 2; i++) {
		if ((size_t)snprintf(dir, size, "%s/%s/%s", store, areas[i],
				     id) >= size)
			return -ENAMETOOLONG;
		if (lstat(dir, &st) == 0 && S_ISDIR(st.st_mode))
			return 0;
	}
	return -ENOENT;
}

/* Writes len bytes of text to dir_fd/name whole: a temporary file,
 * fsynced, renamed. */
static int write_file_at(int dir_fd, const char *name, const char *text,
			 size_t len)
{
	char tmp[64];
	int fd, err = 0;

	snprintf(tmp, sizeof(tmp), ".%s.%d", name, (int)getpid());
	fd =
	    openat(dir_fd, tmp,
		   O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	while (len && !err) {
		ssize_t n = write(fd, text, len);

		if (n < 0 && errno != EINTR)
			err = -errno;
		else if (n > 0)
			text += n, len -= (size_t)n;
	}
	if (!err && fsync(fd) < 0)
		err = -errno;
	close(fd);
	if (!err && renameat(dir_fd, tmp, dir_fd, name) < 0)
		err = -errno;
	if (err)
		unlinkat(dir_fd, tmp, 0);
	return err;
}

int wer_store_archive(const char *store, const char *id, const char *text,
		      size_t len, long max_archive)
{
	char from[PATH_MAX + 300], to[PATH_MAX + 300];
	int lock, fd, err;

	if (!id[0] || id[0] == '.' || strchr(id, '/'))
		return -EINVAL;
	if ((lock = wer_store_lock(store, 1)) < 0)
		return lock;
	snprintf(from, sizeof(from), "%s/%s/%s", store, WER_STORE_QUEUE, id);
	snprintf(to, sizeof(to), "%s/%s", store, WER_STORE_ARCHIVE);
	if (mkdir(to, 0700) < 0 && errno != EEXIST) {
		err = -errno;
		goto out;
	}
	snprintf(to, sizeof(to), "%s/%s/%s", store, WER_STORE_ARCHIVE, id);
	fd = open(from, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		err = -errno;
		goto out;
	}
	err = write_file_at(fd, "Upload.wer", text, len);
	close(fd);
	if (!err && rename(from, to) < 0)
		err = -errno;
	if (!err)
		wer_store_trim(store, WER_STORE_ARCHIVE, max_archive, id);
out:
	close(lock);
	return err;
}
