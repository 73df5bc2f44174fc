/* SPDX-License-Identifier: MIT */
/*
 * test_api_memory.c - memory blocks, included
 * (WerRegisterMemoryBlock) and excluded (WerRegisterExcludedMemoryBlock):
 * arguments, sizes, one entry per address, unregistering.
 *
 * One of the test_api_*.c files, which test the public registration
 * family, wide (werapi.h) and UTF-8 (wer/wer.h), section by section;
 * test_api.h has what they share. Each test starts from an empty
 * registry (wer__registry_reset) in the running state. HRESULTs are
 * compared as exact 32-bit values.
 */
#include "test_api.h"

/* Registered, never read (the registry only records address and size). */
static char block64k[WER_MAX_MEM_BLOCK_SIZE + 1];
static char block1m[1 << 20];

/* ---- memory blocks --------------------------------------------------------
 */

static void test_memory_block_arguments(void **state)
{
	(void)state;
	assert_hr(WerRegisterMemoryBlock(NULL, 1), E_INVALIDARG);
	assert_hr(WerRegisterMemoryBlock(NULL, 0), E_INVALIDARG);
	assert_hr(WerRegisterMemoryBlock(block64k, 0), E_INVALIDARG);
	assert_hr(WerRegisterMemoryBlock(block64k, WER_MAX_MEM_BLOCK_SIZE + 1),
		  E_INVALIDARG);
	assert_hr(WerRegisterMemoryBlock(block64k, UINT32_MAX), E_INVALIDARG);
	/* A block that wraps the address space. */
	assert_hr(WerRegisterMemoryBlock((void *)(UINTPTR_MAX - 9), 100),
		  E_INVALIDARG);
	assert_registry_empty();
	/* One that ends on the last byte does not wrap. */
	assert_hr(WerRegisterMemoryBlock((void *)(UINTPTR_MAX - 99), 99), S_OK);
	assert_hr(WerUnregisterMemoryBlock((void *)(UINTPTR_MAX - 99)), S_OK);
	assert_hr(WerRegisterMemoryBlock(block64k, WER_MAX_MEM_BLOCK_SIZE),
		  S_OK);
	assert_hr(WerRegisterMemoryBlock(&block64k[1], 1), S_OK);
	assert_int_equal(wer_registered_entry_count(), 2);
	assert_int_equal(wer_registered_metadata_count(), 0);
}

static void test_memory_block_same_address_one_entry(void **state)
{
	(void)state;
	assert_hr(WerRegisterMemoryBlock(blocks, 8), S_OK);
	assert_hr(WerRegisterMemoryBlock(blocks, 8), S_OK);
	assert_hr(WerRegisterMemoryBlock(blocks, 16), S_OK);
	assert_int_equal(wer_registered_entry_count(), 1);
	/* A refused re-registration keeps the entry. */
	assert_hr(WerRegisterMemoryBlock(blocks, 0), E_INVALIDARG);
	assert_int_equal(wer_registered_entry_count(), 1);
	assert_hr(WerUnregisterMemoryBlock(blocks), S_OK);
	assert_hr(WerUnregisterMemoryBlock(blocks), WER_E_NOT_FOUND);
	assert_registry_empty();
}

static void test_memory_block_unregister(void **state)
{
	(void)state;
	assert_hr(WerUnregisterMemoryBlock(NULL), E_INVALIDARG);
	assert_hr(WerUnregisterMemoryBlock(blocks), WER_E_NOT_FOUND);
	assert_hr(WerRegisterMemoryBlock(blocks, 4), S_OK);
	/* Only the registered start address identifies the block. */
	assert_hr(WerUnregisterMemoryBlock(&blocks[1]), WER_E_NOT_FOUND);
	assert_hr(WerUnregisterExcludedMemoryBlock(blocks), WER_E_NOT_FOUND);
	assert_int_equal(wer_registered_entry_count(), 1);
	assert_hr(WerUnregisterMemoryBlock(blocks), S_OK);
	assert_hr(WerUnregisterMemoryBlock(blocks), WER_E_NOT_FOUND);
	assert_registry_empty();
}

static void test_excluded_block_arguments(void **state)
{
	(void)state;
	assert_hr(WerRegisterExcludedMemoryBlock(NULL, 1), E_INVALIDARG);
	assert_hr(WerRegisterExcludedMemoryBlock(NULL, 0), E_INVALIDARG);
	assert_hr(WerRegisterExcludedMemoryBlock(block1m, 0), E_INVALIDARG);
	assert_hr(
	    WerRegisterExcludedMemoryBlock((void *)(UINTPTR_MAX - 9), 0x100000),
	    E_INVALIDARG);
	assert_registry_empty();
	/* No upper bound, unlike WerRegisterMemoryBlock. */
	assert_hr(WerRegisterExcludedMemoryBlock(block1m, sizeof(block1m)),
		  S_OK);
	assert_hr(WerRegisterExcludedMemoryBlock(block64k,
						 WER_MAX_MEM_BLOCK_SIZE + 1),
		  S_OK);
	assert_hr(WerRegisterExcludedMemoryBlock(blocks, 1), S_OK);
	assert_int_equal(wer_registered_entry_count(), 3);
	/* Same address again: replaced, one entry. */
	assert_hr(WerRegisterExcludedMemoryBlock(blocks, 2), S_OK);
	assert_int_equal(wer_registered_entry_count(), 3);
}

static void test_excluded_block_unregister(void **state)
{
	(void)state;
	assert_hr(WerUnregisterExcludedMemoryBlock(NULL), E_INVALIDARG);
	assert_hr(WerUnregisterExcludedMemoryBlock(block1m), WER_E_NOT_FOUND);
	assert_hr(WerRegisterExcludedMemoryBlock(block1m, sizeof(block1m)),
		  S_OK);
	assert_hr(WerUnregisterMemoryBlock(block1m), WER_E_NOT_FOUND);
	assert_hr(WerUnregisterExcludedMemoryBlock(block1m), S_OK);
	assert_hr(WerUnregisterExcludedMemoryBlock(block1m), WER_E_NOT_FOUND);
	assert_registry_empty();
}

static void test_memory_and_excluded_are_separate(void **state)
{
	(void)state;
	assert_hr(WerRegisterMemoryBlock(blocks, 8), S_OK);
	assert_hr(WerRegisterExcludedMemoryBlock(blocks, 8), S_OK);
	assert_int_equal(wer_registered_entry_count(), 2);
	assert_hr(WerUnregisterMemoryBlock(blocks), S_OK);
	assert_int_equal(wer_registered_entry_count(), 1);
	assert_hr(WerUnregisterMemoryBlock(blocks), WER_E_NOT_FOUND);
	assert_hr(WerUnregisterExcludedMemoryBlock(blocks), S_OK);
	assert_registry_empty();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_memory_block_arguments),
	    T(test_memory_block_same_address_one_entry),
	    T(test_memory_block_unregister),
	    T(test_excluded_block_arguments),
	    T(test_excluded_block_unregister),
	    T(test_memory_and_excluded_are_separate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
