/* SPDX-License-Identifier: MIT */
/*
 * handler_kill_shim.so - preloaded into werfault only (by a WER_HANDLER
 * wrapper that crash_tests.sh writes): the moment werfault tries to rename
 * its finished temporary directory into place, it is killed with SIGKILL.
 * So werfault dies mid-way, after building the report and before
 * publishing it. If WER_TEST_SHIM_MARKER names a file, the shim creates it
 * first, to show that it fired.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void die_here(void)
{
	const char *marker = getenv("WER_TEST_SHIM_MARKER");

	if (marker) {
		int fd = open(marker, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			      0600);

		if (fd >= 0)
			close(fd);
	}
	kill(getpid(), SIGKILL);
	_exit(137);
}

int rename(const char *old_path, const char *new_path)
{
	(void)old_path;
	(void)new_path;
	die_here();
	return -1;
}

int renameat(int old_dir, const char *old_path, int new_dir,
	     const char *new_path)
{
	(void)old_dir;
	(void)old_path;
	(void)new_dir;
	(void)new_path;
	die_here();
	return -1;
}

int renameat2(int old_dir, const char *old_path, int new_dir,
	      const char *new_path, unsigned int flags)
{
	(void)old_dir;
	(void)old_path;
	(void)new_dir;
	(void)new_path;
	(void)flags;
	die_here();
	return -1;
}
