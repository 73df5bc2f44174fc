/* SPDX-License-Identifier: MIT */
/*
 * stack_text.c - stack.txt's lines (stack_text.h).
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "stack_text.h"

#define INLINED " (inlined)"

/* Whether s[0..len) ends in "+0x" and hex digits; *ret_plus: the '+'. */
static int ends_in_offset(const char *s, size_t len, const char **ret_plus)
{
	const char *p = s + len;

	while (p > s && p[-1] && strchr("0123456789abcdefABCDEF", p[-1]))
		p--;
	if (p == s + len || p - s < 3 || memcmp(p - 3, "+0x", 3))
		return 0;
	*ret_plus = p - 3;
	return 1;
}

/* The frame line's text after its pc: " FUNCTION+0xOFF in MODULE+0xOFF
 * at FILE:LINE", each part optional. */
static void parse_tail(const char *s, struct wer_stack_frame_line *f)
{
	size_t len = strlen(s);
	const char *at = NULL, *in = NULL, *plus;

	/* " at FILE:LINE": the last " at " followed by text, ':' and
	 * digits to the end. */
	for (const char *p = s; (p = strstr(p, " at ")); p++) {
		const char *colon = strrchr(p + 4, ':');

		if (colon && colon > p + 4 && colon[1] &&
		    strspn(colon + 1, "0123456789") == strlen(colon + 1))
			at = p;
	}
	if (at) {
		const char *colon = strrchr(at + 4, ':');
		long line = strtol(colon + 1, NULL, 10);

		f->file =
		    (struct wer_stack_span){at + 4, (size_t)(colon - at - 4)};
		f->line = line > 0 && line <= INT_MAX ? (int)line : 0;
		len = (size_t)(at - s);
	}
	/* " in MODULE+0xOFF": the last " in " whose rest ends in an
	 * offset. */
	for (const char *p = s; (p = strstr(p, " in ")) && p + 4 <= s + len;
	     p++)
		if (ends_in_offset(p + 4, (size_t)(s + len - p - 4), &plus))
			in = p;
	if (in) {
		ends_in_offset(in + 4, (size_t)(s + len - in - 4), &plus);
		f->module =
		    (struct wer_stack_span){in + 4, (size_t)(plus - in - 4)};
		f->module_offset = strtoull(plus + 3, NULL, 16);
		f->have_module_offset = 1;
		len = (size_t)(in - s);
	}
	/* What is left: " FUNCTION+0xOFF", or " FUNCTION (inlined)". */
	if (len > 1 && s[0] == ' ' && ends_in_offset(s + 1, len - 1, &plus)) {
		f->function =
		    (struct wer_stack_span){s + 1, (size_t)(plus - s - 1)};
		f->function_offset = strtoull(plus + 3, NULL, 16);
		f->have_function_offset = 1;
	} else if (len > sizeof(INLINED) && s[0] == ' ' &&
		   !memcmp(s + len - (sizeof(INLINED) - 1), INLINED,
			   sizeof(INLINED) - 1)) {
		f->function =
		    (struct wer_stack_span){s + 1, len - sizeof(INLINED)};
		f->inlined = 1;
	}
}

int wer_stack_frame_parse(const char *line, struct wer_stack_frame_line *ret)
{
	char *end;
	long index;

	if (strncmp(line, "  #", 3) || !strchr("0123456789", line[3]))
		return -1;
	memset(ret, 0, sizeof(*ret));
	index = strtol(line + 3, &end, 10);
	if (index < 0 || index > INT_MAX || strncmp(end, "  0x", 4))
		return -1;
	ret->index = (int)index;
	ret->pc = strtoull(end, &end, 16);
	parse_tail(end, ret);
	return 0;
}

int wer_stack_thread_header(const char *line, int *crashed)
{
	char *end;

	if (strncmp(line, "Thread ", 7) || !strchr("0123456789", line[7]))
		return 0;
	strtol(line + 7, &end, 10);
	if (crashed)
		*crashed = !strncmp(end, " (crashed)", 10);
	return 1;
}
