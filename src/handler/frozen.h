/* SPDX-License-Identifier: MIT */
/*
 * frozen.h - werfault's side of the self-freezing front-end (docs/crash.md):
 * the freeze area the crash path filled (crash_format.h), read through the
 * keeper that holds the crashed process's memory. Untrusted: every count,
 * length and thread id is checked.
 */
#ifndef WER_FROZEN_H
#define WER_FROZEN_H

#include <stddef.h>
#include <sys/types.h>

#include "crash_format.h"
#include "registry_read.h"
#include "snapshot.h"

struct wer_frozen {
	pid_t pid; /* the crashed process */
	char crashed_name[16];
	uint64_t slots;
	size_t count;
	/* The process's status and stat as the crash path read them,
	 * NUL-terminated (data NULL: none). */
	struct wer_snapshot_text status, stat;
};

/* Reads and checks the freeze area at address: 0, or a negative errno
 * (-EBADMSG: not a freeze area). */
int wer__frozen_read(wer_mem_read_fn read, void *ctx, uint64_t address,
		     struct wer_frozen *ret);

/* The threads the area's slots saved, into s->threads (allocated here):
 * first the crashed thread first_tid, with crash_regs (its registers from
 * the crash area) and the crashed thread's name; then every thread that
 * saved its registers. A slot with a bad or repeated thread id is skipped.
 * 0 or a negative errno. */
int wer__frozen_threads(wer_mem_read_fn read, void *ctx,
			const struct wer_frozen *f, struct wer_snapshot *s,
			const struct wer_cpu_regs *crash_regs, pid_t first_tid);

void wer__frozen_free(struct wer_frozen *f);

#endif /* WER_FROZEN_H */
