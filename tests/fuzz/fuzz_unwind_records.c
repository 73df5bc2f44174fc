/* SPDX-License-Identifier: MIT */
/*
 * fuzz_unwind_records - libFuzzer target for werfault's reader of the
 * unwinder's records (src/handler/unwind.c). The unwinder child writes
 * names taken from the crashed process's ELF and DWARF, and a child that
 * libdw let go wrong may write anything: no crash, every cap held, every
 * thread's frames inside the frame array (inlined ones too), and
 * stack.txt's text printable.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unwind.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct wer_snapshot_thread threads[64];
	/* Large (its memory ranges inline): made once, its few fields used
	 * here set again each run. */
	static struct wer_snapshot *c;
	struct wer_unwind u;
	size_t at = 1, total = 0;
	FILE *out;

	if (!size || (!c && !(c = calloc(1, sizeof(*c)))))
		return 0;
	wer__snapshot_init(c);
	memset(threads, 0, sizeof(threads));
	c->threads = threads;
	c->thread_count = data[0] % 64;
	c->crash.signo = 11;
	for (size_t i = 0; i < c->thread_count; i++) {
		threads[i].have_regs = 1;
		threads[i].cpu.arch = WER_CPU_HOST;
	}
	if (wer__unwind_init(&u, c->thread_count) < 0)
		return 0;
	while (at < size) {
		const uint8_t *nl = memchr(data + at, '\n', size - at);
		size_t len = nl ? (size_t)(nl - (data + at)) : size - at;

		wer__unwind_record(&u, (const char *)data + at, len);
		at += len + 1;
	}
	if (u.frame_count > WER_UNWIND_FRAMES_TOTAL ||
	    u.module_count > WER_UNWIND_MODULES_MAX)
		abort();
	for (size_t i = 0; i < u.thread_count; i++) {
		const struct wer_thread_stack *s = &u.threads[i];

		total += s->frame_count;
		if (s->frame_count > WER_UNWIND_FRAMES_MAX ||
		    (s->frame_count &&
		     s->first + s->frame_count > u.frame_count))
			abort();
		for (size_t n = 0; n < s->frame_count; n++) {
			const struct wer_frame *f = &u.frames[s->first + n];

			if (strlen(f->function) > WER_UNWIND_NAME_MAX ||
			    strlen(f->module) > WER_UNWIND_NAME_MAX ||
			    strlen(f->file) > WER_UNWIND_NAME_MAX ||
			    strpbrk(f->function, "\t\n"))
				abort();
		}
	}
	if (total != u.frame_count)
		abort();
	for (size_t i = 0; i < u.module_count; i++)
		if (!u.modules[i].path || !u.modules[i].build_id ||
		    wer__unwind_package_version(&u, u.modules[i].path) == NULL)
			abort();
	if ((out = fopen("/dev/null", "w"))) {
		wer__unwind_print(c, &u, out);
		fclose(out);
	}
	wer__unwind_free(&u);
	return 0;
}
