/* SPDX-License-Identifier: MIT */
/*
 * symbolize.c - names for raw addresses, when `wer show` reads a report
 * that has only them (the crash path's own report: Frame[n]=0xPC
 * /path/module+0xOFFSET lines in Report.wer). src/symbolize reads each
 * module offline, with its separate debug file where one is installed.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "demangle.h"
#include "symbolize.h"

int cli_symbolize(const char *module, unsigned long long offset, int call,
		  char *buf, size_t size)
{
	Dwfl *dwfl;
	Dwfl_Module *mod =
	    wer__symbolize_open(module, WER_SYMBOLIZE_DEBUG_FILES, &dwfl);
	uint64_t symoff = 0;
	const char *name, *file;
	char *readable;
	int lineno = 0, n;

	name = wer__symbolize_function(mod, offset, call, &symoff);
	if (!name) {
		dwfl_end(dwfl);
		return -1;
	}
	readable = wer__demangle(name);
	n = snprintf(buf, size, "%s+0x%llx", readable ? readable : name,
		     (unsigned long long)symoff);
	free(readable);
	if ((file = wer__symbolize_line(mod, offset, call, &lineno)) && n > 0 &&
	    (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, " at %s:%d", file, lineno);
	dwfl_end(dwfl);
	return 0;
}
