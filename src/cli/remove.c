/* SPDX-License-Identifier: MIT */
/*
 * remove.c - `wer rm ID...` and `wer purge`.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "settings.h"

void rm_help(FILE *f)
{
	fputs("usage: wer rm REPORT...\n"
	      "\n"
	      "Removes reports, queued or sent.\n"
	      "\n",
	      f);
	fputs(cli_report_forms, f);
	fputs("\n"
	      "Exit status: 0, 1 when a report was not found or could not be "
	      "removed (the\nothers are removed), 2 usage or a REPORT that "
	      "names several (nothing is\nremoved), 3 the store cannot be "
	      "read or locked.\n",
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

static void free_ids(char **ids, int count)
{
	for (int i = 0; i < count; i++)
		free(ids[i]);
	free(ids);
}

int rm_main(int argc, char **argv)
{
	const struct wer_store *store;
	char **ids;
	struct wer_report_info *r = malloc(sizeof(*r));
	int missing = 0, ambiguous = 0, err, lock = -1, count = 0;

	if ((err = cli_help_only(argc, argv, rm_help))) {
		free(r);
		return err < 0 ? 0 : err;
	}
	if (optind == argc) {
		free(r);
		return CLI_ONE_REPORT("rm", 0);
	}
	ids = calloc((size_t)(argc - optind), sizeof(*ids));
	if (!r || !ids) {
		free(r);
		free(ids);
		return EXIT_STORE;
	}
	/* Every REPORT is made an id first: one that names several
	 * reports removes nothing at all. */
	for (int i = optind; i < argc; i++) {
		int dup = 0;

		err = cli_find_report("rm", argv[i], r);
		if (err == EXIT_USAGE)
			ambiguous = 1;
		else if (err == EXIT_STORE) {
			free(r);
			free_ids(ids, count);
			return EXIT_STORE;
		} else if (err)
			missing = 1;
		for (int k = 0; !err && k < count; k++)
			dup |= !strcmp(ids[k], r->id);
		if (!err && !dup && (ids[count] = strdup(r->id)))
			count++;
	}
	free(r);
	if (ambiguous) {
		fprintf(stderr, "wer rm: nothing removed\n");
		free_ids(ids, count);
		return EXIT_USAGE;
	}
	if (!count) {
		free(ids);
		return EXIT_NOTHING;
	}
	if (!(store = cli_store()) || (lock = wer_store_lock(store, 1)) < 0) {
		if (store)
			fprintf(stderr, "wer rm: cannot lock the store: %s\n",
				strerror(-lock));
		free_ids(ids, count);
		return EXIT_STORE;
	}
	for (int i = 0; i < count; i++) {
		const char *area;
		int dir, area_fd;

		/* Found again under the lock: it may have been sent (moved to
		 * the archive) or removed meanwhile. Removed by descriptor:
		 * a link planted at any level is refused, never followed. */
		err = dir = wer_store_find(store, ids[i], &area);
		if (dir >= 0) {
			close(dir);
			err = area_fd = wer_store_area(store, area, 0);
			if (area_fd >= 0) {
				err = wer_report_remove(area_fd, ids[i]);
				close(area_fd);
			}
		}
		if (err < 0) {
			fprintf(stderr, "wer rm: %s: %s\n", ids[i],
				strerror(-err));
			missing = 1;
		}
	}
	if (lock >= 0)
		close(lock);
	free_ids(ids, count);
	return missing ? EXIT_NOTHING : 0;
}

int purge_main(int argc, char **argv)
{
	struct wer_settings s;
	const struct wer_store *store;
	char err_text[512];
	long removed, archived;
	int err, lock;

	if ((err = cli_help_only(argc, argv, purge_help)))
		return err < 0 ? 0 : err;
	if (optind < argc)
		return cli_usage_error("purge", "unexpected argument '%s'",
				       argv[optind]);
	if (wer_settings_load(&s, 0, err_text, sizeof(err_text)) < 0)
		fprintf(stderr, "wer purge: %s\n", err_text);
	if (!(store = cli_store())) {
		if (cli_store_error() != -ENOENT)
			return EXIT_STORE;
		printf("No reports found.\n");
		return EXIT_NOTHING;
	}
	if ((lock = wer_store_lock(store, 1)) < 0) {
		fprintf(stderr, "wer purge: cannot lock the store: %s\n",
			strerror(-lock));
		return EXIT_STORE;
	}
	removed = wer_store_trim(store, WER_STORE_QUEUE,
				 s.number[WER_SET_MAX_QUEUE_COUNT], NULL, 0);
	archived = wer_store_trim(store, WER_STORE_ARCHIVE,
				  s.number[WER_SET_MAX_ARCHIVE_COUNT], NULL, 0);
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
