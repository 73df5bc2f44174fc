#!/bin/sh
# Installs the Debian 12 packages openwer builds, tests and runs with.
# Idempotent: does nothing when they are all present. Needs root (or sudo).
set -eu
packages="build-essential cmake pkg-config clang libcmocka-dev libdw-dev libelf-dev elfutils libxml2-utils gdb strace"
missing=""
for p in $packages; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
echo "openwer: installing$missing" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
