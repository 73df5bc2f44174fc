/* SPDX-License-Identifier: MIT */
/*
 * wer/recovery.h - application recovery and restart (Windows declares
 * these in winbase.h): the Win32 names, types and return codes, over the
 * types of <werapi.h>, which this header includes. Windows code ported
 * as is includes <werapi.h> and <wer/recovery.h>; native code has the
 * same calls under wer_* names in <wer/wer.h>.
 *
 * What runs when (docs/recovery.md):
 *   - after a crash, werfault captures the process and writes the report;
 *   - then, if a recovery callback is registered, it runs in the crashed
 *     process on a thread of its own (parked since registration), while
 *     the crashed thread is the watchdog: every
 *     ApplicationRecoveryInProgress call within the ping interval moves the
 *     deadline, a missed one ends the process; ApplicationRecoveryFinished
 *     ends it too. Either way it dies of its original signal. This is best
 *     effort: the process is damaged, and the callback runs in it;
 *   - then werfault starts the application again if it registered a
 *     restart and had run long enough.
 *
 * The registration calls are thread-safe and not async-signal-safe.
 */
#ifndef WER_RECOVERY_H
#define WER_RECOVERY_H

#include <werapi.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- recovery ------------------------------------------------------------ */

#ifndef RECOVERY_DEFAULT_PING_INTERVAL
#define RECOVERY_DEFAULT_PING_INTERVAL WER_RECOVERY_DEFAULT_PING_INTERVAL
#endif
#ifndef RECOVERY_MAX_PING_INTERVAL
#define RECOVERY_MAX_PING_INTERVAL WER_RECOVERY_MAX_PING_INTERVAL
#endif

typedef uint32_t (*APPLICATION_RECOVERY_CALLBACK)(void *parameter);

/* Registers callback (non-NULL), called with parameter after a crash once
 * the report is in the store. ping_interval_ms: 0 for
 * RECOVERY_DEFAULT_PING_INTERVAL, at most RECOVERY_MAX_PING_INTERVAL.
 * flags: reserved, must be 0. Returns S_OK, E_INVALIDARG,
 * WER_E_INVALID_STATE (in recovery mode) or E_FAIL (the recovery thread
 * could not be started). A second registration replaces the first. The
 * first registration starts one thread that sleeps until a crash; it is
 * not inherited by fork(): a child process has no callback registered. */
wer_result_t
RegisterApplicationRecoveryCallback(APPLICATION_RECOVERY_CALLBACK callback,
				    void *parameter, uint32_t ping_interval_ms,
				    uint32_t flags);

/* S_OK (also when none is registered), or WER_E_INVALID_STATE in recovery
 * mode. */
wer_result_t UnregisterApplicationRecoveryCallback(void);

/* From the callback: "still working". Moves the deadline one ping
 * interval from now and sets *cancelled to FALSE (there is no user
 * interface on Linux to cancel from). Returns S_OK; E_FAIL outside
 * recovery (no crash, or recovery has finished); E_INVALIDARG for a NULL
 * cancelled. */
wer_result_t ApplicationRecoveryInProgress(int *cancelled);

/* From the callback: recovery is over; success says whether the data was
 * saved (recorded in the report). The process then dies of its original
 * signal; during recovery this call does not return. Outside recovery it
 * does nothing. */
void ApplicationRecoveryFinished(int success);

/* ---- restart ---------------------------------------------------------------
 */

#ifndef RESTART_MAX_CMD_LINE
#define RESTART_MAX_CMD_LINE WER_RESTART_MAX_CMD_LINE
#define RESTART_NO_CRASH     WER_RESTART_NO_CRASH
#define RESTART_NO_HANG	     WER_RESTART_NO_HANG
#define RESTART_NO_PATCH     WER_RESTART_NO_PATCH
#define RESTART_NO_REBOOT    WER_RESTART_NO_REBOOT
#endif

/* After a crash (unless RESTART_NO_CRASH), werfault starts the
 * application's executable again with this command line as its arguments
 * (split like a shell splits words, without expansions: docs/recovery.md),
 * in the crashed process's working directory and environment, detached
 * (its own session, stdin/stdout/stderr on /dev/null); only when the
 * process had run at least 60 seconds (the setting RestartMinUptime,
 * WER_RESTART_MIN_UPTIME_S), so that a
 * crash at start-up cannot loop. cmdline: NULL or at most
 * RESTART_MAX_CMD_LINE characters; flags: RESTART_NO_*. Returns S_OK,
 * E_INVALIDARG or WER_E_INVALID_STATE (in recovery mode). Registering again
 * replaces the registration. Hangs, patches and reboots do not restart
 * anything on Linux; their flags are accepted and kept. */
wer_result_t RegisterApplicationRestart(const wchar_t *cmdline, uint32_t flags);

/* S_OK (also when none is registered), or WER_E_INVALID_STATE in recovery
 * mode. */
wer_result_t UnregisterApplicationRestart(void);

#ifdef __cplusplus
}
#endif

#endif /* WER_RECOVERY_H */
