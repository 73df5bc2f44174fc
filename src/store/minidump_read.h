/*
 * minidump_read.h - a minidump reader for files nobody vouches for: every
 * RVA and size is checked against the file, no count is trusted, every
 * string is bounded. Used by `wer show`, the collector and the tests.
 */
#ifndef WER_MINIDUMP_READ_H
#define WER_MINIDUMP_READ_H

#include <stddef.h>
#include <stdint.h>

#define WER_MD_ANNOTATIONS_MAX 64
#define WER_MD_MODULES_MAX     64  /* modules described; all are counted */
#define WER_MD_TEXT_MAX	       256 /* bytes of a name, key or value kept */

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

#endif /* WER_MINIDUMP_READ_H */
