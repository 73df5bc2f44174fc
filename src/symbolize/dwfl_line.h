/* SPDX-License-Identifier: MIT */
/*
 * dwfl_line.h - the source line of an address: werfault's unwinder's,
 * and symbolize.h's (`wer show`, the collector).
 */
#ifndef WER_DWFL_LINE_H
#define WER_DWFL_LINE_H

#include <elfutils/libdwfl.h>

/* The file of the line at addr (a module address) in mod, with its number
 * in *lineno, or NULL when the module has no line information for it. */
const char *wer__dwfl_line(Dwfl_Module *mod, Dwarf_Addr addr, int *lineno);

#endif /* WER_DWFL_LINE_H */
