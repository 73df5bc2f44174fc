/*
 * reports.c - loading the store's reports for the verbs, and JSON strings.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

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
	fprintf(f, ", \"damaged\": %s", r->damaged ? "true" : "false");
	if (r->damaged) {
		fprintf(f, ", \"problem\": ");
		cli_json_string(f, r->problem);
	}
	fprintf(f, ", \"time\": ");
	cli_json_string(f, r->event_time);
	fprintf(f, ", \"event_type\": ");
	cli_json_string(f, r->event_type);
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
}

static int by_time(const void *a, const void *b)
{
	const struct wer_report_info *x = a, *y = b;
	int c = strcmp(x->event_time, y->event_time);

	return c ? c : strcmp(x->id, y->id);
}

long cli_load_reports(struct wer_report_info **ret)
{
	char store[PATH_MAX], queue[PATH_MAX + 16];
	struct wer_report_info *v = NULL;
	long n = 0, cap = 0;
	struct dirent *e;
	DIR *d;
	int err;

	*ret = NULL;
	if ((err = wer_store_path(store, sizeof(store))) < 0)
		return err;
	snprintf(queue, sizeof(queue), "%s/ReportQueue", store);
	if (!(d = opendir(queue)))
		return errno == ENOENT ? 0 : -errno;
	while ((e = readdir(d)) && n < WER_STORE_REPORTS_MAX) {
		char dir[PATH_MAX + 300];

		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			long c2 = cap ? cap * 2 : 16;
			struct wer_report_info *v2 =
			    realloc(v, c2 * sizeof(*v));

			if (!v2)
				break;
			v = v2;
			cap = c2;
		}
		snprintf(dir, sizeof(dir), "%s/%s", queue, e->d_name);
		wer_report_read(dir, &v[n++]);
	}
	closedir(d);
	qsort(v, (size_t)n, sizeof(*v), by_time);
	*ret = v;
	return n;
}
