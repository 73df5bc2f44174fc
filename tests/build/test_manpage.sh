#!/bin/sh
# SPDX-License-Identifier: MIT
# test_manpage MANDIR EXPORTS INCLUDE_DIR WER [WERFAULT [WER_COLLECTOR]]:
# the man pages in MANDIR (docs/man)
#  - every page renders without a groff warning, and `man -l` shows it;
#  - wer.1 documents every verb `WER --help` lists (as a .SS subsection or a
#    .TP tag) and names every long option some `WER VERB --help` shows;
#    werfault.8 and wer-collector.8 name every long option of their
#    program's --help;
#  - every function of EXPORTS (the library's exported symbols) is named in
#    the NAME section of a section 3 page (so that `man 3 NAME` finds it
#    once installed: docs/man/CMakeLists.txt makes a link page per name),
#    and every name there is exported; pthread_create, which libwer
#    interposes, keeps the C library's page and is named in libwer.3;
#  - every section 3 page's EXAMPLES compile against INCLUDE_DIR.
# Exit 0 passed, 1 failed, 77 skipped (no groff).
set -u

if [ $# -lt 4 ]; then
	echo "usage: $0 MANDIR EXPORTS INCLUDE_DIR WER [WERFAULT [WER_COLLECTOR]]" >&2
	exit 1
fi
mandir=$1 exports=$2 include=$3 wer=$4 werfault=${5:-} collector=${6:-}
if ! command -v groff >/dev/null 2>&1; then
	echo "SKIP: groff is not installed"
	exit 77
fi

failed=0 checked=0
fail() {
	echo "FAIL: $*"
	failed=$((failed + 1))
}

# The page's source with escapes a reader does not see taken out: font
# changes (\fB, \f(CW, \f[I]), \& and \%, and \- (or \(hy) read as -.
plain() {
	sed -e 's/\\f\[[^]]*\]//g' -e 's/\\f(..//g' -e 's/\\f.//g' \
		-e 's/\\[&%]//g' -e 's/\\-/-/g' -e 's/\\(hy/-/g' "$1"
}

# 1. Every page renders: groff has nothing to say, man -l shows it.
pages=$(ls "$mandir"/*.[1-8] 2>/dev/null)
[ -n "$pages" ] || fail "no pages in $mandir"
for page in $pages; do
	checked=$((checked + 1))
	warnings=$(LC_ALL=C groff -man -ww -z "$page" 2>&1)
	status=$?
	if [ -n "$warnings" ] || [ $status -ne 0 ]; then
		fail "groff -man -ww -z $page (status $status) warns:"
		printf '%s\n' "$warnings" | sed 's/^/    /'
	fi
	if command -v man >/dev/null 2>&1; then
		checked=$((checked + 1))
		text=$(MANPAGER=cat MANWIDTH=80 man -l "$page" 2>&1)
		title=$(sed -n 's/^\.TH \([^ ]*\) .*/\1/p' "$page")
		if ! printf '%s\n' "$text" | grep -q '^NAME' ||
			! printf '%s\n' "$text" | grep -q "$title(" ||
			[ "$(printf '%s\n' "$text" | wc -l)" -lt 20 ]; then
			fail "man -l $page shows no page titled $title:"
			printf '%s\n' "$text" | head -5 | sed 's/^/    /'
		fi
	fi
done

# options_named PAGE WHAT OPTIONS: every option is named in the page.
options_named() {
	text=$(plain "$1")
	for option in $3; do
		checked=$((checked + 1))
		if ! printf '%s\n' "$text" |
			grep -Eq -- "(^|[^A-Za-z0-9-])$option([^A-Za-z0-9-]|$)"; then
			fail "option $option of $2 is not in $1"
		fi
	done
}
long_options() { grep -oE -- '--[A-Za-z0-9][A-Za-z0-9-]*' | sort -u; }

# 2. wer.1: every verb, every option.
page=$mandir/wer.1
if [ ! -x "$wer" ]; then
	fail "$wer is not an executable"
elif [ ! -r "$page" ]; then
	fail "cannot read $page"
else
	# The headings a verb may be documented under: every .SS line, and
	# the line after each .TP (its tag); macro names and quotes out.
	headings=$(plain "$page" | awk '
		tag { tag = 0; print; next }
		/^\.TP/ { tag = 1; next }
		/^\.SS[ \t]/ { sub(/^\.SS[ \t]+/, ""); print }' |
		sed -e 's/^\.[A-Z][A-Z]*[ \t]*//' -e 's/"//g' -e 's/^[ \t]*//')
	# The first word of each two-space-indented line of the "Verbs:"
	# section of `wer --help`.
	help=$("$wer" --help 2>&1) || fail "$wer --help exits $?"
	verbs=$(printf '%s\n' "$help" | awk '
		/^Verbs:/ { inside = 1; next }
		inside && /^  [^ ]/ { print $1; next }
		inside { exit }')
	[ -n "$verbs" ] || fail "no verbs in the \"Verbs:\" section of '$wer --help'"
	for verb in $verbs; do
		checked=$((checked + 1))
		# The heading is the verb, or "wer VERB", maybe with more.
		printf '%s\n' "$headings" | grep -Eq "^(wer[ \t]+)?$verb([ \t]|$)" ||
			fail "verb '$verb' has no .SS subsection or .TP tag in $page"
		text=$("$wer" "$verb" --help 2>&1) || fail "'$wer $verb --help' exits $?"
		options_named "$page" "'wer $verb'" "$(printf '%s\n' "$text" | long_options)"
	done
	options_named "$page" "'wer'" "$(printf '%s\n' "$help" | long_options)"
fi

# 3. werfault.8 and wer-collector.8: every option of their --help.
for pair in "werfault:$werfault" "wer-collector:$collector"; do
	name=${pair%%:*} program=${pair#*:}
	[ -n "$program" ] || continue
	if [ ! -x "$program" ]; then
		fail "$program is not an executable"
		continue
	fi
	options_named "$mandir/$name.8" "'$name'" "$("$program" --help 2>&1 | long_options) --version --help"
done

# 4. Every exported function has a section 3 page that names it, and every
# name is exported.
names=$(for page in "$mandir"/*.3; do
	awk '/^\.SH NAME/ { inside = 1; next } inside { print; if (/\\-/) exit }' "$page" |
		sed 's/\\-.*//' | tr ',' '\n'
done | tr -d ' \t' | grep -v '^$' | sort -u)
for fn in $(grep -v '^#' "$exports"); do
	checked=$((checked + 1))
	if [ "$fn" = pthread_create ]; then
		grep -q 'pthread_create' "$mandir/libwer.3" ||
			fail "libwer.3 does not say that libwer interposes pthread_create"
		continue
	fi
	printf '%s\n' "$names" | grep -qx "$fn" ||
		fail "$fn is exported but no section 3 page names it"
done
for name in $names; do
	checked=$((checked + 1))
	[ "$name" = libwer ] || grep -qx "$name" "$exports" ||
		fail "$name is named by a section 3 page but not exported"
done

# 5. The EXAMPLES of section 3 compile.
if command -v cc >/dev/null 2>&1; then
	work=$(mktemp -d "${TMPDIR:-/tmp}/openwer-man.XXXXXX") || exit 1
	for page in "$mandir"/*.3; do
		awk '/^\.SH EXAMPLES/ { e = 1; next } e && /^\.EX/ { x = 1; next }
			x && /^\.EE/ { exit } x { print }' "$page" |
			sed -e 's/\\-/-/g' -e "s/\\\\(aq/'/g" -e 's/\\(dq/"/g' \
				-e 's/\\(:U/\xc3\x9c/g' -e 's/\\e/\\/g' >"$work/example.c"
		checked=$((checked + 1))
		if [ ! -s "$work/example.c" ]; then
			fail "$page has no EXAMPLES program"
		elif ! out=$(cc -fsyntax-only -Wall -Wextra -Werror -I"$include" "$work/example.c" 2>&1); then
			fail "the example of $page does not compile:"
			printf '%s\n' "$out" | head -10 | sed 's/^/    /'
		fi
	done
	rm -rf "$work"
fi

if [ $failed -ne 0 ]; then
	echo "$failed of $checked checks failed"
	exit 1
fi
echo "$checked checks passed ($(printf '%s\n' "$pages" | wc -l) pages)"
exit 0
