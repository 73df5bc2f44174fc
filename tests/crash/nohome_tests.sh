#!/bin/bash
# SPDX-License-Identifier: MIT
# nohome_tests.sh WERFAULT CRASH_PROGRAM WER SYSTEM_STORE
#
# Daemon-like processes: no HOME at all, HOME=/nonexistent (Debian's
# system users), a home that belongs to root. Each crash is reported in
# the documented store of a user without a home, /var/tmp/openwer-<uid>
# (0700, the user's), nothing is created under a home that does not exist,
# and `wer list` run the same way finds the report. Root without a home
# reports into root's system store instead (/var/tmp is everyone's: a
# user could take root's name there first). As root, and as a system user
# the test creates (skipped without root).
set -u
if [ $# -ne 4 ]; then
	echo "usage: $0 WERFAULT CRASH_PROGRAM WER SYSTEM_STORE" >&2
	exit 2
fi
werfault=$1 program=$2 wer=$3
. "$(dirname "$0")/../check.sh"
ulimit -S -c 0
if [ "$(id -u)" != 0 ] || ! command -v useradd >/dev/null; then
	echo "not root: skipped"
	exit 77
fi
user=wernohome$$
root_store=$4
root_store_was_there=0
[ -e "$root_store" ] && root_store_was_there=1
work=$(mktemp -d "${TMPDIR:-/tmp}/openwer-nohome.XXXXXX") || exit 2
chmod 755 "$work"
pids=()
cleanup() {
	for pid in "${pids[@]}"; do
		rm -rf "$root_store"/ReportQueue/*_"$pid" /var/tmp/openwer-"$uid"/ReportQueue/*_"$pid"
	done
	[ "$root_store_was_there" = 1 ] || rm -rf "$root_store"
	[ -n "${uid:-}" ] && rm -rf /var/tmp/openwer-"$uid"
	userdel "$user" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
useradd -r -M -d /nonexistent -s /usr/sbin/nologin "$user" || exit 2
uid=$(id -u "$user") gid=$(id -g "$user")
[ ! -e /nonexistent ] || { echo "/nonexistent exists on this machine: skipped"; exit 77; }
# A home that is root's (a daemon's /var/lib/NAME).
mkdir -p "$work/rootshome"

has_report() { # STORE PID
	ls -d "$1"/ReportQueue/*_"$2" >/dev/null 2>&1
}
# crash_as NAME STORE COMMAND-PREFIX...: crashes the program that way and
# checks where its report went.
crash_as() {
	local name=$1 store=$2
	shift 2
	"$@" WER_HANDLER="$werfault" "$program" null >/dev/null 2>&1 &
	local pid=$!
	pids+=("$pid")
	wait "$pid"
	local status=$?
	check "$name: died of SIGSEGV (status $status)" test "$status" = 139
	check "$name: the report is in $store" wait_until 60 has_report "$store" "$pid"
	check "$name: nothing created at /nonexistent" test ! -e /nonexistent
}
store_is_users() { # STORE UID
	[ "$(stat -c %u:%a "$1")" = "$2:700" ] || { stat -c %u:%a "$1"; return 1; }
}

crash_as "root, no HOME" "$root_store" env -i PATH=/usr/bin:/bin
crash_as "root, HOME=/nonexistent" "$root_store" env -i PATH=/usr/bin:/bin HOME=/nonexistent
check "root's store without a home (the system store): 0700, root's" store_is_users "$root_store" 0
as_user=(setpriv --reuid="$uid" --regid="$gid" --clear-groups -- env -i PATH=/usr/bin:/bin)
crash_as "system user, HOME=/nonexistent" /var/tmp/openwer-"$uid" "${as_user[@]}" HOME=/nonexistent
crash_as "system user, no HOME" /var/tmp/openwer-"$uid" "${as_user[@]}"
crash_as "system user, a home that is root's" /var/tmp/openwer-"$uid" "${as_user[@]}" HOME="$work/rootshome"
check "the system user's store: 0700, the user's" store_is_users /var/tmp/openwer-"$uid" "$uid"
check "nothing created in the root-owned home" test -z "$(ls -A "$work/rootshome")"
check "wer list, run the same way, finds the system user's 3 reports" bash -c '
	[ "$("$@" HOME=/nonexistent "$0" list | grep -c crash_program)" = 3 ]' "$wer" "${as_user[@]}"

# Someone else's directory at that name is refused, not used.
other=/var/tmp/openwer-"$uid"
rm -rf "$other"
mkdir -m 0777 "$other"
"${as_user[@]}" HOME=/nonexistent WER_HANDLER="$werfault" "$program" null >"$work/refused.out" 2>&1 &
pid=$!
pids+=("$pid")
wait "$pid"
refused() {
	! has_report "$other" "$pid" && grep -q "werfault: could not write the report.*$pid" "$work/refused.out"
}
check "a store directory writable by others is refused, with a message" wait_until 60 refused
totals
