/* SPDX-License-Identifier: MIT */
/*
 * fuzz_scrub - libFuzzer target for the privacy scrubbers
 * (src/handler/scrub.c) on any bytes, as a hostile process's environment
 * or command line may be: no crash, no read outside the input, spans in
 * order inside the input, and a copy that is exactly the input with each
 * span replaced by the marker.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scrub.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const char *in, size_t len, const struct wer_scrubbed *s)
{
	size_t marker = strlen(WER_SCRUB_MARKER), at = 0, out = 0;

	for (size_t i = 0; i < s->count; i++) {
		const struct wer_scrub_span *sp = &s->spans[i];

		if (sp->offset < at || sp->length == 0 ||
		    sp->offset + sp->length > len)
			abort();
		if (memcmp(s->text + out, in + at, sp->offset - at))
			abort();
		out += sp->offset - at;
		if (memcmp(s->text + out, WER_SCRUB_MARKER, marker))
			abort();
		out += marker;
		at = sp->offset + sp->length;
	}
	if (s->len != out + (len - at) ||
	    memcmp(s->text + out, in + at, len - at) || s->text[s->len])
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size ? size : 1);
	struct wer_scrubbed s;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	if (wer__scrub_environ(copy, size, "PATH,LC_*,A", &s) == 0) {
		check(copy, size, &s);
		wer__scrubbed_free(&s);
	}
	if (wer__scrub_cmdline(copy, size, "password,key,p", &s) == 0) {
		check(copy, size, &s);
		wer__scrubbed_free(&s);
	}
	free(copy);
	return 0;
}
