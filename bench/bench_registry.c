/* SPDX-License-Identifier: MIT */
/*
 * bench_registry - what a registration costs, against a bare copy of the
 * same bytes, in one run.
 *
 * Rows: ns per update of an existing key, per new key, per unregister, for
 * the UTF-8 and the wide API, with 1 and 2 threads; the baseline is
 * strlen + memcpy of the same key and value into a buffer. Two sizes: a
 * typical pair ("Build" = "nightly-42") and the largest the contract allows
 * (64-character key, 128-character value). Then the native table
 * (wer_set_metadata): an update of a key whose value is 256 bytes of UTF-8
 * (128 two-byte characters), beside strlen+memcpy of the same bytes. Each
 * figure is the median of several timed batches.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include <werapi.h>
#include <wer/recovery.h>
#include <wer/wer.h>

#define BATCH	20000
#define REPEATS 15

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return v[n / 2];
}

#define OPAQUE(p) __asm__ volatile("" : : "r"(p) : "memory")

struct sizes {
	const char *name;
	char key[WER_METADATA_KEY_MAX_BYTES + 1];
	char value[WER_METADATA_VALUE_MAX_BYTES + 1];
	wchar_t wkey[WER_METADATA_KEY_MAX_LENGTH + 1];
	wchar_t wvalue[WER_METADATA_VALUE_MAX_LENGTH + 1];
};

static char sink_key[WER_METADATA_KEY_MAX_BYTES + 1];
static char sink_value[WER_METADATA_VALUE_MAX_BYTES + 1];

static double bench_baseline(const struct sizes *s)
{
	double t[REPEATS];

	for (int r = 0; r < REPEATS; r++) {
		double start = now_ns();

		for (int i = 0; i < BATCH; i++) {
			const char *k = s->key, *v = s->value;

			OPAQUE(k);
			OPAQUE(v);
			memcpy(sink_key, k, strlen(k) + 1);
			memcpy(sink_value, v, strlen(v) + 1);
			OPAQUE(sink_key);
		}
		t[r] = (now_ns() - start) / BATCH;
	}
	return median(t, REPEATS);
}

static wchar_t sink_wkey[WER_METADATA_KEY_MAX_LENGTH + 1];
static wchar_t sink_wvalue[WER_METADATA_VALUE_MAX_LENGTH + 1];

/* The wide API's own baseline: wcslen + wmemcpy of the same wide strings. */
static double bench_baseline_wide(const struct sizes *s)
{
	double t[REPEATS];

	for (int r = 0; r < REPEATS; r++) {
		double start = now_ns();

		for (int i = 0; i < BATCH; i++) {
			const wchar_t *k = s->wkey, *v = s->wvalue;

			OPAQUE(k);
			OPAQUE(v);
			wmemcpy(sink_wkey, k, wcslen(k) + 1);
			wmemcpy(sink_wvalue, v, wcslen(v) + 1);
			OPAQUE(sink_wkey);
		}
		t[r] = (now_ns() - start) / BATCH;
	}
	return median(t, REPEATS);
}

static double bench_update(const struct sizes *s, int wide)
{
	double t[REPEATS];

	if (wer_register_custom_metadata(s->key, s->value) != S_OK)
		abort();
	for (int r = 0; r < REPEATS; r++) {
		double start = now_ns();

		for (int i = 0; i < BATCH; i++) {
			HRESULT hr =
			    wide ? WerRegisterCustomMetadata(s->wkey, s->wvalue)
				 : wer_register_custom_metadata(s->key,
								s->value);
			if (hr != S_OK)
				abort();
		}
		t[r] = (now_ns() - start) / BATCH;
	}
	wer_unregister_custom_metadata(s->key);
	return median(t, REPEATS);
}

/* Adds of a new key and its unregister, timed apart: each add is timed
 * alone (a clock read costs ~20 ns; it is measured and subtracted). */
static void bench_add_remove(const struct sizes *s, int wide, double *ret_add,
			     double *ret_remove)
{
	double add[REPEATS], rem[REPEATS], clock_cost;
	enum { N = 2000 };

	{
		double start = now_ns();

		for (int i = 0; i < N; i++)
			(void)now_ns();
		clock_cost = (now_ns() - start) / N;
	}
	for (int r = 0; r < REPEATS; r++) {
		double a = 0, u = 0;

		for (int i = 0; i < N; i++) {
			double t0 = now_ns(), t1, t2;
			HRESULT hr =
			    wide ? WerRegisterCustomMetadata(s->wkey, s->wvalue)
				 : wer_register_custom_metadata(s->key,
								s->value);

			t1 = now_ns();
			if (hr != S_OK)
				abort();
			hr = wide ? WerUnregisterCustomMetadata(s->wkey)
				  : wer_unregister_custom_metadata(s->key);
			t2 = now_ns();
			if (hr != S_OK)
				abort();
			a += t1 - t0 - clock_cost;
			u += t2 - t1 - clock_cost;
		}
		add[r] = a / N;
		rem[r] = u / N;
	}
	*ret_add = median(add, REPEATS);
	*ret_remove = median(rem, REPEATS);
}

struct thread_arg {
	const struct sizes *s;
	char key[WER_METADATA_KEY_MAX_BYTES + 1];
	pthread_barrier_t *barrier;
	double ns;
};

static void *update_thread(void *p)
{
	struct thread_arg *a = p;
	double start;

	if (wer_register_custom_metadata(a->key, a->s->value) != S_OK)
		abort();
	pthread_barrier_wait(a->barrier);
	start = now_ns();
	for (int i = 0; i < BATCH * 5; i++)
		if (wer_register_custom_metadata(a->key, a->s->value) != S_OK)
			abort();
	a->ns = (now_ns() - start) / (BATCH * 5);
	wer_unregister_custom_metadata(a->key);
	return NULL;
}

/* Two threads updating their own keys at once: ns per update per thread. */
static double bench_update_2threads(const struct sizes *s)
{
	double t[5];

	for (int r = 0; r < 5; r++) {
		pthread_barrier_t barrier;
		struct thread_arg args[2];
		pthread_t tids[2];

		pthread_barrier_init(&barrier, NULL, 2);
		for (int i = 0; i < 2; i++) {
			args[i] =
			    (struct thread_arg){.s = s, .barrier = &barrier};
			snprintf(
			    args[i].key, sizeof(args[i].key), "%.*s%d",
			    (int)(strlen(s->key) > 60 ? 60 : strlen(s->key)),
			    s->key, i);
			pthread_create(&tids[i], NULL, update_thread, &args[i]);
		}
		for (int i = 0; i < 2; i++)
			pthread_join(tids[i], NULL);
		pthread_barrier_destroy(&barrier);
		t[r] = (args[0].ns + args[1].ns) / 2;
	}
	return median(t, 5);
}

static void fill(struct sizes *s, const char *name, const char *key,
		 const char *value)
{
	s->name = name;
	snprintf(s->key, sizeof(s->key), "%s", key);
	snprintf(s->value, sizeof(s->value), "%s", value);
	for (size_t i = 0; i <= strlen(key); i++)
		s->wkey[i] = (unsigned char)key[i];
	for (size_t i = 0; i <= strlen(value); i++)
		s->wvalue[i] = (unsigned char)value[i];
}

static char sink_native[WER_NATIVE_METADATA_VALUE_MAX_BYTES + 1];

/* The native table: baseline and update of one key, values of 256 bytes
 * of UTF-8; ns per call, medians, in *base and *upd. */
static void bench_native(const char *key, const char *value, double *base,
			 double *upd)
{
	double t[REPEATS], u[REPEATS];

	if (wer_set_metadata(key, value) != S_OK)
		abort();
	for (int r = 0; r < REPEATS; r++) {
		double start = now_ns();

		for (int i = 0; i < BATCH; i++) {
			const char *k = key, *v = value;

			OPAQUE(k);
			OPAQUE(v);
			memcpy(sink_key, k, strlen(k) + 1);
			memcpy(sink_native, v, strlen(v) + 1);
			OPAQUE(sink_key);
		}
		t[r] = (now_ns() - start) / BATCH;
		start = now_ns();
		for (int i = 0; i < BATCH; i++) {
			const char *k = key;

			OPAQUE(k);
			if (wer_set_metadata(k, value) != S_OK)
				abort();
		}
		u[r] = (now_ns() - start) / BATCH;
	}
	wer_set_metadata(key, NULL);
	*base = median(t, REPEATS);
	*upd = median(u, REPEATS);
}

int main(void)
{
	static struct sizes sizes[2];
	char key64[65], value128[129];

	memset(key64, 'k', 64);
	key64[64] = '\0';
	for (int i = 0; i < 128; i++)
		value128[i] = (char)(' ' + 1 + i % 94);
	value128[128] = '\0';
	fill(&sizes[0], "typical (5 B key, 10 B value)", "Build", "nightly-42");
	fill(&sizes[1], "largest (64 B key, 128 B value)", key64, value128);

	printf(
	    "openwer registry benchmark: ns per call (median of %d batches), "
	    "ratio to strlen+memcpy of the same bytes\n",
	    REPEATS);
	for (int k = 0; k < 2; k++) {
		const struct sizes *s = &sizes[k];
		double base = bench_baseline(s), wbase = bench_baseline_wide(s),
		       add, rem, wadd, wrem, upd, wupd, upd2;

		upd = bench_update(s, 0);
		wupd = bench_update(s, 1);
		bench_add_remove(s, 0, &add, &rem);
		bench_add_remove(s, 1, &wadd, &wrem);
		upd2 = bench_update_2threads(s);
		printf("\n%s\n", s->name);
		printf("  %-38s %7.1f ns\n", "baseline strlen+memcpy", base);
		printf("  %-38s %7.1f ns  %5.2fx\n",
		       "update existing key (UTF-8)", upd, upd / base);
		printf("  %-38s %7.1f ns\n", "baseline wcslen+wmemcpy (wide)",
		       wbase);
		printf("  %-38s %7.1f ns  %5.2fx (%.2fx of wide baseline)\n",
		       "update existing key (wide)", wupd, wupd / base,
		       wupd / wbase);
		printf("  %-38s %7.1f ns  %5.2fx\n", "add new key (UTF-8)", add,
		       add / base);
		printf("  %-38s %7.1f ns  %5.2fx (%.2fx of wide baseline)\n",
		       "add new key (wide)", wadd, wadd / base, wadd / wbase);
		printf("  %-38s %7.1f ns  %5.2fx\n", "unregister (UTF-8)", rem,
		       rem / base);
		printf("  %-38s %7.1f ns  %5.2fx (%.2fx of wide baseline)\n",
		       "unregister (wide)", wrem, wrem / base, wrem / wbase);
		printf("  %-38s %7.1f ns  %5.2fx\n",
		       "update, 2 threads at once (per call)", upd2,
		       upd2 / base);
	}
	{
		char value256[WER_NATIVE_METADATA_VALUE_MAX_BYTES + 1];
		double base, upd;

		for (int i = 0; i < WER_NATIVE_METADATA_VALUE_MAX_BYTES; i += 2)
			memcpy(value256 + i, "\xc3\xbc", 2);
		value256[WER_NATIVE_METADATA_VALUE_MAX_BYTES] = '\0';
		bench_native("Build", value256, &base, &upd);
		printf(
		    "\nnative table (wer_set_metadata): 5 B key, 256 B UTF-8 "
		    "value\n");
		printf("  %-38s %7.1f ns\n", "baseline strlen+memcpy", base);
		printf("  %-38s %7.1f ns  %5.2fx\n", "update existing key", upd,
		       upd / base);
		bench_native(key64, value256, &base, &upd);
		printf("\nnative table: 64 B key, 256 B UTF-8 value\n");
		printf("  %-38s %7.1f ns\n", "baseline strlen+memcpy", base);
		printf("  %-38s %7.1f ns  %5.2fx\n", "update existing key", upd,
		       upd / base);
		for (int i = 0; i < WER_NATIVE_METADATA_VALUE_MAX_BYTES; i++)
			value256[i] = (char)(' ' + 1 + i % 94);
		bench_native("Build", value256, &base, &upd);
		printf("\nnative table: 5 B key, 256 B ASCII value\n");
		printf("  %-38s %7.1f ns\n", "baseline strlen+memcpy", base);
		printf("  %-38s %7.1f ns  %5.2fx\n", "update existing key", upd,
		       upd / base);
	}
	return 0;
}
