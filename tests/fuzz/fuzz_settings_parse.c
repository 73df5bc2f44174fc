/* SPDX-License-Identifier: MIT */
/*
 * fuzz_settings_parse - libFuzzer target for the settings file parser
 * (src/store/settings.c): any bytes, no crash, no read outside the input;
 * a refused file changes nothing, an accepted one keeps every value in
 * range.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "settings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct wer_settings s, before;
	char err[256], *copy = malloc(size ? size : 1);

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	wer_settings_defaults(&s);
	before = s;
	/* As the program "app" reads it: its [app app] section applies (the
	 * odd inputs' first byte says whether to ask as it). */
	if (wer_settings_parse_app(&s, copy, size, "fuzz",
				   size && (data[0] & 1) ? "app" : NULL, err,
				   sizeof(err)) < 0) {
		if (memcmp(&s, &before, sizeof(s)))
			abort();
	} else if (s.number[WER_SET_CONSENT] < 1 ||
		   s.number[WER_SET_CONSENT] > 4 ||
		   s.number[WER_SET_DUMP_TYPE] < 1 ||
		   s.number[WER_SET_DUMP_TYPE] > 2 ||
		   s.number[WER_SET_REPORT_ENV] < 0 ||
		   s.number[WER_SET_REPORT_ENV] > 1) {
		abort();
	}
	for (int i = 0; i < WER_SET_COUNT; i++)
		if (strnlen(s.text[i], sizeof(s.text[i])) == sizeof(s.text[i]))
			abort();
	free(copy);
	return 0;
}
