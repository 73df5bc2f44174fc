#!/bin/bash
# SPDX-License-Identifier: MIT
# system_tests.sh WERFAULT WER CRASH_PLAIN CRASH_PROGRAM
#
# The system mode on this machine (docs/system.md): `wer system enable`
# makes werfault the kernel's core_pattern handler; a program that never
# loaded libwer crashes, as root and as another user, and its report lands
# in that user's store; a program with libwer's own handler gets exactly
# one report (libwer's); one in registration-only mode gets the kernel's,
# with its metadata; SIGKILL is not a crash; 100 crashes at once are 100
# reports; `disable` puts the pattern back; another handler
# is not replaced without --force. Needs root and a writable
# /proc/sys/kernel/core_pattern (else skipped, 77). The pattern in force
# before is restored on every exit, a failed check's too. Runs alone
# (RUN_SERIAL): while enabled, every crash on the machine comes here.
set -u
werfault=$1 wer=$2 plain=$3 program=$4
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../check.sh"
pattern_file=/proc/sys/kernel/core_pattern

if [ "$(id -u)" != 0 ]; then
	echo "skip - the system mode needs root"
	exit 77
fi
saved=$(cat "$pattern_file")
if ! (printf '%s' "$saved" >"$pattern_file") 2>/dev/null; then
	echo "skip - $pattern_file is not writable here"
	exit 77
fi
# Short paths: the kernel keeps 127 bytes of core_pattern, and a build
# directory's werfault can be deep (a symbolic link to it runs it all the
# same: werfault finds its unwinder through /proc/self/exe).
work=$(mktemp -d /tmp/ow.XXXXXX) || exit 2
chmod 711 "$work" # the crashed user's werfault goes through it
swapper=
trap 'printf "%s" "$saved" >"$pattern_file"; [ -z "$swapper" ] || kill "$swapper" 2>/dev/null
	umount "$work/full" 2>/dev/null; rm -rf "$work"' EXIT
ln -s "$werfault" "$work/werfault"
mkdir "$work/sysctl"
werfault=$work/werfault
root=$work/r
unset WER_REPORT_DIR WER_DISABLE LD_PRELOAD

check "enable: werfault handles cores, the old pattern kept, the pattern in sysctl.d for the next boot" eval '
	"$wer" system enable --sysctl-dir "$work/sysctl" --werfault "$werfault" --store-root "$root" &&
	grep -q "^|$werfault --core --store-root $root %P %i %u %g %d %s %t %c %F %h %e" "$pattern_file" &&
	"$wer" system status | grep -qx "handled by: openwer" &&
	[ "$(cat "$root/core_pattern.saved")" = "$saved" ] &&
	grep -qx "kernel.core_pattern = |$werfault --core --store-root $root %P %i %u %g %d %s %t %c %F %h %e" "$work/sysctl/50-openwer.conf"'
if [ "$failed" != 0 ]; then
	echo "not ok - the system mode could not be enabled: the other checks cannot run"
	exit 1
fi

count() { ls "$1" 2>/dev/null | wc -l; }
# A program without libwer, crashed as root: its report in root's store.
(ulimit -c 0; exec "$plain") >/dev/null 2>&1
wait_until 60 eval '[ "$(count "$root/users/0/ReportQueue")" -ge 1 ]'
report=$(ls -d "$root"/users/0/ReportQueue/* 2>/dev/null | head -n1)
check "a program that never loaded libwer: reported through the kernel, as its user (root)" eval '
	[ -f "$report/Report.wer" ] &&
	grep -qx "Sig\[5\].Value=SIGSEGV (11)" "$report/Report.wer" &&
	grep -q "plain_null_write" "$report/stack.txt" &&
	grep -qx "Sig\[0\].Value=crash_plain" "$report/Report.wer"'

# A core limit of "unlimited" (RLIMIT_CORE 2^64 - 1 in %c): reported the
# same.
before=$(count "$root/users/0/ReportQueue")
(ulimit -c unlimited; exec "$plain") >/dev/null 2>&1
wait_until 60 eval '[ "$(count "$root/users/0/ReportQueue")" -gt "$before" ]'
check "a process with ulimit -c unlimited: reported (%c beyond a long), ExitStatus says unlimited" eval '
	grep -qx "ExitStatus=killed by SIGSEGV (11), core dumped (piped to werfault, not kept; RLIMIT_CORE unlimited)" "$root"/users/0/ReportQueue/*/Report.wer'

# The same program as another user: that user's store, theirs alone.
chmod 755 "$(dirname "$plain")" 2>/dev/null
(ulimit -c 0; exec setpriv --reuid=65534 --regid=65534 --clear-groups "$plain") >/dev/null 2>&1
wait_until 60 eval '[ "$(count "$root/users/65534/ReportQueue")" -ge 1 ]'
check "another user's crash: in their store (users/65534), theirs alone (0700)" eval '
	[ "$(stat -c "%u %a" "$root/users/65534")" = "65534 700" ] &&
	[ "$(count "$root/users/65534/ReportQueue")" = 1 ] &&
	report=$(ls -d "$root"/users/65534/ReportQueue/*) &&
	[ "$(stat -c %u "$report/Report.wer")" = 65534 ] &&
	grep -q "plain_null_write" "$report/stack.txt"'
check "... and not in root's" eval '[ "$(count "$root/users/0/ReportQueue")" = 2 ]'

# The kernel's werfault is done with a crash once no werfault --core of
# this test runs (it was started before the crashed process could be
# reaped).
kernel_done() { ! pgrep -f "$werfault --core --store-root" >/dev/null; }

# Attacks by that user on their own store, planted as them: a link for
# the queue, a FIFO for the lock, a link for the staging directory.
# werfault writes there as the user, through O_NOFOLLOW directory handles:
# nothing lands where a link points, nothing waits on a FIFO, and the
# crash handling goes on.
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
ustore=$root/users/65534
mkdir "$work/elsewhere" && chown 65534:65534 "$work/elsewhere"
crash_as_nobody() {
	(ulimit -c 0; exec setpriv --reuid=65534 --regid=65534 --clear-groups "$plain") >/dev/null 2>&1
	wait_until 60 kernel_done
}
as_nobody mv "$ustore/ReportQueue" "$ustore/Queue.real" &&
	as_nobody ln -s "$work/elsewhere" "$ustore/ReportQueue"
crash_as_nobody
check "a planted link for the user's ReportQueue: nothing written where it points" eval '
	[ -L "$ustore/ReportQueue" ] && [ -z "$(ls -A "$work/elsewhere")" ]'
as_nobody rm "$ustore/ReportQueue" && as_nobody mv "$ustore/Queue.real" "$ustore/ReportQueue"
as_nobody rm -rf "$ustore/.staging" && as_nobody ln -s "$work/elsewhere" "$ustore/.staging"
crash_as_nobody
check "a planted link for the staging directory: nothing written where it points" eval '
	[ -z "$(ls -A "$work/elsewhere")" ]'
as_nobody rm "$ustore/.staging"
as_nobody rm -f "$ustore/.lock" && as_nobody mkfifo "$ustore/.lock"
before=$(count "$ustore/ReportQueue")
crash_as_nobody
wait_until 60 eval '[ "$(count "$ustore/ReportQueue")" -gt "$before" ]'
check "a FIFO planted as the store's lock: werfault does not wait on it, the report is written" eval '
	[ "$(count "$ustore/ReportQueue")" -gt "$before" ] && [ -p "$ustore/.lock" ]'
as_nobody rm -f "$ustore/.lock"

# The store swapped under werfault while it writes: the user's own
# swapper renames the queue and the staging directory away and plants
# links in their place, over and over, while crashes are reported.
# werfault writes as the user, through handles opened without following
# a link: nothing lands where the links point, no partial report is left
# anywhere. The store itself cannot be swapped by its user (its parent,
# DIR/users, is root's).
check "the user cannot swap their store itself (DIR/users is root's)" eval '
	! as_nobody mv "$ustore" "$root/users/swapped" 2>/dev/null && [ -d "$ustore" ] &&
	! as_nobody ln -s "$work/elsewhere" "$root/users/65535" 2>/dev/null'
# (mv -T: werfault may make a missing area anew meanwhile; the swapper
# never moves one area into another.)
setpriv --reuid=65534 --regid=65534 --clear-groups sh -c 'cd "$1" || exit 1
	while :; do
		mv -T ReportQueue Q.swap && ln -sT "$2" ReportQueue
		mv -T .staging S.swap && ln -sT "$2" .staging
		rm -f ReportQueue .staging
		mv -T Q.swap ReportQueue; mv -T S.swap .staging
	done' _ "$ustore" "$work/elsewhere" >/dev/null 2>&1 &
swapper=$!
for _ in 1 2 3 4 5 6 7 8; do crash_as_nobody; done
kill "$swapper"
wait "$swapper" 2>/dev/null
# Back as it was: the links gone, each area whole again (what werfault
# made meanwhile merged with what the swapper had moved away).
for pair in "ReportQueue Q.swap" ".staging S.swap"; do
	# shellcheck disable=SC2086
	set -- $pair
	as_nobody sh -c 'cd "$1" || exit 1
		[ -L "$2" ] && rm -f "$2"
		[ -d "$3" ] || exit 0
		if [ -d "$2" ]; then
			for e in "$3"/* "$3"/.[!.]*; do
				[ -e "$e" ] && mv -T "$e" "$2/${e##*/}"
			done
			rmdir "$3"
		else
			mv -T "$3" "$2"
		fi' _ "$ustore" "$1" "$2"
done
whole_reports() { # DIR: every report in it has its Report.wer
	local d
	for d in "$1"/*; do [ -f "$d/Report.wer" ] || return 1; done
}
check "the queue and staging swapped for links mid-write (8 crashes): nothing where the links point, every queued report whole, nothing left in staging" eval '
	[ -z "$(ls -A "$work/elsewhere")" ] && whole_reports "$ustore/ReportQueue" &&
	[ -z "$(ls "$ustore/.staging" 2>/dev/null)" ]'
# (A new report's name: the queue may be at its cap of 10 for the program.)
before=$(ls "$ustore/ReportQueue")
crash_as_nobody
check "... and the next crash is reported as usual" eval '
	ls "$ustore/ReportQueue" | grep -qvxF "$before"'

# libwer's own handler reports, then the process dies of its signal and
# the kernel pipes its core: one report, libwer's.
(ulimit -c 0; WER_REPORT_DIR=$work/inproc exec "$program" null) >/dev/null 2>&1
wait_until 60 kernel_done
wait_until 60 eval '[ "$(count "$work/inproc/ReportQueue")" -ge 1 ]'
check "a program with libwer's handler: one report, libwer's; the kernel's werfault adds none" eval '
	[ "$(count "$work/inproc/ReportQueue")" = 1 ] &&
	[ "$(count "$root/users/0/ReportQueue")" = 2 ]'

# Registration only: no handler in the process; its registrations come
# out of the core.
(ulimit -c 0; WER_REGISTRATION_ONLY=1 WER_REPORT_DIR=$work/regonly exec "$program" null) >/dev/null 2>&1
wait_until 60 eval '[ "$(count "$root/users/0/ReportQueue")" -ge 3 ]'
report=$(grep -l "crash_program" "$root"/users/0/ReportQueue/*/Report.wer 2>/dev/null | head -n1)
check "WER_REGISTRATION_ONLY=1: no in-process report; the kernel's has the metadata it registered" eval '
	[ "$(count "$work/regonly/ReportQueue")" = 0 ] && [ -n "$report" ] &&
	grep -qx "CustomMetadata\[0\].Value=nightly-42" "$report" &&
	grep -q "crash_null_write" "$(dirname "$report")/stack.txt"'

# The same from the settings: RegistrationOnly=1 in the user's file.
mkdir -p "$work/cfg/openwer" && printf 'RegistrationOnly=1\n' >"$work/cfg/openwer/wer.conf"
before=$(count "$root/users/0/ReportQueue")
(ulimit -c 0; XDG_CONFIG_HOME=$work/cfg WER_REPORT_DIR=$work/regonly-cfg exec "$program" fpe) >/dev/null 2>&1
wait_until 60 eval '[ "$(count "$root/users/0/ReportQueue")" -gt "$before" ]'
check "RegistrationOnly=1 in the user's settings: no in-process report, the kernel's one" eval '
	[ "$(count "$work/regonly-cfg/ReportQueue")" = 0 ] &&
	grep -l "^CommandLine=.*crash_program fpe\$" "$root"/users/0/ReportQueue/*/Report.wer >/dev/null'

# The registry as an attacker or a careful program leaves it
# (registration-only mode: the kernel's werfault is the only reader).
mode_report() { # MODE: the kernel's report of crash_program MODE
	grep -l "^CommandLine=.*crash_program $1\$" "$root"/users/0/ReportQueue/*/Report.wer 2>/dev/null | head -n1
}
for mode in hide-registry hostile-registry claims-reported; do
	(ulimit -c 0; WER_REGISTRATION_ONLY=1 exec "$program" "$mode") >/dev/null 2>&1
	wait_until 60 eval '[ -n "$(mode_report "$mode")" ]'
done
check "a registry hidden with MADV_DONTDUMP: reported as missing (Missing=registry), no metadata" eval '
	r=$(mode_report hide-registry) && [ -n "$r" ] &&
	grep -q "^Missing=.*registry" "$r" && ! grep -q "^CustomMetadata" "$r"'
check "a hostile registry (huge counts, lengths past their fields, escape sequences): a report all the same, no control byte in it" eval '
	r=$(mode_report hostile-registry) && [ -n "$r" ] &&
	grep -q "crash_null_write" "$(dirname "$r")/stack.txt" &&
	! grep -q "$(printf "\033")" "$r" "$(dirname "$r")/WERInternalMetadata.xml" &&
	! grep -q "Evil" "$r"'
check "a registry that says \"reported\" naming another process: not believed, the crash is reported" eval '
	r=$(mode_report claims-reported) && [ -n "$r" ] &&
	grep -qx "CustomMetadata\[0\].Value=nightly-42" "$r"'

# Registered memory blocks: read from the held process's memory as soon
# as the registry has streamed by (/proc/PID/mem, opened as root, read
# without root); an excluded block is zeroed in every byte of the core
# that reaches the report.
(ulimit -c 0; WER_REGISTRATION_ONLY=1 exec "$program" blocks) >/dev/null 2>&1
wait_until 60 eval '[ -n "$(mode_report blocks)" ]'
check "a registered memory block: its bytes in the kernel's report (MemoryBlock=...,captured); the excluded secret in no file" eval '
	r=$(mode_report blocks) && [ -n "$r" ] && d=$(dirname "$r") &&
	grep -q "^MemoryBlock=0x[0-9a-f]*,4096,captured\$" "$r" &&
	grep -qa "OPENWER-BLOCK-MARKER:OPENWER-BLOCK-MARKER:" "$d"/MemoryBlock-*.bin &&
	! grep -rqa OPENWER-EXCLUDED-SECRET "$d"'

# The process's /proc facts, read while the kernel holds it: the full
# command line, the environment, the cgroup; secrets scrubbed from the
# texts and from the stack bytes of the core (the environment's strings
# live at the top of the main thread's stack).
before=$(count "$root/users/0/ReportQueue")
(ulimit -c 0; OPENWER_TEST_SECRET=shibboleth42 exec "$plain" one password=hunter2) >/dev/null 2>&1
wait_until 60 eval '[ "$(count "$root/users/0/ReportQueue")" -gt "$before" ]'
report=$(grep -l "password=" "$root"/users/0/ReportQueue/*/Report.wer 2>/dev/null | head -n1)
check "the kernel's report has the /proc facts (command line, cgroup), read through the checked directory" eval '
	[ -n "$report" ] && grep -qx "CaughtBy=kernel" "$report" &&
	grep -qx "ExitStatus=killed by SIGSEGV (11), core dumped (piped to werfault, not kept; RLIMIT_CORE 0)" "$report" &&
	grep -qx "CommandLine=$plain one password=<scrubbed>" "$report" &&
	grep -q "^Cgroup=." "$report" && ! grep -q "^Missing=.*proc" "$report"'
check "... and no secret in any of its files: scrubbed from the texts and from the core's stack bytes" eval '
	dir=$(dirname "$report") &&
	grep -qa OPENWER_TEST_SECRET "$dir/minidump.mdmp" &&
	! grep -rqa -e shibboleth42 -e hunter2 "$dir"'

# A process in its own PID namespace (a container's): reported on the
# host, labelled with the namespaces that are not the host's.
(ulimit -c 0; exec unshare -p -f --mount-proc "$plain") >/dev/null 2>&1
wait_until 60 eval 'grep -lq "^Container=.*pid:\[" "$root"/users/0/ReportQueue/*/Report.wer 2>/dev/null'
report=$(grep -l "^Container=" "$root"/users/0/ReportQueue/*/Report.wer 2>/dev/null | head -n1)
check "a process in its own PID namespace (unshare -p): reported, Container= names its pid and mnt namespaces" eval '
	[ -n "$report" ] && grep -q "^Container=.*pid:\[[0-9]*\].*mnt:\[" "$report" &&
	grep -q "plain_null_write" "$(dirname "$report")/stack.txt"'

# A container with a root of its own: the program at /app/crash_plain,
# which the host does not have. Its modules are read through its root
# (openat2 RESOLVE_IN_ROOT), so its frames are named from its own file.
croot=$work/croot
container_name="a container with its own root (unshare -m --root): its program read through that root, frames named (plain_null_write, main)"
if ldd "$plain" | grep -q -e libasan -e libtsan -e libubsan; then
	# A sanitizer's runtime needs more of a system than this root has.
	skip "$container_name" "the program is built with a sanitizer"
else
	mkdir -p "$croot/app" "$croot/proc"
	cp "$plain" "$croot/app/crash_plain"
	for lib in $(ldd "$plain" | awk '/=>/ && $3 ~ /^\// {print $3} !/=>/ && $1 ~ /^\// {print $1}'); do
		mkdir -p "$croot$(dirname "$lib")" && cp -L "$lib" "$croot$lib"
	done
	before=$(count "$root/users/0/ReportQueue")
	(ulimit -c 0; exec unshare -m -p -f --root="$croot" /app/crash_plain) >/dev/null 2>&1
	wait_until 60 eval '[ "$(count "$root/users/0/ReportQueue")" -gt "$before" ]'
	wait_until 60 kernel_done
	report=$(grep -l -x "CommandLine=/app/crash_plain" "$root"/users/0/ReportQueue/*/Report.wer 2>/dev/null | head -n1)
	check "$container_name" eval '
		[ ! -e /app/crash_plain ] && [ -n "$report" ] &&
		grep -q "^Container=.*mnt:\[" "$report" &&
		grep -q "plain_null_write" "$(dirname "$report")/stack.txt" &&
		grep -q " main" "$(dirname "$report")/stack.txt"'
fi

# A set-id program (run by another user, fs.suid_dumpable=2 for the
# test): only root may read its report; its core is parsed by the
# system user, never by root, into DIR/restricted.
suid_saved=$(cat /proc/sys/fs/suid_dumpable)
trap 'printf "%s" "$saved" >"$pattern_file"; echo "$suid_saved" >/proc/sys/fs/suid_dumpable; rm -rf "$work"' EXIT
echo 2 >/proc/sys/fs/suid_dumpable
cp "$plain" "$work/suid_plain" && chmod 4755 "$work/suid_plain"
users_before=$(count "$root/users/65534/ReportQueue")
(ulimit -c 0; exec setpriv --reuid=65534 --regid=65534 --clear-groups "$work/suid_plain") >/dev/null 2>&1
wait_until 60 eval '[ "$(count "$root/restricted/ReportQueue")" -ge 1 ]'
wait_until 60 kernel_done
echo "$suid_saved" >/proc/sys/fs/suid_dumpable
check "a set-id program's crash: in DIR/restricted (the system user's, 0700), written as that user, not in the user's store" eval '
	[ "$(stat -c "%U %a" "$root/restricted")" = "openwer 700" ] &&
	report=$(ls -d "$root"/restricted/ReportQueue/* | head -n1) &&
	[ "$(stat -c %U "$report/Report.wer")" = openwer ] &&
	grep -q "plain_null_write" "$report/stack.txt" &&
	[ "$(count "$root/users/65534/ReportQueue")" = "$users_before" ]'
check "... and the user who ran it cannot read it" \
	eval '! setpriv --reuid=65534 --regid=65534 --clear-groups ls "$root/restricted" >/dev/null 2>&1'

check "wer list --all-users (root): every user's reports and the restricted store's, each with whose it is" eval '
	"$wer" list --all-users --store-root "$root" >"$work/all" &&
	grep -q "^root .*crash_plain" "$work/all" &&
	grep -q "^$(id -nu 65534) .*crash_plain" "$work/all" &&
	grep -q "^(restricted) .*suid_plain" "$work/all" &&
	"$wer" list --all-users --json --store-root "$root" | grep -q "\"user\": \"(restricted)\""'
check "... refused to another user" eval '
	! setpriv --reuid=65534 --regid=65534 --clear-groups "$wer" list --all-users --store-root "$root" 2>"$work/err" &&
	grep -q "root" "$work/err"'

# PID reuse (CVE-2020-15702, CVE-2025-5054, CVE-2025-4598): an impostor
# took the crashed process's PID before werfault read /proc.
python3 "$here/pid_reuse.py" "$werfault" "$work/reuse" "$work" >"$work/reuse.log" 2>&1 ||
	sed "s/^/# /" "$work/reuse.log"
reuse_report() { ls -d "$work/reuse/$1"/users/65534/ReportQueue/* 2>/dev/null | head -n1; }
check "PID reuse, the kernel's pidfd of the reaped process: the impostor's /proc is not read (Missing=proc)" eval '
	r=$(reuse_report stale) && [ -n "$r" ] && grep -q "^Missing=.*proc" "$r/Report.wer" &&
	! grep -rqa OPENWER_IMPOSTOR "$r"'
check "PID reuse, no pidfd (kernels before 6.16): refused too (the impostor dumps no core)" eval '
	r=$(reuse_report none) && [ -n "$r" ] && grep -q "^Missing=.*proc" "$r/Report.wer" &&
	! grep -rqa OPENWER_IMPOSTOR "$r"'
check "... control: given a pidfd of the impostor itself, werfault reads its /proc (the checks above can fail)" eval '
	r=$(reuse_report control) && [ -n "$r" ] && grep -rqa OPENWER_IMPOSTOR "$r"'

# A process killed (as the OOM killer kills) is not a crash: no core, no
# report.
before=$(count "$root/users/0/ReportQueue")
tail -f /dev/null &
victim=$!
kill -KILL "$victim"
wait "$victim" 2>/dev/null
wait_until 60 kernel_done
check "a process killed with SIGKILL (the OOM killer's way): no report" \
	test "$(count "$root/users/0/ReportQueue")" = "$before"

# A crash storm: 100 programs crash at once. Every one is reported or
# counted: identical crashes past DumpCount (10 an hour) are reported
# without a dump and counted (SignatureCount=). The queue is fair: the
# storm's program keeps its 10 newest (MaxQueueCountPerApp, the system
# mode's default), the other programs' reports stay, and each report
# removed leaves its small record in Trimmed.log. The machine's crash
# handling is not wedged after it.
of_app() { # APP: its reports in root's queue
	grep -l -x "Sig\[0\].Value=$1" "$root"/users/0/ReportQueue/*/Report.wer 2>/dev/null | wc -l
}
plain_seen() { # crash_plain's crashes in root's store: its reports queued and trimmed
	local trimmed
	trimmed=$(grep -c " app=crash_plain " "$root/users/0/Trimmed.log" 2>/dev/null)
	echo $(($(of_app crash_plain) + ${trimmed:-0}))
}
base=$(plain_seen)
programs_before=$(of_app crash_program)
for _ in $(seq 100); do
	(ulimit -c 0; exec "$plain") >/dev/null 2>&1 &
done
wait
wait_until 240 eval '[ "$(plain_seen)" -ge $((base + 100)) ]'
wait_until 120 kernel_done
check "100 simultaneous crashes: every one reported or recorded (queued + Trimmed.log = 100 more)" \
	test "$(plain_seen)" = $((base + 100))
check "... the storm's program keeps its 10 newest, the other programs' reports all stay ($programs_before of crash_program)" eval '
	[ "$(of_app crash_plain)" = 10 ] && [ "$programs_before" -ge 5 ] &&
	[ "$(of_app crash_program)" = "$programs_before" ]'
check "... each report removed left its small record (time, app, signal, module, offset, id)" eval '
	grep -q "^time=20[0-9T:.-]*Z app=crash_plain signal=SIGSEGV_(11) module=crash_plain offset=0x[0-9a-f]* id=AppCrash_crash_plain_" "$root/users/0/Trimmed.log"'
(ulimit -c 0; exec "$plain") >/dev/null 2>&1
wait_until 60 eval '[ "$(plain_seen)" -ge $((base + 101)) ]'
check "... and the next crash after the storm is reported too" test "$(plain_seen)" = $((base + 101))

# A huge core (a process of 4 GiB) on a nearly full disk: the store is a
# small file system (tmpfs, 1 MiB) with 24 KiB left. The process is let go
# once its core has streamed by (werfault keeps none of it), and the
# report is written without its minidump, saying why (Missing=space). With
# 8 KiB left not even that fits: the crash's small record goes to
# Trimmed.log (lost=no-space). Nothing is left half-written; once there is
# room again, reports are whole.
full=$work/full
mkdir "$full"
if ! mount -t tmpfs -o size=1m,mode=755 openwer-test "$full" 2>/dev/null; then
	skip "a huge core on a nearly full disk: a lean report" "no tmpfs can be mounted here"
else
	enabled=$(cat "$pattern_file")
	printf '%s' "|$werfault --core --store-root $full %P %i %u %g %d %s %t %c %F %h %e" >"$pattern_file"
	fill() { # KIB: leaves about KIB free in the small store
		rm -f "$full/filler"
		dd if=/dev/zero of="$full/filler" bs=1k count=$(($(df -k --output=avail "$full" | tail -n1) - $1)) 2>/dev/null
	}
	(ulimit -c 0; exec "$plain") >/dev/null 2>&1 # the store made
	wait_until 60 kernel_done
	fill 24
	(ulimit -c 0; WER_REGISTRATION_ONLY=1 exec timeout 300 "$program" big) >/dev/null 2>&1
	status=$?
	wait_until 120 kernel_done
	fq=$full/users/0/ReportQueue
	check "a huge core (4 GiB) on a nearly full disk: the process let go (killed by SIGSEGV), a report without its minidump (Missing=space)" eval '
		[ "$status" = 139 ] && [ "$(count "$fq")" = 2 ] &&
		r=$(grep -l "^Sig\[0\].Value=crash_program" "$fq"/*/Report.wer) &&
		grep -q "^Missing=.*space" "$r" && [ ! -e "${r%/Report.wer}/minidump.mdmp" ] &&
		grep -q crash_null_write "${r%/Report.wer}/stack.txt"'
	fill 8
	(ulimit -c 0; WER_REGISTRATION_ONLY=1 exec "$program" null) >/dev/null 2>&1
	wait_until 60 kernel_done
	check "... with 8 KiB left: no report, its small record in Trimmed.log (lost=no-space), nothing half-written" eval '
		[ "$(count "$fq")" = 2 ] && [ -z "$(ls "$full/users/0/.staging")" ] &&
		grep -q "^time=20[0-9T:.-]*Z app=crash_program signal=SIGSEGV_(11) module=crash_program offset=0x[0-9a-f]* id=AppCrash_crash_program_[0-9T_]* lost=no-space$" "$full/users/0/Trimmed.log"'
	rm -f "$full/filler"
	(ulimit -c 0; exec "$plain") >/dev/null 2>&1
	wait_until 60 kernel_done
	check "... and with room again, the next report is whole" eval '
		[ "$(count "$fq")" = 3 ] && [ "$(ls "$fq"/*/minidump.mdmp | wc -l)" = 2 ]'
	printf '%s' "$enabled" >"$pattern_file"
	umount "$full"
fi

check "disable: the pattern from before is back, the sysctl.d file gone" eval '
	"$wer" system disable --sysctl-dir "$work/sysctl" --store-root "$root" &&
	[ "$(cat "$pattern_file")" = "$saved" ] && [ ! -e "$root/core_pattern.saved" ] &&
	[ ! -e "$work/sysctl/50-openwer.conf" ]'

# Another handler is left alone unless --force.
printf '|/bin/false %%p' >"$pattern_file"
check "enable refuses to replace another handler, and says how to go on" eval '
	! "$wer" system enable --sysctl-dir "$work/sysctl" --werfault "$werfault" --store-root "$root" 2>"$work/err" &&
	grep -q -- "--force" "$work/err" &&
	[ "$(cat "$pattern_file")" = "|/bin/false %p" ]'
check "... --force replaces it, and disable puts it back" eval '
	"$wer" system enable --sysctl-dir "$work/sysctl" --force --werfault "$werfault" --store-root "$root" >/dev/null &&
	"$wer" system status | grep -qx "handled by: openwer" &&
	"$wer" system disable --sysctl-dir "$work/sysctl" --store-root "$root" >/dev/null &&
	[ "$(cat "$pattern_file")" = "|/bin/false %p" ]'
check "status, disable without openwer: says who handles cores" eval '
	"$wer" system status | grep -qx "handled by: another handler" &&
	! "$wer" system disable --sysctl-dir "$work/sysctl" --store-root "$root" 2>/dev/null'
totals "system: "
