import { IpsetIndex } from '../firewall/ipset-index.js';
import { isCidrError, parseCidr } from '../parse/ip.js';
import type { KIpset, KIssue } from './types.js';

// `ipset save` -> the sets the rules name, with a lookup index. Pure and total.
export function parseIpsetSave(text: string, file: string): { sets: Map<string, KIpset>; issues: KIssue[] } {
  const issues: KIssue[] = [];
  const meta = new Map<string, { type: string; family: 4 | 6 }>();
  const entries = new Map<string, Array<{ text: string; nomatch: boolean }>>();
  text.split('\n').forEach((raw, idx) => {
    const w = raw.trim().split(/\s+/);
    if (w[0] === 'create' && w[1] && w[2]) {
      const fam = w[w.indexOf('family') + 1];
      meta.set(w[1], { type: w[2], family: fam === 'inet6' ? 6 : 4 });
      entries.set(w[1], []);
    } else if (w[0] === 'add' && w[1] && w[2]) {
      const list = entries.get(w[1]);
      if (!list) issues.push({ file, line: idx + 1, message: `entry for unknown set ${w[1]}` });
      else list.push({ text: w[2], nomatch: w.includes('nomatch') });
    } else if (raw.trim() !== '' && !raw.startsWith('#')) {
      issues.push({ file, line: idx + 1, message: `not an ipset save line: "${raw.slice(0, 120)}"` });
    }
  });
  const sets = new Map<string, KIpset>();
  for (const [name, m] of meta) {
    const list = entries.get(name) ?? [];
    const cidrs = [];
    for (const e of list) {
      const c = parseCidr(e.text, true);
      if (isCidrError(c)) continue; // hash:ip,port and other dimensions: the set type says it is not modelled
      cidrs.push({ cidr: c, nomatch: e.nomatch });
    }
    sets.set(name, {
      name,
      type: m.type,
      family: m.family,
      index: new IpsetIndex(cidrs),
      entries: list.map((e) => (e.nomatch ? `${e.text} nomatch` : e.text)),
    });
  }
  return { sets, issues };
}
