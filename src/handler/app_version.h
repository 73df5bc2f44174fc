/* SPDX-License-Identifier: MIT */
/*
 * app_version.h - the application's version for the signature's Sig[1]
 * (docs/report.md, "Application Version").
 */
#ifndef WER_APP_VERSION_H
#define WER_APP_VERSION_H

#include <stddef.h>

/* Where a version came from, in the order they are tried. */
#define WER_APP_VERSION_API	     "api"
#define WER_APP_VERSION_PACKAGE_NOTE "package-note"
#define WER_APP_VERSION_DPKG	     "dpkg"

/* The version of the Debian package that installed the file exe (its
 * absolute path), asked of dpkg-query (two short runs, 2 s at most each,
 * no environment, no shell). 0 with the version in out, or -1 (no dpkg,
 * no package owns it, the path is not a plain one). */
int wer__dpkg_version(const char *exe, char *out, size_t size);

#endif /* WER_APP_VERSION_H */
