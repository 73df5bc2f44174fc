/*
 * capture.c - holding a crashed process and taking its threads' state.
 *
 * Each thread is seized and interrupted (PTRACE_SEIZE leaves no trace
 * visible to the process, unlike PTRACE_ATTACH's SIGSTOP), its registers
 * read with PTRACE_GETREGSET, and its stack read in one process_vm_readv
 * from the stack pointer (less the red zone) to the end of the mapping that
 * holds it, capped. The architecture-specific part is regs_from_*().
 */
#include <dirent.h>
#include <errno.h>
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capture.h"

#define RED_ZONE 128

/* ---- architecture ----------------------------------------------------------
 */
#if defined(__x86_64__)
static void regs_from_ptrace(const struct user_regs_struct *r,
			     struct wer_thread *t)
{
	uint64_t d[WER_DWARF_REGS] = {r->rax, r->rdx, r->rcx, r->rbx, r->rsi,
				      r->rdi, r->rbp, r->rsp, r->r8,  r->r9,
				      r->r10, r->r11, r->r12, r->r13, r->r14,
				      r->r15, r->rip};

	memcpy(t->regs, d, sizeof(d));
	t->pc = r->rip;
	t->sp = r->rsp;
	t->have_regs = 1;
}

static void regs_from_ucontext(const ucontext_t *uc, struct wer_thread *t)
{
	const greg_t *g = uc->uc_mcontext.gregs;
	uint64_t d[WER_DWARF_REGS] = {
	    g[REG_RAX], g[REG_RDX], g[REG_RCX], g[REG_RBX], g[REG_RSI],
	    g[REG_RDI], g[REG_RBP], g[REG_RSP], g[REG_R8],  g[REG_R9],
	    g[REG_R10], g[REG_R11], g[REG_R12], g[REG_R13], g[REG_R14],
	    g[REG_R15], g[REG_RIP]};

	memcpy(t->regs, d, sizeof(d));
	t->pc = (uint64_t)g[REG_RIP];
	t->sp = (uint64_t)g[REG_RSP];
	t->have_regs = 1;
}
#else
#error "openwer: werfault's capture knows x86-64 only (AArch64 to come)"
#endif

/* ---- threads --------------------------------------------------------------
 */

static int list_threads(pid_t pid, struct wer_capture *c)
{
	char path[64];
	DIR *d;
	struct dirent *e;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	if (!d)
		return -errno;
	c->threads = calloc(WER_CAPTURE_THREADS_MAX, sizeof(*c->threads));
	if (!c->threads) {
		closedir(d);
		return -ENOMEM;
	}
	while ((e = readdir(d)) && c->thread_count < WER_CAPTURE_THREADS_MAX) {
		char *end;
		long tid = strtol(e->d_name, &end, 10);

		if (*end || tid <= 0)
			continue;
		c->threads[c->thread_count++].tid = (pid_t)tid;
	}
	closedir(d);
	return 0;
}

static void read_thread_name(pid_t pid, struct wer_thread *t)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/comm", (int)pid,
		 (int)t->tid);
	f = fopen(path, "re");
	if (!f)
		return;
	if (fgets(t->name, sizeof(t->name), f))
		t->name[strcspn(t->name, "\n")] = '\0';
	fclose(f);
}

static int seize_thread(pid_t tid)
{
	int status;

	if (ptrace(PTRACE_SEIZE, tid, 0, 0) < 0)
		return -errno;
	if (ptrace(PTRACE_INTERRUPT, tid, 0, 0) < 0) {
		int err = -errno;

		ptrace(PTRACE_DETACH, tid, 0, 0);
		return err;
	}
	while (waitpid(tid, &status, __WALL) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

/* The readable memory that holds a stack pointer, from /proc/PID/maps'
 * text: returns the end of the mapping that holds address and stores its
 * start, or returns 0 when none does. When that mapping is a guard page,
 * or no mapping holds address but one begins less than a megabyte above it
 * (a stack overflow leaves the stack pointer in a thread's guard page, or
 * in the gap below the main thread's stack), the readable mapping just
 * above is taken instead. */
static uint64_t mapping_end(const char *maps, size_t len, uint64_t address,
			    uint64_t *ret_start)
{
	const char *p = maps, *end = maps + len;
	uint64_t want = address;
	int above_guard = 0;

	while (p < end) {
		unsigned long long lo, hi;
		char perms[5] = "";
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		if (sscanf(p, "%llx-%llx %4s", &lo, &hi, perms) == 3 &&
		    want < lo && !above_guard && lo - want < (1u << 20) &&
		    perms[0] == 'r') {
			*ret_start = lo;
			return hi;
		}
		if (sscanf(p, "%llx-%llx %4s", &lo, &hi, perms) == 3 &&
		    want >= lo && want < hi) {
			if (perms[0] == 'r') {
				*ret_start = lo;
				return hi;
			}
			if (above_guard)
				return 0;
			above_guard = 1;
			want = hi; /* the mapping just above the guard */
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	return 0;
}

static void read_stack(pid_t pid, struct wer_thread *t, const char *maps,
		       size_t maps_len, size_t cap, struct wer_capture *c)
{
	uint64_t start = t->sp > RED_ZONE ? t->sp - RED_ZONE : 0, lo = 0;
	uint64_t end = mapping_end(maps, maps_len, t->sp, &lo);
	size_t size;
	struct iovec local, remote;
	ssize_t n;

	/* After a stack overflow the red zone lies in the guard page. */
	if (start < lo)
		start = lo;
	if (!end || end <= start)
		return;
	size = end - start;
	if (size > cap)
		size = cap;
	if (c->stack_bytes + size > WER_CAPTURE_STACK_TOTAL)
		size = WER_CAPTURE_STACK_TOTAL - c->stack_bytes;
	if (!size || !(t->stack = malloc(size)))
		return;
	local = (struct iovec){t->stack, size};
	remote = (struct iovec){(void *)(uintptr_t)start, size};
	n = process_vm_readv(pid, &local, 1, &remote, 1, 0);
	if (n <= 0) {
		free(t->stack);
		t->stack = NULL;
		return;
	}
	t->stack_start = start;
	t->stack_size = (size_t)n;
	c->stack_bytes += (size_t)n;
}

int wer__capture(pid_t pid, const struct wer_crash_area *crash,
		 const char *maps, size_t maps_len, struct wer_capture *ret)
{
	struct wer_capture *c = ret;
	int r, refused = 0;

	memset(c, 0, sizeof(*c));
	c->pid = pid;
	if ((r = list_threads(pid, c)) < 0)
		return r;
	/* Put the crashed thread first. */
	for (size_t i = 0; crash && i < c->thread_count; i++) {
		if (c->threads[i].tid == crash->tid) {
			struct wer_thread tmp = c->threads[0];

			c->threads[0] = c->threads[i];
			c->threads[i] = tmp;
			c->threads[0].crashed = 1;
			break;
		}
	}
	c->seized = 1;
	for (size_t i = 0; i < c->thread_count; i++) {
		struct wer_thread *t = &c->threads[i];

		read_thread_name(pid, t);
		r = seize_thread(t->tid);
		if (r < 0) {
			t->tid = -t->tid; /* not seized: nothing to detach */
			if (!refused++)
				snprintf(c->problem, sizeof(c->problem),
					 "ptrace refused (%s): %s",
					 strerror(-r),
					 r == -EPERM ? "already traced, or not "
						       "dumpable"
						     : "thread gone");
			c->seized = 0;
			continue;
		}
		if (!t->crashed) {
			struct user_regs_struct regs;
			struct iovec io = {&regs, sizeof(regs)};

			if (ptrace(PTRACE_GETREGSET, t->tid,
				   (void *)(uintptr_t)NT_PRSTATUS, &io) == 0)
				regs_from_ptrace(&regs, t);
		}
	}
	if (crash && c->thread_count && c->threads[0].crashed)
		regs_from_ucontext(&crash->context, &c->threads[0]);
	for (size_t i = 0; i < c->thread_count; i++) {
		struct wer_thread *t = &c->threads[i];

		if (t->have_regs)
			read_stack(pid, t, maps, maps_len,
				   t->crashed ? WER_CAPTURE_STACK_CRASHED
					      : WER_CAPTURE_STACK_OTHER,
				   c);
	}
	return 0;
}

void wer__capture_release(struct wer_capture *c)
{
	for (size_t i = 0; i < c->thread_count; i++) {
		struct wer_thread *t = &c->threads[i];

		if (t->tid > 0)
			ptrace(PTRACE_DETACH, t->tid, 0, 0);
		else
			t->tid = -t->tid;
	}
}

void wer__capture_free(struct wer_capture *c)
{
	for (size_t i = 0; i < c->thread_count; i++)
		free(c->threads[i].stack);
	free(c->threads);
	c->threads = NULL;
	c->thread_count = 0;
}

int wer__capture_read(const struct wer_capture *c, uint64_t address, void *buf,
		      size_t len)
{
	for (size_t i = 0; i < c->thread_count; i++) {
		const struct wer_thread *t = &c->threads[i];

		if (t->stack && address >= t->stack_start &&
		    address - t->stack_start <= t->stack_size &&
		    len <= t->stack_size - (address - t->stack_start)) {
			memcpy(buf, t->stack + (address - t->stack_start), len);
			return 0;
		}
	}
	return -1;
}
