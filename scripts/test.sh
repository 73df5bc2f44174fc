#!/bin/sh
# The whole test suite: install dependencies, then build and run ctest in
# four configurations: gcc and clang with -Werror, ASan+UBSan, and TSan.
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
# TSan needs the address space layout it was built for; setarch -R keeps
# newer kernels' wider mmap randomization from breaking it.
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
	setarch "$(uname -m)" -R sh -c 'true' 2>/dev/null && tsan_wrap="setarch $(uname -m) -R" || tsan_wrap=""
echo "==== tsan"
cmake -S . -B build-test/tsan -DWER_WERROR=ON -DCMAKE_C_COMPILER=gcc -DWER_SANITIZE=thread -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-test/tsan -j"$jobs" >/dev/null
(cd build-test/tsan && TSAN_OPTIONS="halt_on_error=1" $tsan_wrap ctest --output-on-failure -j"$jobs")
echo "openwer: all four configurations passed"
