/* SPDX-License-Identifier: MIT */
/*
 * fuzz_core_read - libFuzzer target for werfault's reader of ELF cores
 * (src/handler/core.c), the system mode's front-end: any bytes as a core,
 * read from a file (as `werfault --core-file` does); never a crash, never
 * a read outside what it read, the snapshot within its caps.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core.h"
#include "io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* One snapshot, zeroed again after each input but for the modules
	 * it did not use (4 MiB of paths: zeroing them all is most of a
	 * run's time). */
	static struct wer_snapshot *s;
	static int fd = -1;
	const size_t mod_at = offsetof(struct wer_snapshot, modules),
		     mod_end = mod_at + sizeof(s->modules);
	char why[256];

	if (!s)
		s = calloc(1, sizeof(*s));
	if (fd < 0)
		fd = memfd_create("fuzz_core", MFD_CLOEXEC);
	if (!s || fd < 0 || ftruncate(fd, 0) < 0 ||
	    wer_write_all(fd, data, size) < 0 || lseek(fd, 0, SEEK_SET) < 0)
		return 0;
	wer__snapshot_init(s);
	if (wer__core_read(fd, s, why, sizeof(why)) == 0) {
		if (!s->thread_count ||
		    s->thread_count > WER_SNAPSHOT_THREADS_MAX ||
		    s->maps.len > WER_SNAPSHOT_MAPS_MAX ||
		    s->module_count > WER_SNAPSHOT_MODULES_MAX)
			abort();
		for (size_t i = 0; i < s->thread_count; i++)
			if (s->threads[i].stack_size > WER_CORE_STACK_MAX)
				abort();
		if (s->stack_bytes > WER_CORE_STACKS_TOTAL)
			abort();
	}
	wer__snapshot_free(s);
	memset(s->modules, 0, s->module_count * sizeof(s->modules[0]));
	memset(s, 0, mod_at);
	memset((char *)s + mod_end, 0, sizeof(*s) - mod_end);
	return 0;
}
