/* SPDX-License-Identifier: MIT */
/*
 * system_user.c - the system user's ids (system_user.h).
 */
#include <pwd.h>
#include <stdio.h>
#include <string.h>

#include "system_user.h"

int wer_system_user(uid_t *uid, gid_t *gid)
{
	FILE *f = fopen("/etc/passwd", "re");
	struct passwd *pw;
	int found = -1;

	while (f && found < 0 && (pw = fgetpwent(f)))
		if (!strcmp(pw->pw_name, WER_SYSTEM_USER) && pw->pw_uid) {
			*uid = pw->pw_uid;
			*gid = pw->pw_gid;
			found = 0;
		}
	if (f)
		fclose(f);
	return found;
}
