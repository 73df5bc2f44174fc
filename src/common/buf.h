/* SPDX-License-Identifier: MIT */
/*
 * buf.h - a growing byte buffer with a hard cap, for whatever is built
 * from outside data (an answer, a request body, a query): it never holds
 * more than its max, and once an addition fails every later one does
 * nothing, so a writer may add many pieces and check once.
 *
 * A buffer is used by one thread at a time; nothing here is
 * async-signal-safe (it allocates).
 */
#ifndef WER_BUF_H
#define WER_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct wer_buf {
	char *data; /* NUL-terminated when len > 0; the caller's to free() */
	size_t len, cap, max;
	int failed; /* an allocation failed or max was reached */
};

/* An empty buffer that will hold at most max bytes (a NUL besides). */
void wer_buf_init(struct wer_buf *b, size_t max);
/* Frees b's data and empties it. */
void wer_buf_free(struct wer_buf *b);
/* Appends n bytes. 0, or -ENOMEM / -EFBIG (and b->failed set: later
 * additions do nothing and fail). */
int wer_buf_add(struct wer_buf *b, const void *p, size_t n);
/* How many bytes b's allocation grows by when n bytes are added: 0 when
 * they fit, SIZE_MAX when they would pass b->max. The collector counts
 * request bodies in its memory budget with it, before adding. */
size_t wer_buf_growth(const struct wer_buf *b, size_t n);
/* Appends s (without its NUL); as wer_buf_add. */
int wer_buf_str(struct wer_buf *b, const char *s);
/* Appends printf's text; as wer_buf_add, or -EINVAL for a bad format. */
int wer_buf_printf(struct wer_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif /* WER_BUF_H */
