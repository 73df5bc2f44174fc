/* SPDX-License-Identifier: MIT */
/*
 * snapshot_blob.c - the snapshot's part the unwinder reads, as one block
 * (snapshot_blob.h; docs/crash.md has the layout).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "snapshot_blob.h"

#define BLOB_MAGIC "WERSNAP1"

struct blob_header {
	char magic[8];
	uint32_t arch;
	int32_t pid;
	uint64_t thread_count;
	uint64_t maps_offset, maps_len; /* a NUL follows the text */
};

struct blob_thread {
	int32_t tid, have_regs;
	struct wer_cpu_regs cpu;
	uint64_t stack_start, stack_size, stack_offset;
};

/* Writes v (n pieces) at offset, in batches. 0 or a negative errno. */
static int put(int fd, const struct iovec *v, size_t n, uint64_t offset)
{
	for (size_t at = 0; at < n;) {
		size_t batch = n - at < 64 ? n - at : 64;
		size_t want = 0;
		ssize_t got;

		for (size_t i = 0; i < batch; i++)
			want += v[at + i].iov_len;
		got = pwritev(fd, v + at, (int)batch, (off_t)offset);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return -errno;
		if ((size_t)got != want)
			return -EIO; /* a memfd takes all or fails */
		offset += want;
		at += batch;
	}
	return 0;
}

/* Threads are written a batch at a time: werfault's memory stays small
 * with 5000 of them (a thread's header is near 900 bytes). */
#define BATCH 32

int wer__snapshot_blob_write(int fd, const struct wer_snapshot *s)
{
	size_t n = s->thread_count;
	struct blob_header h = {
	    .arch = (uint32_t)s->arch, .pid = s->pid, .thread_count = n};
	/* As many headers as there are threads, up to a batch: zeroed whole,
	 * 32 of them were 7 pages, a fault each, for one thread. */
	size_t cap = n < BATCH ? (n ? n : 1) : BATCH;
	struct blob_thread *t = malloc(cap * sizeof(*t));
	struct iovec v[BATCH + 2];
	uint64_t data, stacks;
	int r;

	if (!t)
		return -ENOMEM;
	memcpy(h.magic, BLOB_MAGIC, sizeof(h.magic));
	h.maps_offset = sizeof(h) + n * sizeof(*t);
	h.maps_len = s->maps.data ? s->maps.len : 0;
	stacks = h.maps_offset + h.maps_len + 1;
	v[0] = (struct iovec){&h, sizeof(h)};
	v[1] = (struct iovec){s->maps.data, h.maps_len};
	v[2] = (struct iovec){"", 1};
	r = put(fd, v, 1, 0);
	if (!r)
		r = put(fd, v + 1, 2, h.maps_offset);
	/* Each batch: its headers, then its stacks. */
	data = stacks;
	for (size_t first = 0; !r && first < n; first += cap) {
		size_t count = n - first < cap ? n - first : cap, pieces = 0;

		memset(t, 0, count * sizeof(*t));
		for (size_t i = 0; i < count; i++) {
			const struct wer_snapshot_thread *st =
			    &s->threads[first + i];

			t[i].tid = st->tid;
			t[i].have_regs = st->have_regs;
			t[i].cpu = st->cpu;
			t[i].stack_start = st->stack_start;
			t[i].stack_size = st->stack ? st->stack_size : 0;
			t[i].stack_offset = data;
			if (t[i].stack_size)
				v[pieces++] =
				    (struct iovec){st->stack, t[i].stack_size};
			data += t[i].stack_size;
		}
		r = put(fd, &(struct iovec){t, count * sizeof(*t)}, 1,
			sizeof(h) + first * sizeof(*t));
		if (!r && pieces)
			r = put(fd, v, pieces, t[0].stack_offset);
	}
	free(t);
	return r;
}

/* [offset, offset + len) within size. */
static int inside(uint64_t offset, uint64_t len, size_t size)
{
	return offset <= size && len <= size - offset;
}

int wer__snapshot_blob_read(const void *data, size_t size,
			    struct wer_snapshot *s)
{
	const unsigned char *b = data;
	struct blob_header h;

	if (size < sizeof(h))
		return -EBADMSG;
	memcpy(&h, b, sizeof(h));
	if (memcmp(h.magic, BLOB_MAGIC, sizeof(h.magic)) ||
	    (h.arch != WER_CPU_X86_64 && h.arch != WER_CPU_AARCH64) ||
	    h.thread_count > WER_SNAPSHOT_THREADS_MAX ||
	    !inside(sizeof(h), h.thread_count * sizeof(struct blob_thread),
		    size) ||
	    !inside(h.maps_offset, h.maps_len, size - 1) ||
	    b[h.maps_offset + h.maps_len] != '\0')
		return -EBADMSG;
	s->arch = (enum wer_cpu_arch)h.arch;
	s->pid = h.pid;
	s->maps.data = (char *)(b + h.maps_offset);
	s->maps.len = h.maps_len;
	s->threads =
	    calloc(h.thread_count ? h.thread_count : 1, sizeof(*s->threads));
	if (!s->threads)
		return -ENOMEM;
	for (size_t i = 0; i < h.thread_count; i++) {
		struct wer_snapshot_thread *st = &s->threads[i];
		struct blob_thread t;

		memcpy(&t, b + sizeof(h) + i * sizeof(t), sizeof(t));
		if (!inside(t.stack_offset, t.stack_size, size) ||
		    (t.have_regs && t.cpu.arch != s->arch)) {
			free(s->threads);
			s->threads = NULL;
			return -EBADMSG;
		}
		st->tid = t.tid;
		st->have_regs = t.have_regs != 0;
		st->cpu = t.cpu;
		st->stack_start = t.stack_start;
		st->stack_size = t.stack_size;
		st->stack =
		    t.stack_size ? (unsigned char *)(b + t.stack_offset) : NULL;
	}
	s->thread_count = h.thread_count;
	s->have_threads = 1;
	return 0;
}
