# Sourced by fixture and benchmark scripts: two network namespaces joined by one veth pair
# (eth0 in each). Traffic stays inside namespaces these scripts create; names must start with pa-.

# netns_pair NS_A NS_B ADDR_A/LEN ADDR_B/LEN: leftovers of a killed earlier run are removed first.
netns_pair() {
  local a=$1 b=$2 addr_a=$3 addr_b=$4 ns
  case "$a$b" in pa-*pa-*) ;; *) echo "netns_pair: namespace names must start with pa-" >&2; return 2 ;; esac
  netns_pair_del "$a" "$b"
  ip netns add "$a"
  ip netns add "$b"
  ip -n "$a" link set lo up
  ip -n "$b" link set lo up
  ip -n "$a" link add eth0 type veth peer name eth0 netns "$b"
  ip -n "$a" addr add "$addr_a" dev eth0
  ip -n "$b" addr add "$addr_b" dev eth0
  for ns in "$a" "$b"; do ip -n "$ns" link set eth0 up; done
}

netns_pair_del() {
  ip netns del "$1" 2>/dev/null || true
  ip netns del "$2" 2>/dev/null || true
}
