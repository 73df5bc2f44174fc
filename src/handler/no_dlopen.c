/* SPDX-License-Identifier: MIT */
/*
 * no_dlopen.c - a statically linked werfault loads no shared object.
 *
 * A shared object loaded into a static program brings a second C library
 * with it (its own heap, its own thread state), and memory one of them
 * allocates the other frees: libdw's debuginfod client would do exactly
 * that. So werfault's static build answers every dlopen with NULL, and
 * dlerror says why. libdw then goes without its debuginfod client (the
 * Debuginfod setting is served by werfault-debuginfod, a program of its
 * own, unwind_dwfl.c), and nothing else of werfault's loads a module
 * (its unwinder is linked in, the demangler is libsupc++'s). Linked only
 * into the static werfault, with the linker's --wrap=dlopen and
 * --wrap=dlerror: every call of werfault's and its archives' comes here
 * (src/handler/CMakeLists.txt).
 */
#include <stddef.h>

static int refused;

void *__wrap_dlopen(const char *file, int mode);
char *__wrap_dlerror(void);

void *__wrap_dlopen(const char *file, int mode)
{
	(void)file;
	(void)mode;
	refused = 1;
	return NULL;
}

char *__wrap_dlerror(void)
{
	static char why[] = "werfault is linked statically and loads no "
			    "shared object";

	if (!refused)
		return NULL;
	refused = 0;
	return why;
}
