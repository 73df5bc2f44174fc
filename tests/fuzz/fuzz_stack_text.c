/* SPDX-License-Identifier: MIT */
/*
 * fuzz_stack_text - libFuzzer target for stack.txt's line parser
 * (src/store/stack_text.c), which the collector runs on the stack.txt a
 * client uploads: any bytes, no crash, and every span inside its line.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stack_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void inside(const char *line, size_t len, struct wer_stack_span s)
{
	if (s.s && (s.s < line || s.len > len || s.s + s.len > line + len))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size + 1);
	char *line, *next;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	for (line = copy; line; line = next) {
		struct wer_stack_frame_line f;
		size_t len;
		int crashed;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		len = strlen(line);
		wer_stack_thread_header(line, &crashed);
		if (wer_stack_frame_parse(line, &f) == 0) {
			inside(line, len, f.function);
			inside(line, len, f.module);
			inside(line, len, f.file);
		}
	}
	free(copy);
	return 0;
}
