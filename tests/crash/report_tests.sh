#!/bin/bash
# SPDX-License-Identifier: MIT
# report_tests.sh WERFAULT WER CPP_PROGRAM - what a report says of a C++
# program built with -O2 -g (tests/crash/cpp_program.cc), against gdb on
# the kernel's core of the same crash: demangled names, a frame for each
# inlined call with its own line.
set -u
werfault=$(realpath "$1") wer=$(realpath "$2") program=$(realpath "$3")
source_file=$(dirname "$(realpath "$0")")/cpp_program.cc
work=$(mktemp -d "${TMPDIR:-/tmp}/openwer-report.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
export WER_HANDLER=$werfault WER_TIMEOUT_MS=60000
unset WER_DISABLE LD_PRELOAD WER_REPORT_DIR
. "$(dirname "$0")/../check.sh"

# crash NAME MODE: runs the program in $work/NAME (a core lands there when
# core_pattern allows), waits for its report; $report is its directory.
report='' core=''
crash() {
	local dir=$work/$1 pid
	mkdir -p "$dir"
	(cd "$dir" && ulimit -S -c unlimited 2>/dev/null
	 WER_REPORT_DIR=$dir/store exec "$program" "$2") >/dev/null 2>"$dir/err" &
	pid=$!
	wait $pid
	wait_until 60 no_werfault_for $pid
	report=$(ls -d "$dir"/store/ReportQueue/*/ 2>/dev/null | head -n1)
	core=$(ls "$dir"/core* 2>/dev/null | head -n1)
}

crashed_block() { awk '/^Thread /{n++} n == 1' "$report/stack.txt"; }

# The line of the source that has MARK in a comment.
line_of() { grep -n -- "// $1" "$source_file" | head -n1 | cut -d: -f1; }

# gdb's backtrace on the core: "FUNCTION LINE" per frame (function without
# its arguments).
gdb_frames() {
	gdb -batch -nx -ex bt "$program" "$core" 2>/dev/null | grep "^#" |
		awk '!seen[$1]++' | sed -n 's/^#[0-9]*  *\(0x[0-9a-f]* in \)\{0,1\}\([^ ]*\) (.*at [^ ]*:\([0-9]*\)$/\2 \3/p'
}

crash inline inline-null
read_line=$(line_of "the NULL read") call_line=$(line_of "the call inlined here")
check "an -O2 C++ crash: stack.txt has the inlined call and its caller as two frames, demangled, each at its own line" \
	eval 'crashed_block | sed -n 2p | grep -E "^  #0  0x[0-9a-f]+ app::first_digit \(inlined\) in cpp_program\+0x[0-9a-f]+ at .*cpp_program\.cc:$read_line$" &&
	crashed_block | sed -n 3p | grep -E "^  #1  0x[0-9a-f]+ app::parse_line\(char const\*\)\+0x[0-9a-f]+ in cpp_program\+0x[0-9a-f]+ at .*cpp_program\.cc:$call_line$" &&
	! grep -q "_ZN" "$report/stack.txt"'
# binutils' addr2line -i (its own DWARF reader) on the same offset.
offset=$(crashed_block | sed -n 's/^  #0  .* in cpp_program+\(0x[0-9a-f]*\) .*/\1/p')
check "binutils' addr2line -i gives the same two lines" \
	eval '[ "$(addr2line -i -e "$program" "$offset" | sed "s/.*://" | tr "\n" " ")" = "$read_line $call_line " ]'
if [ -n "$core" ] && command -v gdb >/dev/null; then
	check "gdb on the kernel's core shows the same first two functions, the caller at the same line" \
		eval '[ "$(gdb_frames | head -n2 | sed "1s/ .*//" | tr "\n" " ")" = "app::first_digit app::parse_line $call_line " ] ||
		{ gdb_frames | head -n3; false; }'
else
	skip "gdb on the kernel's core shows the same first two functions" "no core here (core_pattern $(cat /proc/sys/kernel/core_pattern))"
fi
check "wer show prints the demangled, inlined frames" \
	eval 'WER_REPORT_DIR=$work/inline/store "$wer" show latest | grep -F "app::first_digit (inlined)" &&
	WER_REPORT_DIR=$work/inline/store "$wer" show latest | grep -F "app::parse_line(char const*)+0x"'

check "wer show --json: the inlined frame is marked, its function named" \
	eval 'WER_REPORT_DIR=$work/inline/store "$wer" show --json latest | python3 -c "
import json, sys
f = json.load(sys.stdin)[\"stack\"][\"threads\"][0][\"frames\"]
assert f[0][\"function\"] == \"app::first_digit\" and f[0][\"inlined\"] is True, f[0]
assert f[1][\"function\"] == \"app::parse_line(char const*)\" and \"inlined\" not in f[1], f[1]
assert f[0][\"module_offset\"] == f[1][\"module_offset\"], f[:2]
"'

crash throw throw
check "an uncaught exception: the thrower demangled in stack.txt" \
	eval 'crashed_block | grep -E "^  #[0-9]+ +0x[0-9a-f]+ app::throw_it\(int\)( \[clone [^]]*\])?\+0x[0-9a-f]+ in cpp_program\+" &&
	! crashed_block | grep -q " _Z"'

totals
