/* SPDX-License-Identifier: MIT */
/*
 * export.c - `wer export ID -o FILE`: one report as a tar.gz a person can
 * attach to a bug (libarchive writes it).
 */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

void export_help(FILE *f)
{
	fputs("usage: wer export [-o FILE] REPORT\n"
	      "\n"
	      "Writes one report, queued or sent, as a gzip-compressed tar "
	      "archive: a\ndirectory named after the report with every file "
	      "in it (Report.wer, the\nminidump, stack.txt, attached "
	      "files...).\n"
	      "\n"
	      "  -o, --output FILE  where to write it (default ID.tar.gz; - "
	      "for stdout)\n"
	      "\n",
	      f);
	fputs(cli_report_forms, f);
	fputs("\n"
	      "The file appears whole or not at all. Exit status: 0, 1 when "
	      "there is no such\nreport, 2 usage (or REPORT names several), "
	      "3 a file could not be read or\nwritten.\n",
	      f);
}

/* Adds the regular file dir_fd/name as prefix/name. */
static int add_file(struct archive *a, int dir_fd, const char *prefix,
		    const char *name)
{
	char path[PATH_MAX + 300], buf[64 * 1024];
	struct archive_entry *e;
	struct stat st;
	int fd, err = 0;
	ssize_t n;

	/* Only regular files are part of a report: a link, a FIFO or a
	 * device planted there is left out, never followed or waited on. */
	fd = wer_report_file(dir_fd, name);
	if (fd == -EINVAL || fd == -ELOOP)
		return 0;
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return -errno;
	}
	snprintf(path, sizeof(path), "%s/%s", prefix, name);
	e = archive_entry_new();
	archive_entry_set_pathname(e, path);
	archive_entry_set_size(e, st.st_size);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_mtime(e, st.st_mtime, 0);
	if (archive_write_header(a, e) != ARCHIVE_OK)
		err = -EIO;
	for (off_t left = st.st_size; !err && left > 0; left -= n) {
		n = read(fd, buf,
			 left < (off_t)sizeof(buf) ? (size_t)left
						   : sizeof(buf));
		if (n < 0 && errno == EINTR) {
			n = 0;
			continue;
		}
		if (n <= 0) /* shrank under us: the archive would be wrong */
			err = n < 0 ? -errno : -EIO;
		else if (archive_write_data(a, buf, (size_t)n) != n)
			err = -EIO;
	}
	archive_entry_free(e);
	close(fd);
	return err;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Writes report r into the archive fd (tar.gz). */
static int write_archive(int out_fd, const struct wer_report_info *r)
{
	struct archive *a = archive_write_new();
	char *names[512];
	size_t count = 0;
	struct dirent *e;
	DIR *d;
	int dir_fd, err = 0;

	dir_fd = wer_report_reopen(cli_store(), r);
	if (!a || dir_fd < 0 || !(d = wer_dir_list(dir_fd))) {
		err = dir_fd < 0 ? dir_fd : -ENOMEM;
		goto out;
	}
	while ((e = readdir(d)) && count < sizeof(names) / sizeof(names[0]))
		if (e->d_name[0] != '.' && (names[count] = strdup(e->d_name)))
			count++;
	closedir(d);
	qsort(names, count, sizeof(names[0]), by_name);
	if (archive_write_add_filter_gzip(a) != ARCHIVE_OK ||
	    archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
	    archive_write_open_fd(a, out_fd) != ARCHIVE_OK)
		err = -EIO;
	for (size_t i = 0; i < count; i++) {
		if (!err)
			err = add_file(a, dir_fd, r->id, names[i]);
		free(names[i]);
	}
	if (archive_write_close(a) != ARCHIVE_OK && !err)
		err = -EIO;
	if (err == -EIO)
		fprintf(stderr, "wer export: %s\n",
			archive_error_string(a) ? archive_error_string(a)
						: "cannot write the archive");
out:
	if (a)
		archive_write_free(a);
	if (dir_fd >= 0)
		close(dir_fd);
	return err;
}

int export_main(int argc, char **argv)
{
	static const struct option options[] = {
	    {"output", required_argument, NULL, 'o'},
	    {"help", no_argument, NULL, 'h'},
	    {0}};
	char out_path[PATH_MAX + 16], tmp[PATH_MAX + 32];
	const char *output = NULL;
	struct wer_report_info *r = malloc(sizeof(*r));
	int c, err, fd, lock = -1;
	mode_t mask;

	optind = 1;
	while ((c = cli_getopt(argc, argv, "o:", options)) != -1) {
		if (c == 'o') {
			output = optarg;
		} else if (c == 'h') {
			export_help(stdout);
			free(r);
			return 0;
		} else {
			free(r);
			return EXIT_USAGE;
		}
	}
	if (!r)
		return EXIT_STORE;
	if (optind + 1 != argc) {
		free(r);
		return CLI_ONE_REPORT("export", optind < argc);
	}
	/* Shared: the report cannot be removed or moved while it is read. */
	if (cli_store())
		lock = wer_store_lock(cli_store(), 0);
	if ((err = cli_find_report("export", argv[optind], r)))
		goto out;
	if (output && !strcmp(output, "-")) {
		err = write_archive(STDOUT_FILENO, r) < 0 ? EXIT_STORE : 0;
		goto out;
	}
	snprintf(out_path, sizeof(out_path), "%s", output ? output : r->id);
	if (!output)
		strncat(out_path, ".tar.gz",
			sizeof(out_path) - strlen(out_path) - 1);
	/* Written beside its destination, then renamed: whole or nothing. */
	snprintf(tmp, sizeof(tmp), "%s.XXXXXX", out_path);
	if ((fd = mkstemp(tmp)) < 0) {
		fprintf(stderr, "wer export: %s: %s\n", out_path,
			strerror(errno));
		err = EXIT_STORE;
		goto out;
	}
	err = write_archive(fd, r);
	/* mkstemp made it 0600: what any new file gets under the umask. */
	mask = umask(0);
	umask(mask);
	if (!err && (fchmod(fd, 0666 & ~mask) < 0 || fsync(fd) < 0))
		err = -errno;
	close(fd);
	if (!err && rename(tmp, out_path) < 0)
		err = -errno;
	if (err) {
		if (err != -EIO)
			fprintf(stderr, "wer export: %s: %s\n", out_path,
				strerror(-err));
		unlink(tmp);
		err = EXIT_STORE;
	} else {
		printf("%s\n", out_path);
	}
out:
	if (lock >= 0)
		close(lock);
	free(r);
	return err;
}
