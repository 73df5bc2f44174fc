/* SPDX-License-Identifier: MIT */
/*
 * report_files.c - the report's files beside its text: stack.txt, the
 * registered memory blocks, copies of the registered files.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "io.h"
#include "kernel.h"
#include "proc_read.h"
#include "report_parts.h"

#define WER_REPORT_FILE_MAX (4 * 1024 * 1024) /* bytes of one copied file */

FILE *wer__report_create(int dir_fd, const char *name)
{
	int fd =
	    openat(dir_fd, name,
		   O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);

	return fd < 0 ? NULL : fdopen(fd, "w");
}

/* Flushes f, starts its writeback and closes it; 0, or the first error
 * (ENOSPC, EDQUOT, EIO...) so that werfault can say why a report was not
 * written. wer__report_sync waits for the data, all files at once. */
int wer__report_close(FILE *f)
{
	int err = 0;

	errno = 0;
	if (ferror(f) || fflush(f) != 0)
		err = errno ? -errno : -EIO;
	if (!err)
		wer_start_writeback(fileno(f));
	if (fclose(f) != 0 && !err)
		err = errno ? -errno : -EIO;
	return err;
}

/* Every file of dir_fd and the directory itself, fsynced one by one. */
static int sync_each(int dir_fd)
{
	int fd = openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *e;
	int err = 0;

	if (!d) {
		err = -errno;
		if (fd >= 0)
			close(fd);
		return err;
	}
	while (!err && (e = readdir(d))) {
		int file;

		if (e->d_type != DT_REG && e->d_type != DT_UNKNOWN)
			continue;
		file = openat(dir_fd, e->d_name,
			      O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		if (file < 0) {
			if (errno != ELOOP)
				err = -errno;
			continue;
		}
		if (fsync(file) < 0)
			err = -errno;
		close(file);
	}
	closedir(d);
	if (!err && fsync(dir_fd) < 0)
		err = -errno;
	return err;
}

/* Whether syncfs on dir_fd's file system is known to write and flush
 * all of it, and to say when that failed: the kernel's own disk file
 * systems, from Linux 5.8 (before, syncfs said nothing of a write that
 * failed). A FUSE file system's may do nothing and say 0, a network
 * one's is its server's affair. */
static int syncfs_known(int dir_fd)
{
	struct statfs fs;

	if (!wer_kernel_at_least(5, 8) || fstatfs(dir_fd, &fs) < 0)
		return 0;
	switch ((unsigned long)fs.f_type) {
	case EXT4_SUPER_MAGIC: /* ext2, ext3 and ext4 */
	case XFS_SUPER_MAGIC:
	case BTRFS_SUPER_MAGIC:
	case F2FS_SUPER_MAGIC:
		return 1;
	default:
		return 0;
	}
}

int wer__report_sync(int dir_fd, long dirty_max)
{
	static const char *const keys[] = {"Dirty", "Writeback"};
	long kib[2] = {-1, -1}; /* Dirty, Writeback */

	/* Little else to write: the file system synced once, where each
	 * fsync after the first costs a cache flush of its own
	 * (docs/crash.md). syncfs waits for whatever else is dirty on it,
	 * hence the bound. */
	if (dirty_max >= 0 && syncfs_known(dir_fd))
		wer__proc_kibs("/proc/meminfo", keys, kib, 2);
	if (kib[0] >= 0 && kib[1] >= 0 && kib[0] <= dirty_max &&
	    kib[1] <= dirty_max - kib[0] && syncfs(dir_fd) == 0)
		return 0;
	return sync_each(dir_fd);
}

void wer__report_sanitize_name(char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' ||
		      *s == '.'))
			*s = '_';
}

/* Copies a registered file into the report, at most WER_REPORT_FILE_MAX
 * bytes; only regular files (a FIFO or device is refused, not waited on). */
void wer__report_copy_file(int dir_fd, const struct wer_snapshot_file *sf,
			   size_t index, struct wer_file_result *res)
{
	int in = open(sf->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	char buf[65536];
	size_t total = 0;
	struct stat st;
	FILE *out;

	res->name[0] = '\0';
	if (in < 0) {
		snprintf(res->status, sizeof(res->status), "unreadable (%s)",
			 strerror(errno));
		return;
	}
	if (fstat(in, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(res->status, sizeof(res->status),
			 "not a regular file");
		close(in);
		return;
	}
	snprintf(res->name, sizeof(res->name), "File%zu-%.64s", index,
		 strrchr(sf->path, '/') ? strrchr(sf->path, '/') + 1
					: sf->path);
	wer__report_sanitize_name(res->name);
	out = wer__report_create(dir_fd, res->name);
	if (!out) {
		snprintf(res->status, sizeof(res->status), "not copied (%s)",
			 strerror(errno));
		res->name[0] = '\0';
		close(in);
		return;
	}
	while (total < WER_REPORT_FILE_MAX) {
		size_t want = WER_REPORT_FILE_MAX - total;
		ssize_t n =
		    read(in, buf, want < sizeof(buf) ? want : sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		fwrite(buf, 1, (size_t)n, out);
		total += (size_t)n;
	}
	if ((uint64_t)st.st_size > total)
		snprintf(res->status, sizeof(res->status),
			 "truncated at %zu of %lld bytes", total,
			 (long long)st.st_size);
	else
		snprintf(res->status, sizeof(res->status), "copied, %zu bytes",
			 total);
	if (wer__report_close(out) < 0)
		snprintf(res->status, sizeof(res->status), "write failed");
	close(in);
}

int wer__report_write_stack(int dir_fd, const struct wer_job *r)
{
	FILE *f = wer__report_create(dir_fd, "stack.txt");

	if (!f)
		return -errno;
	if (r->snap.have_threads && r->live)
		fprintf(f,
			"No crash: a report of event %s; thread %d asked "
			"for it.\n\n",
			r->live->event_type, (int)r->snap.tid);
	if (r->snap.have_threads)
		wer__unwind_print(&r->snap, r->have_unwind ? &r->unwind : NULL,
				  f);
	else if (r->live && !r->live->dump_type)
		fputs("No dump was asked for: no thread was captured.\n", f);
	else
		fputs("No thread could be captured.\n", f);
	if (r->snap.have_threads && !r->snap.seized)
		fprintf(f, "\nDegraded capture: %s\n", r->snap.problem);
	return wer__report_close(f);
}

int wer__report_write_app_settings(int dir_fd, const struct wer_job *r)
{
	static char text[WER_CODE_SETTINGS_MAX + 1];
	FILE *f;

	if (!r->code_applied)
		return 0;
	wer_code_settings_format(&r->snap.registry.code, text, sizeof(text));
	if (!(f = wer__report_create(dir_fd, WER_APP_SETTINGS_FILE)))
		return -errno;
	fputs(text, f);
	return wer__report_close(f);
}

int wer__report_write_blocks(int dir_fd, const struct wer_job *r)
{
	for (size_t i = 0; i < r->snap.block_count; i++) {
		const struct wer_snapshot_range *b = &r->snap.registry.range[i];
		char name[64];
		FILE *f;
		int err;

		if (!r->snap.block_data[i])
			continue;
		snprintf(name, sizeof(name), "MemoryBlock-0x%" PRIx64 ".bin",
			 b->address);
		if (!(f = wer__report_create(dir_fd, name)))
			return -errno;
		fwrite(r->snap.block_data[i], 1, b->size, f);
		if ((err = wer__report_close(f)) < 0)
			return err;
	}
	return 0;
}
