/* SPDX-License-Identifier: MIT */
/*
 * fuzz_snapshot_blob - libFuzzer target for the unwinder child's reader of
 * the snapshot werfault sends it (src/handler/snapshot_blob.c): the
 * threads' registers and stacks and the maps, which the crashed process
 * chose. With an odd first byte the input mutates a well-formed block
 * (pairs of offset and byte laid over it), so the counts, offsets and
 * sizes behind a valid header get exercised; else it is read as given.
 * The reader must never crash or read outside the block, and whatever it
 * accepts must be written back the same.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "snapshot_blob.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned char *valid;
static size_t valid_size;
/* Large (its module table inline): made once, zeroed where used. */
static struct wer_snapshot *parsed, *again;

static void clear(struct wer_snapshot *s)
{
	s->threads = NULL;
	s->thread_count = 0;
	s->have_threads = 0;
	s->maps.data = NULL;
	s->maps.len = 0;
}

/* The block of a snapshot of two threads, written by the writer. */
static void make_valid(void)
{
	static unsigned char stack0[256], stack1[64];
	static struct wer_snapshot_thread threads[2];
	static char maps[] = "7f0000000000-7f0000001000 r-xp 00000000 08:01 "
			     "42 /usr/lib/libx.so\n";
	struct wer_snapshot *s = calloc(1, sizeof(*s));
	int fd = memfd_create("fuzz", 0);
	off_t end;

	parsed = calloc(1, sizeof(*parsed));
	again = calloc(1, sizeof(*again));
	if (!s || fd < 0 || !parsed || !again)
		abort();
	memset(stack0, 0xab, sizeof(stack0));
	threads[0] = (struct wer_snapshot_thread){
	    .tid = 100, .have_regs = 1, .stack_start = 0x7ffd0000};
	threads[0].cpu.arch = WER_CPU_HOST;
	threads[0].stack = stack0;
	threads[0].stack_size = sizeof(stack0);
	threads[1] = threads[0];
	threads[1].tid = 101;
	threads[1].stack = stack1;
	threads[1].stack_size = sizeof(stack1);
	threads[1].stack_start = 0x7ffe0000;
	s->arch = WER_CPU_HOST;
	s->pid = 100;
	s->threads = threads;
	s->thread_count = 2;
	s->maps.data = maps;
	s->maps.len = strlen(maps);
	if (wer__snapshot_blob_write(fd, s) < 0 ||
	    (end = lseek(fd, 0, SEEK_END)) <= 0 ||
	    !(valid = malloc((size_t)end)) ||
	    pread(fd, valid, (size_t)end, 0) != end)
		abort();
	valid_size = (size_t)end;
	close(fd);
	free(s);
}

/* Writes s again and reads it back: the same threads, stacks, maps. */
static void round_trip(const struct wer_snapshot *s)
{
	struct wer_snapshot *t = again;
	int fd = memfd_create("fuzz", 0);
	unsigned char *copy = NULL;
	off_t end;

	clear(t);
	if (fd < 0 || wer__snapshot_blob_write(fd, s) < 0 ||
	    (end = lseek(fd, 0, SEEK_END)) <= 0 ||
	    !(copy = malloc((size_t)end)) ||
	    pread(fd, copy, (size_t)end, 0) != end ||
	    wer__snapshot_blob_read(copy, (size_t)end, t) < 0)
		abort();
	if (t->thread_count != s->thread_count || t->arch != s->arch ||
	    t->pid != s->pid || t->maps.len != s->maps.len ||
	    memcmp(t->maps.data, s->maps.data, s->maps.len))
		abort();
	for (size_t i = 0; i < s->thread_count; i++)
		if (t->threads[i].tid != s->threads[i].tid ||
		    t->threads[i].stack_size != s->threads[i].stack_size ||
		    t->threads[i].stack_start != s->threads[i].stack_start ||
		    (s->threads[i].stack_size &&
		     memcmp(t->threads[i].stack, s->threads[i].stack,
			    s->threads[i].stack_size)))
			abort();
	free(t->threads);
	free(copy);
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wer_snapshot *s;
	unsigned char *block;
	size_t block_size;

	if (!size)
		return 0;
	if (!valid)
		make_valid();
	if (data[0] & 1) {
		block_size = valid_size;
		if (!(block = malloc(block_size)))
			return 0;
		memcpy(block, valid, block_size);
		for (size_t at = 1; at + 2 < size; at += 3) {
			size_t offset =
			    ((size_t)data[at] << 8 | data[at + 1]) % block_size;

			block[offset] = data[at + 2];
		}
	} else {
		/* Exactly the input: reading past it is caught. */
		block_size = size - 1;
		if (!(block = malloc(block_size ? block_size : 1)))
			return 0;
		memcpy(block, data + 1, block_size);
	}
	s = parsed;
	clear(s);
	if (wer__snapshot_blob_read(block, block_size, s) == 0) {
		const unsigned char *end = block + block_size;
		uint64_t word;

		if (s->maps.data + s->maps.len >= (const char *)end ||
		    s->maps.data[s->maps.len] != '\0')
			abort();
		for (size_t i = 0; i < s->thread_count; i++) {
			const struct wer_snapshot_thread *t = &s->threads[i];

			if (t->stack &&
			    (t->stack < block ||
			     t->stack_size > (size_t)(end - t->stack)))
				abort();
			wer__snapshot_read(s, t->stack_start, &word,
					   sizeof(word));
		}
		round_trip(s);
		free(s->threads);
	}
	free(block);
	return 0;
}
