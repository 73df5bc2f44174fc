/* SPDX-License-Identifier: MIT */
/*
 * throttle.c - identical crashes in a crash loop: each signature's count
 * in the store's Throttle/, and no more dumps than DumpCount an hour.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hash.h"
#include "report_format.h"
#include "report_parts.h"

#define THROTTLE_WINDOW (60 * 60) /* seconds an identical crash is counted */
#define THROTTLE_RECORD 128	  /* bytes of a signature's file */

/* Under an flock on the signature's file; a count older than
 * THROTTLE_WINDOW starts again. */
void wer__throttle(struct wer_job *r,
		   const struct wer_signature sig[WER_LIVE_PARAMS])
{
	static const int parts[] = {
	    WER_SIG_APP_NAME,	  WER_SIG_APP_BUILD_ID,
	    WER_SIG_FAULT_MODULE, WER_SIG_FAULT_MODULE_BUILD_ID,
	    WER_SIG_SIGNAL,	  WER_SIG_FAULT_OFFSET};
	char name[32], text[256];
	struct stat st;
	int dir;
	uint64_t hash = WER_FNV1A_BASIS;
	long count = 0, dumps = 0, first = 0, last = 0;
	time_t now = time(NULL);
	ssize_t n;
	int fd;

	/* Each part with its terminating NUL: parts never run together. */
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		hash = wer_fnv1a(hash, sig[parts[i]].value,
				 strlen(sig[parts[i]].value) + 1);
	if ((dir = wer_store_area(&r->store, "Throttle", 1)) < 0)
		return;
	snprintf(name, sizeof(name), "%016llx", (unsigned long long)hash);
	fd = openat(dir, name,
		    O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK,
		    0600);
	close(dir);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    flock(fd, LOCK_EX) < 0) {
		if (fd >= 0)
			close(fd);
		return;
	}
	n = pread(fd, text, sizeof(text) - 1, 0);
	text[n > 0 ? n : 0] = '\0';
	if (sscanf(text, "count=%ld dumps=%ld first=%ld last=%ld", &count,
		   &dumps, &first, &last) != 4 ||
	    count < 0 || dumps < 0 || now - last > THROTTLE_WINDOW ||
	    last > now)
		count = dumps = 0, first = now;
	count++;
	if (dumps >= r->settings.number[WER_SET_DUMP_COUNT])
		r->throttled = 1;
	else
		dumps++;
	/* One line padded to THROTTLE_RECORD bytes, rewritten in place:
	 * the file keeps its size and its block (a truncation and a write
	 * that grows it cost half a millisecond more, in the crash's path). */
	n = snprintf(text, sizeof(text),
		     "count=%ld dumps=%ld first=%ld last=%ld", count, dumps,
		     first, (long)now);
	if (n > 0 && n < THROTTLE_RECORD) {
		memset(text + n, ' ', (size_t)(THROTTLE_RECORD - 1 - n));
		text[THROTTLE_RECORD - 1] = '\n';
		(void)!pwrite(fd, text, THROTTLE_RECORD, 0);
	}
	close(fd);
	r->signature_count = count;
}
