/* SPDX-License-Identifier: MIT */
/*
 * symbolizer.c - libdw reads uploaded ELF files in a child process,
 * within a time and memory budget, as werfault's unwinder does
 * (src/handler/unwind.c): a fork of the collector that limits its address
 * space (RLIMIT_AS: what it has plus --symbols-memory MiB), closes every
 * descriptor but a pipe, and writes records into the pipe; the collector
 * reads them against a deadline (--symbols-timeout ms) and kills it when
 * it passes. A file that crashes libdw, loops in it, or makes it allocate
 * without end (a compressed debug section claiming gigabytes) ends that
 * child, never the collector, whose memory holds only the records.
 *
 * The lookups are src/symbolize's, `wer show`'s too (clang's DWARF, which
 * has no .debug_aranges, included), asked for the uploaded file alone: no
 * search for separate debug files or debuginfod by build id on the
 * collector's host.
 *
 * Records, one per line, tab-separated:
 *   B <build id>        the file's build id (a check)
 *   R <index> <text>    query index's answer, "function+0xoff", then
 *                       "function+0xoff file:line" when DWARF has it
 *   X <problem>         what went wrong, for the log or the answer
 *   D                   the end: everything was said
 */
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "collector.h"
#include "demangle.h"
#include "store.h"
#include "symbolize.h"
#include "watchdog.h"

#define RECORD_MAX 1024 /* bytes of a record, its newline excluded */
#define CHILDREN   4	/* children at once: memory is CHILDREN budgets */

static pthread_mutex_t children_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t children_free = PTHREAD_COND_INITIALIZER;
static unsigned children;

/* What the parent learnt from one child. */
struct run {
	struct wer_elf_query *q;
	size_t n;
	char *build_id; /* the check's, NULL for lookups */
	size_t build_id_size;
	int done, budget_reached;
	char problem[256];
};

/* ---- the child */

/* Text from the file, as one field of a record: control characters (a
 * tab, a newline) become '?', and it is cut to fit. */
static void field(char *out, size_t size, const char *s)
{
	size_t n = 0;

	for (; *s && n + 1 < size; s++)
		out[n++] = (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s;
	out[n] = '\0';
}

/* Answers query index: its function first (the symbol table), then, when
 * DWARF has it, again with its file and line: a child that dies reading
 * DWARF (a crash, its budget) has said the function already. */
static void lookup(Dwfl_Module *mod, const struct wer_elf_query *q,
		   size_t index, int fd)
{
	uint64_t off = 0;
	const char *name, *file;
	char clean[512], clean_file[512], *readable;
	int lineno = 0;
	size_t len;

	name = wer__symbolize_function(mod, q->offset, q->is_return, &off);
	if (!name)
		return;
	/* C++ names demangled (in this child: the demangler reads the
	 * uploaded file's names). */
	readable = wer__demangle(name);
	field(clean, sizeof(clean), readable ? readable : name);
	free(readable);
	dprintf(fd, "R\t%zu\t%.200s+0x%" PRIx64 "\n", index, clean, off);
	file = wer__symbolize_line(mod, q->offset, q->is_return, &lineno);
	if (!file)
		return;
	/* A long path's end says more than its start. */
	len = strlen(file);
	field(clean_file, sizeof(clean_file),
	      len > 120 ? file + len - 120 : file);
	dprintf(fd, "R\t%zu\t%.100s+0x%" PRIx64 " %.120s:%d\n", index, clean,
		off, clean_file, lineno);
}

/* Lookups: one Dwfl per distinct file. */
static void child_symbolize(const struct wer_elf_query *q, size_t n, int fd)
{
	for (size_t i = 0; i < n; i++) {
		Dwfl *dwfl;
		Dwfl_Module *mod;
		size_t seen = 0;

		while (seen < i && strcmp(q[seen].path, q[i].path))
			seen++;
		if (seen < i)
			continue; /* answered with the first of its file */
		mod = wer__symbolize_open(q[i].path, WER_SYMBOLIZE_FILE_ONLY,
					  &dwfl);
		for (size_t k = i; k < n; k++)
			if (!strcmp(q[k].path, q[i].path))
				lookup(mod, &q[k], k, fd);
		dwfl_end(dwfl);
	}
}

/* The size a compressed debug section inflates to (ELF's
 * SHF_COMPRESSED, or GNU's .zdebug with its "ZLIB" header), 0 when it is
 * not one. */
static uint64_t inflated_size(Elf *elf, Elf_Scn *scn, const GElf_Shdr *shdr)
{
	size_t strndx;
	const char *name;
	GElf_Chdr chdr;
	Elf_Data *data;
	uint64_t size = 0;

	if (shdr->sh_flags & SHF_COMPRESSED)
		return gelf_getchdr(scn, &chdr) ? chdr.ch_size : 0;
	if (elf_getshdrstrndx(elf, &strndx) < 0 ||
	    !(name = elf_strptr(elf, strndx, shdr->sh_name)) ||
	    strncmp(name, ".zdebug", 7) || !(data = elf_rawdata(scn, NULL)) ||
	    data->d_size < 12 || memcmp(data->d_buf, "ZLIB", 4))
		return 0;
	for (int i = 4; i < 12; i++)
		size = size << 8 | ((const unsigned char *)data->d_buf)[i];
	return size;
}

/* A check: the build id, then everything a lookup reads (the symbol
 * table, DWARF with its sections inflated, every unit's address ranges,
 * which clang's DWARF is searched by, and line table). A
 * section that would inflate past the budget is refused before libdw
 * tries: libelf would fail quietly, and each lookup again. */
static void child_check(const char *path, long budget_mb, int fd)
{
	Dwfl *dwfl;
	Dwfl_Module *mod =
	    wer__symbolize_open(path, WER_SYMBOLIZE_FILE_ONLY, &dwfl);
	const unsigned char *bits;
	GElf_Addr vaddr, bias;
	Dwarf_Addr dwbias;
	Elf_Scn *scn = NULL;
	Elf *elf;
	Dwarf *dw;
	char hex[65];
	int n;

	if (!mod || (n = dwfl_module_build_id(mod, &bits, &vaddr)) <= 0 ||
	    n > 32 || !(elf = dwfl_module_getelf(mod, &bias))) {
		dprintf(fd, "X\tnot an ELF file with a build id\n");
		dwfl_end(dwfl);
		return;
	}
	for (int i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", bits[i]);
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr shdr;
		uint64_t size;

		if (!gelf_getshdr(scn, &shdr))
			continue;
		size = inflated_size(elf, scn, &shdr);
		if (size > ((uint64_t)budget_mb << 20)) {
			dprintf(fd,
				"X\ta compressed section inflates to %" PRIu64
				" bytes, past the memory budget (%ld MiB)\n",
				size, budget_mb);
			dwfl_end(dwfl);
			return;
		}
	}
	dwfl_module_getsymtab(mod);
	dw = dwfl_module_getdwarf(mod, &dwbias);
	if (dw) {
		Dwarf_Off off = 0, next;
		size_t header;

		while (dwarf_nextcu(dw, off, &next, &header, NULL, NULL,
				    NULL) == 0) {
			Dwarf_Die die;
			Dwarf_Lines *lines;
			size_t count;

			if (dwarf_offdie(dw, off + header, &die)) {
				dwarf_haspc(&die, 0); /* its ranges */
				dwarf_getsrclines(&die, &lines, &count);
			}
			off = next;
		}
	}
	dprintf(fd, "B\t%s\n", hex);
	dwfl_end(dwfl);
}

/* A "Vm..." figure of /proc/self/status in bytes, 0 when unread. */
static unsigned long long vm_bytes(const char *key)
{
	char buf[4096], *at;
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	size_t n = fd >= 0 ? wer_read_fd_capped(fd, buf, sizeof(buf) - 1) : 0;

	if (fd >= 0)
		close(fd);
	buf[n] = '\0';
	at = strstr(buf, key);
	return at ? strtoull(at + strlen(key), NULL, 10) << 10 : 0;
}

static int child_main(const struct wer_collector *c,
		      const struct wer_elf_query *q, size_t n,
		      const char *check_path, int fd, pid_t parent)
{
	unsigned long long start = vm_bytes("\nVmSize:");
	unsigned long long limit =
	    start + ((unsigned long long)c->symbols_memory_mb << 20);
	struct rlimit as = {limit, limit}, none = {0, 0};

	/* Ends with the collector, also when it ended before this. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		return 4;
	/* Only the pipe: the connections' sockets, the database, are the
	 * collector's. */
	if (fd > 3)
		close_range(3, (unsigned)fd - 1, 0);
	close_range((unsigned)fd + 1, ~0U, 0);
	setrlimit(RLIMIT_CORE, &none);
	if (!start || setrlimit(RLIMIT_AS, &as) < 0) {
		dprintf(fd, "X\tno memory budget could be set\n");
		return 3;
	}
	if (check_path)
		child_check(check_path, c->symbols_memory_mb, fd);
	else
		child_symbolize(q, n, fd);
	/* libdw gives up quietly when an allocation fails: say whether the
	 * budget is what stopped it. */
	if (vm_bytes("\nVmPeak:") + (1 << 20) >= limit)
		dprintf(fd, "X\tthe memory budget (%ld MiB) was reached\n",
			c->symbols_memory_mb);
	dprintf(fd, "D\n");
	return 0;
}

/* ---- the parent */

static void record(struct run *run, char *line)
{
	char *tab = strchr(line, '\t');
	char *end;
	unsigned long long index;

	if (!strcmp(line, "D")) {
		run->done = 1;
		return;
	}
	if (!tab || tab != line + 1)
		return;
	switch (line[0]) {
	case 'B':
		if (run->build_id && strlen(tab + 1) < run->build_id_size &&
		    strspn(tab + 1, "0123456789abcdef") == strlen(tab + 1))
			snprintf(run->build_id, run->build_id_size, "%s",
				 tab + 1);
		break;
	case 'R':
		errno = 0;
		index = strtoull(tab + 1, &end, 10);
		if (errno || *end != '\t' || index >= run->n ||
		    strlen(end + 1) >= sizeof(run->q->result))
			return;
		memcpy(run->q[index].result, end + 1, strlen(end + 1) + 1);
		break;
	case 'X':
		if (strstr(tab + 1, "memory budget"))
			run->budget_reached = 1;
		if (!run->problem[0])
			snprintf(run->problem, sizeof(run->problem), "%s",
				 tab + 1);
		break;
	}
}

/* Reads records until the child ends or the deadline passes. 1 when it
 * passed. */
static int read_records(int fd, double deadline, struct run *run)
{
	char buf[4 * RECORD_MAX];
	size_t have = 0;
	int skipping = 0;

	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		double left = deadline - wer__monotonic();
		char *start = buf, *nl;
		ssize_t got;
		int n;

		if (left <= 0)
			return 1;
		n = poll(&p, 1, (int)(left * 1000) + 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n == 0;
		got = read(fd, buf + have, sizeof(buf) - have);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return 0;
		have += (size_t)got;
		while (
		    (nl = memchr(start, '\n', have - (size_t)(start - buf)))) {
			*nl = '\0';
			if (!skipping)
				record(run, start);
			skipping = 0;
			start = nl + 1;
		}
		have -= (size_t)(start - buf);
		memmove(buf, start, have);
		if (have > RECORD_MAX) { /* longer than any the child writes */
			skipping = 1;
			have = 0;
		}
	}
}

static int run_child_now(const struct wer_collector *c, struct run *run,
			 const char *check_path, char *why, size_t why_size)
{
	double deadline =
	    wer__monotonic() + (double)c->symbols_timeout_ms / 1000;
	int fds[2], status = 0, late, r = 0;
	pid_t child, parent = getpid();

	if (pipe2(fds, O_CLOEXEC) < 0) {
		snprintf(why, why_size, "no pipe: %s", strerror(errno));
		return -EAGAIN;
	}
	fflush(NULL); /* nothing buffered is written twice */
	child = fork();
	if (child < 0) {
		snprintf(why, why_size, "no child process: %s",
			 strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return -EAGAIN;
	}
	if (child == 0) {
		close(fds[0]);
		_exit(
		    child_main(c, run->q, run->n, check_path, fds[1], parent));
	}
	close(fds[1]);
	late = read_records(fds[0], deadline, run);
	close(fds[0]);
	if (late)
		kill(child, SIGKILL);
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	if (late) {
		snprintf(why, why_size, "the time budget (%ld ms) ran out",
			 c->symbols_timeout_ms);
		r = -ETIMEDOUT;
	} else if (run->budget_reached) {
		snprintf(why, why_size, "%s", run->problem);
		r = -ENOMEM;
	} else if (WIFSIGNALED(status)) {
		snprintf(why, why_size,
			 "libdw's process was killed by signal %d (%s)",
			 WTERMSIG(status), strsignal(WTERMSIG(status)));
		r = -ECHILD;
	} else if (!run->done) {
		snprintf(why, why_size,
			 "libdw's process ended early (status %d)",
			 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		r = -ECHILD;
	}
	return r;
}

/* At most CHILDREN at once: the others wait their turn (each ends within
 * its time budget). */
static int run_child(const struct wer_collector *c, struct run *run,
		     const char *check_path, char *why, size_t why_size)
{
	int r;

	pthread_mutex_lock(&children_lock);
	while (children >= CHILDREN)
		pthread_cond_wait(&children_free, &children_lock);
	children++;
	pthread_mutex_unlock(&children_lock);
	r = run_child_now(c, run, check_path, why, why_size);
	pthread_mutex_lock(&children_lock);
	children--;
	pthread_cond_signal(&children_free);
	pthread_mutex_unlock(&children_lock);
	return r;
}

int wer__elf_symbolize(const struct wer_collector *c, struct wer_elf_query *q,
		       size_t n, char *why, size_t why_size)
{
	struct run run = {.q = q, .n = n};

	for (size_t i = 0; i < n; i++)
		q[i].result[0] = '\0';
	why[0] = '\0';
	return n ? run_child(c, &run, NULL, why, why_size) : 0;
}

int wer__elf_check(const struct wer_collector *c, const char *path,
		   char *build_id, size_t size, char *why, size_t why_size)
{
	struct run run = {.build_id = build_id, .build_id_size = size};
	int r;

	build_id[0] = why[0] = '\0';
	r = run_child(c, &run, path, why, why_size);
	if (r < 0)
		return r;
	if (!build_id[0]) {
		snprintf(why, why_size, "%s",
			 run.problem[0] ? run.problem
					: "not an ELF file with a build id");
		return -ENOENT;
	}
	return 0;
}
