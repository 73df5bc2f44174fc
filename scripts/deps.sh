#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs the Debian 12 packages openwer builds, tests and runs with, then
# Breakpad's minidump tools for the minidump checks (scripts/minidump-tools.sh:
# an npm package, into the user's cache, no root needed for it).
# Idempotent: does nothing when they are all present. Needs root (or sudo)
# for the Debian packages.
set -eu
packages="build-essential cmake pkg-config clang libcmocka-dev libdw-dev libelf-dev libcurl4-openssl-dev libarchive-dev elfutils libxml2-utils groff-base gdb strace python3 openssl"
# The collector (src/collector) and its tests: HTTP server, databases,
# gzip, SHA-256 (keys are stored hashed); a PostgreSQL server, curl and a
# headless browser for the tests.
packages="$packages libmicrohttpd-dev libsqlite3-dev libpq-dev zlib1g-dev libssl-dev postgresql curl chromium"
missing=""
for p in $packages; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
# npm for the minidump tools, from Debian only where there is none at all
# (machines that have Node.js from elsewhere keep it).
command -v npm >/dev/null || missing="$missing npm"
if [ -n "$missing" ]; then
	SUDO=""
	[ "$(id -u)" = 0 ] || SUDO=sudo
	echo "openwer: installing$missing" >&2
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
# Not fatal: only the minidump checks need them, and they say so when the
# tools are missing (and try this again).
sh "$(dirname "$0")/minidump-tools.sh" >/dev/null ||
	echo "openwer: Breakpad's minidump tools could not be installed; the minidump checks will fail" >&2
