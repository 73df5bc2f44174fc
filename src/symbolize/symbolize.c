/* SPDX-License-Identifier: MIT */
/*
 * symbolize.c - a module's offset to function+offset and file:line with
 * libdwfl, offline (symbolize.h).
 */
#include "dwfl_line.h"
#include "symbolize.h"

static int no_elf(Dwfl_Module *mod, void **userdata, const char *name,
		  Dwarf_Addr base, char **file_name, Elf **elfp)
{
	(void)mod, (void)userdata, (void)name, (void)base, (void)file_name;
	(void)elfp;
	return -1;
}

static int no_debuginfo(Dwfl_Module *mod, void **userdata, const char *name,
			Dwarf_Addr base, const char *file_name,
			const char *debuglink_file, GElf_Word debuglink_crc,
			char **debuginfo_file_name)
{
	(void)mod, (void)userdata, (void)name, (void)base, (void)file_name;
	(void)debuglink_file, (void)debuglink_crc, (void)debuginfo_file_name;
	return -1;
}

static const Dwfl_Callbacks file_only = {
    .find_elf = no_elf,
    .find_debuginfo = no_debuginfo,
    .section_address = dwfl_offline_section_address,
};

static const Dwfl_Callbacks debug_files = {
    .find_elf = dwfl_build_id_find_elf,
    .find_debuginfo = dwfl_standard_find_debuginfo,
    .section_address = dwfl_offline_section_address,
};

Dwfl_Module *wer__symbolize_open(const char *path,
				 enum wer_symbolize_search search,
				 Dwfl **ret_dwfl)
{
	Dwfl *dwfl = dwfl_begin(
	    search == WER_SYMBOLIZE_DEBUG_FILES ? &debug_files : &file_only);
	Dwfl_Module *mod;

	*ret_dwfl = dwfl;
	if (!dwfl)
		return NULL;
	mod = dwfl_report_offline(dwfl, path, path, -1);
	dwfl_report_end(dwfl, NULL, NULL);
	return mod;
}

/* The module address to look up for offset: a return address's call is
 * the byte before it (when there is one in the module). 0 when the
 * module has no address. */
static int lookup_address(Dwfl_Module *mod, uint64_t offset, int is_return,
			  Dwarf_Addr *ret)
{
	Dwarf_Addr start;

	if (!mod ||
	    !dwfl_module_info(mod, NULL, &start, NULL, NULL, NULL, NULL, NULL))
		return 0;
	*ret = start + offset - (is_return && offset ? 1 : 0);
	return 1;
}

const char *wer__symbolize_function(Dwfl_Module *mod, uint64_t offset,
				    int is_return, uint64_t *ret_offset)
{
	Dwarf_Addr addr;
	GElf_Off off = 0;
	GElf_Sym sym;
	const char *name;

	if (!lookup_address(mod, offset, is_return, &addr))
		return NULL;
	name = dwfl_module_addrinfo(mod, addr, &off, &sym, NULL, NULL, NULL);
	if (name)
		*ret_offset = off + (is_return && offset ? 1 : 0);
	return name;
}

const char *wer__symbolize_line(Dwfl_Module *mod, uint64_t offset,
				int is_return, int *ret_line)
{
	Dwarf_Addr addr;
	const char *file;
	int line = 0;

	if (!lookup_address(mod, offset, is_return, &addr))
		return NULL;
	file = wer__dwfl_line(mod, addr, &line);
	if (file)
		*ret_line = line;
	return file;
}

size_t wer__symbolize_inlines(Dwfl_Module *mod, uint64_t offset, int is_return,
			      struct wer_dwfl_inline *out, size_t max)
{
	Dwarf_Addr addr;
	const char *file;
	int line;

	if (!lookup_address(mod, offset, is_return, &addr))
		return 0;
	return wer__dwfl_inlines(mod, addr, out, max, &file, &line);
}
