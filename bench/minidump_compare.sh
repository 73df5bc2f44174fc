#!/bin/bash
# SPDX-License-Identifier: MIT
# minidump_compare.sh [BUILD_DIR] - openwer's minidump beside Breakpad's
# own Linux writer (pid2md, built outside the repository by
# scripts/minidump-tools.sh --pid2md) on the same kind of process: the
# bench's child with 0 and 50 idle threads (1 and 51 threads in all).
# Breakpad dumps a live process; openwer dumps it as it crashes. Printed:
# dump size, Breakpad's wall time for pid2md, openwer's time to capture
# (process held) and to write the report (minidump included), medians of 5.
set -u
cd "$(dirname "$0")/.."
build=${1:-build}
child=$build/bench/bench_crash_child
werfault=$PWD/$build/src/handler/werfault
facts=$build/tests/tools/minidump_facts
pid2md_dir=$(scripts/minidump-tools.sh --pid2md 2>/dev/null) || pid2md_dir=
pid2md=$pid2md_dir/pid2md
runs=5
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; kill $(jobs -p) 2>/dev/null' EXIT

median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
now_ms() { date +%s.%N | awk '{printf "%.3f", $1 * 1000}'; }

printf '%-8s %12s %12s %14s %12s %16s %14s\n' threads bp_bytes bp_ms \
	openwer_bytes capture_ms report_write_ms threads_in_dump
for n in 0 50; do
	bp_sizes=() bp_times=() ow_sizes=() caps=() writes=() ow_threads=
	for ((i = 0; i < runs; i++)); do
		if [ -x "$pid2md" ]; then
			exec 3>"$tmp/ready"
			WER_DISABLE=1 "$child" --child wait "$n" 3 0 >/dev/null 2>&1 &
			pid=$!
			exec 3>&-
			while [ ! -s "$tmp/ready" ]; do sleep 0.01; done
			rm -f "$tmp/ready"
			sleep 0.1 # let the threads settle into their waits
			rm -f "$tmp/bp.dmp" # pid2md will not overwrite a file
			t0=$(now_ms)
			"$pid2md" "$pid" "$tmp/bp.dmp" >/dev/null 2>&1
			t1=$(now_ms)
			kill -9 "$pid"; wait "$pid" 2>/dev/null
			bp_sizes+=("$(stat -c %s "$tmp/bp.dmp")")
			bp_times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b - a}')")
		fi
		rm -rf "$tmp/store"
		(ulimit -c 0; WER_DEBUG=1 WER_HANDLER=$werfault WER_REPORT_DIR=$tmp/store \
			"$child" --child crash "$n" 3 1 3>/dev/null >/dev/null 2>"$tmp/err")
		for _ in $(seq 100); do
			ls "$tmp"/store/ReportQueue/*/minidump.mdmp >/dev/null 2>&1 && break
			sleep 0.05
		done
		dump=$(ls "$tmp"/store/ReportQueue/*/minidump.mdmp 2>/dev/null | head -n1)
		[ -n "$dump" ] || { echo "no openwer dump for $n threads" >&2; continue; }
		sleep 0.2
		ow_sizes+=("$(stat -c %s "$dump")")
		caps+=("$(awk '/werfault: (capture|registry|release)/ {s += $3} END {printf "%.2f", s}' "$tmp/err")")
		writes+=("$(awk '/werfault: write/ {print $3}' "$tmp/err")")
		ow_threads=$("$facts" "$dump" | sed -n 's/^threads=//p')
	done
	printf '%-8s %12s %12s %14s %12s %16s %14s\n' "$((n + 1))" \
		"$(printf '%s\n' "${bp_sizes[@]:-n/a}" | median)" \
		"$(printf '%s\n' "${bp_times[@]:-n/a}" | median)" \
		"$(printf '%s\n' "${ow_sizes[@]}" | median)" \
		"$(printf '%s\n' "${caps[@]}" | median)" \
		"$(printf '%s\n' "${writes[@]}" | median)" "$ow_threads"
done
echo
echo "Anchors measured earlier on these machines: Crashpad 43.7 / ~85 / 236 KB at 0/10/50 idle threads;"
echo "Breakpad 19.7 / 115.6 / 499 KB, pid2md 4.6 / 15.0 / 55.8 ms."
[ -x "$pid2md" ] || echo "(pid2md not available: scripts/minidump-tools.sh --pid2md builds it)"
