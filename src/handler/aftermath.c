/* SPDX-License-Identifier: MIT */
/*
 * aftermath.c - what werfault does once a crash's report is in the store:
 * hears how application recovery ended, starts the application again when
 * it registered a restart, and adds both to Report.wer (docs/recovery.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "crash_format.h"
#include "proc_read.h"
#include "report.h"
#include "store.h"

#define RESTART_WAIT_MS	      30000 /* for the crashed process to be gone */
#define RESTART_ARGS_MAX      512
#define RESTART_ENV_MAX	      4096
#define REPORT_WER_MAX	      (4 * 1024 * 1024)
#define RESTART_NO_CRASH_FLAG 1

enum wer_recovery_outcome wer__recovery_outcome(int fd)
{
	enum wer_recovery_outcome outcome = WER_RECOVERY_NONE;
	unsigned char byte;
	ssize_t n;

	for (;;) {
		n = read(fd, &byte, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n != 1)
			break;
		switch (byte) {
		case WER_CRASH_MSG_RECOVERY:
			outcome = WER_RECOVERY_DONE_UNKNOWN;
			break;
		case WER_CRASH_MSG_RECOVERY_OK:
			outcome = WER_RECOVERY_DONE_OK;
			break;
		case WER_CRASH_MSG_RECOVERY_FAILED:
			outcome = WER_RECOVERY_DONE_FAILED;
			break;
		case WER_CRASH_MSG_RECOVERY_RETURNED:
			outcome = WER_RECOVERY_DONE_RETURNED;
			break;
		case WER_CRASH_MSG_RECOVERY_TIMEOUT:
			outcome = WER_RECOVERY_DONE_TIMEOUT;
			break;
		case WER_CRASH_MSG_RECOVERY_CRASHED:
			outcome = WER_RECOVERY_DONE_CRASHED;
			break;
		default:
			break;
		}
	}
	return outcome;
}

/* Splits text into words as a shell does, without expansions: blanks
 * separate words; '...' keeps everything inside; "..." keeps everything
 * but \" and \\, which stand for " and \; a backslash outside quotes keeps
 * the next character. Words go into buf (NUL after each, same size as
 * text + 1 is enough), pointers into words. Returns the count. */
static size_t split_words(const char *text, char *buf, char **words, size_t max)
{
	size_t count = 0;
	const char *p = text;
	char *out = buf;

	while (*p && count < max) {
		int in_word = 0;

		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p)
			break;
		words[count] = out;
		while (*p && !(*p == ' ' || *p == '\t' || *p == '\n')) {
			in_word = 1;
			if (*p == '\'') {
				for (p++; *p && *p != '\''; p++)
					*out++ = *p;
				if (*p)
					p++;
			} else if (*p == '"') {
				for (p++; *p && *p != '"'; p++) {
					if (*p == '\\' &&
					    (p[1] == '"' || p[1] == '\\'))
						p++;
					*out++ = *p;
				}
				if (*p)
					p++;
			} else if (*p == '\\' && p[1]) {
				*out++ = p[1];
				p += 2;
			} else {
				*out++ = *p++;
			}
		}
		*out++ = '\0';
		if (in_word)
			count++;
	}
	return count;
}

/* Waits until the process is gone (pidfd readable; without a pidfd, its
 * /proc entry gone or a zombie), at most RESTART_WAIT_MS. */
static int wait_gone(pid_t pid, int pidfd)
{
	char path[64], buf[512];
	int waited = 0;

	if (pidfd >= 0) {
		struct pollfd p = {.fd = pidfd, .events = POLLIN};

		while (poll(&p, 1, RESTART_WAIT_MS) < 0)
			if (errno != EINTR)
				return -errno;
		return p.revents ? 0 : -ETIMEDOUT;
	}
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	for (; waited < RESTART_WAIT_MS; waited += 20) {
		ssize_t n = wer__read_capped(path, buf, sizeof(buf) - 1);
		const char *paren;

		if (n < 0)
			return 0;
		buf[n] = '\0';
		paren = strrchr(buf, ')');
		if (paren && (paren[2] == 'Z' || paren[2] == 'X'))
			return 0;
		nanosleep(&(struct timespec){0, 20 * 1000 * 1000}, NULL);
	}
	return -ETIMEDOUT;
}

/* The signals the process ignored (SigIgn: in /proc/PID/status, as
 * werfault read it), or 0. */
static uint64_t ignored_signals(const struct wer_job *r)
{
	const char *p = r->snap.status.data
			    ? strstr(r->snap.status.data, "\nSigIgn:")
			    : NULL;

	return p ? strtoull(p + 8, NULL, 16) : 0;
}

/* Starts exe detached: double fork, the grandchild in a session of its
 * own, in cwd, with stdin/stdout/stderr on /dev/null, the signals the
 * crashed process ignored ignored again and the others at their default
 * (werfault's own are not the application's). Returns its pid, or a
 * negative errno (the exec's own error, when it failed). */
static pid_t spawn_detached(const char *exe, char **argv, char **envp,
			    const char *cwd, uint64_t ignored)
{
	int p[2], status, err = 0;
	pid_t child, grandchild = -1;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	child = fork();
	if (child < 0) {
		err = -errno;
		close(p[0]);
		close(p[1]);
		return err;
	}
	if (child == 0) {
		pid_t g;

		close(p[0]);
		setsid();
		g = fork();
		if (g == 0) {
			sigset_t none;
			int null = open("/dev/null", O_RDWR);

			sigemptyset(&none);
			sigprocmask(SIG_SETMASK, &none, NULL);
			for (int signo = 1; signo <= 64 && signo < NSIG;
			     signo++)
				if (signo != SIGKILL && signo != SIGSTOP)
					signal(signo, ignored >> (signo - 1) & 1
							  ? SIG_IGN
							  : SIG_DFL);
			if (!cwd[0] || chdir(cwd) < 0)
				(void)!chdir("/");
			if (null >= 0) {
				dup2(null, 0);
				dup2(null, 1);
				dup2(null, 2);
				if (null > 2)
					close(null);
			}
			execve(exe, argv, envp);
			err = errno;
			(void)!write(p[1], &err, sizeof(err));
			_exit(127);
		}
		(void)!write(p[1], &g, sizeof(g));
		_exit(g < 0 ? 1 : 0);
	}
	close(p[1]);
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	if (read(p[0], &grandchild, sizeof(grandchild)) != sizeof(grandchild) ||
	    grandchild < 0)
		err = -EAGAIN;
	else if (read(p[0], &err, sizeof(err)) == sizeof(err))
		err = -err; /* the exec failed */
	close(p[0]);
	return err ? err : grandchild;
}

void wer__restart(const struct wer_job *r, int pidfd, char *what, size_t size)
{
	const struct wer_snapshot_restart *rs = &r->snap.registry.restart;
	long min_uptime = r->settings.number[WER_SET_RESTART_UPTIME];
	char *argv[RESTART_ARGS_MAX + 2], *envp[RESTART_ENV_MAX + 1];
	char words[WER_REG_CMDLINE_BYTES + 2];
	size_t argc = 0, envc = 0;
	pid_t pid;

	what[0] = '\0';
	if (!r->snap.have_registry || !rs->registered)
		return;
	if (rs->flags & RESTART_NO_CRASH_FLAG) {
		snprintf(what, size, "skipped: RESTART_NO_CRASH");
		return;
	}
	if (r->snap.uptime_s < 0 || r->snap.uptime_s < min_uptime) {
		snprintf(what, size,
			 "skipped: the process ran %ld s, less than %ld s",
			 r->snap.uptime_s, min_uptime);
		return;
	}
	if (!r->snap.exe[0] || strstr(r->snap.exe, " (deleted)")) {
		snprintf(what, size, "skipped: the executable is gone");
		return;
	}
	if (wait_gone(r->snap.pid, pidfd) < 0) {
		snprintf(what, size,
			 "skipped: the crashed process did not end");
		return;
	}
	/* argv[0] as the process had it; then the registered words. */
	argv[argc++] =
	    r->snap.cmdline_len ? (char *)r->snap.cmdline : (char *)r->snap.exe;
	argc += split_words(rs->cmdline, words, argv + argc, RESTART_ARGS_MAX);
	argv[argc] = NULL;
	for (size_t i = 0; r->snap.environ_raw.data &&
			   i < r->snap.environ_raw.len &&
			   envc < RESTART_ENV_MAX;) {
		size_t n = strnlen(r->snap.environ_raw.data + i,
				   r->snap.environ_raw.len - i);

		/* The last string may be cut by the cap: leave it out. */
		if (i + n >= r->snap.environ_raw.len)
			break;
		if (n)
			envp[envc++] = r->snap.environ_raw.data + i;
		i += n + 1;
	}
	envp[envc] = NULL;
	pid = spawn_detached(r->snap.exe, argv, envp, r->snap.cwd,
			     ignored_signals(r));
	if (pid < 0)
		snprintf(what, size, "failed: %s", strerror((int)-pid));
	else
		snprintf(what, size, "started pid %d", (int)pid);
}

int wer__report_amend(struct wer_job *r, const char *id, const char *lines)
{
	/* The store's lock, exclusive: `wer` does not read, send or move
	 * the report while its Report.wer is replaced. */
	int lock, dir = -1, err;
	const char *area;
	char *text = NULL, *both = NULL;
	ssize_t len;
	size_t add = strlen(lines);

	if (r->store.fd < 0 && (err = wer_store_open(0, &r->store)) < 0)
		return err;
	if ((lock = wer_store_lock(&r->store, 1)) < 0)
		return lock;
	if ((dir = err = wer_store_find(&r->store, id, &area)) < 0 ||
	    (len = err = (int)wer_report_file_read(dir, "Report.wer",
						   REPORT_WER_MAX, &text)) < 0)
		goto out;
	if (!(both = malloc((size_t)len + add))) {
		err = -ENOMEM;
		goto out;
	}
	memcpy(both, text, (size_t)len);
	memcpy(both + len, lines, add);
	err = wer_write_file_at(dir, "Report.wer", both, (size_t)len + add);
	if (!err)
		fsync(dir);
out:
	free(both);
	free(text);
	if (dir >= 0)
		close(dir);
	close(lock);
	return err;
}
