/* SPDX-License-Identifier: MIT */
/*
 * cpu_aarch64.c - AArch64's part of the CPU seam (cpu.h): its context
 * record (MDRawContextARM64) and processor fields for the minidump, the
 * kernel's register set, on any host; and, where AArch64 is the host,
 * registers from a ucontext and from ptrace, and the processor's identity.
 */
#include <errno.h>
#include <string.h>

#include "cpu.h"
#include "minidump_format.h"

static const char *const gp_names[WER_AARCH64_GP_COUNT] = {
    "x0",  "x1",  "x2",	 "x3",	"x4",  "x5",  "x6",	"x7",	"x8",
    "x9",  "x10", "x11", "x12", "x13", "x14", "x15",	"x16",	"x17",
    "x18", "x19", "x20", "x21", "x22", "x23", "x24",	"x25",	"x26",
    "x27", "x28", "x29", "x30", "sp",  "pc",  "pstate", "tpidr"};

static void md_context(const struct wer_cpu_regs *r, void *out)
{
	md_context_arm64_t *ctx = out;

	memset(ctx, 0, sizeof(*ctx));
	ctx->context_flags =
	    MD_CONTEXT_ARM64_CONTROL | MD_CONTEXT_ARM64_INTEGER;
	ctx->cpsr = (uint32_t)r->gp[WER_AARCH64_PSTATE];
	/* x0..x30, sp: the same order as gp[]; then pc. */
	for (int i = 0; i <= WER_AARCH64_SP; i++)
		ctx->iregs[i] = r->gp[i];
	ctx->iregs[MD_CONTEXT_ARM64_REG_PC] = r->gp[WER_AARCH64_PC];
	if (r->have_fp) {
		ctx->context_flags |= MD_CONTEXT_ARM64_FLOATING_POINT;
		memcpy(ctx->float_regs, r->fp, sizeof(ctx->float_regs));
		memcpy(&ctx->fpsr, r->fp + WER_AARCH64_FPSR, 4);
		memcpy(&ctx->fpcr, r->fp + WER_AARCH64_FPCR, 4);
	}
}

static int md_context_read(const void *record, size_t size,
			   struct wer_cpu_regs *r)
{
	md_context_arm64_t ctx;

	if (size < sizeof(ctx))
		return -1;
	memcpy(&ctx, record, sizeof(ctx));
	if ((ctx.context_flags & MD_CONTEXT_ARM64) != MD_CONTEXT_ARM64)
		return -1;
	memset(r, 0, sizeof(*r));
	r->arch = WER_CPU_AARCH64;
	for (int i = 0; i <= WER_AARCH64_SP; i++)
		r->gp[i] = ctx.iregs[i];
	r->gp[WER_AARCH64_PC] = ctx.iregs[MD_CONTEXT_ARM64_REG_PC];
	r->gp[WER_AARCH64_PSTATE] = ctx.cpsr;
	if ((ctx.context_flags & MD_CONTEXT_ARM64_FLOATING_POINT) ==
	    MD_CONTEXT_ARM64_FLOATING_POINT) {
		memcpy(r->fp, ctx.float_regs, sizeof(ctx.float_regs));
		memcpy(r->fp + WER_AARCH64_FPSR, &ctx.fpsr, 4);
		memcpy(r->fp + WER_AARCH64_FPCR, &ctx.fpcr, 4);
		r->have_fp = 1;
	}
	return 0;
}

/* MIDR_EL1 (version) and AT_HWCAP (features) as Breakpad and Crashpad
 * keep them for ARM; the level is the architecture (8: ARMv8 and later,
 * MIDR's architecture field 0xf, "by CPUID scheme"), the revision MIDR's
 * variant and revision. */
static void md_cpu_info(const struct wer_cpu_id *id, void *out)
{
	md_system_info_t *info = out;
	uint32_t midr = id->version;

	info->processor_architecture = MD_CPU_ARCHITECTURE_ARM64;
	info->processor_level = ((midr >> 16) & 0xf) == 0xf ? 8 : 0;
	info->processor_revision =
	    (uint16_t)(((midr >> 20) & 0xf) << 8 | (midr & 0xf));
	info->cpu.arm.cpuid = midr;
	info->cpu.arm.elf_hwcaps = id->features;
}

/* struct user_pt_regs (asm/ptrace.h), as NT_PRSTATUS holds it: x0..x30,
 * sp, pc, pstate. */
static void kernel_regs(const unsigned char *b, struct wer_cpu_regs *r)
{
	memset(r, 0, sizeof(*r));
	r->arch = WER_CPU_AARCH64;
	for (int i = 0; i <= WER_AARCH64_SP; i++)
		r->gp[i] = wer__cpu_le64(b + 8 * i);
	r->gp[WER_AARCH64_PC] = wer__cpu_le64(b + 8 * 32);
	r->gp[WER_AARCH64_PSTATE] = wer__cpu_le64(b + 8 * 33);
}

/* blr put the return address in the link register: a return goes there,
 * the stack untouched. */
static void call_return(const struct wer_cpu_regs *regs, uint64_t word_at_sp,
			struct wer_cpu_regs *caller)
{
	(void)word_at_sp;
	*caller = *regs;
	caller->gp[WER_AARCH64_PC] =
	    wer_aarch64_strip_pac(regs->gp[WER_AARCH64_LR]);
}

const struct wer_cpu_ops wer__cpu_aarch64 = {
    .arch = WER_CPU_AARCH64,
    .name = "aarch64",
    .gp_count = WER_AARCH64_GP_COUNT,
    .dwarf_count = WER_AARCH64_SP + 1,
    .pc = WER_AARCH64_PC,
    .sp = WER_AARCH64_SP,
    .fp = WER_AARCH64_FP,
    .tp = WER_AARCH64_TPIDR,
    .code_mask = WER_AARCH64_ADDRESS_MASK,
    .gp_names = gp_names,
    /* AAPCS64: x19-x29 (and sp, the CFA). */
    .callee_saved = 0x3ffull << 19 | 1ull << WER_AARCH64_FP,
    .md_architecture = MD_CPU_ARCHITECTURE_ARM64,
    .md_context_size = sizeof(md_context_arm64_t),
    .md_context = md_context,
    .md_context_read = md_context_read,
    .md_cpu_info = md_cpu_info,
    /* struct elf_prstatus as on x86-64 up to pr_reg at 112; pr_reg is
     * user_pt_regs (34 words), then pr_fpvalid and padding. */
    .prstatus_size = 392,
    .prstatus_pid = 32,
    .prstatus_reg = 112,
    .kernel_regs_size = 34 * 8,
    .kernel_regs = kernel_regs,
    .call_return = call_return,
    /* The kernel's signal frame (siginfo, then a ucontext whose
     * floating-point state is a record inside it) is not searched for on
     * AArch64: a crash a handler raised again is reported as raised. */
    .signal_frame = NULL,
    .fp_size = WER_AARCH64_FP_SIZE,
};

/* ---- AArch64 as the host ---------------------------------------------------
 */
#if defined(__aarch64__)
#include <asm/ptrace.h>
#include <elf.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <unistd.h>

void wer__cpu_from_ucontext(const ucontext_t *uc,
			    const struct wer_cpu_fpstate *fp,
			    struct wer_cpu_regs *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->arch = WER_CPU_AARCH64;
	for (int i = 0; i < 31; i++)
		ret->gp[i] = (uint64_t)uc->uc_mcontext.regs[i];
	ret->gp[WER_AARCH64_SP] = (uint64_t)uc->uc_mcontext.sp;
	ret->gp[WER_AARCH64_PC] = (uint64_t)uc->uc_mcontext.pc;
	ret->gp[WER_AARCH64_PSTATE] = (uint64_t)uc->uc_mcontext.pstate;
	if (fp) {
		_Static_assert(sizeof(fp->bytes) == WER_AARCH64_FP_SIZE,
			       "user_fpsimd_state layout");
		memcpy(ret->fp, fp->bytes, sizeof(fp->bytes));
		ret->have_fp = 1;
	}
}

int wer__cpu_from_ptrace(pid_t tid, struct wer_cpu_regs *ret)
{
	struct user_pt_regs r;
	struct user_fpsimd_state fp;
	uint64_t tls = 0;
	struct iovec io = {&r, sizeof(r)}, fpio = {&fp, sizeof(fp)},
		     tlsio = {&tls, sizeof(tls)};

	if (ptrace(PTRACE_GETREGSET, tid, (void *)(uintptr_t)NT_PRSTATUS,
		   &io) != 0)
		return -errno;
	_Static_assert(sizeof(r) == 34 * 8, "user_pt_regs");
	kernel_regs((const unsigned char *)&r, ret);
	if (ptrace(PTRACE_GETREGSET, tid, (void *)(uintptr_t)NT_PRFPREG,
		   &fpio) == 0) {
		_Static_assert(sizeof(fp) == WER_AARCH64_FP_SIZE,
			       "user_fpsimd_state layout");
		memcpy(ret->fp, &fp, sizeof(fp));
		ret->have_fp = 1;
	}
	/* NT_ARM_TLS: TPIDR_EL0, the thread pointer. */
	if (ptrace(PTRACE_GETREGSET, tid, (void *)(uintptr_t)0x401, &tlsio) ==
	    0)
		ret->gp[WER_AARCH64_TPIDR] = tls;
	return 0;
}

/* MIDR_EL1 as the kernel exports it (a hex number in sysfs), and the
 * hardware capabilities. */
void wer__cpu_identify(struct wer_cpu_id *ret)
{
	char text[32] = "";
	int fd = open("/sys/devices/system/cpu/cpu0/regs/identification/"
		      "midr_el1",
		      O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, text, sizeof(text) - 1);

	memset(ret, 0, sizeof(*ret));
	if (fd >= 0)
		close(fd);
	if (n > 0) {
		text[n] = '\0';
		ret->version = (uint32_t)strtoul(text, NULL, 16);
	}
	ret->features = (uint32_t)getauxval(AT_HWCAP);
}
#endif /* __aarch64__ */
