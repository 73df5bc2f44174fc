/* SPDX-License-Identifier: MIT */
/*
 * config.c - `wer config`: the effective settings and where each came from.
 */
#include <ctype.h>
#include <getopt.h>
#include <string.h>

#include "cli.h"
#include "settings.h"

void config_help(FILE *f)
{
	fputs(
	    "usage: wer config [--app NAME]\n"
	    "\n"
	    "Prints every setting, its effective value and where it came "
	    "from: the default,\n/etc/openwer/wer.conf, "
	    "$XDG_CONFIG_HOME/openwer/wer.conf (or ~/.config/...), or an\n"
	    "environment variable (later sources win). With --app NAME, "
	    "as the program\nNAME (its executable's base name) gets them: "
	    "each file's [app NAME] section\nover the file's other lines. "
	    "See docs/settings.md. Secrets in\nUploadURL (a password, and the "
	    "values of query parameters named like key,\ntoken, secret, "
	    "password) are printed as ***; UploadURLFile keeps the URL in "
	    "a\nfile only its owner may read.\n"
	    "\n"
	    "Exit status: 0, or 3 when a settings file or variable is "
	    "malformed (it is\nnamed, with its line; crashes are still "
	    "reported, with that source ignored).\n",
	    f);
}

/* Whether a query parameter called name[0..len) holds a secret. */
static int secret_name(const char *name, size_t len)
{
	static const char *const words[] = {"key",	  "token", "secret",
					    "pass",	  "auth",  "sig",
					    "credential", "pwd"};
	char lower[64];

	if (len >= sizeof(lower))
		len = sizeof(lower) - 1;
	for (size_t i = 0; i < len; i++)
		lower[i] = (char)tolower((unsigned char)name[i]);
	lower[len] = '\0';
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strstr(lower, words[i]))
			return 1;
	return 0;
}

/* Appends n bytes of s to buf (size bytes, *len used), as far as they
 * fit with a NUL after them. */
static void append(char *buf, size_t size, size_t *len, const char *s, size_t n)
{
	if (*len + n < size) {
		memcpy(buf + *len, s, n);
		*len += n;
	}
	buf[*len] = '\0';
}

/* url, its userinfo's password and the values of query (and fragment)
 * parameters with secret names replaced by ***, into buf. */
static void mask_url(const char *url, char *buf, size_t size)
{
	const char *scheme = strstr(url, "://"), *p = url, *at = NULL;
	size_t len = 0;

	buf[0] = '\0';
	if (scheme && scheme < url + strcspn(url, "/?#")) {
		const char *host = scheme + 3, *colon;
		size_t authority = strcspn(host, "/?#");

		for (const char *q = host; q < host + authority; q++)
			if (*q == '@')
				at = q;
		colon = at ? memchr(host, ':', (size_t)(at - host)) : NULL;
		if (colon) {
			append(buf, size, &len, url, (size_t)(colon + 1 - url));
			append(buf, size, &len, "***", 3);
			p = at;
		}
	}
	while (*p) {
		size_t n = strcspn(p, "?#&;");

		append(buf, size, &len, p, n);
		p += n;
		if (!*p)
			break;
		append(buf, size, &len, p++, 1); /* the separator */
		n = strcspn(p, "=&;#");
		if (p[n] == '=' && secret_name(p, n)) {
			append(buf, size, &len, p, n + 1);
			append(buf, size, &len, "***", 3);
			p += n + 1;
			p += strcspn(p, "&;#");
		}
	}
}

int config_main(int argc, char **argv)
{
	static const struct option options[] = {
	    {"app", required_argument, NULL, 'a'},
	    {"help", no_argument, NULL, 'h'},
	    {0}};
	struct wer_settings s;
	char err[512], masked[sizeof(s.text[0]) + 256],
	    from[sizeof(s.file[0]) + 32];
	const char *app = NULL;
	int r, c;

	optind = 1;
	while ((c = cli_getopt(argc, argv, "", options)) != -1) {
		switch (c) {
		case 'a':
			app = optarg;
			break;
		case 'h':
			config_help(stdout);
			return 0;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return cli_usage_error("config", "unexpected argument '%s'",
				       argv[optind]);
	if (app && !wer_settings_app_name_ok(app))
		return cli_usage_error("config",
				       "--app NAME: 1 to 64 of A-Z a-z 0-9 . _ "
				       "+ -");
	r = wer_settings_load_app(&s, 0, app, err, sizeof(err));
	if (r == 0)
		r = wer_settings_load_url_file(&s, err, sizeof(err));
	for (int i = 0; i < WER_SET_COUNT; i++) {
		if (i == WER_SET_UPLOAD_URL) {
			mask_url(s.text[i], masked, sizeof(masked));
			printf("%-20s = %-24s (%s)\n", wer_setting_name(i),
			       masked,
			       wer_settings_source(&s, i, from, sizeof(from)));
		} else if (wer_setting_is_text(i))
			printf("%-20s = %-24s (%s)\n", wer_setting_name(i),
			       s.text[i],
			       wer_settings_source(&s, i, from, sizeof(from)));
		else if (i == WER_SET_REPORT_ENV)
			printf("%-20s = %-24s (%s)\n", wer_setting_name(i),
			       s.number[i] ? "full" : "scrubbed",
			       wer_settings_source(&s, i, from, sizeof(from)));
		else
			printf("%-20s = %-24ld (%s)\n", wer_setting_name(i),
			       s.number[i],
			       wer_settings_source(&s, i, from, sizeof(from)));
	}
	if (r < 0) {
		fprintf(stderr, "wer config: %s\n", err);
		return EXIT_STORE;
	}
	return 0;
}
