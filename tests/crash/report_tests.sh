#!/bin/bash
# SPDX-License-Identifier: MIT
# report_tests.sh WERFAULT WER CPP_PROGRAM - what a report says of a C++
# program built with -O2 -g (tests/crash/cpp_program.cc), against gdb on
# the kernel's core of the same crash: demangled names, a frame for each
# inlined call with its own line; and what killed it, in words: an uncaught
# exception's type and what(), glibc's abort message (an assert's text, a
# double free's complaint: crash_program, beside it), in Report.wer, the
# XML (xmllint), wer show and the minidump (Breakpad's minidump_dump).
set -u
werfault=$(realpath "$1") wer=$(realpath "$2") program=$(realpath "$3")
source_file=$(dirname "$(realpath "$0")")/cpp_program.cc
crash_program=$(dirname "$program")/crash_program
minidump_facts=$(dirname "$program")/../tools/minidump_facts
tools=$(sh "$(dirname "$0")/../../scripts/minidump-tools.sh" 2>/dev/null) || tools=''
work=$(mktemp -d "${TMPDIR:-/tmp}/openwer-report.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
export WER_HANDLER=$werfault WER_TIMEOUT_MS=60000
unset WER_DISABLE LD_PRELOAD WER_REPORT_DIR
. "$(dirname "$0")/../check.sh"

# crash NAME MODE: runs the program in $work/NAME (a core lands there when
# core_pattern allows), waits for its report; $report is its directory.
report='' core=''
crash() { # NAME MODE [PROGRAM]
	local dir=$work/$1 pid
	mkdir -p "$dir"
	(cd "$dir" && ulimit -S -c unlimited 2>/dev/null
	 WER_REPORT_DIR=$dir/store exec "${3:-$program}" "$2") >/dev/null 2>"$dir/err" &
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

wer_line() { # NAME: Report.wer's value
	awk -v n="$1=" 'index($0, n) == 1 {print substr($0, length(n) + 1); exit}' "$report/Report.wer"
}
show() { WER_REPORT_DIR=$(dirname "$(dirname "$report")") "$wer" show "$@" latest; }
xml_value() { xmllint --xpath "string(/WERReportMetadata/ProcessInformation/$1)" "$report/WERInternalMetadata.xml"; }
annotation() { # KEY: its value in the dump, as Breakpad's minidump_dump reads it
	"$tools/minidump_dump" "$report/minidump.mdmp" 2>/dev/null |
		sed -n "s/^ *simple_annotations\[\"$1\"\] = //p"
}
dump_check() { # NAME KEY VALUE: the minidump says it (Breakpad's reader and ours)
	dump_key=$2 dump_value=$3
	if [ -x "$tools/minidump_dump" ]; then
		check "$1: in the minidump, as minidump_dump reads it" \
			eval '[ "$(annotation "$dump_key")" = "$dump_value" ] &&
			"$minidump_facts" "$report/minidump.mdmp" | grep -qxF "annotation=$dump_key=$dump_value"'
	else
		skip "$1: in the minidump, as minidump_dump reads it" "Breakpad's tools are not installed (scripts/minidump-tools.sh)"
	fi
}

# wer debug: LLDB on the report's minidump, non-interactively.
if command -v lldb >/dev/null; then
	check "wer debug --batch: LLDB shows the crashed thread's stack by function and line" \
		eval 'WER_REPORT_DIR=$work/inline/store "$wer" debug --batch latest 2>/dev/null |
		grep -E "^  \* frame #0: 0x[0-9a-f]+ cpp_program.app::parse_line\(s=0x0+\) at cpp_program\.cc:[0-9]+"'
else
	skip "wer debug --batch: LLDB shows the crashed thread's stack by function and line" "no lldb here"
fi
check "wer debug: a debugger that is not there is said, exit 3" \
	eval 'WER_REPORT_DIR=$work/inline/store "$wer" debug --debugger /nonexistent/lldb latest 2>"$work/debug-err";
	[ $? = 3 ] && grep -q "^wer debug: cannot start /nonexistent/lldb: No such file or directory" "$work/debug-err"'
check "wer debug: no such report, exit 1; two reports, usage" \
	eval 'WER_REPORT_DIR=$work/inline/store "$wer" debug nosuchreport 2>/dev/null; [ $? = 1 ] &&
	{ WER_REPORT_DIR=$work/inline/store "$wer" debug latest latest 2>/dev/null; [ $? = 2 ]; }'

crash throw throw
check "an uncaught exception: the thrower demangled in stack.txt" \
	eval 'crashed_block | grep -E "^  #[0-9]+ +0x[0-9a-f]+ app::throw_it\(int\)( \[clone [^]]*\])?\+0x[0-9a-f]+ in cpp_program\+" &&
	! crashed_block | grep -q " _Z"'
check "an uncaught exception: its type and what() in Report.wer, the type in the signature (Sig[9])" \
	eval '[ "$(wer_line ExceptionType)" = std::runtime_error ] &&
	[ "$(wer_line ExceptionMessage)" = "disk full on /var" ] &&
	[ "$(wer_line "Sig[9].Name")" = "Exception Type" ] &&
	[ "$(wer_line "Sig[9].Value")" = std::runtime_error ]'
check "an uncaught exception: in the XML, as xmllint reads it" \
	eval '[ "$(xml_value ExceptionType)" = std::runtime_error ] &&
	[ "$(xml_value ExceptionMessage)" = "disk full on /var" ]'
check "an uncaught exception: wer show prints its type and what()" \
	eval 'show | grep -qx "  Uncaught exception     std::runtime_error" &&
	show | grep -qx "  what()                 disk full on /var" &&
	show --json | python3 -c "import json, sys; e = json.load(sys.stdin)[\"exception\"]; assert e == {\"type\": \"std::runtime_error\", \"what\": \"disk full on /var\"}, e"'
check "an uncaught exception: wer run's summary says its type and what()" \
	eval 'WER_REPORT_DIR=$work/run-throw "$wer" run -- "$program" throw >/dev/null 2>"$work/run-throw.err";
	grep -qx "  Uncaught exception     std::runtime_error" "$work/run-throw.err" &&
	grep -qx "  what()                 disk full on /var" "$work/run-throw.err" &&
	grep -qx "  Exception Type         std::runtime_error" "$work/run-throw.err"'
dump_check "an uncaught exception's type" openwer:exception_type std::runtime_error
dump_check "an uncaught exception's what()" openwer:exception_what "disk full on /var"

crash assert assert
assertion="cpp_program: $source_file:$(line_of "the assertion"): int app::check_ratio(int): Assertion \`ratio < 100 && \"ratio is a percentage\"' failed."
check "a failed assert(): its text in Report.wer (AbortMessage) and the XML, no exception" \
	eval '[ "$(wer_line AbortMessage)" = "$assertion" ] && [ "$(xml_value AbortMessage)" = "$assertion" ] &&
	! grep -q "^ExceptionType=" "$report/Report.wer" && ! grep -q "^Sig\[9\]" "$report/Report.wer"'
check "a failed assert(): wer show prints the assertion" \
	eval 'show | grep -qxF "  Abort message          $assertion"'
dump_check "a failed assert()'s text" openwer:abort_message "$assertion"

crash double-free double-free "$crash_program"
check "a double free: glibc's complaint in Report.wer and wer show" \
	eval '[ "$(wer_line AbortMessage)" = "free(): double free detected in tcache 2" ] &&
	show | grep -qxF "  Abort message          free(): double free detected in tcache 2"'

crash segv inline-null
check "a crash that is no abort and no exception says neither" \
	eval '! grep -Eq "^(AbortMessage|ExceptionType|ExceptionMessage)=" "$report/Report.wer"'

# A stripped executable whose debug information is in its own file, named
# by .gnu_debuglink (as `objcopy --only-keep-debug` and Debian's dh_strip
# make them): file:line by default, as gdb finds them.
mkdir -p "$work/stripped"
objcopy --only-keep-debug "$crash_program" "$work/stripped/crash_program.debug" &&
	objcopy --strip-debug --add-gnu-debuglink="$work/stripped/crash_program.debug" \
		"$crash_program" "$work/stripped/crash_program"
crash debuglink null "$work/stripped/crash_program"
check "a stripped executable with .gnu_debuglink: file:line from its debug file" \
	eval '! readelf -S "$work/stripped/crash_program" | grep -q "\.debug_line" &&
	crashed_block | grep -E "^  #0  0x[0-9a-f]+ crash_null_write\+0x[0-9a-f]+ in crash_program\+0x[0-9a-f]+ at .*crash_program\.c:[0-9]+$"'
# Symbols installed after the crash: a program stripped of everything
# (no symbol table) whose debug file is not there when it crashes; once it
# is, wer show names its frames, with file:line, and says they were found
# now. stack.txt stays as it was written.
mkdir -p "$work/later"
objcopy --strip-all --add-gnu-debuglink="$work/stripped/crash_program.debug" \
	"$crash_program" "$work/later/crash_program"
crash later null "$work/later/crash_program"
check "symbols installed after the crash: stack.txt had no name for the crashing function" \
	eval 'crashed_block | sed -n 2p | grep -E "^  #0  0x[0-9a-f]+ in crash_program\+0x[0-9a-f]+$"'
cp "$work/stripped/crash_program.debug" "$work/later/"
check "symbols installed after the crash: wer show names the frame now, with file:line" \
	eval 'show | grep -E "^ +#0  0x[0-9a-f]+ crash_null_write\+0x[0-9a-f]+ in crash_program\+0x[0-9a-f]+ at .*crash_program\.c:[0-9]+ \[symbols found now\]$" &&
	show --json | python3 -c "import json, sys; f = json.load(sys.stdin)[\"stack\"][\"threads\"][0][\"frames\"][0]; assert f[\"function\"] == \"crash_null_write\" and f[\"resymbolized\"] is True, f" &&
	crashed_block | sed -n 2p | grep -qv crash_null_write'
# A different file at the module's path now: the same program with its
# symbols, but another build id (one byte of it changed). Its names would
# fit the offsets; it is not the file that crashed, so it is not used.
python3 -c '
import subprocess, sys
src, dst = sys.argv[1:3]
notes = subprocess.run(["readelf", "-n", src], capture_output=True, text=True).stdout
bid = bytes.fromhex(notes.split("Build ID: ")[1].split()[0])
data = open(src, "rb").read()
assert data.count(bid) == 1
open(dst, "wb").write(data.replace(bid, bytes([bid[0] ^ 0xff]) + bid[1:]))
' "$crash_program" "$work/later/crash_program"
check "symbols installed after the crash: a file whose build id is not the crashed one's is not used" \
	eval '! show | grep -q "symbols found now"'

# glibc's frames: file:line from an installed libc6-dbg (build id under
# /usr/lib/debug), where there is one.
libc_id=$(readelf -n "$(ldd "$crash_program" | sed -n 's/.*libc\.so\.6 => \([^ ]*\).*/\1/p')" 2>/dev/null |
	sed -n 's/.*Build ID: \([0-9a-f]*\)/\1/p')
if [ -n "$libc_id" ] && [ -f "/usr/lib/debug/.build-id/${libc_id:0:2}/${libc_id:2}.debug" ]; then
	check "glibc's frames: file:line from the installed debug package" \
		eval 'crashed_block | grep -E " in libc\.so\.6\+0x[0-9a-f]+ at [^ ]+:[0-9]+$"'
else
	skip "glibc's frames: file:line from the installed debug package" "no libc6-dbg installed"
fi

# The DsoDebug stream as Breakpad's minidump-2-core reads it (its layout is
# Breakpad's MDRawDebug64/MDRawLinkMap64, naturally aligned, and the
# executable's dynamic section follows r_debug): every loaded object of the
# crashed process by the name the dynamic linker gave it, and DT_DEBUG found
# in the dynamic section (the core's r_debug hangs there).
m2c=$(sh "$(dirname "$0")/../../scripts/minidump-tools.sh" --pid2md 2>/dev/null)/minidump-2-core
if [ -x "$m2c" ]; then
	report=$(ls -d "$work"/throw/store/ReportQueue/*/)
	check "minidump-2-core reads the DsoDebug stream: the loaded objects by name, the dynamic section with DT_DEBUG" \
		eval '"$m2c" -v -o "$work/throw.core" "$report/minidump.mdmp" >/dev/null 2>"$work/m2c.txt" &&
		awk "/^MD_LINUX_DSO_DEBUG:/{d=1} d" "$work/m2c.txt" >"$work/dso.txt" &&
		grep -qE "^Number of DSOs: [4-9]|^Number of DSOs: [1-9][0-9]" "$work/dso.txt" &&
		grep -qE "^#[0-9]+: [0-9a-f]+, [0-9a-f]+, \"/[^\"]*/libc\.so\.6\"$" "$work/dso.txt" &&
		grep -qE "^#[0-9]+: [0-9a-f]+, [0-9a-f]+, \"/[^\"]*/libstdc\+\+\.so\.6\"$" "$work/dso.txt" &&
		grep -qE "^#[0-9]+: [0-9a-f]+, [0-9a-f]+, \"/[^\"]*/libwer\.so\.0\"$" "$work/dso.txt" &&
		! grep -q "No DT_DEBUG entry found" "$work/m2c.txt"'
	# gdb on that core: the shared libraries come from the link map
	# minidump-2-core rebuilds from the stream. A position-dependent
	# program: minidump-2-core writes no memory but stacks, so gdb reads
	# zeros where a PIE program's headers were and cannot place it.
	nopie=$(dirname "$crash_program")/crash_program_nopie
	crash nopie null "$nopie"
	if command -v gdb >/dev/null; then
		check "gdb on minidump-2-core's core: info sharedlibrary lists libwer and libc with symbols; bt names crash_null_write and main" \
			eval '"$m2c" -o "$work/nopie.core" "$report/minidump.mdmp" 2>/dev/null &&
			gdb -batch -nx -ex "info sharedlibrary" -ex bt "$nopie" "$work/nopie.core" >"$work/nopie.gdb" 2>&1 &&
			grep -qE "^0x[0-9a-f]+ +0x[0-9a-f]+ +Yes( \(\*\))? +/.*/libwer\.so\.0$" "$work/nopie.gdb" &&
			grep -qE "^0x[0-9a-f]+ +0x[0-9a-f]+ +Yes( \(\*\))? +/.*/libc\.so\.6$" "$work/nopie.gdb" &&
			grep -qE "^#0 +(0x[0-9a-f]+ in )?crash_null_write \(\) at .*crash_program\.c:[0-9]+$" "$work/nopie.gdb" &&
			grep -qE "^#[1-3] +(0x[0-9a-f]+ in )?main \(.*\) at .*crash_program\.c:[0-9]+$" "$work/nopie.gdb" ||
			{ grep -E "^(#|0x|From)" "$work/nopie.gdb"; false; }'
	else
		skip "gdb on minidump-2-core's core" "no gdb here"
	fi
else
	skip "minidump-2-core reads the DsoDebug stream" "minidump-2-core could not be built (scripts/minidump-tools.sh --pid2md)"
fi

# A Breakpad symbol store laid out by dump_syms (SYMDIR/NAME/ID/NAME.sym,
# NAME a library's SONAME): minidump_stackwalk finds libstdc++'s symbols
# for the dump's module, so __cxa_throw is named in the crashed thread.
if [ -x "$tools/dump_syms" ] && [ -x "$tools/minidump_stackwalk" ]; then
	report=$(ls -d "$work"/throw/store/ReportQueue/*/)
	libstdcxx=$(sed -n 's/^LoadedModule\[[0-9]*\]=\(.*libstdc++[^/]*\)$/\1/p' "$report/Report.wer" | head -n1)
	"$tools/dump_syms" "$libstdcxx" >"$work/libstdcxx.sym" 2>/dev/null
	read -r _ _ _ sym_id sym_name <"$work/libstdcxx.sym"
	mkdir -p "$work/symbols/$sym_name/$sym_id"
	mv "$work/libstdcxx.sym" "$work/symbols/$sym_name/$sym_id/$sym_name.sym"
	check "a dump_syms symbol store: minidump_stackwalk names libstdc++'s frames (the module named by its SONAME, $sym_name)" \
		eval '"$tools/minidump_stackwalk" -m "$report/minidump.mdmp" "$work/symbols" 2>/dev/null |
		grep -E "^[0-9]+\|[0-9]+\|libstdc\+\+\.so\.6\|__cxa_throw\|"'
else
	skip "a dump_syms symbol store: minidump_stackwalk names libstdc++'s frames" "Breakpad's tools are not installed"
fi

# debuginfod: a real server (elfutils' debuginfod) on loopback serves the
# debug file of a program stripped of everything, which exists nowhere
# else. At crash time it is asked only when the Debuginfod setting says so;
# wer show asks it whenever DEBUGINFOD_URLS is set.
if command -v debuginfod >/dev/null && command -v curl >/dev/null; then
	d=$work/debuginfod
	mkdir -p "$d/files" "$d/program"
	objcopy --only-keep-debug "$crash_program" "$d/files/crash_program.debug"
	objcopy --strip-all "$crash_program" "$d/program/crash_program"
	build_id=$(readelf -n "$crash_program" | sed -n 's/.*Build ID: \([0-9a-f]*\)/\1/p')
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	debuginfod -d "$d/index.sqlite" -p "$port" -F "$d/files" >"$d/server.log" 2>&1 &
	server=$!
	served() { [ "$(curl -s -o /dev/null -w "%{http_code}" "http://127.0.0.1:$port/buildid/$build_id/debuginfo")" = 200 ]; }
	if wait_until 120 served; then
		export DEBUGINFOD_URLS=http://127.0.0.1:$port DEBUGINFOD_CACHE_PATH=$d/cache-show
		crash debuginfod-off null "$d/program/crash_program"
		check "debuginfod at crash time, Debuginfod=0 (the default): not asked, stack.txt has no name" \
			eval 'crashed_block | sed -n 2p | grep -E "^  #0  0x[0-9a-f]+ in crash_program\+0x[0-9a-f]+$" && [ ! -d "$d/cache-show/$build_id" ]'
		check "debuginfod: wer show names the frame with the server's debug file" \
			eval 'show | grep -E "^ +#0  0x[0-9a-f]+ crash_null_write\+0x[0-9a-f]+ in crash_program\+0x[0-9a-f]+ at .*crash_program\.c:[0-9]+ \[symbols found now\]$"'
		if command -v lldb >/dev/null; then
			check "debuginfod: wer debug hands LLDB the server's debug file, frame 0 named with its line" \
				eval 'WER_REPORT_DIR=$work/debuginfod-off/store "$wer" debug --batch latest 2>/dev/null |
				grep -E "^  \* frame #0: 0x[0-9a-f]+ crash_program.crash_null_write at crash_program\.c:[0-9]+"'
		else
			skip "debuginfod: wer debug hands LLDB the server's debug file" "no lldb here"
		fi
		DEBUGINFOD_CACHE_PATH=$d/cache-crash WER_DEBUGINFOD=1 crash debuginfod-on null "$d/program/crash_program"
		check "debuginfod at crash time, Debuginfod=1: stack.txt has function and file:line from the server" \
			eval 'crashed_block | sed -n 2p | grep -E "^  #0  0x[0-9a-f]+ crash_null_write\+0x[0-9a-f]+ in crash_program\+0x[0-9a-f]+ at .*crash_program\.c:[0-9]+$"'
		unset DEBUGINFOD_URLS DEBUGINFOD_CACHE_PATH
	else
		check "debuginfod: the test's server serves the debug file" eval 'tail -n 5 "$d/server.log"; false'
	fi
	kill "$server" 2>/dev/null
	wait "$server" 2>/dev/null
else
	skip "debuginfod" "no debuginfod (Debian: apt install debuginfod) or curl here"
fi

# A handler of the program's own on a malloc()ed alternate signal stack
# catches the fault, puts libwer's handler back and raises the signal
# again, as Python's faulthandler does (crash_program reraise). The report
# is of the fault below the signal frame; the alternate stack is kept, and
# nothing of the heap beyond it: the block right above it holds a marker.
CRASH_INFO=$work/reraise.info crash reraise reraise "$crash_program"
alt=$(sed -n 's/^altstack //p' "$work/reraise.info")
alt_size=$(sed -n 's/^altstack-size //p' "$work/reraise.info")
check "a re-raise from a handler on an alternate stack: stack.txt starts at the fault (crash_null_write), not in raise" \
	eval 'crashed_block | sed -n 2p | grep -E "^  #0  0x[0-9a-f]+ crash_null_write\+0x[0-9a-f]+ in crash_program\+" &&
	! crashed_block | grep -Eq "pthread_kill| raise\+|__restore_rt"'
check "a re-raise: the signature names the fault (crash_program, SIGSEGV, SEGV_MAPERR at 0x0); ReRaised=SIGSEGV" \
	eval '[ "$(wer_line "Sig[3].Value")" = crash_program ] &&
	[ "$(wer_line "Sig[5].Value")" = "SIGSEGV (11)" ] &&
	[ "$(wer_line "Sig[6].Value")" = 1 ] && [ "$(wer_line "Sig[7].Value")" = 0x0 ] &&
	[ "$(wer_line ReRaised)" = SIGSEGV ] && [ "$(xml_value ReRaised)" = SIGSEGV ]'
check "a re-raise: wer show says the program's handler raised it again" \
	eval 'show | grep -qxF "  Raised again           the program'"'"'s own signal handler caught this fault and raised SIGSEGV"'
check "a re-raise: no byte of the heap block above the alternate stack in the report" \
	eval '[ -n "$alt" ] && ! grep -rqa OPENWER-HEAP-SECRET "$report"'
if [ -x "$tools/minidump_dump" ]; then
	# A memory range of the dump lies inside the alternate stack (the
	# window the handler used), and none reaches beyond it.
	check "a re-raise: the minidump keeps a window of the alternate stack, within its bounds (minidump_dump)" \
		eval '"$tools/minidump_dump" "$report/minidump.mdmp" 2>/dev/null | python3 -c "
import re, sys
lo, hi = int(sys.argv[1]), int(sys.argv[1]) + int(sys.argv[2])
text = sys.stdin.read()
ranges = [(int(a, 16), int(b, 16)) for a, b in re.findall(
    r\"start_of_memory_range = (0x[0-9a-f]+)\\s+memory.data_size *= (0x[0-9a-f]+)\", text)]
touching = [(a, n) for a, n in ranges if a < hi and a + n > lo]
inside = [(a, n) for a, n in touching if lo <= a and a + n <= hi]
# Beside the window, only the few bytes around a register that points
# near it (WER_CAPTURE_VALUE_RADIUS either side), as anywhere else.
assert inside and all(n <= 64 for a, n in touching if (a, n) not in inside), (hex(lo), hex(hi), touching)
" "$alt" "$alt_size"'
else
	skip "a re-raise: the minidump keeps a window of the alternate stack, within its bounds (minidump_dump)" "Breakpad's tools are not installed"
fi
if [ -x "$tools/dump_syms" ] && [ -x "$tools/minidump_stackwalk" ]; then
	"$tools/dump_syms" "$crash_program" >"$work/crash_program.sym" 2>/dev/null
	read -r _ _ _ sym_id sym_name <"$work/crash_program.sym"
	mkdir -p "$work/symbols/$sym_name/$sym_id"
	mv "$work/crash_program.sym" "$work/symbols/$sym_name/$sym_id/$sym_name.sym"
	check "a re-raise: minidump_stackwalk's crashing frame 0 is crash_null_write, its crash reason SIGSEGV /SEGV_MAPERR" \
		eval '"$tools/minidump_stackwalk" -m "$report/minidump.mdmp" "$work/symbols" 2>/dev/null >"$work/reraise.walk" &&
		grep -Eq "^Crash\|SIGSEGV /SEGV_MAPERR\|0x0+\|" "$work/reraise.walk" &&
		grep -Eq "^[0-9]+\|0\|crash_program\|crash_null_write\|" "$work/reraise.walk" || { grep -E "^Crash|\|0\|" "$work/reraise.walk"; false; }'
else
	skip "a re-raise: minidump_stackwalk's crashing frame 0 is crash_null_write" "Breakpad's tools are not installed"
fi
# The real thing: Python's faulthandler (on by default under pytest), with
# libwer preloaded; a NULL read in strlen through ctypes.
libwer=$(dirname "$werfault")/../lib/libwer.so.0
if python3 -c 'import ctypes, faulthandler' 2>/dev/null && [ -e "$libwer" ]; then
	mkdir -p "$work/python"
	(cd "$work/python" && WER_REPORT_DIR=$work/python/store LD_PRELOAD=$libwer \
		exec python3 -X faulthandler -c 'import ctypes; ctypes.string_at(0)') >/dev/null 2>"$work/python/err" &
	pid=$!
	wait $pid
	wait_until 60 no_werfault_for $pid
	report=$(ls -d "$work"/python/store/ReportQueue/*/ 2>/dev/null | head -n1)
	check "Python's faulthandler re-raised: the report is of the fault in strlen, ReRaised=SIGSEGV" \
		eval 'grep -q "Fatal Python error: Segmentation fault" "$work/python/err" &&
		crashed_block | sed -n 2p | grep -Eq "^  #0  0x[0-9a-f]+ __strlen[a-z0-9_]*\+0x[0-9a-f]+ in libc\.so\.6\+" &&
		[ "$(wer_line ReRaised)" = SIGSEGV ] && [ "$(wer_line "Sig[6].Value")" = 1 ] ||
		{ crashed_block | head -n 4; false; }'
else
	skip "Python's faulthandler re-raised" "no python3 with ctypes here, or no libwer.so.0 beside werfault"
fi

# expat (Python's pyexpat: XML 1.0 names as its fourth edition has them)
# reads every XML report written here.
check "expat parses every WERInternalMetadata.xml" \
	python3 -c '
import glob, sys, xml.parsers.expat
files = glob.glob(sys.argv[1] + "/*/store/ReportQueue/*/WERInternalMetadata.xml")
assert len(files) >= 5, files
for f in files:
    xml.parsers.expat.ParserCreate().Parse(open(f, "rb").read(), True)
' "$work"

# The line cache (docs/line-cache.md): lines found in a separate debug file
# (glibc's, from libc6-dbg) or in a module's own DWARF are kept by build id
# in the user's cache directory; the next crash reads them from there, and
# gives the same lines. A file there that is not a cache is neither used
# nor added to.
libc_lines() { grep -E " in libc\.so\.6\+0x[0-9a-f]+ at " "$report/stack.txt" | sed -E 's/^ *#[0-9]+ +0x[0-9a-f]+ //' | sort -u; }
# The crashed thread's frames in the program (where the others wait
# differs from run to run).
own_lines() { awk '/^Thread .*\(crashed\)/ { f = 1; next } /^Thread / { f = 0 } f' "$report/stack.txt" |
	grep -E " in crash_program\+0x[0-9a-f]+ at " | sed -E 's/^ *#[0-9]+ +0x[0-9a-f]+ //'; }
program_id=$(readelf -n "$crash_program" | sed -n 's/.*Build ID: \([0-9a-f]*\)/\1/p')
export XDG_CACHE_HOME=$work/cache
crash cache1 thread-null "$crash_program"
own_lines >"$work/cache1.own"
check "the line cache: the program's own DWARF lines are kept too, in a file named by its build id" \
	eval '[ -n "$program_id" ] && [ "$(head -n1 "$work/cache/openwer/lines/$program_id")" = "openwer-lines 2" ] &&
	grep -q ":[0-9]" "$work/cache1.own"'
cache_file=${libc_id:+$work/cache/openwer/lines/$libc_id}
[ -n "$cache_file" ] && [ -f "$cache_file" ] || cache_file=
if [ -n "$(libc_lines)" ] && [ -n "$cache_file" ]; then
	libc_lines >"$work/cache1.lines"
	check "the line cache: glibc's lines are kept in a file named by its build id, with the cache's magic" \
		eval '[ -n "$cache_file" ] && [ "$(head -n1 "$cache_file")" = "openwer-lines 2" ] &&
		basename "$cache_file" | grep -Eq "^[0-9a-f]{16,128}$" && [ "$(wc -l <"$cache_file")" -ge 3 ]'
	records=$(wc -l <"$cache_file")
	crash cache2 thread-null "$crash_program"
	libc_lines >"$work/cache2.lines"
	check "... the program's lines at the next crash, from the cache, are the same" \
		eval 'own_lines | cmp -s - "$work/cache1.own"'
	check "... the next crash takes them from it: the same lines, nothing added for the same addresses" \
		eval 'comm -12 "$work/cache1.lines" "$work/cache2.lines" | grep -q "start_thread.* at .*:[0-9]" &&
		[ -z "$(comm -3 <(grep -E "(start_thread|clone3)" "$work/cache1.lines") <(grep -E "(start_thread|clone3)" "$work/cache2.lines"))" ] &&
		[ "$(wc -l <"$cache_file")" -le $((records + 8)) ]'
	# A planted file (not a cache) and a record lying about a line: the
	# lie is the user's own cache speaking to the user's own reports, but
	# a file without the magic is not read, and not added to.
	printf 'garbage\n%s' "$(tail -n +2 "$cache_file" | sed 's/\t[0-9]*\t/\t999999\t/')" >"$cache_file"
	size=$(wc -c <"$cache_file")
	crash cache3 thread-null "$crash_program"
	check "... a file there without the magic is not read (the lines are glibc's) and not added to" \
		eval 'libc_lines | grep -q "start_thread.* at .*:[0-9]" && ! libc_lines | grep -q ":999999$" &&
		[ "$(wc -c <"$cache_file")" -eq "$size" ]'
	rm -rf "$work/cache"
	WER_LINE_CACHE=0 crash cache4 thread-null "$crash_program"
	check "... WER_LINE_CACHE=0: no cache kept, the lines still found" \
		eval '[ ! -e "$work/cache/openwer/lines" ] || [ -z "$(ls "$work/cache/openwer/lines")" ] &&
		libc_lines | grep -q "start_thread.* at .*:[0-9]"'
else
	skip "the line cache" "no lines for glibc's frames here (libc6-dbg not installed)"
fi
unset XDG_CACHE_HOME

totals
