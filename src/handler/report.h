/* SPDX-License-Identifier: MIT */
/*
 * report.h - the report writer: from a snapshot, and what werfault made of
 * it, to a report directory in the store (docs/report.md). Its parts:
 * signature.c (WER's bucketing signature), report_text.c (Report.wer and
 * WERInternalMetadata.xml), report_files.c (stack.txt, memory blocks,
 * copies of registered files), throttle.c (identical crashes), publish.c
 * (staging, naming, the atomic rename into the queue).
 */
#ifndef WER_REPORT_H
#define WER_REPORT_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "live_format.h"
#include "settings.h"
#include "snapshot.h"
#include "store.h"
#include "unwind.h"

/* werfault's job: one report from one snapshot. The snapshot holds the
 * facts; the rest is what werfault decides about them (the settings,
 * who may read the report, the version it names, what the unwinder made
 * of the stacks, the throttle's count) and where the report goes. */
struct wer_job {
	struct wer_snapshot snap;
	/* A report without a crash (werfault --live): the request the
	 * process made, checked (live.c); NULL for a crash. */
	const struct wer_live_request *live;
	struct wer_settings settings;
	struct wer_store store; /* opened when first needed; fd -1 before */
	/* Why only root may read this report (Privileged= in Report.wer,
	 * docs/security.md); "" when the process's user may. */
	char privileged[256];
	/* "kernel": the system mode's report, from the core the kernel
	 * piped (NULL: libwer's handler or a core file). */
	const char *caught_by;
	/* The kernel's facts of the process's end (ExitStatus=); "" none. */
	char exit_status[160];
	/* Sig[1], and where it came from (app_version.h's names; NULL:
	 * unknown). */
	char app_version[129];
	const char *app_version_source;
	int have_unwind;
	struct wer_unwind unwind;
	long signature_count; /* crashes of this signature in the window */
	int throttled;	      /* DumpCount reached: no minidump */
	int lean; /* the store was full: no minidump, blocks or copies */
	/* The settings include the application's own (wer_set_report_
	 * setting): AppSettings.wer keeps them with the report. */
	int code_applied;
	int code_store; /* and the store is the one it chose */
};

/* Makes zeroed memory (calloc's) a new job: its snapshot empty, its
 * store not open. */
void wer__job_init(struct wer_job *j);
void wer__job_free(struct wer_job *j);

/* Writes the report directory of j atomically into the store; its final
 * path goes into path. Returns 0 or a negative errno. */
int wer__report_write(struct wer_job *j, char *path, size_t size);

/* Write parts of the report ahead of wer__report_write, into its
 * directory in staging, while the unwinder runs: _prepare those that need
 * neither stack nor signature (the files' copies, the memory blocks, the
 * minidump but its module list), fsynced, as soon as the unwinder is
 * started; _begin the signature, the throttle's verdict and the
 * minidump's module list (or its removal, throttled), once the unwinder
 * has named the modules. Nothing is visible in the queue until
 * wer__report_write renames the whole; a failure here is met again there. */
void wer__report_prepare(struct wer_job *j);
void wer__report_begin(struct wer_job *j);

/* live.c: reads and checks the request of a live report at address.
 * Returns 0 and fills *ret, or a negative errno (-EBADMSG: malformed). */
int wer__live_request_read(pid_t pid, uint64_t address,
			   struct wer_live_request *ret);

/* aftermath.c: what happens once the report of a crash is in the store.
 * The recovery outcome as werfault heard it on the crash path's socket. */
enum wer_recovery_outcome {
	WER_RECOVERY_NONE,	    /* no recovery callback ran */
	WER_RECOVERY_DONE_OK,	    /* ApplicationRecoveryFinished(TRUE) */
	WER_RECOVERY_DONE_FAILED,   /* ApplicationRecoveryFinished(FALSE) */
	WER_RECOVERY_DONE_RETURNED, /* the callback returned */
	WER_RECOVERY_DONE_TIMEOUT,  /* a ping was missed */
	WER_RECOVERY_DONE_CRASHED,  /* a thread crashed during recovery */
	WER_RECOVERY_DONE_UNKNOWN,  /* it started; the process died first */
};

/* Reads the crash path's socket to its end: whether recovery ran and how
 * it ended. */
enum wer_recovery_outcome wer__recovery_outcome(int fd);

/* Starts the application again if it registered a restart, the flags
 * allow it, and it had run long enough; waits (pidfd, capped) until the
 * crashed process is gone first. Writes what happened into what (e.g.
 * "started pid 123", "skipped: ran 3 s, less than 60"), "" when no
 * restart was registered. */
void wer__restart(const struct wer_job *j, int pidfd, char *what, size_t size);

/* Adds Name=Value lines to Report.wer of the finished report id (in the
 * queue, or the archive if `wer submit` moved it meanwhile), replacing it
 * atomically (a new file, fsync, rename) under the store's lock. Returns
 * 0 or a negative errno. */
int wer__report_amend(struct wer_job *j, const char *id, const char *lines);

#endif /* WER_REPORT_H */
