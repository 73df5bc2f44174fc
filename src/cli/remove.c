/* SPDX-License-Identifier: MIT */
/*
 * remove.c - `wer rm ID...` and `wer purge`.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "settings.h"

void rm_help(FILE *f)
{
	fputs("usage: wer rm ID...\n"
	      "\n"
	      "Removes reports, queued or sent.\n"
	      "Exit status: 0, 1 when a report was not found or could not be "
	      "removed (the\nothers are removed), 3 the store cannot be "
	      "locked.\n",
	      f);
}

void purge_help(FILE *f)
{
	fputs("usage: wer purge\n"
	      "\n"
	      "Applies retention now: keeps MaxQueueCount reports in the "
	      "queue and\nMaxArchiveCount sent reports in the archive, "
	      "removing the oldest (damaged\nones first). See `wer config`.\n"
	      "\n"
	      "Exit status: 0, 1 when there is no store, 3 the store cannot be "
	      "locked or read.\n",
	      f);
}

int rm_main(int argc, char **argv)
{
	char store[PATH_MAX];
	int missing = 0, err, lock;

	if (argc < 2 || !strcmp(argv[1], "--help")) {
		rm_help(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	if ((err = wer_store_path(store, sizeof(store))) < 0 ||
	    ((lock = wer_store_lock(store, 1)) < 0 && lock != -ENOENT)) {
		fprintf(stderr, "wer rm: no store: %s\n",
			strerror(err < 0 ? -err : -lock));
		return EXIT_STORE;
	}
	for (int i = 1; i < argc; i++) {
		char dir[PATH_MAX + 300];

		err = wer_store_find(store, argv[i], dir, sizeof(dir));
		if (err == -EINVAL)
			fprintf(stderr, "wer rm: '%s' is not a report id\n",
				argv[i]);
		else if (err == 0)
			err = wer_store_remove_report(dir);
		if (err < 0 && err != -EINVAL)
			fprintf(stderr, "wer rm: %s: %s\n", argv[i],
				strerror(-err));
		if (err < 0)
			missing = 1;
	}
	if (lock >= 0)
		close(lock);
	return missing ? EXIT_NOTHING : 0;
}

int purge_main(int argc, char **argv)
{
	struct wer_settings s;
	char store[PATH_MAX], err_text[512];
	long removed, archived;
	int err, lock;

	(void)argv;
	if (argc > 1) {
		purge_help(!strcmp(argv[1], "--help") ? stdout : stderr);
		return !strcmp(argv[1], "--help") ? 0 : EXIT_USAGE;
	}
	if (wer_settings_load(&s, 0, err_text, sizeof(err_text)) < 0)
		fprintf(stderr, "wer purge: %s\n", err_text);
	if ((err = wer_store_path(store, sizeof(store))) < 0) {
		fprintf(stderr, "wer purge: no store: %s\n", strerror(-err));
		return EXIT_STORE;
	}
	if ((lock = wer_store_lock(store, 1)) < 0) {
		if (lock == -ENOENT) {
			printf("No reports found.\n");
			return EXIT_NOTHING;
		}
		fprintf(stderr, "wer purge: cannot lock the store: %s\n",
			strerror(-lock));
		return EXIT_STORE;
	}
	removed = wer_store_trim(store, WER_STORE_QUEUE,
				 s.number[WER_SET_MAX_QUEUE_COUNT], NULL);
	archived = wer_store_trim(store, WER_STORE_ARCHIVE,
				  s.number[WER_SET_MAX_ARCHIVE_COUNT], NULL);
	close(lock);
	if (removed == -ENOENT && archived == -ENOENT) {
		printf("No reports found.\n");
		return EXIT_NOTHING;
	}
	if (removed < 0 && removed != -ENOENT) {
		fprintf(stderr, "wer purge: %s\n", strerror((int)-removed));
		return EXIT_STORE;
	}
	if (archived < 0 && archived != -ENOENT)
		fprintf(stderr, "wer purge: the archive: %s\n",
			strerror((int)-archived));
	removed = removed > 0 ? removed : 0;
	printf("Removed %ld report%s (MaxQueueCount=%ld), %ld sent report%s "
	       "(MaxArchiveCount=%ld).\n",
	       removed, removed == 1 ? "" : "s",
	       s.number[WER_SET_MAX_QUEUE_COUNT], archived > 0 ? archived : 0,
	       archived == 1 ? "" : "s", s.number[WER_SET_MAX_ARCHIVE_COUNT]);
	return 0;
}
