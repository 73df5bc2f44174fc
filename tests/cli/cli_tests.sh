#!/bin/bash
# SPDX-License-Identifier: MIT
# cli_tests.sh WER WERFAULT CRASH_PROGRAM - `wer list` and `wer show` on
# reports of real crashes, plus hand-made damaged reports.
set -u
wer=$(realpath "$1") werfault=$(realpath "$2") program=$(realpath "$3")
store=$(mktemp -d "${TMPDIR:-/tmp}/openwer-cli.XXXXXX") || exit 2
trap 'rm -rf "$store"' EXIT
export WER_REPORT_DIR=$store WER_HANDLER=$werfault
unset WER_DISABLE LD_PRELOAD
ulimit -S -c 0

. "$(dirname "$0")/../check.sh"

# Three crashes; werfault finishes after the process dies: wait for each
# report, then for the clock's next second (distinct EventTime seconds,
# so the order is the crashes').
queue_longer() { # COUNT: ReportQueue holds more than COUNT entries
	[ "$(ls "$store/ReportQueue" 2>/dev/null | wc -l)" -gt "$1" ]
}
for mode in null abort fpe; do
	before=$(ls "$store/ReportQueue" 2>/dev/null | wc -l)
	"$program" "$mode" >/dev/null 2>&1
	wait_until 5 queue_longer "$before"
	wait_until 5 later_than "$(date +%s)"
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
crash_wait() { # MODE: crash and wait until its werfault is done
	local pid
	"$program" "$1" >/dev/null 2>"$store/last-err" &
	pid=$!
	wait $pid
	wait_until 5 no_werfault_for $pid
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
crash_wait null
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

# Two processes crashing at the same moment: two intact reports.
"$program" null >/dev/null 2>&1 &
pid1=$!
"$program" fpe >/dev/null 2>&1 &
pid2=$!
wait $pid1 $pid2
both_done() { queue_longer 1 && no_werfault_for $pid1 $pid2; }
wait_until 5 both_done
check "two processes crashing at once: two intact reports, each with its dump" python3 -c '
import json, subprocess, sys
d = json.loads(subprocess.run([sys.argv[1], "list", "--json"], capture_output=True, check=True).stdout)
assert len(d) == 2 and not any(r["damaged"] for r in d), d
sigs = set()
for r in d:
    s = json.loads(subprocess.run([sys.argv[1], "show", "--json", r["id"]], capture_output=True, check=True).stdout)
    assert s["minidump"] and s["metadata"]["Build"] == "nightly-42", s
    sigs.add(s["minidump"]["signal"])
assert sigs == {11, 8}, sigs
' "$wer"

# export: one tar.gz holding every file of the report, byte for byte.
id=$("$wer" list --json | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["id"])')
out=$store/out
mkdir -p "$out"
check "wer export ID -o FILE: a tar.gz with every file of the report, byte for byte" bash -c '
	"$0" export -o "$2/r.tar.gz" "$3" >/dev/null && mkdir -p "$2/x" && tar -xzf "$2/r.tar.gz" -C "$2/x" &&
	[ "$(ls "$2/x/$3" | wc -l)" = "$(ls "$1/ReportQueue/$3" | wc -l)" ] &&
	for f in "$1/ReportQueue/$3"/*; do cmp "$f" "$2/x/$3/$(basename "$f")" || exit 1; done' \
	"$wer" "$store" "$out" "$id"
check "wer export of no such report: exit 1, no file" bash -c '
	"$0" export -o "$1/none.tar.gz" nosuch; [ $? = 1 ] && [ ! -e "$1/none.tar.gz" ]' "$wer" "$out"
check "wer export into a directory that does not exist: exit 3" bash -c '
	"$0" export -o "$1/no/such/dir/r.tar.gz" latest; [ $? = 3 ]' "$wer" "$out"

# submit: a local receiver checks every field of the upload.
receiver() { # FAIL_COUNT [STATUS]: starts one; sets url and log
	receivers=$((${receivers:-0} + 1))
	log=$store/receiver-$receivers.log
	rm -f "$store/port"
	python3 "$(dirname "$0")/receiver.py" "$store/port" "$log" "$@" &
	receiver_pid=$!
	for _ in $(seq 100); do [ -s "$store/port" ] && break; sleep 0.05; done
	url="http://127.0.0.1:$(cat "$store/port")/api/minidump?api_key=secret-key"
}
check "wer submit without a URL: exit 2" bash -c '"$0" submit --all; [ $? = 2 ]' "$wer"
receiver 2 503
export WER_SUBMIT_BACKOFF_MS=50
check "wer submit ID: a receiver answering 503 twice then 200 gets it once" bash -c '
	"$0" submit --url "$1" "$2" >"$3/submit.out" 2>&1 &&
	[ "$(grep -c "\"status\": 200" "$4")" = 1 ] && [ "$(wc -l <"$4")" = 3 ]' "$wer" "$url" "$id" "$store" "$log"
kill $receiver_pid
check "the upload: every multipart field, metadata byte for byte, the files whole" python3 -c '
import hashlib, json, sys
log, store, rid = sys.argv[1:4]
entry = [json.loads(l) for l in open(log)][-1]
assert entry["path"] == "/api/minidump?api_key=secret-key", entry["path"]
parts = {p["name"]: p for p in entry["parts"]}
rdir = store + "/ReportArchive/" + rid
def sha(f): return hashlib.sha256(open(rdir + "/" + f, "rb").read()).hexdigest()
dump = parts["upload_file_minidump"]
assert dump["filename"] == rid + ".mdmp" and dump["type"] == "application/octet-stream"
assert dump["sha256"] == sha("minidump.mdmp"), "minidump differs"
assert parts["Report.wer"]["filename"] == "Report.wer" and parts["Report.wer"]["sha256"] == sha("Report.wer")
assert parts["stack.txt"]["sha256"] == sha("stack.txt")
assert parts["prod"]["text"] == "crash_program" and parts["ver"]["text"] == "unknown"
assert parts["guid"]["text"] == open(store + "/ClientId").read().strip() and len(parts["guid"]["text"]) == 36
assert parts["Build"]["text"] == "nightly-42"
assert parts["Escapes"]["text"] == "<a & \"b\">"
assert parts["Path"]["text"] == "C:\\Temp\\it\x27s", parts["Path"]["text"]
assert parts["\u00dcbersetzung"]["text"] == "de-DE"
assert entry["user_agent"].startswith("openwer/")
assert set(parts) == {"upload_file_minidump", "Report.wer", "stack.txt", "prod", "ver", "guid",
                      "Build", "Escapes", "Path", "\u00dcbersetzung"}, set(parts)
' "$log" "$store" "$id"
check "a report sent moves to the archive with the server's answer; the URL's key is not kept" bash -c '
	u=$1/ReportArchive/$2/Upload.wer
	[ ! -e "$1/ReportQueue/$2" ] && grep -qx "ServerAnswer=CrashID=bp-3" "$u" && grep -qx "HttpStatus=200" "$u" &&
	grep -qx "Attempts=3" "$u" && ! grep -q secret-key "$u" &&
	"$0" list --sent | grep -q "$2" && ! "$0" list --queued | grep -q "$2" &&
	"$0" show "$2" | grep -q "Sent at .*HTTP 200, CrashID=bp-3"' "$wer" "$store" "$id"
check "wer list --json says sent, with the answer" python3 -c '
import json, subprocess, sys
d = {r["id"]: r for r in json.loads(subprocess.run([sys.argv[1], "list", "--json"], capture_output=True, check=True).stdout)}
r = d[sys.argv[2]]
assert r["state"] == "sent" and r["upload"]["answer"] == "CrashID=bp-3" and r["upload"]["http_status"] == 200, r
assert all(x["state"] == "queued" for k, x in d.items() if k != sys.argv[2])
' "$wer" "$id"
check "wer submit of a report sent already: exit 1" bash -c '"$0" submit --url http://127.0.0.1:1/ "$1"; [ $? = 1 ]' "$wer" "$id"
other=$("$wer" list --queued --json | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["id"])')
receiver 100 400
check "a 400 answer: exit 4, no retry, the report stays queued" bash -c '
	"$0" submit --url "$1" --all; [ $? = 4 ] && [ "$(wc -l <"$3")" = 1 ] && [ -d "$2/ReportQueue/$4" ]' \
	"$wer" "$url" "$store" "$log" "$other"
kill $receiver_pid
check "no server at all: retried, exit 4, the report stays queued" bash -c '
	out=$("$0" submit --retries 2 --url http://127.0.0.1:9/ --all 2>&1); [ $? = 4 ] &&
	[ "$(printf "%s\n" "$out" | grep -c retrying)" = 2 ] && [ -d "$1/ReportQueue/$2" ]' "$wer" "$store" "$other"
# TLS: verified by default; --cacert adds a CA.
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
	-keyout "$store/key.pem" -out "$store/cert.pem" >/dev/null 2>&1
receiver 0 503 "$store/cert.pem" "$store/key.pem"
tls_url=${url/http:/https:}
check "https with a self-signed certificate: refused, not retried, exit 4, still queued" bash -c '
	out=$("$0" submit --url "$1" "$2" 2>&1); [ $? = 4 ] && ! printf "%s\n" "$out" | grep -q retrying &&
	[ ! -s "$3" ] && [ -d "$4/ReportQueue/$2" ]' "$wer" "$tls_url" "$other" "$log" "$store"
check "https with --cacert naming its CA: sent" bash -c '
	"$0" submit --cacert "$3/cert.pem" --url "$1" "$2" | grep -q "sent, HTTP 200" &&
	[ -d "$3/ReportArchive/$2" ]' "$wer" "$tls_url" "$other" "$store"
kill $receiver_pid
crash_wait ill
other=$("$wer" list --queued --json | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["id"])')
# Consent: 2 sends the parameters only; 3 the mini dump too; 4 files too.
printf 'notes\n' >"$store/ReportQueue/$other/File0-notes.txt"
receiver 0
check "ConsentLevel=2: no dump, no files, Report.wer with the parameters only; says what it left out" bash -c '
	out=$(WER_CONSENT=2 "$0" submit --url "$1" "$3") && printf "%s\n" "$out" | grep -q "left out (ConsentLevel=2): .*minidump.mdmp" &&
	python3 -c "
import json, sys
e = [json.loads(l) for l in open(sys.argv[1])][-1]
p = {x[\"name\"]: x for x in e[\"parts\"]}
assert \"upload_file_minidump\" not in p and \"File0-notes.txt\" not in p and \"stack.txt\" not in p, set(p)
w = p[\"Report.wer\"][\"text\"]
assert \"Sig[0].Value=crash_program\" in w and \"CustomMetadata[0].Value=nightly-42\" in w, w
assert \"CommandLine\" not in w and \"LoadedModule\" not in w and p[\"Build\"][\"text\"] == \"nightly-42\"
" "$2"' "$wer" "$url" "$log" "$other"
crash_wait null
crash_wait abort
ids=$("$wer" list --queued --json | python3 -c 'import json, sys; print(" ".join(r["id"] for r in json.load(sys.stdin)))')
for i in $ids; do printf 'notes\n' >"$store/ReportQueue/$i/File0-notes.txt"; done
set -- $ids
check "ConsentLevel=3: the mini dump and stack.txt, not the attached file" bash -c '
	out=$(WER_CONSENT=3 "$0" submit --url "$1" "$3") && printf "%s\n" "$out" | grep -q "left out (ConsentLevel=3): File0-notes.txt" &&
	python3 -c "
import json, sys
p = {x[\"name\"] for x in [json.loads(l) for l in open(sys.argv[1])][-1][\"parts\"]}
assert {\"upload_file_minidump\", \"stack.txt\", \"Report.wer\"} <= p and \"File0-notes.txt\" not in p, p
" "$2"' "$wer" "$url" "$log" "$1"
check "ConsentLevel=4: the attached file too; MaxArchiveCount=2 keeps the two newest sent" bash -c '
	out=$(WER_CONSENT=4 WER_MAX_ARCHIVE_COUNT=2 "$0" submit --url "$1" "$3") && ! printf "%s\n" "$out" | grep -q "left out" &&
	python3 -c "
import json, sys
p = {x[\"name\"]: x for x in [json.loads(l) for l in open(sys.argv[1])][-1][\"parts\"]}
assert p[\"File0-notes.txt\"][\"text\"] == \"notes\\n\" and \"upload_file_minidump\" in p, p
" "$2" && [ "$(ls "$4/ReportArchive" | wc -l)" = 2 ] && [ -d "$4/ReportArchive/$3" ]' "$wer" "$url" "$log" "$2" "$store"
# ConsentLevel 2..4 with an UploadURL: sent without asking, right after
# the crash, by a detached `wer submit`.
WER_CONSENT=3 WER_UPLOAD_URL=$url WER_CLI=$wer "$program" null >/dev/null 2>&1
auto=""
for _ in $(seq 100); do
	auto=$(grep -l "^HttpStatus=200" "$store"/ReportArchive/*/Upload.wer 2>/dev/null | xargs -r grep -l "^ConsentLevel=3" | xargs -r grep -L "LeftOut=File0" | head -n1)
	[ -n "$auto" ] && break
	sleep 0.1
done
check "ConsentLevel=3 and UploadURL: the crash is sent automatically and archived" bash -c '
	[ -n "$1" ] && id=$(basename "$(dirname "$1")") && [ ! -e "$2/ReportQueue/$id" ] &&
	tail -n1 "$3" | grep -q "\"filename\": \"$id.mdmp\""' _ "$auto" "$store" "$log"
before=$(wc -l <"$log")
WER_UPLOAD_URL=$url WER_CLI=$wer "$program" null >/dev/null 2>&1 &
pid=$!
wait $pid
# A `wer submit ID` werfault started would be running, or done, once
# werfault is gone.
wait_until 5 no_werfault_for $pid
id1=$(basename "$(ls -d "$store"/Report*/*_"$pid" 2>/dev/null | head -n1)")
check "ConsentLevel=1 (the default): nothing is sent without wer submit" bash -c '
	[ -n "$1" ] && ! pgrep -fx "wer submit $1" >/dev/null && [ "$(wc -l <"$3")" = "$2" ]' _ "$id1" "$before" "$log"
crash_wait null
crash_wait fpe
# Queued now: the ConsentLevel=1 crash and these two.
check "wer submit --all on a terminal: a progress bar, every queued report sent" bash -c '
	out=$(script -qec "\"$0\" submit --all --url \"$1\"" /dev/null) &&
	printf "%s\n" "$out" | grep -q "\[#*  *\] 1/3" && printf "%s\n" "$out" | grep -q "3 of 3 reports sent" &&
	[ -z "$(ls "$2/ReportQueue")" ]' "$wer" "$url" "$store"
kill $receiver_pid

# Uploads that retry themselves (wer submit --pending, what werfault and
# the timer run): one try a report a run, a run stops at the first server
# that does not take reports, each failure is kept in the report and
# doubles its wait (UploadRetrySeconds). --pending sends automatically:
# only at ConsentLevel 2 to 4.
crash_wait null
crash_wait fpe
crash_wait abort
queued_ids() { "$wer" list --queued --json | python3 -c 'import json, sys; print(" ".join(r["id"] for r in json.load(sys.stdin)))'; }
set -- $(queued_ids)
first=$1
receiver 100 503
check "ConsentLevel=1 (ask): --pending sends nothing, exit 0" bash -c '
	out=$("$0" submit --pending --url "$1") && [ "$out" = "No reports due." ] && [ ! -s "$2" ]' "$wer" "$url" "$log"
export WER_CONSENT=3
check "--pending, the server answering 503: one request for three reports, exit 4, the failure kept in the first" bash -c '
	out=$(WER_UPLOAD_RETRY_S=3600 "$0" submit --pending --url "$1" 2>&1); [ $? = 4 ] &&
	printf "%s\n" "$out" | grep -q "2 more not tried this run" && [ "$(wc -l <"$2")" = 1 ] &&
	u=$3/ReportQueue/$4/Upload.wer && grep -qx "FailedAttempts=1" "$u" && grep -q "^LastError=HTTP 503" "$u" &&
	! grep -q secret-key "$u" && [ "$(ls "$3"/ReportQueue/*/Upload.wer | wc -l)" = 1 ]' "$wer" "$url" "$log" "$store" "$first"
check "wer show says when it was tried, why it failed, when it is tried again" bash -c '
	out=$("$0" show "$1") && printf "%s\n" "$out" | grep -q "Not sent: 1 upload failed, the last at .*: HTTP 503" &&
	printf "%s\n" "$out" | grep -q "Tried again automatically from 20"' "$wer" "$first"
check "the wait is an hour (UploadRetrySeconds=3600), in wer list --json too" python3 -c '
import datetime, json, subprocess, sys
d = {r["id"]: r for r in json.loads(subprocess.run([sys.argv[1], "list", "--json"], capture_output=True, check=True).stdout)}
u = d[sys.argv[2]]["upload"]
t = lambda s: datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ")
assert u["failures"] == 1 and u["error"].startswith("HTTP 503"), u
assert (t(u["next_try"]) - t(u["last_try"])).total_seconds() == 3600, u
' "$wer" "$first"
kill $receiver_pid
check "no server at all: one connection failure a run, the breaker stops it" bash -c '
	out=$(WER_UPLOAD_RETRY_S=3600 "$0" submit --pending --url http://127.0.0.1:9/ 2>&1); [ $? = 4 ] &&
	printf "%s\n" "$out" | grep -q "1 more not tried this run" &&
	[ "$(ls "$1"/ReportQueue/*/Upload.wer | wc -l)" = 2 ]' "$wer" "$store"
receiver 0
check "the server back: --pending sends the one report due, once; the two waiting stay queued" bash -c '
	WER_UPLOAD_RETRY_S=3600 "$0" submit --pending --url "$1" >/dev/null && [ "$(wc -l <"$2")" = 1 ] &&
	[ "$(ls "$3/ReportQueue" | wc -l)" = 2 ] && [ -f "$3/ReportQueue/$4/Upload.wer" ]' "$wer" "$url" "$log" "$store" "$first"
check "nothing due: --pending sends nothing, exit 0" bash -c '
	out=$(WER_UPLOAD_RETRY_S=3600 "$0" submit --pending --url "$1") && [ "$out" = "No reports due." ] &&
	[ "$(wc -l <"$2")" = 1 ]' "$wer" "$url" "$log"
kill $receiver_pid
receiver 100 503
check "a second failure doubles the wait (two hours)" bash -c '
	WER_UPLOAD_RETRY_S=3600 "$0" submit --retries 0 --url "$1" "$3"; [ $? = 4 ] &&
	python3 -c "
import datetime, sys
u = dict(l.rstrip(\"\n\").split(\"=\", 1) for l in open(sys.argv[1]))
t = lambda s: datetime.datetime.strptime(s, \"%Y-%m-%dT%H:%M:%SZ\")
assert u[\"FailedAttempts\"] == \"2\" and (t(u[\"NextAttempt\"]) - t(u[\"LastAttempt\"])).total_seconds() == 7200, u
" "$2/ReportQueue/$3/Upload.wer"' "$wer" "$url" "$store" "$first"
kill $receiver_pid
receiver 0
check "once the waits are over (UploadRetrySeconds=0): both sent, each once, archived with the answer" bash -c '
	WER_UPLOAD_RETRY_S=0 "$0" submit --pending --url "$1" >/dev/null && [ "$(wc -l <"$2")" = 2 ] &&
	[ -z "$(ls "$3/ReportQueue")" ] && grep -qx "HttpStatus=200" "$3/ReportArchive/$4/Upload.wer" &&
	! grep -q FailedAttempts "$3/ReportArchive/$4/Upload.wer"' "$wer" "$url" "$log" "$store" "$first"
kill $receiver_pid
check "wer submit takes one of --all, --pending and REPORTs: exit 2" bash -c '
	"$0" submit --all --pending --url http://127.0.0.1:9/; [ $? = 2 ]' "$wer"

# The key out of the settings files: UploadURLFile names a file only its
# owner may read, holding the URL; wer config never prints the key.
crash_wait null
receiver 0
printf '%s\n' "$url" >"$store/upload-url"
chmod 600 "$store/upload-url"
check "UploadURLFile (mode 600): wer config names it as UploadURL's source and hides the key" bash -c '
	out=$(WER_UPLOAD_URL_FILE=$1/upload-url "$0" config) &&
	printf "%s\n" "$out" | grep -q "^UploadURL *= http://127.0.0.1:[0-9]*/api/minidump?api_key=\*\*\* .*(UploadURLFile)" &&
	! printf "%s\n" "$out" | grep -q secret-key' "$wer" "$store"
check "UploadURLFile: wer submit sends to its URL, key and all" bash -c '
	WER_UPLOAD_URL_FILE=$1/upload-url "$0" submit --pending >/dev/null && [ -z "$(ls "$1/ReportQueue")" ] &&
	tail -n1 "$2" | grep -q "\"path\": \"/api/minidump?api_key=secret-key\""' "$wer" "$store" "$log"
kill $receiver_pid
chmod 640 "$store/upload-url"
check "UploadURLFile others may read: refused, named, no UploadURL, exit 3" bash -c '
	out=$(WER_UPLOAD_URL_FILE=$1/upload-url "$0" config 2>&1); [ $? = 3 ] &&
	printf "%s\n" "$out" | grep -q "UploadURLFile .*upload-url: others may read or write it" &&
	printf "%s\n" "$out" | grep -q "^UploadURL *= *(UploadURLFile\|^UploadURL *= *(default"' "$wer" "$store"
chmod 600 "$store/upload-url"
ln -s "$store/upload-url" "$store/upload-link"
check "UploadURLFile through a link: refused" bash -c '
	out=$(WER_UPLOAD_URL_FILE=$1/upload-link "$0" config 2>&1); [ $? = 3 ] &&
	printf "%s\n" "$out" | grep -q "UploadURLFile .*upload-link: "' "$wer" "$store"
unset WER_CONSENT

# Settings per application: [app NAME] sections. Two programs on one
# machine, each sending its crashes to its own receiver, automatically.
cp "$program" "$store/other_prog"
receiver 0
url_a=$url log_a=$log pid_a=$receiver_pid
receiver 0
url_b=$url log_b=$log pid_b=$receiver_pid
mkdir -p "$cfg/openwer"
printf 'ConsentLevel=3\nUploadRetrySeconds=0\n[app crash_program]\nUploadURL=%s\n[app other_prog]\nUploadURL=%s\nDumpType=full\n' \
	"$url_a" "$url_b" >"$cfg/openwer/wer.conf"
export XDG_CONFIG_HOME=$cfg
check "wer config --app NAME: the section's values, and where each came from" bash -c '
	out=$("$0" config --app other_prog) &&
	printf "%s\n" "$out" | grep -q "^UploadURL .*(.*wer.conf:6)" && printf "%s\n" "$out" | grep -q "^DumpType *= 2 .*wer.conf:7)" &&
	out=$("$0" config) && printf "%s\n" "$out" | grep -q "^UploadURL *= *(default)" &&
	printf "%s\n" "$out" | grep -q "^DumpType *= 1 "' "$wer"
check "a section header not [app NAME]: named with its line, exit 3" bash -c '
	mkdir -p "$1/badcfg/openwer" && printf "[nope]\n" >"$1/badcfg/openwer/wer.conf" &&
	out=$(XDG_CONFIG_HOME=$1/badcfg "$0" config 2>&1); [ $? = 3 ] &&
	printf "%s\n" "$out" | grep -q "wer.conf:1: expected \[app NAME\]"' "$wer" "$store"
WER_CLI=$wer "$program" null >/dev/null 2>&1
WER_CLI=$wer "$store/other_prog" null >/dev/null 2>&1
sent_to() { [ "$(grep -c '"status": 200' "$1" 2>/dev/null)" = 1 ]; }
wait_until 30 sent_to "$log_a"
wait_until 30 sent_to "$log_b"
check "two programs, two receivers: each crash sent automatically to its own program's, once" python3 -c '
import json, sys
a = [json.loads(l) for l in open(sys.argv[1])]
b = [json.loads(l) for l in open(sys.argv[2])]
pa = {p["name"]: p for p in a[0]["parts"]}
pb = {p["name"]: p for p in b[0]["parts"]}
assert len(a) == 1 and len(b) == 1, (len(a), len(b))
assert pa["prod"]["text"] == "crash_program" and pb["prod"]["text"] == "other_prog", (pa["prod"], pb["prod"])
' "$log_a" "$log_b"
check "the other program's section asked a full dump (DumpType=full): its report says so" bash -c '
	ls "$1"/ReportArchive/*_other_prog_*/Report.wer >/dev/null 2>&1 &&
	grep -qx "DumpType=full" "$1"/ReportArchive/*_other_prog_*/Report.wer &&
	grep -qx "DumpType=mini" "$(ls -d "$1"/ReportArchive/*_crash_program_* | tail -n1)/Report.wer"' _ "$store"
kill $pid_a $pid_b

# The same two programs setting their own upload URL in code
# (wer_set_report_setting), over the file's top-level UploadURL (a dead
# one); the other one its store and a full dump too. The administrator's
# [policy] then fixes ConsentLevel=1: nothing is sent, whatever the code.
receiver 0
url_a=$url log_a=$log pid_a=$receiver_pid
receiver 0
url_b=$url log_b=$log pid_b=$receiver_pid
printf 'ConsentLevel=3\nUploadRetrySeconds=0\nUploadURL=http://127.0.0.1:9/dead\n' >"$cfg/openwer/wer.conf"
CRASH_NATIVE=2 CRASH_SETTINGS="UploadURL=$url_a&code=code-key-a" WER_CLI=$wer "$program" null >/dev/null 2>&1
CRASH_SETTINGS="UploadURL=$url_b;DumpType=full;Store=$store/code-store" WER_CLI=$wer env -u WER_REPORT_DIR "$store/other_prog" null >/dev/null 2>&1
wait_until 30 sent_to "$log_a"
wait_until 30 sent_to "$log_b"
check "set in code: two programs, two receivers, each crash sent once to its own program's URL" python3 -c '
import json, sys
a = [json.loads(l) for l in open(sys.argv[1])]
b = [json.loads(l) for l in open(sys.argv[2])]
assert len(a) == 1 and len(b) == 1, (len(a), len(b))
pa = {p["name"]: p for p in a[0]["parts"]}
pb = {p["name"]: p for p in b[0]["parts"]}
assert pa["prod"]["text"] == "crash_program" and pb["prod"]["text"] == "other_prog", (pa["prod"], pb["prod"])
assert a[0]["path"].endswith("&code=code-key-a"), a[0]["path"]
# The native table (wer_set_metadata) goes up as the WER pairs do: 256 bytes
# of UTF-8 each, byte for byte.
want = ("N01-" + "\u00fc" * 126).encode("utf-8").decode("latin-1")
assert pa["Native1"]["text"] == want and len(pa["Native1"]["text"]) == 256, pa.get("Native1")
assert pa["Build"]["text"] == "nightly-42", pa["Build"]
for p in a[0]["parts"] + b[0]["parts"]:
    assert p["filename"] != "AppSettings.wer", p
    assert "code-key-a" not in (p["text"] or ""), p["name"]
' "$log_a" "$log_b"
check "set in code: the other program's Store and DumpType=full; AppSettings.wer keeps what it set" bash -c '
	d=$(ls -d "$1"/code-store/ReportArchive/*_other_prog_* | tail -n1) && [ -n "$d" ] &&
	grep -qx "DumpType=full" "$d/Report.wer" && grep -qx "DumpType=2" "$d/AppSettings.wer" &&
	grep -qx "Store=$1/code-store" "$d/AppSettings.wer" &&
	[ "$(stat -c %a "$1/code-store")" = 700 ]' _ "$store"
kill $pid_a $pid_b
# A Store the program cannot have (no directory can be made under /proc):
# said, and the report lands in the default store all the same.
CRASH_SETTINGS="Store=/proc/openwer-nope" XDG_STATE_HOME=$store/state WER_CLI=$wer \
	env -u WER_REPORT_DIR "$store/other_prog" null >/dev/null 2>"$store/nope-err"
wait_until 10 bash -c 'ls "$1"/state/openwer/ReportQueue/*_other_prog_*/Report.wer' _ "$store" >/dev/null 2>&1
check "set in code, a Store that cannot be made: said, and the report is in the default store" bash -c '
	ls "$1"/state/openwer/ReportQueue/*_other_prog_*/AppSettings.wer >/dev/null &&
	grep -q "the application.s Store /proc/openwer-nope: .*; the report goes to the default store" "$1/nope-err"' _ "$store"
# The same without werfault: the crash path's own report goes to the
# default store too.
CRASH_SETTINGS="Store=/proc/openwer-nope" XDG_STATE_HOME=$store/state2 WER_HANDLER=/nonexistent/werfault \
	env -u WER_REPORT_DIR "$store/other_prog" null >/dev/null 2>&1
check "set in code, a Store that cannot be made, no werfault: the crash path's own report is in the default store" bash -c '
	ls "$1"/state2/openwer/ReportQueue/*_other_prog_*/Report.wer >/dev/null' _ "$store"
receiver 0
printf '[app crash_program]\nUploadURL=%s\n' "$url" >"$cfg/openwer/wer.conf"
CRASH_SETTINGS="UploadURL=http://127.0.0.1:9/code;ConsentLevel=4" WER_CLI=$wer "$program" null >/dev/null 2>&1
wait_until 30 sent_to "$log"
check "an [app NAME] section outranks the program's code: sent to the section's URL, once" sent_to "$log"
check "[policy] in a user's file: refused with its line, exit 3" bash -c '
	printf "[policy]\nConsentLevel=1\n" >"$1/openwer/wer.conf" &&
	out=$("$0" config 2>&1); [ $? = 3 ] &&
	printf "%s\n" "$out" | grep -q "wer.conf:1: \[policy\] belongs in /etc/openwer/wer.conf alone"' "$wer" "$cfg"
kill $receiver_pid
unset XDG_CONFIG_HOME
rm -f "$cfg/openwer/wer.conf"
# The store's lock: a crash while `wer` holds it exclusively is not held
# up; its report lands, whole, once the lock is released.
"$wer" rm $("$wer" list --json | python3 -c 'import json, sys; print(" ".join(r["id"] for r in json.load(sys.stdin)))') >/dev/null
# Held until the test writes to the FIFO release.
mkfifo "$store/release"
flock "$store/.lock" sh -c ': >"$1/held"; read _ <"$1/release"' _ "$store" &
flock_pid=$!
wait_until 5 test -e "$store/held"
# lock_waiter PID: process PID's werfault is blocked on the store's lock (a
# "->" line of /proc/locks with its pid and the lock file's inode).
lock_waiter() { # PID
	local w ino
	ino=$(stat -c %i "$store/.lock") || return 1
	for w in $(pgrep -f "werfault .*--pid $1 "); do
		grep -Eq "^[0-9]+: -> FLOCK +ADVISORY +WRITE +$w [0-9a-f]+:[0-9a-f]+:$ino " /proc/locks && return 0
	done
	return 1
}
start=$(date +%s%N)
"$program" null >/dev/null 2>&1 &
pid=$!
wait $pid
took=$((($(date +%s%N) - start) / 1000000))
wait_until 5 lock_waiter $pid
check "a crash while the store is locked: the process dies at once (${took} ms), no report yet" \
	bash -c '[ "$1" -lt 1500 ] && [ -z "$(ls "$2/ReportQueue")" ]' _ "$took" "$store"
echo >"$store/release"
wait $flock_pid
rm -f "$store/release" "$store/held"
queue_filled() { [ -n "$(ls "$store/ReportQueue")" ]; }
wait_until 5 queue_filled
check "... and its report lands once the lock is released" bash -c '"$0" show --json latest | grep -q "\"damaged\": false"' "$wer"

# A full disk and a read-only store (tmpfs mounts in a private mount
# namespace): the process dies as it would without openwer, and no partial
# report is left anywhere.
if unshare -m true 2>/dev/null && unshare -m sh -c "mount -t tmpfs -o size=16k tmpfs '$store'" 2>/dev/null; then
	WER_DISABLE=1 "$program" null >/dev/null 2>&1
	baseline=$?
	limited() { # MOUNT-OPTIONS PREPARE: crash with the store on such a tmpfs
		unshare -m bash -c '
			mkdir -p "$1/lim" && mount -t tmpfs -o size=16k tmpfs "$1/lim" || exit 99
			export WER_REPORT_DIR=$1/lim/store
			eval "$3"
			"$2" null >/dev/null 2>"$1/lim-err" &
			pid=$!
			wait $pid
			echo $? >"$1/lim-status"
			. "$4"
			wait_until 5 no_werfault_for $pid
			cat "$1/lim/store/Trimmed.log" >"$1/lim-trimmed" 2>/dev/null
			find "$1/lim/store" -mindepth 1 -printf "%P\n" | sort >"$1/lim-files"' _ "$store" "$program" "$1" \
			"$(dirname "$0")/../check.sh"
	}
	limited 'mkdir -p $WER_REPORT_DIR; head -c 12k /dev/zero >$WER_REPORT_DIR/filler'
	# (Where the crash's small record fitted, it says why its report is
	# missing: docs/report.md.)
	check "a full disk: the process dies as without openwer, no report, nothing partial" bash -c '
		[ "$(cat "$1/lim-status")" = "$2" ] && ! grep -v -e "^filler$" -e "^\.lock$" -e "^\.staging$" -e "^\.staging/\.lock$" -e "^\.staging/\.slot-" \
			-e "^ReportQueue$" -e "^Throttle" -e "^Trimmed\.log$" "$1/lim-files" &&
		{ [ ! -s "$1/lim-trimmed" ] || grep -q " lost=no-space$" "$1/lim-trimmed"; }' _ "$store" "$baseline"
	limited 'mkdir -p $WER_REPORT_DIR/ReportQueue; mount -o remount,ro "$(dirname $WER_REPORT_DIR)"'
	check "a read-only store: the process dies as without openwer, nothing written" bash -c '
		[ "$(cat "$1/lim-status")" = "$2" ] && [ "$(cat "$1/lim-files")" = ReportQueue ]' _ "$store" "$baseline"
else
	skip "a full disk" "cannot mount a tmpfs here (needs CAP_SYS_ADMIN or user namespaces)"
	skip "a read-only store" "cannot mount a tmpfs here (needs CAP_SYS_ADMIN or user namespaces)"
fi

# Privacy: secrets in the environment and on the command line appear in
# no file of the report, the minidump included (its Environ and CmdLine
# streams keep the names); with ReportEnvironment=full they are there.
secrets_store=$(mktemp -d "${TMPDIR:-/tmp}/openwer-secrets.XXXXXX")
secret_pids=()
for mode in scrubbed full; do
	WER_REPORT_DIR=$secrets_store/$mode WER_REPORT_ENVIRONMENT=$mode \
		AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY \
		"$program" null --password=hunter2 --token tok3n4711 https://bob:pa55w0rd@example.com/ >/dev/null 2>&1 &
	secret_pids+=($!)
	wait $!
done
wait_until 5 no_werfault_for "${secret_pids[@]}"
check "secrets in the environment and arguments: in no file of the report, the minidump included" bash -c '
	d=$(ls -d "$1"/scrubbed/ReportQueue/*) && [ -f "$d/minidump.mdmp" ] &&
	! grep -r -a -o -b -e wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY -e hunter2 -e tok3n4711 -e pa55w0rd "$d" &&
	grep -a -q "AWS_SECRET_ACCESS_KEY=<scrubbed>" "$d/minidump.mdmp" &&
	grep -q "^CommandLine=.* --password=<scrubbed> --token <scrubbed> https://bob:<scrubbed>@example.com/" "$d/Report.wer" &&
	grep -q "^ReportEnvironment=scrubbed" "$d/Report.wer" && grep -a -q -F "PATH=$PATH" "$d/minidump.mdmp"' \
	_ "$secrets_store"
check "ReportEnvironment=full: the same secrets are in the report" bash -c '
	d=$(ls -d "$1"/full/ReportQueue/*) &&
	grep -a -q wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY "$d/minidump.mdmp" && grep -q "password=hunter2" "$d/Report.wer"' \
	_ "$secrets_store"
rm -rf "$secrets_store"

# When werfault cannot help (missing, not executable, ends at once), the
# crashed process writes a report itself: signal, registers, raw frames,
# every metadata pair; `wer show` symbolizes the frames.
fallback_store=$(mktemp -d "${TMPDIR:-/tmp}/openwer-fallback.XXXXXX")
printf 'not a program\n' >"$fallback_store/plain-file"
WER_DISABLE=1 "$program" null >/dev/null 2>&1
baseline=$?
for handler in /nonexistent/werfault "$fallback_store/plain-file" /bin/false; do
	d=$fallback_store/$(basename "$handler")
	[ -e "$d" ] && d=$d-store
	start=$(date +%s%N)
	WER_HANDLER=$handler WER_REPORT_DIR=$d "$program" null >/dev/null 2>&1
	echo $? >"$d.status"
	echo $((($(date +%s%N) - start) / 1000000)) >"$d.ms"
done
check "werfault missing: the process dies as without openwer, and writes its own report" bash -c '
	d=$1/werfault; [ "$(cat "$d.status")" = "$2" ] && [ "$(cat "$d.ms")" -lt 5000 ] &&
	w=$(ls -d "$d"/ReportQueue/*)/Report.wer &&
	grep -qx "Degraded=written by the crashed process: werfault could not be executed (/nonexistent/werfault: No such file or directory, errno 2)" "$w" &&
	grep -qx "Sig\[5\].Value=SIGSEGV (11)" "$w" && grep -qx "Sig\[3\].Value=crash_program" "$w" &&
	grep -q "^Register.rip=0x" "$w" && grep -q "^Frame\[0\]=0x[0-9a-f]* .*/crash_program+0x" "$w"' \
	_ "$fallback_store" "$baseline"
check "... with every metadata pair, byte for byte; wer list says degraded, wer show names the crashing function" bash -c '
	export WER_REPORT_DIR=$1/werfault
	"$0" list | grep -q " degraded crash_program " &&
	"$0" show latest | grep -q "#0  0x[0-9a-f]* crash_null_write+0x[0-9a-f]* " &&
	python3 -c "
import json, subprocess, sys
d = json.loads(subprocess.run([sys.argv[1], \"list\", \"--json\"], capture_output=True, check=True).stdout)[0]
assert d[\"degraded\"] and not d[\"damaged\"], d
m = d[\"metadata\"]
assert m == {\"Build\": \"nightly-42\", \"Escapes\": \"<a & \\\"b\\\">\", \"\\u00dcbersetzung\": \"de-DE\", \"Path\": \"C:\\\\Temp\\\\it\x27s\"}, m
" "$0"' "$wer" "$fallback_store"
check "werfault not executable: Permission denied, said in the report" bash -c '
	[ "$(cat "$1/plain-file-store.status")" = "$2" ] &&
	grep -q "^Degraded=.*could not be executed (.*plain-file: Permission denied, errno 13)" "$1"/plain-file-store/ReportQueue/*/Report.wer' \
	_ "$fallback_store" "$baseline"
check "werfault ends at once (/bin/false): the process writes its report" bash -c '
	[ "$(cat "$1/false.status")" = "$2" ] &&
	grep -qx "Degraded=written by the crashed process: werfault ended without capturing the crash" "$1"/false/ReportQueue/*/Report.wer' \
	_ "$fallback_store" "$baseline"
rm -rf "$fallback_store"

# A crash loop: 200 identical crashes keep at most DumpCount dumps and
# count all 200.
loop_store=$(mktemp -d "${TMPDIR:-/tmp}/openwer-loop.XXXXXX")
loop_pids=()
for _ in $(seq 200); do
	WER_REPORT_DIR=$loop_store WER_DUMP_COUNT=3 "$program" null >/dev/null 2>&1 &
	loop_pids+=($!)
	wait $!
done
wait_until 180 no_werfault_for "${loop_pids[@]}" # werfaults finish after their processes
# The count is the store's (Throttle/), not the queue's highest
# SignatureCount: the report that took the 200th count may be an older
# crash's (its werfault waited for a worker slot), and the queue's trimming
# removes by crash time.
check "200 identical crashes: all counted, at most DumpCount (3) dumps, MaxQueueCount (50) reports" bash -c '
	q=$1/ReportQueue
	reports=$(ls "$q" | wc -l) dumps=$(ls "$q"/*/minidump.mdmp 2>/dev/null | wc -l)
	counted=$(sed -n "s/^count=\([0-9]*\) .*/\1/p" "$1"/Throttle/* | sort -n | tail -n1)
	throttled=$(grep -l "^DumpThrottled=1" "$q"/*/Report.wer | wc -l)
	echo "reports $reports, dumps $dumps, counted $counted, throttled $throttled, werfaults still running: $2"
	[ "$reports" = 50 ] && [ "$dumps" -le 3 ] && [ "$counted" = 200 ] && [ "$throttled" -ge 47 ]' \
	_ "$loop_store" "$(no_werfault_for "${loop_pids[@]}" && echo no || echo yes)"
rm -rf "$loop_store"

totals
