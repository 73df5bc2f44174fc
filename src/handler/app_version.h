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
 * absolute path, under /usr/, /bin/, /sbin/, /lib or /opt/), read from
 * dpkg's database (/var/lib/dpkg) as dpkg-query -S and -W would answer:
 * the host's (root < 0), or the one inside the directory root (a
 * container's, openat2 RESOLVE_IN_ROOT). 0 with the version in out, or -1
 * (no dpkg, no package owns it, elsewhere). */
int wer__dpkg_version_in(int root, const char *exe, char *out, size_t size);

/* A package's file list, read in pieces of any size: whether one of its
 * lines is path or other (NULL: none). Lines longer than the line buffer
 * match nothing. */
struct wer_dpkg_scan {
	const char *path, *other;
	char line[4096];
	size_t have;
	int skip, found;
};
void wer__dpkg_scan_init(struct wer_dpkg_scan *sc, const char *path,
			 const char *other);
void wer__dpkg_scan_feed(struct wer_dpkg_scan *sc, const char *data,
			 size_t len);
int wer__dpkg_scan_end(struct wer_dpkg_scan *sc);

/* The parsers, for the fuzzer: whether a line of a package's file list
 * (list[0..len)) is path; the Version of package pkg (of architecture
 * arch, when not NULL) in the status file's text, when it is installed or
 * unpacked, printable ASCII shorter than size: 0 with it in out, or -1. */
int wer__dpkg_list_has(const char *list, size_t len, const char *path);
int wer__dpkg_status_version(const char *status, size_t len, const char *pkg,
			     const char *arch, char *out, size_t size);

#endif /* WER_APP_VERSION_H */
