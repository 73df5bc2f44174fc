#!/bin/bash
# SPDX-License-Identifier: MIT
# version_tests.sh WERFAULT LIBWER_SO INCLUDE_DIR
#
# Sig[1], "Application Version", from each of its sources, in their order
# (docs/report.md): the version the application declared
# (wer_set_application_version) over its executable's .note.package, the
# note over nothing, the Debian package's version for a program dpkg
# installed (sleep, from coreutils, under LD_PRELOAD), and "unknown" when
# there is none. Each case crashes a real program and reads Report.wer.
set -u
if [ $# -ne 3 ]; then
	echo "usage: $0 WERFAULT LIBWER_SO INCLUDE_DIR" >&2
	exit 2
fi
werfault=$1 libwer=$2 include=$3
. "$(dirname "$0")/../check.sh"
ulimit -S -c 0
unset WER_DISABLE WER_REPORT_DIR LD_PRELOAD XDG_STATE_HOME
export WER_HANDLER=$werfault
work=$(mktemp -d "${TMPDIR:-/tmp}/openwer-version.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT

cat >"$work/app.c" <<'C'
#include <string.h>
#include <wer/wer.h>
int main(int argc, char **argv)
{
	volatile int *volatile nowhere = NULL;

	if (argc > 1 && wer_set_application_version(argv[1]) != WER_S_OK)
		return 3;
	*nowhere = 1;
	return 0;
}
C
libdir=$(dirname "$libwer")
cc -o "$work/noted" "$work/app.c" -I"$include" -L"$libdir" -lwer -Wl,-rpath,"$libdir" \
	-Xlinker '--package-metadata={"type":"deb","name":"noted","version":"1.2.3-4"}' || exit 2
cc -o "$work/plain" "$work/app.c" -I"$include" -L"$libdir" -lwer -Wl,-rpath,"$libdir" || exit 2

segv_caught() { # PID
	local mask
	mask=$(sed -n 's/^SigCgt:\t//p' "/proc/$1/status" 2>/dev/null)
	[ -n "$mask" ] && (((0x$mask >> 10) & 1))
}
has_report() { # STORE
	[ -n "$(ls "$1"/ReportQueue 2>/dev/null)" ]
}
# crash STORE COMMAND...: runs it, prints its report's Report.wer path.
crash() {
	local store=$1
	shift
	WER_REPORT_DIR=$store "$@" >/dev/null 2>&1
	wait_until 60 has_report "$store" || return 1
	echo "$store"/ReportQueue/*/Report.wer
}
version_is() { # REPORT VERSION SOURCE
	grep -qx "Sig\[1\]\.Value=$2" "$1" || { grep '^Sig\[1\]' "$1"; return 1; }
	if [ -n "$3" ]; then
		grep -qx "ApplicationVersionSource=$3" "$1"
	else
		! grep -q '^ApplicationVersionSource=' "$1"
	fi
}

r=$(crash "$work/s1" "$work/noted" "2.4.1 (api)")
check "the declared version wins over the package note" version_is "$r" "2.4.1 (api)" api
r=$(crash "$work/s2" "$work/noted")
check "the executable's .note.package" version_is "$r" "1.2.3-4" package-note
r=$(crash "$work/s3" "$work/plain")
check "no source: unknown" version_is "$r" unknown ""
if command -v dpkg-query >/dev/null && want=$(dpkg-query -W -f='${Version}' coreutils 2>/dev/null); then
	WER_REPORT_DIR=$work/s4 LD_PRELOAD=$libwer sleep 600 &
	pid=$!
	# libwer's constructor has run once SIGSEGV is caught (SigCgt, bit
	# 11 - 1): mapped is not enough.
	wait_until 30 segv_caught $pid
	kill -SEGV $pid
	wait $pid 2>/dev/null
	wait_until 60 has_report "$work/s4"
	check "a program dpkg installed: its package's version ($want)" version_is "$(echo "$work"/s4/ReportQueue/*/Report.wer)" "$want" dpkg
else
	echo "not ok - dpkg-query or coreutils missing"
	failed=$((failed + 1))
fi
totals
