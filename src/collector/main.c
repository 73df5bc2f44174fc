/* SPDX-License-Identifier: MIT */
/*
 * main.c - wer-collector: options, the data directory, the database,
 * key commands, and serving until SIGTERM or SIGINT.
 *
 *   wer-collector [--listen HOST:PORT] [--db URL] [--data DIR]
 *                 [--max-body BYTES] [--public] [--rate N] [--burst N]
 *                 [--sweep-age SECONDS] [--port-file FILE]
 *   wer-collector [--db URL] [--data DIR] key add PROJECT [KEY] | key list
 *                 | key remove KEY | token add [TOKEN] | token list
 *                 | token remove TOKEN
 */
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "collector.h"
#include "server.h"
#include "wer/version.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: wer-collector [options]             serve\n"
		"       wer-collector [options] key add PROJECT [KEY] | key "
		"list | key remove KEY\n"
		"       wer-collector [options] token add [TOKEN] | token list "
		"| token remove TOKEN\n"
		"options:\n"
		"  --listen HOST:PORT   address to serve (127.0.0.1:8080; "
		"port 0 picks one)\n"
		"  --db URL             sqlite:///PATH (default "
		"sqlite://DATA/collector.db)\n"
		"                       or postgresql://USER@HOST/DB\n"
		"  --data DIR           minidumps and symbols "
		"(/var/lib/openwer)\n"
		"  --max-body BYTES     largest upload, K/M/G suffixes (20M)\n"
		"  --public             pages and API readable without a "
		"token\n"
		"  --rate N             reports per second per ingest key "
		"(100; 0: no limit)\n"
		"  --burst N            reports a key may send at once (2 x "
		"rate)\n"
		"  --sweep-age SECONDS  age of unfinished files removed at "
		"start (300)\n"
		"  --port-file FILE     write the bound port there once "
		"listening\n"
		"docs/collector.md has the API and the schema.\n");
}

static long long parse_size(const char *s)
{
	char *end;
	long long n = strtoll(s, &end, 10);

	if (end == s || n < 0)
		return -1;
	switch (*end) {
	case 'K':
	case 'k':
		n *= 1024, end++;
		break;
	case 'M':
	case 'm':
		n *= 1024 * 1024, end++;
		break;
	case 'G':
	case 'g':
		n *= 1024LL * 1024 * 1024, end++;
		break;
	}
	return *end ? -1 : n;
}

static int make_dir(const char *path)
{
	if (mkdir(path, 0750) < 0 && errno != EEXIST) {
		fprintf(stderr, "wer-collector: %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"listen", required_argument, NULL, 'l'},
	    {"db", required_argument, NULL, 'd'},
	    {"data", required_argument, NULL, 'D'},
	    {"max-body", required_argument, NULL, 'm'},
	    {"public", no_argument, NULL, 'p'},
	    {"rate", required_argument, NULL, 'r'},
	    {"burst", required_argument, NULL, 'b'},
	    {"sweep-age", required_argument, NULL, 's'},
	    {"port-file", required_argument, NULL, 'P'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	static struct wer_collector c;
	const char *listen = "127.0.0.1:8080", *db_url = NULL;
	const char *data = "/var/lib/openwer", *port_file = NULL;
	char default_db[PATH_MAX + 32], err[1024], host[256],
	    sub[PATH_MAX + 16];
	const char *port;
	struct addrinfo hints = {0}, *ai = NULL;
	struct MHD_Daemon *daemon;
	sigset_t set;
	unsigned bound;
	long long n;
	int opt, sig, r;

	c.max_body = WER_COLLECTOR_MAX_BODY;
	c.rate = 100;
	c.burst = -1;
	c.sweep_age = 300;
	while ((opt = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (opt) {
		case 'l':
			listen = optarg;
			break;
		case 'd':
			db_url = optarg;
			break;
		case 'D':
			data = optarg;
			break;
		case 'm':
			n = parse_size(optarg);
			if (n <= 0) {
				fprintf(stderr, "wer-collector: --max-body: "
						"a size in bytes\n");
				return 2;
			}
			c.max_body = (size_t)n;
			break;
		case 'p':
			c.public_read = 1;
			break;
		case 'r':
			c.rate = atof(optarg);
			break;
		case 'b':
			c.burst = atof(optarg);
			break;
		case 's':
			c.sweep_age = atol(optarg);
			break;
		case 'P':
			port_file = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			puts("wer-collector (openwer) " WER_VERSION_STRING);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (c.burst < 0)
		c.burst = c.rate * 2 < 1 ? 1 : c.rate * 2;
	pthread_mutex_init(&c.rate_lock, NULL);
	if (data[0] != '/') {
		fprintf(stderr, "wer-collector: --data needs an absolute "
				"path\n");
		return 2;
	}
	snprintf(c.data_dir, sizeof(c.data_dir), "%s", data);
	if (make_dir(c.data_dir) < 0)
		return 1;
	for (const char *const *d =
		 (const char *const[]){"tmp", "dumps", "symbols", NULL};
	     *d; d++) {
		snprintf(sub, sizeof(sub), "%s/%s", c.data_dir, *d);
		if (make_dir(sub) < 0)
			return 1;
	}
	if (!db_url) {
		snprintf(default_db, sizeof(default_db),
			 "sqlite://%s/collector.db", c.data_dir);
		db_url = default_db;
	}
	r = wer__db_open(db_url, &c.db, err, sizeof(err));
	if (r < 0) {
		fprintf(stderr, "wer-collector: %s\n", err);
		return 1;
	}
	if (optind < argc) {
		if (strcmp(argv[optind], "key") &&
		    strcmp(argv[optind], "token")) {
			usage(stderr);
			return 2;
		}
		r = wer__access_command(&c, argc - optind, argv + optind);
		wer__db_close(c.db);
		return r;
	}
	wer__ingest_sweep(&c);

	/* HOST:PORT, [V6]:PORT */
	if (listen[0] == '[') {
		const char *close = strchr(listen, ']');

		if (!close || close[1] != ':' ||
		    (size_t)(close - listen - 1) >= sizeof(host)) {
			fprintf(stderr,
				"wer-collector: --listen [ADDR]:PORT\n");
			return 2;
		}
		memcpy(host, listen + 1, (size_t)(close - listen - 1));
		host[close - listen - 1] = '\0';
		port = close + 2;
	} else {
		const char *colon = strrchr(listen, ':');

		if (!colon || (size_t)(colon - listen) >= sizeof(host)) {
			fprintf(stderr, "wer-collector: --listen HOST:PORT\n");
			return 2;
		}
		memcpy(host, listen, (size_t)(colon - listen));
		host[colon - listen] = '\0';
		port = colon + 1;
	}
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	r = getaddrinfo(host[0] ? host : NULL, port, &hints, &ai);
	if (r) {
		fprintf(stderr, "wer-collector: %s: %s\n", listen,
			gai_strerror(r));
		return 2;
	}
	/* Signals are taken with sigwait: block them before the server's
	 * threads start, so that they inherit the mask. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	daemon = wer__server_start(&c, ai->ai_addr, &bound);
	freeaddrinfo(ai);
	if (!daemon) {
		fprintf(stderr, "wer-collector: cannot listen on %s\n", listen);
		wer__db_close(c.db);
		return 1;
	}
	fprintf(stderr,
		"wer-collector: listening on %s port %u (%s, data %s)\n", host,
		bound, c.db->ops->name, c.data_dir);
	if (port_file) {
		char tmp[PATH_MAX + 8];
		FILE *f;

		snprintf(tmp, sizeof(tmp), "%s.tmp", port_file);
		f = fopen(tmp, "we");
		if (!f || fprintf(f, "%u\n", bound) < 0 || fclose(f) != 0 ||
		    rename(tmp, port_file) < 0) {
			fprintf(stderr, "wer-collector: %s: %s\n", port_file,
				strerror(errno));
			return 1;
		}
	}
	sigwait(&set, &sig);
	fprintf(stderr, "wer-collector: stopping (signal %d)\n", sig);
	MHD_stop_daemon(daemon);
	wer__db_close(c.db);
	return 0;
}
