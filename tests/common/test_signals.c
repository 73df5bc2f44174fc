/* SPDX-License-Identifier: MIT */
/*
 * test_signals.c - signals by name (src/common/signals.c): number to name
 * and back for every signal glibc names, names in any case with or
 * without SIG, codes named per signal, and what names nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "signals.h"

static void to_text_and_back(void **state)
{
	char out[WER_SIGNAL_TEXT_SIZE];
	int named = 0;

	(void)state;
	assert_string_equal(wer__signal_to_text(SIGSEGV, out), "SIGSEGV");
	assert_string_equal(wer__signal_to_text(SIGABRT, out), "SIGABRT");
	for (int sig = 1; sig < SIGRTMIN; sig++) {
		if (!*wer__signal_to_text(sig, out))
			continue;
		named++;
		assert_int_equal(wer__signal_from_text(out), sig);
		assert_int_equal(wer__signal_from_text(out + 3), sig);
	}
	/* Every standard Linux signal but the unused numbers. */
	assert_true(named >= 30);
}

static void names_nothing(void **state)
{
	char out[WER_SIGNAL_TEXT_SIZE] = "x";

	(void)state;
	assert_string_equal(wer__signal_to_text(0, out), "");
	assert_string_equal(wer__signal_to_text(-3, out), "");
	assert_string_equal(wer__signal_to_text(1L << 40, out), "");
	assert_int_equal(wer__signal_from_text("SIGNOPE"), 0);
	assert_int_equal(wer__signal_from_text(""), 0);
	assert_int_equal(wer__signal_from_text("SIG"), 0);
	assert_int_equal(wer__signal_from_text("11x"), 0);
	assert_int_equal(wer__signal_from_text("0"), 0);
	assert_int_equal(wer__signal_from_text("99999999999999999999"), 0);
}

static void any_case(void **state)
{
	(void)state;
	assert_int_equal(wer__signal_from_text("segv"), SIGSEGV);
	assert_int_equal(wer__signal_from_text("SigBus"), SIGBUS);
	assert_int_equal(wer__signal_from_text("sigfpe"), SIGFPE);
	assert_int_equal(wer__signal_from_text("11"), 11);
}

static void codes(void **state)
{
	(void)state;
	assert_string_equal(wer__signal_code_name(SIGSEGV, 1), "SEGV_MAPERR");
	assert_string_equal(wer__signal_code_name(SIGSEGV, 2), "SEGV_ACCERR");
	assert_string_equal(wer__signal_code_name(SIGBUS, 2), "BUS_ADRERR");
	assert_string_equal(wer__signal_code_name(SIGFPE, 1), "FPE_INTDIV");
	/* Codes any signal may have, from kill(2), tgkill(2) and the like. */
	assert_string_equal(wer__signal_code_name(SIGSEGV, 0), "SI_USER");
	assert_string_equal(wer__signal_code_name(SIGABRT, -6), "SI_TKILL");
	assert_null(wer__signal_code_name(SIGSEGV, 99));
	assert_null(wer__signal_code_name(SIGABRT, 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(to_text_and_back),
	    cmocka_unit_test(names_nothing),
	    cmocka_unit_test(any_case),
	    cmocka_unit_test(codes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
