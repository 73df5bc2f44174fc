/*
 * crash.h - between crash_setup.c (runs at load time, may do anything) and
 * crash.c (runs in the signal handler, may do almost nothing).
 */
#ifndef WER_CRASH_H
#define WER_CRASH_H

#include <signal.h>

#include "crash_format.h"

#define WER_HANDLER_PATH_MAX 4096

/* Everything the handler needs, prepared before any crash. */
struct wer_crash_config {
	char handler_path[WER_HANDLER_PATH_MAX]; /* werfault */
	int timeout_ms;				 /* how long to wait for it */
	int enabled;
};

extern struct wer_crash_config wer__crash_config;
extern struct wer_crash_area wer__crash_area;

/* The signals openwer reports, and what was installed for them before. */
#define WER_CRASH_SIGNAL_COUNT 7
extern const int wer__crash_signals[WER_CRASH_SIGNAL_COUNT];
extern struct sigaction wer__crash_previous[WER_CRASH_SIGNAL_COUNT];

/* The signal handler (crash.c). */
void wer__crash_handler(int signo, siginfo_t *info, void *context);

#endif /* WER_CRASH_H */
