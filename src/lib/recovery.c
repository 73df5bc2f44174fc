/* SPDX-License-Identifier: MIT */
/*
 * recovery.c - RegisterApplicationRecoveryCallback and friends, and
 * RegisterApplicationRestart (wer/recovery.h).
 *
 * The callback cannot run on the crashed thread's own stack (it may be the
 * stack that overflowed), and a thread cannot be created safely inside a
 * signal handler (pthread_create allocates). So the first registration
 * starts one thread that blocks every signal and sleeps on a futex; the
 * crash path (crash.c) wakes it once the report is in the store, and the
 * crashed thread stays in its signal handler as the watchdog. The callback
 * runs on an ordinary thread with its own stack and thread-local storage:
 * as good as it gets in a damaged process, and still best effort (a lock
 * the crashed thread held stays held).
 */
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "crash.h"
#include "wer/recovery.h"
#include "wer/wer.h"
#include "wer_internal.h"

WER_NEEDS_CRASH_SETUP;

#define RESTART_FLAGS_KNOWN                                                    \
	(RESTART_NO_CRASH | RESTART_NO_HANG | RESTART_NO_PATCH |               \
	 RESTART_NO_REBOOT)

struct wer_recovery wer__recovery;

static pthread_mutex_t recovery_lock = PTHREAD_MUTEX_INITIALIZER;

static int in_recovery(void)
{
	return wer__registry_state() == WER_REG_STATE_RECOVERY;
}

static void *recovery_thread(void *unused)
{
	struct wer_recovery *rc = &wer__recovery;
	DWORD(WINAPI * callback)(PVOID);
	sigset_t set;
	int expected = WER_RECOVERY_RUNNING;

	(void)unused;
	/* Asynchronous signals go to the application's own threads. */
	sigfillset(&set);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	while (!__atomic_load_n(&rc->wake, __ATOMIC_ACQUIRE))
		syscall(SYS_futex, &rc->wake, FUTEX_WAIT_PRIVATE, 0, NULL, NULL,
			0);
	/* A fault in the callback must reach the crash handler (a blocked
	 * synchronous signal would kill the process silently); that handler
	 * parks this thread, and the watchdog ends the process. */
	sigemptyset(&set);
	pthread_sigmask(SIG_SETMASK, &set, NULL);
	callback = (DWORD(WINAPI *)(PVOID))rc->run_callback;
	callback(rc->run_param);
	if (__atomic_compare_exchange_n(&rc->phase, &expected,
					WER_RECOVERY_RETURNED, 0,
					__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		syscall(SYS_futex, &rc->phase, FUTEX_WAKE_PRIVATE, 1, NULL,
			NULL, 0);
	for (;;)
		pause();
	return NULL;
}

/* fork() copies the registration but not the thread: the child has no
 * callback (it registers again if it wants one). */
static void recovery_atfork_child(void)
{
	__atomic_store_n(&wer__recovery.callback, NULL, __ATOMIC_RELEASE);
	__atomic_store_n(&wer__recovery.thread_ready, 0, __ATOMIC_RELEASE);
	pthread_mutex_init(&recovery_lock, NULL);
}

__attribute__((constructor)) static void recovery_constructor(void)
{
	pthread_atfork(NULL, NULL, recovery_atfork_child);
}

static int start_thread_locked(void)
{
	pthread_attr_t attr;
	pthread_t thread;
	int r;

	if (wer__recovery.thread_ready)
		return 0;
	if (pthread_attr_init(&attr))
		return -ENOMEM;
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	/* The callback may need a generous stack. */
	pthread_attr_setstacksize(&attr, 1024 * 1024);
	r = pthread_create(&thread, &attr, recovery_thread, NULL);
	pthread_attr_destroy(&attr);
	if (r)
		return -r;
	pthread_setname_np(thread, "wer-recovery");
	__atomic_store_n(&wer__recovery.thread_ready, 1, __ATOMIC_RELEASE);
	return 0;
}

WER_EXPORT HRESULT WINAPI RegisterApplicationRecoveryCallback(
    APPLICATION_RECOVERY_CALLBACK callback, PVOID parameter,
    DWORD ping_interval_ms, DWORD flags)
{
	HRESULT hr = S_OK;

	if (in_recovery())
		return WER_E_INVALID_STATE;
	if (!callback || flags || ping_interval_ms > RECOVERY_MAX_PING_INTERVAL)
		return E_INVALIDARG;
	if (ping_interval_ms == 0)
		ping_interval_ms = RECOVERY_DEFAULT_PING_INTERVAL;
	pthread_mutex_lock(&recovery_lock);
	if (start_thread_locked() < 0) {
		hr = E_FAIL;
	} else {
		/* The crash path reads these without the lock: the callback
		 * is published last. */
		__atomic_store_n(&wer__recovery.callback, NULL,
				 __ATOMIC_RELEASE);
		__atomic_store_n(&wer__recovery.param, parameter,
				 __ATOMIC_RELAXED);
		__atomic_store_n(&wer__recovery.ping_ms, (int)ping_interval_ms,
				 __ATOMIC_RELAXED);
		__atomic_store_n(&wer__recovery.callback, (void *)callback,
				 __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&recovery_lock);
	return hr;
}

WER_EXPORT HRESULT WINAPI UnregisterApplicationRecoveryCallback(void)
{
	if (in_recovery())
		return WER_E_INVALID_STATE;
	__atomic_store_n(&wer__recovery.callback, NULL, __ATOMIC_RELEASE);
	return S_OK;
}

WER_EXPORT HRESULT WINAPI ApplicationRecoveryInProgress(int *cancelled)
{
	struct wer_recovery *rc = &wer__recovery;

	if (__atomic_load_n(&rc->phase, __ATOMIC_ACQUIRE) !=
	    WER_RECOVERY_RUNNING)
		return E_FAIL;
	if (!cancelled)
		return E_INVALIDARG;
	__atomic_store_n(&rc->deadline_ms,
			 wer__monotonic_ms() +
			     __atomic_load_n(&rc->ping_ms, __ATOMIC_RELAXED),
			 __ATOMIC_RELEASE);
	*cancelled = FALSE;
	/* The watchdog may have given up between the check and the store. */
	return __atomic_load_n(&rc->phase, __ATOMIC_ACQUIRE) ==
		       WER_RECOVERY_RUNNING
		   ? S_OK
		   : E_FAIL;
}

WER_EXPORT void WINAPI ApplicationRecoveryFinished(int success)
{
	struct wer_recovery *rc = &wer__recovery;
	int expected = WER_RECOVERY_RUNNING;

	if (!__atomic_compare_exchange_n(&rc->phase, &expected,
					 success ? WER_RECOVERY_FINISHED_OK
						 : WER_RECOVERY_FINISHED_FAILED,
					 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return;
	syscall(SYS_futex, &rc->phase, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	/* The crashed thread ends the process now, with its signal. */
	for (;;)
		pause();
}

/* ---- restart ----------------------------------------------------------- */

static HRESULT restart_register(const char *cmdline, size_t len, DWORD flags)
{
	if (flags & ~(DWORD)RESTART_FLAGS_KNOWN)
		return E_INVALIDARG;
	return wer__registry_set_restart(cmdline, len, flags);
}

WER_EXPORT HRESULT WINAPI RegisterApplicationRestart(PCWSTR cmdline,
						     DWORD flags)
{
	char buf[WER_REG_CMDLINE_BYTES + 1];
	size_t len = 0;
	HRESULT hr;

	if (in_recovery())
		return WER_E_INVALID_STATE;
	buf[0] = '\0';
	if (cmdline &&
	    (hr = wer__utf8_from_wide(cmdline, RESTART_MAX_CMD_LINE, buf,
				      sizeof(buf), &len)) != S_OK)
		return hr;
	return restart_register(buf, len, flags);
}

WER_EXPORT HRESULT wer_register_application_restart(const char *cmdline,
						    uint32_t flags)
{
	size_t len = 0;
	HRESULT hr;

	if (in_recovery())
		return WER_E_INVALID_STATE;
	if (cmdline &&
	    (hr = wer__utf8_check(cmdline, RESTART_MAX_CMD_LINE, &len)) != S_OK)
		return hr;
	return restart_register(cmdline ? cmdline : "", len, flags);
}

WER_EXPORT HRESULT WINAPI UnregisterApplicationRestart(void)
{
	if (in_recovery())
		return WER_E_INVALID_STATE;
	return wer__registry_remove_restart();
}

/* ---- the native names (wer/wer.h) ---------------------------------------- */

WER_EXPORT wer_result_t
wer_register_recovery_callback(wer_recovery_callback_t callback,
			       void *parameter, uint32_t ping_interval_ms)
{
	return RegisterApplicationRecoveryCallback(callback, parameter,
						   ping_interval_ms, 0);
}

WER_EXPORT wer_result_t wer_unregister_recovery_callback(void)
{
	return UnregisterApplicationRecoveryCallback();
}

WER_EXPORT wer_result_t wer_recovery_in_progress(int *cancelled)
{
	return ApplicationRecoveryInProgress(cancelled);
}

WER_EXPORT void wer_recovery_finished(int success)
{
	ApplicationRecoveryFinished(success);
}

WER_EXPORT wer_result_t wer_unregister_application_restart(void)
{
	return UnregisterApplicationRestart();
}
