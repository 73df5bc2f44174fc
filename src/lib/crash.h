/* SPDX-License-Identifier: MIT */
/*
 * crash.h - between crash_setup.c (runs at load time, may do anything) and
 * crash.c (runs in the signal handler, may do almost nothing).
 */
#ifndef WER_CRASH_H
#define WER_CRASH_H

#include <signal.h>
#include <stdint.h>
#include <sys/types.h>

#include "crash_format.h"

#define WER_HANDLER_PATH_MAX 4096

/* Everything the handler needs, prepared before any crash. */
struct wer_crash_config {
	char handler_path[WER_HANDLER_PATH_MAX]; /* werfault */
	int timeout_ms;				 /* how long to wait for it */
	int enabled;
	/* For the crash path's own report when werfault cannot help
	 * (crash_fallback.c): the store ("" when unknown), the executable
	 * and its base name, all found at load. */
	char store_path[WER_HANDLER_PATH_MAX];
	/* Store, when the application set one in code
	 * (wer_set_report_setting): code_store[code_store_at - 1]; 0 none.
	 * Two copies: the crash path never reads one being written. */
	char code_store[2][WER_HANDLER_PATH_MAX];
	int code_store_at;
	char exe_path[WER_HANDLER_PATH_MAX];
	const char *app_name; /* in exe_path */
	/* The process started set-id, with file capabilities or through an
	 * LSM transition (AT_SECURE): nothing of the environment was read
	 * (docs/security.md). The real ids it started with: the user who
	 * ran it. */
	int secure_start;
	uid_t start_uid;
	gid_t start_gid;
	/* The address of glibc's __abort_msg, 0 when not found. */
	uint64_t abort_msg;
	/* 1: the process stops its own threads and a keeper holds its memory
	 * (crash_freeze.c); 0: werfault's ptrace capture always
	 * (WER_CAPTURE=ptrace, a kernel older than 5.16, whose core dump
	 * would kill the keeper, or a ThreadSanitizer build). */
	int freeze;
};

/* Finds __abort_msg and, in a C++ program, puts libwer's terminate
 * handler in front (cxx_exception.c). At load, not in a crash. */
void wer__cxx_setup(void);

/* Who may read a report of this process, decided at the moment it is
 * written from the process's credentials then (docs/security.md, "Set-id
 * and privileged processes"):
 * USER: the user it runs as (its real, effective and saved ids agree, it
 *       is dumpable, and if it started set-id it is now wholly the user
 *       who ran it, without capabilities): the user's own store, as
 *       always;
 * ROOT: root alone, and the process runs as root: werfault (and the
 *       crash path's own report) write to the root-only system store
 *       (WER_SYSTEM_STORE), with nothing from the environment;
 * NONE: root alone, but the process cannot write there: no report in
 *       the process (system mode reports it).
 * Async-signal-safe. */
enum wer_report_access {
	WER_ACCESS_USER,
	WER_ACCESS_ROOT,
	WER_ACCESS_NONE,
};
int wer__report_access(void);

/* The crash path's own report, written when werfault could not be started
 * or ended without capturing the crash (reason says which; exec_errno is
 * execve's errno, or 0). Async-signal-safe, no allocation: plain system
 * calls into static buffers (crash_fallback.c). */
void wer__crash_fallback_report(const siginfo_t *info, const ucontext_t *uc,
				const char *reason, int exec_errno, int access);

extern struct wer_crash_config wer__crash_config;
extern struct wer_crash_area wer__crash_area;

/* The signals openwer reports, and what was installed for them before. */
#define WER_CRASH_SIGNAL_COUNT 7
extern const int wer__crash_signals[WER_CRASH_SIGNAL_COUNT];
extern struct sigaction wer__crash_previous[WER_CRASH_SIGNAL_COUNT];

/* Application recovery (recovery.c registers, crash.c runs it). The
 * recovery thread, started at the first registration, sleeps on wake until
 * the crash path sets it to 1; the crashed thread then watches phase and
 * deadline_ms (CLOCK_MONOTONIC, ms). */
enum {
	WER_RECOVERY_IDLE = 0,
	WER_RECOVERY_RUNNING = 1,
	WER_RECOVERY_FINISHED_OK = 2,
	WER_RECOVERY_FINISHED_FAILED = 3,
	WER_RECOVERY_RETURNED = 4,
	WER_RECOVERY_TIMED_OUT = 5,
	WER_RECOVERY_CRASHED = 6, /* a thread crashed during recovery */
};

struct wer_recovery {
	void *callback; /* APPLICATION_RECOVERY_CALLBACK, NULL: none */
	void *param;
	int ping_ms;
	int thread_ready;
	int wake;  /* futex: 0 parked, 1 run the callback */
	int phase; /* futex: WER_RECOVERY_* */
	int64_t deadline_ms;
	void *run_callback, *run_param; /* what the crash path chose to run */
};

extern struct wer_recovery wer__recovery;

/* Milliseconds of CLOCK_MONOTONIC (async-signal-safe). */
int64_t wer__monotonic_ms(void);

/* werfault's environment: the process's less what would load code into
 * werfault (LD_PRELOAD, LD_AUDIT). A healthy process must not run the
 * crashed one's preloads, libwer among them (it would install its crash
 * handler in werfault). werfault reads what it reports from
 * /proc/PID/environ; from its own it needs only the settings. For a
 * report only root may read (access WER_ACCESS_ROOT) it is empty: the
 * environment belongs to whoever started the process. Fills env
 * (WER_HANDLER_ENV_MAX + 1 pointers into environ) and returns it; no
 * allocation (the crash path uses it). */
#define WER_HANDLER_ENV_MAX 4096
char **wer__handler_environment(char **env, int access);

/* werfault's option for a report only root may read. */
#define WER_HANDLER_PRIVILEGED_OPTION "--privileged"

/* An alternate signal stack for the calling thread, of wer__alt_stack_size
 * bytes above a guard page (crash_setup.c): the mapping, or NULL when the
 * thread has one already or none could be made. wer__free_alt_stack
 * takes it back. */
extern size_t wer__alt_stack_size;
void *wer__give_alt_stack(void);
void wer__free_alt_stack(void *mem);

/* The self-freezing front-end (crash_freeze.c). wer__freeze_others stops
 * every thread but the calling one (self), each saving its registers into
 * wer__freeze_area's slots, then copies the process's status and stat:
 * WER_FREEZE_DONE, or why a thread could not be stopped so (enum
 * wer_freeze_outcome; then the ptrace capture takes over, and the threads
 * that stopped stay parked). wer__freeze_park is
 * the stopped threads' side, called from the handler with the context it
 * interrupted. Async-signal-safe. */
extern struct wer_freeze_area wer__freeze_area;
int wer__freeze_others(int self);
void wer__freeze_park(int tid, const ucontext_t *uc);

/* Writes v in decimal or (with hex) as 0x and hex digits into buf, cut to
 * size; returns buf. Async-signal-safe. */
char *wer__format_number(char *buf, size_t size, uint64_t v, int hex);

/* Reads the file at path into buf, up to cap bytes (EINTR retried): the
 * length, 0 when it cannot be opened. Async-signal-safe; the crash path's
 * (crash_freeze.c), which cannot link src/common's wer_read_fd_capped. */
size_t wer__crash_read_file(const char *path, char *buf, size_t cap);

/* werfault's options for the freeze area's address and the keeper's pid
 * (docs/crash.md). */
#define WER_HANDLER_FROZEN_OPTION "--frozen"
#define WER_HANDLER_KEEPER_OPTION "--keeper"
#define WER_HANDLER_PIDFD_OPTION  "--pidfd"
/* The keeper's name (comm): this and the crashed process's pid,
 * "werkeep-1234" (docs/crash.md). */
#define WER_KEEPER_NAME_PREFIX "werkeep-"

/* The signal handler (crash.c). */
void wer__crash_handler(int signo, siginfo_t *info, void *context);

/* Whether sa is libwer's crash handler. */
static inline int wer__is_crash_handler(const struct sigaction *sa)
{
	return (sa->sa_flags & SA_SIGINFO) &&
	       sa->sa_sigaction == wer__crash_handler;
}

#endif /* WER_CRASH_H */
