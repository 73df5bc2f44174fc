/* SPDX-License-Identifier: MIT */
/*
 * cxx_exception.c - what killed a C++ program, said before it dies: an
 * uncaught exception's type and what(), and where glibc keeps abort()'s
 * message.
 *
 * libwer is C and links no C++: it looks the C++ runtime up when it loads
 * (a C++ program has it loaded already) and, where there is one, installs
 * a terminate handler in front of the program's. std::terminate runs it
 * in the throwing thread, outside any signal handler, with the exception
 * still current (libstdc++'s __cxa_throw begins the catch before it calls
 * terminate): it notes the exception's type (demangled) and, when the
 * exception is a std::exception, its what() into the crash area, then
 * calls the handler it replaced, which aborts. The SIGABRT that follows is
 * reported with them.
 *
 * What the Itanium C++ ABI fixes and this relies on: std::type_info's
 * second word is its mangled name; its virtual __do_catch (the fifth
 * slot of its vtable) answers whether a handler for one type catches an
 * object of another, adjusting the object's address, as a catch clause
 * does; std::exception's what() is the third slot of its vtable. And
 * libstdc++'s exception header (unwind-cxx.h): __cxa_get_globals()'s first
 * word is the caught exception's header, whose first word is its type;
 * the object follows the header's _Unwind_Exception, at offset 80, whose
 * class is "GNUCC++\0". Where any of it does not hold (another runtime),
 * the type is said and what() is not.
 *
 * glibc's abort message (the text of a failed assert(), "free(): invalid
 * pointer", ...) is in a page __abort_msg points to: its address is noted
 * here, werfault reads the message out of the process (process.c).
 */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include "crash.h"

typedef void terminate_fn(void);
typedef terminate_fn *set_terminate_fn(terminate_fn *handler);
typedef const void *current_type_fn(void);
typedef void *get_globals_fn(void);
typedef char *demangle_fn(const char *name, char *buf, size_t *len,
			  int *status);
typedef int do_catch_fn(const void *self, const void *thrown_type,
			void **object, unsigned outer);
typedef const char *what_fn(const void *self);

static struct {
	terminate_fn *previous;
	current_type_fn *current_type;
	get_globals_fn *get_globals;
	demangle_fn *demangle;
	const void *exception_type; /* typeid(std::exception) */
} cxx;

/* Copies s into out (size bytes), cut at a character boundary. */
static void copy_text(char *out, size_t size, const char *s)
{
	size_t n = strnlen(s, size - 1);

	/* Not in the middle of a UTF-8 sequence. */
	if (n == size - 1)
		while (n && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	memcpy(out, s, n);
	out[n] = '\0';
}

/* libstdc++'s __cxa_exception: the _Unwind_Exception (32 bytes) is its
 * last member, the thrown object right after it. */
#define UNWIND_HEADER_AT   80
#define UNWIND_HEADER_SIZE 32
#define GNU_CXX_CLASS	   0x474e5543432b2b00ull /* "GNUCC++\0" */

/* The thrown object of the exception being handled, or NULL. */
static void *current_object(const void *type)
{
	char *header, **globals;
	uint64_t exception_class;

	if (!cxx.get_globals || !(globals = cxx.get_globals()) ||
	    !(header = globals[0]) || *(const void **)header != type)
		return NULL;
	memcpy(&exception_class, header + UNWIND_HEADER_AT,
	       sizeof(exception_class));
	if (exception_class != GNU_CXX_CLASS)
		return NULL;
	return header + UNWIND_HEADER_AT + UNWIND_HEADER_SIZE;
}

static void note_exception(void)
{
	struct wer_crash_area *a = &wer__crash_area;
	const void *type = cxx.current_type();
	const char *name;
	char *readable = NULL;
	void *object, *caught;
	int status = -1;

	if (!type || !(name = ((const char *const *)type)[1]))
		return;
	/* A type local to a function has a '*' before its name. */
	if (*name == '*')
		name++;
	if (cxx.demangle)
		readable = cxx.demangle(name, NULL, NULL, &status);
	copy_text(a->exception_type, sizeof(a->exception_type),
		  status == 0 && readable ? readable : name);
	free(readable);
	if (!cxx.exception_type || !(object = current_object(type)))
		return;
	caught = object;
	/* catch (const std::exception &e) { e.what(); } */
	{
		do_catch_fn *do_catch =
		    (*(do_catch_fn *const *const *)cxx.exception_type)[4];

		if (do_catch(cxx.exception_type, type, &caught, 1)) {
			what_fn *what = (*(what_fn *const *const *)caught)[2];
			const char *text = what(caught);

			if (text)
				copy_text(a->exception_message,
					  sizeof(a->exception_message), text);
		}
	}
}

static void on_terminate(void)
{
	note_exception();
	if (cxx.previous)
		cxx.previous();
	abort();
}

void wer__cxx_setup(void)
{
	set_terminate_fn *set_terminate =
	    (set_terminate_fn *)dlsym(RTLD_DEFAULT, "_ZSt13set_terminatePFvvE");

	wer__crash_config.abort_msg =
	    (uint64_t)(uintptr_t)dlsym(RTLD_DEFAULT, "__abort_msg");
	cxx.current_type = (current_type_fn *)dlsym(
	    RTLD_DEFAULT, "__cxa_current_exception_type");
	if (!set_terminate || !cxx.current_type)
		return; /* not a C++ program */
	cxx.get_globals =
	    (get_globals_fn *)dlsym(RTLD_DEFAULT, "__cxa_get_globals");
	cxx.demangle = (demangle_fn *)dlsym(RTLD_DEFAULT, "__cxa_demangle");
	cxx.exception_type = dlsym(RTLD_DEFAULT, "_ZTISt9exception");
	cxx.previous = set_terminate(on_terminate);
}
