#!/bin/bash
# SPDX-License-Identifier: MIT
# recovery_tests.sh WERFAULT FIXTURE_DIR WER
#
# Application recovery, restart, and reports without a crash, checked on
# real runs of tests/crash/recovery_program (each in a fresh store):
#   - the recovery callback runs after the report is complete (the report
#     directory, with its minidump, is in ReportQueue when it looks), can
#     write a file, and every registration call inside it returns
#     WER_E_INVALID_STATE; ApplicationRecoveryInProgress returns E_FAIL
#     outside recovery and S_OK inside;
#   - it runs on a stack of its own (also after a stack overflow), and a
#     crash inside it ends recovery at once;
#   - ApplicationRecoveryFinished ends the process with its original signal
#     (the same exit status as without openwer), and Report.wer says how
#     recovery ended;
#   - missed pings end the process within the ping interval plus a small
#     margin, and pings within it keep it alive;
#   - a registered restart starts the program once, with the registered
#     command line, the crashed process's working directory and
#     environment; never for a process younger than the threshold (60 s by
#     default) nor with RESTART_NO_CRASH;
#   - wer_report_now and WerReport* leave the process running (a worker
#     thread counts on, no thread is left traced) and put a report in the
#     store with its event type, parameters, metadata, files and a dump
#     that Breakpad's tools read, whose first thread is the caller's.
# One line per case (ok - NAME / not ok - NAME: REASONS), then
# "N passed, M failed"; exits 1 if any case failed.
set -u

if [ $# -ne 3 ]; then
	echo "usage: $0 WERFAULT FIXTURE_DIR WER" >&2
	exit 2
fi
werfault=$1 fixtures=$2 wer=$3
program=$fixtures/recovery_program
check_minidump_sh=$(cd "$(dirname "$0")/../minidump" && pwd)/check_minidump.sh
check_live_sh=$(dirname "$check_minidump_sh")/check_live_minidump.sh
MINIDUMP_TOOLS=${MINIDUMP_TOOLS:-$("$(dirname "$0")/../../scripts/minidump-tools.sh" 2>/dev/null)} || true

ulimit -S -c 0
unset WER_DISABLE WER_TIMEOUT_MS WER_REPORT_DIR WER_HANDLER LD_PRELOAD \
	XDG_STATE_HOME WER_RESTART_MIN_UPTIME_S RESTART_PROBE
export LC_ALL=C.UTF-8

work=$(mktemp -d "${TMPDIR:-/tmp}/openwer-recovery.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
. "$(dirname "$0")/../check.sh"

passed=0 failed=0 case_number=0
case_name='' dir='' reasons=() status=0 end_ms=0

begin() { # NAME
	case_name=$1
	case_number=$((case_number + 1))
	dir=$work/case$case_number
	mkdir -p "$dir"
	reasons=()
}
fail() { reasons+=("$1"); }
end() {
	if [ ${#reasons[@]} -eq 0 ]; then
		echo "ok - $case_name"
		passed=$((passed + 1))
	else
		local IFS='; '
		echo "not ok - $case_name: ${reasons[*]}"
		failed=$((failed + 1))
	fi
}

# run [VAR=VALUE...] ARGS...: runs the fixture with ARGS, store
# $dir/store, notes in $dir/out; sets status, and end_ms (wall clock, ms)
# the moment the fixture ended. Returns once werfault is gone too (it
# inherits the stderr pipe).
run() {
	local -a vars=()

	while [ $# -gt 0 ] && [[ $1 == [A-Z_]*=* ]]; do
		vars+=("$1")
		shift
	done
	{
		env WER_REPORT_DIR="$dir/store" WER_HANDLER="$werfault" \
			"${vars[@]}" bash -c '
			end=$1 cwd=$2; shift 2
			cd "$cwd" || exit 99
			timeout -s KILL 60 "$@"
			s=$?
			date +%s%3N >"$end"
			exit $s' run "$dir/end" "$run_cwd" "$program" "$@" \
			2>&1 >"$dir/stdout" | cat >"$dir/err"
		status=${PIPESTATUS[0]}
	} 2>/dev/null
	end_ms=$(cat "$dir/end" 2>/dev/null || echo 0)
}

note() { # NAME: the fixture's value for NAME (first line)
	awk -v k="$1" '$1 == k { sub(/^[^ ]* /, ""); print; exit }' "$dir/out" 2>/dev/null
}

expect_note() { # NAME VALUE
	local got
	got=$(note "$1")
	[ "$got" = "$2" ] || fail "$1 is '${got:-(absent)}', expected '$2'"
}

the_report() { # the one report directory, or fails
	local -a found=()
	local d
	for d in "$dir/store/ReportQueue"/*/; do
		[ -d "$d" ] && found+=("${d%/}")
	done
	if [ ${#found[@]} -ne 1 ]; then
		fail "${#found[@]} report directories in the queue, expected 1"
		return 1
	fi
	report=${found[0]}
	if [ -e "$report/Report.wer.new" ]; then
		fail "Report.wer.new left behind"
	fi
	if [ -n "$(ls -A "$dir/store/.staging" 2>/dev/null | grep -v -e '^\.lock$' -e '^\.slot-')" ]; then
		fail "temporaries left in .staging"
	fi
}

wer_line() { # NAME: the value of the first NAME= line of Report.wer
	awk -v k="$1" 'index($0, k "=") == 1 { print substr($0, length(k) + 2); exit }' "$report/Report.wer"
}

expect_line() { # NAME VALUE
	local got
	got=$(wer_line "$1")
	[ "$got" = "$2" ] || fail "Report.wer's $1 is '${got:-(absent)}', expected '$2'"
}

report='' run_cwd=$work
INVALID_STATE=0x8007139F E_FAIL=0x80004005 E_INVALIDARG=0x80070057 S_OK=0x00000000

# ---- recovery -----------------------------------------------------------------

recovery_case() { # NAME MODE EXPECTED_STATUS RECOVERY_LINE [ARGS...]
	begin "$1"
	run "$2" "$dir/out" "${@:5}"
	[ "$status" -eq "$3" ] || fail "exit status $status, expected $3 (the original signal)"
	expect_note outside-in-progress "$E_FAIL"
	if the_report; then
		expect_line Recovery "$4"
		[ -s "$report/minidump.mdmp" ] || fail "no minidump"
	fi
}

recovery_case "Finished(TRUE) ends the process with SIGSEGV; callback ran after the report" \
	finish 139 "finished (ApplicationRecoveryFinished(TRUE))"
expect_note callback-param param
expect_note report-complete 1
for call in register-metadata register-file register-restart register-recovery unregister-recovery; do
	expect_note "$call" "$INVALID_STATE"
done
expect_note in-progress "$S_OK 0"
[ -z "$(note after-finished)" ] || fail "ApplicationRecoveryFinished returned"
# The report of a crash that recovered is a whole crash report: Breakpad's
# tools read its dump, the crash in crash_now.
if [ -n "$report" ] && ! MINIDUMP_TOOLS=$MINIDUMP_TOOLS "$check_minidump_sh" "$report" "$program" crash_now 11 >"$dir/mdcheck" 2>&1; then
	fail "minidump check: $(grep '^not ok' "$dir/mdcheck" | head -n 2 | tr '\n' ' ')"
fi
end

recovery_case "Finished(FALSE) after abort() ends the process with SIGABRT" \
	finish-abort 134 "finished unsuccessfully (ApplicationRecoveryFinished(FALSE))"
expect_note report-complete 1
expect_note register-metadata "$INVALID_STATE"
end

recovery_case "after a stack overflow the callback runs on a stack of its own" \
	overflow 139 "finished (ApplicationRecoveryFinished(TRUE))"
expect_note callback-param overflow
expect_note report-complete 1
expect_note in-progress "$S_OK 0"
end

recovery_case "a callback that returns ends recovery" \
	return 139 "the callback returned"
expect_note callback ran
end

recovery_case "a crash inside the callback ends recovery; the process dies of the first signal" \
	callback-crash 134 "a thread crashed during recovery"
expect_note callback crashing
grep -q '^callback survived' "$dir/out" && fail "the callback went on after its crash"
end

# Ping interval 1000 ms, three pings 500 ms apart, then none: the process
# must live past the first interval (pings extend it) and die about 1000 ms
# after the last ping.
recovery_case "missed pings end the process within the interval plus a margin" \
	pings 139 "timed out (a ping was missed)" 1000 3
start=$(note callback-start) last=$(awk '$1 == "last-ping" { v = $2 } END { print v }' "$dir/out")
if [ -z "$start" ] || [ -z "$last" ]; then
	fail "the callback noted no start or no ping"
else
	after_last=$((end_ms - last)) total=$((end_ms - start))
	[ "$(grep -c '^last-ping' "$dir/out")" -eq 3 ] || fail "$(grep -c '^last-ping' "$dir/out") pings noted, expected 3"
	grep -q '^ping-failed' "$dir/out" && fail "a ping inside the interval failed"
	[ "$after_last" -ge 950 ] || fail "died ${after_last} ms after the last ping: before the 1000 ms interval"
	[ "$after_last" -le 1500 ] || fail "died ${after_last} ms after the last ping: more than 1000 + 500 ms"
	[ "$total" -ge 2400 ] || fail "died ${total} ms after the callback started: pings did not extend the deadline"
	echo "# pings: died ${after_last} ms after the last ping (interval 1000 ms)"
fi
end

# ---- restart ------------------------------------------------------------------

restart_cmd="restarted $work/RESTARTED one 'two words' \"q\\\"x\" back\\ slash"

restart_case() { # NAME FLAGS [VAR=VALUE...]
	local name=$1 flags=$2
	shift 2
	begin "$name"
	rm -f "$work/RESTARTED"
	mkdir -p "$dir/cwd"
	run_cwd=$dir/cwd
	run RESTART_PROBE=probe-value "$@" restart "$dir/out" "$flags" "$restart_cmd"
	run_cwd=$work
	[ "$status" -eq 139 ] || fail "exit status $status, expected 139"
	expect_note register "$S_OK"
	# The restarted process is detached: give it time to write.
	for _ in $(seq 50); do
		[ -s "$work/RESTARTED" ] && grep -q '^restarted done' "$work/RESTARTED" && break
		sleep 0.1
	done
}

restart_case "a restart starts the program once, with its command line, cwd and environment" 0 WER_RESTART_MIN_UPTIME_S=0
# No instance of the program started again is running any more (werfault,
# gone once run returns, has started every one there will be).
none_restarted_running() {
	! pgrep -f "recovery_program restarted $work/RESTARTED " >/dev/null
}
if [ ! -f "$work/RESTARTED" ]; then
	fail "the program was not started again"
else
	wait_until 5 none_restarted_running
	got=$(grep '^arg ' "$work/RESTARTED" | tr '\n' ' ')
	want="arg [one] arg [two words] arg [q\"x] arg [back slash] "
	[ "$got" = "$want" ] || fail "arguments '$got', expected '$want'"
	n=$(grep -c '^restarted done' "$work/RESTARTED")
	[ "$n" -eq 1 ] || fail "started $n times, expected once"
	grep -qxF "cwd $dir/cwd" "$work/RESTARTED" || fail "working directory $(grep '^cwd' "$work/RESTARTED"), expected $dir/cwd"
	grep -qx 'probe probe-value' "$work/RESTARTED" || fail "environment: $(grep '^probe' "$work/RESTARTED")"
	# It ignored SIGHUP (and what its parent ignored): the program
	# started again ignores the same, and not werfault's own SIGPIPE.
	[ "$(note sigign)" != "" ] && [ "$(note sigign)" = "$(grep '^sigign ' "$work/RESTARTED" | cut -d' ' -f2)" ] ||
		fail "ignored signals of the restarted program: $(grep '^sigign' "$work/RESTARTED"), of the crashed one: $(note sigign)"
fi
if the_report; then
	[[ $(wer_line Restart) == "started pid "* ]] || fail "Report.wer's Restart is '$(wer_line Restart)'"
	[ -z "$(wer_line Recovery)" ] || fail "Recovery= line without a recovery callback"
fi
end

restart_case "no restart for a process younger than WER_RESTART_MIN_UPTIME_S" 0 WER_RESTART_MIN_UPTIME_S=3600
[ -e "$work/RESTARTED" ] && fail "the program was started again"
if the_report; then
	[[ $(wer_line Restart) == "skipped: the process ran "*"less than 3600 s" ]] || fail "Report.wer's Restart is '$(wer_line Restart)'"
fi
end

restart_case "no restart for a process younger than 60 s by default" 0
[ -e "$work/RESTARTED" ] && fail "the program was started again"
if the_report; then
	[[ $(wer_line Restart) == *"less than 60 s" ]] || fail "Report.wer's Restart is '$(wer_line Restart)'"
fi
end

restart_case "no restart with RESTART_NO_CRASH" 1 WER_RESTART_MIN_UPTIME_S=0
[ -e "$work/RESTARTED" ] && fail "the program was started again"
if the_report; then
	expect_line Restart "skipped: RESTART_NO_CRASH"
fi
end

# ---- reports without a crash ----------------------------------------------------

# check_live_dump BINARY FUNCTION: Breakpad's tools read the dump, it is a
# dump without a crash, the first thread is the caller's and names
# FUNCTION once symbolized, and it has ThreadCount threads.
check_live_dump() {
	local binary=$1 function=$2 tools=${MINIDUMP_TOOLS:-} keep
	# Where the tools cannot run (the AArch64 VM), the report is kept for
	# the host, which makes the same checks (scripts/test-arm64.sh).
	if [ -n "${WER_TEST_DUMPS_DIR:-}" ] &&
		{ [ -z "$tools" ] || [ ! -x "$tools/minidump_stackwalk" ]; }; then
		keep=$(mktemp -d "$WER_TEST_DUMPS_DIR/live.XXXXXX") &&
			cp -r "$report" "$keep/report" && cp "$binary" "$keep/" &&
			printf '%s\n' "$(basename "$binary")" "$function" >"$keep/args" ||
			fail "the report could not be kept for the host"
		return
	fi
	local out reason
	out=$(MINIDUMP_TOOLS=$tools bash "$check_live_sh" "$report" "$binary" "$function" \
		"$dir/live-check") ||
		while IFS= read -r reason; do
			fail "$reason"
		done <<<"$out"
}

begin "wer_report_now: the process runs on, threads resumed, report in the store; werfault without its preloads"
# werfault must not run the process's preloads: a wrapper notes its
# environment (libm: a harmless preload).
printf '#!/bin/sh\nenv >"%s"\nexec "%s" "$@"\n' "$dir/handler-env" "$werfault" >"$dir/env-wrapper"
chmod 755 "$dir/env-wrapper"
run LD_PRELOAD=libm.so.6 WER_HANDLER="$dir/env-wrapper" live "$dir/out"
[ "$status" -eq 0 ] || fail "exit status $status, expected 0"
[ -s "$dir/handler-env" ] || fail "werfault's wrapper did not run"
grep -q '^LD_PRELOAD=' "$dir/handler-env" && fail "werfault was started with the process's LD_PRELOAD"
expect_note report-now "$S_OK"
expect_note worker-counts-on 1
expect_note traced-threads 0
expect_note second-report "$S_OK"
expect_note bad-event "$E_INVALIDARG"
expect_note main-goes-on 1
# Two reports: the second (same second, no dump) apart from the first.
report=''
for d in "$dir/store/ReportQueue"/AppAssert_recovery_program_*/; do
	d=${d%/}
	[ -f "$d/Report.wer" ] || continue
	if grep -qx 'Sig\[0\].Value=again' "$d/Report.wer"; then
		second=$d
	else
		report=$d
	fi
done
n=$(ls "$dir/store/ReportQueue" | wc -l)
[ "$n" -eq 2 ] || fail "$n reports in the queue, expected 2"
if [ -z "${second:-}" ]; then
	fail "no second report"
else
	[ -e "$second/minidump.mdmp" ] && fail "WER_REPORT_NOW_NO_DUMP report has a minidump"
	grep -q 'No dump was asked for' "$second/stack.txt" || fail "the second report's stack.txt: $(head -n1 "$second/stack.txt")"
fi
if [ -z "$report" ]; then
	fail "no report with the message"
else
	expect_line EventType AppAssert
	expect_line Sig[0].Name Message
	expect_line Sig[0].Value "index 7 out of range"
	expect_line CustomMetadata[0].Key Build
	expect_line CustomMetadata[0].Value live-42
	expect_line ProcessId "$(note pid)"
	expect_line ThreadId "$(note pid)"
	grep -q 'report_problem' "$report/stack.txt" || fail "stack.txt does not name report_problem"
	xmllint --noout "$report/WERInternalMetadata.xml" 2>/dev/null || fail "WERInternalMetadata.xml is not well-formed"
	check_live_dump "$program" report_problem
	line=$(WER_REPORT_DIR=$dir/store "$wer" list | grep "$(basename "$report")")
	case $line in
	*" queued   recovery_program AppAssert "*) ;;
	*) fail "wer list shows the report as: $line" ;;
	esac
	WER_REPORT_DIR=$dir/store "$wer" show "$(basename "$report")" | grep -q "^Reporting thread:" ||
		fail "wer show does not call the thread the reporting one"
fi
end

begin "WerReportCreate .. Submit: parameters, file, dump; argument checks"
echo "attached contents" >"$dir/attach.txt"
run live-api "$dir/out" "$dir/attach.txt"
[ "$status" -eq 0 ] || fail "exit status $status, expected 0"
for n in create param0 param1 add-file add-dump submit close; do
	expect_note "$n" "$S_OK"
done
for n in param10 add-dump-other-process close-again; do
	expect_note "$n" "$E_INVALIDARG"
done
expect_note result 1
expect_note traced-threads 0
if the_report; then
	expect_line EventType MyEvent
	expect_line ReportType NonCritical
	expect_line Description "A problem that did not crash"
	expect_line Sig[0].Name Component
	expect_line Sig[0].Value parser
	expect_line Sig[1].Name P1
	expect_line Sig[1].Value "line 12"
	[ -z "$(wer_line Sig[2].Name)" ] || fail "a Sig[2] that was never set"
	expect_line ReportFile[0].Path "$dir/attach.txt"
	copy=$(wer_line ReportFile[0].Copy)
	if [ -z "$copy" ] || ! cmp -s "$report/$copy" "$dir/attach.txt"; then
		fail "the added file was not copied ($(wer_line ReportFile[0].Status))"
	fi
	[ -s "$report/minidump.mdmp" ] || fail "no minidump"
fi
end

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
