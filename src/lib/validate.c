/* SPDX-License-Identifier: MIT */
/*
 * validate.c - the contract's argument rules: XML element names for keys,
 * printable ASCII for values, UTF-8 and wide-string decoding.
 *
 * A "character" is a Unicode scalar value. Keys follow the XML 1.0 Name
 * production less ':' and less the characters outside the Basic
 * Multilingual Plane (see docs/api.md for why); values are 0x20..0x7E.
 * Nothing here allocates.
 */
#include <string.h>

#include "scan.h"
#include "wer_internal.h"

enum { NAME_START = 1, NAME_CHAR = 2 };

/* ASCII part of the Name production: NAME_START for NameStartChar (':'
 * excluded), NAME_CHAR for the characters allowed only after the first. */
static const unsigned char ascii_name[128] = {
    ['-'] = NAME_CHAR,
    ['.'] = NAME_CHAR,
    ['0' ... '9'] = NAME_CHAR,
    ['A' ... 'Z'] = NAME_START | NAME_CHAR,
    ['_'] = NAME_START | NAME_CHAR,
    ['a' ... 'z'] = NAME_START | NAME_CHAR,
};

static int is_name_start(uint32_t c)
{
	if (c < 0x80)
		return ascii_name[c] & NAME_START;
	return (c >= 0xC0 && c <= 0xD6) || (c >= 0xD8 && c <= 0xF6) ||
	       (c >= 0xF8 && c <= 0x2FF) || (c >= 0x370 && c <= 0x37D) ||
	       (c >= 0x37F && c <= 0x1FFF) || (c >= 0x200C && c <= 0x200D) ||
	       (c >= 0x2070 && c <= 0x218F) || (c >= 0x2C00 && c <= 0x2FEF) ||
	       (c >= 0x3001 && c <= 0xD7FF) || (c >= 0xF900 && c <= 0xFDCF) ||
	       (c >= 0xFDF0 && c <= 0xFFFD);
	/* Not the Name production's #x10000-#xEFFFF: XML 1.0 before its
	 * fifth edition has none of them in names, and parsers that follow
	 * it (expat) refuse the XML report of such a key. */
}

static int is_name_char(uint32_t c)
{
	if (c < 0x80)
		return ascii_name[c] & NAME_CHAR;
	return is_name_start(c) || c == 0xB7 || (c >= 0x300 && c <= 0x36F) ||
	       (c >= 0x203F && c <= 0x2040);
}

static int is_scalar_value(uint32_t c)
{
	return c <= 0x10FFFF && !(c >= 0xD800 && c <= 0xDFFF);
}

/* Decodes one UTF-8 sequence of s[0..len). Returns its length in bytes and
 * stores the code point, or returns 0 for an invalid, overlong or truncated
 * sequence, a surrogate, or a value above U+10FFFF. */
static size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *ret_c)
{
	uint32_t c = s[0], min;
	size_t n;

	if (c < 0x80) {
		*ret_c = c;
		return 1;
	} else if ((c & 0xE0) == 0xC0) {
		n = 2, c &= 0x1F, min = 0x80;
	} else if ((c & 0xF0) == 0xE0) {
		n = 3, c &= 0x0F, min = 0x800;
	} else if ((c & 0xF8) == 0xF0) {
		n = 4, c &= 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (n > len)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min || !is_scalar_value(c))
		return 0;
	*ret_c = c;
	return n;
}

static size_t utf8_encode(uint32_t c, char *out)
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	} else if (c < 0x800) {
		out[0] = (char)(0xC0 | (c >> 6));
		out[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	} else if (c < 0x10000) {
		out[0] = (char)(0xE0 | (c >> 12));
		out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		out[2] = (char)(0x80 | (c & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (c >> 18));
	out[1] = (char)(0x80 | ((c >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((c >> 6) & 0x3F));
	out[3] = (char)(0x80 | (c & 0x3F));
	return 4;
}

#if defined(__SSE2__)
/* Bit i set when byte i of v is an ASCII NameChar (':' excluded). */
static inline unsigned ascii_name_mask(__m128i v)
{
	__m128i ok = _mm_or_si128(bytes_in_range(v, 'a', 'z'),
				  bytes_in_range(v, 'A', 'Z'));

	ok = _mm_or_si128(ok, bytes_in_range(v, '0', '9'));
	ok = _mm_or_si128(ok, _mm_cmpeq_epi8(v, _mm_set1_epi8('_')));
	ok = _mm_or_si128(ok, bytes_in_range(v, '-', '.'));
	return (unsigned)_mm_movemask_epi8(ok);
}
#endif

/* A key made of ASCII only: its length when valid, -1 when invalid, -2 when
 * a non-ASCII byte needs the full decoder. */
static ptrdiff_t key_scan_ascii(const char *key)
{
#if defined(WER_SCAN_ALIGNED)
	ptrdiff_t i =
	    scan_class(key, WER_METADATA_KEY_MAX_LENGTH, ascii_name_mask);
	unsigned char c;

	if (i < 0)
		return -1;
	c = (unsigned char)key[i];
	if (c >= 0x80)
		return -2;
	if (c != '\0' || i == 0 || i > WER_METADATA_KEY_MAX_LENGTH ||
	    !(ascii_name[(unsigned char)key[0]] & NAME_START))
		return -1;
	return i;
#else
	(void)key;
	return -2;
#endif
}

HRESULT wer__key_check(const char *key, size_t *ret_len)
{
	const unsigned char *s = (const unsigned char *)key;
	size_t len, i = 0, chars = 0;

	if (!key)
		return E_INVALIDARG;
	switch (len = (size_t)key_scan_ascii(key)) {
	case (size_t)-1:
		return E_INVALIDARG;
	case (size_t)-2:
		break;
	default:
		*ret_len = len;
		return S_OK;
	}
	/* 64 characters take at most 256 bytes: a longer string is too long
	 * whatever it holds, and no byte past the 257th is read. */
	len = strnlen(key, WER_REG_KEY_BYTES + 1);
	if (len == 0 || len > WER_REG_KEY_BYTES)
		return E_INVALIDARG;
	while (i < len) {
		uint32_t c = s[i];
		size_t n = 1;

		if (c >= 0x80 && !(n = utf8_decode(s + i, len - i, &c)))
			return E_INVALIDARG;
		if (!(chars == 0 ? is_name_start(c) : is_name_char(c)))
			return E_INVALIDARG;
		if (++chars > WER_METADATA_KEY_MAX_LENGTH)
			return E_INVALIDARG;
		i += n;
	}
	*ret_len = len;
	return S_OK;
}

#if defined(__SSE2__)
/* Narrows 16 wide characters at w to bytes in out when all of them are
 * ASCII (0..0x7F); returns 0 otherwise. */
static inline int narrow16_ascii(const wchar_t *w, __m128i *out)
{
	__m128i a = _mm_loadu_si128((const __m128i *)w);
	__m128i b = _mm_loadu_si128((const __m128i *)(w + 4));
	__m128i c = _mm_loadu_si128((const __m128i *)(w + 8));
	__m128i d = _mm_loadu_si128((const __m128i *)(w + 12));
	__m128i high = _mm_or_si128(_mm_or_si128(a, b), _mm_or_si128(c, d));

	/* Any bit above the low seven (a negative wchar_t included). */
	if (_mm_movemask_epi8(_mm_cmpeq_epi32(_mm_srli_epi32(high, 7),
					      _mm_setzero_si128())) != 0xFFFF)
		return 0;
	*out = _mm_packus_epi16(_mm_packs_epi32(a, b), _mm_packs_epi32(c, d));
	return 1;
}
#endif

HRESULT wer__key_from_wide(const wchar_t *key, char out[WER_REG_KEY_BYTES + 1],
			   size_t *ret_len)
{
	size_t len = 0, chars = 0;

	if (!key)
		return E_INVALIDARG;
#if defined(__SSE2__)
	/* ASCII fast path, 16 characters at a time; anything else goes on
	 * with the character loop from where it stopped. */
	{
		size_t n = wcsnlen(key, WER_METADATA_KEY_MAX_LENGTH + 1);
		__m128i bytes;

		if (n == 0 || n > WER_METADATA_KEY_MAX_LENGTH)
			return E_INVALIDARG;
		if ((uint32_t)key[0] < 0x80 &&
		    !(ascii_name[(uint32_t)key[0]] & NAME_START))
			return E_INVALIDARG;
		while (chars + 16 <= n && narrow16_ascii(key + chars, &bytes)) {
			if (ascii_name_mask(bytes) != 0xFFFF)
				return E_INVALIDARG;
			_mm_storeu_si128((__m128i *)(out + chars), bytes);
			chars += 16;
		}
		len = chars;
	}
#endif
	for (; key[chars]; chars++) {
		uint32_t c = (uint32_t)key[chars];

		if (chars == WER_METADATA_KEY_MAX_LENGTH)
			return E_INVALIDARG;
		if (!is_scalar_value(c) ||
		    !(chars == 0 ? is_name_start(c) : is_name_char(c)))
			return E_INVALIDARG;
		len += utf8_encode(c, out + len);
	}
	if (chars == 0)
		return E_INVALIDARG;
	out[len] = '\0';
	*ret_len = len;
	return S_OK;
}

HRESULT wer__value_check(const char *value, size_t *ret_len)
{
	ptrdiff_t len;

	if (!value || (len = value_scan(value)) < 0)
		return E_INVALIDARG;
	*ret_len = (size_t)len;
	return S_OK;
}

HRESULT wer__value_from_wide(const wchar_t *value,
			     char out[WER_REG_VALUE_BYTES + 1], size_t *ret_len)
{
	size_t len = 0;

	if (!value)
		return E_INVALIDARG;
#if defined(__SSE2__)
	{
		size_t n = wcsnlen(value, WER_METADATA_VALUE_MAX_LENGTH + 1);
		__m128i bytes;

		if (n > WER_METADATA_VALUE_MAX_LENGTH)
			return E_INVALIDARG;
		for (; len + 16 <= n; len += 16) {
			if (!narrow16_ascii(value + len, &bytes) ||
			    printable_mask(bytes) != 0xFFFF)
				return E_INVALIDARG;
			_mm_storeu_si128((__m128i *)(out + len), bytes);
		}
	}
#endif
	for (; value[len]; len++) {
		if (len == WER_METADATA_VALUE_MAX_LENGTH || value[len] < 0x20 ||
		    value[len] > 0x7E)
			return E_INVALIDARG;
		out[len] = (char)value[len];
	}
	out[len] = '\0';
	*ret_len = len;
	return S_OK;
}

HRESULT wer__path_check(const char *path, size_t *ret_len)
{
	const unsigned char *s = (const unsigned char *)path;
	size_t len, i = 0;

	if (!path)
		return E_INVALIDARG;
	len = strnlen(path, WER_REG_PATH_BYTES + 1);
	if (len == 0 || len > WER_REG_PATH_BYTES)
		return E_INVALIDARG;
	while (i < len) {
		uint32_t c;
		size_t n = s[i] < 0x80 ? 1 : utf8_decode(s + i, len - i, &c);

		if (!n)
			return E_INVALIDARG;
		i += n;
	}
	*ret_len = len;
	return S_OK;
}

HRESULT wer__path_from_wide(const wchar_t *path,
			    char out[WER_REG_PATH_BYTES + 1], size_t *ret_len)
{
	size_t len = 0;

	if (!path || !path[0])
		return E_INVALIDARG;
	for (size_t i = 0; path[i]; i++) {
		uint32_t c = (uint32_t)path[i];
		char buf[4];
		size_t n;

		if (!is_scalar_value(c))
			return E_INVALIDARG;
		n = utf8_encode(c, buf);
		if (len + n > WER_REG_PATH_BYTES)
			return E_INVALIDARG;
		memcpy(out + len, buf, n);
		len += n;
	}
	out[len] = '\0';
	*ret_len = len;
	return S_OK;
}

HRESULT wer__utf8_from_wide(const wchar_t *w, size_t max_chars, char *out,
			    size_t size, size_t *ret_len)
{
	size_t len = 0, i;

	for (i = 0; w[i]; i++) {
		uint32_t c = (uint32_t)w[i];
		char buf[4];
		size_t n;

		if (i >= max_chars || !is_scalar_value(c))
			return E_INVALIDARG;
		n = utf8_encode(c, buf);
		if (len + n >= size)
			return E_INVALIDARG;
		memcpy(out + len, buf, n);
		len += n;
	}
	out[len] = '\0';
	*ret_len = len;
	return S_OK;
}

HRESULT wer__utf8_check(const char *s, size_t max_chars, size_t *ret_len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t len = strlen(s), i = 0, chars = 0;

	while (i < len) {
		uint32_t c;
		size_t n = u[i] < 0x80 ? 1 : utf8_decode(u + i, len - i, &c);

		if (!n || ++chars > max_chars)
			return E_INVALIDARG;
		i += n;
	}
	*ret_len = len;
	return S_OK;
}

HRESULT wer__note_value_check(const char *value, size_t *ret_len)
{
	const unsigned char *u = (const unsigned char *)value;
	size_t len = strnlen(value, WER_REG_NOTE_VALUE_BYTES + 1), i = 0;

	if (len > WER_REG_NOTE_VALUE_BYTES)
		return E_INVALIDARG;
	while (i < len) {
		unsigned b = u[i];
		uint32_t c;
		size_t n;

#if defined(__SSE2__)
		if (i + 16 <= len) {
			/* Sixteen bytes at once: printable ASCII, or eight
			 * two-byte characters of U+00A0..U+07FF. */
			__m128i v = _mm_loadu_si128((const __m128i *)(u + i));
			unsigned lead, cont, low;

			if (printable_mask(v) == 0xFFFF) {
				i += 16;
				continue;
			}
			lead = (unsigned)_mm_movemask_epi8(
			    bytes_in_range(v, 0xC2, 0xDF));
			cont = (unsigned)_mm_movemask_epi8(
			    bytes_in_range(v, 0x80, 0xBF));
			/* A 0xC2 lead needs 0xA0.. after it (not C1). */
			low = (unsigned)_mm_movemask_epi8(
			    _mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xC2)));
			low &= (unsigned)_mm_movemask_epi8(_mm_srli_si128(
				   bytes_in_range(v, 0x80, 0x9F), 1)) |
			       0x8000;
			if ((lead & 0x5555) == 0x5555 &&
			    (cont & 0xAAAA) == 0xAAAA && !(low & 0x5555)) {
				i += 16;
				continue;
			}
		}
#endif
		if (b >= 0x20 && b < 0x7f) { /* printable ASCII */
			i++;
			continue;
		}
		if ((b & 0xE0) == 0xC0 && i + 1 < len &&
		    (u[i + 1] & 0xC0) == 0x80) {
			/* Two bytes: U+00A0..U+07FF (below is overlong or
			 * C1). */
			if (((b & 0x1F) << 6 | (u[i + 1] & 0x3F)) < 0xA0)
				return E_INVALIDARG;
			i += 2;
			continue;
		}
		if (b < 0x80) /* C0 or DEL */
			return E_INVALIDARG;
		n = utf8_decode(u + i, len - i, &c);
		if (!n)
			return E_INVALIDARG;
		i += n;
	}
	*ret_len = len;
	return S_OK;
}
