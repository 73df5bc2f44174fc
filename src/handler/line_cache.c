/* SPDX-License-Identifier: MIT */
/*
 * line_cache.c - the line cache's file format (line_cache.h): parsing,
 * with caps, and formatting one record. The files themselves are opened
 * and written by the unwinder (unwind_dwfl.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "line_cache.h"

/* A hex offset of 1..16 digits. */
static int parse_offset(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	size_t n = 0;

	for (; s[n]; n++) {
		char c = s[n];
		int d = c >= '0' && c <= '9'   ? c - '0'
			: c >= 'a' && c <= 'f' ? c - 'a' + 10
					       : -1;

		if (d < 0 || n >= 16)
			return -1;
		v = v << 4 | (uint64_t)d;
	}
	if (n == 0)
		return -1;
	*out = v;
	return 0;
}

/* A decimal of 1..9 digits. */
static int parse_count(const char *s, int *out)
{
	int v = 0;
	size_t n = 0;

	for (; s[n]; n++) {
		if (s[n] < '0' || s[n] > '9' || n >= 9)
			return -1;
		v = v * 10 + (s[n] - '0');
	}
	if (n == 0)
		return -1;
	*out = v;
	return 0;
}

/* One record's fields (NUL-separated in place) into r, its calls from
 * *calls on. 0, or -1 when it is malformed. */
static int parse_record(char **field, size_t fields,
			struct wer_line_cache_record *r,
			struct wer_line_cache_call *calls)
{
	int n;

	if (fields < 6 || parse_offset(field[0], &r->offset) < 0 ||
	    parse_offset(field[2], &r->symbol_offset) < 0 ||
	    (!field[1][0] && r->symbol_offset) ||
	    parse_count(field[4], &r->line) < 0 ||
	    parse_count(field[5], &n) < 0 || n > WER_LINE_CACHE_INLINES_MAX ||
	    fields != 6 + 3 * (size_t)n)
		return -1;
	r->symbol = field[1];
	r->file = field[3];
	r->count = (size_t)n;
	r->calls = calls;
	for (int i = 0; i < n; i++) {
		calls[i].function = field[6 + 3 * i];
		calls[i].file = field[7 + 3 * i];
		if (parse_count(field[8 + 3 * i], &calls[i].line) < 0)
			return -1;
	}
	return 0;
}

int wer__line_cache_parse(struct wer_line_cache *c, const char *data,
			  size_t len)
{
	size_t magic = sizeof(WER_LINE_CACHE_MAGIC) - 1, lines = 0, tabs = 0;
	size_t used_calls = 0;
	char *p, *end;

	memset(c, 0, sizeof(*c));
	if (len > WER_LINE_CACHE_FILE_MAX)
		len = WER_LINE_CACHE_FILE_MAX;
	if (len < magic || memcmp(data, WER_LINE_CACHE_MAGIC, magic))
		return -1;
	for (size_t i = magic; i < len; i++) {
		lines += data[i] == '\n';
		tabs += data[i] == '\t';
	}
	if (lines > WER_LINE_CACHE_RECORDS_MAX)
		lines = WER_LINE_CACHE_RECORDS_MAX;
	c->text = malloc(len + 1);
	c->records = calloc(lines ? lines : 1, sizeof(*c->records));
	c->calls = calloc(tabs / 3 + 1, sizeof(*c->calls));
	if (!c->text || !c->records || !c->calls) {
		wer__line_cache_free(c);
		return -1;
	}
	memcpy(c->text, data, len);
	c->text[len] = '\0';
	p = c->text + magic;
	end = c->text + len;
	/* Only whole lines: a record cut at the cap (or by a writer killed
	 * mid-write) has no newline and is left out. */
	while (p < end && c->count < lines) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *field[6 + 3 * WER_LINE_CACHE_INLINES_MAX];
		size_t fields = 0, i;
		int bad = 0;

		if (!nl)
			break;
		*nl = '\0';
		if ((size_t)(nl - p) < WER_LINE_CACHE_RECORD_MAX) {
			field[fields++] = p;
			for (i = 0; p + i < nl; i++) {
				unsigned char ch = (unsigned char)p[i];

				if (ch == '\t') {
					p[i] = '\0';
					if (fields ==
					    sizeof(field) / sizeof(field[0])) {
						bad = 1;
						break;
					}
					field[fields++] = p + i + 1;
				} else if (ch < 0x20 || ch == 0x7f) {
					bad = 1;
					break;
				}
			}
			if (!bad &&
			    parse_record(field, fields, &c->records[c->count],
					 c->calls + used_calls) == 0) {
				used_calls += c->records[c->count].count;
				c->count++;
			}
		}
		p = nl + 1;
	}
	return 0;
}

const struct wer_line_cache_record *
wer__line_cache_find(const struct wer_line_cache *c, uint64_t offset)
{
	/* The last record of an offset wins (a later writer's). */
	for (size_t i = c->count; i-- > 0;)
		if (c->records[i].offset == offset)
			return &c->records[i];
	return NULL;
}

void wer__line_cache_free(struct wer_line_cache *c)
{
	free(c->text);
	free(c->records);
	free(c->calls);
	memset(c, 0, sizeof(*c));
}

/* Appends s (NULL: "") to buf at *at, control characters and tabs as
 * '?', then sep; -1 when it does not fit. */
static int put_field(char *buf, size_t size, size_t *at, const char *s,
		     char sep)
{
	for (; s && *s; s++) {
		if (*at + 1 >= size)
			return -1;
		buf[(*at)++] =
		    (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s;
	}
	if (*at + 1 >= size)
		return -1;
	buf[(*at)++] = sep;
	return 0;
}

static int put_number(char *buf, size_t size, size_t *at, const char *fmt,
		      unsigned long long v, char sep)
{
	char num[24];

	snprintf(num, sizeof(num), fmt, v);
	return put_field(buf, size, at, num, sep);
}

size_t wer__line_cache_format(char *buf, size_t size, uint64_t offset,
			      const char *symbol, uint64_t symbol_offset,
			      const char *file, int line,
			      const struct wer_line_cache_call *calls,
			      size_t count)
{
	size_t at = 0;

	if (size > WER_LINE_CACHE_RECORD_MAX)
		size = WER_LINE_CACHE_RECORD_MAX;
	if (!symbol || !symbol[0])
		symbol = "", symbol_offset = 0;
	if (count > WER_LINE_CACHE_INLINES_MAX || line < 0 ||
	    put_number(buf, size, &at, "%llx", offset, '\t') < 0 ||
	    put_field(buf, size, &at, symbol, '\t') < 0 ||
	    put_number(buf, size, &at, "%llx", symbol_offset, '\t') < 0 ||
	    put_field(buf, size, &at, file, '\t') < 0 ||
	    put_number(buf, size, &at, "%llu", (unsigned long long)line, '\t') <
		0 ||
	    put_number(buf, size, &at, "%llu", count, count ? '\t' : '\n') < 0)
		return 0;
	for (size_t i = 0; i < count; i++)
		if (calls[i].line < 0 ||
		    put_field(buf, size, &at, calls[i].function, '\t') < 0 ||
		    put_field(buf, size, &at, calls[i].file, '\t') < 0 ||
		    put_number(buf, size, &at, "%llu",
			       (unsigned long long)calls[i].line,
			       i + 1 < count ? '\t' : '\n') < 0)
			return 0;
	return at;
}
