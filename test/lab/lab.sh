#!/bin/bash
# pveaudit test lab: a Proxmox-like node built from network namespaces.
#
#   lab.sh up SCENARIO [--prefix pa-x] [--index N] [--state DIR]
#   lab.sh down [--prefix pa-x] [--state DIR]
#   lab.sh tree SCENARIO --state DIR   (only the node's files: /etc/pve, the stand-ins; no namespaces)
#
# See test/lab/README.md. Needs root, iproute2, OpenSSH sshd, iptables, openssl, python3.
# LAB_SHARED=DIR (many labs of one scenario, e.g. the fleet benchmark): the SSH keys, the CAs and
# certificates and the compiled ruleset are made once into DIR and copied from there.
set -euo pipefail
# Callers' PATHs vary (npx puts node_modules/.bin first, and an npm package ships its own `nft`).
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

LAB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SCEN_ROOT=$LAB/scenarios
MARKER=.pveaudit-lab

die() { echo "lab.sh: $*" >&2; exit 2; }

usage() {
  echo "usage: lab.sh up SCENARIO [--prefix pa-x] [--index N] [--state DIR]" >&2
  echo "       lab.sh down [--prefix pa-x] [--state DIR]" >&2
  echo "       lab.sh tree SCENARIO --state DIR" >&2
  exit 2
}

CMD=${1:-}; shift || true
SCENARIO=
if [ "$CMD" = up ] || [ "$CMD" = tree ]; then SCENARIO=${1:-}; shift || true; [ -n "$SCENARIO" ] || usage; fi
P=pa-lab IDX=0 S=
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) P=${2:-}; shift 2 ;;
    --index) IDX=${2:-}; shift 2 ;;
    --state) S=${2:-}; shift 2 ;;
    *) usage ;;
  esac
done
# The root-side veth is "$P-m": interface names are at most 15 characters.
[[ "$P" =~ ^pa-[a-z0-9][a-z0-9-]{0,9}$ ]] || die "--prefix must match pa-[a-z0-9-], at most 13 characters: '$P'"
[[ "$IDX" =~ ^[0-9]{1,2}$ ]] && [ "$IDX" -le 63 ] || die "--index must be 0..63: '$IDX'"
# Labs in private network namespaces (/tmp/tools/isolated.sh, parallel test runs) may use the same
# prefix at once: outside the root namespace the default state dir names the namespace too.
NETNS=$(readlink /proc/self/ns/net)
[ "$NETNS" = "$(readlink /proc/1/ns/net 2>/dev/null)" ] && S=${S:-/tmp/pveaudit-lab/$P} ||
  S=${S:-/tmp/pveaudit-lab/${NETNS//[^0-9]/}/$P}
[[ "$S" = /* ]] || S=$PWD/$S
[ "$(id -u)" = 0 ] || die "must run as root"

NODE_NS=$P-node
MGMT=$P-m
ROOT_ADDR=198.18.0.$((4 * IDX + 1))
HOST_ADDR=198.18.0.$((4 * IDX + 2))

# ---------------------------------------------------------------- teardown

kill_pids() { # pid... : TERM, wait up to 1 s, then KILL whatever is left
  local p alive i
  [ $# -gt 0 ] || return 0
  kill -TERM "$@" 2>/dev/null || true
  for i in $(seq 1 20); do
    alive=()
    for p in "$@"; do
      if [ -e "/proc/$p" ] && [ "$(awk '{ print $3 }' "/proc/$p/stat" 2>/dev/null)" != Z ]; then alive+=("$p"); fi
    done
    [ ${#alive[@]} -gt 0 ] || return 0
    sleep 0.05
  done
  kill -KILL "${alive[@]}" 2>/dev/null || true
}

lab_namespaces() { ip netns list 2>/dev/null | awk '{ print $1 }' | grep -E "^$P-(node|ct[0-9]+|vm[0-9]+)\$" || true; }

teardown() {
  local pids=() ns f
  if [ -d "$S/pids" ]; then
    for f in "$S/pids"/*; do [ -f "$f" ] && pids+=($(cat "$f")); done
  fi
  # Processes still inside the lab's namespaces were started by the lab (sessions of its sshd,
  # commands they ran); a namespace with a process left in it would outlive `ip netns del`.
  for ns in $(lab_namespaces); do pids+=($(ip netns pids "$ns" 2>/dev/null || true)); done
  kill_pids "${pids[@]}"
  for ns in $(lab_namespaces); do ip netns del "$ns" 2>/dev/null || true; done
  ip link del "$MGMT" 2>/dev/null || true
  if [ -d "$S" ]; then
    [ -e "$S/$MARKER" ] || die "refusing to remove $S: not a lab state dir (no $MARKER)"
    # Overlay and bind mounts live only in the lab's private mount namespaces; nothing to unmount here.
    rm -rf "$S"
    rmdir "${S%/*}" 2>/dev/null || true # the namespace's own directory, once its last lab is gone
  fi
}

other_labs_up() {
  ip netns list 2>/dev/null | awk '{ print $1 }' | grep -E '^pa-.*-node$' | grep -vqx "$NODE_NS" && return 0
  ip -4 -o addr show 2>/dev/null | grep ' inet 198\.1[89]\.' | grep -vq " $MGMT " && return 0
  return 1
}

down() {
  teardown
  if ! other_labs_up && ip route show 198.18.0.0/15 | grep -q '^blackhole'; then
    ip route del blackhole 198.18.0.0/15 2>/dev/null || true
  fi
}

# ---------------------------------------------------------------- scenario

# Scenario chain, base first: a scenario.env may name a BASE whose files it extends.
scenario_chain() {
  local s=$1 chain=() base
  while [ -n "$s" ]; do
    [ -f "$SCEN_ROOT/$s/scenario.env" ] || die "unknown scenario '$s' (see $SCEN_ROOT)"
    chain=("$s" "${chain[@]}")
    base=$(BASE=; source "$SCEN_ROOT/$s/scenario.env"; echo "${BASE:-}")
    s=$base
    [ ${#chain[@]} -lt 8 ] || die "BASE loop in scenario '$1'"
  done
  echo "${chain[@]}"
}

find_scen_file() { # relative path -> the most specific scenario's copy
  local i
  for ((i = ${#CHAIN[@]} - 1; i >= 0; i--)); do
    if [ -e "$SCEN_ROOT/${CHAIN[$i]}/$1" ]; then echo "$SCEN_ROOT/${CHAIN[$i]}/$1"; return; fi
  done
}

nic_firewall() { # vmid type -> 1 if the guest's net0 has firewall=1
  local f
  [ "$PVE" = 1 ] || { echo 0; return; }
  if [ "$2" = lxc ]; then f=$S/node/etc/pve/nodes/pve/lxc/$1.conf; else f=$S/node/etc/pve/nodes/pve/qemu-server/$1.conf; fi
  if [ -f "$f" ] && sed -n '/^\[/q;p' "$f" | grep -Eq '^net0:.*(^|[ ,])firewall=1(,|$)'; then echo 1; else echo 0; fi
}

dev_of() { if [ "$2" = lxc ]; then echo "veth${1}i0"; else echo "tap${1}i0"; fi; }

build_pve_tree() {
  local s etc=$S/node/etc
  mkdir -p "$etc"
  printf '%s\n' "$NODE_HOSTNAME" > "$etc/hostname"
  printf '127.0.0.1 localhost.localdomain localhost\n10.0.0.1 %s.internal.thinkheads.ai %s\n' \
    "$NODE_HOSTNAME" "$NODE_HOSTNAME" > "$etc/hosts"
  mkdir -p "$S/node/root"
  cp /etc/skel/.bashrc /etc/skel/.profile "$S/node/root/" 2>/dev/null || : > "$S/node/root/.bashrc"
  [ "$PVE" = 1 ] || return 0
  # PENDING=1: the files changed after the ruleset was loaded; the status stand-in says so.
  if [ "${PENDING:-0}" = 1 ]; then : > "$S/node/pending"; fi
  mkdir -p "$etc/pve"
  for s in "${CHAIN[@]}"; do
    [ -d "$SCEN_ROOT/$s/pve" ] && cp -r "$SCEN_ROOT/$s/pve/." "$etc/pve/"
  done
  mkdir -p "$etc/pve/nodes/pve/lxc" "$etc/pve/nodes/pve/qemu-server" "$etc/pve/nodes/pve/openvz" "$etc/pve/nodes/pve/priv"
  ln -sfn nodes/pve "$etc/pve/local"
  ln -sfn nodes/pve/lxc "$etc/pve/lxc"
  ln -sfn nodes/pve/qemu-server "$etc/pve/qemu-server"
  ln -sfn nodes/pve/openvz "$etc/pve/openvz"
  # The stand-ins: pct, qm and pve-firewall in /usr/sbin and pveversion in /usr/bin, as on Proxmox.
  mkdir -p "$S/node/sbin" "$S/node/bin"
  sed "s|@STATE@|$S|" "$LAB/standins/lib.sh" > "$S/node/standin-lib.sh"
  for f in pct qm pve-firewall; do
    sed "s|@LIB@|$S/node/standin-lib.sh|" "$LAB/standins/$f" > "$S/node/sbin/$f"
  done
  cp "$LAB/standins/pveversion" "$S/node/bin/pveversion"
  chmod 755 "$S/node/sbin"/* "$S/node/bin"/*
}

# The live ruleset pve-firewall would have compiled for this scenario, with PVESIG comments.
build_ruleset() {
  local out=$S/node/iptables.rules devs=() dev host chains
  while read -r vmid type _ip _mac _name; do
    [ "$(nic_firewall "$vmid" "$type")" = 1 ] || continue
    dev=$(dev_of "$vmid" "$type")
    [ -n "$(find_scen_file "iptables/$dev.rules")" ] && devs+=("$dev")
  done < <(grep -v '^#' "$SCEN_ROOT/common/guests.txt")
  host=$(find_scen_file iptables/host-rules.rules)
  chains=$(for dev in "${devs[@]}"; do printf ':%s-IN - [0:0]\n:%s-OUT - [0:0]\n' "$dev" "$dev"; done)
  {
    awk -v chains="$chains" -v host="$host" '
      /^@HOST_RULES@$/ { if (host != "") while ((getline l < host) > 0) print l; next }
      { print }
      /^:PVEFW-tcpflags / && chains != "" { print chains }
    ' "$SCEN_ROOT/common/iptables-head.rules"
    for dev in "${devs[@]}"; do cat "$(find_scen_file "iptables/$dev.rules")"; done
    # Chains a guest chain jumps to that belong to no NIC: security groups (GROUP-<name>-IN/-OUT).
    [ -z "$(find_scen_file iptables/groups.rules)" ] || cat "$(find_scen_file iptables/groups.rules)"
    for dev in "${devs[@]}"; do echo "-A PVEFW-FWBR-IN -m physdev --physdev-out $dev --physdev-is-bridged -j $dev-IN"; done
    echo '-A PVEFW-FWBR-IN -m comment --comment "PVESIG:@"'
    for dev in "${devs[@]}"; do echo "-A PVEFW-FWBR-OUT -m physdev --physdev-in $dev --physdev-is-bridged -j $dev-OUT"; done
    echo '-A PVEFW-FWBR-OUT -m comment --comment "PVESIG:@"'
    echo COMMIT
  } > "$out.tmpl"
  "$PY" - "$out.tmpl" "$out" <<'PY'
import base64, hashlib, re, sys
lines = open(sys.argv[1]).read().splitlines()
# Chains a scenario's rules name that the head does not declare (e.g. GROUP-<name>-IN/-OUT) are
# declared after the last declaration, as iptables-save lists them.
declared = {l[1:].split()[0] for l in lines if l.startswith(':')}
extra = []
for l in lines:
    m = re.match(r'-A (\S+) ', l)
    if m and m.group(1) not in declared:
        declared.add(m.group(1))
        extra.append(':%s - [0:0]' % m.group(1))
last = max(i for i, l in enumerate(lines) if l.startswith(':'))
lines = lines[:last + 1] + extra + lines[last + 1:]
rules = {}
for l in lines:
    m = re.match(r'-A (\S+) ', l)
    if m and 'PVESIG:@' not in l:
        rules.setdefault(m.group(1), []).append(l)
def sig(chain):
    h = hashlib.sha1('\n'.join(rules.get(chain, [])).encode()).digest()
    return base64.b64encode(h).decode().rstrip('=')
out = [re.sub(r'PVESIG:@', lambda _: 'PVESIG:' + sig(l.split()[1]), l) for l in lines]
open(sys.argv[2], 'w').write('\n'.join(out) + '\n')
PY
}

# Rules an admin added by hand after pve-firewall loaded its ruleset (iptables -I / -A): one
# iptables argument list a line in the scenario's iptables/hand.rules. Their chains keep the PVESIG
# pve-firewall wrote, which is why pve-firewall never removes them.
hand_rules() {
  local f line
  f=$(find_scen_file iptables/hand.rules)
  [ -n "$f" ] || return 0
  while read -r line; do
    [ -z "$line" ] || [[ "$line" = \#* ]] && continue
    # shellcheck disable=SC2086
    ip netns exec "$NODE_NS" iptables $line
  done < "$f"
}

# The ipsets pve-firewall would have created (PVEFW-<vmid|0>-<name>-v4), in `ipset save` format
# (iptables/ipsets.save), loaded before the ruleset that names them.
load_ipsets() {
  local f
  f=$(find_scen_file iptables/ipsets.save)
  [ -n "$f" ] || return 0
  grep -v '^#' "$f" | ip netns exec "$NODE_NS" ipset restore
}

# The layer-2 filter pve-firewall loads (compile_ebtables_filter, in ebtables-restore format): the
# scenario's ebtables/ebtables.save, if it has one. It really filters: ebtables (nf_tables) sees
# every frame the fwbr bridges forward.
load_ebtables() {
  local f
  f=$(find_scen_file ebtables/ebtables.save)
  [ -n "$f" ] || return 0
  grep -v '^#' "$f" | ip netns exec "$NODE_NS" ebtables-restore
}

# Made once per LAB_SHARED directory (under a lock) and copied from there, else made here.
make_keys_and_certs() {
  if [ -n "${LAB_SHARED:-}" ]; then
    mkdir -p "$LAB_SHARED"
    (
      flock 9
      [ -f "$LAB_SHARED/done-keys" ] || { S=$LAB_SHARED new_keys_and_certs && : >"$LAB_SHARED/done-keys"; }
    ) 9>"$LAB_SHARED/.lock"
    cp -r "$LAB_SHARED/ssh" "$LAB_SHARED/ca" "$S/"
  else
    new_keys_and_certs
  fi
}

new_keys_and_certs() {
  mkdir -p "$S/ssh" "$S/ca"
  ssh-keygen -q -t ed25519 -N '' -C "pve-lab-host" -f "$S/ssh/host_ed25519"
  ssh-keygen -q -t ed25519 -N '' -C "pveaudit-lab" -f "$S/ssh/id_ed25519"
  cp "$S/ssh/id_ed25519.pub" "$S/ssh/authorized_keys"
  chmod 600 "$S/ssh/id_ed25519" "$S/ssh/host_ed25519"
  local ca
  ( cd "$S/ca"
    for ca in ca rogue-ca; do
      openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
        -keyout "$ca.key" -out "$ca.crt" \
        -subj "/O=$([ $ca = ca ] && echo 'Phoenix Internal' || echo 'Unknown Issuer')/CN=$([ $ca = ca ] && echo 'Phoenix Root CA' || echo 'Rogue Root CA')" \
        -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
    done
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key -out server.csr \
      -subj "/CN=portainer.internal.thinkheads.ai" 2>/dev/null
    printf 'subjectAltName=DNS:portainer.internal.thinkheads.ai,IP:10.0.0.101\nextendedKeyUsage=serverAuth\n' > ext.cnf
    for ca in ca rogue-ca; do
      openssl x509 -req -in server.csr -CA "$ca.crt" -CAkey "$ca.key" -CAcreateserial -days 30 \
        -extfile ext.cnf -out "server-$ca.crt" 2>/dev/null
    done )
}

# Measured for the fleet benchmark (seed lab, 30 calls over one multiplexed connection): an exec
# channel costs the node 16-22 ms of CPU whether LogLevel is VERBOSE or INFO, so VERBOSE stays (one
# "Starting session" line per channel, and up() waits for its "Server listening on"). Without a pty
# a channel writes no utmp/lastlog; UsePAM no skips PAM's session stack. An idle node costs nothing.
write_sshd_config() {
  cat > "$S/ssh/sshd_config" <<EOF
Port 22
ListenAddress $HOST_ADDR
HostKey $S/ssh/host_ed25519
PidFile none
AuthorizedKeysFile $S/ssh/authorized_keys
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
UsePAM no
StrictModes no
PrintMotd no
Subsystem sftp internal-sftp
LogLevel VERBOSE
EOF
}

start_bg() { # name cmd... : detached, logged, PID recorded
  local name=$1; shift
  setsid "$@" </dev/null >"$S/logs/$name.log" 2>&1 &
  echo $! > "$S/pids/$name"
}

wait_for() { # description timeout-seconds test-command...
  local what=$1 t=$2 i; shift 2
  for ((i = 0; i < t * 50; i++)); do "$@" && return 0; sleep 0.02; done
  die "timed out waiting for $what (logs in $S/logs)"
}

is_sleeping() { [ "$(cat "/proc/$(cat "$S/pids/$1")/comm" 2>/dev/null)" = sleep ]; }
sshd_listening() { grep -q 'Server listening on' "$S/logs/sshd.log" 2>/dev/null; }

# Nothing addressed to 198.18.0.0/15 may leave through the default route; the /30s are more specific.
ensure_blackhole() {
  ip route show 198.18.0.0/15 | grep -q '^blackhole' && return 0
  ip route add blackhole 198.18.0.0/15 2>/dev/null || ip route show 198.18.0.0/15 | grep -q '^blackhole'
}

build_network() {
  local vmid type ip mac name ns dev fw node=() guest=()
  ensure_blackhole
  ip link add "$MGMT" type veth peer name mgmt0 netns "$NODE_NS"
  ip addr add "$ROOT_ADDR/30" dev "$MGMT"
  ip link set "$MGMT" up
  ip netns exec "$NODE_NS" sysctl -qw net.ipv4.ip_forward=0 net.bridge.bridge-nf-call-iptables=1
  # One `ip -batch` per namespace instead of one `ip` per change: a fleet of labs comes up on a busy
  # machine, where every process start costs. The node's links first (they create the guests' eth0).
  node+=("link set lo up" "addr add $HOST_ADDR/30 dev mgmt0" "link set mgmt0 up")
  node+=("link add vmbr0 type bridge" "addr add 10.0.0.1/24 dev vmbr0" "link set vmbr0 up")
  while read -r vmid type ip mac name; do
    ns=$P-$([ "$type" = lxc ] && echo ct || echo vm)$vmid
    dev=$(dev_of "$vmid" "$type")
    fw=$(nic_firewall "$vmid" "$type")
    node+=("link add $dev type veth peer name eth0 address $mac netns $ns")
    guest+=("$ns" "link set lo up" "$ns" "addr add $ip/24 dev eth0" "$ns" "link set eth0 up")
    if [ "$fw" = 1 ]; then
      # Proxmox puts a firewall=1 NIC behind its own bridge: dev -> fwbrNi0 -> fwlnNi0/fwprNp0 -> vmbr0.
      node+=("link add fwbr${vmid}i0 type bridge" "link add fwpr${vmid}p0 type veth peer name fwln${vmid}i0")
      node+=("link set fwpr${vmid}p0 master vmbr0 up" "link set fwln${vmid}i0 master fwbr${vmid}i0 up")
      node+=("link set $dev master fwbr${vmid}i0 up" "link set fwbr${vmid}i0 up")
    else
      node+=("link set $dev master vmbr0 up")
    fi
  done < <(grep -v '^#' "$SCEN_ROOT/common/guests.txt")
  printf '%s\n' "${node[@]}" | ip -n "$NODE_NS" -batch -
  local i batches=()
  for ((i = 0; i < ${#guest[@]}; i += 2)); do
    [[ " ${batches[*]} " = *" ${guest[i]} "* ]] || batches+=("${guest[i]}")
  done
  for ns in "${batches[@]}"; do
    for ((i = 0; i < ${#guest[@]}; i += 2)); do if [ "${guest[i]}" = "$ns" ]; then echo "${guest[i + 1]}"; fi; done |
      ip -n "$ns" -batch -
  done
  conntrack_zones
}

# A packet between two firewalled guests crosses three bridges (fwbr, vmbr0, fwbr) and conntrack
# sees it at each one. The first RST of a refused or rejected connection deletes the entry, so the
# kernel marks the same RST INVALID at the next bridge and PVEFW-FORWARD drops it. Giving each
# bridge its own conntrack zone keeps one entry per bridge, so resets reach the client. This is
# not an iptables table: iptables-save does not show it (nft list ruleset does).
conntrack_zones() {
  local zone=1 br rules=
  for br in $(ip -n "$NODE_NS" -o link show type bridge | awk -F': ' '{ print $2 }'); do
    rules+="    iifname \"$br\" ct zone set $zone"$'\n'
    zone=$((zone + 1))
  done
  printf 'table ip pveaudit_lab {\n  chain prerouting {\n    type filter hook prerouting priority raw; policy accept;\n%s  }\n}\n' \
    "$rules" | ip netns exec "$NODE_NS" nft -f -
}

write_outputs() {
  local kh=$S/known_hosts
  echo "$HOST_ADDR $(cut -d' ' -f1,2 "$S/ssh/host_ed25519.pub")" > "$kh"
  cat > "$S/inventory.yml" <<EOF
all:
  children:
    proxmox:
      hosts:
        $INVENTORY_NAME:
          ansible_host: $HOST_ADDR
          ansible_user: root
          ansible_port: 22
          ansible_ssh_private_key_file: $S/ssh/id_ed25519
EOF
  cp "$SCEN_ROOT/common/intent.yml" "$S/intent.yml"
  cp -r "$SCEN_ROOT/common/phoenix" "$S/phoenix"
  cat > "$S/audit.yml" <<EOF
guests: [101, 102, 103, 1001]
capture:
  bridge: ${CAPTURE_BRIDGE}
  hosts: [10.0.0.12, 10.0.0.101]
  seconds: 8
  maxPackets: 200
probes:
  - name: traefik-to-portainer
    from: ct102
    url: https://portainer.internal.thinkheads.ai
    cacert: /ssl/phoenix_ca.crt
    resolve: portainer.internal.thinkheads.ai:443:10.0.0.101
    connectTimeout: 3
    expect: reachable
EOF
  # NO_RESOLVE=1: the probe relies on the guest's own resolver, which does not know the name.
  if [ "${NO_RESOLVE:-0}" = 1 ]; then sed -i '/^    resolve: /d' "$S/audit.yml"; fi
  # INTENT_KIND=phoenix compares against the admin's Phoenix JSON, as in the seed story
  if [ "${INTENT_KIND:-native}" = phoenix ]; then echo "phoenix: phoenix" >>"$S/audit.yml"
  else echo "intent: intent.yml" >>"$S/audit.yml"; fi
  local guest_pids=
  for f in "$S/pids"/guest-*; do guest_pids+="${f##*/guest-}:$(cat "$f") "; done
  cat > "$S/lab.env" <<EOF
PREFIX=$P
SCENARIO=$SCENARIO
INDEX=$IDX
STATE=$S
HOST=$HOST_ADDR
ROOT_ADDR=$ROOT_ADDR
PORT=22
NODE_NS=$NODE_NS
MGMT_LINK=$MGMT
NODE_HOSTNAME=$NODE_HOSTNAME
SSHD_PID=$(cat "$S/pids/sshd")
TLS_PID=$(cat "$S/pids/tls" 2>/dev/null || true)
GUEST_PIDS="${guest_pids% }"
PRIVATE_KEY=$S/ssh/id_ed25519
KNOWN_HOSTS=$kh
INVENTORY=$S/inventory.yml
AUDIT=$S/audit.yml
INTENT=$S/intent.yml
CA_CERT=$S/ca/ca.crt
EOF
}

load_scenario() {
  local s
  read -r -a CHAIN <<<"$(scenario_chain "$SCENARIO")"
  PVE=1 PENDING=0 TLS_SERVER=lab NODE_HOSTNAME=pve INVENTORY_NAME=pve INTENT_KIND=native STOPPED= NO_RESOLVE=0 CAPTURE_BRIDGE=vmbr0
  for s in "${CHAIN[@]}"; do source "$SCEN_ROOT/$s/scenario.env"; done
  PY=/usr/bin/python3; [ -x "$PY" ] || PY=$(command -v python3)
}

# The node's files only, for running the stand-ins outside a lab (standins/transcript.sh): the
# state dir gets node/ as `up` builds it, plus node/guests, the guests `up` would start
# ("vmid name" lines: common/guests.txt without STOPPED).
tree() {
  local vmid type ip mac name
  load_scenario
  if [ -d "$S" ]; then
    [ -e "$S/$MARKER" ] || die "refusing to reuse $S: not a lab state dir (no $MARKER)"
    rm -rf "$S"
  fi
  mkdir -p "$S"/{pids,logs,tmp,guests}
  touch "$S/$MARKER"
  build_pve_tree
  while read -r vmid type ip mac name; do
    [[ " ${STOPPED:-} " = *" $vmid "* ]] || echo "$vmid $name"
  done < <(grep -v '^#' "$SCEN_ROOT/common/guests.txt") >"$S/node/guests"
  echo "$S"
}

up() {
  local s vmid type ip mac name ns extra
  load_scenario

  teardown
  if ip -4 -o addr show | grep -q " inet $ROOT_ADDR/30 "; then
    die "index $IDX is in use: $ROOT_ADDR/30 is already configured ($(ip -4 -o addr show | grep " inet $ROOT_ADDR/30 " | awk '{ print $2 }'))"
  fi
  mkdir -p "$S"/{pids,logs,tmp,guests}
  touch "$S/$MARKER"
  chmod 755 "$S"

  make_keys_and_certs
  build_pve_tree
  write_sshd_config
  # `if`, not `&&`: errexit is off inside a function called from an && list
  if [ "$PVE" = 1 ]; then
    if [ -n "${LAB_SHARED:-}" ]; then
      mkdir -p "$LAB_SHARED"
      (
        flock 9
        [ -f "$LAB_SHARED/ruleset-$SCENARIO.rules" ] ||
          { build_ruleset && cp "$S/node/iptables.rules" "$LAB_SHARED/ruleset-$SCENARIO.rules"; }
      ) 9>"$LAB_SHARED/.lock"
      cp "$LAB_SHARED/ruleset-$SCENARIO.rules" "$S/node/iptables.rules"
    else
      build_ruleset
    fi
  fi

  ip netns add "$NODE_NS"
  while read -r vmid type ip mac name; do
    ns=$P-$([ "$type" = lxc ] && echo ct || echo vm)$vmid
    ip netns add "$ns"
    # STOPPED="102 ...": the guest is configured and wired but not running (no holder process,
    # so the stand-ins report it stopped and refuse to exec in it).
    [[ " ${STOPPED:-} " = *" $vmid "* ]] && continue
    extra=
    if [ "$vmid" = 102 ]; then
      # The CA that signs Portainer's certificate, where the audit's probe names it.
      mkdir -p "$S/guests/$vmid/root/ssl"
      cp "$S/ca/ca.crt" "$S/guests/$vmid/root/ssl/phoenix_ca.crt"
      extra=$S/guests/$vmid/root
    fi
    start_bg "guest-$vmid" ip netns exec "$ns" unshare -m -u --propagation private \
      bash "$LAB/lib/guest-init.sh" "$name" "$extra" "$S/guests/$vmid/mnt"
  done < <(grep -v '^#' "$SCEN_ROOT/common/guests.txt")

  build_network
  if [ "$PVE" = 1 ]; then
    load_ipsets
    ip netns exec "$NODE_NS" iptables-restore < "$S/node/iptables.rules"
    hand_rules
    load_ebtables
  fi

  for f in "$S/pids"/guest-*; do wait_for "guest ${f##*/}" 5 is_sleeping "${f##*/}"; done

  if [ "$TLS_SERVER" != none ]; then
    local crt=$S/ca/server-ca.crt
    [ "$TLS_SERVER" = rogue ] && crt=$S/ca/server-rogue-ca.crt
    start_bg tls nsenter -t "$(cat "$S/pids/guest-1001")" -n -m -u -- \
      "$PY" "$LAB/lib/tls-server.py" "$crt" "$S/ca/server.key" "$S/tmp/tls.ready"
  fi
  mkdir -p /run/sshd
  start_bg sshd ip netns exec "$NODE_NS" unshare -m -u --propagation private \
    bash "$LAB/lib/node-init.sh" "$S" "$NODE_HOSTNAME"
  [ "$TLS_SERVER" != none ] && wait_for "TLS server" 5 test -e "$S/tmp/tls.ready"
  wait_for sshd 5 sshd_listening
  write_outputs
  ensure_blackhole # again: a lab going down at the same moment may have removed it
  echo "$S"
}

case "$CMD" in
  up) up ;;
  down) down ;;
  tree) tree ;;
  *) usage ;;
esac
