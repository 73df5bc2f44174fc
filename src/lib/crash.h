/* SPDX-License-Identifier: MIT */
/*
 * crash.h - between crash_setup.c (runs at load time, may do anything) and
 * crash.c (runs in the signal handler, may do almost nothing).
 */
#ifndef WER_CRASH_H
#define WER_CRASH_H

#include <signal.h>
#include <stdint.h>

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
	char exe_path[WER_HANDLER_PATH_MAX];
	const char *app_name; /* in exe_path */
};

/* The crash path's own report, written when werfault could not be started
 * or ended without capturing the crash (reason says which; exec_errno is
 * execve's errno, or 0). Async-signal-safe, no allocation: plain system
 * calls into static buffers (crash_fallback.c). */
void wer__crash_fallback_report(const siginfo_t *info, const ucontext_t *uc,
				const char *reason, int exec_errno);

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
 * /proc/PID/environ; from its own it needs only the settings. Fills env
 * (WER_HANDLER_ENV_MAX + 1 pointers into environ) and returns it; no
 * allocation (the crash path uses it). */
#define WER_HANDLER_ENV_MAX 4096
char **wer__handler_environment(char **env);

/* The signal handler (crash.c). */
void wer__crash_handler(int signo, siginfo_t *info, void *context);

#endif /* WER_CRASH_H */
