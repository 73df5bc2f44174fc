/* SPDX-License-Identifier: MIT */
/*
 * crash_fallback.c - the crash path's own report, for when werfault cannot
 * help: it is missing, not executable, lacks a library, is forbidden to
 * exec by a sandbox, or ended without capturing the crash (docs/crash.md,
 * "Degraded reports").
 *
 * Part of the crash path: async-signal-safe, no allocation, no locks, no
 * stdio. It may call only what crash.c may, plus open, openat, write,
 * fsync, renameat, unlinkat and store_dir.c's directory opening
 * (tests/build/crash_symbols.txt, checked by
 * tests/build/test_crash_symbols.sh). Everything lives in static buffers, and
 * it reads no memory but its own stack mapping (bounds from /proc/self/maps)
 * and libwer's registry.
 *
 * The report (ReportQueue/<id>/Report.wer, and maps.txt) holds the signal,
 * si_code, the fault address, the crashed thread's registers, a
 * frame-pointer walk of its stack (a stack scan for code addresses when
 * frame pointers give nothing) as raw addresses with their modules, and
 * every custom metadata pair; "Degraded=" says why. `wer show` symbolizes
 * the addresses when a person reads it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h> /* renameat() only: no stdio stream is used */
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "crash.h"
#include "registry_format.h"
#include "report_format.h"
#include "store_dir.h"
#include "wer_internal.h"

#define MAPS_MAX    (1024 * 1024) /* bytes of /proc/self/maps read */
#define MAPPING_MAX 8192
#define TEXT_MAX    (64 * 1024)
#define FRAMES_MAX  64
#define SCAN_BYTES  (64 * 1024) /* of stack scanned for code addresses */

struct mapping {
	uint64_t lo, hi, base; /* base: the module's first mapping */
	int readable, executable;
	uint32_t name; /* offset of the path in maps_text, or UINT32_MAX */
	uint32_t name_len;
};

static char maps_text[MAPS_MAX];
static size_t maps_len;
static struct mapping mappings[MAPPING_MAX];
static size_t mapping_count;
static char text[TEXT_MAX];
static size_t text_len;

/* ---- text ---------------------------------------------------------------
 */

static void put(const char *s, size_t n)
{
	if (n > TEXT_MAX - text_len)
		n = TEXT_MAX - text_len;
	memcpy(text + text_len, s, n);
	text_len += n;
}

static void put_str(const char *s)
{
	put(s, strlen(s));
}

static void put_num(uint64_t v, int hex, int width)
{
	char buf[24];
	int n = 0;

	do {
		unsigned d = (unsigned)(hex ? v % 16 : v % 10);

		buf[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
		v = hex ? v / 16 : v / 10;
	} while (v && n < (int)sizeof(buf));
	while (n < width && n < (int)sizeof(buf))
		buf[n++] = '0';
	if (hex)
		put_str("0x");
	while (n)
		put(&buf[--n], 1);
}

static void put_signed(int64_t v)
{
	if (v < 0) {
		put_str("-");
		put_num((uint64_t)-v, 0, 1);
	} else {
		put_num((uint64_t)v, 0, 1);
	}
}

/* ---- /proc/self/maps ----------------------------------------------------
 */

static uint64_t parse_hex(const char **p, const char *end)
{
	uint64_t v = 0;

	for (; *p < end; (*p)++) {
		char c = **p;

		if (c >= '0' && c <= '9')
			v = v * 16 + (uint64_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v * 16 + (uint64_t)(c - 'a' + 10);
		else
			break;
	}
	return v;
}

static void read_maps(void)
{
	const char *p, *end;

	mapping_count = 0;
	maps_len = wer__crash_read_file("/proc/self/maps", maps_text, MAPS_MAX);
	/* "lo-hi perms offset dev inode   path" */
	for (p = maps_text, end = maps_text + maps_len;
	     p < end && mapping_count < MAPPING_MAX;) {
		const char *line = p, *eol = memchr(p, '\n', (size_t)(end - p));
		struct mapping *m = &mappings[mapping_count];
		int field = 0;

		if (!eol)
			break;
		m->lo = parse_hex(&p, eol);
		if (p < eol && *p == '-')
			p++;
		m->hi = parse_hex(&p, eol);
		if (eol - p > 4) {
			m->readable = p[1] == 'r';
			m->executable = p[3] == 'x';
		}
		/* The path: after perms, offset, device and inode. */
		m->name = UINT32_MAX;
		m->name_len = 0;
		for (; p < eol && field < 4; field++) {
			while (p < eol && *p == ' ')
				p++;
			while (p < eol && *p != ' ')
				p++;
		}
		while (p < eol && *p == ' ')
			p++;
		if (p < eol && *p == '/') {
			m->name = (uint32_t)(p - maps_text);
			m->name_len = (uint32_t)(eol - p);
		}
		m->base = m->lo;
		if (mapping_count && m->name != UINT32_MAX) {
			const struct mapping *prev =
			    &mappings[mapping_count - 1];

			if (prev->name != UINT32_MAX &&
			    prev->name_len == m->name_len &&
			    !memcmp(maps_text + prev->name, maps_text + m->name,
				    m->name_len))
				m->base = prev->base;
		}
		if (m->hi > m->lo && line < eol)
			mapping_count++;
		p = eol + 1;
	}
}

/* The mapping that holds address (maps lists them in address order). */
static const struct mapping *mapping_of(uint64_t address)
{
	size_t lo = 0, hi = mapping_count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (mappings[mid].hi <= address)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < mapping_count && mappings[lo].lo <= address ? &mappings[lo]
								: NULL;
}

/* "0xPC /path/module+0xOFFSET" */
static void put_address(uint64_t pc)
{
	const struct mapping *m = mapping_of(pc);

	put_num(pc, 1, 16);
	if (m && m->name != UINT32_MAX) {
		put_str(" ");
		put(maps_text + m->name, m->name_len);
		put_str("+");
		put_num(pc - m->base, 1, 1);
	}
	put_str("\n");
}

static int is_code(uint64_t v)
{
	const struct mapping *m = mapping_of(v);

	return m && m->executable && m->name != UINT32_MAX;
}

/* ---- the report ---------------------------------------------------------
 */

static const char *errno_name(int e)
{
	switch (e) {
	case ENOENT:
		return "No such file or directory";
	case EACCES:
		return "Permission denied";
	case EPERM:
		return "Operation not permitted";
	case ENOEXEC:
		return "Exec format error";
	case ENOMEM:
		return "Cannot allocate memory";
	default:
		return "error";
	}
}

/* UTC calendar date of a day count since 1970-01-01 (proleptic
 * Gregorian). */
static void civil(int64_t days, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
	uint64_t doe = (uint64_t)(z - era * 146097);
	uint64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	uint64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	uint64_t mp = (5 * doy + 2) / 153;

	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static void put_time(const struct timespec *ts, int compact)
{
	int64_t y, secs = ts->tv_sec % 86400;
	unsigned mo, d;

	civil(ts->tv_sec / 86400, &y, &mo, &d);
	put_num((uint64_t)y, 0, 4);
	if (!compact)
		put_str("-");
	put_num(mo, 0, 2);
	if (!compact)
		put_str("-");
	put_num(d, 0, 2);
	put_str("T");
	put_num((uint64_t)(secs / 3600), 0, 2);
	if (!compact)
		put_str(":");
	put_num((uint64_t)(secs / 60 % 60), 0, 2);
	if (!compact)
		put_str(":");
	put_num((uint64_t)(secs % 60), 0, 2);
	if (!compact) {
		put_str(".");
		put_num((uint64_t)ts->tv_nsec, 0, 9);
		put_str("Z");
	}
}

static void put_pair(size_t n, const char *key, size_t key_len,
		     const char *value, size_t value_len)
{
	put_str("CustomMetadata[");
	put_num(n, 0, 1);
	put_str("].Key=");
	put(key, key_len);
	put_str("\nCustomMetadata[");
	put_num(n, 0, 1);
	put_str("].Value=");
	put(value, value_len);
	put_str("\n");
}

/* The published pairs of one metadata table, numbered from n on; returns
 * the next number. WER's slots and the native table's share their first
 * fields (key_len, value_len, key, then value: _Static_asserts below), so
 * one reader takes both: copies[i * 2 + c] is slot i's copy c, of size
 * bytes, whose value holds at most value_cap. */
static size_t put_pairs(const struct wer_reg_ctl *ctls, int slots,
			const char *copies, size_t size, size_t value_cap,
			size_t n)
{
	static struct wer_reg_note copy; /* the larger of the two */

	for (int i = 0; i < slots; i++) {
		const struct wer_reg_ctl *ctl = &ctls[i];

		/* Other threads may still write: a copy whose sequence
		 * counter is odd or moves is left out. */
		for (int tries = 0; tries < 3; tries++) {
			uint32_t cur =
			    __atomic_load_n(&ctl->current, __ATOMIC_ACQUIRE);
			uint32_t seq;

			if (cur < 1 || cur > 2)
				break;
			seq = __atomic_load_n(&ctl->seq[cur - 1],
					      __ATOMIC_ACQUIRE);
			if (seq & 1)
				continue;
			memcpy(&copy, copies + ((size_t)i * 2 + cur - 1) * size,
			       size);
			if (__atomic_load_n(&ctl->seq[cur - 1],
					    __ATOMIC_ACQUIRE) != seq ||
			    copy.key_len == 0 ||
			    copy.key_len > WER_REG_KEY_BYTES ||
			    copy.value_len > value_cap)
				continue;
			put_pair(n++, copy.key, copy.key_len, copy.value,
				 copy.value_len);
			break;
		}
	}
	return n;
}

_Static_assert(offsetof(struct wer_reg_meta, value) ==
		       offsetof(struct wer_reg_note, value) &&
		   offsetof(struct wer_reg_meta, key) ==
		       offsetof(struct wer_reg_note, key) &&
		   sizeof(struct wer_reg_meta) <= sizeof(struct wer_reg_note),
	       "WER's metadata slot is the native one's beginning");

/* WER's pairs, then the native table's (wer_set_metadata). */
static void put_metadata(void)
{
	size_t n =
	    put_pairs(wer__registry.meta_ctl, WER_REG_META_SLOTS,
		      (const char *)wer__registry.meta,
		      sizeof(struct wer_reg_meta), WER_REG_VALUE_BYTES, 0);

	put_pairs(wer__registry.note_ctl, WER_REG_NOTE_SLOTS,
		  (const char *)wer__registry.note, sizeof(struct wer_reg_note),
		  WER_REG_NOTE_VALUE_BYTES, n);
}

/* The registers a degraded report lists: the CPU seam's (cpu.h). */
static const struct {
	const char *name;
	int index;
} registers[] = {WER_CPU_UC_REGISTERS};

/* Return addresses: the frame-pointer chain, each frame inside the stack
 * mapping and above the one before; when that gives nothing, the link
 * register where the processor has one (AArch64: a leaf function's
 * caller), then a scan of the stack for values that point into code. A
 * code address stored with a pointer-authentication code is listed
 * without it. */
static void put_frames(const ucontext_t *uc)
{
	uint64_t pc = wer_cpu_uc_pc(uc), sp = wer_cpu_uc_sp(uc);
	uint64_t fp = wer_cpu_uc_fp(uc);
	uint64_t lr = wer_cpu_code_address(wer_cpu_uc_lr(uc));
	const struct mapping *stack = mapping_of(sp);
	size_t n = 0;

	put_str("Frame[0]=");
	put_address(pc);
	n++;
	if (!stack || !stack->readable)
		return;
	while (n < FRAMES_MAX && fp >= sp && fp % 8 == 0 &&
	       fp + 16 <= stack->hi) {
		uint64_t next = ((const uint64_t *)fp)[0];
		uint64_t ret = wer_cpu_code_address(((const uint64_t *)fp)[1]);

		if (!is_code(ret))
			break;
		put_str("Frame[");
		put_num(n++, 0, 1);
		put_str("]=");
		put_address(ret);
		if (next <= fp)
			break;
		fp = next;
	}
	if (n > 1)
		return;
	if (lr && is_code(lr)) {
		put_str("Frame[1]=");
		put_address(lr);
		n++;
	}
	put_str("FramesBy=stack scan\n");
	for (uint64_t at = sp & ~(uint64_t)7;
	     at + 8 <= stack->hi && at < sp + SCAN_BYTES && n < FRAMES_MAX;
	     at += 8) {
		uint64_t v = wer_cpu_code_address(*(const uint64_t *)at);

		if (!is_code(v))
			continue;
		put_str("Frame[");
		put_num(n++, 0, 1);
		put_str("]=");
		put_address(v);
	}
}

static void put_registers(const ucontext_t *uc)
{
	for (size_t i = 0; i < sizeof(registers) / sizeof(registers[0]); i++) {
		put_str("Register.");
		put_str(registers[i].name);
		put_str("=");
		put_num(wer_cpu_uc_reg(uc, registers[i].index), 1, 16);
		put_str("\n");
	}
}

/* In root's store, what the crash path creates is root's group's too
 * (the process's group may be the user's who started it). */
static void owned_by_root(int fd, int access)
{
	if (access == WER_ACCESS_ROOT && fd >= 0)
		(void)!fchown(fd, 0, 0);
}

/* Writes dir_fd/name, a new file (never through a link, never over one
 * that exists), fsynced. */
static int write_file(int dir_fd, const char *name, const char *data,
		      size_t len, int access)
{
	int fd, ok = 1;

	fd = openat(dir_fd, name,
		    O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -1;
	owned_by_root(fd, access);
	while (len && ok) {
		ssize_t w = write(fd, data, len);

		if (w < 0 && errno == EINTR)
			continue;
		ok = w > 0;
		if (ok)
			data += w, len -= (size_t)w;
	}
	ok = ok && fsync(fd) == 0;
	close(fd);
	return ok ? 0 : -1;
}

void wer__crash_fallback_report(const siginfo_t *info, const ucontext_t *uc,
				const char *reason, int exec_errno, int access)
{
	static char staging[32];
	static char id[400];
	const struct wer_crash_config *cfg = &wer__crash_config;
	/* Only root may read it: root's store, whatever the environment
	 * said (docs/security.md). A process that started set-id and is
	 * its user's again has no store of its own here: the one found at
	 * load was its privileged identity's. */
	int code_at = __atomic_load_n(&cfg->code_store_at, __ATOMIC_ACQUIRE);
	const char *store = access == WER_ACCESS_ROOT ? WER_SYSTEM_STORE
			    : cfg->secure_start	      ? ""
			    : code_at > 0 ? cfg->code_store[code_at - 1]
					  : cfg->store_path;
	struct timespec now;
	size_t id_len;
	uint64_t pc;
	const struct mapping *fault;
	int store_fd, queue_fd = -1, staging_fd = -1, report_fd = -1;

	if (!store[0])
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	read_maps();
	pc = wer_cpu_uc_pc(uc);
	fault = mapping_of(pc);

	/* The id: AppCrash_<application>_<time>_<pid>, as werfault's. */
	text_len = 0;
	put_str("AppCrash_");
	for (const char *a = cfg->app_name; a && *a && text_len < 80; a++) {
		char c = *a;
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			 (c >= '0' && c <= '9') || c == '.' || c == '-' ||
			 c == '_';

		put(ok ? &c : "_", 1);
	}
	put_str("_");
	put_time(&now, 1);
	put_str("_");
	/* The crashed process's, even when its keeper writes (crash.c). */
	put_num((uint64_t)wer__crash_area.pid, 0, 1);
	id_len = text_len < sizeof(id) - 1 ? text_len : sizeof(id) - 1;
	memcpy(id, text, id_len);
	id[id_len] = '\0';

	text_len = 0;
	/* Report.wer's keys (report_format.h): the signature's slots by
	 * number and name. */
	put_str(WER_RW_VERSION "=1\n" WER_RW_EVENT_TYPE "=" WER_RW_APPCRASH
			       "\n" WER_RW_EVENT_TIME "=");
	put_time(&now, 0);
	put_str("\n" WER_RW_REPORT_ID "=");
	put_str(id);
	put_str("\nSig[0].Name=" WER_SIG_NAME_APP_NAME "\nSig[0].Value=");
	put_str(cfg->app_name ? cfg->app_name : "");
	put_str("\nSig[1].Name=" WER_SIG_NAME_APP_VERSION
		"\nSig[1].Value=unknown\n"
		"Sig[3].Name=" WER_SIG_NAME_FAULT_MODULE "\nSig[3].Value=");
	if (fault && fault->name != UINT32_MAX) {
		const char *path = maps_text + fault->name, *base = path;

		for (uint32_t i = 0; i < fault->name_len; i++)
			if (path[i] == '/')
				base = path + i + 1;
		put(base, fault->name_len - (uint32_t)(base - path));
	} else {
		put_str("unknown");
	}
	put_str("\nSig[5].Name=" WER_SIG_NAME_SIGNAL "\nSig[5].Value=");
	put_str(wer__signal_name(info->si_signo));
	put_str(" (");
	put_num((uint64_t)info->si_signo, 0, 1);
	put_str(")\nSig[6].Name=" WER_SIG_NAME_SIGNAL_CODE "\nSig[6].Value=");
	put_signed(info->si_code);
	put_str("\nSig[7].Name=" WER_SIG_NAME_FAULT_ADDRESS "\nSig[7].Value=");
	put_num(info->si_code > 0 ? (uint64_t)info->si_addr : 0, 1, 1);
	put_str("\nSig[8].Name=" WER_SIG_NAME_FAULT_OFFSET "\nSig[8].Value=");
	put_num(fault ? pc - fault->base : pc, 1, 1);
	put_str("\n");
	put_metadata();
	put_str(WER_RW_APPLICATION_PATH "=");
	put_str(cfg->exe_path);
	put_str("\n" WER_RW_PROCESS_ID "=");
	put_num((uint64_t)wer__crash_area.pid, 0, 1);
	put_str("\n" WER_RW_THREAD_ID "=");
	put_num((uint64_t)wer__crash_area.tid, 0, 1);
	put_str("\n" WER_RW_DEGRADED "=written by the crashed process: ");
	put_str(reason);
	if (exec_errno) {
		put_str(" (");
		put_str(cfg->handler_path);
		put_str(": ");
		put_str(errno_name(exec_errno));
		put_str(", errno ");
		put_num((uint64_t)exec_errno, 0, 1);
		put_str(")");
	}
	put_str("\n");
	put_registers(uc);
	put_frames(uc);

	/* <store>/.staging/.fallback-<pid> (a dot: werfault's sweep of dead
	 * werfaults' directories passes it over), then renamed into the
	 * queue whole; every level opened by descriptor, checked to be this
	 * user's alone (store_dir.c). */
	if (access == WER_ACCESS_ROOT)
		put_str("Privileged=only root may read this report: the "
			"process ran set-id, changed identity, was not "
			"dumpable or held capabilities\n");
	store_fd = wer__store_dir_open(store, 1);
	/* The application's Store could not be had: the default one. */
	if (store_fd < 0 && code_at > 0 &&
	    store == cfg->code_store[code_at - 1] && cfg->store_path[0])
		store_fd = wer__store_dir_open(cfg->store_path, 1);
	if (store_fd < 0)
		return;
	queue_fd = wer__store_dir_at(store_fd, "ReportQueue", 1);
	staging_fd = wer__store_dir_at(store_fd, ".staging", 1);
	{
		size_t at = 0;

		memcpy(staging, ".fallback-", 10);
		at += 10;
		for (int pid = getpid(), k = 1000000000; k; k /= 10)
			if (pid / k || k == 1)
				staging[at++] = (char)('0' + pid / k % 10);
		staging[at] = '\0';
	}
	if (queue_fd >= 0 && staging_fd >= 0)
		report_fd = wer__store_dir_at(staging_fd, staging, 1);
	owned_by_root(store_fd, access);
	owned_by_root(queue_fd, access);
	owned_by_root(staging_fd, access);
	owned_by_root(report_fd, access);
	if (report_fd >= 0 &&
	    (write_file(report_fd, "Report.wer", text, text_len, access) < 0 ||
	     write_file(report_fd, "maps.txt", maps_text, maps_len, access) <
		 0 ||
	     renameat(staging_fd, staging, queue_fd, id) < 0)) {
		unlinkat(report_fd, "Report.wer", 0);
		unlinkat(report_fd, "maps.txt", 0);
		unlinkat(staging_fd, staging, AT_REMOVEDIR);
	}
	if (report_fd >= 0)
		close(report_fd);
	if (staging_fd >= 0)
		close(staging_fd);
	if (queue_fd >= 0) {
		fsync(queue_fd);
		close(queue_fd);
	}
	close(store_fd);
}
