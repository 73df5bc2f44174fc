#!/bin/bash
# SPDX-License-Identifier: MIT
# test-arm64.sh [OUT_DIR]: openwer on AArch64, in an emulated arm64 machine
# (qemu-system-aarch64, TCG; the workplace's ../shared/arm64-vm, or
# $ARM64_VM_SCRIPTS).
#
#   1. The VM image ($VM_DIR, /tmp/arm64-vm by default) is built only when
#      it is missing or does not boot (about 16 minutes).
#   2. tests/arm64/vm-job.sh runs inside it with this tree: build, the unit,
#      crash, recovery and hostile-process tests, a sample crash, the
#      crash benchmark.
#   3. Here, on the host: Breakpad's minidump_dump and minidump_stackwalk
#      (x86-64 binaries, which read any processor's dump) check every
#      minidump the VM's crash tests kept, and the sample crash's, whose
#      frame 0 must be the crashing function; so does LLDB, where it is
#      installed.
#
# Results in OUT_DIR (a new directory under /tmp unless given): the VM's
# out/ (summary, ctest.log, report/, bench.txt), host-checks.txt,
# stackwalk.txt, lldb.txt. Exits non-zero when anything failed.
# ARM64_RECHECK=1 runs only the host's checks on OUT_DIR's finished run.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
vm=${ARM64_VM_SCRIPTS:-$here/../shared/arm64-vm}
export VM_DIR=${VM_DIR:-/tmp/arm64-vm}
out=${1:-$(mktemp -d "${TMPDIR:-/tmp}/openwer-arm64.XXXXXX")}
mkdir -p "$out"
if [ ! -x "$vm/run-in-vm.sh" ] || [ ! -x "$vm/build-image.sh" ]; then
	echo "not ok - the arm64 VM's scripts are not at $vm (set ARM64_VM_SCRIPTS)"
	exit 1
fi
SECONDS=0
# Beside the workplace image's packages: bzip2's archive, which with
# xz's and zlib's (libdw-dev brings those) lets werfault be linked
# statically there too (docs/crash.md); without it werfault is linked
# dynamically.
export EXTRA_PACKAGES=${EXTRA_PACKAGES:+$EXTRA_PACKAGES,}libbz2-dev
image_ok() {
	[ -s "$VM_DIR/rootfs.img" ] && [ -s "$VM_DIR/vmlinuz" ] &&
		[ -s "$VM_DIR/initrd.img" ] && [ -s "$VM_DIR/BUILD-INFO" ]
}
if ! image_ok; then
	echo "# arm64: building the VM image in $VM_DIR"
	"$vm/build-image.sh" >"$out/image-build.log" 2>&1 ||
		{ echo "not ok - the arm64 VM image could not be built (see $out/image-build.log)"; exit 1; }
fi
echo "# arm64: image ready after ${SECONDS} s"
run() {
	rm -rf "$out/vm"
	"$vm/run-in-vm.sh" -s "$here" -o "$out/vm" -t "${ARM64_TIMEOUT:-3000}" \
		"$here/tests/arm64/vm-job.sh" >"$out/console.txt" 2>&1
}
# ARM64_RECHECK=1: the host's checks again on OUT_DIR's finished run.
if [ -n "${ARM64_RECHECK:-}" ] && [ -f "$out/vm/rc" ]; then
	rc=$(cat "$out/vm/rc")
else
	run
	rc=$?
fi
# No result at all (125): an image that does not boot; made again, once.
if [ "$rc" = 125 ]; then
	echo "# arm64: the VM gave no result; the image is made again"
	FORCE=1 "$vm/build-image.sh" >"$out/image-build.log" 2>&1 && run
	rc=$?
fi
grep -v '^\[vm\]' "$out/vm/log" 2>/dev/null | tail -n 80
echo "# arm64: VM run ended with $rc after ${SECONDS} s"
failed=0
[ "$rc" = 0 ] || failed=1
# The host's Breakpad tools on the VM's minidumps.
tools=${MINIDUMP_TOOLS:-$(sh "$here/scripts/minidump-tools.sh" 2>/dev/null)}
: >"$out/host-checks.txt"
for d in "$out/vm/dumps"/dump.*; do
	[ -d "$d" ] || continue
	mapfile -t args <"$d/args"
	# The streams the test expected, where it named them (a core's).
	streams=$(cat "$d/streams" 2>/dev/null)
	if MINIDUMP_STREAMS=$streams MINIDUMP_TOOLS=$tools bash "$here/tests/minidump/check_minidump.sh" \
		"$d/report" "$d/${args[0]}" "${args[@]:1}" >"$d/check.txt" 2>&1; then
		echo "ok - $(basename "$d"): ${args[1]} (${args[0]})" >>"$out/host-checks.txt"
	else
		echo "not ok - $(basename "$d"): ${args[1]} (${args[0]}): $(grep '^not ok' "$d/check.txt" | head -n 2 | tr '\n' ' ')" >>"$out/host-checks.txt"
		failed=1
	fi
done
# Reports without a crash (recovery_tests' wer_report_now): Breakpad's
# tools read the dump, it claims no crash, thread 0 names the function
# that asked, and it has Report.wer's ThreadCount threads.
for d in "$out/vm/dumps"/live.*; do
	[ -d "$d" ] || continue
	mapfile -t args <"$d/args"
	name=${args[0]} fn=${args[1]}
	if why=$(MINIDUMP_TOOLS=$tools bash "$here/tests/minidump/check_live_minidump.sh" \
		"$d/report" "$d/$name" "$fn" "$d/check"); then
		echo "ok - $(basename "$d"): a report without a crash, thread 0 in $fn ($name)" >>"$out/host-checks.txt"
	else
		echo "not ok - $(basename "$d"): $(printf '%s' "$why" | tr '\n' ';')" >>"$out/host-checks.txt"
		failed=1
	fi
done
# The sample crash: the same checks (frame 0 is crash_here), and its walk
# with symbols kept for a look.
if [ -s "$out/vm/report/minidump.mdmp" ] && [ -x "$tools/minidump_stackwalk" ]; then
	if MINIDUMP_TOOLS=$tools bash "$here/tests/minidump/check_minidump.sh" \
		"$out/vm/report" "$out/vm/sample" crash_here 11 Build=nightly-42 \
		>"$out/sample-check.txt" 2>&1; then
		echo "ok - the sample crash's minidump: frame 0 crash_here" >>"$out/host-checks.txt"
	else
		echo "not ok - the sample crash's minidump: $(grep '^not ok' "$out/sample-check.txt" | head -n 2 | tr '\n' ' ')" >>"$out/host-checks.txt"
		failed=1
	fi
	# LLDB reads the arm64 dump too (with the binary, for names).
	if command -v lldb >/dev/null 2>&1; then
		lldb -b -o "target create $out/vm/sample --core $out/vm/report/minidump.mdmp" \
			-o bt >"$out/lldb.txt" 2>&1
		if grep -q "(aarch64) was loaded" "$out/lldb.txt" &&
			grep -q "frame #0: .*crash_here" "$out/lldb.txt"; then
			echo "ok - LLDB loads the sample's arm64 minidump, frame 0 crash_here" >>"$out/host-checks.txt"
		else
			echo "not ok - LLDB and the sample's minidump (see $out/lldb.txt)" >>"$out/host-checks.txt"
			failed=1
		fi
	fi
	sym=$out/symbols
	"$tools/dump_syms" "$out/vm/sample" >"$out/sample.sym" 2>/dev/null
	id=$(awk 'NR == 1 { print $4 }' "$out/sample.sym")
	mkdir -p "$sym/sample/$id" && cp "$out/sample.sym" "$sym/sample/$id/"
	"$tools/minidump_stackwalk" "$out/vm/report/minidump.mdmp" "$sym" \
		>"$out/stackwalk.txt" 2>/dev/null
else
	echo "not ok - no sample report from the VM, or no minidump_stackwalk here" >>"$out/host-checks.txt"
	failed=1
fi
cat "$out/host-checks.txt"
echo "# arm64: results in $out; ${SECONDS} s in all"
exit $failed
