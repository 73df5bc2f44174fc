#!/bin/bash
# SPDX-License-Identifier: MIT
# hostile_tests.sh WER WERFAULT HOSTILE_PROGRAM - processes that make
# themselves hard to report on (tests/crash/hostile_program.c): werfault
# never crashes or loops, the process dies of its signal as it would
# without openwer, the report is whole (its metadata, a minidump openwer's
# reader accepts) and says what was cut at a cap (Truncated=).
set -u
wer=$(realpath "$1") werfault=$(realpath "$2") program=$(realpath "$3")
store=$(mktemp -d "${TMPDIR:-/tmp}/openwer-hostile.XXXXXX") || exit 2
trap 'rm -rf "$store"' EXIT
# WER_DEBUG: werfault prints its peak RSS, which must stay within 16 MiB
# whatever the process (scripts/test.sh runs these cases again with an
# ASan+UBSan werfault, whose shadow memory lifts its RSS: it sets
# WER_TEST_RSS_MAX_KIB).
export WER_HANDLER=$werfault WER_TIMEOUT_MS=60000 WER_DEBUG=1
rss_max=${WER_TEST_RSS_MAX_KIB:-16384}
unset WER_DISABLE LD_PRELOAD WER_REPORT_DIR
ulimit -S -c 0
. "$(dirname "$0")/../check.sh"

report_ok() { # STORE: one whole report, with the metadata and (unless the
	# crashed process wrote it) a dump
	WER_REPORT_DIR=$1 python3 -c '
import json, subprocess, sys
d = json.loads(subprocess.run([sys.argv[1], "list", "--json"], capture_output=True, check=True).stdout)
assert len(d) == 1 and not d[0]["damaged"], d
assert d[0]["metadata"]["Build"] == "hostile-1", d[0]
s = json.loads(subprocess.run([sys.argv[1], "show", "--json", d[0]["id"]], capture_output=True, check=True).stdout)
# A report written by the crashed process itself has no minidump.
if not d[0].get("degraded_why", "").startswith("written by the crashed process"):
    assert s["minidump"] and s["minidump"]["signal"] == 11, s["minidump"]
' "$wer"
}

peak_kib() { # werfault's peak RSS in the case's stderr (WER_DEBUG)
	sed -n 's/^werfault: peak RSS \([0-9]*\) KiB$/\1/p' "$dir/err" | tail -n1
}

run_case() { # NAME EXTRA-CHECK ARGS...
	local name=$1 extra=$2 dir status base t0 ms pid
	shift 2
	# A directory of the case's own (not $store/$RANDOM: two cases drawing
	# the same number would share a store, and each find two reports).
	dir=$(mktemp -d "$store/case.XXXXXX") || exit 2
	WER_DISABLE=1 "$program" "$@" >/dev/null 2>"$dir/base-err"
	base=$?
	if [ "$base" = 77 ]; then
		skip "$name" "$(tail -n1 "$dir/base-err")"
		return
	fi
	t0=$(date +%s%N)
	WER_REPORT_DIR=$dir/store "$program" "$@" >/dev/null 2>"$dir/err" &
	pid=$!
	wait $pid
	status=$?
	wait_until 60 no_werfault_for $pid
	ms=$((($(date +%s%N) - t0) / 1000000))
	if [ "$status" = "$base" ] && report_ok "$dir/store" >/dev/null 2>&1 &&
		(cd "$dir/store/ReportQueue"/* && eval "$extra") >/dev/null 2>&1; then
		peak=$(peak_kib)
		echo "ok - $name (report complete after $ms ms; werfault peak RSS ${peak:-(no werfault)}${peak:+ KiB})"
		passed=$((passed + 1))
	else
		echo "not ok - $name (status $status, without openwer $base; $ms ms; werfault peak RSS $(peak_kib) KiB, at most $rss_max)"
		sed 's/^/#   /' "$dir/err" | head -n 5
		grep -h "^werfault: report of process" "$dir/err" | sed 's/^/#   /'
		ls -a "$dir/store/ReportQueue" 2>&1 | sed 's/^/#   in ReportQueue: /'
		grep -hE '^(ThreadCount|Truncated|Missing|UnwindCut)=' "$dir/store/ReportQueue"/*/Report.wer 2>/dev/null |
			sed 's/^/#   /' | head -n 4
		failed=$((failed + 1))
	fi
}

# 100,000 mappings: the kernel's default limit is 65,530 a process; where
# the test may raise it (root, a writable /proc/sys), it does for this
# case and puts it back.
max_maps=$(cat /proc/sys/vm/max_map_count 2>/dev/null || echo 65530)
raised=""
if [ "$max_maps" -lt 102000 ] && (echo 102000 >/proc/sys/vm/max_map_count) 2>/dev/null; then
	raised=$max_maps
	max_maps=102000
fi
n=$((max_maps - 2000))
[ "$n" -gt 100000 ] && n=100000
run_case "$n mappings" \
	'[ "$(grep -c "^LoadedModule" Report.wer)" -ge 1 ] && [ "$(peak_kib)" -le "$rss_max" ]' maps "$n"
[ -n "$raised" ] && echo "$raised" >/proc/sys/vm/max_map_count
run_case "5,100 threads: 5,000 captured, the crashed one among them, the cuts said, werfault's RSS within bounds" \
	'grep -qx "ThreadCount=5000" Report.wer &&
	 grep -qx "Truncated=threads (5000 of 5101),stacks (4999 cut to fit 4 MiB)" Report.wer &&
	 head -n1 stack.txt | grep -q crashed && [ "$(peak_kib)" -le "$rss_max" ]' threads 5100
run_case "a 1 GiB command line and environment: read capped, scrubbed, the cut said" \
	'grep -q "^Truncated=.*cmdline" Report.wer && grep -q "^Truncated=.*environ" Report.wer &&
	 ! grep -r -a -q -e 1234567 -e sw0rdfish .' huge-args
run_case "executable mappings of files that are not ELF, or lie in their headers" \
	'grep -q "^LoadedModule.*liblying.so" Report.wer && grep -q "^LoadedModule.*libgarbage.so" Report.wer' \
	garbage-elf "$store"

# ELF/DWARF parsing runs in a child of werfault with a budget: past its
# deadline it is killed, and the report keeps the threads it unwound (the
# crashed one first); past its memory budget, libdw stops, and the report
# says which budget cut it.
# (On a loaded machine the budget may run out before even the crashed
# thread is done: then no thread has frames, which is also what it must
# say; a thread done is never lost.)
# 10 ms for 2,000 threads: with each address's symbol looked up once, the
# unwinder finished all of them within 200 ms on this machine.
WER_UNWIND_TIMEOUT_MS=10 run_case "symbols past their time budget: the unwinder killed, the threads it did kept" \
	'grep -qx "UnwindCut=the time budget (10 ms) ran out" Report.wer &&
	 { sed -n 2p stack.txt | grep -Eq "(\+0x[0-9a-f]*| \(inlined\)) in hostile_program\+0x" ||
	   ! grep -q " in hostile_program+0x" stack.txt; } &&
	 tail -n1 stack.txt | grep -qx "  #0  0x[0-9a-f]*"' threads 2000
WER_UNWIND_MEMORY_MB=1 run_case "symbols past their memory budget: the report says so" \
	'grep -Eq "^UnwindCut=(the memory budget \(1 MiB\) was reached|the unwinder could not be loaded: .*)$" Report.wer &&
	 head -n1 stack.txt | grep -q crashed' threads 10

# A process that ignores SIGCHLD and SIGPIPE: werfault would inherit both
# through execve (an ignored SIGCHLD reaps its unwinder unasked, and the
# wait for it fails); it resets them, and its unwinder is waited for.
d=$store/ignored
mkdir -p "$d"
(trap '' CHLD PIPE; WER_REPORT_DIR=$d/store exec "$program" threads 10) >/dev/null 2>"$d/err" &
pid=$!
wait $pid
wait_until 60 no_werfault_for $pid
if report_ok "$d/store" >/dev/null 2>&1 && grep -q "^werfault: unwinder peak RSS [1-9][0-9]* KiB$" "$d/err" &&
	! grep -q "^UnwindCut=" "$d"/store/ReportQueue/*/Report.wer; then
	echo "ok - a process ignoring SIGCHLD and SIGPIPE: werfault waits for its unwinder all the same"
	passed=$((passed + 1))
else
	echo "not ok - a process ignoring SIGCHLD and SIGPIPE ($(grep unwinder "$d/err"))"
	failed=$((failed + 1))
fi

# A seccomp filter refuses execve: werfault cannot start; the crashed
# process writes its own (degraded) report, with the signal and metadata.
run_case "a seccomp filter refusing execve: the crashed process writes a degraded report" \
	'grep -q "^Degraded=written by the crashed process: werfault could not be executed (.*Operation not permitted" Report.wer &&
	 grep -qx "Sig\[5\].Value=SIGSEGV (11)" Report.wer' seccomp

# Text from the crashed process never controls a terminal: a thread named
# with escape sequences (ESC, BEL, the C1 CSI), and a planted report whose
# every field holds them. stack.txt, and everything `wer` prints (list,
# show, show --json), show them as \xNN; the JSON stays valid.
no_raw_controls() { # FILE...: no byte a terminal acts on but \n and \t
	! LC_ALL=C grep -q -P '[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]' "$@"
}
run_case "a thread named with terminal escapes: stack.txt shows them inert" \
	'no_raw_controls stack.txt && grep -q "\\\\x1b\]0;own\\\\x07" stack.txt' terminal
d=$store/planted/ReportQueue/AppCrash_planted_20261201T000000_4242
mkdir -p "$d"
esc=$'\x1b]0;owned\x07\x1b[2J\xc2\x9b31m\xff'
printf 'Version=1\nEventType=APPCRASH%s\nEventTime=2026-12-01T00:00:00Z\nSig[0].Name=Application Name\nSig[0].Value=pl%sant\nCustomMetadata[0].Key=K%s\nCustomMetadata[0].Value=v%s\nApplicationPath=/tmp/%s\nProcessId=4242\n' \
	"$esc" "$esc" "$esc" "$esc" "$esc" >"$d/Report.wer"
printf 'Thread 4242 (crashed) "%s": signal 11\n  #0  0x0000000000401000 f%s+0x1 in m%s+0x1000 at /s%s.c:1\n' \
	"$esc" "$esc" "$esc" "$esc" >"$d/stack.txt"
for verb in "list" "show latest" "show --json latest" "list --json"; do
	WER_REPORT_DIR=$store/planted "$wer" $verb >"$store/planted.out" 2>&1
	# Shown, but inert: \x1b in text, \u001b in JSON (which stays
	# valid), or list's own '?' in its columns.
	if no_raw_controls "$store/planted.out" && grep -q -e '\\x1b' -e '\\u001b' -e '?\]0;owned' "$store/planted.out" &&
		{ [ "${verb#*--json}" = "$verb" ] || python3 -m json.tool "$store/planted.out" >/dev/null; }; then
		echo "ok - a planted report full of terminal escapes: wer $verb shows them inert"
		passed=$((passed + 1))
	else
		echo "not ok - a planted report full of terminal escapes: wer $verb"
		sed -n l "$store/planted.out" | head -5 | sed 's/^/#   /'
		failed=$((failed + 1))
	fi
done

# libwer's registry block overwritten (crafted: seeds 0-9; random bytes:
# 10-29), then a crash: every run a report, werfault exiting 0, and the
# report saying what it distrusted.
printf '#!/bin/sh\n"%s" "$@"\necho $? >>"%s"\n' "$werfault" "$store/werfault-status" >"$store/werfault-wrapper"
chmod 755 "$store/werfault-wrapper"
reg_ok=0 reg_bad=""
for seed in $(seq 0 29); do
	d=$store/registry-$seed
	WER_HANDLER=$store/werfault-wrapper WER_REPORT_DIR=$d "$program" registry "$seed" >/dev/null 2>&1
	for _ in $(seq 100); do [ -n "$(ls "$d/ReportQueue" 2>/dev/null)" ] && break; sleep 0.05; done
	if [ "$(ls "$d/ReportQueue" 2>/dev/null | wc -l)" = 1 ] &&
		grep -q -e "^Missing=.*registry" -e "^RegistryDistrusted=" -e "^CustomMetadata" "$d"/ReportQueue/*/Report.wer; then
		reg_ok=$((reg_ok + 1))
	else
		reg_bad="$reg_bad $seed"
	fi
done
for _ in $(seq 100); do [ "$(wc -l <"$store/werfault-status" 2>/dev/null)" -ge 30 ] && break; sleep 0.1; done
echo "# registry overwritten: $reg_ok of 30 runs reported; werfault exit statuses: $(sort "$store/werfault-status" | uniq -c | tr -s ' ' | tr '\n' ';')"
if [ "$reg_ok" = 30 ] && [ "$(grep -cvx 0 "$store/werfault-status")" = 0 ] && [ "$(wc -l <"$store/werfault-status")" = 30 ]; then
	echo "ok - a registry overwritten 30 ways: 30 reports, werfault exits 0 each time"
	passed=$((passed + 1))
else
	echo "not ok - a registry overwritten 30 ways (seeds without a good report:$reg_bad)"
	failed=$((failed + 1))
fi

totals
