#!/bin/bash
# SPDX-License-Identifier: MIT
# collector_tests.sh COLLECTOR WER WERFAULT CRASH_PROGRAM sqlite|postgresql
#
# wer-collector on loopback against SQLite, or against a PostgreSQL
# cluster this script creates and throws away: real crash reports
# (crash_program + werfault) uploaded the way Crashpad does (curl,
# multipart, gzip) and with `wer submit` where this build has it; buckets,
# metadata filters, the error statuses (400, 401, 403, 413, 429), read
# tokens, SIGKILL mid-ingest, two collectors ingesting at once.
set -u
collector=$1 wer=$2 werfault=$3 program=$4 backend=$5
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/openwer-collector.XXXXXX") || exit 2
chmod 711 "$work"
pids=()
pg_stop=""
cleanup() {
	for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
	[ -n "$pg_stop" ] && eval "$pg_stop" >/dev/null 2>&1
	rm -rf "$work"
}
trap cleanup EXIT
trap "exit 1" INT TERM # the EXIT trap cleans up (PostgreSQL included)
ulimit -S -c 0
. "$(dirname "$0")/../check.sh"
for tool in curl python3; do
	command -v $tool >/dev/null || { echo "SKIP: $tool is not installed (sh scripts/deps.sh)"; exit 77; }
done

# ---- the database
data=$work/data
if [ "$backend" = postgresql ]; then
	pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
	if [ -z "$pgbin" ] || [ ! -x "$pgbin/initdb" ]; then
		echo "SKIP: PostgreSQL's initdb is not installed (apt-get install postgresql)"
		exit 77
	fi
	pgdir=$work/pg
	mkdir -p "$pgdir"
	as_pg=()
	if [ "$(id -u)" = 0 ]; then
		# initdb refuses root: the cluster belongs to nobody.
		chown nobody "$pgdir"
		as_pg=(runuser -u nobody --)
	fi
	pgport=$((20000 + $$ % 20000))
	"${as_pg[@]}" "$pgbin/initdb" -D "$pgdir/data" -A trust -U wer -E UTF8 >"$work/initdb.log" 2>&1 ||
		{ cat "$work/initdb.log"; echo "initdb failed"; exit 1; }
	"${as_pg[@]}" "$pgbin/pg_ctl" -D "$pgdir/data" -l "$pgdir/log" -w -t 30 \
		-o "-k $pgdir -p $pgport -c listen_addresses= -c max_connections=50" start >/dev/null ||
		{ cat "$pgdir/log"; echo "pg_ctl start failed"; exit 1; }
	pg_stop="${as_pg[*]} $pgbin/pg_ctl -D $pgdir/data -m immediate stop"
	db="postgresql:///postgres?host=$pgdir&port=$pgport&user=wer"
else
	db="sqlite://$data/collector.db"
fi

# ---- real reports: three crashes (null, abort, fpe), as cli_tests.sh:
# each report waited for, then the clock's next second (distinct times in
# the reports' names, so their order is the crashes')
store=$work/store
export WER_REPORT_DIR=$store WER_HANDLER=$werfault
unset WER_DISABLE LD_PRELOAD
queue_longer() { # COUNT: ReportQueue holds more than COUNT entries
	[ "$(ls "$store/ReportQueue" 2>/dev/null | wc -l)" -gt "$1" ]
}
for mode in null abort fpe; do
	before=$(ls "$store/ReportQueue" 2>/dev/null | wc -l)
	"$program" "$mode" >/dev/null 2>&1
	wait_until 5 queue_longer "$before"
	wait_until 5 later_than "$(date +%s)"
done
mapfile -t reports < <(ls -d "$store"/ReportQueue/* | sort)
[ "${#reports[@]}" = 3 ] || { echo "expected 3 crash reports, got ${#reports[@]}"; exit 1; }
r_null=${reports[0]} r_abort=${reports[1]} r_fpe=${reports[2]}

# ---- the collector
start_collector_in() { # DATA NAME ARGS...: starts one on DATA, waits for its port
	local dir=$1 name=$2
	shift 2
	rm -f "$work/$name.port"
	"$collector" --listen 127.0.0.1:0 --port-file "$work/$name.port" --data "$dir" --db "$db" \
		--sweep-age 0 "$@" 2>>"$work/$name.log" &
	eval "pid_$name=$!"
	pids+=($!)
	wait_until 30 test -s "$work/$name.port"
	eval "port_$name=$(cat "$work/$name.port" 2>/dev/null || echo 0)"
}
start_collector() { # NAME ARGS...: one on the shared DATA
	start_collector_in "$data" "$@"
}
key=$("$collector" --data "$data" --db "$db" key add demo) || { echo "key add failed"; exit 1; }
token=$("$collector" --data "$data" --db "$db" token add --admin) || { echo "token add failed"; exit 1; }
skey=$("$collector" --data "$data" --db "$db" symbol-key add demo) || { echo "symbol-key add failed"; exit 1; }
start_collector main --rate 0 --max-attachments 100K
url=http://127.0.0.1:$port_main
auth=(-H "Authorization: Bearer $token")
check "the collector listens" curl -sf "$url/healthz"

upload() { # REPORT_DIR [mkbody args]: prints the answer body; status in $work/status
	local ct enc=()
	ct=$(python3 "$here/mkbody.py" "$work/body" "$@") || return 1
	[ "${2:-}" = --gzip ] && enc=(-H "Content-Encoding: gzip")
	curl -s -o "$work/answer" -w '%{http_code}' -H "Content-Type: $ct" "${enc[@]}" \
		--data-binary @"$work/body" "$url/api/minidump?api_key=$key" >"$work/status"
	cat "$work/answer"
}
id_of() { sed -n 's/^CrashID=bp-//p' "$work/answer"; }

upload "$r_null" --gzip "Channel=<script>alert(1)</script>" >/dev/null
id_null=$(id_of)
check "gzip Crashpad-style upload: 200 and CrashID=bp-<uuid>" \
	grep -Eq '^CrashID=bp-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$' "$work/answer"
upload "$r_null" --gzip >/dev/null
id_null2=$(id_of)
upload "$r_abort" "Tier=gold" >/dev/null
id_abort=$(id_of)
upload "$r_fpe" --no-wer >/dev/null
id_fpe=$(id_of)
check "plain upload and one without Report.wer accepted" test -n "$id_abort" -a -n "$id_fpe"
check "a dump is durable where the row says" python3 -c '
import json, subprocess, sys
url, tok, rid, path = sys.argv[1:]
d = subprocess.run(["curl", "-sf", "-H", "Authorization: Bearer " + tok, url + "/api/reports/" + rid + "/minidump"],
                   capture_output=True, check=True).stdout
assert d == open(path + "/minidump.mdmp", "rb").read(), "minidump differs"
' "$url" "$token" "$id_null" "$r_null"


check "buckets: null, abort and fpe apart; the null crash twice in one" python3 -c '
import json, subprocess, sys
url, tok = sys.argv[1:]
b = json.loads(subprocess.run(["curl", "-sf", "-H", "Authorization: Bearer " + tok, url + "/api/buckets"],
                              capture_output=True, check=True).stdout)
assert len(b) >= 3, b
assert b[0]["count"] == 2 and b[0]["application"] == "crash_program", b[0]
assert b[0]["fault_module"] == "crash_program" and b[0]["fault_offset"].startswith("0x"), b[0]
assert {"first_seen", "last_seen", "signature", "top_metadata"} <= set(b[0])
top = {(m["key"], m["value"]): m["count"] for m in b[0]["top_metadata"]}
assert top.get(("Build", "nightly-42")) == 2, top
' "$url" "$token"
q() { # QUERY: number of reports /api/reports?QUERY returns
	curl -sf "${auth[@]}" "$url/api/reports?$1" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'
}
check "meta.Build=nightly-42: the four reports" test "$(q 'meta.Build=nightly-42')" = 4
check "meta.Tier=gold: the one report with that field" test "$(q 'meta.Tier=gold')" = 1
check "two filters: meta.Build=nightly-42&meta.Channel=<script>..." \
	test "$(q 'meta.Build=nightly-42&meta.Channel=%3Cscript%3Ealert(1)%3C%2Fscript%3E')" = 1
check "meta with a value nobody has: none" test "$(q 'meta.Build=other')" = 0
check "metadata keys with non-ASCII names and escapes: meta.Escapes=<a & \"b\">" \
	test "$(q 'meta.Escapes=%3Ca%20%26%20%22b%22%3E')" = 4
check "signal=SIGFPE: one; signal=6: one; signal=11: two" \
	test "$(q signal=SIGFPE)/$(q signal=6)/$(q signal=11)" = 1/1/2
check "signal=segv, sigabrt (names any case): two, one; signal=SIGCHLD (any signal glibc names): none" \
	test "$(q signal=segv)/$(q signal=sigabrt)/$(q signal=SIGCHLD)" = 2/1/0
check "signal=SIGNOPE (no signal): 400" \
	test "$(curl -s -o /dev/null -w '%{http_code}' "${auth[@]}" "$url/api/reports?signal=SIGNOPE")" = 400
code_of() { curl -s -o /dev/null -w '%{http_code}' "${auth[@]}" "$url$1"; }
check "limit=2: two; limit=99999: all four (at most 1000 given)" \
	test "$(q limit=2)/$(q limit=99999)" = 2/4
check "limit=abc, limit=0, limit=-5 on reports and buckets: 400" \
	test "$(code_of '/api/reports?limit=abc') $(code_of '/api/reports?limit=0') $(code_of '/api/buckets?limit=-5') $(code_of '/api/buckets?limit=x1')" = "400 400 400 400"
check "paging: X-Total-Count says all four; limit=2&offset=2 gives the other two; offset=abc: 400" bash -c '
	curl -sf -D "$3/h" -H "Authorization: Bearer $2" "$1/api/reports?meta.Build=nightly-42&limit=2" >"$3/p1" &&
	grep -qi "^X-Total-Count: 4" "$3/h" &&
	curl -sf -H "Authorization: Bearer $2" "$1/api/reports?meta.Build=nightly-42&limit=2&offset=2" >"$3/p2" &&
	python3 -c "import json,sys; a={r[\"id\"] for r in json.load(open(sys.argv[1]))}; b={r[\"id\"] for r in json.load(open(sys.argv[2]))}; assert len(a) == 2 and len(b) == 2 and not a & b, (a, b)" "$3/p1" "$3/p2" &&
	[ "$(curl -s -o /dev/null -w "%{http_code}" -H "Authorization: Bearer $2" "$1/api/reports?offset=abc")" = 400 ]' \
	_ "$url" "$token" "$work"
check "the search page says the true count and links to the next page" bash -c '
	curl -sf -H "Authorization: Bearer $2" "$1/search?q=Build%3Dnightly-42&limit=2" >"$3/search.html" &&
	grep -q "reports 1 to 2 of 4" "$3/search.html" &&
	grep -q "href=\"/search?q=Build%3Dnightly-42&amp;limit=2&amp;offset=2\">older" "$3/search.html"' \
	_ "$url" "$token" "$work"
check "app=crash_program: four; app=nope: none" test "$(q app=crash_program)/$(q app=nope)" = 4/0
check "since=tomorrow: none; since=2000-01-01: four" \
	test "$(q "since=$(date -u -d tomorrow +%Y-%m-%d)")/$(q since=2000-01-01)" = 0/4
check "a report: metadata, signature, symbolless stack" python3 -c '
import json, subprocess, sys
url, tok, rid = sys.argv[1:]
r = json.loads(subprocess.run(["curl", "-sf", "-H", "Authorization: Bearer " + tok, url + "/api/reports/" + rid],
                              capture_output=True, check=True).stdout)
assert r["signal"] == 11 and r["signal_name"] == "SIGSEGV" and r["version"] == "1.0", r
assert r["metadata"]["Channel"] == "<script>alert(1)</script>" and r["metadata"]["Build"] == "nightly-42", r
assert r["stack"][0]["module"] == "crash_program" and len(r["stack"]) >= 2, r["stack"]
assert r["project"] == "demo" and r["guid"].startswith("0f1e2d3c"), r
assert "crash_null_write" in r["client_stack"], r["client_stack"]
' "$url" "$token" "$id_null"
check "a bucket: its reports and every metadata value" python3 -c '
import json, subprocess, sys
url, tok = sys.argv[1:]
get = lambda p: json.loads(subprocess.run(["curl", "-sf", "-H", "Authorization: Bearer " + tok, url + p],
                                          capture_output=True, check=True).stdout)
b = get("/api/buckets")[0]
d = get("/api/buckets/%d" % b["id"])
assert len(d["reports"]) == 2 and d["count"] == 2, d
assert any(m["key"] == "Channel" for m in d["top_metadata"]), d["top_metadata"]
' "$url" "$token"

# ---- signatures: one bug reached through different stack contents (a
# scan takes the pointers to strings, functions and data there for return
# addresses) is one bucket; titles a person reads; frames of a client that
# sent no stack are marked scanned.
noise=$work/noise
noise_count() { [ "$(ls "$noise/ReportQueue" 2>/dev/null | wc -l)" -ge "$1" ]; }
WER_REPORT_DIR=$noise "$program" noise-a >/dev/null 2>&1
wait_until 30 noise_count 1
WER_REPORT_DIR=$noise "$program" noise-b >/dev/null 2>&1
wait_until 30 noise_count 2
mapfile -t noisy < <(ls -d "$noise"/ReportQueue/* | sort)
upload "${noisy[0]}" >/dev/null
id_noise_a=$(id_of)
upload "${noisy[1]}" >/dev/null
id_noise_b=$(id_of)
upload "${noisy[0]}" --no-wer >/dev/null
id_noise_scan=$(id_of)
check "one bug, different stack contents: one bucket, titled \"SIGSEGV in crash_null_write (crash_program)\"" python3 -c '
import json, subprocess, sys
url, tok, a, b = sys.argv[1:]
get = lambda p: json.loads(subprocess.run(["curl", "-sf", "-H", "Authorization: Bearer " + tok, url + p],
                                          capture_output=True, check=True).stdout)
ra, rb = get("/api/reports/" + a), get("/api/reports/" + b)
assert ra["bucket"] == rb["bucket"], (ra["bucket"], rb["bucket"])
bucket = get("/api/buckets/%d" % ra["bucket"])
assert bucket["title"] == "SIGSEGV in crash_null_write (crash_program)", bucket["title"]
assert bucket["signature"] == "crash_program | SIGSEGV | crash_null_write | crash_noisy | main", bucket["signature"]
assert [f.get("client_function") for f in ra["stack"][:2]] == ["crash_null_write", "crash_noisy"], ra["stack"][:2]
assert not any(f.get("scanned") for f in ra["stack"]), ra["stack"]
' "$url" "$token" "$id_noise_a" "$id_noise_b"
check "an abort and a segfault in other functions: other buckets, titles skip libc's abort machinery" python3 -c '
import json, subprocess, sys
url, tok, ab, nu = sys.argv[1:]
get = lambda p: json.loads(subprocess.run(["curl", "-sf", "-H", "Authorization: Bearer " + tok, url + p],
                                          capture_output=True, check=True).stdout)
a, n = get("/api/reports/" + ab), get("/api/reports/" + nu)
assert a["bucket"] != n["bucket"]
ta, tn = get("/api/buckets/%d" % a["bucket"])["title"], get("/api/buckets/%d" % n["bucket"])["title"]
assert ta == "SIGABRT in crash_abort (crash_program)", ta
assert tn == "SIGSEGV in crash_null_write (crash_program)", tn
' "$url" "$token" "$id_abort" "$id_null"
check "a client that sent no stack: the dump scanned, frames after the first marked scanned" python3 -c '
import json, subprocess, sys
url, tok, rid = sys.argv[1:]
r = json.loads(subprocess.run(["curl", "-sf", "-H", "Authorization: Bearer " + tok, url + "/api/reports/" + rid],
                              capture_output=True, check=True).stdout)
s = r["stack"]
assert not s[0].get("scanned") and len(s) > 1 and all(f.get("scanned") for f in s[1:]), s
' "$url" "$token" "$id_noise_scan"
check "the bucket list page counts the buckets as the API lists them" bash -c '
	n=$(curl -sf -H "Authorization: Bearer $2" "$1/api/buckets?limit=1000" | python3 -c "import json,sys; print(len(json.load(sys.stdin)))") &&
	curl -sf -H "Authorization: Bearer $2" "$1/" | grep -q ">$n bucket(s), most reports first"' _ "$url" "$token"
check "the bucket list pages: ?offset=1 shows the second bucket on, says so, and links back" bash -c '
	n=$(curl -sf -H "Authorization: Bearer $2" "$1/api/buckets?limit=1000" | python3 -c "import json,sys; print(len(json.load(sys.stdin)))") &&
	curl -sf -H "Authorization: Bearer $2" "$1/buckets?offset=1" >"$3/b1.html" &&
	grep -q ">$n bucket(s), most reports first; 2 to $n shown" "$3/b1.html" &&
	grep -q "href=\"/buckets?offset=0\">&larr; more reports" "$3/b1.html" &&
	[ "$(grep -o "href=\"/buckets/[0-9]*\">#" "$3/b1.html" | wc -l)" = $((n - 1)) ]' _ "$url" "$token" "$work"
check "the bucket list page shows the titles" bash -c '
	curl -sf -H "Authorization: Bearer $2" "$1/buckets" | grep -qF "SIGABRT in crash_abort (crash_program)"' _ "$url" "$token"

# ---- symbols: the crashing program's ELF file, then reprocessing
check "POST /api/symbols (ELF): answered at once with a job; the job reprocesses the reports, the stack is symbolized" python3 -c '
import json, subprocess, sys
sys.path.insert(0, sys.argv[6])
import wait_job
url, tok, skey, elf, rid = sys.argv[1:6]
up = json.loads(subprocess.run(["curl", "-sf", "-H", "Authorization: Bearer " + skey, "--data-binary", "@" + elf, url + "/api/symbols"],
                               capture_output=True, check=True).stdout)
assert up["kind"] == "elf" and up["reprocess_job"] > 0, up
job = wait_job.wait(url, tok, up["reprocess_job"])
assert job["state"] == "done" and job["reprocessed"] >= 3 and job["reports"] == job["reprocessed"], job
r = json.loads(subprocess.run(["curl", "-sf", "-H", "Authorization: Bearer " + tok, url + "/api/reports/" + rid],
                              capture_output=True, check=True).stdout)
assert r["stack"][0]["function"].startswith("crash_null_write+"), r["stack"][0]
b = json.loads(subprocess.run(["curl", "-sf", "-H", "Authorization: Bearer " + tok, url + "/api/buckets"],
                              capture_output=True, check=True).stdout)
# The noisy bug: its two reports, and the scanned one, walked now.
assert sum(x["count"] for x in b) >= 4 and b[0]["count"] == 3, b
assert b[0]["signature"] == "crash_program | SIGSEGV | crash_null_write | crash_noisy | main", b[0]
assert all(x["count"] > 0 for x in b), b
' "$url" "$token" "$skey" "$program" "$id_null" "$here"

main_sql() { # SQL: rows of the collector's database, tab-separated
	if [ "$backend" = sqlite ]; then
		python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1])
for r in c.execute(sys.argv[2]).fetchall(): print("\t".join(str(x) for x in r))
c.commit()' "$data/collector.db" "$1"
	else
		"$pgbin/psql" "$db" -XAt -F "	" -c "$1"
	fi
}
check "reprocessing moved reports (the scanned ones, named now) and left no empty bucket behind" eval '
	[ "$(main_sql "SELECT count(*) FROM buckets WHERE count = 0")" = 0 ] &&
	[ "$(main_sql "SELECT count(*) FROM buckets b WHERE count <> (SELECT count(*) FROM reports r WHERE r.bucket_id = b.id)")" = 0 ]'
# ---- the stack walk: with the program's ELF file uploaded, a dump sent
# without stack.txt is walked with its call frame information (the scan
# found other return addresses for each noisy crash), and the scanned
# report of before was walked again by the upload's reprocessing.
upload "${noisy[1]}" --no-wer >/dev/null
id_noise_walk=$(id_of)
check "a dump without stack.txt, ELF uploaded: walked with CFI into the bug's one bucket; the scanned report walked again on reprocessing" python3 -c '
import json, subprocess, sys
url, tok, a, walk, scan = sys.argv[1:]
get = lambda p: json.loads(subprocess.run(["curl", "-sf", "-H", "Authorization: Bearer " + tok, url + p],
                                          capture_output=True, check=True).stdout)
ra, rw, rs = get("/api/reports/" + a), get("/api/reports/" + walk), get("/api/reports/" + scan)
for r in (rw, rs):
    s = r["stack"]
    assert r["bucket"] == ra["bucket"], (r["bucket"], ra["bucket"], s)
    assert all(f.get("walked") and not f.get("scanned") for f in s), s
    # A call the compiler inlined (clang inlines crash_noisy into main on
    # one path) is a frame of its own, named from the DWARF, as in stack.txt.
    assert [(f.get("function") or f["client_function"]).split("+")[0] for f in s[:3]] == \
        ["crash_null_write", "crash_noisy", "main"], s
    assert "client_function" not in s[0], s[0]
' "$url" "$token" "$id_noise_a" "$id_noise_walk" "$id_noise_scan"
check "the report page marks walked frames" bash -c '
	curl -sf -H "Authorization: Bearer $2" "$1/reports/$3" | grep -q "\[walked\]"' _ "$url" "$token" "$id_noise_walk"
check "POST /api/symbols (Breakpad .sym for libc, id from its MODULE line): the abort's libc frame named" python3 -c '
import json, subprocess, sys
sys.path.insert(0, sys.argv[5])
import wait_job
url, tok, skey, rid = sys.argv[1:5]
get = lambda p: json.loads(subprocess.run(["curl", "-sf", "-H", "Authorization: Bearer " + tok, url + p],
                                          capture_output=True, check=True).stdout)
r = get("/api/reports/" + rid)
top = r["stack"][0]
assert top["module"].startswith("libc.so") and "function" not in top, top
path = subprocess.run(["sh", "-c", "ldconfig -p | sed -n \"s/.*libc.so.6 (libc6,x86-64) => //p\" | head -n1"],
                      capture_output=True, text=True).stdout.strip()
bid = bytes.fromhex(top["build_id"])[:16]
guid = bid[3::-1] + bid[5:3:-1] + bid[7:5:-1] + bid[8:16]
lines = ["MODULE Linux x86_64 %s0 libc.so.6" % guid.hex().upper()]
for l in subprocess.run(["nm", "-D", "--defined-only", path], capture_output=True, text=True).stdout.splitlines():
    f = l.split()
    if len(f) == 3 and f[1] in "TtWw":
        lines.append("PUBLIC %s 0 %s" % (f[0], f[2]))
sym = ("\n".join(lines) + "\n").encode()
up = json.loads(subprocess.run(["curl", "-sf", "-H", "Authorization: Bearer " + skey, "--data-binary", "@-",
    url + "/api/symbols"],
    input=sym, capture_output=True, check=True).stdout)
assert up["kind"] == "sym" and up["reprocess_job"] > 0, up
assert wait_job.wait(url, tok, up["reprocess_job"])["reprocessed"] >= 1
top = get("/api/reports/" + rid)["stack"][0]
assert top.get("function"), top
' "$url" "$token" "$skey" "$id_abort" "$here"
check "POST /api/symbols: not ELF nor .sym, or a .sym without build_id: 400" bash -c '
	[ "$(curl -s -o /dev/null -w "%{http_code}" -H "Authorization: Bearer $2" --data-binary "garbage" "$1/api/symbols")" = 400 ] &&
	[ "$(curl -s -o /dev/null -w "%{http_code}" -H "Authorization: Bearer $2" --data-binary "MODULE Linux x86_64 0 x" "$1/api/symbols")" = 400 ]' \
	_ "$url" "$skey"

# ---- projects as tenants: a second project, "other", sends the same crash
key_b=$("$collector" --data "$data" --db "$db" key add other) || exit 1
skey_b=$("$collector" --data "$data" --db "$db" symbol-key add other) || exit 1
token_a=$("$collector" --data "$data" --db "$db" token add demo) || exit 1
token_b=$("$collector" --data "$data" --db "$db" token add other) || exit 1
upload_as() { # KEY REPORT_DIR [mkbody args]: the answer's id (status in $work/status)
	local k=$1 ct
	shift
	ct=$(python3 "$here/mkbody.py" "$work/body" "$@") || return 1
	curl -s -o "$work/answer" -w '%{http_code}' -H "Content-Type: $ct" --data-binary @"$work/body" \
		"$url/api/minidump?api_key=$k" >"$work/status"
	sed -n 's/^CrashID=bp-//p' "$work/answer"
}
id_b=$(upload_as "$key_b" "$r_null" "Leak=from-B")
id_b2=$(upload_as "$key_b" "$r_null" "Leak=from-B")
check "project other's key: its reports accepted" test -n "$id_b" -a -n "$id_b2"
check "the same crash in two projects: two buckets, each counting its own project's reports" python3 -c '
import json, subprocess, sys
url, tok, id_a, id_b = sys.argv[1:5]
get = lambda p: json.loads(subprocess.run(["curl", "-sf", "-H", "Authorization: Bearer " + tok, url + p],
                                          capture_output=True, check=True).stdout)
a, b = get("/api/reports/" + id_a), get("/api/reports/" + id_b)
assert a["bucket"] != b["bucket"], (a["bucket"], b["bucket"])
ba, bb = get("/api/buckets/%d" % a["bucket"]), get("/api/buckets/%d" % b["bucket"])
assert (ba["project"], ba["count"]) == ("demo", 2) and (bb["project"], bb["count"]) == ("other", 2), (ba, bb)
assert not [m for m in ba["top_metadata"] if m["key"] == "Leak"], ba["top_metadata"]
assert all(r["project"] == "demo" for r in ba["reports"]), ba["reports"]
assert {r["id"] for r in bb["reports"]} == {id_b, sys.argv[5]}, bb["reports"]
' "$url" "$token" "$id_null" "$id_b" "$id_b2"
check "a read token of demo: demo's buckets and reports only; other's are 404" python3 -c '
import json, subprocess, sys
url, tok, id_b = sys.argv[1:4]
def get(p):
    r = subprocess.run(["curl", "-s", "-w", "\n%{http_code}", "-H", "Authorization: Bearer " + tok, url + p],
                       capture_output=True, text=True).stdout
    body, code = r.rsplit("\n", 1)
    return int(code), body
code, buckets = get("/api/buckets?limit=1000")
assert code == 200 and buckets and all(b["project"] == "demo" for b in json.loads(buckets)), buckets[:300]
code, reports = get("/api/reports?limit=1000")
assert code == 200 and all(r["project"] == "demo" for r in json.loads(reports))
assert id_b not in reports and "from-B" not in reports
assert get("/api/reports?limit=1000&project=other")[1] == reports  # ?project= does not widen a project token
bid = json.loads(subprocess.run(["curl", "-sf", "-H", "Authorization: Bearer " + sys.argv[4], url + "/api/reports/" + id_b],
                                capture_output=True, check=True).stdout)["bucket"]
for p in ("/api/reports/" + id_b, "/api/reports/" + id_b + "/minidump", "/api/buckets/%d" % bid):
    assert get(p)[0] == 404, p
' "$url" "$token_a" "$id_b" "$token_b"
check "demo's pages never show other's reports or metadata" python3 -c '
import json, subprocess, sys
url, tok, id_a, id_b = sys.argv[1:]
def page(p):
    return subprocess.run(["curl", "-s", "-w", "\n%{http_code}", "-H", "Authorization: Bearer " + tok, url + p],
                          capture_output=True, text=True).stdout
bucket = json.loads(subprocess.run(["curl", "-sf", "-H", "Authorization: Bearer " + tok, url + "/api/reports/" + id_a],
                                   capture_output=True, check=True).stdout)["bucket"]
for p in ("/", "/buckets/%d" % bucket, "/search?q=crash_program"):
    text = page(p)
    assert text.endswith("\n200") and "from-B" not in text and id_b not in text, (p, text[-300:])
text = page("/search?q=Leak%3Dfrom-B")  # the page repeats the query, and finds nothing
assert text.endswith("\n200") and "0 report(s)" in text and id_b not in text, text[-300:]
assert page("/reports/" + id_b).endswith("\n404")
' "$url" "$token_a" "$id_null" "$id_b"
check "an admin token reads both projects; ?project=other narrows to other" python3 -c '
import json, subprocess, sys
url, tok = sys.argv[1:]
get = lambda p: json.loads(subprocess.run(["curl", "-sf", "-H", "Authorization: Bearer " + tok, url + p],
                                          capture_output=True, check=True).stdout)
assert {b["project"] for b in get("/api/buckets?limit=1000")} == {"demo", "other"}
assert {r["project"] for r in get("/api/reports?limit=1000&project=other")} == {"other"}
' "$url" "$token"

# ---- symbols: a credential of their own, per project, never replaced
objcopy --redefine-sym crash_null_write=evil_function "$program" "$work/evil.elf"
check "an ingest key cannot upload symbols (?api_key=, X-API-Key, as a Bearer): 403" bash -c '
	a=$(curl -s -o /dev/null -w "%{http_code}" --data-binary @"$3" "$1/api/symbols?api_key=$2")
	b=$(curl -s -o /dev/null -w "%{http_code}" -H "X-API-Key: $4" --data-binary @"$3" "$1/api/symbols")
	c=$(curl -s -o /dev/null -w "%{http_code}" -H "Authorization: Bearer $4" --data-binary @"$3" "$1/api/symbols")
	[ "$a/$b/$c" = 403/403/403 ] || { echo "$a/$b/$c"; exit 1; }' _ "$url" "$key" "$program" "$key_b"
check "other's symbol key files a different ELF under demo's build id: in other's own symbols" bash -c '
	[ "$(curl -s -o "$1" -w "%{http_code}" -H "Authorization: Bearer $2" --data-binary @"$3" "$4/api/symbols")" = 200 ] &&
	grep -q "\"project\":\"other\"" "$1" &&
	python3 "$5/wait_job.py" "$4" "$6" "$(sed -n "s/.*\"reprocess_job\":\([0-9]*\).*/\1/p" "$1")" >/dev/null' \
	_ "$work/answer" "$skey_b" "$work/evil.elf" "$url" "$here" "$token"
check "demo's stacks keep demo's symbols; other's report is named by other's" python3 -c '
import json, subprocess, sys
url, tok, id_a, id_b = sys.argv[1:]
get = lambda p: json.loads(subprocess.run(["curl", "-sf", "-H", "Authorization: Bearer " + tok, url + p],
                                          capture_output=True, check=True).stdout)
assert get("/api/reports/" + id_a)["stack"][0]["function"].startswith("crash_null_write+"), get("/api/reports/" + id_a)["stack"][0]
assert get("/api/reports/" + id_b)["stack"][0]["function"].startswith("evil_function+"), get("/api/reports/" + id_b)["stack"][0]
' "$url" "$token" "$id_null" "$id_b"
check "demo's symbol key cannot replace demo's build id with another file: 409; the same file again: 200, unchanged" bash -c '
	[ "$(curl -s -o /dev/null -w "%{http_code}" -H "Authorization: Bearer $1" --data-binary @"$2" "$4/api/symbols")" = 409 ] &&
	[ "$(curl -s -o "$5" -w "%{http_code}" -H "Authorization: Bearer $1" --data-binary @"$3" "$4/api/symbols")" = 200 ] &&
	grep -q "\"unchanged\":true" "$5"' _ "$skey" "$work/evil.elf" "$program" "$url" "$work/answer"
check "wer-collector symbols list: each project's build ids" bash -c '
	"$1" --data "$2" --db "$3" symbols list >"$4" &&
	grep -q "^demo	[0-9a-f]*	elf" "$4" && grep -q "^other	[0-9a-f]*	elf" "$4"' _ "$collector" "$data" "$db" "$work/symlist"
start_collector symrate --rate 0 --symbol-rate 2
check "symbol uploads per key: --symbol-rate 2 a minute, the third at once is 429" bash -c '
	for i in 1 2 3; do
		curl -s -o /dev/null -w "%{http_code} " -H "Authorization: Bearer $1" --data-binary @"$2" \
			"http://127.0.0.1:$3/api/symbols"
	done | grep -q "^200 200 429 $"' _ "$skey" "$program" "$port_symrate"
kill "$pid_symrate"

# ---- debuginfod (--debuginfod): a real server on loopback serves the
# program's debug file; a project without uploaded symbols gets its frames
# named from it.
if command -v debuginfod >/dev/null; then
	dd=$work/debuginfod
	mkdir -p "$dd/files"
	objcopy --only-keep-debug "$program" "$dd/files/crash_program.debug"
	dd_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	debuginfod -d "$dd/index.sqlite" -p "$dd_port" -F "$dd/files" >"$dd/server.log" 2>&1 &
	pids+=($!)
	dd_id=$(readelf -n "$program" | sed -n 's/.*Build ID: \([0-9a-f]*\)/\1/p')
	dd_served() { [ "$(curl -s -o /dev/null -w "%{http_code}" "http://127.0.0.1:$dd_port/buildid/$dd_id/debuginfo")" = 200 ]; }
	if wait_until 120 dd_served; then
		key_d=$("$collector" --data "$data" --db "$db" key add nosyms) || exit 1
		start_collector dbgd --rate 0 --debuginfod "http://127.0.0.1:$dd_port"
		ct=$(python3 "$here/mkbody.py" "$work/body" "$r_null") &&
			curl -s -o "$work/answer" -H "Content-Type: $ct" --data-binary @"$work/body" \
				"http://127.0.0.1:$port_dbgd/api/minidump?api_key=$key_d" >/dev/null
		id_d=$(id_of)
		check "--debuginfod: a project without symbols gets its frames named from the server's debug file" python3 -c '
import json, subprocess, sys
url, tok, rid = sys.argv[1:]
r = json.loads(subprocess.run(["curl", "-sf", "-H", "Authorization: Bearer " + tok, url + "/api/reports/" + rid],
                              capture_output=True, check=True).stdout)
assert r["project"] == "nosyms", r
top = r["stack"][0]
assert top.get("function", "").startswith("crash_null_write+0x") and "crash_program.c:" in top["function"], top
' "$url" "$token" "$id_d"
		kill "$pid_dbgd"
	else
		check "debuginfod: the test's server serves the debug file" eval 'tail -n 5 "$dd/server.log"; false'
	fi
else
	skip "--debuginfod" "no debuginfod here (Debian: apt install debuginfod)"
fi

# ---- TLS (--tls-cert, --tls-key): a certificate made here for 127.0.0.1
if command -v openssl >/dev/null &&
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/tls.key" -out "$work/tls.crt" -days 2 \
		-subj /CN=127.0.0.1 -addext "subjectAltName=IP:127.0.0.1" >/dev/null 2>&1; then
	start_collector tls --rate 0 --tls-cert "$work/tls.crt" --tls-key "$work/tls.key"
	tls_url=https://127.0.0.1:$port_tls
	check "TLS: an upload over HTTPS (curl --cacert) is stored; the API answers over HTTPS" bash -c '
		ct=$(python3 "$1/mkbody.py" "$2/tls.body" "$3") &&
		curl -sf --cacert "$2/tls.crt" -H "Content-Type: $ct" --data-binary @"$2/tls.body" \
			"$4/api/minidump?api_key=$5" | grep -q "^CrashID=bp-" &&
		curl -sf --cacert "$2/tls.crt" -H "Authorization: Bearer $6" "$4/api/buckets" | grep -q "\"title\""' \
		_ "$here" "$work" "$r_null" "$tls_url" "$key" "$token"
	check "TLS: a client that does not trust the certificate, or speaks plain HTTP, gets nothing" bash -c '
		! curl -sf -o /dev/null "$1/api/buckets" &&
		[ "$(curl -s -o /dev/null -w "%{http_code}" "http://127.0.0.1:$2/api/buckets")" != 200 ]' \
		_ "$tls_url" "$port_tls"
	check "TLS: the read token's cookie is Secure" bash -c '
		curl -s --cacert "$1/tls.crt" -D - -o /dev/null "$2/?token=$3" | grep -i "^Set-Cookie: wer_token=.*; Secure"' \
		_ "$work" "$tls_url" "$token"
	check "--tls-cert without --tls-key, or a file that is not PEM: refused at start (2)" bash -c '
		"$1" --data "$2" --db "$3" --tls-cert "$4/tls.crt" 2>/dev/null; a=$?
		"$1" --data "$2" --db "$3" --tls-cert "$4/tls.body" --tls-key "$4/tls.key" 2>/dev/null; b=$?
		[ "$a/$b" = 2/2 ]' _ "$collector" "$data" "$db" "$work"
	kill "$pid_tls"
else
	skip "TLS" "no openssl here to make a certificate"
fi

# ---- keys and tokens: kept hashed, shown once
secrets=("$key" "$key_b" "$skey" "$skey_b" "$token" "$token_a" "$token_b")
if [ "$backend" = sqlite ]; then
	dbfiles=("$data"/collector.db*)
else
	dbfiles=("$pgdir/data")
fi
check "no key or token in plain text in the database's files (${#secrets[@]} of them); their SHA-256 is" bash -c '
	files=$1; shift
	for s in "$@"; do
		grep -rqF -- "$s" $files && { echo "found $s"; exit 1; }
		grep -rqF -- "$(printf %s "$s" | sha256sum | cut -c1-64)" $files || { echo "no hash of $s"; exit 1; }
	done; true' _ "${dbfiles[*]}" "${secrets[@]}"
check "key list: ids (the first 12 digits of the hash) and projects, never a key" bash -c '
	"$1" --data "$2" --db "$3" key list >"$4" && ! grep -qF "$5" "$4" &&
	grep -q "^$(printf %s "$5" | sha256sum | cut -c1-12)	demo	" "$4"' _ "$collector" "$data" "$db" "$work/keylist" "$key"
check "token list: an admin token's project is *, a project's its name; nothing on stderr" bash -c '
	"$1" --data "$2" --db "$3" token list >"$4" 2>"$4.err" && [ ! -s "$4.err" ] &&
	grep -q "^$(printf %s "$5" | sha256sum | cut -c1-12)	\*	" "$4" &&
	grep -q "^$(printf %s "$6" | sha256sum | cut -c1-12)	demo	" "$4"' \
	_ "$collector" "$data" "$db" "$work/tokenlist" "$token" "$token_a"
check "key remove ID: the key is gone and refused" bash -c '
	k=$("$1" --data "$2" --db "$3" key add demo) && id=$(printf %s "$k" | sha256sum | cut -c1-12) &&
	"$1" --data "$2" --db "$3" key remove "$id" && ! "$1" --data "$2" --db "$3" key list | grep -q "^$id" &&
	[ "$(curl -s -o /dev/null -w "%{http_code}" -d x "$4/api/minidump?api_key=$k")" = 403 ]' \
	_ "$collector" "$data" "$db" "$url"

# ---- the workflow (docs/collector.md, "Workflow"): a project "flow" of
# its own; a triage token changes a bucket's state, note and bug link, a
# read token cannot; a report from the version that has the fix reopens a
# resolved bucket (versions compare as 1.9 < 1.10), an older one does not;
# an ignored bucket stays ignored; top crashers with shares and the
# window before; over-represented metadata values, not constants
key_f=$("$collector" --data "$data" --db "$db" key add flow) || exit 1
tok_f=$("$collector" --data "$data" --db "$db" token add flow) || exit 1
tri_f=$("$collector" --data "$data" --db "$db" token add flow --triage) || exit 1
check "token list marks the triage token" bash -c '"$1" --data "$2" --db "$3" token list | grep -q "	flow (triage)	"' \
	_ "$collector" "$data" "$db"
for v in 1.9 1.9 1.10; do upload_as "$key_f" "$r_null" --ver=$v GPU=amd Build=nightly-42 >/dev/null; done
for v in 1.9 1.9 1.9; do upload_as "$key_f" "$r_abort" --ver=$v GPU=nvidia >/dev/null; done
upload_as "$key_f" "$r_fpe" --ver=1.9 GPU=amd >/dev/null
flow_bucket() { # SIGNAL: the id of flow's bucket of that signal
	curl -sf -H "Authorization: Bearer $tok_f" "$url/api/buckets" | python3 -c '
import json, sys
print([b["id"] for b in json.load(sys.stdin) if b["signature"].split(" | ")[1] == sys.argv[1]][0])' "$1"
}
b_null=$(flow_bucket SIGSEGV) b_abort=$(flow_bucket SIGABRT) b_fpe=$(flow_bucket SIGFPE)
triage() { # TOKEN BUCKET FORM: the HTTP status of POST /api/buckets/BUCKET
	curl -s -o "$work/triage" -w '%{http_code}' -H "Authorization: Bearer $1" --data "$3" "$url/api/buckets/$2"
}
check "a bucket's versions: 1.9 to 1.10 (versions compared as numbers), state new" python3 -c '
import json, subprocess, sys
b = json.loads(subprocess.run(["curl", "-sf", "-H", "Authorization: Bearer " + sys.argv[2], sys.argv[1] + "/api/buckets/" + sys.argv[3]],
                              capture_output=True, check=True).stdout)
assert (b["first_version"], b["last_version"], b["state"], b["count"]) == ("1.9", "1.10", "new", 3), b' "$url" "$tok_f" "$b_null"
check "triage refused: no token 401, a read token 403, an unknown bucket 404, bad input 400; nothing changed" eval '
	[ "$(curl -s -o /dev/null -w "%{http_code}" --data state=ignored "$url/api/buckets/$b_null")" = 401 ] &&
	[ "$(triage "$tok_f" "$b_null" state=ignored)" = 403 ] &&
	[ "$(triage "$tri_f" 999999 state=ignored)" = 404 ] &&
	[ "$(triage "$tri_f" "$b_null" state=regressed)" = 400 ] &&
	[ "$(triage "$tri_f" "$b_null" "bug=javascript:alert(1)")" = 400 ] &&
	[ "$(triage "$tri_f" "$b_null" "note=bell%07")" = 400 ] &&
	[ "$(triage "$tri_f" "$b_null" "note=%zz")" = 400 ] &&
	[ "$(triage "$tri_f" "$b_null" "")" = 400 ] &&
	[ "$(curl -sf -H "Authorization: Bearer $tok_f" "$url/api/buckets/$b_null" | python3 -c "import json,sys; print(json.load(sys.stdin)[\"state\"])")" = new ]'
check "another project's bucket cannot be triaged with flow's token (404)" eval '
	other=$(curl -sf -H "Authorization: Bearer $token_a" "$url/api/buckets" | python3 -c "import json,sys; print(json.load(sys.stdin)[0][\"id\"])") &&
	[ "$(triage "$tri_f" "$other" state=ignored)" = 404 ]'
check "resolved in 1.10 with a note and a bug link: saved, as the API shows" eval '
	[ "$(triage "$tri_f" "$b_null" "state=resolved&version=1.10&note=fixed+by+%3Cb%3Eme%3C%2Fb%3E%0Asee+bug&bug=https%3A%2F%2Fbugs.example%2F42")" = 200 ] &&
	curl -sf -H "Authorization: Bearer $tok_f" "$url/api/buckets/$b_null" | python3 -c "
import json, sys
b = json.load(sys.stdin)
assert (b[\"state\"], b[\"resolved_in\"], b[\"note\"], b[\"bug_url\"]) == (\"resolved\", \"1.10\", \"fixed by <b>me</b>\nsee bug\", \"https://bugs.example/42\"), b
assert b[\"state_changed\"].endswith(\"Z\"), b"'
bucket_state() { curl -sf -H "Authorization: Bearer $tok_f" "$url/api/buckets/$1" | python3 -c "import json,sys; print(json.load(sys.stdin)[\"state\"])"; }
upload_as "$key_f" "$r_null" --ver=1.9 >/dev/null
check "a report from 1.9 (before the fix) leaves it resolved" test "$(bucket_state "$b_null")" = resolved
upload_as "$key_f" "$r_null" --ver=1.10 >/dev/null
check "a report from 1.10 (the fixed version) reopens it: regressed, note and link kept" eval '
	[ "$(bucket_state "$b_null")" = regressed ] &&
	curl -sf -H "Authorization: Bearer $tok_f" "$url/api/buckets/$b_null" | grep -q "bugs.example/42"'
check "an ignored bucket stays ignored when reports come" eval '
	[ "$(triage "$tri_f" "$b_fpe" state=ignored)" = 200 ] &&
	upload_as "$key_f" "$r_fpe" --ver=2.0 >/dev/null &&
	[ "$(bucket_state "$b_fpe")" = ignored ]'
check "top crashers (flow, 7 days): ranks by reports, shares of the window summing to 1, states; version=1.9 narrows; days=0 is 400" python3 -c '
import json, subprocess, sys
url, tok, b_null, b_abort = sys.argv[1:5]
get = lambda p: subprocess.run(["curl", "-s", "-w", "%{http_code}", "-H", "Authorization: Bearer " + tok, url + p],
                               capture_output=True, text=True).stdout
out = get("/api/top")
t = json.loads(out[:-3])
assert out.endswith("200") and t["days"] == 7 and t["reports"] == 10, t
rows = t["buckets"]
assert [r["rank"] for r in rows] == [1, 2, 3], rows
assert (str(rows[0]["bucket"]), rows[0]["count"], rows[0]["state"]) == (b_null, 5, "regressed"), rows
assert str(rows[1]["bucket"]) == b_abort and rows[1]["count"] == 3 and rows[2]["count"] == 2, rows
assert abs(sum(r["share"] for r in rows) - 1) < 0.001, rows
assert all(r["rank_before"] is None and r["count_before"] == 0 for r in rows), rows
v = json.loads(get("/api/top?version=1.9")[:-3])
assert v["reports"] == 7 and sorted(r["count"] for r in v["buckets"]) == [1, 3, 3], v
assert get("/api/top?days=0").endswith("400")
assert json.loads(get("/api/top?app=nope")[:-3])["buckets"] == []
' "$url" "$tok_f" "$b_null" "$b_abort"
check "metadata breakdown: GPU=nvidia over-represented in the abort bucket (100% there, 3 of 10 overall); Build, in every report of the project, is not" python3 -c '
import json, subprocess, sys
url, tok, b_abort, b_null = sys.argv[1:5]
get = lambda p: json.loads(subprocess.run(["curl", "-sf", "-H", "Authorization: Bearer " + tok, url + p],
                                          capture_output=True, check=True).stdout)
m = {(x["key"], x["value"]): x for x in get("/api/buckets/" + b_abort)["top_metadata"]}
g = m[("GPU", "nvidia")]
assert g["over_represented"] and g["count"] == 3 and g["share"] == 1 and g["project_count"] == 3 and abs(g["project_share"] - 0.3) < 0.001, g
assert not m[("Build", "nightly-42")]["over_represented"], m
n = {(x["key"], x["value"]): x for x in get("/api/buckets/" + b_null)["top_metadata"]}
assert not n[("GPU", "amd")]["over_represented"], n  # 3 of 5 here, 4 of 10 overall: not twice as common
' "$url" "$tok_f" "$b_abort" "$b_null"
check "the bucket page: state, versions, note escaped, the triage form; the list and the top page show states" eval '
	curl -sf -H "Cookie: wer_token=$tok_f" "$url/buckets/$b_null" >"$work/bpage" &&
	grep -q "state-regressed" "$work/bpage" && grep -q "1.9 to 1.10" "$work/bpage" &&
	grep -qF "fixed by &lt;b&gt;me&lt;/b&gt;" "$work/bpage" && ! grep -qF "<b>me" "$work/bpage" &&
	grep -q "<form class=\"triage\" method=\"post\" action=\"/buckets/$b_null\">" "$work/bpage" &&
	grep -q "class=\"over\"" <(curl -sf -H "Cookie: wer_token=$tok_f" "$url/buckets/$b_abort") &&
	curl -sf -H "Cookie: wer_token=$tok_f" "$url/buckets" | grep -q "state-ignored" &&
	curl -sf -H "Cookie: wer_token=$tok_f" "$url/top?days=30" | grep -q "<table id=\"top\">"'
check "the page form (cookie): 303 back to the bucket; from a page of another site (Origin) 403" eval '
	[ "$(curl -s -o /dev/null -w "%{http_code} %{redirect_url}" -H "Cookie: wer_token=$tri_f" -H "Origin: $url" \
		--data "state=new&version=&note=&bug=" "$url/buckets/$b_fpe")" = "303 $url/buckets/$b_fpe" ] &&
	[ "$(bucket_state "$b_fpe")" = new ] &&
	[ "$(curl -s -o /dev/null -w "%{http_code}" -H "Cookie: wer_token=$tri_f" -H "Origin: https://evil.example" \
		--data "state=ignored" "$url/buckets/$b_fpe")" = 403 ] &&
	[ "$(bucket_state "$b_fpe")" = new ]'

# ---- attachments: the files and memory blocks a report carries (wer
# submit sends them at consent 4; Crashpad's attachments alike) are kept
# within --max-attachments per report, listed, downloadable, named safely
head -c 5000 /dev/urandom >"$work/block.bin"
printf 'log line 1\nlog line 2\n' >"$work/app.log"
head -c 300000 /dev/urandom >"$work/big.bin"
id_att=$(upload_as "$key" "$r_null" "--file=MemoryBlock-0x7ffc0000.bin:$work/block.bin" \
	"--file=File1-app.log:$work/app.log" "--file=File2-big.bin:$work/big.bin" \
	"--file=File3-../../evil name.txt:$work/app.log")
check "a report with four attachments: listed (kind, size), the one over the per-report cap listed but not kept" python3 -c '
import json, subprocess, sys
url, tok, rid = sys.argv[1:4]
r = json.loads(subprocess.run(["curl", "-sf", "-H", "Authorization: Bearer " + tok, url + "/api/reports/" + rid],
                              capture_output=True, check=True).stdout)
a = {x["name"]: x for x in r["attachments"]}
assert sorted(a) == ["File1-app.log", "File2-big.bin", "File3-../../evil name.txt", "MemoryBlock-0x7ffc0000.bin"], a
assert a["MemoryBlock-0x7ffc0000.bin"]["kind"] == "memory" and a["MemoryBlock-0x7ffc0000.bin"]["size"] == 5000, a
assert a["File1-app.log"]["kind"] == "file" and a["File1-app.log"]["kept"], a
assert not a["File2-big.bin"]["kept"] and "url" not in a["File2-big.bin"], a
' "$url" "$token" "$id_att"
check "... each kept one downloads byte for byte; the strange name is a safe download name; not kept: 404" eval '
	curl -sf "${auth[@]}" "$url/api/reports/$id_att/attachments/MemoryBlock-0x7ffc0000.bin" | cmp -s - "$work/block.bin" &&
	curl -sf "${auth[@]}" "$url/api/reports/$id_att/attachments/File1-app.log" | cmp -s - "$work/app.log" &&
	curl -sf -D - -o /dev/null "${auth[@]}" "$url/api/reports/$id_att/attachments/File3-..%2F..%2Fevil%20name.txt" |
		grep -qi "filename=\"File3-.._.._evil_name.txt\"" &&
	[ "$(curl -s -o /dev/null -w "%{http_code}" "${auth[@]}" "$url/api/reports/$id_att/attachments/File2-big.bin")" = 404 ] &&
	[ "$(curl -s -o /dev/null -w "%{http_code}" -H "Authorization: Bearer $token_b" "$url/api/reports/$id_att/attachments/File1-app.log")" = 404 ] &&
	curl -sf -H "Cookie: wer_token=$token" "$url/reports/$id_att" | grep -q "<table id=\"attachments\">"'

# ---- retention and deletion: one report (DELETE, a triage token), by
# age and by size per project (the command, the API, the background
# thread); a report goes with its files, metadata and counts; a triaged
# bucket stays when its reports go
key_k=$("$collector" --data "$data" --db "$db" key add keep) || exit 1
tok_k=$("$collector" --data "$data" --db "$db" token add keep) || exit 1
tri_k=$("$collector" --data "$data" --db "$db" token add keep --triage) || exit 1
id_k1=$(upload_as "$key_k" "$r_null" "--file=File1-app.log:$work/app.log")
id_k2=$(upload_as "$key_k" "$r_null")
id_k3=$(upload_as "$key_k" "$r_abort")
id_k4=$(upload_as "$key_k" "$r_fpe")
kept_files() { # ID: the files of report ID under DATA
	find "$data/dumps" "$data/attachments" -path "*$1*" -type f 2>/dev/null
}
k_status() { curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $tok_k" "$url$1"; }
check "DELETE /api/reports/ID: a read token 403; a triage token deletes it, its dump and attachment files; then 404" eval '
	[ -n "$(kept_files "$id_k1")" ] &&
	[ "$(curl -s -o /dev/null -w "%{http_code}" -X DELETE -H "Authorization: Bearer $tok_k" "$url/api/reports/$id_k1")" = 403 ] &&
	[ "$(curl -s -o /dev/null -w "%{http_code}" -X DELETE -H "Authorization: Bearer $tri_k" "$url/api/reports/$id_k1")" = 200 ] &&
	[ "$(k_status "/api/reports/$id_k1")" = 404 ] && [ -z "$(kept_files "$id_k1")" ] &&
	[ "$(curl -s -o /dev/null -w "%{http_code}" -X DELETE -H "Authorization: Bearer $tri_k" "$url/api/reports/$id_k1")" = 404 ] &&
	[ "$(curl -s -o /dev/null -w "%{http_code}" -X DELETE -H "Authorization: Bearer $tri_k" "$url/api/reports/$id_null")" = 404 ]'
check "... its bucket counts one report less" eval '
	[ "$(curl -sf -H "Authorization: Bearer $tok_k" "$url/api/buckets" | python3 -c "import json,sys; print(sorted(b[\"count\"] for b in json.load(sys.stdin)))")" = "[1, 1, 1]" ]'
b_keep=$(curl -sf -H "Authorization: Bearer $tok_k" "$url/api/reports/$id_k3" | python3 -c 'import json,sys; print(json.load(sys.stdin)["bucket"])')
[ "$(triage "$tri_k" "$b_keep" "state=resolved&version=9.0&note=kept")" = 200 ] || echo "# triage of keep's bucket failed"
# Five days older, with its day's count moved as ingest would have kept it.
main_sql "UPDATE bucket_days SET n = n - 1 WHERE bucket_id = (SELECT bucket_id FROM reports WHERE id = '$id_k2') AND day = (SELECT received / 86400 FROM reports WHERE id = '$id_k2')" >/dev/null
main_sql "DELETE FROM bucket_days WHERE n <= 0" >/dev/null
main_sql "UPDATE reports SET received = received - 5 * 86400 WHERE id = '$id_k2'" >/dev/null
main_sql "UPDATE report_meta SET received = received - 5 * 86400 WHERE report_id = '$id_k2'" >/dev/null
main_sql "INSERT INTO bucket_days (bucket_id, day, n) SELECT bucket_id, received / 86400, 1 FROM reports WHERE id = '$id_k2' ON CONFLICT (bucket_id, day) DO UPDATE SET n = bucket_days.n + 1" >/dev/null
check "retention set keep 2 0, retention apply keep: the report 5 days old goes, the others stay" eval '
	"$collector" --data "$data" --db "$db" retention set keep 2 0 &&
	"$collector" --data "$data" --db "$db" retention list | grep -q "^keep	2 days	0 bytes$" &&
	[ "$("$collector" --data "$data" --db "$db" retention apply keep)" = "1 report(s) deleted" ] &&
	[ "$(k_status "/api/reports/$id_k2")" = 404 ] && [ "$(k_status "/api/reports/$id_k3")" = 200 ] &&
	[ -z "$(kept_files "$id_k2")" ]'
check "retention by the API: a read token 403, bad values 400; size=1 (a triage token): the collector deletes the rest in the background" eval '
	[ "$(curl -s -o /dev/null -w "%{http_code}" -H "Authorization: Bearer $tok_k" --data "days=0&size=1" "$url/api/retention")" = 403 ] &&
	[ "$(curl -s -o /dev/null -w "%{http_code}" -H "Authorization: Bearer $tri_k" --data "days=x&size=1" "$url/api/retention")" = 400 ] &&
	[ "$(curl -s -o /dev/null -w "%{http_code}" -H "Authorization: Bearer $tri_k" --data "days=0&size=1" "$url/api/retention")" = 200 ] &&
	curl -sf -H "Authorization: Bearer $tok_k" "$url/api/retention" | grep -q "\"bytes\":1}" &&
	wait_until 30 eval "[ \"\$(k_status /api/reports/$id_k3)\" = 404 ] && [ \"\$(k_status /api/reports/$id_k4)\" = 404 ]"'
check "... the triaged bucket stays (count 0, resolved, its note); the untriaged empty one is gone; a new report from 9.0 regresses it" eval '
	curl -sf -H "Authorization: Bearer $tok_k" "$url/api/buckets/$b_keep" | grep -q "\"count\":0" &&
	"$collector" --data "$data" --db "$db" retention set keep 0 0 &&
	[ "$(main_sql "SELECT count(*) FROM buckets WHERE project = '"'"'keep'"'"'")" = 1 ] &&
	upload_as "$key_k" "$r_abort" --ver=9.0 >/dev/null &&
	curl -sf -H "Authorization: Bearer $tok_k" "$url/api/buckets/$b_keep" | grep -q "\"state\":\"regressed\""'
check "wer-collector reports remove ID: deleted; an unknown id: exit 1 and said" eval '
	id_k5=$(curl -sf -H "Authorization: Bearer $tok_k" "$url/api/reports?limit=1" | python3 -c "import json,sys; print(json.load(sys.stdin)[0][\"id\"])") &&
	"$collector" --data "$data" --db "$db" reports remove "$id_k5" &&
	[ "$(k_status "/api/reports/$id_k5")" = 404 ] &&
	! "$collector" --data "$data" --db "$db" reports remove no-such-id 2>"$work/rm.err" && grep -q "no such report" "$work/rm.err"'

# ---- several hosts, nothing shared but the database (--blobs database):
# two collectors with data directories of their own serve each other's
# dumps, attachments and symbols
start_collector_in "$work/hostA" hostA --blobs database --rate 0
start_collector_in "$work/hostB" hostB --blobs database --rate 0
urlA=http://127.0.0.1:$port_hostA urlB=http://127.0.0.1:$port_hostB
key_h=$("$collector" --data "$data" --db "$db" key add hosts) || exit 1
skey_h=$("$collector" --data "$data" --db "$db" symbol-key add hosts) || exit 1
tok_h=$("$collector" --data "$data" --db "$db" token add hosts) || exit 1
url_keep=$url
url=$urlA
id_h=$(upload_as "$key_h" "$r_null" "--file=MemoryBlock-0x1000.bin:$work/block.bin")
url=$url_keep
check "a report sent to host A: host B serves its minidump and attachment byte for byte; neither wrote a dump file" eval '
	[ -n "$id_h" ] &&
	curl -sf -H "Authorization: Bearer $tok_h" "$urlB/api/reports/$id_h/minidump" | cmp -s - "$r_null/minidump.mdmp" &&
	curl -sf -H "Authorization: Bearer $tok_h" "$urlB/api/reports/$id_h/attachments/MemoryBlock-0x1000.bin" | cmp -s - "$work/block.bin" &&
	[ -z "$(find "$work/hostA/dumps" "$work/hostB/dumps" -type f)" ]'
check "symbols uploaded to host A name the frames of a report sent to host B (B copies them from the database)" python3 -c '
import json, subprocess, sys
sys.path.insert(0, sys.argv[7])
import wait_job
urlA, urlB, skey, tok, key, program, here, report, work = sys.argv[1:10]
up = json.loads(subprocess.run(["curl", "-sf", "-H", "Authorization: Bearer " + skey, "--data-binary", "@" + program,
                                urlA + "/api/symbols"], capture_output=True, check=True).stdout)
assert up["kind"] == "elf", up
if "reprocess_job" in up:
    wait_job.wait(urlA, tok, up["reprocess_job"])
ct = subprocess.run(["python3", here + "/mkbody.py", work + "/hbody", report], capture_output=True, text=True, check=True).stdout.strip()
out = subprocess.run(["curl", "-sf", "-H", "Content-Type: " + ct, "--data-binary", "@" + work + "/hbody",
                      urlB + "/api/minidump?api_key=" + key], capture_output=True, text=True, check=True).stdout
rid = out.strip()[len("CrashID=bp-"):]
r = json.loads(subprocess.run(["curl", "-sf", "-H", "Authorization: Bearer " + tok, urlA + "/api/reports/" + rid],
                              capture_output=True, check=True).stdout)
assert r["stack"][0].get("function", "").startswith("crash_null_write+"), r["stack"][0]
' "$urlA" "$urlB" "$skey_h" "$tok_h" "$key_h" "$program" "$here" "$r_null" "$work"
check "... the same file again to host B: unchanged; another file for that build id: 409" eval '
	curl -sf -H "Authorization: Bearer $skey_h" --data-binary @"$program" "$urlB/api/symbols" | grep -q "\"unchanged\":true" &&
	bid=$(curl -sf -H "Authorization: Bearer $skey_h" --data-binary @"$program" "$urlB/api/symbols" | python3 -c "import json,sys; print(json.load(sys.stdin)[\"build_id\"])") &&
	printf "MODULE Linux x86_64 0 crash_program\nFUNC 1000 10 0 other\n" >"$work/other.sym" &&
	[ "$(curl -s -o /dev/null -w "%{http_code}" -H "Authorization: Bearer $skey_h" --data-binary @"$work/other.sym" "$urlB/api/symbols?build_id=$bid")" = 409 ]'

# ---- what the pages tell browsers
check "pages and the API: CSP frame-ancestors 'none', X-Frame-Options DENY, Referrer-Policy no-referrer" bash -c '
	for p in / /api/buckets /healthz; do
		h=$(curl -s -o /dev/null -D - -H "Authorization: Bearer $2" "$1$p")
		echo "$h" | grep -qi "^Content-Security-Policy:.*frame-ancestors .none." &&
		echo "$h" | grep -qi "^X-Frame-Options: DENY" &&
		echo "$h" | grep -qi "^Referrer-Policy: no-referrer" || { echo "$p: $h"; exit 1; }
	done' _ "$url" "$token"
check "the token cookie: HttpOnly, SameSite=Strict, not Secure without --trust-proxy (X-Forwarded-Proto ignored)" bash -c '
	h=$(curl -s -o /dev/null -D - -H "X-Forwarded-Proto: https" "$1/?token=$2" | grep -i "^Set-Cookie:")
	echo "$h" | grep -q "HttpOnly; SameSite=Strict" && ! echo "$h" | grep -qi secure' _ "$url" "$token"
start_collector proxied --rate 0 --trust-proxy
check "behind --trust-proxy: Secure when X-Forwarded-Proto is https, not when http" bash -c '
	s=$(curl -s -o /dev/null -D - -H "X-Forwarded-Proto: https" "http://127.0.0.1:$1/?token=$2" | grep -i "^Set-Cookie:")
	p=$(curl -s -o /dev/null -D - -H "X-Forwarded-Proto: http" "http://127.0.0.1:$1/?token=$2" | grep -i "^Set-Cookie:")
	echo "$s" | grep -q "HttpOnly; SameSite=Strict; Secure" && ! echo "$p" | grep -qi secure' _ "$port_proxied" "$token"
kill "$pid_proxied"
check "the default data directory is /var/lib/openwer-collector" bash -c '"$1" --help | grep -q "(/var/lib/openwer-collector)"' _ "$collector"

# ---- refusals
status() { # CURL ARGS...: the HTTP status
	curl -s -o "$work/answer" -w '%{http_code}' "$@"
}
ct=$(python3 "$here/mkbody.py" "$work/ok" "$r_null")
n_before_refusals=$(q limit=1000)
check "no ingest key: 401" test "$(status -H "Content-Type: $ct" --data-binary @"$work/ok" "$url/api/minidump")" = 401
check "an unknown ingest key: 403" \
	test "$(status -H "Content-Type: $ct" --data-binary @"$work/ok" "$url/api/minidump?api_key=nosuchkey0123456")" = 403
check "the key in an X-API-Key header: 200" \
	test "$(status -H "X-API-Key: $key" -H "Content-Type: $ct" --data-binary @"$work/ok" "$url/api/minidump")" = 200
check "not multipart: 400 with a message" bash -c \
	'[ "$(curl -s -o "$1" -w "%{http_code}" -d x=1 "$2/api/minidump?api_key=$3")" = 400 ] && grep -q multipart "$1"' \
	_ "$work/answer" "$url" "$key"
printf -- '--B\r\nContent-Disposition: form-data; name="prod"\r\n\r\nx\r\n--B--\r\n' >"$work/nodump"
check "no upload_file_minidump: 400" \
	test "$(status -H 'Content-Type: multipart/form-data; boundary=B' --data-binary @"$work/nodump" "$url/api/minidump?api_key=$key")" = 400
printf -- '--B\r\nContent-Disposition: form-data; name="upload_file_minidump"; filename="x"\r\n\r\nnot a minidump\r\n--B--\r\n' >"$work/baddump"
check "a minidump that is not one: 400" \
	test "$(status -H 'Content-Type: multipart/form-data; boundary=B' --data-binary @"$work/baddump" "$url/api/minidump?api_key=$key")" = 400
printf -- '--B\r\nContent-Disposition: form-data; name="upload_file_minidump"; filename="x"\r\n\r\nMDMP' >"$work/trunc"
check "a truncated multipart body: 400" \
	test "$(status -H 'Content-Type: multipart/form-data; boundary=B' --data-binary @"$work/trunc" "$url/api/minidump?api_key=$key")" = 400
check "a body that is not gzip with Content-Encoding: gzip: 400" \
	test "$(status -H "Content-Type: $ct" -H 'Content-Encoding: gzip' --data-binary @"$work/ok" "$url/api/minidump?api_key=$key")" = 400
head -c $((21 * 1024 * 1024)) /dev/zero >"$work/big"
check "a body over --max-body (20 MiB default): 413" \
	test "$(status -H "Content-Type: $ct" --data-binary @"$work/big" "$url/api/minidump?api_key=$key")" = 413
gzip -c "$work/big" >"$work/bomb"
check "a small gzip body inflating past --max-body: 413" \
	test "$(status -H "Content-Type: $ct" -H 'Content-Encoding: gzip' --data-binary @"$work/bomb" "$url/api/minidump?api_key=$key")" = 413
check "a chunked body over --max-body: 413" \
	test "$(status -H "Content-Type: $ct" -H 'Transfer-Encoding: chunked' --data-binary @"$work/big" "$url/api/minidump?api_key=$key")" = 413
check "no read token: 401 on the API and the pages" \
	test "$(status "$url/api/buckets")/$(status "$url/")" = 401/401
check "a page without a token is a sign-in form (HTML, 401), the API stays JSON; a wrong token is said" bash -c '
	curl -s -D "$2/signin.h" "$1/buckets/1" >"$2/signin.html"
	grep -qi "^Content-Type: text/html" "$2/signin.h" &&
	grep -q "<form method=\"get\" action=\"/buckets/1\"><label>Read token <input type=\"password\" name=\"token\"" "$2/signin.html" &&
	! grep -q "id=\"unknown\"" "$2/signin.html" &&
	curl -s "$1/?token=not-a-token-0123456789" | grep -q "id=\"unknown\"" &&
	curl -s -D - -o /dev/null "$1/api/buckets" | grep -qi "^Content-Type: application/json"' _ "$url" "$work"
check "a read token in ?token=: 200" test "$(status "$url/api/buckets?token=$token")" = 200
check "nothing refused was stored (only the X-API-Key upload)" test "$(q limit=1000)" = $((n_before_refusals + 1))
start_collector limited --rate 0.2 --burst 3
check "rate limit per key: the 4th upload at once is 429 with Retry-After" bash -c '
	for i in 1 2 3 4; do
		curl -s -o /dev/null -D "$1.h$i" -w "%{http_code}\n" -H "Content-Type: $2" --data-binary @"$3" \
			"http://127.0.0.1:$4/api/minidump?api_key=$5"
	done | tr "\n" " " | grep -q "^200 200 200 429 $" && grep -qi "^Retry-After: [0-9]" "$1.h4"' \
	_ "$work/rate" "$ct" "$work/ok" "$port_limited" "$key"
kill "$pid_limited"

# ---- SIGKILL mid-ingest: nothing acknowledged is lost, nothing partial kept
# Four loaders upload without pause; the collector is killed once six
# uploads are acknowledged (60 s at most), others in flight; the loaders
# stop when their upload in flight ends (refused, or cut by the kill).
before=$(q limit=1000)
ack=$work/acked
: >"$ack"
python3 "$here/mkbody.py" "$work/kbody" "$r_null" >"$work/kct"
loader() { # acknowledged ids appended to $ack
	while [ ! -e "$work/stop-loaders" ]; do
		out=$(curl -s -H "Content-Type: $(cat "$work/kct")" --data-binary @"$work/kbody" \
			"$url/api/minidump?api_key=$key") || continue
		case $out in CrashID=bp-*) echo "${out#CrashID=bp-}" >>"$ack" ;; esac
	done
}
acknowledged() { # N: at least N uploads acknowledged
	[ "$(wc -l <"$ack")" -ge "$1" ]
}
loaders=()
for _ in 1 2 3 4; do
	loader &
	loaders+=($!)
done
wait_until 60 acknowledged 6
kill -9 "$pid_main"
: >"$work/stop-loaders"
wait "${loaders[@]}" 2>/dev/null
acked=$(wc -l <"$ack")
start_collector main --rate 0 --max-attachments 100K
url=http://127.0.0.1:$port_main
check "SIGKILL mid-ingest ($acked acknowledged): every acknowledged report is there" python3 -c '
import json, subprocess, sys
url, tok, ack = sys.argv[1:]
ids = [l.strip() for l in open(ack) if l.strip()]
assert len(ids) > 5, "too few uploads before the kill"
got = {r["id"] for r in json.loads(subprocess.run(["curl", "-sf", "-H", "Authorization: Bearer " + tok,
    url + "/api/reports?limit=1000"], capture_output=True, check=True).stdout)}
missing = [i for i in ids if i not in got]
assert not missing, missing
' "$url" "$token" "$ack"
check "after the restart: one dump file per report row, no temporary files" python3 -c '
import json, os, subprocess, sys
url, tok, data = sys.argv[1:]
rows = json.loads(subprocess.run(["curl", "-sf", "-H", "Authorization: Bearer " + tok,
    url + "/api/reports?limit=1000"], capture_output=True, check=True).stdout)
files = set()
for d, _, fs in os.walk(os.path.join(data, "dumps")):
    files |= {f[:-4] for f in fs if f.endswith(".dmp")}
ids = {r["id"] for r in rows if r["project"] != "hosts"}  # hosts: --blobs database
assert files == ids, ("files without rows", files - ids, "rows without files", ids - files)
assert not os.listdir(os.path.join(data, "tmp")), os.listdir(os.path.join(data, "tmp"))
b = json.loads(subprocess.run(["curl", "-sf", "-H", "Authorization: Bearer " + tok, url + "/api/buckets?limit=1000"],
                              capture_output=True, check=True).stdout)
assert sum(x["count"] for x in b) == len(rows), (sum(x["count"] for x in b), len(rows))
' "$url" "$token" "$data"

# ---- two collectors on one database, ingesting at once
start_collector second --rate 0
url2=http://127.0.0.1:$port_second
n_before=$(q limit=1000)
both=$work/both
: >"$both"
burst() { # URL N: N uploads, acknowledged ids appended to $both
	for _ in $(seq "$2"); do
		out=$(curl -s -H "Content-Type: $(cat "$work/kct")" --data-binary @"$work/kbody" "$1/api/minidump?api_key=$key")
		case $out in CrashID=bp-*) echo "${out#CrashID=bp-}" >>"$both" ;; *) echo "FAILED $out" >>"$both" ;; esac
	done
}
burst "$url" 40 &
b1=$!
burst "$url2" 40 &
b2=$!
burst "$url" 40 &
b3=$!
burst "$url2" 40 &
b4=$!
wait $b1 $b2 $b3 $b4
check "two collectors, 160 uploads at once: all acknowledged, no duplicate, none lost" python3 -c '
import json, subprocess, sys
url, tok, both, before = sys.argv[1:]
lines = [l.strip() for l in open(both) if l.strip()]
assert len(lines) == 160 and not [l for l in lines if l.startswith("FAILED")], [l for l in lines if l.startswith("FAILED")][:3]
assert len(set(lines)) == 160
rows = json.loads(subprocess.run(["curl", "-sf", "-H", "Authorization: Bearer " + tok,
    url + "/api/reports?limit=1000"], capture_output=True, check=True).stdout)
ids = [r["id"] for r in rows]
assert len(ids) == len(set(ids)) == int(before) + 160, (len(ids), before)
assert set(lines) <= set(ids)
b = json.loads(subprocess.run(["curl", "-sf", "-H", "Authorization: Bearer " + tok, url + "/api/buckets?limit=1000"],
                              capture_output=True, check=True).stdout)
assert sum(x["count"] for x in b) == len(ids), "bucket counts drifted"
' "$url2" "$token" "$both" "$n_before"

check "a restarted collector keeps the schema (version 3) and its data" \
	grep -q "listening" "$work/second.log"
# ---- PostgreSQL restarted under a running collector
if [ "$backend" = postgresql ]; then
	"${as_pg[@]}" "$pgbin/pg_ctl" -D "$pgdir/data" -m immediate -w -t 30 \
		-o "-k $pgdir -p $pgport -c listen_addresses= -c max_connections=50" restart >/dev/null 2>&1
	check "after PostgreSQL restarted: the collector reconnects, the next upload is stored" bash -c '
		out=$(curl -s -H "Content-Type: $(cat "$1")" --data-binary @"$2" "$3/api/minidump?api_key=$4")
		case $out in CrashID=bp-*) ;; *) echo "$out"; exit 1 ;; esac
		curl -sf -H "Authorization: Bearer $5" "$3/api/reports/${out#CrashID=bp-}" >/dev/null' \
		_ "$work/kct" "$work/kbody" "$url" "$key" "$token"
fi

# ---- the schema's version, and a version 2 database migrated
if [ "$backend" = sqlite ]; then
	check "schema_version holds 5; a database from a newer collector is refused" bash -c '
		cp "$1/collector.db" "$2/newer.db" &&
		{ [ ! -f "$1/collector.db-wal" ] || cp "$1/collector.db-wal" "$2/newer.db-wal"; } &&
		python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); v=c.execute(\"select max(version) from schema_version\").fetchone()[0]; assert v == 5, v; c.execute(\"insert into schema_version values (99)\"); c.commit()" "$2/newer.db" &&
		! "$3" --data "$2/d2" --db "sqlite://$2/newer.db" key list 2>"$2/newer.err" &&
		grep -q "schema version 99" "$2/newer.err"' _ "$data" "$work" "$collector"
fi
python3 "$here/olddb.py" "$backend" >"$work/v2.sql"
if [ "$backend" = sqlite ]; then
	v2db="sqlite://$work/v2.db"
	python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.executescript(open(sys.argv[2]).read()); c.commit()' \
		"$work/v2.db" "$work/v2.sql"
	sql() { python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1])
for r in c.execute(sys.argv[2]): print("\t".join(str(x) for x in r))' "$work/v2.db" "$1"; }
else
	v2db="postgresql:///v2?host=$pgdir&port=$pgport&user=wer"
	"$pgbin/psql" "$db" -XAtq -c "CREATE DATABASE v2" && "$pgbin/psql" "$v2db" -XAtq -f "$work/v2.sql"
	sql() { "$pgbin/psql" "$v2db" -XAt -F "	" -c "$1"; }
fi
hash_of() { printf %s "$1" | sha256sum | cut -c1-64; }
migrated_keys() {
	"$collector" --data "$work/v2data" --db "$v2db" key list >/dev/null || return 1
	[ "$(sql "SELECT max(version) FROM schema_version")" = 5 ] &&
		[ "$(sql "SELECT key_hash, project FROM ingest_keys ORDER BY project" | tr "\n\t" "  ")" = \
			"$(hash_of plainkey-alpha-0123456789) alpha $(hash_of plainkey-beta-0123456789) beta " ] &&
		[ "$(sql "SELECT token_hash, admin FROM read_tokens" | tr "\t" " ")" = "$(hash_of plaintoken-0123456789abc) 1" ]
}
check "a version 2 database is migrated to version 5: keys and the token hashed, the token admin" migrated_keys
check "... its bucket of two projects split in two, each report in its project's, counts kept" \
	test "$(sql "SELECT b.project, b.count, count(r.id), min(r.id) FROM buckets b JOIN reports r ON r.bucket_id = b.id GROUP BY b.id, b.project, b.count ORDER BY b.project" | tr "\n\t" "  ")" = "alpha 2 2 r1 beta 1 1 r3 "
check "... its symbols kept as every project's (project '')" test "$(sql "SELECT project, build_id FROM symbols" | tr "\t" " ")" = " abcd"
if [ "$backend" = sqlite ]; then
	check "... no plain key or token left in its files" bash -c '! grep -rqF -e plainkey-alpha -e plainkey-beta -e plaintoken "$1"/v2.db*' _ "$work"
fi
"$collector" --listen 127.0.0.1:0 --port-file "$work/v2.port" --data "$work/v2data" --db "$v2db" 2>>"$work/v2.log" &
pids+=($!)
wait_until 30 test -s "$work/v2.port"
check "... the old key still sends reports, the old token reads both projects" bash -c '
	u=http://127.0.0.1:$(cat "$1")
	out=$(curl -s -H "Content-Type: $(cat "$2")" --data-binary @"$3" "$u/api/minidump?api_key=plainkey-alpha-0123456789")
	case $out in CrashID=bp-*) ;; *) echo "$out"; exit 1 ;; esac
	curl -sf -H "Authorization: Bearer plaintoken-0123456789abc" "$u/api/buckets" | python3 -c "import json,sys
assert {b[\"project\"] for b in json.load(sys.stdin)} == {\"alpha\", \"beta\"}"' _ "$work/v2.port" "$work/kct" "$work/kbody"
kill $! 2>/dev/null

# ---- openwer's own client, and a report sent without a minidump
n=$(q limit=1000)
if "$wer" submit --help >/dev/null 2>&1; then
	mkdir -p "$work/submitstore/ReportQueue"
	cp -r "$r_fpe" "$work/submitstore/ReportQueue/"
	check "wer submit --url to the collector: one more report, its metadata kept" bash -c '
		WER_REPORT_DIR=$1 "$2" submit --url "$3/api/minidump?api_key=$4" --all &&
		[ "$(curl -sf -H "Authorization: Bearer $5" "$3/api/reports?limit=1000&project=demo&signal=SIGFPE&meta.Build=nightly-42" |
			python3 -c "import json,sys; print(len(json.load(sys.stdin)))")" = 2 ]' \
		_ "$work/submitstore" "$wer" "$url" "$key" "$token"
	n=$((n + 1))
else
	skip "wer submit --url to the collector" "wer submit is not in this build (main has it); uploads use curl"
fi
python3 - "$r_abort/Report.wer" "$work/params" >"$work/params.ct" <<'PY'
import sys, uuid
text = open(sys.argv[1], "rb").read()
b = uuid.uuid4().hex
body = (b"--" + b.encode() + b'\r\nContent-Disposition: form-data; name="Build"\r\n\r\nparams-only\r\n' +
        b"--" + b.encode() + b'\r\nContent-Disposition: form-data; name="Report.wer"; filename="Report.wer"\r\n'
        b"Content-Type: text/plain\r\n\r\n" + text + b"\r\n--" + b.encode() + b"--\r\n")
open(sys.argv[2], "wb").write(body)
print("multipart/form-data; boundary=" + b)
PY
check "parameters only (Report.wer, no minidump, as ConsentLevel 2 sends): bucketed by its signature" python3 -c '
import json, subprocess, sys
url, tok, key, ct, body, n = sys.argv[1:]
out = subprocess.run(["curl", "-sf", "-H", "Content-Type: " + ct, "--data-binary", "@" + body,
                      url + "/api/minidump?api_key=" + key], capture_output=True, text=True, check=True).stdout
assert out.startswith("CrashID=bp-"), out
rid = out.strip()[len("CrashID=bp-"):]
get = lambda p: subprocess.run(["curl", "-s", "-w", "%{http_code}", "-H", "Authorization: Bearer " + tok, url + p],
                               capture_output=True, text=True).stdout
r = json.loads(get("/api/reports/" + rid)[:-3])
assert r["signal"] == 6 and r["fault_module"].startswith("libc.so") and r["metadata"]["Build"] == "params-only", r
assert get("/api/reports/" + rid + "/minidump").endswith("404")
rows = json.loads(get("/api/reports?limit=1000")[:-3])
assert len(rows) == int(n) + 1, (len(rows), n)
' "$url" "$token" "$key" "$(cat "$work/params.ct")" "$work/params" "$n"

check "bytes that are not UTF-8 (in prod, a metadata value, stack.txt): the report is kept, each such byte as U+FFFD" python3 -c '
import json, subprocess, sys, uuid
url, tok, key, report = sys.argv[1:5]
b = uuid.uuid4().hex.encode()
part = lambda head, data: b"--" + b + b"\r\nContent-Disposition: form-data; " + head + b"\r\n\r\n" + data + b"\r\n"
body = (part(b"name=\"prod\"", b"ap\xc3") + part(b"name=\"Bad\"", b"a\xffb") +
        part(b"name=\"upload_file_minidump\"; filename=\"x.dmp\"", open(report + "/minidump.mdmp", "rb").read()) +
        part(b"name=\"stack.txt\"; filename=\"stack.txt\"", b"Thread 1 (crashed)\n#0  0x1000 in f\xfe () from /x\n") +
        b"--" + b + b"--\r\n")
out = subprocess.run(["curl", "-s", "-H", "Content-Type: multipart/form-data; boundary=" + b.decode(), "--data-binary", "@-",
                      url + "/api/minidump?api_key=" + key], input=body, capture_output=True, check=True).stdout.decode()
assert out.startswith("CrashID=bp-"), out
r = json.loads(subprocess.run(["curl", "-sf", "-H", "Authorization: Bearer " + tok, url + "/api/reports/" + out.strip()[11:]],
                              capture_output=True, check=True).stdout)
assert r["application"] == "ap\ufffd" and r["metadata"]["Bad"] == "a\ufffdb" and "f\ufffd ()" in r["client_stack"], r
' "$url" "$token" "$key" "$r_null"
# ---- the walk with a Breakpad .sym file's STACK CFI records: a project
# that uploads only the program's .sym (dump_syms' output).
tools=${MINIDUMP_TOOLS:-$("$here/../../scripts/minidump-tools.sh" 2>/dev/null)} || tools=""
key_sym=$("$collector" --data "$data" --db "$db" key add symcfi) || exit 1
skey_sym=$("$collector" --data "$data" --db "$db" symbol-key add symcfi) || exit 1
check "a project with the program's .sym only (STACK CFI): its dump without stack.txt, scanned, is walked with it on upload, frames named" python3 -c '
import json, subprocess, sys
sys.path.insert(0, sys.argv[7])
import wait_job
url, tok, skey, tools, program, rid = sys.argv[1:7]
get = lambda: json.loads(subprocess.run(["curl", "-sf", "-H", "Authorization: Bearer " + tok, url + "/api/reports/" + rid],
                                        capture_output=True, check=True).stdout)
before = get()["stack"]
assert any(f.get("scanned") for f in before), before  # no symbols yet: scanned
sym = subprocess.run([tools + "/dump_syms", program], capture_output=True, check=True).stdout
assert b"STACK CFI INIT" in sym
up = json.loads(subprocess.run(["curl", "-sf", "-H", "Authorization: Bearer " + skey, "--data-binary", "@-",
                                url + "/api/symbols"], input=sym, capture_output=True, check=True).stdout)
assert up["kind"] == "sym", up
wait_job.wait(url, tok, up["reprocess_job"])
s = get()["stack"]
assert all(f.get("walked") and not f.get("scanned") for f in s), s
assert [f["function"].split("+")[0] for f in s[:3]] == ["crash_null_write", "crash_noisy", "main"], s
' "$url" "$token" "$skey_sym" "$tools" "$program" "$(upload_as "$key_sym" "${noisy[1]}" --no-wer)" "$here"
check "bucket_meta agrees with the reports after everything above (moves, deletions, tenants, kills)" \
	test "$(main_sql "SELECT count(*) FROM (SELECT r.bucket_id, m.key, m.value, count(*) AS n FROM report_meta m JOIN reports r ON r.id = m.report_id GROUP BY r.bucket_id, m.key, m.value) c FULL OUTER JOIN bucket_meta b ON b.bucket_id = c.bucket_id AND b.key = c.key AND b.value = c.value WHERE b.n IS NULL OR c.n IS NULL OR b.n <> c.n")" = 0
check "... meta_counts agrees" \
	test "$(main_sql "SELECT count(*) FROM (SELECT r.project, m.key, m.value, count(*) AS n FROM report_meta m JOIN reports r ON r.id = m.report_id GROUP BY r.project, m.key, m.value) c FULL OUTER JOIN meta_counts a ON a.project = c.project AND a.key = c.key AND a.value = c.value WHERE a.n IS NULL OR c.n IS NULL OR a.n <> c.n")" = 0
check "... bucket_days (the sparklines) agrees" \
	test "$(main_sql "SELECT count(*) FROM (SELECT bucket_id, received / 86400 AS day, count(*) AS n FROM reports GROUP BY bucket_id, received / 86400) c FULL OUTER JOIN bucket_days d ON d.bucket_id = c.bucket_id AND d.day = c.day WHERE d.n IS NULL OR c.n IS NULL OR d.n <> c.n")" = 0
check "... report_meta's project and time are its report's" \
	test "$(main_sql "SELECT count(*) FROM report_meta m JOIN reports r ON r.id = m.report_id WHERE m.project <> r.project OR m.received <> r.received")" = 0

check "every column the collectors read is in its query's result (no \"no column\" in their logs)" \
	bash -c 'grep -h "no column" "$@"; [ $? = 1 ]' _ "$work"/*.log

totals "# $backend: "
