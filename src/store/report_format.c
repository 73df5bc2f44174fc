/* SPDX-License-Identifier: MIT */
/*
 * report_format.c - Report.wer's one writer (report_format.h).
 */
#include <string.h>

#include "report_format.h"

const char *const wer_sig_names[WER_SIG_COUNT] = {
    [WER_SIG_APP_NAME] = WER_SIG_NAME_APP_NAME,
    [WER_SIG_APP_VERSION] = WER_SIG_NAME_APP_VERSION,
    [WER_SIG_APP_BUILD_ID] = WER_SIG_NAME_APP_BUILD_ID,
    [WER_SIG_FAULT_MODULE] = WER_SIG_NAME_FAULT_MODULE,
    [WER_SIG_FAULT_MODULE_BUILD_ID] = WER_SIG_NAME_FAULT_MODULE_BUILD_ID,
    [WER_SIG_SIGNAL] = WER_SIG_NAME_SIGNAL,
    [WER_SIG_SIGNAL_CODE] = WER_SIG_NAME_SIGNAL_CODE,
    [WER_SIG_FAULT_ADDRESS] = WER_SIG_NAME_FAULT_ADDRESS,
    [WER_SIG_FAULT_OFFSET] = WER_SIG_NAME_FAULT_OFFSET,
};

void wer_rw_escaped(FILE *f, const char *value, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)value[i];

		if (c < 0x20 || c > 0x7E || c == '\\')
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
}

void wer_rw_header(FILE *f, const char *event_type, const char *event_time,
		   const char *id)
{
	fprintf(f, WER_RW_VERSION "=1\n");
	wer_rw_line(f, WER_RW_EVENT_TYPE, event_type);
	wer_rw_line(f, WER_RW_EVENT_TIME, event_time);
	wer_rw_line(f, WER_RW_REPORT_ID, id);
}

void wer_rw_line(FILE *f, const char *key, const char *value)
{
	fprintf(f, "%s=", key);
	wer_rw_escaped(f, value, strlen(value));
	fputc('\n', f);
}

void wer_rw_sig(FILE *f, size_t i, const char *name, const char *value)
{
	fprintf(f, WER_RW_SIG "[%zu].Name=%s\n" WER_RW_SIG "[%zu].Value=", i,
		name, i);
	wer_rw_escaped(f, value, strlen(value));
	fputc('\n', f);
}

void wer_rw_meta(FILE *f, size_t i, const char *key, const char *value)
{
	fprintf(f, WER_RW_META "[%zu].Key=%s\n" WER_RW_META "[%zu].Value=%s\n",
		i, key, i, value);
}
