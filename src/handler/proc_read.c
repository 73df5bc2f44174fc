/* SPDX-License-Identifier: MIT */
/*
 * proc_read.c - small capped reads of /proc files (proc_read.h).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io.h"
#include "proc_read.h"

ssize_t wer__read_capped(const char *path, char *buf, size_t max)
{
	return wer__read_capped_at(AT_FDCWD, path, buf, max);
}

ssize_t wer__read_capped_at(int dir, const char *path, char *buf, size_t max)
{
	int fd = openat(dir, path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	size_t len;

	if (fd < 0)
		return -1;
	len = wer_read_fd_capped(fd, buf, max);
	close(fd);
	return (ssize_t)len;
}

void wer__proc_kibs(const char *path, const char *const *keys, long *values,
		    size_t count)
{
	char text[8192];
	ssize_t n = wer__read_capped(path, text, sizeof(text) - 1);

	text[n > 0 ? n : 0] = '\0';
	for (size_t i = 0; i < count; i++) {
		size_t len = strlen(keys[i]);
		const char *p;

		values[i] = -1;
		for (p = text; (p = strstr(p, keys[i])); p += len)
			if ((p == text || p[-1] == '\n') && p[len] == ':') {
				values[i] = strtol(p + len + 1, NULL, 10);
				break;
			}
	}
}

long wer__proc_kib(const char *path, const char *key)
{
	long value;

	wer__proc_kibs(path, &key, &value, 1);
	return value;
}

long wer__self_vm_kib(void)
{
	char statm[256];
	ssize_t n =
	    wer__read_capped("/proc/self/statm", statm, sizeof(statm) - 1);
	long pages = n > 0 ? (statm[n] = '\0', strtol(statm, NULL, 10)) : -1;

	return pages > 0 ? pages * (sysconf(_SC_PAGESIZE) / 1024) : -1;
}

long wer__pidfd_pid(int fd)
{
	char path[64], info[1024], *p;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	n = wer__read_capped(path, info, sizeof(info) - 1);
	info[n > 0 ? n : 0] = '\0';
	for (p = info; (p = strstr(p, "Pid:")); p += 4)
		if (p == info || p[-1] == '\n')
			return strtol(p + 4, NULL, 10);
	return -2;
}
