/* SPDX-License-Identifier: MIT */
/*
 * symbolize.c - names for raw addresses, when `wer show` reads a report
 * that has only them (the crash path's own report: Frame[n]=0xPC
 * /path/module+0xOFFSET lines in Report.wer). elfutils' libdwfl reads
 * each module offline, with its separate debug file where one is
 * installed.
 */
#include <elfutils/libdwfl.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dwfl_line.h"

static const Dwfl_Callbacks offline = {
    .find_elf = dwfl_build_id_find_elf,
    .find_debuginfo = dwfl_standard_find_debuginfo,
    .section_address = dwfl_offline_section_address,
};

int cli_symbolize(const char *module, unsigned long long offset, int call,
		  char *buf, size_t size)
{
	Dwfl *dwfl = dwfl_begin(&offline);
	Dwfl_Module *mod;
	Dwarf_Addr start, addr;
	GElf_Off symoff = 0;
	GElf_Sym sym;
	const char *name, *file;
	int lineno = 0, n;

	if (!dwfl)
		return -1;
	mod = dwfl_report_offline(dwfl, module, module, -1);
	dwfl_report_end(dwfl, NULL, NULL);
	if (!mod || !dwfl_module_info(mod, NULL, &start, NULL, NULL, NULL, NULL,
				      NULL)) {
		dwfl_end(dwfl);
		return -1;
	}
	/* A return address points after its call: look up the call. */
	addr = start + offset - (call ? 1 : 0);
	name = dwfl_module_addrinfo(mod, addr, &symoff, &sym, NULL, NULL, NULL);
	if (!name) {
		dwfl_end(dwfl);
		return -1;
	}
	n = snprintf(buf, size, "%s+0x%llx", name,
		     (unsigned long long)symoff + (call ? 1 : 0));
	if ((file = wer__dwfl_line(mod, addr, &lineno)) && n > 0 &&
	    (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, " at %s:%d", file, lineno);
	dwfl_end(dwfl);
	return 0;
}
