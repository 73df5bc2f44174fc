#!/bin/bash
# SPDX-License-Identifier: MIT
# clang_tests.sh COLLECTOR WERFAULT LIBWER CRASH_PLAIN_SOURCE
#
# Source lines for clang-built code in the collector: clang writes no
# .debug_aranges, through which alone libdw's dwfl_module_getsrc maps an
# address to its compilation unit, so a symbolizer without
# src/symbolize's fallback names the function but gives no file:line.
# crash_plain.c is built here with clang -g, crashes under
# LD_PRELOAD=libwer.so, its report and its ELF file are uploaded to a
# collector (SQLite, loopback), and the report's stack must carry
# crash_plain.c's lines in the JSON API and on the report's page: the
# crashing statement for the top frame, the call for main's (a return
# address, looked up one byte before).
set -u
collector=$1 werfault=$2 libwer=$3 source=$4
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/openwer-clang.XXXXXX") || exit 2
chmod 711 "$work"
pid=""
cleanup() {
	[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap "exit 1" INT TERM
ulimit -S -c 0
. "$(dirname "$0")/../check.sh"
for tool in curl python3 clang readelf; do
	command -v $tool >/dev/null || { echo "SKIP: $tool is not installed (sh scripts/deps.sh test)"; exit 77; }
done

# ---- the fixture, built with clang; its lines, from its source
program=$work/crash_plain_clang
clang -g -O1 -Wl,--build-id -o "$program" "$source" || { echo "clang failed"; exit 1; }
line_crash=$(grep -n '\*p = 7;' "$source" | cut -d: -f1)
line_call=$(grep -n '^	plain_null_write();' "$source" | cut -d: -f1)
[ -n "$line_crash" ] && [ -n "$line_call" ] || { echo "crash_plain.c changed: no crash or call line"; exit 1; }
# The premise: what this test is about is DWARF without an address index.
check "the clang-built fixture has DWARF lines and no .debug_aranges" bash -c '
	readelf -S "$1" | grep -q "\.debug_line " && ! readelf -S "$1" | grep -q "\.debug_aranges"' _ "$program"

# ---- its crash report
export WER_REPORT_DIR=$work/store WER_HANDLER=$werfault
unset WER_DISABLE
has_dump() { ls "$work"/store/ReportQueue/*/minidump.mdmp >/dev/null 2>&1; }
{ LD_PRELOAD=$libwer "$program"; } >/dev/null 2>&1 # it crashes: say nothing
wait_until 20 has_dump || { echo "no report from the clang-built fixture"; exit 1; }
report=$(ls -d "$work"/store/ReportQueue/* | head -n1)
ct=$(python3 "$here/mkbody.py" "$work/body" "$report") || exit 1

# ---- a collector, the report, the fixture's ELF file
data=$work/data
key=$("$collector" --data "$data" key add demo) || { echo "key add failed"; exit 1; }
skey=$("$collector" --data "$data" symbol-key add demo) || exit 1
token=$("$collector" --data "$data" token add --admin) || exit 1
"$collector" --listen 127.0.0.1:0 --port-file "$work/port" --data "$data" 2>>"$work/collector.log" &
pid=$!
port_written() { [ -s "$work/port" ] || ! kill -0 "$pid" 2>/dev/null; }
wait_until 20 port_written
url=http://127.0.0.1:$(cat "$work/port" 2>/dev/null || echo 0)
curl -s -o "$work/answer" -H "Content-Type: $ct" --data-binary @"$work/body" \
	"$url/api/minidump?api_key=$key"
id=$(sed -n 's/^CrashID=bp-//p' "$work/answer")
check "the clang-built fixture's report is accepted" test -n "$id"
check "its ELF file is accepted as symbols, the report processed again" bash -c '
	curl -sf -H "Authorization: Bearer $1" --data-binary @"$2" "$3/api/symbols" >"$4" &&
	grep -q "\"elf\"" "$4" &&
	python3 "$5/wait_job.py" "$3" "$6" "$(sed -n "s/.*\"reprocess_job\":\([0-9]*\).*/\1/p" "$4")" >/dev/null' \
	_ "$skey" "$program" "$url" "$work/symbols.answer" "$here" "$token"

check "API: the stack has crash_plain.c's lines (crash at $line_crash, call at $line_call)" python3 -c '
import json, re, subprocess, sys
url, tok, rid, crash, call = sys.argv[1:]
r = json.loads(subprocess.run(["curl", "-sf", "-H", "Authorization: Bearer " + tok, url + "/api/reports/" + rid],
                              capture_output=True, check=True).stdout)
s = r["stack"]
assert re.fullmatch(r"plain_null_write\+0x[0-9a-f]+ \S*crash_plain\.c:" + crash, s[0].get("function", "")), s[0]
assert re.fullmatch(r"main\+0x[0-9a-f]+ \S*crash_plain\.c:" + call, s[1].get("function", "")), s[1]
' "$url" "$token" "$id" "$line_crash" "$line_call"
check "page: the report shows crash_plain.c:$line_crash and :$line_call" bash -c '
	curl -sf -H "Authorization: Bearer $1" "$2/reports/$3" >"$4" &&
	grep -Eq "plain_null_write\+0x[0-9a-f]+ [^ ]*crash_plain\.c:$5\$" "$4" &&
	grep -Eq "main\+0x[0-9a-f]+ [^ ]*crash_plain\.c:$6\$" "$4"' \
	_ "$token" "$url" "$id" "$work/page" "$line_crash" "$line_call"

check "the collector's log names no column a query lacks" bash -c 'grep -h "no column" "$1"; [ $? = 1 ]' _ "$work/collector.log"

echo "# $passed passed, $failed failed"
[ "$failed" = 0 ]
