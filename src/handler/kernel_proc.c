/* SPDX-License-Identifier: MIT */
/*
 * kernel_proc.c - the system mode's verified reads of /proc/PID
 * (kernel_proc.h). A PID names a process only while that process is not
 * reaped: apport's CVE-2020-15702 and CVE-2025-5054 and systemd-coredump's
 * CVE-2025-4598 read another process's files through a PID that the
 * crashed process had left. Here every read goes through one directory
 * handle, checked before the first read and after the last; a check that
 * passes after the reads means the crashed process held the PID all
 * along (a process does not come back).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kernel_proc.h"
#include "maps.h"
#include "proc_read.h"
#include "text.h"

/* The value after "\nKey:" (or at the start) in a /proc status text. */
static const char *status_field(const char *text, const char *key)
{
	size_t len = strlen(key);

	for (const char *p = text; p && *p;
	     p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (!strncmp(p, key, len) && p[len] == ':')
			return p + len + 1;
	return NULL;
}

/* With the kernel's pidfd: its process is k->pid's and not reaped. */
static int pidfd_same(const struct wer_kernel_crash *k, char *why, size_t size)
{
	if (wer__pidfd_pid(k->pidfd) != k->pid) {
		snprintf(why, size,
			 "the kernel's pidfd is not process %d's (any "
			 "more)",
			 (int)k->pid);
		return 0;
	}
#ifdef SYS_pidfd_send_signal
	if (syscall(SYS_pidfd_send_signal, k->pidfd, 0, NULL, 0) < 0) {
		snprintf(why, size, "process %d is gone", (int)k->pid);
		return 0;
	}
#endif
	return 1;
}

/* Field 22 of stat: the start, in clock ticks since boot. */
static int start_ticks(int proc, unsigned long long *ret)
{
	char stat[1024];
	const char *p;
	ssize_t n = wer__read_capped_at(proc, "stat", stat, sizeof(stat) - 1);

	if (n <= 0)
		return -1;
	stat[n] = '\0';
	if (!(p = strrchr(stat, ')')))
		return -1;
	for (int field = 2; field < 22 && *p; p++)
		if (*p == ' ')
			field++;
	return sscanf(p, "%llu", ret) == 1 ? 0 : -1;
}

static long boot_time(void)
{
	char buf[8192];
	const char *p;
	ssize_t n = wer__read_capped("/proc/stat", buf, sizeof(buf) - 1);

	buf[n > 0 ? n : 0] = '\0';
	return (p = strstr(buf, "\nbtime ")) ? strtol(p + 7, NULL, 10) : -1;
}

/* Without a pidfd: the process at PID is dumping a core, is a process
 * (not another's thread), has the kernel's user, and started no later
 * than the crash. */
static int facts_same(int proc, const struct wer_kernel_crash *k, char *why,
		      size_t size)
{
	char status[8192];
	const char *v;
	unsigned long long ticks;
	unsigned long ids[4];
	long hz = sysconf(_SC_CLK_TCK), boot = boot_time();
	ssize_t n =
	    wer__read_capped_at(proc, "status", status, sizeof(status) - 1);

	status[n > 0 ? n : 0] = '\0';
	if (!(v = status_field(status, "CoreDumping")) ||
	    strtol(v, NULL, 10) != 1) {
		snprintf(why, size, "process %d is not dumping a core",
			 (int)k->pid);
		return 0;
	}
	if (!(v = status_field(status, "Tgid")) ||
	    strtol(v, NULL, 10) != k->pid ||
	    !(v = status_field(status, "Uid")) ||
	    sscanf(v, "%lu %lu %lu %lu", &ids[0], &ids[1], &ids[2], &ids[3]) !=
		4 ||
	    ids[0] != k->uid ||
	    (k->dumpable == 1 &&
	     (ids[1] != k->uid || ids[2] != k->uid || ids[3] != k->uid))) {
		snprintf(why, size,
			 "process %d is not the kernel's (thread group or "
			 "user)",
			 (int)k->pid);
		return 0;
	}
	if (hz <= 0 || boot < 0 || start_ticks(proc, &ticks) < 0 ||
	    boot + (long)(ticks / (unsigned long long)hz) > k->time) {
		snprintf(why, size, "process %d started after the crash",
			 (int)k->pid);
		return 0;
	}
	return 1;
}

int wer__kernel_proc_same(int proc, const struct wer_kernel_crash *k, char *why,
			  size_t size)
{
	return k->pidfd >= 0 ? pidfd_same(k, why, size)
			     : facts_same(proc, k, why, size);
}

int wer__kernel_proc_open(const struct wer_kernel_crash *k, char *why,
			  size_t size)
{
	char path[64];
	int proc;

	snprintf(path, sizeof(path), "/proc/%d", (int)k->pid);
	if ((proc = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		snprintf(why, size, "process %d is gone", (int)k->pid);
		return -1;
	}
	if (!wer__kernel_proc_same(proc, k, why, size)) {
		close(proc);
		return -1;
	}
	return proc;
}

/* Appends " NAME:[ID]" to out when the process's namespace NAME is not
 * this process's. */
static void namespace_label(int proc, const char *name, char *out, size_t size)
{
	char path[32], theirs[64], ours[64];
	ssize_t a, b;
	size_t at = strlen(out);

	snprintf(path, sizeof(path), "ns/%s", name);
	a = readlinkat(proc, path, theirs, sizeof(theirs) - 1);
	snprintf(path, sizeof(path), "/proc/self/ns/%s", name);
	b = readlink(path, ours, sizeof(ours) - 1);
	if (a <= 0 || b <= 0)
		return;
	theirs[a] = ours[b] = '\0';
	if (strcmp(theirs, ours) && at < size)
		snprintf(out + at, size - at, "%s%s", at ? " " : "", theirs);
}

void wer__kernel_proc_labels(int proc, struct wer_snapshot *s)
{
	static const char *const names[] = {"pid", "mnt", "user",   "net",
					    "uts", "ipc", "cgroup", "time"};
	char cgroup[sizeof(s->cgroup)];
	ssize_t n =
	    wer__read_capped_at(proc, "cgroup", cgroup, sizeof(cgroup) - 1);
	size_t len = 0;

	if (n > 0) {
		const char *line = cgroup;

		cgroup[n] = '\0';
		cgroup[strcspn(cgroup, "\n")] = '\0';
		/* cgroup v2's one line, "0::/PATH"; v1's first line. */
		if (!strncmp(line, "0::", 3))
			line += 3;
		for (; line[len] && len < sizeof(s->cgroup) - 1; len++)
			s->cgroup[len] =
			    wer_text_is_control(
				(const unsigned char *)line + len, 1)
				? '?'
				: line[len];
		s->cgroup[len] = '\0';
	}
	s->container[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		namespace_label(proc, names[i], s->container,
				sizeof(s->container));
}

/* A wer_mem_read_fn over /proc/PID/mem; ctx points to its descriptor. */
static int mem_read(void *ctx, uint64_t address, void *buf, size_t len)
{
	int fd = *(const int *)ctx;

	if (address > INT64_MAX - len)
		return -EFAULT;
	return pread(fd, buf, len, (off_t)address) == (ssize_t)len ? 0
								   : -EFAULT;
}

/* The registry's address in [lo, hi) of mem, or 0. */
static uint64_t find_registry(int mem, uint64_t lo, uint64_t hi,
			      unsigned char *buf, size_t chunk,
			      uint64_t *budget)
{
	for (uint64_t at = lo & ~(uint64_t)63; at < hi && *budget;) {
		size_t n = hi - at < chunk ? (size_t)(hi - at) : chunk;

		if (n > *budget)
			n = (size_t)*budget;
		*budget -= n;
		if (mem_read(&mem, at, buf, n) < 0)
			return 0;
		for (size_t k = 0; k + 32 <= n; k += 64) {
			uint64_t self;

			memcpy(&self, buf + k + 24, sizeof(self));
			if (!memcmp(buf + k, WER_REGISTRY_MAGIC,
				    WER_REGISTRY_MAGIC_SIZE) &&
			    self == at + k)
				return at + k;
		}
		at += n;
	}
	return 0;
}

void wer__kernel_registry(struct wer_snapshot *s, int mem, const char *maps,
			  size_t len)
{
	static struct wer_maps_line line;
	size_t at = 0, chunk = 64 * 1024;
	uint64_t budget = WER_KERNEL_SCAN_MAX, found = 0;
	unsigned char *buf = malloc(chunk);
	int after_file = 0;

	while (buf && !found && budget &&
	       wer__maps_next(maps, len, &at, &line)) {
		int file = line.name[0] == '/';
		int candidate = file || (after_file && !line.name[0]);

		after_file = file;
		if (candidate && line.perms[0] == 'r' && line.perms[1] == 'w')
			found = find_registry(mem, line.lo, line.hi, buf, chunk,
					      &budget);
	}
	free(buf);
	if (found &&
	    wer__registry_read(mem_read, &mem, found, &s->registry) == 0) {
		s->have_registry = 1;
		wer__snapshot_read_blocks(s, mem_read, &mem);
	}
}
