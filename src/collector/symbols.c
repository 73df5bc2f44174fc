/* SPDX-License-Identifier: MIT */
/*
 * symbols.c - symbols uploaded by build id (POST /api/symbols), and
 * symbolizing a module offset with them: ELF files through elfutils
 * (libdwfl: symbol tables and DWARF line tables), Breakpad .sym text
 * through its FUNC and PUBLIC records. Uploads are untrusted: ELF parsing
 * is elfutils', a .sym file is read line by line with capped lines.
 *
 * Files: DATA/symbols/<build id>.elf or .sym, written through a temporary
 * file, fsynced, renamed. After an upload, every report with a frame in
 * that build id is processed again (its bucket may change).
 */
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "collector.h"

static int valid_build_id(const char *s)
{
	size_t n = strlen(s);

	if (n < 2 || n > 64 || n % 2)
		return 0;
	return strspn(s, "0123456789abcdef") == n;
}

static int symbolize_elf(const char *path, uint64_t offset, int is_return,
			 char *out, size_t size)
{
	static const Dwfl_Callbacks cb = {
	    .find_elf = dwfl_build_id_find_elf,
	    .find_debuginfo = dwfl_standard_find_debuginfo,
	    .section_address = dwfl_offline_section_address,
	};
	Dwfl *dwfl = dwfl_begin(&cb);
	Dwfl_Module *mod;
	Dwarf_Addr start, addr;
	GElf_Off off = 0;
	GElf_Sym sym;
	const char *name;
	int r = -ENOENT;

	if (!dwfl)
		return -ENOMEM;
	mod = dwfl_report_offline(dwfl, "", path, -1);
	dwfl_report_end(dwfl, NULL, NULL);
	if (mod &&
	    dwfl_module_info(mod, NULL, &start, NULL, NULL, NULL, NULL, NULL)) {
		addr = start + offset;
		name = dwfl_module_addrinfo(mod, addr, &off, &sym, NULL, NULL,
					    NULL);
		if (name) {
			Dwfl_Line *line = dwfl_module_getsrc(
			    mod, is_return && addr > start ? addr - 1 : addr);
			const char *file = NULL;
			int lineno = 0;

			if (line)
				file = dwfl_lineinfo(line, NULL, &lineno, NULL,
						     NULL, NULL);
			if (file)
				snprintf(out, size, "%s+0x%" PRIx64 " %s:%d",
					 name, (uint64_t)off, file, lineno);
			else
				snprintf(out, size, "%s+0x%" PRIx64, name,
					 (uint64_t)off);
			r = 0;
		}
	}
	dwfl_end(dwfl);
	return r;
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

int wer__symbolize(struct wer_collector *c, const char *build_id,
		   uint64_t offset, int is_return, char *out, size_t size)
{
	char path[PATH_MAX + 100];

	if (!valid_build_id(build_id))
		return -ENOENT;
	snprintf(path, sizeof(path), "%s/symbols/%s.elf", c->data_dir,
		 build_id);
	if (access(path, R_OK) == 0)
		return symbolize_elf(path, offset, is_return, out, size);
	snprintf(path, sizeof(path), "%s/symbols/%s.sym", c->data_dir,
		 build_id);
	if (access(path, R_OK) == 0)
		return symbolize_sym(path, offset, out, size);
	/* A .sym uploaded under its MODULE line's id: 16 bytes of it. */
	snprintf(path, sizeof(path), "%s/symbols/%.32s.sym", c->data_dir,
		 build_id);
	if (strlen(build_id) > 32 && access(path, R_OK) == 0)
		return symbolize_sym(path, offset, out, size);
	return -ENOENT;
}

/* The hex build id of an ELF file in memory, from its GNU build-id note,
 * through libdwfl (which checks the ELF). 0 or -ENOENT. */
static int elf_build_id(const char *path, char *out, size_t size)
{
	static const Dwfl_Callbacks cb = {
	    .find_elf = dwfl_build_id_find_elf,
	    .find_debuginfo = dwfl_standard_find_debuginfo,
	    .section_address = dwfl_offline_section_address,
	};
	Dwfl *dwfl = dwfl_begin(&cb);
	Dwfl_Module *mod;
	const unsigned char *bits;
	GElf_Addr vaddr;
	int n, r = -ENOENT;

	if (!dwfl)
		return -ENOMEM;
	mod = dwfl_report_offline(dwfl, "", path, -1);
	dwfl_report_end(dwfl, NULL, NULL);
	if (mod && (n = dwfl_module_build_id(mod, &bits, &vaddr)) > 0 &&
	    (size_t)n * 2 < size && n <= 32) {
		for (int i = 0; i < n; i++)
			snprintf(out + 2 * i, 3, "%02x", bits[i]);
		r = 0;
	}
	dwfl_end(dwfl);
	return r;
}

static int write_file(const char *path, const uint8_t *data, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	size_t done = 0;

	if (fd < 0)
		return -errno;
	while (done < size) {
		ssize_t n = write(fd, data + done, size - done);

		if (n < 0) {
			int e = errno;

			close(fd);
			unlink(path);
			return -e;
		}
		done += (size_t)n;
	}
	if (fsync(fd) < 0 || close(fd) < 0) {
		unlink(path);
		return -EIO;
	}
	return 0;
}

/* A bucket's count and last_seen, recounted from its reports ($1: its
 * id): a report that moved leaves one bucket for another. */
static const char recount_bucket[] =
    "UPDATE buckets SET count = (SELECT count(*) FROM reports WHERE "
    "bucket_id = buckets.id), last_seen = (SELECT coalesce(max(received), "
    "buckets.last_seen) FROM reports WHERE bucket_id = buckets.id) WHERE id "
    "= $1";

/* Processes again every report with a frame in build_id: symbolizes,
 * reassigns its bucket, recounts the buckets it left. Returns how many
 * reports were processed, or a negative errno. */
static long reprocess(struct wer_collector *c, const char *build_id)
{
	struct wer_db_rows rows = {0};
	char pattern[80];
	const char *p1[1] = {pattern};
	long done = 0;
	int r;

	/* A frame line is "module \t build id \t ..."; a .sym's id may be
	 * the build id's first 16 bytes. */
	snprintf(pattern, sizeof(pattern), "%%\t%s%%\t%%", build_id);
	r = wer__db_query(c->db,
			  "SELECT r.id, r.app, r.version, r.module, "
			  "r.module_offset, r.frames, r.bucket_id, r.received "
			  "FROM reports r WHERE r.frames LIKE $1",
			  1, p1, &rows);
	if (r < 0)
		return r;
	for (size_t i = 0; i < rows.rows; i++) {
		struct wer_processed *p = calloc(1, sizeof(*p));
		struct wer_buf frames;
		struct wer_db_rows b = {0};
		const char *received = wer__db_cell(&rows, i, 7);
		const char *old_bucket = wer__db_cell(&rows, i, 6);

		if (!p)
			break;
		snprintf(p->app, sizeof(p->app), "%s",
			 wer__db_cell(&rows, i, 1));
		snprintf(p->version, sizeof(p->version), "%s",
			 wer__db_cell(&rows, i, 2));
		snprintf(p->module, sizeof(p->module), "%s",
			 wer__db_cell(&rows, i, 3));
		snprintf(p->module_offset, sizeof(p->module_offset), "%s",
			 wer__db_cell(&rows, i, 4));
		wer__frames_parse(wer__db_cell(&rows, i, 5), p);
		wer__process_signature(c, p);
		wer__buf_init(&frames, 64 * 1024);
		wer__frames_format(p, &frames);
		{
			const char *bp[9] = {p->signature,
					     p->app,
					     p->version,
					     p->module,
					     p->module_offset,
					     p->stack_hash,
					     frames.data ? frames.data : "",
					     received,
					     received};
			const char *up[3] = {NULL,
					     frames.data ? frames.data : "",
					     wer__db_cell(&rows, i, 0)};
			const char *cp[1] = {old_bucket};

			if (wer__db_begin(c->db) < 0)
				goto next;
			r = wer__db_exec(
			    c->db,
			    "INSERT INTO buckets (signature, app, version, "
			    "module, module_offset, stack_hash, frames, count, "
			    "first_seen, last_seen) VALUES ($1, $2, $3, $4, "
			    "$5, "
			    "$6, $7, 0, $8, $9) ON CONFLICT (signature) DO "
			    "UPDATE SET first_seen = CASE WHEN "
			    "buckets.first_seen < excluded.first_seen THEN "
			    "buckets.first_seen ELSE excluded.first_seen END "
			    "RETURNING id",
			    9, bp, &b);
			if (r < 0 || b.rows != 1) {
				wer__db_rollback(c->db);
				goto next;
			}
			up[0] = wer__db_cell(&b, 0, 0);
			r = wer__db_exec(c->db,
					 "UPDATE reports SET bucket_id = $1, "
					 "frames = $2 WHERE id = $3",
					 3, up, NULL);
			/* Recount both buckets from their reports. */
			if (r >= 0)
				r = wer__db_exec(c->db, recount_bucket, 1, cp,
						 NULL);
			if (r >= 0)
				r = wer__db_exec(c->db, recount_bucket, 1, up,
						 NULL);
			if (r < 0)
				wer__db_rollback(c->db);
			else if (wer__db_commit(c->db) == 0)
				done++;
		}
	next:
		wer__db_rows_free(&b);
		wer__buf_free(&frames);
		free(p);
	}
	wer__db_rows_free(&rows);
	return done;
}

int wer__symbols_upload(struct wer_collector *c, const char *build_id_arg,
			const uint8_t *data, size_t size,
			struct wer_reply *reply)
{
	char dir[PATH_MAX + 16], tmp[PATH_MAX + 64], final[PATH_MAX + 100];
	char build_id[65] = "";
	int is_elf = size >= 4 && !memcmp(data, "\177ELF", 4);
	const char *kind = is_elf ? "elf" : "sym";
	char now[24];
	long n;
	int r;

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
	snprintf(dir, sizeof(dir), "%s/symbols", c->data_dir);
	mkdir(dir, 0755);
	snprintf(tmp, sizeof(tmp), "%s/tmp/symbols.%d.%ld.%lx", c->data_dir,
		 getpid(), (long)time(NULL), (unsigned long)random());
	r = write_file(tmp, data, size);
	if (r < 0) {
		wer__reply_error(reply, 500, "cannot store the symbols: %s",
				 strerror(-r));
		return 0;
	}
	if (is_elf) {
		char found[65];

		if (elf_build_id(tmp, found, sizeof(found)) < 0) {
			unlink(tmp);
			wer__reply_error(reply, 400,
					 "the ELF file has no build id (or is "
					 "not a readable ELF file)");
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
		strcpy(build_id, found);
	}
	snprintf(final, sizeof(final), "%s/%s.%s", dir, build_id, kind);
	if (rename(tmp, final) < 0) {
		r = -errno;
		unlink(tmp);
		wer__reply_error(reply, 500, "cannot store the symbols: %s",
				 strerror(-r));
		return 0;
	}
	snprintf(now, sizeof(now), "%ld", (long)time(NULL));
	{
		const char *p[4] = {build_id, kind, final, now};

		wer__db_query(c->db,
			      "INSERT INTO symbols (build_id, kind, path, "
			      "uploaded) VALUES ($1, $2, $3, $4) ON CONFLICT "
			      "(build_id) DO UPDATE SET kind = excluded.kind, "
			      "path = excluded.path, uploaded = "
			      "excluded.uploaded",
			      4, p, NULL);
	}
	n = reprocess(c, build_id);
	reply->status = 200;
	reply->content_type = "application/json";
	wer__buf_printf(&reply->body,
			"{\"build_id\":\"%s\",\"kind\":\"%s\","
			"\"reprocessed\":%ld}\n",
			build_id, kind, n < 0 ? 0 : n);
	return 0;
}
