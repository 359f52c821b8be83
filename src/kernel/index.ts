import { type ETable, parseEbtablesSave } from './ebtables.js';
import { parseIpsetSave } from './ipset.js';
import { type CounterTable, parseIptablesCounters, parseIptablesSave } from './iptables-save.js';
import { type NftRuleset, parseNftJson } from './nft.js';
import type { KIpset, KIssue, KTable } from './types.js';

export type { EChain, ERule, ETable } from './ebtables.js';
export type { L2Result, L2Walk } from './ebtables-walk.js';
export { walkL2Flow } from './ebtables-walk.js';
export type { FlowWalk, LiveEndpoint, LiveFlowInput } from './flow.js';
export { hopsOf, walkFlow } from './flow.js';
export type { NChain, NftRuleset, NRule } from './nft.js';
export type { NftFlowWalk } from './nft-flow.js';
export { walkNftFlow } from './nft-flow.js';
export type { KRule, KTable } from './types.js';
export type { HopResult, LiveAction } from './walk.js';

export interface RawEvidence {
  file: string;
  text: string;
}

// The kernel's evidence as collected: each is null when its step failed or did not run.
export interface KernelEvidence {
  iptables: RawEvidence | null; // iptables-save -c, read before the probes
  iptablesAfter: RawEvidence | null; // the same after the probes (counters)
  ip6tables: RawEvidence | null;
  ipset: RawEvidence | null;
  nft?: RawEvidence | null; // nft -j list ruleset (proxmox-firewall, host.fw nftables: 1)
  ebtables?: RawEvidence | null; // ebtables-save (pve-firewall's layer-2 filter)
}

export interface LiveKernel {
  v4: KTable | null;
  v4After: CounterTable | null; // only what the counters need (counters.ts)
  v6: KTable | null;
  ipsets: ReadonlyMap<string, KIpset> | null;
  nft: NftRuleset | null;
  ebtables: ETable | null;
  issues: KIssue[];
}

// Parses everything the kernel showed us, once. Pure.
export function loadKernel(ev: KernelEvidence): LiveKernel {
  const issues: KIssue[] = [];
  let ipsets: Map<string, KIpset> | null = null;
  if (ev.ipset) {
    const r = parseIpsetSave(ev.ipset.text, ev.ipset.file);
    ipsets = r.sets;
    issues.push(...r.issues);
  }
  const table = (raw: RawEvidence | null, family: 4 | 6) => {
    if (!raw) return null;
    const r = parseIptablesSave(raw.text, raw.file, family, ipsets);
    issues.push(...r.issues);
    return r.table;
  };
  let nft: NftRuleset | null = null;
  if (ev.nft) {
    const r = parseNftJson(ev.nft.text, ev.nft.file);
    nft = r.ruleset;
    issues.push(...r.issues);
  }
  let ebtables: ETable | null = null;
  if (ev.ebtables) {
    const r = parseEbtablesSave(ev.ebtables.text, ev.ebtables.file);
    ebtables = r.table;
    issues.push(...r.issues);
  }
  const counters = (raw: RawEvidence | null) => {
    if (!raw) return null;
    const r = parseIptablesCounters(raw.text, raw.file);
    issues.push(...r.issues);
    return r.table;
  };
  return {
    v4: table(ev.iptables, 4),
    v4After: counters(ev.iptablesAfter),
    v6: table(ev.ip6tables, 6),
    ipsets,
    nft,
    ebtables,
    issues,
  };
}

// The table a flow's packets meet: ip6tables' for IPv6 addresses, iptables' for IPv4. Null when
// the two ends are of different families or that table was not collected.
export function tableFor(k: LiveKernel, from: string, to: string): KTable | null {
  const v6 = from.includes(':');
  if (v6 !== to.includes(':')) return null;
  return v6 ? k.v6 : k.v4;
}
