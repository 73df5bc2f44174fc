/* SPDX-License-Identifier: MIT */
/*
 * system.c - `wer system enable|disable|status`: werfault as the kernel's
 * core_pattern handler, the machine's crash reporter (docs/system.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "io.h"
#include "store_dir.h"
#include "system_user.h"

#define PATTERN_FILE "/proc/sys/kernel/core_pattern"
#define PATTERN_MAX  128 /* bytes the kernel keeps (CORENAME_MAX_SIZE) */
#define SAVED	     "core_pattern.saved" /* in the store root */
#define SYSCTL_DIR   "/etc/sysctl.d"
#define SYSCTL_FILE  "50-openwer.conf" /* the pattern at every boot */

#ifndef WER_HANDLER_INSTALL_PATH
#define WER_HANDLER_INSTALL_PATH "/usr/libexec/openwer/werfault"
#endif

void system_help(FILE *f)
{
	fputs("usage: wer system status\n"
	      "       wer system enable [--force] [--werfault PATH] "
	      "[--store-root DIR]\n"
	      "                         [--sysctl-dir DIR]\n"
	      "       wer system disable [--store-root DIR] [--sysctl-dir "
	      "DIR]\n"
	      "\n"
	      "The system mode: werfault as the kernel's core_pattern "
	      "handler, so that every\nprocess's crash is reported, whether "
	      "it loaded libwer or not (docs/system.md).\n"
	      "status says who handles cores now. enable (root) saves the "
	      "pattern in force and\ninstalls werfault's; it refuses to "
	      "replace another handler (systemd-coredump,\napport, ABRT, "
	      "any pipe) without --force. disable (root) puts the saved "
	      "pattern\nback. Reports go to DIR/users/UID, each user's own "
	      "(DIR/restricted for crashes\nonly root may read, written by "
	      "the system user " WER_SYSTEM_USER ", which enable makes);\nDIR "
	      "is " WER_SYSTEM_STORE_DIR " unless --store-root says.\n"
	      "enable also writes " SYSCTL_DIR "/" SYSCTL_FILE " (--sysctl-dir "
	      "says where), so that\nthe pattern holds after a reboot; "
	      "disable removes it.\n"
	      "\n"
	      "Exit status: 0; 1 when refused or failed (why is printed); 2 "
	      "on bad usage.\n",
	      f);
}

static int read_pattern(char *buf, size_t size)
{
	int fd = open(PATTERN_FILE, O_RDONLY | O_CLOEXEC);
	size_t n;

	if (fd < 0)
		return -errno;
	n = wer_read_fd_capped(fd, buf, size - 1);
	close(fd);
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static int write_pattern(const char *pattern)
{
	int fd = open(PATTERN_FILE, O_WRONLY | O_CLOEXEC);
	int r;

	if (fd < 0)
		return -errno;
	r = wer_write_all(fd, pattern, strlen(pattern));
	if (close(fd) < 0 && !r)
		r = -errno;
	return r;
}

/* Who a pattern belongs to, in words. */
static const char *owner(const char *pattern)
{
	if (pattern[0] != '|')
		return "the kernel (core files)";
	if (strstr(pattern, "werfault") && strstr(pattern, " --core "))
		return "openwer";
	if (strstr(pattern, "systemd-coredump"))
		return "systemd-coredump";
	if (strstr(pattern, "apport"))
		return "apport";
	if (strstr(pattern, "abrt"))
		return "ABRT";
	return "another handler";
}

static int open_root(const char *root, int create)
{
	if (create && mkdir(root, 0755) < 0 && errno != EEXIST)
		return -1;
	return open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* The system user werfault becomes for the cores only root may read:
 * made (a system account, no home, no login) when missing. 0, or -1 with
 * the reason printed. */
static int system_user(void)
{
	char *const argv[] = {"useradd",       "--system",
			      "--user-group",  "--no-create-home",
			      "--home-dir",    "/nonexistent",
			      "--shell",       "/usr/sbin/nologin",
			      "--comment",     "openwer crash reports",
			      WER_SYSTEM_USER, NULL};
	static const char *const tools[] = {"/usr/sbin/useradd",
					    "/sbin/useradd"};
	int status = -1;
	uid_t uid;
	gid_t gid;
	pid_t pid;

	if (wer_system_user(&uid, &gid) == 0)
		return 0;
	for (size_t i = 0; i < 2 && status != 0; i++) {
		if (access(tools[i], X_OK) < 0)
			continue;
		if ((pid = fork()) == 0) {
			execv(tools[i], argv);
			_exit(127);
		}
		if (pid < 0 || waitpid(pid, &status, 0) < 0)
			status = -1;
	}
	if (status != 0 || wer_system_user(&uid, &gid) < 0) {
		fprintf(
		    stderr,
		    "wer system: cannot make the system user " WER_SYSTEM_USER
		    " (useradd failed or is missing): make it, then enable "
		    "again\n");
		return -1;
	}
	printf("made the system user " WER_SYSTEM_USER "\n");
	return 0;
}

static int status(void)
{
	char pattern[PATTERN_MAX + 2];
	int r = read_pattern(pattern, sizeof(pattern));

	if (r < 0) {
		fprintf(stderr, "wer system: %s: %s\n", PATTERN_FILE,
			strerror(-r));
		return 1;
	}
	printf("core_pattern: %s\nhandled by: %s\n", pattern, owner(pattern));
	return 0;
}

/* The pattern at every boot: DIR/50-openwer.conf, written whole (a
 * temporary file renamed over it), or removed (pattern NULL). 0 or a
 * negative errno. */
static int sysctl_file(const char *dir_path, const char *pattern)
{
	char text[PATTERN_MAX * 2 + 256];
	int dir, fd, r = 0;

	dir = open(dir_path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dir < 0)
		return pattern ? -errno : 0;
	if (!pattern) {
		if (unlinkat(dir, SYSCTL_FILE, 0) < 0 && errno != ENOENT)
			r = -errno;
		close(dir);
		return r;
	}
	snprintf(text, sizeof(text),
		 "# SPDX-License-Identifier: MIT\n"
		 "# openwer's system mode (docs/system.md): written by `wer "
		 "system enable`,\n# removed by `wer system disable`.\n"
		 "kernel.core_pattern = %s\n",
		 pattern);
	unlinkat(dir, SYSCTL_FILE ".new", 0);
	fd = openat(dir, SYSCTL_FILE ".new",
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		r = -errno;
		close(dir);
		return r;
	}
	r = wer_write_all(fd, text, strlen(text));
	if (!r && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && !r)
		r = -errno;
	if (!r && renameat(dir, SYSCTL_FILE ".new", dir, SYSCTL_FILE) < 0)
		r = -errno;
	if (r)
		unlinkat(dir, SYSCTL_FILE ".new", 0);
	close(dir);
	return r;
}

static int enable(const char *werfault, const char *root, int force,
		  const char *sysctl_dir)
{
	char pattern[PATTERN_MAX + 2], mine[PATTERN_MAX * 2];
	int fd, dir, r;

	if (werfault[0] != '/' || root[0] != '/' || strchr(werfault, ' ') ||
	    strchr(root, ' ')) {
		fprintf(stderr, "wer system: --werfault and --store-root are "
				"absolute paths without spaces\n");
		return 2;
	}
	if ((r = read_pattern(pattern, sizeof(pattern))) < 0) {
		fprintf(stderr, "wer system: %s: %s\n", PATTERN_FILE,
			strerror(-r));
		return 1;
	}
	snprintf(mine, sizeof(mine),
		 "|%s --core --store-root %s %%P %%i %%u %%g %%d %%s %%t %%c "
		 "%%F %%h %%e",
		 werfault, root);
	if (strlen(mine) >= PATTERN_MAX) {
		fprintf(stderr,
			"wer system: the pattern is longer than the "
			"kernel keeps (%d bytes): shorter paths\n",
			PATTERN_MAX - 1);
		return 1;
	}
	if (pattern[0] == '|' && !force && strcmp(owner(pattern), "openwer")) {
		fprintf(
		    stderr,
		    "wer system: cores are handled by %s (%s); not "
		    "replaced.\nTo replace it: wer system enable --force "
		    "(wer system disable puts it back).\nTo keep it, leave "
		    "it: reports of programs linked with libwer are written "
		    "by\nlibwer's own handler whatever handles cores.\n",
		    owner(pattern), pattern);
		return 1;
	}
	if (system_user() < 0)
		return 1;
	if (!strcmp(owner(pattern), "openwer")) {
		if ((r = write_pattern(mine)) < 0 ||
		    (r = sysctl_file(sysctl_dir, mine)) < 0)
			goto failed;
		printf("openwer already handles cores (pattern renewed)\n");
		return 0;
	}
	if ((dir = open_root(root, 1)) < 0) {
		r = -errno;
		goto failed;
	}
	/* The pattern to restore, kept once: enabling twice keeps the
	 * first. */
	fd = openat(dir, SAVED,
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd >= 0) {
		r = wer_write_all(fd, pattern, strlen(pattern));
		if (close(fd) < 0 && !r)
			r = -errno;
		if (r < 0) {
			unlinkat(dir, SAVED, 0);
			close(dir);
			goto failed;
		}
	} else if (errno != EEXIST) {
		r = -errno;
		close(dir);
		goto failed;
	}
	close(dir);
	if ((r = write_pattern(mine)) < 0)
		goto failed;
	if ((r = sysctl_file(sysctl_dir, mine)) < 0) {
		fprintf(stderr,
			"wer system: %s/" SYSCTL_FILE
			": %s (the pattern is in force until the next boot)\n",
			sysctl_dir, strerror(-r));
		return 1;
	}
	printf("openwer handles cores now (was: %s)\n", owner(pattern));
	return 0;
failed:
	fprintf(stderr, "wer system: %s\n", strerror(-r));
	return 1;
}

static int disable(const char *root, const char *sysctl_dir)
{
	char pattern[PATTERN_MAX + 2], saved[PATTERN_MAX + 2] = "core";
	int dir = open_root(root, 0), fd, r;

	if ((r = read_pattern(pattern, sizeof(pattern))) < 0) {
		fprintf(stderr, "wer system: %s: %s\n", PATTERN_FILE,
			strerror(-r));
		return 1;
	}
	if (strcmp(owner(pattern), "openwer")) {
		fprintf(stderr,
			"wer system: openwer does not handle cores "
			"(%s does): nothing to do\n",
			owner(pattern));
		if (dir >= 0)
			close(dir);
		return 1;
	}
	if (dir >= 0 &&
	    (fd = openat(dir, SAVED, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) >= 0) {
		size_t n = wer_read_fd_capped(fd, saved, sizeof(saved) - 1);

		close(fd);
		saved[n] = '\0';
		if (!n)
			snprintf(saved, sizeof(saved), "core");
	}
	if ((r = write_pattern(saved)) < 0) {
		fprintf(stderr, "wer system: %s\n", strerror(-r));
		if (dir >= 0)
			close(dir);
		return 1;
	}
	if (dir >= 0) {
		unlinkat(dir, SAVED, 0);
		close(dir);
	}
	if ((r = sysctl_file(sysctl_dir, NULL)) < 0)
		fprintf(stderr, "wer system: %s/" SYSCTL_FILE ": %s\n",
			sysctl_dir, strerror(-r));
	printf("cores are handled by %s again\n", owner(saved));
	return 0;
}

int system_main(int argc, char **argv)
{
	static const struct option options[] = {
	    {"force", no_argument, NULL, 'f'},
	    {"werfault", required_argument, NULL, 'w'},
	    {"store-root", required_argument, NULL, 'r'},
	    {"sysctl-dir", required_argument, NULL, 's'},
	    {"help", no_argument, NULL, 'h'},
	    {0}};
	const char *werfault = WER_HANDLER_INSTALL_PATH,
		   *root = WER_SYSTEM_STORE_DIR, *verb,
		   *sysctl_dir = SYSCTL_DIR;
	int force = 0, c;

	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (c) {
		case 'f':
			force = 1;
			break;
		case 'w':
			werfault = optarg;
			break;
		case 'r':
			root = optarg;
			break;
		case 's':
			sysctl_dir = optarg;
			break;
		case 'h':
			system_help(stdout);
			return 0;
		default:
			system_help(stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		system_help(stderr);
		return 2;
	}
	verb = argv[optind];
	if (!strcmp(verb, "status"))
		return status();
	if (strcmp(verb, "enable") && strcmp(verb, "disable")) {
		system_help(stderr);
		return 2;
	}
	if (geteuid() != 0) {
		fprintf(stderr,
			"wer system %s: only root changes the "
			"kernel's core_pattern\n",
			verb);
		return 1;
	}
	return !strcmp(verb, "enable")
		   ? enable(werfault, root, force, sysctl_dir)
		   : disable(root, sysctl_dir);
}
