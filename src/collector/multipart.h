/* SPDX-License-Identifier: MIT */
/*
 * multipart.h - multipart/form-data (RFC 7578) bodies as Breakpad and
 * Crashpad clients send them, and gzip Content-Encoding. The body is
 * untrusted: every count and size is capped, and parts point into it
 * (nothing is copied).
 */
#ifndef WER_COLLECTOR_MULTIPART_H
#define WER_COLLECTOR_MULTIPART_H

#include <stddef.h>
#include <stdint.h>

#define WER_MP_PARTS_MAX    128		/* parts in a body */
#define WER_MP_HEADER_MAX   2048	/* bytes of a part's header block */
#define WER_MP_NAME_MAX	    256		/* bytes of a field or file name */
#define WER_MP_FIELD_MAX    (64 * 1024) /* bytes of a part without filename */
#define WER_MP_BOUNDARY_MAX 200		/* RFC 2046 says 70; be lenient */

struct wer_mp_part {
	char name[WER_MP_NAME_MAX];
	char filename[WER_MP_NAME_MAX]; /* "" when not a file */
	int is_file;
	char content_type[128];
	const uint8_t *data; /* into the body */
	size_t size;
};

/* Boundary parameter of a Content-Type header value
 * ("multipart/form-data; boundary=..."), copied into out (size bytes).
 * 0, or -EINVAL when the type is not multipart/form-data or the boundary
 * is missing, empty or too long. */
int wer__mp_boundary(const char *content_type, char *out, size_t size);

/* Splits body[0..len) into at most max parts (max <= WER_MP_PARTS_MAX).
 * Returns the number of parts, -EBADMSG for a malformed body (why in
 * err), or -E2BIG when a cap is exceeded. */
int wer__mp_parse(const uint8_t *body, size_t len, const char *boundary,
		  struct wer_mp_part *parts, size_t max, char *err,
		  size_t err_size);

/* Inflates a gzip stream in[0..len) into a malloc'ed buffer of at most
 * cap bytes (*ret, *ret_len; the caller frees). 0, -EFBIG past cap,
 * -EBADMSG when it is not gzip or is truncated, -ENOMEM. */
int wer__gunzip(const uint8_t *in, size_t len, size_t cap, uint8_t **ret,
		size_t *ret_len);

/* One field of an application/x-www-form-urlencoded body (body[0..len),
 * not NUL-terminated), decoded into out ('+' a space, %XX a byte): 1
 * found, 0 absent, -1 too long for out (size bytes, NUL included), a %
 * not followed by two hex digits, or a NUL byte. */
int wer__form_field(const char *body, size_t len, const char *name, char *out,
		    size_t size);

#endif
