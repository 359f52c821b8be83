import { canonicalRule } from './canon.js';
import type { ExpectedChain } from './expected.js';
import type { KChain, KRule, KTable } from './types.js';

// The live ruleset against what the configuration compiles to. pve-firewall itself compares only
// each chain's PVESIG comment with the signature of the rules it would generate, so a rule added
// by hand inside one of its chains leaves the signature alone and survives every reload.

export type DriftCode =
  | 'hand-added'
  | 'live-drift'
  | 'live-rule-missing'
  | 'live-rule-changed'
  | 'stale-chain'
  | 'chain-missing';

export interface DriftItem {
  chain: string;
  kind: 'extra' | 'missing' | 'changed';
  code: DriftCode;
  text: string; // the live rule ("-A chain ..."), or the expected one for missing
  rule: number | null; // live position
  spec: string | null; // live rule spec, for `iptables -D chain <spec>`
  expected: string | null; // for changed and missing: the rule the configuration produces
  nft?: { family: string; table: string; chain: string; handle: number }; // nftables: what `nft delete rule` takes
  ebtables?: { chain: string; spec: string | null }; // layer 2: what `ebtables -D` takes
}

export interface DriftResult {
  items: DriftItem[];
  compared: string[]; // chains compared rule for rule
  notCompared: Array<{ chain: string; why: string }>;
}

const GUEST_CHAIN = /^(?:tap|veth)\d+i\d+-(?:IN|OUT)$/;
const isSig = (r: KRule) => r.pvesig !== null && r.target.kind === 'none';
const body = (c: KChain) => c.rules.filter((r) => !isSig(r));

// Longest common subsequence over rule keys: what stayed, in order.
function lcs(a: readonly string[], b: readonly string[]): Array<[number, number]> {
  const n = a.length;
  const m = b.length;
  const dp: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      (dp[i] as number[])[j] =
        a[i] === b[j]
          ? ((dp[i + 1] as number[])[j + 1] as number) + 1
          : Math.max((dp[i + 1] as number[])[j] as number, (dp[i] as number[])[j + 1] as number);
  const pairs: Array<[number, number]> = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      pairs.push([i, j]);
      i++;
      j++;
    } else if (((dp[i + 1] as number[])[j] as number) >= ((dp[i] as number[])[j + 1] as number)) i++;
    else j++;
  }
  return pairs;
}

function compareChain(live: KChain, exp: ExpectedChain): DriftItem[] {
  const rules = body(live);
  const liveKeys = rules.map((r) => canonicalRule(r.spec));
  const expKeys = exp.rules.map((r) => canonicalRule(r));
  const extra = (r: KRule): DriftItem => ({
    chain: live.name,
    kind: 'extra',
    code: 'hand-added',
    text: r.text,
    rule: r.pos,
    spec: r.spec,
    expected: null,
  });
  const missing = (t: string): DriftItem => ({
    chain: live.name,
    kind: 'missing',
    code: 'live-rule-missing',
    text: `-A ${live.name} ${t}`,
    rule: null,
    spec: null,
    expected: t,
  });
  const items: DriftItem[] = [];
  if (exp.unordered) {
    const left = new Map<string, number>();
    for (const k of expKeys) left.set(k, (left.get(k) ?? 0) + 1);
    rules.forEach((r, i) => {
      const k = liveKeys[i] as string;
      const n = left.get(k) ?? 0;
      if (n > 0) left.set(k, n - 1);
      else items.push(extra(r));
    });
    exp.rules.forEach((t, i) => {
      const k = expKeys[i] as string;
      const n = left.get(k) ?? 0;
      if (n > 0) {
        left.set(k, n - 1);
        items.push(missing(t));
      }
    });
  } else {
    const pairs = lcs(liveKeys, expKeys);
    let li = 0;
    let ei = 0;
    for (const [pl, pe] of [...pairs, [liveKeys.length, expKeys.length] as [number, number]]) {
      const gone = rules.slice(li, pl);
      const want = exp.rules.slice(ei, pe);
      const both = Math.min(gone.length, want.length);
      for (let k = 0; k < both; k++) {
        const r = gone[k] as KRule;
        items.push({
          chain: live.name,
          kind: 'changed',
          code: 'live-rule-changed',
          text: r.text,
          rule: r.pos,
          spec: r.spec,
          expected: want[k] as string,
        });
      }
      for (const r of gone.slice(both)) items.push(extra(r));
      for (const t of want.slice(both)) items.push(missing(t));
      li = pl + 1;
      ei = pe + 1;
    }
  }
  // A rule present only in the kernel is hand-added when nothing else in its chain moved;
  // next to missing or changed rules it is more likely an older configuration still loaded.
  const settled = items.every((d) => d.kind === 'extra');
  return items.map((d) => (d.kind === 'extra' && !settled ? { ...d, code: 'live-drift' } : d));
}

// Rules after a chain's PVESIG comment were appended by hand: pve-firewall writes the signature last.
function afterSignature(c: KChain): DriftItem[] {
  const at = c.rules.findIndex(isSig);
  if (at < 0) return [];
  return c.rules.slice(at + 1).map((r) => ({
    chain: c.name,
    kind: 'extra',
    code: 'hand-added',
    text: r.text,
    rule: r.pos,
    spec: r.spec,
    expected: null,
  }));
}

export function computeDrift(table: KTable, expected: ReadonlyMap<string, ExpectedChain>): DriftResult {
  const items: DriftItem[] = [];
  const compared: string[] = [];
  const notCompared: DriftResult['notCompared'] = [];
  if (expected.size === 0) return { items, compared, notCompared };
  for (const exp of expected.values()) {
    const live = table.chains.get(exp.name);
    if (!live) {
      items.push({
        chain: exp.name,
        kind: 'missing',
        code: 'chain-missing',
        text: `:${exp.name} - [0:0]`,
        rule: null,
        spec: null,
        expected: null,
      });
      continue;
    }
    if (exp.notComparable) {
      notCompared.push({ chain: exp.name, why: exp.notComparable });
      items.push(...afterSignature(live));
      continue;
    }
    compared.push(exp.name);
    items.push(...compareChain(live, exp));
  }
  for (const c of table.chains.values()) {
    if (expected.has(c.name)) continue;
    if (GUEST_CHAIN.test(c.name)) {
      items.push({
        chain: c.name,
        kind: 'extra',
        code: 'stale-chain',
        text: `:${c.name} - [0:0]`,
        rule: null,
        spec: null,
        expected: null,
      });
    } else if (/^(PVEFW-|GROUP-)/.test(c.name)) {
      items.push(...afterSignature(c));
    } else if (c.policy !== null && ['INPUT', 'FORWARD', 'OUTPUT'].includes(c.name)) {
      for (const r of c.rules) {
        if (r.target.kind === 'jump' && r.target.chain === `PVEFW-${c.name}` && r.matches.length === 0) continue;
        items.push({
          chain: c.name,
          kind: 'extra',
          code: 'hand-added',
          text: r.text,
          rule: r.pos,
          spec: r.spec,
          expected: null,
        });
      }
    }
  }
  return { items, compared, notCompared };
}
