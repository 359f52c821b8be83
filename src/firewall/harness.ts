import type { SimFlow } from '../schema/pve.js';

// One line of a pve-firewall test-harness `tests` file: a one-line Perl hash
// `{ from => 'vm100', to => 'ct200', dport => 22, action => 'ACCEPT' }`.
export interface HarnessTest {
  line: number;
  text: string;
  id: string | null;
  action: 'ACCEPT' | 'DROP' | 'REJECT' | 'QUERY';
  flows: SimFlow[]; // one per expanded zone when from or to is missing
}

export const EXPANSION_ZONES = ['host', 'outside', 'nfvm', 'vm100', 'ct200'];
const KEYS = new Set(['from', 'to', 'action', 'id', 'proto', 'dport', 'sport', 'source', 'dest', 'srctype', 'dsttype']);

function splitPairs(body: string): string[] | null {
  const out: string[] = [];
  let cur = '';
  let quote: string | null = null;
  for (const ch of body) {
    if (quote) {
      if (ch === quote) quote = null;
      cur += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      cur += ch;
    } else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (quote) return null;
  if (cur.trim() !== '') out.push(cur);
  return out;
}

export function parseHarnessLine(text: string, line: number): HarnessTest | { error: string } | null {
  const t = text.trim();
  if (t === '' || t.startsWith('#')) return null;
  const m = /^\{(.*)\}\s*;?$/.exec(t);
  const pairs = m ? splitPairs(m[1] as string) : null;
  if (!pairs)
    return {
      error: `parse error: expected a one-line hash like { from => 'vm100', to => 'host', dport => 22, action => 'ACCEPT' }`,
    };
  const h: Record<string, string> = {};
  for (const pair of pairs) {
    const kv = /^\s*'?([A-Za-z_]+)'?\s*=>\s*(?:'([^']*)'|"([^"]*)"|(-?\d+))\s*$/.exec(pair);
    if (!kv) return { error: `parse error near "${pair.trim()}": expected key => 'value'` };
    const key = kv[1] as string;
    if (!KEYS.has(key)) return { error: `unknown key "${key}" (keys: ${[...KEYS].join(', ')})` };
    h[key] = (kv[2] ?? kv[3] ?? kv[4]) as string;
  }
  const action = (h.action ?? '').toUpperCase();
  if (!['ACCEPT', 'DROP', 'REJECT', 'QUERY'].includes(action))
    return { error: `action must be ACCEPT, DROP, REJECT or QUERY (got "${h.action ?? ''}")` };
  if (!h.from && !h.to)
    return { error: 'a test needs from or to (a missing one is expanded over host, outside, nfvm, vm100, ct200)' };
  const proto = (h.proto ?? 'tcp').toLowerCase();
  if (!['tcp', 'udp', 'icmp', 'icmpv6'].includes(proto))
    return { error: `proto must be tcp, udp, icmp or icmpv6 (got "${h.proto}")` };
  const base = {
    proto: proto as SimFlow['proto'],
    ...(h.dport !== undefined ? { dport: /^\d+$/.test(h.dport) ? Number(h.dport) : h.dport } : {}),
    ...(h.sport !== undefined ? { sport: Number(h.sport) } : {}),
    ...(h.source ? { source: h.source } : {}),
    ...(h.dest ? { dest: h.dest } : {}),
    ...(h.srctype ? { srctype: h.srctype } : {}),
    ...(h.dsttype ? { dsttype: h.dsttype } : {}),
  };
  if (h.sport !== undefined && !/^\d+$/.test(h.sport)) return { error: `sport must be a number (got "${h.sport}")` };
  const flows: SimFlow[] =
    h.from && h.to
      ? [{ ...base, from: h.from, to: h.to }]
      : h.from
        ? EXPANSION_ZONES.filter((z) => z !== h.from).map((to) => ({ ...base, from: h.from as string, to }))
        : EXPANSION_ZONES.filter((z) => z !== h.to).map((from) => ({ ...base, from, to: h.to as string }));
  return { line, text: t, id: h.id ?? null, action: action as HarnessTest['action'], flows };
}
