/* SPDX-License-Identifier: MIT */
/*
 * access.c - ingest keys (per project, like a Sentry DSN's public key),
 * read tokens, and the per-key rate limit.
 *
 * Keys and tokens live in the database, so every collector sharing it
 * accepts the same ones; `wer-collector --db URL key add PROJECT` makes
 * one. The rate limit is a token bucket per key kept in each process's
 * memory: with N collectors behind a balancer a key gets at most N times
 * the rate (docs/collector.md).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "collector.h"

static double now_seconds(void);

/* Known keys are remembered WER_COLLECTOR_KEY_TTL seconds (one database
 * query less per upload); a removed key may work that long. */
static int key_cached(struct wer_collector *c, const char *key,
		      char *ret_project, size_t size)
{
	double now = now_seconds();
	int r = -ENOENT;

	pthread_mutex_lock(&c->rate_lock);
	for (size_t i = 0; i < WER_COLLECTOR_KEY_CACHE; i++)
		if (c->keys[i].expires > now && !strcmp(c->keys[i].key, key)) {
			snprintf(ret_project, size, "%s", c->keys[i].project);
			r = 0;
			break;
		}
	pthread_mutex_unlock(&c->rate_lock);
	return r;
}

static void key_remember(struct wer_collector *c, const char *key,
			 const char *project)
{
	double now = now_seconds();
	struct wer_key_cache *slot = &c->keys[0];

	pthread_mutex_lock(&c->rate_lock);
	for (size_t i = 0; i < WER_COLLECTOR_KEY_CACHE; i++)
		if (c->keys[i].expires < slot->expires)
			slot = &c->keys[i];
	snprintf(slot->key, sizeof(slot->key), "%s", key);
	snprintf(slot->project, sizeof(slot->project), "%s", project);
	slot->expires = now + WER_COLLECTOR_KEY_TTL;
	pthread_mutex_unlock(&c->rate_lock);
}

int wer__access_ingest_key(struct wer_collector *c, const char *key,
			   char *ret_project, size_t size)
{
	struct wer_db_rows rows = {0};
	const char *p[1] = {key};
	int r;

	if (!key || !*key || strlen(key) > 128)
		return -ENOENT;
	if (key_cached(c, key, ret_project, size) == 0)
		return 0;
	r = wer__db_query(c->db,
			  "SELECT project FROM ingest_keys WHERE key = $1", 1,
			  p, &rows);
	if (r < 0)
		return -EIO;
	if (rows.rows != 1) {
		wer__db_rows_free(&rows);
		return -ENOENT;
	}
	snprintf(ret_project, size, "%s", wer__db_cell(&rows, 0, 0));
	key_remember(c, key, ret_project);
	wer__db_rows_free(&rows);
	return 0;
}

int wer__access_read_token(struct wer_collector *c, const char *token)
{
	struct wer_db_rows rows = {0};
	const char *p[1] = {token};
	int r;

	if (!token || !*token || strlen(token) > 128)
		return -ENOENT;
	r = wer__db_query(c->db, "SELECT 1 FROM read_tokens WHERE token = $1",
			  1, p, &rows);
	if (r < 0)
		return -EIO;
	r = rows.rows == 1 ? 0 : -ENOENT;
	wer__db_rows_free(&rows);
	return r;
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int wer__access_rate(struct wer_collector *c, const char *key, int *retry_after)
{
	struct wer_rate *slot = NULL, *oldest = &c->rates[0];
	double now = now_seconds();
	int r = 0;

	if (c->rate <= 0)
		return 0;
	pthread_mutex_lock(&c->rate_lock);
	for (size_t i = 0; i < WER_COLLECTOR_RATE_KEYS; i++) {
		struct wer_rate *e = &c->rates[i];

		if (e->key[0] && !strcmp(e->key, key)) {
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
		snprintf(slot->key, sizeof(slot->key), "%s", key);
		slot->tokens = c->burst;
		slot->last = now;
	}
	slot->tokens += (now - slot->last) * c->rate;
	if (slot->tokens > c->burst)
		slot->tokens = c->burst;
	slot->last = now;
	if (slot->tokens >= 1) {
		slot->tokens -= 1;
	} else {
		*retry_after = (int)((1 - slot->tokens) / c->rate) + 1;
		r = -EAGAIN;
	}
	pthread_mutex_unlock(&c->rate_lock);
	return r;
}

static int random_hex(char *out, size_t bytes)
{
	unsigned char b[32];

	if (bytes > sizeof(b) || getrandom(b, bytes, 0) != (ssize_t)bytes)
		return -EIO;
	for (size_t i = 0; i < bytes; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
	return 0;
}

static int print_rows(struct wer_collector *c, const char *sql)
{
	struct wer_db_rows rows = {0};

	if (wer__db_query(c->db, sql, 0, NULL, &rows) < 0) {
		fprintf(stderr, "wer-collector: %s\n", wer__db_error(c->db));
		return 1;
	}
	for (size_t i = 0; i < rows.rows; i++) {
		for (size_t k = 0; k < rows.cols; k++)
			printf("%s%s", k ? "\t" : "",
			       wer__db_cell(&rows, i, k));
		printf("\n");
	}
	wer__db_rows_free(&rows);
	return 0;
}

int wer__access_command(struct wer_collector *c, int argc, char **argv)
{
	int is_key = !strcmp(argv[0], "key");
	const char *what = argc > 1 ? argv[1] : "";
	char secret[65], now[24];

	snprintf(now, sizeof(now), "%ld", (long)time(NULL));
	if (!strcmp(what, "list"))
		return print_rows(c, is_key ? "SELECT key, project FROM "
					      "ingest_keys ORDER BY project, "
					      "created"
					    : "SELECT token FROM read_tokens "
					      "ORDER BY created");
	if (!strcmp(what, "add") &&
	    (is_key ? argc >= 3 && argc <= 4 : argc <= 3)) {
		const char *given =
		    argc > (is_key ? 3 : 2) ? argv[is_key ? 3 : 2] : NULL;
		const char *p[3];
		int r;

		if (given && (strlen(given) < 16 || strlen(given) > 128)) {
			fprintf(stderr, "wer-collector: a key or token is 16 "
					"to 128 characters\n");
			return 2;
		}
		if (!given) {
			if (random_hex(secret, 16) < 0)
				return 1;
			given = secret;
		}
		p[0] = given;
		p[1] = is_key ? argv[2] : now;
		p[2] = now;
		r = wer__db_query(c->db,
				  is_key ? "INSERT INTO ingest_keys (key, "
					   "project, created) VALUES ($1, $2, "
					   "$3)"
					 : "INSERT INTO read_tokens (token, "
					   "created) VALUES ($1, $2)",
				  is_key ? 3 : 2, p, NULL);
		if (r < 0) {
			fprintf(stderr, "wer-collector: %s\n",
				wer__db_error(c->db));
			return 1;
		}
		printf("%s\n", given);
		return 0;
	}
	if (!strcmp(what, "remove") && argc == 3) {
		const char *p[1] = {argv[2]};

		if (wer__db_query(c->db,
				  is_key
				      ? "DELETE FROM ingest_keys WHERE key = "
					"$1"
				      : "DELETE FROM read_tokens WHERE token "
					"= $1",
				  1, p, NULL) < 0) {
			fprintf(stderr, "wer-collector: %s\n",
				wer__db_error(c->db));
			return 1;
		}
		return 0;
	}
	fprintf(stderr, "usage: wer-collector --db URL key add PROJECT [KEY] | "
			"key list | key remove KEY\n"
			"       wer-collector --db URL token add [TOKEN] | "
			"token list | token remove TOKEN\n");
	return 2;
}
