#!/bin/bash
# cli_tests.sh WER WERFAULT CRASH_PROGRAM - `wer list` and `wer show` on
# reports of real crashes, plus hand-made damaged reports.
set -u
wer=$1 werfault=$2 program=$3
store=$(mktemp -d "${TMPDIR:-/tmp}/openwer-cli.XXXXXX") || exit 2
trap 'rm -rf "$store"' EXIT
export WER_REPORT_DIR=$store WER_HANDLER=$werfault
unset WER_DISABLE LD_PRELOAD
ulimit -S -c 0
passed=0 failed=0

check() { # NAME COMMAND...: passes when COMMAND succeeds
	local name=$1
	shift
	if "$@" >/dev/null 2>&1; then
		echo "ok - $name"
		passed=$((passed + 1))
	else
		echo "not ok - $name"
		failed=$((failed + 1))
	fi
}

# Three crashes; werfault finishes after the process dies: wait for each.
for mode in null abort fpe; do
	before=$(ls "$store/ReportQueue" 2>/dev/null | wc -l)
	"$program" "$mode" >/dev/null 2>&1
	for _ in $(seq 100); do
		[ "$(ls "$store/ReportQueue" 2>/dev/null | wc -l)" -gt "$before" ] && break
		sleep 0.05
	done
	sleep 1.1 # distinct EventTime seconds, so the order is the crashes'
done
# Damaged reports: garbage, truncated, empty directory.
mkdir -p "$store/ReportQueue/garbage" "$store/ReportQueue/empty" "$store/ReportQueue/truncated"
head -c 2000 /dev/urandom >"$store/ReportQueue/garbage/Report.wer"
printf 'Version=1\nEventTy' >"$store/ReportQueue/truncated/Report.wer"

list=$("$wer" list)
check "wer list exits 0" "$wer" list
check "wer list shows the three crashes, newest last" \
	bash -c '[ "$(printf "%s\n" "$1" | grep -c AppCrash_crash_program)" = 3 ] &&
		[ "$(printf "%s\n" "$1" | tail -n1 | grep -c SIGFPE)" = 1 ]' _ "$list"
check "wer list lists the damaged reports as damaged" \
	bash -c '[ "$(printf "%s\n" "$1" | grep -c "(damaged:")" = 3 ]' _ "$list"
check "--signal SIGFPE keeps one" bash -c '[ "$("$0" list --signal SIGFPE | grep -c AppCrash)" = 1 ]' "$wer"
check "--signal 6 keeps the abort" bash -c '"$0" list --signal 6 | grep -q SIGABRT' "$wer"
check "--meta Build=nightly-42 keeps three" bash -c '[ "$("$0" list --meta Build=nightly-42 | grep -c AppCrash)" = 3 ]' "$wer"
check "--meta with a value no report has: exit 1, No reports found." \
	bash -c 'out=$("$0" list --meta Build=other); [ $? = 1 ] && [ "$out" != "${out%No reports found.}" ]' "$wer"
check "--app nope: exit 1" bash -c '"$0" list --app nope; [ $? = 1 ]' "$wer"
check "an unknown option: exit 2" bash -c '"$0" list --bogus; [ $? = 2 ]' "$wer"
check "wer list --json is JSON with every report and exact metadata" python3 -c '
import json, subprocess, sys
d = json.loads(subprocess.run([sys.argv[1], "list", "--json"], capture_output=True, check=True).stdout)
crashes = [r for r in d if not r["damaged"]]
assert len(d) == 6 and len(crashes) == 3, d
for r in crashes:
    m = r["metadata"]
    assert m["Build"] == "nightly-42" and m["Escapes"] == "<a & \"b\">", m
    assert m["Path"] == "C:\\Temp\\it\x27s" and m["\u00dcbersetzung"] == "de-DE", m
assert [r["signature"]["Signal"] for r in crashes] == ["SIGSEGV (11)", "SIGABRT (6)", "SIGFPE (8)"]
' "$wer"
show=$("$wer" show latest)
check "wer show latest: signature, metadata, crashing function, minidump, files" \
	bash -c 'for s in "Signal                 SIGFPE (8)" "Build                  nightly-42" crash_divide "Minidump: 1 threads" minidump.mdmp stack.txt; do
		printf "%s\n" "$1" | grep -qF "$s" || exit 1; done' _ "$show"
check "wer show --json ID is JSON, the same report" python3 -c '
import json, subprocess, sys
ids = [r["id"] for r in json.loads(subprocess.run([sys.argv[1], "list", "--json"], capture_output=True, check=True).stdout) if not r["damaged"]]
d = json.loads(subprocess.run([sys.argv[1], "show", "--json", ids[0]], capture_output=True, check=True).stdout)
assert d["id"] == ids[0] and d["minidump"]["signal"] == 11 and d["metadata"]["Build"] == "nightly-42", d
assert {f["name"] for f in d["files"]} >= {"Report.wer", "WERInternalMetadata.xml", "stack.txt", "minidump.mdmp"}
' "$wer"
check "wer show of a damaged report does not crash" "$wer" show garbage
check "wer show of no such report: exit 1" bash -c '"$0" show nosuch; [ $? = 1 ]' "$wer"
check "wer show without an id: exit 2" bash -c '"$0" show; [ $? = 2 ]' "$wer"
check "wer --help and wer list --help: exit 0" bash -c '"$0" --help && "$0" list --help && "$0" show --help' "$wer"
check "an empty store: No reports found., exit 1" bash -c 'WER_REPORT_DIR=$(mktemp -d) "$0" list; [ $? = 1 ]' "$wer"
# Settings: sources, a malformed file, retention.
cfg=$store/config
mkdir -p "$cfg/openwer"
export XDG_CONFIG_HOME=$cfg
printf '# a comment\n\nMaxQueueCount = 2\nDumpType=mini\n' >"$cfg/openwer/wer.conf"
check "wer config names each setting's source" bash -c '
	out=$(WER_CONSENT=3 "$0" config) &&
	printf "%s\n" "$out" | grep -q "^MaxQueueCount *= 2 .*wer.conf:3)" &&
	printf "%s\n" "$out" | grep -q "^ConsentLevel *= 3 .*(environment WER_CONSENT)" &&
	printf "%s\n" "$out" | grep -q "^MaxArchiveCount *= 1000 .*(default)"' "$wer"
crash_wait() { # MODE: crash and wait for the queue to change
	local before after
	before=$(ls -1 "$store/ReportQueue" | sort | md5sum)
	"$program" "$1" >/dev/null 2>"$store/last-err"
	for _ in $(seq 100); do
		after=$(ls -1 "$store/ReportQueue" | sort | md5sum)
		[ "$after" != "$before" ] && break
		sleep 0.05
	done
	sleep 0.3
}
crash_wait null
check "MaxQueueCount=2: the queue keeps the two newest reports" bash -c '
	[ "$(ls "$1/ReportQueue" | wc -l)" = 2 ] &&
	"$0" list | tail -n 1 | grep -q SIGSEGV &&
	"$0" list | grep -q SIGFPE' "$wer" "$store"
printf 'MaxQueueCount=2\nNoSuchSetting=1\n' >"$cfg/openwer/wer.conf"
check "a malformed settings file: wer config names the line, exit 3" bash -c '
	out=$("$0" config 2>&1); [ $? = 3 ] && printf "%s\n" "$out" | grep -q "wer.conf:2: unknown setting"' "$wer"
crash_wait abort
check "a malformed settings file: the crash is still reported, with defaults" bash -c '
	grep -q "wer.conf:2: unknown setting" "$1/last-err" &&
	[ "$(ls "$1/ReportQueue" | wc -l)" = 3 ] && "$0" list | tail -n 1 | grep -q SIGABRT' "$wer" "$store"
printf 'Disabled=1\n' >"$cfg/openwer/wer.conf"
"$program" null >/dev/null 2>&1
sleep 0.5
check "Disabled=1: no report" bash -c '[ "$(ls "$1/ReportQueue" | wc -l)" = 3 ]' _ "$store"
printf 'MaxQueueCount=1\n' >"$cfg/openwer/wer.conf"
check "wer purge keeps MaxQueueCount reports, the newest" bash -c '
	"$0" purge | grep -q "Removed 2 reports" && [ "$(ls "$1/ReportQueue" | wc -l)" = 1 ] &&
	"$0" list | tail -n 1 | grep -q SIGABRT' "$wer" "$store"
unset XDG_CONFIG_HOME
last=$(ls "$store/ReportQueue")
check "wer rm refuses what is not a report id, exit 1" bash -c '"$0" rm ../config; [ $? = 1 ] && [ -d "$1/config" ]' "$wer" "$store"
check "wer rm of an unknown id: exit 1" bash -c '"$0" rm nosuch; [ $? = 1 ]' "$wer"
check "wer rm ID removes it" bash -c '"$0" rm "$2" && [ -z "$(ls "$1/ReportQueue")" ]' "$wer" "$store" "$last"
check "wer list on an empty queue: exit 1" bash -c '"$0" list; [ $? = 1 ]' "$wer"

# A crash loop: 200 identical crashes keep at most DumpCount dumps and
# count all 200.
loop_store=$(mktemp -d "${TMPDIR:-/tmp}/openwer-loop.XXXXXX")
for _ in $(seq 200); do
	WER_REPORT_DIR=$loop_store WER_DUMP_COUNT=3 "$program" null >/dev/null 2>&1
done
for _ in $(seq 200); do # werfaults finish after their processes
	pgrep -f "werfault --pid" >/dev/null || break
	sleep 0.1
done
check "200 identical crashes: all counted, at most DumpCount (3) dumps, MaxQueueCount (50) reports" bash -c '
	q=$1/ReportQueue
	[ "$(ls "$q" | wc -l)" = 50 ] &&
	[ "$(ls "$q"/*/minidump.mdmp 2>/dev/null | wc -l)" -le 3 ] &&
	[ "$(cat "$q"/*/Report.wer | sed -n "s/^SignatureCount=//p" | sort -n | tail -n1)" = 200 ] &&
	[ "$(grep -l "^DumpThrottled=1" "$q"/*/Report.wer | wc -l)" -ge 47 ]' _ "$loop_store"
rm -rf "$loop_store"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
