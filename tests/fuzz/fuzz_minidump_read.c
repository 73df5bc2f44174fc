/* SPDX-License-Identifier: MIT */
/*
 * fuzz_minidump_read - libFuzzer target for openwer's minidump reader
 * (src/store/minidump_read.c): any bytes, never a crash, never a read
 * outside the input, and the facts stay within their bounds; the crashed
 * thread's context read through the CPU seam.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cpu.h"
#include "minidump_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct wer_md_facts facts;
	static struct wer_md_stack stack;
	struct wer_md_thread thread;
	/* A copy of exactly size bytes, so that ASan sees any read past it. */
	uint8_t *copy = malloc(size ? size : 1);

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	wer_minidump_facts(copy, size, &facts);
	wer_minidump_crashed_stack(copy, size, &facts, &stack);
	/* The crashed thread: every pointer inside the input, and its
	 * context read through the CPU seam as the collector's walk does. */
	if (wer_minidump_crashed_thread(copy, size, &facts, &thread) == 0) {
		const struct wer_cpu_ops *ops = wer__cpu_ops_md(facts.cpu_arch);
		struct wer_cpu_regs regs;

		if ((const uint8_t *)thread.context < copy ||
		    thread.context_size > size ||
		    (const uint8_t *)thread.context + thread.context_size >
			copy + size)
			abort();
		if (thread.stack &&
		    ((const uint8_t *)thread.stack < copy ||
		     thread.stack_size > size ||
		     (const uint8_t *)thread.stack + thread.stack_size >
			 copy + size))
			abort();
		if (ops)
			ops->md_context_read(thread.context,
					     thread.context_size, &regs);
	}
	if (stack.count > WER_MD_FRAMES_MAX)
		abort();
	for (uint32_t i = 0; i < stack.count; i++)
		if (stack.module[i] < 0 ||
		    stack.module[i] >= WER_MD_MODULES_MAX)
			abort();
	if (facts.annotation_count > WER_MD_ANNOTATIONS_MAX)
		abort();
	for (uint32_t i = 0; i < facts.annotation_count; i++)
		if (strnlen(facts.annotations[i].key, WER_MD_TEXT_MAX) >=
		    WER_MD_TEXT_MAX)
			abort();
	free(copy);
	return 0;
}
