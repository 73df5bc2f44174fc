/* SPDX-License-Identifier: MIT */
/*
 * walk.c - the crashed thread's stack of an uploaded minidump, walked
 * with call frame information (docs/collector.md, "Stacks").
 *
 * The walk is werfault's: the libdwfl unwinder (src/handler/unwind_dwfl.c)
 * over a snapshot of one thread: the crashed thread's registers (read
 * back from the dump's context record through the CPU seam) and its stack
 * memory, and, as the process's maps, one mapping per module of the dump
 * whose ELF file is here (uploaded for the project, or a debuginfod
 * server's), at the module's base. It runs in one of the symbolizer's
 * long-lived lookup children (symbolizer.c), within their time and memory
 * budget: no fork per report, and the files' call frame information
 * checked once per file. libdwfl reads .eh_frame and .debug_frame; a
 * file with neither (a separate debug file) is left out of the maps, and
 * a module without CFI is crossed by x86-64's frame-pointer fallback where
 * it can be, else the walk stops there.
 *
 * The dump is the client's, the ELF files a symbol key's: everything that
 * parses them runs in the child; the collector keeps the frames' pcs.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "collector.h"
#include "minidump_read.h"
#include "snapshot.h"
#include "sym_cfi.h"
#include "unwind.h"

/* The maps text of the dump's modules that have an ELF file here, one
 * line each, told apart by a made-up inode (libdwfl joins the lines of one
 * file and skips those without one). Returns how many; *crashed_has says
 * whether the crashed pc's module is among them. */
static size_t module_maps(struct wer_collector *c, const char *project,
			  const struct wer_md_facts *facts, uint64_t pc,
			  struct wer_buf *maps, int *crashed_has)
{
	uint32_t n = facts->module_count < WER_MD_MODULES_MAX
			 ? facts->module_count
			 : WER_MD_MODULES_MAX;
	int crashed = wer_md_module_of(facts, pc);
	char path[WER_COLLECTOR_FILE_MAX];
	size_t have = 0;

	*crashed_has = 0;
	for (uint32_t i = 0; i < n; i++) {
		const struct wer_md_module *m = &facts->modules[i];
		int is_elf;

		if (!m->build_id[0] || !m->size ||
		    wer__symbols_find(c, project, m->build_id, path, &is_elf) <
			0 ||
		    !is_elf || strchr(path, '\n'))
			continue;
		wer_buf_printf(maps,
			       "%" PRIx64 "-%" PRIx64
			       " r-xp 00000000 00:01 %" PRIu32 " %s\n",
			       m->base, m->base + m->size, i + 1, path);
		have++;
		*crashed_has |= (int)i == crashed;
	}
	return have;
}

/* Frame k of the walk, at pc, placed in the dump's module that holds it
 * (a return address points after its call: looked up before it). */
static void put_frame(struct wer_processed *ret,
		      const struct wer_md_facts *facts, uint64_t pc, size_t k,
		      const char *inlined)
{
	struct wer_stored_frame *f = &ret->frames[ret->frame_count++];
	int m = wer_md_module_of(facts, k ? pc - 1 : pc);

	memset(f, 0, sizeof(*f));
	f->walked = 1;
	f->offset = pc;
	/* A call inlined at pc: named by the DWARF the walk read (a symbol
	 * table names only the function it is inlined into), kept as a
	 * client's name is. */
	if (inlined) {
		f->inlined = 1;
		wer__copy_clean(f->client, sizeof(f->client), inlined);
	}
	if (m >= 0) {
		const struct wer_md_module *mod = &facts->modules[m];

		wer__copy_clean(f->module, sizeof(f->module),
				wer__base_name(mod->name));
		wer__copy_clean(f->build_id, sizeof(f->build_id),
				mod->build_id);
		f->offset = pc - mod->base;
	}
}

/* The memory a .sym walk reads: the crashed thread's stack in the dump. */
static int read_stack(void *ctx, uint64_t address, uint64_t *ret)
{
	const struct wer_md_thread *t = ctx;
	const unsigned char *p;

	if (address < t->stack_start ||
	    address - t->stack_start > t->stack_size ||
	    t->stack_size - (address - t->stack_start) < 8)
		return -1;
	p = (const unsigned char *)t->stack + (address - t->stack_start);
	*ret = 0;
	for (int b = 7; b >= 0; b--)
		*ret = *ret << 8 | p[b];
	return 0;
}

/* The walk with Breakpad .sym files' STACK CFI records (sym_cfi.h), frame
 * by frame, as far as the modules have them. Returns the frames. */
static size_t sym_walk(struct wer_collector *c, const char *project,
		       const struct wer_md_facts *facts,
		       const struct wer_cpu_ops *ops,
		       const struct wer_md_thread *t,
		       const struct wer_cpu_regs *regs,
		       struct wer_processed *ret)
{
	struct wer_sym_cfi_frame frame = {0}, caller;
	size_t max = sizeof(ret->frames) / sizeof(ret->frames[0]);
	char path[WER_COLLECTOR_FILE_MAX], rules[WER_SYM_CFI_RULES_MAX];

	frame.count = ops->gp_count < WER_SYM_CFI_REGS_MAX
			  ? ops->gp_count
			  : WER_SYM_CFI_REGS_MAX;
	frame.names = ops->gp_names;
	for (size_t i = 0; i < frame.count; i++)
		frame.value[i] = regs->gp[i];
	frame.valid =
	    frame.count == 64 ? ~(uint64_t)0 : ((uint64_t)1 << frame.count) - 1;
	ret->frame_count = 0;
	for (size_t k = 0; ret->frame_count < max; k++) {
		uint64_t pc = frame.value[ops->pc], lookup = k ? pc - 1 : pc;
		int m = wer_md_module_of(facts, lookup), is_elf, r;
		FILE *f;

		put_frame(ret, facts, pc, k, NULL);
		if (m < 0 || !facts->modules[m].build_id[0] ||
		    wer__symbols_find(c, project, facts->modules[m].build_id,
				      path, &is_elf) < 0 ||
		    is_elf || !(f = fopen(path, "re")))
			break;
		r = wer__sym_cfi_find(f, lookup - facts->modules[m].base, rules,
				      sizeof(rules));
		fclose(f);
		if (r < 0 || wer__sym_cfi_step(rules, &frame, ops->sp, ops->pc,
					       ops->callee_saved, read_stack,
					       (void *)t, &caller) < 0)
			break;
		/* Each caller further up the stack, and somewhere. */
		if (caller.value[ops->sp] <= frame.value[ops->sp] ||
		    caller.value[ops->pc] < WER_NULL_CALL_LIMIT)
			break;
		frame = caller;
	}
	return ret->frame_count;
}

int wer__walk_stack(struct wer_collector *c, const char *project,
		    const uint8_t *dump, size_t size,
		    const struct wer_md_facts *facts, struct wer_processed *ret,
		    char *why, size_t why_size)
{
	const struct wer_cpu_ops *ops = wer__cpu_ops_md(facts->cpu_arch);
	struct wer_snapshot_thread thread = {0};
	struct wer_unwind u = {0};
	struct wer_md_thread t;
	struct wer_buf maps;
	size_t frames = 0, max = sizeof(ret->frames) / sizeof(ret->frames[0]);
	int crashed_has, r;

	why[0] = '\0';
	if (!ops || !facts->have_exception ||
	    wer_minidump_crashed_thread(dump, size, facts, &t) < 0 ||
	    !t.stack ||
	    ops->md_context_read(t.context, t.context_size, &thread.cpu) < 0)
		return -ENOENT;
	wer_buf_init(&maps, 1 << 20);
	if (!module_maps(c, project, facts, wer_cpu_pc(&thread.cpu), &maps,
			 &crashed_has) ||
	    !crashed_has || maps.failed) {
		wer_buf_free(&maps);
		if (maps.failed)
			return -ENOMEM;
		/* No ELF file for the crashed module: its .sym file's CFI,
		 * if it has one. */
		frames = sym_walk(c, project, facts, ops, &t, &thread.cpu, ret);
		if (frames >= 2)
			return (int)frames;
		ret->frame_count = 0;
		return -ENOENT;
	}
	thread.tid = (pid_t)t.tid;
	thread.stack_start = t.stack_start;
	thread.stack_size = t.stack_size;
	thread.stack = (unsigned char *)t.stack; /* only read */
	r = wer__elf_walk(c, &thread, maps.data, &u, why, why_size);
	wer_buf_free(&maps);
	if (r < 0)
		return r;
	if (u.problem[0])
		snprintf(why, why_size, "%s", u.problem);
	if (u.thread_last == 0)
		frames = u.threads[0].frame_count;
	if (frames < 2) {
		if (!why[0])
			snprintf(why, why_size, "%s",
				 u.threads[0].error ? u.threads[0].error
						    : "one frame only");
		wer__unwind_free(&u);
		return -ENOENT;
	}
	ret->frame_count = 0;
	for (size_t k = 0; k < frames && ret->frame_count < max; k++) {
		const struct wer_frame *fr = &u.frames[u.threads[0].first + k];

		put_frame(ret, facts, fr->pc, k,
			  fr->inlined && fr->function[0] ? fr->function : NULL);
	}
	wer__unwind_free(&u);
	return (int)ret->frame_count;
}

int wer__walk_stored(struct wer_collector *c, const char *project,
		     const char *dump_ref, struct wer_processed *p)
{
	struct wer_md_facts *facts = NULL;
	struct wer_processed *walked = NULL;
	uint8_t *dump = NULL;
	size_t size;
	char why[256];
	int r;

	if (!*dump_ref)
		return -ENOENT;
	r = wer__blob_load(c, dump_ref, c->max_body, &dump, &size);
	if (r < 0)
		return r;
	facts = malloc(sizeof(*facts));
	walked = calloc(1, sizeof(*walked));
	if (!facts || !walked)
		r = -ENOMEM;
	else if (wer_minidump_facts(dump, size, facts) < 0)
		r = -EBADMSG;
	else
		r = wer__walk_stack(c, project, dump, size, facts, walked, why,
				    sizeof(why));
	if (r > 0) {
		p->frame_count = walked->frame_count;
		memcpy(p->frames, walked->frames,
		       walked->frame_count * sizeof(p->frames[0]));
	}
	free(walked);
	free(facts);
	free(dump);
	return r;
}
