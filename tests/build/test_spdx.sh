#!/bin/sh
# SPDX-License-Identifier: MIT
# test_spdx SOURCE_DIR: every file of the tree carries an SPDX licence line
# (the fuzz corpora's inputs and the licence text itself excepted, and the
# two Debian files whose formats have no comments, debian/changelog and
# debian/source/format: debian/copyright licenses them, Files: *).
set -eu
cd "$1"
git rev-parse --git-dir >/dev/null 2>&1 || { echo "not a git checkout: skipped"; exit 77; }
missing=$(git ls-files | grep -v -e '^tests/fuzz/corpus/' -e '^LICENSE$' \
	-e '^debian/changelog$' -e '^debian/source/format$' |
	while read -r f; do
		[ -f "$f" ] || continue
		grep -q 'SPDX-License-Identifier: MIT' "$f" || echo "$f"
	done)
if [ -n "$missing" ]; then
	echo "files without an SPDX-License-Identifier line:"
	echo "$missing"
	exit 1
fi
echo "spdx: $(git ls-files | wc -l) files checked"
echo "1 passed, 0 failed"
