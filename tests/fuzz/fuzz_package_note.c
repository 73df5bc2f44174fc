/* SPDX-License-Identifier: MIT */
/*
 * fuzz_package_note - libFuzzer target for the .note.package version
 * reader (src/handler/package_note.c): the note is the crashed program's
 * to shape, so any bytes: no crash, no read outside the input, and a
 * version, when found, of printable ASCII within the output's size.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "package_note.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size ? size : 1), out[129];

	if (!copy)
		return 0;
	/* An exact-size copy: a read past the input is ASan's to see. */
	memcpy(copy, data, size);
	if (wer__package_note_version(copy, size, out, sizeof(out)) == 0) {
		size_t n = strlen(out);

		if (n == 0 || n >= sizeof(out))
			abort();
		for (size_t i = 0; i < n; i++)
			if (out[i] < 0x20 || out[i] > 0x7e)
				abort();
	}
	free(copy);
	return 0;
}
