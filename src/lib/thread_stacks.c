/* SPDX-License-Identifier: MIT */
/*
 * thread_stacks.c - an alternate signal stack for every thread: libwer.so
 * interposes pthread_create, and each thread it starts gets one at its
 * start, freed when the thread exits (crash_setup.c makes them).
 *
 * Only in the shared library: a program linked with libwer.a (dynamic or
 * -static) keeps its C library's pthread_create, which a static link
 * cannot reach past a definition of the same name. There, only the
 * thread that loaded libwer has an alternate stack, so a stack overflow
 * on another thread is not reported (docs/crash.md); every other crash
 * is.
 */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "crash.h"
#include "wer_internal.h"

static pthread_key_t alt_stack_key;
static int alt_stack_key_ok;

__attribute__((constructor)) static void thread_stacks_setup(void)
{
	alt_stack_key_ok =
	    pthread_key_create(&alt_stack_key, wer__free_alt_stack) == 0;
}

struct thread_start {
	void *(*fn)(void *);
	void *arg;
};

static void *thread_trampoline(void *p)
{
	struct thread_start start = *(struct thread_start *)p;
	void *mem;

	free(p);
	mem = wer__give_alt_stack();
	if (mem && alt_stack_key_ok)
		pthread_setspecific(alt_stack_key, mem);
	return start.fn(start.arg);
}

typedef int (*pthread_create_fn)(pthread_t *, const pthread_attr_t *,
				 void *(*)(void *), void *);

WER_EXPORT int pthread_create(pthread_t *thread, const pthread_attr_t *attr,
			      void *(*fn)(void *), void *arg)
{
	static pthread_create_fn real;
	struct thread_start *start;
	int r;

	if (!real)
		real = (pthread_create_fn)dlsym(RTLD_NEXT, "pthread_create");
	if (!real)
		return EAGAIN;
	if (!wer__crash_config.enabled || !(start = malloc(sizeof(*start))))
		return real(thread, attr, fn, arg);
	*start = (struct thread_start){fn, arg};
	r = real(thread, attr, thread_trampoline, start);
	if (r)
		free(start);
	return r;
}
