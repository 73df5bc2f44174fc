/* SPDX-License-Identifier: MIT */
/*
 * fuzz_dpkg - libFuzzer target for the readers of dpkg's database
 * (src/handler/app_version.c): a package's file list and the status file,
 * any bytes. No crash, no read outside the input, and a version, when
 * found, of printable ASCII without blanks within the output's size; the
 * list read in pieces agrees with it read whole. The first byte picks the
 * architecture asked for (none, amd64, all) and the pieces' size.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "app_version.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const arch[] = {NULL, "amd64", "all"};
	char *copy, out[129];

	if (size < 1)
		return 0;
	/* An exact-size copy: a read past the input is ASan's to see. */
	if (!(copy = malloc(size - 1 ? size - 1 : 1)))
		return 0;
	memcpy(copy, data + 1, size - 1);
	{
		struct wer_dpkg_scan sc;
		size_t piece = (size_t)(data[0] >> 2) + 1;
		int whole =
		    wer__dpkg_list_has(copy, size - 1, "/usr/bin/sleep");

		wer__dpkg_scan_init(&sc, "/usr/bin/sleep", "/");
		for (size_t at = 0; at < size - 1; at += piece)
			wer__dpkg_scan_feed(
			    &sc, copy + at,
			    size - 1 - at < piece ? size - 1 - at : piece);
		if (whole && !wer__dpkg_scan_end(&sc))
			abort();
	}
	if (wer__dpkg_status_version(copy, size - 1, "coreutils",
				     arch[data[0] % 3], out,
				     sizeof(out)) == 0) {
		size_t n = strlen(out);

		if (n == 0 || n >= sizeof(out))
			abort();
		for (size_t i = 0; i < n; i++)
			if (out[i] < 0x21 || out[i] > 0x7e)
				abort();
	}
	free(copy);
	return 0;
}
