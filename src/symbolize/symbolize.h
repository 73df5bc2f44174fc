/* SPDX-License-Identifier: MIT */
/*
 * symbolize.h - one offline symbolizer (elfutils libdwfl) for the
 * programs that name a module's offsets after the fact: `wer show` (raw
 * frames of the crash path's own reports) and the collector (uploaded
 * ELF files, in its budgeted child process). werfault's unwinder names
 * live addresses itself and takes only their lines (dwfl_line.h).
 *
 * The strings returned belong to the Dwfl: valid until dwfl_end. A Dwfl
 * is used by one thread at a time; none of this is async-signal-safe.
 */
#ifndef WER_SYMBOLIZE_H
#define WER_SYMBOLIZE_H

#include <elfutils/libdwfl.h>
#include <stdint.h>

#include "dwfl_line.h"

/* Where libdwfl looks for a module's debug information. */
enum wer_symbolize_search {
	/* The file alone: no separate debug file, no debuginfod (a file
	 * uploaded to the collector says nothing about its host). */
	WER_SYMBOLIZE_FILE_ONLY,
	/* Also the separate debug file installed for it (build id,
	 * .gnu_debuglink): `wer show` on the machine that crashed. */
	WER_SYMBOLIZE_DEBUG_FILES,
};

/* The ELF file at path as the only module of a new Dwfl, *ret_dwfl (the
 * caller's to dwfl_end, also when this fails; NULL when none could be
 * made). Returns the module, or NULL when libdwfl cannot read the file. */
Dwfl_Module *wer__symbolize_open(const char *path,
				 enum wer_symbolize_search search,
				 Dwfl **ret_dwfl);

/* The function (symbol table) holding offset, an offset in mod's file as
 * a minidump or a Frame[n] line gives it, and in *ret_offset how far
 * offset is from the function's start. is_return: offset is a return
 * address, which points after its call: the call's function is asked
 * for (one byte before), the distance is still offset's. NULL when no
 * symbol holds it. */
const char *wer__symbolize_function(Dwfl_Module *mod, uint64_t offset,
				    int is_return, uint64_t *ret_offset);

/* The source file of offset (as above, is_return too) with its line in
 * *ret_line, from DWARF, clang's too (dwfl_line.h); NULL when the module
 * has no line for it. */
const char *wer__symbolize_line(Dwfl_Module *mod, uint64_t offset,
				int is_return, int *ret_line);

/* The calls inlined at offset (as above, is_return too) in mod, from its
 * DWARF, innermost first, at most max into out (dwfl_line.h's
 * wer__dwfl_inlines). Returns how many. */
struct wer_dwfl_inline;
size_t wer__symbolize_inlines(Dwfl_Module *mod, uint64_t offset, int is_return,
			      struct wer_dwfl_inline *out, size_t max);

#endif /* WER_SYMBOLIZE_H */
