/* SPDX-License-Identifier: MIT */
/*
 * capture.h - the live capture front-end: werfault holds a crashed (or,
 * for a report without a crash, a running) process and fills a snapshot
 * (snapshot.h) from it. Threads, registers and stacks come from ptrace and
 * process_vm_readv (capture.c); the process's facts, its registry and
 * registered memory from /proc and its memory (process.c). Everything
 * needs the process held, and nothing after wer__capture_release does.
 */
#ifndef WER_CAPTURE_H
#define WER_CAPTURE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "crash_format.h"
#include "frozen.h"
#include "snapshot.h"

/* Bytes taken each side of the faulting instruction (enough to
 * disassemble around it), and of the fault address and register values. */
#define WER_CAPTURE_PC_RADIUS	 128
#define WER_CAPTURE_VALUE_RADIUS 32

#define WER_CAPTURE_STACK_CRASHED (1024 * 1024) /* bytes, crashed thread */
#define WER_CAPTURE_STACK_OTHER	  (256 * 1024)	/* bytes, every other */
/* Bytes, all threads: werfault's memory must not grow with the process.
 * Past the crashed thread, each thread gets at most an equal share of
 * what is left (its innermost frames), so 5,000 threads get ~800 bytes each
 * rather than the first ones all of it. */
#define WER_CAPTURE_STACK_TOTAL (4 * 1024 * 1024)

/* What the capture is asked to do beyond the snapshot's facts. */
struct wer_capture_options {
	/* ReportEnvironment=scrubbed: the secrets of the environment and
	 * the command line leave neither the text nor the memory captured
	 * (docs/privacy.md). */
	int scrub;
	const char *secret_words, *env_allow;
	/* DumpType 2: every private mapping, up to full_cap bytes, into an
	 * unnamed file in the directory staging_fd. */
	int dump_full;
	uint64_t full_cap;
	int staging_fd;
	/* A self-frozen process: status and stat come from its freeze area
	 * (wer__capture_frozen_facts), not from /proc, and the caller scrubs
	 * once they are in (the places of the secrets are in stat). */
	int status_elsewhere;
};

/* The capture's own state, beside the snapshot it fills. */
struct wer_capture {
	struct wer_snapshot *snap;
	const struct wer_capture_options *options;
	/* The crashed thread's registers, from the crash area's ucontext. */
	struct wer_cpu_regs crash_regs;
	/* The self-freezing front-end: snap->pid is the keeper, which
	 * shares the memory of crashed_pid (0: the process is snap->pid);
	 * frozen once the threads came from the freeze area (nothing
	 * seized). */
	pid_t crashed_pid;
	int frozen;
	/* Where the secrets are in the process's memory (zeroed in all that
	 * is captured). */
	size_t private_count;
	struct wer_private_range {
		uint64_t address, size;
	} * private_ranges;
};

/* Starts the capture of process pid into snap (wer__snapshot_init'ed):
 * its /proc facts (exe, command line, environment, status, stat, auxv,
 * maps and modules, cwd, age; process.c). The machine's are read after
 * the release (wer__capture_system). */
void wer__capture_process(struct wer_capture *c, struct wer_snapshot *snap,
			  pid_t pid, const struct wer_capture_options *options);

/* The same facts, read from the process's /proc directory proc (open;
 * -1: none readable) and not scrubbed: exe, command line, environment,
 * status, stat, cwd and age; with memory_maps, auxv, maps and modules
 * too. Not the machine's (wer__capture_system): the caller reads those
 * once the process no longer waits. The system mode reads them so, through
 * a directory it verified (kernel_proc.h), and takes the rest from the
 * core. */
void wer__capture_facts(struct wer_capture *c, struct wer_snapshot *snap,
			pid_t pid, int proc, int memory_maps,
			const struct wer_capture_options *options);

/* ReportEnvironment=scrubbed: the secrets of the command line and the
 * environment leave the texts, and their places in memory (from stat)
 * join the ranges wer__capture_zero_private zeroes. */
void wer__capture_scrub(struct wer_capture *c);

/* The crash the crash path recorded at address (the crash area): the
 * signal, and the crashed thread's registers. 0 or a negative errno
 * (-EBADMSG: not a crash area of this process). */
int wer__capture_crash(struct wer_capture *c, uint64_t address,
		       uint64_t *ret_registry);

/* Stops every thread (PTRACE_SEIZE + PTRACE_INTERRUPT), reads their
 * registers and stacks; first the crashed thread (the crash's), or first
 * the thread first_tid. When ptrace is refused (already traced, not
 * dumpable) it still reads the crashed thread's stack from its ucontext
 * and says why in snap->problem. Returns 0 or a negative errno. */
int wer__capture_threads(struct wer_capture *c, pid_t first_tid);

/* The threads as they stopped themselves (frozen.h), instead of
 * wer__capture_threads: registers from the freeze area, the crashed
 * thread's (first_tid) from the crash; then their stacks, read through the
 * keeper. 0 or a negative errno. */
int wer__capture_frozen_threads(struct wer_capture *c,
				const struct wer_frozen *f, pid_t first_tid);

/* The crashed process's status and stat as its crash path read them,
 * instead of the keeper's (the caller has set crashed_pid: the capture
 * reads the crashed process's memory through the keeper, snap->pid). */
void wer__capture_frozen_facts(struct wer_capture *c, struct wer_frozen *f);

/* Status and stat from /proc, and the age: where status_elsewhere was set
 * but the freeze area could not be read. */
void wer__capture_status(struct wer_capture *c);

/* The registry block at address (registry_read.c). */
void wer__capture_registry(struct wer_capture *c, uint64_t address);

/* Memory around the fault and the crashed thread's register values,
 * the registered memory blocks, the dynamic linker's list, a full dump's
 * mappings; then zeroes what the application excluded and the scrubbed
 * secrets in everything captured. */
void wer__capture_memory(struct wer_capture *c);

/* Detaches from every thread: the process runs on (and dies). */
void wer__capture_release(struct wer_capture *c);

void wer__capture_free(struct wer_capture *c);

/* The machine's facts (processors, uname, os-release, boot time): this
 * machine's, for a snapshot of a process that ran on it. */
struct wer_snapshot_system;
void wer__capture_system(struct wer_snapshot_system *sys);

/* Copies radius bytes each side of every address that lies in readable
 * memory (clipped to its mapping), unless a stack or an earlier range
 * holds it already. The process must still be held. */
void wer__capture_around(struct wer_capture *c, const uint64_t *addresses,
			 size_t count, uint64_t radius,
			 enum wer_memory_why why);

/* Zeroes in data (len bytes read at address in the process) whatever
 * must not leave: excluded memory blocks and scrubbed secrets. */
void wer__capture_zero_private(const struct wer_capture *c, uint64_t address,
			       unsigned char *data, size_t len);

/* The same for every byte of memory in the snapshot: the threads' stacks,
 * the memory around the crash, the registered blocks. */
void wer__capture_zero_snapshot(const struct wer_capture *c);

#endif /* WER_CAPTURE_H */
