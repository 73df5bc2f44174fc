/* SPDX-License-Identifier: MIT */
/*
 * text.c - terminal-safe and JSON text (text.h).
 */
#include <string.h>

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
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
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

void wer_text_put_safe(FILE *f, const char *text, size_t len,
		       const char *keep)
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

void wer_json_put_string(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t len = strlen(str);

	fputc('"', f);
	for (size_t i = 0; i < len;) {
		size_t n = wer_utf8_char_len(s + i, len - i);

		if (!n) {
			fputs("\\ufffd", f);
			n = 1;
		} else if (s[i] == '"' || s[i] == '\\') {
			fprintf(f, "\\%c", s[i]);
		} else if (wer_text_is_control(s + i, n)) {
			fprintf(f, "\\u%04x",
				n == 1 ? s[i] : (unsigned)(s[i + 1] & 0x3F) | 0x80);
		} else {
			fwrite(s + i, 1, n, f);
		}
		i += n;
	}
	fputc('"', f);
}
