/* SPDX-License-Identifier: MIT */
/*
 * budget.c - the in-flight memory budget of request bodies and each
 * key's share of it (budget.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "budget.h"

void wer__budget_init(struct wer_budget *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	pthread_mutex_init(&b->lock, NULL);
	b->max = max;
}

void wer__budget_destroy(struct wer_budget *b)
{
	pthread_mutex_destroy(&b->lock);
}

/* Whether n more bytes fit the budget and s's share; lock held. */
static int fits(const struct wer_budget *b, const struct wer_share *s, size_t n,
		size_t share_max)
{
	return b->used <= b->max && n <= b->max - b->used &&
	       s->used <= share_max && n <= share_max - s->used;
}

int wer__budget_admit(struct wer_budget *b, const char *key, size_t need,
		      size_t share_max, struct wer_share **ret_share)
{
	struct wer_share *s = NULL, *free_slot = NULL;
	int r = -EBUSY;

	pthread_mutex_lock(&b->lock);
	for (size_t i = 0; i < WER_BUDGET_SHARES && !s; i++) {
		if (b->shares[i].users && !strcmp(b->shares[i].key, key))
			s = &b->shares[i];
		else if (!b->shares[i].users && !free_slot)
			free_slot = &b->shares[i];
	}
	if (!s && free_slot) {
		s = free_slot;
		snprintf(s->key, sizeof(s->key), "%s", key);
		s->used = 0;
	}
	if (s && fits(b, s, need, share_max)) {
		s->users++;
		*ret_share = s;
		r = 0;
	}
	pthread_mutex_unlock(&b->lock);
	return r;
}

int wer__budget_take(struct wer_budget *b, struct wer_share *s, size_t n,
		     size_t share_max)
{
	int r = -EBUSY;

	pthread_mutex_lock(&b->lock);
	if (fits(b, s, n, share_max)) {
		b->used += n;
		s->used += n;
		r = 0;
	}
	pthread_mutex_unlock(&b->lock);
	return r;
}

void wer__budget_give(struct wer_budget *b, struct wer_share *s, size_t n)
{
	pthread_mutex_lock(&b->lock);
	b->used -= n;
	s->used -= n;
	pthread_mutex_unlock(&b->lock);
}

void wer__budget_leave(struct wer_budget *b, struct wer_share *s, size_t n)
{
	pthread_mutex_lock(&b->lock);
	b->used -= n;
	s->used -= n;
	if (s->users && !--s->users)
		s->key[0] = '\0';
	pthread_mutex_unlock(&b->lock);
}

size_t wer__budget_used(struct wer_budget *b)
{
	size_t n;

	pthread_mutex_lock(&b->lock);
	n = b->used;
	pthread_mutex_unlock(&b->lock);
	return n;
}
