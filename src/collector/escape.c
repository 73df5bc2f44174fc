/* SPDX-License-Identifier: MIT */
/*
 * escape.c - HTML text and URL query values (escape.h).
 */
#include <errno.h>
#include <string.h>

#include "escape.h"
#include "text.h"

int wer__buf_html(struct wer_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *end = p + strlen(s);

	while (*p) {
		size_t n = wer_utf8_char_len(p, (size_t)(end - p));

		if (n == 0) {
			wer_buf_str(b, "\xef\xbf\xbd");
			p++;
			continue;
		}
		switch (*p) {
		case '&':
			wer_buf_str(b, "&amp;");
			break;
		case '<':
			wer_buf_str(b, "&lt;");
			break;
		case '>':
			wer_buf_str(b, "&gt;");
			break;
		case '"':
			wer_buf_str(b, "&quot;");
			break;
		case '\'':
			wer_buf_str(b, "&#39;");
			break;
		default:
			if (*p < 0x20 && *p != '\n' && *p != '\t')
				wer_buf_str(b, "\xef\xbf\xbd");
			else
				wer_buf_add(b, p, n);
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
			wer_buf_add(b, p, 1);
		else
			wer_buf_printf(b, "%%%02X", *p);
	}
	return b->failed ? -EFBIG : 0;
}
