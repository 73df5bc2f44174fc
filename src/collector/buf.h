/* SPDX-License-Identifier: MIT */
/*
 * buf.h - a growing byte buffer with a hard cap, and the escapes every
 * page and JSON answer goes through (values are attacker-controlled).
 */
#ifndef WER_COLLECTOR_BUF_H
#define WER_COLLECTOR_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct wer_buf {
	char *data; /* NUL-terminated when len > 0 */
	size_t len, cap, max;
	int failed; /* an allocation failed or max was reached */
};

void wer__buf_init(struct wer_buf *b, size_t max);
void wer__buf_free(struct wer_buf *b);
/* 0, or -ENOMEM / -EFBIG (and b->failed set: later adds do nothing). */
int wer__buf_add(struct wer_buf *b, const void *p, size_t n);
/* How many bytes b's allocation grows by when n bytes are added: 0 when
 * they fit, SIZE_MAX when they would pass b->max. The server counts
 * request bodies in its memory budget with it, before adding. */
size_t wer__buf_growth(const struct wer_buf *b, size_t n);
int wer__buf_str(struct wer_buf *b, const char *s);
int wer__buf_printf(struct wer_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* s as a JSON string, quotes included; bytes that are not UTF-8 become
 * U+FFFD. */
int wer__buf_json(struct wer_buf *b, const char *s);
/* s as HTML text or attribute value: & < > " ' escaped, not UTF-8 as
 * U+FFFD. */
int wer__buf_html(struct wer_buf *b, const char *s);
/* s percent-encoded for a URL query value. */
int wer__buf_url(struct wer_buf *b, const char *s);

/* Length of the valid UTF-8 sequence at s (1..4), 0 if not valid. */
size_t wer__utf8_len(const unsigned char *s);

#endif
