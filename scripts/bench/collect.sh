#!/bin/bash
# Collection: one `pveaudit run` of a lab node (seed scenario, json only) against a multiplexed OpenSSH
# script and ansible-playbook gathering the same evidence (scripts/bench/collect/), in one run, with
# each side's overhead beyond the probe window (wall time minus the time curl itself ran).
# Root only (the lab is network namespaces). Usage: scripts/bench/collect.sh [RUNS]
#   LAB_INDEX (default 60) and LAB_PREFIX (default pa-bench) keep it apart from other labs.
#   BEFORE=DIR adds a side for another built checkout of pveaudit (e.g. an older commit) in DIR.
#   ANSIBLE_RUNS (default 2; 0 skips Ansible). Prints where the last pveaudit run's time went.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
. "$ROOT/scripts/bench/lib.sh"
N=${1:-5}
P=${LAB_PREFIX:-pa-bench} IDX=${LAB_INDEX:-60}
cd "$ROOT"
build_if_stale
W=$(mktemp -d /tmp/pa-bench-collect.XXXXXX)
STATE=
cleanup() {
  [ -z "$STATE" ] || bash test/lab/lab.sh down --prefix "$P" --state "$STATE" >/dev/null 2>&1 || true
  rm -rf "$W"
}
trap cleanup EXIT
STATE=$(bash test/lab/lab.sh up seed --prefix "$P" --index "$IDX" --state "$W/lab" | tail -n 1)
. "$STATE/lab.env"

# A side's probe window: pveaudit's from its manifest (the probe step's own start and end).
pveaudit_once() { run_with "$ROOT"; }
before_once() { run_with "$BEFORE"; }
run_with() {
  local out=$W/pveaudit t0 t1
  rm -rf "$out"
  t0=$(date +%s.%N)
  node "$1/bin/pveaudit.js" run -i "$INVENTORY" -a "$AUDIT" --known-hosts "$KNOWN_HOSTS" --out "$out" --format json >/dev/null 2>&1
  t1=$(date +%s.%N)
  local manifest w
  manifest="$(readlink -f "$out/pve/latest")/manifest.json"
  # before the result line: the caller reads that line and starts the next run, which removes $out
  timeline "$manifest" "$t0" "$t1" >"$W/timeline-$(basename "$1")"
  w=$(node -e '
    const m = require(process.argv[1]);
    const p = m.steps.find((s) => s.id.startsWith("probe-"));
    console.log((Date.parse(p.finishedAt) - Date.parse(p.startedAt)) / 1000);
  ' "$manifest")
  echo "$(echo "$t1 - $t0" | bc -l) $w"
}

# Where one run's time went, from its manifest (every step's start and end) and the process's own
# start and exit: the phases before and after the probe, and the steps on the way to the probe.
timeline() { # MANIFEST T0 T1 (epoch seconds)
  node -e '
    const m = require(process.argv[1]);
    const t0 = Number(process.argv[2]) * 1000, t1 = Number(process.argv[3]) * 1000;
    const at = (iso) => Date.parse(iso) - t0;
    const s = (ms) => (ms / 1000).toFixed(2).padStart(6);
    const steps = m.steps.map((x) => ({ id: x.id, a: at(x.startedAt), b: at(x.finishedAt) })).sort((x, y) => x.a - y.a);
    const probe = steps.find((x) => x.id.startsWith("probe-"));
    const first = Math.min(...steps.map((x) => x.a)), last = Math.max(...steps.map((x) => x.b));
    console.log(`    timeline of the last run (s from the process start):`);
    for (const x of steps) console.log(`    ${s(x.a)} ${s(x.b)}  ${x.id}`);
    console.log(`    start -> first step (Node, inputs, connect): ${s(first)}`);
    console.log(`    first step -> probe starts:                  ${s(probe.a - first)}`);
    console.log(`    probe ends -> last step ends:                ${s(last - probe.b)}`);
    console.log(`    last step -> exit (analysis, report, index): ${s(t1 - t0 - last)}`);
  ' "$1" "$2" "$3"
}
openssh_once() {
  local t0 t1 w
  t0=$(date +%s.%N)
  w=$(bash scripts/bench/collect/openssh.sh "$HOST" "$PRIVATE_KEY" "$KNOWN_HOSTS" "$W/openssh" | awk '/^probe-window/ { print $2 }')
  t1=$(date +%s.%N)
  echo "$(echo "$t1 - $t0" | bc -l) $w"
}
ansible_once() {
  local t0 t1 w
  t0=$(date +%s.%N)
  ANSIBLE_HOST_KEY_CHECKING=False ANSIBLE_PYTHON_INTERPRETER=auto_silent ansible-playbook -i "$INVENTORY" \
    --private-key "$PRIVATE_KEY" -e "bench_out=$W/ansible" \
    --ssh-extra-args "-o UserKnownHostsFile=$KNOWN_HOSTS" scripts/bench/collect/playbook.yml >"$W/ansible.log" 2>&1 ||
    { echo "ansible-playbook failed:" >&2; tail -20 "$W/ansible.log" >&2; return 1; }
  t1=$(date +%s.%N)
  # its probe task's duration, from the JSON callback would need a plugin: the same curl as ours
  echo "$(echo "$t1 - $t0" | bc -l) ${PROBE_WINDOW:-0}"
}

declare -A WALL OVER
side() { # NAME FN RUNS
  local name=$1 fn=$2 runs=$3 i walls=() overs=() w p
  for ((i = 0; i < runs; i++)); do
    read -r w p < <($fn)
    walls+=("$w"); overs+=("$(echo "$w - $p" | bc -l)")
    [ "$name" = pveaudit ] && PROBE_WINDOW=$p
  done
  WALL[$name]=$(printf '%s\n' "${walls[@]}" | median)
  OVER[$name]=$(printf '%s\n' "${overs[@]}" | median)
  printf '  %-10s wall %6.2f s   beyond the probe window %5.2f s   (median of %d)\n' "$name" "${WALL[$name]}" "${OVER[$name]}" "$runs"
}

echo "collection, one lab node, seed scenario, probe connect timeout 3 s (load average $(loadavg)):"
side pveaudit pveaudit_once "$N"
cat "$W/timeline-$(basename "$ROOT")"
[ -z "${BEFORE:-}" ] || side before before_once "$N"
side openssh openssh_once "$N"
if command -v ansible-playbook >/dev/null && [ "${ANSIBLE_RUNS:-2}" -gt 0 ]; then side ansible ansible_once "${ANSIBLE_RUNS:-2}"; fi
echo "ratios (wall):"
echo "  pveaudit / openssh script   $(ratio "${WALL[pveaudit]}" "${WALL[openssh]}")"
[ -z "${WALL[before]:-}" ] || echo "  pveaudit / before           $(ratio "${WALL[pveaudit]}" "${WALL[before]}")"
[ -z "${WALL[ansible]:-}" ] || echo "  pveaudit / ansible-playbook $(ratio "${WALL[pveaudit]}" "${WALL[ansible]}")"
target 'overhead beyond the probe window (s)' "$(printf '%.2f' "${OVER[pveaudit]}")" 0.5
