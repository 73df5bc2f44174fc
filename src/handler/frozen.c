/* SPDX-License-Identifier: MIT */
/*
 * frozen.c - the freeze area and its thread slots (frozen.h), read in
 * batches through a memory reader: the keeper's process_vm_readv in
 * werfault, a buffer in the fuzzer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "frozen.h"

#define BATCH 64 /* slots read at once */

/* A thread's name as the kernel keeps it (any bytes but NUL: the writers
 * escape what a terminal would act on, as for /proc's comm), terminated. */
static void take_name(char *out, size_t size, const char *in, size_t in_size)
{
	size_t n = strnlen(in, in_size);

	if (n >= size)
		n = size - 1;
	memcpy(out, in, n);
	out[n] = '\0';
}

static int take_text(struct wer_snapshot_text *t, const char *in, size_t len,
		     size_t cap)
{
	if (len > cap)
		return -EBADMSG;
	if (!len)
		return 0;
	if (!(t->data = malloc(len + 1)))
		return -ENOMEM;
	memcpy(t->data, in, len);
	t->data[len] = '\0';
	/* A NUL inside ends it. */
	t->len = strlen(t->data);
	return 0;
}

int wer__frozen_read(wer_mem_read_fn read, void *ctx, uint64_t address,
		     struct wer_frozen *ret)
{
	struct wer_freeze_area *a = malloc(sizeof(*a));
	int r;

	memset(ret, 0, sizeof(*ret));
	if (!a)
		return -ENOMEM;
	r = read(ctx, address, a, sizeof(*a));
	if (r == 0 &&
	    (memcmp(a->magic, WER_FREEZE_MAGIC, sizeof(a->magic)) ||
	     a->version != WER_FREEZE_VERSION || a->size != sizeof(*a) ||
	     a->pid <= 0 || a->count > WER_FREEZE_THREADS_MAX ||
	     a->slot_size != sizeof(struct wer_frozen_thread) || !a->slots))
		r = -EBADMSG;
	if (r == 0) {
		ret->pid = a->pid;
		ret->slots = a->slots;
		ret->count = a->count;
		take_name(ret->crashed_name, sizeof(ret->crashed_name),
			  a->crashed_name, sizeof(a->crashed_name));
		r = take_text(&ret->status, a->status, a->status_len,
			      sizeof(a->status));
		if (r == 0)
			r = take_text(&ret->stat, a->stat, a->stat_len,
				      sizeof(a->stat));
	}
	free(a);
	if (r < 0)
		wer__frozen_free(ret);
	return r;
}

static int seen(const struct wer_snapshot *s, pid_t tid)
{
	for (size_t i = 0; i < s->thread_count; i++)
		if (s->threads[i].tid == tid)
			return 1;
	return 0;
}

int wer__frozen_threads(wer_mem_read_fn read, void *ctx,
			const struct wer_frozen *f, struct wer_snapshot *s,
			const struct wer_cpu_regs *crash_regs, pid_t first_tid)
{
	/* As many slots as there are, up to a batch: a page fault costs
	 * more than a read (a 1-thread process's crash reads one slot). */
	struct wer_frozen_thread *batch =
	    calloc(f->count < BATCH ? (f->count ? f->count : 1) : BATCH,
		   sizeof(*batch));
	size_t at = 0, total = 1;
	int r = 0;

	s->threads = calloc(f->count + 1, sizeof(*s->threads));
	if (!batch || !s->threads) {
		free(batch);
		free(s->threads);
		s->threads = NULL;
		return -ENOMEM;
	}
	s->thread_count = 1;
	s->threads[0] = (struct wer_snapshot_thread){
	    .tid = first_tid, .crashed = crash_regs != NULL};
	memcpy(s->threads[0].name, f->crashed_name, sizeof(f->crashed_name));
	if (crash_regs) {
		s->threads[0].cpu = *crash_regs;
		s->threads[0].have_regs = 1;
	}
	while (at < f->count) {
		size_t n = f->count - at < BATCH ? f->count - at : BATCH;
		uint64_t from = f->slots + at * sizeof(*batch);

		if (from < f->slots ||
		    (r = read(ctx, from, batch, n * sizeof(*batch))) < 0)
			break;
		for (size_t i = 0; i < n; i++) {
			const struct wer_frozen_thread *b = &batch[i];
			struct wer_snapshot_thread *t;

			if (b->state != WER_FROZEN_SAVED || b->tid <= 0 ||
			    seen(s, b->tid))
				continue;
			/* Counted, not captured, past the snapshot's cap
			 * (threads started while the others stopped). */
			total++;
			if (s->thread_count >= WER_SNAPSHOT_THREADS_MAX)
				continue;
			t = &s->threads[s->thread_count++];
			t->tid = b->tid;
			take_name(t->name, sizeof(t->name), b->name,
				  sizeof(b->name));
			wer__cpu_from_ucontext(&b->context, &b->fpstate,
					       &t->cpu);
			t->have_regs = 1;
		}
		at += n;
	}
	free(batch);
	s->threads_total = total;
	s->have_threads = 1;
	return r;
}

void wer__frozen_free(struct wer_frozen *f)
{
	free(f->status.data);
	free(f->stat.data);
	f->status = (struct wer_snapshot_text){0};
	f->stat = (struct wer_snapshot_text){0};
}
