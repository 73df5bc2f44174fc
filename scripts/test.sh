#!/bin/sh
# SPDX-License-Identifier: MIT
# The whole test suite: install dependencies, check the source's own rules
# (scripts/check-source.sh: formatting, banned calls; seconds, so a slip
# fails before the builds), then build and run ctest in four
# configurations (gcc and clang with -Werror, ASan+UBSan, TSan), then a
# short run of every fuzz target, then the Debian packages (built, checked,
# installed, used, purged), then the AArch64 tests in an emulated arm64
# machine (scripts/test-arm64.sh).
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh
echo "==== source"
sh scripts/check-source.sh
jobs=$(nproc)

run() { # NAME CMAKE-ARGS...
	name=$1
	shift
	echo "==== $name"
	cmake -S . -B "build-test/$name" -DWER_WERROR=ON "$@" >/dev/null
	cmake --build "build-test/$name" -j"$jobs" >/dev/null
	(cd "build-test/$name" && ctest --output-on-failure -j"$jobs")
}

run gcc -DCMAKE_C_COMPILER=gcc
run clang -DCMAKE_C_COMPILER=clang
run asan-ubsan -DCMAKE_C_COMPILER=gcc -DWER_SANITIZE=address,undefined -DCMAKE_BUILD_TYPE=Debug
# werfault itself under ASan+UBSan against the hostile processes (the gcc
# configuration's, built plainly: a sanitized program cannot show how it
# dies without openwer). Any sanitizer error fails a case; ASan's shadow
# memory lifts werfault's RSS, so the 16 MiB bound is the gcc run's.
# werfault's unwinder learns it reached its memory budget from a failed
# allocation, as libdw does; ASan's allocator would end the process there
# instead, unless told to fail the allocation as libc does.
echo "==== hostile processes, werfault under ASan+UBSan"
ASAN_OPTIONS=allocator_may_return_null=1 WER_TEST_RSS_MAX_KIB=1000000 bash tests/crash/hostile_tests.sh build-test/gcc/src/cli/wer \
	build-test/asan-ubsan/src/handler/werfault build-test/gcc/tests/crash/hostile_program
# TSan needs the address space layout it was built for; setarch -R keeps
# newer kernels' wider mmap randomization from breaking it.
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
	setarch "$(uname -m)" -R sh -c 'true' 2>/dev/null && tsan_wrap="setarch $(uname -m) -R" || tsan_wrap=""
# This configuration also builds werfault's unwinder as the module its
# child loads (WER_LINK_LIBDW=OFF), as on machines without libdw's archives.
echo "==== tsan"
cmake -S . -B build-test/tsan -DWER_WERROR=ON -DCMAKE_C_COMPILER=gcc -DWER_SANITIZE=thread -DCMAKE_BUILD_TYPE=Debug -DWER_LINK_LIBDW=OFF >/dev/null
cmake --build build-test/tsan -j"$jobs" >/dev/null
(cd build-test/tsan && TSAN_OPTIONS="halt_on_error=1" $tsan_wrap ctest --output-on-failure -j"$jobs")
# Fuzz targets (libFuzzer, clang, ASan+UBSan): a short run each; a crash
# or a leak fails the suite, and so does a target tests/fuzz/CMakeLists.txt
# lists (wer_fuzz_all, written to fuzz_targets.txt) that was not built or
# did not run. Longer runs: see tests/fuzz/CMakeLists.txt.
echo "==== fuzz"
cmake -S . -B build-test/fuzz -DWER_WERROR=ON -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DWER_FUZZ=ON \
	-DWER_SANITIZE=address,undefined -DWER_BUILD_TESTS=OFF -DWER_BUILD_BENCH=OFF >/dev/null
cmake --build build-test/fuzz -j"$jobs" --target fuzz >/dev/null
fuzz_seconds=${WER_FUZZ_SECONDS:-30}
# Seed the minidump reader's corpus with a real dump: crash a test program,
# and wait for its report (werfault renames it into the queue whole once
# written), 30 s at most.
seed_store=$(mktemp -d)
mkdir -p build-test/fuzz/corpus-fuzz_minidump_read
(ulimit -c 0; WER_REPORT_DIR=$seed_store WER_HANDLER=$PWD/build-test/gcc/src/handler/werfault \
	build-test/gcc/tests/crash/crash_program thread-null >/dev/null 2>&1) || true
waited=0
until [ -n "$(find "$seed_store" -path '*/ReportQueue/*' -name minidump.mdmp 2>/dev/null)" ]; do
	waited=$((waited + 1))
	[ "$waited" -le 600 ] || { echo "fuzz: no report of crash_program to seed the corpora with"; exit 1; }
	sleep 0.05
done
find "$seed_store" -name '*.mdmp' -exec cp {} build-test/fuzz/corpus-fuzz_minidump_read/seed.mdmp \;
mkdir -p build-test/fuzz/corpus-fuzz_report_parse
find "$seed_store" -name Report.wer -exec cp {} build-test/fuzz/corpus-fuzz_report_parse/seed.wer \;
mkdir -p build-test/fuzz/corpus-fuzz_stack_text
find "$seed_store" -name stack.txt -exec cp {} build-test/fuzz/corpus-fuzz_stack_text/seed.txt \;
rm -rf "$seed_store"
fuzz_list=build-test/fuzz/tests/fuzz/fuzz_targets.txt
[ -s "$fuzz_list" ] || { echo "fuzz: no list of targets ($fuzz_list)"; exit 1; }
fuzz_listed=0 fuzz_passed=0
for name in $(cat "$fuzz_list"); do
	fuzz_listed=$((fuzz_listed + 1))
	target=build-test/fuzz/tests/fuzz/$name
	[ -x "$target" ] || { echo "fuzz: $name is listed but was not built ($target)"; exit 1; }
	corpus=build-test/fuzz/corpus-$name
	mkdir -p "$corpus"
	# Committed seeds, where a target has some.
	seeds=tests/fuzz/corpus/$name
	[ -d "$seeds" ] && cp "$seeds"/* "$corpus"/
	"$target" -max_total_time="$fuzz_seconds" -rss_limit_mb=4096 "$corpus" >"$corpus.log" 2>&1 ||
		{ tail -40 "$corpus.log"; echo "fuzz: $name failed"; exit 1; }
	# libFuzzer's last words after a whole run: no line, no run.
	runs=$(grep -o 'Done [0-9]* runs' "$corpus.log") ||
		{ tail -40 "$corpus.log"; echo "fuzz: $name did not run"; exit 1; }
	echo "fuzz: $name: $runs, no crash"
	fuzz_passed=$((fuzz_passed + 1))
done
[ "$fuzz_listed" -gt 0 ] && [ "$fuzz_passed" = "$fuzz_listed" ] ||
	{ echo "fuzz: $fuzz_passed of $fuzz_listed listed targets ran"; exit 1; }
echo "fuzz: $fuzz_passed passed, 0 failed (every target of $fuzz_list)"
# The Debian packages: built, lintian, installed, a crash reported by them,
# purged (docs/packaging.md).
echo "==== debian packages"
sh scripts/package-test.sh
# AArch64: the unit, crash, recovery and hostile-process tests in an
# emulated arm64 machine, its minidumps read by Breakpad's tools here
# (docs/arm64.md). The VM's scripts are the workplace's; where a machine
# has none, the step says so and is skipped.
echo "==== arm64 (emulated)"
vm_scripts=${ARM64_VM_SCRIPTS:-}
for d in "$PWD/../shared/arm64-vm" /work/shared/arm64-vm; do
	[ -z "$vm_scripts" ] && [ -x "$d/run-in-vm.sh" ] && vm_scripts=$d
done
if [ -n "$vm_scripts" ]; then
	ARM64_VM_SCRIPTS=$vm_scripts ARM64_TIMEOUT=${ARM64_TIMEOUT:-1800} \
		bash scripts/test-arm64.sh "$PWD/build-test/arm64"
else
	echo "arm64: SKIPPED: no arm64 VM scripts here (../shared/arm64-vm; set ARM64_VM_SCRIPTS)"
fi
echo "openwer: all configurations passed"
