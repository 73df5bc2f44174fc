/* SPDX-License-Identifier: MIT */
/*
 * db.c - choosing the backend, the schema's versions (and the one step
 * of a migration written in C: hashing keys), the lock that lets the
 * server's threads share one connection, and result rows.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector.h"
#include "db.h"
#include "text.h"

void wer__db_rows_free(struct wer_db_rows *r)
{
	for (size_t i = 0; i < r->rows * r->cols; i++)
		free(r->cell[i]);
	for (size_t i = 0; r->name && i < r->cols; i++)
		free(r->name[i]);
	free(r->cell);
	free(r->name);
	memset(r, 0, sizeof(*r));
}

long wer__db_number(const struct wer_db_rows *r, size_t row, const char *column)
{
	const char *text = wer__db_cell(r, row, column);
	char *end;
	long n;

	errno = 0;
	n = strtol(text, &end, 10);
	return errno || end == text || *end ? 0 : n;
}

const char *wer__db_cell(const struct wer_db_rows *r, size_t row,
			 const char *column)
{
	for (size_t c = 0; c < r->cols; c++)
		if (!strcmp(r->name[c], column))
			return row < r->rows && r->cell[row * r->cols + c]
				   ? r->cell[row * r->cols + c]
				   : "";
	if (r->rows) /* an empty result may have no columns at all */
		fprintf(stderr,
			"wer-collector: no column %s in a query's result\n",
			column);
	return "";
}

int wer__db_rows_columns(struct wer_db_rows *r, size_t n,
			 const char *const *names)
{
	if (r->name || r->rows || n > WER_DB_COLUMNS_MAX)
		return -EINVAL;
	if (!n)
		return 0;
	if (!(r->name = calloc(n, sizeof(*r->name))))
		return -ENOMEM;
	r->cols = n;
	for (size_t c = 0; c < n; c++)
		if (!(r->name[c] = strdup(names[c] ? names[c] : ""))) {
			wer__db_rows_free(r);
			return -ENOMEM;
		}
	return 0;
}

int wer__db_rows_add(struct wer_db_rows *r, size_t n, const char *const *cells)
{
	char **p;

	if (!r->name || r->cols != n)
		return -EINVAL;
	if (r->rows >= WER_DB_ROWS_MAX)
		return -E2BIG;
	p = realloc(r->cell, (r->rows + 1) * n * sizeof(*p));
	if (!p)
		return -ENOMEM;
	r->cell = p;
	for (size_t c = 0; c < n; c++) {
		char *s = NULL;

		if (cells[c] && !(s = strdup(cells[c]))) {
			for (size_t k = 0; k < c; k++)
				free(p[r->rows * n + k]);
			return -ENOMEM;
		}
		p[r->rows * n + c] = s;
	}
	r->rows++;
	return 0;
}

/* The last error of this thread's statements (copied while the lock was
 * held: db->err itself belongs to whoever holds the lock). */
static __thread char last_error[sizeof(((struct wer_db *)0)->err)];

const char *wer__db_error(const struct wer_db *db)
{
	(void)db;
	return last_error;
}

/* s as text every backend keeps alike: valid UTF-8, each byte that is
 * not as U+FFFD (PostgreSQL refuses a whole statement for one such byte;
 * SQLite would keep it). NULL when s is valid already, or for no memory
 * (then s goes as it is). */
static char *valid_utf8(const char *s)
{
	size_t len = strlen(s), o = 0;
	char *out = NULL;

	for (size_t i = 0; i < len;) {
		size_t n = (unsigned char)s[i] < 0x80
			       ? 1
			       : wer_utf8_char_len((const unsigned char *)s + i,
						   len - i);

		if (!n &&
		    !out) { /* the first bad byte: copy what came before */
			if (!(out = malloc(3 * len + 1)))
				return NULL;
			memcpy(out, s, i);
			o = i;
		}
		if (!n) {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
			continue;
		}
		if (out) {
			memcpy(out + o, s + i, n);
			o += n;
		}
		i += n;
	}
	if (out)
		out[o] = '\0';
	return out;
}

int wer__db_exec(struct wer_db *db, const char *sql, int nparams,
		 const char *const *params, struct wer_db_rows *ret)
{
	const char *fixed[WER_DB_PARAMS_MAX];
	char *made[WER_DB_PARAMS_MAX];
	int r, any = 0;

	/* Text from outside (names, metadata, stacks) reaches every
	 * statement through here. */
	for (int i = 0; i < nparams && i < WER_DB_PARAMS_MAX; i++) {
		made[i] = params[i] ? valid_utf8(params[i]) : NULL;
		fixed[i] = made[i] ? made[i] : params[i];
		any |= made[i] != NULL;
	}
	r = db->ops->query(db->conn, sql, nparams,
			   any && nparams <= WER_DB_PARAMS_MAX ? fixed : params,
			   ret, db->err, sizeof(db->err));
	for (int i = 0; i < nparams && i < WER_DB_PARAMS_MAX; i++)
		free(made[i]);
	if (r < 0)
		memcpy(last_error, db->err, sizeof(last_error));
	return r;
}

int wer__db_query(struct wer_db *db, const char *sql, int nparams,
		  const char *const *params, struct wer_db_rows *ret)
{
	int r;

	pthread_mutex_lock(&db->lock);
	r = wer__db_exec(db, sql, nparams, params, ret);
	/* Outside a transaction a statement may simply run again: once, for
	 * a connection that dropped (the backend reconnects). */
	if (r == -EIO) {
		if (ret)
			wer__db_rows_free(ret);
		r = wer__db_exec(db, sql, nparams, params, ret);
	}
	pthread_mutex_unlock(&db->lock);
	return r;
}

int wer__db_begin(struct wer_db *db)
{
	int r;

	pthread_mutex_lock(&db->lock);
	r = wer__db_exec(db, db->ops->begin, 0, NULL, NULL);
	if (r == -EIO) /* a dropped connection: the backend reconnects */
		r = wer__db_exec(db, db->ops->begin, 0, NULL, NULL);
	if (r < 0)
		pthread_mutex_unlock(&db->lock);
	return r;
}

int wer__db_commit(struct wer_db *db)
{
	int r = wer__db_exec(db, "COMMIT", 0, NULL, NULL);

	if (r < 0) {
		char keep[sizeof(db->err)];

		memcpy(keep, db->err, sizeof(keep));
		wer__db_exec(db, "ROLLBACK", 0, NULL, NULL);
		memcpy(db->err, keep, sizeof(keep));
	}
	pthread_mutex_unlock(&db->lock);
	return r;
}

void wer__db_rollback(struct wer_db *db)
{
	char keep[sizeof(db->err)];

	memcpy(keep, db->err, sizeof(keep));
	wer__db_exec(db, "ROLLBACK", 0, NULL, NULL);
	memcpy(db->err, keep, sizeof(keep));
	pthread_mutex_unlock(&db->lock);
}

/* Version 3's step in C: each key and token, kept in plain text until
 * then, replaced by its hash (what access.c looks them up by). */
static int hash_secrets(struct wer_db *db)
{
	static const char *const tables[][2] = {
	    {"ingest_keys", "key_hash"},
	    {"read_tokens", "token_hash"},
	};
	int r = 0;

	for (size_t t = 0; t < 2 && r >= 0; t++) {
		struct wer_db_rows rows = {0};
		char sql[128];

		snprintf(sql, sizeof(sql), "SELECT %s FROM %s", tables[t][1],
			 tables[t][0]);
		r = wer__db_exec(db, sql, 0, NULL, &rows);
		snprintf(sql, sizeof(sql),
			 "UPDATE %s SET %s = $1 WHERE %s = $2", tables[t][0],
			 tables[t][1], tables[t][1]);
		for (size_t i = 0; r >= 0 && i < rows.rows; i++) {
			char hash[65];
			const char *p[2] = {
			    hash, wer__db_cell(&rows, i, tables[t][1])};

			wer__access_hash(p[1], hash);
			r = wer__db_exec(db, sql, 2, p, NULL);
		}
		wer__db_rows_free(&rows);
	}
	return r;
}

/* Statements run outside the migration's transaction. */
static void run_list(struct wer_db *db, const char *const *list)
{
	for (; list && *list; list++) {
		struct wer_db_rows rows = {0};

		pthread_mutex_lock(&db->lock);
		wer__db_exec(db, *list, 0, NULL, &rows);
		pthread_mutex_unlock(&db->lock);
		wer__db_rows_free(&rows);
	}
}

/* Creates the schema, or brings it from its version to WER_DB_SCHEMA, in
 * one transaction. A database newer than this collector is refused. A
 * migration statement that returns rows (a foreign key check that found
 * some) fails the migration. */
static int migrate(struct wer_db *db)
{
	struct wer_db_rows rows = {0};
	long version = 0;
	int r;

	run_list(db, db->ops->migrate_before);
	r = wer__db_begin(db);
	if (r < 0)
		goto out;
	if (db->ops->migrate_lock &&
	    (r = wer__db_exec(db, db->ops->migrate_lock, 0, NULL, NULL)) < 0)
		goto fail;
	r = wer__db_exec(db,
			 "CREATE TABLE IF NOT EXISTS schema_version "
			 "(version BIGINT NOT NULL)",
			 0, NULL, NULL);
	if (r < 0)
		goto fail;
	r = wer__db_exec(db,
			 "SELECT max(version) AS version FROM schema_version",
			 0, NULL, &rows);
	if (r < 0)
		goto fail;
	version = wer__db_number(&rows, 0, "version");
	wer__db_rows_free(&rows);
	if (version > WER_DB_SCHEMA) {
		snprintf(db->err, sizeof(db->err),
			 "the database has schema version %ld; this collector "
			 "knows up to %d",
			 version, WER_DB_SCHEMA);
		r = -EPROTO;
		goto fail;
	}
	for (long v = version + 1; v <= WER_DB_SCHEMA; v++) {
		char num[24];
		const char *p[1] = {num};

		for (const char *const *s = db->ops->migrations[v]; *s; s++) {
			r = wer__db_exec(db, *s, 0, NULL, &rows);
			if (r >= 0 && rows.rows) {
				snprintf(db->err, sizeof(db->err),
					 "version %ld: %s: %zu row(s) fail the "
					 "check",
					 v, *s, rows.rows);
				r = -EPROTO;
			}
			wer__db_rows_free(&rows);
			if (r < 0)
				goto fail;
		}
		if (v == 3 && (r = hash_secrets(db)) < 0)
			goto fail;
		if (v == 5 && (r = wer__bucket_versions_all(db)) < 0)
			goto fail;
		snprintf(num, sizeof(num), "%ld", v);
		r = wer__db_exec(db,
				 "INSERT INTO schema_version (version) "
				 "VALUES ($1)",
				 1, p, NULL);
		if (r < 0)
			goto fail;
	}
	r = wer__db_commit(db);
	goto out;
fail:
	wer__db_rollback(db);
out:
	run_list(db, db->ops->migrate_after);
	return r;
}

int wer__db_open(const char *url, struct wer_db **ret, char *err,
		 size_t err_size)
{
	struct wer_db *db;
	int r;

	db = calloc(1, sizeof(*db));
	if (!db)
		return -ENOMEM;
	if (!strncmp(url, "sqlite://", 9)) {
		db->ops = &wer__db_sqlite;
	} else if (!strncmp(url, "postgresql://", 13) ||
		   !strncmp(url, "postgres://", 11)) {
		db->ops = &wer__db_pg;
	} else {
		snprintf(err, err_size,
			 "--db: %s: expected sqlite:///PATH or "
			 "postgresql://...",
			 url);
		free(db);
		return -EINVAL;
	}
	pthread_mutex_init(&db->lock, NULL);
	r = db->ops->open(url, &db->conn, err, err_size);
	if (r < 0) {
		free(db);
		return r;
	}
	r = migrate(db);
	if (r < 0) {
		snprintf(err, err_size, "schema: %s", db->err);
		wer__db_close(db);
		return r;
	}
	*ret = db;
	return 0;
}

void wer__db_close(struct wer_db *db)
{
	if (!db)
		return;
	db->ops->close(db->conn);
	pthread_mutex_destroy(&db->lock);
	free(db);
}
