/* SPDX-License-Identifier: MIT */
/*
 * package_note.h - the version in an ELF .note.package note: the package
 * metadata that Fedora's and systemd's builds link into every binary
 * (https://systemd.io/ELF_PACKAGE_METADATA/; note type 0xcafe1a7e, owner
 * "FDO", a JSON object such as
 * {"type":"rpm","name":"curl","version":"8.2.1-3.fc39",...}).
 */
#ifndef WER_PACKAGE_NOTE_H
#define WER_PACKAGE_NOTE_H

#include <stddef.h>

#define WER_PACKAGE_NOTE_TYPE  0xcafe1a7eu
#define WER_PACKAGE_NOTE_OWNER "FDO"
#define WER_PACKAGE_NOTE_MAX   4096 /* bytes of JSON looked at */

/* The string value of the top-level "version" of the JSON object json
 * (len bytes, untrusted, not necessarily NUL-terminated), unescaped, as
 * printable ASCII of at most size - 1 bytes into out. Returns 0, or -1
 * when there is none, it is not a string, the text is not a JSON object,
 * or the version is empty or holds anything but printable ASCII. */
int wer__package_note_version(const char *json, size_t len, char *out,
			      size_t size);

#endif /* WER_PACKAGE_NOTE_H */
