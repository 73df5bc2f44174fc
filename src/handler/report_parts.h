/* SPDX-License-Identifier: MIT */
/*
 * report_parts.h - between the report writer's files (report.h lists
 * them): the signature, the copies' results, file creation.
 */
#ifndef WER_REPORT_PARTS_H
#define WER_REPORT_PARTS_H

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "report.h"

/* One signature parameter: WER's Sig[n] (a crash's, or a report without
 * a crash's own parameters). */
/* A value is at most a live report's parameter (WER_MAX_PARAM_LENGTH
 * characters); a crash's are file names (at most NAME_MAX), ids and
 * numbers. Ten of them fit in three pages, each a fault when first
 * touched. */
struct wer_signature {
	const char *name;
	char value[WER_LIVE_PARAM_BYTES + 1];
};

/* What became of each registered file. */
struct wer_file_result {
	char name[96]; /* the copy's name in the report, "" when none */
	char status[96];
};

static inline const char *wer__base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* signature.c: the report's signature into sig; how many parameters. */
int wer__signature(const struct wer_job *j,
		   struct wer_signature sig[WER_LIVE_PARAMS]);

/* report_files.c */
/* A new file name in dir_fd (O_EXCL, O_NOFOLLOW, 0600), as a stream. */
FILE *wer__report_create(int dir_fd, const char *name);
/* Flushes f, starts its writeback and closes it; 0, or the first error
 * (ENOSPC, EDQUOT, EIO...) so that werfault can say why a report was not
 * written. The data is durable only after wer__report_sync. */
int wer__report_close(FILE *f);
/* Makes the report in dir_fd durable, once all of it is written. When the
 * machine has at most dirty_max KiB of page cache dirty or under
 * writeback (the report's own among it), by syncing its file system once
 * (syncfs: one journal commit and one cache flush); otherwise, or when
 * that fails, by an fsync of every file in it, then of the directory (on
 * ext4 the first commits the journal for all, and each after it costs a
 * cache flush). 0, or the first error. */
#define WER_REPORT_SYNCFS_DIRTY_KIB 2048
int wer__report_sync(int dir_fd, long dirty_max);
/* Characters outside [A-Za-z0-9._-] become '_' (file and report names). */
void wer__report_sanitize_name(char *s);
/* Copies a registered file into the report (the index-th), at most
 * WER_REPORT_FILE_MAX bytes; only regular files (a FIFO or device is
 * refused, not waited on). What became of it goes into res. */
void wer__report_copy_file(int dir_fd, const struct wer_snapshot_file *sf,
			   size_t index, struct wer_file_result *res);
int wer__report_write_stack(int dir_fd, const struct wer_job *j);
int wer__report_write_blocks(int dir_fd, const struct wer_job *j);
/* AppSettings.wer: what the application set for its own crashes in code
 * (docs/report.md), when it set anything; never uploaded. */
int wer__report_write_app_settings(int dir_fd, const struct wer_job *j);

/* report_text.c: Report.wer and WERInternalMetadata.xml. */
int wer__report_write_wer(int dir_fd, const struct wer_job *j,
			  const struct wer_signature *sig, int sig_count,
			  const char *id, const char *when,
			  const struct wer_file_result *files,
			  const struct wer_file_result *live_files);
int wer__report_write_xml(int dir_fd, const struct wer_job *j,
			  const struct wer_signature *sig, int sig_count,
			  const char *when);

/* throttle.c: counts this crash under its signature (application, its
 * build id, fault module, its build id, signal, fault offset) in
 * <store>/Throttle/<hash>; sets j->signature_count, and j->throttled once
 * DumpCount dumps of the signature were kept within the hour. */
void wer__throttle(struct wer_job *j,
		   const struct wer_signature sig[WER_LIVE_PARAMS]);

#endif /* WER_REPORT_PARTS_H */
