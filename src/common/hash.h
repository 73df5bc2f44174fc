/* SPDX-License-Identifier: MIT */
/*
 * hash.h - FNV-1a, 64 bits, with the standard offset basis: the throttle's
 * signature hash, the unwinder's interned names, the collector's stack
 * hash. Not for anything an attacker must not collide.
 */
#ifndef WER_HASH_H
#define WER_HASH_H

#include <stddef.h>
#include <stdint.h>

#define WER_FNV1A_BASIS 14695981039346656037ull
#define WER_FNV1A_PRIME 1099511628211ull

/* Continues hash h over len bytes of data (start with WER_FNV1A_BASIS). */
static inline uint64_t wer_fnv1a(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = (const unsigned char *)data;

	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * WER_FNV1A_PRIME;
	return h;
}

#endif /* WER_HASH_H */
