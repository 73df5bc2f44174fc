/* SPDX-License-Identifier: MIT */
/*
 * test_threads - many threads registering and unregistering at once: no
 * entry is lost or duplicated, counts stay exact, and (under TSan) no data
 * race exists among writers and in-process readers.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <werapi.h>
#include <wer/recovery.h>
#include "wer/wer.h"
#include "wer_internal.h"

/* Seven thread keys plus "Shared" fill the eight metadata slots exactly. */
#define THREADS		  7
#define ROUNDS		  20000
#define BLOCKS_PER_THREAD 60

static char blocks[THREADS][BLOCKS_PER_THREAD][16];
static pthread_barrier_t barrier;

struct worker {
	int id;
	unsigned long failures;
};

/* The registry's lock is biased to the first thread that takes it (the
 * owner), which enters without an atomic exchange; another thread revokes
 * the bias the first time it writes. This test runs first, so that its
 * main thread is the owner, and keeps writing while a second thread's
 * first write revokes the bias: both threads' keys come and go thousands
 * of times, and the counts (updated under the lock, not atomically) end
 * exact. */

/* One thread's part: its key and its memory blocks (block slots are taken
 * from a shared free list: two writers in at once would take the same). */
static unsigned long bias_part(int id, const char *key)
{
	unsigned long failures = 0;

	for (int i = 0; i < 5 * ROUNDS; i++) {
		char *b = blocks[id][i % BLOCKS_PER_THREAD];

		failures += wer_register_custom_metadata(key, "v") != S_OK;
		failures += wer_register_custom_metadata("Both", key) != S_OK;
		failures += WerRegisterMemoryBlock(b, 16) != S_OK;
		failures += WerUnregisterMemoryBlock(b) != S_OK;
		if (i % 3 == 2)
			failures += wer_unregister_custom_metadata(key) != S_OK;
	}
	failures += wer_register_custom_metadata(key, "end") != S_OK;
	for (int j = 0; j < BLOCKS_PER_THREAD; j++)
		failures += WerRegisterMemoryBlock(blocks[id][j], 16) != S_OK;
	return failures;
}

static void *second_main(void *arg)
{
	unsigned long *failures = arg;

	pthread_barrier_wait(&barrier);
	*failures = bias_part(1, "Second");
	return NULL;
}

static void threads_bias_revoked_while_owner_writes(void **state)
{
	unsigned long failures = 0, second_failures = 0;
	pthread_t second;
	char value[8];

	(void)state;
	/* The first registration of the process: the bias is this thread's. */
	assert_int_equal(wer_register_custom_metadata("Owner", "o"), S_OK);
	pthread_barrier_init(&barrier, NULL, 2);
	assert_int_equal(
	    pthread_create(&second, NULL, second_main, &second_failures), 0);
	pthread_barrier_wait(&barrier);
	failures = bias_part(0, "Owner");
	pthread_join(second, NULL);
	pthread_barrier_destroy(&barrier);
	assert_int_equal(failures, 0);
	assert_int_equal(second_failures, 0);
	assert_int_equal(wer_registered_metadata_count(), 3);
	assert_int_equal(wer__registry_range_count(WER_REG_RANGE_MEMORY),
			 2 * BLOCKS_PER_THREAD);
	assert_int_equal(wer_registered_entry_count(),
			 3 + 2 * BLOCKS_PER_THREAD);
	assert_int_equal(wer_get_custom_metadata("Owner", value, sizeof(value)),
			 S_OK);
	assert_string_equal(value, "end");
	assert_int_equal(
	    wer_get_custom_metadata("Second", value, sizeof(value)), S_OK);
	assert_string_equal(value, "end");
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	char key[32], value[64];

	snprintf(key, sizeof(key), "Thread%d", w->id);
	pthread_barrier_wait(&barrier);
	for (int i = 0; i < ROUNDS; i++) {
		char *b = blocks[w->id][i % BLOCKS_PER_THREAD];

		snprintf(value, sizeof(value), "round-%d", i);
		/* Its own key: add, update, sometimes remove. */
		w->failures += wer_register_custom_metadata(key, value) != S_OK;
		if (i % 5 == 4)
			w->failures +=
			    wer_unregister_custom_metadata(key) != S_OK;
		/* A shared key every thread updates. */
		w->failures +=
		    WerRegisterCustomMetadata(L"Shared", L"x") != S_OK;
		/* Memory blocks: register, then drop every other one. */
		w->failures += WerRegisterMemoryBlock(b, 16) != S_OK;
		if (i % 2)
			w->failures += WerUnregisterMemoryBlock(b) != S_OK;
		if (i % 64 == 0) {
			wer_metadata_pair_t pairs[WER_MAX_REGISTERED_METADATA];

			w->failures += wer_list_custom_metadata(
					   pairs, WER_MAX_REGISTERED_METADATA) >
				       WER_MAX_REGISTERED_METADATA;
		}
	}
	/* End state: the key registered with its last value; every block
	 * registered exactly once. */
	snprintf(value, sizeof(value), "final-%d", w->id);
	w->failures += wer_register_custom_metadata(key, value) != S_OK;
	for (int j = 0; j < BLOCKS_PER_THREAD; j++)
		w->failures +=
		    WerRegisterMemoryBlock(blocks[w->id][j], 16) != S_OK;
	return NULL;
}

static void threads_lose_and_duplicate_nothing(void **state)
{
	pthread_t tids[THREADS];
	struct worker workers[THREADS];
	wer_metadata_pair_t pairs[WER_MAX_REGISTERED_METADATA];
	size_t n;

	(void)state;
	wer__registry_reset();
	pthread_barrier_init(&barrier, NULL, THREADS);
	for (int i = 0; i < THREADS; i++) {
		workers[i] = (struct worker){.id = i};
		assert_int_equal(
		    pthread_create(&tids[i], NULL, worker_main, &workers[i]),
		    0);
	}
	for (int i = 0; i < THREADS; i++) {
		pthread_join(tids[i], NULL);
		assert_int_equal(workers[i].failures, 0);
	}
	pthread_barrier_destroy(&barrier);

	/* Exactly the eight keys, each once, each thread's with its final
	 * value; every block once. */
	n = wer_list_custom_metadata(pairs, WER_MAX_REGISTERED_METADATA);
	assert_int_equal(n, THREADS + 1);
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			assert_string_not_equal(pairs[i].key, pairs[j].key);
	for (int i = 0; i < THREADS; i++) {
		char key[32], value[WER_REG_VALUE_BYTES + 1], want[32];

		snprintf(key, sizeof(key), "Thread%d", i);
		snprintf(want, sizeof(want), "final-%d", i);
		assert_int_equal(
		    wer_get_custom_metadata(key, value, sizeof(value)), S_OK);
		assert_string_equal(value, want);
	}
	assert_int_equal(wer__registry_range_count(WER_REG_RANGE_MEMORY),
			 THREADS * BLOCKS_PER_THREAD);
	assert_int_equal(wer_registered_entry_count(),
			 THREADS * BLOCKS_PER_THREAD + n);
	assert_int_equal(wer_registered_metadata_count(), n);
}

/* Sixteen threads race for the 8 metadata slots with distinct keys: exactly
 * 8 win, the rest get WER_E_INSUFFICIENT_BUFFER, and the registry holds
 * exactly the 8 winners. */
struct racer {
	int id;
	HRESULT hr;
};

static void *racer_main(void *arg)
{
	struct racer *r = arg;
	char key[16];

	snprintf(key, sizeof(key), "Racer%d", r->id);
	pthread_barrier_wait(&barrier);
	r->hr = wer_register_custom_metadata(key, "v");
	return NULL;
}

static void threads_fill_exactly(void **state)
{
	enum { RACERS = 16 };
	pthread_t tids[RACERS];
	struct racer racers[RACERS];
	wer_metadata_pair_t pairs[WER_MAX_REGISTERED_METADATA];
	int won = 0;

	(void)state;
	for (int round = 0; round < 200; round++) {
		wer__registry_reset();
		won = 0;
		pthread_barrier_init(&barrier, NULL, RACERS);
		for (int i = 0; i < RACERS; i++) {
			racers[i] = (struct racer){.id = i};
			pthread_create(&tids[i], NULL, racer_main, &racers[i]);
		}
		for (int i = 0; i < RACERS; i++) {
			pthread_join(tids[i], NULL);
			if (racers[i].hr == S_OK)
				won++;
			else
				assert_int_equal(racers[i].hr,
						 WER_E_INSUFFICIENT_BUFFER);
		}
		pthread_barrier_destroy(&barrier);
		assert_int_equal(won, WER_MAX_REGISTERED_METADATA);
		assert_int_equal(wer_list_custom_metadata(
				     pairs, WER_MAX_REGISTERED_METADATA),
				 WER_MAX_REGISTERED_METADATA);
		for (int i = 0; i < RACERS; i++) {
			char key[16], value[8];

			snprintf(key, sizeof(key), "Racer%d", i);
			assert_int_equal(
			    wer_get_custom_metadata(key, value, sizeof(value)),
			    racers[i].hr == S_OK ? S_OK : WER_E_NOT_FOUND);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(threads_bias_revoked_while_owner_writes),
	    cmocka_unit_test(threads_lose_and_duplicate_nothing),
	    cmocka_unit_test(threads_fill_exactly),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
