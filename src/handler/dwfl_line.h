/* SPDX-License-Identifier: MIT */
/*
 * dwfl_line.h - the source line of an address, for werfault's unwinder
 * and for `wer show` (which symbolizes degraded reports).
 */
#ifndef WER_DWFL_LINE_H
#define WER_DWFL_LINE_H

#include <elfutils/libdwfl.h>

/* The file of the line at addr (a module address) in mod, with its number
 * in *lineno, or NULL when the module has no line information for it. */
const char *wer__dwfl_line(Dwfl_Module *mod, Dwarf_Addr addr, int *lineno);

#endif /* WER_DWFL_LINE_H */
