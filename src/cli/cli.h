/* SPDX-License-Identifier: MIT */
/*
 * cli.h - what the `wer` verbs share.
 */
#ifndef WER_CLI_H
#define WER_CLI_H

#include <getopt.h>
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

/* The store, opened once for the whole run and checked (store_dir.c: a
 * directory, not a link, the user's alone); NULL when it cannot be, with
 * the reason said on stderr once (nothing for a store that does not exist
 * yet). cli_store_error gives that reason as a negative errno. */
const struct wer_store *cli_store(void);
int cli_store_error(void);

/* Reads report id (queued or sent) into *ret: 0 or a negative errno. */
int cli_read_report(const char *id, struct wer_report_info *ret);

/* Every report in the store, queued and sent, oldest first (by EventTime,
 * then id). *ret is allocated; the caller frees it. Returns the count, or
 * a negative errno. */
long cli_load_reports(struct wer_report_info **ret);
/* The same from the store s (NULL: no store, no reports). */
long cli_load_store_reports(const struct wer_store *s,
			    struct wer_report_info **ret);

/* What names a report (REPORT in the verbs' usage), for their --help. */
extern const char cli_report_forms[];

/* The report arg names among v[0..n) (oldest first): a report id,
 * "latest" (the newest), a process id (the report whose ProcessId it is)
 * or the beginning of one report id. Returns its index; or, having said
 * why on stderr ("wer VERB: ..."), -ENOENT, or -EEXIST when arg names
 * several (they are listed). */
long cli_match_report(const char *verb, const char *arg,
		      const struct wer_report_info *v, long n);

/* The report arg names (as cli_match_report's), queued or sent, into
 * *ret. Returns 0, or, having said why on stderr, the exit status:
 * EXIT_NOTHING (no such report), EXIT_USAGE (arg names several) or
 * EXIT_STORE. */
int cli_find_report(const char *verb, const char *arg,
		    struct wer_report_info *ret);

/* The report's signal number (from "SIGSEGV (11)"), 0 when it has none. */
int cli_report_signal(const struct wer_report_info *r);

/* The name of the report's signal code ("SEGV_MAPERR") into buf. Returns
 * 1, 0 when the code has no name, -1 when the report has no code. */
int cli_signal_code(const struct wer_report_info *r, char *buf, size_t size);

/* Prints the signature, a "  Name  value" line per parameter, the signal
 * code named beside its number ("SEGV_MAPERR (1)"). */
void cli_print_signature(FILE *f, const struct wer_report_info *r);

/* What killed it, in words, a "  Name  value" line each: an uncaught
 * exception's type and what(), glibc's abort message; nothing when the
 * report has none. */
void cli_print_reason(FILE *f, const struct wer_report_info *r);
/* A queued report's failed uploads: how many, the last one's time and
 * why, when it is due again. */
void cli_print_upload_failure(FILE *f, const struct wer_report_info *r);

/* getopt_long for a verb (argv[0] is its name) that says itself what is
 * wrong: an unknown option with the nearest known one, an ambiguous
 * abbreviation with its candidates, a missing or unwanted value; then
 * where the verb's options are. Returns the option, or '?' after such a
 * message (the verb exits EXIT_USAGE). */
int cli_getopt(int argc, char **argv, const char *shortopts,
	       const struct option *options);

/* The whole decimal number text is (digits only), if it is from min to
 * max (min >= 0); else -1: an option's value, said wrong by the caller. */
long cli_number_arg(const char *text, long min, long max);

/* The options of a verb that has --help only: returns 0 to go on
 * (optind at its first argument), -1 after printing its help, or
 * EXIT_USAGE after saying what is wrong. */
int cli_help_only(int argc, char **argv, void (*help)(FILE *f));

/* Says "wer VERB: <message>" and where the verb's options are; returns
 * EXIT_USAGE. */
int cli_usage_error(const char *verb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The usage error of a verb that wants one REPORT and got none or more. */
#define CLI_ONE_REPORT(verb, given)                                            \
	cli_usage_error(verb, "%s",                                            \
			(given) ? "one report at a time"                       \
				: "which report? (an id, the beginning of "    \
				  "one, a process id or latest)")

/* Of words[0..n), the one word was probably meant to be (one or two
 * typing slips away, or the only one it begins), or NULL. */
const char *cli_nearest(const char *word, const char *const *words, size_t n);

/* The forms of time cli_parse_time takes, for messages. */
extern const char cli_time_forms[];

/* A time given on the command line (times.c: ISO 8601 dates and times,
 * "-2h" and such, now, today, yesterday), relative to now: the span it
 * names, [*ret_start, *ret_end) in seconds since the epoch. 0, or -EINVAL
 * with *ret_why saying why. */
int cli_parse_time(const char *text, long long now, long long *ret_start,
		   long long *ret_end, const char **ret_why);

/* A report's EventTime ("2026-11-25T10:00:00.123456789Z"), to the
 * second, into *ret. 0 or -EINVAL. */
int cli_event_second(const char *event_time, long long *ret);

/* "function+0xOFF at file:line" for offset in module (call: a return
 * address, looked up one byte back) into buf. 0, or -1 when nothing is
 * known. */
int cli_symbolize(const char *module, unsigned long long offset, int call,
		  char *buf, size_t size);

/* A report's threads (stacks.c). */
struct cli_frame {
	int index;
	unsigned long long pc;
	char *text;			/* the line as stack.txt has it */
	char *function, *module, *file; /* NULL when unknown */
	unsigned long long function_offset, module_offset;
	int have_function_offset, have_module_offset;
	int line;
	int inlined;	  /* a call inlined at pc ("FUNCTION (inlined)") */
	int resymbolized; /* named by cli_resymbolize, not by stack.txt */
};

struct cli_thread {
	long tid;
	char *name;   /* NULL when unknown */
	char *header; /* stack.txt's "Thread ..." line, NULL for Report.wer's */
	int crashed;
	int signal; /* the crashed thread's, else 0 */
	char *note; /* "registers not captured", "(unwinding failed...)" */
	struct cli_frame *frames;
	size_t frame_count, frame_cap;
};

struct cli_stacks {
	const char *source;    /* "stack.txt", "Report.wer" or NULL: none */
	int stack_scan;	       /* Report.wer's frames were found by a scan */
	char *capture_problem; /* stack.txt's "Degraded capture: ..." */
	char *note; /* its first line outside a thread ("No crash: ...") */
	struct cli_thread *threads;
	size_t count, cap;
};

/* The threads of report r, the crashed (or reporting) one first: all of
 * stack.txt's, else the crashed thread's raw frames in Report.wer (the
 * crash path's own report), symbolized now. What cannot be read or
 * allocated is left out. Free with cli_stacks_free. */
void cli_read_stacks(const struct wer_report_info *r, struct cli_stacks *ret);
void cli_stacks_free(struct cli_stacks *s);

struct wer_md_facts;

/* Names now the frames stack.txt could not name (no function, or no
 * file:line), from each module's file on disk when it is the one that
 * crashed (the build id the minidump recorded for it) and the debug files
 * found for it now (symbols installed since). Such a frame's text gets
 * " [symbols found now]". Returns how many frames were named. */
size_t cli_resymbolize(struct cli_stacks *s, const struct wer_md_facts *md);

/* The facts of the minidump in the report directory dir, or NULL (none,
 * too large, not a minidump). The caller frees. */
struct wer_md_facts *cli_read_dump(int dir);

/* The separate debug files of the dump's modules that are on disk with
 * the build id the dump recorded: installed ones, and those debuginfod
 * serves when DEBUGINFOD_URLS is set (libdw asks it). At most max paths
 * into paths; returns how many. */
size_t cli_debug_files(const struct wer_md_facts *md, char (*paths)[PATH_MAX],
		       size_t max);

/* From here on, stdout and stderr write no terminal control: every
 * control character but newline and tab, and every byte of invalid
 * UTF-8, comes out as \xNN (terminal.c). cli_raw_stderr is the real
 * stderr, for the progress bar's own carriage returns (NULL when it could
 * not be opened). */
void cli_guard_output(void);
extern FILE *cli_raw_stderr;

int list_main(int argc, char **argv);
void list_help(FILE *f);
int show_main(int argc, char **argv);
int config_main(int argc, char **argv);
/* system.c: `wer system enable|disable|status` (docs/system.md). */
int system_main(int argc, char **argv);
void system_help(FILE *f);
int rm_main(int argc, char **argv);
void rm_help(FILE *f);
int purge_main(int argc, char **argv);
void purge_help(FILE *f);
void config_help(FILE *f);
void show_help(FILE *f);
int export_main(int argc, char **argv);
void export_help(FILE *f);
int debug_main(int argc, char **argv);
void debug_help(FILE *f);
int submit_main(int argc, char **argv);
void submit_help(FILE *f);

#endif /* WER_CLI_H */
