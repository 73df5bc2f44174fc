#!/bin/bash
# SPDX-License-Identifier: MIT
# setid_tests.sh BUILD_DIR SETID_PROGRAM_C SYSTEM_STORE
#
# A set-user-ID root program linked with libwer, run by an unprivileged
# user created for the test, must not hand out root (docs/security.md,
# "Set-id and privileged processes"). The program is built against an
# install of this build, as a user would build it, and made set-user-ID
# root. Each case runs it as the user with a hostile environment:
# WER_HANDLER and WER_CLI naming the user's own script, WER_REPORT_DIR the
# user's directory, WER_UPLOAD_URL and a user settings file naming the
# user's server at ConsentLevel 4. Checked:
#   - a crash (and a SIGSEGV the user sends) is reported in the root-only
#     system store only: directories 0700 and files 0600, owned by root,
#     Privileged= in Report.wer; the user's script never ran, nothing was
#     uploaded, nothing was written into the user's home or directory;
#     the process still died of its signal;
#   - when werfault cannot run, the crashed process's own report goes to
#     the same root-only store, with the same modes;
#   - a report without a crash (wer_report_now) goes there too;
#   - a program that dropped its privileges wholly and declared itself
#     dumpable again is reported as the user it became, in that user's
#     store, by a werfault running as that user;
#   - one that dropped them but stays not dumpable (the kernel's default)
#     is not reported in-process at all, and says so on stderr.
# Needs root (it creates a user and a set-user-ID file); skips otherwise.
set -u

if [ $# -ne 3 ]; then
	echo "usage: $0 BUILD_DIR SETID_PROGRAM_C SYSTEM_STORE" >&2
	exit 2
fi
build=$1 source=$2 system_store=$3
if [ "$(id -u)" != 0 ] || ! command -v useradd >/dev/null || ! command -v setpriv >/dev/null; then
	echo "not root, or no useradd/setpriv: skipped"
	exit 77
fi
. "$(dirname "$0")/../check.sh"
ulimit -S -c 0
unset WER_DISABLE WER_TIMEOUT_MS WER_REPORT_DIR WER_HANDLER LD_PRELOAD XDG_STATE_HOME

work=$(mktemp -d "${TMPDIR:-/tmp}/openwer-setid.XXXXXX") || exit 2
user=wersetid$$
receiver_pid=
cleanup() {
	[ -n "$receiver_pid" ] && kill "$receiver_pid" 2>/dev/null
	userdel "$user" 2>/dev/null
	rm -rf "$system_store"/ReportQueue/*"_$app"_* "$work"
}
trap cleanup EXIT
chmod 755 "$work"
prefix=$work/prefix
cmake --install "$build" --prefix "$prefix" >/dev/null || exit 2
app=setid-$$
cc -Wall -Werror -o "$prefix/bin/$app" "$source" -I"$prefix/include" -L"$prefix/lib" -lwer \
	-Wl,-rpath,"$prefix/lib" || exit 2
chown -R root:root "$prefix"
chmod -R go+rX "$prefix"
chmod 4755 "$prefix/bin/$app"
useradd -M -d "$work/home" -s /bin/sh "$user" || exit 2
uid=$(id -u "$user") gid=$(id -g "$user")
mkdir -p "$work/home/.config/openwer" "$work/out"
chown -R "$user:" "$work/home"
chmod 1777 "$work/out"

# The user's tools: a script that records that it ran (and as whom), and a
# server that records any connection.
cat >"$work/evil.sh" <<'SH'
#!/bin/sh
id -u >>"${0%/*}/out/evil-ran"
SH
chmod 755 "$work/evil.sh"
python3 - "$work/out" <<'PY' &
import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(8)
open(sys.argv[1] + "/port.tmp", "w").write(str(s.getsockname()[1]))
import os
os.rename(sys.argv[1] + "/port.tmp", sys.argv[1] + "/port")
while True:
    c, _ = s.accept()
    open(sys.argv[1] + "/uploaded", "a").write("connection\n")
    c.close()
PY
receiver_pid=$!
wait_until 30 test -f "$work/out/port"
port=$(cat "$work/out/port") || { echo "the receiver did not start"; exit 2; }
url=http://127.0.0.1:$port/submit
printf 'ConsentLevel=4\nUploadURL=%s\n' "$url" >"$work/home/.config/openwer/wer.conf"
chown "$user:" "$work/home/.config/openwer/wer.conf"
touch "$work/stamp"

# A command prefix: as the user, with the hostile environment (an array,
# not a function: `"${as_user[@]}" PROGRAM &` leaves $! the program's pid).
as_user=(setpriv --reuid="$uid" --regid="$gid" --clear-groups -- env -i
	PATH=/usr/bin:/bin HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config"
	WER_HANDLER="$work/evil.sh" WER_CLI="$work/evil.sh"
	WER_REPORT_DIR="$work/userstore" WER_UPLOAD_URL="$url" WER_CONSENT=4)
# As the user, with a plain environment and the user's own store.
as_user_home=(setpriv --reuid="$uid" --regid="$gid" --clear-groups -- env -i
	PATH=/usr/bin:/bin HOME="$work/home" WER_HANDLER="$work/evil.sh")

# The report of process $1 in store $2 (waits for it, 60 s at most).
report_in() { # PID STORE
	ls -d "$2"/ReportQueue/*_"$1" >/dev/null 2>&1
}
report_of() { # PID STORE
	wait_until 60 report_in "$1" "$2" && ls -d "$2"/ReportQueue/*_"$1" | head -1
}

# Waits (60 s at most) until no werfault handles process $1 any more
# (check.sh's no_werfault_for).
werfault_gone() { # PID
	wait_until 60 no_werfault_for "$1"
}

# Nothing of the user's ran or received anything, and nothing was written
# into the user's home or directory; checked once werfault is gone and no
# `wer submit` of REPORT (werfault starts it detached; a hostile WER_CLI
# would run as "... submit ID" too) is running any more, 60 s at most.
no_submit_of() { # REPORT
	! pgrep -f "submit ${1##*/}\$" >/dev/null
}
nothing_for_the_user() { # REPORT
	local ok=0
	wait_until 60 no_submit_of "$1"
	[ -e "$work/out/evil-ran" ] && { echo "the user's WER_HANDLER/WER_CLI ran as: $(cat "$work/out/evil-ran")"; ok=1; }
	[ -e "$work/out/uploaded" ] && { echo "something was uploaded to the user's server"; ok=1; }
	[ -e "$work/userstore" ] && { echo "the user's WER_REPORT_DIR was used:"; ls -laR "$work/userstore"; ok=1; }
	local new
	new=$(find "$work/home" -newer "$work/stamp" 2>/dev/null)
	[ -n "$new" ] && { echo "written into the user's home: $new"; ok=1; }
	return $ok
}

# Directory $1 and everything in it: root's, 0700 directories, 0600 files.
root_only() { # DIR
	local bad
	bad=$(find "$1" \( -type d ! -perm 700 \) -o \( -type f ! -perm 600 \) -o ! -user root -o ! -group root)
	[ -z "$bad" ] || { echo "not root-only:"; ls -la $bad; return 1; }
	[ "$(stat -c %U:%a "$system_store")" = root:700 ] || { echo "system store: $(stat -c %U:%a "$system_store")"; return 1; }
}

root_crash_report() { # REPORT
	local report=$1
	[ -n "$report" ] || { echo "no report in the system store"; return 1; }
	grep -q '^CustomMetadata\[.*\]\.Value=setid-test$' "$report/Report.wer" || { echo "metadata missing"; return 1; }
	grep -q '^Privileged=' "$report/Report.wer" || { echo "no Privileged= line"; return 1; }
	root_only "$report" && nothing_for_the_user "$report"
}

# 1. A crash.
"${as_user[@]}" "$prefix/bin/$app" crash >"$work/out1" 2>&1 &
pid=$!
wait $pid
status=$?
report=$(report_of $pid "$system_store")
werfault_gone $pid
check "set-id crash: died of SIGSEGV (status $status)" test "$status" = 139
check "set-id crash: the report is root's alone, nothing for the user" root_crash_report "$report"
check "set-id crash: a full report (minidump, stack.txt)" test -s "$report/minidump.mdmp" -a -s "$report/stack.txt"

# 2. A SIGSEGV the user sends to the waiting program.
coproc WAITER { exec "${as_user[@]}" "$prefix/bin/$app" wait 2>&1; }
pid=$WAITER_PID
read -r -t 30 line <&"${WAITER[0]}"
check "set-id wait: started ($line)" test "$line" = ready
setpriv --reuid="$uid" --regid="$gid" --clear-groups -- kill -SEGV "$pid" ||
	kill -KILL "$pid"
wait "$pid"
status=$?
report=$(report_of $pid "$system_store")
werfault_gone $pid
check "set-id kill -SEGV: died of SIGSEGV (status $status)" test "$status" = 139
check "set-id kill -SEGV: the report is root's alone" root_crash_report "$report"
check "set-id kill -SEGV: the user's signal recorded (SI_USER)" grep -q '^Sig\[6\]\.Value=0$' "$report/Report.wer"

# 3. werfault cannot run: the crashed process's own report, root's too.
chmod 644 "$prefix/libexec/openwer/werfault"
"${as_user[@]}" "$prefix/bin/$app" crash >"$work/out3" 2>&1 &
pid=$!
wait $pid
status=$?
chmod 755 "$prefix/libexec/openwer/werfault"
report=$(report_of $pid "$system_store")
check "set-id fallback: died of SIGSEGV (status $status)" test "$status" = 139
check "set-id fallback: the crashed process's own report is root's alone" root_crash_report "$report"
check "set-id fallback: says it is degraded" grep -q '^Degraded=written by the crashed process' "$report/Report.wer"

# 4. A report without a crash.
out=$("${as_user[@]}" "$prefix/bin/$app" live 2>&1 &
	echo "pid $!"
	wait)
pid=$(echo "$out" | sed -n 's/^pid //p')
check "set-id live: S_OK ($out)" grep -q 0x00000000 <<<"$out"
report=$(ls -d "$system_store"/ReportQueue/SetidLive_"$app"_*_"$pid" 2>/dev/null | head -1)
werfault_gone "$pid"
live_report() {
	[ -n "$report" ] || { echo "no live report in the system store"; return 1; }
	grep -q '^Privileged=' "$report/Report.wer" || { echo "no Privileged= line"; return 1; }
	root_only "$report" && nothing_for_the_user "$report"
}
check "set-id live: the report is root's alone" live_report

# 5. Dropped wholly, dumpable again: the user's own report.
"${as_user_home[@]}" "$prefix/bin/$app" drop-dumpable >"$work/out5" 2>&1 &
pid=$!
wait $pid
status=$?
user_store=$work/home/.local/state/openwer
report=$(report_of $pid "$user_store")
werfault_gone $pid
users_report() {
	[ -n "$report" ] || { echo "no report in the user's store"; cat "$work/out5"; return 1; }
	local bad
	bad=$(find "$user_store" ! -user "$user")
	[ -z "$bad" ] || { echo "not the user's: $bad"; return 1; }
	! grep -q '^Privileged=' "$report/Report.wer" || { echo "Privileged= in the user's report"; return 1; }
	grep -q '^CustomMetadata\[.*\]\.Value=user$' "$report/Report.wer" || { echo "not the user's registration"; return 1; }
	[ ! -e "$work/out/evil-ran" ] || { echo "WER_HANDLER ran"; return 1; }
	! ls -d "$system_store"/ReportQueue/*_"$pid" >/dev/null 2>&1 || { echo "also in the system store"; return 1; }
}
check "dropped and dumpable: died of SIGSEGV (status $status)" test "$status" = 139
check "dropped and dumpable: reported as the user, in the user's store" users_report

# 6. Dropped wholly, not dumpable: no report in-process, and it says so.
"${as_user_home[@]}" "$prefix/bin/$app" drop >"$work/out6" 2>&1 &
pid=$!
wait $pid
status=$?
no_report() {
	grep -q '^openwer: no crash report' "$work/out6" || { echo "stderr: $(cat "$work/out6")"; return 1; }
	! ls -d "$system_store"/ReportQueue/*_"$pid" "$user_store"/ReportQueue/*_"$pid" >/dev/null 2>&1 ||
		{ echo "a report was written"; return 1; }
}
check "dropped, not dumpable: died of SIGSEGV (status $status)" test "$status" = 139
check "dropped, not dumpable: no report, and stderr says why" no_report

totals
