#!/bin/sh
# The main job: install dependencies, build, install into ./_install, and
# run the example program that registers metadata and prints the registry.
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh
cmake -S . -B build -DCMAKE_INSTALL_PREFIX="$PWD/_install" >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
cmake --install build >/dev/null
echo "openwer installed into $PWD/_install; running register_metadata:"
echo
LD_LIBRARY_PATH="$PWD/_install/lib" "$PWD/_install/bin/register_metadata"
