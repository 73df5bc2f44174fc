/* SPDX-License-Identifier: MIT */
/*
 * multipart.c - multipart/form-data, gzip and form-urlencoded bodies,
 * trusting nothing.
 *
 * A body is: anything, "--B" CRLF, then parts: a header block ended by an
 * empty line, the data, CRLF "--B", then either "--" (the end) or CRLF and
 * the next part. Headers other than Content-Disposition and Content-Type
 * are ignored. Bare LF line ends are accepted as well (some hand-written
 * clients send them).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "multipart.h"

static void set_err(char *err, size_t size, const char *msg)
{
	if (err && size)
		snprintf(err, size, "%s", msg);
}

/* Copies a parameter value (quoted with backslash escapes, or a token)
 * from *p into out; moves *p past it. -1 when it does not fit. */
static int param_value(const char **p, const char *end, char *out, size_t size)
{
	const char *s = *p;
	size_t n = 0;
	int quoted = s < end && *s == '"';

	if (quoted)
		s++;
	while (s < end) {
		char c = *s;

		if (quoted && c == '"') {
			s++;
			break;
		}
		if (!quoted && (c == ';' || c == ' ' || c == '\t'))
			break;
		if (quoted && c == '\\' && s + 1 < end)
			c = *++s;
		if (n + 1 >= size)
			return -1;
		out[n++] = c;
		s++;
	}
	out[n] = '\0';
	*p = s;
	return 0;
}

/* Finds parameter NAME (case-insensitive) in "v; a=b; name=..." within
 * [s, end) and copies its value. 1 found, 0 not, -1 too long. */
static int header_param(const char *s, const char *end, const char *name,
			char *out, size_t size)
{
	size_t nl = strlen(name);

	out[0] = '\0';
	while (s < end) {
		const char *semi = memchr(s, ';', (size_t)(end - s));

		if (!semi)
			return 0;
		s = semi + 1;
		while (s < end && (*s == ' ' || *s == '\t'))
			s++;
		if ((size_t)(end - s) > nl && !strncasecmp(s, name, nl) &&
		    s[nl] == '=') {
			s += nl + 1;
			return param_value(&s, end, out, size) < 0 ? -1 : 1;
		}
	}
	return 0;
}

int wer__mp_boundary(const char *content_type, char *out, size_t size)
{
	static const char type[] = "multipart/form-data";
	const char *end;
	char tmp[WER_MP_BOUNDARY_MAX + 1];

	if (!content_type || strncasecmp(content_type, type, sizeof(type) - 1))
		return -EINVAL;
	end = content_type + strlen(content_type);
	if (header_param(content_type, end, "boundary", tmp, sizeof(tmp)) !=
		1 ||
	    !tmp[0] || strlen(tmp) >= size)
		return -EINVAL;
	memcpy(out, tmp, strlen(tmp) + 1);
	return 0;
}

/* Parses one header block [h, end) into part. */
static int part_headers(const char *h, const char *end,
			struct wer_mp_part *part, char *err, size_t err_size)
{
	int have_disposition = 0;

	while (h < end) {
		const char *eol = memchr(h, '\n', (size_t)(end - h));
		const char *line_end = eol ? eol : end;
		const char *colon;

		if (line_end > h && line_end[-1] == '\r')
			line_end--;
		colon = memchr(h, ':', (size_t)(line_end - h));
		if (colon) {
			size_t nlen = (size_t)(colon - h);
			const char *v = colon + 1;

			while (v < line_end && (*v == ' ' || *v == '\t'))
				v++;
			if (nlen == 19 &&
			    !strncasecmp(h, "Content-Disposition", 19)) {
				int r;

				if ((size_t)(line_end - v) < 9 ||
				    strncasecmp(v, "form-data", 9)) {
					set_err(err, err_size,
						"a part is not form-data");
					return -EBADMSG;
				}
				r = header_param(v, line_end, "name",
						 part->name,
						 sizeof(part->name));
				if (r != 1) {
					set_err(err, err_size,
						r < 0 ? "a field name is too "
							"long"
						      : "a part has no name");
					return r < 0 ? -E2BIG : -EBADMSG;
				}
				r = header_param(v, line_end, "filename",
						 part->filename,
						 sizeof(part->filename));
				if (r < 0) {
					set_err(err, err_size,
						"a file name is too long");
					return -E2BIG;
				}
				part->is_file = r == 1;
				have_disposition = 1;
			} else if (nlen == 12 &&
				   !strncasecmp(h, "Content-Type", 12)) {
				size_t n = (size_t)(line_end - v);

				if (n >= sizeof(part->content_type))
					n = sizeof(part->content_type) - 1;
				memcpy(part->content_type, v, n);
				part->content_type[n] = '\0';
			}
		}
		h = eol ? eol + 1 : end;
	}
	if (!have_disposition) {
		set_err(err, err_size, "a part has no Content-Disposition");
		return -EBADMSG;
	}
	return 0;
}

/* Whether the delimiter found at p (dlen bytes), for data starting at
 * data, really is one: at the data's start or after a LF, and followed by
 * "--", a blank, a line end or the body's end. */
static int is_delimiter(const uint8_t *body, size_t len, const uint8_t *data,
			const uint8_t *p, size_t dlen)
{
	size_t after = (size_t)(p - body) + dlen;

	if (p != data && p[-1] != '\n')
		return 0;
	if (after >= len)
		return 1;
	return body[after] == '\r' || body[after] == '\n' ||
	       body[after] == ' ' || body[after] == '\t' ||
	       (body[after] == '-' && after + 1 < len &&
		body[after + 1] == '-');
}

int wer__mp_parse(const uint8_t *body, size_t len, const char *boundary,
		  struct wer_mp_part *parts, size_t max, char *err,
		  size_t err_size)
{
	char delim[WER_MP_BOUNDARY_MAX + 8];
	size_t dlen, at, count = 0;
	const uint8_t *p;

	if (max > WER_MP_PARTS_MAX)
		max = WER_MP_PARTS_MAX;
	if (!boundary[0] || strlen(boundary) > WER_MP_BOUNDARY_MAX) {
		set_err(err, err_size, "bad boundary");
		return -EBADMSG;
	}
	dlen = (size_t)snprintf(delim, sizeof(delim), "--%s", boundary);
	/* The first delimiter: at the start, or after a line end. */
	if (len >= dlen && !memcmp(body, delim, dlen)) {
		at = dlen;
	} else {
		char first[WER_MP_BOUNDARY_MAX + 8];
		size_t flen =
		    (size_t)snprintf(first, sizeof(first), "\n%s", delim);

		p = memmem(body, len, first, flen);
		if (!p) {
			set_err(err, err_size, "no multipart boundary");
			return -EBADMSG;
		}
		at = (size_t)(p - body) + flen;
	}
	for (;;) {
		const uint8_t *hend, *next, *data;
		size_t hlen, skip;
		struct wer_mp_part *part;
		int r;

		/* After a delimiter: "--" ends the body, else a line end. */
		if (len - at >= 2 && body[at] == '-' && body[at + 1] == '-')
			break;
		while (at < len && (body[at] == ' ' || body[at] == '\t'))
			at++;
		if (len - at >= 2 && body[at] == '\r' && body[at + 1] == '\n')
			at += 2;
		else if (at < len && body[at] == '\n')
			at += 1;
		else {
			set_err(err, err_size, "truncated multipart body");
			return -EBADMSG;
		}
		if (count == max) {
			set_err(err, err_size, "too many parts");
			return -E2BIG;
		}
		part = &parts[count];
		memset(part, 0, sizeof(*part));
		/* The header block ends at an empty line. */
		hend = NULL;
		skip = 0;
		for (size_t i = at; i < len; i++) {
			if (body[i] != '\n')
				continue;
			if (i + 1 < len && body[i + 1] == '\n') {
				hend = body + i + 1, skip = 1;
				break;
			}
			if (i + 2 < len && body[i + 1] == '\r' &&
			    body[i + 2] == '\n') {
				hend = body + i + 1, skip = 2;
				break;
			}
			if (i - at > WER_MP_HEADER_MAX)
				break;
		}
		if (at < len && body[at] == '\n') /* no headers at all */
			hend = body + at, skip = 1;
		else if (len - at >= 2 && body[at] == '\r' &&
			 body[at + 1] == '\n')
			hend = body + at, skip = 2;
		if (!hend) {
			set_err(err, err_size,
				"a part's headers are truncated or too long");
			return -EBADMSG;
		}
		hlen = (size_t)(hend - (body + at));
		if (hlen > WER_MP_HEADER_MAX) {
			set_err(err, err_size, "a part's headers are too long");
			return -E2BIG;
		}
		r = part_headers((const char *)body + at,
				 (const char *)body + at + hlen, part, err,
				 err_size);
		if (r < 0)
			return r;
		data = hend + skip;
		/* The data ends at a line end, the delimiter, then "--",
		 * blanks or a line end (anything else is data). */
		next = memmem(data, len - (size_t)(data - body), delim, dlen);
		while (next && !is_delimiter(body, len, data, next, dlen))
			next = memmem(next + 1, len - (size_t)(next + 1 - body),
				      delim, dlen);
		if (!next) {
			set_err(err, err_size, "a part is not terminated");
			return -EBADMSG;
		}
		part->data = data;
		part->size = (size_t)(next - data);
		if (part->size && data[part->size - 1] == '\n')
			part->size--;
		if (part->size && data[part->size - 1] == '\r')
			part->size--;
		if (!part->is_file && part->size > WER_MP_FIELD_MAX) {
			set_err(err, err_size, "a form field is too long");
			return -E2BIG;
		}
		count++;
		at = (size_t)(next - body) + dlen;
	}
	return (int)count;
}

int wer__gunzip(const uint8_t *in, size_t len, size_t cap, uint8_t **ret,
		size_t *ret_len)
{
	z_stream z;
	uint8_t *out = NULL;
	size_t size = 0, alloc = 0;
	int r, result = 0;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
		return -ENOMEM;
	z.next_in = (Bytef *)in;
	for (;;) {
		size_t chunk;

		/* zlib counts in uInt: feed the input in pieces. */
		if (z.avail_in == 0 && (size_t)(z.next_in - in) < len) {
			size_t left = len - (size_t)(z.next_in - in);

			z.avail_in =
			    left > (1u << 30) ? (1u << 30) : (uInt)left;
		}
		if (size == alloc) {
			size_t want = alloc ? alloc * 2 : 64 * 1024;
			uint8_t *p;

			if (alloc >= cap + 1) {
				result = -EFBIG;
				break;
			}
			if (want > cap + 1)
				want = cap + 1;
			p = realloc(out, want);
			if (!p) {
				result = -ENOMEM;
				break;
			}
			out = p;
			alloc = want;
		}
		chunk = alloc - size;
		z.next_out = out + size;
		z.avail_out = chunk > (1u << 30) ? (1u << 30) : (uInt)chunk;
		chunk = z.avail_out;
		r = inflate(&z, Z_NO_FLUSH);
		size += chunk - z.avail_out;
		if (size > cap) {
			result = -EFBIG;
			break;
		}
		if (r == Z_STREAM_END)
			break;
		if (r == Z_BUF_ERROR && z.avail_in == 0 &&
		    (size_t)(z.next_in - in) >= len) {
			result = -EBADMSG; /* truncated */
			break;
		}
		if (r != Z_OK && r != Z_BUF_ERROR) {
			result = r == Z_MEM_ERROR ? -ENOMEM : -EBADMSG;
			break;
		}
	}
	inflateEnd(&z);
	if (result < 0) {
		free(out);
		return result;
	}
	*ret = out;
	*ret_len = size;
	return 0;
}

/* ---- application/x-www-form-urlencoded (triage and retention forms) */

int wer__form_field(const char *body, size_t len, const char *name, char *out,
		    size_t size)
{
	size_t name_len = strlen(name);
	const char *end = body + len;

	for (const char *f = body; f < end;) {
		const char *amp = memchr(f, '&', (size_t)(end - f));
		const char *stop = amp ? amp : end;
		size_t o = 0;

		if ((size_t)(stop - f) > name_len && f[name_len] == '=' &&
		    !memcmp(f, name, name_len)) {
			for (const char *s = f + name_len + 1; s < stop; s++) {
				int ch = (unsigned char)*s;

				if (ch == '+') {
					ch = ' ';
				} else if (ch == '%') {
					char hex[3];

					if (stop - s < 3 ||
					    !isxdigit((unsigned char)s[1]) ||
					    !isxdigit((unsigned char)s[2]))
						return -1;
					hex[0] = s[1];
					hex[1] = s[2];
					hex[2] = '\0';
					ch = (int)strtol(hex, NULL, 16);
					s += 2;
				}
				if (o + 1 >= size || ch == 0)
					return -1;
				out[o++] = (char)ch;
			}
			out[o] = '\0';
			return 1;
		}
		f = stop + 1;
	}
	return 0;
}
