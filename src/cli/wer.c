/* SPDX-License-Identifier: MIT */
/*
 * wer - the openwer command.
 *
 *   wer list [--json] [filters]      (list.c)
 *   wer show [--json] ID|latest      (show.c)
 *   wer export [-o FILE] ID|latest   (export.c)
 *   wer submit [--url URL] --all|ID... (submit.c)
 *   wer rm ID..., wer purge          (remove.c)
 *   wer config                       (config.c)
 *   wer run [--timeout SECONDS] -- PROGRAM [ARGS...]
 *
 * A table of verbs, each with its own --help; exit codes: 0 success, 1
 * nothing found, 2 usage, 3 the store or a file cannot be read or
 * written, 4 an upload failed; `run` exits as the program did (dying of
 * its signal), 2 when it cannot start it. docs/wer.1.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
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

static const struct verb *find_verb(const char *name);

/* ---- wer run ---------------------------------------------------------------
 */

static void run_help(FILE *f)
{
	fputs("usage: wer run [--timeout SECONDS] -- PROGRAM [ARGS...]\n"
	      "\n"
	      "Runs PROGRAM with libwer preloaded (no change to the program "
	      "needed). If it\ncrashes, waits until its report is complete, "
	      "prints where it is and a short\nsummary on stderr, and exits "
	      "as the program did (dying of the same signal).\n"
	      "\n"
	      "  --timeout SECONDS  how long to wait for the report after the "
	      "crash (default 60)\n"
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

/* Prints the report's signature and the crashed thread's top frames. */
static void print_summary(const char *dir)
{
	char path[2 * PATH_MAX], line[1024];
	FILE *f;
	int frames = 0;

	snprintf(path, sizeof(path), "%s/Report.wer", dir);
	if ((f = fopen(path, "re"))) {
		char name[128] = "";

		while (fgets(line, sizeof(line), f)) {
			char *eq = strchr(line, '=');

			if (!strncmp(line, "Sig[", 4) && eq &&
			    strstr(line, "].Name=")) {
				snprintf(name, sizeof(name), "%s", eq + 1);
				name[strcspn(name, "\n")] = '\0';
			} else if (!strncmp(line, "Sig[", 4) && eq && name[0]) {
				fprintf(stderr, "  %-22s %s", name, eq + 1);
				name[0] = '\0';
			} else if (!strncmp(line, "CustomMetadata[", 15) &&
				   eq && strstr(line, "].Key=")) {
				snprintf(name, sizeof(name), "%s", eq + 1);
				name[strcspn(name, "\n")] = '\0';
			} else if (!strncmp(line, "CustomMetadata[", 15) &&
				   eq && name[0]) {
				fprintf(stderr, "  metadata %-13s %s", name,
					eq + 1);
				name[0] = '\0';
			}
		}
		fclose(f);
	}
	snprintf(path, sizeof(path), "%s/stack.txt", dir);
	if ((f = fopen(path, "re"))) {
		while (fgets(line, sizeof(line), f) && frames < 6) {
			if (line[0] == '\n')
				break;
			fprintf(stderr, "  %s", line);
			frames++;
		}
		fclose(f);
	}
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
	    {"help", no_argument, NULL, 'h'},
	    {0}};
	char lib[PATH_MAX], preload[2 * PATH_MAX], fd_env[32];
	const char *old_preload = getenv("LD_PRELOAD");
	int timeout_s = 60, c, fds[2], status, sig;
	pid_t child;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+", options, NULL)) != -1) {
		switch (c) {
		case 't':
			timeout_s = atoi(optarg);
			if (timeout_s <= 0) {
				fprintf(stderr, "wer run: --timeout wants a "
						"positive number of seconds\n");
				return EXIT_USAGE;
			}
			break;
		case 'h':
			run_help(stdout);
			return 0;
		default:
			run_help(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		run_help(stderr);
		return EXIT_USAGE;
	}
	if (find_library(lib, sizeof(lib)) < 0) {
		fprintf(stderr, "wer run: libwer.so not found (set "
				"WER_LIBRARY)\n");
		return EXIT_USAGE;
	}
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

/* ---- the verb table ---------------------------------------------------------
 */

static const struct verb verbs[] = {
    {"list", "list the reports, newest last", list_main, list_help},
    {"show", "show one report", show_main, show_help},
    {"export", "write one report as a tar.gz to attach to a bug", export_main,
     export_help},
    {"submit", "upload reports to a crash server", submit_main, submit_help},
    {"rm", "remove reports", rm_main, rm_help},
    {"purge", "apply retention now", purge_main, purge_help},
    {"config", "print the effective settings and their sources", config_main,
     config_help},
    {"run", "run a program with crash reporting, report on a crash", run_main,
     run_help},
};

static const struct verb *find_verb(const char *name)
{
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (!strcmp(verbs[i].name, name))
			return &verbs[i];
	return NULL;
}

static void main_help(FILE *f)
{
	fputs("usage: wer VERB [OPTIONS] [ARGS]\n\nVerbs:\n", f);
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		fprintf(f, "  %-8s %s\n", verbs[i].name, verbs[i].summary);
	fputs("\n`wer VERB --help` tells more; `man wer` (docs/wer.1) all "
	      "of it.\nExit codes: 0 success, 1 nothing found, 2 usage, 3 "
	      "the store or a file could\nnot be read or written, 4 an upload "
	      "failed.\n",
	      f);
}

int main(int argc, char **argv)
{
	const struct verb *v;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		main_help(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	if (!strcmp(argv[1], "--version")) {
		puts("wer (openwer) " WER_VERSION_STRING);
		return 0;
	}
	v = find_verb(argv[1]);
	if (!v) {
		fprintf(stderr, "wer: unknown verb '%s'\n\n", argv[1]);
		main_help(stderr);
		return EXIT_USAGE;
	}
	return v->run(argc - 1, argv + 1);
}
