/* SPDX-License-Identifier: MIT */
/*
 * dso_debug.c - reading r_debug and the link_map chain from outside.
 */
#include <elf.h>
#include <errno.h>
#include <link.h>
#include <stdlib.h>
#include <string.h>

#include "dso_debug.h"
#include "registry_read.h"

static int peek(pid_t pid, uint64_t address, void *buf, size_t len)
{
	return wer__read_process_memory(&pid, address, buf, len);
}

static uint64_t auxv_value(const void *auxv, size_t len, uint64_t type)
{
	const Elf64_auxv_t *a = auxv;

	for (size_t i = 0; i < len / sizeof(*a); i++) {
		if (a[i].a_type == AT_NULL)
			break;
		if (a[i].a_type == type)
			return a[i].a_un.a_val;
	}
	return 0;
}

#define DYNAMIC_MAX   512 /* entries of the executable's dynamic section */
#define DYNAMIC_CHUNK 32  /* entries read at once */

/* The address of r_debug: the executable's program headers give its load
 * bias (PT_PHDR) and its dynamic section (PT_DYNAMIC), whose DT_DEBUG
 * entry the dynamic linker filled. The section's entries, DT_NULL
 * included, are kept in ret (the DsoDebug stream carries them). */
static uint64_t find_r_debug(pid_t pid, const void *auxv, size_t len,
			     struct wer_dso_debug *ret)
{
	Elf64_Dyn *entries;
	uint64_t r_debug = 0;
	uint64_t phdr = auxv_value(auxv, len, AT_PHDR);
	uint64_t phnum = auxv_value(auxv, len, AT_PHNUM);
	uint64_t bias = 0, dynamic = 0;

	if (!phdr || !phnum || phnum > 256)
		return 0;
	/* One read each: the headers, then the dynamic section by chunks
	 * (a syscall costs more than the bytes). */
	{
		Elf64_Phdr ph[256];

		if (peek(pid, phdr, ph, phnum * sizeof(ph[0])) < 0)
			return 0;
		for (uint64_t i = 0; i < phnum; i++)
			if (ph[i].p_type == PT_PHDR)
				bias = phdr - ph[i].p_vaddr;
		for (uint64_t i = 0; i < phnum; i++)
			if (ph[i].p_type == PT_DYNAMIC)
				dynamic = bias + ph[i].p_vaddr;
	}
	if (!dynamic || !(entries = calloc(DYNAMIC_MAX, sizeof(*entries))))
		return 0;
	ret->dynamic = dynamic;
	/* At most DYNAMIC_MAX entries, until DT_NULL. A chunk that runs into
	 * an unreadable page is read entry by entry. */
	for (int i = 0, got = 0; i < DYNAMIC_MAX; i++) {
		Elf64_Dyn *dyn = &entries[i];
		uint64_t at = dynamic + (uint64_t)i * sizeof(*dyn);

		if (i == got) {
			int n = DYNAMIC_MAX - i < DYNAMIC_CHUNK
				    ? DYNAMIC_MAX - i
				    : DYNAMIC_CHUNK;

			if (peek(pid, at, dyn, (size_t)n * sizeof(*dyn)) == 0)
				got = i + n;
			else if (peek(pid, at, dyn, sizeof(*dyn)) == 0)
				got = i + 1;
			else
				break;
		}
		if (dyn->d_tag == DT_DEBUG)
			r_debug = dyn->d_un.d_ptr;
		if (dyn->d_tag == DT_NULL) {
			ret->dynamic_data = (unsigned char *)entries;
			ret->dynamic_len = (size_t)(i + 1) * sizeof(*dyn);
			return r_debug;
		}
	}
	free(entries);
	return 0;
}

int wer__dso_debug_read(pid_t pid, const void *auxv, size_t auxv_len,
			struct wer_dso_debug *ret)
{
	struct r_debug rd;
	uint64_t at;

	memset(ret, 0, sizeof(*ret));
	at = auxv ? find_r_debug(pid, auxv, auxv_len, ret) : 0;
	if (!at || peek(pid, at, &rd, sizeof(rd)) < 0)
		return 0;
	ret->found = 1;
	ret->version = (uint32_t)rd.r_version;
	ret->brk = rd.r_brk;
	ret->ldbase = rd.r_ldbase;
	ret->dsos = calloc(WER_DSO_MAX, sizeof(*ret->dsos));
	if (!ret->dsos)
		return -ENOMEM;
	/* WER_DSO_MAX entries at most: a chain that loops is cut there. */
	for (uint64_t lm = (uint64_t)(uintptr_t)rd.r_map;
	     lm && ret->count < WER_DSO_MAX;) {
		struct link_map map;
		struct wer_dso *d = &ret->dsos[ret->count];

		if (peek(pid, lm, &map, sizeof(map)) < 0)
			break;
		d->addr = map.l_addr;
		d->ld = (uint64_t)(uintptr_t)map.l_ld;
		d->name[0] = '\0';
		if (map.l_name) {
			/* Read the name in one go where the page allows, else
			 * byte by byte up to a NUL. */
			uint64_t name = (uint64_t)(uintptr_t)map.l_name;

			if (peek(pid, name, d->name, sizeof(d->name) - 1) < 0) {
				size_t k;

				for (k = 0; k < sizeof(d->name) - 1; k++)
					if (peek(pid, name + k, &d->name[k],
						 1) < 0 ||
					    !d->name[k])
						break;
				d->name[k] = '\0';
			}
			d->name[sizeof(d->name) - 1] = '\0';
		}
		ret->count++;
		lm = (uint64_t)(uintptr_t)map.l_next;
	}
	return 0;
}

void wer__dso_debug_free(struct wer_dso_debug *d)
{
	free(d->dynamic_data);
	d->dynamic_data = NULL;
	d->dynamic_len = 0;
	free(d->dsos);
	d->dsos = NULL;
	d->count = 0;
}
