#!/bin/bash
# Startup: `pveaudit --version` and a json-only render of the bundled sample (parse + analyse + json),
# each from the compiled dist/ and from the TypeScript sources through tsx (how the bin started before
# dist/ existed), next to a bare `node -e 0` (the floor no Node CLI can go under on this machine).
# Usage: scripts/bench/startup.sh [RUNS]      (builds dist/ first)
#   BEFORE=DIR adds the dist/ sides of another built checkout of pveaudit in DIR.
#   INSTRUCTIONS=1 also counts the instructions each side executes (callgrind; load-independent).
# NODE_EXTRA_CA_CERTS makes every Node start parse that file (a whole CA bundle: ~410 M instructions,
# 80 % of `node -e 0`, on the machine of docs/benchmarks.md); when it is set, the floor and the json
# render are also measured without it, so the figures say how much of a start-up is Node's and ours.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
. "$ROOT/scripts/bench/lib.sh"
N=${1:-15}
cd "$ROOT"
build_if_stale
OUT=$(mktemp -d /tmp/pa-bench-startup.XXXXXX)
trap 'rm -rf "$OUT"' EXIT
BIN=(node bin/pveaudit.js)

echo "startup, $N runs each (load average $(loadavg)):"
measure node-floor "$N" node -e 0
measure version-dist "$N" "${BIN[@]}" --version
measure version-tsx "$N" env PVEAUDIT_FROM_SOURCE=1 "${BIN[@]}" --version
measure json-render-dist "$N" "${BIN[@]}" render samples/seed --format json --out "$OUT/a"
if [ -n "${BEFORE:-}" ]; then
  measure version-before "$N" node "$BEFORE/bin/pveaudit.js" --version
  measure json-render-before "$N" node "$BEFORE/bin/pveaudit.js" render samples/seed --format json --out "$OUT/c"
fi
measure json-render-tsx "$N" env PVEAUDIT_FROM_SOURCE=1 "${BIN[@]}" render samples/seed --format json --out "$OUT/b"
if [ -n "${NODE_EXTRA_CA_CERTS:-}" ]; then
  echo "NODE_EXTRA_CA_CERTS is set ($NODE_EXTRA_CA_CERTS): every Node start above parses it; without it:"
  measure node-floor-no-extra-ca "$N" env -u NODE_EXTRA_CA_CERTS node -e 0
  measure json-render-dist-no-extra-ca "$N" env -u NODE_EXTRA_CA_CERTS "${BIN[@]}" render samples/seed --format json --out "$OUT/d"
fi

echo "ratios (wall; cpu):"
echo "  --version   dist/tsx   $(ratio "${MED_WALL[version-dist]}" "${MED_WALL[version-tsx]}"); $(ratio "${MED_CPU[version-dist]}" "${MED_CPU[version-tsx]}")"
echo "  json render dist/tsx   $(ratio "${MED_WALL[json-render-dist]}" "${MED_WALL[json-render-tsx]}"); $(ratio "${MED_CPU[json-render-dist]}" "${MED_CPU[json-render-tsx]}")"
echo "  --version   dist/node -e 0   $(ratio "${MED_WALL[version-dist]}" "${MED_WALL[node-floor]}")"
if [ -n "${BEFORE:-}" ]; then
  echo "  json render now/before   $(ratio "${MED_WALL[json-render-dist]}" "${MED_WALL[json-render-before]}"); $(ratio "${MED_CPU[json-render-dist]}" "${MED_CPU[json-render-before]}")"
fi
if [ -n "${INSTRUCTIONS:-}" ] && command -v valgrind >/dev/null; then
  echo "instructions (valgrind callgrind, one run each):"
  instructions node-floor node -e 0
  instructions version-dist "${BIN[@]}" --version
  instructions json-render-dist "${BIN[@]}" render samples/seed --format json --out "$OUT/i"
  [ -z "${BEFORE:-}" ] || instructions json-render-before node "$BEFORE/bin/pveaudit.js" render samples/seed --format json --out "$OUT/j"
  if [ -n "${NODE_EXTRA_CA_CERTS:-}" ]; then
    # in a subshell: valgrind must start node itself (it does not follow env's exec)
    (
      unset NODE_EXTRA_CA_CERTS
      instructions node-floor-no-extra-ca node -e 0
      instructions json-render-dist-no-extra-ca "${BIN[@]}" render samples/seed --format json --out "$OUT/k"
    )
  fi
  f=${INSTR[node-floor]}
  echo "  json render beyond node -e 0: $((INSTR[json-render-dist] - f)) M$([ -z "${BEFORE:-}" ] || echo "; before: $((INSTR[json-render-before] - f)) M")"
fi
target '--version wall (s)' "${MED_WALL[version-dist]}" 0.15
target 'json-only render wall (s)' "${MED_WALL[json-render-dist]}" 0.3
