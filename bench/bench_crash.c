/* SPDX-License-Identifier: MIT */
/*
 * bench_crash - what a crash costs with openwer, in one run:
 *
 *   1. hold: how much longer a crashing process stays alive because libwer
 *      starts werfault and waits for it, against the same crash with
 *      WER_DISABLE=1 (the kernel alone), for 0, 10 and 50 idle threads;
 *   2. completion: from the fault until the report directory is renamed
 *      into $WER_REPORT_DIR/ReportQueue/;
 *   3. beside them, `eu-stack -p PID` on a live process with the same idle
 *      threads (wall time, fork/exec to waitpid);
 *   4. the resident-memory cost of loading libwer, and the threads it adds
 *      (it must add none).
 *
 * One source, two programs (bench/CMakeLists.txt): bench_crash_driver, not
 * linked with libwer, runs the benchmark and is also the "without libwer"
 * child; bench_crash_child is the same source linked with libwer, the
 * program that crashes. A child is started as
 *
 *   PROGRAM --child crash|wait|idle THREADS FD REGISTER
 *
 * crash: starts THREADS idle threads, registers a metadata pair, writes
 * CLOCK_MONOTONIC (t_fault) to FD and writes through a null pointer; wait
 * and idle: the same without the crash, a byte on FD once ready, then
 * pause() until killed. The driver takes CLOCK_MONOTONIC when waitpid
 * returns the crashed child (t_dead), and when inotify reports a new entry
 * in ReportQueue/ (names starting ".tmp-" do not count). Every figure is
 * the median of the runs; the driver is a child subreaper, so a werfault
 * that outlives its process is reaped here, and each run starts only once
 * the previous one left no process behind.
 *
 * driver usage: bench_crash_driver [--runs N] [--handler WERFAULT]
 *                                  [--child BENCH_CRASH_CHILD]
 *                                  [--libwer LIBWER_SO] [--big-mib N]
 *
 * --big-mib N adds a row: the 0-thread crash of a process that touched N
 * MiB of heap first (issue 19: a 4 GiB process held no longer than a small
 * one).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifdef BENCH_WITH_WER
#include <werapi.h>
#include <wer/recovery.h>
#include <wer/wer.h>
#endif

#define DEFAULT_RUNS	   20
#define CRASH_BUDGET_MS	   20000 /* per thread count, with + without */
#define EUSTACK_BUDGET_MS  10000 /* per thread count */
#define CHILD_DEADLINE_MS  20000 /* a crashing child dead by then, or killed */
#define REPORT_GRACE_MS	   5000	 /* after death, for a late report */
#define SETTLE_DEADLINE_MS 5000	 /* for descendants (werfault) to exit */
#define READY_DEADLINE_MS  10000 /* a wait/idle child is ready by then */
#define HELD_TO_DEADLINE   9000	 /* a hold this long: werfault never said */
#define MAX_NOTES	   48

extern char **environ;

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static double ms_between(int64_t from, int64_t to)
{
	return (double)(to - from) / 1e6;
}

/* ---- the child ----------------------------------------------------------
 */

static pthread_mutex_t idle_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t idle_forever = PTHREAD_COND_INITIALIZER;
static pthread_cond_t idle_started_cond = PTHREAD_COND_INITIALIZER;
static int idle_started;

/* Odd threads sleep in pause(), even ones in pthread_cond_wait. */
static void *idle_thread(void *arg)
{
	int use_pause = (int)(intptr_t)arg;

	pthread_mutex_lock(&idle_lock);
	idle_started++;
	pthread_cond_signal(&idle_started_cond);
	if (use_pause) {
		pthread_mutex_unlock(&idle_lock);
		for (;;)
			pause();
	}
	for (;;)
		pthread_cond_wait(&idle_forever, &idle_lock);
	return NULL;
}

/* How many of this process's threads, other than the caller, are asleep
 * (state S in /proc/self/task/TID/stat). */
/* Reads a small /proc file into buf (NUL-terminated); returns its length,
 * or 0 / -1 when empty or unreadable. */
static ssize_t read_small(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t len;

	if (fd < 0)
		return -1;
	len = read(fd, buf, size - 1);
	close(fd);
	if (len > 0)
		buf[len] = '\0';
	return len;
}

static int threads_asleep(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int self = (int)gettid(), n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		char path[300], buf[512], *paren;

		if (e->d_name[0] == '.' || atoi(e->d_name) == self)
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/stat",
			 e->d_name);
		if (read_small(path, buf, sizeof(buf)) <= 0)
			continue;
		paren = strrchr(buf, ')');
		if (paren && paren[1] == ' ' && paren[2] == 'S')
			n++;
	}
	closedir(d);
	return n;
}

static void start_idle_threads(int count)
{
	pthread_t t;

	for (int i = 0; i < count; i++)
		if (pthread_create(&t, NULL, idle_thread,
				   (void *)(intptr_t)(i % 2)) != 0)
			_exit(4);
	pthread_mutex_lock(&idle_lock);
	while (idle_started < count)
		pthread_cond_wait(&idle_started_cond, &idle_lock);
	pthread_mutex_unlock(&idle_lock);
	/* Started is not yet blocked: wait until the kernel has them asleep
	 * (bounded: a thread that is late does not change the figure much). */
	for (int i = 0; i < 2000 && threads_asleep() < count; i++) {
		struct timespec ts = {0, 50000};

		nanosleep(&ts, NULL);
	}
}

__attribute__((noinline)) static void crash_null_write(void)
{
	volatile int *volatile p = NULL; /* opaque to the optimizer */

	*p = 1;
}

static int child_main(int argc, char **argv)
{
	const char *mode;
	int threads, fd, reg;

	if (argc != 6)
		return 2;
	mode = argv[2];
	threads = atoi(argv[3]);
	fd = atoi(argv[4]);
	reg = atoi(argv[5]);
	/* Not for werfault, which inherits this process's descriptors. */
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	start_idle_threads(threads);
#ifdef BENCH_WITH_WER
	if (reg && wer_register_custom_metadata("BenchCrash", "hold") != S_OK)
		return 3;
#else
	(void)reg;
#endif
	if (!strcmp(mode, "crash")) {
		struct timespec t_fault;
		const char *mib = getenv("BENCH_CRASH_MIB");

		/* A big process (--big-mib): its memory touched, so that it
		 * is resident and the kernel has it to tear down. */
		if (mib && atol(mib) > 0) {
			size_t len = (size_t)atol(mib) << 20;
			char *big = malloc(len);

			if (!big)
				return 7;
			memset(big, 1, len);
		}

		clock_gettime(CLOCK_MONOTONIC, &t_fault);
		if (write(fd, &t_fault, sizeof(t_fault)) != sizeof(t_fault))
			return 5;
		crash_null_write();
		return 6;
	}
	if (write(fd, "r", 1) != 1)
		return 5;
	for (;;)
		pause();
}

/* ---- the driver: processes ----------------------------------------------
 */

static sigset_t orig_mask;
static int sigchld_fd = -1;
static char notes[MAX_NOTES][512];
static int note_count;

__attribute__((format(printf, 1, 2))) static void note(const char *fmt, ...)
{
	va_list ap;

	if (note_count >= MAX_NOTES)
		return;
	va_start(ap, fmt);
	vsnprintf(notes[note_count++], sizeof(notes[0]), fmt, ap);
	va_end(ap);
}

/* environ without the variables this benchmark sets, plus add[]. */
static char **env_make(char *const *add)
{
	static const char *const drop[] = {
	    "WER_HANDLER=", "WER_REPORT_DIR=",	"WER_DISABLE=",
	    "LD_PRELOAD=",  "DEBUGINFOD_URLS=", "WER_REGISTRATION_ONLY="};
	size_t n = 0, k = 0;
	char **env;

	while (environ[n])
		n++;
	for (size_t i = 0; add[i]; i++)
		n++;
	env = calloc(n + 1, sizeof(*env));
	if (!env)
		abort();
	for (size_t i = 0; environ[i]; i++) {
		int keep = 1;

		for (size_t j = 0; j < sizeof(drop) / sizeof(drop[0]); j++)
			if (!strncmp(environ[i], drop[j], strlen(drop[j])))
				keep = 0;
		if (keep)
			env[k++] = environ[i];
	}
	for (size_t i = 0; add[i]; i++)
		env[k++] = add[i];
	env[k] = NULL;
	return env;
}

/* fork + execve with no core file, the driver's signal mask undone, FD
 * pass_fd inherited and stdout/stderr redirected where asked. */
/* The children's core limit: 0 (none) but for the core-file runs of the
 * system mode's section. */
static rlim_t child_core_limit;

static pid_t spawn(char *const argv[], char *const envp[], int pass_fd,
		   int out_fd, int err_fd)
{
	struct rlimit no_core = {child_core_limit, child_core_limit};
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	sigprocmask(SIG_SETMASK, &orig_mask, NULL);
	setrlimit(RLIMIT_CORE, &no_core);
	if (out_fd >= 0)
		dup2(out_fd, STDOUT_FILENO);
	if (err_fd >= 0)
		dup2(err_fd, STDERR_FILENO);
	if (pass_fd >= 0)
		fcntl(pass_fd, F_SETFD, 0);
	execve(argv[0], argv, envp);
	_exit(127);
}

static void drain_sigchld(void)
{
	struct signalfd_siginfo si;

	while (read(sigchld_fd, &si, sizeof(si)) == sizeof(si))
		;
}

/* Kills what is left of this driver's descendants (orphans reparented here:
 * the driver is their subreaper). Returns how many it found. */
static int kill_leftovers(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int found = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char path[64], buf[4096], *pp;
		int pid = atoi(e->d_name);

		if (pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/status", pid);
		if (read_small(path, buf, sizeof(buf)) <= 0)
			continue;
		pp = strstr(buf, "\nPPid:");
		if (pp && atoi(pp + 6) == (int)getpid()) {
			kill(pid, SIGKILL);
			found++;
		}
	}
	closedir(d);
	return found;
}

/* Waits until the driver has no child left (werfault included), reaping;
 * kills the rest at the deadline. */
static void settle(void)
{
	int64_t deadline = now_ns() + (int64_t)SETTLE_DEADLINE_MS * 1000000;
	int rounds = 0;

	for (;;) {
		struct pollfd p = {.fd = sigchld_fd, .events = POLLIN};
		int64_t left;
		pid_t r = waitpid(-1, NULL, WNOHANG);

		if (r > 0)
			continue;
		if (r < 0 && errno == ECHILD)
			break;
		left = deadline - now_ns();
		if (left <= 0) {
			/* Killing one may orphan its children to us: a few
			 * rounds. */
			int n;

			if (rounds++ >= 5)
				break;
			n = kill_leftovers();
			if (rounds == 1)
				note("%d process(es) still running %d ms after "
				     "a run ended were killed",
				     n, SETTLE_DEADLINE_MS);
			deadline = now_ns() + 1000000000LL;
			continue;
		}
		poll(&p, 1, (int)(left / 1000000) + 1);
		drain_sigchld();
	}
	drain_sigchld();
}

/* Reads exactly size bytes from fd, waiting until deadline (ns). */
static int read_full(int fd, void *buf, size_t size, int64_t deadline)
{
	size_t got = 0;

	while (got < size) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int64_t left = deadline - now_ns();
		ssize_t n;

		if (left <= 0)
			return -ETIMEDOUT;
		if (poll(&p, 1, (int)(left / 1000000) + 1) < 0 &&
		    errno != EINTR)
			return -errno;
		n = read(fd, (char *)buf + got, size - got);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EPIPE;
		got += (size_t)n;
	}
	return 0;
}

static int rm_entry(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void rm_tree(const char *path)
{
	nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	if (n <= 0)
		return -1;
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* ---- the driver: a batch's scratch directory ------------------------------
 */

struct config {
	const char *handler; /* werfault */
	const char *child;   /* this source linked with libwer */
	const char *plain;   /* this program: the child without libwer */
	const char *libwer;  /* libwer.so, for LD_PRELOAD */
	const char *tmp;     /* where scratch directories go */
	int runs;
	int big_mib; /* --big-mib: one more 0-thread row, this big */
};

struct scratch {
	char dir[PATH_MAX];
	char store[PATH_MAX];
	char queue[PATH_MAX];
	char log[PATH_MAX];
	int log_fd;
	int null_fd;
};

static int scratch_open(const struct config *c, struct scratch *s)
{
	memset(s, 0, sizeof(*s));
	s->log_fd = s->null_fd = -1;
	snprintf(s->dir, sizeof(s->dir), "%s/bench_crash.XXXXXX", c->tmp);
	if (!mkdtemp(s->dir)) {
		s->dir[0] = '\0';
		return -errno;
	}
	if (snprintf(s->store, sizeof(s->store), "%s/store", s->dir) >=
		(int)sizeof(s->store) ||
	    snprintf(s->queue, sizeof(s->queue), "%s/ReportQueue", s->store) >=
		(int)sizeof(s->queue) ||
	    snprintf(s->log, sizeof(s->log), "%s/stderr.log", s->dir) >=
		(int)sizeof(s->log))
		return -ENAMETOOLONG;
	if (mkdir(s->store, 0700) < 0 || mkdir(s->queue, 0700) < 0)
		return -errno;
	s->log_fd =
	    open(s->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	s->null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	return s->log_fd < 0 || s->null_fd < 0 ? -errno : 0;
}

/* Lines the children wrote on stderr other than werfault's "report ...
 * written" line: the first one becomes a note. */
static void scratch_check_log(const struct scratch *s, const char *what)
{
	FILE *f = fopen(s->log, "r");
	char line[512];
	int odd = 0;

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (strstr(line, "werfault: report of process") &&
		    strstr(line, " written to "))
			continue;
		if (!odd++) {
			line[strcspn(line, "\n")] = '\0';
			note("%s: stderr said: %s", what, line);
		}
	}
	if (odd > 1)
		note("%s: ... and %d more unexpected stderr line(s)", what,
		     odd - 1);
	fclose(f);
}

static void scratch_close(struct scratch *s)
{
	if (s->log_fd >= 0)
		close(s->log_fd);
	if (s->null_fd >= 0)
		close(s->null_fd);
	if (s->dir[0])
		rm_tree(s->dir);
}

/* ---- 1 and 2: crashes -----------------------------------------------------
 */

struct crash_run {
	int dead;	   /* reaped */
	int signaled_segv; /* died of SIGSEGV */
	int have_fault;	   /* t_fault received */
	int report;	   /* a report appeared */
	int killed;	   /* still alive at the deadline */
	double dead_ms;	   /* t_dead - t_fault */
	double report_ms;  /* t_report - t_fault */
	char report_name[NAME_MAX + 1];
};

/* Any complete event for a name that is not ".tmp-*": 1 and its name. */
static int queue_event(int ifd, char *name, size_t size)
{
	char buf[8192]
	    __attribute__((aligned(__alignof__(struct inotify_event))));
	int found = 0;
	ssize_t n;

	while ((n = read(ifd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const void *)p;

			if (ev->len && strncmp(ev->name, ".tmp-", 5) &&
			    (ev->mask & (IN_MOVED_TO | IN_CREATE)) && !found) {
				snprintf(name, size, "%s", ev->name);
				found = 1;
			}
			p += sizeof(*ev) + ev->len;
		}
	}
	return found;
}

static void run_crash(const struct config *c, struct scratch *s, int ifd,
		      char **envp, int threads, int expect_report,
		      struct crash_run *r)
{
	char nthreads[16], fdarg[16];
	char *argv[] = {
	    (char *)c->child, "--child", "crash", nthreads, fdarg, "1", NULL};
	char scratch_name[NAME_MAX + 1];
	int64_t start, kill_at, t_dead = 0, t_report = 0, report_until = 0;
	struct timespec t_fault;
	int tp[2], status = 0;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	while (queue_event(ifd, scratch_name, sizeof(scratch_name)))
		;
	drain_sigchld();
	if (pipe2(tp, O_CLOEXEC) < 0)
		return;
	snprintf(nthreads, sizeof(nthreads), "%d", threads);
	snprintf(fdarg, sizeof(fdarg), "%d", tp[1]);
	start = now_ns();
	kill_at = start + (int64_t)CHILD_DEADLINE_MS * 1000000;
	pid = spawn(argv, envp, tp[1], s->null_fd, s->log_fd);
	close(tp[1]);
	if (pid < 0) {
		close(tp[0]);
		return;
	}
	for (;;) {
		struct pollfd p[2] = {{.fd = sigchld_fd, .events = POLLIN},
				      {.fd = ifd, .events = POLLIN}};
		int64_t now, until;

		if (r->dead &&
		    (r->report || !expect_report || now_ns() >= report_until))
			break;
		until = r->dead ? report_until : kill_at;
		now = now_ns();
		if (now >= until) {
			/* Only reached alive: kill it, then wait for it. */
			kill(pid, SIGKILL);
			r->killed = 1;
			kill_at = now + 5000000000LL;
			until = kill_at;
		}
		if (poll(p, 2, (int)((until - now) / 1000000) + 1) < 0 &&
		    errno != EINTR)
			break;
		now = now_ns();
		if (p[1].revents && !r->report &&
		    queue_event(ifd, r->report_name, sizeof(r->report_name))) {
			r->report = 1;
			t_report = now;
		} else if (p[1].revents) {
			while (queue_event(ifd, scratch_name,
					   sizeof(scratch_name)))
				;
		}
		if (p[0].revents) {
			pid_t w;

			drain_sigchld();
			/* The child, or a werfault orphaned to us. */
			while ((w = waitpid(-1, &status, WNOHANG)) > 0) {
				if (w != pid)
					continue;
				t_dead = now_ns();
				r->dead = 1;
				r->signaled_segv = WIFSIGNALED(status) &&
						   WTERMSIG(status) == SIGSEGV;
				report_until =
				    t_dead + (int64_t)REPORT_GRACE_MS * 1000000;
				if (!r->signaled_segv && WIFSIGNALED(status))
					note("a crash child died of signal %d "
					     "(%s), not SIGSEGV",
					     WTERMSIG(status),
					     strsignal(WTERMSIG(status)));
				else if (!r->signaled_segv)
					note("a crash child exited with "
					     "status %d, not killed by SIGSEGV",
					     WEXITSTATUS(status));
			}
		}
	}
	r->have_fault = read_full(tp[0], &t_fault, sizeof(t_fault),
				  now_ns() + 1000000000LL) == 0;
	close(tp[0]);
	if (r->have_fault) {
		int64_t tf =
		    (int64_t)t_fault.tv_sec * 1000000000 + t_fault.tv_nsec;

		r->dead_ms = ms_between(tf, t_dead);
		r->report_ms = ms_between(tf, t_report);
	}
	settle();
}

struct crash_row {
	int threads;
	int n_with, n_without, n_report;
	double with_ms, without_ms, report_ms;
};

/* Reads the files and the Missing= line of a report, as a note. */
static void describe_report(const struct scratch *s, const char *name,
			    int threads)
{
	char path[PATH_MAX * 2], files[512] = "", missing[512] = "none";
	struct dirent *e;
	DIR *d;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", s->queue, name);
	d = opendir(path);
	if (!d)
		return;
	while ((e = readdir(d))) {
		size_t n = strlen(files);

		if (e->d_name[0] != '.')
			snprintf(files + n, sizeof(files) - n, "%s%s",
				 n ? " " : "", e->d_name);
	}
	closedir(d);
	snprintf(path, sizeof(path), "%s/%s/Report.wer", s->queue, name);
	f = fopen(path, "r");
	if (f) {
		char line[512];

		while (fgets(line, sizeof(line), f))
			if (!strncmp(line, "Missing=", 8)) {
				line[strcspn(line, "\n")] = '\0';
				snprintf(missing, sizeof(missing), "%s",
					 line + 8);
			}
		fclose(f);
	}
	note("report of a %d-thread crash holds: %s (Missing=%s)", threads,
	     files, missing);
}

static void bench_crashes(const struct config *c, int threads, int big_mib,
			  struct crash_row *row)
{
	double *with = calloc((size_t)c->runs, sizeof(double));
	double *without = calloc((size_t)c->runs, sizeof(double));
	double *report = calloc((size_t)c->runs, sizeof(double));
	char *add_with[4], *add_without[5], what[64], last[NAME_MAX + 1] = "";
	char big[48];
	char **env_with, **env_without;
	int ifd, failures = 0, no_report = 0, held = 0, stray = 0;
	struct scratch s = {.log_fd = -1, .null_fd = -1};
	int64_t begin;

	memset(row, 0, sizeof(*row));
	row->threads = threads;
	snprintf(what, sizeof(what), "crash, %d threads%s", threads,
		 big_mib ? ", big" : "");
	if (!with || !without || !report || scratch_open(c, &s) < 0) {
		note("%s: no scratch directory: %s", what, strerror(errno));
		scratch_close(&s);
		goto out;
	}
	ifd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (ifd < 0 ||
	    inotify_add_watch(ifd, s.queue,
			      IN_MOVED_TO | IN_CREATE | IN_ONLYDIR) < 0) {
		note("%s: inotify: %s", what, strerror(errno));
		scratch_close(&s);
		goto out;
	}
	if (asprintf(&add_with[0], "WER_HANDLER=%s", c->handler) < 0 ||
	    asprintf(&add_with[1], "WER_REPORT_DIR=%s", s.store) < 0)
		abort();
	snprintf(big, sizeof(big), "BENCH_CRASH_MIB=%d", big_mib);
	add_with[2] = big_mib ? big : NULL;
	add_with[3] = NULL;
	add_without[0] = add_with[0];
	add_without[1] = add_with[1];
	add_without[2] = "WER_DISABLE=1";
	add_without[3] = add_with[2];
	add_without[4] = NULL;
	env_with = env_make(add_with);
	env_without = env_make(add_without);
	begin = now_ns();
	/* Run -1 warms the page cache and is not counted; then each run is
	 * one crash with openwer and one without, alternating. */
	for (int i = -1; i < c->runs; i++) {
		struct crash_run r;

		if (i >= 0 && ms_between(begin, now_ns()) > CRASH_BUDGET_MS) {
			note("%s: stopped after %d runs (budget %d ms)", what,
			     i, CRASH_BUDGET_MS);
			break;
		}
		if (failures >= 3) {
			note("%s: stopped after %d failed runs", what,
			     failures);
			break;
		}
		/* No report from the first two: stop waiting REPORT_GRACE_MS
		 * for one after every crash. */
		run_crash(c, &s, ifd, env_with, threads,
			  no_report < 2 || row->n_report > 0, &r);
		if (!r.dead || !r.have_fault || !r.signaled_segv || r.killed) {
			failures++;
		} else if (i >= 0 || r.dead_ms >= HELD_TO_DEADLINE) {
			/* A warm-up held to the deadline is kept: the batch
			 * stops after it and the table shows it. */
			with[row->n_with++] = r.dead_ms;
			if (r.dead_ms >= HELD_TO_DEADLINE)
				held++;
			if (r.report)
				report[row->n_report++] = r.report_ms;
		}
		if (r.dead && !r.report)
			no_report++;
		if (r.report)
			snprintf(last, sizeof(last), "%s", r.report_name);
		run_crash(c, &s, ifd, env_without, threads, 0, &r);
		if (!r.dead || !r.have_fault || !r.signaled_segv || r.killed)
			failures++;
		else if (i >= 0 || held)
			without[row->n_without++] = r.dead_ms;
		if (r.report)
			stray++;
		if (held) {
			note("%s: stopped at the first crash held to the "
			     "deadline",
			     what);
			break;
		}
	}
	row->with_ms = median(with, row->n_with);
	row->without_ms = median(without, row->n_without);
	row->report_ms = median(report, row->n_report);
	if (failures)
		note("%s: %d run(s) failed (not dead of SIGSEGV, no t_fault, "
		     "or killed after %d ms)",
		     what, failures, CHILD_DEADLINE_MS);
	if (no_report)
		note("%s: %d crash(es) with openwer left no report within "
		     "%d ms of death",
		     what, no_report, REPORT_GRACE_MS);
	if (held)
		note("%s: %d crash(es) held >= %d ms: werfault never wrote "
		     "its byte, the process waited out WER_TIMEOUT_MS",
		     what, held, HELD_TO_DEADLINE);
	if (stray)
		note("%s: %d report(s) appeared with WER_DISABLE=1", what,
		     stray);
	if (last[0])
		describe_report(&s, last, threads);
	scratch_check_log(&s, what);
	close(ifd);
	free(add_with[0]);
	free(add_with[1]);
	free(env_with);
	free(env_without);
	scratch_close(&s);
out:
	free(with);
	free(without);
	free(report);
}

/* ---- the system mode (--system, root) ------------------------------------
 * The same crash held four ways, interleaved, in one run: libwer's
 * in-process handler (core_pattern "core", no core file); the kernel
 * writing a core file (core_pattern a file in the scratch directory, the
 * child's core limit unlimited, WER_DISABLE=1); the system mode
 * (core_pattern piping to werfault --core, WER_REGISTRATION_ONLY=1); and,
 * where it is installed, systemd-coredump with Debian's own pattern
 * (50-coredump.conf) and its default coredump.conf (WER_DISABLE=1). Without
 * systemd as PID 1, its socket (/run/systemd/coredump) is served by
 * systemd-socket-activate, as systemd-coredump.socket would (Accept=yes).
 * The kernel's core_pattern is restored at the end. */
#define PATTERN_FILE	 "/proc/sys/kernel/core_pattern"
#define COREDUMPD	 "/lib/systemd/systemd-coredump"
#define COREDUMPD_SOCKET "/run/systemd/coredump"
#define COREDUMPD_STORE	 "/var/lib/systemd/coredump"
#define COREDUMPD_PATTERN                                                      \
	"|" COREDUMPD " %P %u %g %s %t 9223372036854775808 %h %d"
#define SYSTEM_KINDS 4

struct system_row {
	int threads;
	int n[SYSTEM_KINDS];
	double ms[SYSTEM_KINDS];
};

/* systemd-coredump's socket: already served (systemd), served here by a
 * systemd-socket-activate started before the driver became a subreaper
 * (so it is not one of the children settle() waits for), or none. */
static pid_t coredumpd_pid = -1;
static int coredumpd_ready;

static int socket_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISSOCK(st.st_mode);
}

static void coredumpd_start(void)
{
	char *argv[] = {"/usr/bin/systemd-socket-activate",
			"--seqpacket",
			"--accept",
			"-l",
			COREDUMPD_SOCKET,
			COREDUMPD,
			NULL};
	int64_t deadline;
	int p[2];
	pid_t mid;

	if (geteuid() != 0 || access(COREDUMPD, X_OK)) {
		note("systemd-coredump not installed (apt-get install "
		     "systemd-coredump): its column is empty");
		return;
	}
	if (socket_exists(COREDUMPD_SOCKET)) {
		coredumpd_ready = 1;
		return;
	}
	if (access(argv[0], X_OK) || pipe2(p, O_CLOEXEC) < 0) {
		note("no systemd-socket-activate to serve %s",
		     COREDUMPD_SOCKET);
		return;
	}
	mkdir("/run/systemd", 0755);
	mid = fork();
	if (mid == 0) {
		int null = open("/dev/null", O_RDWR);
		pid_t pid;

		setsid();
		pid = fork();
		if (pid == 0) {
			dup2(null, STDIN_FILENO);
			dup2(null, STDOUT_FILENO);
			dup2(null, STDERR_FILENO);
			execv(argv[0], argv);
			_exit(127);
		}
		if (write(p[1], &pid, sizeof(pid)) != sizeof(pid))
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	if (mid < 0 || read_full(p[0], &coredumpd_pid, sizeof(coredumpd_pid),
				 now_ns() + 5000000000LL) < 0)
		coredumpd_pid = -1;
	close(p[0]);
	if (mid > 0)
		waitpid(mid, NULL, 0);
	/* Its socket appears once it listens: polled, 5 s at most. */
	deadline = now_ns() + 5000000000LL;
	while (coredumpd_pid > 0 && !socket_exists(COREDUMPD_SOCKET) &&
	       now_ns() < deadline) {
		struct timespec t = {0, 10000000};

		nanosleep(&t, NULL);
	}
	coredumpd_ready = coredumpd_pid > 0 && socket_exists(COREDUMPD_SOCKET);
	if (!coredumpd_ready)
		note("systemd-socket-activate did not listen on %s",
		     COREDUMPD_SOCKET);
}

static void coredumpd_stop(void)
{
	if (coredumpd_pid <= 0)
		return;
	kill(coredumpd_pid, SIGTERM);
	unlink(COREDUMPD_SOCKET);
	coredumpd_pid = -1;
}

/* Removes the cores systemd-coredump kept of this benchmark's crashes
 * (core.COMM.UID.BOOT_ID.PID.TIME[.zst]; COMM is the child's, 15 bytes). */
static int coredumpd_kept;

static void coredumpd_clean(const struct config *c)
{
	const char *base = strrchr(c->child, '/');
	char comm[16];
	struct dirent *e;
	DIR *d = opendir(COREDUMPD_STORE);
	size_t n;

	if (!d)
		return;
	snprintf(comm, sizeof(comm), "%s", base ? base + 1 : c->child);
	n = strlen(comm);
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, "core.", 5) &&
		    !strncmp(e->d_name + 5, comm, n) &&
		    e->d_name[5 + n] == '.' &&
		    unlinkat(dirfd(d), e->d_name, 0) == 0)
			coredumpd_kept++;
	closedir(d);
}

static int set_pattern(const char *pattern)
{
	int fd = open(PATTERN_FILE, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, pattern, strlen(pattern));
	close(fd);
	return n == (ssize_t)strlen(pattern) ? 0 : -1;
}

static void bench_system(const struct config *c, int threads,
			 const char *sys_pattern, const char *core_pattern,
			 struct system_row *row)
{
	double *ms[SYSTEM_KINDS];
	char *add[SYSTEM_KINDS][4] = {{0}}, **env[SYSTEM_KINDS], what[64];
	struct scratch s = {.log_fd = -1, .null_fd = -1};
	int ifd = -1, failures = 0;

	memset(row, 0, sizeof(*row));
	row->threads = threads;
	snprintf(what, sizeof(what), "system mode, %d threads", threads);
	for (int k = 0; k < SYSTEM_KINDS; k++)
		ms[k] = calloc((size_t)c->runs, sizeof(double));
	if (!ms[0] || !ms[1] || !ms[2] || !ms[3] || scratch_open(c, &s) < 0 ||
	    (ifd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK)) < 0) {
		note("%s: no scratch directory", what);
		goto out;
	}
	inotify_add_watch(ifd, s.queue, IN_MOVED_TO | IN_CREATE | IN_ONLYDIR);
	if (asprintf(&add[0][0], "WER_HANDLER=%s", c->handler) < 0 ||
	    asprintf(&add[0][1], "WER_REPORT_DIR=%s", s.store) < 0)
		abort();
	add[1][0] = "WER_DISABLE=1";
	add[2][0] = "WER_REGISTRATION_ONLY=1";
	add[3][0] = "WER_DISABLE=1";
	for (int k = 0; k < SYSTEM_KINDS; k++)
		env[k] = env_make(add[k]);
	for (int i = -1; i < c->runs && failures < 3; i++) {
		for (int k = 0; k < SYSTEM_KINDS; k++) {
			struct crash_run r;
			const char *pattern = k == 0   ? "core"
					      : k == 1 ? core_pattern
					      : k == 2 ? sys_pattern
						       : COREDUMPD_PATTERN;

			if (k == 3 && !coredumpd_ready)
				break;

			if (set_pattern(pattern) < 0) {
				note("%s: core_pattern not written", what);
				failures = 3;
				break;
			}
			child_core_limit = k == 1 ? RLIM_INFINITY : 0;
			run_crash(c, &s, ifd, env[k], threads, k == 0, &r);
			child_core_limit = 0;
			if (!r.dead || !r.have_fault || !r.signaled_segv ||
			    r.killed)
				failures++;
			else if (i >= 0)
				ms[k][row->n[k]++] = r.dead_ms;
			/* The core files: gone before the next run. */
			if (k == 1) {
				char cmd[PATH_MAX + 32];

				snprintf(cmd, sizeof(cmd), "%s", core_pattern);
				*strrchr(cmd, '/') = '\0';
				rm_tree(cmd);
				mkdir(cmd, 0700);
			}
			if (k == 3)
				coredumpd_clean(c);
		}
	}
	set_pattern("core");
	if (failures)
		note("%s: %d run(s) failed", what, failures);
	for (int k = 0; k < SYSTEM_KINDS; k++)
		row->ms[k] = median(ms[k], row->n[k]);
	for (int k = 0; k < SYSTEM_KINDS; k++)
		free(env[k]);
	free(add[0][0]);
	free(add[0][1]);
out:
	if (ifd >= 0)
		close(ifd);
	scratch_close(&s);
	for (int k = 0; k < SYSTEM_KINDS; k++)
		free(ms[k]);
}

/* ---- wait/idle children: eu-stack and memory ------------------------------
 */

/* Starts PROGRAM --child MODE THREADS FD REGISTER and waits for its ready
 * byte. Returns the pid, or -1 (the child then killed and reaped). */
static pid_t start_ready(const char *program, const char *mode, int threads,
			 int reg, char **envp, const struct scratch *s)
{
	char nthreads[16], fdarg[16], byte;
	char *argv[] = {
	    (char *)program, "--child",	      (char *)mode, nthreads,
	    fdarg,	     reg ? "1" : "0", NULL};
	int tp[2], r;
	pid_t pid;

	if (pipe2(tp, O_CLOEXEC) < 0)
		return -1;
	snprintf(nthreads, sizeof(nthreads), "%d", threads);
	snprintf(fdarg, sizeof(fdarg), "%d", tp[1]);
	pid = spawn(argv, envp, tp[1], s->null_fd, s->log_fd);
	close(tp[1]);
	if (pid < 0) {
		close(tp[0]);
		return -1;
	}
	r = read_full(tp[0], &byte, 1,
		      now_ns() + (int64_t)READY_DEADLINE_MS * 1000000);
	close(tp[0]);
	if (r < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return -1;
	}
	return pid;
}

static void stop_child(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	settle();
}

/* eu-stack on PATH, or NULL. */
static char *find_eu_stack(void)
{
	const char *path = getenv("PATH");
	char *copy, *dir, *save = NULL, *found = NULL;

	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	copy = strdup(path);
	for (dir = strtok_r(copy, ":", &save); dir && !found;
	     dir = strtok_r(NULL, ":", &save)) {
		char *candidate;

		if (asprintf(&candidate, "%s/eu-stack", dir) < 0)
			break;
		if (access(candidate, X_OK) == 0)
			found = candidate;
		else
			free(candidate);
	}
	free(copy);
	return found;
}

struct eustack_row {
	int threads, n, tids, status;
	double ms;
};

/* One eu-stack -p pid, stdout to out_fd; returns wall ms, fork to waitpid. */
static double run_eu_stack(const char *eu, pid_t pid, char **envp, int out_fd,
			   int err_fd, int *status)
{
	char pidarg[16];
	char *argv[] = {(char *)eu, "-p", pidarg, NULL};
	int64_t t0, t1;
	pid_t es;

	snprintf(pidarg, sizeof(pidarg), "%d", (int)pid);
	t0 = now_ns();
	es = spawn(argv, envp, -1, out_fd, err_fd);
	if (es < 0)
		return -1;
	while (waitpid(es, status, 0) < 0 && errno == EINTR)
		;
	t1 = now_ns();
	drain_sigchld();
	return ms_between(t0, t1);
}

static void bench_eu_stack(const struct config *c, const char *eu, int threads,
			   struct eustack_row *row)
{
	double *t = calloc((size_t)c->runs, sizeof(double));
	char *add[3], **envp, what[64], out[PATH_MAX + 16];
	struct scratch s = {.log_fd = -1, .null_fd = -1};
	int64_t begin;
	int status = 0, out_fd, bad = 0;
	pid_t pid;
	FILE *f;

	memset(row, 0, sizeof(*row));
	row->threads = threads;
	row->tids = -1;
	snprintf(what, sizeof(what), "eu-stack, %d threads", threads);
	if (!t || scratch_open(c, &s) < 0) {
		note("%s: no scratch directory: %s", what, strerror(errno));
		scratch_close(&s);
		free(t);
		return;
	}
	if (asprintf(&add[0], "WER_HANDLER=%s", c->handler) < 0 ||
	    asprintf(&add[1], "WER_REPORT_DIR=%s", s.store) < 0)
		abort();
	add[2] = NULL;
	envp = env_make(add);
	pid = start_ready(c->child, "wait", threads, 1, envp, &s);
	if (pid < 0) {
		note("%s: the waiting child never became ready", what);
		goto out;
	}
	/* Warm-up, not counted: its output says how many threads it saw. */
	snprintf(out, sizeof(out), "%s/eu-stack.out", s.dir);
	out_fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	run_eu_stack(eu, pid, envp, out_fd >= 0 ? out_fd : s.null_fd, s.log_fd,
		     &status);
	if (out_fd >= 0)
		close(out_fd);
	f = fopen(out, "r");
	if (f) {
		char line[1024];

		row->tids = 0;
		while (fgets(line, sizeof(line), f))
			if (!strncmp(line, "TID ", 4))
				row->tids++;
		fclose(f);
	}
	row->status = status;
	begin = now_ns();
	for (int i = 0; i < c->runs; i++) {
		double ms;

		if (ms_between(begin, now_ns()) > EUSTACK_BUDGET_MS) {
			note("%s: stopped after %d runs (budget %d ms)", what,
			     i, EUSTACK_BUDGET_MS);
			break;
		}
		ms = run_eu_stack(eu, pid, envp, s.null_fd, s.null_fd, &status);
		if (ms < 0)
			break;
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			bad++;
		t[row->n++] = ms;
	}
	if (bad)
		note("%s: %d run(s) exited non-zero (counted)", what, bad);
	stop_child(pid);
	row->ms = median(t, row->n);
out:
	scratch_check_log(&s, what);
	free(add[0]);
	free(add[1]);
	free(envp);
	scratch_close(&s);
	free(t);
}

/* fork/exec/waitpid of true(1): what any spawn costs on this machine now;
 * eu-stack's figure and werfault's start contain it. */
static double bench_exec_baseline(const struct config *c, int *count)
{
	char *argv[] = {"/bin/true", NULL};
	double *t = calloc((size_t)c->runs, sizeof(double)), ms;
	int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	*count = 0;
	if (!t || access(argv[0], X_OK)) {
		free(t);
		if (null_fd >= 0)
			close(null_fd);
		return -1;
	}
	for (int i = -1; i < c->runs; i++) {
		int64_t t0 = now_ns();
		pid_t pid = spawn(argv, environ, -1, null_fd, null_fd);

		if (pid < 0)
			break;
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		if (i >= 0)
			t[(*count)++] = ms_between(t0, now_ns());
	}
	drain_sigchld();
	ms = median(t, *count);
	free(t);
	if (null_fd >= 0)
		close(null_fd);
	return ms;
}

static double load_average(void)
{
	FILE *f = fopen("/proc/loadavg", "r");
	double l = -1;

	if (f) {
		if (fscanf(f, "%lf", &l) != 1)
			l = -1;
		fclose(f);
	}
	return l;
}

struct status_fields {
	long rss, anon, file, threads;
};

static long status_field(const char *buf, const char *name)
{
	const char *p = strstr(buf, name);

	return p ? strtol(p + strlen(name), NULL, 10) : -1;
}

static int read_status(pid_t pid, struct status_fields *st)
{
	char path[64], buf[8192];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	st->rss = status_field(buf, "\nVmRSS:");
	st->anon = status_field(buf, "\nRssAnon:");
	st->file = status_field(buf, "\nRssFile:");
	st->threads = status_field(buf, "\nThreads:");
	return st->rss < 0 || st->threads < 0 ? -1 : 0;
}

struct mem_variant {
	const char *label;
	int with_lib; /* the program linked with libwer */
	int preload;  /* LD_PRELOAD libwer.so */
	int disable;  /* WER_DISABLE=1 */
	int reg;      /* one metadata pair registered */
	int idle;     /* idle threads */
	double rss, anon, file, threads;
	int n;
};

static void bench_memory(const struct config *c, struct mem_variant *v,
			 int count)
{
	double *rss = calloc((size_t)(c->runs * count), sizeof(double));
	double *anon = calloc((size_t)(c->runs * count), sizeof(double));
	double *file = calloc((size_t)(c->runs * count), sizeof(double));
	double *thr = calloc((size_t)(c->runs * count), sizeof(double));
	char *add[8][5], **envp[8];
	struct scratch s = {.log_fd = -1, .null_fd = -1};

	if (!rss || !anon || !file || !thr || count > 8 ||
	    scratch_open(c, &s) < 0) {
		note("memory: no scratch directory: %s", strerror(errno));
		scratch_close(&s);
		goto out;
	}
	for (int k = 0; k < count; k++) {
		int a = 0;

		if (asprintf(&add[k][a++], "WER_HANDLER=%s", c->handler) < 0 ||
		    asprintf(&add[k][a++], "WER_REPORT_DIR=%s", s.store) < 0)
			abort();
		if (v[k].preload &&
		    asprintf(&add[k][a++], "LD_PRELOAD=%s", c->libwer) < 0)
			abort();
		if (v[k].disable)
			add[k][a++] = strdup("WER_DISABLE=1");
		add[k][a] = NULL;
		envp[k] = env_make(add[k]);
	}
	/* Variants interleaved, so that a drift touches them all alike. */
	for (int i = 0; i < c->runs; i++) {
		for (int k = 0; k < count; k++) {
			struct status_fields st;
			pid_t pid = start_ready(
			    v[k].with_lib ? c->child : c->plain, "idle",
			    v[k].idle, v[k].reg, envp[k], &s);
			int j = k * c->runs + v[k].n;

			if (pid < 0)
				continue;
			if (read_status(pid, &st) == 0) {
				rss[j] = (double)st.rss;
				anon[j] = (double)st.anon;
				file[j] = (double)st.file;
				thr[j] = (double)st.threads;
				v[k].n++;
			}
			stop_child(pid);
		}
	}
	for (int k = 0; k < count; k++) {
		v[k].rss = median(rss + k * c->runs, v[k].n);
		v[k].anon = median(anon + k * c->runs, v[k].n);
		v[k].file = median(file + k * c->runs, v[k].n);
		v[k].threads = median(thr + k * c->runs, v[k].n);
		for (char **e = add[k]; *e; e++)
			free(*e);
		free(envp[k]);
	}
	scratch_check_log(&s, "memory");
	scratch_close(&s);
out:
	free(rss);
	free(anon);
	free(file);
	free(thr);
}

/* ---- the driver: main -----------------------------------------------------
 */

static const char *fs_name(const char *path, char *buf, size_t size)
{
	struct statfs sf;

	if (statfs(path, &sf) < 0)
		return "?";
	switch ((unsigned long)sf.f_type) {
	case 0xEF53:
		return "ext4";
	case 0x01021994:
		return "tmpfs";
	case 0x58465342:
		return "xfs";
	case 0x9123683E:
		return "btrfs";
	case 0x794C7630:
		return "overlayfs";
	default:
		snprintf(buf, size, "fs 0x%lx", (unsigned long)sf.f_type);
		return buf;
	}
}

static char *beside_self(const char *rel)
{
	char self[PATH_MAX], *slash, *ret;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n <= 0)
		return NULL;
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	if (asprintf(&ret, "%s/%s", self, rel) < 0)
		return NULL;
	return ret;
}

static void fmt_ms(char *buf, size_t size, double ms, int n)
{
	if (n <= 0)
		snprintf(buf, size, "n/a");
	else
		snprintf(buf, size, "%.2f", ms);
}

static int driver_main(int argc, char **argv)
{
	static const struct option options[] = {
	    {"runs", required_argument, NULL, 'n'},
	    {"handler", required_argument, NULL, 'H'},
	    {"child", required_argument, NULL, 'c'},
	    {"libwer", required_argument, NULL, 'l'},
	    {"system", no_argument, NULL, 's'},
	    {"big-mib", required_argument, NULL, 'b'},
	    {"help", no_argument, NULL, 'h'},
	    {0}};
	static const int crash_threads[] = {0, 10, 50};
	/* As many idle threads as the crashes': section 3 gives the ratio. */
	static const int eu_threads[] = {0, 10, 50};
	struct mem_variant mem[] = {
	    {.label = "without libwer"},
	    {.label = "without libwer, LD_PRELOAD=libwer.so", .preload = 1},
	    {.label = "linked with libwer", .with_lib = 1},
	    {.label = "linked with libwer, 1 pair registered",
	     .with_lib = 1,
	     .reg = 1},
	    {.label = "linked with libwer, WER_DISABLE=1",
	     .with_lib = 1,
	     .disable = 1},
	    {.label = "without libwer, 10 idle threads", .idle = 10},
	    {.label = "linked with libwer, 10 idle threads",
	     .with_lib = 1,
	     .idle = 10},
	};
	enum { MEM_COUNT = sizeof(mem) / sizeof(mem[0]) };
	struct crash_row rows[4];
	struct eustack_row eurows[3];
	struct config c = {0};
	char plain[PATH_MAX], fsbuf[32];
	char *eu;
	sigset_t chld;
	ssize_t n;
	int opt, extra_threads = 0, system_mode = 0;
	int64_t begin = now_ns();
	double load;

	c.runs = DEFAULT_RUNS;
	c.handler = getenv("WER_HANDLER");
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 'n':
			c.runs = atoi(optarg);
			break;
		case 'b':
			c.big_mib = atoi(optarg);
			break;
		case 'H':
			c.handler = optarg;
			break;
		case 'c':
			c.child = optarg;
			break;
		case 'l':
			c.libwer = optarg;
			break;
		case 's':
			system_mode = 1;
			break;
		case 'h':
		default:
			fprintf(stderr,
				"usage: %s [--runs N] [--handler WERFAULT] "
				"[--child BENCH_CRASH_CHILD] [--libwer "
				"LIBWER_SO] [--system] [--big-mib N]\n",
				argv[0]);
			return opt == 'h' ? 0 : 2;
		}
	}
	if (c.runs < 3 || c.runs > 1000) {
		fprintf(stderr, "bench_crash: --runs wants 3..1000\n");
		return 2;
	}
	if (!c.handler)
		c.handler = beside_self("../src/handler/werfault");
	if (!c.child)
		c.child = beside_self("bench_crash_child");
	if (!c.libwer)
		c.libwer = beside_self("../src/lib/libwer.so");
	n = readlink("/proc/self/exe", plain, sizeof(plain) - 1);
	if (n <= 0) {
		perror("bench_crash: /proc/self/exe");
		return 1;
	}
	plain[n] = '\0';
	c.plain = plain;
	c.tmp = getenv("TMPDIR") && getenv("TMPDIR")[0] == '/'
		    ? getenv("TMPDIR")
		    : "/tmp";
	if (!c.handler || access(c.handler, X_OK) || !c.child ||
	    access(c.child, X_OK) || !c.libwer || access(c.libwer, R_OK)) {
		fprintf(stderr,
			"bench_crash: werfault (%s), bench_crash_child (%s) "
			"or libwer.so (%s) missing\n",
			c.handler ? c.handler : "?", c.child ? c.child : "?",
			c.libwer ? c.libwer : "?");
		return 1;
	}

	/* SIGCHLD through a descriptor, so that a death and a report can be
	 * waited for together; orphans (werfault) come back here. */
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &orig_mask);
	sigchld_fd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
	if (system_mode)
		coredumpd_start();
	if (sigchld_fd < 0 || prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
		perror("bench_crash: signalfd/subreaper");
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);

	load = load_average();
	printf("bench_crash: what a crash costs with openwer; every figure "
	       "is the median of up to %d runs (CLOCK_MONOTONIC), %ld CPU(s), "
	       "load average %.2f at start\n"
	       "  werfault: %s\n  store: fresh directory per batch under %s "
	       "(%s; werfault makes each report durable)\n",
	       c.runs, sysconf(_SC_NPROCESSORS_ONLN), load, c.handler, c.tmp,
	       fs_name(c.tmp, fsbuf, sizeof(fsbuf)));
	if (load > 0.5)
		note("the machine was busy when the run started (load average "
		     "%.2f): expect noisy figures",
		     load);

	for (int i = 0; i < 3; i++)
		bench_crashes(&c, crash_threads[i], 0, &rows[i]);
	if (c.big_mib > 0)
		bench_crashes(&c, 0, c.big_mib, &rows[3]);
	printf("\n1+2. A process linked with libwer registers 1 metadata pair "
	       "and writes through a null pointer (SIGSEGV),\n"
	       "     beside THREADS idle threads (pthread_cond_wait / "
	       "pause); t_fault is taken just before the write.\n"
	       "  threads   idle threads besides the crashing one\n"
	       "  no-wer    t_dead - t_fault with WER_DISABLE=1: the kernel "
	       "alone (t_dead: waitpid returned in the parent), ms\n"
	       "  openwer   t_dead - t_fault with openwer: werfault started, "
	       "waited for, then the original signal, ms\n"
	       "  hold      openwer - no-wer: how long openwer keeps the "
	       "dying process alive, ms\n"
	       "  report    t_fault until the report directory is in "
	       "ReportQueue/ (inotify), ms\n"
	       "  runs      runs counted: with openwer / without / with a "
	       "report\n\n");
	printf("  %7s %9s %9s %9s %9s   %s\n", "threads", "no-wer", "openwer",
	       "hold", "report", "runs");
	for (int i = 0; i < 3; i++) {
		const struct crash_row *r = &rows[i];
		char a[16], b[16], h[16], rep[16];

		fmt_ms(a, sizeof(a), r->without_ms, r->n_without);
		fmt_ms(b, sizeof(b), r->with_ms, r->n_with);
		fmt_ms(h, sizeof(h), r->with_ms - r->without_ms,
		       r->n_with && r->n_without);
		fmt_ms(rep, sizeof(rep), r->report_ms, r->n_report);
		printf("  %7d %9s %9s %9s %9s   %d/%d/%d\n", r->threads, a, b,
		       h, rep, r->n_with, r->n_without, r->n_report);
		if (i == 2 && c.big_mib > 0) {
			r = &rows[3];
			fmt_ms(a, sizeof(a), r->without_ms, r->n_without);
			fmt_ms(b, sizeof(b), r->with_ms, r->n_with);
			fmt_ms(h, sizeof(h), r->with_ms - r->without_ms,
			       r->n_with && r->n_without);
			fmt_ms(rep, sizeof(rep), r->report_ms, r->n_report);
			printf("  %7s %9s %9s %9s %9s   %d/%d/%d   (0 threads, "
			       "%d MiB touched: --big-mib)\n",
			       "0+big", a, b, h, rep, r->n_with, r->n_without,
			       r->n_report, c.big_mib);
		}
	}

	printf("\n3. eu-stack -p PID on a live process (the same program, "
	       "waiting, not crashing) with THREADS idle threads\n"
	       "  eu-stack  wall time, fork/exec to waitpid, output to "
	       "/dev/null, ms\n"
	       "  TIDs      threads in eu-stack's output (warm-up run; "
	       "THREADS + 1 expected)\n"
	       "  report/eu openwer's report time (section 1+2) over "
	       "eu-stack's, this run\n\n");
	eu = find_eu_stack();
	if (!eu) {
		printf("  eu-stack: not installed\n");
	} else {
		for (int i = 0; i < 3; i++)
			bench_eu_stack(&c, eu, eu_threads[i], &eurows[i]);
		printf("  %7s %9s %9s %9s   %s\n", "threads", "eu-stack",
		       "TIDs", "report/eu", "runs");
		for (int i = 0; i < 3; i++) {
			char a[16], ratio[16] = "-";

			fmt_ms(a, sizeof(a), eurows[i].ms, eurows[i].n);
			if (eurows[i].n && rows[i].n_report && eurows[i].ms > 0)
				snprintf(ratio, sizeof(ratio), "%.2fx",
					 rows[i].report_ms / eurows[i].ms);
			printf("  %7d %9s %9d %9s   %d\n", eurows[i].threads, a,
			       eurows[i].tids, ratio, eurows[i].n);
			if (eurows[i].tids >= 0 &&
			    eurows[i].tids != eurows[i].threads + 1)
				note("eu-stack saw %d threads of %d",
				     eurows[i].tids, eurows[i].threads + 1);
			if (!WIFEXITED(eurows[i].status) ||
			    WEXITSTATUS(eurows[i].status))
				note("eu-stack warm-up (%d threads) ended with "
				     "status 0x%x",
				     eurows[i].threads, eurows[i].status);
		}
		free(eu);
	}
	{
		int count;
		double ms = bench_exec_baseline(&c, &count);

		if (count)
			printf(
			    "  exec baseline: fork/exec/waitpid of /bin/true "
			    "%.2f ms (in eu-stack's figure, and in "
			    "werfault's start)\n",
			    ms);
	}

	bench_memory(&c, mem, MEM_COUNT);
	printf("\n4. Loading libwer: an idle process (no thread of its own "
	       "unless said), /proc/PID/status read once it is ready\n"
	       "  VmRSS, RssAnon, RssFile in KiB; +KiB is VmRSS beyond the "
	       "program without libwer with as many threads;\n"
	       "  Threads as /proc says\n\n");
	printf("  %-38s %7s %7s %7s %7s %7s   %s\n", "program", "VmRSS", "+KiB",
	       "RssAnon", "RssFile", "Threads", "runs");
	for (int k = 0; k < MEM_COUNT; k++) {
		const struct mem_variant *base = NULL;

		/* The baseline: without libwer, as many idle threads. */
		for (int b = 0; b < MEM_COUNT; b++)
			if (!mem[b].with_lib && !mem[b].preload &&
			    mem[b].idle == mem[k].idle && mem[b].n)
				base = &mem[b];
		if (!mem[k].n || !base) {
			printf("  %-38s %7s\n", mem[k].label, "n/a");
			continue;
		}
		printf("  %-38s %7.0f %+7.0f %7.0f %7.0f %7.0f   %d\n",
		       mem[k].label, mem[k].rss, mem[k].rss - base->rss,
		       mem[k].anon, mem[k].file, mem[k].threads, mem[k].n);
		if (mem[k].threads != base->threads)
			extra_threads = 1;
	}
	printf("  threads added by openwer: %s\n",
	       extra_threads ? "SOME (openwer must add none)" : "none");

	if (system_mode) {
		char saved[256] = "", sys_pattern[512], core_pattern[PATH_MAX];
		struct system_row srows[3];
		int fd = open(PATTERN_FILE, O_RDONLY | O_CLOEXEC);
		ssize_t got = fd >= 0 ? read(fd, saved, sizeof(saved) - 1) : -1;

		if (fd >= 0)
			close(fd);
		saved[got > 0 ? got : 0] = '\0';
		saved[strcspn(saved, "\n")] = '\0';
		snprintf(core_pattern, sizeof(core_pattern),
			 "%s/owcores.%d/core.%%p", c.tmp, (int)getpid());
		snprintf(sys_pattern, sizeof(sys_pattern),
			 "|%s --core --store-root %s/owsys.%d %%P %%i %%u %%g "
			 "%%d %%s %%t %%c %%h %%e",
			 c.handler, c.tmp, (int)getpid());
		printf("\n5. System mode (werfault --core), beside the kernel "
		       "writing a core file, libwer's in-process handler and "
		       "systemd-coredump: fault to reaped, ms\n\n");
		if (geteuid() != 0 || strlen(sys_pattern) >= 128 ||
		    strlen(core_pattern) >= 128 || got <= 0) {
			printf("  skipped: needs root, a readable core_pattern "
			       "and paths short enough for it\n");
		} else {
			char dir[PATH_MAX + 32];

			snprintf(dir, sizeof(dir), "%s/owcores.%d", c.tmp,
				 (int)getpid());
			mkdir(dir, 0700);
			for (int i = 0; i < 3; i++)
				bench_system(&c, crash_threads[i], sys_pattern,
					     core_pattern, &srows[i]);
			set_pattern(saved);
			rm_tree(dir);
			snprintf(dir, sizeof(dir), "%s/owsys.%d", c.tmp,
				 (int)getpid());
			rm_tree(dir);
			printf("  %7s %11s %11s %11s %16s   %s\n", "threads",
			       "in-process", "core file", "system",
			       "systemd-coredump", "runs");
			for (int i = 0; i < 3; i++) {
				char f[SYSTEM_KINDS][16];

				for (int k = 0; k < SYSTEM_KINDS; k++)
					fmt_ms(f[k], sizeof(f[k]),
					       srows[i].ms[k], srows[i].n[k]);
				printf("  %7d %11s %11s %11s %16s   "
				       "%d/%d/%d/%d\n",
				       srows[i].threads, f[0], f[1], f[2], f[3],
				       srows[i].n[0], srows[i].n[1],
				       srows[i].n[2], srows[i].n[3]);
			}
			printf("  (apport and ABRT: no Debian 12 package)\n");
			if (coredumpd_ready)
				note("systemd-coredump kept %d core(s) in %s "
				     "(removed after each run)",
				     coredumpd_kept, COREDUMPD_STORE);
		}
		coredumpd_stop();
	}

	printf("\nAnchors (fixed text, measured earlier on these machines):\n"
	       "  Crashpad hold   6.2 / 7.1 / 8.7 ms at 0/10/50 threads "
	       "(first crash); 2.7 / 5.2 / 5.7 ms with a resident handler\n"
	       "  Breakpad hold   4.9 / 16.9 / 59.6 ms at 0/10/50 threads\n"
	       "  eu-stack        8.0 / 31.9 ms at 10/50 threads\n");
	if (note_count) {
		printf("\nNotes:\n");
		for (int i = 0; i < note_count; i++)
			printf("  - %s\n", notes[i]);
	}
	printf("\n(%.1f s in all; load average %.2f at the end)\n",
	       ms_between(begin, now_ns()) / 1000, load_average());
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--child"))
		return child_main(argc, argv);
	return driver_main(argc, argv);
}
