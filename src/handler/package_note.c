/* SPDX-License-Identifier: MIT */
/*
 * package_note.c - the "version" of a .note.package JSON object. A small
 * scanner of our own for one field of a small, flat object: the note is
 * the crashed program's, so every step is bounded by len, nesting by a
 * fixed depth, and the result by size. Fuzzed (fuzz_package_note).
 */
#include <string.h>

#include "package_note.h"

#define DEPTH_MAX 16

struct scan {
	const char *p, *end;
};

static void skip_space(struct scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' ||
				 *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

/* A JSON string at s->p: unescaped into out (when out is not NULL),
 * where only printable ASCII is allowed. 0, or -1 (malformed, too long,
 * or a character out does not take). */
static int string(struct scan *s, char *out, size_t size, size_t *ret_len)
{
	size_t n = 0;

	if (s->p >= s->end || *s->p != '"')
		return -1;
	for (s->p++; s->p < s->end; s->p++) {
		unsigned char c = (unsigned char)*s->p;

		if (c == '"') {
			s->p++;
			if (out)
				out[n] = '\0';
			*ret_len = n;
			return 0;
		}
		if (c < 0x20)
			return -1;
		if (c == '\\') {
			if (++s->p >= s->end)
				return -1;
			switch (*s->p) {
			case '"':
			case '\\':
			case '/':
				c = (unsigned char)*s->p;
				break;
			case 'b':
			case 'f':
			case 'n':
			case 'r':
			case 't':
				c = 0; /* a control character */
				break;
			case 'u':
				if (s->end - s->p < 5)
					return -1;
				for (int i = 1; i <= 4; i++)
					if (!strchr("0123456789abcdefABCDEF",
						    s->p[i]) ||
					    !s->p[i])
						return -1;
				s->p += 4;
				c = 0; /* not kept: outside printable ASCII
					* or a needless escape */
				break;
			default:
				return -1;
			}
		}
		if (out) {
			if (c < 0x20 || c > 0x7e || n + 1 >= size)
				return -1;
			out[n] = (char)c;
		}
		n++;
	}
	return -1;
}

/* Any JSON value at s->p, skipped. */
static int skip_value(struct scan *s, int depth)
{
	size_t len;

	skip_space(s);
	if (s->p >= s->end || depth > DEPTH_MAX)
		return -1;
	if (*s->p == '"')
		return string(s, NULL, 0, &len);
	if (*s->p == '{' || *s->p == '[') {
		char close = *s->p == '{' ? '}' : ']';

		s->p++;
		skip_space(s);
		if (s->p < s->end && *s->p == close) {
			s->p++;
			return 0;
		}
		for (;;) {
			if (close == '}') {
				skip_space(s);
				if (string(s, NULL, 0, &len) < 0)
					return -1;
				skip_space(s);
				if (s->p >= s->end || *s->p++ != ':')
					return -1;
			}
			if (skip_value(s, depth + 1) < 0)
				return -1;
			skip_space(s);
			if (s->p >= s->end)
				return -1;
			if (*s->p == close) {
				s->p++;
				return 0;
			}
			if (*s->p++ != ',')
				return -1;
		}
	}
	/* A number, true, false or null: its characters. */
	if (!strchr("-0123456789tfn", *s->p))
		return -1;
	while (s->p < s->end && *s->p &&
	       strchr("+-.0123456789eEtruefalsn", *s->p))
		s->p++;
	return 0;
}

int wer__package_note_version(const char *json, size_t len, char *out,
			      size_t size)
{
	struct scan s = {
	    json,
	    json + (len < WER_PACKAGE_NOTE_MAX ? len : WER_PACKAGE_NOTE_MAX)};
	char key[16];
	size_t n;
	int found = -1;

	if (!size)
		return -1;
	skip_space(&s);
	if (s.p >= s.end || *s.p++ != '{')
		return -1;
	skip_space(&s);
	if (s.p < s.end && *s.p == '}')
		return -1;
	for (;;) {
		struct scan at;

		skip_space(&s);
		at = s;
		/* Keys longer than "version" are skipped as strings. */
		if (string(&s, key, sizeof(key), &n) < 0) {
			s = at;
			if (string(&s, NULL, 0, &n) < 0)
				return -1;
			key[0] = '\0';
		}
		skip_space(&s);
		if (s.p >= s.end || *s.p++ != ':')
			return -1;
		skip_space(&s);
		if (!strcmp(key, "version") && found < 0) {
			at = s;
			if (string(&s, out, size, &n) == 0 && n > 0)
				found = 0;
			else if ((s = at, skip_value(&s, 1) < 0))
				return -1;
		} else if (skip_value(&s, 1) < 0) {
			return -1;
		}
		skip_space(&s);
		if (s.p >= s.end)
			return -1;
		if (*s.p == '}')
			break;
		if (*s.p++ != ',')
			return -1;
	}
	if (found < 0)
		out[0] = '\0';
	return found;
}
