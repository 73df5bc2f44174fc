/* SPDX-License-Identifier: MIT */
/*
 * capture.h - what werfault takes from a crashed process while it holds
 * it: every thread's registers and stack memory. Everything else (maps,
 * command line, registry) is in report.h. The capture is a snapshot: the
 * process may die as soon as it is released, and unwinding works on the
 * snapshot afterwards.
 */
#ifndef WER_CAPTURE_H
#define WER_CAPTURE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include "crash_format.h"

#if defined(__x86_64__)
#include <sys/user.h>
/* A thread's registers as ptrace gives them (the minidump's context is
 * built from these, or from the crash area for the crashed thread). */
struct wer_cpu_state {
	struct user_regs_struct regs;
	struct user_fpregs_struct fp;
	int have_fp;
};
#else
#error "openwer: werfault's capture knows x86-64 only (AArch64 to come)"
#endif

/* Memory copied from around an address (the fault, a register's value). */
struct wer_region {
	uint64_t start;
	size_t size;
	unsigned char *data;
};

#define WER_CAPTURE_REGIONS_MAX 64
/* Bytes taken each side of the faulting instruction (enough to
 * disassemble around it), and of the fault address and register values. */
#define WER_CAPTURE_PC_RADIUS	 128
#define WER_CAPTURE_VALUE_RADIUS 32

#define WER_CAPTURE_THREADS_MAX	  5000
#define WER_CAPTURE_STACK_CRASHED (1024 * 1024) /* bytes, crashed thread */
#define WER_CAPTURE_STACK_OTHER	  (256 * 1024)	/* bytes, every other */
/* Bytes, all threads: werfault's memory must not grow with the process.
 * Past the crashed thread, each thread gets at most an equal share of
 * what is left (its innermost frames), so 5,000 threads get ~800 bytes each
 * rather than the first ones all of it. */
#define WER_CAPTURE_STACK_TOTAL (4 * 1024 * 1024)

/* DWARF register numbering of the architecture (x86-64: rax, rdx, rcx,
 * rbx, rsi, rdi, rbp, rsp, r8..r15, rip). */
#define WER_DWARF_REGS 17

struct wer_thread {
	pid_t tid;
	char name[32];
	int crashed;
	int have_regs;
	int stop_failed; /* seized, but it never stopped (it exited) */
	uint64_t regs[WER_DWARF_REGS]; /* DWARF numbering */
	struct wer_cpu_state cpu;      /* ptrace's view; not for the crashed
					* thread, whose state is the ucontext */
	uint64_t pc, sp;
	uint64_t thread_pointer; /* fs base on x86-64; 0 when unknown */
	uint64_t stack_start;	 /* address of stack[0] */
	size_t stack_size;
	unsigned char *stack;
};

struct wer_capture {
	pid_t pid;
	size_t thread_count;
	size_t threads_total; /* in the process: more than thread_count when
			       * WER_CAPTURE_THREADS_MAX were captured */
	struct wer_thread *threads;
	int seized;	   /* 1 when every thread was stopped with ptrace */
	char problem[256]; /* why it was not, when it was not */
	size_t stack_bytes;
	size_t stacks_cut; /* threads whose stack was cut to its share */
	size_t region_count;
	struct wer_region regions[WER_CAPTURE_REGIONS_MAX];
};

/* Stops every thread of pid (PTRACE_SEIZE + PTRACE_INTERRUPT), reads their
 * registers and stacks. The crashed thread's registers come from crash
 * (its ucontext), never from ptrace. When ptrace is refused (already
 * traced, not dumpable) it still reads the crashed thread's stack from its
 * ucontext and says why in ret->problem. maps is /proc/PID/maps' text, to
 * bound each stack read by its mapping. Returns 0 or a negative errno. */
int wer__capture(pid_t pid, const struct wer_crash_area *crash,
		 const char *maps, size_t maps_len, struct wer_capture *ret);

/* Copies radius bytes each side of every address that lies in readable
 * memory (clipped to its mapping), unless a stack or an earlier region
 * holds it already. The process must still be held. */
void wer__capture_regions(struct wer_capture *c, const char *maps,
			  size_t maps_len, const uint64_t *addresses,
			  size_t count, uint64_t radius);

/* Zeroes every captured byte (stacks, regions) inside [start, start+size):
 * memory the application excluded never leaves werfault. */
void wer__capture_exclude(struct wer_capture *c, uint64_t start, uint64_t size);

/* Detaches from every thread: the process runs on (and dies). */
void wer__capture_release(struct wer_capture *c);

void wer__capture_free(struct wer_capture *c);

/* Reads len bytes at address from the captured stacks. Returns 0 when all
 * of them were captured, -1 otherwise. (Inline: the unwinder module uses
 * it without linking werfault's objects.) */
static inline int wer__capture_read(const struct wer_capture *c,
				    uint64_t address, void *buf, size_t len)
{
	for (size_t i = 0; i < c->thread_count; i++) {
		const struct wer_thread *t = &c->threads[i];

		if (t->stack && address >= t->stack_start &&
		    address - t->stack_start <= t->stack_size &&
		    len <= t->stack_size - (address - t->stack_start)) {
			memcpy(buf, t->stack + (address - t->stack_start), len);
			return 0;
		}
	}
	return -1;
}

#endif /* WER_CAPTURE_H */
