import type { RulesetFacts } from '../schema/facts.js';

// Which firewall chains are live: enough to tell whether the guest chains the config implies exist.
export function parseIptablesSave(text: string, file: string): RulesetFacts {
  const chains = new Set<string>();
  const devices = new Set<string>();
  let table = '';
  for (const raw of text.split('\n')) {
    // iptables-save -c puts each rule's counters first: "[packets:bytes] -A ..."
    const line = raw.trim().replace(/^\[\d+:\d+\]\s+/, '');
    if (line.startsWith('*')) table = line.slice(1);
    if (table !== 'filter') continue;
    const decl = /^:(\S+)/.exec(line);
    if (decl?.[1]) chains.add(decl[1]);
    // -A PVEFW-FWBR-IN -m physdev --physdev-out tap1001i0 --physdev-is-bridged -j tap1001i0-IN
    const jump = /^-A PVEFW-FWBR-(?:IN|OUT) .*--physdev-(?:out|in) (\S+) .*-j (\S+)-(?:IN|OUT)\b/.exec(line);
    if (jump?.[1] && jump[1] === jump[2]) devices.add(jump[1]);
  }
  return { backend: 'iptables', file, chains: [...chains].sort(), guestDevices: [...devices].sort() };
}

// nft mode: guest chains are guest-<vmid>-in/out, reached through vm-map-in/out keyed by device.
export function parseNftRuleset(text: string, file: string): RulesetFacts {
  const chains = new Set<string>();
  const devices = new Set<string>();
  for (const raw of text.split('\n')) {
    const chain = /^\s*chain (\S+) \{/.exec(raw);
    if (chain?.[1]) chains.add(chain[1]);
    for (const m of raw.matchAll(/"((?:tap|veth)\d+i\d+)"\s*:\s*(?:goto|jump) guest-\d+-(?:in|out)/g)) {
      if (m[1]) devices.add(m[1]);
    }
  }
  return { backend: 'nftables', file, chains: [...chains].sort(), guestDevices: [...devices].sort() };
}
