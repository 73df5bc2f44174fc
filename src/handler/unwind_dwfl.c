/*
 * unwind_dwfl.c - stacks from a snapshot, with libdwfl. Built as a module
 * of its own (werfault-unwind.so) that werfault loads only after it has
 * released the crashed process: libdw and its compression libraries are
 * then not loaded while the process is held.
 *
 * dwfl_attach_state() takes our own thread callbacks: the thread list and
 * initial registers come from the capture, memory reads are served from the
 * captured stacks only. Modules are reported from the maps text read while
 * the process was held; their files (and separate debug info) are read
 * from disk.
 */
#include <errno.h>
#include <elfutils/libdwfl.h>
#include <gelf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unwind.h"

enum { LINES_EMBEDDED, LINES_ALL, LINES_NONE };

struct unwind_ctx {
	int lines; /* LINES_* */
	const struct wer_capture *capture;
	struct wer_thread_stack *stack; /* the thread being unwound */
	Dwfl *dwfl;
};

static char *debuginfo_path;

static const Dwfl_Callbacks dwfl_callbacks = {
    .find_elf = dwfl_linux_proc_find_elf,
    .find_debuginfo = dwfl_standard_find_debuginfo,
    .debuginfo_path = &debuginfo_path,
};

/* *thread_argp is the struct wer_thread of the thread returned. */
static pid_t next_thread(Dwfl *dwfl, void *arg, void **thread_argp)
{
	struct unwind_ctx *ctx = arg;
	const struct wer_thread *first = ctx->capture->threads;
	const struct wer_thread *t = *thread_argp;
	size_t i = t ? (size_t)(t - first) + 1 : 0;

	(void)dwfl;
	while (i < ctx->capture->thread_count && !first[i].have_regs)
		i++;
	if (i >= ctx->capture->thread_count)
		return 0;
	*thread_argp = (void *)&first[i];
	return first[i].tid;
}

static bool memory_read(Dwfl *dwfl, Dwarf_Addr addr, Dwarf_Word *result,
			void *arg)
{
	struct unwind_ctx *ctx = arg;

	(void)dwfl;
	return wer__capture_read(ctx->capture, addr, result, sizeof(*result)) ==
	       0;
}

static bool set_initial_registers(Dwfl_Thread *thread, void *thread_arg)
{
	const struct wer_thread *t = thread_arg;
	Dwarf_Word regs[WER_DWARF_REGS];

	for (int i = 0; i < WER_DWARF_REGS; i++)
		regs[i] = t->regs[i];
	return dwfl_thread_state_registers(thread, 0, WER_DWARF_REGS, regs);
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

/* Nonzero when the module's ELF file carries DWARF line information itself
 * (a -g build) rather than in a separate debug file. */
static int module_has_own_lines(Dwfl_Module *mod)
{
	GElf_Addr bias;
	Elf *elf = dwfl_module_getelf(mod, &bias);
	size_t strndx;
	Elf_Scn *scn = NULL;

	if (!elf || elf_getshdrstrndx(elf, &strndx) < 0)
		return 0;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr shdr;
		const char *name;

		if (!gelf_getshdr(scn, &shdr) || shdr.sh_type == SHT_NOBITS)
			continue;
		name = elf_strptr(elf, strndx, shdr.sh_name);
		if (name && !strcmp(name, ".debug_line"))
			return 1;
	}
	return 0;
}

/* Source lines cost what reading the module's DWARF costs: little for a
 * program built with -g, 80 ms for glibc's separate (compressed) debug
 * file. WER_SOURCE_LINES: "embedded" (default) looks lines up only in
 * modules that carry their own DWARF, "all" everywhere, "none" nowhere.
 * The answer is kept per module. */
static int want_lines(struct unwind_ctx *ctx, Dwfl_Module *mod)
{
	void **userdata;
	uintptr_t cached;

	if (ctx->lines != LINES_EMBEDDED)
		return ctx->lines == LINES_ALL;
	dwfl_module_info(mod, &userdata, NULL, NULL, NULL, NULL, NULL, NULL);
	cached = (uintptr_t)*userdata;
	if (!cached) {
		cached = module_has_own_lines(mod) ? 2 : 1;
		*userdata = (void *)cached;
	}
	return cached == 2;
}

static int frame_callback(Dwfl_Frame *state, void *arg)
{
	struct unwind_ctx *ctx = arg;
	struct wer_thread_stack *s = ctx->stack;
	struct wer_frame *f;
	Dwarf_Addr pc, lookup;
	bool activation;
	Dwfl_Module *mod;

	if (s->frame_count >= WER_UNWIND_FRAMES_MAX)
		return DWARF_CB_ABORT;
	if (!dwfl_frame_pc(state, &pc, &activation))
		return DWARF_CB_ABORT;
	/* A return address points after the call: look up the call. */
	lookup = activation ? pc : pc - 1;
	f = &s->frames[s->frame_count++];
	memset(f, 0, sizeof(*f));
	f->pc = pc;
	mod = dwfl_addrmodule(ctx->dwfl, lookup);
	if (mod) {
		Dwarf_Addr start = 0, offset = 0;
		const char *name = dwfl_module_info(mod, NULL, &start, NULL,
						    NULL, NULL, NULL, NULL);
		const char *sym;
		GElf_Sym sym_info;
		Dwfl_Line *line;

		snprintf(f->module, sizeof(f->module), "%s", base_name(name));
		f->module_offset = pc - start;
		sym = dwfl_module_addrinfo(mod, lookup, &offset, &sym_info,
					   NULL, NULL, NULL);
		if (sym) {
			snprintf(f->function, sizeof(f->function), "%s", sym);
			f->function_offset = offset + (lookup != pc);
		}
		line = want_lines(ctx, mod) ? dwfl_module_getsrc(mod, lookup)
					    : NULL;
		if (line) {
			int lineno = 0;
			const char *file = dwfl_lineinfo(line, NULL, &lineno,
							 NULL, NULL, NULL);

			if (file) {
				snprintf(f->file, sizeof(f->file), "%s", file);
				f->line = lineno;
			}
		}
	}
	return DWARF_CB_OK;
}

static int module_callback(Dwfl_Module *mod, void **userdata, const char *name,
			   Dwarf_Addr start, void *arg)
{
	struct wer_unwind *u = arg;
	struct wer_module_id *m;
	const unsigned char *bits;
	GElf_Addr vaddr;
	int n;

	(void)userdata;
	(void)start;
	if (!name || name[0] != '/')
		return DWARF_CB_OK;
	m = realloc(u->modules, (u->module_count + 1) * sizeof(*m));
	if (!m)
		return DWARF_CB_ABORT;
	u->modules = m;
	m = &u->modules[u->module_count++];
	snprintf(m->path, sizeof(m->path), "%s", name);
	m->build_id[0] = '\0';
	{
		Dwarf_Addr bias;

		dwfl_module_getelf(mod, &bias); /* loads the file's notes */
	}
	n = dwfl_module_build_id(mod, &bits, &vaddr);
	for (int i = 0; i < n && i < 64; i++)
		snprintf(m->build_id + 2 * i, 3, "%02x", bits[i]);
	return DWARF_CB_OK;
}

__attribute__((visibility("default"))) int
wer__unwind(const struct wer_capture *c, const char *maps, size_t maps_len,
	    struct wer_unwind *ret)
{
	struct unwind_ctx ctx = {.capture = c};
	const char *lines = getenv("WER_SOURCE_LINES");
	FILE *f;
	int r = 0;

	if (lines && !strcmp(lines, "all"))
		ctx.lines = LINES_ALL;
	else if (lines && !strcmp(lines, "none"))
		ctx.lines = LINES_NONE;

	memset(ret, 0, sizeof(*ret));
	ret->thread_count = c->thread_count;
	ret->threads = calloc(c->thread_count ? c->thread_count : 1,
			      sizeof(*ret->threads));
	if (!ret->threads)
		return -ENOMEM;
	ctx.dwfl = dwfl_begin(&dwfl_callbacks);
	if (!ctx.dwfl)
		return -ENOMEM;
	f = fmemopen((void *)maps, maps_len ? maps_len : 1, "r");
	if (!f) {
		dwfl_end(ctx.dwfl);
		return -errno;
	}
	dwfl_report_begin(ctx.dwfl);
	if (maps_len)
		dwfl_linux_proc_maps_report(ctx.dwfl, f);
	fclose(f);
	dwfl_report_end(ctx.dwfl, NULL, NULL);
	dwfl_getmodules(ctx.dwfl, module_callback, ret, 0);
	if (!dwfl_attach_state(ctx.dwfl, NULL, c->pid, &thread_callbacks,
			       &ctx)) {
		r = -EINVAL;
		goto out;
	}
	for (size_t i = 0; i < c->thread_count; i++) {
		if (!c->threads[i].have_regs)
			continue;
		ctx.stack = &ret->threads[i];
		if (dwfl_getthread_frames(ctx.dwfl, c->threads[i].tid,
					  frame_callback, &ctx) < 0 &&
		    ctx.stack->frame_count < 2)
			snprintf(ctx.stack->error, sizeof(ctx.stack->error),
				 "%s", dwfl_errmsg(-1));
	}
out:
	dwfl_end(ctx.dwfl);
	return r;
}
