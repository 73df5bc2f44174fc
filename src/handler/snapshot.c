/* SPDX-License-Identifier: MIT */
/*
 * snapshot.c - a snapshot's life (snapshot.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "maps.h"
#include "snapshot.h"

void wer__snapshot_init(struct wer_snapshot *s)
{
	s->arch = WER_CPU_HOST;
	s->fault_module = -1;
	s->uptime_s = -1;
	s->full.fd = -1;
}

void wer__snapshot_find_fault(struct wer_snapshot *s)
{
	struct wer_cpu_regs caller;

	s->fault_pc = s->crash.pc;
	/* The crashed thread is the first; at pc 0 its caller is what
	 * failed (the return address names it: a byte past the call). */
	if (s->thread_count && s->threads[0].crashed &&
	    s->threads[0].have_regs &&
	    wer__snapshot_null_call(s, &s->threads[0].cpu, &caller) == 0)
		s->fault_pc = wer_cpu_pc(&caller);
	s->fault_module = -1;
	for (size_t i = 0; i < s->module_count; i++)
		if (s->fault_pc >= s->modules[i].base &&
		    s->fault_pc < s->modules[i].end)
			s->fault_module = (int)i;
}

static void free_text(struct wer_snapshot_text *t)
{
	free(t->data);
	t->data = NULL;
	t->len = 0;
}

void wer__snapshot_read_blocks(struct wer_snapshot *s, wer_mem_read_fn read,
			       void *ctx)
{
	const struct wer_registry_snapshot *reg = &s->registry;

	if (!s->have_registry)
		return;
	for (size_t i = 0; i < reg->range_count; i++) {
		const struct wer_snapshot_range *b = &reg->range[i];
		unsigned char *data;

		if (b->kind != WER_REG_RANGE_MEMORY)
			continue;
		data = malloc(b->size);
		if (data && read(ctx, b->address, data, b->size) < 0) {
			free(data);
			data = NULL;
		}
		s->block_data[i] = data;
	}
	s->block_count = reg->range_count;
}

void wer__snapshot_forget_process(struct wer_snapshot *s)
{
	if (s->environ_raw.data != s->environ.data)
		free_text(&s->environ_raw);
	free_text(&s->environ);
	s->environ_raw = s->environ;
	free_text(&s->status);
	free_text(&s->stat);
	s->exe[0] = s->cwd[0] = s->cgroup[0] = s->container[0] = '\0';
	s->cmdline_len = 0;
	s->cmdline[0] = '\0';
	s->uptime_s = -1;
	s->scrubbed_env = s->scrubbed_args = 0;
}

void wer__snapshot_free(struct wer_snapshot *s)
{
	for (size_t i = 0; i < s->thread_count; i++)
		free(s->threads[i].stack);
	free(s->threads);
	s->threads = NULL;
	s->thread_count = 0;
	for (size_t i = 0; i < s->memory_count; i++)
		free(s->memory[i].data);
	s->memory_count = 0;
	for (size_t i = 0; i < s->block_count; i++)
		free(s->block_data[i]);
	s->block_count = 0;
	if (s->environ_raw.data != s->environ.data)
		free_text(&s->environ_raw);
	free_text(&s->environ);
	free_text(&s->maps);
	free_text(&s->status);
	free_text(&s->stat);
	free_text(&s->auxv);
	free_text(&s->system.cpuinfo);
	free_text(&s->system.os_release_file);
	wer__dso_debug_free(&s->dso);
	if (s->full.fd >= 0)
		close(s->full.fd);
	s->full.fd = -1;
	if (s->have_root)
		close(s->root_fd);
	s->have_root = 0;
	free(s->full.ranges);
	s->full.ranges = NULL;
}

void wer__snapshot_note(char *list, size_t size, const char *what)
{
	size_t n = strlen(list);

	snprintf(list + n, size - n, "%s%s", n ? "," : "", what);
}

const char *wer__snapshot_build_id(const struct wer_snapshot *s,
				   const char *path)
{
	for (size_t i = 0; i < s->module_count; i++)
		if (!strcmp(s->modules[i].path, path))
			return s->modules[i].build_id;
	return "";
}

void wer__snapshot_modules(struct wer_snapshot *s)
{
	static struct wer_maps_line line;
	size_t at = 0;

	s->fault_module = -1;
	while (wer__maps_next(s->maps.data, s->maps.len, &at, &line)) {
		size_t i;

		if (line.name[0] != '/')
			continue;
		for (i = 0; i < s->module_count; i++)
			if (!strcmp(s->modules[i].path, line.name))
				break;
		if (i == s->module_count && i < WER_SNAPSHOT_MODULES_MAX) {
			s->module_count++;
			s->modules[i].base = line.lo;
			snprintf(s->modules[i].path, PATH_MAX, "%s", line.name);
		}
		if (i < s->module_count) {
			if (line.lo < s->modules[i].base)
				s->modules[i].base = line.lo;
			if (line.hi > s->modules[i].end)
				s->modules[i].end = line.hi;
		}
	}
	if (s->module_count == WER_SNAPSHOT_MODULES_MAX)
		wer__snapshot_note(s->truncated, sizeof(s->truncated),
				   "modules");
}
