/* SPDX-License-Identifier: MIT */
/*
 * static_program FILE | crash - linked with -static (no dynamic loader, so
 * nothing can be preloaded into it), for cli_usage_tests.sh: writes "ran"
 * to FILE and exits 7, so that the test sees whether `wer run` started
 * it. Built a second time with libwer linked in whole (WITH_LIBWER), as
 * `wer run` tells the owner of a static program to: then "crash"
 * registers a metadata pair and writes through a null pointer.
 */
#include <stdio.h>
#include <string.h>

#ifdef WITH_LIBWER
#include <wer/wer.h>
#endif

int main(int argc, char **argv)
{
	FILE *f;

	if (argc != 2)
		return 2;
#ifdef WITH_LIBWER
	if (!strcmp(argv[1], "crash")) {
		wer_register_custom_metadata("Build", "static-42");
		*(volatile int *)0 = 1;
	}
#endif
	if (!(f = fopen(argv[1], "w")))
		return 2;
	fputs("ran\n", f);
	fclose(f);
	return 7;
}
