import { type NChain, type NftRuleset, type NRule, nkey } from './nft.js';
import { evalMatch, isUnk, lookupVerdict, type NHop, type NPacket, type NState } from './nft-expr.js';
import type { LiveAction } from './walk.js';

// One packet through the nftables hooks the kernel runs it through. At each hook every base chain
// of every table of that family runs in priority order: accept ends only that base chain (the next
// one still runs), drop or reject ends the packet. Inside a chain: jump pushes a return point, goto
// does not, return or the end of a regular chain pops, the end of a base chain is its policy.

export interface NHopResult {
  hop: NHop;
  action: LiveAction;
  rule: NRule | null; // the rule that decided; null for a policy or an unknown
  chain: NChain | null; // the chain that decided (the base chain for a policy)
  why: string | null; // unknown: what could not be evaluated
  unknownRule: NRule | null;
  matched: NRule[]; // rules with a verdict or a mark that the packet matched, in order
}

const MAX_STEPS = 100_000;
const MAX_DEPTH = 16; // the kernel's own jump stack limit

type Outcome = { kind: 'next' } | { kind: 'verdict'; v: Record<string, unknown> } | { kind: 'unknown'; why: string };

const VERDICTS = new Set(['accept', 'drop', 'reject', 'continue', 'return', 'jump', 'goto', 'queue', 'vmap']);
const NOOPS = new Set([
  'counter',
  'log',
  'limit',
  'quota',
  'notrack',
  'set',
  'ct helper',
  'ct timeout',
  'ct expectation',
]);
const obj = (x: unknown): Record<string, unknown> | null =>
  typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Record<string, unknown>) : null;
const kindOf = (st: unknown) => Object.keys(obj(st) ?? {})[0] ?? '';

// A rule with neither a verdict nor a mark can only count or log: it never changes the outcome.
function inert(r: NRule): boolean {
  return !r.expr.some((st) => {
    const k = kindOf(st);
    return VERDICTS.has(k) || k === 'mangle' || !(k === 'match' || NOOPS.has(k));
  });
}

function runRule(r: NRule, s: NState): Outcome {
  let open: string | null = null; // a match we could not decide: the rule might match
  for (const st of r.expr) {
    const k = kindOf(st);
    const body = obj(st)?.[k];
    if (k === 'match') {
      const m = evalMatch(obj(body) ?? {}, s);
      if (m === false) return { kind: 'next' };
      if (m !== true) open ??= isUnk(m) ? m.unknown : `${JSON.stringify(obj(body)?.left)}: not known for this packet`;
      continue;
    }
    if (NOOPS.has(k)) {
      if (k === 'limit' || k === 'quota') open ??= `${k} (depends on the traffic rate)`;
      continue;
    }
    if (open !== null) return { kind: 'unknown', why: open };
    if (k === 'mangle') {
      const m = obj(body);
      const key = obj(m?.key);
      const value = typeof m?.value === 'number' ? m.value : null;
      if (value !== null && obj(key?.meta)?.key === 'mark') s.mark = value >>> 0;
      else if (value !== null && obj(key?.ct)?.key === 'mark') s.ctmark = value >>> 0;
      else return { kind: 'unknown', why: `statement ${JSON.stringify(st).slice(0, 80)}` };
      continue;
    }
    if (k === 'vmap') {
      const v = lookupVerdict(obj(body)?.key, obj(body)?.data, s);
      if (v === null) return { kind: 'next' };
      if (isUnk(v)) return { kind: 'unknown', why: v.unknown };
      const vo = obj(v.verdict);
      return vo ? { kind: 'verdict', v: vo } : { kind: 'unknown', why: 'verdict map data' };
    }
    if (VERDICTS.has(k))
      return k === 'queue'
        ? { kind: 'unknown', why: 'queue (userspace decides)' }
        : { kind: 'verdict', v: obj(st) as Record<string, unknown> };
    return { kind: 'unknown', why: `statement ${JSON.stringify(st).slice(0, 80)}` };
  }
  return open !== null ? { kind: 'unknown', why: open } : { kind: 'next' };
}

// One base chain, start to verdict.
function runBase(rs: NftRuleset, base: NChain, s: NState, matched: NRule[]): Omit<NHopResult, 'hop' | 'matched'> {
  const stack: Array<{ chain: NChain; i: number }> = [];
  let chain = base;
  let i = 0;
  const setsOf = (c: NChain) => (name: string) => rs.sets.get(nkey(c.family, c.table, name))?.elems ?? null;
  s.setElems = setsOf(base);
  // The end of a chain, or `return`, resumes the calling chain; with none left, the base chain's
  // policy decides.
  const policyEnd = {
    action: base.policy === 'drop' ? ('DROP' as const) : ('ACCEPT' as const),
    rule: null,
    chain: base,
    why: null,
    unknownRule: null,
  };
  const popCaller = (): boolean => {
    const back = stack.pop();
    if (!back) return false;
    chain = back.chain;
    i = back.i;
    return true;
  };
  for (let steps = 0; steps < MAX_STEPS; steps++) {
    const r = chain.rules[i++];
    if (!r) {
      if (!popCaller()) return policyEnd;
      continue;
    }
    if (inert(r)) continue;
    const o = runRule(r, s);
    if (o.kind === 'next') continue;
    if (o.kind === 'unknown') return { action: 'unknown', rule: null, chain, why: o.why, unknownRule: r };
    matched.push(r);
    const k = kindOf(o.v);
    const target = String(obj(o.v[k])?.target ?? '');
    switch (k) {
      case 'accept':
        return { action: 'ACCEPT', rule: r, chain, why: null, unknownRule: null };
      case 'drop':
        return { action: 'DROP', rule: r, chain, why: null, unknownRule: null };
      case 'reject':
        return { action: 'REJECT', rule: r, chain, why: null, unknownRule: null };
      case 'continue':
        break;
      case 'return':
        if (!popCaller()) return policyEnd;
        break;
      case 'jump':
      case 'goto': {
        const next = rs.chains.get(nkey(chain.family, chain.table, target));
        if (!next) return { action: 'unknown', rule: null, chain, why: `no chain ${target}`, unknownRule: r };
        if (k === 'jump') {
          stack.push({ chain, i });
          if (stack.length > MAX_DEPTH)
            return { action: 'unknown', rule: null, chain, why: 'chains nest too deep', unknownRule: r };
        }
        chain = next;
        i = 0;
        break;
      }
      default:
        return { action: 'unknown', rule: null, chain, why: `verdict ${k}`, unknownRule: r };
    }
  }
  return {
    action: 'unknown',
    rule: null,
    chain: null,
    why: `gave up after ${MAX_STEPS} rules (a loop?)`,
    unknownRule: null,
  };
}

const HOOK_FAMILIES = { bridge: ['bridge'], ip4: ['inet', 'ip'], ip6: ['inet', 'ip6'] } as const;

// The base chains that see a packet at this hop, in the order the kernel runs them.
export function baseChains(rs: NftRuleset, hop: NHop, l3: NPacket['l3']): NChain[] {
  const fams: readonly string[] =
    hop.family === 'bridge' ? HOOK_FAMILIES.bridge : l3 === 'ip6' ? HOOK_FAMILIES.ip6 : HOOK_FAMILIES.ip4;
  const order = new Map(rs.tables.map((t, i) => [`${t.family} ${t.name}`, i]));
  return [...rs.chains.values()]
    .filter((c) => c.hook === hop.hook && fams.includes(c.family))
    .sort(
      (a, b) =>
        a.prio - b.prio || (order.get(`${a.family} ${a.table}`) ?? 0) - (order.get(`${b.family} ${b.table}`) ?? 0),
    );
}

// One hop: every base chain in turn; the first that does not accept decides.
export function walkNftHop(rs: NftRuleset, hop: NHop, p: NPacket, mark: { mark: number; ctmark: number }): NHopResult {
  const matched: NRule[] = [];
  const s: NState = { p, hop, mark: mark.mark, ctmark: mark.ctmark, setElems: () => null };
  let last: Omit<NHopResult, 'hop' | 'matched'> = {
    action: 'ACCEPT',
    rule: null,
    chain: null,
    why: 'no base chain at this hook',
    unknownRule: null,
  };
  let telling: typeof last | null = null;
  for (const base of baseChains(rs, hop, p.l3)) {
    last = runBase(rs, base, s, matched);
    if (last.action !== 'ACCEPT') break;
    if (last.rule) telling = last;
  }
  mark.mark = s.mark;
  mark.ctmark = s.ctmark;
  const decided = last.action === 'ACCEPT' && telling ? telling : last;
  return { hop, matched, ...decided };
}
