/* SPDX-License-Identifier: MIT */
/*
 * report_format.h - Report.wer: its keys, its signature's slots, and its
 * one writer (the reader is store.c's wer_report_parse). werfault writes
 * reports with it, `wer submit` the parameters it sends at ConsentLevel
 * 2, the crash path takes its keys (docs/report.md).
 *
 * A line is Name=Value. Values from outside (paths, the command line,
 * signature values) are written escaped: bytes outside printable ASCII,
 * and the backslash, as \xNN. Custom metadata follow the contract's rules
 * (keys XML names, values printable ASCII) and are written as they are.
 */
#ifndef WER_REPORT_FORMAT_H
#define WER_REPORT_FORMAT_H

#include <stddef.h>
#include <stdio.h>

#define WER_RW_VERSION		 "Version"
#define WER_RW_EVENT_TYPE	 "EventType"
#define WER_RW_EVENT_TIME	 "EventTime"
#define WER_RW_REPORT_ID	 "ReportIdentifier"
#define WER_RW_PROCESS_ID	 "ProcessId"
#define WER_RW_THREAD_ID	 "ThreadId"
#define WER_RW_THREAD_COUNT	 "ThreadCount"
#define WER_RW_APPLICATION_PATH	 "ApplicationPath"
#define WER_RW_COMMAND_LINE	 "CommandLine"
#define WER_RW_DEGRADED		 "Degraded"
#define WER_RW_DUMP_TYPE	 "DumpType"
#define WER_RW_ABORT_MESSAGE	 "AbortMessage"	    /* glibc's, at SIGABRT */
#define WER_RW_EXCEPTION_TYPE	 "ExceptionType"    /* uncaught C++ one's */
#define WER_RW_EXCEPTION_MESSAGE "ExceptionMessage" /* its what() */
#define WER_RW_RERAISED		 "ReRaised" /* the signal a handler raised */
#define WER_RW_SIG		 "Sig"	    /* Sig[n].Name, Sig[n].Value */
#define WER_RW_META		 "CustomMetadata" /* CustomMetadata[n].Key/.Value */

/* The event type of a crash. */
#define WER_RW_APPCRASH "APPCRASH"

/* A crash's signature: WER's bucketing parameters, Sig[0..8]. */
enum wer_sig_slot {
	WER_SIG_APP_NAME,
	WER_SIG_APP_VERSION,
	WER_SIG_APP_BUILD_ID,
	WER_SIG_FAULT_MODULE,
	WER_SIG_FAULT_MODULE_BUILD_ID,
	WER_SIG_SIGNAL,
	WER_SIG_SIGNAL_CODE,
	WER_SIG_FAULT_ADDRESS,
	WER_SIG_FAULT_OFFSET,
	WER_SIG_COUNT
};

/* Their names, as Sig[n].Name says them. */
#define WER_SIG_NAME_APP_NAME		   "Application Name"
#define WER_SIG_NAME_APP_VERSION	   "Application Version"
#define WER_SIG_NAME_APP_BUILD_ID	   "Application Build ID"
#define WER_SIG_NAME_FAULT_MODULE	   "Fault Module Name"
#define WER_SIG_NAME_FAULT_MODULE_BUILD_ID "Fault Module Build ID"
#define WER_SIG_NAME_SIGNAL		   "Signal"
#define WER_SIG_NAME_SIGNAL_CODE	   "Signal Code"
#define WER_SIG_NAME_FAULT_ADDRESS	   "Fault Address"
#define WER_SIG_NAME_FAULT_OFFSET	   "Fault Offset"

extern const char *const wer_sig_names[WER_SIG_COUNT];

/* After them, Sig[9], only where an uncaught C++ exception killed the
 * program: its type, demangled ("std::runtime_error"), so that crashes
 * of one throw site but different exceptions are different buckets. */
#define WER_SIG_EXCEPTION_TYPE	    WER_SIG_COUNT
#define WER_SIG_NAME_EXCEPTION_TYPE "Exception Type"

/* A value, escaped as the format's rule says (\xNN). */
void wer_rw_escaped(FILE *f, const char *value, size_t len);

/* The first lines: Version, EventType, EventTime, ReportIdentifier. */
void wer_rw_header(FILE *f, const char *event_type, const char *event_time,
		   const char *id);

/* key=value, the value escaped. */
void wer_rw_line(FILE *f, const char *key, const char *value);

/* Sig[i].Name=name, Sig[i].Value=value (escaped). */
void wer_rw_sig(FILE *f, size_t i, const char *name, const char *value);

/* CustomMetadata[i].Key=key, CustomMetadata[i].Value=value. */
void wer_rw_meta(FILE *f, size_t i, const char *key, const char *value);

#endif /* WER_REPORT_FORMAT_H */
