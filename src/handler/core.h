/* SPDX-License-Identifier: MIT */
/*
 * core.h - a snapshot from an ELF core of a crashed process (core.c), read
 * in one pass: a file, or the kernel's core_pattern pipe (docs/system.md).
 */
#ifndef WER_CORE_H
#define WER_CORE_H

#include "snapshot.h"

#define WER_CORE_NOTES_MAX    (32 * 1024 * 1024) /* bytes of notes */
#define WER_CORE_STACK_MAX    (256 * 1024)	 /* a thread's stack kept */
#define WER_CORE_STACKS_TOTAL (64 * 1024 * 1024) /* every thread's */
#define WER_CORE_REGISTRY_MAX (16 * 1024 * 1024) /* the registry's bytes */

/* Reads the core from fd to its end into s (made by wer__snapshot_init):
 * threads with registers and stacks, the signal, the maps text and
 * modules, the auxiliary vector, the program's name and arguments, and
 * libwer's registry when the process had one (unless s has it already),
 * with the contents of the memory blocks it registers when fd is a file.
 * Returns 0 (what could not
 * be read is in s->missing and s->truncated), or -EBADMSG (not a core, or
 * one without threads), -ENOTSUP (another processor's) or -ENOMEM, with
 * why. */
int wer__core_read(int fd, struct wer_snapshot *s, char *why, size_t size);

#endif /* WER_CORE_H */
