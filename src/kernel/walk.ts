import type { Hop, KChain, KRule, KTable, WalkState } from './types.js';

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

interface Frame {
  chain: KChain;
  list: readonly number[] | null; // indexed walk: rule indexes to test, in order
  i: number; // next entry of list (or rule index when list is null)
}

// One packet through one hook of the filter table, as the kernel runs it: rules in order, -j
// pushes a return point, -g does not, RETURN or the end of a user chain pops, the end of the
// hook's chain applies its policy. MARK/CONNMARK change the packet and the walk goes on.
export function walkHop(table: KTable, s: WalkState): HopResult {
  const matched: KRule[] = [];
  const base = (extra: Partial<HopResult>): HopResult => ({
    hop: s.hop,
    action: 'unknown',
    rule: null,
    chain: null,
    why: null,
    unknownRule: null,
    matched,
    ...extra,
  });
  const hook = table.chains.get(s.hop.hook);
  if (!hook) return base({ action: 'ACCEPT', chain: s.hop.hook, why: 'no such chain: nothing filters here' });
  const stack: Frame[] = [];
  let f: Frame = { chain: hook, list: candidates(hook, s), i: 0 };
  for (let steps = 0; steps < MAX_STEPS; steps++) {
    const rules = f.chain.rules;
    const idx = f.list ? f.list[f.i] : f.i;
    if (idx === undefined || idx >= rules.length) {
      // end of chain
      if (f.chain.policy !== null && f.chain === hook) {
        return base({ action: f.chain.policy, chain: hook.name });
      }
      const up = stack.pop();
      if (!up) return base({ action: hook.policy ?? 'ACCEPT', chain: hook.name });
      f = up;
      continue;
    }
    f.i++;
    const r = rules[idx] as KRule;
    let hit: boolean | 'unknown' = true;
    let undecided: KRule['matches'][number] | null = null;
    for (const m of r.matches) {
      const res = m.test(s);
      if (res === false) {
        hit = false;
        break;
      }
      if (res === 'unknown') {
        hit = 'unknown';
        undecided ??= m;
      }
    }
    if (hit === false) continue;
    if (hit === 'unknown') {
      const what = undecided?.known ? `${undecided.text}: not known for this packet` : (undecided?.text ?? r.unknown);
      return base({ chain: r.chain, unknownRule: r, why: what ?? 'a match could not be evaluated' });
    }
    matched.push(r);
    const t = r.target;
    switch (t.kind) {
      case 'verdict':
        return base({ action: t.action, rule: r, chain: r.chain });
      case 'return': {
        if (f.chain === hook) return base({ action: hook.policy ?? 'ACCEPT', chain: hook.name });
        const up = stack.pop();
        if (!up) return base({ action: hook.policy ?? 'ACCEPT', chain: hook.name });
        f = up;
        break;
      }
      case 'jump': {
        const next = table.chains.get(t.chain);
        if (!next)
          return base({
            chain: r.chain,
            unknownRule: r,
            why: `target ${t.chain} is neither a chain nor a known target`,
          });
        if (!t.goto) stack.push(f);
        if (stack.length > MAX_DEPTH)
          return base({ chain: r.chain, unknownRule: r, why: 'chains nest too deep (a loop?)' });
        f = { chain: next, list: candidates(next, s), i: 0 };
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
        return base({ chain: r.chain, unknownRule: r, why: `target "${t.text}" is not modelled` });
    }
  }
  return base({ why: `gave up after ${MAX_STEPS} rules (a loop?)` });
}
