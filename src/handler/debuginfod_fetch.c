/* SPDX-License-Identifier: MIT */
/*
 * debuginfod_fetch.c - werfault-debuginfod BUILD-ID: the path of the debug
 * file of BUILD-ID (hex) on standard output, from the servers
 * DEBUGINFOD_URLS names (downloaded into the client's cache, or found
 * there); exit 0, 1 when none has it (or DEBUGINFOD_URLS is unset, or
 * libdebuginfod is not installed), 2 on bad usage.
 *
 * werfault's unwinder runs it for a module without debug information
 * when the Debuginfod setting allows (unwind_dwfl.c): the client is a
 * shared library (with libcurl behind it), which a statically linked
 * werfault does not load (no_dlopen.c), so it runs here, in a dynamically
 * linked process of its own that the unwinder's deadline also ends.
 */
#include <stdio.h>
#include <string.h>

#include "debuginfod.h"
#include "text.h"

int main(int argc, char **argv)
{
	unsigned char id[64];
	char path[4096];
	size_t len = argc == 2 ? strlen(argv[1]) : 0;

	if (len < 2 || len % 2 || len / 2 > sizeof(id)) {
		fprintf(stderr, "usage: werfault-debuginfod BUILD-ID (hex, "
				"at most 64 bytes)\n");
		return 2;
	}
	if (wer_hex_decode(argv[1], len, id, sizeof(id)) != len / 2) {
		fprintf(stderr,
			"werfault-debuginfod: '%s' is not a build id in hex\n",
			argv[1]);
		return 2;
	}
	if (wer__debuginfod_find(id, len / 2, path, sizeof(path)) < 0)
		return 1;
	printf("%s\n", path);
	return fflush(stdout) == 0 ? 0 : 1;
}
