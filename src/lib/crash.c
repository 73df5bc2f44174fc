/* SPDX-License-Identifier: MIT */
/*
 * crash.c - the crash path: what runs inside a process that has crashed.
 *
 * Almost zero policy here: record the crash; then, usually, stop the other
 * threads (crash_freeze.c), start a keeper of the memory that starts
 * werfault, and die at once. Otherwise (a recovery callback, a handler of
 * the application's to chain to, a thread that cannot be stopped so) start
 * werfault, wait for its capture with a deadline, run the application's
 * recovery callback if it registered one, chain to the handler the
 * application had installed, and die of the original signal. Everything
 * heavy happens in werfault, a healthy process.
 *
 * This file may call only these functions, all async-signal-safe (the test
 * tests/build/test_crash_symbols.sh holds the object's undefined symbols to
 * this list; crash_fallback.c, the report written when werfault cannot help,
 * may also call open, write, fsync, mkdir, rename, unlink and rmdir):
 * sigaction, sigaltstack (a system call), sigemptyset, sigaddset, sigprocmask,
 * syscall (gettid, tgkill, futex, capget), getpid, geteuid, getresuid,
 * getresgid, clock_gettime, nanosleep, socketpair, close, fcntl, vfork, clone
 * (the keeper, CLONE_VM), execve, _exit, poll, read, write (one line to
 * stderr), send, prctl, memcpy, memset; and the compiler's __stack_chk_fail.
 * crash_freeze.c, the threads stopping themselves, also calls open, openat,
 * lseek and memchr. No malloc, no stdio, no locks,
 * no user callbacks other than the previously installed signal handler: the
 * recovery callback runs on a thread of its own (recovery.c), which this
 * file only wakes with a futex and watches.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/futex.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "crash.h"
#include "wer_internal.h"

extern char **environ;

struct wer_crash_area wer__crash_area;

/* Why werfault could not help (NULL when it did), and execve's errno in
 * the vfork child: the fallback report says it. */
static const char *handler_failure;
static int exec_errno;

/* 0 until a thread claims the crash; then that thread's id. */
static int crashing_tid;

static int current_tid(void)
{
	return (int)syscall(SYS_gettid);
}

static void die_of(int signo, const siginfo_t *info)
{
	struct sigaction dfl;
	sigset_t set;

	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigaction(signo, &dfl, NULL);
	sigemptyset(&set);
	sigaddset(&set, signo);
	/* A fault re-executes its instruction when the handler returns and
	 * takes the default action then; a signal that was sent (abort,
	 * raise, kill) must be sent again. */
	if (!info || info->si_code <= 0 || signo == SIGABRT)
		syscall(SYS_tgkill, getpid(), current_tid(), signo);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

char *wer__format_number(char *buf, size_t size, uint64_t v, int hex)
{
	char tmp[24];
	size_t n = 0, i = 0;

	do {
		unsigned d = hex ? v % 16 : v % 10;

		tmp[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
		v = hex ? v / 16 : v / 10;
	} while (v && n < sizeof(tmp));
	if (hex && size > 2) {
		buf[i++] = '0';
		buf[i++] = 'x';
	}
	while (n && i + 1 < size)
		buf[i++] = tmp[--n];
	buf[i] = '\0';
	return buf;
}

int64_t wer__monotonic_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/* Waits up to timeout_ms for one byte from fd. Returns the byte, 0 on EOF
 * (werfault is gone) or an error, -1 when the time is up. */
static int wait_byte(int fd, int timeout_ms)
{
	int64_t end = wer__monotonic_ms() + timeout_ms;

	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int64_t left = end - wer__monotonic_ms();
		unsigned char byte;
		ssize_t n;

		if (left <= 0)
			return -1;
		if (poll(&p, 1, (int)left) < 0) {
			if (errno == EINTR)
				continue;
			return 0;
		}
		if (!p.revents)
			continue;
		n = read(fd, &byte, 1);
		if (n < 0 && errno == EINTR)
			continue;
		return n == 1 ? byte : 0;
	}
}

static long futex(int *word, int op, int value, const struct timespec *t)
{
	return syscall(SYS_futex, word, op, value, t, NULL, 0);
}

/* The crashed process's pidfd of itself, handed to werfault through the
 * keeper (-1: none): a restart waits on it for the process's end, which no
 * reused pid can fake. */
static int keeper_pidfd = -1;

static char *handler_env[WER_HANDLER_ENV_MAX + 1];

static int has_prefix(const char *s, const char *prefix)
{
	while (*prefix)
		if (*s++ != *prefix++)
			return 0;
	return 1;
}

int wer__report_access(void)
{
	const struct wer_crash_config *cfg = &wer__crash_config;
	struct __user_cap_header_struct caps_header = {
	    _LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct caps[2];
	uid_t ruid, euid, suid;
	gid_t rgid, egid, sgid;
	int user;

	if (getresuid(&ruid, &euid, &suid) || getresgid(&rgid, &egid, &sgid))
		user = 0;
	else if (ruid != euid || ruid != suid || rgid != egid || rgid != sgid)
		user = 0; /* set-id, or changing identity */
	else if (prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 1)
		user = 0; /* its user may not read its memory */
	else if (cfg->secure_start)
		/* Started set-id: its own user's only once it is wholly the
		 * user who started it again, holding no capability. */
		user = ruid == cfg->start_uid && rgid == cfg->start_gid &&
		       syscall(SYS_capget, &caps_header, caps) == 0 &&
		       !caps[0].permitted && !caps[1].permitted;
	else
		user = 1;
	if (user)
		return WER_ACCESS_USER;
	return geteuid() == 0 ? WER_ACCESS_ROOT : WER_ACCESS_NONE;
}

char **wer__handler_environment(char **env, int access)
{
	size_t n = 0;

	for (char **e = environ;
	     access == WER_ACCESS_USER && e && *e && n < WER_HANDLER_ENV_MAX;
	     e++)
		if (!has_prefix(*e, "LD_PRELOAD=") &&
		    !has_prefix(*e, "LD_AUDIT="))
			env[n++] = *e;
	env[n] = NULL;
	return env;
}

/* Starts werfault and waits until it says it is done ("d": it holds all it
 * needs), closes its end, or the deadline passes. The two talk over a
 * socket pair: werfault waits for "go" (sent once this process has allowed
 * it to ptrace, where Yama asks for that) and answers "done"; once the
 * report is in the store it sends "r" (its end of the recovery handshake,
 * docs/recovery.md). access is wer__report_access()'s answer (not
 * WER_ACCESS_NONE), tid the crashed thread's id. With want_report, this
 * waits for "r" too (another deadline) and returns the socket, still open
 * (unless werfault closed it); otherwise it closes the socket and returns
 * -1. With frozen, this runs in the keeper (getpid() is the keeper's) and
 * werfault reads the freeze area too. */
static int run_handler(int want_report, int access, int tid, int frozen)
{
	static char pid_arg[24], tid_arg[24], area_arg[24], fd_arg[24],
	    frozen_arg[24], keeper_arg[24], pidfd_arg[24];
	char *argv[18] = {
	    wer__crash_config.handler_path,
	    "--pid",
	    pid_arg,
	    "--tid",
	    tid_arg,
	    "--crash-area",
	    area_arg,
	    "--done-fd",
	    fd_arg,
	};
	char **envp;
	int fds[2], byte, argc = 9;
	pid_t child;

	if (access == WER_ACCESS_ROOT)
		argv[argc++] = WER_HANDLER_PRIVILEGED_OPTION;
	if (frozen) {
		argv[argc++] = WER_HANDLER_FROZEN_OPTION;
		argv[argc++] = wer__format_number(
		    frozen_arg, sizeof(frozen_arg),
		    (uint64_t)(uintptr_t)&wer__freeze_area, 1);
		argv[argc++] = WER_HANDLER_KEEPER_OPTION;
		argv[argc++] = wer__format_number(
		    keeper_arg, sizeof(keeper_arg), (uint64_t)getpid(), 0);
		if (keeper_pidfd >= 0) {
			argv[argc++] = WER_HANDLER_PIDFD_OPTION;
			argv[argc++] =
			    wer__format_number(pidfd_arg, sizeof(pidfd_arg),
					       (uint64_t)keeper_pidfd, 0);
		}
	}
	argv[argc] = NULL;

	handler_failure = NULL;
	exec_errno = 0;
	/* Close-on-exec: a recovery callback that starts a program must not
	 * hand it this socket (werfault takes EOF as "the process is gone"). */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0) {
		handler_failure = "no socket to talk to werfault";
		return -1;
	}
	wer__format_number(pid_arg, sizeof(pid_arg),
			   (uint64_t)(frozen ? wer__freeze_area.pid : getpid()),
			   0);
	wer__format_number(tid_arg, sizeof(tid_arg), (uint64_t)tid, 0);
	wer__format_number(area_arg, sizeof(area_arg),
			   (uint64_t)(uintptr_t)&wer__crash_area, 1);
	wer__format_number(fd_arg, sizeof(fd_arg), (uint64_t)fds[1], 0);
	envp = wer__handler_environment(handler_env, access);
	child = vfork();
	if (child == 0) {
		fcntl(fds[1], F_SETFD, 0);
		if (frozen && keeper_pidfd >= 0)
			fcntl(keeper_pidfd, F_SETFD, 0);
		execve(argv[0], argv, envp);
		/* vfork: this is the parent's memory; it reads why. */
		exec_errno = errno;
		_exit(127);
	}
	close(fds[1]);
	if (child < 0) {
		close(fds[0]);
		handler_failure = "werfault could not be started (vfork)";
		return -1;
	}
	/* Where Yama restricts ptrace, let werfault attach (EINVAL elsewhere:
	 * harmless). */
	prctl(PR_SET_PTRACER, (unsigned long)child, 0, 0, 0);
	/* send, not write: were werfault already gone, write would raise
	 * SIGPIPE and the process would die of that instead of its own
	 * signal. */
	if (send(fds[0], &(char){WER_CRASH_MSG_GO}, 1, MSG_NOSIGNAL) != 1) {
		close(fds[0]);
		handler_failure =
		    exec_errno ? "werfault could not be executed"
			       : "werfault ended without capturing the crash";
		return -1;
	}
	byte = wait_byte(fds[0], wer__crash_config.timeout_ms);
	/* Closed before "d": werfault never ran (the exec failed, a library
	 * is missing, a sandbox forbids it) or gave up on this process. A
	 * deadline passed is not that: werfault may still write. */
	if (byte == 0)
		handler_failure =
		    exec_errno ? "werfault could not be executed"
			       : "werfault ended without capturing the crash";
	/* A keeper told that werfault has read the process: the memory is
	 * kept until the report is written (its teardown then costs the
	 * report nothing, docs/crash.md); werfault's end meanwhile is not a
	 * failure, it had captured the crash. */
	if (frozen && byte == WER_CRASH_MSG_HOLD)
		byte = wait_byte(fds[0], wer__crash_config.timeout_ms);
	/* "d", then "r" once the report is written (unwinding and writing
	 * take their own time: a deadline of their own). */
	if (want_report && byte == WER_CRASH_MSG_DONE)
		byte = wait_byte(fds[0], wer__crash_config.timeout_ms);
	/* Kept open unless werfault is gone: after a deadline it may still
	 * finish, and hear how recovery ended. */
	if (want_report && byte != 0)
		return fds[0];
	close(fds[0]);
	return -1;
}

/* Application recovery: wakes the recovery thread, which runs the
 * callback, and watches it from here. Every ApplicationRecoveryInProgress
 * moves deadline_ms; ApplicationRecoveryFinished, or the callback
 * returning, changes phase and wakes this thread. Tells werfault (fd, may
 * be -1) that recovery started ("s") and how it ended ("F" finished, "f"
 * finished unsuccessfully, "R" the callback returned, "T" a ping was
 * missed). The registry's state says "recovery mode" from here on: every
 * registration call is refused. */
static void run_recovery(int fd)
{
	struct wer_recovery *rc = &wer__recovery;
	void *callback = __atomic_load_n(&rc->callback, __ATOMIC_ACQUIRE);
	int phase, ping = __atomic_load_n(&rc->ping_ms, __ATOMIC_RELAXED);
	char outcome;

	if (!callback || !__atomic_load_n(&rc->thread_ready, __ATOMIC_ACQUIRE))
		return;
	__atomic_store_n(&wer__registry.header.state, WER_REG_STATE_RECOVERY,
			 __ATOMIC_RELEASE);
	rc->run_callback = callback;
	rc->run_param = __atomic_load_n(&rc->param, __ATOMIC_RELAXED);
	__atomic_store_n(&rc->deadline_ms, wer__monotonic_ms() + ping,
			 __ATOMIC_RELEASE);
	__atomic_store_n(&rc->phase, WER_RECOVERY_RUNNING, __ATOMIC_RELEASE);
	__atomic_store_n(&rc->wake, 1, __ATOMIC_RELEASE);
	futex(&rc->wake, FUTEX_WAKE_PRIVATE, 1, NULL);
	if (fd >= 0)
		send(fd, &(char){WER_CRASH_MSG_RECOVERY}, 1, MSG_NOSIGNAL);
	for (;;) {
		int64_t left =
		    __atomic_load_n(&rc->deadline_ms, __ATOMIC_ACQUIRE) -
		    wer__monotonic_ms();
		struct timespec t;

		phase = __atomic_load_n(&rc->phase, __ATOMIC_ACQUIRE);
		if (phase != WER_RECOVERY_RUNNING)
			break;
		if (left <= 0) {
			int expected = WER_RECOVERY_RUNNING;

			if (__atomic_compare_exchange_n(
				&rc->phase, &expected, WER_RECOVERY_TIMED_OUT,
				0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
				phase = WER_RECOVERY_TIMED_OUT;
				break;
			}
			continue;
		}
		/* A ping moves the deadline without waking this thread: look
		 * again at least every 100 ms. */
		if (left > 100)
			left = 100;
		t.tv_sec = 0;
		t.tv_nsec = (long)left * 1000000;
		futex(&rc->phase, FUTEX_WAIT_PRIVATE, WER_RECOVERY_RUNNING, &t);
	}
	switch (phase) {
	case WER_RECOVERY_FINISHED_OK:
		outcome = WER_CRASH_MSG_RECOVERY_OK;
		break;
	case WER_RECOVERY_FINISHED_FAILED:
		outcome = WER_CRASH_MSG_RECOVERY_FAILED;
		break;
	case WER_RECOVERY_RETURNED:
		outcome = WER_CRASH_MSG_RECOVERY_RETURNED;
		break;
	case WER_RECOVERY_CRASHED:
		outcome = WER_CRASH_MSG_RECOVERY_CRASHED;
		break;
	default:
		outcome = WER_CRASH_MSG_RECOVERY_TIMEOUT;
		break;
	}
	if (fd >= 0)
		send(fd, &outcome, 1, MSG_NOSIGNAL);
}

static void record_crash(int signo, const siginfo_t *info, const ucontext_t *uc,
			 uint64_t restorer)
{
	struct wer_crash_area *a = &wer__crash_area;
	struct timespec now;
	stack_t alt;

	clock_gettime(CLOCK_REALTIME, &now);
	a->version = WER_CRASH_VERSION;
	a->size = sizeof(*a);
	a->signo = signo;
	a->code = info ? info->si_code : 0;
	a->pid = getpid();
	a->tid = current_tid();
	a->address = info ? (uint64_t)(uintptr_t)info->si_addr : 0;
	a->registry = (uint64_t)(uintptr_t)&wer__registry;
	a->abort_msg = wer__crash_config.abort_msg;
	a->time_ns = (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
	if (info)
		memcpy(&a->siginfo, info, sizeof(*info));
	if (uc) {
		memcpy(&a->context, uc, sizeof(*uc));
		wer_cpu_uc_save_fp(uc, &a->fpstate);
	}
	if (sigaltstack(NULL, &alt) == 0 && !(alt.ss_flags & SS_DISABLE)) {
		a->alt_stack = (uint64_t)(uintptr_t)alt.ss_sp;
		a->alt_stack_size = alt.ss_size;
		a->alt_stack_flags = alt.ss_flags;
	}
	a->restorer = restorer;
	memcpy(a->magic, WER_CRASH_MAGIC, sizeof(a->magic));
}

/* A crash that only root may read, in a process that cannot write to
 * root's store: one line on stderr says why no report follows. */
static void say_unreported(void)
{
	static const char line[] =
	    "openwer: no crash report: only root may read this process's "
	    "(set-id, or not dumpable), and it cannot write root's store\n";

	(void)!write(STDERR_FILENO, line, sizeof(line) - 1);
}

/* The handler installed for signo before libwer's, when it is one to call
 * (not SIG_DFL, SIG_IGN or empty); NULL otherwise. */
static const struct sigaction *previous_handler(int signo)
{
	for (int i = 0; i < WER_CRASH_SIGNAL_COUNT; i++) {
		const struct sigaction *old = &wer__crash_previous[i];

		if (wer__crash_signals[i] != signo)
			continue;
		if (old->sa_flags & SA_SIGINFO)
			return old->sa_sigaction ? old : NULL;
		return old->sa_handler != SIG_DFL && old->sa_handler != SIG_IGN
			   ? old
			   : NULL;
	}
	return NULL;
}

static void chain_previous(int signo, siginfo_t *info, void *context)
{
	const struct sigaction *old = previous_handler(signo);

	if (!old)
		return;
	if (old->sa_flags & SA_SIGINFO)
		old->sa_sigaction(signo, info, context);
	else
		old->sa_handler(signo);
}

/* The keeper (docs/crash.md, "The self-freezing front-end"): a child that
 * shares the crashed process's memory (CLONE_VM) and runs on a stack of
 * its own. It starts werfault on itself, holds the memory until werfault
 * has read it ("d"), and ends; the crashed process does not wait for any
 * of it. A fault in the keeper kills it (default dispositions), never
 * parks it. When werfault cannot help, the keeper writes the crash path's
 * own report from the crash area. */
#define KEEPER_STACK (256 * 1024)
static char keeper_stack[KEEPER_STACK] __attribute__((aligned(64)));
static int keeper_access, keeper_tid;

static int keeper_main(void *unused)
{
	struct sigaction dfl;

	(void)unused;
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	for (int i = 0; i < WER_CRASH_SIGNAL_COUNT; i++)
		sigaction(wer__crash_signals[i], &dfl, NULL);
	run_handler(0, keeper_access, keeper_tid, 1);
	if (handler_failure)
		wer__crash_fallback_report(
		    &wer__crash_area.siginfo, &wer__crash_area.context,
		    handler_failure, exec_errno, keeper_access);
	_exit(0);
}

/* The fast way: every other thread stopped by the process itself, and a
 * keeper started. 0 when the keeper runs (the process may die now), -1
 * when the ptrace capture must do it; the crash area says which, and
 * why. */
static int freeze_and_keep(int signo, int access, int tid, int recovery)
{
	int *outcome = &wer__crash_area.freeze;

	if (!wer__crash_config.freeze)
		*outcome = WER_FREEZE_OFF;
	else if (recovery)
		*outcome = WER_FREEZE_RECOVERY;
	else if (previous_handler(signo))
		/* Chained after the report: the ptrace capture, which holds
		 * the process until it is read. */
		*outcome = WER_FREEZE_CHAINED;
	else if (getpid() == 1)
		*outcome = WER_FREEZE_INIT;
	else
		*outcome = wer__freeze_others(tid);
	if (*outcome != WER_FREEZE_DONE)
		return -1;
	keeper_access = access;
	keeper_tid = tid;
	/* The keeper is born named WER_KEEPER_NAME_PREFIX and the process's
	 * pid (a clone takes its thread's name): from the process's death
	 * until the report is written, a werfault with --pid PID or that
	 * keeper runs, and whoever waits for the report waits for both. */
	{
		static char name[16] = WER_KEEPER_NAME_PREFIX;
		size_t at = sizeof(WER_KEEPER_NAME_PREFIX) - 1;

		wer__format_number(name + at, sizeof(name) - at,
				   (uint64_t)wer__freeze_area.pid, 0);
		prctl(PR_SET_NAME, name, 0, 0, 0);
	}
	keeper_pidfd = (int)syscall(SYS_pidfd_open, getpid(), 0);
	if (clone(keeper_main, keeper_stack + KEEPER_STACK, CLONE_VM | SIGCHLD,
		  NULL) < 0)
		*outcome = WER_FREEZE_FAILED;
	/* The keeper has its own copy (its descriptor table is a copy). */
	if (keeper_pidfd >= 0)
		close(keeper_pidfd);
	prctl(PR_SET_NAME, wer__freeze_area.crashed_name, 0, 0, 0);
	return *outcome == WER_FREEZE_DONE ? 0 : -1;
}

void wer__crash_handler(int signo, siginfo_t *info, void *context)
{
	int saved_errno = errno, tid = current_tid(), expected = 0;

	if (!__atomic_compare_exchange_n(&crashing_tid, &expected, tid, 0,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		if (expected == tid) {
			/* A fault inside the crash path itself (handlers run
			 * with SA_NODEFER): die of the first signal. */
			die_of(wer__crash_area.signo ? wer__crash_area.signo
						     : signo,
			       NULL);
			die_of(signo, info);
			return;
		}
		/* Another thread is reporting: wait for the process to die.
		 * During recovery this is the callback crashing (or another
		 * thread): recovery is over, tell the watchdog. */
		expected = WER_RECOVERY_RUNNING;
		if (__atomic_compare_exchange_n(
			&wer__recovery.phase, &expected, WER_RECOVERY_CRASHED,
			0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			futex(&wer__recovery.phase, FUTEX_WAKE_PRIVATE, 1,
			      NULL);
		/* Asked to stop (crash_freeze.c): its registers first. */
		wer__freeze_park(tid, (const ucontext_t *)context);
		for (;;) {
			struct timespec ts = {1, 0};

			nanosleep(&ts, NULL);
		}
	}
	/* Turned off, and reached through a handler the application
	 * installed over libwer's that chains to it: no report. */
	if (!__atomic_load_n(&wer__crash_config.enabled, __ATOMIC_ACQUIRE)) {
		chain_previous(signo, info, context);
		die_of(signo, info);
		errno = saved_errno;
		return;
	}
	/* Called by the kernel, this handler returns to the signal frame's
	 * restorer (a handler of the application's that chains here calls
	 * it instead: then werfault finds no frame by it, and needs none). */
	record_crash(signo, info, context,
		     (uint64_t)(uintptr_t)__builtin_return_address(0));
	{
		int want_recovery = __atomic_load_n(&wer__recovery.callback,
						    __ATOMIC_ACQUIRE) &&
				    __atomic_load_n(&wer__recovery.thread_ready,
						    __ATOMIC_ACQUIRE);
		int access = wer__report_access(), fd = -1;

		if (access == WER_ACCESS_NONE) {
			say_unreported();
		} else if (freeze_and_keep(signo, access, tid, want_recovery) ==
			   0) {
			/* The keeper holds the memory; die at once. */
			__atomic_store_n(&wer__registry.header.reported,
					 (uint64_t)getpid(), __ATOMIC_RELEASE);
			die_of(signo, info);
			errno = saved_errno;
			return;
		} else {
			/* A namespace's init waits for the report itself: its
			 * death kills werfault with every other process of the
			 * namespace. */
			fd = run_handler(want_recovery || getpid() == 1, access,
					 tid, 0);
		}
		/* werfault could not help: the report is written from here,
		 * with what this process can say about itself. */
		if (access != WER_ACCESS_NONE && handler_failure)
			wer__crash_fallback_report(
			    info, (const ucontext_t *)context, handler_failure,
			    exec_errno, access);
		/* Reported here: a system handler (core_pattern) that gets
		 * this process's core after the re-raise adds none. */
		if (access != WER_ACCESS_NONE)
			__atomic_store_n(&wer__registry.header.reported,
					 (uint64_t)getpid(), __ATOMIC_RELEASE);
		if (want_recovery)
			run_recovery(fd);
		if (fd >= 0)
			close(fd);
	}
	chain_previous(signo, info, context);
	die_of(signo, info);
	errno = saved_errno;
}
