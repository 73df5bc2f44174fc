/* SPDX-License-Identifier: MIT */
/*
 * system_user.h - the system user that parses the cores of crashes only
 * root may read (docs/system.md): its name, and its ids as werfault and
 * `wer system` both find them.
 */
#ifndef WER_SYSTEM_USER_H
#define WER_SYSTEM_USER_H

#include <sys/types.h>

#ifndef WER_SYSTEM_USER
#define WER_SYSTEM_USER "openwer"
#endif

/* The system user's ids, from /etc/passwd alone (fgetpwent), not
 * through NSS: `wer system enable` makes it there (useradd --system), and
 * werfault, root at a crash, runs no name service module for it (a static
 * werfault loads no shared object, docs/security.md). 0, or -1 when
 * there is none (or it is root). */
int wer_system_user(uid_t *uid, gid_t *gid);

#endif /* WER_SYSTEM_USER_H */
