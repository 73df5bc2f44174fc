/* SPDX-License-Identifier: MIT */
/*
 * debuginfod.c - a debug file from debuginfod servers (debuginfod.h).
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "debuginfod.h"

/* libdebuginfod's interface (elfutils' debuginfod.h, stable since 0.178),
 * declared here: the package with its header need not be installed. */
typedef struct debuginfod_client debuginfod_client;
typedef debuginfod_client *begin_fn(void);
typedef int find_fn(debuginfod_client *client, const unsigned char *build_id,
		    int len, char **path);
typedef void end_fn(debuginfod_client *client);

static begin_fn *client_begin;
static find_fn *client_find_debuginfo;
static end_fn *client_end;
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static void load(void)
{
	void *lib = dlopen("libdebuginfod.so.1", RTLD_LAZY | RTLD_LOCAL);

	if (!lib)
		return;
	client_begin = (begin_fn *)dlsym(lib, "debuginfod_begin");
	client_find_debuginfo =
	    (find_fn *)dlsym(lib, "debuginfod_find_debuginfo");
	client_end = (end_fn *)dlsym(lib, "debuginfod_end");
	if (!client_begin || !client_find_debuginfo || !client_end)
		client_begin = NULL;
}

int wer__debuginfod_find(const unsigned char *build_id, size_t len, char *path,
			 size_t size)
{
	const char *urls = secure_getenv("DEBUGINFOD_URLS");
	debuginfod_client *client;
	char *found = NULL;
	int fd;

	if (!urls || !*urls || !len || len > 64 || !size)
		return -1;
	pthread_once(&load_once, load);
	if (!client_begin || !(client = client_begin()))
		return -1;
	fd = client_find_debuginfo(client, build_id, (int)len, &found);
	client_end(client);
	if (fd < 0) {
		free(found);
		return -1;
	}
	close(fd);
	if (!found || (size_t)snprintf(path, size, "%s", found) >= size) {
		free(found);
		return -1;
	}
	free(found);
	return 0;
}
