/* SPDX-License-Identifier: MIT */
/*
 * demangle.c - C++ names demangled by the C++ runtime (demangle.h).
 * Linked in (WER_DEMANGLE_LINKED): loading libstdc++ took werfault's
 * unwinder 2.5-3 ms at a C++ program's first mangled frame, on the way
 * from the crash to its report.
 */
#include <stdlib.h>
#include <string.h>

#include "demangle.h"

/* The Itanium C++ ABI's demangler, as libstdc++ exports it. */
typedef char *cxa_demangle_fn(const char *mangled, char *buf, size_t *len,
			      int *status);

#ifdef WER_DEMANGLE_LINKED
cxa_demangle_fn __cxa_demangle;

static cxa_demangle_fn *demangler(void)
{
	return __cxa_demangle;
}
#else
#include <dlfcn.h>
#include <pthread.h>

static cxa_demangle_fn *cxa_demangle;
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static void load(void)
{
	/* Already loaded by a C++ program; else the installed runtime. */
	void *lib = dlopen("libstdc++.so.6", RTLD_LAZY | RTLD_LOCAL);

	if (lib)
		cxa_demangle = (cxa_demangle_fn *)dlsym(lib, "__cxa_demangle");
}

static cxa_demangle_fn *demangler(void)
{
	pthread_once(&load_once, load);
	return cxa_demangle;
}
#endif

char *wer__demangle(const char *name)
{
	cxa_demangle_fn *demangle;
	int status = -1;
	char *out;

	if (!name || strncmp(name, "_Z", 2) ||
	    strnlen(name, WER_DEMANGLE_INPUT_MAX + 1) > WER_DEMANGLE_INPUT_MAX)
		return NULL;
	if (!(demangle = demangler()))
		return NULL;
	out = demangle(name, NULL, NULL, &status);
	if (status != 0) {
		free(out);
		return NULL;
	}
	return out;
}
