/* SPDX-License-Identifier: MIT */
/*
 * options.c - what every verb's command line shares: options read with
 * errors a person can act on (an unknown option names the nearest known
 * one, an ambiguous abbreviation lists what it could be), and the nearest
 * of some words to a mistyped one (verbs, options).
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define WORD_MAX 64 /* characters of a word compared; longer: no match */

/* The optimal string alignment distance between a and b, case ignored:
 * insertions, deletions, substitutions and swaps of two neighbours
 * ("lsit" is 1 from "list"). WORD_MAX + 1 when either is longer. */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t d[WORD_MAX + 1][WORD_MAX + 1];

	if (la > WORD_MAX || lb > WORD_MAX)
		return WORD_MAX + 1;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			int same = tolower((unsigned char)a[i - 1]) ==
				   tolower((unsigned char)b[j - 1]);
			size_t best = d[i - 1][j - 1] + !same;

			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 &&
			    tolower((unsigned char)a[i - 1]) ==
				tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) ==
				tolower((unsigned char)b[j - 1]) &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	return d[la][lb];
}

const char *cli_nearest(const char *word, const char *const *words, size_t n)
{
	size_t len = strlen(word), best = WORD_MAX + 1, prefixed = 0;
	const char *found = NULL, *prefix_of = NULL;

	for (size_t i = 0; i < n; i++) {
		size_t d = distance(word, words[i]);

		if (d < best) {
			best = d;
			found = words[i];
		}
		if (len >= 2 && !strncasecmp(word, words[i], len)) {
			prefixed++;
			prefix_of = words[i];
		}
	}
	/* Close enough to be a slip of the fingers: one edit in a short
	 * word, two in a longer one, and never the whole word. */
	if (found && best <= (len <= 4 ? 1u : 2u) && best < strlen(found))
		return found;
	return prefixed == 1 ? prefix_of : NULL;
}

/* Says what is wrong with the long option arg ("--name" or
 * "--name=value", maybe abbreviated), which getopt refused. */
static void long_option_error(const char *verb, const char *arg,
			      const struct option *options, int missing)
{
	const char *names[64];
	size_t n = 0, len = strcspn(arg + 2, "="), matches = 0;
	const struct option *known = NULL;
	char name[WORD_MAX + 1];
	const char *nearest;

	snprintf(name, sizeof(name), "%.*s", (int)len, arg + 2);
	for (const struct option *o = options; o->name; o++) {
		if (n < sizeof(names) / sizeof(names[0]))
			names[n++] = o->name;
		if (!strcmp(o->name, name)) {
			known = o;
			matches = 1;
			break;
		}
		if (len && !strncmp(o->name, name, len)) {
			known = o;
			matches++;
		}
	}
	if (matches == 1) {
		fprintf(stderr, "wer %s: option '--%s' %s\n", verb, known->name,
			missing || known->has_arg == required_argument
			    ? "needs a value"
			    : "takes no value");
		return;
	}
	if (matches > 1) {
		fprintf(stderr,
			"wer %s: option '--%s' is ambiguous; it could be", verb,
			name);
		for (const struct option *o = options, *first = NULL; o->name;
		     o++)
			if (!strncmp(o->name, name, len)) {
				fprintf(stderr, "%s '--%s'",
					!first	       ? ""
					: matches == 1 ? " or"
						       : ",",
					o->name);
				first = first ? first : o;
				matches--;
			}
		fputc('\n', stderr);
		return;
	}
	nearest = cli_nearest(name, names, n);
	if (nearest)
		fprintf(stderr,
			"wer %s: unknown option '--%s'; did you mean "
			"'--%s'?\n",
			verb, name, nearest);
	else
		fprintf(stderr, "wer %s: unknown option '--%s'\n", verb, name);
}

int cli_getopt(int argc, char **argv, const char *shortopts,
	       const struct option *options)
{
	char spec[64];
	const char *verb = argv[0];
	int c, plus = shortopts[0] == '+';

	/* A leading ':' (after '+'): getopt says nothing itself, and tells a
	 * missing value (':') from an unknown option ('?'). */
	snprintf(spec, sizeof(spec), "%s:%s", plus ? "+" : "",
		 shortopts + plus);
	opterr = 0;
	c = getopt_long(argc, argv, spec, options, NULL);
	if (c != '?' && c != ':')
		return c;
	if (optind > 0 && optind <= argc && !strncmp(argv[optind - 1], "--", 2))
		long_option_error(verb, argv[optind - 1], options, c == ':');
	else if (c == ':')
		fprintf(stderr, "wer %s: option '-%c' needs a value\n", verb,
			optopt);
	else if (optopt > ' ' && optopt < 0x7f)
		fprintf(stderr, "wer %s: unknown option '-%c'\n", verb, optopt);
	else
		fprintf(stderr, "wer %s: unknown option\n", verb);
	fprintf(stderr, "Run 'wer %s --help' for its options.\n", verb);
	return '?';
}

int cli_usage_error(const char *verb, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "wer %s: ", verb);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nRun 'wer %s --help' for its options.\n", verb);
	return EXIT_USAGE;
}

int cli_help_only(int argc, char **argv, void (*help)(FILE *f))
{
	static const struct option options[] = {
	    {"help", no_argument, NULL, 'h'}, {0}};
	int c;

	optind = 1;
	while ((c = cli_getopt(argc, argv, "", options)) != -1) {
		if (c != 'h')
			return EXIT_USAGE;
		help(stdout);
		return -1;
	}
	return 0;
}

long cli_number_arg(const char *text, long min, long max)
{
	char *end;
	long v;

	if (!isdigit((unsigned char)text[0]))
		return -1;
	errno = 0;
	v = strtol(text, &end, 10);
	return !errno && !*end && v >= min && v <= max ? v : -1;
}
