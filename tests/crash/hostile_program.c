/* SPDX-License-Identifier: MIT */
/*
 * hostile_program - a process that makes itself hard to report on, then
 * crashes (tests/crash/hostile_tests.sh):
 *
 *   maps N          N separate mappings (alternating permissions, so the
 *                   kernel cannot merge them)
 *   threads N       N threads, all blocked
 *   huge-args       a 1 GiB command line and environment (the kernel's
 *                   record of where they are, moved with PR_SET_MM_MAP;
 *                   exit 77 where the kernel refuses it)
 *   garbage-elf DIR two executable file mappings that are not ELF: random
 *                   bytes, and an ELF header whose tables point far
 *                   outside the file
 *   seccomp         a seccomp filter that refuses execve: werfault cannot
 *                   start, the crash path writes the report itself
 *   registry SEED   libwer's registry block (found by its magic in this
 *                   process's memory) overwritten: SEED 0..9 crafted
 *                   (absurd counts, unterminated strings, slots that never
 *                   settle, a wrong version), other seeds random bytes
 *
 * Registers metadata first (the report must still carry it), then writes
 * through a null pointer.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <linux/filter.h>
#include <linux/prctl.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <werapi.h>
#include <wer/recovery.h>
#include <wer/wer.h>

static void crash(void)
{
	*(volatile int *)NULL = 1;
}

static void *blocked(void *arg)
{
	char byte;

	(void)!read(*(int *)arg, &byte, 1);
	return NULL;
}

static int many_maps(long n)
{
	long page = sysconf(_SC_PAGESIZE);

	for (long i = 0; i < n; i++)
		if (mmap(NULL, (size_t)page,
			 i % 2 ? PROT_READ : PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED) {
			fprintf(stderr, "hostile_program: mapping %ld: %s\n", i,
				strerror(errno));
			return 4;
		}
	crash();
	return 2;
}

static int many_threads(long n)
{
	static int fds[2];
	pthread_attr_t attr;

	if (pipe(fds) < 0)
		return 4;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	for (long i = 0; i < n; i++) {
		pthread_t t;

		if (pthread_create(&t, &attr, blocked, &fds[0])) {
			fprintf(stderr, "hostile_program: thread %ld failed\n",
				i);
			return 4;
		}
	}
	crash();
	return 2;
}

/* The field after the command name's ")" numbered n in /proc/self/stat
 * (proc(5) numbering), or 0. */
static unsigned long long stat_field(const char *stat, int n)
{
	const char *p = strrchr(stat, ')');
	int field = 2;

	while (p && field < n && (p = strchr(p + 1, ' ')))
		field++;
	return p ? strtoull(p + 1, NULL, 10) : 0;
}

static int huge_args(void)
{
	size_t size = (size_t)1 << 30;
	char *area = mmap(NULL, size, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	char stat[4096];
	int fd = open("/proc/self/stat", O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, stat, sizeof(stat) - 1) : -1;
	struct prctl_mm_map map;

	if (fd >= 0)
		close(fd);
	if (area == MAP_FAILED || n <= 0)
		return 4;
	stat[n] = '\0';
	/* Text at the start of each half; the rest is untouched zeros. */
	for (size_t i = 0; i < (1u << 20); i += 16)
		memcpy(area + i, "SECRET_X=1234567", 16);
	memcpy(area + size / 2, "--password=sw0rdfish", 20);
	/* PR_SET_MM_MAP, unlike PR_SET_MM's single fields, needs no
	 * privilege (it is there for checkpoint/restore): the kernel's
	 * record of the process's layout, unchanged but for where its
	 * environment (first half) and command line (second half) are. */
	memset(&map, 0, sizeof(map));
	map.start_code = stat_field(stat, 26);
	map.end_code = stat_field(stat, 27);
	map.start_stack = stat_field(stat, 28);
	map.start_data = stat_field(stat, 45);
	map.end_data = stat_field(stat, 46);
	map.start_brk = stat_field(stat, 47);
	map.brk = (uintptr_t)sbrk(0);
	map.env_start = (uintptr_t)area;
	map.env_end = (uintptr_t)area + size / 2;
	map.arg_start = (uintptr_t)area + size / 2;
	map.arg_end = (uintptr_t)area + size;
	map.exe_fd = (uint32_t)-1;
	if (prctl(PR_SET_MM, PR_SET_MM_MAP, &map, sizeof(map), 0) < 0) {
		fprintf(stderr, "hostile_program: PR_SET_MM_MAP: %s\n",
			strerror(errno));
		return 77;
	}
	crash();
	return 2;
}

static int write_file(const char *path, const void *data, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	int ok = fd >= 0 && write(fd, data, size) == (ssize_t)size;

	if (fd >= 0)
		close(fd);
	return ok ? 0 : -1;
}

static int garbage_elf(const char *dir)
{
	static unsigned char random_bytes[64 * 1024], lying[64 * 1024];
	char path[4096];
	uint32_t x = 2463534242u;

	for (size_t i = 0; i < sizeof(random_bytes); i++) {
		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		random_bytes[i] = (unsigned char)x;
	}
	memcpy(lying, random_bytes, sizeof(lying));
	/* An ELF64 header: its program and section header tables far past
	 * the end of the file, absurd counts. */
	memcpy(lying,
	       "\x7f"
	       "ELF\x02\x01\x01",
	       7);
	lying[16] = 3;		     /* ET_DYN */
	lying[18] = 62;		     /* EM_X86_64 */
	memset(lying + 32, 0xff, 8); /* e_phoff */
	memset(lying + 40, 0x7f, 8); /* e_shoff */
	lying[54] = 56;		     /* e_phentsize */
	memset(lying + 56, 0xff, 2); /* e_phnum */
	lying[58] = 64;		     /* e_shentsize */
	memset(lying + 60, 0xff, 4); /* e_shnum, e_shstrndx */
	for (int k = 0; k < 2; k++) {
		int fd;

		snprintf(path, sizeof(path), "%s/%s", dir,
			 k ? "libgarbage.so" : "liblying.so");
		if (write_file(path, k ? random_bytes : lying, sizeof(lying)) <
			0 ||
		    (fd = open(path, O_RDONLY)) < 0 ||
		    mmap(NULL, sizeof(lying), PROT_READ | PROT_EXEC,
			 MAP_PRIVATE, fd, 0) == MAP_FAILED)
			return 4;
	}
	crash();
	return 2;
}

/* A thread named with terminal escapes (a window title, a clear screen)
 * crashes: stack.txt and everything wer prints must show them inert. */
static int terminal_name(void)
{
	prctl(PR_SET_NAME, "\x1b]0;own\x07\x1b[2J\x9b", 0, 0, 0);
	crash();
	return 2;
}

static int refuse_exec(void)
{
	struct sock_filter code[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		     offsetof(struct seccomp_data, nr)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_execve, 2, 0),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_execveat, 1, 0),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
	};
	struct sock_fprog prog = {sizeof(code) / sizeof(code[0]), code};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0) {
		fprintf(stderr, "hostile_program: seccomp: %s\n",
			strerror(errno));
		return 77;
	}
	crash();
	return 2;
}

/* libwer's registry block: the magic "OWERREG\0" at the start of a
 * writable mapping's 64-byte aligned address. NULL when not found. */
static unsigned char *find_registry(size_t *ret_size)
{
	FILE *f = fopen("/proc/self/maps", "re");
	char line[4096];
	unsigned char *found = NULL;

	while (f && !found && fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;
		char perms[5];

		if (sscanf(line, "%lx-%lx %4s", &lo, &hi, perms) != 3 ||
		    perms[0] != 'r' || perms[1] != 'w')
			continue;
		for (unsigned long a = lo; a + 16 <= hi; a += 8)
			if (!memcmp((void *)a, "OWERREG", 8)) {
				found = (unsigned char *)a;
				*ret_size = hi - a;
				break;
			}
	}
	if (f)
		fclose(f);
	return found;
}

static int corrupt_registry(long seed)
{
	size_t room = 0;
	unsigned char *reg = find_registry(&room);
	uint32_t x = (uint32_t)seed * 2654435761u + 1;
	size_t size = room < (1u << 20) ? room : (1u << 20);

	if (!reg) {
		fprintf(stderr, "hostile_program: registry not found\n");
		return 4;
	}
	if (seed >= 10) { /* random bytes over the first MiB of it */
		for (size_t i = 0; i < size; i++) {
			x ^= x << 13, x ^= x >> 17, x ^= x << 5;
			reg[i] = (unsigned char)x;
		}
		if (seed % 2) /* keep the magic: the reader goes further */
			memcpy(reg, "OWERREG", 8);
	} else {
		/* Crafted: header words (version, counts, sizes) and the
		 * slots' control words and strings. */
		uint32_t *words = (uint32_t *)(reg + 8);

		switch (seed) {
		case 0: /* a version from the future */
			words[0] = 999;
			break;
		case 1: /* every header word absurd */
			memset(reg + 8, 0xff, 120);
			break;
		default: /* slot control words and their strings */
			for (size_t i = 136; i + 4 <= size && i < 200000;
			     i += 4) {
				uint32_t *w = (uint32_t *)(reg + i);

				switch (seed) {
				case 2: /* current says copy 7; seq odd */
					*w = i % 12 == 4 ? 7 : 1;
					break;
				case 3: /* slots that never settle */
					*w = i % 12 == 4 ? 1 : 3;
					break;
				case 4: /* lengths past the field */
					*w = 0xfffffff0u;
					break;
				default: /* unterminated strings */
					memset(w, 'A', 4);
					break;
				}
			}
		}
	}
	crash();
	return 2;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	long n = argc > 2 ? atol(argv[2]) : 0;

	if (wer_register_custom_metadata("Build", "hostile-1") != S_OK)
		return 3;
	if (!strcmp(mode, "maps"))
		return many_maps(n);
	if (!strcmp(mode, "threads"))
		return many_threads(n);
	if (!strcmp(mode, "huge-args"))
		return huge_args();
	if (!strcmp(mode, "garbage-elf") && argc > 2)
		return garbage_elf(argv[2]);
	if (!strcmp(mode, "seccomp"))
		return refuse_exec();
	if (!strcmp(mode, "terminal"))
		return terminal_name();
	if (!strcmp(mode, "registry"))
		return corrupt_registry(n);
	fprintf(stderr,
		"usage: hostile_program maps N | threads N | "
		"huge-args | garbage-elf DIR | seccomp | terminal | registry "
		"SEED\n");
	return 2;
}
