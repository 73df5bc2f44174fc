#!/bin/sh
# SPDX-License-Identifier: MIT
# test_headers INCLUDE_DIR LIBWER_SO WORK_DIR: the public headers next to
# what real programs include with them.
#   - <wer/wer.h> alone puts no Win32 name into the program (BOOL, DWORD,
#     HANDLE, HRESULT, TRUE, FALSE, WINAPI, S_OK, E_FAIL, SUCCEEDED...);
#   - both headers compile next to X11's <X11/Xmd.h> (which has a BOOL of
#     its own), in either order (<werapi.h> after it, or before it with
#     WER_NO_WIN32_BOOL);
#   - both compile next to a ported application's own Win32 typedefs: the
#     usual LP64 definitions before or after <werapi.h>, different ones
#     with WER_NO_WIN32_TYPES;
#   - -fshort-wchar is a compile-time error that says why;
#   - in C++, FAILED, SUCCEEDED, HRESULT_FROM_WIN32, the codes and the
#     pseudo-handles are clean under -Wold-style-cast.
# Each program is also linked with libwer, and the native one run.
set -u
inc=$1 lib=$2 work=$3
rm -rf "$work"
mkdir -p "$work"
passed=0 failed=0
cflags="-std=c11 -Wall -Wextra -Werror -pedantic -I$inc"
libdir=$(dirname "$lib")

ok() { echo "ok - $1"; passed=$((passed + 1)); }
not_ok() { echo "not ok - $1"; sed 's/^/#   /' "$work/out"; failed=$((failed + 1)); }
# compiles NAME FILE COMPILER FLAGS...: compiles and links FILE.
compiles() {
	name=$1 file=$2
	shift 2
	# WER_TEST_LINK_FLAGS: a sanitized libwer's runtime, linked first.
	if "$@" ${WER_TEST_LINK_FLAGS:-} -o "$work/a.out" "$file" -L"$libdir" -lwer >"$work/out" 2>&1; then ok "$name"; else not_ok "$name"; fi
}

cat >"$work/native.c" <<'C'
#include <wer/wer.h>
/* Every one of these would clash with a Win32 name from the header. */
typedef char BOOL, DWORD, HANDLE, HRESULT, PVOID, WCHAR, PCWSTR, PDWORD;
#if defined(TRUE) || defined(FALSE) || defined(WINAPI) || defined(S_OK) || \
    defined(S_FALSE) || defined(E_FAIL) || defined(E_INVALIDARG) || \
    defined(SUCCEEDED) || defined(FAILED) || defined(GetCurrentProcess) || \
    defined(RESTART_NO_CRASH) || defined(ERROR_NOT_FOUND)
#error "a Win32 name from <wer/wer.h>"
#endif
int main(void)
{
	wer_result_t hr = wer_register_custom_metadata("Build", "native-1");

	return WER_SUCCEEDED(hr) && hr == WER_S_OK &&
	       wer_register_file("/nonexistent/x", WER_FILE_TYPE_OTHER, 0) == WER_S_OK
		   ? 0 : 1;
}
C
compiles "<wer/wer.h> puts no Win32 name into a C program" "$work/native.c" cc $cflags
if LD_LIBRARY_PATH=$libdir WER_DISABLE=1 "$work/a.out" >"$work/out" 2>&1; then ok "native program runs: WER_S_OK"; else not_ok "native program runs: WER_S_OK"; fi

if [ -f /usr/include/X11/Xmd.h ]; then
	printf '#include <X11/Xmd.h>\n#include <wer/wer.h>\nint main(void) { BOOL b = 1; return !(b && wer_register_custom_metadata("k", "v") == WER_S_OK); }\n' >"$work/x1.c"
	compiles "<X11/Xmd.h> then <wer/wer.h>" "$work/x1.c" cc $cflags
	printf '#include <wer/wer.h>\n#include <X11/Xmd.h>\nint main(void) { BOOL b = 1; return !(b && wer_register_custom_metadata("k", "v") == WER_S_OK); }\n' >"$work/x2.c"
	compiles "<wer/wer.h> then <X11/Xmd.h>" "$work/x2.c" cc $cflags
	printf '#include <X11/Xmd.h>\n#include <werapi.h>\nint main(void) { BOOL b = 1; return !(b && SUCCEEDED(WerRegisterCustomMetadata(L"k", L"v"))); }\n' >"$work/x3.c"
	compiles "<X11/Xmd.h> then <werapi.h>" "$work/x3.c" cc $cflags
	printf '#define WER_NO_WIN32_BOOL\n#include <werapi.h>\n#include <wer/recovery.h>\n#include <X11/Xmd.h>\nint main(void) { BOOL b = 1; return !(b && SUCCEEDED(WerRegisterCustomMetadata(L"k", L"v"))); }\n' >"$work/x4.c"
	compiles "<werapi.h> (WER_NO_WIN32_BOOL) then <X11/Xmd.h>" "$work/x4.c" cc $cflags
else
	echo "not ok - X11/Xmd.h is not installed (x11proto-dev)"
	failed=$((failed + 1))
fi

# A ported application's compatibility header, as such headers define
# these names on LP64 Linux.
cat >"$work/compat.h" <<'C'
#include <stdint.h>
#include <wchar.h>
typedef int BOOL;
typedef unsigned int DWORD;
typedef void *HANDLE;
typedef int HRESULT;
typedef void *PVOID;
typedef wchar_t WCHAR;
typedef const wchar_t *PCWSTR;
#define WINAPI
#define TRUE 1
#define FALSE 0
#define S_OK ((HRESULT)0L)
#define E_FAIL ((HRESULT)0x80004005L)
#define SUCCEEDED(hr) (((HRESULT)(hr)) >= 0)
#define FAILED(hr) (((HRESULT)(hr)) < 0)
C
cat >"$work/app.c" <<'C'
#include <werapi.h>
#include <wer/recovery.h>
int main(void)
{
	BOOL cancelled = FALSE;
	DWORD flags = 0;
	HRESULT hr = WerRegisterCustomMetadata(L"Build", L"ported");

	(void)cancelled;
	return SUCCEEDED(hr) && WerGetFlags(GetCurrentProcess(), &flags) == S_OK ? 0 : 1;
}
C
{ echo '#include "compat.h"'; cat "$work/app.c"; } >"$work/compat-first.c"
compiles "the application's Win32 typedefs, then <werapi.h>" "$work/compat-first.c" cc $cflags -I"$work"
# After werapi.h: the same typedefs are allowed again (C11); the macros
# werapi.h defined are left alone by a header that checks #ifndef, as
# such headers do for TRUE, FALSE and WINAPI.
sed -e 's/^#define \([A-Z_]*\)\(.*\)$/#ifndef \1\n#define \1\2\n#endif/' "$work/compat.h" >"$work/compat-guarded.h"
{ cat "$work/app.c" | sed '1,2!d'; echo '#include "compat-guarded.h"'; sed 1,2d "$work/app.c"; } >"$work/compat-after.c"
compiles "<werapi.h>, then the application's Win32 typedefs" "$work/compat-after.c" cc $cflags -I"$work"
# Different definitions (HRESULT as long, DWORD as unsigned long): the
# application keeps its own with WER_NO_WIN32_TYPES.
sed -e 's/typedef int HRESULT/typedef long HRESULT/' -e 's/typedef unsigned int DWORD/typedef unsigned long DWORD/' \
	"$work/compat.h" >"$work/compat-long.h"
cat >"$work/compat-long.c" <<'C'
#include "compat-long.h"
#define WER_NO_WIN32_TYPES
#include <werapi.h>
int main(void)
{
	HRESULT hr = WerRegisterCustomMetadata(L"Build", L"ported");
	uint32_t flags;

	return SUCCEEDED(hr) && WerGetFlags(GetCurrentProcess(), &flags) == S_OK ? 0 : 1;
}
C
compiles "different Win32 typedefs, WER_NO_WIN32_TYPES" "$work/compat-long.c" cc $cflags -I"$work"

printf '#include <werapi.h>\nint main(void) { return 0; }\n' >"$work/short.c"
if cc $cflags -fshort-wchar -c -o "$work/short.o" "$work/short.c" >"$work/out" 2>&1; then
	not_ok "-fshort-wchar is refused at compile time (it compiled)"
elif grep -q "wchar_t is 16-bit" "$work/out"; then
	ok "-fshort-wchar is refused at compile time, saying why"
else
	not_ok "-fshort-wchar is refused at compile time, saying why"
fi

cat >"$work/cxx.cc" <<'C'
#include <werapi.h>
#include <wer/recovery.h>
#include <wer/wer.h>
static uint32_t save(void *) { return 0; }
int main()
{
	HRESULT hr = WerRegisterCustomMetadata(L"Build", L"cxx");
	DWORD flags = 0;
	if (FAILED(hr) || !SUCCEEDED(hr) || hr == E_INVALIDARG || hr == E_FAIL)
		return 1;
	if (HRESULT_FROM_WIN32(ERROR_NOT_FOUND) != WER_E_NOT_FOUND)
		return 1;
	if (WerGetFlags(GetCurrentProcess(), &flags) != S_OK || WER_FAILED(wer_register_custom_metadata("k", "v")))
		return 1;
	if (RegisterApplicationRecoveryCallback(save, nullptr, 0, 0) != S_OK ||
	    wer_register_recovery_callback(save, nullptr, RECOVERY_DEFAULT_PING_INTERVAL) != WER_S_OK)
		return 1;
	return GetCurrentThread() == GetCurrentProcess() ? 1 : 0;
}
C
compiles "C++: the macros are clean under -Wold-style-cast" "$work/cxx.cc" c++ -std=c++11 -Wall -Wextra -Werror -Wold-style-cast -Wuseless-cast -pedantic -I"$inc"
if LD_LIBRARY_PATH=$libdir WER_DISABLE=1 "$work/a.out" >"$work/out" 2>&1; then ok "C++ program runs"; else not_ok "C++ program runs"; fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
