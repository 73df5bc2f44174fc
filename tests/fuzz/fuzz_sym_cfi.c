/* SPDX-License-Identifier: MIT */
/*
 * fuzz_sym_cfi - libFuzzer target for the collector's reader of Breakpad
 * .sym files' STACK CFI records (src/collector/sym_cfi.c): any bytes as a
 * .sym file, the rules found for an address the input chooses, a step of a
 * walk with them over memory the input also is. Never a crash, never a
 * read outside the input; rules within their cap.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sym_cfi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const names[] = {"rax", "rdx", "rcx", "rbx", "rsi", "rdi",
				    "rbp", "rsp", "r8",	 "r9",	"r10", "r11",
				    "r12", "r13", "r14", "r15", "rip"};

struct memory {
	const uint8_t *data;
	size_t size;
};

/* The input is the memory too, at address 0x1000. */
static int read_word(void *ctx, uint64_t address, uint64_t *ret)
{
	const struct memory *m = ctx;

	if (address < 0x1000 || address - 0x1000 > m->size ||
	    m->size - (address - 0x1000) < 8)
		return -1;
	memcpy(ret, m->data + (address - 0x1000), 8);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A copy of exactly size bytes, so that ASan sees any read past it. */
	uint8_t *copy = malloc(size ? size : 1);
	struct memory m = {copy, size};
	struct wer_sym_cfi_frame frame = {.count = 17, .names = names}, caller;
	char rules[WER_SYM_CFI_RULES_MAX];
	uint64_t address = 0;
	FILE *f;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	memcpy(&address, copy, size < 8 ? size : 8);
	address &= 0xffff;
	for (size_t i = 0; i < frame.count; i++)
		frame.value[i] = 0x1000 + 8 * i;
	frame.valid = (1u << frame.count) - 1;
	f = size ? fmemopen(copy, size, "r") : NULL;
	if (f) {
		if (wer__sym_cfi_find(f, address, rules, sizeof(rules)) == 0) {
			if (strlen(rules) >= sizeof(rules))
				abort();
			if (wer__sym_cfi_step(rules, &frame, 7, 16,
					      1u << 3 | 1u << 6, read_word, &m,
					      &caller) == 0 &&
			    (caller.count != frame.count ||
			     !(caller.valid >> 7 & 1) ||
			     !(caller.valid >> 16 & 1)))
				abort();
		}
		fclose(f);
	}
	free(copy);
	return 0;
}
