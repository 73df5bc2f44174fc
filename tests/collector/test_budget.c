/* SPDX-License-Identifier: MIT */
/*
 * test_budget - the memory budget of request bodies (src/collector/
 * budget.c; the buffer growth it is counted with is tests/common/
 * test_buf.c's): the total and each key's share hold, what is given back
 * can be taken again, a key's slot is freed with its last upload, and
 * threads taking and giving at once never pass the total.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "budget.h"

static struct wer_budget budget;

static void test_total_and_share(void **state)
{
	struct wer_share *a, *a2, *b;

	(void)state;
	wer__budget_init(&budget, 1000);
	assert_int_equal(wer__budget_admit(&budget, "a", 100, 400, &a), 0);
	assert_int_equal(wer__budget_admit(&budget, "a", 100, 400, &a2), 0);
	assert_ptr_equal(a, a2); /* one share per key */
	assert_int_equal(wer__budget_take(&budget, a, 300, 400), 0);
	/* The share is 400: 100 more fit, 101 do not. */
	assert_int_equal(wer__budget_take(&budget, a, 101, 400), -EBUSY);
	assert_int_equal(wer__budget_take(&budget, a2, 100, 400), 0);
	assert_int_equal(wer__budget_admit(&budget, "a", 1, 400, &a2), -EBUSY);
	/* Another key still has the rest of the total. */
	assert_int_equal(wer__budget_admit(&budget, "b", 600, 800, &b), 0);
	assert_int_equal(wer__budget_take(&budget, b, 600, 800), 0);
	assert_int_equal(wer__budget_used(&budget), 1000);
	assert_int_equal(wer__budget_take(&budget, b, 1, 800), -EBUSY);
	/* Given back, taken again. */
	wer__budget_give(&budget, b, 200);
	assert_int_equal(wer__budget_take(&budget, b, 200, 800), 0);
	wer__budget_leave(&budget, a, 300);
	wer__budget_leave(&budget, a, 100);
	wer__budget_leave(&budget, b, 600);
	assert_int_equal(wer__budget_used(&budget), 0);
	wer__budget_destroy(&budget);
}

static void test_slots(void **state)
{
	struct wer_share *s[WER_BUDGET_SHARES], *extra;
	char key[16];

	(void)state;
	wer__budget_init(&budget, 1 << 20);
	for (int i = 0; i < WER_BUDGET_SHARES; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		assert_int_equal(wer__budget_admit(&budget, key, 1, 10, &s[i]),
				 0);
	}
	/* Every slot has an upload in flight: a new key waits. */
	assert_int_equal(wer__budget_admit(&budget, "new", 1, 10, &extra),
			 -EBUSY);
	wer__budget_leave(&budget, s[7], 0);
	assert_int_equal(wer__budget_admit(&budget, "new", 1, 10, &extra), 0);
	assert_ptr_equal(extra, s[7]);
	assert_string_equal(extra->key, "new");
	wer__budget_destroy(&budget);
}

#define THREADS 8
#define ROUNDS	20000

static size_t peak;

static void *churn(void *arg)
{
	struct wer_share *s;
	char key[16];

	snprintf(key, sizeof(key), "t%ld", (long)(intptr_t)arg % 3);
	for (int i = 0; i < ROUNDS; i++) {
		size_t used;

		if (wer__budget_admit(&budget, key, 10, 500, &s) < 0)
			continue;
		if (wer__budget_take(&budget, s, 64, 500) == 0) {
			size_t old = __atomic_load_n(&peak, __ATOMIC_RELAXED);

			used = wer__budget_used(&budget);
			while (used > old &&
			       !__atomic_compare_exchange_n(&peak, &old, used,
							    0, __ATOMIC_RELAXED,
							    __ATOMIC_RELAXED))
				;
			wer__budget_leave(&budget, s, 64);
		} else {
			wer__budget_leave(&budget, s, 0);
		}
	}
	return NULL;
}

static void test_threads(void **state)
{
	pthread_t t[THREADS];

	(void)state;
	wer__budget_init(&budget, 1000);
	for (long i = 0; i < THREADS; i++)
		assert_int_equal(
		    pthread_create(&t[i], NULL, churn, (void *)(intptr_t)i), 0);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	assert_true(peak > 0 && peak <= 1000);
	assert_int_equal(wer__budget_used(&budget), 0);
	for (int i = 0; i < WER_BUDGET_SHARES; i++)
		assert_int_equal(budget.shares[i].users, 0);
	wer__budget_destroy(&budget);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_total_and_share),
	    cmocka_unit_test(test_slots),
	    cmocka_unit_test(test_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
