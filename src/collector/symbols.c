/* SPDX-License-Identifier: MIT */
/*
 * symbols.c - symbols uploaded by build id (POST /api/symbols with a
 * symbol key), each project's own, and naming frames with them: ELF
 * files through libdw in a budgeted child (symbolizer.c), Breakpad .sym
 * text here, line by line with capped lines.
 *
 * Files: DATA/symbols/<project>/<build id>.elf or .sym (the directory as
 * wer__project_dir names it), written to DATA/tmp, fsynced, then linked
 * into place: link(2) never replaces, so an upload for a build id the
 * project already has is refused (409) unless it is the same file, and
 * a project never touches another's. Files uploaded before projects were
 * tenants (schema version 3) stay in DATA/symbols/ itself, read by every
 * project after its own. After an upload, every report of the project
 * with a frame in that build id is processed again (its bucket may
 * change).
 *
 * With --blobs database the symbols table's row is what counts: the
 * bytes are a row of blobs, and the file under DATA/symbols is this
 * host's copy, written from the database when a lookup first needs it
 * (several hosts share nothing but the database).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "collector.h"
#include "debuginfod.h"
#include "io.h"
#include "text.h"
#include "watchdog.h"

#define SYMBOLIZE_BATCH 64 /* reports named by one child at most */
/* DATA/symbols/<project directory>/<build id>.<kind> */
#define DIR_MAX	 WER_COLLECTOR_DIR_MAX
#define FILE_MAX WER_COLLECTOR_FILE_MAX

static int valid_build_id(const char *s)
{
	size_t n = strlen(s);

	if (n < 2 || n > 64 || n % 2)
		return 0;
	return strspn(s, "0123456789abcdef") == n;
}

/* Breakpad .sym: "FUNC [m] addr size param_size name" and
 * "PUBLIC [m] addr param_size name", addresses relative to the module. */
static int symbolize_sym(const char *path, uint64_t offset, char *out,
			 size_t size)
{
	FILE *f = fopen(path, "re");
	char line[4096], best[1024] = "";
	uint64_t best_addr = 0;
	int found_func = 0;

	if (!f)
		return -ENOENT;
	while (fgets(line, sizeof(line), f)) {
		char *s = line, *end;
		uint64_t addr, len = 0;
		int is_func = !strncmp(s, "FUNC ", 5);

		if (!is_func && strncmp(s, "PUBLIC ", 7))
			continue;
		s += is_func ? 5 : 7;
		if (!strncmp(s, "m ", 2))
			s += 2;
		addr = strtoull(s, &end, 16);
		if (end == s)
			continue;
		s = end;
		if (is_func) {
			len = strtoull(s, &end, 16);
			s = end;
		}
		strtoull(s, &end, 16); /* parameter size */
		s = end;
		while (*s == ' ')
			s++;
		s[strcspn(s, "\r\n")] = '\0';
		if (is_func && offset >= addr && offset - addr < len) {
			snprintf(best, sizeof(best), "%s", s);
			best_addr = addr;
			found_func = 1;
			break;
		}
		if (!is_func && !found_func && addr <= offset &&
		    (!best[0] || addr > best_addr)) {
			snprintf(best, sizeof(best), "%s", s);
			best_addr = addr;
		}
	}
	fclose(f);
	if (!best[0])
		return -ENOENT;
	snprintf(out, size, "%s+0x%" PRIx64, best, offset - best_addr);
	for (char *p = out; *p; p++) /* stored as a tab-separated field */
		if ((unsigned char)*p < 0x20)
			*p = '?';
	return 0;
}

/* Breakpad names an ELF module by a debug id: the first 16 bytes of its
 * build id as a GUID (first three fields byte-swapped), uppercase hex,
 * then an age. From a .sym file's "MODULE os arch ID name" line, the
 * build id's first 16 bytes as 32 lowercase hex digits. 0 or -EINVAL. */
static int sym_build_id_prefix(const uint8_t *data, size_t size, char *out)
{
	static const int order[16] = {3, 2, 1,	0,  5,	4,  7,	6,
				      8, 9, 10, 11, 12, 13, 14, 15};
	char line[512], os[32], arch[32], id[65];
	size_t n = 0;

	while (n < size && n + 1 < sizeof(line) && data[n] != '\n')
		line[n] = (char)data[n], n++;
	line[n] = '\0';
	if (sscanf(line, "MODULE %31s %31s %64s", os, arch, id) != 3 ||
	    strlen(id) < 32 || strspn(id, "0123456789abcdefABCDEF") < 32)
		return -EINVAL;
	for (int i = 0; i < 16; i++) {
		const char *hex = id + 2 * order[i];

		out[2 * i] = (char)(hex[0] >= 'A' && hex[0] <= 'F' ? hex[0] + 32
								   : hex[0]);
		out[2 * i + 1] =
		    (char)(hex[1] >= 'A' && hex[1] <= 'F' ? hex[1] + 32
							  : hex[1]);
	}
	out[32] = '\0';
	return 0;
}

/* DATA/symbols/<project's directory>, or DATA/symbols for the files
 * uploaded before projects were tenants (project NULL). */
static void symbols_dir(const struct wer_collector *c, const char *project,
			char out[DIR_MAX])
{
	char dir[2 * WER_COLLECTOR_PROJECT_MAX + 2];

	if (!project) {
		snprintf(out, DIR_MAX, "%s/symbols", c->data_dir);
		return;
	}
	wer__project_dir(project, dir, sizeof(dir));
	snprintf(out, DIR_MAX, "%s/symbols/%s", c->data_dir, dir);
}

#define DB_CACHE 256 /* lookups of --blobs database remembered */

/* A lookup in the symbols table, remembered WER_COLLECTOR_KEY_TTL
 * seconds (one query less per frame; a removal is seen that late). */
struct db_lookup {
	char project[WER_COLLECTOR_PROJECT_MAX], build_id[65];
	char path[FILE_MAX];
	int found, is_elf;
	double expires;
};
static struct db_lookup db_cache[DB_CACHE];
static unsigned db_cache_next;
static pthread_mutex_t db_cache_lock = PTHREAD_MUTEX_INITIALIZER;

static int write_file(const char *path, const uint8_t *data, size_t size);

/* A temporary file's name part: random, or (getrandom failing) a counter
 * of this process's, which the pid beside it makes unique all the same. */
static unsigned long long tmp_nonce(void)
{
	static unsigned long long counter;
	unsigned long long rnd;

	if (getrandom(&rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		rnd = __atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED);
	return rnd;
}

/* This host's copy of a database reference's bytes at path (written
 * through DATA/tmp when missing). 0 or a negative errno. */
static int local_copy(const struct wer_collector *c, const char *ref,
		      const char *path)
{
	char dir[FILE_MAX], tmp[PATH_MAX + 64], *slash;
	unsigned long long rnd;
	uint8_t *data;
	size_t size;
	int r;

	if (access(path, R_OK) == 0)
		return 0;
	r = wer__blob_read(c, ref, &data, &size);
	if (r < 0)
		return r;
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		free(data);
		return -errno;
	}
	rnd = tmp_nonce();
	snprintf(tmp, sizeof(tmp), "%s/tmp/symbols.%d.%llx", c->data_dir,
		 getpid(), rnd);
	r = write_file(tmp, data, size);
	free(data);
	if (r < 0)
		return r;
	/* Another thread may have written it meanwhile: the same bytes. */
	r = rename(tmp, path) < 0 ? -errno : 0;
	unlink(tmp);
	return r;
}

/* 0 for the project's own row of the whole build id, 1 its prefix's, 2
 * and 3 the same among every project's. */
static int row_rank(const struct wer_db_rows *rows, size_t i,
		    const char *build_id)
{
	int shared = *wer__db_cell(rows, i, "project") == '\0';
	int prefix = strcmp(wer__db_cell(rows, i, "build_id"), build_id) != 0;

	return shared * 2 + prefix;
}

/* find_symbols with --blobs database: the symbols table's row for
 * build_id (project's, else every project's; the whole id, else its
 * first 16 bytes), read from this host's copy. */
static int db_symbols(const struct wer_collector *c, const char *project,
		      const char *build_id, char path[FILE_MAX], int *is_elf)
{
	struct wer_db_rows rows = {0};
	char prefix[33];
	const char *p[3] = {project, build_id, prefix};
	double now = wer__monotonic();
	size_t best = SIZE_MAX;
	int r = -ENOENT;

	pthread_mutex_lock(&db_cache_lock);
	for (size_t i = 0; i < DB_CACHE; i++) {
		struct db_lookup *e = &db_cache[i];

		if (e->expires > now && !strcmp(e->project, project) &&
		    !strcmp(e->build_id, build_id)) {
			snprintf(path, FILE_MAX, "%s", e->path);
			*is_elf = e->is_elf;
			r = e->found ? 0 : -ENOENT;
			pthread_mutex_unlock(&db_cache_lock);
			return r;
		}
	}
	pthread_mutex_unlock(&db_cache_lock);
	snprintf(prefix, sizeof(prefix), "%.32s", build_id);
	if (wer__db_query(c->db,
			  "SELECT project, build_id, kind, path FROM symbols "
			  "WHERE (project = $1 OR project = '') AND (build_id "
			  "= $2 OR build_id = $3)",
			  3, p, &rows) < 0)
		return -ENOENT; /* not remembered: asked again next time */
	/* The project's own first, the whole id before its prefix. */
	for (size_t i = 0; i < rows.rows; i++)
		if (best == SIZE_MAX || row_rank(&rows, i, build_id) <
					    row_rank(&rows, best, build_id))
			best = i;
	if (best != SIZE_MAX) {
		const char *ref = wer__db_cell(&rows, best, "path");
		const char *owner = wer__db_cell(&rows, best, "project");
		char dir[DIR_MAX];

		symbols_dir(c, *owner ? owner : NULL, dir);
		snprintf(path, FILE_MAX, "%s/%s.%s", dir,
			 wer__db_cell(&rows, best, "build_id"),
			 wer__db_cell(&rows, best, "kind"));
		*is_elf = !strcmp(wer__db_cell(&rows, best, "kind"), "elf");
		if (!wer__blob_in_db(ref)) /* a files collector's upload */
			snprintf(path, FILE_MAX, "%s", ref);
		r = wer__blob_in_db(ref)      ? local_copy(c, ref, path)
		    : access(path, R_OK) == 0 ? 0
					      : -ENOENT;
		if (r < 0 && r != -ENOENT)
			fprintf(stderr,
				"wer-collector: symbols %s of project %s: "
				"%s\n",
				build_id, project, strerror(-r));
	}
	wer__db_rows_free(&rows);
	pthread_mutex_lock(&db_cache_lock);
	{
		struct db_lookup *e = &db_cache[db_cache_next++ % DB_CACHE];

		snprintf(e->project, sizeof(e->project), "%s", project);
		snprintf(e->build_id, sizeof(e->build_id), "%s", build_id);
		snprintf(e->path, sizeof(e->path), "%s", r == 0 ? path : "");
		e->found = r == 0;
		e->is_elf = *is_elf;
		e->expires = now + WER_COLLECTOR_KEY_TTL;
	}
	pthread_mutex_unlock(&db_cache_lock);
	return r < 0 ? -ENOENT : 0;
}

/* The symbol file for build_id in project's directory, else in the
 * shared one of older uploads: .elf, .sym, or a .sym filed under the
 * build id's first 16 bytes (a MODULE line's id). 0 (*is_elf), or
 * -ENOENT. */
static int find_symbols(const struct wer_collector *c, const char *project,
			const char *build_id, char path[FILE_MAX], int *is_elf)
{
	static const char *const kinds[] = {"elf", "sym"};
	char dir[DIR_MAX];

	if (!valid_build_id(build_id))
		return -ENOENT;
	*is_elf = 0;
	if (c->blobs_in_db)
		return db_symbols(c, project, build_id, path, is_elf);
	for (int where = 0; where < 2; where++) {
		symbols_dir(c, where ? NULL : project, dir);
		for (int k = 0; k < 3; k++) {
			snprintf(path, FILE_MAX, "%s/%.*s.%s", dir,
				 k == 2 ? 32 : 64, build_id, kinds[k ? 1 : 0]);
			if ((k < 2 || strlen(build_id) > 32) &&
			    access(path, R_OK) == 0) {
				*is_elf = k == 0;
				return 0;
			}
		}
	}
	return -ENOENT;
}

/* The debug file a debuginfod server has for build_id (--debuginfod),
 * downloaded into DATA/debuginfod: read like an uploaded ELF file, in
 * the budgeted child. 0, or -ENOENT. */
static int debuginfod_symbols(const struct wer_collector *c,
			      const char *build_id, char path[FILE_MAX],
			      int *is_elf)
{
	unsigned char bits[32];
	size_t n = strlen(build_id) / 2;

	if (!c->debuginfod || !n || n > sizeof(bits))
		return -ENOENT;
	for (size_t i = 0; i < n; i++) {
		unsigned v;

		if (sscanf(build_id + 2 * i, "%2x", &v) != 1)
			return -ENOENT;
		bits[i] = (unsigned char)v;
	}
	if (wer__debuginfod_find(bits, n, path, FILE_MAX) < 0)
		return -ENOENT;
	*is_elf = 1;
	return 0;
}

int wer__symbols_find(const struct wer_collector *c, const char *project,
		      const char *build_id, char path[FILE_MAX], int *is_elf)
{
	if (find_symbols(c, project, build_id, path, is_elf) == 0 ||
	    debuginfod_symbols(c, build_id, path, is_elf) == 0)
		return 0;
	return -ENOENT;
}

void wer__symbolize_frames(struct wer_collector *c, const char *project,
			   struct wer_processed *const *ps, size_t n)
{
	struct wer_elf_query *q;
	struct wer_stored_frame **owner;
	size_t nq = 0, max = 1;
	char path[FILE_MAX], why[256];

	for (size_t r = 0; r < n; r++) {
		max += ps[r]->frame_count;
		for (size_t i = 0; i < ps[r]->frame_count; i++)
			ps[r]->frames[i].function[0] = '\0';
	}
	q = calloc(max, sizeof(*q));
	owner = calloc(max, sizeof(*owner));
	for (size_t r = 0; q && owner && r < n; r++) {
		struct wer_processed *p = ps[r];
		size_t concrete = 0; /* the first frame not inlined */

		while (concrete < p->frame_count && p->frames[concrete].inlined)
			concrete++;
		for (size_t i = 0; i < p->frame_count; i++) {
			struct wer_stored_frame *f = &p->frames[i];
			int is_elf;

			/* An inlined call keeps the client's name: a symbol
			 * table names the function it is inlined into. */
			if (f->inlined || !f->build_id[0] ||
			    wer__symbols_find(c, project, f->build_id, path,
					      &is_elf) < 0)
				continue;
			if (!is_elf) {
				symbolize_sym(path, f->offset, f->function,
					      sizeof(f->function));
				continue;
			}
			/* ELF files are read by one child, all at once. */
			if (!(q[nq].path = strdup(path)))
				continue;
			q[nq].offset = f->offset;
			q[nq].is_return = i > concrete;
			owner[nq++] = f;
		}
	}
	if (nq && wer__elf_symbolize(c, q, nq, why, sizeof(why)) < 0)
		fprintf(stderr,
			"wer-collector: symbols of project %s: %s (those "
			"frames stay unnamed)\n",
			project, why);
	for (size_t i = 0; i < nq; i++) {
		if (q[i].result[0])
			snprintf(owner[i]->function, sizeof(owner[i]->function),
				 "%s", q[i].result);
		free((char *)q[i].path);
	}
	free(owner);
	free(q);
}

static int write_file(const char *path, const uint8_t *data, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	int err;

	if (fd < 0)
		return -errno;
	err = wer_write_all(fd, data, size);
	if (err < 0) {
		close(fd);
		unlink(path);
		return err;
	}
	if (fsync(fd) < 0 || close(fd) < 0) {
		unlink(path);
		return -EIO;
	}
	return 0;
}

/* 1 when the file at path holds exactly data[0..size), 0 when not, or a
 * negative errno. */
static int same_file(const char *path, const uint8_t *data, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	uint8_t buf[64 * 1024];
	size_t at = 0;
	struct stat st;
	int r = 1;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || (uint64_t)st.st_size != size)
		r = 0;
	while (r == 1 && at < size) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n <= 0 || (size_t)n > size - at ||
		    memcmp(buf, data + at, (size_t)n))
			r = n < 0 ? -errno : 0;
		else
			at += (size_t)n;
	}
	close(fd);
	return r;
}

/* Moves one report (row i of rows: id, project, bucket_id, received)
 * to the bucket of p, recounting both. 0 or a negative errno. */
static int rebucket(struct wer_collector *c, const struct wer_db_rows *rows,
		    size_t i, const struct wer_processed *p)
{
	struct wer_buf frames;
	struct wer_db_rows b = {0};
	const char *received = wer__db_cell(rows, i, "received");
	const char *old_bucket = wer__db_cell(rows, i, "bucket_id");
	int r;

	wer_buf_init(&frames, 64 * 1024);
	wer__frames_format(p, &frames);
	{
		const char *bp[11] = {wer__db_cell(rows, i, "project"),
				      p->signature,
				      p->app,
				      p->version,
				      p->module,
				      p->module_offset,
				      p->stack_hash,
				      frames.data ? frames.data : "",
				      received,
				      received,
				      p->title};
		const char *up[3] = {NULL, frames.data ? frames.data : "",
				     wer__db_cell(rows, i, "id")};
		const char *cp[1] = {old_bucket};

		r = wer__db_begin(c->db);
		if (r < 0)
			goto out;
		r = wer__db_exec(
		    c->db,
		    "INSERT INTO buckets (project, signature, app, version, "
		    "module, module_offset, stack_hash, frames, count, "
		    "first_seen, last_seen, title, first_version, "
		    "last_version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
		    "0, $9, $10, $11, $4, $4) ON CONFLICT (project, "
		    "signature) DO UPDATE SET first_seen = CASE WHEN "
		    "buckets.first_seen < excluded.first_seen THEN "
		    "buckets.first_seen ELSE excluded.first_seen END, title "
		    "= excluded.title RETURNING id",
		    11, bp, &b);
		if (r >= 0 && b.rows != 1)
			r = -EIO;
		if (r >= 0) {
			up[0] = wer__db_cell(&b, 0, "id");
			if (strcmp(old_bucket, up[0]))
				r = wer__bucket_meta_count(
				    c->db, up[2], old_bucket, NULL, -1);
		}
		if (r >= 0)
			r = wer__db_exec(c->db,
					 "UPDATE reports SET bucket_id = $1, "
					 "frames = $2 WHERE id = $3",
					 3, up, NULL);
		if (r >= 0 && strcmp(old_bucket, up[0]))
			r = wer__bucket_meta_count(c->db, up[2], up[0], NULL,
						   1);
		if (r >= 0 && strcmp(old_bucket, up[0]))
			r = wer__bucket_day_count(c->db, old_bucket, received,
						  -1);
		if (r >= 0 && strcmp(old_bucket, up[0]))
			r = wer__bucket_day_count(c->db, up[0], received, 1);
		/* Recount both buckets from their reports; the one left
		 * empty goes. */
		if (r >= 0)
			r = wer__bucket_recount(c->db, old_bucket);
		if (r >= 0)
			r = wer__bucket_recount(c->db, up[0]);
		if (r >= 0 && strcmp(old_bucket, up[0]))
			r = wer__db_exec(
			    c->db,
			    "DELETE FROM buckets WHERE id = $1 AND "
			    "count = 0",
			    1, cp, NULL);
		if (r < 0)
			wer__db_rollback(c->db);
		else
			r = wer__db_commit(c->db);
	}
out:
	wer__db_rows_free(&b);
	wer_buf_free(&frames);
	return r;
}

static pthread_mutex_t reprocess_lock = PTHREAD_MUTEX_INITIALIZER;
static int reprocess_stop;

/* The collector is stopping: a job ends after its batch (and is taken
 * again at the next start). */
static int stopping(void)
{
	int stop;

	pthread_mutex_lock(&reprocess_lock);
	stop = reprocess_stop;
	pthread_mutex_unlock(&reprocess_lock);
	return stop;
}

/* Processes again every report of project (NULL: of every project) with
 * a frame in build_id: names its frames, reassigns its bucket, recounts
 * the buckets it left. Returns how many reports were processed, or a
 * negative errno. */
static long reprocess(struct wer_collector *c, const char *project,
		      const char *build_id, const char *job)
{
	struct wer_db_rows rows = {0};
	char pattern[80];
	const char *p[2] = {pattern, project};
	struct wer_processed *ps[SYMBOLIZE_BATCH];
	long done = 0;
	int r;

	/* A frame line is "module \t build id \t ..."; a .sym's id may be
	 * the build id's first 16 bytes. */
	snprintf(pattern, sizeof(pattern), "%%\t%s%%\t%%", build_id);
	r = wer__db_query(c->db,
			  project ? "SELECT id, project, bucket_id, received, "
				    "app, version, module, module_offset, "
				    "signal, reason, frames, dump_path FROM "
				    "reports WHERE frames LIKE $1 AND project "
				    "= $2 ORDER BY project"
				  : "SELECT id, project, bucket_id, received, "
				    "app, version, module, module_offset, "
				    "signal, reason, frames, dump_path FROM "
				    "reports WHERE frames LIKE $1 ORDER BY "
				    "project",
			  project ? 2 : 1, p, &rows);
	if (r < 0)
		return r;
	if (job) {
		char total[24];
		const char *jp[2] = {total, job};

		snprintf(total, sizeof(total), "%zu", rows.rows);
		wer__db_query(
		    c->db, "UPDATE reprocess_jobs SET total = $1 WHERE id = $2",
		    2, jp, NULL);
	}
	for (size_t first = 0; first < rows.rows;) {
		const char *proj = wer__db_cell(&rows, first, "project");
		size_t n = 0;

		/* A batch: reports of one project, named by one child. */
		while (
		    first + n < rows.rows && n < SYMBOLIZE_BATCH &&
		    !strcmp(wer__db_cell(&rows, first + n, "project"), proj) &&
		    (ps[n] = calloc(1, sizeof(*ps[n])))) {
			struct wer_processed *w = ps[n];
			size_t i = first + n;

			snprintf(w->app, sizeof(w->app), "%s",
				 wer__db_cell(&rows, i, "app"));
			snprintf(w->version, sizeof(w->version), "%s",
				 wer__db_cell(&rows, i, "version"));
			snprintf(w->module, sizeof(w->module), "%s",
				 wer__db_cell(&rows, i, "module"));
			snprintf(w->module_offset, sizeof(w->module_offset),
				 "%s", wer__db_cell(&rows, i, "module_offset"));
			snprintf(w->reason, sizeof(w->reason), "%s",
				 wer__db_cell(&rows, i, "reason"));
			w->signal =
			    strtol(wer__db_cell(&rows, i, "signal"), NULL, 10);
			wer__frames_parse(wer__db_cell(&rows, i, "frames"), w);
			/* Frames the collector found (scanned, or walked with
			 * fewer files): walked again, now with this one. */
			if (w->frame_count &&
			    (w->frames[w->frame_count - 1].scanned ||
			     w->frames[0].walked))
				wer__walk_stored(
				    c, proj,
				    wer__db_cell(&rows, i, "dump_path"), w);
			n++;
		}
		if (!n)
			break; /* out of memory */
		wer__symbolize_frames(c, proj, ps, n);
		for (size_t k = 0; k < n; k++) {
			wer__process_signature(&c->skip, ps[k]);
			if (rebucket(c, &rows, first + k, ps[k]) == 0)
				done++;
			free(ps[k]);
		}
		first += n;
		if (job && stopping()) {
			done = -EINTR;
			break;
		}
		if (job) { /* progress, for GET /api/symbols/jobs */
			char count[24];
			const char *jp[2] = {count, job};

			snprintf(count, sizeof(count), "%ld", done);
			wer__db_query(c->db,
				      "UPDATE reprocess_jobs SET done = $1 "
				      "WHERE id = $2",
				      2, jp, NULL);
		}
	}
	wer__db_rows_free(&rows);
	return done;
}

/* With --blobs database, the row project already has for build_id: 0
 * none, 1 one with these bytes (this host's copy is made), -EEXIST one
 * with others, -EIO the database did not answer. */
static int db_existing(struct wer_collector *c, const char *project,
		       const char *build_id, const uint8_t *data, size_t size)
{
	struct wer_db_rows rows = {0};
	const char *p[2] = {project, build_id};
	uint8_t *have = NULL;
	size_t have_size = 0;
	int r;

	if (wer__db_query(c->db,
			  "SELECT kind, path FROM symbols WHERE project = $1 "
			  "AND build_id = $2",
			  2, p, &rows) < 0)
		return -EIO;
	if (rows.rows != 1) {
		wer__db_rows_free(&rows);
		return 0;
	}
	r = wer__blob_read(c, wer__db_cell(&rows, 0, "path"), &have,
			   &have_size);
	if (r == 0)
		r = have_size == size && !memcmp(have, data, size) ? 1
								   : -EEXIST;
	else if (r == -ENOENT) /* a files collector's: its file decides */
		r = same_file(wer__db_cell(&rows, 0, "path"), data, size) == 1
			? 1
			: -EEXIST;
	else
		r = -EIO;
	free(have);
	wer__db_rows_free(&rows);
	return r;
}

int wer__symbols_upload(struct wer_collector *c, const char *project,
			const char *build_id_arg, const uint8_t *data,
			size_t size, struct wer_reply *reply)
{
	char dir[DIR_MAX], tmp[PATH_MAX + 64], final[FILE_MAX];
	char other[FILE_MAX], build_id[65] = "", why[256];
	int is_elf = size >= 4 && !memcmp(data, "\177ELF", 4);
	const char *kind = is_elf ? "elf" : "sym";
	unsigned long long rnd;
	int r, unchanged = 0;
	char now[24];
	long n;

	if (!is_elf && (size < 7 || memcmp(data, "MODULE ", 7))) {
		wer__reply_error(reply, 400,
				 "a symbol file is an ELF file or a Breakpad "
				 ".sym file (starting with MODULE)");
		return 0;
	}
	if (build_id_arg && *build_id_arg) {
		size_t i;

		for (i = 0; build_id_arg[i] && i < 64; i++)
			build_id[i] = (char)(build_id_arg[i] >= 'A' &&
						     build_id_arg[i] <= 'F'
						 ? build_id_arg[i] + 32
						 : build_id_arg[i]);
		build_id[i] = '\0';
		if (!valid_build_id(build_id) || build_id_arg[i]) {
			wer__reply_error(reply, 400,
					 "build_id: hexadecimal, 2 to 64 "
					 "digits");
			return 0;
		}
	} else if (!is_elf && sym_build_id_prefix(data, size, build_id) < 0) {
		wer__reply_error(reply, 400,
				 "a .sym file needs a MODULE line with a debug "
				 "id, or ?build_id= (the ELF build id, hex)");
		return 0;
	}
	rnd = tmp_nonce();
	snprintf(tmp, sizeof(tmp), "%s/tmp/symbols.%d.%llx", c->data_dir,
		 getpid(), rnd);
	r = write_file(tmp, data, size);
	if (r < 0) {
		wer__reply_error(reply, 503, "cannot store the symbols: %s",
				 strerror(-r));
		return 0;
	}
	if (is_elf) {
		char found[65];

		r = wer__elf_check(c, tmp, found, sizeof(found), why,
				   sizeof(why));
		if (r < 0) {
			unlink(tmp);
			if (r == -ENOENT)
				wer__reply_error(reply, 400,
						 "the ELF file has no build id "
						 "(or is not a readable ELF "
						 "file): %s",
						 why);
			else if (r == -EAGAIN)
				wer__reply_error(reply, 503,
						 "the ELF file cannot be read "
						 "now: %s",
						 why);
			else
				wer__reply_error(reply, 422,
						 "the ELF file cannot be read "
						 "within the collector's "
						 "budget: %s",
						 why);
			return 0;
		}
		if (build_id[0] && strcmp(build_id, found)) {
			unlink(tmp);
			wer__reply_error(reply, 400,
					 "build_id %s does not match the ELF "
					 "file's %s",
					 build_id, found);
			return 0;
		}
		snprintf(build_id, sizeof(build_id), "%s", found);
	}
	symbols_dir(c, project, dir);
	snprintf(final, sizeof(final), "%s/%s.%s", dir, build_id, kind);
	snprintf(other, sizeof(other), "%s/%s.%s", dir, build_id,
		 is_elf ? "sym" : "elf");
	if (c->blobs_in_db) {
		/* The database's row decides; a copy here without one is
		 * stale (removed through another host). */
		r = db_existing(c, project, build_id, data, size);
		if (r == 0) {
			unlink(final);
			unlink(other);
		} else if (r == 1) {
			unchanged = 1;
		} else {
			unlink(tmp);
			if (r == -EEXIST)
				wer__reply_error(
				    reply, 409,
				    "project %s already has symbols for build "
				    "id %s; they are not replaced (remove "
				    "them first: wer-collector symbols remove "
				    "%s %s)",
				    project, build_id, project, build_id);
			else
				wer__reply_error(reply, 503,
						 "the database cannot be read "
						 "now");
			return 0;
		}
	}
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		r = -errno;
		unlink(tmp);
		wer__reply_error(reply, 503, "cannot store the symbols: %s",
				 strerror(-r));
		return 0;
	}
	/* Never replaced: link fails when the name exists, whoever races. */
	r = access(other, F_OK) == 0 ? -EEXIST
	    : link(tmp, final) < 0   ? -errno
				     : 0;
	if (r == -EEXIST && same_file(final, data, size) == 1)
		unchanged = 1, r = 0;
	unlink(tmp);
	if (r == -EEXIST) {
		wer__reply_error(reply, 409,
				 "project %s already has symbols for build id "
				 "%s; they are not replaced (remove them "
				 "first: wer-collector symbols remove %s %s)",
				 project, build_id, project, build_id);
		return 0;
	}
	if (r < 0) {
		wer__reply_error(reply, 503, "cannot store the symbols: %s",
				 strerror(-r));
		return 0;
	}
	(void)wer_fsync_dir(dir);
	snprintf(now, sizeof(now), "%ld", (long)time(NULL));
	if (c->blobs_in_db && !unchanged) {
		/* The bytes and the row, together. */
		char key[FILE_MAX], ref[FILE_MAX];
		const char *p[5] = {project, build_id, kind, ref, now};

		snprintf(key, sizeof(key), "symbol/%s/%s.%s", project, build_id,
			 kind);
		r = wer__db_begin(c->db);
		if (r >= 0) {
			r = wer__blob_insert(c->db, key, data, size, ref,
					     sizeof(ref));
			if (r >= 0)
				r = wer__db_exec(
				    c->db,
				    "INSERT INTO symbols (project, build_id, "
				    "kind, path, uploaded) VALUES ($1, $2, $3, "
				    "$4, $5)",
				    5, p, NULL);
			if (r < 0)
				wer__db_rollback(c->db);
			else
				r = wer__db_commit(c->db);
		}
		if (r < 0) {
			unlink(final);
			wer__reply_error(reply, 503,
					 "cannot store the symbols: %s",
					 wer__db_error(c->db));
			return 0;
		}
	} else if (!c->blobs_in_db) {
		const char *p[5] = {project, build_id, kind, final, now};

		wer__db_query(c->db,
			      "INSERT INTO symbols (project, build_id, kind, "
			      "path, uploaded) VALUES ($1, $2, $3, $4, $5) ON "
			      "CONFLICT (project, build_id) DO NOTHING",
			      5, p, NULL);
	}
	/* The reports it names are processed again in the background: the
	 * upload is answered now, with the job that does it. */
	n = 0;
	if (!unchanged) {
		struct wer_db_rows job = {0};
		const char *p[3] = {project, build_id, now};

		if (wer__db_query(c->db,
				  "INSERT INTO reprocess_jobs (project, "
				  "build_id, queued) VALUES ($1, $2, $3) "
				  "RETURNING id",
				  3, p, &job) == 0 &&
		    job.rows == 1)
			n = wer__db_number(&job, 0, "id");
		wer__db_rows_free(&job);
		wer__reprocess_wake();
	}
	reply->status = 200;
	reply->content_type = "application/json";
	wer_buf_str(&reply->body, "{\"project\":");
	wer_json_add_string(&reply->body, project);
	wer_buf_printf(&reply->body,
		       ",\"build_id\":\"%s\",\"kind\":\"%s\","
		       "\"unchanged\":%s",
		       build_id, kind, unchanged ? "true" : "false");
	if (n > 0)
		wer_buf_printf(&reply->body, ",\"reprocess_job\":%ld", n);
	wer_buf_str(&reply->body, "}\n");
	return 0;
}

/* ---- reprocessing in the background: one thread per collector takes
 * queued jobs (the oldest first; collectors on one PostgreSQL each claim
 * their own with the update's condition) and runs them. */
static pthread_cond_t reprocess_cond = PTHREAD_COND_INITIALIZER;
static int reprocess_kicked, reprocess_running;

#define JOB_STALE 600 /* seconds after which a started job is taken again */
static pthread_t reprocess_thread;

#define RETENTION_PERIOD 600  /* seconds between applications of retention */
static int retention_due = 1; /* at start too */
static time_t retention_last;

void wer__retention_kick(void)
{
	pthread_mutex_lock(&reprocess_lock);
	retention_due = 1;
	reprocess_kicked = 1;
	pthread_cond_signal(&reprocess_cond);
	pthread_mutex_unlock(&reprocess_lock);
}

void wer__reprocess_wake(void)
{
	pthread_mutex_lock(&reprocess_lock);
	reprocess_kicked = 1;
	pthread_cond_signal(&reprocess_cond);
	pthread_mutex_unlock(&reprocess_lock);
}

/* Runs one queued job: 1, or 0 when there was none. */
static int run_one_job(struct wer_collector *c)
{
	struct wer_db_rows job = {0};
	char now[24], stale[24];
	const char *p[2] = {now, stale};
	long n;

	/* A job started over JOB_STALE seconds ago and not finished belongs
	 * to a collector that died: taken again. */
	snprintf(now, sizeof(now), "%ld", (long)time(NULL));
	snprintf(stale, sizeof(stale), "%ld", (long)time(NULL) - JOB_STALE);
	if (wer__db_query(c->db,
			  "UPDATE reprocess_jobs SET started = $1 WHERE id = "
			  "(SELECT min(id) FROM reprocess_jobs WHERE finished "
			  "= 0 AND (started = 0 OR started < $2)) AND finished "
			  "= 0 AND (started = 0 OR started < $2) RETURNING id, "
			  "project, build_id",
			  2, p, &job) < 0 ||
	    job.rows != 1) {
		wer__db_rows_free(&job);
		return 0;
	}
	n = reprocess(c, wer__db_cell(&job, 0, "project"),
		      wer__db_cell(&job, 0, "build_id"),
		      wer__db_cell(&job, 0, "id"));
	if (n == -EINTR) { /* stopping: another collector may take it */
		p[0] = wer__db_cell(&job, 0, "id");
		wer__db_query(
		    c->db,
		    "UPDATE reprocess_jobs SET started = 0 WHERE id = "
		    "$1",
		    1, p, NULL);
		wer__db_rows_free(&job);
		return 0;
	}
	if (n < 0)
		fprintf(stderr,
			"wer-collector: reprocessing for symbols %s of %s: "
			"%s\n",
			wer__db_cell(&job, 0, "build_id"),
			wer__db_cell(&job, 0, "project"), strerror((int)-n));
	snprintf(now, sizeof(now), "%ld", (long)time(NULL));
	p[1] = wer__db_cell(&job, 0, "id");
	wer__db_query(c->db,
		      "UPDATE reprocess_jobs SET finished = $1 WHERE id = $2",
		      2, p, NULL);
	wer__db_rows_free(&job);
	return 1;
}

static void *reprocess_main(void *arg)
{
	struct wer_collector *c = arg;

	pthread_mutex_lock(&reprocess_lock);
	while (!reprocess_stop) {
		struct timespec until;

		reprocess_kicked = 0;
		pthread_mutex_unlock(&reprocess_lock);
		while (run_one_job(c)) {
			pthread_mutex_lock(&reprocess_lock);
			if (reprocess_stop) {
				pthread_mutex_unlock(&reprocess_lock);
				return NULL;
			}
			pthread_mutex_unlock(&reprocess_lock);
		}
		pthread_mutex_lock(&reprocess_lock);
		/* The thread also applies the projects' retention policies
		 * (retention.c), every RETENTION_PERIOD and when asked. */
		if (!reprocess_stop &&
		    (retention_due ||
		     time(NULL) - retention_last >= RETENTION_PERIOD)) {
			retention_due = 0;
			retention_last = time(NULL);
			pthread_mutex_unlock(&reprocess_lock);
			wer__retention_apply(c, NULL);
			pthread_mutex_lock(&reprocess_lock);
		}
		/* Jobs another collector queued come within 5 s. */
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 5;
		while (!reprocess_stop && !reprocess_kicked &&
		       pthread_cond_timedwait(&reprocess_cond, &reprocess_lock,
					      &until) == 0)
			;
	}
	pthread_mutex_unlock(&reprocess_lock);
	return NULL;
}

int wer__reprocess_start(struct wer_collector *c)
{
	/* Jobs a collector that stopped had started are taken again. */
	wer__db_query(
	    c->db, "UPDATE reprocess_jobs SET started = 0 WHERE finished = 0",
	    0, NULL, NULL);
	if (pthread_create(&reprocess_thread, NULL, reprocess_main, c))
		return -EAGAIN;
	reprocess_running = 1;
	return 0;
}

void wer__reprocess_stop(void)
{
	pthread_mutex_lock(&reprocess_lock);
	reprocess_stop = 1;
	pthread_cond_signal(&reprocess_cond);
	pthread_mutex_unlock(&reprocess_lock);
	if (reprocess_running)
		pthread_join(reprocess_thread, NULL);
}

/* `symbols list [PROJECT]`: project, build id, kind, uploaded ('' is the
 * files of every project, from before version 3). `symbols remove
 * PROJECT BUILD_ID`: the file and the row go, the project's reports
 * with that build id are processed again. */
int wer__symbols_command(struct wer_collector *c, int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";

	if (!strcmp(what, "list") && argc <= 3) {
		struct wer_db_rows rows = {0};
		const char *p[1] = {argc == 3 ? argv[2] : NULL};

		if (wer__db_query(c->db,
				  argc == 3 ? "SELECT project, build_id, kind, "
					      "uploaded FROM symbols WHERE "
					      "project = $1 ORDER BY build_id"
					    : "SELECT project, build_id, kind, "
					      "uploaded FROM symbols ORDER BY "
					      "project, build_id",
				  argc == 3 ? 1 : 0, p, &rows) < 0) {
			fprintf(stderr, "wer-collector: %s\n",
				wer__db_error(c->db));
			return 1;
		}
		for (size_t i = 0; i < rows.rows; i++)
			printf("%s\t%s\t%s\t%s\n",
			       wer__db_cell(&rows, i, "project"),
			       wer__db_cell(&rows, i, "build_id"),
			       wer__db_cell(&rows, i, "kind"),
			       wer__db_cell(&rows, i, "uploaded"));
		wer__db_rows_free(&rows);
		return 0;
	}
	if (!strcmp(what, "remove") && argc == 4 && valid_build_id(argv[3])) {
		const char *project = argv[2][0] ? argv[2] : NULL;
		const char *p[2] = {argv[2], argv[3]};
		char dir[DIR_MAX], path[FILE_MAX];
		int removed = 0;

		symbols_dir(c, project, dir);
		for (int k = 0; k < 2; k++) {
			snprintf(path, sizeof(path), "%s/%s.%s", dir, argv[3],
				 k ? "sym" : "elf");
			removed += unlink(path) == 0;
		}
		{
			struct wer_db_rows gone = {0};
			int r = wer__db_begin(c->db), began = r >= 0;

			/* Bytes kept in the database go with the row. */
			if (r >= 0)
				r = wer__db_exec(
				    c->db,
				    "DELETE FROM blobs WHERE key IN (SELECT "
				    "substr(path, 4) FROM symbols WHERE "
				    "project = $1 AND build_id = $2 AND path "
				    "LIKE 'db:%')",
				    2, p, NULL);
			if (r >= 0)
				r = wer__db_exec(c->db,
						 "DELETE FROM symbols WHERE "
						 "project = $1 AND build_id = "
						 "$2 RETURNING build_id",
						 2, p, &gone);
			if (r >= 0)
				r = wer__db_commit(c->db);
			else if (began)
				wer__db_rollback(c->db);
			if (r < 0) {
				fprintf(stderr, "wer-collector: %s\n",
					wer__db_error(c->db));
				wer__db_rows_free(&gone);
				return 1;
			}
			removed += (int)gone.rows;
			wer__db_rows_free(&gone);
		}
		if (!removed) {
			fprintf(stderr,
				"wer-collector: project '%s' has no symbols "
				"for %s\n",
				argv[2], argv[3]);
			return 1;
		}
		(void)wer_fsync_dir(dir);
		printf("%ld report(s) processed again\n",
		       reprocess(c, project, argv[3], NULL));
		return 0;
	}
	fprintf(stderr, "usage: wer-collector symbols list [PROJECT] | symbols "
			"remove PROJECT BUILD_ID ('' for those of every "
			"project)\n");
	return 2;
}
