#!/bin/bash
# Writes a real tcpdump capture of at least SIZE_MB to FILE (run as root): two namespaces
# pa-bench-a (client 10.99.0.1) and pa-bench-b (server 10.99.0.2) joined by a veth pair with GSO
# limited to one segment, so frames are MTU-sized as on a real bridge. Traffic: one bulk HTTP upload
# of SIZE_MB plus 400 short HTTP requests on fresh connections; tcpdump runs in pa-bench-a.
# Everything is deleted on exit; the capture file stays for the caller (who deletes it).
set -euo pipefail
. "$(dirname "$0")/../lib/netns-pair.sh"
file=$1
size_mb=${2:-210}
A=pa-bench-a B=pa-bench-b
log=$(mktemp -d /tmp/pa-bench.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  netns_pair_del "$A" "$B"
  rm -rf "$log"
}
trap cleanup EXIT

netns_pair "$A" "$B" 10.99.0.1/24 10.99.0.2/24
# one packet per segment on the wire, so the capture holds many packets, as real traffic does
for ns in "$A" "$B"; do ip -n "$ns" link set dev eth0 gso_max_segs 1 gso_max_size 1500; done

ip netns exec "$B" node -e '
  require("node:http").createServer((req, res) => {
    req.on("data", () => {});
    req.on("end", () => res.end("ok\n"));
  }).listen(8080, "10.99.0.2", () => console.log("listening"));
' >"$log/server.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do grep -q listening "$log/server.log" && break; sleep 0.05; done

ip netns exec "$A" tcpdump -Z root -i eth0 -n -B 65536 -w "$file" >"$log/tcpdump.log" 2>&1 &
tp=$!
pids+=("$tp")
for _ in $(seq 100); do grep -q 'listening on' "$log/tcpdump.log" && break; sleep 0.05; done

ip netns exec "$A" sh -c "head -c ${size_mb}M /dev/zero | curl -sS -o /dev/null -T - http://10.99.0.2:8080/upload"
ip netns exec "$A" curl -sS -o /dev/null -H 'Connection: close' "http://10.99.0.2:8080/req[1-400]"
sleep 0.5
kill -INT "$tp"
wait "$tp" || true
grep -E 'captured|dropped' "$log/tcpdump.log" >&2
