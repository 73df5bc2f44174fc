/* SPDX-License-Identifier: MIT */
/*
 * cpu_x86_64.c - x86-64's part of the CPU seam (cpu.h): its context
 * record (MDRawContextAMD64) and processor fields for the minidump, on any
 * host; and, where x86-64 is the host, registers from a ucontext and from
 * ptrace, and the processor's identity (cpuid).
 */
#include <errno.h>
#include <string.h>

#include "cpu.h"
#include "minidump_format.h"

static const char *const gp_names[WER_X86_64_GP_COUNT] = {
    "rax", "rdx", "rcx", "rbx", "rsi", "rdi", "rbp",	 "rsp",	   "r8",
    "r9",  "r10", "r11", "r12", "r13", "r14", "r15",	 "rip",	   "eflags",
    "cs",  "ss",  "ds",	 "es",	"fs",  "gs",  "fs_base", "gs_base"};

static void md_context(const struct wer_cpu_regs *r, void *out)
{
	md_context_amd64_t *ctx = out;
	const uint64_t *g = r->gp;

	memset(ctx, 0, sizeof(*ctx));
	ctx->context_flags = MD_CONTEXT_AMD64_FULL | MD_CONTEXT_AMD64_SEGMENTS;
	ctx->rax = g[WER_X86_64_RAX];
	ctx->rbx = g[WER_X86_64_RBX];
	ctx->rcx = g[WER_X86_64_RCX];
	ctx->rdx = g[WER_X86_64_RDX];
	ctx->rsi = g[WER_X86_64_RSI];
	ctx->rdi = g[WER_X86_64_RDI];
	ctx->rbp = g[WER_X86_64_RBP];
	ctx->rsp = g[WER_X86_64_RSP];
	ctx->r8 = g[WER_X86_64_R8];
	ctx->r9 = g[WER_X86_64_R9];
	ctx->r10 = g[WER_X86_64_R10];
	ctx->r11 = g[WER_X86_64_R11];
	ctx->r12 = g[WER_X86_64_R12];
	ctx->r13 = g[WER_X86_64_R13];
	ctx->r14 = g[WER_X86_64_R14];
	ctx->r15 = g[WER_X86_64_R15];
	ctx->rip = g[WER_X86_64_RIP];
	ctx->eflags = (uint32_t)g[WER_X86_64_EFLAGS];
	ctx->cs = (uint16_t)g[WER_X86_64_CS];
	ctx->ss = (uint16_t)g[WER_X86_64_SS];
	ctx->ds = (uint16_t)g[WER_X86_64_DS];
	ctx->es = (uint16_t)g[WER_X86_64_ES];
	ctx->fs = (uint16_t)g[WER_X86_64_FS];
	ctx->gs = (uint16_t)g[WER_X86_64_GS];
	if (r->have_fp) {
		_Static_assert(sizeof(ctx->fxsave) == WER_X86_64_FP_SIZE,
			       "FXSAVE layout");
		memcpy(ctx->fxsave, r->fp, sizeof(ctx->fxsave));
		memcpy(&ctx->mx_csr, r->fp + 24, sizeof(ctx->mx_csr));
	}
}

static int md_context_read(const void *record, size_t size,
			   struct wer_cpu_regs *r)
{
	md_context_amd64_t ctx;
	uint64_t *g = r->gp;

	if (size < sizeof(ctx))
		return -1;
	memcpy(&ctx, record, sizeof(ctx));
	if ((ctx.context_flags & MD_CONTEXT_AMD64) != MD_CONTEXT_AMD64)
		return -1;
	memset(r, 0, sizeof(*r));
	r->arch = WER_CPU_X86_64;
	g[WER_X86_64_RAX] = ctx.rax;
	g[WER_X86_64_RBX] = ctx.rbx;
	g[WER_X86_64_RCX] = ctx.rcx;
	g[WER_X86_64_RDX] = ctx.rdx;
	g[WER_X86_64_RSI] = ctx.rsi;
	g[WER_X86_64_RDI] = ctx.rdi;
	g[WER_X86_64_RBP] = ctx.rbp;
	g[WER_X86_64_RSP] = ctx.rsp;
	g[WER_X86_64_R8] = ctx.r8;
	g[WER_X86_64_R9] = ctx.r9;
	g[WER_X86_64_R10] = ctx.r10;
	g[WER_X86_64_R11] = ctx.r11;
	g[WER_X86_64_R12] = ctx.r12;
	g[WER_X86_64_R13] = ctx.r13;
	g[WER_X86_64_R14] = ctx.r14;
	g[WER_X86_64_R15] = ctx.r15;
	g[WER_X86_64_RIP] = ctx.rip;
	g[WER_X86_64_EFLAGS] = ctx.eflags;
	g[WER_X86_64_CS] = ctx.cs;
	g[WER_X86_64_SS] = ctx.ss;
	g[WER_X86_64_DS] = ctx.ds;
	g[WER_X86_64_ES] = ctx.es;
	g[WER_X86_64_FS] = ctx.fs;
	g[WER_X86_64_GS] = ctx.gs;
	if ((ctx.context_flags & MD_CONTEXT_AMD64_FLOATING_POINT) ==
	    MD_CONTEXT_AMD64_FLOATING_POINT) {
		memcpy(r->fp, ctx.fxsave, sizeof(ctx.fxsave));
		r->have_fp = 1;
	}
	return 0;
}

static void md_cpu_info(const struct wer_cpu_id *id, void *out)
{
	md_system_info_t *info = out;
	unsigned a = id->version, family = (a >> 8) & 0xf,
		 model = (a >> 4) & 0xf;

	info->processor_architecture = MD_CPU_ARCHITECTURE_AMD64;
	memcpy(info->cpu.x86.vendor_id, id->vendor, sizeof(id->vendor));
	info->cpu.x86.version_information = id->version;
	info->cpu.x86.feature_information = id->features;
	info->cpu.x86.amd_extended_cpu_features = id->extended_features;
	if (family == 0xf)
		family += (a >> 20) & 0xff;
	if (family == 0x6 || family >= 0xf)
		model += ((a >> 16) & 0xf) << 4;
	info->processor_level = (uint16_t)family;
	info->processor_revision = (uint16_t)((model << 8) | (a & 0xf));
}

/* struct user_regs_struct (asm/ptrace.h), as NT_PRSTATUS holds it. */
static void kernel_regs(const unsigned char *b, struct wer_cpu_regs *r)
{
	static const int order[] = {
	    WER_X86_64_R15,	WER_X86_64_R14,	    WER_X86_64_R13,
	    WER_X86_64_R12,	WER_X86_64_RBP,	    WER_X86_64_RBX,
	    WER_X86_64_R11,	WER_X86_64_R10,	    WER_X86_64_R9,
	    WER_X86_64_R8,	WER_X86_64_RAX,	    WER_X86_64_RCX,
	    WER_X86_64_RDX,	WER_X86_64_RSI,	    WER_X86_64_RDI,
	    -1 /* orig_rax */,	WER_X86_64_RIP,	    WER_X86_64_CS,
	    WER_X86_64_EFLAGS,	WER_X86_64_RSP,	    WER_X86_64_SS,
	    WER_X86_64_FS_BASE, WER_X86_64_GS_BASE, WER_X86_64_DS,
	    WER_X86_64_ES,	WER_X86_64_FS,	    WER_X86_64_GS};

	memset(r, 0, sizeof(*r));
	r->arch = WER_CPU_X86_64;
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (order[i] >= 0)
			r->gp[order[i]] = wer__cpu_le64(b + 8 * i);
}

/* call pushed the return address: it is at rsp, and ret pops it. */
static void call_return(const struct wer_cpu_regs *regs, uint64_t word_at_sp,
			struct wer_cpu_regs *caller)
{
	*caller = *regs;
	caller->gp[WER_X86_64_RIP] = word_at_sp;
	caller->gp[WER_X86_64_RSP] += 8;
}

/* The kernel's struct rt_sigframe (arch/x86/include/asm/sigframe.h):
 * pretcode, then struct ucontext (uc_flags, uc_link, uc_stack, the
 * sigcontext's registers, uc_sigmask), then the siginfo. The frame starts
 * 8 bytes past a 16-byte boundary, as a call would leave it. */
enum {
	SF_PRETCODE = 0,
	SF_STACK_SP = 24,
	SF_STACK_FLAGS = 32,
	SF_STACK_SIZE = 40,
	SF_GREGS = 48, /* r8..r15, rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp,
			* rip, eflags, cs/gs/fs/ss, err, trapno, oldmask,
			* cr2, fpstate */
	SF_ERR = SF_GREGS + 19 * 8,
	SF_TRAPNO = SF_GREGS + 20 * 8,
	SF_CR2 = SF_GREGS + 22 * 8,
	SF_FPSTATE = SF_GREGS + 23 * 8,
	SF_SIGINFO = 312,
	SF_SIZE = SF_SIGINFO + 128,
};

/* The signal an x86-64 exception raises, and its si_code and si_addr as
 * the kernel sets them (arch/x86/kernel/traps.c, arch/x86/mm/fault.c).
 * Values, not <signal.h>'s names: this file builds on any host. */
static void trap(uint64_t trapno, uint64_t err, uint64_t cr2, uint64_t pc,
		 struct wer_cpu_signal_frame *ret)
{
	switch (trapno) {
	case 14: /* #PF: SEGV_ACCERR for a present page, else SEGV_MAPERR */
		ret->trap_signo = 11;
		ret->trap_code = err & 1 ? 2 : 1;
		ret->trap_address = cr2;
		break;
	case 13: /* #GP: SI_KERNEL, no address */
		ret->trap_signo = 11;
		ret->trap_code = 0x80;
		break;
	case 0: /* #DE: FPE_INTDIV */
		ret->trap_signo = 8;
		ret->trap_code = 1;
		ret->trap_address = pc;
		break;
	case 6: /* #UD: ILL_ILLOPN */
		ret->trap_signo = 4;
		ret->trap_code = 2;
		ret->trap_address = pc;
		break;
	case 3: /* #BP: SI_KERNEL */
		ret->trap_signo = 5;
		ret->trap_code = 0x80;
		break;
	default:
		break;
	}
}

static void signal_frame(const unsigned char *b,
			 struct wer_cpu_signal_frame *ret)
{
	static const int order[] = {
	    WER_X86_64_R8,  WER_X86_64_R9,    WER_X86_64_R10, WER_X86_64_R11,
	    WER_X86_64_R12, WER_X86_64_R13,   WER_X86_64_R14, WER_X86_64_R15,
	    WER_X86_64_RDI, WER_X86_64_RSI,   WER_X86_64_RBP, WER_X86_64_RBX,
	    WER_X86_64_RDX, WER_X86_64_RAX,   WER_X86_64_RCX, WER_X86_64_RSP,
	    WER_X86_64_RIP, WER_X86_64_EFLAGS};
	uint64_t segments = wer__cpu_le64(b + SF_GREGS + 18 * 8);
	uint32_t code;

	memset(ret, 0, sizeof(*ret));
	ret->regs.arch = WER_CPU_X86_64;
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		ret->regs.gp[order[i]] = wer__cpu_le64(b + SF_GREGS + 8 * i);
	ret->regs.gp[WER_X86_64_CS] = segments & 0xffff;
	ret->regs.gp[WER_X86_64_GS] = (segments >> 16) & 0xffff;
	ret->regs.gp[WER_X86_64_FS] = (segments >> 32) & 0xffff;
	ret->regs.gp[WER_X86_64_SS] = (segments >> 48) & 0xffff;
	ret->fpstate = wer__cpu_le64(b + SF_FPSTATE);
	ret->restorer = wer__cpu_le64(b + SF_PRETCODE);
	ret->alt_stack = wer__cpu_le64(b + SF_STACK_SP);
	ret->alt_stack_flags = (int)(uint32_t)wer__cpu_le64(b + SF_STACK_FLAGS);
	ret->alt_stack_size = wer__cpu_le64(b + SF_STACK_SIZE);
	memcpy(ret->siginfo, b + SF_SIGINFO, sizeof(ret->siginfo));
	ret->signo = (int)(uint32_t)wer__cpu_le64(b + SF_SIGINFO);
	code = (uint32_t)(wer__cpu_le64(b + SF_SIGINFO + 8));
	ret->code = (int)code;
	ret->address = wer__cpu_le64(b + SF_SIGINFO + 16);
	trap(wer__cpu_le64(b + SF_TRAPNO), wer__cpu_le64(b + SF_ERR),
	     wer__cpu_le64(b + SF_CR2), ret->regs.gp[WER_X86_64_RIP], ret);
}

const struct wer_cpu_ops wer__cpu_x86_64 = {
    .arch = WER_CPU_X86_64,
    .name = "x86_64",
    .gp_count = WER_X86_64_GP_COUNT,
    .dwarf_count = WER_X86_64_RIP + 1,
    .pc = WER_X86_64_RIP,
    .sp = WER_X86_64_RSP,
    .fp = WER_X86_64_RBP,
    .tp = WER_X86_64_FS_BASE,
    .code_mask = ~UINT64_C(0),
    .gp_names = gp_names,
    /* The System V ABI's: rbx, rbp, r12-r15 (and rsp, the CFA). */
    .callee_saved = 1u << WER_X86_64_RBX | 1u << WER_X86_64_RBP |
		    1u << WER_X86_64_R12 | 1u << WER_X86_64_R13 |
		    1u << WER_X86_64_R14 | 1u << WER_X86_64_R15,
    .md_architecture = MD_CPU_ARCHITECTURE_AMD64,
    .md_context_size = sizeof(md_context_amd64_t),
    .md_context = md_context,
    .md_context_read = md_context_read,
    .md_cpu_info = md_cpu_info,
    /* struct elf_prstatus: siginfo, cursig, sigpend, sighold, then
     * pr_pid at 32, the times, pr_reg at 112, pr_fpvalid. */
    .prstatus_size = 336,
    .prstatus_pid = 32,
    .prstatus_reg = 112,
    .kernel_regs_size = 27 * 8,
    .kernel_regs = kernel_regs,
    .call_return = call_return,
    .signal_frame_size = SF_SIZE,
    .signal_frame_align = 16,
    .signal_frame_rest = 8,
    .signal_frame = signal_frame,
    .fp_size = WER_X86_64_FP_SIZE,
};

/* ---- x86-64 as the host ----------------------------------------------------
 */
#if defined(__x86_64__)
#include <cpuid.h>
#include <elf.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>

void wer__cpu_from_ucontext(const ucontext_t *uc,
			    const struct wer_cpu_fpstate *fp,
			    struct wer_cpu_regs *ret)
{
	const greg_t *g = uc->uc_mcontext.gregs;
	uint64_t csgsfs = (uint64_t)g[REG_CSGSFS];
	static const int order[] = {REG_RAX, REG_RDX, REG_RCX, REG_RBX, REG_RSI,
				    REG_RDI, REG_RBP, REG_RSP, REG_R8,	REG_R9,
				    REG_R10, REG_R11, REG_R12, REG_R13, REG_R14,
				    REG_R15, REG_RIP};

	memset(ret, 0, sizeof(*ret));
	ret->arch = WER_CPU_X86_64;
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		ret->gp[i] = (uint64_t)g[order[i]];
	ret->gp[WER_X86_64_EFLAGS] = (uint64_t)g[REG_EFL];
	/* The kernel packs cs, gs, fs (and ss) into one word. */
	ret->gp[WER_X86_64_CS] = csgsfs & 0xffff;
	ret->gp[WER_X86_64_GS] = (csgsfs >> 16) & 0xffff;
	ret->gp[WER_X86_64_FS] = (csgsfs >> 32) & 0xffff;
	ret->gp[WER_X86_64_SS] = (csgsfs >> 48) & 0xffff;
	if (fp && uc->uc_mcontext.fpregs) {
		_Static_assert(sizeof(fp->fx) == WER_X86_64_FP_SIZE,
			       "FXSAVE layout");
		memcpy(ret->fp, &fp->fx, sizeof(fp->fx));
		ret->have_fp = 1;
	}
}

int wer__cpu_from_ptrace(pid_t tid, struct wer_cpu_regs *ret)
{
	struct user_regs_struct r;
	struct user_fpregs_struct fp;
	struct iovec io = {&r, sizeof(r)}, fpio = {&fp, sizeof(fp)};

	if (ptrace(PTRACE_GETREGSET, tid, (void *)(uintptr_t)NT_PRSTATUS,
		   &io) != 0)
		return -errno;
	_Static_assert(sizeof(r) == 27 * 8, "user_regs_struct");
	kernel_regs((const unsigned char *)&r, ret);
	if (ptrace(PTRACE_GETREGSET, tid, (void *)(uintptr_t)NT_PRFPREG,
		   &fpio) == 0) {
		_Static_assert(sizeof(fp) == WER_X86_64_FP_SIZE,
			       "FXSAVE layout");
		memcpy(ret->fp, &fp, sizeof(fp));
		ret->have_fp = 1;
	}
	return 0;
}

void wer__cpu_identify(struct wer_cpu_id *ret)
{
	unsigned a, b, c, d;

	memset(ret, 0, sizeof(*ret));
	if (!__get_cpuid(0, &a, &b, &c, &d))
		return;
	ret->vendor[0] = b;
	ret->vendor[1] = d;
	ret->vendor[2] = c;
	if (!__get_cpuid(1, &a, &b, &c, &d))
		return;
	ret->version = a;
	ret->features = d;
	if ((unsigned int)__get_cpuid_max(0x80000000, NULL) >= 0x80000001u &&
	    __get_cpuid(0x80000001, &a, &b, &c, &d))
		ret->extended_features = d;
}
#endif /* __x86_64__ */
