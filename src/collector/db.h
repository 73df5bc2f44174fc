/* SPDX-License-Identifier: MIT */
/*
 * db.h - the collector's storage: one small interface, two backends
 * (db_sqlite.c, db_pg.c). SQL is written once, with $1..$n parameters
 * numbered in order of first use (both backends accept that), values
 * passed and returned as text. A handle is used by one thread at a time;
 * db.c serializes callers with a mutex around each transaction.
 */
#ifndef WER_COLLECTOR_DB_H
#define WER_COLLECTOR_DB_H

#include <pthread.h>
#include <stddef.h>

#define WER_DB_ROWS_MAX	  100000 /* rows a query may return */
#define WER_DB_PARAMS_MAX 512	 /* parameters of a statement */
#define WER_DB_SCHEMA	  5	 /* the schema this collector writes */

/* Schema version 1 (docs/collector.md), the same in every backend but for
 * the type of a bucket's id (bucket_id: "INTEGER PRIMARY KEY" in SQLite,
 * "BIGSERIAL PRIMARY KEY" in PostgreSQL). */
#define WER_DB_SCHEMA_V1(bucket_id)                                            \
	{                                                                      \
		"CREATE TABLE ingest_keys (key TEXT PRIMARY KEY, project "     \
		"TEXT NOT NULL, "                                              \
		"created BIGINT NOT NULL)",                                    \
		    "CREATE TABLE read_tokens (token TEXT PRIMARY KEY, "       \
		    "created BIGINT NOT "                                      \
		    "NULL)",                                                   \
		    "CREATE TABLE buckets (id " bucket_id                      \
		    ", signature TEXT NOT NULL "                               \
		    "UNIQUE, app TEXT NOT NULL, version TEXT NOT NULL, "       \
		    "module TEXT NOT NULL, "                                   \
		    "module_offset TEXT NOT NULL, stack_hash TEXT NOT NULL, "  \
		    "frames TEXT NOT "                                         \
		    "NULL, count BIGINT NOT NULL DEFAULT 0, first_seen "       \
		    "BIGINT NOT NULL, "                                        \
		    "last_seen BIGINT NOT NULL)",                              \
		    "CREATE TABLE reports (id TEXT PRIMARY KEY, bucket_id "    \
		    "BIGINT NOT NULL "                                         \
		    "REFERENCES buckets(id), project TEXT NOT NULL, received " \
		    "BIGINT NOT NULL, "                                        \
		    "app TEXT NOT NULL, version TEXT NOT NULL, guid TEXT NOT " \
		    "NULL, signal "                                            \
		    "BIGINT NOT NULL, signal_code BIGINT NOT NULL, "           \
		    "fault_address TEXT NOT "                                  \
		    "NULL, module TEXT NOT NULL, module_offset TEXT NOT "      \
		    "NULL, build_id TEXT "                                     \
		    "NOT NULL, frames TEXT NOT NULL, dump_path TEXT NOT "      \
		    "NULL, dump_size BIGINT "                                  \
		    "NOT NULL, report_wer TEXT NOT NULL)",                     \
		    "CREATE INDEX reports_bucket ON reports(bucket_id, "       \
		    "received)",                                               \
		    "CREATE INDEX reports_received ON reports(received)",      \
		    "CREATE TABLE report_meta (report_id TEXT NOT NULL "       \
		    "REFERENCES reports(id), "                                 \
		    "key TEXT NOT NULL, value TEXT NOT NULL)",                 \
		    "CREATE INDEX report_meta_kv ON report_meta(key, value)",  \
		    "CREATE INDEX report_meta_report ON "                      \
		    "report_meta(report_id)",                                  \
		    "CREATE TABLE symbols (build_id TEXT PRIMARY KEY, kind "   \
		    "TEXT NOT NULL, path "                                     \
		    "TEXT NOT NULL, uploaded BIGINT NOT NULL)",                \
		    NULL,                                                      \
	}

/* Version 2: the stack as the client symbolized it (stack.txt). */
#define WER_DB_SCHEMA_V2                                                       \
	{                                                                      \
		"ALTER TABLE reports ADD COLUMN stack_text TEXT NOT NULL "     \
		"DEFAULT ''",                                                  \
		    NULL,                                                      \
	}

/* Version 3: projects are tenants, keys and tokens are kept hashed.
 * Buckets get a project and are unique per (project, signature): a
 * bucket that held reports of several projects is split into one per
 * project, its reports moved to theirs. Symbols are filed per project
 * (those uploaded before keep project '', read by every project). Keys
 * and tokens are replaced by their SHA-256 (db.c does that in C after
 * these statements); tokens get a project, or admin for every project
 * (tokens made before read everything, so they become admin tokens);
 * symbol uploads get keys of their own. The backends differ in how
 * buckets' foreign key from reports is dropped and restored:
 * unlink_buckets runs before reports move (PostgreSQL drops the
 * constraint), drop_buckets drops the old table, link_buckets runs after
 * the new one is renamed (PostgreSQL adds the constraint again; SQLite,
 * whose foreign keys are off while it migrates, checks them: a migration
 * statement that returns rows fails the migration). */
#define WER_DB_SCHEMA_V3(bucket_id, unlink_buckets, drop_buckets,              \
			 link_buckets)                                         \
	{                                                                      \
		"CREATE TABLE buckets_v3 (id " bucket_id                       \
		", project TEXT NOT NULL, signature TEXT NOT NULL, app TEXT "  \
		"NOT NULL, version TEXT NOT NULL, module TEXT NOT NULL, "      \
		"module_offset TEXT NOT NULL, stack_hash TEXT NOT NULL, "      \
		"frames TEXT NOT NULL, count BIGINT NOT NULL DEFAULT 0, "      \
		"first_seen BIGINT NOT NULL, last_seen BIGINT NOT NULL, "      \
		"UNIQUE (project, signature))",                                \
		    "INSERT INTO buckets_v3 (project, signature, app, "        \
		    "version, module, module_offset, stack_hash, frames, "     \
		    "count, first_seen, last_seen) SELECT r.project, "         \
		    "b.signature, b.app, b.version, b.module, "                \
		    "b.module_offset, b.stack_hash, b.frames, count(*), "      \
		    "min(r.received), max(r.received) FROM buckets b JOIN "    \
		    "reports r ON r.bucket_id = b.id GROUP BY r.project, "     \
		    "b.id",                                                    \
		    unlink_buckets,                                            \
		    "UPDATE reports SET bucket_id = (SELECT n.id FROM "        \
		    "buckets_v3 n JOIN buckets o ON o.signature = "            \
		    "n.signature "                                             \
		    "WHERE o.id = reports.bucket_id AND n.project = "          \
		    "reports.project)",                                        \
		    drop_buckets, "ALTER TABLE buckets_v3 RENAME TO buckets",  \
		    link_buckets,                                              \
		    "CREATE INDEX reports_project ON reports(project, "        \
		    "received)",                                               \
		    "CREATE TABLE symbols_v3 (project TEXT NOT NULL, "         \
		    "build_id "                                                \
		    "TEXT NOT NULL, kind TEXT NOT NULL, path TEXT NOT NULL, "  \
		    "uploaded BIGINT NOT NULL, PRIMARY KEY (project, "         \
		    "build_id))",                                              \
		    "INSERT INTO symbols_v3 (project, build_id, kind, path, "  \
		    "uploaded) SELECT '', build_id, kind, path, uploaded "     \
		    "FROM "                                                    \
		    "symbols",                                                 \
		    "DROP TABLE symbols",                                      \
		    "ALTER TABLE symbols_v3 RENAME TO symbols",                \
		    "ALTER TABLE ingest_keys RENAME COLUMN key TO key_hash",   \
		    "ALTER TABLE read_tokens RENAME COLUMN token TO "          \
		    "token_hash",                                              \
		    "ALTER TABLE read_tokens ADD COLUMN project TEXT NOT "     \
		    "NULL "                                                    \
		    "DEFAULT ''",                                              \
		    "ALTER TABLE read_tokens ADD COLUMN admin BIGINT NOT "     \
		    "NULL "                                                    \
		    "DEFAULT 0",                                               \
		    "UPDATE read_tokens SET admin = 1",                        \
		    "CREATE TABLE symbol_keys (key_hash TEXT PRIMARY KEY, "    \
		    "project TEXT NOT NULL, created BIGINT NOT NULL)",         \
		    NULL,                                                      \
	}

/* A query's result. Its cells are read by column name (wer__db_cell), the
 * names the backend reports for the SELECT list: a column's own name
 * ("received" for received or r.received), or its AS name, which every
 * other expression must have (SQLite and PostgreSQL name those apart). */
/* 0.2.0: what killed it, in words, per report (signatures use it); a
 * bucket's readable title; reprocessing after a symbol upload, as jobs
 * (started and finished 0: not yet). */
#define WER_DB_SCHEMA_V4(job_id)                                               \
	{                                                                      \
		"ALTER TABLE reports ADD COLUMN reason TEXT NOT NULL DEFAULT " \
		"''",                                                          \
		    "ALTER TABLE buckets ADD COLUMN title TEXT NOT NULL "      \
		    "DEFAULT ''",                                              \
		    "CREATE TABLE reprocess_jobs (id " job_id                  \
		    ", project TEXT NOT NULL, build_id TEXT NOT NULL, queued " \
		    "BIGINT NOT NULL, started BIGINT NOT NULL DEFAULT 0, "     \
		    "finished BIGINT NOT NULL DEFAULT 0, total BIGINT NOT "    \
		    "NULL DEFAULT 0, done BIGINT NOT NULL DEFAULT 0)",         \
		    NULL,                                                      \
	}

/* 0.3.0: a bucket's workflow (state, the version it was resolved in, a
 * note, a bug link, when it last changed) and the versions it was seen
 * in (db.c fills them in C: versions compare as strverscmp(3) does);
 * tokens that may triage; a report's metadata rows carry its project and
 * time, indexed so that a search reads the newest matches first; the
 * metadata counted per bucket and per project
 * (the breakdown reads those, not every report), and reports per bucket
 * and day (the sparklines); files and memory blocks
 * a report carried; the bytes of dumps and attachments kept in the
 * database (--blobs database); each project's retention policy; reports
 * by version (top crashers). */
#define WER_DB_SCHEMA_V5                                                       \
	{                                                                      \
		"ALTER TABLE buckets ADD COLUMN state TEXT NOT NULL DEFAULT "  \
		"'new'",                                                       \
		    "ALTER TABLE buckets ADD COLUMN resolved_in TEXT NOT "     \
		    "NULL DEFAULT ''",                                         \
		    "ALTER TABLE buckets ADD COLUMN note TEXT NOT NULL "       \
		    "DEFAULT ''",                                              \
		    "ALTER TABLE buckets ADD COLUMN bug_url TEXT NOT NULL "    \
		    "DEFAULT ''",                                              \
		    "ALTER TABLE buckets ADD COLUMN changed BIGINT NOT NULL "  \
		    "DEFAULT 0",                                               \
		    "ALTER TABLE buckets ADD COLUMN first_version TEXT NOT "   \
		    "NULL DEFAULT ''",                                         \
		    "ALTER TABLE buckets ADD COLUMN last_version TEXT NOT "    \
		    "NULL DEFAULT ''",                                         \
		    "ALTER TABLE read_tokens ADD COLUMN triage BIGINT NOT "    \
		    "NULL DEFAULT 0",                                          \
		    "ALTER TABLE report_meta ADD COLUMN project TEXT NOT "     \
		    "NULL DEFAULT ''",                                         \
		    "ALTER TABLE report_meta ADD COLUMN received BIGINT NOT "  \
		    "NULL DEFAULT 0",                                          \
		    "UPDATE report_meta SET project = (SELECT r.project FROM " \
		    "reports r WHERE r.id = report_meta.report_id), received " \
		    "= (SELECT r.received FROM reports r WHERE r.id = "        \
		    "report_meta.report_id)",                                  \
		    "DROP INDEX report_meta_kv",                               \
		    "DROP INDEX report_meta_report",                           \
		    "CREATE INDEX report_meta_pair ON report_meta(report_id, " \
		    "key, value)",                                             \
		    "CREATE INDEX report_meta_search ON report_meta(key, "     \
		    "value, received, project, report_id)",                    \
		    "CREATE TABLE bucket_meta (bucket_id BIGINT NOT NULL, "    \
		    "key TEXT NOT NULL, value TEXT NOT NULL, n BIGINT NOT "    \
		    "NULL, PRIMARY KEY (bucket_id, key, value))",              \
		    "INSERT INTO bucket_meta (bucket_id, key, value, n) "      \
		    "SELECT r.bucket_id, m.key, m.value, count(*) FROM "       \
		    "report_meta m JOIN reports r ON r.id = m.report_id "      \
		    "GROUP BY r.bucket_id, m.key, m.value",                    \
		    "CREATE TABLE meta_counts (project TEXT NOT NULL, key "    \
		    "TEXT NOT NULL, value TEXT NOT NULL, n BIGINT NOT NULL, "  \
		    "PRIMARY KEY (project, key, value))",                      \
		    "INSERT INTO meta_counts (project, key, value, n) SELECT " \
		    "r.project, m.key, m.value, count(*) FROM report_meta m "  \
		    "JOIN reports r ON r.id = m.report_id GROUP BY "           \
		    "r.project, m.key, m.value",                               \
		    "CREATE TABLE attachments (report_id TEXT NOT NULL "       \
		    "REFERENCES reports(id), project TEXT NOT NULL, name "     \
		    "TEXT NOT NULL, kind TEXT NOT NULL, size BIGINT NOT "      \
		    "NULL, path TEXT NOT NULL, PRIMARY KEY (report_id, "       \
		    "name))",                                                  \
		    "CREATE INDEX attachments_project ON "                     \
		    "attachments(project)",                                    \
		    "CREATE TABLE blobs (key TEXT PRIMARY KEY, size BIGINT "   \
		    "NOT NULL, data TEXT NOT NULL)",                           \
		    "CREATE TABLE bucket_days (bucket_id BIGINT NOT NULL, "    \
		    "day BIGINT NOT NULL, n BIGINT NOT NULL, PRIMARY KEY "     \
		    "(bucket_id, day))",                                       \
		    "INSERT INTO bucket_days (bucket_id, day, n) SELECT "      \
		    "bucket_id, received / 86400, count(*) FROM reports "      \
		    "GROUP BY bucket_id, received / 86400",                    \
		    "CREATE TABLE retention (project TEXT PRIMARY KEY, "       \
		    "max_days BIGINT NOT NULL DEFAULT 0, max_bytes BIGINT "    \
		    "NOT NULL DEFAULT 0)",                                     \
		    "CREATE INDEX reports_version ON reports(project, app, "   \
		    "version, received)",                                      \
		    NULL,                                                      \
	}

struct wer_db_rows {
	size_t rows, cols;
	char **name; /* cols column names */
	char **cell; /* rows * cols strings; NULL for SQL NULL */
};

struct wer_db_ops {
	const char *name;
	int (*open)(const char *url, void **ret_conn, char *err,
		    size_t err_size);
	void (*close)(void *conn);
	/* Runs one statement; rows into ret (may be NULL). 0, -EBUSY for a
	 * conflict worth retrying, -EIO otherwise (message in err). */
	int (*query)(void *conn, const char *sql, int nparams,
		     const char *const *params, struct wer_db_rows *ret,
		     char *err, size_t err_size);
	/* The statements that create the schema at each version (NULL
	 * terminated list per version, index 1..WER_DB_SCHEMA). */
	const char *const *const *migrations;
	const char *begin;	  /* starts a write transaction */
	const char *migrate_lock; /* run after begin when migrating */
	/* Run before and after the migration's transaction (NULL
	 * terminated lists, or NULL). */
	const char *const *migrate_before, *const *migrate_after;
};

struct wer_db {
	const struct wer_db_ops *ops;
	void *conn;
	pthread_mutex_t lock;
	char err[512];
};

extern const struct wer_db_ops wer__db_sqlite, wer__db_pg;

/* Opens sqlite:///path or postgresql://... (also postgres://) and creates
 * or migrates the schema. 0 or a negative errno (message in err). */
int wer__db_open(const char *url, struct wer_db **ret, char *err,
		 size_t err_size);
void wer__db_close(struct wer_db *db);

/* A query outside an explicit transaction (takes the lock). */
int wer__db_query(struct wer_db *db, const char *sql, int nparams,
		  const char *const *params, struct wer_db_rows *ret);
/* Transactions: begin takes the lock, commit/rollback release it. */
int wer__db_begin(struct wer_db *db);
int wer__db_commit(struct wer_db *db);
void wer__db_rollback(struct wer_db *db);
/* Within a transaction (the lock is held). */
int wer__db_exec(struct wer_db *db, const char *sql, int nparams,
		 const char *const *params, struct wer_db_rows *ret);

/* The message of this thread's last failed statement. */
const char *wer__db_error(const struct wer_db *db);

void wer__db_rows_free(struct wer_db_rows *r);
/* The text of row's cell in the column called column: "" for NULL or a
 * row out of range; "" and a line on stderr for a column a result with
 * rows has not (a query and its reader disagree: the tests look for that
 * line). */
const char *wer__db_cell(const struct wer_db_rows *r, size_t row,
			 const char *column) __attribute__((nonnull(3)));

/* The number in row's cell of column: 0 for NULL, text that is not a
 * whole decimal number, or one out of range (the cells read this way are
 * counts, ids and times the collector wrote itself). */
long wer__db_number(const struct wer_db_rows *r, size_t row, const char *column)
    __attribute__((nonnull(3)));

/* Shared by the backends, each result's columns first (at most
 * WER_DB_COLUMNS_MAX), then its rows, n cells each (both copied). 0 or a
 * negative errno. */
#define WER_DB_COLUMNS_MAX 64
int wer__db_rows_columns(struct wer_db_rows *r, size_t n,
			 const char *const *names);
int wer__db_rows_add(struct wer_db_rows *r, size_t n, const char *const *cells);

#endif
