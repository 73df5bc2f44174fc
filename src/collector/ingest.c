/* SPDX-License-Identifier: MIT */
/*
 * ingest.c - POST /api/minidump: Breakpad/Crashpad uploads.
 *
 * Durability: the dump is written to DATA/tmp, fsynced, renamed to
 * DATA/dumps/<2 hex>/<id>.dmp and the directory fsynced; then the report's
 * row, its metadata and its bucket's count are committed in one
 * transaction; only then is CrashID=bp-<id> answered. A failure before
 * the commit removes the file. A collector killed between the rename and
 * the commit leaves a dump without a row, which no query shows and the
 * next start's sweep removes; killed before the rename, a file in
 * DATA/tmp, swept the same way.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "collector.h"
#include "io.h"
#include "multipart.h"
#include "uuid.h"

/* Form fields that are not metadata (the Breakpad/Crashpad convention's
 * own, and openwer's attachment). */
static const char *const reserved[] = {
    "upload_file_minidump", "prod",    "ver", "guid",
    "Report.wer",	    "api_key", NULL};

static int is_reserved(const char *name)
{
	for (const char *const *r = reserved; *r; r++)
		if (!strcmp(name, *r))
			return 1;
	return 0;
}

/* Copies a field's value (not NUL-terminated, may hold NULs) as a string
 * of at most size - 1 bytes, stopping at a NUL. */
static void field_text(const struct wer_mp_part *p, char *out, size_t size)
{
	size_t n = p->size < size - 1 ? p->size : size - 1;

	memcpy(out, p->data, n);
	out[n] = '\0';
}

#define ATTACHMENTS_MAX 32 /* attachments a report may carry */

/* A file part other than the dump, Report.wer and stack.txt: a file the
 * application registered (WerRegisterFile), a memory block, a Crashpad
 * attachment. */
struct attachment {
	const struct wer_mp_part *part;
	const char *kind; /* "memory" (MemoryBlock-*.bin) or "file" */
	int kept;	  /* within the caps: its bytes are stored */
	char ref[PATH_MAX + 64];
};

/* One report waiting to be committed. */
struct pending {
	const char *id, *project, *guid, *frames, *dump_path, *report_wer;
	const char *stack_text;
	const struct wer_processed *p;
	size_t dump_size, meta_count;
	const uint8_t *dump_data; /* --blobs database: stored in the batch */
	struct attachment *att;
	size_t att_count;
	char (*meta_key)[WER_MP_NAME_MAX];
	char (*meta_value)[WER_COLLECTOR_VALUE_MAX];
	int done, result;
	char err[256]; /* why it failed (the leader ran it) */
	struct pending *next;
};

/* Group commit: threads queue their report; one of them (the leader)
 * commits everything queued in one transaction, so that one fsync of the
 * database's log covers many reports. Each report is answered only after
 * the transaction holding it committed. */
static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t queue_cond = PTHREAD_COND_INITIALIZER;
static struct pending *queue, **queue_tail = &queue; /* oldest first */
static int leader_busy;

#define BATCH_MAX 64

/* The statements of one report, inside a transaction. */
static int insert_one(struct wer_collector *c, const struct pending *e)
{
	char now[24], sig[24], code[24], dsize[24];
	struct wer_db_rows b = {0};
	const struct wer_processed *p = e->p;
	char dump_ref[PATH_MAX + 64];
	int r;

	snprintf(dump_ref, sizeof(dump_ref), "%s", e->dump_path);
	if (e->dump_data) {
		char key[64];

		snprintf(key, sizeof(key), "dump/%s", e->id);
		r = wer__blob_insert(c->db, key, e->dump_data, e->dump_size,
				     dump_ref, sizeof(dump_ref));
		if (r < 0)
			return r;
	}
	snprintf(now, sizeof(now), "%ld", (long)time(NULL));
	snprintf(sig, sizeof(sig), "%ld", p->signal);
	snprintf(code, sizeof(code), "%ld", p->signal_code);
	snprintf(dsize, sizeof(dsize), "%zu", e->dump_size);
	{
		const char *bp[11] = {
		    e->project,	   p->signature, p->app,
		    p->version,	   p->module,	 p->module_offset,
		    p->stack_hash, e->frames,	 now,
		    now,	   p->title};
		const char *rp[19] = {e->id,	     NULL,
				      e->project,    now,
				      p->app,	     p->version,
				      e->guid,	     sig,
				      code,	     p->fault_address,
				      p->module,     p->module_offset,
				      p->build_id,   e->frames,
				      dump_ref,	     dsize,
				      e->report_wer, e->stack_text,
				      p->reason};

		r = wer__db_exec(
		    c->db,
		    "INSERT INTO buckets (project, signature, app, version, "
		    "module, module_offset, stack_hash, frames, "
		    "count, first_seen, last_seen, title, first_version, "
		    "last_version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
		    "1, $9, $10, $11, $4, $4) ON CONFLICT (project, "
		    "signature) DO UPDATE SET count = buckets.count + 1, "
		    "last_seen = excluded.last_seen RETURNING id, state, "
		    "resolved_in, first_version, last_version",
		    11, bp, &b);
		if (r >= 0 && b.rows != 1)
			r = -EIO;
		if (r >= 0) {
			rp[1] = wer__db_cell(&b, 0, "id");
			r = wer__db_exec(
			    c->db,
			    "INSERT INTO reports (id, bucket_id, project, "
			    "received, app, version, guid, signal, "
			    "signal_code, fault_address, module, "
			    "module_offset, build_id, frames, dump_path, "
			    "dump_size, report_wer, stack_text, reason) VALUES "
			    "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
			    "$12, $13, $14, $15, $16, $17, $18, $19)",
			    19, rp, NULL);
		}
	}
	if (r >= 0 && e->meta_count) {
		/* Every pair in one statement (a pair sent twice is one):
		 * the report's id, project and time are $1..$3, each pair
		 * two more. */
		const char *mp[3 + 2 * WER_COLLECTOR_META_MAX] = {
		    e->id, e->project, now};
		struct wer_buf sql;
		int n = 3;

		wer_buf_init(&sql, 64 * 1024);
		wer_buf_str(&sql,
			    "INSERT INTO report_meta (report_id, project, "
			    "received, key, value) VALUES ");
		for (size_t i = 0; i < e->meta_count; i++) {
			int again = 0;

			for (size_t k = 0; k < i && !again; k++)
				again =
				    !strcmp(e->meta_key[k], e->meta_key[i]) &&
				    !strcmp(e->meta_value[k], e->meta_value[i]);
			if (again)
				continue;
			mp[n++] = e->meta_key[i];
			mp[n++] = e->meta_value[i];
			wer_buf_printf(&sql, "%s($1, $2, $3, $%d, $%d)",
				       n > 5 ? ", " : "", n - 1, n);
		}
		r = sql.failed ? -ENOMEM
			       : wer__db_exec(c->db, sql.data, n, mp, NULL);
		wer_buf_free(&sql);
	}
	for (size_t i = 0; r >= 0 && i < e->att_count; i++) {
		struct attachment *a = &e->att[i];
		char size[24], ref[PATH_MAX + 64];
		const char *ap[6] = {e->id,   e->project, a->part->name,
				     a->kind, size,	  ref};

		snprintf(size, sizeof(size), "%zu", a->part->size);
		snprintf(ref, sizeof(ref), "%s", a->kept ? a->ref : "");
		if (a->kept && c->blobs_in_db) {
			char key[WER_UUID_SIZE + 32];

			snprintf(key, sizeof(key), "attachment/%s/%zu", e->id,
				 i);
			r = wer__blob_insert(c->db, key, a->part->data,
					     a->part->size, ref, sizeof(ref));
		}
		if (r >= 0)
			r = wer__db_exec(c->db,
					 "INSERT INTO attachments (report_id, "
					 "project, name, kind, size, path) "
					 "VALUES ($1, $2, $3, $4, $5, $6)",
					 6, ap, NULL);
	}
	if (r >= 0 && e->meta_count)
		r = wer__bucket_meta_count(
		    c->db, e->id, wer__db_cell(&b, 0, "id"), e->project, 1);
	if (r >= 0)
		r = wer__bucket_day_count(c->db, wer__db_cell(&b, 0, "id"), now,
					  1);
	if (r >= 0)
		r = wer__bucket_seen(c->db, &b, p->version, now);
	wer__db_rows_free(&b);
	return r;
}

/* Commits items[0..n) in one transaction, retrying conflicts. */
static int commit_batch(struct wer_collector *c, struct pending **items,
			size_t n)
{
	int r = 0;

	for (int attempt = 0; attempt < 6; attempt++) {
		if (attempt)
			usleep(5000u << attempt);
		r = wer__db_begin(c->db);
		if (r < 0)
			continue;
		for (size_t i = 0; i < n && r >= 0; i++)
			r = insert_one(c, items[i]);
		if (r < 0) {
			wer__db_rollback(c->db);
		} else {
			r = wer__db_commit(c->db);
			if (r == 0)
				return 0;
		}
		if (r != -EBUSY)
			return r;
	}
	return r;
}

static int by_signature(const void *a, const void *b)
{
	const struct pending *x = *(struct pending *const *)a;
	const struct pending *y = *(struct pending *const *)b;

	int r = strcmp(x->project, y->project);

	/* The same order of bucket rows in every batch: two collectors'
	 * batches on one PostgreSQL do not deadlock. */
	return r ? r : strcmp(x->p->signature, y->p->signature);
}

static int insert_report(struct wer_collector *c, struct pending *me)
{
	pthread_mutex_lock(&queue_lock);
	me->next = NULL;
	*queue_tail = me;
	queue_tail = &me->next;
	while (!me->done) {
		struct pending *items[BATCH_MAX];
		size_t n = 0;
		int r;

		if (leader_busy) {
			pthread_cond_wait(&queue_cond, &queue_lock);
			continue;
		}
		/* Lead: take up to BATCH_MAX queued reports. */
		leader_busy = 1;
		while (queue && n < BATCH_MAX) {
			items[n++] = queue;
			queue = queue->next;
		}
		if (!queue)
			queue_tail = &queue;
		pthread_mutex_unlock(&queue_lock);
		qsort(items, n, sizeof(items[0]), by_signature);
		r = commit_batch(c, items, n);
		if (r < 0 && n > 1) {
			/* One bad report must not fail the others. */
			for (size_t i = 0; i < n; i++)
				items[i]->result =
				    commit_batch(c, items + i, 1);
		} else {
			for (size_t i = 0; i < n; i++)
				items[i]->result = r;
		}
		pthread_mutex_lock(&queue_lock);
		for (size_t i = 0; i < n; i++)
			items[i]->done = 1;
		leader_busy = 0;
		pthread_cond_broadcast(&queue_cond);
	}
	pthread_mutex_unlock(&queue_lock);
	return me->result;
}

/* Which attachments are kept: in order, while the report's total stays
 * within --max-attachments and the project's within
 * --attachments-quota (its use read once, before: collectors storing at
 * once may each pass it by one report's). The others are listed, not
 * kept. */
static void keep_attachments(struct wer_collector *c, const char *project,
			     struct attachment *att, size_t n)
{
	long long used = 0;
	size_t total = 0;

	if (n && c->attachments_quota) {
		struct wer_db_rows rows = {0};
		const char *p[1] = {project};

		if (wer__db_query(c->db,
				  "SELECT coalesce(sum(size), 0) AS n FROM "
				  "attachments WHERE project = $1 AND path "
				  "<> ''",
				  1, p, &rows) == 0)
			used = wer__db_number(&rows, 0, "n");
		else
			used = (long long)c->attachments_quota; /* unknown */
		wer__db_rows_free(&rows);
	}
	for (size_t i = 0; i < n; i++) {
		size_t size = att[i].part->size;

		if (total + size > c->max_attachments ||
		    (c->attachments_quota &&
		     (unsigned long long)used + size > c->attachments_quota))
			continue;
		att[i].kept = 1;
		total += size;
		used += (long long)size;
	}
}

/* A report not stored: its files go (the database's rows went with the
 * transaction). */
static void unlink_stored(const char *dump_path, const struct attachment *att,
			  size_t n)
{
	wer__blob_unlink(dump_path);
	for (size_t i = 0; i < n; i++)
		if (att[i].kept && att[i].ref[0])
			wer__blob_unlink(att[i].ref);
}

/* 1 when the report's row is committed, 0 when not, -EIO unknown. */
static int report_exists(struct wer_collector *c, const char *id)
{
	struct wer_db_rows rows = {0};
	const char *p[1] = {id};
	int r = wer__db_query(c->db, "SELECT 1 FROM reports WHERE id = $1", 1,
			      p, &rows);

	if (r == 0)
		r = rows.rows == 1;
	wer__db_rows_free(&rows);
	return r < 0 ? -EIO : r;
}

int wer__ingest(struct wer_collector *c, const char *project,
		const char *content_type, const char *content_encoding,
		const uint8_t *body, size_t size, struct wer_reply *reply)
{
	char boundary[WER_MP_BOUNDARY_MAX + 1], err[256] = "";
	char id[WER_UUID_SIZE], dump_path[PATH_MAX + 64];
	char prod[256] = "", ver[256] = "", guid[256] = "";
	struct wer_mp_part *parts = NULL;
	const struct wer_mp_part *dump = NULL, *wer = NULL, *stack = NULL;
	struct wer_processed *p = NULL;
	uint8_t *inflated = NULL;
	char(*meta_key)[WER_MP_NAME_MAX] = NULL;
	char(*meta_value)[WER_COLLECTOR_VALUE_MAX] = NULL;
	char *report_wer = NULL, *stack_text = NULL;
	size_t meta_count = 0, att_count = 0;
	struct attachment *att = NULL;
	struct wer_buf frames;
	int n, r;

	wer_buf_init(&frames, 64 * 1024);
	if (content_encoding && *content_encoding &&
	    strcasecmp(content_encoding, "identity")) {
		size_t out_len;

		if (strcasecmp(content_encoding, "gzip") &&
		    strcasecmp(content_encoding, "x-gzip")) {
			wer__reply_error(reply, 415,
					 "Content-Encoding %s: only gzip is "
					 "accepted",
					 content_encoding);
			goto out;
		}
		r = wer__gunzip(body, size, c->max_body, &inflated, &out_len);
		if (r == -EFBIG) {
			wer__reply_error(reply, 413,
					 "the body inflates past the maximum "
					 "of %zu bytes",
					 c->max_body);
			goto out;
		}
		if (r < 0) {
			wer__reply_error(reply, 400,
					 "the body is not valid gzip");
			goto out;
		}
		body = inflated;
		size = out_len;
	}
	if (wer__mp_boundary(content_type, boundary, sizeof(boundary)) < 0) {
		wer__reply_error(reply, 400,
				 "expected Content-Type: multipart/form-data "
				 "with a boundary");
		goto out;
	}
	parts = calloc(WER_MP_PARTS_MAX, sizeof(*parts));
	meta_key = calloc(WER_COLLECTOR_META_MAX, sizeof(*meta_key));
	meta_value = calloc(WER_COLLECTOR_META_MAX, sizeof(*meta_value));
	p = calloc(1, sizeof(*p));
	att = calloc(ATTACHMENTS_MAX, sizeof(*att));
	if (!parts || !meta_key || !meta_value || !p || !att) {
		wer__reply_error(reply, 503, "out of memory");
		goto out;
	}
	n = wer__mp_parse(body, size, boundary, parts, WER_MP_PARTS_MAX, err,
			  sizeof(err));
	if (n < 0) {
		wer__reply_error(reply, n == -E2BIG ? 413 : 400,
				 "malformed multipart body: %s", err);
		goto out;
	}
	for (int i = 0; i < n; i++) {
		const struct wer_mp_part *part = &parts[i];
		const char *name = part->name;

		if (!strcmp(name, "upload_file_minidump"))
			dump = dump ? dump : part;
		else if (!strcmp(name, "Report.wer"))
			wer = wer ? wer : part;
		else if (!strcmp(name, "stack.txt") && part->is_file)
			stack = stack ? stack : part;
		else if (part->is_file && *name) {
			int again = 0;

			/* An attachment; a name sent twice is kept once. */
			for (size_t k = 0; k < att_count && !again; k++)
				again = !strcmp(att[k].part->name, name);
			if (again)
				continue;
			if (att_count == ATTACHMENTS_MAX) {
				wer__reply_error(reply, 413,
						 "more than %d attachments",
						 ATTACHMENTS_MAX);
				goto out;
			}
			att[att_count].part = part;
			att[att_count].kind = !strncmp(name, "MemoryBlock-", 12)
						  ? "memory"
						  : "file";
			att_count++;
		} else if (!strcmp(name, "prod"))
			field_text(part, prod, sizeof(prod));
		else if (!strcmp(name, "ver"))
			field_text(part, ver, sizeof(ver));
		else if (!strcmp(name, "guid"))
			field_text(part, guid, sizeof(guid));
		else if (!part->is_file && !is_reserved(name)) {
			/* A key that collides with a reserved name is sent
			 * as wer.meta.KEY. */
			if (!strncmp(name, "wer.meta.", 9) &&
			    is_reserved(name + 9))
				name += 9;
			if (!*name)
				continue;
			if (meta_count == WER_COLLECTOR_META_MAX) {
				wer__reply_error(reply, 413,
						 "more than %d metadata fields",
						 WER_COLLECTOR_META_MAX);
				goto out;
			}
			snprintf(meta_key[meta_count], WER_MP_NAME_MAX, "%s",
				 name);
			field_text(part, meta_value[meta_count],
				   WER_COLLECTOR_VALUE_MAX);
			meta_count++;
		}
	}
	if (dump && !dump->size) {
		wer__reply_error(reply, 400, "upload_file_minidump is empty");
		goto out;
	}
	/* The stack as the client symbolized it (wer submit's stack.txt). */
	if (stack && stack->size <= 1024 * 1024 &&
	    (stack_text = malloc(stack->size + 1))) {
		memcpy(stack_text, stack->data, stack->size);
		stack_text[stack->size] = '\0';
	}
	if (wer && wer->size <= 1024 * 1024) {
		report_wer = malloc(wer->size + 1);
		if (report_wer) {
			memcpy(report_wer, wer->data, wer->size);
			report_wer[wer->size] = '\0';
			/* Stored as text: stop at a NUL. */
		}
	}
	r = wer__process(c, project, dump ? dump->data : NULL,
			 dump ? dump->size : 0, prod, ver, report_wer,
			 report_wer ? strlen(report_wer) : 0, stack_text, p,
			 err, sizeof(err));
	if (r < 0) {
		wer__reply_error(reply, 400, "%s", err);
		goto out;
	}
	wer__frames_format(p, &frames);
	if (wer_uuid4(id) < 0) {
		wer__reply_error(reply, 503, "no random bytes for an id");
		goto out;
	}
	dump_path[0] = '\0';
	r = 0;
	if (dump && !c->blobs_in_db) {
		char name[WER_UUID_SIZE + 32], dir[16];

		snprintf(dir, sizeof(dir), "dumps/%.2s", id);
		snprintf(name, sizeof(name), "%s/%s.dmp", dir, id);
		r = wer__blob_file(c, dir, name, dump->data, dump->size,
				   dump_path, sizeof(dump_path));
	}
	if (r < 0) {
		wer__reply_error(reply, 503, "cannot store the minidump: %s",
				 strerror(-r));
		goto out;
	}
	keep_attachments(c, project, att, att_count);
	for (size_t i = 0; i < att_count && !c->blobs_in_db; i++) {
		char name[WER_UUID_SIZE + 64], dir[WER_UUID_SIZE + 32];

		if (!att[i].kept)
			continue;
		snprintf(dir, sizeof(dir), "attachments/%.2s/%s", id, id);
		snprintf(name, sizeof(name), "%s/%zu", dir, i);
		if (wer__blob_file(c, dir, name, att[i].part->data,
				   att[i].part->size, att[i].ref,
				   sizeof(att[i].ref)) < 0) {
			unlink_stored(dump_path, att, i);
			wer__reply_error(reply, 503,
					 "cannot store an attachment");
			goto out;
		}
	}
	char why[256] = "";

	{
		struct pending me = {
		    .id = id,
		    .project = project,
		    .guid = guid,
		    .frames = frames.data ? frames.data : "",
		    .dump_path = dump_path,
		    .report_wer = report_wer ? report_wer : "",
		    .stack_text = stack_text ? stack_text : "",
		    .p = p,
		    .dump_size = dump ? dump->size : 0,
		    .dump_data = dump && c->blobs_in_db ? dump->data : NULL,
		    .att = att,
		    .att_count = att_count,
		    .meta_count = meta_count,
		    .meta_key = meta_key,
		    .meta_value = meta_value,
		};

		r = insert_report(c, &me);
		snprintf(why, sizeof(why), "%s", me.err);
	}
	/* A COMMIT that failed in transit (a dropped PostgreSQL connection)
	 * may have committed: the row decides, not the error. When even that
	 * is unknown the file stays, for the startup sweep to judge. */
	if (r < 0) {
		int exists = report_exists(c, id);

		if (exists == 1) {
			r = 0;
		} else {
			if (exists == 0)
				unlink_stored(dump_path, att, att_count);
			fprintf(stderr,
				"wer-collector: storing report %s: %s\n", id,
				why[0] ? why : wer__db_error(c->db));
			wer__reply_error(reply, 503, "cannot store the report");
			goto out;
		}
	}
	reply->status = 200;
	reply->content_type = "text/plain; charset=utf-8";
	wer_buf_printf(&reply->body, "CrashID=bp-%s\n", id);
out:
	wer_buf_free(&frames);
	free(report_wer);
	free(stack_text);
	free(meta_key);
	free(meta_value);
	free(att);
	free(parts);
	free(p);
	free(inflated);
	return 0;
}

/* DATA/attachments/<2 hex>/<id>/ of reports without a row (their ingest
 * did not finish), older than the sweep age: removed. */
static void sweep_attachments(struct wer_collector *c, time_t now)
{
	char top[PATH_MAX + 32], sub[PATH_MAX + 320], dir[PATH_MAX + 640];
	char path[PATH_MAX + 1000];
	DIR *d, *s, *f;
	struct dirent *e, *g, *h;

	snprintf(top, sizeof(top), "%s/attachments", c->data_dir);
	d = opendir(top);
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.' || strlen(e->d_name) > 8)
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", top, e->d_name);
		s = opendir(sub);
		while (s && (g = readdir(s))) {
			struct wer_db_rows rows = {0};
			const char *p[1] = {g->d_name};
			struct stat st;

			if (g->d_name[0] == '.' || strlen(g->d_name) > 64)
				continue;
			snprintf(dir, sizeof(dir), "%s/%s", sub, g->d_name);
			if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode) ||
			    now - st.st_mtime < c->sweep_age)
				continue;
			if (wer__db_query(c->db,
					  "SELECT 1 FROM reports WHERE id = $1",
					  1, p, &rows) < 0 ||
			    rows.rows) {
				wer__db_rows_free(&rows);
				continue;
			}
			wer__db_rows_free(&rows);
			fprintf(stderr,
				"wer-collector: removing %s (no report row: "
				"its ingest did not finish)\n",
				dir);
			f = opendir(dir);
			while (f && (h = readdir(f))) {
				if (h->d_name[0] == '.')
					continue;
				snprintf(path, sizeof(path), "%s/%s", dir,
					 h->d_name);
				unlink(path);
			}
			if (f)
				closedir(f);
			rmdir(dir);
		}
		if (s)
			closedir(s);
	}
	if (d)
		closedir(d);
}

/* Removes dump files that have no row and temporary files, older than
 * --sweep-age seconds (another collector sharing DATA may be writing). */
void wer__ingest_sweep(struct wer_collector *c)
{
	char path[2 * PATH_MAX + 600];
	time_t now = time(NULL);
	DIR *d;
	struct dirent *e;

	snprintf(path, sizeof(path), "%s/tmp", c->data_dir);
	d = opendir(path);
	while (d && (e = readdir(d))) {
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/tmp/%s", c->data_dir,
			 e->d_name);
		if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		    now - st.st_mtime >= c->sweep_age)
			unlink(path);
	}
	if (d)
		closedir(d);
	snprintf(path, sizeof(path), "%s/dumps", c->data_dir);
	d = opendir(path);
	while (d && (e = readdir(d))) {
		DIR *sub;
		struct dirent *f;
		char subdir[PATH_MAX + 300];

		if (e->d_name[0] == '.')
			continue;
		snprintf(subdir, sizeof(subdir), "%s/dumps/%s", c->data_dir,
			 e->d_name);
		sub = opendir(subdir);
		while (sub && (f = readdir(sub))) {
			struct stat st;
			struct wer_db_rows rows = {0};
			char id[64];
			const char *p[1] = {id};
			size_t len = strlen(f->d_name);

			if (len < 5 || len - 4 >= sizeof(id) ||
			    strcmp(f->d_name + len - 4, ".dmp"))
				continue;
			memcpy(id, f->d_name, len - 4);
			id[len - 4] = '\0';
			snprintf(path, sizeof(path), "%s/%s", subdir,
				 f->d_name);
			if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode) ||
			    now - st.st_mtime < c->sweep_age)
				continue;
			if (wer__db_query(c->db,
					  "SELECT 1 FROM reports WHERE id = $1",
					  1, p, &rows) == 0 &&
			    rows.rows == 0) {
				fprintf(stderr,
					"wer-collector: removing %s (no "
					"report row: its ingest did not "
					"finish)\n",
					path);
				unlink(path);
			}
			wer__db_rows_free(&rows);
		}
		if (sub)
			closedir(sub);
	}
	if (d)
		closedir(d);
	sweep_attachments(c, now);
}
