/* SPDX-License-Identifier: MIT */
/*
 * fuzz_multipart - libFuzzer target for the collector's upload parsing
 * (src/collector/multipart.c): the input's first line is a Content-Type
 * header value, the rest the body; bodies that start like gzip are
 * inflated first (with a small cap). Never a crash, never a read outside
 * the input, and every part lies inside the body. The body is also read
 * as a triage or retention form (application/x-www-form-urlencoded):
 * every field those read, each value within its buffer.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "multipart.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct wer_mp_part parts[WER_MP_PARTS_MAX];
	const uint8_t *nl = memchr(data, '\n', size < 512 ? size : 512);
	char content_type[513], boundary[WER_MP_BOUNDARY_MAX + 1], err[128];
	size_t hlen, blen;
	uint8_t *body, *inflated = NULL;
	int n;

	if (!nl)
		return 0;
	hlen = (size_t)(nl - data);
	memcpy(content_type, data, hlen);
	content_type[hlen] = '\0';
	blen = size - hlen - 1;
	/* A copy of exactly blen bytes, so that ASan sees reads past it. */
	body = malloc(blen ? blen : 1);
	if (!body)
		return 0;
	memcpy(body, nl + 1, blen);
	if (blen >= 2 && body[0] == 0x1f && body[1] == 0x8b) {
		size_t out_len;

		if (wer__gunzip(body, blen, 1024 * 1024, &inflated, &out_len) ==
		    0) {
			free(body);
			body = inflated;
			blen = out_len;
		}
	}
	if (wer__mp_boundary(content_type, boundary, sizeof(boundary)) == 0) {
		n = wer__mp_parse(body, blen, boundary, parts, WER_MP_PARTS_MAX,
				  err, sizeof(err));
		for (int i = 0; i < n; i++)
			if (parts[i].data < body ||
			    parts[i].data + parts[i].size > body + blen ||
			    strnlen(parts[i].name, WER_MP_NAME_MAX) >=
				WER_MP_NAME_MAX)
				abort();
	}
	{
		static const char *const names[] = {"state",  "version", "note",
						    "bug",    "days",	 "size",
						    "project"};
		char value[64];

		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (wer__form_field((const char *)body, blen, names[i],
					    value, sizeof(value)) == 1 &&
			    strnlen(value, sizeof(value)) >= sizeof(value))
				abort();
	}
	free(body);
	return 0;
}
