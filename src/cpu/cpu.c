/* SPDX-License-Identifier: MIT */
/*
 * cpu.c - the architectures this build knows (cpu.h).
 */
#include "cpu.h"

extern const struct wer_cpu_ops wer__cpu_x86_64;
extern const struct wer_cpu_ops wer__cpu_aarch64;

const struct wer_cpu_ops *wer__cpu_ops(enum wer_cpu_arch arch)
{
	switch (arch) {
	case WER_CPU_X86_64:
		return &wer__cpu_x86_64;
	case WER_CPU_AARCH64:
		return &wer__cpu_aarch64;
	default:
		return NULL;
	}
}

const struct wer_cpu_ops *wer__cpu_ops_md(uint16_t md_architecture)
{
	static const enum wer_cpu_arch known[] = {WER_CPU_X86_64,
						  WER_CPU_AARCH64};

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		const struct wer_cpu_ops *ops = wer__cpu_ops(known[i]);

		if (ops && ops->md_architecture == md_architecture)
			return ops;
	}
	return NULL;
}
