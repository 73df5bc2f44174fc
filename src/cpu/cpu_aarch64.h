/* SPDX-License-Identifier: MIT */
/*
 * cpu_aarch64.h - AArch64's part of the CPU seam (cpu.h): the order of the
 * registers kept, and the crash path's view of a ucontext (inline,
 * async-signal-safe).
 */
#ifndef WER_CPU_AARCH64_H
#define WER_CPU_AARCH64_H

#include <stdint.h>
#include <string.h>

/* gp[] on AArch64: the unwinder's (DWARF) registers first, x0..x30 and
 * sp (DWARF 0..31), then pc (which libdw is given apart), pstate and the
 * thread pointer (TPIDR_EL0). */
enum {
	WER_AARCH64_X0,
	WER_AARCH64_FP = 29, /* x29 */
	WER_AARCH64_LR = 30, /* x30 */
	WER_AARCH64_SP = 31, /* 31: the last DWARF register */
	WER_AARCH64_PC,
	WER_AARCH64_PSTATE,
	WER_AARCH64_TPIDR,
	WER_AARCH64_GP_COUNT
};

/* fp[]: the kernel's struct user_fpsimd_state (NT_PRFPREG): v0..v31 (16
 * bytes each), fpsr, fpcr, 8 bytes of padding; 528 bytes. */
#define WER_AARCH64_FP_SIZE 528
#define WER_AARCH64_FPSR    512
#define WER_AARCH64_FPCR    516

/* The bits of a code address that are the address, the rest being a
 * pointer-authentication code or a top-byte tag: user space has 48 bits of
 * virtual address (52 with LPA; the next 4 are then address bits, never
 * set in a user address below 2^48). */
#define WER_AARCH64_ADDRESS_MASK ((UINT64_C(1) << 48) - 1)

static inline uint64_t wer_aarch64_strip_pac(uint64_t address)
{
	return address & WER_AARCH64_ADDRESS_MASK;
}

/* ---- AArch64 as the host: the crash path's view of a ucontext ---------- */
#if defined(__aarch64__)
#include <asm/sigcontext.h>
#include <sys/ucontext.h>

#define WER_CPU_HOST WER_CPU_AARCH64

/* The floating-point state saved in a ucontext's reserved area, as
 * fp[] keeps it (user_fpsimd_state's order). */
struct wer_cpu_fpstate {
	unsigned char bytes[WER_AARCH64_FP_SIZE];
};

static inline uint64_t wer_cpu_uc_pc(const ucontext_t *uc)
{
	return (uint64_t)uc->uc_mcontext.pc;
}

static inline uint64_t wer_cpu_uc_sp(const ucontext_t *uc)
{
	return (uint64_t)uc->uc_mcontext.sp;
}

static inline uint64_t wer_cpu_uc_fp(const ucontext_t *uc)
{
	return (uint64_t)uc->uc_mcontext.regs[29];
}

/* A spinning thread's hint to the processor. */
static inline void wer_cpu_relax(void)
{
	__asm__ volatile("yield" ::: "memory");
}

/* The link register (x30): a leaf function's caller is there alone. */
static inline uint64_t wer_cpu_uc_lr(const ucontext_t *uc)
{
	return (uint64_t)uc->uc_mcontext.regs[30];
}

/* A code address as stored (a return address): without a
 * pointer-authentication code. */
static inline uint64_t wer_cpu_code_address(uint64_t v)
{
	return wer_aarch64_strip_pac(v);
}

/* Copies the FP/SIMD record of the ucontext's reserved area (its records
 * are walked within the area's 4096 bytes; none found: zeroes). */
static inline void wer_cpu_uc_save_fp(const ucontext_t *uc,
				      struct wer_cpu_fpstate *ret)
{
	const unsigned char *area =
	    (const unsigned char *)uc->uc_mcontext.__reserved;
	size_t at = 0, size = sizeof(uc->uc_mcontext.__reserved);

	memset(ret, 0, sizeof(*ret));
	while (at + sizeof(struct _aarch64_ctx) <= size) {
		const struct _aarch64_ctx *head =
		    (const struct _aarch64_ctx *)(area + at);

		if (!head->magic || head->size < sizeof(*head) ||
		    head->size > size - at)
			return;
		if (head->magic == FPSIMD_MAGIC &&
		    head->size >= sizeof(struct fpsimd_context)) {
			const struct fpsimd_context *f =
			    (const struct fpsimd_context *)head;

			memcpy(ret->bytes, f->vregs, sizeof(f->vregs));
			memcpy(ret->bytes + WER_AARCH64_FPSR, &f->fpsr, 4);
			memcpy(ret->bytes + WER_AARCH64_FPCR, &f->fpcr, 4);
			return;
		}
		at += head->size;
	}
}

/* The registers a degraded report lists: name, index for
 * wer_cpu_uc_reg (0..30 x0..x30, 31 sp, 32 pc, 33 pstate). */
#define WER_CPU_UC_REGISTERS                                                   \
	{"pc", 32}, {"sp", 31}, {"x29", 29}, {"x30", 30}, {"x0", 0},           \
	    {"x1", 1}, {"x2", 2}, {"x3", 3}, {"x4", 4}, {"x5", 5}, {"x6", 6},  \
	    {"x7", 7}, {"x8", 8}, {"x9", 9}, {"x10", 10}, {"x11", 11},         \
	    {"x12", 12}, {"x13", 13}, {"x14", 14}, {"x15", 15}, {"x16", 16},   \
	    {"x17", 17}, {"x18", 18}, {"x19", 19}, {"x20", 20}, {"x21", 21},   \
	    {"x22", 22}, {"x23", 23}, {"x24", 24}, {"x25", 25}, {"x26", 26},   \
	    {"x27", 27}, {"x28", 28},                                          \
	{                                                                      \
		"pstate", 33                                                   \
	}

static inline uint64_t wer_cpu_uc_reg(const ucontext_t *uc, int index)
{
	if (index < 31)
		return (uint64_t)uc->uc_mcontext.regs[index];
	if (index == 31)
		return (uint64_t)uc->uc_mcontext.sp;
	if (index == 32)
		return (uint64_t)uc->uc_mcontext.pc;
	return (uint64_t)uc->uc_mcontext.pstate;
}

#endif /* __aarch64__ */

#endif /* WER_CPU_AARCH64_H */
