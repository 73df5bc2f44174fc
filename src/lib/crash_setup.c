/* SPDX-License-Identifier: MIT */
/*
 * crash_setup.c - installs the crash path when libwer is loaded (linked or
 * LD_PRELOADed): finds werfault, reads the settings, gives the thread an
 * alternate signal stack and installs the handlers. WER_DISABLE=1 in the
 * environment turns all of it off; WER_REGISTRATION_ONLY=1 too, for a
 * machine whose kernel hands cores to werfault (the system mode): the
 * registrations stay, read from the core.
 *
 * In a process started set-id, with file capabilities or through an LSM
 * transition (AT_SECURE), the environment belongs to whoever started it:
 * every variable is read with secure_getenv, which then gives nothing, so
 * werfault is the one beside libwer or the installed one, and there is
 * no per-user store (docs/security.md).
 */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>

#include "crash.h"
#include "kernel.h"
#include "settings.h"
#include "store_dir.h"
#include "wer/wer.h"
#include "wer_internal.h"

#ifndef WER_HANDLER_INSTALL_PATH
#define WER_HANDLER_INSTALL_PATH "/usr/local/libexec/openwer/werfault"
#endif
#define ALT_STACK_FLOOR	   (64 * 1024)
#define DEFAULT_TIMEOUT_MS 10000

struct wer_crash_config wer__crash_config;
const char wer__crash_setup_anchor;
const int wer__crash_signals[WER_CRASH_SIGNAL_COUNT] = {
    SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS};
struct sigaction wer__crash_previous[WER_CRASH_SIGNAL_COUNT];

static int path_set(const char *path)
{
	size_t n = strlen(path);

	if (n == 0 || n >= sizeof(wer__crash_config.handler_path))
		return 0;
	memcpy(wer__crash_config.handler_path, path, n + 1);
	return 1;
}

/* WER_HANDLER; else werfault beside the object that holds libwer (the
 * shared library, or the program libwer.a was linked into: a -static
 * program has no dynamic loader to say, and is its executable), or in
 * ../libexec/openwer/ from it (a relocated install); else the compiled-in
 * install path. Needs exe_path. */
static void find_handler(void)
{
	static const char *const beside[] = {"/werfault",
					     "/../libexec/openwer/werfault"};
	const char *env = secure_getenv("WER_HANDLER");
	const char *object = wer__crash_config.exe_path, *slash;
	Dl_info info;

	if (env && path_set(env))
		return;
	if (dladdr((void *)find_handler, &info) && info.dli_fname &&
	    strchr(info.dli_fname, '/'))
		object = info.dli_fname;
	slash = strrchr(object, '/');
	for (size_t i = 0; slash && i < 2; i++) {
		char buf[WER_HANDLER_PATH_MAX];
		int n = snprintf(buf, sizeof(buf), "%.*s%s",
				 (int)(slash - object), object, beside[i]);

		if (n > 0 && n < (int)sizeof(buf) && access(buf, X_OK) == 0 &&
		    path_set(buf))
			return;
	}
	path_set(WER_HANDLER_INSTALL_PATH);
}

/* ---- alternate signal stacks ----------------------------------------------
 * A stack overflow can only be reported from another stack, and
 * sigaltstack is per thread: the thread that loads libwer gets one here;
 * every thread started later gets one from libwer.so's pthread_create
 * (thread_stacks.c), which a static link cannot interpose. Each has a
 * guard page below it. */

size_t wer__alt_stack_size;

void *wer__give_alt_stack(void)
{
	long page = sysconf(_SC_PAGESIZE);
	stack_t ss, old;
	char *mem;

	if (sigaltstack(NULL, &old) == 0 && !(old.ss_flags & SS_DISABLE))
		return NULL; /* the application brought its own */
	mem = mmap(NULL, wer__alt_stack_size + (size_t)page,
		   PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (mem == MAP_FAILED)
		return NULL;
	mprotect(mem, (size_t)page, PROT_NONE);
	ss = (stack_t){.ss_sp = mem + page, .ss_size = wer__alt_stack_size};
	if (sigaltstack(&ss, NULL) != 0) {
		munmap(mem, wer__alt_stack_size + (size_t)page);
		return NULL;
	}
	return mem;
}

void wer__free_alt_stack(void *mem)
{
	stack_t ss = {.ss_flags = SS_DISABLE};

	sigaltstack(&ss, NULL);
	munmap(mem, wer__alt_stack_size + (size_t)sysconf(_SC_PAGESIZE));
}

static pthread_mutex_t install_lock = PTHREAD_MUTEX_INITIALIZER;

/* Installs libwer's handlers where they are not already first, keeping
 * what was there to chain to: also over a handler the application put
 * in place of libwer's since. */
static int install_handlers(void)
{
	struct sigaction sa, now;
	int ok = 1;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = wer__crash_handler;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < WER_CRASH_SIGNAL_COUNT; i++) {
		if (sigaction(wer__crash_signals[i], NULL, &now) != 0) {
			ok = 0;
			continue;
		}
		if (wer__is_crash_handler(&now))
			continue;
		ok &= sigaction(wer__crash_signals[i], &sa,
				&wer__crash_previous[i]) == 0;
	}
	return ok;
}

/* Puts back what libwer's handlers replaced, where libwer's are still
 * installed; a handler the application installed since stays (it may
 * chain to libwer's, which then reports nothing and chains on). */
static int remove_handlers(void)
{
	struct sigaction now;
	int ok = 1;

	for (int i = 0; i < WER_CRASH_SIGNAL_COUNT; i++) {
		if (sigaction(wer__crash_signals[i], NULL, &now) != 0) {
			ok = 0;
			continue;
		}
		if (wer__is_crash_handler(&now))
			ok &= sigaction(wer__crash_signals[i],
					&wer__crash_previous[i], NULL) == 0;
	}
	return ok;
}

WER_EXPORT HRESULT wer_set_crash_reporting(int enabled)
{
	HRESULT hr = S_OK;

	pthread_mutex_lock(&install_lock);
	if (enabled) {
		if (!wer__crash_config.enabled)
			wer__give_alt_stack();
		if (install_handlers())
			__atomic_store_n(&wer__crash_config.enabled, 1,
					 __ATOMIC_RELEASE);
		else
			hr = E_FAIL;
	} else {
		__atomic_store_n(&wer__crash_config.enabled, 0,
				 __ATOMIC_RELEASE);
		if (!remove_handlers())
			hr = E_FAIL;
	}
	pthread_mutex_unlock(&install_lock);
	return hr;
}

WER_EXPORT int wer_crash_reporting_enabled(void)
{
	return wer__crash_config.enabled;
}

/* Where the crash path's own report would go (the store's one rule,
 * store_path.c), and the executable's path and name. */
static void find_store(void)
{
	char *slash;
	ssize_t n;

	if (wer__store_default_path(wer__crash_config.store_path,
				    sizeof(wer__crash_config.store_path)) < 0)
		wer__crash_config.store_path[0] = '\0';
	n = readlink("/proc/self/exe", wer__crash_config.exe_path,
		     sizeof(wer__crash_config.exe_path) - 1);
	wer__crash_config.exe_path[n > 0 ? n : 0] = '\0';
	slash = strrchr(wer__crash_config.exe_path, '/');
	wer__crash_config.app_name =
	    slash ? slash + 1 : wer__crash_config.exe_path;
}

void wer__crash_use_store(const char *store)
{
	struct wer_crash_config *c = &wer__crash_config;
	const char *dir = secure_getenv("WER_REPORT_DIR");
	int at = __atomic_load_n(&c->code_store_at, __ATOMIC_RELAXED);
	int next = at == 1 ? 2 : 1;

	/* The environment's WER_REPORT_DIR ranks over the application's
	 * code (docs/settings.md, "Precedence"). */
	if (!store[0] || (dir && dir[0]) ||
	    strlen(store) >= sizeof(c->code_store[0])) {
		__atomic_store_n(&c->code_store_at, 0, __ATOMIC_RELEASE);
		return;
	}
	memcpy(c->code_store[next - 1], store, strlen(store) + 1);
	__atomic_store_n(&c->code_store_at, next, __ATOMIC_RELEASE);
}

/* Whether the crash path may stop its own threads and leave its memory
 * to a keeper (crash_freeze.c). Not with WER_CAPTURE=ptrace; not on a
 * kernel before 5.16, whose core dump kills every process sharing the
 * dying one's memory, the keeper among them; not under ThreadSanitizer,
 * which cannot follow a CLONE_VM child running on the crashed thread's
 * thread-local storage. */
static int freeze_possible(void)
{
	const char *capture = secure_getenv("WER_CAPTURE");

#if defined(__SANITIZE_THREAD__)
	return 0;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
	return 0;
#endif
#endif
	if (capture && !strcmp(capture, "ptrace"))
		return 0;
	return wer_kernel_at_least(5, 16);
}

/* What does not change while the process runs: werfault's path, the
 * deadline, the alternate stacks' size. */
static void load_settings(void)
{
	const char *timeout = secure_getenv("WER_TIMEOUT_MS");
	long want = sysconf(_SC_SIGSTKSZ);

	wer__crash_config.secure_start = getauxval(AT_SECURE) != 0;
	wer__crash_config.start_uid = getuid();
	wer__crash_config.start_gid = getgid();
	find_store();
	find_handler();
	wer__crash_config.timeout_ms = DEFAULT_TIMEOUT_MS;
	if (timeout) {
		char *end;
		long v = strtol(timeout, &end, 10);

		if (*end == '\0' && v > 0 && v <= INT_MAX)
			wer__crash_config.timeout_ms = (int)v;
	}
	wer__alt_stack_size =
	    want > ALT_STACK_FLOOR ? (size_t)want : ALT_STACK_FLOOR;
	wer__crash_config.freeze = freeze_possible();
}

/* Whether a variable is set to something else than "" or "0". */
static int env_on(const char *name)
{
	const char *v = secure_getenv(name);

	return v && v[0] && strcmp(v, "0") != 0;
}

/* No handler: RegistrationOnly=1 in the settings (the user's or the
 * machine's file, or WER_REGISTRATION_ONLY=1), where the registry works
 * and the machine's handler (the system mode, docs/system.md) reads the
 * registrations from the core; or Disabled=1 (or WER_DISABLE=1), where no
 * report is written at all. The files are read once, at start-up. */
static int no_handler(void)
{
	struct wer_settings *s = malloc(sizeof(*s));
	char err[256], app[72];
	int no;

	if (!s)
		return env_on("WER_DISABLE") || env_on("WER_REGISTRATION_ONLY");
	/* The program's own [app NAME] sections too. */
	wer_settings_app_of(NULL, 0, app, sizeof(app));
	wer_settings_load_app(s, 0, app[0] ? app : NULL, err, sizeof(err));
	no = s->number[WER_SET_REGISTRATION_ONLY] == 1 ||
	     s->number[WER_SET_DISABLED] == 1;
	free(s);
	return no;
}

__attribute__((constructor)) static void crash_setup(void)
{
	load_settings();
	if (env_on("WER_DISABLE") || no_handler())
		return;
	wer__cxx_setup();
	wer_set_crash_reporting(TRUE);
}
