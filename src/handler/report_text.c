/* SPDX-License-Identifier: MIT */
/*
 * report_text.c - Report.wer (WER's Name=Value text) and
 * WERInternalMetadata.xml (docs/report.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture.h"
#include "crash_format.h"
#include "report_format.h"
#include "report_parts.h"

/* Text for a Name=Value line or XML: bytes outside printable ASCII and the
 * characters XML reserves are escaped (\xNN in Report.wer, where a
 * backslash is escaped too so that every escape reads one way; entities
 * or \xNN in XML). XML_UTF8 (2): text checked as UTF-8 without control
 * characters (a native metadata value) keeps its characters. */
enum { XML_UTF8 = 2 };
static void put_text(FILE *f, const char *s, size_t len, int xml)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (xml && c == '&')
			fputs("&amp;", f);
		else if (xml && c == '<')
			fputs("&lt;", f);
		else if (xml && c == '>')
			fputs("&gt;", f);
		else if (xml && c == '"')
			fputs("&quot;", f);
		else if (xml && c == '\'')
			fputs("&apos;", f);
		else if (!xml)
			wer_rw_escaped(f, (const char *)&c, 1);
		else if (c < 0x20 || (c > 0x7E && xml != XML_UTF8))
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
}

/* The command line with its NULs turned into spaces. */
static void put_cmdline(FILE *f, const struct wer_job *r, int xml)
{
	for (size_t i = 0; i < r->snap.cmdline_len;) {
		size_t n =
		    strnlen(r->snap.cmdline + i, r->snap.cmdline_len - i);

		if (i)
			fputc(' ', f);
		put_text(f, r->snap.cmdline + i, n, xml);
		i += n + 1;
	}
}

static const char *event_type(const struct wer_job *r)
{
	return r->live ? r->live->event_type : WER_RW_APPCRASH;
}

/* The live report's own fields: its type, texts and files. */
static void write_live_lines(FILE *f, const struct wer_job *r,
			     const struct wer_file_result *files)
{
	static const char *const types[] = {"NonCritical", "Critical",
					    "ApplicationCrash",
					    "ApplicationHang", "Kernel"};
	const struct wer_live_request *l = r->live;

	fprintf(f, "ReportType=%s\n", types[l->report_type]);
	if (l->friendly_name[0]) {
		fputs("FriendlyEventName=", f);
		put_text(f, l->friendly_name, strlen(l->friendly_name), 0);
		fputc('\n', f);
	}
	if (l->app_name[0]) {
		fputs("AppName=", f);
		put_text(f, l->app_name, strlen(l->app_name), 0);
		fputc('\n', f);
	}
	if (l->description[0]) {
		fputs("Description=", f);
		put_text(f, l->description, strlen(l->description), 0);
		fputc('\n', f);
	}
	fprintf(f, "DumpType=%u\n", l->dump_type);
	for (size_t i = 0; i < l->file_count; i++) {
		fprintf(f, "ReportFile[%zu].Path=", i);
		put_text(f, l->file[i].path, strlen(l->file[i].path), 0);
		fprintf(f,
			"\nReportFile[%zu].Type=%u\nReportFile[%zu].Flags=%u\n"
			"ReportFile[%zu].Copy=%s\nReportFile[%zu].Status=%s\n",
			i, l->file[i].type, i, l->file[i].flags, i,
			files[i].name, i, files[i].status);
	}
}

/* What killed it, in words: Name=Value lines, or XML elements. */
static void put_reason(FILE *f, const struct wer_job *r, int xml)
{
	const char *name[] = {WER_RW_ABORT_MESSAGE, WER_RW_EXCEPTION_TYPE,
			      WER_RW_EXCEPTION_MESSAGE, WER_RW_RERAISED};
	const char *value[] = {
	    r->snap.crash.abort_message, r->snap.crash.exception_type,
	    r->snap.crash.exception_message,
	    r->snap.crash.reraise_signo
		? wer__signal_name(r->snap.crash.reraise_signo)
		: ""};

	for (size_t i = 0; r->snap.have_crash && i < 4; i++) {
		if (!value[i][0])
			continue;
		fprintf(f, xml ? "    <%s>" : "%s=", name[i]);
		put_text(f, value[i], strlen(value[i]), xml);
		if (xml)
			fprintf(f, "</%s>\n", name[i]);
		else
			fputc('\n', f);
	}
}

/* Why the process did not stop its own threads, for Capture= (NULL when
 * it did, or nothing says). */
static const char *freeze_outcome(int outcome)
{
	switch (outcome) {
	case WER_FREEZE_OFF:
		return "the self-freezing capture is off here";
	case WER_FREEZE_RECOVERY:
		return "a recovery callback runs after the capture";
	case WER_FREEZE_CHAINED:
		return "the application's own handler runs after the capture";
	case WER_FREEZE_NO_SIGNAL:
		return "no signal has libwer's handler alone";
	case WER_FREEZE_BLOCKED:
		return "a thread blocks the signal that stops threads";
	case WER_FREEZE_STOPPED:
		return "a thread is stopped or traced";
	case WER_FREEZE_TIMEOUT:
		return "a thread did not stop in time";
	case WER_FREEZE_TOO_MANY:
		return "too many threads";
	case WER_FREEZE_FAILED:
		return "the process could not stop itself";
	case WER_FREEZE_INIT:
		return "the process is its namespace's init";
	default:
		return NULL;
	}
}

int wer__report_write_wer(int dir_fd, const struct wer_job *r,
			  const struct wer_signature *sig, int sig_count,
			  const char *id, const char *when,
			  const struct wer_file_result *files,
			  const struct wer_file_result *live_files)
{
	FILE *f = wer__report_create(dir_fd, "Report.wer");

	if (!f)
		return -errno;
	wer_rw_header(f, event_type(r), when, id);
	if (r->live)
		write_live_lines(f, r, live_files);
	for (int i = 0; i < sig_count; i++)
		wer_rw_sig(f, (size_t)i, sig[i].name, sig[i].value);
	for (size_t i = 0; i < r->snap.registry.meta_count; i++)
		wer_rw_meta(f, i, r->snap.registry.meta[i].key,
			    r->snap.registry.meta[i].value);
	if (r->snap.system.os_name[0])
		fprintf(f, "OsVersion=%s %s %s\n", r->snap.system.os_name,
			r->snap.system.os_release, r->snap.system.machine);
	wer_rw_line(f, WER_RW_APPLICATION_PATH, r->snap.exe);
	fputs("FaultModulePath=", f);
	if (r->snap.fault_module >= 0)
		put_text(f, r->snap.modules[r->snap.fault_module].path,
			 strlen(r->snap.modules[r->snap.fault_module].path), 0);
	fprintf(f,
		"\n" WER_RW_PROCESS_ID "=%d\n" WER_RW_THREAD_ID
		"=%d\n" WER_RW_THREAD_COUNT "=%zu\n" WER_RW_COMMAND_LINE "=",
		(int)r->snap.pid, (int)r->snap.tid,
		r->snap.have_threads ? r->snap.thread_count : (size_t)0);
	put_cmdline(f, r, 0);
	fputc('\n', f);
	put_reason(f, r, 0);
	for (size_t i = 0; i < r->snap.module_count; i++) {
		fprintf(f, "LoadedModule[%zu]=", i);
		put_text(f, r->snap.modules[i].path,
			 strlen(r->snap.modules[i].path), 0);
		fputc('\n', f);
	}
	for (size_t i = 0; i < r->snap.registry.file_count; i++) {
		fprintf(f, "File[%zu].Path=", i);
		put_text(f, r->snap.registry.file[i].path,
			 strlen(r->snap.registry.file[i].path), 0);
		fprintf(f,
			"\nFile[%zu].Type=%u\nFile[%zu].Flags=%u\n"
			"File[%zu].Copy=%s\nFile[%zu].Status=%s\n",
			i, r->snap.registry.file[i].type, i,
			r->snap.registry.file[i].flags, i, files[i].name, i,
			files[i].status);
	}
	for (size_t i = 0; i < r->snap.block_count; i++) {
		const struct wer_snapshot_range *b = &r->snap.registry.range[i];

		if (b->kind != WER_REG_RANGE_MEMORY)
			continue;
		fprintf(f, "MemoryBlock=0x%" PRIx64 ",%" PRIu64 ",%s\n",
			b->address, b->size,
			r->lean			? "no-space"
			: r->snap.block_data[i] ? "captured"
						: "unreadable");
	}
	if (r->snap.have_threads && !r->snap.seized)
		fprintf(f, "Degraded=%s\n", r->snap.problem);
	if (r->snap.have_crash && r->snap.stopped_by) {
		const char *why = freeze_outcome(r->snap.crash.freeze);

		fprintf(f, "Capture=%s%s%s%s\n", r->snap.stopped_by,
			why ? " (" : "", why ? why : "", why ? ")" : "");
	}
	if (r->privileged[0])
		fprintf(f, "Privileged=%s\n", r->privileged);
	if (r->caught_by)
		fprintf(f, "CaughtBy=%s\n", r->caught_by);
	if (r->exit_status[0])
		fprintf(f, "ExitStatus=%s\n", r->exit_status);
	if (r->snap.cgroup[0]) {
		fputs("Cgroup=", f);
		put_text(f, r->snap.cgroup, strlen(r->snap.cgroup), 0);
		fputc('\n', f);
	}
	if (r->snap.container[0])
		fprintf(f, "Container=%s\n", r->snap.container);
	if (r->app_version_source)
		fprintf(f, "ApplicationVersionSource=%s\n",
			r->app_version_source);
	if (r->snap.registry.unsettled || r->snap.registry.invalid)
		fprintf(f, "RegistryDistrusted=%zu unsettled, %zu invalid\n",
			r->snap.registry.unsettled, r->snap.registry.invalid);
	if (r->snap.missing[0])
		fprintf(f, "Missing=%s\n", r->snap.missing);
	if (r->have_unwind && r->unwind.problem[0])
		fprintf(f, "UnwindCut=%s\n", r->unwind.problem);
	/* What the process had more of than werfault takes. */
	{
		char threads[64] = "", stacks[64] = "";

		if (r->snap.have_threads &&
		    r->snap.threads_total > r->snap.thread_count)
			snprintf(threads, sizeof(threads),
				 "threads (%zu of %zu)", r->snap.thread_count,
				 r->snap.threads_total);
		if (r->snap.have_threads && r->snap.stacks_cut)
			snprintf(stacks, sizeof(stacks),
				 "%sstacks (%zu cut to fit %d MiB)",
				 threads[0] ? "," : "", r->snap.stacks_cut,
				 WER_CAPTURE_STACK_TOTAL / (1024 * 1024));
		if (threads[0] || stacks[0] || r->snap.truncated[0])
			fprintf(f, "Truncated=%s%s%s%s\n", threads, stacks,
				(threads[0] || stacks[0]) &&
					r->snap.truncated[0]
				    ? ","
				    : "",
				r->snap.truncated);
	}
	/* How often this signature crashed in the throttling window; a
	 * throttled report keeps no dump (WER_E_DUMP_THROTTLED). */
	if (r->signature_count)
		fprintf(f, "SignatureCount=%ld\n", r->signature_count);
	if (r->throttled)
		fprintf(f, "DumpThrottled=1\n");
	fprintf(f, "ReportEnvironment=%s\n",
		r->settings.number[WER_SET_REPORT_ENV] ? "full" : "scrubbed");
	if (r->snap.scrubbed_env || r->snap.scrubbed_args)
		fprintf(f, "Scrubbed=%zu environment values, %zu arguments\n",
			r->snap.scrubbed_env, r->snap.scrubbed_args);
	/* full: every readable mapping's memory is in the dump; `wer submit`
	 * sends such a dump only at ConsentLevel 4, whatever was scrubbed. */
	if (!r->throttled)
		fprintf(f, "DumpType=%s\n",
			r->snap.full.count ? "full" : "mini");
	return wer__report_close(f);
}

int wer__report_write_xml(int dir_fd, const struct wer_job *r,
			  const struct wer_signature *sig, int sig_count,
			  const char *when)
{
	FILE *f = wer__report_create(dir_fd, "WERInternalMetadata.xml");

	if (!f)
		return -errno;
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	      "<WERReportMetadata>\n  <ProblemSignatures>\n"
	      "    <EventType>",
	      f);
	put_text(f, event_type(r), strlen(event_type(r)), 1);
	fputs("</EventType>\n", f);
	for (int i = 0; i < sig_count; i++) {
		fprintf(f, "    <Parameter%d name=\"", i);
		put_text(f, sig[i].name, strlen(sig[i].name), 1);
		fputs("\">", f);
		put_text(f, sig[i].value, strlen(sig[i].value), 1);
		fprintf(f, "</Parameter%d>\n", i);
	}
	fprintf(f,
		"  </ProblemSignatures>\n  <EventTime>%s</EventTime>\n"
		"  <ProcessInformation>\n    <Pid>%d</Pid>\n"
		"    <Tid>%d</Tid>\n    <ImageName>",
		when, (int)r->snap.pid, (int)r->snap.tid);
	put_text(f, r->snap.exe, strlen(r->snap.exe), 1);
	fputs("</ImageName>\n    <CmdLine>", f);
	put_cmdline(f, r, 1);
	fputs("</CmdLine>\n", f);
	put_reason(f, r, 1);
	fputs("  </ProcessInformation>\n  <CustomMetadata>\n", f);
	/* Keys were validated as XML names (registry_read.c): safe as
	 * element names. */
	for (size_t i = 0; i < r->snap.registry.meta_count; i++) {
		fprintf(f, "    <%s>", r->snap.registry.meta[i].key);
		put_text(f, r->snap.registry.meta[i].value,
			 strlen(r->snap.registry.meta[i].value), XML_UTF8);
		fprintf(f, "</%s>\n", r->snap.registry.meta[i].key);
	}
	fputs("  </CustomMetadata>\n</WERReportMetadata>\n", f);
	return wer__report_close(f);
}
