/* SPDX-License-Identifier: MIT */
/*
 * signature.c - a bucket's signature and title, from the crashed thread's
 * frames as they are named now (docs/collector.md, "Signatures").
 *
 * As Socorro's signatures: the names of the top frames that are the
 * program's own, skipping the C and C++ runtimes, the abort, assert and
 * raise machinery and libwer (a skip list: patterns of module file names
 * and of function names, built in and extended by --signature-skip FILE).
 * Names without offsets or lines, so a rebuilt program buckets alike; a
 * frame no symbol names counts as module+0xoffset. The signature is
 *
 *   APP | REASON | FRAME | FRAME | FRAME
 *
 * REASON the uncaught exception's type, else the abort message (an
 * assertion's expression alone: its file and line move between builds),
 * else the signal's name. The title reads "REASON in FUNCTION (APP)".
 */
#include <fnmatch.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector.h"
#include "crash_format.h"
#include "hash.h"

#define SIGNATURE_FRAMES 3
#define REASON_MAX	 120 /* bytes of an abort message in a signature */

static const char *const default_modules[] = {
    "libc.so*",	       "libc-*.so",	"ld-linux*.so*", "ld-*.so",
    "libpthread*.so*", "libstdc++.so*", "libgcc_s.so*",	 "libc++.so*",
    "libc++abi.so*",   "libunwind.so*", "libwer.so*"};

static const char *const default_functions[] = {
    "abort",
    "raise",
    "__GI_*",
    "__pthread_kill*",
    "pthread_kill*",
    "__assert_fail*",
    "__assert_perror_fail",
    "__libc_message*",
    "__libc_fatal",
    "malloc_printerr",
    "__fortify_fail*",
    "__chk_fail",
    "__stack_chk_fail*",
    "__restore_rt",
    "std::terminate*",
    "std::__terminate*",
    "__cxxabiv1::*",
    "__cxa_*",
    "__gnu_cxx::__verbose_terminate_handler*",
    "_Unwind_*",
    "wer__*",
};

static void add(char **list, size_t *count, const char *pattern)
{
	char *copy;

	if (*count < WER_COLLECTOR_SKIP_MAX && (copy = strdup(pattern)))
		list[(*count)++] = copy;
}

void wer__skip_defaults(struct wer_skip_list *skip)
{
	for (size_t i = 0;
	     i < sizeof(default_modules) / sizeof(*default_modules); i++)
		add(skip->module, &skip->module_count, default_modules[i]);
	for (size_t i = 0;
	     i < sizeof(default_functions) / sizeof(*default_functions); i++)
		add(skip->function, &skip->function_count,
		    default_functions[i]);
}

int wer__skip_load(struct wer_skip_list *skip, const char *path, char *why,
		   size_t why_size)
{
	FILE *f = fopen(path, "re");
	char line[512];
	int n = 0;

	if (!f) {
		snprintf(why, why_size, "%s: %m", path);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *s = line, *end;

		n++;
		s[strcspn(s, "\r\n")] = '\0';
		s += strspn(s, " \t");
		if (!*s || *s == '#')
			continue;
		end = s + strlen(s);
		while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		if (!strncmp(s, "module ", 7) && s[7 + strspn(s + 7, " ")]) {
			add(skip->module, &skip->module_count,
			    s + 7 + strspn(s + 7, " "));
		} else if (!strncmp(s, "function ", 9) &&
			   s[9 + strspn(s + 9, " ")]) {
			add(skip->function, &skip->function_count,
			    s + 9 + strspn(s + 9, " "));
		} else {
			snprintf(why, why_size,
				 "%s:%d: not \"module PATTERN\" or "
				 "\"function PATTERN\"",
				 path, n);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	return 0;
}

/* The frame's function name, bare: the uploaded symbols' without its
 * offset and line ("name+0x1a file.c:3"), else the client's. "" none. */
static void frame_name(const struct wer_stored_frame *f, char *out, size_t size)
{
	const char *name = f->function[0] ? f->function : f->client;
	const char *plus = strstr(name, "+0x");
	size_t n = plus ? (size_t)(plus - name) : strlen(name);

	snprintf(out, size, "%.*s", (int)n, name);
}

/* name without its parameter list: "app::parse(char const*)" gives
 * "app::parse" ("(anonymous namespace)" stays). */
static void short_name(const char *name, char *out, size_t size)
{
	size_t n = strlen(name);

	if (n && name[n - 1] == ')') {
		int depth = 0;

		for (size_t i = n; i-- > 0;) {
			if (name[i] == ')')
				depth++;
			else if (name[i] == '(' && --depth == 0) {
				if (i > 0)
					n = i;
				break;
			}
		}
	}
	snprintf(out, size, "%.*s", (int)n, name);
}

static int skipped(const struct wer_skip_list *skip,
		   const struct wer_stored_frame *f, const char *name)
{
	char bare[256];

	for (size_t i = 0; f->module[0] && i < skip->module_count; i++)
		if (!fnmatch(skip->module[i], f->module, 0))
			return 1;
	short_name(name, bare, sizeof(bare));
	for (size_t i = 0; bare[0] && i < skip->function_count; i++)
		if (!fnmatch(skip->function[i], bare, 0))
			return 1;
	return 0;
}

/* The signature's REASON: see the top of the file. */
static void reason(const struct wer_processed *p, char *out, size_t size)
{
	const char *assertion = strstr(p->reason, "Assertion `");

	if (assertion)
		snprintf(out, size, "%.*s", REASON_MAX, assertion);
	else if (p->reason[0])
		snprintf(out, size, "%.*s", REASON_MAX, p->reason);
	else if (p->signal > 0 &&
		 strcmp(wer__signal_name((int)p->signal), "SIG?"))
		snprintf(out, size, "%s", wer__signal_name((int)p->signal));
	else if (p->signal > 0)
		snprintf(out, size, "signal %ld", p->signal);
	else
		snprintf(out, size, "crash");
}

void wer__process_signature(const struct wer_skip_list *skip,
			    struct wer_processed *p)
{
	uint64_t h = WER_FNV1A_BASIS;
	char why[REASON_MAX + 32], first[256] = "";
	size_t used = 0, taken = 0;

	reason(p, why, sizeof(why));
	used = (size_t)snprintf(p->signature, sizeof(p->signature), "%s | %s",
				p->app, why);
	for (int pass = 0; pass < 2 && !taken; pass++) {
		for (size_t i = 0;
		     i < p->frame_count && taken < SIGNATURE_FRAMES; i++) {
			const struct wer_stored_frame *f = &p->frames[i];
			char name[300];

			frame_name(f, name, sizeof(name));
			/* Pass 0 skips; pass 1 (everything was skipped:
			 * the crash is in the runtime itself) does not. */
			if (pass == 0 && skipped(skip, f, name))
				continue;
			if (!name[0])
				snprintf(name, sizeof(name), "%s+0x%" PRIx64,
					 f->module[0] ? f->module : "?",
					 f->offset);
			if (!taken++)
				short_name(name, first, sizeof(first));
			if (used < sizeof(p->signature))
				used += (size_t)snprintf(
				    p->signature + used,
				    sizeof(p->signature) - used, " | %s", name);
		}
	}
	h = wer_fnv1a(h, p->signature, strlen(p->signature));
	snprintf(p->stack_hash, sizeof(p->stack_hash), "%016" PRIx64, h);
	snprintf(p->title, sizeof(p->title), "%s in %s (%s)", why,
		 first[0] ? first : "?", p->app);
}
