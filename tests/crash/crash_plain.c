/* SPDX-License-Identifier: MIT */
/*
 * crash_plain - an unmodified program: not linked with libwer, registers
 * nothing, and writes through a null pointer. crash_tests.sh runs it under
 * LD_PRELOAD=libwer.so and under `wer run`. If CRASH_INFO names a file, it
 * appends "pid P", "crash-tid T" and "threads 1" to it before crashing.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

void plain_null_write(void);

__attribute__((noinline)) void plain_null_write(void)
{
	volatile int *volatile p = NULL; /* opaque to the optimizer */

	*p = 7;
}

int main(void)
{
	const char *path = getenv("CRASH_INFO");

	if (path) {
		FILE *f = fopen(path, "a");

		if (f) {
			fprintf(f, "pid %ld\ncrash-tid %ld\nthreads 1\n",
				(long)getpid(), (long)syscall(SYS_gettid));
			fclose(f);
		}
	}
	plain_null_write();
	fprintf(stderr, "crash_plain: did not crash\n");
	return 2;
}
