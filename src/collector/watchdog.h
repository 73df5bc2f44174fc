/* SPDX-License-Identifier: MIT */
/*
 * watchdog.h - the deadlines libmicrohttpd does not have (watchdog.c): a
 * request's whole header block must arrive within a deadline, and its
 * body at a minimum rate. libmicrohttpd's own timeout is an idle timeout
 * that each byte resets, so a client sending one header line every few
 * seconds would hold its connection forever.
 *
 * Every connection is registered (libmicrohttpd's socket context); the
 * server says which phase its request is in; a thread looks at them four
 * times a second and ends those past their deadline with a 408 and
 * shutdown(2), which libmicrohttpd's event loop then sees as the client
 * leaving. A connection is removed (under the lock) before
 * libmicrohttpd closes its socket, so the thread never touches a closed
 * or reused descriptor.
 */
#ifndef WER_COLLECTOR_WATCHDOG_H
#define WER_COLLECTOR_WATCHDOG_H

#include <pthread.h>
#include <stddef.h>

enum wer_conn_phase {
	WER_CONN_HEADERS, /* waiting for a request's header block */
	WER_CONN_BODY,	  /* receiving its body */
	WER_CONN_BUSY,	  /* the server is working or answering: no deadline */
	WER_CONN_CLOSING, /* ended by the watchdog */
};

struct wer_conn {
	struct wer_conn *prev, *next;
	int fd;
	enum wer_conn_phase phase;
	double since;	   /* when the phase began (wer__monotonic) */
	size_t body_bytes; /* received in WER_CONN_BODY (atomic) */
};

struct wer_watchdog {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t thread;
	int running, stop;
	struct wer_conn *head;
	double header_timeout; /* seconds for a header block; 0: none */
	double body_timeout;   /* seconds of grace for a body ... */
	double min_rate;       /* ... then bytes per second; 0: none */
	unsigned long closed_headers, closed_bodies; /* not yet logged */
	double logged;				     /* when last logged */
};

/* Monotonic seconds. */
double wer__monotonic(void);

/* Starts the thread. 0 or a negative errno. */
int wer__watchdog_start(struct wer_watchdog *w, double header_timeout,
			double body_timeout, double min_rate);
/* Stops the thread; connections still registered stay valid. */
void wer__watchdog_stop(struct wer_watchdog *w);
/* A new connection on fd, in WER_CONN_HEADERS from now. NULL when out
 * of memory (the server then closes it). */
struct wer_conn *wer__watchdog_add(struct wer_watchdog *w, int fd);
/* The connection is closing: forget it (and free it). */
void wer__watchdog_remove(struct wer_watchdog *w, struct wer_conn *c);
/* Its request moved to phase, from now. -ECONNABORTED when the watchdog
 * already ended the connection (the request must not go on). */
int wer__watchdog_phase(struct wer_watchdog *w, struct wer_conn *c,
			enum wer_conn_phase phase);
/* n more body bytes arrived (no lock). */
void wer__watchdog_body(struct wer_conn *c, size_t n);

#endif
