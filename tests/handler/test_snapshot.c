/* SPDX-License-Identifier: MIT */
/*
 * test_snapshot.c - a report and a minidump from a snapshot made of
 * fixture data, with no live process: the seam every capture front-end
 * fills (src/handler/snapshot.h). The back-ends must read only the
 * snapshot, so what lands on disk is known to the byte where it matters:
 *
 *   test_snapshot STORE_DIR [x86_64|aarch64]
 *
 * writes the report of a crash on that processor (x86-64 unless said; the
 * back-ends write any architecture's snapshot on any host) into
 * STORE_DIR (as WER_REPORT_DIR), checks it with
 * the project's own readers (Report.wer's parser, the minidump reader)
 * and prints the report's directory; test_snapshot.sh then has Breakpad's
 * minidump_dump and minidump_stackwalk read the same dump.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "minidump_read.h"
#include "report.h"
#include "store.h"

static int failures;

#define EXPECT(cond)                                                           \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "not ok - %s:%d: %s\n", __FILE__,      \
				__LINE__, #cond);                              \
			failures++;                                            \
		}                                                              \
	} while (0)

#define APP_BASE   0x400000ull
#define APP_END	   0x410000ull
#define LIB_BASE   0x7f0000000000ull
#define LIB_END	   0x7f0000020000ull
#define STACK_BASE 0x7ffd00000000ull
#define STACK_SIZE 4096
#define CRASH_PC   (APP_BASE + 0x1234)
#define OTHER_PC   (LIB_BASE + 0x5678)

static const char maps_text[] =
    "00400000-00410000 r-xp 00000000 08:01 1001 /opt/fixture/bin/app\n"
    "7f0000000000-7f0000020000 r-xp 00000000 08:01 1002 "
    "/opt/fixture/lib/libfix.so.1\n"
    "7ffd00000000-7ffd00004000 rw-p 00000000 00:00 0 [stack]\n";

static char *text(const char *s, size_t *ret_len)
{
	*ret_len = strlen(s);
	return strdup(s);
}

/* The fixture's processor. */
static enum wer_cpu_arch arch = WER_CPU_X86_64;

/* A thread of the fixture: registers by the CPU seam's order for arch, a
 * stack holding one return address into the library (and, on AArch64,
 * the link register another). */
static void fixture_thread(struct wer_snapshot_thread *t, pid_t tid,
			   const char *name, uint64_t pc, uint64_t stack_at,
			   int crashed)
{
	const struct wer_cpu_ops *ops = wer__cpu_ops(arch);
	uint64_t ret = OTHER_PC + 0x10;

	t->tid = tid;
	snprintf(t->name, sizeof(t->name), "%s", name);
	t->crashed = crashed;
	t->have_regs = 1;
	t->cpu.arch = arch;
	for (size_t i = 0; i < ops->gp_count; i++)
		t->cpu.gp[i] = 0x1000 + i;
	t->cpu.gp[ops->pc] = pc;
	t->cpu.gp[ops->sp] = stack_at;
	t->cpu.gp[ops->fp] = stack_at + 64;
	if (arch == WER_CPU_AARCH64)
		t->cpu.gp[WER_AARCH64_LR] = OTHER_PC + 0x20;
	/* Floating-point state with a pattern: it must come back. */
	t->cpu.have_fp = 1;
	for (size_t i = 0; i < ops->fp_size; i++)
		t->cpu.fp[i] = (unsigned char)(i * 7 + 1);
	t->stack_start = stack_at;
	t->stack_size = STACK_SIZE / 2;
	t->stack = calloc(1, t->stack_size);
	memcpy(t->stack + 8, &ret, sizeof(ret));
}

static void fixture(struct wer_job *j)
{
	struct wer_snapshot *s = &j->snap;

	wer__job_init(j);
	wer_settings_defaults(&j->settings);
	s->arch = arch;
	s->pid = 4242;
	s->tid = 4242;
	s->time_ns = 1764547200ull * 1000000000ull; /* 2025-12-01T00:00:00Z */
	s->have_crash = 1;
	s->crash.signo = 11;
	s->crash.code = 1;
	s->crash.tid = 4242;
	s->crash.address = 0x10;
	s->crash.pc = CRASH_PC;
	s->crash.time_ns = s->time_ns;
	s->have_threads = 1;
	s->seized = 1;
	s->thread_count = s->threads_total = 2;
	s->threads = calloc(2, sizeof(*s->threads));
	fixture_thread(&s->threads[0], 4242, "app", CRASH_PC, STACK_BASE, 1);
	fixture_thread(&s->threads[1], 4243, "worker", OTHER_PC,
		       STACK_BASE + STACK_SIZE / 2, 0);
	snprintf(s->exe, sizeof(s->exe), "/opt/fixture/bin/app");
	memcpy(s->cmdline, "app\0--fixture", 13);
	s->cmdline_len = 13;
	s->maps.data = text(maps_text, &s->maps.len);
	s->status.data = text("Name:\tapp\nPid:\t4242\n", &s->status.len);
	s->module_count = 2;
	s->modules[0] = (struct wer_snapshot_module){
	    APP_BASE, APP_END, "/opt/fixture/bin/app",
	    "00112233445566778899aabbccddeeff01234567", ""};
	s->modules[1] = (struct wer_snapshot_module){
	    LIB_BASE, LIB_END, "/opt/fixture/lib/libfix.so.1",
	    "feedfacefeedfacefeedfacefeedfacefeedface", "libfix.so.1"};
	s->fault_module = 0;
	s->fault_pc = CRASH_PC;
	s->have_registry = 1;
	s->registry.meta_count = 2;
	snprintf(s->registry.meta[0].key, sizeof(s->registry.meta[0].key),
		 "Build");
	snprintf(s->registry.meta[0].value, sizeof(s->registry.meta[0].value),
		 "fixture-7");
	snprintf(s->registry.meta[1].key, sizeof(s->registry.meta[1].key),
		 "Channel");
	snprintf(s->registry.meta[1].value, sizeof(s->registry.meta[1].value),
		 "snapshot <test>");
	s->system.cpu_count = 4;
	if (arch == WER_CPU_AARCH64) /* MIDR of a Neoverse N1, its hwcaps */
		s->system.cpu_id =
		    (struct wer_cpu_id){{0}, 0x413fd0c1, 0xff, 0};
	else
		s->system.cpu_id =
		    (struct wer_cpu_id){{0x756e6547, 0x49656e69, 0x6c65746e},
					0x000906ea,
					0x1f8bfbff,
					0};
	snprintf(s->system.os_name, sizeof(s->system.os_name), "Linux");
	snprintf(s->system.os_release, sizeof(s->system.os_release),
		 "6.1.0-fixture");
	snprintf(s->system.machine, sizeof(s->system.machine), "%s",
		 wer__cpu_ops(arch)->name);
}

int main(int argc, char **argv)
{
	struct wer_job *j = calloc(1, sizeof(*j));
	struct wer_report_info *info = calloc(1, sizeof(*info));
	struct wer_md_facts *facts = calloc(1, sizeof(*facts));
	char path[PATH_MAX], dump[PATH_MAX + 32], *data;
	FILE *f;
	long size;
	int err;

	if (argc < 2 || argc > 3 || !j || !info || !facts ||
	    (argc == 3 && strcmp(argv[2], "x86_64") &&
	     strcmp(argv[2], "aarch64"))) {
		fprintf(stderr, "usage: test_snapshot STORE_DIR "
				"[x86_64|aarch64]\n");
		return 2;
	}
	if (argc == 3 && !strcmp(argv[2], "aarch64"))
		arch = WER_CPU_AARCH64;
	setenv("WER_REPORT_DIR", argv[1], 1);
	fixture(j);
	err = wer__report_write(j, path, sizeof(path));
	EXPECT(err == 0);
	if (err) {
		fprintf(stderr, "wer__report_write: %s\n", strerror(-err));
		return 1;
	}
	/* Report.wer, through the project's parser. */
	{
		struct wer_store store;
		int area;

		EXPECT(wer_store_open(0, &store) == 0);
		area = wer_store_area(&store, WER_STORE_QUEUE, 0);
		EXPECT(wer_report_read(&store, area, WER_STORE_QUEUE,
				       strrchr(path, '/') + 1, info) == 0);
		close(area);
		wer_store_close(&store);
	}
	EXPECT(!strcmp(info->event_type, "APPCRASH"));
	EXPECT(info->pid == 4242 && info->tid == 4242);
	EXPECT(!strcmp(wer_report_sig(info, "Application Name"), "app"));
	EXPECT(!strcmp(wer_report_sig(info, "Application Build ID"),
		       "00112233445566778899aabbccddeeff01234567"));
	EXPECT(!strcmp(wer_report_sig(info, "Fault Module Name"), "app"));
	EXPECT(!strcmp(wer_report_sig(info, "Fault Offset"), "0x1234"));
	EXPECT(!strcmp(wer_report_sig(info, "Signal"), "SIGSEGV (11)"));
	EXPECT(info->meta_count == 2 && !strcmp(info->meta_key[1], "Channel") &&
	       !strcmp(info->meta_value[1], "snapshot <test>"));
	EXPECT(!strcmp(info->event_time, "2025-12-01T00:00:00.000000000Z"));
	/* The minidump, through the project's reader. */
	snprintf(dump, sizeof(dump), "%s/minidump.mdmp", path);
	f = fopen(dump, "rb");
	EXPECT(f != NULL);
	if (!f)
		return 1;
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	data = malloc((size_t)size);
	EXPECT(data && fread(data, 1, (size_t)size, f) == (size_t)size);
	fclose(f);
	EXPECT(wer_minidump_facts(data, (size_t)size, facts) == 0);
	EXPECT(facts->thread_count == 2);
	EXPECT(facts->crashed_tid == 4242);
	EXPECT(facts->signal == 11 && facts->code == 1);
	EXPECT(facts->crashed_pc == CRASH_PC);
	EXPECT(facts->cpu_count == 4);
	EXPECT(facts->module_count == 2);
	EXPECT(facts->have_crashpad && facts->have_exception &&
	       facts->have_system_info);
	/* The crashed thread read back, as the collector's stack walk reads
	 * it: its stack where the snapshot had it, and its registers
	 * through the CPU seam's inverse of the context record (all but the
	 * thread pointer, which the record has no room for: fs_base and
	 * gs_base, TPIDR_EL0), the floating-point state too. */
	{
		const struct wer_snapshot_thread *t = &j->snap.threads[0];
		const struct wer_cpu_ops *ops =
		    wer__cpu_ops_md(facts->cpu_arch);
		struct wer_md_thread mt;
		struct wer_cpu_regs regs;

		EXPECT(wer_minidump_crashed_thread(data, (size_t)size, facts,
						   &mt) == 0);
		EXPECT(mt.tid == 4242 && mt.stack_start == t->stack_start &&
		       mt.stack_size == t->stack_size && mt.stack &&
		       !memcmp(mt.stack, t->stack, t->stack_size));
		size_t kept = arch == WER_CPU_AARCH64 ? WER_AARCH64_TPIDR
						      : WER_X86_64_FS_BASE;

		EXPECT(ops && ops->arch == arch);
		EXPECT(ops && mt.context_size == ops->md_context_size);
		EXPECT(ops && ops->md_context_read(mt.context, mt.context_size,
						   &regs) == 0);
		for (size_t i = 0; ops && i < kept; i++)
			EXPECT(regs.gp[i] == t->cpu.gp[i]);
		/* (AArch64's padding after fpcr is not in the record.) */
		EXPECT(ops && regs.have_fp &&
		       !memcmp(regs.fp, t->cpu.fp,
			       arch == WER_CPU_AARCH64 ? WER_AARCH64_FPCR + 4
						       : ops->fp_size));
		EXPECT(ops && ops->md_context_read(mt.context, 16, &regs) < 0);
		/* The other processor's reader refuses the record. */
		EXPECT(wer__cpu_ops(arch == WER_CPU_AARCH64 ? WER_CPU_X86_64
							    : WER_CPU_AARCH64)
			   ->md_context_read(mt.context, mt.context_size,
					     &regs) < 0);
	}
	free(data);
	if (failures)
		return 1;
	printf("%s\n", path);
	wer__job_free(j);
	free(j);
	free(info);
	free(facts);
	return 0;
}
