/* SPDX-License-Identifier: MIT */
/*
 * buckets.c - a bucket's life (docs/collector.md, "Workflow"): the
 * versions it was seen in; its state (new, resolved in a version,
 * ignored, regressed), note and bug link, changed by a person with a
 * triage token; a report that reopens a resolved bucket; its metadata
 * counted against the project's (over-represented values); and the top
 * crashers of an application and version.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "collector.h"
#include "multipart.h"
#include "text.h"
#include "watchdog.h"

#define NOTE_MAX    4096 /* bytes of a bucket's note */
#define BUG_URL_MAX 512	 /* bytes of its bug link */
#define VERSION_MAX 255	 /* bytes of a version it was resolved in */

int wer__version_cmp(const char *a, const char *b)
{
	return strverscmp(a, b);
}

/* Whether a report of version reopens a bucket in state, resolved in
 * resolved_in: the version holds the fix, so a report from it or from a
 * later one says the fix did not hold; a bucket resolved without a
 * version reopens at any report. */
static int reopens(const char *state, const char *resolved_in,
		   const char *version)
{
	return !strcmp(state, "resolved") &&
	       (!*resolved_in || wer__version_cmp(version, resolved_in) >= 0);
}

int wer__bucket_seen(struct wer_db *db, const struct wer_db_rows *b,
		     const char *version, const char *now)
{
	const char *first = wer__db_cell(b, 0, "first_version");
	const char *last = wer__db_cell(b, 0, "last_version");
	int regress = reopens(wer__db_cell(b, 0, "state"),
			      wer__db_cell(b, 0, "resolved_in"), version);
	/* In the order the statement names them (SQLite numbers $N by
	 * first appearance). */
	const char *p[5] = {first, last, "", now, wer__db_cell(b, 0, "id")};

	if (!*first || wer__version_cmp(version, first) < 0)
		p[0] = version;
	if (!*last || wer__version_cmp(version, last) > 0)
		p[1] = version;
	if (!regress && p[0] == first && p[1] == last)
		return 0;
	p[2] = regress ? "regressed" : wer__db_cell(b, 0, "state");
	return wer__db_exec(db,
			    "UPDATE buckets SET first_version = $1, "
			    "last_version = $2, changed = CASE WHEN state = "
			    "$3 THEN changed ELSE $4 END, state = $3 WHERE id "
			    "= $5",
			    5, p, NULL);
}

int wer__bucket_recount(struct wer_db *db, const char *id)
{
	struct wer_db_rows rows = {0};
	const char *p[3] = {id, "", ""};
	char *first = NULL, *last = NULL;
	int r;

	r = wer__db_exec(db,
			 "UPDATE buckets SET count = (SELECT count(*) FROM "
			 "reports WHERE bucket_id = buckets.id), last_seen = "
			 "(SELECT coalesce(max(received), buckets.last_seen) "
			 "FROM reports WHERE bucket_id = buckets.id) WHERE id "
			 "= $1",
			 1, p, NULL);
	if (r < 0)
		return r;
	r = wer__db_exec(db,
			 "SELECT DISTINCT version FROM reports WHERE "
			 "bucket_id = $1",
			 1, p, &rows);
	for (size_t i = 0; r >= 0 && i < rows.rows; i++) {
		char *v = (char *)wer__db_cell(&rows, i, "version");

		if (!first || wer__version_cmp(v, first) < 0)
			first = v;
		if (!last || wer__version_cmp(v, last) > 0)
			last = v;
	}
	if (r >= 0 && first) {
		p[1] = first;
		p[2] = last;
		r = wer__db_exec(db,
				 "UPDATE buckets SET first_version = $2, "
				 "last_version = $3 WHERE id = $1",
				 3, p, NULL);
	}
	wer__db_rows_free(&rows);
	return r;
}

int wer__bucket_versions_all(struct wer_db *db)
{
	struct wer_db_rows rows = {0};
	int r = wer__db_exec(db, "SELECT id FROM buckets", 0, NULL, &rows);

	for (size_t i = 0; r >= 0 && i < rows.rows; i++)
		r = wer__bucket_recount(db, wer__db_cell(&rows, i, "id"));
	wer__db_rows_free(&rows);
	return r;
}

int wer__bucket_meta_count(struct wer_db *db, const char *report_id,
			   const char *bucket_id, const char *project,
			   int delta)
{
	const char *bp[2] = {bucket_id, report_id};
	const char *pp[2] = {project, report_id};
	int r;

	if (delta > 0) {
		r = wer__db_exec(
		    db,
		    "INSERT INTO bucket_meta (bucket_id, key, value, n) "
		    "SELECT DISTINCT CAST($1 AS BIGINT), key, value, 1 FROM "
		    "report_meta "
		    "WHERE report_id = $2 ON CONFLICT (bucket_id, key, "
		    "value) DO UPDATE SET n = bucket_meta.n + 1",
		    2, bp, NULL);
		if (r >= 0 && project)
			r = wer__db_exec(
			    db,
			    "INSERT INTO meta_counts (project, key, value, n) "
			    "SELECT DISTINCT $1, key, value, 1 FROM "
			    "report_meta WHERE report_id = $2 ON CONFLICT "
			    "(project, key, value) DO UPDATE SET n = "
			    "meta_counts.n + 1",
			    2, pp, NULL);
		return r;
	}
	r = wer__db_exec(db,
			 "UPDATE bucket_meta SET n = n - 1 WHERE bucket_id = "
			 "$1 AND (key, value) IN (SELECT key, value FROM "
			 "report_meta WHERE report_id = $2)",
			 2, bp, NULL);
	if (r >= 0)
		r = wer__db_exec(db,
				 "DELETE FROM bucket_meta WHERE bucket_id = $1 "
				 "AND n <= 0",
				 1, bp, NULL);
	if (r >= 0 && project)
		r = wer__db_exec(db,
				 "UPDATE meta_counts SET n = n - 1 WHERE "
				 "project = $1 AND (key, value) IN (SELECT "
				 "key, value FROM report_meta WHERE report_id "
				 "= $2)",
				 2, pp, NULL);
	if (r >= 0 && project)
		r = wer__db_exec(db,
				 "DELETE FROM meta_counts WHERE project = $1 "
				 "AND n <= 0",
				 1, pp, NULL);
	return r;
}

int wer__bucket_day_count(struct wer_db *db, const char *bucket_id,
			  const char *received, int delta)
{
	char day[24];
	const char *p[2] = {bucket_id, day};
	char *end;
	long long t = strtoll(received, &end, 10);

	snprintf(day, sizeof(day), "%lld", t / 86400);
	if (delta > 0)
		return wer__db_exec(db,
				    "INSERT INTO bucket_days (bucket_id, day, "
				    "n) VALUES ($1, $2, 1) ON CONFLICT "
				    "(bucket_id, day) DO UPDATE SET n = "
				    "bucket_days.n + 1",
				    2, p, NULL);
	{
		int r = wer__db_exec(db,
				     "UPDATE bucket_days SET n = n - 1 WHERE "
				     "bucket_id = $1 AND day = $2",
				     2, p, NULL);

		if (r >= 0)
			r = wer__db_exec(db,
					 "DELETE FROM bucket_days WHERE "
					 "bucket_id = $1 AND day = $2 AND n "
					 "<= 0",
					 2, p, NULL);
		return r;
	}
}

/* ---- the metadata breakdown */

/* The reports of project, all buckets together; remembered a second by
 * each thread (a bucket list asks once per bucket). */
static long project_total(struct wer_collector *c, const char *project)
{
	static __thread char last[WER_COLLECTOR_PROJECT_MAX];
	static __thread long total;
	static __thread double until;
	struct wer_db_rows rows = {0};
	const char *p[1] = {project};
	double now = wer__monotonic();

	if (now < until && !strcmp(last, project))
		return total;
	if (wer__db_query(c->db,
			  "SELECT coalesce(sum(count), 0) AS n FROM buckets "
			  "WHERE project = $1",
			  1, p, &rows) < 0) {
		wer__db_rows_free(&rows);
		return 0;
	}
	total = wer__db_number(&rows, 0, "n");
	wer__db_rows_free(&rows);
	snprintf(last, sizeof(last), "%s", project);
	until = now + 1;
	return total;
}

int wer__bucket_breakdown(struct wer_collector *c, const char *bucket_id,
			  long limit, struct wer_meta_value **ret,
			  size_t *ret_count)
{
	struct wer_db_rows b = {0}, rows = {0};
	struct wer_meta_value *v = NULL;
	char lim[24];
	const char *p[2] = {bucket_id, lim};
	double in_bucket, in_project;
	size_t n = 0;
	int r;

	*ret = NULL;
	*ret_count = 0;
	snprintf(lim, sizeof(lim), "%ld", limit);
	r = wer__db_query(c->db,
			  "SELECT count, project FROM buckets WHERE id = $1", 1,
			  p, &b);
	if (r < 0 || b.rows != 1)
		goto out;
	in_bucket = (double)wer__db_number(&b, 0, "count");
	in_project = (double)project_total(c, wer__db_cell(&b, 0, "project"));
	r = wer__db_query(c->db,
			  "SELECT m.key, m.value, m.n, coalesce(a.n, 0) AS "
			  "overall FROM bucket_meta m JOIN buckets b ON b.id "
			  "= m.bucket_id LEFT JOIN meta_counts a ON a.project "
			  "= b.project AND a.key = m.key AND a.value = "
			  "m.value WHERE m.bucket_id = $1 ORDER BY m.n DESC, "
			  "m.key, m.value LIMIT $2",
			  2, p, &rows);
	if (r < 0)
		goto out;
	v = calloc(rows.rows ? rows.rows : 1, sizeof(*v));
	if (!v) {
		r = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < rows.rows; i++, n++) {
		struct wer_meta_value *e = &v[n];

		snprintf(e->key, sizeof(e->key), "%s",
			 wer__db_cell(&rows, i, "key"));
		snprintf(e->value, sizeof(e->value), "%s",
			 wer__db_cell(&rows, i, "value"));
		e->count = wer__db_number(&rows, i, "n");
		e->overall = wer__db_number(&rows, i, "overall");
		e->share = in_bucket > 0 ? (double)e->count / in_bucket : 0;
		e->share_overall =
		    in_project > 0 ? (double)e->overall / in_project : 0;
		/* Over-represented: at least twice as common in the bucket as
		 * in the project, in at least a fifth of the bucket and in two
		 * of its reports; a value nearly every report carries (a
		 * constant) never is. */
		e->over = e->count >= 2 && e->share >= 0.2 &&
			  e->share_overall < 0.99 &&
			  e->share >= 2 * e->share_overall;
	}
	*ret = v;
	*ret_count = n;
	v = NULL;
out:
	free(v);
	wer__db_rows_free(&b);
	wer__db_rows_free(&rows);
	return r < 0 ? r : 0;
}

/* ---- triage: POST /api/buckets/ID and /buckets/ID */

/* Valid UTF-8 without controls (a note keeps newlines and tabs). */
static int text_ok(const char *s, int newlines)
{
	size_t len = strlen(s);

	for (size_t i = 0; i < len;) {
		size_t n =
		    wer_utf8_char_len((const unsigned char *)s + i, len - i);

		if (!n)
			return 0;
		if (wer_text_is_control((const unsigned char *)s + i, n) &&
		    !(newlines &&
		      (s[i] == '\n' || s[i] == '\t' || s[i] == '\r')))
			return 0;
		i += n;
	}
	return 1;
}

void wer__bucket_triage(struct wer_collector *c, const char *id,
			const struct wer_scope *scope, const char *body,
			size_t len, int page, struct wer_reply *reply)
{
	char state[32], version[VERSION_MAX + 1], bug[BUG_URL_MAX + 1], now[24];
	struct wer_db_rows rows = {0};
	const char *p[7];
	int has_state, has_version, has_note, has_bug;
	char *note_buf;
	int r;

	note_buf = malloc(NOTE_MAX + 1);
	if (!note_buf) {
		wer__reply_error(reply, 503, "out of memory");
		return;
	}
	if (!scope->triage) {
		wer__reply_error(reply, 403,
				 "this read token may not triage: a project's "
				 "token made with --triage, or an admin token, "
				 "may");
		goto out;
	}
	if (!*id || strspn(id, "0123456789") != strlen(id) || strlen(id) > 18) {
		wer__reply_error(reply, 404, "no bucket %s", id);
		goto out;
	}
	has_state = wer__form_field(body, len, "state", state, sizeof(state));
	has_version =
	    wer__form_field(body, len, "version", version, sizeof(version));
	has_note = wer__form_field(body, len, "note", note_buf, NOTE_MAX + 1);
	has_bug = wer__form_field(body, len, "bug", bug, sizeof(bug));
	if (has_state < 0 || has_version < 0 || has_note < 0 || has_bug < 0) {
		wer__reply_error(reply, 400,
				 "a field is malformed or too long (note at "
				 "most %d bytes, bug %d, version %d)",
				 NOTE_MAX, BUG_URL_MAX, VERSION_MAX);
		goto out;
	}
	if (has_state && strcmp(state, "new") && strcmp(state, "resolved") &&
	    strcmp(state, "ignored")) {
		wer__reply_error(reply, 400,
				 "state is new, resolved or ignored (a "
				 "collector sets regressed)");
		goto out;
	}
	/* version (the one with the fix) goes with state=resolved; with
	 * another state it is not kept (a form sends its field anyway). */
	if (has_version && !has_state && *version) {
		wer__reply_error(reply, 400,
				 "version goes with state=resolved: the "
				 "version that has the fix");
		goto out;
	}
	if (has_state && strcmp(state, "resolved"))
		has_version = 0;
	if ((has_version && !text_ok(version, 0)) ||
	    (has_note && !text_ok(note_buf, 1)) ||
	    (has_bug && !text_ok(bug, 0))) {
		wer__reply_error(reply, 400,
				 "text is UTF-8 without control characters");
		goto out;
	}
	if (has_bug && *bug && strncmp(bug, "https://", 8) &&
	    strncmp(bug, "http://", 7)) {
		wer__reply_error(reply, 400,
				 "bug is an http:// or https:// address, or "
				 "empty");
		goto out;
	}
	if (!has_state && !has_note && !has_bug) {
		wer__reply_error(reply, 400,
				 "nothing to change: state (and version), "
				 "note or bug");
		goto out;
	}
	snprintf(now, sizeof(now), "%ld", (long)time(NULL));
	r = wer__db_begin(c->db);
	if (r >= 0) {
		struct wer_buf sql;
		int n = 0;

		/* Only the fields sent are set, each parameter named once,
		 * in order (SQLite numbers $N by first appearance;
		 * PostgreSQL refuses a parameter no statement names). */
		wer_buf_init(&sql, 1024);
		wer_buf_str(&sql, "UPDATE buckets SET ");
		if (has_state) {
			p[n++] = state;
			p[n++] = has_version ? version : "";
			p[n++] = now;
			wer_buf_printf(&sql,
				       "state = $%d, resolved_in = $%d, "
				       "changed = $%d, ",
				       n - 2, n - 1, n);
		}
		if (has_note) {
			p[n++] = note_buf;
			wer_buf_printf(&sql, "note = $%d, ", n);
		}
		if (has_bug) {
			p[n++] = bug;
			wer_buf_printf(&sql, "bug_url = $%d, ", n);
		}
		p[n++] = id;
		wer_buf_printf(&sql, "id = id WHERE id = $%d", n);
		if (!scope->all) {
			p[n++] = scope->project;
			wer_buf_printf(&sql, " AND project = $%d", n);
		}
		wer_buf_str(&sql, " RETURNING id");
		r = sql.failed ? -ENOMEM
			       : wer__db_exec(c->db, sql.data, n, p, &rows);
		wer_buf_free(&sql);
		if (r < 0)
			wer__db_rollback(c->db);
		else
			r = wer__db_commit(c->db);
	}
	if (r < 0) {
		wer__reply_error(reply, 503, "database: %s",
				 wer__db_error(c->db));
		goto out;
	}
	if (rows.rows != 1) {
		wer__reply_error(reply, 404, "no bucket %s", id);
		goto out;
	}
	if (page) {
		/* Back to the bucket's page (Post/Redirect/Get). */
		reply->status = 303;
		reply->content_type = "text/plain; charset=utf-8";
		snprintf(reply->header_name, sizeof(reply->header_name),
			 "Location");
		snprintf(reply->header_value, sizeof(reply->header_value),
			 "/buckets/%s", id);
		wer_buf_printf(&reply->body, "saved\n");
	} else {
		reply->status = 200;
		reply->content_type = "application/json";
		wer_buf_printf(&reply->body, "{\"id\":%s,\"saved\":true}\n",
			       id);
	}
out:
	wer__db_rows_free(&rows);
	free(note_buf);
}

/* ---- top crashers */

static int by_count_desc(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return x < y ? 1 : x > y ? -1 : 0;
}

int wer__top_crashers(struct wer_collector *c, const char *project,
		      const char *app, const char *version, long days,
		      struct wer_top *ret)
{
	struct wer_db_rows now = {0};
	char since[24], prev[24];
	const char *p[5];
	char where[256];
	int n = 0, r, by_day;
	time_t t = time(NULL);

	memset(ret, 0, sizeof(*ret));
	if (days < 1 || days > 365)
		return -EINVAL;
	/* Without a version: the counts kept per bucket and day (whole UTC
	 * days, today the last); with one: the reports themselves. */
	by_day = !version || !*version;
	if (by_day) {
		snprintf(since, sizeof(since), "%ld",
			 (long)(t / 86400) - days + 1);
		snprintf(prev, sizeof(prev), "%ld",
			 (long)(t / 86400) - 2 * days + 1);
	} else {
		snprintf(since, sizeof(since), "%ld", (long)t - days * 86400);
		snprintf(prev, sizeof(prev), "%ld", (long)t - 2 * days * 86400);
	}
	p[n++] = since;
	p[n++] = prev;
	where[0] = '\0';
	if (project) {
		p[n++] = project;
		snprintf(where + strlen(where), sizeof(where) - strlen(where),
			 " AND r.project = $%d", n);
	}
	if (app && *app) {
		p[n++] = app;
		snprintf(where + strlen(where), sizeof(where) - strlen(where),
			 " AND r.app = $%d", n);
	}
	if (version && *version) {
		p[n++] = version;
		snprintf(where + strlen(where), sizeof(where) - strlen(where),
			 " AND r.version = $%d", n);
	}
	{
		char sql[1024];

		/* This window and the one before it, counted per bucket
		 * ($2 is named in both so that numbering holds). */
		if (by_day) /* buckets as r: its project and app */
			snprintf(sql, sizeof(sql),
				 "SELECT d.bucket_id, sum(d.n) AS n, sum(CASE "
				 "WHEN d.day >= $1 THEN d.n ELSE 0 END) AS now "
				 "FROM bucket_days d JOIN buckets r ON r.id = "
				 "d.bucket_id WHERE d.day >= $2%s GROUP BY "
				 "d.bucket_id ORDER BY now DESC, n DESC",
				 where);
		else
			snprintf(
			    sql, sizeof(sql),
			    "SELECT r.bucket_id, count(*) AS n, sum(CASE "
			    "WHEN r.received >= $1 THEN 1 ELSE 0 END) AS "
			    "now FROM reports r WHERE r.received >= $2%s "
			    "GROUP BY r.bucket_id ORDER BY now DESC, n DESC",
			    where);
		r = wer__db_query(c->db, sql, n, p, &now);
	}
	if (r < 0)
		goto out;
	for (size_t i = 0; i < now.rows; i++) {
		long cur = wer__db_number(&now, i, "now");
		long all = wer__db_number(&now, i, "n");

		ret->total += cur;
		ret->total_before += all - cur;
	}
	/* Ranks of the window before, for the trend: 1 + how many buckets
	 * had more reports then (a sorted copy, searched). */
	{
		size_t m = now.rows;
		long *sorted = calloc(m ? m : 1, sizeof(long));

		if (!sorted) {
			r = -ENOMEM;
			goto out;
		}
		for (size_t i = 0; i < m; i++)
			sorted[i] = wer__db_number(&now, i, "n") -
				    wer__db_number(&now, i, "now");
		qsort(sorted, m, sizeof(long), by_count_desc);
		for (size_t i = 0; i < m && ret->count < WER_TOP_MAX; i++) {
			struct wer_top_row *e = &ret->row[ret->count];
			long cur = wer__db_number(&now, i, "now");
			long was = wer__db_number(&now, i, "n") - cur;
			size_t lo = 0, hi = m;

			if (!cur)
				break;
			while (lo < hi) { /* the first not greater than was */
				size_t mid = lo + (hi - lo) / 2;

				if (sorted[mid] > was)
					lo = mid + 1;
				else
					hi = mid;
			}
			snprintf(e->bucket, sizeof(e->bucket), "%s",
				 wer__db_cell(&now, i, "bucket_id"));
			e->count = cur;
			e->count_before = was;
			e->share = ret->total ? (double)cur / ret->total : 0;
			e->share_before = ret->total_before
					      ? (double)was / ret->total_before
					      : 0;
			e->rank = (long)ret->count + 1;
			e->rank_before = was ? (long)lo + 1 : 0;
			ret->count++;
		}
		free(sorted);
	}
	/* The buckets' titles and states. */
	for (size_t i = 0; i < ret->count; i++) {
		struct wer_db_rows b = {0};
		const char *bp[1] = {ret->row[i].bucket};

		if (wer__db_query(c->db,
				  "SELECT title, signature, state, "
				  "resolved_in, first_version, last_version, "
				  "bug_url FROM buckets WHERE id = $1",
				  1, bp, &b) == 0 &&
		    b.rows == 1) {
			struct wer_top_row *e = &ret->row[i];

			snprintf(e->title, sizeof(e->title), "%s",
				 *wer__db_cell(&b, 0, "title")
				     ? wer__db_cell(&b, 0, "title")
				     : wer__db_cell(&b, 0, "signature"));
			snprintf(e->state, sizeof(e->state), "%s",
				 wer__db_cell(&b, 0, "state"));
			snprintf(e->resolved_in, sizeof(e->resolved_in), "%s",
				 wer__db_cell(&b, 0, "resolved_in"));
			snprintf(e->first_version, sizeof(e->first_version),
				 "%s", wer__db_cell(&b, 0, "first_version"));
			snprintf(e->last_version, sizeof(e->last_version), "%s",
				 wer__db_cell(&b, 0, "last_version"));
		}
		wer__db_rows_free(&b);
	}
out:
	wer__db_rows_free(&now);
	return r;
}
