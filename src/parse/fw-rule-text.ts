import type { FwRule } from '../schema/pve.js';

// Canonical text of a rule: fixed option order, no comment, canonical macro and case, so two
// spellings of the same rule compare equal and finding ids stay stable.
export function normaliseRule(rule: FwRule): string {
  const action = rule.macro ? `${rule.macro}(${rule.action})` : rule.action;
  const parts = [`${rule.enabled ? '' : '|'}${rule.direction}`, action];
  const opt = (flag: string, v: string | null) => {
    if (v !== null && v !== '') parts.push(flag, v);
  };
  opt('-i', rule.iface);
  opt('-source', rule.source && canonAddr(rule.source));
  opt('-dest', rule.dest && canonAddr(rule.dest));
  opt('-p', rule.proto?.toLowerCase() ?? null);
  opt('-dport', rule.dport);
  opt('-sport', rule.sport);
  opt('-icmp-type', rule.icmpType);
  opt('-log', rule.log && rule.log !== 'nolog' ? rule.log : null);
  return parts.join(' ');
}

// Alias names are case-insensitive; ipset names and literal addresses are kept as written
// (minus a redundant /32).
function canonAddr(a: string): string {
  if (/^(?:(?:dc|guest)\/)?[A-Za-z][A-Za-z0-9_-]+$/.test(a)) return a.toLowerCase();
  return a
    .split(',')
    .map((x) => x.replace(/^(\d+\.\d+\.\d+\.\d+)\/32$/, '$1'))
    .join(',');
}
