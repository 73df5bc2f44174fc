/* SPDX-License-Identifier: MIT */
/*
 * demangle.c - C++ names demangled by the C++ runtime (demangle.h).
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "demangle.h"

/* The Itanium C++ ABI's demangler, as libstdc++ exports it. */
typedef char *cxa_demangle_fn(const char *mangled, char *buf, size_t *len,
			      int *status);

static cxa_demangle_fn *cxa_demangle;
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static void load(void)
{
	/* Already loaded by a C++ program; else the installed runtime. */
	void *lib = dlopen("libstdc++.so.6", RTLD_LAZY | RTLD_LOCAL);

	if (lib)
		cxa_demangle = (cxa_demangle_fn *)dlsym(lib, "__cxa_demangle");
}

char *wer__demangle(const char *name)
{
	int status = -1;
	char *out;

	if (!name || strncmp(name, "_Z", 2) ||
	    strnlen(name, WER_DEMANGLE_INPUT_MAX + 1) > WER_DEMANGLE_INPUT_MAX)
		return NULL;
	pthread_once(&load_once, load);
	if (!cxa_demangle)
		return NULL;
	out = cxa_demangle(name, NULL, NULL, &status);
	if (status != 0) {
		free(out);
		return NULL;
	}
	return out;
}
