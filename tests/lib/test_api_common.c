/* SPDX-License-Identifier: MIT */
/*
 * test_api_common.c - the helpers test_api.h declares, shared by the
 * test_api_*.c files.
 */
#include "test_api.h"

char blocks[WER_MAX_REGISTERED_ENTRIES + 16];

void hr_equal(HRESULT actual, HRESULT expected, const char *call,
	      const char *what, const char *file, int line)
{
	if (actual == expected)
		return;
	print_error(
	    "%s%s%s returned 0x%08" PRIX32 ", expected 0x%08" PRIX32 "\n", what,
	    *what ? ": " : "", call, (uint32_t)actual, (uint32_t)expected);
	_fail(file, line);
}

/* n copies of unit, NUL terminated, into buf. */
char *repeat(char *buf, const char *unit, size_t n)
{
	size_t len = strlen(unit);

	for (size_t i = 0; i < n; i++)
		memcpy(buf + i * len, unit, len);
	buf[n * len] = '\0';
	return buf;
}

wchar_t *wrepeat(wchar_t *buf, wchar_t c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = c;
	buf[n] = L'\0';
	return buf;
}

/* Decodes the test's own valid UTF-8 literals into a wide string. */
wchar_t *widen(wchar_t *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;

	while (*p) {
		uint32_t c = *p++;
		int more = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;

		if (more)
			c &= 0x3Fu >> more;
		while (more--)
			c = (c << 6) | (*p++ & 0x3Fu);
		out[n++] = (wchar_t)c;
	}
	out[n] = L'\0';
	return out;
}

void registry_empty_at(const char *file, int line)
{
	if (wer_registered_metadata_count() != 0 ||
	    wer_registered_entry_count() != 0) {
		print_error("registry not empty: %zu metadata, %zu entries\n",
			    wer_registered_metadata_count(),
			    wer_registered_entry_count());
		_fail(file, line);
	}
}

int setup(void **state)
{
	(void)state;
	wer__registry_reset();
	return 0;
}

int teardown(void **state)
{
	(void)state;
	wer__registry_reset();
	return 0;
}
