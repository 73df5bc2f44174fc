/* SPDX-License-Identifier: MIT */
/*
 * unwind.h - unwinding and symbolizing a captured process with elfutils'
 * libdwfl: modules come from the saved /proc/PID/maps text, registers and
 * stack memory from the capture, so it works after the process is gone.
 *
 * The modules' ELF and DWARF are the crashed process's choice, so they are
 * parsed in a child process of werfault with a budget: an address-space
 * limit and a deadline. The child writes what it finds as text records
 * (below) into a pipe; werfault keeps them compactly (interned names), so
 * its own memory does not grow with the number of threads and frames.
 */
#ifndef WER_UNWIND_H
#define WER_UNWIND_H

#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "snapshot.h"

#define WER_UNWIND_FRAMES_MAX	256		/* frames of one thread */
#define WER_UNWIND_FRAMES_TOTAL 65536		/* frames of all threads */
#define WER_UNWIND_MODULES_MAX	65536		/* modules with a build id */
#define WER_UNWIND_STRINGS_MAX	(2 << 20)	/* bytes of names, interned */
#define WER_UNWIND_NAME_MAX	511		/* bytes of one name */
#define WER_UNWIND_RECORD_MAX	(4 * 512 + 128) /* bytes of one record */
#define WER_UNWIND_VERSION_MAX	128		/* bytes of a package version */
#define WER_UNWIND_INLINES_MAX	32		/* inlined calls at one pc */

struct wer_frame {
	uint64_t pc;
	uint64_t function_offset;
	uint64_t module_offset;
	const char *function; /* "" when unknown; names are interned */
	const char *module;   /* base name, "" when unknown */
	const char *file;     /* "" when no line information */
	int line;
	int inlined; /* a call inlined at pc: no function offset */
};

struct wer_thread_stack {
	size_t first; /* index of its first frame in wer_unwind.frames */
	size_t frame_count;
	const char *error; /* why unwinding stopped early, or NULL */
};

struct wer_module_id {
	const char *path;
	const char *build_id;	     /* hex, "" when the module has none */
	const char *package_version; /* from .note.package, "" when none */
	const char *soname;	     /* DT_SONAME, "" when none */
};

struct wer_strings;

/* The unwinder child, from its fork until it is reaped. */
struct wer_unwinder {
	pid_t pid;	/* 0: none */
	int records_fd; /* its records, until read (or -1) */
	int go_fd;	/* its snapshot and budget, until sent (or -1) */
	/* werfault's CPU and the child's, kept apart while it unwinds (-1:
	 * one CPU, or unknown), and the CPUs werfault may use. */
	int cpu_werfault, cpu_child;
	cpu_set_t cpus;
};

struct wer_unwind {
	size_t thread_count; /* == capture's */
	struct wer_thread_stack *threads;
	size_t frame_count, frame_capacity;
	struct wer_frame *frames;
	size_t module_count, module_capacity;
	struct wer_module_id *modules;
	struct wer_strings *strings;
	int done;		  /* the unwinder said it finished */
	long thread_at;		  /* index of the thread records go to, or -1 */
	long thread_last;	  /* the highest index a T record gave, or -1 */
	size_t dropped;		  /* records over a cap, or malformed */
	char problem[160];	  /* why unwinding was cut short, or "" */
	long peak_rss_kib;	  /* the unwinder's, as wait4 gave it */
	struct wer_unwinder proc; /* the child that writes the records */
};

/* The unwinder: writes records for every thread of c that has registers
 * to out. Returns 0 or a negative errno. Lives in the module
 * werfault-unwind.so (unwind_dwfl.c), which only the child loads.
 *
 * Records, one a line, fields separated by tabs (names have their tabs
 * and control characters replaced by '?' and are at most
 * WER_UNWIND_NAME_MAX bytes):
 *   M <build id hex or -> <path>          a module
 *   P <version>                           the version in the module's
 *                                         .note.package (package_note.h)
 *   S <soname>                            the module's DT_SONAME
 *   T <capture thread index>              the frames below are its
 *   F <pc> <function offset> <module offset> <line> <module> <function> <file>
 * [i] (numbers in hex, line decimal; function demangled; "i": a call inlined at
 * pc, innermost first, before the frame of the function it is inlined into) E
 * <message>                           why the thread's unwinding stopped X
 * <message>                           a problem of the whole run D finished */
enum wer_unwind_lines {
	WER_UNWIND_LINES_SETTING = 0, /* as WER_SOURCE_LINES says (all) */
	WER_UNWIND_LINES_ALL,	      /* wherever gdb would find them */
	WER_UNWIND_LINES_EMBEDDED,    /* in modules with their own DWARF */
	WER_UNWIND_LINES_NONE,	      /* frames named by symbol tables only */
	/* Frames' pcs and module offsets only: no names, no M, P or S
	 * records (the collector's walk: it names frames after, cached). */
	WER_UNWIND_PCS_ONLY,
};
/* Writes the records of every thread of c into out, then calls
 * before_done (when not NULL; werfault's child says there whether its
 * memory budget ran out, then writes "D" itself and ends) and writes "D"
 * before it frees libdw's state: the reader may stop at "D" without
 * waiting for that. */
typedef int wer_unwind_fn(const struct wer_snapshot *c,
			  enum wer_unwind_lines lines, FILE *out,
			  void (*before_done)(FILE *out));
wer_unwind_fn wer__unwind;

struct wer_unwind_budget {
	long timeout_ms; /* the unwinder is killed after this */
	long memory_mb;	 /* address space it may add to what it starts with */
	int debuginfod;	 /* it may ask DEBUGINFOD_URLS's servers */
	enum wer_unwind_lines lines;
	/* The unwinder: NULL loads werfault-unwind.so in the child
	 * (werfault, which never runs libdw in its own process; it may have
	 * loaded the module already and give its wer__unwind here); a
	 * program linked with unwind_dwfl.c (the collector) gives
	 * wer__unwind. */
	wer_unwind_fn *fn;
	/* Called in werfault once the child runs, before its records are
	 * read (werfault's other work meanwhile); may be NULL. */
	void (*meanwhile)(void *arg);
	/* Called in werfault once the child's module records are all read
	 * (M, P and S come before the first thread's), while the child
	 * walks the threads; its time is not the child's. May be NULL. */
	void (*modules_read)(void *arg);
	void *meanwhile_arg; /* the argument of both */
};

/* Loads werfault-unwind.so from beside the running program (werfault)
 * and returns its wer__unwind, or NULL (with the reason in why). */
wer_unwind_fn *wer__unwind_load(char *why, size_t size);

/* Runs the unwinder in a child process within budget and fills ret with
 * what it wrote, however far it got (ret->problem says why it stopped
 * short). Returns 0, or a negative errno when no child could run.
 * wer__unwind_spawn, wer__unwind_send and wer__unwind_finish in a row. */
int wer__unwind_run(const struct wer_snapshot *c,
		    const struct wer_unwind_budget *budget,
		    struct wer_unwind *ret);

/* Forks the unwinder child, which prepares and waits for a snapshot: a
 * self-frozen crash's werfault forks it first thing, while it is small
 * (before its report's structures exist), so that the child's start runs
 * beside the capture. Fills *p (a wer_unwind's .proc). fn as the
 * budget's. 0, or a negative errno. */
int wer__unwind_spawn(struct wer_unwinder *p, wer_unwind_fn *fn);

/* Sends the child c's threads, stacks and maps (in a sealed memfd, with
 * the root directory's descriptor), budget's memory budget, lines and
 * Debuginfod setting; resets u's records for c. 0, or a negative errno
 * (then wer__unwind_free). */
int wer__unwind_send(struct wer_unwind *u, const struct wer_snapshot *c,
		     const struct wer_unwind_budget *budget);

/* After wer__unwind_send: budget's meanwhile, then the child's records
 * read until it is done, or its time budget (from now) runs out; as
 * wer__unwind_run. */
int wer__unwind_finish(const struct wer_unwind_budget *budget,
		       struct wer_unwind *ret);

/* Waits for the unwinder that wer__unwind_run left ending (it said "D"
 * and ends meanwhile) and sets u->peak_rss_kib. */
void wer__unwind_reap(struct wer_unwind *u);

/* Starts an empty result for thread_count threads; 0 or -ENOMEM. */
int wer__unwind_init(struct wer_unwind *u, size_t thread_count);
/* Takes one record (without its newline). Malformed records and records
 * over a cap are counted in u->dropped. */
void wer__unwind_record(struct wer_unwind *u, const char *line, size_t len);
void wer__unwind_free(struct wer_unwind *u);

/* Gives the snapshot's modules the build ids the unwinder found. */
void wer__unwind_fill_modules(const struct wer_unwind *u,
			      struct wer_snapshot *s);
/* The package version (.note.package) recorded for it, or "" */
const char *wer__unwind_package_version(const struct wer_unwind *u,
					const char *path);

/* Writes stack.txt's text: every thread, the crashed one first. */
void wer__unwind_print(const struct wer_snapshot *c, const struct wer_unwind *u,
		       FILE *f);

#endif /* WER_UNWIND_H */
