/* SPDX-License-Identifier: MIT */
/*
 * dso_debug.h - the dynamic linker's list of loaded objects (r_debug and
 * its link_map chain), read from a held process for the minidump's
 * DsoDebug stream.
 */
#ifndef WER_DSO_DEBUG_H
#define WER_DSO_DEBUG_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define WER_DSO_MAX	 1024
#define WER_DSO_NAME_MAX 512

struct wer_dso {
	uint64_t addr; /* l_addr: load bias */
	uint64_t ld;   /* l_ld: its dynamic section */
	char name[WER_DSO_NAME_MAX];
};

struct wer_dso_debug {
	int found;
	uint32_t version; /* r_version */
	uint64_t brk, ldbase;
	uint64_t dynamic; /* the executable's dynamic section */
	/* Its entries (Elf64_Dyn), DT_NULL the last: dynamic_len bytes. */
	unsigned char *dynamic_data;
	size_t dynamic_len;
	size_t count;
	struct wer_dso *dsos;
};

/* Follows AT_PHDR/AT_PHNUM (from auxv) to the executable's PT_DYNAMIC, its
 * DT_DEBUG to r_debug, and the link_map chain; every pointer is the
 * process's and is only read through process_vm_readv, every count capped,
 * a loop in the chain cut. Returns 0 (ret->found says whether the list was
 * there) or a negative errno. */
int wer__dso_debug_read(pid_t pid, const void *auxv, size_t auxv_len,
			struct wer_dso_debug *ret);
void wer__dso_debug_free(struct wer_dso_debug *d);

#endif /* WER_DSO_DEBUG_H */
