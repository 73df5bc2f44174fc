/* SPDX-License-Identifier: MIT */
/*
 * registry.c - the registry block and its writers.
 *
 * The block (struct wer_registry, registry_format.h) is a static object in
 * .bss: its pages cost nothing until a registration touches them, and it
 * stays readable from outside however broken the heap is. Writers take a
 * lock among themselves (a spinlock, biased to the first writing thread:
 * below); readers in this process take it too; readers in
 * another process take no lock and follow the seqlock protocol of
 * docs/registry.md.
 */
#include <linux/membarrier.h>
#include <pthread.h>
#include <sched.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cpu.h"
#include "scan.h"
#include "settings.h"
#include "wer/wer.h"
#include "wer_internal.h"

struct wer_registry wer__registry __attribute__((aligned(64)));

/* Orders the odd sequence store before the payload stores, for readers in
 * other processes. TSan cannot model fences (and sees no such reader); on
 * x86-64 a release fence is only a compiler barrier anyway. */
#if defined(__SANITIZE_THREAD__)
#define SEQ_WRITE_FENCE() __asm__ volatile("" ::: "memory")
#else
#define SEQ_WRITE_FENCE() __atomic_thread_fence(__ATOMIC_RELEASE)
#endif

static int registry_lock_word;
/* Slots of the range and file tables above these are all empty: lookups
 * stop there instead of walking 512 slots. Guarded by the lock. */
static uint32_t range_high, file_high;

/*
 * The lock is biased to the first thread that writes (the owner): most
 * programs register from one thread, and an atomic exchange, a full
 * barrier, costs that thread more than the rest of an update. The owner
 * enters with plain stores (bias_busy, then a look at bias_revoked); any
 * other thread takes the spinlock and, the first time, revokes the bias
 * for good: it sets bias_revoked, makes every thread of the process run a
 * full barrier (membarrier(2), registered at load time), and waits until
 * the owner is out. Of the owner's "busy, then revoked?" and the other's
 * "revoked, then busy?", one sees the other's store: the asymmetric form
 * of Dekker's algorithm. Without membarrier (or under TSan, which cannot
 * model it) there is no bias. A signal handler must not register while
 * its thread is in the registry, biased or not: as before, it would wait
 * for itself.
 */
static int bias_usable, bias_granted, bias_revoked, bias_busy;
/* How the holder took the lock: written and read by the holder only. */
static int held_biased;
static __thread int bias_mine __attribute__((tls_model("initial-exec")));

static void spin_lock(void)
{
	unsigned spins = 0;

	while (__atomic_exchange_n(&registry_lock_word, 1, __ATOMIC_ACQUIRE)) {
		while (__atomic_load_n(&registry_lock_word, __ATOMIC_RELAXED)) {
			if (++spins < 128)
				wer_cpu_relax();
			else
				sched_yield();
		}
	}
}

/* The spinlock's way in (and the bias's revocation): returns 0. */
static __attribute__((noinline)) int lock_slow(void)
{
	spin_lock();
	if (!bias_usable || bias_revoked)
		return 0;
	if (!bias_granted) {
		/* The first writer: the next entries are biased. */
		bias_granted = 1;
		bias_mine = 1;
		return 0;
	}
	__atomic_store_n(&bias_revoked, 1, __ATOMIC_RELAXED);
	if (syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0)) {
		/* Registered, so it cannot fail; if it did, a full barrier
		 * here would not order the owner's side: stop. */
		abort();
	}
	for (unsigned spins = 0; __atomic_load_n(&bias_busy, __ATOMIC_ACQUIRE);)
		if (++spins >= 128)
			sched_yield();
	return 0;
}

/* Returns 1 when the lock was taken through the bias. */
static inline int lock_take(void)
{
	if (bias_mine) {
		__atomic_store_n(&bias_busy, 1, __ATOMIC_RELAXED);
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
		if (!__atomic_load_n(&bias_revoked, __ATOMIC_RELAXED)) {
			__atomic_signal_fence(__ATOMIC_SEQ_CST);
			return 1;
		}
		__atomic_store_n(&bias_busy, 0, __ATOMIC_RELEASE);
		bias_mine = 0;
	}
	return lock_slow();
}

static inline void registry_lock(void)
{
	held_biased = lock_take();
}

static void registry_unlock(void)
{
	if (held_biased)
		__atomic_store_n(&bias_busy, 0, __ATOMIC_RELEASE);
	else
		__atomic_store_n(&registry_lock_word, 0, __ATOMIC_RELEASE);
}

/* Fills the header once; the magic goes last so that an outside reader that
 * sees it sees a complete header. Called with the lock held, or from the
 * constructor before any thread can exist. */
static void registry_init_locked(void)
{
	struct wer_registry_header *h = &wer__registry.header;

	if (h->version)
		return;
	h->header_size = sizeof(*h);
	h->block_size = sizeof(wer__registry);
	h->self = (uint64_t)(uintptr_t)&wer__registry;
	h->meta_slots = WER_REG_META_SLOTS;
	h->range_slots = WER_REG_RANGE_SLOTS;
	h->file_slots = WER_REG_FILE_SLOTS;
	h->meta_size = sizeof(struct wer_reg_meta);
	h->range_size = sizeof(struct wer_reg_range);
	h->file_size = sizeof(struct wer_reg_file);
	h->meta_ctl_offset = offsetof(struct wer_registry, meta_ctl);
	h->range_ctl_offset = offsetof(struct wer_registry, range_ctl);
	h->file_ctl_offset = offsetof(struct wer_registry, file_ctl);
	h->meta_offset = offsetof(struct wer_registry, meta);
	h->range_offset = offsetof(struct wer_registry, range);
	h->file_offset = offsetof(struct wer_registry, file);
	h->restart_ctl_offset = offsetof(struct wer_registry, restart_ctl);
	h->restart_offset = offsetof(struct wer_registry, restart);
	h->app_ctl_offset = offsetof(struct wer_registry, app_ctl);
	h->app_offset = offsetof(struct wer_registry, app);
	h->settings_ctl_offset = offsetof(struct wer_registry, settings_ctl);
	h->settings_offset = offsetof(struct wer_registry, settings);
	__atomic_store_n(&h->version, WER_REGISTRY_VERSION, __ATOMIC_RELEASE);
	memcpy(h->magic, WER_REGISTRY_MAGIC, WER_REGISTRY_MAGIC_SIZE);
}

static void atfork_prepare(void)
{
	registry_lock();
}

static void atfork_release(void)
{
	registry_unlock();
}

__attribute__((constructor)) static void registry_constructor(void)
{
	registry_init_locked();
#if !defined(__SANITIZE_THREAD__)
	bias_usable =
	    syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED,
		    0, 0) == 0;
#endif
	pthread_atfork(atfork_prepare, atfork_release, atfork_release);
}

/* The seqlock writer's side. Returns the copy (0 or 1) to fill: never the
 * current one, so a reader of a stopped process always has a whole copy. */
static unsigned slot_begin(struct wer_reg_ctl *ctl)
{
	unsigned copy = ctl->current == 1 ? 1 : 0;

	__atomic_store_n(&ctl->seq[copy], ctl->seq[copy] + 1, __ATOMIC_RELAXED);
	SEQ_WRITE_FENCE();
	return copy;
}

static void slot_publish(struct wer_reg_ctl *ctl, unsigned copy)
{
	__atomic_store_n(&ctl->seq[copy], ctl->seq[copy] + 1, __ATOMIC_RELEASE);
	__atomic_store_n(&ctl->current, copy + 1, __ATOMIC_RELEASE);
}

/* A write given up (what it was writing was refused): the copy's sequence
 * even again, the current copy as it was. */
static void slot_abandon(struct wer_reg_ctl *ctl, unsigned copy)
{
	__atomic_store_n(&ctl->seq[copy], ctl->seq[copy] + 1, __ATOMIC_RELEASE);
}

static void slot_clear(struct wer_reg_ctl *ctl)
{
	__atomic_store_n(&ctl->current, 0, __ATOMIC_RELEASE);
}

/* The header's counts are informative for outside readers; writers keep
 * them under the lock. */
static void count_add(uint32_t *count, int delta)
{
	__atomic_store_n(count, *count + delta, __ATOMIC_RELAXED);
}

static void generation_bump(void)
{
	struct wer_registry_header *h = &wer__registry.header;

	__atomic_store_n(&h->generation, h->generation + 1, __ATOMIC_RELEASE);
}

/* Common entry of every writer: takes the lock and refuses in recovery
 * mode. Returns S_OK with the lock held, or an error without it. */
static HRESULT writer_enter(void)
{
	registry_lock();
	registry_init_locked();
	if (wer__registry.header.state == WER_REG_STATE_RECOVERY) {
		registry_unlock();
		return WER_E_INVALID_STATE;
	}
	return S_OK;
}

static HRESULT writer_leave(HRESULT hr)
{
	if (hr == S_OK)
		generation_bump();
	registry_unlock();
	return hr;
}

static int entries_full(void)
{
	return wer__registry.header.entry_count >= WER_MAX_REGISTERED_ENTRIES;
}

/* Clears the slot a lookup found (slot < 0: not found), updates the counts
 * (kind_count, when the kind has its own, and the pool's) and leaves the
 * writer. */
static HRESULT remove_found(struct wer_reg_ctl *table, int slot,
			    uint32_t *kind_count)
{
	if (slot < 0)
		return writer_leave(WER_E_NOT_FOUND);
	slot_clear(&table[slot]);
	if (kind_count)
		count_add(kind_count, -1);
	count_add(&wer__registry.header.entry_count, -1);
	return writer_leave(S_OK);
}

/* The first empty slot of a table that has one (the pool's count says so),
 * raising the table's high-water mark past it. */
static int slot_take_free(const struct wer_reg_ctl *table, uint32_t *high)
{
	int slot = 0;

	while (table[slot].current)
		slot++;
	if ((uint32_t)slot >= *high)
		*high = (uint32_t)slot + 1;
	return slot;
}

/* ---- metadata ----------------------------------------------------------- */

/* WER's metadata slots and the native table's share their fields' places
 * (key_len, value_len, key, value); only the value's room differs. So one
 * lookup and one writer serve both, through a table's copies (slot i's
 * copy c at copies + (i * 2 + c) * size). */
#define PAIR_AT(field) offsetof(struct wer_reg_meta, field)
_Static_assert(PAIR_AT(key_len) == offsetof(struct wer_reg_note, key_len) &&
		   PAIR_AT(value_len) ==
		       offsetof(struct wer_reg_note, value_len) &&
		   PAIR_AT(key) == offsetof(struct wer_reg_note, key) &&
		   PAIR_AT(value) == offsetof(struct wer_reg_note, value),
	       "the two metadata tables' slots agree");

static int pair_find(const struct wer_reg_ctl *ctls, int slots,
		     const void *copies, size_t size, const char *key,
		     size_t key_len)
{
	for (int i = 0; i < slots; i++) {
		uint32_t cur = ctls[i].current;
		const char *p;
		uint16_t len;

		if (!cur)
			continue;
		p = (const char *)copies + ((size_t)i * 2 + cur - 1) * size;
		memcpy(&len, p + PAIR_AT(key_len), sizeof(len));
		if (len == key_len && !memcmp(p + PAIR_AT(key), key, key_len))
			return i;
	}
	return -1;
}

/* Writes a pair into slot's other copy and publishes it; returns the
 * copy. */
static unsigned pair_write(struct wer_reg_ctl *ctl, void *slot_copies,
			   size_t size, const char *key, size_t key_len,
			   const char *value, size_t value_len)
{
	unsigned copy = slot_begin(ctl);
	char *p = (char *)slot_copies + copy * size;
	uint16_t kl = (uint16_t)key_len, vl = (uint16_t)value_len;

	memcpy(p + PAIR_AT(key_len), &kl, sizeof(kl));
	memcpy(p + PAIR_AT(value_len), &vl, sizeof(vl));
	memcpy(p + PAIR_AT(key), key, key_len);
	p[PAIR_AT(key) + key_len] = '\0';
	memcpy(p + PAIR_AT(value), value, value_len);
	p[PAIR_AT(value) + value_len] = '\0';
	slot_publish(ctl, copy);
	return copy;
}

/* The native table's pairs (wer_set_metadata), under the lock; not in the
 * header's counts (WER's calls count as before). */
static uint32_t note_count;

/* The slot the last lookup found, tried first (an application updates
 * the same few keys again and again). Under the lock. */
static int note_hint;

static int note_find(const char *key, size_t key_len)
{
	const struct wer_reg_ctl *ctl = &wer__registry.note_ctl[note_hint];
	uint32_t cur = ctl->current;
	int slot;

	if (cur) {
		const struct wer_reg_note *n =
		    &wer__registry.note[note_hint][cur - 1];

		if (n->key_len == key_len && !memcmp(n->key, key, key_len))
			return note_hint;
	}
	slot = pair_find(wer__registry.note_ctl, WER_REG_NOTE_SLOTS,
			 wer__registry.note, sizeof(struct wer_reg_note), key,
			 key_len);
	if (slot >= 0)
		note_hint = slot;
	return slot;
}

/* Removes key from the native table; 1 when it was there. */
static int note_drop(const char *key, size_t key_len)
{
	int slot = note_find(key, key_len);

	if (slot < 0)
		return 0;
	slot_clear(&wer__registry.note_ctl[slot]);
	note_count--;
	return 1;
}

static int meta_find(const char *key, size_t key_len);

HRESULT wer__registry_set_note(const char *key, size_t key_len,
			       const char *value, size_t value_len)
{
	HRESULT hr = writer_enter();
	int slot;

	if (hr != S_OK)
		return hr;
	if (!value) {
		if (note_drop(key, key_len))
			return writer_leave(S_OK);
		return remove_found(wer__registry.meta_ctl,
				    meta_find(key, key_len),
				    &wer__registry.header.meta_count);
	}
	slot = note_find(key, key_len);
	if (slot < 0) {
		if (note_count >= WER_REG_NOTE_SLOTS)
			return writer_leave(WER_E_INSUFFICIENT_BUFFER);
		for (slot = 0; wer__registry.note_ctl[slot].current; slot++)
			;
		note_count++;
	}
	pair_write(&wer__registry.note_ctl[slot], wer__registry.note[slot],
		   sizeof(struct wer_reg_note), key, key_len, value, value_len);
	/* One namespace: out of WER's table, once published here. */
	slot = meta_find(key, key_len);
	if (slot >= 0) {
		slot_clear(&wer__registry.meta_ctl[slot]);
		count_add(&wer__registry.header.meta_count, -1);
		count_add(&wer__registry.header.entry_count, -1);
	}
	return writer_leave(S_OK);
}

size_t wer__registry_note_count(void)
{
	return __atomic_load_n(&note_count, __ATOMIC_RELAXED);
}

/* The slot the last update found: the next update of the same key looks
 * there first; and which copies of each slot (bit 0, bit 1) hold its key.
 * Guarded by the lock. */
static unsigned meta_hint;
static unsigned char meta_keyed[WER_REG_META_SLOTS];

static int meta_find(const char *key, size_t key_len)
{
	return pair_find(wer__registry.meta_ctl, WER_REG_META_SLOTS,
			 wer__registry.meta, sizeof(struct wer_reg_meta), key,
			 key_len);
}

HRESULT wer__registry_set_metadata(const char *key, size_t key_len,
				   const char *value, size_t value_len)
{
	struct wer_registry_header *h = &wer__registry.header;
	unsigned copy;
	HRESULT hr = writer_enter();
	int slot;

	if (hr != S_OK)
		return hr;
	slot = meta_find(key, key_len);
	if (slot < 0) {
		if (h->meta_count >= WER_MAX_REGISTERED_METADATA ||
		    entries_full())
			return writer_leave(WER_E_INSUFFICIENT_BUFFER);
		for (slot = 0; wer__registry.meta_ctl[slot].current; slot++)
			;
		count_add(&h->meta_count, 1);
		count_add(&h->entry_count, 1);
		meta_keyed[slot] = 0;
	}
	copy = pair_write(&wer__registry.meta_ctl[slot],
			  wer__registry.meta[slot], sizeof(struct wer_reg_meta),
			  key, key_len, value, value_len);
	meta_keyed[slot] |= 1u << copy;
	/* One namespace: the key leaves the native table (after it is
	 * published here: a reader sees the old value, both, or the new). */
	note_drop(key, key_len);
	return writer_leave(S_OK);
}

HRESULT wer__registry_update_metadata(const char *key, const char *value)
{
	struct wer_reg_meta *m;
	const struct wer_reg_meta *old = NULL;
	unsigned copy;
	ptrdiff_t len;
	int slot = -1;
	HRESULT hr = writer_enter();

	if (hr != S_OK)
		return hr;
	for (int i = 0; i < WER_REG_META_SLOTS; i++) {
		unsigned at = (meta_hint + (unsigned)i) % WER_REG_META_SLOTS;
		uint32_t cur = wer__registry.meta_ctl[at].current;

		if (!cur)
			continue;
		old = &wer__registry.meta[at][cur - 1];
		if (wer__key_equal(old->key, old->key_len, key)) {
			slot = (int)at;
			break;
		}
	}
	if (slot < 0)
		return writer_leave(S_FALSE);
	meta_hint = (unsigned)slot;
	copy = slot_begin(&wer__registry.meta_ctl[slot]);
	m = &wer__registry.meta[slot][copy];
	if ((len = wer__value_copy(m->value, value)) < 0) {
		slot_abandon(&wer__registry.meta_ctl[slot], copy);
		return writer_leave(E_INVALIDARG);
	}
	m->value_len = (uint16_t)len;
	if (!(meta_keyed[slot] & (1u << copy))) {
		m->key_len = old->key_len;
		memcpy(m->key, old->key, old->key_len + 1u);
		meta_keyed[slot] |= 1u << copy;
	}
	slot_publish(&wer__registry.meta_ctl[slot], copy);
	return writer_leave(S_OK);
}

HRESULT wer__registry_remove_metadata(const char *key, size_t key_len)
{
	HRESULT hr = writer_enter();

	if (hr != S_OK)
		return hr;
	if (note_drop(key, key_len))
		return writer_leave(S_OK);
	return remove_found(wer__registry.meta_ctl, meta_find(key, key_len),
			    &wer__registry.header.meta_count);
}

HRESULT wer__registry_get_metadata(const char *key, size_t key_len, char *value,
				   size_t size)
{
	HRESULT hr = WER_E_NOT_FOUND;
	int slot;

	registry_lock();
	slot = meta_find(key, key_len);
	if (slot >= 0) {
		uint32_t cur = wer__registry.meta_ctl[slot].current;
		const struct wer_reg_meta *m =
		    &wer__registry.meta[slot][cur - 1];

		if (m->value_len < size) {
			memcpy(value, m->value, m->value_len + 1u);
			hr = S_OK;
		} else {
			hr = E_INVALIDARG;
		}
	} else if ((slot = note_find(key, key_len)) >= 0) {
		uint32_t cur = wer__registry.note_ctl[slot].current;
		const struct wer_reg_note *n =
		    &wer__registry.note[slot][cur - 1];

		if (n->value_len < size) {
			memcpy(value, n->value, n->value_len + 1u);
			hr = S_OK;
		} else {
			hr = E_INVALIDARG;
		}
	}
	registry_unlock();
	return hr;
}

size_t wer__registry_list_metadata(void *out, size_t max)
{
	wer_metadata_pair_t *pairs = out;
	size_t n = 0;

	registry_lock();
	for (int i = 0; i < WER_REG_META_SLOTS; i++) {
		uint32_t cur = wer__registry.meta_ctl[i].current;
		const struct wer_reg_meta *m;

		if (!cur)
			continue;
		m = &wer__registry.meta[i][cur - 1];
		if (n < max) {
			memcpy(pairs[n].key, m->key, m->key_len + 1u);
			memcpy(pairs[n].value, m->value, m->value_len + 1u);
		}
		n++;
	}
	registry_unlock();
	return n;
}

/* ---- memory ranges and additional processes ----------------------------- */

static int range_find(uint32_t kind, uint64_t address)
{
	for (uint32_t i = 0; i < range_high; i++) {
		uint32_t cur = wer__registry.range_ctl[i].current;
		const struct wer_reg_range *r;

		if (!cur)
			continue;
		r = &wer__registry.range[i][cur - 1];
		if (r->kind == kind && r->address == address)
			return (int)i;
	}
	return -1;
}

static uint32_t range_count_locked(uint32_t kind)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < range_high; i++) {
		uint32_t cur = wer__registry.range_ctl[i].current;

		if (cur && wer__registry.range[i][cur - 1].kind == kind)
			n++;
	}
	return n;
}

HRESULT wer__registry_set_range(uint32_t kind, uint64_t address, uint64_t size)
{
	struct wer_reg_range *r;
	unsigned copy;
	HRESULT hr = writer_enter();
	int slot;

	if (hr != S_OK)
		return hr;
	slot = range_find(kind, address);
	if (slot < 0) {
		if (entries_full() ||
		    (kind == WER_REG_RANGE_ADDITIONAL_PROCESS &&
		     range_count_locked(kind) >=
			 WER_MAX_REGISTERED_DUMPCOLLECTION))
			return writer_leave(WER_E_INSUFFICIENT_BUFFER);
		slot = slot_take_free(wer__registry.range_ctl, &range_high);
		count_add(&wer__registry.header.entry_count, 1);
	}
	copy = slot_begin(&wer__registry.range_ctl[slot]);
	r = &wer__registry.range[slot][copy];
	r->address = address;
	r->size = size;
	r->kind = kind;
	r->reserved = 0;
	slot_publish(&wer__registry.range_ctl[slot], copy);
	return writer_leave(S_OK);
}

size_t wer__registry_range_count(uint32_t kind)
{
	size_t n;

	registry_lock();
	n = range_count_locked(kind);
	registry_unlock();
	return n;
}

HRESULT wer__registry_remove_range(uint32_t kind, uint64_t address)
{
	HRESULT hr = writer_enter();

	if (hr != S_OK)
		return hr;
	return remove_found(wer__registry.range_ctl, range_find(kind, address),
			    NULL);
}

/* ---- files -------------------------------------------------------------- */

static int file_find(const char *path, size_t path_len)
{
	for (uint32_t i = 0; i < file_high; i++) {
		uint32_t cur = wer__registry.file_ctl[i].current;
		const struct wer_reg_file *f;

		if (!cur)
			continue;
		f = &wer__registry.file[i][cur - 1];
		if (f->path_len == path_len && !memcmp(f->path, path, path_len))
			return (int)i;
	}
	return -1;
}

HRESULT wer__registry_set_file(const char *path, size_t path_len, uint32_t type,
			       uint32_t flags)
{
	struct wer_reg_file *f;
	unsigned copy;
	HRESULT hr = writer_enter();
	int slot;

	if (hr != S_OK)
		return hr;
	slot = file_find(path, path_len);
	if (slot < 0) {
		if (entries_full())
			return writer_leave(WER_E_INSUFFICIENT_BUFFER);
		slot = slot_take_free(wer__registry.file_ctl, &file_high);
		count_add(&wer__registry.header.entry_count, 1);
	}
	copy = slot_begin(&wer__registry.file_ctl[slot]);
	f = &wer__registry.file[slot][copy];
	f->path_len = (uint32_t)path_len;
	f->type = type;
	f->flags = flags;
	f->reserved = 0;
	memcpy(f->path, path, path_len);
	f->path[path_len] = '\0';
	slot_publish(&wer__registry.file_ctl[slot], copy);
	return writer_leave(S_OK);
}

HRESULT wer__registry_remove_file(const char *path, size_t path_len)
{
	HRESULT hr = writer_enter();

	if (hr != S_OK)
		return hr;
	return remove_found(wer__registry.file_ctl, file_find(path, path_len),
			    NULL);
}

/* ---- restart ------------------------------------------------------------ */

HRESULT wer__registry_set_restart(const char *cmdline, size_t len,
				  uint32_t flags)
{
	struct wer_reg_restart *rs;
	unsigned copy;
	HRESULT hr = writer_enter();

	if (hr != S_OK)
		return hr;
	copy = slot_begin(&wer__registry.restart_ctl);
	rs = &wer__registry.restart[copy];
	rs->flags = flags;
	rs->cmdline_len = (uint32_t)len;
	memcpy(rs->cmdline, cmdline, len);
	rs->cmdline[len] = '\0';
	slot_publish(&wer__registry.restart_ctl, copy);
	return writer_leave(S_OK);
}

HRESULT wer__registry_remove_restart(void)
{
	HRESULT hr = writer_enter();

	if (hr != S_OK)
		return hr;
	slot_clear(&wer__registry.restart_ctl);
	return writer_leave(S_OK);
}

HRESULT wer__registry_get_restart(char *cmdline, size_t size,
				  uint32_t *ret_flags)
{
	HRESULT hr = WER_E_NOT_FOUND;
	uint32_t cur;

	registry_lock();
	cur = wer__registry.restart_ctl.current;
	if (cur) {
		const struct wer_reg_restart *rs =
		    &wer__registry.restart[cur - 1];

		if (rs->cmdline_len < size) {
			memcpy(cmdline, rs->cmdline, rs->cmdline_len + 1u);
			*ret_flags = rs->flags;
			hr = S_OK;
		} else {
			hr = E_INVALIDARG;
		}
	}
	registry_unlock();
	return hr;
}

/* ---- the application's own facts ---------------------------------------- */

HRESULT wer__registry_set_app_version(const char *version, size_t len)
{
	struct wer_reg_app *app;
	unsigned copy;
	HRESULT hr = writer_enter();

	if (hr != S_OK)
		return hr;
	if (!len) {
		slot_clear(&wer__registry.app_ctl);
		return writer_leave(S_OK);
	}
	copy = slot_begin(&wer__registry.app_ctl);
	app = &wer__registry.app[copy];
	app->version_len = (uint32_t)len;
	memcpy(app->version, version, len);
	app->version[len] = '\0';
	slot_publish(&wer__registry.app_ctl, copy);
	return writer_leave(S_OK);
}

/* The application's settings for its own crashes: one setting changed
 * in the current ones, checked, the whole text published. */
HRESULT wer__registry_set_setting(const char *name, const char *value,
				  struct wer_code_settings *ret)
{
	static struct wer_code_settings now; /* under the lock */
	struct wer_reg_settings *rs;
	char err[64];
	unsigned copy;
	uint32_t cur;
	HRESULT hr = writer_enter();

	if (hr != S_OK)
		return hr;
	cur = wer__registry.settings_ctl.current;
	if (!cur ||
	    wer_code_settings_parse(&now, wer__registry.settings[cur - 1].text,
				    wer__registry.settings[cur - 1].text_len,
				    err, sizeof(err)) < 0)
		memset(&now, 0, sizeof(now));
	if (wer_code_setting_set(&now, name, value))
		return writer_leave(E_INVALIDARG);
	if (wer_code_settings_empty(&now)) {
		slot_clear(&wer__registry.settings_ctl);
	} else {
		copy = slot_begin(&wer__registry.settings_ctl);
		rs = &wer__registry.settings[copy];
		rs->text_len = (uint32_t)wer_code_settings_format(
		    &now, rs->text, sizeof(rs->text));
		slot_publish(&wer__registry.settings_ctl, copy);
	}
	if (ret)
		*ret = now;
	return writer_leave(S_OK);
}

/* ---- flags, state, counts ----------------------------------------------- */

HRESULT wer__registry_set_flags(uint32_t flags)
{
	HRESULT hr = writer_enter();

	if (hr != S_OK)
		return hr;
	__atomic_store_n(&wer__registry.header.flags, flags, __ATOMIC_RELEASE);
	return writer_leave(S_OK);
}

uint32_t wer__registry_flags(void)
{
	return __atomic_load_n(&wer__registry.header.flags, __ATOMIC_ACQUIRE);
}

void wer__registry_set_state(uint32_t state)
{
	registry_lock();
	registry_init_locked();
	__atomic_store_n(&wer__registry.header.state, state, __ATOMIC_RELEASE);
	generation_bump();
	registry_unlock();
}

uint32_t wer__registry_state(void)
{
	return __atomic_load_n(&wer__registry.header.state, __ATOMIC_ACQUIRE);
}

size_t wer__registry_metadata_count(void)
{
	return __atomic_load_n(&wer__registry.header.meta_count,
			       __ATOMIC_RELAXED);
}

size_t wer__registry_entry_count(void)
{
	return __atomic_load_n(&wer__registry.header.entry_count,
			       __ATOMIC_RELAXED);
}

void wer__registry_reset(void)
{
	struct wer_registry_header *h = &wer__registry.header;

	registry_lock();
	registry_init_locked();
	for (int i = 0; i < WER_REG_META_SLOTS; i++)
		slot_clear(&wer__registry.meta_ctl[i]);
	for (int i = 0; i < WER_REG_RANGE_SLOTS; i++)
		slot_clear(&wer__registry.range_ctl[i]);
	for (int i = 0; i < WER_REG_FILE_SLOTS; i++)
		slot_clear(&wer__registry.file_ctl[i]);
	slot_clear(&wer__registry.restart_ctl);
	slot_clear(&wer__registry.app_ctl);
	slot_clear(&wer__registry.settings_ctl);
	for (int i = 0; i < WER_REG_NOTE_SLOTS; i++)
		slot_clear(&wer__registry.note_ctl[i]);
	note_count = 0;
	range_high = file_high = 0;
	h->meta_count = h->entry_count = 0;
	h->flags = 0;
	h->state = WER_REG_STATE_RUNNING;
	generation_bump();
	registry_unlock();
}
