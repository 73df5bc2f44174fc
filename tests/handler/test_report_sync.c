/* SPDX-License-Identifier: MIT */
/*
 * test_report_sync - a report's directory made durable
 * (wer__report_sync, src/handler/report_files.c) both ways: its file
 * system synced once, and file by file; and the /proc line reader that
 * chooses between them (wer__proc_kib).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "proc_read.h"
#include "report.h"
#include "report_parts.h"

/* A report directory as werfault leaves it before the rename: files, and
 * what werfault never writes but a hostile store could hold (a link out
 * of it, a FIFO), which the file-by-file pass must skip, not follow or
 * wait on. */
static int make_report(char *dir)
{
	int dir_fd;
	FILE *f;

	assert_non_null(mkdtemp(dir));
	dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(dir_fd >= 0);
	f = wer__report_create(dir_fd, "Report.wer");
	assert_non_null(f);
	fputs("Version=1\n", f);
	assert_int_equal(wer__report_close(f), 0);
	f = wer__report_create(dir_fd, "stack.txt");
	assert_non_null(f);
	fputs("Thread 1 (crashed)\n", f);
	assert_int_equal(wer__report_close(f), 0);
	assert_int_equal(symlinkat("/etc/passwd", dir_fd, "link"), 0);
	assert_int_equal(mkfifoat(dir_fd, "fifo", 0600), 0);
	return dir_fd;
}

static void remove_report(int dir_fd, const char *dir)
{
	static const char *const names[] = {"Report.wer", "stack.txt", "link",
					    "fifo"};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		assert_int_equal(unlinkat(dir_fd, names[i], 0), 0);
	close(dir_fd);
	assert_int_equal(rmdir(dir), 0);
}

/* Either way 0, the files as written, the link and the FIFO left be. */
static void synced_both_ways(void **state)
{
	const char *tmp = getenv("TMPDIR");
	long ways[] = {-1, WER_REPORT_SYNCFS_DIRTY_KIB, LONG_MAX};

	(void)state;
	for (size_t i = 0; i < sizeof(ways) / sizeof(ways[0]); i++) {
		char dir[PATH_MAX], text[64];
		int dir_fd, fd;
		ssize_t n;

		snprintf(dir, sizeof(dir), "%s/wer-sync-XXXXXX",
			 tmp && *tmp ? tmp : "/tmp");
		dir_fd = make_report(dir);
		assert_int_equal(wer__report_sync(dir_fd, ways[i]), 0);
		fd = openat(dir_fd, "stack.txt", O_RDONLY | O_CLOEXEC);
		assert_true(fd >= 0);
		n = read(fd, text, sizeof(text) - 1);
		close(fd);
		assert_int_equal(n, 19);
		text[n] = '\0';
		assert_string_equal(text, "Thread 1 (crashed)\n");
		remove_report(dir_fd, dir);
	}
}

/* A descriptor that is no directory: the error, either way. */
static void bad_directory_is_an_error(void **state)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(wer__report_sync(fd, -1), -ENOTDIR);
	assert_int_equal(wer__report_sync(fd, LONG_MAX), -ENOTDIR);
	close(fd);
	assert_int_equal(wer__report_sync(fd, -1), -EBADF);
	assert_int_equal(wer__report_sync(fd, LONG_MAX), -EBADF);
}

/* "Key:  N kB" lines: the key at a line's start, whole. */
static void proc_lines_read(void **state)
{
	char path[] = "/tmp/wer-meminfo-XXXXXX";
	static const char text[] = "MemTotal:       16318112 kB\n"
				   "NotDirty:              7 kB\n"
				   "Dirty:                 56 kB\n"
				   "Writeback:              0 kB\n"
				   "WritebackTmp:         12 kB\n";
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, sizeof(text) - 1),
			 (ssize_t)sizeof(text) - 1);
	close(fd);
	assert_int_equal(wer__proc_kib(path, "Dirty"), 56);
	assert_int_equal(wer__proc_kib(path, "Writeback"), 0);
	assert_int_equal(wer__proc_kib(path, "WritebackTmp"), 12);
	assert_int_equal(wer__proc_kib(path, "MemTotal"), 16318112);
	assert_int_equal(wer__proc_kib(path, "Dirt"), -1);
	assert_int_equal(wer__proc_kib(path, "Cached"), -1);
	{
		static const char *const keys[] = {"Writeback", "Cached",
						   "Dirty"};
		long kib[3];

		wer__proc_kibs(path, keys, kib, 3);
		assert_int_equal(kib[0], 0);
		assert_int_equal(kib[1], -1);
		assert_int_equal(kib[2], 56);
	}
	unlink(path);
	assert_int_equal(wer__proc_kib(path, "Dirty"), -1);
	/* The real ones: present on any Linux this runs on. */
	assert_true(wer__proc_kib("/proc/meminfo", "Dirty") >= 0);
	assert_true(wer__proc_kib("/proc/self/status", "VmSize") > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(synced_both_ways),
	    cmocka_unit_test(bad_directory_is_an_error),
	    cmocka_unit_test(proc_lines_read),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
