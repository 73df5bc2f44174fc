/* SPDX-License-Identifier: MIT */
/*
 * fuzz_line_cache - libFuzzer target for the line cache's reader
 * (src/handler/line_cache.c): the files are in the user's cache directory,
 * so any bytes: no crash, no read outside the input, every record parsed
 * holds no control character and at most WER_LINE_CACHE_INLINES_MAX calls,
 * and formatting a record then parsing it again gives it back.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "line_cache.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void clean(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size ? size : 1);
	struct wer_line_cache c;

	if (!copy)
		return 0;
	/* An exact-size copy: a read past the input is ASan's to see. */
	memcpy(copy, data, size);
	if (wer__line_cache_parse(&c, copy, size) == 0) {
		for (size_t i = 0; i < c.count; i++) {
			const struct wer_line_cache_record *r = &c.records[i];
			char buf[WER_LINE_CACHE_RECORD_MAX +
				 sizeof(WER_LINE_CACHE_MAGIC)];
			size_t magic = sizeof(WER_LINE_CACHE_MAGIC) - 1, n;
			struct wer_line_cache again;
			const struct wer_line_cache_record *back;

			if (r->count > WER_LINE_CACHE_INLINES_MAX ||
			    r->line < 0 ||
			    wer__line_cache_find(&c, r->offset) == NULL)
				abort();
			clean(r->file);
			for (size_t k = 0; k < r->count; k++) {
				clean(r->calls[k].function);
				clean(r->calls[k].file);
			}
			memcpy(buf, WER_LINE_CACHE_MAGIC, magic);
			clean(r->symbol);
			n = wer__line_cache_format(
			    buf + magic, WER_LINE_CACHE_RECORD_MAX, r->offset,
			    r->symbol, r->symbol_offset, r->file, r->line,
			    r->calls, r->count);
			if (!n)
				continue; /* longer than a record may be */
			if (wer__line_cache_parse(&again, buf, magic + n) ||
			    again.count != 1)
				abort();
			back = &again.records[0];
			if (back->offset != r->offset ||
			    back->symbol_offset != r->symbol_offset ||
			    strcmp(back->symbol, r->symbol) ||
			    back->line != r->line || back->count != r->count ||
			    strcmp(back->file, r->file))
				abort();
			for (size_t k = 0; k < r->count; k++)
				if (strcmp(back->calls[k].function,
					   r->calls[k].function) ||
				    strcmp(back->calls[k].file,
					   r->calls[k].file) ||
				    back->calls[k].line != r->calls[k].line)
					abort();
			wer__line_cache_free(&again);
		}
		wer__line_cache_free(&c);
	}
	free(copy);
	return 0;
}
