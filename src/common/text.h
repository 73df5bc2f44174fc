/* SPDX-License-Identifier: MIT */
/*
 * text.h - text from outside (a crashed process's names and paths, report
 * files, uploads) written where a person or a parser reads it: one policy
 * each for terminals and for JSON, shared by every program; and hex text
 * read back into bytes.
 */
#ifndef WER_TEXT_H
#define WER_TEXT_H

#include <stddef.h>
#include <stdio.h>

struct wer_buf; /* buf.h */

/* The length of the valid UTF-8 character at s (len bytes available):
 * 1..4, or 0 for a byte that does not start one (a stray continuation
 * byte, an overlong form, a surrogate, beyond U+10FFFF, cut short). */
size_t wer_utf8_char_len(const unsigned char *s, size_t len);

/* Whether the character at s (n bytes, valid UTF-8) is one a terminal
 * acts on instead of showing: a C0 control, DEL or a C1 control. */
int wer_text_is_control(const unsigned char *s, size_t n);

/* Writes len bytes of text to f so that no terminal acts on them: every
 * control character (C0 but those in keep, DEL, C1) and every byte of
 * invalid UTF-8 as \xNN; everything else as it is. keep: the controls
 * let through ("\n\t", or ""). */
void wer_text_put_safe(FILE *f, const char *text, size_t len, const char *keep);

/* Writes s as a JSON string, quotes included: '"' and '\' escaped,
 * controls (C0, DEL, C1) as \u00XX, invalid UTF-8 as U+FFFD (\ufffd),
 * other characters as they are. */
void wer_json_put_string(FILE *f, const char *s);

/* The same JSON string, byte for byte, appended to b (buf.h). 0, or
 * -EFBIG when b failed (its cap, or memory): b->failed is set and b
 * holds a prefix of what was asked, within its cap. */
int wer_json_add_string(struct wer_buf *b, const char *s);

/* Decodes hex text (two digits a byte, either case) into out, at most
 * size bytes, stopping at the first pair that is not two hex digits or
 * at the end of text (len bytes): the number of bytes decoded. */
size_t wer_hex_decode(const char *text, size_t len, unsigned char *out,
		      size_t size);

/* Writes len bytes as lowercase hex into out (2 * len + 1 bytes, NUL
 * included). */
void wer_hex_encode(const unsigned char *bytes, size_t len, char *out);

#endif /* WER_TEXT_H */
