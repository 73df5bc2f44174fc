/* SPDX-License-Identifier: MIT */
/*
 * process.c - the live capture's /proc side (capture.h): a held process's
 * facts (exe, command line, environment, status, stat, auxv, maps and
 * modules, cwd, age), the machine's, the crash area and the registry the
 * crash path left, registered and full memory. Every read is capped; the
 * scrubbing of secrets (scrub.h) happens here, so no writer ever sees
 * them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "capture.h"
#include "io.h"
#include "maps.h"
#include "proc_read.h"
#include "scrub.h"
#include "store.h"
#include "text.h"

/* Reads path (relative to the open directory at), capped at
 * WER_SNAPSHOT_TEXT_MAX, into a new NUL-terminated text; 0, or -1
 * (ret->data stays NULL). */
static int read_text(int at, const char *path, struct wer_snapshot_text *ret)
{
	/* Read into one scratch buffer, kept as long as what was read: each
	 * text its own 256 KiB was an mmap and its own pages (a fault each
	 * when first written) for files of a few hundred bytes. werfault
	 * reads on one thread. */
	static char scratch[WER_SNAPSHOT_TEXT_MAX];
	ssize_t n = wer__read_capped_at(at, path, scratch, sizeof(scratch));
	char *buf;

	if (n < 0 || !(buf = malloc((size_t)n + 1)))
		return -1;
	memcpy(buf, scratch, (size_t)n);
	buf[n] = '\0';
	ret->data = buf;
	ret->len = (size_t)n;
	return 0;
}

/* Fields 48..51 of /proc/PID/stat: where the kernel put the arguments
 * and the environment. 0, or -1 when stat does not say. */
static int stat_areas(const struct wer_snapshot *s, uint64_t ret[4])
{
	const char *p;
	size_t len;
	int field = 2;

	if (!s->stat.data || !(p = memrchr(s->stat.data, ')', s->stat.len)))
		return -1;
	len = s->stat.len - (size_t)(p + 1 - s->stat.data);
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

static void add_private(struct wer_capture *c, uint64_t area, size_t area_len,
			const struct wer_scrubbed *sc)
{
	struct wer_private_range *v;

	if (!area || !sc->count)
		return;
	v = realloc(c->private_ranges,
		    (c->private_count + sc->count) * sizeof(*v));
	if (!v)
		return;
	c->private_ranges = v;
	for (size_t i = 0; i < sc->count; i++)
		if (sc->spans[i].offset + sc->spans[i].length <= area_len) {
			v[c->private_count].address =
			    area + sc->spans[i].offset;
			v[c->private_count++].size = sc->spans[i].length;
		}
}

/* ReportEnvironment=scrubbed: the command line and the environment lose
 * their secrets (docs/privacy.md), in the report's text, the minidump's
 * streams, and every byte of memory captured from the areas the kernel
 * keeps them in. */
void wer__capture_scrub(struct wer_capture *c)
{
	struct wer_snapshot *s = c->snap;
	struct wer_scrubbed args = {0}, env = {0};
	uint64_t areas[4] = {0}; /* arg_start, arg_end, env_start, env_end */

	if (stat_areas(s, areas) < 0 || areas[1] < areas[0] ||
	    areas[3] < areas[2])
		memset(areas, 0, sizeof(areas));
	if (wer__scrub_cmdline(s->cmdline, s->cmdline_len,
			       c->options->secret_words, &args) == 0) {
		add_private(c, areas[0], (size_t)(areas[1] - areas[0]), &args);
		s->scrubbed_args = args.count;
		s->cmdline_len = args.len < sizeof(s->cmdline) - 1
				     ? args.len
				     : sizeof(s->cmdline) - 1;
		memcpy(s->cmdline, args.text, s->cmdline_len);
		s->cmdline[s->cmdline_len] = '\0';
	} else {
		s->cmdline_len = 0; /* nothing rather than secrets */
		wer__snapshot_note(s->missing, sizeof(s->missing), "cmdline");
	}
	s->environ_raw = s->environ;
	if (s->environ.data &&
	    wer__scrub_environ(s->environ.data, s->environ.len,
			       c->options->env_allow, &env) == 0) {
		add_private(c, areas[2], (size_t)(areas[3] - areas[2]), &env);
		s->scrubbed_env = env.count;
		s->environ.data = env.text;
		s->environ.len = env.len;
		env.text = NULL;
	} else {
		s->environ.data = NULL;
		s->environ.len = 0;
	}
	wer__scrubbed_free(&args);
	wer__scrubbed_free(&env);
}

/* The process's age (field 22 of stat: its start in clock ticks since
 * boot, against /proc/uptime), -1 when unknown. */
static long process_age(const struct wer_snapshot *s)
{
	const char *paren, *p, *end;
	unsigned long long start_ticks;
	char buf[128];
	double up;
	ssize_t n;
	long age;

	if (!s->stat.data ||
	    !(paren = memrchr(s->stat.data, ')', s->stat.len)) ||
	    s->system.clock_ticks <= 0)
		return -1;
	end = s->stat.data + s->stat.len;
	p = paren + 1;
	for (int field = 2; field < 22 && p < end; p++)
		if (*p == ' ')
			field++;
	if (p >= end || sscanf(p, "%llu", &start_ticks) != 1)
		return -1;
	if ((n = wer__read_capped("/proc/uptime", buf, sizeof(buf) - 1)) <= 0)
		return -1;
	buf[n] = '\0';
	if (sscanf(buf, "%lf", &up) != 1)
		return -1;
	age = (long)(up - (double)start_ticks / (double)s->system.clock_ticks);
	return age < 0 ? 0 : age;
}

/* The process's status and stat from its /proc directory proc, and its
 * age from them (clock_ticks set). */
static void read_status(struct wer_snapshot *s, int proc)
{
	read_text(proc, "status", &s->status);
	read_text(proc, "stat", &s->stat);
	s->uptime_s = process_age(s);
}

/* /proc/PID, open; -1 when it cannot be. */
static int open_proc(pid_t pid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	return open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

/* The machine: processors, the kernel, the distribution, boot time. */
void wer__capture_system(struct wer_snapshot_system *sys)
{
	struct utsname u;
	char line[256];
	FILE *f;
	int n = 0;

	sys->clock_ticks = sysconf(_SC_CLK_TCK);
	wer__cpu_identify(&sys->cpu_id);
	read_text(AT_FDCWD, "/proc/cpuinfo", &sys->cpuinfo);
	/* Count "processor" lines, whatever the length of other lines (a
	 * fixed line buffer that gives up on long flag lines is how one
	 * writer records one CPU on a two-CPU machine). */
	for (const char *p = sys->cpuinfo.data; p && *p;) {
		if (!strncmp(p, "processor", 9) && p[9] && strchr(" \t:", p[9]))
			n++;
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	if (n <= 0)
		n = (int)sysconf(_SC_NPROCESSORS_CONF);
	sys->cpu_count = n > 0 ? n : 1;
	if (uname(&u) == 0) {
		snprintf(sys->os_name, sizeof(sys->os_name), "%s", u.sysname);
		snprintf(sys->os_release, sizeof(sys->os_release), "%s",
			 u.release);
		snprintf(sys->os_version, sizeof(sys->os_version), "%s",
			 u.version);
		snprintf(sys->machine, sizeof(sys->machine), "%s", u.machine);
	}
	if (access("/etc/lsb-release", R_OK) == 0)
		read_text(AT_FDCWD, "/etc/lsb-release", &sys->os_release_file);
	else
		read_text(AT_FDCWD, "/etc/os-release", &sys->os_release_file);
	if ((f = fopen("/proc/stat", "re"))) {
		unsigned long long btime;

		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "btime %llu", &btime) == 1) {
				sys->boot_time = btime;
				break;
			}
		fclose(f);
	}
}

void wer__capture_facts(struct wer_capture *c, struct wer_snapshot *s,
			pid_t pid, int proc, int memory_maps,
			const struct wer_capture_options *options)
{
	ssize_t n;

	memset(c, 0, sizeof(*c));
	c->snap = s;
	c->options = options;
	s->pid = pid;
	n = proc < 0 ? -1 : readlinkat(proc, "exe", s->exe, sizeof(s->exe) - 1);
	if (n < 0) {
		wer__snapshot_note(s->missing, sizeof(s->missing), "exe");
		n = 0;
	}
	s->exe[n] = '\0';
	n = proc < 0 ? -1
		     : wer__read_capped_at(proc, "cmdline", s->cmdline,
					   sizeof(s->cmdline) - 1);
	if (n < 0) {
		wer__snapshot_note(s->missing, sizeof(s->missing), "cmdline");
		n = 0;
	}
	s->cmdline_len = (size_t)n;
	s->cmdline[n] = '\0';
	if ((size_t)n == sizeof(s->cmdline) - 1)
		wer__snapshot_note(s->truncated, sizeof(s->truncated),
				   "cmdline");
	read_text(proc, "environ", &s->environ);
	if (s->environ.len == WER_SNAPSHOT_TEXT_MAX)
		wer__snapshot_note(s->truncated, sizeof(s->truncated),
				   "environ");
	s->environ_raw = s->environ;
	n = proc < 0 ? -1 : readlinkat(proc, "cwd", s->cwd, sizeof(s->cwd) - 1);
	s->cwd[n > 0 ? n : 0] = '\0';
	/* The machine's facts (wer__capture_system) are not the process's:
	 * the caller reads them once the process is released. */
	s->system.clock_ticks = sysconf(_SC_CLK_TCK);
	if (!options || !options->status_elsewhere)
		read_status(s, proc);
	if (!memory_maps)
		return;
	read_text(proc, "auxv", &s->auxv);
	s->maps.data = malloc(WER_SNAPSHOT_MAPS_MAX + 1);
	if (!s->maps.data ||
	    (n = proc < 0 ? -1
			  : wer__read_capped_at(proc, "maps", s->maps.data,
						WER_SNAPSHOT_MAPS_MAX)) < 0) {
		wer__snapshot_note(s->missing, sizeof(s->missing), "maps");
		free(s->maps.data);
		s->maps.data = NULL;
	} else {
		s->maps.data[n] = '\0';
		s->maps.len = (size_t)n;
		if (n == WER_SNAPSHOT_MAPS_MAX)
			wer__snapshot_note(s->truncated, sizeof(s->truncated),
					   "maps");
		wer__snapshot_modules(s);
	}
}

void wer__capture_process(struct wer_capture *c, struct wer_snapshot *s,
			  pid_t pid, const struct wer_capture_options *options)
{
	int proc = open_proc(pid);

	wer__capture_facts(c, s, pid, proc, 1, options);
	if (proc >= 0)
		close(proc);
	if (options->scrub && !options->status_elsewhere)
		wer__capture_scrub(c);
}

void wer__capture_status(struct wer_capture *c)
{
	struct wer_snapshot *s = c->snap;
	int proc = open_proc(s->pid);

	free(s->status.data);
	free(s->stat.data);
	s->status = s->stat = (struct wer_snapshot_text){0};
	read_status(s, proc);
	if (proc >= 0)
		close(proc);
}

void wer__capture_frozen_facts(struct wer_capture *c, struct wer_frozen *f)
{
	struct wer_snapshot *s = c->snap;

	free(s->status.data);
	free(s->stat.data);
	s->status = f->status;
	s->stat = f->stat;
	f->status = (struct wer_snapshot_text){0};
	f->stat = (struct wer_snapshot_text){0};
	s->uptime_s = process_age(s);
}

/* Text of the process's, NUL-terminated within size, without a trailing
 * newline, as valid UTF-8 (what is not, and control characters, as '?'):
 * it goes into the minidump's UTF-8 strings and the XML. */
static void take_text(char *out, size_t size, const char *in, size_t in_size)
{
	size_t n = strnlen(in, in_size < size ? in_size : size - 1), at = 0;

	while (n && in[n - 1] == '\n')
		n--;
	while (at < n) {
		size_t len =
		    wer_utf8_char_len((const unsigned char *)in + at, n - at);

		if (!len ||
		    wer_text_is_control((const unsigned char *)in + at, len)) {
			out[at++] = '?';
			continue;
		}
		memcpy(out + at, in + at, len);
		at += len;
	}
	out[at] = '\0';
}

/* glibc's abort message: __abort_msg (at where) points to a struct
 * abort_msg_s { unsigned int size; char msg[]; }, size counting the
 * whole (page-rounded) mapping. Read capped; nothing when any read fails. */
static void read_abort_message(pid_t *pid, uint64_t where, char *out,
			       size_t size)
{
	uint64_t at = 0;
	uint32_t total = 0;
	char buf[1024];
	size_t len;

	if (!where ||
	    wer__read_process_memory(pid, where, &at, sizeof(at)) < 0 || !at ||
	    wer__read_process_memory(pid, at, &total, sizeof(total)) < 0 ||
	    total <= sizeof(total))
		return;
	len = total - sizeof(total);
	if (len > sizeof(buf))
		len = sizeof(buf);
	/* Page by page would be exact; the message is at most its page
	 * anyway, and a shorter read is tried when the long one fails. */
	while (len &&
	       wer__read_process_memory(pid, at + sizeof(total), buf, len) < 0)
		len /= 2;
	take_text(out, size, buf, len);
}

int wer__capture_crash(struct wer_capture *c, uint64_t address,
		       uint64_t *ret_registry)
{
	struct wer_snapshot *s = c->snap;
	struct wer_crash_area *a = malloc(sizeof(*a));
	int r;

	if (!a)
		return -ENOMEM;
	r = wer__read_process_memory(&s->pid, address, a, sizeof(*a));
	if (r == 0 &&
	    (memcmp(a->magic, WER_CRASH_MAGIC, sizeof(a->magic)) ||
	     a->version != WER_CRASH_VERSION || a->size != sizeof(*a) ||
	     a->pid != (c->crashed_pid ? c->crashed_pid : s->pid) ||
	     a->signo <= 0 || a->signo >= 65))
		r = -EBADMSG;
	if (r == 0) {
		s->have_crash = 1;
		wer__cpu_from_ucontext(&a->context, &a->fpstate,
				       &c->crash_regs);
		s->crash = (struct wer_snapshot_crash){
		    .signo = a->signo,
		    .code = a->code,
		    .tid = a->tid,
		    .address = a->address,
		    .pc = wer_cpu_pc(&c->crash_regs),
		    .time_ns = a->time_ns,
		    .siginfo = a->siginfo,
		    .alt_stack = a->alt_stack,
		    .alt_stack_size = a->alt_stack_size,
		    .restorer = a->restorer,
		    .freeze = a->freeze};
		*ret_registry = a->registry;
		if (a->signo == SIGABRT)
			read_abort_message(&s->pid, a->abort_msg,
					   s->crash.abort_message,
					   sizeof(s->crash.abort_message));
		take_text(s->crash.exception_type,
			  sizeof(s->crash.exception_type), a->exception_type,
			  sizeof(a->exception_type));
		take_text(s->crash.exception_message,
			  sizeof(s->crash.exception_message),
			  a->exception_message, sizeof(a->exception_message));
	}
	free(a);
	return r;
}

void wer__capture_registry(struct wer_capture *c, uint64_t address)
{
	struct wer_snapshot *s = c->snap;

	s->have_registry =
	    address && wer__registry_read(wer__read_process_memory, &s->pid,
					  address, &s->registry) == 0;
}

static void zero_overlap(uint64_t address, unsigned char *data, size_t len,
			 uint64_t x, uint64_t size)
{
	uint64_t lo, hi;

	if (!data)
		return;
	if (size > UINT64_MAX - x)
		size = UINT64_MAX - x;
	lo = x > address ? x : address;
	hi = x + size < address + len ? x + size : address + len;
	if (lo < hi)
		memset(data + (lo - address), 0, hi - lo);
}

void wer__capture_zero_private(const struct wer_capture *c, uint64_t address,
			       unsigned char *data, size_t len)
{
	const struct wer_snapshot *s = c->snap;

	for (size_t j = 0; s->have_registry && j < s->registry.range_count; j++)
		if (s->registry.range[j].kind == WER_REG_RANGE_EXCLUDED)
			zero_overlap(address, data, len,
				     s->registry.range[j].address,
				     s->registry.range[j].size);
	for (size_t j = 0; j < c->private_count; j++)
		zero_overlap(address, data, len, c->private_ranges[j].address,
			     c->private_ranges[j].size);
}

/* The registered memory blocks, read while held. */
static void read_memory_blocks(struct wer_capture *c)
{
	wer__snapshot_read_blocks(c->snap, wer__read_process_memory,
				  &c->snap->pid);
}

/* For a full dump: copies every readable private mapping, streaming it
 * to an unnamed file, excluded ranges and secrets zeroed. */
static void read_full_memory(struct wer_capture *c)
{
	static struct wer_maps_line line;
	struct wer_snapshot *s = c->snap;
	uint64_t full_cap = c->options->full_cap, total = 0;
	size_t cap = 0, chunk = 1u << 20, pos = 0;
	unsigned char *buf = NULL;

	if (!c->options->dump_full || !s->maps.data)
		return;
	if (c->options->staging_fd < 0 ||
	    (s->full.fd = openat(c->options->staging_fd, ".",
				 O_TMPFILE | O_RDWR | O_CLOEXEC, 0600)) < 0 ||
	    !(buf = malloc(chunk))) {
		wer__snapshot_note(s->missing, sizeof(s->missing),
				   "full-memory");
		return;
	}
	while (total < full_cap &&
	       wer__maps_next(s->maps.data, s->maps.len, &pos, &line)) {
		uint64_t lo = line.lo, hi = line.hi;
		struct wer_full_range range = {lo, 0, total};

		if (line.perms[0] != 'r' || line.perms[3] != 'p' ||
		    !strcmp(line.name, "[vvar]") ||
		    !strcmp(line.name, "[vsyscall]"))
			continue;
		for (uint64_t at = lo; at < hi && total < full_cap;) {
			size_t want = hi - at < chunk ? hi - at : chunk;

			if (want > full_cap - total)
				want = full_cap - total;
			if (wer__read_process_memory(&s->pid, at, buf, want) <
			    0)
				break;
			wer__capture_zero_private(c, at, buf, want);
			if (wer_write_all(s->full.fd, buf, want) < 0)
				break;
			at += want;
			range.size += want;
			total += want;
		}
		if (range.size) {
			if (s->full.count == cap) {
				size_t c2 = cap ? cap * 2 : 64;
				struct wer_full_range *v =
				    realloc(s->full.ranges, c2 * sizeof(*v));

				if (!v)
					break;
				s->full.ranges = v;
				cap = c2;
			}
			s->full.ranges[s->full.count++] = range;
		}
	}
	free(buf);
}

void wer__capture_memory(struct wer_capture *c)
{
	struct wer_snapshot *s = c->snap;

	if (s->have_threads && s->thread_count && s->threads[0].crashed) {
		/* Around the faulting instruction, the fault address and
		 * every value the crashed thread's registers hold (debuggers
		 * follow pointers). */
		const struct wer_cpu_regs *regs = &s->threads[0].cpu;
		const struct wer_cpu_ops *ops = wer__cpu_ops(regs->arch);
		uint64_t pc = wer_cpu_pc(regs), values[WER_CPU_GP_MAX + 1];
		size_t n = 0;

		wer__capture_around(c, &pc, 1, WER_CAPTURE_PC_RADIUS,
				    WER_MEMORY_AROUND_PC);
		if (s->crash.code > 0)
			values[n++] = s->crash.address;
		for (size_t i = 0; i < ops->dwarf_count; i++)
			values[n++] = regs->gp[i];
		wer__capture_around(c, values, n, WER_CAPTURE_VALUE_RADIUS,
				    WER_MEMORY_AROUND_VALUE);
	}
	read_memory_blocks(c);
	wer__dso_debug_read(s->pid, s->auxv.data, s->auxv.len, &s->dso);
	wer__capture_zero_snapshot(c);
	read_full_memory(c);
}

void wer__capture_zero_snapshot(const struct wer_capture *c)
{
	struct wer_snapshot *s = c->snap;

	/* What the application excluded, and the secrets, never leave. */
	for (size_t i = 0; i < s->thread_count; i++)
		wer__capture_zero_private(c, s->threads[i].stack_start,
					  s->threads[i].stack,
					  s->threads[i].stack_size);
	for (size_t i = 0; i < s->memory_count; i++)
		wer__capture_zero_private(c, s->memory[i].start,
					  s->memory[i].data, s->memory[i].size);
	for (size_t i = 0; i < s->block_count; i++)
		if (s->block_data[i])
			wer__capture_zero_private(
			    c, s->registry.range[i].address, s->block_data[i],
			    s->registry.range[i].size);
}

void wer__capture_free(struct wer_capture *c)
{
	free(c->private_ranges);
	c->private_ranges = NULL;
	c->private_count = 0;
}
