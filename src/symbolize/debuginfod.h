/* SPDX-License-Identifier: MIT */
/*
 * debuginfod.h - a module's debug file by its build id, from the servers
 * DEBUGINFOD_URLS names: elfutils' libdebuginfod client, loaded the way
 * libdw loads it (dlopen), so a machine without it runs the same, without
 * debuginfod. libdw asks those servers by itself when it looks for a
 * module's DWARF, but does not say which file it got: this names it, for
 * the programs that hand debug files to others (`wer debug` to LLDB).
 */
#ifndef WER_DEBUGINFOD_H
#define WER_DEBUGINFOD_H

#include <stddef.h>

/* The debug file of the build id (len bytes), downloaded into the
 * client's cache or found there, into path (NUL-terminated, size bytes).
 * 0, or -1 when DEBUGINFOD_URLS is unset, the client is not installed, or
 * no server has it. */
int wer__debuginfod_find(const unsigned char *build_id, size_t len, char *path,
			 size_t size);

#endif /* WER_DEBUGINFOD_H */
