/* SPDX-License-Identifier: MIT */
/*
 * crash_program MODE - a program linked with libwer that registers metadata
 * and then crashes the way MODE says; crash_tests.sh runs it and reads what
 * lands on disk.
 *
 *   null             write through a null pointer in the main thread (SIGSEGV)
 *   thread-null      the same in a secondary thread while 20 others run
 *   abort            abort() (SIGABRT)
 *   overflow         unbounded recursion on the main thread (SIGSEGV)
 *   thread-overflow  the same on a pthread_create'd thread, default attributes
 *   fpe              integer division by a volatile zero (SIGFPE on x86-64)
 *   ill              __builtin_trap (SIGILL on x86-64)
 *   bus              touch a file mapping truncated to 0 bytes (SIGBUS)
 *   two-threads      two threads leave a barrier and both write through null
 *   race             crash while a thread re-registers "Race" in a tight
 *                    loop, alternating two 128-character values
 *   double-free      free a block twice: glibc aborts (SIGABRT)
 *   null-call        call through a NULL function pointer (SIGSEGV at pc 0)
 *   noise-a, noise-b the same bug (crash_null_write called from
 *                    crash_noisy) with different words on the stack:
 *                    pointers to other functions, strings and data
 *   reraise          as Python's faulthandler: a handler of its own on a
 *                    malloc()ed alternate signal stack catches the null
 *                    write, puts libwer's handler back and raises the
 *                    signal again; a heap block right above that stack
 *                    holds a marker no report may carry
 *
 * Every crash happens in a function of its own, noinline and external, so
 * that the crashed thread's stack names it. If CRASH_INFO names a file, the
 * program appends to it, before crashing:
 *   pid P          its process id
 *   crash-tid T    the thread that will crash (twice for two-threads)
 *   threads N      how many threads are alive at the crash
 *   altstack A     (reraise) the alternate signal stack's address
 *   altstack-size S          and size
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <werapi.h>
#include <wer/recovery.h>
#include <wer/wer.h>

#define WORKERS	     20
#define RACE_ROUNDS  2000
#define VALUE_LENGTH 128

void crash_null_write(void);
void crash_abort(void);
int crash_recurse(int depth);
int crash_divide(void);
void crash_trap(void);
void crash_bus(volatile char *mapping);
void crash_double_free(void);
void crash_null_call(void);
void crash_noisy(int which);

static char race_value_a[VALUE_LENGTH + 1], race_value_b[VALUE_LENGTH + 1];
static int workers_started, race_rounds;
static pthread_barrier_t barrier;

/* Nonzero at run time; the compiler cannot know it (keeps the unbounded
 * recursion from being diagnosed or turned into a loop). */
static volatile int crash_keep_going = 1;

static void note(const char *what, long value)
{
	const char *path = getenv("CRASH_INFO");
	char line[64];
	int fd, n;

	if (!path)
		return;
	n = snprintf(line, sizeof(line), "%s %ld\n", what, value);
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	(void)!write(fd, line, (size_t)n);
	close(fd);
}

static long current_tid(void)
{
	return syscall(SYS_gettid);
}

__attribute__((noinline)) void crash_null_write(void)
{
	volatile int *volatile p = NULL; /* opaque to the optimizer */

	*p = 42;
}

__attribute__((noinline)) void crash_null_call(void)
{
	void (*volatile fn)(void) = NULL; /* opaque to the optimizer */

	fn();
	__asm__ volatile("" ::: "memory"); /* not a tail call */
}

__attribute__((noinline)) void crash_abort(void)
{
	volatile int here = 1;

	(void)here;
	abort();
}

__attribute__((noinline)) int crash_recurse(int depth)
{
	volatile char frame[512];

	frame[0] = (char)depth;
	frame[sizeof(frame) - 1] = (char)depth;
	if (crash_keep_going)
		return crash_recurse(depth + 1) + frame[0] +
		       frame[sizeof(frame) - 1];
	return frame[0];
}

__attribute__((noinline)) int crash_divide(void)
{
	volatile int zero = 0, one = 1;

	return one / zero;
}

__attribute__((noinline)) void crash_trap(void)
{
	volatile int here = 1;

	(void)here;
	__builtin_trap();
}

__attribute__((noinline)) void crash_bus(volatile char *mapping)
{
	mapping[0] = 1;
}

__attribute__((noinline)) void crash_double_free(void)
{
	char *volatile p = malloc(32); /* volatile: no use-after-free warning */

	if (!p)
		abort();
	memset(p, 'x', 32);
	free(p);
	free(p);
	crash_keep_going = 1; /* after the call: no tail call, a frame */
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};

	nanosleep(&ts, NULL);
}

/* ---- threads -------------------------------------------------------------
 */

static void *worker(void *arg)
{
	volatile unsigned long spins = 0;

	(void)arg;
	__atomic_add_fetch(&workers_started, 1, __ATOMIC_SEQ_CST);
	for (;;) {
		/* Half running, half sleeping: both kinds of thread. */
		for (int i = 0; i < 100000; i++)
			spins++;
		sleep_ms(1);
	}
	return NULL;
}

static void *null_writer(void *arg)
{
	(void)arg;
	while (__atomic_load_n(&workers_started, __ATOMIC_SEQ_CST) < WORKERS)
		sleep_ms(1);
	note("crash-tid", current_tid());
	crash_null_write();
	return NULL;
}

static void *barrier_null_writer(void *arg)
{
	(void)arg;
	note("crash-tid", current_tid());
	pthread_barrier_wait(&barrier);
	crash_null_write();
	return NULL;
}

/* A thread that blocks every signal it can (programs that wait for
 * signals with sigwait do): it cannot stop itself, so werfault's ptrace
 * capture takes over. */
static int blocker_ready;

static void *signal_blocker(void *arg)
{
	sigset_t all;

	(void)arg;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	__atomic_store_n(&blocker_ready, 1, __ATOMIC_SEQ_CST);
	for (;;)
		sleep_ms(1000);
	return NULL;
}

static void *recurser(void *arg)
{
	(void)arg;
	note("crash-tid", current_tid());
	return (void *)(intptr_t)crash_recurse(0);
}

static void *race_registrar(void *arg)
{
	(void)arg;
	for (;;) {
		if (wer_register_custom_metadata("Race", race_value_a) !=
			S_OK ||
		    wer_register_custom_metadata("Race", race_value_b) != S_OK)
			abort();
		__atomic_add_fetch(&race_rounds, 1, __ATOMIC_SEQ_CST);
	}
	return NULL;
}

static void start(pthread_t *thread, void *(*fn)(void *))
{
	if (pthread_create(thread, NULL, fn, NULL) != 0) {
		fprintf(stderr, "crash_program: pthread_create failed\n");
		exit(3);
	}
}

static void join(pthread_t thread)
{
	pthread_join(thread, NULL);
	fprintf(stderr, "crash_program: the crashing thread returned\n");
	exit(4);
}

/* ---- modes ---------------------------------------------------------------
 */

static void mode_thread_null(void)
{
	pthread_t threads[WORKERS], crasher;

	for (int i = 0; i < WORKERS; i++)
		start(&threads[i], worker);
	note("threads", WORKERS + 2);
	start(&crasher, null_writer);
	join(crasher);
}

static void mode_two_threads(void)
{
	pthread_t a, b;

	pthread_barrier_init(&barrier, NULL, 2);
	note("threads", 3);
	start(&a, barrier_null_writer);
	start(&b, barrier_null_writer);
	join(a);
}

static void mode_blocked_thread(void)
{
	pthread_t t;

	note("threads", 2);
	start(&t, signal_blocker);
	while (!__atomic_load_n(&blocker_ready, __ATOMIC_SEQ_CST))
		sleep_ms(1);
	note("crash-tid", current_tid());
	crash_null_write();
}

static void mode_thread_overflow(void)
{
	pthread_t t;

	note("threads", 2);
	start(&t, recurser);
	join(t);
}

static void mode_race(void)
{
	pthread_t t;

	memset(race_value_a, 'a', VALUE_LENGTH);
	memset(race_value_b, 'b', VALUE_LENGTH);
	if (wer_register_custom_metadata("Race", race_value_a) != S_OK)
		exit(3);
	note("threads", 2);
	start(&t, race_registrar);
	while (__atomic_load_n(&race_rounds, __ATOMIC_SEQ_CST) < RACE_ROUNDS)
		sleep_ms(1);
	note("crash-tid", current_tid());
	crash_null_write(); /* the registrar keeps going meanwhile */
}

static void mode_bus(void)
{
	FILE *f = tmpfile();
	long page = sysconf(_SC_PAGESIZE);
	char *mapping;

	if (!f || ftruncate(fileno(f), page) != 0)
		exit(3);
	mapping = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_SHARED,
		       fileno(f), 0);
	if (mapping == MAP_FAILED || ftruncate(fileno(f), 0) != 0)
		exit(3);
	note("threads", 1);
	note("crash-tid", current_tid());
	crash_bus(mapping);
}

/* The application's own SIGSEGV handler: says it ran (on fd 2, which
 * the test reads), restores the default action and returns, so that the
 * fault kills the process. */
static void app_segv_handler(int sig)
{
	static const char msg[] = "crash_program: application handler ran\n";

	(void)!write(2, msg, sizeof(msg) - 1);
	signal(sig, SIG_DFL);
}

/* The application installs a handler of its own after libwer's, then asks
 * libwer to go first again: libwer reports, then chains to it. */
static void mode_chain(void)
{
	int was_enabled = wer_crash_reporting_enabled();

	if (was_enabled && wer_set_crash_reporting(FALSE) != S_OK)
		exit(4);
	signal(SIGSEGV, app_segv_handler);
	if (was_enabled && wer_set_crash_reporting(TRUE) != S_OK)
		exit(5);
	note("threads", 1);
	note("crash-tid", current_tid());
	crash_null_write();
}

/* The application installs its handler over libwer's (libwer's is
 * displaced), then turns reporting on (OFF_FIRST: off, then on): libwer's
 * goes first again, reports, and chains to the application's. */
static void mode_chain_displaced(int off_first)
{
	int was_enabled = wer_crash_reporting_enabled();

	signal(SIGSEGV, app_segv_handler);
	if (was_enabled && off_first && wer_set_crash_reporting(FALSE) != S_OK)
		exit(4);
	if (was_enabled && wer_set_crash_reporting(TRUE) != S_OK)
		exit(5);
	note("threads", 1);
	note("crash-tid", current_tid());
	crash_null_write();
}

/* ---- noise: one bug, different stack contents ----------------------- */

static const char noise_text[] = "a string constant the stack points into";
static int noise_data[16];

void crash_noisy(int which)
{
	/* Words a stack scan takes for return addresses: they point into
	 * this program's and libc's code and data. */
	const void *volatile junk[48];

	for (int i = 0; i < 48; i++) {
		if (which)
			junk[i] = i % 3 == 0 ? (const void *)&strlen
				  : i % 3 == 1
				      ? (const void *)&noise_text[i]
				      : (const void *)&noise_data[i % 16];
		else
			junk[i] = i % 2 ? (const void *)&memcpy
					: (const void *)&crash_abort;
	}
	crash_null_write();
	(void)junk[0];
}

/* ---- reraise: Python's faulthandler, as it behaves ---------------------- */

#define RERAISE_STACK_SIZE (64 * 1024)
#define RERAISE_MARKER	   "OPENWER-HEAP-SECRET-"

static struct sigaction reraise_previous;

static void reraise_handler(int sig)
{
	static const char msg[] = "crash_program: faulthandler-like handler "
				  "ran\n";

	(void)!write(2, msg, sizeof(msg) - 1);
	sigaction(sig, &reraise_previous, NULL);
	raise(sig);
}

static void mode_reraise(void)
{
	stack_t ss = {.ss_size = RERAISE_STACK_SIZE};
	struct sigaction sa;
	char *secret;
	size_t marker = sizeof(RERAISE_MARKER) - 1;

	/* Both below malloc's mmap threshold: the marker's block follows
	 * the stack's in the heap. */
	ss.ss_sp = malloc(RERAISE_STACK_SIZE);
	secret = malloc(RERAISE_STACK_SIZE);
	if (!ss.ss_sp || !secret || sigaltstack(&ss, NULL) != 0)
		exit(3);
	for (size_t i = 0; i + marker <= RERAISE_STACK_SIZE; i += marker)
		memcpy(secret + i, RERAISE_MARKER, marker);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = reraise_handler;
	sa.sa_flags = SA_NODEFER | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSEGV, &sa, &reraise_previous) != 0)
		exit(3);
	note("threads", 1);
	note("crash-tid", current_tid());
	note("altstack", (long)(uintptr_t)ss.ss_sp);
	note("altstack-size", (long)ss.ss_size);
	crash_null_write();
}

/* libwer's registry, found as a system handler finds it in a core: in a
 * writable mapping of libwer, at a 64-byte boundary, the magic followed
 * (at byte 24) by its own address. NULL when not found. */
static unsigned char *find_registry(void)
{
	static const char magic[8] = "OWERREG";
	char line[4096];
	FILE *maps = fopen("/proc/self/maps", "re");
	unsigned char *found = NULL;
	int after_libwer = 0;

	/* Its .data, or its .bss past the file (the anonymous mapping that
	 * follows). */
	while (maps && !found && fgets(line, sizeof(line), maps)) {
		unsigned long lo, hi;
		char perms[5];
		int libwer = strstr(line, "libwer") != NULL;
		int anonymous = !strchr(line, '/') && !strchr(line, '[');
		int candidate = libwer || (after_libwer && anonymous);

		after_libwer = libwer || (after_libwer && anonymous);
		if (sscanf(line, "%lx-%lx %4s", &lo, &hi, perms) != 3 ||
		    perms[0] != 'r' || perms[1] != 'w' || !candidate)
			continue;
		for (unsigned long at = lo; at + 32 <= hi; at += 64) {
			uint64_t self;

			memcpy(&self, (void *)(at + 24), sizeof(self));
			if (!memcmp((void *)at, magic, sizeof(magic)) &&
			    self == at) {
				found = (unsigned char *)at;
				break;
			}
		}
	}
	if (maps)
		fclose(maps);
	return found;
}

/* hide-registry, hostile-registry, claims-reported: the registry as an
 * attacker or a careful program leaves it, then a crash (the system mode's
 * tests, docs/system.md). */
static void mode_registry(const char *mode)
{
	unsigned char *reg = find_registry();
	long page = sysconf(_SC_PAGESIZE);

	if (!reg)
		exit(4);
	if (!strcmp(mode, "hide-registry")) {
		/* Out of the core: werfault must say the registry is missing,
		 * not read garbage. */
		uintptr_t lo = (uintptr_t)reg & ~(uintptr_t)(page - 1);

		if (madvise((void *)lo, 256 * 1024, MADV_DONTDUMP) != 0)
			exit(5);
	} else if (!strcmp(mode, "hostile-registry")) {
		/* Every metadata slot's both copies: lengths past their
		 * fields, escape sequences and control bytes in keys and
		 * values; the header's counts huge. */
		uint32_t meta_offset, huge = 0xffffffffu;

		memcpy(&meta_offset, reg + 68, sizeof(meta_offset));
		for (size_t i = 0; i < 2 * 8; i++) {
			unsigned char *slot = reg + meta_offset + i * 396;

			memset(slot, 0xff, 4);
			static const char key[] = "\x1b[31mEvil\x07\r\n",
					  value[] = "\x1b]0;title\x07\x01\x02";

			memcpy(slot + 4, key, sizeof(key) - 1);
			memcpy(slot + 4 + 260, value, sizeof(value) - 1);
		}
		memcpy(reg + 32, &huge, sizeof(huge)); /* meta_slots */
		memcpy(reg + 88, &huge, sizeof(huge)); /* meta_count */
	} else {
		/* claims-reported: "already reported", naming another
		 * process (1): a report all the same. */
		uint64_t other = 1;

		memcpy(reg + 120, &other, sizeof(other));
	}
	note("threads", 1);
	note("crash-tid", current_tid());
	crash_null_write();
}

/* blocks: a registered memory block on the heap (its bytes in the
 * report), and a secret on the stack registered as excluded (its bytes in
 * no file), then a crash. */
static void mode_blocks(void)
{
	static const char block_marker[] = "OPENWER-BLOCK-MARKER:",
			  secret_marker[] = "OPENWER-EXCLUDED-SECRET";
	volatile char secret[256];
	char *block = malloc(4096);

	if (!block)
		exit(3);
	for (size_t i = 0; i + sizeof(block_marker) - 1 <= 4096;
	     i += sizeof(block_marker) - 1)
		memcpy(block + i, block_marker, sizeof(block_marker) - 1);
	for (size_t i = 0; i < sizeof(secret); i++)
		secret[i] = secret_marker[i % (sizeof(secret_marker) - 1)];
	if (WerRegisterMemoryBlock(block, 4096) != S_OK ||
	    WerRegisterExcludedMemoryBlock((const void *)secret,
					   sizeof(secret)) != S_OK)
		exit(4);
	note("threads", 1);
	note("crash-tid", current_tid());
	crash_null_write();
	secret[0] = 0; /* kept on the stack until the crash */
}

/* CRASH_SETTINGS="Name=Value;Name=Value": the program sets them for its
 * own crashes in code, as an application does at start-up. Not inlined
 * (nor set_native): main's frame stays small, so the crash's stack holds
 * no uninitialized kilobytes of what ran before main (cli_tests looks
 * for the arguments' secrets in every byte of the minidump). */
__attribute__((noinline)) static int set_settings(void)
{
	const char *list = getenv("CRASH_SETTINGS");
	char buf[2048], *item, *save = NULL;

	if (!list)
		return 0;
	snprintf(buf, sizeof(buf), "%s", list);
	for (item = strtok_r(buf, ";", &save); item;
	     item = strtok_r(NULL, ";", &save)) {
		char *eq = strchr(item, '=');

		if (!eq)
			return -1;
		*eq = '\0';
		if (wer_set_report_setting(item, eq + 1) != WER_S_OK)
			return -1;
	}
	return 0;
}

/* CRASH_NATIVE=N: N pairs of the native table (wer_set_metadata),
 * Native0..Native<N-1>, each value 256 bytes of UTF-8: "N07-" and 126
 * u-umlauts. With CRASH_NATIVE_MOVE=1, "Build" then moves there too (set
 * natively: "nightly-42 \u2713"), leaving WER's count at 3. */
__attribute__((noinline)) static int set_native(void)
{
	const char *n_text = getenv("CRASH_NATIVE");
	char key[32], value[WER_NATIVE_METADATA_VALUE_MAX_BYTES + 1];
	int n = n_text ? atoi(n_text) : 0;

	for (int i = 0; i < n && i < 100; i++) {
		snprintf(key, sizeof(key), "Native%d", i);
		value[0] = 'N';
		value[1] = (char)('0' + i / 10);
		value[2] = (char)('0' + i % 10);
		value[3] = '-';
		for (int k = 4; k < WER_NATIVE_METADATA_VALUE_MAX_BYTES; k += 2)
			memcpy(value + k, "\xc3\xbc", 2);
		value[WER_NATIVE_METADATA_VALUE_MAX_BYTES] = '\0';
		if (wer_set_metadata(key, value) != WER_S_OK)
			return -1;
	}
	if (getenv("CRASH_NATIVE_MOVE") &&
	    (wer_set_metadata("Build", "nightly-42 \xe2\x9c\x93") != WER_S_OK ||
	     wer_registered_metadata_count() != 3 ||
	     wer_metadata_count() != (size_t)n + 4))
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "null";

	if (set_settings() < 0)
		return 5;

	if (WerRegisterCustomMetadata(L"Build", L"nightly-42") != S_OK ||
	    wer_register_custom_metadata("Escapes", "<a & \"b\">") != S_OK ||
	    wer_register_custom_metadata("\xc3\x9c"
					 "bersetzung",
					 "de-DE") != S_OK ||
	    wer_register_custom_metadata("Path", "C:\\Temp\\it's") != S_OK)
		return 3;
	if (set_native() < 0)
		return 7;
	note("pid", (long)getpid());
	if (!strcmp(mode, "thread-null")) {
		mode_thread_null();
	} else if (!strcmp(mode, "two-threads")) {
		mode_two_threads();
	} else if (!strcmp(mode, "blocked-thread")) {
		mode_blocked_thread();
	} else if (!strcmp(mode, "thread-overflow")) {
		mode_thread_overflow();
	} else if (!strcmp(mode, "race")) {
		mode_race();
	} else if (!strcmp(mode, "bus")) {
		mode_bus();
	} else if (!strcmp(mode, "chain-displaced")) {
		mode_chain_displaced(0);
	} else if (!strcmp(mode, "chain-off-on")) {
		mode_chain_displaced(1);
	} else if (!strcmp(mode, "reraise")) {
		mode_reraise();
	} else if (!strcmp(mode, "chain")) {
		mode_chain();
	} else if (!strcmp(mode, "blocks")) {
		mode_blocks();
	} else if (!strcmp(mode, "hide-registry") ||
		   !strcmp(mode, "hostile-registry") ||
		   !strcmp(mode, "claims-reported")) {
		mode_registry(mode);
	} else if (!strcmp(mode, "big")) {
		/* 4 GiB of memory in use, then a crash: a mini dump must not
		 * make werfault's memory grow with the process's. */
		size_t size = (size_t)4 << 30;
		char *big =
		    mmap(NULL, size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

		if (big == MAP_FAILED)
			return 6;
		for (size_t i = 0; i < size; i += 4096)
			big[i] = (char)i;
		note("threads", 1);
		note("crash-tid", current_tid());
		crash_null_write();
	} else {
		note("threads", 1);
		note("crash-tid", current_tid());
		if (!strcmp(mode, "null"))
			crash_null_write();
		else if (!strcmp(mode, "abort"))
			crash_abort();
		else if (!strcmp(mode, "overflow"))
			return crash_recurse(0);
		else if (!strcmp(mode, "fpe"))
			return crash_divide();
		else if (!strcmp(mode, "ill"))
			crash_trap();
		else if (!strcmp(mode, "double-free"))
			crash_double_free();
		else if (!strcmp(mode, "null-call"))
			crash_null_call();
		else if (!strcmp(mode, "noise-a"))
			crash_noisy(0);
		else if (!strcmp(mode, "noise-b"))
			crash_noisy(1);
	}
	fprintf(stderr, "crash_program: mode %s did not crash\n", mode);
	return 2;
}
