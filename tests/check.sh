# SPDX-License-Identifier: MIT
# check.sh - sourced by the shell tests: `check NAME COMMAND...` passes
# when COMMAND succeeds, prints "ok - NAME" or "not ok - NAME" with the
# command's output (indented, 20 lines) and counts in $passed and $failed.
# COMMAND runs in the calling shell.
passed=0 failed=0

check() { # NAME COMMAND...
	local name=$1 out
	shift
	out=$(mktemp "${TMPDIR:-/tmp}/openwer-check.XXXXXX") || exit 2
	if "$@" >"$out" 2>&1; then
		echo "ok - $name"
		passed=$((passed + 1))
	else
		echo "not ok - $name"
		sed 's/^/#   /' "$out" | head -20
		failed=$((failed + 1))
	fi
	rm -f "$out"
}

# `wait_until SECONDS COMMAND...` polls COMMAND (in the calling shell) until
# it succeeds or SECONDS pass: a deadline for an event, never a fixed
# pause. Returns COMMAND's last status.
wait_until() { # SECONDS COMMAND...
	local deadline=$((SECONDS + $1))
	shift
	until "$@"; do
		[ "$SECONDS" -lt "$deadline" ] || return 1
		sleep 0.05
	done
}
