#!/bin/bash
# SPDX-License-Identifier: MIT
# vm-job.sh: the job scripts/test-arm64.sh runs inside the emulated AArch64
# machine (../shared/arm64-vm/run-in-vm.sh -s TREE, as run.sh): builds
# openwer from /mnt/src on the VM's disk and runs the unit, crash,
# recovery and hostile-process tests (the collector's stay on x86-64), with
# every deadline and timeout ten times longer (processes start about 16
# times slower under emulation). Then crashes a sample program, keeps its
# report in out/report for the host (Breakpad's tools and LLDB read the
# minidump there) and runs bench/bench_crash. Writes out/summary.
set -u
out=/mnt/job/out
mkdir -p "$out" /root/src
exec > >(tee "$out/job.log") 2>&1
tar -C /mnt/src --exclude='./build*' --exclude=./.git -cf - . | tar -C /root/src -xf -
cd /root/src || exit 2
SECONDS=0
# systemd gives the job's service 15% of pid_max for its tasks (4,915):
# hostile_tests starts 5,100 threads.
cg=$(sed -n 's/^0:://p' /proc/self/cgroup)
[ -w "/sys/fs/cgroup$cg/pids.max" ] && echo max >"/sys/fs/cgroup$cg/pids.max"
uname -a
cmake -S . -B build -DWER_WERROR=ON -DCMAKE_C_COMPILER=gcc \
	-DWER_TEST_TIMEOUT_SCALE=10 >"$out/configure.log" 2>&1 ||
	{ tail -n 30 "$out/configure.log"; exit 10; }
if ! cmake --build build -j"$(nproc)" >"$out/build.log" 2>&1; then
	grep -E -B2 -A6 "error" "$out/build.log" | head -n 80
	exit 11
fi
build_s=$SECONDS
echo "built in $build_s s"
# How werfault is linked here (statically where the compression
# libraries' archives are installed: docs/crash.md).
grep -E "WER_HAVE_STATIC_PIE|werfault is linked dynamically" "$out/configure.log" || true
file build/src/handler/werfault | sed 's/, BuildID.*//'
export WER_TEST_DEADLINE_SCALE=10
# werfault's peak RSS at 5,000 threads (hostile_tests) is about 17.8 MiB
# here against 14.5 MiB on x86-64 (docs/arm64.md, "Not done"): checked
# against 20 MiB on AArch64; with werfault linked statically it was
# 20.4 MiB in one CI run of 2026-12-05 (under 20 in the one before), so
# 22 MiB here. Not yet found: why AArch64's is 3-4 MiB above x86-64's.
export WER_TEST_RSS_MAX_KIB=22528
# Breakpad's tools are x86-64 binaries here (npm's): the host reads the
# VM's minidumps (out/report, and the crash tests' in out/dumps).
export WER_TEST_DUMPS_DIR=$out/dumps
mkdir -p "$WER_TEST_DUMPS_DIR"
tests=${ARM64_TESTS:-'^(test_|crash_tests$|core_tests$|recovery_tests$|hostile_tests$)'}
# Not here: what does not depend on the processor and needs what the VM
# lacks (test_snapshot: Breakpad's tools, and it writes both processors'
# dumps on the host; test_headers: X11's headers; test_install,
# test_manpage).
exclude=${ARM64_EXCLUDE:-'^(test_install|test_manpage|test_snapshot|test_headers)$'}
(cd build && ctest -j"$(nproc)" --output-on-failure -R "$tests" -E "$exclude") \
	>"$out/ctest.log" 2>&1
rc=$?
tests_s=$((SECONDS - build_s))
grep -E "tests passed|tests failed|^[0-9]+/[0-9]+ Test|Failed|Timeout" "$out/ctest.log" | tail -n 60
# A sample crash: its report for the host's readers.
cat >/root/sample.c <<'C'
#include <werapi.h>
#include <stdio.h>
__attribute__((noinline)) static void crash_here(volatile int *p)
{
	*p = 42;
}
__attribute__((noinline)) void sample_caller(void)
{
	crash_here(NULL);
	puts("not reached");
}
int main(void)
{
	WerRegisterCustomMetadata(L"Build", L"nightly-42");
	sample_caller();
	return 0;
}
C
. tests/check.sh # wait_until: a deadline (scaled above), never a fixed pause
# sample OUTPUT STORE [CFLAGS...]: builds the sample, crashes it with its
# reports in STORE and, once werfault renamed the report into the queue
# (whole), prints its directory; nothing when none came by the deadline.
sample() {
	local binary=$1 store=$2
	shift 2
	gcc -g -O1 "$@" -Iinclude -o "$binary" /root/sample.c -Lbuild/src/lib \
		-lwer -Wl,-rpath,"$PWD/build/src/lib" || return
	WER_HANDLER=$PWD/build/src/handler/werfault WER_REPORT_DIR=$store "$binary"
	wait_until 20 compgen -G "$store/ReportQueue/*" >/dev/null &&
		ls -d "$store/ReportQueue/"* | head -n 1
}
rm -rf "$out/report"
report=$(sample /root/sample /root/store)
[ -n "$report" ] && cp -r "$report" "$out/report" && cp /root/sample "$out/"
cat "$out/report/stack.txt"
# Pointer authentication, where the processor has it (the VM's "max" CPU
# does): the same program built with -mbranch-protection=standard signs
# the return addresses it saves; every frame must still be found and
# named.
pac=none
if grep -qw paca /proc/cpuinfo; then
	report=$(sample /root/sample-pac /root/store-pac -mbranch-protection=standard)
	stack=$(cat "$report/stack.txt" 2>/dev/null)
	printf '%s\n' "$stack" >"$out/stack-pac.txt"
	if printf '%s\n' "$stack" | grep -q "#0 .* crash_here+" &&
		printf '%s\n' "$stack" | grep -q "#1 .* sample_caller+" &&
		printf '%s\n' "$stack" | grep -q "#2 .* main+"; then
		pac=ok
	else
		pac=failed
	fi
	echo "pointer authentication: $pac"
	cat "$out/stack-pac.txt"
fi
# The benchmark (emulated: figures without a target).
./build/bench/bench_crash_driver --runs 5 --handler build/src/handler/werfault \
	--child build/bench/bench_crash_child --libwer build/src/lib/libwer.so \
	>"$out/bench.txt" 2>&1
sed -n '/threads    no-wer/,/^$/p;/threads  eu-stack/,/exec baseline/p' "$out/bench.txt"
{
	echo "build_s=$build_s"
	echo "tests_s=$tests_s"
	echo "ctest_rc=$rc"
	echo "pac=$pac"
	grep -E "tests passed" "$out/ctest.log"
} >"$out/summary"
cat "$out/summary"
[ "$pac" = failed ] && rc=1
exit $rc
