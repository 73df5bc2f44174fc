/* SPDX-License-Identifier: MIT */
/*
 * scan.h - the byte classes of the contract's values, scanned 16 bytes at a
 * time: shared by validate.c (the checks) and registry.c (an update that
 * checks and copies in one pass), inline so that a registration calls no
 * function for them.
 */
#ifndef WER_SCAN_H
#define WER_SCAN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "registry_format.h"

/* With WER_SCAN_ALIGNED, strings are scanned in aligned 16-byte loads that
 * may look at bytes past the terminating NUL, never past its page (what
 * glibc's strlen does). Sanitizers would flag those bytes, so their builds
 * take the plain path. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) ||     \
    __has_feature(memory_sanitizer)
#define WER_SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define WER_SANITIZED 1
#endif
#if defined(__SSE2__) && !defined(WER_SANITIZED)
#define WER_SCAN_ALIGNED 1
#endif

#if defined(__SSE2__)
/* Lanes of v whose byte lies in [lo, hi]: adding 0x80 - lo moves lo to -128,
 * and the range becomes the signed bytes below -128 + (hi - lo + 1). */
static inline __m128i bytes_in_range(__m128i v, int lo, int hi)
{
	__m128i t = _mm_add_epi8(v, _mm_set1_epi8((char)(0x80 - lo)));

	return _mm_cmplt_epi8(t, _mm_set1_epi8((char)(-128 + (hi - lo + 1))));
}

/* Bit i set when byte i of v is printable ASCII. */
static inline unsigned printable_mask(__m128i v)
{
	return (unsigned)_mm_movemask_epi8(bytes_in_range(v, 0x20, 0x7E));
}

#endif

#if !defined(WER_SCAN_ALIGNED)
/* Nonzero when every byte of s[0..len) is printable ASCII (0x20..0x7E). */
static inline int all_printable(const unsigned char *s, size_t len)
{
	size_t i = 0;
#if defined(__SSE2__)
	for (; i + 16 <= len; i += 16)
		if (printable_mask(_mm_loadu_si128((const __m128i *)(s + i))) !=
		    0xFFFF)
			return 0;
#endif
	for (; i < len; i++)
		if (s[i] < 0x20 || s[i] > 0x7E)
			return 0;
	return 1;
}
#endif

#if defined(WER_SCAN_ALIGNED)
/* Scans s for its first byte outside the class that mask() accepts, in
 * aligned blocks, giving up once more than max bytes are in the class.
 * Returns that byte's index, or -1 when it lies beyond max. */
static inline ptrdiff_t scan_class(const char *s, size_t max,
				   unsigned (*mask)(__m128i))
{
	const char *p = (const char *)((uintptr_t)s & ~(uintptr_t)15);
	unsigned bad = ~mask(_mm_load_si128((const __m128i *)p)) & 0xFFFFu;

	bad &= 0xFFFFu << (s - p);
	while (!bad) {
		p += 16;
		if ((size_t)(p - s) > max)
			return -1;
		bad = ~mask(_mm_load_si128((const __m128i *)p)) & 0xFFFFu;
	}
	return (p - s) + __builtin_ctz(bad);
}
#endif

/* The value's length when it is valid, else -1. */
static inline ptrdiff_t value_scan(const char *value)
{
#if defined(WER_SCAN_ALIGNED)
	ptrdiff_t i = scan_class(value, WER_REG_VALUE_BYTES, printable_mask);

	return i >= 0 && i <= WER_REG_VALUE_BYTES && value[i] == '\0' ? i : -1;
#else
	size_t len = strnlen(value, WER_REG_VALUE_BYTES + 1);

	return len <= WER_REG_VALUE_BYTES &&
		       all_printable((const unsigned char *)value, len)
		   ? (ptrdiff_t)len
		   : -1;
#endif
}

/* Nonzero when KEY equals STORED (STORED_LEN bytes and a NUL, in a field of
 * WER_REG_KEY_BYTES + 4 bytes, which may be read whole), reading no byte of
 * KEY past its NUL's page. */
static inline int wer__key_equal(const char *stored, size_t stored_len,
				 const char *key)
{
#if defined(WER_SCAN_ALIGNED)
	/* The stored key's stored_len + 1 bytes (its NUL), 16 at a time where
	 * the key's block lies on one page; stored's field is read whole. */
	size_t i;

	for (i = 0; i <= stored_len; i += 16) {
		unsigned same, need;

		if (((uintptr_t)(key + i) & 4095) > 4096 - 16)
			return !strcmp(stored + i, key + i);
		same = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
		    _mm_loadu_si128((const __m128i *)(stored + i)),
		    _mm_loadu_si128((const __m128i *)(key + i))));
		need = stored_len + 1 - i >= 16
			   ? 0xFFFFu
			   : (1u << (stored_len + 1 - i)) - 1;
		if ((same & need) != need)
			return 0;
	}
	return 1;
#else
	(void)stored_len;
	return !strcmp(stored, key);
#endif
}

/* wer__value_copy's way for a value near a page's end, and without SSE2:
 * checked, then copied. */
static inline ptrdiff_t value_copy_plain(char *dst, const char *value)
{
	ptrdiff_t len = value_scan(value);

	if (len >= 0)
		memcpy(dst, value, (size_t)len + 1);
	return len;
}

/* Checks VALUE as wer__value_check does (0..128 printable ASCII
 * characters) and copies it, its NUL included, into DST (WER_REG_VALUE_BYTES
 * + 1 bytes). Returns its length, or -1 when it is not valid (DST then holds
 * part of it). */
static inline ptrdiff_t wer__value_copy(char *dst, const char *value)
{
#if defined(WER_SCAN_ALIGNED)
	/* 16 bytes at a time, checked and stored together: a block whose 16
	 * bytes lie on one page can be read whole, as strlen reads. Past the
	 * NUL the block is stored as zeros. */
	static const unsigned char keep[32] = {
	    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
	    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
	size_t i;

	for (i = 0; i < WER_REG_VALUE_BYTES; i += 16) {
		__m128i v;
		unsigned bad;

		if (((uintptr_t)(value + i) & 4095) > 4096 - 16)
			return value_copy_plain(dst, value);
		v = _mm_loadu_si128((const __m128i *)(value + i));
		bad = ~printable_mask(v) & 0xFFFFu;
		if (bad) {
			unsigned j = (unsigned)__builtin_ctz(bad);

			if (value[i + j] != '\0')
				return -1;
			v = _mm_and_si128(
			    v,
			    _mm_loadu_si128((const __m128i *)(keep + 16 - j)));
			_mm_storeu_si128((__m128i *)(dst + i), v);
			return (ptrdiff_t)(i + j);
		}
		_mm_storeu_si128((__m128i *)(dst + i), v);
	}
	if (value[i] != '\0')
		return -1;
	dst[i] = '\0';
	return (ptrdiff_t)i;
#else
	return value_copy_plain(dst, value);
#endif
}

#endif /* WER_SCAN_H */
