#!/bin/sh
# SPDX-License-Identifier: MIT
# test_static BUILD_DIR WORK_DIR: a program that only registers metadata,
# linked with the static library (libwer.a by hand, pkg-config --static,
# and fully -static), gets the crash handler: it crashes and its report,
# with the metadata, is on disk. werfault is found as an installed program
# finds it (beside the program's ../libexec/openwer), not from the
# environment.
set -eu
build=$1 work=$2
prefix=$work/prefix
rm -rf "$work"
mkdir -p "$work"
cmake --install "$build" --prefix "$prefix" >/dev/null
sed "s|^prefix=.*|prefix=$prefix|" "$prefix/lib/pkgconfig/wer.pc" >"$work/wer.pc"

cat >"$work/registers.c" <<'C'
#include <stdio.h>
#include <wer/wer.h>
int main(void)
{
	volatile int *volatile nowhere = NULL;

	if (wer_register_custom_metadata("Build", "static-42") != WER_S_OK)
		return 3;
	*nowhere = 1;
	return 0;
}
C
failed=0 passed=0
# crash NAME: runs $prefix/bin/NAME and looks for its report.
crash() {
	store=$work/store-$1
	status=0
	(ulimit -c 0; unset WER_HANDLER WER_DISABLE; WER_REPORT_DIR=$store "$prefix/bin/$1") 2>"$work/$1.err" || status=$?
	# werfault writes the report after the process died: wait for it
	# (renamed into the queue whole), 60 s at most.
	report=
	for _ in $(seq 1200); do
		report=$(ls -d "$store"/ReportQueue/AppCrash_"$1"_* 2>/dev/null | head -1)
		[ -n "$report" ] && break
		sleep 0.05
	done
	if [ "$status" = 139 ] && [ -n "$report" ] &&
		grep -q '^CustomMetadata\[0\]\.Value=static-42$' "$report/Report.wer" &&
		[ -s "$report/minidump.mdmp" ] && grep -q 'main' "$report/stack.txt"; then
		echo "ok - $2: died of SIGSEGV, report with its metadata"
		passed=$((passed + 1))
	else
		echo "not ok - $2: status $status, report '$report'"
		sed 's/^/#   /' "$work/$1.err"
		failed=$((failed + 1))
	fi
}

cc -o "$prefix/bin/archive" "$work/registers.c" -I"$prefix/include" "$prefix/lib/libwer.a" -lpthread -ldl
crash archive "libwer.a named on the command line"
cc -o "$prefix/bin/pkgstatic" "$work/registers.c" $(PKG_CONFIG_PATH=$work pkg-config --static --cflags wer) \
	-Wl,-Bstatic $(PKG_CONFIG_PATH=$work pkg-config --static --libs-only-l wer | sed 's/-lpthread//') -Wl,-Bdynamic \
	$(PKG_CONFIG_PATH=$work pkg-config --static --libs-only-L wer) -lpthread -ldl
crash pkgstatic "pkg-config --static"
if cc -static -o "$prefix/bin/fullstatic" "$work/registers.c" -I"$prefix/include" \
	"$prefix/lib/libwer.a" -lpthread -ldl 2>"$work/static-link.err"; then
	crash fullstatic "a -static program"
else
	echo "not ok - a -static program: it does not link"
	sed 's/^/#   /' "$work/static-link.err"
	failed=$((failed + 1))
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
