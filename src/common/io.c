/* SPDX-License-Identifier: MIT */
/*
 * io.c - capped reads, whole writes (io.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "io.h"

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

void wer_start_writeback(int fd)
{
	/* EINVAL, ESPIPE (not a file that has pages): nothing to start. */
	(void)sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
}

int wer_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int wer_fsync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int err = 0;

	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0)
		err = -errno;
	close(fd);
	return err;
}

int wer_write_file_at(int dir_fd, const char *name, const char *data,
		      size_t len)
{
	char tmp[300];
	int fd, err = 0;

	if ((size_t)snprintf(tmp, sizeof(tmp), ".%s.%d", name, (int)getpid()) >=
	    sizeof(tmp))
		return -ENAMETOOLONG;
	unlinkat(dir_fd, tmp, 0); /* a leftover of a process of this pid */
	fd = openat(dir_fd, tmp,
		    O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	err = wer_write_all(fd, data, len);
	if (!err && fsync(fd) < 0)
		err = -errno;
	close(fd);
	if (!err && renameat(dir_fd, tmp, dir_fd, name) < 0)
		err = -errno;
	if (err)
		unlinkat(dir_fd, tmp, 0);
	return err;
}

int wer_beside_self(const char *name, char *out, size_t size)
{
	char self[PATH_MAX], *slash;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n <= 0 || !(slash = memrchr(self, '/', (size_t)n)))
		return -1;
	*slash = '\0';
	return (size_t)snprintf(out, size, "%s/%s", self, name) < size ? 0 : -1;
}
