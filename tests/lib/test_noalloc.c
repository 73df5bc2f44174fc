/* SPDX-License-Identifier: MIT */
/*
 * test_noalloc - no registration call allocates heap memory. The test
 * interposes malloc and friends (linked statically with libwer, so the
 * library's calls land here too) and counts every call made while the
 * registration family runs, on success and failure paths alike.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <malloc.h>
#include <stdlib.h>

#include <werapi.h>
#include <wer/recovery.h>
#include "wer/wer.h"
#include "wer_internal.h"

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void __libc_free(void *);

static volatile int counting;
static volatile unsigned long allocations;

void *malloc(size_t n)
{
	if (counting)
		allocations++;
	return __libc_malloc(n);
}

void *calloc(size_t n, size_t m)
{
	if (counting)
		allocations++;
	return __libc_calloc(n, m);
}

void *realloc(void *p, size_t n)
{
	if (counting)
		allocations++;
	return __libc_realloc(p, n);
}

void *memalign(size_t a, size_t n)
{
	if (counting)
		allocations++;
	return __libc_memalign(a, n);
}

int posix_memalign(void **ret, size_t a, size_t n)
{
	void *p;

	if (counting)
		allocations++;
	p = __libc_memalign(a, n);
	if (!p)
		return 12;
	*ret = p;
	return 0;
}

void *aligned_alloc(size_t a, size_t n)
{
	if (counting)
		allocations++;
	return __libc_memalign(a, n);
}

void free(void *p)
{
	__libc_free(p);
}

static void the_whole_family_allocates_nothing(void **state)
{
	static char block[4096];
	wchar_t key[WER_METADATA_KEY_MAX_LENGTH + 2];
	wer_metadata_pair_t pairs[WER_MAX_REGISTERED_METADATA];
	char value[WER_REG_VALUE_BYTES + 1];
	DWORD flags;

	(void)state;
	wer__registry_reset();
	/* The interposer must see this program's own calls... */
	counting = 1;
	__libc_free(malloc(16));
	counting = 0;
	assert_int_equal(allocations, 1);
	allocations = 0;

	counting = 1;
	for (int round = 0; round < 3; round++) {
		WerRegisterCustomMetadata(L"Build", L"nightly-42");
		WerRegisterCustomMetadata(L"Build", L"nightly-43");
		wer_register_custom_metadata("\xc3\x9c"
					     "bersetzung",
					     "de-DE");
		for (int i = 0; i < 10; i++) {
			swprintf(key, WER_METADATA_KEY_MAX_LENGTH + 2, L"K%d",
				 i);
			WerRegisterCustomMetadata(key, L"v"); /* 9th fails */
		}
		WerRegisterCustomMetadata(NULL, L"v");
		WerRegisterCustomMetadata(L"bad key", L"v");
		wer_register_custom_metadata("k", "\x01");
		wer_get_custom_metadata("Build", value, sizeof(value));
		wer_list_custom_metadata(pairs, WER_MAX_REGISTERED_METADATA);
		WerUnregisterCustomMetadata(L"Build");
		WerUnregisterCustomMetadata(L"Build"); /* not found */
		wer_unregister_custom_metadata("\xc3\x9c"
					       "bersetzung");
		for (int i = 0; i < 10; i++) {
			swprintf(key, WER_METADATA_KEY_MAX_LENGTH + 2, L"K%d",
				 i);
			WerUnregisterCustomMetadata(key);
		}
		for (int i = 0; i < 600; i++) /* past the 512 pool */
			WerRegisterMemoryBlock(block + i, 8);
		for (int i = 0; i < 600; i++)
			WerUnregisterMemoryBlock(block + i);
		WerRegisterMemoryBlock(block, WER_MAX_MEM_BLOCK_SIZE + 1);
		WerRegisterExcludedMemoryBlock(block, sizeof(block));
		WerUnregisterExcludedMemoryBlock(block);
		WerRegisterFile(L"/tmp/report-me.txt", WerRegFileTypeOther, 0);
		wer_register_file("relative/doc.txt",
				  WerRegFileTypeUserDocument,
				  WER_FILE_ANONYMOUS_DATA);
		WerUnregisterFile(L"/tmp/report-me.txt");
		wer_unregister_file("relative/doc.txt");
		wer_unregister_file("never/registered");
		WerRegisterAdditionalProcess(1, 0);
		WerUnregisterAdditionalProcess(1);
		WerSetFlags(WER_FAULT_REPORTING_FLAG_QUEUE);
		WerGetFlags(GetCurrentProcess(), &flags);
		wer__registry_set_state(WER_REG_STATE_RECOVERY);
		WerRegisterCustomMetadata(L"During", L"recovery");
		wer__registry_set_state(WER_REG_STATE_RUNNING);
	}
	counting = 0;
	assert_int_equal(allocations, 0);
	/* ...and the calls above did their work. */
	assert_int_equal(wer_registered_entry_count(), 0);
	assert_int_equal(flags, WER_FAULT_REPORTING_FLAG_QUEUE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(the_whole_family_allocates_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
