#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs the Debian 12 packages openwer needs. `deps.sh build` (what
# scripts/demo.sh runs): what building and running openwer needs. `deps.sh`
# or `deps.sh test` (what scripts/test.sh runs): that, and what the tests
# use (a second compiler and clang-format, cmocka, debuggers, a PostgreSQL server, a
# browser, X11's headers, npm), then Breakpad's minidump tools for the
# minidump checks (scripts/minidump-tools.sh: an npm package, into the
# user's cache, no root needed for it).
# Idempotent: does nothing when they are all present. Needs root (or sudo)
# for the Debian packages.
set -eu
what=${1:-test}
# Building and running: the library, werfault, wer and the collector
# (liblzma-dev and libbz2-dev: their archives, linked into the static
# werfault with libdw's).
packages="build-essential cmake pkg-config libdw-dev libelf-dev elfutils libcurl4-openssl-dev libarchive-dev"
packages="$packages libmicrohttpd-dev libsqlite3-dev libpq-dev zlib1g-dev liblzma-dev libbz2-dev libssl-dev"
if [ "$what" = test ]; then
	packages="$packages clang clang-format git libcmocka-dev libxml2-utils groff-base man-db gdb lldb debuginfod strace python3 openssl"
	# The Debian packages' build and check (scripts/package-test.sh).
	packages="$packages debhelper lintian"
	# The collector's tests: a PostgreSQL server, curl, a headless
	# browser; the header tests: X11's <X11/Xmd.h>.
	packages="$packages postgresql curl chromium x11proto-dev"
fi
missing=""
for p in $packages; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
# npm for the minidump tools, from Debian only where there is none at all
# (machines that have Node.js from elsewhere keep it).
[ "$what" != test ] || command -v npm >/dev/null || missing="$missing npm"
if [ -n "$missing" ]; then
	SUDO=""
	[ "$(id -u)" = 0 ] || SUDO=sudo
	echo "openwer: installing$missing" >&2
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
[ "$what" = test ] || exit 0
# Not fatal: only the minidump checks need them, and they say so when the
# tools are missing (and try this again).
sh "$(dirname "$0")/minidump-tools.sh" >/dev/null ||
	echo "openwer: Breakpad's minidump tools could not be installed; the minidump checks will fail" >&2
# minidump-2-core (report_tests.sh), built from the same source once, here
# rather than inside a test's time.
sh "$(dirname "$0")/minidump-tools.sh" --pid2md >/dev/null ||
	echo "openwer: Breakpad's minidump-2-core could not be built; its check will be skipped" >&2
