/* SPDX-License-Identifier: MIT */
/*
 * minidump_cpu.h - the CPU-specific part of the minidump writer: the
 * context record of a thread and the system info's processor fields. One
 * implementation per architecture (minidump_cpu_x86_64.c); another
 * architecture is a compile-time error until it has its file.
 */
#ifndef WER_MINIDUMP_CPU_H
#define WER_MINIDUMP_CPU_H

#include <stddef.h>

#include "capture.h"
#include "crash_format.h"
#include "minidump_format.h"

/* Bytes of one context record. */
size_t wer__md_context_size(void);

/* Fills out (wer__md_context_size() bytes) with t's registers: from the
 * crash area's ucontext and FPU state for the crashed thread, from ptrace
 * otherwise. */
void wer__md_context(const struct wer_thread *t,
		     const struct wer_crash_area *crash, void *out);

/* The processor fields of the system info stream. */
void wer__md_cpu_info(md_system_info_t *info);

#endif /* WER_MINIDUMP_CPU_H */
