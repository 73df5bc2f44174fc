/*
 * crash.c - the crash path: what runs inside a process that has crashed.
 *
 * Almost zero policy here: record the crash, start werfault, wait for it
 * with a deadline, chain to the handler the application had installed, and
 * die of the original signal. Everything heavy happens in werfault, a
 * healthy process.
 *
 * This file may call only these functions, all async-signal-safe (the test
 * tests/test_crash_symbols.sh holds the object's undefined symbols to this
 * list): sigaction, sigemptyset, sigaddset, sigprocmask, syscall (gettid,
 * tgkill), getpid, clock_gettime, nanosleep, socketpair, close, vfork,
 * execve, _exit, poll, read, send, prctl, memcpy, memset; and the
 * compiler's __stack_chk_fail. No malloc, no stdio, no locks, no user callbacks
 * other than the previously installed signal handler.
 */
#include <errno.h>
#include <poll.h>
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

/* Writes v in decimal (negative numbers too) or hex into buf; returns buf. */
static char *format_number(char *buf, size_t size, uint64_t v, int hex)
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

static int elapsed_ms(const struct timespec *since)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int)((now.tv_sec - since->tv_sec) * 1000 +
		     (now.tv_nsec - since->tv_nsec) / 1000000);
}

/* Starts werfault and waits until it says it is done, closes its end, or
 * the deadline passes. The two talk over a socket pair: werfault waits for
 * "go" (sent once this process has allowed it to ptrace, where Yama asks
 * for that) and answers "done" once it holds all it needs. */
static void run_handler(void)
{
	static char pid_arg[24], tid_arg[24], area_arg[24], fd_arg[24];
	char *argv[] = {wer__crash_config.handler_path,
			"--pid",
			pid_arg,
			"--tid",
			tid_arg,
			"--crash-area",
			area_arg,
			"--done-fd",
			fd_arg,
			NULL};
	struct timespec start;
	int fds[2];
	pid_t child;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) < 0)
		return;
	format_number(pid_arg, sizeof(pid_arg), (uint64_t)getpid(), 0);
	format_number(tid_arg, sizeof(tid_arg), (uint64_t)current_tid(), 0);
	format_number(area_arg, sizeof(area_arg),
		      (uint64_t)(uintptr_t)&wer__crash_area, 1);
	format_number(fd_arg, sizeof(fd_arg), (uint64_t)fds[1], 0);
	child = vfork();
	if (child == 0) {
		close(fds[0]);
		execve(argv[0], argv, environ);
		_exit(127);
	}
	close(fds[1]);
	if (child < 0) {
		close(fds[0]);
		return;
	}
	/* Where Yama restricts ptrace, let werfault attach (EINVAL elsewhere:
	 * harmless). */
	prctl(PR_SET_PTRACER, (unsigned long)child, 0, 0, 0);
	/* send, not write: were werfault already gone, write would raise
	 * SIGPIPE and the process would die of that instead of its own
	 * signal. */
	if (send(fds[0], "g", 1, MSG_NOSIGNAL) != 1) {
		close(fds[0]);
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		struct pollfd p = {.fd = fds[0], .events = POLLIN};
		int left = wer__crash_config.timeout_ms - elapsed_ms(&start);
		char byte;

		if (left <= 0)
			break;
		if (poll(&p, 1, left) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p.revents) {
			/* One byte: done; EOF: werfault is gone. */
			(void)!read(fds[0], &byte, 1);
			break;
		}
	}
	close(fds[0]);
}

static void record_crash(int signo, const siginfo_t *info, const ucontext_t *uc)
{
	struct wer_crash_area *a = &wer__crash_area;
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	a->version = WER_CRASH_VERSION;
	a->size = sizeof(*a);
	a->signo = signo;
	a->code = info ? info->si_code : 0;
	a->pid = getpid();
	a->tid = current_tid();
	a->address = info ? (uint64_t)(uintptr_t)info->si_addr : 0;
	a->registry = (uint64_t)(uintptr_t)&wer__registry;
	a->time_ns = (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
	if (info)
		memcpy(&a->siginfo, info, sizeof(*info));
	if (uc) {
		memcpy(&a->context, uc, sizeof(*uc));
#if defined(__x86_64__)
		if (uc->uc_mcontext.fpregs)
			memcpy(&a->fpstate, uc->uc_mcontext.fpregs,
			       sizeof(a->fpstate));
#endif
	}
	memcpy(a->magic, WER_CRASH_MAGIC, sizeof(a->magic));
}

static void chain_previous(int signo, siginfo_t *info, void *context)
{
	for (int i = 0; i < WER_CRASH_SIGNAL_COUNT; i++) {
		const struct sigaction *old = &wer__crash_previous[i];

		if (wer__crash_signals[i] != signo)
			continue;
		if (old->sa_flags & SA_SIGINFO) {
			if (old->sa_sigaction)
				old->sa_sigaction(signo, info, context);
		} else if (old->sa_handler != SIG_DFL &&
			   old->sa_handler != SIG_IGN) {
			old->sa_handler(signo);
		}
	}
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
		/* Another thread is reporting: wait for the process to die. */
		for (;;) {
			struct timespec ts = {1, 0};

			nanosleep(&ts, NULL);
		}
	}
	record_crash(signo, info, context);
	run_handler();
	chain_previous(signo, info, context);
	die_of(signo, info);
	errno = saved_errno;
}
