/* SPDX-License-Identifier: MIT */
/*
 * server.c - HTTP on libmicrohttpd, with two kinds of threads:
 *
 *  - I/O threads (--io-threads: libmicrohttpd's epoll thread pool) read
 *    requests and their bodies and write answers. They never wait for a
 *    disk or the database, so thousands of connections, slow ones
 *    included, cost a few threads.
 *  - Workers (--workers) do everything that waits: key and token checks,
 *    ingest (fsync, commit), symbols, the API and the pages. While a
 *    request is in a worker's queue or hands its connection is suspended
 *    (no thread, no timeout), then resumed with its answer.
 *
 * What a stranger can hold is bounded: --max-connections at once and
 * --per-ip from one address (libmicrohttpd's limits), a deadline for a
 * request's whole header block and a minimum rate for its body
 * (watchdog.c), and the memory of bodies (budget.c): reserved as their
 * bytes arrive, within a total and a per-key share, answered 503 past
 * either. Framing is checked before anything else (RFC 9112 6.1, 6.3):
 * a request with two Content-Length headers, or Content-Length and
 * Transfer-Encoding together, is answered 400 and its connection closed
 * (libmicrohttpd itself would take the first length, or the chunked
 * coding, and read on: the way requests are smuggled past a proxy that
 * reads them otherwise).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "budget.h"
#include "collector.h"
#include "server.h"
#include "watchdog.h"

#define ADMIT_ROOM	  (64 * 1024) /* room an upload needs to start */
#define CONNECTION_MEMORY (32 * 1024) /* libmicrohttpd's, per connection */
#define REPLY_MAX	  (64 * 1024 * 1024)
#define OTHER_BODY_MAX	  (64 * 1024) /* dropped body of a GET: then cut */
#define TRIAGE_BODY_MAX	  (16 * 1024) /* a bucket's state, note, bug link */

enum route { ROUTE_OTHER, ROUTE_INGEST, ROUTE_SYMBOLS, ROUTE_TRIAGE };
enum job { JOB_ADMIT, JOB_PROCESS };
enum state {
	REQ_QUEUED,   /* suspended, with a worker */
	REQ_ADMITTED, /* an upload may send its body */
	REQ_BODY,     /* receiving it */
	REQ_ANSWER,   /* the worker's answer is ready */
	REQ_SENT,
};

struct request {
	struct request *next; /* the workers' queue */
	struct MHD_Connection *mhd;
	struct wer_conn *conn; /* the watchdog's, NULL if untracked */
	const char *url;       /* libmicrohttpd's, as long as the request */
	enum route route;
	enum job job;
	int state; /* enum state; a worker stores it before resuming */
	struct wer_buf body;
	size_t cap, share_max, received, reserved;
	struct wer_share *share; /* its key's, once admitted */
	unsigned refuse;	 /* 413 or 503, answered at the body's end */
	char key_hash[65], project[WER_COLLECTOR_PROJECT_MAX];
	struct wer_scope scope; /* a triage request's token's */
	int is_delete;		/* DELETE /api/reports/ID */
	struct wer_reply reply;
};

struct wer_server {
	struct wer_collector *c;
	struct MHD_Daemon *daemon;
	struct wer_budget budget;
	struct wer_watchdog watchdog;
	pthread_mutex_t lock; /* the queue, outstanding, stopping, quit */
	pthread_cond_t work, idle;
	struct request *head, **tail;
	unsigned outstanding; /* requests suspended for a worker */
	int stopping, quit;
	pthread_t *workers;
	unsigned worker_count;
};

/* ---- answers */

static void reply_init(struct wer_reply *reply)
{
	memset(reply, 0, sizeof(*reply));
	reply->fd = -1;
	reply->status = 200;
	reply->content_type = "application/json";
	wer_buf_init(&reply->body, REPLY_MAX);
}

/* Queues reply (taking its body or file). last: the connection ends
 * after it (a request that was refused before its body was read). */
static enum MHD_Result send_reply(struct MHD_Connection *conn,
				  struct wer_reply *reply, int last)
{
	struct MHD_Response *resp;
	enum MHD_Result r;

	if (reply->fd >= 0) {
		resp = MHD_create_response_from_fd64(reply->fd_size, reply->fd);
		if (!resp)
			close(reply->fd);
		reply->fd = -1;
	} else {
		size_t len = reply->body.len;
		char *data = reply->body.data;

		if (reply->body.failed) {
			/* The reply outgrew its cap: say so, not half of it. */
			free(data);
			data = strdup("{\"error\":\"the answer is too large; "
				      "narrow the query\"}\n");
			len = data ? strlen(data) : 0;
			reply->status = 500;
			reply->content_type = "application/json";
		}
		resp = MHD_create_response_from_buffer(
		    len, data ? data : (char *)"",
		    data ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
		if (!resp)
			free(data);
		reply->body.data = NULL;
	}
	wer_buf_free(&reply->body);
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, "Content-Type", reply->content_type);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	/* No script, no frame: not even a missed escape or a page framed
	 * by another site (clickjacking) could act for its reader. */
	MHD_add_response_header(resp, "Content-Security-Policy",
				"default-src 'none'; style-src 'self'; "
				"img-src 'self'; form-action 'self'; "
				"frame-ancestors 'none'; base-uri 'none'");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	/* A token in a page's address (?token=) goes nowhere else. */
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	if (reply->header_name[0])
		MHD_add_response_header(resp, reply->header_name,
					reply->header_value);
	if (reply->count_header[0])
		MHD_add_response_header(resp, "X-Total-Count",
					reply->count_header);
	if (last)
		MHD_add_response_header(resp, "Connection", "close");
	r = MHD_queue_response(conn, reply->status, resp);
	MHD_destroy_response(resp);
	return r;
}

static void set_retry_after(struct wer_reply *reply, int seconds)
{
	snprintf(reply->header_name, sizeof(reply->header_name), "Retry-After");
	snprintf(reply->header_value, sizeof(reply->header_value), "%d",
		 seconds);
}

static enum MHD_Result error_now(struct MHD_Connection *conn, unsigned status,
				 const char *msg, int retry_after, int last)
{
	struct wer_reply reply;

	reply_init(&reply);
	wer__reply_error(&reply, status, "%s", msg);
	if (retry_after > 0)
		set_retry_after(&reply, retry_after);
	return send_reply(conn, &reply, last);
}

/* ---- the request's framing (RFC 9112 6.1, 6.3) */

struct framing {
	unsigned lengths, codings;
	const char *coding;
};

static enum MHD_Result count_framing(void *cls, enum MHD_ValueKind kind,
				     const char *key, const char *value)
{
	struct framing *f = cls;

	(void)kind;
	if (!strcasecmp(key, "Content-Length"))
		f->lengths++;
	else if (!strcasecmp(key, "Transfer-Encoding")) {
		f->codings++;
		f->coding = value;
	}
	return MHD_YES;
}

/* 0 when the body's length is unambiguous, else the status to answer
 * (and *msg). */
static unsigned framing_status(struct MHD_Connection *conn, const char **msg)
{
	struct framing f = {0};

	MHD_get_connection_values(conn, MHD_HEADER_KIND, count_framing, &f);
	if (f.lengths > 1) {
		*msg = "more than one Content-Length header";
		return 400;
	}
	if (f.lengths && f.codings) {
		*msg = "Content-Length and Transfer-Encoding together";
		return 400;
	}
	if (f.codings > 1) {
		*msg = "more than one Transfer-Encoding header";
		return 400;
	}
	if (f.codings && strcasecmp(f.coding ? f.coding : "", "chunked")) {
		*msg = "the only transfer coding understood is chunked";
		return 501;
	}
	return 0;
}

/* ---- credentials in a request */

/* The ingest key: ?api_key= or the X-API-Key header. */
static const char *ingest_key(struct MHD_Connection *conn)
{
	const char *k =
	    MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "api_key");

	if (!k)
		k = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						"X-API-Key");
	return k;
}

/* Authorization: Bearer ... */
static const char *bearer(struct MHD_Connection *conn)
{
	const char *auth =
	    MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization");

	return auth && !strncasecmp(auth, "Bearer ", 7) ? auth + 7 : NULL;
}

/* The read token: ?token=, Authorization: Bearer, or the wer_token
 * cookie (set when a page is opened with ?token=). */
static const char *read_token(struct MHD_Connection *conn, int *from_query)
{
	const char *t =
	    MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "token");

	*from_query = t != NULL;
	if (t)
		return t;
	if ((t = bearer(conn)))
		return t;
	return MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, "wer_token");
}

/* Whether the client reached us over TLS: only a proxy we were told to
 * trust (--trust-proxy) says so, in X-Forwarded-Proto (its first value:
 * the proxy closest to the client). The collector serves no TLS itself. */
static int over_tls(const struct wer_collector *c, struct MHD_Connection *conn)
{
	const char *proto;

	if (c->tls_cert)
		return 1;
	if (!c->trust_proxy)
		return 0;
	proto = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
					    "X-Forwarded-Proto");
	return proto && !strncasecmp(proto, "https", 5) &&
	       (!proto[5] || proto[5] == ',' || proto[5] == ' ');
}

/* Whether an Origin header ("https://host[:port]") names host (the
 * Host header): a browser's request from a page of this collector. */
static int same_origin(const char *origin, const char *host)
{
	const char *o = strstr(origin, "://");

	return o && host && !strcasecmp(o + 3, host);
}

/* ---- the workers */

/* The worker is done with req: state is what the I/O thread finds. */
static int answer(struct request *req, enum state state)
{
	__atomic_store_n(&req->state, state, __ATOMIC_RELEASE);
	return 0;
}

static int refuse_now(struct request *req, unsigned status, const char *msg,
		      int retry_after)
{
	wer__reply_error(&req->reply, status, "%s", msg);
	if (retry_after > 0)
		set_retry_after(&req->reply, retry_after);
	return answer(req, REQ_ANSWER);
}

/* An upload's credential, rate and room in the budget. */
static int admit(struct wer_server *s, struct request *req)
{
	struct wer_collector *c = s->c;
	const char *len = MHD_lookup_connection_value(req->mhd, MHD_HEADER_KIND,
						      "Content-Length");
	size_t need = ADMIT_ROOM;
	char name[80];
	int retry = 0, r;

	reply_init(&req->reply);
	if (req->route == ROUTE_TRIAGE) {
		int from_query;
		const char *token = read_token(req->mhd, &from_query);
		const char *origin = MHD_lookup_connection_value(
		    req->mhd, MHD_HEADER_KIND, "Origin");
		const char *host = MHD_lookup_connection_value(
		    req->mhd, MHD_HEADER_KIND, "Host");

		/* A form posted from another site's page (the cookie is
		 * SameSite=Strict as well). */
		if (origin && !same_origin(origin, host))
			return refuse_now(req, 403,
					  "a change from a page of another "
					  "site",
					  0);
		r = wer__access_read_token(c, token, &req->scope);
		if (r == -ENOENT)
			return refuse_now(req, 401,
					  "a read token that may triage is "
					  "required (Authorization: Bearer, "
					  "or the page's sign-in)",
					  0);
		if (r == 0 && !req->scope.triage)
			return refuse_now(req, 403,
					  "this read token may not triage: "
					  "wer-collector token add PROJECT "
					  "--triage makes one that may",
					  0);
		wer__access_hash(token, req->key_hash);
		snprintf(name, sizeof(name), "t:%s", req->key_hash);
		if (r == 0 &&
		    wer__access_rate(c, name, c->rate, c->burst, &retry) < 0)
			return refuse_now(req, 429,
					  "rate limit reached for this token",
					  retry);
	} else if (req->route == ROUTE_INGEST) {
		const char *key = ingest_key(req->mhd);

		if (!key || !*key)
			return refuse_now(req, 401,
					  "an ingest key is required "
					  "(?api_key= or X-API-Key)",
					  0);
		r = wer__access_ingest_key(c, key, req->project,
					   sizeof(req->project), req->key_hash);
		if (r == -ENOENT)
			return refuse_now(req, 403, "unknown ingest key", 0);
		snprintf(name, sizeof(name), "i:%s", req->key_hash);
		if (r == 0 &&
		    wer__access_rate(c, name, c->rate, c->burst, &retry) < 0)
			return refuse_now(
			    req, 429, "rate limit reached for this key", retry);
	} else {
		const char *key = bearer(req->mhd);

		if (!key)
			return refuse_now(
			    req, ingest_key(req->mhd) ? 403 : 401,
			    "symbol uploads need a symbol key (Authorization: "
			    "Bearer KEY; wer-collector symbol-key add "
			    "PROJECT); an ingest key cannot upload symbols",
			    0);
		r = wer__access_symbol_key(c, key, req->project,
					   sizeof(req->project), req->key_hash);
		if (r == -ENOENT)
			return refuse_now(req, 403,
					  "unknown symbol key (an ingest key "
					  "cannot upload symbols)",
					  0);
		snprintf(name, sizeof(name), "s:%s", req->key_hash);
		if (r == 0 &&
		    wer__access_rate(c, name, c->symbol_rate / 60,
				     c->symbol_rate < 1 ? 1 : c->symbol_rate,
				     &retry) < 0)
			return refuse_now(
			    req, 429, "symbol upload rate reached for this key",
			    retry);
	}
	if (r < 0)
		return refuse_now(req, 503, "the database is not available", 1);
	if (len && strtoull(len, NULL, 10) < need)
		need = (size_t)strtoull(len, NULL, 10);
	if (wer__budget_admit(&s->budget, req->key_hash, need, req->share_max,
			      &req->share) < 0)
		return refuse_now(req, 503,
				  "too many uploads in flight: the memory for "
				  "request bodies, or this key's share of it, "
				  "is taken",
				  1);
	return answer(req, REQ_ADMITTED);
}

/* The body is no longer needed: its memory goes back to the budget. */
static void drop_body(struct wer_server *s, struct request *req)
{
	if (req->share && req->reserved)
		wer__budget_give(&s->budget, req->share, req->reserved);
	req->reserved = 0;
	wer_buf_free(&req->body);
}

static int process(struct wer_server *s, struct request *req)
{
	struct wer_collector *c = s->c;
	struct MHD_Connection *conn = req->mhd;
	struct wer_reply *reply = &req->reply;
	struct wer_scope scope = {.all = 1};
	int from_query = 0;
	const char *token;
	int r;

	reply_init(reply);
	if (req->route == ROUTE_INGEST) {
		wer__ingest(c, req->project,
			    MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
							"Content-Type"),
			    MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
							"Content-Encoding"),
			    (const uint8_t *)req->body.data, req->body.len,
			    reply);
		drop_body(s, req);
		return answer(req, REQ_ANSWER);
	}
	if (req->route == ROUTE_TRIAGE) {
		int page = !strncmp(req->url, "/buckets/", 9);
		const char *body = req->body.data ? req->body.data : "";

		if (req->is_delete)
			wer__api_delete_report(c, req->url + 13, &req->scope,
					       reply);
		else if (!strcmp(req->url, "/api/retention"))
			wer__api_retention(c, &req->scope, body, req->body.len,
					   reply);
		else
			wer__bucket_triage(c, req->url + (page ? 9 : 13),
					   &req->scope, body, req->body.len,
					   page, reply);
		drop_body(s, req);
		return answer(req, REQ_ANSWER);
	}
	if (req->route == ROUTE_SYMBOLS) {
		wer__symbols_upload(
		    c, req->project,
		    MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND,
						"build_id"),
		    (const uint8_t *)req->body.data, req->body.len, reply);
		drop_body(s, req);
		return answer(req, REQ_ANSWER);
	}
	if (!c->public_read && strcmp(req->url, "/style.css")) {
		token = read_token(conn, &from_query);
		r = wer__access_read_token(c, token, &scope);
		if (r == -ENOENT && strncmp(req->url, "/api/", 5)) {
			/* A person at a page: a form, not JSON. */
			wer__page_signin(reply, req->url, token && *token);
			return answer(req, REQ_ANSWER);
		}
		if (r < 0) {
			wer__reply_error(reply, r == -EIO ? 503 : 401,
					 "a read token is required (?token=, "
					 "Authorization: Bearer, or start the "
					 "collector with --public)");
			return answer(req, REQ_ANSWER);
		}
		if (from_query && strlen(token) < 200) {
			snprintf(reply->header_name, sizeof(reply->header_name),
				 "Set-Cookie");
			snprintf(reply->header_value,
				 sizeof(reply->header_value),
				 "wer_token=%s; Path=/; HttpOnly; "
				 "SameSite=Strict%s",
				 token, over_tls(c, conn) ? "; Secure" : "");
		}
	}
	if (!strncmp(req->url, "/api/", 5))
		wer__api(c, conn, req->url, &scope, reply);
	else
		wer__pages(c, conn, req->url, &scope, reply);
	return answer(req, REQ_ANSWER);
}

static void *worker_main(void *arg)
{
	struct wer_server *s = arg;

	for (;;) {
		struct request *req;
		struct MHD_Connection *conn;

		pthread_mutex_lock(&s->lock);
		while (!s->head && !s->quit)
			pthread_cond_wait(&s->work, &s->lock);
		req = s->head;
		if (!req) {
			pthread_mutex_unlock(&s->lock);
			return NULL;
		}
		s->head = req->next;
		if (!s->head)
			s->tail = &s->head;
		pthread_mutex_unlock(&s->lock);
		conn = req->mhd;
		if (req->job == JOB_ADMIT)
			admit(s, req);
		else
			process(s, req);
		/* req belongs to the I/O thread again from here. */
		MHD_resume_connection(conn);
		pthread_mutex_lock(&s->lock);
		if (!--s->outstanding)
			pthread_cond_broadcast(&s->idle);
		pthread_mutex_unlock(&s->lock);
	}
}

/* Hands req to the workers, its connection suspended meanwhile. */
static enum MHD_Result dispatch(struct wer_server *s, struct request *req,
				enum job job)
{
	pthread_mutex_lock(&s->lock);
	if (s->stopping) {
		pthread_mutex_unlock(&s->lock);
		return error_now(req->mhd, 503, "the collector is stopping", 1,
				 1);
	}
	req->job = job;
	req->state = REQ_QUEUED;
	s->outstanding++;
	MHD_suspend_connection(req->mhd);
	req->next = NULL;
	*s->tail = req;
	s->tail = &req->next;
	pthread_cond_signal(&s->work);
	pthread_mutex_unlock(&s->lock);
	return MHD_YES;
}

/* ---- the I/O threads: libmicrohttpd's callbacks */

/* The rest of a refused body is read and dropped; the answer comes at its
 * end. */
static void refuse_body(struct wer_server *s, struct request *req,
			unsigned status)
{
	req->refuse = status;
	drop_body(s, req);
}

static enum MHD_Result body_data(struct wer_server *s, struct request *req,
				 const char *data, size_t n)
{
	size_t grow;

	req->received += n;
	if (req->conn)
		wer__watchdog_body(req->conn, n);
	if (req->refuse) /* a client that goes on far past: cut */
		return req->received > 2 * req->cap ? MHD_NO : MHD_YES;
	if (req->received > req->cap) {
		refuse_body(s, req, 413);
		return MHD_YES;
	}
	grow = wer_buf_growth(&req->body, n);
	if (grow == SIZE_MAX) {
		refuse_body(s, req, 413);
		return MHD_YES;
	}
	if (grow && wer__budget_take(&s->budget, req->share, grow,
				     req->share_max) < 0) {
		refuse_body(s, req, 503);
		return MHD_YES;
	}
	req->reserved += grow;
	if (wer_buf_add(&req->body, data, n) < 0)
		refuse_body(s, req, 503);
	return MHD_YES;
}

static enum MHD_Result first_call(struct wer_server *s,
				  struct MHD_Connection *conn, const char *url,
				  const char *method, void **con_cls)
{
	struct wer_collector *c = s->c;
	const union MHD_ConnectionInfo *info =
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	int is_post = !strcmp(method, "POST");
	const char *msg, *len;
	struct request *req;
	unsigned status;

	req = calloc(1, sizeof(*req));
	if (!req)
		return MHD_NO;
	*con_cls = req;
	req->mhd = conn;
	req->url = url;
	req->conn = info ? info->socket_context : NULL;
	req->reply.fd = -1;
	if (req->conn &&
	    wer__watchdog_phase(&s->watchdog, req->conn, WER_CONN_BUSY) < 0)
		return MHD_NO; /* the header deadline passed */
	status = framing_status(conn, &msg);
	if (status)
		return error_now(conn, status, msg, 0, 1);
	if (is_post && !strcmp(url, "/api/minidump")) {
		req->route = ROUTE_INGEST;
		req->cap = c->max_body;
	} else if (is_post && !strcmp(url, "/api/symbols")) {
		req->route = ROUTE_SYMBOLS;
		req->cap = c->max_symbols;
	} else if ((is_post && (!strncmp(url, "/api/buckets/", 13) ||
				!strncmp(url, "/buckets/", 9) ||
				!strcmp(url, "/api/retention"))) ||
		   (!strcmp(method, "DELETE") &&
		    !strncmp(url, "/api/reports/", 13))) {
		/* Changes: a read token that may triage. */
		req->route = ROUTE_TRIAGE;
		req->cap = TRIAGE_BODY_MAX;
		req->is_delete = !is_post;
	} else if (is_post) {
		return error_now(conn, 404, "no such resource", 0, 1);
	} else if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
		return error_now(conn, 405, "method not allowed", 0, 1);
	}
	if (req->route == ROUTE_OTHER) {
		/* Answered once the request has ended (an answer queued now
		 * would end the connection, libmicrohttpd's rule), a body,
		 * which nothing here reads, at the body's rate. */
		req->state = REQ_BODY;
		if (req->conn && wer__watchdog_phase(&s->watchdog, req->conn,
						     WER_CONN_BODY) < 0)
			return MHD_NO;
		return MHD_YES;
	}
	len = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
					  "Content-Length");
	if (len && strtoull(len, NULL, 10) > req->cap)
		return error_now(conn, 413, "the body is larger than allowed",
				 0, 1);
	/* One largest upload (and its NUL) always fits a key's share. */
	req->share_max =
	    c->key_inflight > req->cap ? c->key_inflight : req->cap + 1;
	/* A declared length only bounds the buffer; its bytes are counted
	 * as they come. */
	wer_buf_init(&req->body,
		     len ? (size_t)strtoull(len, NULL, 10) : req->cap);
	return dispatch(s, req, JOB_ADMIT);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn,
			      const char *url, const char *method,
			      const char *version, const char *upload_data,
			      size_t *upload_data_size, void **con_cls)
{
	struct wer_server *s = cls;
	struct request *req = *con_cls;
	size_t n;

	(void)version;
	if (!req)
		return first_call(s, conn, url, method, con_cls);
	switch (__atomic_load_n(&req->state, __ATOMIC_ACQUIRE)) {
	case REQ_ANSWER:
		req->state = REQ_SENT;
		/* An upload refused before its body: the body is not read,
		 * the connection ends (libmicrohttpd ends it anyway when an
		 * answer comes before the body). */
		return send_reply(conn, &req->reply,
				  req->route != ROUTE_OTHER && !req->share);
	case REQ_ADMITTED:
		/* libmicrohttpd calls again as the headers end: now the
		 * body may come (after "100 Continue" if asked). */
		req->state = REQ_BODY;
		if (req->conn && wer__watchdog_phase(&s->watchdog, req->conn,
						     WER_CONN_BODY) < 0)
			return MHD_NO;
		return MHD_YES;
	case REQ_BODY:
		if (*upload_data_size) {
			n = *upload_data_size;
			*upload_data_size = 0;
			if (req->route != ROUTE_OTHER)
				return body_data(s, req, upload_data, n);
			req->received += n;
			if (req->conn)
				wer__watchdog_body(req->conn, n);
			return req->received > OTHER_BODY_MAX ? MHD_NO
							      : MHD_YES;
		}
		/* The whole body is here. */
		if (req->conn && wer__watchdog_phase(&s->watchdog, req->conn,
						     WER_CONN_BUSY) < 0)
			return MHD_NO;
		if (req->route == ROUTE_OTHER && !strcmp(url, "/healthz")) {
			reply_init(&req->reply);
			req->reply.content_type = "text/plain";
			wer_buf_str(&req->reply.body, "ok\n");
			req->state = REQ_SENT;
			return send_reply(conn, &req->reply, 0);
		}
		if (req->route == ROUTE_OTHER)
			return dispatch(s, req, JOB_PROCESS);
		if (req->refuse == 413)
			return error_now(
			    conn, 413, "the body is larger than allowed", 0, 0);
		if (req->refuse)
			return error_now(conn, 503,
					 "too many uploads in flight: the "
					 "memory for request bodies, or this "
					 "key's share of it, is taken",
					 1, 0);
		return dispatch(s, req, JOB_PROCESS);
	default:
		return MHD_YES;
	}
}

static void request_done(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct wer_server *s = cls;
	struct request *req = *con_cls;

	(void)conn, (void)toe;
	if (!req)
		return;
	if (req->share)
		wer__budget_leave(&s->budget, req->share, req->reserved);
	wer_buf_free(&req->body);
	wer_buf_free(&req->reply.body);
	if (req->reply.fd >= 0)
		close(req->reply.fd);
	/* A connection kept open waits for its next request's headers. */
	if (req->conn)
		wer__watchdog_phase(&s->watchdog, req->conn, WER_CONN_HEADERS);
	free(req);
	*con_cls = NULL;
}

static void notify_connection(void *cls, struct MHD_Connection *conn,
			      void **socket_context,
			      enum MHD_ConnectionNotificationCode code)
{
	struct wer_server *s = cls;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *info = MHD_get_connection_info(
		    conn, MHD_CONNECTION_INFO_CONNECTION_FD);

		*socket_context =
		    info ? wer__watchdog_add(&s->watchdog, info->connect_fd)
			 : NULL;
	} else if (*socket_context) {
		/* Before libmicrohttpd closes the socket. */
		wer__watchdog_remove(&s->watchdog, *socket_context);
		*socket_context = NULL;
	}
}

/* libmicrohttpd's messages, at most LOG_BURST a minute: a stranger
 * opening and dropping connections must not fill the log. */
#define LOG_BURST 20

static void log_message(void *cls, const char *fmt, va_list ap)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	static double window;
	static unsigned shown, dropped;
	double now = wer__monotonic();
	char line[512];
	size_t n;

	(void)cls;
	vsnprintf(line, sizeof(line), fmt, ap);
	n = strcspn(line, "\n");
	pthread_mutex_lock(&lock);
	if (now - window >= 60) {
		if (dropped)
			fprintf(stderr,
				"wer-collector: %u more libmicrohttpd "
				"message(s) in the last minute, not shown\n",
				dropped);
		window = now;
		shown = dropped = 0;
	}
	if (shown < LOG_BURST) {
		shown++;
		fprintf(stderr, "wer-collector: %.*s\n", (int)n, line);
	} else {
		dropped++;
	}
	pthread_mutex_unlock(&lock);
}

/* ---- starting and stopping */

static void stop_workers(struct wer_server *s)
{
	pthread_mutex_lock(&s->lock);
	s->stopping = 1;
	while (s->outstanding)
		pthread_cond_wait(&s->idle, &s->lock);
	s->quit = 1;
	pthread_cond_broadcast(&s->work);
	pthread_mutex_unlock(&s->lock);
	for (unsigned i = 0; i < s->worker_count; i++)
		pthread_join(s->workers[i], NULL);
	s->worker_count = 0;
}

static void server_free(struct wer_server *s)
{
	stop_workers(s);
	wer__watchdog_stop(&s->watchdog);
	if (s->daemon)
		MHD_stop_daemon(s->daemon);
	wer__budget_destroy(&s->budget);
	free(s->workers);
	free(s);
}

struct wer_server *wer__server_start(struct wer_collector *c,
				     const struct sockaddr *addr,
				     unsigned *ret_port)
{
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD |
			 MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
	struct wer_server *s = calloc(1, sizeof(*s));
	const union MHD_DaemonInfo *info;
	struct MHD_OptionItem opts[16];
	size_t n = 0;

	if (!s)
		return NULL;
	s->c = c;
	s->tail = &s->head;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->work, NULL);
	pthread_cond_init(&s->idle, NULL);
	wer__budget_init(&s->budget, c->max_inflight);
	s->workers = calloc(c->workers, sizeof(*s->workers));
	if (!s->workers ||
	    wer__watchdog_start(&s->watchdog, c->header_timeout,
				c->body_timeout, c->min_rate) < 0) {
		server_free(s);
		return NULL;
	}
	for (; s->worker_count < c->workers; s->worker_count++)
		if (pthread_create(&s->workers[s->worker_count], NULL,
				   worker_main, s)) {
			server_free(s);
			return NULL;
		}
	if (addr->sa_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	opts[n++] = (struct MHD_OptionItem){MHD_OPTION_EXTERNAL_LOGGER,
					    (intptr_t)log_message, NULL};
	opts[n++] =
	    (struct MHD_OptionItem){MHD_OPTION_SOCK_ADDR, 0, (void *)addr};
	opts[n++] = (struct MHD_OptionItem){MHD_OPTION_NOTIFY_COMPLETED,
					    (intptr_t)request_done, s};
	opts[n++] = (struct MHD_OptionItem){MHD_OPTION_NOTIFY_CONNECTION,
					    (intptr_t)notify_connection, s};
	opts[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_LIMIT,
					    (intptr_t)c->max_connections, NULL};
	opts[n++] = (struct MHD_OptionItem){MHD_OPTION_PER_IP_CONNECTION_LIMIT,
					    (intptr_t)c->per_ip, NULL};
	/* An idle timeout for what the watchdog does not time: answers a
	 * client does not read. */
	opts[n++] =
	    (struct MHD_OptionItem){MHD_OPTION_CONNECTION_TIMEOUT, 60, NULL};
	opts[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_MEMORY_LIMIT,
					    CONNECTION_MEMORY, NULL};
	if (c->io_threads > 1)
		opts[n++] = (struct MHD_OptionItem){
		    MHD_OPTION_THREAD_POOL_SIZE, (intptr_t)c->io_threads, NULL};
	if (c->tls_cert && c->tls_key) {
		flags |= MHD_USE_TLS;
		opts[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT,
						    0, c->tls_cert};
		opts[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0,
						    c->tls_key};
	}
	opts[n++] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
	s->daemon = MHD_start_daemon(flags, 0, NULL, NULL, handle, s,
				     MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
	if (!s->daemon) {
		server_free(s);
		return NULL;
	}
	info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
	*ret_port = info ? info->port : 0;
	return s;
}

void wer__server_stop(struct wer_server *s)
{
	/* No new connection; requests with the workers are answered; then
	 * libmicrohttpd may stop (it must have no suspended connection). */
	MHD_socket fd = MHD_quiesce_daemon(s->daemon);

	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	server_free(s);
}
