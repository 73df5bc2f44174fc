/* SPDX-License-Identifier: MIT */
/*
 * iso_time.c - ISO 8601 times (iso_time.h).
 */
#include <stdio.h>

#include "iso_time.h"

char *wer_time_iso(char *buf, size_t size, time_t sec, long nsec)
{
	struct tm tm;
	int n;

	if (!size)
		return buf;
	if (!gmtime_r(&sec, &tm)) {
		buf[0] = '\0';
		return buf;
	}
	if (nsec >= 0)
		n = snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ",
			     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			     tm.tm_hour, tm.tm_min, tm.tm_sec, nsec);
	else
		n = snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02dZ",
			     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			     tm.tm_hour, tm.tm_min, tm.tm_sec);
	if (n < 0 || (size_t)n >= size)
		buf[0] = '\0';
	return buf;
}
