/* SPDX-License-Identifier: MIT */
/*
 * store_dir.h - where the store is, and opening its directories safely.
 *
 * Shared by every program and by libwer (whose crash path writes its own
 * report when werfault cannot), so compiled into both: libwer cannot link
 * the store library.
 */
#ifndef WER_STORE_DIR_H
#define WER_STORE_DIR_H

#include <stddef.h>

/* The root-only store, for crashes only root may read (docs/security.md):
 * WER_SYSTEM_STORE_DIR/system, the directory set when openwer was built
 * (-DWER_SYSTEM_STORE_DIR=..., default /var/lib/openwer). */
#ifndef WER_SYSTEM_STORE_DIR
#define WER_SYSTEM_STORE_DIR "/var/lib/openwer"
#endif
#define WER_SYSTEM_STORE WER_SYSTEM_STORE_DIR "/system"

/* The store of a user who has no home: WER_NO_HOME_STORE<euid>. */
#define WER_NO_HOME_STORE "/var/tmp/openwer-"

/* Where the effective user's reports go (docs/report.md, "Where reports
 * go"): $WER_REPORT_DIR, which must be absolute (else -EINVAL: refused,
 * never ignored); else $XDG_STATE_HOME/openwer (an absolute one); else
 * $HOME/.local/state/openwer when HOME is an existing directory the user
 * may write (or the store is there already); else
 * /var/tmp/openwer-<euid> (root: the system store), never a directory
 * under a HOME that does not exist. Read with secure_getenv: in a process
 * started set-id none of the environment counts. 0, -EINVAL or -ENAMETOOLONG.
 * Not async-signal-safe. */
int wer__store_default_path(char *buf, size_t size);

/* Opens directory name under dir_fd, creating it (0700) first when create
 * is set, and accepts it only if it is a directory reached without
 * following a symbolic link, owned by the effective user (or, for root
 * and without create, by the owner of dir_fd: a store wholly one user's),
 * and writable by no group or other: as ssh treats ~/.ssh. Returns the fd
 * (O_CLOEXEC), or -EPERM when someone else owns it or may write it, -ELOOP or
 * -ENOTDIR for a link or a file, or another negative errno. Async-signal-safe.
 */
int wer__store_dir_at(int dir_fd, const char *name, int create);

/* The same for the store itself, an absolute path: its missing ancestors
 * are created (0700) when create is set, and may be links (a home
 * elsewhere); the store's own directory may not. Async-signal-safe. */
int wer__store_dir_open(const char *path, int create);

#endif /* WER_STORE_DIR_H */
