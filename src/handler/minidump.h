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

#endif /* WER_MINIDUMP_H */
