/* SPDX-License-Identifier: MIT */
/*
 * crash_freeze.c - the crash path's fast front-end: the crashed process
 * stops its own threads, so that werfault need not (docs/crash.md, "The
 * self-freezing front-end").
 *
 * The crashed thread lists its threads (/proc/self/task) and sends each a
 * signal libwer's handler owns (crash.c). The handler, finding a crash in
 * progress on another thread, saves the registers it interrupted into the
 * thread's slot and parks. Once every thread has saved (new threads are
 * looked for until none appears), the crashed thread copies its status
 * and stat, and crash.c starts a keeper that holds the memory while
 * werfault reads it; the process itself dies at once.
 *
 * When a thread cannot be stopped so (it blocks the signal, it is stopped
 * or traced, it does not answer in time), the freeze gives up and crash.c
 * falls back to werfault's ptrace capture: the threads that did stop stay
 * parked, which ptrace reads as well.
 *
 * Part of the crash path: the same rules as crash.c (its header comment);
 * beyond its list this file calls open, close, lseek and syscall
 * (getdents64, mmap, tgkill, futex).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "crash.h"

struct wer_freeze_area wer__freeze_area;

/* 1 while the slots name the threads asked to stop; frozen counts those
 * that saved or are gone (a futex the crashed thread waits on). */
static int freeze_active;
static int frozen;
static int freeze_signal;
static size_t capacity;

/* How long the threads get to answer, and when the ones that have not
 * are looked at (a blocked signal is never delivered: no need to wait
 * for it). */
#define FREEZE_DEADLINE_MS 2000
#define FREEZE_LOOK_MS	   5
/* Slots beyond the threads first counted, for those started meanwhile. */
#define FREEZE_HEADROOM 64
#define FREEZE_ROUNDS	4

static long futex(int *word, int op, int value, const struct timespec *t)
{
	return syscall(SYS_futex, word, op, value, t, NULL, 0);
}

/* A signal whose handler is libwer's own (not chained behind another):
 * the one the other threads are stopped with. 0 when none is. */
static int pick_signal(void)
{
	for (int i = 0; i < WER_CRASH_SIGNAL_COUNT; i++) {
		struct sigaction now;

		if (sigaction(wer__crash_signals[i], NULL, &now) == 0 &&
		    wer__is_crash_handler(&now))
			return wer__crash_signals[i];
	}
	return 0;
}

static struct wer_frozen_thread *slots(void)
{
	return (struct wer_frozen_thread *)(uintptr_t)wer__freeze_area.slots;
}

static struct wer_frozen_thread *slot_of(int tid)
{
	struct wer_frozen_thread *s = slots();
	uint32_t n = __atomic_load_n(&wer__freeze_area.count, __ATOMIC_ACQUIRE);

	for (uint32_t i = 0; s && i < n; i++)
		if (s[i].tid == tid)
			return &s[i];
	return NULL;
}

void wer__freeze_park(int tid, const ucontext_t *uc)
{
	struct wer_frozen_thread *slot;

	if (!__atomic_load_n(&freeze_active, __ATOMIC_ACQUIRE) || !uc ||
	    !(slot = slot_of(tid)) ||
	    __atomic_load_n(&slot->state, __ATOMIC_ACQUIRE) != WER_FROZEN_ASKED)
		return;
	memcpy(&slot->context, uc, sizeof(*uc));
	wer_cpu_uc_save_fp(uc, &slot->fpstate);
	prctl(PR_GET_NAME, slot->name, 0, 0, 0);
	__atomic_store_n(&slot->state, WER_FROZEN_SAVED, __ATOMIC_RELEASE);
	__atomic_add_fetch(&frozen, 1, __ATOMIC_ACQ_REL);
	futex(&frozen, FUTEX_WAKE_PRIVATE, 1, NULL);
}

struct dirent64 {
	uint64_t ino;
	int64_t off;
	unsigned short reclen;
	unsigned char type;
	char name[];
};

/* Calls fn(tid, ctx) for every thread in the open /proc/self/task (from
 * its start); returns how many there were, or -1. */
static long each_task(int dir, void (*fn)(int tid, void *ctx), void *ctx)
{
	static char buf[8192] __attribute__((aligned(8)));
	long count = 0, n;

	if (lseek(dir, 0, SEEK_SET) < 0)
		return -1;
	while ((n = syscall(SYS_getdents64, dir, buf, sizeof(buf))) > 0) {
		for (long at = 0; at < n;) {
			const struct dirent64 *d =
			    (const struct dirent64 *)(buf + at);
			long tid = 0;
			const char *p = d->name;

			at += d->reclen;
			if (*p < '0' || *p > '9')
				continue;
			while (*p >= '0' && *p <= '9' && tid < 1L << 30)
				tid = tid * 10 + (*p++ - '0');
			if (*p || tid <= 0)
				continue;
			count++;
			if (fn)
				fn((int)tid, ctx);
		}
	}
	return n < 0 ? -1 : count;
}

struct ask {
	int self;
	int full; /* a thread found with no slot left */
	size_t added;
};

/* A thread without a slot gets one and is asked to stop. */
static void ask_one(int tid, void *ctx)
{
	struct ask *ask = ctx;
	struct wer_frozen_thread *s = slots();
	uint32_t n = wer__freeze_area.count;

	if (tid == ask->self || slot_of(tid))
		return;
	if (n >= capacity) {
		ask->full = 1;
		return;
	}
	s[n].tid = tid;
	s[n].state = WER_FROZEN_ASKED;
	__atomic_store_n(&wer__freeze_area.count, n + 1, __ATOMIC_RELEASE);
	ask->added++;
	if (syscall(SYS_tgkill, getpid(), tid, freeze_signal) < 0) {
		/* Exited meanwhile: nothing to stop. */
		__atomic_store_n(&s[n].state, WER_FROZEN_GONE,
				 __ATOMIC_RELEASE);
		__atomic_add_fetch(&frozen, 1, __ATOMIC_ACQ_REL);
	}
}

/* The value of a "Name:\t..." line of a status text, or NULL. */
static const char *status_field(const char *text, long len, const char *name)
{
	size_t nl = strlen(name);

	for (long at = 0; at < len;) {
		const char *line = text + at;
		const char *end = memchr(line, '\n', (size_t)(len - at));
		long line_len = end ? end - line : len - at;

		if ((size_t)line_len > nl && !memcmp(line, name, nl))
			return line + nl;
		at += line_len + 1;
	}
	return NULL;
}

/* Reads /proc/self/task/TID/status: WER_FREEZE_BLOCKED or _STOPPED when
 * the thread will never answer, 2 when it is gone, 0 when it may yet. */
static int hopeless(int dir, int tid, int signo)
{
	static char text[4096];
	char name[32];
	int fd;
	long n;
	const char *v;

	wer__format_number(name, 16, (uint64_t)tid, 0);
	memcpy(name + strlen(name), "/status", sizeof("/status"));
	fd = openat(dir, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 2;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return 2;
	if ((v = status_field(text, n, "State:\t")) && (*v == 'T' || *v == 't'))
		return 1;
	if (v && (*v == 'Z' || *v == 'X'))
		return 2;
	/* SigBlk: 16 hex digits, the highest signal first. */
	if ((v = status_field(text, n, "SigBlk:\t")) && text + n - v >= 16) {
		int bit = signo - 1, at = 15 - bit / 4;
		char c = v[at];
		int nibble = c >= 'a' ? c - 'a' + 10 : c - '0';

		if (nibble & 1 << (bit % 4))
			return WER_FREEZE_BLOCKED;
	}
	return 0;
}

/* Waits until every slot has saved or gone: 0, or why one never will
 * (WER_FREEZE_BLOCKED, _STOPPED, _TIMEOUT). */
static int wait_frozen(int dir, int64_t deadline)
{
	int64_t look = wer__monotonic_ms() + FREEZE_LOOK_MS;
	int looked = 0;

	for (;;) {
		int done = __atomic_load_n(&frozen, __ATOMIC_ACQUIRE);
		uint32_t n = wer__freeze_area.count;
		int64_t now = wer__monotonic_ms(), until;
		struct timespec t;

		if ((uint32_t)done >= n)
			return 0;
		if (now >= deadline)
			return WER_FREEZE_TIMEOUT;
		if (!looked && now >= look) {
			struct wer_frozen_thread *s = slots();

			looked = 1;
			for (uint32_t i = 0; i < n; i++) {
				int h;

				if (__atomic_load_n(&s[i].state,
						    __ATOMIC_ACQUIRE) !=
				    WER_FROZEN_ASKED)
					continue;
				h = hopeless(dir, s[i].tid, freeze_signal);
				if (h == WER_FREEZE_BLOCKED ||
				    h == WER_FREEZE_STOPPED)
					return h;
				if (h == 2) {
					int asked = WER_FROZEN_ASKED;

					if (__atomic_compare_exchange_n(
						&s[i].state, &asked,
						WER_FROZEN_GONE, 0,
						__ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE))
						__atomic_add_fetch(
						    &frozen, 1,
						    __ATOMIC_ACQ_REL);
				}
			}
			continue;
		}
		until = looked ? deadline : look;
		t.tv_sec = (until - now) / 1000;
		t.tv_nsec = (long)((until - now) % 1000) * 1000000;
		futex(&frozen, FUTEX_WAIT_PRIVATE, done, &t);
	}
}

size_t wer__crash_read_file(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t got = 0;

	if (fd < 0)
		return 0;
	while (got < cap) {
		long n = read(fd, buf + got, cap - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	return got;
}

int wer__freeze_others(int self)
{
	struct wer_freeze_area *a = &wer__freeze_area;
	int64_t deadline = wer__monotonic_ms() + FREEZE_DEADLINE_MS;
	struct ask ask = {.self = self};
	long count;
	void *mem;
	int dir, r = WER_FREEZE_FAILED;

	if (!(freeze_signal = pick_signal()))
		return WER_FREEZE_NO_SIGNAL;
	dir = open("/proc/self/task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return WER_FREEZE_FAILED;
	count = each_task(dir, NULL, NULL);
	if (count > WER_FREEZE_THREADS_MAX)
		r = WER_FREEZE_TOO_MANY;
	if (count < 0 || count > WER_FREEZE_THREADS_MAX)
		goto out;
	capacity = (size_t)count + FREEZE_HEADROOM;
	mem = (void *)syscall(
	    SYS_mmap, NULL, capacity * sizeof(struct wer_frozen_thread),
	    PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
	    -1, 0);
	if (mem == MAP_FAILED)
		goto out;
	a->slots = (uint64_t)(uintptr_t)mem;
	a->count = 0;
	__atomic_store_n(&freeze_active, 1, __ATOMIC_RELEASE);
	/* Ask every thread, wait, and look again: a thread may have started
	 * another before it stopped. */
	for (int round = 0; round < FREEZE_ROUNDS; round++) {
		int w;

		ask.added = 0;
		if (each_task(dir, ask_one, &ask) < 0)
			goto out;
		if (ask.full) {
			r = WER_FREEZE_TOO_MANY;
			goto out;
		}
		if (round > 0 && !ask.added) {
			r = WER_FREEZE_DONE;
			break;
		}
		if ((w = wait_frozen(dir, deadline)) != 0) {
			r = w;
			goto out;
		}
	}
	if (r == WER_FREEZE_DONE) {
		a->pid = getpid();
		a->slot_size = sizeof(struct wer_frozen_thread);
		prctl(PR_GET_NAME, a->crashed_name, 0, 0, 0);
		a->status_len = (uint32_t)wer__crash_read_file(
		    "/proc/self/status", a->status, sizeof(a->status));
		a->stat_len = (uint32_t)wer__crash_read_file(
		    "/proc/self/stat", a->stat, sizeof(a->stat));
		a->version = WER_FREEZE_VERSION;
		a->size = sizeof(*a);
		memcpy(a->magic, WER_FREEZE_MAGIC, sizeof(a->magic));
	}
out:
	close(dir);
	return r;
}
