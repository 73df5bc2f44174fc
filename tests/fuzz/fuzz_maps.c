/* SPDX-License-Identifier: MIT */
/*
 * fuzz_maps - libFuzzer target for the /proc/PID/maps parser
 * (src/handler/maps.c): the text is the crashed process's to shape (file
 * names are its choice), so any bytes: no crash, no read outside the
 * input, progress on every call, and bounded, ordered fields.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "maps.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct wer_maps_line line;
	char *copy = malloc(size ? size : 1);
	size_t at = 0, before;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	for (;;) {
		before = at;
		if (!wer__maps_next(copy, size, &at, &line))
			break;
		if (at <= before || line.hi < line.lo ||
		    strnlen(line.name, sizeof(line.name)) ==
			sizeof(line.name) ||
		    strnlen(line.perms, sizeof(line.perms)) ==
			sizeof(line.perms))
			abort();
	}
	free(copy);
	return 0;
}
