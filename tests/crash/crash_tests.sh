#!/bin/bash
# SPDX-License-Identifier: MIT
# crash_tests.sh WERFAULT WER LIBWER_SO FIXTURE_DIR
#
# Crash integration tests: each case crashes a fixture program once with
# openwer off (WER_DISABLE=1, the baseline) and once with it on, each run in
# a fresh store, and checks what lands on disk:
#   - the process dies exactly as it does without openwer (same $?);
#   - exactly one report directory ReportQueue/<id>, and no temporaries
#     left anywhere in the store (ReportQueue/.tmp-*, <store>/.staging/*);
#   - Report.wer has the contract's lines, the right signal, pid and thread;
#   - the registered metadata, byte for byte, in Report.wer and in
#     WERInternalMetadata.xml (which must be well-formed);
#   - stack.txt: crashed thread first, the fixture's crash function named
#     in its block, one block per thread;
#   - the report directory is 0700 and its files 0600 (fixtures run with
#     umask 000, so werfault must set the modes itself);
#   - no Recovery=/Restart= lines (nothing registered them; recovery and
#     restart are tests/crash/recovery_tests.sh).
# werfault finishes the report after the crashed process has died; the runs
# wait for it through the stderr pipe it inherits (see run).
# One line per case (ok - NAME / not ok - NAME: REASONS / skip - NAME:
# REASON, for a case this machine cannot run), then "N passed, M failed,
# K skipped"; exits 1 if any case failed. A skipped case is not a pass.
set -u

if [ $# -ne 4 ]; then
	echo "usage: $0 WERFAULT WER LIBWER_SO FIXTURE_DIR" >&2
	exit 2
fi
werfault=$1 wer=$2 libwer=$3 fixtures=$4
program=$fixtures/crash_program
minidump_facts=$fixtures/../tools/minidump_facts
# The report's minidump is checked with Breakpad's own tools
# (tests/minidump/check_minidump.sh; scripts/minidump-tools.sh installs them).
check_minidump_sh=$(cd "$(dirname "$0")/../minidump" && pwd)/check_minidump.sh
MINIDUMP_TOOLS=${MINIDUMP_TOOLS:-$("$(dirname "$0")/../../scripts/minidump-tools.sh" 2>/dev/null)} || true
export MINIDUMP_TOOLS
plain=$fixtures/crash_plain

ulimit -S -c 0 # soft: the gdb case raises it again
# Nothing from the caller's environment may change the runs.
unset WER_DISABLE WER_TIMEOUT_MS WER_REPORT_DIR WER_HANDLER LD_PRELOAD \
	XDG_STATE_HOME CRASH_INFO
export LC_ALL=C.UTF-8

work=$(mktemp -d "${TMPDIR:-/tmp}/openwer-crash.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT

# Registered by every crash_program run (key=value; keys hold no '=').
std_meta=(
	'Build=nightly-42'
	'Escapes=<a & "b">'
	$'\xc3\x9c''bersetzung=de-DE'
	"Path=C:\\Temp\\it's"
)
race_a=$(printf 'a%.0s' $(seq 128))
race_b=$(printf 'b%.0s' $(seq 128))
run_limit=40		# seconds before a run counts as hung
quick_ms=5000		# "well under the 10 s deadline"

passed=0 failed=0 skipped=0

# ---- per-case state ---------------------------------------------------------

case_name='' dir='' reasons=() status=0 base_status=0 elapsed_ms=0 report=''
case_number=0
wait_all=1

begin() { # NAME
	case_name=$1
	case_number=$((case_number + 1))
	dir=$work/case$case_number
	mkdir -p "$dir"
	reasons=()
	report=''
}

fail() { # REASON
	reasons+=("$1")
}

end() {
	local joined r

	if [ ${#reasons[@]} -eq 0 ]; then
		echo "ok - $case_name"
		passed=$((passed + 1))
		return
	fi
	joined=''
	for r in "${reasons[@]}"; do
		joined+=${joined:+; }$r
	done
	echo "not ok - $case_name: $joined"
	failed=$((failed + 1))
}

skip() { # REASON: the case cannot run on this machine
	echo "skip - $case_name: $1"
	skipped=$((skipped + 1))
}

# First line of a file, shortened, for failure messages.
excerpt() { # FILE
	[ -s "$1" ] || { echo '(empty)'; return; }
	head -c 300 "$1" | tr '\n' ' ' | sed 's/ *$//'
}

# ---- running ----------------------------------------------------------------

# run STORE [VAR=VALUE...] CMD ARGS...: runs CMD with openwer pointed at
# STORE (and at werfault), umask 000, CRASH_INFO=$dir/info; sets status and
# elapsed_ms; stdout and stderr go to $dir/out and $dir/err. Returns once
# the program and everything that inherited its stderr (werfault) are gone;
# with wait_all=0, as soon as the program is.
run() {
	local store=$1 t0 t1
	local -a vars=()

	shift
	while [ $# -gt 0 ] && [[ $1 == [A-Z_]*=* ]]; do
		vars+=("$1")
		shift
	done
	rm -f "$dir/info"
	t0=$(date +%s%N)
	if [ "$wait_all" = 1 ]; then
		# stderr is a pipe: werfault inherits it, and finishes the
		# report after the process has died; EOF on the pipe means it
		# is gone too.
		{
			(umask 000 && exec timeout -s KILL "$run_limit" env \
				WER_REPORT_DIR="$store" WER_HANDLER="$werfault" \
				CRASH_INFO="$dir/info" "${vars[@]}" "$@") \
				2>&1 >"$dir/out" | cat >"$dir/err"
			status=${PIPESTATUS[0]}
		} 2>/dev/null
	else
		{
			(umask 000 && exec timeout -s KILL "$run_limit" env \
				WER_REPORT_DIR="$store" WER_HANDLER="$werfault" \
				CRASH_INFO="$dir/info" "${vars[@]}" "$@") \
				>"$dir/out" 2>"$dir/err"
			status=$?
		} 2>/dev/null
	fi
	t1=$(date +%s%N)
	elapsed_ms=$(((t1 - t0) / 1000000))
}

# baseline CMD ARGS...: the run without openwer; the store must stay empty.
baseline() {
	run "$dir/base-store" WER_DISABLE=1 "$@"
	base_status=$status
	if [ -e "$dir/base-store" ]; then
		fail "WER_DISABLE=1 run still created the store"
	fi
	if [ "$base_status" -le 128 ]; then
		fail "baseline did not die of a signal (exit $base_status: $(excerpt "$dir/err"))"
	fi
}

# crash [VAR=VALUE...] CMD ARGS...: the run with openwer, store $dir/store.
crash() {
	run "$dir/store" "$@"
}

info() { # KEY: values the fixture noted, one per line
	[ -f "$dir/info" ] && awk -v k="$1" '$1 == k {print $2}' "$dir/info"
}

# ---- checks -----------------------------------------------------------------

check_status() {
	if [ "$status" -eq 137 ] && [ "$elapsed_ms" -ge $((run_limit * 1000)) ]; then
		fail "hung: killed after ${run_limit}s"
	elif [ "$status" -ne "$base_status" ]; then
		fail "exit status $status, without openwer $base_status"
	fi
}

check_quick() {
	if [ "$elapsed_ms" -ge "$quick_ms" ]; then
		fail "took ${elapsed_ms} ms (limit $quick_ms ms)"
	fi
}

# Entries of STORE/ReportQueue, hidden ones too.
queue_entries() { # STORE
	[ -d "$1/ReportQueue" ] || return 0
	find "$1/ReportQueue" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort
}

# What werfault builds a report in before renaming it into ReportQueue:
# ReportQueue/.tmp-* (first versions) or anything under another directory
# of the store (<store>/.staging/PID.XXXXXX today). Paths relative to STORE.
leftovers() { # STORE
	[ -d "$1" ] || return 0
	queue_entries "$1" | grep '^\.' | sed 's|^|ReportQueue/|'
	# .lock is the store's lock file, .staging/.lock the staging
	# directory's, .staging/.slot-N the werfaults' worker slots, and
	# Throttle/ holds the per-signature crash counts (docs/report.md): not
	# temporaries.
	find "$1" -mindepth 1 -path "$1/ReportQueue" -prune -o -path "$1/.lock" -prune -o \
		-path "$1/.staging/.lock" -prune -o -path "$1/.staging/.slot-*" -prune -o -path "$1/Throttle" -prune -o \
		\( ! -type d -o -path "$1/*/*" -type d -empty \) -printf '%P\n'
}

check_no_leftovers() { # STORE
	local left pid state note=''

	left=$(leftovers "$1" | head -n 5 | tr '\n' ' ')
	[ -n "$left" ] || return 0
	# Staging entries are named after their werfault's pid: say whether
	# that process still exists (a zombie is not reaped yet).
	if [[ $left =~ /([0-9]+)\. ]]; then
		pid=${BASH_REMATCH[1]}
		state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)
		note=" (werfault $pid: ${state:-gone}${state:+ state})"
	fi
	fail "temporaries left in the store: $left$note"
}

# Exactly one report directory in ReportQueue, nothing left besides it;
# sets report.
check_one_report() {
	local reports n

	check_no_leftovers "$dir/store"
	reports=$(queue_entries "$dir/store" | grep -v '^\.')
	n=$(printf '%s' "$reports" | grep -c '')
	if [ "$n" -ne 1 ]; then
		fail "expected exactly one report in ReportQueue, found $n${reports:+ ($(echo $reports))} (stderr: $(excerpt "$dir/err"))"
		return 1
	fi
	report=$dir/store/ReportQueue/$reports
	if [ ! -d "$report" ] || [ -L "$report" ]; then
		fail "ReportQueue/$reports is not a directory"
		report=''
		return 1
	fi
	return 0
}

check_no_report() {
	local entries

	entries=$(queue_entries "$dir/store" | tr '\n' ' ')
	if [ -n "$entries" ]; then
		fail "ReportQueue should be empty, holds: $entries"
	fi
}

wer_line() { # NAME: the value of the first NAME= line of Report.wer
	awk -v n="$1=" 'index($0, n) == 1 {print substr($0, length(n) + 1); exit}' \
		"$report/Report.wer" 2>/dev/null
}

# Report.wer's contract lines, the signal of the baseline, the process and
# thread ids, XML well-formedness, modes.
check_report() { # APP_NAME
	local app=$1 w=$report/Report.wer x=$report/WERInternalMetadata.xml
	local signo name pid tid tids f i mode

	for f in Report.wer WERInternalMetadata.xml; do
		[ -f "$report/$f" ] && [ ! -L "$report/$f" ] ||
			fail "$f missing from the report"
	done
	[ -f "$w" ] || return
	for f in 'Version=1' 'EventType=APPCRASH'; do
		grep -qFx "$f" "$w" || fail "Report.wer lacks the line $f"
	done
	for f in EventTime ReportIdentifier OsVersion ProcessId ThreadId \
		CommandLine 'LoadedModule[0]'; do
		[ -n "$(wer_line "$f")" ] || fail "Report.wer lacks a non-empty $f= line"
	done
	for i in 0 1 2 3 4 5 6 7 8; do
		grep -qE "^Sig\[$i\]\.Name=.+" "$w" && grep -qE "^Sig\[$i\]\.Value=" "$w" ||
			fail "Report.wer lacks Sig[$i].Name/Value"
	done
	f=$(wer_line 'Sig[0].Value')
	[ "$f" = "$app" ] || fail "Sig[0].Value is '$f', expected '$app'"
	if [ "$base_status" -gt 128 ]; then
		signo=$((base_status - 128))
		name=SIG$(kill -l "$signo")
		f=$(wer_line 'Sig[5].Value')
		[ "$f" = "$name ($signo)" ] ||
			fail "Sig[5].Value is '$f', expected '$name ($signo)'"
	fi
	pid=$(info pid | head -n1)
	f=$(wer_line ProcessId)
	[ -z "$pid" ] || [ "$f" = "$pid" ] ||
		fail "ProcessId=$f, the fixture's pid is $pid"
	tids=$(info crash-tid)
	tid=$(wer_line ThreadId)
	if [ -n "$tids" ] && ! printf '%s\n' "$tids" | grep -qFx -- "$tid"; then
		fail "ThreadId=$tid, the crashing thread is $(echo $tids)"
	fi
	# No recovery callback or restart registered: nothing is added to
	# Report.wer afterwards (tests/crash/recovery_tests.sh has those).
	for f in Recovery Restart; do
		[ -z "$(wer_line "$f")" ] || fail "Report.wer has $f=$(wer_line "$f") though none was registered"
	done
	[ ! -e "$report/Report.wer.new" ] || fail "Report.wer.new left in the report"
	if [ -f "$x" ] && ! xmllint --noout "$x" 2>"$dir/xmllint.err"; then
		fail "WERInternalMetadata.xml is not well-formed: $(excerpt "$dir/xmllint.err")"
	fi
	mode=$(stat -c %a "$report")
	[ "$mode" = 700 ] || fail "report directory mode $mode, expected 700"
	for f in "$report"/* "$report"/.[!.]*; do
		[ -e "$f" ] || continue
		mode=$(stat -c %a "$f")
		if [ -d "$f" ]; then
			[ "$mode" = 700 ] || fail "${f##*/} mode $mode, expected 700"
		else
			[ "$mode" = 600 ] || fail "${f##*/} mode $mode, expected 600"
		fi
	done
}

# The value of KEY in Report.wer (pairs CustomMetadata[n].Key/.Value);
# returns 1 if KEY is absent.
wer_meta() { # KEY
	awk -v key="$1" '
		/^CustomMetadata\[[0-9]+\]\.Key=/ {
			i = substr($0, 16); i = substr(i, 1, index(i, "]") - 1)
			k[i] = substr($0, index($0, "=") + 1)
		}
		/^CustomMetadata\[[0-9]+\]\.Value=/ {
			i = substr($0, 16); i = substr(i, 1, index(i, "]") - 1)
			v[i] = substr($0, index($0, "=") + 1)
		}
		END {
			for (i in k)
				if (k[i] == key && (i in v)) {
					printf "%s", v[i]; found = 1; exit
				}
			exit !found
		}' "$report/Report.wer"
}

xml_meta_count() {
	xmllint --xpath 'count(/WERReportMetadata/CustomMetadata/*)' \
		"$report/WERInternalMetadata.xml" 2>/dev/null
}

xml_meta() { # KEY
	xmllint --xpath "string(/WERReportMetadata/CustomMetadata/$1)" \
		"$report/WERInternalMetadata.xml" 2>/dev/null
}

# N metadata pairs in each file.
check_meta_count() { # N
	local n

	if [ -f "$report/Report.wer" ]; then
		n=$(grep -cE '^CustomMetadata\[[0-9]+\]\.Key=' "$report/Report.wer")
		[ "$n" -eq "$1" ] || fail "Report.wer holds $n metadata keys, expected $1"
	fi
	if [ -f "$report/WERInternalMetadata.xml" ]; then
		n=$(xml_meta_count)
		[ "$n" = "$1" ] || fail "XML holds $n metadata elements, expected $1"
	fi
}

# These KEY=VALUE pairs, byte for byte, in both files.
check_meta_pairs() { # KEY=VALUE...
	local pair key want got

	[ -f "$report/Report.wer" ] || return
	for pair in "$@"; do
		key=${pair%%=*} want=${pair#*=}
		if ! got=$(wer_meta "$key"); then
			fail "Report.wer lacks metadata key $key"
		elif [ "$got" != "$want" ]; then
			fail "Report.wer: $key is '$got', expected '$want'"
		fi
	done
	[ -f "$report/WERInternalMetadata.xml" ] || return
	for pair in "$@"; do
		key=${pair%%=*} want=${pair#*=}
		if [ "$(xmllint --xpath "count(/WERReportMetadata/CustomMetadata/$key)" \
			"$report/WERInternalMetadata.xml" 2>/dev/null)" != 1 ]; then
			fail "XML lacks metadata element $key"
			continue
		fi
		got=$(xml_meta "$key")
		[ "$got" = "$want" ] || fail "XML: $key is '$got', expected '$want'"
	done
}

# Exactly these KEY=VALUE pairs.
check_metadata() { # KEY=VALUE...
	check_meta_count $#
	check_meta_pairs "$@"
}

# The race case: KEY holds exactly one of two whole values, in both files.
check_one_of() { # KEY VALUE1 VALUE2
	local got

	if ! got=$(wer_meta "$1"); then
		fail "Report.wer lacks metadata key $1"
	elif [ "$got" != "$2" ] && [ "$got" != "$3" ]; then
		fail "Report.wer: $1 is neither whole value (${#got} bytes: ${got:0:40}...)"
	fi
	got=$(xml_meta "$1")
	if [ "$got" != "$2" ] && [ "$got" != "$3" ]; then
		fail "XML: $1 is neither whole value (${#got} bytes: ${got:0:40}...)"
	fi
}

# stack.txt: the crashed thread's block comes first, is the thread of
# ThreadId, and names FUNCTION in a frame; one block per thread.
check_stack() { # FUNCTION [EXCUSABLE]
	local fn=$1 excusable=${2:-} s=$report/stack.txt
	local first tid blocks threads missing

	if [ ! -f "$s" ]; then
		missing=$(wer_line Missing)
		if [ -n "$excusable" ] && [[ $missing == *stack* || $missing == *thread* ]]; then
			return
		fi
		fail "stack.txt missing (Report.wer: Missing=$missing)"
		return
	fi
	first=$(head -n1 "$s")
	if [[ ! $first =~ ^Thread\ ([0-9]+)\ \(crashed\) ]]; then
		fail "stack.txt does not begin with 'Thread <tid> (crashed)': '${first:0:80}'"
		return
	fi
	tid=${BASH_REMATCH[1]}
	[ "$tid" = "$(wer_line ThreadId)" ] ||
		fail "stack.txt's crashed thread is $tid, Report.wer's ThreadId=$(wer_line ThreadId)"
	if ! awk '/^Thread /{n++} n == 1' "$s" |
		grep -qE "^ +#[0-9]+ +0x[0-9a-fA-F]+ .*\<$fn\>"; then
		fail "$fn not named in the crashed thread's block of stack.txt ($(awk '/^Thread /{n++} n == 1' "$s" | sed -n 2,4p | tr -s ' \n' '  '))"
	# The fixtures are built with -g, by gcc or by clang (whose DWARF
	# has no address index): the frame has its file and line.
	elif ! awk '/^Thread /{n++} n == 1' "$s" |
		grep -qE "^ +#[0-9]+ +0x[0-9a-fA-F]+ .*\<$fn\>.* at [^ ]+\.c:[0-9]+$"; then
		fail "$fn has no file:line in stack.txt ($(grep -m1 "\<$fn\>" "$s"))"
	fi
	[ "$(grep -c '^Thread [0-9]* *(crashed)' "$s")" -eq 1 ] ||
		fail "stack.txt has $(grep -c '(crashed)' "$s") crashed-thread headers"
	blocks=$(grep -cE '^Thread [0-9]+( |$)' "$s")
	threads=$(info threads | head -n1)
	if [ -n "$threads" ] && [ "$blocks" -ne "$threads" ]; then
		fail "stack.txt has $blocks thread blocks, the process had $threads threads"
	fi
}

# The minidump, read by Breakpad's minidump_dump and minidump_stackwalk:
# the signal, the crashed thread, FUNCTION in its frames (frame 0 but for
# abort), the threads of stack.txt, the metadata as Crashpad annotations.
check_dump() { # BINARY FUNCTION META...
	local binary=$1 fn=$2 sig out
	shift 2
	sig=$(wer_line 'Sig[5].Value' | sed -n 's/.*(\([0-9]*\))$/\1/p')
	[ -f "$report/minidump.mdmp" ] || { fail "no minidump.mdmp in the report"; return; }
	if ! out=$("$check_minidump_sh" "$report" "$binary" "$fn" "$sig" "$@" 2>&1); then
		fail "minidump: $(printf '%s\n' "$out" | grep '^not ok' | head -n 3 | tr '\n' ' ')"
	fi
	# openwer's own reader (what wer show and the collector use) agrees.
	local facts kv
	if ! facts=$("$minidump_facts" "$report/minidump.mdmp" 2>&1); then
		fail "openwer's minidump reader refuses the dump: $(printf '%s' "$facts" | head -c 200)"
		return
	fi
	[ "$(printf '%s\n' "$facts" | sed -n 's/^signal=//p')" = "$sig" ] ||
		fail "reader: signal is not $sig"
	[ "$(printf '%s\n' "$facts" | sed -n 's/^crashed_tid=//p')" = "$(wer_line ThreadId)" ] ||
		fail "reader: crashed thread is not ThreadId $(wer_line ThreadId)"
	[ "$(printf '%s\n' "$facts" | sed -n 's/^threads=//p')" = "$(grep -cE '^Thread [0-9]+( |$)' "$report/stack.txt")" ] ||
		fail "reader: thread count differs from stack.txt's"
	for kv in "$@"; do
		printf '%s\n' "$facts" | grep -qxF "annotation=$kv" ||
			fail "reader: annotation $kv missing"
	done
}

# Everything a crash of crash_program must leave; FUNCTION crashed.
check_crash() { # FUNCTION
	check_status
	check_one_report || return
	check_report crash_program
	check_metadata "${std_meta[@]}"
	check_stack "$1"
	check_dump "$program" "$1" "${std_meta[@]}"
}

# ---- cases ------------------------------------------------------------------

simple_case() { # NAME MODE FUNCTION
	begin "$1"
	baseline "$program" "$2"
	crash "$program" "$2"
	check_crash "$3"
	end
}

case_thread_null() {
	begin "null write in a thread, 20 others running"
	baseline "$program" thread-null
	crash "$program" thread-null
	check_crash crash_null_write
	check_capture frozen
	if [ -n "$report" ] && [ "$(wer_line ThreadId)" = "$(wer_line ProcessId)" ]; then
		fail "ThreadId is the main thread's"
	fi
	end
}

# How the threads were stopped (Report.wer's Capture=): by the process
# itself, or by werfault's ptrace.
check_capture() { # frozen | "ptrace (WHY)"
	[ -z "$report" ] || [ "$(wer_line Capture)" = "$1" ] ||
		fail "Capture=$(wer_line Capture), not $1"
}

# The ptrace capture, asked for: the same report.
case_thread_null_ptrace() {
	begin "null write in a thread, 20 others running, WER_CAPTURE=ptrace: the same report from werfault's ptrace"
	baseline "$program" thread-null
	crash WER_CAPTURE=ptrace "$program" thread-null
	check_crash crash_null_write
	check_capture "ptrace (the self-freezing capture is off here)"
	end
}

# A thread that blocks every signal cannot stop itself: the crash path
# sees it (SigBlk) and lets werfault's ptrace capture take every thread.
case_blocked_thread() {
	begin "a thread blocking every signal: the ptrace capture takes over, both threads in the report"
	baseline "$program" blocked-thread
	crash "$program" blocked-thread
	check_crash crash_null_write
	check_capture "ptrace (a thread blocks the signal that stops threads)"
	[ -z "$report" ] || [ "$(wer_line ThreadCount)" = 2 ] ||
		fail "ThreadCount=$(wer_line ThreadCount), not 2"
	end
}

case_two_threads() {
	begin "two threads fault at once"
	baseline "$program" two-threads
	crash "$program" two-threads
	check_crash crash_null_write
	end
}

case_chain() {
	begin "an application handler installed before libwer's is chained to"
	baseline "$program" chain
	crash "$program" chain
	check_crash crash_null_write
	check_capture "ptrace (the application's own handler runs after the capture)"
	grep -q "application handler ran" "$dir/err" ||
		fail "the application's own handler did not run ($(excerpt "$dir/err"))"
	end
}

# The application's handler displaced libwer's; wer_set_crash_reporting
# (TRUE), alone or after FALSE, puts libwer's first again, chaining to it.
case_chain_displaced() { # MODE
	begin "an application handler installed over libwer's, then reporting turned on ($1): libwer first, chaining to it"
	baseline "$program" "$1"
	crash "$program" "$1"
	check_crash crash_null_write
	grep -q "application handler ran" "$dir/err" ||
		fail "the application's own handler did not run ($(excerpt "$dir/err"))"
	end
}

# An independent reader: gdb on the core the kernel writes as the process
# dies of its signal. Skipped where cores do not land in the working
# directory (a piped or absolute core_pattern).
case_gdb_core() {
	local pattern core facts gout gthreads gpc

	begin "the minidump's threads and crashed pc are what gdb reads in the core"
	pattern=$(cat /proc/sys/kernel/core_pattern 2>/dev/null)
	if [[ $pattern == \|* || $pattern == */* ]] || ! command -v gdb >/dev/null ||
		! (ulimit -S -c unlimited) 2>/dev/null; then
		skip "no core in the working directory here (core_pattern '$pattern', hard limit $(ulimit -H -c))"
		return
	fi
	(cd "$dir" && ulimit -S -c unlimited && crash "$program" thread-null)
	core=$(ls "$dir"/core* 2>/dev/null | head -n1)
	check_one_report || { end; return; }
	if [ -z "$core" ]; then
		fail "no core file was written"
	else
		facts=$("$minidump_facts" "$report/minidump.mdmp" 2>&1)
		gout=$(gdb -batch -nx -ex 'info threads' -ex 'p/x $pc' "$program" "$core" 2>/dev/null)
		gthreads=$(printf '%s\n' "$gout" | grep -cE '^\*? +[0-9]+ +(Thread|LWP)')
		gpc=$(printf '%s\n' "$gout" | sed -n 's/^\$1 = //p')
		[ "$gthreads" = "$(printf '%s\n' "$facts" | sed -n 's/^threads=//p')" ] ||
			fail "gdb sees $gthreads threads, the minidump $(printf '%s\n' "$facts" | sed -n 's/^threads=//p')"
		[ -n "$gpc" ] && [ "$gpc" = "$(printf '%s\n' "$facts" | sed -n 's/^pc=//p')" ] ||
			fail "gdb's crashed pc is '$gpc', the minidump's $(printf '%s\n' "$facts" | sed -n 's/^pc=//p')"
	fi
	rm -f "$dir"/core*
	end
}

# A call through a NULL function pointer: pc 0, frame 1 its caller (as
# gdb shows it on the kernel's core of the same crash), and the fault
# module the caller's.
case_null_call() {
	local s gdb_fn core

	begin "a call through a NULL function pointer names its caller"
	baseline "$program" null-call
	(cd "$dir" && ulimit -S -c unlimited 2>/dev/null; crash "$program" null-call)
	check_crash crash_null_call
	if [ -n "$report" ]; then
		s=$(awk '/^Thread /{n++} n == 1' "$report/stack.txt")
		printf '%s\n' "$s" | sed -n 2p | grep -qx "  #0  0x0000000000000000" ||
			fail "frame 0 is not pc 0: $(printf '%s\n' "$s" | sed -n 2p)"
		printf '%s\n' "$s" | sed -n 3p | grep -q "^  #1  0x[0-9a-f]* crash_null_call+0x[0-9a-f]* in crash_program+" ||
			fail "frame 1 is not crash_null_call: $(printf '%s\n' "$s" | sed -n 3p)"
		[ "$(wer_line 'Sig[3].Value')" = crash_program ] ||
			fail "the fault module is '$(wer_line 'Sig[3].Value')', not crash_program"
		core=$(ls "$dir"/core* 2>/dev/null | head -n1)
		if [ -n "$core" ] && command -v gdb >/dev/null; then
			gdb_fn=$(gdb -batch -nx -ex bt "$program" "$core" 2>/dev/null |
				sed -n 's/^#1  *0x[0-9a-f]* in \([A-Za-z_0-9]*\) .*/\1/p')
			[ "$gdb_fn" = crash_null_call ] ||
				fail "gdb on the core says frame 1 is '$gdb_fn'"
		fi
		rm -f "$dir"/core*
	fi
	end
}

case_race() {
	begin "crash while a thread re-registers a value"
	baseline "$program" race
	crash "$program" race
	check_status
	if check_one_report; then
		check_report crash_program
		check_meta_count $((${#std_meta[@]} + 1))
		check_meta_pairs "${std_meta[@]}"
		check_one_of Race "$race_a" "$race_b"
		check_stack crash_null_write
	fi
	end
}

# The native table (wer_set_metadata): 63 pairs of 256-byte UTF-8 values,
# and "Build" moved there from WER's table: 67 pairs in Report.wer, the
# XML (UTF-8 kept) and the minidump's annotations.
case_native_metadata() {
	local value pairs=() i
	begin "64 native metadata pairs of 256 bytes of UTF-8 beside WER's"
	baseline "$program" null
	value=$(printf '\xc3\xbc%.0s' $(seq 126))
	for i in $(seq 0 62); do
		pairs+=("Native$i=N$(printf %02d "$i")-$value")
	done
	pairs+=($'Build=nightly-42 \xe2\x9c\x93' "${std_meta[@]:1}")
	crash CRASH_NATIVE=63 CRASH_NATIVE_MOVE=1 "$program" null
	check_status
	if check_one_report; then
		check_report crash_program
		check_meta_count 67
		check_meta_pairs "${pairs[@]}"
		check_stack crash_null_write
		check_dump "$program" crash_null_write "${pairs[0]}" "${pairs[62]}" "${pairs[63]}" "${std_meta[1]}"
	fi
	end
}

case_ld_preload() {
	begin "unmodified program under LD_PRELOAD; werfault without it"
	baseline LD_PRELOAD="$libwer" "$plain"
	# werfault must not run the crashed process's preloads (libwer's
	# crash handler among them): a wrapper notes its environment.
	printf '#!/bin/sh\nenv >"%s"\nexec "%s" "$@"\n' "$dir/handler-env" "$werfault" >"$dir/env-wrapper"
	chmod 755 "$dir/env-wrapper"
	crash LD_PRELOAD="$libwer" WER_HANDLER="$dir/env-wrapper" "$plain"
	check_status
	if [ ! -s "$dir/handler-env" ]; then
		fail "werfault's wrapper did not run"
	elif grep -q '^LD_PRELOAD=' "$dir/handler-env"; then
		fail "werfault was started with the crashed process's LD_PRELOAD"
	fi
	if check_one_report; then
		check_report crash_plain
		check_metadata
		check_stack plain_null_write
	fi
	end
}

case_wer_run() {
	begin "unmodified program under wer run"
	if [ ! -x "$wer" ]; then
		fail "wer CLI not built ($wer)"
		end
		return
	fi
	baseline "$plain"
	# Not waiting for werfault: wer must have waited for the report.
	wait_all=0
	crash "$wer" run -- "$plain"
	wait_all=1
	check_status
	if check_one_report; then
		# werfault's own "werfault: ... written to PATH" reaches the
		# program's stderr too; wer must print a line of its own.
		grep -F -- "$report" "$dir/err" | grep -qv '^werfault:' ||
			fail "wer printed no line with the report path on stderr ($(excerpt "$dir/err"))"
		check_report crash_plain
		check_metadata
		check_stack plain_null_write
	fi
	end
}

case_strace() {
	begin "crash under strace -f"
	if ! command -v strace >/dev/null; then
		skip "strace not installed"
		return
	fi
	baseline strace -f -o /dev/null "$program" null
	crash strace -f -o /dev/null "$program" null
	check_status
	if check_one_report; then
		check_report crash_program
		check_metadata "${std_meta[@]}"
		check_stack crash_null_write excusable
	fi
	end
}

# DumpType=2 (a full dump: every readable private mapping), taken through
# the keeper and through ptrace: the registered heap block is in the
# minidump (its marker repeated, as only the block holds it), the excluded
# stack buffer is not.
case_full_dump() { # frozen|ptrace
	local -a vars=(WER_DUMP_TYPE=2)

	begin "DumpType=2, $1: the heap in the minidump, the excluded block zeroed"
	[ "$1" = ptrace ] && vars+=(WER_CAPTURE=ptrace)
	baseline "$program" blocks
	crash "${vars[@]}" "$program" blocks
	check_status
	if check_one_report; then
		[ "$(wer_line DumpType)" = full ] || fail "DumpType=$(wer_line DumpType), not full"
		[ "$(wer_line Capture)" = "$1" ] || [ "${1}" = ptrace ] ||
			fail "Capture=$(wer_line Capture), not $1"
		LC_ALL=C grep -q -a "OPENWER-BLOCK-MARKER:OPENWER-BLOCK-MARKER:" "$report/minidump.mdmp" ||
			fail "the registered heap block is not in the full dump"
		! LC_ALL=C grep -q -a "OPENWER-EXCLUDED-SECRETOPENWER-EXCLUDED-SECRET" "$report/minidump.mdmp" ||
			fail "the excluded stack buffer is in the full dump"
	fi
	end
}

# A container's first process is its PID namespace's init: its death kills
# every process of the namespace, werfault with them. So it does not
# freeze itself (the keeper would die with it) and waits for the report.
case_namespace_init() {
	begin "the first process of a PID namespace: the ptrace capture, and the report written before it dies"
	if ! unshare -p -f --mount-proc true 2>/dev/null; then
		skip "no PID namespace here (unshare -p needs root or a user namespace)"
		return
	fi
	baseline unshare -p -f --mount-proc "$program" null
	crash unshare -p -f --mount-proc "$program" null
	check_status
	if check_one_report; then
		check_report crash_program
		check_capture "ptrace (the process is its namespace's init)"
		[ "$(wer_line ProcessId)" = 1 ] ||
			fail "ProcessId=$(wer_line ProcessId), not 1 (the namespace's)"
	fi
	end
}

case_handler_dies_first() {
	begin "werfault killed before capturing: the crashed process writes its own report"
	printf '#!/bin/sh\nkill -9 $$\n' >"$dir/werfault-killed"
	chmod 755 "$dir/werfault-killed"
	baseline "$program" null
	crash WER_HANDLER="$dir/werfault-killed" "$program" null
	check_status
	check_quick
	if check_one_report; then
		grep -qx "Degraded=written by the crashed process: werfault ended without capturing the crash" \
			"$dir/store/ReportQueue"/*/Report.wer ||
			fail "the report does not say werfault ended without capturing the crash"
	fi
	check_no_leftovers "$dir/store"
	end
}

# werfault is SIGKILLed as it renames the finished report into place: the
# queue must show nothing, and whatever it left must be gone once the next
# crash has been reported. The kill is strace's fault injection on
# werfault's first rename (-D: werfault keeps its pid and parent, the
# tracer is a detached grandchild), which works for the statically linked
# werfault too (no preloaded library does).
case_handler_dies_mid_write() {
	begin "werfault killed mid-write"
	if ! command -v strace >/dev/null; then
		skip "no strace here (Debian's strace)"
		return
	fi
	printf '#!/bin/sh\nexec strace -D -f -qq -o %s -e trace=rename,renameat,renameat2 -e inject=rename,renameat,renameat2:signal=KILL:when=1 %s "$@"\n' \
		"'$dir/strace.log'" "'$werfault'" >"$dir/werfault-killed"
	chmod 755 "$dir/werfault-killed"
	baseline "$program" null
	crash WER_HANDLER="$dir/werfault-killed" "$program" null
	check_status
	check_quick
	grep -Eq '^[0-9]+ +[+]{3} killed by SIGKILL [+]{3}$' "$dir/strace.log" 2>/dev/null ||
		fail "werfault was not killed at its rename (strace: $(excerpt "$dir/strace.log"); stderr: $(excerpt "$dir/err"))"
	check_no_report
	crash "$program" null
	check_status
	check_one_report && check_report crash_program
	end
}

case_unwritable_store() {
	begin "unwritable store"
	: >"$dir/file"
	baseline "$program" null
	run "$dir/file/store" "$program" null
	check_status
	check_quick
	[ -f "$dir/file" ] && [ ! -s "$dir/file" ] || fail "the regular file in the store's path changed"
	if [ "$(id -u)" -ne 0 ]; then
		# Not root: a directory without write permission works too.
		mkdir -p "$dir/ro" && chmod 0500 "$dir/ro"
		run "$dir/ro/store" "$program" null
		check_status
		check_quick
		[ -z "$(ls -A "$dir/ro")" ] || fail "something was created in the 0500 directory"
		chmod 0700 "$dir/ro"
	fi
	end
}

if ! command -v xmllint >/dev/null; then
	echo "not ok - setup: xmllint not found (package libxml2-utils)"
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
fi
for f in "$werfault" "$program" "$plain" "$libwer"; do
	if [ ! -e "$f" ]; then
		echo "not ok - setup: $f does not exist"
		echo "0 passed, 1 failed, 0 skipped"
		exit 1
	fi
done

simple_case "null write in the main thread" null crash_null_write
case_thread_null
case_thread_null_ptrace
case_blocked_thread
simple_case "abort" abort crash_abort
simple_case "stack overflow on the main thread" overflow crash_recurse
simple_case "stack overflow on a secondary thread" thread-overflow crash_recurse
# AArch64's integer division by zero gives 0, no trap: no SIGFPE to catch.
if [ "$(uname -m)" = aarch64 ]; then
	echo "ok - SIGFPE # SKIP AArch64: integer division by zero does not trap"
else
	simple_case "SIGFPE" fpe crash_divide
fi
simple_case "SIGILL" ill crash_trap
simple_case "SIGBUS" bus crash_bus
case_two_threads
case_race
case_native_metadata
simple_case "heap corruption (double free)" double-free crash_double_free
case_null_call
case_chain
case_chain_displaced chain-displaced
case_chain_displaced chain-off-on
case_gdb_core
case_ld_preload
case_wer_run
case_strace
case_full_dump frozen
case_full_dump ptrace
case_namespace_init
case_handler_dies_first
case_handler_dies_mid_write
case_unwritable_store

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
