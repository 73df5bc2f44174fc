#!/bin/bash
# SPDX-License-Identifier: MIT
# test_snapshot.sh TEST_SNAPSHOT: a report and a minidump written from a
# snapshot of fixture data, for x86-64 and for AArch64 on this host
# (test_snapshot.c checks them with the project's readers), read by
# Breakpad's minidump_dump and minidump_stackwalk too:
# the streams parse, the crash is the fixture's (SIGSEGV in thread 4242 at
# its address), both threads and both modules are there, with the build
# ids as the modules' debug identifiers.
set -u
program=$1
. "$(dirname "$0")/../check.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/openwer-snapshot.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
tools=${MINIDUMP_TOOLS:-$(sh "$(dirname "$0")/../../scripts/minidump-tools.sh" 2>/dev/null)}
# Each processor's snapshot, written on this host.
for arch in x86_64 aarch64; do
	case $arch in
	x86_64) cpu=amd64 ;;
	aarch64) cpu=arm64 ;;
	esac
	report=$("$program" "$work/store-$arch" "$arch")
	check "$arch: a report and a minidump from fixture data, read back by the project's readers" test -n "$report"
	if [ -z "$report" ] || [ ! -x "$tools/minidump_stackwalk" ]; then
		echo "not ok - Breakpad's tools or the report missing (${tools:-no tools})"
		exit 1
	fi
	"$tools/minidump_dump" "$report/minidump.mdmp" >"$work/dump.txt" 2>"$work/dump.err"
	check "$arch: minidump_dump reads every stream" bash -c '
		! grep ": ERROR: " "$0" | grep -v "GetMemoryInfoList() failed" | grep -q . &&
		grep -q "^  signature *= 0x504d444d" "$1" &&
		grep -q "simple_annotations\[\"Build\"\] = fixture-7" "$1"' "$work/dump.err" "$work/dump.txt"
	"$tools/minidump_stackwalk" "$report/minidump.mdmp" >"$work/walk.txt" 2>"$work/walk.err"
	check "$arch: minidump_stackwalk: SIGSEGV in thread 4242 at the fixture's address, CPU $cpu" bash -c '
		grep -q "^Crash reason:  SIGSEGV" "$0" && grep -q "^Crash address: 0x10" "$0" &&
		grep -q "^Thread 0 (crashed)" "$0" && grep -q "^CPU: $1\$" "$0" && grep -q "4 CPUs" "$0"' "$work/walk.txt" "$cpu"
	check "$arch: minidump_stackwalk: frame 0 at the crash pc in the app, two threads" bash -c '
		grep -q " 0  app + 0x1234" "$0" && grep -q "^Thread 1$" "$0"' "$work/walk.txt"
	check "$arch: minidump_stackwalk: the modules with their build ids" bash -c '
		grep -Eiq "0x00400000 - 0x0040ffff +app +\?\?\? +\(main\)" "$0" &&
		grep -q "libfix.so.1" "$0"' "$work/walk.txt"
done
# AArch64: frame 1 is the caller the frame record names, in the library.
check "aarch64: minidump_stackwalk walks to the library by the frame record" \
	grep -q " 1  libfix.so.1 + 0x5694" "$work/walk.txt"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
