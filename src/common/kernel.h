/* SPDX-License-Identifier: MIT */
/*
 * kernel.h - the running kernel's version, for what depends on it (a
 * header alone: libwer, which links none of src/common's library, uses it
 * too).
 */
#ifndef WER_KERNEL_H
#define WER_KERNEL_H

#include <stdio.h>
#include <sys/utsname.h>

/* Whether the running kernel is Linux major.minor or later; 0 when its
 * release cannot be read. */
static inline int wer_kernel_at_least(unsigned major, unsigned minor)
{
	struct utsname u;
	unsigned have_major = 0, have_minor = 0;

	if (uname(&u) < 0 ||
	    sscanf(u.release, "%u.%u", &have_major, &have_minor) != 2)
		return 0;
	return have_major > major ||
	       (have_major == major && have_minor >= minor);
}

#endif /* WER_KERNEL_H */
