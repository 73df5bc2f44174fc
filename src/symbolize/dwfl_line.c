/* SPDX-License-Identifier: MIT */
/*
 * dwfl_line.c - an address's source line with libdwfl, also where the
 * compiler wrote no address index: clang writes no .debug_aranges, through
 * which alone libdw (0.188) maps an address to its compilation unit, so
 * dwfl_module_getsrc finds nothing in clang-built code. Then the units'
 * own ranges are searched.
 *
 * Inlined calls are the DW_TAG_inlined_subroutine scopes around an
 * address (as eu-stack -i and gdb show them): each names its function
 * (through its abstract origin) and the line that called it
 * (DW_AT_call_file, DW_AT_call_line).
 */
#include <dwarf.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>

#include "dwfl_line.h"

/* The compilation unit holding addr, with its bias: through the address
 * index, else (clang) the units' own ranges. */
static Dwarf_Die *unit_of(Dwfl_Module *mod, Dwarf_Addr addr, Dwarf_Addr *bias)
{
	Dwarf_Die *cu = dwfl_module_addrdie(mod, addr, bias);

	if (cu)
		return cu;
	while ((cu = dwfl_module_nextcu(mod, cu, bias)))
		if (dwarf_haspc(cu, addr - *bias) > 0)
			return cu;
	return NULL;
}

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

/* The inlined function's name: its linkage name, else its name with the
 * namespaces and classes that hold its declaration before it. */
static const char *die_function(Dwarf_Die *die, char *buf, size_t size)
{
	Dwarf_Attribute attr;
	Dwarf_Die origin, *scopes = NULL;
	const char *name;
	size_t len = 0;
	int count;

	if ((name = dwarf_formstring(
		 dwarf_attr_integrate(die, DW_AT_linkage_name, &attr))) ||
	    (name = dwarf_formstring(
		 dwarf_attr_integrate(die, DW_AT_MIPS_linkage_name, &attr))))
		return name;
	if (!(name = dwarf_formstring(
		  dwarf_attr_integrate(die, DW_AT_name, &attr))))
		return "";
	/* The declaration: the abstract origin, or its specification. */
	origin = *die;
	while (
	    dwarf_formref_die(dwarf_attr(&origin, DW_AT_abstract_origin, &attr),
			      &origin) ||
	    dwarf_formref_die(dwarf_attr(&origin, DW_AT_specification, &attr),
			      &origin))
		if (++len > 8)
			return name;
	len = 0;
	buf[0] = '\0';
	count = dwarf_getscopes_die(&origin, &scopes);
	/* scopes[0] is the function itself, the last the unit. */
	for (int i = count - 1; i > 0; i--) {
		int tag = dwarf_tag(&scopes[i]);
		const char *scope = dwarf_diename(&scopes[i]);
		int n;

		if (tag != DW_TAG_namespace && tag != DW_TAG_class_type &&
		    tag != DW_TAG_structure_type && tag != DW_TAG_union_type)
			continue;
		n = snprintf(buf + len, size - len,
			     "%s::", scope ? scope : "(anonymous namespace)");
		if (n < 0 || (size_t)n >= size - len) {
			free(scopes);
			return name;
		}
		len += (size_t)n;
	}
	free(scopes);
	if (!len ||
	    snprintf(buf + len, size - len, "%s", name) >= (int)(size - len))
		return name;
	return buf;
}

size_t wer__dwfl_inlines(Dwfl_Module *mod, Dwarf_Addr addr,
			 struct wer_dwfl_inline *out, size_t max,
			 const char **ret_file, int *ret_line)
{
	Dwarf_Addr bias = 0;
	Dwarf_Die *cu = unit_of(mod, addr, &bias), *scopes = NULL;
	Dwarf_Files *files = NULL;
	size_t file_count = 0, n = 0;
	int count;

	*ret_file = wer__dwfl_line(mod, addr, ret_line);
	if (!cu || (count = dwarf_getscopes(cu, addr - bias, &scopes)) <= 0)
		return 0;
	if (dwarf_getsrcfiles(cu, &files, &file_count) != 0)
		files = NULL;
	for (int i = 0; i < count && n < max; i++) {
		Dwarf_Attribute attr;
		Dwarf_Word file, line;
		int tag = dwarf_tag(&scopes[i]);

		if (tag == DW_TAG_subprogram)
			break; /* the function they are inlined into */
		if (tag != DW_TAG_inlined_subroutine)
			continue;
		out[n].function = die_function(&scopes[i], out[n].qualified,
					       sizeof(out[n].qualified));
		out[n].file = *ret_file;
		out[n].line = *ret_file ? *ret_line : 0;
		n++;
		/* Its caller is at the line that called it. */
		*ret_file = NULL;
		*ret_line = 0;
		if (files &&
		    dwarf_formudata(
			dwarf_attr(&scopes[i], DW_AT_call_file, &attr),
			&file) == 0 &&
		    file < file_count)
			*ret_file = dwarf_filesrc(files, file, NULL, NULL);
		if (dwarf_formudata(
			dwarf_attr(&scopes[i], DW_AT_call_line, &attr),
			&line) == 0 &&
		    line <= 0x7fffffff)
			*ret_line = (int)line;
		if (!*ret_line)
			*ret_file = NULL;
	}
	free(scopes);
	return n;
}

int wer__dwfl_has_section(Dwfl_Module *mod, const char *name)
{
	GElf_Addr bias;
	Elf *elf = dwfl_module_getelf(mod, &bias);
	size_t strndx;
	Elf_Scn *scn = NULL;

	if (!elf || elf_getshdrstrndx(elf, &strndx) < 0)
		return 0;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr shdr;
		const char *found;

		if (!gelf_getshdr(scn, &shdr) || shdr.sh_type == SHT_NOBITS)
			continue;
		found = elf_strptr(elf, strndx, shdr.sh_name);
		if (found && !strcmp(found, name))
			return 1;
	}
	return 0;
}
