#!/bin/sh
# SPDX-License-Identifier: MIT
# test_crash_symbols ALLOWED OBJECT...: the crash path's object file refers
# to no symbol outside the allowed list (no malloc, no stdio, no locks).
set -eu
allowed=$1
shift
objs=""
# CMake hands the objects as one ;-separated list. The crash path is
# crash.c, crash_freeze.c, crash_fallback.c and the store's directory opening
# (store_dir.c).
for o in $(printf '%s\n' "$@" | tr ';' ' '); do
	case "$o" in */crash.c.o | */crash_fallback.c.o | */crash_freeze.c.o | */store_dir.c.o) objs="$objs $o" ;; esac
done
[ "$(echo $objs | wc -w)" = 4 ] || { echo "crash.c's, crash_fallback.c's, crash_freeze.c's and store_dir.c's objects not among: $*"; exit 1; }
bad=0
count=0
for obj in $objs; do
	for sym in $(nm -u "$obj" | awk '{print $NF}'); do
		count=$((count + 1))
		if ! grep -qx "$sym" "$allowed"; then
			echo "$(basename "$obj" .o) refers to '$sym', which is not on $allowed"
			bad=1
		fi
	done
done
[ "$bad" = 0 ] || exit 1
echo "crash path: $count undefined symbols, all on the allowed list"
echo "1 passed, 0 failed"
