#!/bin/bash
# The hand-written baseline: what a careful admin's script does with one multiplexed OpenSSH
# connection to gather the evidence pveaudit gathers from a lab node (facts, /etc/pve files, guest
# configs, the ruleset, a bounded tcpdump on vmbr0 while curl runs in CT 102, the pcap, cleanup).
# Usage: openssh.sh HOST KEY KNOWN_HOSTS OUTDIR    (prints "probe-window SECONDS" on stdout)
set -uo pipefail
HOST=$1 KEY=$2 KH=$3 OUT=$4
CTL=$(mktemp -u /tmp/pa-bench-ssh.XXXXXX)
SSH=(ssh -S "$CTL" -i "$KEY" -o UserKnownHostsFile="$KH" -o StrictHostKeyChecking=yes -o BatchMode=yes "root@$HOST")
mkdir -p "$OUT"
"${SSH[@]}" -M -f -N -o ControlPersist=60
trap '"${SSH[@]}" -O exit 2>/dev/null' EXIT
r() { local name=$1; shift; "${SSH[@]}" "$@" >"$OUT/$name.out" 2>"$OUT/$name.err"; }

for c in hostname pveversion 'pve-firewall status' 'pve-firewall localnet' 'pct list' 'qm list' \
  'cat /etc/pve/firewall/cluster.fw' 'cat /etc/pve/local/host.fw' 'cat /etc/pve/corosync.conf'; do
  r "${c//[ \/]/_}" "timeout 20 $c" &
done
wait
for id in 101 102 103; do
  r "pct-config-$id" "timeout 20 pct config $id" &
  r "conf-$id" "timeout 10 cat /etc/pve/nodes/pve/lxc/$id.conf" &
  r "fw-$id" "timeout 10 cat /etc/pve/firewall/$id.fw" &
done
r qm-config-1001 'timeout 20 qm config 1001' &
r conf-1001 'timeout 10 cat /etc/pve/nodes/pve/qemu-server/1001.conf' &
r fw-1001 'timeout 10 cat /etc/pve/firewall/1001.fw' &
r iptables-save 'timeout 30 iptables-save' &
wait

dir=$("${SSH[@]}" 'mktemp -d /tmp/pveaudit.XXXXXX')
pid=$("${SSH[@]}" "nohup timeout 8 tcpdump -i vmbr0 -n --immediate-mode -U -c 200 -w $dir/capture.pcap host 10.0.0.12 and host 10.0.0.101 > $dir/tcpdump.err 2>&1 < /dev/null & echo \$!")
"${SSH[@]}" "for i in \$(seq 100); do grep -q 'listening on' $dir/tcpdump.err && exit 0; sleep 0.1; done; exit 1"
t0=$(date +%s.%N)
r probe 'timeout 28 pct exec 102 -- curl -v --connect-timeout 3 --max-time 18 --cacert /ssl/phoenix_ca.crt --resolve portainer.internal.thinkheads.ai:443:10.0.0.101 https://portainer.internal.thinkheads.ai 2>&1'
t1=$(date +%s.%N)
"${SSH[@]}" "kill -INT $pid; for i in \$(seq 100); do grep -qE 'packets? captured' $dir/tcpdump.err && break; sleep 0.1; done; cat $dir/tcpdump.err" >"$OUT/tcpdump.err"
"${SSH[@]}" "cat $dir/capture.pcap" >"$OUT/capture.pcap"
"${SSH[@]}" "rm -rf -- $dir"
echo "probe-window $(echo "$t1 - $t0" | bc -l)"
