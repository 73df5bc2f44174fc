/* SPDX-License-Identifier: MIT */
/*
 * escape.h - the escapes every page goes through (values are
 * attacker-controlled), into a capped buffer (src/common/buf.h). JSON
 * strings are src/common/text.h's one policy (wer_json_add_string).
 */
#ifndef WER_COLLECTOR_ESCAPE_H
#define WER_COLLECTOR_ESCAPE_H

#include "buf.h"

/* s as HTML text or attribute value: & < > " ' escaped, C0 controls but
 * newline and tab and bytes that are not UTF-8 as U+FFFD. 0, or -EFBIG
 * when b failed. */
int wer__buf_html(struct wer_buf *b, const char *s);
/* s percent-encoded for a URL query value; as wer__buf_html. */
int wer__buf_url(struct wer_buf *b, const char *s);

#endif
