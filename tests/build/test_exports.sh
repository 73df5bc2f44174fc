#!/bin/sh
# SPDX-License-Identifier: MIT
# test_exports LIBWER_SO EXPECTED_LIST: libwer.so exports exactly the public
# API (and its version node), and carries a versioned soname.
set -eu
lib=$1 expected=$2
actual=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBRVWiu]$/ {print $3}' | sed 's/@.*//' | LC_ALL=C sort)
want=$(grep -v "^#" "$expected" | LC_ALL=C sort)
if [ "$actual" != "$want" ]; then
	echo "exported symbols differ from $expected:"
	printf '%s\n' "$want" >/tmp/wer-exports-want.$$
	printf '%s\n' "$actual" | diff -u /tmp/wer-exports-want.$$ - || true
	rm -f /tmp/wer-exports-want.$$
	exit 1
fi
soname=$(readelf -d "$lib" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
case "$soname" in
libwer.so.[0-9]*) ;;
*) echo "unexpected soname: '$soname'"; exit 1 ;;
esac
echo "exports: $(printf '%s\n' "$actual" | wc -l) public symbols, soname $soname"
echo "1 passed, 0 failed"
