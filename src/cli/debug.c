/* SPDX-License-Identifier: MIT */
/*
 * debug.c - `wer debug REPORT`: the crash in a debugger, as `coredumpctl
 * debug` opens a core. LLDB reads minidumps itself (gdb does not): it is
 * started on the report's minidump with the crashed program, finds the
 * libraries at the paths the dump names (checking their build ids), and
 * shows the crashed thread's stack by function and line. LLDB 14 has no
 * debuginfod client: the separate debug files (installed, or served by
 * debuginfod when DEBUGINFOD_URLS is set, fetched through libdw) are found
 * here and handed to it ("target symbols add").
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define DEBUGGER_ARGS_MAX 64
#define DEBUG_FILES_MAX	  64

void debug_help(FILE *f)
{
	fputs("usage: wer debug [--batch] [--debugger PROGRAM] REPORT "
	      "[-- ARGS...]\n"
	      "\n"
	      "Opens the report's minidump in LLDB, with the crashed program "
	      "and its\nlibraries (as they are on disk now; LLDB checks their "
	      "build ids), and\nshows the crashed thread's stack. gdb does "
	      "not read minidumps; LLDB does\n(Debian: apt install lldb).\n"
	      "\n"
	      "  --batch              print every thread's stack and exit\n"
	      "  --debugger PROGRAM   an LLDB by another name or path "
	      "(default lldb)\n"
	      "  -- ARGS...           more arguments for the debugger\n"
	      "\n",
	      f);
	fputs(cli_report_forms, f);
	fputs("\n"
	      "Exit status: the debugger's; 1 when there is no such report "
	      "or it has no\nminidump, 2 usage, 3 the debugger could not be "
	      "started.\n",
	      f);
}

/* Report.wer's value with its \xNN escapes undone, into out. */
static void unescape(const char *in, char *out, size_t size)
{
	size_t n = 0;

	while (*in && n + 1 < size) {
		unsigned v;

		if (in[0] == '\\' && in[1] == 'x' &&
		    sscanf(in + 2, "%2x", &v) == 1 && in[2] && in[3]) {
			out[n++] = (char)v;
			in += 4;
		} else {
			out[n++] = *in++;
		}
	}
	out[n] = '\0';
}

int debug_main(int argc, char **argv)
{
	static const struct option options[] = {
	    {"batch", no_argument, NULL, 'b'},
	    {"debugger", required_argument, NULL, 'd'},
	    {"help", no_argument, NULL, 'h'},
	    {0}};
	const char *debugger = "lldb",
		   *args[DEBUGGER_ARGS_MAX + 16 + 2 * DEBUG_FILES_MAX];
	char dump[PATH_MAX + 32], exe[PATH_MAX];
	char(*debug_files)[PATH_MAX] = NULL, **adds = NULL;
	size_t debug_count = 0;
	struct wer_md_facts *md;
	struct wer_report_info *r;
	int batch = 0, c, err, dir, fd, n = 0, extra;

	optind = 1;
	while ((c = cli_getopt(argc, argv, "", options)) != -1) {
		if (c == 'b') {
			batch = 1;
		} else if (c == 'd') {
			debugger = optarg;
		} else if (c == 'h') {
			debug_help(stdout);
			return 0;
		} else {
			return EXIT_USAGE;
		}
	}
	/* REPORT, then what getopt left after "--". */
	if (optind >= argc)
		return CLI_ONE_REPORT("debug", 0);
	extra = argc - optind - 1;
	if (extra > 0 && strcmp(argv[optind - 1], "--") &&
	    strcmp(argv[optind + 1 < argc ? optind + 1 : optind], "--"))
		return CLI_ONE_REPORT("debug", 1);
	if (extra > DEBUGGER_ARGS_MAX)
		return cli_usage_error("debug", "at most %d debugger arguments",
				       DEBUGGER_ARGS_MAX);
	if (!(r = malloc(sizeof(*r))))
		return EXIT_STORE;
	if ((err = cli_find_report("debug", argv[optind], r))) {
		free(r);
		return err;
	}
	dir = wer_report_reopen(cli_store(), r);
	fd = dir >= 0 ? wer_report_file(dir, "minidump.mdmp") : -1;
	if (fd < 0) {
		fprintf(stderr,
			"wer debug: report %s has no minidump (%s): nothing a "
			"debugger can open\n",
			r->id,
			r->degraded ? r->degraded_why : "none was written");
		if (dir >= 0)
			close(dir);
		free(r);
		return EXIT_NOTHING;
	}
	close(fd);
	/* Debug files: a debugger finds installed ones itself, LLDB 14 not
	 * those of debuginfod. */
	if ((md = cli_read_dump(dir)) &&
	    (debug_files = calloc(DEBUG_FILES_MAX, sizeof(*debug_files))) &&
	    (adds = calloc(DEBUG_FILES_MAX, sizeof(*adds))))
		debug_count = cli_debug_files(md, debug_files, DEBUG_FILES_MAX);
	free(md);
	close(dir);
	snprintf(dump, sizeof(dump), "%s/minidump.mdmp", r->dir);
	unescape(r->application_path, exe, sizeof(exe));
	args[n++] = debugger;
	if (batch)
		args[n++] = "--batch";
	args[n++] = "--core";
	args[n++] = dump;
	/* The program, where it still is: LLDB loads its symbols. */
	if (exe[0] == '/' && access(exe, R_OK) == 0)
		args[n++] = exe;
	else
		fprintf(stderr,
			"wer debug: %s is not there any more; its frames "
			"will have no names\n",
			exe[0] ? exe : "the program");
	for (size_t i = 0; i < debug_count; i++) {
		const char *q = strchr(debug_files[i], '"') ? "'" : "\"";

		if (asprintf(&adds[i], "target symbols add %s%s%s", q,
			     debug_files[i], q) < 0) {
			adds[i] = NULL;
			continue;
		}
		args[n++] = "-o";
		args[n++] = adds[i];
	}
	args[n++] = "-o";
	args[n++] = batch ? "thread backtrace all" : "thread backtrace";
	for (int i = argc - extra; i < argc; i++)
		if (strcmp(argv[i], "--"))
			args[n++] = argv[i];
	args[n] = NULL;
	free(r);
	fflush(stdout);
	execvp(debugger, (char *const *)args);
	err = errno;
	fprintf(stderr, "wer debug: cannot start %s: %s%s\n", debugger,
		strerror(err),
		err == ENOENT ? " (Debian: apt install lldb; gdb does not read "
				"minidumps)"
			      : "");
	return EXIT_STORE;
}
