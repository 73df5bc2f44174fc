/* SPDX-License-Identifier: MIT */
/*
 * demangle.h - C++ names as people read them ("throw_it(int)", not
 * "_Z8throw_iti"), with the C++ runtime's own demangler (libstdc++'s
 * __cxa_demangle, the one gdb, eu-stack and c++filt agree with): linked
 * in from GCC's libsupc++.a, a C object that needs only libc, where the
 * compiler has it; else loaded from libstdc++.so.6 when first needed.
 */
#ifndef WER_DEMANGLE_H
#define WER_DEMANGLE_H

/* Mangled names longer than this are left as they are: the demangler
 * recurses on the name's structure, and these come from the crashed
 * program's files. */
#define WER_DEMANGLE_INPUT_MAX 4096

/* name demangled, in a malloc'ed string (the caller's to free), or NULL
 * when name is not a mangled C++ name (C names, "_Z" names the demangler
 * refuses), is too long, or no C++ runtime is installed. Thread-safe; not
 * async-signal-safe. */
char *wer__demangle(const char *name);

#endif /* WER_DEMANGLE_H */
