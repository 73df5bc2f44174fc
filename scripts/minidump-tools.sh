#!/bin/sh
# SPDX-License-Identifier: MIT
# minidump-tools.sh [--pid2md]
#
# Breakpad's own minidump tools, for the tests that check openwer's
# minidumps against them: minidump_stackwalk, minidump_dump and dump_syms,
# as prebuilt in the npm package `minidump` (Electron's node-minidump, which
# also ships the Breakpad source they were built from).
#
# Installs the pinned version once, outside the work tree, in
#   $MINIDUMP_TOOLS_HOME, else $XDG_CACHE_HOME/openwer/minidump-tools,
#   else ~/.cache/openwer/minidump-tools,
# and prints the directory holding the three binaries. Idempotent: when they
# are there and run, it prints the directory without touching the network.
# Root is not needed (npm installs into that directory only). Installing
# runs `npm install --ignore-scripts` (the package's install script would
# rebuild Breakpad with yarn and git, which it does not need: the binaries
# are in its tarball). Where no prebuilt binary fits the machine, builds
# them from that shipped source (a C++ compiler and make are needed then).
#
# --pid2md: also builds Breakpad's pid2md (writes a minidump of a live
# process: `pid2md PID FILE`, needs ptrace permission) and minidump-2-core
# from the shipped source, and prints the directory holding them instead.
set -eu

version=0.26.0	# the `minidump` npm package; Breakpad as of its deps/breakpad

want_pid2md=0
case ${1:-} in
'') ;;
--pid2md) want_pid2md=1 ;;
*) echo "usage: $0 [--pid2md]" >&2; exit 2 ;;
esac

if [ -n "${MINIDUMP_TOOLS_HOME:-}" ]; then
	home=$MINIDUMP_TOOLS_HOME
elif [ -n "${XDG_CACHE_HOME:-}" ]; then
	home=$XDG_CACHE_HOME/openwer/minidump-tools
elif [ -n "${HOME:-}" ]; then
	home=$HOME/.cache/openwer/minidump-tools
else
	home=${TMPDIR:-/tmp}/openwer-minidump-tools-$(id -u)
fi
root=$home/$version			# npm prefix: node_modules/minidump
pkg=$root/node_modules/minidump
tools="minidump_stackwalk minidump_dump dump_syms"

die() {
	echo "minidump-tools: $*" >&2
	exit 1
}

# The package's name for this platform (lib/arch.js): linux-x64, ...
platform_dir() {
	case $(uname -m) in
	x86_64 | amd64) echo linux-x64 ;;
	aarch64 | arm64) echo linux-arm64 ;;
	*) echo "linux-$(uname -m)" ;;
	esac
}

# usable DIR: the three tools are in DIR and start here. Run without
# arguments, each complains of the missing file or prints its usage and
# exits 1; a binary the loader cannot start exits 126 or 127.
usable() {
	for t in $tools; do
		[ -f "$1/$t" ] || return 1
		[ -x "$1/$t" ] || chmod 755 "$1/$t" 2>/dev/null || return 1
		out=$("$1/$t" 2>&1) && rc=0 || rc=$?
		[ "$rc" -le 2 ] || return 1
		printf '%s\n' "$out" | grep -qiE 'usage|missing minidump' || return 1
	done
}

# The package's own version, as installed.
installed_version() {
	sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$pkg/package.json" 2>/dev/null | head -n1
}

install_package() {
	command -v npm >/dev/null || die "npm not found (Debian: apt-get install npm)"
	mkdir -p "$home"
	tmp=$(mktemp -d "$home/.install.XXXXXX")
	chmod 755 "$tmp"
	# A private npm cache: works for any user, and leaves ~/.npm alone.
	if ! npm install --prefix "$tmp" --ignore-scripts --no-audit --no-fund \
		--no-package-lock --save-exact --cache "$home/.npm-cache" \
		"minidump@$version" >"$tmp.log" 2>&1; then
		cat "$tmp.log" >&2
		rm -rf "$tmp" "$tmp.log"
		die "npm install minidump@$version failed"
	fi
	rm -f "$tmp.log"
	# Another run may have finished first; theirs is as good as ours.
	if [ -d "$root" ]; then
		rm -rf "$tmp"
	else
		mv "$tmp" "$root" 2>/dev/null || rm -rf "$tmp"
	fi
}

# build_from_source DIR TARGET...: configures the shipped Breakpad in DIR
# (outside the package) and makes TARGETs there.
build_from_source() {
	dir=$1
	shift
	mkdir -p "$dir"
	if [ ! -f "$dir/Makefile" ]; then
		(cd "$dir" && "$pkg/deps/breakpad/configure" CPPFLAGS="-I$pkg/deps" \
			>configure.log 2>&1) || { tail -20 "$dir/configure.log" >&2; die "configure failed (see $dir/configure.log)"; }
	fi
	make -C "$dir" -j"$(nproc 2>/dev/null || echo 2)" CXXFLAGS="-g -O2 -Wno-error" "$@" \
		>"$dir/make.log" 2>&1 || { tail -20 "$dir/make.log" >&2; die "make failed (see $dir/make.log)"; }
}

if [ "$(installed_version)" != "$version" ]; then
	# Another version under this version's name: start again.
	[ ! -d "$root" ] || rm -rf "$root"
	install_package
	[ "$(installed_version)" = "$version" ] || die "installed package is not minidump@$version"
fi

if [ "$want_pid2md" = 1 ]; then
	build=$root/breakpad-build
	bin=$build/src/tools/linux
	if [ ! -x "$bin/pid2md/pid2md" ] || [ ! -x "$bin/md2core/minidump-2-core" ]; then
		build_from_source "$build" src/tools/linux/pid2md/pid2md \
			src/tools/linux/md2core/minidump-2-core
	fi
	mkdir -p "$root/pid2md-bin"
	ln -sf "$bin/pid2md/pid2md" "$root/pid2md-bin/pid2md"
	ln -sf "$bin/md2core/minidump-2-core" "$root/pid2md-bin/minidump-2-core"
	echo "$root/pid2md-bin"
	exit 0
fi

prebuilt=$pkg/bin/$(platform_dir)
if usable "$prebuilt"; then
	echo "$prebuilt"
	exit 0
fi

# No prebuilt binary for this machine (the package has linux-x64 only):
# build the three from the source the package ships.
built=$root/bin
if ! usable "$built"; then
	build=$root/breakpad-build
	build_from_source "$build" src/processor/minidump_stackwalk \
		src/processor/minidump_dump src/tools/linux/dump_syms/dump_syms
	mkdir -p "$built"
	cp "$build/src/processor/minidump_stackwalk" "$build/src/processor/minidump_dump" \
		"$build/src/tools/linux/dump_syms/dump_syms" "$built/"
	usable "$built" || die "the tools built in $build do not run"
fi
echo "$built"
