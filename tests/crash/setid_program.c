/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
/*
 * setid_program - the set-id tests' fixture (setid_tests.sh), installed
 * set-user-ID root and run by an unprivileged user:
 *
 *   setid_program crash          registers metadata, crashes (SIGSEGV)
 *   setid_program wait           registers metadata, says "ready", waits
 *                                for a signal
 *   setid_program drop-dumpable  drops to the real ids wholly, declares
 *                                itself dumpable again, crashes
 *   setid_program drop           drops to the real ids wholly (not
 *                                dumpable: the kernel's default), crashes
 *   setid_program live           files a report without a crash and says
 *                                what wer_report_now returned
 *
 * Built at test time against an install of openwer, as a user would.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>
#include <wer/wer.h>

static void drop_privileges(void)
{
	gid_t gid = getgid();
	uid_t uid = getuid();

	if (setresgid(gid, gid, gid) != 0 || setresuid(uid, uid, uid) != 0) {
		perror("setid_program: dropping privileges");
		exit(3);
	}
	if (wer_register_custom_metadata(
		"Euid", geteuid() == 0 ? "0" : "user") != WER_S_OK)
		exit(3);
}

static void crash(void)
{
	volatile int *volatile nowhere = NULL;

	*nowhere = 1;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	if (wer_register_custom_metadata("Build", "setid-test") != WER_S_OK ||
	    wer_register_custom_metadata(
		"Euid", geteuid() == 0 ? "0" : "user") != WER_S_OK)
		return 3;
	if (!strcmp(mode, "crash")) {
		crash();
	} else if (!strcmp(mode, "wait")) {
		printf("ready\n");
		fflush(stdout);
		for (;;)
			pause();
	} else if (!strcmp(mode, "drop-dumpable")) {
		drop_privileges();
		prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
		crash();
	} else if (!strcmp(mode, "drop")) {
		drop_privileges();
		crash();
	} else if (!strcmp(mode, "live")) {
		wer_result_t hr =
		    wer_report_now("SetidLive", "filed on purpose", 0);

		printf("0x%08x\n", (unsigned)hr);
		return hr == WER_S_OK ? 0 : 1;
	}
	fprintf(stderr,
		"usage: setid_program crash|wait|drop-dumpable|drop|live\n");
	return 2;
}
