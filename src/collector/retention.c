/* SPDX-License-Identifier: MIT */
/*
 * retention.c - deleting reports (docs/collector.md, "Retention and
 * deletion"): one at a time (DELETE /api/reports/ID, `wer-collector
 * reports remove`), and by each project's policy, by age and by size
 * (`wer-collector retention`, POST /api/retention), applied by the
 * background thread every RETENTION_PERIOD seconds and by `wer-collector
 * prune`. A report goes with its metadata, its attachments, its bytes
 * (files after the commit, database blobs in it) and its share of its
 * bucket's counts; a bucket left empty goes unless a person triaged it
 * (its state, note and bug link stay, so that a later report of a
 * resolved bug still regresses it).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "collector.h"

#define PRUNE_BATCH 200 /* reports deleted per transaction */

/* In a transaction: deletes report id (of project, NULL: any), its
 * references to remove after the commit appended to refs (a NUL
 * separated list). 1 deleted, 0 no such report, or a negative errno. */
static int delete_one(struct wer_db *db, const char *id, const char *project,
		      struct wer_buf *refs)
{
	struct wer_db_rows rep = {0}, att = {0};
	const char *p[2] = {id, project};
	const char *bucket, *owner;
	int r;

	r = wer__db_exec(db,
			 project ? "SELECT bucket_id, project, dump_path, "
				   "received FROM reports WHERE id = $1 AND "
				   "project = $2"
				 : "SELECT bucket_id, project, dump_path, "
				   "received FROM reports WHERE id = $1",
			 project ? 2 : 1, p, &rep);
	if (r < 0 || rep.rows != 1) {
		wer__db_rows_free(&rep);
		return r < 0 ? r : 0;
	}
	bucket = wer__db_cell(&rep, 0, "bucket_id");
	owner = wer__db_cell(&rep, 0, "project");
	r = wer__db_exec(db,
			 "SELECT path FROM attachments WHERE report_id = $1 "
			 "AND path <> ''",
			 1, p, &att);
	if (r >= 0)
		r = wer__bucket_meta_count(db, id, bucket, owner, -1);
	if (r >= 0)
		r = wer__bucket_day_count(
		    db, bucket, wer__db_cell(&rep, 0, "received"), -1);
	if (r >= 0)
		r = wer__db_exec(db,
				 "DELETE FROM report_meta WHERE report_id "
				 "= $1",
				 1, p, NULL);
	if (r >= 0)
		r = wer__db_exec(db,
				 "DELETE FROM attachments WHERE report_id "
				 "= $1",
				 1, p, NULL);
	for (size_t i = 0; r >= 0 && i < att.rows; i++) {
		const char *ref = wer__db_cell(&att, i, "path");

		r = wer__blob_remove(db, ref);
		if (r >= 0 && !wer__blob_in_db(ref))
			wer_buf_add(refs, ref, strlen(ref) + 1);
	}
	if (r >= 0) {
		const char *ref = wer__db_cell(&rep, 0, "dump_path");

		r = wer__blob_remove(db, ref);
		if (r >= 0 && *ref && !wer__blob_in_db(ref))
			wer_buf_add(refs, ref, strlen(ref) + 1);
	}
	if (r >= 0)
		r = wer__db_exec(db, "DELETE FROM reports WHERE id = $1", 1, p,
				 NULL);
	if (r >= 0)
		r = wer__bucket_recount(db, bucket);
	if (r >= 0) {
		const char *bp[1] = {bucket};

		r = wer__db_exec(db,
				 "DELETE FROM buckets WHERE id = $1 AND count "
				 "= 0 AND state = 'new' AND note = '' AND "
				 "bug_url = ''",
				 1, bp, NULL);
	}
	wer__db_rows_free(&att);
	wer__db_rows_free(&rep);
	return r < 0 ? r : 1;
}

/* After a commit: the files of refs. */
static void unlink_refs(const struct wer_buf *refs)
{
	for (size_t at = 0; refs->data && at < refs->len;) {
		wer__blob_unlink(refs->data + at);
		at += strlen(refs->data + at) + 1;
	}
}

/* Deletes ids[0..n) (of project, NULL: any) in one transaction. The
 * number deleted, or a negative errno (none deleted). */
static long delete_batch(struct wer_collector *c, const char *const *ids,
			 size_t n, const char *project)
{
	struct wer_buf refs;
	long deleted = 0;
	int r;

	wer_buf_init(&refs, (size_t)64 << 20);
	r = wer__db_begin(c->db);
	if (r < 0) {
		wer_buf_free(&refs);
		return r;
	}
	for (size_t i = 0; i < n && r >= 0; i++) {
		r = delete_one(c->db, ids[i], project, &refs);
		if (r > 0)
			deleted++;
	}
	if (r >= 0 && refs.failed)
		r = -ENOMEM;
	if (r < 0)
		wer__db_rollback(c->db);
	else
		r = wer__db_commit(c->db);
	if (r >= 0)
		unlink_refs(&refs);
	wer_buf_free(&refs);
	return r < 0 ? r : deleted;
}

int wer__report_delete(struct wer_collector *c, const char *id,
		       const char *project)
{
	const char *ids[1] = {id};
	long r = delete_batch(c, ids, 1, project);

	return r < 0 ? (int)r : r == 1 ? 0 : -ENOENT;
}

/* Prunes project by its policy (days, bytes: 0 no limit): reports older
 * than days, then the oldest while the project keeps more than bytes.
 * Reports deleted, or a negative errno. */
static long prune_project(struct wer_collector *c, const char *project,
			  long days, long long bytes)
{
	long total = 0;

	for (int pass = 0; pass < 2; pass++) {
		long long keep = 0;
		char since[24];

		if (pass == 0 && days <= 0)
			continue;
		if (pass == 1 && bytes <= 0)
			continue;
		snprintf(since, sizeof(since), "%ld",
			 pass == 0 ? (long)time(NULL) - days * 86400 : 0L);
		if (pass == 1) {
			struct wer_db_rows s = {0};
			const char *p[1] = {project};

			if (wer__db_query(
				c->db,
				"SELECT (SELECT coalesce(sum(dump_size), 0) "
				"FROM reports WHERE project = $1) + (SELECT "
				"coalesce(sum(size), 0) FROM attachments "
				"WHERE project = $1 AND path <> '') AS n",
				1, p, &s) < 0) {
				wer__db_rows_free(&s);
				return -EIO;
			}
			keep = wer__db_number(&s, 0, "n");
			wer__db_rows_free(&s);
			if (keep <= bytes)
				continue;
		}
		for (;;) {
			struct wer_db_rows rows = {0};
			const char *p[2] = {project, since};
			const char *ids[PRUNE_BATCH];
			size_t n = 0;
			long r;

			/* The oldest first: those older than the age, or
			 * any while the project is over its size. */
			if (wer__db_query(
				c->db,
				pass == 0
				    ? "SELECT id, dump_size AS bytes FROM "
				      "reports WHERE project = $1 AND "
				      "received < $2 ORDER BY received, id "
				      "LIMIT 200"
				    : "SELECT r.id, r.dump_size + (SELECT "
				      "coalesce(sum(a.size), 0) FROM "
				      "attachments a WHERE a.report_id = "
				      "r.id AND a.path <> '') AS bytes FROM "
				      "reports r WHERE r.project = $1 ORDER "
				      "BY r.received, r.id LIMIT 200",
				pass == 0 ? 2 : 1, p, &rows) < 0) {
				wer__db_rows_free(&rows);
				return total ? total : -EIO;
			}
			for (size_t i = 0; i < rows.rows; i++) {
				if (pass == 1 && keep <= bytes)
					break;
				ids[n++] = wer__db_cell(&rows, i, "id");
				keep -= wer__db_number(&rows, i, "bytes");
			}
			r = n ? delete_batch(c, ids, n, project) : 0;
			wer__db_rows_free(&rows);
			if (r < 0)
				return total ? total : r;
			total += r;
			if (!r || n < PRUNE_BATCH)
				break;
		}
	}
	return total;
}

long wer__retention_apply(struct wer_collector *c, const char *project)
{
	struct wer_db_rows rows = {0};
	const char *p[1] = {project};
	long total = 0;

	if (wer__db_query(c->db,
			  project ? "SELECT project, max_days, max_bytes FROM "
				    "retention WHERE project = $1"
				  : "SELECT project, max_days, max_bytes FROM "
				    "retention",
			  project ? 1 : 0, p, &rows) < 0)
		return -EIO;
	for (size_t i = 0; i < rows.rows; i++) {
		const char *name = wer__db_cell(&rows, i, "project");
		long n =
		    prune_project(c, name, wer__db_number(&rows, i, "max_days"),
				  wer__db_number(&rows, i, "max_bytes"));

		if (n < 0)
			fprintf(stderr,
				"wer-collector: retention of project %s: "
				"%s\n",
				name, strerror((int)-n));
		else
			total += n;
	}
	wer__db_rows_free(&rows);
	return total;
}

int wer__retention_set(struct wer_collector *c, const char *project, long days,
		       long long bytes)
{
	char d[24], b[24];
	const char *p[3] = {project, d, b};

	snprintf(d, sizeof(d), "%ld", days);
	snprintf(b, sizeof(b), "%lld", bytes);
	return wer__db_query(
	    c->db,
	    "INSERT INTO retention (project, max_days, "
	    "max_bytes) VALUES ($1, $2, $3) ON CONFLICT "
	    "(project) DO UPDATE SET max_days = "
	    "excluded.max_days, max_bytes = excluded.max_bytes",
	    3, p, NULL);
}

/* ---- `wer-collector reports remove ID...`, `retention ...` */

int wer__retention_command(struct wer_collector *c, int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";

	if (!strcmp(argv[0], "reports") && !strcmp(what, "remove") &&
	    argc >= 3) {
		int status = 0;

		for (int i = 2; i < argc; i++) {
			int r = wer__report_delete(c, argv[i], NULL);

			if (r < 0) {
				fprintf(stderr, "wer-collector: %s: %s\n",
					argv[i],
					r == -ENOENT ? "no such report"
						     : wer__db_error(c->db));
				status = 1;
			}
		}
		return status;
	}
	if (!strcmp(argv[0], "retention") && !strcmp(what, "list") &&
	    argc == 2) {
		struct wer_db_rows rows = {0};

		if (wer__db_query(c->db,
				  "SELECT project, max_days, max_bytes FROM "
				  "retention ORDER BY project",
				  0, NULL, &rows) < 0) {
			fprintf(stderr, "wer-collector: %s\n",
				wer__db_error(c->db));
			return 1;
		}
		for (size_t i = 0; i < rows.rows; i++)
			printf("%s\t%ld days\t%ld bytes\n",
			       wer__db_cell(&rows, i, "project"),
			       wer__db_number(&rows, i, "max_days"),
			       wer__db_number(&rows, i, "max_bytes"));
		wer__db_rows_free(&rows);
		return 0;
	}
	if (!strcmp(argv[0], "retention") && !strcmp(what, "set") &&
	    argc == 5) {
		char *end;
		long days = strtol(argv[3], &end, 10);
		long long bytes = wer__parse_size(argv[4]);

		if (*end || end == argv[3] || days < 0 || days > 36500 ||
		    bytes < 0 || !wer__project_valid(argv[2])) {
			fprintf(stderr,
				"wer-collector: retention set PROJECT DAYS "
				"SIZE: days 0 to 36500, a size (K/M/G; 0: no "
				"limit)\n");
			return 2;
		}
		if (wer__retention_set(c, argv[2], days, bytes) < 0) {
			fprintf(stderr, "wer-collector: %s\n",
				wer__db_error(c->db));
			return 1;
		}
		return 0;
	}
	if (!strcmp(argv[0], "retention") && !strcmp(what, "apply") &&
	    argc <= 3) {
		long n = wer__retention_apply(c, argc == 3 ? argv[2] : NULL);

		if (n < 0) {
			fprintf(stderr, "wer-collector: %s\n",
				wer__db_error(c->db));
			return 1;
		}
		printf("%ld report(s) deleted\n", n);
		return 0;
	}
	fprintf(stderr,
		"usage: wer-collector reports remove ID...\n"
		"       wer-collector retention list | retention set PROJECT "
		"DAYS SIZE | retention apply [PROJECT]\n");
	return 2;
}
