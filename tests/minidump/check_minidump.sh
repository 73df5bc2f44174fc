#!/bin/bash
# SPDX-License-Identifier: MIT
# check_minidump.sh REPORT_DIR BINARY EXPECT_FUNCTION EXPECT_SIGNAL_NUMBER [KEY=VALUE ...]
#
# Checks one report's minidump.mdmp with Breakpad's own tools (the reference
# readers of the format), as a symbol server or a crash triager would use it:
#   - minidump_dump parses it, every stream openwer writes is there, and the
#     custom metadata are in the Crashpad info stream: each KEY=VALUE given
#     is printed as simple_annotations["KEY"] = VALUE;
#   - dump_syms BINARY makes a .sym file, stored as minidump_stackwalk looks
#     for it (SYMDIR/<name>/<id>/<name>.sym), and the dump's module for
#     BINARY carries the same id (the BpEL CodeView record: the build id);
#   - minidump_stackwalk -m DUMP SYMDIR walks it: the crash reason is the
#     signal's name, the crashed thread is the exception stream's thread and
#     Report.wer's ThreadId, the crash address is Report.wer's Fault Address,
#     and EXPECT_FUNCTION is frame 0 of the crashed thread (for SIGABRT,
#     raised inside libc, any frame of it; after a call through NULL,
#     frame 0 in no module, frame 1);
#   - the dump holds as many threads, with the same ids, as stack.txt has
#     thread blocks.
# One line per check (ok - ... / not ok - ...: reason); exits 1 if any
# failed, 2 on bad usage.
#
# The tools: $MINIDUMP_TOOLS (a directory), else what
# scripts/minidump-tools.sh prints (it installs them the first time).
# $MINIDUMP_STREAMS overrides the stream types that must be present.
# Keep the work files for a look: MINIDUMP_CHECK_KEEP=1.
set -u

if [ $# -lt 4 ]; then
	echo "usage: $0 REPORT_DIR BINARY EXPECT_FUNCTION EXPECT_SIGNAL_NUMBER [KEY=VALUE ...]" >&2
	exit 2
fi
report=$1 binary=$2 expect_fn=$3 expect_sig=$4
shift 4
pairs=("$@")
dump=$report/minidump.mdmp
here=$(cd "$(dirname "$0")" && pwd)

# What openwer's writer emits (src/handler/minidump.c): ThreadList,
# ModuleList, MemoryList, Exception, SystemInfo, MiscInfo, MemoryInfoList,
# ThreadNameList, Crashpad info, and the Linux streams read from /proc.
# LsbRelease (the machine may have no os-release) and DsoDebug (none in a
# static program) may be absent.
streams=${MINIDUMP_STREAMS:-0x3 0x4 0x5 0x6 0x7 0xf 0x10 0x18 0x43500001 0x47670003 0x47670004 0x47670006 0x47670007 0x47670008 0x47670009}

failed=0
ok() { echo "ok - $1"; }
not_ok() { echo "not ok - $1: $2"; failed=1; }
# A file's first lines on one line, for reasons.
excerpt() { # FILE [LINES]
	[ -s "$1" ] || { echo '(empty)'; return; }
	head -n "${2:-3}" "$1" | cut -c1-200 | tr '\n' ' ' | sed 's/ *$//'
}

signal_name() { # NUMBER: the name Breakpad's processor gives Linux signals
	case $1 in
	4) echo SIGILL ;; 5) echo SIGTRAP ;; 6) echo SIGABRT ;; 7) echo SIGBUS ;;
	8) echo SIGFPE ;; 11) echo SIGSEGV ;; 31) echo SIGSYS ;;
	*) echo "signal $1" ;;
	esac
}

# Report.wer's value for NAME (first line NAME=...).
wer_line() { # NAME
	[ -f "$report/Report.wer" ] &&
		awk -v k="$1" 'index($0, k "=") == 1 { print substr($0, length(k) + 2); exit }' "$report/Report.wer"
}

# ---- setup ------------------------------------------------------------------

if [ ! -s "$dump" ]; then
	not_ok "minidump.mdmp in the report" "$dump missing or empty"
	exit 1
fi
if [ ! -f "$binary" ]; then
	not_ok "binary to symbolize" "$binary does not exist"
	exit 1
fi
tools=${MINIDUMP_TOOLS:-}
if [ -z "$tools" ] && [ -z "${WER_TEST_DUMPS_DIR:-}" ]; then
	tools=$(sh "$here/../../scripts/minidump-tools.sh") || tools=
fi
# Where the tools cannot run (the AArch64 VM: npm's are x86-64 binaries,
# and it has no network), WER_TEST_DUMPS_DIR keeps the report (and the
# binary, and these arguments) for the host, which runs this script on
# it with its own tools (scripts/test-arm64.sh): checked there, not here.
if [ -n "${WER_TEST_DUMPS_DIR:-}" ] &&
	{ [ -z "$tools" ] || [ ! -x "$tools/minidump_stackwalk" ]; }; then
	keep=$(mktemp -d "$WER_TEST_DUMPS_DIR/dump.XXXXXX") || exit 2
	cp -r "$report" "$keep/report" && cp "$binary" "$keep/" &&
		printf '%s\n' "$(basename "$binary")" "$expect_fn" "$expect_sig" \
			"${pairs[@]}" >"$keep/args" || exit 2
	[ -z "${MINIDUMP_STREAMS:-}" ] || printf '%s\n' "$MINIDUMP_STREAMS" >"$keep/streams"
	ok "minidump kept for the host's Breakpad tools: $keep"
	exit 0
fi
for t in minidump_dump minidump_stackwalk dump_syms; do
	if [ -z "$tools" ] || [ ! -x "$tools/$t" ]; then
		not_ok "Breakpad's minidump tools" "$t not found (${tools:-scripts/minidump-tools.sh failed}; run scripts/minidump-tools.sh)"
		exit 1
	fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/openwer-mdcheck.XXXXXX") || exit 2
if [ "${MINIDUMP_CHECK_KEEP:-0}" = 1 ]; then
	echo "# work files kept in $work"
else
	trap 'rm -rf "$work"' EXIT
fi
symdir=$work/symbols

# ---- (a) minidump_dump ------------------------------------------------------

"$tools/minidump_dump" "$dump" >"$work/dump.txt" 2>"$work/dump.err"
rc=$?
# minidump_dump counts a missing MemoryInfoList (stream 16) as an error,
# though neither Breakpad's Linux writer nor openwer's writes one: that
# alone is tolerated. Every other ERROR line (a stream it could not read,
# a required stream missing) fails the check.
errors=$(grep ': ERROR: ' "$work/dump.err" |
	grep -v 'minidump_dump.cc:[0-9]*: ERROR: minidump.GetMemoryInfoList() failed' |
	sed 's/^[0-9-]* [0-9:]*: //')
no_meminfo=''
grep -q 'GetStream: type 16 not present' "$work/dump.err" && no_meminfo=1
if [ -n "$errors" ]; then
	not_ok "minidump_dump parses the dump" "exit $rc: $(echo "$errors" | head -n 3 | tr '\n' ' ')"
elif [ "$rc" -ne 0 ] && ! { [ "$rc" -eq 1 ] && [ -n "$no_meminfo" ]; }; then
	not_ok "minidump_dump parses the dump" "exit $rc ($(excerpt "$work/dump.err"))"
elif ! grep -q '^  signature *= 0x504d444d' "$work/dump.txt"; then
	not_ok "minidump_dump parses the dump" "no MDMP header printed ($(excerpt "$work/dump.txt"))"
else
	ok "minidump_dump parses the dump${no_meminfo:+ (no MemoryInfoList stream: the only error minidump_dump reports)}"
fi

# Stream types listed under "Streams:".
present=$(awk '/^Streams:$/ { s = 1; next } s && /^$/ { exit }
	s && $1 == "stream" && $2 == "type" { print $3 }' "$work/dump.txt")
missing=''
for s in $streams; do
	grep -qx -- "$s" <<<"$present" || missing+=" $s"
done
if [ -n "$missing" ]; then
	not_ok "the dump has every stream openwer writes" "missing stream types:$missing (present: $(tr '\n' ' ' <<<"$present"))"
else
	ok "the dump has every stream openwer writes ($(echo "$present" | grep -c .) streams)"
fi

# The Crashpad info stream as minidump_dump prints it:
#   MDRawCrashpadInfo
#     version = 1
#     simple_annotations["KEY"] = VALUE     (one per key, sorted by key)
awk '/^MDRawCrashpadInfo$/ { c = 1; next } c && /^$/ { exit } c' "$work/dump.txt" >"$work/crashpad.txt"
if ! grep -q '^MDRawCrashpadInfo$' "$work/dump.txt"; then
	not_ok "custom metadata in the Crashpad info stream" "minidump_dump printed no Crashpad info (stream 0x43500001 missing or unreadable)"
else
	bad=()
	for kv in "${pairs[@]}"; do
		key=${kv%%=*} value=${kv#*=}
		line="  simple_annotations[\"$key\"] = $value"
		if ! grep -qxF -- "$line" "$work/crashpad.txt"; then
			got=$(grep -F -- "  simple_annotations[\"$key\"] = " "$work/crashpad.txt" | head -n1)
			got=${got#*\"] = }
			bad+=("$key is '${got:-(absent)}', not '$value'")
		fi
	done
	count=$(grep -c '^  simple_annotations\[' "$work/crashpad.txt")
	if [ ${#bad[@]} -gt 0 ]; then
		not_ok "custom metadata in the Crashpad info stream" "$(printf '%s; ' "${bad[@]}")annotations: $(grep '^  simple_annotations\[' "$work/crashpad.txt" | head -n 8 | sed 's/^  simple_annotations//' | tr '\n' ' ')"
	else
		ok "custom metadata in the Crashpad info stream (${#pairs[@]} pairs given, $count simple annotations)"
	fi
fi

# ---- (b) dump_syms and the module's id ----------------------------------------

"$tools/dump_syms" "$binary" >"$work/binary.sym" 2>"$work/dump_syms.err"
rc=$?
read -r word os arch id name <"$work/binary.sym" 2>/dev/null || word=
sym_id=''
if [ "$rc" -ne 0 ] || [ "$word" != MODULE ] || [ -z "${name:-}" ]; then
	not_ok "dump_syms makes a symbol file" "exit $rc, first line '$(head -n1 "$work/binary.sym" | cut -c1-100)' ($(excerpt "$work/dump_syms.err"))"
else
	mkdir -p "$symdir/$name/$id"
	mv "$work/binary.sym" "$symdir/$name/$id/$name.sym"
	sym_id=$id
	ok "dump_syms makes a symbol file (MODULE $os $arch $id $name)"
fi

# The dump's module for BINARY: same path, else same file name.
awk '/^  \(code_file\) / { f = $0; sub(/^[^=]*= "/, "", f); sub(/"$/, "", f) }
	/^  \(debug_identifier\) / { i = $0; sub(/^[^=]*= "/, "", i); sub(/"$/, "", i); print f "\t" i }' \
	"$work/dump.txt" >"$work/modules.txt"
real=$(readlink -f "$binary")
module=$(awk -F '\t' -v p="$real" '$1 == p' "$work/modules.txt" | head -n1)
if [ -z "$module" ]; then
	module=$(awk -F '\t' -v b="${real##*/}" '{ n = $1; sub(/.*\//, "", n) } n == b' "$work/modules.txt" | head -n1)
fi
if [ -n "$sym_id" ]; then
	if [ -z "$module" ]; then
		not_ok "the dump's module for the binary has dump_syms's id" "no module named ${real##*/} among $(wc -l <"$work/modules.txt") modules"
	elif [ "${module#*$'\t'}" != "$sym_id" ]; then
		not_ok "the dump's module for the binary has dump_syms's id" "${module%%$'\t'*} has ${module#*$'\t'}, dump_syms says $sym_id"
	else
		ok "the dump's module for the binary has dump_syms's id (${module%%$'\t'*})"
	fi
fi

# ---- (c) minidump_stackwalk -------------------------------------------------

"$tools/minidump_stackwalk" -m "$dump" "$symdir" >"$work/walk.txt" 2>"$work/walk.err"
rc=$?
"$tools/minidump_stackwalk" "$dump" "$symdir" >"$work/walk-human.txt" 2>/dev/null
crash=$(grep '^Crash|' "$work/walk.txt" | head -n1)
IFS='|' read -r _ reason address crashed_index <<<"$crash"
if [ "$rc" -ne 0 ] || [ -z "$crash" ]; then
	not_ok "minidump_stackwalk walks the dump" "exit $rc ($(grep -v ': INFO: ' "$work/walk.err" | head -n 3 | tr '\n' ' '))"
else
	ok "minidump_stackwalk walks the dump ($(grep -c '^[0-9]*|[0-9]*|' "$work/walk.txt") frames)"
fi

want=$(signal_name "$expect_sig")
# Breakpad: "SIGSEGV /SEGV_MAPERR", "SIGFPE / FPE_INTDIV", "SIGABRT".
if [ "${reason:-}" = "$want" ] || [[ ${reason:-} == "$want "* ]]; then
	ok "crash reason $reason"
else
	not_ok "crash reason is $want" "minidump_stackwalk says '${reason:-}'"
fi

fault=$(wer_line 'Sig[7].Value')
if [ -n "$fault" ] && [ -n "${address:-}" ]; then
	if [ "$((address))" -eq "$((fault))" ] 2>/dev/null; then
		ok "crash address $address is Report.wer's Fault Address"
	else
		not_ok "crash address is Report.wer's Fault Address" "minidump_stackwalk says '$address', Report.wer $fault"
	fi
fi

# Thread ids in ThreadList order, and the exception stream's thread.
awk '/^MDRawThread$/ { t = 1; next } t && /^  thread_id / { print $3; t = 0 }' \
	"$work/dump.txt" >"$work/tids.hex"
exc_tid=$(awk '/^MDException$/ { e = 1; next } e && /^  thread_id / { print $3; exit }' "$work/dump.txt")
exc_index=$(grep -nx -- "${exc_tid:-none}" "$work/tids.hex" | head -n1 | cut -d: -f1)
wer_tid=$(wer_line ThreadId)
if [ -z "$exc_tid" ] || [ -z "$exc_index" ]; then
	not_ok "crashed thread" "exception stream's thread ${exc_tid:-(none)} is not in the thread list"
elif [ "${crashed_index:-x}" != $((exc_index - 1)) ]; then
	not_ok "crashed thread" "minidump_stackwalk says thread index '${crashed_index:-}', the exception stream's thread $exc_tid is index $((exc_index - 1))"
elif [ -n "$wer_tid" ] && [ "$((exc_tid))" != "$wer_tid" ]; then
	not_ok "crashed thread" "the dump's crashed thread is $((exc_tid)), Report.wer's ThreadId=$wer_tid"
else
	note=''
	[ -z "$wer_tid" ] || note=" (Report.wer's ThreadId)"
	ok "crashed thread: index $crashed_index, thread $((exc_tid))$note"
fi

# Frames of the crashed thread: THREAD|FRAME|MODULE|FUNCTION|FILE|LINE|OFFSET.
awk -F '|' -v t="${crashed_index:-x}" '$1 == t && $2 ~ /^[0-9]+$/' "$work/walk.txt" >"$work/crashed.txt"
# A function matches by its name, with or without a parameter list.
matches() { awk -F '|' -v f="$expect_fn" '$4 == f || index($4, f "(") == 1' "$1"; }
frame0=$(awk -F '|' '$2 == 0' "$work/crashed.txt" | head -n1)
frame1=$(awk -F '|' '$2 == 1' "$work/crashed.txt" | head -n1)
where=$(matches "$work/crashed.txt" | head -n1)
frames=$(cut -d'|' -f2-4 "$work/crashed.txt" | head -n 6 | tr '\n' ' ')
if [ -n "$(matches <(echo "$frame0"))" ]; then
	ok "$expect_fn is frame 0 of the crashed thread"
elif [ -z "$(echo "$frame0" | cut -d'|' -f3)" ] && [ -n "$(matches <(echo "$frame1"))" ]; then
	ok "$expect_fn is frame 1 of the crashed thread (frame 0 in no module: a call through NULL)"
elif [ "$expect_sig" = 6 ] && [ -n "$where" ]; then
	ok "$expect_fn is frame $(echo "$where" | cut -d'|' -f2) of the crashed thread (SIGABRT: frame 0 is in $(echo "$frame0" | cut -d'|' -f3))"
else
	if ! grep -qE "^(FUNC|PUBLIC) .* $expect_fn\$" "$symdir"/*/*/*.sym 2>/dev/null; then
		frames+="(and ${binary##*/}'s symbol file has no $expect_fn)"
	fi
	not_ok "$expect_fn is $([ "$expect_sig" = 6 ] && echo "a frame" || echo "frame 0") of the crashed thread" "frames: ${frames:-(none)}"
fi

# ---- (d) threads: the dump against stack.txt ----------------------------------

stack=$report/stack.txt
walked=$(grep -cE '^Thread [0-9]+( |$)' "$work/walk-human.txt")
listed=$(grep -c . "$work/tids.hex")
if [ ! -f "$stack" ]; then
	not_ok "the dump's threads are stack.txt's" "no stack.txt in the report"
else
	blocks=$(grep -cE '^Thread [0-9]+( |$)' "$stack")
	sed -nE 's/^Thread ([0-9]+)( .*|$)/\1/p' "$stack" | sort -n >"$work/stack-tids"
	while read -r h; do echo $((h)); done <"$work/tids.hex" | sort -n >"$work/dump-tids"
	if [ "$walked" -ne "$blocks" ] || [ "$listed" -ne "$blocks" ]; then
		not_ok "the dump's threads are stack.txt's" "minidump_stackwalk shows $walked threads (thread list: $listed), stack.txt has $blocks blocks"
	elif ! cmp -s "$work/stack-tids" "$work/dump-tids"; then
		not_ok "the dump's threads are stack.txt's" "thread ids differ: dump $(tr '\n' ' ' <"$work/dump-tids"), stack.txt $(tr '\n' ' ' <"$work/stack-tids")"
	else
		ok "the dump's threads are stack.txt's ($blocks)"
	fi
fi

exit "$failed"
