/*
 * unwind.h - unwinding and symbolizing a captured process with elfutils'
 * libdwfl: modules come from the saved /proc/PID/maps text, registers and
 * stack memory from the capture, so it works after the process is gone.
 */
#ifndef WER_UNWIND_H
#define WER_UNWIND_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "capture.h"

#define WER_UNWIND_FRAMES_MAX 256

struct wer_frame {
	uint64_t pc;
	char function[256]; /* empty when unknown */
	uint64_t function_offset;
	char module[256]; /* base name, empty when unknown */
	uint64_t module_offset;
	char file[512]; /* empty when no line information */
	int line;
};

struct wer_thread_stack {
	size_t frame_count;
	struct wer_frame frames[WER_UNWIND_FRAMES_MAX];
	char error[128]; /* why unwinding stopped early, if it did */
};

struct wer_module_id {
	char path[512];
	char build_id[130]; /* hex, empty when the module has none */
};

struct wer_unwind {
	size_t thread_count; /* == capture's */
	struct wer_thread_stack *threads;
	size_t module_count;
	struct wer_module_id *modules;
};

/* Unwinds every thread of c that has registers. Returns 0 or a negative
 * errno; ret is filled either way as far as it got. Lives in the module
 * werfault-unwind.so (unwind_dwfl.c); wer__unwind_load() finds it. */
typedef int wer_unwind_fn(const struct wer_capture *c, const char *maps,
			  size_t maps_len, struct wer_unwind *ret);
wer_unwind_fn wer__unwind;

/* Loads werfault-unwind.so from beside the running program (werfault)
 * and returns its wer__unwind, or NULL (with the reason in why). */
wer_unwind_fn *wer__unwind_load(char *why, size_t size);
void wer__unwind_free(struct wer_unwind *u);

/* The build id recorded for the module at path, or "" */
const char *wer__unwind_build_id(const struct wer_unwind *u, const char *path);

/* Writes stack.txt's text: every thread, the crashed one first. */
void wer__unwind_print(const struct wer_capture *c, const struct wer_unwind *u,
		       int signo, FILE *f);

#endif /* WER_UNWIND_H */
