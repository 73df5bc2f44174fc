/* SPDX-License-Identifier: MIT */
/*
 * sym_cfi.h - the call frame information of Breakpad .sym files ("STACK
 * CFI" records), for the collector's walk of a stack whose modules have
 * only .sym files (docs/collector.md, "Stacks").
 *
 * A record set for an address is a "STACK CFI INIT address size RULES"
 * record whose range holds it, and the "STACK CFI address RULES" records
 * after it at or below the address; RULES are "REGISTER: EXPRESSION"
 * pairs, a later one replacing an earlier one of the same register, an
 * EXPRESSION in postfix ("$rsp 8 +", ".cfa -16 + ^": ^ reads a word of
 * memory). .cfa is the frame's canonical frame address, the caller's stack
 * pointer; .ra its return address, the caller's pc. The files are a
 * symbol key's: everything is bounded, nothing trusted (fuzz_sym_cfi).
 */
#ifndef WER_SYM_CFI_H
#define WER_SYM_CFI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define WER_SYM_CFI_RULES_MAX 2048 /* bytes of an address's rules */
#define WER_SYM_CFI_LINE_MAX  4096 /* bytes of a record */
#define WER_SYM_CFI_REGS_MAX  64   /* registers of a frame */
#define WER_SYM_CFI_DEPTH_MAX 32   /* values on an expression's stack */

/* Reads the .sym text f from its start and copies the rules in force at
 * address (the module's offset) into rules: the INIT record's, then its
 * later records' in order. 0, or -ENOENT when no INIT record holds it,
 * -E2BIG when they do not fit. */
int wer__sym_cfi_find(FILE *f, uint64_t address, char *rules, size_t size);

/* A frame's registers: values by index, names as the .sym file writes
 * them ("$rsp": a leading '$' is optional on both sides), valid a mask. */
struct wer_sym_cfi_frame {
	size_t count; /* at most WER_SYM_CFI_REGS_MAX */
	const char *const *names;
	uint64_t value[WER_SYM_CFI_REGS_MAX];
	uint64_t valid;
};

/* Reads the 8-byte little-endian word at address: 0, or -1 when it is
 * not in the memory given. */
typedef int wer_sym_cfi_read_fn(void *ctx, uint64_t address, uint64_t *ret);

/* The caller's registers from the callee's (frame) and the rules in force
 * at its pc: caller gets every register a rule gives, the stack pointer
 * (index sp) the CFA, the pc (index pc) .ra, and keeps the callee's value
 * of the registers in preserved (a mask: the callee-saved ones) that no
 * rule names. 0, or -EINVAL (a rule that does not parse, names an unknown
 * or invalid register, divides by zero, overflows the stack) or -EFAULT
 * (memory not given). */
int wer__sym_cfi_step(const char *rules, const struct wer_sym_cfi_frame *frame,
		      size_t sp, size_t pc, uint64_t preserved,
		      wer_sym_cfi_read_fn *read, void *ctx,
		      struct wer_sym_cfi_frame *caller);

#endif /* WER_SYM_CFI_H */
