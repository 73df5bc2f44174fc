/* SPDX-License-Identifier: MIT */
/*
 * process.c - from an uploaded minidump to a bucket signature.
 *
 * WER buckets a crash by application, version, fault module and offset
 * in it. The collector adds a hash of the crashed thread's top frames
 * (WER_COLLECTOR_FRAMES of them), each as "module!function" where the
 * report's project uploaded symbols for the module's build id, else
 * "module+0xoffset" (which is the same on every machine: ASLR moves
 * modules, not offsets).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector.h"
#include "hash.h"
#include "minidump_read.h"
#include "stack_text.h"
#include "store.h"
#include "text.h"

/* Copies s into out, control characters (tabs, newlines) as '?'. */
void wer__copy_clean(char *out, size_t size, const char *s)
{
	size_t n = 0;

	for (; *s && n + 1 < size; s++)
		out[n++] = (unsigned char)*s < 0x20 ? '?' : *s;
	out[n] = '\0';
}

const char *wer__base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* The decimal number s starts with, if end follows it; else 0 (a
 * report's "Signal=SIGSEGV (11)" and "Signal Code=1"). */
static long number_or_0(const char *s, char end)
{
	char *after;
	long n;

	errno = 0;
	n = strtol(s, &after, 10);
	return errno || after == s || *after != end ? 0 : n;
}

/* Names the frames with the project's symbols, then the signature. */
static void name_and_sign(struct wer_collector *c, const char *project,
			  struct wer_processed *p)
{
	struct wer_processed *const one[1] = {p};

	wer__symbolize_frames(c, project, one, 1);
	wer__process_signature(&c->skip, p);
}

int wer__frames_format(const struct wer_processed *p, struct wer_buf *out)
{
	for (size_t i = 0; i < p->frame_count; i++) {
		const struct wer_stored_frame *f = &p->frames[i];

		wer_buf_printf(out, "%s\t%s\t0x%" PRIx64 "\t%s\t%s%s%s\t%s\n",
			       f->module, f->build_id, f->offset, f->function,
			       f->inlined ? "i" : "", f->scanned ? "s" : "",
			       f->walked ? "w" : "", f->client);
	}
	return out->failed ? -ENOMEM : 0;
}

void wer__frames_parse(const char *text, struct wer_processed *p)
{
	size_t at = 0, len = strlen(text);
	const char *line;
	long n;

	p->frame_count = 0;
	while ((n = wer_text_line(text, len, &at, &line)) >= 0 &&
	       p->frame_count < sizeof(p->frames) / sizeof(p->frames[0])) {
		struct wer_stored_frame *f = &p->frames[p->frame_count];
		char buf[1024];
		char *fields[6] = {0}, *s = buf;

		if ((size_t)n >= sizeof(buf) || n == 0)
			continue;
		memcpy(buf, line, (size_t)n);
		buf[n] = '\0';
		for (int k = 0; k < 6 && s; k++) {
			fields[k] = s;
			s = strchr(s, '\t');
			if (s)
				*s++ = '\0';
		}
		if (!fields[2])
			continue;
		memset(f, 0, sizeof(*f));
		snprintf(f->module, sizeof(f->module), "%s", fields[0]);
		snprintf(f->build_id, sizeof(f->build_id), "%s", fields[1]);
		f->offset = strtoull(fields[2], NULL, 16);
		if (fields[3])
			snprintf(f->function, sizeof(f->function), "%s",
				 fields[3]);
		if (fields[4]) {
			f->inlined = strchr(fields[4], 'i') != NULL;
			f->scanned = strchr(fields[4], 's') != NULL;
			f->walked = strchr(fields[4], 'w') != NULL;
		}
		if (fields[5])
			snprintf(f->client, sizeof(f->client), "%s", fields[5]);
		p->frame_count++;
	}
}

/* The dump's module that holds pc, or NULL. */
static const struct wer_md_module *module_at(const struct wer_md_facts *facts,
					     uint64_t pc)
{
	int i = wer_md_module_of(facts, pc);

	return i < 0 ? NULL : &facts->modules[i];
}

/* The crashed thread's frames as the client's unwinder found them
 * (stack.txt: werfault walks every stack with call frame information),
 * each placed in the dump's module that holds its pc; the client's
 * function names are kept beside. Returns how many; 0 when the text has
 * no crashed thread with frames. */
static size_t client_frames(const char *text, const struct wer_md_facts *facts,
			    struct wer_processed *p)
{
	size_t at = 0, len = strlen(text),
	       max = sizeof(p->frames) / sizeof(p->frames[0]);
	const char *line;
	long n;
	int in_thread = 0;

	while ((n = wer_text_line(text, len, &at, &line)) >= 0 &&
	       p->frame_count < max) {
		struct wer_stack_frame_line l;
		struct wer_stored_frame *f = &p->frames[p->frame_count];
		const struct wer_md_module *m;
		char buf[2048];
		int crashed;

		if ((size_t)n >= sizeof(buf))
			continue;
		memcpy(buf, line, (size_t)n);
		buf[n] = '\0';
		if (wer_stack_thread_header(buf, &crashed)) {
			/* The crashed thread is the first, when there is
			 * one; the next header ends it. */
			if (in_thread || !crashed)
				break;
			in_thread = 1;
			continue;
		}
		if (!in_thread || wer_stack_frame_parse(buf, &l) < 0)
			continue;
		memset(f, 0, sizeof(*f));
		if ((m = module_at(facts, l.pc))) {
			wer__copy_clean(f->module, sizeof(f->module),
					wer__base_name(m->name));
			wer__copy_clean(f->build_id, sizeof(f->build_id),
					m->build_id);
			f->offset = l.pc - m->base;
		} else if (l.module.s && l.have_module_offset) {
			snprintf(f->module, sizeof(f->module), "%.*s",
				 (int)l.module.len, l.module.s);
			wer__copy_clean(f->module, sizeof(f->module),
					f->module);
			f->offset = l.module_offset;
		} else {
			f->offset = l.pc;
		}
		if (l.function.s) {
			snprintf(f->client, sizeof(f->client), "%.*s",
				 (int)l.function.len, l.function.s);
			wer__copy_clean(f->client, sizeof(f->client),
					f->client);
		}
		f->inlined = l.inlined;
		p->frame_count++;
	}
	return p->frame_count;
}

/* What killed it, in words: Report.wer's, else the dump's annotations. */
static void take_reason(const struct wer_report_info *info,
			const struct wer_md_facts *facts,
			struct wer_processed *p)
{
	static const char *const keys[] = {"openwer:exception_type",
					   "openwer:abort_message"};

	if (info && info->exception_type[0]) {
		wer__copy_clean(p->reason, sizeof(p->reason),
				info->exception_type);
		return;
	}
	if (info && info->abort_message[0]) {
		wer__copy_clean(p->reason, sizeof(p->reason),
				info->abort_message);
		return;
	}
	for (size_t k = 0; facts && k < 2; k++)
		for (uint32_t i = 0;
		     i < facts->annotation_count && i < WER_MD_ANNOTATIONS_MAX;
		     i++)
			if (!strcmp(facts->annotations[i].key, keys[k])) {
				wer__copy_clean(p->reason, sizeof(p->reason),
						facts->annotations[i].value);
				return;
			}
}

/* A report sent without a minidump (wer submit at ConsentLevel 2): its
 * signature parameters from Report.wer are all there is. */
static int process_parameters(struct wer_collector *c, const char *project,
			      const char *prod, const char *ver,
			      const char *text, size_t len,
			      struct wer_processed *ret, char *err,
			      size_t err_size)
{
	struct wer_report_info *info = calloc(1, sizeof(*info));
	const char *v;

	if (!info)
		return -ENOMEM;
	if (wer_report_parse(text, len, info) < 0 ||
	    !*wer_report_sig(info, "Application Name")) {
		snprintf(err, err_size,
			 "no upload_file_minidump, and Report.wer has no "
			 "signature to bucket by");
		free(info);
		return -EBADMSG;
	}
	wer__copy_clean(
	    ret->app, sizeof(ret->app),
	    prod && *prod ? prod : wer_report_sig(info, "Application Name"));
	v = ver && *ver ? ver : wer_report_sig(info, "Application Version");
	wer__copy_clean(ret->version, sizeof(ret->version), *v ? v : "unknown");
	v = wer_report_sig(info, "Fault Module Name");
	wer__copy_clean(ret->module, sizeof(ret->module), *v ? v : "unknown");
	v = wer_report_sig(info, "Fault Offset");
	wer__copy_clean(ret->module_offset, sizeof(ret->module_offset),
			*v ? v : "0x0");
	wer__copy_clean(ret->build_id, sizeof(ret->build_id),
			wer_report_sig(info, "Fault Module Build ID"));
	v = wer_report_sig(info, "Fault Address");
	wer__copy_clean(ret->fault_address, sizeof(ret->fault_address),
			*v ? v : "0x0");
	/* "SIGSEGV (11)" */
	v = strchr(wer_report_sig(info, "Signal"), '(');
	ret->signal = v ? number_or_0(v + 1, ')') : 0;
	ret->signal_code =
	    number_or_0(wer_report_sig(info, "Signal Code"), '\0');
	take_reason(info, NULL, ret);
	free(info);
	/* One frame, the fault, so that symbols name it too. */
	if (ret->build_id[0]) {
		struct wer_stored_frame *f = &ret->frames[0];

		snprintf(f->module, sizeof(f->module), "%s", ret->module);
		snprintf(f->build_id, sizeof(f->build_id), "%s", ret->build_id);
		f->offset = strtoull(ret->module_offset, NULL, 16);
		ret->frame_count = 1;
	}
	name_and_sign(c, project, ret);
	return 0;
}

int wer__process(struct wer_collector *c, const char *project,
		 const uint8_t *dump, size_t size, const char *prod,
		 const char *ver, const char *report_wer, size_t report_wer_len,
		 const char *stack_text, struct wer_processed *ret, char *err,
		 size_t err_size)
{
	struct wer_md_facts *facts = malloc(sizeof(*facts));
	struct wer_md_stack stack;
	struct wer_report_info *info = NULL;
	const char *wer_app = "", *wer_ver = "";
	char walk_why[256];
	int r;

	if (!facts)
		return -ENOMEM;
	memset(ret, 0, sizeof(*ret));
	if (!dump) {
		free(facts);
		if (!report_wer) {
			snprintf(err, err_size,
				 "no upload_file_minidump part (and no "
				 "Report.wer to bucket by)");
			return -EBADMSG;
		}
		return process_parameters(c, project, prod, ver, report_wer,
					  report_wer_len, ret, err, err_size);
	}
	r = wer_minidump_facts(dump, size, facts);
	if (r < 0 || !facts->stream_count) {
		snprintf(err, err_size,
			 "upload_file_minidump is not a readable minidump");
		free(facts);
		return -EBADMSG;
	}
	if (report_wer && (info = calloc(1, sizeof(*info))) &&
	    wer_report_parse(report_wer, report_wer_len, info) == 0) {
		wer_app = wer_report_sig(info, "Application Name");
		wer_ver = wer_report_sig(info, "Application Version");
	} else {
		free(info);
		info = NULL;
	}
	take_reason(info, facts, ret);
	if (prod && *prod)
		wer__copy_clean(ret->app, sizeof(ret->app), prod);
	else if (*wer_app)
		wer__copy_clean(ret->app, sizeof(ret->app), wer_app);
	else if (facts->module_count)
		wer__copy_clean(ret->app, sizeof(ret->app),
				wer__base_name(facts->modules[0].name));
	else
		snprintf(ret->app, sizeof(ret->app), "unknown");
	if (ver && *ver)
		wer__copy_clean(ret->version, sizeof(ret->version), ver);
	else if (*wer_ver)
		wer__copy_clean(ret->version, sizeof(ret->version), wer_ver);
	else
		snprintf(ret->version, sizeof(ret->version), "unknown");
	free(info);
	ret->signal = facts->have_exception ? (long)facts->signal : 0;
	ret->signal_code = facts->have_exception ? (long)facts->code : 0;
	snprintf(ret->fault_address, sizeof(ret->fault_address), "0x%" PRIx64,
		 facts->address);
	snprintf(ret->module, sizeof(ret->module), "unknown");
	snprintf(ret->module_offset, sizeof(ret->module_offset), "0x%" PRIx64,
		 facts->crashed_pc);
	/* The fault, WER's parameters: the exception's pc. */
	{
		const struct wer_md_module *m =
		    module_at(facts, facts->crashed_pc);

		if (m) {
			wer__copy_clean(ret->module, sizeof(ret->module),
					wer__base_name(m->name));
			wer__copy_clean(ret->build_id, sizeof(ret->build_id),
					m->build_id);
			snprintf(ret->module_offset, sizeof(ret->module_offset),
				 "0x%" PRIx64, facts->crashed_pc - m->base);
		}
	}
	/* The stack: the client's unwinding where it sent it (werfault
	 * walked it with the very files the process ran), else the
	 * collector's walk with the ELF files uploaded, else the dump's stack
	 * scanned (each frame after the first marked). */
	if ((!stack_text || !client_frames(stack_text, facts, ret)) &&
	    wer__walk_stack(c, project, dump, size, facts, ret, walk_why,
			    sizeof(walk_why)) < 0) {
		if (walk_why[0])
			fprintf(stderr,
				"wer-collector: project %s: the stack walk "
				"gave up (%s): the stack is scanned\n",
				project, walk_why);
		wer_minidump_crashed_stack(dump, size, facts, &stack);
		for (uint32_t i = 0; i < stack.count; i++) {
			const struct wer_md_module *m =
			    &facts->modules[stack.module[i]];
			struct wer_stored_frame *f =
			    &ret->frames[ret->frame_count++];

			wer__copy_clean(f->module, sizeof(f->module),
					wer__base_name(m->name));
			wer__copy_clean(f->build_id, sizeof(f->build_id),
					m->build_id);
			f->offset = stack.pc[i] - m->base;
			f->scanned = i > 0 || stack.pc[0] != facts->crashed_pc;
		}
	}
	free(facts);
	name_and_sign(c, project, ret);
	return 0;
}
