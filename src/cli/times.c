/* SPDX-License-Identifier: MIT */
/*
 * times.c - times on the command line (--since, --until) and in reports
 * (EventTime), in whole seconds since the epoch, UTC.
 *
 * A time names a span: a date the whole day, 2026-11-25T10:00 that
 * minute, a time to the second, a relative time ("-2h", "now") that
 * second, "today" and "yesterday" those days (UTC). --since takes the
 * span's start, --until its end, so `--since D --until D` is all of D.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

#define DAY (24 * 3600)

const char cli_time_forms[] =
    "  2026-11-25, 2026-11-25T10:00, 2026-11-25T10:00:00 (UTC), each time "
    "also with Z\n  or an offset (2026-11-25T10:00:00+02:00, "
    "2026-11-25T10:00-0500); -30s, -30m, -1h,\n  -2d, -1w (that long "
    "ago); now, today, yesterday (UTC days)\n";

/* n digits at *p into *ret; moves *p past them. */
static int digits(const char **p, int n, int *ret)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*ret = v;
	return 0;
}

static int days_in_month(int year, int month)
{
	static const int days[] = {31, 28, 31, 30, 31, 30,
				   31, 31, 30, 31, 30, 31};
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return month == 2 && leap ? 29 : days[month - 1];
}

/* "Z", "+hh:mm", "+hhmm", "+hh" (or '-') at *p: the offset east of UTC,
 * in seconds, into *ret. Nothing there is an offset of 0. */
static int utc_offset(const char **p, long *ret)
{
	int sign, hh, mm = 0;

	*ret = 0;
	if (**p == 'Z' || **p == 'z') {
		(*p)++;
		return 0;
	}
	if (**p != '+' && **p != '-')
		return 0;
	sign = **p == '-' ? -1 : 1;
	(*p)++;
	if (digits(p, 2, &hh) < 0 || hh > 23)
		return -1;
	if (**p == ':') {
		(*p)++;
		if (digits(p, 2, &mm) < 0)
			return -1;
	} else if (**p && digits(p, 2, &mm) < 0) {
		return -1;
	}
	if (mm > 59)
		return -1;
	*ret = sign * (hh * 3600L + mm * 60L);
	return 0;
}

/* An ISO 8601 date or date and time: its span into *ret_start and
 * *ret_length. With fraction, seconds may have a fraction (ignored).
 * -EINVAL, with why, when it is not one or not a real date. */
static int iso_time(const char *text, int fraction, long long *ret_start,
		    long *ret_length, const char **why)
{
	const char *p = text;
	int year, month, day, hour = 0, minute = 0, second = 0;
	long length = DAY, offset = 0;
	struct tm tm = {0};

	*why = NULL;
	if (digits(&p, 4, &year) < 0 || *p++ != '-' ||
	    digits(&p, 2, &month) < 0 || *p++ != '-' || digits(&p, 2, &day) < 0)
		return -EINVAL;
	if (month < 1 || month > 12 || day < 1 ||
	    day > days_in_month(year, month)) {
		*why = "no such date";
		return -EINVAL;
	}
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if (digits(&p, 2, &hour) < 0 || *p++ != ':' ||
		    digits(&p, 2, &minute) < 0)
			return -EINVAL;
		length = 60;
		if (*p == ':') {
			p++;
			if (digits(&p, 2, &second) < 0)
				return -EINVAL;
			length = 1;
			if (fraction && *p == '.')
				for (p++; *p >= '0' && *p <= '9'; p++)
					;
		}
		if (hour > 23 || minute > 59 || second > 59) {
			*why = "no such time of day";
			return -EINVAL;
		}
		if (utc_offset(&p, &offset) < 0)
			return -EINVAL;
	}
	if (*p)
		return -EINVAL;
	tm.tm_year = year - 1900;
	tm.tm_mon = month - 1;
	tm.tm_mday = day;
	tm.tm_hour = hour;
	tm.tm_min = minute;
	tm.tm_sec = second;
	*ret_start = (long long)timegm(&tm) - offset;
	*ret_length = length;
	return 0;
}

int cli_parse_time(const char *text, long long now, long long *ret_start,
		   long long *ret_end, const char **ret_why)
{
	static const struct {
		char unit;
		long seconds;
	} units[] = {
	    {'s', 1}, {'m', 60}, {'h', 3600}, {'d', DAY}, {'w', 7 * DAY}};
	long long midnight = now - ((now % DAY) + DAY) % DAY, start;
	long length;
	const char *why = NULL;

	if (!strcmp(text, "now")) {
		start = now, length = 1;
	} else if (!strcmp(text, "today")) {
		start = midnight, length = DAY;
	} else if (!strcmp(text, "yesterday")) {
		start = midnight - DAY, length = DAY;
	} else if (text[0] == '-' && text[1] >= '0' && text[1] <= '9') {
		char *end;
		long n;
		size_t i;

		errno = 0;
		n = strtol(text + 1, &end, 10);
		for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
			if (end[0] == units[i].unit && !end[1])
				break;
		if (i == sizeof(units) / sizeof(units[0]) || errno ||
		    n > 100000L * DAY / units[i].seconds) {
			*ret_why = i == sizeof(units) / sizeof(units[0])
				       ? "not a unit (s, m, h, d or w)"
				       : "too long ago";
			return -EINVAL;
		}
		start = now - n * units[i].seconds, length = 1;
	} else if (iso_time(text, 0, &start, &length, &why) < 0) {
		*ret_why = why ? why : "not a time";
		return -EINVAL;
	}
	*ret_start = start;
	*ret_end = start + length;
	return 0;
}

int cli_event_second(const char *event_time, long long *ret)
{
	long length;
	const char *why;

	return iso_time(event_time, 1, ret, &length, &why);
}
