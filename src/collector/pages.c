/* SPDX-License-Identifier: MIT */
/*
 * pages.c - the web pages, rendered on the server (no script, no build
 * step): / (buckets ranked by count, a 30-day sparkline each),
 * /buckets/<id> (its reports, a breakdown of its metadata values),
 * /reports/<id> (metadata, signature, stack, downloads), /search (by
 * metadata), /style.css. Every value goes through wer__buf_html: metadata
 * is attacker-controlled. Each page shows only the projects its reader's
 * token may read.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "collector.h"
#include "signals.h"

static const char css[] =
    "body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1d2330;"
    "background:#f5f6f8}\n"
    "header{background:#1d2330;color:#fff;padding:10px 24px;display:flex;"
    "gap:24px;align-items:center}\n"
    "header a{color:#fff;text-decoration:none;font-weight:600}\n"
    "header form{margin-left:auto}\n"
    "header input{padding:4px 8px;border-radius:4px;border:0;width:260px}\n"
    "main{padding:16px 24px}\n"
    "table{border-collapse:collapse;width:100%;background:#fff;"
    "box-shadow:0 1px 2px #0002}\n"
    "th,td{text-align:left;padding:6px 10px;border-bottom:1px solid #e3e5ea;"
    "vertical-align:top}\n"
    "th{background:#eef0f4;font-weight:600}\n"
    "td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
    "code,pre{font:12px ui-monospace,monospace}\n"
    "pre{background:#fff;padding:10px;overflow:auto;box-shadow:0 1px 2px "
    "#0002;white-space:pre-wrap;overflow-wrap:anywhere}\n"
    "td{overflow-wrap:anywhere}\n"
    "meter{width:100px;vertical-align:middle}\n"
    "svg.spark polyline{fill:none;stroke:#d0474a;stroke-width:1.5}\n"
    "h2{margin-top:24px}\n"
    ".muted{color:#6b7280}\n"
    "tr.over td{background:#fff4d6}\n"
    ".state{font-weight:600}\n"
    ".state-regressed{color:#b42318}\n"
    ".state-resolved{color:#067647}\n"
    ".state-ignored{color:#6b7280}\n"
    "form.triage textarea{width:100%;max-width:640px;height:6em}\n"
    "nav a{margin-right:12px}\n";

static void head(struct wer_buf *b, const char *title)
{
	wer_buf_str(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta "
		       "charset=\"utf-8\"><title>");
	wer__buf_html(b, title);
	wer_buf_str(b,
		    " - openwer</title><link rel=\"stylesheet\" "
		    "href=\"/style.css\"></head><body><header><a "
		    "href=\"/\">openwer collector</a><nav><a "
		    "href=\"/buckets\">Buckets</a><a href=\"/top\">Top "
		    "crashers</a></nav><form action=\"/search\" "
		    "method=\"get\"><input name=\"q\" placeholder=\"Key=Value "
		    "(metadata search)\" aria-label=\"metadata search\">"
		    "</form></header><main>\n");
}

static void foot(struct wer_buf *b)
{
	wer_buf_str(b, "</main></body></html>\n");
}

/* "2026-11-25 10:00 UTC" from a column of seconds. */
static void time_text(const struct wer_db_rows *r, size_t row,
		      const char *column, char *out, size_t size)
{
	time_t t = (time_t)wer__db_number(r, row, column);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, size, "%Y-%m-%d %H:%M UTC", &tm);
}

/* A bucket's state, "resolved in 1.3" with its version (a regressed
 * bucket keeps resolved_in, but is not said to be resolved). */
static void state_text(struct wer_buf *b, const char *state, const char *in)
{
	wer_buf_str(b, "<span class=\"state state-");
	wer__buf_html(b, state);
	wer_buf_str(b, "\">");
	wer__buf_html(b, state);
	if (!strcmp(state, "resolved") && *in) {
		wer_buf_str(b, " in ");
		wer__buf_html(b, in);
	}
	wer_buf_str(b, "</span>");
}

/* "1.2 to 1.4", or one version. */
static void versions_text(struct wer_buf *b, const char *first,
			  const char *last)
{
	wer__buf_html(b, first);
	if (strcmp(first, last)) {
		wer_buf_str(b, " to ");
		wer__buf_html(b, last);
	}
}

/* The same from row of r (a bucket's columns). */
static void state_cell(struct wer_buf *b, const struct wer_db_rows *r,
		       size_t row)
{
	state_text(b, wer__db_cell(r, row, "state"),
		   wer__db_cell(r, row, "resolved_in"));
}

static void versions_cell(struct wer_buf *b, const struct wer_db_rows *r,
			  size_t row)
{
	versions_text(b, wer__db_cell(r, row, "first_version"),
		      wer__db_cell(r, row, "last_version"));
}

/* An inline SVG polyline of counts[0..30) (oldest first). */
static void sparkline(struct wer_buf *b, const long *counts, int days)
{
	long max = 1;

	for (int i = 0; i < days; i++)
		if (counts[i] > max)
			max = counts[i];
	wer_buf_str(b, "<svg class=\"spark\" width=\"120\" height=\"24\" "
		       "viewBox=\"0 0 120 24\" role=\"img\" "
		       "aria-label=\"reports per day, last 30 days\">"
		       "<polyline points=\"");
	for (int i = 0; i < days; i++)
		wer_buf_printf(b, "%s%d,%ld", i ? " " : "", i * 4 + 2,
			       22 - counts[i] * 20 / max);
	wer_buf_str(b, "\"/></svg>");
}

static void report_table(struct wer_buf *b, const struct wer_db_rows *r)
{
	wer_buf_str(b, "<table><tr><th>Report</th><th>Received</th>"
		       "<th>Application</th><th>Version</th><th>Signal</th>"
		       "<th>Fault</th><th>Bucket</th></tr>\n");
	for (size_t i = 0; i < r->rows; i++) {
		char t[40], sig[WER_SIGNAL_TEXT_SIZE];

		time_text(r, i, "received", t, sizeof(t));
		wer_buf_str(b, "<tr><td><a href=\"/reports/");
		wer__buf_url(b, wer__db_cell(r, i, "id"));
		wer_buf_str(b, "\"><code>");
		wer__buf_html(b, wer__db_cell(r, i, "id"));
		wer_buf_str(b, "</code></a></td><td>");
		wer__buf_html(b, t);
		wer_buf_str(b, "</td><td>");
		wer__buf_html(b, wer__db_cell(r, i, "app"));
		wer_buf_str(b, "</td><td>");
		wer__buf_html(b, wer__db_cell(r, i, "version"));
		wer_buf_str(b, "</td><td>");
		wer__buf_html(b, wer__signal_to_text(
				     wer__db_number(r, i, "signal"), sig));
		wer_buf_printf(b, " (%ld)</td><td><code>",
			       wer__db_number(r, i, "signal"));
		wer__buf_html(b, wer__db_cell(r, i, "module"));
		wer_buf_str(b, "+");
		wer__buf_html(b, wer__db_cell(r, i, "module_offset"));
		wer_buf_printf(b,
			       "</code></td><td><a href=\"/buckets/%ld\">#%ld"
			       "</a></td></tr>\n",
			       wer__db_number(r, i, "bucket_id"),
			       wer__db_number(r, i, "bucket_id"));
	}
	wer_buf_str(b, "</table>\n");
}

static void frames_pre(struct wer_buf *b, const char *frames_text)
{
	struct wer_processed *p = calloc(1, sizeof(*p));

	wer_buf_str(b, "<pre>");
	if (p) {
		wer__frames_parse(frames_text, p);
		for (size_t i = 0; i < p->frame_count; i++) {
			const struct wer_stored_frame *f = &p->frames[i];

			wer_buf_printf(b, "#%-2zu ", i);
			wer__buf_html(b, f->module);
			wer_buf_printf(b, "+0x%llx",
				       (unsigned long long)f->offset);
			if (f->function[0] || f->client[0]) {
				wer_buf_str(b, "  ");
				wer__buf_html(b, f->function[0] ? f->function
								: f->client);
			}
			if (f->inlined)
				wer_buf_str(b, " (inlined)");
			if (f->scanned)
				wer_buf_str(b, "  <span class=\"muted\">"
					       "[scanned]</span>");
			if (f->walked)
				wer_buf_str(b, "  <span class=\"muted\">"
					       "[walked]</span>");
			wer_buf_str(b, "\n");
		}
		if (!p->frame_count)
			wer_buf_str(b, "(no frames)\n");
		free(p);
	}
	wer_buf_str(b, "</pre>\n");
}

/* The search's arguments but offset, as a query string ("k=v&"). */
static enum MHD_Result add_arg(void *arg, enum MHD_ValueKind kind,
			       const char *key, const char *value)
{
	struct wer_buf *b = arg;

	(void)kind;
	if (strcmp(key, "offset") && strcmp(key, "token")) {
		wer__buf_url(b, key);
		wer_buf_str(b, "=");
		wer__buf_url(b, value ? value : "");
		wer_buf_str(b, "&amp;");
	}
	return MHD_YES;
}

/* "Newer" and "older" links around a page of the search. */
static void page_links(struct MHD_Connection *conn, struct wer_buf *b,
		       const struct wer_report_query *q, size_t shown)
{
	struct wer_buf args;
	long next = q->offset + (long)shown;

	/* More than COUNT_MAX match: "older" while pages are full. */
	int more = q->total >= 0 ? next < q->total
				 : q->total_at_least && (long)shown == q->limit;

	if (q->offset == 0 && !more)
		return;
	wer_buf_init(&args, 16 * 1024);
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, add_arg, &args);
	wer_buf_str(b, "<p class=\"pages\">");
	if (q->offset > 0)
		wer_buf_printf(b,
			       "<a href=\"/search?%soffset=%ld\">&larr; "
			       "newer</a> ",
			       args.data ? args.data : "",
			       q->offset > q->limit ? q->offset - q->limit : 0);
	if (more)
		wer_buf_printf(b,
			       "<a href=\"/search?%soffset=%ld\">older "
			       "&rarr;</a>",
			       args.data ? args.data : "", next);
	wer_buf_str(b, "</p>\n");
	wer_buf_free(&args);
}

#define BUCKETS_PAGE 200 /* buckets a page of the list shows */

/* The first of days' rows (sorted by bucket_id) of bucket id: a binary
 * search; days->rows when it has none. */
static size_t day_run(const struct wer_db_rows *days, long id)
{
	size_t lo = 0, hi = days->rows;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (wer__db_number(days, mid, "bucket_id") < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int page_buckets(struct wer_collector *c, struct MHD_Connection *conn,
			const char *project, struct wer_reply *reply)
{
	struct wer_buf *b = &reply->body;
	struct wer_db_rows rows = {0}, days = {0}, meta = {0};
	long today = (long)(time(NULL) / 86400);
	const char *arg =
	    MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "offset");
	long offset = 0;
	char since[24], from[24];
	const char *p[2] = {since, project};
	/* Parameters in the order the statement names them (SQLite binds
	 * $N by first appearance). */
	const char *lp[2] = {project ? project : from, from};

	/* ?offset=N: the list from its Nth bucket (a page at a time). */
	if (arg && strspn(arg, "0123456789") == strlen(arg) && strlen(arg) < 10)
		offset = strtol(arg, NULL, 10);
	snprintf(from, sizeof(from), "%ld", offset);
	if (wer__db_query(c->db,
			  project ? "SELECT id, title, app, version, module, "
				    "module_offset, stack_hash, count, "
				    "first_seen, last_seen, project, state, "
				    "resolved_in, first_version, last_version "
				    "FROM buckets WHERE count > 0 AND project "
				    "= $1 ORDER BY count DESC, id LIMIT 200 "
				    "OFFSET $2"
				  : "SELECT id, title, app, version, module, "
				    "module_offset, stack_hash, count, "
				    "first_seen, last_seen, project, state, "
				    "resolved_in, first_version, last_version "
				    "FROM buckets WHERE count > 0 ORDER BY "
				    "count DESC, id LIMIT 200 OFFSET $1",
			  project ? 2 : 1, lp, &rows) < 0) {
		wer__reply_error(reply, 503, "database: %s",
				 wer__db_error(c->db));
		return 0;
	}
	/* The page's buckets' last 30 days, from the counts kept per day. */
	snprintf(since, sizeof(since), "%ld", today - 29);
	{
		const char *dp[3] = {since, project ? project : from, from};

		wer__db_query(
		    c->db,
		    project ? "SELECT bucket_id, day, n FROM bucket_days WHERE "
			      "day >= $1 AND bucket_id IN (SELECT id FROM "
			      "buckets WHERE count > 0 AND project = $2 ORDER "
			      "BY count DESC, id LIMIT 200 OFFSET $3) ORDER BY "
			      "bucket_id"
			    : "SELECT bucket_id, day, n FROM bucket_days WHERE "
			      "day >= $1 AND bucket_id IN (SELECT id FROM "
			      "buckets WHERE count > 0 ORDER BY count DESC, id "
			      "LIMIT 200 OFFSET $2) ORDER BY bucket_id",
		    project ? 3 : 2, dp, &days);
	}
	head(b, "Buckets");
	{
		struct wer_db_rows all = {0};
		long total = (long)rows.rows;

		if (wer__db_query(c->db,
				  project ? "SELECT count(*) AS n FROM buckets "
					    "WHERE count > 0 AND project = $1"
					  : "SELECT count(*) AS n FROM buckets "
					    "WHERE count > 0",
				  project ? 1 : 0, p + 1, &all) == 0 &&
		    all.rows == 1)
			total = wer__db_number(&all, 0, "n");
		wer__db_rows_free(&all);
		if (total > (long)rows.rows)
			wer_buf_printf(b,
				       "<h1>Crash buckets</h1><p "
				       "class=\"muted\">%ld bucket(s), most "
				       "reports first; %ld to %ld shown.</p>\n",
				       total, offset + (rows.rows ? 1 : 0),
				       offset + (long)rows.rows);
		else
			wer_buf_printf(b,
				       "<h1>Crash buckets</h1><p "
				       "class=\"muted\">%ld bucket(s), most "
				       "reports first.</p>\n",
				       total);
	}
	wer_buf_str(b, "<table id=\"buckets\"><tr><th>#</th><th>Crash</th>"
		       "<th>State</th><th>Reports</th>"
		       "<th>Last 30 days</th><th>Project</th>"
		       "<th>Application</th>"
		       "<th>Versions</th><th>Fault</th><th>Stack</th>"
		       "<th>Top metadata</th><th>Last seen</th></tr>\n");
	for (size_t i = 0; i < rows.rows; i++) {
		long counts[30] = {0};
		const char *id = wer__db_cell(&rows, i, "id");
		char t[40], lim[8] = "3";
		const char *mp[2] = {id, lim};

		/* The day rows are sorted by bucket: this bucket's run. */
		for (size_t k = day_run(&days, wer__db_number(&rows, i, "id"));
		     k < days.rows && wer__db_number(&days, k, "bucket_id") ==
					  wer__db_number(&rows, i, "id");
		     k++) {
			long d = wer__db_number(&days, k, "day") - (today - 29);

			if (d >= 0 && d < 30)
				counts[d] += wer__db_number(&days, k, "n");
		}
		wer_buf_printf(b,
			       "<tr><td><a href=\"/buckets/%ld\">#%ld</a></td>"
			       "<td class=\"title\">",
			       wer__db_number(&rows, i, "id"),
			       wer__db_number(&rows, i, "id"));
		wer__buf_html(b, wer__db_cell(&rows, i, "title"));
		wer_buf_str(b, "</td><td>");
		state_cell(b, &rows, i);
		wer_buf_printf(b, "</td><td class=\"n\">%ld</td><td>",
			       wer__db_number(&rows, i, "count"));
		sparkline(b, counts, 30);
		wer_buf_str(b, "</td><td>");
		wer__buf_html(b, wer__db_cell(&rows, i, "project"));
		wer_buf_str(b, "</td><td>");
		wer__buf_html(b, wer__db_cell(&rows, i, "app"));
		wer_buf_str(b, "</td><td>");
		versions_cell(b, &rows, i);
		wer_buf_str(b, "</td><td><code>");
		wer__buf_html(b, wer__db_cell(&rows, i, "module"));
		wer_buf_str(b, "+");
		wer__buf_html(b, wer__db_cell(&rows, i, "module_offset"));
		wer_buf_str(b, "</code></td><td><code>");
		wer__buf_html(b, wer__db_cell(&rows, i, "stack_hash"));
		wer_buf_str(b, "</code></td><td>");
		if (wer__db_query(c->db,
				  "SELECT key, value, n FROM bucket_meta WHERE "
				  "bucket_id = $1 ORDER BY n DESC, key, value "
				  "LIMIT $2",
				  2, mp, &meta) == 0)
			for (size_t k = 0; k < meta.rows; k++) {
				wer__buf_html(b, wer__db_cell(&meta, k, "key"));
				wer_buf_str(b, "=");
				wer__buf_html(b,
					      wer__db_cell(&meta, k, "value"));
				wer_buf_printf(
				    b,
				    " <span class=\"muted\">(%ld)</span><br>",
				    wer__db_number(&meta, k, "n"));
			}
		wer__db_rows_free(&meta);
		time_text(&rows, i, "last_seen", t, sizeof(t));
		wer_buf_str(b, "</td><td>");
		wer__buf_html(b, t);
		wer_buf_str(b, "</td></tr>\n");
	}
	wer_buf_str(b, "</table>\n");
	if (offset > 0 || rows.rows == BUCKETS_PAGE) {
		wer_buf_str(b, "<p class=\"pages\">");
		if (offset > 0)
			wer_buf_printf(
			    b,
			    "<a href=\"/buckets?offset=%ld\">&larr; "
			    "more reports</a> ",
			    offset > BUCKETS_PAGE ? offset - BUCKETS_PAGE : 0);
		if (rows.rows == BUCKETS_PAGE)
			wer_buf_printf(b,
				       "<a href=\"/buckets?offset=%ld\">fewer "
				       "reports &rarr;</a>",
				       offset + BUCKETS_PAGE);
		wer_buf_str(b, "</p>\n");
	}
	foot(b);
	wer__db_rows_free(&days);
	wer__db_rows_free(&rows);
	return 0;
}

/* A bucket's metadata values beside the project's: over-represented
 * ones first, marked (docs/collector.md, "Workflow"). */
static void breakdown_table(struct wer_collector *c, struct wer_buf *b,
			    const char *id)
{
	struct wer_meta_value *m = NULL;
	size_t n = 0;

	wer_buf_str(b, "<h2>Metadata values</h2>\n<p class=\"muted\">Values "
		       "marked &#9650; are at least twice as common in this "
		       "bucket as in the project's reports.</p>\n<table "
		       "id=\"breakdown\"><tr><th>Key</th><th>Value</th>"
		       "<th>Reports</th><th>Of this bucket</th><th>Of the "
		       "project</th></tr>\n");
	if (wer__bucket_breakdown(c, id, 500, &m, &n) < 0)
		n = 0;
	for (int pass = 0; pass < 2; pass++)
		for (size_t k = 0; k < n; k++) {
			if (m[k].over != !pass)
				continue;
			wer_buf_str(b, m[k].over ? "<tr class=\"over\"><td>"
						 : "<tr><td>");
			wer__buf_html(b, m[k].key);
			wer_buf_str(b, "</td><td><a href=\"/search?meta.");
			wer__buf_url(b, m[k].key);
			wer_buf_str(b, "=");
			wer__buf_url(b, m[k].value);
			wer_buf_str(b, "\">");
			wer__buf_html(b, m[k].value);
			/* A meter, not a styled span: the page's CSP allows
			 * no inline style. */
			wer_buf_printf(b,
				       "</a>%s</td><td class=\"n\">%ld</td><td "
				       "class=\"n\"><meter min=\"0\" max=\"1\" "
				       "value=\"%.3f\"></meter> %.0f%%</td><td "
				       "class=\"n\">%.0f%%</td></tr>\n",
				       m[k].over ? " &#9650;" : "", m[k].count,
				       m[k].share, 100 * m[k].share,
				       100 * m[k].share_overall);
		}
	wer_buf_str(b, "</table>\n");
	free(m);
}

/* The workflow's form: state (and the version with the fix), note, bug
 * link, posted back to the bucket's address (a triage token's). */
static void triage_form(struct wer_buf *b, const struct wer_db_rows *rows)
{
	static const char *const states[] = {"new", "resolved", "ignored"};
	const char *state = wer__db_cell(rows, 0, "state");

	wer_buf_printf(b,
		       "<h2>Triage</h2>\n<form class=\"triage\" "
		       "method=\"post\" action=\"/buckets/%ld\"><p><label>"
		       "State <select name=\"state\">",
		       wer__db_number(rows, 0, "id"));
	for (size_t i = 0; i < 3; i++)
		wer_buf_printf(b, "<option%s>%s</option>",
			       !strcmp(state, states[i]) ? " selected" : "",
			       states[i]);
	wer_buf_str(b, "</select></label> <label>resolved in version "
		       "<input name=\"version\" value=\"");
	wer__buf_html(b, wer__db_cell(rows, 0, "resolved_in"));
	wer_buf_str(b, "\" placeholder=\"the version with the fix\">"
		       "</label></p><p><label>Bug <input name=\"bug\" "
		       "type=\"url\" size=\"60\" value=\"");
	wer__buf_html(b, wer__db_cell(rows, 0, "bug_url"));
	wer_buf_str(b, "\"></label></p><p><label>Note<br><textarea "
		       "name=\"note\">");
	wer__buf_html(b, wer__db_cell(rows, 0, "note"));
	wer_buf_str(b, "</textarea></label></p><p><button "
		       "type=\"submit\">Save</button> <span "
		       "class=\"muted\">(a read token made with --triage, "
		       "or an admin token)</span></p></form>\n");
}

static int page_bucket(struct wer_collector *c, const char *id,
		       const char *project, struct wer_reply *reply)
{
	struct wer_buf *b = &reply->body;
	struct wer_db_rows rows = {0}, reps = {0};
	struct wer_report_query q = {
	    .project = project, .bucket = id, .limit = 200};
	const char *p[2] = {id, project};
	char t[40], title[64];
	long total;

	if (!*id || strspn(id, "0123456789") != strlen(id) ||
	    wer__db_query(c->db,
			  project ? "SELECT id, signature, title, app, "
				    "version, module, module_offset, "
				    "stack_hash, count, first_seen, last_seen, "
				    "frames, project, state, resolved_in, "
				    "note, bug_url, first_version, "
				    "last_version FROM buckets WHERE id = $1 "
				    "AND project = $2"
				  : "SELECT id, signature, title, app, "
				    "version, module, module_offset, "
				    "stack_hash, count, first_seen, last_seen, "
				    "frames, project, state, resolved_in, "
				    "note, bug_url, first_version, "
				    "last_version FROM buckets WHERE id = $1",
			  project ? 2 : 1, p, &rows) < 0 ||
	    rows.rows != 1) {
		wer__db_rows_free(&rows);
		wer__reply_error(reply, 404, "no bucket %s", id);
		return 0;
	}
	total = wer__db_number(&rows, 0, "count");
	snprintf(title, sizeof(title), "Bucket #%ld",
		 wer__db_number(&rows, 0, "id"));
	head(b, title);
	wer_buf_printf(b, "<h1>Bucket #%ld: ", wer__db_number(&rows, 0, "id"));
	wer__buf_html(b, wer__db_cell(&rows, 0, "title"));
	wer_buf_str(b, "</h1>\n<table>");
	wer_buf_str(b, "<tr><th>Project</th><td>");
	wer__buf_html(b, wer__db_cell(&rows, 0, "project"));
	wer_buf_str(b, "</td></tr><tr><th>Signature</th><td><code>");
	wer__buf_html(b, wer__db_cell(&rows, 0, "signature"));
	wer_buf_str(b, "</code></td></tr><tr><th>State</th><td id=\"state\">");
	state_cell(b, &rows, 0);
	wer_buf_str(b, "</td></tr><tr><th>Application</th><td>");
	wer__buf_html(b, wer__db_cell(&rows, 0, "app"));
	wer_buf_str(b, "</td></tr><tr><th>Versions</th><td id=\"versions\">");
	versions_cell(b, &rows, 0);
	if (*wer__db_cell(&rows, 0, "bug_url")) {
		wer_buf_str(b, "</td></tr><tr><th>Bug</th><td><a id=\"bug\" "
			       "rel=\"noopener noreferrer\" href=\"");
		wer__buf_html(b, wer__db_cell(&rows, 0, "bug_url"));
		wer_buf_str(b, "\">");
		wer__buf_html(b, wer__db_cell(&rows, 0, "bug_url"));
		wer_buf_str(b, "</a>");
	}
	if (*wer__db_cell(&rows, 0, "note")) {
		wer_buf_str(b, "</td></tr><tr><th>Note</th><td><pre "
			       "id=\"note\">");
		wer__buf_html(b, wer__db_cell(&rows, 0, "note"));
		wer_buf_str(b, "</pre>");
	}
	wer_buf_str(b, "</td></tr><tr><th>Fault</th><td><code>");
	wer__buf_html(b, wer__db_cell(&rows, 0, "module"));
	wer_buf_str(b, "+");
	wer__buf_html(b, wer__db_cell(&rows, 0, "module_offset"));
	wer_buf_printf(b,
		       "</code></td></tr><tr><th>Reports</th><td>%ld</td>"
		       "</tr>",
		       total);
	time_text(&rows, 0, "first_seen", t, sizeof(t));
	wer_buf_str(b, "<tr><th>First seen</th><td>");
	wer__buf_html(b, t);
	time_text(&rows, 0, "last_seen", t, sizeof(t));
	wer_buf_str(b, "</td></tr><tr><th>Last seen</th><td>");
	wer__buf_html(b, t);
	wer_buf_str(b, "</td></tr></table>\n<h2>Crashed thread</h2>\n"
		       "<p class=\"muted\">As the client's unwinder found "
		       "it; for a client that sent no stack, as the "
		       "collector walked it with the ELF files uploaded "
		       "([walked]), else the pc and the return addresses a "
		       "stack scan found ([scanned]: maybe stale).</p>\n");
	frames_pre(b, wer__db_cell(&rows, 0, "frames"));
	breakdown_table(c, b, id);
	triage_form(b, &rows);
	wer_buf_str(b, "</table>\n<h2>Reports</h2>\n");
	if (wer__query_reports(c, &q, &reps) == 0)
		report_table(b, &reps);
	foot(b);
	wer__db_rows_free(&reps);
	wer__db_rows_free(&rows);
	return 0;
}

/* The files and memory blocks a report carried, with download links for
 * those kept. */
static void attachments_table(struct wer_collector *c, struct wer_buf *b,
			      const char *id)
{
	struct wer_db_rows a = {0};

	if (wer__report_attachments(c, id, &a) < 0 || !a.rows) {
		wer__db_rows_free(&a);
		return;
	}
	wer_buf_str(b, "<h2>Attachments</h2>\n<table id=\"attachments\"><tr>"
		       "<th>Name</th><th>Kind</th><th>Bytes</th></tr>\n");
	for (size_t i = 0; i < a.rows; i++) {
		wer_buf_str(b, "<tr><td>");
		if (*wer__db_cell(&a, i, "path")) {
			wer_buf_str(b, "<a href=\"/api/reports/");
			wer__buf_url(b, id);
			wer_buf_str(b, "/attachments/");
			wer__buf_url(b, wer__db_cell(&a, i, "name"));
			wer_buf_str(b, "\">");
			wer__buf_html(b, wer__db_cell(&a, i, "name"));
			wer_buf_str(b, "</a>");
		} else {
			wer__buf_html(b, wer__db_cell(&a, i, "name"));
			wer_buf_str(b, " <span class=\"muted\">(not kept: "
				       "over a cap)</span>");
		}
		wer_buf_str(b, "</td><td>");
		wer__buf_html(b, wer__db_cell(&a, i, "kind"));
		wer_buf_printf(b, "</td><td class=\"n\">%ld</td></tr>\n",
			       wer__db_number(&a, i, "size"));
	}
	wer_buf_str(b, "</table>\n");
	wer__db_rows_free(&a);
}

static int page_report(struct wer_collector *c, const char *id,
		       const char *project, struct wer_reply *reply)
{
	struct wer_buf *b = &reply->body;
	struct wer_db_rows rows = {0}, meta = {0};
	const char *p[2] = {id, project};
	char t[40], sig[WER_SIGNAL_TEXT_SIZE];

	if (wer__db_query(
		c->db,
		project ? "SELECT id, received, app, version, signal, "
			  "signal_code, module, module_offset, build_id, "
			  "fault_address, bucket_id, project, guid, frames, "
			  "dump_size, report_wer, stack_text FROM reports "
			  "WHERE id = $1 AND project = $2"
			: "SELECT id, received, app, version, signal, "
			  "signal_code, module, module_offset, build_id, "
			  "fault_address, bucket_id, project, guid, frames, "
			  "dump_size, report_wer, stack_text FROM reports "
			  "WHERE id = $1",
		project ? 2 : 1, p, &rows) < 0 ||
	    rows.rows != 1) {
		wer__db_rows_free(&rows);
		wer__reply_error(reply, 404, "no report %s", id);
		return 0;
	}
	head(b, id);
	wer_buf_str(b, "<h1>Report <code>");
	wer__buf_html(b, id);
	wer_buf_str(b, "</code></h1>\n<table>");
	time_text(&rows, 0, "received", t, sizeof(t));
	wer_buf_str(b, "<tr><th>Received</th><td>");
	wer__buf_html(b, t);
	wer_buf_str(b, "</td></tr><tr><th>Application</th><td>");
	wer__buf_html(b, wer__db_cell(&rows, 0, "app"));
	wer_buf_str(b, " ");
	wer__buf_html(b, wer__db_cell(&rows, 0, "version"));
	wer_buf_str(b, "</td></tr><tr><th>Signal</th><td>");
	wer__buf_html(
	    b, wer__signal_to_text(wer__db_number(&rows, 0, "signal"), sig));
	wer_buf_printf(b, " (%ld), code %ld, address ",
		       wer__db_number(&rows, 0, "signal"),
		       wer__db_number(&rows, 0, "signal_code"));
	wer__buf_html(b, wer__db_cell(&rows, 0, "fault_address"));
	wer_buf_str(b, "</td></tr><tr><th>Fault</th><td><code>");
	wer__buf_html(b, wer__db_cell(&rows, 0, "module"));
	wer_buf_str(b, "+");
	wer__buf_html(b, wer__db_cell(&rows, 0, "module_offset"));
	wer_buf_str(b, "</code> build id <code>");
	wer__buf_html(b, wer__db_cell(&rows, 0, "build_id"));
	wer_buf_printf(b,
		       "</code></td></tr><tr><th>Bucket</th><td><a "
		       "href=\"/buckets/%ld\">#%ld</a></td></tr>",
		       wer__db_number(&rows, 0, "bucket_id"),
		       wer__db_number(&rows, 0, "bucket_id"));
	wer_buf_str(b, "<tr><th>Project</th><td>");
	wer__buf_html(b, wer__db_cell(&rows, 0, "project"));
	wer_buf_str(b, "</td></tr><tr><th>Client</th><td>");
	wer__buf_html(b, wer__db_cell(&rows, 0, "guid"));
	wer_buf_str(b, "</td></tr><tr><th>Downloads</th><td><a href=\"/api/"
		       "reports/");
	wer__buf_url(b, id);
	wer_buf_printf(b,
		       "/minidump\">minidump</a> (%ld bytes) &middot; <a "
		       "href=\"/api/reports/",
		       wer__db_number(&rows, 0, "dump_size"));
	wer__buf_url(b, id);
	wer_buf_str(b, "\">JSON</a></td></tr></table>\n<h2>Metadata</h2>\n"
		       "<table id=\"metadata\"><tr><th>Key</th><th>Value</th>"
		       "</tr>\n");
	if (wer__db_query(c->db,
			  "SELECT key, value FROM report_meta WHERE report_id "
			  "= $1 ORDER BY key",
			  1, p, &meta) == 0)
		for (size_t k = 0; k < meta.rows; k++) {
			wer_buf_str(b, "<tr><td>");
			wer__buf_html(b, wer__db_cell(&meta, k, "key"));
			wer_buf_str(b, "</td><td class=\"value\">");
			wer__buf_html(b, wer__db_cell(&meta, k, "value"));
			wer_buf_str(b, "</td></tr>\n");
		}
	wer_buf_str(b, "</table>\n");
	attachments_table(c, b, id);
	wer_buf_str(b, "<h2>Crashed thread</h2>\n");
	frames_pre(b, wer__db_cell(&rows, 0, "frames"));
	if (*wer__db_cell(&rows, 0, "stack_text")) {
		wer_buf_str(b, "<h2>Every thread, as the client symbolized it "
			       "(stack.txt)</h2>\n<pre id=\"client-stack\">");
		wer__buf_html(b, wer__db_cell(&rows, 0, "stack_text"));
		wer_buf_str(b, "</pre>\n");
	}
	if (*wer__db_cell(&rows, 0, "report_wer")) {
		wer_buf_str(b, "<h2>Report.wer</h2>\n<pre>");
		wer__buf_html(b, wer__db_cell(&rows, 0, "report_wer"));
		wer_buf_str(b, "</pre>\n");
	}
	foot(b);
	wer__db_rows_free(&meta);
	wer__db_rows_free(&rows);
	return 0;
}

static int page_search(struct wer_collector *c, struct MHD_Connection *conn,
		       const struct wer_scope *scope, struct wer_reply *reply)
{
	struct wer_buf *b = &reply->body;
	struct wer_report_query q;
	struct wer_db_rows rows = {0};
	const char *text =
	    MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "q");
	char key[256] = "", *eq;
	int r;

	wer__query_from_args(conn, scope, &q);
	/* The search box: "Key=Value" (one metadata pair). */
	if (text && *text && q.meta_count < 16) {
		snprintf(key, sizeof(key), "%s", text);
		eq = strchr(key, '=');
		if (eq) {
			*eq = '\0';
			q.meta_key[q.meta_count] = key;
			q.meta_value[q.meta_count] = eq + 1;
			q.meta_count++;
		} else {
			q.app = text;
		}
	}
	r = wer__query_reports(c, &q, &rows);
	head(b, "Search");
	wer_buf_str(b, "<h1>Reports</h1>\n<p class=\"muted\">");
	for (size_t i = 0; i < q.meta_count; i++) {
		wer__buf_html(b, q.meta_key[i]);
		wer_buf_str(b, " = ");
		wer__buf_html(b, q.meta_value[i]);
		wer_buf_str(b, "; ");
	}
	if (q.app) {
		wer_buf_str(b, "application ");
		wer__buf_html(b, q.app);
		wer_buf_str(b, "; ");
	}
	if (r < 0)
		wer_buf_str(b, "the query is not valid.</p>\n");
	else if (!rows.rows || (q.offset == 0 && q.total == (long)rows.rows))
		wer_buf_printf(b, "%zu report(s).</p>\n", rows.rows);
	else if (q.total < 0 && q.total_at_least)
		wer_buf_printf(b, "reports %ld to %ld of more than %ld.</p>\n",
			       q.offset + 1, q.offset + (long)rows.rows,
			       q.total_at_least);
	else
		wer_buf_printf(b, "reports %ld to %ld of %ld.</p>\n",
			       q.offset + 1, q.offset + (long)rows.rows,
			       q.total < 0 ? q.offset + (long)rows.rows
					   : q.total);
	if (r == 0) {
		report_table(b, &rows);
		page_links(conn, b, &q, rows.rows);
	}
	foot(b);
	wer__db_rows_free(&rows);
	return 0;
}

/* Top crashers (Socorro's): the buckets with most reports of the last
 * days of an application and version, each with its share and its rank
 * and share in the window before. */
static int page_top(struct wer_collector *c, struct MHD_Connection *conn,
		    const struct wer_scope *scope, struct wer_reply *reply)
{
	struct wer_buf *b = &reply->body;
	struct wer_top *top = calloc(1, sizeof(*top));
	const char *app =
	    MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "app");
	const char *version =
	    MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "version");
	long days = 7;
	int r;

	if (!top) {
		wer__reply_error(reply, 503, "out of memory");
		return 0;
	}
	r = wer__top_from_args(c, conn, scope, top, &days);
	head(b, "Top crashers");
	wer_buf_str(b, "<h1>Top crashers</h1>\n<form method=\"get\" "
		       "action=\"/top\"><label>Application <input "
		       "name=\"app\" value=\"");
	wer__buf_html(b, app ? app : "");
	wer_buf_str(b, "\"></label> <label>Version <input name=\"version\" "
		       "value=\"");
	wer__buf_html(b, version ? version : "");
	wer_buf_printf(b,
		       "\"></label> <label>Days <input name=\"days\" "
		       "type=\"number\" min=\"1\" max=\"365\" "
		       "value=\"%ld\"></label> <button "
		       "type=\"submit\">Show</button></form>\n",
		       days > 0 ? days : 7);
	if (r < 0) {
		wer_buf_str(b,
			    r == -EINVAL
				? "<p>days is a whole number, 1 to 365.</p>\n"
				: "<p>The database did not answer.</p>\n");
		reply->status = r == -EINVAL ? 400 : 503;
	} else {
		wer_buf_printf(b,
			       "<p class=\"muted\">%ld report(s) in the last "
			       "%ld day(s); %ld in the %ld before.</p>\n"
			       "<table id=\"top\"><tr><th>Rank</th><th>"
			       "Trend</th><th>Crash</th><th>State</th><th>"
			       "Reports</th><th>Share</th><th>Share "
			       "before</th><th>Versions</th></tr>\n",
			       top->total, days, top->total_before, days);
		for (size_t i = 0; i < top->count; i++) {
			const struct wer_top_row *e = &top->row[i];

			wer_buf_printf(b, "<tr><td class=\"n\">%ld</td><td>",
				       e->rank);
			if (!e->rank_before)
				wer_buf_str(b, "new");
			else if (e->rank_before > e->rank)
				wer_buf_printf(b, "&#8593; %ld",
					       e->rank_before - e->rank);
			else if (e->rank_before < e->rank)
				wer_buf_printf(b, "&#8595; %ld",
					       e->rank - e->rank_before);
			else
				wer_buf_str(b, "=");
			wer_buf_printf(b, "</td><td><a href=\"/buckets/%s\">",
				       e->bucket);
			wer__buf_html(b, e->title);
			wer_buf_str(b, "</a></td><td>");
			state_text(b, e->state, e->resolved_in);
			wer_buf_printf(b,
				       "</td><td class=\"n\">%ld</td>"
				       "<td class=\"n\">%.1f%%</td><td "
				       "class=\"n\">%.1f%%</td><td>",
				       e->count, 100 * e->share,
				       100 * e->share_before);
			versions_text(b, e->first_version, e->last_version);
			wer_buf_str(b, "</td></tr>\n");
		}
		wer_buf_str(b, "</table>\n");
	}
	foot(b);
	free(top);
	return 0;
}

void wer__page_signin(struct wer_reply *reply, const char *url, int tried)
{
	struct wer_buf *b = &reply->body;

	reply->status = 401;
	reply->content_type = "text/html; charset=utf-8";
	head(b, "Sign in");
	wer_buf_str(b, "<h1>Sign in</h1>\n<p>These crash reports need a read "
		       "token (an administrator makes one with "
		       "<code>wer-collector token add PROJECT</code>).</p>\n");
	if (tried)
		wer_buf_str(b, "<p class=\"error\" id=\"unknown\">That token "
			       "is not known here.</p>\n");
	wer_buf_str(b, "<form method=\"get\" action=\"");
	wer__buf_html(b, url);
	wer_buf_str(b, "\"><label>Read token <input type=\"password\" "
		       "name=\"token\" autocomplete=\"current-password\" "
		       "required></label> <button type=\"submit\">Sign "
		       "in</button></form>\n<p class=\"muted\">The token is "
		       "kept in a cookie of this site only (HttpOnly, "
		       "SameSite=Strict).</p>\n");
	foot(b);
}

int wer__pages(struct wer_collector *c, struct MHD_Connection *conn,
	       const char *url, const struct wer_scope *scope,
	       struct wer_reply *reply)
{
	const char *project = wer__scope_project(conn, scope);

	reply->status = 200;
	reply->content_type = "text/html; charset=utf-8";
	if (!strcmp(url, "/style.css")) {
		reply->content_type = "text/css";
		wer_buf_str(&reply->body, css);
		return 0;
	}
	if (!strcmp(url, "/") || !strcmp(url, "/buckets"))
		return page_buckets(c, conn, project, reply);
	if (!strncmp(url, "/buckets/", 9))
		return page_bucket(c, url + 9, project, reply);
	if (!strncmp(url, "/reports/", 9) && !strchr(url + 9, '/') && url[9])
		return page_report(c, url + 9, project, reply);
	if (!strcmp(url, "/search"))
		return page_search(c, conn, scope, reply);
	if (!strcmp(url, "/top"))
		return page_top(c, conn, scope, reply);
	wer__reply_error(reply, 404, "no such page");
	return 0;
}
