/*
 * hostile_program - a process that makes itself hard to report on, then
 * crashes (tests/crash/hostile_tests.sh):
 *
 *   maps N          N separate mappings (alternating permissions, so the
 *                   kernel cannot merge them)
 *   threads N       N threads, all blocked
 *   huge-args       a 1 GiB command line and environment (the kernel's
 *                   record of where they are, moved with PR_SET_MM; needs
 *                   CAP_SYS_RESOURCE: exit 77 without it)
 *   garbage-elf DIR two executable file mappings that are not ELF: random
 *                   bytes, and an ELF header whose tables point far
 *                   outside the file
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
#include <sys/prctl.h>
#include <unistd.h>

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

static int huge_args(void)
{
	size_t size = (size_t)1 << 30;
	char *area = mmap(NULL, size, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	unsigned long start, end;

	if (area == MAP_FAILED)
		return 4;
	/* Text at the start of each half; the rest is untouched zeros. */
	for (size_t i = 0; i < (1u << 20); i += 16)
		memcpy(area + i, "SECRET_X=1234567", 16);
	memcpy(area + size / 2, "--password=sw0rdfish", 20);
	start = (unsigned long)area;
	end = start + size;
	/* Order matters to the kernel's checks: widen before narrowing. */
	if (prctl(PR_SET_MM, PR_SET_MM_ENV_END, end, 0, 0) < 0 ||
	    prctl(PR_SET_MM, PR_SET_MM_ENV_START, start, 0, 0) < 0 ||
	    prctl(PR_SET_MM, PR_SET_MM_ARG_END, end, 0, 0) < 0 ||
	    prctl(PR_SET_MM, PR_SET_MM_ARG_START, start + size / 2, 0, 0) < 0) {
		fprintf(stderr, "hostile_program: PR_SET_MM: %s\n",
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
	fprintf(stderr, "usage: hostile_program maps N | threads N | "
			"huge-args | garbage-elf DIR\n");
	return 2;
}
