/* SPDX-License-Identifier: MIT */
/*
 * minidump_facts FILE - prints what openwer's minidump reader finds in a
 * minidump, one `name=value` per line, for the crash tests to compare with
 * the report's other files.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "minidump_read.h"

#define FILE_MAX (512u * 1024 * 1024)

int main(int argc, char **argv)
{
	struct wer_md_facts *f = malloc(sizeof(*f));
	FILE *in;
	unsigned char *data;
	size_t size;
	int r;

	if (argc != 2 || !f) {
		fprintf(stderr, "usage: minidump_facts FILE\n");
		return 2;
	}
	in = fopen(argv[1], "rb");
	if (!in || fseek(in, 0, SEEK_END) < 0 || (long)(size = ftell(in)) < 0 ||
	    size > FILE_MAX || fseek(in, 0, SEEK_SET) < 0 ||
	    !(data = malloc(size ? size : 1)) ||
	    fread(data, 1, size, in) != size) {
		fprintf(stderr, "minidump_facts: cannot read %s\n", argv[1]);
		return 1;
	}
	fclose(in);
	r = wer_minidump_facts(data, size, f);
	printf("valid=%s\nstreams=%u\nthreads=%u\ncpus=%u\narch=%u\n",
	       r == 0 ? "yes" : "no", f->stream_count, f->thread_count,
	       f->cpu_count, f->cpu_arch);
	printf("crashed_tid=%u\nsignal=%u\ncode=%u\naddress=0x%llx\n"
	       "pc=0x%llx\n",
	       f->crashed_tid, f->signal, f->code,
	       (unsigned long long)f->address,
	       (unsigned long long)f->crashed_pc);
	printf("modules=%u\nmemory_ranges=%u\nmemory_bytes=%llu\n",
	       f->module_count, f->memory_ranges,
	       (unsigned long long)f->memory_bytes);
	for (uint32_t i = 0; i < f->module_count && i < WER_MD_MODULES_MAX; i++)
		printf("module=%s %s\n", f->modules[i].name,
		       f->modules[i].build_id);
	for (uint32_t i = 0; i < f->annotation_count; i++)
		printf("annotation=%s=%s\n", f->annotations[i].key,
		       f->annotations[i].value);
	free(data);
	free(f);
	return r == 0 ? 0 : 1;
}
