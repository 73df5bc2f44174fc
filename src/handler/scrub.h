/* SPDX-License-Identifier: MIT */
/*
 * scrub.h - privacy: what of a crashed process's environment and command
 * line may leave the machine. Pure functions over bytes read from the
 * process (untrusted: any bytes, any length), fuzzed by
 * tests/fuzz/fuzz_scrub.c.
 */
#ifndef WER_SCRUB_H
#define WER_SCRUB_H

#include <stddef.h>

/* What replaces a secret in the report's text and the minidump's Environ
 * and CmdLine streams; in captured memory the secret's bytes are zeroed. */
#define WER_SCRUB_MARKER "<scrubbed>"

/* Where a secret was in the original bytes. */
struct wer_scrub_span {
	size_t offset, length;
};

/* The scrubbed copy of some bytes and where their secrets were. */
struct wer_scrubbed {
	char *text; /* malloc'd, NUL-terminated, len bytes before the NUL */
	size_t len;
	struct wer_scrub_span *spans; /* malloc'd, count of them */
	size_t count;
};

/* An environment block (NAME=VALUE entries, each ended by a NUL; the last
 * may lack it): every value whose name is not on allow_list keeps its name
 * and becomes WER_SCRUB_MARKER. allow_list: names separated by commas,
 * each may end with '*' (a prefix: "LC_*"). 0 or -ENOMEM. */
int wer__scrub_environ(const char *env, size_t len, const char *allow_list,
		       struct wer_scrubbed *ret);

/* A command line (arguments, each ended by a NUL): an argument
 * "[-]NAME=VALUE" whose NAME contains one of words (comma-separated,
 * compared without case) has its VALUE replaced, an argument "-NAME"
 * (or "--NAME") that is such a word has the next argument replaced, and
 * the password of a URL ("scheme://user:password@host") is replaced.
 * 0 or -ENOMEM. */
int wer__scrub_cmdline(const char *cmd, size_t len, const char *words,
		       struct wer_scrubbed *ret);

void wer__scrubbed_free(struct wer_scrubbed *s);

#endif /* WER_SCRUB_H */
