/* SPDX-License-Identifier: MIT */
/*
 * cpu.h - the CPU seam: everything that differs between processors, behind
 * one interface, one header and one file per architecture
 * (cpu_x86_64.h/.c, cpu_aarch64.h/.c). Nothing else in the tree names a
 * register or a context layout.
 *
 * Two halves:
 * - the host's: reading a thread's registers from a signal's ucontext
 *   (inline, async-signal-safe: the crash path uses them) and from ptrace
 *   (werfault), and identifying the host's processor;
 * - any architecture's, chosen at run time by a snapshot's arch: the
 *   register names, the unwinder's DWARF numbering, the minidump's context
 *   record and processor fields. A snapshot of one CPU can be written on
 *   another (tests/handler/test_snapshot.c writes both).
 */
#ifndef WER_CPU_H
#define WER_CPU_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum wer_cpu_arch {
	WER_CPU_X86_64 = 1,
	WER_CPU_AARCH64 = 2,
};

#define WER_CPU_GP_MAX 40  /* general registers kept, any architecture */
#define WER_CPU_FP_MAX 528 /* bytes of floating-point/vector state */

/* A thread's full register state, in its architecture's order (the
 * architecture header lists it: the unwinder's DWARF numbering first). */
struct wer_cpu_regs {
	enum wer_cpu_arch arch;
	uint64_t gp[WER_CPU_GP_MAX];
	int have_fp;
	unsigned char fp[WER_CPU_FP_MAX]; /* the architecture's layout */
};

/* What the minidump's system info says of the processor. */
struct wer_cpu_id {
	uint32_t vendor[3];	    /* x86: cpuid 0's ebx, edx, ecx */
	uint32_t version;	    /* x86: cpuid 1's eax; AArch64: MIDR */
	uint32_t features;	    /* x86: cpuid 1's edx */
	uint32_t extended_features; /* x86: cpuid 0x80000001's edx */
};

/* A signal frame: what the kernel saved on a stack to run a signal
 * handler, and what the handler's return restores (the interrupted
 * thread's registers, the signal's siginfo). */
struct wer_cpu_signal_frame {
	struct wer_cpu_regs regs; /* without fp: see fpstate */
	uint64_t fpstate;	  /* address of its floating-point state, whose
				   * first fp_size bytes are regs.fp; 0 none */
	uint64_t restorer;	  /* where the handler returns */
	/* The thread's alternate signal stack at the signal (uc_stack). */
	uint64_t alt_stack, alt_stack_size;
	int alt_stack_flags;
	/* The kernel's siginfo: written only for a handler installed with
	 * SA_SIGINFO, stale stack bytes otherwise. */
	unsigned char siginfo[128];
	int signo, code;
	uint64_t address; /* si_addr */
	/* The fault as the processor's trap record in the frame tells it
	 * (x86-64: trapno, err, cr2): trap_signo 0 when it does not. The
	 * record is the thread's last trap, which a signal sent rather than
	 * raised by a fault does not replace. */
	int trap_signo, trap_code;
	uint64_t trap_address;
};

struct wer_cpu_ops {
	enum wer_cpu_arch arch;
	const char *name;      /* "x86_64", as uname's machine */
	size_t gp_count;       /* entries of gp[] in use */
	size_t dwarf_count;    /* the first gp[]: the unwinder's registers */
	size_t pc, sp, fp, tp; /* indexes in gp[]: program counter, stack
				* pointer, frame pointer, thread pointer */
	/* The bits of a code address that are the address: a return
	 * address stored with a pointer-authentication code (AArch64) is
	 * this mask's bits of it; all ones where there are none. */
	uint64_t code_mask;
	const char *const *gp_names; /* gp_count names */
	uint64_t callee_saved;	     /* a mask of gp[]: the registers a call
				      * preserves (the ABI's) */
	/* The minidump: its processor architecture, the size of a thread's
	 * context record, the record from regs, the processor fields. */
	uint16_t md_architecture;
	size_t md_context_size;
	void (*md_context)(const struct wer_cpu_regs *regs, void *out);
	/* The inverse, for a dump nobody vouches for (the collector walks
	 * its stacks): regs from a context record of size bytes. 0, or -1
	 * when it is shorter than md_context_size or its flags name another
	 * processor. */
	int (*md_context_read)(const void *record, size_t size,
			       struct wer_cpu_regs *regs);
	void (*md_cpu_info)(const struct wer_cpu_id *id, void *md_system_info);
	/* The kernel's register set of a thread (NT_PRSTATUS's pr_reg in
	 * a core, PTRACE_GETREGSET's NT_PRSTATUS): its bytes (little-endian,
	 * any host) into regs, without fp. prstatus_size: a core's whole
	 * NT_PRSTATUS note; prstatus_pid, prstatus_reg: where its thread id
	 * and pr_reg are in it; kernel_regs_size: pr_reg's bytes. */
	size_t prstatus_size, prstatus_pid, prstatus_reg, kernel_regs_size;
	void (*kernel_regs)(const unsigned char *bytes,
			    struct wer_cpu_regs *regs);
	/* A call through a NULL function pointer stops at pc 0, the return
	 * address where the call put it: the caller's registers as the
	 * call's return would leave them, from regs and the word at the
	 * stack pointer. */
	void (*call_return)(const struct wer_cpu_regs *regs,
			    uint64_t word_at_sp, struct wer_cpu_regs *caller);
	/* Signal frames: a frame is signal_frame_size bytes at an address a
	 * where a % signal_frame_align == signal_frame_rest; signal_frame
	 * reads one from those bytes (little-endian, any host). fp_size: the
	 * bytes of regs.fp at a frame's fpstate. */
	size_t signal_frame_size, signal_frame_align, signal_frame_rest;
	void (*signal_frame)(const unsigned char *bytes,
			     struct wer_cpu_signal_frame *ret);
	size_t fp_size;
};

/* The operations of arch, or NULL for one this build does not know. */
const struct wer_cpu_ops *wer__cpu_ops(enum wer_cpu_arch arch);
/* The operations of a minidump's processor architecture (its system
 * info's), or NULL. */
const struct wer_cpu_ops *wer__cpu_ops_md(uint16_t md_architecture);

/* A little-endian 64-bit word of a kernel structure (a core's note, a
 * signal frame), on any host. */
static inline uint64_t wer__cpu_le64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static inline uint64_t wer_cpu_pc(const struct wer_cpu_regs *r)
{
	return r->gp[wer__cpu_ops(r->arch)->pc];
}

static inline uint64_t wer_cpu_sp(const struct wer_cpu_regs *r)
{
	return r->gp[wer__cpu_ops(r->arch)->sp];
}

static inline uint64_t wer_cpu_tp(const struct wer_cpu_regs *r)
{
	return r->gp[wer__cpu_ops(r->arch)->tp];
}

/* ---- the host ------------------------------------------------------------
 * The architecture header defines, for the crash path (inline,
 * async-signal-safe): WER_CPU_HOST, struct wer_cpu_fpstate (what a
 * ucontext's floating-point pointer points to), wer_cpu_uc_pc/sp/fp,
 * wer_cpu_uc_save_fp, and WER_CPU_UC_REGISTERS (name and ucontext index
 * of the registers a degraded report lists). */
#include "cpu_aarch64.h"
#include "cpu_x86_64.h"
#ifndef WER_CPU_HOST
#error "openwer: no CPU file for this architecture (src/cpu/cpu_ARCH.h)"
#endif

/* The host's registers of the thread that crashed, from its signal's
 * ucontext and saved floating-point state (fp may be NULL). */
void wer__cpu_from_ucontext(const ucontext_t *uc,
			    const struct wer_cpu_fpstate *fp,
			    struct wer_cpu_regs *ret);

/* A stopped, ptrace'd thread's registers (NT_PRSTATUS, NT_PRFPREG): 0 or
 * a negative errno. */
int wer__cpu_from_ptrace(pid_t tid, struct wer_cpu_regs *ret);

/* The host processor, for the minidump. */
void wer__cpu_identify(struct wer_cpu_id *ret);

#endif /* WER_CPU_H */
