#!/bin/bash
# Runs every stand-in subcommand the lab supports, plus their error paths, and prints what each
# wrote to stdout and stderr and its exit code: the transcript test/lab/expected/standins/ pins, so
# the stand-ins can be made cheaper without changing a byte of what pveaudit reads.
#
#   transcript.sh harness STATE [--slow]   STATE from `lab.sh tree SCENARIO --state STATE`: runs the
#                                          cases in private mount, UTS and network namespaces made
#                                          to look like the lab node (no sshd, no packets)
#   transcript.sh cases STATE [--slow]     the cases themselves, in the current namespaces (a lab
#                                          node: `lab.nodeExec`)
# --slow adds the case that waits for a timeout (qm guest exec --timeout 1).
#   transcript.sh harness STATE --bench N  instead of the cases: the CPU time (user + system, the
#                                          stand-in and every process it forks) of each command an
#                                          audit runs, averaged over N calls
set -uo pipefail
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
MODE=${1:-} S=${2:-} SLOW=${3:-} BENCH=${4:-}
[ -n "$S" ] && [ -d "$S/node" ] || { echo "usage: transcript.sh harness|cases STATE [--slow|--bench N]" >&2; exit 2; }

# One case: the command line as a root login over SSH runs it (no pty, no TERM, C locale).
run() {
  local out=$S/tmp/case.out err=$S/tmp/case.err rc
  env -i PATH="$PATH" HOME=/root bash -c "$1" >"$out" 2>"$err" </dev/null
  rc=$?
  # A command still running at --timeout is reported with its pid: whatever the kernel handed out.
  if [ "$SLOW" = --slow ]; then sed -i -E 's/"pid" : [0-9]+/"pid" : PID/' "$out"; fi
  printf '$ %s\n' "$1"
  show stdout "$out"
  show stderr "$err"
  printf '[exit %s]\n\n' "$rc"
}

show() { # name file
  [ -s "$2" ] || return 0
  printf -- '--- %s\n' "$1"
  cat "$2"
  local text; IFS= read -r -d '' text <"$2"
  [ "${text: -1}" = $'\n' ] || printf '\n\\ no newline at end\n'
}

vmids() { # kind: the configured guests, in vmid order
  local f
  for f in "$S/node/etc/pve/nodes/pve/$1"/*.conf; do [ -e "$f" ] && { f=${f##*/}; echo "${f%.conf}"; }; done | sort -n
}

cases() {
  local c vmid
  for c in 'pveversion' 'pveversion -v' 'pveversion --verbose' \
    'pve-firewall status' 'pve-firewall localnet' 'pve-firewall compile' 'pve-firewall' 'pve-firewall bogus' \
    'pct list' 'qm list' \
    'pct' 'pct bogus' 'pct config' 'pct config abc' 'pct config 99' 'pct config 999' 'pct config --current 999' \
    'pct status' 'pct status 999' 'pct exec' 'pct exec 999 -- true' \
    'qm' 'qm bogus' 'qm config' 'qm config 01001' 'qm config 9999' 'qm status 9999' 'qm guest' 'qm guest ping 1001' \
    'qm guest exec' 'qm guest exec 9999 -- true'; do
    run "$c"
  done
  for vmid in $(vmids lxc); do
    run "pct config $vmid"
    run "pct config $vmid --current"
    run "pct status $vmid"
    run "pct exec $vmid -- sh -c 'hostname; env | sort; echo to-stderr >&2; exit 3'"
    run "pct exec $vmid hostname"
    run "pct exec $vmid --"
    run "qm config $vmid"
  done
  for vmid in $(vmids qemu-server); do
    run "qm config $vmid"
    run "qm config --current $vmid"
    run "qm status $vmid"
    run "qm guest exec $vmid -- sh -c 'hostname; env | sort; echo to-stderr >&2; exit 3'"
    run "qm guest exec $vmid --timeout 5 -- printf 'no newline'"
    run "qm guest exec $vmid -- printf 'caf\\303\\251 \\377 \\001 \"q\" \\\\ \\t'" # UTF-8, a stray byte, JSON escapes
    run "qm guest exec $vmid --"
    run "pct config $vmid"
    if [ "$SLOW" = --slow ]; then run "qm guest exec $vmid --timeout 1 -- sleep 3"; fi
  done
}

# CPU_MS: milliseconds of CPU all waited-for children have used so far (user + system), from the
# `times` builtin run in this very shell: in a $(...) subshell it would count that subshell's only.
ms() { local m=${1%%m*} f=${1#*m}; f=${f%s}; echo $((m * 60000 + 10#${f/./})); } # 1m2.345s -> 62345
child_cpu() {
  local u s
  times >"$S/tmp/times"
  { read -r _ _; read -r u s; } <"$S/tmp/times"
  CPU_MS=$(($(ms "$u") + $(ms "$s")))
}

bench() { # calls
  local n=$1 c i t0
  printf '%-30s %s\n' command 'CPU ms/call'
  for c in 'true' 'hostname' 'pveversion' 'pve-firewall status' 'pve-firewall localnet' 'pct list' 'qm list' \
    'pct config 102' 'qm config 1001' 'pct exec 102 -- true' 'qm guest exec 1001 -- true'; do
    child_cpu; t0=$CPU_MS
    for ((i = 0; i < n; i++)); do env -i PATH="$PATH" HOME=/root bash -c "$c" >/dev/null 2>&1 </dev/null; done
    child_cpu
    printf '%-30s %d.%d\n' "$c" $(((CPU_MS - t0) / n)) $(((CPU_MS - t0) * 10 / n % 10))
  done
}

# Inside fresh namespaces (a pid namespace too: the guests' holder pids, which `qm list` shows, come
# out the same every run): the node's hostname, its /etc, /usr/sbin and /usr/bin views (read-only
# overlays, as node-init.sh makes them), vmbr0 and mgmt0 with the lab's addresses (dummies: no
# packet goes anywhere: veth pairs), and a holder process per running guest, in its own mount and UTS namespace.
inside() {
  local vmid name p
  mount --make-rprivate /
  hostname "$(cat "$S/node/etc/hostname")"
  ip link set lo up
  ip link add vmbr0 type veth peer name vmbr0-p && ip link set vmbr0-p up
  ip addr add 10.0.0.1/24 dev vmbr0 && ip link set vmbr0 up
  ip link add mgmt0 type veth peer name mgmt0-p && ip link set mgmt0-p up
  ip addr add 198.18.0.2/30 dev mgmt0 && ip link set mgmt0 up
  mount -t overlay pa-etc -o "lowerdir=$S/node/etc:/etc" /etc
  mount -t tmpfs -o mode=700 pa-root /root
  if [ -d "$S/node/sbin" ]; then
    mount -t overlay pa-sbin -o "lowerdir=$S/node/sbin:/usr/sbin" /usr/sbin
    mount -t overlay pa-bin -o "lowerdir=$S/node/bin:/usr/bin" /usr/bin
  fi
  while read -r vmid name; do
    # No fork in the holder (echo is a builtin): a fork there would race the next holder's for a pid.
    unshare -m -u --propagation private bash -c 'echo "$1" >/proc/sys/kernel/hostname; exec sleep infinity' \
      holder "$name" </dev/null &
    echo $! >"$S/pids/guest-$vmid"
  done <"$S/node/guests"
  for p in "$S/pids"/guest-*; do
    [ -e "$p" ] || continue
    for _ in $(seq 100); do [ "$(cat "/proc/$(cat "$p")/comm" 2>/dev/null)" = sleep ] && break; sleep 0.02; done
  done
  if [ "$SLOW" = --bench ]; then bench "$BENCH"; else cases; fi
  # Leaving pid 1 of the pid namespace ends the holders.
}

case "$MODE" in
  cases) cases ;;
  harness) exec unshare -m -u -n -p -f --mount-proc --propagation private bash "$HERE/transcript.sh" inside "$S" "$SLOW" "$BENCH" ;;
  inside) inside ;;
  *) echo "usage: transcript.sh harness|cases STATE [--slow]" >&2; exit 2 ;;
esac
