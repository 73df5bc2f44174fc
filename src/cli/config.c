/* SPDX-License-Identifier: MIT */
/*
 * config.c - `wer config`: the effective settings and where each came from.
 */
#include <string.h>

#include "cli.h"
#include "settings.h"

void config_help(FILE *f)
{
	fputs("usage: wer config\n"
	      "\n"
	      "Prints every setting, its effective value and where it came "
	      "from: the default,\n/etc/openwer/wer.conf, "
	      "$XDG_CONFIG_HOME/openwer/wer.conf (or ~/.config/...), or an\n"
	      "environment variable (later sources win). See "
	      "docs/settings.md.\n"
	      "\n"
	      "Exit status: 0, or 3 when a settings file or variable is "
	      "malformed (it is\nnamed, with its line; crashes are still "
	      "reported, with that source ignored).\n",
	      f);
}

int config_main(int argc, char **argv)
{
	struct wer_settings s;
	char err[512];
	int r;

	if (argc > 1) {
		if (!strcmp(argv[1], "--help")) {
			config_help(stdout);
			return 0;
		}
		config_help(stderr);
		return EXIT_USAGE;
	}
	r = wer_settings_load(&s, 0, err, sizeof(err));
	for (int i = 0; i < WER_SET_COUNT; i++) {
		if (wer_setting_is_text(i))
			printf("%-20s = %-24s (%s)\n", wer_setting_name(i),
			       s.text[i], s.source[i]);
		else if (i == WER_SET_REPORT_ENV)
			printf("%-20s = %-24s (%s)\n", wer_setting_name(i),
			       s.number[i] ? "full" : "scrubbed", s.source[i]);
		else
			printf("%-20s = %-24ld (%s)\n", wer_setting_name(i),
			       s.number[i], s.source[i]);
	}
	if (r < 0) {
		fprintf(stderr, "wer config: %s\n", err);
		return EXIT_STORE;
	}
	return 0;
}
