/* SPDX-License-Identifier: MIT */
/*
 * dwfl_line.h - the source line of an address: werfault's unwinder's,
 * and symbolize.h's (`wer show`, the collector).
 */
#ifndef WER_DWFL_LINE_H
#define WER_DWFL_LINE_H

#include <elfutils/libdwfl.h>
#include <stddef.h>

/* Whether mod's own ELF file has a section called name with contents
 * (not SHT_NOBITS, as a debug file keeps the program's code): ".debug_line"
 * or ".debug_info" says the file carries its DWARF itself, rather than in
 * a separate debug file. */
int wer__dwfl_has_section(Dwfl_Module *mod, const char *name);

/* The file of the line at addr (a module address) in mod, with its number
 * in *lineno, or NULL when the module has no line information for it. */
const char *wer__dwfl_line(Dwfl_Module *mod, Dwarf_Addr addr, int *lineno);

/* A function inlined at an address: its name (the linkage name where
 * DWARF has one: mangled C++; else its name, qualified by the namespaces
 * and classes around it, as gdb shows it) and the source line it is at. */
struct wer_dwfl_inline {
	const char *function; /* in the Dwfl, or qualified[] */
	const char *file;     /* NULL when unknown */
	int line;
	char qualified[256];
};

/* The calls inlined at addr (a module address) in mod, innermost first,
 * at most max of them, into out: out[0] is at addr's own line, each next
 * one at the line that called the one before. *ret_file and *ret_line:
 * the line of the function they are all inlined into, where it called the
 * outermost (or addr's own line when nothing is inlined there). Returns
 * how many; the strings belong to the Dwfl. */
size_t wer__dwfl_inlines(Dwfl_Module *mod, Dwarf_Addr addr,
			 struct wer_dwfl_inline *out, size_t max,
			 const char **ret_file, int *ret_line);

#endif /* WER_DWFL_LINE_H */
