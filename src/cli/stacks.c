/* SPDX-License-Identifier: MIT */
/*
 * stacks.c - a report's threads and their frames, for `wer show`: from
 * stack.txt (werfault's, every thread), else from the Frame[n] lines of
 * Report.wer (the crash path's own report: the crashed thread's raw
 * frames, symbolized now).
 *
 * stack.txt's lines are read by src/store/stack_text.c.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "stack_text.h"

#define STACK_LINES_MAX 2000000	   /* lines of stack.txt read */
#define RAW_FRAMES_MAX	256	   /* Frame[n] lines of Report.wer read */
#define TEXT_MAX	(64 << 20) /* bytes of stack.txt or Report.wer read */

static char *copy(const char *s, size_t len)
{
	char *c = malloc(len + 1);

	if (c) {
		memcpy(c, s, len);
		c[len] = '\0';
	}
	return c;
}

static char *copy_span(struct wer_stack_span sp)
{
	return sp.s ? copy(sp.s, sp.len) : NULL;
}

static struct cli_thread *add_thread(struct cli_stacks *s)
{
	struct cli_thread *t;

	if (s->count == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 8;
		struct cli_thread *v = realloc(s->threads, cap * sizeof(*v));

		if (!v)
			return NULL;
		s->threads = v;
		s->cap = cap;
	}
	t = &s->threads[s->count++];
	memset(t, 0, sizeof(*t));
	return t;
}

/* Adds the frame line "  #N  0xPC..." to t. */
static int add_frame(struct cli_thread *t, const char *line)
{
	struct wer_stack_frame_line l;
	struct cli_frame *f;

	if (wer_stack_frame_parse(line, &l) < 0)
		return 0;
	if (t->frame_count == t->frame_cap) {
		size_t cap = t->frame_cap ? t->frame_cap * 2 : 8;
		struct cli_frame *v = realloc(t->frames, cap * sizeof(*v));

		if (!v)
			return -1;
		t->frames = v;
		t->frame_cap = cap;
	}
	f = &t->frames[t->frame_count];
	memset(f, 0, sizeof(*f));
	f->index = l.index;
	f->pc = l.pc;
	if (!(f->text = copy(line, strlen(line))))
		return -1;
	f->function = copy_span(l.function);
	f->function_offset = l.function_offset;
	f->have_function_offset = l.have_function_offset;
	f->inlined = l.inlined;
	f->module = copy_span(l.module);
	f->module_offset = l.module_offset;
	f->have_module_offset = l.have_module_offset;
	f->file = copy_span(l.file);
	f->line = l.line;
	t->frame_count++;
	return 0;
}

/* "Thread TID[ (crashed)] "NAME"[: signal N]" into t. */
static int parse_thread(struct cli_thread *t, const char *line)
{
	const char *open = strchr(line, '"'), *close = strrchr(line, '"');
	char *end;

	t->tid = strtol(line + 7, &end, 10);
	t->crashed = !strncmp(end, " (crashed)", 10);
	if (open && close > open)
		t->name = copy(open + 1, (size_t)(close - open - 1));
	if (close && !strncmp(close + 1, ": signal ", 9))
		t->signal = (int)strtol(close + 10, NULL, 10);
	t->header = copy(line, strlen(line));
	return t->header ? 0 : -1;
}

/* A report's text file, read capped (wer_report_file's rules: no link, no
 * FIFO, no device), as a stream over the copy in *ret_text (free it after
 * fclose). NULL when there is none, or it is empty. */
static FILE *open_text(int dir, const char *name, char **ret_text)
{
	ssize_t len = wer_report_file_read(dir, name, TEXT_MAX, ret_text);
	FILE *f = NULL;

	if (len > 0 && !(f = fmemopen(*ret_text, (size_t)len, "r")))
		len = 0;
	if (len == 0)
		free(*ret_text);
	return f;
}

static int read_stack_txt(int dir, struct cli_stacks *s)
{
	char *line = NULL, *text;
	struct cli_thread *t = NULL;
	size_t size = 0, lines = 0;
	ssize_t len;
	FILE *f;

	if (!(f = open_text(dir, "stack.txt", &text)))
		return -1;
	s->source = "stack.txt";
	while ((len = getline(&line, &size, f)) >= 0 &&
	       lines++ < STACK_LINES_MAX) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "Thread ", 7)) {
			if (!(t = add_thread(s)) || parse_thread(t, line) < 0)
				break;
		} else if (t && !strncmp(line, "  #", 3)) {
			if (add_frame(t, line) < 0)
				break;
		} else if (t && line[0] == ' ' && !t->note) {
			t->note = copy(line + strspn(line, " "),
				       strlen(line + strspn(line, " ")));
		} else if (!line[0]) {
			t = NULL;
		} else if (!strncmp(line, "Degraded capture: ", 18)) {
			s->capture_problem = copy(line + 18, strlen(line + 18));
		} else if (!t && !s->note) {
			/* "No crash: ...", "No thread could be captured." */
			s->note = copy(line, strlen(line));
		}
	}
	free(line);
	fclose(f);
	free(text);
	return 0;
}

/* The crash path's own report: "Frame[n]=0xPC /module+0xOFF" lines. */
static void read_raw_frames(const struct wer_report_info *r, int dir,
			    struct cli_stacks *s)
{
	char line[PATH_MAX + 128], *text;
	struct cli_thread *t = NULL;
	int n = 0;
	FILE *f;

	if (!(f = open_text(dir, "Report.wer", &text)))
		return;
	while (fgets(line, sizeof(line), f) && n < RAW_FRAMES_MAX) {
		char module[PATH_MAX], name[PATH_MAX + 64], frame[2 * PATH_MAX];
		const char *space, *plus, *at;
		unsigned long long pc, off;
		int index;

		line[strcspn(line, "\n")] = '\0';
		if (!strcmp(line, "FramesBy=stack scan"))
			s->stack_scan = 1;
		if (sscanf(line, "Frame[%d]=%llx", &index, &pc) != 2)
			continue;
		if (!t) {
			if (!(t = add_thread(s)))
				break;
			t->tid = r->tid;
			t->crashed = 1;
			t->signal = cli_report_signal(r);
			s->source = "Report.wer";
		}
		n++;
		space = strchr(line, ' ');
		plus = strrchr(line, '+');
		if (!space || !plus || plus < space ||
		    sscanf(plus, "+%llx", &off) != 1 ||
		    (size_t)(plus - space - 1) >= sizeof(module)) {
			snprintf(frame, sizeof(frame), "  #%-2d 0x%016llx",
				 index, pc);
		} else {
			snprintf(module, sizeof(module), "%.*s",
				 (int)(plus - space - 1), space + 1);
			/* "FUNCTION+0xOFF[ at FILE:LINE]": the file goes
			 * last, as in stack.txt. */
			if (cli_symbolize(module, off, index > 0, name,
					  sizeof(name)) < 0)
				name[0] = '\0';
			at = strstr(name, " at ");
			snprintf(frame, sizeof(frame),
				 "  #%-2d 0x%016llx%s%.*s in %s+0x%llx%s",
				 index, pc, name[0] ? " " : "",
				 (int)(at ? (size_t)(at - name) : strlen(name)),
				 name,
				 strrchr(module, '/') ? strrchr(module, '/') + 1
						      : module,
				 off, at ? at : "");
		}
		if (add_frame(t, frame) < 0)
			break;
	}
	fclose(f);
	free(text);
}

void cli_read_stacks(const struct wer_report_info *r, struct cli_stacks *ret)
{
	int dir = wer_report_reopen(cli_store(), r);

	memset(ret, 0, sizeof(*ret));
	if (dir < 0)
		return;
	if (read_stack_txt(dir, ret) < 0)
		read_raw_frames(r, dir, ret);
	close(dir);
}

void cli_stacks_free(struct cli_stacks *s)
{
	for (size_t i = 0; i < s->count; i++) {
		struct cli_thread *t = &s->threads[i];

		for (size_t k = 0; k < t->frame_count; k++) {
			free(t->frames[k].text);
			free(t->frames[k].function);
			free(t->frames[k].module);
			free(t->frames[k].file);
		}
		free(t->frames);
		free(t->name);
		free(t->header);
		free(t->note);
	}
	free(s->threads);
	free(s->capture_problem);
	free(s->note);
	memset(s, 0, sizeof(*s));
}
