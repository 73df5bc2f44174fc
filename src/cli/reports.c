/* SPDX-License-Identifier: MIT */
/*
 * reports.c - loading the store's reports for the verbs, and JSON strings.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

void cli_json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

void cli_json_report_fields(FILE *f, const struct wer_report_info *r)
{
	fprintf(f, "\"id\": ");
	cli_json_string(f, r->id);
	fprintf(f, ", \"path\": ");
	cli_json_string(f, r->dir);
	fprintf(f, ", \"state\": \"%s\"", r->archived ? "sent" : "queued");
	fprintf(f, ", \"damaged\": %s", r->damaged ? "true" : "false");
	fprintf(f, ", \"degraded\": %s", r->degraded ? "true" : "false");
	if (r->degraded) {
		fprintf(f, ", \"degraded_why\": ");
		cli_json_string(f, r->degraded_why);
	}
	if (r->damaged) {
		fprintf(f, ", \"problem\": ");
		cli_json_string(f, r->problem);
	}
	fprintf(f, ", \"time\": ");
	cli_json_string(f, r->event_time);
	fprintf(f, ", \"event_type\": ");
	cli_json_string(f, r->event_type);
	fprintf(f, ", \"application\": ");
	cli_json_string(f, wer_report_app(r));
	fprintf(f, ", \"pid\": %ld, \"signature\": {", r->pid);
	for (int i = 0, n = 0; i < 10; i++) {
		if (!r->sig_name[i][0])
			continue;
		fprintf(f, "%s", n++ ? ", " : "");
		cli_json_string(f, r->sig_name[i]);
		fprintf(f, ": ");
		cli_json_string(f, r->sig_value[i]);
	}
	fprintf(f, "}, \"metadata\": {");
	for (size_t i = 0; i < r->meta_count; i++) {
		fprintf(f, "%s", i ? ", " : "");
		cli_json_string(f, r->meta_key[i]);
		fprintf(f, ": ");
		cli_json_string(f, r->meta_value[i]);
	}
	fprintf(f, "}");
	if (r->archived) {
		fprintf(f, ", \"upload\": {\"time\": ");
		cli_json_string(f, r->upload_time);
		fprintf(f, ", \"http_status\": %ld, \"answer\": ",
			r->upload_status);
		cli_json_string(f, r->upload_answer);
		fprintf(f, "}");
	}
}

static int by_time(const void *a, const void *b)
{
	const struct wer_report_info *x = a, *y = b;
	int c = strcmp(x->event_time, y->event_time);

	return c ? c : strcmp(x->id, y->id);
}

/* The "YYYYMMDDTHHMMSS" of a report id (<type>_<app>_<time>[.<ns>]_<pid>:
 * the second of its event time, werfault's and the crash path's names
 * alike), or NULL when the name does not have one. */
static const char *id_second(const char *id)
{
	const char *end = strrchr(id, '_'), *p = end;

	while (p && p > id && p[-1] != '_')
		p--;
	if (!p || p == id || end - p < 15 || p[8] != 'T')
		return NULL;
	for (int i = 0; i < 15; i++)
		if (i != 8 && (p[i] < '0' || p[i] > '9'))
			return NULL;
	return p;
}

/* Adds the reports of one area of the store to *v; with since, only those
 * whose name says they are of that second or later (and those whose name
 * says nothing). */
static long load_area(const char *store, const char *area,
		      struct wer_report_info **v, long n, long *cap,
		      const char *since)
{
	char dir_path[PATH_MAX + 32];
	struct dirent *e;
	DIR *d;

	snprintf(dir_path, sizeof(dir_path), "%s/%s", store, area);
	if (!(d = opendir(dir_path)))
		return errno == ENOENT ? n : -errno;
	while ((e = readdir(d)) && n < WER_STORE_REPORTS_MAX) {
		char dir[PATH_MAX + 300];

		const char *second = id_second(e->d_name);

		if (e->d_name[0] == '.' ||
		    (since && second && memcmp(second, since, 15) < 0))
			continue;
		if (n == *cap) {
			long c2 = *cap ? *cap * 2 : 16;
			struct wer_report_info *v2 =
			    realloc(*v, (size_t)c2 * sizeof(**v));

			if (!v2)
				break;
			*v = v2;
			*cap = c2;
		}
		snprintf(dir, sizeof(dir), "%s/%s", dir_path, e->d_name);
		wer_report_read(dir, &(*v)[n]);
		(*v)[n++].archived = !strcmp(area, WER_STORE_ARCHIVE);
	}
	closedir(d);
	return n;
}

/* The latest second any report's name says, into since[16] ("" when
 * none says one). */
static void latest_second(const char *store, char since[16])
{
	const char *areas[] = {WER_STORE_QUEUE, WER_STORE_ARCHIVE};

	since[0] = '\0';
	for (size_t i = 0; i < 2; i++) {
		char path[PATH_MAX + 32];
		struct dirent *e;
		DIR *d;

		snprintf(path, sizeof(path), "%s/%s", store, areas[i]);
		if (!(d = opendir(path)))
			continue;
		while ((e = readdir(d))) {
			const char *second = id_second(e->d_name);

			if (e->d_name[0] != '.' && second &&
			    (!since[0] || memcmp(second, since, 15) > 0)) {
				memcpy(since, second, 15);
				since[15] = '\0';
			}
		}
		closedir(d);
	}
}

/* The reports, oldest first; with latest_only, only those of the latest
 * second (by their names: reading every report to find the newest costs
 * 0.5 s at 1000). */
static long load_reports(struct wer_report_info **ret, int latest_only)
{
	char store[PATH_MAX], since[16] = "";
	struct wer_report_info *v = NULL;
	long n = 0, cap = 0;
	int err, lock;

	*ret = NULL;
	if ((err = wer_store_path(store, sizeof(store))) < 0)
		return err;
	/* Shared: no report is half removed or half moved while read. */
	lock = wer_store_lock(store, 0);
	if (latest_only)
		latest_second(store, since);
	n = load_area(store, WER_STORE_QUEUE, &v, n, &cap,
		      since[0] ? since : NULL);
	if (n >= 0)
		n = load_area(store, WER_STORE_ARCHIVE, &v, n, &cap,
			      since[0] ? since : NULL);
	if (lock >= 0)
		close(lock);
	if (n < 0) {
		free(v);
		return n;
	}
	qsort(v, (size_t)n, sizeof(*v), by_time);
	*ret = v;
	return n;
}

long cli_load_reports(struct wer_report_info **ret)
{
	return load_reports(ret, 0);
}

int cli_find_report(const char *id, struct wer_report_info *ret)
{
	char store[PATH_MAX], dir[PATH_MAX + 300];
	struct wer_report_info *v;
	long n;
	int err;

	if (!strcmp(id, "latest")) {
		if ((n = load_reports(&v, 1)) <= 0)
			return n < 0 ? (int)n : -ENOENT;
		*ret = v[n - 1];
		free(v);
		return 0;
	}
	if ((err = wer_store_path(store, sizeof(store))) < 0 ||
	    (err = wer_store_find(store, id, dir, sizeof(dir))) < 0)
		return err == -EINVAL ? -ENOENT : err;
	wer_report_read(dir, ret);
	ret->archived =
	    strstr(dir + strlen(store), "/" WER_STORE_ARCHIVE "/") != NULL;
	return 0;
}
