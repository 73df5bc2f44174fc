/* SPDX-License-Identifier: MIT */
/*
 * report_api.c - reports without a crash: WerReportCreate and friends
 * (werapi.h) and wer_report_now (wer/wer.h).
 *
 * A report is a struct wer_live_request (live_format.h) on the heap, plus
 * the list of open handles, so that a closed or invented handle is
 * E_INVALIDARG rather than a use after free. Submitting starts werfault in
 * live mode with the request's address; werfault reads the request,
 * captures the process (threads stopped with ptrace, then resumed), writes
 * the report and answers one byte. The submitting thread waits for it;
 * submissions are serialised (two werfaults cannot both ptrace the
 * process).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "crash.h"
#include "live_format.h"
#include "wer/wer.h"
#include "wer_internal.h"

WER_NEEDS_CRASH_SETUP;

extern char **environ;

#define SUBMIT_TIMEOUT_MS  120000 /* unwinding a large process takes time */
#define SUBMIT_FLAGS_KNOWN 0xFFFFu
#define FILE_FLAGS_KNOWN                                                       \
	(WER_FILE_DELETE_WHEN_DONE | WER_FILE_ANONYMOUS_DATA |                 \
	 WER_FILE_COMPRESSED)

struct report {
	struct report *next;
	struct wer_live_request req;
};

static pthread_mutex_t reports_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t submit_lock = PTHREAD_MUTEX_INITIALIZER;
static struct report *reports;

/* The open report behind a handle, or NULL. Never dereferences a handle
 * that is not in the list. */
static struct report *report_find(HREPORT handle)
{
	struct report *r;

	if (!handle)
		return NULL;
	pthread_mutex_lock(&reports_lock);
	for (r = reports; r && r != handle; r = r->next)
		;
	pthread_mutex_unlock(&reports_lock);
	return r;
}

static int event_type_valid(const char *s, size_t len)
{
	if (len == 0 || len > WER_LIVE_EVENT_BYTES)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (s[i] < 0x21 || s[i] > 0x7E)
			return 0;
	return 1;
}

static struct report *report_new(const char *event_type, size_t len,
				 WER_REPORT_TYPE type)
{
	struct report *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	memcpy(r->req.magic, WER_LIVE_MAGIC, sizeof(r->req.magic));
	r->req.version = WER_LIVE_VERSION;
	r->req.size = sizeof(r->req);
	r->req.report_type = (uint32_t)type;
	memcpy(r->req.event_type, event_type, len);
	r->req.event_type[len] = '\0';
	return r;
}

static void report_link(struct report *r)
{
	pthread_mutex_lock(&reports_lock);
	r->next = reports;
	reports = r;
	pthread_mutex_unlock(&reports_lock);
}

/* Converts a WCHAR array field of WER_REPORT_INFORMATION (max characters,
 * NUL terminated within them). */
static HRESULT info_text(const WCHAR *w, size_t max, char *out, size_t size)
{
	size_t len, n = wcsnlen(w, max);
	WCHAR tmp[WER_MAX_DESCRIPTION_LENGTH + 1];

	if (n == max)
		return E_INVALIDARG;
	memcpy(tmp, w, n * sizeof(WCHAR));
	tmp[n] = 0;
	return wer__utf8_from_wide(tmp, max, out, size, &len);
}

WER_EXPORT HRESULT WINAPI WerReportCreate(PCWSTR event_type,
					  WER_REPORT_TYPE type,
					  PWER_REPORT_INFORMATION info,
					  HREPORT *ret_report)
{
	char ev[WER_LIVE_EVENT_BYTES * 4 + 1];
	struct report *r;
	size_t len;
	HRESULT hr;

	if (!event_type || !ret_report || (unsigned)type >= WerReportInvalid)
		return E_INVALIDARG;
	if (wer__utf8_from_wide(event_type, WER_MAX_EVENT_NAME_LENGTH, ev,
				sizeof(ev), &len) != S_OK ||
	    !event_type_valid(ev, len))
		return E_INVALIDARG;
	if (info && info->dwSize != sizeof(*info))
		return E_INVALIDARG;
	if (!(r = report_new(ev, len, type)))
		return E_OUTOFMEMORY;
	if (info &&
	    ((hr = info_text(info->wzFriendlyEventName,
			     WER_MAX_FRIENDLY_EVENT_NAME, r->req.friendly_name,
			     sizeof(r->req.friendly_name))) != S_OK ||
	     (hr = info_text(info->wzApplicationName,
			     WER_MAX_APPLICATION_NAME_LENGTH, r->req.app_name,
			     sizeof(r->req.app_name))) != S_OK ||
	     (hr = info_text(info->wzDescription, WER_MAX_DESCRIPTION_LENGTH,
			     r->req.description, sizeof(r->req.description))) !=
		 S_OK)) {
		free(r);
		return hr;
	}
	report_link(r);
	*ret_report = r;
	return S_OK;
}

static HRESULT set_parameter(struct report *r, DWORD index, const char *name,
			     const char *value)
{
	struct wer_live_param *p;

	if (index >= WER_MAX_PARAM_COUNT)
		return E_INVALIDARG;
	p = &r->req.param[index];
	if (name)
		snprintf(p->name, sizeof(p->name), "%s", name);
	else
		snprintf(p->name, sizeof(p->name), "P%u", (unsigned)index);
	snprintf(p->value, sizeof(p->value), "%s", value);
	p->set = 1;
	return S_OK;
}

WER_EXPORT HRESULT WINAPI WerReportSetParameter(HREPORT handle, DWORD index,
						PCWSTR name, PCWSTR value)
{
	char n[WER_LIVE_PARAM_BYTES + 1], v[WER_LIVE_PARAM_BYTES + 1];
	struct report *r = report_find(handle);
	size_t len;

	if (!r || !value || index >= WER_MAX_PARAM_COUNT)
		return E_INVALIDARG;
	if (name &&
	    (!name[0] || wer__utf8_from_wide(name, WER_MAX_PARAM_LENGTH, n,
					     sizeof(n), &len) != S_OK))
		return E_INVALIDARG;
	if (wer__utf8_from_wide(value, WER_MAX_PARAM_LENGTH, v, sizeof(v),
				&len) != S_OK)
		return E_INVALIDARG;
	return set_parameter(r, index, name ? n : NULL, v);
}

/* Makes path absolute against the working directory (bytes in
 * path[0..len), room for WER_LIVE_PATH_BYTES). */
static HRESULT absolute_path(char *path, size_t len)
{
	char cwd[WER_LIVE_PATH_BYTES + 1];
	size_t cwd_len;

	if (path[0] == '/')
		return S_OK;
	if (!getcwd(cwd, sizeof(cwd)))
		return E_INVALIDARG;
	cwd_len = strlen(cwd);
	if (cwd_len + 1 + len > WER_LIVE_PATH_BYTES)
		return E_INVALIDARG;
	memmove(path + cwd_len + 1, path, len + 1);
	memcpy(path, cwd, cwd_len);
	path[cwd_len] = '/';
	return S_OK;
}

WER_EXPORT HRESULT WINAPI WerReportAddFile(HREPORT handle, PCWSTR path,
					   WER_FILE_TYPE type, DWORD flags)
{
	struct report *r = report_find(handle);
	struct wer_live_file *f;
	size_t len;
	HRESULT hr;

	if (!r || !path || !path[0] || type < WerFileTypeMicrodump ||
	    type >= WerFileTypeMax || (flags & ~(DWORD)FILE_FLAGS_KNOWN))
		return E_INVALIDARG;
	if (r->req.file_count >= WER_LIVE_FILES)
		return WER_E_INSUFFICIENT_BUFFER;
	f = &r->req.file[r->req.file_count];
	if (wer__utf8_from_wide(path, WER_LIVE_PATH_BYTES, f->path,
				sizeof(f->path), &len) != S_OK)
		return E_INVALIDARG;
	if ((hr = absolute_path(f->path, len)) != S_OK)
		return hr;
	f->type = (uint32_t)type;
	f->flags = flags;
	r->req.file_count++;
	return S_OK;
}

WER_EXPORT HRESULT WINAPI WerReportAddDump(HREPORT handle, HANDLE process,
					   HANDLE thread, WER_DUMP_TYPE type,
					   PWER_EXCEPTION_INFORMATION exception,
					   PWER_DUMP_CUSTOM_OPTIONS options,
					   DWORD flags)
{
	struct report *r = report_find(handle);

	(void)exception;
	(void)options;
	if (!r || process != GetCurrentProcess() ||
	    (thread && thread != GetCurrentThread()) ||
	    type < WerDumpTypeMicroDump || type >= WerDumpTypeMax ||
	    (flags & ~(DWORD)(WER_DUMP_NOHEAP_ONQUEUE | WER_DUMP_AUXILIARY)))
		return E_INVALIDARG;
	r->req.dump_type = (uint32_t)type;
	r->req.dump_flags = flags;
	return S_OK;
}

/* Starts werfault in live mode for req and waits for its answer (a
 * WER_LIVE_* byte), or 0 when there was none. */
static int run_live_handler(struct wer_live_request *req)
{
	char pid_arg[24], tid_arg[24], req_arg[32], fd_arg[16];
	int access = wer__report_access();
	char *argv[] = {
	    wer__crash_config.handler_path,
	    "--live",
	    "--pid",
	    pid_arg,
	    "--tid",
	    tid_arg,
	    "--request",
	    req_arg,
	    "--done-fd",
	    fd_arg,
	    access == WER_ACCESS_ROOT ? WER_HANDLER_PRIVILEGED_OPTION : NULL,
	    NULL};
	posix_spawn_file_actions_t actions;
	char **env;
	int fds[2], answer = 0, child_fd;
	int64_t end;
	pid_t child;

	/* Only root may read this process's reports, and it cannot write
	 * root's store (docs/security.md): none. */
	if (access == WER_ACCESS_NONE ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0)
		return 0;
	/* The child's end is dup2'ed to a fixed number, which clears its
	 * close-on-exec flag in the child only. */
	child_fd = fds[1] == 3 ? 4 : 3;
	snprintf(pid_arg, sizeof(pid_arg), "%d", (int)getpid());
	snprintf(tid_arg, sizeof(tid_arg), "%d", (int)syscall(SYS_gettid));
	snprintf(req_arg, sizeof(req_arg), "%#llx",
		 (unsigned long long)(uintptr_t)req);
	snprintf(fd_arg, sizeof(fd_arg), "%d", child_fd);
	if (posix_spawn_file_actions_init(&actions)) {
		close(fds[0]);
		close(fds[1]);
		return 0;
	}
	posix_spawn_file_actions_adddup2(&actions, fds[1], child_fd);
	if (!(env = calloc(WER_HANDLER_ENV_MAX + 1, sizeof(*env))) ||
	    posix_spawn(&child, argv[0], &actions, NULL, argv,
			wer__handler_environment(env, access))) {
		free(env);
		posix_spawn_file_actions_destroy(&actions);
		close(fds[0]);
		close(fds[1]);
		return 0;
	}
	free(env);
	posix_spawn_file_actions_destroy(&actions);
	close(fds[1]);
	/* Yama drops this when werfault exits. */
	prctl(PR_SET_PTRACER, (unsigned long)child, 0, 0, 0);
	end = wer__monotonic_ms() + SUBMIT_TIMEOUT_MS;
	if (send(fds[0], "g", 1, MSG_NOSIGNAL) == 1) {
		for (;;) {
			struct pollfd p = {.fd = fds[0], .events = POLLIN};
			int64_t left = end - wer__monotonic_ms();
			unsigned char byte;
			ssize_t n;

			if (left <= 0)
				break;
			if (poll(&p, 1, (int)left) < 0) {
				if (errno == EINTR)
					continue;
				break;
			}
			if (!p.revents)
				continue;
			n = read(fds[0], &byte, 1);
			if (n < 0 && errno == EINTR)
				continue;
			if (n != 1)
				break;
			if (byte == WER_LIVE_QUEUED ||
			    byte == WER_LIVE_DISABLED ||
			    byte == WER_LIVE_FAILED) {
				answer = byte;
				break;
			}
		}
	}
	close(fds[0]);
	/* Reap it (the application may ignore SIGCHLD: then there is nothing
	 * to reap and waitpid says so). */
	while (waitpid(child, NULL, 0) < 0 && errno == EINTR)
		;
	return answer;
}

static WER_SUBMIT_RESULT submit(struct wer_live_request *req, DWORD flags)
{
	struct timespec now;
	int answer;

	clock_gettime(CLOCK_REALTIME, &now);
	req->pid = (int32_t)getpid();
	req->tid = (int32_t)syscall(SYS_gettid);
	req->flags = flags;
	req->registry = (uint64_t)(uintptr_t)&wer__registry;
	req->time_ns =
	    (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
	pthread_mutex_lock(&submit_lock);
	answer = run_live_handler(req);
	pthread_mutex_unlock(&submit_lock);
	if (answer == WER_LIVE_QUEUED)
		return WerReportQueued;
	if (answer == WER_LIVE_DISABLED)
		return WerDisabled;
	return WerReportFailed;
}

WER_EXPORT HRESULT WINAPI WerReportSubmit(HREPORT handle, WER_CONSENT consent,
					  DWORD flags,
					  PWER_SUBMIT_RESULT ret_result)
{
	struct report *r = report_find(handle);
	WER_SUBMIT_RESULT result;

	if (!r || consent < WerConsentNotAsked || consent >= WerConsentMax ||
	    (flags & ~(DWORD)SUBMIT_FLAGS_KNOWN))
		return E_INVALIDARG;
	result =
	    consent == WerConsentDenied ? WerDisabled : submit(&r->req, flags);
	if (ret_result)
		*ret_result = result;
	return result == WerReportFailed ? E_FAIL : S_OK;
}

WER_EXPORT HRESULT WINAPI WerReportCloseHandle(HREPORT handle)
{
	struct report **p, *found = NULL;

	if (!handle)
		return E_INVALIDARG;
	pthread_mutex_lock(&reports_lock);
	for (p = &reports; *p; p = &(*p)->next) {
		if (*p == handle) {
			found = *p;
			*p = found->next;
			break;
		}
	}
	pthread_mutex_unlock(&reports_lock);
	if (!found)
		return E_INVALIDARG;
	free(found);
	return S_OK;
}

WER_EXPORT HRESULT wer_report_now(const char *event_type, const char *message,
				  DWORD flags)
{
	struct report *r;
	WER_SUBMIT_RESULT result;
	size_t len;

	if (!event_type || !event_type_valid(event_type, strlen(event_type)) ||
	    (flags & ~(DWORD)WER_REPORT_NOW_NO_DUMP))
		return E_INVALIDARG;
	if (message &&
	    (wer__utf8_check(message, WER_MAX_PARAM_LENGTH, &len) != S_OK))
		return E_INVALIDARG;
	if (!(r = report_new(event_type, strlen(event_type),
			     WerReportNonCritical)))
		return E_OUTOFMEMORY;
	if (message)
		set_parameter(r, 0, "Message", message);
	if (!(flags & WER_REPORT_NOW_NO_DUMP))
		r->req.dump_type = WerDumpTypeMiniDump;
	result = submit(&r->req, WER_SUBMIT_ADD_REGISTERED_DATA);
	free(r);
	if (result == WerReportQueued)
		return S_OK;
	return result == WerDisabled ? S_FALSE : E_FAIL;
}
