/* SPDX-License-Identifier: MIT */
/*
 * test_api_pool.c - the pool of 512 entries every kind of registration
 * shares: full, it refuses every kind; what is registered can still be
 * replaced; an entry freed is an entry to take.
 *
 * One of the test_api_*.c files, which test the public registration
 * family, wide (werapi.h) and UTF-8 (wer/wer.h), section by section;
 * test_api.h has what they share. Each test starts from an empty
 * registry (wer__registry_reset) in the running state. HRESULTs are
 * compared as exact 32-bit values.
 */
#include "test_api.h"

/* ---- the shared pool of 512 entries ---------------------------------------
 */

static void test_pool_full_refuses_every_kind(void **state)
{
	char key[16], back[16];
	int blocks_n = WER_MAX_REGISTERED_ENTRIES - WER_MAX_REGISTERED_METADATA;

	(void)state;
	for (int i = 0; i < blocks_n; i++)
		assert_hr(WerRegisterMemoryBlock(&blocks[i], 1), S_OK);
	for (int i = 0; i < WER_MAX_REGISTERED_METADATA; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		assert_hr(wer_register_custom_metadata(key, "v"), S_OK);
	}
	assert_int_equal(wer_registered_entry_count(), 512);
	assert_int_equal(wer_registered_metadata_count(), 8);

	assert_hr(WerRegisterMemoryBlock(&blocks[blocks_n], 1),
		  WER_E_INSUFFICIENT_BUFFER);
	assert_hr(WerRegisterExcludedMemoryBlock(&blocks[blocks_n], 1),
		  WER_E_INSUFFICIENT_BUFFER);
	assert_hr(WerRegisterExcludedMemoryBlock(&blocks[0], 1),
		  WER_E_INSUFFICIENT_BUFFER);
	assert_hr(WerRegisterFile(L"/tmp/full", WerRegFileTypeOther, 0),
		  WER_E_INSUFFICIENT_BUFFER);
	assert_hr(wer_register_file("/tmp/full", WerRegFileTypeOther, 0),
		  WER_E_INSUFFICIENT_BUFFER);
	assert_hr(WerRegisterAdditionalProcess(1234, 0),
		  WER_E_INSUFFICIENT_BUFFER);
	assert_hr(wer_register_custom_metadata("k8", "v"),
		  WER_E_INSUFFICIENT_BUFFER);
	assert_hr(WerRegisterCustomMetadata(L"k8", L"v"),
		  WER_E_INSUFFICIENT_BUFFER);
	assert_int_equal(wer_registered_entry_count(), 512);

	/* What is already registered can still be replaced. */
	assert_hr(WerRegisterMemoryBlock(&blocks[0], 2), S_OK);
	assert_hr(wer_register_custom_metadata("k0", "new"), S_OK);
	assert_hr(WerRegisterCustomMetadata(L"k1", L"new"), S_OK);
	assert_hr(wer_get_custom_metadata("k0", back, sizeof(back)), S_OK);
	assert_string_equal(back, "new");
	assert_int_equal(wer_registered_entry_count(), 512);

	/* One entry freed, one new entry of another kind fits. */
	assert_hr(WerUnregisterMemoryBlock(&blocks[0]), S_OK);
	assert_int_equal(wer_registered_entry_count(), 511);
	assert_hr(wer_register_file("/tmp/full", WerRegFileTypeOther, 0), S_OK);
	assert_int_equal(wer_registered_entry_count(), 512);
	assert_hr(WerRegisterMemoryBlock(&blocks[0], 1),
		  WER_E_INSUFFICIENT_BUFFER);
	assert_hr(wer_register_file("/tmp/full", WerRegFileTypeUserDocument,
				    WER_FILE_DELETE_WHEN_DONE),
		  S_OK);
	assert_hr(WerUnregisterFile(L"/tmp/full"), S_OK);
	assert_hr(WerRegisterAdditionalProcess(1234, 0), S_OK);
	assert_hr(WerRegisterAdditionalProcess(1234, 5), S_OK);
	assert_hr(WerRegisterAdditionalProcess(1235, 0),
		  WER_E_INSUFFICIENT_BUFFER);
	assert_int_equal(wer_registered_entry_count(), 512);
}

static void test_pool_full_refuses_metadata_below_its_limit(void **state)
{
	char key[16];
	int blocks_n =
	    WER_MAX_REGISTERED_ENTRIES - (WER_MAX_REGISTERED_METADATA - 1);

	(void)state;
	/* 505 blocks + 7 pairs: the pool, not the metadata limit, is full. */
	for (int i = 0; i < blocks_n; i++)
		assert_hr(WerRegisterMemoryBlock(&blocks[i], 1), S_OK);
	for (int i = 0; i < WER_MAX_REGISTERED_METADATA - 1; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		assert_hr(wer_register_custom_metadata(key, "v"), S_OK);
	}
	assert_int_equal(wer_registered_entry_count(), 512);
	assert_int_equal(wer_registered_metadata_count(), 7);
	assert_hr(wer_register_custom_metadata("k7", "v"),
		  WER_E_INSUFFICIENT_BUFFER);
	assert_hr(WerRegisterCustomMetadata(L"k7", L"v"),
		  WER_E_INSUFFICIENT_BUFFER);
	assert_int_equal(wer_registered_metadata_count(), 7);

	assert_hr(WerUnregisterMemoryBlock(&blocks[10]), S_OK);
	assert_hr(WerRegisterCustomMetadata(L"k7", L"v"), S_OK);
	assert_int_equal(wer_registered_metadata_count(), 8);
	assert_int_equal(wer_registered_entry_count(), 512);
}

static void test_pool_memory_blocks_only(void **state)
{
	(void)state;
	for (int i = 0; i < WER_MAX_REGISTERED_ENTRIES; i++)
		assert_hr(WerRegisterMemoryBlock(&blocks[i], 1), S_OK);
	assert_int_equal(wer_registered_entry_count(), 512);
	assert_int_equal(wer_registered_metadata_count(), 0);
	assert_hr(WerRegisterMemoryBlock(&blocks[512], 1),
		  WER_E_INSUFFICIENT_BUFFER);
	assert_hr(wer_register_custom_metadata("k", "v"),
		  WER_E_INSUFFICIENT_BUFFER);
	assert_int_equal(wer_registered_metadata_count(), 0);

	/* Unregister everything: the pool is whole again. */
	for (int i = 0; i < WER_MAX_REGISTERED_ENTRIES; i++)
		assert_hr(WerUnregisterMemoryBlock(&blocks[i]), S_OK);
	assert_registry_empty();
	for (int i = 0; i < WER_MAX_REGISTERED_ENTRIES; i++)
		assert_hr(WerRegisterExcludedMemoryBlock(&blocks[i + 1], 1),
			  S_OK);
	assert_hr(WerRegisterExcludedMemoryBlock(&blocks[0], 1),
		  WER_E_INSUFFICIENT_BUFFER);
}

static void test_pool_files_only(void **state)
{
	char path[32];
	wchar_t wpath[32];

	(void)state;
	for (int i = 0; i < WER_MAX_REGISTERED_ENTRIES; i++) {
		snprintf(path, sizeof(path), "/tmp/f%d", i);
		if (i % 2)
			assert_hr(
			    wer_register_file(path, WerRegFileTypeOther, 0),
			    S_OK);
		else
			assert_hr(WerRegisterFile(widen(wpath, path),
						  WerRegFileTypeOther, 0),
				  S_OK);
	}
	assert_int_equal(wer_registered_entry_count(), 512);
	assert_hr(wer_register_file("/tmp/f512", WerRegFileTypeOther, 0),
		  WER_E_INSUFFICIENT_BUFFER);
	assert_hr(WerRegisterFile(L"/tmp/f512", WerRegFileTypeOther, 0),
		  WER_E_INSUFFICIENT_BUFFER);
	assert_hr(wer_register_file("/tmp/f7", WerRegFileTypeUserDocument,
				    WER_FILE_ANONYMOUS_DATA),
		  S_OK);
	assert_hr(WerRegisterMemoryBlock(blocks, 1), WER_E_INSUFFICIENT_BUFFER);
	assert_hr(wer_unregister_file("/tmp/f511"), S_OK);
	assert_hr(WerRegisterFile(L"/tmp/f512", WerRegFileTypeOther, 0), S_OK);
	assert_int_equal(wer_registered_entry_count(), 512);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_pool_full_refuses_every_kind),
	    T(test_pool_full_refuses_metadata_below_its_limit),
	    T(test_pool_memory_blocks_only),
	    T(test_pool_files_only),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
