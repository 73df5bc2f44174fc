/* SPDX-License-Identifier: MIT */
/* server.h - starting the HTTP server (server.c). */
#ifndef WER_COLLECTOR_SERVER_H
#define WER_COLLECTOR_SERVER_H

#include <sys/socket.h>

#include "collector.h"

/* Starts serving c on addr; *ret_port is the bound port. NULL on failure
 * (MHD has logged why). */
struct MHD_Daemon *wer__server_start(struct wer_collector *c,
				     const struct sockaddr *addr,
				     unsigned *ret_port);

#endif
