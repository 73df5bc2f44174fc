/* SPDX-License-Identifier: MIT */
/*
 * dwfl_line.c - an address's source line with libdwfl, also where the
 * compiler wrote no address index: clang writes no .debug_aranges, through
 * which alone libdw (0.188) maps an address to its compilation unit, so
 * dwfl_module_getsrc finds nothing in clang-built code. Then the units'
 * own ranges are searched.
 */
#include "dwfl_line.h"

const char *wer__dwfl_line(Dwfl_Module *mod, Dwarf_Addr addr, int *lineno)
{
	Dwfl_Line *dwfl_line = dwfl_module_getsrc(mod, addr);
	Dwarf_Addr bias;
	Dwarf_Die *cu = NULL;
	Dwarf_Line *line;

	if (dwfl_line)
		return dwfl_lineinfo(dwfl_line, NULL, lineno, NULL, NULL, NULL);
	while ((cu = dwfl_module_nextcu(mod, cu, &bias)))
		if (dwarf_haspc(cu, addr - bias) > 0) {
			line = dwarf_getsrc_die(cu, addr - bias);
			if (!line || dwarf_lineno(line, lineno) != 0)
				return NULL;
			return dwarf_linesrc(line, NULL, NULL);
		}
	return NULL;
}
