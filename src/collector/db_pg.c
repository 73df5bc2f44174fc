/* SPDX-License-Identifier: MIT */
/*
 * db_pg.c - the PostgreSQL backend (libpq): for installations where
 * several collector processes, on several hosts, share one database.
 */
#include <errno.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <string.h>

#include "db.h"

static const char *const pg_v1[] = WER_DB_SCHEMA_V1("BIGSERIAL PRIMARY KEY");
static const char *const pg_v2[] = WER_DB_SCHEMA_V2;
static const char *const pg_v3[] = WER_DB_SCHEMA_V3(
    "BIGSERIAL PRIMARY KEY",
    "ALTER TABLE reports DROP CONSTRAINT reports_bucket_id_fkey",
    "DROP TABLE buckets",
    "ALTER TABLE reports ADD FOREIGN KEY (bucket_id) REFERENCES buckets(id)");

static const char *const pg_v4[] = WER_DB_SCHEMA_V4("BIGSERIAL PRIMARY KEY");
static const char *const pg_v5[] = WER_DB_SCHEMA_V5;
static const char *const *const pg_migrations[] = {NULL,  pg_v1, pg_v2,
						   pg_v3, pg_v4, pg_v5};

/* Each connection's, and again after a reconnection. */
static void session_settings(PGconn *c)
{
	/* Notices (e.g. "relation exists") are not errors: keep them quiet.
	 * No parallel plans: the collector's statements are small, and
	 * starting workers costs a request more than they save (measured,
	 * docs/collector.md, "At a million reports"). */
	PQclear(PQexec(c, "SET client_min_messages TO WARNING"));
	PQclear(PQexec(c, "SET max_parallel_workers_per_gather TO 0"));
}

static int pg_open(const char *url, void **ret_conn, char *err, size_t err_size)
{
	PGconn *c = PQconnectdb(url);

	if (!c || PQstatus(c) != CONNECTION_OK) {
		snprintf(err, err_size, "postgresql: %s",
			 c ? PQerrorMessage(c) : "out of memory");
		PQfinish(c);
		return -EIO;
	}
	session_settings(c);
	*ret_conn = c;
	return 0;
}

static void pg_close(void *conn)
{
	PQfinish(conn);
}

static int pg_query(void *conn, const char *sql, int nparams,
		    const char *const *params, struct wer_db_rows *ret,
		    char *err, size_t err_size)
{
	PGresult *res =
	    PQexecParams(conn, sql, nparams, NULL, params, NULL, NULL, 0);
	ExecStatusType st = PQresultStatus(res);
	int result = 0;

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);

		snprintf(err, err_size, "postgresql: %s", PQerrorMessage(conn));
		/* No SQLSTATE: the connection failed (the server restarted,
		 * the network dropped). Reconnect now so that the next
		 * statement works; this one failed, and its transaction with
		 * it (callers run nothing more in a failed transaction). */
		if (!state || PQstatus(conn) == CONNECTION_BAD) {
			PQreset(conn);
			if (PQstatus(conn) == CONNECTION_OK)
				session_settings(conn);
		}
		/* 40001 serialization failure, 40P01 deadlock, 23505 a
		 * concurrent insert of the same unique key. */
		result = state && (!strcmp(state, "40001") ||
				   !strcmp(state, "40P01") ||
				   !strcmp(state, "23505"))
			     ? -EBUSY
			     : -EIO;
		PQclear(res);
		return result;
	}
	if (ret && st == PGRES_TUPLES_OK) {
		int rows = PQntuples(res), cols = PQnfields(res);
		const char *names[WER_DB_COLUMNS_MAX];

		if (cols > WER_DB_COLUMNS_MAX)
			cols = WER_DB_COLUMNS_MAX;
		for (int c = 0; c < cols; c++)
			names[c] = PQfname(res, c);
		if (wer__db_rows_columns(ret, (size_t)cols, names) < 0) {
			snprintf(err, err_size, "postgresql: out of memory");
			result = -EIO;
		}
		for (int r = 0; r < rows && !result; r++) {
			const char *cells[WER_DB_COLUMNS_MAX];

			for (int c = 0; c < cols; c++)
				cells[c] = PQgetisnull(res, r, c)
					       ? NULL
					       : PQgetvalue(res, r, c);
			if (wer__db_rows_add(ret, (size_t)cols, cells) < 0) {
				snprintf(err, err_size,
					 "postgresql: too many rows");
				result = -E2BIG;
			}
		}
	}
	PQclear(res);
	return result;
}

const struct wer_db_ops wer__db_pg = {
    .name = "postgresql",
    .open = pg_open,
    .close = pg_close,
    .query = pg_query,
    .migrations = pg_migrations,
    .begin = "BEGIN",
    /* Collectors starting together migrate one after the other. */
    .migrate_lock = "SELECT pg_advisory_xact_lock(726570)",
    .migrate_before = NULL,
    .migrate_after = NULL,
};
