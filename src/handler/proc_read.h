/* SPDX-License-Identifier: MIT */
/*
 * proc_read.h - small capped reads of /proc files (proc_read.c).
 */
#ifndef WER_PROC_READ_H
#define WER_PROC_READ_H

#include <sys/types.h>

/* Reads at most max bytes of a file into buf (not NUL-terminated);
 * returns the length or -1. Never blocks on a FIFO. */
ssize_t wer__read_capped(const char *path, char *buf, size_t max);

/* The same, path relative to the open directory dir (AT_FDCWD: the
 * working directory). */
ssize_t wer__read_capped_at(int dir, const char *path, char *buf, size_t max);

/* A "Key:  N kB" line of a /proc file of such lines, in KiB, or -1:
 * /proc/self/status (VmHWM, VmPeak, VmSize), /proc/meminfo (Dirty). At
 * most its first 8 KiB are read. */
long wer__proc_kib(const char *path, const char *key);

/* The same for count keys, the file read once: values[i] is keys[i]'s,
 * or -1. */
void wer__proc_kibs(const char *path, const char *const *keys, long *values,
		    size_t count);

/* VmSize from /proc/self/statm (the kernel makes it for less than the
 * whole status file), in KiB, or -1. */
long wer__self_vm_kib(void);

/* The pid a pidfd of this process names (the Pid line of its fdinfo):
 * -1 once that process is reaped, -2 when fd is no pidfd. */
long wer__pidfd_pid(int fd);

#endif /* WER_PROC_READ_H */
