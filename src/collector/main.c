/* SPDX-License-Identifier: MIT */
/*
 * main.c - wer-collector: options, the data directory, the database,
 * the key, token and symbols commands, and serving until SIGTERM or
 * SIGINT. usage() lists every option; docs/collector.md explains them.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <malloc.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "collector.h"
#include "io.h"
#include "server.h"
#include "wer/version.h"

#define DEFAULT_DATA "/var/lib/openwer-collector"

static void usage(FILE *f)
{
	fprintf(
	    f, "usage: wer-collector [options]             serve\n"
	       "       wer-collector [options] key add PROJECT [KEY] | key "
	       "list | key remove ID|KEY\n"
	       "       wer-collector [options] symbol-key add PROJECT [KEY] | "
	       "symbol-key list\n"
	       "                                           | symbol-key remove "
	       "ID|KEY\n"
	       "       wer-collector [options] token add PROJECT [--triage] "
	       "[TOKEN] | token add --admin\n"
	       "                                           [TOKEN] | token "
	       "list\n"
	       "                                           | token remove "
	       "ID|TOKEN\n"
	       "       wer-collector [options] symbols list [PROJECT] | "
	       "symbols remove PROJECT BUILD_ID\n"
	       "       wer-collector [options] reports remove ID... | "
	       "retention list\n"
	       "                                           | retention set "
	       "PROJECT DAYS SIZE\n"
	       "                                           | retention "
	       "apply [PROJECT]\n"
	       "options:\n"
	       "  --listen HOST:PORT     address to serve (127.0.0.1:8080; "
	       "port 0 picks one)\n"
	       "  --db URL               sqlite:///PATH (default "
	       "sqlite://DATA/collector.db)\n"
	       "                         or postgresql://USER@HOST/DB\n"
	       "  --data DIR             minidumps and symbols (" DEFAULT_DATA
	       ")\n"
	       "  --public               pages and API readable without a "
	       "token (every project)\n"
	       "  --trust-proxy          believe X-Forwarded-Proto from a "
	       "reverse proxy (cookies)\n"
	       "limits (sizes take K/M/G suffixes):\n"
	       "  --max-body BYTES       largest upload, inflated too (20M)\n"
	       "  --max-symbols BYTES    largest symbol upload (64M)\n"
	       "  --max-inflight BYTES   request bodies in memory, all "
	       "together (128M, at least\n"
	       "                         twice the largest upload)\n"
	       "  --key-inflight BYTES   one key's share of it (a quarter)\n"
	       "  --rate N               reports per second per ingest key "
	       "(100; 0: no limit)\n"
	       "  --burst N              reports a key may send at once (2 x "
	       "rate)\n"
	       "  --symbol-rate N        symbol uploads per minute per symbol "
	       "key (30; 0: none)\n"
	       "  --max-connections N    connections at once (4096)\n"
	       "  --per-ip N             connections from one address (64; 0: "
	       "no limit)\n"
	       "  --header-timeout S     seconds for a request's header block "
	       "(10; 0: none)\n"
	       "  --body-timeout S       grace in seconds for a request body "
	       "(20), then ...\n"
	       "  --min-rate BYTES       ... it must come at this many bytes a "
	       "second (1024; 0: none)\n"
	       "  --io-threads N         threads reading and writing "
	       "connections (2)\n"
	       "  --workers N            threads storing reports and answering "
	       "queries (16)\n"
	       "  --symbols-memory MB    address space of libdw's process "
	       "reading symbols (256)\n"
	       "  --symbols-timeout MS   and its time (10000)\n"
	       "  --tls-cert FILE        serve HTTPS with this certificate "
	       "(PEM, its chain\n"
	       "                         after it) ...\n"
	       "  --tls-key FILE         ... and its private key (PEM)\n"
	       "  --debuginfod URLS      ask these debuginfod servers for "
	       "the debug files\n"
	       "                         of modules without uploaded "
	       "symbols\n"
	       "  --signature-skip FILE  more frames signatures skip "
	       "(\"module PATTERN\",\n"
	       "                         \"function PATTERN\" lines)\n"
	       "  --blobs files|database where minidumps and attachments are "
	       "kept (files:\n"
	       "                         under DATA; database: no shared "
	       "disk between hosts)\n"
	       "  --max-attachments BYTES  attachments kept per report "
	       "(8M)\n"
	       "  --attachments-quota BYTES  ... per project (1G; 0: no "
	       "limit)\n"
	       "  --sweep-age SECONDS    age of unfinished files removed at "
	       "start (300)\n"
	       "  --port-file FILE       write the bound port there once "
	       "listening\n"
	       "docs/collector.md has the API and the schema.\n");
}

/* A PEM file's text (at most 1 MiB), or NULL with a message. */
static char *read_pem(const char *option, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	char *text = malloc(1 << 20);
	size_t n = 0;

	if (fd < 0 || !text) {
		fprintf(stderr, "wer-collector: %s %s: %s\n", option, path,
			strerror(fd < 0 ? errno : ENOMEM));
		if (fd >= 0)
			close(fd);
		free(text);
		return NULL;
	}
	n = wer_read_fd_capped(fd, text, (1 << 20) - 1);
	close(fd);
	text[n] = '\0';
	if (!strstr(text, "-----BEGIN ")) {
		fprintf(stderr, "wer-collector: %s %s: not a PEM file\n",
			option, path);
		free(text);
		return NULL;
	}
	return text;
}

/* A size with an optional K/M/G suffix; -1 when it is not one. */
long long wer__parse_size(const char *s)
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

/* A number of option opt within [min, max]; exits the program when it is
 * not one. */
static double number(const char *opt, const char *s, double min, double max)
{
	char *end;
	double n = strtod(s, &end);

	if (end == s || *end || !(n >= min && n <= max)) {
		fprintf(stderr, "wer-collector: --%s: a number from %g to %g\n",
			opt, min, max);
		exit(2);
	}
	return n;
}

static size_t size_option(const char *opt, const char *s)
{
	long long n = wer__parse_size(s);

	if (n <= 0) {
		fprintf(stderr, "wer-collector: --%s: a size in bytes\n", opt);
		exit(2);
	}
	return (size_t)n;
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

/* Enough descriptors for --max-connections: the soft limit raised to the
 * hard one, the connections lowered when even that is short. */
static void fit_descriptors(struct wer_collector *c)
{
	struct rlimit rl;
	rlim_t need = (rlim_t)c->max_connections + 128;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return;
	if (rl.rlim_cur < need && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max < need ? rl.rlim_max : need;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur < need) {
		unsigned fit =
		    rl.rlim_cur > 256 ? (unsigned)rl.rlim_cur - 128 : 128;

		fprintf(stderr,
			"wer-collector: %u connections need %llu open files; "
			"the limit is %llu: serving %u\n",
			c->max_connections, (unsigned long long)need,
			(unsigned long long)rl.rlim_cur, fit);
		c->max_connections = fit;
	}
}

/* HOST:PORT or [V6]:PORT into host and *port. 0 or -1. */
static int split_listen(const char *listen, char *host, size_t size,
			const char **port)
{
	const char *end =
	    listen[0] == '[' ? strchr(listen, ']') : strrchr(listen, ':');
	const char *start = listen[0] == '[' ? listen + 1 : listen;

	if (!end || (listen[0] == '[' && end[1] != ':') ||
	    (size_t)(end - start) >= size)
		return -1;
	memcpy(host, start, (size_t)(end - start));
	host[end - start] = '\0';
	*port = listen[0] == '[' ? end + 2 : end + 1;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"listen", required_argument, NULL, 'l'},
	    {"db", required_argument, NULL, 'd'},
	    {"data", required_argument, NULL, 'D'},
	    {"public", no_argument, NULL, 'p'},
	    {"trust-proxy", no_argument, NULL, 'T'},
	    {"max-body", required_argument, NULL, 'm'},
	    {"max-symbols", required_argument, NULL, 'y'},
	    {"max-inflight", required_argument, NULL, 'i'},
	    {"key-inflight", required_argument, NULL, 'k'},
	    {"rate", required_argument, NULL, 'r'},
	    {"burst", required_argument, NULL, 'b'},
	    {"symbol-rate", required_argument, NULL, 'R'},
	    {"max-connections", required_argument, NULL, 'C'},
	    {"per-ip", required_argument, NULL, 'I'},
	    {"header-timeout", required_argument, NULL, 'H'},
	    {"body-timeout", required_argument, NULL, 'B'},
	    {"min-rate", required_argument, NULL, 'M'},
	    {"io-threads", required_argument, NULL, 'o'},
	    {"workers", required_argument, NULL, 'w'},
	    {"symbols-memory", required_argument, NULL, 'e'},
	    {"symbols-timeout", required_argument, NULL, 't'},
	    {"sweep-age", required_argument, NULL, 's'},
	    {"blobs", required_argument, NULL, 'O'},
	    {"max-attachments", required_argument, NULL, 'a'},
	    {"attachments-quota", required_argument, NULL, 'Q'},
	    {"signature-skip", required_argument, NULL, 'S'},
	    {"debuginfod", required_argument, NULL, 'G'},
	    {"tls-cert", required_argument, NULL, 'c'},
	    {"tls-key", required_argument, NULL, 'K'},
	    {"port-file", required_argument, NULL, 'P'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	static struct wer_collector c;
	const char *listen = "127.0.0.1:8080", *db_url = NULL;
	const char *data = DEFAULT_DATA, *port_file = NULL;
	const char *debuginfod_urls = NULL, *tls_cert = NULL, *tls_key = NULL;
	char default_db[PATH_MAX + 32], err[1024], host[256],
	    sub[PATH_MAX + 16];
	const char *port;
	struct addrinfo hints = {0}, *ai = NULL;
	struct wer_server *server;
	size_t largest;
	sigset_t set;
	unsigned bound;
	int opt, sig, r;

	c.max_body = WER_COLLECTOR_MAX_BODY;
	c.max_symbols = WER_COLLECTOR_SYMBOLS_MAX;
	c.rate = 100;
	c.burst = -1;
	c.symbol_rate = 30;
	c.max_connections = 4096;
	c.per_ip = 64;
	c.header_timeout = 10;
	c.body_timeout = 20;
	c.min_rate = 1024;
	c.io_threads = 2;
	c.workers = 16;
	c.symbols_memory_mb = 256;
	c.symbols_timeout_ms = 10000;
	c.sweep_age = 300;
	c.max_attachments = 8 << 20;
	c.attachments_quota = (size_t)1 << 30;
	wer__skip_defaults(&c.skip);
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
		case 'p':
			c.public_read = 1;
			break;
		case 'T':
			c.trust_proxy = 1;
			break;
		case 'm':
			c.max_body = size_option("max-body", optarg);
			break;
		case 'y':
			c.max_symbols = size_option("max-symbols", optarg);
			break;
		case 'i':
			c.max_inflight = size_option("max-inflight", optarg);
			break;
		case 'k':
			c.key_inflight = size_option("key-inflight", optarg);
			break;
		case 'r':
			c.rate = number("rate", optarg, 0, 1e9);
			break;
		case 'b':
			c.burst = number("burst", optarg, 1, 1e9);
			break;
		case 'R':
			c.symbol_rate = number("symbol-rate", optarg, 0, 1e9);
			break;
		case 'C':
			c.max_connections = (unsigned)number(
			    "max-connections", optarg, 1, 1000000);
			break;
		case 'I':
			c.per_ip =
			    (unsigned)number("per-ip", optarg, 0, 1000000);
			break;
		case 'H':
			c.header_timeout =
			    number("header-timeout", optarg, 0, 86400);
			break;
		case 'B':
			c.body_timeout =
			    number("body-timeout", optarg, 0, 86400);
			break;
		case 'M':
			c.min_rate = number("min-rate", optarg, 0, 1e12);
			break;
		case 'o':
			c.io_threads =
			    (unsigned)number("io-threads", optarg, 1, 256);
			break;
		case 'w':
			c.workers =
			    (unsigned)number("workers", optarg, 1, 1024);
			break;
		case 'e':
			c.symbols_memory_mb =
			    (long)number("symbols-memory", optarg, 1, 1 << 20);
			break;
		case 't':
			c.symbols_timeout_ms =
			    (long)number("symbols-timeout", optarg, 1, 3600000);
			break;
		case 's':
			c.sweep_age = (long)number("sweep-age", optarg, 0, 1e9);
			break;
		case 'P':
			port_file = optarg;
			break;
		case 'G':
			debuginfod_urls = optarg;
			break;
		case 'c':
			tls_cert = optarg;
			break;
		case 'O':
			if (strcmp(optarg, "files") &&
			    strcmp(optarg, "database")) {
				fprintf(stderr, "wer-collector: --blobs: files "
						"or database\n");
				return 2;
			}
			c.blobs_in_db = !strcmp(optarg, "database");
			break;
		case 'a':
			c.max_attachments =
			    size_option("max-attachments", optarg);
			break;
		case 'Q':
			/* 0: no quota */
			c.attachments_quota =
			    strcmp(optarg, "0")
				? size_option("attachments-quota", optarg)
				: 0;
			break;
		case 'K':
			tls_key = optarg;
			break;
		case 'S':
			if (wer__skip_load(&c.skip, optarg, err, sizeof(err)) <
			    0) {
				fprintf(stderr, "wer-collector: %s\n", err);
				return 2;
			}
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
	if (!tls_cert != !tls_key) {
		fprintf(stderr, "wer-collector: --tls-cert and --tls-key go "
				"together\n");
		return 2;
	}
	if (tls_cert) {
		if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
			fprintf(stderr, "wer-collector: this libmicrohttpd has "
					"no TLS (built without GnuTLS)\n");
			return 2;
		}
		if (!(c.tls_cert = read_pem("--tls-cert", tls_cert)) ||
		    !(c.tls_key = read_pem("--tls-key", tls_key)))
			return 2;
	}
	if (c.burst < 0)
		c.burst = c.rate * 2 < 1 ? 1 : c.rate * 2;
	largest = c.max_body > c.max_symbols ? c.max_body : c.max_symbols;
	if (!c.max_inflight)
		c.max_inflight = 2 * largest > 128u * 1024 * 1024
				     ? 2 * largest
				     : 128u * 1024 * 1024;
	if (c.max_inflight <= largest) {
		fprintf(stderr, "wer-collector: --max-inflight must hold the "
				"largest upload (--max-body, --max-symbols)\n");
		return 2;
	}
	if (!c.key_inflight)
		c.key_inflight = c.max_inflight / 4;
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
		const char *verb = argv[optind];

		if (!strcmp(verb, "symbols"))
			r = wer__symbols_command(&c, argc - optind,
						 argv + optind);
		else if (!strcmp(verb, "reports") || !strcmp(verb, "retention"))
			r = wer__retention_command(&c, argc - optind,
						   argv + optind);
		else if (!strcmp(verb, "key") || !strcmp(verb, "symbol-key") ||
			 !strcmp(verb, "token"))
			r = wer__access_command(&c, argc - optind,
						argv + optind);
		else {
			usage(stderr);
			r = 2;
		}
		wer__db_close(c.db);
		return r;
	}
	wer__ingest_sweep(&c);
	/* debuginfod only when asked (the environment's DEBUGINFOD_URLS is
	 * the host's, not the collector's), with a cache in DATA and a time
	 * limit of its own; set before any thread runs. */
	unsetenv("DEBUGINFOD_URLS");
	if (debuginfod_urls && *debuginfod_urls) {
		snprintf(sub, sizeof(sub), "%s/debuginfod", c.data_dir);
		setenv("DEBUGINFOD_URLS", debuginfod_urls, 1);
		setenv("DEBUGINFOD_CACHE_PATH", sub, 1);
		setenv("DEBUGINFOD_TIMEOUT", "5", 0);
		c.debuginfod = 1;
	}

	if (split_listen(listen, host, sizeof(host), &port) < 0) {
		fprintf(stderr, "wer-collector: --listen HOST:PORT or "
				"[ADDR]:PORT\n");
		return 2;
	}
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	r = getaddrinfo(host[0] ? host : NULL, port, &hints, &ai);
	if (r) {
		fprintf(stderr, "wer-collector: %s: %s\n", listen,
			gai_strerror(r));
		return 2;
	}
	fit_descriptors(&c);
	/* Bodies of 128 KiB and more get mappings of their own, given back
	 * when freed: the budget counts what the process holds, not what
	 * glibc would keep for later. */
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);
	/* Signals are taken with sigwait: block them before the server's
	 * threads start, so that they inherit the mask. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	server = wer__server_start(&c, ai->ai_addr, &bound);
	freeaddrinfo(ai);
	if (!server) {
		fprintf(stderr, "wer-collector: cannot listen on %s\n", listen);
		wer__db_close(c.db);
		return 1;
	}
	fprintf(stderr,
		"wer-collector: listening on %s port %u (%s, data %s)\n", host,
		bound, c.db->ops->name, c.data_dir);
	if (wer__reprocess_start(&c) < 0)
		fprintf(stderr, "wer-collector: no thread for reprocessing "
				"after symbol uploads: uploads will queue it "
				"for the next start\n");
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
	wer__server_stop(server);
	wer__reprocess_stop();
	wer__db_close(c.db);
	return 0;
}
