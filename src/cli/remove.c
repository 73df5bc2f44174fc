/*
 * remove.c - `wer rm ID...` and `wer purge`.
 */
#include <errno.h>
#include <string.h>

#include "cli.h"
#include "settings.h"

void rm_help(FILE *f)
{
	fputs("usage: wer rm ID...\n"
	      "\n"
	      "Removes reports from the queue.\n"
	      "Exit status: 0, or 1 when a report was not found (the others "
	      "are removed).\n",
	      f);
}

void purge_help(FILE *f)
{
	fputs("usage: wer purge\n"
	      "\n"
	      "Applies retention now: keeps MaxQueueCount reports in the "
	      "queue, removing the\noldest (damaged ones first). See `wer "
	      "config`.\n",
	      f);
}

/* A report id names one directory of the queue: no '/', not "." or "..",
 * not hidden. */
static int valid_id(const char *id)
{
	return id[0] && id[0] != '.' && !strchr(id, '/');
}

int rm_main(int argc, char **argv)
{
	char store[PATH_MAX];
	int missing = 0, err;

	if (argc < 2 || !strcmp(argv[1], "--help")) {
		rm_help(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	if ((err = wer_store_path(store, sizeof(store))) < 0) {
		fprintf(stderr, "wer rm: no store: %s\n", strerror(-err));
		return 3;
	}
	for (int i = 1; i < argc; i++) {
		char dir[PATH_MAX + 300];

		if (!valid_id(argv[i])) {
			fprintf(stderr, "wer rm: '%s' is not a report id\n",
				argv[i]);
			missing = 1;
			continue;
		}
		snprintf(dir, sizeof(dir), "%s/ReportQueue/%s", store, argv[i]);
		if ((err = wer_store_remove_report(dir)) < 0) {
			fprintf(stderr, "wer rm: %s: %s\n", argv[i],
				strerror(-err));
			missing = 1;
		}
	}
	return missing ? EXIT_NOTHING : 0;
}

int purge_main(int argc, char **argv)
{
	struct wer_settings s;
	char store[PATH_MAX], err_text[512];
	long removed;
	int err;

	(void)argv;
	if (argc > 1) {
		purge_help(!strcmp(argv[1], "--help") ? stdout : stderr);
		return !strcmp(argv[1], "--help") ? 0 : EXIT_USAGE;
	}
	if (wer_settings_load(&s, err_text, sizeof(err_text)) < 0)
		fprintf(stderr, "wer purge: %s\n", err_text);
	if ((err = wer_store_path(store, sizeof(store))) < 0) {
		fprintf(stderr, "wer purge: no store: %s\n", strerror(-err));
		return 3;
	}
	removed = wer_store_trim_queue(store, s.number[WER_SET_MAX_QUEUE_COUNT],
				       NULL);
	if (removed < 0) {
		if (removed == -ENOENT) {
			printf("No reports found.\n");
			return EXIT_NOTHING;
		}
		fprintf(stderr, "wer purge: %s\n", strerror((int)-removed));
		return 3;
	}
	printf("Removed %ld report%s (MaxQueueCount=%ld).\n", removed,
	       removed == 1 ? "" : "s", s.number[WER_SET_MAX_QUEUE_COUNT]);
	return 0;
}
