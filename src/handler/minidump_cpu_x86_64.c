/* SPDX-License-Identifier: MIT */
/*
 * minidump_cpu_x86_64.c - x86-64 context records (MDRawContextAMD64) and
 * processor identification (cpuid) for the minidump writer.
 */
#if !defined(__x86_64__)
#error "openwer: minidump_cpu_x86_64.c is for x86-64; add a file for this CPU"
#endif

#include <cpuid.h>
#include <string.h>
#include <sys/ucontext.h>

#include "minidump_cpu.h"

size_t wer__md_context_size(void)
{
	return sizeof(md_context_amd64_t);
}

void wer__md_context(const struct wer_thread *t,
		     const struct wer_crash_area *crash, void *out)
{
	md_context_amd64_t *ctx = out;

	memset(ctx, 0, sizeof(*ctx));
	ctx->context_flags = MD_CONTEXT_AMD64_FULL | MD_CONTEXT_AMD64_SEGMENTS;
	if (t->crashed && crash) {
		const greg_t *g = crash->context.uc_mcontext.gregs;
		uint64_t csgsfs = (uint64_t)g[REG_CSGSFS];

		ctx->rax = (uint64_t)g[REG_RAX];
		ctx->rbx = (uint64_t)g[REG_RBX];
		ctx->rcx = (uint64_t)g[REG_RCX];
		ctx->rdx = (uint64_t)g[REG_RDX];
		ctx->rsi = (uint64_t)g[REG_RSI];
		ctx->rdi = (uint64_t)g[REG_RDI];
		ctx->rbp = (uint64_t)g[REG_RBP];
		ctx->rsp = (uint64_t)g[REG_RSP];
		ctx->r8 = (uint64_t)g[REG_R8];
		ctx->r9 = (uint64_t)g[REG_R9];
		ctx->r10 = (uint64_t)g[REG_R10];
		ctx->r11 = (uint64_t)g[REG_R11];
		ctx->r12 = (uint64_t)g[REG_R12];
		ctx->r13 = (uint64_t)g[REG_R13];
		ctx->r14 = (uint64_t)g[REG_R14];
		ctx->r15 = (uint64_t)g[REG_R15];
		ctx->rip = (uint64_t)g[REG_RIP];
		ctx->eflags = (uint32_t)g[REG_EFL];
		/* The kernel packs cs, gs, fs (and ss) into one word. */
		ctx->cs = (uint16_t)(csgsfs & 0xffff);
		ctx->gs = (uint16_t)((csgsfs >> 16) & 0xffff);
		ctx->fs = (uint16_t)((csgsfs >> 32) & 0xffff);
		ctx->ss = (uint16_t)((csgsfs >> 48) & 0xffff);
		if (crash->context.uc_mcontext.fpregs) {
			memcpy(ctx->fxsave, &crash->fpstate,
			       sizeof(ctx->fxsave));
			ctx->mx_csr = crash->fpstate.mxcsr;
		}
		return;
	}
	if (!t->have_regs)
		return;
	ctx->rax = t->cpu.regs.rax;
	ctx->rbx = t->cpu.regs.rbx;
	ctx->rcx = t->cpu.regs.rcx;
	ctx->rdx = t->cpu.regs.rdx;
	ctx->rsi = t->cpu.regs.rsi;
	ctx->rdi = t->cpu.regs.rdi;
	ctx->rbp = t->cpu.regs.rbp;
	ctx->rsp = t->cpu.regs.rsp;
	ctx->r8 = t->cpu.regs.r8;
	ctx->r9 = t->cpu.regs.r9;
	ctx->r10 = t->cpu.regs.r10;
	ctx->r11 = t->cpu.regs.r11;
	ctx->r12 = t->cpu.regs.r12;
	ctx->r13 = t->cpu.regs.r13;
	ctx->r14 = t->cpu.regs.r14;
	ctx->r15 = t->cpu.regs.r15;
	ctx->rip = t->cpu.regs.rip;
	ctx->eflags = (uint32_t)t->cpu.regs.eflags;
	ctx->cs = (uint16_t)t->cpu.regs.cs;
	ctx->ds = (uint16_t)t->cpu.regs.ds;
	ctx->es = (uint16_t)t->cpu.regs.es;
	ctx->fs = (uint16_t)t->cpu.regs.fs;
	ctx->gs = (uint16_t)t->cpu.regs.gs;
	ctx->ss = (uint16_t)t->cpu.regs.ss;
	if (t->cpu.have_fp) {
		_Static_assert(sizeof(t->cpu.fp) == 512, "FXSAVE layout");
		memcpy(ctx->fxsave, &t->cpu.fp, sizeof(ctx->fxsave));
		ctx->mx_csr = t->cpu.fp.mxcsr;
	}
}

void wer__md_cpu_info(md_system_info_t *info)
{
	unsigned a, b, c, d, family, model, max_ext;

	info->processor_architecture = MD_CPU_ARCHITECTURE_AMD64;
	if (!__get_cpuid(0, &a, &b, &c, &d))
		return;
	info->cpu.x86.vendor_id[0] = b;
	info->cpu.x86.vendor_id[1] = d;
	info->cpu.x86.vendor_id[2] = c;
	if (!__get_cpuid(1, &a, &b, &c, &d))
		return;
	info->cpu.x86.version_information = a;
	info->cpu.x86.feature_information = d;
	family = (a >> 8) & 0xf;
	model = (a >> 4) & 0xf;
	if (family == 0xf)
		family += (a >> 20) & 0xff;
	if (family == 0x6 || family >= 0xf)
		model += ((a >> 16) & 0xf) << 4;
	info->processor_level = (uint16_t)family;
	info->processor_revision = (uint16_t)((model << 8) | (a & 0xf));
	max_ext = __get_cpuid_max(0x80000000, NULL);
	if (max_ext >= 0x80000001 && __get_cpuid(0x80000001, &a, &b, &c, &d))
		info->cpu.x86.amd_extended_cpu_features = d;
}
