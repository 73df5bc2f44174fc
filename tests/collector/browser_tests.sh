#!/bin/bash
# SPDX-License-Identifier: MIT
# browser_tests.sh COLLECTOR WERFAULT CRASH_PROGRAM ARTIFACTS
#
# The collector's pages in headless Chromium: the bucket list renders
# (a table of buckets with sparklines), a metadata value holding <script>
# shows as text on every page (no script element, the text visible), and
# a screenshot of each page is kept in ARTIFACTS: the bucket list, a
# bucket (its workflow: state, note, bug link, the triage form), a report
# (its attachment), the search, top crashers and the sign-in page.
set -u
collector=$1 werfault=$2 program=$3 artifacts=$4
here=$(cd "$(dirname "$0")" && pwd)
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then
	echo "SKIP: no chromium (apt-get install chromium)"
	exit 77
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/openwer-browser.XXXXXX") || exit 2
pid=""
pid2=""
trap '[ -n "$pid" ] && kill -9 $pid 2>/dev/null; [ -n "$pid2" ] && kill -9 $pid2 2>/dev/null; rm -rf "$work"' EXIT
trap "exit 1" INT TERM
ulimit -S -c 0
mkdir -p "$artifacts"
. "$(dirname "$0")/../check.sh"

export WER_REPORT_DIR=$work/store WER_HANDLER=$werfault
unset WER_DISABLE LD_PRELOAD
"$program" null >/dev/null 2>&1 &
crashed=$!
wait $crashed
have_dump() { ls "$work"/store/ReportQueue/*/minidump.mdmp >/dev/null 2>&1; }
wait_until 30 have_dump
wait_until 5 no_werfault_for $crashed
report=$(ls -d "$work"/store/ReportQueue/* | head -n1)

"$collector" --listen 127.0.0.1:0 --port-file "$work/port" --data "$work/data" --public 2>"$work/log" &
pid=$!
wait_until 30 test -s "$work/port"
url=http://127.0.0.1:$(cat "$work/port")
key=$("$collector" --data "$work/data" key add web)
script='<script>document.title="pwned"</script><img src=x onerror=alert(1)>'
for i in 1 2 3; do
	ct=$(python3 "$here/mkbody.py" "$work/body" "$report" --gzip "Channel=$script" "Run=$i")
	curl -s -H "Content-Type: $ct" -H "Content-Encoding: gzip" --data-binary @"$work/body" \
		"$url/api/minidump?api_key=$key" >"$work/answer"
done
printf 'a registered log file\n' >"$work/app.log"
ct=$(python3 "$here/mkbody.py" "$work/body" "$report" "--file=File1-app.log:$work/app.log" "Channel=$script" "Run=4")
curl -s -H "Content-Type: $ct" --data-binary @"$work/body" "$url/api/minidump?api_key=$key" >"$work/answer"
id=$(sed -n 's/^CrashID=bp-//p' "$work/answer")
bucket=$(curl -s "$url/api/buckets" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
# The workflow, as a team uses it: resolved in 2.0 with a note and a link
# (a triage token: --public reads without one, changes never).
triage_token=$("$collector" --data "$work/data" token add web --triage)
curl -s -o /dev/null -H "Authorization: Bearer $triage_token" \
	--data "state=resolved&version=2.0&note=Fixed+by+checking+the+pointer.&bug=https%3A%2F%2Fbugs.example%2F42" \
	"$url/api/buckets/$bucket"
# The sign-in page: a second collector on the same data, without --public.
"$collector" --listen 127.0.0.1:0 --port-file "$work/port2" --data "$work/data" 2>"$work/log2" &
pid2=$!
wait_until 30 test -s "$work/port2"
url2=http://127.0.0.1:$(cat "$work/port2")

# Headless, sandbox off (root in a container), no network beyond loopback.
chrome() { # ARGS...
	timeout 60 "$browser" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
		--no-first-run --disable-background-networking --disable-component-update \
		--disable-sync --disable-extensions --disable-default-apps --metrics-recording-only \
		--user-data-dir="$work/profile" --window-size=1280,900 "$@" 2>>"$work/chrome.log"
}
for page in "index:$url/" "bucket:$url/buckets/$bucket" "report:$url/reports/$id" "search:$url/search?q=Run%3D2" \
	"top:$url/top" "signin:$url2/buckets"; do
	name=${page%%:*} address=${page#*:}
	chrome --dump-dom "$address" >"$artifacts/$name.dom.html"
	chrome --screenshot="$artifacts/$name.png" "$address" >/dev/null
done
check "the bucket list renders: a bucket row with its count and a sparkline" python3 -c '
import re, sys
dom = open(sys.argv[1]).read()
assert "<table id=\"buckets\">" in dom, dom[:500]
assert re.search(r"<td class=\"n\">4</td>", dom), "no row counting 4 reports"
assert "<svg class=\"spark\"" in dom and "<polyline" in dom
' "$artifacts/index.dom.html"
check "a <script> metadata value is text on every page, never markup" python3 -c '
import sys
for f in sys.argv[1:]:
    dom = open(f).read()
    assert "<script" not in dom, f + ": a script element"
    assert "<img src=\"x\"" not in dom and "onerror=\"alert" not in dom, f + ": an injected element"
    assert "pwned" not in dom.split("<title>")[1].split("</title>")[0], f + ": the title changed"
for f in sys.argv[1:4]:
    dom = open(f).read()
    assert "&lt;script&gt;document.title=\"pwned\"&lt;/script&gt;" in dom, f + ": the value is not shown as text"
' "$artifacts/index.dom.html" "$artifacts/bucket.dom.html" "$artifacts/report.dom.html" "$artifacts/search.dom.html"
check "the bucket page breaks its metadata values down" grep -q 'id="breakdown"' "$artifacts/bucket.dom.html"
check "the search box finds the report with Run=2" bash -c \
	'grep -q "1 report(s)" "$1" && grep -q "/reports/" "$1"' _ "$artifacts/search.dom.html"
check "the workflow in the pages: the bucket says resolved in 2.0, its note and bug link, and has the triage form; the list shows the state" python3 -c '
import sys
bucket, index = (open(f).read() for f in sys.argv[1:3])
assert "state-resolved" in bucket and "resolved in 2.0" in bucket, "no state"
assert "Fixed by checking the pointer." in bucket and "https://bugs.example/42" in bucket, "no note or link"
assert "<form class=\"triage\" method=\"post\"" in bucket and "<select name=\"state\">" in bucket, "no triage form"
assert "state-resolved" in index, "the list has no state"
' "$artifacts/bucket.dom.html" "$artifacts/index.dom.html"
check "top crashers: the bucket ranked first with its share; the report page lists its attachment" eval '
	grep -q "<table id=\"top\">" "$artifacts/top.dom.html" && grep -q "100.0%" "$artifacts/top.dom.html" &&
	grep -q "File1-app.log" "$artifacts/report.dom.html"'
check "the sign-in page (a collector without --public): a token form, no data" eval '
	grep -q "<h1>Sign in</h1>" "$artifacts/signin.dom.html" && grep -q "name=\"token\"" "$artifacts/signin.dom.html" &&
	! grep -q "<table id=\"buckets\">" "$artifacts/signin.dom.html"'
check "a screenshot of each page" bash -c 'for n in index bucket report search top signin; do
	[ "$(head -c 8 "$1/$n.png" | od -An -tx1 | tr -d " \n")" = 89504e470d0a1a0a ] || exit 1; done' _ "$artifacts"
echo "# screenshots and DOMs: $artifacts"
totals "# browser: "
