/* SPDX-License-Identifier: MIT */
/*
 * symbolize.c - names for raw addresses, when `wer show` reads a report
 * that has only them (the crash path's own report: Frame[n]=0xPC
 * /path/module+0xOFFSET lines in Report.wer), and for the frames of
 * stack.txt that had no names when it was written (symbols installed
 * since). src/symbolize reads each module offline, with its separate
 * debug file where one is installed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "debuginfod.h"
#include "demangle.h"
#include "minidump_read.h"
#include "symbolize.h"

int cli_symbolize(const char *module, unsigned long long offset, int call,
		  char *buf, size_t size)
{
	Dwfl *dwfl;
	Dwfl_Module *mod =
	    wer__symbolize_open(module, WER_SYMBOLIZE_DEBUG_FILES, &dwfl);
	uint64_t symoff = 0;
	const char *name, *file;
	char *readable;
	int lineno = 0, n;

	name = wer__symbolize_function(mod, offset, call, &symoff);
	if (!name) {
		dwfl_end(dwfl);
		return -1;
	}
	readable = wer__demangle(name);
	n = snprintf(buf, size, "%s+0x%llx", readable ? readable : name,
		     (unsigned long long)symoff);
	free(readable);
	if ((file = wer__symbolize_line(mod, offset, call, &lineno)) && n > 0 &&
	    (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, " at %s:%d", file, lineno);
	dwfl_end(dwfl);
	return 0;
}

#define RESYMBOLIZE_MODULES_MAX 64

/* A module of the dump, opened once. */
struct opened {
	const struct wer_md_module *m;
	Dwfl *dwfl;
	Dwfl_Module *mod; /* NULL: not the file that crashed, or unreadable */
};

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* The file at m's path, if its build id is the one the dump recorded. */
static Dwfl_Module *open_same(const struct wer_md_module *m, Dwfl **dwfl)
{
	Dwfl_Module *mod =
	    wer__symbolize_open(m->name, WER_SYMBOLIZE_DEBUG_FILES, dwfl);
	const unsigned char *bits;
	GElf_Addr vaddr;
	char hex[2 * 32 + 1];
	int n = mod ? dwfl_module_build_id(mod, &bits, &vaddr) : -1;

	if (n <= 0 || n > 32 || !m->build_id[0])
		return NULL;
	for (int i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", bits[i]);
	/* The dump's BpEL record holds at most the first 16 bytes of a
	 * build id of 20. */
	return !strncmp(hex, m->build_id, strlen(m->build_id)) ? mod : NULL;
}

/* Whether the dump's module m is the file stack.txt calls module: by
 * name, or (the dump names a library by its SONAME, a link to the file)
 * by the name of the file its path leads to. */
static int same_module(const struct wer_md_module *m, const char *module)
{
	char *real;
	int same;

	if (!strcmp(base_name(m->name), module))
		return 1;
	if (m->name[0] != '/' || !(real = realpath(m->name, NULL)))
		return 0;
	same = !strcmp(base_name(real), module);
	free(real);
	return same;
}

static Dwfl_Module *find(struct opened *o, size_t *count,
			 const struct wer_md_facts *md, const char *module)
{
	for (size_t i = 0; i < *count; i++)
		if (same_module(o[i].m, module))
			return o[i].mod;
	for (uint32_t i = 0; i < md->module_count; i++) {
		const struct wer_md_module *m = &md->modules[i];

		if (m->name[0] != '/' || !same_module(m, module))
			continue;
		if (*count == RESYMBOLIZE_MODULES_MAX)
			return NULL;
		o[*count].m = m;
		o[*count].mod = open_same(m, &o[*count].dwfl);
		return o[(*count)++].mod;
	}
	return NULL;
}

static char *text_copy(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* Names frame f now; 1 when it gained a name or a line. */
static int name_frame(struct cli_frame *f, Dwfl_Module *mod, int is_return)
{
	uint64_t offset = 0;
	const char *name = f->function
			       ? NULL
			       : wer__symbolize_function(mod, f->module_offset,
							 is_return, &offset);
	int line = 0;
	const char *file = f->file ? NULL
				   : wer__symbolize_line(mod, f->module_offset,
							 is_return, &line);
	char *readable, text[2048];

	if (!name && !file)
		return 0;
	if (name) {
		readable = wer__demangle(name);
		f->function = text_copy(readable ? readable : name);
		free(readable);
		f->function_offset = offset;
		f->have_function_offset = 1;
	}
	if (file) {
		f->file = text_copy(file);
		f->line = line;
	}
	f->resymbolized = 1;
	snprintf(text, sizeof(text), "  #%-2d 0x%016llx", f->index, f->pc);
	if (f->function)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 f->inlined ? " %s (inlined)" : " %s+0x%llx",
			 f->function, f->function_offset);
	snprintf(text + strlen(text), sizeof(text) - strlen(text),
		 " in %s+0x%llx", f->module, f->module_offset);
	if (f->file)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 " at %s:%d", f->file, f->line);
	snprintf(text + strlen(text), sizeof(text) - strlen(text),
		 " [symbols found now]");
	free(f->text);
	f->text = text_copy(text);
	return 1;
}

#define DUMP_MAX (64u * 1024 * 1024) /* bytes of a minidump read */

struct wer_md_facts *cli_read_dump(int dir)
{
	struct wer_md_facts *facts = malloc(sizeof(*facts));
	unsigned char *data = NULL;
	struct stat st;
	int fd = dir >= 0 ? wer_report_file(dir, "minidump.mdmp") : -1;

	if (!facts || fd < 0 || fstat(fd, &st) < 0 || st.st_size > DUMP_MAX ||
	    !(data = malloc((size_t)st.st_size + 1)) ||
	    read(fd, data, (size_t)st.st_size) != st.st_size ||
	    wer_minidump_facts(data, (size_t)st.st_size, facts) < 0) {
		free(facts);
		facts = NULL;
	}
	if (fd >= 0)
		close(fd);
	free(data);
	return facts;
}

size_t cli_debug_files(const struct wer_md_facts *md, char (*paths)[PATH_MAX],
		       size_t max)
{
	size_t n = 0;

	for (uint32_t i = 0; md && i < md->module_count && n < max; i++) {
		const struct wer_md_module *m = &md->modules[i];
		const char *main_file = NULL, *debug_file = NULL;
		const unsigned char *bits;
		GElf_Addr vaddr;
		Dwfl *dwfl = NULL;
		Dwfl_Module *mod;
		Dwarf_Addr bias;
		int len;

		if (m->name[0] != '/' || !(mod = open_same(m, &dwfl))) {
			if (dwfl)
				dwfl_end(dwfl);
			continue;
		}
		/* An installed debug file, found by libdw; else one from
		 * debuginfod (libdw does not name what it fetched). */
		if (dwfl_module_getdwarf(mod, &bias) &&
		    dwfl_module_info(mod, NULL, NULL, NULL, NULL, NULL,
				     &main_file, &debug_file) &&
		    debug_file && (!main_file || strcmp(debug_file, main_file)))
			snprintf(paths[n++], PATH_MAX, "%s", debug_file);
		else if (!wer__dwfl_has_section(mod, ".debug_info") &&
			 (len = dwfl_module_build_id(mod, &bits, &vaddr)) > 0 &&
			 wer__debuginfod_find(bits, (size_t)len, paths[n],
					      PATH_MAX) == 0)
			n++;
		dwfl_end(dwfl);
	}
	return n;
}

size_t cli_resymbolize(struct cli_stacks *s, const struct wer_md_facts *md)
{
	struct opened o[RESYMBOLIZE_MODULES_MAX];
	size_t opened = 0, named = 0;

	if (!md || !s->source || strcmp(s->source, "stack.txt"))
		return 0;
	for (size_t i = 0; i < s->count; i++) {
		struct cli_thread *t = &s->threads[i];

		for (size_t k = 0; k < t->frame_count; k++) {
			struct cli_frame *f = &t->frames[k];
			Dwfl_Module *mod;

			if ((f->function && f->file) || !f->module ||
			    !f->have_module_offset || f->inlined)
				continue;
			if (!(mod = find(o, &opened, md, f->module)))
				continue;
			/* Past the first frame (and the frames inlined at
			 * it), a pc is a return address. */
			named += name_frame(f, mod, f->pc != t->frames[0].pc);
		}
	}
	for (size_t i = 0; i < opened; i++)
		dwfl_end(o[i].dwfl);
	return named;
}
