/* SPDX-License-Identifier: MIT */
/*
 * recovery_program MODE OUT [ARGS] - a program linked with libwer for
 * recovery_tests.sh: it registers a recovery callback or a restart and
 * crashes, or files reports without crashing. What it sees goes into the
 * file OUT as "name value" lines; the store is $WER_REPORT_DIR.
 *
 *   finish OUT           callback: looks for the finished report in the
 *                        store, tries registration calls, pings once and
 *                        calls ApplicationRecoveryFinished(TRUE); SIGSEGV
 *   finish-abort OUT     the same, Finished(FALSE), after abort()
 *   return OUT           the callback returns at once; SIGSEGV
 *   overflow OUT         as finish, after unbounded recursion on the main
 *                        thread (the callback needs a stack of its own)
 *   callback-crash OUT   the callback itself writes through null; the
 *                        process still dies of the first crash (abort)
 *   pings OUT MS N       ping interval MS; the callback pings N times, MS/2
 *                        apart, noting the wall time (ms) of the last ping,
 *                        then never again; SIGSEGV
 *   restart OUT FLAGS CMDLINE
 *                        RegisterApplicationRestart(CMDLINE, FLAGS), then
 *                        SIGSEGV. Started again as "restarted OUT ...", it
 *                        appends its arguments, cwd and $RESTART_PROBE to
 *                        OUT and exits 0
 *   live OUT             wer_report_now while a worker thread counts; notes
 *                        whether the worker counts on afterwards and whether
 *                        any thread is still traced; then a second report,
 *                        without a dump
 *   live-api OUT FILE    WerReportCreate/SetParameter/AddFile/AddDump/
 *                        Submit/CloseHandle, noting each HRESULT
 */
#include <dirent.h>
#include <stdarg.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include <werapi.h>
#include <wer/recovery.h>
#include <wer/wer.h>

void crash_now(void);
void report_problem(void);

static const char *out_path;
static volatile int crash_keep_going = 1;

static void note(const char *name, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void note(const char *name, const char *fmt, ...)
{
	FILE *f = fopen(out_path, "a");
	va_list ap;

	if (!f)
		return;
	fprintf(f, "%s ", name);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	fclose(f);
}

static long long wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int crash_recurse(int depth);

__attribute__((noinline)) int crash_recurse(int depth)
{
	volatile char pad[256];

	pad[0] = (char)depth;
	if (crash_keep_going)
		return crash_recurse(depth + 1) + pad[0];
	return 0;
}

__attribute__((noinline)) void crash_now(void)
{
	if (crash_keep_going)
		*(volatile int *)(uintptr_t)0 = 1;
}

/* 1 when ReportQueue holds a report directory with its Report.wer and
 * minidump: the report is complete. */
static int report_in_store(void)
{
	const char *store = getenv("WER_REPORT_DIR");
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d;
	int found = 0;

	if (!store)
		return 0;
	snprintf(path, sizeof(path), "%s/ReportQueue", store);
	if (!(d = opendir(path)))
		return 0;
	while ((e = readdir(d))) {
		char file[PATH_MAX + 300];

		if (e->d_name[0] == '.')
			continue;
		snprintf(file, sizeof(file), "%s/%s/Report.wer", path,
			 e->d_name);
		if (access(file, R_OK) == 0) {
			snprintf(file, sizeof(file), "%s/%s/minidump.mdmp",
				 path, e->d_name);
			found = access(file, R_OK) == 0;
		}
	}
	closedir(d);
	return found;
}

static DWORD WINAPI recover_finish(PVOID param)
{
	BOOL cancelled = TRUE;
	HRESULT hr;

	note("callback-param", "%s", (const char *)param);
	note("report-complete", "%d", report_in_store());
	note("register-metadata", "0x%08X",
	     (unsigned)WerRegisterCustomMetadata(L"Late", L"value"));
	note("register-file", "0x%08X",
	     (unsigned)wer_register_file("/tmp/x", WerRegFileTypeOther, 0));
	note("register-restart", "0x%08X",
	     (unsigned)RegisterApplicationRestart(L"x", 0));
	note("register-recovery", "0x%08X",
	     (unsigned)RegisterApplicationRecoveryCallback(recover_finish, NULL,
							   0, 0));
	note("unregister-recovery", "0x%08X",
	     (unsigned)UnregisterApplicationRecoveryCallback());
	hr = ApplicationRecoveryInProgress(&cancelled);
	note("in-progress", "0x%08X %d", (unsigned)hr, cancelled);
	note("finishing", "%lld", wall_ms());
	ApplicationRecoveryFinished(strcmp(param, "abort") != 0);
	note("after-finished", "returned");
	return 0;
}

static DWORD WINAPI recover_return(PVOID param)
{
	(void)param;
	note("callback", "ran");
	return 7;
}

static DWORD WINAPI recover_crash(PVOID param)
{
	(void)param;
	note("callback", "crashing");
	crash_now();
	note("callback", "survived");
	return 0;
}

static int ping_ms, ping_count;

static DWORD WINAPI recover_pings(PVOID param)
{
	BOOL cancelled;

	(void)param;
	note("callback-start", "%lld", wall_ms());
	for (int i = 0; i < ping_count; i++) {
		usleep((useconds_t)ping_ms * 500);
		if (ApplicationRecoveryInProgress(&cancelled) != S_OK)
			note("ping-failed", "%d", i);
		note("last-ping", "%lld", wall_ms());
	}
	for (;;)
		pause();
	return 0;
}

static volatile long counter;

static void *count_forever(void *arg)
{
	(void)arg;
	for (;;)
		counter++;
	return NULL;
}

/* Threads of this process that a tracer still holds. */
static int traced_threads(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int traced = 0;

	while (d && (e = readdir(d))) {
		char path[300], line[256];
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/status",
			 e->d_name);
		if (!(f = fopen(path, "r")))
			continue;
		while (fgets(line, sizeof(line), f))
			if (!strncmp(line, "TracerPid:", 10) &&
			    atoi(line + 10) != 0)
				traced++;
		fclose(f);
	}
	if (d)
		closedir(d);
	return traced;
}

__attribute__((noinline)) void report_problem(void)
{
	HRESULT hr = wer_report_now("AppAssert", "index 7 out of range", 0);

	note("report-now", "0x%08X", (unsigned)hr);
}

static int live(void)
{
	pthread_t t;
	long before, after;

	wer_register_custom_metadata("Build", "live-42");
	pthread_create(&t, NULL, count_forever, NULL);
	while (!counter)
		usleep(1000);
	note("pid", "%d", (int)getpid());
	report_problem();
	before = counter;
	usleep(100 * 1000);
	after = counter;
	note("worker-counts-on", "%d", after > before);
	note("traced-threads", "%d", traced_threads());
	note("second-report", "0x%08X",
	     (unsigned)wer_report_now("AppAssert", "again",
				      WER_REPORT_NOW_NO_DUMP));
	note("bad-event", "0x%08X",
	     (unsigned)wer_report_now("has space", NULL, 0));
	note("main-goes-on", "1");
	return 0;
}

static int live_api(const char *file)
{
	WER_REPORT_INFORMATION info;
	WER_SUBMIT_RESULT result = 0;
	wchar_t wfile[PATH_MAX];
	HREPORT h = NULL;

	memset(&info, 0, sizeof(info));
	info.dwSize = sizeof(info);
	wcscpy(info.wzDescription, L"A problem that did not crash");
	mbstowcs(wfile, file, PATH_MAX);
	note("create", "0x%08X",
	     (unsigned)WerReportCreate(L"MyEvent", WerReportNonCritical, &info,
				       &h));
	note("param0", "0x%08X",
	     (unsigned)WerReportSetParameter(h, 0, L"Component", L"parser"));
	note("param1", "0x%08X",
	     (unsigned)WerReportSetParameter(h, 1, NULL, L"line 12"));
	note("param10", "0x%08X",
	     (unsigned)WerReportSetParameter(h, 10, L"Too", L"far"));
	note("add-file", "0x%08X",
	     (unsigned)WerReportAddFile(h, wfile, WerFileTypeOther, 0));
	note("add-dump-other-process", "0x%08X",
	     (unsigned)WerReportAddDump(h, (HANDLE)(intptr_t)1234, NULL,
					WerDumpTypeMiniDump, NULL, NULL, 0));
	note("add-dump", "0x%08X",
	     (unsigned)WerReportAddDump(h, GetCurrentProcess(), NULL,
					WerDumpTypeMiniDump, NULL, NULL, 0));
	note("submit", "0x%08X",
	     (unsigned)WerReportSubmit(h, WerConsentApproved,
				       WER_SUBMIT_ADD_REGISTERED_DATA,
				       &result));
	note("result", "%d", (int)result);
	note("close", "0x%08X", (unsigned)WerReportCloseHandle(h));
	note("close-again", "0x%08X", (unsigned)WerReportCloseHandle(h));
	note("traced-threads", "%d", traced_threads());
	return 0;
}

/* SigIgn: of /proc/self/status, the mask of ignored signals, or "?". */
static const char *ignored_signals(void)
{
	static char buf[4096], mask[32] = "?";
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(buf, sizeof(buf), f))
		if (sscanf(buf, "SigIgn: %31s", mask) == 1)
			break;
	if (f)
		fclose(f);
	return mask;
}

int main(int argc, char **argv)
{
	BOOL cancelled;

	if (argc < 3) {
		fprintf(stderr, "usage: %s MODE OUT [ARGS]\n", argv[0]);
		return 2;
	}
	out_path = argv[2];
	if (!strcmp(argv[1], "restarted")) {
		char cwd[PATH_MAX];
		const char *probe = getenv("RESTART_PROBE");

		for (int i = 3; i < argc; i++)
			note("arg", "[%s]", argv[i]);
		note("cwd", "%s", getcwd(cwd, sizeof(cwd)) ? cwd : "?");
		note("probe", "%s", probe ? probe : "(unset)");
		note("sigign", "%s", ignored_signals());
		note("restarted", "done");
		return 0;
	}
	note("outside-in-progress", "0x%08X",
	     (unsigned)ApplicationRecoveryInProgress(&cancelled));
	if (!strcmp(argv[1], "finish") || !strcmp(argv[1], "finish-abort")) {
		int is_abort = !strcmp(argv[1], "finish-abort");

		RegisterApplicationRecoveryCallback(
		    recover_finish, is_abort ? "abort" : "param", 10000, 0);
		if (is_abort)
			abort();
		crash_now();
	} else if (!strcmp(argv[1], "overflow")) {
		RegisterApplicationRecoveryCallback(recover_finish, "overflow",
						    10000, 0);
		return crash_recurse(0);
	} else if (!strcmp(argv[1], "return")) {
		RegisterApplicationRecoveryCallback(recover_return, NULL, 0, 0);
		crash_now();
	} else if (!strcmp(argv[1], "callback-crash")) {
		RegisterApplicationRecoveryCallback(recover_crash, NULL, 0, 0);
		abort();
	} else if (!strcmp(argv[1], "pings") && argc == 5) {
		ping_ms = atoi(argv[3]);
		ping_count = atoi(argv[4]);
		RegisterApplicationRecoveryCallback(recover_pings, NULL,
						    (DWORD)ping_ms, 0);
		crash_now();
	} else if (!strcmp(argv[1], "restart") && argc == 5) {
		static wchar_t cmd[4 * RESTART_MAX_CMD_LINE];

		mbstowcs(cmd, argv[4], sizeof(cmd) / sizeof(cmd[0]));
		note("register", "0x%08X",
		     (unsigned)RegisterApplicationRestart(
			 cmd, (DWORD)strtoul(argv[3], NULL, 0)));
		/* As a daemon would: the restarted process must ignore it
		 * too, and nothing else werfault ignores. */
		signal(SIGHUP, SIG_IGN);
		note("sigign", "%s", ignored_signals());
		crash_now();
	} else if (!strcmp(argv[1], "live")) {
		return live();
	} else if (!strcmp(argv[1], "live-api") && argc == 4) {
		return live_api(argv[3]);
	}
	fprintf(stderr, "%s: unknown mode %s\n", argv[0], argv[1]);
	return 2;
}
