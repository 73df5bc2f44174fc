/* SPDX-License-Identifier: MIT */
/*
 * cli.h - what the `wer` verbs share.
 */
#ifndef WER_CLI_H
#define WER_CLI_H

#include <stdio.h>

#include "store.h"

#define EXIT_NOTHING 1
#define EXIT_USAGE   2
#define EXIT_STORE   3 /* the store or a file: cannot read or write */
#define EXIT_FAILED  4 /* an upload failed */

/* Prints s as a JSON string (quotes included). */
void cli_json_string(FILE *f, const char *s);

/* The fields every JSON view of a report has (id, path, damaged,
 * problem, time, event_type, pid, signature, metadata), without braces. */
void cli_json_report_fields(FILE *f, const struct wer_report_info *r);

/* Every report in the store, queued and sent, oldest first (by EventTime,
 * then id). *ret is allocated; the caller frees it. Returns the count, or
 * a negative errno. */
long cli_load_reports(struct wer_report_info **ret);

/* The report named id ("latest": the newest), queued or sent, into *ret.
 * 0, -ENOENT, or another negative errno. */
int cli_find_report(const char *id, struct wer_report_info *ret);

/* "function+0xOFF at file:line" for offset in module (call: a return
 * address, looked up one byte back) into buf. 0, or -1 when nothing is
 * known. */
int cli_symbolize(const char *module, unsigned long long offset, int call,
		  char *buf, size_t size);

int list_main(int argc, char **argv);
void list_help(FILE *f);
int show_main(int argc, char **argv);
int config_main(int argc, char **argv);
int rm_main(int argc, char **argv);
void rm_help(FILE *f);
int purge_main(int argc, char **argv);
void purge_help(FILE *f);
void config_help(FILE *f);
void show_help(FILE *f);
int export_main(int argc, char **argv);
void export_help(FILE *f);
int submit_main(int argc, char **argv);
void submit_help(FILE *f);

#endif /* WER_CLI_H */
