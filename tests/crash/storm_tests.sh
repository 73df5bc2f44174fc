#!/bin/bash
# SPDX-License-Identifier: MIT
# storm_tests.sh WER WERFAULT CRASH_PROGRAM - crash storms and big
# processes:
#   - 100 processes crashing at the same moment: every one gets an intact
#     report in the queue (identical signatures past DumpCount: counted,
#     without a dump), and at most WER_WORKERS werfaults build reports at
#     once (the others wait for a worker slot; sampled from the staging
#     directory while it happens);
#   - a 4 GiB process crashing, mini dump: werfault's peak memory stays
#     under 16 MiB (WER_DEBUG prints it).
set -u
wer=$(realpath "$1") werfault=$(realpath "$2") program=$(realpath "$3")
store=$(mktemp -d "${TMPDIR:-/tmp}/openwer-storm.XXXXXX") || exit 2
trap 'rm -rf "$store"' EXIT
export WER_HANDLER=$werfault
unset WER_DISABLE LD_PRELOAD WER_REPORT_DIR
ulimit -S -c 0

. "$(dirname "$0")/../check.sh"

storm=$store/storm
mkdir -p "$storm/.staging"
# Sample how many reports are being built at once.
(
	max=0
	while [ ! -e "$store/stop" ]; do
		n=$(find "$storm/.staging" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | wc -l)
		[ "$n" -gt "$max" ] && max=$n && echo "$max" >"$store/max-building"
		sleep 0.01
	done
) &
sampler=$!
start=$(date +%s%N)
storm_pids=()
for i in $(seq 100); do
	mode=null
	[ $((i % 4)) = 0 ] && mode=abort
	# A generous crash deadline: a loaded 2-core CI machine is slow to
	# start a hundred werfaults.
	WER_REPORT_DIR=$storm WER_MAX_QUEUE_COUNT=1000 WER_WORKERS=3 WER_TIMEOUT_MS=60000 \
		"$program" $mode >/dev/null 2>"$store/err-$i" &
	storm_pids+=($!)
done
wait "${storm_pids[@]}" 2>/dev/null
died=$((($(date +%s%N) - start) / 1000000))
wait_until 60 no_werfault_for "${storm_pids[@]}"
done_ms=$((($(date +%s%N) - start) / 1000000))
touch "$store/stop"
wait $sampler
echo "# storm: 100 processes dead after ${died} ms, every report written after ${done_ms} ms, at most $(cat "$store/max-building" 2>/dev/null || echo 0) built at once, $(ls "$storm/ReportQueue" | wc -l) reports"
grep -h -v -e "^werfault: report of process" "$store"/err-* | sort | uniq -c | head -n 5 | sed 's/^/# /'
export WER_REPORT_DIR=$storm
check "100 processes crashing at once: 100 intact reports" python3 -c '
import json, subprocess, sys
d = json.loads(subprocess.run([sys.argv[1], "list", "--json"], capture_output=True, check=True).stdout)
assert len(d) == 100, len(d)
assert not [r for r in d if r["damaged"]], [r for r in d if r["damaged"]]
sigs = [r["signature"]["Signal"] for r in d]
assert sigs.count("SIGSEGV (11)") == 75 and sigs.count("SIGABRT (6)") == 25, sigs
' "$wer"
check "identical crashes past DumpCount are counted, without a dump" bash -c '
	q=$1/ReportQueue
	[ "$(cat "$q"/*/Report.wer | sed -n "s/^SignatureCount=//p" | sort -n | tail -n1)" = 75 ] &&
	[ "$(ls "$q"/*/minidump.mdmp | wc -l)" = 20 ] &&
	[ "$(grep -l "^DumpThrottled=1" "$q"/*/Report.wer | wc -l)" = 80 ]' _ "$storm"
check "at most WER_WORKERS (3) reports built at once" bash -c '[ "$(cat "$1/max-building")" -le 3 ] && [ "$(cat "$1/max-building")" -ge 1 ]' _ "$store"
unset WER_REPORT_DIR

# A 4 GiB process, mini dump: werfault stays small, whatever the process's
# size. (Lines from modules built with -g only: an installed distribution
# debug file, glibc's, adds what reading it costs to the unwinder, ~4 MiB,
# which is not the process's size.)
big=$store/big
WER_REPORT_DIR=$big WER_DEBUG=1 WER_SOURCE_LINES=embedded "$program" big >/dev/null 2>"$store/big-err" &
pid=$!
wait $pid
wait_until 60 no_werfault_for $pid
rss=$(sed -n 's/^werfault: peak RSS \([0-9]*\) KiB$/\1/p' "$store/big-err")
unwinder=$(sed -n 's/^werfault: unwinder peak RSS \([0-9]*\) KiB$/\1/p' "$store/big-err")
echo "# 4 GiB process: werfault's peak RSS ${rss:-?} KiB, its unwinder's (libdw, a child process) ${unwinder:-?} KiB"
check "a 4 GiB process (mini dump): a report, and werfault's and its unwinder's peak RSS under 16 MiB" bash -c '
	[ -n "$2" ] && [ "$2" -lt 16384 ] && [ -n "$3" ] && [ "$3" -lt 16384 ] &&
	[ -f "$(ls -d "$1"/ReportQueue/*)/minidump.mdmp" ]' _ "$big" "$rss" "$unwinder"

totals
