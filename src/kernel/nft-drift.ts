import type { NChain, NftRuleset, NRule } from './nft.js';

// Rules in the live nftables ruleset that proxmox-firewall did not write. It deletes and re-adds
// its guest chains and flushes its skeleton chains in one transaction per update, so within each of
// its chains the handles rise with the position. A rule whose handle is higher than a later rule's
// was inserted afterwards, by someone else (it survives only while proxmox-firewall does not update:
// stopped, or failing on a config error). A drop or reject in another table is not its either.

export const PVE_TABLES: ReadonlySet<string> = new Set(['inet proxmox-firewall', 'bridge proxmox-firewall-guests']);

export interface NftDriftItem {
  chain: string; // "family table chain", as flows[].live names it
  rule: number; // 1-based position
  handle: number;
  family: string;
  table: string;
  chainName: string;
  text: string;
  where: 'pve-chain' | 'other-table';
}

const qualified = (c: NChain) => `${c.family} ${c.table} ${c.name}`;

function terminal(r: NRule): boolean {
  return r.expr.some((st) => {
    const k = Object.keys((st ?? {}) as object)[0];
    return k === 'drop' || k === 'reject';
  });
}

function item(c: NChain, r: NRule, where: NftDriftItem['where']): NftDriftItem | null {
  if (r.handle === null) return null;
  return {
    chain: qualified(c),
    rule: r.pos,
    handle: r.handle,
    family: c.family,
    table: c.table,
    chainName: c.name,
    text: r.text,
    where,
  };
}

export function nftHandAdded(rs: NftRuleset): NftDriftItem[] {
  const out: NftDriftItem[] = [];
  for (const c of rs.chains.values()) {
    const pve = PVE_TABLES.has(`${c.family} ${c.table}`);
    if (!pve) {
      for (const r of c.rules) if (terminal(r)) out.push(item(c, r, 'other-table') as NftDriftItem);
      continue;
    }
    // from the end: the lowest handle seen so far among the later rules
    let minLater = Number.POSITIVE_INFINITY;
    const found: NftDriftItem[] = [];
    for (let i = c.rules.length - 1; i >= 0; i--) {
      const r = c.rules[i] as NRule;
      if (r.handle === null) continue;
      if (r.handle > minLater) found.unshift(item(c, r, 'pve-chain') as NftDriftItem);
      minLater = Math.min(minLater, r.handle);
    }
    out.push(...found);
  }
  return out.filter((x) => x !== null);
}
