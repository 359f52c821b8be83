#!/usr/bin/env bash
# The whole test suite: sets up what it needs (packages, npm), runs ava, and ends with
# a plain "N passed, N failed" line that CI reads.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --lab || exit 2
mkdir -p /run/sshd

tap=$(mktemp /tmp/pveaudit-tap.XXXXXX)
npx tsc -p tsconfig.json --noEmit
tsc_rc=$?
npx biome check src test scripts --max-diagnostics=20
lint_rc=$?
PVEAUDIT_REQUIRE_LAB=1 npx ava --tap "$@" | tee "$tap"
rc=${PIPESTATUS[0]}
pass=$(grep -E '^ok ' "$tap" | grep -vc '# SKIP')
skip=$(grep -cE '^ok .*# SKIP' "$tap")
fail=$(grep -E '^not ok ' "$tap" | grep -vc '# TODO')
rm -f "$tap"
# type errors and lint errors count as failures too
((tsc_rc != 0)) && { echo "typecheck failed" >&2; fail=$((fail + 1)); rc=1; }
((lint_rc != 0)) && { echo "lint failed" >&2; fail=$((fail + 1)); rc=1; }
((skip > 0)) && echo "${skip} skipped"
echo "${pass} passed, ${fail} failed"
exit "$rc"
