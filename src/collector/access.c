/* SPDX-License-Identifier: MIT */
/*
 * access.c - the collector's credentials and the per-key rate limit:
 *   ingest keys   send reports to one project (like a Sentry DSN's public
 *                 key: they ship inside applications, so they are
 *                 public in effect);
 *   symbol keys   upload symbols to one project (like Sentry's auth
 *                 tokens: they stay on build machines);
 *   read tokens   read one project's buckets and reports, or every
 *                 project's (admin); a project's token made with
 *                 --triage, and an admin token, also change buckets'
 *                 states, notes and bug links.
 *
 * The database keeps only each one's SHA-256 (they are random, 128 bits
 * when the collector makes them, so a plain hash suffices); the secret
 * itself is printed once, by `add`. They live in the database, so every
 * collector sharing it accepts the same ones. Ones found are remembered
 * WER_COLLECTOR_KEY_TTL seconds, by hash. The rate limit is a token
 * bucket per key kept in each process's memory: with N collectors behind
 * a balancer a key gets at most N times the rate (docs/collector.md).
 */
#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "collector.h"
#include "text.h"
#include "watchdog.h"

void wer__access_hash(const char *secret, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned n = 0;

	if (!EVP_Digest(secret, strlen(secret), md, &n, EVP_sha256(), NULL) ||
	    n != 32) {
		/* Not a hash of anything: matches no row. */
		snprintf(out, 65, "-");
		return;
	}
	wer_hex_encode(md, n, out);
}

int wer__project_valid(const char *name)
{
	size_t n = strlen(name);

	return n >= 1 && n <= 64 && name[0] != '.' && name[0] != '-' &&
	       name[0] != '_' &&
	       strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV"
			    "WXYZ0123456789._-") == n;
}

void wer__project_dir(const char *project, char *out, size_t size)
{
	size_t at;

	if (wer__project_valid(project)) {
		snprintf(out, size, "%s", project);
		return;
	}
	/* '+' is in no valid name: the two kinds never meet. */
	at = (size_t)snprintf(out, size, "+");
	for (const unsigned char *p = (const unsigned char *)project;
	     *p && at + 3 <= size; p++)
		at += (size_t)snprintf(out + at, size - at, "%02x", *p);
}

/* Known ones are remembered WER_COLLECTOR_KEY_TTL seconds (one database
 * query less per request); a removed one may work that long. */
static int cached(struct wer_collector *c, char kind, const char *hash,
		  char *ret_project, size_t size, int *ret_admin)
{
	double now = wer__monotonic();
	int r = -ENOENT;

	pthread_mutex_lock(&c->rate_lock);
	for (size_t i = 0; i < WER_COLLECTOR_KEY_CACHE; i++) {
		struct wer_key_cache *e = &c->keys[i];

		if (e->expires > now && e->kind == kind &&
		    !strcmp(e->hash, hash)) {
			snprintf(ret_project, size, "%s", e->project);
			*ret_admin = e->admin;
			r = 0;
			break;
		}
	}
	pthread_mutex_unlock(&c->rate_lock);
	return r;
}

static void remember(struct wer_collector *c, char kind, const char *hash,
		     const char *project, int admin)
{
	struct wer_key_cache *slot = &c->keys[0];

	pthread_mutex_lock(&c->rate_lock);
	for (size_t i = 0; i < WER_COLLECTOR_KEY_CACHE; i++)
		if (c->keys[i].expires < slot->expires)
			slot = &c->keys[i];
	slot->kind = kind;
	slot->admin = admin;
	snprintf(slot->hash, sizeof(slot->hash), "%s", hash);
	snprintf(slot->project, sizeof(slot->project), "%s", project);
	slot->expires = wer__monotonic() + WER_COLLECTOR_KEY_TTL;
	pthread_mutex_unlock(&c->rate_lock);
}

/* The row of a key or token: kind 'i' (ingest key), 's' (symbol key) or
 * 't' (read token). 0, -ENOENT or -EIO. */
static int lookup(struct wer_collector *c, char kind, const char *secret,
		  char *ret_project, size_t size, int *ret_admin,
		  char *ret_hash)
{
	static const char *const sql[] = {
	    "SELECT project, 0 AS admin FROM ingest_keys WHERE key_hash = $1",
	    "SELECT project, 0 AS admin FROM symbol_keys WHERE key_hash = $1",
	    ("SELECT project, admin + 2 * triage AS admin FROM read_tokens "
	     "WHERE token_hash = $1"),
	};
	struct wer_db_rows rows = {0};
	char hash[65];
	const char *p[1] = {hash};
	int r;

	if (!secret || !*secret || strlen(secret) > 128)
		return -ENOENT;
	wer__access_hash(secret, hash);
	if (ret_hash)
		memcpy(ret_hash, hash, sizeof(hash));
	if (cached(c, kind, hash, ret_project, size, ret_admin) == 0)
		return 0;
	r = wer__db_query(c->db,
			  sql[kind == 'i'   ? 0
			      : kind == 's' ? 1
					    : 2],
			  1, p, &rows);
	if (r < 0)
		return -EIO;
	if (rows.rows != 1) {
		wer__db_rows_free(&rows);
		return -ENOENT;
	}
	snprintf(ret_project, size, "%s", wer__db_cell(&rows, 0, "project"));
	*ret_admin = (int)wer__db_number(&rows, 0, "admin");
	remember(c, kind, hash, ret_project, *ret_admin);
	wer__db_rows_free(&rows);
	return 0;
}

int wer__access_ingest_key(struct wer_collector *c, const char *key,
			   char *ret_project, size_t size, char *ret_hash)
{
	int admin;

	return lookup(c, 'i', key, ret_project, size, &admin, ret_hash);
}

int wer__access_symbol_key(struct wer_collector *c, const char *key,
			   char *ret_project, size_t size, char *ret_hash)
{
	int admin;

	return lookup(c, 's', key, ret_project, size, &admin, ret_hash);
}

int wer__access_read_token(struct wer_collector *c, const char *token,
			   struct wer_scope *ret)
{
	struct wer_scope s = {0};
	int flags = 0;
	int r =
	    lookup(c, 't', token, s.project, sizeof(s.project), &flags, NULL);

	/* admin: bit 0; triage: bit 1 (an admin token triages too). */
	s.all = flags & 1;
	s.triage = (flags & 3) != 0;
	if (r == 0)
		*ret = s;
	return r;
}

int wer__access_rate(struct wer_collector *c, const char *name, double rate,
		     double burst, int *retry_after)
{
	struct wer_rate *slot = NULL, *oldest = &c->rates[0];
	double now = wer__monotonic();
	int r = 0;

	if (rate <= 0)
		return 0;
	pthread_mutex_lock(&c->rate_lock);
	for (size_t i = 0; i < WER_COLLECTOR_RATE_KEYS; i++) {
		struct wer_rate *e = &c->rates[i];

		if (e->key[0] && !strcmp(e->key, name)) {
			slot = e;
			break;
		}
		if (!e->key[0] || e->last < oldest->last)
			oldest = e;
		if (!e->key[0])
			break;
	}
	if (!slot) {
		/* A new key (or the least recently used one's slot). */
		slot = oldest;
		snprintf(slot->key, sizeof(slot->key), "%s", name);
		slot->tokens = burst;
		slot->last = now;
	}
	slot->tokens += (now - slot->last) * rate;
	if (slot->tokens > burst)
		slot->tokens = burst;
	slot->last = now;
	if (slot->tokens >= 1) {
		slot->tokens -= 1;
	} else {
		*retry_after = (int)((1 - slot->tokens) / rate) + 1;
		r = -EAGAIN;
	}
	pthread_mutex_unlock(&c->rate_lock);
	return r;
}

/* ---- `wer-collector key|symbol-key|token ...` */

struct secret_kind {
	const char *verb, *table, *column, *what;
};

static const struct secret_kind kinds[] = {
    {"key", "ingest_keys", "key_hash", "ingest key"},
    {"symbol-key", "symbol_keys", "key_hash", "symbol key"},
    {"token", "read_tokens", "token_hash", "read token"},
};

static int random_hex(char *out, size_t bytes)
{
	unsigned char b[32];

	if (bytes > sizeof(b) || getrandom(b, bytes, 0) != (ssize_t)bytes)
		return -EIO;
	wer_hex_encode(b, bytes, out);
	return 0;
}

static int db_failed(struct wer_collector *c)
{
	fprintf(stderr, "wer-collector: %s\n", wer__db_error(c->db));
	return 1;
}

/* id (the hash's first 12 digits), project ("*" for an admin token),
 * created. */
static int list(struct wer_collector *c, const struct secret_kind *k)
{
	struct wer_db_rows rows = {0};
	char sql[256];

	snprintf(sql, sizeof(sql),
		 "SELECT substr(%s, 1, 12) AS id, %s AS shown_project, "
		 "created FROM %s ORDER BY project, created",
		 k->column,
		 strcmp(k->verb, "token")
		     ? "project"
		     : "CASE WHEN admin = 1 THEN '*' WHEN triage = 1 THEN "
		       "project || ' (triage)' ELSE project END",
		 k->table);
	if (wer__db_query(c->db, sql, 0, NULL, &rows) < 0)
		return db_failed(c);
	for (size_t i = 0; i < rows.rows; i++) {
		time_t t = (time_t)wer__db_number(&rows, i, "created");
		struct tm tm;
		char when[32];

		gmtime_r(&t, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		printf("%s\t%s\t%s\n", wer__db_cell(&rows, i, "id"),
		       wer__db_cell(&rows, i, "shown_project"), when);
	}
	wer__db_rows_free(&rows);
	return 0;
}

static int add(struct wer_collector *c, const struct secret_kind *k,
	       const char *project, int admin, int triage, const char *given)
{
	char secret[65], hash[65], now[24], admin_text[2], triage_text[2];
	const char *p[5] = {hash, project, now, admin_text, triage_text};
	char sql[256];

	if (!admin && !wer__project_valid(project)) {
		fprintf(stderr,
			"wer-collector: a project name is 1 to 64 letters, "
			"digits, '.', '_' or '-', starting with a letter or "
			"digit\n");
		return 2;
	}
	if (given &&
	    (strlen(given) < 16 || strlen(given) > 128 ||
	     strspn(given, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN"
			   "OPQRSTUVWXYZ0123456789._~-") != strlen(given))) {
		fprintf(stderr,
			"wer-collector: %s: 16 to 128 letters, digits, '.', "
			"'_', '~' or '-'\n",
			k->what);
		return 2;
	}
	if (!given) {
		if (random_hex(secret, 16) < 0)
			return 1;
		given = secret;
	}
	wer__access_hash(given, hash);
	snprintf(now, sizeof(now), "%ld", (long)time(NULL));
	snprintf(admin_text, sizeof(admin_text), "%d", admin);
	snprintf(triage_text, sizeof(triage_text), "%d", triage);
	if (strcmp(k->verb, "token"))
		snprintf(sql, sizeof(sql),
			 "INSERT INTO %s (%s, project, created) VALUES ($1, "
			 "$2, $3)",
			 k->table, k->column);
	else
		snprintf(sql, sizeof(sql),
			 "INSERT INTO %s (%s, project, created, admin, "
			 "triage) VALUES ($1, $2, $3, $4, $5)",
			 k->table, k->column);
	if (wer__db_query(c->db, sql, strcmp(k->verb, "token") ? 3 : 5, p,
			  NULL) < 0)
		return db_failed(c);
	/* The one time it is shown: the database keeps its hash only. */
	printf("%s\n", given);
	return 0;
}

/* Removes by id (12 hex digits, as listed) or by the secret itself. */
static int remove_one(struct wer_collector *c, const struct secret_kind *k,
		      const char *what)
{
	struct wer_db_rows rows = {0};
	char hash[65], sql[256];
	const char *p[1] = {hash};
	int by_id =
	    strlen(what) == 12 && strspn(what, "0123456789abcdef") == 12;

	if (by_id)
		snprintf(hash, sizeof(hash), "%s", what);
	else
		wer__access_hash(what, hash);
	/* The whole hash, or its first 12 digits. */
	snprintf(sql, sizeof(sql), "SELECT %s FROM %s WHERE %s%s%s = $1",
		 k->column, k->table, by_id ? "substr(" : "", k->column,
		 by_id ? ", 1, 12)" : "");
	if (wer__db_query(c->db, sql, 1, p, &rows) < 0)
		return db_failed(c);
	if (rows.rows != 1) {
		if (rows.rows)
			fprintf(stderr,
				"wer-collector: more than one %s has that id: "
				"give the whole of it\n",
				k->what);
		else
			fprintf(stderr, "wer-collector: no such %s\n", k->what);
		wer__db_rows_free(&rows);
		return 1;
	}
	snprintf(hash, sizeof(hash), "%s", wer__db_cell(&rows, 0, k->column));
	wer__db_rows_free(&rows);
	snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE %s = $1", k->table,
		 k->column);
	if (wer__db_query(c->db, sql, 1, p, NULL) < 0)
		return db_failed(c);
	return 0;
}

int wer__access_command(struct wer_collector *c, int argc, char **argv)
{
	const struct secret_kind *k = NULL;
	const char *what = argc > 1 ? argv[1] : "";

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(argv[0], kinds[i].verb))
			k = &kinds[i];
	if (k && !strcmp(what, "list") && argc == 2)
		return list(c, k);
	if (k && !strcmp(what, "add") && argc >= 3) {
		int is_token = !strcmp(k->verb, "token");
		int admin = 0, triage = 0, bad = 0;
		const char *project = NULL, *given = NULL;

		/* token add PROJECT [--triage] [TOKEN] | --admin [TOKEN] */
		for (int i = 2; i < argc; i++) {
			if (is_token && !strcmp(argv[i], "--admin"))
				admin = 1;
			else if (is_token && !strcmp(argv[i], "--triage"))
				triage = 1;
			else if (argv[i][0] == '-')
				bad = 1;
			else if (!project && !admin)
				project = argv[i];
			else if (!given)
				given = argv[i];
			else
				bad = 1;
		}
		if (!bad && (admin ? !project && !triage : project != NULL))
			return add(c, k, admin ? "" : project, admin, triage,
				   given);
	}
	if (k && !strcmp(what, "remove") && argc == 3)
		return remove_one(c, k, argv[2]);
	fprintf(stderr,
		"usage: wer-collector key add PROJECT [KEY] | key list | key "
		"remove ID|KEY\n"
		"       wer-collector symbol-key add PROJECT [KEY] | "
		"symbol-key list | symbol-key remove ID|KEY\n"
		"       wer-collector token add PROJECT [--triage] [TOKEN] | "
		"token add --admin [TOKEN] | token list | token remove "
		"ID|TOKEN\n");
	return 2;
}
