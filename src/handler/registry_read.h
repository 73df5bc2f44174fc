/* SPDX-License-Identifier: MIT */
/*
 * registry_read.h - reading a process's registry block from outside.
 *
 * The block is untrusted memory: every field is checked against the layout
 * this reader was built with, every string against the contract's rules,
 * and slots are taken only when their seqlock settles (docs/registry.md).
 */
#ifndef WER_REGISTRY_READ_H
#define WER_REGISTRY_READ_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "registry_format.h"
#include "settings.h"

/* Copies len bytes at address of the target into buf; returns 0, or a
 * negative errno (a short read is -EFAULT). */
typedef int (*wer_mem_read_fn)(void *ctx, uint64_t address, void *buf,
			       size_t len);

/* A metadata pair of either table: WER's (printable ASCII values of at
 * most 128 bytes) or the native one (UTF-8, at most 256). */
struct wer_snapshot_meta {
	char key[WER_REG_KEY_BYTES + 1];
	char value[WER_REG_NOTE_VALUE_BYTES + 1];
};

struct wer_snapshot_range {
	uint64_t address;
	uint64_t size;
	uint32_t kind;
};

struct wer_snapshot_file {
	uint32_t type;
	uint32_t flags;
	char path[WER_REG_PATH_BYTES + 1];
};

struct wer_snapshot_restart {
	int registered;
	uint32_t flags;
	char cmdline[WER_REG_CMDLINE_BYTES + 1];
};

struct wer_registry_snapshot {
	uint32_t state, flags;
	uint64_t generation;
	uint64_t reported; /* the header's: libwer reported a crash (its pid) */
	size_t meta_count, range_count, file_count;
	/* WER's pairs in slot order, then the native table's. */
	struct wer_snapshot_meta meta[WER_REG_META_SLOTS + WER_REG_NOTE_SLOTS];
	struct wer_snapshot_range range[WER_REG_RANGE_SLOTS];
	struct wer_snapshot_file file[WER_REG_FILE_SLOTS];
	struct wer_snapshot_restart restart;
	/* wer_set_application_version's, "" when none (or a version 2
	 * block). */
	char app_version[WER_REG_VALUE_BYTES + 1];
	/* wer_set_report_setting's (version 4); have_code 0 when none. */
	struct wer_code_settings code;
	int have_code;
	/* What was distrusted: slots whose sequence counters never settled,
	 * and slots whose content broke the rules (skipped). */
	size_t unsettled, invalid;
};

/* Reads the block at address through read. Returns 0 and fills *ret, or
 * -EFAULT (unreadable), -EBADMSG (not a registry: magic, version or layout
 * differ). *ret is about 2.2 MB: allocate it, do not put it on a stack. */
int wer__registry_read(wer_mem_read_fn read, void *ctx, uint64_t address,
		       struct wer_registry_snapshot *ret);

/* A wer_mem_read_fn over process_vm_readv; ctx points to the pid_t. */
int wer__read_process_memory(void *ctx, uint64_t address, void *buf,
			     size_t len);

#endif /* WER_REGISTRY_READ_H */
