/* SPDX-License-Identifier: MIT */
/*
 * line_cache.h - source lines of a module, from its own DWARF or from a
 * separate debug file (an installed -dbg/-dbgsym package), kept across
 * crashes.
 *
 * Finding a line in a debug file means decompressing its DWARF: ~80 ms
 * for glibc's, the largest part of a report's time; in a program's own
 * DWARF, 1.5 ms for the first line of a small one. The lines found are
 * the same for every crash of that build of the module, so the unwinder
 * keeps them in a file named by the module's build id, in the user's cache
 * directory, and the next crash at the same address reads them from there.
 * The symbol table's answer at that address is kept too: a crash whose
 * frames are all in the cache never reads a symbol table (glibc's, from
 * its debug package, has 10,000 entries that libdwfl reads for every
 * lookup). The format (docs/line-cache.md) is text, one record a line:
 *
 *   openwer-lines 2
 *   OFFSET<TAB>SYMBOL<TAB>SYMOFF<TAB>FILE<TAB>LINE<TAB>N
 *       {<TAB>FUNCTION<TAB>FILE<TAB>LINE}*N
 *
 * OFFSET: hex, the address in the module (from its start); SYMBOL and
 * SYMOFF (hex): the symbol there and the offset in it ("" and 0 when
 * none); FILE and LINE of the function the calls are inlined into (""
 * and 0 when unknown); then the N inlined calls, innermost first. Names hold no
 * tab, newline or other control character. A file is the user's own: it is read
 * with caps (WER_LINE_CACHE_*), what does not parse is skipped, and the parser
 * is fuzzed (fuzz_line_cache).
 */
#ifndef WER_LINE_CACHE_H
#define WER_LINE_CACHE_H

#include <stddef.h>
#include <stdint.h>

#define WER_LINE_CACHE_MAGIC "openwer-lines 2\n"
/* The first version's magic: such a file is removed, not read (its
 * records name no symbol). */
#define WER_LINE_CACHE_MAGIC_V1	   "openwer-lines 1\n"
#define WER_LINE_CACHE_FILE_MAX	   (1024 * 1024) /* bytes read of a file */
#define WER_LINE_CACHE_RECORDS_MAX 8192
#define WER_LINE_CACHE_RECORD_MAX  4096 /* bytes of one record */
#define WER_LINE_CACHE_INLINES_MAX 32	/* = WER_UNWIND_INLINES_MAX */

struct wer_line_cache_call {
	const char *function, *file;
	int line;
};

struct wer_line_cache_record {
	uint64_t offset;
	const char *symbol; /* "" when the address has none */
	uint64_t symbol_offset;
	const char *file; /* "" when unknown */
	int line;
	size_t count; /* inlined calls */
	struct wer_line_cache_call *calls;
};

/* One module's file, parsed: the strings point into text, which it owns. */
struct wer_line_cache {
	char *text;
	size_t count;
	struct wer_line_cache_record *records;
	struct wer_line_cache_call *calls;
};

/* Parses len bytes of a cache file (a copy is made: data is not kept).
 * Returns 0, or -1 when it is not one (no magic) or memory ran out: c is
 * then empty. Malformed records are skipped. */
int wer__line_cache_parse(struct wer_line_cache *c, const char *data,
			  size_t len);

/* The record of offset, NULL when none. */
const struct wer_line_cache_record *
wer__line_cache_find(const struct wer_line_cache *c, uint64_t offset);

void wer__line_cache_free(struct wer_line_cache *c);

/* Formats one record (its newline included) into buf, symbol NULL when
 * the address has none; names have their
 * tabs and control characters made '?'. Returns its length, or 0 when it
 * does not fit in size (at most WER_LINE_CACHE_RECORD_MAX). */
size_t wer__line_cache_format(char *buf, size_t size, uint64_t offset,
			      const char *symbol, uint64_t symbol_offset,
			      const char *file, int line,
			      const struct wer_line_cache_call *calls,
			      size_t count);

#endif /* WER_LINE_CACHE_H */
