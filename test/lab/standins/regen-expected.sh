#!/bin/bash
# Rewrites test/lab/expected/standins/<scenario>.txt from the stand-ins as they are now (root; run it
# through /tmp/tools/isolated.sh). Only for a deliberate change of what a stand-in prints: an
# optimisation must leave these files alone (test/lab/standins.test.ts compares against them).
#   regen-expected.sh [SCENARIO...]   (default: every scenario)
set -euo pipefail
LAB=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$LAB/expected/standins
TMP=$(mktemp -d /tmp/pa-standins.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$OUT"
if [ $# -eq 0 ]; then
  for d in "$LAB"/scenarios/*/scenario.env; do d=${d%/scenario.env}; set -- "$@" "${d##*/}"; done
fi
for s in "$@"; do
  slow=; [ "$s" = quirks ] && slow=--slow
  bash "$LAB/lab.sh" tree "$s" --state "$TMP/$s" >/dev/null
  bash "$LAB/standins/transcript.sh" harness "$TMP/$s" $slow >"$OUT/$s.txt"
  echo "$OUT/$s.txt"
done
