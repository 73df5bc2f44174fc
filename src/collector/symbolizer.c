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
 * Lookups go to long-lived children (CHILDREN of them, each used by one
 * thread at a time) that keep the files they parsed open, the least
 * recently used closed past CACHE_FILES or when the file changed: a
 * report's frames cost a few lookups in parsed tables, not a fork and a
 * parse of every file (glibc's debug file alone is 80 ms). A child that
 * passes its time budget is killed, one near its memory budget exits
 * after its answer; either is started again for the next batch. A file's
 * check at upload runs in a child of its own.
 *
 * Queries to a lookup child, one per line, tab-separated, a batch ended
 * by "E":
 *   Q <index> <is_return> <offset hex> <path>
 * or one stack walk (walk.c), answered alone:
 *   W <arch> <tid> <stack start hex> <stack bytes> <maps bytes> <registers>
 *   followed by the maps text and the stack's bytes, raw; registers are
 *   the CPU seam's gp[] (hex, comma-separated). The answer is the
 *   unwinder's records (src/handler/unwind.h: T, F with pcs and the
 *   calls inlined there, from modules with their own DWARF, E), ended
 *   by "D".
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
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "collector.h"
#include "demangle.h"
#include "dwfl_line.h"
#include "hash.h"
#include "store.h"
#include "snapshot.h"
#include "symbolize.h"
#include "text.h"
#include "unwind.h"
#include "watchdog.h"

#define RECORD_MAX                                                             \
	WER_UNWIND_RECORD_MAX /* bytes of a record, its                        \
			       * newline excluded */
#define CHILDREN    4	      /* children at once: memory is CHILDREN budgets */
#define CACHE_FILES 32	      /* files a lookup child keeps parsed */
#define QUERY_MAX   (PATH_MAX + 64) /* bytes of a query line */

static pthread_mutex_t children_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t children_free = PTHREAD_COND_INITIALIZER;

/* What the parent learnt from one child. */
struct run {
	struct wer_elf_query *q;
	size_t n;
	char *build_id; /* the check's, NULL for lookups */
	size_t build_id_size;
	struct wer_unwind *walk; /* a walk's: its records go there */
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

static unsigned long long vm_bytes(const char *key);

/* The files a lookup child keeps parsed: the least recently used goes
 * first, and a file that changed (another upload under the same path)
 * is parsed again. */
struct cached_file {
	char *path;
	dev_t dev;
	ino_t ino;
	struct timespec mtime;
	Dwfl *dwfl;
	Dwfl_Module *mod; /* NULL: libdw cannot read it */
	int cfi;	  /* it has call frame information; -1 unknown */
	unsigned long used;
};

static struct cached_file cache[CACHE_FILES];
static unsigned long cache_clock;

static struct cached_file *cached_file(const char *path)
{
	struct cached_file *slot = NULL;
	struct stat st;

	if (stat(path, &st) < 0)
		return NULL;
	for (size_t i = 0; i < CACHE_FILES; i++) {
		struct cached_file *f = &cache[i];

		if (f->path && !strcmp(f->path, path)) {
			if (f->dev == st.st_dev && f->ino == st.st_ino &&
			    f->mtime.tv_sec == st.st_mtim.tv_sec &&
			    f->mtime.tv_nsec == st.st_mtim.tv_nsec) {
				f->used = ++cache_clock;
				return f;
			}
			slot = f; /* changed: parsed again, here */
			break;
		}
		if (!slot || !f->path || (slot->path && f->used < slot->used))
			slot = f;
	}
	if (slot->path) {
		if (slot->dwfl)
			dwfl_end(slot->dwfl);
		free(slot->path);
	}
	memset(slot, 0, sizeof(*slot));
	if (!(slot->path = strdup(path)))
		return NULL;
	slot->dev = st.st_dev;
	slot->ino = st.st_ino;
	slot->mtime = st.st_mtim;
	slot->mod =
	    wer__symbolize_open(path, WER_SYMBOLIZE_FILE_ONLY, &slot->dwfl);
	slot->cfi = -1;
	slot->used = ++cache_clock;
	return slot;
}

static Dwfl_Module *cached_module(const char *path)
{
	struct cached_file *f = cached_file(path);

	return f ? f->mod : NULL;
}

/* Whether the file has call frame information a walk can use: an
 * .eh_frame with contents (a separate debug file has it empty) or a
 * .debug_frame. Without it, libdwfl would read the file's whole DWARF
 * (inflating it) looking for one on every walk. */
static int cached_cfi(const char *path)
{
	struct cached_file *f = cached_file(path);
	Elf_Scn *scn = NULL;
	GElf_Addr bias;
	size_t strndx;
	Elf *elf;

	if (!f || !f->mod)
		return 0;
	if (f->cfi >= 0)
		return f->cfi;
	f->cfi = 0;
	if (!(elf = dwfl_module_getelf(f->mod, &bias)) ||
	    elf_getshdrstrndx(elf, &strndx) < 0)
		return 0;
	while ((scn = elf_nextscn(elf, scn)) && !f->cfi) {
		GElf_Shdr shdr;
		const char *name;

		if (gelf_getshdr(scn, &shdr) && shdr.sh_type == SHT_PROGBITS &&
		    shdr.sh_size &&
		    (name = elf_strptr(elf, strndx, shdr.sh_name)))
			f->cfi = !strcmp(name, ".eh_frame") ||
				 !strcmp(name, ".debug_frame");
	}
	return f->cfi;
}

/* One query line: "Q index is_return offset path". */
static void child_query(char *line, int fd)
{
	struct wer_elf_query q = {0};
	char *fields[5], *s = line, *end;
	unsigned long long index;
	Dwfl_Module *mod;

	for (int k = 0; k < 5; k++) {
		fields[k] = s;
		if (k < 4 && !(s = strchr(s, '\t')))
			return;
		if (k < 4)
			*s++ = '\0';
	}
	if (strcmp(fields[0], "Q"))
		return;
	index = strtoull(fields[1], &end, 10);
	if (*end)
		return;
	q.is_return = fields[2][0] == '1';
	q.offset = strtoull(fields[3], NULL, 16);
	q.path = fields[4];
	if ((mod = cached_module(q.path)))
		lookup(mod, &q, (size_t)index, fd);
}

#define WALK_MAPS_MAX  (1 << 20) /* bytes of a walk's maps text */
#define WALK_STACK_MAX (1 << 20) /* bytes of a walk's stack */

/* Says whether the budget was reached (then the child is done for). */
static int budget_note(int fd, unsigned long long limit, long budget_mb)
{
	int full = vm_bytes("\nVmPeak:") + (1 << 20) >= limit;

	if (full)
		dprintf(fd, "X\tthe memory budget (%ld MiB) was reached\n",
			budget_mb);
	return full;
}

/* The maps text of a walk without the lines of files that have no call
 * frame information (cached_cfi), into out (as large as maps). */
static void walk_maps(const char *maps, size_t len, char *out, size_t *out_len)
{
	size_t at = 0, n = 0;

	while (at < len) {
		const char *nl = memchr(maps + at, '\n', len - at);
		size_t line = nl ? (size_t)(nl - (maps + at)) + 1 : len - at;
		const char *path = memchr(maps + at, '/', line);
		char file[PATH_MAX];
		size_t plen = path ? line - (size_t)(path - (maps + at)) : 0;

		if (plen && plen <= sizeof(file)) {
			memcpy(file, path, plen);
			file[plen - (file[plen - 1] == '\n')] = '\0';
			if (cached_cfi(file)) {
				memcpy(out + n, maps + at, line);
				n += line;
			}
		}
		at += line;
	}
	*out_len = n;
}

/* The path of the maps line whose file's base name is name, or NULL. */
static const char *maps_path(const char *maps, size_t len, const char *name,
			     char *path, size_t size)
{
	size_t at = 0, nlen = strlen(name);

	while (at < len) {
		const char *nl = memchr(maps + at, '\n', len - at);
		size_t line = nl ? (size_t)(nl - (maps + at)) : len - at;
		const char *p = memchr(maps + at, '/', line);
		size_t plen = p ? line - (size_t)(p - (maps + at)) : 0;

		if (plen && plen < size && plen > nlen &&
		    p[plen - nlen - 1] == '/' &&
		    !memcmp(p + plen - nlen, name, nlen)) {
			memcpy(path, p, plen);
			path[plen] = '\0';
			return path;
		}
		at += line + 1;
	}
	return NULL;
}

/* Writes the unwinder's records (text) to fd, with the calls inlined at
 * each frame's pc before it, as F records with "i" (the walk reads no
 * DWARF itself: the lookup child's parsed files name them, once per file,
 * as werfault's stack.txt names them, so that one bug is one signature
 * either way). Only modules that carry their own DWARF: a separate debug
 * file is not looked for. */
static void walk_inlines(const char *text, size_t len, const char *maps,
			 size_t maps_len, int fd)
{
	size_t at = 0, k = 0;

	while (at < len) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t line = nl ? (size_t)(nl - (text + at)) + 1 : len - at;
		char rec[WER_UNWIND_RECORD_MAX + 1], *f[8], *s = rec,
							    path[PATH_MAX];
		size_t n = 0;
		Dwfl_Module *mod;

		if (line > 2 && text[at] == 'T')
			k = 0;
		if (line > 2 && text[at] == 'F' && line <= sizeof(rec)) {
			memcpy(rec, text + at + 2, line - 2);
			rec[line - 3] = '\0'; /* no newline */
			for (; n < 8 && s; n++) {
				f[n] = s;
				if ((s = strchr(s, '\t')))
					*s++ = '\0';
			}
			if (n >= 6 && f[4][0] &&
			    maps_path(maps, maps_len, f[4], path,
				      sizeof(path)) &&
			    (mod = cached_module(path)) &&
			    wer__dwfl_has_section(mod, ".debug_line")) {
				struct wer_dwfl_inline
				    in[WER_UNWIND_INLINES_MAX];
				size_t count = wer__symbolize_inlines(
				    mod, strtoull(f[2], NULL, 16), k > 0, in,
				    WER_UNWIND_INLINES_MAX);

				for (size_t i = 0; i < count; i++) {
					char clean[WER_UNWIND_NAME_MAX + 1],
					    *readable =
						wer__demangle(in[i].function);

					field(clean, sizeof(clean),
					      readable ? readable
						       : in[i].function);
					free(readable);
					dprintf(
					    fd,
					    "F\t%s\t0\t%s\t0\t%s\t%s\t\ti\n",
					    f[0], f[2], f[4], clean);
				}
			}
			k++;
		}
		wer_write_all(fd, text + at, line);
		at += line;
	}
}

/* A walk (the W header h, its payload: maps text, then stack bytes):
 * werfault's unwinder over a snapshot of one thread, its records
 * written to fd, then "D". Returns whether the budget was reached. */
static int child_walk(char *h, char *payload, size_t maps_len, size_t stack_len,
		      int fd, unsigned long long limit, long budget_mb)
{
	/* Made once: megabytes, mostly never touched (a fresh one per walk
	 * would map and unmap them every time). */
	static struct wer_snapshot *snap;
	struct wer_snapshot_thread t = {0};
	const struct wer_cpu_ops *ops;
	char *f[7], *maps = malloc(maps_len + 1), *text = NULL, *end;
	size_t text_len = 0, n = 0;
	FILE *out = NULL;
	int r = -EINVAL;

	for (char *s = h; n < 7 && s; n++) {
		f[n] = s;
		if ((s = strchr(s, '\t')))
			*s++ = '\0';
	}
	if (!snap)
		snap = calloc(1, sizeof(*snap));
	if (n != 7 || !snap || !maps)
		goto out;
	t.cpu.arch = (enum wer_cpu_arch)strtol(f[1], NULL, 10);
	if (!(ops = wer__cpu_ops(t.cpu.arch)))
		goto out;
	t.tid = (pid_t)strtol(f[2], NULL, 10);
	t.stack_start = strtoull(f[3], NULL, 16);
	end = f[6];
	for (size_t i = 0; i < ops->gp_count && *end; i++) {
		t.cpu.gp[i] = strtoull(end, &end, 16);
		if (*end == ',')
			end++;
	}
	t.have_regs = t.crashed = 1;
	t.stack = (unsigned char *)payload + maps_len;
	t.stack_size = stack_len;
	walk_maps(payload, maps_len, maps, &n);
	snap->arch = t.cpu.arch;
	snap->pid = snap->tid = t.tid > 0 ? t.tid : 1;
	snap->threads = &t;
	snap->thread_count = snap->threads_total = 1;
	snap->have_threads = 1;
	snap->full.fd = -1;
	snap->maps.data = maps;
	snap->maps.len = n;
	/* The records in memory first: the budget's note goes before "D". */
	if (!(out = open_memstream(&text, &text_len)))
		goto out;
	r = wer__unwind(snap, WER_UNWIND_PCS_ONLY, out, NULL);
	fclose(out);
	if (text_len > 2 && !strcmp(text + text_len - 2, "D\n"))
		text_len -= 2;
	walk_inlines(text, text_len, maps, n, fd);
out:
	if (r < 0)
		dprintf(fd, "X\tthe walk could not start: %s\n", strerror(-r));
	n = (size_t)budget_note(fd, limit, budget_mb);
	dprintf(fd, "D\n");
	free(text);
	free(maps);
	return (int)n;
}

/* Reads exactly len bytes from in into buf, after the have bytes given
 * first: 0, or -1 when in closed. */
static int read_exactly(int in, char *buf, size_t len, const char *have,
			size_t have_len)
{
	size_t at = have_len < len ? have_len : len;

	memcpy(buf, have, at);
	while (at < len) {
		ssize_t got = read(in, buf + at, len - at);

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return -1;
		at += (size_t)got;
	}
	return 0;
}

/* Serves batches of queries and walks from in until it closes, each
 * answered and ended by "D"; past the memory budget, the answer ends with
 * a note of it and the child exits (the parent starts another). */
static void child_serve(int in, int fd, unsigned long long limit,
			long budget_mb)
{
	char line[QUERY_MAX + 1];
	size_t have = 0;
	int skipping = 0;

	for (;;) {
		ssize_t got = read(in, line + have, sizeof(line) - 1 - have);
		char *start = line, *nl;

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return;
		have += (size_t)got;
		while (
		    (nl = memchr(start, '\n', have - (size_t)(start - line)))) {
			*nl = '\0';
			if (skipping) {
				skipping = 0;
			} else if (!strcmp(start, "E")) {
				int full = budget_note(fd, limit, budget_mb);

				dprintf(fd, "D\n");
				if (full)
					return;
			} else if (!strncmp(start, "W\t", 2)) {
				/* Its payload follows, raw. */
				char *rest = nl + 1, *fields = start, *p;
				size_t rest_len = have - (size_t)(rest - line);
				unsigned long long maps_len = 0, stack_len = 0;
				char *payload;
				int full;

				for (int k = 0; k < 4 && fields; k++)
					fields = strchr(fields + 1, '\t');
				if (fields)
					stack_len =
					    strtoull(fields + 1, &p, 10),
					maps_len = strtoull(p, NULL, 10);
				if (!fields || maps_len > WALK_MAPS_MAX ||
				    stack_len > WALK_STACK_MAX ||
				    !(payload =
					  malloc(maps_len + stack_len + 1)))
					return; /* the parent sees it end */
				if (read_exactly(in, payload,
						 maps_len + stack_len, rest,
						 rest_len) < 0) {
					free(payload);
					return;
				}
				full =
				    child_walk(start, payload, maps_len,
					       stack_len, fd, limit, budget_mb);
				free(payload);
				if (full)
					return;
				/* What followed the payload, if anything. */
				if (rest_len > maps_len + stack_len) {
					size_t extra =
					    rest_len - maps_len - stack_len;

					memmove(line,
						rest + maps_len + stack_len,
						extra);
					have = extra;
				} else {
					have = 0;
				}
				start = line;
				continue;
			} else {
				child_query(start, fd);
			}
			start = nl + 1;
		}
		have -= (size_t)(start - line);
		memmove(line, start, have);
		if (have >= sizeof(line) - 1) { /* a line too long */
			skipping = 1;
			have = 0;
		}
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
	wer_hex_encode(bits, (size_t)n, hex);
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

/* A child: a file's check (check_path), or lookups served from the
 * socket fd until it closes. */
static int child_main(const struct wer_collector *c, const char *check_path,
		      int fd, pid_t parent)
{
	unsigned long long start = vm_bytes("\nVmSize:");
	unsigned long long limit =
	    start + ((unsigned long long)c->symbols_memory_mb << 20);
	struct rlimit as = {limit, limit}, none = {0, 0};

	/* Ends with the collector, also when it ended before this. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		return 4;
	/* Only its pipe or socket: the connections' sockets, the database,
	 * the other children's sockets are the collector's. */
	if (fd > 3)
		close_range(3, (unsigned)fd - 1, 0);
	close_range((unsigned)fd + 1, ~0U, 0);
	setrlimit(RLIMIT_CORE, &none);
	if (!start || setrlimit(RLIMIT_AS, &as) < 0) {
		dprintf(fd, "X\tno memory budget could be set\n");
		return 3;
	}
	if (!check_path) {
		child_serve(fd, fd, limit, c->symbols_memory_mb);
		return 0;
	}
	child_check(check_path, c->symbols_memory_mb, fd);
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
	if (run->walk && line[0] != 'X') {
		wer__unwind_record(run->walk, line, strlen(line));
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

/* Sends out[0..out_len) to the child while reading its records, until
 * it says "D", ends, or the deadline passes (1: it passed). */
static int exchange(int fd, const char *out, size_t out_len, double deadline,
		    struct run *run)
{
	char buf[4 * RECORD_MAX];
	size_t have = 0, sent = 0;
	int skipping = 0;

	while (!run->done) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		double left = deadline - wer__monotonic();
		char *start = buf, *nl;
		ssize_t got;
		int n;

		if (left <= 0)
			return 1;
		if (sent < out_len)
			p.events |= POLLOUT;
		n = poll(&p, 1, (int)(left * 1000) + 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n == 0;
		if (p.revents & POLLOUT) {
			got = send(fd, out + sent, out_len - sent,
				   MSG_NOSIGNAL | MSG_DONTWAIT);
			if (got > 0)
				sent += (size_t)got;
			else if (got < 0 && errno != EAGAIN && errno != EINTR)
				return 0;
		}
		if (!(p.revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		got = read(fd, buf + have, sizeof(buf) - have);
		if (got < 0 && (errno == EINTR || errno == EAGAIN))
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
	return 0;
}

/* Why a child's run failed, from how it ended (status) and what it said;
 * 0 when it did not. */
static int outcome(const struct wer_collector *c, const struct run *run,
		   int late, int status, char *why, size_t why_size)
{
	if (late) {
		snprintf(why, why_size, "the time budget (%ld ms) ran out",
			 c->symbols_timeout_ms);
		return -ETIMEDOUT;
	}
	if (run->budget_reached) {
		snprintf(why, why_size, "%s", run->problem);
		return -ENOMEM;
	}
	if (WIFSIGNALED(status)) {
		snprintf(why, why_size,
			 "libdw's process was killed by signal %d (%s)",
			 WTERMSIG(status), strsignal(WTERMSIG(status)));
		return -ECHILD;
	}
	if (!run->done) {
		snprintf(why, why_size,
			 "libdw's process ended early (status %d)",
			 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		return -ECHILD;
	}
	return 0;
}

static pid_t start_child(const struct wer_collector *c, const char *check_path,
			 int fds[2], char *why, size_t why_size)
{
	pid_t child, parent = getpid();

	fflush(NULL); /* nothing buffered is written twice */
	child = fork();
	if (child < 0) {
		snprintf(why, why_size, "no child process: %s",
			 strerror(errno));
		return -1;
	}
	if (child == 0) {
		close(fds[0]);
		_exit(child_main(c, check_path, fds[1], parent));
	}
	close(fds[1]);
	fds[1] = -1;
	return child;
}

static void reap(pid_t child, int *status)
{
	while (waitpid(child, status, 0) < 0 && errno == EINTR)
		;
}

/* A file's check, in a child of its own. */
static int run_check(const struct wer_collector *c, struct run *run,
		     const char *check_path, char *why, size_t why_size)
{
	double deadline =
	    wer__monotonic() + (double)c->symbols_timeout_ms / 1000;
	int fds[2], status = 0, late;
	pid_t child;

	if (pipe2(fds, O_CLOEXEC) < 0) {
		snprintf(why, why_size, "no pipe: %s", strerror(errno));
		return -EAGAIN;
	}
	if ((child = start_child(c, check_path, fds, why, why_size)) < 0) {
		close(fds[0]);
		close(fds[1]);
		return -EAGAIN;
	}
	late = exchange(fds[0], NULL, 0, deadline, run);
	close(fds[0]);
	if (late)
		kill(child, SIGKILL);
	reap(child, &status);
	return outcome(c, run, late, status, why, why_size);
}

/* The lookup children, each used by one thread at a time. */
static struct worker {
	pid_t pid; /* 0: not running */
	int fd;	   /* its socket */
	int busy;
} workers[CHILDREN];

static struct worker *take_worker(void)
{
	struct worker *w = NULL;

	pthread_mutex_lock(&children_lock);
	for (;;) {
		for (size_t i = 0; i < CHILDREN && !w; i++)
			if (!workers[i].busy)
				w = &workers[i];
		if (w)
			break;
		pthread_cond_wait(&children_free, &children_lock);
	}
	w->busy = 1;
	pthread_mutex_unlock(&children_lock);
	return w;
}

static void give_worker(struct worker *w)
{
	pthread_mutex_lock(&children_lock);
	w->busy = 0;
	pthread_cond_signal(&children_free);
	pthread_mutex_unlock(&children_lock);
}

static void stop_worker(struct worker *w, int *status)
{
	if (!w->pid)
		return;
	close(w->fd);
	kill(w->pid, SIGKILL);
	reap(w->pid, status);
	w->pid = 0;
}

/* Sends out (the queries of run, or a walk) to a lookup child, started
 * when none runs, and reads its answer into run. */
static int run_child(const struct wer_collector *c, struct run *run,
		     struct wer_buf *out, char *why, size_t why_size)
{
	double deadline =
	    wer__monotonic() + (double)c->symbols_timeout_ms / 1000;
	struct worker *w = take_worker();
	int status = 0, late, r;

	if (out->failed) {
		give_worker(w);
		snprintf(why, why_size, "out of memory");
		return -ENOMEM;
	}
	if (!w->pid) {
		int fds[2];

		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) <
		    0) {
			snprintf(why, why_size, "no socket: %s",
				 strerror(errno));
			r = -EAGAIN;
			goto out;
		}
		if ((w->pid = start_child(c, NULL, fds, why, why_size)) < 0) {
			w->pid = 0;
			close(fds[0]);
			close(fds[1]);
			r = -EAGAIN;
			goto out;
		}
		w->fd = fds[0];
	}
	late = exchange(w->fd, out->data, out->len, deadline, run);
	/* Killed when late or done for; a child past its memory budget
	 * exits by itself after its answer. */
	if (late || !run->done || run->budget_reached)
		stop_worker(w, &status);
	r = outcome(c, run, late, status, why, why_size);
out:
	give_worker(w);
	return r;
}

static int run_lookups(const struct wer_collector *c, struct run *run,
		       char *why, size_t why_size)
{
	struct wer_buf out;
	int r;

	wer_buf_init(&out, (size_t)64 << 20);
	for (size_t i = 0; i < run->n; i++)
		wer_buf_printf(&out, "Q\t%zu\t%d\t%" PRIx64 "\t%s\n", i,
			       run->q[i].is_return ? 1 : 0, run->q[i].offset,
			       run->q[i].path);
	wer_buf_str(&out, "E\n");
	r = run_child(c, run, &out, why, why_size);
	wer_buf_free(&out);
	return r;
}

int wer__elf_walk(const struct wer_collector *c,
		  const struct wer_snapshot_thread *t, const char *maps,
		  struct wer_unwind *ret, char *why, size_t why_size)
{
	const struct wer_cpu_ops *ops = wer__cpu_ops(t->cpu.arch);
	size_t maps_len = strlen(maps), stack_len = t->stack_size;
	struct run run = {.walk = ret};
	struct wer_buf out;
	int r;

	why[0] = '\0';
	if (!ops || maps_len > WALK_MAPS_MAX) {
		snprintf(why, why_size, "nothing to walk");
		return -EINVAL;
	}
	if (stack_len > WALK_STACK_MAX)
		stack_len = WALK_STACK_MAX;
	if (wer__unwind_init(ret, 1) < 0) {
		snprintf(why, why_size, "out of memory");
		return -ENOMEM;
	}
	wer_buf_init(&out, WALK_MAPS_MAX + WALK_STACK_MAX + 4096);
	wer_buf_printf(&out, "W\t%d\t%d\t%" PRIx64 "\t%zu\t%zu\t",
		       (int)t->cpu.arch, (int)t->tid, t->stack_start, stack_len,
		       maps_len);
	for (size_t i = 0; i < ops->gp_count; i++)
		wer_buf_printf(&out, "%s%" PRIx64, i ? "," : "", t->cpu.gp[i]);
	wer_buf_str(&out, "\n");
	wer_buf_add(&out, maps, maps_len);
	wer_buf_add(&out, t->stack, stack_len);
	r = run_child(c, &run, &out, why, why_size);
	wer_buf_free(&out);
	if (r < 0)
		wer__unwind_free(ret);
	else if (run.problem[0])
		snprintf(ret->problem, sizeof(ret->problem), "%.*s",
			 (int)sizeof(ret->problem) - 1, run.problem);
	return r;
}

/* ---- answers remembered
 * Reports of one bug ask the same lookups again and again: answers are
 * remembered by file (its device, inode and modification time: a file
 * uploaded again is another file), offset and kind, in a table of
 * ANSWERS slots, each taken over by the next answer that hashes to it. */
#define ANSWERS 8192

static struct answer {
	uint64_t file_hash, offset;
	int is_return, used;
	char result[sizeof(((struct wer_elf_query *)0)->result)];
} answers[ANSWERS];
static pthread_mutex_t answers_lock = PTHREAD_MUTEX_INITIALIZER;

static uint64_t file_hash(const char *path)
{
	struct stat st;
	uint64_t h = WER_FNV1A_BASIS;

	if (stat(path, &st) < 0)
		return 0;
	h = wer_fnv1a(h, path, strlen(path));
	h = wer_fnv1a(h, &st.st_dev, sizeof(st.st_dev));
	h = wer_fnv1a(h, &st.st_ino, sizeof(st.st_ino));
	h = wer_fnv1a(h, &st.st_mtim, sizeof(st.st_mtim));
	return h ? h : 1;
}

static struct answer *answer_slot(uint64_t file, uint64_t offset, int is_return)
{
	uint64_t h = wer_fnv1a(file, &offset, sizeof(offset));

	h = wer_fnv1a(h, &is_return, sizeof(is_return));
	return &answers[h % ANSWERS];
}

int wer__elf_symbolize(const struct wer_collector *c, struct wer_elf_query *q,
		       size_t n, char *why, size_t why_size)
{
	struct wer_elf_query *ask = n ? calloc(n, sizeof(*ask)) : NULL;
	size_t *which = n ? calloc(n, sizeof(*which)) : NULL;
	uint64_t *files = n ? calloc(n, sizeof(*files)) : NULL;
	struct run run = {.q = ask};
	int r = 0;

	why[0] = '\0';
	if (n && (!ask || !which || !files)) {
		free(ask);
		free(which);
		free(files);
		snprintf(why, why_size, "out of memory");
		return -ENOMEM;
	}
	pthread_mutex_lock(&answers_lock);
	for (size_t i = 0; i < n; i++) {
		struct answer *a;

		q[i].result[0] = '\0';
		/* One stat per file of the batch. */
		for (size_t k = 0; k < i && !files[i]; k++)
			if (!strcmp(q[k].path, q[i].path))
				files[i] = files[k];
		if (!files[i])
			files[i] = file_hash(q[i].path);
		a = answer_slot(files[i], q[i].offset, q[i].is_return);
		if (files[i] && a->used && a->file_hash == files[i] &&
		    a->offset == q[i].offset &&
		    a->is_return == q[i].is_return) {
			memcpy(q[i].result, a->result, sizeof(q[i].result));
			continue;
		}
		ask[run.n] = q[i];
		which[run.n++] = i;
	}
	pthread_mutex_unlock(&answers_lock);
	if (run.n)
		r = run_lookups(c, &run, why, why_size);
	pthread_mutex_lock(&answers_lock);
	for (size_t k = 0; k < run.n; k++) {
		size_t i = which[k];
		struct answer *a;

		memcpy(q[i].result, ask[k].result, sizeof(q[i].result));
		/* Only what a whole run answered: a run cut short may have
		 * missed lines it would have found. */
		if (r < 0 || !files[i])
			continue;
		a = answer_slot(files[i], q[i].offset, q[i].is_return);
		*a = (struct answer){files[i], q[i].offset, q[i].is_return, 1,
				     ""};
		memcpy(a->result, ask[k].result, sizeof(a->result));
	}
	pthread_mutex_unlock(&answers_lock);
	free(ask);
	free(which);
	free(files);
	return r;
}

int wer__elf_check(const struct wer_collector *c, const char *path,
		   char *build_id, size_t size, char *why, size_t why_size)
{
	struct run run = {.build_id = build_id, .build_id_size = size};
	struct worker *w;
	int r;

	build_id[0] = why[0] = '\0';
	/* A check takes a lookup child's turn: at most CHILDREN budgets
	 * are in use at once. */
	w = take_worker();
	r = run_check(c, &run, path, why, why_size);
	give_worker(w);
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
