/* SPDX-License-Identifier: MIT */
/*
 * maps.c - one parser for /proc/PID/maps lines, shared by the capture, the
 * module list, the minidump's MemoryInfoList and the full dump.
 */
#include <stdio.h>
#include <string.h>

#include "maps.h"
#include "store.h"

int wer__maps_next(const char *text, size_t len, size_t *at,
		   struct wer_maps_line *ret)
{
	const char *line;
	long line_len;

	while ((line_len = wer_text_line(text, len, at, &line)) >= 0) {
		size_t n = (size_t)line_len;
		char buf[PATH_MAX + 128];
		unsigned long long lo, hi, offset;
		int name_at = 0;

		if (n >= sizeof(buf))
			continue;
		memcpy(buf, line, n);
		buf[n] = '\0';
		ret->perms[0] = '\0';
		if (sscanf(buf, "%llx-%llx %4s %llx %*s %*s %n", &lo, &hi,
			   ret->perms, &offset, &name_at) < 4 ||
		    strlen(ret->perms) != 4 || hi < lo)
			continue;
		ret->lo = lo;
		ret->hi = hi;
		ret->offset = offset;
		snprintf(ret->name, sizeof(ret->name), "%s",
			 name_at > 0 ? buf + name_at : "");
		return 1;
	}
	return 0;
}
