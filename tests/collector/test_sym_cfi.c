/* SPDX-License-Identifier: MIT */
/*
 * test_sym_cfi - Breakpad .sym files' STACK CFI records
 * (src/collector/sym_cfi.c): finding an address's rules in records as
 * dump_syms writes them, a step of a walk with them, and rules that must
 * be refused.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sym_cfi.h"

static const char sym_text[] =
    "MODULE Linux x86_64 217B0B6D0C9D1A9BA57FD60CEB6F9ED50 crash_program\n"
    "FUNC 1020 220 0 main\n"
    "1020 6 330 1\n"
    "PUBLIC 1a10 0 _start\n"
    "STACK CFI INIT 1a10 22 .cfa: $rsp 8 + .ra: .cfa -8 + ^\n"
    "STACK CFI INIT 1020 220 .cfa: $rsp 16 + .ra: .cfa -8 + ^\n"
    "STACK CFI 1026 .cfa: $rsp 24 +\n"
    "STACK CFI 1030 .cfa: $rbp 16 + $rbp: .cfa -16 + ^\n"
    "STACK CFI INIT 1240 8 .cfa: $rsp 8 + .ra: .cfa -8 + ^\n";

static FILE *sym_file(const char *text)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");

	assert_non_null(f);
	return f;
}

static void test_find(void **state)
{
	char rules[WER_SYM_CFI_RULES_MAX];
	FILE *f = sym_file(sym_text);

	(void)state;
	/* The INIT record alone at its start. */
	assert_int_equal(wer__sym_cfi_find(f, 0x1020, rules, sizeof(rules)), 0);
	assert_string_equal(rules, ".cfa: $rsp 16 + .ra: .cfa -8 + ^");
	/* Then the later records at or below the address, in order. */
	assert_int_equal(wer__sym_cfi_find(f, 0x1028, rules, sizeof(rules)), 0);
	assert_string_equal(rules,
			    ".cfa: $rsp 16 + .ra: .cfa -8 + ^ .cfa: $rsp 24 +");
	assert_int_equal(wer__sym_cfi_find(f, 0x123f, rules, sizeof(rules)), 0);
	assert_string_equal(rules, ".cfa: $rsp 16 + .ra: .cfa -8 + ^ .cfa: "
				   "$rsp 24 + .cfa: $rbp 16 + $rbp: .cfa -16 "
				   "+ ^");
	/* Another function's; none; past the end of one. */
	assert_int_equal(wer__sym_cfi_find(f, 0x1a20, rules, sizeof(rules)), 0);
	assert_string_equal(rules, ".cfa: $rsp 8 + .ra: .cfa -8 + ^");
	assert_int_equal(wer__sym_cfi_find(f, 0x1500, rules, sizeof(rules)),
			 -ENOENT);
	assert_int_equal(wer__sym_cfi_find(f, 0x1248, rules, sizeof(rules)),
			 -ENOENT);
	/* Rules that do not fit. */
	assert_int_equal(wer__sym_cfi_find(f, 0x1030, rules, 20), -E2BIG);
	fclose(f);
}

static void test_find_hostile(void **state)
{
	static char text[3 * WER_SYM_CFI_LINE_MAX];
	char rules[WER_SYM_CFI_RULES_MAX];
	FILE *f;
	size_t n;

	(void)state;
	/* A record longer than any kept is skipped whole, the next read. */
	n = (size_t)snprintf(text, sizeof(text), "STACK CFI INIT 10 10 ");
	memset(text + n, 'x', WER_SYM_CFI_LINE_MAX + 100);
	n += WER_SYM_CFI_LINE_MAX + 100;
	snprintf(
	    text + n, sizeof(text) - n,
	    "\nSTACK CFI INIT 10 10 .cfa: $rsp 8 + .ra: .cfa -8 + ^\r\n"
	    "STACK CFI zz .cfa: $rsp\nSTACK CFI INIT 1 ffffffffffffffff\n");
	f = sym_file(text);
	assert_int_equal(wer__sym_cfi_find(f, 0x12, rules, sizeof(rules)), 0);
	assert_string_equal(rules, ".cfa: $rsp 8 + .ra: .cfa -8 + ^");
	assert_int_equal(wer__sym_cfi_find(f, 0x5000, rules, sizeof(rules)),
			 -ENOENT);
	fclose(f);
}

/* Registers of the test: a small x86-64. */
static const char *const names[] = {"rbx", "rbp", "rsp", "rip"};
enum { RBX, RBP, RSP, RIP };

#define STACK_AT 0x7000
static uint64_t stack[16];

static int read_word(void *ctx, uint64_t address, uint64_t *ret)
{
	(void)ctx;
	if (address < STACK_AT || address >= STACK_AT + sizeof(stack) ||
	    (address - STACK_AT) % 8)
		return -1;
	*ret = stack[(address - STACK_AT) / 8];
	return 0;
}

static struct wer_sym_cfi_frame frame_at(uint64_t sp, uint64_t bp)
{
	struct wer_sym_cfi_frame f = {.count = 4, .names = names};

	f.value[RBX] = 0xb;
	f.value[RBP] = bp;
	f.value[RSP] = sp;
	f.value[RIP] = 0x1030;
	f.valid = 0xf;
	return f;
}

static void test_step(void **state)
{
	struct wer_sym_cfi_frame f = frame_at(STACK_AT + 8, 0), caller;
	uint64_t preserved = 1u << RBX | 1u << RBP;

	(void)state;
	memset(stack, 0, sizeof(stack));
	stack[3] = 0x4444; /* the return address at CFA - 8 */
	stack[2] = 0x7777; /* the saved rbp at CFA - 16 */
	/* .cfa: rsp + 24; .ra at .cfa - 8; the rest preserved. */
	assert_int_equal(wer__sym_cfi_step(".cfa: $rsp 16 + .ra: .cfa -8 + ^ "
					   ".cfa: $rsp 24 +",
					   &f, RSP, RIP, preserved, read_word,
					   NULL, &caller),
			 0);
	assert_int_equal(caller.value[RSP], STACK_AT + 32);
	assert_int_equal(caller.value[RIP], 0x4444);
	assert_int_equal(caller.value[RBX], 0xb);
	assert_int_equal(caller.valid, 0xf);
	/* rbp-based, and rbp restored from the stack; hex and '@'. */
	f = frame_at(0, STACK_AT);
	assert_int_equal(wer__sym_cfi_step(".cfa: rbp 0x10 + 16 @ .ra: .cfa "
					   "-8 + ^ $rbp: .cfa -16 + ^",
					   &f, RSP, RIP, preserved, read_word,
					   NULL, &caller),
			 0);
	assert_int_equal(caller.value[RSP], STACK_AT + 16);
	assert_int_equal(caller.value[RIP], stack[1]);
	assert_int_equal(caller.value[RBP], stack[0]);
	/* A register no rule names and the ABI does not preserve: gone. */
	f = frame_at(STACK_AT + 8, 0);
	assert_int_equal(wer__sym_cfi_step(".cfa: $rsp 8 + .ra: .cfa -8 + ^",
					   &f, RSP, RIP, 1u << RBP, read_word,
					   NULL, &caller),
			 0);
	assert_false(caller.valid >> RBX & 1);
}

static void test_step_refused(void **state)
{
	static const char *const bad[] = {
	    "",					      /* nothing */
	    ".ra: .cfa -8 + ^",			      /* no .cfa */
	    ".cfa: $rsp 8 +",			      /* no .ra */
	    ".cfa: $rsp 8 .ra: .cfa -8 + ^",	      /* two values */
	    ".cfa: $rsp + .ra: .cfa -8 + ^",	      /* one operand */
	    ".cfa: $rsp 0 / .ra: .cfa -8 + ^",	      /* division by 0 */
	    ".cfa: $rsp 3 @ .ra: .cfa -8 + ^",	      /* not a power of 2 */
	    ".cfa: $r99 8 + .ra: .cfa -8 + ^",	      /* no such register */
	    ".cfa: .cfa 8 + .ra: .cfa -8 + ^",	      /* .cfa of itself */
	    "$rsp 8 + .cfa: $rsp .ra: .cfa",	      /* before any name */
	    ".cfa: $rsp 8 + .ra: .cfa -8 + ^ $r9: 1", /* unknown register */
	    ".cfa: $rsp 8x + .ra: .cfa -8 + ^",	      /* not a number */
	    ": 1 .cfa: $rsp .ra: .cfa",		      /* an empty name */
	};
	char deep[WER_SYM_CFI_RULES_MAX];
	struct wer_sym_cfi_frame f = frame_at(STACK_AT + 8, 0), caller;
	size_t n;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(wer__sym_cfi_step(bad[i], &f, RSP, RIP, 0,
						   read_word, NULL, &caller),
				 -EINVAL);
	/* Memory that was not captured. */
	assert_int_equal(wer__sym_cfi_step(".cfa: $rsp 8 + .ra: 16 ^", &f, RSP,
					   RIP, 0, read_word, NULL, &caller),
			 -EFAULT);
	/* An expression deeper than the stack allows. */
	n = (size_t)snprintf(deep, sizeof(deep), ".ra: 1 .cfa:");
	for (int i = 0; i <= WER_SYM_CFI_DEPTH_MAX; i++)
		n += (size_t)snprintf(deep + n, sizeof(deep) - n, " 1");
	assert_int_equal(
	    wer__sym_cfi_step(deep, &f, RSP, RIP, 0, read_word, NULL, &caller),
	    -EINVAL);
	/* Rules longer than any kept. */
	memset(deep, ' ', sizeof(deep) - 1);
	deep[sizeof(deep) - 1] = '\0';
	assert_int_equal(
	    wer__sym_cfi_step(deep, &f, RSP, RIP, 0, read_word, NULL, &caller),
	    -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_find),
	    cmocka_unit_test(test_find_hostile),
	    cmocka_unit_test(test_step),
	    cmocka_unit_test(test_step_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
