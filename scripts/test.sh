#!/bin/sh
# SPDX-License-Identifier: MIT
# The whole test suite: install dependencies, then build and run ctest in
# four configurations (gcc and clang with -Werror, ASan+UBSan, TSan), then
# a short run of every fuzz target.
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh
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
echo "==== hostile processes, werfault under ASan+UBSan"
WER_TEST_RSS_MAX_KIB=1000000 bash tests/crash/hostile_tests.sh build-test/gcc/src/cli/wer \
	build-test/asan-ubsan/src/handler/werfault build-test/gcc/tests/crash/hostile_program
# TSan needs the address space layout it was built for; setarch -R keeps
# newer kernels' wider mmap randomization from breaking it.
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
	setarch "$(uname -m)" -R sh -c 'true' 2>/dev/null && tsan_wrap="setarch $(uname -m) -R" || tsan_wrap=""
echo "==== tsan"
cmake -S . -B build-test/tsan -DWER_WERROR=ON -DCMAKE_C_COMPILER=gcc -DWER_SANITIZE=thread -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-test/tsan -j"$jobs" >/dev/null
(cd build-test/tsan && TSAN_OPTIONS="halt_on_error=1" $tsan_wrap ctest --output-on-failure -j"$jobs")
# Fuzz targets (libFuzzer, clang, ASan+UBSan): a short run each; a crash
# or a leak fails the suite. Longer runs: see tests/fuzz/CMakeLists.txt.
echo "==== fuzz"
cmake -S . -B build-test/fuzz -DWER_WERROR=ON -DCMAKE_C_COMPILER=clang -DWER_FUZZ=ON \
	-DWER_SANITIZE=address,undefined -DWER_BUILD_TESTS=OFF -DWER_BUILD_BENCH=OFF >/dev/null
cmake --build build-test/fuzz -j"$jobs" --target fuzz >/dev/null
fuzz_seconds=${WER_FUZZ_SECONDS:-30}
# Seed the minidump reader's corpus with a real dump: crash a test program.
seed_store=$(mktemp -d)
mkdir -p build-test/fuzz/corpus-fuzz_minidump_read
(ulimit -c 0; WER_REPORT_DIR=$seed_store WER_HANDLER=$PWD/build-test/gcc/src/handler/werfault \
	build-test/gcc/tests/crash/crash_program thread-null >/dev/null 2>&1) || true
sleep 1
find "$seed_store" -name '*.mdmp' -exec cp {} build-test/fuzz/corpus-fuzz_minidump_read/seed.mdmp \;
mkdir -p build-test/fuzz/corpus-fuzz_report_parse
find "$seed_store" -name Report.wer -exec cp {} build-test/fuzz/corpus-fuzz_report_parse/seed.wer \;
rm -rf "$seed_store"
fuzz_passed=0
for target in build-test/fuzz/tests/fuzz/fuzz_*; do
	[ -x "$target" ] || continue
	corpus=build-test/fuzz/corpus-$(basename "$target")
	mkdir -p "$corpus"
	# Committed seeds, where a target has some.
	seeds=tests/fuzz/corpus/$(basename "$target")
	[ -d "$seeds" ] && cp "$seeds"/* "$corpus"/
	"$target" -max_total_time="$fuzz_seconds" -rss_limit_mb=4096 "$corpus" >"$corpus.log" 2>&1 ||
		{ tail -40 "$corpus.log"; echo "fuzz: $(basename "$target") failed"; exit 1; }
	echo "fuzz: $(basename "$target"): $(grep -o 'Done [0-9]* runs' "$corpus.log"), no crash"
	fuzz_passed=$((fuzz_passed + 1))
done
echo "fuzz: $fuzz_passed passed, 0 failed"
echo "openwer: all configurations passed"
