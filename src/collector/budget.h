/* SPDX-License-Identifier: MIT */
/*
 * budget.h - the memory that request bodies may hold, all connections
 * together, and each key's share of it (budget.c).
 *
 * Bytes are reserved as they arrive (a body's buffer grows), never from
 * what a header declares: a Content-Length that is never sent reserves
 * nothing. One key's uploads may hold at most its share, so that a key
 * holding slow uploads open cannot take the budget from every other key.
 * Thread-safe (one mutex).
 */
#ifndef WER_COLLECTOR_BUDGET_H
#define WER_COLLECTOR_BUDGET_H

#include <pthread.h>
#include <stddef.h>

#define WER_BUDGET_SHARES 1024 /* keys with uploads in flight at once */

struct wer_share {
	char key[65];	/* the key's hash; "" when the slot is free */
	size_t used;	/* bytes its uploads hold */
	unsigned users; /* its uploads in flight */
};

struct wer_budget {
	pthread_mutex_t lock;
	size_t used, max;
	struct wer_share shares[WER_BUDGET_SHARES];
};

void wer__budget_init(struct wer_budget *b, size_t max);
void wer__budget_destroy(struct wer_budget *b);

/* A new upload of key (its hash): it joins the key's share when need
 * more bytes would fit both the budget and the share (share_max) now.
 * 0 and *ret_share, or -EBUSY (nothing taken). */
int wer__budget_admit(struct wer_budget *b, const char *key, size_t need,
		      size_t share_max, struct wer_share **ret_share);
/* Takes n more bytes for an upload of s: 0, or -EBUSY when the budget or
 * the share (share_max) would be passed (nothing taken). */
int wer__budget_take(struct wer_budget *b, struct wer_share *s, size_t n,
		     size_t share_max);
/* Gives back n bytes taken for s. */
void wer__budget_give(struct wer_budget *b, struct wer_share *s, size_t n);
/* The upload ended: gives back n bytes and leaves the share. */
void wer__budget_leave(struct wer_budget *b, struct wer_share *s, size_t n);
/* Bytes held now, all keys together. */
size_t wer__budget_used(struct wer_budget *b);

#endif
