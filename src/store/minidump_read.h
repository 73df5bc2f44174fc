/* SPDX-License-Identifier: MIT */
/*
 * minidump_read.h - a minidump reader for files nobody vouches for: every
 * RVA and size is checked against the file, no count is trusted, every
 * string is bounded. Used by `wer show`, the collector and the tests.
 */
#ifndef WER_MINIDUMP_READ_H
#define WER_MINIDUMP_READ_H

#include <stddef.h>
#include <stdint.h>

#define WER_MD_ANNOTATIONS_MAX 80  /* 72 metadata pairs, the reasons */
#define WER_MD_MODULES_MAX     64  /* modules described; all are counted */
#define WER_MD_TEXT_MAX	       260 /* bytes of a name, key or value kept */

struct wer_md_module {
	uint64_t base;
	uint32_t size;
	char name[WER_MD_TEXT_MAX];
	char build_id[2 * 32 + 1]; /* hex of a BpEL record, "" if none */
};

struct wer_md_facts {
	uint32_t stream_count;
	int have_system_info, have_exception, have_crashpad;
	uint16_t cpu_arch;
	uint32_t cpu_count;
	uint32_t platform_id;
	uint32_t thread_count;
	uint32_t crashed_tid;
	uint32_t signal, code;
	uint64_t address;
	uint64_t crashed_pc; /* from the exception's context; 0 if unknown */
	uint32_t module_count;
	struct wer_md_module modules[WER_MD_MODULES_MAX];
	uint32_t memory_ranges;
	uint64_t memory_bytes;
	uint32_t annotation_count;
	struct {
		char key[WER_MD_TEXT_MAX];
		char value[WER_MD_TEXT_MAX];
	} annotations[WER_MD_ANNOTATIONS_MAX];
};

/* Reads the facts of the minidump in data[0..size). Returns 0, or
 * -EBADMSG (not a minidump, or a structure that does not fit the file:
 * the facts read so far stay in *ret). */
int wer_minidump_facts(const void *data, size_t size, struct wer_md_facts *ret);

/* Index of the module (of the first WER_MD_MODULES_MAX) holding addr, or
 * -1. */
int wer_md_module_of(const struct wer_md_facts *facts, uint64_t addr);

/* The crashed thread as the dump holds it: pointers into the dump's
 * bytes, every one inside them. */
struct wer_md_thread {
	uint32_t tid;
	const void *context; /* the exception's context record, */
	size_t context_size; /* of its processor's layout */
	uint64_t stack_start;
	const void *stack; /* its stack memory, NULL when the dump has none */
	size_t stack_size;
};

/* Finds the crashed thread (facts->crashed_tid) of the minidump
 * data[0..size). 0, -ENOENT when the dump has no exception context (the
 * stack may be missing: ret->stack NULL), -EBADMSG when not a minidump. */
int wer_minidump_crashed_thread(const void *data, size_t size,
				const struct wer_md_facts *facts,
				struct wer_md_thread *ret);

#define WER_MD_FRAMES_MAX     32	  /* frames of the crashed thread */
#define WER_MD_STACK_SCAN_MAX (64 * 1024) /* bytes of its stack scanned */

/* The crashed thread's frames, by stack scanning (what Breakpad's
 * processor falls back to without CFI): the pc of the exception's
 * context, then every 8-byte word of the thread's captured stack, from
 * its stack pointer up (at most WER_MD_STACK_SCAN_MAX bytes), whose value
 * lies inside one of facts->modules and is not the same as the frame
 * before it. Candidates, not a proven unwind: stable for a given crash,
 * which is what bucketing needs. */
struct wer_md_stack {
	uint32_t count;
	uint64_t pc[WER_MD_FRAMES_MAX];
	int module[WER_MD_FRAMES_MAX]; /* index into facts->modules */
};

/* Fills ret from the minidump data[0..size) whose facts were read into
 * facts. 0, or -ENOENT when the crashed thread, its context or its stack
 * is missing (ret->count frames found so far stay), -EBADMSG when not a
 * minidump. */
int wer_minidump_crashed_stack(const void *data, size_t size,
			       const struct wer_md_facts *facts,
			       struct wer_md_stack *ret);

#endif /* WER_MINIDUMP_READ_H */
