#!/bin/bash
# PDF: `pveaudit render --format pdf` (whole process: start, read the report, print) against Debian's
# Chromium CLI printing the very same report.html (`chromium --headless --print-to-pdf`), then 20
# reports in one `pveaudit render DIR...` run against 20 Chromium CLI runs (and 20 pveaudit runs).
# Usage: scripts/bench/pdf.sh [RUNS]      (builds dist/ first; Chromium never resolves a name)
#   BEFORE=DIR adds the one-report side for another built checkout of pveaudit in DIR.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
. "$ROOT/scripts/bench/lib.sh"
N=${1:-7}
MANY=20
cd "$ROOT"
build_if_stale
W=$(mktemp -d /tmp/pa-bench-pdf.XXXXXX)
trap 'rm -rf "$W"' EXIT
export BENCH_LOG=$W/log
BIN=(node "$ROOT/bin/pveaudit.js")
CHROMIUM=${PVEAUDIT_CHROMIUM:-/usr/bin/chromium}
# The flags a careful user would give the CLI (and the resolver rule we always give Chromium).
CLI=("$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking
  '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost' --no-pdf-header-footer)

# One report directory (the sample, analysed), then copies of it.
cp -r samples/seed "$W/r0"
"${BIN[@]}" render "$W/r0" --format json,html >/dev/null
DIRS=()
for i in $(seq 1 $MANY); do cp -r "$W/r0" "$W/r$i"; DIRS+=("$W/r$i"); done
HTML=$W/r0/report.html

many_chromium() { for i in $(seq 1 $MANY); do "${CLI[@]}" --print-to-pdf="$W/c$i.pdf" "file://$HTML" 2>/dev/null; done; }
many_pveaudit() { for d in "${DIRS[@]}"; do "${BIN[@]}" render "$d" --format pdf >/dev/null; done; }

echo "pdf, one report, $N runs each (load average $(loadavg)):"
measure pveaudit-render-pdf "$N" "${BIN[@]}" render "$W/r0" --format pdf --out "$W/out"
measure chromium-print-to-pdf "$N" "${CLI[@]}" --print-to-pdf="$W/c.pdf" "file://$HTML"
[ -z "${BEFORE:-}" ] || measure before-render-pdf "$N" node "$BEFORE/bin/pveaudit.js" render "$W/r0" --format pdf --out "$W/out-before"
echo "pdf, $MANY reports, ${MANY_RUNS:=1} run(s) each:"
measure "pveaudit-one-run-$MANY" "$MANY_RUNS" "${BIN[@]}" render "${DIRS[@]}" --format pdf
measure "chromium-$MANY-runs" "$MANY_RUNS" bash -c "$(declare -f many_chromium); $(declare -p CLI W HTML MANY); many_chromium"
measure "pveaudit-$MANY-runs" 1 bash -c "$(declare -f many_pveaudit); $(declare -p BIN DIRS); many_pveaudit"
r1=$(ratio "${MED_WALL[pveaudit-render-pdf]}" "${MED_WALL[chromium-print-to-pdf]}")
r20=$(ratio "${MED_WALL[pveaudit-one-run-$MANY]}" "${MED_WALL[chromium-$MANY-runs]}")
echo "ratios (wall):"
echo "  one report: pveaudit / chromium CLI              $r1   (cpu $(ratio "${MED_CPU[pveaudit-render-pdf]}" "${MED_CPU[chromium-print-to-pdf]}"))"
[ -z "${BEFORE:-}" ] || echo "  one report: before / chromium CLI                $(ratio "${MED_WALL[before-render-pdf]}" "${MED_WALL[chromium-print-to-pdf]}")   (cpu $(ratio "${MED_CPU[before-render-pdf]}" "${MED_CPU[chromium-print-to-pdf]}"))"
echo "  $MANY reports: one pveaudit run / $MANY chromium runs   $r20"
echo "  $MANY reports: one pveaudit run / $MANY pveaudit runs   $(ratio "${MED_WALL[pveaudit-one-run-$MANY]}" "${MED_WALL[pveaudit-$MANY-runs]}")"
target 'pdf vs chromium CLI (x)' "$r1" 1.2
target "$MANY pdfs vs $MANY chromium runs (x)" "$r20" 0.25
