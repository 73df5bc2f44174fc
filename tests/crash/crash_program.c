/*
 * crash_program MODE - a program that registers metadata and crashes the
 * way MODE says; the crash tests run it and read what lands on disk.
 *   null      write through a null pointer (SIGSEGV)
 *   abort     abort() (SIGABRT)
 *   fpe       integer division by a volatile zero (SIGFPE)
 *   trap      __builtin_trap (SIGILL)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wer/wer.h>

__attribute__((noinline)) static void crash_null_write(void)
{
	volatile int *volatile p = NULL; /* opaque to the optimizer */

	*p = 42;
}

__attribute__((noinline)) static int crash_divide(void)
{
	volatile int zero = 0, one = 1;

	return one / zero;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "null";

	if (WerRegisterCustomMetadata(L"Build", L"nightly-42") != S_OK ||
	    wer_register_custom_metadata("Escapes", "<a & \"b\">") != S_OK ||
	    wer_register_custom_metadata("\xc3\x9c"
					 "bersetzung",
					 "de-DE") != S_OK)
		return 3;
	if (!strcmp(mode, "null"))
		crash_null_write();
	else if (!strcmp(mode, "abort"))
		abort();
	else if (!strcmp(mode, "fpe"))
		return crash_divide();
	else if (!strcmp(mode, "trap"))
		__builtin_trap();
	fprintf(stderr, "unknown mode %s\n", mode);
	return 2;
}
