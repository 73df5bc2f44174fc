/* SPDX-License-Identifier: MIT */
/*
 * scrub.c - finding the secrets in an environment block and a command
 * line, and the copies that leave them out (scrub.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scrub.h"

static int push_span(struct wer_scrubbed *s, size_t *cap, size_t offset,
		     size_t length)
{
	if (!length)
		return 0;
	if (s->count == *cap) {
		size_t c2 = *cap ? *cap * 2 : 16;
		struct wer_scrub_span *v =
		    realloc(s->spans, c2 * sizeof(*s->spans));

		if (!v)
			return -ENOMEM;
		s->spans = v;
		*cap = c2;
	}
	s->spans[s->count].offset = offset;
	s->spans[s->count++].length = length;
	return 0;
}

/* The copy of src[0..len) with each span (in order, not overlapping)
 * replaced by the marker. */
static int rebuild(const char *src, size_t len, struct wer_scrubbed *s)
{
	size_t marker = strlen(WER_SCRUB_MARKER), size = len + 1, at = 0;

	for (size_t i = 0; i < s->count; i++)
		size += marker;
	if (!(s->text = malloc(size)))
		return -ENOMEM;
	s->len = 0;
	for (size_t i = 0; i < s->count; i++) {
		const struct wer_scrub_span *sp = &s->spans[i];

		memcpy(s->text + s->len, src + at, sp->offset - at);
		s->len += sp->offset - at;
		memcpy(s->text + s->len, WER_SCRUB_MARKER, marker);
		s->len += marker;
		at = sp->offset + sp->length;
	}
	memcpy(s->text + s->len, src + at, len - at);
	s->len += len - at;
	s->text[s->len] = '\0';
	return 0;
}

/* The end of a scrub: on success (err 0) the copy of src rebuilt with
 * s's spans goes to *ret; otherwise s is freed. Returns 0 or the error. */
static int give(const char *src, size_t len, int err, struct wer_scrubbed *s,
		struct wer_scrubbed *ret)
{
	if (!err && rebuild(src, len, s) < 0)
		err = -ENOMEM;
	if (err) {
		wer__scrubbed_free(s);
		return err;
	}
	*ret = *s;
	return 0;
}

/* Whether name[0..len) is on the comma-separated list (entries may end
 * with '*'). */
static int allowed(const char *name, size_t len, const char *list)
{
	while (list && *list) {
		size_t n = strcspn(list, ",");

		if (n && list[n - 1] == '*'
			? len >= n - 1 && !memcmp(name, list, n - 1)
			: n == len && !memcmp(name, list, n))
			return 1;
		list += n + (list[n] == ',');
	}
	return 0;
}

/* Whether text[0..len) contains one of the comma-separated words, without
 * regard to case. */
static int has_word(const char *text, size_t len, const char *words)
{
	while (words && *words) {
		size_t n = strcspn(words, ",");

		for (size_t i = 0; n && i + n <= len; i++)
			if (!strncasecmp(text + i, words, n))
				return 1;
		words += n + (words[n] == ',');
	}
	return 0;
}

void wer__scrubbed_free(struct wer_scrubbed *s)
{
	free(s->text);
	free(s->spans);
	memset(s, 0, sizeof(*s));
}

int wer__scrub_environ(const char *env, size_t len, const char *allow_list,
		       struct wer_scrubbed *ret)
{
	struct wer_scrubbed s = {0};
	size_t cap = 0;

	for (size_t at = 0; at < len;) {
		const char *entry = env + at;
		size_t n = strnlen(entry, len - at);
		const char *eq = memchr(entry, '=', n);
		int err = 0;

		/* An entry without '=' could be anything: all of it goes. */
		if (!eq)
			err = push_span(&s, &cap, at, n);
		else if (!allowed(entry, (size_t)(eq - entry), allow_list))
			err = push_span(&s, &cap, at + (size_t)(eq - entry) + 1,
					n - (size_t)(eq - entry) - 1);
		if (err)
			return give(env, len, err, &s, ret);
		at += n + 1;
	}
	return give(env, len, 0, &s, ret);
}

/* The password of a URL in arg[0..n) ("scheme://user:password@host"):
 * its offset and length, or 0. */
static size_t url_password(const char *arg, size_t n, size_t *ret_offset)
{
	for (size_t i = 0; i + 3 <= n; i++) {
		size_t host, end, colon, at;

		if (memcmp(arg + i, "://", 3))
			continue;
		host = i + 3;
		for (end = host;
		     end < n && !strchr("/?#", arg[end]) && arg[end]; end++)
			;
		for (at = end; at > host && arg[at - 1] != '@'; at--)
			;
		if (at == host)
			continue;
		at--; /* the last '@' of the authority */
		for (colon = host; colon < at && arg[colon] != ':'; colon++)
			;
		if (colon < at) {
			*ret_offset = colon + 1;
			return at - colon - 1;
		}
	}
	return 0;
}

int wer__scrub_cmdline(const char *cmd, size_t len, const char *words,
		       struct wer_scrubbed *ret)
{
	struct wer_scrubbed s = {0};
	size_t cap = 0;
	int next_is_secret = 0;

	for (size_t at = 0; at < len;) {
		const char *arg = cmd + at;
		size_t n = strnlen(arg, len - at), dashes = 0;
		const char *body;
		size_t body_len, pw_off = 0, pw_len;
		const char *eq;
		int err = 0;

		while (dashes < n && arg[dashes] == '-')
			dashes++;
		body = arg + dashes;
		body_len = n - dashes;
		eq = memchr(body, '=', body_len);

		if (next_is_secret) {
			err = push_span(&s, &cap, at, n);
			next_is_secret = 0;
		} else if (eq && has_word(body, (size_t)(eq - body), words)) {
			err = push_span(&s, &cap, at + (size_t)(eq + 1 - arg),
					n - (size_t)(eq + 1 - arg));
		} else {
			if (dashes && !eq && has_word(body, body_len, words))
				next_is_secret = 1;
			if ((pw_len = url_password(arg, n, &pw_off)))
				err = push_span(&s, &cap, at + pw_off, pw_len);
		}
		if (err)
			return give(cmd, len, err, &s, ret);
		at += n + 1;
	}
	return give(cmd, len, 0, &s, ret);
}
