/* SPDX-License-Identifier: MIT */
/*
 * store_dir.c - opening the store's directories safely. Async-signal-safe
 * (the crash path calls it; tests/build/test_crash_symbols.sh holds its
 * undefined symbols to the crash path's list): openat, mkdirat, mkdir,
 * fstat, geteuid, close, nothing else.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store_dir.h"

int wer__store_dir_at(int dir_fd, const char *name, int create)
{
	struct stat st, parent;
	int fd;

	if (create && mkdirat(dir_fd, name, 0700) < 0 && errno != EEXIST)
		return -errno;
	fd = openat(dir_fd, name,
		    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	/* Root also reads inside a store wholly one user's (wer list
	 * --all-users): a directory its parent's owner owns, never one a
	 * third user planted there. */
	if ((st.st_uid != geteuid() &&
	     (geteuid() != 0 || create || fstat(dir_fd, &parent) < 0 ||
	      parent.st_uid != st.st_uid)) ||
	    (st.st_mode & (S_IWGRP | S_IWOTH))) {
		close(fd);
		return -EPERM;
	}
	return fd;
}

int wer__store_dir_open(const char *path, int create)
{
	char buf[PATH_MAX];
	size_t len = 0, last = 0;
	int parent, fd;

	if (path[0] != '/')
		return -EINVAL;
	while (path[len]) {
		if (len + 1 >= sizeof(buf))
			return -ENAMETOOLONG;
		buf[len] = path[len];
		len++;
	}
	while (len > 1 && buf[len - 1] == '/')
		len--; /* "/a/b/" is "/a/b" */
	buf[len] = '\0';
	for (size_t i = 0; i < len; i++)
		if (buf[i] == '/')
			last = i;
	if (last + 1 >= len)
		return -EINVAL; /* "/" is no store */
	/* The ancestors, one level at a time. */
	for (size_t i = 1; create && i < last; i++) {
		if (buf[i] != '/')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, 0700) < 0 && errno != EEXIST) {
			int err = -errno;

			buf[i] = '/';
			return err;
		}
		buf[i] = '/';
	}
	buf[last] = '\0';
	if (create && last > 0 && mkdir(buf, 0700) < 0 && errno != EEXIST)
		return -errno;
	parent = open(last ? buf : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (parent < 0)
		return -errno;
	fd = wer__store_dir_at(parent, buf + last + 1, create);
	close(parent);
	return fd;
}
