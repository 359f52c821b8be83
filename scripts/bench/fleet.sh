#!/bin/bash
# Fleet: `pveaudit run --forks N` over N lab nodes (seed scenario, json only) for each N in SIZES,
# next to one node's run, with wall time and peak RSS; and ansible-playbook -f N gathering the same
# evidence (scripts/bench/collect/playbook.yml) where ANSIBLE_SIZES asks for it.
# Root only. Usage: scripts/bench/fleet.sh [SIZES...]   (default: 1 10 50; lab indexes 1..N)
#   ANSIBLE_SIZES="1 10" (default: 1 10; empty skips Ansible). Labs come up UP_PARALLEL (default 8) at
#   a time, sharing their keys, certificates and compiled ruleset (LAB_SHARED, see test/lab/lab.sh).
#   For every size it also prints what bounds the wall time on this machine: all cores' CPU over the run
#   (/proc/stat) split into pveaudit's, the lab nodes' (every process in their namespaces: sshd and what
#   its sessions ran) and other work's, as the least wall time each needs (pveaudit on one core, the
#   others on all cores), and total / cores plus the probe window (curl waiting, no CPU); and pveaudit's
#   CPU per extra host, (CPU(N) - CPU(1)) / (N - 1).
#   NODE_FLAGS="--cpu-prof --cpu-prof-dir=DIR" profiles the pveaudit runs; KEEP_OUT=DIR keeps the reports.
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
  [ -z "${KEEP_OUT:-}" ] || { mkdir -p "$KEEP_OUT" && cp -a "$W"/out* "$KEEP_OUT"/ 2>/dev/null; } || true
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

# All cores' busy time (user, nice, system, irq, softirq, steal) in clock ticks, from /proc/stat: the
# whole machine, not only this process tree, so other work running meanwhile counts in "the rest".
HZ=$(getconf CLK_TCK)
CORES=$(nproc)
busy_ticks() { awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9; exit }'; } # reads /proc/stat's first line
# CPU ticks of every process in the fleet labs' network namespaces (pa-fl*): their own time and that of
# the children they reaped (cutime/cstime), so sshd's listener carries its finished sessions and the
# stand-ins, curl and tcpdump they ran. A process that outlives its session is reparented outside the
# lab and uncounted (at most a tcpdump's exit).
lab_ticks() {
  node -e '
    const fs = require("node:fs");
    const ns = new Set();
    for (const n of fs.readdirSync("/run/netns")) if (n.startsWith("pa-fl")) ns.add(`net:[${fs.statSync(`/run/netns/${n}`).ino}]`);
    let ticks = 0;
    for (const pid of fs.readdirSync("/proc")) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        if (!ns.has(fs.readlinkSync(`/proc/${pid}/ns/net`))) continue;
        const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        const f = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // utime stime cutime cstime: 12th-15th
        ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
      } catch {} // gone meanwhile
    }
    console.log(ticks);
  '
}
# The shortest probe step among a run's hosts (its manifest's start and end): curl waiting on the
# flows' connect timeouts, which no CPU shortens; the shortest is the least delayed by the load.
probe_window() {
  node -e '
    const fs = require("node:fs"), path = require("node:path");
    let best = Infinity;
    for (const h of fs.readdirSync(process.argv[1])) {
      const m = path.join(process.argv[1], h, "latest", "manifest.json");
      if (!fs.existsSync(m)) continue;
      for (const s of JSON.parse(fs.readFileSync(m, "utf8")).steps)
        if (s.id.startsWith("probe-")) best = Math.min(best, (Date.parse(s.finishedAt) - Date.parse(s.startedAt)) / 1000);
    }
    console.log(Number.isFinite(best) ? best : 0);
  ' "$1"
}
# What bounds a size's wall time: the machine's CPU over the run split into pveaudit's, the lab nodes'
# and other work's, each as the wall time it needs at the least (pveaudit's on one core: its work is
# one thread, bar GC and file I/O; the others on all cores), and total / cores + the probe window: the
# wall time if all of that CPU ran on all cores and none of it overlapped curl's waiting.
declare -A MACHINE_CPU LAB_CPU PROBE
bound() { # N WALL PVEAUDIT_CPU
  local n=$1 wall=$2 own=$3 total=${MACHINE_CPU[$1]} lab=${LAB_CPU[$1]} other estimate l_own l_lab l_other
  other=$(echo "$total - $own - $lab" | bc -l)
  estimate=$(echo "$total / $CORES + ${PROBE[$n]}" | bc -l)
  l_own=$own l_lab=$(echo "$lab / $CORES" | bc -l) l_other=$(echo "$other / $CORES" | bc -l)
  printf '    machine CPU %.2f s = pveaudit %.2f s + the lab nodes %.2f s (sshd, stand-ins, curl, tcpdump) + other work %.2f s\n' \
    "$total" "$own" "$lab" "$other"
  printf '    least wall: pveaudit on 1 core %.2f s, the lab nodes on %d cores %.2f s, other work %.2f s;\n' \
    "$l_own" "$CORES" "$l_lab" "$l_other"
  printf '      total / cores + probe window %.2f s = %.2f s; wall %.2f s (%.2fx that)' \
    "${PROBE[$n]}" "$estimate" "$wall" "$(echo "$wall / $estimate" | bc -l)"
  [ -z "${MED_WALL[pveaudit-1-nodes-forks-1]:-}" ] ||
    printf ', target 2x one node %.2f s' "$(echo "2 * ${MED_WALL[pveaudit-1-nodes-forks-1]}" | bc -l)"
  echo
  local by="pveaudit's own CPU"
  if [ "$(echo "$l_lab >= $l_own && $l_lab >= $l_other" | bc -l)" = 1 ]; then
    by="the lab nodes' CPU on the same $CORES cores, not pveaudit"
  elif [ "$(echo "$l_other >= $l_own" | bc -l)" = 1 ]; then
    by="other work on the machine, not pveaudit"
  fi
  echo "    bound by $by"
}

echo "fleet (load average $(loadavg)):"
for n in "${SIZES[@]}"; do
  inventory "$n"
  # exit 2 (a host incomplete) is counted below, not a failed benchmark
  lab0=$(lab_ticks)
  # /proc/stat is read right before and after the run, inside the timed command
  measure "pveaudit-$n-nodes-forks-$n" 1 bash -c 'head -1 /proc/stat >"$0.0"; node '"${NODE_FLAGS:-}"' bin/pveaudit.js "$@"
    rc=$?; head -1 /proc/stat >"$0.1"; [ $rc -le 2 ]' "$W/stat$n" \
    run -i "$W/inv$n.yml" -a "$AUDIT_FILE" --known-hosts "$W/kh$n" --out "$W/out$n" --format json --forks "$n"
  MACHINE_CPU[$n]=$(echo "($(busy_ticks <"$W/stat$n.1") - $(busy_ticks <"$W/stat$n.0")) / $HZ" | bc -l)
  LAB_CPU[$n]=$(echo "($(lab_ticks) - $lab0) / $HZ" | bc -l)
  ok=$(grep -l '"status": "complete"' "$W"/out"$n"/*/latest/report.json 2>/dev/null | wc -l)
  echo "    $ok of $n reports complete"
  [ "$ok" = "$n" ] || grep -h 'incomplete\|failed' "$BENCH_LOG" | tail -5 | sed 's/^/    /'
  PROBE[$n]=$(probe_window "$W/out$n")
  bound "$n" "${MED_WALL[pveaudit-$n-nodes-forks-$n]}" "${MED_CPU[pveaudit-$n-nodes-forks-$n]}"
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
if [ -n "$one" ]; then
  echo "pveaudit CPU per extra host, (CPU(N) - CPU(1)) / (N - 1):"
  for n in "${SIZES[@]}"; do
    [ "$n" -gt 1 ] || continue
    printf '  %3d nodes  %.3f s\n' "$n" \
      "$(echo "(${MED_CPU[pveaudit-$n-nodes-forks-$n]} - ${MED_CPU[pveaudit-1-nodes-forks-1]}) / ($n - 1)" | bc -l)"
  done
fi
big=${SIZES[-1]}
[ -z "$one" ] || target "$big nodes within 2x one node (x)" "$(ratio "${MED_WALL[pveaudit-$big-nodes-forks-$big]}" "$one")" 2
target "peak RSS at $big nodes (MB)" "${MAX_RSS[pveaudit-$big-nodes-forks-$big]}" 300
