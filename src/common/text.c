/* SPDX-License-Identifier: MIT */
/*
 * text.c - terminal-safe and JSON text (text.h).
 */
#include <errno.h>
#include <string.h>

#include "buf.h"
#include "text.h"

size_t wer_utf8_char_len(const unsigned char *s, size_t len)
{
	unsigned c = s[0];
	size_t n;
	unsigned cp;

	if (!len)
		return 0;
	if (c < 0x80)
		return 1;
	if (c < 0xC2 || c > 0xF4)
		return 0; /* continuation, overlong lead, beyond U+10FFFF */
	n = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
	if (len < n)
		return 0;
	cp = c & (0xFF >> (n + 1));
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3F);
	}
	if ((n == 3 && cp < 0x800) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return n;
}

int wer_text_is_control(const unsigned char *s, size_t n)
{
	if (n == 1)
		return s[0] < 0x20 || s[0] == 0x7F;
	/* U+0080..U+009F: C2 80..C2 9F. */
	return n == 2 && s[0] == 0xC2 && s[1] < 0xA0;
}

void wer_text_put_safe(FILE *f, const char *text, size_t len, const char *keep)
{
	const unsigned char *s = (const unsigned char *)text;

	for (size_t i = 0; i < len;) {
		size_t n = wer_utf8_char_len(s + i, len - i);

		if (n == 1 && s[i] && strchr(keep, s[i])) {
			fputc(s[i], f);
		} else if (!n || wer_text_is_control(s + i, n)) {
			for (size_t k = 0; k < (n ? n : 1); k++)
				fprintf(f, "\\x%02x", s[i + k]);
		} else {
			fwrite(s + i, 1, n, f);
		}
		i += n ? n : 1;
	}
}

/* The one JSON string policy (text.h), written through put: to a FILE
 * or to a buffer. Runs of characters that need no escape go in one put. */
static void json_string(const char *str,
			void (*put)(void *to, const char *p, size_t n),
			void *to)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t len = strlen(str), run = 0;
	char esc[8];

	put(to, "\"", 1);
	for (size_t i = 0; i < len;) {
		size_t n = wer_utf8_char_len(s + i, len - i);
		const char *e = NULL;
		size_t e_len = 0;

		if (!n) {
			e = "\\ufffd", e_len = 6, n = 1;
		} else if (s[i] == '"' || s[i] == '\\') {
			esc[0] = '\\', esc[1] = (char)s[i];
			e = esc, e_len = 2;
		} else if (wer_text_is_control(s + i, n)) {
			/* C1: U+0080..U+009F is C2 80..C2 9F. */
			unsigned c = n == 1 ? s[i] : (s[i + 1] & 0x3Fu) | 0x80;

			snprintf(esc, sizeof(esc), "\\u%04x", c);
			e = esc, e_len = 6;
		}
		if (e) {
			if (i > run)
				put(to, str + run, i - run);
			put(to, e, e_len);
			run = i + n;
		}
		i += n;
	}
	if (len > run)
		put(to, str + run, len - run);
	put(to, "\"", 1);
}

static void put_file(void *to, const char *p, size_t n)
{
	fwrite(p, 1, n, to);
}

static void put_buf(void *to, const char *p, size_t n)
{
	wer_buf_add(to, p, n);
}

void wer_json_put_string(FILE *f, const char *s)
{
	json_string(s, put_file, f);
}

int wer_json_add_string(struct wer_buf *b, const char *s)
{
	json_string(s, put_buf, b);
	return b->failed ? -EFBIG : 0;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

size_t wer_hex_decode(const char *text, size_t len, unsigned char *out,
		      size_t size)
{
	size_t n = 0;

	for (; n < size && 2 * n + 1 < len; n++) {
		int hi = hex_value(text[2 * n]),
		    lo = hex_value(text[2 * n + 1]);

		if (hi < 0 || lo < 0)
			break;
		out[n] = (unsigned char)(hi << 4 | lo);
	}
	return n;
}

void wer_hex_encode(const unsigned char *bytes, size_t len, char *out)
{
	static const char digit[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digit[bytes[i] >> 4];
		out[2 * i + 1] = digit[bytes[i] & 15];
	}
	out[2 * len] = '\0';
}
