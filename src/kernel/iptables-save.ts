import { packRules } from './compile.js';
import { parseRuleWords } from './rule.js';
import { tokenize } from './tokens.js';
import type { KChain, KIpset, KIssue, KRule, KTable } from './types.js';

export interface ParsedTable {
  table: KTable | null; // null: no filter table in the text
  issues: KIssue[];
}

const NONE = new Int32Array(0);
const COUNTED = /^\[(\d+):(\d+)\]\s+(.*)$/;
const DECL = /^:(\S+)\s+(\S+)(?:\s+\[(\d+):(\d+)\])?\s*$/;

// `iptables-save -c` (or without -c) -> the filter table with every rule parsed. Pure and total:
// a line it cannot read is an issue naming file and line, and the rest is still parsed.
export function parseIptablesSave(
  text: string,
  file: string,
  family: 4 | 6,
  ipsets: ReadonlyMap<string, KIpset> | null,
): ParsedTable {
  const issues: KIssue[] = [];
  const lines = text.split('\n');
  const chain = (name: string, policy?: string): KChain => ({
    name,
    policy: policy === 'ACCEPT' || policy === 'DROP' ? policy : null,
    rules: [],
    packed: NONE,
  });
  const chains = declaredChains(lines, chain);
  // the declared names only: "-j NAME" tells a chain from a target extension by them
  const names = new Set(chains.keys());
  const ctx = { ipsets };
  const seen = forEachRule(lines, file, issues, chains, chain, (into, r) => {
    const parsed = parseRuleWords(r.words.slice(2), ctx, names);
    const spec = r.body.slice(r.body.indexOf(r.chain, 2) + r.chain.length).trim();
    into.rules.push({
      chain: r.chain,
      pos: into.rules.length + 1,
      line: r.line,
      text: r.body,
      spec,
      packets: r.packets,
      bytes: r.bytes,
      matches: parsed.matches,
      target: parsed.target,
      unknown:
        parsed.matches.find((m) => !m.known)?.text ?? (parsed.target.kind === 'unknown' ? parsed.target.text : null),
      pvesig: parsed.pvesig,
      proto: parsed.pre.proto,
      states: parsed.pre.states,
      pre: parsed.pre,
      rest: parsed.rest,
    });
  });
  const ports = new Map<string, number>();
  for (const chain of chains.values()) {
    indexChain(chain);
    chain.packed = packRules(
      chain.rules.map((r) => r.pre),
      ports,
    );
  }
  return { table: seen ? { backend: 'iptables', family, file, chains, ports } : null, issues };
}

// What the read after the probes is used for: each rule's text and packet count, by chain and
// position (counters.ts compares them with the read before). Parsing every match of it again, as
// parseIptablesSave does for the read before, cost as much as that parse and went unused.
export interface CounterRule {
  text: string;
  packets: number | null;
}
export interface CounterTable {
  chains: ReadonlyMap<string, { rules: readonly CounterRule[] }>;
}

// `iptables-save -c` -> each filter-table rule's text and counter; the same lines are read and the
// same issues raised as by parseIptablesSave, without parsing the matches.
export function parseIptablesCounters(text: string, file: string): { table: CounterTable | null; issues: KIssue[] } {
  const issues: KIssue[] = [];
  const lines = text.split('\n');
  const chain = (): { rules: CounterRule[] } => ({ rules: [] });
  const chains = declaredChains(lines, chain);
  const seen = forEachRule(lines, file, issues, chains, chain, (into, r) => {
    into.rules.push({ text: r.body, packets: r.packets });
  });
  return { table: seen ? { chains } : null, issues };
}

interface RuleLine {
  line: number; // 1-based
  chain: string;
  body: string; // the line without its [packets:bytes] prefix
  words: string[];
  packets: number | null;
  bytes: number | null;
}

// The filter table's chain declarations (":NAME POLICY [p:b]"), each made by `make`.
function declaredChains<C>(lines: readonly string[], make: (name: string, policy?: string) => C): Map<string, C> {
  const chains = new Map<string, C>();
  let table = '';
  for (const raw of lines) {
    const line = raw.trim();
    if (line.startsWith('*')) table = line.slice(1);
    else if (table === 'filter') {
      const d = DECL.exec(line);
      if (d?.[1]) chains.set(d[1], make(d[1], d[2]));
    }
  }
  return chains;
}

// Each rule line of the filter table, in order, handed to `add` with its chain. A line that is not
// a rule, or a rule for an undeclared chain (then made, so its rules are kept), is an issue naming
// file and line. Returns whether the text has a filter table at all.
function forEachRule<C>(
  lines: readonly string[],
  file: string,
  issues: KIssue[],
  chains: Map<string, C>,
  make: (name: string) => C,
  add: (chain: C, rule: RuleLine) => void,
): boolean {
  let seen = false;
  let table = '';
  lines.forEach((raw, idx) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    if (line.startsWith('*')) {
      table = line.slice(1);
      if (table === 'filter') seen = true;
      return;
    }
    if (table !== 'filter' || line === 'COMMIT' || line.startsWith(':')) return;
    const c = COUNTED.exec(line);
    const body = c ? (c[3] as string) : line;
    const words = tokenize(body);
    const name = words[1];
    if (words[0] !== '-A' || !name) {
      issues.push({ file, line: idx + 1, message: `not a rule: "${line.slice(0, 120)}"` });
      return;
    }
    let chain = chains.get(name);
    if (chain === undefined) {
      issues.push({ file, line: idx + 1, message: `rule for undeclared chain ${name}` });
      chain = make(name);
      chains.set(name, chain);
    }
    const packets = c ? Number(c[1]) : null;
    add(chain, { line: idx + 1, chain: name, body, words, packets, bytes: c ? Number(c[2]) : null });
  });
  return seen;
}

const INDEX_FROM = 24;

// Chains that dispatch on the bridge port (PVEFW-FWBR-IN/OUT: one jump per guest NIC) get an
// index, so a walk tests the rules for its own port and the port-independent ones, in order.
function indexChain(chain: KChain): void {
  if (chain.rules.length < INDEX_FROM) return;
  const key = (r: KRule, k: 'physOut' | 'physIn') => r.matches.find((m) => m[k] !== undefined)?.[k];
  for (const k of ['physOut', 'physIn'] as const) {
    const keyed = chain.rules.filter((r) => key(r, k) !== undefined).length;
    if (keyed < chain.rules.length / 2) continue;
    const rest: number[] = [];
    const by = new Map<string, number[]>();
    chain.rules.forEach((r, i) => {
      const v = key(r, k);
      if (v === undefined) rest.push(i);
      else {
        const list = by.get(v);
        if (list) list.push(i);
        else by.set(v, [i]);
      }
    });
    for (const [v, list] of by) by.set(v, mergeSorted(list, rest));
    chain.rest = rest;
    if (k === 'physOut') chain.byPhysOut = by;
    else chain.byPhysIn = by;
    return;
  }
}

function mergeSorted(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && (a[i] as number) < (b[j] as number))) out.push(a[i++] as number);
    else out.push(b[j++] as number);
  }
  return out;
}
