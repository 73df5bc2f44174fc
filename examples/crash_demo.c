/* SPDX-License-Identifier: MIT */
/*
 * crash_demo - an application that registers what WER lets it register,
 * then crashes: its report carries the metadata, the memory block, a copy
 * of the file and every thread's stack.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <werapi.h>

static char session_state[64] = "3 documents open, autosave on";

static void *background_worker(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

__attribute__((noinline)) static void save_document(const char *path)
{
	volatile char *volatile buffer = NULL;

	/* The bug: a document that was never loaded. */
	buffer[0] = path[0];
}

int main(void)
{
	pthread_t worker;
	FILE *log = fopen("crash_demo.log", "w");

	if (log) {
		fputs("12:00:01 opened report.odt\n12:00:02 saving...\n", log);
		fclose(log);
		WerRegisterFile(L"crash_demo.log", WerRegFileTypeOther, 0);
	}
	WerRegisterCustomMetadata(L"Build", L"nightly-42");
	WerRegisterCustomMetadata(L"Channel", L"beta");
	WerRegisterCustomMetadata(L"Document", L"report.odt <draft & final>");
	WerRegisterMemoryBlock(session_state, sizeof(session_state));
	pthread_create(&worker, NULL, background_worker, NULL);
	printf("crash_demo: registered 3 metadata pairs, a memory block and "
	       "a file; crashing now\n");
	fflush(stdout);
	save_document("report.odt");
	return 0;
}
