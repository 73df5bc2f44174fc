/* SPDX-License-Identifier: MIT */
/*
 * live_format.h - what a process hands werfault when it files a report
 * without a crash (WerReportSubmit, wer_report_now): one request, in the
 * process's heap, that werfault reads with process_vm_readv at the address
 * on its command line (--request) while the submitting thread waits. Like
 * the crash area, its bytes are untrusted: werfault checks every length and
 * terminator.
 */
#ifndef WER_LIVE_FORMAT_H
#define WER_LIVE_FORMAT_H

#include <stdint.h>

#define WER_LIVE_MAGIC	 "OWERLIV\0"
#define WER_LIVE_VERSION 1

#define WER_LIVE_PARAMS	     10	       /* WER_MAX_PARAM_COUNT */
#define WER_LIVE_FILES	     32	       /* WER_MAX_REPORT_FILES */
#define WER_LIVE_EVENT_BYTES 64	       /* printable ASCII */
#define WER_LIVE_PARAM_BYTES (260 * 4) /* WER_MAX_PARAM_LENGTH characters */
#define WER_LIVE_TEXT_BYTES                                                    \
	(512 * 4) /* friendly name, app name, description                      \
		   */
#define WER_LIVE_PATH_BYTES 4095

/* wer_live_request.flags (WER_SUBMIT_ADD_REGISTERED_DATA is 16) */
#define WER_LIVE_REGISTERED_DATA 16u

struct wer_live_param {
	char name[WER_LIVE_PARAM_BYTES + 1];  /* UTF-8, NUL terminated */
	char value[WER_LIVE_PARAM_BYTES + 1]; /* "" when not set */
	uint8_t set;
};

struct wer_live_file {
	uint32_t type, flags;		    /* WER_FILE_TYPE, WER_FILE_* */
	char path[WER_LIVE_PATH_BYTES + 1]; /* absolute */
};

struct wer_live_request {
	char magic[8];
	uint32_t version;
	uint32_t size;	      /* sizeof(struct wer_live_request) */
	int32_t pid, tid;     /* the process, and the submitting thread */
	uint32_t report_type; /* WER_REPORT_TYPE */
	uint32_t flags;	      /* WER_SUBMIT_* */
	uint32_t dump_type;   /* WER_DUMP_TYPE; 0 = no dump */
	uint32_t dump_flags;  /* WER_DUMP_* */
	uint64_t registry;    /* address of the registry block */
	uint64_t time_ns;     /* CLOCK_REALTIME at submission */
	char event_type[WER_LIVE_EVENT_BYTES + 1];
	char friendly_name[WER_LIVE_TEXT_BYTES + 1];
	char app_name[WER_LIVE_TEXT_BYTES + 1];
	char description[WER_LIVE_TEXT_BYTES + 1];
	struct wer_live_param param[WER_LIVE_PARAMS];
	uint32_t file_count;
	struct wer_live_file file[WER_LIVE_FILES];
};

/* What werfault answers on the socket once the report is handled. */
#define WER_LIVE_QUEUED	  'q'
#define WER_LIVE_DISABLED 'D'
#define WER_LIVE_FAILED	  'x'

#endif /* WER_LIVE_FORMAT_H */
