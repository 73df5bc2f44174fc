#!/bin/bash
# SPDX-License-Identifier: MIT
# store_tests.sh WER WERFAULT CRASH_PROGRAM
#
# The store is its user's alone (docs/security.md): attacks on it by
# whoever could plant files in it, each shown defeated, on real reports.
#   - a store, or one of its levels, owned by someone else or writable by
#     others is refused by werfault (no report, a message) and by wer;
#   - a ReportQueue that is a link: `wer purge` and `wer rm` delete nothing
#     where it points, werfault writes nothing there;
#   - a report directory that is a link is not uploaded by `wer submit`;
#   - a FIFO planted as a report's file: `wer show`, `wer export` and `wer
#     submit` do not wait on it, and a crash meanwhile is reported;
#   - stack.txt linking to /dev/zero or to another file: `wer show` neither
#     hangs nor prints the other file;
#   - a ClientId that is a link: its target is not touched;
#   - `wer export` makes its archive with the umask's mode, not 0644.
set -u
if [ $# -ne 3 ]; then
	echo "usage: $0 WER WERFAULT CRASH_PROGRAM" >&2
	exit 2
fi
wer=$1 werfault=$2 program=$3
. "$(dirname "$0")/../check.sh"
ulimit -S -c 0
unset WER_DISABLE WER_REPORT_DIR LD_PRELOAD XDG_STATE_HOME WER_UPLOAD_URL
export WER_HANDLER=$werfault
work=$(mktemp -d "${TMPDIR:-/tmp}/openwer-store.XXXXXX") || exit 2
receiver_pid=
trap '[ -n "$receiver_pid" ] && kill $receiver_pid 2>/dev/null; rm -rf "$work"' EXIT

has_report() { # STORE [PID]
	ls -d "$1"/ReportQueue/*_"${2:-}"* >/dev/null 2>&1
}
# crash STORE: a crash whose report goes to STORE (or is refused); its
# pid on stdout, its stderr in STORE.err.
crash() {
	WER_REPORT_DIR=$1 "$program" null >/dev/null 2>"$1.err" &
	local pid=$!
	wait $pid 2>/dev/null
	echo $pid
}
# werfault_done PID: its werfault said what became of the report.
werfault_said() { # FILE PID
	grep -q "werfault: .*$2" "$1"
}

# ---- ownership -----------------------------------------------------------
if [ "$(id -u)" = 0 ]; then
	mkdir -m 0700 "$work/others"
	chown 65534:65534 "$work/others"
	pid=$(crash "$work/others")
	check "a store owned by another user: werfault refuses it, and says so" \
		wait_until 60 werfault_said "$work/others.err" $pid
	check "... and writes nothing in it" test -z "$(ls -A "$work/others")"
	check "... and wer list refuses it with a clear error (exit 3)" bash -c '
		WER_REPORT_DIR=$1 "$0" list >/dev/null 2>$1.list; [ $? = 3 ] && grep -q "not yours alone" $1.list' "$wer" "$work/others"
else
	skip "a store owned by another user" "not root"
fi
mkdir -m 0777 "$work/open"
pid=$(crash "$work/open")
check "a store writable by others: werfault refuses it, and says so" \
	wait_until 60 werfault_said "$work/open.err" $pid
check "... and writes nothing in it" test -z "$(ls -A "$work/open")"

# ---- a ReportQueue that is a link ----------------------------------------
store=$work/s1
pid=$(crash "$store")
wait_until 60 has_report "$store" "$pid"
mkdir -p "$work/victim/AppCrash_victim_20260101T000000_1"
echo precious >"$work/victim/AppCrash_victim_20260101T000000_1/Report.wer"
mv "$store/ReportQueue" "$store/ReportQueue.real"
ln -s "$work/victim" "$store/ReportQueue"
WER_REPORT_DIR=$store WER_MAX_QUEUE_COUNT=0 "$wer" purge >/dev/null 2>&1
WER_REPORT_DIR=$store "$wer" rm AppCrash_victim_20260101T000000_1 >/dev/null 2>&1
check "a ReportQueue link: wer purge and wer rm delete nothing where it points" \
	grep -qx precious "$work/victim/AppCrash_victim_20260101T000000_1/Report.wer"
pid=$(crash "$store")
check "... and werfault writes nothing there" bash -c '
	for _ in $(seq 600); do grep -q "werfault: .*$2" "$0.err" && break; sleep 0.1; done
	[ "$(ls "$1")" = AppCrash_victim_20260101T000000_1 ]' "$store" "$work/victim" "$pid"
rm "$store/ReportQueue"
mv "$store/ReportQueue.real" "$store/ReportQueue"

# ---- a report directory that is a link, for wer submit --------------------
python3 "$(dirname "$0")/receiver.py" "$work/port" "$work/uploads" >/dev/null 2>&1 &
receiver_pid=$!
wait_until 30 test -s "$work/port"
port=$(cat "$work/port" 2>/dev/null)
store=$work/s2
pid=$(crash "$store")
wait_until 60 has_report "$store" "$pid"
elsewhere=$work/elsewhere
cp -r "$store"/ReportQueue/*_"$pid" "$elsewhere"
rm -rf "$store"/ReportQueue/*_"$pid"
ln -s "$elsewhere" "$store/ReportQueue/AppCrash_linked_20260101T000000_7"
WER_REPORT_DIR=$store "$wer" submit --url "http://127.0.0.1:$port/upload" AppCrash_linked_20260101T000000_7 >/dev/null 2>&1
WER_REPORT_DIR=$store "$wer" submit --all --url "http://127.0.0.1:$port/upload" >/dev/null 2>&1
check "a report directory that is a link: wer submit uploads nothing" test ! -s "$work/uploads"

# ---- FIFOs and links planted as a report's files ---------------------------
store=$work/s3
pid=$(crash "$store")
wait_until 60 has_report "$store" "$pid"
report=$(ls -d "$store"/ReportQueue/*_"$pid")
rm "$report/stack.txt" "$report/minidump.mdmp"
mkfifo "$report/stack.txt" "$report/minidump.mdmp" "$report/extra"
for verb in "show latest" "show --json latest" "export -o $work/x.tar.gz latest" \
	"submit --url http://127.0.0.1:$port/upload latest"; do
	WER_REPORT_DIR=$store timeout 20 "$wer" $verb >/dev/null 2>&1
	status=$?
	check "a FIFO in a report: wer $verb does not wait on it (status $status)" test "$status" != 124
done
# A crash while wer reads that report: the store's lock is never held
# waiting on a FIFO, so the new report goes in.
WER_REPORT_DIR=$store timeout 20 "$wer" export -o "$work/y.tar.gz" latest >/dev/null 2>&1 &
exporter=$!
pid=$(crash "$store")
check "... and a crash meanwhile is reported" wait_until 60 has_report "$store" "$pid"
wait $exporter

store=$work/s4
pid=$(crash "$store")
wait_until 60 has_report "$store" "$pid"
report=$(ls -d "$store"/ReportQueue/*_"$pid")
echo "secret-line-of-another-file" >"$work/other"
rm "$report/stack.txt"
ln -s /dev/zero "$report/stack.txt"
WER_REPORT_DIR=$store timeout 20 "$wer" show latest >"$work/show1" 2>&1
check "stack.txt linking to /dev/zero: wer show does not hang (status $?)" test "$?" != 124
rm "$report/stack.txt"
ln -s "$work/other" "$report/stack.txt"
WER_REPORT_DIR=$store "$wer" show latest >"$work/show2" 2>&1
check "stack.txt linking to another file: wer show does not print it" bash -c '! grep -q secret-line "$0"' "$work/show2"

# ---- ClientId that is a link ------------------------------------------------
store=$work/s5
pid=$(crash "$store")
wait_until 60 has_report "$store" "$pid"
echo "not yours to truncate" >"$work/target"
ln -s "$work/target" "$store/ClientId"
WER_REPORT_DIR=$store "$wer" submit --url "http://127.0.0.1:$port/upload" latest >/dev/null 2>&1
check "a ClientId link: its target is untouched" grep -qx "not yours to truncate" "$work/target"

# ---- wer export and the umask ------------------------------------------------
store=$work/s6
pid=$(crash "$store")
wait_until 60 has_report "$store" "$pid"
(umask 077 && WER_REPORT_DIR=$store "$wer" export -o "$work/private.tar.gz" latest >/dev/null)
check "wer export under umask 077: the archive is 0600" test "$(stat -c %a "$work/private.tar.gz")" = 600
(umask 022 && WER_REPORT_DIR=$store "$wer" export -o "$work/shared.tar.gz" latest >/dev/null)
check "wer export under umask 022: the archive is 0644" test "$(stat -c %a "$work/shared.tar.gz")" = 644

totals
