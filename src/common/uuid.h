/* SPDX-License-Identifier: MIT */
/*
 * uuid.h - random (version 4) UUIDs, for ids that must not collide
 * across machines: a collector's report ids, a store's ClientId.
 */
#ifndef WER_UUID_H
#define WER_UUID_H

/* "xxxxxxxx-xxxx-4xxx-Nxxx-xxxxxxxxxxxx" and its NUL */
#define WER_UUID_SIZE 37

/* A new random UUID (RFC 9562 version 4: 122 bits from getrandom(2),
 * which waits for the kernel's pool once at boot), lowercase hex, into
 * out. 0, or -EIO when no random bytes could be had (out is then not
 * written). Thread-safe; not async-signal-safe. */
int wer_uuid4(char out[WER_UUID_SIZE]);

#endif /* WER_UUID_H */
