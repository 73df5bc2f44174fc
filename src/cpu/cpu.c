/* SPDX-License-Identifier: MIT */
/*
 * cpu.c - the architectures this build knows (cpu.h).
 */
#include "cpu.h"

extern const struct wer_cpu_ops wer__cpu_x86_64;

const struct wer_cpu_ops *wer__cpu_ops(enum wer_cpu_arch arch)
{
	switch (arch) {
	case WER_CPU_X86_64:
		return &wer__cpu_x86_64;
	default:
		return NULL;
	}
}
