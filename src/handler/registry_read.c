/* SPDX-License-Identifier: MIT */
/*
 * registry_read.c - the outside reader of the registry block.
 *
 * Protocol (docs/registry.md): read the header and check it; then, up to
 * READ_ATTEMPTS times, read the control area, copy each published slot's
 * current copy, read the control area again, and keep the slots whose
 * control words did not change and whose sequence counter is even. A
 * stopped process settles at once; a running one almost always within two
 * attempts.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "registry_read.h"
#include "wer_internal.h"

#define READ_ATTEMPTS	      16
#define RESTART_CMDLINE_CHARS 1024 /* RESTART_MAX_CMD_LINE */
#define CTL_SLOTS                                                              \
	(WER_REG_META_SLOTS + WER_REG_RANGE_SLOTS + WER_REG_FILE_SLOTS)

int wer__read_process_memory(void *ctx, uint64_t address, void *buf, size_t len)
{
	pid_t pid = *(const pid_t *)ctx;
	struct iovec local = {buf, len};
	struct iovec remote = {(void *)(uintptr_t)address, len};
	ssize_t n = process_vm_readv(pid, &local, 1, &remote, 1, 0);

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EFAULT;
}

/* A version 4 block, or an earlier one: 3 (no settings slot, zeros
 * where its offsets are now), 2 (openwer 0.1: no application slot
 * either). */
static int header_valid(const struct wer_registry_header *h, uint64_t address)
{
	switch (h->version) {
	case WER_REGISTRY_VERSION:
		if (h->block_size != sizeof(struct wer_registry) ||
		    h->settings_ctl_offset !=
			offsetof(struct wer_registry, settings_ctl) ||
		    h->settings_offset !=
			offsetof(struct wer_registry, settings))
			return 0;
		break;
	case 3:
		if (h->block_size != WER_REGISTRY_V3_SIZE)
			return 0;
		break;
	case 2:
		if (h->block_size != WER_REGISTRY_V2_SIZE)
			return 0;
		break;
	default:
		return 0;
	}
	if (h->version >= 3 &&
	    (h->app_ctl_offset != offsetof(struct wer_registry, app_ctl) ||
	     h->app_offset != offsetof(struct wer_registry, app)))
		return 0;
	return !memcmp(h->magic, WER_REGISTRY_MAGIC, WER_REGISTRY_MAGIC_SIZE) &&
	       h->header_size == sizeof(*h) && h->self == address &&
	       h->meta_slots == WER_REG_META_SLOTS &&
	       h->range_slots == WER_REG_RANGE_SLOTS &&
	       h->file_slots == WER_REG_FILE_SLOTS &&
	       h->meta_size == sizeof(struct wer_reg_meta) &&
	       h->range_size == sizeof(struct wer_reg_range) &&
	       h->file_size == sizeof(struct wer_reg_file) &&
	       h->meta_ctl_offset == offsetof(struct wer_registry, meta_ctl) &&
	       h->range_ctl_offset ==
		   offsetof(struct wer_registry, range_ctl) &&
	       h->file_ctl_offset == offsetof(struct wer_registry, file_ctl) &&
	       h->meta_offset == offsetof(struct wer_registry, meta) &&
	       h->range_offset == offsetof(struct wer_registry, range) &&
	       h->file_offset == offsetof(struct wer_registry, file) &&
	       h->restart_ctl_offset ==
		   offsetof(struct wer_registry, restart_ctl) &&
	       h->restart_offset == offsetof(struct wer_registry, restart);
}

/* A slot of its own (restart, the application's), by the same seqlock
 * protocol as the others: its control word, its current copy (of size
 * bytes, at copies_at), its control word again. Returns 1 with the copy in
 * buf, 0 when the slot is empty or never settled (counted as unsettled),
 * or a negative errno. A current copy out of range counts as invalid. */
static int single_slot_read(wer_mem_read_fn read, void *ctx, uint64_t ctl_at,
			    uint64_t copies_at, void *buf, size_t size,
			    struct wer_registry_snapshot *s)
{
	int r;

	for (int attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
		struct wer_reg_ctl before, after;
		uint32_t cur;

		if ((r = read(ctx, ctl_at, &before, sizeof(before))) < 0)
			return r;
		cur = before.current;
		if (cur == 0 || cur > 2) {
			if (cur)
				s->invalid++;
			return 0;
		}
		if (before.seq[cur - 1] & 1)
			continue;
		if ((r = read(ctx, copies_at + (cur - 1) * size, buf, size)) <
			0 ||
		    (r = read(ctx, ctl_at, &after, sizeof(after))) < 0)
			return r;
		if (after.seq[cur - 1] == before.seq[cur - 1])
			return 1;
	}
	s->unsettled++;
	return 0;
}

/* The restart slot: one that breaks the rules (flags, length, UTF-8, an
 * embedded NUL) counts as invalid. */
static int restart_read(wer_mem_read_fn read, void *ctx, uint64_t address,
			struct wer_registry_snapshot *s)
{
	struct wer_reg_restart *copy = malloc(sizeof(*copy));
	size_t len;
	int r;

	if (!copy)
		return -ENOMEM;
	r = single_slot_read(
	    read, ctx, address + offsetof(struct wer_registry, restart_ctl),
	    address + offsetof(struct wer_registry, restart), copy,
	    sizeof(*copy), s);
	if (r == 1) {
		r = 0;
		if (copy->cmdline_len > WER_REG_CMDLINE_BYTES ||
		    (copy->flags & ~15u)) {
			s->invalid++;
			goto out;
		}
		memcpy(s->restart.cmdline, copy->cmdline, copy->cmdline_len);
		s->restart.cmdline[copy->cmdline_len] = '\0';
		if (strlen(s->restart.cmdline) != copy->cmdline_len ||
		    wer__utf8_check(s->restart.cmdline, RESTART_CMDLINE_CHARS,
				    &len) != S_OK) {
			s->restart.cmdline[0] = '\0';
			s->invalid++;
			goto out;
		}
		s->restart.flags = copy->flags;
		s->restart.registered = 1;
	}
out:
	free(copy);
	return r;
}

/* The application slot (version 3): a version that breaks a metadata
 * value's rules counts as invalid. */
static int app_read(wer_mem_read_fn read, void *ctx, uint64_t address,
		    struct wer_registry_snapshot *s)
{
	struct wer_reg_app copy;
	size_t len;
	int r = single_slot_read(
	    read, ctx, address + offsetof(struct wer_registry, app_ctl),
	    address + offsetof(struct wer_registry, app), &copy, sizeof(copy),
	    s);

	if (r != 1)
		return r;
	if (copy.version_len > WER_REG_VALUE_BYTES) {
		s->invalid++;
		return 0;
	}
	memcpy(s->app_version, copy.version, copy.version_len);
	s->app_version[copy.version_len] = '\0';
	if (wer__value_check(s->app_version, &len) != S_OK ||
	    len != copy.version_len) {
		s->app_version[0] = '\0';
		s->invalid++;
	}
	return 0;
}

/* The settings slot (version 4): text that does not parse as
 * wer_set_report_setting's lines counts as invalid. */
static int settings_read(wer_mem_read_fn read, void *ctx, uint64_t address,
			 struct wer_registry_snapshot *s)
{
	struct wer_reg_settings *copy = malloc(sizeof(*copy));
	char err[128];
	int r;

	if (!copy)
		return -ENOMEM;
	r = single_slot_read(
	    read, ctx, address + offsetof(struct wer_registry, settings_ctl),
	    address + offsetof(struct wer_registry, settings), copy,
	    sizeof(*copy), s);
	if (r == 1) {
		r = 0;
		if (copy->text_len > WER_REG_SETTINGS_BYTES ||
		    wer_code_settings_parse(&s->code, copy->text,
					    copy->text_len, err,
					    sizeof(err)) < 0)
			s->invalid++;
		else
			s->have_code = !wer_code_settings_empty(&s->code);
	}
	free(copy);
	return r;
}

/* The native metadata table (version 4): each published slot by the
 * single-slot protocol, appended to meta[] after WER's pairs. A pair that
 * breaks the rules counts as invalid; a key WER's table has too (a move
 * between the tables caught half way) is left out, not distrusted. */
static int notes_read(wer_mem_read_fn read, void *ctx, uint64_t address,
		      struct wer_registry_snapshot *s)
{
	struct wer_reg_ctl ctl[WER_REG_NOTE_SLOTS];
	struct wer_reg_note *copy = malloc(sizeof(*copy));
	size_t wer_pairs = s->meta_count, len;
	int r;

	if (!copy)
		return -ENOMEM;
	r = read(ctx, address + offsetof(struct wer_registry, note_ctl), ctl,
		 sizeof(ctl));
	for (int i = 0; r >= 0 && i < WER_REG_NOTE_SLOTS; i++) {
		struct wer_snapshot_meta *out = &s->meta[s->meta_count];
		int dup = 0;

		if (!ctl[i].current)
			continue;
		r = single_slot_read(
		    read, ctx,
		    address + offsetof(struct wer_registry, note_ctl) +
			i * sizeof(struct wer_reg_ctl),
		    address + offsetof(struct wer_registry, note) +
			i * 2 * sizeof(*copy),
		    copy, sizeof(*copy), s);
		if (r != 1)
			continue;
		r = 0;
		if (copy->key_len == 0 || copy->key_len > WER_REG_KEY_BYTES ||
		    copy->value_len > WER_REG_NOTE_VALUE_BYTES) {
			s->invalid++;
			continue;
		}
		memcpy(out->key, copy->key, copy->key_len);
		out->key[copy->key_len] = '\0';
		memcpy(out->value, copy->value, copy->value_len);
		out->value[copy->value_len] = '\0';
		if (wer__key_check(out->key, &len) != S_OK ||
		    len != copy->key_len ||
		    wer__note_value_check(out->value, &len) != S_OK ||
		    len != copy->value_len) {
			s->invalid++;
			continue;
		}
		for (size_t j = 0; j < s->meta_count; j++)
			if (!strcmp(s->meta[j].key, out->key)) {
				s->invalid += j >= wer_pairs;
				dup = 1;
			}
		if (!dup)
			s->meta_count++;
	}
	free(copy);
	return r < 0 ? r : 0;
}

/* Where slot i of the control area (meta, then range, then file slots)
 * keeps its copies, and how large one copy is. */
static uint64_t slot_copy_address(uint64_t base, size_t i, unsigned copy,
				  size_t *ret_size)
{
	if (i < WER_REG_META_SLOTS) {
		*ret_size = sizeof(struct wer_reg_meta);
		return base + offsetof(struct wer_registry, meta) +
		       (i * 2 + copy) * sizeof(struct wer_reg_meta);
	}
	i -= WER_REG_META_SLOTS;
	if (i < WER_REG_RANGE_SLOTS) {
		*ret_size = sizeof(struct wer_reg_range);
		return base + offsetof(struct wer_registry, range) +
		       (i * 2 + copy) * sizeof(struct wer_reg_range);
	}
	i -= WER_REG_RANGE_SLOTS;
	*ret_size = sizeof(struct wer_reg_file);
	return base + offsetof(struct wer_registry, file) +
	       (i * 2 + copy) * sizeof(struct wer_reg_file);
}

static int meta_take(const struct wer_reg_meta *m,
		     struct wer_registry_snapshot *s)
{
	struct wer_snapshot_meta *out = &s->meta[s->meta_count];
	size_t len;

	if (m->key_len == 0 || m->key_len > WER_REG_KEY_BYTES ||
	    m->value_len > WER_REG_VALUE_BYTES)
		return -1;
	memcpy(out->key, m->key, m->key_len);
	out->key[m->key_len] = '\0';
	memcpy(out->value, m->value, m->value_len);
	out->value[m->value_len] = '\0';
	/* The same rules the writer applied; an embedded NUL shortens the
	 * string and fails the length comparison. */
	if (wer__key_check(out->key, &len) != S_OK || len != m->key_len ||
	    wer__value_check(out->value, &len) != S_OK || len != m->value_len)
		return -1;
	for (size_t i = 0; i < s->meta_count; i++)
		if (!strcmp(s->meta[i].key, out->key))
			return -1;
	s->meta_count++;
	return 0;
}

static int range_take(const struct wer_reg_range *r,
		      struct wer_registry_snapshot *s)
{
	switch (r->kind) {
	case WER_REG_RANGE_MEMORY:
		if (!r->address || !r->size || r->size > 65536 ||
		    r->address + r->size < r->address)
			return -1;
		break;
	case WER_REG_RANGE_EXCLUDED:
		if (!r->address || !r->size || r->size > UINT32_MAX ||
		    r->address + r->size < r->address)
			return -1;
		break;
	case WER_REG_RANGE_ADDITIONAL_PROCESS:
		if (!r->address || r->address > INT32_MAX ||
		    r->size > INT32_MAX)
			return -1;
		break;
	default:
		return -1;
	}
	s->range[s->range_count++] =
	    (struct wer_snapshot_range){r->address, r->size, r->kind};
	return 0;
}

static int file_take(const struct wer_reg_file *f,
		     struct wer_registry_snapshot *s)
{
	struct wer_snapshot_file *out = &s->file[s->file_count];
	size_t len;

	if (f->path_len == 0 || f->path_len > WER_REG_PATH_BYTES ||
	    f->type < 1 || f->type > 2 || (f->flags & ~3u))
		return -1;
	memcpy(out->path, f->path, f->path_len);
	out->path[f->path_len] = '\0';
	if (out->path[0] != '/' || wer__path_check(out->path, &len) != S_OK ||
	    len != f->path_len)
		return -1;
	out->type = f->type;
	out->flags = f->flags;
	s->file_count++;
	return 0;
}

/* Where the reader keeps the copy it read of each slot: metadata and
 * ranges inline, a file's 4 KiB copy only for slots that hold one. */
struct slot_copies {
	struct wer_reg_meta meta[WER_REG_META_SLOTS];
	struct wer_reg_range range[WER_REG_RANGE_SLOTS];
	struct wer_reg_file *file[WER_REG_FILE_SLOTS];
};

static void *slot_buffer(struct slot_copies *cp, size_t i)
{
	if (i < WER_REG_META_SLOTS)
		return &cp->meta[i];
	i -= WER_REG_META_SLOTS;
	if (i < WER_REG_RANGE_SLOTS)
		return &cp->range[i];
	i -= WER_REG_RANGE_SLOTS;
	if (!cp->file[i])
		cp->file[i] = malloc(sizeof(*cp->file[i]));
	return cp->file[i];
}

int wer__registry_read(wer_mem_read_fn read, void *ctx, uint64_t address,
		       struct wer_registry_snapshot *ret)
{
	struct wer_registry_header h;
	struct wer_reg_ctl *before = NULL, *after = NULL;
	unsigned char *done = NULL;
	struct slot_copies *copies = NULL;
	uint64_t ctl_address =
	    address + offsetof(struct wer_registry, meta_ctl);
	size_t ctl_size = CTL_SLOTS * sizeof(struct wer_reg_ctl), pending = 0;
	int r;

	r = read(ctx, address, &h, sizeof(h));
	if (r < 0)
		return r;
	if (!header_valid(&h, address))
		return -EBADMSG;

	before = malloc(ctl_size);
	after = malloc(ctl_size);
	done = calloc(CTL_SLOTS, 1);
	copies = calloc(1, sizeof(*copies));
	if (!before || !after || !done || !copies) {
		r = -ENOMEM;
		goto out;
	}
	memset(ret, 0, offsetof(struct wer_registry_snapshot, meta));
	ret->unsettled = ret->invalid = 0;
	ret->state = h.state;
	ret->flags = h.flags;
	ret->reported = h.reported;
	ret->generation = h.generation;

	/* The first attempt reads the control area whole, before and after
	 * the copies; later ones retry each unsettled slot alone, so that its
	 * window is as short as three small reads. */
	for (int attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
		int whole = attempt == 0;

		pending = 0;
		if (whole && (r = read(ctx, ctl_address, before, ctl_size)) < 0)
			goto out;
		for (size_t i = 0; i < CTL_SLOTS; i++) {
			uint64_t ctl_i = ctl_address + i * sizeof(*before), at;
			uint32_t cur;
			size_t size;

			if (done[i])
				continue;
			if (!whole && (r = read(ctx, ctl_i, &before[i],
						sizeof(*before))) < 0)
				goto out;
			cur = before[i].current;
			/* Empty, absurd or odd slots are judged after the
			 * second read of the control area. */
			if (cur && cur <= 2 && !(before[i].seq[cur - 1] & 1)) {
				void *buf = slot_buffer(copies, i);

				at = slot_copy_address(address, i, cur - 1,
						       &size);
				if (!buf || read(ctx, at, buf, size) < 0) {
					done[i] = 1; /* published, unreadable */
					ret->invalid++;
					continue;
				}
			}
			if (!whole && (r = read(ctx, ctl_i, &after[i],
						sizeof(*after))) < 0)
				goto out;
		}
		if (whole && (r = read(ctx, ctl_address, after, ctl_size)) < 0)
			goto out;
		for (size_t i = 0; i < CTL_SLOTS; i++) {
			uint32_t cur = before[i].current;
			int taken;

			if (done[i])
				continue;
			/* The copy read is whole when its own counter held
			 * still and even across the read; current may have
			 * moved on meanwhile (the value read was current when
			 * the read began). An absurd control word must read
			 * the same twice to be judged. */
			if ((cur > 2 && after[i].current != cur) ||
			    (cur && cur <= 2 &&
			     (before[i].seq[cur - 1] != after[i].seq[cur - 1] ||
			      (before[i].seq[cur - 1] & 1)))) {
				pending++;
				continue;
			}
			done[i] = 1;
			if (cur == 0)
				continue;
			if (cur > 2) {
				ret->invalid++;
				continue;
			}
			if (i < WER_REG_META_SLOTS)
				taken = meta_take(slot_buffer(copies, i), ret);
			else if (i < WER_REG_META_SLOTS + WER_REG_RANGE_SLOTS)
				taken = range_take(slot_buffer(copies, i), ret);
			else
				taken = file_take(slot_buffer(copies, i), ret);
			if (taken < 0)
				ret->invalid++;
		}
		if (!pending)
			break;
	}
	ret->unsettled = pending;
	memset(&ret->restart, 0, sizeof(ret->restart));
	ret->app_version[0] = '\0';
	memset(&ret->code, 0, sizeof(ret->code));
	ret->have_code = 0;
	r = restart_read(read, ctx, address, ret);
	if (r == 0 && h.version >= 3)
		r = app_read(read, ctx, address, ret);
	if (r == 0 && h.version >= 4)
		r = settings_read(read, ctx, address, ret);
	if (r == 0 && h.version >= 4)
		r = notes_read(read, ctx, address, ret);
out:
	free(before);
	free(after);
	free(done);
	for (size_t i = 0; copies && i < WER_REG_FILE_SLOTS; i++)
		free(copies->file[i]);
	free(copies);
	return r;
}
