/* SPDX-License-Identifier: MIT */
/*
 * iso_time.h - times as every file and page here writes them: ISO 8601, UTC.
 */
#ifndef WER_ISO_TIME_H
#define WER_ISO_TIME_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* "2026-12-01T09:30:00Z", or with nanoseconds (nsec >= 0)
 * "2026-12-01T09:30:00.123456789Z", into buf. Returns buf ("" when the
 * time cannot be shown or size is too small). */
char *wer_time_iso(char *buf, size_t size, time_t sec, long nsec);

#endif /* WER_ISO_TIME_H */
