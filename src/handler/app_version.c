/* SPDX-License-Identifier: MIT */
/*
 * app_version.c - asking dpkg which package installed a program, and its
 * version. werfault runs dpkg-query after the crashed process is
 * released: /usr/bin/dpkg-query by its absolute path, with an empty
 * environment, stdin and stderr on /dev/null, its answer capped and read
 * with a deadline (DPKG_TIMEOUT_MS: a loaded machine took over 2 s).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "app_version.h"

#define DPKG_QUERY	"/usr/bin/dpkg-query"
#define DPKG_TIMEOUT_MS 10000
#define DPKG_ANSWER_MAX 4096

static long long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Runs dpkg-query with args; its standard output (at most size - 1 bytes,
 * NUL-terminated) into out. 0 when it exited 0 in time, 1 when it exited
 * with another status, -1 when it did not run or end in time. */
static int dpkg_query(char *const args[], char *out, size_t size)
{
	char *const envp[] = {NULL};
	long long end = now_ms() + DPKG_TIMEOUT_MS;
	size_t len = 0;
	int fds[2], status = -1;
	pid_t child;

	if (access(DPKG_QUERY, X_OK) < 0 || pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	child = fork();
	if (child == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);

		if (null < 0 || dup2(null, STDIN_FILENO) < 0 ||
		    dup2(fds[1], STDOUT_FILENO) < 0 ||
		    dup2(null, STDERR_FILENO) < 0)
			_exit(127);
		execve(DPKG_QUERY, args, envp);
		_exit(127);
	}
	close(fds[1]);
	if (child < 0) {
		close(fds[0]);
		return -1;
	}
	for (;;) {
		struct pollfd p = {fds[0], POLLIN, 0};
		long long left = end - now_ms();
		ssize_t n;

		if (left <= 0 || poll(&p, 1, (int)left) <= 0) {
			if (left > 0 && errno == EINTR)
				continue;
			kill(child, SIGKILL);
			break;
		}
		n = read(fds[0], out + len, size - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len == size - 1)
			break;
	}
	close(fds[0]);
	out[len] = '\0';
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status) == 0 ? 0 : 1;
}

/* The first package dpkg -S names for path or for other (NULL, or the
 * same file by another name): "pkg" of "pkg[:arch][, ...]: path". One run
 * (dpkg-query -S reads every package's file list: a quarter of a second
 * here, so not twice); it fails for the name it does not know. 0 or -1. */
static int owner(const char *path, const char *other, char *pkg, size_t size)
{
	char answer[DPKG_ANSWER_MAX];
	char *const args[] = {"dpkg-query", "-S",	   "--",
			      (char *)path, (char *)other, NULL};
	size_t n;

	if (dpkg_query(args, answer, sizeof(answer)) < 0)
		return -1;
	n = strcspn(answer, ",: \n");
	if (!n || n >= size || (answer[n] != ':' && answer[n] != ','))
		return -1;
	memcpy(pkg, answer, n);
	pkg[n] = '\0';
	return 0;
}

int wer__dpkg_version(const char *exe, char *out, size_t size)
{
	char pkg[256], answer[DPKG_ANSWER_MAX];
	char *const args[] = {"dpkg-query", "-W", "-f=${Version}",
			      "--",	    pkg,  NULL};
	size_t n;

	static const char *const system[] = {"/usr/", "/bin/", "/sbin/", "/lib",
					     "/opt/"};
	size_t k = 0;

	/* dpkg -S takes a glob pattern: only plain absolute paths, and only
	 * where packages install programs (a program built in a home or a
	 * build tree costs no lookup). */
	if (strpbrk(exe, "*?[\\\n"))
		return -1;
	while (k < sizeof(system) / sizeof(system[0]) &&
	       strncmp(exe, system[k], strlen(system[k])))
		k++;
	if (k == sizeof(system) / sizeof(system[0]))
		return -1;
	/* Debian 12 merged /bin into /usr/bin, but some packages still list
	 * /bin/sleep: the kernel's /usr/bin/sleep is asked without /usr
	 * too. */
	if (owner(exe, strncmp(exe, "/usr/", 5) ? NULL : exe + 4, pkg,
		  sizeof(pkg)) < 0 ||
	    dpkg_query(args, answer, sizeof(answer)) != 0)
		return -1;
	n = strcspn(answer, "\n");
	if (!n || n >= size)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (answer[i] < 0x21 || answer[i] > 0x7e)
			return -1;
	memcpy(out, answer, n);
	out[n] = '\0';
	return 0;
}
