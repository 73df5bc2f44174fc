/* SPDX-License-Identifier: MIT */
/*
 * api.c - the JSON query API, each answer within the projects the read
 * token may read (one, or every one for an admin token, which may narrow
 * to one with ?project=):
 *   GET /api/buckets[?app=&limit=]
 *   GET /api/buckets/<id>
 *   GET /api/top?app=&version=&days=
 *   GET /api/retention
 * and, with a token that may triage (server.c routes them):
 *   POST /api/buckets/<id>, DELETE /api/reports/<id>, POST /api/retention
 *   GET /api/reports?app=&signal=&since=&bucket=&meta.<Key>=<Value>&limit=
 *   GET /api/reports/<id>
 *   GET /api/reports/<id>/minidump
 *   GET /api/reports/<id>/attachments/<name>
 * Every string goes through wer_json_add_string (src/common/text.h: the
 * one JSON string policy, controls as \u00XX, invalid UTF-8 as U+FFFD).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "collector.h"
#include "multipart.h"
#include "signals.h"
#include "iso_time.h"
#include "text.h"

/* A signal= value: a number as it is (reports keep numbers: 0 for one
 * without a signal), else a signal's name as src/common/signals.c reads
 * it ("SIGSEGV", "segv"); -1 for neither. */
static long signal_query(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (*s && !*end)
		return n;
	n = wer__signal_from_text(s);
	return n ? n : -1;
}

void wer__reply_error(struct wer_reply *reply, unsigned status, const char *fmt,
		      ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	reply->status = status;
	reply->content_type = "application/json";
	reply->body.len = 0;
	reply->body.failed = 0;
	wer_buf_str(&reply->body, "{\"error\":");
	wer_json_add_string(&reply->body, msg);
	wer_buf_str(&reply->body, "}\n");
}

/* Seconds since the epoch from "1700000000", "2026-11-25" or
 * "2026-11-25T10:00:00Z"; -1 when unreadable. */
static long parse_since(const char *s)
{
	struct tm tm;
	char *end;
	long n = strtol(s, &end, 10);

	if (*s && !*end)
		return n;
	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!end) {
		memset(&tm, 0, sizeof(tm));
		end = strptime(s, "%Y-%m-%d", &tm);
	}
	if (!end || (*end && strcmp(end, "Z")))
		return -1;
	return (long)timegm(&tm);
}

static enum MHD_Result meta_arg(void *cls, enum MHD_ValueKind kind,
				const char *key, const char *value)
{
	struct wer_report_query *q = cls;

	(void)kind;
	if (!strncmp(key, "meta.", 5) && key[5] && value &&
	    q->meta_count == sizeof(q->meta_key) / sizeof(q->meta_key[0]))
		q->too_many = 1;
	else if (!strncmp(key, "meta.", 5) && key[5] && value) {
		q->meta_key[q->meta_count] = key + 5;
		q->meta_value[q->meta_count] = value;
		q->meta_count++;
	}
	return MHD_YES;
}

const char *wer__scope_project(struct MHD_Connection *conn,
			       const struct wer_scope *scope)
{
	const char *p;

	if (!scope->all)
		return scope->project;
	p = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "project");
	return p && *p ? p : NULL;
}

/* ?limit=: absent or empty is 100; a whole number from 1, at most 1000
 * (larger asks for 1000); anything else is -1 (a 400). */
static long limit_arg(const char *text)
{
	unsigned long long n;
	char *end;

	if (!text || !*text)
		return 100;
	if (!isdigit((unsigned char)*text))
		return -1;
	errno = 0;
	n = strtoull(text, &end, 10);
	if (*end || n == 0)
		return -1;
	return errno == ERANGE || n > 1000 ? 1000 : (long)n;
}

/* ?offset=: absent or empty is 0; a whole number, at most 10^9; anything
 * else is -1 (a 400). */
static long offset_arg(const char *text)
{
	unsigned long long n;
	char *end;

	if (!text || !*text)
		return 0;
	if (!isdigit((unsigned char)*text))
		return -1;
	errno = 0;
	n = strtoull(text, &end, 10);
	return *end || errno == ERANGE || n > 1000000000 ? -1 : (long)n;
}

void wer__query_from_args(struct MHD_Connection *conn,
			  const struct wer_scope *scope,
			  struct wer_report_query *q)
{
	const char *limit;

	memset(q, 0, sizeof(*q));
	q->project = wer__scope_project(conn, scope);
	q->app =
	    MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "app");
	q->signal =
	    MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "signal");
	q->since =
	    MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "since");
	q->bucket =
	    MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "bucket");
	limit =
	    MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "limit");
	q->limit = limit_arg(limit);
	q->offset = offset_arg(
	    MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "offset"));
	q->total = -1;
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, meta_arg, q);
}

/* The count of a search of one metadata pair and nothing else: kept in
 * meta_counts. */
static long counted_pair(struct wer_collector *c,
			 const struct wer_report_query *q)
{
	struct wer_db_rows rows = {0};
	const char *p[3] = {q->meta_key[0], q->meta_value[0], q->project};
	long n = -1;

	if (wer__db_query(c->db,
			  q->project ? "SELECT coalesce(sum(n), 0) AS n FROM "
				       "meta_counts WHERE key = $1 AND value = "
				       "$2 AND project = $3"
				     : "SELECT coalesce(sum(n), 0) AS n FROM "
				       "meta_counts WHERE key = $1 AND value = "
				       "$2",
			  q->project ? 3 : 2, p, &rows) == 0 &&
	    rows.rows == 1)
		n = wer__db_number(&rows, 0, "n");
	wer__db_rows_free(&rows);
	return n;
}

int wer__query_reports(struct wer_collector *c, struct wer_report_query *q,
		       struct wer_db_rows *ret)
{
	struct wer_buf sql;
	const char *p[50];
	char sig[24], since[24], limit[24], offset[24];
	int n = 0, r, by_meta = q->meta_count > 0;
	size_t from;

	q->total = -1;
	q->total_at_least = 0;
	if (q->too_many || q->limit < 0 || q->offset < 0)
		return -EINVAL;
	/* The rarest pair leads (fewest rows read); the others are probed
	 * per report. */
	if (q->meta_count > 1) {
		long fewest = -1;
		size_t lead = 0;

		for (size_t i = 0; i < q->meta_count; i++) {
			struct wer_report_query one = *q;
			long count;

			one.meta_key[0] = q->meta_key[i];
			one.meta_value[0] = q->meta_value[i];
			count = counted_pair(c, &one);
			if (count >= 0 && (fewest < 0 || count < fewest)) {
				fewest = count;
				lead = i;
			}
		}
		if (lead) {
			const char *k = q->meta_key[0], *v = q->meta_value[0];

			q->meta_key[0] = q->meta_key[lead];
			q->meta_value[0] = q->meta_value[lead];
			q->meta_key[lead] = k;
			q->meta_value[lead] = v;
		}
	}
	wer_buf_init(&sql, 16 * 1024);
	wer_buf_str(&sql, "SELECT r.id, r.received, r.app, r.version, "
			  "r.signal, r.module, r.module_offset, r.bucket_id, "
			  "r.project, r.guid");
	from = sql.len;
	/* A metadata search reads the first pair's rows newest first
	 * (report_meta_search: key, value, received, project), each
	 * report's other pairs by its id; others read reports. */
	if (by_meta) {
		p[n++] = q->meta_key[0];
		p[n++] = q->meta_value[0];
		wer_buf_str(&sql, " FROM report_meta m0 JOIN reports r ON r.id "
				  "= m0.report_id WHERE m0.key = $1 AND "
				  "m0.value = $2");
	} else {
		wer_buf_str(&sql, " FROM reports r WHERE 1 = 1");
	}
	if (q->project) {
		p[n++] = q->project;
		wer_buf_printf(&sql, " AND %s.project = $%d",
			       by_meta ? "m0" : "r", n);
	}
	if (q->app && *q->app) {
		p[n++] = q->app;
		wer_buf_printf(&sql, " AND r.app = $%d", n);
	}
	if (q->signal && *q->signal) {
		long s = signal_query(q->signal);

		if (s < 0) {
			wer_buf_free(&sql);
			return -EINVAL;
		}
		snprintf(sig, sizeof(sig), "%ld", s);
		p[n++] = sig;
		wer_buf_printf(&sql, " AND r.signal = $%d", n);
	}
	if (q->since && *q->since) {
		long s = parse_since(q->since);

		if (s < 0) {
			wer_buf_free(&sql);
			return -EINVAL;
		}
		snprintf(since, sizeof(since), "%ld", s);
		p[n++] = since;
		wer_buf_printf(&sql, " AND r.received >= $%d", n);
	}
	if (q->bucket && *q->bucket) {
		p[n++] = q->bucket;
		wer_buf_printf(&sql, " AND r.bucket_id = $%d", n);
	}
	for (size_t i = 1; i < q->meta_count; i++) {
		p[n++] = q->meta_key[i];
		p[n++] = q->meta_value[i];
		/* A probe per report (report_meta_pair), never a hash of
		 * every report with the pair, which the planner would pick
		 * for an EXISTS: a subquery with LIMIT is not flattened. */
		wer_buf_printf(&sql,
			       " AND (SELECT 1 FROM report_meta m WHERE "
			       "m.report_id = m0.report_id AND m.key = $%d AND "
			       "m.value = $%d LIMIT 1) = 1",
			       n - 1, n);
	}
	if (sql.failed) {
		wer_buf_free(&sql);
		return -ENOMEM;
	}
	/* How many match, all pages together: one pair alone is counted
	 * already (meta_counts); anything else is counted up to
	 * COUNT_MAX, beyond which it is "at least". */
	if (by_meta && q->meta_count == 1 && n == 2 + (q->project != NULL)) {
		q->total = counted_pair(c, q);
	} else {
		struct wer_buf count;
		struct wer_db_rows rows = {0};

		wer_buf_init(&count, 16 * 1024);
		wer_buf_printf(&count,
			       "SELECT count(*) AS n FROM (SELECT 1%s LIMIT "
			       "%d) s",
			       sql.data + from, COUNT_MAX + 1);
		if (!count.failed &&
		    wer__db_query(c->db, count.data, n, p, &rows) == 0 &&
		    rows.rows == 1)
			q->total = wer__db_number(&rows, 0, "n");
		if (q->total > COUNT_MAX) {
			q->total = -1;
			q->total_at_least = COUNT_MAX;
		}
		wer__db_rows_free(&rows);
		wer_buf_free(&count);
	}
	snprintf(limit, sizeof(limit), "%ld", q->limit);
	snprintf(offset, sizeof(offset), "%ld", q->offset);
	p[n++] = limit;
	p[n++] = offset;
	wer_buf_printf(&sql, " ORDER BY %s DESC, %s LIMIT $%d OFFSET $%d",
		       by_meta ? "m0.received" : "r.received",
		       by_meta ? "m0.report_id" : "r.id", n - 1, n);
	if (sql.failed) {
		wer_buf_free(&sql);
		return -ENOMEM;
	}
	r = wer__db_query(c->db, sql.data, n, p, ret);
	wer_buf_free(&sql);
	return r;
}

static void json_kv(struct wer_buf *b, const char *key, const char *value,
		    int comma)
{
	if (comma)
		wer_buf_str(b, ",");
	wer_json_add_string(b, key);
	wer_buf_str(b, ":");
	wer_json_add_string(b, value);
}

static void json_num(struct wer_buf *b, const char *key, const char *value,
		     int comma)
{
	char *end;

	if (comma)
		wer_buf_str(b, ",");
	wer_json_add_string(b, key);
	strtoll(value, &end, 10);
	if (*value && !*end)
		wer_buf_printf(b, ":%s", value);
	else
		wer_buf_str(b, ":null");
}

/* "2026-11-25T10:00:00Z" from a column of seconds. */
static void iso_time(const struct wer_db_rows *r, size_t row,
		     const char *column, char *out, size_t size)
{
	wer_time_iso(out, size, (time_t)wer__db_number(r, row, column), -1);
}

static const char bucket_cols[] =
    "SELECT id, signature, title, app, version, module, module_offset, "
    "stack_hash, count, first_seen, last_seen, frames, project, state, "
    "resolved_in, note, bug_url, changed, first_version, last_version FROM "
    "buckets";

static void bucket_json(struct wer_collector *c, struct wer_buf *b,
			const struct wer_db_rows *rows, size_t i, long meta)
{
	struct wer_meta_value *m = NULL;
	size_t m_count = 0;
	char t[32];

	wer_buf_str(b, "{");
	json_num(b, "id", wer__db_cell(rows, i, "id"), 0);
	json_kv(b, "project", wer__db_cell(rows, i, "project"), 1);
	json_kv(b, "signature", wer__db_cell(rows, i, "signature"), 1);
	json_kv(b, "title", wer__db_cell(rows, i, "title"), 1);
	json_kv(b, "application", wer__db_cell(rows, i, "app"), 1);
	json_kv(b, "version", wer__db_cell(rows, i, "version"), 1);
	json_kv(b, "fault_module", wer__db_cell(rows, i, "module"), 1);
	json_kv(b, "fault_offset", wer__db_cell(rows, i, "module_offset"), 1);
	json_kv(b, "stack_hash", wer__db_cell(rows, i, "stack_hash"), 1);
	json_num(b, "count", wer__db_cell(rows, i, "count"), 1);
	iso_time(rows, i, "first_seen", t, sizeof(t));
	json_kv(b, "first_seen", t, 1);
	iso_time(rows, i, "last_seen", t, sizeof(t));
	json_kv(b, "last_seen", t, 1);
	json_kv(b, "first_version", wer__db_cell(rows, i, "first_version"), 1);
	json_kv(b, "last_version", wer__db_cell(rows, i, "last_version"), 1);
	json_kv(b, "state", wer__db_cell(rows, i, "state"), 1);
	json_kv(b, "resolved_in", wer__db_cell(rows, i, "resolved_in"), 1);
	json_kv(b, "note", wer__db_cell(rows, i, "note"), 1);
	json_kv(b, "bug_url", wer__db_cell(rows, i, "bug_url"), 1);
	if (wer__db_number(rows, i, "changed")) {
		iso_time(rows, i, "changed", t, sizeof(t));
		json_kv(b, "state_changed", t, 1);
	}
	/* The most frequent values, each beside its share of the project's
	 * reports; over_represented where the bucket has it far more often
	 * than the project (docs/collector.md, "Workflow"). */
	wer_buf_str(b, ",\"top_metadata\":[");
	if (wer__bucket_breakdown(c, wer__db_cell(rows, i, "id"), meta, &m,
				  &m_count) == 0)
		for (size_t k = 0; k < m_count; k++) {
			wer_buf_str(b, k ? ",{" : "{");
			json_kv(b, "key", m[k].key, 0);
			json_kv(b, "value", m[k].value, 1);
			wer_buf_printf(b,
				       ",\"count\":%ld,\"share\":%.4f,"
				       "\"project_count\":%ld,"
				       "\"project_share\":%.4f,"
				       "\"over_represented\":%s}",
				       m[k].count, m[k].share, m[k].overall,
				       m[k].share_overall,
				       m[k].over ? "true" : "false");
		}
	free(m);
	wer_buf_str(b, "]");
}

static void frames_json(struct wer_buf *b, const char *frames_text)
{
	struct wer_processed *p = calloc(1, sizeof(*p));

	wer_buf_str(b, "[");
	if (p) {
		wer__frames_parse(frames_text, p);
		for (size_t i = 0; i < p->frame_count; i++) {
			char off[32];

			snprintf(off, sizeof(off), "0x%llx",
				 (unsigned long long)p->frames[i].offset);
			wer_buf_str(b, i ? ",{" : "{");
			json_kv(b, "module", p->frames[i].module, 0);
			json_kv(b, "build_id", p->frames[i].build_id, 1);
			json_kv(b, "offset", off, 1);
			if (p->frames[i].function[0])
				json_kv(b, "function", p->frames[i].function,
					1);
			if (p->frames[i].client[0])
				json_kv(b, "client_function",
					p->frames[i].client, 1);
			if (p->frames[i].inlined)
				wer_buf_str(b, ",\"inlined\":true");
			if (p->frames[i].scanned)
				wer_buf_str(b, ",\"scanned\":true");
			if (p->frames[i].walked)
				wer_buf_str(b, ",\"walked\":true");
			wer_buf_str(b, "}");
		}
		free(p);
	}
	wer_buf_str(b, "]");
}

static void report_row_json(struct wer_buf *b, const struct wer_db_rows *r,
			    size_t i)
{
	char t[32], sig[WER_SIGNAL_TEXT_SIZE];

	wer_buf_str(b, "{");
	json_kv(b, "id", wer__db_cell(r, i, "id"), 0);
	iso_time(r, i, "received", t, sizeof(t));
	json_kv(b, "received", t, 1);
	json_kv(b, "application", wer__db_cell(r, i, "app"), 1);
	json_kv(b, "version", wer__db_cell(r, i, "version"), 1);
	json_num(b, "signal", wer__db_cell(r, i, "signal"), 1);
	json_kv(b, "signal_name",
		wer__signal_to_text(wer__db_number(r, i, "signal"), sig), 1);
	json_kv(b, "fault_module", wer__db_cell(r, i, "module"), 1);
	json_kv(b, "fault_offset", wer__db_cell(r, i, "module_offset"), 1);
	json_num(b, "bucket", wer__db_cell(r, i, "bucket_id"), 1);
	json_kv(b, "project", wer__db_cell(r, i, "project"), 1);
	json_kv(b, "guid", wer__db_cell(r, i, "guid"), 1);
}

static int api_buckets(struct wer_collector *c, struct MHD_Connection *conn,
		       const struct wer_scope *scope, struct wer_reply *reply)
{
	struct wer_db_rows rows = {0};
	const char *app =
	    MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "app");
	const char *lim_arg =
	    MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "limit");
	const char *project = wer__scope_project(conn, scope);
	long limit = limit_arg(lim_arg);
	char lim[24];
	const char *p[3];
	struct wer_buf sql;
	int n = 0;

	if (limit < 0) {
		wer__reply_error(reply, 400,
				 "limit is a whole number from 1 (at most "
				 "1000 are given)");
		return 0;
	}
	snprintf(lim, sizeof(lim), "%ld", limit);
	wer_buf_init(&sql, 4096);
	wer_buf_printf(&sql, "%s WHERE count > 0", bucket_cols);
	if (project) {
		p[n++] = project;
		wer_buf_printf(&sql, " AND project = $%d", n);
	}
	if (app && *app) {
		p[n++] = app;
		wer_buf_printf(&sql, " AND app = $%d", n);
	}
	p[n++] = lim;
	wer_buf_printf(&sql, " ORDER BY count DESC, id LIMIT $%d", n);
	if (sql.failed || wer__db_query(c->db, sql.data, n, p, &rows) < 0) {
		wer_buf_free(&sql);
		wer__reply_error(reply, 503, "database: %s",
				 wer__db_error(c->db));
		return 0;
	}
	wer_buf_free(&sql);
	wer_buf_str(&reply->body, "[");
	for (size_t i = 0; i < rows.rows; i++) {
		if (i)
			wer_buf_str(&reply->body, ",");
		bucket_json(c, &reply->body, &rows, i, 5);
		wer_buf_str(&reply->body, "}");
	}
	wer_buf_str(&reply->body, "]\n");
	wer__db_rows_free(&rows);
	return 0;
}

static int api_bucket(struct wer_collector *c, const char *id,
		      const char *project, struct wer_reply *reply)
{
	struct wer_db_rows rows = {0}, reps = {0};
	struct wer_report_query q = {
	    .project = project, .bucket = id, .limit = 100};
	char sql[512];
	const char *p[2] = {id, project};

	snprintf(sql, sizeof(sql), "%s WHERE id = $1%s", bucket_cols,
		 project ? " AND project = $2" : "");
	if (strspn(id, "0123456789") != strlen(id) || !*id ||
	    wer__db_query(c->db, sql, project ? 2 : 1, p, &rows) < 0 ||
	    rows.rows != 1) {
		wer__db_rows_free(&rows);
		wer__reply_error(reply, 404, "no bucket %s", id);
		return 0;
	}
	bucket_json(c, &reply->body, &rows, 0, 1000);
	wer_buf_str(&reply->body, ",\"frames\":");
	frames_json(&reply->body, wer__db_cell(&rows, 0, "frames"));
	wer_buf_str(&reply->body, ",\"reports\":[");
	if (wer__query_reports(c, &q, &reps) == 0)
		for (size_t i = 0; i < reps.rows; i++) {
			if (i)
				wer_buf_str(&reply->body, ",");
			report_row_json(&reply->body, &reps, i);
			wer_buf_str(&reply->body, "}");
		}
	wer_buf_str(&reply->body, "]}\n");
	wer__db_rows_free(&reps);
	wer__db_rows_free(&rows);
	return 0;
}

static int api_reports(struct wer_collector *c, struct MHD_Connection *conn,
		       const struct wer_scope *scope, struct wer_reply *reply)
{
	struct wer_report_query q;
	struct wer_db_rows rows = {0};
	int r;

	wer__query_from_args(conn, scope, &q);
	r = wer__query_reports(c, &q, &rows);
	if (r == -EINVAL) {
		wer__reply_error(reply, 400,
				 "signal is a number or a name (SIGSEGV); "
				 "since is seconds or YYYY-MM-DD[THH:MM:SSZ]; "
				 "at most 16 meta. filters; limit is a whole "
				 "number from 1; offset a whole number");
		return 0;
	}
	if (r < 0) {
		wer__reply_error(reply, 503, "database: %s",
				 wer__db_error(c->db));
		return 0;
	}
	/* Every report that matches, all pages together; past COUNT_MAX,
	 * "10000+". */
	if (q.total >= 0)
		snprintf(reply->count_header, sizeof(reply->count_header),
			 "%ld", q.total);
	else if (q.total_at_least)
		snprintf(reply->count_header, sizeof(reply->count_header),
			 "%ld+", q.total_at_least);
	wer_buf_str(&reply->body, "[");
	for (size_t i = 0; i < rows.rows; i++) {
		struct wer_db_rows m = {0};
		const char *p[1] = {wer__db_cell(&rows, i, "id")};

		if (i)
			wer_buf_str(&reply->body, ",");
		report_row_json(&reply->body, &rows, i);
		wer_buf_str(&reply->body, ",\"metadata\":{");
		if (wer__db_query(c->db,
				  "SELECT key, value FROM report_meta WHERE "
				  "report_id = $1",
				  1, p, &m) == 0)
			for (size_t k = 0; k < m.rows; k++)
				json_kv(&reply->body,
					wer__db_cell(&m, k, "key"),
					wer__db_cell(&m, k, "value"), k > 0);
		wer__db_rows_free(&m);
		wer_buf_str(&reply->body, "}}");
	}
	wer_buf_str(&reply->body, "]\n");
	wer__db_rows_free(&rows);
	return 0;
}

int wer__report_attachments(struct wer_collector *c, const char *id,
			    struct wer_db_rows *ret)
{
	const char *p[1] = {id};

	return wer__db_query(c->db,
			     "SELECT name, kind, size, path FROM attachments "
			     "WHERE report_id = $1 ORDER BY name",
			     1, p, ret);
}

/* ,"attachments":[{name, kind, size, kept, url}] of a report. */
static void attachments_json(struct wer_collector *c, struct wer_buf *b,
			     const char *id)
{
	struct wer_db_rows a = {0};

	wer_buf_str(b, ",\"attachments\":[");
	if (wer__report_attachments(c, id, &a) == 0)
		for (size_t i = 0; i < a.rows; i++) {
			int kept = *wer__db_cell(&a, i, "path") != '\0';

			wer_buf_str(b, i ? ",{" : "{");
			json_kv(b, "name", wer__db_cell(&a, i, "name"), 0);
			json_kv(b, "kind", wer__db_cell(&a, i, "kind"), 1);
			json_num(b, "size", wer__db_cell(&a, i, "size"), 1);
			wer_buf_printf(b, ",\"kept\":%s",
				       kept ? "true" : "false");
			if (kept) {
				wer_buf_str(b, ",\"url\":\"/api/reports/");
				wer__buf_url(b, id);
				wer_buf_str(b, "/attachments/");
				wer__buf_url(b, wer__db_cell(&a, i, "name"));
				wer_buf_str(b, "\"");
			}
			wer_buf_str(b, "}");
		}
	wer__db_rows_free(&a);
	wer_buf_str(b, "]");
}

/* An attachment's bytes, as a download. */
static int attachment_reply(struct wer_collector *c, const char *id,
			    const char *name, const char *project,
			    struct wer_reply *reply)
{
	struct wer_db_rows a = {0};
	const char *p[3] = {id, name, project};
	char safe[128];
	size_t n = 0;
	int r;

	if (wer__db_query(c->db,
			  project ? "SELECT a.path FROM attachments a JOIN "
				    "reports r ON r.id = a.report_id WHERE "
				    "a.report_id = $1 AND a.name = $2 AND "
				    "r.project = $3"
				  : "SELECT a.path FROM attachments a WHERE "
				    "a.report_id = $1 AND a.name = $2",
			  project ? 3 : 2, p, &a) < 0) {
		wer__reply_error(reply, 503, "database: %s",
				 wer__db_error(c->db));
		return 0;
	}
	if (a.rows != 1 || !*wer__db_cell(&a, 0, "path")) {
		wer__reply_error(reply, 404, "%s",
				 a.rows == 1 ? "that attachment was not kept "
					       "(over a cap)"
					     : "no such attachment");
		wer__db_rows_free(&a);
		return 0;
	}
	r = wer__blob_reply(c, wer__db_cell(&a, 0, "path"), reply);
	wer__db_rows_free(&a);
	if (r < 0) {
		wer__reply_error(reply, r == -EIO || r == -ENOMEM ? 503 : 404,
				 "the attachment cannot be read here");
		return 0;
	}
	/* Its name as a download's: letters, digits, '.', '_', '-'. */
	for (const char *s = name; *s && n + 1 < sizeof(safe); s++)
		safe[n++] =
		    isalnum((unsigned char)*s) || strchr("._-", *s) ? *s : '_';
	safe[n] = '\0';
	reply->content_type = "application/octet-stream";
	snprintf(reply->header_name, sizeof(reply->header_name),
		 "Content-Disposition");
	snprintf(reply->header_value, sizeof(reply->header_value),
		 "attachment; filename=\"%s\"", n ? safe : "attachment");
	return 0;
}

static int api_report(struct wer_collector *c, const char *id,
		      const char *project, struct wer_reply *reply,
		      int minidump)
{
	struct wer_db_rows rows = {0}, m = {0};
	const char *p[2] = {id, project};

	if (wer__db_query(c->db,
			  project ? "SELECT id, received, app, version, "
				    "signal, module, module_offset, "
				    "bucket_id, project, guid, signal_code, "
				    "fault_address, build_id, frames, "
				    "dump_path, dump_size, report_wer, "
				    "stack_text FROM reports WHERE id = $1 "
				    "AND project = $2"
				  : "SELECT id, received, app, version, "
				    "signal, module, module_offset, "
				    "bucket_id, project, guid, signal_code, "
				    "fault_address, build_id, frames, "
				    "dump_path, dump_size, report_wer, "
				    "stack_text FROM reports WHERE id = $1",
			  project ? 2 : 1, p, &rows) < 0 ||
	    rows.rows != 1) {
		wer__db_rows_free(&rows);
		wer__reply_error(reply, 404, "no report %s", id);
		return 0;
	}
	if (minidump && !*wer__db_cell(&rows, 0, "dump_path")) {
		wer__db_rows_free(&rows);
		wer__reply_error(reply, 404,
				 "report %s was sent without a minidump", id);
		return 0;
	}
	if (minidump) {
		int r = wer__blob_reply(c, wer__db_cell(&rows, 0, "dump_path"),
					reply);

		if (r == -ENOENT || r == -EBADMSG)
			wer__reply_error(reply, 404,
					 "the minidump of %s is not in this "
					 "collector's data directory",
					 id);
		else if (r < 0)
			wer__reply_error(reply, 503,
					 "the minidump cannot be read now");
		else {
			reply->content_type = "application/octet-stream";
			snprintf(reply->header_name, sizeof(reply->header_name),
				 "Content-Disposition");
			snprintf(reply->header_value,
				 sizeof(reply->header_value),
				 "attachment; filename=\"%s.dmp\"",
				 wer__db_cell(&rows, 0, "id"));
		}
		wer__db_rows_free(&rows);
		return 0;
	}
	report_row_json(&reply->body, &rows, 0);
	json_num(&reply->body, "signal_code",
		 wer__db_cell(&rows, 0, "signal_code"), 1);
	json_kv(&reply->body, "fault_address",
		wer__db_cell(&rows, 0, "fault_address"), 1);
	json_kv(&reply->body, "fault_module_build_id",
		wer__db_cell(&rows, 0, "build_id"), 1);
	json_num(&reply->body, "minidump_size",
		 wer__db_cell(&rows, 0, "dump_size"), 1);
	wer_buf_str(&reply->body, ",\"minidump_url\":\"/api/reports/");
	wer__buf_url(&reply->body, id);
	wer_buf_str(&reply->body, "/minidump\",\"stack\":");
	frames_json(&reply->body, wer__db_cell(&rows, 0, "frames"));
	wer_buf_str(&reply->body, ",\"metadata\":{");
	if (wer__db_query(c->db,
			  "SELECT key, value FROM report_meta WHERE report_id "
			  "= $1",
			  1, p, &m) == 0)
		for (size_t k = 0; k < m.rows; k++)
			json_kv(&reply->body, wer__db_cell(&m, k, "key"),
				wer__db_cell(&m, k, "value"), k > 0);
	wer_buf_str(&reply->body, "}");
	json_kv(&reply->body, "report_wer",
		wer__db_cell(&rows, 0, "report_wer"), 1);
	json_kv(&reply->body, "client_stack",
		wer__db_cell(&rows, 0, "stack_text"), 1);
	attachments_json(c, &reply->body, wer__db_cell(&rows, 0, "id"));
	wer_buf_str(&reply->body, "}\n");
	wer__db_rows_free(&m);
	wer__db_rows_free(&rows);
	return 0;
}

/* ?days=: absent or empty is 7; 1..365; anything else -1 (a 400). */
static long days_arg(const char *text)
{
	char *end;
	long n;

	if (!text || !*text)
		return 7;
	if (!isdigit((unsigned char)*text))
		return -1;
	n = strtol(text, &end, 10);
	return *end || n < 1 || n > 365 ? -1 : n;
}

int wer__top_from_args(struct wer_collector *c, struct MHD_Connection *conn,
		       const struct wer_scope *scope, struct wer_top *ret,
		       long *ret_days)
{
	const char *app =
	    MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "app");
	const char *version =
	    MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "version");

	*ret_days = days_arg(
	    MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "days"));
	if (*ret_days < 0) {
		memset(ret, 0, sizeof(*ret));
		return -EINVAL;
	}
	return wer__top_crashers(c, wer__scope_project(conn, scope), app,
				 version, *ret_days, ret);
}

/* GET /api/top?app=&version=&days=: Socorro's Top Crashers. */
static int api_top(struct wer_collector *c, struct MHD_Connection *conn,
		   const struct wer_scope *scope, struct wer_reply *reply)
{
	struct wer_top *top = calloc(1, sizeof(*top));
	long days;
	int r;

	if (!top) {
		wer__reply_error(reply, 503, "out of memory");
		return 0;
	}
	r = wer__top_from_args(c, conn, scope, top, &days);
	if (r == -EINVAL) {
		wer__reply_error(reply, 400,
				 "days is a whole number, 1 to 365");
	} else if (r < 0) {
		wer__reply_error(reply, 503, "database: %s",
				 wer__db_error(c->db));
	} else {
		wer_buf_printf(&reply->body,
			       "{\"days\":%ld,\"reports\":%ld,"
			       "\"reports_before\":%ld,\"buckets\":[",
			       days, top->total, top->total_before);
		for (size_t i = 0; i < top->count; i++) {
			const struct wer_top_row *e = &top->row[i];

			wer_buf_printf(&reply->body,
				       "%s{\"rank\":%ld,\"bucket\":%s",
				       i ? "," : "", e->rank, e->bucket);
			json_kv(&reply->body, "title", e->title, 1);
			json_kv(&reply->body, "state", e->state, 1);
			json_kv(&reply->body, "resolved_in", e->resolved_in, 1);
			json_kv(&reply->body, "first_version", e->first_version,
				1);
			json_kv(&reply->body, "last_version", e->last_version,
				1);
			wer_buf_printf(
			    &reply->body,
			    ",\"count\":%ld,\"share\":%.4f,"
			    "\"count_before\":%ld,\"share_before\":%.4f",
			    e->count, e->share, e->count_before,
			    e->share_before);
			if (e->rank_before)
				wer_buf_printf(&reply->body,
					       ",\"rank_before\":%ld}",
					       e->rank_before);
			else
				wer_buf_str(&reply->body,
					    ",\"rank_before\":null}");
		}
		wer_buf_str(&reply->body, "]}\n");
	}
	free(top);
	return 0;
}

/* GET /api/symbols/jobs[/ID]: the reprocessing after symbol uploads,
 * newest first (at most 100), or one. */
static int api_jobs(struct wer_collector *c, const char *id,
		    const char *project, struct wer_reply *reply)
{
	struct wer_db_rows rows = {0};
	const char *p[2] = {id ? id : project, project};
	char sql[512];
	int n = 0;

	if (id && (!*id || strspn(id, "0123456789") != strlen(id))) {
		wer__reply_error(reply, 404, "no job %s", id);
		return 0;
	}
	if (id)
		n = project ? 2 : 1;
	else if (project)
		n = 1;
	snprintf(sql, sizeof(sql),
		 "SELECT id, project, build_id, queued, started, finished, "
		 "total, done FROM reprocess_jobs%s ORDER BY id DESC LIMIT "
		 "100",
		 id	   ? (project ? " WHERE id = $1 AND project = $2"
				      : " WHERE id = $1")
		 : project ? " WHERE project = $1"
			   : "");
	if (wer__db_query(c->db, sql, n, p, &rows) < 0) {
		wer__reply_error(reply, 503, "database: %s",
				 wer__db_error(c->db));
		return 0;
	}
	if (id && rows.rows != 1) {
		wer__db_rows_free(&rows);
		wer__reply_error(reply, 404, "no job %s", id);
		return 0;
	}
	if (!id)
		wer_buf_str(&reply->body, "[");
	for (size_t i = 0; i < rows.rows; i++) {
		const char *state =
		    wer__db_number(&rows, i, "finished")  ? "done"
		    : wer__db_number(&rows, i, "started") ? "running"
							  : "queued";
		char t[32];

		wer_buf_str(&reply->body, i ? ",{" : "{");
		json_num(&reply->body, "id", wer__db_cell(&rows, i, "id"), 0);
		json_kv(&reply->body, "project",
			wer__db_cell(&rows, i, "project"), 1);
		json_kv(&reply->body, "build_id",
			wer__db_cell(&rows, i, "build_id"), 1);
		json_kv(&reply->body, "state", state, 1);
		iso_time(&rows, i, "queued", t, sizeof(t));
		json_kv(&reply->body, "queued", t, 1);
		json_num(&reply->body, "reports",
			 wer__db_cell(&rows, i, "total"), 1);
		json_num(&reply->body, "reprocessed",
			 wer__db_cell(&rows, i, "done"), 1);
		wer_buf_str(&reply->body, "}");
	}
	wer_buf_str(&reply->body, id ? "\n" : "]\n");
	wer__db_rows_free(&rows);
	return 0;
}

void wer__api_delete_report(struct wer_collector *c, const char *id,
			    const struct wer_scope *scope,
			    struct wer_reply *reply)
{
	int r;

	if (!*id || strchr(id, '/') || strlen(id) > 64) {
		wer__reply_error(reply, 404, "no such report");
		return;
	}
	r = wer__report_delete(c, id, scope->all ? NULL : scope->project);
	if (r == -ENOENT) {
		wer__reply_error(reply, 404, "no report %s", id);
	} else if (r < 0) {
		wer__reply_error(reply, 503, "database: %s",
				 wer__db_error(c->db));
	} else {
		reply->status = 200;
		reply->content_type = "application/json";
		wer_buf_str(&reply->body, "{\"deleted\":");
		wer_json_add_string(&reply->body, id);
		wer_buf_str(&reply->body, "}\n");
	}
}

void wer__api_retention(struct wer_collector *c, const struct wer_scope *scope,
			const char *body, size_t len, struct wer_reply *reply)
{
	char days[16] = "", size[32] = "", project[WER_COLLECTOR_PROJECT_MAX];
	long long bytes;
	long d;
	char *end;

	if (scope->all) {
		if (wer__form_field(body, len, "project", project,
				    sizeof(project)) != 1 ||
		    !wer__project_valid(project)) {
			wer__reply_error(reply, 400,
					 "project= names the project (an "
					 "admin token's change)");
			return;
		}
	} else {
		snprintf(project, sizeof(project), "%s", scope->project);
	}
	if (wer__form_field(body, len, "days", days, sizeof(days)) != 1 ||
	    wer__form_field(body, len, "size", size, sizeof(size)) != 1) {
		wer__reply_error(reply, 400,
				 "days= and size= are both needed (0: no "
				 "limit)");
		return;
	}
	d = strtol(days, &end, 10);
	bytes = wer__parse_size(size);
	if (*end || end == days || d < 0 || d > 36500 || bytes < 0) {
		wer__reply_error(reply, 400,
				 "days is 0 to 36500; size a number of bytes "
				 "(K, M, G); 0: no limit");
		return;
	}
	if (wer__retention_set(c, project, d, bytes) < 0) {
		wer__reply_error(reply, 503, "database: %s",
				 wer__db_error(c->db));
		return;
	}
	wer__retention_kick();
	reply->status = 200;
	reply->content_type = "application/json";
	wer_buf_str(&reply->body, "{\"project\":");
	wer_json_add_string(&reply->body, project);
	wer_buf_printf(&reply->body,
		       ",\"days\":%ld,\"bytes\":%lld,\"applied\":"
		       "\"in the background\"}\n",
		       d, bytes);
}

/* GET /api/retention: the policies the token may read. */
static int api_retention_get(struct wer_collector *c, const char *project,
			     struct wer_reply *reply)
{
	struct wer_db_rows rows = {0};
	const char *p[1] = {project};

	if (wer__db_query(c->db,
			  project ? "SELECT project, max_days, max_bytes FROM "
				    "retention WHERE project = $1"
				  : "SELECT project, max_days, max_bytes FROM "
				    "retention ORDER BY project",
			  project ? 1 : 0, p, &rows) < 0) {
		wer__reply_error(reply, 503, "database: %s",
				 wer__db_error(c->db));
		return 0;
	}
	wer_buf_str(&reply->body, "[");
	for (size_t i = 0; i < rows.rows; i++) {
		wer_buf_str(&reply->body, i ? ",{" : "{");
		json_kv(&reply->body, "project",
			wer__db_cell(&rows, i, "project"), 0);
		json_num(&reply->body, "days",
			 wer__db_cell(&rows, i, "max_days"), 1);
		json_num(&reply->body, "bytes",
			 wer__db_cell(&rows, i, "max_bytes"), 1);
		wer_buf_str(&reply->body, "}");
	}
	wer_buf_str(&reply->body, "]\n");
	wer__db_rows_free(&rows);
	return 0;
}

int wer__api(struct wer_collector *c, struct MHD_Connection *conn,
	     const char *url, const struct wer_scope *scope,
	     struct wer_reply *reply)
{
	const char *project = wer__scope_project(conn, scope);

	reply->status = 200;
	reply->content_type = "application/json";
	if (!strcmp(url, "/api/buckets"))
		return api_buckets(c, conn, scope, reply);
	if (!strncmp(url, "/api/buckets/", 13))
		return api_bucket(c, url + 13, project, reply);
	if (!strcmp(url, "/api/reports"))
		return api_reports(c, conn, scope, reply);
	if (!strcmp(url, "/api/top"))
		return api_top(c, conn, scope, reply);
	if (!strcmp(url, "/api/retention"))
		return api_retention_get(c, project, reply);
	if (!strcmp(url, "/api/symbols/jobs"))
		return api_jobs(c, NULL, project, reply);
	if (!strncmp(url, "/api/symbols/jobs/", 18))
		return api_jobs(c, url + 18, project, reply);
	if (!strncmp(url, "/api/reports/", 13)) {
		char id[64];
		const char *rest = url + 13, *slash = strchr(rest, '/');
		size_t n = slash ? (size_t)(slash - rest) : strlen(rest);

		if (n == 0 || n >= sizeof(id)) {
			wer__reply_error(reply, 404, "no such resource");
			return 0;
		}
		memcpy(id, rest, n);
		id[n] = '\0';
		/* /attachments/NAME: the rest of the path is the name. */
		if (slash && !strncmp(slash, "/attachments/", 13) && slash[13])
			return attachment_reply(c, id, slash + 13, project,
						reply);
		if (slash && strcmp(slash, "/minidump")) {
			wer__reply_error(reply, 404, "no such resource");
			return 0;
		}
		return api_report(c, id, project, reply, slash != NULL);
	}
	wer__reply_error(reply, 404, "no such resource");
	return 0;
}
