import {
  NftChainSchema,
  NftDocumentSchema,
  type NftFamily,
  NftRuleSchema,
  NftSetSchema,
  NftTableSchema,
} from './nft-schema.js';
import { ruleText } from './nft-text.js';
import type { KIssue } from './types.js';

// `nft -j list ruleset` -> tables, chains (in rule order), sets and maps. Pure and total: a
// malformed object is an issue naming its index, and the rest is still read.

export interface NRule {
  family: NftFamily;
  table: string;
  chain: string;
  pos: number; // 1-based position in its chain
  handle: number | null; // what `nft delete rule ... handle N` takes
  expr: readonly unknown[];
  text: string; // nft syntax, as `nft list` would print it (best effort)
}

export interface NChain {
  family: NftFamily;
  table: string;
  name: string;
  handle: number | null;
  hook: string | null; // base chains only
  prio: number;
  policy: 'accept' | 'drop';
  dev: string[]; // netdev chains: the devices they are bound to
  rules: NRule[];
}

export interface NSet {
  family: NftFamily;
  table: string;
  name: string;
  isMap: boolean;
  elems: readonly unknown[];
}

export interface NftRuleset {
  backend: 'nftables';
  file: string;
  tables: Array<{ family: NftFamily; name: string }>;
  chains: Map<string, NChain>; // key: "family table name"
  sets: Map<string, NSet>; // key: "family table name" (sets and maps)
}

export const nkey = (family: string, table: string, name: string) => `${family} ${table} ${name}`;

// Priority names (nft(8) "PRIORITY"), as newer nft may print them.
const PRIO: Record<string, number> = { raw: -300, mangle: -150, dstnat: -100, filter: 0, security: 50, srcnat: 100 };
const BRIDGE_PRIO: Record<string, number> = { dstnat: -300, filter: -200, out: 100, srcnat: 300 };

function prioOf(p: number | string | undefined, family: string): number {
  if (typeof p === 'number') return p;
  if (p === undefined) return 0;
  const m = /^([a-z]+)\s*(?:([+-])\s*(\d+))?$/.exec(p.trim());
  const base = m ? ((family === 'bridge' ? BRIDGE_PRIO : PRIO)[m[1] as string] ?? 0) : 0;
  return m?.[2] ? base + (m[2] === '-' ? -1 : 1) * Number(m[3]) : base;
}

export function parseNftJson(text: string, file: string): { ruleset: NftRuleset | null; issues: KIssue[] } {
  const issues: KIssue[] = [];
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return { ruleset: null, issues: [{ file, line: null, message: `not JSON: ${(e as Error).message}` }] };
  }
  const top = NftDocumentSchema.safeParse(doc);
  if (!top.success) return { ruleset: null, issues: [{ file, line: null, message: 'no "nftables" array at the top' }] };
  const rs: NftRuleset = { backend: 'nftables', file, tables: [], chains: new Map(), sets: new Map() };
  const bad = (i: number, kind: string, err: { issues: Array<{ path: PropertyKey[]; message: string }> }) => {
    const first = err.issues[0];
    const where = first ? `${first.path.map(String).join('.')}: ${first.message}` : 'invalid';
    issues.push({ file, line: null, message: `nftables[${i}] (${kind}): ${where}` });
  };
  const rules: Array<{ i: number; r: ReturnType<typeof NftRuleSchema.parse> }> = [];
  for (const [i, o] of top.data.nftables.entries()) {
    if (typeof o !== 'object' || o === null) {
      bad(i, 'object', { issues: [{ path: [], message: 'not an object' }] });
      continue;
    }
    const kind = Object.keys(o)[0] ?? '';
    const body = (o as Record<string, unknown>)[kind];
    if (kind === 'table') {
      const t = NftTableSchema.safeParse(body);
      if (t.success) rs.tables.push({ family: t.data.family, name: t.data.name });
      else bad(i, kind, t.error);
    } else if (kind === 'chain') {
      const c = NftChainSchema.safeParse(body);
      if (!c.success) {
        bad(i, kind, c.error);
        continue;
      }
      const d = c.data;
      rs.chains.set(nkey(d.family, d.table, d.name), {
        family: d.family,
        table: d.table,
        name: d.name,
        handle: d.handle ?? null,
        hook: d.hook ?? null,
        prio: prioOf(d.prio, d.family),
        policy: d.policy ?? 'accept',
        dev: d.dev === undefined ? [] : Array.isArray(d.dev) ? d.dev : [d.dev],
        rules: [],
      });
    } else if (kind === 'set' || kind === 'map') {
      const st = NftSetSchema.safeParse(body);
      if (!st.success) {
        bad(i, kind, st.error);
        continue;
      }
      const d = st.data;
      rs.sets.set(nkey(d.family, d.table, d.name), {
        family: d.family,
        table: d.table,
        name: d.name,
        isMap: kind === 'map',
        elems: d.elem ?? [],
      });
    } else if (kind === 'rule') {
      const r = NftRuleSchema.safeParse(body);
      if (r.success) rules.push({ i, r: r.data });
      else bad(i, kind, r.error);
    }
    // metainfo, flowtables, counters, quotas, ct helpers: nothing the walk needs
  }
  for (const { i, r } of rules) {
    const chain = rs.chains.get(nkey(r.family, r.table, r.chain));
    if (!chain) {
      issues.push({
        file,
        line: null,
        message: `nftables[${i}]: rule in unknown chain ${r.family} ${r.table} ${r.chain}`,
      });
      continue;
    }
    chain.rules.push({
      family: r.family,
      table: r.table,
      chain: r.chain,
      pos: chain.rules.length + 1,
      handle: r.handle ?? null,
      expr: r.expr,
      text: ruleText(r.expr),
    });
  }
  return { ruleset: rs, issues };
}
