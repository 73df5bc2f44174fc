/* SPDX-License-Identifier: MIT */
/*
 * report.c - gathering a crashed process's facts from /proc and writing the
 * report directory: built under ReportQueue/.tmp-*, every file fsynced,
 * then renamed into place, so a partial report is never visible.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <sys/types.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/ucontext.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "maps.h"
#include "minidump.h"
#include "report.h"
#include "scrub.h"
#include "store.h"
#include "store_dir.h"

void wer__report_missing(struct wer_report *r, const char *what)
{
	size_t n = strlen(r->missing);

	snprintf(r->missing + n, sizeof(r->missing) - n, "%s%s", n ? "," : "",
		 what);
}

ssize_t wer__read_capped(const char *path, char *buf, size_t max)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t len;

	if (fd < 0)
		return -1;
	len = wer_read_fd_capped(fd, buf, max);
	close(fd);
	return (ssize_t)len;
}

long wer__self_status_kib(const char *key)
{
	char status[4096], *p;
	ssize_t n = wer__read_capped("/proc/self/status", status,
				     sizeof(status) - 1);
	size_t len = strlen(key);

	status[n > 0 ? n : 0] = '\0';
	for (p = status; (p = strstr(p, key)); p += len)
		if ((p == status || p[-1] == '\n') && p[len] == ':')
			return strtol(p + len + 1, NULL, 10);
	return -1;
}

static uint64_t crash_pc(const struct wer_report *r)
{
#if defined(__x86_64__)
	return (uint64_t)r->crash.context.uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
	return r->crash.context.uc_mcontext.pc;
#else
#error "openwer: crash_pc() knows x86-64 and AArch64 only"
#endif
}

static void read_modules(struct wer_report *r, const char *maps, size_t len)
{
	static struct wer_maps_line line;
	uint64_t pc = r->have_crash ? crash_pc(r) : 0;
	size_t at = 0;

	r->fault_module = -1;
	while (wer__maps_next(maps, len, &at, &line)) {
		size_t i;

		if (line.name[0] != '/')
			continue;
		for (i = 0; i < r->module_count; i++)
			if (!strcmp(r->modules[i].path, line.name))
				break;
		if (i == r->module_count && i < WER_REPORT_MODULES_MAX) {
			r->module_count++;
			r->modules[i].base = line.lo;
			snprintf(r->modules[i].path, PATH_MAX, "%s", line.name);
		}
		if (i < r->module_count) {
			if (line.lo < r->modules[i].base)
				r->modules[i].base = line.lo;
			if (line.hi > r->modules[i].end)
				r->modules[i].end = line.hi;
			if (pc >= line.lo && pc < line.hi)
				r->fault_module = (int)i;
		}
	}
}

/* Reads /proc/PID/NAME, capped, into a new buffer (NUL-terminated). */
static void read_proc_file(pid_t pid, const char *name, char **ret,
			   size_t *ret_len)
{
	char path[64], *buf = malloc(WER_REPORT_PROC_TEXT_MAX + 1);
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	if (!buf ||
	    (n = wer__read_capped(path, buf, WER_REPORT_PROC_TEXT_MAX)) < 0) {
		free(buf);
		return;
	}
	buf[n] = '\0';
	*ret = buf;
	*ret_len = (size_t)n;
}

static void add_truncated(struct wer_report *r, const char *what)
{
	size_t len = strlen(r->truncated);

	snprintf(r->truncated + len, sizeof(r->truncated) - len, "%s%s",
		 len ? "," : "", what);
}

/* Fields 48..51 of /proc/PID/stat: where the kernel put the arguments
 * and the environment. 0, or -1 when stat does not say. */
static int stat_areas(const struct wer_report *r, uint64_t ret[4])
{
	const char *p;
	size_t len;
	int field = 2;

	if (!r->stat || !(p = memrchr(r->stat, ')', r->stat_len)))
		return -1;
	len = r->stat_len - (size_t)(p + 1 - r->stat);
	p++;
	while (len && field < 51) {
		while (len && *p == ' ')
			p++, len--;
		field++;
		if (field >= 48) {
			char *end;

			ret[field - 48] = strtoull(p, &end, 10);
			if (end == p)
				return -1;
		}
		while (len && *p != ' ')
			p++, len--;
	}
	return field == 51 ? 0 : -1;
}

static void add_private(struct wer_report *r, uint64_t area, size_t area_len,
			const struct wer_scrubbed *s)
{
	struct wer_private_range *v;

	if (!area || !s->count)
		return;
	v = realloc(r->private_ranges,
		    (r->private_count + s->count) * sizeof(*v));
	if (!v)
		return;
	r->private_ranges = v;
	for (size_t i = 0; i < s->count; i++)
		if (s->spans[i].offset + s->spans[i].length <= area_len) {
			v[r->private_count].address = area + s->spans[i].offset;
			v[r->private_count++].size = s->spans[i].length;
		}
}

/* ReportEnvironment=scrubbed: the command line and the environment lose
 * their secrets (docs/privacy.md), in the report's text, the minidump's
 * streams, and every byte of memory captured from the areas the kernel
 * keeps them in. */
static void scrub_process(struct wer_report *r)
{
	struct wer_scrubbed args = {0}, env = {0};
	uint64_t areas[4] = {0}; /* arg_start, arg_end, env_start, env_end */

	if (stat_areas(r, areas) < 0 || areas[1] < areas[0] ||
	    areas[3] < areas[2])
		memset(areas, 0, sizeof(areas));
	if (wer__scrub_cmdline(r->cmdline, r->cmdline_len,
			       r->settings.text[WER_SET_SECRET_WORDS],
			       &args) == 0) {
		add_private(r, areas[0], (size_t)(areas[1] - areas[0]), &args);
		r->scrubbed_args = args.count;
		r->cmdline_len = args.len < sizeof(r->cmdline) - 1
				     ? args.len
				     : sizeof(r->cmdline) - 1;
		memcpy(r->cmdline, args.text, r->cmdline_len);
		r->cmdline[r->cmdline_len] = '\0';
	} else {
		r->cmdline_len = 0; /* nothing rather than secrets */
		wer__report_missing(r, "cmdline");
	}
	if (r->environ_data &&
	    wer__scrub_environ(r->environ_data, r->environ_len,
			       r->settings.text[WER_SET_ENV_ALLOW],
			       &env) == 0) {
		add_private(r, areas[2], (size_t)(areas[3] - areas[2]), &env);
		r->scrubbed_env = env.count;
		r->environ_raw = r->environ_data;
		r->environ_raw_len = r->environ_len;
		r->environ_data = env.text;
		r->environ_len = env.len;
		env.text = NULL;
	} else if (r->environ_data) {
		r->environ_raw = r->environ_data;
		r->environ_raw_len = r->environ_len;
		r->environ_data = NULL;
		r->environ_len = 0;
	}
	wer__scrubbed_free(&args);
	wer__scrubbed_free(&env);
}

static void zero_overlap(uint64_t address, unsigned char *data, size_t len,
			 uint64_t x, uint64_t size)
{
	uint64_t lo, hi;

	if (size > UINT64_MAX - x)
		size = UINT64_MAX - x;
	lo = x > address ? x : address;
	hi = x + size < address + len ? x + size : address + len;

	if (lo < hi)
		memset(data + (lo - address), 0, hi - lo);
}

void wer__report_zero_private(const struct wer_report *r, uint64_t address,
			      unsigned char *data, size_t len)
{
	for (size_t j = 0; r->have_registry && j < r->registry.range_count; j++)
		if (r->registry.range[j].kind == WER_REG_RANGE_EXCLUDED)
			zero_overlap(address, data, len,
				     r->registry.range[j].address,
				     r->registry.range[j].size);
	for (size_t j = 0; j < r->private_count; j++)
		zero_overlap(address, data, len, r->private_ranges[j].address,
			     r->private_ranges[j].size);
}

void wer__report_read_process(struct wer_report *r)
{
	char path[64];
	char *maps;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/exe", (int)r->pid);
	n = readlink(path, r->exe, sizeof(r->exe) - 1);
	if (n < 0) {
		wer__report_missing(r, "exe");
		n = 0;
	}
	r->exe[n] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)r->pid);
	n = wer__read_capped(path, r->cmdline, sizeof(r->cmdline) - 1);
	if (n < 0) {
		wer__report_missing(r, "cmdline");
		n = 0;
	}
	r->cmdline_len = (size_t)n;
	r->cmdline[n] = '\0';
	if ((size_t)n == sizeof(r->cmdline) - 1)
		add_truncated(r, "cmdline");
	read_proc_file(r->pid, "status", &r->status, &r->status_len);
	read_proc_file(r->pid, "stat", &r->stat, &r->stat_len);
	read_proc_file(r->pid, "auxv", &r->auxv, &r->auxv_len);
	read_proc_file(r->pid, "environ", &r->environ_data, &r->environ_len);
	if (r->environ_len == WER_REPORT_PROC_TEXT_MAX)
		add_truncated(r, "environ");
	if (!r->settings.number[WER_SET_REPORT_ENV]) {
		scrub_process(r);
	} else {
		r->environ_raw = r->environ_data;
		r->environ_raw_len = r->environ_len;
	}
	maps = malloc(WER_REPORT_MAPS_MAX);
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)r->pid);
	if (!maps ||
	    (n = wer__read_capped(path, maps, WER_REPORT_MAPS_MAX)) < 0) {
		wer__report_missing(r, "maps");
		free(maps);
		return;
	}
	if (n == WER_REPORT_MAPS_MAX)
		add_truncated(r, "maps");
	read_modules(r, maps, (size_t)n);
	if (r->module_count == WER_REPORT_MODULES_MAX)
		add_truncated(r, "modules");
	r->maps = maps;
	r->maps_len = (size_t)n;
}

void wer__report_read_start(struct wer_report *r)
{
	char path[64], buf[128];
	const char *paren;
	unsigned long long start_ticks;
	double up;
	ssize_t n;
	long hz = sysconf(_SC_CLK_TCK);

	snprintf(path, sizeof(path), "/proc/%d/cwd", (int)r->pid);
	n = readlink(path, r->cwd, sizeof(r->cwd) - 1);
	r->cwd[n > 0 ? n : 0] = '\0';
	r->uptime_s = -1;
	/* Field 22 of stat, after the parenthesised name: the start time in
	 * clock ticks since boot. */
	if (!r->stat || !(paren = memrchr(r->stat, ')', r->stat_len)) ||
	    hz <= 0)
		return;
	{
		const char *p = paren + 1;
		const char *end = r->stat + r->stat_len;

		for (int field = 2; field < 22 && p < end; p++)
			if (*p == ' ')
				field++;
		if (p >= end || sscanf(p, "%llu", &start_ticks) != 1)
			return;
	}
	if ((n = wer__read_capped("/proc/uptime", buf, sizeof(buf) - 1)) <= 0)
		return;
	buf[n] = '\0';
	if (sscanf(buf, "%lf", &up) != 1)
		return;
	r->uptime_s = (long)(up - (double)start_ticks / (double)hz);
	if (r->uptime_s < 0)
		r->uptime_s = 0;
}

void wer__report_read_memory_blocks(struct wer_report *r)
{
	const struct wer_registry_snapshot *reg = &r->registry;

	if (!r->have_registry)
		return;
	for (size_t i = 0; i < reg->range_count; i++) {
		const struct wer_snapshot_range *b = &reg->range[i];
		unsigned char *data;

		if (b->kind != WER_REG_RANGE_MEMORY)
			continue;
		data = malloc(b->size);
		if (data && wer__read_process_memory(&r->pid, b->address, data,
						     b->size) < 0) {
			free(data);
			data = NULL;
		}
		/* Whatever overlaps an excluded range or a secret never
		 * leaves. */
		if (data)
			wer__report_zero_private(r, b->address, data, b->size);
		r->block_data[i] = data;
	}
	r->block_count = reg->range_count;
}

void wer__report_free(struct wer_report *r)
{
	for (size_t i = 0; i < r->block_count; i++)
		free(r->block_data[i]);
	free(r->maps);
	free(r->status);
	free(r->stat);
	free(r->auxv);
	if (r->environ_raw != r->environ_data)
		free(r->environ_raw);
	free(r->environ_data);
	free(r->private_ranges);
	wer__dso_debug_free(&r->dso);
	if (r->full_fd >= 0)
		close(r->full_fd);
	wer_store_close(&r->store);
	free(r->full);
	if (r->have_capture)
		wer__capture_free(&r->capture);
	if (r->have_unwind)
		wer__unwind_free(&r->unwind);
}

/* ---- writing --------------------------------------------------------------
 */

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* Text for a Name=Value line or XML: bytes outside printable ASCII and the
 * characters XML reserves are escaped (\xNN in Report.wer, where a
 * backslash is escaped too so that every escape reads one way; entities
 * or \xNN in XML). */
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
		else if (c < 0x20 || c > 0x7E || (!xml && c == '\\'))
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
}

/* The command line with its NULs turned into spaces. */
static void put_cmdline(FILE *f, const struct wer_report *r, int xml)
{
	for (size_t i = 0; i < r->cmdline_len;) {
		size_t n = strnlen(r->cmdline + i, r->cmdline_len - i);

		if (i)
			fputc(' ', f);
		put_text(f, r->cmdline + i, n, xml);
		i += n + 1;
	}
}

struct signature {
	const char *name;
	char value[PATH_MAX + 32];
};

/* A live report's signature is its parameters, in index order. Returns
 * how many. */
static int fill_live_signature(const struct wer_report *r,
			       struct signature sig[WER_LIVE_PARAMS])
{
	int n = 0;

	for (int i = 0; i < WER_LIVE_PARAMS; i++) {
		if (!r->live->param[i].set)
			continue;
		sig[n].name = r->live->param[i].name;
		snprintf(sig[n].value, sizeof(sig[n].value), "%s",
			 r->live->param[i].value);
		n++;
	}
	return n;
}

static int fill_signature(const struct wer_report *r,
			  struct signature sig[WER_LIVE_PARAMS])
{
	const struct wer_module *m =
	    r->fault_module >= 0 ? &r->modules[r->fault_module] : NULL;
	uint64_t pc = r->have_crash ? crash_pc(r) : 0;

	sig[0].name = "Application Name";
	snprintf(sig[0].value, sizeof(sig[0].value), "%s",
		 r->exe[0] ? base_name(r->exe) : "unknown");
	sig[1].name = "Application Version";
	snprintf(sig[1].value, sizeof(sig[1].value), "%s",
		 r->app_version_source ? r->app_version : "unknown");
	sig[2].name = "Application Build ID";
	snprintf(sig[2].value, sizeof(sig[2].value), "%s",
		 r->have_unwind ? wer__unwind_build_id(&r->unwind, r->exe)
				: "");
	sig[3].name = "Fault Module Name";
	snprintf(sig[3].value, sizeof(sig[3].value), "%s",
		 m ? base_name(m->path) : "unknown");
	sig[4].name = "Fault Module Build ID";
	snprintf(sig[4].value, sizeof(sig[4].value), "%s",
		 m && r->have_unwind ? wer__unwind_build_id(&r->unwind, m->path)
				     : "");
	sig[5].name = "Signal";
	snprintf(sig[5].value, sizeof(sig[5].value), "%s (%d)",
		 wer__signal_name(r->crash.signo), r->crash.signo);
	sig[6].name = "Signal Code";
	snprintf(sig[6].value, sizeof(sig[6].value), "%d", r->crash.code);
	sig[7].name = "Fault Address";
	/* si_addr means something only for faults the kernel raised; a
	 * signal sent by a process (si_code <= 0) carries its sender there. */
	snprintf(sig[7].value, sizeof(sig[7].value), "0x%" PRIx64,
		 r->crash.code > 0 ? r->crash.address : 0);
	sig[8].name = "Fault Offset";
	snprintf(sig[8].value, sizeof(sig[8].value), "0x%" PRIx64,
		 m ? pc - m->base : pc);
	return 9;
}

static FILE *create_file(int dir_fd, const char *name)
{
	int fd =
	    openat(dir_fd, name,
		   O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);

	return fd < 0 ? NULL : fdopen(fd, "w");
}

/* Flushes, fsyncs and closes f; 0, or the first error (ENOSPC, EDQUOT,
 * EIO...) so that werfault can say why a report was not written. */
static int close_synced(FILE *f)
{
	int err = 0;

	errno = 0;
	if (ferror(f) || fflush(f) != 0 || fsync(fileno(f)) != 0)
		err = errno ? -errno : -EIO;
	if (fclose(f) != 0 && !err)
		err = errno ? -errno : -EIO;
	return err;
}

/* What became of each registered file. */
struct file_result {
	char name[96]; /* the copy's name in the report, "" when none */
	char status[96];
};

static void sanitize_name(char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' ||
		      *s == '.'))
			*s = '_';
}

/* Copies a registered file into the report, at most WER_REPORT_FILE_MAX
 * bytes; only regular files (a FIFO or device is refused, not waited on). */
static void copy_file(int dir_fd, const struct wer_snapshot_file *sf,
		      size_t index, struct file_result *res)
{
	int in = open(sf->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	char buf[65536];
	size_t total = 0;
	struct stat st;
	FILE *out;

	res->name[0] = '\0';
	if (in < 0) {
		snprintf(res->status, sizeof(res->status), "unreadable (%s)",
			 strerror(errno));
		return;
	}
	if (fstat(in, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(res->status, sizeof(res->status),
			 "not a regular file");
		close(in);
		return;
	}
	snprintf(res->name, sizeof(res->name), "File%zu-%.64s", index,
		 strrchr(sf->path, '/') ? strrchr(sf->path, '/') + 1
					: sf->path);
	sanitize_name(res->name);
	out = create_file(dir_fd, res->name);
	if (!out) {
		snprintf(res->status, sizeof(res->status), "not copied (%s)",
			 strerror(errno));
		res->name[0] = '\0';
		close(in);
		return;
	}
	while (total < WER_REPORT_FILE_MAX) {
		size_t want = WER_REPORT_FILE_MAX - total;
		ssize_t n =
		    read(in, buf, want < sizeof(buf) ? want : sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		fwrite(buf, 1, (size_t)n, out);
		total += (size_t)n;
	}
	if ((uint64_t)st.st_size > total)
		snprintf(res->status, sizeof(res->status),
			 "truncated at %zu of %lld bytes", total,
			 (long long)st.st_size);
	else
		snprintf(res->status, sizeof(res->status), "copied, %zu bytes",
			 total);
	if (close_synced(out) < 0)
		snprintf(res->status, sizeof(res->status), "write failed");
	close(in);
}

static int write_stack_txt(int dir_fd, const struct wer_report *r)
{
	FILE *f = create_file(dir_fd, "stack.txt");

	if (!f)
		return -errno;
	if (r->have_capture && r->live)
		fprintf(f,
			"No crash: a report of event %s; thread %d asked "
			"for it.\n\n",
			r->live->event_type, (int)r->tid);
	if (r->have_capture)
		wer__unwind_print(&r->capture,
				  r->have_unwind ? &r->unwind : NULL,
				  r->crash.signo, f);
	else if (r->live && !r->live->dump_type)
		fputs("No dump was asked for: no thread was captured.\n", f);
	else
		fputs("No thread could be captured.\n", f);
	if (r->have_capture && !r->capture.seized)
		fprintf(f, "\nDegraded capture: %s\n", r->capture.problem);
	return close_synced(f);
}

static int write_memory_blocks(int dir_fd, const struct wer_report *r)
{
	for (size_t i = 0; i < r->block_count; i++) {
		const struct wer_snapshot_range *b = &r->registry.range[i];
		char name[64];
		FILE *f;
		int err;

		if (!r->block_data[i])
			continue;
		snprintf(name, sizeof(name), "MemoryBlock-0x%" PRIx64 ".bin",
			 b->address);
		if (!(f = create_file(dir_fd, name)))
			return -errno;
		fwrite(r->block_data[i], 1, b->size, f);
		if ((err = close_synced(f)) < 0)
			return err;
	}
	return 0;
}

static const char *event_type(const struct wer_report *r)
{
	return r->live ? r->live->event_type : "APPCRASH";
}

/* The live report's own fields: its type, texts and files. */
static void write_live_lines(FILE *f, const struct wer_report *r,
			     const struct file_result *files)
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

static int write_report_wer(int dir_fd, const struct wer_report *r,
			    const struct signature *sig, int sig_count,
			    const char *id, const char *when,
			    const struct file_result *files,
			    const struct file_result *live_files)
{
	FILE *f = create_file(dir_fd, "Report.wer");
	struct utsname u;

	if (!f)
		return -errno;
	fprintf(f,
		"Version=1\nEventType=%s\nEventTime=%s\n"
		"ReportIdentifier=%s\n",
		event_type(r), when, id);
	if (r->live)
		write_live_lines(f, r, live_files);
	for (int i = 0; i < sig_count; i++) {
		fprintf(f, "Sig[%d].Name=%s\nSig[%d].Value=", i, sig[i].name,
			i);
		put_text(f, sig[i].value, strlen(sig[i].value), 0);
		fputc('\n', f);
	}
	for (size_t i = 0; i < r->registry.meta_count; i++)
		fprintf(f,
			"CustomMetadata[%zu].Key=%s\nCustomMetadata[%zu].Value="
			"%s\n",
			i, r->registry.meta[i].key, i,
			r->registry.meta[i].value);
	if (uname(&u) == 0)
		fprintf(f, "OsVersion=%s %s %s\n", u.sysname, u.release,
			u.machine);
	fputs("ApplicationPath=", f);
	put_text(f, r->exe, strlen(r->exe), 0);
	fputs("\nFaultModulePath=", f);
	if (r->fault_module >= 0)
		put_text(f, r->modules[r->fault_module].path,
			 strlen(r->modules[r->fault_module].path), 0);
	fprintf(f, "\nProcessId=%d\nThreadId=%d\nThreadCount=%zu\nCommandLine=",
		(int)r->pid, (int)r->tid,
		r->have_capture ? r->capture.thread_count : (size_t)0);
	put_cmdline(f, r, 0);
	fputc('\n', f);
	for (size_t i = 0; i < r->module_count; i++) {
		fprintf(f, "LoadedModule[%zu]=", i);
		put_text(f, r->modules[i].path, strlen(r->modules[i].path), 0);
		fputc('\n', f);
	}
	for (size_t i = 0; i < r->registry.file_count; i++) {
		fprintf(f, "File[%zu].Path=", i);
		put_text(f, r->registry.file[i].path,
			 strlen(r->registry.file[i].path), 0);
		fprintf(f,
			"\nFile[%zu].Type=%u\nFile[%zu].Flags=%u\n"
			"File[%zu].Copy=%s\nFile[%zu].Status=%s\n",
			i, r->registry.file[i].type, i,
			r->registry.file[i].flags, i, files[i].name, i,
			files[i].status);
	}
	for (size_t i = 0; i < r->block_count; i++) {
		const struct wer_snapshot_range *b = &r->registry.range[i];

		if (b->kind != WER_REG_RANGE_MEMORY)
			continue;
		fprintf(f, "MemoryBlock=0x%" PRIx64 ",%" PRIu64 ",%s\n",
			b->address, b->size,
			r->block_data[i] ? "captured" : "unreadable");
	}
	if (r->have_capture && !r->capture.seized)
		fprintf(f, "Degraded=%s\n", r->capture.problem);
	if (r->privileged[0])
		fprintf(f, "Privileged=%s\n", r->privileged);
	if (r->app_version_source)
		fprintf(f, "ApplicationVersionSource=%s\n",
			r->app_version_source);
	if (r->registry.unsettled || r->registry.invalid)
		fprintf(f, "RegistryDistrusted=%zu unsettled, %zu invalid\n",
			r->registry.unsettled, r->registry.invalid);
	if (r->missing[0])
		fprintf(f, "Missing=%s\n", r->missing);
	if (r->have_unwind && r->unwind.problem[0])
		fprintf(f, "UnwindCut=%s\n", r->unwind.problem);
	/* What the process had more of than werfault takes. */
	{
		char threads[64] = "", stacks[64] = "";

		if (r->have_capture &&
		    r->capture.threads_total > r->capture.thread_count)
			snprintf(threads, sizeof(threads),
				 "threads (%zu of %zu)",
				 r->capture.thread_count,
				 r->capture.threads_total);
		if (r->have_capture && r->capture.stacks_cut)
			snprintf(stacks, sizeof(stacks),
				 "%sstacks (%zu cut to fit %d MiB)",
				 threads[0] ? "," : "", r->capture.stacks_cut,
				 WER_CAPTURE_STACK_TOTAL / (1024 * 1024));
		if (threads[0] || stacks[0] || r->truncated[0])
			fprintf(f, "Truncated=%s%s%s%s\n", threads, stacks,
				(threads[0] || stacks[0]) && r->truncated[0]
				    ? ","
				    : "",
				r->truncated);
	}
	/* How often this signature crashed in the throttling window; a
	 * throttled report keeps no dump (WER_E_DUMP_THROTTLED). */
	if (r->signature_count)
		fprintf(f, "SignatureCount=%ld\n", r->signature_count);
	if (r->throttled)
		fprintf(f, "DumpThrottled=1\n");
	fprintf(f, "ReportEnvironment=%s\n",
		r->settings.number[WER_SET_REPORT_ENV] ? "full" : "scrubbed");
	if (r->scrubbed_env || r->scrubbed_args)
		fprintf(f, "Scrubbed=%zu environment values, %zu arguments\n",
			r->scrubbed_env, r->scrubbed_args);
	else /* full: every readable mapping's memory is in the dump */
		fprintf(f, "DumpType=%s\n", r->full_count ? "full" : "mini");
	return close_synced(f);
}

static int write_metadata_xml(int dir_fd, const struct wer_report *r,
			      const struct signature *sig, int sig_count,
			      const char *when)
{
	FILE *f = create_file(dir_fd, "WERInternalMetadata.xml");

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
		when, (int)r->pid, (int)r->tid);
	put_text(f, r->exe, strlen(r->exe), 1);
	fputs("</ImageName>\n    <CmdLine>", f);
	put_cmdline(f, r, 1);
	fputs("</CmdLine>\n  </ProcessInformation>\n  <CustomMetadata>\n", f);
	/* Keys were validated as XML names (registry_read.c): safe as
	 * element names. */
	for (size_t i = 0; i < r->registry.meta_count; i++) {
		fprintf(f, "    <%s>", r->registry.meta[i].key);
		put_text(f, r->registry.meta[i].value,
			 strlen(r->registry.meta[i].value), 1);
		fprintf(f, "</%s>\n", r->registry.meta[i].key);
	}
	fputs("  </CustomMetadata>\n</WERReportMetadata>\n", f);
	return close_synced(f);
}

/* The store, opened once (and checked: store_dir.c): 0 or a negative
 * errno. */
static int open_store(struct wer_report *r)
{
	if (r->store.fd >= 0)
		return 0;
	return wer_store_open(1, &r->store);
}

void wer__report_dump_settings(struct wer_report *r)
{
	const char *cap = secure_getenv("WER_DUMP_FULL_MAX_MB");
	char *end;
	unsigned long long mb;

	r->full_fd = -1;
	r->store.fd = -1;
	r->dump_full = r->settings.number[WER_SET_DUMP_TYPE] == 2;
	r->full_cap = 512ull << 20;
	if (cap && (mb = strtoull(cap, &end, 10)) > 0 && !*end &&
	    mb < (1ull << 22))
		r->full_cap = mb << 20;
}

void wer__report_read_full_memory(struct wer_report *r)
{
	static struct wer_maps_line line;
	size_t cap = 0, chunk = 1u << 20, pos = 0;
	uint64_t total = 0;
	unsigned char *buf = NULL;
	int staging = -1;

	if (!r->dump_full || !r->maps)
		return;
	if (open_store(r) < 0 ||
	    (staging = wer_store_area(&r->store, ".staging", 1)) < 0 ||
	    (r->full_fd = openat(staging, ".", O_TMPFILE | O_RDWR | O_CLOEXEC,
				 0600)) < 0 ||
	    !(buf = malloc(chunk))) {
		if (staging >= 0)
			close(staging);
		wer__report_missing(r, "full-memory");
		return;
	}
	close(staging);
	while (total < r->full_cap &&
	       wer__maps_next(r->maps, r->maps_len, &pos, &line)) {
		uint64_t lo = line.lo, hi = line.hi;

		if (line.perms[0] == 'r' && line.perms[3] == 'p' &&
		    strcmp(line.name, "[vvar]") &&
		    strcmp(line.name, "[vsyscall]")) {
			struct wer_full_range range = {lo, 0, total};

			for (uint64_t at = lo;
			     at < hi && total < r->full_cap;) {
				size_t want = hi - at < chunk ? hi - at : chunk;
				ssize_t n;

				if (want > r->full_cap - total)
					want = r->full_cap - total;
				if (wer__read_process_memory(&r->pid, at, buf,
							     want) < 0)
					break;
				n = (ssize_t)want;
				wer__report_zero_private(r, at, buf, want);
				if (write(r->full_fd, buf, (size_t)n) != n)
					break;
				at += (uint64_t)n;
				range.size += (uint64_t)n;
				total += (uint64_t)n;
			}
			if (range.size) {
				if (r->full_count == cap) {
					size_t c2 = cap ? cap * 2 : 64;
					struct wer_full_range *v =
					    realloc(r->full, c2 * sizeof(*v));

					if (!v)
						break;
					r->full = v;
					cap = c2;
				}
				r->full[r->full_count++] = range;
			}
		}
	}
	free(buf);
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

#define THROTTLE_WINDOW (60 * 60) /* seconds an identical crash is counted */

/* Counts this crash under its signature (application, its build id, fault
 * module, its build id, signal, fault offset) in <store>/Throttle/<hash>,
 * under an flock; a count older than THROTTLE_WINDOW starts again. Sets
 * r->signature_count, and r->throttled once DumpCount dumps of the
 * signature were kept in the window: its report then has no dump. */
static void throttle(struct wer_report *r, const struct signature sig[9])
{
	static const int parts[] = {0, 2, 3, 4, 5, 8};
	char name[32], text[256];
	struct stat st;
	int dir;
	uint64_t hash = 1469598103934665603ull;
	long count = 0, dumps = 0, first = 0, last = 0;
	time_t now = time(NULL);
	ssize_t n;
	int fd;

	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		for (const char *p = sig[parts[i]].value;; p++) {
			hash = (hash ^ (unsigned char)*p) * 1099511628211ull;
			if (!*p)
				break;
		}
	if ((dir = wer_store_area(&r->store, "Throttle", 1)) < 0)
		return;
	snprintf(name, sizeof(name), "%016llx", (unsigned long long)hash);
	fd = openat(dir, name,
		    O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0600);
	close(dir);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    flock(fd, LOCK_EX) < 0) {
		if (fd >= 0)
			close(fd);
		return;
	}
	n = pread(fd, text, sizeof(text) - 1, 0);
	text[n > 0 ? n : 0] = '\0';
	if (sscanf(text, "count=%ld dumps=%ld first=%ld last=%ld", &count,
		   &dumps, &first, &last) != 4 ||
	    count < 0 || dumps < 0 || now - last > THROTTLE_WINDOW ||
	    last > now)
		count = dumps = 0, first = now;
	count++;
	if (dumps >= r->settings.number[WER_SET_DUMP_COUNT])
		r->throttled = 1;
	else
		dumps++;
	n = snprintf(text, sizeof(text),
		     "count=%ld dumps=%ld first=%ld last=%ld\n", count, dumps,
		     first, (long)now);
	if (ftruncate(fd, 0) == 0)
		(void)!pwrite(fd, text, (size_t)n, 0);
	close(fd);
	r->signature_count = count;
}

int wer__report_write(struct wer_report *r, char *path, size_t size)
{
	char tmp[64], id[512], when[64];
	static struct signature sig[WER_LIVE_PARAMS];
	int sig_count;
	struct timespec ts;
	struct tm tm;
	int dir_fd = -1, err, lock_fd, store_lock = -1, queue, staging;

	/* Reports are built in <store>/.staging and renamed into
	 * <store>/ReportQueue whole: the queue never holds a partial one, even
	 * when werfault is killed. Every level by descriptor, each the
	 * user's alone (docs/security.md). */
	if ((err = open_store(r)) < 0)
		return err;
	if ((queue = wer_store_area(&r->store, WER_STORE_QUEUE, 1)) < 0)
		return queue;
	if ((staging = wer_store_area(&r->store, ".staging", 1)) < 0) {
		close(queue);
		return staging;
	}
	lock_fd = staging_enter(staging);
	if (r->have_crash) {
		ts.tv_sec = (time_t)(r->crash.time_ns / 1000000000u);
		ts.tv_nsec = (long)(r->crash.time_ns % 1000000000u);
	} else if (r->live) {
		ts.tv_sec = (time_t)(r->live->time_ns / 1000000000u);
		ts.tv_nsec = (long)(r->live->time_ns % 1000000000u);
	} else {
		clock_gettime(CLOCK_REALTIME, &ts);
	}
	gmtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(when + strlen(when), sizeof(when) - strlen(when), ".%09ldZ",
		 ts.tv_nsec);
	/* Throttling counts crashes; a live report is filed on purpose. */
	if (r->live) {
		sig_count = fill_live_signature(r, sig);
	} else {
		sig_count = fill_signature(r, sig);
		throttle(r, sig);
	}
	/* A process crashes once, but may file many live reports a second:
	 * theirs carry the nanoseconds too (submissions are serialised). */
	if (r->live)
		snprintf(id, sizeof(id),
			 "%s_%.64s_%04d%02d%02dT%02d%02d%02d.%09ld_%d",
			 r->live->event_type,
			 r->exe[0] ? base_name(r->exe) : "unknown",
			 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			 tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec,
			 (int)r->pid);
	else
		snprintf(id, sizeof(id),
			 "AppCrash_%.64s_%04d%02d%02dT%02d%02d%02d_%d",
			 r->exe[0] ? base_name(r->exe) : "unknown",
			 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			 tm.tm_hour, tm.tm_min, tm.tm_sec, (int)r->pid);
	sanitize_name(id);
	/* A directory of this werfault's own in staging: its pid and a
	 * counter, created with mkdirat (which fails on anything already
	 * there, a link included). */
	for (unsigned k = 0;; k++) {
		snprintf(tmp, sizeof(tmp), "%d.%u", (int)getpid(), k);
		if (mkdirat(staging, tmp, 0700) == 0)
			break;
		if (errno != EEXIST || k > 1000) {
			err = -errno;
			goto out;
		}
	}
	dir_fd = wer__store_dir_at(staging, tmp, 0);
	if (dir_fd < 0) {
		err = dir_fd;
		unlinkat(staging, tmp, AT_REMOVEDIR);
		goto out;
	}
	{
		static struct file_result files[WER_REG_FILE_SLOTS];
		static struct file_result live_files[WER_LIVE_FILES];
		size_t live_count = r->live ? r->live->file_count : 0;

		for (size_t i = 0; i < r->registry.file_count; i++)
			copy_file(dir_fd, &r->registry.file[i], i, &files[i]);
		for (size_t i = 0; i < live_count; i++) {
			static struct wer_snapshot_file sf;

			snprintf(sf.path, sizeof(sf.path), "%s",
				 r->live->file[i].path);
			/* Named apart from the registered files' copies. */
			copy_file(dir_fd, &sf, 1000 + i, &live_files[i]);
		}
		err = write_memory_blocks(dir_fd, r);
		if (!err)
			err = write_stack_txt(dir_fd, r);
		if (!err && !r->throttled && (!r->live || r->have_capture))
			err = wer__minidump_write(dir_fd, "minidump.mdmp", r);
		if (!err)
			err = write_report_wer(dir_fd, r, sig, sig_count, id,
					       when, files, live_files);
	}
	if (!err)
		err = write_metadata_xml(dir_fd, r, sig, sig_count, when);
	if (!err && fsync(dir_fd) < 0)
		err = -errno;
	if (!err && (size_t)snprintf(path, size, "%s/" WER_STORE_QUEUE "/%s",
				     r->store.path, id) >= size)
		err = -ENAMETOOLONG;
	/* The store's lock, exclusive, while the report goes in and the
	 * queue is trimmed: `wer` and other werfaults never see or trim a
	 * queue half changed. Without it (an unwritable lock file) the
	 * report is still written. */
	store_lock = err ? -1 : wer_store_lock(&r->store, 1);
	if (!err && renameat(staging, tmp, queue, id) < 0)
		err = -errno;
	close(dir_fd);
	if (err)
		wer_report_remove(staging, tmp);
	if (!err) {
		fsync(queue);
		/* Retention: the queue keeps MaxQueueCount reports, the
		 * oldest going first, never the one just written. */
		wer_store_trim(&r->store, WER_STORE_QUEUE,
			       r->settings.number[WER_SET_MAX_QUEUE_COUNT], id);
		for (size_t i = 0; i < r->registry.file_count; i++)
			if (r->registry.file[i].flags &
			    1 /* WER_FILE_DELETE_WHEN_DONE */)
				unlink(r->registry.file[i].path);
		for (size_t i = 0; r->live && i < r->live->file_count; i++)
			if (r->live->file[i].flags & 1)
				unlink(r->live->file[i].path);
	}
out:
	if (store_lock >= 0)
		close(store_lock);
	if (lock_fd >= 0)
		close(lock_fd);
	close(staging);
	close(queue);
	return err;
}
