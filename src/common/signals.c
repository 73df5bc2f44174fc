/* SPDX-License-Identifier: MIT */
/*
 * signals.c - signals and their codes by name (signals.h).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "signals.h"

/* si_code values (Linux's include/uapi/asm-generic/siginfo.h), by the
 * signal they belong to; signo 0: any signal's. */
static const struct {
	int signo;
	int code;
	const char *name;
} codes[] = {
    {0, 0, "SI_USER"},
    {0, 0x80, "SI_KERNEL"},
    {0, -1, "SI_QUEUE"},
    {0, -2, "SI_TIMER"},
    {0, -3, "SI_MESGQ"},
    {0, -4, "SI_ASYNCIO"},
    {0, -5, "SI_SIGIO"},
    {0, -6, "SI_TKILL"},
    {0, -7, "SI_DETHREAD"},
    {0, -60, "SI_ASYNCNL"},
    {SIGILL, 1, "ILL_ILLOPC"},
    {SIGILL, 2, "ILL_ILLOPN"},
    {SIGILL, 3, "ILL_ILLADR"},
    {SIGILL, 4, "ILL_ILLTRP"},
    {SIGILL, 5, "ILL_PRVOPC"},
    {SIGILL, 6, "ILL_PRVREG"},
    {SIGILL, 7, "ILL_COPROC"},
    {SIGILL, 8, "ILL_BADSTK"},
    {SIGILL, 9, "ILL_BADIADDR"},
    {SIGFPE, 1, "FPE_INTDIV"},
    {SIGFPE, 2, "FPE_INTOVF"},
    {SIGFPE, 3, "FPE_FLTDIV"},
    {SIGFPE, 4, "FPE_FLTOVF"},
    {SIGFPE, 5, "FPE_FLTUND"},
    {SIGFPE, 6, "FPE_FLTRES"},
    {SIGFPE, 7, "FPE_FLTINV"},
    {SIGFPE, 8, "FPE_FLTSUB"},
    {SIGFPE, 14, "FPE_FLTUNK"},
    {SIGFPE, 15, "FPE_CONDTRAP"},
    {SIGSEGV, 1, "SEGV_MAPERR"},
    {SIGSEGV, 2, "SEGV_ACCERR"},
    {SIGSEGV, 3, "SEGV_BNDERR"},
    {SIGSEGV, 4, "SEGV_PKUERR"},
    {SIGSEGV, 5, "SEGV_ACCADI"},
    {SIGSEGV, 6, "SEGV_ADIDERR"},
    {SIGSEGV, 7, "SEGV_ADIPERR"},
    {SIGSEGV, 8, "SEGV_MTEAERR"},
    {SIGSEGV, 9, "SEGV_MTESERR"},
    {SIGSEGV, 10, "SEGV_CPERR"},
    {SIGBUS, 1, "BUS_ADRALN"},
    {SIGBUS, 2, "BUS_ADRERR"},
    {SIGBUS, 3, "BUS_OBJERR"},
    {SIGBUS, 4, "BUS_MCEERR_AR"},
    {SIGBUS, 5, "BUS_MCEERR_AO"},
    {SIGTRAP, 1, "TRAP_BRKPT"},
    {SIGTRAP, 2, "TRAP_TRACE"},
    {SIGTRAP, 3, "TRAP_BRANCH"},
    {SIGTRAP, 4, "TRAP_HWBKPT"},
    {SIGTRAP, 5, "TRAP_UNK"},
    {SIGTRAP, 6, "TRAP_PERF"},
    {SIGSYS, 1, "SYS_SECCOMP"},
    {SIGSYS, 2, "SYS_USER_DISPATCH"},
};

const char *wer__signal_code_name(int signo, long code)
{
	/* Codes above 0 but SI_KERNEL mean something for their signal
	 * only; the others, for every signal. */
	int any = code <= 0 || code == 0x80;

	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (codes[i].code == code &&
		    (any ? codes[i].signo == 0 : codes[i].signo == signo))
			return codes[i].name;
	return NULL;
}

int wer__signal_from_text(const char *text)
{
	char *end;
	long n;

	if (text[0] >= '0' && text[0] <= '9') {
		n = strtol(text, &end, 10);
		return !*end && n > 0 && n < SIGRTMIN && sigabbrev_np((int)n)
			   ? (int)n
			   : 0;
	}
	if (!strncasecmp(text, "SIG", 3))
		text += 3;
	for (int sig = 1; sig < SIGRTMIN; sig++) {
		const char *abbrev = sigabbrev_np(sig);

		if (abbrev && !strcasecmp(abbrev, text))
			return sig;
	}
	return 0;
}

const char *wer__signal_to_text(long sig, char out[WER_SIGNAL_TEXT_SIZE])
{
	const char *abbrev =
	    sig > 0 && sig < NSIG ? sigabbrev_np((int)sig) : NULL;

	if (abbrev)
		snprintf(out, WER_SIGNAL_TEXT_SIZE, "SIG%s", abbrev);
	else
		out[0] = '\0';
	return out;
}
