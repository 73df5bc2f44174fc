/* SPDX-License-Identifier: MIT */
/*
 * app_version.c - which Debian package installed a program, and its
 * version, read from dpkg's database the way dpkg-query -S and -W answer:
 * the package whose file list (/var/lib/dpkg/info/PKG[:ARCH].list) has the
 * program's path on a line of its own, then that package's Version in
 * /var/lib/dpkg/status. Running dpkg-query instead cost 0.18-0.25 s a
 * report on a quiet machine (it parses every list into its own tables)
 * and over 2 s on a loaded one; reading the lists with a line match costs
 * about 15 ms (docs/report.md).
 *
 * The database is root's, but its parsers cap every size and are fuzzed
 * (fuzz_dpkg) all the same. In a container (another root), it is read
 * inside the container's root (openat2 RESOLVE_IN_ROOT), never the host's.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "app_version.h"

#define DPKG_INFO	"/var/lib/dpkg/info"
#define DPKG_STATUS	"/var/lib/dpkg/status"
#define DPKG_LIST_MAX	(64u << 20)  /* bytes read of one package's list */
#define DPKG_LISTS_MAX	(512u << 20) /* bytes read over all lists */
#define DPKG_STATUS_MAX (256u << 20) /* bytes of the status file */
#define DPKG_NAME_MAX	256	     /* a package's name and arch */

void wer__dpkg_scan_init(struct wer_dpkg_scan *sc, const char *path,
			 const char *other)
{
	memset(sc, 0, sizeof(*sc));
	sc->path = path;
	sc->other = other;
}

/* The line sc->line[0..have) or [line, line + len) ended. */
static void line_ended(struct wer_dpkg_scan *sc, const char *line, size_t len)
{
	if (!sc->skip &&
	    ((len == strlen(sc->path) && !memcmp(line, sc->path, len)) ||
	     (sc->other && len == strlen(sc->other) &&
	      !memcmp(line, sc->other, len))))
		sc->found = 1;
	sc->have = 0;
	sc->skip = 0;
}

void wer__dpkg_scan_feed(struct wer_dpkg_scan *sc, const char *data, size_t len)
{
	const char *end = data + len;

	while (data < end && !sc->found) {
		const char *nl = memchr(data, '\n', (size_t)(end - data));
		size_t n = (size_t)((nl ? nl : end) - data);

		if (nl && !sc->have) {
			/* A whole line in data: compared where it is. */
			line_ended(sc, data, n);
		} else {
			/* A line's part: kept until it ends, unless it is
			 * longer than any path (then it matches none). */
			if (!sc->skip && n <= sizeof(sc->line) - sc->have) {
				memcpy(sc->line + sc->have, data, n);
				sc->have += n;
			} else {
				sc->skip = 1;
			}
			if (nl)
				line_ended(sc, sc->line, sc->have);
		}
		data += n + (nl != NULL);
	}
}

int wer__dpkg_scan_end(struct wer_dpkg_scan *sc)
{
	/* The last line, without its newline. */
	if (!sc->found && (sc->have || sc->skip))
		line_ended(sc, sc->line, sc->have);
	return sc->found;
}

int wer__dpkg_list_has(const char *list, size_t len, const char *path)
{
	struct wer_dpkg_scan sc;

	wer__dpkg_scan_init(&sc, path, NULL);
	wer__dpkg_scan_feed(&sc, list, len);
	return wer__dpkg_scan_end(&sc);
}

/* The value of field name in the stanza [s, end): its first line, with
 * the blanks around it taken off; NULL when absent. */
static const char *field(const char *s, const char *end, const char *name,
			 size_t *len)
{
	size_t n = strlen(name);

	for (const char *line = s; line < end;) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		const char *eol = nl ? nl : end;

		if ((size_t)(eol - line) > n && !memcmp(line, name, n) &&
		    line[n] == ':') {
			const char *v = line + n + 1;

			while (v < eol && (*v == ' ' || *v == '\t'))
				v++;
			while (eol > v && (eol[-1] == ' ' || eol[-1] == '\t' ||
					   eol[-1] == '\r'))
				eol--;
			*len = (size_t)(eol - v);
			return v;
		}
		line = nl ? nl + 1 : end;
	}
	return NULL;
}

static int equals(const char *v, size_t len, const char *s)
{
	return v && len == strlen(s) && !memcmp(v, s, len);
}

/* "want ok state" ends in a state with the package's files on disk:
 * installed, or unpacked and not yet configured; not config-files, not
 * not-installed. */
static int has_files(const char *state, size_t len)
{
	return !(len >= 13 && !memcmp(state + len - 13, "not-installed", 13)) &&
	       !(len >= 12 && !memcmp(state + len - 12, "config-files", 12));
}

/* The stanza [s, end)'s Version when it is pkg's (of arch, when not
 * NULL), with its files on disk, printable ASCII shorter than size: 0
 * with it in out, or -1. */
static int stanza_version(const char *s, const char *end, const char *pkg,
			  const char *arch, char *out, size_t size)
{
	const char *v;
	size_t len;

	v = field(s, end, "Package", &len);
	if (!equals(v, len, pkg))
		return -1;
	if (arch) {
		v = field(s, end, "Architecture", &len);
		if (!equals(v, len, arch))
			return -1;
	}
	v = field(s, end, "Status", &len);
	if (!v || !has_files(v, len))
		return -1;
	v = field(s, end, "Version", &len);
	if (!v || !len || len >= size)
		return -1;
	for (size_t i = 0; i < len; i++)
		if (v[i] < 0x21 || v[i] > 0x7e)
			return -1;
	memcpy(out, v, len);
	out[len] = '\0';
	return 0;
}

int wer__dpkg_status_version(const char *status, size_t len, const char *pkg,
			     const char *arch, char *out, size_t size)
{
	const char *end = status + len;

	for (const char *s = status; s < end;) {
		/* A stanza ends at an empty line. */
		const char *stop = s;

		while (stop < end) {
			const char *nl =
			    memchr(stop, '\n', (size_t)(end - stop));

			if (!nl) {
				stop = end;
				break;
			}
			stop = nl + 1;
			if (stop < end && *stop == '\n')
				break;
		}
		if (stanza_version(s, stop, pkg, arch, out, size) == 0)
			return 0;
		s = stop;
		while (s < end && *s == '\n')
			s++;
	}
	return -1;
}

/* path opened read-only under root: the host's (root < 0) or, inside a
 * container's root, resolved there. */
static int open_in(int root, const char *path, int flags)
{
	struct open_how how = {
	    .flags = (unsigned)(O_RDONLY | O_CLOEXEC | O_NONBLOCK | flags),
	    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};

	if (root < 0)
		return open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | flags);
	return (int)syscall(SYS_openat2, root, path, &how, sizeof(how));
}

/* A regular file read whole into *buf (grown as needed), at most max
 * bytes: its length, or -1 (not a regular file, over max, unreadable). */
static ssize_t read_whole(int fd, char **buf, size_t *cap, size_t max)
{
	struct stat st;
	size_t len = 0;

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < 0 ||
	    (unsigned long long)st.st_size > max)
		return -1;
	if ((size_t)st.st_size + 1 > *cap) {
		char *p = realloc(*buf, (size_t)st.st_size + 1);

		if (!p)
			return -1;
		*buf = p;
		*cap = (size_t)st.st_size + 1;
	}
	while (len < (size_t)st.st_size) {
		ssize_t n = read(fd, *buf + len, (size_t)st.st_size - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	return (ssize_t)len;
}

/* Whether the list file fd (its first DPKG_LIST_MAX bytes) has path or
 * other on a line; the bytes read are added to *total. Read in chunks of
 * one buffer: no allocation (page faults cost more than the reading). */
static int list_has(int fd, const char *path, const char *other, size_t *total)
{
	static char buf[64 * 1024];
	struct wer_dpkg_scan sc;
	size_t read_here = 0;

	wer__dpkg_scan_init(&sc, path, other);
	while (read_here < DPKG_LIST_MAX && !sc.found) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		read_here += (size_t)n;
		wer__dpkg_scan_feed(&sc, buf, (size_t)n);
	}
	*total += read_here;
	return wer__dpkg_scan_end(&sc);
}

/* The package (name and arch of "NAME[:ARCH].list", the first by name
 * when several list the file) whose list has path or other. 0 or -1. */
static int owner(int root, const char *path, const char *other, char *pkg,
		 size_t size)
{
	int dir_fd = open_in(root, DPKG_INFO, O_DIRECTORY);
	DIR *d = dir_fd < 0 ? NULL : fdopendir(dir_fd);
	size_t total = 0;
	struct dirent *e;

	pkg[0] = '\0';
	if (!d) {
		if (dir_fd >= 0)
			close(dir_fd);
		return -1;
	}
	while ((e = readdir(d)) && total <= DPKG_LISTS_MAX) {
		size_t n = strlen(e->d_name);
		char name[DPKG_NAME_MAX];
		struct stat st;
		int fd, has;

		if (n <= 5 || n - 5 >= size || n - 5 >= sizeof(name) ||
		    strcmp(e->d_name + n - 5, ".list") || e->d_name[0] == '.')
			continue;
		memcpy(name, e->d_name, n - 5);
		name[n - 5] = '\0';
		/* One after the owner found so far by name: not read. */
		if (pkg[0] && strcmp(name, pkg) >= 0)
			continue;
		fd = openat(dir_fd, e->d_name,
			    O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
		if (fd < 0)
			continue;
		has = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
		      list_has(fd, path, other, &total);
		close(fd);
		if (has)
			memcpy(pkg, name, n - 4);
	}
	closedir(d);
	return pkg[0] ? 0 : -1;
}

int wer__dpkg_version_in(int root, const char *exe, char *out, size_t size)
{
	static const char *const system[] = {"/usr/", "/bin/", "/sbin/", "/lib",
					     "/opt/"};
	char pkg[DPKG_NAME_MAX], *arch, *status = NULL;
	size_t k = 0, cap = 0;
	ssize_t len;
	int fd, r;

	/* Only where packages install programs: a program built in a home
	 * or a build tree costs no lookup. */
	if (exe[0] != '/' || strchr(exe, '\n'))
		return -1;
	while (k < sizeof(system) / sizeof(system[0]) &&
	       strncmp(exe, system[k], strlen(system[k])))
		k++;
	if (k == sizeof(system) / sizeof(system[0]))
		return -1;
	/* Debian 12 merged /bin into /usr/bin, but some packages still list
	 * /bin/sleep: /usr/bin/sleep is looked up without /usr too. */
	if (owner(root, exe, strncmp(exe, "/usr/", 5) ? NULL : exe + 4, pkg,
		  sizeof(pkg)) < 0)
		return -1;
	if ((arch = strchr(pkg, ':')))
		*arch++ = '\0';
	if ((fd = open_in(root, DPKG_STATUS, 0)) < 0)
		return -1;
	len = read_whole(fd, &status, &cap, DPKG_STATUS_MAX);
	close(fd);
	r = len < 0 ? -1
		    : wer__dpkg_status_version(status, (size_t)len, pkg, arch,
					       out, size);
	free(status);
	return r;
}
