/* SPDX-License-Identifier: MIT */
/*
 * terminal.c - what wer prints never controls a terminal. Reports are
 * outside data: a crashed program chooses its thread names and paths, and
 * anyone may plant a report file. Rather than trust every printf to
 * escape, wer's stdout and stderr go through a filter (fopencookie) that
 * writes every control character but newline and tab, and every byte of
 * invalid UTF-8, as \xNN (text.h), whatever printed it. A character cut
 * between two writes is held until the next.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "text.h"

struct guard {
	FILE *to;	       /* the real stream */
	unsigned char held[4]; /* the start of a character cut short */
	size_t held_len;
};

/* How many bytes at the end of buf (len) may be the start of a UTF-8
 * character that the next write completes. */
static size_t cut_short(const unsigned char *buf, size_t len)
{
	for (size_t back = 1; back <= 3 && back <= len; back++) {
		unsigned char c = buf[len - back];
		size_t need;

		if ((c & 0xC0) == 0x80)
			continue; /* a continuation byte: look further back */
		need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
		return need > back &&
			       wer_utf8_char_len(buf + len - back, need) == 0
			   ? back
			   : 0;
	}
	return 0;
}

static ssize_t guard_write(void *cookie, const char *buf, size_t size)
{
	struct guard *g = cookie;
	unsigned char joined[64];
	size_t take = 0, keep;

	/* Complete a held character with the first bytes of this write. */
	if (g->held_len) {
		memcpy(joined, g->held, g->held_len);
		take = size < sizeof(joined) - g->held_len
			   ? size
			   : sizeof(joined) - g->held_len;
		if (take > 3)
			take = 3;
		memcpy(joined + g->held_len, buf, take);
		{
			size_t n =
			    wer_utf8_char_len(joined, g->held_len + take);
			size_t used = n > g->held_len ? n - g->held_len : 0;

			wer_text_put_safe(g->to, (const char *)joined,
					  n ? n : g->held_len, "\n\t");
			take = used;
			g->held_len = 0;
		}
	}
	keep = cut_short((const unsigned char *)buf + take, size - take);
	wer_text_put_safe(g->to, buf + take, size - take - keep, "\n\t");
	memcpy(g->held, buf + size - keep, keep);
	g->held_len = keep;
	fflush(g->to);
	return (ssize_t)size;
}

static int guard_close(void *cookie)
{
	struct guard *g = cookie;

	wer_text_put_safe(g->to, (const char *)g->held, g->held_len, "");
	return fclose(g->to);
}

static FILE *guard(FILE *stream, int fd, int buffering)
{
	static struct guard guards[2];
	struct guard *g = &guards[fd == STDERR_FILENO];
	cookie_io_functions_t io = {.write = guard_write, .close = guard_close};
	int copy = dup(fd);
	FILE *f;

	if (copy < 0 || !(g->to = fdopen(copy, "w"))) {
		if (copy >= 0)
			close(copy);
		return stream;
	}
	if (!(f = fopencookie(g, "w", io))) {
		fclose(g->to);
		return stream;
	}
	setvbuf(f, NULL, buffering, BUFSIZ);
	return f;
}

FILE *cli_raw_stderr;

void cli_guard_output(void)
{
	fflush(stdout);
	fflush(stderr);
	cli_raw_stderr = fdopen(dup(STDERR_FILENO), "w");
	if (cli_raw_stderr)
		setvbuf(cli_raw_stderr, NULL, _IONBF, 0);
	stdout = guard(stdout, STDOUT_FILENO,
		       isatty(STDOUT_FILENO) ? _IOLBF : _IOFBF);
	stderr = guard(stderr, STDERR_FILENO, _IONBF);
}
