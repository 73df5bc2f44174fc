/* SPDX-License-Identifier: MIT */
/*
 * stack_text.h - reading stack.txt, the text werfault writes of every
 * thread's stack (src/handler/unwind.c, wer__unwind_print; docs/report.md):
 *
 *   [No crash: a report of event E; thread T asked for it.]
 *   Thread TID[ (crashed)] "NAME"[: signal N]
 *     #N  0xPC[ FUNCTION+0xOFF| FUNCTION (inlined)][ in MODULE+0xOFF][ at
 * FILE:LINE] (unwinding failed: ...) | registers not captured <blank line, the
 * next thread> [Degraded capture: ...]
 *
 * One frame line at a time, with no allocation: the parts are spans of
 * the line. Shared by `wer show` and the collector (which reads the
 * stack.txt a client uploads: untrusted text).
 */
#ifndef WER_STACK_TEXT_H
#define WER_STACK_TEXT_H

#include <stddef.h>
#include <stdint.h>

struct wer_stack_span {
	const char *s; /* NULL when absent */
	size_t len;
};

struct wer_stack_frame_line {
	int index;
	uint64_t pc;
	struct wer_stack_span function, module, file;
	uint64_t function_offset, module_offset;
	int have_function_offset, have_module_offset;
	int line;
	int inlined; /* "FUNCTION (inlined)": a call inlined at pc */
};

/* Whether line (NUL-terminated) is a frame line, "  #N  0xPC...": then
 * its parts into ret and 0, else -1. */
int wer_stack_frame_parse(const char *line, struct wer_stack_frame_line *ret);

/* Whether line is a thread's header, "Thread TID..."; crashed: its
 * " (crashed)" mark. */
int wer_stack_thread_header(const char *line, int *crashed);

#endif /* WER_STACK_TEXT_H */
