/* SPDX-License-Identifier: MIT */
/*
 * kernel_proc.h - the system mode's reads of the crashed process's /proc
 * directory (kernel_proc.c): one directory handle, opened while the
 * kernel holds the process, and the checks that it is still the crashed
 * process and not another that took its PID (docs/system.md).
 */
#ifndef WER_KERNEL_PROC_H
#define WER_KERNEL_PROC_H

#include <sys/types.h>

#include "snapshot.h"

/* What the kernel said of the crash (core_pattern's arguments). */
struct wer_kernel_crash {
	pid_t pid;    /* %P: in the initial PID namespace */
	uid_t uid;    /* %u: the real user id */
	int dumpable; /* %d */
	long time;    /* %t: seconds since the epoch */
	int pidfd;    /* %F: the kernel's pidfd of the process, -1 none */
};

/* Opens /proc/PID and checks it (wer__kernel_proc_same): the directory,
 * or -1 with why. */
int wer__kernel_proc_open(const struct wer_kernel_crash *k, char *why,
			  size_t size);

/* 1 when the directory proc is still the crashed process's: with the
 * kernel's pidfd, that process is not reaped (so its PID is its own);
 * without one (kernels before 6.16), the process there is dumping a core,
 * started no later than the crash, and has the kernel's user (all four
 * ids when dumpable). 0 with why otherwise. */
int wer__kernel_proc_same(int proc, const struct wer_kernel_crash *k, char *why,
			  size_t size);

/* The container labels: the process's cgroup, and its namespaces that are
 * not this process's (werfault runs in the host's, as the kernel starts
 * it). */
void wer__kernel_proc_labels(int proc, struct wer_snapshot *s);

/* libwer's registry and the memory blocks it registers, read from the
 * held process's memory (mem: its /proc/PID/mem, opened as root while the
 * kernel holds it; read by the caller without root) before the core
 * streams by: the blocks mostly lie below the registry, in the part of
 * the core a pipe has already gone past. The registry is looked for as in
 * a core (its header at a 64-byte boundary, naming its own address) in
 * the writable data of every mapped file and the anonymous memory just
 * after it (a .bss), per maps (the /proc maps text), at most
 * WER_KERNEL_SCAN_MAX bytes. Sets s->have_registry when found. */
#define WER_KERNEL_SCAN_MAX (64u << 20)
void wer__kernel_registry(struct wer_snapshot *s, int mem, const char *maps,
			  size_t len);

#endif /* WER_KERNEL_PROC_H */
