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

const char *wer__status_field(const char *text, const char *key)
{
	size_t len = strlen(key);

	for (const char *p = text; p && *p;
	     p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (!strncmp(p, key, len) && p[len] == ':')
			return p + len + 1;
	return NULL;
}

long wer__self_status_kib(const char *key)
{
	char status[4096];
	const char *v;
	ssize_t n =
	    wer__read_capped("/proc/self/status", status, sizeof(status) - 1);

	status[n > 0 ? n : 0] = '\0';
	return (v = wer__status_field(status, key)) ? strtol(v, NULL, 10) : -1;
}

int wer__stat_start_ticks(const char *stat, size_t len, unsigned long long *ret)
{
	const char *paren = memrchr(stat, ')', len), *p, *end = stat + len;

	if (!paren)
		return -1;
	p = paren + 1;
	for (int field = 2; field < 22 && p < end; p++)
		if (*p == ' ')
			field++;
	return p < end && sscanf(p, "%llu", ret) == 1 ? 0 : -1;
}

long wer__boot_time(void)
{
	/* Line by line: the intr line before btime runs to many kilobytes
	 * on a machine with many interrupts. */
	FILE *f = fopen("/proc/stat", "re");
	unsigned long long btime;
	char line[256];
	long r = -1;

	while (f && r < 0 && fgets(line, sizeof(line), f))
		if (sscanf(line, "btime %llu", &btime) == 1)
			r = (long)btime;
	if (f)
		fclose(f);
	return r;
}
