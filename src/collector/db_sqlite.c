/* SPDX-License-Identifier: MIT */
/*
 * db_sqlite.c - the SQLite backend (the embedded default): WAL journal,
 * synchronous=FULL (a commit is on disk when it returns), a busy timeout
 * so that several processes may share one file, secure_delete (what is
 * deleted or overwritten, a key before it was hashed, is zeroed in the
 * file).
 */
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "db.h"

static const char *const sqlite_v1[] = WER_DB_SCHEMA_V1("INTEGER PRIMARY KEY");
static const char *const sqlite_v2[] = WER_DB_SCHEMA_V2;
static const char *const sqlite_v3[] =
    WER_DB_SCHEMA_V3("INTEGER PRIMARY KEY", "PRAGMA foreign_key_check",
		     "DROP TABLE buckets", "PRAGMA foreign_key_check");

static const char *const sqlite_v4[] = WER_DB_SCHEMA_V4("INTEGER PRIMARY KEY");
static const char *const sqlite_v5[] = WER_DB_SCHEMA_V5;
static const char *const *const sqlite_migrations[] = {
    NULL, sqlite_v1, sqlite_v2, sqlite_v3, sqlite_v4, sqlite_v5};

static int sqlite_open(const char *url, void **ret_conn, char *err,
		       size_t err_size)
{
	const char *path = url + strlen("sqlite://");
	sqlite3 *db;
	char *msg = NULL;

	if (!*path) {
		snprintf(err, err_size, "sqlite: no path in %s", url);
		return -EINVAL;
	}
	if (sqlite3_open_v2(path, &db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
				SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		snprintf(err, err_size, "sqlite: %s: %s", path,
			 db ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		return -EIO;
	}
	sqlite3_busy_timeout(db, 30000);
	if (sqlite3_exec(db,
			 "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
			 "PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON",
			 NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, err_size, "sqlite: %s: %s", path,
			 msg ? msg : "PRAGMA failed");
		sqlite3_free(msg);
		sqlite3_close(db);
		return -EIO;
	}
	*ret_conn = db;
	return 0;
}

static void sqlite_close(void *conn)
{
	sqlite3_close(conn);
}

static int sqlite_query(void *conn, const char *sql, int nparams,
			const char *const *params, struct wer_db_rows *ret,
			char *err, size_t err_size)
{
	sqlite3 *db = conn;
	sqlite3_stmt *st;
	int r, cols, result = 0;

	r = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	if (r != SQLITE_OK) {
		snprintf(err, err_size, "sqlite: %s", sqlite3_errmsg(db));
		return r == SQLITE_BUSY ? -EBUSY : -EIO;
	}
	for (int i = 0; i < nparams; i++)
		sqlite3_bind_text(st, i + 1, params[i], -1, SQLITE_TRANSIENT);
	cols = sqlite3_column_count(st);
	if (cols > WER_DB_COLUMNS_MAX)
		cols = WER_DB_COLUMNS_MAX;
	if (ret) {
		const char *names[WER_DB_COLUMNS_MAX];

		for (int c = 0; c < cols; c++)
			names[c] = sqlite3_column_name(st, c);
		if (wer__db_rows_columns(ret, (size_t)cols, names) < 0) {
			snprintf(err, err_size, "sqlite: out of memory");
			sqlite3_finalize(st);
			return -EIO;
		}
	}
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		const char *cells[WER_DB_COLUMNS_MAX];

		if (!ret)
			continue;
		for (int c = 0; c < cols; c++)
			cells[c] = (const char *)sqlite3_column_text(st, c);
		if (wer__db_rows_add(ret, (size_t)cols, cells) < 0) {
			snprintf(err, err_size, "sqlite: too many rows");
			result = -E2BIG;
			break;
		}
	}
	if (!result && r != SQLITE_DONE) {
		snprintf(err, err_size, "sqlite: %s", sqlite3_errmsg(db));
		result = r == SQLITE_BUSY ? -EBUSY : -EIO;
	}
	sqlite3_finalize(st);
	return result;
}

const struct wer_db_ops wer__db_sqlite = {
    .name = "sqlite",
    .open = sqlite_open,
    .close = sqlite_close,
    .query = sqlite_query,
    .migrations = sqlite_migrations,
    .begin = "BEGIN IMMEDIATE",
    .migrate_lock = NULL,
    /* Tables are rebuilt with foreign keys off (SQLite's own procedure;
     * the pragma does nothing inside a transaction), checked before the
     * commit; then the log is checkpointed, so that no page written
     * before (a key in plain text) stays in it. */
    .migrate_before = (const char *const[]){"PRAGMA foreign_keys=OFF", NULL},
    .migrate_after =
	(const char *const[]){"PRAGMA foreign_keys=ON",
			      "PRAGMA wal_checkpoint(TRUNCATE)", NULL},
};
