/* SPDX-License-Identifier: MIT */
/*
 * fuzz_registry_read - libFuzzer target for the outside reader of the
 * registry block (src/handler/registry_read.c), the first thing werfault
 * trusts nothing of. The input is laid over a block with a valid header:
 * from the control area on (first byte's bit 0), over the header too
 * (neither bit), from the restart slot on, over the application and
 * settings slots (bit 1), or over the native metadata table (bit 2). The reader
 * must never crash, loop, or report anything that breaks the contract's rules.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "registry_read.h"
#include "wer_internal.h"

#define FAKE_ADDRESS 0x7f0000001000ull

static struct wer_registry *block;
static struct wer_registry_snapshot *snapshot;

static int fake_read(void *ctx, uint64_t address, void *buf, size_t len)
{
	(void)ctx;
	if (address < FAKE_ADDRESS || address - FAKE_ADDRESS > sizeof(*block) ||
	    len > sizeof(*block) - (address - FAKE_ADDRESS))
		return -14; /* -EFAULT */
	memcpy(buf, (char *)block + (address - FAKE_ADDRESS), len);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t at;

	if (!block) {
		block = calloc(1, sizeof(*block));
		snapshot = malloc(sizeof(*snapshot));
		if (!block || !snapshot)
			abort();
		wer__registry_reset(); /* fills the header */
	}
	if (size < 1)
		return 0;
	/* A valid header, as libwer writes it, with this fake address. */
	memset(block, 0, offsetof(struct wer_registry, range));
	memcpy(&block->header, &wer__registry.header, sizeof(block->header));
	block->header.self = FAKE_ADDRESS;
	at = data[0] & 4   ? offsetof(struct wer_registry, note_ctl)
	     : data[0] & 2 ? offsetof(struct wer_registry, restart_ctl)
	     : data[0] & 1 ? offsetof(struct wer_registry, meta_ctl)
			   : 0;
	data++;
	size--;
	if (size > sizeof(*block) - at)
		size = sizeof(*block) - at;
	memcpy((char *)block + at, data, size);
	if (wer__registry_read(fake_read, NULL, FAKE_ADDRESS, snapshot) == 0) {
		size_t len;

		if (snapshot->meta_count >
			WER_REG_META_SLOTS + WER_REG_NOTE_SLOTS ||
		    snapshot->range_count > WER_REG_RANGE_SLOTS ||
		    snapshot->file_count > WER_REG_FILE_SLOTS)
			abort();
		for (size_t i = 0; i < snapshot->meta_count; i++)
			if (wer__key_check(snapshot->meta[i].key, &len) !=
				S_OK ||
			    (wer__value_check(snapshot->meta[i].value, &len) !=
				 S_OK &&
			     wer__note_value_check(snapshot->meta[i].value,
						   &len) != S_OK))
				abort();
		for (size_t i = 0; i < snapshot->file_count; i++)
			if (snapshot->file[i].path[0] != '/')
				abort();
		if (snapshot->restart.registered &&
		    ((snapshot->restart.flags & ~15u) ||
		     wer__utf8_check(snapshot->restart.cmdline, 1024, &len) !=
			 S_OK))
			abort();
		if (snapshot->have_code &&
		    (snapshot->code.consent < 0 || snapshot->code.consent > 4 ||
		     snapshot->code.dump_type < 0 ||
		     snapshot->code.dump_type > 2 ||
		     (snapshot->code.upload_url[0] &&
		      strncmp(snapshot->code.upload_url, "http", 4)) ||
		     (snapshot->code.store[0] &&
		      snapshot->code.store[0] != '/')))
			abort();
	}
	/* Leave the rest of the block zero for the next input. */
	memset((char *)block + at, 0, size);
	return 0;
}
