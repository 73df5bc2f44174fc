/* SPDX-License-Identifier: MIT */
/*
 * minidump.c - the minidump writer.
 *
 * Layout: header, stream directory, then each stream's data appended in
 * turn; lists whose entries point to data (threads, modules, names) are
 * written after that data, so every RVA is known when it is written. Only
 * the directory is patched at the end. Streams: SystemInfo, MiscInfo,
 * ThreadList, ThreadNameList, ModuleList (ELF build ids as 'BpEL' CodeView
 * records), MemoryList (stacks, memory around the fault and the crashed
 * thread's registers, registered memory blocks), Exception, the Linux
 * streams, and Crashpad's info stream with the custom metadata as simple
 * annotations.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "crash_format.h"
#include "io.h"
#include "maps.h"
#include "minidump.h"
#include "minidump_format.h"
#include "text.h"

#define MAX_STREAMS 20
#define MAX_MEMORY                                                             \
	(WER_SNAPSHOT_THREADS_MAX + WER_SNAPSHOT_MEMORY_MAX +                  \
	 WER_REG_RANGE_SLOTS)

struct writer {
	int fd;
	uint64_t offset; /* where the next append goes */
	int error;	 /* first negative errno, sticky */
	md_directory_t dir[MAX_STREAMS];
	uint32_t stream_count;
	/* Write-behind: bytes for [buf_at, buf_at + buf_len) not yet
	 * written. Dumps are mostly appends of small items (a memory info
	 * entry per mapping, a hundred thousand for a hostile process): one
	 * write per 64 KiB, not one per item. */
	uint64_t buf_at;
	size_t buf_len;
	unsigned char buf[64 * 1024];
};

static void write_at(struct writer *w, uint64_t at, const void *data,
		     size_t len)
{
	const char *p = data;

	while (!w->error && len) {
		ssize_t n = pwrite(w->fd, p, len, (off_t)at);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			w->error = n < 0 ? -errno : -EIO;
			return;
		}
		p += n;
		at += (uint64_t)n;
		len -= (size_t)n;
	}
}

static void flush(struct writer *w)
{
	if (w->buf_len)
		write_at(w, w->buf_at, w->buf, w->buf_len);
	w->buf_len = 0;
}

static void put_at(struct writer *w, uint64_t at, const void *data, size_t len)
{
	if (at != w->buf_at + w->buf_len || len > sizeof(w->buf) / 2) {
		/* Not a continuation, or large: straight to the file. */
		flush(w);
		if (len > sizeof(w->buf) / 2) {
			write_at(w, at, data, len);
			w->buf_at = at + len;
			return;
		}
		w->buf_at = at;
	}
	if (w->buf_len + len > sizeof(w->buf)) {
		flush(w);
		w->buf_at = at;
	}
	memcpy(w->buf + w->buf_len, data, len);
	w->buf_len += len;
}

/* Appends data, 4-byte aligned; returns its RVA (0 once past 4 GiB: the
 * format's RVAs are 32-bit, so the writer stops there). */
static uint32_t append(struct writer *w, const void *data, size_t len)
{
	static const char zero[8];
	uint64_t at = (w->offset + 3) & ~(uint64_t)3;

	if (at + len > UINT32_MAX) {
		if (!w->error)
			w->error = -EFBIG;
		return 0;
	}
	if (at > w->offset)
		put_at(w, w->offset, zero, at - w->offset);
	put_at(w, at, data, len);
	w->offset = at + len;
	return (uint32_t)at;
}

static md_location_t append_location(struct writer *w, const void *data,
				     size_t len)
{
	md_location_t loc = {(uint32_t)len, append(w, data, len)};

	return loc;
}

static void add_stream(struct writer *w, uint32_t type, md_location_t loc)
{
	if (w->stream_count < MAX_STREAMS && loc.rva)
		w->dir[w->stream_count++] = (md_directory_t){type, loc};
}

/* A MINIDUMP_STRING: UTF-16 length in bytes, the characters, a NUL. Bytes
 * that are not UTF-8 become U+FFFD. */
static uint32_t append_utf16(struct writer *w, const char *s)
{
	size_t len = strlen(s), n = 0;
	uint16_t *buf = malloc((len + 1) * 2 * sizeof(uint16_t) + 4);
	uint32_t rva, bytes;

	if (!buf) {
		w->error = -ENOMEM;
		return 0;
	}
	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)s[i];
		uint32_t cp = 0xFFFD;
		size_t k = 1, need = c < 0x80		  ? 0
				     : (c & 0xE0) == 0xC0 ? 1
				     : (c & 0xF0) == 0xE0 ? 2
				     : (c & 0xF8) == 0xF0 ? 3
							  : 4;

		if (need == 0) {
			cp = c;
		} else if (need < 4 && i + need < len + 1) {
			uint32_t v = c & (0x3F >> need);

			for (k = 1; k <= need && i + k < len &&
				    ((unsigned char)s[i + k] & 0xC0) == 0x80;
			     k++)
				v = (v << 6) | ((unsigned char)s[i + k] & 0x3F);
			if (k == need + 1)
				cp = v;
		}
		i += k;
		if (cp >= 0x10000 && cp <= 0x10FFFF) {
			cp -= 0x10000;
			buf[2 + n++] = (uint16_t)(0xD800 | (cp >> 10));
			buf[2 + n++] = (uint16_t)(0xDC00 | (cp & 0x3FF));
		} else {
			buf[2 + n++] = (uint16_t)(cp > 0xFFFF ? 0xFFFD : cp);
		}
	}
	bytes = (uint32_t)(n * 2);
	memcpy(buf, &bytes, sizeof(bytes));
	buf[2 + n] = 0;
	rva = append(w, buf, 4 + n * 2 + 2);
	free(buf);
	return rva;
}

/* Crashpad's MinidumpUTF8String: byte length, the bytes, a NUL. */
static uint32_t append_utf8(struct writer *w, const char *s)
{
	uint32_t len = (uint32_t)strlen(s);
	uint32_t rva = append(w, &len, sizeof(len));

	put_at(w, w->offset, s, len + 1u);
	w->offset += len + 1u;
	return rva;
}

/* ---- streams ----------------------------------------------------------------
 */

/* A module's name in the dump: its path with the file name replaced by its
 * DT_SONAME where it has one (what Breakpad's writer does: dump_syms files
 * a library's symbols under its SONAME, libstdc++.so.6, not the file's
 * name, libstdc++.so.6.0.30). */
static const char *module_name(const struct wer_snapshot_module *m,
			       char buf[PATH_MAX])
{
	const char *slash = strrchr(m->path, '/');
	int n;

	if (!m->soname[0] || !slash || !strcmp(slash + 1, m->soname))
		return m->path;
	n = snprintf(buf, PATH_MAX, "%.*s/%s", (int)(slash - m->path), m->path,
		     m->soname);
	return n > 0 && n < PATH_MAX ? buf : m->path;
}

static void write_system_info(struct writer *w, const struct wer_snapshot *s)
{
	const struct wer_cpu_ops *ops = wer__cpu_ops(s->arch);
	const struct wer_snapshot_system *sys = &s->system;
	md_system_info_t info;
	char version[512];
	unsigned major = 0, minor = 0, build = 0;

	memset(&info, 0, sizeof(info));
	if (ops)
		ops->md_cpu_info(&sys->cpu_id, &info);
	info.number_of_processors =
	    (uint8_t)(sys->cpu_count > 255 ? 255 : sys->cpu_count);
	info.platform_id = MD_OS_LINUX;
	if (sys->os_name[0]) {
		sscanf(sys->os_release, "%u.%u.%u", &major, &minor, &build);
		info.major_version = major;
		info.minor_version = minor;
		info.build_number = build;
		snprintf(version, sizeof(version), "%s %s %s %s", sys->os_name,
			 sys->os_release, sys->os_version, sys->machine);
		info.csd_version_rva = append_utf16(w, version);
	}
	add_stream(w, MD_SYSTEM_INFO_STREAM,
		   append_location(w, &info, sizeof(info)));
}

static void write_misc_info(struct writer *w, const struct wer_snapshot *s)
{
	md_misc_info_t misc = {.size_of_info = sizeof(misc),
			       .flags1 = MD_MISCINFO_FLAGS1_PROCESS_ID,
			       .process_id = (uint32_t)s->pid};
	const char *close_paren =
	    s->stat.data ? strrchr(s->stat.data, ')') : NULL;
	unsigned long long utime, stime, start;
	long ticks = s->system.clock_ticks;

	/* /proc/PID/stat after the command's ')': state is field 3, utime
	 * 14, stime 15, starttime 22. */
	if (close_paren && ticks > 0 && s->system.boot_time &&
	    sscanf(close_paren + 2,
		   "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu "
		   "%*d %*d %*d %*d %*d %*d %llu",
		   &utime, &stime, &start) == 3) {
		misc.flags1 |= MD_MISCINFO_FLAGS1_PROCESS_TIMES;
		misc.process_create_time =
		    (uint32_t)(s->system.boot_time +
			       start / (unsigned long)ticks);
		misc.process_user_time =
		    (uint32_t)(utime / (unsigned long)ticks);
		misc.process_kernel_time =
		    (uint32_t)(stime / (unsigned long)ticks);
	}
	add_stream(w, MD_MISC_INFO_STREAM,
		   append_location(w, &misc, sizeof(misc)));
}

/* Threads (contexts and stacks), the thread list, the names, and the
 * exception stream, which points at the crashed thread's context. Stack
 * descriptors are collected into mem for the memory list. */
static void write_threads(struct writer *w, const struct wer_snapshot *c,
			  md_memory_descriptor_t *mem, size_t *mem_count)
{
	const struct wer_cpu_ops *ops = wer__cpu_ops(c->arch);
	size_t n = c->thread_count, ctx_size = ops ? ops->md_context_size : 0;
	md_thread_t *threads = calloc(n ? n : 1, sizeof(*threads));
	md_thread_name_t *names = calloc(n ? n : 1, sizeof(*names));
	void *ctx = malloc(ctx_size);
	md_location_t crashed_ctx = {0, 0};
	uint32_t count = (uint32_t)n;

	if (!threads || !names || !ctx || !ops) {
		w->error = ops ? -ENOMEM : -ENOTSUP;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		const struct wer_snapshot_thread *t = &c->threads[i];

		threads[i].thread_id = (uint32_t)t->tid;
		memset(ctx, 0, ctx_size);
		if (t->have_regs)
			ops->md_context(&t->cpu, ctx);
		threads[i].thread_context = append_location(w, ctx, ctx_size);
		if (t->crashed)
			crashed_ctx = threads[i].thread_context;
		if (t->stack) {
			threads[i].stack.start_of_memory_range = t->stack_start;
			threads[i].stack.memory =
			    append_location(w, t->stack, t->stack_size);
			mem[(*mem_count)++] = threads[i].stack;
		}
		names[i].thread_id = (uint32_t)t->tid;
		names[i].thread_name_rva = append_utf16(w, t->name);
	}
	{
		uint32_t rva = append(w, &count, sizeof(count));

		put_at(w, w->offset, threads, n * sizeof(*threads));
		w->offset += n * sizeof(*threads);
		add_stream(w, MD_THREAD_LIST_STREAM,
			   (md_location_t){(uint32_t)(w->offset - rva), rva});
		rva = append(w, &count, sizeof(count));
		put_at(w, w->offset, names, n * sizeof(*names));
		w->offset += n * sizeof(*names);
		add_stream(w, MD_THREAD_NAME_LIST_STREAM,
			   (md_location_t){(uint32_t)(w->offset - rva), rva});
	}
	if (c->have_crash) {
		md_exception_stream_t e;

		memset(&e, 0, sizeof(e));
		e.thread_id = (uint32_t)c->crash.tid;
		e.exception_record.exception_code = (uint32_t)c->crash.signo;
		e.exception_record.exception_flags = (uint32_t)c->crash.code;
		/* si_addr means something only for faults the kernel
		 * raised. */
		e.exception_record.exception_address =
		    c->crash.code > 0 ? c->crash.address : 0;
		e.thread_context = crashed_ctx;
		add_stream(w, MD_EXCEPTION_STREAM,
			   append_location(w, &e, sizeof(e)));
	}
out:
	free(threads);
	free(names);
	free(ctx);
}

static void write_modules(struct writer *w, const struct wer_snapshot *r)
{
	size_t n = r->module_count;
	md_module_t *mods = calloc(n ? n : 1, sizeof(*mods));
	uint32_t count = (uint32_t)n, rva;

	if (!mods) {
		w->error = -ENOMEM;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct wer_snapshot_module *m = &r->modules[i];
		const char *id = m->build_id;
		char name[PATH_MAX];
		unsigned char cv[4 + 64];
		size_t len = 4;
		uint32_t sig = MD_CVINFOELF_SIGNATURE;

		mods[i].base_of_image = m->base;
		mods[i].size_of_image = (uint32_t)(m->end - m->base);
		mods[i].module_name_rva = append_utf16(w, module_name(m, name));
		memcpy(cv, &sig, 4);
		len += wer_hex_decode(id, strlen(id), cv + 4, sizeof(cv) - 4);
		if (len > 4)
			mods[i].cv_record = append_location(w, cv, len);
	}
	rva = append(w, &count, sizeof(count));
	put_at(w, w->offset, mods, n * sizeof(*mods));
	w->offset += n * sizeof(*mods);
	add_stream(w, MD_MODULE_LIST_STREAM,
		   (md_location_t){(uint32_t)(w->offset - rva), rva});
	free(mods);
}

/* Nonzero when a full dump's ranges hold [start, start + size). */
static int in_full_dump(const struct wer_snapshot *r, uint64_t start,
			uint64_t size)
{
	for (size_t i = 0; i < r->full.count; i++)
		if (start >= r->full.ranges[i].start &&
		    start + size <=
			r->full.ranges[i].start + r->full.ranges[i].size)
			return 1;
	return 0;
}

/* Copies a full dump's range from its staging file, a chunk at a time. */
static md_location_t append_full_range(struct writer *w,
				       const struct wer_snapshot *r,
				       const struct wer_full_range *range)
{
	enum { CHUNK = 1 << 20 };
	unsigned char *buf = malloc(CHUNK);
	md_location_t loc = {0, 0};
	uint64_t done = 0;

	if (!buf) {
		w->error = -ENOMEM;
		return loc;
	}
	loc.rva = append(w, NULL, 0);
	while (!w->error && done < range->size) {
		size_t want = range->size - done < CHUNK
				  ? (size_t)(range->size - done)
				  : CHUNK;
		ssize_t n =
		    pread(r->full.fd, buf, want, (off_t)(range->offset + done));

		if (n <= 0) {
			w->error = n < 0 ? -errno : -EIO;
			break;
		}
		if (w->offset + (uint64_t)n > UINT32_MAX) {
			w->error = -EFBIG;
			break;
		}
		put_at(w, w->offset, buf, (size_t)n);
		w->offset += (uint64_t)n;
		done += (uint64_t)n;
	}
	loc.data_size = (uint32_t)done;
	free(buf);
	return loc;
}

static int by_start(const void *a, const void *b)
{
	uint64_t x = ((const md_memory_descriptor_t *)a)->start_of_memory_range;
	uint64_t y = ((const md_memory_descriptor_t *)b)->start_of_memory_range;

	return (x > y) - (x < y);
}

/* Sorts the descriptors and trims each where an earlier one already holds
 * its bytes (a window around a register value inside a stack, two windows
 * around nearby values): readers refuse overlapping ranges. Returns the
 * new count. */
static size_t without_overlaps(md_memory_descriptor_t *mem, size_t count)
{
	uint64_t end = 0;
	size_t kept = 0;

	qsort(mem, count, sizeof(*mem), by_start);
	for (size_t i = 0; i < count; i++) {
		md_memory_descriptor_t d = mem[i];
		uint64_t start = d.start_of_memory_range;
		uint64_t stop = start + d.memory.data_size;

		if (kept && start < end) {
			if (stop <= end)
				continue;
			d.memory.rva += (uint32_t)(end - start);
			d.memory.data_size -= (uint32_t)(end - start);
			d.start_of_memory_range = end;
		}
		if (!d.memory.data_size)
			continue;
		mem[kept++] = d;
		if (stop > end)
			end = stop;
	}
	return kept;
}

static void write_memory(struct writer *w, const struct wer_snapshot *r,
			 md_memory_descriptor_t *mem, size_t mem_count)
{
	const struct wer_snapshot *c = r;
	uint32_t count, rva;

	/* A full dump's ranges hold the stacks already: the list keeps one
	 * copy of every byte (readers refuse overlapping ranges). */
	if (r->full.count) {
		size_t kept = 0;

		for (size_t i = 0; i < mem_count; i++)
			if (!in_full_dump(r, mem[i].start_of_memory_range,
					  mem[i].memory.data_size))
				mem[kept++] = mem[i];
		mem_count = kept;
	}
	for (size_t i = 0; i < c->memory_count; i++) {
		if (in_full_dump(r, c->memory[i].start, c->memory[i].size))
			continue;
		mem[mem_count].start_of_memory_range = c->memory[i].start;
		mem[mem_count++].memory =
		    append_location(w, c->memory[i].data, c->memory[i].size);
	}
	for (size_t i = 0; i < r->block_count; i++) {
		if (!r->block_data[i] ||
		    in_full_dump(r, r->registry.range[i].address,
				 r->registry.range[i].size))
			continue;
		mem[mem_count].start_of_memory_range =
		    r->registry.range[i].address;
		mem[mem_count++].memory = append_location(
		    w, r->block_data[i], r->registry.range[i].size);
	}
	mem_count = without_overlaps(mem, mem_count);
	count = (uint32_t)mem_count;
	rva = append(w, &count, sizeof(count));
	put_at(w, w->offset, mem, mem_count * sizeof(*mem));
	w->offset += mem_count * sizeof(*mem);
	if (r->full.count) {
		/* The full dump's ranges, streamed from the staging file;
		 * their descriptors follow the others in the list. */
		size_t full_count = r->full.count;
		md_memory_descriptor_t *full =
		    calloc(full_count, sizeof(*full));
		uint64_t list_end = w->offset;

		if (!full) {
			w->error = -ENOMEM;
			return;
		}
		w->offset += full_count * sizeof(*full);
		for (size_t i = 0; i < full_count; i++) {
			full[i].start_of_memory_range = r->full.ranges[i].start;
			full[i].memory =
			    append_full_range(w, r, &r->full.ranges[i]);
		}
		put_at(w, list_end, full, full_count * sizeof(*full));
		count += (uint32_t)full_count;
		put_at(w, rva, &count, sizeof(count));
		add_stream(
		    w, MD_MEMORY_LIST_STREAM,
		    (md_location_t){
			(uint32_t)(list_end - rva + full_count * sizeof(*full)),
			rva});
		free(full);
		return;
	}
	add_stream(w, MD_MEMORY_LIST_STREAM,
		   (md_location_t){(uint32_t)(w->offset - rva), rva});
}

/* Every mapping of /proc/PID/maps as a MemoryInfoList entry. */
static void write_memory_info(struct writer *w, const struct wer_snapshot *r)
{
	static struct wer_maps_line line;
	size_t at = 0;
	md_memory_info_list_t head = {sizeof(head), sizeof(md_memory_info_t),
				      0};
	uint32_t rva;

	if (!r->maps.data)
		return;
	rva = append(w, &head, sizeof(head));
	while (wer__maps_next(r->maps.data, r->maps.len, &at, &line)) {
		int rd = line.perms[0] == 'r', wr = line.perms[1] == 'w',
		    ex = line.perms[2] == 'x';
		md_memory_info_t info;

		memset(&info, 0, sizeof(info));
		info.base_address = info.allocation_base = line.lo;
		info.region_size = line.hi - line.lo;
		info.state = MD_MEMORY_STATE_COMMIT;
		info.protection = ex   ? (wr   ? MD_MEMORY_PAGE_EXECUTE_READWRITE
					  : rd ? MD_MEMORY_PAGE_EXECUTE_READ
					       : MD_MEMORY_PAGE_EXECUTE)
				  : wr ? MD_MEMORY_PAGE_READWRITE
				  : rd ? MD_MEMORY_PAGE_READONLY
				       : MD_MEMORY_PAGE_NOACCESS;
		info.allocation_protection = info.protection;
		info.type = line.name[0] == '/'	   ? MD_MEMORY_TYPE_IMAGE
			    : line.perms[3] == 's' ? MD_MEMORY_TYPE_MAPPED
						   : MD_MEMORY_TYPE_PRIVATE;
		put_at(w, w->offset, &info, sizeof(info));
		w->offset += sizeof(info);
		head.number_of_entries++;
	}
	put_at(w, rva, &head, sizeof(head));
	add_stream(w, MD_MEMORY_INFO_LIST_STREAM,
		   (md_location_t){(uint32_t)(w->offset - rva), rva});
}

/* A Linux stream: a text of the snapshot, when it has one. */
static void write_text_stream(struct writer *w, uint32_t type,
			      const struct wer_snapshot_text *t)
{
	if (t->data && t->len)
		add_stream(w, type, append_location(w, t->data, t->len));
}

static void write_linux_streams(struct writer *w, const struct wer_snapshot *r)
{
	write_text_stream(w, MD_LINUX_CPU_INFO, &r->system.cpuinfo);
	write_text_stream(w, MD_LINUX_PROC_STATUS, &r->status);
	write_text_stream(w, MD_LINUX_LSB_RELEASE, &r->system.os_release_file);
	if (r->cmdline_len)
		add_stream(w, MD_LINUX_CMD_LINE,
			   append_location(w, r->cmdline, r->cmdline_len));
	write_text_stream(w, MD_LINUX_ENVIRON, &r->environ);
	write_text_stream(w, MD_LINUX_AUXV, &r->auxv);
	write_text_stream(w, MD_LINUX_MAPS, &r->maps);
}

/* The dynamic linker's list of loaded objects. */
static void write_dso_debug(struct writer *w, const struct wer_snapshot *r)
{
	const struct wer_dso_debug *d = &r->dso;
	md_link_map_t *maps;
	md_debug_t debug;

	if (!d->found)
		return;
	maps = calloc(d->count ? d->count : 1, sizeof(*maps));
	if (!maps) {
		w->error = -ENOMEM;
		return;
	}
	for (size_t i = 0; i < d->count; i++) {
		maps[i].addr = d->dsos[i].addr;
		maps[i].ld = d->dsos[i].ld;
		maps[i].name = append_utf16(w, d->dsos[i].name);
	}
	memset(&debug, 0, sizeof(debug));
	debug.version = d->version;
	debug.dso_count = (uint32_t)d->count;
	debug.brk = d->brk;
	debug.ldbase = d->ldbase;
	debug.dynamic = d->dynamic;
	debug.map = append(w, maps, d->count * sizeof(*maps));
	/* r_debug, then the executable's dynamic section (as Breakpad's
	 * writer has it: minidump-2-core rebuilds the core's from it). */
	{
		md_location_t at = append_location(w, &debug, sizeof(debug));

		if (d->dynamic_len) {
			append(w, d->dynamic_data, d->dynamic_len);
			at.data_size += (uint32_t)d->dynamic_len;
		}
		add_stream(w, MD_LINUX_DSO_DEBUG, at);
	}
	free(maps);
}

/* Crashpad's info stream: the custom metadata as simple annotations, then
 * what killed the process in words, under keys no metadata has (a key
 * has no ':'). */
static void write_crashpad_info(struct writer *w, const struct wer_snapshot *r)
{
	const char *reason_key[] = {
	    "openwer:abort_message", "openwer:exception_type",
	    "openwer:exception_what", "openwer:reraised"};
	const char *reason[] = {r->crash.abort_message, r->crash.exception_type,
				r->crash.exception_message,
				r->crash.reraise_signo
				    ? wer__signal_name(r->crash.reraise_signo)
				    : ""};
	size_t n = r->have_registry ? r->registry.meta_count : 0;
	md_string_dictionary_entry_t *entries = calloc(n + 4, sizeof(*entries));
	md_crashpad_info_t info;
	uint32_t count, rva;

	if (!entries) {
		w->error = -ENOMEM;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		entries[i].key = append_utf8(w, r->registry.meta[i].key);
		entries[i].value = append_utf8(w, r->registry.meta[i].value);
	}
	for (size_t i = 0; r->have_crash && i < 4; i++) {
		if (!reason[i][0])
			continue;
		entries[n].key = append_utf8(w, reason_key[i]);
		entries[n++].value = append_utf8(w, reason[i]);
	}
	count = (uint32_t)n;
	rva = append(w, &count, sizeof(count));
	put_at(w, w->offset, entries, n * sizeof(*entries));
	w->offset += n * sizeof(*entries);
	memset(&info, 0, sizeof(info));
	info.version = 1;
	info.simple_annotations =
	    (md_location_t){(uint32_t)(w->offset - rva), rva};
	/* A random report id, as Crashpad gives each report. */
	(void)!getrandom(info.report_id.bytes, sizeof(info.report_id.bytes), 0);
	add_stream(w, MD_CRASHPAD_INFO_STREAM,
		   append_location(w, &info, sizeof(info)));
	free(entries);
}

/* The dump between wer__minidump_begin and wer__minidump_end: werfault
 * writes one at a time. 64 KiB of buffer: not on the stack. */
static struct writer pending;
static int pending_open;

int wer__minidump_begin(int dir_fd, const char *name,
			const struct wer_snapshot *r)
{
	struct writer *w = &pending;
	md_memory_descriptor_t *mem;
	size_t mem_count = 0;

	if (pending_open)
		return -EBUSY;
	/* Its state, not its 64 KiB buffer nor its directory: only what is
	 * put there is read (16 pages not touched for nothing). */
	w->offset = w->buf_at = 0;
	w->buf_len = 0;
	w->error = 0;
	w->stream_count = 0;
	w->fd =
	    openat(dir_fd, name,
		   O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (w->fd < 0)
		return -errno;
	/* Not zeroed: only the entries filled are read (and calloc's zeroing
	 * of 100 KiB taken from the heap was 20 page faults). */
	mem = malloc(MAX_MEMORY * sizeof(*mem));
	if (!mem) {
		close(w->fd);
		return -ENOMEM;
	}
	/* Header and directory first; both are filled at the end. The
	 * module list, which needs the unwinder's build ids, is the last
	 * stream (wer__minidump_end). */
	w->offset = sizeof(md_header_t) + sizeof(w->dir);
	write_system_info(w, r);
	write_misc_info(w, r);
	if (r->have_threads) {
		write_threads(w, r, mem, &mem_count);
		write_memory(w, r, mem, mem_count);
	}
	write_memory_info(w, r);
	write_linux_streams(w, r);
	write_dso_debug(w, r);
	write_crashpad_info(w, r);
	free(mem);
	/* On disk now: a sync meanwhile finds it written. */
	flush(w);
	if (w->error) {
		close(w->fd);
		return w->error;
	}
	wer_start_writeback(w->fd);
	pending_open = 1;
	return 0;
}

int wer__minidump_end(const struct wer_snapshot *r)
{
	struct writer *w = &pending;
	md_header_t header;

	if (!pending_open)
		return -EBADF;
	write_modules(w, r);
	memset(&header, 0, sizeof(header));
	header.signature = MD_SIGNATURE;
	header.version = MD_VERSION;
	header.stream_count = w->stream_count;
	header.stream_directory_rva = sizeof(header);
	header.time_date_stamp = (uint32_t)(r->time_ns / 1000000000u);
	put_at(w, 0, &header, sizeof(header));
	put_at(w, sizeof(header), w->dir, w->stream_count * sizeof(w->dir[0]));
	flush(w);
	/* The caller makes it durable (a report's files are fsynced
	 * together, publish.c). */
	if (!w->error)
		wer_start_writeback(w->fd);
	if (close(w->fd) < 0 && !w->error)
		w->error = -errno;
	pending_open = 0;
	return w->error;
}

void wer__minidump_abandon(void)
{
	if (pending_open)
		close(pending.fd);
	pending_open = 0;
}

int wer__minidump_write(int dir_fd, const char *name,
			const struct wer_snapshot *r)
{
	int err = wer__minidump_begin(dir_fd, name, r);

	return err ? err : wer__minidump_end(r);
}
