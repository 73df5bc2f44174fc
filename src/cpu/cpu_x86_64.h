/* SPDX-License-Identifier: MIT */
/*
 * cpu_x86_64.h - x86-64's part of the CPU seam (cpu.h): the order of the
 * registers kept, and the crash path's view of a ucontext (inline,
 * async-signal-safe).
 */
#ifndef WER_CPU_X86_64_H
#define WER_CPU_X86_64_H

#include <stdint.h>
#include <string.h>

/* gp[] on x86-64: the DWARF numbering first (rax, rdx, rcx, rbx, rsi,
 * rdi, rbp, rsp, r8..r15, rip), then the rest a context record holds. */
enum {
	WER_X86_64_RAX,
	WER_X86_64_RDX,
	WER_X86_64_RCX,
	WER_X86_64_RBX,
	WER_X86_64_RSI,
	WER_X86_64_RDI,
	WER_X86_64_RBP,
	WER_X86_64_RSP,
	WER_X86_64_R8,
	WER_X86_64_R9,
	WER_X86_64_R10,
	WER_X86_64_R11,
	WER_X86_64_R12,
	WER_X86_64_R13,
	WER_X86_64_R14,
	WER_X86_64_R15,
	WER_X86_64_RIP, /* 16: the last DWARF register */
	WER_X86_64_EFLAGS,
	WER_X86_64_CS,
	WER_X86_64_SS,
	WER_X86_64_DS,
	WER_X86_64_ES,
	WER_X86_64_FS,
	WER_X86_64_GS,
	WER_X86_64_FS_BASE, /* the thread pointer */
	WER_X86_64_GS_BASE,
	WER_X86_64_GP_COUNT
};

/* fp[]: the FXSAVE area (x87, MXCSR at byte 24, xmm0..15), 512 bytes. */
#define WER_X86_64_FP_SIZE 512

/* ---- x86-64 as the host: the crash path's view of a ucontext ----------- */
#if defined(__x86_64__)
#include <sys/ucontext.h>

#define WER_CPU_HOST WER_CPU_X86_64

/* What uc_mcontext.fpregs points to. */
struct wer_cpu_fpstate {
	struct _libc_fpstate fx;
};

static inline uint64_t wer_cpu_uc_pc(const ucontext_t *uc)
{
	return (uint64_t)uc->uc_mcontext.gregs[REG_RIP];
}

static inline uint64_t wer_cpu_uc_sp(const ucontext_t *uc)
{
	return (uint64_t)uc->uc_mcontext.gregs[REG_RSP];
}

static inline uint64_t wer_cpu_uc_fp(const ucontext_t *uc)
{
	return (uint64_t)uc->uc_mcontext.gregs[REG_RBP];
}

/* A spinning thread's hint to the processor. */
static inline void wer_cpu_relax(void)
{
	__builtin_ia32_pause();
}

/* The link register: none (a call leaves the return address on the
 * stack). */
static inline uint64_t wer_cpu_uc_lr(const ucontext_t *uc)
{
	(void)uc;
	return 0;
}

/* A code address as stored (a return address): as it is. */
static inline uint64_t wer_cpu_code_address(uint64_t v)
{
	return v;
}

/* Copies the floating-point state a ucontext points to (none: zeroes). */
static inline void wer_cpu_uc_save_fp(const ucontext_t *uc,
				      struct wer_cpu_fpstate *ret)
{
	if (uc->uc_mcontext.fpregs)
		memcpy(&ret->fx, uc->uc_mcontext.fpregs, sizeof(ret->fx));
	else
		memset(ret, 0, sizeof(*ret));
}

/* The registers a degraded report lists: name, gregs index. */
#define WER_CPU_UC_REGISTERS                                                   \
	{"rip", REG_RIP}, {"rsp", REG_RSP}, {"rbp", REG_RBP},                  \
	    {"rax", REG_RAX}, {"rbx", REG_RBX}, {"rcx", REG_RCX},              \
	    {"rdx", REG_RDX}, {"rsi", REG_RSI}, {"rdi", REG_RDI},              \
	    {"r8", REG_R8}, {"r9", REG_R9}, {"r10", REG_R10},                  \
	    {"r11", REG_R11}, {"r12", REG_R12}, {"r13", REG_R13},              \
	    {"r14", REG_R14}, {"r15", REG_R15},                                \
	{                                                                      \
		"eflags", REG_EFL                                              \
	}

static inline uint64_t wer_cpu_uc_reg(const ucontext_t *uc, int index)
{
	return (uint64_t)uc->uc_mcontext.gregs[index];
}

#endif /* __x86_64__ */

#endif /* WER_CPU_X86_64_H */
