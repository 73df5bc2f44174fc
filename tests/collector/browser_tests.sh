#!/bin/bash
# SPDX-License-Identifier: MIT
# browser_tests.sh COLLECTOR WERFAULT CRASH_PROGRAM ARTIFACTS
#
# The collector's pages in headless Chromium: the bucket list renders
# (a table of buckets with sparklines), a metadata value holding <script>
# shows as text on every page (no script element, the text visible), and
# a screenshot of each page is kept in ARTIFACTS.
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
trap '[ -n "$pid" ] && kill -9 $pid 2>/dev/null; rm -rf "$work"' EXIT
trap "exit 1" INT TERM
ulimit -S -c 0
mkdir -p "$artifacts"
. "$(dirname "$0")/../check.sh"

export WER_REPORT_DIR=$work/store WER_HANDLER=$werfault
unset WER_DISABLE LD_PRELOAD
"$program" null >/dev/null 2>&1 &
crashed=$!
wait $crashed
for _ in $(seq 100); do
	ls "$work"/store/ReportQueue/*/minidump.mdmp >/dev/null 2>&1 && break
	sleep 0.05
done
wait_until 5 no_werfault_for $crashed
report=$(ls -d "$work"/store/ReportQueue/* | head -n1)

"$collector" --listen 127.0.0.1:0 --port-file "$work/port" --data "$work/data" --public 2>"$work/log" &
pid=$!
for _ in $(seq 200); do [ -s "$work/port" ] && break; sleep 0.05; done
url=http://127.0.0.1:$(cat "$work/port")
key=$("$collector" --data "$work/data" key add web)
script='<script>document.title="pwned"</script><img src=x onerror=alert(1)>'
for i in 1 2 3; do
	ct=$(python3 "$here/mkbody.py" "$work/body" "$report" --gzip "Channel=$script" "Run=$i")
	curl -s -H "Content-Type: $ct" -H "Content-Encoding: gzip" --data-binary @"$work/body" \
		"$url/api/minidump?api_key=$key" >"$work/answer"
done
id=$(sed -n 's/^CrashID=bp-//p' "$work/answer")
bucket=$(curl -s "$url/api/buckets" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')

# Headless, sandbox off (root in a container), no network beyond loopback.
chrome() { # ARGS...
	timeout 60 "$browser" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
		--no-first-run --disable-background-networking --disable-component-update \
		--disable-sync --disable-extensions --disable-default-apps --metrics-recording-only \
		--user-data-dir="$work/profile" --window-size=1280,900 "$@" 2>>"$work/chrome.log"
}
for page in "index:/" "bucket:/buckets/$bucket" "report:/reports/$id" "search:/search?q=Run%3D2"; do
	name=${page%%:*} path=${page#*:}
	chrome --dump-dom "$url$path" >"$artifacts/$name.dom.html"
	chrome --screenshot="$artifacts/$name.png" "$url$path" >/dev/null
done
check "the bucket list renders: a bucket row with its count and a sparkline" python3 -c '
import re, sys
dom = open(sys.argv[1]).read()
assert "<table id=\"buckets\">" in dom, dom[:500]
assert re.search(r"<td class=\"n\">3</td>", dom), "no row counting 3 reports"
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
check "a screenshot of each page" bash -c 'for n in index bucket report search; do
	[ "$(head -c 8 "$1/$n.png" | od -An -tx1 | tr -d " \n")" = 89504e470d0a1a0a ] || exit 1; done' _ "$artifacts"
echo "# screenshots and DOMs: $artifacts"
totals "# browser: "
