/* SPDX-License-Identifier: MIT */
/*
 * minidump_read.c - reading a minidump's facts, trusting nothing in it.
 *
 * Every access goes through span(), which checks an (offset, size) pair
 * against the file; counts are checked against the room their stream has
 * before any entry is read; strings are bounded and stop at the file's end.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "minidump_format.h"
#include "minidump_read.h"

struct file {
	const unsigned char *data;
	size_t size;
};

/* data + offset when [offset, offset + len) lies in the file, else NULL. */
static const void *span(const struct file *f, uint64_t offset, uint64_t len)
{
	if (offset > f->size || len > f->size - offset)
		return NULL;
	return f->data + offset;
}

/* Reads a little-endian u32 at offset (0 when out of the file). */
static int read_u32(const struct file *f, uint64_t offset, uint32_t *ret)
{
	const unsigned char *p = span(f, offset, 4);

	if (!p)
		return -1;
	*ret = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
	return 0;
}

/* A stream's list: a u32 count followed by count entries of size each,
 * all inside the stream's location. Returns the first entry or NULL. */
static const unsigned char *list(const struct file *f, md_location_t loc,
				 size_t entry, uint32_t *ret_count)
{
	uint32_t count;

	if (!span(f, loc.rva, loc.data_size) || loc.data_size < 4 ||
	    read_u32(f, loc.rva, &count) < 0)
		return NULL;
	if (count > (loc.data_size - 4) / entry)
		return NULL;
	*ret_count = count;
	return f->data + loc.rva + 4;
}

/* Copies a MINIDUMP_STRING (UTF-16) at rva into out as UTF-8, bounded. */
static int utf16_string(const struct file *f, uint64_t rva, char *out,
			size_t size)
{
	uint32_t bytes;
	const unsigned char *p;
	size_t n = 0;

	out[0] = '\0';
	if (read_u32(f, rva, &bytes) < 0 || bytes % 2 ||
	    !(p = span(f, rva + 4, bytes)))
		return -1;
	for (uint32_t i = 0; i + 1 < bytes; i += 2) {
		uint32_t c = p[i] | (uint32_t)p[i + 1] << 8;
		char buf[4];
		size_t k;

		if (c >= 0xD800 && c <= 0xDBFF && i + 3 < bytes) {
			uint32_t lo = p[i + 2] | (uint32_t)p[i + 3] << 8;

			if (lo >= 0xDC00 && lo <= 0xDFFF) {
				c = 0x10000 + ((c - 0xD800) << 10) +
				    (lo - 0xDC00);
				i += 2;
			}
		}
		if (c >= 0xD800 && c <= 0xDFFF)
			c = 0xFFFD;
		if (c < 0x80) {
			buf[0] = (char)c, k = 1;
		} else if (c < 0x800) {
			buf[0] = (char)(0xC0 | c >> 6);
			buf[1] = (char)(0x80 | (c & 0x3F)), k = 2;
		} else if (c < 0x10000) {
			buf[0] = (char)(0xE0 | c >> 12);
			buf[1] = (char)(0x80 | ((c >> 6) & 0x3F));
			buf[2] = (char)(0x80 | (c & 0x3F)), k = 3;
		} else {
			buf[0] = (char)(0xF0 | c >> 18);
			buf[1] = (char)(0x80 | ((c >> 12) & 0x3F));
			buf[2] = (char)(0x80 | ((c >> 6) & 0x3F));
			buf[3] = (char)(0x80 | (c & 0x3F)), k = 4;
		}
		if (n + k >= size)
			break;
		memcpy(out + n, buf, k);
		n += k;
	}
	out[n] = '\0';
	return 0;
}

/* Copies a MinidumpUTF8String at rva into out, bounded. */
static int utf8_string(const struct file *f, uint64_t rva, char *out,
		       size_t size)
{
	uint32_t len;
	const char *p;

	out[0] = '\0';
	if (read_u32(f, rva, &len) < 0 || !(p = span(f, rva + 4, len)))
		return -1;
	if (len >= size)
		len = (uint32_t)size - 1;
	memcpy(out, p, len);
	out[len] = '\0';
	out[strnlen(out, len)] = '\0';
	return 0;
}

static int read_modules(const struct file *f, md_location_t loc,
			struct wer_md_facts *r)
{
	uint32_t count;
	const unsigned char *p = list(f, loc, sizeof(md_module_t), &count);

	if (!p)
		return -1;
	r->module_count = count;
	for (uint32_t i = 0; i < count && i < WER_MD_MODULES_MAX; i++) {
		md_module_t m;
		struct wer_md_module *out = &r->modules[i];
		uint32_t sig;
		const unsigned char *cv;

		memcpy(&m, p + (size_t)i * sizeof(m), sizeof(m));
		out->base = m.base_of_image;
		out->size = m.size_of_image;
		if (utf16_string(f, m.module_name_rva, out->name,
				 sizeof(out->name)) < 0)
			return -1;
		out->build_id[0] = '\0';
		if (m.cv_record.data_size >= 4 &&
		    (cv = span(f, m.cv_record.rva, m.cv_record.data_size)) &&
		    read_u32(f, m.cv_record.rva, &sig) == 0 &&
		    sig == MD_CVINFOELF_SIGNATURE) {
			size_t n = m.cv_record.data_size - 4;

			if (n > 32)
				n = 32;
			for (size_t k = 0; k < n; k++)
				snprintf(out->build_id + 2 * k, 3, "%02x",
					 cv[4 + k]);
		}
	}
	return 0;
}

/* The pc, stack pointer and link register (0 where calls leave the
 * return address on the stack) of a thread's context record, for the
 * processors whose records we know (the flags name it: x86-64's
 * MDRawContextAMD64, AArch64's MDRawContextARM64). 0, or -1 (all 0). */
static int context_regs(const void *record, size_t size, uint64_t *pc,
			uint64_t *sp, uint64_t *lr)
{
	uint32_t flags;

	*pc = *sp = *lr = 0;
	if (size >= sizeof(md_context_amd64_t)) {
		md_context_amd64_t ctx;

		memcpy(&ctx, record, sizeof(ctx));
		if ((ctx.context_flags & MD_CONTEXT_AMD64) ==
		    MD_CONTEXT_AMD64) {
			*pc = ctx.rip;
			*sp = ctx.rsp;
			return 0;
		}
	}
	if (size >= sizeof(md_context_arm64_t)) {
		md_context_arm64_t ctx;

		memcpy(&ctx, record, sizeof(ctx));
		flags = ctx.context_flags;
		/* Not an AMD64 record read as ARM64: its flags are at 48. */
		if ((flags & 0xfff00000u) == MD_CONTEXT_ARM64) {
			/* Pointer-authentication bits off the return
			 * address (user addresses have 48 bits). */
			*pc = ctx.iregs[MD_CONTEXT_ARM64_REG_PC];
			*sp = ctx.iregs[MD_CONTEXT_ARM64_REG_SP];
			*lr = ctx.iregs[MD_CONTEXT_ARM64_REG_LR] &
			      ((UINT64_C(1) << 48) - 1);
			return 0;
		}
	}
	return -1;
}

static int read_exception(const struct file *f, md_location_t loc,
			  struct wer_md_facts *r)
{
	md_exception_stream_t e;
	const void *p = span(f, loc.rva, loc.data_size);

	if (!p || loc.data_size < sizeof(e))
		return -1;
	memcpy(&e, p, sizeof(e));
	r->have_exception = 1;
	r->crashed_tid = e.thread_id;
	r->signal = e.exception_record.exception_code;
	r->code = e.exception_record.exception_flags;
	r->address = e.exception_record.exception_address;
	/* The context's pc, where the architecture is one we know. */
	{
		uint64_t sp, lr;

		p = span(f, e.thread_context.rva, e.thread_context.data_size);
		if (p)
			context_regs(p, e.thread_context.data_size,
				     &r->crashed_pc, &sp, &lr);
	}
	return 0;
}

static int read_crashpad(const struct file *f, md_location_t loc,
			 struct wer_md_facts *r)
{
	md_crashpad_info_t info;
	const void *p = span(f, loc.rva, loc.data_size);
	const unsigned char *e;
	uint32_t count;

	/* Newer writers append fields: at least the version 1 structure. */
	if (!p || loc.data_size < sizeof(info))
		return -1;
	memcpy(&info, p, sizeof(info));
	r->have_crashpad = 1;
	if (!info.simple_annotations.data_size)
		return 0;
	e = list(f, info.simple_annotations,
		 sizeof(md_string_dictionary_entry_t), &count);
	if (!e)
		return -1;
	for (uint32_t i = 0; i < count && i < WER_MD_ANNOTATIONS_MAX; i++) {
		md_string_dictionary_entry_t d;

		memcpy(&d, e + (size_t)i * sizeof(d), sizeof(d));
		if (utf8_string(f, d.key, r->annotations[i].key,
				sizeof(r->annotations[i].key)) < 0 ||
		    utf8_string(f, d.value, r->annotations[i].value,
				sizeof(r->annotations[i].value)) < 0)
			return -1;
		r->annotation_count = i + 1;
	}
	return 0;
}

/* The header (checked) and the stream directory, or NULL. */
static const unsigned char *directory(const struct file *f, md_header_t *h)
{
	if (!span(f, 0, sizeof(*h)))
		return NULL;
	memcpy(h, f->data, sizeof(*h));
	if (h->signature != MD_SIGNATURE || (h->version & 0xffff) != MD_VERSION)
		return NULL;
	return span(f, h->stream_directory_rva,
		    (uint64_t)h->stream_count * sizeof(md_directory_t));
}

int wer_minidump_facts(const void *data, size_t size, struct wer_md_facts *ret)
{
	struct file f = {data, size};
	md_header_t h;
	const unsigned char *dir;
	int bad = 0;

	memset(ret, 0, sizeof(*ret));
	if (!(dir = directory(&f, &h)))
		return -EBADMSG;
	ret->stream_count = h.stream_count;
	for (uint32_t i = 0; i < h.stream_count; i++) {
		md_directory_t d;
		uint32_t count;

		memcpy(&d, dir + (size_t)i * sizeof(d), sizeof(d));
		if (!span(&f, d.location.rva, d.location.data_size)) {
			bad = 1;
			continue;
		}
		switch (d.stream_type) {
		case MD_SYSTEM_INFO_STREAM: {
			md_system_info_t s;

			if (d.location.data_size < sizeof(s)) {
				bad = 1;
				break;
			}
			memcpy(&s, f.data + d.location.rva, sizeof(s));
			ret->have_system_info = 1;
			ret->cpu_arch = s.processor_architecture;
			ret->cpu_count = s.number_of_processors;
			ret->platform_id = s.platform_id;
			break;
		}
		case MD_THREAD_LIST_STREAM:
			if (list(&f, d.location, sizeof(md_thread_t), &count))
				ret->thread_count = count;
			else
				bad = 1;
			break;
		case MD_MEMORY_LIST_STREAM: {
			const unsigned char *m =
			    list(&f, d.location, sizeof(md_memory_descriptor_t),
				 &count);

			if (!m) {
				bad = 1;
				break;
			}
			ret->memory_ranges = count;
			for (uint32_t k = 0; k < count; k++) {
				md_memory_descriptor_t md;

				memcpy(&md, m + (size_t)k * sizeof(md),
				       sizeof(md));
				if (!span(&f, md.memory.rva,
					  md.memory.data_size))
					bad = 1;
				else
					ret->memory_bytes +=
					    md.memory.data_size;
			}
			break;
		}
		case MD_MODULE_LIST_STREAM:
			bad |= read_modules(&f, d.location, ret) < 0;
			break;
		case MD_EXCEPTION_STREAM:
			bad |= read_exception(&f, d.location, ret) < 0;
			break;
		case MD_CRASHPAD_INFO_STREAM:
			bad |= read_crashpad(&f, d.location, ret) < 0;
			break;
		default:
			break;
		}
	}
	return bad ? -EBADMSG : 0;
}

int wer_md_module_of(const struct wer_md_facts *facts, uint64_t addr)
{
	uint32_t n = facts->module_count < WER_MD_MODULES_MAX
			 ? facts->module_count
			 : WER_MD_MODULES_MAX;

	for (uint32_t i = 0; i < n; i++)
		if (addr >= facts->modules[i].base &&
		    addr - facts->modules[i].base < facts->modules[i].size)
			return (int)i;
	return -1;
}

static void add_frame(struct wer_md_stack *s, const struct wer_md_facts *facts,
		      uint64_t pc)
{
	int m = wer_md_module_of(facts, pc);

	if (m < 0 || s->count >= WER_MD_FRAMES_MAX ||
	    (s->count && s->pc[s->count - 1] == pc))
		return;
	s->pc[s->count] = pc;
	s->module[s->count] = m;
	s->count++;
}

int wer_minidump_crashed_thread(const void *data, size_t size,
				const struct wer_md_facts *facts,
				struct wer_md_thread *ret)
{
	struct file f = {data, size};
	md_header_t h;
	const unsigned char *dir, *threads = NULL, *p;
	uint32_t thread_count = 0;
	md_location_t context = {0, 0};

	memset(ret, 0, sizeof(*ret));
	if (!(dir = directory(&f, &h)))
		return -EBADMSG;
	for (uint32_t i = 0; i < h.stream_count; i++) {
		md_directory_t d;

		memcpy(&d, dir + (size_t)i * sizeof(d), sizeof(d));
		if (d.stream_type == MD_THREAD_LIST_STREAM && !threads)
			threads = list(&f, d.location, sizeof(md_thread_t),
				       &thread_count);
		else if (d.stream_type == MD_EXCEPTION_STREAM &&
			 !context.data_size) {
			md_exception_stream_t e;

			p = span(&f, d.location.rva, d.location.data_size);
			if (p && d.location.data_size >= sizeof(e)) {
				memcpy(&e, p, sizeof(e));
				context = e.thread_context;
			}
		}
	}
	if (!context.data_size ||
	    !(ret->context = span(&f, context.rva, context.data_size)))
		return -ENOENT;
	ret->context_size = context.data_size;
	ret->tid = facts->crashed_tid;
	for (uint32_t i = 0; threads && i < thread_count; i++) {
		md_thread_t t;

		memcpy(&t, threads + (size_t)i * sizeof(t), sizeof(t));
		if (t.thread_id != facts->crashed_tid)
			continue;
		ret->stack_start = t.stack.start_of_memory_range;
		ret->stack_size = t.stack.memory.data_size;
		ret->stack = span(&f, t.stack.memory.rva, ret->stack_size);
		if (!ret->stack)
			ret->stack_size = 0;
		break;
	}
	return 0;
}

int wer_minidump_crashed_stack(const void *data, size_t size,
			       const struct wer_md_facts *facts,
			       struct wer_md_stack *ret)
{
	struct wer_md_thread t;
	const unsigned char *mem;
	uint64_t pc, sp, lr, len, from;
	int r = wer_minidump_crashed_thread(data, size, facts, &t);

	memset(ret, 0, sizeof(*ret));
	if (r < 0)
		return r;
	if (!t.context ||
	    context_regs(t.context, t.context_size, &pc, &sp, &lr) < 0)
		return -ENOENT;
	add_frame(ret, facts, pc);
	/* A leaf function's caller is in the link register alone. */
	if (lr)
		add_frame(ret, facts, lr);
	mem = t.stack;
	len = t.stack_size;
	if (!mem || sp < t.stack_start || sp - t.stack_start >= len)
		return -ENOENT;
	from = (sp - t.stack_start) & ~(uint64_t)7;
	if (len - from > WER_MD_STACK_SCAN_MAX)
		len = from + WER_MD_STACK_SCAN_MAX;
	for (uint64_t at = from; at + 8 <= len; at += 8) {
		uint64_t w = 0;

		for (int b = 7; b >= 0; b--)
			w = w << 8 | mem[at + (uint64_t)b];
		add_frame(ret, facts, w);
		if (ret->count >= WER_MD_FRAMES_MAX)
			break;
	}
	return 0;
}
