#!/bin/sh
# test_crash_symbols ALLOWED OBJECT...: the crash path's object file refers
# to no symbol outside the allowed list (no malloc, no stdio, no locks).
set -eu
allowed=$1
shift
obj=""
# CMake hands the objects as one ;-separated list.
for o in $(printf '%s\n' "$@" | tr ';' ' '); do
	case "$o" in */crash.c.o | */crash.c.obj) obj=$o ;; esac
done
[ -n "$obj" ] || { echo "crash.c's object not among: $*"; exit 1; }
bad=0
count=0
for sym in $(nm -u "$obj" | awk '{print $NF}'); do
	count=$((count + 1))
	if ! grep -qx "$sym" "$allowed"; then
		echo "crash.c refers to '$sym', which is not on $allowed"
		bad=1
	fi
done
[ "$bad" = 0 ] || exit 1
echo "crash path: $count undefined symbols, all on the allowed list"
echo "1 passed, 0 failed"
