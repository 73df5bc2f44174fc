#!/bin/sh
# SPDX-License-Identifier: MIT
# test_install BUILD_DIR WORK_DIR: `cmake --install` lays out the documented
# files (man pages included), and programs build against the install with
# pkg-config alone and with find_package(wer).
set -eu
build=$1 work=$2
prefix=$work/prefix
rm -rf "$work"
mkdir -p "$work"
cmake --install "$build" --prefix "$prefix" >/dev/null

failed=0
for f in include/werapi.h include/wer/wer.h include/wer/version.h lib/libwer.a lib/pkgconfig/wer.pc \
	lib/cmake/wer/werConfig.cmake lib/cmake/wer/werConfigVersion.cmake lib/cmake/wer/werTargets.cmake; do
	[ -e "$prefix/$f" ] || { echo "missing from the install: $f"; failed=1; }
done
ls "$prefix"/lib/libwer.so.*.*.* >/dev/null 2>&1 || { echo "missing: lib/libwer.so.X.Y.Z"; failed=1; }
# The man pages: wer(1), werfault(8), wer-collector(8) with its program, and
# a section 3 page (or a link to one) for every exported function but
# pthread_create (the C library's page), which `man 3 NAME` shows.
man=$prefix/share/man
for f in man1/wer.1 man8/werfault.8 man3/libwer.3; do
	[ -e "$man/$f" ] || { echo "missing from the install: share/man/$f"; failed=1; }
done
[ ! -e "$prefix/bin/wer-collector" ] || [ -e "$man/man8/wer-collector.8" ] ||
	{ echo "missing from the install: share/man/man8/wer-collector.8"; failed=1; }
for fn in $(grep -v -e '^#' -e '^pthread_create$' "$(dirname "$0")/exports.txt"); do
	if [ ! -e "$man/man3/$fn.3" ]; then
		echo "missing from the install: share/man/man3/$fn.3"
		failed=1
	elif command -v man >/dev/null 2>&1 &&
		! MANPAGER=cat man -M "$man" 3 "$fn" 2>/dev/null | grep -q "$fn"; then
		echo "man 3 $fn shows no page naming it"
		failed=1
	fi
done
[ -L "$prefix/lib/libwer.so" ] || { echo "missing: lib/libwer.so link"; failed=1; }
# The examples are documentation, not commands: under share/, never bin/.
for f in share/openwer/examples/crash_demo share/openwer/examples/crash_demo.c; do
	[ -e "$prefix/$f" ] || { echo "missing from the install: $f"; failed=1; }
done
for f in bin/crash_demo bin/register_metadata; do
	[ ! -e "$prefix/$f" ] || { echo "an example installed as a command: $f"; failed=1; }
done
[ "$failed" = 0 ] || exit 1

cat >"$work/consumer.c" <<'C'
#include <stdio.h>
#include <werapi.h>
int main(void)
{
	HRESULT hr = WerRegisterCustomMetadata(L"k", L"v");
	printf("0x%08X\n", (unsigned)hr);
	return hr == S_OK ? 0 : 1;
}
C
# The pkg-config prefix is the configured one; point it at this install.
sed "s|^prefix=.*|prefix=$prefix|" "$prefix/lib/pkgconfig/wer.pc" >"$work/wer.pc"
flags=$(PKG_CONFIG_PATH=$work pkg-config --cflags --libs wer)
cc -o "$work/consumer" "$work/consumer.c" $flags
out=$(LD_LIBRARY_PATH=$prefix/lib "$work/consumer")
[ "$out" = "0x00000000" ] || { echo "pkg-config consumer printed '$out'"; exit 1; }
# It must have used the installed shared library.
LD_LIBRARY_PATH=$prefix/lib ldd "$work/consumer" | grep -q "$prefix/lib/libwer.so" ||
	{ echo "consumer not linked to the installed libwer.so"; exit 1; }

mkdir -p "$work/cmake-consumer"
cp "$work/consumer.c" "$work/cmake-consumer/"
cat >"$work/cmake-consumer/CMakeLists.txt" <<'C'
cmake_minimum_required(VERSION 3.18)
project(consumer C)
find_package(wer 0.2 REQUIRED)
add_executable(consumer consumer.c)
target_link_libraries(consumer PRIVATE wer::wer)
add_executable(consumer_static consumer.c)
target_link_libraries(consumer_static PRIVATE wer::wer_static)
C
cmake -S "$work/cmake-consumer" -B "$work/cmake-consumer/build" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/cmake-consumer/build" >/dev/null
[ "$(LD_LIBRARY_PATH=$prefix/lib "$work/cmake-consumer/build/consumer")" = "0x00000000" ] || { echo "CMake consumer failed"; exit 1; }
[ "$("$work/cmake-consumer/build/consumer_static")" = "0x00000000" ] || { echo "static CMake consumer failed"; exit 1; }
# wer::wer_static brings libwer's crash handler along with the API
# (tests/build/test_static.sh crashes such programs).
nm "$work/cmake-consumer/build/consumer_static" | grep -q " wer__crash_config$" ||
	{ echo "the wer::wer_static consumer has no crash handler"; exit 1; }

# One version everywhere: the header's, the programs', pkg-config's and the
# CMake package's (find_package above asked for 0.2).
src=$(dirname "$0")/../..
want=$(sed -n 's/^#define WER_VERSION_STRING "\(.*\)"$/\1/p' "$src/include/wer/version.h")
[ -n "$want" ] || { echo "no WER_VERSION_STRING in version.h"; exit 1; }
pc=$(PKG_CONFIG_PATH=$work pkg-config --modversion wer)
[ "$pc" = "$want" ] || { echo "pkg-config says $pc, the header $want"; exit 1; }
for prog in bin/wer libexec/openwer/werfault bin/wer-collector; do
	[ -x "$prefix/$prog" ] || continue
	v=$("$prefix/$prog" --version)
	case "$v" in
	*" $want") ;;
	*) echo "$prog --version says '$v', the header $want"; exit 1 ;;
	esac
done
cat >"$work/version.c" <<'C'
#include <stdio.h>
#include <wer/wer.h>
#if WER_VERSION_NUMBER < 0x000200
#error version macros
#endif
int main(void) { printf("%d.%d.%d %s\n", WER_VERSION_MAJOR, WER_VERSION_MINOR, WER_VERSION_PATCH, WER_VERSION_STRING); return 0; }
C
cc -o "$work/version" "$work/version.c" -I"$prefix/include"
[ "$("$work/version")" = "$want $want" ] || { echo "version macros: $("$work/version")"; exit 1; }
echo "install: layout, pkg-config consumer, CMake consumers (shared, static) all work; version $want everywhere"
echo "1 passed, 0 failed"
