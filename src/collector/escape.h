/* SPDX-License-Identifier: MIT */
/*
 * escape.h - the escapes every page and JSON answer goes through (values
 * are attacker-controlled), into a capped buffer (src/common/buf.h).
 */
#ifndef WER_COLLECTOR_ESCAPE_H
#define WER_COLLECTOR_ESCAPE_H

#include "buf.h"

/* s as a JSON string, quotes included; bytes that are not UTF-8 become
 * U+FFFD. */
int wer__buf_json(struct wer_buf *b, const char *s);
/* s as HTML text or attribute value: & < > " ' escaped, C0 controls but
 * newline and tab and bytes that are not UTF-8 as U+FFFD. 0, or -EFBIG
 * when b failed. */
int wer__buf_html(struct wer_buf *b, const char *s);
/* s percent-encoded for a URL query value; as wer__buf_html. */
int wer__buf_url(struct wer_buf *b, const char *s);

#endif
