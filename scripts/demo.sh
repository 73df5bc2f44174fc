#!/bin/sh
# SPDX-License-Identifier: MIT
# The main job: install dependencies, build, install into ./_install, run
# an example that registers metadata and crashes (under `wer run`), and
# show its report (`wer show`, then the report's text files).
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh build
cmake -S . -B build-demo -DCMAKE_INSTALL_PREFIX="$PWD/_install" \
	-DWER_BUILD_TESTS=OFF -DWER_BUILD_BENCH=OFF >/dev/null
cmake --build build-demo -j"$(nproc)" >/dev/null
cmake --install build-demo >/dev/null
export WER_REPORT_DIR="$PWD/_reports"
echo "openwer installed into $PWD/_install; reports go to $WER_REPORT_DIR"
echo
echo "\$ wer run -- crash_demo"
work=$(mktemp -d)
log=$work/wer-run.log
status=0
(cd "$work" && ulimit -c 0 && "$OLDPWD/_install/bin/wer" run -- "$OLDPWD/_install/share/openwer/examples/crash_demo") 2>"$log" || status=$?
cat "$log"
echo "(exit status $status, as without openwer)"
report=$(sed -n 's/^wer: report written to //p' "$log")
rm -rf "$work"
[ -n "$report" ] || { echo "no report was written" >&2; exit 1; }
echo
echo "\$ wer show latest"
"$PWD/_install/bin/wer" show latest
for f in Report.wer WERInternalMetadata.xml; do
	echo
	echo "==== $report/$f"
	cat "$report/$f"
done
