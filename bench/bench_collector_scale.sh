#!/bin/bash
# SPDX-License-Identifier: MIT
# bench_collector_scale.sh COLLECTOR [REPORTS]
#
# The collector's reading side at scale: a throwaway PostgreSQL cluster
# filled with REPORTS (1000000) generated reports of one project in 2000
# buckets (a few large, most small: bucket = 2000 * random()^3), spread
# over 30 days, three metadata pairs each (Build: 50 values, Channel: 3,
# GPU: 7), the aggregates the collector keeps (bucket counts, bucket_meta,
# meta_counts, bucket_days) filled as ingest would, then ANALYZEd. It then asks the
# running collector for the bucket list, the largest bucket, a small one
# and metadata searches, in the API and as pages, BENCH_RUNS (30) times
# each, and prints p50 and p95 in milliseconds. The plans PostgreSQL chose
# for every statement of one round (auto_explain, with ANALYZE and
# timing) are written to PLANS (default ./collector-plans.txt).
set -u
collector=$1 reports=${2:-1000000}
runs=${BENCH_RUNS:-30} plans=${PLANS:-$PWD/collector-plans.txt}
work=$(mktemp -d "${TMPDIR:-/tmp}/openwer-scale.XXXXXX") || exit 2
chmod 711 "$work"
pid="" pg_stop=""
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; [ -n "$pg_stop" ] && eval "$pg_stop" >/dev/null 2>&1; rm -rf "$work"' EXIT
trap "exit 1" INT TERM

here=$(cd "$(dirname "$0")" && pwd)
. "$here/pg_cluster.sh"
# auto_explain: the plans of the collector's own statements, as it runs
# them, into the server's log (switched on for the last round only).
pg_cluster_start "$work/pg" -c shared_buffers=256MB -c session_preload_libraries=auto_explain || exit $?
db=$pg_url
psql() { "$pgbin/psql" "$db" -XAtq "$@"; }

token=$("$collector" --data "$work/data" --db "$db" token add --admin) || exit 1
started=$(date +%s)
psql <<SQL || exit 1
INSERT INTO buckets (project, signature, app, version, module, module_offset,
  stack_hash, frames, count, first_seen, last_seen, title, first_version, last_version)
SELECT 'big', 'app | SIGSEGV | function_' || b || ' | main', 'app', '1.0', 'app',
  '0x' || to_hex(4096 + b), substr(md5(b::text), 1, 16), '', 0, 0, 0,
  'SIGSEGV in function_' || b || ' (app)', '', ''
FROM generate_series(1, 2000) b;
INSERT INTO reports (id, bucket_id, project, received, app, version, guid, signal,
  signal_code, fault_address, module, module_offset, build_id, frames, dump_path,
  dump_size, report_wer, stack_text, reason)
SELECT md5(i::text), 1 + floor(2000 * power(random(), 3))::bigint, 'big',
  extract(epoch FROM now())::bigint - floor(random() * 30 * 86400)::bigint, 'app',
  '1.' || (i % 10), '', 11, 1, '0x0', 'app', '0x1000', '', '', '', 50000, '', '', ''
FROM generate_series(1, $reports) i;
INSERT INTO report_meta (report_id, key, value, project, received)
SELECT id, 'Build', 'nightly-' || (abs(hashtext(id)) % 50), project, received FROM reports
UNION ALL SELECT id, 'Channel', (ARRAY['stable', 'beta', 'dev'])[1 + abs(hashtext(id || 'c')) % 3], project, received FROM reports
UNION ALL SELECT id, 'GPU', 'gpu-' || (abs(hashtext(id || 'g')) % 7), project, received FROM reports;
INSERT INTO bucket_days (bucket_id, day, n)
SELECT bucket_id, received / 86400, count(*) FROM reports GROUP BY bucket_id, received / 86400;
UPDATE buckets b SET count = c.n, first_seen = c.f, last_seen = c.l,
  first_version = '1.0', last_version = '1.9'
FROM (SELECT bucket_id, count(*) AS n, min(received) AS f, max(received) AS l
      FROM reports GROUP BY bucket_id) c WHERE c.bucket_id = b.id;
INSERT INTO bucket_meta (bucket_id, key, value, n)
SELECT r.bucket_id, m.key, m.value, count(*) FROM report_meta m
JOIN reports r ON r.id = m.report_id GROUP BY r.bucket_id, m.key, m.value;
INSERT INTO meta_counts (project, key, value, n)
SELECT 'big', key, value, count(*) FROM report_meta GROUP BY key, value;
VACUUM ANALYZE;
SQL
echo "generated $reports reports in $(($(date +%s) - started)) s" \
	"($(psql -c "SELECT pg_size_pretty(pg_database_size('postgres'))"))"
big=$(psql -c "SELECT id FROM buckets ORDER BY count DESC LIMIT 1")
small=$(psql -c "SELECT id FROM buckets WHERE count > 0 ORDER BY count LIMIT 1")
echo "largest bucket #$big: $(psql -c "SELECT count FROM buckets WHERE id = $big") reports;" \
	"smallest #$small: $(psql -c "SELECT count FROM buckets WHERE id = $small")"

"$collector" --listen 127.0.0.1:0 --port-file "$work/port" --data "$work/data" --db "$db" \
	2>"$work/collector.log" &
pid=$!
for _ in $(seq 200); do [ -s "$work/port" ] && break; sleep 0.05; done
url=http://127.0.0.1:$(cat "$work/port")
requests=(
	"bucket list (API)|/api/buckets"
	"bucket list (page)|/buckets"
	"largest bucket (API)|/api/buckets/$big"
	"largest bucket (page)|/buckets/$big"
	"smallest bucket (page)|/buckets/$small"
	"search GPU=gpu-3 (API)|/api/reports?meta.GPU=gpu-3"
	"search Build=nightly-7 (page)|/search?q=Build%3Dnightly-7"
	"search two values (API)|/api/reports?meta.Channel=dev&meta.Build=nightly-7"
	"top crashers (API)|/api/top"
)
# One warm-up round, then the timed ones.
for r in "${requests[@]}"; do curl -sf -o /dev/null -H "Authorization: Bearer $token" "$url${r#*|}" || echo "failed: $r"; done
: >"$work/times"
for i in $(seq "$runs"); do
	for r in "${requests[@]}"; do
		printf '%s\t%s\n' "${r%%|*}" \
			"$(curl -s -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $token" "$url${r#*|}")" >>"$work/times"
	done
done
python3 - "$work/times" "$runs" <<'PY'
import collections, sys
t = collections.OrderedDict()
for line in open(sys.argv[1]):
    name, s = line.rstrip("\n").split("\t")
    t.setdefault(name, []).append(float(s) * 1000)
print("%-32s %8s %8s   (%s runs each, milliseconds)" % ("request", "p50", "p95", sys.argv[2]))
for name, v in t.items():
    v.sort()
    print("%-32s %8.1f %8.1f" % (name, v[len(v) // 2], v[min(len(v) - 1, int(len(v) * 0.95))]))
PY
# The plans: one more round with auto_explain logging every statement.
kill $pid
wait $pid 2>/dev/null
pid=""
: >"$work/pg/log"
PGOPTIONS="-c auto_explain.log_min_duration=0 -c auto_explain.log_analyze=on -c auto_explain.log_timing=on -c client_min_messages=warning" \
	"$collector" --listen 127.0.0.1:0 --port-file "$work/port2" --data "$work/data" --db "$db" \
	2>>"$work/collector.log" &
pid=$!
for _ in $(seq 200); do [ -s "$work/port2" ] && break; sleep 0.05; done
url=http://127.0.0.1:$(cat "$work/port2")
for r in "${requests[@]}"; do
	echo "=== ${r%%|*}: ${r#*|}" >>"$work/pg/log"
	curl -sf -o /dev/null -H "Authorization: Bearer $token" "$url${r#*|}"
done
kill $pid
wait $pid 2>/dev/null
pid=""
cp "$work/pg/log" "$plans"
echo "plans: $plans"
