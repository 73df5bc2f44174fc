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
#include "escape.h"

#define WER_COLLECTOR_MAX_BODY (20 * 1024 * 1024) /* default --max-body */
#define WER_COLLECTOR_SYMBOLS_MAX                                              \
	(64 * 1024 * 1024)	       /* default --max-symbols                \
					*/
#define WER_COLLECTOR_META_MAX	  72   /* metadata pairs kept per report */
#define WER_COLLECTOR_VALUE_MAX	  1024 /* bytes of a metadata value kept */
#define WER_COLLECTOR_FRAMES	  5    /* top frames in the stack hash */
#define WER_COLLECTOR_RATE_KEYS	  1024 /* keys the rate limiter tracks */
#define WER_COLLECTOR_PROJECT_MAX 128  /* bytes of a project name, NUL too */
/* Bytes of a path of a symbol file's directory, and of a symbol file. */
#define WER_COLLECTOR_DIR_MAX  (PATH_MAX + 2 * WER_COLLECTOR_PROJECT_MAX + 16)
#define WER_COLLECTOR_FILE_MAX (WER_COLLECTOR_DIR_MAX + 80)

struct wer_rate {
	char key[80];
	double tokens;
	double last; /* CLOCK_MONOTONIC seconds */
};

#define WER_COLLECTOR_KEY_CACHE 64 /* keys and tokens remembered */
#define WER_COLLECTOR_KEY_TTL	10 /* seconds a remembered one is trusted */

/* A key or token found in the database, remembered by its hash. */
struct wer_key_cache {
	char kind; /* 'i' ingest key, 's' symbol key, 't' read token */
	int admin; /* a read token for every project */
	char hash[65], project[WER_COLLECTOR_PROJECT_MAX];
	double expires; /* CLOCK_MONOTONIC seconds */
};

#define WER_COLLECTOR_SKIP_MAX 128 /* patterns of the signature skip list */

/* Frames a signature skips (docs/collector.md, "Signatures"): fnmatch(3)
 * patterns of module file names and of function names. */
struct wer_skip_list {
	size_t module_count, function_count;
	char *module[WER_COLLECTOR_SKIP_MAX];
	char *function[WER_COLLECTOR_SKIP_MAX];
};

struct wer_collector {
	struct wer_db *db;
	char data_dir[PATH_MAX];
	size_t max_body;     /* an upload, after gzip inflation too */
	size_t max_symbols;  /* a symbol upload */
	size_t max_inflight; /* request bodies in memory, all together */
	size_t key_inflight; /* one key's share of that */
	int public_read;
	int trust_proxy;    /* X-Forwarded-Proto says whether it is TLS */
	long sweep_age;	    /* seconds before an orphan file is removed */
	double rate, burst; /* reports per second per key; bucket size */
	double symbol_rate; /* symbol uploads per minute per symbol key */
	unsigned max_connections, per_ip; /* connections, per address */
	unsigned io_threads, workers;
	double header_timeout;	   /* seconds for a request's header block */
	double body_timeout;	   /* seconds of grace for a body, then ... */
	double min_rate;	   /* ... at least this many bytes per second */
	struct wer_skip_list skip; /* frames signatures skip */
	int debuginfod;		   /* --debuginfod: ask for missing symbols */
	int blobs_in_db;	   /* --blobs database: dumps, attachments */
	size_t max_attachments;	   /* bytes of attachments kept per report */
	size_t attachments_quota;  /* ... per project (0: no limit) */
	/* --tls-cert, --tls-key: PEM text, served over TLS; NULL: plain */
	char *tls_cert, *tls_key;
	long symbols_memory_mb;	 /* libdw's child: address space over ours */
	long symbols_timeout_ms; /* and its time */
	pthread_mutex_t rate_lock;
	struct wer_rate rates[WER_COLLECTOR_RATE_KEYS];
	struct wer_key_cache keys[WER_COLLECTOR_KEY_CACHE]; /* rate_lock */
};

/* Who reads: every project (an admin token, --public), or one. */
struct wer_scope {
	int all;
	int triage; /* may change a bucket's state, note and bug link */
	char project[WER_COLLECTOR_PROJECT_MAX];
};

/* A reply being built by a handler. */
struct wer_reply {
	unsigned status;
	const char *content_type;
	struct wer_buf body;
	int fd; /* >= 0: send this file instead of body (taken over) */
	uint64_t fd_size;
	char header_name[64], header_value[512]; /* one extra header */
	char count_header[32];			 /* X-Total-Count, or "" */
};

/* One frame of the crashed thread, as the collector stores it (reports.frames;
 * werfault's frames are struct wer_frame, src/handler/unwind.h): lines of
 * "module \t build_id \t 0xoffset \t function \t flags \t client"
 * (function: "" until uploaded symbols name it; the last two fields are
 * absent in rows of collectors before 0.2.0). */
struct wer_stored_frame {
	char module[128];
	char build_id[65];
	uint64_t offset;
	char function[256]; /* "name+0xoff[ file:line]" from uploaded symbols */
	/* Where the frame came from (docs/collector.md, "Stacks"): */
	int inlined;	  /* 'i': a call inlined at the pc of the next frame */
	int scanned;	  /* 's': found by scanning the stack, maybe stale */
	int walked;	  /* 'w': the collector walked the dump's stack with
			   * call frame information (walk.c) */
	char client[256]; /* the function the client named ("" none) */
};

struct wer_processed {
	char app[256], version[256];
	char module[128], module_offset[32], build_id[65];
	char fault_address[32];
	long signal, signal_code;
	/* What killed it, in words, where the report says: an uncaught
	 * exception's type, else glibc's abort message. */
	char reason[256];
	size_t frame_count;
	struct wer_stored_frame frames[32];
	char stack_hash[17];
	char signature[1024];
	char title[768]; /* "SIGSEGV in save_document (crash_demo)" */
};

/* process.c */
/* Reads a minidump (and the optional Report.wer text) into ret: the
 * application (prod or Report.wer or the main module), the fault module
 * and offset, the crashed thread's frames, symbolized from uploaded
 * symbols, and the bucket signature. Without a dump (dump NULL), the
 * signature parameters of Report.wer alone. 0, or -EBADMSG with a
 * reason. */
int wer__process(struct wer_collector *c, const char *project,
		 const uint8_t *dump, size_t size, const char *prod,
		 const char *ver, const char *report_wer, size_t report_wer_len,
		 const char *stack_text, struct wer_processed *ret, char *err,
		 size_t err_size);
/* The signature, title and stack hash of p's frames as they are named
 * now, skipping what skip says. */
void wer__process_signature(const struct wer_skip_list *skip,
			    struct wer_processed *p);
/* The built-in skip list (docs/collector.md); wer__skip_load adds the
 * lines of a file ("module PATTERN", "function PATTERN", '#' comments):
 * 0, or -1 with why. */
void wer__skip_defaults(struct wer_skip_list *skip);
int wer__skip_load(struct wer_skip_list *skip, const char *path, char *why,
		   size_t why_size);
/* Copies s into out (size bytes), control characters (tabs, newlines)
 * as '?': a field of the frames' text. */
void wer__copy_clean(char *out, size_t size, const char *s);
/* The file name of a path (after its last '/'). */
const char *wer__base_name(const char *path);
/* frames <-> text */
int wer__frames_format(const struct wer_processed *p, struct wer_buf *out);
void wer__frames_parse(const char *text, struct wer_processed *p);

/* symbols.c */
/* The symbol file for build_id: uploaded for project (else for every
 * project), else a debuginfod server's (--debuginfod). 0 (*is_elf: an ELF
 * file, not a Breakpad .sym), or -ENOENT. */
int wer__symbols_find(const struct wer_collector *c, const char *project,
		      const char *build_id, char path[WER_COLLECTOR_FILE_MAX],
		      int *is_elf);
/* Names the frames of reports ps[0..n) of project ("function+0xoff
 * file:line") from the symbols uploaded for their build ids: Breakpad
 * .sym files here, ELF files by libdw in one child process within the
 * budget (symbolizer.c, src/symbolize). A frame after the first is a
 * return address: an ELF file names it by the call before it, function
 * and line. Frames without symbols keep function "". */
void wer__symbolize_frames(struct wer_collector *c, const char *project,
			   struct wer_processed *const *ps, size_t n);
/* POST /api/symbols of project (a symbol key's). */
int wer__symbols_upload(struct wer_collector *c, const char *project,
			const char *build_id_arg, const uint8_t *data,
			size_t size, struct wer_reply *reply);
/* The background reprocessing of reports after symbol uploads
 * (reprocess_jobs): a thread started once the server runs, woken by each
 * upload, stopped before exit. */
int wer__reprocess_start(struct wer_collector *c);
void wer__reprocess_wake(void);
void wer__reprocess_stop(void);
/* `wer-collector symbols list|remove ...`; prints; exit status. */
int wer__symbols_command(struct wer_collector *c, int argc, char **argv);

/* symbolizer.c: libdw in a child process, within c->symbols_memory_mb of
 * address space and c->symbols_timeout_ms (as werfault's unwinder). */
struct wer_elf_query {
	const char *path; /* the ELF file */
	uint64_t offset;  /* in the module */
	int is_return;
	char result[256]; /* "function+0xoff[ file:line]", "" unknown */
};
/* Fills q[i].result. 0, or a negative errno and why: -ETIMEDOUT,
 * -ENOMEM (the budget), -ECHILD (the child crashed or ended early),
 * -EAGAIN (no child could be started); results received before are
 * kept. */
int wer__elf_symbolize(const struct wer_collector *c, struct wer_elf_query *q,
		       size_t n, char *why, size_t why_size);
/* Walks one thread's stack (t: its registers and stack) with the unwinder
 * of src/handler/unwind_dwfl.c over maps (the text of /proc/PID/maps: the
 * ELF files, at their bases), in a lookup child; ret gets its records (a
 * struct wer_unwind of one thread: pcs and module offsets only). Files
 * without call frame information are left out. 0, or an error of
 * wer__elf_symbolize's with why (ret freed). */
struct wer_snapshot_thread;
struct wer_unwind;
int wer__elf_walk(const struct wer_collector *c,
		  const struct wer_snapshot_thread *t, const char *maps,
		  struct wer_unwind *ret, char *why, size_t why_size);
/* Reads an uploaded ELF file as lookups will: its build id (hex, into
 * build_id), its symbol table, its DWARF and every line table. 0,
 * -ENOENT (not ELF, or no build id), or an error of wer__elf_symbolize's,
 * with why. */
int wer__elf_check(const struct wer_collector *c, const char *path,
		   char *build_id, size_t size, char *why, size_t why_size);

/* walk.c: the crashed thread's stack walked with call frame information
 * (docs/collector.md, "Stacks"): werfault's unwinder over the dump's
 * registers and stack memory, with the ELF files of project's symbols
 * (or debuginfod's) for the dump's modules, in a lookup child
 * (wer__elf_walk). Fills ret's frames (marked walked) when it found at least
 * two. Returns their count, -ENOENT when the crashed module has no ELF file
 * here (or the dump no crashed thread's stack), or another negative errno
 * with why. */
struct wer_md_facts;
int wer__walk_stack(struct wer_collector *c, const char *project,
		    const uint8_t *dump, size_t size,
		    const struct wer_md_facts *facts, struct wer_processed *ret,
		    char *why, size_t why_size);

/* The same for a stored report, from its dump's reference (reports.
 * dump_path): p's frames replaced when the walk found at least two. */
int wer__walk_stored(struct wer_collector *c, const char *project,
		     const char *dump_ref, struct wer_processed *p);

/* buckets.c (docs/collector.md, "Workflow") */
/* Versions compared as strverscmp(3) does ("1.10" after "1.9"). */
int wer__version_cmp(const char *a, const char *b);
/* In a transaction, once a report of version joined the bucket of row 0
 * of b (its id, state, resolved_in, first_version, last_version): widens
 * the versions it was seen in and reopens (regressed) a bucket resolved
 * in that version or an earlier one. */
int wer__bucket_seen(struct wer_db *db, const struct wer_db_rows *b,
		     const char *version, const char *now);
/* In a transaction: a bucket's count, last_seen and versions counted
 * again from its reports (one moved in or out). */
int wer__bucket_recount(struct wer_db *db, const char *id);
/* The same for every bucket (the migration to schema 5). */
int wer__bucket_versions_all(struct wer_db *db);
/* In a transaction: report_id's metadata counted (delta 1) in its
 * bucket's breakdown and its project's, or taken out (-1; project NULL:
 * the bucket's only, as the report moves between buckets). */
int wer__bucket_meta_count(struct wer_db *db, const char *report_id,
			   const char *bucket_id, const char *project,
			   int delta);

/* In a transaction: a report received at received (seconds, text)
 * counted in its bucket's day (delta 1) or taken out (-1). */
int wer__bucket_day_count(struct wer_db *db, const char *bucket_id,
			  const char *received, int delta);

/* One metadata value of a bucket, beside the project's. */
struct wer_meta_value {
	char key[128], value[WER_COLLECTOR_VALUE_MAX];
	long count, overall;	     /* reports: in the bucket, the project */
	double share, share_overall; /* of the bucket's, the project's */
	int over;		     /* over-represented in the bucket */
};
/* The most frequent limit values of a bucket (*ret malloc'd). 0 or a
 * negative errno. */
int wer__bucket_breakdown(struct wer_collector *c, const char *bucket_id,
			  long limit, struct wer_meta_value **ret,
			  size_t *ret_count);
/* POST /api/buckets/ID (JSON answer) and /buckets/ID (page: 303 back to
 * it): state=new|resolved|ignored, version= (with resolved), note=, bug=
 * as application/x-www-form-urlencoded. */
void wer__bucket_triage(struct wer_collector *c, const char *id,
			const struct wer_scope *scope, const char *body,
			size_t len, int page, struct wer_reply *reply);

#define WER_TOP_MAX 50
struct wer_top_row {
	char bucket[24], title[768], state[16], resolved_in[256];
	char first_version[256], last_version[256];
	long count, count_before; /* this window, the one before */
	double share, share_before;
	long rank, rank_before; /* rank_before 0: none then */
};
struct wer_top {
	long total, total_before; /* reports in each window */
	size_t count;
	struct wer_top_row row[WER_TOP_MAX];
};
/* The buckets with most reports of the last days (1..365) of project
 * (NULL: every one), app and version (NULL or "": any), with the window
 * before for the trend. 0, -EINVAL or the database's error. */
int wer__top_crashers(struct wer_collector *c, const char *project,
		      const char *app, const char *version, long days,
		      struct wer_top *ret);

/* blobs.c: a report's bytes, in files under DATA or in the database
 * (docs/collector.md, "Where bytes live"); a reference names them. */
/* Whether ref names bytes in the database ("db:KEY"). */
int wer__blob_in_db(const char *ref);
/* Writes data durably as DATA/name (name is "subdir/file", subdir one or
 * two levels deep), through DATA/tmp; the reference (its path) into
 * ret_ref. 0 or a negative errno. */
int wer__blob_file(struct wer_collector *c, const char *subdir,
		   const char *name, const uint8_t *data, size_t size,
		   char *ret_ref, size_t ref_size);
/* In a transaction: data as the blobs row key; "db:KEY" into ret_ref. */
int wer__blob_insert(struct wer_db *db, const char *key, const uint8_t *data,
		     size_t size, char *ret_ref, size_t ref_size);
/* The bytes of a database reference, malloc'd: 0, -ENOENT (none, or a
 * file's reference), -EIO, -EBADMSG or -ENOMEM. */
int wer__blob_read(const struct wer_collector *c, const char *ref,
		   uint8_t **ret, size_t *ret_size);
/* The bytes of any reference, a file's or the database's, malloc'd and at
 * most max of them: 0, -ENOENT, -EFBIG, -EIO, -EBADMSG or -ENOMEM. */
int wer__blob_load(const struct wer_collector *c, const char *ref, size_t max,
		   uint8_t **ret, size_t *ret_size);
/* The bytes of ref as reply's file (fd) or body: 0, -ENOENT (not here),
 * -EIO, -EBADMSG or -ENOMEM. */
int wer__blob_reply(struct wer_collector *c, const char *ref,
		    struct wer_reply *reply);
/* In a transaction: removes the row of a database reference (a file's
 * reference: nothing). */
int wer__blob_remove(struct wer_db *db, const char *ref);
/* After the commit: removes a file reference's file (and its report's
 * attachment directory once empty). */
void wer__blob_unlink(const char *ref);

/* retention.c (docs/collector.md, "Retention and deletion") */
/* Deletes report id (of project; NULL: any) with everything it has:
 * 0, -ENOENT, or the database's error. */
int wer__report_delete(struct wer_collector *c, const char *id,
		       const char *project);
/* Sets project's policy: reports older than days, and the oldest while
 * it keeps more than bytes, are deleted (0: no limit). */
int wer__retention_set(struct wer_collector *c, const char *project, long days,
		       long long bytes);
/* Applies the policies (of project; NULL: every one): reports deleted,
 * or -EIO. */
long wer__retention_apply(struct wer_collector *c, const char *project);
/* `wer-collector reports remove ...`, `retention list|set|apply`. */
int wer__retention_command(struct wer_collector *c, int argc, char **argv);
/* Asks the background thread to apply the policies now. */
void wer__retention_kick(void);
/* "20M", "1G", "512": bytes, or -1 (main.c). */
long long wer__parse_size(const char *s);

/* ingest.c */
int wer__ingest(struct wer_collector *c, const char *project,
		const char *content_type, const char *content_encoding,
		const uint8_t *body, size_t size, struct wer_reply *reply);
/* Removes what a killed collector left: DATA/tmp files and dumps without
 * a row, older than c->sweep_age. */
void wer__ingest_sweep(struct wer_collector *c);

/* access.c */
/* What the database keeps of a key or token: its SHA-256, in hex. */
void wer__access_hash(const char *secret, char out[65]);
/* 1 when name may name a new project: [A-Za-z0-9][A-Za-z0-9._-]{0,63}. */
int wer__project_valid(const char *name);
/* The directory name of a project's files: the name itself when valid,
 * else "+" and its bytes in hex (older projects). */
void wer__project_dir(const char *project, char *out, size_t size);
/* The project of an ingest key, or of a symbol key: 0, -ENOENT (unknown)
 * or -EIO. ret_hash (65 bytes) gets the key's hash. */
int wer__access_ingest_key(struct wer_collector *c, const char *key,
			   char *ret_project, size_t size, char *ret_hash);
int wer__access_symbol_key(struct wer_collector *c, const char *key,
			   char *ret_project, size_t size, char *ret_hash);
/* What a read token may read: 0, -ENOENT or -EIO. */
int wer__access_read_token(struct wer_collector *c, const char *token,
			   struct wer_scope *ret);
/* 0 when the bucket called name (rate per second, burst) lets one more
 * request through now, else -EAGAIN (*retry_after seconds). */
int wer__access_rate(struct wer_collector *c, const char *name, double rate,
		     double burst, int *retry_after);
/* `wer-collector key|symbol-key|token add|list|remove ...`; prints; exit
 * status. */
int wer__access_command(struct wer_collector *c, int argc, char **argv);

/* api.c: JSON. Query values come from the connection; scope says which
 * projects' buckets and reports may be shown. */
int wer__api(struct wer_collector *c, struct MHD_Connection *conn,
	     const char *url, const struct wer_scope *scope,
	     struct wer_reply *reply);
/* DELETE /api/reports/ID and POST /api/retention (days=, size=, and
 * project= for an admin token), with a token that may triage (api.c). */
void wer__api_delete_report(struct wer_collector *c, const char *id,
			    const struct wer_scope *scope,
			    struct wer_reply *reply);
void wer__api_retention(struct wer_collector *c, const struct wer_scope *scope,
			const char *body, size_t len, struct wer_reply *reply);
/* pages.c: HTML. */
int wer__pages(struct wer_collector *c, struct MHD_Connection *conn,
	       const char *url, const struct wer_scope *scope,
	       struct wer_reply *reply);

/* The sign-in page (401) a person gets for a page without a valid read
 * token: a form that sends it as ?token= to url, which sets the cookie;
 * tried: a token was given and is not known. */
void wer__page_signin(struct wer_reply *reply, const char *url, int tried);

/* Shared by api.c and pages.c (api.c). */
struct wer_report_query {
	const char *project; /* NULL: every project */
	const char *app, *signal, *since, *bucket;
	size_t meta_count;
	const char *meta_key[16], *meta_value[16];
	int too_many; /* more meta. filters than fit: refused */
	long limit;
	long offset; /* reports skipped (paging); -1: not a number */
	/* Out: how many match, all pages together (-1: not counted, or
	 * more than COUNT_MAX: then total_at_least is COUNT_MAX). */
	long total, total_at_least;
};
#define COUNT_MAX 1000 /* matches a search counts exactly, at most */
/* The reports q asks for, a page of them, and q->total. 0, -EINVAL (a
 * filter that is not valid), or the database's error. */
int wer__query_reports(struct wer_collector *c, struct wer_report_query *q,
		       struct wer_db_rows *ret);
/* Fills q from the connection's arguments (app, signal, since, bucket,
 * meta.KEY, limit, and project for a scope of every project). */
void wer__query_from_args(struct MHD_Connection *conn,
			  const struct wer_scope *scope,
			  struct wer_report_query *q);
/* A report's attachments: name, kind, size, path ('' not kept), by
 * name. 0 or the database's error. */
int wer__report_attachments(struct wer_collector *c, const char *id,
			    struct wer_db_rows *ret);
/* wer__top_crashers of the connection's app=, version=, days= (api.c):
 * -EINVAL for a days= that is not 1..365. */
int wer__top_from_args(struct wer_collector *c, struct MHD_Connection *conn,
		       const struct wer_scope *scope, struct wer_top *ret,
		       long *ret_days);
/* The project a scope reads: NULL for every project, unless an admin
 * asked for one with ?project=. */
const char *wer__scope_project(struct MHD_Connection *conn,
			       const struct wer_scope *scope);

void wer__reply_error(struct wer_reply *reply, unsigned status, const char *fmt,
		      ...) __attribute__((format(printf, 3, 4)));

#endif
