/* SPDX-License-Identifier: MIT */
/*
 * blobs.c - where a report's bytes live (its minidump, its attachments;
 * docs/collector.md, "Where bytes live"): files under DATA (the default),
 * or rows of the database's blobs table (--blobs database), so that
 * collectors on several hosts share nothing but PostgreSQL. A row names
 * its bytes by a reference: an absolute path, or "db:KEY".
 *
 * In the database the bytes are kept as hexadecimal text (the interface
 * of db.h passes text; both backends store it, PostgreSQL compresses it):
 * twice the size of a file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collector.h"
#include "io.h"
#include "text.h"

#define DB_PREFIX "db:"

int wer__blob_in_db(const char *ref)
{
	return !strncmp(ref, DB_PREFIX, strlen(DB_PREFIX));
}

int wer__blob_file(struct wer_collector *c, const char *subdir,
		   const char *name, const uint8_t *data, size_t size,
		   char *ret_ref, size_t ref_size)
{
	char tmp[PATH_MAX + 160], dir[PATH_MAX + 160], base[128];
	int fd, r;

	/* DATA/tmp/<name with '/' as '-'> */
	snprintf(base, sizeof(base), "%s", name);
	for (char *s = base; *s; s++)
		if (*s == '/')
			*s = '-';
	snprintf(tmp, sizeof(tmp), "%s/tmp/%s", c->data_dir, base);
	snprintf(dir, sizeof(dir), "%s/%s", c->data_dir, subdir);
	if ((size_t)snprintf(ret_ref, ref_size, "%s/%s", c->data_dir, name) >=
	    ref_size)
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0640);
	if (fd < 0)
		return -errno;
	r = wer_write_all(fd, data, size);
	if (r < 0)
		goto fail;
	if (fsync(fd) < 0) {
		r = -errno;
		goto fail;
	}
	close(fd);
	fd = -1;
	/* subdir: at most two levels below DATA ("dumps/ab",
	 * "attachments/ab/ID"). */
	for (char *s = dir + strlen(c->data_dir) + 1;; s++) {
		if (*s != '/' && *s)
			continue;
		char keep = *s;

		*s = '\0';
		if (mkdir(dir, 0750) < 0 && errno != EEXIST) {
			r = -errno;
			goto fail;
		}
		*s = keep;
		if (!keep)
			break;
	}
	if (rename(tmp, ret_ref) < 0) {
		r = -errno;
		goto fail;
	}
	r = wer_fsync_dir(dir);
	if (r < 0) {
		unlink(ret_ref);
		return r;
	}
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return r;
}

int wer__blob_insert(struct wer_db *db, const char *key, const uint8_t *data,
		     size_t size, char *ret_ref, size_t ref_size)
{
	static const char hex[] = "0123456789abcdef";
	char *text, n[24];
	const char *p[3] = {key, n, NULL};
	int r;

	if ((size_t)snprintf(ret_ref, ref_size, DB_PREFIX "%s", key) >=
	    ref_size)
		return -ENAMETOOLONG;
	text = malloc(2 * size + 1);
	if (!text)
		return -ENOMEM;
	for (size_t i = 0; i < size; i++) {
		text[2 * i] = hex[data[i] >> 4];
		text[2 * i + 1] = hex[data[i] & 15];
	}
	text[2 * size] = '\0';
	snprintf(n, sizeof(n), "%zu", size);
	p[2] = text;
	r = wer__db_exec(db,
			 "INSERT INTO blobs (key, size, data) VALUES ($1, $2, "
			 "$3)",
			 3, p, NULL);
	free(text);
	return r;
}

int wer__blob_read(const struct wer_collector *c, const char *ref,
		   uint8_t **ret, size_t *ret_size)
{
	struct wer_db_rows rows = {0};
	const char *p[1] = {ref + strlen(DB_PREFIX)};
	const char *text;
	uint8_t *bytes;
	size_t len;
	int r = 0;

	*ret = NULL;
	*ret_size = 0;
	if (!wer__blob_in_db(ref))
		return -ENOENT;
	if (wer__db_query(c->db, "SELECT data FROM blobs WHERE key = $1", 1, p,
			  &rows) < 0)
		return -EIO;
	if (rows.rows != 1) {
		wer__db_rows_free(&rows);
		return -ENOENT;
	}
	text = wer__db_cell(&rows, 0, "data");
	len = strlen(text);
	bytes = malloc(len / 2 + 1);
	if (bytes && wer_hex_decode(text, len, bytes, len / 2) != len / 2)
		r = -EBADMSG;
	wer__db_rows_free(&rows);
	if (!bytes)
		return -ENOMEM;
	if (r < 0 || len % 2) {
		free(bytes);
		return -EBADMSG;
	}
	*ret = bytes;
	*ret_size = len / 2;
	return 0;
}

int wer__blob_load(const struct wer_collector *c, const char *ref, size_t max,
		   uint8_t **ret, size_t *ret_size)
{
	struct stat st;
	uint8_t *bytes;
	int fd, r;

	*ret = NULL;
	*ret_size = 0;
	if (wer__blob_in_db(ref)) {
		r = wer__blob_read(c, ref, ret, ret_size);
		if (r == 0 && *ret_size > max) {
			free(*ret);
			*ret = NULL;
			*ret_size = 0;
			r = -EFBIG;
		}
		return r;
	}
	fd = open(ref, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -ENOENT;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -ENOENT;
	}
	if ((uint64_t)st.st_size > max) {
		close(fd);
		return -EFBIG;
	}
	bytes = malloc((size_t)st.st_size + 1);
	if (!bytes) {
		close(fd);
		return -ENOMEM;
	}
	*ret_size = wer_read_fd_capped(fd, (char *)bytes, (size_t)st.st_size);
	close(fd);
	if (*ret_size != (size_t)st.st_size) {
		free(bytes);
		*ret_size = 0;
		return -EIO;
	}
	*ret = bytes;
	return 0;
}

int wer__blob_reply(struct wer_collector *c, const char *ref,
		    struct wer_reply *reply)
{
	uint8_t *bytes;
	size_t size;
	int r;

	if (!wer__blob_in_db(ref)) {
		struct stat st;
		int fd = open(ref, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

		if (fd < 0)
			return -ENOENT;
		if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
			close(fd);
			return -ENOENT;
		}
		reply->fd = fd;
		reply->fd_size = (uint64_t)st.st_size;
		return 0;
	}
	r = wer__blob_read(c, ref, &bytes, &size);
	if (r < 0)
		return r;
	reply->body.len = 0;
	if (wer_buf_add(&reply->body, bytes, size) < 0)
		r = -ENOMEM;
	free(bytes);
	return r;
}

int wer__blob_remove(struct wer_db *db, const char *ref)
{
	const char *p[1] = {ref + strlen(DB_PREFIX)};

	if (!wer__blob_in_db(ref))
		return 0;
	return wer__db_exec(db, "DELETE FROM blobs WHERE key = $1", 1, p, NULL);
}

void wer__blob_unlink(const char *ref)
{
	char dir[PATH_MAX];
	char *slash;

	if (!*ref || wer__blob_in_db(ref))
		return;
	if (unlink(ref) < 0 && errno != ENOENT)
		fprintf(stderr, "wer-collector: removing %s: %s\n", ref,
			strerror(errno));
	/* A report's own directory (attachments/ab/ID) goes once empty. */
	snprintf(dir, sizeof(dir), "%s", ref);
	slash = strrchr(dir, '/');
	if (slash && strstr(dir, "/attachments/")) {
		*slash = '\0';
		rmdir(dir);
	}
}
