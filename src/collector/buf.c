/* SPDX-License-Identifier: MIT */
/*
 * buf.c - growing buffers with a cap; JSON, HTML and URL escapes.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

void wer__buf_init(struct wer_buf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
}

void wer__buf_free(struct wer_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

/* The allocation b needs to hold n more bytes (and a NUL): its current
 * one when they fit, else the next power of two, or b->max + 1 when that
 * is less (a buffer made for a known size is never larger); 0 past
 * b->max. */
static size_t capacity_for(const struct wer_buf *b, size_t n)
{
	size_t want, cap;

	if (n > b->max - b->len || b->len + n + 1 > b->max + 1)
		return 0;
	want = b->len + n + 1;
	if (want <= b->cap)
		return b->cap;
	cap = b->cap ? b->cap : 256;
	while (cap < want)
		cap *= 2;
	if (b->max < SIZE_MAX && cap > b->max + 1)
		cap = b->max + 1;
	return cap;
}

size_t wer__buf_growth(const struct wer_buf *b, size_t n)
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

int wer__buf_add(struct wer_buf *b, const void *p, size_t n)
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

int wer__buf_str(struct wer_buf *b, const char *s)
{
	return wer__buf_add(b, s, strlen(s));
}

int wer__buf_printf(struct wer_buf *b, const char *fmt, ...)
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

size_t wer__utf8_len(const unsigned char *s)
{
	unsigned c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		return (s[1] & 0xC0) == 0x80 ? 2 : 0;
	if (c >= 0xE0 && c <= 0xEF) {
		if ((s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
			return 0;
		if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] > 0x9F))
			return 0;
		return 3;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		if ((s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
		    (s[3] & 0xC0) != 0x80)
			return 0;
		if ((c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] > 0x8F))
			return 0;
		return 4;
	}
	return 0;
}

int wer__buf_json(struct wer_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	wer__buf_add(b, "\"", 1);
	while (*p) {
		size_t n = wer__utf8_len(p);

		if (n == 0) {
			wer__buf_str(b, "\\ufffd");
			p++;
		} else if (*p == '"' || *p == '\\') {
			wer__buf_add(b, "\\", 1);
			wer__buf_add(b, p, 1);
			p++;
		} else if (*p < 0x20 || *p == 0x7f) {
			wer__buf_printf(b, "\\u%04x", *p);
			p++;
		} else if (*p == '<') {
			/* Safe inside a <script> too. */
			wer__buf_str(b, "\\u003c");
			p++;
		} else {
			wer__buf_add(b, p, n);
			p += n;
		}
	}
	return wer__buf_add(b, "\"", 1);
}

int wer__buf_html(struct wer_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		size_t n = wer__utf8_len(p);

		if (n == 0) {
			wer__buf_str(b, "\xef\xbf\xbd");
			p++;
			continue;
		}
		switch (*p) {
		case '&':
			wer__buf_str(b, "&amp;");
			break;
		case '<':
			wer__buf_str(b, "&lt;");
			break;
		case '>':
			wer__buf_str(b, "&gt;");
			break;
		case '"':
			wer__buf_str(b, "&quot;");
			break;
		case '\'':
			wer__buf_str(b, "&#39;");
			break;
		default:
			if (*p < 0x20 && *p != '\n' && *p != '\t')
				wer__buf_str(b, "\xef\xbf\xbd");
			else
				wer__buf_add(b, p, n);
		}
		p += n;
	}
	return b->failed ? -EFBIG : 0;
}

int wer__buf_url(struct wer_buf *b, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p))
			wer__buf_add(b, p, 1);
		else
			wer__buf_printf(b, "%%%02X", *p);
	}
	return b->failed ? -EFBIG : 0;
}
