#!/bin/bash
# SPDX-License-Identifier: MIT
# bench_collector.sh BENCH COLLECTOR WERFAULT CRASH_PROGRAM
#
# Ingest throughput and latency of wer-collector on loopback: a real crash
# report whose minidump is padded to 50 KiB, uploaded Crashpad-style
# (multipart, with Report.wer and metadata fields) by bench_collector over
# keep-alive connections; SQLite, then a throwaway PostgreSQL cluster;
# each without symbols, then with the program's ELF file and libc's debug
# file uploaded as symbols (every report's frames named by them); and on
# SQLite a dump sent bare (no stack.txt), scanned, then walked with CFI.
# BENCH_SECONDS (10) and BENCH_CONNECTIONS (8) change the run;
# BENCH_COLLECTOR_ARGS are added to the collector's options (--workers 32).
set -u
bench=$1 collector=$2 werfault=$3 program=$4
here=$(cd "$(dirname "$0")" && pwd)
seconds=${BENCH_SECONDS:-10} conns=${BENCH_CONNECTIONS:-8}
work=$(mktemp -d "${TMPDIR:-/tmp}/openwer-bench.XXXXXX") || exit 2
chmod 711 "$work"
pid="" pg_stop=""
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; [ -n "$pg_stop" ] && eval "$pg_stop" >/dev/null 2>&1; rm -rf "$work"' EXIT
trap "exit 1" INT TERM
ulimit -S -c 0

(WER_REPORT_DIR=$work/store WER_HANDLER=$werfault "$program" null >/dev/null 2>&1)
for _ in $(seq 100); do ls "$work"/store/ReportQueue/*/minidump.mdmp >/dev/null 2>&1 && break; sleep 0.05; done
sleep 0.5
report=$(ls -d "$work"/store/ReportQueue/* | head -n1)
cp -r "$report" "$work/r50k"
truncate -s 50K "$work/r50k/minidump.mdmp"
ct=$(python3 "$here/../tests/collector/mkbody.py" "$work/body" "$work/r50k" Channel=beta)
echo "body: $(stat -c %s "$work/body") bytes (50 KiB minidump, Report.wer, 7 fields)"
# The same dump as Crashpad or Breakpad sends it: no Report.wer, no
# stack.txt. Without symbols the collector scans its stack; with the ELF
# file uploaded it walks it with call frame information (walk.c).
ct_bare=$(python3 "$here/../tests/collector/mkbody.py" "$work/body-bare" "$work/r50k" --no-wer Channel=beta)

libc=$(ldconfig -p | sed -n 's/.*libc.so.6 (libc6,x86-64) => //p' | head -n1)
libc_id=$(readelf -n "$libc" 2>/dev/null | sed -n 's/.*Build ID: \([0-9a-f]*\)/\1/p')
libc_debug=/usr/lib/debug/.build-id/${libc_id:0:2}/${libc_id:2}.debug

run() { # NAME DB-URL [symbols]
	rm -f "$work/port"
	"$collector" --listen 127.0.0.1:0 --port-file "$work/port" --data "$work/data-$1" --db "$2" \
		--rate 0 ${BENCH_COLLECTOR_ARGS:-} 2>"$work/$1.log" &
	pid=$!
	for _ in $(seq 200); do [ -s "$work/port" ] && break; sleep 0.05; done
	key=$("$collector" --data "$work/data-$1" --db "$2" key add bench)
	if [ -n "${3:-}" ]; then
		skey=$("$collector" --data "$work/data-$1" --db "$2" symbol-key add bench)
		for f in "$program" "$libc_debug"; do
			[ -r "$f" ] || { echo "$1: $f missing (libc6-dbg)"; continue; }
			curl -sf -H "Authorization: Bearer $skey" --data-binary @"$f" \
				"http://127.0.0.1:$(cat "$work/port")/api/symbols" >/dev/null ||
				echo "$1: uploading $f failed"
		done
	fi
	printf '%-20s ' "$1${3:+ +symbols}:"
	"$bench" "$(cat "$work/port")" "/api/minidump?api_key=$key" "${run_ct:-$ct}" "${run_body:-$work/body}" "$conns" "$seconds"
	kill $pid
	wait $pid 2>/dev/null
	pid=""
}

mkdir -p "$work/data-sqlite" "$work/data-sqlite-sym" "$work/data-bare" "$work/data-bare-walk"
run sqlite "sqlite://$work/data-sqlite/collector.db"
run sqlite-sym "sqlite://$work/data-sqlite-sym/collector.db" symbols
run_ct=$ct_bare run_body=$work/body-bare run bare-scan "sqlite://$work/data-bare/collector.db"
run_ct=$ct_bare run_body=$work/body-bare run bare-walk "sqlite://$work/data-bare-walk/collector.db" symbols

. "$here/pg_cluster.sh"
if pg_cluster_start "$work/pg"; then
	run postgresql "$pg_url" &&
		"$pgbin/psql" "$pg_url" -XAtq -c "CREATE DATABASE sym" &&
		run postgresql-sym "${pg_url/\/postgres?//sym?}" symbols
else
	echo "postgresql: skipped"
fi
