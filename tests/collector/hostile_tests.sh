#!/bin/bash
# SPDX-License-Identifier: MIT
# hostile_tests.sh COLLECTOR WERFAULT CRASH_PROGRAM
#
# wer-collector against strangers and key holders (SQLite, loopback;
# clients in tests/collector/attack.py): a thousand connections trickling
# their headers while a normal client uploads, the per-address limit,
# chunked uploads held open (resident memory before and after), bodies
# declared and never sent, ambiguous framing (RFC 9112), a body trickled
# byte by byte, and uploaded ELF files that make libdw allocate without end
# or run past its time, or get a budget too small for anything. Bounded: at
# most 1000 connections, a few tens of MiB, each wait with a deadline.
set -u
collector=$1 werfault=$2 program=$3
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/openwer-hostile.XXXXXX") || exit 2
chmod 711 "$work"
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
	rm -rf "$work"
}
trap cleanup EXIT
trap "exit 1" INT TERM
ulimit -S -c 0
. "$(dirname "$0")/../check.sh"
for tool in curl python3; do
	command -v $tool >/dev/null || { echo "SKIP: $tool is not installed (sh scripts/deps.sh)"; exit 77; }
done
attack() { python3 "$here/attack.py" "$@"; }

# ---- a real report to upload
export WER_REPORT_DIR=$work/store WER_HANDLER=$werfault
unset WER_DISABLE LD_PRELOAD
"$program" abort >/dev/null 2>&1
for _ in $(seq 100); do
	ls "$work"/store/ReportQueue/*/minidump.mdmp >/dev/null 2>&1 && break
	sleep 0.05
done
report=$(ls -d "$work"/store/ReportQueue/* | head -n1)
ct=$(python3 "$here/mkbody.py" "$work/body" "$report") || exit 1

data=$work/data
key=$("$collector" --data "$data" key add alpha) || { echo "key add failed"; exit 1; }
key2=$("$collector" --data "$data" key add beta) || exit 1
skey=$("$collector" --data "$data" symbol-key add alpha) || exit 1
token=$("$collector" --data "$data" token add --admin) || exit 1

start() { # NAME ARGS...: a collector on DATA, its port in $port, pid in $pid
	local name=$1
	shift
	rm -f "$work/$name.port"
	"$collector" --listen 127.0.0.1:0 --port-file "$work/$name.port" --data "$data" "$@" \
		2>>"$work/$name.log" &
	pid=$!
	pids+=($pid)
	for _ in $(seq 200); do
		[ -s "$work/$name.port" ] && break
		kill -0 $pid 2>/dev/null || break
		sleep 0.05
	done
	port=$(cat "$work/$name.port" 2>/dev/null || echo 0)
}
stop() { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; }
alive() { curl -sf --max-time 10 "http://127.0.0.1:$port/healthz" >/dev/null; }
field() { # FILE EXPR: a value of the JSON object in FILE
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {}, d))' "$1" "$2"
}
kib() { grep "^$2:" "/proc/$1/status" | awk '{print $2}'; }

# ---- a thousand connections trickling their headers, a line a second
start slow --header-timeout 4
attack slow-headers "$port" 1000 20 "$key" "$ct" "$work/body" 40 >"$work/slow.json"
echo "# $(cat "$work/slow.json")"
check "1000 connections trickling headers: a normal upload is acknowledged within 15 s" \
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
assert d["upload_status"] == 200 and d["upload_answer"].startswith("CrashID=bp-"), d
assert d["upload_seconds"] < 15, d' "$work/slow.json"
check "all 1000 served, then ended with 408 at the 4 s header deadline (none before, all within 14 s)" \
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
assert d["closed_by_server"] == 1000 and d["closed_with_408"] == 1000 and d["still_open"] == 0, d
assert 3.5 <= d["first_close_s"] and d["last_close_s"] <= 14, d' "$work/slow.json"
check "the collector is still there" alive
stop

# ---- the per-address limit
start perip --per-ip 16 --header-timeout 60
attack per-ip "$port" 127.0.0.3 40 127.0.0.4 >"$work/perip.json"
echo "# $(cat "$work/perip.json")"
check "40 connections from one address, --per-ip 16: 16 answered, 24 refused, another address answered" \
	test "$(field "$work/perip.json" '(answered, refused, other_address_status)')" = "(16, 24, 200)"
stop

# ---- chunked uploads held open: memory
start memory --max-body 4M --max-symbols 4M --max-inflight 16M --key-inflight 6M
attack hold-chunked "$port" "$pid" "$key" 8 $((3 * 1024 * 1024)) "$key2" "$ct" "$work/body" >"$work/memory.json"
echo "# $(cat "$work/memory.json")"
echo "# resident memory: $(field "$work/memory.json" 'rss_before_kib') KiB before, $(field "$work/memory.json" 'rss_held_kib') KiB with 8 chunked uploads of 3 MiB held (a key's share: 6 MiB)"
check "8 chunked uploads of 3 MiB held: resident memory grows less than the key's share + 6 MiB" \
	test "$(field "$work/memory.json" 'rss_growth_kib')" -lt $(((6 + 6) * 1024))
check "the uploads past the share are answered 503" \
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
refused = [s for s in d["refused_at_admission"] + d["statuses_at_end"] if s == 503]
assert len(refused) >= 6, d' "$work/memory.json"
check "meanwhile another key uploads: 200" test "$(field "$work/memory.json" 'other_key_status')" = 200
attack declare "$port" "$key" 80 $((4 * 1024 * 1024)) "$ct" "$work/body" >"$work/declare.json"
echo "# $(cat "$work/declare.json")"
check "80 uploads declaring 4 MiB each (320 MiB, --max-inflight 16M) and sending nothing: all let in, the key still uploads" \
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
assert d["statuses"] == {"100": 80} and d["upload_status"] == 200, d' "$work/declare.json"
stop

# ---- framing (RFC 9112 6.3), over raw sockets
start framing
attack framing "$port" "$key" "$ct" "$work/body" >"$work/framing.json"
echo "# $(cat "$work/framing.json")"
framed() { # CASE STATUS: that case was answered STATUS, its connection closed after
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))[sys.argv[2]]
assert d["status"] == int(sys.argv[3]) and d["closed"], d' "$work/framing.json" "$1" "$2"
}
for case in "two different Content-Length" "two equal Content-Length" "Content-Length and Transfer-Encoding" \
	"Transfer-Encoding and Content-Length" "GET with two Content-Length"; do
	check "$case: 400 and the connection closed" framed "$case" 400
done
check "Transfer-Encoding: gzip, chunked: 501 and the connection closed" framed "Transfer-Encoding gzip, chunked" 501
check "the same upload framed soundly (Content-Length; chunked): 200" python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
assert d["sound: Content-Length"]["status"] == d["sound: chunked"]["status"] == 200, d' "$work/framing.json"
stop

# ---- a body trickled a byte a second
start slowbody --body-timeout 2 --min-rate 1000
attack slow-body "$port" "$key" 20 >"$work/slowbody.json"
echo "# $(cat "$work/slowbody.json")"
check "a body of 1000 bytes then a byte a second (--body-timeout 2, --min-rate 1000): 408 and closed within 8 s" \
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
assert d["admitted"] and d["closed"] and d["seconds"] < 8, d
assert d["answer"].startswith("HTTP/1.1 408"), d' "$work/slowbody.json"
check "then the same key uploads: 200" \
	test "$(curl -s -o /dev/null -w '%{http_code}' -H "Content-Type: $ct" --data-binary @"$work/body" "http://127.0.0.1:$port/api/minidump?api_key=$key")" = 200
stop

# ---- ELF files that libdw cannot read within a budget
bomb_id=0123456789abcdef0123456789abcdef$(printf '%08x' $$)
python3 "$here/mkelf.py" "$work/bomb.elf" "$bomb_id" $((512 * 1024 * 1024))
echo "# bomb.elf: $(stat -c %s "$work/bomb.elf") bytes, .debug_info inflating to 512 MiB"
start elf
hwm0=$(kib "$pid" VmHWM)
check "an ELF whose debug section inflates to 512 MiB: 422, past the memory budget" bash -c '
	[ "$(curl -s -o "$1.out" -w "%{http_code}" -H "Authorization: Bearer $2" --data-binary @"$1" "$3/api/symbols")" = 422 ] &&
	grep -q "past the memory budget" "$1.out"' _ "$work/bomb.elf" "$skey" "http://127.0.0.1:$port"
# The same file already among the symbols (as one uploaded before version 3,
# read by every project): a report with a frame in it is named in the child.
cp "$work/bomb.elf" "$data/symbols/$bomb_id.elf"
python3 - "$report/Report.wer" "$work/params" "$bomb_id" >"$work/params.ct" <<'PY'
import sys, uuid
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
names = {}
for l in lines:
    if l.startswith("Sig[") and ".Name=" in l:
        names[l.split("]")[0] + "]"] = l.split("=", 1)[1]
out = []
for l in lines:
    k = l.split("=", 1)[0]
    if k.endswith(".Value") and names.get(k[:-6]) == "Fault Module Build ID":
        l = k + "=" + sys.argv[3]
    if k.endswith(".Value") and names.get(k[:-6]) == "Fault Offset":
        l = k + "=0x210"
    out.append(l)
b = uuid.uuid4().hex
text = ("\n".join(out) + "\n").encode()
body = (b"--" + b.encode() + b'\r\nContent-Disposition: form-data; name="Report.wer"; filename="Report.wer"\r\n'
        b"Content-Type: text/plain\r\n\r\n" + text + b"\r\n--" + b.encode() + b"--\r\n")
open(sys.argv[2], "wb").write(body)
print("multipart/form-data; boundary=" + b)
PY
check "a report with a frame in it: stored, the frame named by the child from the symbol table (no DWARF)" bash -c '
	out=$(curl -s -H "Content-Type: $(cat "$1")" --data-binary @"$2" "$3/api/minidump?api_key=$4")
	case $out in CrashID=bp-*) ;; *) echo "$out"; exit 1 ;; esac
	curl -sf -H "Authorization: Bearer $5" "$3/api/reports/${out#CrashID=bp-}" | python3 -c "import json,sys
f = json.load(sys.stdin)[\"stack\"][0]
assert f[\"function\"] == \"bomb_function+0x10\", f"' \
	_ "$work/params.ct" "$work/params" "http://127.0.0.1:$port" "$key" "$token"
hwm1=$(kib "$pid" VmHWM)
echo "# peak resident memory: $hwm0 KiB before, $hwm1 KiB after the 512 MiB bomb, uploaded and looked up"
check "the collector's peak resident memory grew less than 32 MiB" test $((hwm1 - hwm0)) -lt $((32 * 1024))
check "the collector is still there" alive
stop
rm -f "$data/symbols/$bomb_id.elf"

python3 "$here/mkelf.py" "$work/slow.elf" "$bomb_id" $((1024 * 1024 * 1024))
start elftime --symbols-memory 2048 --symbols-timeout 100
check "an ELF libdw takes longer than --symbols-timeout 100 to read (1 GiB to inflate): 422, the time budget" bash -c '
	[ "$(curl -s -o "$1.out" -w "%{http_code}" -H "Authorization: Bearer $2" --data-binary @"$1" "$3/api/symbols")" = 422 ] &&
	grep -q "time budget (100 ms) ran out" "$1.out"' _ "$work/slow.elf" "$skey" "http://127.0.0.1:$port"
check "the collector is still there, and takes reports" bash -c '
	alive() { curl -sf "$1/healthz" >/dev/null; }
	alive "$1" && [ "$(curl -s -o /dev/null -w "%{http_code}" -H "Content-Type: $2" --data-binary @"$3" "$1/api/minidump?api_key=$4")" = 200 ]' \
	_ "http://127.0.0.1:$port" "$ct" "$work/body" "$key"
stop

start elftiny --symbols-memory 1
check "a sound ELF file with --symbols-memory 1: 422, the memory budget; the collector goes on" bash -c '
	[ "$(curl -s -o "$4" -w "%{http_code}" -H "Authorization: Bearer $2" --data-binary @"$1" "$3/api/symbols")" = 422 ] &&
	grep -q "budget" "$4" && curl -sf "$3/healthz" >/dev/null' _ "$program" "$skey" "http://127.0.0.1:$port" "$work/tiny.out"
stop

totals "# hostile: "
