/* SPDX-License-Identifier: MIT */
/*
 * server.c - HTTP on libmicrohttpd: reading request bodies under their
 * cap, access checks, routing to ingest, symbols, the API and the pages,
 * and sending replies. One thread per connection (MHD's), a capped number
 * of connections.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "collector.h"
#include "server.h"

enum route { ROUTE_OTHER, ROUTE_INGEST, ROUTE_SYMBOLS };

struct request {
	enum route route;
	struct wer_buf body;
	size_t cap;
	int too_big, busy;
	size_t reserved; /* bytes counted in inflight */
	char project[128];
};

/* Bytes of request bodies held in memory by all connections, and their
 * cap: beyond it uploads get 503 with Retry-After rather than memory. */
static size_t inflight;
#define INFLIGHT_MAX(c)                                                        \
	((c)->max_body * 8 > 256u * 1024 * 1024 ? (c)->max_body * 8            \
						: 256u * 1024 * 1024)

static int reserve(struct wer_collector *c, struct request *req, size_t n)
{
	size_t now = __atomic_add_fetch(&inflight, n, __ATOMIC_RELAXED);

	if (now > INFLIGHT_MAX(c) && now != n) { /* one body always fits */
		__atomic_sub_fetch(&inflight, n, __ATOMIC_RELAXED);
		return -1;
	}
	req->reserved += n;
	return 0;
}

static enum MHD_Result send_reply(struct MHD_Connection *conn,
				  struct wer_reply *reply)
{
	struct MHD_Response *resp;
	enum MHD_Result r;

	if (reply->fd >= 0) {
		resp = MHD_create_response_from_fd64(reply->fd_size, reply->fd);
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
	wer__buf_free(&reply->body);
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, "Content-Type", reply->content_type);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Content-Security-Policy",
				"default-src 'none'; style-src 'self'; "
				"img-src 'self'; form-action 'self'");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	if (reply->header_name[0])
		MHD_add_response_header(resp, reply->header_name,
					reply->header_value);
	r = MHD_queue_response(conn, reply->status, resp);
	MHD_destroy_response(resp);
	return r;
}

static void reply_init(struct wer_reply *reply)
{
	memset(reply, 0, sizeof(*reply));
	reply->fd = -1;
	reply->status = 200;
	reply->content_type = "application/json";
	wer__buf_init(&reply->body, 64 * 1024 * 1024);
}

static enum MHD_Result error_now(struct MHD_Connection *conn, unsigned status,
				 const char *msg, int retry_after)
{
	struct wer_reply reply;

	reply_init(&reply);
	wer__reply_error(&reply, status, "%s", msg);
	if (retry_after > 0) {
		snprintf(reply.header_name, sizeof(reply.header_name),
			 "Retry-After");
		snprintf(reply.header_value, sizeof(reply.header_value), "%d",
			 retry_after);
	}
	return send_reply(conn, &reply);
}

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

/* The read token: ?token=, Authorization: Bearer, or the wer_token
 * cookie (set when a page is opened with ?token=). */
static const char *read_token(struct MHD_Connection *conn, int *from_query)
{
	const char *t =
	    MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "token");
	const char *auth;

	*from_query = t != NULL;
	if (t)
		return t;
	auth =
	    MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization");
	if (auth && !strncasecmp(auth, "Bearer ", 7))
		return auth + 7;
	return MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, "wer_token");
}

/* First call for a POST to ingest or symbols: key, rate, size. A reply
 * queued here ends the request before its body is read. */
static enum MHD_Result post_start(struct wer_collector *c,
				  struct MHD_Connection *conn,
				  struct request *req)
{
	const char *key = ingest_key(conn);
	const char *len = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						      "Content-Length");
	int retry, r;

	if (!key || !*key)
		return error_now(conn, 401,
				 "an ingest key is required (?api_key= or "
				 "X-API-Key)",
				 0);
	r = wer__access_ingest_key(c, key, req->project, sizeof(req->project));
	if (r == -ENOENT)
		return error_now(conn, 403, "unknown ingest key", 0);
	if (r < 0)
		return error_now(conn, 503, "the database is not available", 0);
	if (req->route == ROUTE_INGEST && wer__access_rate(c, key, &retry) < 0)
		return error_now(conn, 429, "rate limit reached for this key",
				 retry);
	if (len && strtoull(len, NULL, 10) > req->cap)
		return error_now(conn, 413, "the body is larger than allowed",
				 0);
	if (len && reserve(c, req, strtoull(len, NULL, 10)) < 0)
		return error_now(conn, 503, "too many uploads at once", 1);
	return MHD_YES;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn,
			      const char *url, const char *method,
			      const char *version, const char *upload_data,
			      size_t *upload_data_size, void **con_cls)
{
	struct wer_collector *c = cls;
	struct request *req = *con_cls;
	struct wer_reply reply;
	int is_post = !strcmp(method, "POST");

	(void)version;
	if (!req) {
		req = calloc(1, sizeof(*req));
		if (!req)
			return MHD_NO;
		*con_cls = req;
		if (is_post && !strcmp(url, "/api/minidump")) {
			req->route = ROUTE_INGEST;
			req->cap = c->max_body;
		} else if (is_post && !strcmp(url, "/api/symbols")) {
			req->route = ROUTE_SYMBOLS;
			req->cap = WER_COLLECTOR_SYMBOLS_MAX;
		} else if (is_post) {
			return error_now(conn, 404, "no such resource", 0);
		}
		wer__buf_init(&req->body, req->cap);
		if (req->route != ROUTE_OTHER)
			return post_start(c, conn, req);
		if (strcmp(method, "GET") && strcmp(method, "HEAD"))
			return error_now(conn, 405, "method not allowed", 0);
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (!req->too_big && wer__buf_add(&req->body, upload_data,
						  *upload_data_size) < 0)
			req->too_big = 1;
		*upload_data_size = 0;
		return MHD_YES;
	}
	reply_init(&reply);
	if (req->route != ROUTE_OTHER) {
		if (req->too_big)
			return error_now(conn, 413,
					 "the body is larger than allowed", 0);
		if (req->busy)
			return error_now(conn, 503, "too many uploads at once",
					 1);
		if (req->route == ROUTE_INGEST)
			wer__ingest(
			    c, req->project,
			    MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
							"Content-Type"),
			    MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
							"Content-Encoding"),
			    (const uint8_t *)req->body.data, req->body.len,
			    &reply);
		else
			wer__symbols_upload(
			    c,
			    MHD_lookup_connection_value(
				conn, MHD_GET_ARGUMENT_KIND, "build_id"),
			    (const uint8_t *)req->body.data, req->body.len,
			    &reply);
		return send_reply(conn, &reply);
	}
	if (!strcmp(url, "/healthz")) {
		reply.content_type = "text/plain";
		wer__buf_str(&reply.body, "ok\n");
		return send_reply(conn, &reply);
	}
	if (!c->public_read && strcmp(url, "/style.css")) {
		int from_query;
		const char *token = read_token(conn, &from_query);
		int r = wer__access_read_token(c, token);

		if (r < 0) {
			wer__reply_error(&reply, r == -EIO ? 503 : 401,
					 "a read token is required (?token=, "
					 "Authorization: Bearer, or start the "
					 "collector with --public)");
			return send_reply(conn, &reply);
		}
		if (from_query && strlen(token) < 200) {
			snprintf(reply.header_name, sizeof(reply.header_name),
				 "Set-Cookie");
			snprintf(reply.header_value, sizeof(reply.header_value),
				 "wer_token=%s; Path=/; HttpOnly; "
				 "SameSite=Strict",
				 token);
		}
	}
	if (!strncmp(url, "/api/", 5))
		wer__api(c, conn, url, &reply);
	else
		wer__pages(c, conn, url, &reply);
	return send_reply(conn, &reply);
}

static void request_done(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct request *req = *con_cls;

	(void)cls, (void)conn, (void)toe;
	if (req) {
		__atomic_sub_fetch(&inflight, req->reserved, __ATOMIC_RELAXED);
		wer__buf_free(&req->body);
		free(req);
		*con_cls = NULL;
	}
}

struct MHD_Daemon *wer__server_start(struct wer_collector *c,
				     const struct sockaddr *addr,
				     unsigned *ret_port)
{
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD |
			 MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ERROR_LOG;
	struct MHD_Daemon *d;
	const union MHD_DaemonInfo *info;

	if (addr->sa_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	d = MHD_start_daemon(flags, 0, NULL, NULL, handle, c,
			     MHD_OPTION_SOCK_ADDR, addr,
			     MHD_OPTION_NOTIFY_COMPLETED, request_done, NULL,
			     MHD_OPTION_CONNECTION_LIMIT, (unsigned)256,
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
			     MHD_OPTION_CONNECTION_MEMORY_LIMIT,
			     (size_t)(64 * 1024), MHD_OPTION_END);
	if (!d)
		return NULL;
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	*ret_port = info ? info->port : 0;
	return d;
}
