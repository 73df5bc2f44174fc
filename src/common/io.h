/* SPDX-License-Identifier: MIT */
/*
 * io.h - reading and writing files the way every program here must: reads
 * capped, writes whole or not at all.
 */
#ifndef WER_IO_H
#define WER_IO_H

#include <stddef.h>

/* Reads fd until EOF, an error, or max bytes (EINTR retried); returns how
 * many were read. */
size_t wer_read_fd_capped(int fd, char *buf, size_t max);

/* Writes len bytes of data to fd, all of them (EINTR retried, short
 * writes continued). 0 or a negative errno. */
int wer_write_all(int fd, const void *data, size_t len);

/* Starts writing fd's dirty pages back without waiting for them, so that
 * the fsync that makes them durable later finds them written (and one
 * journal commit covers several files). Where unsupported, that fsync does
 * it all. */
void wer_start_writeback(int fd);

/* fsyncs the directory at path (a rename or link in it made durable).
 * 0 or a negative errno. */
int wer_fsync_dir(const char *path);

/* The path of name in the running program's directory (werfault's
 * module and helper live beside it), into out: 0, or -1 when the program
 * cannot be located or the path does not fit. */
int wer_beside_self(const char *name, char *out, size_t size);

/* Writes len bytes of data to dir_fd/name whole: a new temporary file
 * beside it (O_EXCL, O_NOFOLLOW, mode 0600; a leftover of the same name
 * removed first), fsynced, renamed over name. 0 or a negative errno
 * (nothing is left behind on failure). */
int wer_write_file_at(int dir_fd, const char *name, const char *data,
		      size_t len);

#endif /* WER_IO_H */
