/* SPDX-License-Identifier: MIT */
/*
 * werfault - openwer's crash handler, started by the crash path of a
 * crashed process (argv prepared by src/lib/crash.c):
 *
 *   werfault --pid PID --tid TID --crash-area ADDR --done-fd FD
 *            [--frozen ADDR --keeper KEEPER [--pidfd FD]]
 *
 * (with --frozen the process stopped its own threads, saving their
 * registers in the freeze area at ADDR, and died: its memory is read
 * through KEEPER, a child that shares it, docs/crash.md; FD is the
 * process's pidfd of itself, which a restart waits on)
 * It reads what the process left for it (the crash area and the registry
 * block, both untrusted), the process's /proc files, writes one byte ("d")
 * to FD once it holds what it needs, writes the report into the store
 * atomically and says so ("r"). Then it listens on FD until the process is
 * gone, to hear whether a recovery callback ran and how it ended, starts
 * the application again if it registered a restart (aftermath.c), and
 * adds both to Report.wer.
 *
 * Or, for a report without a crash (WerReportSubmit, wer_report_now):
 *
 *   werfault --live --pid PID --tid TID --request ADDR --done-fd FD
 *
 * reads the request (live.c), captures the running process the same way
 * if it asked for a dump (its threads resume when werfault detaches),
 * writes the report and answers one byte (live_format.h).
 *
 *
 * Or, for a core file of a crashed process (the kernel's, gdb's gcore):
 *
 *   werfault --core-file PATH   (PATH "-": standard input)
 *
 * reads it in one pass (core.c: threads, signal, mapped files, stacks,
 * libwer's registry when the process had one) and writes its report into
 * the user's store, as for a crash: the system mode's front-end
 * (docs/system.md), usable by hand.
 *
 * With --privileged (the crash path's judgment: only root may read this
 * process's reports), or when werfault itself was started set-id, it
 * reads nothing of its environment, writes to the root-only system store
 * alone (0700, files 0600), takes settings from /etc/openwer/wer.conf
 * only, and never uploads, starts `wer` or restarts the application
 * (docs/security.md).
 *
 * The process is held only while werfault captures it: registers and
 * stacks of every thread (capture.c), maps, command line, the registry and
 * registered memory blocks. Then it is released, and werfault unwinds and
 * symbolizes from the snapshot (unwind.c) and writes the report
 * (report.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "app_version.h"
#include "crash_format.h"
#include "registry_read.h"
#include "capture.h"
#include "core.h"
#include "kernel_proc.h"
#include "proc_read.h"
#include "report.h"
#include "signals.h"
#include "system_user.h"
#include "store.h"
#include "store_dir.h"
#include "wer/version.h"

/* Under `wer run`, tells it where the report is (or why there is none):
 * one line on the pipe named by WER_RUN_NOTIFY_FD, inherited through the
 * crashed process. Only a pipe is written to. */
static void notify_runner(const char *path, int err)
{
	const char *env = secure_getenv("WER_RUN_NOTIFY_FD");
	struct stat st;
	char *end;
	long fd;

	if (!env || !env[0])
		return;
	fd = strtol(env, &end, 10);
	if (*end || fd < 3 || fd > INT_MAX || fstat((int)fd, &st) < 0 ||
	    !S_ISFIFO(st.st_mode))
		return;
	if (path)
		dprintf((int)fd, "REPORT %s\n", path);
	else
		dprintf((int)fd, "FAILED %s\n", strerror(-err));
}

/* ConsentLevel 2 to 4 with an UploadURL: the report is sent without
 * asking, by `wer submit --pending` ($WER_CLI, else the installed wer) in
 * a process of its own, detached: werfault does not wait for the network.
 * That run also retries the queued reports whose wait after a failed
 * upload is over; one that fails again waits longer (docs/upload.md). */
static void submit_automatically(struct wer_settings *s, const char *store)
{
	const char *wer = secure_getenv("WER_CLI");
	char err[512];
	pid_t child;

	if (s->number[WER_SET_CONSENT] < 2)
		return;
	if (wer_settings_load_url_file(s, err, sizeof(err)) < 0)
		fprintf(stderr, "werfault: %s\n", err);
	if (!s->text[WER_SET_UPLOAD_URL][0])
		return;
	if (!wer || wer[0] != '/')
		wer = WER_CLI_INSTALL_PATH;
	/* The store the application chose in code: wer finds it there
	 * (werfault's last act: nothing else reads the environment now). */
	if (store && setenv("WER_REPORT_DIR", store, 1) < 0)
		return;
	child = fork();
	if (child == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);

		setsid();
		if (fork() != 0)
			_exit(0);
		if (null >= 0) {
			dup2(null, STDIN_FILENO);
			dup2(null, STDOUT_FILENO);
			dup2(null, STDERR_FILENO);
		}
		execl(wer, "wer", "submit", "--pending", (char *)NULL);
		_exit(127);
	}
	if (child > 0)
		waitpid(child, NULL, 0);
}

/* With WER_DEBUG set, werfault prints how long each phase took and its
 * peak RSS at the end of each. */
static struct {
	const char *name;
	double ms;
	long hwm_kib;
	long faults; /* minor page faults so far */
} phases[8];
static size_t phase_count;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* VmHWM, not getrusage: werfault was exec'd from a vfork of the crashed
 * process, whose high-water mark getrusage carries over. */
static long peak_rss_kib(void)
{
	return wer__proc_kib("/proc/self/status", "VmHWM");
}

static void phase(const char *name)
{
	static int debug = -1;

	if (debug < 0)
		debug = secure_getenv("WER_DEBUG") != NULL;
	if (phase_count < sizeof(phases) / sizeof(phases[0])) {
		struct rusage ru = {0};

		if (debug)
			getrusage(RUSAGE_SELF, &ru);
		phases[phase_count++] = (typeof(phases[0])){
		    name, now_ms(), debug ? peak_rss_kib() : 0, ru.ru_minflt};
	}
}

static void print_phases(void)
{
	if (!secure_getenv("WER_DEBUG"))
		return;
	for (size_t i = 1; i < phase_count; i++)
		fprintf(stderr,
			"werfault: %-10s %7.2f ms, peak RSS %ld KiB, %ld page "
			"faults\n",
			phases[i].name, phases[i].ms - phases[i - 1].ms,
			phases[i].hwm_kib,
			phases[i].faults - phases[i - 1].faults);
	fprintf(stderr, "werfault: peak RSS %ld KiB\n", peak_rss_kib());
}

/* The unwinder child of a self-frozen crash, forked when werfault starts
 * (docs/crash.md): whether it runs, whether a worker slot is held
 * (take_worker_slot), whether it has its snapshot. */
static struct {
	int started, slot, sent;
} unwinder;

/* A crash storm: after the processes are released, at most WER_WORKERS
 * werfaults (default: the number of CPUs, at least 2) unwind and write at
 * once; the others wait here for a slot (<store>/.staging/.slot-N, an
 * flock held until werfault exits). Without a store, no waiting. */
static int take_worker_slot(struct wer_job *r, int wait)
{
	const char *env = secure_getenv("WER_WORKERS");
	long workers = env ? strtol(env, NULL, 10) : 0;
	char name[48];
	int staging, fd = -1;

	if (workers <= 0 || workers > 1024) {
		workers = sysconf(_SC_NPROCESSORS_ONLN);
		workers = workers < 2 ? 2 : workers;
	}
	if ((r->store.fd < 0 && wer_store_open(1, &r->store) < 0) ||
	    (staging = wer_store_area(&r->store, ".staging", 1)) < 0)
		return unwinder.slot = 1;
	/* Whichever slot frees first; after two minutes, go on without
	 * one rather than lose the report. */
	for (long tries = 0; tries < 120000 / 5; tries++) {
		struct timespec pause = {0, 5 * 1000 * 1000};

		for (long k = 0; k < workers; k++) {
			long slot = ((long)getpid() + k) % workers;
			struct stat st;

			snprintf(name, sizeof(name), ".slot-%ld", slot);
			fd = openat(staging, name,
				    O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW |
					O_NONBLOCK,
				    0600);
			if (fd < 0 || fstat(fd, &st) < 0 ||
			    !S_ISREG(st.st_mode)) {
				if (fd >= 0)
					close(fd);
				close(staging);
				return unwinder.slot = 1;
			}
			if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
				close(staging);
				/* held until werfault exits */
				return unwinder.slot = 1;
			}
			close(fd);
		}
		if (!wait)
			break;
		nanosleep(&pause, NULL);
	}
	close(staging);
	return unwinder.slot = wait;
}

/* dpkg's version of the program (its database read: 10-15 ms here),
 * asked while the unwinder runs; the report uses it only when neither the
 * application nor a package note gave one. Asked once. */
static char dpkg_version[sizeof(((struct wer_job *)0)->app_version)];

static void ask_dpkg(const struct wer_job *r)
{
	static int asked;

	if (asked++)
		return;
	if ((r->snap.have_registry && r->snap.registry.app_version[0]) ||
	    !r->snap.exe[0] || strstr(r->snap.exe, " (deleted)") ||
	    wer__dpkg_version_in(r->snap.have_root ? r->snap.root_fd : -1,
				 r->snap.exe, dpkg_version,
				 sizeof(dpkg_version)) < 0)
		dpkg_version[0] = '\0';
}

/* Sig[1]: the version the application declared, else its executable's
 * .note.package, else its Debian package's (docs/report.md). */
static void find_app_version(struct wer_job *r, const struct wer_unwind *u)
{
	const char *note = u ? wer__unwind_package_version(u, r->snap.exe) : "";

	if (r->snap.have_registry && r->snap.registry.app_version[0]) {
		snprintf(r->app_version, sizeof(r->app_version), "%s",
			 r->snap.registry.app_version);
		r->app_version_source = WER_APP_VERSION_API;
	} else if (note[0]) {
		snprintf(r->app_version, sizeof(r->app_version), "%s", note);
		r->app_version_source = WER_APP_VERSION_PACKAGE_NOTE;
	} else {
		ask_dpkg(r);
		if (dpkg_version[0]) {
			snprintf(r->app_version, sizeof(r->app_version), "%s",
				 dpkg_version);
			r->app_version_source = WER_APP_VERSION_DPKG;
		}
	}
}

/* One byte to the process; it may have stopped listening (MSG_NOSIGNAL:
 * no SIGPIPE). */
static void tell(int fd, char byte)
{
	if (fd >= 0)
		(void)!send(fd, &byte, 1, MSG_NOSIGNAL);
}

static const char *outcome_text(enum wer_recovery_outcome o)
{
	switch (o) {
	case WER_RECOVERY_DONE_OK:
		return "finished (ApplicationRecoveryFinished(TRUE))";
	case WER_RECOVERY_DONE_FAILED:
		return "finished unsuccessfully (ApplicationRecoveryFinished("
		       "FALSE))";
	case WER_RECOVERY_DONE_RETURNED:
		return "the callback returned";
	case WER_RECOVERY_DONE_TIMEOUT:
		return "timed out (a ping was missed)";
	case WER_RECOVERY_DONE_CRASHED:
		return "a thread crashed during recovery";
	case WER_RECOVERY_DONE_UNKNOWN:
		return "started; the process ended before it said how it ended";
	default:
		return "";
	}
}

/* After a crash's report is written: recovery, restart, and both in
 * Report.wer. */
static void aftermath(struct wer_job *r, int done_fd, int pidfd,
		      const char *path)
{
	enum wer_recovery_outcome outcome = WER_RECOVERY_NONE;
	char restart[256], lines[600];
	int err;

	if (done_fd >= 0)
		outcome = wer__recovery_outcome(done_fd);
	restart[0] = '\0';
	/* Started again by werfault, a privileged program would run with
	 * werfault's root and the arguments and environment of whoever
	 * started it: never. */
	if (r->privileged[0] && r->snap.have_registry &&
	    r->snap.registry.restart.registered)
		snprintf(restart, sizeof(restart),
			 "skipped: only root may read this process's reports");
	else
		wer__restart(r, pidfd, restart, sizeof(restart));
	if (outcome == WER_RECOVERY_NONE && !restart[0])
		return;
	snprintf(lines, sizeof(lines), "%s%s%s%s%s%s",
		 outcome != WER_RECOVERY_NONE ? "Recovery=" : "",
		 outcome_text(outcome),
		 outcome != WER_RECOVERY_NONE ? "\n" : "",
		 restart[0] ? "Restart=" : "", restart, restart[0] ? "\n" : "");
	if (path &&
	    (err = wer__report_amend(r, strrchr(path, '/') + 1, lines)) < 0)
		fprintf(stderr,
			"werfault: could not add to %s/Report.wer: %s\n", path,
			strerror(-err));
}

/* Whether only root may read this report, and why (into why, "" when
 * the process's user may): the crash path said so (--privileged), or
 * werfault itself was started set-id. The process's ids go with the
 * reason. */
static void judge_privilege(int asked, pid_t pid, char *why, size_t size)
{
	char path[64], text[2048], uids[64] = "?", gids[sizeof(uids)] = "?";
	const char *reason = NULL;
	ssize_t n = -1;
	int fd;

	if (getauxval(AT_SECURE) || getuid() != geteuid() ||
	    getgid() != getegid())
		reason = "werfault was started set-id";
	else if (asked)
		reason = "the process ran set-id, changed identity, was not "
			 "dumpable or held capabilities";
	why[0] = '\0';
	if (!reason)
		return;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
		n = read(fd, text, sizeof(text) - 1);
		close(fd);
	}
	{
		size_t at = 0;
		const char *line;
		long len;

		while ((len = wer_text_line(text, n > 0 ? (size_t)n : 0, &at,
					    &line)) >= 0) {
			char *into = !strncmp(line, "Uid:\t", 5)   ? uids
				     : !strncmp(line, "Gid:\t", 5) ? gids
								   : NULL;

			if (into && len > 5)
				snprintf(into, sizeof(uids), "%.*s",
					 (int)len - 5, line + 5);
		}
	}
	for (char *p = uids; *p; p++)
		*p = *p == '\t' ? ' ' : *p;
	for (char *p = gids; *p; p++)
		*p = *p == '\t' ? ' ' : *p;
	snprintf(why, size, "%s (uid %s, gid %s)", reason, uids, gids);
}

static uint64_t wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* What the capture needs of the settings: the scrubbing, the dump's
 * kind (DumpType 2, or WerDumpTypeHeapDump), its cap
 * (WER_DUMP_FULL_MAX_MB, default 512), and where a full dump's memory
 * goes while it is taken (the store's staging directory). */
static void capture_options(struct wer_job *j, struct wer_capture_options *o)
{
	const char *cap = secure_getenv("WER_DUMP_FULL_MAX_MB");
	unsigned long long mb;
	char *end;

	*o = (struct wer_capture_options){0};
	o->scrub = !j->settings.number[WER_SET_REPORT_ENV];
	o->secret_words = j->settings.text[WER_SET_SECRET_WORDS];
	o->env_allow = j->settings.text[WER_SET_ENV_ALLOW];
	o->dump_full = j->settings.number[WER_SET_DUMP_TYPE] == 2;
	o->full_cap = 512ull << 20;
	if (cap && (mb = strtoull(cap, &end, 10)) > 0 && !*end &&
	    mb < (1ull << 22))
		o->full_cap = mb << 20;
	o->staging_fd = -1;
}

/* A full dump's memory is streamed into the store's staging directory
 * while the process is held: opened only for one. */
static void full_dump_staging(struct wer_job *j, struct wer_capture_options *o)
{
	if (o->dump_full &&
	    (j->store.fd >= 0 || wer_store_open(1, &j->store) == 0))
		o->staging_fd = wer_store_area(&j->store, ".staging", 1);
}

/* What the application set for its own crashes in code
 * (wer_set_report_setting), read with its registry: the settings again
 * with them at their rank (docs/settings.md), the dump's kind from them
 * (a live request for a heap dump keeps its own), and its Store where
 * the environment names none. Not for a crash only root may read: a
 * set-id program's memory does not choose where root's reports go. */
static void apply_code_settings(struct wer_job *j,
				struct wer_capture_options *o, const char *app,
				int heap_dump)
{
	const char *dir = secure_getenv("WER_REPORT_DIR");
	char err[512];

	if (!j->snap.have_registry || !j->snap.registry.have_code ||
	    j->privileged[0])
		return;
	j->code_applied = 1;
	if (wer_settings_load_code(&j->settings, 0, app[0] ? app : NULL,
				   &j->snap.registry.code, err,
				   sizeof(err)) < 0)
		fprintf(stderr, "werfault: %s\n", err);
	if (!heap_dump)
		o->dump_full = j->settings.number[WER_SET_DUMP_TYPE] == 2;
	if (j->snap.registry.code.store[0] && !(dir && dir[0]) &&
	    wer_store_use_path(j->snap.registry.code.store) == 0) {
		int e;

		/* Opened already for a full dump's staging: the other
		 * store's. */
		wer_store_close(&j->store);
		if (o->staging_fd >= 0)
			close(o->staging_fd);
		o->staging_fd = -1;
		/* A Store that cannot be made or is not the user's alone:
		 * the report still lands, in the default store. */
		if ((e = wer_store_open(1, &j->store)) < 0) {
			fprintf(stderr,
				"werfault: the application's Store %s: %s; "
				"the report goes to the default store\n",
				j->snap.registry.code.store, strerror(-e));
			wer_store_use_path("");
		} else {
			j->code_store = 1;
		}
	}
	if (o->dump_full && o->staging_fd < 0)
		full_dump_staging(j, o);
}

static void usage(void)
{
	fprintf(stderr, "usage: werfault --pid PID --tid TID --crash-area "
			"ADDR --done-fd FD [--frozen ADDR --keeper PID "
			"[--pidfd FD]]\n"
			"       werfault --live --pid PID --tid TID --request "
			"ADDR --done-fd FD\n"
			"       werfault --core-file PATH|-\n"
			"       werfault --core [--store-root DIR] PID TID UID "
			"GID DUMPABLE SIGNAL TIME LIMIT HOST COMM\n"
			"werfault is started by libwer when a process "
			"crashes; it is not meant to be run by hand.\n");
}

/* werfault inherits through execve the crashed thread's signal mask and
 * every signal the process ignored. It starts afresh: nothing blocked,
 * default actions (an ignored SIGCHLD would reap its children unasked,
 * and waiting for the unwinder would fail), but SIGPIPE ignored: a closed
 * stderr must not kill it before its report is written. */
static void own_signals(void)
{
	sigset_t none;

	for (int signo = 1; signo < NSIG; signo++)
		if (signo != SIGKILL && signo != SIGSTOP)
			signal(signo, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* The machine's facts, once: read while the unwinder child runs (a
 * thread that read them, and loaded libdw, during the capture slowed the
 * capture more than it saved: docs/crash.md). */
static void machine_facts(struct wer_snapshot_system *sys)
{
	static int done;

	if (!done++)
		wer__capture_system(sys);
}

/* werfault's work while the unwinder child runs. */
static void meanwhile(void *arg)
{
	struct wer_job *r = arg;

	machine_facts(&r->snap.system);
	ask_dpkg(r);
	wer__report_prepare(r);
}

/* werfault's work once the unwinder has named the modules, while it walks
 * the threads: on the other CPU, the parts of the report that need no
 * stack (docs/crash.md, "After the release"). */
static void modules_read(void *arg)
{
	struct wer_job *r = arg;

	wer__unwind_fill_modules(&r->unwind, &r->snap);
	find_app_version(r, &r->unwind);
	wer__report_begin(r);
}

/* The unwinder: linked into werfault, or NULL (its module, loaded by the
 * child). */
#ifdef WER_UNWIND_LINKED
static wer_unwind_fn *const linked_unwinder = wer__unwind;
#else
static wer_unwind_fn *const linked_unwinder = NULL;
#endif

/* The unwinder's budget, as the settings say now. */
static struct wer_unwind_budget unwind_budget(struct wer_job *report)
{
	return (struct wer_unwind_budget){
	    .timeout_ms = report->settings.number[WER_SET_UNWIND_TIMEOUT],
	    .memory_mb = report->settings.number[WER_SET_UNWIND_MEMORY],
	    .debuginfod = (int)report->settings.number[WER_SET_DEBUGINFOD],
	    .meanwhile = meanwhile,
	    .modules_read = modules_read,
	    .meanwhile_arg = report,
	    .fn = linked_unwinder,
	};
}

/* The snapshot to the unwinder child forked at werfault's start
 * (unwinder.sent). 0, or a negative errno: the child is gone then. */
static int send_snapshot(struct wer_job *report)
{
	struct wer_unwind_budget budget = unwind_budget(report);
	int r = wer__unwind_send(&report->unwind, &report->snap, &budget);

	if (r < 0)
		wer__unwind_free(&report->unwind);
	else
		unwinder.sent = 1;
	return r;
}

/* After the capture, from the snapshot alone: stacks and symbols (in a
 * budgeted child: unwinder.started when it runs already, .sent when it
 * has the snapshot), the application's version, the report. Returns
 * wer__report_write's answer, the report's directory in path. */
static int unwind_and_write(struct wer_job *report, char *path, size_t size)
{
	int r;

	/* The rest (symbols, the report) may wait its turn: a crash storm
	 * must not run a hundred unwinders at once. */
	if (!unwinder.slot) {
		take_worker_slot(report, 1);
		phase("slot");
	}
	/* Afterwards, from the snapshot: stacks, symbols, the report. */
	if (report->snap.have_threads) {
		/* In a child process, within a budget: the modules' ELF and
		 * DWARF are the crashed process's choice. */
		struct wer_unwind_budget budget = unwind_budget(report);

		if (!unwinder.started)
			r = wer__unwind_run(&report->snap, &budget,
					    &report->unwind);
		else if (unwinder.sent || (r = send_snapshot(report)) == 0)
			r = wer__unwind_finish(&budget, &report->unwind);
		if (r == 0) {
			report->have_unwind = 1;
			wer__unwind_fill_modules(&report->unwind,
						 &report->snap);
		} else {
			wer__snapshot_note(report->snap.missing,
					   sizeof(report->snap.missing),
					   "unwind");
		}
		if (r == 0 && report->unwind.problem[0])
			fprintf(stderr, "werfault: unwinding cut short: %s\n",
				report->unwind.problem);
	} else if (unwinder.started)
		wer__unwind_free(&report->unwind); /* nothing to unwind */
	/* Without a child, or one that never started it. */
	machine_facts(&report->snap.system);
	phase("unwind");
	find_app_version(report, report->have_unwind ? &report->unwind : NULL);
	r = wer__report_write(report, path, size);
	phase("write");
	if (report->have_unwind && secure_getenv("WER_DEBUG")) {
		wer__unwind_reap(&report->unwind);
		fprintf(stderr, "werfault: unwinder peak RSS %ld KiB\n",
			report->unwind.peak_rss_kib);
	}
	return r;
}

/* MaxQueueCountPerApp in the system mode's stores, unless set. */
#define WER_SYSTEM_PER_APP 10

/* What the kernel says of a crash it pipes (werfault --core). */
struct kernel_facts {
	struct wer_kernel_crash crash;
	int signal;
	unsigned long long core_limit; /* %c: RLIMIT_CORE, bytes */
};

/* A job for a report from a core: the settings loaded (the machine's
 * alone for the kernel's: no home). */
static struct wer_job *core_job(int machine_only)
{
	struct wer_job *report = calloc(1, sizeof(*report));
	char err[512];

	if (!report)
		return NULL;
	wer__job_init(report);
	if (wer_settings_load(&report->settings, machine_only, err,
			      sizeof(err)) < 0)
		fprintf(stderr, "werfault: %s\n", err);
	return report;
}

static void core_job_free(struct wer_job *report)
{
	wer__job_free(report);
	free(report);
}

/* libwer's handler reported this crash: the registry says so, naming
 * this process (its PID as the process saw it, in its own namespace: the
 * core's thread ids are the same). A registry that names another process
 * is not believed. */
static int reported_by_libwer(const struct wer_snapshot *s)
{
	if (!s->have_registry || !s->registry.reported)
		return 0;
	for (size_t i = 0; i < s->thread_count; i++)
		if ((uint64_t)s->threads[i].tid == s->registry.reported)
			return 1;
	return 0;
}

/* werfault --core-file PATH (kernel NULL), or the core the kernel pipes
 * (werfault --core): a report from a core, into report (core_job's). The
 * capture c holds what was read of /proc (the kernel's) or nothing. */
static int core_main(struct wer_job *report, struct wer_capture *c,
		     const char *file, const struct kernel_facts *kernel)
{
	struct wer_capture_options options;
	char path[PATH_MAX], why[256];
	struct stat st;
	int fd, r;

	fd = strcmp(file, "-") ? open(file, O_RDONLY | O_CLOEXEC) : 0;
	if (fd < 0) {
		fprintf(stderr, "werfault: %s: %s\n", file, strerror(errno));
		return 1;
	}
	r = wer__core_read(fd, &report->snap, why, sizeof(why));
	report->snap.time_ns = fstat(fd, &st) == 0 && S_ISREG(st.st_mode)
				   ? (uint64_t)st.st_mtim.tv_sec * 1000000000u +
					 (uint64_t)st.st_mtim.tv_nsec
				   : wall_ns();
	if (fd) {
		close(fd);
	} else {
		/* The kernel holds the crashed process until the pipe's
		 * reader closes it: released now, before the stack walk and
		 * the writing. */
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

		if (null < 0 || dup2(null, 0) < 0)
			close(0);
		if (null > 0)
			close(null);
	}
	if (r < 0) {
		fprintf(stderr, "werfault: %s: %s\n", file, why);
		return 1;
	}
	if (kernel && reported_by_libwer(&report->snap)) {
		/* libwer's own handler reported this crash before the
		 * process died of its signal: one report per crash. */
		fprintf(stderr,
			"werfault: the crash of process %d was reported by "
			"libwer: no second report\n",
			(int)kernel->crash.pid);
		return 0;
	}
	if (kernel) {
		/* The kernel's word on who and what. */
		report->snap.pid = kernel->crash.pid;
		report->snap.time_ns =
		    (uint64_t)kernel->crash.time * 1000000000u;
		if (!report->snap.have_crash && kernel->signal > 0) {
			report->snap.have_crash = 1;
			report->snap.crash.signo = kernel->signal;
		}
		report->caught_by = "kernel";
		{
			char name[WER_SIGNAL_TEXT_SIZE];

			char limit[32];

			if (kernel->core_limit ==
			    (unsigned long long)RLIM_INFINITY)
				snprintf(limit, sizeof(limit), "unlimited");
			else
				snprintf(limit, sizeof(limit), "%llu",
					 kernel->core_limit);
			snprintf(report->exit_status,
				 sizeof(report->exit_status),
				 "killed by %s (%d), core dumped (piped to "
				 "werfault, not kept; RLIMIT_CORE %s)",
				 wer__signal_to_text(kernel->signal, name),
				 kernel->signal, limit);
		}
	}
	report->snap.crash.time_ns = report->snap.time_ns;
	if (!report->snap.system.cpu_count)
		wer__capture_system(&report->snap.system);
	/* The secrets of the command line and the environment, and what
	 * the application excluded, leave no text and no byte of memory:
	 * the core's stacks hold the environment's strings. */
	capture_options(report, &options);
	c->snap = &report->snap;
	c->options = &options;
	if (options.scrub)
		wer__capture_scrub(c);
	wer__capture_zero_snapshot(c);
	/* The program, without /proc: the module whose name starts as the
	 * kernel's 15-character name of it. */
	for (size_t i = 0; i < report->snap.module_count; i++) {
		const char *slash = strrchr(report->snap.modules[i].path, '/');

		if (report->snap.exe[0] && !strchr(report->snap.exe, '/') &&
		    slash &&
		    !strncmp(slash + 1, report->snap.exe,
			     strlen(report->snap.exe))) {
			snprintf(report->snap.exe, sizeof(report->snap.exe),
				 "%s", report->snap.modules[i].path);
			break;
		}
	}
	if (report->snap.have_crash)
		wer__snapshot_find_fault(&report->snap);
	r = unwind_and_write(report, path, sizeof(path));
	if (r < 0)
		fprintf(stderr,
			"werfault: could not write the report of process %d "
			"(core %s): %s\n",
			(int)report->snap.pid,
			strcmp(file, "-") ? file : "piped", strerror(-r));
	else
		printf("%s\n", path);
	return r < 0 ? 1 : 0;
}

/* A directory under the open directory at, made when missing (mode),
 * opened without following a link; -1 with errno. */
static int subdir(int at, const char *name, mode_t mode)
{
	if (mkdirat(at, name, mode) < 0 && errno != EEXIST)
		return -1;
	return openat(at, name,
		      O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* The store name under at, 0700, its owner uid's alone: made by root just
 * now (then given to uid), or uid's own from before; anything else
 * (planted) is refused (-1, errno EPERM). */
static int owned_store(int at, const char *name, uid_t uid, gid_t gid)
{
	struct stat st;
	int store = subdir(at, name, 0700);

	if (store < 0)
		return -1;
	if (fstat(store, &st) == 0 && st.st_uid == 0 && uid != 0 &&
	    fchown(store, uid, gid) == 0)
		st.st_uid = uid;
	if (fstat(store, &st) < 0 || st.st_uid != uid || (st.st_mode & 077)) {
		close(store);
		errno = EPERM;
		return -1;
	}
	return store;
}

/* Becomes uid and gid for good: no groups, real, effective and saved. */
static int become(uid_t uid, gid_t gid)
{
	if (setgroups(0, NULL) < 0 || setresgid(gid, gid, gid) < 0 ||
	    setresuid(uid, uid, uid) < 0) {
		fprintf(stderr, "werfault: cannot become user %ld: %s\n",
			(long)uid, strerror(errno));
		return -1;
	}
	return 0;
}

/* Parses a decimal argument of the kernel's (non-negative, fits a long). */
static int kernel_number(const char *s, long *ret)
{
	char *end;

	errno = 0;
	*ret = strtol(s, &end, 10);
	return errno || end == s || *end || *ret < 0 ? -1 : 0;
}

/* %c: RLIMIT_CORE, up to RLIM_INFINITY (2^64 - 1: `ulimit -c
 * unlimited`, which a long does not hold). */
static int core_limit_number(const char *s, unsigned long long *ret)
{
	char *end;

	errno = 0;
	*ret = strtoull(s, &end, 10);
	return errno || end == s || *end || s[0] == '-' ? -1 : 0;
}

/* The crashed process's /proc facts, read as root while the kernel holds
 * it, through one directory checked before and after (kernel_proc.h):
 * nothing of another process that took its PID. Returns its memory
 * (/proc/PID/mem, opened as root, read later without root) and its maps
 * text (*maps, malloc'ed, *maps_len bytes), or -1. */
static int kernel_proc_facts(struct wer_job *report, struct wer_capture *c,
			     const struct wer_capture_options *options,
			     const struct wer_kernel_crash *k, char **maps,
			     size_t *maps_len)
{
	char why[256];
	int proc = wer__kernel_proc_open(k, why, sizeof(why)), mem = -1;
	ssize_t n = -1;

	*maps = NULL;
	*maps_len = 0;
	if (proc >= 0) {
		wer__capture_facts(c, &report->snap, k->pid, proc, 0, options);
		wer__kernel_proc_labels(proc, &report->snap);
		mem = openat(proc, "mem", O_RDONLY | O_CLOEXEC);
		/* A container's root (another mount namespace): its modules
		 * are read through it (openat2 RESOLVE_IN_ROOT). */
		if (strstr(report->snap.container, "mnt:") &&
		    (report->snap.root_fd = openat(
			 proc, "root", O_PATH | O_DIRECTORY | O_CLOEXEC)) >= 0)
			report->snap.have_root = 1;
		if ((*maps = malloc(WER_SNAPSHOT_MAPS_MAX + 1)))
			n = wer__read_capped_at(proc, "maps", *maps,
						WER_SNAPSHOT_MAPS_MAX);
		*maps_len = n > 0 ? (size_t)n : 0;
		if (!wer__kernel_proc_same(proc, k, why, sizeof(why))) {
			wer__snapshot_forget_process(&report->snap);
			if (report->snap.have_root)
				close(report->snap.root_fd);
			report->snap.have_root = 0;
			if (mem >= 0)
				close(mem);
			mem = -1;
			close(proc);
			proc = -1;
		}
	}
	if (proc < 0) {
		fprintf(stderr, "werfault: /proc/%d not read: %s\n",
			(int)k->pid, why);
		wer__snapshot_note(report->snap.missing,
				   sizeof(report->snap.missing), "proc");
		free(*maps);
		*maps = NULL;
		*maps_len = 0;
	} else {
		close(proc);
	}
	return mem;
}

/* The kernel starts its helper with the pipe as standard input and
 * nothing else open: standard output and error would be the next files
 * werfault opens (a report's), and every message would land in them.
 * Output goes nowhere; errors to the kernel's log. */
static void kernel_stdio(void)
{
	for (int fd = 1; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) < 0) {
			int opened =
			    open(fd == 2 ? "/dev/kmsg" : "/dev/null", O_WRONLY);

			if (opened < 0)
				opened = open("/dev/null", O_WRONLY);
			if (opened >= 0 && opened != fd) {
				dup2(opened, fd);
				close(opened);
			}
		}
}

/* werfault --core [--store-root DIR] PID TID UID GID DUMPABLE SIGNAL TIME
 * LIMIT [PIDFD] HOST COMM: started by the kernel as root for a crashing
 * process (core_pattern, `wer system enable`), the core on standard
 * input, the kernel's pidfd of the process where PIDFD says (Linux 6.16's
 * %F; empty before). The report goes to the user's store under
 * DIR/users/UID, written as that user; a crash the user may not read
 * (DUMPABLE not 1) to DIR/restricted, written as the system user
 * openwer.
 * Identity is the kernel's arguments', never the core's registry's
 * (docs/system.md). */
static int kernel_main(int argc, char **argv)
{
	const char *root_dir = WER_SYSTEM_STORE_DIR;
	struct rlimit one = {1, 1};
	struct kernel_facts facts = {.crash.pidfd = -1};
	struct wer_capture_options options;
	struct wer_capture capture = {0};
	struct wer_job *report;
	long v[9];
	unsigned long long core_limit = 0;
	uid_t as_uid;
	gid_t as_gid;
	char dir[PATH_MAX], name[32];
	int root, users, store, i = 0, r, mem;
	char *maps;
	size_t maps_len;

	/* A crash of this werfault must not pipe its core to itself:
	 * the kernel skips the pipe for a core limit of 1. */
	setrlimit(RLIMIT_CORE, &one);
	kernel_stdio();
	if (i + 1 < argc && !strcmp(argv[i], "--store-root")) {
		root_dir = argv[i + 1];
		i += 2;
	}
	if ((argc - i != 10 && argc - i != 11) || root_dir[0] != '/') {
		fprintf(stderr, "werfault: --core needs PID TID UID GID "
				"DUMPABLE SIGNAL TIME LIMIT [PIDFD] HOST "
				"COMM\n");
		return 2;
	}
	v[8] = -1;
	for (int k = 0; k < (argc - i == 11 ? 9 : 8); k++)
		if (k == 7 ? core_limit_number(argv[i + k], &core_limit) < 0
			   : (k < 8 || argv[i + k][0]) &&
				 kernel_number(argv[i + k], &v[k]) < 0) {
			fprintf(stderr,
				"werfault: --core: %s is not a "
				"number\n",
				argv[i + k]);
			return 2;
		}
	if (geteuid() != 0) {
		fprintf(stderr, "werfault: --core runs as root (the kernel "
				"starts it)\n");
		return 2;
	}
	facts.crash = (struct wer_kernel_crash){
	    .pid = (pid_t)v[0],
	    .uid = (uid_t)v[2],
	    .dumpable = (int)v[4],
	    .time = v[6],
	    .pidfd = v[8] > 2 && v[8] <= INT_MAX ? (int)v[8] : -1};
	facts.signal = (int)v[5];
	facts.core_limit = core_limit;
	/* DIR and DIR/users are root's and every user's to enter; the
	 * stores in them, their owner's alone. */
	umask(022);
	root = subdir(AT_FDCWD, root_dir, 0755);
	if (root < 0) {
		fprintf(stderr, "werfault: %s: %s\n", root_dir,
			strerror(errno));
		return 1;
	}
	if (v[4] != 1) {
		/* Only root may read it (not dumpable, or a set-id process):
		 * the restricted store, written by the system user (never
		 * root: the core is untrusted bytes). */
		if (wer_system_user(&as_uid, &as_gid) < 0) {
			fprintf(stderr,
				"werfault: no system user %s (wer system "
				"enable makes it): the crash of process %ld "
				"is not parsed as root; no report\n",
				WER_SYSTEM_USER, v[0]);
			close(root);
			return 1;
		}
		umask(077);
		store = owned_store(root, "restricted", as_uid, as_gid);
		snprintf(dir, sizeof(dir), "%s/restricted", root_dir);
	} else {
		as_uid = (uid_t)v[2];
		as_gid = (gid_t)v[3];
		snprintf(name, sizeof(name), "%ld", v[2]);
		users = subdir(root, "users", 0755);
		umask(077);
		store =
		    users < 0 ? -1 : owned_store(users, name, as_uid, as_gid);
		if (users >= 0)
			close(users);
		snprintf(dir, sizeof(dir), "%s/users/%s", root_dir, name);
	}
	close(root);
	if (store < 0) {
		fprintf(stderr, "werfault: the store %s: %s: no report\n", dir,
			errno == EPERM ? "not its owner's alone"
				       : strerror(errno));
		return 1;
	}
	close(store);
	setenv("WER_REPORT_DIR", dir, 1);
	if (!(report = core_job(1)))
		return 1;
	/* The system mode's stores hold every program of their user: one
	 * program's crash loop keeps 10 of its own unless the machine's
	 * settings say otherwise (docs/system.md). */
	if (report->settings.from[WER_SET_MAX_QUEUE_PER_APP].from ==
	    WER_FROM_DEFAULT)
		report->settings.number[WER_SET_MAX_QUEUE_PER_APP] =
		    WER_SYSTEM_PER_APP;
	capture_options(report, &options);
	mem = kernel_proc_facts(report, &capture, &options, &facts.crash, &maps,
				&maps_len);
	if (facts.crash.pidfd >= 0)
		close(facts.crash.pidfd);
	/* From here on without root: the core is parsed, the stack walked,
	 * the report written as the crashed process's user (or the system
	 * user). */
	if (become(as_uid, as_gid) < 0) {
		core_job_free(report);
		return 1;
	}
	/* The registry and its memory blocks, from the process's memory
	 * while the kernel holds it (standard input still the kernel's small
	 * pipe: the process cannot finish its core meanwhile). */
	if (mem >= 0 && maps)
		wer__kernel_registry(&report->snap, mem, maps, maps_len);
	free(maps);
	if (mem >= 0)
		close(mem);
	/* A larger pipe: fewer switches between the kernel writing the core
	 * (the process held) and this reading it (pipe-max-size allows 1 MiB
	 * by default). After the /proc reads: a core smaller than the pipe
	 * would let the process go before them. */
	fcntl(0, F_SETPIPE_SZ, 1 << 20);
	r = core_main(report, &capture, "-", &facts);
	wer__capture_free(&capture);
	core_job_free(report);
	return r;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
	    {"pid", required_argument, NULL, 'p'},
	    {"tid", required_argument, NULL, 't'},
	    {"crash-area", required_argument, NULL, 'a'},
	    {"done-fd", required_argument, NULL, 'd'},
	    {"live", no_argument, NULL, 'l'},
	    {"request", required_argument, NULL, 'q'},
	    {"privileged", no_argument, NULL, 'P'},
	    {"core-file", required_argument, NULL, 'c'},
	    {"frozen", required_argument, NULL, 'f'},
	    {"keeper", required_argument, NULL, 'k'},
	    {"pidfd", required_argument, NULL, 'F'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {0}};
	struct wer_job *report;
	struct wer_capture capture;
	struct wer_capture_options capture_opts = {0};
	pid_t pid = 0, tid = 0, keeper = 0, held;
	static struct wer_live_request request;
	uint64_t area = 0, request_address = 0, registry_address = 0,
		 frozen_address = 0;
	struct wer_frozen frozen = {0};
	int done_fd = -1, c, r, live = 0, pidfd = -1, privileged = 0,
	    given_pidfd = -1;
	char path[PATH_MAX], app[72] = "";
	char privileged_why[sizeof(((struct wer_job *)0)->privileged)];
	struct wer_unwinder early_unwinder;

	own_signals();
	/* From the kernel: positional arguments (core_pattern's). */
	if (argc > 1 && !strcmp(argv[1], "--core"))
		return kernel_main(argc - 2, argv + 2);
	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (c) {
		case 'p':
			pid = (pid_t)strtol(optarg, NULL, 10);
			break;
		case 't':
			tid = (pid_t)strtol(optarg, NULL, 10);
			break;
		case 'a':
			area = strtoull(optarg, NULL, 0);
			break;
		case 'd':
			done_fd = (int)strtol(optarg, NULL, 10);
			break;
		case 'l':
			live = 1;
			break;
		case 'q':
			request_address = strtoull(optarg, NULL, 0);
			break;
		case 'P':
			privileged = 1;
			break;
		case 'f':
			frozen_address = strtoull(optarg, NULL, 0);
			break;
		case 'k':
			keeper = (pid_t)strtol(optarg, NULL, 10);
			break;
		case 'F':
			given_pidfd = (int)strtol(optarg, NULL, 10);
			break;
		case 'c':
			/* Not in a set-id werfault: its files are the user's.
			 */
			if (getuid() != geteuid() || getgid() != getegid()) {
				fprintf(stderr, "werfault: --core-file is not "
						"for a set-id werfault\n");
				return 2;
			}
			{
				struct wer_capture none = {0};

				if (!(report = core_job(0)))
					return 1;
				r = core_main(report, &none, optarg, NULL);
				wer__capture_free(&none);
				core_job_free(report);
				return r;
			}
		case 'h':
			usage();
			return 0;
		case 'V':
			puts("werfault (openwer) " WER_VERSION_STRING);
			return 0;
		default:
			usage();
			return 2;
		}
	}
	if (pid <= 0 || tid <= 0 || (!live && !area) ||
	    (live && !request_address) || (frozen_address && keeper <= 0) ||
	    (live && frozen_address)) {
		usage();
		return 2;
	}
	/* The process whose memory is read while it is held: the keeper of
	 * a self-frozen one (docs/crash.md), else the process itself. */
	held = frozen_address ? keeper : pid;
	judge_privilege(privileged, held, privileged_why,
			sizeof(privileged_why));
	if (privileged_why[0]) {
		/* Root's alone: the system store, files only root reads. */
		if (geteuid() != 0) {
			fprintf(stderr,
				"werfault: only root may read the "
				"report of process %d, and werfault "
				"does not run as root: no report\n",
				(int)pid);
			return 1;
		}
		/* Wholly root: files root's group's too, and the user who
		 * started the process can no longer signal werfault. */
		if (setgroups(0, NULL) < 0 || setresgid(0, 0, 0) < 0 ||
		    setresuid(0, 0, 0) < 0) {
			fprintf(stderr,
				"werfault: cannot become root wholly: "
				"%s: no report\n",
				strerror(errno));
			return 1;
		}
		umask(077);
		wer_store_use_system();
	}
	/* Self-frozen: nothing is held, so the unwinder child is forked now,
	 * first thing (as root when werfault became root), while werfault is
	 * smallest (least to copy, and the fewest pages each of them then
	 * copies on its first write), its start beside the capture; it waits
	 * for the snapshot. */
	if (frozen_address && !live)
		unwinder.started =
		    wer__unwind_spawn(&early_unwinder, linked_unwinder) == 0;
	report = calloc(1, sizeof(*report));
	if (!report)
		return 1;
	wer__job_init(report);
	if (unwinder.started)
		report->unwind.proc = early_unwinder;
	phase("start");
	snprintf(report->privileged, sizeof(report->privileged), "%s",
		 privileged_why);
	{
		char err[512];

		/* The crashed program's [app NAME] sections too: its name
		 * from its executable (a self-frozen process is gone; its
		 * keeper has the same). */
		wer_settings_app_of(NULL, pid, app, sizeof(app));
		if (!app[0] && keeper > 0)
			wer_settings_app_of(NULL, keeper, app, sizeof(app));
		/* A malformed settings file: say so, report with defaults. */
		if (wer_settings_load_app(
			&report->settings, report->privileged[0] != 0,
			app[0] ? app : NULL, err, sizeof(err)) < 0)
			fprintf(stderr, "werfault: %s\n", err);
	}
	if (report->settings.number[WER_SET_DISABLED]) {
		/* Disabled=1: no report; let the process die at once (or
		 * go on, for a live report). */
		tell(done_fd, live ? WER_LIVE_DISABLED : WER_CRASH_MSG_DONE);
		wer__job_free(report);
		free(report);
		return 0;
	}
	/* A worker slot for that child, if one is free now; else after the
	 * release, as for any other. In the store the settings name: a Store
	 * the application registered (read with the registry) does not move
	 * it. */
	if (unwinder.started)
		take_worker_slot(report, 0);
	/* Held open from now on: a restart waits for this very process to
	 * end, not for whatever reuses its pid. */
	/* A self-frozen process may be reaped already: the pidfd it took of
	 * itself, when it is one of process pid (or of a reaped process). */
	if (!live && given_pidfd >= 0) {
		long named = wer__pidfd_pid(given_pidfd);

		if (named == pid || named == -1)
			pidfd = given_pidfd;
		else
			close(given_pidfd);
	}
	if (!live && pidfd < 0)
		pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	capture_options(report, &capture_opts);
	/* Wait for "go": the process has let us ptrace it. EOF means it gave
	 * up on us; go on with what can be read. */
	if (done_fd >= 0) {
		char go;

		while (read(done_fd, &go, 1) < 0 && errno == EINTR)
			;
	}
	if (live) {
		r = wer__live_request_read(pid, request_address, &request);
		if (r < 0) {
			fprintf(stderr,
				"werfault: no valid report request from "
				"process %d: %s\n",
				(int)pid, strerror(-r));
			tell(done_fd, WER_LIVE_FAILED);
			wer__job_free(report);
			free(report);
			return 1;
		}
		report->live = &request;
		if (request.flags & WER_LIVE_REGISTERED_DATA)
			registry_address = request.registry;
		/* WerDumpTypeHeapDump: every private mapping. */
		if (request.dump_type == 3)
			capture_opts.dump_full = 1;
	}
	full_dump_staging(report, &capture_opts);
	/* Self-frozen: status and stat from the freeze area, not read twice
	 * (two /proc reads through the keeper before the snapshot is sent). */
	capture_opts.status_elsewhere = frozen_address != 0;
	phase("go");
	/* Held: everything that needs the process alive fills the
	 * snapshot (capture.h). */
	wer__capture_process(&capture, &report->snap, held, &capture_opts);
	report->snap.tid = tid;
	report->snap.time_ns = live ? request.time_ns : wall_ns();
	/* Self-frozen: the keeper holds the crashed process's memory; the
	 * process itself is gone. */
	if (frozen_address) {
		capture.crashed_pid = pid;
		r = wer__frozen_read(wer__read_process_memory, &held,
				     frozen_address, &frozen);
		if (r == 0 && frozen.pid != pid)
			r = -EBADMSG;
		if (r < 0) {
			fprintf(stderr,
				"werfault: no valid freeze area of process %d "
				"in keeper %d: %s\n",
				(int)pid, (int)keeper, strerror(-r));
			wer__frozen_free(&frozen);
			frozen.pid = 0;
			wer__capture_status(&capture);
		} else {
			wer__capture_frozen_facts(&capture, &frozen);
		}
		if (capture_opts.scrub)
			wer__capture_scrub(&capture);
	}
	if (!live) {
		if (wer__capture_crash(&capture, area, &registry_address) < 0)
			wer__snapshot_note(report->snap.missing,
					   sizeof(report->snap.missing),
					   "crash-area");
		else
			report->snap.time_ns = report->snap.crash.time_ns;
	}
	if (live && !request.dump_type) {
		/* No dump asked for: the threads are left alone. */
	} else if (frozen_address) {
		/* Not the keeper's threads: the crashed process's, or none. */
		if (!frozen.pid ||
		    wer__capture_frozen_threads(&capture, &frozen, tid) < 0)
			wer__snapshot_note(report->snap.missing,
					   sizeof(report->snap.missing),
					   "threads");
	} else if (wer__capture_threads(&capture, tid) < 0) {
		wer__snapshot_note(report->snap.missing,
				   sizeof(report->snap.missing), "threads");
	}
	/* The faulting module, once the stacks are in: a call through NULL
	 * is its caller's fault (the return address is on the stack). */
	if (report->snap.have_crash)
		wer__snapshot_find_fault(&report->snap);
	phase("capture");
	/* Self-frozen, a slot held: the child unwinds the snapshot from now,
	 * beside the rest (the registry read, the report's first parts). Its
	 * budget is the settings files': code sets no unwinder setting
	 * (docs/settings.md). */
	if (unwinder.started && unwinder.slot && report->snap.have_threads) {
		/* Failed: a child forked after the release, as for any. */
		if (send_snapshot(report) < 0)
			unwinder.started = 0;
		phase("sent");
	}
	/* The registry once every thread is stopped: no writer moves under
	 * the read, and each slot shows its last published value. A live
	 * report without WER_SUBMIT_ADD_REGISTERED_DATA leaves it out. */
	wer__capture_registry(&capture, registry_address);
	if (!report->snap.have_registry && (!live || registry_address))
		wer__snapshot_note(report->snap.missing,
				   sizeof(report->snap.missing), "registry");
	apply_code_settings(report, &capture_opts, app,
			    live && request.dump_type == 3);
	wer__capture_memory(&capture);
	phase("registry");
	/* Release: the process may die (or recover) now. */
	wer__capture_release(&capture);
	wer__capture_free(&capture);
	if (capture_opts.staging_fd >= 0)
		close(capture_opts.staging_fd);
	/* The keeper of a self-frozen process whose unwinder has the
	 * snapshot hears "d" once the report is written: its ending (the
	 * crashed process's memory torn down: 0.4-0.6 ms on werfault's CPU
	 * for a small process, more for a large one) then costs the report
	 * nothing ("h" until then). A werfault waiting for a worker slot (a
	 * crash storm) lets the memory go at once. */
	if (!live)
		tell(done_fd,
		     unwinder.sent ? WER_CRASH_MSG_HOLD : WER_CRASH_MSG_DONE);
	/* The report is the crashed process's, not its keeper's. */
	report->snap.pid = pid;
	wer__frozen_free(&frozen);
	phase("release");
	/* The machine's facts are read while the unwinder runs. */
	r = unwind_and_write(report, path, sizeof(path));
	if (unwinder.sent)
		tell(done_fd, WER_CRASH_MSG_DONE);

	print_phases();
	if (live) {
		/* The process runs on; it hears how it went, nothing more. */
		if (r < 0)
			fprintf(stderr,
				"werfault: could not write the %s report of "
				"process %d: %s\n",
				request.event_type, (int)pid, strerror(-r));
		tell(done_fd, r < 0 ? WER_LIVE_FAILED : WER_LIVE_QUEUED);
		wer__job_free(report);
		free(report);
		return r < 0 ? 1 : 0;
	}
	/* The report is complete: a recovery callback may run now. */
	tell(done_fd, WER_CRASH_MSG_REPORTED);
	if (r < 0)
		fprintf(stderr,
			"werfault: could not write the report of "
			"process %d: %s\n",
			(int)pid, strerror(-r));
	else if (!secure_getenv("WER_RUN_NOTIFY_FD"))
		fprintf(stderr,
			"werfault: report of process %d written to "
			"%s\n",
			(int)pid, path);
	if (!report->privileged[0])
		notify_runner(r < 0 ? NULL : path, r);
	aftermath(report, done_fd, pidfd, r < 0 ? NULL : path);
	if (done_fd >= 0)
		close(done_fd);
	if (pidfd >= 0)
		close(pidfd);
	/* After the aftermath: the recovery outcome amends Report.wer in
	 * the queue, before the report may move to the archive. */
	if (r >= 0 && !report->privileged[0])
		submit_automatically(&report->settings, report->code_store
							    ? report->store.path
							    : NULL);
	wer__job_free(report);
	free(report);
	return r < 0 ? 1 : 0;
}
