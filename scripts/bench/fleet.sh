#!/bin/bash
# Fleet: `pveaudit run --forks N` over N lab nodes (seed scenario, json only) for each N in SIZES,
# next to one node's run, with wall time and peak RSS; and ansible-playbook -f N gathering the same
# evidence (scripts/bench/collect/playbook.yml) where ANSIBLE_SIZES asks for it.
# Root only. Usage: scripts/bench/fleet.sh [SIZES...]   (default: 1 10 50; lab indexes 1..N)
#   ANSIBLE_SIZES="1 10" (default: 1 10; empty skips Ansible). Labs come up UP_PARALLEL (default 8) at
#   a time, sharing their keys, certificates and compiled ruleset (LAB_SHARED, see test/lab/lab.sh).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
. "$ROOT/scripts/bench/lib.sh"
SIZES=("${@:-1 10 50}")
read -r -a SIZES <<<"${SIZES[*]}"
ANSIBLE_SIZES=${ANSIBLE_SIZES-1 10}
MAX=$(printf '%s\n' "${SIZES[@]}" | sort -n | tail -1)
[ "$MAX" -le 63 ] || { echo "fleet.sh: at most 63 nodes (lab indexes 1..63)" >&2; exit 2; }
cd "$ROOT"
build_if_stale
W=$(mktemp -d /tmp/pa-bench-fleet.XXXXXX)
export BENCH_LOG=$W/bench.log
UP=()
cleanup() {
  for i in "${UP[@]}"; do bash test/lab/lab.sh down --prefix "pa-fl$i" --state "$W/lab$i" >/dev/null 2>&1 & done
  wait
  [ -z "${KEEP_LOG:-}" ] || cp "$W/bench.log" "$KEEP_LOG" 2>/dev/null || true
  rm -rf "$W"
}
trap cleanup EXIT

echo "bringing up $MAX lab nodes (load average $(loadavg))"
t0=$(date +%s)
export LAB_SHARED=$W/shared
for ((i = 1; i <= MAX; i++)); do
  bash test/lab/lab.sh up seed --prefix "pa-fl$i" --index "$i" --state "$W/lab$i" >"$W/up$i.log" 2>&1 &
  UP+=("$i")
  if ((i % ${UP_PARALLEL:-8} == 0)); then wait; fi
done
wait
for i in "${UP[@]}"; do [ -f "$W/lab$i/lab.env" ] || { echo "lab $i did not come up:" >&2; tail -5 "$W/up$i.log" >&2; exit 2; }; done
echo "  up in $(($(date +%s) - t0)) s"

# An inventory of the first N nodes (pve1..pveN) and their known_hosts.
inventory() {
  local n=$1 i
  {
    echo "all:"; echo "  vars: { ansible_user: root }"; echo "  children:"; echo "    proxmox:"; echo "      hosts:"
    for ((i = 1; i <= n; i++)); do
      . "$W/lab$i/lab.env"
      echo "        pve$i: { ansible_host: $HOST, ansible_port: 22, ansible_ssh_private_key_file: $PRIVATE_KEY }"
    done
  } >"$W/inv$n.yml"
  for ((i = 1; i <= n; i++)); do cat "$W/lab$i/known_hosts"; done >"$W/kh$n"
}
. "$W/lab1/lab.env"
AUDIT_FILE=$AUDIT

echo "fleet (load average $(loadavg)):"
for n in "${SIZES[@]}"; do
  inventory "$n"
  # exit 2 (a host incomplete) is counted below, not a failed benchmark
  measure "pveaudit-$n-nodes-forks-$n" 1 bash -c 'node bin/pveaudit.js "$@"; [ $? -le 2 ]' run run -i "$W/inv$n.yml" \
    -a "$AUDIT_FILE" --known-hosts "$W/kh$n" --out "$W/out$n" --format json --forks "$n"
  ok=$(grep -l '"status": "complete"' "$W"/out"$n"/*/latest/report.json 2>/dev/null | wc -l)
  echo "    $ok of $n reports complete"
  [ "$ok" = "$n" ] || grep -h 'incomplete\|failed' "$BENCH_LOG" | tail -5 | sed 's/^/    /'
done
for n in $ANSIBLE_SIZES; do
  [ -f "$W/inv$n.yml" ] || inventory "$n"
  measure "ansible-$n-nodes-f-$n" 1 env ANSIBLE_HOST_KEY_CHECKING=False ANSIBLE_PYTHON_INTERPRETER=auto_silent \
    ansible-playbook -f "$n" -i "$W/inv$n.yml" -e "bench_out=$W/ansible" \
    --ssh-extra-args "-o UserKnownHostsFile=$W/kh$n" scripts/bench/collect/playbook.yml
done
echo "ratios (wall):"
one=${MED_WALL[pveaudit-1-nodes-forks-1]:-}
for n in "${SIZES[@]}"; do
  [ -z "$one" ] || echo "  $n nodes / 1 node              $(ratio "${MED_WALL[pveaudit-$n-nodes-forks-$n]}" "$one")"
  [ -z "${MED_WALL[ansible-$n-nodes-f-$n]:-}" ] ||
    echo "  $n nodes: pveaudit / ansible   $(ratio "${MED_WALL[pveaudit-$n-nodes-forks-$n]}" "${MED_WALL[ansible-$n-nodes-f-$n]}")"
done
big=${SIZES[-1]}
[ -z "$one" ] || target "$big nodes within 2x one node (x)" "$(ratio "${MED_WALL[pveaudit-$big-nodes-forks-$big]}" "$one")" 2
target "peak RSS at $big nodes (MB)" "${MAX_RSS[pveaudit-$big-nodes-forks-$big]}" 300
