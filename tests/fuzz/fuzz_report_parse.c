/* SPDX-License-Identifier: MIT */
/*
 * fuzz_report_parse - libFuzzer target for the store's report file parsers
 * (src/store/store.c: Report.wer, and Upload.wer of sent reports): any
 * bytes, no crash, no read outside the input, and every kept string
 * bounded.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct wer_report_info r;
	char *copy = malloc(size ? size : 1);

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	memset(&r, 0, sizeof(r));
	wer_report_parse(copy, size, &r);
	if (r.meta_count > WER_STORE_META_MAX)
		abort();
	for (size_t i = 0; i < r.meta_count; i++)
		if (strnlen(r.meta_value[i], WER_STORE_VALUE_MAX) >=
		    WER_STORE_VALUE_MAX)
			abort();
	wer_upload_parse(copy, size, &r);
	if (strnlen(r.upload_answer, WER_STORE_VALUE_MAX) >=
		WER_STORE_VALUE_MAX ||
	    strnlen(r.upload_time, sizeof(r.upload_time)) >=
		sizeof(r.upload_time))
		abort();
	free(copy);
	return 0;
}
