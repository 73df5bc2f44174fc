/* SPDX-License-Identifier: MIT */
/*
 * watchdog.c - the header deadline and the minimum body rate of every
 * connection (watchdog.h).
 *
 * The rule for a body is Apache mod_reqtimeout's: a grace period, then
 * one more second per min_rate bytes received; a client that stops
 * sending, or trickles, passes its deadline whatever libmicrohttpd's idle
 * timeout thinks.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#include "watchdog.h"

#define PERIOD_MS  250 /* how often connections are looked at */
#define LOG_PERIOD 60  /* seconds between two log lines at most */

static const char timeout_reply[] =
    "HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n"
    "Content-Type: text/plain\r\nContent-Length: 32\r\n\r\n"
    "the request was sent too slowly\n";

double wer__monotonic(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Ends c: a 408 when its socket takes it without waiting, then shutdown,
 * which libmicrohttpd's event loop sees as the end of the connection.
 * Lock held. */
static void end_connection(struct wer_conn *c)
{
	(void)!send(c->fd, timeout_reply, sizeof(timeout_reply) - 1,
		    MSG_DONTWAIT | MSG_NOSIGNAL);
	shutdown(c->fd, SHUT_RDWR);
	c->phase = WER_CONN_CLOSING;
}

static void look(struct wer_watchdog *w, double now)
{
	for (struct wer_conn *c = w->head; c; c = c->next) {
		size_t bytes;

		switch (c->phase) {
		case WER_CONN_HEADERS:
			if (w->header_timeout > 0 &&
			    now - c->since > w->header_timeout) {
				end_connection(c);
				w->closed_headers++;
			}
			break;
		case WER_CONN_BODY:
			bytes =
			    __atomic_load_n(&c->body_bytes, __ATOMIC_RELAXED);
			if (w->min_rate > 0 &&
			    now > c->since + w->body_timeout +
				      (double)bytes / w->min_rate) {
				end_connection(c);
				w->closed_bodies++;
			}
			break;
		default:
			break;
		}
	}
	if ((w->closed_headers || w->closed_bodies) &&
	    now - w->logged >= LOG_PERIOD) {
		fprintf(stderr,
			"wer-collector: ended %lu connection(s) whose header "
			"block took over %g s, %lu sending a body under %g "
			"bytes/s\n",
			w->closed_headers, w->header_timeout, w->closed_bodies,
			w->min_rate);
		w->closed_headers = w->closed_bodies = 0;
		w->logged = now;
	}
}

static void *watchdog_main(void *arg)
{
	struct wer_watchdog *w = arg;

	pthread_mutex_lock(&w->lock);
	while (!w->stop) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += PERIOD_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&w->cond, &w->lock, &ts);
		if (!w->stop)
			look(w, wer__monotonic());
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

int wer__watchdog_start(struct wer_watchdog *w, double header_timeout,
			double body_timeout, double min_rate)
{
	pthread_condattr_t attr;
	int r;

	w->head = NULL;
	w->stop = w->running = 0;
	w->header_timeout = header_timeout;
	w->body_timeout = body_timeout;
	w->min_rate = min_rate;
	w->closed_headers = w->closed_bodies = 0;
	w->logged = 0;
	pthread_mutex_init(&w->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cond, &attr);
	pthread_condattr_destroy(&attr);
	r = pthread_create(&w->thread, NULL, watchdog_main, w);
	if (r)
		return -r;
	w->running = 1;
	return 0;
}

void wer__watchdog_stop(struct wer_watchdog *w)
{
	if (!w->running)
		return;
	pthread_mutex_lock(&w->lock);
	w->stop = 1;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	w->running = 0;
}

struct wer_conn *wer__watchdog_add(struct wer_watchdog *w, int fd)
{
	struct wer_conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->fd = fd;
	c->phase = WER_CONN_HEADERS;
	c->since = wer__monotonic();
	pthread_mutex_lock(&w->lock);
	c->next = w->head;
	if (w->head)
		w->head->prev = c;
	w->head = c;
	pthread_mutex_unlock(&w->lock);
	return c;
}

void wer__watchdog_remove(struct wer_watchdog *w, struct wer_conn *c)
{
	pthread_mutex_lock(&w->lock);
	if (c->prev)
		c->prev->next = c->next;
	else
		w->head = c->next;
	if (c->next)
		c->next->prev = c->prev;
	pthread_mutex_unlock(&w->lock);
	free(c);
}

int wer__watchdog_phase(struct wer_watchdog *w, struct wer_conn *c,
			enum wer_conn_phase phase)
{
	int r = 0;

	pthread_mutex_lock(&w->lock);
	if (c->phase == WER_CONN_CLOSING) {
		r = -ECONNABORTED;
	} else {
		c->phase = phase;
		c->since = wer__monotonic();
		__atomic_store_n(&c->body_bytes, 0, __ATOMIC_RELAXED);
	}
	pthread_mutex_unlock(&w->lock);
	return r;
}

void wer__watchdog_body(struct wer_conn *c, size_t n)
{
	__atomic_add_fetch(&c->body_bytes, n, __ATOMIC_RELAXED);
}
