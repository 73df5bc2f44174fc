#!/bin/bash
# hostile_tests.sh WER WERFAULT HOSTILE_PROGRAM - processes that make
# themselves hard to report on (tests/crash/hostile_program.c): werfault
# never crashes or loops, the process dies of its signal as it would
# without openwer, the report is whole (its metadata, a minidump openwer's
# reader accepts) and says what was cut at a cap (Truncated=).
set -u
wer=$(realpath "$1") werfault=$(realpath "$2") program=$(realpath "$3")
store=$(mktemp -d "${TMPDIR:-/tmp}/openwer-hostile.XXXXXX") || exit 2
trap 'rm -rf "$store"' EXIT
export WER_HANDLER=$werfault WER_TIMEOUT_MS=60000
unset WER_DISABLE LD_PRELOAD WER_REPORT_DIR
ulimit -S -c 0
passed=0 failed=0 skipped=0

report_ok() { # STORE NAME: one whole report, with the metadata and a dump
	WER_REPORT_DIR=$1 python3 -c '
import json, subprocess, sys
d = json.loads(subprocess.run([sys.argv[1], "list", "--json"], capture_output=True, check=True).stdout)
assert len(d) == 1 and not d[0]["damaged"], d
assert d[0]["metadata"]["Build"] == "hostile-1", d[0]
s = json.loads(subprocess.run([sys.argv[1], "show", "--json", d[0]["id"]], capture_output=True, check=True).stdout)
assert s["minidump"] and s["minidump"]["signal"] == 11, s["minidump"]
' "$wer"
}

run_case() { # NAME EXTRA-CHECK ARGS...
	local name=$1 extra=$2 dir=$store/$RANDOM status base t0 ms
	shift 2
	mkdir -p "$dir"
	WER_DISABLE=1 "$program" "$@" >/dev/null 2>"$dir/base-err"
	base=$?
	if [ "$base" = 77 ]; then
		echo "skip - $name: $(tail -n1 "$dir/base-err")"
		skipped=$((skipped + 1))
		return
	fi
	t0=$(date +%s%N)
	WER_REPORT_DIR=$dir/store "$program" "$@" >/dev/null 2>"$dir/err"
	status=$?
	for _ in $(seq 600); do pgrep -f "werfault --pid" >/dev/null || break; sleep 0.1; done
	ms=$((($(date +%s%N) - t0) / 1000000))
	if [ "$status" = "$base" ] && report_ok "$dir/store" >/dev/null 2>&1 &&
		(cd "$dir/store/ReportQueue"/* && eval "$extra") >/dev/null 2>&1; then
		echo "ok - $name (report complete after $ms ms)"
		passed=$((passed + 1))
	else
		echo "not ok - $name (status $status, without openwer $base; $ms ms)"
		sed 's/^/#   /' "$dir/err" | head -n 5
		failed=$((failed + 1))
	fi
}

# As many mappings as the kernel allows a process, up to 100,000.
max_maps=$(cat /proc/sys/vm/max_map_count 2>/dev/null || echo 65530)
n=$((max_maps - 2000))
[ "$n" -gt 100000 ] && n=100000
run_case "$n mappings" \
	'[ "$(grep -c "^LoadedModule" Report.wer)" -ge 1 ]' maps "$n"
run_case "5,100 threads: 5,000 captured, the crashed one among them, the cut said" \
	'grep -qx "ThreadCount=5000" Report.wer && grep -qx "Truncated=threads (5000 of 5101)" Report.wer &&
	 head -n1 stack.txt | grep -q crashed' threads 5100
run_case "a 1 GiB command line and environment: read capped, scrubbed, the cut said" \
	'grep -q "^Truncated=.*cmdline" Report.wer && grep -q "^Truncated=.*environ" Report.wer &&
	 ! grep -r -a -q -e 1234567 -e sw0rdfish .' huge-args
run_case "executable mappings of files that are not ELF, or lie in their headers" \
	'grep -q "^LoadedModule.*liblying.so" Report.wer && grep -q "^LoadedModule.*libgarbage.so" Report.wer' \
	garbage-elf "$store"

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
