#!/bin/sh
# SPDX-License-Identifier: MIT
# The source's own rules, checked in seconds before anything is built:
# every tracked .c and .h file is as clang-format (.clang-format) writes
# it, and no file of src/ (what ships) calls a function docs/security.md
# bans (unbounded copies and formats, non-reentrant time and token
# functions, atoi-style conversions that cannot report an error,
# predictable temporary names).
# Exit 1 with the files and lines at fault.
set -eu
cd "$(dirname "$0")/.."
status=0

# The tracked files (a tree without git: every C file but builds').
tracked() { # PATTERN...
	if git rev-parse --git-dir >/dev/null 2>&1; then
		git ls-files "$@"
	else
		for p in "$@"; do find . -path "./$p" -not -path './build*'; done | sed 's|^\./||'
	fi
}
files=$(tracked '*.c' '*.h')

unformatted=""
for f in $files; do
	clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || unformatted="$unformatted $f"
done
if [ -n "$unformatted" ]; then
	echo "check-source: not as clang-format writes them (clang-format -i FILE):"
	for f in $unformatted; do echo "  $f"; done
	status=1
fi

# A call is the name then "(": comment lines (" * ..." or "/* ...") and
# string literals mentioning a name are not calls.
banned='atoi|atol|atoll|strcpy|strcat|sprintf|vsprintf|strtok|gmtime|localtime|asctime|ctime|gets|tmpnam|tempnam|mktemp|alloca'
calls=$(tracked 'src/*.c' 'src/*.h' |
	xargs grep -nE "(^|[^A-Za-z0-9_.>])($banned)[[:space:]]*\(" |
	grep -vE '^[^:]+:[0-9]+:[[:space:]]*(\*|/\*|//)' |
	grep -vE '"[^"]*('"$banned"')[[:space:]]*\([^"]*"' || true)
if [ -n "$calls" ]; then
	echo "check-source: banned functions (docs/security.md, \"Functions not used\"):"
	echo "$calls" | sed 's/^/  /'
	status=1
fi

[ "$status" = 0 ] && echo "check-source: $(echo "$files" | wc -w) files formatted, no banned calls"
exit "$status"
