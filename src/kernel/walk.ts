import { F, STRIDE } from './compile.js';
import { CT_BITS, type Hop, type KChain, type KMatch, type KRule, type KTable, type WalkState } from './types.js';

export type LiveAction = 'ACCEPT' | 'DROP' | 'REJECT' | 'unknown';

// What one traversal of a hook decided, and every rule the packet matched on the way.
export interface HopResult {
  hop: Hop;
  action: LiveAction;
  rule: KRule | null; // the rule that decided; null for a chain policy or an unknown
  chain: string | null; // the deciding chain (the hook's own for a policy)
  why: string | null; // unknown: what the walk could not evaluate
  unknownRule: KRule | null;
  matched: KRule[];
}

const MAX_STEPS = 200_000;
const MAX_DEPTH = 64;

function candidates(chain: KChain, s: WalkState): readonly number[] | null {
  if (chain.byPhysOut) return chain.byPhysOut.get(s.hop.physOut ?? '') ?? chain.rest ?? null;
  if (chain.byPhysIn) return chain.byPhysIn.get(s.hop.physIn ?? '') ?? chain.rest ?? null;
  return null;
}

function result(
  s: WalkState,
  matched: KRule[],
  action: LiveAction,
  rule: KRule | null,
  chain: string | null,
  why: string | null = null,
  unknownRule: KRule | null = null,
): HopResult {
  return { hop: s.hop, action, rule, chain, why, unknownRule, matched };
}

function undecided(s: WalkState, matched: KRule[], r: KRule, why: string): HopResult {
  return result(s, matched, 'unknown', null, r.chain, why, r);
}

// One packet through one hook of the filter table, as the kernel runs it: rules in order, -j
// pushes a return point, -g does not, RETURN or the end of a user chain pops, the end of the
// hook's chain applies its policy. MARK/CONNMARK change the packet and the walk goes on.
// (Hot path: each rule's compiled conditions (rule.pre, packed per chain into chain.packed) are
// compared inline and only the rest of its matches are called; the return stack is three
// parallel arrays.)
export function walkHop(table: KTable, s: WalkState): HopResult {
  const matched: KRule[] = [];
  const hook = table.chains.get(s.hop.hook);
  if (!hook) return result(s, matched, 'ACCEPT', null, s.hop.hook, 'no such chain: nothing filters here');
  const policy = hook.policy ?? 'ACCEPT';
  const stackChain: KChain[] = [];
  const stackList: Array<readonly number[] | null> = [];
  const stackI: number[] = [];
  const p = s.p;
  const proto = p.proto;
  const state = CT_BITS[p.ctstate] ?? 0;
  const v4 = p.v === 4;
  const src4 = p.src4;
  const dst4 = p.dst4;
  const dport = p.dport ?? -1;
  const sport = p.sport ?? -1;
  const bridged = s.hop.bridged;
  // a port the table never names matches no exact port condition (-2); no port at all is -1
  const physIn = s.hop.physIn === null ? -1 : (table.ports.get(s.hop.physIn) ?? -2);
  const physOut = s.hop.physOut === null ? -1 : (table.ports.get(s.hop.physOut) ?? -2);
  let chain = hook;
  let list = candidates(hook, s);
  let i = 0;
  for (let steps = 0; steps < MAX_STEPS; steps++) {
    const rules = chain.rules;
    const idx = list ? list[i] : i;
    if (idx === undefined || idx >= rules.length) {
      // end of chain: the hook's policy, or back to the caller
      if (chain === hook || stackChain.length === 0) return result(s, matched, policy, null, hook.name);
      chain = stackChain.pop() as KChain;
      list = stackList.pop() as readonly number[] | null;
      i = stackI.pop() as number;
      continue;
    }
    i++;
    const a = chain.packed;
    const o = idx * STRIDE;
    const f = a[o] as number;
    if (f !== 0) {
      if (f & F.proto && a[o + 1] !== proto) continue;
      if (f & F.states && ((a[o + 2] as number) & state) === 0) continue;
      if (f & F.dport && (a[o + 9] !== proto || dport < (a[o + 7] as number) || dport > (a[o + 8] as number))) continue;
      if (f & F.sport && (a[o + 12] !== proto || sport < (a[o + 10] as number) || sport > (a[o + 11] as number)))
        continue;
      if (f & F.src4 && (!v4 || (src4 & (a[o + 3] as number)) !== a[o + 4])) continue;
      if (f & F.dst4 && (!v4 || (dst4 & (a[o + 5] as number)) !== a[o + 6])) continue;
      if (f & F.physOut && physOut !== a[o + 14]) continue;
      if (f & F.physIn && physIn !== a[o + 13]) continue;
      if (f & F.bridged && !bridged) continue;
    }
    const r = rules[idx] as KRule;
    const ms = r.rest;
    let hit: boolean | 'unknown' = true;
    let open: KMatch | null = null;
    for (let m = 0; m < ms.length; m++) {
      const mm = ms[m] as KMatch;
      const res = mm.test(s);
      if (res === false) {
        hit = false;
        break;
      }
      if (res === 'unknown') {
        hit = 'unknown';
        open ??= mm;
      }
    }
    if (hit === false) continue;
    if (hit === 'unknown') {
      const what = open?.known ? `${open.text}: not known for this packet` : (open?.text ?? r.unknown);
      return undecided(s, matched, r, what ?? 'a match could not be evaluated');
    }
    matched.push(r);
    const t = r.target;
    switch (t.kind) {
      case 'verdict':
        return result(s, matched, t.action, r, r.chain);
      case 'return':
        if (chain === hook || stackChain.length === 0) return result(s, matched, policy, null, hook.name);
        chain = stackChain.pop() as KChain;
        list = stackList.pop() as readonly number[] | null;
        i = stackI.pop() as number;
        break;
      case 'jump': {
        const next = table.chains.get(t.chain);
        if (!next) return undecided(s, matched, r, `target ${t.chain} is neither a chain nor a known target`);
        if (!t.goto) {
          stackChain.push(chain);
          stackList.push(list);
          stackI.push(i);
          if (stackChain.length > MAX_DEPTH) return undecided(s, matched, r, 'chains nest too deep (a loop?)');
        }
        chain = next;
        list = candidates(next, s);
        i = 0;
        break;
      }
      case 'mark':
        if (t.op === 'restore') s.mark = s.connmark;
        else if (t.op === 'save') s.connmark = s.mark;
        else if (t.conn) s.connmark = ((s.connmark & ~t.mask) ^ t.xor) >>> 0;
        else s.mark = ((s.mark & ~t.mask) ^ t.xor) >>> 0;
        break;
      case 'continue':
      case 'none':
        break;
      case 'unknown':
        return undecided(s, matched, r, `target "${t.text}" is not modelled`);
    }
  }
  return result(s, matched, 'unknown', null, null, `gave up after ${MAX_STEPS} rules (a loop?)`);
}
