/* SPDX-License-Identifier: MIT */
/*
 * minidump.h - writing a report's minidump (Breakpad/Crashpad Linux
 * layout) from what werfault captured.
 */
#ifndef WER_MINIDUMP_H
#define WER_MINIDUMP_H

#include "report.h"

/* Writes the minidump of r into the file name inside dir_fd, streaming it
 * (memory stays bounded: every byte goes out as it is produced). Returns 0
 * or a negative errno. */
int wer__minidump_write(int dir_fd, const char *name,
			const struct wer_report *r);

#endif /* WER_MINIDUMP_H */
