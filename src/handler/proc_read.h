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

/* The value after "Key:" on a line of a /proc status-like text
 * (NUL-terminated: /proc/PID/status, fdinfo), or NULL. */
const char *wer__status_field(const char *text, const char *key);

/* A "Key:  N kB" line of /proc/self/status (VmHWM, VmPeak, VmSize), in
 * KiB, or -1. */
long wer__self_status_kib(const char *key);

/* Field 22 of a /proc/PID/stat text (len bytes, NUL-terminated): the
 * process's start in clock ticks since boot. 0, or -1. */
int wer__stat_start_ticks(const char *stat, size_t len,
			  unsigned long long *ret);

/* The boot time (/proc/stat's btime), seconds since the epoch, or -1. */
long wer__boot_time(void);

#endif /* WER_PROC_READ_H */
