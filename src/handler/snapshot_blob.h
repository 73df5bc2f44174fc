/* SPDX-License-Identifier: MIT */
/*
 * snapshot_blob.h - what the unwinder needs of a snapshot, as one block of
 * bytes: werfault writes it into a sealed memfd that its unwinder
 * child maps (docs/crash.md, "The snapshot the child reads"). The reader
 * checks every count, offset and size against the block, and is fuzzed
 * (fuzz_snapshot_blob).
 */
#ifndef WER_SNAPSHOT_BLOB_H
#define WER_SNAPSHOT_BLOB_H

#include <stddef.h>

#include "snapshot.h"

/* Writes s's architecture, pid, maps text and threads (registers and
 * stacks) into fd at its start. 0, or a negative errno. */
int wer__snapshot_blob_write(int fd, const struct wer_snapshot *s);

/* Fills s (made empty by wer__snapshot_init) from the block at data, of
 * size bytes, which must outlive s: its maps and stacks point into it.
 * s->threads is allocated (free it, not the stacks). 0, or a negative
 * errno (-EBADMSG: not a well-formed block). */
int wer__snapshot_blob_read(const void *data, size_t size,
			    struct wer_snapshot *s);

#endif
