/* SPDX-License-Identifier: MIT */
/*
 * fuzz_settings_parse - libFuzzer target for the settings file parser
 * (src/store/settings.c): any bytes, no crash, no read outside the input;
 * a refused file changes nothing, an accepted one keeps every value in
 * range. The same bytes as an application's settings set in code
 * (wer_code_settings_parse, which reads them out of a crashed process's
 * registry and a report's AppSettings.wer): refused ones leave nothing,
 * accepted ones format back to text that parses to the same.
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
	{
		static struct wer_code_settings c, back;
		static char text[WER_CODE_SETTINGS_MAX + 1];
		size_t len;

		if (wer_code_settings_parse(&c, copy, size, err, sizeof(err)) <
		    0) {
			if (!wer_code_settings_empty(&c))
				abort();
		} else {
			len = wer_code_settings_format(&c, text, sizeof(text));
			if (wer_code_settings_parse(&back, text, len, err,
						    sizeof(err)) < 0 ||
			    c.consent != back.consent ||
			    c.dump_type != back.dump_type ||
			    strcmp(c.upload_url, back.upload_url) ||
			    strcmp(c.store, back.store))
				abort();
		}
	}
	free(copy);
	return 0;
}
