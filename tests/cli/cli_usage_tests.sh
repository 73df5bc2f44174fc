#!/bin/bash
# SPDX-License-Identifier: MIT
# cli_usage_tests.sh WER WERFAULT CRASH_PROGRAM RECOVERY_PROGRAM
#                    [STATIC_PROGRAM STATIC_WER_PROGRAM]
# - the `wer` command line itself: help and --version, unknown verbs and
# options, --since/--until times, -n and --reverse, naming a report (id,
# prefix, process id, latest), every thread's frames in `wer show --json`,
# signal codes by name, --signal, list's columns, secrets in `wer config`,
# and `wer run` on a static program. Reports are hand-made where their
# times and codes must be exact, and real crashes (and a report without a
# crash) elsewhere.
set -u
wer=$(realpath "$1") werfault=$(realpath "$2") program=$(realpath "$3")
recovery=$(realpath "$4") static=${5:-} static_wer=${6:-}
src=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/openwer-usage.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
export WER_HANDLER=$werfault WER_REPORT_DIR=$tmp/store
unset WER_DISABLE LD_PRELOAD XDG_CONFIG_HOME WER_UPLOAD_URL
ulimit -S -c 0

. "$(dirname "$0")/../check.sh"

# out NAME COMMAND...: runs COMMAND, its stdout in $tmp/NAME.out, stderr
# in $tmp/NAME.err, exit status in $tmp/NAME.rc; always succeeds.
out() {
	local name=$1
	shift
	("$@") >"$tmp/$name.out" 2>"$tmp/$name.err"
	echo $? >"$tmp/$name.rc"
}
rc() { cat "$tmp/$1.rc"; }

# ---- help and --version --------------------------------------------------
version=$(sed -n 's/^#define WER_VERSION_STRING "\(.*\)"$/\1/p' "$src/include/wer/version.h")
check "wer --version prints 'wer (openwer) $version', exit 0" bash -c '
	[ "$("$0" --version)" = "wer (openwer) $1" ]' "$wer" "$version"
check "wer --help and wer help mention --version and help VERB" bash -c '
	h=$("$0" --help) && printf "%s\n" "$h" | grep -q -- "--version" &&
	printf "%s\n" "$h" | grep -q "wer help VERB" && [ "$("$0" help)" = "$h" ]' "$wer"
verbs=$("$wer" --help | awk '/^Verbs:/ { v = 1; next } v && /^  [^ ]/ { print $1; next } v { exit }')
check "the verbs include help" bash -c 'printf "%s\n" "$1" | grep -qx help' _ "$verbs"
for verb in $verbs; do
	check "wer help $verb prints what wer $verb --help prints" bash -c '
		a=$("$0" help "$1") && b=$("$0" "$1" --help) && [ -n "$a" ] && [ "$a" = "$b" ]' "$wer" "$verb"
done
out help_bad "$wer" help lsit
check "wer help lsit: exit 2, did you mean 'list'" bash -c '
	[ "$(cat "$0.rc")" = 2 ] && grep -qF "unknown verb '\''lsit'\''; did you mean '\''list'\''?" "$0.err"' "$tmp/help_bad"

# ---- unknown verbs and options ---------------------------------------------
unknown() { # NAME EXPECTED-STDERR-LINE COMMAND...: exit 2, that line said
	local name=$1 want=$2
	shift 2
	out "$name" "$@"
	check "wer ${*:2}: exit 2, says \"$want\"" bash -c '
		[ "$(cat "$0.rc")" = 2 ] && grep -qxF -- "$1" "$0.err"' "$tmp/$name" "$want"
}
unknown v1 "wer: unknown verb 'lsit'; did you mean 'list'?" "$wer" lsit
unknown v2 "wer: unknown verb 'shwo'; did you mean 'show'?" "$wer" shwo
unknown v3 "wer: unknown verb 'sumbit'; did you mean 'submit'?" "$wer" sumbit
unknown v4 "wer: unknown verb 'xyzzy'" "$wer" xyzzy
unknown v5 "wer: unknown option '--verison'; did you mean '--version'?" "$wer" --verison
unknown o1 "wer list: unknown option '--jsno'; did you mean '--json'?" "$wer" list --jsno
unknown o2 "wer list: option '--s' is ambiguous; it could be '--signal', '--since', '--sent' or '--store-root'" "$wer" list --s
unknown o3 "wer list: option '--since' needs a value" "$wer" list --since
unknown o4 "wer list: option '--json' takes no value" "$wer" list --json=yes
unknown o5 "wer export: unknown option '-x'" "$wer" export -x latest
unknown o6 "wer rm: unknown option '--force'" "$wer" rm --force latest
unknown o7 "wer purge: unknown option '--hepl'; did you mean '--help'?" "$wer" purge --hepl
unknown o8 "wer config: unknown option '--shwo'" "$wer" config --shwo
unknown o9 "wer show: unknown option '--jason'; did you mean '--json'?" "$wer" show --jason latest
unknown o10 "wer run: unknown option '--timout'; did you mean '--timeout'?" "$wer" run --timout 5 -- true
unknown o11 "wer list: unexpected argument 'extra'" "$wer" list extra

# ---- hand-made reports ---------------------------------------------------------
# report STORE ID TIME SIGNAL CODE PID: a report as werfault writes one.
report() {
	local d=$1/ReportQueue/$2
	mkdir -p "$d"
	{
		printf 'Version=1\nEventType=APPCRASH\nEventTime=%s\nReportIdentifier=%s\n' "$3" "$2"
		printf 'Sig[0].Name=Application Name\nSig[0].Value=%s\n' "$(echo "$2" | cut -d_ -f2)"
		printf 'Sig[3].Name=Fault Module Name\nSig[3].Value=libc.so.6\n'
		printf 'Sig[5].Name=Signal\nSig[5].Value=%s\n' "$4"
		printf 'Sig[6].Name=Signal Code\nSig[6].Value=%s\n' "$5"
		printf 'ProcessId=%s\nThreadId=%s\n' "$6" "$6"
	} >"$d/Report.wer"
}
ids() { # wer list ARGS... --json: the ids, one line
	"$wer" list --json "$@" | python3 -c 'import json, sys; print(" ".join(r["id"] for r in json.load(sys.stdin)))'
}
s=$tmp/dates
report "$s" AppCrash_alpha_20261124T235959_4001 2026-11-24T23:59:59.900000000Z "SIGSEGV (11)" 1 4001
report "$s" AppCrash_beta_20261125T000000_4002 2026-11-25T00:00:00.100000000Z "SIGSEGV (11)" 2 4002
report "$s" AppCrash_gamma_20261125T100030_4003 2026-11-25T10:00:30.000000000Z "SIGABRT (6)" -6 4003
report "$s" AppCrash_delta_20261125T235959_4003 2026-11-25T23:59:59.999999999Z "SIGBUS (7)" 1 4003
report "$s" AppCrash_epsilon_20261126T000000_4005 2026-11-26T00:00:00.000000000Z "SIGFPE (8)" 1 4005
a=AppCrash_alpha_20261124T235959_4001 b=AppCrash_beta_20261125T000000_4002
c=AppCrash_gamma_20261125T100030_4003 d=AppCrash_delta_20261125T235959_4003
e=AppCrash_epsilon_20261126T000000_4005
export WER_REPORT_DIR=$s

# ---- --since and --until -----------------------------------------------------
selects() { # EXPECTED-IDS ARGS...: wer list ARGS selects exactly those
	local want=$1
	shift
	check "wer list $*: ${want:-nothing}" bash -c '[ "$(ids "${@:2}")" = "$1" ]' _ "$want" "$@"
}
export -f ids
export wer
selects "$b $c $d $e" --since 2026-11-25
selects "$a $b $c $d" --until 2026-11-25
selects "$b $c $d" --since 2026-11-25 --until 2026-11-25
selects "$c" --since 2026-11-25T10:00 --until 2026-11-25T10:00
selects "$c $d $e" --since 2026-11-25T10:00:30
selects "$a $b" --until 2026-11-25T10:00:29Z
selects "$c $d $e" --since 2026-11-25T12:00:00+02:00
selects "$c $d $e" --since 2026-11-25T05:00-0500
selects "$a $b $c" --until 2026-11-25T10:00:30Z
selects "$d $e" --since 2026-11-25T23:59:59z
selects "" --since 2026-11-26T00:00:01
selects "$a $b $c $d $e" --since 2024-02-29
for bad in 2026-13-45 2026-02-30 2026-02-29 -1x banana 2026-11-25T25:00 2026-11-25T10:60 \
	2026-11-25T10:00+2:00 2026-11 "2026-11-25 " ""; do
	for opt in since until; do
		out bad "$wer" list --$opt "$bad"
		check "wer list --$opt '$bad': exit 2, names --$opt and the forms" bash -c '
			[ "$(cat "$0.rc")" = 2 ] && [ ! -s "$0.out" ] &&
			grep -qF -- "wer list: --$1 '\''$2'\''" "$0.err" &&
			grep -qF "2026-11-25T10:00" "$0.err" && grep -qF -- "-1h" "$0.err" && grep -qF yesterday "$0.err"' \
			"$tmp/bad" "$opt" "$bad"
	done
done
# Times relative to now, and days (UTC): the reports are made relative to
# the clock, and checked again should midnight pass meanwhile, or the end
# of the day's first hour (until then, today's 00:00, report t, is within
# the last hour).
relative_checks() {
	local r=$tmp/relative now
	rm -rf "$r"
	now=$(date -u +%s)
	iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%S.000000000Z; }
	report "$r" AppCrash_r1_x_1 "$(iso $((now - 90 * 60)))" "SIGSEGV (11)" 1 1
	report "$r" AppCrash_r2_x_2 "$(iso $((now - 3 * 86400)))" "SIGSEGV (11)" 1 2
	report "$r" AppCrash_r3_x_3 "$(iso $((now - 10 * 86400)))" "SIGSEGV (11)" 1 3
	report "$r" AppCrash_y_x_4 "$(date -u -d 'yesterday 12:00' +%Y-%m-%dT%H:%M:%SZ)" "SIGSEGV (11)" 1 4
	report "$r" AppCrash_t_x_5 "$(date -u -d 'today 00:00:00' +%Y-%m-%dT%H:%M:%SZ)" "SIGSEGV (11)" 1 5
	report "$r" AppCrash_z_x_6 "$(date -u -d '2 days ago 23:59:59' +%Y-%m-%dT%H:%M:%SZ)" "SIGSEGV (11)" 1 6
	WER_REPORT_DIR=$r
	{
		echo "since -1h: [$(ids --since -1h)]"
		echo "since -2h app r1: [$(ids --since -2h --app r1)]"
		echo "since -120m app r1: [$(ids --since -120m --app r1)]"
		echo "since -7200s app r1: [$(ids --since -7200s --app r1)]"
		echo "since -1w until -1d, r apps: [$(ids --since -1w --until -1d | tr ' ' '\n' | grep _r | xargs)]"
		echo "until -1w: [$(ids --until -1w)]"
		echo "since -11d: [$(ids --since -11d | wc -w)]"
		echo "since now: [$(ids --since now)]"
		echo "until now: [$(ids --until now | wc -w)]"
		echo "yesterday, not r1: [$(ids --since yesterday --until yesterday | tr ' ' '\n' | grep -v _r1_ | xargs)]"
		echo "since today, not r1: [$(ids --since today | tr ' ' '\n' | grep -v _r1_ | xargs)]"
		echo "until yesterday, not r: [$(ids --until yesterday | tr ' ' '\n' | grep -v _r | xargs)]"
	} >"$tmp/relative.txt"
	WER_REPORT_DIR=$s
}
clock_state() { # the day (UTC), and 1 in its first hour, else 0
	local now day
	now=$(date -u +%s)
	day=$(date -u -d "@$now" +%F)
	echo "$day $((now - $(date -u -d "$day 00:00:00" +%s) < 3600))"
}
for _ in 1 2; do
	state=$(clock_state)
	relative_checks
	[ "$(clock_state)" = "$state" ] && break
done
since_1h=""
[ "${state#* }" = 1 ] && since_1h=AppCrash_t_x_5
check "relative times and days: -1h, -2h, -120m, -7200s, -1w, -1d, -11d, now, today, yesterday" diff - "$tmp/relative.txt" <<EOF
since -1h: [$since_1h]
since -2h app r1: [AppCrash_r1_x_1]
since -120m app r1: [AppCrash_r1_x_1]
since -7200s app r1: [AppCrash_r1_x_1]
since -1w until -1d, r apps: [AppCrash_r2_x_2]
until -1w: [AppCrash_r3_x_3]
since -11d: [6]
since now: []
until now: [6]
yesterday, not r1: [AppCrash_y_x_4]
since today, not r1: [AppCrash_t_x_5]
until yesterday, not r: [AppCrash_z_x_6 AppCrash_y_x_4]
EOF

# ---- -n and --reverse ------------------------------------------------------------
selects "$d $e" -n 2
selects "$e $d" -n 2 --reverse
selects "$e $d $c $b $a" --reverse
selects "$a $b $c $d $e" -n 10
selects "$d" --until 2026-11-25 -n 1
selects "$d $c" --max-count 2 --reverse --until 2026-11-25
check "wer list -n 2 --reverse (text): the two newest, newest first" bash -c '
	out=$("$0" list -n 2 --reverse) && [ "$(printf "%s\n" "$out" | wc -l)" = 3 ] &&
	printf "%s\n" "$out" | sed -n 2p | grep -q "^$1 " && printf "%s\n" "$out" | sed -n 3p | grep -q "^$2 "' \
	"$wer" "$e" "$d"
for bad in 0 -1 x 2x ""; do
	out bad "$wer" list -n "$bad"
	check "wer list -n '$bad': exit 2" bash -c '[ "$(cat "$0.rc")" = 2 ] && grep -q -- "-n" "$0.err"' "$tmp/bad"
done

# ---- no header above "No reports found." -----------------------------------------
check "a filter nothing passes: only \"No reports found.\", exit 1" bash -c '
	out=$("$0" list --app nope); [ $? = 1 ] && [ "$out" = "No reports found." ]' "$wer"
check "an empty store: only \"No reports found.\", exit 1" bash -c '
	out=$(WER_REPORT_DIR=$1/none "$0" list); [ $? = 1 ] && [ "$out" = "No reports found." ]' "$wer" "$tmp"

# ---- --signal -----------------------------------------------------------------
selects "$a $b" --signal SIGSEGV
selects "$a $b" --signal segv
selects "$a $b" --signal SigSegv
selects "$a $b" --signal 11
selects "$c" --signal ABRT
selects "$d" --signal 7
for bad in FOO SIGFOO 0 99 11x SIG ""; do
	out bad "$wer" list --signal "$bad"
	check "wer list --signal '$bad': exit 2, says it is no signal" bash -c '
		[ "$(cat "$0.rc")" = 2 ] && grep -qF "wer list: --signal: no signal '\''$1'\''" "$0.err"' "$tmp/bad" "$bad"
done
out usr1 "$wer" list --signal SIGUSR1
check "wer list --signal SIGUSR1 (a signal, no report of it): exit 1" bash -c '[ "$(cat "$0.rc")" = 1 ]' "$tmp/usr1"

# ---- signal codes by name ----------------------------------------------------------
codes=$tmp/codes
n=0
while read -r signal code want; do
	n=$((n + 1))
	report "$codes" "AppCrash_code${n}_20261125T000000_$n" 2026-11-25T00:00:0${n:0:1}Z "$signal" "$code" $n
	check "Signal Code $code of $signal: wer show says '$want'" bash -c '
		WER_REPORT_DIR=$1 "$0" show "$2" | grep -qx "  Signal Code            $3"' \
		"$wer" "$codes" "AppCrash_code${n}_20261125T000000_$n" "$want"
done <<'EOF'
SIGSEGV(11) 1 SEGV_MAPERR (1)
SIGSEGV(11) 2 SEGV_ACCERR (2)
SIGBUS(7) 1 BUS_ADRALN (1)
SIGBUS(7) 2 BUS_ADRERR (2)
SIGILL(4) 2 ILL_ILLOPN (2)
SIGFPE(8) 1 FPE_INTDIV (1)
SIGABRT(6) -6 SI_TKILL (-6)
SIGSEGV(11) 0 SI_USER (0)
SIGSEGV(11) -1 SI_QUEUE (-1)
SIGTRAP(5) 128 SI_KERNEL (128)
SIGTRAP(5) 1 TRAP_BRKPT (1)
SIGSEGV(11) 99 99
SIGABRT(6) 1 1
EOF
check "wer list --json names the code (signal_code_name), leaves the signature's number" python3 -c '
import json, subprocess, sys
d = {r["id"].split("_")[1]: r for r in json.loads(subprocess.run([sys.argv[1], "list", "--json"], capture_output=True, check=True, env={"WER_REPORT_DIR": sys.argv[2]}).stdout)}
assert d["code1"]["signal_code_name"] == "SEGV_MAPERR" and d["code1"]["signature"]["Signal Code"] == "1", d["code1"]
assert d["code7"]["signal_code_name"] == "SI_TKILL" and d["code10"]["signal_code_name"] == "SI_KERNEL"
assert "signal_code_name" not in d["code12"] and "signal_code_name" not in d["code13"]
' "$wer" "$codes"
# The report's signal in those hand-made reports is "SIGSEGV(11)": make
# sure the signal number was read (a code means something per signal).
check "... the code's meaning depends on the signal: 1 is BUS_ADRALN for SIGBUS" bash -c '
	WER_REPORT_DIR=$1 "$0" show AppCrash_code3_ | grep -q "BUS_ADRALN (1)"' "$wer" "$codes"

# ---- naming a report: id, prefix, process id, latest --------------------------------
named() { # ARG ID: `wer show ARG` shows report ID
	local arg=$1 want=$2
	check "wer show $arg is $want" bash -c '"$0" show "$1" | head -n1 | grep -qx "Report $2"' "$wer" "$arg" "$want"
}
named latest "$e"
named "$c" "$c"
named AppCrash_gamma "$c"
named AppCrash_e "$e"
named 4001 "$a"
named 4005 "$e"
out amb "$wer" show AppCrash_
check "wer show AppCrash_ (5 ids begin so): exit 2, lists them" bash -c '
	[ "$(cat "$0.rc")" = 2 ] && grep -qF "wer show: '\''AppCrash_'\'' begins 5 report ids" "$0.err" &&
	for id in "${@:1}"; do grep -q "^  $id " "$0.err" || exit 1; done' "$tmp/amb" "$a" "$b" "$c" "$d" "$e"
out amb "$wer" show 4003
check "wer show 4003 (the process of two reports): exit 2, lists both" bash -c '
	[ "$(cat "$0.rc")" = 2 ] && grep -qF "wer show: process 4003 has 2 reports" "$0.err" &&
	grep -q "^  $1 " "$0.err" && grep -q "^  $2 " "$0.err"' "$tmp/amb" "$c" "$d"
out none "$wer" show 4999
check "wer show 4999 (no such process): exit 1" bash -c '
	[ "$(cat "$0.rc")" = 1 ] && grep -qF "no report of process 4999" "$0.err"' "$tmp/none"
out none "$wer" show AppCrash_zeta
check "wer show AppCrash_zeta (no id begins so): exit 1" bash -c '[ "$(cat "$0.rc")" = 1 ]' "$tmp/none"
check "wer show --json 4002 is that report" bash -c '"$0" show --json 4002 | grep -qF "\"id\": \"$1\""' "$wer" "$b"
check "wer export AppCrash_b -o FILE: that report" bash -c '
	"$0" export -o "$1/b.tar.gz" AppCrash_b >/dev/null && tar -tzf "$1/b.tar.gz" | grep -qx "$2/Report.wer"' \
	"$wer" "$tmp" "$b"
check "wer export 4001 -o FILE: that report" bash -c '
	"$0" export -o "$1/a.tar.gz" 4001 >/dev/null && tar -tzf "$1/a.tar.gz" | grep -qx "$2/Report.wer"' \
	"$wer" "$tmp" "$a"
out amb "$wer" export -o "$tmp/amb.tar.gz" 4003
check "wer export 4003 (two reports): exit 2, no file" bash -c '
	[ "$(cat "$0.rc")" = 2 ] && [ ! -e "$1/amb.tar.gz" ]' "$tmp/amb" "$tmp"
out amb "$wer" submit --url http://127.0.0.1:9/ AppCrash_
check "wer submit AppCrash_ (ambiguous): exit 2, nothing sent" bash -c '
	[ "$(cat "$0.rc")" = 2 ] && grep -q "nothing sent" "$0.err" && [ ! -e "$1/ReportArchive" ]' "$tmp/amb" "$s"
out rm_amb "$wer" rm "$a" AppCrash_
check "wer rm ID AppCrash_ (one ambiguous): exit 2, nothing removed" bash -c '
	[ "$(cat "$0.rc")" = 2 ] && grep -q "nothing removed" "$0.err" && [ "$(ls "$1/ReportQueue" | wc -l)" = 5 ]' \
	"$tmp/rm_amb" "$s"
check "wer rm 4001 AppCrash_b latest: those three removed" bash -c '
	"$0" rm 4001 AppCrash_b latest && [ "$(ls "$1/ReportQueue" | tr "\n" " ")" = "$2 $3 " ]' \
	"$wer" "$s" "$d" "$c"
check "wer rm 4003 (two reports): exit 2, both kept" bash -c '
	"$0" rm 4003; [ $? = 2 ] && [ "$(ls "$1/ReportQueue" | wc -l)" = 2 ]' "$wer" "$s"
check "wer rm of one that is not there and one that is: exit 1, the other removed" bash -c '
	"$0" rm nosuch AppCrash_delta; [ $? = 1 ] && [ "$(ls "$1/ReportQueue")" = "$2" ]' "$wer" "$s" "$c"

# ---- real crashes, a report without a crash, a degraded and a damaged one -----------------
export WER_REPORT_DIR=$tmp/store
crash() { # MODE [ENV...]: crash_program MODE; waits for its report
	local mode=$1 before
	shift
	before=$(ls "$tmp/store/ReportQueue" 2>/dev/null | wc -l)
	(env "$@" "$program" "$mode") >/dev/null 2>&1
	for _ in $(seq 600); do
		[ "$(ls "$tmp/store/ReportQueue" 2>/dev/null | wc -l)" -gt "$before" ] && return
		sleep 0.05
	done
	echo "no report of crash_program $mode within 30 s" >&2
}
for mode in null abort fpe ill bus thread-null; do
	crash $mode
done
crash null WER_HANDLER=/nonexistent/werfault # the crash path's own report
(cd "$tmp" && "$recovery" live "$tmp/live-notes") # two reports, made before it returns
mkdir -p "$tmp/store/ReportQueue/garbage-report"
echo junk >"$tmp/store/ReportQueue/garbage-report/Report.wer"
check "the reports are there: 7 crashes, 2 without a crash, 1 damaged" bash -c '
	[ "$(ls "$1/store/ReportQueue" | wc -l)" = 10 ]' _ "$tmp"

check "wer show --json of every report is valid JSON" bash -c '
	for id in $(ls "$1/store/ReportQueue"); do
		"$0" show --json "$id" | python3 -m json.tool >/dev/null || { echo "$id"; exit 1; }
	done' "$wer" "$tmp"
check "wer show --json: every thread of stack.txt with every frame, fields as in stack.txt" python3 -c '
import json, re, subprocess, sys, os
wer, store = sys.argv[1:3]
frame_re = re.compile(r"^  #(\d+) +0x([0-9a-f]+)(?: (?!in )(.+?) \(inlined\)| (?!in )(.+?)\+0x([0-9a-f]+))?(?: in (.+?)\+0x([0-9a-f]+))?(?: at (.+):(\d+))?$")
checked = 0
for rid in os.listdir(store):
    path = os.path.join(store, rid, "stack.txt")
    if not os.path.exists(path):
        continue
    blocks = [b.splitlines() for b in open(path).read().split("\n\n")]
    blocks = [b for b in blocks if b and b[0].startswith("Thread ")]
    d = json.loads(subprocess.run([wer, "show", "--json", rid], capture_output=True, check=True).stdout)
    threads = d["stack"]["threads"]
    assert d["stack"]["source"] == "stack.txt", d["stack"]
    assert len(threads) == len(blocks), (rid, len(threads), len(blocks))
    for t, b in zip(threads, blocks):
        assert b[0].startswith("Thread %d" % t["tid"]), (b[0], t)
        assert t["crashed"] == ("(crashed)" in b[0])
        lines = [l for l in b[1:] if l.startswith("  #")]
        assert len(lines) == len(t["frames"]) and lines, (rid, t["tid"], lines)
        for l, f in zip(lines, t["frames"]):
            m = frame_re.match(l)
            assert m, l
            assert f["index"] == int(m.group(1)) and int(f["pc"], 16) == int(m.group(2), 16), (l, f)
            assert f.get("function") == (m.group(3) or m.group(4)) and f.get("module") == m.group(6), (l, f)
            assert f.get("inlined", False) == (m.group(3) is not None), (l, f)
            assert f.get("file") == m.group(8) and (m.group(9) is None or f["line"] == int(m.group(9))), (l, f)
            if m.group(5):
                assert int(f["function_offset"], 16) == int(m.group(5), 16)
            if m.group(7):
                assert int(f["module_offset"], 16) == int(m.group(7), 16)
            checked += 1
assert checked > 50, checked
print(checked, "frames")
' "$wer" "$tmp/store/ReportQueue"
check "wer show --json of the crash with 20 more threads: all of them (ThreadCount), the crashed one first, each with frames" python3 -c '
import json, subprocess, sys, os
wer, store = sys.argv[1:3]
for rid in os.listdir(store):
    if not os.path.exists(os.path.join(store, rid, "stack.txt")):
        continue
    d = json.loads(subprocess.run([wer, "show", "--json", rid], capture_output=True, check=True).stdout)
    t = d["stack"]["threads"]
    if len(t) < 2 or d["event_type"] != "APPCRASH":
        continue
    count = int([l for l in open(os.path.join(store, rid, "Report.wer")) if l.startswith("ThreadCount=")][0][12:])
    assert len(t) == count and count > 20 and t[0]["crashed"] and t[0]["tid"] == d["tid"], [(x["tid"], x["crashed"]) for x in t]
    assert not any(x["crashed"] for x in t[1:]) and all(x["frames"] for x in t), t
    f = t[0]["frames"][0]
    assert f["function"] == "crash_null_write" and f["module"] == "crash_program" and f["file"].endswith("crash_program.c") and f["line"] > 0, f
    sys.exit(0)
sys.exit("no multi-threaded crash report")
' "$wer" "$tmp/store/ReportQueue"
check "wer show --json of the crash path's own report: its frames from Report.wer, symbolized" python3 -c '
import json, subprocess, sys
d = json.loads(subprocess.run([sys.argv[1], "list", "--json"], capture_output=True, check=True).stdout)
r = [x for x in d if x["degraded"]]
assert len(r) == 1, r
s = json.loads(subprocess.run([sys.argv[1], "show", "--json", r[0]["id"]], capture_output=True, check=True).stdout)["stack"]
assert s["source"] == "Report.wer" and len(s["threads"]) == 1 and s["threads"][0]["crashed"], s
f = s["threads"][0]["frames"]
assert f[0]["function"] == "crash_null_write" and f[0]["module"] == "crash_program" and f[0]["index"] == 0, f[0]
assert [x["index"] for x in f] == list(range(len(f))), f
' "$wer"
check "wer show --json of a report without a crash: the reporting thread first, not crashed" python3 -c '
import json, subprocess, sys
d = json.loads(subprocess.run([sys.argv[1], "list", "--json"], capture_output=True, check=True).stdout)
live = [x for x in d if x["event_type"] == "AppAssert"]
assert len(live) == 2, live
shown = [json.loads(subprocess.run([sys.argv[1], "show", "--json", x["id"]], capture_output=True, check=True).stdout)["stack"] for x in live]
with_dump = [s for s in shown if s["threads"]]
assert len(with_dump) == 1 and not with_dump[0]["threads"][0]["crashed"], shown
assert any(f.get("function") == "report_problem" for f in with_dump[0]["threads"][0]["frames"])
assert [s for s in shown if not s["threads"]][0]["note"].startswith("No dump was asked for"), shown
' "$wer"
for pair in "null SEGV_MAPERR (1)" "abort SI_TKILL (-6)" "fpe FPE_INTDIV (1)" "ill ILL_ILLOPN (2)" "bus BUS_ADRERR (2)"; do
	mode=${pair%% *} want=${pair#* }
	check "a real $mode crash: wer show says Signal Code $want" bash -c '
		id=$(grep -l "^CommandLine=.* $1\$" "$2"/ReportQueue/*/Report.wer | head -n1 | xargs dirname | xargs basename) &&
		"$0" show "$id" | grep -qxF "  Signal Code            $3"' "$wer" "$mode" "$tmp/store" "$want"
done
check "wer run's summary names the code too" bash -c '
	"$0" run -- "$1" null 2>&1 >/dev/null | grep -q "Signal Code *SEGV_MAPERR (1)"' "$wer" "$program"

# ---- the columns of wer list line up, whatever the ids -----------------------------------
check "wer list: every column starts where its heading does (crashes, reports without a crash, degraded, damaged)" python3 -c '
import json, subprocess, sys
wer = sys.argv[1]
text = subprocess.run([wer, "list"], capture_output=True, check=True, text=True).stdout.splitlines()
d = json.loads(subprocess.run([wer, "list", "--json"], capture_output=True, check=True).stdout)
head = text[0]
names = ["ID", "TIME", "STATE", "APPLICATION", "SIGNAL", "FAULT MODULE", "METADATA"]
start = [head.index(n) for n in names]
assert start[0] == 0 and start == sorted(start), head
lengths = {len(r["id"]) for r in d}
assert len(lengths) >= 3, lengths   # ids of several lengths: the test means something
assert len(text) == len(d) + 1
for line, r in zip(text[1:], d):
    cells = [line[start[i]:start[i + 1] if i + 1 < len(start) else None].rstrip() for i in range(len(start))]
    assert cells[0] == r["id"], (line, r["id"])
    if r["damaged"]:
        assert cells[1].startswith("(damaged:"), line
        continue
    for i in range(1, len(start)):
        assert line[start[i] - 1] == " ", (names[i], line)
    sig = r["signature"].get("Signal", "").split(" ")[0] or r["event_type"]
    state = "sent" if r["state"] == "sent" else "degraded" if r["degraded"] else "queued"
    want = [r["id"], r["time"][:19], state, r["application"], sig, r["signature"].get("Fault Module Name", "")]
    assert cells[:6] == want, (cells, want)
    assert line == line.rstrip(), repr(line)
print(len(d), "rows")
' "$wer"

# ---- secrets in UploadURL ---------------------------------------------------------------
mkdir -p "$tmp/config/openwer"
printf 'UploadURL = https://bob:hunter2@crash.example.com/api/minidump?api_key=s3cr3t&prod=app&Token=t0k3n&sentry_key=k3y&password=pw&x=1#access_token=fr4g\n' \
	>"$tmp/config/openwer/wer.conf"
check "wer config prints UploadURL with its password and secret parameters as ***" bash -c '
	out=$(XDG_CONFIG_HOME=$1 "$0" config) &&
	printf "%s\n" "$out" | grep -qF "UploadURL            = https://bob:***@crash.example.com/api/minidump?api_key=***&prod=app&Token=***&sentry_key=***&password=***&x=1#access_token=***" &&
	! printf "%s\n" "$out" | grep -q -e hunter2 -e s3cr3t -e t0k3n -e k3y -e "=pw" -e fr4g' "$wer" "$tmp/config"
check "... from the environment too (WER_UPLOAD_URL)" bash -c '
	out=$(WER_UPLOAD_URL="http://u:p4ss@h:8080/api/minidump?api_key=KEY123" "$0" config) &&
	printf "%s\n" "$out" | grep -qF "http://u:***@h:8080/api/minidump?api_key=*** " && ! printf "%s\n" "$out" | grep -q -e p4ss -e KEY123' "$wer"
check "... and a URL without secrets unchanged" bash -c '
	WER_UPLOAD_URL="https://h.example.com/api/minidump?prod=x" "$0" config | grep -qF "= https://h.example.com/api/minidump?prod=x "' "$wer"

# ---- wer run and static programs -------------------------------------------------------
if [ -n "$static" ] && [ -x "$static" ]; then
	out static "$wer" run -- "$static" "$tmp/static-ran"
	check "wer run STATIC: exit 2, not run, says how to link libwer instead" bash -c '
		[ "$(cat "$0.rc")" = 2 ] && [ ! -e "$1/static-ran" ] &&
		grep -q "statically linked" "$0.err" && grep -qF -- "-lwer" "$0.err" &&
		grep -qF -- "-static ... -lwer" "$0.err" &&
		grep -qF "pkg-config --libs wer" "$0.err" && grep -qF "wer::wer_static" "$0.err" &&
		grep -qF -- "--no-preload" "$0.err"' "$tmp/static" "$tmp"
	out static_np "$wer" run --no-preload -- "$static" "$tmp/static-ran"
	check "wer run --no-preload STATIC: run, its exit status" bash -c '
		[ "$(cat "$0.rc")" = 7 ] && [ "$(cat "$1/static-ran")" = ran ]' "$tmp/static_np" "$tmp"
	mkdir -p "$tmp/bin"
	ln -sf "$static" "$tmp/bin/static-in-path"
	out static_path env PATH="$tmp/bin:$PATH" "$wer" run -- static-in-path "$tmp/static-ran2"
	check "wer run STATIC found in PATH: refused too" bash -c '
		[ "$(cat "$0.rc")" = 2 ] && [ ! -e "$1/static-ran2" ]' "$tmp/static_path" "$tmp"
	out static_wer "$wer" run -- "$static_wer" crash
	check "wer run STATIC (with libwer linked in whole): refused too" bash -c '[ "$(cat "$0.rc")" = 2 ]' "$tmp/static_wer"
	out static_wer "$wer" run --no-preload -- "$static_wer" crash
	check "... run as it says (--no-preload): dies of SIGSEGV, its report written and summarized" bash -c '
		[ "$(cat "$0.rc")" = $((128 + 11)) ] && grep -q "^wer: report written to .*/AppCrash_static_wer_program_" "$0.err" &&
		grep -q "metadata Build *static-42" "$0.err" && grep -q "Signal Code *SEGV_MAPERR (1)" "$0.err"' "$tmp/static_wer"
else
	skip "wer run on a static program" "no static C library here (libc6-dev's libc.a)"
fi
printf '#!/bin/sh\nexit 5\n' >"$tmp/script.sh"
chmod +x "$tmp/script.sh"
check "wer run of a dynamic program and of a script: run as before" bash -c '
	"$0" run -- true && { "$0" run -- "$1"; [ $? = 5 ]; }' "$wer" "$tmp/script.sh"

totals
