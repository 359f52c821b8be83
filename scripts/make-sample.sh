#!/bin/bash
# Regenerates samples/seed/ (the bundled sample audit behind `pveaudit demo`) from the lab's seed
# scenario: brings the lab up, runs `pveaudit run` against it with the inventory host renamed to
# pve1, keeps manifest.json + evidence/ (no rendered report files), and takes the lab down again.
# Needs root (the lab uses network namespaces). Usage: scripts/make-sample.sh
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PREFIX=pa-sample
INDEX=30
WORK=$(mktemp -d /tmp/pveaudit-sample.XXXXXX)
STATE=

cleanup() {
  if [ -n "$STATE" ]; then bash "$ROOT/test/lab/lab.sh" down --prefix "$PREFIX" --state "$STATE" || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

STATE=$(bash "$ROOT/test/lab/lab.sh" up seed --prefix "$PREFIX" --index "$INDEX" | tail -n 1)
# shellcheck disable=SC1091
. "$STATE/lab.env"

# The lab names its host "pve"; the sample calls it pve1, like the documentation does.
sed -E 's/^( +)pve:$/\1pve1:/' "$INVENTORY" > "$WORK/inventory.yml"
grep -q '^ *pve1:$' "$WORK/inventory.yml" || { echo "make-sample: no host 'pve' in $INVENTORY" >&2; exit 2; }

cd "$ROOT"
node bin/pveaudit.js run -i "$WORK/inventory.yml" -a "$AUDIT" --known-hosts "$KNOWN_HOSTS" \
  --out "$WORK/reports" --format json
BUNDLE=$(readlink -f "$WORK/reports/pve1/latest")

rm -rf "$ROOT/samples/seed"
mkdir -p "$ROOT/samples/seed"
cp -r "$BUNDLE/evidence" "$ROOT/samples/seed/evidence"
# Without the rendered files: the manifest lists no outputs, and says the bundle came from the lab.
node -e '
  const fs = require("node:fs");
  const [src, dst] = process.argv.slice(1);
  const m = JSON.parse(fs.readFileSync(src, "utf8"));
  m.outputs = [];
  m.source = "lab";
  fs.writeFileSync(dst, JSON.stringify(m, null, 2) + "\n");
' "$BUNDLE/manifest.json" "$ROOT/samples/seed/manifest.json"
echo "make-sample: wrote $ROOT/samples/seed ($(find "$ROOT/samples/seed/evidence" -type f | wc -l) evidence files)"
