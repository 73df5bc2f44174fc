/* SPDX-License-Identifier: MIT */
/* server.h - starting and stopping the HTTP server (server.c). */
#ifndef WER_COLLECTOR_SERVER_H
#define WER_COLLECTOR_SERVER_H

#include <sys/socket.h>

#include "collector.h"

struct wer_server;

/* Starts serving c on addr; *ret_port is the bound port. NULL on failure
 * (libmicrohttpd has logged why). */
struct wer_server *wer__server_start(struct wer_collector *c,
				     const struct sockaddr *addr,
				     unsigned *ret_port);
/* Stops accepting, answers what is in the workers' hands, stops. */
void wer__server_stop(struct wer_server *s);

#endif
