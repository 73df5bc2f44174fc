/* SPDX-License-Identifier: MIT */
/*
 * list.c - `wer list`: the reports, queued and sent, newest last.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "report_format.h"
#include "signals.h"
#include "store_dir.h"

#define META_FILTERS_MAX 16
#define CELL_MAX	 24 /* characters of a column (not ID, METADATA) */

void list_help(FILE *f)
{
	fputs("usage: wer list [--json] [--queued|--sent] [--app NAME] "
	      "[--signal SIG]\n                [--since TIME] [--until TIME] "
	      "[--meta KEY=VALUE]...\n                [-n N] [--reverse] "
	      "[--all-users [--store-root DIR]]\n"
	      "\n"
	      "Lists the reports, newest last: id, time, state (queued, sent "
	      "by `wer submit`,\nor degraded: queued, from a partial capture "
	      "or written by the crashed process\nitself), application, "
	      "signal, fault module and "
	      "the first metadata pairs.\nDamaged reports are listed as "
	      "such.\n"
	      "\n"
	      "  --json             one JSON array, an object per report\n"
	      "  --queued           only reports not sent yet (ReportQueue)\n"
	      "  --sent             only reports sent (ReportArchive)\n"
	      "  --app NAME         only reports of this application\n"
	      "  --signal SIG       only this signal (SIGSEGV, SEGV or 11)\n"
	      "  --since TIME       only reports at or after TIME\n"
	      "  --until TIME       only reports at or before TIME (a date: "
	      "until its end)\n"
	      "  --meta KEY=VALUE   only reports with this metadata pair "
	      "(repeatable)\n"
	      "  -n, --max-count N  only the newest N of those\n"
	      "  --reverse          newest first\n"
	      "  --all-users        (root) every store of the system mode "
	      "(docs/system.md):\n"
	      "                     each user's (DIR/users/UID), the "
	      "restricted and the\n"
	      "                     system one; a USER column says whose\n"
	      "  --store-root DIR   with --all-users: where they are "
	      "(" WER_SYSTEM_STORE_DIR ")\n"
	      "\n"
	      "TIME is one of:\n",
	      f);
	fputs(cli_time_forms, f);
	fputs("\n"
	      "Exit status: 0, 1 when no report matches (\"No reports "
	      "found.\", or [] with\n--json), 2 usage, 3 the store cannot be "
	      "read.\n",
	      f);
}

static int meta_matches(const struct wer_report_info *r, const char *kv)
{
	const char *eq = strchr(kv, '=');

	for (size_t i = 0; eq && i < r->meta_count; i++)
		if (strlen(r->meta_key[i]) == (size_t)(eq - kv) &&
		    !strncmp(r->meta_key[i], kv, (size_t)(eq - kv)) &&
		    !strcmp(r->meta_value[i], eq + 1))
			return 1;
	return 0;
}

/* A report's line, cell by cell. */
enum {
	COL_ID,
	COL_TIME,
	COL_STATE,
	COL_APP,
	COL_SIGNAL,
	COL_MODULE,
	COL_META,
	COL_COUNT
};

static const char *const headings[COL_COUNT] = {
    "ID", "TIME", "STATE", "APPLICATION", "SIGNAL", "FAULT MODULE", "METADATA"};

/* Characters (UTF-8 sequences) of s, at most max; *ret_bytes: the bytes
 * they take. */
static size_t chars(const char *s, size_t max, size_t *ret_bytes)
{
	size_t n = 0, i = 0;

	for (; s[i]; i++) {
		if (((unsigned char)s[i] & 0xc0) == 0x80)
			continue;
		if (n == max)
			break;
		n++;
	}
	*ret_bytes = i;
	return n;
}

/* Appends s to line (size bytes), at most max characters of it (control
 * characters shown as '?'), padded with spaces to width characters. */
static void put_cell(char *line, size_t size, const char *s, size_t max,
		     size_t width)
{
	size_t len = strlen(line), bytes, n = chars(s, max, &bytes);

	for (size_t i = 0; i < bytes && len + 1 < size; i++)
		line[len++] = (unsigned char)s[i] < 0x20 ? '?' : s[i];
	for (; n < width && len + 1 < size; n++)
		line[len++] = ' ';
	line[len] = '\0';
}

static void cells(const struct wer_report_info *r, char sig[64], char meta[128],
		  const char *ret[COL_COUNT])
{
	const char *signal = wer_report_sig(r, WER_SIG_NAME_SIGNAL);

	/* A report without a crash: its event type. */
	if (signal[0])
		snprintf(sig, 64, "%.*s", (int)strcspn(signal, " "), signal);
	else
		snprintf(sig, 64, "%s", r->event_type);
	meta[0] = '\0';
	for (size_t k = 0; k < r->meta_count && k < 2; k++)
		snprintf(meta + strlen(meta), 128 - strlen(meta), "%s%s=%.24s",
			 k ? " " : "", r->meta_key[k], r->meta_value[k]);
	ret[COL_ID] = r->id;
	ret[COL_TIME] = r->event_time;
	ret[COL_STATE] = r->archived   ? "sent"
			 : r->degraded ? "degraded"
				       : "queued";
	ret[COL_APP] = wer_report_app(r);
	ret[COL_SIGNAL] = sig;
	ret[COL_MODULE] = wer_report_sig(r, WER_SIG_NAME_FAULT_MODULE);
	ret[COL_META] = meta;
}

/* Prints the reports v[pick[0..n)] as a table whose columns are as wide
 * as what they hold (ID whole, the others up to CELL_MAX characters). */
static void print_table(const struct wer_report_info *v, const long *pick,
			long n, char (*owners)[64])
{
	static const size_t cap[COL_COUNT] = {
	    WER_STORE_VALUE_MAX, 19, CELL_MAX, CELL_MAX, CELL_MAX, CELL_MAX,
	    WER_STORE_VALUE_MAX};
	size_t width[COL_COUNT], bytes;
	char sig[64], meta[128], line[2048];
	const char *cell[COL_COUNT];

	size_t owner_width = strlen("USER");

	for (int c = 0; c < COL_COUNT; c++)
		width[c] = strlen(headings[c]);
	width[COL_STATE] = strlen("degraded"); /* the same in every list */
	for (long i = 0; owners && i < n; i++)
		if (strlen(owners[pick[i]]) > owner_width)
			owner_width = strlen(owners[pick[i]]);
	for (long i = 0; i < n; i++) {
		cells(&v[pick[i]], sig, meta, cell);
		for (int c = 0; c < COL_COUNT; c++) {
			size_t w = chars(cell[c], cap[c], &bytes);

			if ((c == COL_ID || !v[pick[i]].damaged) &&
			    w > width[c])
				width[c] = w;
		}
	}
	for (long i = -1; i < n; i++) {
		const struct wer_report_info *r = i < 0 ? NULL : &v[pick[i]];

		line[0] = '\0';
		if (owners)
			snprintf(line, sizeof(line), "%-*s ", (int)owner_width,
				 r ? owners[pick[i]] : "USER");
		if (r)
			cells(r, sig, meta, cell);
		for (int c = 0; c < COL_COUNT; c++) {
			if (r && r->damaged && c == COL_TIME) {
				snprintf(line + strlen(line),
					 sizeof(line) - strlen(line),
					 "(damaged: %s)", r->problem);
				break;
			}
			put_cell(line, sizeof(line), r ? cell[c] : headings[c],
				 cap[c], c + 1 < COL_COUNT ? width[c] + 1 : 0);
		}
		/* No spaces at the end of a line. */
		for (size_t len = strlen(line); len && line[len - 1] == ' ';)
			line[--len] = '\0';
		puts(line);
	}
}

/* Appends the reports of the store name under the directory at (read
 * by root, whoever owns it; opened without following a link), each with
 * owner, to *v and *owners. 0, or a negative errno. */
static int add_store(int at, const char *path, const char *name,
		     const char *owner, struct wer_report_info **v,
		     char (**owners)[64], long *n)
{
	struct wer_store store;
	struct wer_report_info *part, *nv;
	char(*no)[64];
	long k;

	store.fd =
	    openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (store.fd < 0)
		return errno == ENOENT ? 0 : -errno;
	snprintf(store.path, sizeof(store.path), "%s/%s", path, name);
	k = cli_load_store_reports(&store, &part);
	close(store.fd);
	if (k <= 0)
		return (int)k;
	nv = realloc(*v, (size_t)(*n + k) * sizeof(**v));
	if (nv)
		*v = nv;
	no = nv ? realloc(*owners, (size_t)(*n + k) * sizeof(**owners)) : NULL;
	if (!no) {
		free(part);
		return -ENOMEM;
	}
	*owners = no;
	memcpy(*v + *n, part, (size_t)k * sizeof(*part));
	for (long i = 0; i < k; i++)
		snprintf((*owners)[*n + i], sizeof(**owners), "%s", owner);
	*n += k;
	free(part);
	return 0;
}

static const struct wer_report_info *sort_base;

static int by_time_index(const void *a, const void *b)
{
	const struct wer_report_info *x = &sort_base[*(const long *)a],
				     *y = &sort_base[*(const long *)b];
	int c = strcmp(x->event_time, y->event_time);

	return c ? c : strcmp(x->id, y->id);
}

/* --all-users: every store under root_dir, oldest first, with whose it
 * is in *owners. The count, or a negative errno. */
static long load_all_users(const char *root_dir, struct wer_report_info **ret,
			   char (**owners)[64])
{
	struct wer_report_info *v = NULL, *sorted;
	char(*o)[64] = NULL, (*so)[64], users_path[PATH_MAX];
	long n = 0, *order;
	int root, users, err = 0;

	*ret = NULL;
	*owners = NULL;
	root = open(root_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (root < 0)
		return errno == ENOENT ? 0 : -errno;
	snprintf(users_path, sizeof(users_path), "%s/users", root_dir);
	users = openat(root, "users",
		       O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (users >= 0) {
		DIR *d = wer_dir_list(users);
		struct dirent *e;

		while (d && !err && (e = readdir(d))) {
			char *end, owner[64];
			unsigned long uid = strtoul(e->d_name, &end, 10);
			struct passwd *pw;

			if (!e->d_name[0] || *end ||
			    (e->d_name[0] == '0' && e->d_name[1]))
				continue;
			pw = getpwuid((uid_t)uid);
			snprintf(owner, sizeof(owner), "%.63s",
				 pw ? pw->pw_name : e->d_name);
			err = add_store(users, users_path, e->d_name, owner, &v,
					&o, &n);
		}
		if (d)
			closedir(d);
		close(users);
	}
	if (!err)
		err = add_store(root, root_dir, "restricted", "(restricted)",
				&v, &o, &n);
	if (!err)
		err =
		    add_store(root, root_dir, "system", "(system)", &v, &o, &n);
	close(root);
	order = malloc(((size_t)n + 1) * sizeof(*order));
	sorted = malloc(((size_t)n + 1) * sizeof(*sorted));
	so = malloc(((size_t)n + 1) * sizeof(*so));
	if (err || !order || !sorted || !so) {
		free(v), free(o), free(order), free(sorted), free(so);
		return err ? err : -ENOMEM;
	}
	for (long i = 0; i < n; i++)
		order[i] = i;
	sort_base = v;
	qsort(order, (size_t)n, sizeof(*order), by_time_index);
	for (long i = 0; i < n; i++) {
		sorted[i] = v[order[i]];
		memcpy(so[i], o[order[i]], sizeof(so[i]));
	}
	free(v), free(o), free(order);
	*ret = sorted;
	*owners = so;
	return n;
}

int list_main(int argc, char **argv)
{
	static const struct option options[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"app", required_argument, NULL, 'a'},
	    {"signal", required_argument, NULL, 's'},
	    {"since", required_argument, NULL, 't'},
	    {"until", required_argument, NULL, 'u'},
	    {"meta", required_argument, NULL, 'm'},
	    {"queued", no_argument, NULL, 'q'},
	    {"sent", no_argument, NULL, 'S'},
	    {"max-count", required_argument, NULL, 'n'},
	    {"reverse", no_argument, NULL, 'r'},
	    {"all-users", no_argument, NULL, 'A'},
	    {"store-root", required_argument, NULL, 'R'},
	    {"help", no_argument, NULL, 'h'},
	    {0}};
	const char *app = NULL, *metas[META_FILTERS_MAX],
		   *root_dir = WER_SYSTEM_STORE_DIR;
	char(*owners)[64] = NULL;
	int all_users = 0;
	long long since = 0, until = 0, now = (long long)time(NULL);
	int json = 0, state = -1, have_since = 0, have_until = 0, reverse = 0;
	int sig = 0, c;
	size_t meta_count = 0;
	long n, shown = 0, max_count = -1, *pick;
	struct wer_report_info *v;

	optind = 1;
	while ((c = cli_getopt(argc, argv, "n:", options)) != -1) {
		long long start, end;
		const char *why;

		switch (c) {
		case 'j':
			json = 1;
			break;
		case 'q':
		case 'S':
			state = c == 'S';
			break;
		case 'a':
			app = optarg;
			break;
		case 's':
			if (!(sig = wer__signal_from_text(optarg))) {
				fprintf(stderr,
					"wer list: --signal: no signal '%s' "
					"(a name such as SIGSEGV or SEGV, or "
					"a number such as 11)\n",
					optarg);
				return EXIT_USAGE;
			}
			break;
		case 't':
		case 'u':
			if (cli_parse_time(optarg, now, &start, &end, &why) <
			    0) {
				fprintf(stderr,
					"wer list: --%s '%s': %s\nTIME is one "
					"of:\n%s",
					c == 't' ? "since" : "until", optarg,
					why, cli_time_forms);
				return EXIT_USAGE;
			}
			if (c == 't')
				since = start, have_since = 1;
			else
				until = end, have_until = 1;
			break;
		case 'm':
			if (!strchr(optarg, '=') ||
			    meta_count == META_FILTERS_MAX) {
				fprintf(stderr,
					"wer list: --meta wants "
					"KEY=VALUE (at most %d)\n",
					META_FILTERS_MAX);
				return EXIT_USAGE;
			}
			metas[meta_count++] = optarg;
			break;
		case 'n':
			max_count = cli_number_arg(optarg, 1, LONG_MAX);
			if (max_count < 0) {
				fprintf(stderr,
					"wer list: -n wants a number of "
					"reports, 1 or more, not '%s'\n",
					optarg);
				return EXIT_USAGE;
			}
			break;
		case 'r':
			reverse = 1;
			break;
		case 'A':
			all_users = 1;
			break;
		case 'R':
			root_dir = optarg;
			break;
		case 'h':
			list_help(stdout);
			return 0;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return cli_usage_error("list", "unexpected argument '%s'",
				       argv[optind]);
	if (all_users && geteuid() != 0) {
		fprintf(stderr, "wer list: --all-users is root's: the stores "
				"are each their user's alone\n");
		return EXIT_USAGE;
	}
	n = all_users ? load_all_users(root_dir, &v, &owners)
		      : cli_load_reports(&v);
	if (n < 0) {
		fprintf(stderr, "wer list: cannot read the store: %s\n",
			strerror((int)-n));
		return EXIT_STORE;
	}
	if (!(pick = malloc(((size_t)n + 1) * sizeof(*pick)))) {
		free(v);
		free(owners);
		return EXIT_STORE;
	}
	for (long i = 0; i < n; i++) {
		const struct wer_report_info *r = &v[i];
		long long second = 0;
		int ok = 1;

		if (state >= 0 && r->archived != state)
			ok = 0;
		if (app && strcmp(wer_report_app(r), app))
			ok = 0;
		if (sig && cli_report_signal(r) != sig)
			ok = 0;
		if ((have_since || have_until) &&
		    (r->damaged ||
		     cli_event_second(r->event_time, &second) < 0 ||
		     (have_since && second < since) ||
		     (have_until && second >= until)))
			ok = 0;
		for (size_t k = 0; ok && k < meta_count; k++)
			ok = meta_matches(r, metas[k]);
		if (ok)
			pick[shown++] = i;
	}
	/* The newest max_count: the last ones, oldest first. */
	if (max_count > 0 && shown > max_count) {
		memmove(pick, pick + shown - max_count,
			(size_t)max_count * sizeof(*pick));
		shown = max_count;
	}
	for (long i = 0; reverse && i < shown / 2; i++) {
		long t = pick[i];

		pick[i] = pick[shown - 1 - i];
		pick[shown - 1 - i] = t;
	}
	if (json) {
		printf("[");
		for (long i = 0; i < shown; i++) {
			printf("%s\n  {", i ? "," : "");
			if (owners) {
				printf("\"user\": ");
				cli_json_string(stdout, owners[pick[i]]);
				printf(", ");
			}
			cli_json_report_fields(stdout, &v[pick[i]]);
			printf("}");
		}
		printf("%s]\n", shown ? "\n" : "");
	} else if (shown) {
		print_table(v, pick, shown, owners);
	} else {
		printf("No reports found.\n");
	}
	free(pick);
	free(v);
	free(owners);
	return shown ? 0 : EXIT_NOTHING;
}
