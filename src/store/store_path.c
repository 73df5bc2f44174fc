/* SPDX-License-Identifier: MIT */
/*
 * store_path.c - where the effective user's reports go: the one rule, for
 * libwer (at load) and every program.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store_dir.h"

int wer__store_default_path(char *buf, size_t size)
{
	const char *dir = secure_getenv("WER_REPORT_DIR");
	const char *xdg = secure_getenv("XDG_STATE_HOME");
	const char *home = secure_getenv("HOME");
	struct stat st;
	int n;

	if (dir && dir[0]) {
		if (dir[0] != '/')
			return -EINVAL;
		n = snprintf(buf, size, "%s", dir);
	} else if (xdg && xdg[0] == '/') {
		n = snprintf(buf, size, "%s/openwer", xdg);
	} else if (home && home[0] == '/' && stat(home, &st) == 0 &&
		   S_ISDIR(st.st_mode) &&
		   (n = snprintf(buf, size, "%s/.local/state/openwer", home)) >
		       0 &&
		   (size_t)n < size &&
		   (stat(buf, &st) == 0 ||
		    faccessat(AT_FDCWD, home, W_OK, AT_EACCESS) == 0)) {
		/* The home's store: it is there, or the home is the user's
		 * to write (not a root-owned /var/lib/daemon). */
	} else if (geteuid() == 0) {
		/* Not /var/tmp: any user could take root's name there
		 * first. */
		n = snprintf(buf, size, "%s", WER_SYSTEM_STORE);
	} else {
		n = snprintf(buf, size, WER_NO_HOME_STORE "%u",
			     (unsigned)geteuid());
	}
	return n > 0 && (size_t)n < size ? 0 : -ENAMETOOLONG;
}
