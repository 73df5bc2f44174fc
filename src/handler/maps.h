/* SPDX-License-Identifier: MIT */
/*
 * maps.h - reading /proc/PID/maps' text, one line at a time. The text is
 * the crashed process's and not NUL-terminated: each line is copied into a
 * bounded buffer before it is parsed, and a line too long is skipped.
 */
#ifndef WER_MAPS_H
#define WER_MAPS_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

struct wer_maps_line {
	uint64_t lo, hi;
	char perms[5]; /* "rwxp" */
	uint64_t offset;
	char name[PATH_MAX]; /* "" for anonymous memory */
};

/* Parses the next line of text[*at..len) into ret and moves *at past it.
 * Returns 1, or 0 at the end of the text. Lines that do not parse are
 * passed over. */
int wer__maps_next(const char *text, size_t len, size_t *at,
		   struct wer_maps_line *ret);

#endif /* WER_MAPS_H */
