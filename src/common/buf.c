/* SPDX-License-Identifier: MIT */
/*
 * buf.c - a growing buffer with a cap (buf.h).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

void wer_buf_init(struct wer_buf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
}

void wer_buf_free(struct wer_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

/* The allocation b needs to hold n more bytes (and a NUL): its current
 * one when they fit, else the next power of two, or b->max + 1 when that
 * is less (a buffer made for a known size is never larger); 0 past
 * b->max (any max, SIZE_MAX too: nothing here overflows). */
static size_t capacity_for(const struct wer_buf *b, size_t n)
{
	size_t want, cap;

	if (n > b->max - b->len || b->len + n >= SIZE_MAX)
		return 0;
	want = b->len + n + 1;
	if (want <= b->cap)
		return b->cap;
	cap = b->cap ? b->cap : 256;
	while (cap < want && cap <= SIZE_MAX / 2)
		cap *= 2;
	if (cap < want)
		cap = want;
	if (cap - 1 > b->max)
		cap = b->max + 1;
	return cap;
}

size_t wer_buf_growth(const struct wer_buf *b, size_t n)
{
	size_t cap = capacity_for(b, n);

	return cap ? cap - b->cap : SIZE_MAX;
}

static int reserve(struct wer_buf *b, size_t n)
{
	size_t cap;
	char *p;

	if (b->failed)
		return -ENOMEM;
	cap = capacity_for(b, n);
	if (!cap) {
		b->failed = 1;
		return -EFBIG;
	}
	if (cap == b->cap)
		return 0;
	p = realloc(b->data, cap);
	if (!p) {
		b->failed = 1;
		return -ENOMEM;
	}
	b->data = p;
	b->cap = cap;
	return 0;
}

int wer_buf_add(struct wer_buf *b, const void *p, size_t n)
{
	int r = reserve(b, n);

	if (r < 0)
		return r;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int wer_buf_str(struct wer_buf *b, const char *s)
{
	return wer_buf_add(b, s, strlen(s));
}

int wer_buf_printf(struct wer_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n, r;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	r = reserve(b, (size_t)n);
	if (r < 0)
		return r;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}
