/* SPDX-License-Identifier: MIT */
/*
 * submit.c - `wer submit`: uploads reports in the Breakpad/Crashpad
 * convention, so that existing crash servers accept them, retrying what a
 * network or a busy server failed, and moves each report sent into the
 * archive with the server's answer. A report that could not be sent keeps
 * the failure in its Upload.wer, and when it is due again (--pending: the
 * timer's and werfault's runs; each failure doubles the wait); a run stops
 * at the first server that does not answer (docs/upload.md).
 *
 * The request (docs/upload.md): POST multipart/form-data with
 *   upload_file_minidump  the minidump (file, <id>.mdmp)
 *   prod, ver, guid       application name, version, this store's client id
 *   <Key>                 one field per custom metadata pair (wer.meta.<Key>
 *                         when Key is one of the names above)
 *   Report.wer            the report (file), and further files as the
 *                         consent level allows.
 */
#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "iso_time.h"
#include "report_format.h"
#include "text.h"
#include "settings.h"
#include "store_dir.h"
#include "uuid.h"

#define ANSWER_MAX	(64 * 1024) /* bytes of a server's answer kept */
#define BACKOFF_MAX_MS	60000	    /* longest wait between attempts */
#define FILES_MAX	64	    /* files of a report sent */
#define DEFAULT_RETRIES 4
#define DEFAULT_BACKOFF 1000  /* ms before the first retry, doubling */
#define PARAMETERS_ONLY 2     /* ConsentLevel: signature and metadata */
#define ALL_DATA	4     /* ConsentLevel: files and full dumps too */
#define RETRY_MAX_S	86400 /* longest wait between a report's runs */
/* submit_one's answer when the server did not answer, or answered that it
 * cannot take reports now: the run stops there. */
#define SERVER_DOWN (-EHOSTUNREACH)

void submit_help(FILE *f)
{
	fputs("usage: wer submit [--url URL] [--retries N] [--cacert FILE] "
	      "--all|--pending|REPORT...\n"
	      "\n"
	      "Uploads queued reports the way Breakpad and Crashpad clients "
	      "do (multipart\nPOST, the minidump as upload_file_minidump, "
	      "prod, ver, guid, one field per\nmetadata pair, Report.wer "
	      "attached), so Sentry, Socorro-style servers and\n"
	      "wer-collector accept them. A report sent moves to the archive "
	      "with the\nserver's answer (`wer list --sent`, `wer show`).\n"
	      "\n"
	      "What is sent follows ConsentLevel (`wer config`): 2 the "
	      "signature and metadata\nonly; 1 and 3 also the minidump (a "
	      "mini dump) and stack.txt; 4 also attached\nfiles, memory "
	      "blocks and full dumps. What is left out is said.\n"
	      "\n"
	      "  REPORT         a report to send: an id, the beginning of "
	      "one, a process id\n                 or latest (the newest)\n"
	      "  --all          every queued report (damaged ones are "
	      "skipped)\n"
	      "  --pending      the queued reports due: not tried yet, or "
	      "whose last failure's\n                 wait is over "
	      "(UploadRetrySeconds, doubling with each\n"
	      "                 failure, at most a day); one try each, no "
	      "retries unless\n                 --retries says (what "
	      "werfault and the openwer-submit timer run)\n"
	      "  --url URL      where to send (default: the UploadURL "
	      "setting)\n"
	      "  --retries N    retries after a network error or a 5xx, 408 "
	      "or 429 answer (default 4;\n"
	      "                 waits 1 s, 2 s, 4 s... or the server's "
	      "Retry-After)\n"
	      "  --cacert FILE  trust this CA certificate file (TLS is "
	      "always verified)\n"
	      "\n"
	      "A failed upload is recorded in the report (`wer show`). A run "
	      "stops at the first\nnetwork error or 5xx, 408 or 429 answer "
	      "(after its retries): the reports after\nit are not tried.\n"
	      "\n"
	      "Exit status: 0 all sent (--pending: also when none was due), 1 "
	      "no such report\nor nothing queued, 2 "
	      "usage, no URL or\na REPORT that names several (nothing is "
	      "sent), 3 the store cannot be read or a report sent "
	      "could not be archived, 4 an\nupload failed (the report stays "
	      "queued).\n",
	      f);
}

/* A file of the report, sent from an open descriptor: removing the
 * report while it is being sent cannot change what is sent. */
struct part_file {
	char name[256];
	int fd;
	curl_off_t size;
};

struct submission {
	const struct wer_report_info *r;
	struct part_file files[FILES_MAX];
	size_t file_count;
	char *params; /* Report.wer with the parameters only (level 2) */
	char sent[1024], left[1024];
};

struct answer {
	char *text;
	size_t len;
};

static struct {
	const char *url;     /* this report's (--url, or its settings') */
	const char *url_arg; /* --url: every report's */
	const char *cacert;
	long retries, backoff_ms, consent;
	long retry_s; /* UploadRetrySeconds: the first wait after a failure */
	char guid[40];
	int progress;	     /* a progress bar on stderr */
	size_t index, total; /* which report of how many */
} opt;

static size_t read_part(char *buf, size_t size, size_t n, void *arg)
{
	struct part_file *p = arg;
	ssize_t got;

	do
		got = read(p->fd, buf, size * n);
	while (got < 0 && errno == EINTR);
	return got < 0 ? CURL_READFUNC_ABORT : (size_t)got;
}

static int seek_part(void *arg, curl_off_t offset, int origin)
{
	struct part_file *p = arg;

	return lseek(p->fd, (off_t)offset, origin) < 0 ? CURL_SEEKFUNC_FAIL
						       : CURL_SEEKFUNC_OK;
}

static size_t keep_answer(char *data, size_t size, size_t n, void *arg)
{
	struct answer *a = arg;
	size_t len = size * n, room = ANSWER_MAX - a->len;

	if (len > room)
		len = room;
	memcpy(a->text + a->len, data, len);
	a->len += len;
	return size * n;
}

static int show_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow,
			 curl_off_t ultotal, curl_off_t ulnow)
{
	const struct submission *s = arg;
	int width = 30, done;

	(void)dltotal, (void)dlnow;
	if (!opt.progress)
		return 0;
	done = (int)(((double)opt.index +
		      (ultotal > 0 ? (double)ulnow / (double)ultotal : 0)) /
		     (double)opt.total * width);
	if (!cli_raw_stderr)
		return 0;
	/* The bar's carriage return must reach the terminal: the raw
	 * stderr, and the id made safe by hand. */
	fprintf(cli_raw_stderr, "\r[%-*.*s%*s] %zu/%zu ", done, done,
		"##############################", width - done, "",
		opt.index + 1, opt.total);
	wer_text_put_safe(cli_raw_stderr, s->r->id, strnlen(s->r->id, 40), "");
	return 0;
}

static void add_list(char *list, size_t size, const char *name)
{
	size_t len = strlen(list);

	snprintf(list + len, size - len, "%s%s", len ? ", " : "", name);
}

/* Whether a file of a report may be sent at the consent level. */
static int allowed(const char *name, const struct wer_report_info *r)
{
	if (!strcmp(name, "Report.wer") || !strcmp(name, "Upload.wer") ||
	    !strcmp(name, WER_APP_SETTINGS_FILE))
		return !strcmp(name, "Report.wer");
	if (!strcmp(name, "WERInternalMetadata.xml")) /* = Report.wer */
		return 0;
	if (opt.consent == PARAMETERS_ONLY)
		return -1;
	if (!strcmp(name, "stack.txt"))
		return 1;
	if (!strcmp(name, "minidump.mdmp"))
		return !r->dump_full || opt.consent >= ALL_DATA ? 1 : -1;
	return opt.consent >= ALL_DATA ? 1 : -1;
}

/* Report.wer's parameters: the lines of the signature and the metadata,
 * nothing about the machine, the process or its files. */
static char *parameters_only(const struct wer_report_info *r)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	wer_rw_header(f, r->event_type, r->event_time, r->id);
	for (size_t i = 0; i < 10; i++)
		if (r->sig_name[i][0])
			wer_rw_sig(f, i, r->sig_name[i], r->sig_value[i]);
	for (size_t i = 0; i < r->meta_count; i++)
		wer_rw_meta(f, i, r->meta_key[i], r->meta_value[i]);
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

/* Opens what the consent level allows of the report; says what it left
 * out. */
static int open_files(struct submission *s)
{
	static const char *const order[] = {"minidump.mdmp", "Report.wer",
					    "stack.txt"};
	const struct wer_report_info *r = s->r;
	char *names[FILES_MAX];
	size_t count = 0;
	struct dirent *e;
	/* The report by descriptor, checked: a report directory that is a
	 * link is refused, never followed. */
	int dir = wer_report_reopen(cli_store(), r);
	DIR *d;

	if (dir < 0)
		return dir;
	if (!(d = wer_dir_list(dir))) {
		int err = -errno;

		close(dir);
		return err;
	}
	/* The usual files first, in a fixed order, then the others. */
	for (size_t i = 0; i < 3; i++)
		names[count++] = strdup(order[i]);
	while ((e = readdir(d)) && count < FILES_MAX) {
		int known = e->d_name[0] == '.';

		for (size_t i = 0; i < 3 && !known; i++)
			known = !strcmp(e->d_name, order[i]);
		if (!known)
			names[count++] = strdup(e->d_name);
	}
	closedir(d);
	for (size_t i = 0; i < count; i++) {
		struct part_file *p = &s->files[s->file_count];
		int verdict = names[i] ? allowed(names[i], r) : 0;
		struct stat st;

		if (verdict < 0) {
			if (faccessat(dir, names[i], F_OK,
				      AT_SYMLINK_NOFOLLOW) == 0)
				add_list(s->left, sizeof(s->left), names[i]);
		} else if (verdict > 0) {
			/* Regular files only, never a FIFO waited on. */
			p->fd = wer_report_file(dir, names[i]);
			if (p->fd >= 0 && fstat(p->fd, &st) == 0) {
				snprintf(p->name, sizeof(p->name), "%s",
					 names[i]);
				p->size = (curl_off_t)st.st_size;
				s->file_count++;
				add_list(s->sent, sizeof(s->sent), names[i]);
			} else if (p->fd >= 0) {
				close(p->fd);
			}
		}
		free(names[i]);
	}
	close(dir);
	if (opt.consent == PARAMETERS_ONLY) {
		if (!(s->params = parameters_only(r)))
			return -ENOMEM;
		add_list(s->sent, sizeof(s->sent), "Report.wer (parameters)");
		/* The whole Report.wer stays home. */
		for (size_t i = 0; i < s->file_count; i++)
			if (!strcmp(s->files[i].name, "Report.wer")) {
				close(s->files[i].fd);
				s->files[i] = s->files[--s->file_count];
			}
	}
	return 0;
}

/* Whether a metadata key would be taken for one of the request's own
 * fields. */
static int reserved(const struct submission *s, const char *key)
{
	static const char *const own[] = {"upload_file_minidump", "prod", "ver",
					  "guid", "Report.wer"};

	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		if (!strcmp(key, own[i]))
			return 1;
	for (size_t i = 0; i < s->file_count; i++)
		if (!strcmp(key, s->files[i].name))
			return 1;
	return 0;
}

static curl_mime *build_form(CURL *curl, struct submission *s)
{
	const struct wer_report_info *r = s->r;
	curl_mime *form = curl_mime_init(curl);
	curl_mimepart *part;
	char name[WER_STORE_VALUE_MAX + 16];

	if (!form)
		return NULL;
	for (size_t i = 0; i < s->file_count; i++) {
		struct part_file *p = &s->files[i];
		int dump = !strcmp(p->name, "minidump.mdmp");
		char filename[300];

		lseek(p->fd, 0, SEEK_SET);
		part = curl_mime_addpart(form);
		snprintf(filename, sizeof(filename), "%s%s",
			 dump ? r->id : p->name, dump ? ".mdmp" : "");
		curl_mime_name(part, dump ? "upload_file_minidump" : p->name);
		curl_mime_filename(part, filename);
		curl_mime_type(part, dump ? "application/octet-stream"
				     : strstr(p->name, ".bin") ||
					     strstr(p->name, "File")
					 ? "application/octet-stream"
					 : "text/plain");
		curl_mime_data_cb(part, p->size, read_part, seek_part, NULL, p);
	}
	if (s->params) {
		part = curl_mime_addpart(form);
		curl_mime_name(part, "Report.wer");
		curl_mime_filename(part, "Report.wer");
		curl_mime_type(part, "text/plain");
		curl_mime_data(part, s->params, CURL_ZERO_TERMINATED);
	}
	part = curl_mime_addpart(form);
	curl_mime_name(part, "prod");
	curl_mime_data(part, wer_report_app(r), CURL_ZERO_TERMINATED);
	part = curl_mime_addpart(form);
	curl_mime_name(part, "ver");
	curl_mime_data(part, wer_report_sig(r, WER_SIG_NAME_APP_VERSION),
		       CURL_ZERO_TERMINATED);
	part = curl_mime_addpart(form);
	curl_mime_name(part, "guid");
	curl_mime_data(part, opt.guid, CURL_ZERO_TERMINATED);
	for (size_t i = 0; i < r->meta_count; i++) {
		if (!r->meta_key[i][0])
			continue;
		snprintf(name, sizeof(name), "%s%s",
			 reserved(s, r->meta_key[i]) ? "wer.meta." : "",
			 r->meta_key[i]);
		part = curl_mime_addpart(form);
		curl_mime_name(part, name);
		curl_mime_data(part, r->meta_value[i], CURL_ZERO_TERMINATED);
	}
	return form;
}

/* The first line of the answer, printable ASCII only, into buf. */
static void answer_line(const struct answer *a, char *buf, size_t size)
{
	size_t n = 0;

	for (size_t i = 0; i < a->len && n + 1 < size; i++) {
		unsigned char c = (unsigned char)a->text[i];

		if (c == '\n' || c == '\r')
			break;
		buf[n++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	buf[n] = '\0';
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* One attempt after another until the server takes the report, refuses
 * it (4xx), or the retries are spent. Returns the HTTP status (0: no
 * answer) and fills *a; *attempts says how many were made. */
static long post(CURL *curl, struct submission *s, struct answer *a,
		 long *attempts, CURLcode *ret_code)
{
	long status = 0, wait = opt.backoff_ms;

	for (*attempts = 1;; (*attempts)++) {
		curl_mime *form = build_form(curl, s);
		curl_off_t retry_after = 0;
		CURLcode code;

		a->len = 0;
		status = 0;
		curl_easy_setopt(curl, CURLOPT_MIMEPOST, form);
		code = curl_easy_perform(curl);
		curl_mime_free(form);
		*ret_code = code;
		if (code == CURLE_OK)
			curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE,
					  &status);
		if (code == CURLE_OK && status != 429 && status != 408 &&
		    status < 500)
			return status;
		/* Configuration problems do not mend by waiting. */
		if (code == CURLE_UNSUPPORTED_PROTOCOL ||
		    code == CURLE_URL_MALFORMAT ||
		    code == CURLE_PEER_FAILED_VERIFICATION ||
		    code == CURLE_SSL_CACERT_BADFILE ||
		    code == CURLE_READ_ERROR || *attempts > opt.retries)
			return status;
		if (code == CURLE_OK &&
		    curl_easy_getinfo(curl, CURLINFO_RETRY_AFTER,
				      &retry_after) == CURLE_OK &&
		    retry_after > 0)
			wait = retry_after * 1000 < BACKOFF_MAX_MS
				   ? (long)retry_after * 1000
				   : BACKOFF_MAX_MS;
		if (opt.progress)
			fputc('\n', stderr);
		if (code == CURLE_OK)
			fprintf(stderr,
				"wer submit: %s: HTTP %ld, retrying in %ld "
				"ms\n",
				s->r->id, status, wait);
		else
			fprintf(stderr,
				"wer submit: %s: %s, retrying in %ld ms\n",
				s->r->id, curl_easy_strerror(code), wait);
		sleep_ms(wait);
		wait = wait * 2 < BACKOFF_MAX_MS ? wait * 2 : BACKOFF_MAX_MS;
	}
}

/* The URL without its query (which may hold a key) and credentials. */
static void url_for_record(const char *url, char *buf, size_t size)
{
	const char *scheme = strstr(url, "://"), *at, *host;
	size_t end = strcspn(url, "?#");

	host = scheme ? scheme + 3 : url;
	at = memchr(host, '@', strcspn(host, "/?#"));
	if (at)
		snprintf(buf, size, "%.*s%.*s", (int)(host - url), url,
			 (int)(end - (size_t)(at + 1 - url)), at + 1);
	else
		snprintf(buf, size, "%.*s", (int)end, url);
}

/* The wait after the failures-th failed upload: UploadRetrySeconds,
 * doubling with each failure after the first, at most RETRY_MAX_S. */
static long long retry_wait(long base, long failures)
{
	long long wait = base;

	for (long i = 1; i < failures && wait < RETRY_MAX_S; i++)
		wait *= 2;
	return wait < RETRY_MAX_S ? wait : RETRY_MAX_S;
}

/* Whether --pending tries r now: never tried, or its last failure's wait
 * (by today's UploadRetrySeconds) is over. A last try in the future (a
 * clock set back) waits no longer than the wait itself. */
static int due(const struct wer_report_info *r, long base, time_t now)
{
	long long wait;

	if (r->upload_failures <= 0 || r->upload_last_try_s <= 0)
		return 1;
	wait = retry_wait(base, r->upload_failures);
	if (r->upload_last_try_s > (long long)now)
		return r->upload_last_try_s - (long long)now > wait;
	return (long long)now - r->upload_last_try_s >= wait;
}

/* A failed upload in the queued report's Upload.wer: how many failed, the
 * last one's time and why, and when --pending tries it again. */
static void note_failure(const struct wer_store *store,
			 const struct wer_report_info *r, CURLcode code,
			 long status, const char *answer)
{
	long failures = r->upload_failures + 1;
	long long wait = retry_wait(opt.retry_s, failures);
	char when[32], next[32], url[1024], why[WER_STORE_VALUE_MAX], *text;
	time_t now = time(NULL);
	int n, err;

	wer_time_iso(when, sizeof(when), now, -1);
	wer_time_iso(next, sizeof(next), now + (time_t)wait, -1);
	url_for_record(opt.url, url, sizeof(url));
	if (code != CURLE_OK)
		snprintf(why, sizeof(why), "%s", curl_easy_strerror(code));
	else
		snprintf(why, sizeof(why), "HTTP %ld %.200s", status, answer);
	n = asprintf(&text,
		     "FailedAttempts=%ld\nLastAttempt=%s\nLastError=%s\n"
		     "NextAttempt=%s\nUploadURL=%s\n",
		     failures, when, why, next, url);
	if (n < 0)
		return;
	if ((err = wer_store_note_upload(store, r->id, text, (size_t)n)) < 0 &&
	    err != -ENOENT)
		fprintf(stderr,
			"wer submit: %s: the failure could not be recorded: "
			"%s\n",
			r->id, strerror(-err));
	free(text);
}

static int submit_one(CURL *curl, const struct wer_store *store,
		      const struct wer_report_info *r, long max_archive)
{
	struct submission *s = calloc(1, sizeof(*s));
	struct answer a = {malloc(ANSWER_MAX), 0};
	char line[WER_STORE_VALUE_MAX], url[1024], when[32], *record = NULL;
	long status, attempts = 0;
	CURLcode code = CURLE_OK;
	time_t now;
	int err, n, lock;

	if (!s || !a.text) {
		err = -ENOMEM;
		goto out;
	}
	s->r = r;
	/* The files are opened under the store's lock, shared: a report
	 * being removed or archived meanwhile is not sent in part. The
	 * upload itself reads the open files, without the lock. */
	lock = wer_store_lock(store, 0);
	err = open_files(s);
	if (lock >= 0)
		close(lock);
	if (err < 0) {
		fprintf(stderr, "wer submit: %s: %s\n", r->id,
			err == -ENOENT ? "removed meanwhile" : strerror(-err));
		goto out;
	}
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &a);
	curl_easy_setopt(curl, CURLOPT_XFERINFODATA, s);
	status = post(curl, s, &a, &attempts, &code);
	answer_line(&a, line, sizeof(line));
	if (opt.progress)
		fputc('\n', stderr);
	if (status < 200 || status > 299) {
		note_failure(store, r, code, status, line);
		if (code != CURLE_OK)
			fprintf(stderr,
				"wer submit: %s: not sent: %s (%ld "
				"attempt%s)\n",
				r->id, curl_easy_strerror(code), attempts,
				attempts == 1 ? "" : "s");
		else
			fprintf(stderr,
				"wer submit: %s: not sent: HTTP %ld %s (%ld "
				"attempt%s)\n",
				r->id, status, line, attempts,
				attempts == 1 ? "" : "s");
		/* No answer, or "not now": the next report would fare no
		 * better. */
		err = code != CURLE_OK || status >= 500 || status == 408 ||
			      status == 429
			  ? SERVER_DOWN
			  : -EIO;
		goto out;
	}
	now = time(NULL);
	wer_time_iso(when, sizeof(when), now, -1);
	url_for_record(opt.url, url, sizeof(url));
	n = asprintf(&record,
		     "UploadTime=%s\nUploadURL=%s\nHttpStatus=%ld\n"
		     "ServerAnswer=%s\nAttempts=%ld\nConsentLevel=%ld\n"
		     "Sent=%s\nLeftOut=%s\n",
		     when, url, status, line, attempts, opt.consent, s->sent,
		     s->left);
	if (n < 0) {
		err = -ENOMEM;
		goto out;
	}
	/* Sent: a failure from here on is the store's (-ENOTRECOVERABLE
	 * tells the caller), and sending it again would make a duplicate. */
	if ((err = wer_store_archive(store, r->id, record, (size_t)n,
				     max_archive)) < 0) {
		fprintf(stderr,
			"wer submit: %s: sent, but not moved to the archive: "
			"%s (`wer rm` it, or it is sent again)\n",
			r->id, strerror(-err));
		err = -ENOTRECOVERABLE;
	}
	printf("%s: sent, HTTP %ld: %s\n", r->id, status, line);
	if (s->left[0])
		printf("  left out (ConsentLevel=%ld): %s\n", opt.consent,
		       s->left);
out:
	if (s) {
		for (size_t i = 0; i < s->file_count; i++)
			close(s->files[i].fd);
		free(s->params);
	}
	free(s);
	free(a.text);
	free(record);
	return err;
}

/* This store's client id (<store>/ClientId, made on first use): the
 * `guid` servers count distinct machines by. Read and made through the
 * store's descriptor: a link or a FIFO at either name is refused. */
static int client_id(const struct wer_store *store, char *buf, size_t size)
{
	char tmp[48];
	ssize_t n;
	int fd;

	for (int tries = 0; tries < 2; tries++) {
		if ((fd = wer_report_file(store->fd, "ClientId")) >= 0) {
			n = read(fd, buf, size - 1);
			close(fd);
			buf[n > 0 ? n : 0] = '\0';
			buf[strcspn(buf, "\n")] = '\0';
			if (strlen(buf) >= 32)
				return 0;
		}
		if (size < WER_UUID_SIZE || wer_uuid4(buf) < 0)
			return -EIO;
		snprintf(tmp, sizeof(tmp), ".ClientId.%d", (int)getpid());
		unlinkat(store->fd, tmp, 0);
		fd = openat(
		    store->fd, tmp,
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0)
			return -errno;
		n = write(fd, buf, strlen(buf));
		(void)!write(fd, "\n", 1);
		close(fd);
		/* link: the first writer's id wins a race. */
		if (n > 0 &&
		    linkat(store->fd, tmp, store->fd, "ClientId", 0) == 0) {
			unlinkat(store->fd, tmp, 0);
			return 0;
		}
		unlinkat(store->fd, tmp, 0);
	}
	return -EIO;
}

/* The settings a report's upload follows: its application's ([app NAME]
 * sections, docs/settings.md), read once an application. */
struct app_upload {
	char app[72];
	char url[WER_SETTING_TEXT_MAX];
	long consent, retry_s, max_archive;
};

/* What the application set for its own crashes in code, kept in the
 * report's AppSettings.wer (docs/report.md): 1 when it set something. */
static int report_code_settings(const struct wer_report_info *r,
				struct wer_code_settings *c)
{
	char *text = NULL, err[128];
	int dir = wer__store_dir_open(r->dir, 0), got = 0;
	ssize_t len;

	if (dir < 0)
		return 0;
	len = wer_report_file_read(dir, WER_APP_SETTINGS_FILE,
				   WER_CODE_SETTINGS_MAX, &text);
	if (len > 0 && wer_code_settings_parse(c, text, (size_t)len, err,
					       sizeof(err)) == 0)
		got = !wer_code_settings_empty(c);
	else if (len > 0)
		fprintf(stderr, "wer submit: %s/%s: %s (ignored)\n", r->dir,
			WER_APP_SETTINGS_FILE, err);
	free(text);
	close(dir);
	return got;
}

static void fill_upload(struct app_upload *u, const char *name,
			const struct wer_code_settings *code)
{
	static struct wer_settings s;
	char err[512];

	snprintf(u->app, sizeof(u->app), "%s", name);
	/* Its errors were said with the settings' first load. */
	wer_settings_load_code(&s, 0, name[0] ? name : NULL, code, err,
			       sizeof(err));
	wer_settings_load_url_file(&s, err, sizeof(err));
	snprintf(u->url, sizeof(u->url), "%s", s.text[WER_SET_UPLOAD_URL]);
	u->consent = s.number[WER_SET_CONSENT];
	u->retry_s = s.number[WER_SET_RETRY_BACKOFF];
	u->max_archive = s.number[WER_SET_MAX_ARCHIVE_COUNT];
}

/* The upload settings of report r: its application's, with what the
 * application set in code at their rank (docs/settings.md). */
static const struct app_upload *upload_for(const struct wer_report_info *r)
{
	enum { APPS = 64 };
	static struct app_upload apps[APPS];
	static size_t count;
	static struct app_upload spare, own; /* read each time */
	static struct wer_code_settings code;
	const char *name = wer_report_app(r);

	if (!wer_settings_app_name_ok(name))
		name = "";
	if (report_code_settings(r, &code)) {
		fill_upload(&own, name, &code);
		return &own;
	}
	for (size_t i = 0; i < count; i++)
		if (!strcmp(apps[i].app, name))
			return &apps[i];
	fill_upload(count < APPS ? &apps[count] : &spare, name, NULL);
	return count < APPS ? &apps[count++] : &spare;
}

/* The servers that did not take a report this run (the circuit
 * breaker). */
static char down[16][WER_SETTING_TEXT_MAX];
static size_t down_count;

static int is_down(const char *url)
{
	for (size_t i = 0; i < down_count; i++)
		if (!strcmp(down[i], url))
			return 1;
	return 0;
}

static void mark_down(const char *url)
{
	if (down_count < sizeof(down) / sizeof(down[0]) && !is_down(url))
		snprintf(down[down_count++], sizeof(down[0]), "%s", url);
}

int submit_main(int argc, char **argv)
{
	static const struct option options[] = {
	    {"all", no_argument, NULL, 'a'},
	    {"pending", no_argument, NULL, 'p'},
	    {"url", required_argument, NULL, 'u'},
	    {"retries", required_argument, NULL, 'r'},
	    {"cacert", required_argument, NULL, 'c'},
	    {"help", no_argument, NULL, 'h'},
	    {0}};
	struct wer_settings settings;
	struct wer_report_info *v = NULL, **todo = NULL;
	const struct wer_store *store;
	char err_text[512];
	const char *backoff = getenv("WER_SUBMIT_BACKOFF_MS");
	size_t count = 0, failed = 0, unarchived = 0, missing = 0,
	       ambiguous = 0, untried = 0, no_url = 0;
	int all = 0, pending = 0, retries_given = 0, modes, c, err, lock = -1;
	time_t now = time(NULL);
	long n = 0;
	CURL *curl;

	memset(&opt, 0, sizeof(opt));
	opt.retries = DEFAULT_RETRIES;
	opt.backoff_ms =
	    backoff ? cli_number_arg(backoff, 0, BACKOFF_MAX_MS) : -1;
	if (opt.backoff_ms < 0)
		opt.backoff_ms = DEFAULT_BACKOFF;
	optind = 1;
	while ((c = cli_getopt(argc, argv, "", options)) != -1) {
		switch (c) {
		case 'a':
			all = 1;
			break;
		case 'p':
			pending = 1;
			break;
		case 'u':
			opt.url_arg = optarg;
			break;
		case 'c':
			opt.cacert = optarg;
			break;
		case 'r':
			if ((opt.retries = cli_number_arg(optarg, 0, 100)) <
			    0) {
				fprintf(stderr, "wer submit: --retries wants "
						"0 to 100\n");
				return EXIT_USAGE;
			}
			retries_given = 1;
			break;
		case 'h':
			submit_help(stdout);
			return 0;
		default:
			return EXIT_USAGE;
		}
	}
	modes = all + pending + (optind < argc);
	if (modes != 1)
		return cli_usage_error("submit", "%s",
				       modes ? "one of --all, --pending and "
					       "REPORTs"
					     : "which reports? (--all, "
					       "--pending, or REPORTs)");
	/* A run of the timer's: one try a report; the wait is between
	 * runs. */
	if (pending && !retries_given)
		opt.retries = 0;
	/* Every queued report, then those due. */
	all |= pending;
	/* The settings without an application's section: said once when
	 * malformed (each application's load would say it again). */
	if (wer_settings_load(&settings, 0, err_text, sizeof(err_text)) < 0 ||
	    wer_settings_load_url_file(&settings, err_text, sizeof(err_text)) <
		0)
		fprintf(stderr, "wer submit: %s\n", err_text);
	/* One `wer submit` at a time per store: two runs would send the same
	 * report twice. The second waits, then reads the store as the first
	 * left it; without the lock the run goes on (better twice than
	 * never). */
	if ((store = cli_store()))
		lock = wer_store_lock_file(store, ".submit.lock", 1);
	if ((n = cli_load_reports(&v)) < 0) {
		fprintf(stderr, "wer submit: cannot read the store: %s\n",
			strerror((int)-n));
		if (lock >= 0)
			close(lock);
		return EXIT_STORE;
	}
	todo = calloc((size_t)(all ? n : argc - optind) + 1, sizeof(*todo));
	if (!todo) {
		free(v);
		if (lock >= 0)
			close(lock);
		return EXIT_STORE;
	}
	/* --pending: automatic sending, so only where the application's
	 * ConsentLevel allows it (2 to 4) and it has a URL. */
	for (long i = 0; all && i < n; i++) {
		const struct app_upload *u;

		if (v[i].archived || v[i].damaged)
			continue;
		if (pending &&
		    (!(u = upload_for(&v[i])) || !due(&v[i], u->retry_s, now) ||
		     u->consent < PARAMETERS_ONLY ||
		     (!opt.url_arg && !u->url[0])))
			continue;
		todo[count++] = &v[i];
	}
	for (int k = optind; !all && k < argc; k++) {
		long i = cli_match_report("submit", argv[k], v, n);
		struct wer_report_info *r = i >= 0 ? &v[i] : NULL;

		/* cli_match_report said why when there is no r. */
		if (r && r->archived)
			fprintf(stderr, "wer submit: %s was sent already\n",
				r->id);
		else if (r && r->damaged)
			fprintf(stderr, "wer submit: %s is damaged: %s\n",
				r->id, r->problem);
		else if (r)
			todo[count++] = r;
		if (i == -EEXIST)
			ambiguous++;
		else if (!r || r->archived || r->damaged)
			missing++;
	}
	if (ambiguous || !count) {
		if (ambiguous)
			fprintf(stderr, "wer submit: nothing sent\n");
		else if (pending)
			printf("No reports due.\n");
		else if (all)
			printf("No reports found.\n");
		free(todo);
		free(v);
		if (lock >= 0)
			close(lock);
		return ambiguous ? EXIT_USAGE : pending ? 0 : EXIT_NOTHING;
	}
	if (!store || client_id(store, opt.guid, sizeof(opt.guid)) < 0 ||
	    curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
	    !(curl = curl_easy_init())) {
		fprintf(stderr, "wer submit: cannot set up the upload\n");
		free(todo);
		free(v);
		if (lock >= 0)
			close(lock);
		return EXIT_STORE;
	}
	opt.total = count;
	opt.progress = count > 1 && isatty(STDERR_FILENO);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "openwer/" WER_VERSION);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 30L);
	curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, 60L);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, keep_answer);
	curl_easy_setopt(curl, CURLOPT_NOPROGRESS, opt.progress ? 0L : 1L);
	curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, show_progress);
	if (opt.cacert)
		curl_easy_setopt(curl, CURLOPT_CAINFO, opt.cacert);
	for (opt.index = 0; opt.index < count; opt.index++) {
		const struct wer_report_info *r = todo[opt.index];
		const struct app_upload *u = upload_for(r);

		opt.url = opt.url_arg ? opt.url_arg : u ? u->url : "";
		if (!opt.url[0]) {
			fprintf(stderr,
				"wer submit: %s: no URL: pass --url, or set "
				"UploadURL (`wer config --app %s`)\n",
				r->id, wer_report_app(r));
			no_url++;
			continue;
		}
		/* The circuit breaker: a server that did not take a report
		 * is not asked again this run (one dead server costs one
		 * report's tries, not every report's). */
		if (is_down(opt.url)) {
			untried++;
			continue;
		}
		opt.consent = u->consent;
		opt.retry_s = u->retry_s;
		curl_easy_setopt(curl, CURLOPT_URL, opt.url);
		err = submit_one(curl, store, r, u->max_archive);
		if (err == -ENOTRECOVERABLE)
			unarchived++;
		else if (err < 0)
			failed++;
		if (err == SERVER_DOWN)
			mark_down(opt.url);
	}
	if (untried)
		fprintf(stderr,
			"wer submit: %zu more not tried this run: their server "
			"did not take reports\n",
			untried);
	curl_easy_cleanup(curl);
	curl_global_cleanup();
	if (count > 1)
		printf("%zu of %zu report%s sent.\n",
		       count - failed - untried - no_url, count,
		       count == 1 ? "" : "s");
	free(todo);
	free(v);
	if (lock >= 0)
		close(lock);
	return no_url == count	      ? EXIT_USAGE
	       : failed || untried    ? EXIT_FAILED
	       : unarchived || no_url ? EXIT_STORE
	       : missing	      ? EXIT_NOTHING
				      : 0;
}
