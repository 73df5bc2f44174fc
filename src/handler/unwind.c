/* SPDX-License-Identifier: MIT */
/*
 * unwind.c - running the unwinder (unwind_dwfl.c) in a child process
 * within a budget, keeping what it wrote, and stack.txt's text.
 *
 * The child is a fork of werfault (when it starts, for a process that
 * froze itself; after the release otherwise) that gets the snapshot in a
 * sealed memfd (snapshot_blob.h), runs libdw (werfault itself never
 * does) within an address-space limit, and writes records into a pipe.
 * werfault reads them against a deadline and kills the child when it
 * passes. Whatever the modules' ELF and DWARF hold, werfault's own
 * memory holds only the frames (56 bytes each, capped) and one copy of
 * each name.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hash.h"
#include "io.h"
#include "proc_read.h"
#include "snapshot_blob.h"
#include "snapshot.h"
#include "text.h"
#include "unwind.h"

/* Names, each kept once: an open-addressing set of strings. */
struct wer_strings {
	size_t bytes; /* kept, over all names */
	size_t count, size;
	char **slot;
};

static uint64_t hash(const char *s, size_t len)
{
	return wer_fnv1a(WER_FNV1A_BASIS, s, len);
}

static int strings_grow(struct wer_strings *t)
{
	size_t size = t->size ? t->size * 2 : 256;
	char **slot = calloc(size, sizeof(*slot));

	if (!slot)
		return -1;
	for (size_t i = 0; i < t->size; i++) {
		size_t k;

		if (!t->slot[i])
			continue;
		k = hash(t->slot[i], strlen(t->slot[i])) & (size - 1);
		while (slot[k])
			k = (k + 1) & (size - 1);
		slot[k] = t->slot[i];
	}
	free(t->slot);
	t->slot = slot;
	t->size = size;
	return 0;
}

/* The kept copy of s[0..len), or "" when over the cap (or out of memory). */
static const char *intern(struct wer_unwind *u, const char *s, size_t len)
{
	struct wer_strings *t = u->strings;
	size_t k;

	if (!len)
		return "";
	if (len > WER_UNWIND_NAME_MAX)
		len = WER_UNWIND_NAME_MAX;
	if (2 * (t->count + 1) > t->size && strings_grow(t) < 0)
		return "";
	k = hash(s, len) & (t->size - 1);
	for (; t->slot[k]; k = (k + 1) & (t->size - 1))
		if (!strncmp(t->slot[k], s, len) && !t->slot[k][len])
			return t->slot[k];
	if (t->bytes + len + 1 > WER_UNWIND_STRINGS_MAX ||
	    !(t->slot[k] = strndup(s, len))) {
		u->dropped++;
		return "";
	}
	t->bytes += len + 1;
	t->count++;
	return t->slot[k];
}

static const struct wer_unwinder no_unwinder = {
    .records_fd = -1, .go_fd = -1, .cpu_werfault = -1, .cpu_child = -1};

int wer__unwind_init(struct wer_unwind *u, size_t thread_count)
{
	memset(u, 0, sizeof(*u));
	u->thread_at = u->thread_last = -1;
	u->proc = no_unwinder;
	u->thread_count = thread_count;
	u->threads =
	    calloc(thread_count ? thread_count : 1, sizeof(*u->threads));
	u->strings = calloc(1, sizeof(*u->strings));
	if (!u->threads || !u->strings) {
		wer__unwind_free(u);
		return -ENOMEM;
	}
	return 0;
}

void wer__unwind_free(struct wer_unwind *u)
{
	wer__unwind_reap(u);
	if (u->strings) {
		for (size_t i = 0; i < u->strings->size; i++)
			free(u->strings->slot[i]);
		free(u->strings->slot);
		free(u->strings);
	}
	free(u->threads);
	free(u->frames);
	free(u->modules);
	memset(u, 0, sizeof(*u));
	u->thread_at = u->thread_last = -1;
	u->proc = no_unwinder;
}

/* Splits a record into at most max tab-separated fields (the last one
 * takes the rest). Returns how many. */
static size_t split(char *line, char **field, size_t max)
{
	size_t n = 0;

	while (n < max) {
		char *tab = n + 1 < max ? strchr(line, '\t') : NULL;

		field[n++] = line;
		if (!tab)
			break;
		*tab = '\0';
		line = tab + 1;
	}
	return n;
}

/* A number of the record, all of the field, or -1 as an error. */
static int number(const char *s, int base, unsigned long long *ret)
{
	char *end;

	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	errno = 0;
	*ret = strtoull(s, &end, base);
	return errno || *end ? -1 : 0;
}

/* Makes room for one more element in *v (count used of *capacity),
 * doubling it. 0 or -1. */
static int room(void **v, size_t *capacity, size_t count, size_t size)
{
	size_t cap = *capacity ? 2 * *capacity : 64;
	void *grown;

	if (count < *capacity)
		return 0;
	if (!(grown = realloc(*v, cap * size)))
		return -1;
	*v = grown;
	*capacity = cap;
	return 0;
}

static int add_frame(struct wer_unwind *u, char **f)
{
	struct wer_thread_stack *t;
	struct wer_frame *fr;
	unsigned long long pc, function_offset, module_offset, line;

	if (u->thread_at < 0 || number(f[0], 16, &pc) ||
	    number(f[1], 16, &function_offset) ||
	    number(f[2], 16, &module_offset) || number(f[3], 10, &line) ||
	    line > INT_MAX)
		return -1;
	t = &u->threads[u->thread_at];
	if (t->frame_count >= WER_UNWIND_FRAMES_MAX ||
	    u->frame_count >= WER_UNWIND_FRAMES_TOTAL)
		return -1;
	if (room((void **)&u->frames, &u->frame_capacity, u->frame_count,
		 sizeof(*u->frames)) < 0)
		return -1;
	fr = &u->frames[u->frame_count++];
	fr->pc = pc;
	fr->function_offset = function_offset;
	fr->module_offset = module_offset;
	fr->line = (int)line;
	fr->module = intern(u, f[4], strlen(f[4]));
	fr->function = intern(u, f[5], strlen(f[5]));
	fr->file = intern(u, f[6], strlen(f[6]));
	fr->inlined = f[7] != NULL;
	t->frame_count++;
	return 0;
}

static int add_module(struct wer_unwind *u, char **f)
{
	struct wer_module_id *m;

	if (f[1][0] != '/' || u->module_count >= WER_UNWIND_MODULES_MAX)
		return -1;
	for (const char *p = f[0]; strcmp(f[0], "-") && *p; p++)
		if (!strchr("0123456789abcdef", *p) || p - f[0] >= 128)
			return -1;
	if (room((void **)&u->modules, &u->module_capacity, u->module_count,
		 sizeof(*u->modules)) < 0)
		return -1;
	m = &u->modules[u->module_count++];
	m->path = intern(u, f[1], strlen(f[1]));
	m->build_id = strcmp(f[0], "-") ? intern(u, f[0], strlen(f[0])) : "";
	m->package_version = "";
	m->soname = "";
	return 0;
}

/* S: the DT_SONAME of the module named by the M record just before: a
 * file name (no '/'), printable. */
static int add_soname(struct wer_unwind *u, const char *soname)
{
	size_t len = strlen(soname);

	if (!u->module_count || !len || len >= 256 ||
	    u->modules[u->module_count - 1].soname[0] || strchr(soname, '/') ||
	    !strcmp(soname, ".") || !strcmp(soname, ".."))
		return -1;
	for (const char *p = soname; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			return -1;
	u->modules[u->module_count - 1].soname = intern(u, soname, len);
	return 0;
}

/* P: the version of the module named by the M record just before. */
static int add_package_version(struct wer_unwind *u, const char *version)
{
	size_t len = strlen(version);

	if (!u->module_count || !len || len > WER_UNWIND_VERSION_MAX ||
	    u->modules[u->module_count - 1].package_version[0])
		return -1;
	for (const char *p = version; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			return -1;
	u->modules[u->module_count - 1].package_version =
	    intern(u, version, len);
	return 0;
}

void wer__unwind_record(struct wer_unwind *u, const char *line, size_t len)
{
	char copy[WER_UNWIND_RECORD_MAX + 1], *f[9] = {0};
	size_t n;
	int bad = 0;
	unsigned long long index;

	if (len < 1 || len > WER_UNWIND_RECORD_MAX || memchr(line, '\0', len) ||
	    (len > 1 && line[1] != '\t')) {
		u->dropped++;
		return;
	}
	memcpy(copy, line, len);
	copy[len] = '\0';
	n = len > 2 ? split(copy + 2, f, copy[0] == 'F' ? 8 : 7) : 0;
	switch (copy[0]) {
	case 'M':
		bad = n != 2 || add_module(u, f) < 0;
		break;
	case 'P':
		bad = n != 1 || add_package_version(u, f[0]) < 0;
		break;
	case 'S':
		bad = n != 1 || add_soname(u, f[0]) < 0;
		break;
	case 'T':
		/* Threads in increasing order, each once: their frames stay
		 * together in u->frames. */
		bad = n != 1 || number(f[0], 10, &index) ||
		      index >= u->thread_count ||
		      (u->thread_last >= 0 && index <= (size_t)u->thread_last);
		u->thread_at = bad ? -1 : (long)index;
		if (!bad) {
			u->thread_last = (long)index;
			u->threads[index].first = u->frame_count;
		}
		break;
	case 'F':
		bad = n < 7 || (n == 8 && strcmp(f[7], "i")) ||
		      add_frame(u, f) < 0;
		break;
	case 'E':
		bad = n != 1 || u->thread_at < 0;
		if (!bad)
			u->threads[u->thread_at].error =
			    intern(u, f[0], strlen(f[0]));
		break;
	case 'X':
		bad = n != 1;
		if (!bad && !u->problem[0])
			snprintf(u->problem, sizeof(u->problem), "%s", f[0]);
		break;
	case 'D':
		bad = len != 1;
		u->done |= !bad;
		break;
	default:
		bad = 1;
	}
	u->dropped += bad;
}

wer_unwind_fn *wer__unwind_load(char *why, size_t size)
{
	char path[PATH_MAX];
	void *module;
	wer_unwind_fn *fn;

	if (wer_beside_self("werfault-unwind.so", path, sizeof(path)) < 0) {
		snprintf(why, size, "cannot locate werfault itself");
		return NULL;
	}
	module = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!module) {
		snprintf(why, size, "%s", dlerror());
		return NULL;
	}
	fn = (wer_unwind_fn *)dlsym(module, "wer__unwind");
	if (!fn)
		snprintf(why, size, "%s", dlerror());
	return fn;
}

/* What the child's fatal-signal handler needs: its record pipe, its
 * address-space limit, and the record that says the budget was reached
 * (made before, as a handler cannot format it). */
static int budget_fd = -1;
static unsigned long long budget_limit;
static char budget_record[64];

/* A fault in the child where an allocation failed unchecked, or its stack
 * could not grow (libdw does not check every one; the address-space limit
 * stops both): if the budget is what was reached, say so, as the end of
 * child_main would have, then die of the signal. On its own stack, made
 * before the limit. */
/* Whether the child's peak address space came within a megabyte of its
 * limit. */
static int budget_reached(void)
{
	long peak = wer__proc_kib("/proc/self/status", "VmPeak");

	return peak > 0 &&
	       ((unsigned long long)peak << 10) + (1 << 20) >= budget_limit;
}

static void child_fatal(int signo)
{
	if (budget_reached() &&
	    write(budget_fd, budget_record, strlen(budget_record)) < 0) {
		/* Nothing else to tell it with. */
	}
	signal(signo, SIG_DFL);
	raise(signo);
}

/* libdw gives up quietly when an allocation fails: says whether the
 * budget was what stopped it (before "D": werfault reads no further). */
static void note_budget(FILE *out)
{
	if (budget_reached())
		fputs(budget_record, out);
}

/* The unwinder's last word: whether the budget ran out, then "D", and
 * the child ends there. Freeing libdw's state (each module's mapping
 * unmapped on its own) ran beside werfault writing the report, which
 * needs nothing more from it; the exit tears it all down at once. */
static void done(FILE *out)
{
	note_budget(out);
	fputs("D\n", out);
	_exit(fflush(out) ? 1 : 0);
}

/* Where libdw cannot go on without an allocation it ends the process
 * (exit(1) through error(), elfutils' __libdw_oom): the exit handler says
 * whether the budget was what it ran out of, before stdio's flush. The
 * child ends by _exit otherwise, so this runs only then. */
static FILE *budget_out;

static void budget_at_exit(void)
{
	if (budget_out)
		note_budget(budget_out);
}

/* The unwinder runs on a thread of the child whose stack is mapped before
 * the budget is set: a reservation whose pages cost only once touched
 * (growing the main stack by 256 KiB up front cost 64 page faults, about
 * 0.6 ms a crash here), counted in what the child starts with, so the
 * address-space limit never stops the unwinder's deeper calls (libdw's,
 * and a sanitizer's larger frames) from getting stack: a failed growth
 * would be a SIGSEGV, not a failed allocation libdw could report. */
#define UNWIND_STACK (8 << 20)

/* werfault and its unwinder on CPUs of their own while both work: pid
 * (0: the caller) may run on u's CPUs but except (when that leaves any).
 * Where the scheduler knows of no cache that CPUs share (a virtual
 * machine that says nothing of its caches), it leaves a task woken, or
 * new, on the CPU of the task that woke or made it: the unwinder waited
 * behind werfault, and werfault behind it, while the other CPU idled
 * (2026-12-04, two CPUs: a report 1.6 ms sooner at 0 idle threads,
 * docs/crash.md). */
static void keep_off(pid_t pid, const struct wer_unwinder *u, int except)
{
	cpu_set_t set = u->cpus;

	if (except < 0 || except >= CPU_SETSIZE)
		return;
	CPU_CLR(except, &set);
	if (CPU_COUNT(&set))
		sched_setaffinity(pid, sizeof(set), &set);
}

/* Process pid (0: this one) on cpu alone. */
static void put_on_cpu(pid_t pid, int cpu)
{
	cpu_set_t one;

	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	sched_setaffinity(pid, sizeof(one), &one);
}

/* The child done (or given up on): werfault may run anywhere again. */
static void cpus_back(const struct wer_unwinder *u)
{
	if (u->cpu_child >= 0)
		sched_setaffinity(0, sizeof(u->cpus), &u->cpus);
}

/* Its fatal signals on an alternate stack (made before the limit): a
 * thread's own. */
static void alt_stack(void)
{
	static char stack[64 * 1024];
	stack_t ss = {.ss_sp = stack, .ss_size = sizeof(stack)};

	sigaltstack(&ss, NULL);
}

/* What werfault tells its unwinder with the snapshot (and, as
 * SCM_RIGHTS, the snapshot's memfd and the process's root directory when
 * it is not the host's). */
struct unwinder_go {
	long memory_mb;
	int debuginfod;
	int have_root;
	enum wer_unwind_lines lines;
};

/* The go message and its descriptors (the memfd, then the root). 0, or -1
 * when werfault is gone or said nothing well-formed. */
static int receive_go(int fd, struct unwinder_go *go, int *memfd, int *root)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(2 * sizeof(int))];
	} control;
	struct iovec v = {go, sizeof(*go)};
	struct msghdr m = {.msg_iov = &v,
			   .msg_iovlen = 1,
			   .msg_control = control.buf,
			   .msg_controllen = sizeof(control.buf)};
	struct cmsghdr *c;
	int fds[2] = {-1, -1};
	ssize_t got;

	while ((got = recvmsg(fd, &m, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
		;
	c = got > 0 ? CMSG_FIRSTHDR(&m) : NULL;
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
	    c->cmsg_len >= CMSG_LEN(sizeof(int)))
		memcpy(fds, CMSG_DATA(c),
		       c->cmsg_len >= CMSG_LEN(2 * sizeof(int))
			   ? 2 * sizeof(int)
			   : sizeof(int));
	if (got != (ssize_t)sizeof(*go) || fds[0] < 0 || go->memory_mb <= 0 ||
	    (go->have_root && fds[1] < 0)) {
		if (fds[0] >= 0)
			close(fds[0]);
		if (fds[1] >= 0)
			close(fds[1]);
		return -1;
	}
	*memfd = fds[0];
	*root = go->have_root ? fds[1] : -1;
	if (!go->have_root && fds[1] >= 0)
		close(fds[1]);
	return 0;
}

/* The snapshot werfault sent: its memfd, sealed so that what is checked
 * stays as it was, mapped whole (its size in *size). */
static int map_snapshot(int memfd, struct wer_snapshot *s, size_t *size)
{
	int need = F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE;
	struct stat st;
	void *data;

	if (fstat(memfd, &st) < 0 || st.st_size <= 0 ||
	    (fcntl(memfd, F_GET_SEALS) & need) != need)
		return -EBADMSG;
	data = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, memfd, 0);
	if (data == MAP_FAILED)
		return -errno;
	*size = (size_t)st.st_size;
	return wer__snapshot_blob_read(data, (size_t)st.st_size, s);
}

/* What the child's unwinder thread is given. */
struct unwind_call {
	int control;			 /* werfault's end: the snapshot */
	FILE *out;			 /* the records */
	wer_unwind_fn *fn;		 /* NULL: werfault-unwind.so */
	const struct wer_unwinder *cpus; /* where it may run once started */
	long start_kib;			 /* the child's address space, KiB */
	struct wer_snapshot *snap;	 /* filled from werfault's */
	int status;			 /* the child's exit status */
};

/* The unwinder thread: waits for the snapshot, then writes its records
 * within the budget. Returns the child's exit status. */
static int unwind_snapshot(struct unwind_call *u)
{
	struct wer_snapshot *c = u->snap;
	struct unwinder_go go;
	struct rlimit as;
	unsigned long long limit;
	char why[256] = "";
	wer_unwind_fn *fn = u->fn;
	int memfd, root, r;
	size_t size = 0;
	long kib;

	alt_stack();
	/* Ready before the snapshot is: it waits here (werfault gone,
	 * nothing to do). */
	if (receive_go(u->control, &go, &memfd, &root) < 0)
		return 4;
	close(u->control);
	/* Started on the CPU after werfault's (wer__unwind_spawn); now on
	 * any but werfault's. */
	keep_off(0, u->cpus, u->cpus->cpu_werfault);
	if ((r = map_snapshot(memfd, c, &size)) < 0) {
		fprintf(u->out, "X\tno snapshot to unwind: %s\n", strerror(-r));
		return 3;
	}
	close(memfd);
	c->have_root = go.have_root;
	c->root_fd = root;
	/* libdw asks debuginfod servers for missing debug files when
	 * DEBUGINFOD_URLS is set: only where the Debuginfod setting says
	 * (before libdw looks at it). */
	if (!go.debuginfod)
		unsetenv("DEBUGINFOD_URLS");
	/* The budget is over the address space the child has now:
	 * werfault's as it was at the fork, the snapshot, this thread's
	 * stack, and libdw (linked into werfault, or its module loaded
	 * here). */
	if (!fn) {
		fn = wer__unwind_load(why, sizeof(why));
		kib = wer__self_vm_kib();
	} else {
		kib = u->start_kib > 0
			  ? u->start_kib + (long)((size + 4095) / 4096 * 4)
			  : -1;
	}
	if (kib <= 0) {
		fprintf(u->out, "X\tno memory budget: /proc/self/statm "
				"unread\n");
		return 3;
	}
	limit = ((unsigned long long)kib << 10) +
		((unsigned long long)go.memory_mb << 20);
	as = (struct rlimit){limit, limit};
	{
		struct sigaction sa;

		budget_fd = fileno(u->out);
		budget_limit = limit;
		snprintf(budget_record, sizeof(budget_record),
			 "X\tthe memory budget (%ld MiB) was reached\n",
			 go.memory_mb);
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = child_fatal;
		sa.sa_flags = SA_ONSTACK | SA_RESETHAND;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGSEGV, &sa, NULL);
		sigaction(SIGBUS, &sa, NULL);
		budget_out = u->out;
		atexit(budget_at_exit);
	}
	if (setrlimit(RLIMIT_AS, &as) < 0) {
		fprintf(u->out, "X\tno memory budget: %s\n", strerror(errno));
		return 3;
	}
	if (!fn) {
		for (char *p = why; *p; p++)
			if ((unsigned char)*p < 0x20)
				*p = '?';
		fprintf(u->out, "X\tthe unwinder could not be loaded: %s\n",
			why);
		return 3;
	}
	r = fn(c, go.lines, u->out, done);
	if (r < 0) {
		fprintf(u->out, "X\tunwinding could not start: %s\n",
			strerror(-r));
		note_budget(u->out);
		return 1;
	}
	return 0;
}

static void *unwind_thread(void *arg)
{
	struct unwind_call *u = arg;

	u->status = unwind_snapshot(u);
	return NULL;
}

/* The child: ready at once (its start beside werfault's capture), its
 * unwinder thread waits for the snapshot. */
static int child_main(int control, int fd, pid_t parent, wer_unwind_fn *fn,
		      const struct wer_unwinder *cpus)
{
	/* The unwinder's stack, mapped before the budget is set. */
	void *stack = mmap(
	    NULL, UNWIND_STACK, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
	struct unwind_call call = {control, NULL, fn, cpus, 0, NULL, 0};
	struct rlimit none = {0, 0};
	pthread_attr_t attr;
	pthread_t thread;

	/* On its CPU (werfault puts it there too, as soon as the fork
	 * returns: whichever comes first), which its thread inherits. */
	if (cpus->cpu_child >= 0)
		put_on_cpu(0, cpus->cpu_child);
	/* Ends with werfault, also when werfault ended before this. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		return 4;
	setrlimit(RLIMIT_CORE, &none);
	if (!(call.out = fdopen(fd, "w")))
		return 3;
	/* One arena: the unwinder thread's allocations from the one this
	 * process has, not from a new one (64 MiB reserved, its first
	 * pages faulted in after the snapshot came). */
	mallopt(M_ARENA_MAX, 1);
	/* Zeroed (megabytes, mostly never touched): the parts the unwinder
	 * reads are filled from werfault's. */
	if (!(call.snap = calloc(1, sizeof(*call.snap))))
		return 3;
	call.start_kib = wer__self_vm_kib();
	/* On a thread with the stack mapped above (on this one when it
	 * cannot be had), which starts on this CPU: this thread leaves it at
	 * once for the join. */
	if (stack != MAP_FAILED && pthread_attr_init(&attr) == 0 &&
	    pthread_attr_setstack(&attr, stack, UNWIND_STACK) == 0 &&
	    pthread_create(&thread, &attr, unwind_thread, &call) == 0)
		pthread_join(thread, NULL);
	else
		unwind_thread(&call);
	return fclose(call.out) ? 1 : call.status;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads the child's records until it ends or the deadline passes, calling
 * b->modules_read once they are in. Returns 1 when the deadline passed. */
static int read_records(int fd, long long deadline, struct wer_unwind *u,
			const struct wer_unwind_budget *b)
{
	int modules_read = !b->modules_read;
	enum { SIZE = 64 * 1024 };
	char *buf = malloc(SIZE);
	size_t have = 0;
	int skipping = 0, late = 0;

	while (buf) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		long long left = deadline - now_ms();
		char *start = buf, *nl;
		ssize_t got;
		int n;

		if (left <= 0) {
			late = 1;
			break;
		}
		n = poll(&p, 1, left > INT_MAX ? INT_MAX : (int)left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			late = n == 0;
			break;
		}
		got = read(fd, buf + have, SIZE - have);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		have += (size_t)got;
		while (
		    (nl = memchr(start, '\n', have - (size_t)(start - buf)))) {
			if (!skipping)
				wer__unwind_record(u, start,
						   (size_t)(nl - start));
			skipping = 0;
			start = nl + 1;
		}
		have -= (size_t)(start - buf);
		memmove(buf, start, have);
		if (!modules_read && (u->thread_last >= 0 || u->done)) {
			long long before = now_ms();

			modules_read = 1;
			b->modules_read(b->meanwhile_arg);
			deadline += now_ms() - before;
		}
		/* "D": the rest is the child's exit. */
		if (u->done)
			break;
		/* A record longer than any the unwinder writes. */
		if (have > WER_UNWIND_RECORD_MAX) {
			if (!skipping)
				u->dropped++;
			skipping = 1;
			have = 0;
		}
	}
	free(buf);
	return late;
}

int wer__unwind_spawn(struct wer_unwinder *p, wer_unwind_fn *fn)
{
	int control[2], records[2];
	pid_t child, parent = getpid();

	*p = no_unwinder;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, control) < 0)
		return -errno;
	if (pipe2(records, O_CLOEXEC) < 0) {
		int e = errno;

		close(control[0]);
		close(control[1]);
		return -e;
	}
	/* The child's CPU: the one after werfault's among those it may
	 * use. */
	if ((p->cpu_werfault = sched_getcpu()) >= 0 &&
	    p->cpu_werfault < CPU_SETSIZE &&
	    sched_getaffinity(0, sizeof(p->cpus), &p->cpus) == 0) {
		for (int k = 1; k < CPU_SETSIZE && p->cpu_child < 0; k++)
			if (CPU_ISSET((p->cpu_werfault + k) % CPU_SETSIZE,
				      &p->cpus))
				p->cpu_child =
				    (p->cpu_werfault + k) % CPU_SETSIZE;
		if (p->cpu_child == p->cpu_werfault)
			p->cpu_child = -1;
	}
	if (p->cpu_child < 0)
		p->cpu_werfault = -1;
	fflush(NULL); /* nothing buffered is written twice */
	child = fork();
	if (child < 0) {
		int e = errno;

		close(control[0]);
		close(control[1]);
		close(records[0]);
		close(records[1]);
		return -e;
	}
	if (child == 0) {
		close(control[0]);
		close(records[0]);
		_exit(child_main(control[1], records[1], parent, fn, p));
	}
	/* The child starts on its CPU, werfault keeps off it (keep_off),
	 * until the child is done. */
	if (p->cpu_child >= 0) {
		put_on_cpu(child, p->cpu_child);
		keep_off(0, p, p->cpu_child);
	}
	close(control[1]);
	close(records[1]);
	p->pid = child;
	p->go_fd = control[0];
	p->records_fd = records[0];
	return 0;
}

int wer__unwind_send(struct wer_unwind *u, const struct wer_snapshot *c,
		     const struct wer_unwind_budget *b)
{
	struct unwinder_go go = {b->memory_mb, b->debuginfod,
				 c->have_root && c->root_fd >= 0, b->lines};
	size_t nfds = go.have_root ? 2 : 1;
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(2 * sizeof(int))];
	} control;
	struct iovec v = {&go, sizeof(go)};
	struct msghdr m = {.msg_iov = &v,
			   .msg_iovlen = 1,
			   .msg_control = control.buf,
			   .msg_controllen = CMSG_SPACE(nfds * sizeof(int))};
	struct cmsghdr *cm;
	struct wer_unwinder proc = u->proc;
	int go_fd = proc.go_fd, fds[2] = {-1, -1}, r = 0;

	if (go_fd < 0)
		return -EINVAL;
	/* The records' reader's state, for this snapshot's threads; the
	 * child kept. */
	if (wer__unwind_init(u, c->thread_count) < 0)
		r = -ENOMEM;
	u->proc = proc;
	u->proc.go_fd = -1;
	if (!r && (fds[0] = (int)syscall(SYS_memfd_create, "wer-snapshot",
					 MFD_CLOEXEC | MFD_ALLOW_SEALING)) < 0)
		r = -errno;
	if (!r)
		r = wer__snapshot_blob_write(fds[0], c);
	if (!r &&
	    fcntl(fds[0], F_ADD_SEALS,
		  F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0)
		r = -errno;
	if (!r) {
		ssize_t sent;

		fds[1] = go.have_root ? c->root_fd : -1;
		memset(control.buf, 0, sizeof(control.buf));
		cm = CMSG_FIRSTHDR(&m);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(nfds * sizeof(int));
		memcpy(CMSG_DATA(cm), fds, nfds * sizeof(int));
		sent = sendmsg(go_fd, &m, MSG_NOSIGNAL);
		r = sent < 0 ? -errno : sent != (ssize_t)sizeof(go) ? -EIO : 0;
	}
	if (fds[0] >= 0)
		close(fds[0]);
	/* Sent or not, the child hears no more: EOF ends one that waits. */
	close(go_fd);
	return r;
}

int wer__unwind_finish(const struct wer_unwind_budget *budget,
		       struct wer_unwind *ret)
{
	long long deadline;
	struct rusage usage = {0};
	int status = 0, late;
	pid_t child = ret->proc.pid;

	if (ret->proc.records_fd < 0 || ret->proc.go_fd >= 0)
		return -EINVAL;
	/* The deadline from now: the child's time is its own. */
	if (budget->meanwhile)
		budget->meanwhile(budget->meanwhile_arg);
	deadline = now_ms() + budget->timeout_ms;
	late = read_records(ret->proc.records_fd, deadline, ret, budget);
	close(ret->proc.records_fd);
	ret->proc.records_fd = -1;
	cpus_back(&ret->proc);
	/* Done: reaped later (wer__unwind_reap), while the report is
	 * written. */
	if (!late && ret->done)
		return 0;
	if (late)
		kill(child, SIGKILL);
	while (wait4(child, &status, 0, &usage) < 0 && errno == EINTR)
		;
	ret->proc.pid = 0;
	ret->peak_rss_kib = usage.ru_maxrss;
	if (late)
		snprintf(ret->problem, sizeof(ret->problem),
			 "the time budget (%ld ms) ran out",
			 budget->timeout_ms);
	else if (!ret->problem[0] && WIFSIGNALED(status))
		snprintf(ret->problem, sizeof(ret->problem),
			 "the unwinder was killed by signal %d (%s)",
			 WTERMSIG(status), strsignal(WTERMSIG(status)));
	else if (!ret->problem[0] && !ret->done)
		snprintf(ret->problem, sizeof(ret->problem),
			 "the unwinder ended early (status %d)",
			 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	else if (!ret->problem[0] && ret->dropped)
		snprintf(ret->problem, sizeof(ret->problem),
			 "%zu records over a cap or malformed", ret->dropped);
	return 0;
}

int wer__unwind_run(const struct wer_snapshot *c,
		    const struct wer_unwind_budget *budget,
		    struct wer_unwind *ret)
{
	int r = wer__unwind_spawn(&ret->proc, budget->fn);

	if (!r)
		r = wer__unwind_send(ret, c, budget);
	if (r < 0) {
		wer__unwind_free(ret);
		return r;
	}
	return wer__unwind_finish(budget, ret);
}

void wer__unwind_reap(struct wer_unwind *u)
{
	struct wer_unwinder *p = &u->proc;
	struct rusage usage = {0};

	if (p->pid <= 0)
		return;
	/* Started and never read (werfault gave up first): nothing to
	 * wait for. */
	if (p->records_fd >= 0 || p->go_fd >= 0) {
		kill(p->pid, SIGKILL);
		cpus_back(p);
		if (p->records_fd >= 0)
			close(p->records_fd);
		if (p->go_fd >= 0)
			close(p->go_fd);
		p->records_fd = p->go_fd = -1;
	}
	while (wait4(p->pid, NULL, 0, &usage) < 0 && errno == EINTR)
		;
	u->peak_rss_kib = usage.ru_maxrss;
	p->pid = 0;
}

void wer__unwind_fill_modules(const struct wer_unwind *u,
			      struct wer_snapshot *s)
{
	for (size_t i = 0; i < s->module_count; i++)
		for (size_t k = 0; k < u->module_count; k++)
			if (!strcmp(u->modules[k].path, s->modules[i].path)) {
				snprintf(s->modules[i].build_id,
					 sizeof(s->modules[i].build_id), "%s",
					 u->modules[k].build_id);
				snprintf(s->modules[i].soname,
					 sizeof(s->modules[i].soname), "%s",
					 u->modules[k].soname);
				break;
			}
}

const char *wer__unwind_package_version(const struct wer_unwind *u,
					const char *path)
{
	for (size_t i = 0; u && i < u->module_count; i++)
		if (!strcmp(u->modules[i].path, path))
			return u->modules[i].package_version;
	return "";
}

void wer__unwind_print(const struct wer_snapshot *c, const struct wer_unwind *u,
		       FILE *f)
{
	int signo = c->crash.signo;

	for (size_t i = 0; i < c->thread_count; i++) {
		const struct wer_snapshot_thread *t = &c->threads[i];
		const struct wer_thread_stack *s =
		    u && u->threads && i < u->thread_count ? &u->threads[i]
							   : NULL;

		if (i)
			fputc('\n', f);
		/* Names and paths are the crashed program's: written so that
		 * no terminal acts on them (text.h). */
		fprintf(f, "Thread %d%s \"", (int)t->tid,
			t->crashed ? " (crashed)" : "");
		wer_text_put_safe(f, t->name, strlen(t->name), "");
		fputc('"', f);
		if (t->crashed)
			fprintf(f, ": signal %d", signo);
		fputc('\n', f);
		if (!t->have_regs) {
			fputs("  registers not captured\n", f);
			continue;
		}
		if (!s || !s->frame_count) {
			fprintf(f, "  #0  0x%016llx\n",
				(unsigned long long)wer_cpu_pc(&t->cpu));
			if (s && s->error) {
				fputs("  (unwinding failed: ", f);
				wer_text_put_safe(f, s->error, strlen(s->error),
						  "");
				fputs(")\n", f);
			}
			continue;
		}
		for (size_t n = 0; n < s->frame_count; n++) {
			const struct wer_frame *fr = &u->frames[s->first + n];

			fprintf(f, "  #%-2zu 0x%016llx", n,
				(unsigned long long)fr->pc);
			if (fr->function[0]) {
				fputc(' ', f);
				wer_text_put_safe(f, fr->function,
						  strlen(fr->function), "");
				if (fr->inlined)
					fputs(" (inlined)", f);
				else
					fprintf(f, "+0x%llx",
						(unsigned long long)
						    fr->function_offset);
			}
			if (fr->module[0]) {
				fputs(" in ", f);
				wer_text_put_safe(f, fr->module,
						  strlen(fr->module), "");
				fprintf(f, "+0x%llx",
					(unsigned long long)fr->module_offset);
			}
			if (fr->file[0]) {
				fputs(" at ", f);
				wer_text_put_safe(f, fr->file, strlen(fr->file),
						  "");
				fprintf(f, ":%d", fr->line);
			}
			fputc('\n', f);
		}
	}
}
