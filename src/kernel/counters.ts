import type { CounterTable } from './iptables-save.js';
import type { KRule } from './types.js';

export interface CounterRise {
  rules: Array<{ chain: string; rule: number; text: string; packets: number; expected: number | null }>;
  attribution: 'exact' | 'ambiguous' | 'unavailable';
  note: string;
}

// Packet counters of the rules a flow's packet matches, read before and after the probe. `matched`
// comes from the walk over the before read, so its rules carry the before counts. `sent` is how
// many of the flow's first packets the capture saw (each crosses every hop once): on a quiet node
// each rule rises by sent x (times the walk matched it); more means other traffic too.
export function counterRise(after: CounterTable, matched: readonly KRule[], sent: number | null): CounterRise {
  const times = new Map<KRule, number>();
  for (const r of matched) times.set(r, (times.get(r) ?? 0) + 1);
  const rules: CounterRise['rules'] = [];
  let ambiguous = 0;
  let changed = 0;
  for (const [r, n] of times) {
    const now = after.chains.get(r.chain)?.rules[r.pos - 1];
    if (!now || now.text !== r.text || r.packets === null || now.packets === null) {
      changed++;
      continue;
    }
    const packets = now.packets - r.packets;
    if (packets <= 0) continue;
    const expected = sent === null ? null : sent * n;
    if (expected !== null && packets !== expected) ambiguous++;
    rules.push({ chain: r.chain, rule: r.pos, text: r.text, packets, expected });
  }
  if (changed > 0 && rules.length === 0)
    return {
      rules,
      attribution: 'unavailable',
      note: 'The ruleset changed between the two reads (or carried no counters): nothing can be attributed.',
    };
  if (sent === null)
    return {
      rules,
      attribution: 'ambiguous',
      note: "The capture did not count the probe's packets, so other traffic on these rules cannot be told apart.",
    };
  if (ambiguous > 0)
    return {
      rules,
      attribution: 'ambiguous',
      note: `${ambiguous} rule${ambiguous > 1 ? 's' : ''} rose by more (or less) than the probe's ${sent} packet${sent === 1 ? '' : 's'}: other traffic shares them, so the rise is not the probe's alone.`,
    };
  return {
    rules,
    attribution: 'exact',
    note: `Every rise matches the probe's ${sent} packet${sent === 1 ? '' : 's'}: measured, not inferred.`,
  };
}
