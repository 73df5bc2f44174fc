/* SPDX-License-Identifier: MIT */
/*
 * reports.c - loading the store's reports for the verbs, and JSON strings.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "iso_time.h"
#include "report_format.h"
#include "text.h"
#include "signals.h"

void cli_json_string(FILE *f, const char *s)
{
	wer_json_put_string(f, s);
}

int cli_report_signal(const struct wer_report_info *r)
{
	const char *open = strchr(wer_report_sig(r, WER_SIG_NAME_SIGNAL), '(');

	return open ? (int)strtol(open + 1, NULL, 10) : 0;
}

int cli_signal_code(const struct wer_report_info *r, char *buf, size_t size)
{
	const char *value = wer_report_sig(r, WER_SIG_NAME_SIGNAL_CODE), *name;
	char *end;
	long code;

	if (!value[0])
		return -1;
	code = strtol(value, &end, 10);
	name = end != value && !*end
		   ? wer__signal_code_name(cli_report_signal(r), code)
		   : NULL;
	if (name)
		snprintf(buf, size, "%s", name);
	return name ? 1 : 0;
}

void cli_print_signature(FILE *f, const struct wer_report_info *r)
{
	char code[64];

	for (int i = 0; i < 10; i++) {
		if (!r->sig_name[i][0])
			continue;
		if (!strcmp(r->sig_name[i], "Signal Code") &&
		    cli_signal_code(r, code, sizeof(code)) > 0)
			fprintf(f, "  %-22s %s (%s)\n", r->sig_name[i], code,
				r->sig_value[i]);
		else
			fprintf(f, "  %-22s %s\n", r->sig_name[i],
				r->sig_value[i]);
	}
}

void cli_print_upload_failure(FILE *f, const struct wer_report_info *r)
{
	char next[32] = "now";

	if (r->upload_next > 0)
		wer_time_iso(next, sizeof(next), (time_t)r->upload_next, -1);
	fprintf(f,
		"  Not sent: %ld upload%s failed, the last at %s: %s\n"
		"  Tried again automatically from %s (`wer submit %s` now)\n",
		r->upload_failures, r->upload_failures == 1 ? "" : "s",
		r->upload_last_try, r->upload_error, next, r->id);
}

void cli_print_reason(FILE *f, const struct wer_report_info *r)
{
	if (r->exception_type[0])
		fprintf(f, "  %-22s %s\n", "Uncaught exception",
			r->exception_type);
	if (r->exception_message[0])
		fprintf(f, "  %-22s %s\n", "what()", r->exception_message);
	if (r->abort_message[0])
		fprintf(f, "  %-22s %s\n", "Abort message", r->abort_message);
	if (r->reraised[0])
		fprintf(f,
			"  %-22s the program's own signal handler caught this "
			"fault and raised %s\n",
			"Raised again", r->reraised);
}

void cli_json_report_fields(FILE *f, const struct wer_report_info *r)
{
	char code[64];

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
	fprintf(f, "}");
	if (cli_signal_code(r, code, sizeof(code)) > 0) {
		fprintf(f, ", \"signal_code_name\": ");
		cli_json_string(f, code);
	}
	if (r->abort_message[0]) {
		fprintf(f, ", \"abort_message\": ");
		cli_json_string(f, r->abort_message);
	}
	if (r->reraised[0]) {
		fprintf(f, ", \"reraised\": ");
		cli_json_string(f, r->reraised);
	}
	if (r->exception_type[0]) {
		fprintf(f, ", \"exception\": {\"type\": ");
		cli_json_string(f, r->exception_type);
		if (r->exception_message[0]) {
			fprintf(f, ", \"what\": ");
			cli_json_string(f, r->exception_message);
		}
		fprintf(f, "}");
	}
	fprintf(f, ", \"metadata\": {");
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
	} else if (r->upload_failures > 0) {
		char next[32] = "";

		if (r->upload_next > 0)
			wer_time_iso(next, sizeof(next), (time_t)r->upload_next,
				     -1);
		fprintf(f, ", \"upload\": {\"failures\": %ld, \"last_try\": ",
			r->upload_failures);
		cli_json_string(f, r->upload_last_try);
		fprintf(f, ", \"error\": ");
		cli_json_string(f, r->upload_error);
		fprintf(f, ", \"next_try\": ");
		cli_json_string(f, next);
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

/* Which reports load_area reads, by their names: with since, those of
 * that second or later (and those whose name says nothing); with prefix,
 * those whose names begin with it. */
struct name_filter {
	const char *since;
	const char *prefix;
};

const struct wer_store *cli_store(void)
{
	static struct wer_store store = {.fd = -1};
	static int err = 1;

	if (err > 0) {
		err = wer_store_open(0, &store);
		if (err == -EPERM)
			fprintf(stderr,
				"wer: the store %s is refused: it is not yours "
				"alone (another owner, or writable by group "
				"or others; docs/security.md)\n",
				store.path);
		else if (err == -EINVAL)
			fprintf(stderr, "wer: WER_REPORT_DIR must be an "
					"absolute path\n");
		else if (err < 0 && err != -ENOENT)
			fprintf(stderr, "wer: cannot open the store %s: %s\n",
				store.path, strerror(-err));
	}
	return err ? NULL : &store;
}

int cli_store_error(void)
{
	struct wer_store probe;
	int err = wer_store_open(0, &probe);

	wer_store_close(&probe);
	return err;
}

/* Adds the reports of one area of the store that pass the filter to
 * *v. */
static long load_area(const struct wer_store *s, const char *area,
		      struct wer_report_info **v, long n, long *cap,
		      const struct name_filter *filter)
{
	struct dirent *e;
	int area_fd = wer_store_area(s, area, 0);
	DIR *d;

	if (area_fd < 0)
		return area_fd == -ENOENT ? n : area_fd;
	if (!(d = wer_dir_list(area_fd))) {
		int err = -errno;

		close(area_fd);
		return err;
	}
	while ((e = readdir(d)) && n < WER_STORE_REPORTS_MAX) {
		const char *second = id_second(e->d_name);

		if (e->d_name[0] == '.' ||
		    (filter->since && second &&
		     memcmp(second, filter->since, 15) < 0) ||
		    (filter->prefix && strncmp(e->d_name, filter->prefix,
					       strlen(filter->prefix))))
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
		wer_report_read(s, area_fd, area, e->d_name, &(*v)[n++]);
	}
	closedir(d);
	close(area_fd);
	return n;
}

/* The latest second any report's name says, into since[16] ("" when
 * none says one). */
static void latest_second(const struct wer_store *s, char since[16])
{
	const char *areas[] = {WER_STORE_QUEUE, WER_STORE_ARCHIVE};

	since[0] = '\0';
	for (size_t i = 0; i < 2; i++) {
		struct dirent *e;
		int area = wer_store_area(s, areas[i], 0);
		DIR *d = area >= 0 ? wer_dir_list(area) : NULL;

		if (area >= 0)
			close(area);
		if (!d)
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
 * 0.5 s at 1000); with prefix, only those whose ids begin with it. */
static long load_reports_at(const struct wer_store *s,
			    struct wer_report_info **ret, int latest_only,
			    const char *prefix)
{
	char since[16] = "";
	struct wer_report_info *v = NULL;
	struct name_filter filter = {NULL, prefix};
	long n = 0, cap = 0;
	int lock;

	*ret = NULL;
	if (!s) {
		int err = cli_store_error();

		return err == -ENOENT ? 0 : err; /* no store: no reports */
	}
	/* Shared: no report is half removed or half moved while read. */
	lock = wer_store_lock(s, 0);
	if (latest_only)
		latest_second(s, since);
	if (since[0])
		filter.since = since;
	n = load_area(s, WER_STORE_QUEUE, &v, n, &cap, &filter);
	if (n >= 0)
		n = load_area(s, WER_STORE_ARCHIVE, &v, n, &cap, &filter);
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

static long load_reports(struct wer_report_info **ret, int latest_only,
			 const char *prefix)
{
	return load_reports_at(cli_store(), ret, latest_only, prefix);
}

long cli_load_store_reports(const struct wer_store *s,
			    struct wer_report_info **ret)
{
	return load_reports_at(s, ret, 0, NULL);
}

int cli_read_report(const char *id, struct wer_report_info *ret)
{
	const struct wer_store *s = cli_store();
	const char *area;
	int dir, area_fd, err;

	if (!s)
		return cli_store_error();
	if ((dir = wer_store_find(s, id, &area)) < 0)
		return dir;
	close(dir);
	if ((area_fd = wer_store_area(s, area, 0)) < 0)
		return area_fd;
	err = wer_report_read(s, area_fd, area, id, ret);
	close(area_fd);
	return err;
}

long cli_load_reports(struct wer_report_info **ret)
{
	return load_reports(ret, 0, NULL);
}

const char cli_report_forms[] =
    "REPORT: a report id, the beginning of one (that no other id begins), "
    "a process\nid (of the process reported on: ProcessId in Report.wer), "
    "or latest (the\nnewest report).\n";

/* Whether arg is a process id: digits only, not too many. */
static int is_pid(const char *arg)
{
	size_t n = strspn(arg, "0123456789");

	return n > 0 && n <= 10 && !arg[n];
}

/* Lists the reports arg could name (v[i] for which pick[i] is set; count
 * of them) and says to name one. */
static void say_ambiguous(const char *verb, const char *arg,
			  const struct wer_report_info *v, long n,
			  const char *pick, long count)
{
	long shown = 0;

	if (is_pid(arg))
		fprintf(stderr,
			"wer %s: process %s has %ld reports; name one by "
			"its id:\n",
			verb, arg, count);
	else
		fprintf(stderr,
			"wer %s: '%s' begins %ld report ids; give more of "
			"the id:\n",
			verb, arg, count);
	for (long i = 0; i < n && shown < 20; i++)
		if (pick[i]) {
			fprintf(stderr, "  %s  %.19s\n", v[i].id,
				v[i].damaged ? "(damaged)" : v[i].event_time);
			shown++;
		}
	if (count > shown)
		fprintf(stderr, "  ... and %ld more\n", count - shown);
}

long cli_match_report(const char *verb, const char *arg,
		      const struct wer_report_info *v, long n)
{
	char *pick;
	long count = 0, found = -1;
	size_t len = strlen(arg);

	for (long i = 0; i < n; i++)
		if (!strcmp(v[i].id, arg))
			return i;
	if (!strcmp(arg, "latest")) {
		if (n > 0)
			return n - 1;
		fprintf(stderr, "wer %s: no reports\n", verb);
		return -ENOENT;
	}
	if (!len || !(pick = calloc((size_t)n + 1, 1))) {
		fprintf(stderr, "wer %s: no report '%s'\n", verb, arg);
		return len ? -ENOMEM : -ENOENT;
	}
	for (long i = 0; i < n; i++) {
		int match = is_pid(arg) ? !v[i].damaged &&
					      v[i].pid == strtol(arg, NULL, 10)
					: !strncmp(v[i].id, arg, len);

		if (match) {
			pick[i] = 1;
			found = i;
			count++;
		}
	}
	if (count > 1)
		say_ambiguous(verb, arg, v, n, pick, count);
	else if (!count && is_pid(arg))
		fprintf(stderr, "wer %s: no report of process %s\n", verb, arg);
	else if (!count)
		fprintf(stderr, "wer %s: no report '%s'\n", verb, arg);
	free(pick);
	return count == 1 ? found : count ? -EEXIST : -ENOENT;
}

int cli_find_report(const char *verb, const char *arg,
		    struct wer_report_info *ret)
{
	struct wer_report_info *v;
	long n, i;

	/* Reading every report is needed for a process id only; for an id
	 * or its prefix, those whose names begin with it. */
	if (!strcmp(arg, "latest"))
		n = load_reports(&v, 1, NULL);
	else
		n = load_reports(&v, 0, is_pid(arg) ? NULL : arg);
	if (n < 0) {
		fprintf(stderr, "wer %s: cannot read the store: %s\n", verb,
			strerror((int)-n));
		return EXIT_STORE;
	}
	i = cli_match_report(verb, arg, v, n);
	if (i >= 0)
		*ret = v[i];
	free(v);
	return i >= 0	      ? 0
	       : i == -EEXIST ? EXIT_USAGE
	       : i == -ENOENT ? EXIT_NOTHING
			      : EXIT_STORE;
}
