/* SPDX-License-Identifier: MIT */
/*
 * live.c - the request of a report without a crash (live_format.h), read
 * from the running process and checked like everything that comes from
 * it: magic, version, size, pid, every string terminated within its field
 * and valid UTF-8, counts and enumerations within bounds.
 */
#include <errno.h>
#include <string.h>

#include "report.h"
#include "wer_internal.h"

/* A field of size bytes holds a NUL-terminated UTF-8 string. */
static int text_ok(const char *s, size_t size)
{
	size_t len;

	return memchr(s, '\0', size) && wer__utf8_check(s, size, &len) == S_OK;
}

int wer__live_request_read(pid_t pid, uint64_t address,
			   struct wer_live_request *ret)
{
	int r = wer__read_process_memory(&pid, address, ret, sizeof(*ret));
	size_t len;

	if (r < 0)
		return r;
	if (memcmp(ret->magic, WER_LIVE_MAGIC, sizeof(ret->magic)) ||
	    ret->version != WER_LIVE_VERSION || ret->size != sizeof(*ret) ||
	    ret->pid != pid || ret->tid <= 0 || ret->report_type > 4 ||
	    ret->dump_type > 4 || ret->file_count > WER_LIVE_FILES)
		return -EBADMSG;
	len = strnlen(ret->event_type, sizeof(ret->event_type));
	if (len == 0 || len >= sizeof(ret->event_type))
		return -EBADMSG;
	for (size_t i = 0; i < len; i++)
		if (ret->event_type[i] < 0x21 || ret->event_type[i] > 0x7E)
			return -EBADMSG;
	if (!text_ok(ret->friendly_name, sizeof(ret->friendly_name)) ||
	    !text_ok(ret->app_name, sizeof(ret->app_name)) ||
	    !text_ok(ret->description, sizeof(ret->description)))
		return -EBADMSG;
	for (size_t i = 0; i < WER_LIVE_PARAMS; i++) {
		const struct wer_live_param *p = &ret->param[i];

		if (p->set > 1 ||
		    (p->set &&
		     (!text_ok(p->name, sizeof(p->name)) || !p->name[0] ||
		      !text_ok(p->value, sizeof(p->value)))))
			return -EBADMSG;
	}
	for (size_t i = 0; i < ret->file_count; i++) {
		const struct wer_live_file *f = &ret->file[i];

		if (!text_ok(f->path, sizeof(f->path)) || f->path[0] != '/' ||
		    f->type < 1 || f->type > 9 || (f->flags & ~7u))
			return -EBADMSG;
	}
	return 0;
}
