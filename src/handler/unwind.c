/*
 * unwind.c - what unwinding produced: stack.txt's text, build ids. The
 * unwinding itself is unwind_dwfl.c, loaded by werfault when needed.
 */
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unwind.h"

wer_unwind_fn *wer__unwind_load(char *why, size_t size)
{
	char self[PATH_MAX], path[PATH_MAX + 32], *slash;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	void *module;
	wer_unwind_fn *fn;

	if (n <= 0 || !(slash = memrchr(self, '/', (size_t)n))) {
		snprintf(why, size, "cannot locate werfault itself");
		return NULL;
	}
	*slash = '\0';
	snprintf(path, sizeof(path), "%s/werfault-unwind.so", self);
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

void wer__unwind_free(struct wer_unwind *u)
{
	free(u->threads);
	free(u->modules);
	memset(u, 0, sizeof(*u));
}

const char *wer__unwind_build_id(const struct wer_unwind *u, const char *path)
{
	for (size_t i = 0; u && i < u->module_count; i++)
		if (!strcmp(u->modules[i].path, path))
			return u->modules[i].build_id;
	return "";
}

void wer__unwind_print(const struct wer_capture *c, const struct wer_unwind *u,
		       int signo, FILE *f)
{
	for (size_t i = 0; i < c->thread_count; i++) {
		const struct wer_thread *t = &c->threads[i];
		const struct wer_thread_stack *s =
		    u && u->threads ? &u->threads[i] : NULL;

		if (i)
			fputc('\n', f);
		fprintf(f, "Thread %d%s \"%s\"", (int)t->tid,
			t->crashed ? " (crashed)" : "", t->name);
		if (t->crashed)
			fprintf(f, ": signal %d", signo);
		fputc('\n', f);
		if (!t->have_regs) {
			fputs("  registers not captured\n", f);
			continue;
		}
		if (!s || !s->frame_count) {
			fprintf(f, "  #0  0x%016llx\n",
				(unsigned long long)t->pc);
			if (s && s->error[0])
				fprintf(f, "  (unwinding failed: %s)\n",
					s->error);
			continue;
		}
		for (size_t n = 0; n < s->frame_count; n++) {
			const struct wer_frame *fr = &s->frames[n];

			fprintf(f, "  #%-2zu 0x%016llx", n,
				(unsigned long long)fr->pc);
			if (fr->function[0])
				fprintf(
				    f, " %s+0x%llx", fr->function,
				    (unsigned long long)fr->function_offset);
			if (fr->module[0])
				fprintf(f, " in %s+0x%llx", fr->module,
					(unsigned long long)fr->module_offset);
			if (fr->file[0])
				fprintf(f, " at %s:%d", fr->file, fr->line);
			fputc('\n', f);
		}
	}
}
