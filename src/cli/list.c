/* SPDX-License-Identifier: MIT */
/*
 * list.c - `wer list`: the reports, queued and sent, newest last.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define META_FILTERS_MAX 16

void list_help(FILE *f)
{
	fputs("usage: wer list [--json] [--queued|--sent] [--app NAME] "
	      "[--signal SIG]\n                [--since TIME] [--meta "
	      "KEY=VALUE]...\n"
	      "\n"
	      "Lists the reports, newest last: id, time, state (queued, sent "
	      "by `wer submit`,\nor degraded: queued, from a partial capture "
	      "or written by the crashed process\nitself), application, "
	      "signal, fault module and "
	      "the first metadata pairs.\nDamaged reports are listed as "
	      "such.\n"
	      "\n"
	      "  --json             one JSON array, an object per report\n"
	      "  --queued           only reports not sent yet (ReportQueue)\n"
	      "  --sent             only reports sent (ReportArchive)\n"
	      "  --app NAME         only reports of this application\n"
	      "  --signal SIG       only this signal (SIGSEGV, SEGV or 11)\n"
	      "  --since TIME       only reports at or after TIME (ISO 8601 "
	      "prefix, UTC)\n"
	      "  --meta KEY=VALUE   only reports with this metadata pair "
	      "(repeatable)\n"
	      "\n"
	      "Exit status: 0, 1 when no report matches (\"No reports "
	      "found.\", or [] with\n--json), 2 usage, 3 the store cannot be "
	      "read.\n",
	      f);
}

/* "SIGSEGV (11)" matches SIGSEGV, SEGV, segv and 11. */
static int signal_matches(const char *value, const char *want)
{
	const char *open = strchr(value, '(');
	size_t name_len =
	    open && open > value ? (size_t)(open - value - 1) : strlen(value);

	if (want[0] >= '0' && want[0] <= '9')
		return open && atoi(open + 1) == atoi(want);
	if (!strncasecmp(want, "SIG", 3))
		want += 3;
	return name_len > 3 && strlen(want) == name_len - 3 &&
	       !strncasecmp(value + 3, want, name_len - 3);
}

static int meta_matches(const struct wer_report_info *r, const char *kv)
{
	const char *eq = strchr(kv, '=');

	for (size_t i = 0; eq && i < r->meta_count; i++)
		if (strlen(r->meta_key[i]) == (size_t)(eq - kv) &&
		    !strncmp(r->meta_key[i], kv, (size_t)(eq - kv)) &&
		    !strcmp(r->meta_value[i], eq + 1))
			return 1;
	return 0;
}

static void print_json(const struct wer_report_info *r, int first)
{
	printf("%s\n  {", first ? "" : ",");
	cli_json_report_fields(stdout, r);
	printf("}");
}

int list_main(int argc, char **argv)
{
	static const struct option options[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"app", required_argument, NULL, 'a'},
	    {"signal", required_argument, NULL, 's'},
	    {"since", required_argument, NULL, 't'},
	    {"meta", required_argument, NULL, 'm'},
	    {"queued", no_argument, NULL, 'q'},
	    {"sent", no_argument, NULL, 'S'},
	    {"help", no_argument, NULL, 'h'},
	    {0}};
	const char *app = NULL, *sig = NULL, *since = NULL;
	const char *metas[META_FILTERS_MAX];
	size_t meta_count = 0, shown = 0;
	struct wer_report_info *v;
	int json = 0, state = -1, c;
	long n;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = 1;
			break;
		case 'q':
		case 'S':
			state = c == 'S';
			break;
		case 'a':
			app = optarg;
			break;
		case 's':
			sig = optarg;
			break;
		case 't':
			since = optarg;
			break;
		case 'm':
			if (!strchr(optarg, '=') ||
			    meta_count == META_FILTERS_MAX) {
				fprintf(stderr,
					"wer list: --meta wants "
					"KEY=VALUE (at most %d)\n",
					META_FILTERS_MAX);
				return EXIT_USAGE;
			}
			metas[meta_count++] = optarg;
			break;
		case 'h':
			list_help(stdout);
			return 0;
		default:
			list_help(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		list_help(stderr);
		return EXIT_USAGE;
	}
	n = cli_load_reports(&v);
	if (n < 0) {
		fprintf(stderr, "wer list: cannot read the store: %s\n",
			strerror((int)-n));
		return EXIT_STORE;
	}
	if (json)
		printf("[");
	else
		printf("%-48s %-20s %-8s %-16s %-8s %-16s %s\n", "ID", "TIME",
		       "STATE", "APPLICATION", "SIGNAL", "FAULT MODULE",
		       "METADATA");
	for (long i = 0; i < n; i++) {
		const struct wer_report_info *r = &v[i];
		const char *signal = wer_report_sig(r, "Signal");
		int ok = 1;

		if (state >= 0 && r->archived != state)
			ok = 0;
		if (app && strcmp(wer_report_app(r), app))
			ok = 0;
		if (sig && !signal_matches(signal, sig))
			ok = 0;
		if (since && strcmp(r->event_time, since) < 0)
			ok = 0;
		for (size_t k = 0; ok && k < meta_count; k++)
			ok = meta_matches(r, metas[k]);
		if (!ok)
			continue;
		if (json) {
			print_json(r, shown == 0);
		} else if (r->damaged) {
			printf("%-48s (damaged: %s)\n", r->id, r->problem);
		} else {
			char sig_short[64], meta[96] = "";

			/* A report without a crash: its event type. */
			if (signal[0])
				snprintf(sig_short, sizeof(sig_short), "%.*s",
					 (int)strcspn(signal, " "), signal);
			else
				snprintf(sig_short, sizeof(sig_short), "%.16s",
					 r->event_type);
			for (size_t k = 0; k < r->meta_count && k < 2; k++)
				snprintf(meta + strlen(meta),
					 sizeof(meta) - strlen(meta),
					 "%s%s=%.24s", k ? " " : "",
					 r->meta_key[k], r->meta_value[k]);
			printf("%-48s %-20.19s %-8s %-16.16s %-8s %-16.16s "
			       "%s\n",
			       r->id, r->event_time,
			       r->archived   ? "sent"
			       : r->degraded ? "degraded"
					     : "queued",
			       wer_report_app(r), sig_short,
			       wer_report_sig(r, "Fault Module Name"), meta);
		}
		shown++;
	}
	if (json)
		printf("%s]\n", shown ? "\n" : "");
	free(v);
	if (!shown && !json) {
		printf("No reports found.\n");
		return EXIT_NOTHING;
	}
	return shown ? 0 : EXIT_NOTHING;
}
