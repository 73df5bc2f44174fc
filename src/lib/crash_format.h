/* SPDX-License-Identifier: MIT */
/*
 * crash_format.h - what the crash path hands werfault: the crash area, a
 * static object of libwer that werfault reads with process_vm_readv at the
 * address given on its command line (docs/registry.md describes the
 * registry; this block is described here).
 */
#ifndef WER_CRASH_FORMAT_H
#define WER_CRASH_FORMAT_H

#include <signal.h>
#include <stdint.h>
#include <sys/ucontext.h>

#include "cpu.h"

/* The bytes the crash path and werfault send each other on their socket
 * (docs/crash.md, docs/recovery.md). "h", werfault to a keeper: it has
 * read the process, keep the memory until "d" (the report written). */
#define WER_CRASH_MSG_GO		'g' /* process: werfault may ptrace it */
#define WER_CRASH_MSG_DONE		'd' /* werfault: it holds what it needs */
#define WER_CRASH_MSG_HOLD		'h' /* werfault to a keeper: see above */
#define WER_CRASH_MSG_REPORTED		'r' /* werfault: the report is stored */
#define WER_CRASH_MSG_RECOVERY		's' /* process: recovery started */
#define WER_CRASH_MSG_RECOVERY_OK	'F' /* ...Finished(TRUE) */
#define WER_CRASH_MSG_RECOVERY_FAILED	'f' /* ...Finished(FALSE) */
#define WER_CRASH_MSG_RECOVERY_RETURNED 'R' /* the callback returned */
#define WER_CRASH_MSG_RECOVERY_TIMEOUT	'T' /* a ping was missed */
#define WER_CRASH_MSG_RECOVERY_CRASHED	'C' /* a thread crashed in it */

#define WER_CRASH_MAGIC	  "OWERCRS\0"
#define WER_CRASH_VERSION 3

struct wer_crash_area {
	char magic[8];
	uint32_t version;
	uint32_t size;			/* sizeof(struct wer_crash_area) */
	int32_t signo;			/* the crash's signal */
	int32_t code;			/* its si_code */
	int32_t pid, tid;		/* the crashed process and thread */
	uint64_t address;		/* si_addr */
	uint64_t registry;		/* address of the registry block */
	uint64_t time_ns;		/* CLOCK_REALTIME at the crash */
	siginfo_t siginfo;		/* as delivered */
	ucontext_t context;		/* the crashed thread's registers */
	struct wer_cpu_fpstate fpstate; /* what the ucontext's floating-point
					 * pointer pointed to (cpu.h) */
	uint64_t abort_msg; /* address of glibc's __abort_msg, or 0 */
	/* An uncaught C++ exception (cxx_exception.c, before the abort):
	 * its type, demangled, and its what(); "" when none. */
	char exception_type[256];
	char exception_message[1024];
	/* The crashed thread's alternate signal stack (sigaltstack: size 0
	 * when it has none), and the return address the kernel gave the
	 * handler (the libc's sa_restorer): werfault finds by them a signal
	 * frame of an earlier fault below a re-raise (docs/crash.md). */
	uint64_t alt_stack, alt_stack_size;
	int32_t alt_stack_flags;
	int32_t freeze; /* enum wer_freeze_outcome: how the threads were to
			 * be stopped (0 in a crash path older than it) */
	uint64_t restorer;
};

/* The self-freezing front-end (crash_freeze.c, docs/crash.md): the
 * crashed process stops its other threads, each saving its registers into
 * a slot, and hands werfault a keeper (a child sharing its memory) instead
 * of itself; werfault reads this area (a static object of libwer) at the
 * address given by --frozen, through the keeper. Untrusted like the crash
 * area: werfault checks every count and length. */
#define WER_FREEZE_MAGIC       "OWERFRZ\0"
#define WER_FREEZE_VERSION     1
#define WER_FREEZE_THREADS_MAX 5000 /* more: the ptrace capture */
#define WER_FREEZE_STATUS_MAX  8192
#define WER_FREEZE_STAT_MAX    2048

/* Whether the crashed process stopped its own threads, and if not why:
 * the crash area's freeze field, Report.wer's Capture= (docs/report.md). */
enum wer_freeze_outcome {
	WER_FREEZE_UNKNOWN = 0,
	WER_FREEZE_DONE = 1,	  /* stopped by the process: --frozen */
	WER_FREEZE_OFF = 2,	  /* WER_CAPTURE=ptrace, an old kernel, TSan */
	WER_FREEZE_RECOVERY = 3,  /* a recovery callback must run after */
	WER_FREEZE_CHAINED = 4,	  /* a handler of the application's follows */
	WER_FREEZE_NO_SIGNAL = 5, /* no signal has libwer's handler alone */
	WER_FREEZE_BLOCKED = 6,	  /* a thread blocks that signal */
	WER_FREEZE_STOPPED = 7,	  /* a thread is stopped or traced */
	WER_FREEZE_TIMEOUT = 8,	  /* a thread did not answer in time */
	WER_FREEZE_TOO_MANY = 9,  /* more threads than WER_FREEZE_THREADS_MAX */
	WER_FREEZE_FAILED = 10,	  /* /proc, memory or the keeper failed */
	WER_FREEZE_INIT = 11,	  /* pid 1 of its namespace: its death would
				   * kill the keeper and werfault */
};

enum wer_frozen_state {
	WER_FROZEN_ASKED = 0, /* signalled, not yet saved */
	WER_FROZEN_SAVED = 1, /* context holds its registers */
	WER_FROZEN_GONE = 2,  /* it exited before it could be stopped */
};

struct wer_frozen_thread {
	int32_t tid;
	int32_t state; /* enum wer_frozen_state */
	char name[16]; /* PR_GET_NAME */
	ucontext_t context;
	struct wer_cpu_fpstate fpstate;
};

struct wer_freeze_area {
	char magic[8];
	uint32_t version;
	uint32_t size;	    /* sizeof(struct wer_freeze_area) */
	int32_t pid;	    /* the crashed process (the keeper is another) */
	uint32_t count;	    /* slots in use */
	uint64_t slots;	    /* address of count struct wer_frozen_thread */
	uint32_t slot_size; /* sizeof(struct wer_frozen_thread) */
	uint32_t status_len, stat_len;
	char crashed_name[16]; /* the crashed thread's, PR_GET_NAME */
	/* /proc/self/status and /proc/self/stat, read once every thread
	 * stood still: the keeper's own are another process's. */
	char status[WER_FREEZE_STATUS_MAX];
	char stat[WER_FREEZE_STAT_MAX];
};

/* The name of a signal openwer reports ("SIGSEGV"), "SIG?" for others.
 * Async-signal-safe (the crash path uses it too). */
static inline const char *wer__signal_name(int signo)
{
	switch (signo) {
	case SIGSEGV:
		return "SIGSEGV";
	case SIGBUS:
		return "SIGBUS";
	case SIGILL:
		return "SIGILL";
	case SIGFPE:
		return "SIGFPE";
	case SIGABRT:
		return "SIGABRT";
	case SIGTRAP:
		return "SIGTRAP";
	case SIGSYS:
		return "SIGSYS";
	default:
		return "SIG?";
	}
}

#endif /* WER_CRASH_FORMAT_H */
