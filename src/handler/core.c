/* SPDX-License-Identifier: MIT */
/*
 * core.c - a snapshot from an ELF core of a crashed process, read in one
 * pass from a stream (a file, or the kernel's core_pattern pipe: it cannot
 * seek): the front-end of the system mode (docs/system.md).
 *
 * The notes first (the kernel writes them before the memory): every
 * thread's registers (NT_PRSTATUS, NT_PRFPREG), the signal (NT_SIGINFO),
 * the auxiliary vector, the mapped files (NT_FILE: the maps text, without
 * permissions), the program's name and arguments (NT_PRPSINFO). Then the
 * memory, segment by segment, keeping only what the report needs: each
 * thread's stack above its stack pointer, and libwer's registry, found by
 * its header (magic, its own address) in writable memory; the rest is
 * read and dropped. Everything is capped: the core is the crashed
 * process's, and a hostile one.
 */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core.h"
#include "io.h"
#include "registry_format.h"
#include "snapshot.h"

#define CHUNK (1024 * 1024) /* bytes of memory read at once */

/* NT_SIGINFO and NT_FILE are not in every <elf.h>. */
#ifndef NT_SIGINFO
#define NT_SIGINFO 0x53494749
#endif
#ifndef NT_FILE
#define NT_FILE 0x46494c45
#endif

struct stream {
	int fd;
	uint64_t pos;
};

static int read_exact(struct stream *st, void *buf, size_t len)
{
	size_t got = wer_read_fd_capped(st->fd, buf, len);

	st->pos += got;
	return got == len ? 0 : -1;
}

/* Reads and drops bytes up to offset (never back). */
static int skip_to(struct stream *st, uint64_t offset)
{
	static char sink[CHUNK];

	while (st->pos < offset) {
		uint64_t n = offset - st->pos;

		if (read_exact(st, sink, n > CHUNK ? CHUNK : (size_t)n) < 0)
			return -1;
	}
	return st->pos == offset ? 0 : -1;
}

static uint64_t le(const unsigned char *p, int bytes)
{
	uint64_t v = 0;

	for (int i = bytes - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* The memory's consumers: stacks, the registry. */
struct core_state {
	struct wer_snapshot *s;
	const struct wer_cpu_ops *ops;
	uint64_t registry_at;	 /* 0: not found */
	unsigned char *registry; /* its bytes, registry_size */
	size_t registry_size, registry_have;
	size_t threads_capacity; /* of s->threads */
	/* A core file (-1: a pipe) and its program headers: the registered
	 * memory blocks are read from its segments. */
	int core_fd;
	const Elf64_Phdr *ph;
	size_t phnum;
};

/* A wer_mem_read_fn for the registered blocks, from a core file. */
static int block_mem(void *ctx, uint64_t address, void *buf, size_t len)
{
	const struct core_state *cs = ctx;

	for (size_t i = 0; cs->core_fd >= 0 && i < cs->phnum; i++) {
		const Elf64_Phdr *p = &cs->ph[i];

		if (p->p_type == PT_LOAD && address >= p->p_vaddr &&
		    len <= p->p_filesz &&
		    address - p->p_vaddr <= p->p_filesz - len &&
		    p->p_offset <= INT64_MAX - p->p_filesz)
			return pread(cs->core_fd, buf, len,
				     (off_t)(p->p_offset +
					     (address - p->p_vaddr))) ==
				       (ssize_t)len
				   ? 0
				   : -EFAULT;
	}
	return -EFAULT;
}

/* NT_FILE: the maps text, one line per mapped range, each file told
 * apart by a made-up inode (the index of its first range). */
static void file_note(struct core_state *cs, const unsigned char *d,
		      size_t size)
{
	struct wer_snapshot *s = cs->s;
	uint64_t count, page;
	const char *name, *end = (const char *)d + size, *prev = NULL;
	size_t prev_len = 0, cap, len = 0;
	char *text;

	if (size < 16 || s->maps.data)
		return;
	count = le(d, 8);
	page = le(d + 8, 8);
	if (count > 65536 || count * 24 > size - 16 || !page || page > 1 << 30)
		return;
	/* A line is at most 96 bytes and its name. */
	cap = count * 96 + size < WER_SNAPSHOT_MAPS_MAX
		  ? (size_t)(count * 96) + size
		  : WER_SNAPSHOT_MAPS_MAX;
	if (!(text = malloc(cap + 1)))
		return;
	name = (const char *)d + 16 + count * 24;
	for (uint64_t i = 0, inode = 0; i < count && name < end; i++) {
		const unsigned char *r = d + 16 + i * 24;
		size_t n = strnlen(name, (size_t)(end - name));
		int w;

		if (name + n == end)
			break; /* not terminated */
		/* A file's ranges follow each other: one inode for them. */
		if (!i || n != prev_len || memcmp(name, prev, n))
			inode = i + 1;
		prev = name;
		prev_len = n;
		w = snprintf(text + len, cap + 1 - len,
			     "%llx-%llx r-xp %08llx 00:00 %llu %.*s\n",
			     (unsigned long long)le(r, 8),
			     (unsigned long long)le(r + 8, 8),
			     (unsigned long long)(le(r + 16, 8) * page),
			     (unsigned long long)inode, (int)n, name);
		if (w < 0 || (size_t)w >= cap + 1 - len) {
			wer__snapshot_note(s->truncated, sizeof(s->truncated),
					   "maps");
			break;
		}
		/* Control characters in a name stay out of the text. */
		for (int k = 0; k < w - 1; k++)
			if ((unsigned char)text[len + (size_t)k] < 0x20)
				text[len + (size_t)k] = '?';
		len += (size_t)w;
		name += n + 1;
	}
	text[len] = '\0';
	s->maps.data = text;
	s->maps.len = len;
}

static struct wer_snapshot_thread *add_thread(struct core_state *cs)
{
	struct wer_snapshot *s = cs->s;
	struct wer_snapshot_thread *t;

	s->threads_total++;
	if (s->thread_count >= WER_SNAPSHOT_THREADS_MAX) {
		wer__snapshot_note(s->truncated, sizeof(s->truncated),
				   "threads");
		return NULL;
	}
	if (s->thread_count == cs->threads_capacity) {
		size_t n = cs->threads_capacity ? 2 * cs->threads_capacity : 16;

		if (n > WER_SNAPSHOT_THREADS_MAX)
			n = WER_SNAPSHOT_THREADS_MAX;
		t = realloc(s->threads, n * sizeof(*t));
		if (!t)
			return NULL;
		s->threads = t;
		cs->threads_capacity = n;
	}
	t = &s->threads[s->thread_count++];
	memset(t, 0, sizeof(*t));
	return t;
}

static void read_notes(struct core_state *cs, const unsigned char *d,
		       size_t size)
{
	struct wer_snapshot *s = cs->s;
	const struct wer_cpu_ops *ops = cs->ops;
	struct wer_snapshot_thread *last = NULL;
	size_t at = 0;

	while (size - at >= 12) {
		uint32_t namesz = (uint32_t)le(d + at, 4);
		uint32_t descsz = (uint32_t)le(d + at + 4, 4);
		uint32_t type = (uint32_t)le(d + at + 8, 4);
		size_t name_at = at + 12, desc_at, next;

		if (namesz > size - name_at)
			break;
		desc_at = name_at + ((namesz + 3) & ~(size_t)3);
		if (desc_at > size || descsz > size - desc_at)
			break;
		next = desc_at + ((descsz + 3) & ~(size_t)3);
		if (namesz == 5 && !memcmp(d + name_at, "CORE", 5)) {
			const unsigned char *desc = d + desc_at;

			switch (type) {
			case NT_PRSTATUS:
				if (descsz < ops->prstatus_size ||
				    !(last = add_thread(cs)))
					break;
				last->tid =
				    (pid_t)le(desc + ops->prstatus_pid, 4);
				ops->kernel_regs(desc + ops->prstatus_reg,
						 &last->cpu);
				last->have_regs = 1;
				break;
			case NT_PRFPREG:
				if (last && descsz >= ops->fp_size &&
				    ops->fp_size <= sizeof(last->cpu.fp)) {
					memcpy(last->cpu.fp, desc,
					       ops->fp_size);
					last->cpu.have_fp = 1;
				}
				break;
			case NT_PRPSINFO:
				/* struct elf_prpsinfo: pr_fname at 40 (16),
				 * pr_psargs at 56 (80). */
				if (descsz >= 136 && !s->cmdline_len) {
					size_t n = strnlen(
					    (const char *)desc + 56, 80);

					memcpy(s->cmdline, desc + 56, n);
					s->cmdline_len = n;
					snprintf(s->exe, sizeof(s->exe), "%.*s",
						 16, (const char *)desc + 40);
				}
				break;
			case NT_SIGINFO:
				if (descsz >= sizeof(siginfo_t) &&
				    !s->have_crash) {
					memcpy(&s->crash.siginfo, desc,
					       sizeof(siginfo_t));
					s->crash.signo = (int)le(desc, 4);
					s->crash.code = (int)le(desc + 8, 4);
					s->crash.address = le(desc + 16, 8);
					s->have_crash = 1;
				}
				break;
			case NT_AUXV:
				if (!s->auxv.data && descsz <= 64 * 1024 &&
				    (s->auxv.data = malloc(descsz + 1))) {
					memcpy(s->auxv.data, desc, descsz);
					s->auxv.data[descsz] = '\0';
					s->auxv.len = descsz;
				}
				break;
			case NT_FILE:
				file_note(cs, desc, descsz);
				break;
			default:
				break;
			}
		}
		if (next <= at)
			break;
		at = next;
	}
}

/* The bytes of segment [vaddr, vaddr + n) at va, as they stream by. */
static void take_memory(struct core_state *cs, uint64_t seg_start,
			uint64_t seg_end, int writable, uint64_t va,
			const unsigned char *data, size_t n)
{
	struct wer_snapshot *s = cs->s;

	for (size_t i = 0; i < s->thread_count; i++) {
		struct wer_snapshot_thread *t = &s->threads[i];
		uint64_t sp = wer_cpu_sp(&t->cpu), lo, hi, from, to;

		if (!t->have_regs || sp < seg_start || sp >= seg_end)
			continue;
		/* Its stack: from below the red zone up, capped. */
		lo = sp > seg_start + 128 ? sp - 128 : seg_start;
		hi = seg_end - lo > WER_CORE_STACK_MAX ? lo + WER_CORE_STACK_MAX
						       : seg_end;
		if (!t->stack) {
			if (s->stack_bytes + (hi - lo) >
			    WER_CORE_STACKS_TOTAL) {
				wer__snapshot_note(s->truncated,
						   sizeof(s->truncated),
						   "stacks");
				continue;
			}
			if (!(t->stack = calloc(1, (size_t)(hi - lo))))
				continue;
			t->stack_start = lo;
			t->stack_size = (size_t)(hi - lo);
			s->stack_bytes += t->stack_size;
		}
		from = va > lo ? va : lo;
		to = va + n < hi ? va + n : hi;
		if (from < to)
			memcpy(t->stack + (from - lo), data + (from - va),
			       (size_t)(to - from));
	}
	/* The registry: its header at a 64-byte boundary, naming its own
	 * address; then its bytes as they come. */
	if (writable && !cs->registry_at && !s->have_registry) {
		for (size_t k = (64 - va % 64) % 64; k + 32 <= n; k += 64) {
			uint64_t size = le(data + k + 16, 8);

			if (memcmp(data + k, WER_REGISTRY_MAGIC,
				   WER_REGISTRY_MAGIC_SIZE) ||
			    le(data + k + 24, 8) != va + k || size < 32 ||
			    size > WER_CORE_REGISTRY_MAX ||
			    size > seg_end - (va + k) ||
			    !(cs->registry = malloc((size_t)size)))
				continue;
			cs->registry_at = va + k;
			cs->registry_size = (size_t)size;
			cs->registry_have = 0;
			break;
		}
	}
	if (cs->registry && cs->registry_have < cs->registry_size &&
	    va + n > cs->registry_at + cs->registry_have &&
	    va <= cs->registry_at + cs->registry_have) {
		uint64_t from = cs->registry_at + cs->registry_have;
		size_t take = (size_t)(va + n - from);

		if (take > cs->registry_size - cs->registry_have)
			take = cs->registry_size - cs->registry_have;
		memcpy(cs->registry + cs->registry_have, data + (from - va),
		       take);
		cs->registry_have += take;
	}
}

static int registry_mem(void *ctx, uint64_t address, void *buf, size_t len)
{
	const struct core_state *cs = ctx;

	if (address < cs->registry_at ||
	    address - cs->registry_at > cs->registry_have ||
	    len > cs->registry_have - (address - cs->registry_at))
		return -EFAULT;
	memcpy(buf, cs->registry + (address - cs->registry_at), len);
	return 0;
}

static int by_offset(const void *a, const void *b)
{
	const Elf64_Phdr *x = a, *y = b;

	return x->p_offset < y->p_offset ? -1 : x->p_offset > y->p_offset;
}

int wer__core_read(int fd, struct wer_snapshot *s, char *why, size_t size)
{
	struct stream st = {fd, 0};
	struct core_state cs = {.s = s, .core_fd = -1};
	Elf64_Ehdr eh;
	Elf64_Phdr *ph = NULL;
	unsigned char *buf = NULL;
	int r = -EBADMSG;

	why[0] = '\0';
	if (read_exact(&st, &eh, sizeof(eh)) < 0 ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_type != ET_CORE ||
	    eh.e_phentsize != sizeof(Elf64_Phdr) || !eh.e_phnum ||
	    eh.e_phnum == PN_XNUM || eh.e_phoff < sizeof(eh)) {
		snprintf(why, size, "not a 64-bit little-endian ELF core");
		return -EBADMSG;
	}
	switch (eh.e_machine) {
	case EM_X86_64:
		s->arch = WER_CPU_X86_64;
		break;
	case EM_AARCH64:
		s->arch = WER_CPU_AARCH64;
		break;
	default:
		s->arch = 0;
	}
	if (!(cs.ops = wer__cpu_ops(s->arch)) || !cs.ops->kernel_regs) {
		snprintf(why, size,
			 "a core of a processor this build does "
			 "not know (ELF machine %u)",
			 eh.e_machine);
		return -ENOTSUP;
	}
	ph = calloc(eh.e_phnum, sizeof(*ph));
	buf = malloc(CHUNK);
	if (!ph || !buf) {
		r = -ENOMEM;
		goto out;
	}
	if (skip_to(&st, eh.e_phoff) < 0 ||
	    read_exact(&st, ph, eh.e_phnum * sizeof(*ph)) < 0) {
		snprintf(why, size, "the core ends in its program headers");
		goto out;
	}
	qsort(ph, eh.e_phnum, sizeof(*ph), by_offset);
	cs.ph = ph;
	cs.phnum = eh.e_phnum;
	/* A file (gdb's gcore writes the notes last): its notes first, so
	 * that the threads' stacks are known when the memory streams by. A
	 * pipe has them first (the kernel's order). */
	if (lseek(fd, 0, SEEK_CUR) >= 0) {
		cs.core_fd = fd;
		for (size_t i = 0; i < eh.e_phnum; i++) {
			Elf64_Phdr *p = &ph[i];
			unsigned char *notes;

			if (p->p_type != PT_NOTE || !p->p_filesz ||
			    p->p_filesz > WER_CORE_NOTES_MAX ||
			    !(notes = malloc(p->p_filesz)))
				continue;
			if (pread(fd, notes, p->p_filesz, (off_t)p->p_offset) ==
			    (ssize_t)p->p_filesz) {
				read_notes(&cs, notes, p->p_filesz);
				p->p_type = PT_NULL; /* read */
			}
			free(notes);
		}
	}
	for (size_t i = 0; i < eh.e_phnum; i++) {
		const Elf64_Phdr *p = &ph[i];

		if (p->p_type == PT_NOTE && p->p_filesz) {
			unsigned char *notes;

			if (p->p_filesz > WER_CORE_NOTES_MAX ||
			    p->p_offset < st.pos) {
				wer__snapshot_note(s->missing,
						   sizeof(s->missing), "notes");
				continue;
			}
			if (!(notes = malloc(p->p_filesz)))
				continue;
			if (skip_to(&st, p->p_offset) < 0 ||
			    read_exact(&st, notes, p->p_filesz) < 0) {
				free(notes);
				snprintf(why, size,
					 "the core ends in its notes");
				goto out;
			}
			read_notes(&cs, notes, p->p_filesz);
			free(notes);
		} else if (p->p_type == PT_LOAD && p->p_filesz &&
			   p->p_offset >= st.pos &&
			   p->p_filesz <= UINT64_MAX - p->p_vaddr) {
			uint64_t done = 0;

			if (skip_to(&st, p->p_offset) < 0)
				break; /* a truncated core: what we have */
			while (done < p->p_filesz) {
				size_t n = p->p_filesz - done > CHUNK
					       ? CHUNK
					       : (size_t)(p->p_filesz - done);

				if (read_exact(&st, buf, n) < 0)
					break;
				take_memory(&cs, p->p_vaddr,
					    p->p_vaddr + p->p_filesz,
					    (p->p_flags & PF_W) != 0,
					    p->p_vaddr + done, buf, n);
				done += n;
			}
			if (done < p->p_filesz) {
				wer__snapshot_note(
				    s->truncated, sizeof(s->truncated), "core");
				break;
			}
		}
	}
	/* The rest of the stream, drained: the kernel waits for it. */
	while (wer_read_fd_capped(fd, (char *)buf, CHUNK) == CHUNK)
		;
	if (!s->thread_count) {
		snprintf(why, size, "the core has no thread");
		goto out;
	}
	s->have_threads = 1;
	s->seized = 1; /* the kernel stopped every thread for the core */
	s->pid = s->tid = s->threads[0].tid;
	s->threads[0].crashed = s->have_crash;
	if (s->have_crash)
		s->crash.tid = s->threads[0].tid,
		s->crash.pc = wer_cpu_pc(&s->threads[0].cpu);
	for (size_t i = 0; i < s->thread_count; i++)
		if (s->threads[i].have_regs && !s->threads[i].stack) {
			/* Its stack was not in the core, or went by before
			 * the notes said where it is (a pipe of a core that
			 * has its notes last). */
			wer__snapshot_note(s->missing, sizeof(s->missing),
					   "stacks");
			break;
		}
	if (s->maps.data)
		wer__snapshot_modules(s);
	else
		wer__snapshot_note(s->missing, sizeof(s->missing), "maps");
	if (!s->have_registry && cs.registry &&
	    cs.registry_have == cs.registry_size &&
	    (s->have_registry =
		 wer__registry_read(registry_mem, &cs, cs.registry_at,
				    &s->registry) == 0))
		/* From a file; a pipe's are gone by (the kernel's werfault
		 * reads them from the held process first). */
		wer__snapshot_read_blocks(s, block_mem, &cs);
	if (!s->have_registry)
		wer__snapshot_note(s->missing, sizeof(s->missing), "registry");
	r = 0;
out:
	free(cs.registry);
	free(buf);
	free(ph);
	return r;
}
