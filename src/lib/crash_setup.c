/*
 * crash_setup.c - installs the crash path when libwer is loaded (linked or
 * LD_PRELOADed): finds werfault, reads the settings, gives the thread an
 * alternate signal stack and installs the handlers. WER_DISABLE=1 in the
 * environment turns all of it off.
 */
#include <dlfcn.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "crash.h"
#include "wer_internal.h"

#ifndef WER_HANDLER_INSTALL_PATH
#define WER_HANDLER_INSTALL_PATH "/usr/local/libexec/openwer/werfault"
#endif
#define ALT_STACK_FLOOR	   (64 * 1024)
#define DEFAULT_TIMEOUT_MS 10000

struct wer_crash_config wer__crash_config;
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
 * shared library, or the program libwer.a was linked into); else the
 * compiled-in install path. */
static void find_handler(void)
{
	const char *env = getenv("WER_HANDLER");
	Dl_info info;

	if (env && path_set(env))
		return;
	if (dladdr((void *)find_handler, &info) && info.dli_fname) {
		char buf[WER_HANDLER_PATH_MAX];
		const char *slash = strrchr(info.dli_fname, '/');

		if (slash &&
		    snprintf(buf, sizeof(buf), "%.*s/werfault",
			     (int)(slash - info.dli_fname),
			     info.dli_fname) < (int)sizeof(buf) &&
		    access(buf, X_OK) == 0 && path_set(buf))
			return;
	}
	path_set(WER_HANDLER_INSTALL_PATH);
}

static void give_alt_stack(void)
{
	long want = sysconf(_SC_SIGSTKSZ);
	size_t size = want > ALT_STACK_FLOOR ? (size_t)want : ALT_STACK_FLOOR;
	stack_t ss, old;
	void *mem;

	if (sigaltstack(NULL, &old) == 0 && !(old.ss_flags & SS_DISABLE))
		return; /* the application brought its own */
	mem = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (mem == MAP_FAILED)
		return;
	ss = (stack_t){.ss_sp = mem, .ss_size = size, .ss_flags = 0};
	if (sigaltstack(&ss, NULL) != 0)
		munmap(mem, size);
}

__attribute__((constructor)) static void crash_setup(void)
{
	const char *disable = getenv("WER_DISABLE");
	const char *timeout = getenv("WER_TIMEOUT_MS");
	struct sigaction sa;

	if (disable && strcmp(disable, "0") != 0 && disable[0])
		return;
	find_handler();
	wer__crash_config.timeout_ms = DEFAULT_TIMEOUT_MS;
	if (timeout) {
		char *end;
		long v = strtol(timeout, &end, 10);

		if (*end == '\0' && v > 0 && v <= INT_MAX)
			wer__crash_config.timeout_ms = (int)v;
	}
	give_alt_stack();
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = wer__crash_handler;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < WER_CRASH_SIGNAL_COUNT; i++)
		sigaction(wer__crash_signals[i], &sa, &wer__crash_previous[i]);
	wer__crash_config.enabled = 1;
}
