#!/bin/bash
# SPDX-License-Identifier: MIT
# check_live_minidump.sh REPORT_DIR BINARY FUNCTION WORK_DIR
#
# A report without a crash (WerReportSubmit, wer_report_now), read by
# Breakpad's tools in $MINIDUMP_TOOLS: minidump_dump finds no error, the
# dump claims no crash, thread 0 names FUNCTION once BINARY is symbolized
# (dump_syms), and the dump has Report.wer's ThreadCount threads. Work
# files go in WORK_DIR. Prints one reason a line for what failed and exits
# 1 then; 2 on bad usage or missing tools. recovery_tests.sh checks its
# dumps with it, and scripts/test-arm64.sh the AArch64 VM's.
set -u
if [ $# -ne 4 ]; then
	echo "usage: $0 REPORT_DIR BINARY FUNCTION WORK_DIR" >&2
	exit 2
fi
report=$1 binary=$2 function=$3 work=$4 tools=${MINIDUMP_TOOLS:-}
if [ -z "$tools" ] || [ ! -x "$tools/minidump_stackwalk" ]; then
	echo "Breakpad's minidump tools not found (scripts/minidump-tools.sh)"
	exit 2
fi
failed=0
fail() { echo "$1"; failed=1; }
if "$tools/minidump_dump" "$report/minidump.mdmp" 2>&1 >/dev/null |
	grep ': ERROR: ' | grep -qv 'GetMemoryInfoList'; then
	fail "minidump_dump reports errors"
fi
mkdir -p "$work"
sym=$work/symbols
"$tools/dump_syms" "$binary" >"$work/binary.sym" 2>/dev/null
read -r _ _ _ id name <"$work/binary.sym"
mkdir -p "$sym/$name/$id" && mv "$work/binary.sym" "$sym/$name/$id/$name.sym"
"$tools/minidump_stackwalk" -m "$report/minidump.mdmp" "$sym" >"$work/walk.txt" 2>/dev/null ||
	fail "minidump_stackwalk failed"
grep -q '^Crash|No crash|' "$work/walk.txt" || fail "the dump claims a crash: $(grep '^Crash' "$work/walk.txt")"
awk -F'|' -v f="$function" '$1 == 0 && $4 == f' "$work/walk.txt" | grep -q . ||
	fail "thread 0 of the dump does not name $function"
threads=$(awk -F'|' '$1 ~ /^[0-9]+$/ && $2 == 0' "$work/walk.txt" | wc -l)
want=$(awk 'index($0, "ThreadCount=") == 1 { print substr($0, 13); exit }' "$report/Report.wer")
[ "$threads" = "$want" ] || fail "the dump has $threads threads, Report.wer says $want"
exit $failed
