/* SPDX-License-Identifier: MIT */
/*
 * test_io.c - src/common's capped reads, whole writes (a file, a file
 * descriptor, a directory's fsync) and ISO 8601 times.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "io.h"
#include "iso_time.h"

static void capped_read(void **state)
{
	char buf[8];
	int fds[2];

	(void)state;
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], "0123456789", 10), 10);
	close(fds[1]);
	assert_int_equal(wer_read_fd_capped(fds[0], buf, 4), 4);
	assert_memory_equal(buf, "0123", 4);
	assert_int_equal(wer_read_fd_capped(fds[0], buf, sizeof(buf)), 6);
	assert_memory_equal(buf, "456789", 6);
	assert_int_equal(wer_read_fd_capped(fds[0], buf, sizeof(buf)), 0);
	close(fds[0]);
}

static void whole_write(void **state)
{
	char dir[] = "/tmp/openwer-io.XXXXXX", path[64], text[32];
	struct stat st;
	int dfd, fd;
	ssize_t n;

	(void)state;
	assert_non_null(mkdtemp(dir));
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	assert_true(dfd >= 0);
	assert_int_equal(wer_write_file_at(dfd, "f", "first", 5), 0);
	assert_int_equal(wer_write_file_at(dfd, "f", "second", 6), 0);
	snprintf(path, sizeof(path), "%s/f", dir);
	fd = open(path, O_RDONLY);
	n = read(fd, text, sizeof(text));
	close(fd);
	assert_int_equal(n, 6);
	assert_memory_equal(text, "second", 6);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* A link at the final name is replaced, never followed. */
	assert_int_equal(unlinkat(dfd, "f", 0), 0);
	assert_int_equal(symlinkat("/nonexistent/target", dfd, "f"), 0);
	assert_int_equal(wer_write_file_at(dfd, "f", "third", 5), 0);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	/* Into a directory that is not there: an error, nothing left. */
	assert_true(wer_write_file_at(-1, "g", "x", 1) < 0);
	unlinkat(dfd, "f", 0);
	close(dfd);
	assert_int_equal(rmdir(dir), 0);
}

/* A pipe holds less than the data: the writer is blocked part way and
 * must go on until all of it is read out (short writes continued), then
 * a closed reader is an error, not a success. */
static void write_all(void **state)
{
	enum { SIZE = 1 << 20 };
	char *data = malloc(SIZE), *back = malloc(SIZE);
	int fds[2], status;
	size_t got = 0;
	pid_t child;

	(void)state;
	assert_non_null(data);
	assert_non_null(back);
	for (size_t i = 0; i < SIZE; i++)
		data[i] = (char)(i * 7);
	assert_int_equal(pipe(fds), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		close(fds[0]);
		_exit(wer_write_all(fds[1], data, SIZE) == 0 ? 0 : 1);
	}
	close(fds[1]);
	got = wer_read_fd_capped(fds[0], back, SIZE);
	close(fds[0]);
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(got, SIZE);
	assert_memory_equal(back, data, SIZE);

	assert_int_equal(pipe(fds), 0);
	close(fds[0]);
	signal(SIGPIPE, SIG_IGN);
	assert_int_equal(wer_write_all(fds[1], "x", 1), -EPIPE);
	close(fds[1]);
	assert_int_equal(wer_fsync_dir("."), 0);
	assert_int_equal(wer_fsync_dir("/nonexistent-openwer"), -ENOENT);
	free(data);
	free(back);
}

static void iso_times(void **state)
{
	char buf[40];

	(void)state;
	assert_string_equal(wer_time_iso(buf, sizeof(buf), 1764547200, -1),
			    "2025-12-01T00:00:00Z");
	assert_string_equal(wer_time_iso(buf, sizeof(buf), 1764547200, 5),
			    "2025-12-01T00:00:00.000000005Z");
	assert_string_equal(wer_time_iso(buf, 10, 1764547200, -1), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(capped_read),
	    cmocka_unit_test(whole_write),
	    cmocka_unit_test(write_all),
	    cmocka_unit_test(iso_times),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
