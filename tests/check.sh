# SPDX-License-Identifier: MIT
# check.sh - sourced by the shell tests: `check NAME COMMAND...` passes
# when COMMAND succeeds, prints "ok - NAME" or "not ok - NAME" with the
# command's output (indented, 20 lines) and counts in $passed and $failed.
# COMMAND runs in the calling shell. `skip NAME REASON` counts a case that
# cannot run here in $skipped, never as passed; `totals` ends a script.
passed=0 failed=0 skipped=0

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

# `skip NAME REASON`: the case NAME cannot run on this machine; prints
# "skip - NAME: REASON" and counts it in $skipped (not in $passed).
skip() { # NAME REASON
	echo "skip - $1: $2"
	skipped=$((skipped + 1))
}

# `totals [PREFIX]` prints "PREFIXN passed, M failed, K skipped" and
# succeeds when nothing failed: a script's last command.
totals() { # [PREFIX]
	echo "${1:-}$passed passed, $failed failed, $skipped skipped"
	[ "$failed" = 0 ]
}

# `no_werfault_for PID...` succeeds when no werfault is at work on any of
# these processes (werfault's command line has "--pid PID", for a crash
# as for a report without one), and no keeper of theirs holds their memory
# (a process that stopped its own threads leaves one, named werkeep-PID,
# until werfault has read it: docs/crash.md), whatever other werfaults run
# on the machine: `wait_until 60 no_werfault_for $pid` waits until the
# report of process $pid is finished, or given up.
no_werfault_for() { # PID...
	local IFS='|'
	[ $# -gt 0 ] || return 1
	! pgrep -f "werfault .*--pid ($*) " >/dev/null &&
		! pgrep -x "werkeep-($*)" >/dev/null
}

# `later_than EPOCH` succeeds once the clock (date +%s) is past second
# EPOCH: `wait_until 5 later_than $t` waits for wall-clock seconds to pass.
later_than() { # EPOCH
	[ "$(date +%s)" -gt "$1" ]
}

# `wait_until SECONDS COMMAND...` polls COMMAND (in the calling shell) until
# it succeeds or SECONDS pass: a deadline for an event, never a fixed
# pause. Returns COMMAND's last status. WER_TEST_DEADLINE_SCALE (a whole
# number, 1 unless set) multiplies every deadline: under emulation (the
# AArch64 VM, scripts/test-arm64.sh) processes start many times slower.
wait_until() { # SECONDS COMMAND...
	local deadline=$((SECONDS + $1 * ${WER_TEST_DEADLINE_SCALE:-1}))
	shift
	until "$@"; do
		[ "$SECONDS" -lt "$deadline" ] || return 1
		sleep 0.05
	done
}
