/* SPDX-License-Identifier: MIT */
/*
 * test_signal_frame - the CPU seam's reading of a kernel signal frame
 * (cpu.h, signal_frame), from bytes laid out as x86-64's struct
 * rt_sigframe: the registers, the alternate stack, the siginfo, and the
 * fault told by the trap record when a handler had no SA_SIGINFO.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cpu.h"

/* Offsets in struct rt_sigframe (arch/x86/include/asm/sigframe.h,
 * asm/sigcontext.h): written out here, not taken from the code tested. */
#define PRETCODE  0
#define UC_STACK  24
#define GREGS	  48 /* r8 first */
#define GREG(n)	  (GREGS + 8 * (n))
#define R_RIP	  16
#define R_RSP	  15
#define R_RAX	  13
#define R_R8	  0
#define R_EFLAGS  17
#define R_CSGSFS  18
#define R_ERR	  19
#define R_TRAPNO  20
#define R_CR2	  22
#define R_FPSTATE 23
#define SIGINFO	  312

static void put64(unsigned char *b, size_t at, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		b[at + (size_t)i] = (unsigned char)(v >> (8 * i));
}

static void put32(unsigned char *b, size_t at, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		b[at + (size_t)i] = (unsigned char)(v >> (8 * i));
}

static const struct wer_cpu_ops *x86_64(void)
{
	const struct wer_cpu_ops *ops = wer__cpu_ops(WER_CPU_X86_64);

	assert_non_null(ops);
	assert_non_null(ops->signal_frame);
	assert_int_equal(ops->signal_frame_size, SIGINFO + 128);
	assert_int_equal(ops->signal_frame_align, 16);
	assert_int_equal(ops->signal_frame_rest, 8);
	return ops;
}

static void fill(unsigned char *b)
{
	memset(b, 0, SIGINFO + 128);
	put64(b, PRETCODE, 0x7f0000001050);
	put64(b, UC_STACK, 0x5555aaaa0000);
	put32(b, UC_STACK + 8, 0);
	put64(b, UC_STACK + 16, 0x10000);
	for (int i = 0; i < R_EFLAGS; i++)
		put64(b, GREG(i), 0x1000 + (uint64_t)i);
	put64(b, GREG(R_RIP), 0x555500001cde);
	put64(b, GREG(R_RSP), 0x7ffc00001000);
	put64(b, GREG(R_EFLAGS), 0x10246);
	put64(b, GREG(R_CSGSFS), 0x002b000000000033);
	put64(b, GREG(R_FPSTATE), 0x5555aaaa0f00);
}

/* faulthandler's frame: no SA_SIGINFO, so no siginfo; a page fault
 * writing to 0x10 (err 6: user, write, not present). */
static void page_fault_without_siginfo(void **state)
{
	const struct wer_cpu_ops *ops = x86_64();
	unsigned char b[SIGINFO + 128];
	struct wer_cpu_signal_frame f;

	(void)state;
	fill(b);
	put64(b, GREG(R_ERR), 6);
	put64(b, GREG(R_TRAPNO), 14);
	put64(b, GREG(R_CR2), 0x10);
	ops->signal_frame(b, &f);
	assert_int_equal(f.regs.arch, WER_CPU_X86_64);
	assert_int_equal(wer_cpu_pc(&f.regs), 0x555500001cde);
	assert_int_equal(wer_cpu_sp(&f.regs), 0x7ffc00001000);
	assert_int_equal(f.regs.gp[WER_X86_64_R8], 0x1000 + R_R8);
	assert_int_equal(f.regs.gp[WER_X86_64_RAX], 0x1000 + R_RAX);
	assert_int_equal(f.regs.gp[WER_X86_64_EFLAGS], 0x10246);
	assert_int_equal(f.regs.gp[WER_X86_64_CS], 0x33);
	assert_int_equal(f.regs.gp[WER_X86_64_SS], 0x2b);
	assert_int_equal(f.restorer, 0x7f0000001050);
	assert_int_equal(f.alt_stack, 0x5555aaaa0000);
	assert_int_equal(f.alt_stack_size, 0x10000);
	assert_int_equal(f.fpstate, 0x5555aaaa0f00);
	assert_int_equal(f.signo, 0);
	assert_int_equal(f.trap_signo, 11);
	assert_int_equal(f.trap_code, 1); /* SEGV_MAPERR */
	assert_int_equal(f.trap_address, 0x10);
	/* A present page: SEGV_ACCERR. */
	put64(b, GREG(R_ERR), 7);
	ops->signal_frame(b, &f);
	assert_int_equal(f.trap_code, 2);
}

/* An SA_SIGINFO handler's frame: the siginfo as the kernel wrote it. */
static void siginfo_as_written(void **state)
{
	const struct wer_cpu_ops *ops = x86_64();
	unsigned char b[SIGINFO + 128];
	struct wer_cpu_signal_frame f;

	(void)state;
	fill(b);
	put32(b, SIGINFO, 7); /* SIGBUS */
	put32(b, SIGINFO + 8, 2);
	put64(b, SIGINFO + 16, 0x7f1234560000);
	ops->signal_frame(b, &f);
	assert_int_equal(f.signo, 7);
	assert_int_equal(f.code, 2);
	assert_int_equal(f.address, 0x7f1234560000);
	assert_memory_equal(f.siginfo, b + SIGINFO, 128);
}

/* The other traps: a division by zero and ud2 name the instruction. */
static void other_traps(void **state)
{
	const struct wer_cpu_ops *ops = x86_64();
	unsigned char b[SIGINFO + 128];
	struct wer_cpu_signal_frame f;

	(void)state;
	fill(b);
	put64(b, GREG(R_TRAPNO), 0);
	ops->signal_frame(b, &f);
	assert_int_equal(f.trap_signo, 8);
	assert_int_equal(f.trap_code, 1);
	assert_int_equal(f.trap_address, 0x555500001cde);
	put64(b, GREG(R_TRAPNO), 6);
	ops->signal_frame(b, &f);
	assert_int_equal(f.trap_signo, 4);
	assert_int_equal(f.trap_address, 0x555500001cde);
	put64(b, GREG(R_TRAPNO), 13);
	ops->signal_frame(b, &f);
	assert_int_equal(f.trap_signo, 11);
	assert_int_equal(f.trap_code, 0x80);
	put64(b, GREG(R_TRAPNO), 2); /* an NMI: no signal of its own */
	ops->signal_frame(b, &f);
	assert_int_equal(f.trap_signo, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(page_fault_without_siginfo),
	    cmocka_unit_test(siginfo_as_written),
	    cmocka_unit_test(other_traps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
