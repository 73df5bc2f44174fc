/* SPDX-License-Identifier: MIT */
/*
 * publish.c - putting a report into the store: built in <store>/.staging
 * (its parts that need no stack while the unwinder runs, the minidump but
 * its module list among them: report.h, wer__report_prepare and
 * wer__report_begin), every file fsynced
 * (report_files.c), then renamed into ReportQueue whole, so a partial
 * report is never visible, even when werfault is killed; then the queue's
 * retention.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sys/file.h>
#include <time.h>

#include "iso_time.h"
#include "minidump.h"
#include "report_parts.h"
#include "store_dir.h"

void wer__job_init(struct wer_job *j)
{
	wer__snapshot_init(&j->snap);
	j->store.fd = -1;
}

void wer__job_free(struct wer_job *j)
{
	wer__snapshot_free(&j->snap);
	wer_store_close(&j->store);
	if (j->have_unwind)
		wer__unwind_free(&j->unwind);
	j->have_unwind = 0;
}

/* The store, opened once (and checked: store_dir.c): 0 or a negative
 * errno. */
static int open_store(struct wer_job *r)
{
	if (r->store.fd >= 0)
		return 0;
	return wer_store_open(1, &r->store);
}

/* The staging directory's lock file: every werfault holds it shared
 * while it builds a report; one that gets it exclusively is alone, so
 * every directory in staging belongs to a werfault that died (the kernel
 * drops a dead process's locks, a zombie's included) and is removed. Then
 * it holds the lock shared like the others. Returns the lock's fd, or -1
 * (no locking, no sweeping: reports are still written). */
static int staging_enter(int staging)
{
	struct stat st;
	int fd = openat(staging, ".lock",
			O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK,
			0600);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
		DIR *d = wer_dir_list(staging);
		struct dirent *e;

		while (d && (e = readdir(d)))
			if (e->d_name[0] != '.')
				wer_report_remove(staging, e->d_name);
		if (d)
			closedir(d);
	}
	flock(fd, LOCK_SH);
	return fd;
}

/* The report being written: the store's areas, its name, its signature,
 * and its directory in staging as far as it is built. */
static struct {
	int opened;  /* the store's areas, lock_fd and id are set */
	int signed_; /* sig and the throttle's verdict are set */
	/* 0: nothing in staging; 1: dir_fd and tmp hold the parts that
	 * need neither stack nor signature (copies, blocks, settings); 2:
	 * and the minidump. */
	int staged;
	/* The minidump is begun, all but its module list (minidump.h). */
	int dump_begun;
	int queue, staging, lock_fd, dir_fd;
	char tmp[64], id[512], when[64];
	struct wer_signature sig[WER_LIVE_PARAMS];
	int sig_count;
} out;

static struct wer_file_result files[WER_REG_FILE_SLOTS];
static struct wer_file_result live_files[WER_LIVE_FILES];

static void stage_drop(void)
{
	if (out.dump_begun)
		wer__minidump_abandon();
	out.dump_begun = 0;
	close(out.dir_fd);
	wer_report_remove(out.staging, out.tmp);
	out.staged = 0;
}

/* The report's directory of its own in staging, with the parts that need
 * neither stack nor signature (the files' copies, the memory blocks,
 * AppSettings.wer), each file's writeback started. lean leaves the memory
 * blocks and the files' copies out. 0 or a negative errno; nothing is
 * left in staging on failure. */
static int stage_dir(struct wer_job *r, int lean)
{
	size_t live_count = r->live ? r->live->file_count : 0;
	int err = 0;

	/* A directory of this werfault's own in staging: its pid and a
	 * counter, created with mkdirat (which fails on anything already
	 * there, a link included). */
	for (unsigned k = 0;; k++) {
		snprintf(out.tmp, sizeof(out.tmp), "%d.%u", (int)getpid(), k);
		if (mkdirat(out.staging, out.tmp, 0700) == 0)
			break;
		if (errno != EEXIST || k > 1000)
			return -errno;
	}
	out.dir_fd = wer__store_dir_at(out.staging, out.tmp, 0);
	if (out.dir_fd < 0) {
		unlinkat(out.staging, out.tmp, AT_REMOVEDIR);
		return out.dir_fd;
	}
	/* Only the entries in use (each array is about 50 KiB). */
	memset(files, 0,
	       (lean ? WER_REG_FILE_SLOTS : r->snap.registry.file_count) *
		   sizeof(files[0]));
	memset(live_files, 0,
	       (lean ? WER_LIVE_FILES : live_count) * sizeof(live_files[0]));
	r->lean = lean;
	for (size_t i = 0; lean && i < WER_REG_FILE_SLOTS; i++)
		snprintf(files[i].status, sizeof(files[i].status),
			 "not copied: no space");
	for (size_t i = 0; lean && i < WER_LIVE_FILES; i++)
		snprintf(live_files[i].status, sizeof(live_files[i].status),
			 "not copied: no space");
	for (size_t i = 0; !lean && i < r->snap.registry.file_count; i++)
		wer__report_copy_file(out.dir_fd, &r->snap.registry.file[i], i,
				      &files[i]);
	for (size_t i = 0; !lean && i < live_count; i++) {
		static struct wer_snapshot_file sf;

		snprintf(sf.path, sizeof(sf.path), "%s", r->live->file[i].path);
		/* Named apart from the registered files' copies. */
		wer__report_copy_file(out.dir_fd, &sf, 1000 + i,
				      &live_files[i]);
	}
	if (!lean)
		err = wer__report_write_blocks(out.dir_fd, r);
	if (!err)
		err = wer__report_write_app_settings(out.dir_fd, r);
	out.staged = 1;
	if (err)
		stage_drop();
	return err;
}

/* Whether the report has a minidump, the throttle aside: not a lean
 * report's, nor a live one's without threads. */
static int dump_wanted(const struct wer_job *r, int lean)
{
	return !lean && (!r->live || r->snap.have_threads);
}

/* The minidump, unless lean or throttled (the signature is known by
 * then): finished when it was begun (a throttled one is removed). 0 or a
 * negative errno; nothing is left in staging on failure. */
static int stage_dump(struct wer_job *r, int lean)
{
	int err = 0;

	if (out.dump_begun) {
		out.dump_begun = 0;
		if (r->throttled) {
			wer__minidump_abandon();
			if (unlinkat(out.dir_fd, "minidump.mdmp", 0) < 0)
				err = -errno;
		} else {
			err = wer__minidump_end(&r->snap);
		}
	} else if (dump_wanted(r, lean) && !r->throttled) {
		err =
		    wer__minidump_write(out.dir_fd, "minidump.mdmp", &r->snap);
	}
	if (err) {
		stage_drop();
		return err;
	}
	out.staged = 2;
	return 0;
}

/* The rest (stack.txt, Report.wer, the XML), every file and the
 * directory fsynced, then renamed into the queue, holding the store's
 * lock (left in *store_lock for the queue's trimming). 0 or a negative
 * errno; nothing is left in staging on failure. */
static int stage_end(struct wer_job *r, char *path, size_t size,
		     int *store_lock)
{
	int err;

	out.staged = 0;
	err = wer__report_write_stack(out.dir_fd, r);
	if (!err)
		err =
		    wer__report_write_wer(out.dir_fd, r, out.sig, out.sig_count,
					  out.id, out.when, files, live_files);
	if (!err)
		err = wer__report_write_xml(out.dir_fd, r, out.sig,
					    out.sig_count, out.when);
	if (!err)
		err = wer__report_sync(out.dir_fd, WER_REPORT_SYNCFS_DIRTY_KIB);
	if (!err && (size_t)snprintf(path, size, "%s/" WER_STORE_QUEUE "/%s",
				     r->store.path, out.id) >= size)
		err = -ENAMETOOLONG;
	/* The store's lock, exclusive, while the report goes in and the
	 * queue is trimmed: `wer` and other werfaults never see or trim a
	 * queue half changed. Without it (an unwritable lock file) the
	 * report is still written. */
	if (!err && *store_lock < 0)
		*store_lock = wer_store_lock(&r->store, 1);
	if (!err && renameat(out.staging, out.tmp, out.queue, out.id) < 0)
		err = -errno;
	close(out.dir_fd);
	if (err)
		wer_report_remove(out.staging, out.tmp);
	return err;
}

/* Not even the lean report fitted: the crash's small record in the
 * store's Trimmed.log, as the queue's caps leave one (docs/report.md). */
static void record_lost(const struct wer_job *r,
			const struct wer_signature *sig, const char *id)
{
	char words[5][128], when[64], line[2048];

	wer_time_iso(when, sizeof(when),
		     (time_t)(r->snap.time_ns / 1000000000u),
		     (long)(r->snap.time_ns % 1000000000u));
	wer_store_record_word(words[0], sizeof(words[0]), when);
	wer_store_record_word(words[1], sizeof(words[1]), sig[0].value);
	wer_store_record_word(words[2], sizeof(words[2]), sig[5].value);
	wer_store_record_word(words[3], sizeof(words[3]), sig[3].value);
	wer_store_record_word(words[4], sizeof(words[4]), sig[8].value);
	snprintf(line, sizeof(line),
		 "time=%s app=%s signal=%s module=%s offset=%s id=%s "
		 "lost=no-space\n",
		 words[0], words[1], words[2], words[3], words[4], id);
	wer_store_record(&r->store, line);
	fprintf(stderr,
		"werfault: no space for the report of process %d, even "
		"without its minidump: its record is in %s/Trimmed.log\n",
		(int)r->snap.pid, r->store.path);
}

/* The store's areas and the report's name: once per report. 0 or a
 * negative errno. */
static int report_open(struct wer_job *r)
{
	struct timespec ts;
	struct tm tm;
	int err;

	if (out.opened)
		return 0;
	/* Reports are built in <store>/.staging and renamed into
	 * <store>/ReportQueue whole: the queue never holds a partial one, even
	 * when werfault is killed. Every level by descriptor, each the
	 * user's alone (docs/security.md). */
	if ((err = open_store(r)) < 0)
		return err;
	if ((out.queue = wer_store_area(&r->store, WER_STORE_QUEUE, 1)) < 0)
		return out.queue;
	if ((out.staging = wer_store_area(&r->store, ".staging", 1)) < 0) {
		close(out.queue);
		return out.staging;
	}
	out.lock_fd = staging_enter(out.staging);
	/* The event's time: the crash's, the request's (snapshot.h). */
	ts.tv_sec = (time_t)(r->snap.time_ns / 1000000000u);
	ts.tv_nsec = (long)(r->snap.time_ns % 1000000000u);
	gmtime_r(&ts.tv_sec, &tm); /* for the report's id */
	wer_time_iso(out.when, sizeof(out.when), ts.tv_sec, ts.tv_nsec);
	/* A process crashes once, but may file many live reports a second:
	 * theirs carry the nanoseconds too (submissions are serialised). */
	if (r->live)
		snprintf(
		    out.id, sizeof(out.id),
		    "%s_%.64s_%04d%02d%02dT%02d%02d%02d.%09ld_%d",
		    r->live->event_type,
		    r->snap.exe[0] ? wer__base_name(r->snap.exe) : "unknown",
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		    tm.tm_min, tm.tm_sec, ts.tv_nsec, (int)r->snap.pid);
	else
		snprintf(out.id, sizeof(out.id),
			 "AppCrash_%.64s_%04d%02d%02dT%02d%02d%02d_%d",
			 r->snap.exe[0] ? wer__base_name(r->snap.exe)
					: "unknown",
			 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			 tm.tm_hour, tm.tm_min, tm.tm_sec, (int)r->snap.pid);
	wer__report_sanitize_name(out.id);
	out.opened = 1;
	return 0;
}

/* The signature (the faulting module's build id is known once the
 * unwinder has named the modules) and the throttle's verdict on it:
 * once per report. */
static void report_sign(struct wer_job *r)
{
	if (out.signed_)
		return;
	out.signed_ = 1;
	out.sig_count = wer__signature(r, out.sig);
	/* Throttling counts crashes; a live report is filed on purpose. */
	if (!r->live)
		wer__throttle(r, out.sig);
}

void wer__report_prepare(struct wer_job *r)
{
	/* A failure here is met again, and reported, by wer__report_write
	 * (which retries without the heavy parts on a full disk). */
	if (out.staged || report_open(r) < 0 || stage_dir(r, 0) < 0)
		return;
	/* The minidump but its module list: the throttle's verdict needs
	 * the signature, which needs the unwinder's build ids; a throttled
	 * crash's dump is removed then. */
	if (dump_wanted(r, 0)) {
		if (wer__minidump_begin(out.dir_fd, "minidump.mdmp", &r->snap) <
		    0) {
			stage_drop();
			return;
		}
		out.dump_begun = 1;
	}
	/* Written back from here (each file's writeback started), fsynced
	 * once with the rest (stage_end): fsynced here, while the unwinder
	 * worked, werfault waited 1-1.5 ms for it, and the report for
	 * werfault wherever the unwinder was quick (docs/crash.md). */
}

void wer__report_begin(struct wer_job *r)
{
	if (report_open(r) < 0 || (!out.staged && stage_dir(r, 0) < 0))
		return;
	report_sign(r);
	if (out.staged == 1)
		stage_dump(r, 0);
}

int wer__report_write(struct wer_job *r, char *path, size_t size)
{
	int err, store_lock = -1;

	if ((err = report_open(r)) < 0)
		return err;
	report_sign(r);
	/* The report, then, on a full file system, the same without its heavy
	 * parts (the minidump, the memory blocks, the files' copies): a report
	 * that says why they are missing beats none (docs/report.md). Where
	 * werfault began it while the unwinder ran, from where it got to. */
	for (int lean = 0; lean < 2; lean++) {
		err = lean || !out.staged ? stage_dir(r, lean) : 0;
		if (!err && out.staged == 1)
			err = stage_dump(r, lean);
		if (!err)
			err = stage_end(r, path, size, &store_lock);
		if (err != -ENOSPC && err != -EDQUOT)
			break;
		if (!lean)
			wer__snapshot_note(r->snap.missing,
					   sizeof(r->snap.missing), "space");
	}
	if (err == -ENOSPC || err == -EDQUOT)
		record_lost(r, out.sig, out.id);
	/* Files the application asked to have deleted once reported: only
	 * once their copies are in the report. */
	if (!err && !r->lean) {
		for (size_t i = 0; i < r->snap.registry.file_count; i++)
			if (r->snap.registry.file[i].flags &
			    1 /* WER_FILE_DELETE_WHEN_DONE */)
				unlink(r->snap.registry.file[i].path);
		for (size_t i = 0; r->live && i < r->live->file_count; i++)
			if (r->live->file[i].flags & 1)
				unlink(r->live->file[i].path);
	}
	if (!err) {
		fsync(out.queue);
		/* Retention: the queue keeps MaxQueueCount reports and
		 * MaxQueueCountPerApp of this application's, the oldest
		 * going first, never the one just written. */
		wer_store_trim(&r->store, WER_STORE_QUEUE,
			       r->settings.number[WER_SET_MAX_QUEUE_COUNT],
			       out.id,
			       r->settings.number[WER_SET_MAX_QUEUE_PER_APP]);
	}
	if (store_lock >= 0)
		close(store_lock);
	if (out.lock_fd >= 0)
		close(out.lock_fd);
	close(out.staging);
	close(out.queue);
	out.opened = out.signed_ = 0;
	return err;
}
