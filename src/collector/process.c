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
#include "store.h"

/* Copies s into out, control characters (tabs, newlines) as '?'. */
static void copy_clean(char *out, size_t size, const char *s)
{
	size_t n = 0;

	for (; *s && n + 1 < size; s++)
		out[n++] = (unsigned char)*s < 0x20 ? '?' : *s;
	out[n] = '\0';
}

static const char *base_name(const char *path)
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

void wer__process_signature(struct wer_processed *p)
{
	uint64_t h = WER_FNV1A_BASIS;

	for (size_t i = 0; i < p->frame_count && i < WER_COLLECTOR_FRAMES;
	     i++) {
		const struct wer_stored_frame *f = &p->frames[i];
		char name[64 + sizeof(f->function)];

		if (f->function[0]) {
			/* The function without its offset or source line:
			 * the same crash in a rebuilt binary hashes alike. */
			size_t n = strcspn(f->function, "+ ");

			snprintf(name, sizeof(name), "%s!%.*s", f->module,
				 (int)n, f->function);
		} else {
			snprintf(name, sizeof(name), "%s+0x%" PRIx64, f->module,
				 f->offset);
		}
		h = wer_fnv1a(h, name, strlen(name));
		h = wer_fnv1a(h, "\n", 1);
	}
	snprintf(p->stack_hash, sizeof(p->stack_hash), "%016" PRIx64, h);
	snprintf(p->signature, sizeof(p->signature), "%s | %s | %s+%s | %s",
		 p->app, p->version, p->module, p->module_offset,
		 p->stack_hash);
}

/* Names the frames with the project's symbols, then the signature. */
static void name_and_sign(struct wer_collector *c, const char *project,
			  struct wer_processed *p)
{
	struct wer_processed *const one[1] = {p};

	wer__symbolize_frames(c, project, one, 1);
	wer__process_signature(p);
}

int wer__frames_format(const struct wer_processed *p, struct wer_buf *out)
{
	for (size_t i = 0; i < p->frame_count; i++)
		wer_buf_printf(out, "%s\t%s\t0x%" PRIx64 "\t%s\n",
			       p->frames[i].module, p->frames[i].build_id,
			       p->frames[i].offset, p->frames[i].function);
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
		char *fields[4] = {0}, *s = buf;

		if ((size_t)n >= sizeof(buf) || n == 0)
			continue;
		memcpy(buf, line, (size_t)n);
		buf[n] = '\0';
		for (int k = 0; k < 4 && s; k++) {
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
		p->frame_count++;
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
	struct wer_report_info *info = malloc(sizeof(*info));
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
	copy_clean(ret->app, sizeof(ret->app),
		   prod && *prod ? prod
				 : wer_report_sig(info, "Application Name"));
	v = ver && *ver ? ver : wer_report_sig(info, "Application Version");
	copy_clean(ret->version, sizeof(ret->version), *v ? v : "unknown");
	v = wer_report_sig(info, "Fault Module Name");
	copy_clean(ret->module, sizeof(ret->module), *v ? v : "unknown");
	v = wer_report_sig(info, "Fault Offset");
	copy_clean(ret->module_offset, sizeof(ret->module_offset),
		   *v ? v : "0x0");
	copy_clean(ret->build_id, sizeof(ret->build_id),
		   wer_report_sig(info, "Fault Module Build ID"));
	v = wer_report_sig(info, "Fault Address");
	copy_clean(ret->fault_address, sizeof(ret->fault_address),
		   *v ? v : "0x0");
	/* "SIGSEGV (11)" */
	v = strchr(wer_report_sig(info, "Signal"), '(');
	ret->signal = v ? number_or_0(v + 1, ')') : 0;
	ret->signal_code =
	    number_or_0(wer_report_sig(info, "Signal Code"), '\0');
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
		 struct wer_processed *ret, char *err, size_t err_size)
{
	struct wer_md_facts *facts = malloc(sizeof(*facts));
	struct wer_md_stack stack;
	struct wer_report_info *info = NULL;
	const char *wer_app = "", *wer_ver = "";
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
	if (report_wer && (info = malloc(sizeof(*info))) &&
	    wer_report_parse(report_wer, report_wer_len, info) == 0) {
		wer_app = wer_report_sig(info, "Application Name");
		wer_ver = wer_report_sig(info, "Application Version");
	}
	if (prod && *prod)
		copy_clean(ret->app, sizeof(ret->app), prod);
	else if (*wer_app)
		copy_clean(ret->app, sizeof(ret->app), wer_app);
	else if (facts->module_count)
		copy_clean(ret->app, sizeof(ret->app),
			   base_name(facts->modules[0].name));
	else
		snprintf(ret->app, sizeof(ret->app), "unknown");
	if (ver && *ver)
		copy_clean(ret->version, sizeof(ret->version), ver);
	else if (*wer_ver)
		copy_clean(ret->version, sizeof(ret->version), wer_ver);
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
	wer_minidump_crashed_stack(dump, size, facts, &stack);
	for (uint32_t i = 0; i < stack.count; i++) {
		const struct wer_md_module *m =
		    &facts->modules[stack.module[i]];
		struct wer_stored_frame *f = &ret->frames[ret->frame_count++];

		copy_clean(f->module, sizeof(f->module), base_name(m->name));
		copy_clean(f->build_id, sizeof(f->build_id), m->build_id);
		f->offset = stack.pc[i] - m->base;
		if (i == 0 && stack.pc[0] == facts->crashed_pc) {
			snprintf(ret->module, sizeof(ret->module), "%s",
				 f->module);
			snprintf(ret->build_id, sizeof(ret->build_id), "%s",
				 f->build_id);
			snprintf(ret->module_offset, sizeof(ret->module_offset),
				 "0x%" PRIx64, f->offset);
		}
	}
	free(facts);
	name_and_sign(c, project, ret);
	return 0;
}
