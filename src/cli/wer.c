/* SPDX-License-Identifier: MIT */
/*
 * wer - the openwer command.
 *
 *   wer list [--json] [filters]      (list.c)
 *   wer show [--json] REPORT         (show.c)
 *   wer export [-o FILE] REPORT      (export.c)
 *   wer debug [--batch] REPORT       (debug.c)
 *   wer submit [--url URL] --all|REPORT... (submit.c)
 *   wer rm REPORT..., wer purge      (remove.c)
 *   wer config                       (config.c)
 *   wer run [--timeout SECONDS] [--no-preload] -- PROGRAM [ARGS...]
 *   wer help [VERB], wer --version
 *
 * A table of verbs, each with its own --help; exit codes: 0 success, 1
 * nothing found, 2 usage, 3 the store or a file cannot be read or
 * written, 4 an upload failed; `run` exits as the program did (dying of
 * its signal), 2 when it cannot start it. docs/man/wer.1.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "wer/version.h"

#ifndef WER_LIBRARY_INSTALL_PATH
#define WER_LIBRARY_INSTALL_PATH "/usr/local/lib/libwer.so.0"
#endif

struct verb {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);
	void (*help)(FILE *f);
};

/* ---- wer run ---------------------------------------------------------------
 */

static void run_help(FILE *f)
{
	fputs("usage: wer run [--timeout SECONDS] [--no-preload] -- PROGRAM "
	      "[ARGS...]\n"
	      "\n"
	      "Runs PROGRAM with libwer preloaded (no change to the program "
	      "needed). If it\ncrashes, waits until its report is complete, "
	      "prints where it is and a short\nsummary on stderr, and exits "
	      "as the program did (dying of the same signal).\n"
	      "\n"
	      "  --timeout SECONDS  how long to wait for the report after the "
	      "crash (default 60)\n"
	      "  --no-preload       do not preload libwer: PROGRAM links it "
	      "itself (a static\n"
	      "                     program must: nothing can be preloaded "
	      "into one)\n"
	      "\n"
	      "Environment: WER_LIBRARY overrides the libwer.so to preload.\n",
	      f);
}

/* libwer.so: $WER_LIBRARY, else ../lib/libwer.so.0 beside this program (an
 * install, or the build tree), else the compiled-in install path. */
static int find_library(char *buf, size_t size)
{
	const char *env = getenv("WER_LIBRARY");
	char self[PATH_MAX], *slash;
	ssize_t n;

	if (env && env[0] && realpath(env, buf) && size >= PATH_MAX)
		return 0;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/'))) {
			static const char *const rel[] = {"/../lib/libwer.so.0",
							  "/../lib/libwer.so"};

			*slash = '\0';
			for (size_t i = 0; i < 2; i++) {
				char candidate[PATH_MAX + 32];

				snprintf(candidate, sizeof(candidate), "%s%s",
					 self, rel[i]);
				if (access(candidate, R_OK) == 0 &&
				    realpath(candidate, buf))
					return 0;
			}
		}
	}
	if (access(WER_LIBRARY_INSTALL_PATH, R_OK) == 0) {
		snprintf(buf, size, "%s", WER_LIBRARY_INSTALL_PATH);
		return 0;
	}
	return -ENOENT;
}

static const char *signal_name(int sig)
{
	const char *d = sigdescr_np(sig);

	return d ? d : "unknown signal";
}

/* Prints the report's signature, its metadata and the crashed thread's
 * top frames. */
static void print_summary(const char *dir)
{
	struct wer_report_info *r = malloc(sizeof(*r));
	struct cli_stacks stacks;

	if (!r)
		return;
	cli_read_report(strrchr(dir, '/') ? strrchr(dir, '/') + 1 : dir, r);
	cli_print_signature(stderr, r);
	cli_print_reason(stderr, r);
	for (size_t i = 0; i < r->meta_count; i++)
		fprintf(stderr, "  metadata %-13s %s\n", r->meta_key[i],
			r->meta_value[i]);
	cli_read_stacks(r, &stacks);
	if (stacks.count) {
		const struct cli_thread *t = &stacks.threads[0];

		if (t->header)
			fprintf(stderr, "  %s\n", t->header);
		for (size_t k = 0; k < t->frame_count && k < 5; k++)
			fprintf(stderr, "  %s\n", t->frames[k].text);
	}
	cli_stacks_free(&stacks);
	free(r);
}

/* The file execvp would run for name (searched in $PATH when it has no
 * '/'), into buf; -ENOENT when there is none. */
static int find_program(const char *name, char *buf, size_t size)
{
	const char *path = getenv("PATH");

	if (strchr(name, '/')) {
		snprintf(buf, size, "%s", name);
		return 0;
	}
	for (const char *p = path && *path ? path : "/usr/bin:/bin"; *p;) {
		size_t n = strcspn(p, ":");

		/* An empty entry is the working directory. */
		snprintf(buf, size, "%.*s/%s", n ? (int)n : 1, n ? p : ".",
			 name);
		if (access(buf, X_OK) == 0)
			return 0;
		p += n + (p[n] == ':');
	}
	return -ENOENT;
}

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ELF_NATIVE_DATA ELFDATA2LSB
#else
#define ELF_NATIVE_DATA ELFDATA2MSB
#endif

/* Whether the program headers of the ELF file fd (count of them, size
 * bytes each, at offset; wide: ELF64) include PT_INTERP: 1, 0, or -1
 * when they cannot be read. */
static int has_interp(int fd, uint64_t offset, unsigned count, unsigned size,
		      int wide)
{
	for (unsigned i = 0; i < count; i++) {
		union {
			Elf32_Phdr p32;
			Elf64_Phdr p64;
		} ph;

		if (size != (wide ? sizeof(ph.p64) : sizeof(ph.p32)) ||
		    pread(fd, &ph, size,
			  (off_t)(offset + (uint64_t)i * size)) !=
			(ssize_t)size)
			return -1;
		if ((wide ? ph.p64.p_type : ph.p32.p_type) == PT_INTERP)
			return 1;
	}
	return 0;
}

/* Whether path is an ELF program without a program interpreter
 * (PT_INTERP): a static one, which no dynamic loader starts, so that
 * LD_PRELOAD means nothing to it. 0 for anything else, and for what
 * cannot be read (execvp will say). */
static int is_static_program(const char *path)
{
	union {
		Elf32_Ehdr e32;
		Elf64_Ehdr e64;
	} eh;
	int fd = open(path, O_RDONLY | O_CLOEXEC), interp = -1;

	if (fd < 0)
		return 0;
	if (pread(fd, &eh, sizeof(eh), 0) == (ssize_t)sizeof(eh) &&
	    !memcmp(eh.e64.e_ident, ELFMAG, SELFMAG) &&
	    eh.e64.e_ident[EI_DATA] == ELF_NATIVE_DATA) {
		if (eh.e64.e_ident[EI_CLASS] == ELFCLASS64 &&
		    (eh.e64.e_type == ET_EXEC || eh.e64.e_type == ET_DYN))
			interp = has_interp(fd, eh.e64.e_phoff, eh.e64.e_phnum,
					    eh.e64.e_phentsize, 1);
		else if (eh.e32.e_ident[EI_CLASS] == ELFCLASS32 &&
			 (eh.e32.e_type == ET_EXEC || eh.e32.e_type == ET_DYN))
			interp = has_interp(fd, eh.e32.e_phoff, eh.e32.e_phnum,
					    eh.e32.e_phentsize, 0);
	}
	close(fd);
	return interp == 0;
}

/* Reads one line from fd within timeout_ms; returns its length, 0 at EOF,
 * -1 on timeout. */
static ssize_t read_line(int fd, char *buf, size_t size, int timeout_ms)
{
	size_t len = 0;
	struct timespec start, now;

	clock_gettime(CLOCK_MONOTONIC, &start);
	while (len + 1 < size) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int left;
		ssize_t n;

		clock_gettime(CLOCK_MONOTONIC, &now);
		left =
		    timeout_ms - (int)((now.tv_sec - start.tv_sec) * 1000 +
				       (now.tv_nsec - start.tv_nsec) / 1000000);
		if (left <= 0)
			return -1;
		if (poll(&p, 1, left) <= 0)
			continue;
		n = read(fd, buf + len, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (buf[len] == '\n')
			break;
		len++;
	}
	buf[len] = '\0';
	return (ssize_t)len;
}

static int run_main(int argc, char **argv)
{
	static const struct option options[] = {
	    {"timeout", required_argument, NULL, 't'},
	    {"no-preload", no_argument, NULL, 'P'},
	    {"help", no_argument, NULL, 'h'},
	    {0}};
	char lib[PATH_MAX], preload[2 * PATH_MAX], fd_env[32],
	    program[PATH_MAX];
	const char *old_preload = getenv("LD_PRELOAD");
	int timeout_s = 60, c, fds[2], status, sig, no_preload = 0;
	pid_t child;

	optind = 1;
	while ((c = cli_getopt(argc, argv, "+", options)) != -1) {
		switch (c) {
		case 't':
			timeout_s = (int)cli_number_arg(optarg, 1, 86400);
			if (timeout_s < 0) {
				fprintf(stderr,
					"wer run: --timeout wants seconds, "
					"1 to 86400, not '%s'\n",
					optarg);
				return EXIT_USAGE;
			}
			break;
		case 'P':
			no_preload = 1;
			break;
		case 'h':
			run_help(stdout);
			return 0;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind >= argc)
		return cli_usage_error("run", "which program? (wer run -- "
					      "PROGRAM [ARGS...])");
	if (!no_preload &&
	    find_program(argv[optind], program, sizeof(program)) == 0 &&
	    is_static_program(program)) {
		fprintf(
		    stderr,
		    "wer run: %s is statically linked: it has no dynamic "
		    "loader, so libwer\ncannot be preloaded into it and its "
		    "crashes would not be reported. Link libwer\ninto it "
		    "instead: the static library libwer.a (cc -static ... "
		    "-lwer -pthread,\n-L from `pkg-config --libs wer`; "
		    "wer::wer_static in CMake). Any call of its\nAPI brings "
		    "in its crash handler. Then run it with\n`wer run "
		    "--no-preload -- %s`.\n",
		    argv[optind], argv[optind]);
		return EXIT_USAGE;
	}
	if (!no_preload && find_library(lib, sizeof(lib)) < 0) {
		fprintf(stderr, "wer run: libwer.so not found (set "
				"WER_LIBRARY)\n");
		return EXIT_USAGE;
	}
	if (!no_preload)
		snprintf(preload, sizeof(preload), "%s%s%s", lib,
			 old_preload && old_preload[0] ? ":" : "",
			 old_preload ? old_preload : "");
	if (pipe2(fds, O_CLOEXEC) < 0) {
		perror("wer run: pipe");
		return EXIT_USAGE;
	}
	child = fork();
	if (child < 0) {
		perror("wer run: fork");
		return EXIT_USAGE;
	}
	if (child == 0) {
		/* The write end, inherited by the program and so by
		 * werfault, which reports the report's path on it. */
		int fd = fcntl(fds[1], F_DUPFD, 3);

		snprintf(fd_env, sizeof(fd_env), "%d", fd);
		setenv("WER_RUN_NOTIFY_FD", fd_env, 1);
		if (!no_preload)
			setenv("LD_PRELOAD", preload, 1);
		execvp(argv[optind], argv + optind);
		fprintf(stderr, "wer run: %s: %s\n", argv[optind],
			strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	/* Signals meant for the program (Ctrl-C) reach it: it shares our
	 * process group; we wait for it rather than die first. */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR) {
			perror("wer run: waitpid");
			return EXIT_USAGE;
		}
	if (!WIFSIGNALED(status)) {
		close(fds[0]);
		return WEXITSTATUS(status);
	}
	sig = WTERMSIG(status);
	fprintf(stderr, "wer: %s died of signal %d (%s)\n", argv[optind], sig,
		signal_name(sig));
	{
		char line[PATH_MAX + 64];
		ssize_t n =
		    read_line(fds[0], line, sizeof(line), timeout_s * 1000);

		if (n > 0 && !strncmp(line, "REPORT ", 7)) {
			fprintf(stderr, "wer: report written to %s\n",
				line + 7);
			print_summary(line + 7);
		} else if (n > 0) {
			fprintf(stderr, "wer: no report: %s\n", line);
		} else if (n == 0) {
			fprintf(stderr, "wer: no report (the crash handler "
					"did not run)\n");
		} else {
			fprintf(stderr, "wer: no report within %d s\n",
				timeout_s);
		}
	}
	close(fds[0]);
	/* Exit as the program did: die of its signal, without a core of our
	 * own. */
	{
		struct rlimit no_core = {0, 0};

		setrlimit(RLIMIT_CORE, &no_core);
		signal(sig, SIG_DFL);
		raise(sig);
	}
	return 128 + sig;
}

/* ---- wer help, the verb table -----------------------------------------------
 */

static void help_help(FILE *f)
{
	fputs("usage: wer help [VERB]\n"
	      "\n"
	      "Without VERB, lists the verbs (as `wer --help` does); with "
	      "one, prints its usage\nand options (as `wer VERB --help` "
	      "does).\n",
	      f);
}

static int help_main(int argc, char **argv);

static const struct verb verbs[] = {
    {"list", "list the reports, newest last", list_main, list_help},
    {"show", "show one report", show_main, show_help},
    {"export", "write one report as a tar.gz to attach to a bug", export_main,
     export_help},
    {"debug", "open a report's crash in a debugger (LLDB)", debug_main,
     debug_help},
    {"submit", "upload reports to a crash server", submit_main, submit_help},
    {"rm", "remove reports", rm_main, rm_help},
    {"purge", "apply retention now", purge_main, purge_help},
    {"config", "print the effective settings and their sources", config_main,
     config_help},
    {"run", "run a program with crash reporting, report on a crash", run_main,
     run_help},
    {"system", "the machine's crash reporter: every process's crashes",
     system_main, system_help},
    {"help", "list the verbs, or print one verb's usage", help_main, help_help},
};

#define VERB_COUNT (sizeof(verbs) / sizeof(verbs[0]))

static const struct verb *find_verb(const char *name)
{
	for (size_t i = 0; i < VERB_COUNT; i++)
		if (!strcmp(verbs[i].name, name))
			return &verbs[i];
	return NULL;
}

static void main_help(FILE *f)
{
	fputs("usage: wer VERB [OPTIONS] [ARGS]\n"
	      "       wer --version\n\nVerbs:\n",
	      f);
	for (size_t i = 0; i < VERB_COUNT; i++)
		fprintf(f, "  %-8s %s\n", verbs[i].name, verbs[i].summary);
	fputs("\n`wer help VERB` (or `wer VERB --help`) tells more; `man wer` "
	      "all of it.\n`wer --version` prints the version.\nExit codes: "
	      "0 success, 1 nothing found, 2 usage, 3 the store or a file\n"
	      "could not be read or written, 4 an upload failed.\n",
	      f);
}

/* Says that name is no verb, and which one it may have meant. */
static int unknown_verb(const char *name)
{
	const char *names[VERB_COUNT + 2], *nearest;
	int option = name[0] == '-';
	size_t n = 0;

	if (option) {
		names[n++] = "--help";
		names[n++] = "--version";
	} else {
		for (size_t i = 0; i < VERB_COUNT; i++)
			names[n++] = verbs[i].name;
	}
	nearest = cli_nearest(name, names, n);
	fprintf(stderr, "wer: unknown %s '%s'", option ? "option" : "verb",
		name);
	if (nearest)
		fprintf(stderr, "; did you mean '%s'?", nearest);
	fputs("\nRun 'wer help' for the verbs.\n", stderr);
	return EXIT_USAGE;
}

static int help_main(int argc, char **argv)
{
	const struct verb *v;
	int r;

	if ((r = cli_help_only(argc, argv, help_help)))
		return r < 0 ? 0 : r;
	if (optind == argc) {
		main_help(stdout);
		return 0;
	}
	if (optind + 1 < argc)
		return cli_usage_error("help", "one verb at a time");
	if (!(v = find_verb(argv[optind])))
		return unknown_verb(argv[optind]);
	v->help(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	const struct verb *v;

	cli_guard_output();
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		main_help(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	if (!strcmp(argv[1], "--version")) {
		puts("wer (openwer) " WER_VERSION_STRING);
		return 0;
	}
	if (!(v = find_verb(argv[1])))
		return unknown_verb(argv[1]);
	return v->run(argc - 1, argv + 1);
}
