#!/bin/bash
# SPDX-License-Identifier: MIT
# store_bench.sh WER WERFAULT CRASH_PROGRAM [REPORTS] - what the store and
# `wer` cost with many reports: one real crash is copied REPORTS times
# (default 1000) into a fresh store, then `wer list`, `list --json`,
# `show`, `export` and `submit` (to a local receiver, tests/cli/receiver.py)
# are timed, each beside a bare baseline measured in the same run (`ls`
# of the queue, `cat` of every Report.wer, `tar czf` of one report, curl's
# own upload of the same files). Prints milliseconds and ratios.
set -eu
wer=$(realpath "$1") werfault=$(realpath "$2") program=$(realpath "$3")
count=${4:-1000}
here=$(cd "$(dirname "$0")" && pwd)
store=$(mktemp -d "${TMPDIR:-/tmp}/openwer-bench.XXXXXX")
trap 'kill $receiver 2>/dev/null; rm -rf "$store"' EXIT
export WER_REPORT_DIR=$store WER_HANDLER=$werfault
ulimit -S -c 0

ms() { # COMMAND...: milliseconds it took (best of 3)
	local best=999999999 t0 t1
	for _ in 1 2 3; do
		t0=$(date +%s%N)
		"$@" >/dev/null 2>&1 || true
		t1=$(date +%s%N)
		[ $(((t1 - t0) / 1000)) -lt "$best" ] && best=$(((t1 - t0) / 1000))
	done
	printf '%d.%03d' $((best / 1000)) $((best % 1000))
}
ratio() { python3 -c "import sys; print('%.1fx' % (float(sys.argv[1]) / max(float(sys.argv[2]), 0.001)))" "$1" "$2"; }

"$program" null >/dev/null 2>&1 || true
for _ in $(seq 100); do pgrep -f "werfault --pid" >/dev/null || pgrep "^werkeep-" >/dev/null || break; sleep 0.05; done
one=$(ls -d "$store"/ReportQueue/*)
# The copies: one crash a second before it, named as werfault names them.
base=$(basename "$one")
prefix=${base%_*_*} pid=${base##*_} now=$(date -u +%s)
for i in $(seq 2 "$count"); do
	copy=$store/ReportQueue/${prefix}_$(date -u -d "@$((now - i))" +%Y%m%dT%H%M%S)_$((pid + i))
	cp -r "$one" "$copy"
	sed -i "s/^EventTime=.*/EventTime=$(date -u -d "@$((now - i))" +%Y-%m-%dT%H:%M:%S).000000000Z/" "$copy/Report.wer"
done
echo "store: $count reports of $(du -sk "$one" | cut -f1) KiB each"

t_ls=$(ms ls -l "$store/ReportQueue")
t_cat=$(ms sh -c "cat '$store'/ReportQueue/*/Report.wer")
t_list=$(ms "$wer" list)
t_json=$(ms "$wer" list --json)
t_meta=$(ms "$wer" list --meta Build=nightly-42 --signal SIGSEGV)
t_show=$(ms "$wer" show latest)
echo "wer list:            $t_list ms ($(ratio "$t_list" "$t_cat") of cat of every Report.wer, $t_cat ms; ls -l: $t_ls ms)"
echo "wer list --json:     $t_json ms"
echo "wer list --meta ...: $t_meta ms"
echo "wer show latest:     $t_show ms"
t_export=$(ms "$wer" export -o "$store/r.tar.gz" "$(basename "$one")")
t_tar=$(ms tar -czf "$store/t.tar.gz" -C "$store/ReportQueue" "$(basename "$one")")
echo "wer export:          $t_export ms ($(ratio "$t_export" "$t_tar") of tar czf, $t_tar ms)"

python3 "$here/../tests/cli/receiver.py" "$store/port" "$store/log" &
receiver=$!
for _ in $(seq 100); do [ -s "$store/port" ] && break; sleep 0.05; done
url="http://127.0.0.1:$(cat "$store/port")/"
t_curl=$(ms curl -s -o /dev/null -F "upload_file_minidump=@$one/minidump.mdmp" -F "Report.wer=@$one/Report.wer" \
	-F "stack.txt=@$one/stack.txt" -F prod=crash_program -F ver=unknown "$url")
n=20
ids=$(ls "$store/ReportQueue" | head -n $n)
t0=$(date +%s%N)
"$wer" submit --url "$url" $ids >/dev/null
t_submit=$((($(date +%s%N) - t0) / 1000))
per=$(python3 -c "print('%.3f' % ($t_submit / 1000 / $n))")
echo "wer submit:          $per ms per report over $n ($(ratio "$per" "$t_curl") of one curl -F upload of the same files, $t_curl ms)"
