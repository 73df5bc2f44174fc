/* SPDX-License-Identifier: MIT */
/*
 * snapshot.h - the crashed process as plain data.
 *
 * A capture front-end fills a snapshot while the process is held: today
 * werfault's live capture (capture.c: ptrace, the threads' registers and
 * stacks, memory around addresses; process.c: /proc, the registry,
 * registered memory); next the kernel's core stream (system mode) and a
 * process that freezes itself. The back-ends read only the snapshot, never
 * /proc or the process: the unwinder (unwind.c), the minidump writer
 * (minidump.c) and the report writer (report_*.c). So a snapshot made from
 * fixture data writes a report and a minidump like a live one
 * (tests/handler/test_snapshot.c), for any CPU the build knows.
 *
 * Everything here is capped where it is filled: the bounds are the
 * front-end's (WER_SNAPSHOT_*).
 */
#ifndef WER_SNAPSHOT_H
#define WER_SNAPSHOT_H

#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cpu.h"
#include "dso_debug.h"
#include "registry_read.h"

#define WER_SNAPSHOT_THREADS_MAX 5000
#define WER_SNAPSHOT_MEMORY_MAX	 64 /* ranges beside stacks and blocks */
#define WER_SNAPSHOT_MODULES_MAX 1024
#define WER_SNAPSHOT_CMDLINE_MAX (64 * 1024)
#define WER_SNAPSHOT_MAPS_MAX	 (8 * 1024 * 1024)
#define WER_SNAPSHOT_TEXT_MAX                                                  \
	(256 * 1024)		     /* status, stat, auxv, environ,           \
				      * cpuinfo, os-release */
#define WER_SNAPSHOT_BUILD_ID_MAX 64 /* bytes of an ELF build id */

struct wer_snapshot_thread {
	pid_t tid;
	char name[32];
	int crashed;
	int have_regs;
	int stop_failed; /* seized, but it never stopped (it exited) */
	struct wer_cpu_regs cpu;
	uint64_t stack_start; /* address of stack[0] */
	size_t stack_size;
	unsigned char *stack;
};

/* Memory other than stacks, and why it was taken. */
enum wer_memory_why {
	WER_MEMORY_AROUND_PC = 1,    /* the faulting instruction */
	WER_MEMORY_AROUND_VALUE = 2, /* a fault address, a register value */
	WER_MEMORY_SIGNAL_STACK = 3, /* the crashed thread's alternate signal
				      * stack, where a handler re-raised */
};

struct wer_snapshot_memory {
	uint64_t start;
	size_t size;
	unsigned char *data;
	enum wer_memory_why why;
};

struct wer_snapshot_module {
	uint64_t base, end; /* the span of its mappings */
	char path[PATH_MAX];
	/* Its ELF build id (hex, "" when it has none or it was not read):
	 * filled by the unwinder's pass, which parses the modules' ELF in a
	 * budgeted child (unwind.c). */
	char build_id[2 * WER_SNAPSHOT_BUILD_ID_MAX + 1];
	/* Its DT_SONAME ("libstdc++.so.6"), "" when none: the unwinder's
	 * pass too. The minidump names a module by it, as Breakpad does. */
	char soname[256];
};

/* The crash, as the crash path recorded it (for a report without a
 * crash: have_crash is 0). The crashed thread's registers are its
 * thread's cpu. */
struct wer_snapshot_crash {
	int signo, code;
	pid_t tid;
	uint64_t address; /* si_addr */
	uint64_t pc;	  /* the faulting instruction */
	uint64_t time_ns; /* CLOCK_REALTIME at the crash */
	siginfo_t siginfo;
	/* What killed it, in words ("" when nothing says): glibc's abort
	 * message (a failed assert()'s text, "free(): invalid pointer"),
	 * an uncaught C++ exception's type and what(). */
	char abort_message[1024];
	char exception_type[256];
	char exception_message[1024];
	/* The crashed thread's alternate signal stack (size 0: none), and
	 * the return address of signal handlers (0 unknown). */
	uint64_t alt_stack, alt_stack_size;
	uint64_t restorer;
	/* A handler of the program's own caught the fault and raised a signal
	 * again (Python's faulthandler does): then signo, code, address, pc
	 * and siginfo above are the original fault's, found in the kernel's
	 * signal frame below the raise, and reraise_* the raise's.
	 * reraise_signo 0: no re-raise was found. */
	int reraise_signo, reraise_code;
	uint64_t reraise_pc;
	/* Why the process did not stop its own threads (enum
	 * wer_freeze_outcome, crash_format.h; 0 unknown). */
	int freeze;
};

/* A text the process or the system gave (NUL-terminated, capped). */
struct wer_snapshot_text {
	char *data; /* NULL when it could not be read */
	size_t len;
};

/* The machine the process ran on. */
struct wer_snapshot_system {
	int cpu_count;
	struct wer_cpu_id cpu_id;
	char os_name[65], os_release[65], os_version[65],
	    machine[65];    /* uname */
	uint64_t boot_time; /* seconds since the epoch, 0 unknown */
	long clock_ticks;   /* per second, as /proc/PID/stat counts */
	struct wer_snapshot_text cpuinfo, os_release_file;
};

/* DumpType 2 (full): every readable private mapping, streamed while held
 * into an unnamed file; the writers copy it from there. */
struct wer_snapshot_full {
	int fd; /* -1 when none */
	size_t count;
	struct wer_full_range {
		uint64_t start, size, offset; /* offset in fd */
	} * ranges;
};

struct wer_snapshot {
	enum wer_cpu_arch arch;
	pid_t pid;
	pid_t tid; /* the thread of the event: the crashed one, the one that
		    * asked for a report without a crash */
	uint64_t time_ns; /* CLOCK_REALTIME of the event: the crash, the
			   * request of a report without one */
	int have_crash;
	struct wer_snapshot_crash crash;
	/* Threads, the crashed one (or, live, the requesting one) first. */
	int have_threads;
	size_t thread_count;
	size_t threads_total; /* in the process: more when capped */
	struct wer_snapshot_thread *threads;
	int seized; /* 1 when every thread was stopped (ptrace, or by the
		     * process itself) */
	/* Who stopped the threads of a live capture: "frozen" (the process
	 * itself, docs/crash.md) or "ptrace" (werfault); NULL otherwise. */
	const char *stopped_by;
	char problem[256]; /* why it was not, when it was not */
	size_t stack_bytes;
	size_t stacks_cut; /* threads whose stack was cut to its share */
	size_t memory_count;
	struct wer_snapshot_memory memory[WER_SNAPSHOT_MEMORY_MAX];
	/* The process. */
	char exe[PATH_MAX];
	char cwd[PATH_MAX]; /* "" when unreadable */
	/* The system mode's labels (kernel_proc.c): the process's cgroup, and
	 * its namespaces that are not the host's ("pid:[ID] mnt:[ID]"), "" when
	 * none or unknown. */
	char cgroup[512];
	char container[256];
	/* The process's root directory (/proc/PID/root, opened while it was
	 * held) when it is not the host's: its modules are opened through it
	 * (openat2 RESOLVE_IN_ROOT), never by the host's view of their paths.
	 * Only with have_root (a zeroed snapshot has none). */
	int have_root, root_fd;
	long uptime_s;				/* -1 unknown */
	char cmdline[WER_SNAPSHOT_CMDLINE_MAX]; /* NULs between arguments,
						 * scrubbed */
	size_t cmdline_len;
	struct wer_snapshot_text maps, status, stat, auxv;
	struct wer_snapshot_text environ; /* scrubbed */
	/* The environment as read, for a restart only (environ may be
	 * scrubbed): never written anywhere. */
	struct wer_snapshot_text environ_raw;
	size_t module_count;
	struct wer_snapshot_module modules[WER_SNAPSHOT_MODULES_MAX];
	int fault_module; /* index in modules, or -1 */
	/* The faulting instruction's address, or after a call through a
	 * NULL function pointer the caller's return address. */
	uint64_t fault_pc;
	int have_registry;
	struct wer_registry_snapshot registry;
	/* Registered memory blocks, excluded ranges zeroed; NULL where
	 * unreadable or not a memory block (indexes follow registry.range). */
	size_t block_count;
	unsigned char *block_data[WER_REG_RANGE_SLOTS];
	struct wer_dso_debug dso;
	struct wer_snapshot_full full;
	struct wer_snapshot_system system;
	/* What the scrubbing removed (ReportEnvironment=scrubbed). */
	size_t scrubbed_env, scrubbed_args;
	/* Comma-separated parts that could not be read, and what was cut
	 * at its cap: the report says both. */
	char missing[256];
	char truncated[256];
};

/* Makes zeroed memory (calloc's: a snapshot is megabytes, mostly never
 * touched) an empty snapshot: the host's arch, no file descriptors. */
void wer__snapshot_init(struct wer_snapshot *s);
void wer__snapshot_free(struct wer_snapshot *s);

/* The contents of the registered memory blocks (s->registry's), read
 * through read (the process's memory, or a core's): block_data, NULL
 * where unreadable. */
void wer__snapshot_read_blocks(struct wer_snapshot *s, wer_mem_read_fn read,
			       void *ctx);

/* Drops what was read of the process's /proc directory (exe, command
 * line, environment, status, stat, cwd, age, labels): the system mode
 * found that the directory was not the crashed process's after all. */
void wer__snapshot_forget_process(struct wer_snapshot *s);

/* Fills modules from the maps text: every file mapped, the span of its
 * mappings (capped: "modules" noted as truncated). */
void wer__snapshot_modules(struct wer_snapshot *s);

/* Adds what to the comma-separated list (missing or truncated). */
void wer__snapshot_note(char *list, size_t size, const char *what);

/* The build id of the module at path, "" when unknown. */
const char *wer__snapshot_build_id(const struct wer_snapshot *s,
				   const char *path);

/* The pc below which a crash is taken for a call through a NULL (or
 * nearly NULL: a member of a NULL object) function pointer. */
#define WER_NULL_CALL_LIMIT 4096

/* Fills fault_module and fault_pc from the crash (needs the crashed
 * thread's stack: after the threads' capture). */
void wer__snapshot_find_fault(struct wer_snapshot *s);

/* Reads len bytes at address from the captured stacks and memory. 0 when
 * all of them were captured, -1 otherwise. (Inline: the unwinder module
 * uses it without linking werfault's objects.) */
static inline int wer__snapshot_read(const struct wer_snapshot *s,
				     uint64_t address, void *buf, size_t len)
{
	for (size_t i = 0; i < s->thread_count; i++) {
		const struct wer_snapshot_thread *t = &s->threads[i];

		if (t->stack && address >= t->stack_start &&
		    address - t->stack_start <= t->stack_size &&
		    len <= t->stack_size - (address - t->stack_start)) {
			__builtin_memcpy(
			    buf, t->stack + (address - t->stack_start), len);
			return 0;
		}
	}
	return -1;
}

/* A thread stopped at a pc below WER_NULL_CALL_LIMIT (a call through a
 * NULL function pointer): its caller's registers into caller, as the
 * call's return would leave them. 0, or -1 when the pc is elsewhere or
 * the return address was not captured. */
static inline int wer__snapshot_null_call(const struct wer_snapshot *s,
					  const struct wer_cpu_regs *regs,
					  struct wer_cpu_regs *caller)
{
	const struct wer_cpu_ops *ops = wer__cpu_ops(regs->arch);
	uint64_t word;

	if (!ops || !ops->call_return ||
	    wer_cpu_pc(regs) >= WER_NULL_CALL_LIMIT ||
	    wer__snapshot_read(s, wer_cpu_sp(regs), &word, sizeof(word)) < 0)
		return -1;
	ops->call_return(regs, word, caller);
	return 0;
}

#endif /* WER_SNAPSHOT_H */
