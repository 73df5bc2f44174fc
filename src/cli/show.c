/* SPDX-License-Identifier: MIT */
/*
 * show.c - `wer show ID|latest`: one report for a person (or --json).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "minidump_read.h"

#define DUMP_MAX (64u * 1024 * 1024) /* bytes of a minidump read */

void show_help(FILE *f)
{
	fputs("usage: wer show [--json] ID|latest\n"
	      "\n"
	      "Shows one report: the signature, all metadata, the crashed "
	      "thread's stack,\nthe other threads summarized, the minidump's "
	      "facts and the files in the report.\n"
	      "\n"
	      "  --json   one JSON object\n"
	      "\n"
	      "Exit status: 0, 1 when there is no such report, 2 usage, 3 the "
	      "store cannot be\nread.\n",
	      f);
}

/* The minidump's facts, or NULL (the file is missing, too large or not a
 * minidump). The caller frees. */
static struct wer_md_facts *read_dump(const char *dir)
{
	char path[PATH_MAX + 32];
	struct wer_md_facts *facts = malloc(sizeof(*facts));
	unsigned char *data = NULL;
	struct stat st;
	int fd;

	snprintf(path, sizeof(path), "%s/minidump.mdmp", dir);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (!facts || fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > DUMP_MAX || !(data = malloc((size_t)st.st_size + 1)) ||
	    read(fd, data, (size_t)st.st_size) != st.st_size ||
	    wer_minidump_facts(data, (size_t)st.st_size, facts) < 0) {
		free(facts);
		facts = NULL;
	}
	if (fd >= 0)
		close(fd);
	free(data);
	return facts;
}

/* The crash path's own report has raw frames in Report.wer
 * ("Frame[n]=0xPC /module+0xOFF"): prints them, symbolized now. Returns
 * how many. */
static int print_raw_frames(const char *dir, FILE *out)
{
	char path[PATH_MAX + 32], line[PATH_MAX + 128];
	int n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/Report.wer", dir);
	if (!(f = fopen(path, "re")))
		return 0;
	while (fgets(line, sizeof(line), f) && n < 256) {
		char module[PATH_MAX], name[PATH_MAX + 64], *plus;
		unsigned long long pc, off;
		int index;

		line[strcspn(line, "\n")] = '\0';
		if (!strcmp(line, "FramesBy=stack scan"))
			fputs("  (frames found by scanning the stack: some may "
			      "be stale)\n",
			      out);
		if (sscanf(line, "Frame[%d]=%llx", &index, &pc) != 2)
			continue;
		n++;
		plus = strrchr(line, '+');
		if (!strchr(line, ' ') || !plus ||
		    sscanf(plus, "+%llx", &off) != 1 ||
		    (size_t)(plus - strchr(line, ' ') - 1) >= sizeof(module)) {
			fprintf(out, "  #%-2d 0x%016llx\n", index, pc);
			continue;
		}
		snprintf(module, sizeof(module), "%.*s",
			 (int)(plus - strchr(line, ' ') - 1),
			 strchr(line, ' ') + 1);
		if (cli_symbolize(module, off, index > 0, name, sizeof(name)) <
		    0)
			snprintf(name, sizeof(name), "?");
		fprintf(
		    out, "  #%-2d 0x%016llx %s in %s+0x%llx\n", index, pc, name,
		    strrchr(module, '/') ? strrchr(module, '/') + 1 : module,
		    off);
	}
	fclose(f);
	return n;
}

/* Prints stack.txt: the crashed thread whole, one line per other thread
 * (its name and first frame). */
static void print_stacks(const char *dir, FILE *out)
{
	char path[PATH_MAX + 32], line[1024];
	FILE *f;
	int block = 0, frame = 0, others = 0;

	snprintf(path, sizeof(path), "%s/stack.txt", dir);
	if (!(f = fopen(path, "re"))) {
		if (!print_raw_frames(dir, out))
			fputs("  (no stack.txt)\n", out);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "Thread ", 7)) {
			block++;
			frame = 0;
			if (block == 2)
				fputs("\nOther threads:\n", out);
			if (block == 1)
				fprintf(out, "  %s", line);
			else if (++others <= 50)
				fprintf(out, "  %.*s", (int)strcspn(line, "\n"),
					line);
			continue;
		}
		if (block == 1 && line[0] != '\n') {
			fprintf(out, "  %s", line);
		} else if (block > 1 && others <= 50 && frame++ == 0 &&
			   line[0] == ' ') {
			fprintf(out, ": %s", line + strspn(line, " "));
		}
	}
	if (others > 50)
		fprintf(out, "  ... and %d more\n", others - 50);
	fclose(f);
}

static void print_files(const char *dir, int json)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d))) {
		char path[PATH_MAX + 300];
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (lstat(path, &st) < 0)
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
		       const struct wer_md_facts *md)
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
	printf(", \"files\": [");
	print_files(r->dir, 1);
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
	int json = 0, c, err;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		if (c == 'j') {
			json = 1;
		} else if (c == 'h') {
			show_help(stdout);
			return 0;
		} else {
			show_help(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		show_help(stderr);
		return EXIT_USAGE;
	}
	r = malloc(sizeof(*r));
	if (!r || (err = cli_find_report(argv[optind], r)) < 0) {
		err = r ? err : -ENOMEM;
		if (err == -ENOENT)
			fprintf(stderr, "wer show: no report %s\n",
				argv[optind]);
		else
			fprintf(stderr, "wer show: cannot read the store: %s\n",
				strerror(-err));
		free(r);
		return err == -ENOENT ? EXIT_NOTHING : 3;
	}
	md = read_dump(r->dir);
	if (json) {
		print_json(r, md);
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
		else
			printf("  Not sent yet (`wer submit %s`)\n", r->id);
		printf("\n");
		printf("Signature:\n");
		for (int i = 0; i < 10; i++)
			if (r->sig_name[i][0])
				printf("  %-22s %s\n", r->sig_name[i],
				       r->sig_value[i]);
		printf("\nMetadata:\n");
		for (size_t i = 0; i < r->meta_count; i++)
			printf("  %-22s %s\n", r->meta_key[i],
			       r->meta_value[i]);
		if (!r->meta_count)
			printf("  (none)\n");
		printf("\n%s thread:\n", strcmp(r->event_type, "APPCRASH")
					     ? "Reporting"
					     : "Crashed");
		print_stacks(r->dir, stdout);
		if (md)
			printf("\nMinidump: %u threads, %u modules, %llu bytes "
			       "of memory, %u CPUs, signal %u in thread %u\n",
			       md->thread_count, md->module_count,
			       (unsigned long long)md->memory_bytes,
			       md->cpu_count, md->signal, md->crashed_tid);
		printf("\nFiles:\n");
		print_files(r->dir, 0);
	}
	free(md);
	free(r);
	return 0;
}
