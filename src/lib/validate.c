/*
 * validate.c - the contract's argument rules: XML element names for keys,
 * printable ASCII for values, UTF-8 and wide-string decoding.
 *
 * A "character" is a Unicode scalar value. Keys follow the XML 1.0 Name
 * production less ':' (see docs/api.md for why); values are 0x20..0x7E.
 * Nothing here allocates.
 */
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "wer_internal.h"

enum { NAME_START = 1, NAME_CHAR = 2 };

/* ASCII part of the Name production: NAME_START for NameStartChar (':'
 * excluded), NAME_CHAR for the characters allowed only after the first. */
static const unsigned char ascii_name[128] = {
	['-'] = NAME_CHAR, ['.'] = NAME_CHAR,
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
	       (c >= 0xFDF0 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0xEFFFF);
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

HRESULT wer__key_check(const char *key, size_t *ret_len)
{
	const unsigned char *s = (const unsigned char *)key;
	size_t len, i = 0, chars = 0;

	if (!key)
		return E_INVALIDARG;
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

HRESULT wer__key_from_wide(const wchar_t *key, char out[WER_REG_KEY_BYTES + 1],
			   size_t *ret_len)
{
	size_t len = 0, chars;

	if (!key)
		return E_INVALIDARG;
	for (chars = 0; key[chars]; chars++) {
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

/* Nonzero when every byte of s[0..len) is printable ASCII (0x20..0x7E). */
static int all_printable(const unsigned char *s, size_t len)
{
	size_t i = 0;
#if defined(__SSE2__)
	/* Adding 0x60 maps 0x20..0x7E onto 0x80..0xDE, the signed bytes
	 * -128..-34, and every other byte above them. */
	const __m128i shift = _mm_set1_epi8(0x60);
	const __m128i limit = _mm_set1_epi8(-33);

	for (; i + 16 <= len; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(s + i));
		__m128i ok = _mm_cmplt_epi8(_mm_add_epi8(v, shift), limit);

		if (_mm_movemask_epi8(ok) != 0xFFFF)
			return 0;
	}
#endif
	for (; i < len; i++)
		if (s[i] < 0x20 || s[i] > 0x7E)
			return 0;
	return 1;
}

HRESULT wer__value_check(const char *value, size_t *ret_len)
{
	size_t len;

	if (!value)
		return E_INVALIDARG;
	len = strnlen(value, WER_REG_VALUE_BYTES + 1);
	if (len > WER_REG_VALUE_BYTES ||
	    !all_printable((const unsigned char *)value, len))
		return E_INVALIDARG;
	*ret_len = len;
	return S_OK;
}

HRESULT wer__value_from_wide(const wchar_t *value,
			     char out[WER_REG_VALUE_BYTES + 1], size_t *ret_len)
{
	size_t len;

	if (!value)
		return E_INVALIDARG;
	for (len = 0; value[len]; len++) {
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
