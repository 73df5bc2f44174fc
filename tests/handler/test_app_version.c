/* SPDX-License-Identifier: MIT */
/*
 * test_app_version - the reader of dpkg's database (src/handler/
 * app_version.c): its parsers on fixed text, then its answers beside
 * dpkg-query's own for programs this machine's packages installed.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "app_version.h"

#define LIST "/.\n/bin\n/bin/sleep\n/usr/bin/env\n/usr/share/doc/x"

static void list_lines_match_whole(void **state)
{
	(void)state;
	assert_true(wer__dpkg_list_has(LIST, strlen(LIST), "/bin/sleep"));
	assert_true(wer__dpkg_list_has(LIST, strlen(LIST), "/usr/bin/env"));
	assert_true(wer__dpkg_list_has(LIST, strlen(LIST), "/."));
	/* The last line, without its newline. */
	assert_true(wer__dpkg_list_has(LIST, strlen(LIST), "/usr/share/doc/x"));
	/* A prefix, a suffix, a part: no. */
	assert_false(wer__dpkg_list_has(LIST, strlen(LIST), "/bin/slee"));
	assert_false(wer__dpkg_list_has(LIST, strlen(LIST), "/usr/bin"));
	assert_false(wer__dpkg_list_has(LIST, strlen(LIST), "bin/sleep"));
	assert_false(wer__dpkg_list_has(LIST, strlen(LIST), ""));
	/* Within len only. */
	assert_false(wer__dpkg_list_has(LIST, 10, "/bin/sleep"));
}

static const char status[] = "Package: coreutils\n"
			     "Status: deinstall ok config-files\n"
			     "Architecture: i386\n"
			     "Version: 8.0-1\n"
			     "\n"
			     "Package: coreutils-extra\n"
			     "Status: install ok installed\n"
			     "Version: 7\n"
			     "\n"
			     "Package: coreutils\n"
			     "Status: install ok installed\n"
			     "Architecture: amd64\n"
			     "Description: not a field\n"
			     " Version: 0-fake\n"
			     "Version: 9.1-1 \n"
			     "\n"
			     "Package: libc6\n"
			     "Status: install ok unpacked\n"
			     "Architecture: arm64\n"
			     "Version: 2.36-9\n"
			     "\n"
			     "Package: bad\n"
			     "Status: install ok installed\n"
			     "Version: 1 2\n"
			     "\n"
			     "Package: gone\n"
			     "Status: purge ok not-installed\n"
			     "Version: 3\n";

static void status_versions(void **state)
{
	char out[64];
	size_t n = sizeof(status) - 1;

	(void)state;
	/* The installed stanza, not the config-files one before it, nor a
	 * name it begins; the blanks after the value are not its. */
	assert_int_equal(wer__dpkg_status_version(status, n, "coreutils", NULL,
						  out, sizeof(out)),
			 0);
	assert_string_equal(out, "9.1-1");
	assert_int_equal(wer__dpkg_status_version(status, n, "coreutils",
						  "amd64", out, sizeof(out)),
			 0);
	assert_string_equal(out, "9.1-1");
	assert_int_equal(wer__dpkg_status_version(status, n, "coreutils",
						  "i386", out, sizeof(out)),
			 -1);
	assert_int_equal(wer__dpkg_status_version(status, n, "libc6", "arm64",
						  out, sizeof(out)),
			 0);
	assert_string_equal(out, "2.36-9");
	/* A version with a blank, a package not installed, none at all, a
	 * version longer than out. */
	assert_int_equal(
	    wer__dpkg_status_version(status, n, "bad", NULL, out, sizeof(out)),
	    -1);
	assert_int_equal(
	    wer__dpkg_status_version(status, n, "gone", NULL, out, sizeof(out)),
	    -1);
	assert_int_equal(
	    wer__dpkg_status_version(status, n, "none", NULL, out, sizeof(out)),
	    -1);
	assert_int_equal(
	    wer__dpkg_status_version(status, n, "coreutils", NULL, out, 5), -1);
}

/* dpkg-query's answer for path: the version of the first package -S
 * names, or "" when it names none. */
static void dpkg_query(const char *path, char *out, size_t size)
{
	char cmd[1024], line[4096], pkg[512];
	FILE *p;
	size_t n;

	out[0] = '\0';
	snprintf(cmd, sizeof(cmd), "dpkg-query -S -- '%s' 2>/dev/null", path);
	if (!(p = popen(cmd, "r")))
		return;
	line[0] = '\0';
	if (!fgets(line, sizeof(line), p))
		line[0] = '\0';
	pclose(p);
	n = strcspn(line, ",: \n");
	if (!n || n >= sizeof(pkg) || (line[n] != ':' && line[n] != ','))
		return;
	/* "diversion by X from: path" is not an owner. */
	if (!strncmp(line, "diversion by ", 13))
		return;
	memcpy(pkg, line, n);
	pkg[n] = '\0';
	snprintf(cmd, sizeof(cmd),
		 "dpkg-query -W -f='${Version}' -- '%s' 2>/dev/null", pkg);
	if (!(p = popen(cmd, "r")))
		return;
	if (!fgets(out, (int)size, p))
		out[0] = '\0';
	pclose(p);
	out[strcspn(out, "\n")] = '\0';
}

/* Programs of /usr/bin and /usr/sbin (every 7th, 40 at most, those a
 * single package lists as they are named) read as dpkg-query reads them. */
static void agrees_with_dpkg_query(void **state)
{
	static const char *const dirs[] = {"/usr/bin", "/usr/sbin"};
	int compared = 0, found = 0;

	(void)state;
	if (access("/usr/bin/dpkg-query", X_OK) < 0)
		skip();
	for (size_t d = 0; d < 2 && compared < 40; d++) {
		DIR *dir = opendir(dirs[d]);
		struct dirent *e;
		int k = 0;

		while (dir && (e = readdir(dir)) && compared < 40) {
			char path[1024], ours[129], theirs[129];
			struct stat st;
			int r;

			if (e->d_name[0] == '.' || k++ % 7 ||
			    strpbrk(e->d_name, "'*?[\\"))
				continue;
			snprintf(path, sizeof(path), "%s/%s", dirs[d],
				 e->d_name);
			if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode))
				continue;
			dpkg_query(path, theirs, sizeof(theirs));
			r = wer__dpkg_version_in(-1, path, ours, sizeof(ours));
			if (!theirs[0]) {
				/* Neither knows it (a merged /usr path dpkg
				 * knows without /usr: we look that up too). */
				if (r == 0) {
					char bare[1024];

					snprintf(bare, sizeof(bare), "%s",
						 path + 4);
					dpkg_query(bare, theirs,
						   sizeof(theirs));
					assert_string_equal(ours, theirs);
				}
			} else {
				if (r != 0)
					fail_msg("%s: dpkg-query says %s, we "
						 "found none",
						 path, theirs);
				assert_string_equal(ours, theirs);
				found++;
			}
			compared++;
		}
		if (dir)
			closedir(dir);
	}
	print_message("compared %d programs, %d owned by a package\n", compared,
		      found);
	assert_true(compared > 0);
}

static void outside_package_paths_cost_nothing(void **state)
{
	char out[129];

	(void)state;
	assert_int_equal(
	    wer__dpkg_version_in(-1, "/home/x/a.out", out, sizeof(out)), -1);
	assert_int_equal(wer__dpkg_version_in(-1, "relative", out, sizeof(out)),
			 -1);
	assert_int_equal(wer__dpkg_version_in(-1,
					      "/usr/bin/no-such-program-here",
					      out, sizeof(out)),
			 -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(list_lines_match_whole),
	    cmocka_unit_test(status_versions),
	    cmocka_unit_test(agrees_with_dpkg_query),
	    cmocka_unit_test(outside_package_paths_cost_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
