#!/bin/sh
# SPDX-License-Identifier: MIT
# test_manpage WER_BINARY MANPAGE: the man page renders without a groff
# warning, documents every verb `WER_BINARY --help` lists (as a .SS
# subsection or a .TP tag), and names every long option some
# `WER_BINARY VERB --help` shows. Exit 0 passed, 1 failed, 77 skipped (no
# groff).
set -u

if [ $# -ne 2 ]; then
	echo "usage: $0 WER_BINARY MANPAGE" >&2
	exit 1
fi
wer=$1 page=$2
if ! command -v groff >/dev/null 2>&1; then
	echo "SKIP: groff is not installed"
	exit 77
fi
if [ ! -x "$wer" ]; then
	echo "FAIL: $wer is not an executable"
	exit 1
fi
if [ ! -r "$page" ]; then
	echo "FAIL: cannot read $page"
	exit 1
fi

failed=0 checked=0
fail() {
	echo "FAIL: $*"
	failed=$((failed + 1))
}

# 1. groff has nothing to say about the page.
warnings=$(LC_ALL=C groff -man -ww -z "$page" 2>&1)
status=$?
if [ -n "$warnings" ] || [ $status -ne 0 ]; then
	fail "groff -man -ww -z $page (status $status) warns:"
	printf '%s\n' "$warnings" | sed 's/^/    /'
fi
checked=$((checked + 1))

# The page's source with escapes a reader does not see taken out: font
# changes (\fB, \f(CW, \f[I]), \& and \%, and \- (or \(hy) read as -.
plain=$(sed -e 's/\\f\[[^]]*\]//g' -e 's/\\f(..//g' -e 's/\\f.//g' \
	-e 's/\\[&%]//g' -e 's/\\-/-/g' -e 's/\\(hy/-/g' "$page")

# The headings a verb may be documented under: every .SS line, and the
# line after each .TP (its tag); macro names and quotes taken out.
headings=$(printf '%s\n' "$plain" | awk '
	tag { tag = 0; print; next }
	/^\.TP/ { tag = 1; next }
	/^\.SS[ \t]/ { sub(/^\.SS[ \t]+/, ""); print }' |
	sed -e 's/^\.[A-Z][A-Z]*[ \t]*//' -e 's/"//g' -e 's/^[ \t]*//')

# 2. Every verb: the first word of each two-space-indented line of the
# "Verbs:" section of `wer --help`.
help=$("$wer" --help 2>&1) || fail "$wer --help exits $?"
verbs=$(printf '%s\n' "$help" | awk '
	/^Verbs:/ { inside = 1; next }
	inside && /^  [^ ]/ { print $1; next }
	inside { exit }')
if [ -z "$verbs" ]; then
	fail "no verbs found in the \"Verbs:\" section of '$wer --help'"
fi
for verb in $verbs; do
	checked=$((checked + 1))
	# The heading is the verb, or "wer VERB", maybe with more after it.
	if ! printf '%s\n' "$headings" |
		grep -Eq "^(wer[ \t]+)?$verb([ \t]|$)"; then
		fail "verb '$verb' has no .SS subsection or .TP tag in $page"
	fi
done

# 3. Every long option of every verb's --help is named in the page.
for verb in $verbs; do
	text=$("$wer" "$verb" --help 2>&1) ||
		fail "'$wer $verb --help' exits $?"
	options=$(printf '%s\n' "$text" |
		grep -oE -- '--[A-Za-z0-9][A-Za-z0-9-]*' | sort -u)
	for option in $options; do
		checked=$((checked + 1))
		if ! printf '%s\n' "$plain" |
			grep -Eq -- "(^|[^A-Za-z0-9-])$option([^A-Za-z0-9-]|$)"; then
			fail "option $option of '$verb' is not in $page"
		fi
	done
done

if [ $failed -ne 0 ]; then
	echo "$failed of $checked checks failed"
	exit 1
fi
echo "$checked checks passed ($(printf "%s\n" "$verbs" | wc -l) verbs)"
exit 0
