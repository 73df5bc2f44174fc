#!/bin/sh
# SPDX-License-Identifier: MIT
# The Debian packages, end to end (docs/packaging.md): builds them from a
# copy of the tree (dpkg-buildpackage -us -uc -b), runs lintian (an error
# fails), installs them with apt-get, builds a program against the
# installed library (pkg-config), crashes it and finds its report with its
# metadata, then purges them and checks that nothing of theirs is left but
# the reports. Needs root (apt-get); scripts/test.sh runs it last.
set -eu
cd "$(dirname "$0")/.."
tree=$(pwd)
packages="libwer0 libwer-dev openwer openwer-collector"
if [ "$(id -u)" != 0 ]; then
	echo "package-test: needs root (apt-get install, purge)"
	exit 1
fi
for p in $packages; do
	if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		echo "package-test: $p is installed already; purge it first"
		exit 1
	fi
done
work=$(mktemp -d /tmp/openwer-packages.XXXXXX)
trap 'rm -rf "$work"' EXIT
failed=0
ok() { echo "ok - $1"; }
bad() { echo "not ok - $1"; failed=$((failed + 1)); }

# A copy of the tree as git knows it (what a release holds), built there:
# dpkg-buildpackage writes beside it.
mkdir "$work/openwer"
git ls-files -z | tar --null -cf - -T - | tar -xf - -C "$work/openwer"
if (cd "$work/openwer" && dpkg-buildpackage -us -uc -b >"$work/build.log" 2>&1); then
	ok "dpkg-buildpackage -us -uc -b"
else
	tail -40 "$work/build.log"
	bad "dpkg-buildpackage -us -uc -b"
	exit 1
fi
lintian --no-tag-display-limit "$work"/openwer_*.changes >"$work/lintian.log" 2>&1 || true
if grep -q "^E:" "$work/lintian.log"; then
	cat "$work/lintian.log"
	bad "lintian: no errors"
else
	ok "lintian: no errors ($(grep -c "^W:" "$work/lintian.log" || true) warnings)"
	grep "^W:" "$work/lintian.log" || true
fi

# Installed as a user would: apt-get, the files by path.
debs=""
for p in $packages; do debs="$debs $work/${p}_"*.deb; done
# shellcheck disable=SC2086
if DEBIAN_FRONTEND=noninteractive apt-get install -y -q $debs >"$work/install.log" 2>&1; then
	ok "apt-get install ./*.deb"
else
	tail -20 "$work/install.log"
	bad "apt-get install ./*.deb"
	exit 1
fi
dpkg -L $packages | sort -u >"$work/files"
[ -x /usr/lib/"$(dpkg-architecture -qDEB_HOST_MULTIARCH)"/openwer/werfault ] &&
	[ -x /usr/bin/wer ] && [ -x /usr/bin/wer-collector ] &&
	[ -f /usr/lib/systemd/system/openwer-collector.service ] &&
	[ -f /usr/lib/systemd/user/openwer-submit.timer ] && [ -f /usr/share/man/man3/WerRegisterCustomMetadata.3.gz ] &&
	ok "the files where they belong" || bad "the files where they belong"
getent passwd openwer-collector >/dev/null && ok "the collector's system user" || bad "the collector's system user"
if command -v systemd-analyze >/dev/null; then
	systemd-analyze verify /usr/lib/systemd/system/openwer-collector.service >"$work/verify.log" 2>&1 &&
		ok "systemd-analyze verify openwer-collector.service" ||
		{ cat "$work/verify.log"; bad "systemd-analyze verify openwer-collector.service"; }
fi

# A program built against the installed library crashes; its report lands.
cat >"$work/app.c" <<'C'
#include <werapi.h>
int main(void)
{
	volatile int *volatile nowhere = 0;

	if (WerRegisterCustomMetadata(L"Build", L"deb-1") != S_OK)
		return 3;
	*nowhere = 1;
	return 0;
}
C
# shellcheck disable=SC2046
cc -o "$work/app" "$work/app.c" $(pkg-config --cflags --libs wer) && ok "cc against pkg-config wer" ||
	bad "cc against pkg-config wer"
ldd "$work/app" | grep -Eq "libwer.so.0 => (/usr)?/lib/" && ok "linked with the installed libwer.so.0" ||
	bad "linked with the installed libwer.so.0"
mkdir "$work/store"
(cd "$work" && WER_REPORT_DIR="$work/store" ./app >/dev/null 2>&1) || true
report=""
for _ in $(seq 300); do
	report=$(ls -d "$work"/store/ReportQueue/AppCrash_app_* 2>/dev/null | head -n1)
	[ -n "$report" ] && ! pgrep -x werfault >/dev/null && break
	sleep 0.1
done
if [ -n "$report" ] && grep -qx "CustomMetadata\[0\].Key=Build" "$report/Report.wer" &&
	grep -qx "CustomMetadata\[0\].Value=deb-1" "$report/Report.wer" && [ -s "$report/minidump.mdmp" ] &&
	WER_REPORT_DIR="$work/store" /usr/bin/wer show latest | grep -q "crash\|main"; then
	ok "a crash's report, by the installed werfault, shown by the installed wer"
else
	bad "a crash's report, by the installed werfault, shown by the installed wer"
fi

# Purged: nothing of the packages' is left (the reports are the users').
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive apt-get purge -y -q $packages >"$work/purge.log" 2>&1 &&
	ok "apt-get purge" || { tail -20 "$work/purge.log"; bad "apt-get purge"; }
left=""
while read -r f; do
	[ -e "$f" ] && [ ! -d "$f" ] && left="$left $f"
done <"$work/files"
[ -z "$left" ] && ok "nothing of the packages left" || bad "left behind:$left"
[ -n "$report" ] && [ -f "$report/Report.wer" ] && ok "the report stays" || bad "the report stays"
echo "package-test: $failed failed"
[ "$failed" = 0 ]
