/* SPDX-License-Identifier: MIT */
/*
 * collector.h - what the collector's files share: its configuration and
 * state, the processing of a report, and the request handlers.
 * docs/collector.md describes the program.
 */
#ifndef WER_COLLECTOR_H
#define WER_COLLECTOR_H

#include <limits.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "db.h"

#define WER_COLLECTOR_MAX_BODY	  (20 * 1024 * 1024)  /* default --max-body */
#define WER_COLLECTOR_SYMBOLS_MAX (256 * 1024 * 1024) /* a symbol upload */
#define WER_COLLECTOR_META_MAX	  64   /* metadata pairs kept per report */
#define WER_COLLECTOR_VALUE_MAX	  1024 /* bytes of a metadata value kept */
#define WER_COLLECTOR_FRAMES	  5    /* top frames in the stack hash */
#define WER_COLLECTOR_RATE_KEYS	  1024 /* keys the rate limiter tracks */

struct wer_rate {
	char key[80];
	double tokens;
	double last; /* CLOCK_MONOTONIC seconds */
};

#define WER_COLLECTOR_KEY_CACHE 64 /* ingest keys remembered */
#define WER_COLLECTOR_KEY_TTL	10 /* seconds a remembered key is trusted */

struct wer_key_cache {
	char key[129], project[128];
	double expires; /* CLOCK_MONOTONIC seconds */
};

struct wer_collector {
	struct wer_db *db;
	char data_dir[PATH_MAX];
	size_t max_body;
	int public_read;
	long sweep_age;	    /* seconds before an orphan file is removed */
	double rate, burst; /* reports per second per key; bucket size */
	pthread_mutex_t rate_lock;
	struct wer_rate rates[WER_COLLECTOR_RATE_KEYS];
	struct wer_key_cache keys[WER_COLLECTOR_KEY_CACHE]; /* rate_lock */
};

/* A reply being built by a handler. */
struct wer_reply {
	unsigned status;
	const char *content_type;
	struct wer_buf body;
	int fd; /* >= 0: send this file instead of body (taken over) */
	uint64_t fd_size;
	char header_name[64], header_value[512]; /* one extra header */
};

/* One frame of the crashed thread, as stored (reports.frames): lines of
 * "module \t build_id \t 0xoffset \t function" (function may be ""). */
struct wer_frame {
	char module[128];
	char build_id[65];
	uint64_t offset;
	char function[256];
};

struct wer_processed {
	char app[256], version[256];
	char module[128], module_offset[32], build_id[65];
	char fault_address[32];
	long signal, signal_code;
	size_t frame_count;
	struct wer_frame frames[32];
	char stack_hash[17];
	char signature[1024];
};

/* process.c */
/* Reads a minidump (and the optional Report.wer text) into ret: the
 * application (prod or Report.wer or the main module), the fault module
 * and offset, the crashed thread's frames, symbolized from uploaded
 * symbols, and the bucket signature. Without a dump (dump NULL), the
 * signature parameters of Report.wer alone. 0, or -EBADMSG with a
 * reason. */
int wer__process(struct wer_collector *c, const uint8_t *dump, size_t size,
		 const char *prod, const char *ver, const char *report_wer,
		 size_t report_wer_len, struct wer_processed *ret, char *err,
		 size_t err_size);
/* Symbolizes frames again and recomputes the stack hash and signature. */
void wer__process_signature(struct wer_collector *c, struct wer_processed *p);
/* frames <-> text */
int wer__frames_format(const struct wer_processed *p, struct wer_buf *out);
void wer__frames_parse(const char *text, struct wer_processed *p);

/* symbols.c */
/* "function+0xoff file:line" for offset in the module with that build
 * id, when symbols were uploaded for it; a return address (is_return)
 * takes its line from the call before it. 0, or -ENOENT. */
int wer__symbolize(struct wer_collector *c, const char *build_id,
		   uint64_t offset, int is_return, char *out, size_t size);
int wer__symbols_upload(struct wer_collector *c, const char *build_id_arg,
			const uint8_t *data, size_t size,
			struct wer_reply *reply);

/* ingest.c */
int wer__ingest(struct wer_collector *c, const char *project,
		const char *content_type, const char *content_encoding,
		const uint8_t *body, size_t size, struct wer_reply *reply);
/* Removes what a killed collector left: DATA/tmp files and dumps without
 * a row, older than c->sweep_age. */
void wer__ingest_sweep(struct wer_collector *c);

/* access.c */
/* The project of an ingest key: 0, -ENOENT (unknown) or -EIO. */
int wer__access_ingest_key(struct wer_collector *c, const char *key,
			   char *ret_project, size_t size);
int wer__access_read_token(struct wer_collector *c, const char *token);
/* 0 when key may send one more report now, else -EAGAIN (*retry_after
 * seconds). */
int wer__access_rate(struct wer_collector *c, const char *key,
		     int *retry_after);
/* `wer-collector key|token add|list|remove ...`; prints; exit status. */
int wer__access_command(struct wer_collector *c, int argc, char **argv);

/* api.c: JSON. Query values come from the connection. */
int wer__api(struct wer_collector *c, struct MHD_Connection *conn,
	     const char *url, struct wer_reply *reply);
/* pages.c: HTML. */
int wer__pages(struct wer_collector *c, struct MHD_Connection *conn,
	       const char *url, struct wer_reply *reply);

/* Shared by api.c and pages.c (api.c). */
struct wer_report_query {
	const char *app, *signal, *since, *bucket;
	size_t meta_count;
	const char *meta_key[16], *meta_value[16];
	int too_many; /* more meta. filters than fit: refused */
	long limit;
};
int wer__query_reports(struct wer_collector *c,
		       const struct wer_report_query *q,
		       struct wer_db_rows *ret);
/* Fills q from the connection's arguments (app, signal, since, bucket,
 * meta.KEY, limit). */
void wer__query_from_args(struct MHD_Connection *conn,
			  struct wer_report_query *q);
long wer__signal_number(const char *s);
const char *wer__signal_name(long sig);

void wer__reply_error(struct wer_reply *reply, unsigned status, const char *fmt,
		      ...) __attribute__((format(printf, 3, 4)));

#endif
