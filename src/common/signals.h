/* SPDX-License-Identifier: MIT */
/*
 * signals.h - signals and their codes by name, for the programs that read
 * reports (`wer`; Report.wer keeps numbers: "SIGSEGV (11)", Signal Code 1).
 */
#ifndef WER_SIGNALS_H
#define WER_SIGNALS_H

/* The name of si_code code of signal signo as <signal.h> spells it:
 * "SEGV_MAPERR" (SIGSEGV, 1), "SI_TKILL" (any signal, -6), or NULL when
 * it has none. Linux's values, the same on every architecture openwer
 * builds for. */
const char *wer__signal_code_name(int signo, long code);

/* The name of signal sig ("SIGSEGV" for 11), glibc's (sigabbrev_np), so
 * every signal it knows, into out; "" for a number that names none.
 * Returns out. (The crash path's own short list, for the signals it
 * catches, is src/lib/crash_format.h's: async-signal-safe.) */
#define WER_SIGNAL_TEXT_SIZE 16
const char *wer__signal_to_text(long sig, char out[WER_SIGNAL_TEXT_SIZE]);

/* The signal text names: "SIGSEGV", "SEGV" (any case) or "11". Returns
 * its number, or 0 when it names none. */
int wer__signal_from_text(const char *text);

#endif /* WER_SIGNALS_H */
