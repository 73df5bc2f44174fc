/* SPDX-License-Identifier: MIT */
/*
 * minidump.h - writing a report's minidump (Breakpad/Crashpad Linux
 * layout) from a snapshot, and nothing else: no /proc, no process.
 */
#ifndef WER_MINIDUMP_H
#define WER_MINIDUMP_H

#include "snapshot.h"

/* Writes the minidump of snapshot s into the new file name inside dir_fd,
 * streaming it (memory stays bounded: every byte goes out as it is
 * produced). Returns 0 or a negative errno. The file is not durable yet:
 * its writeback is started, and the caller fsyncs it. */
int wer__minidump_write(int dir_fd, const char *name,
			const struct wer_snapshot *s);

/* The same in two steps, for werfault while its unwinder runs: _begin
 * writes every stream but the module list (which carries the unwinder's
 * build ids and sonames) and leaves the file open; _end writes the module
 * list, the header and the directory, and closes it; _abandon closes it
 * unfinished (the caller removes it). One dump at a time. 0 or a negative
 * errno; a failed _begin leaves the file closed, not removed. */
int wer__minidump_begin(int dir_fd, const char *name,
			const struct wer_snapshot *s);
int wer__minidump_end(const struct wer_snapshot *s);
void wer__minidump_abandon(void);

#endif /* WER_MINIDUMP_H */
