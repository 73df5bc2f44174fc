#!/bin/bash
# SPDX-License-Identifier: MIT
# core_tests.sh WERFAULT CRASH_PROGRAM MINIDUMP_FACTS
#
# werfault's core front-end (src/handler/core.c), the system mode's first
# part: a report from a core of a real crash. gdb stops crash_program at
# its SIGSEGV (before libwer's handler runs) and writes its core (gcore);
# `werfault --core-file` turns it into a report: the signal, the stack
# walked with CFI, libwer's registry found in the core's memory (the
# metadata the program registered), a minidump that Breakpad's
# minidump_stackwalk reads. The same core as the kernel orders it (notes
# first) through a pipe; cores that are not cores, or are cut short.
set -u
werfault=$1 program=$2 facts=$3
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../check.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/openwer-core.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
ulimit -S -c 0
unset WER_DISABLE WER_HANDLER LD_PRELOAD
MINIDUMP_TOOLS=${MINIDUMP_TOOLS:-$("$here/../../scripts/minidump-tools.sh" 2>/dev/null)} || true

if ! command -v gdb >/dev/null; then
	echo "not ok - gdb is needed (apt-get install gdb)"
	exit 1
fi
WER_REPORT_DIR=$work/unused gdb -q -batch -ex run -ex "gcore $work/core" \
	--args "$program" null >"$work/gdb.log" 2>&1
check "gdb wrote a core of crash_program at its SIGSEGV" test -s "$work/core"

report_of() { # CORE-FILE-ARG STORE [stdin]: the report's directory
	WER_REPORT_DIR=$2 "$werfault" --core-file "$1"
}
report=$(report_of "$work/core" "$work/store") || report=""
check "werfault --core-file: a report in the user's store" test -f "$report/Report.wer"
wer_line() { sed -n "s/^$1=//p" "$report/Report.wer"; }
check "its signal and fault: SIGSEGV (11) at 0x0 in crash_program" eval '
	[ "$(wer_line "Sig\[5\].Value")" = "SIGSEGV (11)" ] &&
	[ "$(wer_line "Sig\[7\].Value")" = 0x0 ] &&
	[ "$(wer_line "Sig\[3\].Value")" = crash_program ]'
check "the metadata the program registered, read from libwer's registry in the core" eval '
	grep -qx "CustomMetadata\[0\].Key=Build" "$report/Report.wer" &&
	grep -qx "CustomMetadata\[0\].Value=nightly-42" "$report/Report.wer" &&
	! grep -q "^Missing=.*registry" "$report/Report.wer"'
check "stack.txt: the crashed thread walked with CFI, crash_null_write then main" eval '
	head -4 "$report/stack.txt" | grep -q "#0 .* crash_null_write+" &&
	grep -q " main+" "$report/stack.txt" && ! grep -q "Degraded" "$report/stack.txt"'
check "the program's path and command line, from the core" eval '
	[ "$(wer_line ApplicationPath)" = "$program" ] &&
	wer_line CommandLine | grep -q "crash_program null"'
check "openwer's minidump reader: the exception, the crashed thread, the modules" eval '
	out=$("$facts" "$report/minidump.mdmp") &&
	printf "%s\n" "$out" | grep -q "^signal=11" &&
	printf "%s\n" "$out" | grep -qx "annotation=Build=nightly-42"'
# (Where the tools cannot run, WER_TEST_DUMPS_DIR has check_minidump.sh
# keep the report for the host: scripts/test-arm64.sh.)
if { [ -n "$MINIDUMP_TOOLS" ] && [ -x "$MINIDUMP_TOOLS/minidump_stackwalk" ]; } ||
	[ -n "${WER_TEST_DUMPS_DIR:-}" ]; then
	# Every stream of a crash's dump but /proc/PID/status and the
	# environment, which a core does not hold.
	check "Breakpad's minidump_stackwalk: SIGSEGV, frame 0 crash_null_write" \
		env MINIDUMP_STREAMS="0x3 0x4 0x5 0x6 0x7 0xf 0x10 0x18 0x43500001 0x47670003 0x47670006 0x47670008 0x47670009" \
		"$here/../minidump/check_minidump.sh" "$report" "$program" crash_null_write 11 Build=nightly-42
else
	echo "not ok - Breakpad's tools are missing (scripts/minidump-tools.sh)"
	failed=$((failed + 1))
fi

# The kernel's order, notes first, through a pipe (no seeking back).
python3 "$here/notes_first.py" "$work/core" "$work/core.kernel"
report=$(WER_REPORT_DIR=$work/store-pipe "$werfault" --core-file - <"$work/core.kernel") || report=""
check "a core with its notes first, through a pipe: the same stack and metadata" eval '
	[ -f "$report/Report.wer" ] &&
	grep -q " main+" "$report/stack.txt" &&
	grep -qx "CustomMetadata\[0\].Value=nightly-42" "$report/Report.wer"'
report=$(cat "$work/core" | WER_REPORT_DIR=$work/store-gdbpipe "$werfault" --core-file -) || report=""
check "gdb's order (notes last) through a pipe: a report, its stacks missing (said so)" eval '
	[ -f "$report/Report.wer" ] && grep -q "crash_null_write" "$report/stack.txt" &&
	grep -q "^Missing=.*stacks" "$report/Report.wer"'

# Registered memory blocks, from a core file's segments; an excluded
# block's bytes in no file.
WER_REPORT_DIR=$work/unused gdb -q -batch -ex run -ex "gcore $work/core.blocks" \
	--args "$program" blocks >"$work/gdb.log" 2>&1
report=$(report_of "$work/core.blocks" "$work/store-blocks") || report=""
check "a core file's registered memory block: captured from its segments; the excluded secret in no file" eval '
	[ -f "$report/Report.wer" ] &&
	grep -q "^MemoryBlock=0x[0-9a-f]*,4096,captured\$" "$report/Report.wer" &&
	grep -qa "OPENWER-BLOCK-MARKER:OPENWER-BLOCK-MARKER:" "$report"/MemoryBlock-*.bin &&
	! grep -rqa OPENWER-EXCLUDED-SECRET "$report"'

# Not cores; cores cut short.
printf 'not a core' >"$work/text"
check "a file that is not a core: refused with a reason, no report" eval '
	! WER_REPORT_DIR=$work/store-bad "$werfault" --core-file "$work/text" 2>"$work/err" &&
	grep -q "not a 64-bit little-endian ELF core" "$work/err" &&
	[ -z "$(ls "$work/store-bad/ReportQueue" 2>/dev/null)" ]'
check "a missing file: refused with the error" eval '
	! "$werfault" --core-file "$work/nope" 2>"$work/err" && grep -q "No such file" "$work/err"'
head -c 2000 "$work/core.kernel" >"$work/cut-notes"
check "a core cut in its notes: refused with a reason" eval '
	! WER_REPORT_DIR=$work/store-cut "$werfault" --core-file - <"$work/cut-notes" 2>"$work/err" &&
	grep -q "werfault: -:" "$work/err"'
head -c $(($(stat -c %s "$work/core.kernel") / 2)) "$work/core.kernel" >"$work/cut-memory"
report=$(WER_REPORT_DIR=$work/store-half "$werfault" --core-file - <"$work/cut-memory") || report=""
check "a core cut in its memory: a report that says so (Truncated=core), its stack kept" eval '
	[ -f "$report/Report.wer" ] && grep -qx "Truncated=core" "$report/Report.wer" &&
	grep -q "crash_null_write" "$report/stack.txt"'
totals "core: "
