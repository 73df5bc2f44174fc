/* SPDX-License-Identifier: MIT */
/*
 * show.c - `wer show ID|latest`: one report for a person (or --json).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "minidump_read.h"

void show_help(FILE *f)
{
	fputs("usage: wer show [--json] REPORT\n"
	      "\n"
	      "Shows one report: the signature (the signal code named), all "
	      "metadata, the\ncrashed thread's stack, the other threads "
	      "summarized, the minidump's facts\nand the files in the "
	      "report.\n"
	      "\n"
	      "  --json   one JSON object, with every thread's frames\n"
	      "\n",
	      f);
	fputs(cli_report_forms, f);
	fputs("\n"
	      "Exit status: 0, 1 when there is no such report, 2 usage (or "
	      "REPORT names\nseveral: they are listed), 3 the store cannot be "
	      "read.\n",
	      f);
}

/* The crashed thread whole, one line per other thread (its header and
 * first frame, at most 50 of them). */
static void print_stacks(const struct cli_stacks *s, FILE *out)
{
	if (!s->count)
		fprintf(out, "  (%s)\n",
			s->note	    ? s->note
			: s->source ? "no thread"
				    : "no stack.txt");
	if (s->stack_scan)
		fputs("  (frames found by scanning the stack: some may be "
		      "stale)\n",
		      out);
	for (size_t i = 0; i < s->count; i++) {
		const struct cli_thread *t = &s->threads[i];

		if (i == 1)
			fputs("\nOther threads:\n", out);
		if (i > 50) {
			fprintf(out, "  ... and %zu more\n", s->count - 51);
			break;
		}
		if (t->header)
			fprintf(out, "  %s", t->header);
		if (i == 0) {
			if (t->header)
				fputc('\n', out);
			for (size_t k = 0; k < t->frame_count; k++)
				fprintf(out, "  %s\n", t->frames[k].text);
			if (t->note)
				fprintf(out, "    %s\n", t->note);
		} else if (t->frame_count) {
			fprintf(out, ": %s\n",
				t->frames[0].text +
				    strspn(t->frames[0].text, " "));
		} else {
			fputc('\n', out);
		}
	}
	if (s->capture_problem)
		fprintf(out, "\n  Degraded capture: %s\n", s->capture_problem);
}

static void print_json_frame(const struct cli_frame *f)
{
	printf("{\"index\": %d, \"pc\": \"0x%016llx\"", f->index, f->pc);
	if (f->function) {
		printf(", \"function\": ");
		cli_json_string(stdout, f->function);
	}
	if (f->have_function_offset)
		printf(", \"function_offset\": \"0x%llx\"", f->function_offset);
	if (f->inlined)
		printf(", \"inlined\": true");
	if (f->resymbolized)
		printf(", \"resymbolized\": true");
	if (f->module) {
		printf(", \"module\": ");
		cli_json_string(stdout, f->module);
	}
	if (f->have_module_offset)
		printf(", \"module_offset\": \"0x%llx\"", f->module_offset);
	if (f->file) {
		printf(", \"file\": ");
		cli_json_string(stdout, f->file);
		printf(", \"line\": %d", f->line);
	}
	printf("}");
}

/* "stack": where the frames come from, and every thread with its
 * frames. */
static void print_json_stacks(const struct cli_stacks *s)
{
	printf(", \"stack\": {\"source\": ");
	if (s->source)
		cli_json_string(stdout, s->source);
	else
		printf("null");
	printf(", \"stack_scan\": %s", s->stack_scan ? "true" : "false");
	if (s->capture_problem) {
		printf(", \"capture_problem\": ");
		cli_json_string(stdout, s->capture_problem);
	}
	if (s->note) {
		printf(", \"note\": ");
		cli_json_string(stdout, s->note);
	}
	printf(", \"threads\": [");
	for (size_t i = 0; i < s->count; i++) {
		const struct cli_thread *t = &s->threads[i];

		printf("%s\n    {\"tid\": %ld, \"name\": ", i ? "," : "",
		       t->tid);
		if (t->name)
			cli_json_string(stdout, t->name);
		else
			printf("null");
		printf(", \"crashed\": %s", t->crashed ? "true" : "false");
		if (t->signal)
			printf(", \"signal\": %d", t->signal);
		if (t->note) {
			printf(", \"note\": ");
			cli_json_string(stdout, t->note);
		}
		printf(", \"frames\": [");
		for (size_t k = 0; k < t->frame_count; k++) {
			printf("%s", k ? ", " : "");
			print_json_frame(&t->frames[k]);
		}
		printf("]}");
	}
	printf("%s]}", s->count ? "\n  " : "");
}

static void print_files(int dir, int json)
{
	DIR *d = dir >= 0 ? wer_dir_list(dir) : NULL;
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d))) {
		struct stat st;

		if (e->d_name[0] == '.' ||
		    fstatat(dir, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (json) {
			printf("%s{\"name\": ", n ? ", " : "");
			cli_json_string(stdout, e->d_name);
			printf(", \"size\": %lld}", (long long)st.st_size);
		} else {
			printf("  %-40s %10lld bytes\n", e->d_name,
			       (long long)st.st_size);
		}
		n++;
	}
	if (d)
		closedir(d);
}

static void print_json(const struct wer_report_info *r,
		       const struct wer_md_facts *md,
		       const struct cli_stacks *stacks, int dir)
{
	printf("{");
	cli_json_report_fields(stdout, r);
	printf(", \"tid\": %ld, \"command_line\": ", r->tid);
	cli_json_string(stdout, r->command_line);
	printf(", \"minidump\": ");
	if (md)
		printf("{\"threads\": %u, \"crashed_tid\": %u, \"signal\": %u, "
		       "\"modules\": %u, \"memory_bytes\": %llu, \"cpus\": "
		       "%u}",
		       md->thread_count, md->crashed_tid, md->signal,
		       md->module_count, (unsigned long long)md->memory_bytes,
		       md->cpu_count);
	else
		printf("null");
	print_json_stacks(stacks);
	printf(", \"files\": [");
	print_files(dir, 1);
	printf("]}\n");
}

int show_main(int argc, char **argv)
{
	static const struct option options[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {0}};
	struct wer_report_info *r;
	struct wer_md_facts *md;
	struct cli_stacks stacks;
	int json = 0, c, err, dir;

	optind = 1;
	while ((c = cli_getopt(argc, argv, "", options)) != -1) {
		if (c == 'j') {
			json = 1;
		} else if (c == 'h') {
			show_help(stdout);
			return 0;
		} else {
			return EXIT_USAGE;
		}
	}
	if (optind + 1 != argc)
		return CLI_ONE_REPORT("show", optind < argc);
	if (!(r = malloc(sizeof(*r))))
		return EXIT_STORE;
	if ((err = cli_find_report("show", argv[optind], r))) {
		free(r);
		return err;
	}
	/* The report by descriptor: its files are opened in it, never
	 * through a link, never waiting on a FIFO. */
	dir = wer_report_reopen(cli_store(), r);
	md = cli_read_dump(dir);
	cli_read_stacks(r, &stacks);
	cli_resymbolize(&stacks, md);
	if (json) {
		print_json(r, md, &stacks, dir);
	} else {
		printf("Report %s\n  %s\n", r->id, r->dir);
		if (r->damaged)
			printf("  DAMAGED: %s\n", r->problem);
		if (r->degraded)
			printf("  DEGRADED: %s\n", r->degraded_why);
		printf("  %s at %s, process %ld, thread %ld\n  %s\n",
		       r->event_type, r->event_time, r->pid, r->tid,
		       r->command_line);
		if (r->archived)
			printf("  Sent at %s: HTTP %ld, %s\n", r->upload_time,
			       r->upload_status, r->upload_answer);
		else if (r->upload_failures > 0)
			cli_print_upload_failure(stdout, r);
		else
			printf("  Not sent yet (`wer submit %s`)\n", r->id);
		printf("\n");
		printf("Signature:\n");
		cli_print_signature(stdout, r);
		if (r->exception_type[0] || r->abort_message[0] ||
		    r->reraised[0])
			printf("\nWhat killed it:\n");
		cli_print_reason(stdout, r);
		printf("\nMetadata:\n");
		for (size_t i = 0; i < r->meta_count; i++)
			printf("  %-22s %s\n", r->meta_key[i],
			       r->meta_value[i]);
		if (!r->meta_count)
			printf("  (none)\n");
		printf("\n%s thread:\n", strcmp(r->event_type, "APPCRASH")
					     ? "Reporting"
					     : "Crashed");
		print_stacks(&stacks, stdout);
		if (md)
			printf("\nMinidump: %u threads, %u modules, %llu bytes "
			       "of memory, %u CPUs, signal %u in thread %u\n",
			       md->thread_count, md->module_count,
			       (unsigned long long)md->memory_bytes,
			       md->cpu_count, md->signal, md->crashed_tid);
		printf("\nFiles:\n");
		print_files(dir, 0);
	}
	if (dir >= 0)
		close(dir);
	cli_stacks_free(&stacks);
	free(md);
	free(r);
	return 0;
}
