/* SPDX-License-Identifier: MIT */
/*
 * unwind_dwfl.c - stacks from a snapshot, with libdwfl. Only werfault's
 * unwinder child (a fork of werfault, src/handler/unwind.c) runs it:
 * linked into werfault with libdw's archives, or, where there are none, a
 * module of its own (werfault-unwind.so) that the child loads.
 *
 * dwfl_attach_state() takes our own thread callbacks: the thread list and
 * initial registers come from the capture, memory reads are served from the
 * captured stacks only. Modules are reported from the maps text read while
 * the process was held; their files (and separate debug info) are read
 * from disk.
 */
#include <errno.h>
#include <elfutils/libdwfl.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <gelf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demangle.h"
#include "dwfl_line.h"
#include "io.h"
#include "line_cache.h"
#include "package_note.h"
#include "text.h"
#include "unwind.h"

struct unwind_ctx {
	enum wer_unwind_lines lines; /* never _SETTING */
	const struct wer_snapshot *snap;
	const struct wer_cpu_ops *ops; /* the snapshot's CPU; NULL unknown */
	size_t frame_count;	       /* of the thread being unwound */
	int null_call;		       /* it called a NULL function pointer: */
	struct wer_cpu_regs caller;    /* then its caller's registers */
	FILE *out;
	Dwfl *dwfl;
	int cache_fd; /* the line cache's directory, -1 none */
	/* Symbols found, by the address looked up: threads share frames
	 * (every worker of a pool waits in the same calls), and libdwfl
	 * looks a symbol up by scanning the module's whole table. NULL
	 * when it could not be allocated. */
	struct sym_memo *memo;
	unsigned memo_bits; /* it has 1 << memo_bits entries */
};

/* One symbol lookup's answer (sym NULL: the address has none). */
struct sym_memo {
	Dwarf_Addr lookup;
	Dwfl_Module *mod; /* NULL: an empty entry */
	const char *sym;
	GElf_Off offset;
};

/* Entries: 16 a thread, from 64 to 1024 (a table zeroed whole costs a
 * page fault per 128 entries; one thread's few frames need few). */
#define SYM_MEMO_MIN_BITS 6
#define SYM_MEMO_MAX_BITS 10

/* dwfl_module_addrinfo's name and offset for lookup in mod, memoized. */
static const char *symbol_at(struct unwind_ctx *ctx, Dwfl_Module *mod,
			     Dwarf_Addr lookup, GElf_Off *offset)
{
	struct sym_memo *e = NULL;
	GElf_Sym sym_info;
	const char *sym;

	if (ctx->memo) {
		size_t h = (size_t)((lookup * 0x9e3779b97f4a7c15ull) >>
				    (64 - ctx->memo_bits));
		size_t mask = ((size_t)1 << ctx->memo_bits) - 1;

		for (size_t k = 0; k < 8; k++) {
			e = &ctx->memo[(h + k) & mask];
			if (!e->mod || (e->lookup == lookup && e->mod == mod))
				break;
			e = NULL;
		}
		if (e && e->mod) {
			*offset = e->offset;
			return e->sym;
		}
	}
	sym = dwfl_module_addrinfo(mod, lookup, offset, &sym_info, NULL, NULL,
				   NULL);
	if (e)
		*e = (struct sym_memo){lookup, mod, sym, sym ? *offset : 0};
	return sym;
}

/* What the unwinder learnt of a module (its Dwfl userdata). */
struct module_state {
	int lines_where;  /* 0 unknown, 1 a separate debug file, 2 its own */
	int cache_loaded; /* cache read (or found missing) */
	struct wer_line_cache cache;
	char build_id[2 * 64 + 1]; /* hex, "" none */
	/* Offsets this unwinder added to the file (threads share frames):
	 * each once. */
	size_t appended_count;
	uint64_t appended[256];
};

static struct module_state *module_state(Dwfl_Module *mod)
{
	void **userdata;

	dwfl_module_info(mod, &userdata, NULL, NULL, NULL, NULL, NULL, NULL);
	if (!*userdata)
		*userdata = calloc(1, sizeof(struct module_state));
	return *userdata;
}

static int module_state_free(Dwfl_Module *mod, void **userdata,
			     const char *name, Dwarf_Addr start, void *arg)
{
	struct module_state *m = *userdata;

	(void)mod;
	(void)name;
	(void)start;
	(void)arg;
	if (m) {
		wer__line_cache_free(&m->cache);
		free(m);
		*userdata = NULL;
	}
	return DWARF_CB_OK;
}

/* A name as a record field: tab first, at most WER_UNWIND_NAME_MAX bytes,
 * tabs and control characters (the ELF file's choice) as '?'. */
static void put_name(FILE *out, const char *name)
{
	size_t n = 0;

	fputc('\t', out);
	for (; name && name[n] && n < WER_UNWIND_NAME_MAX; n++)
		fputc((unsigned char)name[n] < 0x20 || name[n] == 0x7f
			  ? '?'
			  : name[n],
		      out);
}

static char *debuginfo_path;
/* The unwinding under way (the child unwinds one snapshot, on one
 * thread): set_initial_registers is given the thread alone, and
 * find_debuginfo the module alone. */
static const struct unwind_ctx *unwinding;
static int root_fd = -1; /* the process's root when not the host's */

/* A module's file: in a container (another root), resolved inside its
 * root as the process saw it, a link there never leaving it (openat2
 * RESOLVE_IN_ROOT); a file the container does not have is no file, never
 * the host's at the same path. Otherwise libdwfl's own lookup. */
static int find_elf(Dwfl_Module *mod, void **userdata, const char *name,
		    Dwarf_Addr base, char **file_name, Elf **elfp)
{
	if (root_fd >= 0 && name && name[0] == '/') {
		struct open_how how = {.flags = O_RDONLY | O_CLOEXEC,
				       .resolve = RESOLVE_IN_ROOT |
						  RESOLVE_NO_MAGICLINKS};
		int fd =
		    (int)syscall(SYS_openat2, root_fd, name, &how, sizeof(how));

		*elfp = NULL;
		if (fd >= 0 && !(*file_name = strdup(name))) {
			close(fd);
			fd = -1;
		}
		return fd;
	}
	return dwfl_linux_proc_find_elf(mod, userdata, name, base, file_name,
					elfp);
}

/* The path of the debug file of the build id (len bytes) into path, by
 * werfault-debuginfod beside the running program (debuginfod_fetch.c),
 * which the deadline that ends this process ends too. 0 or -1. */
static int fetch_debuginfo(const unsigned char *id, int len, char *path,
			   size_t size)
{
	char helper[PATH_MAX], hex[2 * 64 + 1];
	char *argv[] = {helper, hex, NULL};
	size_t got = 0;
	int fds[2], status;
	pid_t pid, self_pid = getpid();

	if (len <= 0 || len > 64 ||
	    wer_beside_self("werfault-debuginfod", helper, sizeof(helper)) < 0)
		return -1;
	wer_hex_encode(id, (size_t)len, hex);
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		/* Ends with this process (its deadline is a SIGKILL), even
		 * one that ended before the prctl. */
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		if (getppid() == self_pid &&
		    dup2(fds[1], STDOUT_FILENO) == STDOUT_FILENO)
			execve(helper, argv, environ);
		_exit(127);
	}
	close(fds[1]);
	while (pid > 0 && got < size - 1) {
		ssize_t r = read(fds[0], path + got, size - 1 - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fds[0]);
	if (pid < 0)
		return -1;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	path[got] = '\0';
	if (got && path[got - 1] == '\n')
		path[--got] = '\0';
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 && got &&
		       got < size - 1 && path[0] == '/' &&
		       !memchr(path, '\n', got)
		   ? 0
		   : -1;
}

/* libdwfl's lookup of a module's debug file (beside it, by its build id
 * under /usr/lib/debug, by its .gnu_debuglink), then, when the Debuginfod
 * setting left DEBUGINFOD_URLS to this process (unwind.c) and libdw has
 * no debuginfod client of its own (a static werfault loads none,
 * no_dlopen.c), the servers, by werfault-debuginfod. */
static int find_debuginfo(Dwfl_Module *mod, void **userdata,
			  const char *modname, Dwarf_Addr base,
			  const char *file_name, const char *debuglink_file,
			  GElf_Word debuglink_crc, char **debuginfo_file_name)
{
	const char *urls = secure_getenv("DEBUGINFOD_URLS");
	const unsigned char *id;
	GElf_Addr id_at;
	char path[PATH_MAX];
	int fd = dwfl_standard_find_debuginfo(
	    mod, userdata, modname, base, file_name, debuglink_file,
	    debuglink_crc, debuginfo_file_name);
	int len;

	if (fd >= 0 || !urls || !*urls || !unwinding ||
	    dwfl_get_debuginfod_client(unwinding->dwfl))
		return fd;
	len = dwfl_module_build_id(mod, &id, &id_at);
	if (fetch_debuginfo(id, len, path, sizeof(path)) < 0 ||
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	if (!(*debuginfo_file_name = strdup(path))) {
		close(fd);
		return -1;
	}
	return fd;
}

static const Dwfl_Callbacks dwfl_callbacks = {
    .find_elf = find_elf,
    .find_debuginfo = find_debuginfo,
    .debuginfo_path = &debuginfo_path,
};

/* *thread_argp is the struct wer_snapshot_thread of the thread
 * returned. */
static pid_t next_thread(Dwfl *dwfl, void *arg, void **thread_argp)
{
	struct unwind_ctx *ctx = arg;
	const struct wer_snapshot_thread *first = ctx->snap->threads;
	const struct wer_snapshot_thread *t = *thread_argp;
	size_t i = t ? (size_t)(t - first) + 1 : 0;

	(void)dwfl;
	while (i < ctx->snap->thread_count && !first[i].have_regs)
		i++;
	if (i >= ctx->snap->thread_count)
		return 0;
	*thread_argp = (void *)&first[i];
	return first[i].tid;
}

/* Pointer authentication (AArch64): a return address saved in a register
 * or on the stack carries its code in the top bits, and libdw (0.188)
 * unwinds through the signed value, which is in no module. A word libdw
 * reads (a register it starts from, memory) whose bits outside the CPU's
 * code mask are set and whose address bits fall in a module of the
 * process is taken for a signed code address and given without the code:
 * data that looks so is rare, and only outer frames' register values
 * would show it. Where the mask is all ones, every word is as read. */
static uint64_t strip_signed_code(const struct unwind_ctx *ctx, uint64_t word)
{
	uint64_t bare = ctx->ops ? word & ctx->ops->code_mask : word;

	if (bare == word || !dwfl_addrmodule(ctx->dwfl, bare))
		return word;
	return bare;
}

static bool memory_read(Dwfl *dwfl, Dwarf_Addr addr, Dwarf_Word *result,
			void *arg)
{
	struct unwind_ctx *ctx = arg;

	(void)dwfl;
	if (wer__snapshot_read(ctx->snap, addr, result, sizeof(*result)) < 0)
		return false;
	*result = strip_signed_code(ctx, *result);
	return true;
}

static bool set_initial_registers(Dwfl_Thread *thread, void *thread_arg)
{
	const struct wer_snapshot_thread *t = thread_arg;
	const struct wer_cpu_ops *ops = wer__cpu_ops(t->cpu.arch);
	/* At pc 0 (a call through NULL) there is no code to read the
	 * frame's rules from: the unwinding starts at the caller, and
	 * frame_callback puts the pc 0 frame first. */
	const struct wer_cpu_regs *from =
	    unwinding->null_call ? &unwinding->caller : &t->cpu;
	Dwarf_Word regs[WER_CPU_GP_MAX];

	if (!ops)
		return false;
	/* The CPU seam keeps the unwinder's (DWARF) registers first; the pc
	 * apart (on AArch64 it is not among them; on x86-64 it is the last,
	 * the return address column). A signed return address (AArch64's
	 * link register) without its pointer-authentication code, as
	 * memory_read gives one. */
	for (size_t i = 0; i < ops->dwarf_count; i++)
		regs[i] = strip_signed_code(unwinding, from->gp[i]);
	if (!dwfl_thread_state_registers(thread, 0, ops->dwarf_count, regs))
		return false;
	dwfl_thread_state_register_pc(thread, wer_cpu_pc(from));
	return true;
}

static const Dwfl_Thread_Callbacks thread_callbacks = {
    .next_thread = next_thread,
    .memory_read = memory_read,
    .set_initial_registers = set_initial_registers,
};

static const char *base_name(const char *path)
{
	const char *slash = path ? strrchr(path, '/') : NULL;

	return slash ? slash + 1 : path ? path : "";
}

/* 2 when mod carries its own DWARF lines (a -g build), 1 when they would
 * come from a separate debug file; kept per module (0 out of memory). */
static int lines_where(Dwfl_Module *mod)
{
	struct module_state *m = module_state(mod);

	if (!m)
		return 0;
	if (!m->lines_where)
		m->lines_where =
		    wer__dwfl_has_section(mod, ".debug_line") ? 2 : 1;
	return m->lines_where;
}

/* Source lines cost what reading the module's DWARF costs: little for a
 * program built with -g, 80 ms for glibc's separate (compressed) debug
 * file, paid after the process was released (the line cache, below, keeps
 * that file's lines for the next crash). WER_SOURCE_LINES: "all"
 * (default) looks lines up wherever gdb would find debug information (the
 * module itself, its .gnu_debuglink file beside it or in .debug/, the
 * build-id file of an installed -dbgsym/-dbg package under
 * /usr/lib/debug), "embedded" only in modules that carry their own DWARF,
 * "none" nowhere. The answer is kept per module. */
static int want_lines(struct unwind_ctx *ctx, Dwfl_Module *mod)
{
	if (ctx->lines != WER_UNWIND_LINES_EMBEDDED)
		return ctx->lines == WER_UNWIND_LINES_ALL;
	return lines_where(mod) == 2;
}

/* ---- the line cache (line_cache.h) ---------------------------------------
 * For a module with a build id whose lines come from its own DWARF or
 * from an installed debug package's file (/usr/lib/debug/.build-id/): the
 * lines found at each address, kept in CACHE/BUILD_ID across crashes. */

/* The module's cache, read once; NULL when it has none to use. */
static struct module_state *cached_module(struct unwind_ctx *ctx,
					  Dwfl_Module *mod)
{
	struct module_state *m;

	if (ctx->cache_fd < 0 || !lines_where(mod) || !(m = module_state(mod)))
		return NULL;
	if (!m->cache_loaded) {
		const unsigned char *bits;
		GElf_Addr vaddr;
		int n = dwfl_module_build_id(mod, &bits, &vaddr);
		int fd;

		m->cache_loaded = 1;
		/* Named by a build id of 8 bytes at least: a file of another
		 * build never answers. */
		if (n >= 8)
			wer_hex_encode(bits, n < 64 ? (size_t)n : 64,
				       m->build_id);
		/* Lines from a separate file: only an installed debug
		 * package's (by build id), which the cache says no more than.
		 * A module's own DWARF is the build's (1.5 ms for a small
		 * program's first line, about a tenth of its report). */
		if (m->build_id[0] && m->lines_where == 1) {
			char path[128 + sizeof(m->build_id)];

			snprintf(path, sizeof(path),
				 "/usr/lib/debug/.build-id/%.2s/%s.debug",
				 m->build_id, m->build_id + 2);
			if (access(path, R_OK) != 0)
				m->build_id[0] = '\0';
		}
		if (!m->build_id[0])
			return NULL;
		fd = openat(ctx->cache_fd, m->build_id,
			    O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		if (fd >= 0) {
			struct stat st;
			size_t len = 0, size = 0;
			char *buf = NULL;

			/* Sized by the file (its records, a few KiB), within
			 * the unwinder's memory budget. */
			if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
			    st.st_size > 0) {
				size = st.st_size < WER_LINE_CACHE_FILE_MAX
					   ? (size_t)st.st_size
					   : WER_LINE_CACHE_FILE_MAX;
				buf = malloc(size);
			}
			if (buf)
				len = wer_read_fd_capped(fd, buf, size);
			/* The first version's file names no symbols: removed,
			 * and made again as this crash's lines are found. A
			 * file that is not a cache (its magic) is neither
			 * used nor added to; nor one unread. */
			if (len >= sizeof(WER_LINE_CACHE_MAGIC_V1) - 1 &&
			    !memcmp(buf, WER_LINE_CACHE_MAGIC_V1,
				    sizeof(WER_LINE_CACHE_MAGIC_V1) - 1))
				unlinkat(ctx->cache_fd, m->build_id, 0);
			else if ((size && !buf) ||
				 (len &&
				  wer__line_cache_parse(&m->cache, buf, len)))
				m->build_id[0] = '\0';
			free(buf);
			close(fd);
		}
	}
	return m->build_id[0] ? m : NULL;
}

/* Appends a record to the module's cache file (made with its magic when
 * new). A record is one write of at most 4 KiB, with O_APPEND: two
 * unwinders appending at once do not interleave. */
static void cache_append(struct unwind_ctx *ctx, struct module_state *m,
			 uint64_t offset, const char *sym, uint64_t sym_offset,
			 const char *file, int line,
			 const struct wer_dwfl_inline *in, size_t n)
{
	struct wer_line_cache_call calls[WER_LINE_CACHE_INLINES_MAX];
	char record[WER_LINE_CACHE_RECORD_MAX];
	size_t len;
	struct stat st;
	int fd;

	if (n > WER_LINE_CACHE_INLINES_MAX)
		return;
	for (size_t i = 0; i < m->appended_count; i++)
		if (m->appended[i] == offset)
			return;
	if (m->appended_count == sizeof(m->appended) / sizeof(m->appended[0]))
		return;
	m->appended[m->appended_count++] = offset;
	for (size_t i = 0; i < n; i++)
		calls[i] =
		    (struct wer_line_cache_call){.function = in[i].function,
						 .file = in[i].file,
						 .line = in[i].line};
	len =
	    wer__line_cache_format(record, sizeof(record), offset, sym,
				   sym_offset, file, file ? line : 0, calls, n);
	if (!len)
		return;
	fd = openat(ctx->cache_fd, m->build_id,
		    O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK |
			O_CLOEXEC,
		    0600);
	if (fd < 0)
		return;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_size < WER_LINE_CACHE_FILE_MAX &&
	    (st.st_size > 0 ||
	     write(fd, WER_LINE_CACHE_MAGIC,
		   sizeof(WER_LINE_CACHE_MAGIC) - 1) ==
		 (ssize_t)(sizeof(WER_LINE_CACHE_MAGIC) - 1)) &&
	    write(fd, record, len) != (ssize_t)len) {
		/* A short write leaves a record without its newline: the
		 * reader skips it. */
	}
	close(fd);
}

/* The user's line cache directory, made when missing: $XDG_CACHE_HOME or
 * $HOME/.cache, then openwer/lines (0700, through directory handles, no
 * link followed past the base). -1 when there is none: set-id, no home
 * (the system mode's werfault), WER_LINE_CACHE=0. */
static int cache_open(void)
{
	const char *xdg = secure_getenv("XDG_CACHE_HOME");
	const char *home = secure_getenv("HOME");
	const char *off = secure_getenv("WER_LINE_CACHE");
	static const char *const parts[] = {"openwer", "lines"};
	char base[4096];
	int fd;

	if (off && !strcmp(off, "0"))
		return -1;
	if (xdg && xdg[0] == '/')
		snprintf(base, sizeof(base), "%s", xdg);
	else if (!home || home[0] != '/' ||
		 (size_t)snprintf(base, sizeof(base), "%s/.cache", home) >=
		     sizeof(base))
		return -1;
	mkdir(base, 0700);
	fd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	for (size_t i = 0; fd >= 0 && i < 2; i++) {
		int next;

		mkdirat(fd, parts[i], 0700);
		next = openat(fd, parts[i],
			      O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(fd);
		fd = next;
	}
	return fd;
}

/* Lines and inlined calls at lookup, from the cache's record r where it
 * has one, else from the DWARF (and then into m's cache, with the symbol
 * found there). Returns how many calls are in in[]; *file and *line as
 * wer__dwfl_inlines gives them. */
static size_t lines_at(struct unwind_ctx *ctx, Dwfl_Module *mod,
		       struct module_state *m,
		       const struct wer_line_cache_record *r, Dwarf_Addr lookup,
		       Dwarf_Addr start, const char *sym, uint64_t sym_offset,
		       struct wer_dwfl_inline *in, size_t max,
		       const char **file, int *line)
{
	size_t n;

	if (r) {
		n = r->count < max ? r->count : max;
		for (size_t i = 0; i < n; i++) {
			in[i].function = r->calls[i].function;
			in[i].file =
			    r->calls[i].file[0] ? r->calls[i].file : NULL;
			in[i].line = r->calls[i].line;
		}
		*file = r->file[0] ? r->file : NULL;
		*line = r->line;
		return n;
	}
	n = wer__dwfl_inlines(mod, lookup, in, max, file, line);
	if (m)
		cache_append(ctx, m, lookup - start, sym, sym_offset, *file,
			     *line, in, n);
	return n;
}

/* A function's name as a record field: demangled where it is C++. */
static void put_function(FILE *out, const char *name)
{
	char *readable = wer__demangle(name);

	put_name(out, readable ? readable : name);
	free(readable);
}

/* One F record (its inline flag last, when set). */
static void put_frame(struct unwind_ctx *ctx, Dwarf_Addr pc,
		      Dwarf_Addr function_offset, Dwarf_Addr module_offset,
		      const char *module, const char *function,
		      const char *file, int line, int inlined)
{
	fprintf(ctx->out, "F\t%llx\t%llx\t%llx\t%d", (unsigned long long)pc,
		(unsigned long long)function_offset,
		(unsigned long long)module_offset, file ? line : 0);
	put_name(ctx->out, module);
	put_function(ctx->out, function);
	put_name(ctx->out, file);
	if (inlined)
		fputs("\ti", ctx->out);
	fputc('\n', ctx->out);
	ctx->frame_count++;
}

static int frame_callback(Dwfl_Frame *state, void *arg)
{
	struct unwind_ctx *ctx = arg;
	Dwarf_Addr pc, lookup, start = 0, offset = 0;
	bool activation;
	Dwfl_Module *mod;
	const char *name = NULL, *sym = NULL, *file = NULL;
	int lineno = 0;

	if (ctx->frame_count >= WER_UNWIND_FRAMES_MAX)
		return DWARF_CB_ABORT;
	if (!dwfl_frame_pc(state, &pc, &activation))
		return DWARF_CB_ABORT;
	/* Without a pointer-authentication code (memory_read strips those
	 * libdw unwinds through; a pc given in a register may still have
	 * them). */
	if (ctx->ops)
		pc &= ctx->ops->code_mask;
	if (ctx->null_call && ctx->frame_count == 0) {
		/* The call to pc 0, then its caller: at a return address. */
		put_frame(ctx, 0, 0, 0, "", NULL, NULL, 0, 0);
		activation = false;
	}
	/* A return address points after the call: look up the call. */
	lookup = activation ? pc : pc - 1;
	mod = dwfl_addrmodule(ctx->dwfl, lookup);
	if (mod && ctx->lines == WER_UNWIND_PCS_ONLY) {
		name = base_name(dwfl_module_info(mod, NULL, &start, NULL, NULL,
						  NULL, NULL, NULL));
	} else if (mod) {
		int lines = want_lines(ctx, mod);
		struct module_state *m = lines ? cached_module(ctx, mod) : NULL;
		const struct wer_line_cache_record *r = NULL;

		name = base_name(dwfl_module_info(mod, NULL, &start, NULL, NULL,
						  NULL, NULL, NULL));
		/* The cache's symbol where it has the address: the symbol
		 * table is then not read at all. */
		if (m &&
		    (r = wer__line_cache_find(&m->cache, lookup - start))) {
			sym = r->symbol[0] ? r->symbol : NULL;
			offset = r->symbol_offset;
		} else {
			sym = symbol_at(ctx, mod, lookup, &offset);
		}
		/* Calls inlined here first, innermost first, each a frame
		 * of its own at the same pc (as eu-stack -i shows them);
		 * then the function they are inlined into, at its line. */
		if (lines) {
			struct wer_dwfl_inline in[WER_UNWIND_INLINES_MAX];
			size_t n = lines_at(ctx, mod, m, r, lookup, start, sym,
					    offset, in, WER_UNWIND_INLINES_MAX,
					    &file, &lineno);

			for (size_t i = 0; i < n; i++) {
				if (ctx->frame_count >= WER_UNWIND_FRAMES_MAX)
					return DWARF_CB_ABORT;
				put_frame(ctx, pc, 0, pc - start, name,
					  in[i].function, in[i].file,
					  in[i].line, 1);
			}
		}
	}
	if (ctx->frame_count >= WER_UNWIND_FRAMES_MAX)
		return DWARF_CB_ABORT;
	put_frame(ctx, pc, sym ? offset + (lookup != pc) : 0,
		  mod ? pc - start : 0, mod ? name : "", sym, file, lineno, 0);
	return DWARF_CB_OK;
}

/* The version in the module's .note.package (package_note.h), into out;
 * 0 or -1. */
static int package_version(Elf *elf, char *out, size_t size)
{
	size_t phnum;

	if (!elf || elf_getphdrnum(elf, &phnum) != 0)
		return -1;
	for (size_t i = 0; i < phnum && i < 256; i++) {
		GElf_Phdr phdr;
		Elf_Data *data;
		GElf_Nhdr note;
		size_t at = 0, next, name_at, desc_at;

		if (!gelf_getphdr(elf, (int)i, &phdr) ||
		    phdr.p_type != PT_NOTE ||
		    !(data = elf_getdata_rawchunk(elf, (int64_t)phdr.p_offset,
						  phdr.p_filesz, ELF_T_NHDR)))
			continue;
		while ((next = gelf_getnote(data, at, &note, &name_at,
					    &desc_at)) > 0) {
			at = next;
			if (note.n_type == WER_PACKAGE_NOTE_TYPE &&
			    note.n_namesz == sizeof(WER_PACKAGE_NOTE_OWNER) &&
			    !memcmp((const char *)data->d_buf + name_at,
				    WER_PACKAGE_NOTE_OWNER,
				    sizeof(WER_PACKAGE_NOTE_OWNER)) &&
			    wer__package_note_version(
				(const char *)data->d_buf + desc_at,
				note.n_descsz, out, size) == 0)
				return 0;
		}
	}
	return -1;
}

/* The ELF file's DT_SONAME, or NULL. */
static const char *elf_soname(Elf *elf)
{
	Elf_Scn *scn = NULL;

	while (elf && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr shdr;
		Elf_Data *data;

		if (!gelf_getshdr(scn, &shdr) || shdr.sh_type != SHT_DYNAMIC ||
		    !shdr.sh_entsize || !(data = elf_getdata(scn, NULL)))
			continue;
		for (size_t i = 0;
		     i < shdr.sh_size / shdr.sh_entsize && i < 4096; i++) {
			GElf_Dyn dyn;

			if (!gelf_getdyn(data, (int)i, &dyn) ||
			    dyn.d_tag == DT_NULL)
				break;
			if (dyn.d_tag == DT_SONAME)
				return elf_strptr(elf, shdr.sh_link,
						  dyn.d_un.d_val);
		}
	}
	return NULL;
}

static int module_callback(Dwfl_Module *mod, void **userdata, const char *name,
			   Dwarf_Addr start, void *arg)
{
	FILE *out = arg;
	const unsigned char *bits;
	char version[WER_UNWIND_VERSION_MAX + 1];
	const char *soname;
	GElf_Addr vaddr;
	Dwarf_Addr bias;
	Elf *elf;
	int n;

	(void)userdata;
	(void)start;
	if (!name || name[0] != '/')
		return DWARF_CB_OK;
	elf = dwfl_module_getelf(mod, &bias); /* loads the file's notes */
	n = dwfl_module_build_id(mod, &bits, &vaddr);
	fputs("M\t", out);
	for (int i = 0; i < n && i < 64; i++)
		fprintf(out, "%02x", bits[i]);
	if (n <= 0)
		fputc('-', out);
	put_name(out, name);
	fputc('\n', out);
	if (package_version(elf, version, sizeof(version)) == 0)
		fprintf(out, "P\t%s\n", version);
	if ((soname = elf_soname(elf)) && *soname) {
		fputc('S', out);
		put_name(out, soname);
		fputc('\n', out);
	}
	return DWARF_CB_OK;
}

__attribute__((visibility("default"))) int
wer__unwind(const struct wer_snapshot *c, enum wer_unwind_lines lines,
	    FILE *out, void (*before_done)(FILE *out))
{
	struct unwind_ctx ctx = {.snap = c,
				 .ops = wer__cpu_ops(c->arch),
				 .out = out,
				 .lines = lines,
				 .cache_fd = -1};
	const char *maps = c->maps.data;
	size_t maps_len = c->maps.len;
	const char *setting = secure_getenv("WER_SOURCE_LINES");
	FILE *f;
	int r = 0, started = 0;

	if (lines == WER_UNWIND_LINES_SETTING)
		ctx.lines = setting && !strcmp(setting, "embedded")
				? WER_UNWIND_LINES_EMBEDDED
			    : setting && !strcmp(setting, "none")
				? WER_UNWIND_LINES_NONE
				: WER_UNWIND_LINES_ALL;

	unwinding = &ctx;
	root_fd = c->have_root ? c->root_fd : -1;
	ctx.memo_bits = SYM_MEMO_MIN_BITS;
	while (ctx.memo_bits < SYM_MEMO_MAX_BITS &&
	       ((size_t)1 << ctx.memo_bits) < 16 * c->thread_count)
		ctx.memo_bits++;
	ctx.memo = calloc((size_t)1 << ctx.memo_bits, sizeof(*ctx.memo));
	ctx.dwfl = dwfl_begin(&dwfl_callbacks);
	if (!ctx.dwfl) {
		free(ctx.memo);
		return -ENOMEM;
	}
	f = fmemopen((void *)maps, maps_len ? maps_len : 1, "r");
	if (!f) {
		r = -errno;
		dwfl_end(ctx.dwfl);
		free(ctx.memo);
		return r;
	}
	dwfl_report_begin(ctx.dwfl);
	if (maps_len)
		dwfl_linux_proc_maps_report(ctx.dwfl, f);
	fclose(f);
	dwfl_report_end(ctx.dwfl, NULL, NULL);
	/* The cache only where werfault chose the lines itself: a caller
	 * that asks for them (the collector) keeps none. */
	if (lines == WER_UNWIND_LINES_SETTING &&
	    ctx.lines == WER_UNWIND_LINES_ALL)
		ctx.cache_fd = cache_open();
	if (ctx.lines != WER_UNWIND_PCS_ONLY)
		dwfl_getmodules(ctx.dwfl, module_callback, out, 0);
	fflush(out);
	if (!dwfl_attach_state(ctx.dwfl, NULL, c->pid, &thread_callbacks,
			       &ctx)) {
		r = -EINVAL;
		goto out;
	}
	for (size_t i = 0; i < c->thread_count; i++) {
		if (!c->threads[i].have_regs)
			continue;
		fprintf(out, "T\t%zu\n", i);
		/* The module records end here: werfault writes what needs
		 * no stack meanwhile. */
		if (!started++)
			fflush(out);
		ctx.frame_count = 0;
		ctx.null_call = wer__snapshot_null_call(c, &c->threads[i].cpu,
							&ctx.caller) == 0;
		if (dwfl_getthread_frames(ctx.dwfl, c->threads[i].tid,
					  frame_callback, &ctx) < 0 &&
		    ctx.frame_count < 2) {
			fputc('E', out);
			put_name(out, dwfl_errmsg(-1));
			fputc('\n', out);
		}
		/* Each thread as soon as it is done: if the budget runs out
		 * on the next one, werfault keeps this one. */
		fflush(out);
	}
	if (before_done)
		before_done(out);
	fputs("D\n", out);
	fflush(out);
out:
	dwfl_getmodules(ctx.dwfl, module_state_free, NULL, 0);
	dwfl_end(ctx.dwfl);
	free(ctx.memo);
	if (ctx.cache_fd >= 0)
		close(ctx.cache_fd);
	return r;
}
