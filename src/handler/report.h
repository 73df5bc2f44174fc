/* SPDX-License-Identifier: MIT */
/*
 * report.h - what werfault gathers about a crashed process, and the writer
 * of the report directory (Report.wer, WERInternalMetadata.xml); the format
 * is docs/report.md.
 */
#ifndef WER_REPORT_H
#define WER_REPORT_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "capture.h"
#include "crash_format.h"
#include "dso_debug.h"
#include "live_format.h"
#include "registry_read.h"
#include "settings.h"
#include "store.h"
#include "unwind.h"

#define WER_REPORT_CMDLINE_MAX (64 * 1024)
#define WER_REPORT_MAPS_MAX    (8 * 1024 * 1024)
#define WER_REPORT_MODULES_MAX 1024
#define WER_REPORT_FILE_MAX    (4 * 1024 * 1024) /* bytes of one copied file */
#define WER_REPORT_PROC_TEXT_MAX                                               \
	(256 * 1024) /* status, stat, auxv, environ                            \
		      */

struct wer_module {
	uint64_t base, end;
	char path[PATH_MAX];
};

struct wer_report {
	pid_t pid, tid;
	/* Why only root may read this report (Privileged= in Report.wer,
	 * docs/security.md); "" when the process's user may. */
	char privileged[256];
	/* Sig[1], and where it came from (app_version.h's names; NULL:
	 * unknown). */
	char app_version[129];
	const char *app_version_source;
	int have_crash, have_registry;
	/* A report without a crash (werfault --live): the request the
	 * process made, checked (live.c); NULL for a crash. */
	const struct wer_live_request *live;
	char cwd[PATH_MAX]; /* /proc/PID/cwd, "" when unreadable */
	long uptime_s;	    /* how long the process had run; -1 unknown */
	struct wer_crash_area crash;
	struct wer_registry_snapshot registry;
	char exe[PATH_MAX];
	char cmdline[WER_REPORT_CMDLINE_MAX]; /* NULs between arguments */
	size_t cmdline_len;
	size_t module_count;
	struct wer_module modules[WER_REPORT_MODULES_MAX];
	int fault_module; /* index in modules, or -1 */
	char *maps;	  /* /proc/PID/maps' text, capped */
	/* /proc/PID/{status,stat,auxv,environ}, each capped at
	 * WER_REPORT_PROC_TEXT_MAX; NULL when unreadable. */
	char *status, *stat, *auxv, *environ_data;
	size_t status_len, stat_len, auxv_len, environ_len;
	/* The environment as read, for a restart only (environ_data may be
	 * scrubbed): never written anywhere. */
	char *environ_raw;
	size_t environ_raw_len;
	struct wer_dso_debug dso; /* read while held */
	struct wer_settings settings;
	struct wer_store store; /* opened when first needed; fd -1 before */
	long signature_count; /* crashes of this signature in the window */
	int throttled;	      /* DumpCount reached: no minidump */
	/* DumpType 2 (full): every readable private mapping, copied while
	 * held into an unnamed file in the store's staging directory, at
	 * most full_cap bytes. */
	int dump_full;
	uint64_t full_cap;
	int full_fd; /* -1 when none */
	size_t full_count;
	struct wer_full_range {
		uint64_t start, size, offset; /* offset in full_fd */
	} * full;
	size_t maps_len;
	int have_capture, have_unwind;
	struct wer_capture capture;
	struct wer_unwind unwind;
	/* Registered memory blocks, read while the process was held, with
	 * excluded ranges zeroed; data[i] is NULL when unreadable or not a
	 * memory block (indexes follow registry.range). */
	size_t block_count;
	unsigned char *block_data[WER_REG_RANGE_SLOTS];
	char missing[256]; /* comma-separated parts that could not be read */
	/* ReportEnvironment=scrubbed: where the secrets of the environment
	 * and the command line are in the process's memory (zeroed in all
	 * that is captured), and how many were scrubbed. */
	size_t private_count;
	struct wer_private_range {
		uint64_t address, size;
	} * private_ranges;
	size_t scrubbed_env, scrubbed_args;
	/* What was cut at its cap (comma-separated): the report says so. */
	char truncated[256];
};

void wer__report_missing(struct wer_report *r, const char *what);
/* Reads at most max bytes of a file into buf; returns the length or -1. */
ssize_t wer__read_capped(const char *path, char *buf, size_t max);
/* A "Key:  N kB" line of /proc/self/status (VmHWM, VmPeak, VmSize), in
 * KiB, or -1. */
long wer__self_status_kib(const char *key);
/* Reads /proc/PID/{exe,cmdline,maps}, each capped; scrubs the command
 * line and environment as the settings say (scrub.h). */
void wer__report_read_process(struct wer_report *r);
/* Zeroes in data (len bytes read at address in the process) whatever
 * must not leave: excluded memory blocks and scrubbed secrets. */
void wer__report_zero_private(const struct wer_report *r, uint64_t address,
			      unsigned char *data, size_t len);
/* Reads the registered memory blocks (the process must be held). */
void wer__report_read_memory_blocks(struct wer_report *r);
void wer__report_free(struct wer_report *r);
/* Applies the dump type of r->settings (DumpType 1 mini, 2 full) and
 * WER_DUMP_FULL_MAX_MB (default 512). */
void wer__report_dump_settings(struct wer_report *r);
/* For a full dump: copies every readable private mapping (the process
 * must be held), excluded ranges zeroed, streaming it to disk. */
void wer__report_read_full_memory(struct wer_report *r);
/* Reads /proc/PID/cwd and the process's age (the process must be held). */
void wer__report_read_start(struct wer_report *r);
/* Writes the report directory atomically into the store; its final path
 * goes into path. Returns 0 or a negative errno. */
int wer__report_write(struct wer_report *r, char *path, size_t size);

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
void wer__restart(const struct wer_report *r, int pidfd, char *what,
		  size_t size);

/* Adds Name=Value lines to Report.wer of the finished report id (in the
 * queue, or the archive if `wer submit` moved it meanwhile), replacing it
 * atomically (a new file, fsync, rename) under the store's lock. Returns
 * 0 or a negative errno. */
int wer__report_amend(struct wer_report *r, const char *id,
		      const char *lines);

#endif /* WER_REPORT_H */
