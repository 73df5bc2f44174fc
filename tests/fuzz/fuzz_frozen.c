/* SPDX-License-Identifier: MIT */
/*
 * fuzz_frozen - libFuzzer target for werfault's reader of the freeze area
 * and its thread slots (src/handler/frozen.c), which a crashed, perhaps
 * hostile, process filled. The input is laid over the area and the slots
 * after it; with an odd first byte the header is made valid first (magic,
 * version, sizes, the slots' address), so the counts, lengths and slots
 * get exercised. The reader must never crash, read outside what it was
 * given, or keep a thread that did not save its registers.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frozen.h"

#define FAKE_ADDRESS 0x7f0000001000ull
#define SLOTS	     8

struct image {
	struct wer_freeze_area area;
	struct wer_frozen_thread slot[SLOTS];
};

static struct image *image;
static struct wer_snapshot *snapshot;

static int fake_read(void *ctx, uint64_t address, void *buf, size_t len)
{
	(void)ctx;
	if (address < FAKE_ADDRESS || address - FAKE_ADDRESS > sizeof(*image) ||
	    len > sizeof(*image) - (address - FAKE_ADDRESS))
		return -14; /* -EFAULT */
	memcpy(buf, (char *)image + (address - FAKE_ADDRESS), len);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wer_frozen f;
	struct wer_cpu_regs crash = {0};

	if (!image) {
		image = malloc(sizeof(*image));
		snapshot = calloc(1, sizeof(*snapshot));
		if (!image || !snapshot)
			abort();
	}
	if (size < 1)
		return 0;
	memset(image, 0, sizeof(*image));
	memcpy(image, data + 1,
	       size - 1 < sizeof(*image) ? size - 1 : sizeof(*image));
	if (data[0] & 1) {
		struct wer_freeze_area *a = &image->area;

		memcpy(a->magic, WER_FREEZE_MAGIC, sizeof(a->magic));
		a->version = WER_FREEZE_VERSION;
		a->size = sizeof(*a);
		a->slot_size = sizeof(struct wer_frozen_thread);
		a->slots = FAKE_ADDRESS + offsetof(struct image, slot);
		if (a->pid <= 0)
			a->pid = 1;
		/* Mostly within the slots given; past them now and then. */
		if (!(data[0] & 2))
			a->count %= SLOTS + 1;
		else
			a->count %= 4 * SLOTS;
	}
	if (wer__frozen_read(fake_read, NULL, FAKE_ADDRESS, &f) < 0)
		return 0;
	if (f.status.data && strlen(f.status.data) != f.status.len)
		abort();
	if (f.count > WER_FREEZE_THREADS_MAX)
		abort();
	snapshot->thread_count = 0;
	wer__frozen_threads(fake_read, NULL, &f, snapshot,
			    data[0] & 4 ? &crash : NULL, 42);
	if (snapshot->threads) {
		if (snapshot->thread_count > f.count + 1 ||
		    snapshot->thread_count > WER_SNAPSHOT_THREADS_MAX ||
		    snapshot->threads_total < snapshot->thread_count)
			abort();
		for (size_t i = 1; i < snapshot->thread_count; i++)
			if (snapshot->threads[i].tid <= 0 ||
			    snapshot->threads[i].tid == 42 ||
			    !snapshot->threads[i].have_regs ||
			    strnlen(snapshot->threads[i].name,
				    sizeof(snapshot->threads[i].name)) ==
				sizeof(snapshot->threads[i].name))
				abort();
	}
	free(snapshot->threads);
	snapshot->threads = NULL;
	wer__frozen_free(&f);
	return 0;
}
