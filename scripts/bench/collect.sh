#!/bin/bash
# Collection: one `pveaudit run` of a lab node (seed scenario, json only) against a multiplexed OpenSSH
# script and ansible-playbook gathering the same evidence (scripts/bench/collect/), in one run, with
# each side's overhead beyond the probe window (wall time minus the time curl itself ran).
# Root only (the lab is network namespaces). Usage: scripts/bench/collect.sh [RUNS]
#   LAB_INDEX (default 60) and LAB_PREFIX (default pa-bench) keep it apart from other labs.
#   BEFORE=DIR adds a side for another built checkout of pveaudit (e.g. an older commit) in DIR.
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
  node -e '
    const m = require(process.argv[1]);
    const p = m.steps.find((s) => s.id.startsWith("probe-"));
    console.log((Date.parse(p.finishedAt) - Date.parse(p.startedAt)) / 1000);
  ' "$(readlink -f "$out/pve/latest")/manifest.json" | { read -r w; echo "$(echo "$t1 - $t0" | bc -l) $w"; }
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
[ -z "${BEFORE:-}" ] || side before before_once "$N"
side openssh openssh_once "$N"
if command -v ansible-playbook >/dev/null; then side ansible ansible_once "${ANSIBLE_RUNS:-2}"; fi
echo "ratios (wall):"
echo "  pveaudit / openssh script   $(ratio "${WALL[pveaudit]}" "${WALL[openssh]}")"
[ -z "${WALL[before]:-}" ] || echo "  pveaudit / before           $(ratio "${WALL[pveaudit]}" "${WALL[before]}")"
[ -z "${WALL[ansible]:-}" ] || echo "  pveaudit / ansible-playbook $(ratio "${WALL[pveaudit]}" "${WALL[ansible]}")"
target 'overhead beyond the probe window (s)' "$(printf '%.2f' "${OVER[pveaudit]}")" 0.5
