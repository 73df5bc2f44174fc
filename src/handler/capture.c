/* SPDX-License-Identifier: MIT */
/*
 * capture.c - holding a crashed process and taking its threads' state.
 *
 * Each thread is seized and interrupted (PTRACE_SEIZE leaves no trace
 * visible to the process, unlike PTRACE_ATTACH's SIGSTOP), its registers
 * read with PTRACE_GETREGSET, and its stack read in one process_vm_readv
 * from the stack pointer (less the red zone) to the end of the mapping that
 * holds it, capped. The registers are the CPU seam's (cpu.h).
 */
#include <dirent.h>
#include <errno.h>
#include <elf.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capture.h"
#include "maps.h"

#define RED_ZONE 128

/* ---- threads --------------------------------------------------------------
 */

/* Every thread of pid, at most WER_SNAPSHOT_THREADS_MAX: beyond that the
 * others are counted (c->threads_total) but not captured, except the
 * crashed thread (must_have), which always is. */
static int list_threads(pid_t pid, struct wer_snapshot *c, pid_t must_have)
{
	char path[64];
	DIR *d;
	struct dirent *e;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	if (!d)
		return -errno;
	c->threads = calloc(WER_SNAPSHOT_THREADS_MAX, sizeof(*c->threads));
	if (!c->threads) {
		closedir(d);
		return -ENOMEM;
	}
	while ((e = readdir(d)) && c->threads_total < 10 * 1000 * 1000) {
		char *end;
		long tid = strtol(e->d_name, &end, 10);

		if (*end || tid <= 0)
			continue;
		c->threads_total++;
		if (c->thread_count < WER_SNAPSHOT_THREADS_MAX)
			c->threads[c->thread_count++].tid = (pid_t)tid;
		else if (tid == must_have)
			c->threads[c->thread_count - 1].tid = (pid_t)tid;
	}
	closedir(d);
	return 0;
}

static void read_thread_name(pid_t pid, struct wer_snapshot_thread *t)
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

/* Waits until a seized, interrupted thread reports its stop. */
static int wait_stopped(pid_t tid)
{
	int status;

	while (waitpid(tid, &status, __WALL) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

/* The mappings of /proc/PID/maps, parsed once (sorted, as the kernel
 * writes them). */
struct mapping {
	uint64_t lo, hi;
	int readable;
};

struct mappings {
	size_t count;
	struct mapping *v;
};

static void parse_mappings(const char *maps, size_t len, struct mappings *ret)
{
	static struct wer_maps_line line; /* PATH_MAX: not on the stack */
	size_t at = 0, cap = 0;

	ret->count = 0;
	ret->v = NULL;
	while (wer__maps_next(maps, len, &at, &line)) {
		if (ret->count == cap) {
			size_t n = cap ? cap * 2 : 256;
			struct mapping *v = realloc(ret->v, n * sizeof(*v));

			if (!v)
				return;
			ret->v = v;
			cap = n;
		}
		ret->v[ret->count++] =
		    (struct mapping){line.lo, line.hi, line.perms[0] == 'r'};
	}
}

/* The readable memory that holds a stack pointer: returns the end of the
 * mapping that holds address and stores its start, or returns 0 when none
 * does. When that mapping is a guard page, or no mapping holds address but
 * one begins less than a megabyte above it (a stack overflow leaves the
 * stack pointer in a thread's guard page, or in the gap below the main
 * thread's stack), the readable mapping just above is taken instead. */
static uint64_t mapping_end(const struct mappings *m, uint64_t address,
			    uint64_t *ret_start)
{
	size_t lo = 0, hi = m->count;

	/* The first mapping that ends above address. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->v[mid].hi <= address)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == m->count)
		return 0;
	if (m->v[lo].lo <= address && !m->v[lo].readable) {
		/* A guard page: the mapping right above it. */
		if (lo + 1 == m->count || m->v[lo + 1].lo != m->v[lo].hi)
			return 0;
		lo++;
	} else if (m->v[lo].lo > address &&
		   m->v[lo].lo - address >= (1u << 20)) {
		return 0;
	}
	if (!m->v[lo].readable)
		return 0;
	*ret_start = m->v[lo].lo;
	return m->v[lo].hi;
}

/* Decides which part of a thread's stack to read and allocates room for
 * it: from the stack pointer less the red zone to the end of its mapping,
 * capped. */
static void plan_stack(struct wer_snapshot_thread *t,
		       const struct mappings *maps, size_t cap,
		       size_t threads_left, struct wer_snapshot *c)
{
	size_t left = WER_CAPTURE_STACK_TOTAL - c->stack_bytes;
	uint64_t sp = wer_cpu_sp(&t->cpu), tp = wer_cpu_tp(&t->cpu);
	uint64_t start = sp > RED_ZONE ? sp - RED_ZONE : 0, lo = 0;
	uint64_t end = mapping_end(maps, sp, &lo);
	size_t size;

	/* After a stack overflow the red zone lies in the guard page. */
	if (start < lo)
		start = lo;
	/* A crashed thread on its alternate signal stack, which a program
	 * may take from its heap: that stack and nothing beyond it. */
	if (t->crashed && c->have_crash && c->crash.alt_stack_size &&
	    sp - c->crash.alt_stack < c->crash.alt_stack_size) {
		uint64_t alt_end = c->crash.alt_stack + c->crash.alt_stack_size;

		if (start < c->crash.alt_stack)
			start = c->crash.alt_stack;
		if (end > alt_end)
			end = alt_end;
	}
	/* glibc keeps a thread's descriptor (struct pthread, ~2 KB) at the
	 * top of its stack mapping, at the thread pointer: the stack proper
	 * ends there. */
	if (tp > start && tp < end)
		end = tp;
	if (!end || end <= start)
		return;
	size = end - start;
	if (size > cap)
		size = cap;
	/* Its share of the budget; the crashed thread's comes first. */
	if (!t->crashed && threads_left && size > left / threads_left) {
		size = left / threads_left;
		c->stacks_cut++;
	} else if (size > left) {
		size = left;
		c->stacks_cut++;
	}
	if (!size || !(t->stack = malloc(size)))
		return;
	t->stack_start = start;
	t->stack_size = size;
	c->stack_bytes += size;
}

static int read_one(pid_t pid, struct wer_snapshot_thread *t)
{
	struct iovec local = {t->stack, t->stack_size};
	struct iovec remote = {(void *)(uintptr_t)t->stack_start,
			       t->stack_size};
	ssize_t n = process_vm_readv(pid, &local, 1, &remote, 1, 0);

	if (n <= 0) {
		free(t->stack);
		t->stack = NULL;
		t->stack_size = 0;
		return -1;
	}
	t->stack_size = (size_t)n;
	return 0;
}

/* Reads every planned stack, as many per process_vm_readv as it takes
 * (one system call for up to 1024 threads); a thread whose read comes back
 * short is read again alone. */
static void read_stacks(pid_t pid, struct wer_snapshot *c)
{
	enum { BATCH = 1024 };
	/* As many as there are threads, up to a batch, not zeroed (each
	 * entry is set before it is read): pages not touched for nothing. */
	size_t cap = c->thread_count < BATCH ? c->thread_count : BATCH;
	struct iovec *local = malloc((cap + 1) * sizeof(*local));
	struct iovec *remote = malloc((cap + 1) * sizeof(*remote));
	size_t *which = malloc((cap + 1) * sizeof(*which));
	size_t i = 0;

	while (local && remote && which && i < c->thread_count) {
		size_t n = 0, done = 0;
		ssize_t got;

		for (; i < c->thread_count && n < cap; i++) {
			struct wer_snapshot_thread *t = &c->threads[i];

			if (!t->stack)
				continue;
			local[n] = (struct iovec){t->stack, t->stack_size};
			remote[n] = (struct iovec){
			    (void *)(uintptr_t)t->stack_start, t->stack_size};
			which[n++] = i;
		}
		got = process_vm_readv(pid, local, n, remote, n, 0);
		for (size_t k = 0; k < n; k++) {
			struct wer_snapshot_thread *t = &c->threads[which[k]];

			if (got >= 0 && done + t->stack_size <= (size_t)got)
				done += t->stack_size;
			else
				read_one(pid, t);
		}
	}
	if (!local || !remote || !which)
		for (; i < c->thread_count; i++)
			if (c->threads[i].stack)
				read_one(pid, &c->threads[i]);
	free(local);
	free(remote);
	free(which);
}

static int fault_signal(int signo)
{
	switch (signo) {
	case SIGSEGV:
	case SIGBUS:
	case SIGILL:
	case SIGFPE:
	case SIGTRAP:
	case SIGSYS:
		return 1;
	default:
		return 0;
	}
}

/* A kernel signal frame at a in the crashed thread's stack that holds the
 * fault a handler of the program's own raised again: one the crash path's
 * signal handlers return through (the same restorer), saved with the
 * thread's alternate signal stack as it is now, its floating-point state
 * just above it and its registers elsewhere than the frames below it; and
 * a fault: a processor-raised signal in its siginfo (si_code > 0), or,
 * for a handler without SA_SIGINFO (whose frame has no siginfo, as
 * faulthandler's), a trap record of the signal raised again. Fills f's
 * signo, code, address and siginfo with the fault's. */
static int reraised_fault(const struct wer_snapshot *c,
			  struct wer_cpu_signal_frame *f, uint64_t a,
			  size_t size, uint64_t sp)
{
	uint64_t frame_sp = wer_cpu_sp(&f->regs);
	siginfo_t si;

	if ((c->crash.restorer && f->restorer != c->crash.restorer) ||
	    f->alt_stack != c->crash.alt_stack ||
	    f->alt_stack_size != c->crash.alt_stack_size ||
	    (f->fpstate &&
	     (f->fpstate < a + size || f->fpstate - a > 64 * 1024)) ||
	    (frame_sp >= sp && frame_sp < a + size))
		return 0;
	if (fault_signal(f->signo) && f->code > 0)
		return 1;
	if (!f->trap_signo || f->trap_signo != c->crash.signo)
		return 0;
	f->signo = f->trap_signo;
	f->code = f->trap_code;
	f->address = f->trap_address;
	memset(&si, 0, sizeof(si));
	si.si_signo = f->signo;
	si.si_code = f->code;
	si.si_addr = (void *)(uintptr_t)f->address;
	memcpy(f->siginfo, &si,
	       sizeof(si) < sizeof(f->siginfo) ? sizeof(si)
					       : sizeof(f->siginfo));
	return 1;
}

/* A crash raised again (si_code <= 0: sent, not a fault) by a handler of
 * the program's own, as Python's faulthandler does from its alternate
 * signal stack: the nearest signal frame above the raise holds the fault
 * it caught. The report is made of that fault: its signal, its registers
 * and the thread's real stack; the alternate stack's captured window is
 * kept as memory beside it. */
static void find_reraise(struct wer_snapshot *c, const struct mappings *maps)
{
	struct wer_snapshot_thread *t = &c->threads[0];
	const struct wer_cpu_ops *ops = wer__cpu_ops(c->arch);
	struct wer_cpu_signal_frame *f;
	uint64_t sp, a, end;
	size_t size;

	if (!c->have_crash || c->crash.code > 0 || !c->thread_count ||
	    !t->crashed || !t->stack || !ops || !ops->signal_frame)
		return;
	size = ops->signal_frame_size;
	sp = wer_cpu_sp(&t->cpu);
	end = t->stack_start + t->stack_size;
	if (sp < t->stack_start || sp >= end || !(f = malloc(sizeof(*f))))
		return;
	a = sp + (ops->signal_frame_align + ops->signal_frame_rest -
		  sp % ops->signal_frame_align) %
		     ops->signal_frame_align;
	for (; a < end && end - a >= size; a += ops->signal_frame_align) {
		ops->signal_frame(t->stack + (a - t->stack_start), f);
		if (reraised_fault(c, f, a, size, sp))
			break;
	}
	if (a < end && end - a >= size) {
		uint64_t frame_sp = wer_cpu_sp(&f->regs);

		c->crash.reraise_signo = c->crash.signo;
		c->crash.reraise_code = c->crash.code;
		c->crash.reraise_pc = c->crash.pc;
		c->crash.signo = f->signo;
		c->crash.code = f->code;
		c->crash.address = f->address;
		c->crash.pc = wer_cpu_pc(&f->regs);
		memcpy(&c->crash.siginfo, f->siginfo,
		       sizeof(c->crash.siginfo) < sizeof(f->siginfo)
			   ? sizeof(c->crash.siginfo)
			   : sizeof(f->siginfo));
		f->regs.gp[ops->tp] = t->cpu.gp[ops->tp];
		if (f->fpstate && ops->fp_size <= sizeof(f->regs.fp) &&
		    wer__snapshot_read(c, f->fpstate, f->regs.fp,
				       ops->fp_size) == 0)
			f->regs.have_fp = 1;
		t->cpu = f->regs;
		/* On the alternate stack: the real one is read now. */
		if (frame_sp < t->stack_start || frame_sp >= end) {
			if (c->memory_count < WER_SNAPSHOT_MEMORY_MAX)
				c->memory[c->memory_count++] =
				    (struct wer_snapshot_memory){
					t->stack_start, t->stack_size, t->stack,
					WER_MEMORY_SIGNAL_STACK};
			else
				free(t->stack);
			c->stack_bytes -= t->stack_size;
			t->stack = NULL;
			t->stack_start = 0;
			t->stack_size = 0;
			plan_stack(t, maps, WER_CAPTURE_STACK_CRASHED,
				   c->thread_count, c);
			if (t->stack)
				read_one(c->pid, t);
		}
	}
	free(f);
}

/* Every thread's stack (planned from its registers and the maps, read
 * at once), and a fault below a re-raise. */
static void take_stacks(struct wer_snapshot *c)
{
	struct mappings mappings;

	parse_mappings(c->maps.data, c->maps.len, &mappings);
	for (size_t i = 0; i < c->thread_count; i++) {
		struct wer_snapshot_thread *t = &c->threads[i];

		if (t->have_regs)
			plan_stack(t, &mappings,
				   t->crashed ? WER_CAPTURE_STACK_CRASHED
					      : WER_CAPTURE_STACK_OTHER,
				   c->thread_count - i, c);
	}
	read_stacks(c->pid, c);
	find_reraise(c, &mappings);
	free(mappings.v);
}

int wer__capture_threads(struct wer_capture *cap, pid_t first_tid)
{
	struct wer_snapshot *c = cap->snap;
	pid_t pid = c->pid;
	int r, refused = 0;

	if ((r = list_threads(pid, c, first_tid)) < 0)
		return r;
	c->have_threads = 1;
	/* The crashed (or requesting) thread first. */
	for (size_t i = 0; first_tid && i < c->thread_count; i++) {
		if (c->threads[i].tid == first_tid) {
			struct wer_snapshot_thread tmp = c->threads[0];

			c->threads[0] = c->threads[i];
			c->threads[i] = tmp;
			if (c->have_crash) {
				c->threads[0].crashed = 1;
				c->threads[0].cpu = cap->crash_regs;
				c->threads[0].have_regs = 1;
			}
			break;
		}
	}
	/* Seize every thread, then interrupt every thread, then collect the
	 * stops: the threads stop in parallel instead of one after another. */
	c->seized = 1;
	c->stopped_by = "ptrace";
	for (size_t i = 0; i < c->thread_count; i++) {
		struct wer_snapshot_thread *t = &c->threads[i];

		read_thread_name(pid, t);
		if (ptrace(PTRACE_SEIZE, t->tid, 0, 0) < 0) {
			r = -errno;
			t->tid = -t->tid; /* not seized: nothing to detach */
			if (!refused++)
				snprintf(c->problem, sizeof(c->problem),
					 "ptrace refused (%s): %s",
					 strerror(-r),
					 r == -EPERM ? "already traced, or not "
						       "dumpable"
						     : "thread gone");
			c->seized = 0;
		}
	}
	for (size_t i = 0; i < c->thread_count; i++)
		if (c->threads[i].tid > 0 &&
		    ptrace(PTRACE_INTERRUPT, c->threads[i].tid, 0, 0) < 0)
			c->threads[i].stop_failed = 1;
	for (size_t i = 0; i < c->thread_count; i++) {
		struct wer_snapshot_thread *t = &c->threads[i];
		struct wer_cpu_regs regs;

		if (t->tid <= 0 || t->stop_failed || wait_stopped(t->tid) < 0) {
			t->stop_failed = 1;
			continue;
		}
		if (wer__cpu_from_ptrace(t->tid, &regs) < 0)
			continue;
		/* The crashed thread's registers are its ucontext's (ptrace
		 * shows the signal handler), taken from the crash area; its
		 * thread pointer is the same either way. */
		if (t->crashed && t->have_regs) {
			size_t tp = wer__cpu_ops(regs.arch)->tp;

			t->cpu.gp[tp] = regs.gp[tp];
			continue;
		}
		t->cpu = regs;
		t->have_regs = 1;
	}
	take_stacks(c);
	return 0;
}

int wer__capture_frozen_threads(struct wer_capture *cap,
				const struct wer_frozen *f, pid_t first_tid)
{
	struct wer_snapshot *c = cap->snap;
	int r = wer__frozen_threads(wer__read_process_memory, &c->pid, f, c,
				    c->have_crash ? &cap->crash_regs : NULL,
				    first_tid);

	if (!c->threads)
		return r;
	/* Every thread stopped itself: none is seized, none to detach. */
	cap->frozen = 1;
	c->stopped_by = "frozen";
	c->seized = r == 0;
	if (r < 0)
		snprintf(c->problem, sizeof(c->problem),
			 "the stopped threads' registers could not be read "
			 "(%s)",
			 strerror(-r));
	take_stacks(c);
	return 0;
}

static int captured_already(const struct wer_snapshot *c, uint64_t lo,
			    uint64_t hi)
{
	for (size_t i = 0; i < c->thread_count; i++) {
		const struct wer_snapshot_thread *t = &c->threads[i];

		if (t->stack && lo >= t->stack_start &&
		    hi <= t->stack_start + t->stack_size)
			return 1;
	}
	for (size_t i = 0; i < c->memory_count; i++)
		if (lo >= c->memory[i].start &&
		    hi <= c->memory[i].start + c->memory[i].size)
			return 1;
	return 0;
}

/* Copies [lo, hi) of the mapping in m that holds a, clipped to it, unless
 * it is captured already. */
static void capture_clipped(struct wer_snapshot *c, const struct mappings *m,
			    uint64_t a, uint64_t lo, uint64_t hi,
			    enum wer_memory_why why)
{
	struct wer_snapshot_memory *r;
	struct iovec local, remote;
	ssize_t n;
	size_t k;

	if (c->memory_count >= WER_SNAPSHOT_MEMORY_MAX)
		return;
	/* The mapping that holds a, readable. */
	for (k = 0; k < m->count; k++)
		if (a >= m->v[k].lo && a < m->v[k].hi)
			break;
	if (k == m->count || !m->v[k].readable)
		return;
	if (lo < m->v[k].lo)
		lo = m->v[k].lo;
	if (hi > m->v[k].hi)
		hi = m->v[k].hi;
	if (lo >= hi || captured_already(c, lo, hi))
		return;
	r = &c->memory[c->memory_count];
	if (!(r->data = malloc(hi - lo)))
		return;
	local = (struct iovec){r->data, hi - lo};
	remote = (struct iovec){(void *)(uintptr_t)lo, hi - lo};
	n = process_vm_readv(c->pid, &local, 1, &remote, 1, 0);
	if (n <= 0) {
		free(r->data);
		r->data = NULL;
		return;
	}
	r->start = lo;
	r->size = (size_t)n;
	r->why = why;
	c->memory_count++;
}

void wer__capture_around(struct wer_capture *cap, const uint64_t *addresses,
			 size_t count, uint64_t radius, enum wer_memory_why why)
{
	struct wer_snapshot *c = cap->snap;
	struct mappings m;

	parse_mappings(c->maps.data, c->maps.len, &m);
	for (size_t i = 0; i < count; i++) {
		uint64_t a = addresses[i];

		capture_clipped(c, &m, a, a > radius ? a - radius : 0,
				a + radius < a ? UINT64_MAX : a + radius, why);
	}
	free(m.v);
}

void wer__capture_release(struct wer_capture *cap)
{
	struct wer_snapshot *c = cap->snap;

	for (size_t i = 0; i < c->thread_count; i++) {
		struct wer_snapshot_thread *t = &c->threads[i];

		if (cap->frozen)
			break;
		if (t->tid > 0)
			ptrace(PTRACE_DETACH, t->tid, 0, 0);
		else
			t->tid = -t->tid;
	}
}
